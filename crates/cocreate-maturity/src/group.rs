//! Several respondents of one firm: how their scores are combined ([`GroupOptions`]).
//!
//! [`MaturityModel::assess_group`](crate::MaturityModel::assess_group) scores each
//! respondent separately (with the coverage rule applied to their own answers); each
//! competency's firm score is then the median (or mean) of the scores of the respondents
//! who covered it, with the spread (standard deviation and interquartile range) and a
//! low-agreement flag when the chosen spread exceeds a threshold. The gate is open when
//! at least half of those who answered it say yes. The result does not depend on the
//! order of the respondents.
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
//! let mean = GroupOptions::builder().aggregation(Aggregation::Mean).build()?;
//! let mean = model.assess_group(&sheets, &mean)?;
//! assert!((mean.competencies[0].score.unwrap() - 175.0 / 3.0).abs() < 1e-12);
//! assert_eq!(median.respondents.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::AssessError;

/// The default low-agreement threshold: a standard deviation above 20 points
/// (`docs/literature.md` §4.5 "Maturity scoring").
///
/// ```
/// use cocreate_maturity::{group::DEFAULT_LOW_AGREEMENT_SD, GroupOptions};
/// assert_eq!(GroupOptions::default().low_agreement_above(), DEFAULT_LOW_AGREEMENT_SD);
/// ```
pub const DEFAULT_LOW_AGREEMENT_SD: f64 = 20.0;

/// How respondents' competency scores are combined.
///
/// ```
/// use cocreate_maturity::Aggregation;
/// assert_eq!(Aggregation::default(), Aggregation::Median);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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

/// How a group of respondents is combined.
///
/// [`GroupOptions::default`] is the median, with low agreement when the standard
/// deviation exceeds 20 points; [`GroupOptions::builder`] changes any of them, and its
/// [`build`](GroupOptionsBuilder::build) checks the threshold.
///
/// ```
/// use cocreate_maturity::{Aggregation, GroupOptions, Spread};
/// let options = GroupOptions::builder()
///     .aggregation(Aggregation::Mean)
///     .spread(Spread::Iqr)
///     .low_agreement_above(25.0)
///     .build()?;
/// assert_eq!(options.aggregation(), Aggregation::Mean);
/// assert_eq!((options.spread(), options.low_agreement_above()), (Spread::Iqr, 25.0));
/// # Ok::<(), cocreate_maturity::AssessError>(())
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
    /// The median, and low agreement above a standard deviation of
    /// [`DEFAULT_LOW_AGREEMENT_SD`] points.
    fn default() -> Self {
        GroupOptions {
            aggregation: Aggregation::Median,
            spread: Spread::StdDev,
            low_agreement_above: DEFAULT_LOW_AGREEMENT_SD,
        }
    }
}

impl GroupOptions {
    /// A builder starting from the defaults.
    ///
    /// ```
    /// use cocreate_maturity::GroupOptions;
    /// assert_eq!(GroupOptions::builder().build()?, GroupOptions::default());
    /// # Ok::<(), cocreate_maturity::AssessError>(())
    /// ```
    pub fn builder() -> GroupOptionsBuilder {
        GroupOptionsBuilder {
            options: GroupOptions::default(),
        }
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

    /// The spread that decides the low-agreement flag.
    ///
    /// ```
    /// use cocreate_maturity::{GroupOptions, Spread};
    /// assert_eq!(GroupOptions::default().spread(), Spread::StdDev);
    /// ```
    pub fn spread(&self) -> Spread {
        self.spread
    }

    /// The threshold, in points, above which the spread means low agreement.
    ///
    /// ```
    /// use cocreate_maturity::GroupOptions;
    /// assert_eq!(GroupOptions::default().low_agreement_above(), 20.0);
    /// ```
    pub fn low_agreement_above(&self) -> f64 {
        self.low_agreement_above
    }
}

/// Builds [`GroupOptions`]; made by [`GroupOptions::builder`].
///
/// ```
/// use cocreate_maturity::{AssessError, GroupOptions};
/// let err = GroupOptions::builder().low_agreement_above(-1.0).build().unwrap_err();
/// assert_eq!(err, AssessError::LowAgreementThreshold { value: -1.0 });
/// assert_eq!(
///     err.to_string(),
///     "the low-agreement threshold is -1; it must be a finite number of points, 0 or more"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupOptionsBuilder {
    options: GroupOptions,
}

impl GroupOptionsBuilder {
    /// Chooses how competency scores are combined (default: the median).
    ///
    /// ```
    /// use cocreate_maturity::{Aggregation, GroupOptions};
    /// let options = GroupOptions::builder().aggregation(Aggregation::Mean).build()?;
    /// assert_eq!(options.aggregation(), Aggregation::Mean);
    /// # Ok::<(), cocreate_maturity::AssessError>(())
    /// ```
    pub fn aggregation(mut self, aggregation: Aggregation) -> Self {
        self.options.aggregation = aggregation;
        self
    }

    /// Chooses the spread that decides the low-agreement flag (default: the standard
    /// deviation).
    ///
    /// ```
    /// use cocreate_maturity::{GroupOptions, Spread};
    /// let options = GroupOptions::builder().spread(Spread::Iqr).build()?;
    /// assert_eq!(options.spread(), Spread::Iqr);
    /// # Ok::<(), cocreate_maturity::AssessError>(())
    /// ```
    pub fn spread(mut self, spread: Spread) -> Self {
        self.options.spread = spread;
        self
    }

    /// Chooses the threshold in points above which the spread means low agreement
    /// (default: [`DEFAULT_LOW_AGREEMENT_SD`]); checked by [`build`](Self::build).
    ///
    /// ```
    /// use cocreate_maturity::GroupOptions;
    /// assert!(GroupOptions::builder().low_agreement_above(f64::NAN).build().is_err());
    /// ```
    pub fn low_agreement_above(mut self, points: f64) -> Self {
        self.options.low_agreement_above = points;
        self
    }

    /// The options, after checking the threshold.
    ///
    /// # Errors
    ///
    /// [`AssessError::LowAgreementThreshold`] for a negative, infinite or NaN threshold.
    ///
    /// ```
    /// use cocreate_maturity::GroupOptions;
    /// let options = GroupOptions::builder().low_agreement_above(0.0).build()?;
    /// assert_eq!(options.low_agreement_above(), 0.0);
    /// assert!(GroupOptions::builder().low_agreement_above(f64::INFINITY).build().is_err());
    /// # Ok::<(), cocreate_maturity::AssessError>(())
    /// ```
    pub fn build(self) -> Result<GroupOptions, AssessError> {
        let value = self.options.low_agreement_above;
        if value.is_finite() && value >= 0.0 {
            Ok(self.options)
        } else {
            Err(AssessError::LowAgreementThreshold { value })
        }
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`GroupOptions`], checked by [`GroupOptionsBuilder::build`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct GroupOptionsRepr {
        aggregation: Aggregation,
        spread: Spread,
        low_agreement_above: f64,
    }

    impl TryFrom<GroupOptionsRepr> for GroupOptions {
        type Error = AssessError;
        fn try_from(r: GroupOptionsRepr) -> Result<Self, AssessError> {
            GroupOptions::builder()
                .aggregation(r.aggregation)
                .spread(r.spread)
                .low_agreement_above(r.low_agreement_above)
                .build()
        }
    }
}
