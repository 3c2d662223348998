//! Likelihood-ratio (χ² difference) tests between nested models, as lavaan's
//! `lavTestLRT()` computes them: the models ordered by their degrees of freedom, each
//! compared with the one before it. For ML the difference of the χ² statistics on the
//! difference of the degrees of freedom, with lavaan 0.6's RMSEA of the difference test
//! (`√max(Δχ²/(Δdf N) − 1/N, 0) · √G`); for robust estimators (MLM, MLR) the scaled
//! difference of Satorra & Bentler (2001), `(T₀ − T₁) / c_d` with
//! `c_d = (df₀ c₀ − df₁ c₁) / (df₀ − df₁)`; for WLSMV (ordered variables) the
//! scaled-shifted difference of Satorra (2000) (`wls_diff.rs`).

use std::fmt::{self, Write};

use super::distributions::pchisq_upper;
use super::error::SemError;
use super::results::SemFit;
use nalgebra::{DMatrix, DVector};

/// How the differences were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LrtMethod {
    /// The ordinary χ² difference (ML).
    #[cfg_attr(feature = "serde", serde(rename = "standard"))]
    Standard,
    /// The scaled difference of Satorra & Bentler (2001) (robust estimators).
    #[cfg_attr(feature = "serde", serde(rename = "satorra.bentler.2001"))]
    SatorraBentler2001,
    /// The scaled-shifted difference of Satorra (2000) (WLSMV, ordered variables).
    #[cfg_attr(feature = "serde", serde(rename = "satorra.2000"))]
    Satorra2000,
}

impl LrtMethod {
    /// lavaan's name of the method.
    pub fn as_str(self) -> &'static str {
        match self {
            LrtMethod::Standard => "standard",
            LrtMethod::SatorraBentler2001 => "satorra.bentler.2001",
            LrtMethod::Satorra2000 => "satorra.2000",
        }
    }
}

/// One row of the table: a model and its comparison with the row above.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LrtRow {
    /// The model's name.
    pub model: String,
    /// Its degrees of freedom.
    pub df: f64,
    /// Its AIC.
    pub aic: f64,
    /// Its BIC.
    pub bic: f64,
    /// Its χ² statistic (unscaled).
    pub chisq: f64,
    /// The (scaled) χ² difference with the row above (`None` in the first row).
    pub chisq_diff: Option<f64>,
    /// RMSEA of the difference test (ML only).
    pub rmsea: Option<f64>,
    /// The difference of the degrees of freedom.
    pub df_diff: Option<f64>,
    /// p-value of the difference test.
    pub pvalue: Option<f64>,
    /// The scaling factor `c_d` of a scaled difference.
    pub scaling_factor: Option<f64>,
}

/// The result of [`lav_test_lrt`].
///
/// ```
/// # use cocreate_core::data::Table;
/// # use cocreate_core::sem::{lav_test_lrt, Model, SemOptions};
/// # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| { let t = i as f64; let f = (t * 0.7).sin();
/// #     vec![Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos()), Some(f + 0.5 * (t * 3.7).cos()), Some(0.9 * f + 0.5 * (t * 5.1).sin())] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into(), "x4".into()], rows)?;
/// let free = Model::parse("f =~ x1 + x2 + x3 + x4")?.fit(&data, &SemOptions::default())?;
/// let equal = Model::parse("f =~ x1 + a*x2 + a*x3 + a*x4")?.fit(&data, &SemOptions::default())?;
/// let t = lav_test_lrt(&[("free", &free), ("equal", &equal)])?;
/// assert_eq!(t.rows[1].df_diff, Some(2.0));
/// let diff = equal.fit_measures().chisq - free.fit_measures().chisq;
/// assert!((t.rows[1].chisq_diff.unwrap() - diff).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LrtTable {
    /// How the differences were computed.
    pub method: LrtMethod,
    /// The models, by increasing degrees of freedom.
    pub rows: Vec<LrtRow>,
    /// Notes on the comparison (a restricted model that fits better than a less
    /// restricted one: the models are not nested, or one did not reach its optimum).
    pub notes: Vec<String>,
}

/// Compares nested models fitted to the same data (lavaan's `lavTestLRT`): orders them by
/// their degrees of freedom and tests each against the one before it.
///
/// Any fitted models can be compared, one group or several, ML or robust: with MLM or MLR
/// fits the differences are scaled (Satorra & Bentler 2001, lavaan's default for these
/// tests) and the table has no RMSEA column, as in lavaan; WLSMV fits of ordered variables
/// get lavaan's default for them, the scaled-shifted difference of Satorra (2000), which
/// needs the fits as computed (not read back from JSON).
///
/// Errors when fewer than two models are given ([`SemError::TooFewModels`]), and when two
/// were fitted to different data (a different number of rows, other observed variables or
/// groups, or sample moments that differ), with different estimators, or one with a mean
/// structure and the other without ([`SemError::NotComparable`]).
pub fn lav_test_lrt(models: &[(&str, &SemFit)]) -> Result<LrtTable, SemError> {
    if models.len() < 2 {
        return Err(SemError::TooFewModels {
            found: models.len(),
        });
    }
    let (name0, first) = models[0];
    for (name, m) in &models[1..] {
        let mismatch = |reason: String| SemError::NotComparable {
            model: name.to_string(),
            other: name0.to_string(),
            reason,
        };
        if m.n_used() != first.n_used() {
            return Err(mismatch(format!(
                "they were fitted to {} and {} rows",
                m.n_used(),
                first.n_used()
            )));
        }
        let mut a = m.observed().to_vec();
        let mut b = first.observed().to_vec();
        a.sort();
        b.sort();
        if a != b {
            return Err(mismatch(
                "they do not have the same observed variables".into(),
            ));
        }
        let labels =
            |f: &SemFit| -> Vec<String> { f.groups().iter().map(|g| g.label.clone()).collect() };
        if labels(m) != labels(first) {
            return Err(mismatch("they do not have the same groups".into()));
        }
        if m.robust().is_some() != first.robust().is_some() {
            return Err(mismatch("one has a scaled test and the other not".into()));
        }
        let (e, e0) = (m.options().estimator, first.options().estimator);
        if e != e0 {
            return Err(mismatch(format!(
                "they were fitted with different estimators ({} and {})",
                e.as_str(),
                e0.as_str()
            )));
        }
        if m.implied_mean().is_some() != first.implied_mean().is_some() {
            return Err(mismatch(
                "one has a mean structure and the other not".into(),
            ));
        }
        if e == super::options::Estimator::Wlsmv && m.observed() != first.observed() {
            return Err(mismatch(
                "their ordered variables are not in the same order".into(),
            ));
        }
        if let Some(what) = different_moments(m, first) {
            return Err(mismatch(format!(
                "they were fitted to different data (the sample {what} differ)"
            )));
        }
    }
    let scaled = first.robust().is_some();
    let wlsmv = first.options().estimator == super::options::Estimator::Wlsmv;
    let mut order: Vec<usize> = (0..models.len()).collect();
    order.sort_by(|&a, &b| {
        (models[a].1.fit_measures().df).total_cmp(&models[b].1.fit_measures().df)
    });
    let n = first.n_used() as f64;
    let g = first.groups().len().max(1) as f64;
    let mut rows: Vec<LrtRow> = Vec::with_capacity(models.len());
    let mut notes = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let (name, m) = models[i];
        let fm = m.fit_measures();
        let mut row = LrtRow {
            model: name.to_string(),
            df: fm.df,
            aic: fm.aic,
            bic: fm.bic,
            chisq: fm.chisq,
            chisq_diff: None,
            rmsea: None,
            df_diff: None,
            pvalue: None,
            scaling_factor: None,
        };
        if k > 0 {
            let prev = models[order[k - 1]].1;
            let pm = prev.fit_measures();
            let d = fm.chisq - pm.chisq;
            let ddf = fm.df - pm.df;
            if d < -f64::EPSILON.cbrt() {
                notes.push(format!(
                    "{name:?} fits better than the less restricted {:?} (χ² difference {d:.4}): either the models are not nested, or the less restricted model did not reach its optimum",
                    models[order[k - 1]].0
                ));
            }
            let stat = if wlsmv && ddf > 0.0 {
                // Satorra (2000), scaled and shifted, from the less restricted model's
                // information and both models' Jacobians.
                let (Some(less), Some(more)) = (&prev.wls.0, &m.wls.0) else {
                    return Err(SemError::NotComparable {
                        model: name.to_string(),
                        other: models[order[k - 1]].0.to_string(),
                        reason: "the scaled difference of WLSMV fits needs what the fits computed (their Jacobians), which a fit read back from JSON does not keep; refit the models".into(),
                    });
                };
                match super::wls_diff::satorra_2000(less, more, d, ddf) {
                    Some((t, _, _)) => t,
                    None => {
                        notes.push(format!(
                            "the scaled difference between {:?} and {name:?} could not be computed (the models may not be nested, or the less restricted one is not identified)",
                            models[order[k - 1]].0
                        ));
                        f64::NAN
                    }
                }
            } else if scaled && ddf > 0.0 {
                // Satorra & Bentler (2001); a saturated model's factor counts as 1.
                let factor = |f: &SemFit| {
                    let r = f.robust().map(|r| r.chisq_scaling_factor);
                    if f.fit_measures().df == 0.0 {
                        1.0
                    } else {
                        r.unwrap_or(f64::NAN)
                    }
                };
                let cd = (fm.df * factor(m) - pm.df * factor(prev)) / ddf;
                row.scaling_factor = (cd >= 0.0).then_some(cd);
                if cd < 0.0 {
                    notes.push(format!(
                        "the scaling factor of the difference between {:?} and {name:?} is negative",
                        models[order[k - 1]].0
                    ));
                }
                if cd < 0.0 {
                    f64::NAN
                } else {
                    d / cd
                }
            } else {
                d
            };
            row.chisq_diff = stat.is_finite().then_some(stat);
            row.df_diff = Some(ddf);
            if !scaled {
                row.rmsea = Some(if ddf > 0.0 {
                    ((stat / n) / ddf - 1.0 / n).max(0.0).sqrt() * g.sqrt()
                } else {
                    0.0
                });
            }
            row.pvalue = (ddf > 0.0 && stat.is_finite()).then(|| pchisq_upper(stat, ddf));
        }
        rows.push(row);
    }
    Ok(LrtTable {
        method: if wlsmv {
            LrtMethod::Satorra2000
        } else if scaled {
            LrtMethod::SatorraBentler2001
        } else {
            LrtMethod::Standard
        },
        rows,
        notes,
    })
}

/// The sample moments of the models' groups, matched by variable name: `None` when they
/// agree (to rounding), else which moments differ. Catches two fits to different rows of
/// the same size, which the counts alone do not.
fn different_moments(a: &SemFit, b: &SemFit) -> Option<&'static str> {
    let moments = |f: &SemFit| -> Vec<(DMatrix<f64>, DVector<f64>)> {
        if f.groups().is_empty() {
            vec![(f.sample_cov().clone(), f.sample_mean().clone())]
        } else {
            (f.groups().iter())
                .map(|g| (g.sample_cov.clone(), g.sample_mean.clone()))
                .collect()
        }
    };
    let (ma, mb) = (moments(a), moments(b));
    if ma.len() != mb.len() {
        return Some("groups");
    }
    // Position in `b` of each of `a`'s observed variables (the sets are equal).
    let at: Vec<usize> = (a.observed().iter())
        .map(|v| b.observed().iter().position(|w| w == v).unwrap_or(0))
        .collect();
    let same = |x: f64, y: f64| (x - y).abs() <= 1e-8 * (1.0 + x.abs().max(y.abs()));
    for ((sa, ua), (sb, ub)) in ma.iter().zip(&mb) {
        if sa.nrows() != at.len() || sb.nrows() != at.len() {
            return Some("covariances");
        }
        for (i, &bi) in at.iter().enumerate() {
            if ua.len() == at.len() && ub.len() == at.len() && !same(ua[i], ub[bi]) {
                return Some("means");
            }
            for (j, &bj) in at.iter().enumerate() {
                if !same(sa[(i, j)], sb[(bi, bj)]) {
                    return Some("covariances");
                }
            }
        }
    }
    None
}

fn cell(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.decimals$}"),
        _ => String::new(),
    }
}

impl LrtTable {
    /// The table as lavaan prints it (the same text as `Display`).
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let heading = match self.method {
            LrtMethod::Standard => "Chi-Squared Difference Test".to_string(),
            m => format!(
                "Scaled Chi-Squared Difference Test (method = \"{}\")",
                m.as_str()
            ),
        };
        let _ = writeln!(out, "{heading}\n");
        let w = self
            .rows
            .iter()
            .map(|r| r.model.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        // As in lavaan, a scaled table has no RMSEA column.
        let with_rmsea = self.method == LrtMethod::Standard;
        let rmsea = |v: Option<f64>| -> String {
            if with_rmsea {
                format!(" {:>8}", cell(v, 5))
            } else {
                String::new()
            }
        };
        let _ = writeln!(
            out,
            "{:<w$} {:>4} {:>10} {:>10} {:>9} {:>10}{} {:>7} {:>10}",
            "",
            "Df",
            "AIC",
            "BIC",
            "Chisq",
            "Chisq diff",
            if with_rmsea { "    RMSEA" } else { "" },
            "Df diff",
            "Pr(>Chisq)"
        );
        for r in &self.rows {
            let line = format!(
                "{:<w$} {:>4} {:>10} {:>10} {:>9.3} {:>10}{} {:>7} {:>10}",
                r.model,
                r.df,
                cell(Some(r.aic), 2),
                cell(Some(r.bic), 2),
                r.chisq,
                cell(r.chisq_diff, 3),
                rmsea(r.rmsea),
                cell(r.df_diff, 0),
                cell(r.pvalue, 4),
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if !with_rmsea {
            let _ = writeln!(
                out,
                "\nThe Chisq column holds the standard (unscaled) statistics; the differences are scaled."
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "\nNote: {note}");
        }
        out
    }
}

impl fmt::Display for LrtTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}
