//! Several respondents of one firm: each scored on their own, then combined per competency.
//!
//! Each respondent is scored separately (with the coverage rule applied to their own
//! answers); each competency's firm score is then the median (or mean) of the scores of
//! the respondents who covered it, with the spread (standard deviation and interquartile
//! range) and a low-agreement flag when the chosen spread exceeds a threshold. The gate is
//! open when at least half of those who answered it say yes. The result does not depend on
//! the order of the respondents.
//!
//! ```
//! use cocreate_maturity::{Aggregation, GroupOptions, MaturityModel};
//!
//! let model = MaturityModel::builtin();
//! let sheet = |id: &str, x: i32| -> Result<_, Box<dyn std::error::Error>> {
//!     let mut s = model.sheet(id).answer("gate.programme", true)?;
//!     for item in model.items() {
//!         s = s.answer(item.id(), if item.reverse() { 6 - x } else { x })?;
//!     }
//!     Ok(s.build()?)
//! };
//! let sheets = [sheet("ceo", 5)?, sheet("cx-lead", 3)?, sheet("agent", 2)?];
//! let median = model.assess_group(&sheets, &GroupOptions::default())?;
//! assert_eq!(median.competencies[0].score, Some(50.0)); // 100, 50, 25
//! let mean = model.assess_group(&sheets, &GroupOptions::default().with_aggregation(Aggregation::Mean))?;
//! assert!((mean.competencies[0].score.unwrap() - 175.0 / 3.0).abs() < 1e-12);
//! assert_eq!(median.respondents.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;

use crate::answers::AnswerSheet;
use crate::assessment::{
    Agreement, Assessment, CompetencyResult, Coverage, GateOutcome, ItemContribution,
};
use crate::error::AssessError;
use crate::model::MaturityModel;
use crate::score::place;
use crate::stats;

/// The default low-agreement threshold: a standard deviation above 20 points
/// (`docs/literature.md` §4.5 "Maturity scoring").
///
/// ```
/// use cocreate_maturity::{group::DEFAULT_LOW_AGREEMENT_SD, GroupOptions};
/// assert_eq!(GroupOptions::default().low_agreement().1, DEFAULT_LOW_AGREEMENT_SD);
/// ```
pub const DEFAULT_LOW_AGREEMENT_SD: f64 = 20.0;

/// How respondents' competency scores are combined.
///
/// ```
/// use cocreate_maturity::Aggregation;
/// assert_eq!(Aggregation::default(), Aggregation::Median);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Aggregation {
    /// The median (robust to one outlying respondent).
    #[default]
    Median,
    /// The arithmetic mean.
    Mean,
}

/// The spread that decides the low-agreement flag.
///
/// ```
/// use cocreate_maturity::Spread;
/// assert_eq!(Spread::default(), Spread::StdDev);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Spread {
    /// The sample standard deviation.
    #[default]
    StdDev,
    /// The interquartile range.
    Iqr,
}

/// A group option that makes no sense.
///
/// ```
/// use cocreate_maturity::{GroupOptions, Spread};
/// let err = GroupOptions::default().with_low_agreement(Spread::Iqr, -1.0).unwrap_err();
/// assert_eq!(err.to_string(), "the low-agreement threshold is -1; it must be a finite number of points, 0 or more");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("the low-agreement threshold is {0}; it must be a finite number of points, 0 or more")]
pub struct InvalidOption(pub f64);

/// How a group of respondents is combined.
///
/// Defaults: the median, and low agreement when the standard deviation exceeds 20
/// points.
///
/// ```
/// use cocreate_maturity::{Aggregation, GroupOptions, Spread};
/// let options = GroupOptions::default()
///     .with_aggregation(Aggregation::Mean)
///     .with_low_agreement(Spread::Iqr, 25.0)?;
/// assert_eq!(options.aggregation(), Aggregation::Mean);
/// assert_eq!(options.low_agreement(), (Spread::Iqr, 25.0));
/// # Ok::<(), cocreate_maturity::InvalidOption>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::GroupOptionsRepr")
)]
pub struct GroupOptions {
    aggregation: Aggregation,
    spread: Spread,
    low_agreement_above: f64,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions {
            aggregation: Aggregation::Median,
            spread: Spread::StdDev,
            low_agreement_above: DEFAULT_LOW_AGREEMENT_SD,
        }
    }
}

impl GroupOptions {
    /// Chooses how competency scores are combined.
    ///
    /// ```
    /// use cocreate_maturity::{Aggregation, GroupOptions};
    /// assert_eq!(GroupOptions::default().with_aggregation(Aggregation::Mean).aggregation(), Aggregation::Mean);
    /// ```
    pub fn with_aggregation(mut self, aggregation: Aggregation) -> Self {
        self.aggregation = aggregation;
        self
    }

    /// Chooses the spread and the threshold (in points) above which agreement is low.
    ///
    /// # Errors
    ///
    /// [`InvalidOption`] for a negative, infinite or NaN threshold.
    ///
    /// ```
    /// use cocreate_maturity::{GroupOptions, Spread};
    /// assert!(GroupOptions::default().with_low_agreement(Spread::StdDev, f64::NAN).is_err());
    /// ```
    pub fn with_low_agreement(mut self, spread: Spread, above: f64) -> Result<Self, InvalidOption> {
        check_threshold(above)?;
        self.spread = spread;
        self.low_agreement_above = above;
        Ok(self)
    }

    /// How competency scores are combined.
    ///
    /// ```
    /// use cocreate_maturity::{Aggregation, GroupOptions};
    /// assert_eq!(GroupOptions::default().aggregation(), Aggregation::Median);
    /// ```
    pub fn aggregation(&self) -> Aggregation {
        self.aggregation
    }

    /// The spread and threshold of the low-agreement flag.
    ///
    /// ```
    /// use cocreate_maturity::{GroupOptions, Spread};
    /// assert_eq!(GroupOptions::default().low_agreement(), (Spread::StdDev, 20.0));
    /// ```
    pub fn low_agreement(&self) -> (Spread, f64) {
        (self.spread, self.low_agreement_above)
    }
}

fn check_threshold(above: f64) -> Result<(), InvalidOption> {
    if above.is_finite() && above >= 0.0 {
        Ok(())
    } else {
        Err(InvalidOption(above))
    }
}

impl MaturityModel {
    /// Scores several respondents of one firm and combines them.
    ///
    /// The returned assessment holds the combined competency scores (each with its
    /// [`Agreement`]), the placement they give, and each respondent's own assessment in
    /// [`Assessment::respondents`], in the order given.
    ///
    /// # Errors
    ///
    /// [`AssessError::NoRespondents`], [`AssessError::DuplicateRespondent`],
    /// [`AssessError::OtherModel`] for a sheet of another model, or
    /// [`AssessError::InvalidOption`] for options with a bad threshold.
    ///
    /// ```
    /// use cocreate_maturity::{AssessError, GroupOptions, MaturityModel};
    /// let model = MaturityModel::builtin();
    /// let err = model.assess_group(&[], &GroupOptions::default()).unwrap_err();
    /// assert_eq!(err, AssessError::NoRespondents);
    /// ```
    pub fn assess_group(
        &self,
        sheets: &[AnswerSheet],
        options: &GroupOptions,
    ) -> Result<Assessment, AssessError> {
        check_threshold(options.low_agreement_above)?;
        if sheets.is_empty() {
            return Err(AssessError::NoRespondents);
        }
        let mut seen = HashSet::with_capacity(sheets.len());
        for sheet in sheets {
            self.check_sheet(sheet)?;
            if !seen.insert(&*sheet.respondent) {
                return Err(AssessError::DuplicateRespondent {
                    respondent: sheet.respondent.to_string(),
                });
            }
        }
        let respondents: Vec<Assessment> = sheets.iter().map(|s| self.score_sheet(s)).collect();
        let competencies = (0..self.competencies().len())
            .map(|ci| combine_competency(&respondents, ci, options))
            .collect::<Vec<_>>();
        let gate = self.inputs().gate.as_ref().map(|_| {
            let count = |f: fn(&GateOutcome) -> u32| {
                respondents
                    .iter()
                    .filter_map(|r| r.gate.as_ref())
                    .map(f)
                    .sum::<u32>()
            };
            GateOutcome::from_counts(count(|g| g.yes), count(|g| g.no), count(|g| g.unanswered))
        });
        let placement = place(self.inputs(), gate, &competencies);
        Ok(Assessment {
            inputs: self.inputs().clone(),
            respondent: None,
            aggregation: Some(*options),
            gate,
            competencies,
            placement,
            respondents,
        })
    }
}

/// Combines competency `ci` over the respondents.
fn combine_competency(
    respondents: &[Assessment],
    ci: usize,
    options: &GroupOptions,
) -> CompetencyResult {
    let per_respondent: Vec<&CompetencyResult> =
        respondents.iter().map(|r| &r.competencies[ci]).collect();
    let first = per_respondent[0];
    let mut scores: Vec<f64> = per_respondent.iter().filter_map(|c| c.score).collect();
    stats::sort(&mut scores);
    let score = match options.aggregation {
        Aggregation::Median => stats::median(&scores),
        Aggregation::Mean => stats::mean(&scores),
    }
    .map(|s| s.clamp(0.0, 100.0));
    let std_dev = stats::std_dev(&scores);
    let iqr = match (
        stats::quantile(&scores, 0.75),
        stats::quantile(&scores, 0.25),
    ) {
        (Some(q3), Some(q1)) => q3 - q1,
        _ => 0.0,
    };
    let spread = match options.spread {
        Spread::StdDev => std_dev,
        Spread::Iqr => (scores.len() >= 2).then_some(iqr),
    };
    let agreement = (!scores.is_empty()).then(|| Agreement {
        respondents: scores.len() as u32,
        std_dev,
        iqr,
        min: scores[0],
        max: scores[scores.len() - 1],
        low: spread.is_some_and(|s| s > options.low_agreement_above),
    });
    let coverage = Coverage {
        answered: per_respondent.iter().map(|c| c.coverage.answered).sum(),
        total: per_respondent.iter().map(|c| c.coverage.total).sum(),
    };
    let items = (0..first.items.len())
        .map(|ii| combine_item(&per_respondent, ii))
        .collect();
    CompetencyResult::new(
        first.labels().clone(),
        first.weight,
        coverage,
        score,
        score.map(|s| respondents[0].inputs.stage_of(s)),
        agreement,
        items,
    )
}

/// Combines item `ii` of one competency over the respondents.
fn combine_item(per_respondent: &[&CompetencyResult], ii: usize) -> ItemContribution {
    let mut keyed: Vec<f64> = per_respondent
        .iter()
        .filter_map(|c| c.items[ii].keyed)
        .collect();
    stats::sort(&mut keyed);
    // Points over the respondents whose competency was scored; an item such a respondent
    // left unanswered adds nothing to their score.
    let mut points: Vec<f64> = per_respondent
        .iter()
        .filter(|c| c.score.is_some())
        .map(|c| c.items[ii].points.unwrap_or(0.0))
        .collect();
    stats::sort(&mut points);
    ItemContribution {
        answered: keyed.len() as u32,
        missing: (per_respondent.len() - keyed.len()) as u32,
        keyed: stats::mean(&keyed),
        points: stats::mean(&points),
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`GroupOptions`], checked by [`GroupOptions::with_low_agreement`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct GroupOptionsRepr {
        aggregation: Aggregation,
        spread: Spread,
        low_agreement_above: f64,
    }

    impl TryFrom<GroupOptionsRepr> for GroupOptions {
        type Error = InvalidOption;
        fn try_from(r: GroupOptionsRepr) -> Result<Self, InvalidOption> {
            GroupOptions::default()
                .with_aggregation(r.aggregation)
                .with_low_agreement(r.spread, r.low_agreement_above)
        }
    }
}
