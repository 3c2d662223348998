//! The one error type of the ordinal module.

use crate::data::DataError;

/// Where a cell is, for messages: the 1-based data row and, for data read from CSV, the
/// 1-based input line.
pub(crate) fn place(row: usize, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("row {row} (line {line})"),
        None => format!("row {row}"),
    }
}

/// A number as it reads in a message (exponent form when very large).
fn short(v: &f64) -> String {
    if v.is_finite() && v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// What went wrong while preparing ordered variables or estimating thresholds,
/// polychoric correlations and their asymptotic covariance matrix.
///
/// Every variant names the variable (and, for a cell, the row and CSV line) and what was
/// wrong with it. Nothing is ever treated as continuous without being declared so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OrdinalError {
    /// Reading or selecting the data failed (an unknown column, a column of text).
    #[error(transparent)]
    Data(#[from] DataError),
    /// Fewer than two variables were given.
    #[error("{found} variables given: a correlation matrix needs at least two")]
    TooFewVariables {
        /// The number given.
        found: usize,
    },
    /// A variable was named twice.
    #[error("variable {name:?} is named twice")]
    DuplicateVariable {
        /// The repeated name (cut to 80 characters).
        name: String,
    },
    /// A variable declared ordered is not among the variables correlated.
    #[error("ordered variable {name:?} is not among the variables ({available})")]
    UnknownOrdered {
        /// The name declared ordered (cut to 80 characters).
        name: String,
        /// The variables, comma separated (cut to 80 characters).
        available: String,
    },
    /// A size is over one of the documented limits ([`super::MAX_VARIABLES`],
    /// [`super::MAX_NACOV_DIM`]); refused before anything of that size is allocated.
    #[error("{what}: {found} exceeds the limit of {limit}")]
    TooLarge {
        /// What is too large.
        what: String,
        /// The size found.
        found: usize,
        /// The documented limit.
        limit: usize,
    },
    /// A declared response range is not one of whole-number categories.
    #[error("the category range {min} to {max} is not valid: {reason}")]
    InvalidRange {
        /// Lowest category given.
        min: f64,
        /// Highest category given.
        max: f64,
        /// Why it was refused.
        reason: String,
    },
    /// An ordered variable holds a value that is not a whole number.
    #[error("{place}, variable {variable:?}: {} is not a whole number, but an ordered variable's answers are whole-number categories (declare the variable numeric if it is continuous)", short(.value))]
    NotInteger {
        /// The variable.
        variable: String,
        /// Row and CSV line.
        place: String,
        /// The value.
        value: f64,
    },
    /// An ordered variable has more categories than [`super::MAX_CATEGORIES`].
    #[error("variable {variable:?} has {found} categories, more than the limit of {limit} for an ordered variable (is it continuous? then do not declare it ordered)")]
    TooManyCategories {
        /// The variable.
        variable: String,
        /// Distinct values found.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// An ordered variable has one answered category only, so it has no threshold.
    #[error("variable {variable:?} has only one answered category ({}) among the {n} rows used: an ordered variable needs at least two", short(.value))]
    OneCategory {
        /// The variable.
        variable: String,
        /// The one value answered.
        value: f64,
        /// Rows used.
        n: usize,
    },
    /// With a declared range of categories: a category that no respondent chose.
    #[error("variable {variable:?}: no respondent chose category {} of the declared range (counts per category {counts}); merge it with a neighbour, or let the observed values be the categories (lavaan's handling)", short(.category))]
    EmptyCategory {
        /// The variable.
        variable: String,
        /// The empty category.
        category: f64,
        /// The counts of every category of the range, as `1: 12, 2: 0, ...`.
        counts: String,
    },
    /// With a declared range of categories: a value outside it.
    #[error("{place}, variable {variable:?}: {} is outside the declared categories {min} to {max}", short(.value))]
    OutOfRange {
        /// The variable.
        variable: String,
        /// Row and CSV line.
        place: String,
        /// The value.
        value: f64,
        /// Lowest category.
        min: f64,
        /// Highest category.
        max: f64,
    },
    /// A numeric (continuous) variable has no variance among the rows used.
    #[error("numeric variable {variable:?} has the same value in every row used, so it has no correlation")]
    ZeroVariance {
        /// The variable.
        variable: String,
    },
    /// A numeric variable's values are so large that its moments (up to the fourth, which
    /// the asymptotic covariance needs) overflow.
    #[error("numeric variable {variable:?} holds values too large to square and square again (largest {}): its moments overflow; rescale it", short(.largest))]
    ValuesTooLarge {
        /// The variable.
        variable: String,
        /// The value of largest magnitude.
        largest: f64,
    },
    /// Listwise deletion left no rows.
    #[error("no row has a value for every variable ({n_rows} rows, each missing at least one): lavaan's listwise deletion leaves nothing")]
    NoCompleteRows {
        /// Rows in the data.
        n_rows: usize,
    },
    /// The asymptotic covariance matrix does not exist at a correlation of ±1.
    #[error("the correlation of {first:?} and {second:?} is {rho} (their 2 x 2 table has two empty cells), so the asymptotic covariance matrix of the correlations is not defined")]
    NacovUndefined {
        /// The first variable.
        first: String,
        /// The second variable.
        second: String,
        /// The correlation (1 or −1).
        rho: f64,
    },
    /// An information block of the first step is singular, so the asymptotic covariance
    /// matrix cannot be formed.
    #[error(
        "the asymptotic covariance matrix cannot be formed: the information of {what} is singular"
    )]
    SingularInformation {
        /// Which block (a variable's thresholds, or a correlation).
        what: String,
    },
}
