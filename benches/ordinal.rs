//! Ordered items: thresholds and polychoric correlations (lavaan `lavCor(ordered = TRUE)`)
//! and their asymptotic covariance matrix Γ (lavaan's NACOV, what WLSMV needs). Target: the
//! polychoric matrix of the 36 co-creation items × 522 respondents ≤ 20 ms; the WLSMV fit
//! of the 8-factor co-creation CFA (all 36 items ordered) ≤ 50 ms.

use cocreate::core::data::Table;
use cocreate::core::ordinal::{lav_cor, LavCorOptions, Ordered};
use cocreate::core::sem::{Model, SemOptions};
use criterion::{criterion_group, criterion_main, Criterion};

const ITEMS: [&str; 36] = [
    "O1", "O2", "O3", "O4", "O5", "C1", "C2", "C3", "C4", "C5", "E1", "E2", "E3", "E4", "E5", "A1",
    "A2", "A3", "A4", "N1", "N2", "N3", "N4", "II1", "II2", "II3", "II4", "II5", "II6", "EI1",
    "EI2", "EI3", "EI4", "WTC1", "WTC2", "WTC3",
];

fn bench_polychoric(c: &mut Criterion) {
    let table = Table::from_csv_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/cocreation_keyed_items.csv"
    ))
    .unwrap();
    let only_items = LavCorOptions::builder().variables(ITEMS).build().unwrap();
    c.bench_function("polychoric matrix 36 items x 522 rows", |b| {
        b.iter(|| lav_cor(&table, &only_items).unwrap())
    });
    let with_gamma = only_items.to_builder().nacov(true).build().unwrap();
    c.bench_function("polychoric matrix + NACOV 36 items x 522 rows", |b| {
        b.iter(|| lav_cor(&table, &with_gamma).unwrap())
    });
}

fn bench_wlsmv(c: &mut Criterion) {
    let table = Table::from_csv_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/cocreation_keyed_items.csv"
    ))
    .unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/cocreation_sem.lav"
    ))
    .unwrap();
    let measurement: Vec<&str> = text.lines().filter(|l| l.contains("=~")).collect();
    let model = Model::parse(&measurement.join("\n")).unwrap();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    c.bench_function("WLSMV 8-factor CFA, 36 ordered items x 522 rows", |b| {
        b.iter(|| model.fit(&table, &options).unwrap())
    });
}

criterion_group!(benches, bench_polychoric, bench_wlsmv);
criterion_main!(benches);
