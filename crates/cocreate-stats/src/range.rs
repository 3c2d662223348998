//! The range of answers people give (a 1–5 Likert item, a 0–10 likelihood, a 1–7
//! expectation rating).

use std::fmt;

/// Why a response range was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeError {
    /// The ends are not finite or not in order.
    #[error("a response range needs finite ends with min < max, got {min} to {max}")]
    Bounds {
        /// The lower end given.
        min: f64,
        /// The upper end given.
        max: f64,
    },
    /// An integer scale was given ends that are not whole numbers.
    #[error("an integer response range needs whole-number ends, got {min} to {max}")]
    NotWhole {
        /// The lower end given.
        min: f64,
        /// The upper end given.
        max: f64,
    },
}

/// A closed range of answers `[min, max]`, optionally of whole points only.
///
/// ```
/// use cocreate_stats::ResponseRange;
///
/// let s = ResponseRange::new(1.0, 7.0)?;
/// assert_eq!(s.midpoint(), 4.0);
/// assert_eq!(s.reverse(7.0), 1.0);
/// assert!(s.contains(6.0) && !s.contains(6.5));
/// assert_eq!(s.normalize(4.0), 0.5);
/// assert!(ResponseRange::new(5.0, 1.0).is_err());
/// # Ok::<(), cocreate_stats::RangeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RawRange", into = "RawRange")
)]
pub struct ResponseRange {
    min: f64,
    max: f64,
    integer: bool,
}

impl ResponseRange {
    /// A scale of whole points from `min` to `max` (the usual questionnaire item).
    pub fn new(min: f64, max: f64) -> Result<Self, RangeError> {
        Self::with_integer(min, max, true)
    }

    /// A continuous scale from `min` to `max` (a slider, a mean of items).
    pub fn continuous(min: f64, max: f64) -> Result<Self, RangeError> {
        Self::with_integer(min, max, false)
    }

    /// A scale from `min` to `max`, of whole points when `integer`.
    pub fn with_integer(min: f64, max: f64, integer: bool) -> Result<Self, RangeError> {
        if !min.is_finite() || !max.is_finite() || min >= max {
            return Err(RangeError::Bounds { min, max });
        }
        if integer && (min.fract() != 0.0 || max.fract() != 0.0) {
            return Err(RangeError::NotWhole { min, max });
        }
        Ok(ResponseRange { min, max, integer })
    }

    /// The lowest answer.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The highest answer.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Whether only whole points are answers.
    pub fn integer(&self) -> bool {
        self.integer
    }

    /// The middle of the scale.
    pub fn midpoint(&self) -> f64 {
        (self.min + self.max) / 2.0
    }

    /// The answer reverse keyed: `min + max − x`.
    pub fn reverse(&self, x: f64) -> f64 {
        (self.min + self.max) - x
    }

    /// Whether `x` is an answer on this scale (finite, within the ends, and whole on an
    /// integer scale).
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max && (!self.integer || x.fract() == 0.0)
    }

    /// Whether `x` lies within the ends, whole or not (a mean of answers does).
    pub fn spans(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max
    }

    /// Where `x` lies between the ends, 0 at `min` and 1 at `max`.
    pub fn normalize(&self, x: f64) -> f64 {
        (x - self.min) / (self.max - self.min)
    }

    /// The point a fraction `p` of the way from `min` to `max`.
    pub fn at_fraction(&self, p: f64) -> f64 {
        self.min + p * (self.max - self.min)
    }

    /// `x` moved to the nearest end when it lies outside the scale.
    pub fn clamp(&self, x: f64) -> f64 {
        x.clamp(self.min, self.max)
    }
}

impl fmt::Display for ResponseRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.min, self.max)
    }
}

/// The serialised form, read back through [`ResponseRange::with_integer`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    min: f64,
    max: f64,
    #[serde(default = "yes")]
    integer: bool,
}

#[cfg(feature = "serde")]
fn yes() -> bool {
    true
}

#[cfg(feature = "serde")]
impl TryFrom<RawRange> for ResponseRange {
    type Error = RangeError;
    fn try_from(r: RawRange) -> Result<Self, RangeError> {
        ResponseRange::with_integer(r.min, r.max, r.integer)
    }
}

#[cfg(feature = "serde")]
impl From<ResponseRange> for RawRange {
    fn from(s: ResponseRange) -> Self {
        RawRange {
            min: s.min,
            max: s.max,
            integer: s.integer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_ends() {
        assert!(matches!(
            ResponseRange::new(1.0, 1.0),
            Err(RangeError::Bounds { .. })
        ));
        assert!(matches!(
            ResponseRange::new(f64::NAN, 1.0),
            Err(RangeError::Bounds { .. })
        ));
        assert!(matches!(
            ResponseRange::new(1.5, 5.0),
            Err(RangeError::NotWhole { .. })
        ));
        assert!(ResponseRange::continuous(1.5, 5.0).is_ok());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_goes_through_the_constructor() {
        let s: ResponseRange = serde_json::from_str(r#"{"min": 1, "max": 5}"#).unwrap();
        assert_eq!(s, ResponseRange::new(1.0, 5.0).unwrap());
        assert!(serde_json::from_str::<ResponseRange>(r#"{"min": 5, "max": 1}"#).is_err());
        assert!(serde_json::from_str::<ResponseRange>(r#"{"min": 1, "max": 5, "x": 1}"#).is_err());
        let back: ResponseRange =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
