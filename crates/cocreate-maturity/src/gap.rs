//! Gap analysis: how many points each competency needs to reach the next level.
//!
//! The target is the level above the reported one. A competency needs
//! `max(0, bound(target) − C)` points to reach the target's band; with every competency
//! there, both the compensatory and the limiting rule give the target. A competency is
//! *blocking* when it is below the band of `target − k`: however high the others go, the
//! weakest-link rule then keeps the firm below the target.
//!
//! ```
//! use cocreate_maturity::MaturityModel;
//!
//! let model = MaturityModel::builtin();
//! let mut sheet = model.sheet("cx-lead").answer("gate.programme", true)?;
//! for item in model.items() {
//!     let good = if item.id().starts_with("culture") { 2 } else { 4 };
//!     sheet = sheet.answer(item.id(), if item.reverse() { 6 - good } else { good })?;
//! }
//! let result = model.assess(&sheet.build()?)?;
//! assert_eq!(result.level(), Some(3)); // overall 66.7 (stage 4), culture 25 (stage 2): min(4, 2 + 1)
//! let gaps = result.gaps();
//! assert_eq!(gaps.target, Some(4));
//! let culture = gaps.competency("culture").unwrap();
//! assert_eq!(culture.points_to_target, Some(35.0)); // 25 → 60
//! assert!(culture.blocking); // below stage 3 (40 points)
//! assert_eq!(gaps.competency("strategy").unwrap().points_to_target, Some(0.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use crate::assessment::{Assessment, Placement};
use crate::inputs::points_to;
use crate::text::plain;

/// Where a firm stands against the next level, competency by competency.
///
/// Made by [`Assessment::gaps`]; see also the [module documentation](self).
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let mut s = model.sheet("a").answer("gate.programme", true)?;
/// # for item in model.items() { s = s.answer(item.id(), 3)?; }
/// let gaps = model.assess(&s.build()?)?.gaps();
/// assert_eq!((gaps.level, gaps.target), (Some(3), Some(4)));
/// assert_eq!(gaps.target_name.as_deref(), Some("Managed"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GapAnalysis {
    /// The reported level (`None` when undetermined).
    pub level: Option<u8>,
    /// The next level (`None` at the top level or when undetermined).
    pub target: Option<u8>,
    /// The next level's name.
    pub target_name: Option<Arc<str>>,
    /// The lower bound of the next level's band (0 for level 1 behind a closed gate).
    pub target_bound: Option<f64>,
    /// `true` when the gate is closed: the target is then reached by opening it.
    pub gate_closed: bool,
    /// The compensatory score against the target's band (banded firms below the top).
    pub overall: Option<OverallGap>,
    /// Each competency, in model order.
    pub competencies: Vec<CompetencyGap>,
}

/// The compensatory score against the target level's band.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let mut s = model.sheet("a").answer("gate.programme", true)?;
/// # for item in model.items() { s = s.answer(item.id(), 3)?; }
/// let gaps = model.assess(&s.build()?)?.gaps();
/// let overall = gaps.overall.unwrap();
/// assert_eq!((overall.score, overall.target_bound, overall.points_needed), (50.0, 60.0, 10.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OverallGap {
    /// The compensatory score.
    pub score: f64,
    /// The target level's lower bound.
    pub target_bound: f64,
    /// Points still needed (0 when already there).
    pub points_needed: f64,
}

/// One competency against its own next stage and against the firm's target level.
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let mut s = model.sheet("a").answer("gate.programme", true)?;
/// # for item in model.items() { s = s.answer(item.id(), 3)?; }
/// let gaps = model.assess(&s.build()?)?.gaps();
/// let g = &gaps.competencies[0];
/// assert_eq!((g.score, g.stage, g.points_to_next_stage), (Some(50.0), Some(3), Some(10.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CompetencyGap {
    /// The competency's id.
    pub id: Arc<str>,
    /// Its name.
    pub name: Arc<str>,
    /// Its score (`None` when coverage was insufficient).
    pub score: Option<f64>,
    /// Its stage.
    pub stage: Option<u8>,
    /// Points to its own next stage (`None` at the top stage or without a score).
    pub points_to_next_stage: Option<f64>,
    /// Points to the firm's target level (`None` without a target or a score).
    pub points_to_target: Option<f64>,
    /// `true` when the weakest-link rule alone keeps the firm below the target.
    pub blocking: bool,
}

impl GapAnalysis {
    /// The gap of the competency with this id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// assert!(model.assess(&s)?.gaps().competency("design").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn competency(&self, id: &str) -> Option<&CompetencyGap> {
        self.competencies.iter().find(|c| &*c.id == id)
    }
}

impl Assessment {
    /// The gap to the next level, competency by competency.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let gaps = model.assess(&s)?.gaps();
    /// assert!(gaps.gate_closed);
    /// assert_eq!(gaps.target, Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn gaps(&self) -> GapAnalysis {
        let inputs = &self.inputs;
        let level = self.level();
        let gate_closed = matches!(self.placement, Placement::Gated);
        let target = match &self.placement {
            Placement::Gated => Some(1),
            Placement::Banded(b) if b.level < inputs.top_stage() => Some(b.level + 1),
            _ => None,
        };
        let target_bound = target.and_then(|t| inputs.lower_bound(t));
        let floor = match (&self.placement, target) {
            (Placement::Banded(_), Some(t)) => t
                .checked_sub(inputs.lag_allowance)
                .filter(|&s| s >= 1)
                .and_then(|s| inputs.lower_bound(s)),
            _ => None,
        };
        let overall = match (&self.placement, target_bound) {
            (Placement::Banded(b), Some(bound)) => Some(OverallGap {
                score: b.overall_score,
                target_bound: bound,
                points_needed: points_to(b.overall_score, bound),
            }),
            _ => None,
        };
        let competencies = self
            .competencies
            .iter()
            .map(|c| CompetencyGap {
                id: c.labels().id.clone(),
                name: c.labels().name.clone(),
                score: c.score,
                stage: c.stage,
                points_to_next_stage: c.score.zip(c.stage).and_then(|(s, stage)| {
                    inputs
                        .lower_bound(stage.checked_add(1)?)
                        .map(|bound| points_to(s, bound))
                }),
                points_to_target: c.score.zip(target_bound).map(|(s, b)| points_to(s, b)),
                blocking: c
                    .score
                    .zip(floor)
                    .is_some_and(|(s, f)| points_to(s, f) > 0.0),
            })
            .collect();
        GapAnalysis {
            level,
            target,
            target_name: target.and_then(|t| inputs.level_name(t).map(Arc::from)),
            target_bound,
            gate_closed,
            overall,
            competencies,
        }
    }
}

impl GapAnalysis {
    /// The report [`Display`](fmt::Display) prints, as a `String`: the points each
    /// competency still needs for the next level, the blocking ones marked, and the
    /// overall score against the level's band.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let mut s = model.sheet("a").answer("gate.programme", true)?;
    /// # for item in model.items() { s = s.answer(item.id(), 3)?; }
    /// let report = model.assess(&s.build()?)?.gaps().summary();
    /// assert!(report.starts_with("Gaps to level 4 (Managed, from 60 points)"));
    /// assert!(report.contains("Overall score"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for GapAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(target) = self.target else {
            return match self.level {
                Some(level) => write!(f, "No gaps: level {level} is the model's top level"),
                None => write!(f, "No gaps: the level is undetermined"),
            };
        };
        let name = plain(self.target_name.as_deref().unwrap_or_default());
        match self.target_bound.filter(|b| *b > 0.0) {
            Some(bound) => write!(f, "Gaps to level {target} ({name}, from {bound:.0} points)")?,
            None => write!(f, "Gaps to level {target} ({name})")?,
        }
        if self.gate_closed {
            write!(
                f,
                "\n  Set up a customer-experience programme or name its owner."
            )?;
        }
        for g in self
            .competencies
            .iter()
            .filter(|g| g.points_to_target.is_some_and(|p| p > 0.0))
        {
            write!(
                f,
                "\n  {:<36} {:>5.1} needs {:>5.1} more points{}",
                plain(&g.name),
                g.score.unwrap_or(0.0),
                g.points_to_target.unwrap_or(0.0),
                if g.blocking {
                    "  (blocking: holds the level back on its own)"
                } else {
                    ""
                }
            )?;
        }
        if let Some(o) = self.overall {
            if o.points_needed > 0.0 {
                write!(
                    f,
                    "\n  {:<36} {:>5.1} needs {:>5.1} more points",
                    "Overall score", o.score, o.points_needed
                )?;
            } else {
                write!(
                    f,
                    "\n  {:<36} {:>5.1} already reaches the band",
                    "Overall score", o.score
                )?;
            }
        }
        Ok(())
    }
}
