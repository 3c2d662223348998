//! Computing reliability: psych's `scoreItems` and `alpha` statistics of every scale from
//! one matrix of pairwise-complete item moments.
//!
//! The work on a k-item scale is O(k³) at most: one pseudo-inverse of the scale's
//! correlation matrix gives λ6 and every item's squared multiple correlation; the same
//! statistics with one item dropped follow from it by a rank-one (Schur complement)
//! correction, and alpha, the mean, variance and median of the inter-item correlations
//! with one item dropped from running sums and one sort, not from k fresh matrices.
//! Formulas and sources: `docs/methods/scoring.md`.

use statrs::distribution::{Continuous, ContinuousCDF, FisherSnedecor};

use super::batch::Plan;
use super::error::ScoringError;
use super::linalg::{cov2cor, SymPinv};
use super::moments::PairwiseMoments;
use super::omega::omega_total;
use super::reliability::{
    AlphaIfDropped, ConfidenceInterval, ItemStatistics, LabelledMatrix, Reliability,
    ReliabilityWarning, ScaleReliability, SkipReason,
};
use super::responses::{Cells, Responses, MISSING};
use super::scorer::Scorer;
use super::scores::Scores;

impl Scorer {
    /// Reliability of every scale on these responses under this scorer's missing-data
    /// policy.
    ///
    /// Errors when the responses were built for another instrument, when there are fewer
    /// than two respondents, or when imputing and an item has no answers. Scales that
    /// cannot be analysed (one item, an item without variance) are skipped with a
    /// [`ReliabilityWarning`].
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
    ///
    /// let inst = builtin::bfi2_xs();
    /// let rows: Vec<Vec<Option<f64>>> = (0..40)
    ///     .map(|r| (0..15).map(|j| Some(((r * 7 + j * (r % 3 + 1)) % 5 + 1) as f64)).collect())
    ///     .collect();
    /// let answers = Responses::from_rows(&inst, &rows)?;
    /// let rel = Scorer::new(&inst, ScoringOptions::new())?.reliability(&answers)?;
    /// let n = rel.scale("N").unwrap();
    /// assert_eq!(n.n_items, 3);
    /// assert!(n.alpha_raw <= 1.0 && n.omega.is_some());
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn reliability(&self, responses: &Responses) -> Result<Reliability, ScoringError> {
        let n = responses.n_respondents();
        if n < 2 {
            return Err(ScoringError::TooFewRespondents {
                what: "reliability".into(),
                needed: 2,
                found: n,
            });
        }
        let plan = self.plan(responses)?;
        let scores = self.score_with(responses, &plan);
        let moments = PairwiseMoments::compute(responses, plan.imputed.as_deref());
        Ok(analyse(self, responses, &plan, &scores, &moments))
    }
}

/// The squared multiple correlations of a scale's items, and the same with one item left
/// out: from a pseudo-inverse of the scale's own correlation matrix, or of the whole
/// instrument's when the scale holds exactly the instrument's items (`map` then gives
/// each scale item's position there; signs of reverse keying do not change them).
struct ScaleSmc<'a> {
    pinv: std::borrow::Cow<'a, SymPinv>,
    map: Vec<usize>,
}

impl ScaleSmc<'_> {
    fn smc(&self) -> Vec<f64> {
        let all = self.pinv.smc();
        self.map.iter().map(|&i| all[i]).collect()
    }

    /// Σ smc of the scale's items other than `a`; `scratch` is the pseudo-inverse's size.
    fn sum_without(&self, a: usize, scratch: &mut [f64]) -> f64 {
        self.pinv.smc_without(self.map[a], scratch);
        self.map
            .iter()
            .enumerate()
            .filter(|&(b, _)| b != a)
            .map(|(_, &i)| scratch[i])
            .sum()
    }
}

fn analyse(
    scorer: &Scorer,
    responses: &Responses,
    plan: &Plan,
    scores: &Scores,
    mo: &PairwiseMoments,
) -> Reliability {
    let inst = scorer.instrument();
    let items = inst.items();
    let k_all = items.len();
    let nsub = responses.n_respondents();
    let mut warnings = Vec::new();

    // Instrument-wide smc (in covariance units) over the items with usable covariances:
    // drop, one at a time, the item with the most undefined covariances (pairs never
    // answered together) until every remaining pair is defined.
    let mut usable: Vec<usize> = (0..k_all)
        .filter(|&i| {
            let v = mo.cov(i, i);
            v.is_finite() && v > 0.0
        })
        .collect();
    let mut bad: Vec<usize> = vec![0; k_all];
    for &i in &usable {
        bad[i] = usable
            .iter()
            .filter(|&&j| !mo.cov(i, j).is_finite())
            .count();
    }
    loop {
        let worst = usable
            .iter()
            .copied()
            .max_by_key(|&i| (bad[i], std::cmp::Reverse(i)));
        match worst {
            Some(i) if bad[i] > 0 => {
                usable.retain(|&j| j != i);
                for &j in &usable {
                    if !mo.cov(i, j).is_finite() {
                        bad[j] -= 1;
                    }
                }
            }
            _ => break,
        }
    }
    let excluded: Vec<String> = {
        let mut keep = vec![false; k_all];
        usable.iter().for_each(|&i| keep[i] = true);
        (0..k_all)
            .filter(|&i| !keep[i])
            .map(|i| items[i].clone())
            .collect()
    };
    if !excluded.is_empty() {
        warnings.push(ReliabilityWarning::ItemsExcludedFromSmc { items: excluded });
    }
    let m = usable.len();
    let all_pinv = (m >= 2).then(|| {
        let sub: Vec<f64> = usable
            .iter()
            .flat_map(|&i| usable.iter().map(move |&j| (i, j)))
            .map(|(i, j)| mo.cov(i, j))
            .collect();
        SymPinv::new(&cov2cor(&sub, m), m)
    });
    let mut smc_cov = vec![f64::NAN; k_all];
    match &all_pinv {
        Some(p) => {
            for (s, &i) in p.smc().iter().zip(&usable) {
                smc_cov[i] = s * mo.cov(i, i);
            }
        }
        // psych's smc of a single variable is 1.
        None => usable.iter().for_each(|&i| smc_cov[i] = mo.cov(i, i)),
    }
    let mut sorted_usable = usable.clone();
    sorted_usable.sort_unstable();

    let mut analysed: Vec<(usize, ScaleReliability)> = Vec::new();
    for (s, (scale, cols)) in inst.scales().iter().zip(scorer.columns()).enumerate() {
        let k = cols.len();
        let skip = |reason: SkipReason| ReliabilityWarning::ScaleSkipped {
            scale: scale.name().to_string(),
            reason,
        };
        if k < 2 {
            warnings.push(skip(SkipReason::OneItem));
            continue;
        }
        if let Some(&j) = cols
            .iter()
            .find(|&&j| mo.cov(j, j).is_nan() || mo.cov(j, j) <= 0.0)
        {
            warnings.push(skip(SkipReason::NoVariance {
                item: items[j].clone(),
            }));
            continue;
        }
        if let Some((a, b)) = cols
            .iter()
            .flat_map(|&a| cols.iter().map(move |&b| (a, b)))
            .find(|&(a, b)| !mo.cov(a, b).is_finite())
        {
            warnings.push(skip(SkipReason::NeverAnsweredTogether {
                first: items[a].clone(),
                second: items[b].clone(),
            }));
            continue;
        }
        let sign: Vec<f64> = scale
            .reverse()
            .iter()
            .map(|&r| if r { -1.0 } else { 1.0 })
            .collect();
        let mut ck = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                ck[a * k + b] = sign[a] * sign[b] * mo.cov(cols[a], cols[b]);
            }
        }
        let rk = cov2cor(&ck, k);
        let scale_smc = {
            let mut sorted = cols.clone();
            sorted.sort_unstable();
            match &all_pinv {
                Some(p) if sorted == sorted_usable => ScaleSmc {
                    pinv: std::borrow::Cow::Borrowed(p),
                    map: cols
                        .iter()
                        .map(|c| usable.iter().position(|u| u == c).unwrap_or(0))
                        .collect(),
                },
                _ => ScaleSmc {
                    pinv: std::borrow::Cow::Owned(SymPinv::new(&rk, k)),
                    map: (0..k).collect(),
                },
            }
        };
        let parts = AlphaParts::new(&ck, &rk, k, nsub, &scale_smc);
        let stats = parts.whole();
        let v = parts.total;
        let sum_var = parts.trace;
        let sum_smc: f64 = cols.iter().map(|&j| smc_cov[j]).sum();
        let g6 = (v - sum_var + sum_smc) / v;
        let alpha = stats.alpha_raw;
        let kf = k as f64;
        let feldt = feldt_interval(alpha, nsub, k, 0.95);

        // psych's omega() factors the pairwise-complete correlation matrix; without a
        // missing answer among the scale's items it is the matrix above. The iteration
        // starts from the uniquenesses 1 − smc of the scale's correlations either way
        // (its fixed point does not depend on where it starts), which saves a second
        // pseudo-inverse when answers are missing.
        let complete = cols.iter().all(|&a| {
            cols.iter()
                .all(|&b| mo.count[a * k_all + b] == mo.count[a * k_all + a])
        });
        let omega = if complete {
            omega_total(&rk, k, Some(&parts.smc))
        } else {
            let mut rpair = vec![0.0; k * k];
            for a in 0..k {
                for b in 0..k {
                    rpair[a * k + b] = sign[a] * sign[b] * mo.cor[cols[a] * k_all + cols[b]];
                }
            }
            omega_total(&rpair, k, Some(&parts.smc))
        };
        if let Some(om) = &omega {
            if !om.converged || om.heywood {
                warnings.push(ReliabilityWarning::OmegaUnreliable {
                    scale: scale.name().to_string(),
                    iterations: om.iterations,
                    heywood: om.heywood,
                });
            }
            for (a, &l) in om.loadings.iter().enumerate() {
                if l < 0.0 {
                    warnings.push(ReliabilityWarning::NegativeLoading {
                        scale: scale.name().to_string(),
                        item: items[cols[a]].clone(),
                        loading: l,
                    });
                }
            }
        }
        // Scale scores: mean, SD, and each keyed item's correlation with them.
        let col_scores = scores.scale_values(s);
        let scored: Vec<f64> = col_scores.iter().copied().filter(|x| !x.is_nan()).collect();
        let mean = scored.iter().sum::<f64>() / scored.len().max(1) as f64;
        let sd = cocreate_stats::sample_sd(&scored).unwrap_or(f64::NAN);

        let sum_r = parts.sum_r;
        let sum_rc = sum_r - kf + parts.smc.iter().sum::<f64>();
        let mut scratch = vec![0.0; scale_smc.pinv_len()];
        // Correlating with the raw item and flipping the sign equals correlating with
        // the keyed item c − x.
        let raw_r = score_item_cors(
            &col_scores,
            mean,
            responses,
            &cols
                .iter()
                .map(|&j| (j, plan.imputed.as_ref().map(|v| v[j]), mo.mean[j]))
                .collect::<Vec<_>>(),
        );
        let item_stats = (0..k)
            .map(|a| {
                let j = cols[a];
                let rev = scale.reverse()[a];
                let raw_mean = mo.mean[j];
                let keyed = |x: f64| if rev { plan.c - x } else { x };
                let r_total = if rev { -raw_r[a] } else { raw_r[a] };
                let cii = ck[a * k + a];
                let rest = v - 2.0 * parts.colsum_c[a] + cii;
                ItemStatistics {
                    item: items[j].clone(),
                    reversed: rev,
                    n: mo.count[j * k_all + j],
                    mean: keyed(raw_mean),
                    sd: cii.sqrt(),
                    r_total,
                    r_total_std: parts.colsum_r[a] / sum_r.sqrt(),
                    r_corrected: (parts.colsum_r[a] - 1.0 + parts.smc[a]) / sum_rc.sqrt(),
                    r_rest: (parts.colsum_c[a] - cii) / (cii * rest).sqrt(),
                    if_dropped: (k >= 3).then(|| {
                        let d = parts.without(a, &mut scratch);
                        AlphaIfDropped {
                            alpha_raw: d.alpha_raw,
                            alpha_std: d.alpha_std,
                            g6: d.g6_scale,
                            average_r: d.average_r,
                            signal_noise: d.signal_noise,
                            alpha_se: d.alpha_se,
                            var_r: d.var_r,
                            median_r: d.median_r,
                        }
                    }),
                }
            })
            .collect();
        analysed.push((
            s,
            ScaleReliability {
                scale: scale.name().to_string(),
                n_items: k,
                n_scored: scored.len(),
                alpha_raw: alpha,
                alpha_std: stats.alpha_std,
                alpha_se: stats.alpha_se,
                feldt,
                g6,
                g6_scale: stats.g6_scale,
                average_r: stats.average_r,
                average_r_from_alpha: alpha / (kf - alpha * (kf - 1.0)),
                median_r: stats.median_r,
                signal_noise: stats.signal_noise,
                omega,
                mean,
                sd,
                items: item_stats,
            },
        ));
    }

    // Item × scale and scale × scale correlations over the analysed scales, from each
    // scale's keyed items (a sparse key vector).
    let keys: Vec<Vec<(usize, f64)>> = analysed
        .iter()
        .map(|(s, _)| {
            scorer.columns()[*s]
                .iter()
                .zip(inst.scales()[*s].reverse())
                .map(|(&j, &r)| (j, if r { -1.0 } else { 1.0 }))
                .collect()
        })
        .collect();
    let names: Vec<String> = analysed.iter().map(|(_, r)| r.scale.clone()).collect();
    let cov_at = |i: usize, j: usize, corrected: bool| -> f64 {
        if corrected && i == j {
            smc_cov[i]
        } else {
            let c = mo.cov(i, j);
            if c.is_finite() {
                c
            } else {
                0.0
            }
        }
    };
    let quad = |a: &[(usize, f64)], b: &[(usize, f64)], corrected: bool| -> f64 {
        let mut t = 0.0;
        for &(i, ai) in a {
            for &(j, bj) in b {
                t += ai * bj * cov_at(i, j, corrected);
            }
        }
        t
    };
    let ns = keys.len();
    let scale_var: Vec<f64> = keys.iter().map(|kv| quad(kv, kv, false)).collect();
    let scale_var_c: Vec<f64> = keys.iter().map(|kv| quad(kv, kv, true)).collect();
    let mut item_scale = Vec::with_capacity(k_all * ns);
    let mut item_scale_c = Vec::with_capacity(k_all * ns);
    for i in 0..k_all {
        let var_i = mo.cov(i, i);
        for (t, kv) in keys.iter().enumerate() {
            let (mut c, mut cc) = (0.0, 0.0);
            for &(j, kj) in kv {
                c += kj * cov_at(i, j, false);
                cc += kj * cov_at(i, j, true);
            }
            item_scale.push(c / (scale_var[t] * var_i).sqrt());
            item_scale_c.push(cc / (scale_var_c[t] * var_i).sqrt());
        }
    }
    let mut scale_cor = vec![1.0; ns * ns];
    let mut scale_dis = vec![1.0; ns * ns];
    for a in 0..ns {
        for b in 0..ns {
            if a != b {
                let r = quad(&keys[a], &keys[b], false) / (scale_var[a] * scale_var[b]).sqrt();
                scale_cor[a * ns + b] = r;
                let (aa, ab) = (analysed[a].1.alpha_raw, analysed[b].1.alpha_raw);
                scale_dis[a * ns + b] = r / (aa * ab).sqrt();
            }
        }
    }
    let matrix = |rows: Vec<String>, cols: Vec<String>, values: Vec<f64>| LabelledMatrix {
        rows,
        cols,
        values,
    };
    Reliability {
        instrument: inst.name().to_string(),
        n_respondents: nsub,
        policy: scorer.options().missing_policy(),
        item_scale: matrix(items.to_vec(), names.clone(), item_scale),
        item_scale_corrected: matrix(items.to_vec(), names.clone(), item_scale_c),
        scale_correlations: matrix(names.clone(), names.clone(), scale_cor),
        scale_correlations_disattenuated: matrix(names.clone(), names, scale_dis),
        scales: analysed.into_iter().map(|(_, r)| r).collect(),
        warnings,
    }
}

impl ScaleSmc<'_> {
    fn pinv_len(&self) -> usize {
        self.pinv.len()
    }
}

/// psych `alpha()`'s `alpha.1`: the statistics of a keyed covariance matrix and its
/// correlation matrix.
struct AlphaStats {
    alpha_raw: f64,
    alpha_std: f64,
    g6_scale: f64,
    average_r: f64,
    signal_noise: f64,
    alpha_se: f64,
    var_r: Option<f64>,
    median_r: f64,
}

/// What `alpha.1` needs of a scale's keyed covariance matrix `c` and correlation matrix
/// `r` (k × k), gathered once so that the statistics with any one item dropped cost
/// O(k) each (and O(k log k) for the median).
struct AlphaParts<'a> {
    c: &'a [f64],
    r: &'a [f64],
    k: usize,
    nsub: usize,
    smc_of: &'a ScaleSmc<'a>,
    /// Σ of all elements of c, its trace, Σ of all elements of r.
    total: f64,
    trace: f64,
    sum_r: f64,
    /// Column sums of c and r; Σⱼ c_aj² per row.
    colsum_c: Vec<f64>,
    colsum_r: Vec<f64>,
    rowsq_c: Vec<f64>,
    /// tr(C²) (Σ of all squared elements) and 1ᵀC²1 (Σ of squared column sums).
    tr_cc: f64,
    sum_cc: f64,
    /// The smc of every item on the others.
    smc: Vec<f64>,
    /// The inter-item correlations below the diagonal, row by row (`lower`), sorted
    /// (`sorted`), and the position of each in `sorted` (`rank`).
    lower: Vec<f64>,
    sorted: Vec<f64>,
    rank: Vec<u32>,
    /// Σ(r − m₀) and Σ(r − m₀)² over `lower`, about its mean m₀.
    shift: f64,
    s1: f64,
    s2: f64,
}

/// Position of correlation (i, j), i > j, in the row-by-row lower triangle.
fn lower_index(i: usize, j: usize) -> usize {
    i * (i - 1) / 2 + j
}

impl<'a> AlphaParts<'a> {
    fn new(c: &'a [f64], r: &'a [f64], k: usize, nsub: usize, smc_of: &'a ScaleSmc<'a>) -> Self {
        let total: f64 = c.iter().sum();
        let trace: f64 = (0..k).map(|i| c[i * k + i]).sum();
        let sum_r: f64 = r.iter().sum();
        let colsum_c: Vec<f64> = (0..k).map(|a| (0..k).map(|b| c[b * k + a]).sum()).collect();
        let colsum_r: Vec<f64> = (0..k).map(|a| (0..k).map(|b| r[b * k + a]).sum()).collect();
        let rowsq_c: Vec<f64> = (0..k)
            .map(|a| c[a * k..(a + 1) * k].iter().map(|x| x * x).sum())
            .collect();
        let tr_cc: f64 = c.iter().map(|x| x * x).sum();
        let sum_cc: f64 = colsum_c.iter().map(|s| s * s).sum();
        let lower: Vec<f64> = (0..k)
            .flat_map(|i| (0..i).map(move |j| r[i * k + j]))
            .collect();
        let mut order: Vec<u32> = (0..lower.len() as u32).collect();
        order.sort_unstable_by(|&x, &y| lower[x as usize].total_cmp(&lower[y as usize]));
        let sorted: Vec<f64> = order.iter().map(|&i| lower[i as usize]).collect();
        let mut rank = vec![0u32; lower.len()];
        for (pos, &i) in order.iter().enumerate() {
            rank[i as usize] = pos as u32;
        }
        let shift = if lower.is_empty() {
            0.0
        } else {
            lower.iter().sum::<f64>() / lower.len() as f64
        };
        let s1 = lower.iter().map(|x| x - shift).sum();
        let s2 = lower.iter().map(|x| (x - shift) * (x - shift)).sum();
        AlphaParts {
            c,
            r,
            k,
            nsub,
            smc: smc_of.smc(),
            smc_of,
            total,
            trace,
            sum_r,
            colsum_c,
            colsum_r,
            rowsq_c,
            tr_cc,
            sum_cc,
            lower,
            sorted,
            rank,
            shift,
            s1,
            s2,
        }
    }

    /// The statistics of the whole scale.
    fn whole(&self) -> AlphaStats {
        let k = self.k as f64;
        let smc_sum: f64 = self.smc.iter().sum();
        let median = cocreate_stats::median_finite(self.lower.iter().copied());
        self.stats(
            k,
            Sums {
                total: self.total,
                trace: self.trace,
                sum_r: self.sum_r,
                smc: smc_sum,
                tr_cc: self.tr_cc,
                sum_cc: self.sum_cc,
            },
            cocreate_stats::sample_variance(&self.lower),
            median.unwrap_or(f64::NAN),
        )
    }

    /// The statistics of the scale without item `a`; `scratch` holds a pseudo-inverse's
    /// worth of smc values.
    fn without(&self, a: usize, scratch: &mut [f64]) -> AlphaStats {
        let k = self.k;
        let (c, r) = (self.c, self.r);
        let caa = c[a * k + a];
        let total = self.total - 2.0 * self.colsum_c[a] + caa;
        let trace = self.trace - caa;
        let sum_r = self.sum_r - 2.0 * self.colsum_r[a] + r[a * k + a];
        let tr_cc = self.tr_cc - 2.0 * self.rowsq_c[a] + caa * caa;
        let sum_cc: f64 = (0..k)
            .filter(|&m| m != a)
            .map(|m| {
                let s = self.colsum_c[m] - c[a * k + m];
                s * s
            })
            .sum();
        let smc = self.smc_of.sum_without(a, scratch);
        // The correlations left: all but those of item a.
        let n = self.lower.len() - (k - 1);
        let (mut d1, mut d2) = (0.0, 0.0);
        let mut gone: Vec<u32> = Vec::with_capacity(k - 1);
        for b in (0..k).filter(|&b| b != a) {
            let (i, j) = if a > b { (a, b) } else { (b, a) };
            let at = lower_index(i, j);
            let d = self.lower[at] - self.shift;
            d1 += d;
            d2 += d * d;
            gone.push(self.rank[at]);
        }
        let var_r = (n >= 2).then(|| {
            let (s1, s2) = (self.s1 - d1, self.s2 - d2);
            (s2 - s1 * s1 / n as f64) / (n - 1) as f64
        });
        gone.sort_unstable();
        // The t-th smallest of what is left: its position in `sorted` skips the ranks
        // that are gone.
        let nth = |t: usize| {
            let mut p = t;
            for &q in &gone {
                if q as usize <= p {
                    p += 1;
                } else {
                    break;
                }
            }
            self.sorted[p]
        };
        let median = if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            nth(n / 2)
        } else {
            (nth(n / 2 - 1) + nth(n / 2)) / 2.0
        };
        self.stats(
            (k - 1) as f64,
            Sums {
                total,
                trace,
                sum_r,
                smc,
                tr_cc,
                sum_cc,
            },
            var_r,
            median,
        )
    }

    fn stats(&self, k: f64, s: Sums, var_r: Option<f64>, median_r: f64) -> AlphaStats {
        let alpha_raw = (1.0 - s.trace / s.total) * (k / (k - 1.0));
        let alpha_std = (1.0 - k / s.sum_r) * (k / (k - 1.0));
        let g6_scale = 1.0 - (k - s.smc) / s.sum_r;
        let average_r = (s.sum_r - k) / (k * (k - 1.0));
        // Duhachek & Iacobucci (2004): Q from tr(C²) and the sum of C².
        let q = (2.0 * k * k / ((k - 1.0).powi(2) * s.total.powi(3)))
            * (s.total * (s.tr_cc + s.trace * s.trace) - 2.0 * (s.trace * s.sum_cc));
        AlphaStats {
            alpha_raw,
            alpha_std,
            g6_scale,
            average_r,
            signal_noise: k * average_r / (1.0 - average_r),
            alpha_se: (q / self.nsub as f64).sqrt(),
            var_r,
            median_r,
        }
    }
}

/// Sums over a keyed covariance matrix C and its correlation matrix R.
struct Sums {
    /// Σ of all elements of C.
    total: f64,
    /// tr C.
    trace: f64,
    /// Σ of all elements of R.
    sum_r: f64,
    /// Σ smc.
    smc: f64,
    /// tr(C²).
    tr_cc: f64,
    /// 1ᵀC²1.
    sum_cc: f64,
}

/// Feldt, Woodruff & Salih (1987) interval: 1 − (1 − α)·F quantiles with n − 1 and
/// (n − 1)(k − 1) degrees of freedom (psych's `alpha.ci`).
fn feldt_interval(alpha: f64, n: usize, k: usize, level: f64) -> Option<ConfidenceInterval> {
    if n < 2 || k < 2 || !alpha.is_finite() {
        return None;
    }
    let d1 = (n - 1) as f64;
    let d2 = d1 * (k - 1) as f64;
    let tail = (1.0 - level) / 2.0;
    let upper = 1.0 - (1.0 - alpha) * qf(tail, d1, d2)?;
    let lower = 1.0 - (1.0 - alpha) * qf(1.0 - tail, d1, d2)?;
    Some(ConfidenceInterval {
        level,
        lower,
        upper,
    })
}

/// Pearson correlation of the scale scores (NaN = no score) with each raw item of
/// `items` (`(column, imputed value, centre)`) over the respondents who have both (R's
/// `cor(x, y, use = "pairwise")`), a missing answer counting as its imputed value when
/// imputing.
///
/// One pass over sums of deviations from fixed centres (`score_centre`, and each item's
/// centre: the overall means), which are close to the pairwise means, so the sums do not
/// cancel: Σ(s − cₛ)(x − cₓ) − Σ(s − cₛ)Σ(x − cₓ)/m is the centred cross product for any
/// centres. The scores are read once for all the items, a run of rows at a time (the run
/// stays in cache while every item is added).
fn score_item_cors(
    scores: &[f64],
    score_centre: f64,
    responses: &Responses,
    items: &[(usize, Option<f64>, f64)],
) -> Vec<f64> {
    const RUN: usize = 2048;
    let n = responses.n_respondents();
    // Per item: the deviation of every code from its centre (NaN for a missing answer
    // not imputed), for byte codes.
    let devs: Vec<[f64; 256]> = items
        .iter()
        .map(|&(_, fill, centre)| {
            let mut dev = [0.0f64; 256];
            for (code, d) in (0u8..=255).zip(dev.iter_mut()) {
                *d = f64::from(code) - centre;
            }
            dev[usize::from(MISSING)] = fill.unwrap_or(f64::NAN) - centre;
            dev
        })
        .collect();
    let mut lanes = vec![[[0.0f64; 4]; 6]; items.len()];
    let mut b = [0.0f64; RUN];
    for r0 in (0..n).step_by(RUN) {
        let r1 = (r0 + RUN).min(n);
        let s = &scores[r0..r1];
        for (t, &(j, fill, centre)) in items.iter().enumerate() {
            let b = &mut b[..r1 - r0];
            match responses.cells() {
                Cells::Codes(codes) => {
                    let dev = &devs[t];
                    for (d, &v) in b.iter_mut().zip(&codes[j * n + r0..j * n + r1]) {
                        *d = dev[usize::from(v)];
                    }
                }
                Cells::Values(values) => {
                    let missing = fill.unwrap_or(f64::NAN) - centre;
                    for (d, &x) in b.iter_mut().zip(&values[j * n + r0..j * n + r1]) {
                        *d = if x.is_nan() { missing } else { x - centre };
                    }
                }
            }
            add_pairs(&mut lanes[t], s, b, score_centre);
        }
    }
    lanes
        .iter()
        .map(|l| {
            let [m, sa, sb, saa, sbb, sab] = l.map(|l| (l[0] + l[1]) + (l[2] + l[3]));
            if m < 2.0 {
                return f64::NAN;
            }
            (sab - sa * sb / m) / ((saa - sa * sa / m) * (sbb - sb * sb / m)).sqrt()
        })
        .collect()
}

/// Adds the pairs (s − centre, b) to the count, sums, sums of squares and cross products
/// in four lanes (independent additions, so they overlap).
fn add_pairs(lanes: &mut [[f64; 4]; 6], s: &[f64], b: &[f64], centre: f64) {
    let (sc, bc) = (s.chunks_exact(4), b.chunks_exact(4));
    let rest = sc.remainder().iter().zip(bc.remainder());
    for (s4, b4) in sc.zip(bc) {
        for l in 0..4 {
            let (m, a, b) = pair(s4[l] - centre, b4[l]);
            lanes[0][l] += m;
            lanes[1][l] += a;
            lanes[2][l] += b;
            lanes[3][l] += a * a;
            lanes[4][l] += b * b;
            lanes[5][l] += a * b;
        }
    }
    for (&s, &b) in rest {
        let (m, a, b) = pair(s - centre, b);
        for (lane, v) in lanes.iter_mut().zip([m, a, b, a * a, b * b, a * b]) {
            lane[0] += v;
        }
    }
}

/// Branch free: a pair with a NaN gets weight 0 and its deviations are zeroed.
#[inline(always)]
fn pair(a: f64, b: f64) -> (f64, f64, f64) {
    let both = !(a.is_nan() || b.is_nan());
    let (a, b) = if both { (a, b) } else { (0.0, 0.0) };
    (f64::from(u8::from(both)), a, b)
}

/// The `p` quantile of the F distribution with `d1`, `d2` degrees of freedom, polished
/// by Newton steps on the CDF to full double precision.
fn qf(p: f64, d1: f64, d2: f64) -> Option<f64> {
    let f = FisherSnedecor::new(d1, d2).ok()?;
    if !(0.0..1.0).contains(&p) || p == 0.0 {
        return None;
    }
    let mut x = f.inverse_cdf(p);
    if !x.is_finite() || x <= 0.0 {
        x = 1.0;
    }
    for _ in 0..100 {
        let err = f.cdf(x) - p;
        let dens = f.pdf(x);
        if dens <= 0.0 || !dens.is_finite() {
            break;
        }
        let mut next = x - err / dens;
        if next <= 0.0 {
            next = x / 2.0;
        }
        let done = (next - x).abs() <= 1e-15 * x;
        x = next;
        if done {
            break;
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qf_matches_r() {
        // R: qf(0.975, 2799, 11196) and qf(0.025, 2799, 11196)
        let hi = qf(0.975, 2799.0, 11196.0).unwrap();
        let lo = qf(0.025, 2799.0, 11196.0).unwrap();
        assert!((hi - 1.059_781_895_323_814_3).abs() < 1e-12, "{hi}");
        assert!((lo - 0.942_606_052_073_466_9).abs() < 1e-12, "{lo}");
    }
}
