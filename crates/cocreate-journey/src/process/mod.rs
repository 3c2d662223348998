//! Process mining over an event log: directly-follows graphs with counts and
//! performance, start and end activities, and variants — with the touchpoint or the
//! stage as the activity.

mod dfg;
mod variants;

pub use dfg::{performance_dfg, ActivityCount, ActivityKey, Dfg, DfgEdge, PerformanceEdge};
pub use variants::{variants, Variant};
