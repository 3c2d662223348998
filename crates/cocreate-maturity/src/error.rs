//! What can go wrong: loading a model, recording answers, scoring them.
//!
//! Each error says what was wrong and where (the item, competency, stage, respondent, or
//! the line and column of the JSON).
//!
//! ```
//! use cocreate_maturity::MaturityModel;
//!
//! let err = MaturityModel::from_json("{ \"id\": ").unwrap_err();
//! assert!(err.to_string().starts_with("the model cannot be read at line 1"));
//! ```

/// Why a maturity model was rejected when it was loaded.
///
/// ```
/// use cocreate_maturity::{ModelError, MaturityModel};
///
/// let json = MaturityModel::builtin().to_json().replace("\"lower_bound\": 40.0", "\"lower_bound\": 10.0");
/// let err = MaturityModel::from_json(&json).unwrap_err();
/// assert!(matches!(err, ModelError::ThresholdsNotRising { .. }));
/// assert_eq!(
///     err.to_string(),
///     "the stage thresholds must rise: stage 3 starts at 10, which is not above stage 2's 20"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The text is not JSON, or not a model's JSON: a syntax error, an unknown or
    /// misspelt field (with the nearest known one), a key given twice, a wrong type. The
    /// message names the place (competency, item, stage).
    #[error("the model cannot be read at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader reported.
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
        /// Which text, for example "the name of competency 'culture'".
        what: String,
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
    #[error("stage {stage} ('{name}') has no actions; every stage needs the actions that lead to the next one")]
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
    #[error("competency id '{id}' is used twice")]
    DuplicateCompetency {
        /// The repeated id.
        id: String,
    },
    /// A competency without items.
    #[error("competency '{competency}' has no items")]
    EmptyCompetency {
        /// The competency's id.
        competency: String,
    },
    /// Two items (or an item and the gate) share an id.
    #[error("item id '{item}' is used twice; item ids must be unique across the model, the gate item included")]
    DuplicateItem {
        /// The repeated id.
        item: String,
    },
    /// A scale whose top is not above its bottom.
    #[error("{owner} has the scale {min}–{max}; its top must be above its bottom")]
    BadScale {
        /// "the model" or "item 'x'".
        owner: String,
        /// The bottom.
        min: i32,
        /// The top.
        max: i32,
    },
    /// An anchor for a point that is not on the scale.
    #[error("{owner} has an anchor for point {point}, which is not on its {min}–{max} scale")]
    AnchorOffScale {
        /// "the model" or "item 'x'".
        owner: String,
        /// The anchored point.
        point: i32,
        /// The bottom of the scale.
        min: i32,
        /// The top of the scale.
        max: i32,
    },
    /// A weight that is zero, negative or not finite.
    #[error("competency '{competency}' has weight {weight}; weights must be positive and finite")]
    WeightNotPositive {
        /// The competency's id.
        competency: String,
        /// The weight given.
        weight: f64,
    },
    /// Some competencies have weights and others do not.
    #[error("competency '{competency}' has no weight while others do; give every competency a weight, or none for equal weights")]
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
    #[error("competency '{competency}' has no actions for stage {stage} ('{stage_name}')")]
    MissingActions {
        /// The competency's id.
        competency: String,
        /// The stage number (1-based).
        stage: usize,
        /// The stage's name.
        stage_name: String,
    },
    /// A competency lists actions for a stage the model does not have.
    #[error("competency '{competency}' lists actions for stage {stage}, but the model's stages run from 1 to {stages}")]
    UnknownActionStage {
        /// The competency's id.
        competency: String,
        /// The unknown stage number.
        stage: u8,
        /// How many stages the model has.
        stages: usize,
    },
}

/// Why answers were rejected when they were recorded.
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
    /// The text is not JSON, or not answers' JSON: a syntax error, an unknown or misspelt
    /// field, a key given twice (an item answered twice by one respondent included), a
    /// wrong type. The message names the respondent.
    #[error("the answers cannot be read at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader reported.
        message: String,
    },
    /// A list of the answers is longer than its documented limit (see the crate's
    /// "Untrusted input" section).
    #[error("{whose} {count} {what}, more than the limit of {limit}")]
    TooLarge {
        /// Whose list, for example "the answers have" or "respondent 'cfo' has".
        whose: String,
        /// What was counted, for example "respondents".
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The answers were written for another model.
    #[error("the answers are for model '{found}', but the model in use is '{expected}'")]
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
    #[error("respondent id '{respondent}' is used twice")]
    DuplicateRespondent {
        /// The repeated id.
        respondent: String,
    },
    /// An answer to an item the model does not have.
    #[error("respondent '{respondent}' answered item '{item}', which the model does not have")]
    UnknownItem {
        /// The respondent.
        respondent: String,
        /// The unknown item id.
        item: String,
    },
    /// The same item answered twice by one respondent.
    #[error("respondent '{respondent}' answered item '{item}' twice")]
    DuplicateAnswer {
        /// The respondent.
        respondent: String,
        /// The item.
        item: String,
    },
    /// A value outside the item's scale.
    #[error("respondent '{respondent}' answered {value} to item '{item}', which is outside its {min}–{max} scale")]
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
    #[error("respondent '{respondent}' answered {value} to item '{item}', which is not a whole point of its scale")]
    NotAScalePoint {
        /// The respondent.
        respondent: String,
        /// The item.
        item: String,
        /// The value given.
        value: f64,
    },
    /// A yes/no answer to a rating item, or a rating to the yes/no gate.
    #[error("respondent '{respondent}' gave {found} to item '{item}', which takes {expected}")]
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
    #[error("respondent '{respondent}' gave no answers")]
    NoAnswers {
        /// The respondent.
        respondent: String,
    },
}

/// Why answers could not be scored.
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
    #[error("{what} belongs to model '{found}', but the model in use is '{expected}'")]
    OtherModel {
        /// What was passed, for example "the answer sheet of respondent 'ana'".
        what: String,
        /// The model in use, as `id version`.
        expected: String,
        /// The model named by the input, as `id version`.
        found: String,
    },
    /// A group option that makes no sense (for example a negative agreement threshold).
    #[error(transparent)]
    InvalidOption(#[from] crate::group::InvalidOption),
    /// No answer sheets.
    #[error("there are no answer sheets to assess")]
    NoRespondents,
    /// Two answer sheets share a respondent id.
    #[error("respondent id '{respondent}' appears on two answer sheets")]
    DuplicateRespondent {
        /// The repeated id.
        respondent: String,
    },
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
    /// A required name is empty.
    #[error("{what} is empty")]
    EmptyText {
        /// Which text.
        what: String,
    },
    /// Two records share a name that must be unique.
    #[error("{what} '{name}' appears twice")]
    Duplicate {
        /// What kind of record.
        what: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A name that is not among the recorded ones.
    #[error("there is no {what} '{name}'")]
    Unknown {
        /// What kind of record.
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// A part count larger than its whole (for example more completions than starts).
    #[error("{what}: {part} is more than {whole}")]
    PartExceedsWhole {
        /// Which counts, for example "self-service flow 'returns': completed".
        what: String,
        /// The part.
        part: u64,
        /// The whole.
        whole: u64,
    },
    /// A share outside 0–1 (or not a number).
    #[error("{what} is {value}; it must be a share between 0 and 1")]
    BadShare {
        /// Which share.
        what: String,
        /// The value given.
        value: f64,
    },
    /// Loyalty criteria without any indicator.
    #[error("the loyalty criteria name no behaviour; set at least one of repeat rate, share of wallet or referrals")]
    NoLoyaltyCriteria,
    /// A customer lacks an indicator the loyalty criteria use.
    #[error("customer '{customer}' has no {indicator}, which the loyalty criteria use")]
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
