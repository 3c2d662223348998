# References of the ordinal module (thresholds, polychoric / polyserial / Pearson
# correlations and their asymptotic covariance matrix Gamma) and of ordinal reliability in
# scoring, for crates/cocreate-core/tests/ordinal_lavaan.rs and scoring_ordinal.rs.
#
# R 4.2.2, lavaan 0.6-14, psych 2.2.9, pbivnorm 0.6.0 (Debian r-cran-lavaan, r-cran-psych).
# Run from the repository root (about two minutes on a busy machine):
#   Rscript docs/reference-scripts/ordinal_polychoric.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ordinal. Writes there:
#   binary.csv, gaps.csv, mixed.csv, perfect.csv   small data sets made here (seeded)
#   cocreation_nacov.json  Gamma of the 36 keyed survey items (labels, diagonal, row sums,
#                          four 40 x 40 blocks, wls.obs, DWLS weights) and the full Gamma of
#                          six of them
#   mixed.json             numeric and ordered together (polyserial, Pearson), full Gamma
#   odd.json               2 x 2 tables with an empty cell, both thresholds 0, independence;
#                          unchosen categories and incomplete rows; two empty cells
#   reliability.json       psych alpha and omega on lavaan's polychoric matrix per construct,
#                          and psych's own polychoric route for comparison
#   pbivnorm.json          pbivnorm::pbivnorm on a grid (the bivariate normal CDF lavaan uses)
#   wlsmv_sem.json         WLSMV of a structural model with ordered indicators: latent
#                          regressions, a residual covariance and a defined indirect effect
#   wlsmv_cocreation_sem.json  WLSMV of the bundled co-creation SEM (8 factors, 36 ordered
#                          items, the structural paths and 20 defined effects)
# Gamma is lavInspect(fit, "gamma") of lavCor(..., output = "fit", estimator = "DWLS",
# se = "robust.sem"): lavaan's NACOV, which does not depend on the model. Every lavaan
# call reads the CSV files back from disk. Numbers at full double precision. lavaan's
# time for the same work is measured by ordinal_timing.R.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
suppressPackageStartupMessages({
  library(lavaan)
  library(psych)
})
out_dir <- out_dir_arg(file.path(DATA_DIR, "ordinal"))

vec <- function(x) jarr(unname(x))
write_json <- function(x, file) write_json_file(x, file.path(out_dir, file))
collect_warnings <- function(expr) {
  w <- character(0)
  value <- withCallingHandlers(expr, warning = function(x) {
    w <<- c(w, gsub("\\s+", " ", conditionMessage(x)))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = w)
}
sampstat <- function(s) {
  list(cov = s$cov, mean = vec(s$mean), mean_names = vec(names(s$mean)),
       th = vec(s$th), th_names = vec(names(s$th)))
}
gamma_of <- function(data, ordered) {
  r <- collect_warnings(lavCor(data, ordered = ordered, output = "fit",
                               estimator = "DWLS", se = "robust.sem"))
  G <- lavInspect(r$value, "gamma")
  list(G = G, wls_obs = lavInspect(r$value, "wls.obs"),
       wls_v_diag = diag(lavInspect(r$value, "wls.v")))
}
rows_of <- function(m) lapply(seq_len(nrow(m)), function(i) vec(m[i, ]))
producer <- paste("lavaan", packageVersion("lavaan"), "psych", packageVersion("psych"),
                  "pbivnorm", packageVersion("pbivnorm"), R.version.string)

# ---- the keyed co-creation items ------------------------------------------------------
survey <- read_survey()
keyed <- keyed_items(survey)
constructs <- cocreation_constructs()

# ---- 1. Gamma of the 36 keyed items -----------------------------------------------------
g36 <- gamma_of(keyed, TRUE)
G <- g36$G
lab <- rownames(G)
nth <- sum(grepl("\\|t", lab))
blocks <- list(
  list(rows = vec(c(0, 40)), cols = vec(c(0, 40)), values = rows_of(G[1:40, 1:40])),
  list(rows = vec(c(nth, nth + 40)), cols = vec(c(0, 40)), values = rows_of(G[nth + 1:40, 1:40])),
  list(rows = vec(c(nth, nth + 40)), cols = vec(c(nth, nth + 40)), values = rows_of(G[nth + 1:40, nth + 1:40])),
  list(rows = vec(c(700, 740)), cols = vec(c(300, 340)), values = rows_of(G[701:740, 301:340]))
)
six <- keyed[, c("O1", "O2", "O3", "O4", "O5", "C1")]
g6 <- gamma_of(six, TRUE)
write_json(list(
  name = "cocreation_nacov", producer = producer,
  call = "lavInspect(lavCor(keyed_items, ordered = TRUE, output = 'fit', estimator = 'DWLS', se = 'robust.sem'), 'gamma')",
  data = "cocreation_survey.csv, the 36 items, reverse-keyed items recoded 6 - x",
  n = nrow(keyed), labels = vec(lab), diagonal = vec(diag(G)), row_sums = vec(rowSums(G)),
  wls_obs = vec(g36$wls_obs), wls_v_diag = vec(g36$wls_v_diag),
  blocks_note = "0-based half-open [start, end) index ranges into labels; values row-major",
  blocks = blocks,
  six = list(items = vec(colnames(six)), labels = vec(rownames(g6$G)), gamma = rows_of(g6$G),
             wls_obs = vec(g6$wls_obs))
), "cocreation_nacov.json")

# ---- 2. numeric and ordered together (polyserial, Pearson) ----------------------------
mixed <- data.frame(age = survey$age, WTCm = rowMeans(keyed[, c("WTC1", "WTC2", "WTC3")]),
                    O1 = keyed$O1, O2 = keyed$O2, E1 = keyed$E1)
write.csv(mixed, file.path(out_dir, "mixed.csv"), row.names = FALSE)
mixed <- read.csv(file.path(out_dir, "mixed.csv"))
ord_m <- c("O1", "O2", "E1")
gm <- gamma_of(mixed, ord_m)
write_json(list(
  name = "mixed", producer = producer,
  call = "lavCor(mixed, ordered = c('O1', 'O2', 'E1'), output = 'sampstat' / 'cor'); Gamma from output = 'fit', estimator = 'DWLS', se = 'robust.sem'",
  data = "mixed.csv: age and WTCm (mean of the WTC items) numeric; O1, O2, E1 (keyed) ordered",
  n = nrow(mixed), ordered = vec(ord_m),
  sampstat = sampstat(lavCor(mixed, ordered = ord_m, output = "sampstat")),
  cor = lavCor(mixed, ordered = ord_m, output = "cor")[, , drop = FALSE],
  gamma_labels = vec(rownames(gm$G)), gamma = rows_of(gm$G), wls_obs = vec(gm$wls_obs),
  wls_v_diag = vec(gm$wls_v_diag)
), "mixed.json")

# ---- 3. odd cases -----------------------------------------------------------------------
set.seed(20240611)
n <- 300
S <- matrix(c(1, .5, .4, .3, .5, 1, .45, .35, .4, .45, 1, .5, .3, .35, .5, 1), 4)
z <- MASS::mvrnorm(n, rep(0, 4), S)
binary <- data.frame(b1 = as.integer(z[, 1] > 0.2), b2 = as.integer(z[, 2] > -0.3),
                     b3 = as.integer(z[, 3] > 1.6), b4 = as.integer(z[, 4] > 0))
binary$b3[binary$b1 == 0] <- 0L               # b1 x b3: one empty cell (zero.add 0.5, margins kept)
pair <- function(n11, n12, n21, n22) {
  rbind(matrix(c(0, 0), n11, 2, byrow = TRUE), matrix(c(0, 1), n12, 2, byrow = TRUE),
        matrix(c(1, 0), n21, 2, byrow = TRUE), matrix(c(1, 1), n22, 2, byrow = TRUE))
}
p56 <- pair(100, 50, 50, 100)[sample(n), ]     # b5 x b6: both thresholds exactly 0
p78 <- pair(80, 120, 40, 60)[sample(n), ]      # b7 x b8: f11 f22 = f12 f21, independence
binary$b5 <- p56[, 1]; binary$b6 <- p56[, 2]; binary$b7 <- p78[, 1]; binary$b8 <- p78[, 2]
write.csv(binary, file.path(out_dir, "binary.csv"), row.names = FALSE)
binary <- read.csv(file.path(out_dir, "binary.csv"))

S3 <- matrix(c(1, .6, .3, .6, 1, .4, .3, .4, 1), 3)
z3 <- MASS::mvrnorm(400, rep(0, 3), S3)
gaps <- data.frame(
  g5 = as.integer(cut(z3[, 1], c(-Inf, -1, -0.3, 0.4, 1.1, Inf))),
  g7 = as.integer(cut(z3[, 2], c(-Inf, -1.6, -0.9, -0.3, 0.3, 0.9, 1.7, Inf))),
  g3 = as.integer(cut(z3[, 3], c(-Inf, -0.5, 0.8, Inf))))
gaps$g5[gaps$g5 == 3] <- 4L                    # category 3 of g5: nobody
gaps$g7 <- gaps$g7 + 10L                       # categories 11..17: levels, not values, count
gaps$g5[c(3, 50, 51)] <- NA                    # three incomplete rows: listwise deletion
gaps$g3[c(50, 200)] <- NA
write.csv(gaps, file.path(out_dir, "gaps.csv"), row.names = FALSE, na = "")
gaps <- read.csv(file.path(out_dir, "gaps.csv"))

perfect <- data.frame(x1 = binary$b1, x2 = binary$b1, x3 = binary$b2)
write.csv(perfect, file.path(out_dir, "perfect.csv"), row.names = FALSE)
perfect <- read.csv(file.path(out_dir, "perfect.csv"))

rb <- collect_warnings(lavCor(binary, ordered = TRUE, output = "sampstat"))
gb <- gamma_of(binary, TRUE)
rg <- collect_warnings(lavCor(gaps, ordered = TRUE, output = "sampstat"))
gg <- gamma_of(gaps, TRUE)
rp <- collect_warnings(lavCor(perfect, ordered = TRUE, output = "sampstat"))
tabs <- function(d, a, b) { t <- table(d[[a]], d[[b]]); matrix(as.numeric(t), nrow(t), dimnames = dimnames(t)) }
write_json(list(
  name = "odd", producer = producer,
  binary = list(
    data = "binary.csv", n = nrow(binary),
    tables = list(b1_b3 = tabs(binary, "b1", "b3"), b5_b6 = tabs(binary, "b5", "b6"),
                  b7_b8 = tabs(binary, "b7", "b8")),
    sampstat = sampstat(rb$value), warnings = vec(rb$warnings),
    gamma_labels = vec(rownames(gb$G)), gamma = rows_of(gb$G)),
  gaps = list(
    data = "gaps.csv (NA rows dropped listwise)", n_used = sum(complete.cases(gaps)),
    n_original = nrow(gaps),
    levels = list(g5 = vec(sort(unique(na.omit(gaps$g5)))), g7 = vec(sort(unique(na.omit(gaps$g7)))),
                  g3 = vec(sort(unique(na.omit(gaps$g3))))),
    sampstat = sampstat(rg$value), warnings = vec(rg$warnings),
    gamma_labels = vec(rownames(gg$G)), gamma = rows_of(gg$G)),
  perfect = list(
    data = "perfect.csv (x2 = x1: two empty cells)", sampstat = sampstat(rp$value),
    warnings = vec(rp$warnings))
), "odd.json")

# ---- 4. ordinal reliability -------------------------------------------------------------
R36 <- lavCor(keyed, ordered = TRUE, output = "cor")
rel <- lapply(constructs, function(con) {
  its <- con$items
  R <- R36[its, its]
  a <- suppressWarnings(psych::alpha(R))
  om <- suppressWarnings(psych::omega(R, nfactors = 1, plot = FALSE))
  pc <- suppressWarnings(psych::polychoric(keyed[, its]))
  ap <- suppressWarnings(psych::alpha(pc$rho))
  omp <- suppressWarnings(psych::omega(pc$rho, nfactors = 1, plot = FALSE))
  list(scale = con$name, items = vec(its),
       alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, G6 = a$total[["G6(smc)"]],
       average_r = a$total$average_r, omega_total = om$omega.tot,
       psych_polychoric = list(max_abs_diff_rho = max(abs(pc$rho - R)),
                               alpha = ap$total$raw_alpha, omega_total = omp$omega.tot))
})
write_json(list(
  name = "reliability", producer = producer,
  call = "per construct: R = lavCor(keyed_items, ordered = TRUE)[items, items]; psych::alpha(R); psych::omega(R, nfactors = 1); and psych::polychoric(keyed_items[, items])$rho through the same two",
  scales = rel), "reliability.json")

# ---- 5. the bivariate normal CDF --------------------------------------------------------
grid <- expand.grid(x = c(-3.2, -1.2, 0, 0.4, 2.5), y = c(-2.2, -0.5, 0.3, 1.7),
                    rho = c(-0.99, -0.95, -0.8, -0.5, -0.1, 0, 0.2, 0.6, 0.8, 0.93, 0.99))
grid$p <- pbivnorm::pbivnorm(grid$x, grid$y, grid$rho)
write_json(list(name = "pbivnorm", producer = producer,
                call = "pbivnorm::pbivnorm(x, y, rho) on a grid", points = grid), "pbivnorm.json")
# ---- 6. WLSMV with latent regressions and a defined effect -----------------------------
sem_syntax <- paste(
  "O =~ O1 + O2 + O3 + O4 + O5",
  "II =~ II1 + II2 + II3 + II4 + II5 + II6",
  "WTC =~ WTC1 + WTC2 + WTC3",
  "II ~ a*O",
  "WTC ~ c*O + b*II",
  "II1 ~~ II2",
  "ind := a*b",
  "total := c + a*b", sep = "\n")
sem_items <- keyed[, c(paste0("O", 1:5), paste0("II", 1:6), paste0("WTC", 1:3))]
fit_sem <- sem(sem_syntax, data = sem_items, ordered = names(sem_items), estimator = "WLSMV")
pe <- parameterEstimates(fit_sem, standardized = TRUE, remove.nonfree = FALSE, remove.eq = FALSE,
                         remove.def = FALSE)
fm <- fitMeasures(fit_sem, c("npar", "chisq", "df", "chisq.scaled", "chisq.scaling.factor",
                             "cfi.scaled", "tli.scaled", "rmsea.scaled", "cfi.robust", "rmsea.robust",
                             "srmr"))
write_json(list(
  name = "wlsmv_sem", producer = producer,
  call = "sem(syntax, data = keyed_items[, O, II, WTC items], ordered = <all 14>, estimator = 'WLSMV')",
  syntax = sem_syntax,
  parameter_estimates = pe[, c("lhs", "op", "rhs", "label", "est", "se", "std.all")],
  fit = as.list(fm),
  r2 = as.list(lavInspect(fit_sem, "r2"))
), "wlsmv_sem.json")
fit_full <- sem(COCREATION_SEM_SYNTAX, data = keyed, ordered = names(keyed), estimator = "WLSMV")
pe_full <- parameterEstimates(fit_full, standardized = TRUE, remove.nonfree = FALSE,
                              remove.eq = FALSE, remove.def = FALSE)
write_json(list(
  name = "wlsmv_cocreation_sem", producer = producer,
  call = "sem(COCREATION_SEM_SYNTAX, data = keyed_items, ordered = <all 36>, estimator = 'WLSMV')",
  syntax = COCREATION_SEM_SYNTAX,
  parameter_estimates = pe_full[, c("lhs", "op", "rhs", "label", "est", "se", "std.all")],
  fit = as.list(fitMeasures(fit_full, c("npar", "chisq", "df", "chisq.scaled",
                                        "chisq.scaling.factor", "cfi.scaled", "tli.scaled",
                                        "rmsea.scaled", "cfi.robust", "tli.robust",
                                        "rmsea.robust", "srmr")))
), "wlsmv_cocreation_sem.json")
cat("done\n")
