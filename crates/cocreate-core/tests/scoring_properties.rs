//! Property tests of scoring invariants, and garbage fed to every parser.

use cocreate_core::data::Table;
use cocreate_core::scoring::{
    builtin, Instrument, Layout, MissingPolicy, ResponseRange, Responses, Scale, Scorer,
    ScoringOptions, MISSING,
};
use proptest::prelude::*;

/// Two scales over six items of a 1..=5 instrument, with some reversed items.
fn instrument(reverse: [bool; 6]) -> Instrument {
    let items: Vec<String> = (1..=6).map(|i| format!("q{i}")).collect();
    Instrument::new(
        "prop",
        ResponseRange::new(1.0, 5.0).unwrap(),
        vec![
            Scale::new("A", items[..3].to_vec(), reverse[..3].to_vec()).unwrap(),
            Scale::new("B", items[2..].to_vec(), reverse[2..].to_vec()).unwrap_or_else(|_| {
                Scale::new("B", items[3..].to_vec(), reverse[3..].to_vec()).unwrap()
            }),
        ],
    )
    .unwrap()
}

fn policies() -> impl Strategy<Value = MissingPolicy> {
    prop_oneof![
        Just(MissingPolicy::Complete),
        (1usize..=3).prop_map(|m| MissingPolicy::Prorate { min_answered: m }),
        Just(MissingPolicy::ImputeMedian),
        Just(MissingPolicy::ImputeMean),
    ]
}

/// Row-major byte codes: answers 1..=5, or missing.
fn answers(n: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop_oneof![4 => 1u8..=5, 1 => Just(MISSING)], n * 6)
}

/// Every item gets at least one answer (imputation needs one).
fn with_answers(mut codes: Vec<u8>, n: usize) -> Vec<u8> {
    for j in 0..6 {
        if (0..n).all(|r| codes[r * 6 + j] == MISSING) {
            codes[j] = 3;
        }
    }
    codes
}

proptest! {
    #[test]
    fn scoring_into_an_earlier_result_equals_scoring_afresh(
        reverse in prop::array::uniform6(any::<bool>()),
        first_policy in policies(),
        policy in policies(),
        n0 in 1usize..30,
        n in 1usize..30,
        seed_codes in answers(30),
    ) {
        let inst = instrument(reverse);
        let codes = with_answers(seed_codes[..n * 6].to_vec(), n);
        let first = with_answers(seed_codes[seed_codes.len() - n0 * 6..].to_vec(), n0);
        let first = Responses::from_codes(&inst, n0, first, Layout::RowMajor).unwrap();
        let answers = Responses::from_codes(&inst, n, codes, Layout::RowMajor).unwrap();
        // Buffers left by another policy and another batch size must not leak through.
        let earlier = Scorer::new(&inst, ScoringOptions::new().missing(first_policy)).unwrap();
        let mut scores = earlier.score(&first).unwrap();
        let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
        scorer.score_into(&answers, &mut scores).unwrap();
        prop_assert_eq!(scores, scorer.score(&answers).unwrap());
    }

    #[test]
    fn reversing_twice_is_the_identity(min in -10i32..10, span in 1i32..20, x in 0i32..30) {
        let r = ResponseRange::new(f64::from(min), f64::from(min + span)).unwrap();
        let x = f64::from(min + x % (span + 1));
        prop_assert_eq!(r.reverse(r.reverse(x)), x);
        prop_assert!(r.contains(r.reverse(x)));
    }

    #[test]
    fn scores_stay_in_the_response_range(
        rev in prop::array::uniform6(any::<bool>()),
        policy in policies(),
        n in 1usize..30,
        seed in any::<u64>(),
    ) {
        let inst = instrument(rev);
        let codes = with_answers(answers_from_seed(seed, n), n);
        let resp = Responses::from_codes(&inst, n, codes, Layout::RowMajor).unwrap();
        let scores = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap().score(&resp).unwrap();
        for v in scores.as_slice().iter().filter(|v| !v.is_nan()) {
            prop_assert!((1.0..=5.0).contains(v), "{v}");
        }
    }

    #[test]
    fn permuting_respondents_permutes_scores(
        rev in prop::array::uniform6(any::<bool>()),
        policy in policies(),
        codes in answers(12),
        perm in Just((0..12usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let inst = instrument(rev);
        let codes = with_answers(codes, 12);
        let resp = Responses::from_codes(&inst, 12, codes, Layout::RowMajor).unwrap();
        let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
        let a = scorer.score(&resp).unwrap();
        let b = scorer.score(&resp.select_rows(&perm)).unwrap();
        for (new, &old) in perm.iter().enumerate() {
            for s in 0..2 {
                prop_assert_eq!(a.get(old, s), b.get(new, s));
            }
        }
    }

    #[test]
    fn a_score_depends_only_on_its_respondent_unless_imputing(
        rev in prop::array::uniform6(any::<bool>()),
        min in 1usize..=3,
        codes in answers(10),
        others in answers(10),
    ) {
        let inst = instrument(rev);
        for policy in [MissingPolicy::Complete, MissingPolicy::Prorate { min_answered: min }] {
            let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
            // Same first respondent, different others.
            let mut mixed = others.clone();
            mixed[..6].copy_from_slice(&codes[..6]);
            let a = scorer.score(&Responses::from_codes(&inst, 10, codes.clone(), Layout::RowMajor).unwrap()).unwrap();
            let b = scorer.score(&Responses::from_codes(&inst, 10, mixed, Layout::RowMajor).unwrap()).unwrap();
            prop_assert_eq!(a.respondent(0), b.respondent(0));
            // The per-respondent API agrees with the batch.
            let one: Vec<Option<f64>> = codes[..6].iter().map(|&c| (c != MISSING).then(|| f64::from(c))).collect();
            prop_assert_eq!(scorer.score_respondent(&one).unwrap(), a.respondent(0));
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn table_and_codes_paths_agree(
        rev in prop::array::uniform6(any::<bool>()),
        policy in policies(),
        codes in answers(8),
    ) {
        let inst = instrument(rev);
        let codes = with_answers(codes, 8);
        let rows: Vec<Vec<Option<f64>>> = codes
            .chunks(6)
            .map(|r| r.iter().map(|&c| (c != MISSING).then(|| f64::from(c))).collect())
            .collect();
        let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
        let a = scorer.score(&Responses::from_codes(&inst, 8, codes, Layout::RowMajor).unwrap()).unwrap();
        // A non-integer instrument takes the f64 path.
        let cont = Instrument::from_json_str(&inst.to_json_string().replace("\"integer\": true", "\"integer\": false")).unwrap();
        let b = Scorer::new(&cont, ScoringOptions::new().missing(policy)).unwrap()
            .score(&Responses::from_rows(&cont, &rows).unwrap()).unwrap();
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            prop_assert!((x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12, "{x} vs {y}");
        }
    }

    #[test]
    fn reliability_never_panics(codes in answers(15), policy in policies()) {
        let inst = instrument([false, true, false, true, false, false]);
        let codes = with_answers(codes, 15);
        let resp = Responses::from_codes(&inst, 15, codes, Layout::RowMajor).unwrap();
        let scorer = Scorer::new(&inst, ScoringOptions::new().missing(policy)).unwrap();
        let _ = scorer.reliability(&resp);
        let _ = cocreate_core::scoring::careless::indices(&inst, &resp);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn garbage_json_never_panics(text in ".{0,200}") {
        let _ = Instrument::from_json_str(&text);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn structured_garbage_json_never_panics(
        min in any::<f64>(), max in any::<f64>(),
        items in prop::collection::vec("[a-z-]{0,3}", 0..4),
        reverse in prop::collection::vec(any::<bool>(), 0..4),
        key in prop_oneof![Just("scales"), Just("constructs"), Just("other")],
    ) {
        let json = serde_json::json!({
            "scale_min": min, "scale_max": max,
            key: [{"name": "S", "items": items, "reverse": reverse}],
        });
        let _ = Instrument::from_json_str(&json.to_string());
        let keys = serde_json::json!({"scale_min": 1, "scale_max": 5, "scales": [{"name": "S", "keys": items}]});
        let _ = Instrument::from_json_str(&keys.to_string());
    }

    #[test]
    fn garbage_csv_never_panics(text in "[0-9a-zA-Z,.\"\n\r -]{0,300}") {
        let inst = builtin::tipi();
        if let Ok(table) = Table::from_csv_reader(text.as_bytes()) {
            if let Ok(resp) = Responses::from_table(&inst, &table) {
                let _ = Scorer::new(&inst, ScoringOptions::new()).unwrap().score(&resp);
            }
        }
    }

    #[test]
    fn csv_with_instrument_columns_never_panics(
        cells in prop::collection::vec(prop_oneof![Just("".to_string()), Just("NA".to_string()), "-?[0-9]{1,2}(\\.[0-9])?", "[a-z]{1,3}"], 20),
    ) {
        let inst = builtin::tipi();
        let header = "Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10";
        let body: Vec<String> = cells.chunks(10).map(|r| r.join(",")).collect();
        let text = format!("{header}\n{}\n", body.join("\n"));
        let table = Table::from_csv_reader(text.as_bytes()).unwrap();
        match Responses::from_table(&inst, &table) {
            Ok(resp) => {
                let s = Scorer::new(&inst, ScoringOptions::new()).unwrap().score(&resp).unwrap();
                prop_assert_eq!(s.n_respondents(), 2);
            }
            Err(e) => prop_assert!(e.to_string().contains("column"), "{e}"),
        }
    }

    #[test]
    fn garbage_codes_are_rejected_or_valid(codes in prop::collection::vec(any::<u8>(), 0..40), n in 0usize..5) {
        let inst = builtin::tipi();
        match Responses::from_codes(&inst, n, codes.clone(), Layout::RowMajor) {
            Ok(r) => prop_assert!(codes.iter().all(|&c| c == MISSING || (1..=7).contains(&c)) && r.n_respondents() == n),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// Deterministic answers from a seed (a small LCG), ~15% missing.
fn answers_from_seed(mut seed: u64, n: usize) -> Vec<u8> {
    (0..n * 6)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (seed >> 33) % 20;
            if v < 3 {
                MISSING
            } else {
                (v % 5) as u8 + 1
            }
        })
        .collect()
}
