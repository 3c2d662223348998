//! Touchpoint attribution: which channels get the credit for conversions.
//!
//! Rule-based models ([`heuristic_models`]: first, last and linear touch;
//! [`position_based`]; [`time_decay`]) share each path's conversions by fixed rules.
//! [`MarkovOptions::fit`] learns an order-k Markov chain from the paths and credits each
//! channel by its exact *removal effect*: how much the probability of converting drops
//! when the channel is taken out of the chain.

mod heuristics;
mod markov;
mod report;

pub use heuristics::{
    heuristic_models, position_based, time_decay, time_decay_by_time, Attribution,
    ChannelAttribution, HeuristicModels, PositionBasedOptions, PositionBasedOptionsBuilder,
    TimeDecayOptions, TimeDecayOptionsBuilder, Unattributed,
};
pub use markov::{
    AttributionError, MarkovAttribution, MarkovOptions, MarkovOptionsBuilder, MarkovState,
    RemovalEffects, Transition, TransitionMatrix, MAX_DENSE_FALLBACK_STATES, MAX_DENSE_PART_STATES,
    MAX_HORIZON, MAX_LU_FILL_FLOOR, MAX_LU_FILL_PER_TRANSITION,
};
pub use report::AttributionReport;
