//! Ordered categorical variables: thresholds, polychoric and polyserial correlations and
//! their asymptotic covariance matrix, as lavaan 0.6-14 computes them.
//!
//! Likert items are ordered categories, not numbers. The usual model (Pearson 1900;
//! Olsson 1979) takes each answer as a coarsened normal *latent response*: category k is
//! chosen when the latent response lies between thresholds τ_{k−1} and τ_k. lavaan's
//! `lavCor(data, ordered = TRUE)` and the first stage of `estimator = "WLSMV"` estimate
//! in two steps:
//!
//! 1. each variable on its own: the thresholds of an ordered variable are the normal
//!    quantiles of its cumulative proportions, τ_k = Φ⁻¹(P(answer ≤ k)); a numeric
//!    variable has its mean and variance;
//! 2. each correlation on its own, by maximum likelihood of the bivariate normal with
//!    the thresholds held fixed: polychoric (two ordered variables; the cell
//!    probabilities are rectangles of the bivariate normal CDF, computed by Genz's
//!    algorithm as R's `pbivnorm`, see [`pbivnorm`]), polyserial (numeric and ordered),
//!    Pearson (two numeric).
//!
//! With [`LavCorOptions::nacov`] the asymptotic covariance matrix Γ of all these
//! estimates (lavaan's `NACOV`, Muthén 1984) comes too, from the casewise scores of the
//! two steps: it is what WLSMV weights by and corrects its standard errors and test
//! with. Formulas and sources: `docs/methods/ordinal.md`; comparisons with lavaan:
//! `docs/validation.md`.
//!
//! ```
//! use cocreate_core::data::Table;
//! use cocreate_core::ordinal::{lav_cor, LavCorOptions};
//!
//! let csv = "a,b,c\n1,1,2\n2,2,1\n3,3,3\n1,2,1\n2,1,2\n3,2,3\n2,3,3\n1,1,1\n3,3,2\n2,2,2\n";
//! let table = Table::from_csv_reader(csv.as_bytes())?;
//! let pc = lav_cor(&table, &LavCorOptions::default())?;
//! assert_eq!(pc.thresholds.len(), 6); // three categories each: two thresholds
//! assert!(pc.threshold("a|t1").unwrap() < 0.0); // 3 of 10 answered 1: Φ⁻¹(0.3)
//! let r = pc.get("a", "b").unwrap();
//! assert!(r > 0.0 && r < 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What lavaan does with awkward data, and what happens here
//!
//! - **Missing values**: rows missing any of the variables are dropped (lavaan's
//!   `missing = "listwise"`, its default for `lavCor`); the result says how many rows
//!   were used. Pairwise estimation is not offered.
//! - **Categories** are the distinct values observed (lavaan): a 1–5 item nobody
//!   answered with 3 has four categories, and a warning says so. Declaring the range
//!   ([`Categories::Range`]) makes an unchosen category an error instead.
//! - **Values that are not whole numbers** in an ordered variable are an error (lavaan
//!   would make each distinct value a category); so is an ordered variable with more
//!   than [`MAX_CATEGORIES`] categories (lavaan warns above 12) and one with a single
//!   answered category (lavaan refuses it too). Nothing is ever treated as continuous
//!   unless it was declared so.
//! - **Empty cells** of a 2 × 2 table: one empty cell gets ½ moved into it keeping the
//!   margins; two empty cells give ±1 (both as lavaan, each with a warning). Larger
//!   tables are used as they are. A 2 × 2 table whose thresholds are both 0 has the
//!   closed form −cos(2π p₁₁), and one with f₁₁f₂₂ = f₁₂f₂₁ has 0 (lavaan's shortcuts).
//!
//! # Untrusted input
//!
//! - At most [`MAX_VARIABLES`] variables (the work grows with the square: every pair
//!   is one maximisation).
//! - At most [`MAX_CATEGORIES`] categories per ordered variable, checked while reading
//!   the column.
//! - Γ has `m × m` entries, m the number of thresholds, numeric variances and
//!   correlations; m is at most [`MAX_NACOV_DIM`], checked before anything is allocated.
//!   It is accumulated over blocks of rows, so no `rows × m` matrix is ever held.
//! - The data themselves are bounded by [`crate::data::Table`]'s limits.

mod bivariate;
mod bvnorm;
mod error;
mod nacov;
mod options;
mod prepare;
mod result;
mod univariate;

pub use bvnorm::pbivnorm;
pub use error::OrdinalError;
pub(crate) use nacov::GammaParts;
pub use options::{Categories, LavCorOptions, LavCorOptionsBuilder, Ordered};
pub use result::{
    Nacov, OrdinalVariable, OrdinalWarning, PolychoricMatrix, Threshold, VariableKind,
};

use crate::data::Table;

use bivariate::{cross_table, pearson, polychoric, polyserial, PairNote};
use prepare::Column;

/// Most categories of one ordered variable.
pub const MAX_CATEGORIES: usize = 20;
/// Most variables of one correlation matrix.
pub const MAX_VARIABLES: usize = 500;
/// Largest dimension of the asymptotic covariance matrix Γ (thresholds, numeric
/// variances and correlations): 4,096, so Γ takes at most 128 MiB.
pub const MAX_NACOV_DIM: usize = 4096;

/// A correlation above this in absolute value is reported (lavaan's warning).
const NEAR_ONE: f64 = 0.99;

/// Thresholds and polychoric / polyserial / Pearson correlations of the table's
/// variables, as lavaan's `lavCor(data, ordered = ..., output = "sampstat")` (two-step
/// estimation, listwise deletion); with Γ when [`LavCorOptions::nacov`] is set.
///
/// Errors name the variable and, for a cell, its row and CSV line: an unknown or text
/// column, a value that is not a whole number in an ordered variable, more than
/// [`MAX_CATEGORIES`] categories, a single answered category, an unchosen category of a
/// declared range, a constant numeric variable, no complete row.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::ordinal::{lav_cor, LavCorOptions, OrdinalError};
///
/// let table = Table::from_csv_reader("a,b\n1,2\n2,2.5\n".as_bytes())?;
/// let err = lav_cor(&table, &LavCorOptions::default()).unwrap_err();
/// assert!(matches!(err, OrdinalError::NotInteger { .. }));
/// assert!(err.to_string().starts_with("row 2 (line 3), variable \"b\": 2.5 is not a whole number"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lav_cor(table: &Table, options: &LavCorOptions) -> Result<PolychoricMatrix, OrdinalError> {
    let ts = two_step(table, options)?;
    let nacov = if options.nacov() {
        let f = ts.factor()?;
        Some(Nacov {
            labels: f.labels(),
            n: ts.pc.n_used,
            // Symmetric: the column-major storage is the row-major matrix.
            values: f.gamma().data.into(),
        })
    } else {
        None
    };
    let mut pc = ts.pc;
    pc.nacov = nacov;
    Ok(pc)
}

/// The two steps without Γ, with what Γ (or its parts) is computed from.
pub(crate) struct TwoStep {
    /// Thresholds and correlations (`nacov` empty).
    pub pc: PolychoricMatrix,
    prep: prepare::Prepared,
    notes: Vec<PairNote>,
}

impl TwoStep {
    /// The casewise factor of Γ (refused at a correlation of ±1 or over
    /// [`MAX_NACOV_DIM`]).
    pub(crate) fn factor(&self) -> Result<nacov::Factor<'_>, OrdinalError> {
        nacov::Factor::new(&self.prep, &self.pc.correlations, &self.notes)
    }
}

/// Thresholds and correlations, keeping the data for Γ.
pub(crate) fn two_step(table: &Table, options: &LavCorOptions) -> Result<TwoStep, OrdinalError> {
    let prep = prepare::prepare(table, options)?;
    let p = prep.columns.len();
    if options.nacov() {
        // Refused before any work, not after the correlations.
        nacov::check_dim(&prep.columns)?;
    }
    let pairs: Vec<(usize, usize)> = (0..p)
        .flat_map(|j| (j + 1..p).map(move |i| (i, j)))
        .collect();
    // Every correlation on its own: in parallel with the `parallel` feature, with the
    // same numbers either way.
    #[cfg(feature = "parallel")]
    let estimates: Vec<(f64, PairNote, bool)> = {
        use rayon::prelude::*;
        pairs
            .par_iter()
            .map(|&(i, j)| estimate_pair(&prep.columns[i], &prep.columns[j]))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let estimates: Vec<(f64, PairNote, bool)> = pairs
        .iter()
        .map(|&(i, j)| estimate_pair(&prep.columns[i], &prep.columns[j]))
        .collect();
    let mut cor = vec![0.0; p * p];
    for i in 0..p {
        cor[i * p + i] = 1.0;
    }
    let mut notes = Vec::with_capacity(pairs.len());
    let mut warnings = prep.warnings.clone();
    let mut empty_cell_pairs = Vec::new();
    for (&(i, j), &(rho, note, empty)) in pairs.iter().zip(&estimates) {
        let (first, second) = (&prep.names[j], &prep.names[i]);
        if empty {
            empty_cell_pairs.push((first.clone(), second.clone()));
        }
        match note {
            PairNote::ZeroCellCorrected => warnings.push(OrdinalWarning::ZeroCellCorrected {
                first: first.clone(),
                second: second.clone(),
            }),
            PairNote::TwoEmptyCells => warnings.push(OrdinalWarning::TwoEmptyCells {
                first: first.clone(),
                second: second.clone(),
                rho,
            }),
            PairNote::NotConverged => warnings.push(OrdinalWarning::NotConverged {
                first: first.clone(),
                second: second.clone(),
            }),
            PairNote::Estimated => {}
        }
        if rho.abs() > NEAR_ONE {
            warnings.push(OrdinalWarning::NearOne {
                first: first.clone(),
                second: second.clone(),
                rho,
            });
        }
        cor[i * p + j] = rho;
        cor[j * p + i] = rho;
        notes.push(note);
    }
    let mut thresholds = Vec::new();
    let mut variables = Vec::with_capacity(p);
    for (name, column) in prep.names.iter().zip(&prep.columns) {
        let kind =
            match column {
                Column::Ordered {
                    levels,
                    counts,
                    fit,
                    ..
                } => {
                    thresholds.extend(fit.thresholds.iter().enumerate().map(|(k, &value)| {
                        Threshold {
                            variable: name.clone(),
                            index: k + 1,
                            value,
                        }
                    }));
                    VariableKind::Ordered {
                        categories: levels.clone(),
                        counts: counts.clone(),
                    }
                }
                Column::Numeric { fit, .. } => VariableKind::Numeric {
                    mean: fit.mean,
                    variance: fit.variance,
                },
            };
        variables.push(OrdinalVariable {
            name: name.clone(),
            kind,
        });
    }
    let pc = PolychoricMatrix {
        variables,
        n_original: prep.n_original,
        n_used: prep.n_used,
        thresholds,
        correlations: cor,
        empty_cell_pairs,
        warnings,
        nacov: None,
    };
    Ok(TwoStep { pc, prep, notes })
}

/// The correlation of variables `j` (first) and `i`, how it came about, and whether
/// their cross table has an empty cell (two ordered variables only).
fn estimate_pair(ci: &Column, cj: &Column) -> (f64, PairNote, bool) {
    match (cj, ci) {
        (
            Column::Ordered {
                codes: cj, fit: fj, ..
            },
            Column::Ordered {
                codes: ci, fit: fi, ..
            },
        ) => {
            // lavaan's second step takes the earlier variable as the first.
            let freq = cross_table(cj, ci, fj.probs.len(), fi.probs.len());
            let (rho, note) = polychoric(fj, fi, &freq, cj, ci);
            (rho, note, freq.contains(&0.0))
        }
        (
            Column::Numeric { values, fit: fnum },
            Column::Ordered {
                codes, fit: ford, ..
            },
        )
        | (
            Column::Ordered {
                codes, fit: ford, ..
            },
            Column::Numeric { values, fit: fnum },
        ) => {
            let (rho, note) = polyserial(values, fnum, codes, ford);
            (rho, note, false)
        }
        (Column::Numeric { values: vj, .. }, Column::Numeric { values: vi, .. }) => {
            (pearson(vj, vi), PairNote::Estimated, false)
        }
    }
}
