//! Errors and warnings of the SEM engine.
//!
//! Errors stop a fit: the model text is malformed, a variable is unknown, the model is not
//! identified, the data cannot support it, or the optimiser did not converge. Warnings
//! ([`SemWarning`]) travel inside a successful result and are printed at the top of the
//! summary: a fit with a Heywood case is still a fit, but nobody should miss it.

use std::fmt;

use super::op::Op;

/// User text in a message: quoted, escaped and cut to [`crate::data::EXCERPT_CHARS`].
pub(crate) fn quoted(text: &str) -> String {
    format!("{:?}", crate::data::excerpt(text))
}

/// A place in the model text: 1-based line and column (in characters).
///
/// ```
/// use cocreate_core::sem::Position;
/// let p = Position { line: 2, column: 7 };
/// assert_eq!(p.to_string(), "line 2, column 7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The model text could not be read: where, and what was expected.
///
/// ```
/// use cocreate_core::sem::Model;
/// let err = Model::parse("f =~ x1 +\n  + x2").unwrap_err();
/// assert_eq!((err.position.line, err.position.column), (2, 3));
/// assert!(err.to_string().contains("expected a variable name"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("model syntax error at {position}: {message}")]
#[non_exhaustive]
pub struct SyntaxError {
    /// Where the problem starts.
    pub position: Position,
    /// What was expected and what was found, as a sentence fragment.
    pub message: String,
}

impl SyntaxError {
    pub(crate) fn new(position: Position, message: impl Into<String>) -> Self {
        SyntaxError {
            position,
            message: message.into(),
        }
    }
}

/// Why a model could not be fitted.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::sem::{Model, SemError, SemOptions};
///
/// let data = Table::new(vec!["x".into(), "y".into()], vec![
///     vec![Some(1.0), Some(2.0)], vec![Some(2.0), Some(2.5)], vec![Some(3.0), Some(4.5)],
/// ])?;
/// let model = Model::parse("y ~ z")?;
/// let err = model.fit(&data, &SemOptions::default()).unwrap_err();
/// assert!(matches!(err, SemError::UnknownVariable { .. }));
/// assert!(err.to_string().contains("\"z\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SemError {
    /// The model text is malformed.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The data could not be used (unknown column, text in a numeric column, ...).
    #[error("data error: {0}")]
    Data(#[from] crate::data::DataError),
    /// Ordered variables could not be used (an answer that is not a whole number, a
    /// single answered category, too many categories, ...).
    #[error(transparent)]
    Ordinal(#[from] crate::ordinal::OrdinalError),
    /// The model uses ordered variables in a way WLSMV here does not support.
    #[error("{what}: {reason}")]
    OrderedUnsupported {
        /// What in the model (the variables or parameters named).
        what: String,
        /// Why, and what is supported.
        reason: &'static str,
    },
    /// A name in the model is neither a column of the data nor a latent variable.
    #[error("variable {name:?} at {position} is neither a column of the data nor a latent variable (defined with =~)")]
    UnknownVariable {
        /// The name.
        name: String,
        /// Where it appears in the model text (line 0 for models built in code).
        position: Position,
    },
    /// A name used in a defined parameter or constraint is not a label of the model.
    #[error("{name:?} at {position} is not a parameter label nor an earlier defined parameter")]
    UnknownLabel {
        /// The name.
        name: String,
        /// Where it appears.
        position: Position,
    },
    /// A name in a model built in code or read from JSON is not a lavaan name (a letter,
    /// `_` or `.` first, then letters, digits, `_` and `.`).
    #[error("{} is not a valid {what} name", quoted(name))]
    InvalidName {
        /// The name.
        name: String,
        /// What it names: `variable`, `defined-parameter` or `label`.
        what: &'static str,
    },
    /// An intercept (`~ 1`) read from JSON has a right-hand side.
    #[error(
        "the intercept of {} has a right-hand side {}; an intercept is written `{variable} ~ 1`",
        quoted(variable),
        quoted(rhs)
    )]
    InterceptWithRhs {
        /// The variable.
        variable: String,
        /// The right-hand side it should not have.
        rhs: String,
    },
    /// A relation with the `:=` operator was given to [`ModelBuilder::relation`](super::ModelBuilder::relation).
    #[error(
        "{} := ... is a defined parameter, not a relation: add it with ModelBuilder::define",
        quoted(name)
    )]
    DefinitionAsRelation {
        /// The left-hand side given.
        name: String,
    },
    /// A defined parameter read from JSON has an expression that is not its text.
    #[error(
        "the expression of defined parameter {} does not match its text {}",
        quoted(name),
        quoted(text)
    )]
    DefinitionMismatch {
        /// The defined parameter.
        name: String,
        /// Its text.
        text: String,
    },
    /// A general constraint read from JSON has an expression that is not its text.
    #[error(
        "the expressions of constraint {} do not match its text",
        quoted(constraint)
    )]
    ConstraintMismatch {
        /// The constraint as written.
        constraint: String,
    },
    /// A constraint is not linear in the free parameters (`a == b^2`, `a*b > 1` with both
    /// free): only linear constraints are supported.
    #[error("the constraint {} at {position} is not linear in the free parameters ({reason}); only linear constraints are supported (lavaan fits nonlinear ones with nlminb.constr)", quoted(constraint))]
    NonlinearConstraint {
        /// The constraint as written.
        constraint: String,
        /// What makes it nonlinear.
        reason: String,
        /// Where it is written.
        position: Position,
    },
    /// A constraint names a label whose value is not a parameter: a moment of the fixed
    /// exogenous covariates (`fixed.x`), taken from the data.
    #[error("the constraint {} at {position} names {}, a (co)variance or mean of the fixed exogenous covariates taken from the data; constrain it with fixed_x(false)", quoted(constraint), quoted(label))]
    ConstraintOnCovariate {
        /// The constraint as written.
        constraint: String,
        /// The label.
        label: String,
        /// Where the constraint is written.
        position: Position,
    },
    /// A defined parameter (`:=`) takes a name already used by a label or an earlier
    /// definition.
    #[error(
        "defined parameter {} at {position} reuses a label or an earlier definition",
        quoted(name)
    )]
    DuplicateDefinition {
        /// The name.
        name: String,
        /// Where it is defined (line 0 for models built in code).
        position: Position,
    },
    /// The same relation is written twice (`~~` in either order).
    #[error("the relation {lhs} {op} {rhs} at {position} is written twice")]
    DuplicateRelation {
        /// Left-hand side.
        lhs: String,
        /// Operator.
        op: Op,
        /// Right-hand side.
        rhs: String,
        /// Where the second one is written.
        position: Position,
    },
    /// A latent variable is listed among its own indicators (`f =~ f`).
    #[error(
        "latent variable {} at {position} cannot be its own indicator",
        quoted(latent)
    )]
    SelfIndicator {
        /// The latent variable.
        latent: String,
        /// Where.
        position: Position,
    },
    /// [`Model::add_effects`](super::Model::add_effects) found no regression path.
    #[error("no regression path leads from {} to {}", quoted(from), quoted(to))]
    NoPath {
        /// The predictor.
        from: String,
        /// The outcome.
        to: String,
    },
    /// An option has a value it does not allow.
    #[error("option {option} cannot be {value}: {allowed}")]
    InvalidOption {
        /// The option, by its builder name (`level`, `bootstrap`, `estimator`).
        option: &'static str,
        /// The value given, as written (text quoted and cut to 80 characters).
        value: String,
        /// What the option allows, as a sentence.
        allowed: String,
    },
    /// An option's value cannot be used together with another option, the model or the
    /// method asked for.
    #[error("option {option} = {value} cannot be used with {with}: {reason}")]
    IncompatibleOptions {
        /// The option, by its builder name.
        option: &'static str,
        /// Its value.
        value: String,
        /// What it cannot be combined with (`missing = ml`, `fixed exogenous covariates
        /// (x1, x2)`, `modification indices`).
        with: String,
        /// Why, and what to do instead.
        reason: &'static str,
    },
    /// A latent variable has neither a fixed loading nor a fixed variance.
    #[error("latent variable {name:?} has no scale: fix one of its loadings (the default marker) or its variance (std_lv)")]
    UnscaledLatent {
        /// The latent variable.
        name: String,
    },
    /// More free parameters than sample moments.
    #[error("the model is not identified: {npar} free parameters but only {moments} sample moments (df = {df})")]
    NegativeDf {
        /// Free parameters.
        npar: usize,
        /// Sample moments available.
        moments: usize,
        /// Degrees of freedom (negative).
        df: i64,
    },
    /// An observed variable has no variance in the rows used.
    #[error("variable {name:?} has zero variance in the {n} rows used")]
    ZeroVariance {
        /// The variable.
        name: String,
        /// Rows used.
        n: usize,
    },
    /// The sample covariance matrix is singular or not positive definite.
    #[error("the sample covariance matrix is not positive definite: {detail}")]
    SampleCovNotPd {
        /// Which variables are (nearly) linearly dependent.
        detail: String,
        /// The variables involved.
        variables: Vec<String>,
    },
    /// With full-information ML, an observed variable of the model has a value in fewer
    /// than two rows, so its mean and variance cannot be estimated.
    #[error("variable {name:?} has {n} observed value(s); full-information ML needs at least 2 to estimate its mean and variance")]
    TooFewObserved {
        /// The variable.
        name: String,
        /// Rows where it has a value.
        n: usize,
    },
    /// Too few rows for the number of variables.
    #[error("{n} usable rows are too few for {p} observed variables")]
    TooFewRows {
        /// Rows used.
        n: usize,
        /// Observed variables in the model.
        p: usize,
    },
    /// The model's regressions form a loop that has no solution (I - B is singular).
    #[error(
        "the regressions form a loop whose implied covariance does not exist (I - B is singular)"
    )]
    SingularStructure,
    /// The model-implied covariance at the starting values is not positive definite.
    #[error("no positive-definite starting point was found: the implied covariance matrix at the starting values is not positive definite")]
    BadStart,
    /// The optimiser did not reach the optimum.
    #[error("the estimation did not converge after {iterations} iterations (gradient norm {gradient_norm:.3e}); {reason}")]
    NotConverged {
        /// Iterations done.
        iterations: usize,
        /// Largest absolute gradient element at the last point.
        gradient_norm: f64,
        /// What stopped the optimiser.
        reason: String,
    },
    /// Every bootstrap replicate failed.
    #[error("all {requested} bootstrap replicates failed to converge")]
    BootstrapFailed {
        /// Replicates requested.
        requested: usize,
    },
    /// The mean or variance of a variable overflows (values near the largest `f64`).
    #[error("the variance of variable {name:?} is too large to compute (its values are near the largest number a float holds); rescale the variable")]
    MomentsOverflow {
        /// The variable.
        name: String,
    },
    /// The model has no relations (empty, or comments only).
    #[error(
        "the model is empty: it has no relations (=~, ~, ~~ or ~ 1), only comments or blank lines"
    )]
    EmptyModel,
    /// The constraints (labels, `==`, `>` and `<` lines, fixed values) cannot all hold.
    #[error("the constraints cannot all hold: {detail}")]
    InfeasibleConstraints {
        /// What contradicts what, with the model lines.
        detail: String,
        /// The model lines involved (1-based; 0 for models built in code).
        lines: Vec<usize>,
    },
    /// A latent variable has the name of a data column, which would hide the column.
    #[error("latent variable {name:?} at {position} has the name of a column of the data; rename the latent variable (the column would be hidden)")]
    LatentIsColumn {
        /// The name.
        name: String,
        /// Where the latent variable is defined.
        position: Position,
    },
    /// A fixed value, starting value or constraint value cannot be used.
    #[error("parameter {parameter} at {position} is {problem}")]
    InvalidValue {
        /// The parameter, as `lhs op rhs`.
        parameter: String,
        /// What is wrong with the value ("fixed to inf", "a variance fixed to -1").
        problem: String,
        /// Where the value is written.
        position: Position,
    },
    /// A parameter table or fit read from JSON does not hold together: one of its parts
    /// does not have the size the parameter table implies.
    #[error("the stored {part} has size {found}, but the parameter table implies {expected}")]
    StoredMismatch {
        /// The part (`estimates`, `vcov`, `implied_cov`, `free-parameter indices`, ...).
        part: &'static str,
        /// Its size (for a matrix, its rows or columns, whichever is wrong).
        found: usize,
        /// The size the table implies.
        expected: usize,
    },
    /// A row of a parameter table read from JSON names a variable the table does not list.
    #[error("row {row} of the stored parameter table names {}, which is not one of its observed or latent variables", quoted(name))]
    StoredUnknownVariable {
        /// The 1-based row.
        row: usize,
        /// The name.
        name: String,
    },
    /// A row of a parameter table read from JSON names a group the table does not list.
    #[error("row {row} of the stored parameter table belongs to group {}, which is not one of its groups", quoted(group))]
    StoredUnknownGroup {
        /// The 1-based row.
        row: usize,
        /// The group label.
        group: String,
    },
    /// A problem in one group of a multiple-group fit.
    #[error("group {}: {error}", quoted(group))]
    InGroup {
        /// The group, by its label (the value in the grouping column).
        group: String,
        /// What is wrong there.
        error: Box<SemError>,
    },
    /// A vector modifier (`c(...)`) does not have one value per group.
    #[error(
        "{} at {position} has a vector modifier of {found} values, but {}",
        parameter,
        groups_text(groups)
    )]
    GroupVectorLength {
        /// The parameter, as `lhs op rhs`.
        parameter: String,
        /// Where the term is written.
        position: Position,
        /// How many values the vector has.
        found: usize,
        /// The groups of the data, by label (empty for a single-group fit).
        groups: Vec<String>,
    },
    /// The grouping column has fewer than two levels among the rows.
    #[error(
        "the group column {} has {}: a multiple-group fit needs at least two groups",
        quoted(column),
        levels_text(levels)
    )]
    TooFewGroups {
        /// The grouping column.
        column: String,
        /// Its levels (at most one).
        levels: Vec<String>,
    },
    /// The grouping column holds text that the table did not keep.
    #[error("the group column {} holds text ({} at line {line}), and the table kept no text for it: read the data with CsvOptions::id_column({}) so that its values are kept as labels", quoted(column), quoted(value), quoted(column))]
    GroupColumnText {
        /// The grouping column.
        column: String,
        /// The 1-based input line of the first text cell.
        line: u64,
        /// Its text.
        value: String,
    },
    /// Group labels given row by row are not one per row of the data.
    #[error("{found} group labels were given for {rows} rows of data: give one per row (None leaves a row out)")]
    GroupLabelsLength {
        /// Labels given.
        found: usize,
        /// Rows of the data.
        rows: usize,
    },
    /// The grouping column is also a variable of the model.
    #[error(
        "the group column {} at {position} is a variable of the model; group by another column",
        quoted(column)
    )]
    GroupIsVariable {
        /// The grouping column.
        column: String,
        /// Where the model uses it.
        position: Position,
    },
    /// A group has too few rows for the observed variables.
    #[error("group {} has {n} usable rows for {p} observed variables: each group needs more rows than variables", quoted(group))]
    GroupTooSmall {
        /// The group, by label.
        group: String,
        /// Its usable rows.
        n: usize,
        /// Observed variables in the model.
        p: usize,
    },
    /// A comparison of models (a likelihood-ratio test) was given fewer than two.
    #[error("a likelihood-ratio test compares two or more models, but {found} was given")]
    TooFewModels {
        /// Models given.
        found: usize,
    },
    /// Two fits cannot be compared (a likelihood-ratio test).
    #[error(
        "models {} and {} cannot be compared: {reason}",
        quoted(model),
        quoted(other)
    )]
    NotComparable {
        /// One model's name.
        model: String,
        /// The other's.
        other: String,
        /// Why: different rows, variables or groups, or a scaled test in one only.
        reason: String,
    },
    /// A size limit of untrusted input was exceeded (see the module docs).
    #[error("{what}: {found} is more than the limit of {limit}")]
    TooLarge {
        /// What is counted, as a sentence fragment ("free parameters").
        what: String,
        /// How many there are (or would be).
        found: usize,
        /// The limit.
        limit: usize,
    },
}

fn groups_text(groups: &[String]) -> String {
    match groups.len() {
        0 | 1 => "the fit has one group (set the group option for a multiple-group fit)".into(),
        n => {
            let labels: Vec<String> = groups.iter().take(8).map(|g| quoted(g)).collect();
            let more = if n > 8 { ", ..." } else { "" };
            format!("the data has {n} groups ({}{more})", labels.join(", "))
        }
    }
}

fn levels_text(levels: &[String]) -> String {
    match levels.first() {
        None => "no values".into(),
        Some(l) => format!("one level, {}", quoted(l)),
    }
}

impl SemError {
    /// Whether the error is about the data rather than the model text or the options:
    /// a column that cannot be read, zero variance, too few rows, a singular covariance
    /// matrix, a bootstrap whose every resample failed. Programs use it to name the data
    /// file rather than the model file.
    ///
    /// ```
    /// use cocreate_core::sem::SemError;
    /// assert!(SemError::TooFewRows { n: 1, p: 3 }.is_data_problem());
    /// assert!(!SemError::EmptyModel.is_data_problem());
    /// ```
    pub fn is_data_problem(&self) -> bool {
        match self {
            SemError::InGroup { error, .. } => error.is_data_problem(),
            other => matches!(
                other,
                SemError::Data(_)
                    | SemError::Ordinal(_)
                    | SemError::ZeroVariance { .. }
                    | SemError::MomentsOverflow { .. }
                    | SemError::SampleCovNotPd { .. }
                    | SemError::TooFewRows { .. }
                    | SemError::TooFewObserved { .. }
                    | SemError::BootstrapFailed { .. }
                    | SemError::TooFewGroups { .. }
                    | SemError::GroupColumnText { .. }
                    | SemError::GroupTooSmall { .. }
            ),
        }
    }

    /// `self` in group `group`, unless it is about the whole model.
    pub(crate) fn in_group(self, group: &str) -> SemError {
        SemError::InGroup {
            group: group.to_string(),
            error: Box::new(self),
        }
    }
}

/// Something about a successful fit that the reader must know.
///
/// ```
/// use cocreate_core::sem::SemWarning;
/// let w = SemWarning::NegativeVariance { variable: "x3".into(), estimate: -0.02 };
/// assert!(w.to_string().contains("Heywood"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SemWarning {
    /// A (residual) variance estimate is negative: a Heywood case.
    NegativeVariance {
        /// The variable whose (residual) variance is negative.
        variable: String,
        /// The estimate.
        estimate: f64,
    },
    /// The model-implied covariance matrix of the latent variables is not positive definite.
    LatentCovNotPd {
        /// The latent variables.
        variables: Vec<String>,
        /// Smallest eigenvalue.
        min_eigenvalue: f64,
    },
    /// The residual covariance matrix of the observed variables is not positive definite.
    ResidualCovNotPd {
        /// Smallest eigenvalue.
        min_eigenvalue: f64,
    },
    /// Standard errors could not be computed.
    StandardErrorsUnavailable {
        /// Why.
        reason: String,
    },
    /// Rows were dropped because of missing values.
    RowsDropped {
        /// Rows dropped.
        dropped: usize,
        /// Why.
        reason: String,
    },
    /// Some bootstrap replicates failed and were left out.
    BootstrapFailures {
        /// Failed replicates.
        failed: usize,
        /// Requested replicates.
        requested: usize,
    },
    /// A percentile interval needed the most extreme bootstrap draws.
    ExtremeOrderStatistics {
        /// The parameter.
        parameter: String,
    },
    /// An estimate is not a finite number (a defined parameter divides by zero or takes the
    /// square root of a negative number); its standard error is missing.
    NonFiniteEstimate {
        /// The parameter (its label or `lhs op rhs`).
        parameter: String,
        /// The value (infinite or NaN).
        value: f64,
    },
    /// Some bootstrap draws of a quantity are not finite numbers and were left out of its
    /// standard error and intervals.
    BootstrapNonFiniteDraws {
        /// The parameter.
        parameter: String,
        /// Draws that were not finite.
        failed: usize,
        /// Draws of successful replicates.
        draws: usize,
    },
    /// No bootstrap draw of a quantity is a finite number: its bootstrap standard error and
    /// intervals are unavailable.
    BootstrapUnavailable {
        /// The parameter.
        parameter: String,
    },
    /// The scaled test of a robust fit could not be computed; the robust standard errors
    /// stand, the scaled statistics and the indices built on them are missing (NaN).
    RobustTestUnavailable {
        /// Why.
        reason: String,
    },
    /// A warning about one group of a multiple-group fit.
    InGroup {
        /// The group, by label.
        group: String,
        /// The warning.
        warning: Box<SemWarning>,
    },
    /// The first step of WLSMV (thresholds and polychoric correlations) noticed something:
    /// categories nobody chose (the observed values are the categories, as in lavaan), a
    /// corrected 2 x 2 table, a correlation near one.
    Ordinal(crate::ordinal::OrdinalWarning),
}

impl fmt::Display for SemWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SemWarning::NegativeVariance { variable, estimate } => write!(
                f,
                "the (residual) variance of {variable} is negative ({estimate:.4}): a Heywood case"
            ),
            SemWarning::LatentCovNotPd {
                variables,
                min_eigenvalue,
            } => write!(
                f,
                "the covariance matrix of the latent variables ({}) is not positive definite (smallest eigenvalue {min_eigenvalue:.4e})",
                variables.join(", ")
            ),
            SemWarning::ResidualCovNotPd { min_eigenvalue } => write!(
                f,
                "the residual covariance matrix of the observed variables is not positive definite (smallest eigenvalue {min_eigenvalue:.4e})"
            ),
            SemWarning::StandardErrorsUnavailable { reason } => {
                write!(f, "standard errors could not be computed: {reason}")
            }
            SemWarning::RowsDropped { dropped, reason } => {
                write!(f, "{dropped} rows were left out: {reason}")
            }
            SemWarning::BootstrapFailures { failed, requested } => write!(
                f,
                "{failed} of {requested} bootstrap replicates did not converge and were left out"
            ),
            SemWarning::ExtremeOrderStatistics { parameter } => write!(
                f,
                "the percentile interval of {parameter} uses the most extreme bootstrap draws: increase the number of replicates"
            ),
            SemWarning::NonFiniteEstimate { parameter, value } => write!(
                f,
                "the estimate of {parameter} is not a finite number ({value}); it has no standard error"
            ),
            SemWarning::BootstrapNonFiniteDraws {
                parameter,
                failed,
                draws,
            } => write!(
                f,
                "{failed} of {draws} bootstrap draws of {parameter} are not finite numbers and were left out of its standard error and intervals"
            ),
            SemWarning::InGroup { group, warning } => write!(f, "group {}: {warning}", quoted(group)),
            SemWarning::BootstrapUnavailable { parameter } => write!(
                f,
                "no bootstrap draw of {parameter} is a finite number: its bootstrap standard error and intervals are unavailable"
            ),
            SemWarning::RobustTestUnavailable { reason } => {
                write!(f, "the scaled test statistic could not be computed: {reason}")
            }
            SemWarning::Ordinal(w) => write!(f, "{w}"),
        }
    }
}
