//! Thresholds, polychoric / polyserial / Pearson correlations and their asymptotic
//! covariance matrix Γ against lavaan 0.6-14 (`lavCor`, `lavInspect(fit, "gamma")`).
//! References: `tests/data/ext/ordinal_cocreation_*.json` (the project's reference set)
//! and `tests/data/ordinal/*.json` (made by `docs/reference-scripts/ordinal_polychoric.R`).

mod common;

use cocreate_core::data::Table;
use cocreate_core::ordinal::{
    lav_cor, LavCorOptions, Ordered, OrdinalError, OrdinalWarning, PolychoricMatrix, VariableKind,
};
use common::{data_path, keyed_survey, reference};
use serde_json::Value;

const ITEMS: [&str; 36] = [
    "O1", "O2", "O3", "O4", "O5", "C1", "C2", "C3", "C4", "C5", "E1", "E2", "E3", "E4", "E5", "A1",
    "A2", "A3", "A4", "N1", "N2", "N3", "N4", "II1", "II2", "II3", "II4", "II5", "II6", "EI1",
    "EI2", "EI3", "EI4", "WTC1", "WTC2", "WTC3",
];

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(f).collect()
}

/// Row-major values of a `{rownames, colnames, values}` matrix or of an array of rows.
fn matrix(v: &Value) -> Vec<f64> {
    let rows = if v.get("values").is_some() {
        &v["values"]
    } else {
        v
    };
    rows.as_array().unwrap().iter().flat_map(numbers).collect()
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn survey_items() -> Table {
    keyed_survey().select(&ITEMS).unwrap()
}

fn with_nacov() -> LavCorOptions {
    LavCorOptions::builder().nacov(true).build().unwrap()
}

/// Thresholds (by name) and correlations against a lavaan `sampstat`-like pair.
fn check_sampstat(
    pc: &PolychoricMatrix,
    names: &[String],
    th: &[f64],
    cor: &[f64],
    tol: f64,
) -> (f64, f64) {
    let ours: Vec<f64> = names.iter().map(|n| pc.threshold(n).unwrap()).collect();
    let dth = max_abs_diff(&ours, th);
    let dcor = max_abs_diff(&pc.cov(), cor);
    assert!(dth < tol, "thresholds differ by {dth:e}");
    assert!(dcor < tol, "correlations differ by {dcor:e}");
    (dth, dcor)
}

/// Γ against a full reference matrix, relative to its largest entry.
fn check_gamma(pc: &PolychoricMatrix, labels: &[String], gamma: &[f64], tol: f64) -> f64 {
    let nacov = pc.nacov.as_ref().unwrap();
    assert_eq!(&nacov.labels, labels);
    let scale = gamma.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let d = max_abs_diff(&nacov.values, gamma) / scale;
    assert!(
        d < tol,
        "Γ differs by {d:e} (relative to its largest entry)"
    );
    d
}

#[test]
fn cocreation_polychoric_matches_lavcor() {
    let r = reference("ext/ordinal_cocreation_polychoric");
    let pc = lav_cor(&survey_items(), &LavCorOptions::default()).unwrap();
    assert_eq!(pc.n_used, 522);
    assert_eq!(pc.names(), strings(&r["polychoric"]["rownames"]));
    let names: Vec<String> = r["thresholds"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let th: Vec<f64> = r["thresholds"]
        .as_object()
        .unwrap()
        .values()
        .map(f)
        .collect();
    let (dth, dcor) = check_sampstat(&pc, &names, &th, &matrix(&r["polychoric"]), 1e-6);
    eprintln!("36 items: thresholds {dth:.1e}, polychorics {dcor:.1e}");
    for v in &pc.variables {
        let VariableKind::Ordered { counts, .. } = &v.kind else {
            panic!()
        };
        let expected: Vec<usize> = r["category_counts"][&v.name]
            .as_object()
            .unwrap()
            .values()
            .map(|c| c.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(counts, &expected, "{}", v.name);
    }
    assert!(pc.warnings.is_empty());
}

#[test]
fn wlsmv_sample_statistics_match() {
    let r = reference("ext/ordinal_cocreation_cfa_wlsmv");
    let pc = lav_cor(&survey_items(), &LavCorOptions::default()).unwrap();
    let ss = &r["sample_stats"];
    let names: Vec<String> = ss["th"].as_object().unwrap().keys().cloned().collect();
    let th: Vec<f64> = ss["th"].as_object().unwrap().values().map(f).collect();
    check_sampstat(&pc, &names, &th, &matrix(&ss["cov"]), 1e-6);
}

#[test]
fn cocreation_nacov_matches_lavaan() {
    let r = reference("ordinal/cocreation_nacov");
    let pc = lav_cor(&survey_items(), &with_nacov()).unwrap();
    let nacov = pc.nacov.as_ref().unwrap();
    assert_eq!(nacov.labels, strings(&r["labels"]));
    assert_eq!(nacov.n, 522);
    let diag = numbers(&r["diagonal"]);
    let scale = diag.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let d_diag = max_abs_diff(&nacov.diagonal(), &diag) / scale;
    let sums: Vec<f64> = (0..nacov.dim())
        .map(|i| (0..nacov.dim()).map(|j| nacov.get(i, j)).sum())
        .collect();
    let d_sums = max_abs_diff(&sums, &numbers(&r["row_sums"])) / scale;
    let d_w = max_abs_diff(&nacov.dwls_weights(), &numbers(&r["wls_v_diag"]))
        / numbers(&r["wls_v_diag"])
            .iter()
            .fold(0.0f64, |m, v| m.max(*v));
    let mut d_blocks = 0.0f64;
    for b in r["blocks"].as_array().unwrap() {
        let rows = numbers(&b["rows"]);
        let cols = numbers(&b["cols"]);
        let values = matrix(&b["values"]);
        let mut k = 0;
        for i in rows[0] as usize..rows[1] as usize {
            for j in cols[0] as usize..cols[1] as usize {
                d_blocks = d_blocks.max((nacov.get(i, j) - values[k]).abs() / scale);
                k += 1;
            }
        }
    }
    let wls: Vec<f64> = pc.wls_obs().iter().map(|(_, v)| *v).collect();
    let d_obs = max_abs_diff(&wls, &numbers(&r["wls_obs"]));
    eprintln!(
        "Γ 36 items: diagonal {d_diag:.1e}, row sums {d_sums:.1e}, blocks {d_blocks:.1e} (relative to max |Γ|), DWLS weights {d_w:.1e}, wls.obs {d_obs:.1e}"
    );
    assert!(d_diag < 1e-6 && d_sums < 1e-6 && d_blocks < 1e-6 && d_w < 1e-6 && d_obs < 1e-6);

    // Six items: the whole matrix.
    let six = &r["six"];
    let items = strings(&six["items"]);
    let pc6 = lav_cor(&keyed_survey().select(&items).unwrap(), &with_nacov()).unwrap();
    let d6 = check_gamma(&pc6, &strings(&six["labels"]), &matrix(&six["gamma"]), 1e-6);
    eprintln!("Γ six items: {d6:.1e}");
}

#[test]
fn mixed_numeric_and_ordered_match_lavaan() {
    let r = reference("ordinal/mixed");
    let table = Table::from_csv_path(data_path("ordinal/mixed.csv")).unwrap();
    let options = LavCorOptions::builder()
        .ordered(Ordered::only(strings(&r["ordered"])))
        .nacov(true)
        .build()
        .unwrap();
    let pc = lav_cor(&table, &options).unwrap();
    let ss = &r["sampstat"];
    let (dth, dcov) = check_sampstat(
        &pc,
        &strings(&ss["th_names"]),
        &numbers(&ss["th"]),
        &matrix(&ss["cov"]),
        1e-6,
    );
    let dcor = max_abs_diff(&pc.correlations, &matrix(&r["cor"]));
    assert!(dcor < 1e-6);
    let means: Vec<f64> = pc
        .variables
        .iter()
        .map(|v| match v.kind {
            VariableKind::Numeric { mean, .. } => mean,
            _ => 0.0,
        })
        .collect();
    assert!(max_abs_diff(&means, &numbers(&ss["mean"])) < 1e-12);
    let wls: Vec<f64> = pc.wls_obs().iter().map(|(_, v)| *v).collect();
    assert!(max_abs_diff(&wls, &numbers(&r["wls_obs"])) < 1e-6);
    let dg = check_gamma(
        &pc,
        &strings(&r["gamma_labels"]),
        &matrix(&r["gamma"]),
        1e-6,
    );
    eprintln!("mixed: thresholds {dth:.1e}, cov {dcov:.1e}, cor {dcor:.1e}, Γ {dg:.1e}");
}

#[test]
fn binary_items_with_empty_cells_match_lavaan() {
    let r = &reference("ordinal/odd")["binary"];
    let table = Table::from_csv_path(data_path("ordinal/binary.csv")).unwrap();
    let pc = lav_cor(&table, &with_nacov()).unwrap();
    let ss = &r["sampstat"];
    let (dth, dcor) = check_sampstat(
        &pc,
        &strings(&ss["th_names"]),
        &numbers(&ss["th"]),
        &matrix(&ss["cov"]),
        1e-6,
    );
    // The shortcuts: both thresholds 0 gives −cos(2π p11), independence gives 0.
    assert!((pc.get("b5", "b6").unwrap() - 0.5).abs() < 1e-15);
    assert_eq!(pc.get("b7", "b8").unwrap(), 0.0);
    assert!(pc.warnings.contains(&OrdinalWarning::ZeroCellCorrected {
        first: "b1".into(),
        second: "b3".into()
    }));
    assert!(pc
        .empty_cell_pairs
        .contains(&("b1".to_string(), "b3".to_string())));
    let dg = check_gamma(
        &pc,
        &strings(&r["gamma_labels"]),
        &matrix(&r["gamma"]),
        1e-6,
    );
    eprintln!("binary: thresholds {dth:.1e}, tetrachorics {dcor:.1e}, Γ {dg:.1e}");
}

#[test]
fn unused_categories_and_missing_rows_match_lavaan() {
    let r = &reference("ordinal/odd")["gaps"];
    let table = Table::from_csv_path(data_path("ordinal/gaps.csv")).unwrap();
    let pc = lav_cor(&table, &with_nacov()).unwrap();
    assert_eq!(pc.n_used, r["n_used"].as_u64().unwrap() as usize);
    assert_eq!(pc.n_original, r["n_original"].as_u64().unwrap() as usize);
    for v in &pc.variables {
        let VariableKind::Ordered { categories, .. } = &v.kind else {
            panic!()
        };
        assert_eq!(categories, &numbers(&r["levels"][&v.name]));
    }
    let ss = &r["sampstat"];
    let (dth, dcor) = check_sampstat(
        &pc,
        &strings(&ss["th_names"]),
        &numbers(&ss["th"]),
        &matrix(&ss["cov"]),
        1e-6,
    );
    let dg = check_gamma(
        &pc,
        &strings(&r["gamma_labels"]),
        &matrix(&r["gamma"]),
        1e-6,
    );
    eprintln!("gaps: thresholds {dth:.1e}, polychorics {dcor:.1e}, Γ {dg:.1e}");
    // g5 was answered 1, 2, 4, 5: a warning, four categories as in lavaan.
    assert!(pc.warnings.iter().any(|w| matches!(w,
        OrdinalWarning::UnusedCategories { variable, gaps, categories: 4 }
            if variable == "g5" && gaps == &[(2.0, 4.0)])));
    // g7 runs 11..17: seven categories, no warning.
    assert_eq!(pc.warnings.len(), 1);
}

#[test]
fn two_empty_cells_give_one_and_no_nacov() {
    let r = &reference("ordinal/odd")["perfect"];
    let table = Table::from_csv_path(data_path("ordinal/perfect.csv")).unwrap();
    let pc = lav_cor(&table, &LavCorOptions::default()).unwrap();
    let ss = &r["sampstat"];
    check_sampstat(
        &pc,
        &strings(&ss["th_names"]),
        &numbers(&ss["th"]),
        &matrix(&ss["cov"]),
        1e-6,
    );
    assert_eq!(pc.get("x1", "x2"), Some(1.0));
    assert!(pc
        .warnings
        .iter()
        .any(|w| matches!(w, OrdinalWarning::TwoEmptyCells { rho, .. } if *rho == 1.0)));
    assert!(pc
        .warnings
        .iter()
        .any(|w| matches!(w, OrdinalWarning::NearOne { .. })));
    let err = lav_cor(&table, &with_nacov()).unwrap_err();
    assert!(matches!(err, OrdinalError::NacovUndefined { .. }), "{err}");
}

#[test]
fn bivariate_normal_cdf_matches_pbivnorm() {
    let r = reference("ordinal/pbivnorm");
    let mut worst = 0.0f64;
    for p in r["points"].as_array().unwrap() {
        let ours = cocreate_core::ordinal::pbivnorm(f(&p["x"]), f(&p["y"]), f(&p["rho"]));
        worst = worst.max((ours - f(&p["p"])).abs());
    }
    eprintln!("pbivnorm: {worst:.1e} over 220 points");
    assert!(worst < 1e-15, "{worst:e}");
}
