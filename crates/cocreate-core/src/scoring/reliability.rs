//! Reliability of every scale, as `psych::scoreItems` and `psych::alpha` report it.
//!
//! All statistics come from one item covariance matrix C over the instrument's items:
//! the pairwise-complete covariances under `Complete` and `Prorate` (psych's
//! `impute = "none"` and `alpha()`), or the covariances of the imputed data under
//! `ImputeMedian` / `ImputeMean`. Formulas and sources: `docs/methods/scoring.md`.

use std::fmt;

use super::error::ScoringError;
use super::omega::{omega_total, OmegaTotal};
use super::responses::{Cells, Responses, MISSING};
use super::score::{Plan, Scorer};
use super::scores::Scores;
use super::stats::{cov2cor, median, qf, smc, variance, PairwiseMoments};

/// A matrix with named rows and columns.
///
/// ```
/// use cocreate_core::scoring::LabelledMatrix;
///
/// let m = LabelledMatrix::new(vec!["a".into()], vec!["x".into(), "y".into()], vec![1.0, 2.0])?;
/// assert_eq!(m.get("a", "y"), Some(2.0));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::LabelledMatrixRepr")
)]
pub struct LabelledMatrix {
    /// Row names.
    pub rows: Vec<String>,
    /// Column names.
    pub cols: Vec<String>,
    /// Row-major values.
    pub values: Vec<f64>,
}

impl LabelledMatrix {
    /// A matrix from names and row-major values; errors when the sizes disagree.
    pub fn new(
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
    ) -> Result<Self, ScoringError> {
        if rows.len() * cols.len() != values.len() {
            return Err(ScoringError::WrongLength {
                what: format!("a {} × {} matrix", rows.len(), cols.len()),
                expected: rows.len() * cols.len(),
                found: values.len(),
            });
        }
        Ok(LabelledMatrix { rows, cols, values })
    }

    /// The value at the named row and column.
    pub fn get(&self, row: &str, col: &str) -> Option<f64> {
        let r = self.rows.iter().position(|x| x == row)?;
        let c = self.cols.iter().position(|x| x == col)?;
        Some(self.values[r * self.cols.len() + c])
    }
}

/// Feldt's confidence interval for alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConfidenceInterval {
    /// Coverage, e.g. 0.95.
    pub level: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// The scale's statistics with one item left out (psych `alpha()`'s `alpha.drop`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlphaIfDropped {
    /// Raw alpha of the remaining items.
    pub alpha_raw: f64,
    /// Standardised alpha of the remaining items.
    pub alpha_std: f64,
    /// Guttman's λ6 of the remaining items (smc among them).
    pub g6: f64,
    /// Mean inter-item correlation of the remaining items.
    pub average_r: f64,
    /// Signal-to-noise ratio k·r̄/(1 − r̄).
    pub signal_noise: f64,
    /// Standard error of the raw alpha (Duhachek & Iacobucci 2004).
    pub alpha_se: f64,
    /// Variance of the remaining inter-item correlations (`None` with fewer than two).
    pub var_r: Option<f64>,
    /// Median of the remaining inter-item correlations.
    pub median_r: f64,
}

/// Statistics of one item within its scale (psych `alpha()`'s `item.stats`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemStatistics {
    /// The item.
    pub item: String,
    /// Whether it is reverse keyed in this scale.
    pub reversed: bool,
    /// Respondents with an answer (all respondents when imputing).
    pub n: usize,
    /// Mean of the keyed item.
    pub mean: f64,
    /// Standard deviation of the keyed item.
    pub sd: f64,
    /// Correlation of the keyed item with the scale score, over respondents with both
    /// (`raw.r`).
    pub r_total: f64,
    /// Item–total correlation if all items were standardised (`std.r`).
    pub r_total_std: f64,
    /// Item–total correlation corrected for item overlap and unreliability, with the
    /// item's smc in place of its variance (`r.cor`).
    pub r_corrected: f64,
    /// Corrected item–rest correlation: the item with the sum of the other items
    /// (`r.drop`).
    pub r_rest: f64,
    /// The scale without this item (`None` for two-item scales).
    pub if_dropped: Option<AlphaIfDropped>,
}

/// Reliability of one scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScaleReliability {
    /// The scale.
    pub scale: String,
    /// Number of items.
    pub n_items: usize,
    /// Respondents with a score.
    pub n_scored: usize,
    /// Cronbach's alpha from the item covariances (psych `raw_alpha`, scoreItems `alpha`).
    pub alpha_raw: f64,
    /// Standardised alpha, from the mean inter-item correlation (`std.alpha`).
    pub alpha_std: f64,
    /// Standard error of the raw alpha (Duhachek & Iacobucci 2004; alpha()'s `ase`).
    pub alpha_se: f64,
    /// Feldt's 95% interval for alpha.
    pub feldt: Option<ConfidenceInterval>,
    /// Guttman's λ6 with each item's smc on all items of the instrument (scoreItems `G6`).
    pub g6: f64,
    /// Guttman's λ6 with each item's smc on the scale's items only (alpha()'s `G6(smc)`).
    pub g6_scale: f64,
    /// Mean inter-item correlation, reverse-keyed items flipped (alpha()'s `average_r`).
    pub average_r: f64,
    /// α/(k − α(k − 1)): the average r implied by raw alpha (scoreItems `av.r`).
    pub average_r_from_alpha: f64,
    /// Median inter-item correlation (`median_r`).
    pub median_r: f64,
    /// Signal-to-noise ratio k·r̄/(1 − r̄) with the mean inter-item r (alpha()'s `S/N`).
    pub signal_noise: f64,
    /// McDonald's ω total from a one-factor model (`None` for fewer than three items).
    pub omega: Option<OmegaTotal>,
    /// Mean of the scale scores.
    pub mean: f64,
    /// Standard deviation of the scale scores.
    pub sd: f64,
    /// Per-item statistics, in the scale's order.
    pub items: Vec<ItemStatistics>,
}

/// Something that limited the reliability analysis.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ReliabilityWarning {
    /// A scale could not be analysed; the reason says why.
    ScaleSkipped {
        /// The scale.
        scale: String,
        /// Why.
        reason: String,
    },
    /// Items left out of the instrument-wide smc (λ6) because they have no variance or
    /// too few paired answers.
    ItemsExcludedFromSmc {
        /// The items.
        items: Vec<String>,
    },
    /// The one-factor model for ω did not converge or hit a uniqueness bound.
    OmegaUnreliable {
        /// The scale.
        scale: String,
        /// What happened.
        reason: String,
    },
    /// An item loads negatively on its scale's factor after keying: check its key.
    NegativeLoading {
        /// The scale.
        scale: String,
        /// The item.
        item: String,
        /// Its loading.
        loading: f64,
    },
}

/// A sentence a report can print as it is.
///
/// ```
/// use cocreate_core::scoring::ReliabilityWarning;
///
/// let w = ReliabilityWarning::ItemsExcludedFromSmc { items: vec!["Q1".into(), "Q7".into()] };
/// assert_eq!(
///     w.to_string(),
///     "items \"Q1\", \"Q7\" were left out of the squared multiple correlations behind \
///      lambda 6 (no variance or too few paired answers)"
/// );
/// ```
impl fmt::Display for ReliabilityWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReliabilityWarning::ScaleSkipped { scale, reason } => {
                write!(f, "scale {scale:?} was not analysed: {reason}")
            }
            ReliabilityWarning::ItemsExcludedFromSmc { items } => {
                let names: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
                let (noun, verb) = if items.len() == 1 {
                    ("item", "was")
                } else {
                    ("items", "were")
                };
                write!(
                    f,
                    "{noun} {} {verb} left out of the squared multiple correlations behind \
                     lambda 6 (no variance or too few paired answers)",
                    names.join(", ")
                )
            }
            ReliabilityWarning::OmegaUnreliable { scale, reason } => {
                write!(f, "omega of scale {scale:?} may be unreliable: {reason}")
            }
            ReliabilityWarning::NegativeLoading {
                scale,
                item,
                loading,
            } => write!(
                f,
                "item {item:?} loads negatively ({loading:.3}) on the factor of scale {scale:?} \
                 after keying: check whether it should be reverse keyed"
            ),
        }
    }
}

/// Reliability of every scale of an instrument, with item–scale and scale–scale
/// correlations (psych `scoreItems`'s `item.cor`, `item.corrected`, `cor`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reliability {
    /// The instrument.
    pub instrument: String,
    /// Respondents in the data.
    pub n_respondents: usize,
    /// One entry per analysed scale, in the instrument's order.
    pub scales: Vec<ScaleReliability>,
    /// Correlation of each raw item (rows) with each analysed scale score (columns);
    /// reverse-keyed items correlate negatively with their own scale.
    pub item_scale: LabelledMatrix,
    /// As `item_scale`, corrected for item overlap with the item's smc in place of its
    /// variance.
    pub item_scale_corrected: LabelledMatrix,
    /// Correlations between scale scores.
    pub scale_correlations: LabelledMatrix,
    /// Scale correlations disattenuated by the scales' raw alphas: r / √(αᵢ αⱼ) (1 on
    /// the diagonal).
    pub scale_correlations_disattenuated: LabelledMatrix,
    /// What limited the analysis.
    pub warnings: Vec<ReliabilityWarning>,
}

impl Reliability {
    /// The reliability of a scale by name.
    pub fn scale(&self, name: &str) -> Option<&ScaleReliability> {
        self.scales.iter().find(|s| s.scale == name)
    }
}

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
        let out = analyse(self, responses, &plan, &scores, &moments);
        Ok(out)
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

    // Instrument-wide smc (in covariance units) over the items with usable covariances.
    let mut usable: Vec<usize> = (0..k_all)
        .filter(|&i| {
            let v = mo.cov(i, i);
            v.is_finite() && v > 0.0
        })
        .collect();
    // Drop, one at a time, the item with the most undefined covariances (pairs never
    // answered together) until every remaining pair is defined.
    loop {
        let bad = |i: usize| {
            usable
                .iter()
                .filter(|&&j| !mo.cov(i, j).is_finite())
                .count()
        };
        let worst = usable.iter().copied().max_by_key(|&i| bad(i));
        match worst {
            Some(i) if bad(i) > 0 => usable.retain(|&j| j != i),
            _ => break,
        }
    }
    let excluded: Vec<String> = (0..k_all)
        .filter(|i| !usable.contains(i))
        .map(|i| items[i].clone())
        .collect();
    if !excluded.is_empty() {
        warnings.push(ReliabilityWarning::ItemsExcludedFromSmc { items: excluded });
    }
    let mut smc_cov = vec![f64::NAN; k_all];
    {
        let m = usable.len();
        let sub: Vec<f64> = usable
            .iter()
            .flat_map(|&i| usable.iter().map(move |&j| (i, j)))
            .map(|(i, j)| mo.cov(i, j))
            .collect();
        let s = smc(&cov2cor(&sub, m), m);
        for (t, &i) in usable.iter().enumerate() {
            smc_cov[i] = s[t] * mo.cov(i, i);
        }
    }

    let mut analysed: Vec<(usize, ScaleReliability)> = Vec::new();
    for (s, (scale, cols)) in inst.scales().iter().zip(scorer.columns()).enumerate() {
        let k = cols.len();
        let skip = |reason: String| ReliabilityWarning::ScaleSkipped {
            scale: scale.name().to_string(),
            reason,
        };
        if k < 2 {
            warnings.push(skip(
                "a scale of one item has no internal consistency".into(),
            ));
            continue;
        }
        if let Some(&j) = cols
            .iter()
            .find(|&&j| mo.cov(j, j).is_nan() || mo.cov(j, j) <= 0.0)
        {
            warnings.push(skip(format!(
                "item {:?} has no variance (or fewer than two answers)",
                items[j]
            )));
            continue;
        }
        if let Some((a, b)) = cols
            .iter()
            .flat_map(|&a| cols.iter().map(move |&b| (a, b)))
            .find(|&(a, b)| !mo.cov(a, b).is_finite())
        {
            warnings.push(skip(format!(
                "items {:?} and {:?} were never answered together by two respondents",
                items[a], items[b]
            )));
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
        let stats = alpha_stats(&ck, &rk, k, nsub);
        let v: f64 = ck.iter().sum();
        let sum_var: f64 = (0..k).map(|a| ck[a * k + a]).sum();
        let sum_smc: f64 = cols.iter().map(|&j| smc_cov[j]).sum();
        let g6 = (v - sum_var + sum_smc) / v;
        let alpha = stats.alpha_raw;
        let kf = k as f64;
        let feldt = feldt_interval(alpha, nsub, k, 0.95);

        // psych's omega() factors the pairwise-complete correlation matrix.
        let mut rpair = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                rpair[a * k + b] = sign[a] * sign[b] * mo.cor[cols[a] * k_all + cols[b]];
            }
        }
        let omega = omega_total(&rpair, k);
        if let Some(om) = &omega {
            if !om.converged || om.heywood {
                warnings.push(ReliabilityWarning::OmegaUnreliable {
                    scale: scale.name().to_string(),
                    reason: if om.heywood {
                        "a uniqueness reached its lower bound (Heywood case)".into()
                    } else {
                        format!("no convergence in {} iterations", om.iterations)
                    },
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
        let sd = variance(&scored).map_or(f64::NAN, f64::sqrt);

        let colsum_r: Vec<f64> = (0..k)
            .map(|a| (0..k).map(|b| rk[a * k + b]).sum())
            .collect();
        let colsum_c: Vec<f64> = (0..k)
            .map(|a| (0..k).map(|b| ck[a * k + b]).sum())
            .collect();
        let sum_r: f64 = rk.iter().sum();
        let smc_scale = smc(&rk, k);
        let sum_rc = sum_r - kf + smc_scale.iter().sum::<f64>();
        let item_stats = (0..k)
            .map(|a| {
                let j = cols[a];
                let rev = scale.reverse()[a];
                let raw_mean = mo.mean[j];
                let keyed = |x: f64| if rev { plan.c - x } else { x };
                // Correlating with the raw item and flipping the sign equals correlating
                // with the keyed item c − x.
                let fill = plan.imputed.as_ref().map(|v| v[j]);
                let r_raw = score_item_cor(&col_scores, mean, responses, j, fill, raw_mean);
                let r_total = if rev { -r_raw } else { r_raw };
                let cii = ck[a * k + a];
                let rest = v - 2.0 * colsum_c[a] + cii;
                ItemStatistics {
                    item: items[j].clone(),
                    reversed: rev,
                    n: mo.count[j * k_all + j],
                    mean: keyed(raw_mean),
                    sd: cii.sqrt(),
                    r_total,
                    r_total_std: colsum_r[a] / sum_r.sqrt(),
                    r_corrected: (colsum_r[a] - 1.0 + smc_scale[a]) / sum_rc.sqrt(),
                    r_rest: (colsum_c[a] - cii) / (cii * rest).sqrt(),
                    if_dropped: (k >= 3).then(|| {
                        let keep: Vec<usize> = (0..k).filter(|&b| b != a).collect();
                        let m = keep.len();
                        let pick = |x: &[f64]| -> Vec<f64> {
                            keep.iter()
                                .flat_map(|&p| keep.iter().map(move |&q| x[p * k + q]))
                                .collect()
                        };
                        let d = alpha_stats(&pick(&ck), &pick(&rk), m, nsub);
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

    // Item × scale and scale × scale correlations over the analysed scales.
    let keyvec = |s: usize| -> Vec<f64> {
        let mut kv = vec![0.0; k_all];
        for (&j, &r) in scorer.columns()[s].iter().zip(inst.scales()[s].reverse()) {
            kv[j] = if r { -1.0 } else { 1.0 };
        }
        kv
    };
    let keys: Vec<Vec<f64>> = analysed.iter().map(|(s, _)| keyvec(*s)).collect();
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
    let quad = |a: &[f64], b: &[f64], corrected: bool| -> f64 {
        let mut t = 0.0;
        for (i, &ai) in a.iter().enumerate() {
            if ai == 0.0 {
                continue;
            }
            for (j, &bj) in b.iter().enumerate() {
                if bj != 0.0 {
                    t += ai * bj * cov_at(i, j, corrected);
                }
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
            for (j, &kj) in kv.iter().enumerate() {
                if kj != 0.0 {
                    c += kj * cov_at(i, j, false);
                    cc += kj * cov_at(i, j, true);
                }
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
        item_scale: matrix(items.to_vec(), names.clone(), item_scale),
        item_scale_corrected: matrix(items.to_vec(), names.clone(), item_scale_c),
        scale_correlations: matrix(names.clone(), names.clone(), scale_cor),
        scale_correlations_disattenuated: matrix(names.clone(), names, scale_dis),
        scales: analysed.into_iter().map(|(_, r)| r).collect(),
        warnings,
    }
}

/// psych `alpha()`'s `alpha.1`: the statistics of a keyed covariance matrix `c` and its
/// correlation matrix `r` (k × k).
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

fn alpha_stats(c: &[f64], r: &[f64], k: usize, nsub: usize) -> AlphaStats {
    let kf = k as f64;
    let total: f64 = c.iter().sum();
    let tr: f64 = (0..k).map(|i| c[i * k + i]).sum();
    let alpha_raw = (1.0 - tr / total) * (kf / (kf - 1.0));
    let sum_r: f64 = r.iter().sum();
    let alpha_std = (1.0 - kf / sum_r) * (kf / (kf - 1.0));
    let smc_r: f64 = smc(r, k).iter().sum();
    let g6_scale = 1.0 - (kf - smc_r) / sum_r;
    let average_r = (sum_r - kf) / (kf * (kf - 1.0));
    let lower: Vec<f64> = (0..k)
        .flat_map(|i| (0..i).map(move |j| (i, j)))
        .map(|(i, j)| r[i * k + j])
        .collect();
    // Duhachek & Iacobucci (2004): Q from tr(C²) and the sum of C².
    let tr_cc: f64 = c.iter().map(|x| x * x).sum();
    let sum_cc: f64 = (0..k)
        .map(|m| {
            let s: f64 = (0..k).map(|i| c[i * k + m]).sum();
            s * s
        })
        .sum();
    let q = (2.0 * kf * kf / ((kf - 1.0).powi(2) * total.powi(3)))
        * (total * (tr_cc + tr * tr) - 2.0 * (tr * sum_cc));
    AlphaStats {
        alpha_raw,
        alpha_std,
        g6_scale,
        average_r,
        signal_noise: kf * average_r / (1.0 - average_r),
        alpha_se: (q / nsub as f64).sqrt(),
        var_r: variance(&lower),
        median_r: median(lower),
    }
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

/// Pearson correlation of the scale scores (NaN = no score) with raw item `j` over the
/// respondents who have both (R's `cor(x, y, use = "pairwise")`), a missing answer
/// counting as `fill` when imputing.
///
/// One pass over sums of deviations from fixed centres (`score_centre`, `item_centre`:
/// the overall means), which are close to the pairwise means, so the sums do not cancel:
/// Σ(s − cₛ)(x − cₓ) − Σ(s − cₛ)Σ(x − cₓ)/m is the centred cross product for any centres.
fn score_item_cor(
    scores: &[f64],
    score_centre: f64,
    responses: &Responses,
    j: usize,
    fill: Option<f64>,
    item_centre: f64,
) -> f64 {
    let n = responses.n_respondents();
    let missing = fill.unwrap_or(f64::NAN) - item_centre;
    match responses.cells() {
        Cells::Codes(codes) => {
            // Deviation of every code from the centre, NaN for a missing answer not imputed.
            let mut dev = [0.0f64; 256];
            for (code, d) in (0u8..=255).zip(dev.iter_mut()) {
                *d = f64::from(code) - item_centre;
            }
            dev[usize::from(MISSING)] = missing;
            let col = &codes[j * n..(j + 1) * n];
            centred_cor(
                scores,
                score_centre,
                col.iter().map(|&v| dev[usize::from(v)]),
            )
        }
        Cells::Values(values) => {
            let col = &values[j * n..(j + 1) * n];
            let devs = col
                .iter()
                .map(|&x| if x.is_nan() { missing } else { x - item_centre });
            centred_cor(scores, score_centre, devs)
        }
    }
}

/// The correlation of `s` with the deviations `dx` (NaN = missing) over the pairs where
/// both are present.
fn centred_cor(s: &[f64], centre: f64, dx: impl Iterator<Item = f64>) -> f64 {
    let (mut m, mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (&s, b) in s.iter().zip(dx) {
        let a = s - centre;
        // Branch-free: a pair with a NaN gets weight 0 and its deviations are zeroed.
        let both = !(a.is_nan() || b.is_nan());
        let (a, b) = if both { (a, b) } else { (0.0, 0.0) };
        m += f64::from(u8::from(both));
        sa += a;
        sb += b;
        saa += a * a;
        sbb += b * b;
        sab += a * b;
    }
    if m < 2.0 {
        return f64::NAN;
    }
    (sab - sa * sb / m) / ((saa - sa * sa / m) * (sbb - sb * sb / m)).sqrt()
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`LabelledMatrix`], checked by [`LabelledMatrix::new`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct LabelledMatrixRepr {
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
    }

    impl TryFrom<LabelledMatrixRepr> for LabelledMatrix {
        type Error = ScoringError;
        fn try_from(r: LabelledMatrixRepr) -> Result<Self, ScoringError> {
            LabelledMatrix::new(r.rows, r.cols, r.values)
        }
    }
}
