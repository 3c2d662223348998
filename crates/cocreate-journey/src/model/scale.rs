//! The rating scale on which expectations, experiences and bonding attributes are declared.

use std::fmt;

/// A closed rating scale `[min, max]` (for example 1–7 or 0–10).
///
/// Every expectation, perceived experience and bonding rating of a journey lies on the
/// journey's scale; the builder rejects values outside it. The midpoint is the neutral
/// point that separates good from bad experiences in the peak–end rule and the bonding
/// rule.
///
/// ```
/// use cocreate_journey::Scale;
///
/// let s = Scale::new(1.0, 7.0)?;
/// assert_eq!(s.midpoint(), 4.0);
/// assert_eq!(s.normalize(5.5), 0.75);
/// assert!(s.contains(7.0) && !s.contains(7.5));
/// assert!(Scale::new(5.0, 5.0).is_err());
/// # Ok::<(), cocreate_journey::ScaleError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Scale {
    min: f64,
    max: f64,
}

/// Why a scale is invalid.
///
/// ```
/// use cocreate_journey::Scale;
///
/// let err = Scale::new(7.0, 1.0).unwrap_err();
/// assert_eq!(err.to_string(), "a scale needs finite bounds with min < max, got [7, 1]");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("a scale needs finite bounds with min < max, got [{min}, {max}]")]
pub struct ScaleError {
    /// The lower bound given.
    pub min: f64,
    /// The upper bound given.
    pub max: f64,
}

impl Scale {
    /// A scale from `min` to `max`; both finite and `min < max`.
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// assert!(Scale::new(0.0, 10.0).is_ok());
    /// assert!(Scale::new(0.0, f64::INFINITY).is_err());
    /// ```
    pub fn new(min: f64, max: f64) -> Result<Self, ScaleError> {
        if min.is_finite() && max.is_finite() && min < max {
            Ok(Scale { min, max })
        } else {
            Err(ScaleError { min, max })
        }
    }

    /// The lower bound.
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// assert_eq!(Scale::new(1.0, 5.0)?.min(), 1.0);
    /// # Ok::<(), cocreate_journey::ScaleError>(())
    /// ```
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The upper bound.
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// assert_eq!(Scale::new(1.0, 5.0)?.max(), 5.0);
    /// # Ok::<(), cocreate_journey::ScaleError>(())
    /// ```
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The neutral point, halfway between the bounds.
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// assert_eq!(Scale::new(0.0, 10.0)?.midpoint(), 5.0);
    /// # Ok::<(), cocreate_journey::ScaleError>(())
    /// ```
    pub fn midpoint(&self) -> f64 {
        (self.min + self.max) / 2.0
    }

    /// Whether `x` is a finite value within the bounds.
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// let s = Scale::new(1.0, 5.0)?;
    /// assert!(s.contains(1.0) && !s.contains(f64::NAN));
    /// # Ok::<(), cocreate_journey::ScaleError>(())
    /// ```
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max
    }

    /// `x` mapped linearly so that `min` is 0 and `max` is 1.
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// assert_eq!(Scale::new(1.0, 5.0)?.normalize(2.0), 0.25);
    /// # Ok::<(), cocreate_journey::ScaleError>(())
    /// ```
    pub fn normalize(&self, x: f64) -> f64 {
        (x - self.min) / (self.max - self.min)
    }

    /// The value at fraction `p` of the way from `min` to `max` (the inverse of
    /// [`Scale::normalize`]).
    ///
    /// ```
    /// use cocreate_journey::Scale;
    ///
    /// assert_eq!(Scale::new(1.0, 5.0)?.at_fraction(0.75), 4.0);
    /// # Ok::<(), cocreate_journey::ScaleError>(())
    /// ```
    pub fn at_fraction(&self, p: f64) -> f64 {
        self.min + p * (self.max - self.min)
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.min, self.max)
    }
}
