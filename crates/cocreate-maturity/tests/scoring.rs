//! The scoring rule of `docs/literature.md` §4.5 "Maturity scoring", checked on small models
//! worked out by hand
//! (the worked example of `docs/methods/maturity.md` is `worked_example` below).
#![cfg(feature = "serde")]

use std::collections::BTreeMap;

use cocreate_maturity::spec::{CompetencySpec, GateSpec, ItemSpec, ModelSpec, StageSpec};
use cocreate_maturity::{
    Aggregation, AnswerError, AssessError, GroupOptions, MaturityModel, Placement, Response, Spread,
};

const TOL: f64 = 1e-12;

fn item(id: &str, reverse: bool) -> ItemSpec {
    ItemSpec {
        id: id.into(),
        statement: format!("Statement {id}."),
        reverse,
        ..Default::default()
    }
}

fn actions(stages: u8) -> BTreeMap<u8, Vec<String>> {
    (1..=stages)
        .map(|s| (s, vec![format!("Action for stage {s}.")]))
        .collect()
}

fn stages(bounds: &[f64]) -> Vec<StageSpec> {
    bounds
        .iter()
        .enumerate()
        .map(|(i, &b)| StageSpec {
            name: Some(format!("Stage {}", i + 1)),
            lower_bound: b,
            actions: vec![format!("Firm-wide action {}.", i + 1)],
            ..Default::default()
        })
        .collect()
}

/// Three competencies: A (3 items, a3 reversed), B (4 items), C (3 items); weights 0.5,
/// 0.3, 0.2; bands 0/20/40/60/80; a gate.
fn worked_spec() -> ModelSpec {
    let comp = |id: &str, items: Vec<ItemSpec>, weight: f64| CompetencySpec {
        id: id.into(),
        name: format!("Competency {id}"),
        weight: Some(weight),
        items,
        actions: actions(5),
        ..Default::default()
    };
    ModelSpec {
        id: "worked".into(),
        name: "Worked example".into(),
        version: "1".into(),
        stages: stages(&[0.0, 20.0, 40.0, 60.0, 80.0]),
        gate: Some(GateSpec {
            item: "gate".into(),
            statement: "A CX programme or owner exists.".into(),
            level_name: Some("None".into()),
            actions: vec!["Start.".into()],
        }),
        competencies: vec![
            comp(
                "A",
                vec![item("a1", false), item("a2", false), item("a3", true)],
                0.5,
            ),
            comp(
                "B",
                vec![
                    item("b1", false),
                    item("b2", false),
                    item("b3", false),
                    item("b4", false),
                ],
                0.3,
            ),
            comp(
                "C",
                vec![item("c1", false), item("c2", false), item("c3", false)],
                0.2,
            ),
        ],
        ..Default::default()
    }
}

fn sheet(
    model: &MaturityModel,
    id: &str,
    answers: &[(&str, Response)],
) -> cocreate_maturity::AnswerSheet {
    let mut s = model.sheet(id);
    for (item, r) in answers {
        s = s.answer(item, *r).unwrap();
    }
    s.build().unwrap()
}

use Response::{DontKnow as DK, Value as V};

fn worked_answers(c3: Response) -> Vec<(&'static str, Response)> {
    vec![
        ("gate", Response::Yes),
        ("a1", V(4.0)),
        ("a2", V(5.0)),
        ("a3", V(2.0)),
        ("b1", V(3.0)),
        ("b2", DK),
        ("b3", V(2.0)),
        ("b4", V(4.0)),
        ("c1", V(1.0)),
        ("c2", V(2.0)),
        ("c3", c3),
    ]
}

#[test]
fn worked_example() {
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let result = model
        .assess(&sheet(&model, "r1", &worked_answers(V(1.0))))
        .unwrap();
    let [a, b, c] = &result.competencies[..] else {
        panic!("three competencies")
    };
    // A: keyed 4, 5, 6 − 2 = 4 → (3 + 4 + 3) / (3 · 4) = 83.33
    assert!((a.score.unwrap() - 1000.0 / 12.0).abs() < TOL);
    assert_eq!(a.items[2].keyed, Some(4.0));
    // B: "don't know" is missing, 3 of 4 answered → (2 + 1 + 3) / (3 · 4) = 50
    assert_eq!(b.score, Some(50.0));
    assert_eq!((b.coverage.answered, b.coverage.total), (3, 4));
    assert_eq!(b.items[1].points, None);
    // C: (0 + 1 + 0) / 12 = 8.33
    assert!((c.score.unwrap() - 100.0 / 12.0).abs() < TOL);
    // Points add up to the score.
    for comp in &result.competencies {
        let sum: f64 = comp.items.iter().filter_map(|i| i.points).sum();
        assert!((sum - comp.score.unwrap()).abs() < TOL);
    }
    let band = result.banding().unwrap();
    // O = 0.5 · 83.33 + 0.3 · 50 + 0.2 · 8.33 = 58.33 → stage 3
    assert!((band.overall_score - 175.0 / 3.0).abs() < 1e-9);
    assert_eq!(band.compensatory_level, 3);
    assert_eq!(&*band.weakest, "C");
    assert_eq!(band.limiting_level, 1);
    assert_eq!(band.level, 2); // min(3, 1 + 1)
    assert_eq!(result.level_name(), Some("Stage 2"));
    // The inputs travel with the result.
    assert_eq!(
        result
            .competencies
            .iter()
            .map(|c| c.weight)
            .collect::<Vec<_>>(),
        [0.5, 0.3, 0.2]
    );
    assert_eq!(result.inputs.stages[2].lower_bound, 40.0);
    assert_eq!(result.inputs.min_coverage, 0.67);
    assert_eq!(result.inputs.lag_allowance, 1);
}

#[test]
fn two_of_three_is_below_the_default_coverage_rule() {
    // 2/3 = 0.667 < 0.67: C is insufficient and the level undetermined.
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let result = model
        .assess(&sheet(&model, "r1", &worked_answers(DK)))
        .unwrap();
    assert_eq!(result.competencies[2].score, None);
    assert_eq!(result.competencies[2].stage, None);
    assert_eq!(
        result.placement,
        Placement::Undetermined {
            insufficient: vec!["C".into()],
            gate_unanswered: false
        }
    );
    assert_eq!(result.level(), None);
    // With a rule of exactly two thirds the same answers are enough.
    let mut spec = worked_spec();
    spec.min_coverage = 2.0 / 3.0;
    let model = MaturityModel::from_spec(spec).unwrap();
    let result = model
        .assess(&sheet(&model, "r1", &worked_answers(DK)))
        .unwrap();
    assert!((result.competencies[2].score.unwrap() - 12.5).abs() < TOL);
    assert!(result.level().is_some());
}

#[test]
fn lag_allowance_changes_the_reported_level() {
    for (k, expected) in [(0u8, 1u8), (1, 2), (2, 3), (5, 3)] {
        let mut spec = worked_spec();
        spec.lag_allowance = k;
        let model = MaturityModel::from_spec(spec).unwrap();
        let result = model
            .assess(&sheet(&model, "r1", &worked_answers(V(1.0))))
            .unwrap();
        assert_eq!(result.level(), Some(expected), "k = {k}");
        assert!(result.level() <= result.compensatory_level());
    }
}

#[test]
fn the_gate_decides_level_zero() {
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let mut answers = worked_answers(V(1.0));
    answers[0].1 = Response::No;
    let result = model.assess(&sheet(&model, "r1", &answers)).unwrap();
    assert_eq!(result.placement, Placement::Gated);
    assert_eq!(result.level(), Some(0));
    assert_eq!(result.level_name(), Some("None"));
    // Competencies are still scored; the bands are not used.
    assert_eq!(result.competencies[1].score, Some(50.0));
    assert_eq!(result.overall_score(), None);

    answers[0].1 = DK;
    let result = model.assess(&sheet(&model, "r1", &answers)).unwrap();
    assert_eq!(
        result.placement,
        Placement::Undetermined {
            insufficient: vec![],
            gate_unanswered: true
        }
    );
}

#[test]
fn bands_are_inclusive_below_and_the_top_includes_100() {
    let model = MaturityModel::builtin();
    let inputs = model
        .assess(
            &model
                .sheet("x")
                .answer("gate.programme", false)
                .unwrap()
                .build()
                .unwrap(),
        )
        .unwrap()
        .inputs;
    let cases = [
        (0.0, 1),
        (19.999, 1),
        (20.0, 2),
        (39.9, 2),
        (40.0, 3),
        (60.0, 4),
        (79.99, 4),
        (80.0, 5),
        (100.0, 5),
    ];
    for (score, stage) in cases {
        assert_eq!(inputs.stage_of(score), stage, "score {score}");
    }
}

#[test]
fn equal_answers_give_exact_scores_on_the_builtin_model() {
    let model = MaturityModel::builtin();
    for (x, score, level) in [
        (1, 0.0, 1),
        (2, 25.0, 2),
        (3, 50.0, 3),
        (4, 75.0, 4),
        (5, 100.0, 5),
    ] {
        let mut s = model.sheet("r").answer("gate.programme", true).unwrap();
        for item in model.items() {
            let v = if item.reverse() { 6 - x } else { x };
            s = s.answer(item.id(), v).unwrap();
        }
        let result = model.assess(&s.build().unwrap()).unwrap();
        assert_eq!(result.overall_score(), Some(score));
        assert_eq!(result.level(), Some(level));
        assert!(result.competencies.iter().all(|c| c.score == Some(score)));
    }
}

#[test]
fn items_on_different_scales_are_rescaled_one_by_one() {
    let mut spec = worked_spec();
    spec.competencies[2].items[2].scale = Some(cocreate_maturity::spec::ScaleSpec {
        min: 0,
        max: 10,
        anchors: BTreeMap::new(),
    });
    let model = MaturityModel::from_spec(spec).unwrap();
    let mut answers = worked_answers(V(1.0));
    answers[10].1 = V(7.0);
    let result = model.assess(&sheet(&model, "r1", &answers)).unwrap();
    // C: (0/4 + 1/4 + 7/10) / 3 · 100 = 31.67
    assert!((result.competencies[2].score.unwrap() - 95.0 / 3.0).abs() < TOL);
    // 11 is outside the 0–10 scale.
    let err = model.sheet("r").answer("c3", 11).unwrap_err();
    assert_eq!(
        err.to_string(),
        "respondent 'r' answered 11 to item 'c3', which is outside its 0–10 scale"
    );
}

#[test]
fn groups_use_the_median_or_mean_with_spread_and_agreement() {
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let b_answers = |r: &'static str, x: f64| {
        let mut a = worked_answers(V(1.0));
        for slot in a.iter_mut().filter(|(id, _)| id.starts_with('b')) {
            slot.1 = V(x);
        }
        sheet(&model, r, &a)
    };
    // B scores 0, 25, 100.
    let sheets = [
        b_answers("p", 1.0),
        b_answers("q", 2.0),
        b_answers("r", 5.0),
    ];
    let median = model
        .assess_group(&sheets, &GroupOptions::default())
        .unwrap();
    let b = &median.competencies[1];
    assert_eq!(b.score, Some(25.0));
    let ag = b.agreement.unwrap();
    assert_eq!((ag.respondents, ag.min, ag.max), (3, 0.0, 100.0));
    // sd(c(0, 25, 100)) = 52.04165; IQR (type 7) = 62.5 − 12.5 = 50
    assert!((ag.std_dev.unwrap() - 52.041_649_986_653_94).abs() < 1e-9);
    assert_eq!(ag.iqr, 50.0);
    assert!(ag.low);
    assert_eq!(median.low_agreement().count(), 1);
    let mean = model
        .assess_group(
            &sheets,
            &GroupOptions::builder()
                .aggregation(Aggregation::Mean)
                .spread(Spread::Iqr)
                .low_agreement_above(60.0)
                .build()
                .unwrap(),
        )
        .unwrap();
    let b = &mean.competencies[1];
    assert!((b.score.unwrap() - 125.0 / 3.0).abs() < TOL);
    assert!(!b.agreement.unwrap().low);
    // Under the mean, the item points add up to the competency score.
    let sum: f64 = b.items.iter().filter_map(|i| i.points).sum();
    assert!((sum - b.score.unwrap()).abs() < 1e-9);
    assert_eq!(mean.respondents.len(), 3);
    assert_eq!(median.gate.unwrap().yes, 3);
}

#[test]
fn group_gate_is_open_when_at_least_half_say_yes() {
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let with_gate = |id: &'static str, g: Response| {
        let mut a = worked_answers(V(1.0));
        a[0].1 = g;
        sheet(&model, id, &a)
    };
    let opts = GroupOptions::default();
    let tie = [with_gate("a", Response::Yes), with_gate("b", Response::No)];
    assert!(model.assess_group(&tie, &opts).unwrap().gate.unwrap().open);
    let most_no = [
        with_gate("a", Response::Yes),
        with_gate("b", Response::No),
        with_gate("c", Response::No),
        with_gate("d", DK),
    ];
    let result = model.assess_group(&most_no, &opts).unwrap();
    let gate = result.gate.unwrap();
    assert_eq!(
        (gate.yes, gate.no, gate.unanswered, gate.open),
        (1, 2, 1, false)
    );
    assert_eq!(result.level(), Some(0));
}

#[test]
fn respondents_below_the_coverage_rule_are_left_out_of_the_competency() {
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let full = sheet(&model, "full", &worked_answers(V(1.0)));
    let mut sparse = worked_answers(V(1.0));
    for slot in sparse
        .iter_mut()
        .filter(|(id, _)| *id == "c1" || *id == "c2")
    {
        slot.1 = DK;
    }
    let sparse = sheet(&model, "sparse", &sparse);
    let result = model
        .assess_group(&[full, sparse], &GroupOptions::default())
        .unwrap();
    let c = &result.competencies[2];
    assert_eq!(c.agreement.unwrap().respondents, 1);
    assert!((c.score.unwrap() - 100.0 / 12.0).abs() < TOL);
    assert_eq!((c.coverage.answered, c.coverage.total), (4, 6));
}

#[test]
fn bad_answers_get_clear_errors() {
    let model = MaturityModel::builtin();
    let cases: Vec<(Result<_, AnswerError>, &str)> = vec![
        (
            model.sheet("r").answer("strategy.vison", 3).map(|_| ()),
            "respondent 'r' answered item 'strategy.vison', which the model does not have",
        ),
        (
            model.sheet("r").answer("strategy.vision", 0).map(|_| ()),
            "respondent 'r' answered 0 to item 'strategy.vision', which is outside its 1–5 scale",
        ),
        (
            model.sheet("r").answer("strategy.vision", f64::NAN).map(|_| ()),
            "respondent 'r' answered NaN to item 'strategy.vision', which is not a whole point of its scale",
        ),
        (
            model.sheet("r").answer("strategy.vision", true).map(|_| ()),
            "respondent 'r' gave yes/no to item 'strategy.vision', which takes a point of its scale",
        ),
        (
            model.sheet("r").build().map(|_| ()),
            "respondent 'r' gave no answers",
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.unwrap_err().to_string(), message);
    }
    let s = model
        .sheet("r")
        .answer("gate.programme", true)
        .unwrap()
        .build()
        .unwrap();
    let err = model
        .assess_group(&[s.clone(), s], &GroupOptions::default())
        .unwrap_err();
    assert_eq!(
        err,
        AssessError::DuplicateRespondent {
            respondent: "r".into()
        }
    );
}

#[test]
fn firm_answers_from_json_report_line_and_column() {
    let model = MaturityModel::builtin();
    let json = "{\n  \"respondents\": [\n    {\"id\": \"a\", \"answers\": {\"strategy.vision\": 4, \"strategy.vision\": 5}}\n  ]\n}";
    let err = cocreate_maturity::FirmAnswers::from_json_str(json).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the answers cannot be read at line 3, column 67: the key `strategy.vision` appears \
         twice in respondent `a`, under `answers`; keep one"
    );

    let err = cocreate_maturity::FirmAnswers::from_json_str("{\"respondents\": [\n {\"id\": 3}]}")
        .unwrap_err();
    assert!(matches!(err, AnswerError::Json { line: 2, .. }), "{err}");
    let err = cocreate_maturity::FirmAnswers::from_json_str("{\"respondents\": []}")
        .unwrap()
        .sheets(&model)
        .unwrap_err();
    assert_eq!(err, AnswerError::NoRespondents);
    let err = cocreate_maturity::FirmAnswers::from_json_str(
        r#"{"respondents": [{"id": "a", "answers": {"gate.programme": null}}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("null is not an answer"), "{err}");
    let ok = cocreate_maturity::FirmAnswers::from_json_str(
        r#"{"respondents": [{"id": "a", "answers": {"gate.programme": "Don't know", "strategy.vision": "N/A"}}]}"#,
    )
    .unwrap();
    assert_eq!(ok.respondents[0].answers[0].1, Response::DontKnow);
    assert_eq!(ok.respondents[0].answers[1].1, Response::NotApplicable);
}

#[test]
fn results_serialise_and_come_back_equal() {
    let model = MaturityModel::from_spec(worked_spec()).unwrap();
    let s1 = sheet(&model, "r1", &worked_answers(V(1.0)));
    let s2 = sheet(&model, "r2", &worked_answers(DK));
    let result = model
        .assess_group(&[s1, s2], &GroupOptions::default())
        .unwrap();
    let json = serde_json::to_string(&result).unwrap();
    assert!(json.contains("\"status\":\"banded\""));
    let back: cocreate_maturity::Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, result);
}
