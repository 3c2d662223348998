//! Bonding: whether the customer is likely to become attached and tell others.

use crate::options::{within, OptionsError};
use crate::{BondingAttribute, BondingRatings, Journey, ResponseRange};

/// The rule that turns bonding ratings into an attachment verdict and an advocacy flag.
///
/// Each attribute's rating is averaged over the encounters that rated it and mapped to
/// [0, 1] on the scale. An attribute is *met* when that normalised mean is above
/// `met_above` (default ½: the positive side of the scale's midpoint). Attachment is
/// likely when at least `required_met` attributes are met; the default 4 is the IBM-style
/// rule "attachment becomes much more likely when all four are met". Advocacy (the
/// customer tells others) is flagged when attachment is likely and the bonding index (the
/// mean normalised rating over the rated attributes) is at least `advocacy_at` (default
/// ¾, "agree" on a 1–5 scale). The thresholds are conventions, not estimates; set them
/// from your own data.
///
/// ```
/// use cocreate_journey::BondingRule;
///
/// let rule = BondingRule::builder().required_met(3).advocacy_at(0.8).build()?;
/// assert_eq!(rule.required_met(), 3);
/// assert!(BondingRule::builder().required_met(5).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "BondingRuleRepr", into = "BondingRuleRepr")
)]
pub struct BondingRule {
    met_above: f64,
    required_met: usize,
    advocacy_at: f64,
}

impl Default for BondingRule {
    fn default() -> Self {
        BondingRule {
            met_above: 0.5,
            required_met: 4,
            advocacy_at: 0.75,
        }
    }
}

/// Builds a validated [`BondingRule`].
///
/// ```
/// use cocreate_journey::BondingRule;
///
/// let rule = BondingRule::builder().met_above(0.6).build()?;
/// assert_eq!(rule.met_above(), 0.6);
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BondingRuleBuilder {
    rule: BondingRule,
}

impl BondingRuleBuilder {
    /// The normalised mean rating above which an attribute is met, in [0, 1).
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert!(BondingRule::builder().met_above(1.0).build().is_err());
    /// ```
    pub fn met_above(mut self, threshold: f64) -> Self {
        self.rule.met_above = threshold;
        self
    }

    /// How many of the four attributes must be met for attachment (1 to 4).
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert!(BondingRule::builder().required_met(0).build().is_err());
    /// ```
    pub fn required_met(mut self, n: usize) -> Self {
        self.rule.required_met = n;
        self
    }

    /// The bonding index from which an attached customer is flagged as an advocate, in
    /// [0, 1].
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert!(BondingRule::builder().advocacy_at(0.9).build().is_ok());
    /// ```
    pub fn advocacy_at(mut self, index: f64) -> Self {
        self.rule.advocacy_at = index;
        self
    }

    /// Checks the options.
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert_eq!(BondingRule::builder().build()?, BondingRule::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<BondingRule, OptionsError> {
        let r = self.rule;
        within("met threshold", "a number in [0, 1)", r.met_above, 0.0, 1.0)?;
        if r.met_above >= 1.0 {
            return Err(OptionsError::Number {
                option: "met threshold",
                requirement: "a number in [0, 1)",
                value: r.met_above,
            });
        }
        if !(1..=4).contains(&r.required_met) {
            return Err(OptionsError::Count {
                option: "number of attributes required",
                requirement: "between 1 and 4",
                value: r.required_met,
            });
        }
        within(
            "advocacy threshold",
            "a number in [0, 1]",
            r.advocacy_at,
            0.0,
            1.0,
        )?;
        Ok(r)
    }
}

/// One attribute's standing.
///
/// ```
/// use cocreate_journey::{BondingAttribute, BondingRatings, BondingRule, ResponseRange};
///
/// let b = BondingRule::default().assess(&[BondingRatings::all(7.0, 6.0, 2.0, 5.0)], ResponseRange::new(1.0, 7.0)?)?;
/// let efficiency = &b.attributes[2];
/// assert_eq!(efficiency.attribute, BondingAttribute::Efficiency);
/// assert!(!efficiency.met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AttributeStanding {
    /// The attribute.
    pub attribute: BondingAttribute,
    /// Mean rating on the scale, if rated at all.
    pub mean: Option<f64>,
    /// Number of ratings.
    pub n_ratings: usize,
    /// Whether the attribute is met (an unrated attribute is not).
    pub met: bool,
}

/// The bonding verdict.
///
/// ```
/// use cocreate_journey::{BondingRatings, BondingRule, ResponseRange};
///
/// let scale = ResponseRange::new(1.0, 5.0)?;
/// let b = BondingRule::default().assess(&[BondingRatings::all(5.0, 4.0, 5.0, 4.0)], scale)?;
/// assert!(b.attachment_likely);
/// assert_eq!(b.index, Some(0.875));
/// assert!(b.advocacy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Bonding {
    /// The four attributes in order.
    pub attributes: [AttributeStanding; 4],
    /// Mean normalised rating (0–1) over the rated attributes; `None` when none was rated.
    pub index: Option<f64>,
    /// Number of attributes met.
    pub n_met: usize,
    /// Whether at least the required number of attributes is met.
    pub attachment_likely: bool,
    /// Whether attachment is likely and the index reaches the advocacy threshold.
    pub advocacy: bool,
}

/// A bonding rating outside the scale.
///
/// ```
/// use cocreate_journey::{BondingRatings, BondingRule, ResponseRange};
///
/// let err = BondingRule::default()
///     .assess(&[BondingRatings::all(5.0, 9.0, 5.0, 5.0)], ResponseRange::new(1.0, 7.0)?)
///     .unwrap_err();
/// assert_eq!(err.to_string(), "rating set 1: the reliability rating 9 lies outside the scale [1, 7]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BondingError {
    /// A rating lies outside the scale or is not a finite number.
    #[error(
        "rating set {position}: the {attribute} rating {value} lies outside the scale {scale}"
    )]
    OutOfScale {
        /// 1-based position of the rating set.
        position: usize,
        /// The attribute.
        attribute: BondingAttribute,
        /// The value.
        value: f64,
        /// The scale.
        scale: ResponseRange,
    },
}

impl BondingRule {
    /// A builder starting from the default rule.
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert_eq!(BondingRule::builder().build()?.required_met(), 4);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn builder() -> BondingRuleBuilder {
        BondingRuleBuilder {
            rule: BondingRule::default(),
        }
    }

    /// The normalised threshold above which an attribute is met.
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert_eq!(BondingRule::default().met_above(), 0.5);
    /// ```
    pub fn met_above(&self) -> f64 {
        self.met_above
    }

    /// How many attributes must be met.
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert_eq!(BondingRule::default().required_met(), 4);
    /// ```
    pub fn required_met(&self) -> usize {
        self.required_met
    }

    /// The index from which an attached customer is an advocate.
    ///
    /// ```
    /// use cocreate_journey::BondingRule;
    ///
    /// assert_eq!(BondingRule::default().advocacy_at(), 0.75);
    /// ```
    pub fn advocacy_at(&self) -> f64 {
        self.advocacy_at
    }

    /// Applies the rule to sets of ratings on `scale` (for example one set per survey
    /// wave). Errors when a rating lies outside the scale.
    ///
    /// ```
    /// use cocreate_journey::{BondingRatings, BondingRule, ResponseRange};
    ///
    /// let partial = BondingRatings { integrity: Some(7.0), ..Default::default() };
    /// let b = BondingRule::default().assess(&[partial], ResponseRange::new(1.0, 7.0)?)?;
    /// assert_eq!(b.n_met, 1);
    /// assert!(!b.attachment_likely); // three attributes were never rated
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assess(
        &self,
        ratings: &[BondingRatings],
        scale: ResponseRange,
    ) -> Result<Bonding, BondingError> {
        for (i, set) in ratings.iter().enumerate() {
            for attribute in BondingAttribute::ALL {
                if let Some(value) = set.get(attribute).filter(|v| !scale.spans(*v)) {
                    return Err(BondingError::OutOfScale {
                        position: i + 1,
                        attribute,
                        value,
                        scale,
                    });
                }
            }
        }
        Ok(self.assess_checked(ratings, scale))
    }

    /// [`BondingRule::assess`] on ratings already known to lie on the scale.
    fn assess_checked(&self, ratings: &[BondingRatings], scale: ResponseRange) -> Bonding {
        let attributes = BondingAttribute::ALL.map(|attribute| {
            let values: Vec<f64> = ratings.iter().filter_map(|r| r.get(attribute)).collect();
            let mean =
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
            AttributeStanding {
                attribute,
                mean,
                n_ratings: values.len(),
                met: mean.is_some_and(|m| scale.normalize(m) > self.met_above),
            }
        });
        let normalized: Vec<f64> = attributes
            .iter()
            .filter_map(|a| a.mean.map(|m| scale.normalize(m)))
            .collect();
        let index = (!normalized.is_empty())
            .then(|| normalized.iter().sum::<f64>() / normalized.len() as f64);
        let n_met = attributes.iter().filter(|a| a.met).count();
        let attachment_likely = n_met >= self.required_met;
        let advocacy = attachment_likely && index.is_some_and(|i| i >= self.advocacy_at);
        Bonding {
            attributes,
            index,
            n_met,
            attachment_likely,
            advocacy,
        }
    }
}

impl Journey {
    /// Applies a bonding rule to the ratings given at the journey's encounters.
    ///
    /// ```
    /// use cocreate_journey::{BondingRatings, BondingRule, Encounter, JourneyBuilder, ResponseRange, Stage, Timestamp, Touchpoint};
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("app"), Stage::Use, Timestamp::from_unix_seconds(0))
    ///         .with_bonding(BondingRatings::all(6.0, 6.0, 5.0, 7.0)))
    ///     .build()?;
    /// let b = j.bonding(&BondingRule::default());
    /// assert!(b.attachment_likely && b.advocacy);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bonding(&self, rule: &BondingRule) -> Bonding {
        let ratings: Vec<BondingRatings> =
            self.encounters().iter().filter_map(|e| e.bonding).collect();
        // The builder checked every rating against the scale.
        rule.assess_checked(&ratings, self.scale())
    }
}

/// The serde form of [`BondingRule`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct BondingRuleRepr {
    met_above: f64,
    required_met: usize,
    advocacy_at: f64,
}

#[cfg(feature = "serde")]
impl Default for BondingRuleRepr {
    fn default() -> Self {
        BondingRule::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<BondingRule> for BondingRuleRepr {
    fn from(r: BondingRule) -> Self {
        BondingRuleRepr {
            met_above: r.met_above,
            required_met: r.required_met,
            advocacy_at: r.advocacy_at,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<BondingRuleRepr> for BondingRule {
    type Error = OptionsError;
    fn try_from(r: BondingRuleRepr) -> Result<Self, OptionsError> {
        BondingRule::builder()
            .met_above(r.met_above)
            .required_met(r.required_met)
            .advocacy_at(r.advocacy_at)
            .build()
    }
}
