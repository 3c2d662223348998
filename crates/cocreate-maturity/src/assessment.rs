//! The result of an assessment: where a firm stands, and everything that put it there.
//!
//! An [`Assessment`] carries the scoring inputs (model version, stage thresholds, coverage
//! rule, lag allowance, and in each competency its weight), the coverage and score of each
//! competency, each item's contribution to its competency, the gate's outcome and the
//! [`Placement`]. Nothing that decided the level is left out, so a reader can redo the
//! arithmetic by hand (`docs/methods/maturity.md` shows how).
//!
//! ```
//! use cocreate_maturity::{MaturityModel, Placement};
//!
//! let model = MaturityModel::builtin();
//! let mut sheet = model.sheet("cx-lead").answer("gate.programme", true)?;
//! for item in model.items() {
//!     sheet = sheet.answer(item.id(), if item.reverse() { 2 } else { 4 })?;
//! }
//! let result = model.assess(&sheet.build()?)?;
//!
//! // Every keyed answer is 4 of 1–5: 75 points everywhere, level 4 ("Managed").
//! assert_eq!(result.overall_score(), Some(75.0));
//! assert_eq!(result.level(), Some(4));
//! assert_eq!(result.level_name(), Some("Managed"));
//! let strategy = &result.competencies[0];
//! assert_eq!(strategy.score, Some(75.0));
//! let points: f64 = strategy.items.iter().filter_map(|i| i.points).sum();
//! assert_eq!(points, 75.0);
//! assert!(matches!(result.placement, Placement::Banded(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use crate::group::{Aggregation, GroupOptions};
use crate::inputs::{CompetencyLabels, ScoringInputs};
use crate::level::MaturityLevel;
use crate::text::{plain, plural};

/// Where a firm stands: one respondent's view, or several respondents' views combined.
///
/// Made by [`MaturityModel::assess`](crate::MaturityModel::assess) (one respondent) or
/// [`MaturityModel::assess_group`](crate::MaturityModel::assess_group) (several, with
/// each respondent's own assessment kept in [`respondents`](Self::respondents)).
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// let sheet = model.sheet("ana").answer("gate.programme", true)?.build()?;
/// let result = model.assess(&sheet)?;
/// assert_eq!(result.respondent.as_deref(), Some("ana"));
/// assert!(result.respondents.is_empty());
/// assert_eq!(result.competencies.len(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Assessment {
    /// The model settings that decided the result.
    pub inputs: Arc<ScoringInputs>,
    /// The respondent, for a one-respondent assessment.
    pub respondent: Option<Arc<str>>,
    /// How the respondents were combined, for a group assessment.
    pub aggregation: Option<GroupOptions>,
    /// The gate's outcome, if the model has a gate.
    pub gate: Option<GateOutcome>,
    /// Each competency's coverage, score, stage and item contributions, in model order.
    pub competencies: Vec<CompetencyResult>,
    /// The level and how it was reached.
    pub placement: Placement,
    /// Each respondent's own assessment (empty for a one-respondent assessment).
    pub respondents: Vec<Assessment>,
}

/// How the answers to the level-0 gate came out.
///
/// The gate is open (the firm has a CX programme or owner) when at least half of the
/// respondents who answered it say yes.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let gate = model.assess(&sheet)?.gate.unwrap();
/// assert_eq!((gate.yes, gate.no, gate.open), (0, 1, false));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(from = "wire::GateWire")
)]
#[non_exhaustive]
pub struct GateOutcome {
    /// Respondents who said yes.
    pub yes: u32,
    /// Respondents who said no.
    pub no: u32,
    /// Respondents who did not answer it, or did not know.
    pub unanswered: u32,
    /// `true` when the gate is passed: at least half of the answers are yes.
    pub open: bool,
}

impl GateOutcome {
    /// The outcome of these counts: open when at least one respondent answered and at
    /// least half of those who did said yes.
    ///
    /// ```
    /// use cocreate_maturity::GateOutcome;
    /// assert!(GateOutcome::from_counts(2, 2, 1).open);
    /// assert!(!GateOutcome::from_counts(1, 2, 0).open);
    /// assert!(!GateOutcome::from_counts(0, 0, 3).open);
    /// ```
    pub fn from_counts(yes: u32, no: u32, unanswered: u32) -> Self {
        GateOutcome {
            yes,
            no,
            unanswered,
            open: (yes > 0 || no > 0) && yes >= no,
        }
    }

    /// `true` when at least one respondent answered yes or no.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert!(model.assess(&sheet)?.gate.unwrap().answered());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn answered(&self) -> bool {
        self.yes > 0 || self.no > 0
    }
}

/// One competency's part of an [`Assessment`].
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", true)?.answer("strategy.vision", 5)?.build()?;
/// let result = model.assess(&sheet)?;
/// let strategy = &result.competencies[0];
/// assert_eq!(strategy.coverage.answered, 1);
/// assert_eq!(strategy.score, None); // 1 of 4 items is below the coverage rule
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "wire::CompetencyWire", from = "wire::CompetencyWire")
)]
#[non_exhaustive]
pub struct CompetencyResult {
    /// The competency's id, name and item ids (shared by every result of the model, so
    /// that scoring copies one pointer per competency rather than every name).
    labels: Arc<CompetencyLabels>,
    /// Its weight in the compensatory score.
    pub weight: f64,
    /// How many of its item answers were given (pooled over respondents in a group).
    pub coverage: Coverage,
    /// The 0–100 score, or `None` when coverage is insufficient.
    pub score: Option<f64>,
    /// The stage the score falls in, or `None` when there is no score.
    pub stage: Option<u8>,
    /// How far respondents agree (group assessments only).
    pub agreement: Option<Agreement>,
    /// Each item's contribution, in model order (the ids are in
    /// [`item_ids`](Self::item_ids); [`contributions`](Self::contributions) pairs them).
    pub items: Vec<ItemContribution>,
}

impl CompetencyResult {
    pub(crate) fn new(
        labels: Arc<CompetencyLabels>,
        weight: f64,
        coverage: Coverage,
        score: Option<f64>,
        stage: Option<u8>,
        agreement: Option<Agreement>,
        items: Vec<ItemContribution>,
    ) -> Self {
        CompetencyResult {
            labels,
            weight,
            coverage,
            score,
            stage,
            agreement,
            items,
        }
    }

    pub(crate) fn labels(&self) -> &Arc<CompetencyLabels> {
        &self.labels
    }

    /// The competency's id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", true)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.competencies[0].id(), "strategy");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.labels.id
    }

    /// The competency's display name.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", true)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.competencies[0].name(), "Strategy and vision");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.labels.name
    }

    /// The ids of the competency's items, in the order of [`items`](Self::items).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", true)?.build()?;
    /// let result = model.assess(&sheet)?;
    /// assert_eq!(result.competencies[0].item_ids().next(), Some("strategy.vision"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn item_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.labels.items.iter().map(|i| &**i)
    }

    /// Each item's id with its contribution.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", true)?.answer("strategy.goals", 2)?.build()?;
    /// let result = model.assess(&sheet)?;
    /// let (id, goals) = result.competencies[0].contributions().nth(1).unwrap();
    /// assert_eq!((id, goals.keyed), ("strategy.goals", Some(2.0)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contributions(&self) -> impl Iterator<Item = (&str, &ItemContribution)> {
        self.item_ids().zip(&self.items)
    }

    /// The contribution of the item with this id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", true)?.answer("strategy.goals", 2)?.build()?;
    /// let result = model.assess(&sheet)?;
    /// assert_eq!(result.competencies[0].item("strategy.goals").unwrap().answered, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn item(&self, id: &str) -> Option<&ItemContribution> {
        self.contributions().find(|(i, _)| *i == id).map(|(_, c)| c)
    }

    /// `true` when coverage was too low to score the competency.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", true)?.build()?;
    /// assert!(model.assess(&sheet)?.competencies[0].is_insufficient());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_insufficient(&self) -> bool {
        self.score.is_none()
    }
}

/// Answered items out of all items.
///
/// ```
/// use cocreate_maturity::Coverage;
/// assert_eq!(Coverage::new(3, 4).ratio(), 0.75);
/// assert_eq!(Coverage::new(0, 0).ratio(), 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Coverage {
    /// Item answers given (not "don't know", not "not applicable", not skipped).
    pub answered: u32,
    /// Item answers possible.
    pub total: u32,
}

impl Coverage {
    /// `answered` of `total` item answers.
    ///
    /// ```
    /// use cocreate_maturity::Coverage;
    /// let c = Coverage::new(3, 4);
    /// assert_eq!((c.answered, c.total), (3, 4));
    /// ```
    pub fn new(answered: u32, total: u32) -> Self {
        Coverage { answered, total }
    }

    /// `answered ÷ total` (0 when there is nothing to answer).
    ///
    /// ```
    /// use cocreate_maturity::Coverage;
    /// assert_eq!(Coverage::new(2, 4).ratio(), 0.5);
    /// ```
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            f64::from(self.answered) / f64::from(self.total)
        }
    }
}

/// How much the respondents of a group agree on a competency.
///
/// ```
/// use cocreate_maturity::{GroupOptions, MaturityModel};
///
/// let model = MaturityModel::builtin();
/// let sheet = |id: &str, x: i32| -> Result<_, Box<dyn std::error::Error>> {
///     let mut s = model.sheet(id).answer("gate.programme", true)?;
///     for item in model.competencies()[0].item_range() {
///         let item = &model.items()[item];
///         s = s.answer(item.id(), if item.reverse() { 6 - x } else { x })?;
///     }
///     Ok(s.build()?)
/// };
/// let sheets = [sheet("a", 1)?, sheet("b", 5)?];
/// let result = model.assess_group(&sheets, &GroupOptions::default())?;
/// let agreement = result.competencies[0].agreement.unwrap();
/// assert_eq!(agreement.respondents, 2);
/// assert!(agreement.low); // 0 and 100 points: a standard deviation of 70.7
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Agreement {
    /// Respondents whose answers covered the competency well enough to score it.
    pub respondents: u32,
    /// The sample standard deviation of their scores (`None` for fewer than two).
    pub std_dev: Option<f64>,
    /// The interquartile range of their scores (quantiles by linear interpolation, as
    /// R's default type 7); 0 for one respondent.
    pub iqr: f64,
    /// The lowest respondent score.
    pub min: f64,
    /// The highest respondent score.
    pub max: f64,
    /// `true` when the chosen spread exceeds the low-agreement threshold.
    pub low: bool,
}

/// One item's part of a competency score.
///
/// For one respondent, `points` is the item's share of the competency score: the points
/// of the answered items add up to it. For a group, `keyed` is the mean keyed answer of
/// those who answered, and `points` the mean share over the respondents whose competency
/// was scored (they add up to the competency score under mean aggregation).
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let mut s = model.sheet("a").answer("gate.programme", true)?;
/// # for item in model.items() { s = s.answer(item.id(), 5)?; }
/// let result = model.assess(&s.build()?)?;
/// let blame = result.competencies[5].item("culture.blame").unwrap();
/// assert_eq!(blame.keyed, Some(1.0)); // reverse-keyed: 5 becomes 1
/// assert_eq!(blame.points, Some(0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ItemContribution {
    /// How many answers were given.
    pub answered: u32,
    /// How many were "don't know", "not applicable" or skipped.
    pub missing: u32,
    /// The (mean) answer after reverse keying.
    pub keyed: Option<f64>,
    /// The item's (mean) share of the competency score, in points.
    pub points: Option<f64>,
}

/// The level and how it was reached.
///
/// ```
/// use cocreate_maturity::{MaturityModel, Placement};
/// # let model = MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let result = model.assess(&sheet)?;
/// assert_eq!(result.placement, Placement::Gated);
/// assert_eq!(result.level(), Some(0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "status", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Placement {
    /// The gate item was answered no: level 0, and the bands were not used.
    Gated,
    /// Every competency was scored and the gate (if any) passed.
    Banded(Banding),
    /// The level cannot be decided from these answers.
    Undetermined {
        /// Competencies whose coverage was too low to score.
        insufficient: Vec<Arc<str>>,
        /// `true` when the model has a gate and nobody answered it.
        gate_unanswered: bool,
    },
}

/// The three stages of the scoring rule and the scores behind them.
///
/// `level = min(compensatory_level, limiting_level + k)` with `k` the model's lag
/// allowance.
///
/// ```
/// # use cocreate_maturity::{MaturityModel, Placement};
/// # let model = MaturityModel::builtin();
/// # let mut s = model.sheet("a").answer("gate.programme", true)?;
/// # for item in model.items() { s = s.answer(item.id(), if item.reverse() { 1 } else { 5 })?; }
/// let result = model.assess(&s.build()?)?;
/// let Placement::Banded(b) = &result.placement else { unreachable!() };
/// assert_eq!((b.overall_score, b.compensatory_level, b.level), (100.0, 5, 5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Banding {
    /// The weighted compensatory score `Σ wᵢCᵢ`, 0–100.
    pub overall_score: f64,
    /// The stage of the overall score.
    pub compensatory_level: u8,
    /// The lowest competency score.
    pub limiting_score: f64,
    /// The stage of the lowest competency score (the weakest-link rule).
    pub limiting_level: u8,
    /// The weakest competency (the first in model order among equals).
    pub weakest: Arc<str>,
    /// The reported level.
    pub level: u8,
}

impl Assessment {
    /// The reported level: 0 when the gate is closed, the banded level otherwise, `None`
    /// when it cannot be decided.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.level(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn level(&self) -> Option<u8> {
        match &self.placement {
            Placement::Gated => Some(0),
            Placement::Banded(b) => Some(b.level),
            Placement::Undetermined { .. } => None,
        }
    }

    /// The reported level's name.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.level_name(), Some("Non-existent"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn level_name(&self) -> Option<&str> {
        self.level().and_then(|l| self.inputs.level_name(l))
    }

    /// The reported level as a [`MaturityLevel`], for a model on the CEM levels.
    ///
    /// ```
    /// use cocreate_maturity::MaturityLevel;
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.maturity_level(), Some(MaturityLevel::NonExistent));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn maturity_level(&self) -> Option<MaturityLevel> {
        if !self.inputs.cem_levels {
            return None;
        }
        self.level()
            .and_then(|l| MaturityLevel::from_number(l).ok())
    }

    /// The banding, when the firm was placed by its scores.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert!(model.assess(&sheet)?.banding().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn banding(&self) -> Option<&Banding> {
        match &self.placement {
            Placement::Banded(b) => Some(b),
            _ => None,
        }
    }

    /// The weighted compensatory score, when the firm was placed by its scores.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.overall_score(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overall_score(&self) -> Option<f64> {
        self.banding().map(|b| b.overall_score)
    }

    /// The stage of the compensatory score.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.compensatory_level(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compensatory_level(&self) -> Option<u8> {
        self.banding().map(|b| b.compensatory_level)
    }

    /// The stage of the weakest competency.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.limiting_level(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn limiting_level(&self) -> Option<u8> {
        self.banding().map(|b| b.limiting_level)
    }

    /// The competency with this id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let result = model.assess(&sheet)?;
    /// assert_eq!(result.competency("culture").unwrap().name(), "Culture and employees");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn competency(&self, id: &str) -> Option<&CompetencyResult> {
        self.competencies.iter().find(|c| c.id() == id)
    }

    /// The competencies on which respondents disagree (group assessments only).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.low_agreement().count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn low_agreement(&self) -> impl Iterator<Item = &CompetencyResult> {
        self.competencies
            .iter()
            .filter(|c| c.agreement.is_some_and(|a| a.low))
    }
}

impl Assessment {
    /// The report [`Display`](fmt::Display) prints, as a `String`: who answered, the
    /// level and why, each competency's score, coverage, stage and spread, and the
    /// competencies on which respondents disagree.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let mut s = model.sheet("ana").answer("gate.programme", true)?;
    /// # for item in model.items() { s = s.answer(item.id(), if item.reverse() { 2 } else { 4 })?; }
    /// let report = model.assess(&s.build()?)?.summary();
    /// assert!(report.starts_with("Respondent ana; model cocreate-cem 1.0.0"));
    /// assert!(report.contains("Level 4: Managed"));
    /// assert!(report.contains("Why: overall score 75.0 gives stage 4 (compensatory)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Assessment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inputs = &self.inputs;
        let model = plain(&inputs.model_id);
        let version = plain(&inputs.model_version);
        match (&self.respondent, self.aggregation) {
            (Some(r), _) => writeln!(f, "Respondent {}; model {model} {version}", plain(r))?,
            (None, Some(options)) => writeln!(
                f,
                "{}, combined by the {}; model {model} {version}",
                plural(self.respondents.len(), "respondent", "respondents"),
                match options.aggregation() {
                    Aggregation::Median => "median",
                    Aggregation::Mean => "mean",
                }
            )?,
            (None, None) => writeln!(f, "Model {model} {version}")?,
        }
        writeln!(f)?;
        match (self.level(), self.level_name()) {
            (Some(level), Some(name)) => {
                writeln!(f, "Level {level}: {}", plain(name))?;
                if let Some(view) = inputs.level_summary(level).filter(|v| !v.is_empty()) {
                    writeln!(f, "  {}", plain(view))?;
                }
            }
            _ => writeln!(f, "Level undetermined")?,
        }
        match &self.placement {
            Placement::Banded(b) => {
                let weakest = self.competency(&b.weakest).map_or("", |c| c.name());
                writeln!(
                    f,
                    "  Why: overall score {:.1} gives stage {} (compensatory); the weakest \
                     competency, {}, at {:.1} gives stage {} (limiting); reported level = \
                     min({}, {} + {}) = {}.",
                    b.overall_score,
                    b.compensatory_level,
                    plain(weakest),
                    b.limiting_score,
                    b.limiting_level,
                    b.compensatory_level,
                    b.limiting_level,
                    inputs.lag_allowance,
                    b.level
                )?;
            }
            Placement::Gated => {
                if let Some(gate) = self.gate {
                    writeln!(
                        f,
                        "  Why: {} of {} respondents who answered say there is no \
                         customer-experience programme or owner.",
                        gate.no,
                        gate.yes.saturating_add(gate.no)
                    )?;
                }
            }
            Placement::Undetermined {
                insufficient,
                gate_unanswered,
            } => {
                if *gate_unanswered {
                    writeln!(f, "  Why: nobody answered the gate item.")?;
                }
                for id in insufficient {
                    let name = self.competency(id).map_or(&**id, |c| c.name());
                    writeln!(f, "  Why: too few answers on {}.", plain(name))?;
                }
            }
        }
        writeln!(f)?;
        write!(
            f,
            "{:<36} {:>6} {:>9} {:>6} {:>12}",
            "Competency", "Score", "Coverage", "Stage", "Spread (SD)"
        )?;
        for c in &self.competencies {
            let score = c.score.map_or("-".to_string(), |s| format!("{s:.1}"));
            let stage = c.stage.map_or("-".to_string(), |s| s.to_string());
            let sd = c
                .agreement
                .and_then(|g| g.std_dev)
                .map_or("-".to_string(), |s| format!("{s:.1}"));
            let flag = if c.agreement.is_some_and(|g| g.low) {
                "  low agreement"
            } else {
                ""
            };
            write!(
                f,
                "\n{:<36} {:>6} {:>8.0}% {:>6} {:>12}{flag}",
                plain(c.name()),
                score,
                100.0 * c.coverage.ratio(),
                stage,
                sd
            )?;
        }
        let low: Vec<_> = self.low_agreement().map(|c| plain(c.name())).collect();
        if !low.is_empty() {
            write!(
                f,
                "\n\nRespondents disagree on {}: discuss these before acting on them.",
                low.join(", ")
            )?;
        }
        Ok(())
    }
}

/// The JSON forms of results whose fields are shared or derived.
#[cfg(feature = "serde")]
mod wire {
    use super::*;

    /// A gate outcome as written: `open` is derived from the counts when read back, so
    /// that no JSON can make an outcome [`GateOutcome::from_counts`] would not.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct GateWire {
        yes: u32,
        no: u32,
        unanswered: u32,
        #[serde(default, rename = "open")]
        _open: Option<bool>,
    }

    impl From<GateWire> for GateOutcome {
        fn from(w: GateWire) -> Self {
            GateOutcome::from_counts(w.yes, w.no, w.unanswered)
        }
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    pub(super) struct CompetencyWire {
        id: Arc<str>,
        name: Arc<str>,
        weight: f64,
        coverage: Coverage,
        score: Option<f64>,
        stage: Option<u8>,
        agreement: Option<Agreement>,
        items: Vec<ItemWire>,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct ItemWire {
        item: Arc<str>,
        #[serde(flatten)]
        contribution: ItemContribution,
    }

    impl From<CompetencyResult> for CompetencyWire {
        fn from(c: CompetencyResult) -> Self {
            let items = c
                .labels
                .items
                .iter()
                .cloned()
                .zip(c.items)
                .map(|(item, contribution)| ItemWire { item, contribution })
                .collect();
            CompetencyWire {
                id: c.labels.id.clone(),
                name: c.labels.name.clone(),
                weight: c.weight,
                coverage: c.coverage,
                score: c.score,
                stage: c.stage,
                agreement: c.agreement,
                items,
            }
        }
    }

    impl From<CompetencyWire> for CompetencyResult {
        fn from(w: CompetencyWire) -> Self {
            let (ids, items) = w
                .items
                .into_iter()
                .map(|i| (i.item, i.contribution))
                .unzip();
            CompetencyResult {
                labels: Arc::new(CompetencyLabels {
                    id: w.id,
                    name: w.name,
                    items: ids,
                }),
                weight: w.weight,
                coverage: w.coverage,
                score: w.score,
                stage: w.stage,
                agreement: w.agreement,
                items,
            }
        }
    }
}
