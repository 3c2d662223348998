//! Reflection: the remembered experience by the peak–end rule, and the expectation the
//! customer carries into the next journey.

use crate::options::{at_least, required, within, OptionsError};
use crate::{Experience, Journey};

/// How to pick the peak of an episode that has both good and bad moments.
///
/// For a single-valence episode (all moments on one side of the neutral point) the peak
/// is the most extreme moment, and both options agree.
///
/// ```
/// use cocreate_journey::{peak_end, MixedValence, PeakEndOptions};
///
/// let mixed = [6.0, 1.0, 5.0]; // neutral point 4: one good, one bad, one good moment
/// let largest = PeakEndOptions::default();
/// let separate = PeakEndOptions::builder().mixed_valence(MixedValence::SeparatePeaks).build()?;
/// assert_eq!(peak_end(&mixed, 4.0, &largest)?.peak_term, 1.0); // |1 - 4| > |6 - 4|
/// assert_eq!(peak_end(&mixed, 4.0, &separate)?.peak_term, 3.5); // (6 + 1) / 2
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MixedValence {
    /// The peak is the moment farthest from the neutral point, whatever its sign (the
    /// earliest one on ties).
    #[default]
    LargestMagnitude,
    /// The positive and the negative peaks are found separately and averaged, so a
    /// mixed episode is remembered by its best and its worst moment alike.
    SeparatePeaks,
}

/// Options of the peak–end rule: R = w_p·peak + w_e·end + w_m·mean.
///
/// The default is Kahneman's rule, w_p = w_e = ½ and w_m = 0, with
/// [`MixedValence::LargestMagnitude`]. The weights must be ≥ 0 and sum to 1 (within
/// 1e-9), so the remembered score stays on the scale of the moments. Duration is
/// deliberately not an input (duration neglect).
///
/// ```
/// use cocreate_journey::PeakEndOptions;
///
/// let p = PeakEndOptions::builder().weights(0.4, 0.4, 0.2).build()?;
/// assert_eq!(p.weights(), (0.4, 0.4, 0.2));
/// assert!(PeakEndOptions::builder().weights(0.5, 0.6, 0.0).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PeakEndOptionsRepr", into = "PeakEndOptionsRepr")
)]
pub struct PeakEndOptions {
    peak: f64,
    end: f64,
    mean: f64,
    mixed: MixedValence,
}

impl Default for PeakEndOptions {
    fn default() -> Self {
        PeakEndOptions {
            peak: 0.5,
            end: 0.5,
            mean: 0.0,
            mixed: MixedValence::LargestMagnitude,
        }
    }
}

impl PeakEndOptions {
    /// A builder starting from the default.
    ///
    /// ```
    /// use cocreate_journey::PeakEndOptions;
    ///
    /// assert_eq!(PeakEndOptions::builder().build()?, PeakEndOptions::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn builder() -> PeakEndOptionsBuilder {
        PeakEndOptionsBuilder {
            options: PeakEndOptions::default(),
        }
    }

    /// The weights (peak, end, mean).
    ///
    /// ```
    /// use cocreate_journey::PeakEndOptions;
    ///
    /// assert_eq!(PeakEndOptions::default().weights(), (0.5, 0.5, 0.0));
    /// ```
    pub fn weights(&self) -> (f64, f64, f64) {
        (self.peak, self.end, self.mean)
    }

    /// The rule for mixed-valence episodes.
    ///
    /// ```
    /// use cocreate_journey::{MixedValence, PeakEndOptions};
    ///
    /// assert_eq!(PeakEndOptions::default().mixed_valence(), MixedValence::LargestMagnitude);
    /// ```
    pub fn mixed_valence(&self) -> MixedValence {
        self.mixed
    }
}

/// Builds validated [`PeakEndOptions`].
///
/// ```
/// use cocreate_journey::{MixedValence, PeakEndOptions};
///
/// let p = PeakEndOptions::builder().mixed_valence(MixedValence::SeparatePeaks).build()?;
/// assert_eq!(p.mixed_valence(), MixedValence::SeparatePeaks);
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeakEndOptionsBuilder {
    options: PeakEndOptions,
}

impl PeakEndOptionsBuilder {
    /// Sets the weights of the peak, the end and the mean.
    ///
    /// ```
    /// use cocreate_journey::PeakEndOptions;
    ///
    /// assert!(PeakEndOptions::builder().weights(1.0, 0.0, 0.0).build().is_ok());
    /// ```
    pub fn weights(mut self, peak: f64, end: f64, mean: f64) -> Self {
        self.options.peak = peak;
        self.options.end = end;
        self.options.mean = mean;
        self
    }

    /// Sets the rule for mixed-valence episodes.
    ///
    /// ```
    /// use cocreate_journey::{MixedValence, PeakEndOptions};
    ///
    /// let b = PeakEndOptions::builder().mixed_valence(MixedValence::SeparatePeaks);
    /// assert!(b.build().is_ok());
    /// ```
    pub fn mixed_valence(mut self, rule: MixedValence) -> Self {
        self.options.mixed = rule;
        self
    }

    /// Checks the weights and returns the options.
    ///
    /// ```
    /// use cocreate_journey::{OptionsError, PeakEndOptions};
    ///
    /// let err = PeakEndOptions::builder().weights(-0.5, 1.5, 0.0).build().unwrap_err();
    /// assert!(matches!(err, OptionsError::Number { option: "peak weight", .. }));
    /// ```
    pub fn build(self) -> Result<PeakEndOptions, OptionsError> {
        let p = self.options;
        at_least("peak weight", "a finite number ≥ 0", p.peak, 0.0)?;
        at_least("end weight", "a finite number ≥ 0", p.end, 0.0)?;
        at_least("mean weight", "a finite number ≥ 0", p.mean, 0.0)?;
        let sum = p.peak + p.end + p.mean;
        if (sum - 1.0).abs() > 1e-9 {
            return Err(OptionsError::Number {
                option: "sum of the peak, end and mean weights",
                requirement: "1",
                value: sum,
            });
        }
        Ok(p)
    }
}

/// The sign of an episode relative to its neutral point.
///
/// ```
/// use cocreate_journey::{peak_end, PeakEndOptions, Valence};
///
/// let m = peak_end(&[2.0, 3.0], 4.0, &PeakEndOptions::default())?;
/// assert_eq!(m.valence, Valence::Negative);
/// # Ok::<(), cocreate_journey::ReflectionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Valence {
    /// Every moment is at or above neutral, and at least one above.
    Positive,
    /// Every moment is at or below neutral, and at least one below.
    Negative,
    /// Every moment is exactly neutral.
    Neutral,
    /// Some moments are above and some below neutral.
    Mixed,
}

/// One moment of an episode: its position and value.
///
/// ```
/// use cocreate_journey::{peak_end, PeakEndOptions};
///
/// let m = peak_end(&[3.0, 8.0, 7.0], 0.0, &PeakEndOptions::default())?;
/// assert_eq!((m.peaks[0].index, m.peaks[0].value), (1, 8.0));
/// # Ok::<(), cocreate_journey::ReflectionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Moment {
    /// 0-based position in the episode.
    pub index: usize,
    /// The value.
    pub value: f64,
}

/// An episode as remembered (peak–end) beside the plain mean and the experienced total.
///
/// ```
/// use cocreate_journey::{peak_end, PeakEndOptions};
///
/// // Kahneman's colonoscopy patients: both peak at 8 on a 0–10 pain scale.
/// let a = peak_end(&[2.0, 5.0, 8.0, 7.0], 0.0, &PeakEndOptions::default())?;
/// let b = peak_end(&[2.0, 5.0, 8.0, 7.0, 4.0, 3.0, 1.0], 0.0, &PeakEndOptions::default())?;
/// assert_eq!(a.remembered, 7.5);
/// assert_eq!(b.remembered, 4.5); // remembered as less bad, though it lasted longer
/// assert!(b.experienced_total > a.experienced_total);
/// # Ok::<(), cocreate_journey::ReflectionError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Memory {
    /// R = w_p·peak_term + w_e·end + w_m·mean, on the scale of the moments.
    pub remembered: f64,
    /// The value that stands for the peak (a moment's value, or with
    /// [`MixedValence::SeparatePeaks`] in a mixed episode the mean of the two peaks).
    pub peak_term: f64,
    /// The peak moment(s): one, or two (positive first) for separate peaks.
    pub peaks: Vec<Moment>,
    /// The last moment's value.
    pub end: f64,
    /// The plain mean of the moments.
    pub mean: f64,
    /// Experienced ("total") utility Σ (x_t − neutral)·Δt with Δt = 1 per moment.
    pub experienced_total: f64,
    /// The episode's valence.
    pub valence: Valence,
    /// Number of moments.
    pub n: usize,
}

/// Why the peak–end rule cannot be applied.
///
/// ```
/// use cocreate_journey::{peak_end, PeakEndOptions, ReflectionError};
///
/// let err = peak_end(&[], 0.0, &PeakEndOptions::default()).unwrap_err();
/// assert_eq!(err, ReflectionError::EmptyEpisode);
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReflectionError {
    /// The episode has no moments (for a journey: nothing was perceived).
    #[error(
        "the episode has no moments with a perceived experience, so there is nothing to remember"
    )]
    EmptyEpisode,
    /// A moment is not a finite number.
    #[error("moment {index} of the episode is {value}, not a finite number")]
    NonFinite {
        /// 0-based position of the moment.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The neutral point is not a finite number.
    #[error("the neutral point {0} is not a finite number")]
    NonFiniteNeutral(f64),
}

/// Applies the peak–end rule to an episode of moments, with `neutral` as the point that
/// separates good from bad moments.
///
/// See [`Memory`] for the result and [`PeakEndOptions`] for the options. Apply it to
/// episodes with a clear start and end.
///
/// ```
/// use cocreate_journey::{peak_end, PeakEndOptions};
///
/// let m = peak_end(&[5.0, 6.5, 5.5], 4.0, &PeakEndOptions::default())?;
/// assert_eq!(m.remembered, 6.0); // (6.5 + 5.5) / 2
/// assert_eq!(m.mean, 17.0 / 3.0);
/// # Ok::<(), cocreate_journey::ReflectionError>(())
/// ```
pub fn peak_end(
    values: &[f64],
    neutral: f64,
    options: &PeakEndOptions,
) -> Result<Memory, ReflectionError> {
    if !neutral.is_finite() {
        return Err(ReflectionError::NonFiniteNeutral(neutral));
    }
    if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ReflectionError::NonFinite { index, value });
    }
    let (Some(&end), n) = (values.last(), values.len()) else {
        return Err(ReflectionError::EmptyEpisode);
    };
    let extreme = |keep: &dyn Fn(f64) -> bool| -> Option<Moment> {
        let mut best: Option<Moment> = None;
        for (index, &value) in values.iter().enumerate() {
            let d = (value - neutral).abs();
            if keep(value) && best.is_none_or(|b| d > (b.value - neutral).abs()) {
                best = Some(Moment { index, value });
            }
        }
        best
    };
    let positive = extreme(&|v| v > neutral);
    let negative = extreme(&|v| v < neutral);
    let valence = match (positive, negative) {
        (Some(_), Some(_)) => Valence::Mixed,
        (Some(_), None) => Valence::Positive,
        (None, Some(_)) => Valence::Negative,
        (None, None) => Valence::Neutral,
    };
    let peaks = match (valence, options.mixed, positive, negative) {
        (Valence::Mixed, MixedValence::SeparatePeaks, Some(p), Some(q)) => vec![p, q],
        _ => vec![extreme(&|_| true).unwrap_or(Moment {
            index: n - 1,
            value: end,
        })],
    };
    let peak_term = peaks.iter().map(|m| m.value).sum::<f64>() / peaks.len() as f64;
    let mean = values.iter().sum::<f64>() / n as f64;
    let experienced_total = values.iter().map(|v| v - neutral).sum();
    Ok(Memory {
        remembered: options.peak * peak_term + options.end * end + options.mean * mean,
        peak_term,
        peaks,
        end,
        mean,
        experienced_total,
        valence,
        n,
    })
}

/// Options for reflecting on a journey: the peak–end rule and the adaptation rate α of
/// the updated expectation E' = E + α·(R − E).
///
/// α = 0 keeps the old expectation, α = 1 replaces it by the remembered experience. There
/// is no agreed value of α: it is an adaptation-level (exponential smoothing) rule whose
/// rate belongs to the caller, so it has no default and must be set.
///
/// ```
/// use cocreate_journey::{PeakEndOptions, ReflectionOptions};
///
/// let o = ReflectionOptions::builder()
///     .update_rate(0.3)
///     .peak_end(PeakEndOptions::default())
///     .build()?;
/// assert_eq!(o.update_rate(), 0.3);
/// assert!(ReflectionOptions::builder().update_rate(1.5).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ReflectionOptionsRepr", into = "ReflectionOptionsRepr")
)]
pub struct ReflectionOptions {
    peak_end: PeakEndOptions,
    rate: f64,
}

/// Builds validated [`ReflectionOptions`]; the update rate must be set.
///
/// ```
/// use cocreate_journey::{OptionsError, ReflectionOptions};
///
/// let err = ReflectionOptions::builder().build().unwrap_err();
/// assert_eq!(err, OptionsError::Missing { option: "expectation update rate" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ReflectionOptionsBuilder {
    peak_end: PeakEndOptions,
    rate: Option<f64>,
}

impl ReflectionOptionsBuilder {
    /// The adaptation rate α ∈ [0, 1].
    ///
    /// ```
    /// use cocreate_journey::ReflectionOptions;
    ///
    /// assert!(ReflectionOptions::builder().update_rate(0.0).build().is_ok());
    /// ```
    pub fn update_rate(mut self, alpha: f64) -> Self {
        self.rate = Some(alpha);
        self
    }

    /// The peak–end rule (default [`PeakEndOptions::default`]).
    ///
    /// ```
    /// use cocreate_journey::{PeakEndOptions, ReflectionOptions};
    ///
    /// let pe = PeakEndOptions::builder().weights(0.25, 0.25, 0.5).build()?;
    /// let o = ReflectionOptions::builder().update_rate(0.5).peak_end(pe).build()?;
    /// assert_eq!(o.peak_end(), pe);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn peak_end(mut self, peak_end: PeakEndOptions) -> Self {
        self.peak_end = peak_end;
        self
    }

    /// Checks the options.
    ///
    /// ```
    /// use cocreate_journey::ReflectionOptions;
    ///
    /// assert_eq!(ReflectionOptions::builder().update_rate(0.5).build()?.update_rate(), 0.5);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<ReflectionOptions, OptionsError> {
        let rate = within(
            "expectation update rate",
            "a number in [0, 1]",
            required(self.rate, "expectation update rate")?,
            0.0,
            1.0,
        )?;
        Ok(ReflectionOptions {
            peak_end: self.peak_end,
            rate,
        })
    }
}

impl ReflectionOptions {
    /// A builder; the update rate must be set.
    ///
    /// ```
    /// use cocreate_journey::ReflectionOptions;
    ///
    /// assert!(ReflectionOptions::builder().build().is_err());
    /// ```
    pub fn builder() -> ReflectionOptionsBuilder {
        ReflectionOptionsBuilder::default()
    }

    /// The peak–end rule.
    ///
    /// ```
    /// use cocreate_journey::{PeakEndOptions, ReflectionOptions};
    ///
    /// let o = ReflectionOptions::builder().update_rate(0.5).build()?;
    /// assert_eq!(o.peak_end(), PeakEndOptions::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn peak_end(&self) -> PeakEndOptions {
        self.peak_end
    }

    /// The adaptation rate α.
    ///
    /// ```
    /// use cocreate_journey::ReflectionOptions;
    ///
    /// assert_eq!(ReflectionOptions::builder().update_rate(0.5).build()?.update_rate(), 0.5);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn update_rate(&self) -> f64 {
        self.rate
    }
}

/// The reflection phase of a journey: how it is remembered on each side, and the
/// expectation it leaves for the next journey.
///
/// ```
/// use cocreate_journey::{Encounter, Experience, JourneyBuilder, ReflectionOptions, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let t = Timestamp::from_unix_seconds;
/// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .prior_expectation(Experience::both(5.0))
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(0))
///         .perceiving(Experience::new(7.0, 3.0)))
///     .encounter(Encounter::new(Touchpoint::brand("app"), Stage::Use, t(60))
///         .perceiving(Experience::new(6.0, 5.0)))
///     .build()?;
/// let r = j.reflect(&ReflectionOptions::builder().update_rate(0.5).build()?)?;
/// assert_eq!(r.functional.remembered, 6.5); // (7 + 6) / 2
/// assert_eq!(r.emotional.remembered, 4.0); // (3 + 5) / 2
/// assert_eq!(r.updated_expectation, Experience::new(5.75, 4.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Reflection {
    /// The functional side as remembered.
    pub functional: Memory,
    /// The emotional side as remembered.
    pub emotional: Memory,
    /// The expectation in force at the end of the journey, if any.
    pub expectation_before: Option<Experience>,
    /// The expectation for the next journey: E + α·(R − E) per side, or R itself when
    /// no expectation was ever stated.
    pub updated_expectation: Experience,
}

impl Journey {
    /// Reflects on the journey: applies the peak–end rule to the perceived functional and
    /// emotional experiences (in encounter order, with the scale's midpoint as neutral)
    /// and updates the expectation.
    ///
    /// Errors with [`ReflectionError::EmptyEpisode`] when no encounter has a perceived
    /// experience.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, JourneyBuilder, ReflectionError, ReflectionOptions, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .build()?;
    /// assert_eq!(j.reflect(&ReflectionOptions::builder().update_rate(0.5).build()?).unwrap_err(), ReflectionError::EmptyEpisode);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reflect(&self, options: &ReflectionOptions) -> Result<Reflection, ReflectionError> {
        let perceived: Vec<Experience> = self
            .encounters()
            .iter()
            .filter_map(|e| e.perceived)
            .collect();
        let neutral = self.scale().midpoint();
        let functional: Vec<f64> = perceived.iter().map(|p| p.functional).collect();
        let emotional: Vec<f64> = perceived.iter().map(|p| p.emotional).collect();
        let functional = peak_end(&functional, neutral, &options.peak_end)?;
        let emotional = peak_end(&emotional, neutral, &options.peak_end)?;
        let expectation_before = self.expectations_in_force().last().copied().flatten();
        let remembered = Experience::new(functional.remembered, emotional.remembered);
        let updated_expectation = match expectation_before {
            Some(e) => Experience::new(
                e.functional + options.rate * (remembered.functional - e.functional),
                e.emotional + options.rate * (remembered.emotional - e.emotional),
            ),
            None => remembered,
        };
        Ok(Reflection {
            functional,
            emotional,
            expectation_before,
            updated_expectation,
        })
    }
}

/// The serde form of [`PeakEndOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PeakEndOptionsRepr {
    peak: f64,
    end: f64,
    mean: f64,
    mixed_valence: MixedValence,
}

#[cfg(feature = "serde")]
impl Default for PeakEndOptionsRepr {
    fn default() -> Self {
        PeakEndOptions::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<PeakEndOptions> for PeakEndOptionsRepr {
    fn from(o: PeakEndOptions) -> Self {
        PeakEndOptionsRepr {
            peak: o.peak,
            end: o.end,
            mean: o.mean,
            mixed_valence: o.mixed,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<PeakEndOptionsRepr> for PeakEndOptions {
    type Error = OptionsError;
    fn try_from(r: PeakEndOptionsRepr) -> Result<Self, OptionsError> {
        PeakEndOptions::builder()
            .weights(r.peak, r.end, r.mean)
            .mixed_valence(r.mixed_valence)
            .build()
    }
}

/// The serde form of [`ReflectionOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReflectionOptionsRepr {
    update_rate: f64,
    #[serde(default)]
    peak_end: PeakEndOptions,
}

#[cfg(feature = "serde")]
impl From<ReflectionOptions> for ReflectionOptionsRepr {
    fn from(o: ReflectionOptions) -> Self {
        ReflectionOptionsRepr {
            update_rate: o.rate,
            peak_end: o.peak_end,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<ReflectionOptionsRepr> for ReflectionOptions {
    type Error = OptionsError;
    fn try_from(r: ReflectionOptionsRepr) -> Result<Self, OptionsError> {
        ReflectionOptions::builder()
            .update_rate(r.update_rate)
            .peak_end(r.peak_end)
            .build()
    }
}
