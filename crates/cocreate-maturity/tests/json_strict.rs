//! Models and answers are read strictly: unknown, misspelt and repeated keys are errors
//! that name the competency, item or respondent and the line; a byte-order mark is
//! skipped; sizes are bounded; every model and answers file the project ships loads.
#![cfg(feature = "serde")]

use std::path::Path;
use std::time::{Duration, Instant};

use cocreate_maturity::{
    AnswerError, FirmAnswers, MaturityModel, ModelError, MAX_COMPETENCIES, MAX_ITEMS,
    MAX_RESPONDENTS,
};
use serde_json::{json, Value};

const FOUR_STAGE: &str = include_str!("../../../examples/data/maturity_four_stage_model.json");
const FOUR_ANSWERS: &str = include_str!("../../../examples/data/maturity_four_stage_answers.json");
const SAMPLE: &str = include_str!("../../../examples/data/maturity_sample_firm.json");

fn model_err(text: &str) -> String {
    let e = MaturityModel::from_json_str(text).unwrap_err();
    e.to_string()
}

fn answers_err(text: &str) -> String {
    FirmAnswers::from_json_str(text).unwrap_err().to_string()
}

#[test]
fn every_model_and_answers_file_the_project_ships_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (mut models, mut answers) = (0, 0);
    for dir in ["examples/data", "crates/cocreate-maturity/data"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value = serde_json::from_str(&text).unwrap();
            if value.get("competencies").is_some() {
                MaturityModel::from_json_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                models += 1;
            } else if value.get("respondents").is_some() {
                FirmAnswers::from_json_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                answers += 1;
            }
        }
    }
    assert!(
        models >= 2 && answers >= 2,
        "{models} models, {answers} answers"
    );
    let model = MaturityModel::from_json_str(FOUR_STAGE).unwrap();
    let sheets = FirmAnswers::from_json_str(FOUR_ANSWERS)
        .unwrap()
        .sheets(&model)
        .unwrap();
    assert!(!sheets.is_empty());
    let sheets = FirmAnswers::from_json_str(SAMPLE)
        .unwrap()
        .sheets(&MaturityModel::builtin())
        .unwrap();
    assert!(!sheets.is_empty());
}

#[test]
fn misspelt_model_fields_name_the_competency_and_the_nearest_field() {
    let text = FOUR_STAGE.replacen("\"weight\": 0.3", "\"wieght\": 0.3", 1);
    let e = model_err(&text);
    assert!(
        e.contains("unknown field `wieght` in competency `understanding`; did you mean `weight`?"),
        "{e}"
    );
    assert!(e.starts_with("the model cannot be read at line "), "{e}");
    let text = FOUR_STAGE.replacen("\"reverse\": true", "\"reversed\": true", 1);
    let e = model_err(&text);
    assert!(
        e.contains("unknown field `reversed` in competency `understanding`, item `u.assumptions`; did you mean `reverse`?"),
        "{e}"
    );
    let text = FOUR_STAGE.replacen("\"lower_bound\": 30", "\"lowerbound\": 30", 1);
    let e = model_err(&text);
    assert!(
        e.contains("in stage `Repeatable`; did you mean `lower_bound`?"),
        "{e}"
    );
    let text = FOUR_STAGE.replacen("\"min_coverage\"", "\"min_coverag\"", 1);
    assert!(model_err(&text).contains("did you mean `min_coverage`?"));
}

#[test]
fn duplicate_keys_in_a_model_are_refused() {
    let text = FOUR_STAGE.replacen("\"weight\": 0.3", "\"weight\": 0.3, \"weight\": 0.4", 1);
    let e = model_err(&text);
    assert!(
        e.contains("the key `weight` appears twice in competency `understanding`"),
        "{e}"
    );
    let text = FOUR_STAGE.replacen(
        "\"id\": \"cocreate-four-stage\"",
        "\"id\": \"a\", \"id\": \"b\"",
        1,
    );
    assert!(model_err(&text).contains("the key `id` appears twice at the top level"));
    // Actions are a map by stage number: a stage twice would silently drop one list.
    let text = FOUR_STAGE.replacen(
        "\"actions\": {\"1\": [",
        "\"actions\": {\"1\": [], \"1\": [",
        1,
    );
    let text = if text == FOUR_STAGE {
        let v: Value = serde_json::from_str(FOUR_STAGE).unwrap();
        let acts = v["competencies"][0]["actions"].to_string();
        let dup = acts.replacen('{', "{\"1\": [\"x\"],", 1);
        v.to_string().replacen(&acts, &dup, 1)
    } else {
        text
    };
    let e = model_err(&text);
    assert!(
        e.contains("the key `1` appears twice in competency `understanding`, under `actions`"),
        "{e}"
    );
}

#[test]
fn answers_misspelt_and_duplicated() {
    let e = answers_err(r#"{"respondents": [{"id": "ceo", "rol": "x", "answers": {}}]}"#);
    assert!(
        e.contains("unknown field `rol` in respondent `ceo`; did you mean `role`?"),
        "{e}"
    );
    let e = answers_err(r#"{"firm": "a", "frim": "b", "respondents": []}"#);
    assert!(e.contains("did you mean `firm`?"), "{e}");
    let e = answers_err(r#"{"respondents": [], "respondents": []}"#);
    assert!(
        e.contains("the key `respondents` appears twice at the top level"),
        "{e}"
    );
    let e =
        answers_err("{\"respondents\": [{\"id\": \"cfo\",\n \"answers\": {\"a\": 1, \"a\": 2}}]}");
    assert!(
        e.starts_with("the answers cannot be read at line 2, column "),
        "{e}"
    );
    assert!(
        e.contains("the key `a` appears twice in respondent `cfo`, under `answers`"),
        "{e}"
    );
}

#[test]
fn bom_trailing_garbage_nesting_numbers_types() {
    let with_bom = format!("\u{feff}{SAMPLE}");
    assert!(FirmAnswers::from_json_str(&with_bom).is_ok());
    let with_bom = format!("\u{feff}{FOUR_STAGE}");
    assert!(MaturityModel::from_json_str(&with_bom).is_ok());
    assert!(answers_err(&format!("{SAMPLE}\n}}")).contains("trailing characters"));
    assert!(model_err(&format!("{FOUR_STAGE} {{}}")).contains("trailing characters"));
    let deep = format!("{}{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    assert!(model_err(&deep).contains("recursion limit exceeded"));
    assert!(answers_err(&deep).contains("recursion limit exceeded"));
    let e = answers_err(r#"{"respondents": [{"id": "a", "answers": {"x": 1e999}}]}"#);
    assert!(e.contains("number out of range"), "{e}");
    let e = answers_err(r#"{"respondents": [{"id": 7, "answers": {}}]}"#);
    assert!(
        e.contains("invalid type: integer `7`, expected a string (in `id` in respondent 1)"),
        "{e}"
    );
    let e = model_err("{}");
    assert!(e.contains("missing field `id`"), "{e}");
    let e = answers_err("{}");
    assert!(e.contains("missing field `respondents`"), "{e}");
    assert!(matches!(
        FirmAnswers::from_json_str("[]"),
        Err(AnswerError::Json { .. })
    ));
    assert!(matches!(
        MaturityModel::from_json_str("null"),
        Err(ModelError::Json { .. })
    ));
}

#[test]
fn large_lists_are_refused_before_the_work() {
    let mut v: Value = serde_json::from_str(FOUR_STAGE).unwrap();
    let item = v["competencies"][0]["items"][0].clone();
    let items: Vec<Value> = (0..10_000)
        .map(|i| {
            let mut it = item.clone();
            it["id"] = json!(format!("x{i}"));
            it
        })
        .collect();
    v["competencies"][0]["items"] = Value::Array(items);
    let start = Instant::now();
    let e = MaturityModel::from_json_str(&v.to_string()).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(e, ModelError::TooLarge { what: "items", count, limit: MAX_ITEMS } if count > 10_000),
        "{e}"
    );
    let mut v: Value = serde_json::from_str(FOUR_STAGE).unwrap();
    let comp = v["competencies"][0].clone();
    v["competencies"] = Value::Array(vec![comp; MAX_COMPETENCIES + 1]);
    assert!(matches!(
        MaturityModel::from_json_str(&v.to_string()),
        Err(ModelError::TooLarge {
            what: "competencies",
            ..
        })
    ));
    let respondents: Vec<Value> = (0..=MAX_RESPONDENTS)
        .map(|i| json!({"id": format!("r{i}"), "answers": {}}))
        .collect();
    let text = json!({"respondents": respondents}).to_string();
    let e = answers_err(&text);
    assert!(e.contains("more than the limit of 10000"), "{e}");
    let answers: serde_json::Map<String, Value> =
        (0..10_000).map(|i| (format!("i{i}"), json!(1))).collect();
    let text = json!({"respondents": [{"id": "a", "answers": answers}]}).to_string();
    let e = answers_err(&text);
    assert!(
        e.contains("respondent 'a' has 10000 answers, more than the limit"),
        "{e}"
    );
}
