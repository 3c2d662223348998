//! Analytics over many journeys: funnel, drop-off, time to conversion, length
//! distributions, post-purchase outcomes, Sankey links and moments of truth in practice.

mod distributions;
mod funnel;
mod moments;
mod report;
mod summary;

pub use distributions::{
    journey_lengths, outcome_counts, path_lengths, sankey_links, time_to_conversion, use_stage,
    PathLengths, SankeyLink, UseStage,
};
pub use funnel::{drop_off, funnel, DropOff, FunnelStep, StageTouchpointCount};
pub use moments::{
    moments_of_truth_in_practice, DisconfirmationSide, LeaveWindow, PracticeOptions,
    PracticeOptionsBuilder, TouchpointImpact,
};
pub use report::{ByConversion, ConversionValue, EventLogReport, JourneyAnalytics};
pub use summary::Summary;
