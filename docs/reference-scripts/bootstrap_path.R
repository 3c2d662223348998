# The bootstrap reference of the co-creation path model.
#
# R 4.2.2 (default RNG: Mersenne-Twister, Inversion, Rejection), lavaan 0.6-14 (Debian
# r-cran-lavaan), jsonlite to read the keys. Run from the repository root:
#   Rscript docs/reference-scripts/bootstrap_path.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data. Writes there:
#   cocreation_path_boot.json       set.seed(20220341); sem(model, data = composites,
#                                   se = "bootstrap", bootstrap = 1000): percentile CIs
#                                   (parameterEstimates(boot.ci.type = "perc")), the
#                                   bca.simple, norm and basic CIs, the CI widths next to the
#                                   Wald widths of the plain ML fit, and checks of how lavaan
#                                   computes the bootstrap SEs and percentile CIs
#   cocreation_path_boot_draws.csv  the 1000 draws (free + defined parameters), write.csv
#                                   (15 significant digits)
# The draws depend on R's random stream and on lavaan's resampling code: the same seed gives
# the same draws with these versions only. About 30 s.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(DATA_DIR)

comp <- composites()
seed <- 20220341
nboot <- 1000
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(seed)
fit <- sem(COCREATION_PATH_SYNTAX, data = comp, se = "bootstrap", bootstrap = nboot)
ml <- sem(COCREATION_PATH_SYNTAX, data = comp)

keep <- c("lhs", "op", "rhs", "label")
pe_perc <- parameterEstimates(fit, boot.ci.type = "perc", level = 0.95)
pe_perc <- pe_perc[, c(keep, "est", "se", "z", "pvalue", "ci.lower", "ci.upper")]
ci_type <- function(type) {
  pe <- parameterEstimates(fit, boot.ci.type = type, level = 0.95)
  pe[, c(keep, "ci.lower", "ci.upper")]
}

# The draws: free parameters as lavaan stores them, defined parameters evaluated per draw.
boot <- lavInspect(fit, "boot")
def <- t(apply(boot, 1, fit@Model@def.function))
pt <- parTable(fit)
free_rows <- pt[pt$free > 0, ]
free_names <- ifelse(free_rows$label != "", free_rows$label,
                     paste0(free_rows$lhs, free_rows$op, free_rows$rhs))
def_rows <- pt[pt$op == ":=", ]
draws <- cbind(boot, def)
colnames(draws) <- c(free_names, def_rows$lhs)
write.csv(data.frame(draw = seq_len(nrow(draws)), draws, check.names = FALSE),
          file.path(out, "cocreation_path_boot_draws.csv"), row.names = FALSE)

# Widths of the percentile CIs next to the Wald widths of the ML fit (free and defined rows).
pe_ml <- parameterEstimates(ml)
rows <- which(pt$free > 0 | pt$op == ":=")
widths <- data.frame(
  label = pe_perc$label[rows], lhs = pe_perc$lhs[rows], op = pe_perc$op[rows],
  rhs = pe_perc$rhs[rows], est = pe_perc$est[rows], se_boot = pe_perc$se[rows],
  perc_lower = pe_perc$ci.lower[rows], perc_upper = pe_perc$ci.upper[rows],
  perc_width = pe_perc$ci.upper[rows] - pe_perc$ci.lower[rows],
  se_ml_expected = pe_ml$se[rows],
  wald_width = pe_ml$ci.upper[rows] - pe_ml$ci.lower[rows], stringsAsFactors = FALSE)

# Checks: SE denominators, the delta method, and boot's norm.inter against quantile type 7.
sd_den <- function(x, den) sqrt(sum((x - mean(x))^2) / den)
se_free <- pe_perc$se[pt$free > 0]
se_def <- pe_perc$se[pt$op == ":="]
norm_inter <- function(t, alpha) {
  t <- sort(t)
  r <- length(t)
  rk <- (r + 1) * alpha
  k <- trunc(rk)
  if (k == rk) return(t[k])
  tk <- qnorm(k / (r + 1))
  tk1 <- qnorm((k + 1) / (r + 1))
  t[k] + (qnorm(alpha) - tk) / (tk1 - tk) * (t[k + 1] - t[k])
}
perc_re <- t(apply(draws, 2, function(x) c(norm_inter(x, 0.025), norm_inter(x, 0.975))))
perc_q7 <- t(apply(draws, 2, quantile, probs = c(0.025, 0.975), type = 7, names = FALSE))
perc_lav <- cbind(pe_perc$ci.lower[rows], pe_perc$ci.upper[rows])
jac <- lavaan:::lav_func_jacobian_complex(func = fit@Model@def.function,
                                          x = lav_model_get_parameters(fit@Model))
se_delta <- sqrt(diag(jac %*% vcov(fit) %*% t(jac)))
checks <- list(
  max_abs_diff_se_free_vs_sd_draws_denominator_nboot =
    max(abs(se_free - apply(boot, 2, sd_den, den = nboot))),
  max_abs_diff_se_free_vs_sd_draws_denominator_nboot_minus_1 =
    max(abs(se_free - apply(boot, 2, sd_den, den = nboot - 1))),
  max_abs_diff_se_def_vs_sd_def_draws_denominator_nboot =
    max(abs(se_def - apply(def, 2, sd_den, den = nboot))),
  max_abs_diff_se_def_vs_sd_def_draws_denominator_nboot_minus_1 =
    max(abs(se_def - apply(def, 2, sd_den, den = nboot - 1))),
  max_abs_diff_se_def_vs_delta_method_with_boot_vcov = max(abs(se_def - se_delta)),
  max_abs_diff_perc_ci_vs_norm_inter_reimplementation = max(abs(perc_lav - perc_re)),
  max_abs_diff_perc_ci_vs_quantile_type7 = max(abs(perc_lav - perc_q7)))

write_json_file(list(
  name = "cocreation_path_boot",
  producer = c(lavaan_producer_basic(), list(RNGkind = jarr(RNGkind()))),
  call = paste0("set.seed(", seed, "); sem(model, data = composites, se = \"bootstrap\", ",
                "bootstrap = ", nboot, "); parameterEstimates(fit, boot.ci.type = \"perc\", ",
                "level = 0.95)"),
  seed = seed,
  bootstrap_requested = nboot,
  bootstrap_successful = nrow(boot),
  bootstrap_failed = nboot - nrow(boot),
  syntax = COCREATION_PATH_SYNTAX,
  data = list(file = "data/cocreation_survey.csv",
              variables = "composites (see cocreation_path.json)"),
  reproducibility = paste(
    "Exact numbers depend on R's RNG stream (Mersenne-Twister, Inversion, Rejection sampling)",
    "and lavaan's resampling order; another implementation will NOT reproduce them. Compare",
    "CI widths / bootstrap SEs with a tolerance of a few percent, or recompute CIs from the",
    "stored draws (cocreation_path_boot_draws.csv) exactly."),
  method_notes = c(
    paste("Ordinary nonparametric bootstrap: resample rows with replacement, refit the model",
          "(fixed.x covariances re-taken from each bootstrap sample), collect the free",
          "parameters."),
    paste("Bootstrap SE = sqrt(diag(cov(draws) * (nboot-1)/nboot)), i.e. the SD of the draws",
          "with denominator nboot (lav_model_nvcov_bootstrap)."),
    paste("SE of := parameters: SD of the defined-parameter draws with denominator nboot-1",
          "(cov(BOOT.def) in lav_object_inspect_vcov_def) -- note the inconsistency with the",
          "free parameters (denominator nboot); not the delta method (see checks)."),
    paste("Percentile CI: NOT R's quantile(type=7). lavaan uses boot::norm.inter: rk =",
          "(R+1)*alpha with alpha = 0.025, 0.975; if rk is an integer use that order",
          "statistic, else interpolate between order statistics k = floor(rk) and k+1 on the",
          "normal-quantile scale: t_k + (qnorm(alpha) - qnorm(k/(R+1))) / (qnorm((k+1)/(R+1))",
          "- qnorm(k/(R+1))) * (t_{k+1} - t_k)."),
    paste("Defined-parameter CIs are taken from the draws of the defined function evaluated at",
          "each bootstrap draw."),
    paste("Point estimates (est) are the ML estimates on the original sample; z and pvalue use",
          "the bootstrap SE.")),
  checks = checks,
  parameter_estimates_perc = pe_perc,
  ci_other_types = list(bca.simple = ci_type("bca.simple"), norm = ci_type("norm"),
                        basic = ci_type("basic")),
  ci_widths = widths
), file.path(out, "cocreation_path_boot.json"))
