//! Full-information ML for multiple groups: each group's FIML objective `−2 log L_g / N_g`
//! summed with the weights `N_g / N` (so the sum is `−2 log L / N` of all rows, whose
//! optimum and observed information are those of the joint likelihood, as lavaan's
//! `lav_model_objective` weighs its per-group FIML parts), the EM saturated model,
//! the baseline and the fit parts per group, and the bootstrap within groups.
//!
//! Everything per group is the single-group machinery of `fiml/`; this module only adds
//! the groups up.

use nalgebra::DMatrix;

use super::bootstrap::{run_groups, summarize_table, BootSummary};
use super::error::{SemError, SemWarning};
use super::fiml::{
    covariate_moments, em_saturated, group_information, information, loglik, mlr_parts, x_marginal,
    x_marginal_h1, Baseline, FimlData, FimlProblem, MlrInput, Pooled,
};
use super::fit_measures::residuals;
use super::group_assemble::{finish, GroupPart, GroupResults};
use super::group_prepare::{check_df, GroupData, PreparedGroups};
use super::inference::spd_inverse;
use super::ml::MlProblem;
use super::multigroup::{start, GroupSum};
use super::optim::{fisher_scoring, Objective};
use super::options::{Estimator, Information, SeMethod, SemOptions};
use super::prepare::{check_moments, Moments};
use super::ram::{ExoMoments, RamMatrices};
use super::results::SemFit;
use super::robust::{combine, Corrected, GroupRobust, RobustParts};
use super::vcov;

/// One group's missing-data summary and saturated model.
struct GroupH1 {
    fd: FimlData,
    /// The EM estimates of the saturated model (`n` = the group's rows).
    h1: Moments,
    logdet: f64,
    exo: ExoMoments,
}

/// Per group: the patterns, the EM saturated model and its checks, each error naming its
/// group.
fn saturated(prep: &PreparedGroups) -> Result<Vec<GroupH1>, SemError> {
    let mut out = Vec::with_capacity(prep.groups.len());
    for g in &prep.groups {
        let c = &g.compiled;
        let fd = FimlData::new(&g.data);
        let in_group = |e: SemError| e.in_group(&g.label);
        for (j, name) in c.table.observed().iter().enumerate().take(c.p) {
            let seen = (0..fd.n).filter(|&r| !fd.row(r)[j].is_nan()).count();
            if seen < 2 {
                return Err(in_group(SemError::TooFewObserved {
                    name: name.clone(),
                    n: seen,
                }));
            }
        }
        let (mu1, sigma1, _) = em_saturated(&fd, 10_000).map_err(in_group)?;
        let h1 = Moments {
            cov: sigma1,
            mean: mu1,
            n: fd.n,
        };
        let logdet = check_moments(c, &h1).map_err(in_group)?;
        let exo = ExoMoments::from_sample(&c.x_idx, &h1.cov, &h1.mean);
        out.push(GroupH1 {
            fd,
            h1,
            logdet,
            exo,
        });
    }
    Ok(out)
}

/// Fits a prepared multiple-group model by full-information ML.
pub(crate) fn fit(prep: PreparedGroups, options: &SemOptions) -> Result<SemFit, SemError> {
    let n = prep.n();
    let nf = n as f64;
    let q = prep.table.n_free();
    let df = check_df(&prep)?;
    let sat = saturated(&prep)?;
    let h1s: Vec<Moments> = sat
        .iter()
        .map(|s| Moments {
            cov: s.h1.cov.clone(),
            mean: s.h1.mean.clone(),
            n: s.h1.n,
        })
        .collect();
    // Start: ML on every group's EM moments, as the single-group FIML fit starts.
    let mut theta = start(&prep.groups, &h1s, q);
    {
        let mut ml = GroupSum {
            parts: prep
                .groups
                .iter()
                .zip(&sat)
                .map(|(g, s)| {
                    (
                        s.h1.n as f64 / nf,
                        MlProblem::new(&g.compiled, &s.h1, s.logdet),
                    )
                })
                .collect(),
        };
        fisher_scoring(
            &mut ml,
            &mut theta,
            options.max_iterations,
            options.tolerance,
        )?;
    }
    let mut obj = GroupSum {
        parts: prep
            .groups
            .iter()
            .zip(&sat)
            .map(|(g, s)| {
                (
                    s.fd.n as f64 / nf,
                    FimlProblem::new(&g.compiled, &s.fd, s.exo.clone()),
                )
            })
            .collect(),
    };
    let outcome = fisher_scoring(
        &mut obj,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )?;
    let mut warnings = prep.warnings.clone();
    let robust = if options.estimator == Estimator::Mlr {
        Some(mlr(&prep, &sat, &mut obj, &theta, df)?)
    } else {
        None
    };
    if robust.as_ref().is_some_and(|r| r.trace_h1.is_none()) {
        warnings.push(SemWarning::RobustTestUnavailable {
            reason:
                "the observed information of a group's saturated model is not positive definite"
                    .into(),
        });
    }
    let boot = if options.se == SeMethod::Bootstrap {
        Some(bootstrap(&prep, &sat, &theta, options)?)
    } else {
        None
    };
    // The information of −2 log L / N: the groups' informations weighted as their
    // objectives are.
    let vcov = vcov::choose(
        options.se,
        boot.as_ref(),
        robust.as_ref(),
        || {
            let expected = options.information == Information::Expected;
            let mut info = Some(DMatrix::zeros(q, q));
            for (w, p) in &mut obj.parts {
                info = match (info, information(p, &theta, expected, None)) {
                    (Some(acc), Some(h)) => Some(acc + h * *w),
                    _ => None,
                };
            }
            info.and_then(|h| spd_inverse(&h))
                .map(|inv| inv * (2.0 / nf))
        },
        "the observed information matrix is singular or not positive definite",
        &mut warnings,
    );
    // Fit: per group the H0 and H1 log-likelihoods (conditional on fixed covariates),
    // the baseline and the residuals against the EM moments.
    let mut results = GroupResults::new(prep.groups.len(), df, q, n);
    for (g, s) in prep.groups.iter().zip(&sat) {
        let c = &g.compiled;
        let mut ram = RamMatrices::new(c.n);
        c.fill(&theta, &s.exo, &mut ram);
        ram.implied_sparse(c).map_err(|e| e.in_group(&g.label))?;
        let (sigma0, mu0) = (ram.sigma(c.p), ram.mu(c.p));
        let ll0 = loglik(&s.fd, &mu0, &sigma0).ok_or(SemError::SingularStructure)?;
        let ll1 = loglik(&s.fd, &s.h1.mean, &s.h1.cov).ok_or(SemError::SingularStructure)?;
        let x_ll = x_marginal(c, &s.fd, &s.exo);
        let chisq = (2.0 * (ll1 - ll0)).max(0.0);
        let base = Baseline::new(c, &g.data);
        let r = residuals(s.fd.n, &s.h1.cov, &s.h1.mean, &sigma0, &mu0, true, &c.x_idx);
        let logl_h1 = ll1 - x_marginal_h1(c, s.fd.n, &base);
        let part = GroupPart {
            label: &g.label,
            compiled: c,
            offset: g.offset,
            exo: s.exo.clone(),
            n: s.fd.n,
            sample_cov: s.h1.cov.clone(),
            sample_mean: s.h1.mean.clone(),
            chisq,
            logl: ll0 - x_ll,
            srmr: r.srmr,
        };
        results.push(part, r, logl_h1, (2.0 * (ll1 - base.logl), base.df));
    }
    results.vcov = vcov;
    results.robust = robust;
    results.boot = boot;
    let information = match (options.se, options.information) {
        (SeMethod::Bootstrap, _) => "Bootstrap",
        (_, Information::Expected) => "Expected",
        _ => "Observed",
    };
    finish(
        &prep,
        &theta,
        results,
        outcome,
        options,
        warnings,
        information,
    )
}

/// What [`MlrInput`] takes from a group.
struct GroupMlr<'a> {
    g: &'a GroupData,
    s: &'a GroupH1,
    theta: &'a [f64],
    hessian: Option<&'a DMatrix<f64>>,
    scores: &'a DMatrix<f64>,
    baseline: &'a Baseline,
}

impl<'a> GroupMlr<'a> {
    fn mlr_input(&self, pooled: Option<&'a Pooled>) -> MlrInput<'a> {
        MlrInput {
            c: &self.g.compiled,
            fd: &self.s.fd,
            theta: self.theta,
            exo: &self.s.exo,
            mu1: &self.s.h1.mean,
            sigma1: &self.s.h1.cov,
            hessian: self.hessian,
            scores: self.scores,
            baseline: self.baseline,
            // Per group the scaling factors come back as k_g / N_g.
            df: 1.0,
            pooled,
        }
    }
}

/// MLR with full-information ML over the groups (lavaan's `robust.huber.white` standard
/// errors, `yuan.bentler.mplus` test and `lav_fit_fiml_corrected` robust indices with
/// groups): the sandwich and the traces combined as for complete data
/// ([`combine`]), each group's saturated and baseline traces from its own patterns, and
/// the FIML-corrected statistics from every group's rows with the pooled `E` and `F`
/// ([`Pooled`]): `ĉ₃ = Σ_g k_g / N_g / df` and the complete-data χ² at the EM moments
/// summed over the groups.
fn mlr(
    prep: &PreparedGroups,
    sat: &[GroupH1],
    obj: &mut GroupSum<FimlProblem>,
    theta: &[f64],
    df: f64,
) -> Result<RobustParts, SemError> {
    let q = theta.len();
    let nf = prep.n() as f64;
    let mut hessians = Vec::with_capacity(sat.len());
    let mut scores = Vec::with_capacity(sat.len());
    let mut baselines = Vec::with_capacity(sat.len());
    for ((g, s), (_, prob)) in prep.groups.iter().zip(sat).zip(&mut obj.parts) {
        let mut sc = DMatrix::zeros(s.fd.n, q);
        hessians.push(information(prob, theta, false, Some(&mut sc)));
        scores.push(sc);
        baselines.push(Baseline::new(&g.compiled, &g.data));
    }
    let input = |k: usize| GroupMlr {
        g: &prep.groups[k],
        s: &sat[k],
        theta,
        hessian: hessians[k].as_ref(),
        scores: &scores[k],
        baseline: &baselines[k],
    };
    // The pooled E = Σ f_g Δ_g'A₁Δ_g and F = Σ f_g Δ_g'W_cΔ_g.
    let (mut e, mut f) = (DMatrix::zeros(q, q), DMatrix::zeros(q, q));
    let mut available = true;
    for (k, s) in sat.iter().enumerate() {
        let w = s.fd.n as f64 / nf;
        match group_information(&input(k).mlr_input(None))
            .map_err(|e| e.in_group(&prep.groups[k].label))?
        {
            Some(gi) => {
                e += gi.e * w;
                f += gi.f * w;
            }
            None => available = false,
        }
    }
    let e_inv = if available { spd_inverse(&e) } else { None };
    let mut parts = Vec::with_capacity(sat.len());
    let (mut xx3, mut k_main, mut xx3_null, mut k_base) = (0.0, 0.0, 0.0, 0.0);
    let mut saturated_ok = true;
    for (k, s) in sat.iter().enumerate() {
        let w = s.fd.n as f64 / nf;
        let pooled = e_inv.as_ref().map(|ei| Pooled {
            e_inv: ei * w,
            f: &f / w,
        });
        let rp = mlr_parts(&input(k).mlr_input(pooled.as_ref()))
            .map_err(|e| e.in_group(&prep.groups[k].label))?;
        let bread = hessians[k]
            .as_ref()
            .map_or_else(|| DMatrix::from_element(q, q, f64::NAN), |h| h * 0.5);
        let tr_h1 = rp.trace_h1.unwrap_or(f64::NAN);
        saturated_ok &= rp.trace_h1.is_some();
        parts.push(GroupRobust::new(
            s.fd.n,
            bread,
            scores[k].transpose() * &scores[k],
            tr_h1,
            tr_h1 - rp.baseline_trace,
        ));
        match (&rp.corrected, pooled.is_some()) {
            (Some(c), true) => {
                xx3 += c.chisq;
                k_main += c.scaling_factor;
                xx3_null += c.baseline_chisq;
                k_base += c.baseline_scaling_factor * baselines[k].df;
            }
            _ => saturated_ok = false,
        }
    }
    let mut out = combine(&parts, &prep.table.constraints, theta, Estimator::Mlr);
    if !saturated_ok {
        out.trace_h1 = None;
        out.trace_ugamma = f64::NAN;
        out.baseline_trace = f64::NAN;
        return Ok(out);
    }
    let df0: f64 = baselines.iter().map(|b| b.df).sum();
    out.corrected = Some(Corrected {
        chisq: xx3,
        scaling_factor: if df > 0.0 { k_main / df } else { f64::NAN },
        baseline_chisq: xx3_null,
        baseline_scaling_factor: if df0 > 0.0 { k_base / df0 } else { f64::NAN },
    });
    Ok(out)
}

/// One replicate: each group's rows drawn with the multiplicities `counts[g]`, its
/// covariate moments from them, and the summed FIML objective optimised from the
/// full-sample estimates.
fn replicate(
    prep: &PreparedGroups,
    counts: &[Vec<u32>],
    theta_hat: &[f64],
    options: &SemOptions,
) -> Option<Vec<f64>> {
    let nf: f64 = counts.iter().map(|c| c.len()).sum::<usize>() as f64;
    let mut data = Vec::with_capacity(prep.groups.len());
    for (g, c) in prep.groups.iter().zip(counts) {
        let idx: Vec<usize> = c
            .iter()
            .enumerate()
            .flat_map(|(r, &k)| std::iter::repeat_n(r, k as usize))
            .collect();
        let sub = DMatrix::from_fn(idx.len(), g.compiled.p, |r, j| g.data[(idx[r], j)]);
        let fd = FimlData::new(&sub);
        let exo = covariate_moments(&g.compiled, &sub, &fd)?;
        data.push((fd, exo));
    }
    let mut obj = GroupSum {
        parts: prep
            .groups
            .iter()
            .zip(&data)
            .map(|(g, (fd, exo))| {
                (
                    fd.n as f64 / nf,
                    FimlProblem::new(&g.compiled, fd, exo.clone()),
                )
            })
            .collect(),
    };
    let mut theta = theta_hat.to_vec();
    obj.value(&theta)?;
    fisher_scoring(
        &mut obj,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    Some(theta)
}

/// Bootstraps a multiple-group FIML fit, resampling rows within groups.
fn bootstrap(
    prep: &PreparedGroups,
    sat: &[GroupH1],
    theta_hat: &[f64],
    options: &SemOptions,
) -> Result<BootSummary, SemError> {
    let sizes: Vec<usize> = prep.groups.iter().map(|g| g.data.nrows()).collect();
    let mut est = vec![0.0; prep.table.rows().len()];
    for (g, s) in prep.groups.iter().zip(sat) {
        let c = &g.compiled;
        let mut ram = RamMatrices::new(c.n);
        c.fill(theta_hat, &s.exo, &mut ram);
        for r in 0..c.table.rows().len() {
            let v = c.row_value(r, &ram);
            est[g.offset + r] = if v.is_nan() { 0.0 } else { v };
        }
    }
    let raw = run_groups(&sizes, options, &|counts: &[Vec<u32>]| {
        replicate(prep, counts, theta_hat, options)
    });
    summarize_table(&prep.table, theta_hat.len(), raw, &est, options)
}
