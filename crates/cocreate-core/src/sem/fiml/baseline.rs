//! The baseline (independence) model under full-information ML, as lavaan's
//! `lav_object_independence` builds it: every variable that is not a fixed covariate has a
//! free mean and variance and no covariance, and the fixed covariates keep one block fixed
//! at the sample moments lavaan stores for them, the pairwise-complete covariances
//! (per-pair `n − 1` denominators rescaled by `(N − 1)/N`) and the available-case means.
//! With every covariate observed (`missing = "ml"`) those are the sample moments; with
//! `missing = "ml.x"` and missing covariate cells they differ from the EM estimates the
//! structured model uses, and the baseline's log-likelihood of the covariates is their
//! observed-data likelihood at these moments (`docs/methods/sem.md`).

use cocreate_stats::LN_2PI;
use nalgebra::{DMatrix, DVector};

use super::super::ram::Compiled;
use super::patterns::{loglik, FimlData};

/// The fitted baseline model.
pub(crate) struct Baseline {
    /// Its log-likelihood (all variables, covariates included).
    pub logl: f64,
    /// Degrees of freedom against the saturated model.
    pub df: f64,
    /// Mean of every variable (available cases; covariates as fixed).
    pub mean: DVector<f64>,
    /// The implied covariance: the variances of the non-covariates (available cases,
    /// `N` denominator) on the diagonal, the fixed covariate block, zeros elsewhere.
    pub cov: DMatrix<f64>,
}

/// Available-case mean and variance (`n` denominator) of column `j`, with the count.
fn available(data: &DMatrix<f64>, j: usize) -> (f64, f64, usize) {
    let vals: Vec<f64> = data
        .column(j)
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .collect();
    let k = vals.len() as f64;
    let m = vals.iter().sum::<f64>() / k;
    let v = vals.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / k;
    (m, v, vals.len())
}

/// R's `cov(use = "pairwise")` of the columns `cols` (each pair over the rows where both
/// are observed, with their means over those rows and an `n_ab − 1` denominator), times
/// `(n − 1)/n` as lavaan rescales it.
fn pairwise_cov(data: &DMatrix<f64>, cols: &[usize]) -> DMatrix<f64> {
    let k = cols.len();
    let n = data.nrows() as f64;
    let mut out = DMatrix::zeros(k, k);
    for a in 0..k {
        for b in 0..=a {
            let (ca, cb) = (data.column(cols[a]), data.column(cols[b]));
            let pairs: Vec<(f64, f64)> = ca
                .iter()
                .zip(cb.iter())
                .filter(|(x, y)| !x.is_nan() && !y.is_nan())
                .map(|(x, y)| (*x, *y))
                .collect();
            let m = pairs.len() as f64;
            let (mx, my) = pairs
                .iter()
                .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x / m, sy + y / m));
            let s = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum::<f64>();
            let v = s / (m - 1.0) * (n - 1.0) / n;
            out[(a, b)] = v;
            out[(b, a)] = v;
        }
    }
    out
}

impl Baseline {
    /// Fits the baseline model to the data (rows × observed variables, NaN = missing).
    pub fn new(c: &Compiled, data: &DMatrix<f64>) -> Baseline {
        let p = c.p;
        let px = c.x_idx.len();
        let mut mean = DVector::zeros(p);
        let mut cov = DMatrix::zeros(p, p);
        let mut logl = 0.0;
        for j in (0..p).filter(|j| !c.x_idx.contains(j)) {
            let (m, v, k) = available(data, j);
            mean[j] = m;
            cov[(j, j)] = v;
            logl -= 0.5 * k as f64 * (LN_2PI + v.ln() + 1.0);
        }
        if px > 0 {
            let sxx = pairwise_cov(data, &c.x_idx);
            let xs = DMatrix::from_fn(data.nrows(), px, |r, a| data[(r, c.x_idx[a])]);
            let mx = DVector::from_fn(px, |a, _| available(data, c.x_idx[a]).0);
            // The observed-data likelihood of the covariates at these moments (NaN when
            // the pairwise matrix is not positive definite).
            logl += loglik(&FimlData::new(&xs), &mx, &sxx).unwrap_or(f64::NAN);
            for (a, &i) in c.x_idx.iter().enumerate() {
                mean[i] = mx[a];
                for (b, &j) in c.x_idx.iter().enumerate() {
                    cov[(i, j)] = sxx[(a, b)];
                }
            }
        }
        let df = (p * (p + 3) / 2 - px * (px + 3) / 2 - 2 * (p - px)) as f64;
        Baseline {
            logl,
            df,
            mean,
            cov,
        }
    }
}
