//! Modification indices against lavaan 0.6-14's `modindices()` (all rows, its order):
//! mi to 1e-3 relative, epc and the standardised epcs to 1e-4.

mod common;

use cocreate_core::sem::{Missing, Model, SemOptions};
use serde_json::Value;

fn compare(name: &str, data: &str) -> (f64, f64) {
    compare_with(
        &common::reference(&format!("ext/{name}")),
        &common::table(data),
    )
}

fn compare_with(r: &Value, data: &cocreate_core::data::Table) -> (f64, f64) {
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model.fit(data, &SemOptions::default()).unwrap();
    let mi = fit.modification_indices().unwrap();
    let want = r["modindices"].as_array().unwrap();
    let got: Vec<String> = mi
        .iter()
        .map(|m| format!("{} {} {}", m.lhs, m.op.as_str(), m.rhs))
        .collect();
    let exp: Vec<String> = want
        .iter()
        .map(|w| {
            format!(
                "{} {} {}",
                w["lhs"].as_str().unwrap(),
                w["op"].as_str().unwrap(),
                w["rhs"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(got, exp, "rows and order");
    let (mut max_mi, mut max_epc) = (0.0f64, 0.0f64);
    for (m, w) in mi.iter().zip(want) {
        let id = format!("{} {} {}", m.lhs, m.op.as_str(), m.rhs);
        let wmi = w["mi"].as_f64().unwrap();
        let d = (m.mi - wmi).abs() / wmi.abs().max(1.0);
        max_mi = max_mi.max(d);
        assert!(d < 1e-3, "{id} mi: {} vs {wmi}", m.mi);
        for (k, v) in [
            ("epc", m.epc),
            ("sepc.lv", m.sepc_lv),
            ("sepc.all", m.sepc_all),
            ("sepc.nox", m.sepc_nox),
        ] {
            let wv: &Value = &w[k];
            let d = (v - wv.as_f64().unwrap()).abs();
            max_epc = max_epc.max(d);
            assert!(d < 1e-4, "{id} {k}: {v} vs {wv}");
        }
    }
    (max_mi, max_epc)
}

#[test]
fn hs_cfa_modification_indices_match_lavaan() {
    let (a, b) = compare("mi_hs_cfa", "HolzingerSwineford1939.csv");
    println!("mi_hs_cfa: mi relative {a:e}, epc {b:e}");
}

#[test]
fn pd_sem_modification_indices_match_lavaan() {
    let (a, b) = compare("mi_pd_sem", "PoliticalDemocracy.csv");
    println!("mi_pd_sem: mi relative {a:e}, epc {b:e}");
}

#[test]
fn cocreation_sem_modification_indices_match_lavaan() {
    // 887 rows, with regressions among the latent variables as candidates.
    let r = common::reference("mi_cocreation_sem");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/data/cocreation_keyed_items.csv"
    );
    let data = cocreate_core::data::Table::from_csv_path(path).unwrap();
    let (a, b) = compare_with(&r, &data);
    println!("mi_cocreation_sem: mi relative {a:e}, epc {b:e}");
}

#[test]
fn filter_and_sort() {
    let r = common::reference("ext/mi_hs_cfa");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let fit = model
        .fit(
            &common::table("HolzingerSwineford1939.csv"),
            &SemOptions::default(),
        )
        .unwrap();
    let top = fit.modification_indices_above(10.0, true).unwrap();
    assert_eq!(
        top.iter()
            .map(|m| format!("{} {} {}", m.lhs, m.op.as_str(), m.rhs))
            .collect::<Vec<_>>(),
        ["visual =~ x9", "x7 ~~ x8", "visual =~ x7", "x8 ~~ x9"]
    );
    assert!(fit.modification_indices_above(f64::NAN, false).is_err());
    let all = fit.modification_indices_above(0.0, false).unwrap();
    assert_eq!(all, fit.modification_indices().unwrap());
}

#[test]
fn fiml_fits_are_refused_with_a_reason() {
    let r = common::reference("ext/mi_hs_cfa");
    let model = Model::parse(r["syntax"].as_str().unwrap()).unwrap();
    let opts = SemOptions::builder().missing(Missing::Ml).build().unwrap();
    let fit = model
        .fit(&common::table("HolzingerSwineford1939.csv"), &opts)
        .unwrap();
    let err = fit.modification_indices().unwrap_err();
    assert!(err.to_string().contains("complete data"), "{err}");
}

mod props {
    use cocreate_core::data::Table;
    use cocreate_core::sem::{Model, SemOptions};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    /// Six indicators of two correlated factors; column `col` times `k`.
    fn data(seed: u64, n: usize, col: usize, k: f64) -> Table {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let rows = (0..n)
            .map(|_| {
                let f: f64 = rng.r#gen::<f64>() - 0.5;
                let g: f64 = 0.5 * f + rng.r#gen::<f64>() - 0.5;
                (0..6)
                    .map(|j| {
                        let base = if j < 3 { f } else { g };
                        let v = base * (1.0 + j as f64 * 0.1) + 0.4 * (rng.r#gen::<f64>() - 0.5);
                        Some(if j == col { v * k } else { v })
                    })
                    .collect()
            })
            .collect();
        let names = ["x1", "x2", "x3", "y1", "y2", "y3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Table::new(names, rows).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        #[test]
        fn indices_are_nonnegative_and_scale_free(
            seed in 0u64..10_000, n in 60usize..200, col in 0usize..6, k in 0.2f64..5.0
        ) {
            let model = Model::parse("f =~ x1 + x2 + x3\ng =~ y1 + y2 + y3").unwrap();
            let opts = SemOptions::default();
            let a = model.fit(&data(seed, n, col, 1.0), &opts).unwrap().modification_indices().unwrap();
            let b = model.fit(&data(seed, n, col, k), &opts).unwrap().modification_indices().unwrap();
            prop_assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                prop_assert!(x.mi >= -1e-9);
                prop_assert!((x.mi - y.mi).abs() < 1e-5 * (1.0 + x.mi), "{} {}: {} vs {}", x.lhs, x.rhs, x.mi, y.mi);
                prop_assert!((x.sepc_all - y.sepc_all).abs() < 1e-5, "{} {}", x.lhs, x.rhs);
            }
        }
    }
}
