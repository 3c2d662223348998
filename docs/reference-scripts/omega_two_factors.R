# Reference for the two-factor case of omega hierarchical (psych option "equal"), for
# crates/cocreate-core/tests/omega_hierarchical.rs. psych 2.2.9 and GPArotation 2022.10-2
# (Debian r-cran-psych, r-cran-gparotation). Run from the repository root:
#   Rscript docs/reference-scripts/omega_two_factors.R
# Writes crates/cocreate-core/tests/data/ext/omega_bfi_2f.json in the layout of
# omega_bfi_5f.json (the fields the test reads), numbers with 17 significant digits.
suppressMessages(library(psych))
num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
str <- function(x) paste0('"', x, '"')
arr <- function(x) paste0("[", paste(x, collapse = ", "), "]")
mat <- function(m) paste0('{"rownames": ', arr(str(rownames(m))), ', "colnames": ', arr(str(colnames(m))),
                          ', "values": ', arr(apply(m, 1, function(r) arr(num(r)))), "}")
bfi <- read.csv("crates/cocreate-core/tests/data/bfi.csv")[, 2:26]
om <- suppressWarnings(omega(bfi, nfactors = 2, plot = FALSE))
gl <- matrix(om$schmid$gloading, ncol = 1, dimnames = list(colnames(om$schmid$phi), "g"))
og <- om$omega.group
flipped <- sub("-$", "", grep("-$", rownames(om$schmid$sl), value = TRUE))
json <- paste0("{",
  '"call": "omega(bfi[, 1:25], nfactors = 2, plot = FALSE)", ',
  '"producer": ', str(paste("psych", packageVersion("psych"), "GPArotation", packageVersion("GPArotation"))), ", ",
  '"items": ', arr(str(colnames(bfi))), ", ",
  '"omega_h": ', num(om$omega_h), ", ",
  '"omega_total": ', num(om$omega.tot), ", ",
  '"alpha": ', num(om$alpha), ", ",
  '"G6": ', num(om$G6), ", ",
  '"omega_lim": ', num(om$omega.lim), ", ",
  '"ECV": ', num(om$ECV), ", ",
  '"omega_group": ', arr(sapply(seq_len(nrow(og)), function(i) paste0(
    '{"factor": ', str(rownames(og)[i]), ', "total": ', num(og$total[i]),
    ', "general": ', num(og$general[i]), ', "group": ', num(og$group[i]), "}"))), ", ",
  '"schmid_leiman": ', mat(om$schmid$sl), ", ",
  '"flipped_items": ', arr(str(flipped)), ", ",
  '"oblique_loadings": ', mat(om$schmid$oblique), ", ",
  '"oblique_phi": ', mat(om$schmid$phi), ", ",
  '"second_order_gloading": ', mat(gl),
  "}\n")
writeLines(json, "crates/cocreate-core/tests/data/ext/omega_bfi_2f.json", sep = "")
