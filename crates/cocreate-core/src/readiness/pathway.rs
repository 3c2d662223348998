//! Pathways of co-creation readiness: the profiles that say what to offer a customer led by
//! each mediator, the classification rule and the thresholds it uses.

use super::error::ReadinessError;

/// What a pathway means for the invitation: its name, the co-creation formats that suit
/// customers on it and the message framing (`docs/domain.md` §1.2 "Two pathways, two kinds
/// of invitation").
///
/// ```
/// use cocreate_core::readiness::PathwayProfile;
///
/// let p = PathwayProfile::innovation_led();
/// assert_eq!(p.name, "innovation-led");
/// assert!(p.formats.iter().any(|f| f == "beta tests"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct PathwayProfile {
    /// The pathway's name, e.g. `"innovation-led"`.
    pub name: String,
    /// Co-creation formats to offer.
    pub formats: Vec<String>,
    /// How to frame the invitation.
    pub framing: Vec<String>,
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl PathwayProfile {
    /// A profile with its own name, formats and framing.
    ///
    /// ```
    /// use cocreate_core::readiness::PathwayProfile;
    /// let p = PathwayProfile::new("community-led", &["user forums"], &["belonging"]);
    /// assert_eq!(p.formats, ["user forums"]);
    /// ```
    pub fn new(name: impl Into<String>, formats: &[&str], framing: &[&str]) -> Self {
        PathwayProfile {
            name: name.into(),
            formats: owned(formats),
            framing: owned(framing),
        }
    }

    /// Customers whose readiness runs through innate innovativeness: beta tests, early
    /// access and "lab" environments, framed on novelty and being part of something new.
    ///
    /// ```
    /// use cocreate_core::readiness::PathwayProfile;
    /// assert_eq!(PathwayProfile::innovation_led().formats.len(), 3);
    /// ```
    pub fn innovation_led() -> Self {
        Self::new(
            "innovation-led",
            &["beta tests", "early access", "lab environments"],
            &["novelty", "being part of something new"],
        )
    }

    /// Customers whose readiness runs through enduring involvement: advisory panels,
    /// in-depth feedback sessions and long-term partnership programmes, framed on personal
    /// relevance, long-term benefit and seeing the impact of their input.
    ///
    /// ```
    /// use cocreate_core::readiness::PathwayProfile;
    /// assert!(PathwayProfile::involvement_led().framing.iter().any(|f| f == "personal relevance"));
    /// ```
    pub fn involvement_led() -> Self {
        Self::new(
            "involvement-led",
            &[
                "advisory panels",
                "in-depth feedback sessions",
                "long-term partnership programmes",
            ],
            &[
                "personal relevance",
                "long-term benefit",
                "seeing the impact of their input",
            ],
        )
    }

    /// A profile for a mediator without known recommendations: named `"<mediator>-led"`,
    /// with no formats or framing (the library does not invent them).
    ///
    /// ```
    /// use cocreate_core::readiness::PathwayProfile;
    /// let p = PathwayProfile::unnamed("TRUST");
    /// assert_eq!(p.name, "TRUST-led");
    /// assert!(p.formats.is_empty());
    /// ```
    pub fn unnamed(mediator: &str) -> Self {
        Self::new(format!("{mediator}-led"), &[], &[])
    }
}

/// The pathway a customer's predicted readiness takes (see [`PathwayRule`]).
///
/// ```
/// use cocreate_core::readiness::Pathway;
/// assert_ne!(Pathway::Led(0), Pathway::Dual);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Pathway {
    /// Readiness runs mainly through this mediator (an index into the model's mediators;
    /// its [`PathwayProfile`] names it, e.g. "innovation-led").
    Led(usize),
    /// Two or more mediators contribute enough to count and none carries the lead share:
    /// readiness runs through both (or all) pathways.
    Dual,
    /// The predicted outcome lies below the low-readiness threshold.
    LowReadiness,
    /// Readiness is at least the low threshold but no mediator contributes enough to count
    /// (the customer is near or below the average on every pathway): "neither strongly",
    /// with no pathway-specific format.
    Neither,
}

/// A cut-off on the outcome.
///
/// ```
/// use cocreate_core::readiness::Threshold;
/// assert_eq!(Threshold::default(), Threshold::Midpoint);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Threshold {
    /// The midpoint of the constructs' response range (3 on a 1–5 scale).
    #[default]
    Midpoint,
    /// A value on the response scale.
    Raw(f64),
    /// A value in standard deviations of the outcome from its model-implied mean.
    Standardized(f64),
}

impl Threshold {
    /// The cut-off on the response scale, given the range midpoint and the outcome's
    /// model-implied mean and standard deviation.
    pub(crate) fn resolve(self, midpoint: f64, mean: f64, sd: f64) -> Result<f64, ReadinessError> {
        let v = match self {
            Threshold::Midpoint => midpoint,
            Threshold::Raw(v) => v,
            Threshold::Standardized(z) => mean + z * sd,
        };
        if v.is_finite() {
            Ok(v)
        } else {
            Err(ReadinessError::InvalidThreshold { value: v })
        }
    }
}

/// The transparent rule that names a customer's pathway.
///
/// With predicted outcome `ŷ`, contributions `via_j` of each mediator (relative to the
/// reference customer, see `docs/methods/readiness.md`) and the outcome's model-implied
/// standard deviation `σ_y`:
///
/// 1. `ŷ` strictly below the `low` threshold → [`Pathway::LowReadiness`] (exactly at the
///    threshold is not low);
/// 2. a mediator *counts* when `via_j > 0` and `via_j ≥ min_contribution · σ_y` (exactly
///    at the minimum counts; zero and −0.0 never count, even with `min_contribution` 0);
/// 3. no mediator counts (the customer is near or below the average on every pathway) →
///    [`Pathway::Neither`] ("neither strongly"), never dual;
/// 4. the largest counting contribution is at least `lead_share` of the sum of the
///    counting contributions (exactly at the share leads) → [`Pathway::Led`] by that
///    mediator; a lone counting mediator always leads;
/// 5. otherwise → [`Pathway::Dual`]: two or more mediators count and none carries the
///    lead share. That is the tie margin: with two mediators the leader must contribute at
///    least `lead_share / (1 − lead_share)` times the other (2× by default), so equal
///    contributions are always dual, since `lead_share > 0.5`.
///
/// Defaults: `low` = the scale midpoint, `lead_share` = 2/3, `min_contribution` = 0.1.
/// Every [`super::Prediction`] carries a `why` sentence with the figures the rule compared.
///
/// ```
/// use cocreate_core::readiness::{PathwayRule, Threshold};
///
/// let rule = PathwayRule::builder().low(Threshold::Raw(3.5)).lead_share(0.75).build()?;
/// assert_eq!(rule.lead_share(), 0.75);
/// assert!(PathwayRule::builder().lead_share(0.4).build().is_err());
/// # Ok::<(), cocreate_core::readiness::ReadinessError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::PathwayRuleRepr")
)]
pub struct PathwayRule {
    low: Threshold,
    lead_share: f64,
    min_contribution: f64,
}

impl Default for PathwayRule {
    fn default() -> Self {
        PathwayRule {
            low: Threshold::Midpoint,
            lead_share: 2.0 / 3.0,
            min_contribution: 0.1,
        }
    }
}

impl PathwayRule {
    /// A builder starting from the defaults.
    pub fn builder() -> PathwayRuleBuilder {
        PathwayRuleBuilder {
            rule: PathwayRule::default(),
        }
    }

    /// Below this predicted outcome a customer has low readiness.
    pub fn low(&self) -> Threshold {
        self.low
    }

    /// Share of the counting contributions the leading mediator needs.
    pub fn lead_share(&self) -> f64 {
        self.lead_share
    }

    /// Smallest contribution that counts, in outcome standard deviations.
    pub fn min_contribution(&self) -> f64 {
        self.min_contribution
    }
}

/// Builder of [`PathwayRule`]; [`PathwayRuleBuilder::build`] validates.
///
/// ```
/// use cocreate_core::readiness::PathwayRule;
/// let rule = PathwayRule::builder().min_contribution(0.0).build()?;
/// assert_eq!(rule.min_contribution(), 0.0);
/// assert!(PathwayRule::builder().min_contribution(-1.0).build().is_err());
/// # Ok::<(), cocreate_core::readiness::ReadinessError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PathwayRuleBuilder {
    rule: PathwayRule,
}

impl PathwayRuleBuilder {
    /// The low-readiness threshold.
    pub fn low(mut self, threshold: Threshold) -> Self {
        self.rule.low = threshold;
        self
    }

    /// The share the leading mediator needs, in (0.5, 1].
    pub fn lead_share(mut self, share: f64) -> Self {
        self.rule.lead_share = share;
        self
    }

    /// The smallest contribution that counts, in outcome SDs (≥ 0).
    pub fn min_contribution(mut self, sds: f64) -> Self {
        self.rule.min_contribution = sds;
        self
    }

    /// Validates and returns the rule.
    pub fn build(self) -> Result<PathwayRule, ReadinessError> {
        self.rule.validate()?;
        Ok(self.rule)
    }
}

impl PathwayRule {
    /// Checks the rule's values (also after deserialising).
    pub(crate) fn validate(&self) -> Result<(), ReadinessError> {
        let r = self;
        if !(r.lead_share > 0.5 && r.lead_share <= 1.0) {
            return Err(ReadinessError::InvalidLeadShare {
                value: r.lead_share,
            });
        }
        if !(r.min_contribution >= 0.0 && r.min_contribution.is_finite()) {
            return Err(ReadinessError::InvalidMinContribution {
                value: r.min_contribution,
            });
        }
        match r.low {
            Threshold::Raw(v) | Threshold::Standardized(v) if !v.is_finite() => {
                Err(ReadinessError::InvalidThreshold { value: v })
            }
            _ => Ok(()),
        }
    }
}

/// The rule with its thresholds on the response scale (resolved against one model).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ResolvedRule {
    pub low: f64,
    pub lead_share: f64,
    pub min_contribution: f64,
}

impl ResolvedRule {
    /// The pathway code: `0..q` led by mediator `j`, `q` dual, `q + 1` low readiness,
    /// `q + 2` neither.
    /// Written with selects rather than branches: pathways of consecutive customers are
    /// unpredictable, and mispredicted branches would dominate the batch loop.
    #[inline]
    pub fn classify(&self, outcome: f64, via: &[f64]) -> usize {
        let q = via.len();
        let mut sum = 0.0;
        let mut best = 0.0;
        let mut lead = q;
        for (j, &v) in via.iter().enumerate() {
            let counted = if v > 0.0 && v >= self.min_contribution {
                v
            } else {
                0.0
            };
            sum += counted;
            let better = counted > best;
            best = if better { counted } else { best };
            lead = if better { j } else { lead };
        }
        let led = lead < q && best >= self.lead_share * sum;
        let code = if led {
            lead
        } else if sum > 0.0 {
            q
        } else {
            q + 2
        };
        if outcome < self.low {
            q + 1
        } else {
            code
        }
    }
}

/// Decodes a pathway code of [`ResolvedRule::classify`].
pub(crate) fn pathway_of(code: usize, q: usize) -> Pathway {
    if code < q {
        Pathway::Led(code)
    } else if code == q {
        Pathway::Dual
    } else if code == q + 1 {
        Pathway::LowReadiness
    } else {
        Pathway::Neither
    }
}

/// What to offer a customer on a pathway.
///
/// ```
/// use cocreate_core::readiness::{Constructs, Pathway};
/// use cocreate_core::scoring::ResponseRange;
///
/// let c = Constructs::cocreation(ResponseRange::new(1.0, 5.0)?);
/// let r = c.recommendation(Pathway::Led(1));
/// assert_eq!(r.pathway, "involvement-led");
/// assert!(r.formats.iter().any(|f| f == "advisory panels"));
/// assert!(c.recommendation(Pathway::LowReadiness).formats.is_empty());
/// assert_eq!(c.recommendation(Pathway::Dual).formats.len(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Recommendation {
    /// The pathway's name ("innovation-led", "involvement-led", "dual", "neither strongly",
    /// "low readiness").
    pub pathway: String,
    /// Co-creation formats to offer.
    pub formats: Vec<String>,
    /// How to frame the invitation.
    pub framing: Vec<String>,
    /// What to do instead, when no format is recommended.
    pub note: Option<String>,
}

/// The note of the "neither strongly" pathway.
pub(crate) const NEITHER_NOTE: &str = "no pathway contributes enough to count (the customer is near the average on every pathway), so no pathway-specific format is recommended; a general invitation, or co-producer readiness, decides";

/// The note of the low-readiness pathway.
pub(crate) const LOW_READINESS_NOTE: &str = "the predicted willingness is below the low-readiness threshold, so personality recommends no co-creation format; personality is a weak prior, not a gate: check co-producer readiness (motivation, role clarity, task communicated, ability) before ruling the customer out";

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`PathwayRule`], checked by [`PathwayRuleBuilder::build`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct PathwayRuleRepr {
        low: Threshold,
        lead_share: f64,
        min_contribution: f64,
    }

    impl TryFrom<PathwayRuleRepr> for PathwayRule {
        type Error = ReadinessError;
        fn try_from(r: PathwayRuleRepr) -> Result<Self, ReadinessError> {
            PathwayRule::builder()
                .low(r.low)
                .lead_share(r.lead_share)
                .min_contribution(r.min_contribution)
                .build()
        }
    }
}

#[cfg(test)]
mod tests {
    //! The rule's boundaries, exactly at each threshold.
    use super::*;
    use proptest::prelude::*;

    fn rule(min: f64) -> ResolvedRule {
        ResolvedRule {
            low: 3.0,
            lead_share: 2.0 / 3.0,
            min_contribution: min,
        }
    }

    fn classify(r: &ResolvedRule, y: f64, via: &[f64]) -> Pathway {
        pathway_of(r.classify(y, via), via.len())
    }

    #[test]
    fn the_average_customer_is_neither_not_dual() {
        let r = rule(0.1);
        assert_eq!(classify(&r, 3.5, &[0.0, 0.0]), Pathway::Neither);
        assert_eq!(classify(&r, 3.5, &[-0.0, -0.0]), Pathway::Neither);
        assert_eq!(classify(&r, 3.5, &[-0.0, 0.0]), Pathway::Neither);
        // Even when nothing is too small to count.
        assert_eq!(classify(&rule(0.0), 3.5, &[-0.0, 0.0]), Pathway::Neither);
    }

    #[test]
    fn exactly_at_each_threshold() {
        let r = rule(0.1);
        // Exactly at low is not low; just below is.
        assert_eq!(classify(&r, 3.0, &[0.5, 0.0]), Pathway::Led(0));
        assert!(classify(&r, 2.999_999_999, &[0.5, 0.0]) == Pathway::LowReadiness);
        // Exactly at the minimum contribution counts.
        assert_eq!(classify(&r, 3.5, &[0.1, 0.0]), Pathway::Led(0));
        assert_eq!(classify(&r, 3.5, &[0.099_999, 0.0]), Pathway::Neither);
        // Exactly at the lead share leads: 0.4 of 0.6 is 2/3 (0.4 ≥ 2/3 · 0.6 in f64).
        let (a, b) = (0.4, 0.2);
        assert!(a >= r.lead_share * (a + b));
        assert_eq!(classify(&r, 3.5, &[a, b]), Pathway::Led(0));
        assert_eq!(classify(&r, 3.5, &[b, a]), Pathway::Led(1));
        assert_eq!(classify(&r, 3.5, &[0.39, 0.2]), Pathway::Dual);
    }

    proptest! {
        #[test]
        fn ties_are_dual_never_led(v in 0.1f64..2.0, y in 3.0f64..5.0) {
            prop_assert_eq!(classify(&rule(0.1), y, &[v, v]), Pathway::Dual);
        }

        #[test]
        fn the_label_agrees_with_the_largest_contribution(
            a in -2.0f64..2.0, b in -2.0f64..2.0, y in 1.0f64..5.0, min in 0.0f64..0.5,
        ) {
            let r = rule(min);
            let counts = |v: f64| v > 0.0 && v >= min;
            match classify(&r, y, &[a, b]) {
                Pathway::LowReadiness => prop_assert!(y < 3.0),
                Pathway::Led(0) => prop_assert!(y >= 3.0 && counts(a) && (!counts(b) || a >= 2.0 * b - 1e-12)),
                Pathway::Led(1) => prop_assert!(y >= 3.0 && counts(b) && (!counts(a) || b >= 2.0 * a - 1e-12)),
                Pathway::Dual => prop_assert!(y >= 3.0 && counts(a) && counts(b)),
                Pathway::Neither => prop_assert!(y >= 3.0 && !counts(a) && !counts(b)),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
            // Sign change: flipping a positive contribution's sign never leaves it leading.
            if counts(a) {
                prop_assert_ne!(classify(&r, y, &[-a, b]), Pathway::Led(0));
            }
        }
    }
}
