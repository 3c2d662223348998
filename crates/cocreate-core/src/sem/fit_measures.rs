//! Fit indices (lavaan 0.6 definitions; formulas and sources in `docs/methods/sem.md`).

use nalgebra::{DMatrix, DVector};

use super::distributions::{pchisq_upper, pnchisq, qchisq, root};
use super::linalg::Chol;
use super::results::FitMeasures;

/// Everything the indices need.
pub(crate) struct FitInput<'a> {
    pub chisq: f64,
    pub df: f64,
    pub npar: usize,
    pub n: usize,
    pub logl: f64,
    pub logl_h1: f64,
    pub baseline_chisq: f64,
    pub baseline_df: f64,
    /// Observed moments (sample, or EM estimates with FIML).
    pub s: &'a DMatrix<f64>,
    pub xbar: &'a DVector<f64>,
    pub sigma: &'a DMatrix<f64>,
    pub mu: &'a DVector<f64>,
    pub meanstructure: bool,
    /// Indices of the fixed exogenous covariates.
    pub x_idx: &'a [usize],
}

/// The indices that compare one group's moments with its implied moments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Residuals {
    /// Rows of the group.
    pub n: usize,
    pub rmr: f64,
    pub srmr: f64,
    pub srmr_mplus: f64,
    pub crmr: f64,
    pub gfi: f64,
    /// Sample moments the GFI weighs (lavaan's `nel`): covariances, and means with a
    /// mean structure.
    pub nel: usize,
}

/// RMR, SRMR (Bentler and Mplus), CRMR and GFI of one group (lavaan 0.6: with a mean
/// structure the mean residuals count too).
pub(crate) fn residuals(
    n: usize,
    s: &DMatrix<f64>,
    xbar: &DVector<f64>,
    sig: &DMatrix<f64>,
    mu: &DVector<f64>,
    meanstructure: bool,
    x_idx: &[usize],
) -> Residuals {
    let p = s.nrows();
    let (mut rmr2, mut srmr2, mut mplus2, mut crmr2) = (0.0, 0.0, 0.0, 0.0);
    let mut count = 0usize;
    for i in 0..p {
        for j in 0..=i {
            let raw = s[(i, j)] - sig[(i, j)];
            rmr2 += raw * raw;
            let sd = (s[(i, i)] * s[(j, j)]).sqrt();
            let r = raw / sd;
            srmr2 += r * r;
            let cr = s[(i, j)] / sd - sig[(i, j)] / (sig[(i, i)] * sig[(j, j)]).sqrt();
            if i == j {
                let d = (s[(i, i)] - sig[(i, i)]) / s[(i, i)];
                mplus2 += d * d;
            } else {
                mplus2 += cr * cr;
                crmr2 += cr * cr;
            }
            count += 1;
        }
    }
    let mut crmr_count = p * (p - 1) / 2;
    if meanstructure {
        for i in 0..p {
            let raw = xbar[i] - mu[i];
            rmr2 += raw * raw;
            srmr2 += raw * raw / s[(i, i)];
            mplus2 += (xbar[i] / s[(i, i)].sqrt() - mu[i] / sig[(i, i)].sqrt()).powi(2);
            // lavaan's `cor.bollen` mean residual: (x̄ − μ) / √s_ii.
            crmr2 += raw * raw / s[(i, i)];
            count += 1;
            crmr_count += 1;
        }
    }
    let c = count as f64;
    // GFI (lavaan's `lav_fit_gfi`): 1 − e'Ve / s'Vs over the sample moments, V the
    // normal-theory weight at the estimates: ½ tr((W E)²) for the covariances and d'W d
    // for the means, W = Σ⁻¹. With fixed covariates their moments carry no weight.
    let gfi = match Chol::new(sig) {
        Some(ch) => {
            let w = ch.inverse();
            let mut s_model = s.clone();
            let mut xbar_model = xbar.clone();
            for &i in x_idx {
                for &j in x_idx {
                    s_model[(i, j)] = 0.0;
                }
                xbar_model[i] = 0.0;
            }
            let ws = &w * &s_model;
            let e = &w * (s - sig);
            let mut num = 0.5 * (&e * &e).trace();
            let mut den = 0.5 * (&ws * &ws).trace();
            if meanstructure {
                let d = xbar - mu;
                num += d.dot(&(&w * &d));
                den += xbar_model.dot(&(&w * &xbar_model));
            }
            1.0 - num / den
        }
        None => f64::NAN,
    };
    Residuals {
        n,
        rmr: (rmr2 / c).sqrt(),
        srmr: (srmr2 / c).sqrt(),
        srmr_mplus: (mplus2 / c).sqrt(),
        crmr: if crmr_count > 0 {
            (crmr2 / crmr_count as f64).sqrt()
        } else {
            0.0
        },
        gfi,
        nel: p * (p + 1) / 2 + if meanstructure { p } else { 0 },
    }
}

/// Everything but the residual indices, for the whole fit.
pub(crate) struct Totals {
    pub chisq: f64,
    pub df: f64,
    pub npar: usize,
    pub n: usize,
    pub logl: f64,
    pub logl_h1: f64,
    pub baseline_chisq: f64,
    pub baseline_df: f64,
}

pub(crate) fn compute(inp: &FitInput) -> FitMeasures {
    let r = residuals(
        inp.n,
        inp.s,
        inp.xbar,
        inp.sigma,
        inp.mu,
        inp.meanstructure,
        inp.x_idx,
    );
    compute_groups(
        &Totals {
            chisq: inp.chisq,
            df: inp.df,
            npar: inp.npar,
            n: inp.n,
            logl: inp.logl,
            logl_h1: inp.logl_h1,
            baseline_chisq: inp.baseline_chisq,
            baseline_df: inp.baseline_df,
        },
        &[r],
    )
}

/// The fit measures of a fit with one or more groups: the residual indices are the
/// groups' weighted by `N_g / N`, RMSEA is multiplied by `√G` (lavaan, after Steiger 1998).
pub(crate) fn compute_groups(inp: &Totals, groups: &[Residuals]) -> FitMeasures {
    let (x2, df, x0, df0) = (inp.chisq, inp.df, inp.baseline_chisq, inp.baseline_df);
    let nf = inp.n as f64;
    let npar = inp.npar as f64;
    let g_count = groups.len().max(1) as f64;
    // Comparative indices.
    let cfi = {
        let t1 = (x2 - df).max(0.0);
        let t2 = (x2 - df).max(x0 - df0).max(0.0);
        if t1 == 0.0 && t2 == 0.0 {
            1.0
        } else {
            1.0 - t1 / t2
        }
    };
    let tli = if df > 0.0 {
        let t1 = x0 / df0 - x2 / df;
        let t2 = x0 / df0 - 1.0;
        if t2 == 0.0 {
            1.0
        } else {
            t1 / t2
        }
    } else {
        1.0
    };
    let nfi = if x0 > 0.0 { (x0 - x2) / x0 } else { f64::NAN };
    let rfi = {
        let t1 = if df > 0.0 { x2 / df } else { 0.0 };
        let t2 = x0 / df0;
        if t2 > 0.0 {
            ((t2 - t1) / t2).min(1.0)
        } else {
            f64::NAN
        }
    };
    let ifi = {
        let t = x0 - df;
        if t != 0.0 {
            (x0 - x2) / t
        } else {
            f64::NAN
        }
    };
    let rni = {
        let t2 = x0 - df0;
        if t2 != 0.0 {
            1.0 - (x2 - df) / t2
        } else {
            f64::NAN
        }
    };
    let pnfi = if df0 > 0.0 { df / df0 * nfi } else { f64::NAN };
    // Information criteria.
    let aic = -2.0 * inp.logl + 2.0 * npar;
    let bic = -2.0 * inp.logl + npar * nf.ln();
    let bic2 = -2.0 * inp.logl + npar * ((nf + 2.0) / 24.0).ln();
    // RMSEA and its 90% interval (noncentral chi-square), with N.
    let (rmsea, lo, hi, p_close, p_notclose) = if df > 0.0 {
        let rmsea = ((x2 - df).max(0.0) / (df * nf)).sqrt() * g_count.sqrt();
        let f_lower = |lam: f64| pnchisq(x2, df, lam) - 0.95;
        let lower = if f_lower(0.0) < 0.0 {
            0.0
        } else {
            root(&f_lower, 0.0, x2)
        };
        let f_upper = |lam: f64| pnchisq(x2, df, lam) - 0.05;
        let upper = if f_upper(0.0) < 0.0 {
            0.0
        } else {
            root(&f_upper, 0.0, nf.max(4.0 * x2))
        };
        let close = 1.0 - pnchisq(x2, df, nf * df * 0.05 * 0.05 / g_count);
        let notclose = pnchisq(x2, df, nf * df * 0.08 * 0.08 / g_count);
        (
            rmsea,
            (lower / (nf * df)).sqrt() * g_count.sqrt(),
            (upper / (nf * df)).sqrt() * g_count.sqrt(),
            Some(close),
            Some(notclose),
        )
    } else {
        (0.0, 0.0, 0.0, None, None)
    };
    // Residual-based indices: each group's, weighted by its share of the rows.
    let weighted = |f: &dyn Fn(&Residuals) -> f64| -> f64 {
        groups.iter().map(|r| r.n as f64 / nf * f(r)).sum()
    };
    let gfi = weighted(&|r| r.gfi);
    let nel = groups.iter().map(|r| r.nel).sum::<usize>() as f64;
    let agfi = if df > 0.0 {
        1.0 - nel / df * (1.0 - gfi)
    } else {
        1.0
    };
    let pgfi = df / nel * gfi;
    let cn = |alpha: f64| {
        if df > 0.0 && x2 > 0.0 {
            Some(qchisq(1.0 - alpha, df) / (x2 / nf) + 1.0)
        } else {
            None
        }
    };
    FitMeasures {
        npar: inp.npar,
        fmin: x2 / (2.0 * nf),
        chisq: x2,
        df,
        pvalue: (df > 0.0).then(|| pchisq_upper(x2, df)),
        baseline_chisq: x0,
        baseline_df: df0,
        baseline_pvalue: (df0 > 0.0).then(|| pchisq_upper(x0, df0)),
        cfi,
        tli,
        nfi,
        rfi,
        ifi,
        rni,
        pnfi,
        logl: inp.logl,
        unrestricted_logl: inp.logl_h1,
        aic,
        bic,
        bic2,
        ntotal: inp.n,
        rmsea,
        rmsea_ci_lower: lo,
        rmsea_ci_upper: hi,
        rmsea_pvalue: p_close,
        rmsea_notclose_pvalue: p_notclose,
        rmr: weighted(&|r| r.rmr),
        srmr: weighted(&|r| r.srmr),
        srmr_mplus: weighted(&|r| r.srmr_mplus),
        crmr: weighted(&|r| r.crmr),
        gfi,
        agfi,
        pgfi,
        mfi: (-0.5 * (x2 - df) / nf).exp(),
        ecvi: x2 / nf + 2.0 * npar / nf,
        cn_05: cn(0.05),
        cn_01: cn(0.01),
    }
}
