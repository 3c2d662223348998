//! Measurement validity, factor scores and ω hierarchical. Target: HTMT + composite
//! reliability + AVE of the 8-factor co-creation CFA ≤ 1 ms (the fit itself excluded).

use cocreate::core::data::Table;
use cocreate::core::scoring::omega_hierarchical_from_table;
use cocreate::core::sem::{
    factor_scores, measurement_validity, FactorScoreMethod, FactorScoreOptions, Model, SemOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn data(path: &str) -> Table {
    Table::from_csv_path(format!(
        "{}/{path}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/..")
    ))
    .unwrap()
}

/// The measurement part of the bundled co-creation SEM: the 8-factor CFA.
fn cfa() -> Model {
    let text = std::fs::read_to_string(format!(
        "{}/examples/data/cocreation_sem.lav",
        concat!(env!("CARGO_MANIFEST_DIR"), "/..")
    ))
    .unwrap();
    let measurement: Vec<&str> = text.lines().filter(|l| l.contains("=~")).collect();
    Model::parse(&measurement.join("\n")).unwrap()
}

fn bench_validity(c: &mut Criterion) {
    let items = data("examples/data/cocreation_keyed_items.csv");
    let fit = cfa().fit(&items, &SemOptions::default()).unwrap();
    c.bench_function("validity cocreation 8-factor CFA (HTMT + CR + AVE)", |b| {
        b.iter(|| measurement_validity(&fit).unwrap())
    });
    for method in [FactorScoreMethod::Regression, FactorScoreMethod::Bartlett] {
        let opts = FactorScoreOptions::new(method).id_column("id");
        c.bench_function(
            &format!("factor scores {method} cocreation CFA 522 rows"),
            |b| b.iter(|| factor_scores(&fit, &items, &opts).unwrap()),
        );
    }
}

fn bench_omega(c: &mut Criterion) {
    let bfi = data("crates/cocreate-core/tests/data/bfi.csv");
    let names: Vec<String> = bfi.names()[1..26].to_vec();
    c.bench_function("omega_h bfi 25 items 5 factors (from data)", |b| {
        b.iter(|| omega_hierarchical_from_table(&bfi, &names, 5).unwrap())
    });
    c.bench_function("omega_h bfi 25 items 3 factors (from data)", |b| {
        b.iter(|| omega_hierarchical_from_table(&bfi, &names, 3).unwrap())
    });
}

criterion_group!(benches, bench_validity, bench_omega);
criterion_main!(benches);
