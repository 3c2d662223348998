//! Every error is one sentence on one line, whatever the user's ids hold: control
//! characters are escaped, quotes and backticks are kept as written, and a long id is cut
//! to 80 characters, in every variant that quotes user text (and in the findings of an
//! anticipatory-service audit, which quote flow and channel names).
#![cfg(feature = "serde")]

use std::path::PathBuf;

use cocreate_maturity::anticipation::{
    AnticipationAudit, CustomerBehaviour, Finding, ListeningChannel, LoyaltyCriteria,
    SelfServiceFlow,
};
use cocreate_maturity::orientation::{EmotionGrid, Phase};
use cocreate_maturity::spec::ScaleSpec;
use cocreate_maturity::{
    ActionOwner, AnswerError, AssessError, Checked, ChecklistError, ChecklistText, Counted,
    FileError, FirmAnswers, GroupOptions, MaturityModel, ModelError, ModelText, ScaleOwner,
    ShareOf,
};

/// Ids a hostile or careless file may hold.
fn hostile() -> Vec<String> {
    vec![
        "line\nbreak".to_string(),
        "carriage\rreturn\ttab".to_string(),
        "\u{1b}[31mred\u{1b}[0m".to_string(),
        "back`tick`s".to_string(),
        "it's \"quoted\"".to_string(),
        "x".repeat(5_000),
        format!("{}\n{}", "é".repeat(100), "y".repeat(100)),
    ]
}

/// The text as the message must quote it.
fn quoted(text: &str) -> String {
    cocreate_input::clip(text, cocreate_input::MAX_NAME)
}

/// One line, no control character, short, and quoting `text` escaped and cut.
fn check(message: &str, text: &str) {
    assert!(
        !message.chars().any(char::is_control),
        "control character in {message:?}"
    );
    assert!(message.chars().count() < 600, "too long: {message}");
    assert!(
        message.contains(&quoted(text)),
        "{message:?} does not quote {:?}",
        quoted(text)
    );
    if text.chars().count() > cocreate_input::MAX_NAME {
        assert!(message.contains('…'), "{message}");
    }
}

#[test]
fn quoting_keeps_quotes_and_backticks_and_escapes_control_characters() {
    assert_eq!(quoted("it's \"quoted\""), "it's \"quoted\"");
    assert_eq!(quoted("back`tick`s"), "back`tick`s");
    assert_eq!(quoted("line\nbreak"), "line\\nbreak");
    assert_eq!(quoted(&"x".repeat(5_000)), format!("{}…", "x".repeat(80)));
}

#[test]
fn every_model_error_that_quotes_user_text() {
    for s in hostile() {
        let item = || ScaleOwner::Item { item: s.clone() };
        let errors = [
            ModelError::EmptyText {
                what: ModelText::CompetencyName {
                    competency: s.clone(),
                },
            },
            ModelError::EmptyText {
                what: ModelText::ItemId {
                    competency: s.clone(),
                    position: 2,
                },
            },
            ModelError::EmptyText {
                what: ModelText::ItemStatement { item: s.clone() },
            },
            ModelError::EmptyText {
                what: ModelText::Anchor {
                    point: 3,
                    scale: item(),
                },
            },
            ModelError::EmptyText {
                what: ModelText::Action {
                    position: 1,
                    owner: ActionOwner::Competency {
                        competency: s.clone(),
                        stage: 2,
                    },
                },
            },
            ModelError::MissingStageActions {
                stage: 2,
                name: s.clone(),
            },
            ModelError::DuplicateCompetency { id: s.clone() },
            ModelError::EmptyCompetency {
                competency: s.clone(),
            },
            ModelError::DuplicateItem { item: s.clone() },
            ModelError::BadScale {
                owner: item(),
                min: 5,
                max: 1,
            },
            ModelError::AnchorOffScale {
                owner: item(),
                point: 9,
                min: 1,
                max: 5,
            },
            ModelError::WeightNotPositive {
                competency: s.clone(),
                weight: -1.0,
            },
            ModelError::WeightMissing {
                competency: s.clone(),
            },
            ModelError::MissingActions {
                competency: s.clone(),
                stage: 1,
                stage_name: "Starting".into(),
            },
            ModelError::MissingActions {
                competency: "c".into(),
                stage: 1,
                stage_name: s.clone(),
            },
            ModelError::UnknownActionStage {
                competency: s.clone(),
                stage: 7,
                stages: 5,
            },
            ModelError::File(FileError::Directory {
                path: PathBuf::from(&s),
            }),
        ];
        for e in errors {
            check(&e.to_string(), &s);
        }
    }
}

#[test]
fn every_answer_and_assess_error_that_quotes_user_text() {
    for s in hostile() {
        let errors = [
            AnswerError::TooManyAnswers {
                respondent: s.clone(),
                count: 3000,
                limit: 2001,
            },
            AnswerError::OtherModel {
                expected: "cocreate-cem".into(),
                found: s.clone(),
            },
            AnswerError::DuplicateRespondent {
                respondent: s.clone(),
            },
            AnswerError::UnknownItem {
                respondent: "r".into(),
                item: s.clone(),
            },
            AnswerError::UnknownItem {
                respondent: s.clone(),
                item: "i".into(),
            },
            AnswerError::DuplicateAnswer {
                respondent: s.clone(),
                item: s.clone(),
            },
            AnswerError::OutOfRange {
                respondent: s.clone(),
                item: s.clone(),
                value: 9.0,
                min: 1,
                max: 5,
            },
            AnswerError::NotAScalePoint {
                respondent: s.clone(),
                item: s.clone(),
                value: 2.5,
            },
            AnswerError::WrongKind {
                respondent: s.clone(),
                item: s.clone(),
                expected: "yes or no",
                found: "a number",
            },
            AnswerError::NoAnswers {
                respondent: s.clone(),
            },
            AnswerError::File(FileError::Read {
                path: Some(PathBuf::from(&s)),
                kind: std::io::ErrorKind::NotFound,
                reason: "not found".into(),
            }),
            AnswerError::File(FileError::TooLarge {
                path: Some(PathBuf::from(&s)),
                bytes: 1 << 30,
                limit: 16 << 20,
            }),
            AnswerError::File(FileError::NotUtf8 {
                path: Some(PathBuf::from(&s)),
                offset: 3,
            }),
        ];
        for e in errors {
            check(&e.to_string(), &s);
        }
        let errors = [
            AssessError::OtherModel {
                what: Checked::Sheet {
                    respondent: s.clone(),
                },
                expected: "cocreate-cem 1.0.0".into(),
                found: "cocreate-cem 2.0.0".into(),
            },
            AssessError::OtherModel {
                what: Checked::Assessment,
                expected: s.clone(),
                found: "x 1".into(),
            },
            AssessError::OtherModel {
                what: Checked::LaterAssessment,
                expected: "x 1".into(),
                found: s.clone(),
            },
            AssessError::DuplicateRespondent {
                respondent: s.clone(),
            },
        ];
        for e in errors {
            check(&e.to_string(), &s);
        }
    }
}

#[test]
fn every_checklist_error_and_finding_that_quotes_user_text() {
    for s in hostile() {
        let errors = [
            ChecklistError::EmptyText {
                what: ChecklistText::GridRow { channel: s.clone() },
            },
            ChecklistError::Duplicate {
                what: "channel",
                name: s.clone(),
            },
            ChecklistError::Unknown {
                what: "channel",
                name: s.clone(),
            },
            ChecklistError::PartExceedsWhole {
                what: Counted::Record {
                    record: "self-service flow",
                    name: s.clone(),
                    part: "completions",
                },
                part: 3,
                whole: 2,
            },
            ChecklistError::BadShare {
                what: ShareOf::Customer {
                    customer: s.clone(),
                    indicator: "repeat rate",
                },
                value: 2.0,
            },
            ChecklistError::MissingIndicator {
                customer: s.clone(),
                indicator: "referral count",
            },
        ];
        for e in errors {
            check(&e.to_string(), &s);
        }
        check(
            &Finding::ForcedSelfService { flow: s.clone() }.to_string(),
            &s,
        );
        check(
            &Finding::UnmonitoredChannel { channel: s.clone() }.to_string(),
            &s,
        );
    }
}

/// The same through the library's own paths: a model, answers and checklists built from
/// hostile ids give the same one-line errors.
#[test]
fn hostile_ids_through_the_public_api() {
    let model = MaturityModel::builtin();
    for s in hostile() {
        // Recording answers.
        let err = model.sheet("ana").answer(&s, 3).unwrap_err();
        assert!(matches!(err, AnswerError::UnknownItem { .. }));
        check(&err.to_string(), &s);
        let err = model.sheet(&s).build().unwrap_err();
        check(&err.to_string(), &s);
        let err = model.sheet(&s).answer("strategy.vision", 2.5).unwrap_err();
        check(&err.to_string(), &s);

        // Answers files: an unknown item, a repeated respondent, another model.
        let json = serde_json::json!({
            "respondents": [{ "id": s, "answers": { s.clone(): 3 } }]
        })
        .to_string();
        let answers = FirmAnswers::from_json_str(&json).unwrap();
        check(&answers.sheets(&model).unwrap_err().to_string(), &s);
        let json = serde_json::json!({
            "respondents": [{ "id": s, "answers": { "strategy.vision": 3 } },
                            { "id": s, "answers": { "strategy.vision": 3 } }]
        })
        .to_string();
        let answers = FirmAnswers::from_json_str(&json).unwrap();
        check(&answers.sheets(&model).unwrap_err().to_string(), &s);
        let json = serde_json::json!({ "model": s, "respondents": [] }).to_string();
        let answers = FirmAnswers::from_json_str(&json).unwrap();
        check(&answers.sheets(&model).unwrap_err().to_string(), &s);

        // Group scoring: two sheets of one respondent.
        let sheet = model.sheet(&s).answer("strategy.vision", 3).unwrap();
        let sheet = sheet.build().unwrap();
        let err = model
            .assess_group(&[sheet.clone(), sheet], &GroupOptions::default())
            .unwrap_err();
        check(&err.to_string(), &s);

        // Models: a competency id twice, an item's bad scale, a weight missing.
        let mut spec = model.spec().clone();
        spec.competencies[0].id = s.clone();
        spec.competencies[1].id = s.clone();
        check(&MaturityModel::from_spec(spec).unwrap_err().to_string(), &s);
        let mut spec = model.spec().clone();
        spec.competencies[2].items[1].id = s.clone();
        spec.competencies[2].items[1].scale = Some(ScaleSpec {
            min: 3,
            max: 3,
            anchors: Default::default(),
        });
        let err = MaturityModel::from_spec(spec).unwrap_err();
        assert!(matches!(err, ModelError::BadScale { .. }), "{err}");
        check(&err.to_string(), &s);
        let mut spec = model.spec().clone();
        spec.competencies[1].id = s.clone();
        spec.competencies[0].weight = Some(1.0);
        let err = MaturityModel::from_spec(spec).unwrap_err();
        assert!(matches!(err, ModelError::WeightMissing { .. }), "{err}");
        check(&err.to_string(), &s);

        // Model JSON with a misspelt field in an item with a hostile id: the JSON
        // reader's message names the item on one line too.
        let json = model.to_json_string().replacen(
            "\"id\": \"strategy.goals\"",
            &format!(
                "\"id\": {}, \"wieght\": 1",
                serde_json::to_string(&s).unwrap()
            ),
            1,
        );
        let err = MaturityModel::from_json_str(&json).unwrap_err();
        assert!(matches!(err, ModelError::Json { .. }), "{err}");
        check(&err.to_string(), &s);

        // Checklists.
        let mut grid = EmotionGrid::new(["phone"]).unwrap();
        check(
            &grid.mark(&s, Phase::After, true).unwrap_err().to_string(),
            &s,
        );
        let check_audit = |audit: AnticipationAudit, criteria: &LoyaltyCriteria| {
            check(&audit.assess(criteria).unwrap_err().to_string(), &s);
        };
        let none = LoyaltyCriteria::default();
        check_audit(
            AnticipationAudit {
                self_service: vec![SelfServiceFlow::new(&s, 1, 2, true)],
                ..Default::default()
            },
            &none,
        );
        check_audit(
            AnticipationAudit {
                listening: vec![
                    ListeningChannel::new(&s, true, 1, 1),
                    ListeningChannel::new(&s, true, 1, 1),
                ],
                ..Default::default()
            },
            &none,
        );
        let referrals = LoyaltyCriteria::builder()
            .referrals_at_least(1)
            .build()
            .unwrap();
        check_audit(
            AnticipationAudit {
                customers: vec![CustomerBehaviour::new(&s)],
                ..Default::default()
            },
            &referrals,
        );
        let repeat = LoyaltyCriteria::builder()
            .repeat_rate_at_least(0.5)
            .build()
            .unwrap();
        check_audit(
            AnticipationAudit {
                customers: vec![CustomerBehaviour::new(&s).repeat_rate(3.0)],
                ..Default::default()
            },
            &repeat,
        );
    }
}

#[test]
fn file_errors_name_the_file_on_one_line() {
    let dir = std::env::temp_dir().join("cocreate maturity\nfile errors");
    std::fs::create_dir_all(&dir).unwrap();
    let err = MaturityModel::from_json_path(&dir).unwrap_err();
    assert!(matches!(err, ModelError::File(FileError::Directory { .. })));
    check(&err.to_string(), &dir.display().to_string());
    let missing = dir.join("missing.json");
    let err = FirmAnswers::from_json_path(&missing).unwrap_err();
    assert!(matches!(
        err,
        AnswerError::File(FileError::Read {
            kind: std::io::ErrorKind::NotFound,
            ..
        })
    ));
    assert!(!err.to_string().contains('\n'), "{err}");
    let not_text = dir.join("latin1.json");
    std::fs::write(&not_text, b"{\"firm\": \"Caf\xe9\"}").unwrap();
    let err = FirmAnswers::from_json_path(&not_text).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("is not UTF-8 text (invalid byte at offset 13)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
