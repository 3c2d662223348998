//! Multiple groups: the measurement-invariance sequence (configural, metric, scalar,
//! strict: four multiple-group fits and their comparisons) of the three-factor CFA on
//! HolzingerSwineford1939 by school. Target: ≤ 10 ms single-threaded. Also one
//! configural fit (ML, MLR, and full-information ML and MLR with FIML on a copy with holes
//! in x2 and x6) and the co-creation path model by gender with equal regressions.

use cocreate::core::data::{CsvOptions, Table};
use cocreate::core::sem::{
    measurement_invariance, Estimator, GroupEqual, InvarianceOptions, Missing, Model, SemOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn path(name: &str) -> String {
    format!(
        "{}/examples/data/{name}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/..")
    )
}

fn bench_invariance(c: &mut Criterion) {
    let hs = Table::from_csv_path_with(
        path("HolzingerSwineford1939.csv"),
        &CsvOptions::builder().id_column("school").build().unwrap(),
    )
    .unwrap();
    let model =
        Model::parse("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9")
            .unwrap();
    let by_school = SemOptions::builder().group("school").build().unwrap();
    let inv = InvarianceOptions::default();
    c.bench_function("invariance hs by school (4 models)", |b| {
        b.iter(|| measurement_invariance(&model, &hs, &by_school, &inv).unwrap())
    });
    c.bench_function("hs by school configural fit", |b| {
        b.iter(|| model.fit(&hs, &by_school).unwrap())
    });
    // The same data with x2 missing in every 7th row and x6 in every 11th (as mg.gen).
    let holes = {
        let rows: Vec<Vec<Option<f64>>> = (0..hs.n_rows())
            .map(|r| {
                (0..hs.n_cols())
                    .map(|c| {
                        let name = hs.names()[c].as_str();
                        let hole = (name == "x2" && (r + 2) % 7 == 0)
                            || (name == "x6" && (r + 2) % 11 == 0);
                        if hole {
                            None
                        } else {
                            hs.get(r, c)
                        }
                    })
                    .collect()
            })
            .collect();
        let labels: Vec<Option<String>> = hs
            .text("school")
            .unwrap()
            .iter()
            .map(|t| Some(t.clone()))
            .collect();
        (Table::new(hs.names().to_vec(), rows).unwrap(), labels)
    };
    for (name, estimator, missing) in [
        (
            "hs by school configural fit, MLR",
            Estimator::Mlr,
            Missing::Listwise,
        ),
        (
            "hs by school configural fit, FIML",
            Estimator::Ml,
            Missing::Ml,
        ),
        (
            "hs by school configural fit, MLR with FIML",
            Estimator::Mlr,
            Missing::Ml,
        ),
    ] {
        let opts = SemOptions::builder()
            .group("school")
            .estimator(estimator)
            .missing(missing)
            .build()
            .unwrap();
        c.bench_function(name, |b| {
            b.iter(|| {
                if missing == Missing::Listwise {
                    model.fit(&hs, &opts).unwrap()
                } else {
                    model
                        .fit_with_group_labels(&holes.0, &holes.1, &opts)
                        .unwrap()
                }
            })
        });
    }
}

fn bench_regressions(c: &mut Criterion) {
    // The composites with a two-level grouping column (odd and even rows), as a firm's
    // new and loyal customers would be.
    let comp = Table::from_csv_path(path("cocreation_composites.csv")).unwrap();
    let mut names = comp.names().to_vec();
    names.push("segment".into());
    let rows: Vec<Vec<Option<f64>>> = (0..comp.n_rows())
        .map(|r| {
            let mut v: Vec<Option<f64>> = (0..comp.n_cols()).map(|c| comp.get(r, c)).collect();
            v.push(Some((r % 2) as f64));
            v
        })
        .collect();
    let data = Table::new(names, rows).unwrap();
    let model = Model::parse(
        "II ~ O + C + E + A + N\nEI ~ O + C + E + A + N\nWTC ~ II + EI + O + C + E + A + N\nII ~~ EI",
    )
    .unwrap();
    let opts = SemOptions::builder()
        .group("segment")
        .group_equal([GroupEqual::Regressions])
        .build()
        .unwrap();
    c.bench_function("cocreation path by segment, equal regressions", |b| {
        b.iter(|| model.fit(&data, &opts).unwrap())
    });
}

criterion_group!(benches, bench_invariance, bench_regressions);
criterion_main!(benches);
