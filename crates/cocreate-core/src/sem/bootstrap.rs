//! Nonparametric bootstrap.

use nalgebra::DMatrix;

use super::error::SemError;
use super::options::SemOptions;
use super::ram::Compiled;
use super::results::SemFit;

/// Bootstrap draws and intervals.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BootstrapResult {
    /// Requested replicates.
    pub requested: usize,
}

pub(crate) fn apply(
    _fit: &mut SemFit,
    _c: &Compiled,
    _data: &DMatrix<f64>,
    _options: &SemOptions,
) -> Result<(), SemError> {
    Err(SemError::InvalidOptions(
        "bootstrap not available yet".into(),
    ))
}
