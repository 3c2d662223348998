//! The JSON form of a fitted SEM, shared by the `sem` and `cocreation` examples: lavaan's
//! `parameterEstimates(standardized = TRUE)` rows and the main fit measures.

#![allow(dead_code)] // each example uses a different subset

use cocreate::core::sem::SemFit;
use serde_json::{json, Value};

/// A finite number, or `null`.
pub fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// An optional number, or `null`.
pub fn opt(v: Option<f64>) -> Value {
    v.map_or(Value::Null, num)
}

/// Every parameter row: `lhs`, `op`, `rhs`, `label`, `est`, `se`, `z`, `pvalue`,
/// `ci.lower`, `ci.upper`, `std.lv`, `std.all`.
pub fn parameter_estimates(fit: &SemFit) -> Value {
    fit.parameter_estimates()
        .iter()
        .map(|e| {
            json!({
                "lhs": e.lhs, "op": e.op.as_str(), "rhs": e.rhs, "label": e.label,
                "est": num(e.est), "se": opt(e.se), "z": opt(e.z), "pvalue": opt(e.pvalue),
                "ci.lower": num(e.ci_lower), "ci.upper": num(e.ci_upper),
                "std.lv": num(e.std_lv), "std.all": num(e.std_all),
            })
        })
        .collect()
}

/// lavaan's `standardizedSolution()`: `lhs`, `op`, `rhs`, `label`, `est.std`, `se`, `z`,
/// `pvalue`, `ci.lower`, `ci.upper` (the names of the reference files).
pub fn standardized_solution(fit: &SemFit) -> Value {
    fit.standardized_solution()
        .iter()
        .map(|e| {
            json!({
                "lhs": e.lhs, "op": e.op.as_str(), "rhs": e.rhs, "label": e.label,
                "est.std": num(e.est_std), "se": opt(e.se), "z": opt(e.z),
                "pvalue": opt(e.pvalue), "ci.lower": num(e.ci_lower), "ci.upper": num(e.ci_upper),
            })
        })
        .collect()
}

/// The general constraints with their values at the estimates, as lavaan's
/// `parameterEstimates(remove.eq = FALSE, remove.ineq = FALSE)` rows: `lhs`, `op`, `rhs`,
/// `est` (`lhs − rhs`, or `rhs − lhs` for `<`: zero where a constraint binds).
pub fn constraints(fit: &SemFit) -> Value {
    fit.constraints()
        .iter()
        .map(|c| json!({"lhs": c.lhs, "op": c.op.as_str(), "rhs": c.rhs, "est": num(c.value)}))
        .collect()
}

/// The main fit measures, named as lavaan's `fitMeasures()`.
pub fn fit_measures(fit: &SemFit) -> Value {
    let fm = fit.fit_measures();
    json!({
        "chisq": num(fm.chisq), "df": num(fm.df), "pvalue": opt(fm.pvalue),
        "cfi": num(fm.cfi), "tli": num(fm.tli), "rmsea": num(fm.rmsea),
        "rmsea.ci.lower": num(fm.rmsea_ci_lower), "rmsea.ci.upper": num(fm.rmsea_ci_upper),
        "srmr": num(fm.srmr), "aic": num(fm.aic), "bic": num(fm.bic), "logl": num(fm.logl),
    })
}

/// The whole fit: `n_used`, `npar`, `converged`, `iterations`, `parameter_estimates`,
/// `standardized_solution`, `fit`, `r2`, `constraints` (when the model has general
/// constraints) and `warnings`.
pub fn fit_json(fit: &SemFit) -> Value {
    let r2: serde_json::Map<String, Value> = fit
        .r_squared()
        .iter()
        .map(|(k, v)| (k.clone(), num(*v)))
        .collect();
    let mut v = json!({
        "n_used": fit.n_used(),
        "npar": fit.fit_measures().npar,
        "converged": fit.convergence().converged,
        "iterations": fit.convergence().iterations,
        "parameter_estimates": parameter_estimates(fit),
        "standardized_solution": standardized_solution(fit),
        "fit": fit_measures(fit),
        "r2": r2,
        "warnings": fit.warnings().iter().map(|w| w.to_string()).collect::<Vec<_>>(),
    });
    if !fit.constraints().is_empty() {
        v["constraints"] = constraints(fit);
    }
    v
}

/// The `reliability_validity` block under the names of the semTools references:
/// `compRelSEM_omega`, `compRelSEM_omega_implied_denominator`, `compRelSEM_alpha_tau_eq`,
/// `compRelSEM_return_total`, `AVE`, `AVE_implied_denominator`, `htmt`, `htmt2`, `cor_lv`,
/// `cov_lv`, `fornell_larcker`, then cocreate's flags (`factors`, `htmt_pairs`,
/// `thresholds`) and `notes`. With one factor `htmt` and `htmt2` are `null` and the
/// library's note says why.
pub fn reliability_validity(v: &cocreate::core::sem::MeasurementValidity) -> Value {
    use serde_json::Map;
    let per = |f: &dyn Fn(&cocreate::core::sem::FactorReliability) -> f64| -> Map<String, Value> {
        v.factors
            .iter()
            .map(|r| (r.factor.clone(), num(f(r))))
            .collect()
    };
    let mut total = per(&|r| r.omega);
    total.insert("total".into(), num(v.omega_total));
    json!({
        "compRelSEM_omega": per(&|r| r.omega),
        "compRelSEM_omega_implied_denominator": per(&|r| r.omega_implied),
        "compRelSEM_alpha_tau_eq": per(&|r| r.alpha),
        "compRelSEM_return_total": total,
        "AVE": per(&|r| r.ave),
        "AVE_implied_denominator": per(&|r| r.ave_implied),
        "htmt": ser(&v.htmt),
        "htmt2": ser(&v.htmt2),
        "cor_lv": ser(&v.cor_lv),
        "cov_lv": ser(&v.cov_lv),
        "fornell_larcker": ser(&v.fornell_larcker),
        "factors": ser(&v.factors),
        "htmt_pairs": ser(&v.htmt_pairs),
        "thresholds": ser(&v.thresholds),
        "notes": v.notes,
    })
}

/// A serialisable library value as JSON (non-finite numbers become `null`).
fn ser<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}
