//! Full-information maximum likelihood with missing data.
//!
//! Rows are grouped by missingness pattern. For a pattern with observed set `o` the
//! casewise log-likelihood is `−½ [p_o log 2π + log|Σ_oo| + r' Σ_oo⁻¹ r]`, `r = x_o − μ_o`.
//! With `W = Σ⁻¹` and missing set `m`, `Σ_oo⁻¹` (embedded with zeros) is
//! `W − W_·m W_mm⁻¹ W_m·` and `log|Σ_oo| = log|Σ| + log|W_mm|` (Schur complements), so
//! only one `p × p` factorisation per evaluation is needed.
//!
//! The saturated (H1) model is estimated by EM (Dempster, Laird & Rubin 1977); the
//! structured model starts from an ML fit to the EM moments and is optimised by scoring
//! with the complete-data information as curvature. Standard errors come from the
//! analytic observed information (the Hessian of −2 log L), as lavaan's default for
//! `missing = "ml"`.

use nalgebra::{DMatrix, DVector};

use super::engine::{assemble, check_df, Assembly, Prepared};
use super::error::{SemError, SemWarning};
use super::fit_measures::{self, FitInput};
use super::inference::spd_inverse;
use super::linalg::Chol;
use super::ml::{chain, cross_trace, second_derivative_term, trace_pair, MlProblem, Moments};
use super::optim::{fisher_scoring, Objective};
use super::options::{Information, SeMethod, SemOptions};
use super::ram::{Compiled, ExoMoments, RamMatrices};
use super::results::SemFit;

const LN_2PI: f64 = 1.837_877_066_409_345_3;

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

    fn row(&self, r: usize) -> &[f64] {
        &self.values[r * self.p..(r + 1) * self.p]
    }
}

/// Per-pattern pieces of `Σ_oo⁻¹` from the full inverse.
struct PatternInverse {
    /// `W_mm⁻¹`.
    wmm_inv: DMatrix<f64>,
    /// `log|W_mm|`.
    logdet_wmm: f64,
}

fn pattern_inverse(w: &DMatrix<f64>, mis: &[usize]) -> Option<PatternInverse> {
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
fn residual_and_z(
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
        t[i] = super::linalg::dot(&w.as_slice()[i * p..(i + 1) * p], r);
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
            let quad = super::linalg::dot(&r, &t);
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

/// The FIML objective `−2 log L / N` of the structured model.
struct FimlProblem<'a> {
    c: &'a Compiled,
    fd: &'a FimlData,
    exo: ExoMoments,
    ram: RamMatrices,
    x: DMatrix<f64>,
}

impl<'a> FimlProblem<'a> {
    fn new(c: &'a Compiled, fd: &'a FimlData, exo: ExoMoments) -> FimlProblem<'a> {
        FimlProblem {
            c,
            fd,
            exo,
            ram: RamMatrices::new(c.n),
            x: DMatrix::zeros(c.p, c.p_cols.len() + c.q_cols.len()),
        }
    }
}

/// Everything one evaluation produces.
struct Eval {
    f: f64,
    w: DMatrix<f64>,
    /// `Σ_k n_k (W_k − W_k C_k W_k)` embedded: −2 ∂log L/∂Σ.
    g_sigma: DMatrix<f64>,
    /// `Σ_rows W_k r`: ∂log L/∂μ.
    sum_z: DVector<f64>,
}

impl FimlProblem<'_> {
    fn evaluate(&mut self, theta: &[f64], with_gradient: bool) -> Option<Eval> {
        let c = self.c;
        let p = c.p;
        c.fill(theta, &self.exo, &mut self.ram);
        self.ram.implied_sparse(c).ok()?;
        let sigma = self.ram.sigma(p);
        let mu = self.ram.mu(p);
        let ch = Chol::new(&sigma)?;
        let w = ch.inverse();
        let logdet = ch.logdet();
        let mut ll = 0.0;
        let mut g_sigma = DMatrix::zeros(p, p);
        let mut sum_z = DVector::zeros(p);
        let mut t = vec![0.0; p];
        let mut r = vec![0.0; p];
        for pt in &self.fd.patterns {
            let pi = pattern_inverse(&w, &pt.mis)?;
            let ld = logdet + pi.logdet_wmm;
            let po = pt.obs.len() as f64;
            let nk = pt.rows.len() as f64;
            for &row in &pt.rows {
                residual_and_z(self.fd.row(row), &mu, &w, &pt.mis, &pi, &mut r, &mut t);
                ll -= 0.5 * (po * LN_2PI + ld + super::linalg::dot(&r, &t));
                if with_gradient {
                    for i in 0..p {
                        sum_z[i] += t[i];
                        let ti = t[i];
                        if ti != 0.0 {
                            for j in 0..=i {
                                g_sigma[(i, j)] -= ti * t[j];
                            }
                        }
                    }
                }
            }
            if with_gradient {
                // + n_k W_k (embedded)
                let wk = embedded_inverse(&w, &pt.mis, &pi);
                for i in 0..p {
                    for j in 0..=i {
                        g_sigma[(i, j)] += nk * wk[(i, j)];
                    }
                }
            }
        }
        for i in 0..p {
            for j in 0..i {
                g_sigma[(j, i)] = g_sigma[(i, j)];
            }
        }
        let f = -2.0 * ll / self.fd.n as f64;
        f.is_finite().then_some(Eval {
            f,
            w,
            g_sigma,
            sum_z,
        })
    }
}

/// `Σ_oo⁻¹` embedded in p × p.
fn embedded_inverse(w: &DMatrix<f64>, mis: &[usize], pi: &PatternInverse) -> DMatrix<f64> {
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

impl Objective for FimlProblem<'_> {
    fn value(&mut self, theta: &[f64]) -> Option<f64> {
        self.evaluate(theta, false).map(|e| e.f)
    }

    fn value_grad_info(
        &mut self,
        theta: &[f64],
        _exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        let e = self.evaluate(theta, true)?;
        let nf = self.fd.n as f64;
        self.ram.basis(self.c, &mut self.x);
        let m = &e.g_sigma / nf;
        let wd = &e.sum_z / nf;
        // Curvature: the complete-data expected information at the current Σ.
        let (g, h) = chain(self.c, &self.ram, &self.x, &e.w, &m, &wd, Some(false));
        Some((e.f, g, h))
    }
}

/// The observed information (Hessian of `−2 log L / N`) at `theta`.
#[cfg(test)]
fn observed_hessian(prob: &mut FimlProblem, theta: &[f64]) -> Option<DMatrix<f64>> {
    information(prob, theta, false)
}

/// The observed information, or with `expected` the expected information under the
/// missingness patterns, `(1/N) Σ_k n_k [tr(W_k Σ_a W_k Σ_b) + 2 μ_a' W_k μ_b]`.
fn information(prob: &mut FimlProblem, theta: &[f64], expected: bool) -> Option<DMatrix<f64>> {
    let c = prob.c;
    let fd = prob.fd;
    let e = prob.evaluate(theta, true)?;
    prob.ram.basis(c, &mut prob.x);
    let x = &prob.x;
    let ram = &prob.ram;
    let p = c.p;
    let nb = x.ncols();
    let nf = fd.n as f64;
    let mu = ram.mu(p);
    let w = &e.w;
    let xt = x.transpose();
    let q = c.q();
    let cs: Vec<Vec<f64>> = c
        .plan
        .iter()
        .map(|plans| {
            plans
                .iter()
                .map(|d| d.c(c.meanstructure, &ram.nu))
                .collect()
        })
        .collect();
    let mut h = DMatrix::<f64>::zeros(q, q);
    let mut r = vec![0.0; p];
    let mut t = vec![0.0; p];
    for pt in &fd.patterns {
        let pi = pattern_inverse(w, &pt.mis)?;
        let wk = embedded_inverse(w, &pt.mis, &pi);
        let ak = &xt * &wk * x;
        let nk = pt.rows.len() as f64;
        // Zg = Σ_i v_i v_i', u = Σ_i v_i with v_i = X' W_k r_i.
        let mut zsum = DMatrix::<f64>::zeros(p, p);
        let mut zvec = DVector::<f64>::zeros(p);
        for &row in &pt.rows {
            residual_and_z(fd.row(row), &mu, w, &pt.mis, &pi, &mut r, &mut t);
            for i in 0..p {
                zvec[i] += t[i];
                for j in 0..p {
                    zsum[(i, j)] += t[i] * t[j];
                }
            }
        }
        let zg = &xt * &zsum * x;
        let u = &xt * &zvec;
        let _ = nb;
        for a in 0..q {
            for b in a..q {
                let mut v = 0.0;
                for (da, ca) in c.plan[a].iter().zip(&cs[a]) {
                    for (db, cb) in c.plan[b].iter().zip(&cs[b]) {
                        if expected {
                            v += nk * trace_pair(&ak, da, db);
                            if *ca != 0.0 && *cb != 0.0 {
                                v += 2.0 * nk * ca * cb * ak[(da.k, db.k)];
                            }
                            continue;
                        }
                        v -= nk * trace_pair(&ak, da, db);
                        v += 2.0 * cross_trace(&ak, &zg, da, db);
                        if *cb != 0.0 && da.s != 0.0 {
                            v += 2.0
                                * da.s
                                * cb
                                * (u[da.x] * ak[(da.y, db.k)] + u[da.y] * ak[(da.x, db.k)]);
                        }
                        if *ca != 0.0 && db.s != 0.0 {
                            v += 2.0
                                * db.s
                                * ca
                                * (u[db.x] * ak[(db.y, da.k)] + u[db.y] * ak[(db.x, da.k)]);
                        }
                        if *ca != 0.0 && *cb != 0.0 {
                            v += 2.0 * nk * ca * cb * ak[(da.k, db.k)];
                        }
                    }
                }
                h[(a, b)] += v;
            }
        }
    }
    // Second derivatives of Σ weighted by the total gradient.
    let gm = &xt * (&e.g_sigma * x);
    for a in 0..q {
        if expected {
            break;
        }
        for b in a..q {
            let mut v = 0.0;
            for da in &c.plan[a] {
                for db in &c.plan[b] {
                    v += second_derivative_term(c, ram, &gm, da.slot, db.slot);
                }
            }
            h[(a, b)] += v;
        }
    }
    for a in 0..q {
        for b in a..q {
            let v = h[(a, b)] / nf;
            h[(a, b)] = v;
            h[(b, a)] = v;
        }
    }
    Some(h)
}

/// What lavaan subtracts from the joint log-likelihood for the fixed covariates: the
/// complete-data normal log-likelihood of `n` rows at their saturated moments,
/// `−n/2 [p_x log 2π + log|S_xx| + p_x]`. With every covariate observed this is their
/// observed-data marginal at the sample moments; with `missing = "ml.x"` and missing
/// covariates `S_xx` is the covariate block of the EM estimates and the figure is no longer
/// a likelihood of the observed covariates (see `docs/methods/sem.md`).
fn x_marginal(c: &Compiled, fd: &FimlData, exo: &ExoMoments) -> f64 {
    if c.x_idx.is_empty() {
        return 0.0;
    }
    let px = c.x_idx.len() as f64;
    let ld = exo
        .cov
        .clone()
        .cholesky()
        .map_or(f64::NAN, |ch| super::ml::chol_logdet(&ch));
    -(fd.n as f64) / 2.0 * (px * (2.0 * std::f64::consts::PI).ln() + ld + px)
}

/// Moments of the fixed covariates: their sample moments when complete, else the
/// covariate block of the EM estimates.
fn covariate_moments(c: &Compiled, data: &DMatrix<f64>, fd: &FimlData) -> Option<ExoMoments> {
    let px = c.x_idx.len();
    if px == 0 {
        return Some(ExoMoments {
            cov: DMatrix::zeros(0, 0),
            mean: DVector::zeros(0),
        });
    }
    let complete = (0..data.nrows()).all(|r| c.x_idx.iter().all(|&i| !data[(r, i)].is_nan()));
    if complete {
        let xs = DMatrix::from_fn(data.nrows(), px, |r, a| data[(r, c.x_idx[a])]);
        let mo = super::engine::moments_of(&xs);
        return Some(ExoMoments {
            cov: mo.cov,
            mean: mo.mean,
        });
    }
    let (mu, sigma, _) = em_saturated(fd, 10_000).ok()?;
    Some(ExoMoments::from_sample(&c.x_idx, &sigma, &mu))
}

/// One FIML bootstrap replicate from row multiplicities.
fn fiml_replicate(
    c: &Compiled,
    data: &DMatrix<f64>,
    counts: &[u32],
    theta_hat: &[f64],
    options: &SemOptions,
) -> Option<Vec<f64>> {
    let idx: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(r, &k)| std::iter::repeat_n(r, k as usize))
        .collect();
    let sub = DMatrix::from_fn(idx.len(), c.p, |r, j| data[(idx[r], j)]);
    let fd = FimlData::new(&sub);
    let exo = covariate_moments(c, &sub, &fd)?;
    let mut prob = FimlProblem::new(c, &fd, exo);
    let mut theta = theta_hat.to_vec();
    fisher_scoring(
        &mut prob,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    Some(theta)
}

pub(crate) fn fit_fiml(prep: Prepared, options: &SemOptions) -> Result<SemFit, SemError> {
    let c = &prep.compiled;
    let fd = FimlData::new(&prep.data);
    let (p, n) = (c.p, fd.n);
    if n < 2 {
        return Err(SemError::TooFewRows { n, p });
    }
    let df = check_df(c)?;
    let (mu1, sigma1, _em_iter) = em_saturated(&fd, 10_000)?;
    let h1 = Moments {
        cov: sigma1.clone(),
        mean: mu1.clone(),
        n,
    };
    let logdet_h1 = super::engine::check_moments(c, &h1)?;
    // Start: ML on the EM moments.
    let mut theta = super::start::start_values(c, &h1);
    {
        let mut ml = MlProblem::new(c, &h1, logdet_h1);
        fisher_scoring(
            &mut ml,
            &mut theta,
            options.max_iterations,
            options.tolerance,
        )?;
    }
    let exo = ExoMoments::from_sample(&c.x_idx, &sigma1, &mu1);
    let mut prob = FimlProblem::new(c, &fd, exo.clone());
    let outcome = fisher_scoring(
        &mut prob,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )?;
    let nf = n as f64;
    let mut warnings = prep.warnings.clone();
    let boot = if options.se == SeMethod::Bootstrap {
        let mut ram = RamMatrices::new(c.n);
        c.fill(&theta, &exo, &mut ram);
        let est: Vec<f64> = (0..c.table.rows().len())
            .map(|r| c.row_value(r, &ram))
            .map(|v| if v.is_nan() { 0.0 } else { v })
            .collect();
        let data = &prep.data;
        let raw = super::bootstrap::run(n, options, &|counts: &[u32]| {
            fiml_replicate(c, data, counts, &theta, options)
        });
        Some(super::bootstrap::summarize(c, raw, &est, options)?)
    } else {
        None
    };
    let vcov = if options.se == SeMethod::None {
        None
    } else if let Some(b) = &boot {
        Some(b.vcov.clone())
    } else {
        let expected = options.information == Information::Expected;
        let v = information(&mut prob, &theta, expected)
            .and_then(|h| spd_inverse(&h))
            .map(|inv| inv * (2.0 / nf));
        if v.is_none() {
            warnings.push(SemWarning::StandardErrorsUnavailable {
                reason: "the observed information matrix is singular or not positive definite"
                    .into(),
            });
        }
        v
    };
    // Fit: H0 and H1 log-likelihoods (conditional on fixed covariates), baseline.
    let x_ll = x_marginal(c, &fd, &exo);
    let mut ram = RamMatrices::new(c.n);
    c.fill(&theta, &exo, &mut ram);
    ram.implied_sparse(c)?;
    let sigma0 = ram.sigma(p);
    let mu0 = ram.mu(p);
    let ll0 = loglik(&fd, &mu0, &sigma0).ok_or(SemError::SingularStructure)?;
    let ll1 = loglik(&fd, &mu1, &sigma1).ok_or(SemError::SingularStructure)?;
    let chisq = (2.0 * (ll1 - ll0)).max(0.0);
    // Baseline: independent non-covariates (univariate MLEs) and the covariate block.
    let mut ll_base = x_ll;
    for j in 0..p {
        if c.x_idx.contains(&j) {
            continue;
        }
        let vals: Vec<f64> = (0..n)
            .map(|r| fd.row(r)[j])
            .filter(|v| !v.is_nan())
            .collect();
        let k = vals.len() as f64;
        let m = vals.iter().sum::<f64>() / k;
        let v = vals.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / k;
        ll_base -= 0.5 * k * (LN_2PI + v.ln() + 1.0);
    }
    let chisq0 = 2.0 * (ll1 - ll_base);
    let px = c.x_idx.len();
    let df0 = (p * (p + 3) / 2 - px * (px + 3) / 2 - 2 * (p - px)) as f64;
    let fit = fit_measures::compute(&FitInput {
        chisq,
        df,
        npar: c.q(),
        n,
        logl: ll0 - x_ll,
        logl_h1: ll1 - x_ll,
        baseline_chisq: chisq0,
        baseline_df: df0,
        s: &sigma1,
        xbar: &mu1,
        sigma: &sigma0,
        mu: &mu0,
        meanstructure: true,
        x_idx: &c.x_idx,
    });
    let mut out = assemble(
        c,
        &theta,
        &exo,
        vcov,
        fit,
        Assembly {
            outcome,
            options,
            n_used: n,
            n_original: prep.n_original,
            sample_cov: sigma1,
            sample_mean: mu1,
            warnings,
            information: match (options.se, options.information) {
                (SeMethod::Bootstrap, _) => "Bootstrap",
                (_, Information::Expected) => "Expected",
                _ => "Observed",
            },
        },
    )?;
    if let Some(b) = boot {
        super::bootstrap::apply_to_fit(&mut out, b, options.boot_ci);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Table;
    use crate::sem::engine::{moments_of, prepare};
    use crate::sem::{Information, MeanStructure, Missing, Model, Op};
    use rand::{Rng, SeedableRng};

    const PD: &str = "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\ndem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8";

    fn pd_data(missing: f64, seed: u64) -> Table {
        let path = format!(
            "{}/tests/data/PoliticalDemocracy.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let t = Table::from_csv_path(path).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let rows = (0..t.n_rows())
            .map(|r| {
                (0..t.n_cols())
                    .map(|c| {
                        if rng.r#gen::<f64>() < missing {
                            None
                        } else {
                            t.get(r, c)
                        }
                    })
                    .collect()
            })
            .collect();
        Table::new(t.names().to_vec(), rows).unwrap()
    }

    fn fiml_opts() -> SemOptions {
        SemOptions::builder().missing(Missing::Ml).build().unwrap()
    }

    #[test]
    fn em_on_complete_data_gives_the_sample_moments() {
        let data = pd_data(0.0, 1);
        let prep = prepare(&Model::parse(PD).unwrap(), &data, &fiml_opts()).unwrap();
        let fd = FimlData::new(&prep.data);
        let (mu, sigma, it) = em_saturated(&fd, 100).unwrap();
        let mo = moments_of(&prep.data);
        assert!(it <= 3);
        assert!((&mu - &mo.mean).amax() < 1e-12);
        assert!((&sigma - &mo.cov).amax() < 1e-12);
    }

    #[test]
    fn fiml_on_complete_data_equals_ml_with_a_mean_structure() {
        let data = pd_data(0.0, 1);
        let model = Model::parse(PD).unwrap();
        let fiml = model.fit(&data, &fiml_opts()).unwrap();
        let ml_opts = SemOptions::builder()
            .meanstructure(MeanStructure::On)
            .information(Information::Observed)
            .build()
            .unwrap();
        let ml = model.fit(&data, &ml_opts).unwrap();
        assert_eq!(fiml.estimates().len(), ml.estimates().len());
        for (a, b) in fiml.estimates().iter().zip(ml.estimates()) {
            assert_eq!((&a.lhs, a.op, &a.rhs), (&b.lhs, b.op, &b.rhs));
            assert!(
                (a.est - b.est).abs() < 1e-7,
                "{} {} {}: {} vs {}",
                a.lhs,
                a.op,
                a.rhs,
                a.est,
                b.est
            );
            // Observed information: analytic (FIML) against differentiated gradients (ML).
            let (sa, sb) = (a.se.unwrap(), b.se.unwrap());
            assert!(
                (sa - sb).abs() < 1e-5 * (1.0 + sb),
                "{} {} {} se {sa} vs {sb}",
                a.lhs,
                a.op,
                a.rhs
            );
        }
        let (f, m) = (fiml.fit_measures(), ml.fit_measures());
        for (x, y) in [
            (f.chisq, m.chisq),
            (f.logl, m.logl),
            (f.unrestricted_logl, m.unrestricted_logl),
            (f.baseline_chisq, m.baseline_chisq),
            (f.cfi, m.cfi),
            (f.rmsea, m.rmsea),
            (f.srmr, m.srmr),
            (f.bic, m.bic),
        ] {
            assert!((x - y).abs() < 1e-6 * (1.0 + y.abs()), "{x} vs {y}");
        }
        assert_eq!(f.df, m.df);
    }

    fn problem_parts(missing: f64) -> (Compiled, FimlData, Vec<f64>, ExoMoments) {
        let data = pd_data(missing, 7);
        let prep = prepare(&Model::parse(PD).unwrap(), &data, &fiml_opts()).unwrap();
        let fd = FimlData::new(&prep.data);
        let (mu, sigma, _) = em_saturated(&fd, 1000).unwrap();
        let c = prep.compiled;
        let h1 = Moments {
            cov: sigma.clone(),
            mean: mu.clone(),
            n: fd.n,
        };
        let mut theta = crate::sem::start::start_values(&c, &h1);
        // Move away from any optimum so the checks see a general point.
        for (k, t) in theta.iter_mut().enumerate() {
            *t *= 1.0 + 0.01 * ((k % 5) as f64 - 2.0);
        }
        let exo = ExoMoments::from_sample(&c.x_idx, &sigma, &mu);
        (c, fd, theta, exo)
    }

    #[test]
    fn gradient_and_observed_hessian_match_finite_differences() {
        let (c, fd, theta, exo) = problem_parts(0.1);
        assert!(fd.patterns.len() > 10);
        let mut prob = FimlProblem::new(&c, &fd, exo);
        let hx = observed_hessian(&mut prob, &theta).unwrap();
        crate::sem::hessian::assert_derivatives(&mut prob, &theta, Some(&hx), 1e-6, 1e-5);
    }

    #[test]
    fn observed_hessian_at_the_optimum_of_a_path_model_with_covariates() {
        let path = format!(
            "{}/tests/data/cocreation_composites.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let t = Table::from_csv_path(path).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let rows = (0..t.n_rows())
            .map(|r| {
                (0..t.n_cols())
                    .map(|c| {
                        if c > 0 && rng.r#gen::<f64>() < 0.05 {
                            None
                        } else {
                            t.get(r, c)
                        }
                    })
                    .collect()
            })
            .collect();
        let data = Table::new(t.names().to_vec(), rows).unwrap();
        let model = Model::parse("II ~ O + C + E\nEI ~ O + A + N\nWTC ~ II + EI + O").unwrap();
        for missing in [Missing::Ml, Missing::MlX] {
            let opts = SemOptions::builder().missing(missing).build().unwrap();
            let prep = prepare(&model, &data, &opts).unwrap();
            let fit = model.fit(&data, &opts).unwrap();
            assert_eq!(fit.n_used(), prep.data.nrows());
            let fd = FimlData::new(&prep.data);
            let c = &prep.compiled;
            let exo = ExoMoments::from_sample(&c.x_idx, fit.sample_cov(), fit.sample_mean());
            let mut prob = FimlProblem::new(c, &fd, exo);
            let theta = fit.free_parameters().to_vec();
            let hx = observed_hessian(&mut prob, &theta).unwrap();
            crate::sem::hessian::assert_derivatives(&mut prob, &theta, Some(&hx), 1e-5, 1e-5);
        }
    }

    #[test]
    fn fiml_expected_information_on_complete_data_equals_ml() {
        let data = pd_data(0.0, 1);
        let model = Model::parse(PD).unwrap();
        let opts = SemOptions::builder()
            .missing(Missing::Ml)
            .information(Information::Expected)
            .build()
            .unwrap();
        let fiml = model.fit(&data, &opts).unwrap();
        let ml = model
            .fit(
                &data,
                &SemOptions::builder()
                    .meanstructure(MeanStructure::On)
                    .build()
                    .unwrap(),
            )
            .unwrap();
        for (a, b) in fiml.estimates().iter().zip(ml.estimates()) {
            let (sa, sb) = (a.se.unwrap(), b.se.unwrap());
            assert!(
                (sa - sb).abs() < 1e-7 * (1.0 + sb),
                "{} {} {}: {sa} vs {sb}",
                a.lhs,
                a.op,
                a.rhs
            );
        }
    }

    #[test]
    fn fiml_bootstrap_on_complete_data_equals_the_ml_bootstrap() {
        let data = pd_data(0.0, 1);
        let model =
            Model::parse("ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem60 ~ ind60")
                .unwrap();
        let boot = |missing: Missing| {
            let o = SemOptions::builder()
                .missing(missing)
                .meanstructure(MeanStructure::On)
                .se(crate::sem::SeMethod::Bootstrap)
                .bootstrap(20)
                .seed(9)
                .build()
                .unwrap();
            model.fit(&data, &o).unwrap()
        };
        let (a, b) = (boot(Missing::Ml), boot(Missing::Listwise));
        let (da, db) = (&a.bootstrap().unwrap().draws, &b.bootstrap().unwrap().draws);
        assert_eq!(da.shape(), db.shape());
        assert!((da - db).amax() < 1e-6, "{}", (da - db).amax());
        let (ea, eb) = (a.by_label("").unwrap(), b.by_label("").unwrap());
        assert!((ea.se.unwrap() - eb.se.unwrap()).abs() < 1e-6);
    }

    #[test]
    fn fiml_bootstrap_with_missing_data_runs() {
        let data = pd_data(0.05, 2);
        let model =
            Model::parse("ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem60 ~ b*ind60")
                .unwrap();
        let o = SemOptions::builder()
            .missing(Missing::Ml)
            .se(crate::sem::SeMethod::Bootstrap)
            .bootstrap(30)
            .seed(1)
            .build()
            .unwrap();
        let fit = model.fit(&data, &o).unwrap();
        let bt = fit.bootstrap().unwrap();
        assert_eq!(bt.successful + bt.failed, 30);
        let b = fit.by_label("b").unwrap();
        assert!(b.se.unwrap() > 0.0 && b.ci_lower < b.est && b.est < b.ci_upper);
    }

    #[test]
    fn saturated_model_reproduces_the_em_moments() {
        let data = pd_data(0.15, 3);
        let model = Model::parse("x1 ~~ x2 + x3\nx2 ~~ x3").unwrap();
        let fit = model.fit(&data, &fiml_opts()).unwrap();
        assert!(fit.fit_measures().chisq.abs() < 1e-8);
        assert!((fit.implied_cov() - fit.sample_cov()).amax() < 1e-8);
        assert!((fit.implied_mean().unwrap() - fit.sample_mean()).amax() < 1e-8);
    }

    #[test]
    fn missing_data_fit_is_sensible() {
        let data = pd_data(0.05, 11);
        let model = Model::parse(PD).unwrap();
        let fit = model.fit(&data, &fiml_opts()).unwrap();
        assert_eq!(fit.n_used(), 75);
        let l = fit.get("ind60", Op::MeasuredBy, "x2").unwrap();
        assert!((l.est - 2.18).abs() < 0.2 && l.se.unwrap() > 0.0);
        assert!(fit.fit_measures().chisq > 0.0);
        // Listwise deletion drops rows; FIML keeps them.
        let lw = model.fit(&data, &SemOptions::default()).unwrap();
        assert!(lw.n_used() < 75);
    }
}
