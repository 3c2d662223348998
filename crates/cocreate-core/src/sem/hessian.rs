//! Numerical second derivatives from an analytic gradient: the observed information on
//! complete data (central differences, step `1e-5 · max(1, |θ|)`, symmetrised), and the
//! derivative checks of the tests.

use nalgebra::DMatrix;

use super::optim::Objective;

/// Hessian of the objective by central differences of its gradient.
pub(crate) fn numeric_hessian(obj: &mut dyn Objective, theta: &[f64]) -> DMatrix<f64> {
    let q = theta.len();
    let mut h = DMatrix::zeros(q, q);
    let mut t = theta.to_vec();
    for a in 0..q {
        let step = 1e-5 * theta[a].abs().max(1.0);
        t[a] = theta[a] + step;
        let gp = obj.value_grad_info(&t, false).map(|x| x.1);
        t[a] = theta[a] - step;
        let gm = obj.value_grad_info(&t, false).map(|x| x.1);
        t[a] = theta[a];
        for b in 0..q {
            h[(b, a)] = match (&gp, &gm) {
                (Some(gp), Some(gm)) => (gp[b] - gm[b]) / (2.0 * step),
                _ => f64::NAN,
            };
        }
    }
    (&h + h.transpose()) * 0.5
}

/// Test helper: the analytic gradient against central differences of the objective, and
/// an analytic Hessian (if given) against [`numeric_hessian`], to relative tolerances.
#[cfg(test)]
pub(crate) fn assert_derivatives(
    obj: &mut dyn Objective,
    theta: &[f64],
    hessian: Option<&DMatrix<f64>>,
    tol_gradient: f64,
    tol_hessian: f64,
) {
    let (_, g, _) = obj.value_grad_info(theta, false).unwrap();
    let mut t = theta.to_vec();
    for a in 0..theta.len() {
        let h = 1e-6;
        t[a] = theta[a] + h;
        let fp = obj.value(&t).unwrap();
        t[a] = theta[a] - h;
        let fm = obj.value(&t).unwrap();
        t[a] = theta[a];
        let num = (fp - fm) / (2.0 * h);
        assert!(
            (num - g[a]).abs() < tol_gradient * (1.0 + num.abs()),
            "gradient {a}: analytic {} numeric {num}",
            g[a]
        );
    }
    if let Some(hx) = hessian {
        let num = numeric_hessian(obj, theta);
        for a in 0..theta.len() {
            for b in 0..theta.len() {
                let n = num[(a, b)];
                assert!(
                    (n - hx[(a, b)]).abs() < tol_hessian * (1.0 + n.abs()),
                    "hessian {a},{b}: analytic {} numeric {n}",
                    hx[(a, b)]
                );
            }
        }
    }
}
