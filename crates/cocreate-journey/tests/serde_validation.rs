//! The journey's validated types deserialise through their constructors' checks.
#![cfg(feature = "serde")]

use cocreate_journey::{Stage, StageOrder};
use serde_json::json;

#[test]
fn custom_stage_with_a_reserved_or_empty_name() {
    let ctor = Stage::custom("purchase", 450).unwrap_err();
    let err = serde_json::from_value::<Stage>(json!({"custom": {"name": "purchase", "rank": 450}}))
        .unwrap_err();
    assert!(err.to_string().contains(&ctor.to_string()), "{err}");
    let ctor = Stage::custom(" ", 450).unwrap_err();
    let err =
        serde_json::from_value::<Stage>(json!({"custom": {"name": " ", "rank": 450}})).unwrap_err();
    assert!(err.to_string().contains(&ctor.to_string()), "{err}");
    let ok = Stage::custom("advocacy", 600).unwrap();
    let back: Stage = serde_json::from_value(serde_json::to_value(&ok).unwrap()).unwrap();
    assert_eq!(back, ok);
}

#[test]
fn stage_order_with_a_stage_twice_or_none() {
    let ctor = StageOrder::new(vec![Stage::Use, Stage::Use]).unwrap_err();
    let err = serde_json::from_value::<StageOrder>(json!({"stages": ["use", "use"]})).unwrap_err();
    assert!(err.to_string().contains(&ctor.to_string()), "{err}");
    let ctor = StageOrder::new(vec![]).unwrap_err();
    let err = serde_json::from_value::<StageOrder>(json!({"stages": []})).unwrap_err();
    assert!(err.to_string().contains(&ctor.to_string()), "{err}");
    let order = StageOrder::standard();
    let back: StageOrder = serde_json::from_value(serde_json::to_value(&order).unwrap()).unwrap();
    assert_eq!(back, order);
}
