//! The service-orientation and anticipatory-service checklists.

use cocreate_maturity::anticipation::*;
use cocreate_maturity::orientation::{
    EmotionGrid, Orientation, OrientationChecklist, Phase, Practice, Rating,
};
use cocreate_maturity::ChecklistError;

fn rated(f: impl Fn(Practice) -> Rating) -> OrientationChecklist {
    let mut c = OrientationChecklist::new();
    for p in Practice::ALL {
        c = c.rate(p, f(p), "observed").unwrap();
    }
    c
}

#[test]
fn orientation_index_and_verdicts() {
    let all_partial = rated(|_| Rating::Partial).assess().unwrap();
    assert_eq!((all_partial.points, all_partial.max_points), (9, 18));
    assert_eq!(all_partial.index, 0.5);
    // Pressure and deception are only partly avoided: capped.
    assert_eq!(all_partial.orientation, Orientation::Instrumental);
    assert_eq!(all_partial.uncapped, Orientation::Mixed);
    assert_eq!(
        all_partial.caps,
        [Practice::NoPressureTactics, Practice::NoDeception]
    );

    // No absent practice and 5 of 9 present: service-oriented.
    let five = [
        Practice::NoPressureTactics,
        Practice::NoDeception,
        Practice::Transparency,
        Practice::WinWinTerms,
        Practice::ShowsAppreciation,
    ];
    let report = rated(|p| {
        if five.contains(&p) {
            Rating::Present
        } else {
            Rating::Partial
        }
    })
    .assess()
    .unwrap();
    assert_eq!(report.orientation, Orientation::ServiceOriented);
    assert!((report.index - 14.0 / 18.0).abs() < 1e-15);

    // Four present is not a majority: mixed.
    let report = rated(|p| {
        if five[..4].contains(&p) {
            Rating::Present
        } else {
            Rating::Partial
        }
    })
    .assess()
    .unwrap();
    assert_eq!(report.orientation, Orientation::Mixed);

    // One absent practice rules out service orientation, however good the rest.
    let report = rated(|p| {
        if p == Practice::ExceedsExpectations {
            Rating::Absent
        } else {
            Rating::Present
        }
    })
    .assess()
    .unwrap();
    assert_eq!(report.orientation, Orientation::Mixed);
    assert_eq!(report.absent, [Practice::ExceedsExpectations]);

    // Below half the points without any cap: instrumental by the index.
    let report = rated(|p| {
        if p.caps_when_missing() {
            Rating::Present
        } else {
            Rating::Absent
        }
    })
    .assess()
    .unwrap();
    assert!(report.caps.is_empty());
    assert_eq!(report.orientation, Orientation::Instrumental);
    assert_eq!(report.index, 4.0 / 18.0);
}

#[test]
fn deception_caps_even_a_perfect_index_otherwise() {
    let report = rated(|p| {
        if p == Practice::NoDeception {
            Rating::Absent
        } else {
            Rating::Present
        }
    })
    .assess()
    .unwrap();
    assert_eq!(report.uncapped, Orientation::Mixed);
    assert_eq!(report.orientation, Orientation::Instrumental);
    assert_eq!(report.caps, [Practice::NoDeception]);
}

#[test]
fn emotion_grid_rates_positive_emotion() {
    let mut grid = EmotionGrid::new(["in person", "e-mail", "phone"]).unwrap();
    assert_eq!(grid.rating(), Rating::Absent);
    for c in ["in person", "e-mail", "phone"] {
        for p in Phase::ALL {
            grid.mark(c, p, true).unwrap();
        }
    }
    assert_eq!(grid.rating(), Rating::Present);
    grid.mark("e-mail", Phase::During, false).unwrap();
    let c = OrientationChecklist::new().rate_emotion(&grid).unwrap();
    assert_eq!(c.ratings[0].rating, Rating::Partial);
    assert_eq!(c.ratings[0].evidence, "not positive: e-mail during");
    assert_eq!(
        grid.mark("fax", Phase::After, true)
            .unwrap_err()
            .to_string(),
        "there is no channel 'fax'"
    );
    assert!(matches!(
        EmotionGrid::new(Vec::<String>::new()),
        Err(ChecklistError::EmptyText { .. })
    ));
}

#[test]
fn orientation_checklist_needs_every_practice_once() {
    let c = rated(|_| Rating::Present);
    let mut missing = c.clone();
    missing
        .ratings
        .retain(|r| r.practice != Practice::NoDeception);
    assert_eq!(
        missing.assess().unwrap_err(),
        ChecklistError::MissingPractice {
            practice: "no deception"
        }
    );
    let mut twice = c;
    let first = twice.ratings[0].clone();
    twice.ratings.push(first);
    assert!(matches!(
        twice.assess(),
        Err(ChecklistError::DuplicatePractice { .. })
    ));
}

fn audit() -> AnticipationAudit {
    AnticipationAudit {
        needs: vec![
            Need::new("renewal", NeedSource::Expressed, NeedTiming::Anticipated),
            Need::new("new pet", NeedSource::Unexpressed, NeedTiming::Anticipated),
            Need::new("moved house", NeedSource::Unexpressed, NeedTiming::Reactive),
            Need::new("divorce", NeedSource::Unexpressed, NeedTiming::Reactive),
            Need::new("claim status", NeedSource::Expressed, NeedTiming::Reactive),
        ],
        events: vec![
            AnticipationEvent::new("renewal", "reminder a month ahead", Reception::Welcomed),
            AnticipationEvent::new("new pet", "offered pet cover", Reception::Unwelcome),
        ],
        preferences: Some(PreferenceRecall {
            opportunities: 40,
            remembered: 12,
        }),
        self_service: vec![
            SelfServiceFlow::new("update address", 300, 270, true),
            SelfServiceFlow::new("file a claim", 100, 30, false),
        ],
        listening: vec![
            ListeningChannel::new("social media", true, 50, 20),
            ListeningChannel::new("review sites", false, 30, 0),
        ],
        customers: vec![
            CustomerBehaviour::new("c1")
                .repeat_rate(0.9)
                .share_of_wallet(0.7),
            CustomerBehaviour::new("c2")
                .repeat_rate(0.9)
                .share_of_wallet(0.3),
            CustomerBehaviour::new("c3")
                .repeat_rate(0.2)
                .share_of_wallet(0.8),
        ],
    }
}

#[test]
fn anticipation_report_by_hand() {
    let criteria = LoyaltyCriteria::builder()
        .repeat_rate_at_least(0.5)
        .share_of_wallet_at_least(0.5)
        .build()
        .unwrap();
    let report = audit().assess(&criteria).unwrap();
    assert_eq!(report.needs, 5);
    assert_eq!(report.anticipation_rate, Some(0.4));
    assert_eq!(report.unexpressed_anticipation_rate, Some(1.0 / 3.0));
    assert_eq!(report.welcomed_share, Some(0.5));
    assert_eq!(report.preference_recall_rate, Some(0.3));
    let ss = report.self_service.as_ref().unwrap();
    assert_eq!((ss.started, ss.completed), (400, 300));
    assert_eq!(ss.containment_rate, Some(0.75));
    assert_eq!(ss.fallback_share, 0.5);
    assert_eq!(ss.without_fallback, ["file a claim"]);
    let l = report.listening.as_ref().unwrap();
    assert_eq!(l.answer_rate, Some(0.25));
    assert_eq!(l.unmonitored, ["review sites"]);
    let loyalty = report.loyalty.as_ref().unwrap();
    assert_eq!((loyalty.loyalists, loyalty.casual), (1, 2));
    assert_eq!(loyalty.tiers[0], ("c1".to_string(), LoyaltyTier::Loyalist));
    assert_eq!(
        report.findings,
        [
            Finding::MostlyReactive {
                anticipation_rate: 0.4
            },
            Finding::PreferencesForgotten { recall_rate: 0.3 },
            Finding::ForcedSelfService {
                flow: "file a claim".into()
            },
            Finding::UnmonitoredChannel {
                channel: "review sites".into()
            },
            Finding::MostMentionsUnanswered { answer_rate: 0.25 },
            Finding::MostlyCasual {
                loyalist_share: 1.0 / 3.0
            },
        ]
    );
}

#[test]
fn anticipation_audit_rejects_inconsistent_evidence() {
    let criteria = LoyaltyCriteria::builder()
        .referrals_at_least(1)
        .build()
        .unwrap();
    assert_eq!(
        AnticipationAudit::default().assess(&criteria).unwrap_err(),
        ChecklistError::EmptyAudit
    );
    let mut a = audit();
    a.listening[0].answered = 60;
    assert_eq!(
        a.assess(&criteria).unwrap_err().to_string(),
        "listening channel 'social media': answered mentions: 60 is more than 50"
    );
    let mut a = audit();
    a.self_service[1].name = "update address".into();
    assert_eq!(
        a.assess(&criteria).unwrap_err().to_string(),
        "self-service flow 'update address' appears twice"
    );
    // The customers have no referral counts, which these criteria use.
    assert_eq!(
        audit().assess(&criteria).unwrap_err().to_string(),
        "customer 'c1' has no referral count, which the loyalty criteria use"
    );
    assert_eq!(
        audit().assess(&LoyaltyCriteria::default()).unwrap_err(),
        ChecklistError::NoLoyaltyCriteria
    );
    let mut a = audit();
    a.customers[2].repeat_rate = Some(f64::NAN);
    let err = a
        .assess(
            &LoyaltyCriteria::builder()
                .repeat_rate_at_least(0.5)
                .build()
                .unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, ChecklistError::BadShare { .. }), "{err}");
    let mut a = audit();
    a.preferences = Some(PreferenceRecall {
        opportunities: 1,
        remembered: 2,
    });
    assert!(matches!(
        a.assess(
            &LoyaltyCriteria::builder()
                .referrals_at_least(0)
                .build()
                .unwrap()
        ),
        Err(ChecklistError::PartExceedsWhole { .. })
    ));
}
