//! Gaps, roadmaps and progress on the built-in model.
#![cfg(feature = "serde")]

use cocreate_maturity::{AssessError, MaturityLevel, MaturityModel, Progress, StepKind};

/// Every competency at `by_competency[i]` on the 1–5 scale (keyed), gate answered `gate`.
fn assess(
    model: &MaturityModel,
    gate: bool,
    by_competency: [i32; 6],
) -> cocreate_maturity::Assessment {
    let mut s = model.sheet("r").answer("gate.programme", gate).unwrap();
    for item in model.items() {
        let x = by_competency[item.competency()];
        s = s
            .answer(item.id(), if item.reverse() { 6 - x } else { x })
            .unwrap();
    }
    model.assess(&s.build().unwrap()).unwrap()
}

#[test]
fn gaps_point_at_the_next_level_and_name_the_blockers() {
    let model = MaturityModel::builtin();
    // 75 everywhere but culture at 0: overall 62.5 (stage 4), limiting stage 1 → level 2.
    let a = assess(&model, true, [4, 4, 4, 4, 4, 1]);
    assert_eq!(a.level(), Some(2));
    let gaps = a.gaps();
    assert_eq!(gaps.target, Some(3));
    assert_eq!(
        gaps.target_name.as_deref(),
        Some("Defined, leadership engaged")
    );
    let culture = gaps.competency("culture").unwrap();
    assert_eq!(culture.points_to_target, Some(40.0));
    assert_eq!(culture.points_to_next_stage, Some(20.0));
    assert!(culture.blocking); // below the stage-2 band that level 3 requires (k = 1)
    assert!(!gaps.competency("strategy").unwrap().blocking);
    assert_eq!(gaps.overall.unwrap().points_needed, 0.0);

    let roadmap = model.roadmap(&a).unwrap();
    assert_eq!(roadmap.steps.len(), 2);
    assert_eq!(roadmap.steps[0].kind, StepKind::FirmWide);
    assert_eq!(
        roadmap.steps[0].actions,
        MaturityLevel::HeardAndValued
            .actions()
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(roadmap.steps[1].competency.as_deref(), Some("culture"));
    assert_eq!(
        roadmap.steps[1].actions,
        model.competency("culture").unwrap().actions(1)
    );
}

#[test]
fn roadmap_orders_competencies_weakest_first_with_ties_in_model_order() {
    let model = MaturityModel::builtin();
    let a = assess(&model, true, [3, 2, 3, 2, 5, 5]);
    // strategy 50, leadership 25, insight 50, design 25, governance 100, culture 100:
    // overall 58.3 (stage 3), limiting 25 (stage 2) → level 3; target 4 needs 60.
    assert_eq!(a.level(), Some(3));
    let roadmap = model.roadmap(&a).unwrap();
    let order: Vec<&str> = roadmap.steps[1..]
        .iter()
        .map(|s| s.competency.as_deref().unwrap())
        .collect();
    assert_eq!(order, ["leadership", "design", "strategy", "insight"]);
    assert_eq!(roadmap.steps[1].points_needed, Some(35.0));
    assert_eq!(roadmap.actions().count(), 2 + 4 * 2);
}

#[test]
fn gated_firms_start_with_the_level_zero_actions() {
    let model = MaturityModel::builtin();
    let a = assess(&model, false, [1, 2, 3, 4, 5, 1]);
    assert_eq!(a.maturity_level(), Some(MaturityLevel::NonExistent));
    let roadmap = model.roadmap(&a).unwrap();
    assert_eq!(roadmap.steps[0].kind, StepKind::OpenGate);
    assert_eq!(
        roadmap.steps[0].actions.len(),
        MaturityLevel::NonExistent.actions().len()
    );
    // Then the competencies still in the first stage.
    let rest: Vec<&str> = roadmap.steps[1..]
        .iter()
        .map(|s| s.competency.as_deref().unwrap())
        .collect();
    assert_eq!(rest, ["strategy", "culture"]);
}

#[test]
fn top_level_firms_get_the_sustaining_actions() {
    let model = MaturityModel::builtin();
    let a = assess(&model, true, [5, 5, 5, 5, 4, 5]);
    assert_eq!(a.level(), Some(5));
    let gaps = a.gaps();
    assert_eq!(gaps.target, None);
    assert!(gaps.overall.is_none());
    let roadmap = model.roadmap(&a).unwrap();
    assert_eq!(
        roadmap.steps[0].title,
        "Firm-wide: stay at level 5 (Optimised, culture changed)"
    );
    assert_eq!(roadmap.steps[1].competency.as_deref(), Some("governance"));
    assert_eq!(roadmap.steps.len(), 7);
}

#[test]
fn undetermined_firms_are_asked_for_the_missing_answers() {
    let model = MaturityModel::builtin();
    let s = model
        .sheet("r")
        .answer("strategy.vision", 4)
        .unwrap()
        .build()
        .unwrap();
    let a = model.assess(&s).unwrap();
    let roadmap = model.roadmap(&a).unwrap();
    assert!(roadmap
        .steps
        .iter()
        .all(|s| s.kind == StepKind::CollectAnswers));
    assert_eq!(roadmap.steps.len(), 7); // the gate and six competencies
    assert!(roadmap.steps[1].actions[0].contains("1 of 4 answers were given"));
}

#[test]
fn progress_compares_two_assessments() {
    let model = MaturityModel::builtin();
    let before = assess(&model, true, [2, 2, 3, 2, 2, 1]);
    let after = assess(&model, true, [3, 3, 3, 2, 3, 2]);
    let p = Progress::between(&before, &after).unwrap();
    assert_eq!(
        (p.level_before, p.level_after, p.level_change),
        (Some(2), Some(3), Some(1))
    );
    let up: Vec<&str> = p.improved().iter().map(|c| &*c.id).collect();
    assert_eq!(up, ["strategy", "leadership", "governance", "culture"]);
    assert_eq!(p.competencies[5].change, Some(25.0));
    assert_eq!(p.competencies[5].stage_before, Some(1));
    assert_eq!(p.competencies[5].stage_after, Some(2));
    assert!(p.declined().is_empty());
    let back = Progress::between(&after, &before).unwrap();
    assert_eq!(back.level_change, Some(-1));
    assert_eq!(back.declined().len(), 4);

    let other = MaturityModel::from_json_str(include_str!(
        "../../../examples/data/maturity_four_stage_model.json"
    ))
    .unwrap();
    let mut s = other.sheet("r");
    for item in other.items() {
        s = s.answer(item.id(), item.scale().1).unwrap();
    }
    let b = other.assess(&s.build().unwrap()).unwrap();
    assert!(matches!(
        Progress::between(&before, &b),
        Err(AssessError::OtherModel { .. })
    ));
    assert!(matches!(
        other.roadmap(&before),
        Err(AssessError::OtherModel { .. })
    ));
}
