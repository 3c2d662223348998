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
/// `ci.lower`, `ci.upper`, `std.lv`, `std.all`, and `group` (the group's label) in a
/// multiple-group fit.
pub fn parameter_estimates(fit: &SemFit) -> Value {
    fit.parameter_estimates()
        .iter()
        .map(|e| {
            let mut row = json!({
                "lhs": e.lhs, "op": e.op.as_str(), "rhs": e.rhs, "label": e.label,
                "est": num(e.est), "se": opt(e.se), "z": opt(e.z), "pvalue": opt(e.pvalue),
                "ci.lower": num(e.ci_lower), "ci.upper": num(e.ci_upper),
                "std.lv": num(e.std_lv), "std.all": num(e.std_all),
            });
            if !fit.groups().is_empty() {
                row["group"] = json!(e.group);
            }
            row
        })
        .collect()
}

/// The groups of a multiple-group fit: `label`, `n_used`, `chisq` (its part of the test),
/// `srmr`, `r2`.
pub fn groups(fit: &SemFit) -> Value {
    fit.groups()
        .iter()
        .map(|g| {
            let r2: serde_json::Map<String, Value> =
                g.r2.iter().map(|(k, v)| (k.clone(), num(*v))).collect();
            json!({
                "label": g.label, "n_used": g.n_used, "chisq": num(g.chisq),
                "srmr": num(g.srmr), "r2": r2,
            })
        })
        .collect()
}

/// The sets of parameters held equal across groups, each as its rows (`lhs op rhs
/// [group]`), with the free parameters before and after the constraints.
pub fn equality_constraints(fit: &SemFit) -> Value {
    let table = fit.parameter_table();
    let ties: Vec<Value> = table
        .cross_group_ties()
        .iter()
        .map(|rows| {
            let r0 = &table.rows()[rows[0]];
            json!({
                "label": r0.label,
                "rows": rows.iter().map(|&k| {
                    let r = &table.rows()[k];
                    json!({"lhs": r.lhs, "op": r.op.as_str(), "rhs": r.rhs, "group": r.group})
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let unconstrained = table.n_free_unconstrained();
    let npar = table.n_free();
    let df = fit.fit_measures().df;
    json!({
        "npar_unconstrained": unconstrained,
        "npar": npar,
        "df_unconstrained": df - (unconstrained - npar) as f64,
        "df": df,
        "tied": ties,
    })
}

/// The invariance report: groups, steps (fit and comparison with flags), where invariance
/// fails by each criterion, the cut-offs and lavaan's LRT tables.
pub fn invariance_json(r: &cocreate::core::sem::InvarianceReport) -> Value {
    let steps: Vec<Value> = r
        .steps
        .iter()
        .map(|s| {
            let f = &s.fit;
            json!({
                "model": s.name,
                "group.equal": s.group_equal.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
                "group.partial": s.group_partial.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
                "npar": f.npar, "chisq": num(f.chisq), "df": num(f.df), "pvalue": opt(f.pvalue),
                "cfi": num(f.cfi), "tli": num(f.tli), "rmsea": num(f.rmsea), "srmr": num(f.srmr),
                "aic": num(f.aic), "bic": num(f.bic), "logl": num(f.logl),
                "chisq_by_group": s.chisq_by_group.iter()
                    .map(|(g, c)| (g.clone(), num(*c))).collect::<serde_json::Map<_, _>>(),
                "compared_with": s.compared_with.map(|k| r.steps[k].name.clone()),
                "chisq_diff": opt(s.chisq_diff), "df_diff": opt(s.df_diff),
                "pvalue_diff": opt(s.pvalue), "rmsea_diff": opt(s.rmsea_diff),
                "delta_cfi": opt(s.delta_cfi), "delta_rmsea": opt(s.delta_rmsea),
                "delta_srmr": opt(s.delta_srmr),
                "fails": {
                    "chisq_difference": s.flags.chisq_difference,
                    "cheung_rensvold_2002": s.flags.cheung_rensvold_2002,
                    "chen_2007": s.flags.chen_2007,
                },
            })
        })
        .collect();
    let level = |l: Option<cocreate::core::sem::InvarianceLevel>| l.map(|l| l.as_str());
    json!({
        "group": r.group,
        "groups": r.groups.iter().map(|(l, n)| json!({"label": l, "n_used": n})).collect::<Vec<_>>(),
        "steps": steps,
        "first_failure": {
            "chisq_difference": level(r.first_failure.chisq_difference),
            "cheung_rensvold_2002": level(r.first_failure.cheung_rensvold_2002),
            "chen_2007": level(r.first_failure.chen_2007),
        },
        "rule": ser(&r.rule),
        "lrt": ser(&r.lrt),
        "lrt_with_partial": ser(&r.lrt_with_partial),
    })
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
    if !fit.groups().is_empty() {
        // Per group, as lavaan's lavInspect(fit, "r2").
        v["r2"] = fit
            .groups()
            .iter()
            .map(|g| {
                let r2: serde_json::Map<String, Value> =
                    g.r2.iter().map(|(k, x)| (k.clone(), num(*x))).collect();
                (g.label.clone(), Value::Object(r2))
            })
            .collect::<serde_json::Map<_, _>>()
            .into();
        v["groups"] = groups(fit);
        v["equality_constraints"] = equality_constraints(fit);
    }
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
