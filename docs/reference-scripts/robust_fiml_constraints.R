# References for MLR with full-information ML under general constraints.
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/robust_fiml_constraints.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data. Reads hs_missing.csv there (written by
# robust_fixedx_fiml.R: cells of HolzingerSwineford1939 deleted by a fixed rule) and writes,
# in the layout of lavaan_record.R's fit_record_ext():
#   robust_fiml_hs_ratio_mlr.json  the three-factor CFA with the loadings of x2 and x3
#                                  labelled a, b and a == 2*b, estimator = "MLR",
#                                  missing = "ml": the sandwich and the Yuan-Bentler trace
#                                  with the information inverted under the constraint, and
#                                  the FIML-corrected robust indices with E.inv so inverted.
#   robust_fiml_hs_mixed_mlr.json  the same plus d > 1.3 on the loading of x8, which binds
#                                  (nlminb.constr's augmented Lagrangian: it stops with
#                                  a - 2b = 1.2e-7 and the estimates 1e-4 from the optimum)
#   robust_fiml_hs_mixed_bound_mlr.json  the mixed model with x8's loading fixed at 1.3,
#                                  where the inequality binds: nlminb on the reduced
#                                  parameters reaches the optimum precisely.
# Numbers at full double precision (json_writer.R).
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(DATA_DIR)

hs_miss <- read.csv(data_file("hs_missing.csv"))
info <- list(file = "hs_missing.csv", rows = nrow(hs_miss))
RATIO <- "visual  =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + x8 + x9\na == 2*b"
BOUND <- "visual  =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + 1.3*x8 + x9\na == 2*b"
MIXED <- "visual  =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + d*x8 + x9\na == 2*b\nd > 1.3"
for (case in list(list("robust_fiml_hs_ratio_mlr", RATIO), list("robust_fiml_hs_mixed_mlr", MIXED),
                  list("robust_fiml_hs_mixed_bound_mlr", BOUND))) {
  fit <- cfa(case[[2]], data = hs_miss, estimator = "MLR", missing = "ml")
  rec <- fit_record_ext(fit, case[[1]],
                        "cfa(model, data = hs_missing, estimator = \"MLR\", missing = \"ml\")",
                        info, case[[2]])
  write_json_file(rec, file.path(out, paste0(case[[1]], ".json")))
}
