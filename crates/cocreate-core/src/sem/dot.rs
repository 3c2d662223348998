//! Graphviz DOT export.

use super::results::SemFit;

/// Options of the DOT export.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DotOptions {
    /// Label arrows with `std.all` estimates instead of raw ones.
    pub standardized: bool,
}

pub(crate) fn render(fit: &SemFit, _o: &DotOptions) -> String {
    format!("digraph sem {{ // {} }}", fit.estimates().len())
}
