# References for multiple-group fits of ordered indicators with parameters held equal across
# groups (WLSMV, delta parameterization): thresholds, loadings, partial invariance.
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/groups_ordinal_equal.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/ext. The data and model are those of
# groups_ordinal.R (two-factor CFA of II1-II4, EI1-EI4 by gender, gender 3 dropped). Writes:
#   mg_wlsmv_cocreation_gender_thresholds_loadings.json   group.equal = c("thresholds", "loadings")
#   mg_wlsmv_cocreation_gender_loadings.json              group.equal = "loadings"
#   mg_wlsmv_cocreation_gender_partial.json               c("thresholds", "loadings") with
#                                                         group.partial = c("II1|t1", "EI3|t2", "EI =~ EI4")
# and adds to every file (also mg_wlsmv_cocreation_gender_thresholds.json, rewritten here)
# `catml_patched`: the robust CFI/TLI/RMSEA (lav_fit_catml_dwls). lavaan 0.6-14 leaves them NA
# as soon as thresholds are held equal, because its catML refit drops the threshold rows but
# keeps the `==` rows that name them and stops ("unknown label(s) in equality constraint(s)").
# The patch drops those `==` rows too (they constrain nothing once the thresholds are gone) and
# nothing else, so the numbers are what lavaan's own formula gives.
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

original_complete <- lavaan:::lav_partable_complete
patched_complete <- function(partable = NULL, start = TRUE) {
  known <- c(partable$label, partable$plabel)
  known <- known[nchar(known) > 0L]
  eq <- partable$op == "=="
  drop <- eq & !(partable$lhs %in% known & partable$rhs %in% known)
  if (any(drop)) partable <- partable[!drop, , drop = FALSE]
  original_complete(partable = partable, start = start)
}
catml_patched <- function(fit) {
  assignInNamespace("lav_partable_complete", patched_complete, ns = "lavaan")
  on.exit(assignInNamespace("lav_partable_complete", original_complete, ns = "lavaan"))
  as.list(fitMeasures(fit, c("cfi.robust", "tli.robust", "rmsea.robust",
                             "rmsea.ci.lower.robust", "rmsea.ci.upper.robust")))
}

write_fit <- function(name, fit, call) {
  rec <- fit_record_ext(fit, name, call, data_info, syntax)
  labels <- lavInspect(fit, "group.label")
  rec$group_labels <- jarr(labels)
  rec$chisq_per_group <- lapply(lavInspect(fit, "test"), function(t) {
    if (is.null(t$stat.group)) NULL else as.list(setNames(t$stat.group, labels))
  })
  rec$catml_patched <- catml_patched(fit)
  write_json_file(rec, file.path(out, paste0(name, ".json")))
}

fits <- list(
  list("mg_wlsmv_cocreation_gender_thresholds", "thresholds", character(0)),
  list("mg_wlsmv_cocreation_gender_thresholds_loadings", c("thresholds", "loadings"), character(0)),
  list("mg_wlsmv_cocreation_gender_loadings", "loadings", character(0)),
  list("mg_wlsmv_cocreation_gender_partial", c("thresholds", "loadings"),
       c("II1|t1", "EI3|t2", "EI =~ EI4"))
)
for (f in fits) {
  fit <- cfa(syntax, data = two, ordered = items, group = "gender",
             group.equal = f[[2]], group.partial = f[[3]])
  call <- sprintf("cfa(syntax, data = two, ordered = items, group = \"gender\", group.equal = c(%s), group.partial = c(%s))",
                  paste0("\"", f[[2]], "\"", collapse = ", "),
                  if (length(f[[3]])) paste0("\"", f[[3]], "\"", collapse = ", ") else "")
  write_fit(f[[1]], fit, call)
}

# The invariance sequence of ordered indicators and lavTestLRT between its steps (lavaan's
# default for WLSMV: method "satorra.2000", scaled-shifted), written as
# mg_wlsmv_cocreation_gender_lrt.json: configural, metric (loadings), scalar (loadings and
# thresholds; with ordered variables lavaan's "intercepts" implies "thresholds"), and the
# same comparison for one group (the two-factor model against one with a == constraint on
# two loadings).
configural <- cfa(syntax, data = two, ordered = items, group = "gender")
metric <- cfa(syntax, data = two, ordered = items, group = "gender", group.equal = "loadings")
scalar <- cfa(syntax, data = two, ordered = items, group = "gender",
              group.equal = c("loadings", "intercepts"))
lrt_record <- function(tab) {
  rows <- lapply(seq_len(nrow(tab)), function(i) list(
    model = rownames(tab)[i], df = tab$Df[i], chisq = tab$Chisq[i],
    chisq_diff = tab$`Chisq diff`[i], df_diff = tab$`Df diff`[i], pvalue = tab$`Pr(>Chisq)`[i]))
  list(method = attr(tab, "heading"), rows = rows)
}
single_free <- cfa(syntax, data = two, ordered = items)
single_equal <- cfa("II =~ II1 + a*II2 + a*II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4",
                    data = two, ordered = items)
rec <- list(
  name = "mg_wlsmv_cocreation_gender_lrt",
  producer = list("software", "lavaan", "R"),
  call = "lavTestLRT(configural, metric, scalar); lavTestLRT(single_free, single_equal)",
  data = data_info, syntax = syntax,
  groups = lrt_record(lavTestLRT(configural, metric, scalar)),
  fits = lapply(list(configural = configural, metric = metric, scalar = scalar), function(f)
    as.list(fitMeasures(f, c("chisq", "df", "chisq.scaled", "cfi.scaled", "rmsea.scaled", "srmr")))),
  single = lrt_record(lavTestLRT(single_free, single_equal)),
  single_syntax_equal = "II =~ II1 + a*II2 + a*II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4"
)
write_json_file(rec, file.path(out, "mg_wlsmv_cocreation_gender_lrt.json"))
