//! The first step: each variable on its own. An ordered variable's thresholds are the
//! normal quantiles of its cumulative proportions (the maximum-likelihood estimates of a
//! probit model without predictors, lavaan's `lav_uvord_fit`); a numeric variable's mean
//! and variance are its maximum-likelihood ones (`lav_uvreg_fit`, variance over N).

use super::bvnorm::{dnorm, pnorm, qnorm};

/// The thresholds of an ordered variable and the model probability of each category.
#[derive(Debug, Clone)]
pub(crate) struct OrderedFit {
    /// τ₁ < … < τ_{K−1}.
    pub thresholds: Vec<f64>,
    /// Φ(τ_k).
    pub cdf: Vec<f64>,
    /// π_c = Φ(τ_c) − Φ(τ_{c−1}), c = 0..K (0-based, τ₋₁ = −∞, τ_{K−1} = ∞), computed from
    /// the upper tails when the lower bound is above 1 (as lavaan does).
    pub probs: Vec<f64>,
}

impl OrderedFit {
    /// The fit from the category counts (every count positive).
    pub(crate) fn new(counts: &[usize]) -> OrderedFit {
        let n: usize = counts.iter().sum();
        let mut cum = 0usize;
        let thresholds: Vec<f64> = counts[..counts.len() - 1]
            .iter()
            .map(|&c| {
                cum += c;
                qnorm(cum as f64 / n as f64)
            })
            .collect();
        let mut fit = OrderedFit {
            cdf: thresholds.iter().map(|&t| pnorm(t)).collect(),
            thresholds,
            probs: Vec::new(),
        };
        fit.probs = (0..counts.len())
            .map(|c| {
                let (lo, up) = (fit.lower(c), fit.upper(c));
                if lo > 1.0 {
                    pnorm(-lo) - pnorm(-up)
                } else {
                    pnorm(up) - pnorm(lo)
                }
            })
            .collect();
        fit
    }

    /// Number of thresholds, K − 1.
    pub(crate) fn n_thresholds(&self) -> usize {
        self.thresholds.len()
    }

    /// The upper threshold of category `c` (0-based), +∞ for the last.
    pub(crate) fn upper(&self, c: usize) -> f64 {
        self.thresholds.get(c).copied().unwrap_or(f64::INFINITY)
    }

    /// The lower threshold of category `c` (0-based), −∞ for the first.
    pub(crate) fn lower(&self, c: usize) -> f64 {
        if c == 0 {
            f64::NEG_INFINITY
        } else {
            self.thresholds[c - 1]
        }
    }

    /// The casewise score of one answer in category `c`: the derivative of its
    /// log-likelihood log π_c in the thresholds, nonzero at τ_c (φ(τ_c)/π_c) and
    /// τ_{c−1} (−φ(τ_{c−1})/π_c). Returned as (index, value) pairs.
    pub(crate) fn score(&self, c: usize) -> [(usize, f64); 2] {
        let pi = self.probs[c];
        let up = if c < self.n_thresholds() {
            (c, dnorm(self.thresholds[c]) / pi)
        } else {
            (0, 0.0)
        };
        let lo = if c > 0 {
            (c - 1, -dnorm(self.thresholds[c - 1]) / pi)
        } else {
            (0, 0.0)
        };
        [up, lo]
    }
}

/// The mean and variance (over N) of a numeric variable.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NumericFit {
    pub mean: f64,
    pub variance: f64,
}

impl NumericFit {
    pub(crate) fn new(values: &[f64]) -> NumericFit {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        NumericFit { mean, variance }
    }

    pub(crate) fn sd(&self) -> f64 {
        self.variance.sqrt()
    }

    /// The casewise score of one value in (mean, variance): ((y − μ)/σ²,
    /// −1/(2σ²) + (y − μ)²/(2σ⁴)).
    pub(crate) fn score(&self, y: f64) -> [f64; 2] {
        let r = y - self.mean;
        let v = self.variance;
        [r / v, -1.0 / (2.0 * v) + r * r / (2.0 * v * v)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_quantiles_of_cumulative_proportions() {
        let fit = OrderedFit::new(&[10, 30, 40, 20]);
        assert_eq!(fit.thresholds.len(), 3);
        assert!((fit.thresholds[0] - qnorm(0.1)).abs() < 1e-15);
        assert!((fit.thresholds[1] - qnorm(0.4)).abs() < 1e-15);
        assert!((fit.thresholds[2] - qnorm(0.8)).abs() < 1e-15);
        let total: f64 = fit.probs.iter().sum();
        assert!((total - 1.0).abs() < 1e-14);
        assert!((fit.probs[1] - 0.3).abs() < 1e-14);
        // The scores of the answers sum to zero at the estimates (they are the ML
        // estimates).
        let counts = [10.0, 30.0, 40.0, 20.0];
        for k in 0..3 {
            let total: f64 = (0..4)
                .map(|c| {
                    counts[c]
                        * fit
                            .score(c)
                            .iter()
                            .filter(|(i, v)| *i == k && *v != 0.0)
                            .map(|(_, v)| v)
                            .sum::<f64>()
                })
                .sum();
            assert!(total.abs() < 1e-12, "threshold {k}: {total}");
        }
    }

    #[test]
    fn numeric_fit_is_ml() {
        let f = NumericFit::new(&[1.0, 2.0, 3.0, 6.0]);
        assert_eq!(f.mean, 3.0);
        assert_eq!(f.variance, 3.5);
        let total: [f64; 2] = [1.0, 2.0, 3.0, 6.0].iter().fold([0.0, 0.0], |acc, &y| {
            let s = f.score(y);
            [acc[0] + s[0], acc[1] + s[1]]
        });
        assert!(total[0].abs() < 1e-15 && total[1].abs() < 1e-15);
    }
}
