//! The experience of one journey: disconfirmation, moments of truth, reflection and
//! bonding.
//!
//! These follow the three phases of experience: the customer arrives with an
//! *expectation*, *interacts* at touchpoints (where disconfirmation D = P − E decides the
//! moments of truth), and *reflects* afterwards (the peak–end memory, the updated
//! expectation, and whether the four bonding attributes make attachment and advocacy
//! likely).

mod bonding;
mod disconfirmation;
mod moments;
mod reflection;
mod report;

pub use bonding::{AttributeStanding, Bonding, BondingError, BondingRule, BondingRuleBuilder};
pub use disconfirmation::{
    Disconfirmation, DisconfirmationClass, EncounterDisconfirmation, Tolerance,
};
pub use moments::{
    MomentOfTruth, MomentOptions, MomentOptionsBuilder, MomentReason, MomentsOfTruth,
};
pub use reflection::{
    peak_end, Memory, MixedValence, Moment, PeakEndOptions, PeakEndOptionsBuilder, Reflection,
    ReflectionError, ReflectionOptions, ReflectionOptionsBuilder, Valence,
};
pub use report::JourneyReport;
