//! The error for an invalid option value, shared by every parameter builder.

/// An option was given a value it cannot take.
///
/// ```
/// use cocreate_journey::Tolerance;
///
/// let err = Tolerance::new(-0.5).unwrap_err();
/// assert_eq!(err.to_string(), "the tolerance must be a finite number ≥ 0, got -0.5");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the {name} must be {requirement}, got {value}")]
pub struct ParamError {
    /// The option's name.
    pub name: &'static str,
    /// What the option requires.
    pub requirement: &'static str,
    /// The value given, as text.
    pub value: String,
}

impl ParamError {
    pub(crate) fn new(name: &'static str, requirement: &'static str, value: impl ToString) -> Self {
        ParamError {
            name,
            requirement,
            value: value.to_string(),
        }
    }
}

/// Checks that `value` is finite and at least `min`.
pub(crate) fn at_least(
    name: &'static str,
    requirement: &'static str,
    value: f64,
    min: f64,
) -> Result<f64, ParamError> {
    if value.is_finite() && value >= min {
        Ok(value)
    } else {
        Err(ParamError::new(name, requirement, value))
    }
}

/// Checks that `value` lies in `[lo, hi]`.
pub(crate) fn within(
    name: &'static str,
    requirement: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
) -> Result<f64, ParamError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(ParamError::new(name, requirement, value))
    }
}
