# Data and model syntax the reference scripts share (sourced, not run on its own).
# Paths are relative to the repository root. Reading the keys needs jsonlite
# (r-cran-jsonlite); writing JSON does not (json_writer.R).
DATA_DIR <- "crates/cocreate-core/tests/data"

data_file <- function(name) file.path(DATA_DIR, name)

read_hs <- function() read.csv(data_file("HolzingerSwineford1939.csv"))
read_pd <- function() read.csv(data_file("PoliticalDemocracy.csv"))
read_bfi <- function() read.csv(data_file("bfi.csv"))
read_survey <- function() read.csv(data_file("cocreation_survey.csv"))

# The constructs of cocreation_keys.json: list of (name, items, reverse).
cocreation_constructs <- function() {
  keys <- jsonlite::fromJSON(data_file("cocreation_keys.json"), simplifyVector = FALSE)
  lapply(keys$constructs, function(c) {
    list(name = c$name, items = unlist(c$items), reverse = unlist(c$reverse))
  })
}

# The survey's items with every reverse-keyed item recoded (1 + 5) - x = 6 - x, names kept.
keyed_items <- function(survey = read_survey()) {
  items <- survey
  for (c in cocreation_constructs()) {
    for (i in c$items[c$reverse]) items[[i]] <- 6 - items[[i]]
  }
  items[, unlist(lapply(cocreation_constructs(), `[[`, "items"))]
}

# Composite = mean of the keyed items each respondent answered (the survey has no NA).
composites <- function(survey = read_survey()) {
  k <- keyed_items(survey)
  out <- data.frame(id = survey$id)
  for (c in cocreation_constructs()) out[[c$name]] <- rowMeans(k[, c$items], na.rm = TRUE)
  out
}

HS_SYNTAX <- "visual  =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + x8 + x9"

PD_SYNTAX <- paste(
  "# measurement model", "ind60 =~ x1 + x2 + x3", "dem60 =~ y1 + y2 + y3 + y4",
  "dem65 =~ y5 + y6 + y7 + y8", "# regressions", "dem60 ~ ind60", "dem65 ~ ind60 + dem60",
  "# residual correlations", "y1 ~~ y5", "y2 ~~ y4 + y6", "y3 ~~ y7", "y4 ~~ y8", "y6 ~~ y8",
  sep = "\n")

# The 20 defined effects: specific indirect (via II, via EI), total indirect and total, per trait.
COCREATION_EFFECTS <- paste(unlist(lapply(c("O", "C", "E", "A", "N"), function(t) c(
  sprintf("ind_%s_II := aII_%s*b_II", t, t),
  sprintf("ind_%s_EI := aEI_%s*b_EI", t, t),
  sprintf("indtot_%s := aII_%s*b_II + aEI_%s*b_EI", t, t, t),
  sprintf("total_%s := c_%s + aII_%s*b_II + aEI_%s*b_EI", t, t, t, t)))), collapse = "\n")

COCREATION_STRUCTURAL <- paste(
  "II  ~ aII_O*O + aII_C*C + aII_E*E + aII_A*A + aII_N*N",
  "EI  ~ aEI_O*O + aEI_C*C + aEI_E*E + aEI_A*A + aEI_N*N",
  "WTC ~ b_II*II + b_EI*EI + c_O*O + c_C*C + c_E*E + c_A*A + c_N*N", sep = "\n")

COCREATION_PATH_SYNTAX <- paste(
  "# path model on composite (mean) scores", COCREATION_STRUCTURAL,
  "# specific indirect effects, total indirect effects and total effects", COCREATION_EFFECTS,
  sep = "\n")

COCREATION_MEASUREMENT <- paste(
  "O =~ O1 + O2 + O3 + O4 + O5", "C =~ C1 + C2 + C3 + C4 + C5", "E =~ E1 + E2 + E3 + E4 + E5",
  "A =~ A1 + A2 + A3 + A4", "N =~ N1 + N2 + N3 + N4", "II =~ II1 + II2 + II3 + II4 + II5 + II6",
  "EI =~ EI1 + EI2 + EI3 + EI4", "WTC =~ WTC1 + WTC2 + WTC3", sep = "\n")

COCREATION_SEM_SYNTAX <- paste(
  "# measurement model (items reverse-scored before fitting: 6 - x)", COCREATION_MEASUREMENT,
  "# structural model", COCREATION_STRUCTURAL,
  "# specific indirect effects, total indirect effects and total effects", COCREATION_EFFECTS,
  sep = "\n")

# The eight innovativeness items of the keyed survey by gender, without the 14 rows of gender 3
# (a category of II1 is empty there), with the two-factor model the ordered-by-group
# references fit (groups_ordinal.R, groups_ordinal_equal.R).
ordered_by_gender <- function() {
  survey <- read_survey()
  keyed <- keyed_items(survey)
  keyed$gender <- survey$gender
  two <- keyed[keyed$gender != 3, ]
  items <- c(paste0("II", 1:4), paste0("EI", 1:4))
  list(
    data = two, items = items,
    syntax = "II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4",
    info = list(file = "data/cocreation_survey.csv (keyed: reverse items 6 - x)",
                rows = nrow(two), variables = items, group = "gender",
                note = "rows of gender 3 dropped")
  )
}
