//! Folds solved by least squares: when the path model's maximum-likelihood estimates are
//! equation-by-equation least squares (checked on the full-sample fit), a training part is
//! solved from its cross-product matrix instead of running the optimiser.

use nalgebra::{DMatrix, DVector};

use crate::data::{DataError, Table};
use crate::sem::{Missing, Model, Op, SemFit, SemOptions};

use super::coefficients::Coefficients;
use super::constructs::Constructs;
use super::model::{ModelSpec, Provenance, ReadinessModel};
use super::validation::CrossValidation;

/// The data of a validation: the complete rows, one column per construct.
pub(crate) struct Design {
    pub(crate) n: usize,
    pub(crate) p: usize,
    pub(crate) q: usize,
    /// Row-major n × d, d = 1 + p + q + 1: intercept, traits, mediators, outcome.
    pub(crate) w: Vec<f64>,
    /// The complete rows' positions in the caller's table.
    pub(crate) rows: Vec<usize>,
}

impl Design {
    pub(crate) fn d(&self) -> usize {
        self.p + self.q + 2
    }
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        let d = self.d();
        &self.w[i * d..(i + 1) * d]
    }
    pub(crate) fn traits(&self, idx: &[usize]) -> Vec<f64> {
        let mut t = Vec::with_capacity(idx.len() * self.p);
        for &i in idx {
            t.extend_from_slice(&self.row(i)[1..=self.p]);
        }
        t
    }
    /// Σ weight·w wᵀ over the given rows (upper and lower filled).
    pub(crate) fn cross(&self, rows: impl Iterator<Item = (usize, f64)>) -> DMatrix<f64> {
        let d = self.d();
        let mut m = DMatrix::zeros(d, d);
        for (i, c) in rows {
            let r = self.row(i);
            for a in 0..d {
                let ra = c * r[a];
                for b in a..d {
                    m[(a, b)] += ra * r[b];
                }
            }
        }
        for a in 0..d {
            for b in 0..a {
                m[(a, b)] = m[(b, a)];
            }
        }
        m
    }
    pub(crate) fn table(&self, idx: &[usize], names: &[String]) -> Result<Table, DataError> {
        let rows = idx
            .iter()
            .map(|&i| self.row(i)[1..].iter().map(|&v| Some(v)).collect())
            .collect();
        Table::new(names.to_vec(), rows)
    }
}

/// The equations of a least-squares-equivalent path model.
#[derive(Debug, Clone)]
pub(crate) struct Equations {
    /// Regressor columns (into the design, 0 = intercept) of each endogenous construct.
    pub(crate) regs: Vec<Vec<usize>>,
    /// Pairs of mediators with a free residual covariance (same regressors).
    pub(crate) cov_pairs: Vec<(usize, usize)>,
    /// Whether the fit has a parameter covariance (intervals with parameter uncertainty).
    pub(crate) vcov: bool,
}

/// Checks that the full-sample ML fit is equation-by-equation least squares, and reads
/// the equations; the reason otherwise.
pub(crate) fn least_squares_equations(
    fit: &SemFit,
    model: &Model,
    options: &SemOptions,
    c: &Constructs,
) -> Result<Equations, String> {
    if !fit.latent().is_empty() {
        return Err("the model has latent variables".into());
    }
    let names: Vec<String> = c.names().cloned().collect();
    if fit.observed().len() != names.len() {
        return Err("the model has observed variables other than the constructs".into());
    }
    if options.missing() != Missing::Listwise {
        return Err("missing data are handled by full-information ML".into());
    }
    if !model.constraints().is_empty() {
        return Err("the model has constraints".into());
    }
    let (p, q) = (c.traits().len(), c.mediators().len());
    let col = |v: &str| names.iter().position(|n| n == v).map(|k| k + 1);
    let endo = |v: &str| col(v).filter(|&k| k > p).map(|k| k - p - 1);
    let mut regs: Vec<Vec<usize>> = vec![vec![0]; q + 1];
    let mut seen_free = std::collections::HashSet::new();
    let mut cov_pairs = Vec::new();
    for e in fit.parameter_estimates() {
        match e.op {
            Op::Regression => {
                let (Some(j), Some(k)) = (endo(&e.lhs), col(&e.rhs)) else {
                    return Err(format!(
                        "the path {} ~ {} is not among the constructs",
                        e.lhs, e.rhs
                    ));
                };
                let Some(f) = e.free else {
                    if e.est == 0.0 {
                        continue; // a path fixed at zero is an absent path
                    }
                    return Err(format!(
                        "the path {} ~ {} is fixed at {}",
                        e.lhs, e.rhs, e.est
                    ));
                };
                if !seen_free.insert(f) {
                    return Err(format!(
                        "the path {} ~ {} is constrained equal to another",
                        e.lhs, e.rhs
                    ));
                }
                regs[j].push(k);
            }
            Op::Intercept if endo(&e.lhs).is_some() => match e.free {
                Some(f) if seen_free.insert(f) => {}
                _ => {
                    return Err(format!(
                        "the intercept of {} is fixed or constrained",
                        e.lhs
                    ))
                }
            },
            Op::Covariance => {
                let (l, r) = (endo(&e.lhs), endo(&e.rhs));
                match (l, r) {
                    (Some(a), Some(b)) if a == b => match e.free {
                        Some(f) if seen_free.insert(f) => {}
                        _ => {
                            return Err(format!(
                                "the residual variance of {} is fixed or constrained",
                                e.lhs
                            ))
                        }
                    },
                    (Some(a), Some(b)) => {
                        if e.free.is_none() && e.est == 0.0 {
                            continue;
                        }
                        if a >= q || b >= q || e.free.is_none() {
                            return Err(format!("the residual covariance {} ~~ {}", e.lhs, e.rhs));
                        }
                        cov_pairs.push((a.min(b), a.max(b)));
                    }
                    (None, None) => {
                        if !(options.fixed_x() || e.free.is_some()) {
                            return Err(format!(
                                "the trait covariance {} ~~ {} is fixed",
                                e.lhs, e.rhs
                            ));
                        }
                    }
                    _ => {
                        return Err(format!(
                            "the covariance {} ~~ {} links a trait and an endogenous construct",
                            e.lhs, e.rhs
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    // Exogenous traits must be saturated: every pair present (fixed at sample moments or free).
    if !options.fixed_x() {
        let tr = c.traits();
        for a in 0..p {
            for b in a..p {
                let found = fit
                    .get(&tr[a], Op::Covariance, &tr[b])
                    .or_else(|| fit.get(&tr[b], Op::Covariance, &tr[a]))
                    .is_some_and(|e| e.free.is_some());
                if !found {
                    return Err(format!(
                        "the trait covariance {} ~~ {} is not free",
                        tr[a], tr[b]
                    ));
                }
            }
        }
    }
    for r in &mut regs {
        r.sort_unstable();
    }
    for &(a, b) in &cov_pairs {
        if regs[a] != regs[b] {
            return Err(format!(
                "the residuals of {} and {} covary while their regressors differ (seemingly unrelated regressions, not least squares)",
                c.mediators()[a],
                c.mediators()[b]
            ));
        }
    }
    Ok(Equations {
        regs,
        cov_pairs,
        vcov: fit.vcov().is_some(),
    })
}

/// Least squares from a cross-product matrix: β = M[R,R]⁻¹ M[R,t], and the inverse.
pub(crate) fn solve(
    m: &DMatrix<f64>,
    regs: &[usize],
    t: usize,
) -> Option<(DVector<f64>, DMatrix<f64>)> {
    let k = regs.len();
    let a = DMatrix::from_fn(k, k, |i, j| m[(regs[i], regs[j])]);
    let rhs = DVector::from_fn(k, |i, _| m[(regs[i], t)]);
    let ch = a.cholesky()?;
    let beta = ch.solve(&rhs);
    if beta.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some((beta, ch.inverse()))
}

/// The readiness model of a training part from its cross-product matrix.
pub(crate) fn ls_model(
    m: &DMatrix<f64>,
    n: f64,
    eq: &Equations,
    c: &Constructs,
    cv: &CrossValidation,
) -> Result<ReadinessModel, String> {
    let (p, q) = (c.traits().len(), c.mediators().len());
    let mut coef = Coefficients::zeros(p, q);
    let mut psi = vec![0.0; q + 1];
    let mut betas = Vec::with_capacity(q + 1);
    for (j, regs) in eq.regs.iter().enumerate() {
        let t = p + 1 + j;
        let (beta, inv) = solve(m, regs, t).ok_or_else(|| {
            format!(
                "the regressors of {} are collinear in the training rows",
                if j < q {
                    &c.mediators()[j]
                } else {
                    c.outcome()
                }
            )
        })?;
        let ssr = m[(t, t)]
            - regs
                .iter()
                .zip(beta.iter())
                .map(|(&r, b)| b * m[(r, t)])
                .sum::<f64>();
        psi[j] = ssr.max(0.0) / n;
        for (&r, &b) in regs.iter().zip(beta.iter()) {
            match (j < q, r) {
                (true, 0) => coef.alpha_m[j] = b,
                (true, r) => coef.a[j * p + r - 1] = b,
                (false, 0) => coef.alpha_y = b,
                (false, r) if r <= p => coef.c[r - 1] = b,
                (false, r) => coef.b[r - p - 1] = b,
            }
        }
        betas.push((beta, inv));
    }
    let mut psi_m = DMatrix::from_fn(q, q, |i, j| if i == j { psi[i] } else { 0.0 });
    for &(a, b) in &eq.cov_pairs {
        let t = p + 1 + b;
        let s = m[(p + 1 + a, t)]
            - eq.regs[a]
                .iter()
                .zip(betas[a].0.iter())
                .map(|(&r, v)| v * m[(r, t)])
                .sum::<f64>();
        psi_m[(a, b)] = s / n;
        psi_m[(b, a)] = s / n;
    }
    let np = q + 1 + q * p + q + p + p + q + 1;
    let vcov = eq.vcov.then(|| {
        // Position of each regressor's coefficient in the flattened vector.
        let pos = |j: usize, r: usize| -> usize {
            if j < q {
                if r == 0 {
                    j
                } else {
                    q + 1 + j * p + r - 1
                }
            } else if r == 0 {
                q
            } else if r <= p {
                q + 1 + q * p + q + r - 1
            } else {
                q + 1 + q * p + r - p - 1
            }
        };
        let mut v = DMatrix::zeros(np, np);
        for (j, regs) in eq.regs.iter().enumerate() {
            let s = if j < q { psi_m[(j, j)] } else { psi[q] };
            let inv = &betas[j].1;
            for (a, &ra) in regs.iter().enumerate() {
                for (b, &rb) in regs.iter().enumerate() {
                    v[(pos(j, ra), pos(j, rb))] = s * inv[(a, b)];
                }
            }
        }
        for &(x, y) in &eq.cov_pairs {
            let s = psi_m[(x, y)];
            let inv = &betas[x].1;
            for (a, &ra) in eq.regs[x].iter().enumerate() {
                for (b, &rb) in eq.regs[y].iter().enumerate() {
                    v[(pos(x, ra), pos(y, rb))] = s * inv[(a, b)];
                    v[(pos(y, rb), pos(x, ra))] = s * inv[(a, b)];
                }
            }
        }
        v
    });
    let trait_mean: Vec<f64> = (1..=p).map(|k| m[(0, k)] / n).collect();
    let trait_cov = DMatrix::from_fn(p, p, |a, b| {
        m[(a + 1, b + 1)] / n - trait_mean[a] * trait_mean[b]
    });
    ReadinessModel::assemble(ModelSpec {
        constructs: c.clone(),
        provenance: Provenance::Fitted {
            data: "training part".into(),
            n: n as usize,
            latent: false,
        },
        coef,
        vcov,
        trait_mean,
        trait_cov,
        psi_m,
        psi_y: psi[q],
        rule: cv.rule,
        level: cv.level,
    })
    .map_err(|e| e.to_string())
}
