//! Progress between two assessments of the same firm.
//!
//! ```
//! use cocreate_maturity::{MaturityModel, Progress};
//!
//! let model = MaturityModel::builtin();
//! let assess = |x: i32| -> Result<_, Box<dyn std::error::Error>> {
//!     let mut s = model.sheet("cx-lead").answer("gate.programme", true)?;
//!     for item in model.items() {
//!         s = s.answer(item.id(), if item.reverse() { 6 - x } else { x })?;
//!     }
//!     Ok(model.assess(&s.build()?)?)
//! };
//! let (last_year, this_year) = (assess(2)?, assess(4)?);
//! let progress = Progress::between(&last_year, &this_year)?;
//! assert_eq!((progress.level_before, progress.level_after), (Some(2), Some(4)));
//! assert_eq!(progress.level_change, Some(2));
//! assert_eq!(progress.competencies[0].change, Some(50.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use crate::assessment::Assessment;
use crate::error::{AssessError, Checked};
use crate::text::plain;

/// The change between an earlier and a later assessment of one firm with one model.
///
/// Made by [`Progress::between`]; see also the [module documentation](self).
///
/// ```
/// # use cocreate_maturity::{MaturityModel, Progress};
/// # let model = MaturityModel::builtin();
/// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
/// let a = model.assess(&s)?;
/// let p = Progress::between(&a, &a)?;
/// assert_eq!((p.level_before, p.level_after, p.overall_change), (Some(0), Some(0), None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Progress {
    /// The earlier reported level.
    pub level_before: Option<u8>,
    /// The later reported level.
    pub level_after: Option<u8>,
    /// `after − before`, when both are known.
    pub level_change: Option<i16>,
    /// The earlier compensatory score.
    pub overall_before: Option<f64>,
    /// The later compensatory score.
    pub overall_after: Option<f64>,
    /// `after − before`, when both are known.
    pub overall_change: Option<f64>,
    /// Each competency, in model order.
    pub competencies: Vec<CompetencyChange>,
}

/// One competency's change.
///
/// ```
/// # use cocreate_maturity::{MaturityModel, Progress};
/// # let model = MaturityModel::builtin();
/// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
/// # let a = model.assess(&s)?;
/// let progress = Progress::between(&a, &a)?;
/// assert!(progress.competencies.iter().all(|c| c.change.is_none())); // nothing was scored
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CompetencyChange {
    /// The competency's id.
    pub id: Arc<str>,
    /// Its name.
    pub name: Arc<str>,
    /// The earlier score.
    pub before: Option<f64>,
    /// The later score.
    pub after: Option<f64>,
    /// `after − before`, when both are known.
    pub change: Option<f64>,
    /// The earlier stage.
    pub stage_before: Option<u8>,
    /// The later stage.
    pub stage_after: Option<u8>,
}

impl Progress {
    /// Compares two assessments made with the same model and version.
    ///
    /// # Errors
    ///
    /// [`AssessError::OtherModel`] when the later assessment was made with another model
    /// or model version.
    ///
    /// ```
    /// # use cocreate_maturity::{MaturityModel, Progress};
    /// # let model = MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// let a = model.assess(&s)?;
    /// assert_eq!(Progress::between(&a, &a)?.level_change, Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn between(earlier: &Assessment, later: &Assessment) -> Result<Self, AssessError> {
        let (a, b) = (&earlier.inputs, &later.inputs);
        if a.model_id != b.model_id
            || a.model_version != b.model_version
            || earlier.competencies.len() != later.competencies.len()
            || earlier
                .competencies
                .iter()
                .zip(&later.competencies)
                .any(|(x, y)| x.id() != y.id())
        {
            return Err(AssessError::OtherModel {
                what: Checked::LaterAssessment,
                expected: a.label(),
                found: b.label(),
            });
        }
        let diff = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| y - x);
        let competencies = earlier
            .competencies
            .iter()
            .zip(&later.competencies)
            .map(|(x, y)| CompetencyChange {
                id: x.labels().id.clone(),
                name: x.labels().name.clone(),
                before: x.score,
                after: y.score,
                change: diff(x.score, y.score),
                stage_before: x.stage,
                stage_after: y.stage,
            })
            .collect();
        let (level_before, level_after) = (earlier.level(), later.level());
        let (overall_before, overall_after) = (earlier.overall_score(), later.overall_score());
        Ok(Progress {
            level_before,
            level_after,
            level_change: level_before
                .zip(level_after)
                .map(|(x, y)| i16::from(y) - i16::from(x)),
            overall_before,
            overall_after,
            overall_change: diff(overall_before, overall_after),
            competencies,
        })
    }

    /// The competencies whose score rose, largest gain first.
    ///
    /// ```
    /// # use cocreate_maturity::{MaturityModel, Progress};
    /// # let model = MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// # let a = model.assess(&s)?;
    /// assert_eq!(Progress::between(&a, &a)?.improved().len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn improved(&self) -> Vec<&CompetencyChange> {
        let mut up: Vec<_> = self
            .competencies
            .iter()
            .filter(|c| c.change.is_some_and(|d| d > 0.0))
            .collect();
        up.sort_by(|a, b| b.change.unwrap_or(0.0).total_cmp(&a.change.unwrap_or(0.0)));
        up
    }

    /// The competencies whose score fell, largest loss first.
    ///
    /// ```
    /// # use cocreate_maturity::{MaturityModel, Progress};
    /// # let model = MaturityModel::builtin();
    /// # let s = model.sheet("a").answer("gate.programme", false)?.build()?;
    /// # let a = model.assess(&s)?;
    /// assert_eq!(Progress::between(&a, &a)?.declined().len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn declined(&self) -> Vec<&CompetencyChange> {
        let mut down: Vec<_> = self
            .competencies
            .iter()
            .filter(|c| c.change.is_some_and(|d| d < 0.0))
            .collect();
        down.sort_by(|a, b| a.change.unwrap_or(0.0).total_cmp(&b.change.unwrap_or(0.0)));
        down
    }
}

/// `3`, `-` for none.
fn or_dash<T: fmt::Display>(x: Option<T>) -> String {
    x.map_or_else(|| "-".to_string(), |x| x.to_string())
}

/// `42.5`, `-` for none.
fn points(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{x:.1}"))
}

/// `+7.5`, `-2.0`, `-` for none.
fn signed(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{x:+.1}"))
}

impl Progress {
    /// The report [`Display`](fmt::Display) prints, as a `String`: the level and overall
    /// score before and after, and each competency's change.
    ///
    /// ```
    /// # use cocreate_maturity::{MaturityModel, Progress};
    /// # let model = MaturityModel::builtin();
    /// # let assess = |x: i32| -> Result<_, Box<dyn std::error::Error>> {
    /// #     let mut s = model.sheet("cx-lead").answer("gate.programme", true)?;
    /// #     for item in model.items() { s = s.answer(item.id(), if item.reverse() { 6 - x } else { x })?; }
    /// #     Ok(model.assess(&s.build()?)?)
    /// # };
    /// let report = Progress::between(&assess(2)?, &assess(4)?)?.summary();
    /// assert!(report.starts_with("Level 2 → 4 (+2); overall score 25.0 → 75.0 (+50.0)"));
    /// assert!(report.contains("Strategy and vision"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = |l: Option<u8>| l.map_or_else(|| "undetermined".to_string(), |l| l.to_string());
        write!(
            f,
            "Level {} → {}",
            level(self.level_before),
            level(self.level_after)
        )?;
        if let Some(change) = self.level_change {
            write!(f, " ({change:+})")?;
        }
        write!(
            f,
            "; overall score {} → {} ({})",
            points(self.overall_before),
            points(self.overall_after),
            signed(self.overall_change)
        )?;
        write!(
            f,
            "\n\n{:<36} {:>6} {:>6} {:>7} {:>7}",
            "Competency", "Before", "After", "Change", "Stage"
        )?;
        for c in &self.competencies {
            write!(
                f,
                "\n{:<36} {:>6} {:>6} {:>7} {:>7}",
                plain(&c.name),
                points(c.before),
                points(c.after),
                signed(c.change),
                format!("{} → {}", or_dash(c.stage_before), or_dash(c.stage_after))
            )?;
        }
        Ok(())
    }
}
