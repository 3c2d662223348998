//! The report: composite reliability, AVE, factor correlations, the Fornell–Larcker table
//! and HTMT with their flags, from a fit or from its parts, and its text.

use std::fmt;

use nalgebra::DMatrix;

use super::super::op::Op;
use super::super::options::Missing;
use super::super::results::SemFit;
use super::error::ValidityError;
use super::htmt::{check_matrix, cov_to_cor, htmt_indices, named, NamedMatrix};

/// The thresholds reported as flags (defaults: ω ≥ .70, AVE ≥ .50, HTMT < .85 strict and
/// < .90 liberal). Build with [`ValidityThresholds::new`], which checks them.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ThresholdsRepr"))]
#[non_exhaustive]
pub struct ValidityThresholds {
    /// Composite reliability at or above which a factor is flagged reliable.
    pub omega: f64,
    /// AVE at or above which a factor is flagged convergent-valid.
    pub ave: f64,
    /// HTMT below which a pair is flagged distinct (strict, Henseler et al. 2015: .85).
    pub htmt_strict: f64,
    /// HTMT below which a pair is flagged distinct (liberal: .90).
    pub htmt_liberal: f64,
}

/// The unvalidated fields of [`ValidityThresholds`], read by serde and checked by
/// [`ValidityThresholds::new`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsRepr {
    omega: f64,
    ave: f64,
    htmt_strict: f64,
    htmt_liberal: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<ThresholdsRepr> for ValidityThresholds {
    type Error = ValidityError;
    fn try_from(r: ThresholdsRepr) -> Result<Self, ValidityError> {
        ValidityThresholds::new(r.omega, r.ave, r.htmt_strict, r.htmt_liberal)
    }
}

impl Default for ValidityThresholds {
    fn default() -> Self {
        ValidityThresholds {
            omega: 0.70,
            ave: 0.50,
            htmt_strict: 0.85,
            htmt_liberal: 0.90,
        }
    }
}

impl ValidityThresholds {
    /// Thresholds in (0, 1], with the strict HTMT bound not above the liberal one.
    ///
    /// ```
    /// use cocreate_core::sem::ValidityThresholds;
    /// assert!(ValidityThresholds::new(0.8, 0.5, 0.85, 0.9).is_ok());
    /// assert!(ValidityThresholds::new(0.8, 0.5, 0.95, 0.9).is_err());
    /// ```
    pub fn new(
        omega: f64,
        ave: f64,
        htmt_strict: f64,
        htmt_liberal: f64,
    ) -> Result<Self, ValidityError> {
        for (name, v) in [
            ("omega", omega),
            ("ave", ave),
            ("htmt_strict", htmt_strict),
            ("htmt_liberal", htmt_liberal),
        ] {
            if v.is_nan() || v <= 0.0 || v > 1.0 {
                return Err(ValidityError::InvalidThreshold { name, value: v });
            }
        }
        if htmt_strict > htmt_liberal {
            return Err(ValidityError::HtmtBoundsReversed {
                strict: htmt_strict,
                liberal: htmt_liberal,
            });
        }
        Ok(ValidityThresholds {
            omega,
            ave,
            htmt_strict,
            htmt_liberal,
        })
    }
}

/// Reliability and convergent validity of one factor.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FactorReliability {
    /// The factor.
    pub factor: String,
    /// Its observed items (those with a loading on it).
    pub items: Vec<String>,
    /// Composite reliability ω = (Σλ)² ψ / sum(S_f), S the sample covariance
    /// (`compRelSEM(fit)`).
    pub omega: f64,
    /// The same with the model-implied Σ_f in the denominator (`obs.var = FALSE`).
    pub omega_implied: f64,
    /// The tau-equivalent composite reliability, coefficient α of the items
    /// (`tau.eq = TRUE`).
    pub alpha: f64,
    /// Average variance extracted Σλ² ψ / Σ S_ii (`AVE(fit)`).
    pub ave: f64,
    /// The same with diag(Σ) (`obs.var = FALSE`).
    pub ave_implied: f64,
    /// ω ≥ the ω threshold.
    pub omega_ok: bool,
    /// AVE ≥ the AVE threshold.
    pub ave_ok: bool,
}

/// One row of the Fornell–Larcker table.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FornellLarcker {
    /// The factor.
    pub factor: String,
    /// Its AVE (sample denominator).
    pub ave: f64,
    /// √AVE.
    pub sqrt_ave: f64,
    /// The largest |correlation| with another factor (`None` in a one-factor model).
    pub max_abs_cor_other: Option<f64>,
    /// √AVE > max |cor| with the others (`None` in a one-factor model, where the
    /// criterion does not apply).
    pub criterion_met: Option<bool>,
}

/// A pair of factors whose HTMT reaches a threshold.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct HtmtFlag {
    /// First factor.
    pub factor_a: String,
    /// Second factor.
    pub factor_b: String,
    /// Classic HTMT.
    pub htmt: Option<f64>,
    /// HTMT2 (geometric means).
    pub htmt2: Option<f64>,
    /// Classic HTMT below the strict bound.
    pub below_strict: bool,
    /// Classic HTMT below the liberal bound.
    pub below_liberal: bool,
}

/// The reliability and validity report of a fitted model ([`measurement_validity`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MeasurementValidity {
    /// Per factor, in the order of [`SemFit::latent`] (first-order factors only).
    pub factors: Vec<FactorReliability>,
    /// ω of the sum of all items of these factors, sum(ΛΨΛ') / sum(S)
    /// (`compRelSEM(return.total = TRUE)`'s `total`).
    pub omega_total: f64,
    /// Classic HTMT (`htmt(htmt2 = FALSE)`); `None` with one factor.
    pub htmt: Option<NamedMatrix>,
    /// HTMT2 with geometric means (semTools 0.5-6's default); `None` with one factor.
    pub htmt2: Option<NamedMatrix>,
    /// Every factor pair with its HTMT flags.
    pub htmt_pairs: Vec<HtmtFlag>,
    /// Factor correlations (lavaan `cor.lv`).
    pub cor_lv: NamedMatrix,
    /// Factor covariances (lavaan `cov.lv`).
    pub cov_lv: NamedMatrix,
    /// The Fornell–Larcker table.
    pub fornell_larcker: Vec<FornellLarcker>,
    /// The thresholds behind the flags.
    pub thresholds: ValidityThresholds,
    /// Notes: factors left out (higher-order factors without observed items), HTMT from
    /// an EM (FIML) correlation matrix, undefined HTMT cells.
    pub notes: Vec<String>,
}

/// The reliability and validity report with the default thresholds.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::sem::{measurement_validity, Model, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..150).map(|i| {
/// #     let t = i as f64; let f = (t * 0.7).sin(); let g = 0.5 * f + (t * 0.31).cos();
/// #     let e = |k: f64| (t * k).cos() * 0.5;
/// #     vec![Some(f + e(1.1)), Some(0.8 * f + e(2.3)), Some(1.2 * f + e(3.7)),
/// #          Some(g + e(4.1)), Some(0.9 * g + e(5.3)), Some(1.1 * g + e(6.7))] }).collect();
/// # let names = ["a1", "a2", "a3", "b1", "b2", "b3"].map(String::from).to_vec();
/// # let data = Table::new(names, rows)?;
/// let fit = Model::parse("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3")?
///     .fit(&data, &SemOptions::default())?;
/// let v = measurement_validity(&fit)?;
/// assert_eq!(v.factors.len(), 2);
/// assert!(v.htmt.as_ref().unwrap().get("A", "B").is_some());
/// println!("{v}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn measurement_validity(fit: &SemFit) -> Result<MeasurementValidity, ValidityError> {
    measurement_validity_with(fit, ValidityThresholds::default())
}

/// The reliability and validity report with the given thresholds.
pub fn measurement_validity_with(
    fit: &SemFit,
    thresholds: ValidityThresholds,
) -> Result<MeasurementValidity, ValidityError> {
    if fit.groups().len() > 1 {
        return Err(ValidityError::MultipleGroups {
            groups: fit.groups().len(),
        });
    }
    if fit.options().estimator == super::super::options::Estimator::Wlsmv {
        return Err(ValidityError::OrderedIndicators);
    }
    let loadings: Vec<Loading> = fit
        .parameter_estimates()
        .iter()
        .filter(|e| e.op == Op::MeasuredBy)
        .map(|e| Loading {
            factor: e.lhs.clone(),
            item: e.rhs.clone(),
            value: e.est,
        })
        .collect();
    let parts = MeasurementParts {
        observed: fit.observed(),
        latent: fit.latent(),
        loadings: &loadings,
        latent_cov: fit.latent_cov(),
        sample_cov: fit.sample_cov(),
        implied_cov: fit.implied_cov(),
    };
    let mut v = validity_from_parts(&parts, thresholds)?;
    if fit.options().missing != Missing::Listwise && v.htmt.is_some() {
        v.notes.push(
            "HTMT uses the EM (FIML) correlation matrix of the items, not listwise deletion as semTools::htmt does by default"
                .into(),
        );
    }
    Ok(v)
}

/// One loading `factor =~ item`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Loading {
    /// The factor.
    pub factor: String,
    /// The indicator (an observed item, or a factor in a higher-order model).
    pub item: String,
    /// The unstandardised loading.
    pub value: f64,
}

/// What the report is computed from: the estimates of a fit, or of another program's fit
/// (which is how the closed-form formulas are checked against semTools at lavaan's own
/// estimates).
#[derive(Debug, Clone, Copy)]
pub struct MeasurementParts<'a> {
    /// Observed variables, in the order of the covariance matrices.
    pub observed: &'a [String],
    /// Latent variables, in the order of `latent_cov`.
    pub latent: &'a [String],
    /// Every `=~` loading.
    pub loadings: &'a [Loading],
    /// Model-implied covariance matrix of the latent variables (lavaan `cov.lv`).
    pub latent_cov: &'a DMatrix<f64>,
    /// Sample covariance matrix of the observed variables (N denominator).
    pub sample_cov: &'a DMatrix<f64>,
    /// Model-implied covariance matrix of the observed variables.
    pub implied_cov: &'a DMatrix<f64>,
}

/// The report from its parts (see [`MeasurementParts`]).
pub fn validity_from_parts(
    parts: &MeasurementParts<'_>,
    thresholds: ValidityThresholds,
) -> Result<MeasurementValidity, ValidityError> {
    let observed = parts.observed;
    let latent = parts.latent;
    let (p, m) = (observed.len(), latent.len());
    for (what, mat, k) in [
        ("the sample covariance", parts.sample_cov, p),
        ("the implied covariance", parts.implied_cov, p),
        ("the latent covariance", parts.latent_cov, m),
    ] {
        check_matrix(what, mat, k)?;
    }
    let mut notes = Vec::new();
    // Loadings per factor on observed items, in the order given.
    let mut factors: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
    for (fi, f) in latent.iter().enumerate() {
        let mut items: Vec<(usize, f64)> = Vec::new();
        let mut latent_indicators = 0;
        for e in parts.loadings {
            if &e.factor == f {
                match observed.iter().position(|o| o == &e.item) {
                    Some(j) => items.push((j, e.value)),
                    None => latent_indicators += 1,
                }
            }
        }
        if items.is_empty() {
            if latent_indicators > 0 {
                notes.push(format!(
                    "{f} is measured by other factors only (a higher-order factor) and is left out"
                ));
            }
            continue;
        }
        if items.len() < 2 {
            return Err(ValidityError::TooFewItems {
                factor: f.clone(),
                items: items.len(),
            });
        }
        factors.push((fi, items));
    }
    if factors.is_empty() {
        return Err(ValidityError::NoLatentVariables);
    }
    let s = parts.sample_cov;
    let sigma = parts.implied_cov;
    let psi = parts.latent_cov;
    let block_sum = |m: &DMatrix<f64>, idx: &[(usize, f64)]| -> f64 {
        idx.iter()
            .map(|&(a, _)| idx.iter().map(|&(b, _)| m[(a, b)]).sum::<f64>())
            .sum()
    };
    let mut rel = Vec::with_capacity(factors.len());
    for (fi, items) in &factors {
        let name = &latent[*fi];
        let var = psi[(*fi, *fi)];
        if var.is_nan() || var <= 0.0 {
            return Err(ValidityError::FactorVariance {
                factor: name.clone(),
                variance: var,
            });
        }
        let sum_l: f64 = items.iter().map(|i| i.1).sum();
        let sum_l2: f64 = items.iter().map(|i| i.1 * i.1).sum();
        let tot_s = block_sum(s, items);
        let tot_sigma = block_sum(sigma, items);
        let tr_s: f64 = items.iter().map(|&(a, _)| s[(a, a)]).sum();
        let tr_sigma: f64 = items.iter().map(|&(a, _)| sigma[(a, a)]).sum();
        if [tot_s, tr_s, tot_sigma]
            .iter()
            .any(|v| v.is_nan() || *v <= 0.0)
        {
            return Err(ValidityError::ZeroItemVariance {
                factor: name.clone(),
            });
        }
        let k = items.len() as f64;
        let omega = sum_l * sum_l * var / tot_s;
        let ave = sum_l2 * var / tr_s;
        rel.push(FactorReliability {
            factor: name.clone(),
            items: items.iter().map(|&(j, _)| observed[j].clone()).collect(),
            omega,
            omega_implied: sum_l * sum_l * var / tot_sigma,
            alpha: k / (k - 1.0) * (1.0 - tr_s / tot_s),
            ave,
            ave_implied: sum_l2 * var / tr_sigma,
            omega_ok: omega >= thresholds.omega,
            ave_ok: ave >= thresholds.ave,
        });
    }
    // Total: every item loading on any of these factors, sum(Λ Ψ Λ') / sum(S).
    let mut all: Vec<usize> = factors
        .iter()
        .flat_map(|(_, it)| it.iter().map(|i| i.0))
        .collect();
    all.sort_unstable();
    all.dedup();
    let mut lambda = DMatrix::<f64>::zeros(all.len(), factors.len());
    for (c, (_, items)) in factors.iter().enumerate() {
        for &(j, l) in items {
            let r = all.iter().position(|&a| a == j).unwrap_or(0);
            lambda[(r, c)] += l;
        }
    }
    let fidx: Vec<usize> = factors.iter().map(|f| f.0).collect();
    let psi_f = DMatrix::from_fn(fidx.len(), fidx.len(), |a, b| psi[(fidx[a], fidx[b])]);
    let common = &lambda * &psi_f * lambda.transpose();
    let tot_all: f64 = all
        .iter()
        .map(|&a| all.iter().map(|&b| s[(a, b)]).sum::<f64>())
        .sum();
    let omega_total = common.sum() / tot_all;

    // Factor covariances and correlations of the retained factors.
    let names: Vec<String> = fidx.iter().map(|&i| latent[i].clone()).collect();
    let cov_lv = named(&names, |a, b| Some(psi_f[(a, b)]));
    let cor_lv = named(&names, |a, b| {
        Some(psi_f[(a, b)] / (psi_f[(a, a)] * psi_f[(b, b)]).sqrt())
    });
    let fornell_larcker = rel
        .iter()
        .enumerate()
        .map(|(a, r)| {
            let max_abs = (0..names.len())
                .filter(|&b| b != a)
                .filter_map(|b| cor_lv.values[a][b].map(f64::abs))
                .reduce(f64::max);
            let sqrt_ave = r.ave.sqrt();
            FornellLarcker {
                factor: r.factor.clone(),
                ave: r.ave,
                sqrt_ave,
                max_abs_cor_other: max_abs,
                criterion_met: max_abs.map(|m| sqrt_ave > m),
            }
        })
        .collect();

    let (htmt, htmt2, htmt_pairs) = if names.len() >= 2 {
        let cor = cov_to_cor(s);
        let groups: Vec<Vec<usize>> = factors
            .iter()
            .map(|(_, it)| it.iter().map(|i| i.0).collect())
            .collect();
        let (h1, h2) = htmt_indices(&cor, &names, &groups);
        let pairs = htmt_flags(&h1, &h2, &thresholds, &mut notes);
        (Some(h1), Some(h2), pairs)
    } else {
        notes.push("HTMT needs two factors; the model has one".into());
        (None, None, Vec::new())
    };
    Ok(MeasurementValidity {
        factors: rel,
        omega_total,
        htmt,
        htmt2,
        htmt_pairs,
        cor_lv,
        cov_lv,
        fornell_larcker,
        thresholds,
        notes,
    })
}

fn htmt_flags(
    h1: &NamedMatrix,
    h2: &NamedMatrix,
    t: &ValidityThresholds,
    notes: &mut Vec<String>,
) -> Vec<HtmtFlag> {
    let k = h1.rownames.len();
    let mut out = Vec::new();
    for a in 0..k {
        for b in a + 1..k {
            let v = h1.values[a][b];
            let v2 = h2.values[a][b];
            if v.is_none() || v2.is_none() {
                notes.push(format!(
                    "HTMT of {} and {} is undefined (a zero correlation within a factor)",
                    h1.rownames[a], h1.rownames[b]
                ));
            }
            out.push(HtmtFlag {
                factor_a: h1.rownames[a].clone(),
                factor_b: h1.rownames[b].clone(),
                htmt: v,
                htmt2: v2,
                below_strict: v.is_some_and(|x| x < t.htmt_strict),
                below_liberal: v.is_some_and(|x| x < t.htmt_liberal),
            });
        }
    }
    out
}

impl MeasurementValidity {
    /// The report as text (same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "NA".into(), |x| format!("{x:.3}"))
}

impl fmt::Display for MeasurementValidity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.thresholds;
        writeln!(f, "Reliability and validity:")?;
        writeln!(f)?;
        writeln!(
            f,
            "  {:<12} {:>5} {:>8} {:>8} {:>8} {:>8} {:>8}  flags",
            "Factor", "items", "omega", "omega.Σ", "alpha", "AVE", "AVE.Σ"
        )?;
        for r in &self.factors {
            let mut flags = Vec::new();
            if !r.omega_ok {
                flags.push(format!("omega < {:.2}", t.omega));
            }
            if !r.ave_ok {
                flags.push(format!("AVE < {:.2}", t.ave));
            }
            writeln!(
                f,
                "  {:<12} {:>5} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  {}",
                r.factor,
                r.items.len(),
                r.omega,
                r.omega_implied,
                r.alpha,
                r.ave,
                r.ave_implied,
                if flags.is_empty() {
                    "ok".into()
                } else {
                    flags.join(", ")
                }
            )?;
        }
        writeln!(f, "  {:<12} {:>5} {:>8.3}", "total", "", self.omega_total)?;
        writeln!(f)?;
        writeln!(
            f,
            "  Fornell-Larcker (sqrt AVE against the largest |factor correlation|):"
        )?;
        for r in &self.fornell_larcker {
            writeln!(
                f,
                "  {:<12} {:>8.3} {:>8}  {}",
                r.factor,
                r.sqrt_ave,
                opt(r.max_abs_cor_other),
                match r.criterion_met {
                    Some(true) => "met",
                    Some(false) => "NOT met",
                    None => "one factor: does not apply",
                }
            )?;
        }
        if !self.htmt_pairs.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "  HTMT (classic; HTMT2 geometric) per pair, flags at < {:.2} / < {:.2}:",
                t.htmt_strict, t.htmt_liberal
            )?;
            for p in &self.htmt_pairs {
                let flag = if p.below_strict {
                    "distinct".to_string()
                } else if p.below_liberal {
                    format!("distinct only at {:.2}", t.htmt_liberal)
                } else if p.htmt.is_none() {
                    "undefined".to_string()
                } else {
                    "NOT distinct".to_string()
                };
                writeln!(
                    f,
                    "  {:<12} {:<12} {:>8} {:>8}  {}",
                    p.factor_a,
                    p.factor_b,
                    opt(p.htmt),
                    opt(p.htmt2),
                    flag
                )?;
            }
        }
        for n in &self.notes {
            writeln!(f, "  Note: {n}")?;
        }
        Ok(())
    }
}
