# Extension references: omega hierarchical of the 25 bfi items with three and five factors.
#
# R 4.2.2, psych 2.2.9, GPArotation 2022.10-2 (Debian r-cran-psych, r-cran-gparotation).
# Run from the repository root:
#   Rscript docs/reference-scripts/ext_omega.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. Writes there:
#   omega_bfi_5f.json   omega(bfi[, 1:25], nfactors = 5, plot = FALSE)
#   omega_bfi_3f.json   omega(bfi[, 1:25], nfactors = 3, plot = FALSE)
# bfi[, 1:25] = columns A1..O5 of crates/cocreate-core/tests/data/bfi.csv (raw 1..6, NA kept).
# Each file: omega_h, omega_total, alpha, G6, omega_lim, ECV, omega.group, the Schmid-Leiman
# loadings, the oblique solution, the second-order loadings, the items psych flipped, and a
# check that omega() of the pairwise correlation matrix gives the same numbers. The
# two-factor case is made by omega_two_factors.R. Numbers at full double precision.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
suppressPackageStartupMessages(library(psych))
out <- out_dir_arg(file.path(DATA_DIR, "ext"))

bfi <- read_bfi()[, 2:26]

NOTES <- c(
  paste("omega_h = (sum g_i)^2 / Vt; omega_total = (Vt - sum u2_i) / Vt; Vt = sum of all",
        "elements of the correlation matrix after flipping (reversing) the items listed in",
        "flipped_items (rownames ending in '-' in schmid_leiman); alpha = standardized alpha of",
        "all items after flipping; ECV = sum(g^2) / sum(h2) (explained common variance of the",
        "general factor)."),
  paste("schmid_leiman columns: g, F1*..Fk* (group factors), h2 (communality), u2",
        "(uniqueness), p2 (= g^2 / h2). omega_group: per factor total/general/group omegas",
        "(psych omega.group). psych's factor order (F1*, F2*, ...) is that of fa()'s sorting of",
        "the oblique solution."),
  paste("Schmid-Leiman: oblique minres + oblimin solution (oblique_loadings, oblique_phi);",
        "second-order factor of phi by fa(phi, 1) (second_order_gloading); g_i = sum_k L_ik *",
        "gload_k; Fk*_i = L_ik * sqrt(1 - gload_k^2)."))

omega_file <- function(nf) {
  warnings_seen <- character(0)
  om <- withCallingHandlers(omega(bfi, nfactors = nf, plot = FALSE), warning = function(w) {
    warnings_seen <<- c(warnings_seen, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  om_r <- suppressWarnings(omega(cor(bfi, use = "pairwise"), nfactors = nf, plot = FALSE))
  og <- om$omega.group
  gl <- om$schmid$gloading
  second <- mat_json(matrix(gl, ncol = 1, dimnames = list(colnames(om$schmid$phi), "MR1")))
  second$colnames <- "MR1"  # a one-column matrix: the column name is written as a string
  name <- sprintf("omega_bfi_%df", nf)
  write_json_file(list(
    call = sprintf("omega(bfi[, 1:25], nfactors = %d, plot = FALSE)", nf),
    producer = list(software = "psych", psych = as.character(packageVersion("psych")),
                    GPArotation = as.character(packageVersion("GPArotation")),
                    R = R.version.string),
    defaults = list(fm = "minres", rotate = "oblimin", poly = FALSE, flip = TRUE,
                    option = "equal", n.iter = 1, sl = TRUE, covar = FALSE,
                    correlations = "cor(items, use = 'pairwise') (psych default for raw data)"),
    n_rows = nrow(bfi),
    n_items = ncol(bfi),
    items = colnames(bfi),
    omega_h = om$omega_h,
    omega_total = om$omega.tot,
    alpha = om$alpha,
    G6 = om$G6,
    omega_lim = om$omega.lim,
    ECV = unname(om$ECV),
    omega_group = data.frame(factor = rownames(og), total = og$total, general = og$general,
                             group = og$group, stringsAsFactors = FALSE),
    schmid_leiman = mat_json(om$schmid$sl),
    oblique_loadings = mat_json(unclass(om$schmid$oblique)),
    oblique_phi = mat_json(om$schmid$phi),
    second_order_gloading = second,
    flipped_items = jarr(sub("-$", "", grep("-$", rownames(om$schmid$sl), value = TRUE))),
    warnings = jarr(warnings_seen),
    check_same_from_pairwise_cor_matrix = list(
      omega_h_diff = abs(om$omega_h - om_r$omega_h),
      omega_total_diff = abs(om$omega.tot - om_r$omega.tot)),
    data = list(file = "data/bfi.csv",
                columns = paste("A1..O5 (columns 2-26), raw 1..6, 508 NA cells; no reverse",
                                "scoring before the call (omega flips items with negative g",
                                "loadings itself)")),
    name = name,
    notes = NOTES
  ), file.path(out, paste0(name, ".json")))
}

omega_file(5)
omega_file(3)
