//! Proportions with score intervals: Wilson (1927) for one, Newcombe (1998) for a
//! difference of two.

use crate::normal::two_sided_z;

/// The Wilson score interval of `x` successes in `n` trials for the normal quantile `z`
/// (1.96 for 95 %). `None` when `n = 0`, `x > n` or `z` is not a positive finite number.
/// At `x = 0` the lower bound is exactly 0 and at `x = n` the upper bound is exactly 1.
pub fn wilson_bounds(x: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || x > n || !(z.is_finite() && z > 0.0) {
        return None;
    }
    let nf = n as f64;
    let p = x as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denom;
    let half = z / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let lower = if x == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let upper = if x == n {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Some((lower, upper))
}

/// A proportion x/n with its Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Proportion {
    /// Successes.
    pub x: u64,
    /// Trials.
    pub n: u64,
    /// x / n.
    pub estimate: f64,
    /// Lower bound of the interval.
    pub lower: f64,
    /// Upper bound of the interval.
    pub upper: f64,
}

impl Proportion {
    /// x/n with the Wilson score interval at `confidence`; `None` when n = 0, x > n or the
    /// confidence is not in (0, 1).
    ///
    /// ```
    /// use cocreate_stats::Proportion;
    ///
    /// let p = Proportion::wilson(0, 20, 0.95).unwrap();
    /// assert_eq!(p.lower, 0.0);
    /// assert!(p.upper > 0.15);
    /// ```
    pub fn wilson(x: u64, n: u64, confidence: f64) -> Option<Proportion> {
        let (lower, upper) = wilson_bounds(x, n, two_sided_z(confidence)?)?;
        Some(Proportion {
            x,
            n,
            estimate: x as f64 / n as f64,
            lower,
            upper,
        })
    }
}

/// A difference of two independent proportions with Newcombe's hybrid score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Difference {
    /// p₁ − p₂.
    pub estimate: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl Difference {
    /// p₁ − p₂ with Newcombe's (1998, method 10) interval built from the two Wilson
    /// intervals (at their confidence level).
    ///
    /// ```
    /// use cocreate_stats::{Difference, Proportion};
    ///
    /// let a = Proportion::wilson(56, 70, 0.95).unwrap();
    /// let b = Proportion::wilson(48, 80, 0.95).unwrap();
    /// let d = Difference::newcombe(&a, &b);
    /// assert!((d.estimate - 0.2).abs() < 1e-12);
    /// assert!((d.lower - 0.0524).abs() < 1e-4 && (d.upper - 0.3339).abs() < 1e-4);
    /// ```
    pub fn newcombe(a: &Proportion, b: &Proportion) -> Difference {
        let d = a.estimate - b.estimate;
        let lower = d - ((a.estimate - a.lower).powi(2) + (b.upper - b.estimate).powi(2)).sqrt();
        let upper = d + ((a.upper - a.estimate).powi(2) + (b.estimate - b.lower).powi(2)).sqrt();
        Difference {
            estimate: d,
            lower: lower.max(-1.0),
            upper: upper.min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn edges() {
        assert_eq!(wilson_bounds(0, 0, 1.96), None);
        assert_eq!(wilson_bounds(3, 2, 1.96), None);
        assert_eq!(wilson_bounds(1, 2, f64::NAN), None);
        assert_eq!(Proportion::wilson(1, 2, 1.0), None);
        let all = Proportion::wilson(20, 20, 0.95).unwrap();
        assert_eq!(all.upper, 1.0);
        // R: prop.test(7, 20, correct = FALSE)$conf.int = 0.1811918 0.5671457.
        let p = Proportion::wilson(7, 20, 0.95).unwrap();
        assert!((p.lower - 0.181_191_8).abs() < 1e-7 && (p.upper - 0.567_145_7).abs() < 1e-7);
    }

    proptest! {
        #[test]
        fn interval_holds_the_estimate(n in 1u64..10_000, share in 0.0f64..=1.0, conf in 0.01f64..0.999) {
            let x = ((n as f64) * share).floor() as u64;
            let p = Proportion::wilson(x, n, conf).unwrap();
            prop_assert!(0.0 <= p.lower && p.lower <= p.estimate + 1e-12);
            prop_assert!(p.estimate <= p.upper + 1e-12 && p.upper <= 1.0);
        }
    }
}
