//! A short summary of a sample of durations or amounts.

use cocreate_stats::quantile_sorted;

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
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
            median: quantile_sorted(values, 0.5),
            p90: quantile_sorted(values, 0.9),
            min: values.first().copied(),
            max: values.last().copied(),
        }
    }
}
