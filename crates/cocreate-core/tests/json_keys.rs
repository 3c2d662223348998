//! Key files are read strictly: unknown, misspelt and repeated keys are errors that name
//! the scale and the line, a byte-order mark is skipped, sizes are bounded, and every key
//! file the project ships still loads and means what it says.
#![cfg(feature = "serde")]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cocreate_core::scoring::{
    Instrument, ScoringError, MAX_ITEMS, MAX_ITEMS_PER_SCALE, MAX_KEYED_ITEMS,
};

fn err(json: &str) -> String {
    match Instrument::from_json_str(json) {
        Ok(inst) => panic!("accepted: {inst:?}"),
        Err(e) => {
            assert!(matches!(
                e,
                ScoringError::Json { .. }
                    | ScoringError::Range(_)
                    | ScoringError::EmptyScaleName
                    | ScoringError::EmptyScale { .. }
                    | ScoringError::ReverseFlags { .. }
                    | ScoringError::EmptyItemName { .. }
                    | ScoringError::DuplicateItem { .. }
                    | ScoringError::NoScales { .. }
                    | ScoringError::DuplicateScale { .. }
                    | ScoringError::UnknownItemText { .. }
                    | ScoringError::ItemOrder { .. }
                    | ScoringError::KeysAndItems { .. }
                    | ScoringError::NoItems { .. }
                    | ScoringError::TooLarge { .. }
            ));
            e.to_string()
        }
    }
}

const SCALE_O: &str = r#"{"name": "O", "items": ["O1", "O2"], "reverse": [false, true]}"#;

fn keys(top: &str, scale: &str) -> String {
    format!("{{{top}\"scale_min\": 1, \"scale_max\": 5,\n \"scales\": [{SCALE_O},\n  {scale}]}}")
}

/// The project's own directories of JSON files, relative to the workspace root. The
/// reference key files (`cocreation_keys.json`, `bfi_keys.json`) are byte-identical
/// copies in `examples/data` and `crates/cocreate-core/tests/data`.
fn json_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in [
        "examples/data",
        "crates/cocreate-core/tests/data",
        "crates/cocreate-journey/tests/data",
        "crates/cocreate-maturity/data",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_key_file_the_project_ships_still_loads() {
    let mut loaded = 0;
    for path in json_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        // A key file in the form the library reads declares its response range.
        if value.get("scale_min").is_none() {
            continue;
        }
        let inst =
            Instrument::from_json_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let back = Instrument::from_json_str(&inst.to_json_string()).unwrap();
        assert_eq!(back, inst, "{}", path.display());
        loaded += 1;
    }
    assert!(loaded >= 3, "only {loaded} key files found");
}

#[test]
fn descriptive_fields_are_kept() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cocreation_keys.json");
    let inst = Instrument::from_json_path(path).unwrap();
    let notes = inst.notes();
    assert_eq!(notes.dataset.as_deref(), Some("cocreation_survey.csv"));
    assert!(notes.reverse_formula.as_deref().unwrap().contains("6 - x"));
    assert!(notes
        .composite
        .as_deref()
        .unwrap()
        .starts_with("mean of the keyed"));
    assert!(notes.other_columns.contains_key("gender"));
    assert_eq!(
        inst.scale("O").unwrap().reverse(),
        [false, true, false, false, true]
    );
    assert!(inst.to_json_string().contains("\"reverse_formula\""));
}

#[test]
fn misspelt_fields_name_the_nearest_known_one() {
    let e = err(&keys(
        "",
        r#"{"name": "C", "items": ["C1"], "reversed": [true]}"#,
    ));
    assert!(
        e.contains("unknown field `reversed` in scale `C`; did you mean `reverse`? (line 3"),
        "{e}"
    );
    let e = err(&keys("\"scale_mx\": 5, ", SCALE_O));
    assert!(
        e.contains("unknown field `scale_mx` at the top level; did you mean `scale_max`?"),
        "{e}"
    );
    let e = err(&keys("", r#"{"name": "C", "itmes": ["C1"]}"#));
    assert!(e.contains("did you mean `items`?"), "{e}");
    let e = err(&keys("", r#"{"name": "C", "Keys": ["C1"]}"#));
    assert!(e.contains("did you mean `keys`?"), "{e}");
}

#[test]
fn unrelated_fields_get_the_list_not_a_guess() {
    let e = err(&keys("\"colour\": \"blue\", ", SCALE_O));
    assert!(
        e.contains("unknown field `colour` at the top level; the known fields are"),
        "{e}"
    );
    assert!(!e.contains("did you mean"), "{e}");
}

#[test]
fn misspelt_fields_inside_norms_name_the_scale() {
    let json = r#"{"scale_min": 1, "scale_max": 5, "scales": [{"name": "O", "items": ["O1"]}],
      "norms": {"source": "panel", "scales": [{"scale": "O", "mean": 3, "sdd": 1}]}}"#;
    let e = err(json);
    assert!(
        e.contains("unknown field `sdd` in `norms`, scale `O`; did you mean `sd`?"),
        "{e}"
    );
}

#[test]
fn duplicate_keys_are_refused_at_every_level() {
    let e = err(&keys("\"scale_min\": 2, ", SCALE_O));
    assert!(
        e.contains("the key `scale_min` appears twice at the top level"),
        "{e}"
    );
    let e = err(&keys(
        "",
        r#"{"name": "C", "items": ["C1"], "reverse": [true], "reverse": [false]}"#,
    ));
    assert!(
        e.contains("the key `reverse` appears twice in scale `C`"),
        "{e}"
    );
    let e = err(&keys(
        "\"item_text\": {\"O1\": \"a\", \"O1\": \"b\"}, ",
        SCALE_O,
    ));
    assert!(
        e.contains("the key `O1` appears twice under `item_text`"),
        "{e}"
    );
    let e = err(&keys(
        "\"other_columns\": {\"id\": \"a\", \"id\": \"b\"}, ",
        SCALE_O,
    ));
    assert!(
        e.contains("the key `id` appears twice under `other_columns`"),
        "{e}"
    );
    let e = err(r#"{"scale_min": 1, "scale_max": 5, "scales": [], "constructs": []}"#);
    assert!(e.contains("duplicate field `scales`"), "{e}");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let text = format!("\u{feff}{}", keys("", r#"{"name": "C", "items": ["C1"]}"#));
    let inst = Instrument::from_json_str(&text).unwrap();
    assert_eq!(inst.scale_names(), ["O", "C"]);
}

#[test]
fn malformed_documents_are_errors_with_a_position() {
    let e = err(&format!("{} trailing", keys("", SCALE_O)));
    assert!(e.contains("trailing characters"), "{e}");
    let e = err(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    assert!(e.contains("recursion limit exceeded"), "{e}");
    let e = err(&keys(
        "",
        r#"{"name": "C", "items": ["C1"], "reverse": "yes"}"#,
    ));
    assert!(
        e.contains("invalid type: string \"yes\", expected a sequence (in `reverse` in scale `C`)"),
        "{e}"
    );
    let e = err(r#"{"scale_min": 1e999, "scale_max": 5, "scales": []}"#);
    assert!(e.contains("number out of range"), "{e}");
    let e = err("{}");
    assert!(e.contains("missing field `scale_min`"), "{e}");
    let e = err("");
    assert!(e.contains("EOF"), "{e}");
    let e = err("[1, 2]");
    assert!(
        e.contains("invalid type: integer `1`, expected a string"),
        "{e}"
    );
}

#[test]
fn ten_thousand_items_are_refused_quickly() {
    let scale = |name: &str, n: usize| {
        let items: Vec<String> = (0..n).map(|i| format!("\"{name}{i}\"")).collect();
        format!(r#"{{"name": "{name}", "items": [{}]}}"#, items.join(","))
    };
    let file = |scales: Vec<String>| {
        format!(
            r#"{{"scale_min": 1, "scale_max": 5, "scales": [{}]}}"#,
            scales.join(",")
        )
    };
    // More entries than the limit: refused before any scale is built.
    let start = Instant::now();
    let e = err(&file(vec![scale("A", MAX_KEYED_ITEMS + 1)]));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        e.contains("item entries over all scales in the key file")
            && e.contains(&MAX_KEYED_ITEMS.to_string()),
        "{e}"
    );
    // Ten thousand items in one scale: refused by the per-scale limit.
    let e = err(&file(vec![scale("A", 10_000)]));
    assert!(e.contains(&MAX_ITEMS_PER_SCALE.to_string()), "{e}");
    // At the limits it loads: as many distinct items as allowed, in full scales.
    let n = MAX_ITEMS / MAX_ITEMS_PER_SCALE;
    let names = ["A", "B", "C", "D", "E", "F", "G", "H"];
    let scales = (0..n)
        .map(|s| scale(names[s], MAX_ITEMS_PER_SCALE))
        .collect();
    assert_eq!(
        Instrument::from_json_str(&file(scales))
            .unwrap()
            .items()
            .len(),
        MAX_ITEMS
    );
}

#[test]
fn a_directory_is_not_a_key_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let e = Instrument::from_json_path(&dir).unwrap_err().to_string();
    assert!(e.contains("cannot read"), "{e}");
}
