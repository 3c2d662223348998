//! Order statistics by R's definitions (`quantile(type = 7)`, `median`).

/// The `p` quantile of a sample sorted ascending, by linear interpolation between order
/// statistics (R's type 7, numpy's default): `h = (n − 1) p`,
/// `Q = x[⌊h⌋] + (h − ⌊h⌋) (x[⌊h⌋+1] − x[⌊h⌋])`. `None` when the sample is empty or `p`
/// is outside `[0, 1]`.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The median of a sample sorted ascending (the mean of the two middle values for an even
/// count); `None` when empty.
pub fn median_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The median of an unsorted sample in O(n), reordering the slice; `None` when empty. The
/// values are ordered by `f64::total_cmp`, so a NaN counts as larger than every number:
/// filter NaNs first when they mean "missing" ([`median_finite`] does).
pub fn median_in_place(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (below, &mut upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        Some(upper)
    } else {
        let lower = below
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(upper);
        Some((lower + upper) / 2.0)
    }
}

/// The median of the values that are not NaN (NaN marks a missing answer), as R's
/// `median(x, na.rm = TRUE)`; `None` when no value is left.
pub fn median_finite(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut kept: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    median_in_place(&mut kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn match_r() {
        // R: quantile(c(10, 20, 40, 80), c(.25, .5, .75)) gives 17.5, 30, 50.
        let x = [10.0, 20.0, 40.0, 80.0];
        assert_eq!(quantile_sorted(&x, 0.25), Some(17.5));
        assert_eq!(quantile_sorted(&x, 0.5), Some(30.0));
        assert_eq!(quantile_sorted(&x, 0.75), Some(50.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile_sorted(&ten, 0.9).unwrap() - 9.1).abs() < 1e-12);
        assert_eq!(median_sorted(&[7.0]), Some(7.0));
        assert_eq!(median_sorted(&[]), None);
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile_sorted(&x, 1.5), None);
        assert_eq!(median_in_place(&mut [5.0, 1.0, 4.0, 2.0, 3.0]), Some(3.0));
        assert_eq!(median_in_place(&mut [7.0, 1.0, 4.0, 2.0]), Some(3.0));
        assert_eq!(median_finite([f64::NAN, 2.0, 4.0]), Some(3.0));
        assert_eq!(median_finite([f64::NAN]), None);
    }

    proptest! {
        #[test]
        fn the_three_medians_agree(mut v in proptest::collection::vec(-1e6f64..1e6, 1..60)) {
            let a = median_finite(v.iter().copied());
            let b = median_in_place(&mut v.clone());
            v.sort_by(f64::total_cmp);
            prop_assert_eq!(a, median_sorted(&v));
            prop_assert_eq!(b, median_sorted(&v));
            // R's quantile(x, 0.5) interpolates (a + (b − a)/2), R's median averages
            // ((a + b)/2): equal but for the last bit.
            let (q, m) = (quantile_sorted(&v, 0.5).unwrap(), median_sorted(&v).unwrap());
            prop_assert!((q - m).abs() <= 1e-12 * m.abs().max(1.0));
        }
    }
}
