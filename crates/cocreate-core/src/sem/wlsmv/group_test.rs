//! The test and fit indices of a WLSMV fit by group, from every group's statistics and
//! the traces of the whole model.
//!
//! The statistic is `Σ_g T_g`, the scaled-shifted one `a Σ_g T_g + b` with
//! `a = √(df / tr((UΓ)²))`, `b = df − a tr(UΓ)`, group g's part `a T_g + (N_g/N) b`. The
//! baseline (thresholds free, correlations 0 in every group) sums over the groups, and for
//! its scaling `ĉ₀ = Σ_g tr(Γ_g)/(N_g/N) / df₀` lavaan keeps the weights; RMSEA counts
//! `N − G` observations and is multiplied by `√G`; SRMR, RMR and CRMR are the groups'
//! weighted by `N_g/N`. Formulas: `docs/methods/sem.md` §17.

use super::super::fit_measures::{compute_groups, Residuals, Totals};
use super::super::results::{FitMeasures, RobustFit};
use super::inference::{scaled_shifted, ScaledShiftedReport, TestParts};

/// What the test takes from the whole model rather than group by group: the free
/// parameters, `tr(UΓ)`, `tr((UΓ)²)`, catML's `tr(U'VUΓ)` and the free parameters
/// catML keeps (those of the rows other than thresholds and means), from the fit of all
/// groups at once (`joint.rs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pooled {
    pub q: usize,
    pub q_catml: usize,
    pub tr1: f64,
    pub tr2: f64,
    pub ks: f64,
}

/// The test and fit indices over the groups from their statistics and the pooled traces.
pub(crate) fn test_over_groups(parts: &[TestParts], pooled: &Pooled) -> (FitMeasures, RobustFit) {
    let sum = |f: &dyn Fn(&TestParts) -> f64| parts.iter().map(f).sum::<f64>();
    let n: usize = parts.iter().map(|p| p.n).sum();
    let nf = n as f64;
    let g = parts.len() as f64;
    let q = pooled.q;
    let m: usize = parts.iter().map(|p| p.m).sum();
    let df = m as f64 - q as f64;
    let df0 = parts.iter().map(|p| p.pstar).sum::<usize>() as f64;
    let chisq = sum(&|p| p.chisq);
    let x0 = sum(&|p| p.x0);
    let (x2s, a, b) = scaled_shifted(chisq, df, pooled.tr1, pooled.tr2);
    let (x0s, a0, _) = scaled_shifted(x0, df0, sum(&|p| p.tr0_1), sum(&|p| p.tr0_2));
    // lavaan counts N − G observations for least-squares estimators.
    let n_eff = n.saturating_sub(parts.len()).max(1);
    let ne = n_eff as f64;
    let residuals: Vec<Residuals> = parts
        .iter()
        .map(|p| Residuals {
            n: p.n,
            rmr: p.rmr,
            srmr: p.srmr,
            srmr_mplus: f64::NAN,
            crmr: p.crmr,
            gfi: 1.0 - p.ewe / p.sws,
            nel: p.m,
        })
        .collect();
    let mut fit = compute_groups(
        &Totals {
            chisq,
            df,
            npar: q,
            n: n_eff,
            logl: f64::NAN,
            logl_h1: f64::NAN,
            baseline_chisq: x0,
            baseline_df: df0,
        },
        &residuals,
    );
    // The residual indices weigh the groups by N_g/N (not N − G).
    let weighted =
        |f: &dyn Fn(&TestParts) -> f64| parts.iter().map(|p| p.n as f64 / nf * f(p)).sum::<f64>();
    fit.ntotal = n;
    fit.fmin = chisq / (2.0 * nf);
    fit.srmr = weighted(&|p| p.srmr);
    fit.rmr = weighted(&|p| p.rmr);
    fit.crmr = weighted(&|p| p.crmr);
    fit.srmr_mplus = f64::NAN;
    fit.ecvi = f64::NAN;
    fit.gfi = weighted(&|p| 1.0 - p.ewe / p.sws);
    fit.agfi = if df > 0.0 {
        1.0 - m as f64 / df * (1.0 - fit.gfi)
    } else {
        1.0
    };
    fit.pgfi = df / m as f64 * fit.gfi;
    // catML over the groups (lavaan's lav_fit_catml_dwls with the groups' blocks).
    let xx3 = sum(&|p| p.xx3);
    let df3 = (parts.iter().map(|p| p.pstar).sum::<usize>() as f64) - pooled.q_catml as f64;
    let c_hat3 = pooled.ks / df3;
    let xx3_null = sum(&|p| p.xx3_null);
    // lavaan's kbs is tr(bdiag(Γ_g / (N_g/N))): the weights stay in the baseline's scaling.
    let c_hat3_null = sum(&|p| p.tr_gamma_c * nf / p.n as f64) / df0;
    let robust = ScaledShiftedReport {
        x2s,
        df,
        a,
        b,
        tr1: pooled.tr1,
        tr2: pooled.tr2,
        x0s,
        df0,
        a0,
        xx3,
        c_hat3,
        xx3_null,
        c_hat3_null,
        df3,
        n: ne,
        groups: g,
    }
    .robust_fit();
    (fit, robust)
}
