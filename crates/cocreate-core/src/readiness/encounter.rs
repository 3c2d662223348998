//! Holistic encounter perception: the customer judges the whole encounter and does not
//! separate who caused each good or bad part (`docs/domain.md` §2.2 "Holistic perception
//! of an encounter").

use crate::scoring::ResponseRange;

use super::error::ReadinessError;

/// One aspect of a service encounter, rated on the rule's response scale (e.g. "the
/// coffee went cold": 2 on 1–7). Who caused it is deliberately not an input.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Aspect {
    /// What the aspect is.
    pub label: String,
    /// Its rating on the response scale.
    pub rating: f64,
}

impl Aspect {
    /// An aspect.
    pub fn new(label: impl Into<String>, rating: f64) -> Self {
        Aspect {
            label: label.into(),
            rating,
        }
    }
}

/// The rule that combines an encounter's aspects into one overall perception.
///
/// Each rating `r_i` has valence `v_i = r_i − mid` around the scale midpoint. The overall
/// perception is the weighted mean
///
/// ```text
/// P = mid + Σ w_i v_i / Σ w_i,   w_i = λ if v_i < 0, else 1
/// ```
///
/// with negativity weight `λ ≥ 1` (default 1: every aspect counts alike; `λ = 2` lets a
/// negative aspect weigh twice a positive one). Every aspect counts whoever caused it:
/// the guest who let the coffee go cold still holds it against the restaurant.
///
/// ```
/// use cocreate_core::readiness::{Aspect, PerceptionRule};
/// use cocreate_core::scoring::ResponseRange;
///
/// let rule = PerceptionRule::new(ResponseRange::new(1.0, 7.0)?).negativity_weight(2.0)?;
/// let p = rule.perceive(&[
///     Aspect::new("friendly waiter", 6.0),
///     Aspect::new("table of choice", 6.0),
///     Aspect::new("coffee went cold while reading", 2.0),
/// ])?;
/// // valences +2, +2, −2; weights 1, 1, 2: (2 + 2 − 4) / 4 = 0 → the midpoint
/// assert_eq!(p.overall, 4.0);
/// assert_eq!((p.positive, p.negative, p.neutral), (2, 1, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::PerceptionRuleRepr")
)]
pub struct PerceptionRule {
    range: ResponseRange,
    lambda: f64,
}

/// The overall perception of one encounter.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Perception {
    /// Overall perception on the response scale.
    pub overall: f64,
    /// Overall perception relative to the midpoint (its valence).
    pub valence: f64,
    /// Aspects above, below and at the midpoint.
    pub positive: usize,
    /// Aspects below the midpoint.
    pub negative: usize,
    /// Aspects at the midpoint.
    pub neutral: usize,
    /// The unweighted mean rating, for comparison.
    pub unweighted: f64,
}

impl PerceptionRule {
    /// A rule on `range` with negativity weight 1.
    pub fn new(range: ResponseRange) -> Self {
        PerceptionRule { range, lambda: 1.0 }
    }

    /// Sets the negativity weight λ (finite, ≥ 1).
    pub fn negativity_weight(mut self, lambda: f64) -> Result<Self, ReadinessError> {
        if !(lambda.is_finite() && lambda >= 1.0) {
            return Err(ReadinessError::InvalidNegativityWeight { value: lambda });
        }
        self.lambda = lambda;
        Ok(self)
    }

    /// The negativity weight.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// Combines the aspects. Errors when there is none or a rating is outside the scale.
    pub fn perceive(&self, aspects: &[Aspect]) -> Result<Perception, ReadinessError> {
        if aspects.is_empty() {
            return Err(ReadinessError::NoAspects);
        }
        let (lo, hi) = (self.range.min(), self.range.max());
        let mid = (lo + hi) / 2.0;
        let (mut num, mut den, mut sum) = (0.0, 0.0, 0.0);
        let (mut pos, mut neg, mut neu) = (0, 0, 0);
        for a in aspects {
            if !(a.rating >= lo && a.rating <= hi) {
                return Err(ReadinessError::RatingOutOfRange {
                    label: a.label.clone(),
                    rating: a.rating,
                    min: lo,
                    max: hi,
                });
            }
            let v = a.rating - mid;
            let w = if v < 0.0 { self.lambda } else { 1.0 };
            num += w * v;
            den += w;
            sum += a.rating;
            match v.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => pos += 1,
                Some(std::cmp::Ordering::Less) => neg += 1,
                _ => neu += 1,
            }
        }
        let valence = num / den;
        Ok(Perception {
            overall: mid + valence,
            valence,
            positive: pos,
            negative: neg,
            neutral: neu,
            unweighted: sum / aspects.len() as f64,
        })
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`PerceptionRule`], checked by
    //! [`PerceptionRule::negativity_weight`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct PerceptionRuleRepr {
        range: ResponseRange,
        lambda: f64,
    }

    impl TryFrom<PerceptionRuleRepr> for PerceptionRule {
        type Error = ReadinessError;
        fn try_from(r: PerceptionRuleRepr) -> Result<Self, ReadinessError> {
            PerceptionRule::new(r.range).negativity_weight(r.lambda)
        }
    }
}
