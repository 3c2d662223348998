//! Maximum likelihood on complete data: the discrepancy function, its gradient, the
//! expected information and the exact Hessian, all analytic.
//!
//! `F = log|Σ| + tr(S Σ⁻¹) − log|S| − p + (x̄ − μ)' Σ⁻¹ (x̄ − μ)` (the mean term only with a
//! mean structure). With `W = Σ⁻¹`, `d = x̄ − μ` and `M = W (Σ − S − d d') W`:
//! `∂F/∂θ = tr(M ∂Σ) − 2 d' W ∂μ` (the `d d'` term comes from the mean part's dependence
//! on `Σ`; it vanishes only where every intercept is free and `d = 0`); the expected second derivative is
//! `H_ab = tr(W ∂_aΣ W ∂_bΣ) + 2 ∂_aμ' W ∂_bμ` (the information of the N-row
//! log-likelihood is `N/2 · H`), and the exact one adds
//! `−2 tr(W ∂_bΣ M ∂_aΣ) + tr(M ∂²_abΣ)` and, with a mean structure,
//! `2 (Wd)' ∂_bΣ W ∂_aμ + 2 (Wd)' ∂_aΣ W ∂_bμ − 2 (Wd)' ∂²_abμ` (terms that vanish where
//! the means fit exactly, but not under equal intercepts or a growth model).
//! Every `∂Σ` is `s (x y' + y x')` with `x`, `y` columns of the basis `X` (see `ram`), and
//! every `∂μ` a multiple of a column of `X`, so all traces reduce to entries of the Gram
//! matrices `X'WX` and `X'MX` and of `X'Wd`.

use nalgebra::{DMatrix, DVector};

use super::linalg::Chol;
use super::optim::Objective;
use super::prepare::Moments;
use super::ram::{Compiled, ExoMoments, RamMatrices, Slot, SlotPlan};

/// `(Σ, W = Σ⁻¹, log|Σ|, μ)` at one parameter vector.
type Implied = (DMatrix<f64>, DMatrix<f64>, f64, DVector<f64>);

/// The ML problem for one set of sample moments, with reusable work space.
pub(crate) struct MlProblem<'a> {
    pub c: &'a Compiled,
    pub moments: &'a Moments,
    pub exo: ExoMoments,
    pub logdet_s: f64,
    /// The RAM matrices of the last `θ` evaluated.
    pub ram: RamMatrices,
    x: DMatrix<f64>,
    /// The last `θ` evaluated and its `(Σ, W, log|Σ|, μ)`, whose matrices are in `ram`: the
    /// optimiser asks for the derivatives at the point its line search accepted, and the fit
    /// for the information at the point the optimiser ended on, so each is computed once.
    /// Read `ram` only after an evaluation: filling it elsewhere would leave `last` stale.
    last: Option<(Vec<f64>, Implied)>,
}

impl<'a> MlProblem<'a> {
    pub fn new(c: &'a Compiled, moments: &'a Moments, logdet_s: f64) -> MlProblem<'a> {
        let exo = ExoMoments::from_sample(&c.x_idx, &moments.cov, &moments.mean);
        let nb = c.p_cols.len() + c.q_cols.len();
        MlProblem {
            c,
            moments,
            exo,
            logdet_s,
            ram: RamMatrices::new(c.n),
            x: DMatrix::zeros(c.p, nb),
            last: None,
        }
    }

    /// Fills the matrices at `theta`; returns `(Σ, W = Σ⁻¹, log|Σ|, μ)`.
    fn implied(&mut self, theta: &[f64]) -> Option<Implied> {
        if let Some((t, implied)) = &self.last {
            let same = t.len() == theta.len()
                && t.iter().zip(theta).all(|(a, b)| a.to_bits() == b.to_bits());
            if same {
                return Some(implied.clone());
            }
        }
        self.last = None;
        self.c.fill(theta, &self.exo, &mut self.ram);
        self.ram.implied_sparse(self.c).ok()?;
        let p = self.c.p;
        let sigma = self.ram.sigma(p);
        let ch = Chol::new(&sigma)?;
        let implied = (sigma, ch.inverse(), ch.logdet(), self.ram.mu(p));
        self.last = Some((theta.to_vec(), implied.clone()));
        Some(implied)
    }

    fn f_from(&self, w: &DMatrix<f64>, logdet: f64, mu: &DVector<f64>) -> f64 {
        let p = self.c.p;
        let tr: f64 = w
            .iter()
            .zip(self.moments.cov.iter())
            .map(|(a, b)| a * b)
            .sum();
        let mut f = logdet + tr - self.logdet_s - p as f64;
        if self.c.meanstructure {
            let d = &self.moments.mean - mu;
            f += d.dot(&(w * &d));
        }
        f
    }
}

impl Objective for MlProblem<'_> {
    fn value(&mut self, theta: &[f64]) -> Option<f64> {
        let (_, w, ld, mu) = self.implied(theta)?;
        let f = self.f_from(&w, ld, &mu);
        f.is_finite().then_some(f)
    }

    fn value_grad_info(
        &mut self,
        theta: &[f64],
        exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        let (sigma, w, ld, mu) = self.implied(theta)?;
        let f = self.f_from(&w, ld, &mu);
        self.ram.basis(self.c, &mut self.x);
        let (g, h) = grad_info(
            self.c,
            &self.ram,
            &self.x,
            &sigma,
            &w,
            self.moments,
            &mu,
            exact,
        );
        Some((f, g, h))
    }

    fn hessian_is_exact(&self) -> bool {
        true
    }

    fn value_grad(&mut self, theta: &[f64]) -> Option<(f64, Vec<f64>)> {
        let (sigma, w, ld, mu) = self.implied(theta)?;
        let f = self.f_from(&w, ld, &mu);
        self.ram.basis(self.c, &mut self.x);
        let (m, wd) = moment_gradient(self.c, &sigma, &w, self.moments, &mu);
        let (g, _) = chain(self.c, &self.ram, &self.x, &w, &m, &wd, None);
        Some((f, g))
    }
}

/// `tr(W ∂_aΣ W ∂_bΣ)` from the Gram `X'WX`.
#[inline]
pub(crate) fn trace_pair(gw: &DMatrix<f64>, a: &SlotPlan, b: &SlotPlan) -> f64 {
    if a.s == 0.0 || b.s == 0.0 {
        return 0.0;
    }
    2.0 * a.s * b.s * (gw[(a.x, b.x)] * gw[(a.y, b.y)] + gw[(a.x, b.y)] * gw[(a.y, b.x)])
}

/// `tr(W ∂_bΣ M ∂_aΣ)` from the W- and M-Grams.
#[inline]
pub(crate) fn cross_trace(w: &DMatrix<f64>, m: &DMatrix<f64>, a: &SlotPlan, b: &SlotPlan) -> f64 {
    if a.s == 0.0 || b.s == 0.0 {
        return 0.0;
    }
    a.s * b.s
        * (m[(b.y, a.x)] * w[(a.y, b.x)]
            + m[(b.y, a.y)] * w[(a.x, b.x)]
            + m[(b.x, a.x)] * w[(a.y, b.y)]
            + m[(b.x, a.y)] * w[(a.x, b.y)])
}

/// `tr(M ∂²Σ/∂a∂b)` for two slots (only paths have non-zero second derivatives).
pub(crate) fn second_derivative_term(
    c: &Compiled,
    ram: &RamMatrices,
    gm: &DMatrix<f64>,
    a: Slot,
    b: Slot,
) -> f64 {
    let g = &ram.g;
    let phi = &ram.phi;
    let (pp, pq) = (&c.xpos_p, &c.xpos_q);
    match (a, b) {
        (Slot::A(i, j), Slot::A(k, l)) => {
            2.0 * (g[(l, i)] * gm[(pp[k], pq[j])]
                + phi[(l, j)] * gm[(pp[i], pp[k])]
                + g[(j, k)] * gm[(pp[i], pq[l])])
        }
        (Slot::A(i, j), Slot::S(k, l)) | (Slot::S(k, l), Slot::A(i, j)) => {
            if k == l {
                2.0 * g[(j, k)] * gm[(pp[i], pp[k])]
            } else {
                2.0 * (g[(j, l)] * gm[(pp[i], pp[k])] + g[(j, k)] * gm[(pp[i], pp[l])])
            }
        }
        _ => 0.0,
    }
}

/// `−2 (W d)' ∂²μ/∂a∂b` for two slots: with `ν = G m`,
/// `∂²ν/∂A_ij∂A_kl = G_·k G_li ν_j + G_·i G_jk ν_l` and `∂²ν/∂A_ij∂m_k = G_·i G_jk`
/// (observed rows: `P` in place of `G_·`); `wd_x = X' W d`.
fn mean_second_derivative_term(
    c: &Compiled,
    ram: &RamMatrices,
    wd_x: &DVector<f64>,
    a: Slot,
    b: Slot,
) -> f64 {
    let (g, nu, pp) = (&ram.g, &ram.nu, &c.xpos_p);
    match (a, b) {
        (Slot::A(i, j), Slot::A(k, l)) => {
            -2.0 * (wd_x[pp[k]] * g[(l, i)] * nu[j] + wd_x[pp[i]] * g[(j, k)] * nu[l])
        }
        (Slot::A(i, j), Slot::M(k)) | (Slot::M(k), Slot::A(i, j)) => -2.0 * wd_x[pp[i]] * g[(j, k)],
        _ => 0.0,
    }
}

/// Gradient of `F` and the expected (or exact) second-derivative matrix `H`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn grad_info(
    c: &Compiled,
    ram: &RamMatrices,
    x: &DMatrix<f64>,
    sigma: &DMatrix<f64>,
    w: &DMatrix<f64>,
    moments: &Moments,
    mu: &DVector<f64>,
    exact: bool,
) -> (Vec<f64>, DMatrix<f64>) {
    let (m, wd) = moment_gradient(c, sigma, w, moments, mu);
    chain(c, ram, x, w, &m, &wd, Some(exact))
}

/// `M = W (Σ − S − d d') W` (half of `∂F/∂Σ` as a symmetric matrix) and `W d`, with
/// `d = x̄ − μ` (zero without a mean structure).
pub(crate) fn moment_gradient(
    c: &Compiled,
    sigma: &DMatrix<f64>,
    w: &DMatrix<f64>,
    moments: &Moments,
    mu: &DVector<f64>,
) -> (DMatrix<f64>, DVector<f64>) {
    let mut resid = sigma - &moments.cov;
    let wd = if c.meanstructure {
        let d = &moments.mean - mu;
        resid.ger(-1.0, &d, &d, 1.0);
        w * d
    } else {
        DVector::zeros(c.p)
    };
    (w * &resid * w, wd)
}

/// The chain rule from the moment derivatives to the parameters: with `M = ∂F/∂Σ` (as a
/// symmetric matrix, `tr(M dΣ)`) and `∂F/∂μ = −2 wd`, returns the gradient and the
/// expected second-derivative matrix at weight `W` (plus the exact-Hessian terms when
/// `exact`).
pub(crate) fn chain(
    c: &Compiled,
    ram: &RamMatrices,
    x: &DMatrix<f64>,
    w: &DMatrix<f64>,
    m: &DMatrix<f64>,
    wd: &DVector<f64>,
    curvature: Option<bool>,
) -> (Vec<f64>, DMatrix<f64>) {
    let mx = m * x;
    let xt = x.transpose();
    let wd_x = &xt * wd;
    let q = c.q();
    let col = |mat: &DMatrix<f64>, j: usize| -> std::ops::Range<usize> {
        j * mat.nrows()..(j + 1) * mat.nrows()
    };
    let (xs, mxs) = (x.as_slice(), mx.as_slice());
    let mut g = vec![0.0; q];
    // The slots of every parameter in one flat list (parameter `a` owns
    // `flat[start[a]..start[a + 1]]`) with their mean-derivative coefficients, so the
    // q² loop below walks plain slices.
    let mut flat: Vec<(SlotPlan, f64)> = Vec::with_capacity(q);
    let mut start = Vec::with_capacity(q + 1);
    start.push(0);
    for (a, plans) in c.plan.iter().enumerate() {
        for d in plans {
            if d.s != 0.0 {
                let xv = &xs[col(x, d.x)];
                let my = &mxs[col(&mx, d.y)];
                g[a] += 2.0 * d.s * super::linalg::dot(xv, my);
            }
            let cc = d.c(c.meanstructure, &ram.nu);
            if cc != 0.0 {
                g[a] -= 2.0 * cc * wd_x[d.k];
            }
            flat.push((*d, cc));
        }
        start.push(flat.len());
    }
    let Some(exact) = curvature else {
        return (g, DMatrix::zeros(0, 0));
    };
    let gw = &xt * (w * x);
    let mut h = DMatrix::zeros(q, q);
    let expected = |v: &mut f64, da: &SlotPlan, ca: f64, db: &SlotPlan, cb: f64| {
        *v += trace_pair(&gw, da, db);
        if ca != 0.0 && cb != 0.0 {
            *v += 2.0 * ca * cb * gw[(da.k, db.k)];
        }
    };
    if exact {
        let gm = &xt * &mx;
        let means = c.meanstructure;
        fill_pairs(&mut h, &start, &flat, |v, da, ca, db, cb| {
            expected(v, da, ca, db, cb);
            *v -= 2.0 * cross_trace(&gw, &gm, da, db);
            *v += second_derivative_term(c, ram, &gm, da.slot, db.slot);
            if means {
                // 2 (Wd)' ∂_bΣ W ∂_aμ + 2 (Wd)' ∂_aΣ W ∂_bμ
                let mut cross = 0.0;
                if db.s != 0.0 && ca != 0.0 {
                    cross +=
                        db.s * ca * (wd_x[db.x] * gw[(db.y, da.k)] + wd_x[db.y] * gw[(db.x, da.k)]);
                }
                if da.s != 0.0 && cb != 0.0 {
                    cross +=
                        da.s * cb * (wd_x[da.x] * gw[(da.y, db.k)] + wd_x[da.y] * gw[(da.x, db.k)]);
                }
                *v += 2.0 * cross;
                *v += mean_second_derivative_term(c, ram, &wd_x, da.slot, db.slot);
            }
        });
    } else {
        fill_pairs(&mut h, &start, &flat, expected);
    }
    (g, h)
}

/// Fills the symmetric `h` with `h_ab = Σ` over the slot pairs of parameters `a` and `b`
/// of `term` (which adds its part to the running sum, in slot order). Parameters without
/// slots (those of other groups, in a multiple-group view) are skipped: their rows stay 0.
fn fill_pairs(
    h: &mut DMatrix<f64>,
    start: &[usize],
    flat: &[(SlotPlan, f64)],
    term: impl Fn(&mut f64, &SlotPlan, f64, &SlotPlan, f64),
) {
    let q = start.len() - 1;
    for a in 0..q {
        let pa = &flat[start[a]..start[a + 1]];
        if pa.is_empty() {
            continue;
        }
        for b in a..q {
            let pb = &flat[start[b]..start[b + 1]];
            if pb.is_empty() {
                continue;
            }
            let mut v = 0.0;
            for (da, ca) in pa {
                for (db, cb) in pb {
                    term(&mut v, da, *ca, db, *cb);
                }
            }
            h[(a, b)] = v;
            h[(b, a)] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Table;
    use crate::sem::prepare::{moments_of, prepare};
    use crate::sem::{Model, SemOptions};

    fn check(syntax: &str, file: &str, opts: SemOptions) {
        check_at(syntax, file, opts, 1.0);
    }

    /// Derivatives at the start values scaled by `scale` (1 = the start values).
    fn check_at(syntax: &str, file: &str, opts: SemOptions, scale: f64) {
        let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
        let data = Table::from_csv_path(path).unwrap();
        let prep = prepare(&Model::parse(syntax).unwrap(), &data, &opts).unwrap();
        let c = &prep.compiled;
        let mo = moments_of(&prep.data);
        let ld = Chol::new(&mo.cov).unwrap().logdet();
        let theta: Vec<f64> = crate::sem::start::start_values(c, &mo)
            .iter()
            .map(|v| v * scale)
            .collect();
        let mut prob = MlProblem::new(c, &mo, ld);
        let (f, _, hx) = prob.value_grad_info(&theta, true).unwrap();
        assert!(f.is_finite());
        crate::sem::hessian::assert_derivatives(&mut prob, &theta, Some(&hx), 1e-5, 1e-4);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let pd = "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\ndem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6";
        check(pd, "PoliticalDemocracy.csv", SemOptions::default());
        let opts = SemOptions::builder()
            .meanstructure(crate::sem::MeanStructure::On)
            .build()
            .unwrap();
        check(pd, "PoliticalDemocracy.csv", opts);
    }

    #[test]
    fn mean_gradient_is_right_where_the_means_do_not_fit() {
        // Indicator intercepts fixed at 0: d = x̄ − μ is far from 0 at these points, so the
        // d d' term of ∂F/∂Σ matters.
        let growth =
            "i =~ 1*t1 + 1*t2 + 1*t3 + 1*t4\ns =~ 0*t1 + 1*t2 + 2*t3 + 3*t4\ni ~ x1\ns ~ x1 + x2";
        for scale in [1.0, 0.7, 1.3] {
            check_at(growth, "demo_growth.csv", SemOptions::growth(), scale);
        }
        // Two intercepts held equal in a CFA with a mean structure.
        let hs = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~ a*1\nx2 ~ a*1\nx4 ~ 3*1";
        let opts = SemOptions::builder()
            .meanstructure(crate::sem::MeanStructure::On)
            .build()
            .unwrap();
        check_at(hs, "HolzingerSwineford1939.csv", opts, 0.9);
    }
}
