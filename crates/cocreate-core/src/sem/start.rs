//! Starting values from the sample moments.
//!
//! Loadings come from a one-factor moment fit per latent variable (communality
//! `c_i = Σ|s_ij s_ik| / Σ|s_jk|` over pairs of the other indicators, loadings scaled to the
//! marker), latent (co)variances from least squares on the indicators' cross-covariances,
//! regressions from those moments by least squares, residual variances from what is left.
//! If the implied covariance is not positive definite, lavaan's simple starting values
//! (residual variances half the sample variance, latent variances 0.05, all else 0 or 1)
//! are used instead.

use nalgebra::{Cholesky, DMatrix, DVector};

use super::op::Op;
use super::prepare::Moments;
use super::ram::{Compiled, ExoMoments, RamMatrices, Slot};

/// Starting values for the free parameters.
pub(crate) fn start_values(c: &Compiled, mo: &Moments) -> Vec<f64> {
    let exo = ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean);
    let smart = smart_start(c, mo);
    if implied_pd(c, &smart, &exo) {
        return smart;
    }
    simple_start(c, mo)
}

fn implied_pd(c: &Compiled, theta: &[f64], exo: &ExoMoments) -> bool {
    let mut ram = RamMatrices::new(c.n);
    c.fill(theta, exo, &mut ram);
    if ram.implied().is_err() {
        return false;
    }
    Cholesky::new(ram.sigma(c.p)).is_some()
}

fn user_start(c: &Compiled, k: usize) -> Option<f64> {
    c.table
        .rows()
        .iter()
        .find(|r| r.free == Some(k) && r.start.is_some())
        .and_then(|r| r.start)
}

/// lavaan's "simple" starting values.
pub(crate) fn simple_start(c: &Compiled, mo: &Moments) -> Vec<f64> {
    let p = c.p;
    (0..c.q())
        .map(|k| {
            if let Some(v) = user_start(c, k) {
                return v;
            }
            // A parameter of another group (a multiple-group view) keeps 0 here.
            let Some(&slot) = c.free_slots[k].first() else {
                return 0.0;
            };
            match slot {
                Slot::A(i, j) => {
                    let is_loading = c
                        .table
                        .rows()
                        .iter()
                        .any(|r| r.free == Some(k) && r.op == Op::MeasuredBy);
                    let _ = (i, j);
                    if is_loading {
                        1.0
                    } else {
                        0.0
                    }
                }
                Slot::S(i, j) if i == j => {
                    if i < p {
                        0.5 * mo.cov[(i, i)]
                    } else {
                        0.05
                    }
                }
                Slot::S(..) => 0.0,
                Slot::M(i) => {
                    if i < p {
                        mo.mean[i]
                    } else {
                        0.0
                    }
                }
            }
        })
        .collect()
}

fn smart_start(c: &Compiled, mo: &Moments) -> Vec<f64> {
    let (p, n) = (c.p, c.n);
    let s = &mo.cov;
    // Fixed values of every slot (and free slots' current guesses) live in these matrices.
    let mut a = DMatrix::<f64>::zeros(n, n);
    let mut sm = DMatrix::<f64>::zeros(n, n);
    let mut mm = DVector::<f64>::zeros(n);
    let mut free_a = DMatrix::<bool>::from_element(n, n, false);
    let mut free_s = DMatrix::<bool>::from_element(n, n, false);
    for (row, slot) in c.table.rows().iter().zip(&c.row_slot) {
        let Some(slot) = *slot else { continue };
        match slot {
            Slot::A(i, j) => {
                if row.free.is_some() {
                    free_a[(i, j)] = true;
                } else {
                    a[(i, j)] = row.fixed.unwrap_or(0.0);
                }
            }
            Slot::S(i, j) => {
                if row.free.is_some() {
                    free_s[(i, j)] = true;
                    free_s[(j, i)] = true;
                } else if row.exo {
                    sm[(i, j)] = s[(i, j)];
                    sm[(j, i)] = s[(i, j)];
                } else {
                    let v = row.fixed.unwrap_or(0.0);
                    sm[(i, j)] = v;
                    sm[(j, i)] = v;
                }
            }
            Slot::M(i) => {
                if row.free.is_none() {
                    mm[i] = if row.exo {
                        mo.mean[i]
                    } else {
                        row.fixed.unwrap_or(0.0)
                    };
                }
            }
        }
    }
    // Loading rows per latent.
    let loading_rows: Vec<(usize, usize)> = c
        .table
        .rows()
        .iter()
        .zip(&c.row_slot)
        .filter(|(r, _)| r.op == Op::MeasuredBy)
        .filter_map(|(_, s)| match s {
            Some(Slot::A(i, j)) => Some((*i, *j)),
            _ => None,
        })
        .collect();
    // Full moment estimate of all variables.
    let mut phi = DMatrix::<f64>::zeros(n, n);
    phi.view_mut((0, 0), (p, p)).copy_from(s);
    let mut lam = DMatrix::<f64>::zeros(n, n); // lam[(i, f)]: loading guess
    let mut comm = DVector::<f64>::zeros(p);
    for f in p..n {
        let inds: Vec<usize> = loading_rows
            .iter()
            .filter(|(_, j)| *j == f)
            .map(|(i, _)| *i)
            .filter(|i| *i < p)
            .collect();
        if inds.is_empty() {
            phi[(f, f)] = 0.05;
            for &(i, j) in &loading_rows {
                if j == f && free_a[(i, j)] {
                    a[(i, j)] = 1.0;
                }
            }
            continue;
        }
        let c_of = |i: usize| -> f64 {
            let others: Vec<usize> = inds.iter().copied().filter(|&j| j != i).collect();
            let sii = s[(i, i)];
            let raw = if others.len() >= 2 {
                let (mut num, mut den) = (0.0, 0.0);
                for x in 0..others.len() {
                    for y in x + 1..others.len() {
                        let (j, k) = (others[x], others[y]);
                        num += (s[(i, j)] * s[(i, k)]).abs();
                        den += s[(j, k)].abs();
                    }
                }
                if den > 0.0 {
                    num / den
                } else {
                    0.5 * sii
                }
            } else if others.len() == 1 {
                s[(i, others[0])].abs()
            } else {
                sii
            };
            raw.clamp(0.05 * sii, 0.95 * sii)
        };
        let cs: Vec<f64> = inds.iter().map(|&i| c_of(i)).collect();
        for (&i, &ci) in inds.iter().zip(&cs) {
            comm[i] = ci;
        }
        // The marker: a fixed non-zero loading; otherwise the variance is fixed.
        let marker = inds
            .iter()
            .position(|&i| !free_a[(i, f)] && a[(i, f)] != 0.0);
        let var_fixed = !free_s[(f, f)] && sm[(f, f)] != 0.0;
        let psi = match marker {
            Some(k) => cs[k] / (a[(inds[k], f)] * a[(inds[k], f)]),
            None if var_fixed => sm[(f, f)],
            None => cs[0],
        };
        let r = marker.unwrap_or(0);
        let ref_sign = match marker {
            Some(k) => a[(inds[k], f)].signum(),
            None => 1.0,
        };
        for (k, &i) in inds.iter().enumerate() {
            let sign = if k == r {
                ref_sign
            } else {
                let sv = s[(i, inds[r])];
                (if sv < 0.0 { -1.0 } else { 1.0 }) * ref_sign
            };
            let l = if free_a[(i, f)] {
                sign * (cs[k] / psi).sqrt()
            } else {
                a[(i, f)]
            };
            lam[(i, f)] = l;
            if free_a[(i, f)] {
                a[(i, f)] = l;
            }
        }
        phi[(f, f)] = psi;
    }
    // Latent-latent and observed-latent covariances by least squares.
    let inds_of = |f: usize| -> Vec<usize> { (0..p).filter(|&i| lam[(i, f)] != 0.0).collect() };
    for f in p..n {
        let fi = inds_of(f);
        if fi.is_empty() {
            continue;
        }
        for g in f + 1..n {
            let gi = inds_of(g);
            let (mut num, mut den) = (0.0, 0.0);
            for &i in &fi {
                for &j in &gi {
                    if i != j {
                        let w = lam[(i, f)] * lam[(j, g)];
                        num += w * s[(i, j)];
                        den += w * w;
                    }
                }
            }
            if den > 0.0 {
                phi[(f, g)] = num / den;
                phi[(g, f)] = num / den;
            }
        }
        let den: f64 = fi.iter().map(|&i| lam[(i, f)].powi(2)).sum();
        for x in 0..p {
            if fi.contains(&x) {
                continue;
            }
            let num: f64 = fi.iter().map(|&i| lam[(i, f)] * s[(x, i)]).sum();
            phi[(x, f)] = num / den;
            phi[(f, x)] = num / den;
        }
    }
    // Regressions.
    let mut resid_set = vec![false; n];
    for y in 0..n {
        let preds: Vec<usize> = c
            .table
            .rows()
            .iter()
            .zip(&c.row_slot)
            .filter(|(r, _)| r.op == Op::Regression)
            .filter_map(|(_, s)| match s {
                Some(Slot::A(i, j)) if *i == y => Some(*j),
                _ => None,
            })
            .collect();
        if preds.is_empty() {
            continue;
        }
        let k = preds.len();
        let pxx = DMatrix::from_fn(k, k, |u, v| phi[(preds[u], preds[v])]);
        let pxy = DVector::from_fn(k, |u, _| phi[(preds[u], y)]);
        if let Some(ch) = Cholesky::new(pxx) {
            let beta = ch.solve(&pxy);
            let mut explained = 0.0;
            for (u, &x) in preds.iter().enumerate() {
                if free_a[(y, x)] && beta[u].is_finite() {
                    a[(y, x)] = beta[u];
                }
                explained += a[(y, x)] * pxy[u];
            }
            if free_s[(y, y)] {
                let total = phi[(y, y)];
                sm[(y, y)] = (total - explained).max(0.1 * total.abs().max(1e-8));
                resid_set[y] = true;
            }
        }
    }
    // Variances and covariances.
    for i in 0..n {
        if free_s[(i, i)] && !resid_set[i] {
            sm[(i, i)] = if i < p {
                if comm[i] > 0.0 {
                    (s[(i, i)] - comm[i]).max(0.05 * s[(i, i)])
                } else {
                    let has_in = (0..n).any(|j| a[(i, j)] != 0.0 || free_a[(i, j)]);
                    if has_in {
                        0.5 * s[(i, i)]
                    } else {
                        s[(i, i)]
                    }
                }
            } else {
                phi[(i, i)].max(0.05)
            };
        }
    }
    let exogenous = |i: usize| (0..n).all(|j| a[(i, j)] == 0.0 && !free_a[(i, j)]);
    for i in 0..n {
        for j in i + 1..n {
            if free_s[(i, j)] {
                let v = if exogenous(i) && exogenous(j) {
                    phi[(i, j)]
                } else {
                    0.0
                };
                sm[(i, j)] = v;
                sm[(j, i)] = v;
            }
        }
    }
    // Intercepts.
    let expected: Vec<f64> = (0..n)
        .map(|j| if j < p { mo.mean[j] } else { mm[j] })
        .collect();
    let mut theta = vec![0.0; c.q()];
    for (k, slots) in c.free_slots.iter().enumerate() {
        // A parameter of another group (a multiple-group view) keeps 0 here.
        let Some(&slot) = slots.first() else {
            continue;
        };
        theta[k] = match slot {
            Slot::A(i, j) => a[(i, j)],
            Slot::S(i, j) => sm[(i, j)],
            Slot::M(i) => {
                if i < p {
                    mo.mean[i] - (0..n).map(|j| a[(i, j)] * expected[j]).sum::<f64>()
                } else {
                    0.0
                }
            }
        };
        if let Some(v) = user_start(c, k) {
            theta[k] = v;
        }
        if !theta[k].is_finite() {
            theta[k] = 0.0;
        }
    }
    theta
}
