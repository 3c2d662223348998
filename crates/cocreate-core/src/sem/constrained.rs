//! Minimisation and standard errors under the general constraints of a model.
//!
//! Equalities are eliminated (`θ = K z + t`, see `constraints`) and the objective is
//! minimised over `z` by the same Fisher scoring as without constraints, with the gradient
//! `K'g` and curvature `K'HK`: lavaan's `ceq.linear` reparameterisation. Inequalities are
//! handled by a primal active-set method (Nocedal & Wright, *Numerical Optimization*,
//! 2006, §16.5): from the feasible point nearest to the starting values, steps stop at the
//! first inequality they would break, which then joins the working set and is held as an
//! equality; at the minimum over a working set, an inequality whose Lagrange multiplier is
//! negative leaves it. At the end the working set holds exactly the inequalities that bind,
//! which is the point lavaan's augmented Lagrangian (`nlminb.constr`) approaches.
//!
//! The covariance of the estimates is `K (K' I K)⁻¹ K'`, with `K` spanning the parameter
//! directions that keep the equalities and the inequalities active at the estimates (slack
//! at most 1e-5, lavaan's rule); this is the parameter block of the inverse of lavaan's
//! bordered information matrix (`lav_model_information_augment_invert`). Inactive
//! inequalities change nothing.

use std::cell::Cell;

use nalgebra::DMatrix;

use super::constraints::{
    contradiction, nearest_feasible, Added, LinearConstraint, Reduction, ACTIVE_SLACK,
};
use super::error::SemError;
use super::linalg::Chol;
use super::optim::{fisher_scoring, Objective, OptimOutcome};

/// An objective over the parameters `z` that a [`Reduction`] keeps, stopping steps at the
/// inequalities outside the working set.
struct Reduced<'a> {
    inner: &'a mut dyn Objective,
    red: &'a Reduction,
    k: DMatrix<f64>,
    cons: &'a [LinearConstraint],
    /// Inequalities whose steps are limited (indices into `cons`).
    watch: Vec<usize>,
    theta: Vec<f64>,
    /// The inequality that limited the last step asked about.
    blocking: Cell<Option<usize>>,
}

impl Reduced<'_> {
    fn set(&mut self, z: &[f64]) {
        self.red.expand(z, &mut self.theta);
    }
}

impl Objective for Reduced<'_> {
    fn value(&mut self, z: &[f64]) -> Option<f64> {
        self.set(z);
        self.inner.value(&self.theta)
    }

    fn value_grad_info(&mut self, z: &[f64], exact: bool) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        self.set(z);
        let (f, g, h) = self.inner.value_grad_info(&self.theta, exact)?;
        let gz = self.k.tr_mul(&nalgebra::DVector::from_vec(g));
        let hz = self.k.tr_mul(&(h * &self.k));
        Some((f, gz.iter().copied().collect(), hz))
    }

    fn hessian_is_exact(&self) -> bool {
        self.inner.hessian_is_exact()
    }

    fn value_grad(&mut self, z: &[f64]) -> Option<(f64, Vec<f64>)> {
        self.set(z);
        let (f, g) = self.inner.value_grad(&self.theta)?;
        let gz = self.k.tr_mul(&nalgebra::DVector::from_vec(g));
        Some((f, gz.iter().copied().collect()))
    }

    fn max_step(&self, z: &[f64], dz: &[f64]) -> f64 {
        if self.watch.is_empty() {
            return f64::INFINITY;
        }
        let mut theta = self.theta.clone();
        self.red.expand(z, &mut theta);
        let dtheta = &self.k * nalgebra::DVector::from_column_slice(dz);
        let mut best = f64::INFINITY;
        let mut which = None;
        for &i in &self.watch {
            let c = &self.cons[i];
            let rate: f64 = c.terms.iter().map(|&(p, w)| w * dtheta[p]).sum();
            let size: f64 = c.terms.iter().map(|&(p, w)| (w * dtheta[p]).abs()).sum();
            if rate < -1e-14 * size.max(f64::MIN_POSITIVE) {
                let t = c.value(&theta).max(0.0) / -rate;
                if t < best {
                    best = t;
                    which = Some(i);
                }
            }
        }
        self.blocking.set(which);
        best
    }
}

/// Most changes of the working set before the minimisation gives up.
fn max_changes(n_inequalities: usize) -> usize {
    50 + 4 * n_inequalities
}

/// Minimises `obj` from `theta` (updated in place) under `cons`; without constraints this
/// is [`fisher_scoring`] itself. Moves the start to the nearest feasible point first.
pub(crate) fn minimize(
    obj: &mut dyn Objective,
    theta: &mut [f64],
    cons: &[LinearConstraint],
    max_iter: usize,
    tol: f64,
) -> Result<OptimOutcome, SemError> {
    if cons.iter().all(|c| c.terms.is_empty()) {
        return fisher_scoring(obj, theta, max_iter, tol);
    }
    let q = theta.len();
    // The equalities, reduced; the independent ones carry the multipliers.
    let mut base = Reduction::new(q);
    let mut independent = Vec::new();
    for (i, c) in cons.iter().enumerate() {
        if c.is_equality() && !c.terms.is_empty() {
            match base.add(&c.terms, c.constant, i) {
                Added::Pivot => independent.push(i),
                Added::Redundant => {}
                Added::Contradiction(sources) => return Err(contradiction(cons, &sources)),
            }
        }
    }
    let ineq: Vec<usize> = (0..cons.len())
        .filter(|&i| !cons[i].is_equality() && !cons[i].terms.is_empty())
        .collect();
    nearest_feasible(cons, &base, &ineq, theta)?;
    // Inequalities at zero at the start form the first working set.
    let mut working: Vec<usize> = ineq
        .iter()
        .copied()
        .filter(|&i| cons[i].value(theta) <= 1e-12 * scale(&cons[i], theta))
        .collect();
    let mut iterations = 0;
    for _ in 0..max_changes(ineq.len()) {
        let mut red = base.clone();
        let mut held = Vec::new();
        for &i in &working {
            match red.add(&cons[i].terms, cons[i].constant, i) {
                Added::Pivot => held.push(i),
                Added::Redundant => {}
                Added::Contradiction(sources) => return Err(contradiction(cons, &sources)),
            }
        }
        let watch: Vec<usize> = ineq
            .iter()
            .copied()
            .filter(|i| !working.contains(i))
            .collect();
        let mut z = red.coords(theta);
        let k = red.kernel();
        let mut reduced = Reduced {
            inner: &mut *obj,
            red: &red,
            k,
            cons,
            watch,
            theta: theta.to_vec(),
            blocking: Cell::new(None),
        };
        let remaining = max_iter.saturating_sub(iterations).max(1);
        let mut out = fisher_scoring(&mut reduced, &mut z, remaining, tol)?;
        let blocking = reduced.blocking.get();
        red.expand(&z, theta);
        iterations += out.iterations;
        out.iterations = iterations;
        if out.blocked {
            match blocking {
                Some(i) if !working.contains(&i) => working.push(i),
                _ => return Ok(out),
            }
            continue;
        }
        if held.is_empty() {
            return Ok(out);
        }
        // Lagrange multipliers of the held inequalities: g = E'μ + C'λ at the minimum.
        let Some((_, g)) = obj.value_grad(theta) else {
            return Err(SemError::SingularStructure);
        };
        let mut rows = independent.clone();
        let n_eq = rows.len();
        rows.extend_from_slice(&held);
        let a = DMatrix::from_fn(rows.len(), q, |r, p| {
            cons[rows[r]]
                .terms
                .iter()
                .find(|(j, _)| *j == p)
                .map_or(0.0, |t| t.1)
        });
        let gram = &a * a.transpose();
        let rhs = &a * nalgebra::DVector::from_vec(g);
        let Some(lambda) = gram.cholesky().map(|ch| ch.solve(&rhs)) else {
            return Ok(out);
        };
        let drop = (n_eq..rows.len())
            .filter(|&r| lambda[r] < -1e-8)
            .min_by(|&a, &b| lambda[a].total_cmp(&lambda[b]));
        match drop {
            Some(r) => working.retain(|&i| i != rows[r]),
            None => return Ok(out),
        }
    }
    Err(SemError::NotConverged {
        iterations,
        gradient_norm: f64::NAN,
        reason: "the set of inequality constraints that bind did not settle".into(),
    })
}

/// The size of the terms of a constraint at `theta`, for a relative zero.
fn scale(c: &LinearConstraint, theta: &[f64]) -> f64 {
    1.0 + c.constant.abs()
        + c.terms
            .iter()
            .map(|&(k, w)| (w * theta[k]).abs())
            .sum::<f64>()
}

/// The constraint rows that bind at `theta`: every equality and the inequalities with slack
/// at most [`ACTIVE_SLACK`].
pub(crate) fn active_reduction(cons: &[LinearConstraint], theta: &[f64]) -> Option<Reduction> {
    let binding: Vec<usize> = (0..cons.len())
        .filter(|&i| {
            let c = &cons[i];
            !c.terms.is_empty() && (c.is_equality() || c.value(theta) <= ACTIVE_SLACK)
        })
        .collect();
    if binding.is_empty() {
        return None;
    }
    let mut red = Reduction::new(theta.len());
    for i in binding {
        red.add(&cons[i].terms, cons[i].constant, i);
    }
    Some(red)
}

/// The inverse of an information matrix under the constraints binding at `theta`:
/// `K (K' I K)⁻¹ K'`, or `I⁻¹` without constraints. `None` when it is singular.
pub(crate) fn inverse(
    cons: &[LinearConstraint],
    theta: &[f64],
    info: &DMatrix<f64>,
) -> Option<DMatrix<f64>> {
    let finite = |m: DMatrix<f64>| m.iter().all(|v| v.is_finite()).then_some(m);
    if info.nrows() == 0 {
        return Some(DMatrix::zeros(0, 0));
    }
    match active_reduction(cons, theta) {
        None => finite(Chol::new(info)?.inverse()),
        Some(red) => {
            let k = red.kernel();
            if k.ncols() == 0 {
                return Some(DMatrix::zeros(info.nrows(), info.ncols()));
            }
            let inner = k.tr_mul(&(info * &k));
            let inv = Chol::new(&inner)?.inverse();
            finite(&k * inv * k.transpose())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `F(θ) = Σ (θ_i − t_i)²` with identity curvature ×2.
    struct Quadratic(Vec<f64>);

    impl Objective for Quadratic {
        fn value(&mut self, theta: &[f64]) -> Option<f64> {
            Some(
                theta
                    .iter()
                    .zip(&self.0)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum(),
            )
        }
        fn value_grad_info(
            &mut self,
            theta: &[f64],
            _exact: bool,
        ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
            let f = self.value(theta)?;
            let g = theta
                .iter()
                .zip(&self.0)
                .map(|(a, b)| 2.0 * (a - b))
                .collect();
            Some((f, g, DMatrix::identity(theta.len(), theta.len()) * 2.0))
        }
        fn hessian_is_exact(&self) -> bool {
            true
        }
    }

    fn constraints(text: &str) -> Vec<LinearConstraint> {
        let model = crate::sem::Model::parse(&format!("y ~ a*x1 + b*x2 + c*x3\n{text}")).unwrap();
        let t =
            crate::sem::ParameterTable::build(&model, &crate::sem::SemOptions::default(), false)
                .unwrap();
        t.constraints.clone()
    }

    fn solve(text: &str, target: [f64; 4]) -> Vec<f64> {
        let cons = constraints(text);
        let mut theta = vec![0.0; 4];
        minimize(
            &mut Quadratic(target.to_vec()),
            &mut theta,
            &cons,
            200,
            1e-12,
        )
        .unwrap();
        theta
    }

    fn close(a: &[f64], b: &[f64]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-9, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn projections_onto_constraint_sets() {
        // a == 2b: the projection of (1, 1) onto the line.
        close(
            &solve("a == 2*b", [1.0, 1.0, 0.0, 0.3]),
            &[1.2, 0.6, 0.0, 0.3],
        );
        // An inequality that binds and one that does not.
        close(
            &solve("a > 0.5\nb > 0", [0.1, 0.4, 0.2, 1.0]),
            &[0.5, 0.4, 0.2, 1.0],
        );
        // a < b with the target on the wrong side; c free.
        close(&solve("a < b", [1.0, 0.0, 3.0, 1.0]), &[0.5, 0.5, 3.0, 1.0]);
        // Started where a constraint binds that must be released.
        close(
            &solve("a + b > 1\nb < 2", [2.0, 0.5, 0.0, 0.0]),
            &[2.0, 0.5, 0.0, 0.0],
        );
        // Equalities and inequalities together; a redundant equality.
        close(
            &solve(
                "a + b == 1\n2*a + 2*b == 2\nb > 0.8\nc < a",
                [1.0, 0.0, 1.0, 0.0],
            ),
            &[0.2, 0.8, 0.2, 0.0],
        );
    }

    #[test]
    fn the_inverse_keeps_the_binding_directions_only() {
        let cons = constraints("a == 2*b\nc > 5");
        let info = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![1.0, 2.0, 4.0, 8.0]));
        // c far from its bound: the inequality changes nothing.
        let v = inverse(&cons, &[2.0, 1.0, 9.0, 0.0], &info).unwrap();
        assert!((v[(2, 2)] - 0.25).abs() < 1e-15 && (v[(3, 3)] - 0.125).abs() < 1e-15);
        // var(a) = 4 var(b), var(b) = 1/(1·4 + 2) from the information along (2, 1).
        assert!((v[(1, 1)] - 1.0 / 6.0).abs() < 1e-15 && (v[(0, 0)] - 4.0 / 6.0).abs() < 1e-15);
        // c at its bound: its variance is zero.
        let v = inverse(&cons, &[2.0, 1.0, 5.0, 0.0], &info).unwrap();
        assert_eq!(v[(2, 2)], 0.0);
        assert!((v[(3, 3)] - 0.125).abs() < 1e-15);
    }
}
