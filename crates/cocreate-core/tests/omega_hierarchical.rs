//! ω hierarchical against psych 2.2.9 `omega(bfi[, 1:25], nfactors = k)` (GPArotation
//! 2022.10-2), to 1e-4.

mod common;

use cocreate_core::scoring::{
    omega_hierarchical, omega_hierarchical_from_table, OmegaError, OmegaHierarchical,
};
use nalgebra::DMatrix;
use serde_json::Value;

const TOL: f64 = 1e-4;

fn run(name: &str, k: usize) -> (OmegaHierarchical, Value) {
    let r = common::reference(&format!("ext/{name}"));
    let items: Vec<String> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let data = common::table("bfi.csv");
    let om = omega_hierarchical_from_table(&data, &items, k).unwrap();
    (om, r)
}

fn close(what: &str, got: f64, want: &Value, max: &mut f64) {
    assert!(want.as_f64().is_some(), "{what}: no reference");
    common::check_close(what, Some(got), want, common::Diff::Absolute, TOL, max);
}

fn compare(om: &OmegaHierarchical, r: &Value) -> f64 {
    let mut max = 0.0f64;
    close("omega_h", om.omega_h, &r["omega_h"], &mut max);
    close("omega_total", om.omega_total, &r["omega_total"], &mut max);
    close("alpha", om.alpha, &r["alpha"], &mut max);
    close("G6", om.g6, &r["G6"], &mut max);
    close("omega_lim", om.omega_lim, &r["omega_lim"], &mut max);
    close("ECV", om.ecv, &r["ECV"], &mut max);
    let flipped: Vec<&str> = r["flipped_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(om.flipped_items, flipped);
    let sl = &r["schmid_leiman"];
    let rownames: Vec<&str> = sl["rownames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(om.schmid_leiman.rownames, rownames);
    let colnames: Vec<&str> = sl["colnames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(om.schmid_leiman.colnames, colnames);
    for (got, want) in om
        .schmid_leiman
        .values
        .iter()
        .zip(sl["values"].as_array().unwrap())
    {
        for (g, w) in got.iter().zip(want.as_array().unwrap()) {
            close("schmid_leiman table", *g, w, &mut max);
        }
    }
    let k = om.nfactors;
    for (i, row) in sl["values"].as_array().unwrap().iter().enumerate() {
        let row = row.as_array().unwrap();
        let item = &om.items[i];
        close(&format!("{item} g"), om.g[i], &row[0], &mut max);
        for f in 0..k {
            close(
                &format!("{item} F{}*", f + 1),
                om.group_loadings[i][f],
                &row[1 + f],
                &mut max,
            );
        }
        close(&format!("{item} h2"), om.h2[i], &row[k + 1], &mut max);
        close(&format!("{item} u2"), om.u2[i], &row[k + 2], &mut max);
        close(&format!("{item} p2"), om.p2[i], &row[k + 3], &mut max);
    }
    for (i, row) in r["oblique_loadings"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (f, v) in row.as_array().unwrap().iter().enumerate() {
            close(
                &format!("oblique {i},{f}"),
                om.oblique_loadings.values[i][f],
                v,
                &mut max,
            );
        }
    }
    for (a, row) in r["oblique_phi"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (b, v) in row.as_array().unwrap().iter().enumerate() {
            close(
                &format!("phi {a},{b}"),
                om.oblique_phi.values[a][b],
                v,
                &mut max,
            );
        }
    }
    for (f, v) in r["second_order_gloading"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        close(
            &format!("second-order {f}"),
            om.second_order_gloading.values[f][0],
            &v[0],
            &mut max,
        );
    }
    let groups = r["omega_group"].as_array().unwrap();
    assert_eq!(groups.len(), om.omega_group.len());
    for (got, want) in om.omega_group.iter().zip(groups) {
        assert_eq!(got.factor, want["factor"].as_str().unwrap());
        for (key, v) in [
            ("total", got.total),
            ("general", got.general),
            ("group", got.group),
        ] {
            match (v, want[key].as_f64()) {
                (Some(v), Some(_)) => {
                    close(&format!("{} {key}", got.factor), v, &want[key], &mut max)
                }
                (None, None) => {}
                (v, w) => panic!("{} {key}: got {v:?}, psych {w:?}", got.factor),
            }
        }
    }
    max
}

#[test]
fn bfi_five_factors_matches_psych() {
    let (om, r) = run("omega_bfi_5f", 5);
    let max = compare(&om, &r);
    eprintln!("omega_bfi_5f: largest difference {max:e}");
    assert!(om.converged);
    assert!(om.warnings.is_empty(), "{:?}", om.warnings);
    assert!(om.to_string().contains("omega_h"));
}

#[test]
fn bfi_three_factors_matches_psych() {
    let (om, r) = run("omega_bfi_3f", 3);
    let max = compare(&om, &r);
    eprintln!("omega_bfi_3f: largest difference {max:e}");
}

/// psych's option "equal" for two factors (reference by
/// `docs/reference-scripts/omega_two_factors.R`), with the warning psych prints.
#[test]
fn bfi_two_factors_matches_psych_option_equal() {
    let (om, r) = run("omega_bfi_2f", 2);
    let max = compare(&om, &r);
    eprintln!("omega_bfi_2f: largest difference {max:e}");
    assert!(om
        .warnings
        .iter()
        .any(|w| w.contains("three factors are needed")));
}

/// The same numbers come from the pairwise correlation matrix (psych's check).
#[test]
fn correlation_input_gives_the_same_result() {
    let (om, _) = run("omega_bfi_3f", 3);
    let data = common::table("bfi.csv");
    let t = data.select(&om.items).unwrap();
    let p = om.items.len();
    // Pairwise correlations computed independently here.
    let mut r = DMatrix::<f64>::identity(p, p);
    for a in 0..p {
        for b in 0..p {
            if a == b {
                continue;
            }
            let pairs: Vec<(f64, f64)> = (0..t.n_rows())
                .filter_map(|i| Some((t.get(i, a)?, t.get(i, b)?)))
                .collect();
            let n = pairs.len() as f64;
            let (mx, my) = (
                pairs.iter().map(|p| p.0).sum::<f64>() / n,
                pairs.iter().map(|p| p.1).sum::<f64>() / n,
            );
            let sxy: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
            let sxx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
            let syy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
            r[(a, b)] = sxy / (sxx * syy).sqrt();
        }
    }
    let from_r = omega_hierarchical(&r, &om.items, 3).unwrap();
    assert!((from_r.omega_h - om.omega_h).abs() < 1e-10);
    assert!((from_r.omega_total - om.omega_total).abs() < 1e-10);
}

#[test]
fn bad_requests_are_clear_errors() {
    let data = common::table("bfi.csv");
    let items: Vec<String> = ["A1", "A2", "A3", "A4", "A5", "C1", "C2", "C3"]
        .map(String::from)
        .to_vec();
    let err = omega_hierarchical_from_table(&data, &items, 3).unwrap_err();
    assert!(matches!(
        err,
        OmegaError::TooFewItems {
            items: 8,
            nfactors: 3,
            needed: 9
        }
    ));
    assert!(
        err.to_string().contains("at least 3 items per factor"),
        "{err}"
    );
    let err = omega_hierarchical_from_table(&data, &items, 1).unwrap_err();
    assert!(matches!(err, OmegaError::TooFewFactors { nfactors: 1 }));
    assert!(err.to_string().contains("omega total"));
    assert!(matches!(
        omega_hierarchical_from_table(&data, &items, 0),
        Err(OmegaError::TooFewFactors { nfactors: 0 })
    ));
    let unknown: Vec<String> = (0..9).map(|i| format!("zz{i}")).collect();
    assert!(matches!(
        omega_hierarchical_from_table(&data, &unknown, 3),
        Err(OmegaError::Data(_))
    ));
    let names: Vec<String> = (0..6).map(|i| format!("v{i}")).collect();
    let mut r = DMatrix::<f64>::identity(6, 6);
    r[(0, 1)] = f64::NAN;
    assert!(matches!(
        omega_hierarchical(&r, &names, 2),
        Err(OmegaError::NonFinite { .. })
    ));
    assert!(matches!(
        omega_hierarchical(&DMatrix::identity(5, 5), &names, 2),
        Err(OmegaError::MatrixSize {
            rows: 5,
            cols: 5,
            items: 6
        })
    ));
    let mut asym = DMatrix::<f64>::identity(6, 6);
    asym[(0, 1)] = 0.3;
    assert!(matches!(
        omega_hierarchical(&asym, &names, 2),
        Err(OmegaError::Asymmetric { .. })
    ));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A population higher-order model with simple structure: three group factors,
        /// three items each, factors loading γ on g. Schmid–Leiman recovers it, so ω_h is
        /// (Σ_i λ_i γ_f(i))² / V_t and ω total is 1 − Σ(1 − λ²)/V_t.
        #[test]
        fn population_higher_order_model_is_recovered(
            lambda in proptest::collection::vec(0.5f64..0.85, 9),
            gamma in proptest::collection::vec(0.45f64..0.85, 3),
        ) {
            let p = 9;
            let f = |i: usize| i / 3;
            let r = DMatrix::from_fn(p, p, |i, j| {
                if i == j {
                    1.0
                } else if f(i) == f(j) {
                    lambda[i] * lambda[j]
                } else {
                    lambda[i] * lambda[j] * gamma[f(i)] * gamma[f(j)]
                }
            });
            let names: Vec<String> = (0..p).map(|i| format!("x{i}")).collect();
            let om = omega_hierarchical(&r, &names, 3).unwrap();
            let vt = r.sum();
            let sg: f64 = (0..p).map(|i| lambda[i] * gamma[f(i)]).sum();
            let unique: f64 = lambda.iter().map(|l| 1.0 - l * l).sum();
            prop_assert!((om.omega_h - sg * sg / vt).abs() < 1e-4, "{} vs {}", om.omega_h, sg * sg / vt);
            prop_assert!((om.omega_total - (1.0 - unique / vt)).abs() < 1e-6);
            prop_assert!(om.omega_h <= om.omega_total + 1e-12);
            prop_assert!(om.flipped_items.is_empty());
            for i in 0..p {
                prop_assert!((om.g[i] - lambda[i] * gamma[f(i)]).abs() < 1e-3);
            }
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn json_uses_reference_names() {
    let (om, r) = run("omega_bfi_3f", 3);
    let j = serde_json::to_value(&om).unwrap();
    for key in [
        "omega_h",
        "omega_total",
        "alpha",
        "G6",
        "omega_lim",
        "ECV",
        "omega_group",
        "schmid_leiman",
        "flipped_items",
        "oblique_loadings",
        "oblique_phi",
        "second_order_gloading",
    ] {
        assert!(j.get(key).is_some(), "{key} missing");
        assert!(r.get(key).is_some(), "{key} not in the reference");
    }
    assert_eq!(
        j["schmid_leiman"]["colnames"],
        r["schmid_leiman"]["colnames"]
    );
    assert_eq!(
        j["schmid_leiman"]["rownames"],
        r["schmid_leiman"]["rownames"]
    );
}

/// Uncorrelated items: no common variance. The result says so (ω_h = 0, ω total = 0 up
/// to the 0.005 uniqueness bound) instead of failing or panicking.
#[test]
fn uncorrelated_items_give_zero_omega_without_panicking() {
    let names: Vec<String> = (0..6).map(|i| format!("v{i}")).collect();
    let om = omega_hierarchical(&DMatrix::identity(6, 6), &names, 2).unwrap();
    assert!(om.omega_h.abs() < 1e-12, "{}", om.omega_h);
    assert!(om.omega_total.abs() < 1e-12, "{}", om.omega_total);
    assert!(om.p2.iter().all(|v| v.is_finite()), "{:?}", om.p2);
    assert!(
        om.warnings.iter().any(|w| w.contains("no common variance")),
        "{:?}",
        om.warnings
    );
}
