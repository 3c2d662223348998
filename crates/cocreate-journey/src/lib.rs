//! # cocreate-journey
//!
//! Customer journeys, moments of truth and analytics over many journeys.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod analytics;
mod attribution;
mod data;
mod experience;
mod model;
mod params;
mod process;
mod stats;
mod time;

pub use analytics::*;
pub use attribution::*;
pub use data::{
    describe_load_error, Case, EventFormat, EventLog, EventLogBuilder, LoadError, PathColumns,
    PathData, PathRef, PathTotals, RowProblem,
};
pub use experience::*;
pub use model::*;
pub use params::ParamError;
pub use process::*;
pub use stats::{Difference, Proportion, Summary};
pub use time::{Timestamp, TimestampError};
