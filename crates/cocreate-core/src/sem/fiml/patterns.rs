//! Missing-data patterns: the rows grouped by which variables they observe, the
//! observed-data log-likelihood at any `(μ, Σ)` and the saturated model by EM.
//!
//! For a pattern with observed set `o` the casewise log-likelihood is
//! `−½ [p_o log 2π + log|Σ_oo| + r' Σ_oo⁻¹ r]`, `r = x_o − μ_o`. With `W = Σ⁻¹` and missing
//! set `m`, `Σ_oo⁻¹` (embedded with zeros) is `W − W_·m W_mm⁻¹ W_m·` and
//! `log|Σ_oo| = log|Σ| + log|W_mm|` (Schur complements), so only one `p × p`
//! factorisation per evaluation is needed. The saturated (H1) model is estimated by EM
//! (Dempster, Laird & Rubin 1977).

use cocreate_stats::LN_2PI;
use nalgebra::{DMatrix, DVector};

use super::super::error::SemError;
use super::super::linalg::{dot, Chol};

/// Rows sharing a missingness pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub obs: Vec<usize>,
    pub mis: Vec<usize>,
    pub rows: Vec<usize>,
}

/// The data by pattern, row-major, with the complete rows' sufficient statistics.
pub(crate) struct FimlData {
    pub p: usize,
    pub n: usize,
    pub values: Vec<f64>,
    pub patterns: Vec<Pattern>,
}

impl FimlData {
    pub fn new(data: &DMatrix<f64>) -> FimlData {
        let (n, p) = data.shape();
        let values: Vec<f64> = (0..n)
            .flat_map(|r| (0..p).map(move |j| (r, j)))
            .map(|(r, j)| data[(r, j)])
            .collect();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut index: std::collections::HashMap<Vec<bool>, usize> =
            std::collections::HashMap::new();
        for r in 0..n {
            let mask: Vec<bool> = (0..p).map(|j| !values[r * p + j].is_nan()).collect();
            let k = *index.entry(mask.clone()).or_insert_with(|| {
                patterns.push(Pattern {
                    obs: (0..p).filter(|&j| mask[j]).collect(),
                    mis: (0..p).filter(|&j| !mask[j]).collect(),
                    rows: Vec::new(),
                });
                patterns.len() - 1
            });
            patterns[k].rows.push(r);
        }
        patterns.sort_by_key(|pt| (pt.mis.len(), pt.mis.clone()));
        FimlData {
            p,
            n,
            values,
            patterns,
        }
    }

    pub fn row(&self, r: usize) -> &[f64] {
        &self.values[r * self.p..(r + 1) * self.p]
    }
}

/// Per-pattern pieces of `Σ_oo⁻¹` from the full inverse.
pub(super) struct PatternInverse {
    /// `W_mm⁻¹`.
    pub wmm_inv: DMatrix<f64>,
    /// `log|W_mm|`.
    pub logdet_wmm: f64,
}

pub(super) fn pattern_inverse(w: &DMatrix<f64>, mis: &[usize]) -> Option<PatternInverse> {
    if mis.is_empty() {
        return Some(PatternInverse {
            wmm_inv: DMatrix::zeros(0, 0),
            logdet_wmm: 0.0,
        });
    }
    let k = mis.len();
    let wmm = DMatrix::from_fn(k, k, |a, b| w[(mis[a], mis[b])]);
    let ch = Chol::new(&wmm)?;
    Some(PatternInverse {
        wmm_inv: ch.inverse(),
        logdet_wmm: ch.logdet(),
    })
}

/// `Σ_oo⁻¹ r` embedded in p (zeros at missing), from `t = W r̃`.
fn project(w: &DMatrix<f64>, mis: &[usize], pi: &PatternInverse, t: &mut [f64]) {
    if mis.is_empty() {
        return;
    }
    let k = mis.len();
    let tm: Vec<f64> = mis.iter().map(|&j| t[j]).collect();
    let mut coef = vec![0.0; k];
    for a in 0..k {
        for b in 0..k {
            coef[a] += pi.wmm_inv[(a, b)] * tm[b];
        }
    }
    let p = t.len();
    for (a, &j) in mis.iter().enumerate() {
        let ca = coef[a];
        if ca != 0.0 {
            for i in 0..p {
                t[i] -= w[(i, j)] * ca;
            }
        }
    }
    for &j in mis {
        t[j] = 0.0;
    }
}

/// For one row: `r = x − μ` (0 where missing) and `t = Σ_oo⁻¹ r` embedded in p.
pub(super) fn residual_and_z(
    x: &[f64],
    mu: &DVector<f64>,
    w: &DMatrix<f64>,
    mis: &[usize],
    pi: &PatternInverse,
    r: &mut [f64],
    t: &mut [f64],
) {
    let p = x.len();
    for j in 0..p {
        r[j] = if x[j].is_nan() { 0.0 } else { x[j] - mu[j] };
    }
    for i in 0..p {
        t[i] = dot(&w.as_slice()[i * p..(i + 1) * p], r);
    }
    project(w, mis, pi, t);
}

/// Total log-likelihood at `(μ, Σ)`; `None` if Σ is not positive definite.
pub(crate) fn loglik(fd: &FimlData, mu: &DVector<f64>, sigma: &DMatrix<f64>) -> Option<f64> {
    let p = fd.p;
    let ch = Chol::new(sigma)?;
    let w = ch.inverse();
    let logdet = ch.logdet();
    let mut ll = 0.0;
    let mut t = vec![0.0; p];
    let mut r = vec![0.0; p];
    for pt in &fd.patterns {
        let pi = pattern_inverse(&w, &pt.mis)?;
        let ld = logdet + pi.logdet_wmm;
        let po = pt.obs.len() as f64;
        for &row in &pt.rows {
            residual_and_z(fd.row(row), mu, &w, &pt.mis, &pi, &mut r, &mut t);
            let quad = dot(&r, &t);
            ll -= 0.5 * (po * LN_2PI + ld + quad);
        }
    }
    Some(ll)
}

/// The saturated model by EM: means and covariance (N denominator).
pub(crate) fn em_saturated(
    fd: &FimlData,
    max_iter: usize,
) -> Result<(DVector<f64>, DMatrix<f64>, usize), SemError> {
    let p = fd.p;
    // Start: available-case means and variances, zero covariances.
    let mut mu = DVector::<f64>::zeros(p);
    let mut sigma = DMatrix::<f64>::zeros(p, p);
    for j in 0..p {
        let vals: Vec<f64> = (0..fd.n)
            .map(|r| fd.row(r)[j])
            .filter(|v| !v.is_nan())
            .collect();
        if vals.len() < 2 {
            return Err(SemError::TooFewRows { n: vals.len(), p });
        }
        let m = vals.iter().sum::<f64>() / vals.len() as f64;
        let v = vals.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / vals.len() as f64;
        mu[j] = m;
        sigma[(j, j)] = v;
    }
    let nf = fd.n as f64;
    let mut xhat = vec![0.0; p];
    for it in 1..=max_iter {
        let ch = Chol::new(&sigma).ok_or_else(|| SemError::SampleCovNotPd {
            detail: "the EM estimate of the covariance matrix became singular".into(),
            variables: Vec::new(),
        })?;
        let w = ch.inverse();
        let mut t1 = DVector::<f64>::zeros(p);
        let mut t2 = DMatrix::<f64>::zeros(p, p);
        for pt in &fd.patterns {
            let k = pt.mis.len();
            let pi = pattern_inverse(&w, &pt.mis).ok_or(SemError::SingularStructure)?;
            for &row in &pt.rows {
                let x = fd.row(row);
                for j in 0..p {
                    xhat[j] = if x[j].is_nan() { mu[j] } else { x[j] };
                }
                if k > 0 {
                    // E[x_m | x_o] = μ_m − W_mm⁻¹ W_mo (x_o − μ_o)
                    let mut t = vec![0.0; k];
                    for (a, &m) in pt.mis.iter().enumerate() {
                        for &o in &pt.obs {
                            t[a] += w[(m, o)] * (x[o] - mu[o]);
                        }
                    }
                    for (a, &m) in pt.mis.iter().enumerate() {
                        let mut s = 0.0;
                        for b in 0..k {
                            s += pi.wmm_inv[(a, b)] * t[b];
                        }
                        xhat[m] = mu[m] - s;
                    }
                }
                for i in 0..p {
                    t1[i] += xhat[i];
                    let xi = xhat[i];
                    for j in 0..=i {
                        t2[(i, j)] += xi * xhat[j];
                    }
                }
                // Conditional covariance of the missing part: W_mm⁻¹.
                for (a, &ma) in pt.mis.iter().enumerate() {
                    for (b, &mb) in pt.mis.iter().enumerate() {
                        if mb <= ma {
                            t2[(ma, mb)] += pi.wmm_inv[(a, b)];
                        }
                    }
                }
            }
        }
        let new_mu = &t1 / nf;
        let mut new_sigma = DMatrix::<f64>::zeros(p, p);
        for i in 0..p {
            for j in 0..=i {
                let v = t2[(i, j)] / nf - new_mu[i] * new_mu[j];
                new_sigma[(i, j)] = v;
                new_sigma[(j, i)] = v;
            }
        }
        let change = (0..p)
            .map(|i| (new_mu[i] - mu[i]).abs() / sigma[(i, i)].sqrt())
            .chain(
                (0..p)
                    .flat_map(|i| (0..=i).map(move |j| (i, j)))
                    .map(|(i, j)| {
                        let d: f64 = new_sigma[(i, j)] - sigma[(i, j)];
                        d.abs() / (sigma[(i, i)] * sigma[(j, j)]).sqrt()
                    }),
            )
            .fold(0.0f64, f64::max);
        mu = new_mu;
        sigma = new_sigma;
        if change < 1e-11 {
            return Ok((mu, sigma, it));
        }
    }
    Err(SemError::NotConverged {
        iterations: max_iter,
        gradient_norm: f64::NAN,
        reason: "the EM algorithm for the saturated model did not converge".into(),
    })
}

/// `Σ_oo⁻¹` embedded in p × p.
pub(super) fn embedded_inverse(
    w: &DMatrix<f64>,
    mis: &[usize],
    pi: &PatternInverse,
) -> DMatrix<f64> {
    let mut wk = w.clone();
    if mis.is_empty() {
        return wk;
    }
    let p = w.nrows();
    let k = mis.len();
    // wk -= W[:, m] Wmm⁻¹ W[m, :]
    let wm = DMatrix::from_fn(p, k, |i, a| w[(i, mis[a])]);
    let corr = &wm * &pi.wmm_inv * wm.transpose();
    wk -= corr;
    for &j in mis {
        for i in 0..p {
            wk[(i, j)] = 0.0;
            wk[(j, i)] = 0.0;
        }
    }
    wk
}
