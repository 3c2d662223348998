//! A roadmap: the actions to take, weakest competency first.
//!
//! The steps come from the model's data, in this order:
//!
//! 1. a closed gate: the level-0 actions (set up a programme or an owner);
//! 2. an undetermined level: collect the missing answers (the gate, or the competencies
//!    whose coverage was too low);
//! 3. the firm-wide actions of the reported level (the stage's actions);
//! 4. the competencies, weakest first (ties in model order), each with its own actions for
//!    the stage it is in: those below the target level's band when the firm has a target;
//!    every scored competency at the top level or when the level is undetermined; those
//!    still in the first stage behind a closed gate.
//!
//! ```
//! use cocreate_maturity::{MaturityModel, StepKind};
//!
//! let model = MaturityModel::builtin();
//! let mut sheet = model.sheet("cx-lead").answer("gate.programme", true)?;
//! for item in model.items() {
//!     let good = match item.competency() { 5 => 2, 1 => 3, _ => 4 };
//!     sheet = sheet.answer(item.id(), if item.reverse() { 6 - good } else { good })?;
//! }
//! let result = model.assess(&sheet.build()?)?;
//! let roadmap = model.roadmap(&result)?;
//! let kinds: Vec<StepKind> = roadmap.steps.iter().map(|s| s.kind).collect();
//! assert_eq!(kinds, [StepKind::FirmWide, StepKind::Competency, StepKind::Competency]);
//! // Culture (25 points) before leadership (50 points).
//! assert_eq!(roadmap.steps[1].competency.as_deref(), Some("culture"));
//! assert_eq!(roadmap.steps[2].competency.as_deref(), Some("leadership"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use crate::assessment::{Assessment, Placement};
use crate::error::{AssessError, Checked};
use crate::gap::GapAnalysis;
use crate::model::MaturityModel;
use crate::text::plain;

/// What a roadmap step is about.
///
/// ```
/// use cocreate_maturity::StepKind;
/// assert_ne!(StepKind::OpenGate, StepKind::FirmWide);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum StepKind {
    /// Set up a customer-experience programme or owner (level 0).
    OpenGate,
    /// Collect the answers the level could not be decided without.
    CollectAnswers,
    /// Firm-wide actions of the reported level.
    FirmWide,
    /// One competency's actions for its stage.
    Competency,
}

/// One step of a [`Roadmap`].
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let roadmap = model.roadmap(&model.assess(&s)?)?;
/// assert_eq!(roadmap.steps[0].title, "Set up customer-experience management (leave level 0, Non-existent)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RoadmapStep {
    /// What the step is about.
    pub kind: StepKind,
    /// The competency's id, for a competency step (or the one lacking answers).
    pub competency: Option<Arc<str>>,
    /// A one-line heading.
    pub title: String,
    /// The competency's score, for a competency step.
    pub score: Option<f64>,
    /// Points the competency needs to reach the target level, when there is one.
    pub points_needed: Option<f64>,
    /// The actions, in the model's order.
    pub actions: Vec<String>,
}

/// The ordered steps from where a firm stands to its next level.
///
/// Made by [`MaturityModel::roadmap`]; see also the [module documentation](self).
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let roadmap = model.roadmap(&model.assess(&s)?)?;
/// assert_eq!((roadmap.level, roadmap.target), (Some(0), Some(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Roadmap {
    /// The reported level.
    pub level: Option<u8>,
    /// The level the roadmap leads to.
    pub target: Option<u8>,
    /// The steps, most urgent first.
    pub steps: Vec<RoadmapStep>,
}

impl Roadmap {
    /// Every action of every step, in order, with the step it belongs to.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let roadmap = model.roadmap(&model.assess(&s)?)?;
    /// assert_eq!(roadmap.actions().count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn actions(&self) -> impl Iterator<Item = (&RoadmapStep, &str)> {
        self.steps
            .iter()
            .flat_map(|s| s.actions.iter().map(move |a| (s, a.as_str())))
    }
}

impl Roadmap {
    /// The report [`Display`](fmt::Display) prints, as a `String`: the numbered steps,
    /// each with its actions.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let report = model.roadmap(&model.assess(&s)?)?.summary();
    /// assert!(report.starts_with("Roadmap\n  1. Set up customer-experience management"));
    /// assert_eq!(report.lines().filter(|l| l.trim_start().starts_with("- ")).count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Roadmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Roadmap")?;
        if self.steps.is_empty() {
            f.write_str("\n  Nothing to do.")?;
        }
        for (i, step) in self.steps.iter().enumerate() {
            write!(f, "\n  {}. {}", i + 1, plain(&step.title))?;
            for action in &step.actions {
                write!(f, "\n     - {}", plain(action))?;
            }
        }
        Ok(())
    }
}

impl MaturityModel {
    /// The roadmap for an assessment made with this model.
    ///
    /// # Errors
    ///
    /// [`AssessError::OtherModel`] when the assessment was made with another model or
    /// model version (its actions would not match).
    ///
    /// ```
    /// # use cocreate_maturity::StepKind;
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sheet = model.sheet("a").answer("strategy.vision", 4)?.build()?;
    /// let roadmap = model.roadmap(&model.assess(&sheet)?)?;
    /// assert!(roadmap.steps.iter().all(|s| s.kind == StepKind::CollectAnswers));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn roadmap(&self, assessment: &Assessment) -> Result<Roadmap, AssessError> {
        let inputs = &assessment.inputs;
        if *inputs.model_id != *self.id()
            || *inputs.model_version != *self.version()
            || assessment.competencies.len() != self.competencies().len()
        {
            return Err(AssessError::OtherModel {
                what: Checked::Assessment,
                expected: self.label(),
                found: inputs.label(),
            });
        }
        let gaps = assessment.gaps();
        let mut steps = Vec::new();
        match &assessment.placement {
            Placement::Gated => {
                let name = self.level_name(0).unwrap_or_default();
                steps.push(RoadmapStep {
                    kind: StepKind::OpenGate,
                    competency: None,
                    title: format!("Set up customer-experience management (leave level 0, {name})"),
                    score: None,
                    points_needed: None,
                    actions: self.level_actions(0).to_vec(),
                });
            }
            Placement::Undetermined {
                insufficient,
                gate_unanswered,
            } => {
                if let (true, Some(gate)) = (*gate_unanswered, self.gate()) {
                    steps.push(RoadmapStep {
                        kind: StepKind::CollectAnswers,
                        competency: None,
                        title: "Answer the gate item".to_string(),
                        score: None,
                        points_needed: None,
                        actions: vec![format!(
                            "Answer yes or no to '{}' ({}): level 0 cannot be ruled out \
                             without it.",
                            gate.statement(),
                            gate.item()
                        )],
                    });
                }
                for id in insufficient {
                    if let Some(c) = assessment.competency(id) {
                        steps.push(RoadmapStep {
                            kind: StepKind::CollectAnswers,
                            competency: Some(c.labels().id.clone()),
                            title: format!("Collect more answers on {}", c.name()),
                            score: None,
                            points_needed: None,
                            actions: vec![format!(
                                "Have respondents answer more of the {} items on {}: {} of \
                                 {} answers were given, and each respondent must answer at \
                                 least {:.0}% of them.",
                                self.competency(id).map_or(0, |m| m.item_range().len()),
                                c.name(),
                                c.coverage.answered,
                                c.coverage.total,
                                100.0 * inputs.min_coverage
                            )],
                        });
                    }
                }
            }
            Placement::Banded(b) => {
                if let Some(stage) = self.stage(b.level) {
                    let title = match gaps.target {
                        Some(t) => format!(
                            "Firm-wide: from level {} ({}) to level {t} ({})",
                            b.level,
                            stage.name(),
                            self.level_name(t).unwrap_or_default()
                        ),
                        None => format!("Firm-wide: stay at level {} ({})", b.level, stage.name()),
                    };
                    steps.push(RoadmapStep {
                        kind: StepKind::FirmWide,
                        competency: None,
                        title,
                        score: None,
                        points_needed: gaps.overall.map(|o| o.points_needed),
                        actions: stage.actions().to_vec(),
                    });
                }
            }
        }
        steps.extend(self.competency_steps(assessment, &gaps));
        Ok(Roadmap {
            level: gaps.level,
            target: gaps.target,
            steps,
        })
    }

    fn competency_steps(&self, assessment: &Assessment, gaps: &GapAnalysis) -> Vec<RoadmapStep> {
        let gated = matches!(assessment.placement, Placement::Gated);
        let mut chosen: Vec<(usize, f64, u8)> = gaps
            .competencies
            .iter()
            .enumerate()
            .filter_map(|(i, g)| Some((i, g.score?, g.stage?, g)))
            .filter(|(_, _, stage, g)| {
                if gated {
                    *stage == 1
                } else {
                    g.points_to_target.is_none_or(|p| p > 0.0)
                }
            })
            .map(|(i, score, stage, _)| (i, score, stage))
            .collect();
        // A stable sort keeps model order among equal scores.
        chosen.sort_by(|a, b| a.1.total_cmp(&b.1));
        chosen
            .into_iter()
            .map(|(i, score, stage)| {
                let c = &self.competencies()[i];
                let g = &gaps.competencies[i];
                let next = match gaps.target {
                    Some(t) if !gated => format!(
                        ", {:.1} points short of level {t}",
                        g.points_to_target.unwrap_or(0.0)
                    ),
                    _ => String::new(),
                };
                RoadmapStep {
                    kind: StepKind::Competency,
                    competency: Some(c.labels.id.clone()),
                    title: format!("{}: {:.1} points, stage {stage}{next}", c.name(), score),
                    score: Some(score),
                    points_needed: g.points_to_target,
                    actions: c.actions(stage).to_vec(),
                }
            })
            .collect()
    }
}
