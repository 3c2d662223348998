//! Order statistics and moments of small samples of scores.
//!
//! Every function takes the sample sorted ascending, so that results do not depend on the
//! order in which respondents were given (sums of floating-point numbers do).

/// The mean of a sorted sample (`None` when empty).
pub(crate) fn mean(sorted: &[f64]) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted.iter().sum::<f64>() / sorted.len() as f64)
}

/// The sample quantile by linear interpolation between order statistics (R's type 7):
/// `h = (n − 1)p`, `Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])`.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The median of a sorted sample.
pub(crate) fn median(sorted: &[f64]) -> Option<f64> {
    quantile(sorted, 0.5)
}

/// The sample standard deviation (divisor n − 1); `None` for fewer than two values.
pub(crate) fn std_dev(sorted: &[f64]) -> Option<f64> {
    if sorted.len() < 2 {
        return None;
    }
    let m = mean(sorted)?;
    let ss: f64 = sorted.iter().map(|x| (x - m) * (x - m)).sum();
    Some((ss / (sorted.len() - 1) as f64).sqrt())
}

/// Sorts a sample ascending (scores are never NaN here; `total_cmp` keeps it total).
pub(crate) fn sort(values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_r_type_7() {
        // R: quantile(c(10, 20, 40, 80), c(.25, .5, .75)) gives 17.5, 30, 50.
        let x = [10.0, 20.0, 40.0, 80.0];
        assert_eq!(quantile(&x, 0.25), Some(17.5));
        assert_eq!(median(&x), Some(30.0));
        assert_eq!(quantile(&x, 0.75), Some(50.0));
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn sample_standard_deviation() {
        // R: sd(c(2, 4, 4, 4, 5, 5, 7, 9)) = 2.13809
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!((std_dev(&x).unwrap() - 2.138_089_935_299_395).abs() < 1e-12);
        assert_eq!(std_dev(&[1.0]), None);
        assert_eq!(mean(&x), Some(5.0));
    }
}
