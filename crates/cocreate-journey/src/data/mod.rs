//! Journey data for analytics: aggregated paths and event logs, with streaming CSV
//! loaders whose errors name the line.

mod blocks;
mod error;
#[cfg(feature = "serde")]
pub(crate) use error::excerpt;
mod events;
pub(crate) mod intern;
mod load;
mod path_rows;
mod path_sources;
mod paths;
#[cfg(feature = "parallel")]
pub(crate) mod paths_split;
pub(crate) mod records;

pub use error::{describe_load_error, LoadError, RowProblem};
pub use events::{Case, EventCsvOptions, EventCsvOptionsBuilder, EventLog, EventLogBuilder};
pub use paths::{
    PathCsvOptions, PathCsvOptionsBuilder, PathData, PathRef, PathTotals, MAX_CHANNELS,
    MAX_PATH_TOUCHPOINTS,
};
pub use records::MAX_RECORD_BYTES;
