//! Every validated type of `scoring` and `readiness` deserialises through its constructor's
//! check: an invalid value fails with the constructor's own message.
#![cfg(feature = "serde")]

use cocreate_core::readiness::{Constructs, CoproducerOptions, PathwayRule, PerceptionRule};
use cocreate_core::scoring::{
    Instrument, LabelledMatrix, Norms, ResponseRange, ScaleNorm, ScoringError,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Deserialising `value` fails and the message holds the constructor's message.
fn refused<T: DeserializeOwned + std::fmt::Debug>(value: Value, ctor: impl std::fmt::Display) {
    let err = serde_json::from_value::<T>(value.clone()).unwrap_err();
    let want = ctor.to_string();
    assert!(
        err.to_string().contains(&want),
        "{value}: `{err}` should contain `{want}`"
    );
}

#[test]
fn response_range_five_to_one() {
    let ctor = ResponseRange::new(5.0, 1.0).unwrap_err();
    refused::<ResponseRange>(json!({"min": 5.0, "max": 1.0, "integer": true}), &ctor);
    let ctor = ResponseRange::new(1.5, 5.0).unwrap_err();
    refused::<ResponseRange>(json!({"min": 1.5, "max": 5.0}), &ctor);
    let ok: ResponseRange = serde_json::from_value(json!({"min": 1, "max": 7})).unwrap();
    assert_eq!(ok, ResponseRange::new(1.0, 7.0).unwrap());
    assert!(
        serde_json::from_value::<ResponseRange>(json!({"min": 1, "max": 7, "integr": true}))
            .unwrap_err()
            .to_string()
            .contains("unknown field `integr`")
    );
}

#[test]
fn scale_norm_with_zero_sd() {
    let ctor = ScaleNorm::new("E", 4.4, 0.0).unwrap_err();
    refused::<ScaleNorm>(json!({"scale": "E", "mean": 4.4, "sd": 0.0}), &ctor);
    let good = serde_json::to_value(ScaleNorm::new("E", 4.4, 1.2).unwrap()).unwrap();
    assert_eq!(
        serde_json::from_value::<ScaleNorm>(good).unwrap(),
        ScaleNorm::new("E", 4.4, 1.2).unwrap()
    );
}

#[test]
fn norms_without_source() {
    let ctor = Norms::new(" ", vec![ScaleNorm::new("E", 4.4, 1.0).unwrap()]).unwrap_err();
    refused::<Norms>(
        json!({"source": " ", "scales": [{"scale": "E", "mean": 4.4, "sd": 1.0}]}),
        &ctor,
    );
}

#[test]
fn labelled_matrix_of_the_wrong_size() {
    let ctor = LabelledMatrix::new(vec!["a".into()], vec!["x".into()], vec![1.0, 2.0]).unwrap_err();
    refused::<LabelledMatrix>(
        json!({"rows": ["a"], "cols": ["x"], "values": [1.0, 2.0]}),
        &ctor,
    );
}

#[test]
fn instrument_with_mismatched_reverse_flags() {
    let ctor: ScoringError = Instrument::from_json_str(
        r#"{"scale_min": 1, "scale_max": 5, "scales": [{"name": "O", "items": ["O1"], "reverse": [true, false]}]}"#,
    )
    .unwrap_err();
    refused::<Instrument>(
        json!({"scale_min": 1, "scale_max": 5, "scales": [{"name": "O", "items": ["O1"], "reverse": [true, false]}]}),
        ctor.to_string().trim_start_matches("invalid instrument: "),
    );
}

#[test]
fn constructs_without_mediators() {
    let range = ResponseRange::new(1.0, 5.0).unwrap();
    let ctor = Constructs::new(&["open"], &[], "willing", range).unwrap_err();
    refused::<Constructs>(
        json!({"traits": ["open"], "mediators": [], "outcome": "willing", "pathways": [],
               "range": {"min": 1.0, "max": 5.0, "integer": true}}),
        &ctor,
    );
    let mut good =
        serde_json::to_value(Constructs::new(&["t"], &["m"], "y", range).unwrap()).unwrap();
    good["range"] = json!({"min": 5.0, "max": 1.0});
    refused::<Constructs>(good, ResponseRange::new(5.0, 1.0).unwrap_err());
}

#[test]
fn coproducer_options_out_of_scale() {
    let ctor = CoproducerOptions::new(120.0).unwrap_err();
    refused::<CoproducerOptions>(json!({"gap_threshold": 120.0}), &ctor);
}

#[test]
fn perception_rule_with_small_negativity_weight() {
    let range = ResponseRange::new(1.0, 7.0).unwrap();
    let ctor = PerceptionRule::new(range)
        .negativity_weight(0.5)
        .unwrap_err();
    let mut value = serde_json::to_value(PerceptionRule::new(range)).unwrap();
    value["lambda"] = json!(0.5);
    refused::<PerceptionRule>(value, &ctor);
}

#[test]
fn pathway_rule_without_a_majority() {
    let ctor = PathwayRule::builder().lead_share(0.4).build().unwrap_err();
    let mut value = serde_json::to_value(PathwayRule::default()).unwrap();
    value["lead_share"] = json!(0.4);
    refused::<PathwayRule>(value, &ctor);
    let mut value = serde_json::to_value(PathwayRule::default()).unwrap();
    value["min_contribution"] = json!(-1.0);
    refused::<PathwayRule>(
        value,
        PathwayRule::builder()
            .min_contribution(-1.0)
            .build()
            .unwrap_err(),
    );
}

#[test]
fn readiness_model_with_a_misspelt_field_or_a_bad_rule() {
    use cocreate_core::readiness::ReadinessModel;
    let constructs = Constructs::cocreation(ResponseRange::new(1.0, 5.0).unwrap());
    let model = ReadinessModel::builder(constructs, "illustrative coefficients")
        .coefficients(&[
            ("II ~ O", 0.45),
            ("II ~ E", 0.10),
            ("EI ~ C", 0.40),
            ("EI ~ A", 0.15),
            ("WTC ~ II", 0.35),
            ("WTC ~ EI", 0.30),
            ("WTC ~ E", 0.05),
            ("II ~ 1", 1.4),
            ("EI ~ 1", 1.6),
            ("WTC ~ 1", 1.1),
            ("II ~~ II", 0.35),
            ("EI ~~ EI", 0.40),
            ("II ~~ EI", 0.05),
            ("WTC ~~ WTC", 0.45),
        ])
        .coefficients(&[
            ("O ~ 1", 3.4),
            ("C ~ 1", 3.5),
            ("E ~ 1", 3.1),
            ("A ~ 1", 3.7),
            ("N ~ 1", 2.8),
            ("O ~~ O", 0.45),
            ("C ~~ C", 0.40),
            ("E ~~ E", 0.55),
            ("A ~~ A", 0.35),
            ("N ~~ N", 0.60),
        ])
        .build()
        .unwrap();
    let value = serde_json::to_value(&model).unwrap();
    let back: ReadinessModel = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(back.constructs(), model.constructs());
    let mut typo = value.clone();
    let b = typo["coef"]["b"].take();
    typo["coef"].as_object_mut().unwrap().remove("b");
    typo["coef"]["bb"] = b;
    let err = serde_json::from_value::<ReadinessModel>(typo).unwrap_err();
    assert!(err.to_string().contains("unknown field `bb`"), "{err}");
    let mut bad = value;
    bad["rule"]["lead_share"] = json!(0.4);
    refused::<ReadinessModel>(
        bad,
        PathwayRule::builder().lead_share(0.4).build().unwrap_err(),
    );
}

#[test]
fn long_numbers_read_back_exactly() {
    // A number of 61 digits must be read as the nearest double, and its own JSON must
    // read back as the same double (found by fuzzing: without correctly rounded parsing
    // the two readings differ in the last place).
    let text = "[2, 4222222222220000000000000000000000000000006089179446179033543]";
    let range: ResponseRange = serde_json::from_str(text).unwrap();
    let expected: f64 = "4222222222220000000000000000000000000000006089179446179033543"
        .parse()
        .unwrap();
    assert_eq!(range.max(), expected);
    let back: ResponseRange =
        serde_json::from_str(&serde_json::to_string(&range).unwrap()).unwrap();
    assert_eq!(back, range);
}
