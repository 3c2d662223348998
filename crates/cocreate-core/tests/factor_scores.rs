//! Factor scores (regression and Bartlett) against lavaan 0.6-14's `lavPredict`, to 1e-6.
//! The reference is made by `docs/reference-scripts/factor_scores.R`.

mod common;

use cocreate_core::data::Table;
use cocreate_core::sem::{
    factor_scores, factor_scores_from_parts, FactorScoreError, FactorScoreMethod,
    FactorScoreOptions, FactorScores, Model, ScoringParts, SemOptions,
};
use nalgebra::{DMatrix, DVector};
use serde_json::Value;

/// At lavaan's own estimates: the scoring formulas, 1e-6.
const TOL: f64 = 1e-6;
/// From cocreate's fit: lavaan's optimum is ~1e-5 from the exact one (its nlminb stops at
/// rel.tol 1e-10), and the scores carry that difference (up to 5.1e-6, HS with std.lv).
const TOL_FIT: f64 = 1e-5;

fn matrix(v: &Value) -> DMatrix<f64> {
    let rows = v.as_array().unwrap();
    let c = rows.first().map_or(0, |r| r.as_array().unwrap().len());
    let vals: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
        .collect();
    DMatrix::from_row_slice(rows.len(), c, &vals)
}

fn vector(v: &Value) -> DVector<f64> {
    DVector::from_iterator(
        v.as_array().unwrap().len(),
        v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()),
    )
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Largest difference from lavaan's scores of `fs`, asserting `tol`.
fn compare(name: &str, key: &str, fs: &FactorScores, r: &Value, tol: f64) -> f64 {
    let want = r[key].as_array().unwrap();
    assert_eq!(fs.rows.len() as u64, r["n_used"].as_u64().unwrap());
    assert_eq!(fs.rows.len(), want.len());
    assert_eq!(fs.latent, names(&r["latent"]));
    let mut max = 0.0f64;
    for (got, w) in fs.rows.iter().zip(want) {
        for (k, v) in w.as_array().unwrap().iter().enumerate() {
            let d = (got.scores[k] - v.as_f64().unwrap()).abs();
            max = max.max(d);
            assert!(
                d <= tol,
                "{name} {key} line {} {}: got {}, lavaan {v} (difference {d:e})",
                got.line,
                fs.latent[k],
                got.scores[k]
            );
        }
    }
    max
}

fn case(name: &str) -> Value {
    common::reference("ext/factor_scores")[name].clone()
}

fn hs_with_missing() -> Table {
    let t = common::table("HolzingerSwineford1939.csv");
    let x1 = t.column_index("x1").unwrap();
    let rows: Vec<Vec<Option<f64>>> = (0..t.n_rows())
        .map(|r| {
            (0..t.n_cols())
                .map(|c| {
                    if c == x1 && (r == 2 || r == 9) {
                        None
                    } else {
                        t.get(r, c)
                    }
                })
                .collect()
        })
        .collect();
    Table::new(t.names().to_vec(), rows).unwrap()
}

fn check(name: &str, data: &Table, options: &SemOptions) -> f64 {
    let r = case(name);
    let fit = Model::parse(r["syntax"].as_str().unwrap())
        .unwrap()
        .fit(data, options)
        .unwrap();
    let (observed, latent) = (names(&r["observed"]), names(&r["latent"]));
    assert_eq!(fit.observed(), observed.as_slice());
    let (lambda, theta, psi, sigma) = (
        matrix(&r["lambda"]),
        matrix(&r["theta"]),
        matrix(&r["cov_lv"]),
        matrix(&r["implied_cov"]),
    );
    let (centre, latent_mean) = (vector(&r["centre"]), vector(&r["latent_mean"]));
    let parts = ScoringParts {
        observed: &observed,
        latent: &latent,
        lambda: &lambda,
        theta: &theta,
        latent_cov: &psi,
        implied_cov: &sigma,
        centre: &centre,
        latent_mean: &latent_mean,
    };
    let (mut at_lavaan, mut own) = (0.0f64, 0.0f64);
    for (method, key) in [
        (FactorScoreMethod::Regression, "regression"),
        (FactorScoreMethod::Bartlett, "Bartlett"),
    ] {
        let mut opts = FactorScoreOptions::new(method);
        if data.column_index("id").is_some() {
            opts = opts.id_column("id");
        }
        let fs = factor_scores_from_parts(&parts, data, &opts).unwrap();
        at_lavaan = at_lavaan.max(compare(name, key, &fs, &r, TOL));
        let fs = factor_scores(&fit, data, &opts).unwrap();
        own = own.max(compare(name, key, &fs, &r, TOL_FIT));
    }
    eprintln!("{name}: largest difference at lavaan's estimates {at_lavaan:e}, from cocreate's fit {own:e}");
    at_lavaan
}

#[test]
fn holzinger_swineford_cfa_matches_lavpredict() {
    let data = common::table("HolzingerSwineford1939.csv");
    check("hs_cfa", &data, &SemOptions::default());
    check(
        "hs_cfa_meanstructure",
        &data,
        &SemOptions::builder()
            .meanstructure(cocreate_core::sem::MeanStructure::On)
            .build()
            .unwrap(),
    );
    check(
        "hs_cfa_std_lv",
        &data,
        &SemOptions::builder().std_lv(true).build().unwrap(),
    );
}

#[test]
fn political_democracy_sem_matches_lavpredict() {
    check(
        "pd_sem",
        &common::table("PoliticalDemocracy.csv"),
        &SemOptions::default(),
    );
}

#[test]
fn rows_with_missing_values_are_reported_not_dropped_silently() {
    let data = hs_with_missing();
    check("hs_cfa_listwise", &data, &SemOptions::default());
    let fit = Model::parse(case("hs_cfa_listwise")["syntax"].as_str().unwrap())
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let fs = factor_scores(&fit, &data, &FactorScoreOptions::default().id_column("id")).unwrap();
    assert_eq!(fs.skipped.len(), 2);
    assert_eq!(fs.skipped[0].row, 2);
    assert_eq!(fs.skipped[1].row, 9);
    assert_eq!(fs.skipped[0].missing, vec!["x1".to_string()]);
    // Each row carries the respondent's id from the data.
    let id = data.column_index("id").unwrap();
    for r in &fs.rows {
        let want = data.get(r.row, id).unwrap();
        assert_eq!(r.id.as_deref(), Some(format!("{}", want as i64).as_str()));
    }
    assert_eq!(fs.rows[2].row, 3);
    let text = fs.summary();
    assert!(text.contains("299 rows scored, 2 skipped"), "{text}");
    let csv = fs.to_csv();
    assert!(csv.starts_with("id,visual,textual,speed\n"));
    assert_eq!(csv.lines().count(), 300);
}

/// First principles: regression scores = Ψ Λ' Σ⁻¹ (y − ȳ) with the fit's own matrices,
/// and Bartlett scores reproduce the factor exactly when the data have no error.
#[test]
fn scores_follow_their_formulas() {
    let data = common::table("HolzingerSwineford1939.csv");
    let fit = Model::parse(case("hs_cfa")["syntax"].as_str().unwrap())
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let fs = factor_scores(&fit, &data, &FactorScoreOptions::default()).unwrap();
    let obs = fit.observed();
    let lat = fit.latent();
    let mut lambda = DMatrix::<f64>::zeros(obs.len(), lat.len());
    for e in fit.parameter_estimates() {
        if e.op == cocreate_core::sem::Op::MeasuredBy {
            let f = lat.iter().position(|l| *l == e.lhs).unwrap();
            let j = obs.iter().position(|o| *o == e.rhs).unwrap();
            lambda[(j, f)] = e.est;
        }
    }
    let a =
        fit.latent_cov() * lambda.transpose() * fit.implied_cov().clone().try_inverse().unwrap();
    let row = 17;
    let y = DVector::from_iterator(
        obs.len(),
        obs.iter()
            .map(|n| data.get(row, data.column_index(n).unwrap()).unwrap()),
    ) - fit.sample_mean();
    let want = a * y;
    for k in 0..lat.len() {
        assert!((fs.rows[row].scores[k] - want[k]).abs() < 1e-12);
    }
    // Bartlett: A Λ = I (conditionally unbiased).
    let b = factor_scores(
        &fit,
        &data,
        &FactorScoreOptions::new(FactorScoreMethod::Bartlett),
    )
    .unwrap();
    let w = DMatrix::from_fn(lat.len(), obs.len(), |f, j| b.weights[f][j]);
    let al = w * &lambda;
    assert!((al - DMatrix::<f64>::identity(lat.len(), lat.len())).amax() < 1e-10);
}

#[test]
fn bad_requests_are_clear_errors() {
    let data = common::table("HolzingerSwineford1939.csv");
    let path = Model::parse("x1 ~ x2 + x3")
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    assert!(matches!(
        factor_scores(&path, &data, &FactorScoreOptions::default()),
        Err(FactorScoreError::NoLatentVariables)
    ));
    let mimic = Model::parse("f =~ x1 + x2 + x3\nf ~ x4")
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let err = factor_scores(&mimic, &data, &FactorScoreOptions::default()).unwrap_err();
    assert!(
        matches!(err, FactorScoreError::NonIndicator(ref v) if v == "x4"),
        "{err}"
    );
    let fit = Model::parse("f =~ x4 + x5 + x6")
        .unwrap()
        .fit(&data, &SemOptions::default())
        .unwrap();
    let err = factor_scores(
        &fit,
        &data,
        &FactorScoreOptions::default().id_column("nope"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"nope\""));
    let other = common::table("PoliticalDemocracy.csv");
    assert!(matches!(
        factor_scores(&fit, &other, &FactorScoreOptions::default()),
        Err(FactorScoreError::Data(_))
    ));
    let fiml = Model::parse("f =~ x1 + x2 + x3")
        .unwrap()
        .fit(
            &data,
            &SemOptions::builder()
                .missing(cocreate_core::sem::Missing::Ml)
                .meanstructure(cocreate_core::sem::MeanStructure::On)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert!(matches!(
        factor_scores(&fiml, &data, &FactorScoreOptions::default()),
        Err(FactorScoreError::NotCompleteData)
    ));
    assert!("bartlett".parse::<FactorScoreMethod>().is_ok());
    assert!(matches!(
        "ebm".parse::<FactorScoreMethod>(),
        Err(FactorScoreError::UnknownMethod(_))
    ));
}

#[test]
fn text_ids_are_carried_to_each_row() {
    // The same answers with a text identifier column: the scores are unchanged and each
    // row carries its own id, also for a skipped row.
    let mut csv = String::from("id,x1,x2,x3,x4,x5,x6\n");
    for i in 0..60 {
        let t = i as f64;
        let f = (t * 0.7).sin();
        let g = (t * 1.3).cos();
        let cells: Vec<String> = (0..6)
            .map(|j| {
                let v = if j < 3 { f } else { g } * (0.6 + 0.1 * j as f64)
                    + 0.3 * (t * (2.1 + j as f64)).sin();
                format!("{v:.6}")
            })
            .collect();
        let cells = if i == 7 {
            let mut c = cells;
            c[2] = String::new();
            c
        } else {
            cells
        };
        csv.push_str(&format!("R{:04},{}\n", 1000 + i, cells.join(",")));
    }
    let data = Table::from_csv_reader(csv.as_bytes()).unwrap();
    let model = Model::parse("f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6").unwrap();
    // Listwise deletion drops the row with the missing answer from the fit.
    let fit = model.fit(&data, &SemOptions::default()).unwrap();
    let fs = factor_scores(
        &fit,
        &data,
        &FactorScoreOptions::new(FactorScoreMethod::Regression).id_column("id"),
    )
    .unwrap();
    assert_eq!(fs.rows.len(), 59);
    assert_eq!(fs.rows[0].id.as_deref(), Some("R1000"));
    assert_eq!(fs.rows[7].id.as_deref(), Some("R1008"));
    assert_eq!(fs.skipped.len(), 1);
    assert_eq!(fs.skipped[0].id.as_deref(), Some("R1007"));
}
