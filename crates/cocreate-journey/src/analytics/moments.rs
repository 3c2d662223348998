//! Moments of truth in practice: at which touchpoints does a negative disconfirmation
//! make customers leave?

use std::collections::BTreeMap;

use crate::params::ParamError;
use crate::{Difference, DisconfirmationClass, Journey, Proportion, Tolerance};

/// Which side of the experience must be negatively disconfirmed.
///
/// ```
/// use cocreate_journey::DisconfirmationSide;
///
/// assert_eq!(DisconfirmationSide::default(), DisconfirmationSide::Either);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LeaveWindow {
    /// The customer left at this very encounter.
    #[default]
    Here,
    /// The customer left at this encounter or a later one of the same journey.
    Eventually,
}

/// Options of [`moments_of_truth_in_practice`].
///
/// ```
/// use cocreate_journey::{LeaveWindow, PracticeParams};
///
/// let p = PracticeParams::new(0.5)?.confidence(0.9)?.leave_window(LeaveWindow::Eventually);
/// assert_eq!(p.confidence_level(), 0.9);
/// assert!(PracticeParams::new(0.5)?.confidence(1.0).is_err());
/// # Ok::<(), cocreate_journey::ParamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PracticeParams {
    tolerance: Tolerance,
    confidence: f64,
    side: DisconfirmationSide,
    window: LeaveWindow,
}

impl PracticeParams {
    /// Options with a disconfirmation tolerance τ ≥ 0, 95 % intervals, either side, and
    /// leaving at the encounter itself.
    ///
    /// ```
    /// use cocreate_journey::PracticeParams;
    ///
    /// assert_eq!(PracticeParams::new(0.5)?.confidence_level(), 0.95);
    /// # Ok::<(), cocreate_journey::ParamError>(())
    /// ```
    pub fn new(tolerance: f64) -> Result<Self, ParamError> {
        Ok(PracticeParams {
            tolerance: Tolerance::new(tolerance)?,
            confidence: 0.95,
            side: DisconfirmationSide::Either,
            window: LeaveWindow::Here,
        })
    }

    /// Sets the confidence level of the intervals, in (0, 1).
    ///
    /// ```
    /// use cocreate_journey::PracticeParams;
    ///
    /// assert!(PracticeParams::new(0.5)?.confidence(0.99).is_ok());
    /// # Ok::<(), cocreate_journey::ParamError>(())
    /// ```
    pub fn confidence(mut self, level: f64) -> Result<Self, ParamError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(ParamError::new("confidence level", "in (0, 1)", level));
        }
        self.confidence = level;
        Ok(self)
    }

    /// Sets which side must be negatively disconfirmed.
    ///
    /// ```
    /// use cocreate_journey::{DisconfirmationSide, PracticeParams};
    ///
    /// let p = PracticeParams::new(0.5)?.side(DisconfirmationSide::Emotional);
    /// # let _ = p;
    /// # Ok::<(), cocreate_journey::ParamError>(())
    /// ```
    pub fn side(mut self, side: DisconfirmationSide) -> Self {
        self.side = side;
        self
    }

    /// Sets when a customer counts as having left.
    ///
    /// ```
    /// use cocreate_journey::{LeaveWindow, PracticeParams};
    ///
    /// let p = PracticeParams::new(0.5)?.leave_window(LeaveWindow::Eventually);
    /// # let _ = p;
    /// # Ok::<(), cocreate_journey::ParamError>(())
    /// ```
    pub fn leave_window(mut self, window: LeaveWindow) -> Self {
        self.window = window;
        self
    }

    /// The confidence level.
    ///
    /// ```
    /// use cocreate_journey::PracticeParams;
    ///
    /// assert_eq!(PracticeParams::new(0.0)?.confidence_level(), 0.95);
    /// # Ok::<(), cocreate_journey::ParamError>(())
    /// ```
    pub fn confidence_level(&self) -> f64 {
        self.confidence
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
/// let ranking = moments_of_truth_in_practice(&journeys, &PracticeParams::new(0.5)?);
/// let hotline = &ranking[0];
/// assert_eq!((hotline.encounters, hotline.leaves), (40, 10));
/// assert_eq!(hotline.leave_rate_after_negative.unwrap().estimate, 0.5);
/// assert_eq!(hotline.impact.unwrap().estimate, 0.5); // 50 % vs 0 % otherwise
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
/// use cocreate_journey::{moments_of_truth_in_practice, PracticeParams};
///
/// assert!(moments_of_truth_in_practice(&[], &PracticeParams::new(0.5)?).is_empty());
/// # Ok::<(), cocreate_journey::ParamError>(())
/// ```
pub fn moments_of_truth_in_practice(
    journeys: &[Journey],
    params: &PracticeParams,
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
                    let f = negative(params.tolerance.classify(p.functional - x.functional));
                    let m = negative(params.tolerance.classify(p.emotional - x.emotional));
                    match params.side {
                        DisconfirmationSide::Functional => f,
                        DisconfirmationSide::Emotional => m,
                        _ => f || m,
                    }
                }
                _ => false,
            };
            let left = match params.window {
                LeaveWindow::Here => e.outcome.is_leaving(),
                _ => left_at.is_some_and(|k| k >= i),
            };
            let t = tallies.entry(e.touchpoint.id.as_str()).or_insert([0; 4]);
            let slot = if is_negative { 0 } else { 2 };
            t[slot] += 1;
            t[slot + 1] += u64::from(left);
        }
    }
    let conf = params.confidence;
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
