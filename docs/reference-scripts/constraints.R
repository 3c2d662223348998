# References for general constraints: linear equalities between labels (`a + b == 1`,
# `a == 2*b`) and inequalities (`a > 0.5`, `b + c > 0.2`, `c < a`), one binding and others not.
#
# R 4.2.2, lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/constraints.R [OUT_DIR]
# OUT_DIR defaults to crates/cocreate-core/tests/data/constraints. Writes there, in the layout
# of lavaan_record.R's fit_record_basic() plus `constraints` (the rows `==`, `>`, `<` of
# parameterEstimates(remove.eq = FALSE, remove.ineq = FALSE): `est` is the value of the
# constraint's form, lhs - rhs, rhs - lhs for `<`) and `equality_constraints` /
# `inequality_constraints` (the counts the summary prints):
#   pd_sum.json          sem() of the tutorial model on PoliticalDemocracy, the loadings of y2
#                        and y3 labelled a, b with a + b == 1 (lavaan: ceq.linear, nlminb on the
#                        reduced parameters)
#   hs_ratio.json        cfa() three-factor model, loadings of x2, x3 labelled a, b, a == 2*b
#   hs_ratio_mlr.json    the same with estimator = "MLR" (sandwich SEs, Yuan-Bentler test)
#   hs_ratio_mlm.json    the same with estimator = "MLM" (robust SEs, Satorra-Bentler test)
#   mi_hs_ratio.json     modindices() of the hs_ratio fit (all rows, lavaan's order; the
#                        information of the free parameters inverted under the constraint)
#   hs_mixed.json        hs_ratio plus d > 1.3 on the loading of x8, which binds
#                        (equalities and inequalities together: nlminb.constr)
#   hs_mixed_bound.json  hs_mixed with x8's loading fixed at 1.3, where the inequality binds:
#                        lavaan's nlminb on the reduced parameters reaches the optimum more
#                        precisely than nlminb.constr's augmented Lagrangian (2e-5 apart)
#   hs_path_inequality.json  x9 ~ a*x7 + b*x8 + c*x4 with a > 0.5 (binds), b + c > 0.2 and
#                        c < a (hold with room to spare)
# Numbers at full double precision (json_writer.R).
here <- local({
  arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(arg)) dirname(sub("^--file=", "", arg[1])) else "docs/reference-scripts"
})
source(file.path(here, "json_writer.R"))
source(file.path(here, "reference_data.R"))
source(file.path(here, "lavaan_record.R"))
out <- out_dir_arg(file.path(DATA_DIR, "constraints"))

hs <- read_hs()
pd <- read_pd()
hs_data <- list(file = "data/HolzingerSwineford1939.csv", rows = nrow(hs),
                variables = paste0("x", 1:9))
pd_data <- list(file = "data/PoliticalDemocracy.csv", rows = nrow(pd))

constrained_record <- function(fit, name, call, data, syntax, notes = NULL) {
  rec <- fit_record_basic(fit, name, call, data, syntax, notes)
  pe <- parameterEstimates(fit, remove.eq = FALSE, remove.ineq = FALSE)
  con <- pe[pe$op %in% c("==", ">", "<"), c("lhs", "op", "rhs", "est")]
  rownames(con) <- NULL
  rec$constraints <- con
  rec$equality_constraints <- sum(parTable(fit)$op == "==")
  rec$inequality_constraints <- sum(parTable(fit)$op %in% c(">", "<"))
  rec
}

write_fit <- function(fit, name, call, data, syntax, notes = NULL) {
  write_json_file(constrained_record(fit, name, call, data, syntax, notes),
                  file.path(out, paste0(name, ".json")))
}

PD_SUM <- paste(sub("dem60 =~ y1 + y2 + y3 + y4", "dem60 =~ y1 + a*y2 + b*y3 + y4", PD_SYNTAX,
                    fixed = TRUE), "# the two loadings sum to one", "a + b == 1", sep = "\n")
write_fit(sem(PD_SUM, data = pd), "pd_sum", "sem(model, data = PoliticalDemocracy)", pd_data,
          PD_SUM, notes = "a + b == 1 is linear: lavaan reparameterises (ceq.linear) and optimises the reduced parameters with nlminb; npar = free parameters - rank of the equalities")

HS_RATIO <- "visual  =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + x8 + x9\na == 2*b"
write_fit(cfa(HS_RATIO, data = hs), "hs_ratio", "cfa(model, data = HolzingerSwineford1939)",
          hs_data, HS_RATIO)
mi <- modindices(cfa(HS_RATIO, data = hs))
rownames(mi) <- NULL
write_json_file(list(name = "mi_hs_ratio", producer = lavaan_producer_basic(),
                     call = "modindices(cfa(model, data = HolzingerSwineford1939))",
                     data = hs_data, syntax = HS_RATIO, modindices = mi),
                file.path(out, "mi_hs_ratio.json"))
write_fit(cfa(HS_RATIO, data = hs, estimator = "MLR"), "hs_ratio_mlr",
          "cfa(model, data = HolzingerSwineford1939, estimator = \"MLR\")", hs_data, HS_RATIO)
write_fit(cfa(HS_RATIO, data = hs, estimator = "MLM"), "hs_ratio_mlm",
          "cfa(model, data = HolzingerSwineford1939, estimator = \"MLM\")", hs_data, HS_RATIO)

HS_MIXED <- "visual  =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + d*x8 + x9\na == 2*b\nd > 1.3"
write_fit(cfa(HS_MIXED, data = hs), "hs_mixed", "cfa(model, data = HolzingerSwineford1939)",
          hs_data, HS_MIXED,
          notes = "with an inequality lavaan optimises with nlminb.constr (augmented Lagrangian) for all constraints; d > 1.3 binds (slack 0) and enters the SEs as an equality; df counts the equality only")

HS_BOUND <- "visual  =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + 1.3*x8 + x9\na == 2*b"
write_fit(cfa(HS_BOUND, data = hs), "hs_mixed_bound", "cfa(model, data = HolzingerSwineford1939)",
          hs_data, HS_BOUND,
          notes = "hs_mixed with its binding inequality written as a fixed loading: the same optimum, reached by nlminb on the reduced parameters")

HS_PATH <- "x9 ~ a*x7 + b*x8 + c*x4\na > 0.5\nb + c > 0.2\nc < a"
write_fit(sem(HS_PATH, data = hs), "hs_path_inequality",
          "sem(model, data = HolzingerSwineford1939)", hs_data, HS_PATH,
          notes = "unconstrained a = 0.127: a > 0.5 binds (SE 0); b + c > 0.2 and c < a hold with room to spare (slack > 1e-5) and change nothing; df = 0 (inequalities never count)")
