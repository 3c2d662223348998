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
use super::results::{FitMeasures, RobustFit};

/// The robust covariance of the estimates and the traces of the scaled tests.
pub(crate) struct RobustParts {
    pub vcov: Option<DMatrix<f64>>,
    pub trace_ugamma: f64,
    pub trace_h1: Option<f64>,
    pub trace_h0: Option<f64>,
    pub baseline_trace: f64,
    /// With FIML: the statistics of lavaan's corrected robust RMSEA and CFI.
    pub corrected: Option<Corrected>,
}

/// lavaan's `lav_fit_fiml_corrected` (version V3) for MLR with FIML: the complete-data χ²
/// of the model and of the baseline at the EM moments, with their scaling factors. The
/// robust RMSEA, CFI and TLI use these in place of `χ²`, `c`, `χ²_0` and `c₀`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Corrected {
    pub chisq: f64,
    pub scaling_factor: f64,
    pub baseline_chisq: f64,
    pub baseline_scaling_factor: f64,
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

/// The rows split by the fixed covariates (lavaan's `fixed.x`): with `B = S_yx S_xx⁻¹` the
/// regression of the other variables on the covariates, `r̂_i` is `r_i` with the outcomes
/// replaced by their centred fitted values `B x_i`, `e_i = r_i − r̂_i` (zero at the
/// covariates), `S̃` the residual covariance `S_yy − B S_xy` embedded with zeros, and
/// `h_i = x_i' S_xx⁻¹ x_i` (covariates centred) the leverage of each row.
struct Conditional {
    fitted: DMatrix<f64>,
    resid: DMatrix<f64>,
    s_res: DMatrix<f64>,
    leverage: DVector<f64>,
    /// Indices of the variables that are not covariates.
    y_idx: Vec<usize>,
}

impl Conditional {
    fn new(r: &DMatrix<f64>, s: &DMatrix<f64>, x_idx: &[usize]) -> Result<Conditional, SemError> {
        let (n, p) = r.shape();
        let y_idx: Vec<usize> = (0..p).filter(|j| !x_idx.contains(j)).collect();
        let px = x_idx.len();
        let sxx = DMatrix::from_fn(px, px, |a, b| s[(x_idx[a], x_idx[b])]);
        let sxx_inv = spd_inverse(&sxx).ok_or(SemError::SingularStructure)?;
        let xs = DMatrix::from_fn(n, px, |i, a| r[(i, x_idx[a])]);
        // B' (px × p): the coefficients of every variable on the covariates (identity rows
        // for the covariates themselves).
        let sx_all = DMatrix::from_fn(px, p, |a, j| s[(x_idx[a], j)]);
        let coef = &sxx_inv * sx_all;
        let mut fitted = &xs * &coef;
        let mut resid = r - &fitted;
        for (a, &i) in x_idx.iter().enumerate() {
            fitted.column_mut(i).copy_from(&xs.column(a));
            resid.column_mut(i).fill(0.0);
        }
        let s_res = resid.transpose() * &resid / n as f64;
        let xw = &xs * &sxx_inv;
        let leverage = DVector::from_fn(n, |i, _| xw.row(i).dot(&xs.row(i)));
        Ok(Conditional {
            fitted,
            resid,
            s_res,
            leverage,
            y_idx,
        })
    }
}

/// `tr(A₁⁻¹ B₁)` of the saturated model at the sample moments (lavaan's `h1.information =
/// "unstructured"`, where the observed and the expected information agree). Without
/// covariates: `(mean(u²) − p)/2` with `u_i = r_i' S⁻¹ r_i` (Mardia's multivariate kurtosis),
/// plus `p` with a mean structure. With fixed covariates lavaan drops their moments from
/// `A₁` and `B₁`; the trace is invariant under the change to the parameters of the
/// regression of the outcomes on the covariates, whose information is block diagonal at the
/// estimates, so it is `mean(v h) + (mean(v²) − p_y)/2` (plus `p_y`) with
/// `v_i = e_i' S̃⁻¹ e_i` and the leverages `h_i`.
fn trace_saturated(
    r: &DMatrix<f64>,
    s_inv: &DMatrix<f64>,
    cond: Option<&Conditional>,
    meanstructure: bool,
) -> Result<f64, SemError> {
    let n = r.nrows() as f64;
    let (e, w, lev, py) = match cond {
        None => (r.clone(), s_inv.clone(), None, r.ncols()),
        Some(cd) => {
            let ny = cd.y_idx.len();
            let e = DMatrix::from_fn(r.nrows(), ny, |i, a| cd.resid[(i, cd.y_idx[a])]);
            let syy = DMatrix::from_fn(ny, ny, |a, b| cd.s_res[(cd.y_idx[a], cd.y_idx[b])]);
            let w = spd_inverse(&syy).ok_or(SemError::SingularStructure)?;
            (e, w, Some(&cd.leverage), ny)
        }
    };
    let ew = &e * &w;
    let (mut m2, mut mh) = (0.0, 0.0);
    for i in 0..e.nrows() {
        let v = ew.row(i).dot(&e.row(i));
        m2 += v * v;
        if let Some(h) = lev {
            mh += v * h[i];
        }
    }
    let t = mh / n + 0.5 * (m2 / n - py as f64);
    Ok(if meanstructure { t + py as f64 } else { t })
}

/// The baseline (independence) model's trace: sums over the pairs `j < k` (Satorra–Bentler)
/// or the diagonal (Yuan–Bentler) of the variables that are not covariates. With fixed
/// covariates lavaan's baseline keeps their block at the sample moments and the
/// Satorra–Bentler sum gains the covariances of each outcome with the covariates,
/// `Σ_j mean_i e_ij² h_i / s_jj`, while its casewise terms are those of the conditional Γ.
fn baseline_trace(
    r: &DMatrix<f64>,
    s: &DMatrix<f64>,
    cond: Option<&Conditional>,
    estimator: Estimator,
    ms: bool,
) -> f64 {
    let (n, p) = r.shape();
    let nf = n as f64;
    let y_idx: Vec<usize> = match cond {
        Some(cd) => cd.y_idx.clone(),
        None => (0..p).collect(),
    };
    match estimator {
        Estimator::Mlm => {
            // tr(U₀Γ): only the covariances off the diagonal carry residual information.
            let mut t = 0.0;
            for (b, &j) in y_idx.iter().enumerate() {
                for &k in &y_idx[..b] {
                    let den = s[(j, j)] * s[(k, k)];
                    let mut acc = 0.0;
                    for i in 0..n {
                        let m = match cond {
                            None => r[(i, j)] * r[(i, k)] - s[(j, k)],
                            Some(cd) => {
                                r[(i, j)] * r[(i, k)]
                                    - cd.fitted[(i, j)] * cd.fitted[(i, k)]
                                    - cd.s_res[(j, k)]
                            }
                        };
                        acc += m * m;
                    }
                    t += acc / (nf * den);
                }
                if let Some(cd) = cond {
                    let mut acc = 0.0;
                    for i in 0..n {
                        let e = cd.resid[(i, j)];
                        acc += e * e * cd.leverage[i];
                    }
                    t += acc / (nf * s[(j, j)]);
                }
            }
            t
        }
        _ => {
            // tr(A₀⁻¹B₀) of the independence model (separable in the variances).
            let mut t = 0.0;
            for &j in &y_idx {
                let sj = s[(j, j)];
                let mut acc = 0.0;
                for i in 0..n {
                    let e = r[(i, j)] * r[(i, j)] - sj;
                    acc += e * e;
                }
                t += acc / (2.0 * nf * sj * sj);
            }
            if ms {
                t + y_idx.len() as f64
            } else {
                t
            }
        }
    }
}

/// One group's share of the robust parts: its unit information (the bread), the sum over
/// its rows of the casewise outer products (the meat times `N_g`), the saturated model's
/// trace (`tr(A₁Γ)` for MLM, `tr(A₁⁻¹B₁)` for MLR) and the baseline model's.
pub(crate) struct GroupRobust {
    n: usize,
    bread: DMatrix<f64>,
    meat_sum: DMatrix<f64>,
    trace_saturated: f64,
    baseline: f64,
}

impl GroupRobust {
    /// A group's parts from its `n` rows: its unit information, `Σ_rows h_i h_i'`, and the
    /// saturated and baseline traces.
    pub(crate) fn new(
        n: usize,
        bread: DMatrix<f64>,
        meat_sum: DMatrix<f64>,
        trace_saturated: f64,
        baseline: f64,
    ) -> GroupRobust {
        GroupRobust {
            n,
            bread,
            meat_sum,
            trace_saturated,
            baseline,
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
    let constraints = problem.c.table.constraints.clone();
    let part = group_robust(problem, theta, data, mo, estimator)?;
    Ok(combine(&[part], &constraints, theta, estimator))
}

/// The groups' parts combined as lavaan combines them (`lav_test_satorra_bentler_trace_original`,
/// `lav_test_yuan_bentler_mplus_trace`, the sandwich of `lav_model_nvcov_robust_sem` and
/// `lav_model_nvcov_robust_sandwich`): with `f_g = N_g / N`, the bread `A = Σ f_g A_g`, the
/// meat `B = (1/N) Σ_rows h_i h_i'`, `vcov = A⁻¹ B A⁻¹ / N`, the model's trace
/// `tr(A⁻¹B)` and the saturated and baseline traces summed over the groups unweighted.
pub(crate) fn combine(
    parts: &[GroupRobust],
    constraints: &[super::linear_constraint::LinearConstraint],
    theta: &[f64],
    estimator: Estimator,
) -> RobustParts {
    let q = theta.len();
    let n: usize = parts.iter().map(|g| g.n).sum();
    let nf = n as f64;
    let mut bread = DMatrix::zeros(q, q);
    let mut meat = DMatrix::zeros(q, q);
    for g in parts {
        bread += &g.bread * (g.n as f64 / nf);
        meat += &g.meat_sum;
    }
    meat /= nf;
    let bread_inv = super::constrained::inverse(constraints, theta, &bread);
    let (vcov, tr_h0) = match &bread_inv {
        Some(bi) => (Some(bi * &meat * bi / nf), bi.component_mul(&meat).sum()),
        None => (None, f64::NAN),
    };
    let saturated: f64 = parts.iter().map(|g| g.trace_saturated).sum();
    let baseline: f64 = parts.iter().map(|g| g.baseline).sum();
    match estimator {
        Estimator::Mlm => RobustParts {
            vcov,
            trace_ugamma: saturated - tr_h0,
            trace_h1: None,
            trace_h0: None,
            baseline_trace: baseline,
            corrected: None,
        },
        _ => RobustParts {
            vcov,
            trace_ugamma: saturated - tr_h0,
            trace_h1: Some(saturated),
            trace_h0: Some(tr_h0),
            baseline_trace: saturated - baseline,
            corrected: None,
        },
    }
}

/// One group's (or the single group's) robust parts at the ML estimates `theta`.
pub(crate) fn group_robust(
    problem: &mut MlProblem,
    theta: &[f64],
    data: &DMatrix<f64>,
    mo: &Moments,
    estimator: Estimator,
) -> Result<GroupRobust, SemError> {
    let c = problem.c;
    let n = data.nrows();
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
    let cond = if c.x_idx.is_empty() {
        None
    } else {
        Some(Conditional::new(&r_bar, &mo.cov, &c.x_idx)?)
    };
    let baseline = baseline_trace(&r_bar, &mo.cov, cond.as_ref(), estimator, c.meanstructure);
    let (bread, meat_sum) = match estimator {
        Estimator::Mlm => {
            // Expected information (unit) as the bread; Γ through the casewise Δ'A₁h_i, with
            // fixed covariates h_i = (e_i, r_i r_i' − r̂_i r̂_i' − S̃) (lavaan's fixed.x Γ).
            let z = &r_bar * &w * &x;
            let t = match &cond {
                None => {
                    let g = x.transpose() * (&w * &mo.cov * &w) * &x;
                    casewise(c, &nu, &z, &g)
                }
                Some(cd) => {
                    let g = x.transpose() * (&w * &cd.s_res * &w) * &x;
                    let zf = &cd.fitted * &w * &x;
                    let zero = DMatrix::zeros(g.nrows(), g.ncols());
                    casewise(c, &nu, &z, &g) - casewise(c, &nu, &zf, &zero)
                }
            };
            (h * 0.5, t.transpose() * &t)
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
            let meat_sum = scores.transpose() * &scores;
            let hess = if exact {
                h
            } else {
                super::hessian::numeric_hessian(problem, theta)
            };
            (hess * 0.5, meat_sum)
        }
    };
    let trace_saturated = match estimator {
        Estimator::Mlm => trace_a1_gamma(&r_bar, &w, &mo.cov, cond.as_ref(), c.meanstructure),
        _ => trace_saturated(&r_bar, &s_inv, cond.as_ref(), c.meanstructure)?,
    };
    Ok(GroupRobust {
        n,
        bread,
        meat_sum,
        trace_saturated,
        baseline,
    })
}

/// `tr(A₁Γ)` of Satorra–Bentler: the mean over cases of `½ tr(W M_i W M_i)` (plus
/// `e_i' W e_i` with a mean structure), `M_i = r_i r_i' − S` and `e_i = r_i`; with fixed
/// covariates `M_i = r_i r_i' − r̂_i r̂_i' − S̃` and `e_i = r_i − r̂_i`, whose covariate block
/// is zero as lavaan's weight drops those moments.
fn trace_a1_gamma(
    r: &DMatrix<f64>,
    w: &DMatrix<f64>,
    s: &DMatrix<f64>,
    cond: Option<&Conditional>,
    meanstructure: bool,
) -> f64 {
    let n = r.nrows();
    let s_centre = cond.map_or(s, |cd| &cd.s_res);
    let sw = s_centre * w;
    let tr_swsw = (&sw * &sw).trace();
    let rw = r * w;
    let rws = &rw * s_centre;
    let mut acc = 0.0;
    match cond {
        None => {
            for i in 0..n {
                let a = rw.row(i).dot(&r.row(i));
                let q = rws.row(i).dot(&rw.row(i));
                acc += 0.5 * (a * a - 2.0 * q + tr_swsw);
                if meanstructure {
                    acc += a;
                }
            }
        }
        Some(cd) => {
            let fw = &cd.fitted * w;
            let fws = &fw * s_centre;
            let ew = &cd.resid * w;
            for i in 0..n {
                let a = rw.row(i).dot(&r.row(i));
                let b = fw.row(i).dot(&cd.fitted.row(i));
                let ab = rw.row(i).dot(&cd.fitted.row(i));
                let qa = rws.row(i).dot(&rw.row(i));
                let qb = fws.row(i).dot(&fw.row(i));
                acc += 0.5 * (a * a + b * b + tr_swsw - 2.0 * ab * ab - 2.0 * qa + 2.0 * qb);
                if meanstructure {
                    acc += ew.row(i).dot(&cd.resid.row(i));
                }
            }
        }
    }
    acc / n as f64
}

/// RMSEA `sqrt(max(x2/(n df) − c/n, 0))` and its 90% interval `sqrt(c λ / (n df))` with a
/// scaling factor `c`, for `g` groups: the RMSEA and its interval times `√g`, the
/// noncentrality of the close-fit test divided by `g` (lavaan's `lav_fit_rmsea`,
/// `lav_fit_rmsea_ci`, `lav_fit_rmsea_closefit` with `G`; `g = 1` for one group).
pub(crate) fn rmsea_groups(
    x2: f64,
    df: f64,
    n: f64,
    c: f64,
    g: f64,
) -> (f64, f64, f64, Option<f64>) {
    if df.is_nan() || df <= 0.0 || !x2.is_finite() {
        return (0.0, 0.0, 0.0, None);
    }
    let rmsea = (x2 / n / df - c / n).max(0.0).sqrt() * g.sqrt();
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
    let close = 1.0 - pnchisq(x2, df, n * df / c * 0.05 * 0.05 / g);
    (
        rmsea,
        (g * c * lower / (n * df)).sqrt(),
        (g * c * upper / (n * df)).sqrt(),
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

/// The scaled test and indices from the traces, for the fit measures `fm` of the model
/// (`χ²`, `df`, the baseline's `χ²_0` and `df_0`, `N`). `npar` counts the free parameters
/// before equality constraints (lavaan's divisor of `scaling.factor.h0`), `pstar` the
/// sample moments that are not the fixed covariates' own (that of `scaling.factor.h1`).
pub(crate) fn robust_fit(
    estimator: Estimator,
    parts: &RobustParts,
    fm: &FitMeasures,
    npar: usize,
    pstar: usize,
) -> RobustFit {
    robust_fit_groups(estimator, parts, fm, npar, pstar, 1)
}

/// [`robust_fit`] of a model fitted to `groups` groups (the RMSEAs carry lavaan's `√G`).
pub(crate) fn robust_fit_groups(
    estimator: Estimator,
    parts: &RobustParts,
    fm: &FitMeasures,
    npar: usize,
    pstar: usize,
    groups: usize,
) -> RobustFit {
    let g = groups as f64;
    let (chisq, df) = (fm.chisq, fm.df);
    let (baseline_chisq, baseline_df) = (fm.baseline_chisq, fm.baseline_df);
    let nf = fm.ntotal as f64;
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
    // The robust indices: from the test itself on complete data, from lavaan's FIML
    // correction with missing data.
    let (xx3, c3, xx3_null, c3_null) = match &parts.corrected {
        Some(k) => (
            k.chisq,
            k.scaling_factor,
            k.baseline_chisq,
            k.baseline_scaling_factor,
        ),
        None => (chisq, c, baseline_chisq, c0),
    };
    let (rmsea_s, lo_s, hi_s, p_s) = rmsea_groups(chisq, parts.trace_ugamma, nf, 1.0, g);
    let (rmsea_r, _, _, _) = rmsea_groups(xx3, df, nf, c3, g);
    let (_, lo_r, hi_r, p_r) = rmsea_groups(xx3 / c3, df, nf, c3, g);
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
        cfi_robust: cfi(xx3, df, xx3_null, baseline_df, c3, c3_null),
        tli_robust: tli(xx3, df, xx3_null, baseline_df, c3, c3_null),
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
            &mut out.rmsea_scaled,
            &mut out.rmsea_ci_lower_scaled,
            &mut out.rmsea_ci_upper_scaled,
        ] {
            *v = f64::NAN;
        }
        out.rmsea_pvalue_scaled = None;
    }
    if !c.is_finite() || !c3.is_finite() || !c3_null.is_finite() {
        for v in [
            &mut out.cfi_robust,
            &mut out.tli_robust,
            &mut out.rmsea_robust,
            &mut out.rmsea_ci_lower_robust,
            &mut out.rmsea_ci_upper_robust,
        ] {
            *v = f64::NAN;
        }
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
