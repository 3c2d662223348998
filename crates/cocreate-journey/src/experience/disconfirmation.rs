//! Expectation–disconfirmation (Oliver 1980): perceived minus expected, classified.

use std::fmt;

use crate::options::{at_least, OptionsError};
use crate::{Experience, Journey};

/// The tolerance τ ≥ 0 within which a disconfirmation counts as *confirmed*.
///
/// D > τ is positive disconfirmation (delight), |D| ≤ τ confirmation, D < −τ negative
/// disconfirmation. τ is in the units of the journey's scale.
///
/// ```
/// use cocreate_journey::{DisconfirmationClass, Tolerance};
///
/// let tau = Tolerance::new(0.5)?;
/// assert_eq!(tau.classify(-1.0), DisconfirmationClass::Negative);
/// assert_eq!(tau.classify(0.5), DisconfirmationClass::Confirmed);
/// assert_eq!(tau.classify(0.75), DisconfirmationClass::Positive);
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "f64", into = "f64")
)]
pub struct Tolerance(f64);

impl TryFrom<f64> for Tolerance {
    type Error = OptionsError;
    fn try_from(tau: f64) -> Result<Self, OptionsError> {
        Tolerance::new(tau)
    }
}

impl From<Tolerance> for f64 {
    fn from(t: Tolerance) -> f64 {
        t.0
    }
}

impl Tolerance {
    /// A tolerance; must be finite and ≥ 0.
    ///
    /// ```
    /// use cocreate_journey::Tolerance;
    ///
    /// assert!(Tolerance::new(0.0).is_ok());
    /// assert!(Tolerance::new(f64::NAN).is_err());
    /// ```
    pub fn new(tau: f64) -> Result<Self, OptionsError> {
        at_least("tolerance", "a finite number ≥ 0", tau, 0.0).map(Tolerance)
    }

    /// The value of τ.
    ///
    /// ```
    /// use cocreate_journey::Tolerance;
    ///
    /// assert_eq!(Tolerance::new(0.25)?.value(), 0.25);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }

    /// The class of a disconfirmation `d`.
    ///
    /// ```
    /// use cocreate_journey::{DisconfirmationClass, Tolerance};
    ///
    /// assert_eq!(Tolerance::new(0.0)?.classify(0.0), DisconfirmationClass::Confirmed);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn classify(self, d: f64) -> DisconfirmationClass {
        if d > self.0 {
            DisconfirmationClass::Positive
        } else if d < -self.0 {
            DisconfirmationClass::Negative
        } else {
            DisconfirmationClass::Confirmed
        }
    }
}

/// How an experience compared with the expectation.
///
/// ```
/// use cocreate_journey::DisconfirmationClass;
///
/// assert_eq!(DisconfirmationClass::Negative.to_string(), "negative");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DisconfirmationClass {
    /// Worse than expected by more than the tolerance.
    Negative,
    /// Within the tolerance of the expectation.
    Confirmed,
    /// Better than expected by more than the tolerance (delight).
    Positive,
}

impl fmt::Display for DisconfirmationClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DisconfirmationClass::Negative => "negative",
            DisconfirmationClass::Confirmed => "confirmed",
            DisconfirmationClass::Positive => "positive",
        })
    }
}

/// Inferred (subtractive) disconfirmation D = P − E, per side.
///
/// ```
/// use cocreate_journey::{Disconfirmation, Experience};
///
/// let d = Disconfirmation::between(Experience::new(5.0, 5.0), Experience::new(3.0, 6.0));
/// assert_eq!((d.functional, d.emotional), (-2.0, 1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Disconfirmation {
    /// Perceived minus expected functional experience.
    pub functional: f64,
    /// Perceived minus expected emotional experience.
    pub emotional: f64,
}

impl Disconfirmation {
    /// D = perceived − expected on each side.
    ///
    /// ```
    /// use cocreate_journey::{Disconfirmation, Experience};
    ///
    /// let d = Disconfirmation::between(Experience::both(4.0), Experience::both(4.0));
    /// assert_eq!(d.functional, 0.0);
    /// ```
    pub fn between(expected: Experience, perceived: Experience) -> Self {
        Disconfirmation {
            functional: perceived.functional - expected.functional,
            emotional: perceived.emotional - expected.emotional,
        }
    }

    /// The larger of |D| over the two sides.
    ///
    /// ```
    /// use cocreate_journey::{Disconfirmation, Experience};
    ///
    /// let d = Disconfirmation::between(Experience::both(4.0), Experience::new(2.0, 5.0));
    /// assert_eq!(d.max_abs(), 2.0);
    /// ```
    pub fn max_abs(&self) -> f64 {
        self.functional.abs().max(self.emotional.abs())
    }
}

/// The disconfirmation at one encounter where an expectation met an experience.
///
/// ```
/// use cocreate_journey::{DisconfirmationClass, Encounter, Experience, JourneyBuilder, ResponseRange, Stage, Timestamp, Tolerance, Touchpoint};
///
/// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .prior_expectation(Experience::both(5.0))
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, Timestamp::from_unix_seconds(0))
///         .perceiving(Experience::new(3.0, 5.5)))
///     .build()?;
/// let d = &j.disconfirmations(Tolerance::new(0.5)?)[0];
/// assert_eq!(d.functional_class, DisconfirmationClass::Negative);
/// assert_eq!(d.emotional_class, DisconfirmationClass::Confirmed);
/// assert!(d.is_negative());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct EncounterDisconfirmation {
    /// Index of the encounter in [`Journey::encounters`].
    pub index: usize,
    /// The expectation in force.
    pub expected: Experience,
    /// The perceived experience.
    pub perceived: Experience,
    /// Perceived minus expected.
    pub disconfirmation: Disconfirmation,
    /// Class of the functional side.
    pub functional_class: DisconfirmationClass,
    /// Class of the emotional side.
    pub emotional_class: DisconfirmationClass,
}

impl EncounterDisconfirmation {
    /// Whether either side is negatively disconfirmed.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, JourneyBuilder, ResponseRange, Stage, Timestamp, Tolerance, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("app"), Stage::Use, Timestamp::from_unix_seconds(0))
    ///         .expecting(Experience::both(4.0))
    ///         .perceiving(Experience::new(4.0, 6.0)))
    ///     .build()?;
    /// assert!(!j.disconfirmations(Tolerance::new(0.5)?)[0].is_negative());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_negative(&self) -> bool {
        self.functional_class == DisconfirmationClass::Negative
            || self.emotional_class == DisconfirmationClass::Negative
    }
}

impl Journey {
    /// The disconfirmation at every encounter where the customer perceived something
    /// while an expectation was in force ([`Journey::expectations_in_force`]),
    /// classified with `tolerance`.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, JourneyBuilder, ResponseRange, Stage, Timestamp, Tolerance, Touchpoint};
    ///
    /// let t = Timestamp::from_unix_seconds;
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, t(0))
    ///         .expecting(Experience::both(5.0)))
    ///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(60))
    ///         .perceiving(Experience::new(6.0, 4.0)))
    ///     .build()?;
    /// let ds = j.disconfirmations(Tolerance::new(0.0)?);
    /// assert_eq!(ds.len(), 1);
    /// assert_eq!(ds[0].index, 1);
    /// assert_eq!(ds[0].disconfirmation.emotional, -1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disconfirmations(&self, tolerance: Tolerance) -> Vec<EncounterDisconfirmation> {
        self.expectations_in_force()
            .into_iter()
            .zip(self.encounters())
            .enumerate()
            .filter_map(|(index, (expected, e))| {
                let expected = expected?;
                let perceived = e.perceived?;
                let d = Disconfirmation::between(expected, perceived);
                Some(EncounterDisconfirmation {
                    index,
                    expected,
                    perceived,
                    disconfirmation: d,
                    functional_class: tolerance.classify(d.functional),
                    emotional_class: tolerance.classify(d.emotional),
                })
            })
            .collect()
    }
}
