//! Small statistics shared by the analytics: summaries, quantiles, proportions.

use statrs::distribution::{ContinuousCDF, Normal};

/// Mean, median, 90th percentile, minimum and maximum of a sample.
///
/// The median of an even-sized sample is the mean of the two middle values; the 90th
/// percentile interpolates linearly between order statistics (Hyndman & Fan type 7, the
/// default of R's `quantile` and numpy's `percentile`). Every statistic is `None` for an
/// empty sample.
///
/// ```
/// use cocreate_journey::Summary;
///
/// let s = Summary::of(&mut vec![4.0, 1.0, 3.0, 2.0]);
/// assert_eq!(s.n, 4);
/// assert_eq!(s.median, Some(2.5));
/// assert_eq!(s.p90, Some(3.7));
/// assert_eq!(Summary::of(&mut Vec::new()).mean, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Summary {
    /// Sample size.
    pub n: u64,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 90th percentile (type 7).
    pub p90: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

impl Summary {
    /// Summarises `values` (sorting them in place).
    ///
    /// ```
    /// use cocreate_journey::Summary;
    ///
    /// let s = Summary::of(&mut vec![10.0]);
    /// assert_eq!((s.min, s.max, s.p90), (Some(10.0), Some(10.0), Some(10.0)));
    /// ```
    pub fn of(values: &mut [f64]) -> Summary {
        values.sort_unstable_by(f64::total_cmp);
        let n = values.len();
        if n == 0 {
            return Summary {
                n: 0,
                mean: None,
                median: None,
                p90: None,
                min: None,
                max: None,
            };
        }
        Summary {
            n: n as u64,
            mean: Some(values.iter().sum::<f64>() / n as f64),
            median: Some(quantile_sorted(values, 0.5)),
            p90: Some(quantile_sorted(values, 0.9)),
            min: values.first().copied(),
            max: values.last().copied(),
        }
    }
}

/// Type-7 quantile of a sorted, non-empty sample.
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Median of a non-empty sample (reordering it).
pub(crate) fn median_in_place(values: &mut [f64]) -> f64 {
    let n = values.len();
    let mid = n / 2;
    let (_, &mut upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        let lower = values[..mid]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

/// Sample standard deviation (n − 1 in the denominator), two-pass; `None` below n = 2.
pub(crate) fn sample_sd(values: &[f64], mean: f64) -> Option<f64> {
    (values.len() >= 2).then(|| {
        let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        (ss / (values.len() - 1) as f64).sqrt()
    })
}

/// A proportion x/n with its Wilson score interval.
///
/// ```
/// use cocreate_journey::Proportion;
///
/// let p = Proportion::wilson(30, 100, 0.95).unwrap();
/// assert_eq!(p.estimate, 0.3);
/// assert!((p.lower - 0.2189).abs() < 1e-4 && (p.upper - 0.3958).abs() < 1e-4);
/// assert!(Proportion::wilson(0, 0, 0.95).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Proportion {
    /// Events.
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

/// The two-sided normal quantile for a confidence level in (0, 1).
pub(crate) fn z_for(confidence: f64) -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

impl Proportion {
    /// x/n with the Wilson score interval at `confidence` (Wilson 1927); `None` when
    /// n = 0 or x > n or the confidence is not in (0, 1).
    ///
    /// ```
    /// use cocreate_journey::Proportion;
    ///
    /// let p = Proportion::wilson(0, 20, 0.95).unwrap();
    /// assert_eq!(p.lower, 0.0);
    /// assert!(p.upper > 0.15);
    /// ```
    pub fn wilson(x: u64, n: u64, confidence: f64) -> Option<Proportion> {
        if n == 0 || x > n || !(confidence > 0.0 && confidence < 1.0) {
            return None;
        }
        let z = z_for(confidence);
        let nf = n as f64;
        let p = x as f64 / nf;
        let z2 = z * z;
        let denom = 1.0 + z2 / nf;
        let center = (p + z2 / (2.0 * nf)) / denom;
        let half = z / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
        Some(Proportion {
            x,
            n,
            estimate: p,
            // At x = 0 and x = n the bounds are exactly 0 and 1; avoid rounding residue.
            lower: if x == 0 {
                0.0
            } else {
                (center - half).max(0.0)
            },
            upper: if x == n {
                1.0
            } else {
                (center + half).min(1.0)
            },
        })
    }
}

/// A difference of two independent proportions with Newcombe's hybrid score interval.
///
/// ```
/// use cocreate_journey::{Difference, Proportion};
///
/// let a = Proportion::wilson(56, 70, 0.95).unwrap();
/// let b = Proportion::wilson(48, 80, 0.95).unwrap();
/// let d = Difference::newcombe(&a, &b);
/// assert!((d.estimate - 0.2).abs() < 1e-12);
/// assert!((d.lower - 0.0524).abs() < 1e-4 && (d.upper - 0.3339).abs() < 1e-4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    /// use cocreate_journey::{Difference, Proportion};
    ///
    /// let a = Proportion::wilson(5, 10, 0.95).unwrap();
    /// let d = Difference::newcombe(&a, &a);
    /// assert_eq!(d.estimate, 0.0);
    /// assert!(d.lower < 0.0 && d.upper > 0.0);
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

    #[test]
    fn medians_and_quantiles_follow_numpy() {
        let mut v = vec![5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(median_in_place(&mut v), 3.0);
        let mut v = vec![7.0, 1.0, 4.0, 2.0];
        assert_eq!(median_in_place(&mut v), 3.0);
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert!((quantile_sorted(&sorted, 0.9) - 9.1).abs() < 1e-12);
        assert_eq!(sample_sd(&[1.0], 1.0), None);
        assert_eq!(sample_sd(&[1.0, 3.0], 2.0), Some(2f64.sqrt()));
    }
}
