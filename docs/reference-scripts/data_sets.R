# Checks that the public data sets under crates/cocreate-core/tests/data are the packages' own:
# HolzingerSwineford1939.csv and PoliticalDemocracy.csv equal lavaan's data sets, bfi.csv
# equals psych's bfi (its row names in the id column), value for value.
#
# R 4.2.2, lavaan 0.6-14, psych 2.2.9. Run from the repository root (writes nothing; exit
# status 1 when a file differs):
#   Rscript docs/reference-scripts/data_sets.R
# The simulated co-creation survey, its keys and the journey files (events_small.csv) come
# from the project's reference set; their generators are not in the repository.
suppressPackageStartupMessages({library(lavaan); library(psych)})
dir <- "crates/cocreate-core/tests/data"
plain <- function(d) data.frame(lapply(d, function(x) if (is.factor(x)) as.character(x) else x))
same <- function(a, b) isTRUE(all.equal(plain(a), plain(b), check.attributes = FALSE,
                                        tolerance = 0))
hs <- read.csv(file.path(dir, "HolzingerSwineford1939.csv"))
pd <- read.csv(file.path(dir, "PoliticalDemocracy.csv"))
bfi <- read.csv(file.path(dir, "bfi.csv"))
checks <- c(
  HolzingerSwineford1939.csv = same(hs, lavaan::HolzingerSwineford1939),
  PoliticalDemocracy.csv = same(pd, lavaan::PoliticalDemocracy),
  bfi.csv = same(bfi[, -1], psych::bfi) && identical(bfi$id, as.integer(rownames(psych::bfi))))
for (f in names(checks)) {
  cat(sprintf("%s: %s\n", f, if (checks[[f]]) "equal to the package's data set" else "DIFFERS"))
}
quit(status = if (all(checks)) 0 else 1)
