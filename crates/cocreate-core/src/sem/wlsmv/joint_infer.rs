//! Standard errors and test of a WLSMV fit whose groups share parameters (`joint.rs`).
//!
//! Stacking the groups, lavaan works with `Δ = [Δ_1; …; Δ_G]` (each group's derivatives of
//! its thresholds and correlations in all the parameters), `V = ⊕ f_g W_g` and
//! `Γ = ⊕ Γ_g / f_g` (`f_g = N_g/N`), and `E = Δ'VΔ = Σ_g f_g Δ_g'W_gΔ_g`
//! (`lav_model_information_expected`). Then, with `X_g = W_gΔ_g`:
//!
//! - `vcov = E⁻¹ (Σ_g f_g X_g'Γ_gX_g) E⁻¹ / (N − G)` (`lav_model_nvcov_robust_sem`,
//!   `lav_model_vcov`);
//! - `U = V − VΔE⁻¹Δ'V`, `tr(UΓ) = Σ_g tr(W_gΓ_g) − tr(E⁻¹B)` and
//!   `tr((UΓ)²) = Σ_g tr((W_gΓ_g)²) − 2 tr(E⁻¹ Σ_g f_g Y_g'W_gY_g) + tr((E⁻¹B)²)` with
//!   `B = Σ_g f_g X_g'Γ_gX_g`, `Y_g = Γ_gX_g` (`lav_test_satorra_bentler_trace_original`);
//! - catML's `tr(U'VUΓ)` over the correlations (`lav_fit_catml_dwls`) with the same
//!   stacking, by the low-rank identity of the one-group case.
//!
//! Unlike the configural model, the thresholds are no longer saturated: Γ enters whole
//! (its threshold–correlation block included), and the groups no longer separate.
//! Formulas: `docs/methods/sem.md` §17.

use nalgebra::DMatrix;

use super::super::inference::spd_inverse;
use super::super::linalg::Chol;
use super::group_test::Pooled;
use super::inference::TestParts;

/// One group's part of the inference.
pub(crate) struct GroupInputs<'a> {
    /// Rows used.
    pub n: usize,
    /// Thresholds (the first `nth` statistics; the correlations follow).
    pub nth: usize,
    /// ∂(thresholds, correlations)/∂θ' at the estimates, in the group's own parameters
    /// `cols` (m × cols).
    pub jac: &'a DMatrix<f64>,
    pub cols: &'a [usize],
    /// DWLS weights 1/Γ_kk (m).
    pub w: &'a [f64],
    /// The asymptotic covariance of the group's statistics (m × m).
    pub gamma: &'a DMatrix<f64>,
    /// Sample statistics and residuals s − σ(θ̂) (m).
    pub obs: &'a [f64],
    pub resid: &'a [f64],
    /// Sample polychoric and implied correlation matrices (p × p, unit diagonal).
    pub r: &'a DMatrix<f64>,
    pub implied: &'a DMatrix<f64>,
    /// The correlations' (i, j) in the order of the statistics.
    pub pairs: &'a [(usize, usize)],
}

/// What the joint inference gives.
pub(crate) struct JointOutcome {
    /// The robust covariance of the estimates (`None` when E is singular).
    pub vcov: Option<DMatrix<f64>>,
    /// Every group's statistics (its test share, baseline, residual indices).
    pub parts: Vec<TestParts>,
    /// The traces and catML scaling that do not split by group.
    pub pooled: Pooled,
    /// E and B, which a difference test with a nested fit needs.
    pub information: DMatrix<f64>,
    pub b: DMatrix<f64>,
}

/// Standard errors, the groups' test parts and the pooled traces, for `q` parameters of
/// which `q_catml` are not thresholds or means.
pub(crate) fn infer_joint(groups: &[GroupInputs], q: usize, q_catml: usize) -> JointOutcome {
    let n: usize = groups.iter().map(|g| g.n).sum();
    let nf = n as f64;
    let mut e = DMatrix::<f64>::zeros(q, q);
    let mut b = DMatrix::<f64>::zeros(q, q);
    let mut ywy = DMatrix::<f64>::zeros(q, q);
    let mut tr_wg = 0.0;
    let mut tr_wgwg = 0.0;
    let mut xs = Vec::with_capacity(groups.len());
    for g in groups {
        // Every product in the group's own columns, added into the whole.
        let f = g.n as f64 / nf;
        let mut x = g.jac.clone();
        for (k, &wk) in g.w.iter().enumerate() {
            x.row_mut(k).scale_mut(wk);
        }
        scatter_add(&mut e, g.cols, f, &(g.jac.transpose() * &x));
        let y = g.gamma * &x;
        scatter_add(&mut b, g.cols, f, &(x.transpose() * &y));
        let mut wy = y.clone();
        for (k, &wk) in g.w.iter().enumerate() {
            wy.row_mut(k).scale_mut(wk);
        }
        scatter_add(&mut ywy, g.cols, f, &(y.transpose() * &wy));
        let m = g.w.len();
        for c in 0..m {
            tr_wg += g.w[c] * g.gamma[(c, c)];
            let col = g.gamma.column(c);
            let s: f64 = col.iter().zip(g.w).map(|(v, w)| w * v * v).sum();
            tr_wgwg += g.w[c] * s;
        }
        xs.push(x);
    }
    let e_inv = spd_inverse(&e);
    let eib = e_inv.as_ref().map(|ei| ei * &b);
    let vcov = match (&eib, &e_inv) {
        (Some(eib), Some(ei)) => {
            let n_eff = (n.saturating_sub(groups.len())).max(1) as f64;
            Some(eib * ei / n_eff)
        }
        _ => None,
    };
    let (tr1, tr2) = match (&e_inv, &eib) {
        (Some(ei), Some(eib)) => (
            tr_wg - eib.trace(),
            tr_wgwg - 2.0 * trace_of_product(ei, &ywy) + trace_of_product(eib, eib),
        ),
        _ => (f64::NAN, f64::NAN),
    };
    let parts: Vec<TestParts> = groups.iter().map(group_parts).collect();
    let ks = match (&e_inv, parts.iter().all(|p| p.xx3.is_finite())) {
        (Some(ei), true) => catml_trace(groups, &xs, ei, nf),
        _ => f64::NAN,
    };
    JointOutcome {
        vcov,
        parts,
        pooled: Pooled {
            q,
            q_catml,
            tr1,
            tr2,
            ks,
        },
        information: e,
        b,
    }
}

/// `whole[cols, cols] += f · part`.
fn scatter_add(whole: &mut DMatrix<f64>, cols: &[usize], f: f64, part: &DMatrix<f64>) {
    for (y, &b) in cols.iter().enumerate() {
        for (x, &a) in cols.iter().enumerate() {
            whole[(a, b)] += f * part[(x, y)];
        }
    }
}

/// `tr(AB)` without forming AB.
fn trace_of_product(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let bt = b.transpose();
    a.iter().zip(bt.iter()).map(|(x, y)| x * y).sum()
}

/// A group's statistic, baseline and residual indices (the traces that split by group).
fn group_parts(g: &GroupInputs) -> TestParts {
    let nth = g.nth;
    let m = g.w.len();
    let pstar = m - nth;
    let p = g.r.nrows();
    let n1 = g.n as f64 - 1.0;
    let ewe: f64 = (0..m).map(|k| g.w[k] * g.resid[k] * g.resid[k]).sum();
    let sws: f64 = (0..m).map(|k| g.w[k] * g.obs[k] * g.obs[k]).sum();
    // Baseline: thresholds free, correlations 0 (U₀ = W_c on the correlations).
    let wc = &g.w[nth..];
    let x0 = n1
        * g.pairs
            .iter()
            .enumerate()
            .map(|(k, &(i, j))| wc[k] * g.r[(i, j)] * g.r[(i, j)])
            .sum::<f64>();
    let mut tr0_1 = 0.0;
    let mut tr0_2 = 0.0;
    for c in 0..pstar {
        tr0_1 += wc[c] * g.gamma[(nth + c, nth + c)];
        let s: f64 = (0..pstar)
            .map(|k| wc[k] * g.gamma[(nth + k, nth + c)].powi(2))
            .sum();
        tr0_2 += wc[c] * s;
    }
    let ss_c: f64 = g.resid[nth..].iter().map(|e| e * e).sum();
    let ss_t: f64 = g.resid[..nth].iter().map(|e| e * e).sum();
    let with_diag = (p * (p + 1) / 2) as f64;
    let (xx3, xx3_null) = catml_statistics(g).unwrap_or((f64::NAN, f64::NAN));
    let tr_gamma_c = (nth..m).map(|k| g.gamma[(k, k)]).sum();
    TestParts {
        n: g.n,
        m,
        pstar,
        chisq: n1 * ewe,
        x0,
        tr0_1,
        tr0_2,
        xx3,
        xx3_null,
        tr_gamma_c,
        srmr: (ss_c / with_diag).sqrt(),
        rmr: ((ss_c + ss_t) / (with_diag + nth as f64)).sqrt(),
        crmr: ((ss_c + ss_t) / m as f64).sqrt(),
        ewe,
        sws,
    }
}

/// catML's statistics of one group: `N_g (log|P| + tr(P⁻¹R) − log|R| − p)` at the implied
/// correlations P and `−N_g log|R|`; `None` when R is not positive definite (lavaan then
/// leaves the robust indices out).
fn catml_statistics(g: &GroupInputs) -> Option<(f64, f64)> {
    let p = g.r.nrows();
    let ev = nalgebra::SymmetricEigen::new(g.r.clone()).eigenvalues;
    if ev.iter().any(|&v| v < f64::EPSILON.sqrt()) {
        return None;
    }
    let ch_r = Chol::new(g.r)?;
    let ch_p = Chol::new(g.implied)?;
    let nf = g.n as f64;
    let f_ml = ch_p.logdet() + (ch_p.inverse() * g.r).trace() - ch_r.logdet() - p as f64;
    Some((nf * f_ml, -nf * ch_r.logdet()))
}

/// catML's `tr(U'VUΓ)` over the stacked correlations: with `L_g` the correlation rows of
/// `Δ_g`, `V_g` the normal-theory weight at the implied correlations and `Γ_c,g` the
/// correlation block of `Γ_g`,
/// `tr(VΓ) − 2 tr(E⁻¹ Σ_g f_g (V_gL_g)'Γ_c,gW_gL_g) + tr(Σ_g f_g L_g'V_gL_g · E⁻¹B_cE⁻¹)`,
/// `B_c = Σ_g f_g (W_gL_g)'Γ_c,g(W_gL_g)`.
fn catml_trace(groups: &[GroupInputs], xs: &[DMatrix<f64>], e_inv: &DMatrix<f64>, nf: f64) -> f64 {
    let q = e_inv.nrows();
    let mut tr_vg = 0.0;
    let mut t1 = DMatrix::<f64>::zeros(q, q);
    let mut t2 = DMatrix::<f64>::zeros(q, q);
    let mut bc = DMatrix::<f64>::zeros(q, q);
    for (g, x) in groups.iter().zip(xs) {
        let f = g.n as f64 / nf;
        let nth = g.nth;
        let pstar = g.pairs.len();
        let p = g.implied.nrows();
        let Some(ch) = Chol::new(g.implied) else {
            return f64::NAN;
        };
        let s = ch.inverse();
        let gamma_c = g.gamma.view((nth, nth), (pstar, pstar));
        for (y, &(k, l)) in g.pairs.iter().enumerate() {
            let (sk, sl) = (s.column(k), s.column(l));
            let col = gamma_c.column(y);
            for (xi, &(i, j)) in g.pairs.iter().enumerate() {
                tr_vg += (sk[i] * sl[j] + sl[i] * sk[j]) * col[xi];
            }
        }
        let l_g = g.jac.rows(nth, pstar);
        let qg = g.cols.len();
        // V L, column by column: the off-diagonal of S X S for the symmetric X holding
        // the column off its (zero) diagonal.
        let mut vl = DMatrix::<f64>::zeros(pstar, qg);
        let mut xm = DMatrix::<f64>::zeros(p, p);
        for a in 0..qg {
            let col = l_g.column(a);
            if col.iter().all(|v| *v == 0.0) {
                continue;
            }
            for (k, &(i, j)) in g.pairs.iter().enumerate() {
                xm[(i, j)] = col[k];
                xm[(j, i)] = col[k];
            }
            let sxs = &s * &xm * &s;
            for (k, &(i, j)) in g.pairs.iter().enumerate() {
                vl[(k, a)] = sxs[(i, j)];
            }
        }
        let wl = x.rows(nth, pstar);
        let gwl = gamma_c * wl;
        scatter_add(&mut t1, g.cols, f, &(vl.transpose() * &gwl));
        scatter_add(&mut t2, g.cols, f, &(l_g.transpose() * &vl));
        scatter_add(&mut bc, g.cols, f, &(wl.transpose() * &gwl));
    }
    let t2e = t2 * e_inv;
    let bce = bc * e_inv;
    tr_vg - 2.0 * trace_of_product(&t1, e_inv) + trace_of_product(&t2e, &bce)
}
