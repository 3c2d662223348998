//! Nonparametric bootstrap: resample rows, refit, and summarise the draws.
//!
//! Each replicate `b` draws `n` row indices with replacement from its own ChaCha8 stream
//! (seed, stream `b`), so the draws do not depend on the order in which replicates run:
//! with the `parallel` feature the result is identical to the single-threaded one. A
//! replicate works on the resampled moment matrices (mean and N-denominator covariance,
//! exogenous moments re-taken) and starts from the full-sample estimates. Replicates whose
//! covariance is singular or whose fit does not converge are counted and left out.
//!
//! Standard errors follow lavaan: the SD of the draws with denominator `B` for free
//! parameters, `B − 1` for defined parameters. Intervals: percentile with `boot`'s
//! normal-quantile interpolation ([`percentile_interval`]), bias-corrected
//! ([`bias_corrected_interval`]), normal ([`normal_interval`]) and basic
//! ([`basic_interval`]).

use std::collections::HashMap;

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::distributions::{pnorm, qnorm, two_sided_p};
use super::error::{SemError, SemWarning};
use super::inference::LabelMap;
use super::op::Op;
use super::options::{BootCi, SemOptions};
use super::partable::ParameterTable;
use super::ram::Compiled;
use super::results::{BootInterval, BootstrapResult, SemFit};

/// Quantiles of the draws at probabilities `alpha`, by `boot`'s `norm.inter`: with `R`
/// draws and `rk = (R + 1) α`, an integer `rk` takes that order statistic, otherwise
/// the two neighbouring order statistics are interpolated on the normal-quantile scale.
/// Returns the quantiles and whether an extreme order statistic was needed.
fn norm_inter(sorted: &[f64], alpha: &[f64]) -> (Vec<f64>, bool) {
    let r = sorted.len();
    if r == 0 {
        return (vec![f64::NAN; alpha.len()], true);
    }
    let rf = r as f64;
    let mut extreme = false;
    let out = alpha
        .iter()
        .map(|&a| {
            let rk = (rf + 1.0) * a;
            if !(rk > 1.0 && rk < rf) {
                extreme = true;
            }
            let k = rk.trunc();
            if k <= 0.0 {
                return sorted[0];
            }
            if k >= rf {
                return sorted[r - 1];
            }
            let ki = k as usize;
            if k == rk {
                return sorted[ki - 1];
            }
            let (tk, tk1) = (sorted[ki - 1], sorted[ki]);
            let t1 = qnorm(a);
            let t2 = qnorm(k / (rf + 1.0));
            let t3 = qnorm((k + 1.0) / (rf + 1.0));
            tk + (t1 - t2) / (t3 - t2) * (tk1 - tk)
        })
        .collect();
    (out, extreme)
}

fn sorted_finite(draws: &[f64]) -> Vec<f64> {
    let mut t: Vec<f64> = draws.iter().copied().filter(|v| v.is_finite()).collect();
    t.sort_by(|a, b| a.total_cmp(b));
    t
}

/// Percentile interval (lavaan's `boot.ci.type = "perc"`).
///
/// ```
/// use cocreate_core::sem::percentile_interval;
/// let draws: Vec<f64> = (1..=999).map(|i| i as f64).collect();
/// // (R + 1) α = 25 and 975: (nearly) the 25th and 975th order statistics.
/// let (lo, hi) = percentile_interval(&draws, 0.95).unwrap();
/// assert!((lo - 25.0).abs() < 1e-9 && (hi - 975.0).abs() < 1e-9);
/// assert_eq!(percentile_interval(&[], 0.95), None);
/// ```
pub fn percentile_interval(draws: &[f64], level: f64) -> Option<(f64, f64)> {
    let t = sorted_finite(draws);
    if t.is_empty() {
        return None;
    }
    let a = (1.0 - level) / 2.0;
    let (q, _) = norm_inter(&t, &[a, 1.0 - a]);
    Some((q[0], q[1]))
}

/// Bias-corrected percentile interval (lavaan's `bca.simple`: bias correction
/// `z0 = Φ⁻¹(#{t* < t̂} / R)`, no acceleration). Draws without variance give `(t̂, t̂)`.
///
/// ```
/// use cocreate_core::sem::{bias_corrected_interval, percentile_interval};
/// let draws: Vec<f64> = (0..1000).map(|i| (i as f64 - 499.5) / 100.0).collect();
/// // A median-unbiased estimate gives the percentile interval.
/// let bc = bias_corrected_interval(&draws, 0.0, 0.9).unwrap();
/// let pc = percentile_interval(&draws, 0.9).unwrap();
/// assert!((bc.0 - pc.0).abs() < 1e-9 && (bc.1 - pc.1).abs() < 1e-9);
/// ```
pub fn bias_corrected_interval(draws: &[f64], estimate: f64, level: f64) -> Option<(f64, f64)> {
    let t = sorted_finite(draws);
    if t.is_empty() {
        return None;
    }
    if t[0] == t[t.len() - 1] {
        return Some((estimate, estimate));
    }
    let below = t.iter().filter(|&&v| v < estimate).count() as f64;
    let w = qnorm(below / t.len() as f64);
    let a = (1.0 - level) / 2.0;
    let adj: Vec<f64> = [a, 1.0 - a]
        .iter()
        .map(|&al| pnorm(w + (w + qnorm(al))))
        .collect();
    let (q, _) = norm_inter(&t, &adj);
    Some((q[0], q[1]))
}

/// Basic (reverse percentile) interval: `2 t̂ − q(1 − α/2)`, `2 t̂ − q(α/2)`.
///
/// ```
/// use cocreate_core::sem::basic_interval;
/// let draws: Vec<f64> = (1..=999).map(|i| i as f64).collect();
/// let (lo, hi) = basic_interval(&draws, 500.0, 0.95).unwrap();
/// assert!((lo - 25.0).abs() < 1e-9 && (hi - 975.0).abs() < 1e-9);
/// ```
pub fn basic_interval(draws: &[f64], estimate: f64, level: f64) -> Option<(f64, f64)> {
    let t = sorted_finite(draws);
    if t.is_empty() {
        return None;
    }
    let a = (1.0 - level) / 2.0;
    let (q, _) = norm_inter(&t, &[1.0 - a, a]);
    Some((2.0 * estimate - q[0], 2.0 * estimate - q[1]))
}

/// Normal interval around the bias-corrected estimate: `(t̂ − bias) ± z se`, where `bias`
/// is the mean of the draws minus `t̂` (lavaan's `norm`).
///
/// ```
/// use cocreate_core::sem::normal_interval;
/// let (lo, hi) = normal_interval(1.0, 0.1, 0.5, 0.95);
/// assert!((lo - (0.9 - 1.959964 * 0.5)).abs() < 1e-6 && (hi - (0.9 + 1.959964 * 0.5)).abs() < 1e-6);
/// ```
pub fn normal_interval(estimate: f64, bias: f64, se: f64, level: f64) -> (f64, f64) {
    let z = qnorm(1.0 - (1.0 - level) / 2.0);
    (estimate - bias - z * se, estimate - bias + z * se)
}

/// Row multiplicities of replicate `b`: `n` draws with replacement from the ChaCha8
/// stream `b` of `seed` (u32 draws, so every platform gets the same indices).
pub(crate) fn resample_counts(seed: u64, b: u64, n: usize) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(b);
    let mut counts = vec![0u32; n];
    for _ in 0..n {
        counts[rng.gen_range(0..n as u32) as usize] += 1;
    }
    counts
}

/// Row multiplicities of replicate `b` of a multiple-group fit: within each group `g`,
/// `sizes[g]` draws with replacement from that group's rows, the groups one after the
/// other on the ChaCha8 stream `b` of `seed` (lavaan resamples within groups).
pub(crate) fn resample_group_counts(seed: u64, b: u64, sizes: &[usize]) -> Vec<Vec<u32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(b);
    sizes
        .iter()
        .map(|&n| {
            let mut counts = vec![0u32; n];
            for _ in 0..n {
                counts[rng.gen_range(0..n as u32) as usize] += 1;
            }
            counts
        })
        .collect()
}

/// A multiple-group replicate fit: the free parameters from each group's row
/// multiplicities, `None` when it fails.
pub(crate) type GroupReplicate<'a> = dyn Fn(&[Vec<u32>]) -> Option<Vec<f64>> + Sync + 'a;

/// Runs `options.bootstrap` multiple-group replicates, resampling within the groups of
/// `sizes` rows (in parallel with the `parallel` feature; the result does not depend on it).
pub(crate) fn run_groups(
    sizes: &[usize],
    options: &SemOptions,
    replicate: &GroupReplicate,
) -> Vec<Option<Vec<f64>>> {
    let b = options.bootstrap as u64;
    let seed = options.seed;
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..b)
            .into_par_iter()
            .map(|i| replicate(&resample_group_counts(seed, i, sizes)))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..b)
            .map(|i| replicate(&resample_group_counts(seed, i, sizes)))
            .collect()
    }
}

/// A replicate fit: the free parameters from row multiplicities, `None` when it fails.
pub(crate) type Replicate<'a> = dyn Fn(&[u32]) -> Option<Vec<f64>> + Sync + 'a;

/// Runs `options.bootstrap` replicates over `n` rows (in parallel with the `parallel`
/// feature; the result does not depend on it).
pub(crate) fn run(n: usize, options: &SemOptions, replicate: &Replicate) -> Vec<Option<Vec<f64>>> {
    let b = options.bootstrap as u64;
    let seed = options.seed;
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..b)
            .into_par_iter()
            .map(|i| replicate(&resample_counts(seed, i, n)))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..b)
            .map(|i| replicate(&resample_counts(seed, i, n)))
            .collect()
    }
}

/// Standard deviation with denominator `n - ddof`.
fn sd(x: &[f64], ddof: f64) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - ddof)).sqrt()
}

/// The bootstrap summary of a fit: draws, SEs, intervals, covariance matrices.
pub(crate) struct BootSummary {
    pub result: BootstrapResult,
    pub vcov: DMatrix<f64>,
    pub vcov_defined: DMatrix<f64>,
    pub warnings: Vec<SemWarning>,
}

/// Summarises replicate draws: SEs, intervals and covariance matrices of every row.
pub(crate) fn summarize(
    c: &Compiled,
    raw: Vec<Option<Vec<f64>>>,
    est: &[f64],
    options: &SemOptions,
) -> Result<BootSummary, SemError> {
    summarize_table(&c.table, c.q(), raw, est, options)
}

/// [`summarize`] for the rows of `table` with `q` free parameters (a multiple-group table,
/// which has no single compiled model).
pub(crate) fn summarize_table(
    table: &ParameterTable,
    q: usize,
    raw: Vec<Option<Vec<f64>>>,
    est: &[f64],
    options: &SemOptions,
) -> Result<BootSummary, SemError> {
    let requested = raw.len();
    let ok: Vec<Vec<f64>> = raw.into_iter().flatten().collect();
    let (nb, failed) = (ok.len(), requested - ok.len());
    if nb < 2 {
        return Err(SemError::BootstrapFailed { requested });
    }
    let labels = LabelMap::new(table);
    let ndef = labels.defined_rows.len();
    let cells = nb.saturating_mul(q + ndef);
    if cells > super::MAX_BOOTSTRAP_CELLS {
        return Err(SemError::TooLarge {
            what: format!(
                "stored bootstrap draws ({nb} replicates times {} parameters)",
                q + ndef
            ),
            found: cells,
            limit: super::MAX_BOOTSTRAP_CELLS,
        });
    }
    let mut draws = DMatrix::zeros(nb, q + ndef);
    for (r, th) in ok.iter().enumerate() {
        for k in 0..q {
            draws[(r, k)] = th[k];
        }
        let defs = labels.defined_values(table, th, est);
        for (k, v) in defs.into_iter().enumerate() {
            draws[(r, q + k)] = v;
        }
    }
    let nbf = nb as f64;
    let col = |k: usize| -> Vec<f64> { draws.column(k).iter().copied().collect() };
    let means: Vec<f64> = (0..q + ndef)
        .map(|k| col(k).iter().sum::<f64>() / nbf)
        .collect();
    let column_of_defined: HashMap<usize, usize> = labels
        .defined_rows
        .iter()
        .enumerate()
        .map(|(k, &r)| (r, q + k))
        .collect();
    let cov_of = |range: std::ops::Range<usize>, ddof: f64| -> DMatrix<f64> {
        let m = range.len();
        DMatrix::from_fn(m, m, |a, b| {
            let (ka, kb) = (range.start + a, range.start + b);
            (0..nb)
                .map(|r| (draws[(r, ka)] - means[ka]) * (draws[(r, kb)] - means[kb]))
                .sum::<f64>()
                / (nbf - ddof)
        })
    };
    let vcov = cov_of(0..q, 0.0);
    let vcov_defined = cov_of(q..q + ndef, 1.0);
    // Defined parameters at the mean of the free draws (for the normal interval's bias).
    let mean_free: Vec<f64> = means[..q].to_vec();
    let def_at_mean = labels.defined_values(table, &mean_free, est);
    let level = options.level;
    let mut warnings = Vec::new();
    if failed > 0 {
        warnings.push(SemWarning::BootstrapFailures { failed, requested });
    }
    let mut names: Vec<String> = vec![String::new(); q + ndef];
    let mut names_warned = vec![false; q + ndef];
    let mut intervals = Vec::with_capacity(table.rows().len());
    let a = (1.0 - level) / 2.0;
    for (r, row) in table.rows().iter().enumerate() {
        let column = match (row.op, row.free) {
            (Op::Defined, _) => column_of_defined.get(&r).copied(),
            (_, Some(k)) => Some(k),
            _ => None,
        };
        let e = est[r];
        let iv = match column {
            None => BootInterval {
                lhs: row.lhs.clone(),
                op: row.op,
                rhs: row.rhs.clone(),
                group: row.group.clone(),
                est: e,
                se: 0.0,
                percentile: (e, e),
                bias_corrected: (e, e),
                normal: (e, e),
                basic: (e, e),
            },
            Some(k) => {
                if names[k].is_empty() {
                    names[k] = if row.label.is_empty() {
                        format!("{}{}{}", row.lhs, row.op, row.rhs)
                    } else {
                        row.label.clone()
                    };
                }
                let all = col(k);
                let t: Vec<f64> = all.iter().copied().filter(|v| v.is_finite()).collect();
                let defined = k >= q;
                if t.len() < all.len() && !names_warned[k] {
                    names_warned[k] = true;
                    warnings.push(if t.len() < 2 {
                        SemWarning::BootstrapUnavailable {
                            parameter: names[k].clone(),
                        }
                    } else {
                        SemWarning::BootstrapNonFiniteDraws {
                            parameter: names[k].clone(),
                            failed: all.len() - t.len(),
                            draws: all.len(),
                        }
                    });
                }
                if t.len() < 2 {
                    let nan = (f64::NAN, f64::NAN);
                    intervals.push(BootInterval {
                        lhs: row.lhs.clone(),
                        op: row.op,
                        rhs: row.rhs.clone(),
                        group: row.group.clone(),
                        est: e,
                        se: f64::NAN,
                        percentile: nan,
                        bias_corrected: nan,
                        normal: nan,
                        basic: nan,
                    });
                    continue;
                }
                let se = sd(&t, if defined { 1.0 } else { 0.0 });
                let sorted = sorted_finite(&t);
                let (_, extreme) = norm_inter(&sorted, &[a, 1.0 - a]);
                if extreme {
                    warnings.push(SemWarning::ExtremeOrderStatistics {
                        parameter: names[k].clone(),
                    });
                }
                let boot_mean = if defined {
                    def_at_mean[k - q]
                } else {
                    means[k]
                };
                BootInterval {
                    lhs: row.lhs.clone(),
                    op: row.op,
                    rhs: row.rhs.clone(),
                    group: row.group.clone(),
                    est: e,
                    se,
                    percentile: percentile_interval(&t, level).unwrap_or((f64::NAN, f64::NAN)),
                    bias_corrected: bias_corrected_interval(&t, e, level)
                        .unwrap_or((f64::NAN, f64::NAN)),
                    normal: normal_interval(e, boot_mean - e, se, level),
                    basic: basic_interval(&t, e, level).unwrap_or((f64::NAN, f64::NAN)),
                }
            }
        };
        intervals.push(iv);
    }
    Ok(BootSummary {
        result: BootstrapResult {
            requested,
            successful: nb,
            failed,
            seed: options.seed,
            names,
            draws,
            intervals,
        },
        vcov,
        vcov_defined,
        warnings,
    })
}

/// Replaces the Wald inference of `fit` by the bootstrap's.
pub(crate) fn apply_to_fit(fit: &mut SemFit, summary: BootSummary, ci: BootCi) {
    for (e, iv) in fit.estimates.iter_mut().zip(&summary.result.intervals) {
        if e.free.is_none() && e.op != Op::Defined {
            continue;
        }
        let se = iv.se;
        if !se.is_finite() || !e.est.is_finite() {
            // No finite draw, or no finite estimate: the quantity has no bootstrap inference.
            e.se = None;
            e.z = None;
            e.pvalue = None;
            e.ci_lower = f64::NAN;
            e.ci_upper = f64::NAN;
            continue;
        }
        e.se = Some(se);
        if se > f64::EPSILON.sqrt() {
            let z = e.est / se;
            e.z = Some(z);
            e.pvalue = Some(two_sided_p(z));
        } else {
            e.z = None;
            e.pvalue = None;
        }
        let (lo, hi) = match ci {
            BootCi::Percentile => iv.percentile,
            BootCi::BiasCorrected => iv.bias_corrected,
            BootCi::Normal => iv.normal,
            BootCi::Basic => iv.basic,
        };
        e.ci_lower = lo;
        e.ci_upper = hi;
    }
    fit.warnings.extend(summary.warnings.iter().cloned());
    fit.vcov_defined = Some(summary.vcov_defined.clone());
    fit.bootstrap = Some(summary.result);
}
