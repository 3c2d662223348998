# References for robust ML with fixed covariates and MLR with full-information ML.
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/robust_fixedx_fiml.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data. Writes there the data sets with cells
# deleted by a fixed rule (hs_missing.csv, composites_missing.csv) and one JSON file per fit in
# the layout of lavaan_record.R's fit_record_ext() (robust_fixedx_*.json, robust_fiml_*.json).
# Numbers at full double precision (json_writer.R).
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(DATA_DIR)

hs <- read_hs()
pd <- read_pd()
comp <- read.csv(data_file("cocreation_composites.csv"))

# A fit file: fit_record_ext() plus the call's options as given.
write_fit <- function(name, fit, call, data_info, syntax) {
  rec <- fit_record_ext(fit, name, call, data_info, syntax)
  write_json_file(rec, file.path(out, paste0(name, ".json")))
}

# ---- robust ML with fixed exogenous covariates (complete data) ----------------------------
# lavaan keeps fixed.x = TRUE: the covariates' moments are fixed at their sample values, the
# casewise terms of MLM's Gamma are those of lav_samplestats_Gamma(fixed.x = TRUE) (outcomes
# minus their fitted values from the regression on the covariates) and the weight matrices
# and saturated-model information have the covariate-only moments removed (x.idx).
path_syntax <- "II ~ aII_O*O + aII_C*C + aII_E*E\nEI ~ aEI_O*O + aEI_A*A + aEI_N*N\nWTC ~ b_II*II + b_EI*EI + c_O*O\nind_O := aII_O*b_II + aEI_O*b_EI\ntotal_O := c_O + aII_O*b_II + aEI_O*b_EI"
comp_info <- list(file = "cocreation_composites.csv", rows = nrow(comp))
for (est in c("MLM", "MLR")) {
  fit <- sem(path_syntax, data = comp, estimator = est)
  write_fit(paste0("robust_fixedx_path_", tolower(est)), fit,
            sprintf("sem(model, data = cocreation_composites, estimator = \"%s\")", est),
            comp_info, path_syntax)
  fit <- sem(path_syntax, data = comp, estimator = est, meanstructure = TRUE)
  write_fit(paste0("robust_fixedx_path_means_", tolower(est)), fit,
            sprintf("sem(model, data = cocreation_composites, estimator = \"%s\", meanstructure = TRUE)", est),
            comp_info, path_syntax)
}
mimic_syntax <- paste0(HS_SYNTAX, "\nvisual ~ sex + ageyr\ntextual ~ sex\nspeed ~ ageyr")
hs_info <- list(file = "HolzingerSwineford1939.csv", rows = nrow(hs))
for (est in c("MLM", "MLR")) {
  fit <- sem(mimic_syntax, data = hs, estimator = est)
  write_fit(paste0("robust_fixedx_mimic_", tolower(est)), fit,
            sprintf("sem(model, data = HolzingerSwineford1939, estimator = \"%s\")", est),
            hs_info, mimic_syntax)
}

# ---- MLR with full-information ML -----------------------------------------------------------
# se = "robust.huber.white" around the observed information (the Hessian), meat from the
# casewise FIML scores; test = "yuan.bentler.mplus" with the saturated model's observed and
# first-order information at the EM estimates (h1.information = "unstructured"); the robust
# RMSEA/CFI/TLI from lav_fit_fiml_corrected(version = "V3"). Data sets with cells deleted by a
# fixed rule are written next to the references.
hs_miss <- hs
for (j in 1:9) {
  v <- paste0("x", j)
  hs_miss[seq(j, nrow(hs_miss), by = 7 + j), v] <- NA
}
write.csv(hs_miss, file.path(out, "hs_missing.csv"), row.names = FALSE, na = "")
hs_miss <- read.csv(file.path(out, "hs_missing.csv"))
comp_miss <- comp
vars <- c("O", "C", "E", "A", "N", "II", "EI", "WTC")
for (j in seq_along(vars)) {
  comp_miss[seq(j, nrow(comp_miss), by = 9 + j), vars[j]] <- NA
}
write.csv(comp_miss, file.path(out, "composites_missing.csv"), row.names = FALSE, na = "")
comp_miss <- read.csv(file.path(out, "composites_missing.csv"))
survey_miss <- read.csv(data_file("cocreation_keyed_items_3pct_missing.csv"))
survey_syntax <- paste(readLines("examples/data/cocreation_sem.lav"), collapse = "\n")

fit <- cfa(HS_SYNTAX, data = hs_miss, estimator = "MLR", missing = "ml")
write_fit("robust_fiml_hs_mlr", fit,
          "cfa(model, data = hs_missing, estimator = \"MLR\", missing = \"ml\")",
          list(file = "hs_missing.csv", rows = nrow(hs_miss)), HS_SYNTAX)
for (miss in c("ml", "ml.x")) {
  fit <- sem(path_syntax, data = comp_miss, estimator = "MLR", missing = miss)
  write_fit(paste0("robust_fiml_path_", sub(".", "", miss, fixed = TRUE)), fit,
            sprintf("sem(model, data = composites_missing, estimator = \"MLR\", missing = \"%s\")", miss),
            list(file = "composites_missing.csv", rows = nrow(comp_miss)), path_syntax)
}
fit <- sem(survey_syntax, data = survey_miss, estimator = "MLR", missing = "ml")
write_fit("robust_fiml_survey_mlr", fit,
          "sem(model, data = cocreation_keyed_items_3pct_missing, estimator = \"MLR\", missing = \"ml\")",
          list(file = "cocreation_keyed_items_3pct_missing.csv", rows = nrow(survey_miss)),
          survey_syntax)
