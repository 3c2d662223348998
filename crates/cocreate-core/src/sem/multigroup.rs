//! The multiple-group estimator: one discrepancy per group, summed with the groups' shares
//! of the rows as weights, over one free-parameter vector (lavaan's
//! `F = Σ_g (N_g / N) F_g`), so that parameters shared by groups (`group_equal`, shared
//! labels) are estimated from all of them at once.
//!
//! Each group is a compiled view of its rows over the whole free-parameter vector, so the
//! single-group machinery (the ML discrepancy, the FIML likelihood, start values,
//! standardisation) runs per group unchanged; the gradients and information matrices of
//! the groups add up. The test statistic is `Σ_g N_g F_g`, the baseline model is the
//! independence model in every group, and the bootstrap resamples within groups. With MLM
//! or MLR every group brings its bread, meat and traces to `robust::combine`;
//! full-information ML with groups is `group_fiml`.

use cocreate_stats::LN_2PI;
use nalgebra::DMatrix;

use super::bootstrap::{run_groups, summarize_table, BootSummary};
use super::complete::{baseline, x_marginal_logl};
use super::error::SemError;
use super::fit_measures::residuals;
use super::group_assemble::{finish, GroupPart, GroupResults};
use super::group_prepare::{check_df, GroupData, PreparedGroups};
use super::hessian::numeric_hessian;
use super::inference::spd_inverse;
use super::linalg::Chol;
use super::ml::MlProblem;
use super::optim::{fisher_scoring, Objective};
use super::options::{Estimator, Information, SeMethod, SemOptions};
use super::prepare::{check_moments, moments_of, resampled_moments, Moments};
use super::ram::{ExoMoments, RamMatrices};
use super::results::SemFit;
use super::robust::{combine, group_robust};
use super::start::{simple_start, start_values};
use super::vcov;

/// The weighted sum of the groups' objectives over one parameter vector.
pub(crate) struct GroupSum<P> {
    /// `(N_g / N, objective of group g)`.
    pub parts: Vec<(f64, P)>,
}

impl<P: Objective> Objective for GroupSum<P> {
    fn value(&mut self, theta: &[f64]) -> Option<f64> {
        let mut f = 0.0;
        for (w, p) in &mut self.parts {
            f += *w * p.value(theta)?;
        }
        Some(f)
    }

    fn value_grad_info(
        &mut self,
        theta: &[f64],
        exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        let q = theta.len();
        let (mut f, mut g, mut h) = (0.0, vec![0.0; q], DMatrix::zeros(q, q));
        for (w, p) in &mut self.parts {
            let (fg, gg, hg) = p.value_grad_info(theta, exact)?;
            f += *w * fg;
            for (a, b) in g.iter_mut().zip(&gg) {
                *a += *w * b;
            }
            for (a, b) in h.iter_mut().zip(hg.iter()) {
                *a += *w * b;
            }
        }
        Some((f, g, h))
    }

    fn hessian_is_exact(&self) -> bool {
        self.parts.iter().all(|(_, p)| p.hessian_is_exact())
    }

    fn value_grad(&mut self, theta: &[f64]) -> Option<(f64, Vec<f64>)> {
        let q = theta.len();
        let (mut f, mut g) = (0.0, vec![0.0; q]);
        for (w, p) in &mut self.parts {
            let (fg, gg) = p.value_grad(theta)?;
            f += *w * fg;
            for (a, b) in g.iter_mut().zip(&gg) {
                *a += *w * b;
            }
        }
        Some((f, g))
    }
}

/// Starting values: each parameter from the first group that has it, each group's values
/// from its own moments; lavaan's simple values when those give a group an implied
/// covariance matrix that is not positive definite.
pub(crate) fn start(groups: &[GroupData], moments: &[Moments], q: usize) -> Vec<f64> {
    let combine = |per_group: &dyn Fn(usize) -> Vec<f64>| {
        let mut theta = vec![0.0; q];
        let mut set = vec![false; q];
        for (g, gd) in groups.iter().enumerate() {
            let t = per_group(g);
            for k in 0..q {
                if !set[k] && !gd.compiled.free_slots[k].is_empty() {
                    theta[k] = t[k];
                    set[k] = true;
                }
            }
        }
        theta
    };
    let smart = combine(&|g| start_values(&groups[g].compiled, &moments[g]));
    let pd = groups.iter().zip(moments).all(|(gd, mo)| {
        let c = &gd.compiled;
        let mut ram = RamMatrices::new(c.n);
        c.fill(
            &smart,
            &ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean),
            &mut ram,
        );
        ram.implied().is_ok() && Chol::new(&ram.sigma(c.p)).is_some()
    });
    if pd {
        smart
    } else {
        combine(&|g| simple_start(&groups[g].compiled, &moments[g]))
    }
}

/// Fits a prepared multiple-group model.
pub(crate) fn fit(prep: PreparedGroups, options: &SemOptions) -> Result<SemFit, SemError> {
    let n: usize = prep.n();
    let nf = n as f64;
    let q = prep.table.n_free();
    let mut moments = Vec::with_capacity(prep.groups.len());
    let mut logdets = Vec::with_capacity(prep.groups.len());
    for g in &prep.groups {
        let mo = moments_of(&g.data);
        let ld = check_moments(&g.compiled, &mo).map_err(|e| e.in_group(&g.label))?;
        moments.push(mo);
        logdets.push(ld);
    }
    let df = check_df(&prep)?;
    let mut theta = start(&prep.groups, &moments, q);
    let mut obj = GroupSum {
        parts: prep
            .groups
            .iter()
            .zip(&moments)
            .zip(&logdets)
            .map(|((g, mo), &ld)| (mo.n as f64 / nf, MlProblem::new(&g.compiled, mo, ld)))
            .collect(),
    };
    let outcome = fisher_scoring(
        &mut obj,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )?;
    let mut warnings = prep.warnings.clone();
    let (_, _, h) = obj
        .value_grad_info(&theta, false)
        .ok_or(SemError::SingularStructure)?;
    let info_kind = match (options.se, options.information, options.estimator) {
        (SeMethod::Bootstrap, _, _) => "Bootstrap",
        (_, _, Estimator::Mlr) | (_, Information::Observed, _) => "Observed",
        _ => "Expected",
    };
    // Robust ML: every group's bread, meat and traces, combined over the groups.
    let robust = match options.estimator {
        Estimator::Mlm | Estimator::Mlr => {
            let mut parts = Vec::with_capacity(prep.groups.len());
            for (k, (g, mo)) in prep.groups.iter().zip(&moments).enumerate() {
                let part =
                    group_robust(&mut obj.parts[k].1, &theta, &g.data, mo, options.estimator)
                        .map_err(|e| e.in_group(&g.label))?;
                parts.push(part);
            }
            Some(combine(
                &parts,
                &prep.table.constraints,
                &theta,
                options.estimator,
            ))
        }
        _ => None,
    };
    let info = if options.information == Information::Observed {
        numeric_hessian(&mut obj, &theta)
    } else {
        h
    };
    let boot = if options.se == SeMethod::Bootstrap {
        Some(bootstrap(&prep, &theta, options)?)
    } else {
        None
    };
    let vcov = vcov::choose(
        options.se,
        boot.as_ref(),
        robust.as_ref(),
        || spd_inverse(&info).map(|inv| inv * (2.0 / nf)),
        "the information matrix is singular: the model may not be identified",
        &mut warnings,
    );
    // Fit: each group's part of the test, the likelihoods, the baseline and the residuals.
    let mut results = GroupResults::new(prep.groups.len(), df, q, n);
    for (k, (g, mo)) in prep.groups.iter().zip(&moments).enumerate() {
        let c = &g.compiled;
        let ng = mo.n as f64;
        let f = obj.parts[k]
            .1
            .value(&theta)
            .ok_or(SemError::SingularStructure)?;
        let chisq = (ng * f).max(0.0);
        let x_ll = x_marginal_logl(c, &mo.cov, ng);
        let p = c.p as f64;
        let logl_h1 = -ng / 2.0 * (p * LN_2PI + logdets[k] + p) - x_ll;
        let logl = logl_h1 - chisq / 2.0;
        let (chisq0, df0) = baseline(c, &mo.cov, logdets[k], ng);
        let exo = ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean);
        let mut ram = RamMatrices::new(c.n);
        c.fill(&theta, &exo, &mut ram);
        ram.implied_sparse(c).map_err(|e| e.in_group(&g.label))?;
        let r = residuals(
            mo.n,
            &mo.cov,
            &mo.mean,
            &ram.sigma(c.p),
            &ram.mu(c.p),
            true,
            &c.x_idx,
        );
        let part = GroupPart {
            label: &g.label,
            compiled: c,
            offset: g.offset,
            exo,
            n: mo.n,
            sample_cov: mo.cov.clone(),
            sample_mean: mo.mean.clone(),
            chisq,
            logl,
            srmr: r.srmr,
        };
        results.push(part, r, logl_h1, (chisq0, df0));
    }
    results.vcov = vcov;
    results.robust = robust;
    results.boot = boot;
    let information = info_kind;
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

/// One complete-data replicate: each group's moments from its row multiplicities.
fn replicate(
    prep: &PreparedGroups,
    rows: &[Vec<f64>],
    counts: &[Vec<u32>],
    theta_hat: &[f64],
    options: &SemOptions,
) -> Option<Vec<f64>> {
    let nf: f64 = counts.iter().map(|c| c.len()).sum::<usize>() as f64;
    let moments: Vec<Moments> = prep
        .groups
        .iter()
        .zip(rows)
        .zip(counts)
        .map(|((g, data), c)| resampled_moments(data, g.compiled.p, c, c.len()))
        .collect();
    let mut parts = Vec::with_capacity(moments.len());
    for (g, mo) in prep.groups.iter().zip(&moments) {
        let ld = Chol::new(&mo.cov)?.logdet();
        parts.push((mo.n as f64 / nf, MlProblem::new(&g.compiled, mo, ld)));
    }
    let mut obj = GroupSum { parts };
    let mut theta = theta_hat.to_vec();
    if obj.value(&theta).is_none() {
        theta = start(&prep.groups, &moments, theta_hat.len());
    }
    fisher_scoring(
        &mut obj,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    Some(theta)
}

/// Bootstraps a complete-data multiple-group model, resampling within groups.
fn bootstrap(
    prep: &PreparedGroups,
    theta_hat: &[f64],
    options: &SemOptions,
) -> Result<BootSummary, SemError> {
    let rows: Vec<Vec<f64>> = prep
        .groups
        .iter()
        .map(|g| {
            (0..g.data.nrows())
                .flat_map(|r| g.data.row(r).iter().copied().collect::<Vec<_>>())
                .collect()
        })
        .collect();
    let sizes: Vec<usize> = prep.groups.iter().map(|g| g.data.nrows()).collect();
    // The full-sample value of every row (defined parameters are filled in by the summary).
    let mut est = vec![0.0; prep.table.rows().len()];
    for g in &prep.groups {
        let c = &g.compiled;
        let mo = moments_of(&g.data);
        let mut ram = RamMatrices::new(c.n);
        c.fill(
            theta_hat,
            &ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean),
            &mut ram,
        );
        for r in 0..c.table.rows().len() {
            est[g.offset + r] = c.row_value(r, &ram);
        }
    }
    let raw = run_groups(&sizes, options, &|counts: &[Vec<u32>]| {
        replicate(prep, &rows, counts, theta_hat, options)
    });
    summarize_table(&prep.table, theta_hat.len(), raw, &est, options)
}
