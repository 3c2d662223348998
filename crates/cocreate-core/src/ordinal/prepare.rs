//! From a table to validated columns: listwise deletion, ordered columns coded by
//! category, numeric columns kept as numbers. Every refusal names the variable and, for
//! a cell, its row and CSV line.

use crate::data::{excerpt, name_list, Table};

use super::error::{place, OrdinalError};
use super::options::{Categories, LavCorOptions};
use super::result::OrdinalWarning;
use super::univariate::{NumericFit, OrderedFit};
use super::{MAX_CATEGORIES, MAX_VARIABLES};

/// One variable after listwise deletion, with its first-step fit.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// An ordered variable: its categories (increasing), the 0-based category of every
    /// row used, the count of each category and its thresholds.
    Ordered {
        levels: Vec<f64>,
        codes: Vec<u8>,
        counts: Vec<usize>,
        fit: OrderedFit,
    },
    /// A numeric variable: its values in the rows used, mean and variance.
    Numeric { values: Vec<f64>, fit: NumericFit },
}

impl Column {
    /// Number of categories (ordered) or `None` (numeric).
    pub(crate) fn n_categories(&self) -> Option<usize> {
        match self {
            Column::Ordered { levels, .. } => Some(levels.len()),
            Column::Numeric { .. } => None,
        }
    }
}

/// The validated data of [`super::lav_cor`].
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
    pub n_original: usize,
    pub n_used: usize,
    pub warnings: Vec<OrdinalWarning>,
}

/// Selects the variables, drops every row with a missing value among them (lavaan's
/// `missing = "listwise"`) and validates each column.
pub(crate) fn prepare(table: &Table, options: &LavCorOptions) -> Result<Prepared, OrdinalError> {
    let names: Vec<String> = match options.variables() {
        Some(v) => v.to_vec(),
        // Every column but the table's identifier column, if it has one.
        None => table
            .names()
            .iter()
            .filter(|n| Some(n.as_str()) != table.id_column())
            .cloned()
            .collect(),
    };
    if names.len() < 2 {
        return Err(OrdinalError::TooFewVariables { found: names.len() });
    }
    if names.len() > MAX_VARIABLES {
        return Err(OrdinalError::TooLarge {
            what: "variables to correlate".into(),
            found: names.len(),
            limit: MAX_VARIABLES,
        });
    }
    if let super::Ordered::Only(ordered) = options.ordered() {
        if let Some(unknown) = ordered.iter().find(|o| !names.contains(o)) {
            return Err(OrdinalError::UnknownOrdered {
                name: excerpt(unknown),
                available: name_list(&names),
            });
        }
    }
    let data = table.select(&names)?;
    let p = names.len();
    let n_original = data.n_rows();
    let values = data.values();
    let used: Vec<usize> = (0..n_original)
        .filter(|&r| values[r * p..(r + 1) * p].iter().all(|v| !v.is_nan()))
        .collect();
    if used.is_empty() {
        return Err(OrdinalError::NoCompleteRows { n_rows: n_original });
    }
    let line = |r: usize| table.has_source_lines().then(|| table.source_line(r));
    let mut warnings = Vec::new();
    let mut columns = Vec::with_capacity(p);
    for (c, name) in names.iter().enumerate() {
        // `+ 0.0` turns −0 into 0, so that the two are one category.
        let column: Vec<f64> = used.iter().map(|&r| values[r * p + c] + 0.0).collect();
        if options.ordered().contains(name) {
            if let Some(k) = column.iter().position(|v| v.fract() != 0.0) {
                let r = used[k];
                return Err(OrdinalError::NotInteger {
                    variable: excerpt(name),
                    place: place(r + 1, line(r)),
                    value: column[k],
                });
            }
            let col = match options.categories() {
                Categories::Observed => observed(name, &column, &mut warnings)?,
                Categories::Range { min, max } => {
                    if let Some(k) = column.iter().position(|&v| v < min || v > max) {
                        let r = used[k];
                        return Err(OrdinalError::OutOfRange {
                            variable: excerpt(name),
                            place: place(r + 1, line(r)),
                            value: column[k],
                            min,
                            max,
                        });
                    }
                    declared(name, &column, min, max)?
                }
            };
            columns.push(col);
        } else {
            let n = column.len() as f64;
            let mean = column.iter().sum::<f64>() / n;
            let fourth: f64 = column.iter().map(|&v| (v - mean).powi(4)).sum();
            if !mean.is_finite() || !fourth.is_finite() {
                let largest = column
                    .iter()
                    .fold(0.0_f64, |m, &v| if v.abs() > m.abs() { v } else { m });
                return Err(OrdinalError::ValuesTooLarge {
                    variable: excerpt(name),
                    largest,
                });
            }
            if column.iter().all(|&v| v == column[0]) {
                return Err(OrdinalError::ZeroVariance {
                    variable: excerpt(name),
                });
            }
            let fit = NumericFit::new(&column);
            columns.push(Column::Numeric {
                values: column,
                fit,
            });
        }
    }
    Ok(Prepared {
        names,
        columns,
        n_original,
        n_used: used.len(),
        warnings,
    })
}

/// Categories as the distinct observed values (lavaan), with a warning for whole
/// numbers between two observed categories that nobody chose.
fn observed(
    name: &str,
    column: &[f64],
    warnings: &mut Vec<OrdinalWarning>,
) -> Result<Column, OrdinalError> {
    let mut levels: Vec<f64> = Vec::with_capacity(MAX_CATEGORIES + 1);
    for &v in column {
        if let Err(at) = levels.binary_search_by(|l| l.total_cmp(&v)) {
            if levels.len() == MAX_CATEGORIES {
                let mut all: Vec<f64> = column.to_vec();
                all.sort_by(f64::total_cmp);
                all.dedup();
                return Err(OrdinalError::TooManyCategories {
                    variable: excerpt(name),
                    found: all.len(),
                    limit: MAX_CATEGORIES,
                });
            }
            levels.insert(at, v);
        }
    }
    if levels.len() < 2 {
        return Err(OrdinalError::OneCategory {
            variable: excerpt(name),
            value: levels[0],
            n: column.len(),
        });
    }
    let gaps: Vec<(f64, f64)> = levels
        .windows(2)
        .filter(|w| w[1] - w[0] > 1.0)
        .map(|w| (w[0], w[1]))
        .collect();
    if !gaps.is_empty() {
        warnings.push(OrdinalWarning::UnusedCategories {
            variable: excerpt(name),
            gaps,
            categories: levels.len(),
        });
    }
    Ok(coded(column, levels))
}

/// Categories as every whole number of a declared range, each chosen by someone.
fn declared(name: &str, column: &[f64], min: f64, max: f64) -> Result<Column, OrdinalError> {
    let k = (max - min) as usize + 1;
    let levels: Vec<f64> = (0..k).map(|i| min + i as f64).collect();
    let col = coded(column, levels);
    if let Column::Ordered { levels, counts, .. } = &col {
        if let Some(empty) = counts.iter().position(|&c| c == 0) {
            let listed: Vec<String> = levels
                .iter()
                .zip(counts)
                .map(|(l, c)| format!("{l}: {c}"))
                .collect();
            return Err(OrdinalError::EmptyCategory {
                variable: excerpt(name),
                category: levels[empty],
                counts: listed.join(", "),
            });
        }
    }
    Ok(col)
}

/// Codes every value by its category (values are known to be levels).
fn coded(column: &[f64], levels: Vec<f64>) -> Column {
    let mut counts = vec![0usize; levels.len()];
    let codes: Vec<u8> = column
        .iter()
        .map(|&v| {
            // Every value is a level (observed, or checked against the range).
            let c = match levels.binary_search_by(|l| l.total_cmp(&v)) {
                Ok(c) | Err(c) => c.min(levels.len() - 1),
            };
            counts[c] += 1;
            c as u8
        })
        .collect();
    let fit = OrderedFit::new(&counts);
    Column::Ordered {
        levels,
        codes,
        counts,
        fit,
    }
}
