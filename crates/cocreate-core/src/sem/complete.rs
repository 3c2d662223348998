//! The complete-data estimator: ML on the sample moments of the rows kept (all rows, or
//! those left by listwise deletion), with normal-theory, robust (MLM, MLR) or bootstrap
//! standard errors, and the fit measures of the complete-data likelihood.

use cocreate_stats::LN_2PI;
use nalgebra::DMatrix;

use super::assemble::{assemble, Assembly};
use super::bootstrap::{apply_to_fit, run, summarize, BootSummary};
use super::constrained::{inverse, minimize};
use super::error::SemError;
use super::fit_measures::{self, FitInput};
use super::hessian::numeric_hessian;
use super::linalg::Chol;
use super::ml::MlProblem;
use super::optim::Objective;
use super::options::{Estimator, Information, SeMethod, SemOptions};
use super::prepare::{
    check_df, check_moments, degrees_of_freedom, moments_of, npar, resampled_moments, Moments,
    Prepared,
};
use super::ram::{Compiled, ExoMoments, RamMatrices};
use super::results::{FitMeasures, SemFit};
use super::robust::{robust_fit, robust_parts};
use super::start::start_values;
use super::vcov;

/// Estimates on complete data (or listwise-deleted data).
pub(crate) fn fit(prep: Prepared, options: &SemOptions) -> Result<SemFit, SemError> {
    let c = &prep.compiled;
    let mo = moments_of(&prep.data);
    let logdet_s = check_moments(c, &mo)?;
    let df = check_df(c)?;
    let mut theta = start_values(c, &mo);
    let mut problem = MlProblem::new(c, &mo, logdet_s);
    let outcome = minimize(
        &mut problem,
        &mut theta,
        &c.table.constraints,
        options.max_iterations,
        options.tolerance,
    )?;
    let mut warnings = prep.warnings.clone();
    let nf = mo.n as f64;
    // Information at the estimates.
    let (_, _, h) = problem
        .value_grad_info(&theta, false)
        .ok_or(SemError::SingularStructure)?;
    let info_kind = match (options.se, options.information, options.estimator) {
        (SeMethod::Bootstrap, _, _) => "Bootstrap",
        (_, _, Estimator::Mlr) | (_, Information::Observed, _) => "Observed",
        _ => "Expected",
    };
    // Robust ML: sandwich covariance and the traces of the scaled test, at the estimates.
    let robust = match options.estimator {
        Estimator::Ml => None,
        est => Some(robust_parts(&mut problem, &theta, &prep.data, &mo, est)?),
    };
    let info = if options.information == Information::Observed {
        numeric_hessian(&mut problem, &theta)
    } else {
        h
    };
    // The bootstrap replaces the information-based covariance.
    let boot = if options.se == SeMethod::Bootstrap {
        let mut ram = RamMatrices::new(c.n);
        c.fill(&theta, &problem.exo, &mut ram);
        let mut est: Vec<f64> = (0..c.table.rows().len())
            .map(|r| c.row_value(r, &ram))
            .collect();
        for v in est.iter_mut() {
            if v.is_nan() {
                *v = 0.0;
            }
        }
        Some(bootstrap(c, &prep.data, &theta, &est, options)?)
    } else {
        None
    };
    let vcov = vcov::choose(
        options.se,
        boot.as_ref(),
        robust.as_ref(),
        || inverse(&c.table.constraints, &theta, &info).map(|inv| inv * (2.0 / nf)),
        "the information matrix is singular: the model may not be identified",
        &mut warnings,
    );
    let fit = complete_fit_measures(c, &mo, &theta, outcome.value, df, logdet_s);
    let robust_fit = robust.as_ref().map(|parts| {
        robust_fit(
            options.estimator,
            parts,
            &fit,
            // lavaan divides by its free-parameter count before equality constraints.
            c.table.rows().iter().filter(|r| r.free.is_some()).count(),
            degrees_of_freedom(c).1,
        )
    });
    let mut out = assemble(
        c,
        &theta,
        &ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean),
        vcov,
        fit,
        Assembly {
            outcome,
            options,
            n_used: mo.n,
            n_original: prep.n_original,
            sample_cov: mo.cov.clone(),
            sample_mean: mo.mean.clone(),
            warnings,
            information: info_kind,
        },
    )?;
    if let Some(b) = boot {
        apply_to_fit(&mut out, b, options.boot_ci);
    }
    out.robust = robust_fit;
    Ok(out)
}

/// Log-likelihood of the fixed covariates' marginal distribution at their sample moments.
pub(crate) fn x_marginal_logl(c: &Compiled, s: &DMatrix<f64>, n: f64) -> f64 {
    if c.x_idx.is_empty() {
        return 0.0;
    }
    let px = c.x_idx.len();
    let sxx = DMatrix::from_fn(px, px, |a, b| s[(c.x_idx[a], c.x_idx[b])]);
    let ld = Chol::new(&sxx).map_or(f64::NAN, |ch| ch.logdet());
    -n / 2.0 * (px as f64 * LN_2PI + ld + px as f64)
}

/// Baseline (independence) chi-square and df: variances free, covariances zero, the fixed
/// covariate block kept at its sample values.
pub(crate) fn baseline(c: &Compiled, s: &DMatrix<f64>, logdet_s: f64, n: f64) -> (f64, f64) {
    let p = c.p;
    let px = c.x_idx.len();
    let mut ld0 = 0.0;
    for i in 0..p {
        if !c.x_idx.contains(&i) {
            ld0 += s[(i, i)].ln();
        }
    }
    if px > 0 {
        let sxx = DMatrix::from_fn(px, px, |a, b| s[(c.x_idx[a], c.x_idx[b])]);
        ld0 += Chol::new(&sxx).map_or(f64::NAN, |ch| ch.logdet());
    }
    let chisq0 = n * (ld0 - logdet_s);
    let df0 = (p * (p + 1) / 2 - px * (px + 1) / 2 - (p - px)) as f64;
    (chisq0, df0)
}

fn complete_fit_measures(
    c: &Compiled,
    mo: &Moments,
    theta: &[f64],
    fmin_f: f64,
    df: f64,
    logdet_s: f64,
) -> FitMeasures {
    let nf = mo.n as f64;
    let p = c.p as f64;
    let chisq = (nf * fmin_f).max(0.0);
    let x_ll = x_marginal_logl(c, &mo.cov, nf);
    let logl_h1 = -nf / 2.0 * (p * LN_2PI + logdet_s + p) - x_ll;
    let logl = logl_h1 - chisq / 2.0;
    let (chisq0, df0) = baseline(c, &mo.cov, logdet_s, nf);
    let mut ram = RamMatrices::new(c.n);
    c.fill(
        theta,
        &ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean),
        &mut ram,
    );
    let _ = ram.implied_sparse(c);
    let sigma = ram.sigma(c.p);
    let mu = ram.mu(c.p);
    fit_measures::compute(&FitInput {
        chisq,
        df,
        npar: npar(c),
        n: mo.n,
        logl,
        logl_h1,
        baseline_chisq: chisq0,
        baseline_df: df0,
        s: &mo.cov,
        xbar: &mo.mean,
        sigma: &sigma,
        mu: &mu,
        meanstructure: c.meanstructure,
        x_idx: &c.x_idx,
    })
}

/// One complete-data replicate on the resampled moments.
fn complete_replicate(
    c: &Compiled,
    data: &[f64],
    counts: &[u32],
    theta_hat: &[f64],
    options: &SemOptions,
) -> Option<Vec<f64>> {
    let mo = resampled_moments(data, c.p, counts, counts.len());
    let logdet = Chol::new(&mo.cov)?.logdet();
    let mut problem = MlProblem::new(c, &mo, logdet);
    // Start from the better of the full-sample estimates and the moment-based starting
    // values (exact for recursive path models).
    let smart = start_values(c, &mo);
    let mut theta = match (problem.value(theta_hat), problem.value(&smart)) {
        (Some(a), Some(b)) if b < a => smart,
        (None, Some(_)) => smart,
        _ => theta_hat.to_vec(),
    };
    minimize(
        &mut problem,
        &mut theta,
        &c.table.constraints,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    Some(theta)
}

/// Bootstraps a complete-data model and summarises every parameter-table row. `est`
/// holds the full-sample value of every row.
fn bootstrap(
    c: &Compiled,
    data: &DMatrix<f64>,
    theta_hat: &[f64],
    est: &[f64],
    options: &SemOptions,
) -> Result<BootSummary, SemError> {
    let n = data.nrows();
    let rows: Vec<f64> = (0..n)
        .flat_map(|r| data.row(r).iter().copied().collect::<Vec<_>>())
        .collect();
    let raw = run(n, options, &|counts: &[u32]| {
        complete_replicate(c, &rows, counts, theta_hat, options)
    });
    summarize(c, raw, est, options)
}
