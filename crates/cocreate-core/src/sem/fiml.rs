//! Full-information maximum likelihood.

use super::engine::Prepared;
use super::error::SemError;
use super::options::SemOptions;
use super::results::SemFit;

pub(crate) fn fit_fiml(_prep: Prepared, _options: &SemOptions) -> Result<SemFit, SemError> {
    Err(SemError::InvalidOptions("FIML is not available yet".into()))
}
