# Reference outputs for models whose intercepts are not all free, and for missing = "ml.x".
# lavaan 0.6-14 (Debian r-cran-lavaan). Run from the repository root:
#   Rscript docs/reference-scripts/growth_means.R
# Writes crates/cocreate-core/tests/data/{demo_growth.csv, demo_growth_mlx.csv} and one JSON
# file per fit into crates/cocreate-core/tests/data/ (numbers at full double precision).
suppressPackageStartupMessages(library(lavaan))
out_dir <- "crates/cocreate-core/tests/data"

num <- function(x) {
  if (is.na(x) || !is.finite(x)) return("null")
  for (d in 15:17) {
    s <- formatC(x, digits = d, format = "g")
    if (as.numeric(s) == x) break
  }
  s <- trimws(s)
  if (!grepl("[.eE]", s)) s <- paste0(s, "")
  s
}
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.data.frame(x)) {
    rows <- vapply(seq_len(nrow(x)), function(i) {
      cells <- vapply(names(x), function(k) paste0("\"", k, "\": ", js(x[[k]][i])), "")
      paste0("{", paste(cells, collapse = ", "), "}")
    }, "")
    return(paste0("[\n", paste(rows, collapse = ",\n"), "\n]"))
  }
  if (is.list(x)) {
    cells <- vapply(names(x), function(k) paste0("\"", k, "\": ", js(x[[k]])), "")
    return(paste0("{\n", paste(cells, collapse = ",\n"), "\n}"))
  }
  if (length(x) != 1 || !is.null(names(x))) {
    if (!is.null(names(x))) {
      cells <- vapply(seq_along(x), function(i) paste0("\"", names(x)[i], "\": ", js(unname(x[i]))), "")
      return(paste0("{", paste(cells, collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, js, ""), collapse = ", "), "]"))
  }
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.character(x)) return(paste0("\"", gsub("\n", "\\\\n", gsub("\"", "\\\\\"", x)), "\""))
  num(as.numeric(x))
}

write_fit <- function(name, call, syntax, fit, data_file) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE,
                           remove.eq = FALSE, remove.def = FALSE)
  pe <- pe[, intersect(c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue",
                         "ci.lower", "ci.upper", "std.lv", "std.all", "std.nox"), names(pe))]
  fm <- fitMeasures(fit)
  obj <- list(
    name = name,
    producer = list(software = "lavaan", version = as.character(packageVersion("lavaan")),
                    R = R.version.string),
    call = call,
    data = list(file = data_file, rows = lavInspect(fit, "norig")),
    syntax = syntax,
    n_used = lavInspect(fit, "nobs"),
    converged = lavInspect(fit, "converged"),
    npar = as.numeric(fm["npar"]),
    fmin = as.numeric(fm["fmin"]),
    parameter_estimates = pe,
    fit_all = as.list(fm)
  )
  writeLines(js(obj), file.path(out_dir, paste0(name, ".json")))
}

# Demo.growth as shipped with lavaan.
write.csv(Demo.growth, file.path(out_dir, "demo_growth.csv"), row.names = FALSE)
d <- read.csv(file.path(out_dir, "demo_growth.csv"))

lin <- "i =~ 1*t1 + 1*t2 + 1*t3 + 1*t4\ns =~ 0*t1 + 1*t2 + 2*t3 + 3*t4"
write_fit("growth_linear", "growth(model, data = Demo.growth)", lin,
          growth(lin, data = d), "demo_growth.csv")

lin_x <- paste0(lin, "\ni ~ x1 + x2\ns ~ x1 + x2")
write_fit("growth_linear_x", "growth(model, data = Demo.growth)", lin_x,
          growth(lin_x, data = d), "demo_growth.csv")

# The same linear growth model written out for sem(): indicator intercepts fixed at 0,
# latent means free.
lin_sem <- paste0(lin, "\nt1 ~ 0*1\nt2 ~ 0*1\nt3 ~ 0*1\nt4 ~ 0*1\ni ~ 1\ns ~ 1")
write_fit("growth_linear_sem", "sem(model, data = Demo.growth)", lin_sem,
          sem(lin_sem, data = d), "demo_growth.csv")

hs <- read.csv("crates/cocreate-core/tests/data/HolzingerSwineford1939.csv")
hs_syntax <- "visual  =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed   =~ x7 + x8 + x9"
eq <- paste0(hs_syntax, "\nx1 ~ a*1\nx2 ~ a*1")
write_fit("hs_equal_intercepts", "cfa(model, data = HolzingerSwineford1939, meanstructure = TRUE)",
          eq, cfa(eq, data = hs, meanstructure = TRUE), "HolzingerSwineford1939.csv")
fx <- paste0(hs_syntax, "\nx3 ~ 2*1\nx7 ~ 4*1")
write_fit("hs_fixed_intercepts", "cfa(model, data = HolzingerSwineford1939, meanstructure = TRUE)",
          fx, cfa(fx, data = hs, meanstructure = TRUE), "HolzingerSwineford1939.csv")

# missing = "ml.x": Demo.growth with cells deleted by a fixed rule (x1 in every 9th row,
# t2 in every 7th, t4 in every 11th).
dm <- d
n <- nrow(dm)
dm$x1[seq(3, n, by = 9)] <- NA
dm$t2[seq(5, n, by = 7)] <- NA
dm$t4[seq(2, n, by = 11)] <- NA
write.csv(dm, file.path(out_dir, "demo_growth_mlx.csv"), row.names = FALSE, na = "")
dm <- read.csv(file.path(out_dir, "demo_growth_mlx.csv"))
write_fit("growth_linear_x_mlx", "growth(model, data = Demo.growth with NA, missing = \"ml.x\")",
          lin_x, growth(lin_x, data = dm, missing = "ml.x"), "demo_growth_mlx.csv")
path <- "t4 ~ t1 + x1 + x2\nt3 ~ t1 + x1"
write_fit("path_mlx", "sem(model, data = Demo.growth with NA, missing = \"ml.x\")",
          path, sem(path, data = dm, missing = "ml.x"), "demo_growth_mlx.csv")

# Robust ML with a mean structure (the bundled ext/ references have none): the scaled test
# and sandwich SEs of a growth model and of a CFA with meanstructure = TRUE.
write_robust <- function(name, call, syntax, fit, data_file) {
  write_fit(name, call, syntax, fit, data_file)
  ss <- standardizedSolution(fit)[, c("lhs", "op", "rhs", "est.std", "se")]
  txt <- readLines(file.path(out_dir, paste0(name, ".json")))
  txt[length(txt)] <- paste0(",\n\"standardized_solution\": ", js(ss), "\n}")
  writeLines(txt, file.path(out_dir, paste0(name, ".json")))
}
write_robust("robust_growth_mlr", "growth(model, data = Demo.growth, estimator = \"MLR\")", lin,
             growth(lin, data = d, estimator = "MLR"), "demo_growth.csv")
write_robust("robust_hs_means_mlm",
             "cfa(model, data = HolzingerSwineford1939, meanstructure = TRUE, estimator = \"MLM\")",
             eq, cfa(eq, data = hs, meanstructure = TRUE, estimator = "MLM"),
             "HolzingerSwineford1939.csv")
write_robust("robust_hs_means_mlr",
             "cfa(model, data = HolzingerSwineford1939, meanstructure = TRUE, estimator = \"MLR\")",
             eq, cfa(eq, data = hs, meanstructure = TRUE, estimator = "MLR"),
             "HolzingerSwineford1939.csv")

# Modification indices of the bundled co-creation SEM (its regressions among latent
# variables give `~` candidates, which the ext/ references do not have).
cs_data <- read.csv("examples/data/cocreation_keyed_items.csv")
cs_model <- paste(readLines("examples/data/cocreation_sem.lav"), collapse = "\n")
cs_mi <- modindices(sem(cs_model, data = cs_data))
cs_mi <- cs_mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.lv", "sepc.all", "sepc.nox")]
writeLines(js(list(name = "mi_cocreation_sem", call = "modindices(sem(model, data))",
                   data = "examples/data/cocreation_keyed_items.csv",
                   syntax = cs_model, modindices = cs_mi)),
           file.path(out_dir, "mi_cocreation_sem.json"))
