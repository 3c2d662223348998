//! The typed model of one customer's journey.
//!
//! A [`Journey`] is a customer's time-ordered [`Encounter`]s: each at a [`Touchpoint`]
//! (a channel kind and an owner), at a [`Stage`], with what the customer expected and
//! perceived on the journey's [`ResponseRange`], optional ratings of the bonding attributes and
//! an [`Outcome`]. [`JourneyBuilder`] validates all of it.

mod encounter;
mod journey;
mod stage;
mod touchpoint;

pub use cocreate_stats::{RangeError, ResponseRange};
pub use encounter::{
    BondingAttribute, BondingRatings, Encounter, Experience, ExperiencePhase, Outcome,
};
pub use journey::{Journey, JourneyBuilder, JourneyError, RatingField};
pub use stage::{CustomStage, PurchasePhase, Stage, StageError, StageOrder};
pub use touchpoint::{ChannelKind, Touchpoint, TouchpointOwner};
