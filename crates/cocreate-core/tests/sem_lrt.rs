//! The nested-model test (`lav_test_lrt`, lavaan's `lavTestLRT`) on single-group fits
//! against lavaan 0.6-14: the HolzingerSwineford1939 CFA free, with equal loadings within
//! each factor and with unit loadings, fitted by ML (standard χ² difference with the
//! RMSEA of the difference), MLM and MLR (Satorra & Bentler 2001 scaled difference); and
//! the errors for models that cannot be compared.

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{
    lav_test_lrt, Estimator, LrtMethod, LrtTable, Model, SemError, SemFit, SemOptions,
};
use serde_json::Value;

const TOL: f64 = 1e-4;

fn fit(r: &Value, which: &str, estimator: Estimator) -> SemFit {
    let model = Model::parse(r["syntax"][which].as_str().unwrap()).unwrap();
    let opts = SemOptions::builder().estimator(estimator).build().unwrap();
    model
        .fit(&common::table("HolzingerSwineford1939.csv"), &opts)
        .unwrap()
}

/// Largest difference between our table and lavaan's rows (relative for AIC, BIC, χ²).
fn compare(t: &LrtTable, want: &Value) -> f64 {
    let rows = want.as_array().unwrap();
    assert_eq!(t.rows.len(), rows.len());
    let mut max = 0.0f64;
    let mut check = |what: String, got: Option<f64>, w: &Value, relative: bool| {
        let diff = if relative {
            common::Diff::Relative
        } else {
            common::Diff::Absolute
        };
        common::check_close(&what, got, w, diff, TOL, &mut max);
    };
    for (got, w) in t.rows.iter().zip(rows) {
        let name = w["model"].as_str().unwrap();
        assert_eq!(got.model, name);
        check(format!("{name} Df"), Some(got.df), &w["Df"], false);
        check(format!("{name} AIC"), Some(got.aic), &w["AIC"], true);
        check(format!("{name} BIC"), Some(got.bic), &w["BIC"], true);
        check(format!("{name} Chisq"), Some(got.chisq), &w["Chisq"], true);
        check(
            format!("{name} diff"),
            got.chisq_diff,
            &w["Chisq diff"],
            false,
        );
        check(format!("{name} RMSEA"), got.rmsea, &w["RMSEA"], false);
        check(format!("{name} Df diff"), got.df_diff, &w["Df diff"], false);
        check(format!("{name} p"), got.pvalue, &w["Pr(>Chisq)"], false);
    }
    max
}

#[test]
fn hs_cfa_lrt_matches_lavaan_for_ml_mlm_and_mlr() {
    let r = common::reference("ext/lrt_hs_cfa_scaled");
    for (key, estimator, method) in [
        ("ML", Estimator::Ml, LrtMethod::Standard),
        ("MLM", Estimator::Mlm, LrtMethod::SatorraBentler2001),
        ("MLR", Estimator::Mlr, LrtMethod::SatorraBentler2001),
    ] {
        let want = &r["estimators"][key];
        let free = fit(&r, "free", estimator);
        let equal = fit(&r, "equal", estimator);
        let unit = fit(&r, "unit", estimator);
        for (name, f) in [("free", &free), ("equal", &equal), ("unit", &unit)] {
            if let Some(c) = want["fits"][name]["chisq.scaling.factor"].as_f64() {
                let got = f.robust().unwrap().chisq_scaling_factor;
                assert!(
                    (got - c).abs() < TOL,
                    "{key} {name} scaling factor {got} vs {c}"
                );
            }
        }
        // Given in any order, the models are sorted by their degrees of freedom.
        let t = lav_test_lrt(&[("unit", &unit), ("free", &free), ("equal", &equal)]).unwrap();
        assert_eq!(t.method, method);
        let mut max = compare(&t, &want["lrt"]);
        let pair = lav_test_lrt(&[("unit", &unit), ("free", &free)]).unwrap();
        max = max.max(compare(&pair, &want["lrt_unit_free"]));
        if method == LrtMethod::SatorraBentler2001 {
            // c_d = (df₀ c₀ − df₁ c₁) / (df₀ − df₁), the difference divided by it.
            let c = |f: &SemFit| f.robust().unwrap().chisq_scaling_factor;
            let cd = (27.0 * c(&equal) - 24.0 * c(&free)) / 3.0;
            assert!((t.rows[1].scaling_factor.unwrap() - cd).abs() < 1e-12);
            assert!(t.to_string().contains("satorra.bentler.2001"));
        } else {
            assert!(t.rows[1].scaling_factor.is_none());
        }
        #[cfg(feature = "serde")]
        {
            let text = serde_json::to_string(&t).unwrap();
            let back: LrtTable = serde_json::from_str(&text).unwrap();
            assert_eq!(back, t);
        }
        println!("{key}: largest difference {max:e}\n{t}");
    }
}

#[test]
fn models_that_cannot_be_compared_are_refused() {
    let r = common::reference("ext/lrt_hs_cfa_scaled");
    let free = fit(&r, "free", Estimator::Ml);
    let equal = fit(&r, "equal", Estimator::Ml);
    let mlm = fit(&r, "equal", Estimator::Mlm);
    let mlr = fit(&r, "free", Estimator::Mlr);
    let e = lav_test_lrt(&[("free", &free)]).unwrap_err();
    assert!(matches!(e, SemError::TooFewModels { found: 1 }), "{e}");
    // A scaled test in one model only.
    let e = lav_test_lrt(&[("free", &free), ("equal", &mlm)]).unwrap_err();
    assert!(e.to_string().contains("scaled test"), "{e}");
    // Two robust estimators.
    let e = lav_test_lrt(&[("free", &mlr), ("equal", &mlm)]).unwrap_err();
    assert!(
        e.to_string().contains("MLR") && e.to_string().contains("MLM"),
        "{e}"
    );
    // Different rows: the first 200.
    let hs = common::table("HolzingerSwineford1939.csv");
    let model = Model::parse(r["syntax"]["equal"].as_str().unwrap()).unwrap();
    let part = rows(&hs, (0..200).collect());
    let small = model.fit(&part, &SemOptions::default()).unwrap();
    let e = lav_test_lrt(&[("free", &free), ("equal", &small)]).unwrap_err();
    assert!(e.to_string().contains("200 and 301 rows"), "{e}");
    // As many rows, other data: one row given twice, another left out.
    let other = rows(&hs, (0..300).chain(0..1).collect());
    let twisted = model.fit(&other, &SemOptions::default()).unwrap();
    let e = lav_test_lrt(&[("free", &free), ("equal", &twisted)]).unwrap_err();
    assert!(e.to_string().contains("different data"), "{e}");
    // The same rows in another order are the same data.
    let reversed = rows(&hs, (0..301).rev().collect());
    let same = model.fit(&reversed, &SemOptions::default()).unwrap();
    let a = lav_test_lrt(&[("free", &free), ("equal", &same)]).unwrap();
    let b = lav_test_lrt(&[("free", &free), ("equal", &equal)]).unwrap();
    assert!((a.rows[1].chisq_diff.unwrap() - b.rows[1].chisq_diff.unwrap()).abs() < 1e-6);
}

/// The numeric columns of `t` at rows `idx`, in that order.
fn rows(t: &Table, idx: Vec<usize>) -> Table {
    let names: Vec<String> = t.names().to_vec();
    let cells = idx
        .iter()
        .map(|&r| (0..names.len()).map(|c| t.get(r, c)).collect())
        .collect();
    Table::new(names, cells).unwrap()
}
