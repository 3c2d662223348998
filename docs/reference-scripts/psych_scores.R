# The psych references: scale scores, alpha and omega on bfi and on the co-creation survey.
#
# R 4.2.2, psych 2.2.9, GPArotation 2022.10-2 (Debian r-cran-psych, r-cran-gparotation),
# jsonlite to read the keys. Run from the repository root:
#   Rscript docs/reference-scripts/psych_scores.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data. Writes there:
#   psych_bfi.json                      scoreItems(bfi.keys, bfi[1:25]) with impute = "median"
#                                       (default), "mean" and "none"; alpha() per scale with
#                                       its reverse-keyed items; omega() of neuroticism and
#                                       conscientiousness (1 factor) and of all 25 items
#                                       (5 factors)
#   psych_bfi_scores_{median,mean,none}.csv  all 2800 x 5 scale scores per impute rule
#                                       (write.csv, 15 significant digits, NA as empty)
#   psych_cocreation.json               scoreItems and alpha on the co-creation survey (raw
#                                       answers, reverse-keyed items keyed with "-")
# bfi = crates/cocreate-core/tests/data/bfi.csv (columns A1..O5; psych's bfi), keys from
# bfi_keys.json and cocreation_keys.json. Numbers at full double precision (json_writer.R).
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
suppressPackageStartupMessages(library(psych))
out <- out_dir_arg(DATA_DIR)

named <- function(x) as.list(setNames(as.numeric(x), names(x)))
rows_df <- function(df, first = "item") {
  d <- data.frame(rownames(df), df, check.names = FALSE, stringsAsFactors = FALSE)
  names(d)[1] <- first
  rownames(d) <- NULL
  d
}

# ---- bfi -------------------------------------------------------------------------------
bfi <- read_bfi()
items <- bfi[, 2:26]
rownames(items) <- bfi$id
bk <- jsonlite::fromJSON(data_file("bfi_keys.json"), simplifyVector = FALSE)$scales
keys <- lapply(bk, function(s) unlist(s$keys_psych))
scales <- names(keys)

score_block <- function(impute) {
  sco <- scoreItems(keys, items, impute = impute)
  scores <- sco$scores
  write.csv(data.frame(id = bfi$id, scores), file.path(out, paste0("psych_bfi_scores_", impute,
                                                                    ".csv")),
            row.names = FALSE, na = "")
  first <- data.frame(id = bfi$id[1:10], scores[1:10, , drop = FALSE], check.names = FALSE)
  rownames(first) <- NULL
  missing <- sapply(scales, function(s) {
    rowSums(is.na(items[1:10, sub("^-", "", keys[[s]]), drop = FALSE]))
  })
  rownames(missing) <- bfi$id[1:10]
  list(
    call = sprintf("scoreItems(bfi.keys, bfi[1:25], impute = \"%s\")", impute),
    scores_file = paste0("psych_bfi_scores_", impute, ".csv"),
    n_items = named(sco$n.items),
    alpha = named(sco$alpha[1, ]),
    av_r = named(sco$av.r[1, ]),
    G6 = named(sco$G6[1, ]),
    sn = named(sco$sn[1, ]),
    med_r = named(sco$med.r),
    ase = named(sco$ase[1, ]),
    alpha_ob = if (is.null(sco$alpha.ob)) jobj_empty() else
      named(setNames(c(sco$alpha.ob), scales)),
    num_ob_item = if (is.null(sco$num.ob.item)) jobj_empty() else
      named(setNames(c(sco$num.ob.item), scales)),
    scale_cor = mat_json(sco$cor),
    scale_cor_corrected = mat_json(sco$corrected),
    item_cor = mat_json(sco$item.cor),
    item_corrected = mat_json(sco$item.corrected),
    score_mean = named(colMeans(scores, na.rm = TRUE)),
    score_sd = named(apply(scores, 2, sd, na.rm = TRUE)),
    score_n_nonmissing = named(colSums(!is.na(scores))),
    first10 = first,
    missing_items_per_scale_first10 = mat_json(missing)
  )
}

alpha_block <- function(x, rev, call, with_drop = TRUE) {
  a <- if (length(rev)) alpha(x, keys = rev) else alpha(x)
  tot <- a$total
  out <- list(
    call = call,
    total = list(raw_alpha = tot$raw_alpha, std.alpha = tot$std.alpha,
                 `G6(smc)` = tot$`G6(smc)`, average_r = tot$average_r, `S/N` = tot$`S/N`,
                 ase = tot$ase, mean = tot$mean, sd = tot$sd, median_r = tot$median_r),
    feldt_95 = list(lower = a$feldt$lower.ci[[1]], alpha = a$feldt$alpha[[1]],
                    upper = a$feldt$upper.ci[[1]]),
    alpha_drop = rows_df(a$alpha.drop),
    item_stats = rows_df(a$item.stats)
  )
  if (!with_drop) out[c("call", "feldt_95", "alpha_drop")] <- NULL
  out
}

alphas <- lapply(setNames(scales, scales), function(s) {
  its <- sub("^-", "", keys[[s]])
  rev <- sub("^-", "", grep("^-", keys[[s]], value = TRUE))
  alpha_block(items[, its], rev, sprintf("alpha(bfi[, c(%s)], keys = c(%s))",
                                         paste0("'", its, "'", collapse = ","),
                                         paste0("'", rev, "'", collapse = ",")))
})

omega_block <- function(x, nf, call) {
  om <- suppressWarnings(omega(x, nfactors = nf, plot = FALSE))
  list(call = call, omega_h = om$omega_h, omega_total = om$omega.tot, alpha = om$alpha,
       G6 = om$G6, omega_lim = om$omega.lim, schmid_leiman = mat_json(om$schmid$sl))
}

bfi_json <- list(
  name = "psych_bfi",
  producer = list(software = "psych", version = as.character(packageVersion("psych")),
                  GPArotation = as.character(packageVersion("GPArotation")),
                  R = R.version.string),
  data = list(file = "data/bfi.csv", rows = nrow(items), items = colnames(items),
              missing_item_cells = sum(is.na(items)),
              rows_with_any_missing_item = sum(!complete.cases(items))),
  keys = keys,
  scoring_rules = list(
    reverse = paste(
      "reverse-keyed item scored (min + max) - x; scoreItems takes min and max over the WHOLE",
      "item matrix passed (bfi: 1 and 6 -> 7 - x); psych::alpha takes them over the items of",
      "that call (here each 5-item scale; also 1 and 6)."),
    impute_median = paste(
      "DEFAULT. Every missing cell is replaced by the median of that (raw, un-reversed) item",
      "over all non-missing respondents, BEFORE reversing; score = sum of keyed values /",
      "n_items (totals = FALSE). Item covariances, alpha, G6, item.cor etc. are computed on",
      "the imputed data."),
    impute_mean = "as median but with the item mean (non-integer values possible).",
    impute_none = paste(
      "score = mean of the keyed items the respondent answered (rowMeans(..., na.rm = TRUE));",
      "NaN (written as empty) when all items of the scale are missing. alpha, av.r, G6 and",
      "item.cor are computed from the pairwise-complete item covariance matrix, C = cov(items,",
      "use = 'pairwise'), with scale variance = k' C k."),
    alpha = paste(
      "alpha = (V_scale - sum(item variances)) / V_scale * k/(k-1) with V_scale = k' C k (sum",
      "of the item covariance matrix with reversals) [scoreItems computes V_scale as var(score",
      "sums) when imputing, which is the same number]."),
    std_alpha = paste(
      "standardized alpha = k*rbar/(1+(k-1)*rbar) with rbar the mean off-diagonal inter-item",
      "correlation (reversed items sign-flipped); scoreItems' 'alpha' is the RAW alpha; av.r =",
      "alpha/(k - alpha*(k-1)) is derived from the raw alpha (so it is not exactly the mean",
      "inter-item correlation)."),
    G6 = paste(
      "Guttman lambda 6 = (V_scale - sum(item var) + sum(smc_cov)) / V_scale, smc_cov =",
      "squared multiple correlation of each item with ALL OTHER ITEMS IN THE MATRIX PASSED (all",
      "25 bfi items, not only the scale's items) times the item variance. psych::alpha's G6",
      "uses only the scale's items (correlation metric)."),
    item_cor = paste(
      "scoreItems item.cor: correlation of each item with each scale score (item included,",
      "item not reversed: reversed items correlate negatively with their own scale).",
      "item.corrected: same but with the item's smc on the diagonal of C (corrected for item",
      "overlap/unreliability)."),
    ase = "sqrt(Q/n) with Q from Duhachek & Iacobucci (2004)."),
  scoreItems = list(median = score_block("median"), mean = score_block("mean"),
                    none = score_block("none")),
  alpha = alphas,
  omega = list(
    notes = c(
      paste("psych::omega: minres factor analysis of the (pairwise) correlation matrix, oblimin",
            "rotation (GPArotation), Schmid-Leiman transformation; items with negative g",
            "loadings are flipped (flip = TRUE), so reverse keying is handled automatically."),
      paste("omega_total = (Vt - sum(u2)) / Vt and omega_h = (sum of general-factor",
            "loadings)^2 / Vt, where Vt = sum of ALL elements of the pairwise item correlation",
            "matrix after flipping items with negative g loadings and u2 = uniquenesses of the",
            "Schmid-Leiman solution. With nfactors = 1 (fa(R, 1, fm = 'minres') directly)",
            "psych warns 'Omega_h for 1 factor is not meaningful, just omega_t'; omega_h and",
            "omega_total then differ only through the residual correlations (0.8181 vs 0.8190",
            "for N). Recomputed by hand in scripts/10_verify_psych.R."),
      "omega_lim = (sum g)^2 / (Vt - sum(u2)) = omega_h / omega_total."),
    neuroticism_1factor = omega_block(
      items[, paste0("N", 1:5)], 1, "omega(bfi[, c('N1','N2','N3','N4','N5')], nfactors = 1)"),
    conscientiousness_1factor = omega_block(
      items[, paste0("C", 1:5)], 1,
      "omega(bfi[, c('C1','C2','C3','C4','C5')], nfactors = 1)  # C4, C5 flipped automatically"),
    bfi25_5factor = omega_block(items, 5, "omega(bfi[, 1:25], nfactors = 5)"))
)
write_json_file(bfi_json, file.path(out, "psych_bfi.json"))

# ---- co-creation survey ----------------------------------------------------------------
survey <- read_survey()
cons <- cocreation_constructs()
cc_keys <- setNames(lapply(cons, function(c) ifelse(c$reverse, paste0("-", c$items), c$items)),
                    vapply(cons, `[[`, "", "name"))
all_items <- unlist(lapply(cons, `[[`, "items"))
raw <- survey[, all_items]
sco <- scoreItems(cc_keys, raw, min = 1, max = 5)
first <- data.frame(id = survey$id[1:10], sco$scores[1:10, , drop = FALSE], check.names = FALSE)
rownames(first) <- NULL
comp <- composites(survey)
cc_json <- list(
  name = "psych_cocreation",
  producer = list(software = "psych", version = as.character(packageVersion("psych"))),
  call = "scoreItems(keys, items, min = 1, max = 5); alpha(items_of_scale, keys = reversed_items)",
  keys = cc_keys,
  alpha = named(sco$alpha[1, ]),
  av_r = named(sco$av.r[1, ]),
  G6 = named(sco$G6[1, ]),
  n_items = named(sco$n.items),
  item_cor = mat_json(sco$item.cor),
  item_corrected = mat_json(sco$item.corrected),
  scale_cor = mat_json(sco$cor),
  score_mean = named(colMeans(sco$scores)),
  score_sd = named(apply(sco$scores, 2, sd)),
  first10 = first,
  alpha_per_scale = setNames(lapply(cons, function(c) {
    alpha_block(raw[, c$items], c$items[c$reverse], NULL, with_drop = FALSE)
  }), names(cc_keys)),
  note = paste("scores equal expected/cocreation_composites.csv (mean of keyed items); min/max",
               "given explicitly as the 1..5 scale."),
  max_abs_diff_scores_vs_cocreation_composites =
    max(abs(as.matrix(sco$scores) - as.matrix(comp[, names(cc_keys)])))
)
write_json_file(cc_json, file.path(out, "psych_cocreation.json"))
