# References for multiple-group fits with full-information ML (missing = "ml"), robust ML
# (MLR, MLM) on complete data, and MLR with full-information ML.
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/groups_estimators.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. Writes one JSON file per fit in the
# layout of lavaan_record.R's fit_record_ext(), plus chisq_per_group (lavaan's stat.group of
# every test) and, for the invariance pairs, lavTestLRT's table:
#   mg_fiml_hs_school_{configural,metric}.json     cfa(hs_syntax, data = hs_missing,
#       group = "school", missing = "ml"[, group.equal = "loadings"])
#   mg_mlr_hs_school_{configural,metric}.json      the same on complete data, estimator = "MLR"
#   mg_mlm_hs_school_{configural,metric}.json      ... estimator = "MLM"
#   mg_mlr_path_gender_regressions.json            the co-creation path model by gender (two
#       groups), group.equal = "regressions", estimator = "MLR"
#   mg_mlr_fiml_hs_school_{configural,metric}.json hs_missing, estimator = "MLR", missing = "ml"
#   mg_mlr_fiml_path_gender_{ml,mlx}.json          the path model by gender on the composites
#       with cells deleted by robust_fixedx_fiml.R's rule (composites_missing.csv joined by id
#       with the survey's gender), group.equal = "regressions", estimator = "MLR",
#       missing = "ml" / "ml.x"
#   mg_estimators_lrt.json                         lavTestLRT(configural, metric) for each pair
# hs_missing.csv is HolzingerSwineford1939 with cells deleted by the rule of
# robust_fixedx_fiml.R (x_j missing in rows j, j + 7 + j, ...); it is re-derived here.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(file.path(DATA_DIR, "ext"))

hs <- read_hs()
hs_miss <- hs
for (j in 1:9) {
  v <- paste0("x", j)
  hs_miss[seq(j, nrow(hs_miss), by = 7 + j), v] <- NA
}

# Every test's per-group statistics (stat.group) by group label.
with_groups <- function(rec, fit) {
  labels <- lavInspect(fit, "group.label")
  rec$chisq_per_group <- lapply(lavInspect(fit, "test"), function(t) {
    if (is.null(t$stat.group)) NULL else as.list(setNames(t$stat.group, labels))
  })
  rec
}
write_fit <- function(name, fit, call, data_info, syntax) {
  rec <- with_groups(fit_record_ext(fit, name, call, data_info, syntax), fit)
  write_json_file(rec, file.path(out, paste0(name, ".json")))
}
lrt_rows <- function(lrt) {
  d <- as.data.frame(lrt)
  cbind(data.frame(model = rownames(d), stringsAsFactors = FALSE),
        d[, intersect(c("Df", "AIC", "BIC", "Chisq", "Chisq diff", "Df diff", "Pr(>Chisq)"),
                      names(d))], row.names = NULL)
}

lrts <- list()
hs_specs <- list(
  fiml = list(data = hs_miss, file = "hs_missing.csv", args = list(missing = "ml"),
              opts = ", missing = \"ml\""),
  mlr = list(data = hs, file = "HolzingerSwineford1939.csv", args = list(estimator = "MLR"),
             opts = ", estimator = \"MLR\""),
  mlm = list(data = hs, file = "HolzingerSwineford1939.csv", args = list(estimator = "MLM"),
             opts = ", estimator = \"MLM\""),
  mlr_fiml = list(data = hs_miss, file = "hs_missing.csv",
                  args = list(estimator = "MLR", missing = "ml"),
                  opts = ", estimator = \"MLR\", missing = \"ml\""))
for (k in names(hs_specs)) {
  s <- hs_specs[[k]]
  fits <- list()
  for (m in c("configural", "metric")) {
    args <- c(list(HS_SYNTAX, data = s$data, group = "school"), s$args)
    call <- paste0("cfa(model, data = ", sub(".csv", "", s$file, fixed = TRUE),
                   ", group = \"school\"", s$opts)
    if (m == "metric") {
      args$group.equal <- "loadings"
      call <- paste0(call, ", group.equal = \"loadings\"")
    }
    fit <- do.call("cfa", args)
    fits[[m]] <- fit
    write_fit(sprintf("mg_%s_hs_school_%s", k, m), fit, paste0(call, ")"),
              list(file = s$file, rows = nrow(s$data), variables = paste0("x", 1:9),
                   group = "school"), HS_SYNTAX)
  }
  lrts[[k]] <- lrt_rows(lavTestLRT(fits$configural, fits$metric))
}

survey <- read_survey()
comp <- merge(composites(survey), survey[, c("id", "gender")], by = "id", sort = FALSE)
comp <- comp[order(match(comp$id, survey$id)), ]
two <- comp[comp$gender %in% c(1, 2), ]
MG_SYNTAX <- paste("II  ~ O + C + E + A + N", "EI  ~ O + C + E + A + N",
                   "WTC ~ II + EI + O + C + E + A + N", "II ~~ EI", sep = "\n")
fit <- sem(MG_SYNTAX, data = two, group = "gender", group.equal = "regressions",
           estimator = "MLR")
write_fit("mg_mlr_path_gender_regressions", fit,
          paste("sem(model, data = composites[gender %in% c(1, 2), ], group = \"gender\",",
                "group.equal = \"regressions\", estimator = \"MLR\")"),
          list(file = "cocreation_composites.csv joined with cocreation_survey.csv's gender",
               rows = nrow(two)), MG_SYNTAX)
comp_miss <- read.csv(data_file("composites_missing.csv"))
comp_miss <- merge(comp_miss, survey[, c("id", "gender")], by = "id", sort = FALSE)
comp_miss <- comp_miss[order(match(comp_miss$id, survey$id)), ]
two_miss <- comp_miss[comp_miss$gender %in% c(1, 2), ]
for (miss in c("ml", "ml.x")) {
  fit_m <- sem(MG_SYNTAX, data = two_miss, group = "gender", group.equal = "regressions",
               estimator = "MLR", missing = miss)
  write_fit(paste0("mg_mlr_fiml_path_gender_", sub(".", "", miss, fixed = TRUE)), fit_m,
            sprintf(paste("sem(model, data = composites_missing[gender %%in%% c(1, 2), ],",
                          "group = \"gender\", group.equal = \"regressions\",",
                          "estimator = \"MLR\", missing = \"%s\")"), miss),
            list(file = "composites_missing.csv joined with cocreation_survey.csv's gender",
                 rows = nrow(two_miss)), MG_SYNTAX)
}
free <- sem(MG_SYNTAX, data = two, group = "gender", estimator = "MLR")
lrts[["mlr_path_gender"]] <- lrt_rows(lavTestLRT(free, fit))

write_json_file(list(name = "mg_estimators_lrt", producer = lavaan_producer_ext(),
                     call = "lavTestLRT(configural, metric) (path model: free, regressions)",
                     lrt = lrts),
                file.path(out, "mg_estimators_lrt.json"))
