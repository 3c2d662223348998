//! SEM hot paths: complete-data ML fits (estimates, SEs, fit indices), the bootstrap and
//! FIML. Targets (single-threaded): pd_sem ≤ 0.5 ms, cocreation_sem ≤ 3 ms, 5000
//! bootstrap replicates of cocreation_path ≤ 400 ms, FIML on the survey with 3% missing
//! ≤ 150 ms; MLR on cocreation_sem ≤ 2× its ML fit; MLR with FIML on the survey with 3%
//! missing ≤ 2× its FIML fit; all its modification indices ≤ 5 ms.

use cocreate::core::data::Table;
use cocreate::core::sem::{Estimator, Missing, Model, SeMethod, SemOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};

fn data(name: &str) -> Table {
    Table::from_csv_path(format!(
        "{}/examples/data/{name}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/..")
    ))
    .unwrap()
}

fn model(name: &str) -> Model {
    let text = std::fs::read_to_string(format!(
        "{}/examples/data/{name}.lav",
        concat!(env!("CARGO_MANIFEST_DIR"), "/..")
    ))
    .unwrap();
    Model::parse(&text).unwrap()
}

/// The keyed survey with 3% of the item answers removed at random (seeded).
pub fn survey_with_missing() -> Table {
    let t = data("cocreation_keyed_items.csv");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20240603);
    let names = t.names().to_vec();
    let rows = (0..t.n_rows())
        .map(|r| {
            (0..t.n_cols())
                .map(|c| {
                    let v = t.get(r, c);
                    if c >= 3 && rng.r#gen::<f64>() < 0.03 {
                        None
                    } else {
                        v
                    }
                })
                .collect()
        })
        .collect();
    Table::new(names, rows).unwrap()
}

fn bench_ml(c: &mut Criterion) {
    let opts = SemOptions::default();
    let pd = (model("pd_sem"), data("PoliticalDemocracy.csv"));
    c.bench_function("pd_sem fit", |b| b.iter(|| pd.0.fit(&pd.1, &opts).unwrap()));
    let cs = (model("cocreation_sem"), data("cocreation_keyed_items.csv"));
    c.bench_function("cocreation_sem fit", |b| {
        b.iter(|| cs.0.fit(&cs.1, &opts).unwrap())
    });
}

fn bench_bootstrap(c: &mut Criterion) {
    let opts = SemOptions::builder()
        .se(SeMethod::Bootstrap)
        .bootstrap(5000)
        .seed(1)
        .build()
        .unwrap();
    let cp = (model("cocreation_path"), data("cocreation_composites.csv"));
    let mut g = c.benchmark_group("bootstrap");
    g.sample_size(10);
    g.bench_function("cocreation_path 5000 replicates", |b| {
        b.iter(|| cp.0.fit(&cp.1, &opts).unwrap())
    });
    g.finish();
}

fn bench_fiml(c: &mut Criterion) {
    let m = model("cocreation_sem");
    let d = survey_with_missing();
    let mut g = c.benchmark_group("fiml");
    g.sample_size(10);
    for est in [Estimator::Ml, Estimator::Mlr] {
        let opts = SemOptions::builder()
            .missing(Missing::Ml)
            .estimator(est)
            .build()
            .unwrap();
        let name = match est {
            Estimator::Ml => "cocreation_sem 3% missing".to_string(),
            _ => format!("cocreation_sem 3% missing {}", est.as_str()),
        };
        g.bench_function(name, |b| b.iter(|| m.fit(&d, &opts).unwrap()));
    }
    g.finish();
}

fn bench_robust(c: &mut Criterion) {
    let cs = (model("cocreation_sem"), data("cocreation_keyed_items.csv"));
    let mut g = c.benchmark_group("robust");
    for est in [Estimator::Ml, Estimator::Mlm, Estimator::Mlr] {
        let opts = SemOptions::builder().estimator(est).build().unwrap();
        g.bench_function(format!("cocreation_sem {}", est.as_str()), |b| {
            b.iter(|| cs.0.fit(&cs.1, &opts).unwrap())
        });
    }
    g.finish();
}

fn bench_modindices(c: &mut Criterion) {
    let cs = (model("cocreation_sem"), data("cocreation_keyed_items.csv"));
    let fit = cs.0.fit(&cs.1, &SemOptions::default()).unwrap();
    c.bench_function("cocreation_sem modification indices", |b| {
        b.iter(|| fit.modification_indices().unwrap())
    });
}

criterion_group!(
    benches,
    bench_ml,
    bench_bootstrap,
    bench_fiml,
    bench_robust,
    bench_modindices
);
criterion_main!(benches);
