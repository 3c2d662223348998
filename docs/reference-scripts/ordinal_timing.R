# lavaan's time for the ordinal work the benches measure (benches/ordinal.rs), for
# docs/validation.md: the polychoric matrix of the 36 keyed co-creation items (lavCor),
# the same with its asymptotic covariance matrix Gamma, and the WLSMV fit of the
# 8-factor CFA. Timings, not references: no test reads the output and check_all.sh does
# not run this script.
#
# R 4.2.2, lavaan 0.6-14. Run from the repository root (about a minute):
#   Rscript docs/reference-scripts/ordinal_timing.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ordinal; writes timing.json there:
# system.time of each call (elapsed, and cpu = user + system), sorted.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
suppressPackageStartupMessages(library(lavaan))
out_dir <- out_dir_arg(file.path(DATA_DIR, "ordinal"))

keyed <- keyed_items()
times <- function(expr, reps) {
  e <- substitute(expr)
  env <- parent.frame()
  t <- vapply(seq_len(reps), function(i) {
    s <- system.time(eval(e, env))
    c(s[["elapsed"]], s[["user.self"]] + s[["sys.self"]])
  }, c(0, 0))
  list(elapsed = jarr(sort(t[1, ])), cpu = jarr(sort(t[2, ])))
}
t_cor <- times(lavCor(keyed, ordered = TRUE, output = "sampstat"), 5)
t_gamma <- times(suppressWarnings(lavCor(keyed, ordered = TRUE, output = "fit",
                                         estimator = "DWLS", se = "robust.sem")), 3)
t_wlsmv <- times(cfa(COCREATION_MEASUREMENT, data = keyed, ordered = names(keyed),
                     estimator = "WLSMV"), 3)
write_json_file(list(
  name = "timing",
  producer = paste("lavaan", packageVersion("lavaan"), R.version.string),
  note = "seconds of system.time (elapsed; cpu = user + system), sorted; a shared 2-core machine",
  lavCor_sampstat = t_cor, lavCor_with_gamma = t_gamma, cfa_wlsmv = t_wlsmv
), file.path(out_dir, "timing.json"))
