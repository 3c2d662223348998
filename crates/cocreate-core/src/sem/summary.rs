//! lavaan-like summary text.

use super::results::SemFit;

pub(crate) fn render(fit: &SemFit) -> String {
    format!("{} parameters", fit.estimates().len())
}
