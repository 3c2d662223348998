# Reference factor scores for crates/cocreate-core/tests/factor_scores.rs.
#
# lavaan 0.6-14 (Debian r-cran-lavaan), R 4.2. Run from the repository root:
#   Rscript docs/reference-scripts/factor_scores.R
# Writes crates/cocreate-core/tests/data/ext/factor_scores.json: for each model the syntax,
# the options, the number of rows used and lavPredict(fit, method = "regression") and
# lavPredict(fit, method = "Bartlett") as arrays of rows (one per respondent, in data order).
# Numbers are printed with 17 significant digits (exact round trip); no JSON package needed.
#
# Besides the scores, each case holds lavaan's matrices at its estimates (Lambda, Theta,
# cov.lv, the implied covariance, the means used for centring, the latent means), so the
# scoring formulas can be checked at lavaan's own estimates, apart from the ~1e-5 by which
# lavaan's optimum and cocreate's differ.
library(lavaan)

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
str <- function(x) paste0('"', gsub('"', '\\\\"', gsub("\n", "\\\\n", x)), '"')
arr <- function(x) paste0("[", paste(x, collapse = ", "), "]")
mat <- function(m) arr(apply(m, 1, function(r) arr(num(r))))

hs <- read.csv("crates/cocreate-core/tests/data/HolzingerSwineford1939.csv")
pd <- read.csv("crates/cocreate-core/tests/data/PoliticalDemocracy.csv")
hs_syntax <- "visual  =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + x8 + x9"
pd_syntax <- paste(
  "ind60 =~ x1 + x2 + x3", "dem60 =~ y1 + y2 + y3 + y4", "dem65 =~ y5 + y6 + y7 + y8",
  "dem60 ~ ind60", "dem65 ~ ind60 + dem60", "y1 ~~ y5", "y2 ~~ y4 + y6", "y3 ~~ y7",
  "y4 ~~ y8", "y6 ~~ y8", sep = "\n")

hs_na <- hs
hs_na$x1[c(3, 10)] <- NA  # rows 3 and 10 dropped listwise
cases <- list(
  list(name = "hs_cfa_listwise", syntax = hs_syntax, data = hs_na,
       file = "HolzingerSwineford1939.csv with x1 set to NA in rows 3 and 10",
       fit = function() cfa(hs_syntax, data = hs_na), call = "cfa(hs_syntax, data = hs_na)"),
  list(name = "hs_cfa", syntax = hs_syntax, data = hs, file = "HolzingerSwineford1939.csv",
       fit = function() cfa(hs_syntax, data = hs), call = "cfa(hs_syntax, data = hs)"),
  list(name = "hs_cfa_meanstructure", syntax = hs_syntax, data = hs,
       file = "HolzingerSwineford1939.csv",
       fit = function() cfa(hs_syntax, data = hs, meanstructure = TRUE),
       call = "cfa(hs_syntax, data = hs, meanstructure = TRUE)"),
  list(name = "hs_cfa_std_lv", syntax = hs_syntax, data = hs, file = "HolzingerSwineford1939.csv",
       fit = function() cfa(hs_syntax, data = hs, std.lv = TRUE),
       call = "cfa(hs_syntax, data = hs, std.lv = TRUE)"),
  list(name = "pd_sem", syntax = pd_syntax, data = pd, file = "PoliticalDemocracy.csv",
       fit = function() sem(pd_syntax, data = pd), call = "sem(pd_syntax, data = pd)")
)

out <- c()
for (cs in cases) {
  fit <- cs$fit()
  reg <- lavPredict(fit, method = "regression")
  bart <- lavPredict(fit, method = "Bartlett")
  est <- lavInspect(fit, "est")
  ov <- lavNames(fit, "ov")
  lv <- lavNames(fit, "lv")
  implied <- lavInspect(fit, "implied")
  # Centring: implied means with a mean structure, else the sample means.
  ey <- if (lavInspect(fit, "meanstructure")) implied$mean[ov] else colMeans(lavInspect(fit, "data"))[ov]
  eeta <- if (lavInspect(fit, "meanstructure")) lavInspect(fit, "mean.lv")[lv] else rep(0, length(lv))
  out <- c(out, paste0(
    str(cs$name), ": {",
    '"call": ', str(cs$call), ", ",
    '"data": ', str(cs$file), ", ",
    '"syntax": ', str(cs$syntax), ", ",
    '"n_used": ', nrow(reg), ", ",
    '"latent": ', arr(str(colnames(reg))), ", ",
    '"regression": ', mat(reg), ", ",
    '"observed": ', arr(str(ov)), ", ",
    '"lambda": ', mat(est$lambda[ov, lv, drop = FALSE]), ", ",
    '"theta": ', mat(est$theta[ov, ov]), ", ",
    '"cov_lv": ', mat(lavInspect(fit, "cov.lv")[lv, lv]), ", ",
    '"implied_cov": ', mat(implied$cov[ov, ov]), ", ",
    '"centre": ', arr(num(ey)), ", ",
    '"latent_mean": ', arr(num(eeta)), ", ",
    '"regression": ', mat(reg), ", ",
    '"Bartlett": ', mat(bart), "}"))
}
json <- paste0("{", str("producer"), ": ", str(paste("lavaan", packageVersion("lavaan"), R.version.string)),
               ", ", paste(out, collapse = ", "), "}\n")
writeLines(json, "crates/cocreate-core/tests/data/ext/factor_scores.json", sep = "")
