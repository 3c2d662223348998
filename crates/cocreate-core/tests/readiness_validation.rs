//! Cross-validation of readiness predictions against an independent computation written
//! here with nalgebra (per-equation least squares on the training rows, the PRESS /
//! hat-matrix identity for the benchmark), and on simulated data whose truth is known.

mod common;

use cocreate_core::data::Table;
use cocreate_core::readiness::{
    validate, Constructs, CrossValidation, RefitMethod, Validation, ValidationError, Verdict,
};
use cocreate_core::scoring::ResponseRange;
use cocreate_core::sem::{MeanStructure, Model, SeMethod, SemOptions};
use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SATURATED: &str = "
II  ~ O + C + E + A + N
EI  ~ O + C + E + A + N
WTC ~ II + EI + O + C + E + A + N
";
const FULL_MEDIATION: &str = "
II  ~ O + C + E + A + N
EI  ~ O + C + E + A + N
WTC ~ II + EI
";

fn constructs() -> Constructs {
    Constructs::cocreation(ResponseRange::new(1.0, 5.0).unwrap())
}

fn opts() -> SemOptions {
    SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .unwrap()
}

/// The columns O C E A N II EI WTC as an n × 8 matrix.
fn matrix(t: &Table) -> DMatrix<f64> {
    let names = ["O", "C", "E", "A", "N", "II", "EI", "WTC"];
    let cols: Vec<usize> = names.iter().map(|n| t.column_index(n).unwrap()).collect();
    DMatrix::from_fn(t.n_rows(), 8, |i, j| t.get(i, cols[j]).unwrap())
}

/// OLS by QR on the given rows: coefficients of `y` on (1, X[:, regs]).
fn ols(x: &DMatrix<f64>, rows: &[usize], regs: &[usize], y: usize) -> DVector<f64> {
    let z = DMatrix::from_fn(rows.len(), regs.len() + 1, |i, j| {
        if j == 0 {
            1.0
        } else {
            x[(rows[i], regs[j - 1])]
        }
    });
    let t = DVector::from_fn(rows.len(), |i, _| x[(rows[i], y)]);
    let qr = z.qr();
    let qt = qr.q().transpose() * t;
    qr.r().solve_upper_triangular(&qt).unwrap()
}

fn lin(b: &DVector<f64>, v: &[f64]) -> f64 {
    b[0] + v
        .iter()
        .zip(b.iter().skip(1))
        .map(|(a, c)| a * c)
        .sum::<f64>()
}

/// The path model's predictions of (II, EI, WTC) for `test` from OLS on `train`; the
/// outcome equation's regressors among columns 0..7 (mediators 5, 6).
fn path_predict(x: &DMatrix<f64>, train: &[usize], test: usize, wtc: &[usize]) -> [f64; 3] {
    let traits: Vec<usize> = (0..5).collect();
    let bi = ols(x, train, &traits, 5);
    let be = ols(x, train, &traits, 6);
    let by = ols(x, train, wtc, 7);
    let xt: Vec<f64> = (0..5).map(|k| x[(test, k)]).collect();
    let (mi, me) = (lin(&bi, &xt), lin(&be, &xt));
    let v: Vec<f64> = wtc
        .iter()
        .map(|&c| match c {
            5 => mi,
            6 => me,
            k => xt[k],
        })
        .collect();
    [mi, me, lin(&by, &v)]
}

/// (Q², RMSE, MAE) from errors and naive errors.
fn metrics(e: &[f64], e0: &[f64]) -> [f64; 3] {
    let n = e.len() as f64;
    let sse: f64 = e.iter().map(|v| v * v).sum();
    let sse0: f64 = e0.iter().map(|v| v * v).sum();
    [
        1.0 - sse / sse0,
        (sse / n).sqrt(),
        e.iter().map(|v| v.abs()).sum::<f64>() / n,
    ]
}

/// Independent leave-one-out: refits on n − 1 rows for the model, PRESS residuals
/// e/(1 − h) from the full-sample hat matrix for the benchmark.
fn independent_loo(x: &DMatrix<f64>, wtc: &[usize]) -> Vec<([f64; 3], [f64; 3])> {
    let n = x.nrows();
    let mut e = vec![Vec::new(); 3];
    let mut e0 = vec![Vec::new(); 3];
    for i in 0..n {
        let train: Vec<usize> = (0..n).filter(|&r| r != i).collect();
        let p = path_predict(x, &train, i, wtc);
        for j in 0..3 {
            let y = x[(i, 5 + j)];
            e[j].push(y - p[j]);
            let mean = (x.column(5 + j).sum() - y) / (n - 1) as f64;
            e0[j].push(y - mean);
        }
    }
    let z = DMatrix::from_fn(n, 6, |i, j| if j == 0 { 1.0 } else { x[(i, j - 1)] });
    let h = &z * (z.transpose() * &z).try_inverse().unwrap() * z.transpose();
    (0..3)
        .map(|j| {
            let y = x.column(5 + j).into_owned();
            let r = &y - &h * &y;
            let press: Vec<f64> = (0..n).map(|i| r[i] / (1.0 - h[(i, i)])).collect();
            (metrics(&e[j], &e0[j]), metrics(&press, &e0[j]))
        })
        .collect()
}

fn check(v: &Validation, expected: &[([f64; 3], [f64; 3])], scheme: &str, tol: f64) {
    let s = if scheme == "loo" {
        v.leave_one_out.as_ref().unwrap()
    } else {
        v.k_fold.as_ref().unwrap()
    };
    let mut worst = 0.0f64;
    for (c, (m, b)) in s.constructs.iter().zip(expected) {
        let got = [c.q2_predict, c.rmse, c.mae];
        let gotb = [c.benchmark.q2_predict, c.benchmark.rmse, c.benchmark.mae];
        for k in 0..3 {
            assert!(
                (got[k] - m[k]).abs() < tol,
                "{} model {k}: {} vs {}",
                c.name,
                got[k],
                m[k]
            );
            assert!(
                (gotb[k] - b[k]).abs() < tol,
                "{} bench {k}: {} vs {}",
                c.name,
                gotb[k],
                b[k]
            );
            worst = worst.max((got[k] - m[k]).abs()).max((gotb[k] - b[k]).abs());
        }
    }
    eprintln!("{scheme}: largest difference from the independent computation {worst:.1e}");
}

fn loo_only(seed: u64) -> CrossValidation {
    CrossValidation::builder(seed)
        .folds(0)
        .bootstrap(0)
        .build()
        .unwrap()
}

#[test]
fn leave_one_out_equals_independent_computation_restricted_model() {
    let data = common::table("cocreation_composites.csv");
    let x = matrix(&data);
    let model = Model::parse(FULL_MEDIATION).unwrap();
    let v = validate(&model, &opts(), &data, &constructs(), &loo_only(1)).unwrap();
    assert_eq!(v.method, "least_squares", "{:?}", v.method_reason);
    assert!(!v.saturated);
    assert_eq!(v.n, 522);
    check(&v, &independent_loo(&x, &[5, 6]), "loo", 1e-9);
}

#[test]
fn saturated_model_equals_benchmark_and_independent_loo() {
    let data = common::table("cocreation_composites.csv");
    let x = matrix(&data);
    let model = Model::parse(SATURATED).unwrap();
    let v = validate(&model, &opts(), &data, &constructs(), &loo_only(1)).unwrap();
    assert!(v.saturated);
    let loo = v.leave_one_out.as_ref().unwrap();
    for c in &loo.constructs {
        assert_eq!(c.verdict, Verdict::Equal);
        assert!((c.rmse - c.benchmark.rmse).abs() < 1e-9, "{}", c.name);
        assert!((c.q2_predict - c.benchmark.q2_predict).abs() < 1e-9);
        assert!(c.coverage > 0.9 && c.coverage < 0.99, "{}", c.coverage);
    }
    check(
        &v,
        &independent_loo(&x, &[5, 6, 0, 1, 2, 3, 4]),
        "loo",
        1e-9,
    );
    let text = v.to_string();
    eprintln!("{text}");
    assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
    assert!(text.contains("by construction"), "{text}");
    assert!(text.contains("exactly as well as a linear regression on the traits"));
}

/// k-fold with the documented fold assignment recomputed here: the same figures with and
/// without the `parallel` feature (this test runs in both builds) and on every run.
#[test]
fn k_fold_is_deterministic_and_equals_independent_computation() {
    let data = common::table("cocreation_composites.csv");
    let x = matrix(&data);
    let n = x.nrows();
    let model = Model::parse(FULL_MEDIATION).unwrap();
    let cv = CrossValidation::builder(42)
        .folds(5)
        .repeats(3)
        .leave_one_out(false)
        .bootstrap(20)
        .build()
        .unwrap();
    let a = validate(&model, &opts(), &data, &constructs(), &cv).unwrap();
    let b = validate(&model, &opts(), &data, &constructs(), &cv).unwrap();
    assert_eq!(a, b);
    let (mut e, mut eb, mut e0) = (vec![vec![]; 3], vec![vec![]; 3], vec![vec![]; 3]);
    for r in 0..3u64 {
        let mut idx: Vec<usize> = (0..n).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        rng.set_stream(r + 1);
        for i in (1..n).rev() {
            idx.swap(i, rng.gen_range(0..=i));
        }
        let mut fold = vec![0; n];
        for (pos, &i) in idx.iter().enumerate() {
            fold[i] = pos % 5;
        }
        for f in 0..5 {
            let train: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
            let traits: Vec<usize> = (0..5).collect();
            for i in (0..n).filter(|&i| fold[i] == f) {
                let p = path_predict(&x, &train, i, &[5, 6]);
                for j in 0..3 {
                    let y = x[(i, 5 + j)];
                    let bench = ols(&x, &train, &traits, 5 + j);
                    let xt: Vec<f64> = (0..5).map(|k| x[(i, k)]).collect();
                    let mean =
                        train.iter().map(|&t| x[(t, 5 + j)]).sum::<f64>() / train.len() as f64;
                    e[j].push(y - p[j]);
                    eb[j].push(y - lin(&bench, &xt));
                    e0[j].push(y - mean);
                }
            }
        }
    }
    let expected: Vec<_> = (0..3)
        .map(|j| (metrics(&e[j], &e0[j]), metrics(&eb[j], &e0[j])))
        .collect();
    check(&a, &expected, "k", 1e-9);
    let ps = a.pathway_stability.as_ref().unwrap();
    assert!(ps.share_always_same <= ps.mean_agreement && ps.mean_agreement <= 1.0);
    // Another seed draws other folds.
    let c = validate(
        &model,
        &opts(),
        &data,
        &constructs(),
        &CrossValidation::builder(43)
            .folds(5)
            .repeats(3)
            .leave_one_out(false)
            .bootstrap(0)
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_ne!(a.k_fold, c.k_fold);
}

/// The least-squares folds agree with full SEM refits (the ML estimates are least
/// squares for this model).
#[test]
fn least_squares_folds_equal_full_sem_refits() {
    let data = common::table("cocreation_composites.csv");
    let model = Model::parse(FULL_MEDIATION).unwrap();
    let cv = |m| {
        CrossValidation::builder(5)
            .folds(4)
            .repeats(1)
            .leave_one_out(false)
            .bootstrap(0)
            .refit(m)
            .build()
            .unwrap()
    };
    let a = validate(
        &model,
        &opts(),
        &data,
        &constructs(),
        &cv(RefitMethod::Auto),
    )
    .unwrap();
    let b = validate(
        &model,
        &opts(),
        &data,
        &constructs(),
        &cv(RefitMethod::FullSem),
    )
    .unwrap();
    assert_eq!(b.method, "full_sem");
    let (a, b) = (a.k_fold.unwrap(), b.k_fold.unwrap());
    for (x, y) in a.constructs.iter().zip(&b.constructs) {
        assert!(
            (x.rmse - y.rmse).abs() < 1e-6,
            "{} {} {}",
            x.name,
            x.rmse,
            y.rmse
        );
        assert!((x.q2_predict - y.q2_predict).abs() < 1e-6);
        assert!(
            (x.coverage - y.coverage).abs() <= 2.0 / 522.0,
            "{} {}",
            x.coverage,
            y.coverage
        );
        eprintln!(
            "{}: least squares vs SEM refit: RMSE {:.1e}, Q2 {:.1e}, coverage {} vs {}",
            x.name,
            (x.rmse - y.rmse).abs(),
            (x.q2_predict - y.q2_predict).abs(),
            x.coverage,
            y.coverage
        );
    }
}

/// Simulated data: II from O, EI from C, WTC from II and EI (full mediation), or WTC
/// with a strong direct effect of N.
fn simulate(n: usize, direct_n: f64, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut g = || {
        // Sum of uniforms: a bounded, roughly normal draw.
        (0..6).map(|_| rng.r#gen::<f64>()).sum::<f64>() - 3.0
    };
    let rows = (0..n)
        .map(|_| {
            let t: Vec<f64> = (0..5).map(|_| 3.0 + 0.8 * g()).collect();
            let ii = 0.5 + 0.8 * t[0] + 0.4 * g();
            let ei = 0.6 + 0.7 * t[1] + 0.4 * g();
            let wtc = 0.2 + 0.5 * ii + 0.4 * ei + direct_n * (t[4] - 3.0) + 0.6 * g();
            t.into_iter()
                .chain([ii, ei, wtc])
                .map(Some)
                .collect::<Vec<_>>()
        })
        .collect();
    let names = ["O", "C", "E", "A", "N", "II", "EI", "WTC"];
    Table::new(names.iter().map(|s| s.to_string()).collect(), rows).unwrap()
}

#[test]
fn true_restricted_model_beats_benchmark_wrong_one_loses() {
    let c = Constructs::new(
        &["O", "C", "E", "A", "N"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(-10.0, 20.0).unwrap(),
    )
    .unwrap();
    let cv = CrossValidation::builder(3)
        .folds(5)
        .repeats(2)
        .bootstrap(10)
        .build()
        .unwrap();
    // The true structure on small samples: fewer parameters predict better. Over five
    // simulated samples the model wins for the outcome every time and for the mediators
    // in most (a sample of 20 can favour the benchmark by chance).
    let truth = Model::parse("II ~ O + 0*E + 0*A + 0*N\nEI ~ C\nWTC ~ II + EI").unwrap();
    // With II ~~ EI free and different regressors the ML estimates are seemingly
    // unrelated regressions, not least squares: every fold is a full SEM refit.
    let sur = Model::parse("II ~ O + 0*E + 0*A + 0*N\nEI ~ C\nWTC ~ II + EI\nII ~~ EI").unwrap();
    let mut wins = [0usize; 3];
    for seed in 11..16 {
        let data = simulate(20, 0.0, seed);
        let v = validate(&truth, &opts(), &data, &c, &cv).unwrap();
        assert_eq!(v.method, "least_squares", "{:?}", v.method_reason);
        let w = validate(&sur, &opts(), &data, &c, &cv).unwrap();
        assert_eq!(w.method, "full_sem");
        assert!(w
            .method_reason
            .as_deref()
            .unwrap()
            .contains("regressors differ"));
        for v in [&v, &w] {
            for s in [
                v.leave_one_out.as_ref().unwrap(),
                v.k_fold.as_ref().unwrap(),
            ] {
                for (j, k) in s.constructs.iter().enumerate() {
                    wins[j] += usize::from(k.verdict == Verdict::Better);
                    assert_ne!(k.verdict, Verdict::Equal);
                }
                assert_eq!(s.constructs[2].verdict, Verdict::Better, "seed {seed}");
            }
            let text = v.to_string();
            assert!(text.contains("WTC: the model predicts better than a linear regression"));
            assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
        }
    }
    assert!(wins[0] >= 16 && wins[1] >= 16, "{wins:?} of 20");
    // Full mediation assumed while N acts directly on WTC: the outcome is predicted worse.
    let data = simulate(300, 0.6, 12);
    let wrong = Model::parse(FULL_MEDIATION).unwrap();
    let v = validate(&wrong, &opts(), &data, &c, &cv).unwrap();
    assert_eq!(v.method, "least_squares");
    let loo = v.leave_one_out.as_ref().unwrap();
    assert_eq!(loo.constructs[2].verdict, Verdict::Worse);
    assert!(loo.constructs[2].rmse > 1.05 * loo.constructs[2].benchmark.rmse);
    assert!(v
        .to_string()
        .contains("WTC: the model predicts worse than a linear regression"));
}

#[test]
fn bad_input_says_what_and_where() {
    assert!(matches!(
        CrossValidation::builder(1).folds(1).build(),
        Err(ValidationError::InvalidFolds { folds: 1 })
    ));
    assert!(CrossValidation::builder(1).repeats(0).build().is_err());
    assert!(CrossValidation::builder(1).level(1.0).build().is_err());
    let data = simulate(12, 0.0, 1);
    let c = Constructs::new(
        &["O", "C", "E", "A", "N"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(-10.0, 20.0).unwrap(),
    )
    .unwrap();
    let model = Model::parse(FULL_MEDIATION).unwrap();
    let k = |k| {
        CrossValidation::builder(1)
            .folds(k)
            .leave_one_out(false)
            .bootstrap(0)
            .build()
            .unwrap()
    };
    let e = validate(&model, &opts(), &data, &c, &k(13)).unwrap_err();
    assert!(
        e.to_string().contains("13 folds are more than the 12"),
        "{e}"
    );
    let e = validate(&model, &opts(), &data, &c, &k(2)).unwrap_err();
    assert!(
        matches!(
            e,
            ValidationError::TooFewRows {
                n: 12,
                needed: 9,
                ..
            }
        ),
        "{e}"
    );
    // A fold whose training rows leave a trait constant: named by repetition and fold.
    let mut rows: Vec<Vec<Option<f64>>> = (0..40)
        .map(|i| {
            (0..8)
                .map(|j| {
                    Some(((i * 7 + j * 3) % 11) as f64 * 0.3 + (i as f64 * 0.1 + j as f64).sin())
                })
                .collect()
        })
        .collect();
    for (i, r) in rows.iter_mut().enumerate() {
        r[0] = Some(if i == 0 { 2.0 } else { 1.0 });
    }
    let names = ["O", "C", "E", "A", "N", "II", "EI", "WTC"];
    let t = Table::new(names.iter().map(|s| s.to_string()).collect(), rows).unwrap();
    let cv = CrossValidation::builder(1)
        .folds(0)
        .bootstrap(0)
        .build()
        .unwrap();
    let e = validate(&model, &opts(), &t, &c, &cv).unwrap_err();
    assert!(
        e.to_string().starts_with("leave-one-out, held-out row 1:"),
        "{e}"
    );
    // The same in k-fold: the fold that holds row 1 out leaves O constant.
    let e = validate(&model, &opts(), &t, &c, &k(2)).unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("k-fold, repetition 1, fold "), "{e}");
    assert!(
        text.contains("(20 training rows): the regressors of II are collinear"),
        "{e}"
    );
    // A latent-variable model whose indicators are not in the data.
    let lat = Model::parse("II =~ i1 + i2 + i3\nII ~ O\nWTC ~ II").unwrap();
    let e = validate(&lat, &opts(), &t, &c, &cv).unwrap_err();
    assert!(
        matches!(&e, ValidationError::MissingIndicator { indicator, .. } if indicator == "i1"),
        "{e}"
    );
    // A trait outside the response range, named by its row.
    let narrow = Constructs::new(
        &["O", "C", "E", "A", "N"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(0.0, 1.0).unwrap(),
    )
    .unwrap();
    let e = validate(&model, &opts(), &t, &narrow, &cv).unwrap_err();
    assert!(e.to_string().starts_with("row 1: trait \"O\" is 2"), "{e}");
    // A missing column.
    let e = validate(&model, &opts(), &t.select(&["O", "C"]).unwrap(), &c, &cv).unwrap_err();
    assert!(matches!(e, ValidationError::MissingColumn { .. }), "{e}");
}

#[cfg(feature = "serde")]
#[test]
fn json_shape() {
    let data = simulate(60, 0.0, 2);
    let c = Constructs::new(
        &["O", "C", "E", "A", "N"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(-10.0, 20.0).unwrap(),
    )
    .unwrap();
    let cv = CrossValidation::builder(1)
        .folds(3)
        .repeats(2)
        .bootstrap(5)
        .build()
        .unwrap();
    let v = validate(
        &Model::parse(FULL_MEDIATION).unwrap(),
        &opts(),
        &data,
        &c,
        &cv,
    )
    .unwrap();
    let j = serde_json::to_value(&v).unwrap();
    for s in ["leave_one_out", "k_fold"] {
        for name in ["II", "EI", "WTC"] {
            let x = &j[s]["constructs"][name];
            for f in ["q2_predict", "rmse", "mae"] {
                assert!(x[f].is_number(), "{s} {name} {f}");
                assert!(x["benchmark"][f].is_number());
            }
        }
    }
    assert!(j["pathway_stability"]["mean_agreement"].is_number());
}

#[test]
fn rows_with_a_missing_score_are_left_out_and_listed() {
    let full = simulate(30, 0.0, 4);
    let names: Vec<String> = full.names().to_vec();
    let mut rows: Vec<Vec<Option<f64>>> = (0..30)
        .map(|i| (0..8).map(|j| full.get(i, j)).collect())
        .collect();
    rows[4][6] = None;
    rows[17][0] = None;
    let t = Table::new(names, rows).unwrap();
    let c = Constructs::new(
        &["O", "C", "E", "A", "N"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(-10.0, 20.0).unwrap(),
    )
    .unwrap();
    let v = validate(
        &Model::parse(FULL_MEDIATION).unwrap(),
        &opts(),
        &t,
        &c,
        &loo_only(1),
    )
    .unwrap();
    assert_eq!(v.dropped_rows, vec![5, 18]);
    assert_eq!(v.n, 28);
    assert!(v
        .to_string()
        .contains("2 rows with a missing construct score were left out"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// LOO figures do not depend on row order; RMSE ≥ MAE; Q² ≤ 1; coverage a share;
        /// a saturated model equals the benchmark.
        #[test]
        fn loo_invariants(n in 15usize..50, seed in 0u64..1000, direct in 0.0f64..0.8) {
            let data = simulate(n, direct, seed);
            let names: Vec<String> = data.names().to_vec();
            let rev: Vec<Vec<Option<f64>>> = (0..n).rev()
                .map(|i| (0..8).map(|j| data.get(i, j)).collect())
                .collect();
            let rev = Table::new(names, rev).unwrap();
            let c = Constructs::new(
                &["O", "C", "E", "A", "N"], &["II", "EI"], "WTC",
                ResponseRange::new(-10.0, 20.0).unwrap(),
            ).unwrap();
            for (syntax, saturated) in [(FULL_MEDIATION, false), (SATURATED, true)] {
                let m = Model::parse(syntax).unwrap();
                let a = validate(&m, &opts(), &data, &c, &loo_only(seed)).unwrap();
                let b = validate(&m, &opts(), &rev, &c, &loo_only(seed)).unwrap();
                prop_assert_eq!(a.saturated, saturated);
                let (a, b) = (a.leave_one_out.unwrap(), b.leave_one_out.unwrap());
                for (x, y) in a.constructs.iter().zip(&b.constructs) {
                    prop_assert!((x.rmse - y.rmse).abs() < 1e-9);
                    prop_assert!((x.q2_predict - y.q2_predict).abs() < 1e-9);
                    prop_assert!((x.benchmark.mae - y.benchmark.mae).abs() < 1e-9);
                    prop_assert!(x.rmse >= x.mae - 1e-12 && x.q2_predict <= 1.0);
                    prop_assert!((0.0..=1.0).contains(&x.coverage));
                    if saturated {
                        prop_assert!((x.rmse - x.benchmark.rmse).abs() < 1e-9);
                    }
                }
            }
        }
    }
}

#[test]
fn bootstrap_standard_errors_are_replaced_in_refits_with_a_note() {
    let data = simulate(40, 0.2, 9);
    let c = Constructs::new(
        &["O", "C", "E", "A", "N"],
        &["II", "EI"],
        "WTC",
        ResponseRange::new(-10.0, 20.0).unwrap(),
    )
    .unwrap();
    let boot = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .se(SeMethod::Bootstrap)
        .bootstrap(30)
        .build()
        .unwrap();
    let cv = CrossValidation::builder(2)
        .folds(4)
        .repeats(2)
        .bootstrap(5)
        .build()
        .unwrap();
    let m = Model::parse(FULL_MEDIATION).unwrap();
    let a = validate(&m, &boot, &data, &c, &cv).unwrap();
    let b = validate(&m, &opts(), &data, &c, &cv).unwrap();
    assert_eq!(a.notes.len(), 1);
    assert!(a.notes[0].contains("not from the 30 bootstrap replicates"));
    assert!(b.notes.is_empty());
    assert_eq!(a.leave_one_out, b.leave_one_out);
    assert_eq!(a.k_fold, b.k_fold);
    let text = a.to_string();
    assert!(
        text.contains("Note: every refit takes its standard errors"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() < 100), "{text}");
}
