//! One customer's journey and its validating builder.

use std::fmt;

use super::{BondingAttribute, Encounter, Experience, Outcome, Stage};
use crate::Timestamp;
use cocreate_stats::ResponseRange;

/// Which rating of an encounter a [`JourneyError::OutOfScale`] is about.
///
/// ```
/// use cocreate_journey::RatingField;
///
/// assert_eq!(RatingField::PerceivedEmotional.to_string(), "perceived emotional experience");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RatingField {
    /// The functional side of the expectation.
    ExpectedFunctional,
    /// The emotional side of the expectation.
    ExpectedEmotional,
    /// The functional side of the perceived experience.
    PerceivedFunctional,
    /// The emotional side of the perceived experience.
    PerceivedEmotional,
    /// A bonding attribute's rating.
    Bonding(BondingAttribute),
}

impl fmt::Display for RatingField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RatingField::ExpectedFunctional => f.write_str("expected functional experience"),
            RatingField::ExpectedEmotional => f.write_str("expected emotional experience"),
            RatingField::PerceivedFunctional => f.write_str("perceived functional experience"),
            RatingField::PerceivedEmotional => f.write_str("perceived emotional experience"),
            RatingField::Bonding(a) => write!(f, "{a} rating"),
        }
    }
}

/// Why a journey cannot be built. Errors about an encounter name its 1-based position
/// and its touchpoint.
///
/// ```
/// use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let scale = ResponseRange::new(1.0, 7.0).unwrap();
/// let err = JourneyBuilder::new("C1", scale)
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, Timestamp::from_unix_seconds(0)))
///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(60)))
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "encounter 2 (ad): stage awareness comes before stage purchase of the previous \
///      encounter, and this journey does not allow loops"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum JourneyError {
    /// The customer id is empty.
    #[error("a journey needs a non-empty customer id")]
    EmptyCustomerId,
    /// The journey has no encounters.
    #[error("the journey of customer {customer:?} has no encounters")]
    NoEncounters {
        /// The customer id.
        customer: String,
    },
    /// The prior expectation lies outside the scale.
    #[error("the prior {field} {value} lies outside the scale {scale}")]
    PriorOutOfScale {
        /// Which side of the expectation.
        field: RatingField,
        /// The value given.
        value: f64,
        /// The journey's scale.
        scale: ResponseRange,
    },
    /// An encounter's touchpoint has an empty id.
    #[error("encounter {position}: the touchpoint needs a non-empty id")]
    EmptyTouchpoint {
        /// 1-based position of the encounter.
        position: usize,
    },
    /// A rating lies outside the scale or is not a finite number.
    #[error(
        "encounter {position} ({touchpoint}): the {field} {value} lies outside the scale {scale}"
    )]
    OutOfScale {
        /// 1-based position of the encounter.
        position: usize,
        /// The touchpoint id.
        touchpoint: String,
        /// Which rating.
        field: RatingField,
        /// The value given.
        value: f64,
        /// The journey's scale.
        scale: ResponseRange,
    },
    /// An encounter happens before the previous one.
    #[error("encounter {position} ({touchpoint}) happens at {at}, before the previous encounter at {previous}")]
    TimeWentBack {
        /// 1-based position of the encounter.
        position: usize,
        /// The touchpoint id.
        touchpoint: String,
        /// Its timestamp.
        at: Timestamp,
        /// The previous encounter's timestamp.
        previous: Timestamp,
    },
    /// An encounter's stage comes before the previous encounter's stage.
    #[error(
        "encounter {position} ({touchpoint}): stage {stage} comes before stage {previous} \
         of the previous encounter, and this journey does not allow loops"
    )]
    StageWentBack {
        /// 1-based position of the encounter.
        position: usize,
        /// The touchpoint id.
        touchpoint: String,
        /// Its stage.
        stage: Stage,
        /// The previous encounter's stage.
        previous: Stage,
    },
    /// An encounter ends the journey (the customer left, was retained or churned), but
    /// more encounters follow.
    #[error(
        "encounter {position} ({touchpoint}) ends the journey with outcome {outcome}, \
         but {remaining} more encounter(s) follow"
    )]
    EndedEarly {
        /// 1-based position of the encounter.
        position: usize,
        /// The touchpoint id.
        touchpoint: String,
        /// Its outcome.
        outcome: Outcome,
        /// How many encounters follow.
        remaining: usize,
    },
    /// A retained or churned outcome comes before any purchase.
    #[error("encounter {position} ({touchpoint}) records {outcome}, but the customer has not converted before it")]
    NotYetCustomer {
        /// 1-based position of the encounter.
        position: usize,
        /// The touchpoint id.
        touchpoint: String,
        /// Its outcome.
        outcome: Outcome,
    },
    /// The final outcome given to the builder differs from the outcome with which the
    /// last encounter ends the journey.
    #[error(
        "the final outcome {outcome} contradicts the encounters: the last encounter ends the \
         journey with {last}"
    )]
    FinalOutcomeDiffersFromLast {
        /// The final outcome given.
        outcome: Outcome,
        /// The last encounter's outcome.
        last: Outcome,
    },
    /// The final outcome given to the builder needs a conversion that no encounter has.
    #[error("the final outcome {outcome} contradicts the encounters: no encounter converted")]
    FinalOutcomeWithoutConversion {
        /// The final outcome given.
        outcome: Outcome,
    },
}

/// One customer's journey: validated, time-ordered encounters and a final outcome.
///
/// Build one with [`JourneyBuilder`]. Besides the encounters a journey may carry a *prior
/// expectation*: what the customer expected before the first encounter, from word of
/// mouth and marketing (the expectation phase). An encounter's own stated expectation
/// replaces the one in force from then on (see [`Journey::expectations_in_force`]).
///
/// ```
/// use cocreate_journey::{Encounter, Experience, JourneyBuilder, Outcome, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let t = |s: &str| -> Timestamp { s.parse().unwrap() };
/// let journey = JourneyBuilder::new("C0001", ResponseRange::new(1.0, 7.0)?)
///     .prior_expectation(Experience::new(5.0, 5.0))
///     .encounter(Encounter::new(Touchpoint::brand("brochure"), Stage::Awareness, t("2024-01-30T02:16:57Z")))
///     .encounter(
///         Encounter::new(Touchpoint::brand("salesperson"), Stage::Purchase, t("2024-01-30T22:04:05Z"))
///             .perceiving(Experience::new(6.0, 4.0))
///             .with_outcome(Outcome::Convert),
///     )
///     .build()?;
/// assert_eq!(journey.outcome(), Outcome::Convert);
/// assert_eq!(journey.encounters().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "JourneyRepr", into = "JourneyRepr")
)]
pub struct Journey {
    customer_id: String,
    scale: ResponseRange,
    prior: Option<Experience>,
    encounters: Vec<Encounter>,
    outcome: Outcome,
    loops_allowed: bool,
}

impl Journey {
    /// The customer's id.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C7", ResponseRange::new(1.0, 5.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// assert_eq!(j.customer_id(), "C7");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }

    /// The scale of all ratings in the journey.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C7", ResponseRange::new(1.0, 5.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// assert_eq!(j.scale().max(), 5.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scale(&self) -> ResponseRange {
        self.scale
    }

    /// The expectation held before the first encounter, if given.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, Experience, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    /// let j = JourneyBuilder::new("C7", ResponseRange::new(1.0, 5.0)?)
    ///     .prior_expectation(Experience::both(4.0))
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .build()?;
    /// assert_eq!(j.prior_expectation(), Some(Experience::both(4.0)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prior_expectation(&self) -> Option<Experience> {
        self.prior
    }

    /// The encounters in time order.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C7", ResponseRange::new(1.0, 5.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// assert_eq!(j.encounters()[0].touchpoint.id, "ad");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encounters(&self) -> &[Encounter] {
        &self.encounters
    }

    /// How the journey ended (see [`JourneyBuilder::final_outcome`] for how it is derived).
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, Outcome, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C7", ResponseRange::new(1.0, 5.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// assert_eq!(j.outcome(), Outcome::Continue); // still open
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Whether the journey may return to earlier stages.
    ///
    /// ```
    /// # use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    /// # let j = JourneyBuilder::new("C7", ResponseRange::new(1.0, 5.0)?)
    /// #     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    /// #     .build()?;
    /// assert!(!j.allows_loops());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allows_loops(&self) -> bool {
        self.loops_allowed
    }

    /// The expectation in force at each encounter: the encounter's own stated
    /// expectation, else the last one stated before it, else the prior expectation.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let t = Timestamp::from_unix_seconds;
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, t(0)))
    ///     .encounter(Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, t(60))
    ///         .expecting(Experience::both(6.0)))
    ///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(120)))
    ///     .build()?;
    /// assert_eq!(
    ///     j.expectations_in_force(),
    ///     vec![None, Some(Experience::both(6.0)), Some(Experience::both(6.0))]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expectations_in_force(&self) -> Vec<Option<Experience>> {
        let mut current = self.prior;
        self.encounters
            .iter()
            .map(|e| {
                if e.expectation.is_some() {
                    current = e.expectation;
                }
                current
            })
            .collect()
    }
}

/// Builds a [`Journey`], checking every encounter.
///
/// The checks, each an error naming the encounter: the touchpoint id is not empty; every
/// rating is a finite number on the journey's scale; encounters are in time order (equal
/// times are allowed); stages never go back (they may be skipped) unless
/// [`JourneyBuilder::allow_loops`] is set; an encounter that ends the journey (the
/// customer left, was retained or churned) is the last one; retained and churned come
/// after a purchase.
///
/// ```
/// use cocreate_journey::{Encounter, Experience, JourneyBuilder, JourneyError, ResponseRange, Stage, Timestamp, Touchpoint};
///
/// let err = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, Timestamp::from_unix_seconds(0))
///         .perceiving(Experience::new(9.0, 5.0)))
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, JourneyError::OutOfScale { position: 1, .. }));
/// # Ok::<(), cocreate_journey::RangeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JourneyBuilder {
    customer_id: String,
    scale: ResponseRange,
    prior: Option<Experience>,
    encounters: Vec<Encounter>,
    outcome: Option<Outcome>,
    loops_allowed: bool,
}

impl JourneyBuilder {
    /// A builder for the journey of `customer_id`, with ratings on `scale`.
    ///
    /// A rating may lie anywhere between the scale's ends, whole point or not
    /// ([`ResponseRange::spans`]): journey ratings are often means of several answers
    /// or an analyst's estimate.
    ///
    /// ```
    /// use cocreate_journey::{JourneyBuilder, ResponseRange};
    ///
    /// let builder = JourneyBuilder::new("C1", ResponseRange::new(0.0, 10.0)?);
    /// assert!(builder.build().is_err()); // no encounters yet
    /// # Ok::<(), cocreate_journey::RangeError>(())
    /// ```
    pub fn new(customer_id: impl Into<String>, scale: ResponseRange) -> Self {
        JourneyBuilder {
            customer_id: customer_id.into(),
            scale,
            prior: None,
            encounters: Vec::new(),
            outcome: None,
            loops_allowed: false,
        }
    }

    /// Sets the expectation held before the first encounter.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .prior_expectation(Experience::both(5.0))
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .build()?;
    /// assert_eq!(j.prior_expectation(), Some(Experience::both(5.0)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prior_expectation(mut self, expectation: Experience) -> Self {
        self.prior = Some(expectation);
        self
    }

    /// Appends an encounter.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .build()?;
    /// assert_eq!(j.encounters().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encounter(mut self, encounter: Encounter) -> Self {
        self.encounters.push(encounter);
        self
    }

    /// Appends several encounters.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let t = Timestamp::from_unix_seconds;
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounters([
    ///         Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, t(0)),
    ///         Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(9)),
    ///     ])
    ///     .build()?;
    /// assert_eq!(j.encounters().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encounters(mut self, encounters: impl IntoIterator<Item = Encounter>) -> Self {
        self.encounters.extend(encounters);
        self
    }

    /// Allows the journey to return to earlier stages (feedback loops).
    ///
    /// ```
    /// use cocreate_journey::{Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let t = Timestamp::from_unix_seconds;
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .allow_loops(true)
    ///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(0)))
    ///     .encounter(Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, t(60)))
    ///     .build()?;
    /// assert!(j.allows_loops());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow_loops(mut self, allowed: bool) -> Self {
        self.loops_allowed = allowed;
        self
    }

    /// Sets the final outcome explicitly (for example [`Outcome::Leave`] for a customer
    /// who silently drifted away after the last encounter).
    ///
    /// Without it the final outcome is derived: the last encounter's outcome when that
    /// ends the journey (left, retained, churned), else [`Outcome::Convert`] when any
    /// encounter converted, else [`Outcome::Continue`] (the journey is still open). An
    /// explicit outcome must agree with the encounters: it must equal a last encounter
    /// that ends the journey, and convert, retained and churned need a conversion.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, JourneyBuilder, Outcome, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .final_outcome(Outcome::Leave)
    ///     .build()?;
    /// assert_eq!(j.outcome(), Outcome::Leave);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn final_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    /// Checks everything and returns the journey.
    ///
    /// ```
    /// use cocreate_journey::{JourneyBuilder, JourneyError, ResponseRange};
    ///
    /// let err = JourneyBuilder::new("", ResponseRange::new(1.0, 7.0)?).build().unwrap_err();
    /// assert_eq!(err, JourneyError::EmptyCustomerId);
    /// # Ok::<(), cocreate_journey::RangeError>(())
    /// ```
    pub fn build(self) -> Result<Journey, JourneyError> {
        if self.customer_id.trim().is_empty() {
            return Err(JourneyError::EmptyCustomerId);
        }
        if self.encounters.is_empty() {
            return Err(JourneyError::NoEncounters {
                customer: self.customer_id,
            });
        }
        let scale = self.scale;
        if let Some(prior) = self.prior {
            for (field, value) in [
                (RatingField::ExpectedFunctional, prior.functional),
                (RatingField::ExpectedEmotional, prior.emotional),
            ] {
                if !scale.spans(value) {
                    return Err(JourneyError::PriorOutOfScale {
                        field,
                        value,
                        scale,
                    });
                }
            }
        }
        let n = self.encounters.len();
        let mut converted = false;
        for (i, e) in self.encounters.iter().enumerate() {
            check_encounter(e, i, n, &self.encounters, scale, self.loops_allowed)?;
            if matches!(e.outcome, Outcome::Retained | Outcome::Churned) && !converted {
                return Err(JourneyError::NotYetCustomer {
                    position: i + 1,
                    touchpoint: e.touchpoint.id.clone(),
                    outcome: e.outcome,
                });
            }
            converted |= e.outcome == Outcome::Convert;
        }
        let last = self.encounters[n - 1].outcome;
        let last_ends = matches!(last, Outcome::Leave | Outcome::Retained | Outcome::Churned);
        let outcome = match self.outcome {
            None if last_ends => last,
            None if converted => Outcome::Convert,
            None => Outcome::Continue,
            Some(given) => {
                if last_ends && given != last {
                    return Err(JourneyError::FinalOutcomeDiffersFromLast {
                        outcome: given,
                        last,
                    });
                }
                if matches!(
                    given,
                    Outcome::Convert | Outcome::Retained | Outcome::Churned
                ) && !converted
                {
                    return Err(JourneyError::FinalOutcomeWithoutConversion { outcome: given });
                }
                given
            }
        };
        Ok(Journey {
            customer_id: self.customer_id,
            scale,
            prior: self.prior,
            encounters: self.encounters,
            outcome,
            loops_allowed: self.loops_allowed,
        })
    }
}

fn check_encounter(
    e: &Encounter,
    i: usize,
    n: usize,
    all: &[Encounter],
    scale: ResponseRange,
    loops_allowed: bool,
) -> Result<(), JourneyError> {
    let position = i + 1;
    if e.touchpoint.id.trim().is_empty() {
        return Err(JourneyError::EmptyTouchpoint { position });
    }
    let out_of_scale = |field, value| JourneyError::OutOfScale {
        position,
        touchpoint: e.touchpoint.id.clone(),
        field,
        value,
        scale,
    };
    let mut ratings = Vec::with_capacity(8);
    if let Some(x) = e.expectation {
        ratings.push((RatingField::ExpectedFunctional, x.functional));
        ratings.push((RatingField::ExpectedEmotional, x.emotional));
    }
    if let Some(x) = e.perceived {
        ratings.push((RatingField::PerceivedFunctional, x.functional));
        ratings.push((RatingField::PerceivedEmotional, x.emotional));
    }
    if let Some(b) = e.bonding {
        for a in BondingAttribute::ALL {
            if let Some(v) = b.get(a) {
                ratings.push((RatingField::Bonding(a), v));
            }
        }
    }
    if let Some((field, value)) = ratings.into_iter().find(|(_, v)| !scale.spans(*v)) {
        return Err(out_of_scale(field, value));
    }
    if i > 0 {
        let prev = &all[i - 1];
        if e.timestamp < prev.timestamp {
            return Err(JourneyError::TimeWentBack {
                position,
                touchpoint: e.touchpoint.id.clone(),
                at: e.timestamp,
                previous: prev.timestamp,
            });
        }
        if !loops_allowed && e.stage.rank() < prev.stage.rank() {
            return Err(JourneyError::StageWentBack {
                position,
                touchpoint: e.touchpoint.id.clone(),
                stage: e.stage.clone(),
                previous: prev.stage.clone(),
            });
        }
    }
    if matches!(
        e.outcome,
        Outcome::Leave | Outcome::Retained | Outcome::Churned
    ) && i + 1 < n
    {
        return Err(JourneyError::EndedEarly {
            position,
            touchpoint: e.touchpoint.id.clone(),
            outcome: e.outcome,
            remaining: n - i - 1,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Touchpoint;

    fn enc(tp: &str, stage: Stage, t: i64) -> Encounter {
        Encounter::new(
            Touchpoint::brand(tp),
            stage,
            Timestamp::from_unix_seconds(t),
        )
    }

    fn scale() -> ResponseRange {
        ResponseRange::new(1.0, 7.0).unwrap()
    }

    #[test]
    fn names_the_encounter_that_breaks_time_order() {
        let err = JourneyBuilder::new("C1", scale())
            .encounter(enc("ad", Stage::Awareness, 100))
            .encounter(enc("web", Stage::Evaluation, 50))
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            JourneyError::TimeWentBack { position: 2, .. }
        ));
        assert!(err.to_string().starts_with("encounter 2 (web) happens at"));
    }

    #[test]
    fn rejects_leaving_before_the_end_and_churn_before_purchase() {
        let err = JourneyBuilder::new("C1", scale())
            .encounter(enc("ad", Stage::Awareness, 0).with_outcome(Outcome::Leave))
            .encounter(enc("web", Stage::Evaluation, 1))
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            JourneyError::EndedEarly {
                position: 1,
                remaining: 1,
                ..
            }
        ));
        let err = JourneyBuilder::new("C1", scale())
            .encounter(enc("app", Stage::Use, 0).with_outcome(Outcome::Churned))
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            JourneyError::NotYetCustomer { position: 1, .. }
        ));
    }

    #[test]
    fn derives_and_checks_the_final_outcome() {
        let j = JourneyBuilder::new("C1", scale())
            .encounter(enc("store", Stage::Purchase, 0).with_outcome(Outcome::Convert))
            .encounter(enc("app", Stage::Use, 5))
            .build()
            .unwrap();
        assert_eq!(j.outcome(), Outcome::Convert);
        let err = JourneyBuilder::new("C1", scale())
            .encounter(enc("ad", Stage::Awareness, 0))
            .final_outcome(Outcome::Retained)
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            JourneyError::FinalOutcomeWithoutConversion { .. }
        ));
        let err = JourneyBuilder::new("C1", scale())
            .encounter(enc("ad", Stage::Awareness, 0).with_outcome(Outcome::Leave))
            .final_outcome(Outcome::Continue)
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            JourneyError::FinalOutcomeDiffersFromLast {
                last: Outcome::Leave,
                ..
            }
        ));
    }

    #[test]
    fn rejects_non_finite_and_out_of_scale_ratings() {
        let err = JourneyBuilder::new("C1", scale())
            .encounter(enc("ad", Stage::Awareness, 0).expecting(Experience::new(4.0, f64::NAN)))
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            JourneyError::OutOfScale {
                field: RatingField::ExpectedEmotional,
                ..
            }
        ));
        let err = JourneyBuilder::new("C1", scale())
            .prior_expectation(Experience::both(0.0))
            .encounter(enc("ad", Stage::Awareness, 0))
            .build()
            .unwrap_err();
        assert!(matches!(err, JourneyError::PriorOutOfScale { .. }));
    }
}

/// The serde form of a [`Journey`], read back through [`JourneyBuilder`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JourneyRepr {
    customer_id: String,
    scale: ResponseRange,
    #[serde(default)]
    prior_expectation: Option<Experience>,
    encounters: Vec<Encounter>,
    #[serde(default)]
    outcome: Option<Outcome>,
    #[serde(default)]
    allow_loops: bool,
}

#[cfg(feature = "serde")]
impl From<Journey> for JourneyRepr {
    fn from(j: Journey) -> Self {
        JourneyRepr {
            customer_id: j.customer_id,
            scale: j.scale,
            prior_expectation: j.prior,
            encounters: j.encounters,
            outcome: Some(j.outcome),
            allow_loops: j.loops_allowed,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<JourneyRepr> for Journey {
    type Error = JourneyError;
    fn try_from(r: JourneyRepr) -> Result<Self, JourneyError> {
        let mut b = JourneyBuilder::new(r.customer_id, r.scale)
            .encounters(r.encounters)
            .allow_loops(r.allow_loops);
        if let Some(prior) = r.prior_expectation {
            b = b.prior_expectation(prior);
        }
        if let Some(outcome) = r.outcome {
            b = b.final_outcome(outcome);
        }
        b.build()
    }
}
