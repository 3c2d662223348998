//! A model is checked when it is loaded; each defect gets an error that names it.
#![cfg(feature = "serde")]

use cocreate_maturity::spec::ModelSpec;
use cocreate_maturity::{MaturityModel, ModelError};

fn builtin_spec() -> ModelSpec {
    MaturityModel::builtin().spec().clone()
}

fn err(spec: ModelSpec) -> ModelError {
    MaturityModel::from_spec(spec).unwrap_err()
}

#[test]
fn thresholds_must_start_at_zero_and_rise() {
    let mut spec = builtin_spec();
    spec.stages[0].lower_bound = 5.0;
    assert_eq!(
        err(spec).to_string(),
        "the first stage must start at 0 so that every score has a stage, but it starts at 5"
    );
    let mut spec = builtin_spec();
    spec.stages[3].lower_bound = 40.0;
    assert_eq!(
        err(spec),
        ModelError::ThresholdsNotRising {
            stage: 4,
            bound: 40.0,
            previous: 40.0
        }
    );
    let mut spec = builtin_spec();
    spec.stages[4].lower_bound = 120.0;
    assert_eq!(
        err(spec).to_string(),
        "stage 5 starts at 120, which is outside the 0–100 score range"
    );
    let mut spec = builtin_spec();
    spec.stages[2].lower_bound = f64::NAN;
    assert!(matches!(
        err(spec),
        ModelError::BoundOutOfRange { stage: 3, .. }
    ));
}

#[test]
fn weights_must_be_positive_complete_and_add_up_to_one() {
    let mut spec = builtin_spec();
    for c in &mut spec.competencies {
        c.weight = Some(0.2);
    }
    assert_eq!(
        err(spec.clone()).to_string(),
        "the competency weights add up to 1.2, not 1"
    );
    spec.competencies[5].weight = None;
    assert_eq!(
        err(spec.clone()).to_string(),
        "competency 'culture' has no weight while others do; give every competency a weight, or none for equal weights"
    );
    spec.competencies[5].weight = Some(0.0);
    assert_eq!(
        err(spec.clone()),
        ModelError::WeightNotPositive {
            competency: "culture".into(),
            weight: 0.0
        }
    );
    spec.competencies[0].weight = Some(-0.2);
    assert!(matches!(
        err(spec.clone()),
        ModelError::WeightNotPositive { .. }
    ));
    // Weights that add up to 1 within rounding are accepted and echoed.
    for (c, w) in spec
        .competencies
        .iter_mut()
        .zip([0.3, 0.2, 0.15, 0.15, 0.1, 0.1])
    {
        c.weight = Some(w);
    }
    let model = MaturityModel::from_spec(spec).unwrap();
    assert!((model.competencies()[0].weight() - 0.3).abs() < 1e-12);
}

#[test]
fn ids_must_be_unique_and_known() {
    let mut spec = builtin_spec();
    spec.competencies[3].items[1].id = "insight.shared".into();
    assert_eq!(
        err(spec).to_string(),
        "item id 'insight.shared' is used twice; item ids must be unique across the model, the gate item included"
    );
    let mut spec = builtin_spec();
    spec.competencies[0].items[0].id = "gate.programme".into();
    assert!(matches!(err(spec), ModelError::DuplicateItem { .. }));
    let mut spec = builtin_spec();
    spec.competencies[1].id = "strategy".into();
    assert_eq!(
        err(spec).to_string(),
        "competency id 'strategy' is used twice"
    );
    let mut spec = builtin_spec();
    spec.competencies[2].items.clear();
    assert_eq!(err(spec).to_string(), "competency 'insight' has no items");
    let mut spec = builtin_spec();
    spec.competencies[2].items[0].statement = "  ".into();
    assert_eq!(
        err(spec).to_string(),
        "the statement of item 'insight.channels' is empty"
    );
}

#[test]
fn every_competency_needs_actions_for_every_stage() {
    let mut spec = builtin_spec();
    spec.competencies[4].actions.remove(&3);
    assert_eq!(
        err(spec).to_string(),
        "competency 'governance' has no actions for stage 3 ('Defined, leadership engaged')"
    );
    let mut spec = builtin_spec();
    spec.competencies[4].actions.insert(6, vec!["More.".into()]);
    assert_eq!(
        err(spec).to_string(),
        "competency 'governance' lists actions for stage 6, but the model's stages run from 1 to 5"
    );
    let mut spec = builtin_spec();
    spec.competencies[4].actions.insert(2, vec![]);
    assert!(matches!(
        err(spec),
        ModelError::MissingActions { stage: 2, .. }
    ));
}

#[test]
fn custom_models_need_names_and_actions_for_their_stages() {
    let mut spec = builtin_spec();
    spec.cem_levels = false;
    assert_eq!(err(spec.clone()).to_string(), "stage 1 has no name");
    for (i, s) in spec.stages.iter_mut().enumerate() {
        s.name = Some(format!("S{}", i + 1));
    }
    assert_eq!(
        err(spec.clone()).to_string(),
        "stage 1 ('S1') has no actions; every stage needs the actions that lead to the next one"
    );
    for s in &mut spec.stages {
        s.actions = vec!["Do.".into()];
    }
    assert_eq!(err(spec.clone()), ModelError::MissingGateLevelName);
    spec.gate = None;
    let model = MaturityModel::from_spec(spec).unwrap();
    assert!(model.gate().is_none());
}

#[test]
fn cem_models_need_five_stages_and_a_gate() {
    let mut spec = builtin_spec();
    spec.stages.pop();
    spec.competencies.iter_mut().for_each(|c| {
        c.actions.remove(&5);
    });
    assert_eq!(err(spec), ModelError::CemLevelsNeedFiveStages { found: 4 });
    let mut spec = builtin_spec();
    spec.gate = None;
    assert_eq!(err(spec), ModelError::CemLevelsNeedGate);
    let mut spec = builtin_spec();
    spec.stages.truncate(1);
    assert_eq!(err(spec), ModelError::TooFewStages { found: 1 });
}

#[test]
fn scales_anchors_and_coverage_are_checked() {
    let mut spec = builtin_spec();
    spec.scale.max = 1;
    assert_eq!(
        err(spec).to_string(),
        "the model has the scale 1–1; its top must be above its bottom"
    );
    let mut spec = builtin_spec();
    spec.scale.anchors.insert(7, "Beyond".into());
    assert_eq!(
        err(spec).to_string(),
        "the model has an anchor for point 7, which is not on its 1–5 scale"
    );
    for bad in [0.0, -0.5, 1.5, f64::NAN] {
        let mut spec = builtin_spec();
        spec.min_coverage = bad;
        assert!(
            matches!(err(spec), ModelError::BadMinCoverage { .. }),
            "{bad}"
        );
    }
}

#[test]
fn json_errors_name_line_and_column_and_unknown_fields() {
    let err = MaturityModel::from_json_str("{\n  \"id\": \"x\",\n  \"stages\": 3\n}").unwrap_err();
    assert!(matches!(err, ModelError::Json { line: 3, .. }), "{err}");
    let json = MaturityModel::builtin().to_json_string().replacen(
        "\"reverse\": true",
        "\"reversed\": true",
        1,
    );
    let err = MaturityModel::from_json_str(&json).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `reversed`"),
        "{err}"
    );
    assert!(MaturityModel::from_json_str("").is_err());
    assert!(MaturityModel::from_json_str("[]").is_err());
}

#[test]
fn a_model_round_trips_through_json() {
    let model = MaturityModel::builtin();
    let back = MaturityModel::from_json_str(&model.to_json_string()).unwrap();
    assert_eq!(back, model);
    let via_serde: MaturityModel =
        serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(via_serde, model);
    // Deserialising a model validates it.
    let bad = model
        .to_json_string()
        .replace("\"lower_bound\": 60.0", "\"lower_bound\": 30.0");
    assert!(serde_json::from_str::<MaturityModel>(&bad).is_err());
}

#[test]
fn every_list_of_actions_is_bounded() {
    use cocreate_maturity::MAX_ACTIONS;
    let many = vec!["Act.".to_string(); MAX_ACTIONS + 1];
    let mut spec = builtin_spec();
    spec.stages[2].actions = many.clone();
    assert_eq!(
        err(spec).to_string(),
        "the model has 101 firm-wide actions for one stage, more than the limit of 100"
    );
    let mut spec = builtin_spec();
    spec.gate.as_mut().unwrap().actions = many.clone();
    assert_eq!(
        err(spec).to_string(),
        "the model has 101 actions for the gate, more than the limit of 100"
    );
    let mut spec = builtin_spec();
    spec.competencies[0].actions.insert(1, many);
    assert!(matches!(err(spec), ModelError::TooLarge { .. }));
    let mut spec = builtin_spec();
    spec.stages[2].actions = vec!["Act.".to_string(); MAX_ACTIONS];
    assert!(MaturityModel::from_spec(spec).is_ok());
}
