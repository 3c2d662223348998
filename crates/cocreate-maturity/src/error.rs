//! What can go wrong: reading a file, loading a model, recording answers, scoring them,
//! filling in a checklist.
//!
//! Each error says what was wrong and where (the item, competency, stage, respondent, or
//! the line and column of the JSON), as fields and in one sentence on one line. Every
//! piece of user text the sentence quotes (an id, a name, a file name) is escaped and cut
//! to 80 characters ([`cocreate_input::clip`]), so that a newline or a megabyte in an id
//! never breaks the line or floods the terminal.
//!
//! ```
//! use cocreate_maturity::MaturityModel;
//!
//! let err = MaturityModel::from_json_str("{ \"id\": ").unwrap_err();
//! assert!(err.to_string().starts_with("the model cannot be read at line 1"));
//!
//! let model = MaturityModel::builtin();
//! let err = model.sheet("ana").answer("no\nsuch item", 3).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "respondent 'ana' answered item 'no\\nsuch item', which the model does not have"
//! );
//! ```

use std::fmt;
use std::path::PathBuf;

/// User text as an error message quotes it: control characters escaped, cut to 80
/// characters.
fn q(text: &str) -> String {
    cocreate_input::clip(text, cocreate_input::MAX_NAME)
}

/// A file name as an error message shows it ("the input" for a reader without one).
fn shown(path: &Option<PathBuf>) -> String {
    match path {
        Some(path) => q(&path.display().to_string()),
        None => "the input".to_string(),
    }
}

/// Why a JSON file (or reader) could not be read as text, before any JSON was parsed.
///
/// ```
/// use cocreate_maturity::{FileError, MaturityModel, ModelError};
///
/// let err = MaturityModel::from_json_path("no/such/model.json").unwrap_err();
/// assert!(matches!(err, ModelError::File(FileError::Read { .. })));
/// assert!(err.to_string().starts_with("cannot read no/such/model.json: "));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {reason}", shown(.path))]
    Read {
        /// The file (`None` for a reader).
        path: Option<PathBuf>,
        /// The kind of input/output error.
        kind: std::io::ErrorKind,
        /// What the operating system reported.
        reason: String,
    },
    /// The path names a directory.
    #[error("{} is a directory, not a JSON file", q(&.path.display().to_string()))]
    Directory {
        /// The directory.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES).
    #[error("{} is larger than the limit of {limit} bytes for a JSON file", shown(.path))]
    TooLarge {
        /// The file (`None` for a reader).
        path: Option<PathBuf>,
        /// Its size in bytes (for a reader: how many were read before stopping, one more
        /// than the limit).
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not UTF-8 text.
    #[error("{} is not UTF-8 text (invalid byte at offset {offset})", shown(.path))]
    NotUtf8 {
        /// The file (`None` for a reader).
        path: Option<PathBuf>,
        /// The offset of the first byte that is not UTF-8.
        offset: usize,
    },
}

/// Whose scale: the model's default or an item's own.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScaleOwner {
    /// The model's scale, used by every item that does not give its own.
    Model,
    /// An item's own scale.
    Item {
        /// The item's id.
        item: String,
    },
}

impl fmt::Display for ScaleOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaleOwner::Model => f.write_str("the model"),
            ScaleOwner::Item { item } => write!(f, "item '{}'", q(item)),
        }
    }
}

/// Whose list of actions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionOwner {
    /// A stage's firm-wide actions.
    Stage {
        /// The stage number (1-based).
        stage: usize,
    },
    /// The gate's actions for level 0.
    Gate,
    /// A competency's actions for one stage.
    Competency {
        /// The competency's id.
        competency: String,
        /// The stage number (1-based).
        stage: usize,
    },
}

impl fmt::Display for ActionOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionOwner::Stage { stage } => write!(f, "stage {stage}"),
            ActionOwner::Gate => f.write_str("the gate"),
            ActionOwner::Competency { competency, stage } => {
                write!(f, "competency '{}' at stage {stage}", q(competency))
            }
        }
    }
}

/// A text of a model that must not be empty or blank.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelText {
    /// The model's id.
    ModelId,
    /// The model's name.
    ModelName,
    /// The model's version.
    ModelVersion,
    /// A stage's name.
    StageName {
        /// The stage number (1-based).
        stage: usize,
    },
    /// The gate item's id.
    GateItem,
    /// The gate item's statement.
    GateStatement,
    /// The gate's name for level 0.
    GateLevelName,
    /// A competency's id.
    CompetencyId {
        /// The competency's position (1-based).
        position: usize,
    },
    /// A competency's name.
    CompetencyName {
        /// The competency's id.
        competency: String,
    },
    /// An item's id.
    ItemId {
        /// The competency's id.
        competency: String,
        /// The item's position in the competency (1-based).
        position: usize,
    },
    /// An item's statement.
    ItemStatement {
        /// The item's id.
        item: String,
    },
    /// The words for one point of a scale.
    Anchor {
        /// The point.
        point: i32,
        /// Whose scale.
        scale: ScaleOwner,
    },
    /// One action.
    Action {
        /// The action's position in its list (1-based).
        position: usize,
        /// Whose list.
        owner: ActionOwner,
    },
}

impl fmt::Display for ModelText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelText::ModelId => f.write_str("the model's id"),
            ModelText::ModelName => f.write_str("the model's name"),
            ModelText::ModelVersion => f.write_str("the model's version"),
            ModelText::StageName { stage } => write!(f, "the name of stage {stage}"),
            ModelText::GateItem => f.write_str("the gate item's id"),
            ModelText::GateStatement => f.write_str("the gate item's statement"),
            ModelText::GateLevelName => f.write_str("the gate's level_name"),
            ModelText::CompetencyId { position } => write!(f, "the id of competency {position}"),
            ModelText::CompetencyName { competency } => {
                write!(f, "the name of competency '{}'", q(competency))
            }
            ModelText::ItemId {
                competency,
                position,
            } => write!(
                f,
                "the id of item {position} of competency '{}'",
                q(competency)
            ),
            ModelText::ItemStatement { item } => write!(f, "the statement of item '{}'", q(item)),
            ModelText::Anchor { point, scale } => {
                write!(f, "the anchor for point {point} of {scale}")
            }
            ModelText::Action { position, owner } => write!(f, "action {position} of {owner}"),
        }
    }
}

/// Why a maturity model was rejected when it was loaded.
///
/// ```
/// use cocreate_maturity::{ModelError, MaturityModel};
///
/// let json = MaturityModel::builtin().to_json_string().replace("\"lower_bound\": 40.0", "\"lower_bound\": 10.0");
/// let err = MaturityModel::from_json_str(&json).unwrap_err();
/// assert!(matches!(err, ModelError::ThresholdsNotRising { .. }));
/// assert_eq!(
///     err.to_string(),
///     "the stage thresholds must rise: stage 3 starts at 10, which is not above stage 2's 20"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The file could not be read as text.
    #[error(transparent)]
    File(#[from] FileError),
    /// The text is not JSON, or not a model's JSON: a syntax error, an unknown or
    /// misspelt field (with the nearest known one), a key given twice, a wrong type. The
    /// message names the place (competency, item, stage).
    #[error("the model cannot be read at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader reported, with the place (already escaped and cut).
        message: String,
    },
    /// A list of the model is longer than its documented limit (see the crate's
    /// "Untrusted input" section).
    #[error("the model has {count} {what}, more than the limit of {limit}")]
    TooLarge {
        /// What was counted, for example "items".
        what: &'static str,
        /// How many the model has.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A required text is empty or blank.
    #[error("{what} is empty")]
    EmptyText {
        /// Which text.
        what: ModelText,
    },
    /// Fewer than two stages.
    #[error("a model needs at least two stages, but this one has {found}")]
    TooFewStages {
        /// How many stages the model has.
        found: usize,
    },
    /// More stages than the library supports.
    #[error("a model may have at most {max} stages, but this one has {found}")]
    TooManyStages {
        /// How many stages the model has.
        found: usize,
        /// The most the library supports.
        max: usize,
    },
    /// The first stage does not start at 0, so low scores would have no stage.
    #[error(
        "the first stage must start at 0 so that every score has a stage, but it starts at {bound}"
    )]
    FirstBoundNotZero {
        /// The first stage's lower bound.
        bound: f64,
    },
    /// A lower bound outside 0–100 (or not a number).
    #[error("stage {stage} starts at {bound}, which is outside the 0–100 score range")]
    BoundOutOfRange {
        /// The stage number (1-based).
        stage: usize,
        /// Its lower bound.
        bound: f64,
    },
    /// The lower bounds do not rise strictly.
    #[error("the stage thresholds must rise: stage {stage} starts at {bound}, which is not above stage {}'s {previous}", stage - 1)]
    ThresholdsNotRising {
        /// The stage number (1-based) whose bound is too low.
        stage: usize,
        /// Its lower bound.
        bound: f64,
        /// The bound of the stage before it.
        previous: f64,
    },
    /// A CEM-levels model that does not have five stages.
    #[error("a model on the CEM levels needs exactly five stages (levels 1 to 5), but this one has {found}")]
    CemLevelsNeedFiveStages {
        /// How many stages the model has.
        found: usize,
    },
    /// A CEM-levels model without a gate item.
    #[error("a model on the CEM levels needs a gate item that decides level 0")]
    CemLevelsNeedGate,
    /// A stage of a model not on the CEM levels has no name.
    #[error("stage {stage} has no name")]
    MissingStageName {
        /// The stage number (1-based).
        stage: usize,
    },
    /// A stage without firm-wide actions.
    #[error("stage {stage} ('{}') has no actions; every stage needs the actions that lead to the next one", q(.name))]
    MissingStageActions {
        /// The stage number (1-based).
        stage: usize,
        /// The stage's name.
        name: String,
    },
    /// The gate of a model not on the CEM levels has no name for level 0.
    #[error("the gate needs a level_name for level 0, because the model is not on the CEM levels")]
    MissingGateLevelName,
    /// The gate of a model not on the CEM levels has no actions.
    #[error("the gate needs actions for level 0, because the model is not on the CEM levels")]
    MissingGateActions,
    /// The model has no competencies.
    #[error("a model needs at least one competency")]
    NoCompetencies,
    /// Two competencies share an id.
    #[error("competency id '{}' is used twice", q(.id))]
    DuplicateCompetency {
        /// The repeated id.
        id: String,
    },
    /// A competency without items.
    #[error("competency '{}' has no items", q(.competency))]
    EmptyCompetency {
        /// The competency's id.
        competency: String,
    },
    /// Two items (or an item and the gate) share an id.
    #[error("item id '{}' is used twice; item ids must be unique across the model, the gate item included", q(.item))]
    DuplicateItem {
        /// The repeated id.
        item: String,
    },
    /// A scale whose top is not above its bottom.
    #[error("{owner} has the scale {min}–{max}; its top must be above its bottom")]
    BadScale {
        /// Whose scale.
        owner: ScaleOwner,
        /// The bottom.
        min: i32,
        /// The top.
        max: i32,
    },
    /// An anchor for a point that is not on the scale.
    #[error("{owner} has an anchor for point {point}, which is not on its {min}–{max} scale")]
    AnchorOffScale {
        /// Whose scale.
        owner: ScaleOwner,
        /// The anchored point.
        point: i32,
        /// The bottom of the scale.
        min: i32,
        /// The top of the scale.
        max: i32,
    },
    /// A weight that is zero, negative or not finite.
    #[error("competency '{}' has weight {weight}; weights must be positive and finite", q(.competency))]
    WeightNotPositive {
        /// The competency's id.
        competency: String,
        /// The weight given.
        weight: f64,
    },
    /// Some competencies have weights and others do not.
    #[error("competency '{}' has no weight while others do; give every competency a weight, or none for equal weights", q(.competency))]
    WeightMissing {
        /// The competency without a weight.
        competency: String,
    },
    /// The weights do not add up to 1.
    #[error("the competency weights add up to {sum}, not 1")]
    WeightsDoNotSumToOne {
        /// Their sum.
        sum: f64,
    },
    /// A coverage rule outside (0, 1].
    #[error("min_coverage is {value}; it must be above 0 and at most 1")]
    BadMinCoverage {
        /// The value given.
        value: f64,
    },
    /// A competency has no actions for a stage.
    #[error("competency '{}' has no actions for stage {stage} ('{}')", q(.competency), q(.stage_name))]
    MissingActions {
        /// The competency's id.
        competency: String,
        /// The stage number (1-based).
        stage: usize,
        /// The stage's name.
        stage_name: String,
    },
    /// A competency lists actions for a stage the model does not have.
    #[error("competency '{}' lists actions for stage {stage}, but the model's stages run from 1 to {stages}", q(.competency))]
    UnknownActionStage {
        /// The competency's id.
        competency: String,
        /// The unknown stage number.
        stage: u8,
        /// How many stages the model has.
        stages: usize,
    },
}

/// Why answers were rejected when they were read or recorded.
///
/// ```
/// use cocreate_maturity::{AnswerError, MaturityModel};
///
/// let model = MaturityModel::builtin();
/// let err = model.sheet("ana").answer("strategy.vision", 9).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "respondent 'ana' answered 9 to item 'strategy.vision', which is outside its 1–5 scale"
/// );
/// assert!(matches!(err, AnswerError::OutOfRange { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// The file could not be read as text.
    #[error(transparent)]
    File(#[from] FileError),
    /// The text is not JSON, or not answers' JSON: a syntax error, an unknown or misspelt
    /// field, a key given twice (an item answered twice by one respondent included), a
    /// wrong type. The message names the respondent.
    #[error("the answers cannot be read at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader reported, with the place (already escaped and cut).
        message: String,
    },
    /// More respondents than [`MAX_RESPONDENTS`](crate::MAX_RESPONDENTS).
    #[error("the answers have {count} respondents, more than the limit of {limit}")]
    TooManyRespondents {
        /// How many there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A respondent with more answers than [`MAX_ANSWERS`](crate::MAX_ANSWERS).
    #[error("respondent '{}' has {count} answers, more than the limit of {limit}", q(.respondent))]
    TooManyAnswers {
        /// The respondent.
        respondent: String,
        /// How many answers they gave.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The answers were written for another model.
    #[error("the answers are for model '{}', but the model in use is '{}'", q(.found), q(.expected))]
    OtherModel {
        /// The model in use.
        expected: String,
        /// The model the answers name.
        found: String,
    },
    /// A respondent id is empty.
    #[error("respondent {position} has an empty id")]
    EmptyRespondent {
        /// 1-based position among the respondents.
        position: usize,
    },
    /// No respondents at all.
    #[error("there are no respondents")]
    NoRespondents,
    /// Two respondents share an id.
    #[error("respondent id '{}' is used twice", q(.respondent))]
    DuplicateRespondent {
        /// The repeated id.
        respondent: String,
    },
    /// An answer to an item the model does not have.
    #[error("respondent '{}' answered item '{}', which the model does not have", q(.respondent), q(.item))]
    UnknownItem {
        /// The respondent.
        respondent: String,
        /// The unknown item id.
        item: String,
    },
    /// The same item answered twice by one respondent.
    #[error("respondent '{}' answered item '{}' twice", q(.respondent), q(.item))]
    DuplicateAnswer {
        /// The respondent.
        respondent: String,
        /// The item.
        item: String,
    },
    /// A value outside the item's scale.
    #[error("respondent '{}' answered {value} to item '{}', which is outside its {min}–{max} scale", q(.respondent), q(.item))]
    OutOfRange {
        /// The respondent.
        respondent: String,
        /// The item.
        item: String,
        /// The value given.
        value: f64,
        /// The bottom of the scale.
        min: i32,
        /// The top of the scale.
        max: i32,
    },
    /// A value between two scale points (or not a number at all).
    #[error("respondent '{}' answered {value} to item '{}', which is not a whole point of its scale", q(.respondent), q(.item))]
    NotAScalePoint {
        /// The respondent.
        respondent: String,
        /// The item.
        item: String,
        /// The value given.
        value: f64,
    },
    /// A yes/no answer to a rating item, or a rating to the yes/no gate.
    #[error("respondent '{}' gave {found} to item '{}', which takes {expected}", q(.respondent), q(.item))]
    WrongKind {
        /// The respondent.
        respondent: String,
        /// The item.
        item: String,
        /// What the item takes.
        expected: &'static str,
        /// What was given.
        found: &'static str,
    },
    /// A respondent with no answers at all.
    #[error("respondent '{}' gave no answers", q(.respondent))]
    NoAnswers {
        /// The respondent.
        respondent: String,
    },
}

/// What was checked against the model in use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Checked {
    /// One respondent's answer sheet.
    Sheet {
        /// The respondent.
        respondent: String,
    },
    /// An assessment (given to [`MaturityModel::roadmap`](crate::MaturityModel::roadmap)).
    Assessment,
    /// The later of two assessments (given to
    /// [`Progress::between`](crate::Progress::between)).
    LaterAssessment,
}

impl fmt::Display for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checked::Sheet { respondent } => {
                write!(f, "the answer sheet of respondent '{}'", q(respondent))
            }
            Checked::Assessment => f.write_str("the assessment"),
            Checked::LaterAssessment => f.write_str("the later assessment"),
        }
    }
}

/// Why answers could not be scored, or group options were refused.
///
/// ```
/// use cocreate_maturity::{AssessError, MaturityModel};
///
/// let model = MaturityModel::builtin();
/// let sheet = model.sheet("ana").answer("strategy.vision", 4)?.build()?;
///
/// let mut other = model.spec().clone();
/// other.version = "2.0.0".into();
/// let other = MaturityModel::from_spec(other)?;
/// let err = other.assess(&sheet).unwrap_err();
/// assert!(matches!(err, AssessError::OtherModel { .. }));
/// assert_eq!(
///     err.to_string(),
///     "the answer sheet of respondent 'ana' belongs to model 'cocreate-cem 1.0.0', \
///      but the model in use is 'cocreate-cem 2.0.0'"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AssessError {
    /// The answers (or an assessment) belong to a different model or model version.
    #[error("{what} belongs to model '{}', but the model in use is '{}'", q(.found), q(.expected))]
    OtherModel {
        /// What was checked.
        what: Checked,
        /// The model in use, as `id version`.
        expected: String,
        /// The model named by the input, as `id version`.
        found: String,
    },
    /// A low-agreement threshold that is negative, infinite or not a number
    /// ([`GroupOptionsBuilder::build`](crate::GroupOptionsBuilder::build)).
    #[error(
        "the low-agreement threshold is {value}; it must be a finite number of points, 0 or more"
    )]
    LowAgreementThreshold {
        /// The threshold given.
        value: f64,
    },
    /// No answer sheets.
    #[error("there are no answer sheets to assess")]
    NoRespondents,
    /// Two answer sheets share a respondent id.
    #[error("respondent id '{}' appears on two answer sheets", q(.respondent))]
    DuplicateRespondent {
        /// The repeated id.
        respondent: String,
    },
}

/// A text of a checklist or audit that must not be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChecklistText {
    /// The description of a need.
    NeedDescription {
        /// The need's position (1-based).
        position: usize,
    },
    /// The list of channels of an emotion grid.
    ChannelList,
    /// The name of a record that must be named (a channel, a flow, a customer).
    RecordName {
        /// What kind of record.
        record: &'static str,
    },
    /// A channel's row of cells in a deserialised emotion grid.
    GridRow {
        /// The channel.
        channel: String,
    },
}

impl fmt::Display for ChecklistText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChecklistText::NeedDescription { position } => {
                write!(f, "the description of need {position}")
            }
            ChecklistText::ChannelList => f.write_str("the list of channels"),
            ChecklistText::RecordName { record } => write!(f, "the name of a {record}"),
            ChecklistText::GridRow { channel } => write!(
                f,
                "the row of cells for channel '{}' of the emotion grid",
                q(channel)
            ),
        }
    }
}

/// Which count may not exceed its whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Counted {
    /// A part of one named record (completions of a self-service flow, answered mentions
    /// of a listening channel).
    Record {
        /// What kind of record, for example "self-service flow".
        record: &'static str,
        /// The record's name.
        name: String,
        /// What the part counts, for example "completions".
        part: &'static str,
    },
    /// Preferences remembered, against the opportunities to apply them.
    PreferencesRemembered,
    /// Rows of cells of a deserialised emotion grid, against its channels.
    GridRows,
}

impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Counted::Record { record, name, part } => write!(f, "{record} '{}': {part}", q(name)),
            Counted::PreferencesRemembered => f.write_str("preferences remembered"),
            Counted::GridRows => {
                f.write_str("rows of cells in the emotion grid, against its channels")
            }
        }
    }
}

/// Which share must lie between 0 and 1.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShareOf {
    /// A loyalty criterion.
    Criterion {
        /// The indicator, for example "repeat rate".
        indicator: &'static str,
    },
    /// One customer's indicator.
    Customer {
        /// The customer.
        customer: String,
        /// The indicator, for example "share of wallet".
        indicator: &'static str,
    },
}

impl fmt::Display for ShareOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareOf::Criterion { indicator } => write!(f, "the loyalty criterion on {indicator}"),
            ShareOf::Customer {
                customer,
                indicator,
            } => write!(f, "the {indicator} of customer '{}'", q(customer)),
        }
    }
}

/// Why a service-orientation or anticipatory-service checklist was rejected.
///
/// ```
/// use cocreate_maturity::orientation::{OrientationChecklist, Practice, Rating};
///
/// let err = OrientationChecklist::new()
///     .rate(Practice::NoDeception, Rating::Present, "no complaints in 2 years")?
///     .rate(Practice::NoDeception, Rating::Absent, "")
///     .unwrap_err();
/// assert_eq!(err.to_string(), "practice 'no deception' is rated twice");
/// # Ok::<(), cocreate_maturity::ChecklistError>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChecklistError {
    /// A practice rated twice.
    #[error("practice '{practice}' is rated twice")]
    DuplicatePractice {
        /// The practice's name.
        practice: &'static str,
    },
    /// A practice left unrated.
    #[error("practice '{practice}' is not rated; every practice needs a rating, because the deception and pressure caps and the index depend on all of them")]
    MissingPractice {
        /// The practice's name.
        practice: &'static str,
    },
    /// A required text is empty.
    #[error("{what} is empty")]
    EmptyText {
        /// Which text.
        what: ChecklistText,
    },
    /// Two records share a name that must be unique.
    #[error("{what} '{}' appears twice", q(.name))]
    Duplicate {
        /// What kind of record.
        what: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A name that is not among the recorded ones.
    #[error("there is no {what} '{}'", q(.name))]
    Unknown {
        /// What kind of record.
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// A part count larger than its whole (for example more completions than starts).
    #[error("{what}: {part} is more than {whole}")]
    PartExceedsWhole {
        /// Which count.
        what: Counted,
        /// The part.
        part: u64,
        /// The whole.
        whole: u64,
    },
    /// A share outside 0–1 (or not a number).
    #[error("{what} is {value}; it must be a share between 0 and 1")]
    BadShare {
        /// Which share.
        what: ShareOf,
        /// The value given.
        value: f64,
    },
    /// Loyalty criteria without any indicator.
    #[error("the loyalty criteria name no behaviour; set at least one of repeat rate, share of wallet or referrals")]
    NoLoyaltyCriteria,
    /// A customer lacks an indicator the loyalty criteria use.
    #[error("customer '{}' has no {indicator}, which the loyalty criteria use", q(.customer))]
    MissingIndicator {
        /// The customer.
        customer: String,
        /// The missing indicator.
        indicator: &'static str,
    },
    /// Nothing was recorded at all.
    #[error("the audit records nothing: add needs, self-service flows, listening channels, preference checks or customers")]
    EmptyAudit,
}
