//! Ordinal reliability (α, λ6, ω total on the polychoric matrix of the keyed items)
//! against psych 2.2.9 on lavaan's polychoric matrix, per construct of the co-creation
//! survey. Reference: `tests/data/ordinal/reliability.json`
//! (`docs/reference-scripts/ordinal_polychoric.R`). The instruments are read from JSON,
//! so the tests need the `serde` feature.
#![cfg(feature = "serde")]

mod common;

use cocreate_core::data::Table;
use cocreate_core::ordinal::OrdinalError;
use cocreate_core::scoring::{Instrument, Responses, Scorer, ScoringError, ScoringOptions};
use common::{data_path, reference};

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn ordinal_alpha_and_omega_match_psych_on_lavaan_polychorics() {
    let r = reference("ordinal/reliability");
    let inst = Instrument::from_json_path(data_path("cocreation_keys.json")).unwrap();
    let table = Table::from_csv_path(data_path("cocreation_survey.csv")).unwrap();
    let answers = Responses::from_table(&inst, &table).unwrap();
    let scorer = Scorer::new(&inst, ScoringOptions::new()).unwrap();
    let ordinal = scorer.ordinal_reliability(&answers).unwrap();
    assert!(ordinal.skipped.is_empty());
    let (mut da, mut dg, mut dr, mut dw, mut dpsych) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for s in r["scales"].as_array().unwrap() {
        let name = s["scale"].as_str().unwrap();
        let ours = ordinal.scale(name).unwrap();
        assert_eq!(ours.n_used, 522);
        da = da.max((ours.alpha - f(&s["alpha"])).abs());
        dg = dg.max((ours.g6 - f(&s["G6"])).abs());
        dr = dr.max((ours.average_r - f(&s["average_r"])).abs());
        dw = dw.max((ours.omega_total.as_ref().unwrap().value - f(&s["omega_total"])).abs());
        // psych's own polychoric route lands within a few 1e-6.
        dpsych = dpsych.max((ours.alpha - f(&s["psych_polychoric"]["alpha"])).abs());
    }
    eprintln!(
        "ordinal reliability: alpha {da:.1e}, G6 {dg:.1e}, mean r {dr:.1e}, omega {dw:.1e}; psych's polychoric route alpha {dpsych:.1e}"
    );
    assert!(da < 1e-6 && dg < 1e-6 && dr < 1e-6 && dw < 1e-6);
    assert!(dpsych < 1e-5);
    let text = ordinal.to_string();
    assert!(
        text.contains("ordinal α") && text.lines().count() >= 9,
        "{text}"
    );
}

#[test]
fn scales_of_one_item_are_skipped_and_bad_answers_refused() {
    let inst = Instrument::from_json_str(
        r#"{"name": "t", "scale_min": 1, "scale_max": 5, "scales": [
            {"name": "one", "items": ["a"], "reverse": [false]},
            {"name": "two", "items": ["b", "c"], "reverse": [false, true]}]}"#,
    )
    .unwrap();
    let rows: Vec<Vec<Option<f64>>> = (0..40)
        .map(|i| {
            let x = (i % 5 + 1) as f64;
            vec![Some(x), Some(x), Some(((i * 3) % 5 + 1) as f64)]
        })
        .collect();
    let answers = Responses::from_rows(&inst, &rows).unwrap();
    let scorer = Scorer::new(&inst, ScoringOptions::new()).unwrap();
    let ordinal = scorer.ordinal_reliability(&answers).unwrap();
    assert_eq!(ordinal.scales.len(), 1);
    assert_eq!(ordinal.skipped[0].0, "one");
    let two = ordinal.scale("two").unwrap();
    assert!(two.omega_total.is_none());
    // c enters reversed: 6 − c.
    assert_eq!(two.polychoric.variables.len(), 2);

    // One answered category in an item: refused, naming it.
    let constant: Vec<Vec<Option<f64>>> = (0..10)
        .map(|i| vec![Some(1.0), Some((i % 3 + 1) as f64), Some(3.0)])
        .collect();
    let answers = Responses::from_rows(&inst, &constant).unwrap();
    let err = scorer.ordinal_reliability(&answers).unwrap_err();
    assert!(
        matches!(&err, ScoringError::Ordinal { scale, source: OrdinalError::OneCategory { variable, .. } } if scale == "two" && variable == "c"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "scale \"two\": variable \"c\" has only one answered category (3) among the 10 rows used: an ordered variable needs at least two"
    );
}
