//! Preparation: from a model, a data table and the options to what every estimator
//! starts from: the compiled model, the rows kept (with the warning that says which were
//! dropped and why), per-fit sample moments and the checks on them (too few rows, zero
//! variance, a singular covariance matrix, more parameters than moments).
//!
//! Estimators (`complete`, `fiml`) and the bootstrap's replicates take their moments from
//! here, so a data problem reads the same whichever estimator meets it.

use nalgebra::{DMatrix, DVector};

use super::constraints::equality_rank;
use super::error::{SemError, SemWarning};
use super::linalg::Chol;
use super::model::Model;
use super::op::Op;
use super::options::{MeanStructure, Missing, SeMethod, SemOptions};
use super::partable::ParameterTable;
use super::ram::Compiled;
use crate::data::Table;

/// Sample moments with the N denominator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Moments {
    pub cov: DMatrix<f64>,
    pub mean: DVector<f64>,
    pub n: usize,
}

/// The compiled model and its data matrix (rows × observed, NaN = missing).
pub(crate) struct Prepared {
    pub compiled: Compiled,
    pub data: DMatrix<f64>,
    pub n_original: usize,
    pub warnings: Vec<SemWarning>,
}

pub(crate) fn prepare(
    model: &Model,
    data: &Table,
    options: &SemOptions,
) -> Result<Prepared, SemError> {
    let has_intercepts = model.relations().iter().any(|r| r.op == Op::Intercept);
    let meanstructure = match options.meanstructure {
        MeanStructure::On => true,
        MeanStructure::Off => false,
        MeanStructure::Auto => options.missing != Missing::Listwise || has_intercepts,
    };
    if model.relations().is_empty() {
        return Err(SemError::EmptyModel);
    }
    let table = ParameterTable::build(model, options, meanstructure)?;
    check_table_against_data(&table, data, options)?;
    let sel = data.select(table.observed())?;
    let p = table.observed().len();
    let n_original = sel.n_rows();
    let compiled = Compiled::new(table);
    let x_idx = compiled.x_idx.clone();
    let mut warnings = Vec::new();
    let keep = |row: &[f64]| -> bool {
        match options.missing {
            Missing::Listwise => row.iter().all(|v| !v.is_nan()),
            Missing::Ml => {
                !row.iter().all(|v| v.is_nan()) && x_idx.iter().all(|&i| !row[i].is_nan())
            }
            Missing::MlX => !row.iter().all(|v| v.is_nan()),
        }
    };
    let rows: Vec<usize> = (0..n_original).filter(|&r| keep(sel.row(r))).collect();
    let dropped = n_original - rows.len();
    if dropped > 0 {
        let reason = match options.missing {
            Missing::Listwise => "listwise deletion of rows with a missing value",
            Missing::Ml => "rows with every variable missing or a missing fixed covariate (use missing = ml.x to keep the latter)",
            Missing::MlX => "rows with every variable missing",
        };
        warnings.push(SemWarning::RowsDropped {
            dropped,
            reason: reason.into(),
        });
    }
    let data = DMatrix::from_fn(rows.len(), p, |r, j| sel.row(rows[r])[j]);
    Ok(Prepared {
        compiled,
        data,
        n_original,
        warnings,
    })
}

/// Sample moments (N denominator) of complete rows.
pub(crate) fn moments_of(data: &DMatrix<f64>) -> Moments {
    let (n, p) = data.shape();
    let nf = n as f64;
    let mean = DVector::from_fn(p, |j, _| data.column(j).sum() / nf);
    let mut centred = data.clone();
    for j in 0..p {
        let m = mean[j];
        centred.column_mut(j).add_scalar_mut(-m);
    }
    let cov = centred.transpose() * &centred / nf;
    Moments { cov, mean, n }
}

/// Zero variances and a non-positive-definite sample covariance, with the variables named.
pub(crate) fn check_moments(c: &Compiled, mo: &Moments) -> Result<f64, SemError> {
    let p = c.p;
    if mo.n < 2 {
        return Err(SemError::TooFewRows { n: mo.n, p });
    }
    for i in 0..p {
        let v = mo.cov[(i, i)];
        let mean = mo.mean[i];
        if !v.is_finite() || !mean.is_finite() {
            return Err(SemError::MomentsOverflow {
                name: c.var_name(i).to_string(),
            });
        }
        // Relative to the size of the values: a constant column leaves only rounding
        // (about 1e-32 of its square), while a variable in small units keeps its variance.
        if v <= 1e-14 * mean * mean || v <= f64::MIN_POSITIVE {
            return Err(SemError::ZeroVariance {
                name: c.var_name(i).to_string(),
                n: mo.n,
            });
        }
    }
    match Chol::new(&mo.cov) {
        Some(ch) => Ok(ch.logdet()),
        None => Err(not_pd_error(c, &mo.cov, mo.n)),
    }
}

fn not_pd_error(c: &Compiled, s: &DMatrix<f64>, n: usize) -> SemError {
    let p = s.nrows();
    for k in 1..p {
        let sub = s.view((0, 0), (k + 1, k + 1)).into_owned();
        if Chol::new(&sub).is_none() {
            let head = s.view((0, 0), (k, k)).into_owned();
            let rhs = s.view((0, k), (k, 1)).into_owned();
            let mut involved = vec![c.var_name(k).to_string()];
            if let Some(b) = head.lu().solve(&rhs) {
                for j in 0..k {
                    let w = b[j] * (s[(j, j)] / s[(k, k)]).sqrt();
                    if w.abs() > 1e-6 {
                        involved.push(c.var_name(j).to_string());
                    }
                }
            }
            let detail = if involved.len() > 1 {
                format!(
                    "{} is (nearly) a linear combination of {}",
                    involved[0],
                    involved[1..].join(", ")
                )
            } else {
                format!("{} makes the matrix singular", involved[0])
            };
            let detail = if n <= p {
                format!("{detail} ({n} rows for {p} variables)")
            } else {
                detail
            };
            return SemError::SampleCovNotPd {
                detail,
                variables: involved,
            };
        }
    }
    SemError::SampleCovNotPd {
        detail: "the matrix is not positive definite".into(),
        variables: Vec::new(),
    }
}

/// The number of parameters estimated: the free parameters less the rank of the general
/// equality constraints (lavaan's `npar`; inequalities do not count, as in lavaan).
pub(crate) fn npar(c: &Compiled) -> usize {
    c.q() - equality_rank(&c.table.constraints, c.q())
}

/// Degrees of freedom: moments not fixed by `fixed.x`, minus the parameters estimated.
pub(crate) fn degrees_of_freedom(c: &Compiled) -> (i64, usize) {
    let (p, px) = (c.p as i64, c.x_idx.len() as i64);
    let ms = c.meanstructure as i64;
    let moments = p * (p + 1) / 2 + ms * p - (px * (px + 1) / 2 + ms * px);
    (moments - npar(c) as i64, moments as usize)
}

pub(crate) fn check_df(c: &Compiled) -> Result<f64, SemError> {
    let (df, moments) = degrees_of_freedom(c);
    if df < 0 {
        return Err(SemError::NegativeDf {
            npar: npar(c),
            moments,
            df,
        });
    }
    Ok(df as f64)
}

/// Moments of the resample with row multiplicities `counts` (`data` row-major, `p` columns).
pub(crate) fn resampled_moments(data: &[f64], p: usize, counts: &[u32], n: usize) -> Moments {
    let nf = n as f64;
    let mut mean = DVector::zeros(p);
    for (r, &c) in counts.iter().enumerate() {
        if c > 0 {
            let row = &data[r * p..(r + 1) * p];
            for j in 0..p {
                mean[j] += c as f64 * row[j];
            }
        }
    }
    mean /= nf;
    let mut cov = DMatrix::zeros(p, p);
    let mut d = vec![0.0; p];
    for (r, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let cf = c as f64;
        let row = &data[r * p..(r + 1) * p];
        for j in 0..p {
            d[j] = row[j] - mean[j];
        }
        for j in 0..p {
            let dj = cf * d[j];
            for i in j..p {
                cov[(i, j)] += dj * d[i];
            }
        }
    }
    for j in 0..p {
        for i in j..p {
            let v = cov[(i, j)] / nf;
            cov[(i, j)] = v;
            cov[(j, i)] = v;
        }
    }
    Moments { cov, mean, n }
}

/// What every fit checks of its parameter table against the data before any work: no
/// latent variable is named like a column, every observed variable is a column, and the
/// bootstrap draws to be stored stay within [`super::MAX_BOOTSTRAP_CELLS`].
pub(crate) fn check_table_against_data(
    table: &ParameterTable,
    data: &Table,
    options: &SemOptions,
) -> Result<(), SemError> {
    for name in table.latent() {
        if data.column_index(name).is_some() {
            return Err(SemError::LatentIsColumn {
                name: name.clone(),
                position: table.position_of(name),
            });
        }
    }
    for name in table.observed() {
        if data.column_index(name).is_none() {
            return Err(SemError::UnknownVariable {
                name: name.clone(),
                position: table.position_of(name),
            });
        }
    }
    if options.se == SeMethod::Bootstrap {
        // Every replicate keeps its free and defined parameters: check the total before the
        // first replicate runs.
        let per_draw = table.n_free() + table.definitions.len();
        let cells = options.bootstrap.saturating_mul(per_draw);
        if cells > super::MAX_BOOTSTRAP_CELLS {
            return Err(SemError::TooLarge {
                what: format!(
                    "stored bootstrap draws ({} replicates times {per_draw} free and defined parameters)",
                    options.bootstrap
                ),
                found: cells,
                limit: super::MAX_BOOTSTRAP_CELLS,
            });
        }
    }
    Ok(())
}
