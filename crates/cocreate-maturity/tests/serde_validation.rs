//! The maturity crate's validated types deserialise through their constructors' checks.
#![cfg(feature = "serde")]

use cocreate_maturity::anticipation::LoyaltyCriteria;
use cocreate_maturity::orientation::EmotionGrid;
use cocreate_maturity::{GroupOptions, MaturityLevel, MaturityModel, Spread};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn refused<T: DeserializeOwned + std::fmt::Debug>(value: Value, ctor: impl std::fmt::Display) {
    let err = serde_json::from_value::<T>(value.clone()).unwrap_err();
    let want = ctor.to_string();
    assert!(
        err.to_string().contains(&want),
        "{value}: `{err}` should contain `{want}`"
    );
}

#[test]
fn group_options_with_a_negative_threshold() {
    let ctor = GroupOptions::builder()
        .spread(Spread::StdDev)
        .low_agreement_above(-1.0)
        .build()
        .unwrap_err();
    let mut value = serde_json::to_value(GroupOptions::default()).unwrap();
    value["low_agreement_above"] = json!(-1.0);
    refused::<GroupOptions>(value, ctor);
}

#[test]
fn emotion_grid_with_a_channel_twice_or_rows_missing() {
    let ctor = EmotionGrid::new(["chat", "chat"]).unwrap_err();
    refused::<EmotionGrid>(
        json!({"channels": ["chat", "chat"], "positive": [[true, true, true], [true, true, true]]}),
        ctor,
    );
    let err = serde_json::from_value::<EmotionGrid>(
        json!({"channels": ["chat", "phone"], "positive": [[true, true, true]]}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("channel 'phone'"), "{err}");
    let grid = EmotionGrid::new(["chat"]).unwrap();
    let back: EmotionGrid = serde_json::from_value(serde_json::to_value(&grid).unwrap()).unwrap();
    assert_eq!(back, grid);
}

#[test]
fn loyalty_criteria_with_a_share_above_one() {
    let ctor = LoyaltyCriteria::builder()
        .repeat_rate_at_least(1.5)
        .build()
        .unwrap_err();
    refused::<LoyaltyCriteria>(json!({"repeat_rate": 1.5}), ctor);
    let ctor = LoyaltyCriteria::builder()
        .share_of_wallet_at_least(-0.1)
        .build()
        .unwrap_err();
    refused::<LoyaltyCriteria>(json!({"share_of_wallet": -0.1}), ctor);
}

#[test]
fn maturity_level_out_of_range() {
    let ctor = MaturityLevel::from_number(9).unwrap_err();
    refused::<MaturityLevel>(json!(9), ctor);
}

#[test]
fn maturity_model_with_falling_thresholds() {
    let text = MaturityModel::builtin()
        .to_json_string()
        .replace("\"lower_bound\": 40.0", "\"lower_bound\": 10.0");
    let ctor = MaturityModel::from_json_str(&text).unwrap_err();
    let value: Value = serde_json::from_str(&text).unwrap();
    refused::<MaturityModel>(value, ctor);
}
