//! Every public data type of `scoring` and `data` round-trips through serde (JSON), and
//! the validated ones are read back through their constructors: a serialised value
//! broken by hand is refused with the constructor's message.
#![cfg(feature = "serde")]

use std::fmt::Debug;

use cocreate_core::data::{CsvOptions, Join, JoinSide, Table};
use cocreate_core::scoring::{
    builtin, careless, omega_hierarchical_from_table, CellPosition, Layout, LoadingTable,
    MissingPolicy, Norms, PercentileMethod, PercentilePoint, Reliability, Responses, ReverseRange,
    Scale, ScaleNorm, Scorer, Scores, ScoringOptions,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Serialises `value`, reads it back, and checks that nothing changed.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
    json
}

/// Some answers to the bundled co-creation survey's keys, with ids and a missing answer.
fn survey() -> (Scorer, Responses) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let keys =
        cocreate_core::scoring::Instrument::from_json_path(format!("{dir}/cocreation_keys.json"))
            .unwrap();
    let responses =
        Responses::from_csv_path(&keys, format!("{dir}/cocreation_survey.csv")).unwrap();
    let scorer = Scorer::new(
        &keys,
        ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 2 }),
    )
    .unwrap();
    (scorer, responses)
}

#[test]
fn instruments_scales_ranges_and_norms() {
    for inst in [builtin::tipi(), builtin::bfi2(), builtin::psych_bfi25()] {
        round_trip(&inst);
        for scale in inst.scales() {
            round_trip(scale);
        }
        round_trip(inst.notes());
        round_trip(&inst.range());
    }
    let norms = Norms::new(
        "illustrative",
        vec![ScaleNorm::new("E", 4.4, 1.4)
            .unwrap()
            .with_n(300)
            .with_percentiles(vec![
                PercentilePoint {
                    score: 2.0,
                    percentile: 10.0,
                },
                PercentilePoint {
                    score: 6.0,
                    percentile: 90.0,
                },
            ])
            .unwrap()],
    )
    .unwrap();
    round_trip(&norms);
    let tipi = builtin::tipi().with_norms(norms.clone()).unwrap();
    round_trip(&tipi);
    let scores = Scorer::new(&tipi, ScoringOptions::new())
        .unwrap()
        .score(&Responses::from_rows(&tipi, &[vec![Some(4.0); 10], vec![Some(6.0); 10]]).unwrap())
        .unwrap();
    let normed = norms.apply(&tipi, &scores).unwrap();
    round_trip(&normed);
    round_trip(&normed.get(0, "E").unwrap());
    round_trip(&PercentileMethod::Table);
    // A scale broken by hand is refused as the constructor refuses it.
    let err = serde_json::from_str::<Scale>(
        r#"{"name": "A", "items": ["a", "a"], "reverse": [false, true]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"a\" appears twice"), "{err}");
}

#[test]
fn answers_options_scorers_and_scores() {
    let (scorer, responses) = survey();
    let json = round_trip(&responses);
    assert!(json.contains("\"id_column\":\"id\""));
    round_trip(&scorer);
    round_trip(scorer.options());
    round_trip(&MissingPolicy::ImputeMedian);
    round_trip(&ReverseRange::Observed);
    round_trip(&Layout::ColumnMajor);
    round_trip(&CellPosition::new(3, Some(4)));
    let scores: Scores = scorer.score(&responses).unwrap();
    round_trip(&scores);
    round_trip(&scores.respondent(0));
    round_trip(&scores.describe());
    // Answers outside the range are refused when read back.
    let broken = json.replacen("[5.0", "[9.0", 1).replacen("[5,", "[9,", 1);
    if broken != json {
        let err = serde_json::from_str::<Responses>(&broken).unwrap_err();
        assert!(
            err.to_string().contains("outside the response range"),
            "{err}"
        );
    }
    let imputing = Scorer::new(
        scorer.instrument(),
        ScoringOptions::new().missing(MissingPolicy::ImputeMean),
    )
    .unwrap()
    .with_imputation_values(vec![3.0; scorer.instrument().items().len()])
    .unwrap();
    round_trip(&imputing);
}

#[test]
fn reliability_omega_and_careless_indices() {
    let (scorer, responses) = survey();
    let rel: Reliability = scorer.reliability(&responses).unwrap();
    round_trip(&rel);
    for s in &rel.scales {
        round_trip(s);
        round_trip(s.omega.as_ref().unwrap());
        for it in &s.items {
            round_trip(it);
        }
    }
    round_trip(&rel.item_scale);
    let table = responses.to_table().unwrap();
    let items = scorer.instrument().scale("II").unwrap().items().to_vec();
    let om = omega_hierarchical_from_table(&table, &items, 2).unwrap();
    round_trip(&om);
    round_trip(&om.schmid_leiman);
    round_trip(&om.omega_group[0]);
    assert!(LoadingTable::new(vec!["a".into()], vec![], vec![vec![1.0]]).is_err());
    let idx = careless::indices(scorer.instrument(), &responses).unwrap();
    round_trip(&idx[0]);
    round_trip(&idx[0].mahalanobis.unwrap());
}

#[test]
fn tables_csv_options_and_joins() {
    let t = Table::from_csv_str("id,x,y\nR1,1,NA\nR2,2.5,3\n").unwrap();
    let json = serde_json::to_string(&t).unwrap();
    let back: Table = serde_json::from_str(&json).unwrap();
    // Source lines are not serialised; names, cells and identifiers are.
    assert_eq!(back.names(), t.names());
    assert_eq!(back.values().len(), t.values().len());
    assert_eq!(back.ids(), t.ids());
    assert_eq!(back.column("y").unwrap(), t.column("y").unwrap());
    round_trip(&back);
    round_trip(
        &CsvOptions::builder()
            .delimiter(b';')
            .id_column("code")
            .build()
            .unwrap(),
    );
    assert!(serde_json::from_str::<CsvOptions>(r#"{"delimiter": 34}"#).is_err());
    let other = Table::from_csv_str("id,z\nR2,7\nR3,8\n").unwrap();
    let (_, report) = t.join(&other, Join::Outer).unwrap();
    round_trip(&report);
    round_trip(&JoinSide::Right);
    let warned = Table::from_csv_str("x,y\n1,2\nn/a,3\n").unwrap();
    round_trip(&warned.warnings());
}
