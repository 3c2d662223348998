//! The bootstrap of a WLSMV fit: every replicate resamples the rows, takes its own
//! thresholds, polychoric correlations and DWLS weights, and refits from the full-sample
//! estimates (lavaan's `se = "bootstrap"` with ordered data). A replicate in which a
//! category of some variable is empty (so the variable has fewer thresholds) or whose
//! fit fails is counted as failed, as lavaan counts it.

use nalgebra::DMatrix;

use super::super::bootstrap::{apply_to_fit, run, summarize};
use super::super::error::SemError;
use super::super::optim::fisher_scoring;
use super::super::options::SemOptions;
use super::super::ram::Compiled;
use super::super::results::SemFit;
use super::dwls::Dwls;
use crate::data::Table;
use crate::ordinal::{two_step, LavCorOptions, Ordered};

/// What every replicate needs.
pub(crate) struct Setup<'a> {
    /// The ML compiled model (the structure of the correlations).
    pub c: &'a Compiled,
    /// The rows used, row-major (n × p), and the variable names.
    pub data: &'a DMatrix<f64>,
    pub names: &'a [String],
    /// Thresholds per variable in the full sample.
    pub counts: &'a [usize],
    pub struct_ml: &'a [usize],
    pub struct_w: &'a [usize],
    pub threshold_w: &'a [usize],
    pub pairs: &'a [(usize, usize)],
    /// Full-sample structural estimates (the replicates' start).
    pub ts_hat: &'a [f64],
    pub q_w: usize,
}

/// One replicate: the WLSMV parameter vector, or `None` when it fails.
fn replicate(s: &Setup, counts: &[u32], options: &SemOptions) -> Option<Vec<f64>> {
    let (n, p) = s.data.shape();
    let mut cells = Vec::with_capacity(n * p);
    for (r, &k) in counts.iter().enumerate() {
        for _ in 0..k {
            cells.extend(s.data.row(r).iter().map(|&v| Some(v)));
        }
    }
    let table = Table::from_row_major(s.names.to_vec(), &cells).ok()?;
    let lc = LavCorOptions::builder()
        .ordered(Ordered::All)
        .build()
        .ok()?;
    let two = two_step(&table, &lc).ok()?;
    let same = s.names.iter().zip(s.counts).all(|(v, &k)| {
        two.pc
            .thresholds
            .iter()
            .filter(|t| &t.variable == v)
            .count()
            == k
    });
    if !same {
        return None;
    }
    let w = super::dwls_weights(&two.factor().ok()?.diagonal())?;
    let nth: usize = s.counts.iter().sum();
    let r_pairs: Vec<f64> = s
        .pairs
        .iter()
        .map(|&(i, j)| two.pc.correlations[i * p + j])
        .collect();
    let mut problem = Dwls::new(s.c, s.struct_ml, s.pairs, &r_pairs, &w[nth..]);
    let mut ts = s.ts_hat.to_vec();
    fisher_scoring(
        &mut problem,
        &mut ts,
        options.max_iterations,
        options.tolerance,
    )
    .ok()?;
    let mut theta = vec![0.0; s.q_w];
    for (a, &k) in s.struct_w.iter().enumerate() {
        theta[k] = ts[a];
    }
    for (t, &k) in s.threshold_w.iter().enumerate() {
        theta[k] = two.pc.thresholds[t].value;
    }
    Some(theta)
}

/// Replaces the robust inference of `fit` (laid out on the WLSMV table) by the
/// bootstrap's.
pub(crate) fn bootstrap(fit: &mut SemFit, s: &Setup, options: &SemOptions) -> Result<(), SemError> {
    let n = s.data.nrows();
    let raw = run(n, options, &|counts: &[u32]| replicate(s, counts, options));
    let c_w = Compiled::new(fit.table.clone());
    let est: Vec<f64> = fit.estimates.iter().map(|e| e.est).collect();
    let summary = summarize(&c_w, raw, &est, options)?;
    fit.vcov = Some(summary.vcov.clone());
    apply_to_fit(fit, summary, options.boot_ci);
    fit.information = "Bootstrap".into();
    Ok(())
}
