//! General constraints (`a + b == 1`, `a == 2*b`, `a > 0.5`, `b + c > 0.2`, `c < a`) against
//! lavaan 0.6-14: estimates, standard errors, z, p, intervals, standardised solutions, the
//! constraints' values and the fit measures, to 1e-4 (`docs/reference-scripts/constraints.R`).

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{Estimator, Model, Op, SemFit, SemOptions};
use serde_json::Value;

const TOL: f64 = 1e-4;

fn reference(name: &str) -> Value {
    common::reference(&format!("constraints/{name}"))
}

/// `got` against lavaan's `want` (both missing is a match); z is compared relative to its
/// size, the information criteria relative to theirs.
fn close(what: &str, got: Option<f64>, want: &Value, max: &mut f64) {
    match (got, want.as_f64()) {
        (Some(g), Some(w)) => {
            let scale = if what.ends_with(" z") || w.abs() > 100.0 {
                w.abs().max(1.0)
            } else {
                1.0
            };
            let d = (g - w).abs() / scale;
            *max = max.max(d);
            assert!(d <= TOL, "{what}: got {g}, lavaan {w} (difference {d:e})");
        }
        (None, None) => {}
        (g, _) => panic!("{what}: got {g:?}, lavaan {want}"),
    }
}

fn fit(name: &str, data: &Table, options: &SemOptions) -> (SemFit, Value) {
    let r = reference(name);
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    (model.fit(data, options).unwrap(), r)
}

/// Every estimate row, the standardised solution, R² and the fit measures; returns the
/// largest difference. A parameter held at an inequality's bound has variance zero: lavaan's
/// bordered inverse leaves rounding (±1e-19), so its SE is 0 or NA there by chance; ours is 0
/// with the interval collapsed on the estimate, checked instead.
fn compare(fit: &SemFit, r: &Value) -> f64 {
    let mut max = 0.0f64;
    assert_eq!(fit.fit_measures().npar as u64, r["npar"].as_u64().unwrap());
    let pe = r["parameter_estimates"].as_array().unwrap();
    assert_eq!(fit.parameter_estimates().len(), pe.len());
    for (got, e) in fit.parameter_estimates().iter().zip(pe) {
        let id = format!("{} {} {}", e["lhs"], e["op"], e["rhs"]);
        assert_eq!(got.op.as_str(), e["op"].as_str().unwrap(), "{id}");
        assert_eq!(got.lhs, e["lhs"].as_str().unwrap(), "{id}");
        close(&format!("{id} est"), Some(got.est), &e["est"], &mut max);
        if got.free.is_some() && e["se"].is_null() {
            assert_eq!(got.se, Some(0.0), "{id}: held at a bound");
            assert!(got.z.is_none() && got.pvalue.is_none(), "{id}");
            assert!(got.ci_lower == got.est && got.ci_upper == got.est, "{id}");
            close(
                &format!("{id} std.all"),
                Some(got.std_all),
                &e["std.all"],
                &mut max,
            );
            continue;
        }
        close(&format!("{id} se"), got.se, &e["se"], &mut max);
        close(&format!("{id} z"), got.z, &e["z"], &mut max);
        close(&format!("{id} pvalue"), got.pvalue, &e["pvalue"], &mut max);
        close(
            &format!("{id} ci.lower"),
            Some(got.ci_lower),
            &e["ci.lower"],
            &mut max,
        );
        close(
            &format!("{id} ci.upper"),
            Some(got.ci_upper),
            &e["ci.upper"],
            &mut max,
        );
        close(
            &format!("{id} std.lv"),
            Some(got.std_lv),
            &e["std.lv"],
            &mut max,
        );
        close(
            &format!("{id} std.all"),
            Some(got.std_all),
            &e["std.all"],
            &mut max,
        );
        close(
            &format!("{id} std.nox"),
            Some(got.std_nox),
            &e["std.nox"],
            &mut max,
        );
    }
    for e in r["standardized_solution"].as_array().unwrap() {
        let op = Op::from_str_op(e["op"].as_str().unwrap()).unwrap();
        let got = fit
            .standardized_solution()
            .iter()
            .find(|s| {
                s.op == op
                    && s.lhs == e["lhs"].as_str().unwrap()
                    && s.rhs == e["rhs"].as_str().unwrap()
            })
            .unwrap();
        let id = format!("std {} {} {}", got.lhs, got.op, got.rhs);
        close(
            &format!("{id} est"),
            Some(got.est_std),
            &e["est.std"],
            &mut max,
        );
        close(&format!("{id} se"), got.se, &e["se"], &mut max);
        close(&format!("{id} z"), got.z, &e["z"], &mut max);
        close(&format!("{id} pvalue"), got.pvalue, &e["pvalue"], &mut max);
        close(
            &format!("{id} ci.lower"),
            Some(got.ci_lower),
            &e["ci.lower"],
            &mut max,
        );
        close(
            &format!("{id} ci.upper"),
            Some(got.ci_upper),
            &e["ci.upper"],
            &mut max,
        );
    }
    for (name, v) in fit.r_squared() {
        close(&format!("r2 {name}"), Some(*v), &r["r2"][name], &mut max);
    }
    let fm = fit.fit_measures();
    let f = &r["fit_all"];
    for (k, v) in [
        ("chisq", Some(fm.chisq)),
        ("df", Some(fm.df)),
        ("pvalue", fm.pvalue),
        ("fmin", Some(fm.fmin)),
        ("baseline.chisq", Some(fm.baseline_chisq)),
        ("cfi", Some(fm.cfi)),
        ("tli", Some(fm.tli)),
        ("logl", Some(fm.logl)),
        ("aic", Some(fm.aic)),
        ("bic", Some(fm.bic)),
        ("bic2", Some(fm.bic2)),
        ("rmsea", Some(fm.rmsea)),
        ("rmsea.ci.lower", Some(fm.rmsea_ci_lower)),
        ("rmsea.ci.upper", Some(fm.rmsea_ci_upper)),
        ("srmr", Some(fm.srmr)),
        ("gfi", Some(fm.gfi)),
        ("ecvi", Some(fm.ecvi)),
    ] {
        close(&format!("fit {k}"), v, &f[k], &mut max);
    }
    max
}

#[test]
fn pd_sum_of_loadings_matches_lavaan() {
    let (fit, r) = fit(
        "pd_sum",
        &common::table("PoliticalDemocracy.csv"),
        &SemOptions::default(),
    );
    let max = compare(&fit, &r);
    println!("pd_sum: largest difference {max:e}");
}

#[test]
fn hs_ratio_matches_lavaan() {
    let (fit, r) = fit(
        "hs_ratio",
        &common::table("HolzingerSwineford1939.csv"),
        &SemOptions::default(),
    );
    let max = compare(&fit, &r);
    println!("hs_ratio: largest difference {max:e}");
}

#[test]
fn hs_mixed_matches_lavaan() {
    let (fit, r) = fit(
        "hs_mixed",
        &common::table("HolzingerSwineford1939.csv"),
        &SemOptions::default(),
    );
    let max = compare(&fit, &r);
    println!("hs_mixed: largest difference {max:e}");
}

#[test]
fn hs_path_inequality_matches_lavaan() {
    let (fit, r) = fit(
        "hs_path_inequality",
        &common::table("HolzingerSwineford1939.csv"),
        &SemOptions::default(),
    );
    let max = compare(&fit, &r);
    println!("hs_path_inequality: largest difference {max:e}");
}

#[test]
fn hs_ratio_robust_matches_lavaan() {
    for (name, est) in [
        ("hs_ratio_mlr", Estimator::Mlr),
        ("hs_ratio_mlm", Estimator::Mlm),
    ] {
        let opts = SemOptions::builder().estimator(est).build().unwrap();
        let (fit, r) = fit(name, &common::table("HolzingerSwineford1939.csv"), &opts);
        let mut max = compare(&fit, &r);
        let rb = fit.robust().unwrap();
        let f = &r["fit_all"];
        for (k, v) in [
            ("chisq.scaled", rb.chisq_scaled),
            ("chisq.scaling.factor", rb.chisq_scaling_factor),
            ("cfi.scaled", rb.cfi_scaled),
            ("cfi.robust", rb.cfi_robust),
            ("rmsea.robust", rb.rmsea_robust),
        ] {
            close(&format!("fit {k}"), Some(v), &f[k], &mut max);
        }
        println!("{name}: largest difference {max:e}");
    }
}

/// The binding inequality of hs_mixed amounts to fixing the loading at its bound: our fit of
/// that model has the same estimates and SEs to 1e-8, and lavaan's (nlminb on the reduced
/// parameters, tighter than the augmented Lagrangian it uses with inequalities) to 1e-5.
#[test]
fn a_binding_inequality_is_the_bound_fixed() {
    let data = common::table("HolzingerSwineford1939.csv");
    let (fit, _) = fit("hs_mixed", &data, &SemOptions::default());
    let r = reference("hs_mixed_bound");
    let bound = Model::parse(r["syntax"].as_str().unwrap())
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let (mut ours, mut lavaan) = (0.0f64, 0.0f64);
    let rows = r["parameter_estimates"].as_array().unwrap();
    for ((got, b), e) in fit
        .parameter_estimates()
        .iter()
        .zip(bound.parameter_estimates())
        .zip(rows)
    {
        let id = format!("{} {} {}", e["lhs"], e["op"], e["rhs"]);
        for (what, g, o, w) in [
            ("est", got.est, b.est, &e["est"]),
            ("se", got.se.unwrap(), b.se.unwrap(), &e["se"]),
        ] {
            let w = w.as_f64().unwrap();
            ours = ours.max((g - o).abs());
            lavaan = lavaan.max((g - w).abs());
            assert!(
                (g - o).abs() < 1e-8,
                "{id} {what}: {g} vs {o} with the bound fixed"
            );
            assert!((g - w).abs() < 1e-5, "{id} {what}: {g} vs lavaan {w}");
        }
    }
    // The bound fixed is one parameter fewer and one degree of freedom more; the
    // inequality, binding or not, counts for neither (lavaan's rule).
    assert_eq!(
        fit.fit_measures().npar,
        r["npar"].as_u64().unwrap() as usize + 1
    );
    assert_eq!(fit.fit_measures().df + 1.0, bound.fit_measures().df);
    assert!((fit.fit_measures().chisq - bound.fit_measures().chisq).abs() < 1e-9);
    println!("hs_mixed against the bound fixed: ours {ours:e}, lavaan {lavaan:e}");
}
