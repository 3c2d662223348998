//! Cross-validation of a readiness model with latent constructs: the held-out predictions
//! against lavaan's `lavPredictY` (`docs/reference-scripts/latent_predict_y.R`), and
//! leave-one-out against an independent computation written here (one SEM fit per held-out
//! row, the benchmark by QR least squares).

mod common;

use cocreate_core::data::Table;
use cocreate_core::readiness::{predict_y, validate, Constructs, CrossValidation, ValidationError};
use cocreate_core::scoring::ResponseRange;
use cocreate_core::sem::{MeanStructure, Model, SemOptions};
use nalgebra::{DMatrix, DVector};

fn opts() -> SemOptions {
    SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .unwrap()
}

fn items() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data/cocreation_keyed_items.csv");
    Table::from_csv_path(path).unwrap()
}

/// The rows `rows` (from 0) of `t`, columns `names`.
fn rows_of(t: &Table, rows: &[usize], names: &[String]) -> Table {
    let cols: Vec<usize> = names.iter().map(|n| t.column_index(n).unwrap()).collect();
    let data = rows
        .iter()
        .map(|&r| cols.iter().map(|&c| t.get(r, c)).collect())
        .collect();
    Table::new(names.to_vec(), data).unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn held_out_predictions_match_lav_predict_y() {
    let r = common::reference("latent_predict_y");
    let model = Model::parse(r["model"].as_str().unwrap()).unwrap();
    let (x, y) = (strings(&r["xnames"]), strings(&r["ynames"]));
    let all: Vec<String> = x.iter().chain(&y).cloned().collect();
    let t = items();
    assert_eq!(t.n_rows(), 522);
    let train = rows_of(&t, &(0..400).collect::<Vec<_>>(), &all);
    let fit = model.fit(&train, &opts()).unwrap();
    let test: Vec<usize> = (400..522).collect();
    let xv = DMatrix::from_fn(test.len(), x.len(), |i, k| {
        t.get(test[i], t.column_index(&x[k]).unwrap()).unwrap()
    });
    let pred = predict_y(&fit, &x, &y, &xv).unwrap();
    let p = &r["predictions"];
    assert_eq!(strings(&p["colnames"]), y);
    let vals = p["values"].as_array().unwrap();
    assert_eq!(vals.len(), test.len());
    let mut worst: f64 = 0.0;
    for i in 0..test.len() {
        for j in 0..y.len() {
            let want = vals[i][j].as_f64().unwrap();
            worst = worst.max((pred[(i, j)] - want).abs());
        }
    }
    eprintln!("largest difference from lavPredictY: {worst:.2e}");
    assert!(
        worst < 1e-6,
        "largest difference from lavPredictY {worst:.2e}"
    );
    // Bad input: the wrong number of predictor columns, a name the fit does not know.
    let e = predict_y(&fit, &x[..2], &y, &xv).unwrap_err();
    assert!(
        matches!(
            e,
            ValidationError::PredictorColumns {
                expected: 2,
                found: 15
            }
        ),
        "{e}"
    );
    let e = predict_y(&fit, &x, &["Q9".to_string()], &xv).unwrap_err();
    assert!(e.to_string().contains("\"Q9\""), "{e}");
}

const SMALL: &str = "
O =~ O1 + O2 + O3
II =~ II1 + II2 + II3
WTC =~ WTC1 + WTC2 + WTC3
II ~ O
WTC ~ II
";

fn small_constructs() -> Constructs {
    Constructs::new(
        &["O"],
        &["II"],
        "WTC",
        ResponseRange::new(1.0, 5.0).unwrap(),
    )
    .unwrap()
}

/// OLS by QR: fitted value of `y` on (1, x) at `at`.
fn ols_predict(x: &DMatrix<f64>, y: &DVector<f64>, at: &[f64]) -> f64 {
    let z = DMatrix::from_fn(x.nrows(), x.ncols() + 1, |i, j| {
        if j == 0 {
            1.0
        } else {
            x[(i, j - 1)]
        }
    });
    let qr = z.qr();
    let b = qr
        .r()
        .solve_upper_triangular(&(qr.q().transpose() * y))
        .unwrap();
    b[0] + (0..at.len()).map(|k| b[k + 1] * at[k]).sum::<f64>()
}

#[test]
fn leave_one_out_matches_an_independent_computation() {
    let model = Model::parse(SMALL).unwrap();
    let x: Vec<String> = ["O1", "O2", "O3"].map(String::from).to_vec();
    let y: Vec<String> = ["II1", "II2", "II3", "WTC1", "WTC2", "WTC3"]
        .map(String::from)
        .to_vec();
    let all: Vec<String> = x.iter().chain(&y).cloned().collect();
    let n = 60;
    let data = rows_of(&items(), &(0..n).collect::<Vec<_>>(), &all);
    let cv = CrossValidation::builder(3)
        .folds(0)
        .bootstrap(0)
        .build()
        .unwrap();
    let v = validate(&model, &opts(), &data, &small_constructs(), &cv).unwrap();
    assert_eq!(v.n, n);
    assert_eq!(v.method, "full_sem");
    assert!(v.pathway_stability.is_none());
    let loo = v.leave_one_out.as_ref().unwrap();
    // Independent: per held-out row, fit, lavPredictY-style prediction, composite = mean.
    let m = DMatrix::from_fn(n, all.len(), |i, j| data.get(i, j).unwrap());
    let mut sse = [0.0; 2];
    let mut sae = [0.0; 2];
    let mut sse_b = [0.0; 2];
    let mut sae_b = [0.0; 2];
    let mut sse_0 = [0.0; 2];
    for i in 0..n {
        let train: Vec<usize> = (0..n).filter(|&r| r != i).collect();
        let fit = model.fit(&rows_of(&data, &train, &all), &opts()).unwrap();
        let xi = DMatrix::from_fn(1, 3, |_, k| m[(i, k)]);
        let p = predict_y(&fit, &x, &y, &xi).unwrap();
        let xt = DMatrix::from_fn(train.len(), 3, |r, k| m[(train[r], k)]);
        for j in 0..2 {
            let comp = |r: usize| (0..3).map(|k| m[(r, 3 + 3 * j + k)]).sum::<f64>() / 3.0;
            let target = comp(i);
            let pred = (0..3).map(|k| p[(0, 3 * j + k)]).sum::<f64>() / 3.0;
            let yt = DVector::from_fn(train.len(), |r, _| comp(train[r]));
            let bench = ols_predict(&xt, &yt, &[m[(i, 0)], m[(i, 1)], m[(i, 2)]]);
            let mean = yt.mean();
            sse[j] += (target - pred).powi(2);
            sae[j] += (target - pred).abs();
            sse_b[j] += (target - bench).powi(2);
            sae_b[j] += (target - bench).abs();
            sse_0[j] += (target - mean).powi(2);
        }
    }
    let nf = n as f64;
    let worst = std::cell::Cell::new(0.0_f64);
    for (j, c) in loo.constructs.iter().enumerate() {
        assert_eq!(c.name, ["II", "WTC"][j]);
        let close = |a: f64, b: f64| {
            worst.set(worst.get().max((a - b).abs()));
            (a - b).abs() < 1e-9
        };
        assert!(close(c.q2_predict, 1.0 - sse[j] / sse_0[j]), "{}", c.name);
        assert!(close(c.rmse, (sse[j] / nf).sqrt()), "{}", c.name);
        assert!(close(c.mae, sae[j] / nf), "{}", c.name);
        assert!(
            close(c.benchmark.q2_predict, 1.0 - sse_b[j] / sse_0[j]),
            "{}",
            c.name
        );
        assert!(
            close(c.benchmark.rmse, (sse_b[j] / nf).sqrt()),
            "{}",
            c.name
        );
        assert!(close(c.benchmark.mae, sae_b[j] / nf), "{}", c.name);
        assert!((0.0..=1.0).contains(&c.coverage));
    }
    eprintln!(
        "LOO, largest difference from the independent computation: {:.1e}",
        worst.get()
    );
    let text = v.to_string();
    assert!(text.contains("latent variables (O, II, WTC)"), "{text}");
}

#[test]
fn k_fold_is_seeded_and_notes_what_is_not_available() {
    let model = Model::parse(SMALL).unwrap();
    let data = items();
    let cv = CrossValidation::builder(11)
        .leave_one_out(false)
        .folds(5)
        .repeats(2)
        .bootstrap(10)
        .build()
        .unwrap();
    let a = validate(&model, &opts(), &data, &small_constructs(), &cv).unwrap();
    let b = validate(&model, &opts(), &data, &small_constructs(), &cv).unwrap();
    assert_eq!(a, b);
    eprintln!("{a}");
    let kf = a.k_fold.as_ref().unwrap();
    assert_eq!((kf.folds, kf.repeats), (5, 2));
    for c in &kf.constructs {
        // A real signal: both predictors beat the training mean.
        assert!(c.q2_predict > 0.0 && c.benchmark.q2_predict > 0.0, "{c:?}");
        assert!(c.rmse >= c.mae && c.benchmark.rmse >= c.benchmark.mae);
        // The plug-in 95 % interval covers most held-out customers.
        assert!(c.coverage > 0.85 && c.coverage < 0.995, "{}", c.coverage);
    }
    assert!(a.pathway_stability.is_none());
    assert!(a
        .notes
        .iter()
        .any(|n| n.contains("pathway stability is not available")));
}

#[test]
fn bad_input_is_named() {
    let data = items();
    let cv = CrossValidation::builder(1)
        .folds(0)
        .bootstrap(0)
        .build()
        .unwrap();
    // An indicator missing from the data.
    let model = Model::parse(
        "O =~ O1 + O2 + Q7\nII =~ II1 + II2 + II3\nWTC =~ WTC1 + WTC2 + WTC3\nII ~ O\nWTC ~ II",
    )
    .unwrap();
    let e = validate(&model, &opts(), &data, &small_constructs(), &cv).unwrap_err();
    assert!(
        matches!(&e, ValidationError::MissingIndicator { indicator, construct } if indicator == "Q7" && construct == "O"),
        "{e}"
    );
    assert!(e.to_string().contains("\"Q7\""), "{e}");
    // An item of a trait that also measures an endogenous construct.
    let model = Model::parse(
        "O =~ O1 + O2 + O3\nII =~ II1 + II2 + O3\nWTC =~ WTC1 + WTC2 + WTC3\nII ~ O\nWTC ~ II",
    )
    .unwrap();
    let e = validate(&model, &opts(), &data, &small_constructs(), &cv).unwrap_err();
    assert!(
        matches!(&e, ValidationError::SharedIndicator { indicator, construct } if indicator == "O3" && construct == "II"),
        "{e}"
    );
    // No mean structure.
    let model = Model::parse(SMALL).unwrap();
    let e = validate(
        &model,
        &SemOptions::default(),
        &data,
        &small_constructs(),
        &cv,
    );
    if let Err(e) = e {
        assert!(
            matches!(
                e,
                ValidationError::NoMeanStructure | ValidationError::FullFit(_)
            ),
            "{e}"
        );
    } else {
        panic!("a fit without a mean structure was cross-validated");
    }
}
