//! Ordered items: thresholds and polychoric correlations (lavaan `lavCor(ordered = TRUE)`)
//! and their asymptotic covariance matrix Γ (lavaan's NACOV, what WLSMV needs). Target: the
//! polychoric matrix of the 36 co-creation items × 522 respondents ≤ 20 ms; the WLSMV fit
//! of the 8-factor co-creation CFA (all 36 items ordered) ≤ 50 ms. Also the same CFA by
//! gender (configural, and with thresholds and loadings held equal) and the invariance
//! sequence of ordered items for the two-factor model (no target of their own).

use cocreate::core::data::Table;
use cocreate::core::ordinal::{lav_cor, LavCorOptions, Ordered};
use cocreate::core::sem::{
    measurement_invariance, GroupEqual, InvarianceOptions, Model, SemOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};

const ITEMS: [&str; 36] = [
    "O1", "O2", "O3", "O4", "O5", "C1", "C2", "C3", "C4", "C5", "E1", "E2", "E3", "E4", "E5", "A1",
    "A2", "A3", "A4", "N1", "N2", "N3", "N4", "II1", "II2", "II3", "II4", "II5", "II6", "EI1",
    "EI2", "EI3", "EI4", "WTC1", "WTC2", "WTC3",
];

/// The bundled survey's keyed item answers (522 respondents).
fn keyed_items() -> Table {
    Table::from_csv_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/cocreation_keyed_items.csv"
    ))
    .unwrap()
}

/// The measurement part (`=~` lines) of the bundled co-creation SEM: the 8-factor CFA.
fn measurement_model() -> Model {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/cocreation_sem.lav"
    ))
    .unwrap();
    let measurement: Vec<&str> = text.lines().filter(|l| l.contains("=~")).collect();
    Model::parse(&measurement.join("\n")).unwrap()
}

fn bench_polychoric(c: &mut Criterion) {
    let table = keyed_items();
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
    let table = keyed_items();
    let model = measurement_model();
    let options = SemOptions::builder().ordered(Ordered::All).build().unwrap();
    c.bench_function("WLSMV 8-factor CFA, 36 ordered items x 522 rows", |b| {
        b.iter(|| model.fit(&table, &options).unwrap())
    });
}

fn bench_wlsmv_groups(c: &mut Criterion) {
    let all = keyed_items();
    // Without the 14 rows of gender 3, in which a category of II1 is empty.
    let g = all.column_index("gender").unwrap();
    let rows: Vec<Vec<Option<f64>>> = (0..all.n_rows())
        .filter(|&r| all.get(r, g) != Some(3.0))
        .map(|r| (0..all.n_cols()).map(|c| all.get(r, c)).collect())
        .collect();
    let table = Table::new(all.names().to_vec(), rows).unwrap();
    let model = measurement_model();
    let by_gender = SemOptions::builder()
        .ordered(Ordered::All)
        .group("gender")
        .build()
        .unwrap();
    let mut grp = c.benchmark_group("wlsmv_groups");
    grp.sample_size(10);
    grp.bench_function("8-factor CFA by gender, configural", |b| {
        b.iter(|| model.fit(&table, &by_gender).unwrap())
    });
    let scalar = by_gender
        .to_builder()
        .group_equal([GroupEqual::Thresholds, GroupEqual::Loadings])
        .build()
        .unwrap();
    grp.bench_function(
        "8-factor CFA by gender, thresholds and loadings equal",
        |b| b.iter(|| model.fit(&table, &scalar).unwrap()),
    );
    let two = Model::parse("II =~ II1 + II2 + II3 + II4\nEI =~ EI1 + EI2 + EI3 + EI4").unwrap();
    grp.bench_function("invariance sequence, two factors by gender", |b| {
        b.iter(|| {
            measurement_invariance(&two, &table, &by_gender, &InvarianceOptions::default()).unwrap()
        })
    });
    grp.finish();
}

criterion_group!(benches, bench_polychoric, bench_wlsmv, bench_wlsmv_groups);
criterion_main!(benches);
