//! # cocreate-maturity
//!
//! Customer-experience-management (CEM) maturity: where a firm stands, why, and what to do
//! next.
//!
//! Firms manage customer experience with a maturity that runs from level 0 (no CEM at all)
//! to level 5 (optimised, the culture changed): see [`MaturityLevel`] for each level's
//! typical view and the actions that lead to the next. This crate places a firm on that
//! scale from a transparent assessment, shows the gap to the next level and proposes a
//! roadmap of actions.
//!
//! ## How a firm is placed
//!
//! A [`MaturityModel`] is data, not code: competencies, each with a few statements that
//! people inside the firm rate, weights, stage thresholds, a yes/no gate for level 0, and
//! the actions for each competency and stage. The built-in model
//! ([`MaturityModel::builtin`]) is Gartner-style, with six competencies; any other
//! framework loads from JSON with [`MaturityModel::from_json_path`] (or
//! [`from_json_str`](MaturityModel::from_json_str)) and is checked on load.
//!
//! Scoring follows one published rule (`docs/methods/maturity.md`):
//!
//! 1. reverse-keyed items are flipped; "don't know" is missing, not zero;
//! 2. a competency is scored only when enough of its items are answered (the coverage
//!    rule), as the mean of its items on a 0–100 scale;
//! 3. the *compensatory* score is the weighted mean of the competencies; the *limiting*
//!    score is the weakest competency;
//! 4. the reported level is `min(compensatory stage, limiting stage + k)`: one weak
//!    competency may hold the firm back, but by at most `k` stages (1 by default);
//! 5. a "no" to the gate item means level 0.
//!
//! Several respondents of one firm are scored one by one and combined per competency by
//! the median (or mean), with their spread and a low-agreement flag
//! ([`MaturityModel::assess_group`]). Every [`Assessment`] carries what produced it: the
//! weights, thresholds, coverage and each item's contribution.
//!
//! ```
//! use cocreate_maturity::{FirmAnswers, GroupOptions, MaturityModel};
//!
//! let model = MaturityModel::builtin();
//! let answers = FirmAnswers::from_json_str(r#"{
//!   "firm": "Harbour Dental",
//!   "respondents": [
//!     { "id": "owner", "answers": {
//!         "gate.programme": true,
//!         "strategy.vision": 4, "strategy.goals": 3, "strategy.decisions": 4, "strategy.slogans": 2,
//!         "leadership.owner": 4, "leadership.budget": 2, "leadership.review": 3,
//!         "leadership.delegated": 3, "leadership.contact": 4,
//!         "insight.channels": 3, "insight.shared": 2, "insight.closed_loop": 4,
//!         "insight.silos": 4, "insight.unexpressed": "dont_know",
//!         "design.maps": 2, "design.moments": 3, "design.channels": 2, "design.piecemeal": 4,
//!         "governance.metrics": 1, "governance.link": 2, "governance.forum": 1,
//!         "governance.processes": 2, "governance.selective": 4,
//!         "culture.people": 4, "culture.empowered": 5, "culture.recognition": 4,
//!         "culture.blame": 2, "culture.engagement": 3 } }
//!   ]
//! }"#)?;
//! let sheets = answers.sheets(&model)?;
//! let result = model.assess_group(&sheets, &GroupOptions::default())?;
//!
//! // Overall 48.1 points gives stage 3, but measurement and governance, at 15 points,
//! // is in stage 1: the reported level is min(3, 1 + 1) = 2.
//! assert_eq!(result.compensatory_level(), Some(3));
//! assert_eq!(result.limiting_level(), Some(1));
//! assert_eq!(result.level(), Some(2));
//! let gaps = result.gaps();
//! assert_eq!(gaps.competency("governance").unwrap().points_to_target, Some(25.0));
//!
//! let roadmap = model.roadmap(&result)?;
//! assert_eq!(roadmap.steps[1].competency.as_deref(), Some("governance"));
//!
//! // Every result prints itself: `println!("{result}\n\n{gaps}\n\n{roadmap}")`.
//! assert!(result.to_string().contains("Level 2: Customer heard and valued"));
//! assert!(gaps.to_string().starts_with("Gaps to level 3"));
//! assert!(roadmap.to_string().starts_with("Roadmap\n  1. Firm-wide"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What else is here
//!
//! - [`gap`]: points each competency needs for the next level, and which ones block it.
//! - [`roadmap`]: the level's and the weakest competencies' actions, in order.
//! - [`progress`]: the change between two assessments of one firm.
//! - [`radar`]: an SVG radar chart of an assessment.
//! - [`orientation`]: a checklist of service orientation versus instrumental orientation,
//!   where any deception or pressure selling caps the verdict at instrumental.
//! - [`anticipation`]: an audit of anticipatory service: anticipation rate, preferences
//!   remembered, self-service with a human fallback, listening on electronic channels,
//!   and casual customers versus true loyalists derived from behaviour.
//!
//! # Untrusted input
//!
//! Models and answers are files people write by hand and send around, so every reader
//! is strict and bounded; a bad file is an error that names the place, never a panic, a
//! hang or a silent change of meaning.
//!
//! - **Files.** [`MaturityModel::from_json_path`] and [`FirmAnswers::from_json_path`]
//!   refuse a directory and a file larger than [`MAX_JSON_BYTES`] (16 MiB) before reading
//!   it; the `from_json_reader` loaders stop after [`MAX_JSON_BYTES`]. Bytes that are not
//!   UTF-8 are an error ([`FileError`]).
//! - **Strict JSON.** The `from_json_*` loaders refuse an unknown or misspelt field,
//!   naming the nearest known one (`"wieght"`: did you mean `weight`?), and a key that
//!   appears twice in any object (an item answered twice included), so nothing the file
//!   says is dropped. A UTF-8 byte-order mark at the start is skipped. Errors carry the
//!   line and column and name the competency, item, stage or respondent. Text after the
//!   document is refused.
//! - **Nesting and numbers.** Nesting deeper than 128 levels is an error, not a stack
//!   overflow; a number beyond the range of `f64` is an error.
//! - **Sizes**, checked before anything is built from the lists: at most
//!   [`MAX_COMPETENCIES`] competencies, [`MAX_ITEMS`] items over all of them,
//!   [`MAX_ACTIONS`] actions per list (a stage of a competency, a stage, the gate),
//!   [`model::MAX_STAGES`] stages ([`ModelError::TooManyStages`]); at most
//!   [`MAX_RESPONDENTS`] respondents with at most [`MAX_ANSWERS`] answers each. Work after
//!   loading is linear in these sizes, apart from combining respondents (sorting each
//!   competency's and each item's scores across them: `n log n` in the respondents).
//! - **Messages.** Every error is one sentence on one line: ids, names and file names it
//!   quotes are escaped (a newline becomes `\n`) and cut to 80 characters
//!   ([`cocreate_input::clip`]), so a hostile id can neither break the line nor flood the
//!   terminal. The printed reports ([`Assessment`], [`GapAnalysis`], [`Roadmap`],
//!   [`Progress`]) escape control characters in names the same way.
//! - **Deserialising through validation.** A [`MaturityModel`], [`MaturityLevel`],
//!   [`GroupOptions`], [`anticipation::LoyaltyCriteria`] and [`orientation::EmotionGrid`]
//!   deserialised with serde go through the same checks as their constructors and
//!   builders; a [`GateOutcome`] read back recomputes whether the gate is open. An
//!   [`AnswerSheet`] has no serde form: it is valid only against the model that checked
//!   it, so answers travel as [`FirmAnswers`] and are checked by [`FirmAnswers::sheets`].
//!
//! # Features
//!
//! - `serde` (default): `Serialize`/`Deserialize` on every data type, JSON loading of
//!   models and answers, and the built-in model (which ships as JSON).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod answers;
pub mod anticipation;
pub mod assessment;
#[cfg(feature = "serde")]
pub mod builtin;
pub mod error;
mod file;
pub mod gap;
pub mod group;
pub mod inputs;
pub mod level;
pub mod model;
pub mod orientation;
pub mod progress;
pub mod radar;
pub mod response;
pub mod roadmap;
mod score;
pub mod spec;
mod text;

pub use answers::{
    AnswerSheet, FirmAnswers, RespondentAnswers, SheetBuilder, MAX_ANSWERS, MAX_RESPONDENTS,
};
pub use assessment::{
    Agreement, Assessment, Banding, CompetencyResult, Coverage, GateOutcome, ItemContribution,
    Placement,
};
pub use error::{
    ActionOwner, AnswerError, AssessError, Checked, ChecklistError, ChecklistText, Counted,
    FileError, ModelError, ModelText, ScaleOwner, ShareOf,
};
pub use file::MAX_JSON_BYTES;
pub use gap::{CompetencyGap, GapAnalysis, OverallGap};
pub use group::{Aggregation, GroupOptions, GroupOptionsBuilder, Spread};
pub use inputs::{GateInfo, ScoringInputs, StageBound};
pub use level::{LevelOutOfRange, MaturityLevel};
pub use model::{
    Competency, Gate, Item, MaturityModel, MaturityStage, MAX_ACTIONS, MAX_COMPETENCIES, MAX_ITEMS,
};
pub use progress::{CompetencyChange, Progress};
pub use response::Response;
pub use roadmap::{Roadmap, RoadmapStep, StepKind};
