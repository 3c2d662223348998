//! The bootstrap of a WLSMV fit by group (lavaan's `se = "bootstrap"` with ordered data and
//! groups): every replicate draws each group's rows with replacement within the group, takes
//! every group's own thresholds, polychoric correlations and DWLS weights, and refits the
//! model to all groups at once from the full-sample estimates. A replicate in which a
//! category of some variable is empty in a group (so that group has fewer thresholds) or
//! whose fit fails counts as failed, as lavaan counts it.

use super::super::bootstrap::{apply_to_fit, run_groups, summarize_table};
use super::super::error::SemError;
use super::super::optim::fisher_scoring;
use super::super::options::SemOptions;
use super::super::results::SemFit;
use super::joint_eval::{GroupEval, Joint};
use crate::data::Table;
use crate::ordinal::{two_step, LavCorOptions, Ordered};

/// What every replicate needs besides the groups.
pub(super) struct Setup<'a> {
    pub groups: &'a [GroupEval],
    pub names: &'a [String],
    pub ml_to_w: &'a [Option<usize>],
    /// The full-sample estimates (the replicates' start).
    pub theta: &'a [f64],
}

/// One group of a replicate: its statistics from the rows drawn `counts` times each, or
/// `None` when a category is empty or the first step fails.
fn resampled(g: &GroupEval, names: &[String], counts: &[u32]) -> Option<GroupEval> {
    let p = g.rows.ncols();
    let mut cells = Vec::with_capacity(g.n * p);
    for (r, &k) in counts.iter().enumerate() {
        for _ in 0..k {
            cells.extend(g.rows.row(r).iter().map(|&v| Some(v)));
        }
    }
    let table = Table::from_row_major(names.to_vec(), &cells).ok()?;
    let lc = LavCorOptions::builder()
        .ordered(Ordered::All)
        .build()
        .ok()?;
    let two = two_step(&table, &lc).ok()?;
    if two.pc.thresholds.len() != g.nth
        || two
            .pc
            .thresholds
            .iter()
            .zip(&g.item_of_th)
            .any(|(t, &j)| t.variable != names[j])
    {
        return None;
    }
    let w = super::dwls_weights(&two.factor().ok()?.diagonal())?;
    let mut obs: Vec<f64> = two.pc.thresholds.iter().map(|t| t.value).collect();
    obs.extend(g.pairs.iter().map(|&(i, j)| two.pc.correlations[i * p + j]));
    Some(g.with_statistics(obs, w))
}

/// One replicate: the parameter vector, or `None` when it fails.
fn replicate(s: &Setup, counts: &[Vec<u32>], options: &SemOptions) -> Option<Vec<f64>> {
    let groups: Vec<GroupEval> = s
        .groups
        .iter()
        .zip(counts)
        .map(|(g, c)| resampled(g, s.names, c))
        .collect::<Option<_>>()?;
    let mut joint = Joint::new(groups, s.ml_to_w.to_vec());
    let mut theta = s.theta.to_vec();
    fisher_scoring(
        &mut joint,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    Some(theta)
}

/// Replaces the robust standard errors of `fit` (laid out on the WLSMV table) by the
/// bootstrap's; the test stays the scaled-shifted one, as in lavaan.
pub(super) fn bootstrap(fit: &mut SemFit, s: &Setup, options: &SemOptions) -> Result<(), SemError> {
    let sizes: Vec<usize> = s.groups.iter().map(|g| g.rows.nrows()).collect();
    let raw = run_groups(&sizes, options, &|counts: &[Vec<u32>]| {
        replicate(s, counts, options)
    });
    let est: Vec<f64> = fit.estimates.iter().map(|e| e.est).collect();
    let summary = summarize_table(&fit.table, s.theta.len(), raw, &est, options)?;
    fit.vcov = Some(summary.vcov.clone());
    apply_to_fit(fit, summary, options.boot_ci);
    fit.information = "Bootstrap".into();
    Ok(())
}
