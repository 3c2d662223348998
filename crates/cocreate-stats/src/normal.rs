//! The standard normal distribution's constants and quantiles.

use statrs::distribution::{ContinuousCDF, Normal};

/// ln(2π), the constant of every normal log-likelihood.
pub const LN_2PI: f64 = 1.837_877_066_409_345_3;

/// The two-sided standard normal quantile for a confidence level: z with
/// P(|Z| ≤ z) = `confidence` (1.959964 for 0.95). `None` unless `confidence` is in (0, 1).
pub fn two_sided_z(confidence: f64) -> Option<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    Some(Normal::standard().inverse_cdf(1.0 - (1.0 - confidence) / 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert!((LN_2PI - (2.0 * std::f64::consts::PI).ln()).abs() < 1e-15);
        // R: qnorm(0.975) = 1.959963984540054.
        assert!((two_sided_z(0.95).unwrap() - 1.959_963_984_540_054).abs() < 1e-12);
        assert_eq!(two_sided_z(1.0), None);
        assert_eq!(two_sided_z(f64::NAN), None);
    }
}
