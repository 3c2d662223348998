//! Hostile keys and data for `scoring`: sizes over the documented limits are refused
//! before allocating, text ids survive scoring, text in item columns is refused with
//! its place.

use cocreate_core::data::Table;
use cocreate_core::scoring::{
    builtin, Instrument, Layout, MissingPolicy, ResponseRange, Responses, Scale, Scorer,
    ScoringError, ScoringOptions, MAX_CELLS, MAX_ITEMS, MAX_ITEMS_PER_SCALE, MAX_KEYED_ITEMS,
    MAX_SCALES,
};

fn items(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn range() -> ResponseRange {
    ResponseRange::new(1.0, 5.0).unwrap()
}

#[test]
fn ten_thousand_items_in_one_scale_is_an_error_not_an_abort() {
    let n = 10_000;
    let err = Scale::new("S", items("i", n), vec![false; n]).unwrap_err();
    assert!(
        matches!(err, ScoringError::TooLarge { found: 10_000, limit, .. } if limit == MAX_ITEMS_PER_SCALE)
    );
    assert!(err.to_string().contains("scale \"S\""), "{err}");
    // The same through the JSON keys.
    #[cfg(feature = "serde")]
    {
        let json = format!(
            r#"{{"name": "big", "scale_min": 1, "scale_max": 5, "scales": [{{"name": "S", "items": {:?}, "reverse": {:?}}}]}}"#,
            items("i", n),
            vec![false; n]
        );
        let err = Instrument::from_json_str(&json).unwrap_err();
        assert!(err.to_string().contains("exceeds the limit"), "{err}");
    }
    // At the limit it is accepted.
    assert!(Scale::new(
        "S",
        items("i", MAX_ITEMS_PER_SCALE),
        vec![false; MAX_ITEMS_PER_SCALE]
    )
    .is_ok());
}

#[test]
fn scales_items_and_keyed_items_are_bounded() {
    let scales: Vec<Scale> = (0..=MAX_SCALES)
        .map(|s| Scale::new(format!("s{s}"), vec![format!("x{s}")], vec![false]).unwrap())
        .collect();
    let err = Instrument::new("many", range(), scales).unwrap_err();
    assert!(err.to_string().contains("number of scales"), "{err}");
    // Distinct items over the limit, each scale within its own.
    let per = 400;
    let scales: Vec<Scale> = (0..MAX_ITEMS / per + 1)
        .map(|s| {
            Scale::new(
                format!("s{s}"),
                items(&format!("s{s}_"), per),
                vec![false; per],
            )
            .unwrap()
        })
        .collect();
    let err = Instrument::new("wide", range(), scales).unwrap_err();
    assert!(err.to_string().contains("distinct items"), "{err}");
    // The same items keyed into many scales.
    let shared = items("x", per);
    let scales: Vec<Scale> = (0..MAX_KEYED_ITEMS / per + 1)
        .map(|s| Scale::new(format!("s{s}"), shared.clone(), vec![false; per]).unwrap())
        .collect();
    let err = Instrument::new("deep", range(), scales).unwrap_err();
    assert!(err.to_string().contains("keyed items"), "{err}");
}

#[test]
fn byte_code_batches_are_bounded_before_allocating() {
    let tipi = builtin::tipi();
    let n = MAX_CELLS / 10 + 1;
    // An empty buffer: the size is refused before its length is compared.
    let err = Responses::from_codes(&tipi, n, Vec::new(), Layout::RowMajor).unwrap_err();
    assert!(matches!(err, ScoringError::TooLarge { .. }), "{err:?}");
    let err =
        Responses::from_codes(&tipi, usize::MAX, Vec::new(), Layout::ColumnMajor).unwrap_err();
    assert!(matches!(err, ScoringError::TooLarge { .. }), "{err:?}");
}

#[test]
fn text_ids_survive_scoring_and_to_table() {
    let csv = "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\n\
               R1000,1,2,3,4,5,6,7,1,2,3\n\
               R1001,7,6,5,4,3,2,1,7,6,5\n\
               R1002,,,,,,,,,,\n";
    let tipi = builtin::tipi();
    let table = Table::from_csv_reader(csv.as_bytes()).unwrap();
    let r = Responses::from_table(&tipi, &table).unwrap();
    assert_eq!(r.ids().unwrap(), ["R1000", "R1001", "R1002"]);
    let scorer = Scorer::new(&tipi, ScoringOptions::new()).unwrap();
    let scores = scorer.score(&r).unwrap();
    assert_eq!(scores.ids().unwrap(), ["R1000", "R1001", "R1002"]);
    assert_eq!(scores.id_column(), Some("id"));
    assert_eq!(scores.get(2, 0), None); // nothing answered: no score, the row is kept
    let t = scores.to_table().unwrap();
    assert_eq!(t.ids().unwrap(), ["R1000", "R1001", "R1002"]);
    // Selected rows keep their own ids.
    let sub = scorer.score(&r.select_rows(&[2, 0])).unwrap();
    assert_eq!(sub.ids().unwrap(), ["R1002", "R1000"]);
    // Imputing paths carry them too.
    let med = Scorer::new(
        &tipi,
        ScoringOptions::new().missing(MissingPolicy::ImputeMedian),
    )
    .unwrap();
    assert_eq!(med.score(&r).unwrap().ids().unwrap().len(), 3);
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(&scores).unwrap();
        let back: cocreate_core::scoring::Scores = serde_json::from_str(&json).unwrap();
        assert_eq!(back, scores);
        assert_eq!(back.ids().unwrap()[0], "R1000");
    }
}

#[test]
fn text_in_item_columns_names_line_column_and_text() {
    let tipi = builtin::tipi();
    for (cell, shown) in [
        ("agree", "agree"),
        ("NaN", "NaN"),
        ("inf", "inf"),
        ("1e999", "1e999"),
    ] {
        let csv = format!("id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\n1,1,2,3,4,5,6,7,1,2,3\n2,1,2,3,{cell},5,6,7,1,2,3\n");
        let table = Table::from_csv_reader(csv.as_bytes()).unwrap();
        let err = Responses::from_table(&tipi, &table)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("Q4") && err.contains(shown),
            "{err}"
        );
    }
    let csv = "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\n1,1,2,3,4,5,6,7,1,2,1e300\n";
    let table = Table::from_csv_reader(csv.as_bytes()).unwrap();
    let err = Responses::from_table(&tipi, &table)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("outside the response range") && err.contains("Q10"),
        "{err}"
    );
}

#[test]
fn header_only_and_empty_data_score_to_nothing_or_say_why() {
    let tipi = builtin::tipi();
    let table = Table::from_csv_reader("id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\n".as_bytes()).unwrap();
    let r = Responses::from_table(&tipi, &table).unwrap();
    let scorer = Scorer::new(&tipi, ScoringOptions::new()).unwrap();
    assert_eq!(scorer.score(&r).unwrap().n_respondents(), 0);
    let err = scorer.reliability(&r).unwrap_err();
    assert!(
        matches!(err, ScoringError::TooFewRespondents { .. }),
        "{err:?}"
    );
}

#[test]
fn min_answered_problems_are_option_errors() {
    let tipi = builtin::tipi();
    for k in [0, 3] {
        let err = Scorer::new(
            &tipi,
            ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: k }),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                ScoringError::MinAnsweredZero | ScoringError::MinAnsweredAboveScale { .. }
            ),
            "{err:?}"
        );
    }
}
