# Extension references: multiple groups (measurement invariance) and ordinal indicators.
#
# R 4.2.2, lavaan 0.6-14, semTools 0.5-6 (Debian r-cran-lavaan, r-cran-semtools), jsonlite to
# read the keys. Run from the repository root:
#   Rscript docs/reference-scripts/ext_groups_ordinal.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. Writes there:
#   mg_hs_school_{configural,metric,scalar,strict,partial_scalar}.json
#       cfa(hs_syntax, data = HolzingerSwineford1939, group = "school", group.equal = ...)
#   mg_hs_school_lrt.json   lavTestLRT of the invariance sequence (and with partial scalar)
#   mg_cocreation_path_gender_{free,regressions}.json    path model on the composites by
#       gender, two groups (the 14 rows of gender 3 dropped), group.equal = "regressions"
#   mg_cocreation_path_gender3_{free,regressions}.json   the same with all three groups
#   mg_cocreation_path_gender_lrt.json   lavTestLRT(free, regressions) for two and three groups
#   ordinal_cocreation_cfa_wlsmv.json    8-factor CFA of the 36 keyed items as ordered, WLSMV
#   ordinal_cocreation_polychoric.json   lavCor(keyed_items, ordered = all items)
# tests/sem_groups.rs reads the mg_* files (the ordinal ones are read by no test yet); the script
# is here so that they can be regenerated when one does. Numbers at full double precision.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
suppressPackageStartupMessages(library(semTools))
out <- out_dir_arg(file.path(DATA_DIR, "ext"))

FIT_MG_KEYS <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
                 "rmsea.ci.upper", "srmr", "aic", "bic", "logl", "npar")

# The extra fields of a multi-group fit file.
mg_extras <- function(rec, fit, notes) {
  labels <- lavInspect(fit, "group.label")
  ng <- length(labels)
  nobs <- lavInspect(fit, "nobs")
  fm <- fitMeasures(fit)
  res <- lavResiduals(fit, type = "cor.bentler")
  srmr_g <- vapply(seq_len(ng), function(g) res[[g]]$summary["srmr", "total"], 0)
  pt <- parTable(fit)
  rec$chisq_per_group <- as.list(setNames(lavInspect(fit, "test")[[1]]$stat.group, labels))
  rec$srmr_per_group <- as.list(setNames(srmr_g, labels))
  rec$srmr_weighted_check_abs_diff <- abs(sum(nobs / sum(nobs) * srmr_g) - fm[["srmr"]])
  rec$npar_check <- list(n_free = sum(pt$free > 0), n_eq_constraints = sum(pt$op == "=="),
                         npar = fm[["npar"]])
  rec$chisq_per_group_note <- paste("lavInspect(fit, 'test')[[1]]$stat.group: group g's",
                                    "contribution N_g * F_ML,g (sum = chisq)")
  rec$fit_mg <- named_numbers(fm[FIT_MG_KEYS])
  rec$notes <- notes
  rec
}

summary_row <- function(model, fit) {
  keys <- c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic", "logl")
  sg <- lavInspect(fit, "test")[[1]]$stat.group
  c(list(model = model), named_numbers(fitMeasures(fit)[keys]),
    as.list(setNames(sg, paste0("chisq_group", seq_along(sg)))))
}

lrt_rows <- function(lrt) {
  d <- as.data.frame(lrt)
  cbind(data.frame(model = rownames(d), stringsAsFactors = FALSE),
        d[, c("Df", "AIC", "BIC", "Chisq", "Chisq diff", "RMSEA", "Df diff", "Pr(>Chisq)")],
        row.names = NULL)
}

# ---- HolzingerSwineford1939 by school ------------------------------------------------------
hs <- read_hs()
hs_data <- list(file = "data/HolzingerSwineford1939.csv", rows = nrow(hs),
                variables = paste0("x", 1:9), group = "school")
HS_NOTES <- c(
  paste("group = 'school': group order = order of first appearance in the data (lavaan",
        "default): group 1 = 'Pasteur' (n = 156), group 2 = 'Grant-White' (n = 145); see",
        "group_labels / n_used_per_group. parameter_estimates$group is that index."),
  paste("Multi-group fits always have meanstructure = TRUE: observed intercepts (~1) free per",
        "group; latent means fixed to 0 in all groups unless intercepts are constrained equal",
        "(scalar/strict/partial), in which case latent means are free in group 2+ (fixed 0 in",
        "group 1)."),
  paste("Equality constraints from group.equal are explicit '==' rows between plabels (see",
        "'free': op '==', lhs/rhs = plabels such as '.p2.' == '.p38.'); constrained",
        "parameters have identical est/se in the groups; npar = number of free parameters",
        "minus number of equality constraints (e.g. metric: 60 - 6 = 54)."),
  paste("fit (ML): chisq = sum_g N_g F_ML,g (N_g, not N_g - 1; chisq_per_group); srmr = sum_g",
        "(N_g/N) * SRMR_g, SRMR_g = Bentler SRMR of group g including the mean residuals",
        "(srmr_per_group, from lavResiduals(fit, type = 'cor.bentler')[[g]]$summary['srmr',",
        "'total']); cfi/tli baseline = independence model in every group (free means and",
        "variances, no constraints across groups)."))

hs_models <- list(
  configural = list(equal = character(0), partial = character(0)),
  metric = list(equal = "loadings", partial = character(0)),
  scalar = list(equal = c("loadings", "intercepts"), partial = character(0)),
  strict = list(equal = c("loadings", "intercepts", "residuals"), partial = character(0)),
  partial_scalar = list(equal = c("loadings", "intercepts"), partial = "x3 ~ 1"))
deparse_chr <- function(x) if (length(x) == 1) sprintf("\"%s\"", x) else
  sprintf("c(%s)", paste0("\"", x, "\"", collapse = ", "))
hs_fits <- list()
for (m in names(hs_models)) {
  spec <- hs_models[[m]]
  args <- list(HS_SYNTAX, data = hs, group = "school")
  call <- "cfa(model, data = HolzingerSwineford1939, group = \"school\""
  if (length(spec$equal)) {
    args$group.equal <- spec$equal
    call <- paste0(call, ", group.equal = c(", paste0("\"", spec$equal, "\"", collapse = ", "),
                   ")")
  }
  if (length(spec$partial)) {
    args$group.partial <- spec$partial
    call <- paste0(call, ", group.partial = ", deparse_chr(spec$partial))
  }
  call <- paste0(call, ")")
  fit <- do.call("cfa", args)
  hs_fits[[m]] <- fit
  name <- paste0("mg_hs_school_", m)
  rec <- mg_extras(fit_record_ext(fit, name, call, hs_data, HS_SYNTAX), fit, HS_NOTES)
  write_json_file(rec, file.path(out, paste0(name, ".json")))
}

configural <- hs_fits$configural
metric <- hs_fits$metric
scalar <- hs_fits$scalar
strict <- hs_fits$strict
partial_scalar <- hs_fits$partial_scalar
lrt <- lavTestLRT(configural, metric, scalar, strict)
lrt_partial <- lavTestLRT(configural, metric, partial_scalar, scalar)
write_json_file(list(
  name = "mg_hs_school_lrt",
  producer = lavaan_producer_ext(),
  data = hs_data,
  syntax = HS_SYNTAX,
  group_labels = jarr(lavInspect(configural, "group.label")),
  models = lapply(hs_models, function(s) list(group.equal = jarr(s$equal),
                                               group.partial = jarr(s$partial))),
  summary = lapply(names(hs_fits), function(m) summary_row(m, hs_fits[[m]])),
  lrt = lrt_rows(lrt),
  lrt_call = "lavTestLRT(configural, metric, scalar, strict)",
  lrt_partial = lrt_rows(lrt_partial),
  lrt_partial_call = "lavTestLRT(configural, metric, partial_scalar, scalar)",
  lrt_heading = attr(lrt, "heading"),
  checks = list(chisq = jarr(vapply(hs_fits[c("configural", "metric", "scalar", "strict")],
                                    function(f) fitMeasures(f)[["chisq"]], 0)),
                increasing = !is.unsorted(vapply(hs_fits[c("configural", "metric", "scalar",
                                                           "strict")],
                                                 function(f) fitMeasures(f)[["chisq"]], 0))),
  notes = c(
    paste("lavTestLRT orders models by df; row 1 (the least restricted) has NA for the",
          "difference columns."),
    paste("ML: 'Chisq diff' = chisq_restricted - chisq_free, 'Df diff' = df difference,",
          "'Pr(>Chisq)' = upper tail of chi-square(Df diff). AIC/BIC are the models'",
          "fitMeasures aic/bic. (method = 'default' -> standard chi-square difference for",
          "non-robust ML.)"),
    "chisq_groupG in summary = lavInspect(fit, 'test')[[1]]$stat.group[G].")
), file.path(out, "mg_hs_school_lrt.json"))

# ---- co-creation path model by gender --------------------------------------------------------
survey <- read_survey()
comp <- merge(composites(survey), survey[, c("id", "gender")], by = "id", sort = FALSE)
comp <- comp[order(match(comp$id, survey$id)), ]
MG_SYNTAX <- paste(
  "# path model on composite (mean) scores, unlabeled for multi-group use",
  "II  ~ O + C + E + A + N", "EI  ~ O + C + E + A + N", "WTC ~ II + EI + O + C + E + A + N",
  "# residual covariance of the two mediators", "II ~~ EI", sep = "\n")
MG_NOTES <- c(
  paste("Composites = mean of the answered keyed items per construct (prorated; this survey",
        "has no NA, so = expected/cocreation_composites.csv), joined by id with the survey's",
        "gender column (1 = male, 2 = female, 3 = diverse)."),
  paste("The syntax is deliberately UNLABELED: in a multi-group model a single label (e.g.",
        "aII_O*O) is shared by all groups and would constrain the coefficient to be equal.",
        "'free' = configural (all parameters group-specific); 'regressions' = group.equal =",
        "'regressions' (all 17 ~ coefficients equal across groups; intercepts, residual",
        "(co)variances free)."),
  paste("O C E A N are exogenous observed covariates (fixed.x = TRUE): their",
        "means/variances/covariances are fixed to each group's sample values (N_g",
        "denominator) and are not free parameters. With II ~~ EI the single-group model is",
        "saturated, so the free multi-group model has df = 0 (chisq 0, cfi 1, rmsea 0) and",
        "the 'regressions' model has df = 17 * (G - 1)."),
  "Group order = first appearance in the data (lavaan default): see group_labels.")
counts <- table(factor(survey$gender, levels = c(1, 2, 3)), useNA = "no")
gender_counts <- list(`1` = counts[["1"]], `2` = counts[["2"]], `3` = counts[["3"]],
                      `NA` = sum(is.na(survey$gender)))
two <- comp[comp$gender %in% c(1, 2), ]
variants <- list(
  gender = list(data = two, data_call = "composites[gender %in% c(1, 2), ]",
                dropped = sprintf(paste("%d rows with gender = 3 (diverse) dropped (too few",
                                        "for a group); %d rows with NA gender"),
                                  sum(comp$gender == 3, na.rm = TRUE), sum(is.na(comp$gender)))),
  gender3 = list(data = comp, data_call = "composites",
                 dropped = "none: three groups (gender 1, 2, 3); group 3 (diverse) is small"))
lrt_out <- list(name = "mg_cocreation_path_gender_lrt", producer = lavaan_producer_ext(),
                syntax = MG_SYNTAX)
for (v in names(variants)) {
  spec <- variants[[v]]
  data_info <- list(file = "data/cocreation_survey.csv",
                    composites_file = "expected/cocreation_composites.csv", rows = nrow(comp),
                    rows_used = nrow(spec$data), dropped = spec$dropped,
                    gender_counts_all = gender_counts)
  free <- sem(MG_SYNTAX, data = spec$data, group = "gender")
  regressions <- sem(MG_SYNTAX, data = spec$data, group = "gender", group.equal = "regressions")
  for (m in c("free", "regressions")) {
    fit <- if (m == "free") free else regressions
    call <- sprintf("sem(model, data = %s, group = \"gender\"%s)", spec$data_call,
                    if (m == "free") "" else ", group.equal = \"regressions\"")
    name <- sprintf("mg_cocreation_path_%s_%s", v, m)
    rec <- mg_extras(fit_record_ext(fit, name, call, data_info, MG_SYNTAX), fit, MG_NOTES)
    write_json_file(rec, file.path(out, paste0(name, ".json")))
  }
  key <- if (v == "gender") "two_groups" else "three_groups"
  lrt_out[[key]] <- list(
    data = data_info,
    group_labels = jarr(lavInspect(free, "group.label")),
    summary = list(summary_row("free", free), summary_row("regressions", regressions)),
    lrt = lrt_rows(lavTestLRT(free, regressions)),
    files = jarr(sprintf("mg_cocreation_path_%s_%s.json", v, c("free", "regressions"))))
}
lrt_out$lrt_call <- "lavTestLRT(free, regressions)"
lrt_out$notes <- c(
  paste("free has df = 0, so 'Chisq diff' = chisq(regressions) and 'Df diff' =",
        "df(regressions)."), MG_NOTES)
write_json_file(lrt_out, file.path(out, "mg_cocreation_path_gender_lrt.json"))

# ---- ordinal CFA (WLSMV) and polychoric correlations ------------------------------------------
items <- keyed_items()
item_names <- colnames(items)
cfa_syntax <- paste0("# measurement model only (items reverse-scored before fitting: 6 - x)\n",
                     COCREATION_MEASUREMENT)
keyed_info <- list(file = "data/cocreation_survey.csv", rows = nrow(items),
                   variables = paste("the 36 items, reverse-keyed items recoded (scale_min +",
                                     "scale_max) - x = 6 - x BEFORE fitting (names",
                                     "unchanged), per data/cocreation_keys.json"))
category_counts <- lapply(setNames(item_names, item_names), function(i) {
  tab <- table(items[[i]])
  as.list(setNames(as.numeric(tab), names(tab)))
})
fit <- cfa(cfa_syntax, data = items, ordered = item_names, estimator = "WLSMV")
poly <- lavCor(items, ordered = item_names, output = "sampstat")
ss <- lavInspect(fit, "sampstat")
fm <- fitMeasures(fit)
sh <- lavInspect(fit, "test")$scaled.shifted
a <- 1 / sh$scaling.factor
rec <- fit_record_ext(fit, "ordinal_cocreation_cfa_wlsmv",
                      paste("cfa(model, data = keyed_items, ordered = <all 36 item names>,",
                            "estimator = \"WLSMV\")"), keyed_info, cfa_syntax)
rec$category_counts <- category_counts
rec$reliability_ordinal <- list(
  compRelSEM_categorical_omega = named_numbers(compRelSEM(fit)),
  compRelSEM_categorical_call = paste("compRelSEM(fit)  # ord.scale = TRUE: Green & Yang",
                                      "(2009) categorical omega on the observed-response",
                                      "scale"),
  compRelSEM_latent_response_omega = named_numbers(compRelSEM(fit, ord.scale = FALSE)),
  compRelSEM_latent_response_call = paste("compRelSEM(fit, ord.scale = FALSE)  # omega on the",
                                          "latent-response (polychoric) scale"),
  AVE_latent_response = named_numbers(AVE(fit)),
  AVE_call = "AVE(fit)  # on the latent-response scale")
rec$checks <- list(
  max_abs_diff_polychoric_lavCor_vs_fit = max(abs(unclass(poly$cov) - unclass(ss$cov))),
  max_abs_diff_th_lavCor_vs_fit = max(abs(unclass(poly$th) - unclass(ss$th))),
  chisq_scaled = fm[["chisq.scaled"]],
  chisq_eq_2N_fmin = abs(fm[["chisq"]] - 2 * lavInspect(fit, "nobs") * fm[["fmin"]]),
  chisq_scaled_eq_chisq_over_c_plus_shift =
    abs(fm[["chisq.scaled"]] - (fm[["chisq"]] / sh$scaling.factor + sh$shift.parameter)),
  a_eq_sqrt_df_over_trUG2 = abs(a - sqrt(fm[["df"]] / sh$trace.UGamma2)),
  shift_eq_df_minus_a_trUG = abs(sh$shift.parameter - (fm[["df"]] - a * sh$trace.UGamma)))
rec$notes <- c(
  paste("WLSMV = estimator DWLS (diagonal of the NACOV of the polychoric correlations and",
        "thresholds as weights), se = 'robust.sem', test = 'scaled.shifted'",
        "(mean-and-variance adjusted), parameterization = 'delta', missing = 'listwise'",
        "(lavaan's default for categorical data), information 'expected'."),
  paste("Two-step: thresholds and polychoric correlations first (sample_stats$th and",
        "sample_stats$cov; identical to ordinal_cocreation_polychoric.json), then the model",
        "is fitted to them."),
  paste("parameter_estimates: '|' rows = thresholds (lhs item, rhs t1..t4), '~*~' rows =",
        "scaling factors (fixed 1 under delta in a single group), '~~' item rows = residual",
        "variances (NOT free under delta: fixed to 1 - lambda^2 psi, reported with se 0),",
        "'~1' item intercepts fixed 0, latent means fixed 0."),
  paste("fit: chisq = 2 * N * fmin with fmin = 0.5 * (s - sigma)' W_diag (s - sigma) over",
        "thresholds and polychoric correlations (the 'standard' DWLS statistic;",
        "checks$chisq_eq_2N_fmin); chisq.scaled = chisq / scaling.factor + shift.parameter",
        "with scaling.factor = 1/a, a = sqrt(df / tr((U Gamma)^2)), shift = df - a * tr(U",
        "Gamma) (scaled-shifted, Asparouhov & Muthen 2010; test$scaled.shifted: trace.UGamma,",
        "trace.UGamma2, scaling.factor, shift.parameter;",
        "checks$chisq_scaled_eq_chisq_over_c_plus_shift); df.scaled = df.",
        "cfi.scaled/tli.scaled/rmsea.scaled plug the scaled-shifted model and baseline",
        "statistics into the usual formulas; *.robust = the robust versions of lavaan 0.6-14",
        "for categorical data (Savalei 2021)."),
  paste("srmr for categorical data = srmr_bentler_nomean (polychoric correlation residuals",
        "only); srmr_bentler also includes the threshold (mean) part."),
  paste("categories: all 36 items have all 5 categories observed (4 thresholds each), see",
        "category_counts."),
  paste("extra 'reliability_ordinal': semTools on this WLSMV fit (not requested by the public",
        "spec; for information)."))
write_json_file(rec, file.path(out, "ordinal_cocreation_cfa_wlsmv.json"))

write_json_file(list(
  name = "ordinal_cocreation_polychoric",
  producer = lavaan_producer_ext(),
  call = paste("lavCor(keyed_items, ordered = <all 36 item names>, output = \"sampstat\")  # =",
               "lavCor(keyed_items, ordered = TRUE); defaults missing = 'listwise', estimator =",
               "'two.step', cor.smooth = FALSE"),
  data = keyed_info,
  n_used = nrow(items),
  polychoric = mat_json(unclass(poly$cov)),
  thresholds = named_numbers(poly$th),
  category_counts = category_counts,
  notes = c(
    paste("Two-step polychoric: thresholds per item from the marginal proportions, th_k =",
          "qnorm(cumulative proportion of categories <= k); then each correlation by ML of the",
          "bivariate normal given the thresholds."),
    paste("threshold names are 'item|t1'..'item|t4'. Items are the KEYED items (reverse-keyed",
          "recoded 6 - x): recoding reverses the category order, so thresholds of those items",
          "change sign/order and their correlations change sign relative to the raw items."))
), file.path(out, "ordinal_cocreation_polychoric.json"))
