//! The one error type of the readiness module.

use crate::data::DataError;
use crate::scoring::ScoringError;

/// What went wrong while building a readiness model, predicting, segmenting or
/// diagnosing co-producers.
///
/// Every variant says what was wrong and where: the construct, the coefficient as written,
/// the customer row.
///
/// ```
/// use cocreate_core::readiness::{Constructs, Profile, ReadinessError, ReadinessModel};
/// use cocreate_core::scoring::ResponseRange;
///
/// let constructs = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let err = ReadinessModel::builder(constructs, "my notes")
///     .coefficient("II ~ Q", 0.3)
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, ReadinessError::InvalidCoefficient { .. }));
/// assert!(err.to_string().contains("\"II ~ Q\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadinessError {
    /// The model has no construct in a role that needs one.
    #[error("a readiness model needs at least one {role}")]
    EmptyRole {
        /// "trait", or "mediator (the pathways run through mediators)".
        role: &'static str,
    },
    /// The pathway profiles do not match the mediators one to one.
    #[error("{mediators} mediators but {profiles} pathway profiles")]
    ProfileCount {
        /// Mediators.
        mediators: usize,
        /// Pathway profiles.
        profiles: usize,
    },
    /// More constructs than [`MAX_TRAITS`] traits or [`MAX_MEDIATORS`] mediators.
    #[error(
        "{traits} traits and {mediators} mediators: at most {MAX_TRAITS} traits and \
         {MAX_MEDIATORS} mediators"
    )]
    TooManyConstructs {
        /// Traits given.
        traits: usize,
        /// Mediators given.
        mediators: usize,
    },
    /// A construct name is empty (or only white space).
    #[error("a construct name is empty")]
    EmptyName,
    /// A name plays two roles (or one twice).
    #[error("{name:?} is named twice: each construct plays one role")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A pathway profile names a construct that is not a mediator.
    #[error("{name:?} is not a mediator (mediators: {mediators})")]
    NotAMediator {
        /// The name given.
        name: String,
        /// The mediators, comma separated.
        mediators: String,
    },
    /// A matrix of a stored model has the wrong shape.
    #[error("{what} must be {rows} × {cols}, not {found_rows} × {found_cols}")]
    WrongShape {
        /// Which matrix.
        what: String,
        /// Rows expected.
        rows: usize,
        /// Columns expected.
        cols: usize,
        /// Rows found.
        found_rows: usize,
        /// Columns found.
        found_cols: usize,
    },
    /// A construct of the readiness model is not a variable of the fitted SEM.
    #[error(
        "construct {name:?} is not a variable of the fitted model (its variables: {available})"
    )]
    UnknownConstruct {
        /// The construct.
        name: String,
        /// The fitted model's observed and latent variables, comma separated.
        available: String,
    },
    /// The fitted SEM has no intercepts, so predictions would have no response scale.
    #[error("the fitted model has no mean structure: refit it with MeanStructure::On so that the intercepts put predictions on the response scale")]
    NoMeanStructure,
    /// A latent construct has no marker indicator, so it has no response scale.
    #[error("latent construct {construct:?} has no marker indicator with its loading fixed to 1, so it has no response scale (fit without std.lv)")]
    NoMarker {
        /// The latent construct.
        construct: String,
    },
    /// The marker indicator of a latent construct has no intercept.
    #[error("the marker {marker:?} of {construct:?} has no intercept")]
    NoMarkerIntercept {
        /// The latent construct.
        construct: String,
        /// Its marker indicator.
        marker: String,
    },
    /// A regression of the fit does not run traits → mediators → outcome.
    #[error("the path {lhs} ~ {rhs} does not fit traits → mediators → outcome")]
    UnsupportedPath {
        /// The regressed variable.
        lhs: String,
        /// The regressor.
        rhs: String,
    },
    /// A residual covariance of the fit that the recursive structure cannot carry.
    #[error("the residual covariance {lhs} ~~ {rhs} makes the outcome's conditional expectation differ from the path equations")]
    UnsupportedCovariance {
        /// One variable.
        lhs: String,
        /// The other.
        rhs: String,
    },
    /// The outcome has no residual variance in the fit.
    #[error("{construct:?} has no residual variance in the fit")]
    NoResidualVariance {
        /// The construct.
        construct: String,
    },
    /// A supplied coefficient is malformed or does not fit the structure.
    #[error("coefficient {spec:?}: {reason}")]
    InvalidCoefficient {
        /// The coefficient as written (lavaan notation, e.g. `"WTC ~ II"`).
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A coefficient the model needs was not supplied.
    #[error("the {what} {spec:?} was not given")]
    MissingCoefficient {
        /// "intercept", "residual variance", "trait mean" or "trait variance".
        what: &'static str,
        /// The coefficient in lavaan notation (`"II ~ 1"`).
        spec: String,
    },
    /// The table has no column for a trait.
    #[error("the data has no column {name:?} for the trait {name:?}")]
    MissingColumn {
        /// The trait.
        name: String,
    },
    /// A value of a stored model is not finite.
    #[error("{what} is {value}, not a finite number")]
    NotFinite {
        /// Which value.
        what: String,
        /// The value.
        value: f64,
    },
    /// A matrix that must be positive definite is not.
    #[error("{what} is not positive definite")]
    NotPositiveDefinite {
        /// Which matrix.
        what: String,
    },
    /// A customer has no score on a trait and partial prediction is off.
    #[error(
        "{}trait {name:?} has no score: give a score or predict with predict_partial",
        at(.row, .id)
    )]
    MissingTrait {
        /// The trait.
        name: String,
        /// The row of batch input, counted from 1.
        row: Option<usize>,
        /// The respondent id of that row, when the table has one.
        id: Option<String>,
    },
    /// A profile names a trait the model does not have.
    #[error("{name:?} is not a trait of the model (traits: {traits})")]
    UnknownTrait {
        /// The name given.
        name: String,
        /// The model's traits, comma separated.
        traits: String,
    },
    /// A profile gives a trait twice.
    #[error("trait {name:?} is given twice")]
    DuplicateTrait {
        /// The trait.
        name: String,
    },
    /// A trait score lies outside the constructs' response range, or is not finite.
    #[error("{}trait {name:?} is {value}, outside the response range {min} to {max}", at(.row, .id))]
    TraitOutOfRange {
        /// The trait.
        name: String,
        /// The row of batch input, counted from 1.
        row: Option<usize>,
        /// The respondent id of that row, when the table has one.
        id: Option<String>,
        /// The value given.
        value: f64,
        /// Lowest allowed score.
        min: f64,
        /// Highest allowed score.
        max: f64,
    },
    /// A buffer has the wrong number of values.
    #[error("{what}: expected {expected} values, found {found}")]
    WrongLength {
        /// What was being read.
        what: String,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// The interval level is not strictly between 0 and 1.
    #[error("the interval level must lie strictly between 0 and 1, not {level}")]
    InvalidLevel {
        /// The level given.
        level: f64,
    },
    /// The lead share of a pathway rule is not in (0.5, 1].
    #[error("lead_share must be above 0.5 and at most 1 (a leader needs a majority), not {value}")]
    InvalidLeadShare {
        /// The share given.
        value: f64,
    },
    /// The smallest counting contribution of a pathway rule is negative or not finite.
    #[error("min_contribution must be a finite number of standard deviations ≥ 0, not {value}")]
    InvalidMinContribution {
        /// The value given.
        value: f64,
    },
    /// A threshold on the outcome is not finite.
    #[error("the threshold {value} is not a finite number")]
    InvalidThreshold {
        /// The value given (raw or in standard deviations).
        value: f64,
    },
    /// The co-producer gap threshold is outside 0–100.
    #[error("the gap threshold is on the 0–100 scale, not {value}")]
    InvalidGapThreshold {
        /// The value given.
        value: f64,
    },
    /// The negativity weight of a perception rule is below 1 or not finite.
    #[error("the negativity weight must be a finite number ≥ 1, not {value}")]
    InvalidNegativityWeight {
        /// The value given.
        value: f64,
    },
    /// There is no customer to work on.
    #[error("no customers to {what}")]
    NoCustomers {
        /// "segment" or "diagnose".
        what: &'static str,
    },
    /// A co-producer score is outside 0–100.
    #[error("the {dimension} score {value} is not on the 0–100 scale")]
    ScoreOutOfRange {
        /// The dimension's name.
        dimension: &'static str,
        /// The score given.
        value: f64,
    },
    /// A respondent has no score on a co-producer dimension.
    #[error("{}no {dimension} score ({scale} has no answered item)", at(.row, .id))]
    MissingScore {
        /// The row, counted from 1.
        row: Option<usize>,
        /// The respondent id, when the scores have one.
        id: Option<String>,
        /// The dimension's name.
        dimension: &'static str,
        /// The scale that measures it.
        scale: String,
    },
    /// An encounter without aspects.
    #[error("an encounter needs at least one aspect")]
    NoAspects,
    /// An aspect's rating is outside the scale.
    #[error("aspect {label:?}: rating {rating} is outside the scale {min} to {max}")]
    RatingOutOfRange {
        /// The aspect.
        label: String,
        /// The rating given.
        rating: f64,
        /// Lowest rating.
        min: f64,
        /// Highest rating.
        max: f64,
    },
    /// A problem with one row of a table.
    #[error("{}{source}", at(&Some(*.row), .id))]
    InRow {
        /// The row, counted from 1.
        row: usize,
        /// The respondent id, when the table has one.
        id: Option<String>,
        /// What went wrong.
        source: Box<ReadinessError>,
    },
    /// Fitting the path model across groups failed: in one group (its own readiness
    /// model), or in the multiple-group fits that test the differences.
    #[error("{}{source}", group_at(.group))]
    GroupFit {
        /// The group whose fit failed (`None`: the fits of all groups at once).
        group: Option<String>,
        /// Why.
        source: Box<crate::sem::SemError>,
    },
    /// Scoring the survey failed.
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    /// The data table could not be used.
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Largest number of traits of a readiness model.
pub const MAX_TRAITS: usize = 10_000;
/// Largest number of mediators of a readiness model (pathway codes fit a byte).
pub const MAX_MEDIATORS: usize = 200;

/// `"group \"2\": "` or `"fitting every group: "`: where a group fit failed.
fn group_at(group: &Option<String>) -> String {
    match group {
        Some(g) => format!("group {:?}: ", crate::data::excerpt(g)),
        None => "the path model across groups: ".into(),
    }
}

/// `"row 3: "`, `"row 3 (id \"R7\"): "` or nothing: where in a table a problem is.
fn at(row: &Option<usize>, id: &Option<String>) -> String {
    match (row, id) {
        (Some(r), Some(id)) => format!("row {r} (id {:?}): ", crate::data::excerpt(id)),
        (Some(r), None) => format!("row {r}: "),
        _ => String::new(),
    }
}
