# The reference of the latent readiness model's out-of-sample predictions (lavPredictY).
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/latent_predict_y.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data. Writes there:
#   latent_predict_y.json  the latent readiness model (O, C, E, II, WTC as factors of their
#                          keyed items) fitted by ML with a mean structure on rows 1..400 of
#                          examples/data/cocreation_keyed_items.csv, and lavPredictY for rows
#                          401..522: the conditional mean of the II and WTC items given the
#                          O, C and E items, from the training fit's implied moments
#                          (ŷ = μ_y + Σ_yx Σ_xx⁻¹ (x − μ_x)); also the training fit's
#                          implied moments and its log-likelihood, to tell a fitting
#                          difference from a prediction difference.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
suppressPackageStartupMessages(library(lavaan))
out <- out_dir_arg(DATA_DIR)

items <- read.csv("examples/data/cocreation_keyed_items.csv")
model <- "
O =~ O1 + O2 + O3 + O4 + O5
C =~ C1 + C2 + C3 + C4 + C5
E =~ E1 + E2 + E3 + E4 + E5
II =~ II1 + II2 + II3 + II4 + II5 + II6
WTC =~ WTC1 + WTC2 + WTC3
II ~ O + C + E
WTC ~ II + O
"
xnames <- c(paste0("O", 1:5), paste0("C", 1:5), paste0("E", 1:5))
ynames <- c(paste0("II", 1:6), paste0("WTC", 1:3))
train <- items[1:400, ]
test <- items[401:nrow(items), ]
# Tight convergence, so that the reference tells a prediction difference from the optimiser
# stopping early: lavaan's default nlminb stops with a largest gradient of 6e-7 here, which
# moves the predictions by up to 2e-6; lavaan's BFGS with reltol = 1e-20 reaches 2e-8 (and a
# lower objective), and is what the file holds.
fit <- sem(model, data = train, meanstructure = TRUE, optim.method = "BFGS",
           control = list(reltol = 1e-20, maxit = 100000L))
stopifnot(lavInspect(fit, "converged"), max(abs(lavInspect(fit, "optim.gradient"))) < 1e-7)
pred <- lavPredictY(fit, newdata = test, ynames = ynames, xnames = xnames)
imp <- lavInspect(fit, "implied")
write_json_file(list(
  model = model,
  train_rows = jarr(1:400),
  test_rows = jarr(401:nrow(items)),
  xnames = jarr(xnames),
  ynames = jarr(ynames),
  loglik = unname(fitMeasures(fit, "logl")),
  max_gradient = max(abs(lavInspect(fit, "optim.gradient"))),
  implied_cov = imp$cov[c(xnames, ynames), c(xnames, ynames)],
  implied_mean = as.list(imp$mean[c(xnames, ynames)]),
  predictions = pred[, ynames]
), file.path(out, "latent_predict_y.json"))
