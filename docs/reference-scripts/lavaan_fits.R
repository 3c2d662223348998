# The first lavaan references: plain ML fits of the five models the SEM tests check.
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan), jsonlite to read the keys (r-cran-jsonlite).
# Run from the repository root:
#   Rscript docs/reference-scripts/lavaan_fits.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data. Writes there:
#   cocreation_composites.csv   id + composites O C E A N II EI WTC (mean of the keyed items,
#                               reverse-keyed items 6 - x), written by write.csv (15 digits)
#   pd_sem.json                 sem() of the lavaan tutorial model on PoliticalDemocracy
#   hs_cfa.json                 cfa() three-factor model on HolzingerSwineford1939
#   cocreation_path.json        sem() path model on the composites with 20 defined effects
#   cocreation_path_rescov.json the same plus II ~~ EI (saturated, df = 0)
#   cocreation_sem.json         full latent SEM on the 36 keyed items
# The path models are fitted to the composites at full precision (computed here, as the
# committed files were; the CSV holds them to 15 digits, which moves the path models' numbers
# by up to 4e-7). Each JSON file holds the call, syntax, options, parameter estimates, parameter
# table flags, standardized solution, fit measures, R2, sample and implied covariances.
# Numbers at full double precision (json_writer.R).
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(DATA_DIR)

write.csv(composites(), file.path(out, "cocreation_composites.csv"), row.names = FALSE)
comp <- composites()

pd <- read_pd()
write_json_file(fit_record_basic(
  sem(PD_SYNTAX, data = pd), "pd_sem", "sem(model, data = PoliticalDemocracy)",
  list(file = "data/PoliticalDemocracy.csv", rows = nrow(pd)), PD_SYNTAX),
  file.path(out, "pd_sem.json"))

hs <- read_hs()
write_json_file(fit_record_basic(
  cfa(HS_SYNTAX, data = hs), "hs_cfa", "cfa(model, data = HolzingerSwineford1939)",
  list(file = "data/HolzingerSwineford1939.csv", rows = nrow(hs),
       variables = paste0("x", 1:9)), HS_SYNTAX),
  file.path(out, "hs_cfa.json"))

write_json_file(fit_record_basic(
  sem(COCREATION_PATH_SYNTAX, data = comp), "cocreation_path", "sem(model, data = composites)",
  list(file = "data/cocreation_survey.csv", rows = nrow(comp),
       variables = paste("composites O C E A N II EI WTC = mean of keyed items (reverse-keyed",
                         "items scored 6 - x); also in expected/cocreation_composites.csv")),
  COCREATION_PATH_SYNTAX,
  notes = c(paste("lavaan does NOT add II ~~ EI by default (II and EI are predictors of WTC,",
                  "so auto.cov.y does not cover them): df = 1."),
            paste("O C E A N are exogenous observed covariates: fixed.x = TRUE, their",
                  "(co)variances are fixed to the sample values (N denominator) and are not",
                  "free parameters; they appear in parameter_estimates with se = 0/NA."))),
  file.path(out, "cocreation_path.json"))

rescov <- paste0(COCREATION_PATH_SYNTAX, "\n# residual covariance of the two mediators\nII ~~ EI")
write_json_file(fit_record_basic(
  sem(rescov, data = comp), "cocreation_path_rescov", "sem(model, data = composites)",
  list(file = "data/cocreation_survey.csv", rows = nrow(comp),
       variables = "composites as in cocreation_path"), rescov,
  notes = paste("Variant with II ~~ EI free: saturated model (df = 0). Edge case for fit",
                "indices at df = 0.")),
  file.path(out, "cocreation_path_rescov.json"))

items <- keyed_items()
write_json_file(fit_record_basic(
  sem(COCREATION_SEM_SYNTAX, data = items), "cocreation_sem", "sem(model, data = keyed_items)",
  list(file = "data/cocreation_survey.csv", rows = nrow(items),
       variables = paste("the 36 items, reverse-keyed items recoded as 6 - x BEFORE fitting",
                         "(names unchanged)")),
  COCREATION_SEM_SYNTAX,
  notes = c("Exogenous latent traits O C E A N covary freely (auto.cov.lv.x = TRUE).",
            "II ~~ EI is not added by default (lavaan 0.6-14).",
            "First indicator of each factor has loading fixed to 1 (auto.fix.first = TRUE).")),
  file.path(out, "cocreation_sem.json"))
