//! WLSMV's standard errors, test and fit indices at the DWLS estimates.
//!
//! With Δ = ∂(thresholds, correlations)/∂θ (m × q), the DWLS weights W = diag(1/Γ_kk) and
//! A = Δ'WΔ: robust standard errors from `V = A⁻¹ Δ'WΓWΔ A⁻¹ / N` (lavaan `robust.sem`);
//! the test `χ² = N Σ w_k e_k²` adjusted in mean and variance with
//! `U = W − WΔA⁻¹Δ'W`: `a = √(df / tr((UΓ)²))`, `b = df − a tr(UΓ)`, scaled `a χ² + b`
//! (lavaan `scaled.shifted`, Asparouhov & Muthén 2010). The baseline model frees the
//! thresholds and fixes every correlation at 0. The `.robust` indices follow lavaan
//! 0.6-14 for categorical data (Savalei 2021): the ML discrepancy of the polychoric
//! matrix at the DWLS estimates ("catML"), with its own scaling `ĉ = tr(U'VUΓ)/df`.

use nalgebra::DMatrix;

use super::super::distributions::pchisq_upper;
use super::super::fit_measures::{self, FitInput};
use super::super::inference::spd_inverse;
use super::super::linalg::Chol;
use super::super::options::Estimator;
use super::super::results::{FitMeasures, RobustFit};
use super::super::robust::{cfi, rmsea_groups, tli};

/// What the inference needs.
pub(crate) struct Inputs<'a> {
    /// Rows used.
    pub n: usize,
    /// The parts of Γ (thresholds t first, `nth` of them, then the correlations c):
    /// Γ_tt, Γ_cc and Γ_tc W_cΔ_s.
    pub gamma_tt: &'a DMatrix<f64>,
    pub gamma_cc: &'a DMatrix<f64>,
    pub gamma_tc_wd: &'a DMatrix<f64>,
    pub nth: usize,
    /// DWLS weights 1/Γ_kk (m).
    pub w: &'a [f64],
    /// Δ_s = ∂(correlations)/∂(structural parameters) (p* × q_s). The thresholds'
    /// own block of Δ is the identity (each threshold is a parameter).
    pub delta_s: &'a DMatrix<f64>,
    /// The WLSMV index of each threshold parameter (in the order of Γ) and of each
    /// structural parameter (the columns of Δ_s); q = their total.
    pub threshold_w: &'a [usize],
    pub struct_w: &'a [usize],
    /// The residuals s − σ (m; zero for the thresholds).
    pub resid: &'a [f64],
    /// Sample polychoric correlations and the implied correlations (p × p, unit diagonal).
    pub r: &'a DMatrix<f64>,
    pub sigma: &'a DMatrix<f64>,
    /// The correlations' (i, j) in the order of Γ.
    pub pairs: &'a [(usize, usize)],
    /// The sample statistics (thresholds, then correlations; m).
    pub obs: &'a [f64],
    /// Degrees of freedom m − q.
    pub df: f64,
}

/// Standard errors and the fit.
pub(crate) struct Outcome {
    /// The robust covariance of the estimates (`None` when A is singular).
    pub vcov: Option<DMatrix<f64>>,
    pub fit: FitMeasures,
    pub robust: RobustFit,
}

/// One group's statistics, which a multiple-group fit sums (`groups.rs`); the traces
/// that do not split by group are `group_test::Pooled`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestParts {
    /// Rows used.
    pub n: usize,
    /// Sample statistics (thresholds and correlations).
    pub m: usize,
    /// Correlations.
    pub pstar: usize,
    /// The DWLS statistic.
    pub chisq: f64,
    /// The baseline's statistic and traces.
    pub x0: f64,
    pub tr0_1: f64,
    pub tr0_2: f64,
    /// catML: the ML statistic at the estimates, the baseline's statistic and tr(Γ_c)
    /// (NaN when the polychoric matrix is not positive definite).
    pub xx3: f64,
    pub xx3_null: f64,
    pub tr_gamma_c: f64,
    /// Residual indices and the GFI's e'We and s'Ws.
    pub srmr: f64,
    pub rmr: f64,
    pub crmr: f64,
    pub ewe: f64,
    pub sws: f64,
}

/// The scaled-shifted statistic of `x2` on `df` from the traces: (scaled, a, b).
pub(crate) fn scaled_shifted(x2: f64, df: f64, tr1: f64, tr2: f64) -> (f64, f64, f64) {
    let a = (df / tr2).sqrt();
    let b = df - a * tr1;
    (a * x2 + b, a, b)
}

pub(crate) fn infer(inp: &Inputs) -> Outcome {
    // Δ is block-diagonal: the identity for the thresholds, Δ_s for the correlations; so
    // are W and A = Δ'WΔ = diag(W_t, A_s). Everything below works on the blocks:
    // V_tt = Γ_tt/(N−1), V_ts = (Γ W_cΔ_s)_t A_s⁻¹/(N−1), V_ss = A_s⁻¹B_ssA_s⁻¹/(N−1), and the
    // threshold block of U = W − WΔA⁻¹Δ'W is zero, so the traces involve Γ_cc only.
    let nth = inp.nth;
    let (pstar, qs) = inp.delta_s.shape();
    let m = nth + pstar;
    let q = inp.threshold_w.len() + qs;
    let nf = inp.n as f64;
    let gamma_cc = inp.gamma_cc;
    let w = inp.w;
    let wc = &w[nth..];
    let df = inp.df;
    let mut wd = inp.delta_s.clone();
    for (k, &wk) in wc.iter().enumerate() {
        wd.row_mut(k).scale_mut(wk);
    }
    let a_s = inp.delta_s.transpose() * &wd;
    let a_inv = spd_inverse(&a_s);
    // M_c = Γ_cc W_cΔ_s (p* × q_s), B_ss = (W_cΔ_s)' M_c.
    let mc = gamma_cc * &wd;
    let b = wd.transpose() * &mc;
    let vcov = a_inv.as_ref().map(|ai| {
        let n1 = nf - 1.0;
        let mut v = DMatrix::zeros(q, q);
        for (x, &wx) in inp.threshold_w.iter().enumerate() {
            for (y, &wy) in inp.threshold_w.iter().enumerate() {
                v[(wx, wy)] = inp.gamma_tt[(x, y)] / n1;
            }
        }
        let vts = inp.gamma_tc_wd * ai / n1;
        let vss = ai * &b * ai / n1;
        for (x, &wx) in inp.threshold_w.iter().enumerate() {
            for (y, &wy) in inp.struct_w.iter().enumerate() {
                v[(wx, wy)] = vts[(x, y)];
                v[(wy, wx)] = vts[(x, y)];
            }
        }
        for (x, &wx) in inp.struct_w.iter().enumerate() {
            for (y, &wy) in inp.struct_w.iter().enumerate() {
                v[(wx, wy)] = vss[(x, y)];
            }
        }
        v
    });
    // tr(UΓ) = tr(W_cΓ_cc) − tr(A_s⁻¹B_ss);
    // tr((UΓ)²) = tr(W_cΓ_ccW_cΓ_cc) − 2 tr(A_s⁻¹ M_c'W_cM_c) + tr((A_s⁻¹B_ss)²).
    let tr_wg: f64 = (0..pstar).map(|k| wc[k] * gamma_cc[(k, k)]).sum();
    let mut tr_wgwg = 0.0;
    for (c, &wcol) in wc.iter().enumerate() {
        let col = &gamma_cc.as_slice()[c * pstar..(c + 1) * pstar];
        let s: f64 = col.iter().zip(wc).map(|(g, w)| w * g * g).sum();
        tr_wgwg += wcol * s;
    }
    let (tr1, tr2) = match &a_inv {
        Some(ai) => {
            let aib = ai * &b;
            let mut wm = mc.clone();
            for (k, &wk) in wc.iter().enumerate() {
                wm.row_mut(k).scale_mut(wk);
            }
            let mwm = mc.transpose() * wm;
            let t_aib = aib.trace();
            let t_aimwm = (ai * mwm).trace();
            let t_aib2 = (&aib * &aib).trace();
            (tr_wg - t_aib, tr_wgwg - 2.0 * t_aimwm + t_aib2)
        }
        None => (f64::NAN, f64::NAN),
    };
    // lavaan's DWLS discrepancy is ½ (N − 1)/N Σ w e² and its statistic 2 N times that.
    let n1 = nf - 1.0;
    let chisq = n1
        * (0..m)
            .map(|k| w[k] * inp.resid[k] * inp.resid[k])
            .sum::<f64>();
    let (x2s, a_s, b_s) = scaled_shifted(chisq, df, tr1, tr2);
    // Baseline: thresholds free, correlations 0; U₀ keeps the correlation block of W.
    let df0 = pstar as f64;
    let x0 = n1
        * inp
            .pairs
            .iter()
            .enumerate()
            .map(|(k, &(i, j))| w[nth + k] * inp.r[(i, j)] * inp.r[(i, j)])
            .sum::<f64>();
    // Its U₀ is W_c (no structural parameters): the traces are tr(W_cΓ_cc) and
    // tr(W_cΓ_ccW_cΓ_cc).
    let (x0s, a0, _b0) = scaled_shifted(x0, df0, tr_wg, tr_wgwg);
    // The standard indices (residual-based ones on the correlations). lavaan counts
    // N − 1 observations for least-squares estimators (RMSEA, MFI, Hoelter's N).
    let p = inp.r.nrows();
    let zeros = nalgebra::DVector::zeros(p);
    let n_eff = inp.n.saturating_sub(1).max(1);
    let mut fit = fit_measures::compute(&FitInput {
        chisq,
        df,
        npar: q,
        n: n_eff,
        logl: f64::NAN,
        logl_h1: f64::NAN,
        baseline_chisq: x0,
        baseline_df: df0,
        s: inp.r,
        xbar: &zeros,
        sigma: inp.sigma,
        mu: &zeros,
        meanstructure: false,
        x_idx: &[],
    });
    fit.ntotal = inp.n;
    fit.fmin = chisq / (2.0 * nf);
    // The residual indices of categorical data: the thresholds count as means (zero
    // residuals), `srmr` leaves them out (lavaan's srmr_bentler_nomean), `rmr` and `crmr`
    // keep them; no Mplus SRMR.
    let ss: f64 = inp.resid[nth..].iter().map(|e| e * e).sum();
    let with_diag = (p * (p + 1) / 2) as f64;
    fit.srmr = (ss / with_diag).sqrt();
    fit.rmr = (ss / (with_diag + nth as f64)).sqrt();
    fit.crmr = (ss / (m as f64)).sqrt();
    fit.srmr_mplus = f64::NAN;
    fit.ecvi = f64::NAN;
    // GFI with the DWLS weights (lavaan's least-squares GFI): 1 − e'We / s'Ws.
    let ewe: f64 = (0..m).map(|k| w[k] * inp.resid[k] * inp.resid[k]).sum();
    let sws: f64 = (0..m).map(|k| w[k] * inp.obs[k] * inp.obs[k]).sum();
    let nel = m as f64;
    fit.gfi = 1.0 - ewe / sws;
    fit.agfi = if df > 0.0 {
        1.0 - nel / df * (1.0 - fit.gfi)
    } else {
        1.0
    };
    fit.pgfi = df / nel * fit.gfi;
    // Robust indices: the ML discrepancy of the polychoric matrix at the estimates.
    let (xx3, ks, xx3_null, tr_gamma_c) =
        catml(inp, a_inv.as_ref(), &wd, &mc).unwrap_or((f64::NAN, f64::NAN, f64::NAN, f64::NAN));
    let c_hat3 = ks / df;
    let c_hat3_null = tr_gamma_c / pstar as f64;
    let ne = n_eff as f64;
    let robust = ScaledShiftedReport {
        x2s,
        df,
        a: a_s,
        b: b_s,
        tr1,
        tr2,
        x0s,
        df0,
        a0,
        xx3,
        c_hat3,
        xx3_null,
        c_hat3_null,
        df3: df,
        n: ne,
        groups: 1.0,
    }
    .robust_fit();
    Outcome { vcov, fit, robust }
}

/// lavaan's `lav_fit_catml_dwls`: the ML test of the correlation structure at the DWLS
/// estimates (`XX3`), `tr(U'VUΓ_c)` (its scaling is that over df) with `U = I − Δ_c A⁻¹Δ_c'W_c` and
/// V the normal-theory weight of the correlations at the implied matrix, and the same for
/// the independence model (`XX3.null = −N log|R|`, and `tr(Γ_c)`, over p* its scaling).
/// `wd` = W_cΔ_s and `mc` = Γ_cc W_cΔ_s, as `infer` has them.
fn catml(
    inp: &Inputs,
    a_inv: Option<&DMatrix<f64>>,
    wd: &DMatrix<f64>,
    mc: &DMatrix<f64>,
) -> Option<(f64, f64, f64, f64)> {
    let a_inv = a_inv?;
    let r = inp.r;
    let p = r.nrows();
    let nf = inp.n as f64;
    let ch_r = Chol::new(r)?;
    // lavaan leaves the robust indices out when R is not positive definite.
    let ev = nalgebra::SymmetricEigen::new(r.clone()).eigenvalues;
    if ev.iter().any(|&v| v < f64::EPSILON.sqrt()) {
        return None;
    }
    let ch_s = Chol::new(inp.sigma)?;
    let s_inv = ch_s.inverse();
    let f_ml = ch_s.logdet() + (&s_inv * r).trace() - ch_r.logdet() - p as f64;
    let xx3 = nf * f_ml;
    // V over the correlations is V_(ij),(kl) = S_ik S_jl + S_il S_jk with S = Σ⁻¹, so
    // V x is the off-diagonal of S X S for the symmetric X with x off its (zero) diagonal.
    let v_times = |x: &[f64]| -> Vec<f64> {
        let mut xm = DMatrix::zeros(p, p);
        for (k, &(i, j)) in inp.pairs.iter().enumerate() {
            xm[(i, j)] = x[k];
            xm[(j, i)] = x[k];
        }
        let sxs = &s_inv * xm * &s_inv;
        inp.pairs.iter().map(|&(i, j)| sxs[(i, j)]).collect()
    };
    // U = I − L R' with L = Δ_s and R = W_c Δ_s A_s⁻¹ (rank q_s), so that
    // tr(U'VUΓ) = tr(VΓ) − 2 tr(L'V ΓR) + tr(L'VL R'ΓR) without any p* × p* product.
    let l = inp.delta_s;
    let (pstar, qs) = l.shape();
    let rr = wd * a_inv;
    let gamma_c = inp.gamma_cc;
    // tr(VΓ) = Σ_pq V_pq Γ_pq.
    let mut tr_vg = 0.0;
    for (y, &(k, l2)) in inp.pairs.iter().enumerate() {
        let sk = s_inv.column(k);
        let sl = s_inv.column(l2);
        let col = gamma_c.column(y);
        for (x, &(i, j)) in inp.pairs.iter().enumerate() {
            tr_vg += (sk[i] * sl[j] + sl[i] * sk[j]) * col[x];
        }
    }
    let mut vl = DMatrix::zeros(pstar, qs);
    for a in 0..qs {
        let col: Vec<f64> = l.column(a).iter().copied().collect();
        vl.set_column(a, &nalgebra::DVector::from_vec(v_times(&col)));
    }
    // ΓR = Γ_cc W_cΔ_s A_s⁻¹ = M_c A_s⁻¹.
    let gr = mc * a_inv;
    let tr_lvgr = (vl.transpose() * &gr).trace();
    let lvl = l.transpose() * &vl;
    let rgr = rr.transpose() * &gr;
    let ks = tr_vg - 2.0 * tr_lvgr + (lvl * rgr).trace();
    let xx3_null = -nf * ch_r.logdet();
    Some((xx3, ks, xx3_null, gamma_c.trace()))
}

/// What the robust part of a WLSMV report is made of: the scaled-shifted test (`x2s`,
/// `a`, `b`, the traces) and its baseline, and the catML statistics (lavaan's
/// `lav_fit_catml_dwls`), over `groups` groups of `n` observations in all (lavaan's
/// `N − G` for the RMSEA).
pub(super) struct ScaledShiftedReport {
    pub x2s: f64,
    pub df: f64,
    pub a: f64,
    pub b: f64,
    pub tr1: f64,
    pub tr2: f64,
    pub x0s: f64,
    pub df0: f64,
    pub a0: f64,
    pub xx3: f64,
    pub c_hat3: f64,
    pub xx3_null: f64,
    pub c_hat3_null: f64,
    /// catML's degrees of freedom: the correlations less the parameters that remain
    /// once the thresholds and means are set aside (`df` while the thresholds are
    /// saturated, fewer when they are held equal across groups).
    pub df3: f64,
    pub n: f64,
    pub groups: f64,
}

impl ScaledShiftedReport {
    /// The `.scaled` and `.robust` indices as lavaan names them.
    pub(super) fn robust_fit(&self) -> RobustFit {
        let (df, df0, g, n) = (self.df, self.df0, self.groups, self.n);
        let (x2s, x0s) = (self.x2s, self.x0s);
        let (xx3, c3, xx3_null, c3_null) = (self.xx3, self.c_hat3, self.xx3_null, self.c_hat3_null);
        let df3 = self.df3;
        let (rmsea_s, lo_s, hi_s, p_s) = rmsea_groups(x2s, df, n, 1.0, g);
        let (rmsea_r, _, _, _) = rmsea_groups(xx3, df3, n, c3, g);
        let (_, lo_r, hi_r, p_r) = rmsea_groups(xx3 / c3, df3, n, c3, g);
        RobustFit {
            estimator: Estimator::Wlsmv,
            test: "scaled.shifted".into(),
            chisq_scaled: x2s,
            df_scaled: df,
            pvalue_scaled: (df > 0.0).then(|| pchisq_upper(x2s, df)),
            chisq_scaling_factor: 1.0 / self.a,
            trace_ugamma: self.tr1,
            scaling_factor_h1: None,
            scaling_factor_h0: None,
            baseline_chisq_scaled: x0s,
            baseline_pvalue_scaled: (df0 > 0.0).then(|| pchisq_upper(x0s, df0)),
            baseline_chisq_scaling_factor: 1.0 / self.a0,
            cfi_scaled: cfi(x2s, df, x0s, df0, 1.0, 1.0),
            tli_scaled: tli(x2s, df, x0s, df0, 1.0, 1.0),
            // lavaan's lav_fit_cfi_lavobject: the model's df here, catML's df3 only in
            // the scaling ĉ and the RMSEA.
            cfi_robust: cfi(xx3, df, xx3_null, df0, c3, c3_null),
            tli_robust: tli(xx3, df, xx3_null, df0, c3, c3_null),
            rmsea_scaled: rmsea_s,
            rmsea_ci_lower_scaled: lo_s,
            rmsea_ci_upper_scaled: hi_s,
            rmsea_pvalue_scaled: p_s,
            rmsea_robust: rmsea_r,
            rmsea_ci_lower_robust: lo_r,
            rmsea_ci_upper_robust: hi_r,
            rmsea_pvalue_robust: p_r,
            shift_parameter: Some(self.b),
            trace_ugamma2: Some(self.tr2),
        }
    }
}
