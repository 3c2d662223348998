//! Moments of truth in practice: at which touchpoints does a negative disconfirmation
//! make customers leave?

use std::collections::BTreeMap;

use crate::options::{required, OptionsError};
use crate::{Difference, DisconfirmationClass, Journey, Proportion, Tolerance};

/// Which side of the experience must be negatively disconfirmed.
///
/// ```
/// use cocreate_journey::DisconfirmationSide;
///
/// assert_eq!(DisconfirmationSide::default(), DisconfirmationSide::Either);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DisconfirmationSide {
    /// Functional or emotional.
    #[default]
    Either,
    /// Functional only.
    Functional,
    /// Emotional only.
    Emotional,
}

/// When a customer counts as having left after an encounter.
///
/// ```
/// use cocreate_journey::LeaveWindow;
///
/// assert_eq!(LeaveWindow::default(), LeaveWindow::Here);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeaveWindow {
    /// The customer left at this very encounter.
    #[default]
    Here,
    /// The customer left at this encounter or a later one of the same journey.
    Eventually,
}

/// Options of [`moments_of_truth_in_practice`]: the disconfirmation tolerance τ (in the
/// units of the journeys' scale, so it has no default and must be set), the confidence
/// level of the intervals (default 0.95), which side must be negatively disconfirmed
/// (default either) and when a customer counts as having left (default: at the
/// encounter itself).
///
/// ```
/// use cocreate_journey::{LeaveWindow, PracticeOptions};
///
/// let o = PracticeOptions::builder()
///     .tolerance(0.5)
///     .confidence(0.9)
///     .leave_window(LeaveWindow::Eventually)
///     .build()?;
/// assert_eq!(o.confidence(), 0.9);
/// assert!(PracticeOptions::builder().tolerance(0.5).confidence(1.0).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PracticeOptionsRepr", into = "PracticeOptionsRepr")
)]
pub struct PracticeOptions {
    tolerance: Tolerance,
    confidence: f64,
    side: DisconfirmationSide,
    window: LeaveWindow,
}

/// Builds validated [`PracticeOptions`]; the tolerance must be set.
///
/// ```
/// use cocreate_journey::{OptionsError, PracticeOptions};
///
/// let err = PracticeOptions::builder().build().unwrap_err();
/// assert_eq!(err, OptionsError::Missing { option: "tolerance" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PracticeOptionsBuilder {
    tolerance: Option<f64>,
    confidence: f64,
    side: DisconfirmationSide,
    window: LeaveWindow,
}

impl PracticeOptionsBuilder {
    /// The disconfirmation tolerance τ ≥ 0.
    ///
    /// ```
    /// use cocreate_journey::PracticeOptions;
    ///
    /// assert!(PracticeOptions::builder().tolerance(-0.5).build().is_err());
    /// ```
    pub fn tolerance(mut self, tau: f64) -> Self {
        self.tolerance = Some(tau);
        self
    }

    /// The confidence level of the intervals, in (0, 1).
    ///
    /// ```
    /// use cocreate_journey::PracticeOptions;
    ///
    /// assert!(PracticeOptions::builder().tolerance(0.5).confidence(0.99).build().is_ok());
    /// ```
    pub fn confidence(mut self, level: f64) -> Self {
        self.confidence = level;
        self
    }

    /// Which side must be negatively disconfirmed.
    ///
    /// ```
    /// use cocreate_journey::{DisconfirmationSide, PracticeOptions};
    ///
    /// let o = PracticeOptions::builder().tolerance(0.5).side(DisconfirmationSide::Emotional).build()?;
    /// assert_eq!(o.side(), DisconfirmationSide::Emotional);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn side(mut self, side: DisconfirmationSide) -> Self {
        self.side = side;
        self
    }

    /// When a customer counts as having left.
    ///
    /// ```
    /// use cocreate_journey::{LeaveWindow, PracticeOptions};
    ///
    /// let o = PracticeOptions::builder().tolerance(0.5).leave_window(LeaveWindow::Eventually).build()?;
    /// assert_eq!(o.leave_window(), LeaveWindow::Eventually);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn leave_window(mut self, window: LeaveWindow) -> Self {
        self.window = window;
        self
    }

    /// Checks the options.
    ///
    /// ```
    /// use cocreate_journey::PracticeOptions;
    ///
    /// assert_eq!(PracticeOptions::builder().tolerance(0.0).build()?.confidence(), 0.95);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<PracticeOptions, OptionsError> {
        let tolerance = Tolerance::new(required(self.tolerance, "tolerance")?)?;
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(OptionsError::Number {
                option: "confidence level",
                requirement: "in (0, 1)",
                value: self.confidence,
            });
        }
        Ok(PracticeOptions {
            tolerance,
            confidence: self.confidence,
            side: self.side,
            window: self.window,
        })
    }
}

impl PracticeOptions {
    /// A builder with 95 % intervals, either side and leaving at the encounter itself;
    /// the tolerance must be set.
    ///
    /// ```
    /// use cocreate_journey::PracticeOptions;
    ///
    /// assert!(PracticeOptions::builder().tolerance(0.5).build().is_ok());
    /// ```
    pub fn builder() -> PracticeOptionsBuilder {
        PracticeOptionsBuilder {
            tolerance: None,
            confidence: 0.95,
            side: DisconfirmationSide::Either,
            window: LeaveWindow::Here,
        }
    }

    /// The disconfirmation tolerance.
    ///
    /// ```
    /// use cocreate_journey::PracticeOptions;
    ///
    /// assert_eq!(PracticeOptions::builder().tolerance(0.5).build()?.tolerance().value(), 0.5);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn tolerance(&self) -> Tolerance {
        self.tolerance
    }

    /// The confidence level.
    ///
    /// ```
    /// use cocreate_journey::PracticeOptions;
    ///
    /// assert_eq!(PracticeOptions::builder().tolerance(0.0).build()?.confidence(), 0.95);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Which side must be negatively disconfirmed.
    ///
    /// ```
    /// use cocreate_journey::{DisconfirmationSide, PracticeOptions};
    ///
    /// assert_eq!(PracticeOptions::builder().tolerance(0.0).build()?.side(), DisconfirmationSide::Either);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn side(&self) -> DisconfirmationSide {
        self.side
    }

    /// When a customer counts as having left.
    ///
    /// ```
    /// use cocreate_journey::{LeaveWindow, PracticeOptions};
    ///
    /// assert_eq!(PracticeOptions::builder().tolerance(0.0).build()?.leave_window(), LeaveWindow::Here);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn leave_window(&self) -> LeaveWindow {
        self.window
    }
}

/// How a touchpoint's leave rate responds to negative disconfirmation there.
///
/// ```
/// # use cocreate_journey::*;
/// # let scale = ResponseRange::new(1.0, 7.0)?;
/// # let mut journeys = Vec::new();
/// # for i in 0..40 {
/// #     let bad = i % 2 == 0;
/// #     let outcome = if bad && i % 4 == 0 { Outcome::Leave } else { Outcome::Continue };
/// #     journeys.push(JourneyBuilder::new(format!("C{i}"), scale)
/// #         .prior_expectation(Experience::both(5.0))
/// #         .encounter(Encounter::new(Touchpoint::brand("hotline"), Stage::Inquiry, Timestamp::from_unix_seconds(0))
/// #             .perceiving(Experience::both(if bad { 2.0 } else { 5.0 }))
/// #             .with_outcome(outcome))
/// #         .build()?);
/// # }
/// let ranking = moments_of_truth_in_practice(&journeys, &PracticeOptions::builder().tolerance(0.5).build()?);
/// let hotline = &ranking[0];
/// assert_eq!((hotline.encounters, hotline.leaves), (40, 10));
/// assert_eq!(hotline.leave_rate_after_negative.unwrap().estimate, 0.5);
/// assert_eq!(hotline.impact.unwrap().estimate, 0.5); // 50 % vs 0 % otherwise
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TouchpointImpact {
    /// The touchpoint id.
    pub touchpoint: String,
    /// Encounters at the touchpoint.
    pub encounters: u64,
    /// Of those, how many were followed by leaving.
    pub leaves: u64,
    /// Base leave rate over all encounters there, with its Wilson interval.
    pub base_leave_rate: Option<Proportion>,
    /// Encounters there with a negative disconfirmation.
    pub negative: u64,
    /// Leave rate after a negative disconfirmation there.
    pub leave_rate_after_negative: Option<Proportion>,
    /// Leave rate after the other encounters there.
    pub leave_rate_otherwise: Option<Proportion>,
    /// Leave rate after negative minus otherwise, with Newcombe's interval: the
    /// touchpoint's impact as a moment of truth.
    pub impact: Option<Difference>,
    /// Leave rate after negative / base leave rate (`None` when the base rate is 0).
    pub lift_over_base: Option<f64>,
}

/// For each touchpoint, the leave rate after a negative disconfirmation there against its
/// base leave rate, ranked by impact (the difference to the other encounters there, most
/// harmful first; touchpoints without the comparison come last, then by name).
///
/// An encounter's disconfirmation uses the expectation in force
/// ([`Journey::expectations_in_force`]); encounters without one count as not negative.
///
/// ```
/// use cocreate_journey::{moments_of_truth_in_practice, PracticeOptions};
///
/// assert!(moments_of_truth_in_practice(&[], &PracticeOptions::builder().tolerance(0.5).build()?).is_empty());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
pub fn moments_of_truth_in_practice(
    journeys: &[Journey],
    options: &PracticeOptions,
) -> Vec<TouchpointImpact> {
    // touchpoint → [negative, negative & left, other, other & left]
    let mut tallies: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    let negative = |c: DisconfirmationClass| c == DisconfirmationClass::Negative;
    for j in journeys {
        let encounters = j.encounters();
        let left_at = encounters.iter().position(|e| e.outcome.is_leaving());
        let expectations = j.expectations_in_force();
        for (i, (e, expected)) in encounters.iter().zip(expectations).enumerate() {
            let is_negative = match (expected, e.perceived) {
                (Some(x), Some(p)) => {
                    let f = negative(options.tolerance.classify(p.functional - x.functional));
                    let m = negative(options.tolerance.classify(p.emotional - x.emotional));
                    match options.side {
                        DisconfirmationSide::Functional => f,
                        DisconfirmationSide::Emotional => m,
                        _ => f || m,
                    }
                }
                _ => false,
            };
            let left = match options.window {
                LeaveWindow::Here => e.outcome.is_leaving(),
                _ => left_at.is_some_and(|k| k >= i),
            };
            let t = tallies.entry(e.touchpoint.id.as_str()).or_insert([0; 4]);
            let slot = if is_negative { 0 } else { 2 };
            t[slot] += 1;
            t[slot + 1] += u64::from(left);
        }
    }
    let conf = options.confidence;
    let mut out: Vec<TouchpointImpact> = tallies
        .into_iter()
        .map(|(tp, [neg, neg_left, other, other_left])| {
            let base = Proportion::wilson(neg_left + other_left, neg + other, conf);
            let after = Proportion::wilson(neg_left, neg, conf);
            let otherwise = Proportion::wilson(other_left, other, conf);
            let impact = after
                .as_ref()
                .zip(otherwise.as_ref())
                .map(|(a, b)| Difference::newcombe(a, b));
            let lift = after
                .zip(base)
                .filter(|(_, b)| b.estimate > 0.0)
                .map(|(a, b)| a.estimate / b.estimate);
            TouchpointImpact {
                touchpoint: tp.to_owned(),
                encounters: neg + other,
                leaves: neg_left + other_left,
                base_leave_rate: base,
                negative: neg,
                leave_rate_after_negative: after,
                leave_rate_otherwise: otherwise,
                impact,
                lift_over_base: lift,
            }
        })
        .collect();
    out.sort_by(|a, b| match (&a.impact, &b.impact) {
        (Some(x), Some(y)) => y
            .estimate
            .total_cmp(&x.estimate)
            .then_with(|| y.lower.total_cmp(&x.lower))
            .then_with(|| a.touchpoint.cmp(&b.touchpoint)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.touchpoint.cmp(&b.touchpoint),
    });
    out
}

/// The serde form of [`PracticeOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PracticeOptionsRepr {
    tolerance: f64,
    #[serde(default = "default_confidence")]
    confidence: f64,
    #[serde(default)]
    side: DisconfirmationSide,
    #[serde(default)]
    leave_window: LeaveWindow,
}

#[cfg(feature = "serde")]
fn default_confidence() -> f64 {
    0.95
}

#[cfg(feature = "serde")]
impl From<PracticeOptions> for PracticeOptionsRepr {
    fn from(o: PracticeOptions) -> Self {
        PracticeOptionsRepr {
            tolerance: o.tolerance.value(),
            confidence: o.confidence,
            side: o.side,
            leave_window: o.window,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<PracticeOptionsRepr> for PracticeOptions {
    type Error = OptionsError;
    fn try_from(r: PracticeOptionsRepr) -> Result<Self, OptionsError> {
        PracticeOptions::builder()
            .tolerance(r.tolerance)
            .confidence(r.confidence)
            .side(r.side)
            .leave_window(r.leave_window)
            .build()
    }
}

impl std::fmt::Display for TouchpointImpact {
    /// `touchpoint: base leave rate …, after negative D … (n = …), impact …`, rates in
    /// percent with their intervals, the impact in percentage points.
    ///
    /// ```
    /// # use cocreate_journey::*;
    /// # let scale = ResponseRange::new(1.0, 7.0)?;
    /// # let mut journeys = Vec::new();
    /// # for i in 0..40 {
    /// #     let bad = i % 2 == 0;
    /// #     let outcome = if bad && i % 4 == 0 { Outcome::Leave } else { Outcome::Continue };
    /// #     journeys.push(JourneyBuilder::new(format!("C{i}"), scale)
    /// #         .prior_expectation(Experience::both(5.0))
    /// #         .encounter(Encounter::new(Touchpoint::brand("hotline"), Stage::Inquiry, Timestamp::from_unix_seconds(0))
    /// #             .perceiving(Experience::both(if bad { 2.0 } else { 5.0 }))
    /// #             .with_outcome(outcome))
    /// #         .build()?);
    /// # }
    /// let options = PracticeOptions::builder().tolerance(0.5).build()?;
    /// let line = moments_of_truth_in_practice(&journeys, &options)[0].to_string();
    /// assert!(line.starts_with("hotline: base leave rate 25.0 % ["), "{line}");
    /// assert!(line.contains("after negative D 50.0 % ["), "{line}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = |p: Option<Proportion>| {
            p.map_or("-".into(), |p| {
                format!(
                    "{:.1} % [{:.1}, {:.1}]",
                    100.0 * p.estimate,
                    100.0 * p.lower,
                    100.0 * p.upper
                )
            })
        };
        write!(
            f,
            "{}: base leave rate {}, after negative D {} (n = {}), impact {}",
            crate::text::label(&self.touchpoint),
            rate(self.base_leave_rate),
            rate(self.leave_rate_after_negative),
            self.negative,
            self.impact.map_or("-".into(), |d| format!(
                "{:+.1} pp [{:+.1}, {:+.1}]",
                100.0 * d.estimate,
                100.0 * d.lower,
                100.0 * d.upper
            ))
        )
    }
}
