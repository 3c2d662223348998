//! Fisher scoring with a backtracking line search and Levenberg-style damping.
//!
//! Each iteration solves `H δ = −g` with the (expected) information `H`; the step is
//! halved until the objective decreases enough (Armijo). When `H` is not positive
//! definite a ridge is added. Convergence: the largest relative step falls below the
//! tolerance, or the gradient vanishes.

use nalgebra::{DMatrix, DVector};

use super::linalg::Chol;

use super::error::SemError;

/// An objective with value, gradient and a positive-(semi)definite curvature matrix.
pub(crate) trait Objective {
    /// The objective, or `None` outside the admissible region.
    fn value(&mut self, theta: &[f64]) -> Option<f64>;
    /// Value, gradient and curvature matrix.
    /// `exact` asks for the exact Hessian instead of the expected information, where the
    /// objective can provide it.
    fn value_grad_info(
        &mut self,
        theta: &[f64],
        exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)>;
    /// Whether `value_grad_info(θ, true)` returns the exact Hessian (enables the early stop
    /// after a tiny Newton step).
    fn hessian_is_exact(&self) -> bool {
        false
    }
    /// Value and gradient only (objectives may skip the curvature).
    fn value_grad(&mut self, theta: &[f64]) -> Option<(f64, Vec<f64>)> {
        self.value_grad_info(theta, false).map(|(f, g, _)| (f, g))
    }
    /// The longest step `α` along `delta` from `theta` that stays admissible (an objective
    /// under inequality constraints stops at the first one the step would break). A step
    /// ending there ends the minimisation with [`OptimOutcome::blocked`].
    fn max_step(&self, _theta: &[f64], _delta: &[f64]) -> f64 {
        f64::INFINITY
    }
    /// The scoring step `δ` with `H δ = −g`, or `None` when `H` is not positive definite
    /// (an objective whose `H` has structure may solve it faster).
    fn step(&self, h: &DMatrix<f64>, g: &[f64]) -> Option<Vec<f64>> {
        pd_step(h, g)
    }
}

/// How the optimiser ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OptimOutcome {
    pub iterations: usize,
    pub gradient_norm: f64,
    pub value: f64,
    /// The last step stopped at the limit of [`Objective::max_step`].
    pub blocked: bool,
}

/// Solves `H δ = −g` if `H` is positive definite.
pub(crate) fn pd_step(h: &DMatrix<f64>, g: &[f64]) -> Option<Vec<f64>> {
    let ch = Chol::new(h)?;
    let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
    ch.solve_in_place(&mut d);
    d.iter().all(|v| v.is_finite()).then_some(d)
}

/// Solves `H δ = −g`, adding a ridge when `H` is not positive definite.
pub(crate) fn newton_step(h: &DMatrix<f64>, g: &[f64]) -> Option<Vec<f64>> {
    let q = g.len();
    let rhs = DVector::from_iterator(q, g.iter().map(|v| -v));
    let scale = (0..q)
        .map(|i| h[(i, i)].abs())
        .fold(0.0, f64::max)
        .max(1e-12);
    let mut ridge = 0.0;
    for _ in 0..12 {
        let mut hh = h.clone();
        for i in 0..q {
            hh[(i, i)] += ridge;
        }
        if let Some(ch) = Chol::new(&hh) {
            let mut d: Vec<f64> = rhs.iter().copied().collect();
            ch.solve_in_place(&mut d);
            if d.iter().all(|v| v.is_finite()) {
                return Some(d);
            }
        }
        ridge = if ridge == 0.0 {
            scale * 1e-8
        } else {
            ridge * 10.0
        };
    }
    None
}

/// Minimises `obj` from `theta` (updated in place).
pub(crate) fn fisher_scoring(
    obj: &mut dyn Objective,
    theta: &mut [f64],
    max_iter: usize,
    tol: f64,
) -> Result<OptimOutcome, SemError> {
    let q = theta.len();
    let (mut f, mut g, mut h) = obj
        .value_grad_info(theta, false)
        .ok_or(SemError::BadStart)?;
    let gnorm = |g: &[f64]| g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if q == 0 {
        return Ok(OptimOutcome {
            iterations: 0,
            gradient_norm: 0.0,
            value: f,
            blocked: false,
        });
    }
    let mut trial = vec![0.0; q];
    let mut h_exact = false;
    for iter in 1..=max_iter {
        let mut newton = h_exact;
        let delta = if let Some(d) = obj.step(&h, &g) {
            Some(d)
        } else {
            newton = false;
            // The exact Hessian is not positive definite here: fall back to scoring.
            let (_, _, hf) = obj
                .value_grad_info(theta, false)
                .ok_or(SemError::SingularStructure)?;
            h = hf;
            newton_step(&h, &g)
        };
        let delta = delta.ok_or_else(|| SemError::NotConverged {
            iterations: iter,
            gradient_norm: gnorm(&g),
            reason: "the information matrix could not be used for a step".into(),
        })?;
        let slope: f64 = g.iter().zip(&delta).map(|(a, b)| a * b).sum();
        let rel_step = delta
            .iter()
            .zip(theta.iter())
            .fold(0.0f64, |m, (d, t)| m.max(d.abs() / t.abs().max(1.0)));
        let decrease = -slope;
        // The whole step, or as much of it as the objective admits.
        let limit = obj.max_step(theta, &delta);
        let full = if limit < 1.0 { limit.max(0.0) } else { 1.0 };
        let mut alpha = full;
        let mut accepted = None;
        if decrease.abs() < 1e-10 * f.abs().max(1.0) {
            // Within rounding of the optimum: the objective can no longer rank steps, but
            // the scoring step is reliable, so take it whole.
            for i in 0..q {
                trial[i] = theta[i] + full * delta[i];
            }
            accepted = obj.value(&trial);
        } else {
            for _ in 0..40 {
                for i in 0..q {
                    trial[i] = theta[i] + alpha * delta[i];
                }
                if let Some(ft) = obj.value(&trial) {
                    if ft <= f + 1e-4 * alpha * slope.min(0.0) {
                        accepted = Some(ft);
                        break;
                    }
                }
                alpha *= 0.5;
            }
        }
        if accepted.is_none() && rel_step < 1e-4 {
            // The objective cannot resolve so small a step (rounding): trust the model.
            for i in 0..q {
                trial[i] = theta[i] + full * delta[i];
            }
            alpha = full;
            accepted = obj.value(&trial);
        }
        if accepted.is_none() {
            return Err(SemError::NotConverged {
                iterations: iter,
                gradient_norm: gnorm(&g),
                reason: "the line search could not decrease the discrepancy".into(),
            });
        }
        theta.copy_from_slice(&trial);
        // A full step that was already tiny ends the iteration: after a Newton step with
        // the exact Hessian the error is of the order of the step squared. A step that
        // stopped at the objective's limit ends it too: the caller changes the problem.
        let blocked = limit <= 1.0 && alpha == full;
        if blocked
            || (alpha == 1.0
                && (rel_step < tol || (newton && obj.hessian_is_exact() && rel_step < 1e-6)))
        {
            let (nf, ng) = obj.value_grad(theta).ok_or(SemError::SingularStructure)?;
            return Ok(OptimOutcome {
                iterations: iter,
                gradient_norm: gnorm(&ng),
                value: nf,
                blocked,
            });
        }
        // Near the optimum, Newton steps with the exact Hessian converge quadratically
        // where scoring converges only linearly.
        let exact = alpha == 1.0 && rel_step < 0.1;
        let (nf, ng, nh) =
            obj.value_grad_info(theta, exact)
                .ok_or_else(|| SemError::NotConverged {
                    iterations: iter,
                    gradient_norm: gnorm(&g),
                    reason: "the implied covariance matrix became singular".into(),
                })?;
        f = nf;
        g = ng;
        h = nh;
        h_exact = exact;
    }
    Err(SemError::NotConverged {
        iterations: max_iter,
        gradient_norm: gnorm(&g),
        reason: "the iteration limit was reached".into(),
    })
}
