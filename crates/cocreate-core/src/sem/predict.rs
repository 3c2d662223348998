//! Factor scores of a fitted model (lavaan `lavPredict`, regression and Bartlett
//! methods), one row per respondent. Formulas and sources: `docs/methods/sem.md`.
//!
//! The scores are linear in the centred responses, η̂ = E(η) + A (y − E(y)), with the
//! score matrix A computed once from the estimates; each respondent then costs one small
//! matrix–vector product.

use std::fmt;

use nalgebra::{DMatrix, DVector};

use super::op::Op;
use super::options::Missing;
use super::results::SemFit;
use crate::data::{DataError, Table};

/// Most rows scored in one call (the result holds rows × factors numbers).
pub const MAX_SCORE_ROWS: usize = 10_000_000;

/// How the factor scores are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FactorScoreMethod {
    /// Thurstone's regression scores, A = Ψ Λ' Σ⁻¹ (lavaan's default).
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "regression"))]
    Regression,
    /// Bartlett's scores, A = (Λ' Θ⁻¹ Λ)⁻¹ Λ' Θ⁻¹ (conditionally unbiased).
    #[cfg_attr(feature = "serde", serde(rename = "Bartlett"))]
    Bartlett,
}

impl fmt::Display for FactorScoreMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FactorScoreMethod::Regression => "regression",
            FactorScoreMethod::Bartlett => "Bartlett",
        })
    }
}

impl std::str::FromStr for FactorScoreMethod {
    type Err = FactorScoreError;

    /// `"regression"` or `"Bartlett"` (any case), as lavaan spells them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "regression" => Ok(FactorScoreMethod::Regression),
            "bartlett" => Ok(FactorScoreMethod::Bartlett),
            _ => Err(FactorScoreError::UnknownMethod(s.to_string())),
        }
    }
}

/// Options of [`factor_scores`]: the method and the column that identifies respondents.
///
/// ```
/// use cocreate_core::sem::{FactorScoreMethod, FactorScoreOptions};
/// let o = FactorScoreOptions::new(FactorScoreMethod::Bartlett).id_column("id");
/// assert_eq!(o.method(), FactorScoreMethod::Bartlett);
/// assert_eq!(o.id(), Some("id"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FactorScoreOptions {
    method: FactorScoreMethod,
    id_column: Option<String>,
}

impl FactorScoreOptions {
    /// Scores by `method`, without an id column.
    pub fn new(method: FactorScoreMethod) -> Self {
        FactorScoreOptions {
            method,
            id_column: None,
        }
    }

    /// Carries this column of the data into every row as the respondent's id (checked
    /// against the data when scoring).
    pub fn id_column(mut self, name: impl Into<String>) -> Self {
        self.id_column = Some(name.into());
        self
    }

    /// The method.
    pub fn method(&self) -> FactorScoreMethod {
        self.method
    }

    /// The id column, if any.
    pub fn id(&self) -> Option<&str> {
        self.id_column.as_deref()
    }
}

/// Why factor scores could not be computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FactorScoreError {
    /// The fit has several groups.
    #[error("factor scores are computed for single-group fits; this fit has {groups} groups (fit each group alone to score it)")]
    MultipleGroups {
        /// How many groups the fit has.
        groups: usize,
    },
    /// The model has no latent variables.
    #[error("the model has no latent variables, so there are no factor scores")]
    NoLatentVariables,
    /// The data lack a model variable, or it holds text.
    #[error("data error: {0}")]
    Data(#[from] DataError),
    /// The id column is not in the data.
    #[error("id column {0:?} is not a column of the data")]
    UnknownIdColumn(String),
    /// The method name is not known.
    #[error("unknown factor-score method {0:?}; expected \"regression\" or \"Bartlett\"")]
    UnknownMethod(String),
    /// The fit used FIML; scores are implemented for complete data.
    #[error("factor scores are implemented for models fitted to complete data (missing = \"listwise\"); this fit used full-information ML")]
    NotCompleteData,
    /// The fit treated its indicators as ordered (WLSMV).
    #[error("factor scores for ordered indicators (lavaan's empirical Bayes modal scores) are not implemented; this fit used WLSMV")]
    OrderedIndicators,
    /// An observed variable of the model is not an indicator of a latent variable.
    #[error("observed variable {0:?} is not an indicator of a latent variable (a covariate or an observed outcome); factor scores are implemented for models whose observed variables all measure factors")]
    NonIndicator(String),
    /// A matrix that must be inverted is singular (or not positive definite).
    #[error("{matrix} is singular or not positive definite: {why}")]
    Singular {
        /// The matrix (`the model-implied covariance matrix Σ`, `Θ`, `Λ' Θ⁻¹ Λ`, `I − B`).
        matrix: &'static str,
        /// What needs it inverted, and what that says about the model.
        why: &'static str,
    },
    /// A part given to [`factor_scores_from_parts`] does not have the size the observed
    /// and latent variables imply.
    #[error("{part} is {rows} × {cols} but {expected_rows} × {expected_cols} was expected from the observed and latent variables")]
    PartShape {
        /// The part (`Λ`, `Θ`, `Σ`, `E(y)`, ...).
        part: &'static str,
        /// Its rows.
        rows: usize,
        /// Its columns.
        cols: usize,
        /// The rows expected.
        expected_rows: usize,
        /// The columns expected.
        expected_cols: usize,
    },
    /// Too many rows.
    #[error("the data have {rows} rows; at most {max} can be scored in one call")]
    TooManyRows {
        /// Rows in the data.
        rows: usize,
        /// The limit.
        max: usize,
    },
}

/// One respondent's scores.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FactorScoreRow {
    /// 0-based row of the data.
    pub row: usize,
    /// The input line (tables read from CSV) or 1-based row number.
    pub line: u64,
    /// The respondent's id (the id column's value), if an id column was given.
    pub id: Option<String>,
    /// One score per factor, in the order of [`FactorScores::latent`].
    pub scores: Vec<f64>,
}

/// A row that was not scored, and why.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SkippedRow {
    /// 0-based row of the data.
    pub row: usize,
    /// The input line or 1-based row number.
    pub line: u64,
    /// The respondent's id, if an id column was given.
    pub id: Option<String>,
    /// The model variables missing in this row.
    pub missing: Vec<String>,
}

/// Factor scores of every complete row ([`factor_scores`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FactorScores {
    /// The method used.
    pub method: FactorScoreMethod,
    /// The factors, in the order of each row's scores.
    pub latent: Vec<String>,
    /// The id column, if one was given.
    pub id_column: Option<String>,
    /// One row per scored respondent, in data order.
    pub rows: Vec<FactorScoreRow>,
    /// Rows with a missing model variable, not scored (as lavaan drops them).
    pub skipped: Vec<SkippedRow>,
    /// The score matrix A (factors × observed variables, order of [`SemFit::observed`]).
    pub weights: Vec<Vec<f64>>,
}

/// Factor scores for every row of `data` with all the model's observed variables present.
///
/// Centring uses the fit's model-implied means with a mean structure, else the fitted
/// sample's means, as lavaan does; so `data` may be the fitted data or new respondents.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::sem::{factor_scores, FactorScoreOptions, Model, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..80).map(|i| {
/// #     let f = (i as f64 * 0.7).sin(); let e = |k: f64| (i as f64 * k).cos() * 0.5;
/// #     vec![Some(i as f64 + 1.0), Some(f + e(1.1)), Some(0.8 * f + e(2.3)), Some(1.2 * f + e(3.7))] }).collect();
/// # let data = Table::new(vec!["id".into(), "x1".into(), "x2".into(), "x3".into()], rows)?;
/// let fit = Model::parse("f =~ x1 + x2 + x3")?.fit(&data, &SemOptions::default())?;
/// let fs = factor_scores(&fit, &data, &FactorScoreOptions::default().id_column("id"))?;
/// assert_eq!(fs.rows.len(), 80);
/// assert_eq!(fs.rows[0].id.as_deref(), Some("1"));
/// // Regression scores of the fitted sample average zero.
/// let mean: f64 = fs.rows.iter().map(|r| r.scores[0]).sum::<f64>() / 80.0;
/// assert!(mean.abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn factor_scores(
    fit: &SemFit,
    data: &Table,
    options: &FactorScoreOptions,
) -> Result<FactorScores, FactorScoreError> {
    if fit.groups().len() > 1 {
        return Err(FactorScoreError::MultipleGroups {
            groups: fit.groups().len(),
        });
    }
    if fit.options().estimator == super::options::Estimator::Wlsmv {
        return Err(FactorScoreError::OrderedIndicators);
    }
    if fit.options().missing != Missing::Listwise {
        return Err(FactorScoreError::NotCompleteData);
    }
    let observed = fit.observed();
    let latent = fit.latent();
    if latent.is_empty() {
        return Err(FactorScoreError::NoLatentVariables);
    }
    let (p, m) = (observed.len(), latent.len());
    let obs_idx = |n: &str| observed.iter().position(|o| o == n);
    let lat_idx = |n: &str| latent.iter().position(|o| o == n);
    let mut lambda = DMatrix::<f64>::zeros(p, m);
    let mut theta = DMatrix::<f64>::zeros(p, p);
    let mut beta = DMatrix::<f64>::zeros(m, m);
    let mut alpha = DVector::<f64>::zeros(m);
    let mut is_indicator = vec![false; p];
    for e in fit.parameter_estimates() {
        match e.op {
            Op::MeasuredBy => {
                if let (Some(f), Some(j)) = (lat_idx(&e.lhs), obs_idx(&e.rhs)) {
                    lambda[(j, f)] = e.est;
                    is_indicator[j] = true;
                }
            }
            Op::Covariance => {
                if let (Some(a), Some(b)) = (obs_idx(&e.lhs), obs_idx(&e.rhs)) {
                    theta[(a, b)] = e.est;
                    theta[(b, a)] = e.est;
                }
            }
            Op::Regression => {
                if let (Some(a), Some(b)) = (lat_idx(&e.lhs), lat_idx(&e.rhs)) {
                    beta[(a, b)] = e.est;
                }
            }
            Op::Intercept => {
                if let Some(a) = lat_idx(&e.lhs) {
                    alpha[a] = e.est;
                }
            }
            _ => {}
        }
    }
    if let Some(j) = is_indicator.iter().position(|i| !i) {
        return Err(FactorScoreError::NonIndicator(observed[j].clone()));
    }
    // Means: implied with a mean structure, else the fitted sample's (latent means 0).
    let (ey, eeta) = match fit.implied_mean() {
        Some(mu) => {
            let ib = DMatrix::<f64>::identity(m, m) - &beta;
            let eeta = ib.lu().solve(&alpha).ok_or(FactorScoreError::Singular {
                matrix: "I − B of the latent regressions",
                why: "the latent means need it inverted",
            })?;
            (mu.clone(), eeta)
        }
        None => (fit.sample_mean().clone(), DVector::zeros(m)),
    };

    let latent_cov = fit.latent_cov();
    let parts = ScoringParts {
        observed,
        latent,
        lambda: &lambda,
        theta: &theta,
        latent_cov,
        implied_cov: fit.implied_cov(),
        centre: &ey,
        latent_mean: &eeta,
    };
    factor_scores_from_parts(&parts, data, options)
}

/// What factor scores are computed from: the estimates of a fit, or of another
/// program's fit (which is how the formulas are checked at lavaan's own estimates).
#[derive(Debug, Clone, Copy)]
pub struct ScoringParts<'a> {
    /// Observed variables (columns of the data), in the order of the matrices.
    pub observed: &'a [String],
    /// Latent variables.
    pub latent: &'a [String],
    /// Loadings Λ (observed × latent).
    pub lambda: &'a DMatrix<f64>,
    /// Residual covariances Θ (observed × observed).
    pub theta: &'a DMatrix<f64>,
    /// Model-implied covariance of the latent variables (lavaan `cov.lv`).
    pub latent_cov: &'a DMatrix<f64>,
    /// Model-implied covariance Σ of the observed variables.
    pub implied_cov: &'a DMatrix<f64>,
    /// E(y) used for centring: the implied means with a mean structure, else the sample
    /// means of the fitted data.
    pub centre: &'a DVector<f64>,
    /// E(η): the implied latent means (zero without a mean structure).
    pub latent_mean: &'a DVector<f64>,
}

/// Factor scores from their parts (see [`ScoringParts`] and [`factor_scores`]).
pub fn factor_scores_from_parts(
    parts: &ScoringParts<'_>,
    data: &Table,
    options: &FactorScoreOptions,
) -> Result<FactorScores, FactorScoreError> {
    let (observed, latent) = (parts.observed, parts.latent);
    let (p, m) = (observed.len(), latent.len());
    if m == 0 {
        return Err(FactorScoreError::NoLatentVariables);
    }
    if data.n_rows() > MAX_SCORE_ROWS {
        return Err(FactorScoreError::TooManyRows {
            rows: data.n_rows(),
            max: MAX_SCORE_ROWS,
        });
    }
    for (what, r, c, ok) in [
        ("Λ", parts.lambda.nrows(), parts.lambda.ncols(), (p, m)),
        ("Θ", parts.theta.nrows(), parts.theta.ncols(), (p, p)),
        (
            "cov.lv",
            parts.latent_cov.nrows(),
            parts.latent_cov.ncols(),
            (m, m),
        ),
        (
            "Σ",
            parts.implied_cov.nrows(),
            parts.implied_cov.ncols(),
            (p, p),
        ),
        ("E(y)", parts.centre.len(), 1, (p, 1)),
        ("E(η)", parts.latent_mean.len(), 1, (m, 1)),
    ] {
        if (r, c) != ok {
            return Err(FactorScoreError::PartShape {
                part: what,
                rows: r,
                cols: c,
                expected_rows: ok.0,
                expected_cols: ok.1,
            });
        }
    }
    let (lambda, theta) = (parts.lambda, parts.theta);
    let (ey, eeta) = (parts.centre, parts.latent_mean);
    let weights = match options.method {
        FactorScoreMethod::Regression => {
            let inv = parts
                .implied_cov
                .clone()
                .cholesky()
                .ok_or(FactorScoreError::Singular {
                    matrix: "the model-implied covariance matrix Σ",
                    why: "regression scores need its inverse",
                })?;
            // Ψ Λ' Σ⁻¹ = (Σ⁻¹ Λ Ψ)'
            (inv.solve(&(lambda * parts.latent_cov))).transpose()
        }
        FactorScoreMethod::Bartlett => {
            let th = theta.clone().cholesky().ok_or(FactorScoreError::Singular {
                matrix: "the residual covariance matrix Θ",
                why: "Bartlett scores need its inverse; a residual variance is zero or negative",
            })?;
            let ti_l = th.solve(lambda); // Θ⁻¹ Λ
            let info = lambda.transpose() * &ti_l; // Λ' Θ⁻¹ Λ
            let c = info.cholesky().ok_or(FactorScoreError::Singular {
                    matrix: "Λ' Θ⁻¹ Λ",
                    why: "Bartlett scores need every factor measured by observed items (a higher-order factor has no Bartlett score)",
                })?;
            c.solve(&ti_l.transpose())
        }
    };
    // `select` rejects a missing column and text in a model column.
    data.select(observed)?;
    let cols: Vec<usize> = observed
        .iter()
        .map(|n| data.column_index(n).unwrap_or(0))
        .collect();
    let id_col = match &options.id_column {
        Some(name) => Some(
            data.column_index(name)
                .ok_or_else(|| FactorScoreError::UnknownIdColumn(name.clone()))?,
        ),
        None => None,
    };
    // An identifier column read as text (`R1000`) keeps its text; a numeric one is printed.
    let id_text = options
        .id_column
        .as_deref()
        .and_then(|name| data.text(name));
    let id_of = |r: usize| {
        id_col.map(|c| match id_text {
            Some(text) => text[r].clone(),
            None => data.get(r, c).map_or_else(String::new, format_id),
        })
    };
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut y = DVector::<f64>::zeros(p);
    for r in 0..data.n_rows() {
        let mut missing = Vec::new();
        for (k, &c) in cols.iter().enumerate() {
            match data.get(r, c) {
                Some(v) => y[k] = v - ey[k],
                None => missing.push(observed[k].clone()),
            }
        }
        if !missing.is_empty() {
            skipped.push(SkippedRow {
                row: r,
                line: data.source_line(r),
                id: id_of(r),
                missing,
            });
            continue;
        }
        let s = &weights * &y + eeta;
        rows.push(FactorScoreRow {
            row: r,
            line: data.source_line(r),
            id: id_of(r),
            scores: s.iter().copied().collect(),
        });
    }
    Ok(FactorScores {
        method: options.method,
        latent: latent.to_vec(),
        id_column: options.id_column.clone(),
        rows,
        skipped,
        weights: (0..m)
            .map(|f| (0..p).map(|j| weights[(f, j)]).collect())
            .collect(),
    })
}

/// An id as text: integers without a decimal point.
fn format_id(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl FactorScores {
    /// The scores as CSV: `row` (or the id column's name), then one column per factor.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        out.push_str(self.id_column.as_deref().unwrap_or("row"));
        for f in &self.latent {
            out.push(',');
            out.push_str(f);
        }
        out.push('\n');
        for r in &self.rows {
            match &r.id {
                Some(id) => out.push_str(id),
                None => out.push_str(&(r.row + 1).to_string()),
            }
            for s in &r.scores {
                out.push(',');
                out.push_str(&format!("{s}"));
            }
            out.push('\n');
        }
        out
    }

    /// A short report (same as `Display`): method, rows scored and skipped, and per
    /// factor the mean and SD of the scores.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for FactorScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Factor scores ({} method): {} rows scored, {} skipped for missing values",
            self.method,
            self.rows.len(),
            self.skipped.len()
        )?;
        let n = self.rows.len() as f64;
        writeln!(f, "  {:<12} {:>10} {:>10}", "Factor", "mean", "sd")?;
        for (k, name) in self.latent.iter().enumerate() {
            // A row read from JSON may lack a score: it counts as not a number.
            let score = |r: &FactorScoreRow| r.scores.get(k).copied().unwrap_or(f64::NAN);
            let mean = self.rows.iter().map(score).sum::<f64>() / n;
            let var = self
                .rows
                .iter()
                .map(|r| (score(r) - mean).powi(2))
                .sum::<f64>()
                / (n - 1.0);
            writeln!(f, "  {:<12} {:>10.3} {:>10.3}", name, mean, var.sqrt())?;
        }
        for s in self.skipped.iter().take(10) {
            writeln!(
                f,
                "  skipped line {}: missing {}",
                s.line,
                s.missing.join(", ")
            )?;
        }
        if self.skipped.len() > 10 {
            writeln!(f, "  ... and {} more skipped rows", self.skipped.len() - 10)?;
        }
        Ok(())
    }
}
