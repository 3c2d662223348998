//! Observed information on complete data: the Hessian of `F_ML`, by central differences
//! of the analytic gradient (step `1e-5 · max(1, |θ|)`), symmetrised.

use nalgebra::DMatrix;

use super::optim::Objective;

pub(crate) fn observed_hessian_ml(
    obj: &mut dyn Objective,
    theta: &[f64],
    _grad: &[f64],
) -> DMatrix<f64> {
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
        match (gp, gm) {
            (Some(gp), Some(gm)) => {
                for b in 0..q {
                    h[(b, a)] = (gp[b] - gm[b]) / (2.0 * step);
                }
            }
            _ => {
                for b in 0..q {
                    h[(b, a)] = f64::NAN;
                }
            }
        }
    }
    (&h + h.transpose()) * 0.5
}
