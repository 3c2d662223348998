//! Frameworks are data: the alternative four-stage framework shipped under `examples/`
//! loads and scores like the built-in model.
#![cfg(feature = "serde")]

use cocreate_maturity::{Assessment, FirmAnswers, GroupOptions, MaturityModel, StepKind};

const MODEL: &str = include_str!("../../../examples/data/maturity_four_stage_model.json");
const ANSWERS: &str = include_str!("../../../examples/data/maturity_four_stage_answers.json");
const SAMPLE: &str = include_str!("../../../examples/data/maturity_sample_firm.json");

/// Reads a firm's answers and assesses them with the median.
fn assess_firm(model: &MaturityModel, answers: &str) -> Assessment {
    let sheets = FirmAnswers::from_json_str(answers)
        .unwrap()
        .sheets(model)
        .unwrap();
    model
        .assess_group(&sheets, &GroupOptions::default())
        .unwrap()
}

#[test]
fn the_four_stage_framework_loads() {
    let model = MaturityModel::from_json_str(MODEL).unwrap();
    assert_eq!(model.stages().len(), 4);
    assert!(!model.cem_levels());
    assert!(model.gate().is_none());
    let bounds: Vec<f64> = model.stages().iter().map(|s| s.lower_bound()).collect();
    assert_eq!(bounds, [0.0, 30.0, 55.0, 80.0]);
    let weights: Vec<f64> = model.competencies().iter().map(|c| c.weight()).collect();
    assert_eq!(weights, [0.3, 0.25, 0.25, 0.2]);
    assert_eq!(model.item("d.effort").unwrap().scale(), (0, 10));
}

#[test]
fn the_four_stage_framework_scores_its_sample_by_hand() {
    let model = MaturityModel::from_json_str(MODEL).unwrap();
    let result = assess_firm(&model, ANSWERS);
    // Customer understanding, keyed on 1–7 (u.assumptions reversed: 8 − x):
    //   owner 6, 4, 5 → (5 + 3 + 4) / 18 = 66.67; nurse 5, 3, 4 → 9/18 = 50;
    //   reception 5, 2, 4 → 8/18 = 44.44; median 50.
    assert_eq!(result.competencies[0].score, Some(50.0));
    // Measurement and learning: the receptionist answered 1 of 3 (< 0.6) and is left out;
    //   owner 4, 4, 8 − 3 = 5 → 10/18; nurse 3, 8 − 4 = 4 → 5/12; median of two = 48.61.
    let learning = result.competencies[3].score.unwrap();
    assert!((learning - (1000.0 / 18.0 + 500.0 / 12.0) / 2.0).abs() < 1e-9);
    assert_eq!(result.competencies[3].agreement.unwrap().respondents, 2);
    assert_eq!(result.level(), Some(2));
    assert_eq!(result.level_name(), Some("Repeatable"));
    assert_eq!(result.maturity_level(), None); // not on the CEM levels
    let roadmap = model.roadmap(&result).unwrap();
    assert_eq!(roadmap.steps[0].kind, StepKind::FirmWide);
    assert_eq!(roadmap.target, Some(3));
}

#[test]
fn the_bundled_sample_firm_is_held_back_by_its_culture() {
    let model = MaturityModel::builtin();
    let result = assess_firm(&model, SAMPLE);
    let band = result.banding().unwrap();
    assert_eq!(&*band.weakest, "culture");
    assert_eq!(
        (band.compensatory_level, band.limiting_level, band.level),
        (3, 1, 2)
    );
    assert_eq!(
        result.low_agreement().map(|c| c.id()).collect::<Vec<_>>(),
        ["leadership"]
    );
    let gaps = result.gaps();
    assert!(gaps.competency("culture").unwrap().blocking);
    // Answers to another model are refused.
    let other = MaturityModel::from_json_str(MODEL).unwrap();
    let err = FirmAnswers::from_json_str(SAMPLE)
        .unwrap()
        .sheets(&other)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the answers are for model 'cocreate-cem', but the model in use is 'cocreate-four-stage'"
    );
}
