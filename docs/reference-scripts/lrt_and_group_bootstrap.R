# References of the nested-model test (lavTestLRT) on single-group robust fits, and of the
# bootstrap of a multiple-group fit.
#
# R 4.2.2 (default RNG: Mersenne-Twister, Inversion, Rejection), lavaan 0.6-14 (Debian
# r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/lrt_and_group_bootstrap.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. Writes there:
#   lrt_hs_cfa_scaled.json  the three-factor CFA of HolzingerSwineford1939 free, with equal
#       loadings within each factor (labels), and with every loading fixed to 1, fitted with
#       estimator ML, MLM and MLR; lavTestLRT(free, equal, unit) for each estimator (ML: the
#       standard difference with its RMSEA; MLM and MLR: method "satorra.bentler.2001",
#       lavaan 0.6-14's default for these scaled tests) and each fit's chisq, df, scaling
#       factor; and lavTestLRT(free, equal) alone
#   mg_hs_school_metric_boot.json  set.seed(20261206); cfa(hs_syntax, group = "school",
#       group.equal = "loadings", se = "bootstrap", bootstrap = 1000): the bootstrap SE of
#       every parameter next to the information-based SE of the same model
# The bootstrap SEs depend on R's random stream; the test compares ours (another stream)
# within a Monte Carlo tolerance. About a minute.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(file.path(DATA_DIR, "ext"))

hs <- read_hs()
syntax <- list(
  free = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
  equal = "visual =~ x1 + v*x2 + v*x3\ntextual =~ x4 + t*x5 + t*x6\nspeed =~ x7 + s*x8 + s*x9",
  unit = "visual =~ x1 + 1*x2 + 1*x3\ntextual =~ x4 + 1*x5 + 1*x6\nspeed =~ x7 + 1*x8 + 1*x9"
)

lrt_rows <- function(lrt) {
  d <- as.data.frame(lrt)
  keep <- intersect(c("Df", "AIC", "BIC", "Chisq", "Chisq diff", "RMSEA", "Df diff",
                      "Pr(>Chisq)"), names(d))
  cbind(data.frame(model = rownames(d), stringsAsFactors = FALSE), d[, keep],
        row.names = NULL)
}

rec <- list(producer = lavaan_producer_ext(), data = "HolzingerSwineford1939.csv (all 301 rows)",
            syntax = syntax, estimators = list())
for (est in c("ML", "MLM", "MLR")) {
  fits <- lapply(syntax, function(s) cfa(s, data = hs, estimator = est))
  fm <- lapply(fits, function(f) {
    x <- fitMeasures(f)
    keys <- intersect(c("npar", "chisq", "df", "aic", "bic", "chisq.scaled",
                        "chisq.scaling.factor"), names(x))
    named_numbers(x[keys])
  })
  lrt <- lavTestLRT(fits$free, fits$equal, fits$unit, model.names = c("free", "equal", "unit"))
  pair <- lavTestLRT(fits$unit, fits$free, model.names = c("unit", "free"))
  rec$estimators[[est]] <- list(
    call = sprintf("cfa(model, data = HolzingerSwineford1939, estimator = \"%s\")", est),
    heading = attr(lrt, "heading"),
    fits = fm,
    lrt = lrt_rows(lrt),
    lrt_unit_free = lrt_rows(pair)
  )
}
write_json_file(rec, file.path(out, "lrt_hs_cfa_scaled.json"))

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
seed <- 20261206
set.seed(seed)
boot <- cfa(syntax$free, data = hs, group = "school", group.equal = "loadings",
            se = "bootstrap", bootstrap = 1000)
plain <- cfa(syntax$free, data = hs, group = "school", group.equal = "loadings")
pb <- parameterEstimates(boot)
pp <- parameterEstimates(plain)
keep <- pb$op != "=="
rows <- data.frame(lhs = pb$lhs, op = pb$op, rhs = pb$rhs,
                   group = lavInspect(boot, "group.label")[pmax(pb$group, 1)],
                   est = pb$est, se_boot = pb$se, se_information = pp$se,
                   stringsAsFactors = FALSE)[keep, ]
rownames(rows) <- NULL
write_json_file(list(
  producer = lavaan_producer_ext(),
  call = paste("set.seed(20261206); cfa(model, data = HolzingerSwineford1939, group =",
               "\"school\", group.equal = \"loadings\", se = \"bootstrap\", bootstrap = 1000)"),
  syntax = syntax$free, seed = seed, bootstrap = 1000,
  successful = nrow(lavInspect(boot, "boot")),
  parameters = rows
), file.path(out, "mg_hs_school_metric_boot.json"))
