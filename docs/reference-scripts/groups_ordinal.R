# References for multiple-group fits of ordered indicators (WLSMV, delta parameterization).
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/groups_ordinal.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. Writes one JSON file per fit in the
# layout of lavaan_record.R's fit_record_ext(), plus chisq_per_group (lavaan's stat.group of
# every test, by group label):
#   mg_wlsmv_cocreation_gender_configural.json
#       cfa(two-factor model of II1-II4 and EI1-EI4, data = keyed items with gender,
#           ordered = the eight items, group = "gender"), the 14 rows of gender 3 dropped;
#       estimator WLSMV by default. Group order = first appearance: "2" (n = 251), "1" (257).
# (the fits with parameters held equal across groups are groups_ordinal_equal.R's)
# Numbers at full double precision.
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(file.path(DATA_DIR, "ext"))

by_gender <- ordered_by_gender()
two <- by_gender$data
items <- by_gender$items
syntax <- by_gender$syntax
data_info <- by_gender$info

with_groups <- function(rec, fit) {
  labels <- lavInspect(fit, "group.label")
  rec$group_labels <- jarr(labels)
  rec$chisq_per_group <- lapply(lavInspect(fit, "test"), function(t) {
    if (is.null(t$stat.group)) NULL else as.list(setNames(t$stat.group, labels))
  })
  rec
}
write_fit <- function(name, fit, call) {
  rec <- with_groups(fit_record_ext(fit, name, call, data_info, syntax), fit)
  write_json_file(rec, file.path(out, paste0(name, ".json")))
}

configural <- cfa(syntax, data = two, ordered = items, group = "gender")
write_fit("mg_wlsmv_cocreation_gender_configural", configural,
          "cfa(syntax, data = two, ordered = items, group = \"gender\")")
