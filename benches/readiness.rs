//! Prediction speed of the readiness model.
//!
//! Target (issue 6): predict 1,000,000 customers in at most 50 ms, single-threaded. The
//! model is the Big Five → II, EI → WTC path model fitted on the bundled composites (with
//! its parameter covariance, so every customer gets a delta-method prediction SD); the
//! timed call predicts II, EI and WTC, the WTC prediction SD and the pathway of each
//! customer. A second function times the segmentation of the same base.

use cocreate::core::data::Table;
use cocreate::core::readiness::{Constructs, ReadinessModel, Threshold};
use cocreate::core::scoring::ResponseRange;
use cocreate::core::sem::{MeanStructure, Model, SemOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const CUSTOMERS: usize = 1_000_000;

fn model() -> ReadinessModel {
    let path = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/.."),
        "/examples/data/cocreation_composites.csv"
    );
    let data = Table::from_csv_path(path).expect("bundled composites");
    let opts = SemOptions::builder()
        .meanstructure(MeanStructure::On)
        .build()
        .expect("options");
    let fit = Model::parse(
        "II ~ O + C + E + A + N\nEI ~ O + C + E + A + N\nWTC ~ II + EI + O + C + E + A + N",
    )
    .expect("model")
    .fit(&data, &opts)
    .expect("fit");
    let range = ResponseRange::new(1.0, 5.0).expect("range");
    ReadinessModel::from_fit(&fit, Constructs::cocreation(range), "bundled composites")
        .expect("readiness model")
}

/// Trait means of 1–5 items: random multiples of 0.2 in [1, 5].
fn customers(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n * 5)
        .map(|_| 1.0 + 0.2 * f64::from(rng.gen_range(0..=20u8)))
        .collect()
}

fn bench(c: &mut Criterion) {
    let model = model();
    let traits = customers(CUSTOMERS, 2026);
    let mut group = c.benchmark_group("readiness");
    group.sample_size(10);
    group.bench_function("predict 1M customers", |b| {
        b.iter(|| black_box(model.predict_batch(black_box(&traits)).expect("valid")))
    });
    let mut out = model.predict_batch(&traits).expect("valid");
    group.bench_function("predict 1M customers into reused buffers", |b| {
        b.iter(|| {
            model
                .predict_batch_into(black_box(&traits), &mut out)
                .expect("valid");
            black_box(out.outcome[0])
        })
    });
    group.bench_function("segment 1M customers", |b| {
        b.iter(|| {
            black_box(
                model
                    .segment(black_box(&traits), Threshold::Raw(3.5))
                    .expect("valid"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
