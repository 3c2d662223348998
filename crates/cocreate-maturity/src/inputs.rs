//! The model settings that decide a result, shared by the model that scores and the
//! results it produces: stages with their bounds, the gate, the coverage rule, the lag
//! allowance, and each competency's labels.
//!
//! A [`MaturityModel`](crate::MaturityModel) builds its [`ScoringInputs`] once; every
//! [`Assessment`](crate::Assessment) it makes holds them (one shared pointer), so that a
//! result can be read, banded and explained without the model.
//!
//! ```
//! # let model = cocreate_maturity::MaturityModel::builtin();
//! # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
//! let inputs = &model.assess(&sheet)?.inputs;
//! assert_eq!(&*inputs.model_id, "cocreate-cem");
//! assert_eq!(inputs.stage_of(59.5), 3);
//! assert_eq!(inputs.lower_bound(4), Some(60.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

/// Scores within this many points below a stage's lower bound count as reaching it, so
/// that the rounding of a weighted sum (60 computed as 59.999999999999993) never drops a
/// firm a stage.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let inputs = model.assess(&sheet)?.inputs;
/// assert_eq!(inputs.stage_of(60.0 - cocreate_maturity::inputs::BOUND_TOLERANCE / 2.0), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const BOUND_TOLERANCE: f64 = 1e-9;

/// Points from `score` up to `bound`: 0 when the score is within [`BOUND_TOLERANCE`] of
/// the bound or above it.
///
/// ```
/// use cocreate_maturity::inputs::points_to;
/// assert_eq!(points_to(25.0, 60.0), 35.0);
/// assert_eq!(points_to(60.0 - 1e-12, 60.0), 0.0);
/// assert_eq!(points_to(75.0, 60.0), 0.0);
/// ```
pub fn points_to(score: f64, bound: f64) -> f64 {
    if score >= bound - BOUND_TOLERANCE {
        0.0
    } else {
        bound - score
    }
}

/// The model settings that decided a result, echoed in it.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let result = model.assess(&sheet)?;
/// assert_eq!(&*result.inputs.model_id, "cocreate-cem");
/// assert_eq!(result.inputs.stage_of(59.5), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ScoringInputs {
    /// The model's id.
    pub model_id: Arc<str>,
    /// The model's version.
    pub model_version: Arc<str>,
    /// Whether the stages are the CEM levels 1–5 (and the gate level 0).
    pub cem_levels: bool,
    /// The coverage rule: the share of a competency's items that must be answered.
    pub min_coverage: f64,
    /// The lag allowance `k` of the reported level.
    pub lag_allowance: u8,
    /// The stages with their lower bounds, lowest first.
    pub stages: Vec<StageBound>,
    /// The level-0 gate, if the model has one.
    pub gate: Option<GateInfo>,
}

/// A stage and the lower bound of its score band.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let result = model.assess(&sheet)?;
/// assert_eq!(result.inputs.stages[3].lower_bound, 60.0);
/// assert!(result.inputs.stages[0].summary.contains("money"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct StageBound {
    /// The stage number, from 1.
    pub stage: u8,
    /// The stage's name.
    pub name: Arc<str>,
    /// The lowest score in its band.
    pub lower_bound: f64,
    /// How a firm at this stage typically looks (may be empty).
    #[cfg_attr(feature = "serde", serde(default))]
    pub summary: Arc<str>,
}

/// The level-0 gate of the model that produced a result.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let result = model.assess(&sheet)?;
/// assert_eq!(&*result.inputs.gate.as_ref().unwrap().level_name, "Non-existent");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GateInfo {
    /// The gate item's id.
    pub item: Arc<str>,
    /// The name of level 0.
    pub level_name: Arc<str>,
    /// How a firm at level 0 typically looks (on the CEM levels, the view of
    /// [`MaturityLevel::NonExistent`](crate::MaturityLevel::NonExistent); may be empty).
    #[cfg_attr(feature = "serde", serde(default))]
    pub summary: Arc<str>,
}

impl ScoringInputs {
    /// The stage a 0–100 score falls in: the highest stage whose lower bound it reaches
    /// (bands are inclusive below, exclusive above, and the top band includes 100).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let inputs = &model.assess(&sheet)?.inputs;
    /// assert_eq!(inputs.stage_of(0.0), 1);
    /// assert_eq!(inputs.stage_of(40.0), 3);
    /// assert_eq!(inputs.stage_of(100.0), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stage_of(&self, score: f64) -> u8 {
        self.stages
            .iter()
            .rev()
            .find(|s| score >= s.lower_bound - BOUND_TOLERANCE)
            .or(self.stages.first())
            .map_or(1, |s| s.stage)
    }

    /// The lower bound of a stage (0 for level 0), or `None` for a stage the model does
    /// not have.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let inputs = &model.assess(&sheet)?.inputs;
    /// assert_eq!(inputs.lower_bound(4), Some(60.0));
    /// assert_eq!(inputs.lower_bound(6), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lower_bound(&self, stage: u8) -> Option<f64> {
        if stage == 0 {
            return self.gate.as_ref().map(|_| 0.0);
        }
        self.stages
            .get(usize::from(stage) - 1)
            .map(|s| s.lower_bound)
    }

    /// The highest stage number.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.inputs.top_stage(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn top_stage(&self) -> u8 {
        self.stages.last().map_or(0, |s| s.stage)
    }

    /// The name of a level: the gate's level name for 0, the stage's name otherwise.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let inputs = &model.assess(&sheet)?.inputs;
    /// assert_eq!(inputs.level_name(5), Some("Optimised, culture changed"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn level_name(&self, level: u8) -> Option<&str> {
        if level == 0 {
            return self.gate.as_ref().map(|g| &*g.level_name);
        }
        self.stages.get(usize::from(level) - 1).map(|s| &*s.name)
    }

    /// How a firm at a level typically looks: the gate's summary for 0, the stage's
    /// otherwise (`None` for a level the model does not have; may be empty).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let inputs = &model.assess(&sheet)?.inputs;
    /// assert!(inputs.level_summary(0).unwrap().contains("does not manage"));
    /// assert_eq!(inputs.level_summary(9), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn level_summary(&self, level: u8) -> Option<&str> {
        if level == 0 {
            return self.gate.as_ref().map(|g| &*g.summary);
        }
        self.stages.get(usize::from(level) - 1).map(|s| &*s.summary)
    }

    /// `id version`, as errors name a model.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.inputs.label(), "cocreate-cem 1.0.0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn label(&self) -> String {
        format!("{} {}", self.model_id, self.model_version)
    }
}

/// A competency's id, name and item ids, shared by the model and every result it makes
/// (scoring copies one pointer per competency rather than every name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompetencyLabels {
    pub(crate) id: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) items: Vec<Arc<str>>,
}
