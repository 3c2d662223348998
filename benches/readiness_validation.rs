//! Speed of the out-of-sample validation of the readiness model.
//!
//! Targets (issue 14): leave-one-out on 800 customers ≤ 100 ms and 10 × 10-fold ≤ 100 ms
//! for the co-creation path model (`examples/data/cocreation_path.lav`). The 800
//! customers are simulated from the model fitted on the bundled composites (522 rows):
//! traits drawn from the observed trait profiles, mediators and outcome from the fitted
//! equations with normal residuals of the fitted (co)variances. Every timed call includes
//! the full-sample SEM fit that checks the least-squares condition. A third function times
//! 100 bootstrap refits for pathway stability.

use cocreate::core::data::Table;
use cocreate::core::readiness::{validate, Constructs, CrossValidation, ReadinessModel};
use cocreate::core::scoring::ResponseRange;
use cocreate::core::sem::{MeanStructure, Model, SemOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const CUSTOMERS: usize = 800;

fn setup() -> (Model, SemOptions, Table, Constructs) {
    let dir = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/.."),
        "/examples/data/"
    );
    let data = Table::from_csv_path(format!("{dir}cocreation_composites.csv")).expect("composites");
    let syntax = std::fs::read_to_string(format!("{dir}cocreation_path.lav")).expect("model");
    let model = Model::parse(&syntax).expect("model");
    let opts = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .expect("options");
    let c = Constructs::cocreation(ResponseRange::new(1.0, 5.0).expect("range"));
    let fit = model.fit(&data, &opts).expect("fit");
    let r = ReadinessModel::from_fit(&fit, c.clone(), "bundled").expect("readiness");
    let traits = r.trait_matrix(&data).expect("traits");
    let co = r.coefficients();
    let psi = r
        .mediator_residual_cov()
        .clone()
        .cholesky()
        .expect("psi")
        .l();
    let sy = r.outcome_residual_variance().sqrt();
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut normal = move || {
        // Box–Muller.
        let (u, v): (f64, f64) = (rng.r#gen::<f64>().max(1e-300), rng.r#gen());
        (
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos(),
            rng.gen_range(0..522),
        )
    };
    let rows = (0..CUSTOMERS)
        .map(|_| {
            let (_, i) = normal();
            let x = &traits[i * 5..i * 5 + 5];
            let e = [normal().0, normal().0];
            let m: Vec<f64> = (0..2)
                .map(|j| {
                    co.alpha_m[j]
                        + (0..5).map(|k| co.a[j * 5 + k] * x[k]).sum::<f64>()
                        + (0..2).map(|l| psi[(j, l)] * e[l]).sum::<f64>()
                })
                .collect();
            let y = co.alpha_y
                + (0..2).map(|j| co.b[j] * m[j]).sum::<f64>()
                + (0..5).map(|k| co.c[k] * x[k]).sum::<f64>()
                + sy * normal().0;
            x.iter().copied().chain(m).chain([y]).map(Some).collect()
        })
        .collect();
    let names = ["O", "C", "E", "A", "N", "II", "EI", "WTC"];
    let sim = Table::new(names.iter().map(|s| s.to_string()).collect(), rows).expect("table");
    (model, opts, sim, c)
}

fn bench(c: &mut Criterion) {
    let (model, opts, data, constructs) = setup();
    let loo = CrossValidation::builder(1)
        .folds(0)
        .bootstrap(0)
        .build()
        .unwrap();
    let kfold = CrossValidation::builder(1)
        .folds(10)
        .repeats(10)
        .leave_one_out(false)
        .bootstrap(0)
        .build()
        .unwrap();
    let boot = CrossValidation::builder(1)
        .folds(0)
        .leave_one_out(false)
        .bootstrap(100)
        .build()
        .unwrap();
    let v = validate(&model, &opts, &data, &constructs, &loo).expect("validate");
    assert_eq!(v.method, "least_squares");
    let mut g = c.benchmark_group("readiness_validation");
    g.sample_size(20);
    g.bench_function("loo_800", |b| {
        b.iter(|| validate(&model, &opts, black_box(&data), &constructs, &loo).unwrap())
    });
    g.bench_function("kfold_10x10_800", |b| {
        b.iter(|| validate(&model, &opts, black_box(&data), &constructs, &kfold).unwrap())
    });
    g.bench_function("bootstrap_100_800", |b| {
        b.iter(|| validate(&model, &opts, black_box(&data), &constructs, &boot).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
