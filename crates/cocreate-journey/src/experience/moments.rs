//! Moments of truth in one journey: the first one and the critical ones, each with why.

use std::fmt;

use super::{Disconfirmation, Tolerance};
use crate::options::{at_least, required, OptionsError};
use crate::{Journey, Outcome, Stage};

/// Options for finding moments of truth.
///
/// `tolerance` classifies disconfirmation (see [`Tolerance`]); an encounter is *critical*
/// when |D| on either side exceeds `critical_threshold`, or when the customer left there.
/// Both are in the units of the journey's scale, so neither has a default.
///
/// ```
/// use cocreate_journey::MomentOptions;
///
/// let o = MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?;
/// assert_eq!(o.critical_threshold(), 1.5);
/// assert!(MomentOptions::builder().tolerance(0.5).critical_threshold(-1.0).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "MomentOptionsRepr", into = "MomentOptionsRepr")
)]
pub struct MomentOptions {
    tolerance: Tolerance,
    critical_threshold: f64,
}

/// Builds validated [`MomentOptions`]; both options must be set.
///
/// ```
/// use cocreate_journey::{MomentOptions, OptionsError};
///
/// let err = MomentOptions::builder().tolerance(0.5).build().unwrap_err();
/// assert_eq!(err, OptionsError::Missing { option: "critical threshold" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MomentOptionsBuilder {
    tolerance: Option<f64>,
    critical_threshold: Option<f64>,
}

impl MomentOptionsBuilder {
    /// The disconfirmation tolerance τ ≥ 0.
    ///
    /// ```
    /// use cocreate_journey::MomentOptions;
    ///
    /// assert!(MomentOptions::builder().tolerance(-1.0).critical_threshold(1.0).build().is_err());
    /// ```
    pub fn tolerance(mut self, tau: f64) -> Self {
        self.tolerance = Some(tau);
        self
    }

    /// The |disconfirmation| above which an encounter is critical (≥ 0).
    ///
    /// ```
    /// use cocreate_journey::MomentOptions;
    ///
    /// assert!(MomentOptions::builder().tolerance(0.0).critical_threshold(2.0).build().is_ok());
    /// ```
    pub fn critical_threshold(mut self, threshold: f64) -> Self {
        self.critical_threshold = Some(threshold);
        self
    }

    /// Checks the options.
    ///
    /// ```
    /// use cocreate_journey::MomentOptions;
    ///
    /// let o = MomentOptions::builder().tolerance(0.5).critical_threshold(2.0).build()?;
    /// assert_eq!(o.tolerance().value(), 0.5);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<MomentOptions, OptionsError> {
        let tolerance = Tolerance::new(required(self.tolerance, "tolerance")?)?;
        let critical_threshold = at_least(
            "critical threshold",
            "a finite number ≥ 0",
            required(self.critical_threshold, "critical threshold")?,
            0.0,
        )?;
        Ok(MomentOptions {
            tolerance,
            critical_threshold,
        })
    }
}

impl MomentOptions {
    /// A builder; both options must be set.
    ///
    /// ```
    /// use cocreate_journey::MomentOptions;
    ///
    /// assert!(MomentOptions::builder().build().is_err());
    /// ```
    pub fn builder() -> MomentOptionsBuilder {
        MomentOptionsBuilder::default()
    }

    /// The disconfirmation tolerance.
    ///
    /// ```
    /// use cocreate_journey::MomentOptions;
    ///
    /// let o = MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?;
    /// assert_eq!(o.tolerance().value(), 0.5);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn tolerance(&self) -> Tolerance {
        self.tolerance
    }

    /// The |disconfirmation| above which an encounter is critical.
    ///
    /// ```
    /// use cocreate_journey::MomentOptions;
    ///
    /// let o = MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?;
    /// assert_eq!(o.critical_threshold(), 1.5);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn critical_threshold(&self) -> f64 {
        self.critical_threshold
    }
}

/// Why an encounter was flagged as a moment of truth.
///
/// ```
/// use cocreate_journey::MomentReason;
///
/// let r = MomentReason::FunctionalDisconfirmation { value: -2.0, threshold: 1.5 };
/// assert_eq!(r.to_string(), "functional disconfirmation -2 exceeds the threshold ±1.5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "reason", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MomentReason {
    /// The customer compared an expectation with an actual experience for the first time.
    FirstComparison,
    /// The functional disconfirmation exceeds the threshold in absolute value.
    FunctionalDisconfirmation {
        /// D on the functional side.
        value: f64,
        /// The threshold.
        threshold: f64,
    },
    /// The emotional disconfirmation exceeds the threshold in absolute value.
    EmotionalDisconfirmation {
        /// D on the emotional side.
        value: f64,
        /// The threshold.
        threshold: f64,
    },
    /// The customer left at this encounter.
    CustomerLeft {
        /// The leaving outcome ([`Outcome::Leave`] or [`Outcome::Churned`]).
        outcome: Outcome,
    },
}

impl fmt::Display for MomentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MomentReason::FirstComparison => {
                f.write_str("expectation met an actual experience for the first time")
            }
            MomentReason::FunctionalDisconfirmation { value, threshold } => write!(
                f,
                "functional disconfirmation {value} exceeds the threshold ±{threshold}"
            ),
            MomentReason::EmotionalDisconfirmation { value, threshold } => write!(
                f,
                "emotional disconfirmation {value} exceeds the threshold ±{threshold}"
            ),
            MomentReason::CustomerLeft { outcome } => {
                write!(f, "the customer left here ({outcome})")
            }
        }
    }
}

/// An encounter flagged as a moment of truth, with every reason it was flagged.
///
/// ```
/// use cocreate_journey::{Encounter, Experience, JourneyBuilder, MomentOptions, MomentReason, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .prior_expectation(Experience::both(5.0))
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, Timestamp::from_unix_seconds(0))
///         .perceiving(Experience::new(2.0, 5.0)))
///     .build()?;
/// let first = j.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?).first.unwrap();
/// assert!(first.is_first() && first.is_critical());
/// assert_eq!(first.reasons[1], MomentReason::FunctionalDisconfirmation { value: -3.0, threshold: 1.5 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MomentOfTruth {
    /// Index of the encounter in [`Journey::encounters`].
    pub index: usize,
    /// The touchpoint id.
    pub touchpoint: String,
    /// The stage.
    pub stage: Stage,
    /// The disconfirmation, when an expectation met an experience here.
    pub disconfirmation: Option<Disconfirmation>,
    /// Why it was flagged (at least one reason).
    pub reasons: Vec<MomentReason>,
}

impl MomentOfTruth {
    /// Whether this is the first moment of truth.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, Experience, JourneyBuilder, MomentOptions, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    /// #     .prior_expectation(Experience::both(5.0))
    /// #     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, Timestamp::from_unix_seconds(0))
    /// #         .perceiving(Experience::new(5.0, 5.0)))
    /// #     .build()?;
    /// let moments = j.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?);
    /// assert!(moments.first.unwrap().is_first());
    /// assert!(moments.critical.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_first(&self) -> bool {
        self.reasons.contains(&MomentReason::FirstComparison)
    }

    /// Whether this is a critical moment (a large disconfirmation or the customer left).
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, MomentOptions, Outcome, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("web"), Stage::Evaluation, Timestamp::from_unix_seconds(0))
    /// #         .with_outcome(Outcome::Leave))
    /// #     .build()?;
    /// let moments = j.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?);
    /// assert!(moments.critical[0].is_critical());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_critical(&self) -> bool {
        self.reasons
            .iter()
            .any(|r| *r != MomentReason::FirstComparison)
    }
}

/// The moments of truth of a journey.
///
/// ```
/// use cocreate_journey::{Encounter, JourneyBuilder, MomentOptions, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
///     .build()?;
/// let m = j.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?);
/// assert!(m.first.is_none()); // nothing was experienced yet
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MomentsOfTruth {
    /// The first encounter where an expectation met an actual experience, if any.
    pub first: Option<MomentOfTruth>,
    /// Every critical encounter, in journey order (may include the first moment).
    pub critical: Vec<MomentOfTruth>,
}

impl Journey {
    /// Finds the first moment of truth and the critical moments.
    ///
    /// The *first moment of truth* is the first encounter where the customer perceived
    /// something while an expectation was in force: expectation meets experience for the
    /// first time. A *critical* moment is an encounter where |D| on either side exceeds
    /// the threshold, or where the customer left ([`Outcome::is_leaving`]).
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, JourneyBuilder, MomentOptions, Outcome, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let t = Timestamp::from_unix_seconds;
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .prior_expectation(Experience::both(5.0))
    ///     .encounter(Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, t(0))
    ///         .perceiving(Experience::both(5.0)))
    ///     .encounter(Encounter::new(Touchpoint::brand("call_center"), Stage::Inquiry, t(60))
    ///         .perceiving(Experience::new(5.0, 2.0))
    ///         .with_outcome(Outcome::Leave))
    ///     .build()?;
    /// let m = j.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(1.5).build()?);
    /// assert_eq!(m.first.as_ref().map(|f| f.index), Some(0));
    /// assert_eq!(m.critical.len(), 1);
    /// assert_eq!(m.critical[0].reasons.len(), 2); // emotional D = -3 and the customer left
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn moments_of_truth(&self, options: &MomentOptions) -> MomentsOfTruth {
        let expectations = self.expectations_in_force();
        let threshold = options.critical_threshold;
        let mut first = None;
        let mut critical = Vec::new();
        for (index, (e, expected)) in self.encounters().iter().zip(expectations).enumerate() {
            let disconfirmation = match (expected, e.perceived) {
                (Some(x), Some(p)) => Some(Disconfirmation::between(x, p)),
                _ => None,
            };
            let mut reasons = Vec::new();
            let is_first = first.is_none() && disconfirmation.is_some();
            if is_first {
                reasons.push(MomentReason::FirstComparison);
            }
            if let Some(d) = disconfirmation {
                if d.functional.abs() > threshold {
                    reasons.push(MomentReason::FunctionalDisconfirmation {
                        value: d.functional,
                        threshold,
                    });
                }
                if d.emotional.abs() > threshold {
                    reasons.push(MomentReason::EmotionalDisconfirmation {
                        value: d.emotional,
                        threshold,
                    });
                }
            }
            if e.outcome.is_leaving() {
                reasons.push(MomentReason::CustomerLeft { outcome: e.outcome });
            }
            if reasons.is_empty() {
                continue;
            }
            let moment = MomentOfTruth {
                index,
                touchpoint: e.touchpoint.id.clone(),
                stage: e.stage.clone(),
                disconfirmation,
                reasons,
            };
            if moment.is_critical() {
                critical.push(moment.clone());
            }
            if is_first {
                first = Some(moment);
            }
        }
        MomentsOfTruth { first, critical }
    }
}

/// The serde form of [`MomentOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MomentOptionsRepr {
    tolerance: f64,
    critical_threshold: f64,
}

#[cfg(feature = "serde")]
impl From<MomentOptions> for MomentOptionsRepr {
    fn from(o: MomentOptions) -> Self {
        MomentOptionsRepr {
            tolerance: o.tolerance.value(),
            critical_threshold: o.critical_threshold,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<MomentOptionsRepr> for MomentOptions {
    type Error = OptionsError;
    fn try_from(r: MomentOptionsRepr) -> Result<Self, OptionsError> {
        MomentOptions::builder()
            .tolerance(r.tolerance)
            .critical_threshold(r.critical_threshold)
            .build()
    }
}
