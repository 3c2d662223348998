//! One encounter: the customer at a touchpoint, at a stage, at a time.

use std::fmt;

use super::{Stage, Touchpoint};
use crate::Timestamp;

/// A pair of scores on the journey's scale: the functional side (does the product or
/// service work: fast, easy, reliable) and the emotional side (how it felt).
///
/// The same type holds what a customer *expected* and what they *perceived*.
///
/// ```
/// use cocreate_journey::Experience;
///
/// let e = Experience::new(5.0, 4.0);
/// assert_eq!((e.functional, e.emotional), (5.0, 4.0));
/// assert_eq!(Experience::both(3.0), Experience::new(3.0, 3.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Experience {
    /// The functional score.
    pub functional: f64,
    /// The emotional score.
    pub emotional: f64,
}

impl Experience {
    /// A functional and an emotional score.
    ///
    /// ```
    /// use cocreate_journey::Experience;
    ///
    /// assert_eq!(Experience::new(6.0, 2.0).emotional, 2.0);
    /// ```
    pub fn new(functional: f64, emotional: f64) -> Self {
        Experience {
            functional,
            emotional,
        }
    }

    /// The same score on both sides.
    ///
    /// ```
    /// use cocreate_journey::Experience;
    ///
    /// assert_eq!(Experience::both(4.0).functional, 4.0);
    /// ```
    pub fn both(score: f64) -> Self {
        Experience::new(score, score)
    }
}

/// What happened at an encounter (and, for a journey, how it ended).
///
/// Event logs spell these `continue`, `drop_off`, `conversion`, `retained` and `churned`;
/// [`Outcome::from_name`] also accepts `leave` and `convert`.
///
/// ```
/// use cocreate_journey::Outcome;
///
/// assert_eq!(Outcome::from_name("drop_off"), Some(Outcome::Leave));
/// assert_eq!(Outcome::Convert.name(), "conversion");
/// assert!(Outcome::Churned.is_leaving());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Outcome {
    /// The customer stayed and the journey goes on.
    Continue,
    /// The customer left here without buying (a drop-off).
    Leave,
    /// The customer purchased here.
    Convert,
    /// After purchase: the customer stays a customer.
    Retained,
    /// After purchase: the customer stops being a customer.
    Churned,
}

const OUTCOMES: [(Outcome, &str, &[&str]); 5] = [
    (Outcome::Continue, "continue", &["stay"]),
    (
        Outcome::Leave,
        "drop_off",
        &["leave", "dropoff", "drop-off"],
    ),
    (Outcome::Convert, "conversion", &["convert", "purchase"]),
    (Outcome::Retained, "retained", &["retain"]),
    (Outcome::Churned, "churned", &["churn"]),
];

impl Outcome {
    /// The outcome with this name or alias (ASCII case ignored).
    ///
    /// ```
    /// use cocreate_journey::Outcome;
    ///
    /// assert_eq!(Outcome::from_name("Conversion"), Some(Outcome::Convert));
    /// assert_eq!(Outcome::from_name("maybe"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Outcome> {
        OUTCOMES
            .iter()
            .find(|(_, n, aliases)| {
                n.eq_ignore_ascii_case(name) || aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            })
            .map(|(o, _, _)| *o)
    }

    /// The outcome's event-log name.
    ///
    /// ```
    /// use cocreate_journey::Outcome;
    ///
    /// assert_eq!(Outcome::Leave.name(), "drop_off");
    /// ```
    pub fn name(self) -> &'static str {
        OUTCOMES
            .iter()
            .find(|(o, _, _)| *o == self)
            .map_or("", |(_, n, _)| n)
    }

    /// All outcomes, in declaration order.
    ///
    /// ```
    /// use cocreate_journey::Outcome;
    ///
    /// assert_eq!(Outcome::ALL.len(), 5);
    /// ```
    pub const ALL: [Outcome; 5] = [
        Outcome::Continue,
        Outcome::Leave,
        Outcome::Convert,
        Outcome::Retained,
        Outcome::Churned,
    ];

    /// Whether the customer left at this point: [`Outcome::Leave`] or [`Outcome::Churned`].
    ///
    /// ```
    /// use cocreate_journey::Outcome;
    ///
    /// assert!(Outcome::Leave.is_leaving() && !Outcome::Retained.is_leaving());
    /// ```
    pub fn is_leaving(self) -> bool {
        matches!(self, Outcome::Leave | Outcome::Churned)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The four IBM-style bonding attributes.
///
/// IBM's customer-experience work names them as what decides whether a customer becomes
/// attached and tells others; the exact source wording is unverified, so the rule built
/// on them ([`crate::BondingRule`]) is configurable.
///
/// ```
/// use cocreate_journey::BondingAttribute;
///
/// assert_eq!(BondingAttribute::ALL[0], BondingAttribute::Integrity);
/// assert_eq!(BondingAttribute::Convenience.to_string(), "convenience");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum BondingAttribute {
    /// Sincerity, authenticity, empathy, dignity.
    Integrity,
    /// Promptness, availability, consistency, timeliness.
    Reliability,
    /// Needs met fast and well, knowledgeable staff.
    Efficiency,
    /// Location and access, logical layout, ease of use, intuitive design.
    Convenience,
}

impl BondingAttribute {
    /// The four attributes in their conventional order.
    ///
    /// ```
    /// use cocreate_journey::BondingAttribute;
    ///
    /// assert_eq!(BondingAttribute::ALL.len(), 4);
    /// ```
    pub const ALL: [BondingAttribute; 4] = [
        BondingAttribute::Integrity,
        BondingAttribute::Reliability,
        BondingAttribute::Efficiency,
        BondingAttribute::Convenience,
    ];
}

impl fmt::Display for BondingAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BondingAttribute::Integrity => "integrity",
            BondingAttribute::Reliability => "reliability",
            BondingAttribute::Efficiency => "efficiency",
            BondingAttribute::Convenience => "convenience",
        })
    }
}

/// Ratings of the four bonding attributes at one encounter; any may be missing.
///
/// ```
/// use cocreate_journey::{BondingAttribute, BondingRatings};
///
/// let r = BondingRatings::all(6.0, 5.0, 6.0, 7.0);
/// assert_eq!(r.get(BondingAttribute::Convenience), Some(7.0));
/// assert_eq!(BondingRatings::default().get(BondingAttribute::Integrity), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BondingRatings {
    /// Integrity rating.
    pub integrity: Option<f64>,
    /// Reliability rating.
    pub reliability: Option<f64>,
    /// Efficiency rating.
    pub efficiency: Option<f64>,
    /// Convenience rating.
    pub convenience: Option<f64>,
}

impl BondingRatings {
    /// Ratings of all four attributes.
    ///
    /// ```
    /// use cocreate_journey::BondingRatings;
    ///
    /// assert_eq!(BondingRatings::all(1.0, 2.0, 3.0, 4.0).efficiency, Some(3.0));
    /// ```
    pub fn all(integrity: f64, reliability: f64, efficiency: f64, convenience: f64) -> Self {
        BondingRatings {
            integrity: Some(integrity),
            reliability: Some(reliability),
            efficiency: Some(efficiency),
            convenience: Some(convenience),
        }
    }

    /// The rating of one attribute, if given.
    ///
    /// ```
    /// use cocreate_journey::{BondingAttribute, BondingRatings};
    ///
    /// let r = BondingRatings { reliability: Some(4.0), ..Default::default() };
    /// assert_eq!(r.get(BondingAttribute::Reliability), Some(4.0));
    /// ```
    pub fn get(&self, attribute: BondingAttribute) -> Option<f64> {
        match attribute {
            BondingAttribute::Integrity => self.integrity,
            BondingAttribute::Reliability => self.reliability,
            BondingAttribute::Efficiency => self.efficiency,
            BondingAttribute::Convenience => self.convenience,
        }
    }
}

/// The phase of experience an encounter belongs to.
///
/// Customers first form an *expectation* (from word of mouth of trusted people and the
/// firm's own marketing), then *interact* with the brand, and afterwards *reflect*: the
/// memory of the journey moves their view of the brand and their expectations for the
/// next one. An encounter that only informs (an advertisement, a friend's story) belongs
/// to the expectation phase; one where the customer experiences the offer belongs to the
/// interaction phase; reflection is computed after the journey
/// ([`crate::Journey::reflect`]).
///
/// ```
/// use cocreate_journey::{Encounter, Experience, ExperiencePhase, Stage, Timestamp, Touchpoint};
///
/// let t = Timestamp::from_unix_seconds(0);
/// let ad = Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, t)
///     .expecting(Experience::both(5.0));
/// assert_eq!(ad.phase(), ExperiencePhase::Expectation);
/// let visit = ad.clone().perceiving(Experience::both(4.0));
/// assert_eq!(visit.phase(), ExperiencePhase::Interaction);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ExperiencePhase {
    /// Expectations form (word of mouth, marketing); nothing is experienced yet.
    Expectation,
    /// The customer experiences the offer; emotions and attitudes move.
    Interaction,
    /// After the journey: memory shapes the view of the brand and future expectations.
    Reflection,
}

/// One encounter of a customer with a touchpoint.
///
/// Build one with [`Encounter::new`] and the chaining methods; a
/// [`crate::JourneyBuilder`] checks it against the journey's scale and order.
///
/// ```
/// use cocreate_journey::{
///     BondingRatings, Encounter, Experience, Outcome, Stage, Timestamp, Touchpoint,
/// };
///
/// let e = Encounter::new(Touchpoint::brand("store"), Stage::Purchase, "2024-03-01T10:00:00Z".parse()?)
///     .expecting(Experience::new(6.0, 5.0))
///     .perceiving(Experience::new(4.0, 6.0))
///     .with_bonding(BondingRatings::all(6.0, 5.0, 5.0, 6.0))
///     .with_outcome(Outcome::Convert);
/// assert_eq!(e.outcome, Outcome::Convert);
/// # Ok::<(), cocreate_journey::TimestampError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Encounter {
    /// Where the encounter happened.
    pub touchpoint: Touchpoint,
    /// The customer's stage at the encounter.
    pub stage: Stage,
    /// When it happened.
    pub timestamp: Timestamp,
    /// What the customer expected at this encounter, if stated.
    pub expectation: Option<Experience>,
    /// What the customer perceived, if they experienced the offer here.
    pub perceived: Option<Experience>,
    /// Ratings of the bonding attributes, if asked.
    pub bonding: Option<BondingRatings>,
    /// What happened (default [`Outcome::Continue`]).
    pub outcome: Outcome,
}

impl Encounter {
    /// An encounter with no ratings and outcome [`Outcome::Continue`].
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Outcome, Stage, Timestamp, Touchpoint};
    ///
    /// let e = Encounter::new(Touchpoint::brand("email"), Stage::Evaluation, Timestamp::from_unix_seconds(0));
    /// assert_eq!(e.outcome, Outcome::Continue);
    /// assert!(e.perceived.is_none());
    /// ```
    pub fn new(touchpoint: Touchpoint, stage: Stage, timestamp: Timestamp) -> Self {
        Encounter {
            touchpoint,
            stage,
            timestamp,
            expectation: None,
            perceived: None,
            bonding: None,
            outcome: Outcome::Continue,
        }
    }

    /// This encounter with a stated expectation.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, Stage, Timestamp, Touchpoint};
    ///
    /// let e = Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0))
    ///     .expecting(Experience::both(5.0));
    /// assert_eq!(e.expectation, Some(Experience::both(5.0)));
    /// ```
    pub fn expecting(mut self, expectation: Experience) -> Self {
        self.expectation = Some(expectation);
        self
    }

    /// This encounter with a perceived experience.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Experience, Stage, Timestamp, Touchpoint};
    ///
    /// let e = Encounter::new(Touchpoint::brand("store"), Stage::Purchase, Timestamp::from_unix_seconds(0))
    ///     .perceiving(Experience::new(3.0, 6.0));
    /// assert_eq!(e.perceived.map(|p| p.emotional), Some(6.0));
    /// ```
    pub fn perceiving(mut self, perceived: Experience) -> Self {
        self.perceived = Some(perceived);
        self
    }

    /// This encounter with bonding ratings.
    ///
    /// ```
    /// use cocreate_journey::{BondingRatings, Encounter, Stage, Timestamp, Touchpoint};
    ///
    /// let e = Encounter::new(Touchpoint::brand("store"), Stage::Use, Timestamp::from_unix_seconds(0))
    ///     .with_bonding(BondingRatings::all(5.0, 5.0, 5.0, 5.0));
    /// assert!(e.bonding.is_some());
    /// ```
    pub fn with_bonding(mut self, ratings: BondingRatings) -> Self {
        self.bonding = Some(ratings);
        self
    }

    /// This encounter with an outcome.
    ///
    /// ```
    /// use cocreate_journey::{Encounter, Outcome, Stage, Timestamp, Touchpoint};
    ///
    /// let e = Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, Timestamp::from_unix_seconds(0))
    ///     .with_outcome(Outcome::Leave);
    /// assert_eq!(e.outcome, Outcome::Leave);
    /// ```
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// The experience phase of the encounter: [`ExperiencePhase::Interaction`] when the
    /// customer perceived something here, else [`ExperiencePhase::Expectation`].
    ///
    /// ```
    /// use cocreate_journey::{Encounter, ExperiencePhase, Stage, Timestamp, Touchpoint};
    ///
    /// let e = Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0));
    /// assert_eq!(e.phase(), ExperiencePhase::Expectation);
    /// ```
    pub fn phase(&self) -> ExperiencePhase {
        if self.perceived.is_some() {
            ExperiencePhase::Interaction
        } else {
            ExperiencePhase::Expectation
        }
    }
}
