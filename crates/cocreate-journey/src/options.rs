//! The error of every options builder of the crate, and the checks they share.

/// An option was given a value it cannot take, or a required option was not set.
///
/// ```
/// use cocreate_journey::{OptionsError, Tolerance};
///
/// let err = Tolerance::new(-0.5).unwrap_err();
/// assert_eq!(err.to_string(), "the tolerance must be a finite number ≥ 0, got -0.5");
/// assert!(matches!(err, OptionsError::Number { option: "tolerance", .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionsError {
    /// A number outside its range (or not finite).
    #[error("the {option} must be {requirement}, got {value}")]
    Number {
        /// The option.
        option: &'static str,
        /// What it must be.
        requirement: &'static str,
        /// The value given.
        value: f64,
    },
    /// A count outside its range.
    #[error("the {option} must be {requirement}, got {value}")]
    Count {
        /// The option.
        option: &'static str,
        /// What it must be.
        requirement: &'static str,
        /// The value given.
        value: usize,
    },
    /// The path separator cannot separate names.
    #[error(
        "the path separator must be an ASCII character other than a comma, a quote or a line \
         break, got {found:?}"
    )]
    Separator {
        /// The character given.
        found: char,
    },
    /// A column name is empty.
    #[error("the {option} needs a name")]
    EmptyName {
        /// The option.
        option: &'static str,
    },
    /// An option without a default was not set.
    #[error("the {option} has no default and must be set")]
    Missing {
        /// The option.
        option: &'static str,
    },
}

/// Checks that `value` is finite and at least `min`.
pub(crate) fn at_least(
    option: &'static str,
    requirement: &'static str,
    value: f64,
    min: f64,
) -> Result<f64, OptionsError> {
    if value.is_finite() && value >= min {
        Ok(value)
    } else {
        Err(OptionsError::Number {
            option,
            requirement,
            value,
        })
    }
}

/// Checks that `value` lies in `[lo, hi]`.
pub(crate) fn within(
    option: &'static str,
    requirement: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
) -> Result<f64, OptionsError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(OptionsError::Number {
            option,
            requirement,
            value,
        })
    }
}

/// The value of a required option, or [`OptionsError::Missing`].
pub(crate) fn required<T>(value: Option<T>, option: &'static str) -> Result<T, OptionsError> {
    value.ok_or(OptionsError::Missing { option })
}
