//! Which covariance of the estimates a fit reports: none, the bootstrap's, the robust
//! sandwich, or the inverse of the information, as `SemOptions::se` and the estimator
//! say; one rule for every estimator.

use nalgebra::DMatrix;

use super::bootstrap::BootSummary;
use super::error::SemWarning;
use super::options::SeMethod;
use super::robust::RobustParts;

/// The covariance of the estimates for `se`: the bootstrap's when there is one, else the
/// robust sandwich when the estimator is robust, else what `from_information` gives (the
/// information's inverse, computed only then). When none is available, a warning with
/// `reason` (why the matrix could not be inverted) joins `warnings`.
pub(crate) fn choose(
    se: SeMethod,
    boot: Option<&BootSummary>,
    robust: Option<&RobustParts>,
    from_information: impl FnOnce() -> Option<DMatrix<f64>>,
    reason: &str,
    warnings: &mut Vec<SemWarning>,
) -> Option<DMatrix<f64>> {
    let v = match se {
        SeMethod::None => return None,
        SeMethod::Bootstrap => return boot.map(|b| b.vcov.clone()),
        _ => match robust {
            Some(r) => r.vcov.clone(),
            None => from_information(),
        },
    };
    if v.is_none() {
        warnings.push(SemWarning::StandardErrorsUnavailable {
            reason: reason.into(),
        });
    }
    v
}
