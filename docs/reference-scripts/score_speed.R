# The psych side of the whole-process timing of the `score` example (docs/validation.md,
# "Whole process"): read the survey with read.csv, build the keys from the same keys file
# and run scoreItems (impute = "none", the score example's default, prorate).
#
# Usage: Rscript score_speed.R KEYS.json SURVEY.csv
# Prints the scales' alpha so that the work cannot be skipped; time it from outside
# (hyperfine, /usr/bin/time), as the score example is timed.
suppressMessages({
  library(psych)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
keys_file <- args[1]
data_file <- args[2]
spec <- fromJSON(keys_file, simplifyVector = FALSE)
keys <- lapply(spec$scales, function(s) {
  items <- unlist(s$items)
  rev <- unlist(s$reverse)
  ifelse(rev, paste0("-", items), items)
})
names(keys) <- vapply(spec$scales, function(s) s$name, "")
data <- read.csv(data_file)
items <- unique(unlist(lapply(spec$scales, function(s) unlist(s$items))))
res <- scoreItems(keys, data[, items], impute = "none",
                  min = spec$scale_min, max = spec$scale_max)
print(round(res$alpha, 3))
