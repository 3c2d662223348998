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

pub(crate) fn compute(inp: &FitInput) -> FitMeasures {
    let (x2, df, x0, df0) = (inp.chisq, inp.df, inp.baseline_chisq, inp.baseline_df);
    let nf = inp.n as f64;
    let npar = inp.npar as f64;
    let p = inp.s.nrows();
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
        let rmsea = ((x2 - df).max(0.0) / (df * nf)).sqrt();
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
        let close = 1.0 - pnchisq(x2, df, nf * df * 0.05 * 0.05);
        let notclose = pnchisq(x2, df, nf * df * 0.08 * 0.08);
        (
            rmsea,
            (lower / (nf * df)).sqrt(),
            (upper / (nf * df)).sqrt(),
            Some(close),
            Some(notclose),
        )
    } else {
        (0.0, 0.0, 0.0, None, None)
    };
    // Residual-based indices.
    let (s, sig) = (inp.s, inp.sigma);
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
    if inp.meanstructure {
        for i in 0..p {
            let raw = inp.xbar[i] - inp.mu[i];
            rmr2 += raw * raw;
            srmr2 += raw * raw / s[(i, i)];
            mplus2 += (inp.xbar[i] / s[(i, i)].sqrt() - inp.mu[i] / sig[(i, i)].sqrt()).powi(2);
            crmr2 += (inp.xbar[i] / s[(i, i)].sqrt() - inp.mu[i] / sig[(i, i)].sqrt()).powi(2);
            count += 1;
            crmr_count += 1;
        }
    }
    let c = count as f64;
    // GFI family (weight Σ⁻¹ at the estimates).
    let (gfi, agfi, pgfi) = match Chol::new(sig) {
        Some(ch) => {
            let w = ch.inverse();
            // The fixed-covariate block carries no weight (lavaan's normal-theory weight
            // matrix with fixed.x zeroes it).
            let mut s_model = s.clone();
            for &i in inp.x_idx {
                for &j in inp.x_idx {
                    s_model[(i, j)] = 0.0;
                }
            }
            let ws = &w * &s_model;
            let e = &w * (s - sig);
            let num = (&e * &e).trace();
            let den = (&ws * &ws).trace();
            let gfi = 1.0 - num / den;
            let nel = (p * (p + 1) / 2) as f64;
            let agfi = if df > 0.0 {
                1.0 - nel / df * (1.0 - gfi)
            } else {
                1.0
            };
            let pgfi = df / nel * gfi;
            (gfi, agfi, pgfi)
        }
        None => (f64::NAN, f64::NAN, f64::NAN),
    };
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
        rmr: (rmr2 / c).sqrt(),
        srmr: (srmr2 / c).sqrt(),
        srmr_mplus: (mplus2 / c).sqrt(),
        crmr: if crmr_count > 0 {
            (crmr2 / crmr_count as f64).sqrt()
        } else {
            0.0
        },
        gfi,
        agfi,
        pgfi,
        mfi: (-0.5 * (x2 - df) / nf).exp(),
        ecvi: x2 / nf + 2.0 * npar / nf,
        cn_05: cn(0.05),
        cn_01: cn(0.01),
    }
}
