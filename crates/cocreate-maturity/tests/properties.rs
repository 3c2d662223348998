//! Invariants of the scoring rule, checked on random answers (proptest), and parsers fed
//! garbage.
#![cfg(feature = "serde")]

use cocreate_maturity::{
    Aggregation, AnswerSheet, Assessment, FirmAnswers, GroupOptions, MaturityModel, Placement,
    Progress, Response,
};
use proptest::prelude::*;

/// One slot per item of the built-in model: a value 1–5, don't know, not applicable or
/// skipped; plus the gate.
#[derive(Debug, Clone)]
struct Answers {
    items: Vec<Option<Response>>,
    gate: Option<Response>,
}

fn response() -> impl Strategy<Value = Option<Response>> {
    prop_oneof![
        8 => (1..=5i32).prop_map(|v| Some(Response::from(v))),
        1 => Just(Some(Response::DontKnow)),
        1 => Just(Some(Response::NotApplicable)),
        1 => Just(None),
    ]
}

fn answers() -> impl Strategy<Value = Answers> {
    let n = MaturityModel::builtin().items().len();
    (
        proptest::collection::vec(response(), n),
        prop_oneof![
            6 => Just(Some(Response::Yes)),
            2 => Just(Some(Response::No)),
            1 => Just(Some(Response::DontKnow)),
            1 => Just(None),
        ],
    )
        .prop_map(|(items, gate)| Answers { items, gate })
}

fn build(model: &MaturityModel, id: &str, a: &Answers) -> Option<AnswerSheet> {
    let mut s = model.sheet(id);
    if let Some(g) = a.gate {
        s = s.answer("gate.programme", g).ok()?;
    }
    for (item, r) in model.items().iter().zip(&a.items) {
        if let Some(r) = r {
            s = s.answer(item.id(), *r).ok()?;
        }
    }
    // An empty sheet is an error, not a panic.
    s.build().ok()
}

fn in_range(x: f64) -> bool {
    (0.0..=100.0).contains(&x)
}

fn check_ranges(a: &Assessment) -> Result<(), TestCaseError> {
    for c in &a.competencies {
        if let Some(s) = c.score {
            prop_assert!(in_range(s), "{} scored {s}", c.id());
        }
        for i in &c.items {
            if let Some(p) = i.points {
                prop_assert!(in_range(p));
            }
        }
    }
    if let Placement::Banded(b) = &a.placement {
        prop_assert!(in_range(b.overall_score));
        prop_assert!(in_range(b.limiting_score));
        prop_assert!(b.limiting_score <= b.overall_score + 1e-9);
        prop_assert!(b.level <= b.compensatory_level);
        prop_assert!(b.limiting_level <= b.compensatory_level);
        prop_assert!((1..=5).contains(&b.level));
    }
    Ok(())
}

/// An answer that is one point better once keyed, if the slot holds a value that can move.
fn improved(model: &MaturityModel, a: &Answers, slot: usize) -> Option<Answers> {
    let item = &model.items()[slot];
    let Some(Response::Value(v)) = a.items[slot] else {
        return None;
    };
    let better = if item.reverse() { v - 1.0 } else { v + 1.0 };
    if !(1.0..=5.0).contains(&better) {
        return None;
    }
    let mut b = a.clone();
    b.items[slot] = Some(Response::Value(better));
    Some(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn scores_stay_within_0_and_100(a in answers()) {
        let model = MaturityModel::builtin();
        if let Some(sheet) = build(&model, "r", &a) {
            let result = model.assess(&sheet).unwrap();
            check_ranges(&result)?;
            let gaps = result.gaps();
            for g in &gaps.competencies {
                for p in [g.points_to_next_stage, g.points_to_target].into_iter().flatten() {
                    prop_assert!(in_range(p));
                }
            }
            prop_assert!(model.roadmap(&result).is_ok());
        }
    }

    #[test]
    fn raising_one_answer_never_lowers_a_score_or_the_level(a in answers(), slot in 0usize..28) {
        let model = MaturityModel::builtin();
        let (Some(better), Some(sheet)) = (improved(&model, &a, slot), build(&model, "r", &a)) else {
            return Ok(());
        };
        let before = model.assess(&sheet).unwrap();
        let after = model.assess(&build(&model, "r", &better).unwrap()).unwrap();
        for (x, y) in before.competencies.iter().zip(&after.competencies) {
            prop_assert_eq!(x.score.is_some(), y.score.is_some());
            if let (Some(s0), Some(s1)) = (x.score, y.score) {
                prop_assert!(s1 >= s0, "{}: {s0} -> {s1}", x.id());
            }
            prop_assert!(y.stage >= x.stage);
        }
        prop_assert!(after.level() >= before.level());
        prop_assert!(after.overall_score() >= before.overall_score());
        prop_assert!(after.compensatory_level() >= before.compensatory_level());
        prop_assert!(after.limiting_level() >= before.limiting_level());
        let progress = Progress::between(&before, &after).unwrap();
        prop_assert!(progress.declined().is_empty());
    }

    #[test]
    fn raising_one_answer_never_lowers_a_group_score_or_level(
        group in proptest::collection::vec(answers(), 1..6),
        who in 0usize..6,
        slot in 0usize..28,
        mean in any::<bool>(),
    ) {
        let model = MaturityModel::builtin();
        let who = who % group.len();
        let Some(better) = improved(&model, &group[who], slot) else { return Ok(()) };
        let ids: Vec<String> = (0..group.len()).map(|i| format!("r{i}")).collect();
        let sheets: Option<Vec<AnswerSheet>> =
            group.iter().zip(&ids).map(|(a, id)| build(&model, id, a)).collect();
        let Some(mut sheets) = sheets else { return Ok(()) };
        let options = GroupOptions::builder()
            .aggregation(if mean { Aggregation::Mean } else { Aggregation::Median })
            .build()
            .unwrap();
        let before = model.assess_group(&sheets, &options).unwrap();
        check_ranges(&before)?;
        sheets[who] = build(&model, &ids[who], &better).unwrap();
        let after = model.assess_group(&sheets, &options).unwrap();
        for (x, y) in before.competencies.iter().zip(&after.competencies) {
            if let (Some(s0), Some(s1)) = (x.score, y.score) {
                prop_assert!(s1 >= s0, "{}: {s0} -> {s1}", x.id());
            }
        }
        prop_assert!(after.level() >= before.level());
    }

    #[test]
    fn permuting_respondents_changes_nothing(
        group in proptest::collection::vec(answers(), 1..7)
            .prop_flat_map(|g| {
                let n = g.len();
                (Just(g), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
            }),
        mean in any::<bool>(),
    ) {
        let (group, order) = group;
        let model = MaturityModel::builtin();
        let sheets: Option<Vec<AnswerSheet>> = group
            .iter()
            .enumerate()
            .map(|(i, a)| build(&model, &format!("r{i}"), a))
            .collect();
        let Some(sheets) = sheets else { return Ok(()) };
        let shuffled: Vec<AnswerSheet> = order.iter().map(|&i| sheets[i].clone()).collect();
        let options = GroupOptions::builder()
            .aggregation(if mean { Aggregation::Mean } else { Aggregation::Median })
            .build()
            .unwrap();
        let a = model.assess_group(&sheets, &options).unwrap();
        let b = model.assess_group(&shuffled, &options).unwrap();
        prop_assert_eq!(&a.competencies, &b.competencies);
        prop_assert_eq!(&a.placement, &b.placement);
        prop_assert_eq!(&a.gate, &b.gate);
        check_ranges(&a)?;
    }

    #[test]
    fn garbage_never_panics_the_parsers(text in ".{0,400}") {
        let model = MaturityModel::builtin();
        let _ = MaturityModel::from_json_str(&text);
        if let Ok(answers) = FirmAnswers::from_json_str(&text) {
            let _ = answers.sheets(&model);
        }
    }

    #[test]
    fn mangled_models_and_answers_never_panic(
        cut in 0usize..20_000,
        edits in proptest::collection::vec((0usize..20_000, "[0-9\\-.eE\"{}\\[\\],:a-z ]{0,3}"), 1..6),
    ) {
        let mut json = MaturityModel::builtin().to_json_string();
        for (at, text) in &edits {
            let at = floor_boundary(&json, *at % (json.len() + 1));
            json.insert_str(at, text);
        }
        let cut = floor_boundary(&json, cut.min(json.len()));
        for text in [&json[..], &json[..cut]] {
            if let Ok(model) = MaturityModel::from_json_str(text) {
                // Whatever loads is sound enough to score.
                let mut s = model.sheet("r");
                for item in model.items() {
                    s = s.answer(item.id(), item.scale().0).unwrap();
                }
                if let Some(gate) = model.gate() {
                    s = s.answer(gate.item(), true).unwrap();
                }
                let result = model.assess(&s.build().unwrap()).unwrap();
                check_ranges(&result)?;
                let _ = model.roadmap(&result).unwrap();
            }
        }
        let mut answers = include_str!("../../../examples/data/maturity_sample_firm.json").to_string();
        for (at, text) in &edits {
            let at = floor_boundary(&answers, *at % (answers.len() + 1));
            answers.insert_str(at, text);
        }
        if let Ok(parsed) = FirmAnswers::from_json_str(&answers) {
            if let Ok(sheets) = parsed.sheets(&MaturityModel::builtin()) {
                let _ = MaturityModel::builtin().assess_group(&sheets, &GroupOptions::default());
            }
        }
    }

    #[test]
    fn random_specs_either_fail_cleanly_or_score_soundly(
        bounds in proptest::collection::vec(-10.0f64..110.0, 0..7),
        weights in proptest::collection::vec(proptest::option::of(-0.5f64..1.5), 6),
        coverage in -0.5f64..1.5,
        lag in 0u8..4,
    ) {
        let mut spec = MaturityModel::builtin().spec().clone();
        spec.cem_levels = bounds.len() == 5;
        spec.stages = bounds
            .iter()
            .enumerate()
            .map(|(i, &b)| cocreate_maturity::spec::StageSpec {
                name: Some(format!("S{i}")),
                lower_bound: b,
                actions: vec!["Act.".into()],
                ..Default::default()
            })
            .collect();
        for (c, w) in spec.competencies.iter_mut().zip(&weights) {
            c.weight = *w;
            c.actions = (1..=bounds.len() as u8).map(|s| (s, vec!["Act.".into()])).collect();
        }
        spec.min_coverage = coverage;
        spec.lag_allowance = lag;
        if let Ok(model) = MaturityModel::from_spec(spec) {
            let mut s = model.sheet("r").answer("gate.programme", true).unwrap();
            for (k, item) in model.items().iter().enumerate() {
                s = s.answer(item.id(), 1 + (k as i32 * 7) % 5).unwrap();
            }
            let result = model.assess(&s.build().unwrap()).unwrap();
            check_ranges(&result)?;
        }
    }
}

/// The largest char boundary at or below `at`.
fn floor_boundary(s: &str, mut at: usize) -> usize {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    /// A stored assessment edited by hand (levels, stages, counts at their extremes) still
    /// gives gaps, a roadmap, progress and a chart without panicking.
    #[test]
    fn edited_assessments_never_panic(
        level in any::<u8>(),
        stage in any::<u8>(),
        yes in any::<u32>(),
        no in any::<u32>(),
        score in -1e3f64..1e3,
    ) {
        let model = MaturityModel::builtin();
        let mut s = model.sheet("r").answer("gate.programme", true).unwrap();
        for item in model.items() {
            s = s.answer(item.id(), 3).unwrap();
        }
        let result = model.assess(&s.build().unwrap()).unwrap();
        let json = serde_json::to_string(&result).unwrap()
            .replace("\"level\":3", &format!("\"level\":{level}"))
            .replace("\"stage\":3", &format!("\"stage\":{stage}"))
            .replace("\"yes\":1", &format!("\"yes\":{yes}"))
            .replace("\"no\":0", &format!("\"no\":{no}"))
            .replace("\"score\":50.0", &format!("\"score\":{score:?}"));
        let edited: Assessment = serde_json::from_str(&json).unwrap();
        let _ = edited.gaps();
        let _ = edited.level_name();
        let _ = model.roadmap(&edited);
        let _ = Progress::between(&result, &edited);
        let _ = cocreate_maturity::radar::RadarChart::new(&edited).to_svg();
    }
}
