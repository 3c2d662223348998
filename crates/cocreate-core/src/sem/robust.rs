//! Robust maximum likelihood on complete data: Satorra–Bentler (`MLM`) and Yuan–Bentler
//! (`MLR`, lavaan's `yuan.bentler.mplus`) scaled tests, sandwich standard errors and the
//! scaled and robust fit indices. Formulas and sources are in `docs/methods/sem.md`.
//!
//! Everything reduces to casewise vectors in the parameter space built from one matrix
//! product `Z = V X` (`V` = rows `(x_i − m)' W`, `X` = the derivative basis of `ram`), so no
//! `p* × p*` moment matrix is ever formed: the traces over the saturated model are closed
//! forms in `r_i' W r_i`.

use nalgebra::{DMatrix, DVector};

use super::distributions::{pchisq_upper, pnchisq, root};
use super::error::SemError;
use super::inference::spd_inverse;
use super::ml::MlProblem;
use super::optim::Objective;
use super::options::Estimator;
use super::prepare::Moments;
use super::ram::Compiled;
use super::results::RobustFit;

/// The robust covariance of the estimates and the traces of the scaled tests.
pub(crate) struct RobustParts {
    pub vcov: Option<DMatrix<f64>>,
    pub trace_ugamma: f64,
    pub trace_h1: Option<f64>,
    pub trace_h0: Option<f64>,
    pub baseline_trace: f64,
}

/// Casewise vectors `Σ_d s_d (z_x z_y − g[x,y]) + c_d z_k` for every parameter: with
/// `g = X'WX` and `Z = (x_i − μ)' W X` they are the casewise scores `∂ log L_i / ∂θ`; with
/// `g = X'WSWX` and `Z = (x_i − x̄)' W X` they are `Δ' A₁ h_i` of the Satorra–Bentler meat.
fn casewise(c: &Compiled, nu: &DVector<f64>, z: &DMatrix<f64>, g: &DMatrix<f64>) -> DMatrix<f64> {
    let n = z.nrows();
    let q = c.q();
    let mut out = DMatrix::zeros(n, q);
    for (a, plans) in c.plan.iter().enumerate() {
        let mut col = out.column_mut(a);
        for d in plans {
            if d.s != 0.0 {
                let base = -d.s * g[(d.x, d.y)];
                let zx = z.column(d.x);
                let zy = z.column(d.y);
                for i in 0..n {
                    col[i] += base + d.s * zx[i] * zy[i];
                }
            }
            let cc = d.c(c.meanstructure, nu);
            if cc != 0.0 {
                let zk = z.column(d.k);
                for i in 0..n {
                    col[i] += cc * zk[i];
                }
            }
        }
    }
    out
}

/// Rows `(x_i − m)'` of the data.
fn centred(data: &DMatrix<f64>, m: &DVector<f64>) -> DMatrix<f64> {
    let mut r = data.clone();
    for j in 0..r.ncols() {
        r.column_mut(j).add_scalar_mut(-m[j]);
    }
    r
}

/// `tr(A₁⁻¹ B₁)` of the saturated model at the sample moments: `(mean(u²) − p)/2` with
/// `u_i = r_i' S⁻¹ r_i` (Mardia's multivariate kurtosis), plus `p` with a mean structure.
fn trace_saturated(r: &DMatrix<f64>, s_inv: &DMatrix<f64>, meanstructure: bool) -> f64 {
    let (n, p) = r.shape();
    let rw = r * s_inv;
    let mut m2 = 0.0;
    for i in 0..n {
        let u = rw.row(i).dot(&r.row(i));
        m2 += u * u;
    }
    let t = 0.5 * (m2 / n as f64 - p as f64);
    if meanstructure {
        t + p as f64
    } else {
        t
    }
}

/// Sums over the pairs `j < k` (Satorra–Bentler) or the diagonal (Yuan–Bentler) of the
/// baseline model's casewise terms.
fn baseline_trace(r: &DMatrix<f64>, s: &DMatrix<f64>, estimator: Estimator, ms: bool) -> f64 {
    let (n, p) = r.shape();
    let nf = n as f64;
    match estimator {
        Estimator::Mlm => {
            // tr(U₀Γ): only the off-diagonal covariances carry residual information.
            let mut t = 0.0;
            for j in 0..p {
                for k in 0..j {
                    let den = s[(j, j)] * s[(k, k)];
                    let mut acc = 0.0;
                    for i in 0..n {
                        let e = r[(i, j)] * r[(i, k)] - s[(j, k)];
                        acc += e * e;
                    }
                    t += acc / (nf * den);
                }
            }
            t
        }
        _ => {
            // tr(A₀⁻¹B₀) of the independence model (separable in the variances).
            let mut t = 0.0;
            for j in 0..p {
                let sj = s[(j, j)];
                let mut acc = 0.0;
                for i in 0..n {
                    let e = r[(i, j)] * r[(i, j)] - sj;
                    acc += e * e;
                }
                t += acc / (2.0 * nf * sj * sj);
            }
            if ms {
                t + p as f64
            } else {
                t
            }
        }
    }
}

/// Robust covariance of the estimates and the traces of the scaled test for `MLM`/`MLR` at
/// the ML estimates `theta`.
pub(crate) fn robust_parts(
    problem: &mut MlProblem,
    theta: &[f64],
    data: &DMatrix<f64>,
    mo: &Moments,
    estimator: Estimator,
) -> Result<RobustParts, SemError> {
    let c = problem.c;
    let n = data.nrows();
    let nf = n as f64;
    let exact = estimator == Estimator::Mlr && problem.hessian_is_exact();
    let (_, _, h) = problem
        .value_grad_info(theta, exact)
        .ok_or(SemError::SingularStructure)?;
    let ram = &problem.ram;
    let p = c.p;
    let sigma = ram.sigma(p);
    let w =
        spd_inverse(&((&sigma + sigma.transpose()) * 0.5)).ok_or(SemError::SingularStructure)?;
    let nu = ram.nu.clone();
    let mu = ram.mu(p);
    let mut x = DMatrix::zeros(p, c.p_cols.len() + c.q_cols.len());
    ram.basis(c, &mut x);
    let s_inv = spd_inverse(&mo.cov).ok_or(SemError::SingularStructure)?;
    let r_bar = centred(data, &mo.mean);
    let baseline = baseline_trace(&r_bar, &mo.cov, estimator, c.meanstructure);
    let (bread, meat) = match estimator {
        Estimator::Mlm => {
            // Expected information (unit) as the bread; Γ through the casewise Δ'A₁h_i.
            let v = &r_bar * &w;
            let z = &v * &x;
            let wsw = &w * &mo.cov * &w;
            let g = x.transpose() * &wsw * &x;
            let t = casewise(c, &nu, &z, &g);
            (h * 0.5, t.transpose() * &t / nf)
        }
        _ => {
            // Observed information (unit) as the bread, the casewise scores as the meat.
            let r = if c.meanstructure {
                centred(data, &mu)
            } else {
                r_bar.clone()
            };
            let z = &r * &w * &x;
            let gw = x.transpose() * &w * &x;
            let scores = casewise(c, &nu, &z, &gw);
            let meat = scores.transpose() * &scores / nf;
            let hess = if exact {
                h
            } else {
                super::hessian::numeric_hessian(problem, theta)
            };
            (hess * 0.5, meat)
        }
    };
    let bread_inv = super::constrained::inverse(&c.table.constraints, theta, &bread);
    let (vcov, tr_h0) = match &bread_inv {
        Some(bi) => (Some(bi * &meat * bi / nf), bi.component_mul(&meat).sum()),
        None => (None, f64::NAN),
    };
    Ok(match estimator {
        Estimator::Mlm => {
            // tr(A₁Γ) = mean over cases of ½ tr((r r' − S) W (r r' − S) W) (+ tr(WS)).
            let sw = &mo.cov * &w;
            let tr_swsw = (&sw * &sw).trace();
            let v = &r_bar * &w;
            let vs = &v * &mo.cov;
            let mut acc = 0.0;
            for i in 0..n {
                let u = v.row(i).dot(&r_bar.row(i));
                let uu = vs.row(i).dot(&v.row(i));
                acc += 0.5 * (u * u - 2.0 * uu + tr_swsw);
            }
            let mut tr_a1g = acc / nf;
            if c.meanstructure {
                tr_a1g += sw.trace();
            }
            RobustParts {
                vcov,
                trace_ugamma: tr_a1g - tr_h0,
                trace_h1: None,
                trace_h0: None,
                baseline_trace: baseline,
            }
        }
        _ => {
            let tr_h1 = trace_saturated(&r_bar, &s_inv, c.meanstructure);
            RobustParts {
                vcov,
                trace_ugamma: tr_h1 - tr_h0,
                trace_h1: Some(tr_h1),
                trace_h0: Some(tr_h0),
                baseline_trace: tr_h1 - baseline,
            }
        }
    })
}

/// RMSEA `sqrt(max(x2/(n df) − c/n, 0))` and its 90% interval `sqrt(c λ / (n df))`, as
/// lavaan's `lav_fit_rmsea` / `lav_fit_rmsea_ci` with a scaling factor `c`.
pub(crate) fn rmsea_with(x2: f64, df: f64, n: f64, c: f64) -> (f64, f64, f64, Option<f64>) {
    if df.is_nan() || df <= 0.0 || !x2.is_finite() {
        return (0.0, 0.0, 0.0, None);
    }
    let rmsea = (x2 / n / df - c / n).max(0.0).sqrt();
    let f_lower = |lam: f64| pnchisq(x2, df, lam) - 0.95;
    let lower = if df < 1.0 || f_lower(0.0) < 0.0 {
        0.0
    } else {
        root(&f_lower, 0.0, x2)
    };
    let f_upper = |lam: f64| pnchisq(x2, df, lam) - 0.05;
    let top = n.max(4.0 * x2);
    let upper = if df < 1.0 || f_upper(top) > 0.0 || f_upper(0.0) < 0.0 {
        0.0
    } else {
        root(&f_upper, 0.0, top)
    };
    let close = 1.0 - pnchisq(x2, df, n * df / c * 0.05 * 0.05);
    (
        rmsea,
        (c * lower / (n * df)).sqrt(),
        (c * upper / (n * df)).sqrt(),
        Some(close),
    )
}

/// CFI with optional scaling factors (lavaan's `lav_fit_cfi`).
pub(crate) fn cfi(x2: f64, df: f64, x0: f64, df0: f64, c: f64, c0: f64) -> f64 {
    let t1 = (x2 - c * df).max(0.0);
    let t2 = (x2 - c * df).max(x0 - c0 * df0).max(0.0);
    if t1.abs() < 1e-8 && t2.abs() < 1e-8 {
        1.0
    } else {
        1.0 - t1 / t2
    }
}

/// TLI with optional scaling factors (lavaan's `lav_fit_tli`).
pub(crate) fn tli(x2: f64, df: f64, x0: f64, df0: f64, c: f64, c0: f64) -> f64 {
    let t1 = (x2 - c * df) * df0;
    let t2 = (x0 - c0 * df0) * df;
    if df > 0.0 && t2.abs() > 0.0 {
        1.0 - t1 / t2
    } else {
        1.0
    }
}

/// The scaled test and indices from the traces.
#[allow(clippy::too_many_arguments)]
pub(crate) fn robust_fit(
    estimator: Estimator,
    parts: &RobustParts,
    chisq: f64,
    df: f64,
    baseline_chisq: f64,
    baseline_df: f64,
    n: usize,
    npar: usize,
    pstar: usize,
) -> RobustFit {
    let nf = n as f64;
    let scale = |v: f64| if v > 0.0 { v } else { f64::NAN };
    // lavaan reports no scaled test for a saturated model (df = 0).
    let c = if df > 0.0 {
        scale(parts.trace_ugamma / df)
    } else {
        f64::NAN
    };
    let c0 = if baseline_df > 0.0 {
        scale(parts.baseline_trace / baseline_df)
    } else {
        f64::NAN
    };
    let x2s = chisq / c;
    let x0s = baseline_chisq / c0;
    let (rmsea_s, lo_s, hi_s, p_s) = rmsea_with(chisq, parts.trace_ugamma, nf, 1.0);
    let (rmsea_r, _, _, _) = rmsea_with(chisq, df, nf, c);
    let (_, lo_r, hi_r, p_r) = rmsea_with(x2s, df, nf, c);
    let mut out = RobustFit {
        estimator,
        test: match estimator {
            Estimator::Mlm => "satorra.bentler".into(),
            _ => "yuan.bentler.mplus".into(),
        },
        chisq_scaled: x2s,
        df_scaled: df,
        pvalue_scaled: (df > 0.0).then(|| pchisq_upper(x2s, df)),
        chisq_scaling_factor: c,
        trace_ugamma: parts.trace_ugamma,
        scaling_factor_h1: parts.trace_h1.map(|t| t / pstar as f64),
        scaling_factor_h0: parts.trace_h0.map(|t| t / npar as f64),
        baseline_chisq_scaled: x0s,
        baseline_pvalue_scaled: (baseline_df > 0.0).then(|| pchisq_upper(x0s, baseline_df)),
        baseline_chisq_scaling_factor: c0,
        cfi_scaled: cfi(x2s, df, x0s, baseline_df, 1.0, 1.0),
        tli_scaled: tli(x2s, df, x0s, baseline_df, 1.0, 1.0),
        cfi_robust: cfi(chisq, df, baseline_chisq, baseline_df, c, c0),
        tli_robust: tli(chisq, df, baseline_chisq, baseline_df, c, c0),
        rmsea_scaled: rmsea_s,
        rmsea_ci_lower_scaled: lo_s,
        rmsea_ci_upper_scaled: hi_s,
        rmsea_pvalue_scaled: p_s,
        rmsea_robust: rmsea_r,
        rmsea_ci_lower_robust: lo_r,
        rmsea_ci_upper_robust: hi_r,
        rmsea_pvalue_robust: p_r,
        shift_parameter: None,
        trace_ugamma2: None,
    };
    if !c.is_finite() {
        // No scaled test (df = 0, or a trace that is not positive): lavaan reports the
        // indices built on it as NA.
        for v in [
            &mut out.cfi_scaled,
            &mut out.tli_scaled,
            &mut out.cfi_robust,
            &mut out.tli_robust,
            &mut out.rmsea_scaled,
            &mut out.rmsea_ci_lower_scaled,
            &mut out.rmsea_ci_upper_scaled,
            &mut out.rmsea_robust,
            &mut out.rmsea_ci_lower_robust,
            &mut out.rmsea_ci_upper_robust,
        ] {
            *v = f64::NAN;
        }
        out.rmsea_pvalue_scaled = None;
        out.rmsea_pvalue_robust = None;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Table;
    use crate::sem::linalg::Chol;
    use crate::sem::prepare::{moments_of, prepare};
    use crate::sem::{MeanStructure, Model, SemOptions};

    /// Casewise log-likelihood `−½ [log|Σ| + r' Σ⁻¹ r]` at `theta` (constants dropped).
    fn case_logl(prob: &mut MlProblem, theta: &[f64], row: &[f64]) -> f64 {
        let c = prob.c;
        prob.c.fill(theta, &prob.exo, &mut prob.ram);
        prob.ram.implied_sparse(c).unwrap();
        let sigma = prob.ram.sigma(c.p);
        let mu = prob.ram.mu(c.p);
        let ch = Chol::new(&sigma).unwrap();
        let w = ch.inverse();
        let r = DVector::from_iterator(c.p, row.iter().copied()) - mu;
        -0.5 * (ch.logdet() + r.dot(&(&w * &r)))
    }

    #[test]
    fn casewise_scores_are_derivatives_of_the_casewise_loglikelihood() {
        let path = format!(
            "{}/tests/data/HolzingerSwineford1939.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let data = Table::from_csv_path(path).unwrap();
        let syntax =
            "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~ a*1\nx2 ~ a*1\nx4 ~ 3*1";
        let opts = SemOptions::builder()
            .meanstructure(MeanStructure::On)
            .build()
            .unwrap();
        let prep = prepare(&Model::parse(syntax).unwrap(), &data, &opts).unwrap();
        let c = &prep.compiled;
        let mo = moments_of(&prep.data);
        let ld = Chol::new(&mo.cov).unwrap().logdet();
        let theta: Vec<f64> = crate::sem::start::start_values(c, &mo)
            .iter()
            .map(|v| v * 0.9)
            .collect();
        let mut prob = MlProblem::new(c, &mo, ld);
        let _ = prob.value_grad_info(&theta, false).unwrap();
        let p = c.p;
        let sigma = prob.ram.sigma(p);
        let w = spd_inverse(&sigma).unwrap();
        let mu = prob.ram.mu(p);
        let nu = prob.ram.nu.clone();
        let mut x = DMatrix::zeros(p, c.p_cols.len() + c.q_cols.len());
        prob.ram.basis(c, &mut x);
        let r = centred(&prep.data, &mu);
        let z = &r * &w * &x;
        let gw = x.transpose() * &w * &x;
        let scores = casewise(c, &nu, &z, &gw);
        for i in [0usize, 7, 100] {
            let row: Vec<f64> = prep.data.row(i).iter().copied().collect();
            let mut t = theta.clone();
            for a in 0..theta.len() {
                let h = 1e-6;
                t[a] = theta[a] + h;
                let fp = case_logl(&mut prob, &t, &row);
                t[a] = theta[a] - h;
                let fm = case_logl(&mut prob, &t, &row);
                t[a] = theta[a];
                let num = (fp - fm) / (2.0 * h);
                assert!(
                    (num - scores[(i, a)]).abs() < 1e-5 * (1.0 + num.abs()),
                    "case {i} parameter {a}: analytic {} numeric {num}",
                    scores[(i, a)]
                );
            }
        }
    }
}
