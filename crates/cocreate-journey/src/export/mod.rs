//! Graphviz DOT and Mermaid text for a journey map and a directly-follows graph.
//!
//! Both renderers build the same small graph description ([`graph::Graph`]) and only
//! differ in syntax, so a journey map looks the same in either tool: encounters grouped
//! by stage, coloured by disconfirmation, moments of truth drawn bold.

mod dfg;
mod graph;
mod journey;

pub use journey::JourneyMap;
