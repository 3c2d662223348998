//! Invariants of the strict reader: every JSON document without repeated keys reads as
//! serde_json reads it (with or without a byte-order mark); every repeated key is refused
//! by name; the edit distance is a distance and a single edit of a field name is caught.

use cocreate_input::{edit_distance, from_str, nearest};
use proptest::prelude::*;
use serde_json::Value;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[a-z\"\\\\é ]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_\"]{1,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn documents_without_repeated_keys_read_as_serde_json_reads_them(v in arb_json()) {
        let text = serde_json::to_string_pretty(&v).unwrap();
        let plain: Value = serde_json::from_str(&text).unwrap();
        let strict: Value = from_str(&text, &[]).unwrap();
        prop_assert_eq!(&strict, &plain);
        let with_bom: Value = from_str(&format!("\u{feff}{text}"), &[]).unwrap();
        prop_assert_eq!(&with_bom, &plain);
    }

    #[test]
    fn a_repeated_key_is_refused_by_name(
        key in "[a-z]{1,8}",
        first in arb_json(),
        second in arb_json(),
        depth in 0usize..4,
    ) {
        let inner = format!(
            "{{\"{key}\": {}, \"{key}\": {}}}",
            serde_json::to_string(&first).unwrap(),
            serde_json::to_string(&second).unwrap()
        );
        let text = format!("{}{inner}{}", "{\"x\": [".repeat(depth), "]}".repeat(depth));
        let err = from_str::<Value>(&text, &[]).unwrap_err();
        let want = format!("the key `{key}` appears twice");
        prop_assert!(err.message.contains(&want), "{}", err);
        prop_assert!(err.line >= 1);
    }

    #[test]
    fn edit_distance_is_a_distance(a in "[a-z]{0,12}", b in "[a-z]{0,12}") {
        prop_assert_eq!(edit_distance(&a, &a), 0);
        prop_assert_eq!(edit_distance(&a, &b), edit_distance(&b, &a));
        prop_assert!(edit_distance(&a, &b) <= a.len().max(b.len()));
        prop_assert!(edit_distance(&a, &b) >= a.len().abs_diff(b.len()));
    }

    #[test]
    fn one_edit_of_a_field_name_is_caught(
        which in 0usize..6,
        at in 0usize..20,
        letter in "[a-z]",
        kind in 0u8..3,
    ) {
        let known = ["reverse", "items", "label", "scale_min", "scale_max", "item_order"];
        let name: Vec<char> = known[which].chars().collect();
        let at = at % name.len();
        let mut typo = name.clone();
        match kind {
            0 => typo[at] = letter.chars().next().unwrap(),
            1 => typo.insert(at, letter.chars().next().unwrap()),
            _ => { typo.remove(at); }
        }
        let typo: String = typo.into_iter().collect();
        prop_assume!(!known.contains(&typo.as_str()));
        let got = nearest(&typo, &known);
        prop_assert!(got.is_some(), "{typo}");
        prop_assert!(edit_distance(&typo, got.unwrap()) <= 1);
    }
}

#[test]
fn unrelated_names_get_no_suggestion() {
    let known = ["reverse", "items", "label", "name", "keys"];
    for name in ["colour", "weight", "x", "description", "min"] {
        assert_eq!(nearest(name, &known), None, "{name}");
    }
}
