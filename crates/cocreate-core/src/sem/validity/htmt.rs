//! The heterotrait–monotrait ratio (semTools `htmt`, and HTMT2 with `htmt2 = TRUE`) from a
//! correlation matrix and the items of each factor, with the named matrices it returns.

use nalgebra::DMatrix;

use super::error::ValidityError;

/// A square matrix with row and column names, laid out as the references write it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct NamedMatrix {
    /// Row names.
    pub rownames: Vec<String>,
    /// Column names.
    pub colnames: Vec<String>,
    /// Rows of values (`None` where the value is undefined, e.g. an HTMT with a zero
    /// within-factor correlation).
    pub values: Vec<Vec<Option<f64>>>,
}

impl NamedMatrix {
    /// The value at (`row`, `col`) by name.
    pub fn get(&self, row: &str, col: &str) -> Option<f64> {
        let i = self.rownames.iter().position(|n| n == row)?;
        let j = self.colnames.iter().position(|n| n == col)?;
        self.values.get(i)?.get(j).copied().flatten()
    }
}

/// HTMT and HTMT2 from a correlation matrix (|r| is used) and the items of each factor
/// (semTools `htmt(absolute = TRUE)`; HTMT2 is its `htmt2 = TRUE`).
///
/// ```
/// use nalgebra::DMatrix;
/// use cocreate_core::sem::htmt;
/// let r = DMatrix::from_row_slice(4, 4, &[
///     1.0, 0.6, 0.3, 0.2,
///     0.6, 1.0, 0.2, 0.3,
///     0.3, 0.2, 1.0, 0.5,
///     0.2, 0.3, 0.5, 1.0]);
/// let names = ["a1", "a2", "b1", "b2"].map(String::from).to_vec();
/// let factors = vec![
///     ("A".to_string(), vec!["a1".to_string(), "a2".to_string()]),
///     ("B".to_string(), vec!["b1".to_string(), "b2".to_string()]),
/// ];
/// let (classic, _geometric) = htmt(&r, &names, &factors)?;
/// let want = 0.25 / (0.6f64 * 0.5).sqrt();
/// assert!((classic.get("A", "B").unwrap() - want).abs() < 1e-12);
/// # Ok::<(), cocreate_core::sem::ValidityError>(())
/// ```
pub fn htmt(
    cor: &DMatrix<f64>,
    variables: &[String],
    factors: &[(String, Vec<String>)],
) -> Result<(NamedMatrix, NamedMatrix), ValidityError> {
    check_matrix("the correlation", cor, variables.len())?;
    if factors.len() < 2 {
        return Err(ValidityError::OneFactor {
            factors: factors.len(),
        });
    }
    let mut groups = Vec::with_capacity(factors.len());
    for (f, items) in factors {
        if items.len() < 2 {
            return Err(ValidityError::TooFewItems {
                factor: f.clone(),
                items: items.len(),
            });
        }
        let mut idx = Vec::with_capacity(items.len());
        for it in items {
            match variables.iter().position(|v| v == it) {
                Some(j) => idx.push(j),
                None => {
                    return Err(ValidityError::UnknownItem {
                        factor: f.clone(),
                        item: it.clone(),
                    })
                }
            }
        }
        groups.push(idx);
    }
    let names: Vec<String> = factors.iter().map(|f| f.0.clone()).collect();
    Ok(htmt_indices(cor, &names, &groups))
}

/// A `k × k` matrix of finite values.
pub(super) fn check_matrix(
    matrix: &'static str,
    mat: &DMatrix<f64>,
    k: usize,
) -> Result<(), ValidityError> {
    if mat.nrows() != k || mat.ncols() != k {
        return Err(ValidityError::MatrixShape {
            matrix,
            rows: mat.nrows(),
            cols: mat.ncols(),
            variables: k,
        });
    }
    match mat.iter().position(|v| !v.is_finite()) {
        // Column-major: index = column * k + row.
        Some(bad) => Err(ValidityError::NonFiniteMatrix {
            matrix,
            row: bad % k + 1,
            column: bad / k + 1,
        }),
        None => Ok(()),
    }
}

pub(super) fn named(names: &[String], f: impl Fn(usize, usize) -> Option<f64>) -> NamedMatrix {
    let k = names.len();
    NamedMatrix {
        rownames: names.to_vec(),
        colnames: names.to_vec(),
        values: (0..k).map(|a| (0..k).map(|b| f(a, b)).collect()).collect(),
    }
}

pub(super) fn cov_to_cor(s: &DMatrix<f64>) -> DMatrix<f64> {
    let d: Vec<f64> = (0..s.nrows()).map(|i| s[(i, i)].sqrt()).collect();
    DMatrix::from_fn(s.nrows(), s.ncols(), |i, j| s[(i, j)] / (d[i] * d[j]))
}

/// Arithmetic and geometric means of |r| within and between item groups.
pub(super) fn htmt_indices(
    cor: &DMatrix<f64>,
    names: &[String],
    groups: &[Vec<usize>],
) -> (NamedMatrix, NamedMatrix) {
    let k = groups.len();
    // (arithmetic mean, geometric mean) of |r| over a block, off-diagonal when a == b.
    let block = |a: usize, b: usize| -> (f64, f64) {
        let (mut sum, mut logs, mut n) = (0.0, 0.0, 0usize);
        for (x, &i) in groups[a].iter().enumerate() {
            for (y, &j) in groups[b].iter().enumerate() {
                if a == b && x == y {
                    continue;
                }
                let r = cor[(i, j)].abs();
                sum += r;
                logs += r.ln();
                n += 1;
            }
        }
        (sum / n as f64, (logs / n as f64).exp())
    };
    let means: Vec<Vec<(f64, f64)>> = (0..k)
        .map(|a| (0..k).map(|b| block(a, b)).collect())
        .collect();
    let ratio = |num: f64, da: f64, db: f64| -> Option<f64> {
        let v = num / (da * db).sqrt();
        v.is_finite().then_some(v)
    };
    let classic = named(names, |a, b| {
        if a == b {
            Some(1.0)
        } else {
            ratio(means[a][b].0, means[a][a].0, means[b][b].0)
        }
    });
    let geometric = named(names, |a, b| {
        if a == b {
            Some(1.0)
        } else {
            ratio(means[a][b].1, means[a][a].1, means[b][b].1)
        }
    });
    (classic, geometric)
}
