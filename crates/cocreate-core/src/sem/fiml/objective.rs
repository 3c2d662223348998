//! The FIML objective `−2 log L / N` of the structured model: its value and gradient
//! over the missingness patterns, the complete-data expected information as the
//! optimiser's curvature, and the analytic observed (or pattern-wise expected)
//! information for standard errors, as lavaan's default for `missing = "ml"`.

use cocreate_stats::LN_2PI;
use nalgebra::{DMatrix, DVector};

use super::super::linalg::{dot, Chol};
use super::super::ml::{chain, cross_trace, second_derivative_term, trace_pair};
use super::super::optim::Objective;
use super::super::ram::{Compiled, ExoMoments, RamMatrices};
use super::patterns::{embedded_inverse, pattern_inverse, residual_and_z, FimlData};

/// The FIML objective `−2 log L / N` of the structured model.
pub(crate) struct FimlProblem<'a> {
    c: &'a Compiled,
    fd: &'a FimlData,
    exo: ExoMoments,
    ram: RamMatrices,
    x: DMatrix<f64>,
}

impl<'a> FimlProblem<'a> {
    pub fn new(c: &'a Compiled, fd: &'a FimlData, exo: ExoMoments) -> FimlProblem<'a> {
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
                ll -= 0.5 * (po * LN_2PI + ld + dot(&r, &t));
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
pub(super) fn observed_hessian(prob: &mut FimlProblem, theta: &[f64]) -> Option<DMatrix<f64>> {
    information(prob, theta, false, None)
}

/// The observed information, or with `expected` the expected information under the
/// missingness patterns, `(1/N) Σ_k n_k [tr(W_k Σ_a W_k Σ_b) + 2 μ_a' W_k μ_b]`.
///
/// With `scores` (an `N × q` matrix) the same pass also writes the casewise scores
/// `∂ℓ_i/∂θ_a = Σ_slots s (z_x z_y − (X'W_kX)_xy) + c z_k`, `z = X' W_k r_i`, row `i` for data
/// row `i` (MLR's first-order information).
pub(crate) fn information(
    prob: &mut FimlProblem,
    theta: &[f64],
    expected: bool,
    mut scores: Option<&mut DMatrix<f64>>,
) -> Option<DMatrix<f64>> {
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
            if let Some(sc) = scores.as_deref_mut() {
                let z: Vec<f64> = (0..nb).map(|k| dot(x.column(k).as_slice(), &t)).collect();
                for (a, plans) in c.plan.iter().enumerate() {
                    let mut g = 0.0;
                    for (d, cd) in plans.iter().zip(&cs[a]) {
                        if d.s != 0.0 {
                            g += d.s * (z[d.x] * z[d.y] - ak[(d.x, d.y)]);
                        }
                        if *cd != 0.0 {
                            g += cd * z[d.k];
                        }
                    }
                    sc[(row, a)] = g;
                }
            }
        }
        let zg = &xt * &zsum * x;
        let u = &xt * &zvec;
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
