# Extension references: robust ML, modification indices, reliability and validity.
#
# R 4.2.2, lavaan 0.6-14, semTools 0.5-6 (Debian r-cran-lavaan, r-cran-semtools), jsonlite to
# read the keys. Run from the repository root:
#   Rscript docs/reference-scripts/ext_robust_mi_relval.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. Writes there:
#   robust_hs_cfa_mlm.json   cfa(hs_syntax, data = HolzingerSwineford1939, estimator = "MLM")
#   robust_hs_cfa_mlr.json   cfa(hs_syntax, data = HolzingerSwineford1939, estimator = "MLR")
#   robust_pd_sem_mlr.json   sem(pd_syntax, data = PoliticalDemocracy, estimator = "MLR")
#   mi_hs_cfa.json           modindices() of the plain ML hs_cfa fit (all rows, lavaan's order)
#   mi_pd_sem.json           modindices() of the plain ML pd_sem fit
#   relval_hs_cfa.json       the hs_cfa fit + semTools compRelSEM, AVE, htmt, Fornell-Larcker
#   relval_cocreation_cfa.json  the same for the 8-factor CFA of the 36 keyed survey items
# Fit files have the layout of lavaan_record.R's fit_record_ext(); the robust files add the
# plain ML SEs (se_plain_ML) and checks of the scaling-factor formulas. Numbers at full double
# precision (json_writer.R).
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
suppressPackageStartupMessages(library(semTools))
out <- out_dir_arg(file.path(DATA_DIR, "ext"))

hs <- read_hs()
pd <- read_pd()
hs_data <- list(file = "data/HolzingerSwineford1939.csv", rows = nrow(hs),
                variables = paste0("x", 1:9))
pd_data <- list(file = "data/PoliticalDemocracy.csv", rows = nrow(pd))

# ---- robust ML ---------------------------------------------------------------------------
ROBUST_COMMON <- c(
  paste("chisq.scaled = chisq / chisq.scaling.factor; df.scaled = df;",
        "cfi.scaled/tli.scaled/rmsea.scaled plug the scaled statistics (model and baseline)",
        "into the usual formulas; cfi.robust/tli.robust/rmsea.robust are the Brosseau-Liard &",
        "Savalei (2014) / Savalei (2018) robust versions; rmsea.ci.*.robust the robust 90%",
        "RMSEA interval."))
NOTES_MLM <- c(
  paste("estimator = 'MLM' = ML estimates + se = 'robust.sem' (sandwich with EXPECTED",
        "information and the Gamma (ADF) matrix of the complete data) + test =",
        "'satorra.bentler'. lavInspect options report estimator 'ML' with these se/test",
        "settings."),
  paste("Point estimates are the ML estimates; chisq (= the standard ML chi-square), logl, aic,",
        "bic, srmr equal those of the plain ML fit."),
  ROBUST_COMMON,
  paste("Satorra-Bentler: chisq.scaling.factor = tr(U Gamma) / df",
        "(test$satorra.bentler$trace.UGamma / df), U = W - W Delta (Delta' W Delta)^-1 Delta'",
        "W with W the normal-theory (expected) weight matrix."))
NOTES_MLR <- c(
  paste("estimator = 'MLR' = ML estimates + se = 'robust.huber.white' (sandwich A^-1 B A^-1 / N",
        "with A = OBSERVED information (Hessian; options$information = 'observed') and B =",
        "first-order information (mean cross-product of the casewise scores)) + test =",
        "'yuan.bentler.mplus'. lavInspect options report estimator 'ML' with these se/test",
        "settings."),
  paste("Point estimates are the ML estimates; chisq, logl, aic, bic, srmr equal those of the",
        "plain ML fit."),
  paste("chisq.scaled = chisq / chisq.scaling.factor; Yuan-Bentler (Mplus variant):",
        "chisq.scaling.factor = (scaling.factor.h1 * pstar - scaling.factor.h0 * npar) / df =",
        "trace.UGamma / df, with scaling.factor.h1 = tr(A1^-1 B1)/pstar for the saturated",
        "model (pstar = number of sample moments) and scaling.factor.h0 = tr(A0^-1 B0)/npar for",
        "the fitted model; verified in checks$yb_mplus_formula_abs_diff.",
        "cfi.robust/tli.robust/rmsea.robust (+ rmsea.ci.*.robust): Brosseau-Liard & Savalei",
        "(2014), Savalei (2018)."))

robust_file <- function(name, fun, syntax, data, estimator, call, data_info) {
  # Called by name: lavaan takes model.type (and with it its defaults) from the call.
  fit <- do.call(fun, list(syntax, data = data, estimator = estimator))
  ml <- do.call(fun, list(syntax, data = data))
  rec <- fit_record_ext(fit, name, call, data_info, syntax)
  pe <- parameterEstimates(fit, remove.nonfree = FALSE, remove.eq = FALSE, remove.def = FALSE)
  pe_ml <- parameterEstimates(ml, remove.nonfree = FALSE, remove.eq = FALSE, remove.def = FALSE)
  fm <- fitMeasures(fit)
  fm_ml <- fitMeasures(ml)
  test <- lavInspect(fit, "test")[[2]]
  c_sf <- unname(fm["chisq.scaling.factor"])
  df <- unname(fm["df"])
  ratio <- pe$se[pe_ml$se > 0] / pe_ml$se[pe_ml$se > 0]
  checks <- list(
    max_abs_diff_est_vs_plain_ML = max(abs(pe$est - pe_ml$est)),
    abs_diff_chisq_vs_plain_ML = abs(unname(fm["chisq"] - fm_ml["chisq"])),
    chisq_scaling_factor = c_sf,
    chisq_scaled_eq_chisq_over_c = abs(unname(fm["chisq.scaled"] - fm["chisq"] / c_sf)),
    ratio_robust_se_over_ml_se = as.list(setNames(as.numeric(summary(ratio)),
                                                  names(summary(ratio)))),
    scaling_factor_eq_traceUGamma_over_df = abs(c_sf - test$trace.UGamma / df))
  if (estimator == "MLR") {
    p <- nrow(lavInspect(fit, "sampstat")$cov)
    pstar <- p * (p + 1) / 2 + if (lavInspect(fit, "meanstructure")) p else 0
    checks$pstar <- pstar
    checks$yb_mplus_formula_abs_diff <- abs(c_sf - (test$scaling.factor.h1 * pstar -
                                                      test$scaling.factor.h0 * fm[["npar"]]) / df)
  }
  rec$estimator_requested <- estimator
  rec$checks <- checks
  rec$se_plain_ML <- pe_ml$se
  rec$notes <- if (estimator == "MLM") NOTES_MLM else NOTES_MLR
  write_json_file(rec, file.path(out, paste0(name, ".json")))
}

robust_file("robust_hs_cfa_mlm", "cfa", HS_SYNTAX, hs, "MLM",
            "cfa(model, data = HolzingerSwineford1939, estimator = \"MLM\")", hs_data)
robust_file("robust_hs_cfa_mlr", "cfa", HS_SYNTAX, hs, "MLR",
            "cfa(model, data = HolzingerSwineford1939, estimator = \"MLR\")", hs_data)
robust_file("robust_pd_sem_mlr", "sem", PD_SYNTAX, pd, "MLR",
            "sem(model, data = PoliticalDemocracy, estimator = \"MLR\")", pd_data)

# ---- modification indices ----------------------------------------------------------------
NOTES_MI <- c(
  paste("All rows modindices() returns, in lavaan's order (not sorted). Rows: every parameter",
        "that is fixed (to zero) in the model and could be freed: cross-loadings (=~),",
        "residual covariances (~~), regressions (~) among latent variables for SEMs;",
        "parameters already free are removed (free.remove = TRUE), rows with NA mi removed",
        "(na.remove = TRUE)."),
  paste("mi = N * g_j^2 / V_jj (1-df score test, chi-square metric): the model is extended by",
        "all candidate parameters (at 0), g = lavTech(extended, 'gradient.logl') sign-adjusted",
        "(gradient of the ML discrepancy per observation at the fitted values), V = I_11 - I_12",
        "I_22^-1 I_21 from the unit EXPECTED information of the extended model (1 =",
        "candidates, 2 = free parameters; information = 'expected' is modindices' default), N",
        "= total sample size."),
  paste("epc = mi / (-N * g_j) = expected parameter change; sepc.lv = epc standardized with",
        "the latent variances only; sepc.all = completely standardized (latent and observed",
        "variances); sepc.nox = as sepc.all but not standardizing by exogenous observed",
        "covariates (identical to sepc.all here: no observed x). For ~~ rows cov.std = TRUE",
        "rescales the epc of a residual covariance to a residual correlation."))

mi_file <- function(name, fit, fit_call, data_info, syntax) {
  mi <- modindices(fit)
  mi <- mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.lv", "sepc.all", "sepc.nox")]
  rownames(mi) <- NULL
  top <- mi[order(-mi$mi), c("lhs", "op", "rhs", "mi", "epc")][1:5, ]
  rownames(top) <- NULL
  fm <- fitMeasures(fit)
  write_json_file(list(
    name = name,
    producer = lavaan_producer_ext(),
    fit_call = fit_call,
    call = paste("modindices(fit)  # defaults: standardized = TRUE, cov.std = TRUE, information",
                 "= 'expected', power = FALSE, sort. = FALSE, minimum.value = 0, free.remove =",
                 "TRUE, na.remove = TRUE"),
    data = data_info,
    syntax = syntax,
    n_used = lavInspect(fit, "nobs"),
    fit = named_numbers(fm[FIT_KEYS_BASIC]),
    modindices = mi,
    checks = list(n_rows = nrow(mi), min_mi = min(mi$mi), all_mi_nonnegative = all(mi$mi >= 0),
                  max_mi = max(mi$mi), top5 = top),
    notes = NOTES_MI
  ), file.path(out, paste0(name, ".json")))
}

hs_fit <- cfa(HS_SYNTAX, data = hs)
pd_fit <- sem(PD_SYNTAX, data = pd)
mi_file("mi_hs_cfa", hs_fit, "cfa(model, data = HolzingerSwineford1939)", hs_data, HS_SYNTAX)
mi_file("mi_pd_sem", pd_fit, "sem(model, data = PoliticalDemocracy)", pd_data, PD_SYNTAX)

# ---- reliability and validity --------------------------------------------------------------
relval_block <- function(fit, syntax, items) {
  est <- lavInspect(fit, "est")
  S <- lavInspect(fit, "sampstat")$cov
  Sigma <- lavInspect(fit, "implied")$cov
  cor_lv <- lavInspect(fit, "cor.lv")
  factors <- lavNames(fit, "lv")
  omega <- compRelSEM(fit)
  ave <- AVE(fit)
  hand <- lapply(setNames(factors, factors), function(f) {
    its <- rownames(est$lambda)[est$lambda[, f] != 0]
    lam <- est$lambda[its, f]
    psi <- est$psi[f, f]
    k <- length(its)
    Sf <- S[its, its]
    list(items = jarr(its),
         omega_obs = sum(lam)^2 * psi / sum(Sf),
         omega_implied = sum(lam)^2 * psi / sum(Sigma[its, its]),
         alpha = k / (k - 1) * (1 - sum(diag(Sf)) / sum(Sf)),
         ave_obs = sum(lam^2) * psi / sum(diag(Sf)),
         ave_implied = sum(lam^2) * psi / sum(diag(Sigma[its, its])))
  })
  pick <- function(k) vapply(hand, `[[`, 0, k)
  omega_imp <- compRelSEM(fit, obs.var = FALSE)
  alpha_te <- compRelSEM(fit, tau.eq = TRUE)
  ave_imp <- AVE(fit, obs.var = FALSE)
  fl <- data.frame(factor = factors, ave = as.numeric(ave[factors]),
                   sqrt_ave = sqrt(as.numeric(ave[factors])),
                   max_abs_cor_other = vapply(factors, function(f) {
                     max(abs(cor_lv[f, setdiff(factors, f)]))
                   }, 0), stringsAsFactors = FALSE)
  fl$criterion_met <- fl$sqrt_ave > fl$max_abs_cor_other
  rownames(fl) <- NULL
  list(
    semTools_version = as.character(packageVersion("semTools")),
    compRelSEM_omega = named_numbers(omega),
    compRelSEM_omega_implied_denominator = named_numbers(omega_imp),
    compRelSEM_alpha_tau_eq = named_numbers(alpha_te),
    compRelSEM_return_total = named_numbers(compRelSEM(fit, return.total = TRUE)),
    AVE = named_numbers(ave),
    AVE_implied_denominator = named_numbers(ave_imp),
    htmt = mat_json(htmt(syntax, data = items, htmt2 = FALSE)),
    htmt2 = mat_json(htmt(syntax, data = items)),
    cor_lv = mat_json(cor_lv),
    cov_lv = mat_json(lavInspect(fit, "cov.lv")),
    fornell_larcker = fl,
    hand_recomputation = hand,
    hand_vs_semTools_max_abs_diff = list(
      omega = max(abs(pick("omega_obs") - omega[factors])),
      omega_implied = max(abs(pick("omega_implied") - omega_imp[factors])),
      alpha = max(abs(pick("alpha") - alpha_te[factors])),
      ave = max(abs(pick("ave_obs") - ave[factors])),
      ave_implied = max(abs(pick("ave_implied") - ave_imp[factors]))),
    calls = list(
      compRelSEM_omega = "compRelSEM(fit)  # obs.var = TRUE, tau.eq = FALSE",
      compRelSEM_omega_implied_denominator = "compRelSEM(fit, obs.var = FALSE)",
      compRelSEM_alpha_tau_eq = "compRelSEM(fit, tau.eq = TRUE)",
      compRelSEM_return_total = "compRelSEM(fit, return.total = TRUE)",
      AVE = "AVE(fit)  # obs.var = TRUE",
      AVE_implied_denominator = "AVE(fit, obs.var = FALSE)",
      htmt = "htmt(model, data = items, htmt2 = FALSE)  # missing = 'listwise', absolute = TRUE",
      htmt2 = "htmt(model, data = items)  # semTools 0.5-6 default htmt2 = TRUE (geometric means)",
      cor_lv = "lavInspect(fit, 'cor.lv')"),
    formulas = list(
      omega = paste("(sum_i lambda_i)^2 * psi_ff / sum(S[items, items]); S = lavaan sample",
                    "covariance (N denominator) of the factor's items"),
      omega_implied = "same with the model-implied covariance Sigma in the denominator",
      alpha = "k/(k-1) * (1 - trace(S_f)/sum(S_f)) on the factor's items (coefficient alpha)",
      total = "return.total: omega of the sum of ALL items: sum(Lambda Psi Lambda') / sum(S)",
      AVE = "sum_i lambda_i^2 * psi_ff / sum_i S_ii (observed item variances)",
      AVE_implied = "same with diag(Sigma)",
      htmt = paste("R = |cor(items)| (lavCor, listwise); HTMT_ij = mean(R[items_i, items_j]) /",
                   "sqrt(mean_offdiag(R[items_i,items_i]) * mean_offdiag(R[items_j,items_j]));",
                   "htmt2 uses geometric means (exp(mean(log r))) instead"),
      fornell_larcker = "criterion_met = sqrt(AVE_f) > max_{g != f} |cor.lv[f, g]|")
  )
}

rec <- fit_record_ext(hs_fit, "relval_hs_cfa", "cfa(model, data = HolzingerSwineford1939)",
                      hs_data, HS_SYNTAX)
rec$reliability_validity <- relval_block(hs_fit, HS_SYNTAX, hs[, paste0("x", 1:9)])
rec$notes <- paste("The CFA is the plain ML fit of hs_cfa.json (same numbers); the",
                   "reliability/validity block is in 'reliability_validity'.")
write_json_file(rec, file.path(out, "relval_hs_cfa.json"))

items <- keyed_items()
cfa_syntax <- paste0("# measurement model only (items reverse-scored before fitting: 6 - x)\n",
                     COCREATION_MEASUREMENT)
cc_fit <- cfa(cfa_syntax, data = items)
rec <- fit_record_ext(cc_fit, "relval_cocreation_cfa", "cfa(model, data = keyed_items)",
                      list(file = "data/cocreation_survey.csv", rows = nrow(items),
                           variables = paste("the 36 items, reverse-keyed items recoded",
                                             "(scale_min + scale_max) - x = 6 - x BEFORE",
                                             "fitting (names unchanged), per",
                                             "data/cocreation_keys.json")), cfa_syntax)
rec$reliability_validity <- relval_block(cc_fit, cfa_syntax, items)
rec$notes <- c(
  paste("8 correlated factors (all 28 factor covariances free), first loading of each factor",
        "fixed to 1, ML, listwise (no NA in this file)."),
  paste("Reverse-keyed items are recoded 6 - x before fitting AND before htmt() (htmt also",
        "takes |r|, so the recoding does not change HTMT; it does change the signs of the",
        "loadings/correlations otherwise)."))
write_json_file(rec, file.path(out, "relval_cocreation_cfa.json"))
