//! Every result type serialises and deserialises back to an equal value (one of each,
//! every variant of the enums among them), and the reports print the same text after the
//! trip.
#![cfg(feature = "serde")]

use std::fmt::Debug;

use cocreate_maturity::anticipation::*;
use cocreate_maturity::orientation::{OrientationChecklist, Practice, Rating};
use cocreate_maturity::{
    Aggregation, Assessment, FirmAnswers, GapAnalysis, GateOutcome, GroupOptions, MaturityModel,
    Placement, Progress, Roadmap, ScoringInputs, Spread,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> T {
    let json = serde_json::to_string_pretty(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(&back, value);
    back
}

/// One respondent answering every item with `x` (reverse-keyed items mirrored), or with
/// "don't know" where `skip` says so.
fn assess(model: &MaturityModel, id: &str, x: i32, gate: bool, skip: &str) -> Assessment {
    let mut s = model.sheet(id).answer("gate.programme", gate).unwrap();
    for item in model.items() {
        s = if item.id().starts_with(skip) {
            s.answer(item.id(), cocreate_maturity::Response::DontKnow)
        } else {
            s.answer(item.id(), if item.reverse() { 6 - x } else { x })
        }
        .unwrap();
    }
    model.assess(&s.build().unwrap()).unwrap()
}

#[test]
fn assessments_gaps_roadmaps_and_progress() {
    let model = MaturityModel::builtin();
    let banded = assess(&model, "ana", 3, true, "-");
    let gated = assess(&model, "ben", 4, false, "-");
    let undetermined = assess(&model, "cy", 2, true, "culture");
    assert!(matches!(banded.placement, Placement::Banded(_)));
    assert!(matches!(gated.placement, Placement::Gated));
    assert!(matches!(
        undetermined.placement,
        Placement::Undetermined { .. }
    ));
    for a in [&banded, &gated, &undetermined] {
        let back = round_trip(a);
        assert_eq!(back.to_string(), a.to_string());
        let gaps: GapAnalysis = round_trip(&a.gaps());
        assert_eq!(gaps.summary(), a.gaps().summary());
        let roadmap: Roadmap = round_trip(&model.roadmap(a).unwrap());
        assert_eq!(roadmap.to_string(), model.roadmap(a).unwrap().to_string());
        let inputs: ScoringInputs = round_trip(&*a.inputs);
        assert_eq!(inputs, *a.inputs);
    }

    // A group with agreement, under both aggregations and spreads.
    let answers = FirmAnswers::from_json_str(include_str!(
        "../../../examples/data/maturity_sample_firm.json"
    ))
    .unwrap();
    let sheets = answers.sheets(&model).unwrap();
    for (aggregation, spread) in [
        (Aggregation::Median, Spread::StdDev),
        (Aggregation::Mean, Spread::Iqr),
    ] {
        let options = GroupOptions::builder()
            .aggregation(aggregation)
            .spread(spread)
            .build()
            .unwrap();
        round_trip(&options);
        let group = model.assess_group(&sheets, &options).unwrap();
        assert!(group.competencies.iter().all(|c| c.agreement.is_some()));
        let back = round_trip(&group);
        assert_eq!(back.summary(), group.summary());
    }

    let progress = Progress::between(&assess(&model, "ana", 2, true, "-"), &banded).unwrap();
    let back = round_trip(&progress);
    assert_eq!(back.to_string(), progress.to_string());
    round_trip(&answers);
    round_trip(&model);
}

#[test]
fn a_gate_outcome_read_back_is_consistent_with_its_counts() {
    let outcome = GateOutcome::from_counts(2, 3, 1);
    round_trip(&outcome);
    let forged: GateOutcome =
        serde_json::from_str(r#"{"yes": 0, "no": 4, "unanswered": 0, "open": true}"#).unwrap();
    assert!(!forged.open);
    assert_eq!(forged, GateOutcome::from_counts(0, 4, 0));
}

#[test]
fn checklist_reports() {
    let mut checklist = OrientationChecklist::new();
    for (i, practice) in Practice::ALL.into_iter().enumerate() {
        let rating = [Rating::Absent, Rating::Partial, Rating::Present][i % 3];
        checklist = checklist.rate(practice, rating, "observed").unwrap();
    }
    round_trip(&checklist);
    round_trip(&checklist.assess().unwrap());

    let audit = AnticipationAudit {
        needs: vec![
            Need::new("renewal", NeedSource::Expressed, NeedTiming::Reactive),
            Need::new("new pet", NeedSource::Unexpressed, NeedTiming::Reactive),
        ],
        events: vec![AnticipationEvent::new(
            "new pet",
            "offered pet cover",
            Reception::Unwelcome,
        )],
        preferences: Some(PreferenceRecall {
            opportunities: 10,
            remembered: 2,
        }),
        self_service: vec![SelfServiceFlow::new("file a claim", 100, 30, false)],
        listening: vec![ListeningChannel::new("review sites", false, 30, 0)],
        customers: vec![
            CustomerBehaviour::new("c1").referrals(0),
            CustomerBehaviour::new("c2").referrals(3),
            CustomerBehaviour::new("c3").referrals(0),
        ],
    };
    round_trip(&audit);
    let criteria = LoyaltyCriteria::builder()
        .referrals_at_least(1)
        .build()
        .unwrap();
    round_trip(&criteria);
    let report = audit.assess(&criteria).unwrap();
    // Every kind of finding is in this report.
    assert_eq!(report.findings.len(), 7, "{:?}", report.findings);
    round_trip(&report);
}
