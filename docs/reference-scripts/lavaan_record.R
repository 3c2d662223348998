# The lavaan fit records the reference scripts share (sourced after json_writer.R, not run on
# its own). Two layouts exist in the repository:
#   fit_record_basic(): pd_sem.json, hs_cfa.json, cocreation_*.json (the first reference set);
#   fit_record_ext():   tests/data/ext/*.json (robust, mi, relval, mg, ordinal fit files).
# Both read every value from lavaan's own accessors (parameterEstimates, parTable,
# standardizedSolution, fitMeasures, lavInspect).
suppressPackageStartupMessages(library(lavaan))

OPTION_KEYS <- c("model.type", "estimator", "likelihood", "information", "observed.information",
                 "h1.information", "se", "test", "bootstrap", "missing", "fixed.x",
                 "conditional.x", "meanstructure", "int.ov.free", "int.lv.free", "std.lv",
                 "auto.fix.first", "auto.fix.single", "auto.var", "auto.cov.lv.x", "auto.cov.y",
                 "orthogonal", "std.ov", "sample.cov.rescale", "optim.method",
                 "optim.force.converged", "baseline", "h1", "do.fit", "check.gradient", "bounds")
OPTION_KEYS_EXT <- c(OPTION_KEYS, "parameterization", "group.equal", "group.partial", "zero.add",
                     "zero.keep.margins")
FIT_KEYS_BASIC <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
                    "rmsea.ci.upper", "srmr", "aic", "bic", "logl")
FIT_KEYS_EXT <- c("npar", "fmin", "chisq", "df", "pvalue", "chisq.scaled", "df.scaled",
                  "pvalue.scaled", "chisq.scaling.factor", "baseline.chisq", "baseline.df",
                  "baseline.pvalue", "baseline.chisq.scaled", "baseline.df.scaled",
                  "baseline.pvalue.scaled", "baseline.chisq.scaling.factor", "cfi", "tli",
                  "cfi.scaled", "tli.scaled", "cfi.robust", "tli.robust", "rmsea",
                  "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "rmsea.scaled",
                  "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled", "rmsea.robust",
                  "rmsea.ci.lower.robust", "rmsea.ci.upper.robust", "srmr", "srmr_bentler",
                  "srmr_mplus", "crmr", "aic", "bic", "bic2", "logl", "unrestricted.logl",
                  "scaling.factor.h1", "scaling.factor.h0", "ntotal")

lavaan_producer_basic <- function() {
  list(software = "lavaan", version = as.character(packageVersion("lavaan")),
       R = R.version.string)
}
lavaan_producer_ext <- function() {
  list(software = "lavaan", lavaan = as.character(packageVersion("lavaan")),
       R = R.version.string)
}

# Options: vectors of length > 1 stay arrays; empty vectors are [].
fit_options <- function(fit, keys) {
  opt <- lavInspect(fit, "options")
  out <- lapply(keys, function(k) {
    v <- opt[[k]]
    if (length(v) == 1) unname(v) else jarr(unname(v))
  })
  setNames(out, keys)
}

named_numbers <- function(x) {
  x <- unclass(x)
  as.list(setNames(as.numeric(x), names(x)))
}

# A lavaan matrix or a list of them (one per group) as {rownames, colnames, values}.
sample_block <- function(s, with_mean_array) {
  out <- list(cov = mat_json(unclass(s$cov)))
  if (with_mean_array) {
    out$mean <- if (is.null(s$mean)) jarr(numeric(0)) else named_numbers(s$mean)
  } else if (!is.null(s$mean)) {
    out$mean <- named_numbers(s$mean)
  }
  for (k in setdiff(names(s), c("cov", "mean"))) {
    out[[k]] <- if (is.matrix(s[[k]])) mat_json(unclass(s[[k]])) else named_numbers(s[[k]])
  }
  out
}

per_group <- function(x, fit, f) {
  if (lavInspect(fit, "ngroups") == 1) return(f(x))
  setNames(lapply(x, f), lavInspect(fit, "group.label"))
}

# The first reference set's layout (pd_sem.json, hs_cfa.json, cocreation_*.json).
fit_record_basic <- function(fit, name, call, data, syntax, notes = NULL) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  pe <- pe[, intersect(c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "ci.lower",
                         "ci.upper", "std.lv", "std.all", "std.nox"), names(pe))]
  pt <- parTable(fit)
  free <- data.frame(lhs = pt$lhs, op = pt$op, rhs = pt$rhs, free = pt$free > 0,
                     exo = pt$exo > 0, user = pt$user, stringsAsFactors = FALSE)
  ss <- standardizedSolution(fit)
  ss <- ss[, intersect(c("lhs", "op", "rhs", "label", "est.std", "se", "z", "pvalue",
                         "ci.lower", "ci.upper"), names(ss))]
  fm <- fitMeasures(fit)
  list(
    name = name,
    producer = lavaan_producer_basic(),
    call = call,
    data = data,
    syntax = syntax,
    n_used = lavInspect(fit, "nobs"),
    n_original = lavInspect(fit, "norig"),
    converged = lavInspect(fit, "converged"),
    iterations = lavInspect(fit, "iterations"),
    npar = unname(fm["npar"]),
    fmin = unname(fm["fmin"]),
    options = fit_options(fit, OPTION_KEYS),
    parameter_estimates = pe,
    free = free,
    standardized_solution = ss,
    fit = named_numbers(fm[FIT_KEYS_BASIC]),
    fit_all = named_numbers(fm),
    r2 = named_numbers(lavInspect(fit, "r2")),
    sample_stats = sample_block(lavInspect(fit, "sampstat"), TRUE),
    implied = sample_block(lavInspect(fit, "implied"), TRUE),
    notes = notes
  )
}

# The fitMeasures keys of FIT_KEYS_EXT, null where lavaan does not report one.
fit_ext <- function(fm) {
  setNames(lapply(FIT_KEYS_EXT, function(k) if (k %in% names(fm)) unname(fm[[k]]) else NULL),
           FIT_KEYS_EXT)
}

# lavInspect(fit, "test"): every element of every test.
test_record <- function(fit) {
  lapply(lavInspect(fit, "test"), function(t) {
    lapply(t, function(v) {
      if (is.null(v)) return(NULL)
      v <- unname(v)
      if (length(v) == 1) v else jarr(v)
    })
  })
}

# The extension references' layout (tests/data/ext/*.json fit files).
fit_record_ext <- function(fit, name, call, data, syntax) {
  pe <- parameterEstimates(fit, standardized = TRUE, remove.nonfree = FALSE,
                           remove.eq = FALSE, remove.def = FALSE)
  if (!"group" %in% names(pe)) {
    pe <- cbind(pe[, c("lhs", "op", "rhs")], group = 1L, pe[, setdiff(names(pe),
                                                                     c("lhs", "op", "rhs"))])
  }
  pt <- parTable(fit)
  free <- data.frame(lhs = pt$lhs, op = pt$op, rhs = pt$rhs, group = pt$group,
                     free = pt$free > 0, exo = pt$exo > 0, user = pt$user, label = pt$label,
                     plabel = pt$plabel, stringsAsFactors = FALSE)
  ss <- standardizedSolution(fit, remove.eq = FALSE, remove.ineq = FALSE, remove.def = FALSE)
  ss <- ss[, setdiff(names(ss), c("block"))]
  fm <- fitMeasures(fit)
  ng <- lavInspect(fit, "ngroups")
  labels <- if (ng > 1) jarr(lavInspect(fit, "group.label")) else NULL
  nobs <- lavInspect(fit, "nobs")
  list(
    name = name,
    producer = lavaan_producer_ext(),
    call = call,
    data = data,
    syntax = syntax,
    n_used = sum(nobs),
    n_original = sum(lavInspect(fit, "norig")),
    ngroups = ng,
    group_labels = labels,
    n_used_per_group = if (ng > 1) as.list(setNames(nobs, lavInspect(fit, "group.label"))) else NULL,
    converged = lavInspect(fit, "converged"),
    iterations = lavInspect(fit, "iterations"),
    npar = unname(fm["npar"]),
    fmin = unname(fm["fmin"]),
    options = fit_options(fit, OPTION_KEYS_EXT),
    parameter_estimates = pe,
    free = free,
    fit = fit_ext(fm),
    fit_all = named_numbers(fm),
    test = test_record(fit),
    r2 = per_group(lavInspect(fit, "r2"), fit, named_numbers),
    sample_stats = per_group(lavInspect(fit, "sampstat"), fit, function(s) sample_block(s, FALSE)),
    implied = per_group(lavInspect(fit, "implied"), fit, function(s) sample_block(s, FALSE)),
    standardized_solution = ss
  )
}
