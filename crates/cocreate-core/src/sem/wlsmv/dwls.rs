//! The DWLS discrepancy of the correlation structure and its derivatives.
//!
//! With every variable ordered, the implied thresholds are the threshold parameters
//! themselves (intercepts and latent means fixed at 0, scaling factors 1), so at the
//! minimum they equal the sample thresholds and add nothing to the discrepancy; what is
//! left is `F(θ) = Σ_k w_k (r_k − σ_k(θ))²` over the polychoric correlations r_k, with
//! σ = the off-diagonal of Σ* = the RAM model's implied covariance. Under the delta
//! parameterization the residual variances of the ordered variables only fill the
//! diagonal (to 1), so they are held at 0 here and the off-diagonal does not depend on
//! them. The derivatives of σ come from the RAM basis: `∂Σ/∂θ = s (x y' + y x')`.

use nalgebra::DMatrix;

use super::super::optim::Objective;
use super::super::ram::{Compiled, ExoMoments, RamMatrices};

/// The DWLS problem in the structural parameters (every WLSMV parameter but the
/// thresholds), with reusable work space.
pub(crate) struct Dwls<'a> {
    c: &'a Compiled,
    ram: RamMatrices,
    x: DMatrix<f64>,
    exo: ExoMoments,
    /// ML free index of each structural parameter.
    struct_ml: &'a [usize],
    /// The correlations in lavaan's order: (i, j), i > j, column by column.
    pairs: &'a [(usize, usize)],
    r: &'a [f64],
    w: &'a [f64],
}

/// The correlation structure at one parameter vector.
pub(crate) struct Structure {
    /// Σ* with the residual variances of the ordered variables at 0 (p × p).
    pub sigma: DMatrix<f64>,
    /// ∂σ_k/∂θ_s (pairs × structural parameters).
    pub delta: DMatrix<f64>,
    /// ∂Σ*_ii/∂θ_s (p × structural parameters): how the delta residual variances move.
    pub ddiag: DMatrix<f64>,
}

impl<'a> Dwls<'a> {
    pub(crate) fn new(
        c: &'a Compiled,
        struct_ml: &'a [usize],
        pairs: &'a [(usize, usize)],
        r: &'a [f64],
        w: &'a [f64],
    ) -> Dwls<'a> {
        let nb = c.p_cols.len() + c.q_cols.len();
        Dwls {
            c,
            ram: RamMatrices::new(c.n),
            x: DMatrix::zeros(c.p, nb),
            exo: ExoMoments {
                cov: DMatrix::zeros(0, 0),
                mean: nalgebra::DVector::zeros(0),
            },
            struct_ml,
            pairs,
            r,
            w,
        }
    }

    /// The ML parameter vector: the structural parameters in place, the residual
    /// variances of the ordered variables at 0.
    pub(crate) fn expand(&self, ts: &[f64]) -> Vec<f64> {
        let mut theta = vec![0.0; self.c.q()];
        for (&k, &v) in self.struct_ml.iter().zip(ts) {
            theta[k] = v;
        }
        theta
    }

    /// Σ*, and with `jacobian` its derivatives.
    pub(crate) fn structure(&mut self, ts: &[f64], jacobian: bool) -> Option<Structure> {
        let theta = self.expand(ts);
        self.c.fill(&theta, &self.exo, &mut self.ram);
        self.ram.implied_sparse(self.c).ok()?;
        let p = self.c.p;
        let sigma = self.ram.sigma(p);
        if sigma.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let qs = self.struct_ml.len();
        let mut delta = DMatrix::zeros(if jacobian { self.pairs.len() } else { 0 }, qs);
        let mut ddiag = DMatrix::zeros(if jacobian { p } else { 0 }, qs);
        if jacobian {
            self.ram.basis(self.c, &mut self.x);
            let x = &self.x;
            for (a, &k) in self.struct_ml.iter().enumerate() {
                for d in &self.c.plan[k] {
                    if d.s == 0.0 {
                        continue;
                    }
                    let (cx, cy) = (x.column(d.x), x.column(d.y));
                    for (row, &(i, j)) in self.pairs.iter().enumerate() {
                        delta[(row, a)] += d.s * (cx[i] * cy[j] + cy[i] * cx[j]);
                    }
                    for i in 0..p {
                        ddiag[(i, a)] += d.s * 2.0 * cx[i] * cy[i];
                    }
                }
            }
        }
        Some(Structure {
            sigma,
            delta,
            ddiag,
        })
    }

    /// The residuals r_k − σ_k.
    pub(crate) fn residuals(&self, sigma: &DMatrix<f64>) -> Vec<f64> {
        self.pairs
            .iter()
            .zip(self.r)
            .map(|(&(i, j), r)| r - sigma[(i, j)])
            .collect()
    }
}

impl Objective for Dwls<'_> {
    fn value(&mut self, theta: &[f64]) -> Option<f64> {
        let s = self.structure(theta, false)?;
        let e = self.residuals(&s.sigma);
        let f: f64 = e.iter().zip(self.w).map(|(e, w)| w * e * e).sum();
        f.is_finite().then_some(f)
    }

    fn value_grad_info(
        &mut self,
        theta: &[f64],
        _exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        let s = self.structure(theta, true)?;
        let e = self.residuals(&s.sigma);
        let f: f64 = e.iter().zip(self.w).map(|(e, w)| w * e * e).sum();
        let qs = theta.len();
        let mut wd = s.delta.clone();
        for (row, &w) in self.w.iter().enumerate() {
            wd.row_mut(row).scale_mut(w);
        }
        let g: Vec<f64> = (0..qs)
            .map(|a| -2.0 * wd.column(a).iter().zip(&e).map(|(x, y)| x * y).sum::<f64>())
            .collect();
        let h = s.delta.transpose() * &wd * 2.0;
        f.is_finite().then_some((f, g, h))
    }
}
