//! Why a reliability and validity report could not be made.

/// Why the validity report could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidityError {
    /// The fit has several groups; the report is for one group's measurement model.
    #[error("reliability and validity are computed for single-group fits; this fit has {groups} groups (fit each group alone for its report)")]
    MultipleGroups {
        /// How many groups the fit has.
        groups: usize,
    },
    /// The model has no latent variable measured by observed items.
    #[error("the model has no latent variables measured by observed items (=~), so there is no composite to assess")]
    NoLatentVariables,
    /// The fit treated its indicators as ordered (WLSMV).
    #[error("reliability and validity of ordered indicators (semTools' categorical omega) are not implemented; for the ordinal alpha and omega of the scales see scoring's ordinal_reliability (score --ordinal)")]
    OrderedIndicators,
    /// A factor has fewer than two observed items.
    #[error("factor {factor:?} has {items} observed item(s); reliability, AVE and HTMT need at least 2 per factor")]
    TooFewItems {
        /// The factor.
        factor: String,
        /// How many observed items load on it.
        items: usize,
    },
    /// HTMT compares factors, so it needs at least two.
    #[error("HTMT needs at least two factors; the model has {factors}")]
    OneFactor {
        /// How many factors there are.
        factors: usize,
    },
    /// An item named for HTMT is not in the correlation matrix.
    #[error(
        "item {item:?} of factor {factor:?} is not among the variables of the correlation matrix"
    )]
    UnknownItem {
        /// The factor.
        factor: String,
        /// The item.
        item: String,
    },
    /// A matrix is not square with one row per variable.
    #[error("{matrix} matrix is {rows} × {cols} but there are {variables} variables")]
    MatrixShape {
        /// Which matrix (`the correlation`, `the sample covariance`, ...).
        matrix: &'static str,
        /// Its rows.
        rows: usize,
        /// Its columns.
        cols: usize,
        /// The variables it should have.
        variables: usize,
    },
    /// A matrix holds a value that is not finite.
    #[error("{matrix} matrix holds a value that is not finite at row {row}, column {column}")]
    NonFiniteMatrix {
        /// Which matrix.
        matrix: &'static str,
        /// 1-based row.
        row: usize,
        /// 1-based column.
        column: usize,
    },
    /// A threshold is outside (0, 1].
    #[error("threshold {name} = {value} must lie in (0, 1]")]
    InvalidThreshold {
        /// The threshold (`omega`, `ave`, `htmt_strict`, `htmt_liberal`).
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// The strict HTMT bound is above the liberal one.
    #[error("the strict HTMT bound {strict} is above the liberal one {liberal}")]
    HtmtBoundsReversed {
        /// The strict bound.
        strict: f64,
        /// The liberal bound.
        liberal: f64,
    },
    /// A factor's variance is not positive.
    #[error("factor {factor:?}: its variance is {variance}, so its reliability is undefined")]
    FactorVariance {
        /// The factor.
        factor: String,
        /// The variance (zero, negative or NaN).
        variance: f64,
    },
    /// The items of a factor have a total variance of zero.
    #[error("factor {factor:?}: its items have a total variance of zero, so its reliability is undefined")]
    ZeroItemVariance {
        /// The factor.
        factor: String,
    },
}
