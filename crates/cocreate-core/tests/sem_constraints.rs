//! General constraints (`a + b == 1`, `a == 2*b`, `a > 0.5`, `b + c > 0.2`, `c < a`) against
//! lavaan 0.6-14: estimates, standard errors, z, p, intervals, standardised solutions, the
//! constraints' values and the fit measures, to 1e-4 (`docs/reference-scripts/constraints.R`).

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{Estimator, Model, Op, SemError, SemFit, SemOptions};
use serde_json::Value;

const TOL: f64 = 1e-4;

fn reference(name: &str) -> Value {
    common::reference(&format!("constraints/{name}"))
}

/// `got` against lavaan's `want` (both missing is a match); z is compared relative to its
/// size, the information criteria relative to theirs.
fn close(what: &str, got: Option<f64>, want: &Value, max: &mut f64) {
    let large = want.as_f64().is_some_and(|w| w.abs() > 100.0);
    let diff = if large {
        common::Diff::Relative
    } else {
        common::diff_for(what)
    };
    common::check_close(what, got, want, diff, TOL, max);
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

/// Modification indices under `a == 2*b`: the information of the free parameters is
/// inverted under the constraint, as lavaan's augmented inverse.
#[test]
fn modification_indices_under_a_constraint_match_lavaan() {
    let r = reference("mi_hs_ratio");
    let data = common::table("HolzingerSwineford1939.csv");
    let fit = Model::parse(r["syntax"].as_str().unwrap())
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let mi = fit.modification_indices().unwrap();
    let want = r["modindices"].as_array().unwrap();
    assert_eq!(mi.len(), want.len());
    let mut max = 0.0f64;
    for (m, w) in mi.iter().zip(want) {
        let id = format!("{} {} {}", m.lhs, m.op.as_str(), m.rhs);
        assert_eq!(
            (m.lhs.as_str(), m.rhs.as_str()),
            (w["lhs"].as_str().unwrap(), w["rhs"].as_str().unwrap())
        );
        let wmi = w["mi"].as_f64().unwrap();
        let d = (m.mi - wmi).abs() / wmi.abs().max(1.0);
        max = max.max(d);
        assert!(d < 1e-4, "{id} mi: {} vs {wmi}", m.mi);
        for (k, v) in [("epc", m.epc), ("sepc.all", m.sepc_all)] {
            let d = (v - w[k].as_f64().unwrap()).abs();
            max = max.max(d);
            assert!(d < 1e-4, "{id} {k}: {v} vs {}", w[k]);
        }
    }
    println!("mi_hs_ratio: largest difference {max:e}");
}

fn hs() -> Table {
    common::table("HolzingerSwineford1939.csv")
}

const HS_RATIO: &str =
    "visual =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\na == 2*b";

/// Every bootstrap replicate is fitted under the constraints: draws keep `a = 2b` and
/// `a ≥ 0.5`, and a draw that would break them is moved back, not lost.
#[test]
fn bootstrap_draws_keep_the_constraints() {
    let opts = SemOptions::builder()
        .se(cocreate_core::sem::SeMethod::Bootstrap)
        .bootstrap(40)
        .seed(3)
        .build()
        .unwrap();
    let fit = Model::parse(HS_RATIO).unwrap().fit(&hs(), &opts).unwrap();
    let boot = fit.bootstrap().unwrap();
    assert_eq!(boot.successful, 40);
    let (a, b) = (
        fit.by_label("a").unwrap().free.unwrap(),
        fit.by_label("b").unwrap().free.unwrap(),
    );
    for r in 0..boot.draws.nrows() {
        assert!((boot.draws[(r, a)] - 2.0 * boot.draws[(r, b)]).abs() < 1e-10);
    }
    let model = Model::parse("x9 ~ a*x7 + b*x8 + c*x4\na > 0.5\nb + c > 0.2\nc < a").unwrap();
    let fit = model.fit(&hs(), &opts).unwrap();
    let boot = fit.bootstrap().unwrap();
    assert_eq!(boot.successful, 40);
    let a = fit.by_label("a").unwrap().free.unwrap();
    for r in 0..boot.draws.nrows() {
        assert!(
            boot.draws[(r, a)] >= 0.5 - 1e-12,
            "draw {r}: {}",
            boot.draws[(r, a)]
        );
    }
    // a sits on its bound in every draw: no spread, a collapsed interval.
    let est = fit.by_label("a").unwrap();
    assert!(est.se.unwrap() < 1e-12 && est.ci_lower == 0.5 && est.ci_upper == 0.5);
}

/// Full-information ML on complete data is ML with a mean structure and the observed
/// information: the same under constraints.
#[test]
fn fiml_keeps_the_constraints() {
    let fiml = SemOptions::builder()
        .missing(cocreate_core::sem::Missing::Ml)
        .build()
        .unwrap();
    let ml = SemOptions::builder()
        .meanstructure(cocreate_core::sem::MeanStructure::On)
        .information(cocreate_core::sem::Information::Observed)
        .build()
        .unwrap();
    let text = format!("{HS_RATIO}\nspeed =~ d*x8\n");
    // (the second =~ line for speed labels x8; written apart to exercise the parser)
    let text = text.replace("speed =~ x7 + x8 + x9\n", "speed =~ x7 + x9\n");
    let model = Model::parse(&format!("{text}d > 1.3")).unwrap();
    let a = model.fit(&hs(), &fiml).unwrap();
    let b = model.fit(&hs(), &ml).unwrap();
    assert_eq!(a.fit_measures().df, b.fit_measures().df);
    for (x, y) in a.parameter_estimates().iter().zip(b.parameter_estimates()) {
        assert!(
            (x.est - y.est).abs() < 1e-6,
            "{} {} {}: {} vs {}",
            x.lhs,
            x.op,
            x.rhs,
            x.est,
            y.est
        );
        let (sx, sy) = (x.se.unwrap(), y.se.unwrap());
        assert!(
            (sx - sy).abs() < 1e-5,
            "{} {} {} se: {sx} vs {sy}",
            x.lhs,
            x.op,
            x.rhs
        );
    }
    let d = a.by_label("d").unwrap();
    assert!((d.est - 1.3).abs() < 1e-12 && d.se == Some(0.0));
    let (ea, eb) = (a.by_label("a").unwrap().est, a.by_label("b").unwrap().est);
    assert!((ea - 2.0 * eb).abs() < 1e-12);
}

/// The same constraint written several ways, or repeated, gives the same fit.
#[test]
fn equivalent_and_redundant_constraints_agree() {
    let base = Model::parse(HS_RATIO)
        .unwrap()
        .fit(&hs(), &SemOptions::default())
        .unwrap();
    for extra in [
        "a - 2*b == 0",
        "a/2 == b",
        "2*b == a\n4*b == 2*a",
        "a == 2*b\na == 2*b\n0 == a - 2*b",
    ] {
        let text = HS_RATIO.replace("a == 2*b", extra);
        let fit = Model::parse(&text)
            .unwrap()
            .fit(&hs(), &SemOptions::default())
            .unwrap();
        assert_eq!(fit.fit_measures().df, base.fit_measures().df, "{extra}");
        assert_eq!(fit.fit_measures().npar, base.fit_measures().npar, "{extra}");
        for (x, y) in fit
            .parameter_estimates()
            .iter()
            .zip(base.parameter_estimates())
        {
            assert!(
                (x.est - y.est).abs() < 1e-9 && (x.se.unwrap() - y.se.unwrap()).abs() < 1e-9,
                "{extra}"
            );
        }
    }
    // A constraint through a defined parameter, and a simple `==` naming one.
    for extra in ["d := a - 2*b\nd == 0", "d := a - 2*b\nd == 0.0"] {
        let text = HS_RATIO.replace("a == 2*b", extra);
        let fit = Model::parse(&text)
            .unwrap()
            .fit(&hs(), &SemOptions::default())
            .unwrap();
        assert!((fit.by_label("a").unwrap().est - base.by_label("a").unwrap().est).abs() < 1e-9);
        assert!(fit.by_label("d").unwrap().est.abs() < 1e-12);
    }
    // An inequality that never binds changes nothing at all.
    let loose = HS_RATIO.to_string() + "\na < 100\nb + a > -5";
    let fit = Model::parse(&loose)
        .unwrap()
        .fit(&hs(), &SemOptions::default())
        .unwrap();
    assert_eq!(fit.fit_measures().df, base.fit_measures().df);
    for (x, y) in fit
        .parameter_estimates()
        .iter()
        .zip(base.parameter_estimates())
    {
        assert!((x.est - y.est).abs() < 1e-9 && (x.se.unwrap() - y.se.unwrap()).abs() < 1e-9);
    }
    assert!(fit
        .constraints()
        .iter()
        .skip(1)
        .all(|c| !c.active && c.value > 1.0));
}

#[test]
fn constraints_that_cannot_be_fitted_are_errors_with_places() {
    let fit = |text: &str| {
        Model::parse(text)
            .unwrap()
            .fit(&hs(), &SemOptions::default())
    };
    match fit("x4 ~ a*x1 + b*x2\na == b^2") {
        Err(SemError::NonlinearConstraint { position, .. }) => assert_eq!(position.line, 2),
        other => panic!("{other:?}"),
    }
    match fit("x4 ~ a*x1 + b*x2\na + q > 1") {
        Err(SemError::UnknownLabel { name, position }) => {
            assert_eq!((name.as_str(), position.line, position.column), ("q", 2, 5))
        }
        other => panic!("{other:?}"),
    }
    match fit("x4 ~ a*x1 + b*x2\na > 1\nb > a\na + b < 1.5") {
        Err(SemError::InfeasibleConstraints { lines, detail }) => {
            assert_eq!(lines, vec![2, 3, 4]);
            assert!(detail.contains("a+b < 1.5 (line 4)"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    match fit("x4 ~ a*x1 + b*x2\na + b == 1\na + b == 2") {
        Err(SemError::InfeasibleConstraints { lines, .. }) => assert_eq!(lines, vec![2, 3]),
        other => panic!("{other:?}"),
    }
    // A constraint on fixed values only: accepted when it holds, refused when not.
    assert!(fit("x4 ~ 0.5*x1 + b*x2\nx4 ~~ x4\nc := 0.5\nc < 1").is_ok());
    assert!(matches!(
        fit("x4 ~ b*x2\nc := 2\nc < 1"),
        Err(SemError::InfeasibleConstraints { .. })
    ));
    // More constraints than the limit: refused while parsing.
    let many = format!(
        "x4 ~ a*x1\n{}",
        "a > 0\n".repeat(cocreate_core::sem::MAX_CONSTRAINTS + 1)
    );
    let e = Model::parse(&many).unwrap_err();
    assert!(e.message.contains("too many constraints"), "{e}");
}

/// Models and fits with general constraints survive a JSON round trip; a stored table
/// whose constraints name a parameter it does not have is refused.
#[cfg(feature = "serde")]
#[test]
fn constraints_round_trip_through_json() {
    let text = "x9 ~ a*x7 + b*x8 + c*x4\na > 0.5\nb + c > 0.2\nc < a\nd := b - c\nd == 0.1";
    let model = Model::parse(text).unwrap();
    let back: Model = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(back, model);
    let fit = model.fit(&hs(), &SemOptions::default()).unwrap();
    let back: SemFit = serde_json::from_str(&serde_json::to_string(&fit).unwrap()).unwrap();
    assert_eq!(back, fit);
    assert_eq!(back.constraints(), fit.constraints());
    // In the order written, the simple `d == 0.1` on a definition included.
    let ops: Vec<&str> = fit.constraints().iter().map(|c| c.op.as_str()).collect();
    assert_eq!(ops, [">", ">", "<", "=="]);
    let mut v = serde_json::to_value(&fit).unwrap();
    v["table"]["constraints"][0]["terms"][0][0] = serde_json::json!(99);
    let e = serde_json::from_value::<SemFit>(v).unwrap_err().to_string();
    assert!(
        e.contains("free-parameter indices of the constraints"),
        "{e}"
    );
    // Constraints that cannot hold are refused when read, too.
    let mut v = serde_json::to_value(&fit).unwrap();
    // a ≥ 10⁶ (line 2) and −a ≥ 0 (line 4).
    v["table"]["constraints"][0]["constant"] = serde_json::json!(-1e6);
    v["table"]["constraints"][2]["terms"] = serde_json::json!([[0, -1.0]]);
    let e = serde_json::from_value::<SemFit>(v).unwrap_err().to_string();
    assert!(e.contains("cannot all hold"), "{e}");
    // A stored model whose constraint text and expression disagree.
    let mut v = serde_json::to_value(&model).unwrap();
    v["general_constraints"][0]["lhs_text"] = serde_json::json!("b");
    let e = serde_json::from_value::<Model>(v).unwrap_err().to_string();
    assert!(e.contains("do not match its text"), "{e}");
}
