//! Maximum likelihood on complete data: the discrepancy function, its gradient and the
//! expected information, all analytic.
//!
//! `F = log|Σ| + tr(S Σ⁻¹) − log|S| − p + (x̄ − μ)' Σ⁻¹ (x̄ − μ)` (the mean term only with a
//! mean structure). With `W = Σ⁻¹`, `M = W (Σ − S) W` and `d = x̄ − μ`:
//! `∂F/∂θ = tr(M ∂Σ) − 2 d' W ∂μ`, and the expected second derivative is
//! `H_ab = tr(W ∂_aΣ W ∂_bΣ) + 2 ∂_aμ' W ∂_bμ`. The information of the N-row log-likelihood
//! is `N/2 · H`.

use nalgebra::{Cholesky, DMatrix, DVector, Dyn};

use super::optim::Objective;
use super::ram::{Basis, Compiled, ExoMoments, RamMatrices, Slot, SlotDeriv};

/// Sample moments with the N denominator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Moments {
    pub cov: DMatrix<f64>,
    pub mean: DVector<f64>,
    pub n: usize,
}

/// Gram matrices of the derivative basis under a symmetric weight: `P'WP`, `Q'WQ`, `P'WQ`.
pub(crate) struct Grams {
    pub pp: DMatrix<f64>,
    pub qq: DMatrix<f64>,
    pub pq: DMatrix<f64>,
}

impl Grams {
    /// Computes the Grams of `P` (p × n) and `Q` (p × n) under `w`.
    pub fn new(w: &DMatrix<f64>, p: &DMatrix<f64>, q: &DMatrix<f64>) -> Grams {
        let wp = w * p;
        let wq = w * q;
        Grams {
            pp: p.tr_mul(&wp),
            qq: q.tr_mul(&wq),
            pq: p.tr_mul(&wq),
        }
    }

    #[inline]
    pub fn get(&self, a: Basis, b: Basis) -> f64 {
        match (a, b) {
            (Basis::P(i), Basis::P(k)) => self.pp[(i, k)],
            (Basis::Q(j), Basis::Q(l)) => self.qq[(j, l)],
            (Basis::P(i), Basis::Q(l)) => self.pq[(i, l)],
            (Basis::Q(j), Basis::P(k)) => self.pq[(k, j)],
        }
    }

    /// `tr(W ∂_aΣ W ∂_bΣ)` for two slot derivatives.
    #[inline]
    pub fn trace_pair(&self, a: &SlotDeriv, b: &SlotDeriv) -> f64 {
        if a.s == 0.0 || b.s == 0.0 {
            return 0.0;
        }
        2.0 * a.s
            * b.s
            * (self.get(a.x, b.x) * self.get(a.y, b.y) + self.get(a.x, b.y) * self.get(a.y, b.x))
    }
}

/// `tr(W ∂_bΣ M ∂_aΣ)` from the W- and M-Grams.
#[inline]
fn cross_trace(w: &Grams, m: &Grams, a: &SlotDeriv, b: &SlotDeriv) -> f64 {
    if a.s == 0.0 || b.s == 0.0 {
        return 0.0;
    }
    a.s * b.s
        * (m.get(b.y, a.x) * w.get(a.y, b.x)
            + m.get(b.y, a.y) * w.get(a.x, b.x)
            + m.get(b.x, a.x) * w.get(a.y, b.y)
            + m.get(b.x, a.y) * w.get(a.x, b.y))
}

/// `tr(M ∂²Σ/∂a∂b)` for two slots (only paths have non-zero second derivatives).
fn second_derivative_term(ram: &RamMatrices, m: &Grams, a: Slot, b: Slot) -> f64 {
    let g = &ram.g;
    let phi = &ram.phi;
    match (a, b) {
        (Slot::A(i, j), Slot::A(k, l)) => {
            2.0 * (g[(l, i)] * m.pq[(k, j)] + phi[(l, j)] * m.pp[(i, k)] + g[(j, k)] * m.pq[(i, l)])
        }
        (Slot::A(i, j), Slot::S(k, l)) | (Slot::S(k, l), Slot::A(i, j)) => {
            if k == l {
                2.0 * g[(j, k)] * m.pp[(i, k)]
            } else {
                2.0 * (g[(j, l)] * m.pp[(i, k)] + g[(j, k)] * m.pp[(i, l)])
            }
        }
        _ => 0.0,
    }
}

/// Column of `P` or `Q` as a slice.
#[inline]
pub(crate) fn basis_col<'a>(b: Basis, p: &'a DMatrix<f64>, q: &'a DMatrix<f64>) -> &'a [f64] {
    let (m, j) = match b {
        Basis::P(i) => (p, i),
        Basis::Q(i) => (q, i),
    };
    let rows = m.nrows();
    &m.as_slice()[j * rows..(j + 1) * rows]
}

#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The ML problem for one set of sample moments.
pub(crate) struct MlProblem<'a> {
    pub c: &'a Compiled,
    pub moments: &'a Moments,
    pub exo: ExoMoments,
    pub logdet_s: f64,
    pub ram: RamMatrices,
}

/// Implied `Σ`, its Cholesky factor, and `μ`.
type Implied = (DMatrix<f64>, Cholesky<f64, Dyn>, DVector<f64>);

/// Log-determinant from a Cholesky factor.
pub(crate) fn chol_logdet(ch: &Cholesky<f64, Dyn>) -> f64 {
    2.0 * ch.l_dirty().diagonal().iter().map(|v| v.ln()).sum::<f64>()
}

impl<'a> MlProblem<'a> {
    pub fn new(c: &'a Compiled, moments: &'a Moments, logdet_s: f64) -> MlProblem<'a> {
        let exo = ExoMoments::from_sample(&c.x_idx, &moments.cov, &moments.mean);
        MlProblem {
            c,
            moments,
            exo,
            logdet_s,
            ram: RamMatrices::new(c.n),
        }
    }

    /// Fills the matrices at `theta` and returns `(Σ, Cholesky(Σ), μ)`.
    fn implied(&mut self, theta: &[f64]) -> Option<Implied> {
        self.c.fill(theta, &self.exo, &mut self.ram);
        self.ram.implied().ok()?;
        let p = self.c.p;
        let sigma = self.ram.sigma(p);
        let ch = Cholesky::new(sigma.clone())?;
        Some((sigma, ch, self.ram.mu(p)))
    }

    /// `F_ML` from a factorised Σ.
    fn f_from(&self, ch: &Cholesky<f64, Dyn>, mu: &DVector<f64>) -> f64 {
        let p = self.c.p;
        let w = ch.inverse();
        let tr = w.component_mul(&self.moments.cov).sum();
        let mut f = chol_logdet(ch) + tr - self.logdet_s - p as f64;
        if self.c.meanstructure {
            let d = &self.moments.mean - mu;
            f += (d.transpose() * &w * &d)[(0, 0)];
        }
        f
    }
}

impl Objective for MlProblem<'_> {
    fn value(&mut self, theta: &[f64]) -> Option<f64> {
        let (_, ch, mu) = self.implied(theta)?;
        let f = self.f_from(&ch, &mu);
        f.is_finite().then_some(f)
    }

    fn value_grad_info(
        &mut self,
        theta: &[f64],
        exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        let (sigma, ch, mu) = self.implied(theta)?;
        let f = self.f_from(&ch, &mu);
        let (g, h) = grad_info(
            self.c,
            &self.ram,
            &sigma,
            &ch.inverse(),
            self.moments,
            &mu,
            exact,
        );
        Some((f, g, h))
    }
}

/// Gradient of `F` and the expected second-derivative matrix `H` (information = N/2 · H).
pub(crate) fn grad_info(
    c: &Compiled,
    ram: &RamMatrices,
    sigma: &DMatrix<f64>,
    w: &DMatrix<f64>,
    moments: &Moments,
    mu: &DVector<f64>,
    exact: bool,
) -> (Vec<f64>, DMatrix<f64>) {
    let p = c.p;
    let pm = ram.g.rows(0, p).into_owned();
    let qm = ram.phi.rows(0, p).into_owned();
    let resid = sigma - &moments.cov;
    let m = w * &resid * w;
    let mp = &m * &pm;
    let mq = &m * &qm;
    let grams = Grams::new(w, &pm, &qm);
    let wd_p = if c.meanstructure {
        let d = &moments.mean - mu;
        let wd = w * d;
        pm.tr_mul(&wd)
    } else {
        DVector::zeros(c.n)
    };
    let derivs: Vec<Vec<SlotDeriv>> = c
        .free_slots
        .iter()
        .map(|slots| slots.iter().map(|&s| c.slot_deriv(s, &ram.nu)).collect())
        .collect();
    let q = derivs.len();
    let mut g = vec![0.0; q];
    for (a, ds) in derivs.iter().enumerate() {
        for d in ds {
            if d.s != 0.0 {
                let my = basis_col(d.y, &mp, &mq);
                g[a] += 2.0 * d.s * dot(basis_col(d.x, &pm, &qm), my);
            }
            if d.c != 0.0 {
                g[a] -= 2.0 * d.c * wd_p[d.k];
            }
        }
    }
    let mgrams = exact.then(|| Grams::new(&m, &pm, &qm));
    let mut h = DMatrix::zeros(q, q);
    for a in 0..q {
        for b in a..q {
            let mut v = 0.0;
            for (da, sa) in derivs[a].iter().zip(&c.free_slots[a]) {
                for (db, sb) in derivs[b].iter().zip(&c.free_slots[b]) {
                    v += grams.trace_pair(da, db);
                    if da.c != 0.0 && db.c != 0.0 {
                        v += 2.0 * da.c * db.c * grams.pp[(da.k, db.k)];
                    }
                    if let Some(mg) = &mgrams {
                        v -= 2.0 * cross_trace(&grams, mg, da, db);
                        v += second_derivative_term(ram, mg, *sa, *sb);
                    }
                }
            }
            h[(a, b)] = v;
            h[(b, a)] = v;
        }
    }
    (g, h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Table;
    use crate::sem::engine::{moments_of, prepare};
    use crate::sem::{Model, SemOptions};

    fn check(syntax: &str, file: &str, opts: SemOptions) {
        let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
        let data = Table::from_csv_path(path).unwrap();
        let prep = prepare(&Model::parse(syntax).unwrap(), &data, &opts).unwrap();
        let c = &prep.compiled;
        let mo = moments_of(&prep.data);
        let ld = chol_logdet(&mo.cov.clone().cholesky().unwrap());
        let theta = crate::sem::start::start_values(c, &mo);
        let mut prob = MlProblem::new(c, &mo, ld);
        let (f, g, hx) = prob.value_grad_info(&theta, true).unwrap();
        if !c.meanstructure {
            for a in 0..theta.len() {
                let h = 1e-5;
                let mut t = theta.clone();
                t[a] += h;
                let gp = prob.value_grad_info(&t, false).unwrap().1;
                t[a] -= 2.0 * h;
                let gm = prob.value_grad_info(&t, false).unwrap().1;
                for b in 0..theta.len() {
                    let num = (gp[b] - gm[b]) / (2.0 * h);
                    assert!(
                        (num - hx[(a, b)]).abs() < 1e-4 * (1.0 + num.abs()),
                        "hessian {a},{b}: {} vs {num}",
                        hx[(a, b)]
                    );
                }
            }
        }
        assert!(f.is_finite());
        for a in 0..theta.len() {
            let h = 1e-6;
            let mut t = theta.clone();
            t[a] += h;
            let fp = prob.value(&t).unwrap();
            t[a] -= 2.0 * h;
            let fm = prob.value(&t).unwrap();
            let num = (fp - fm) / (2.0 * h);
            assert!(
                (num - g[a]).abs() < 1e-5 * (1.0 + num.abs()),
                "param {a}: analytic {} numeric {num}",
                g[a]
            );
        }
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
}
