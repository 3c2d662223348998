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
    /// The traits, mediators and outcome do not form a readiness model.
    #[error("invalid readiness structure: {0}")]
    InvalidStructure(String),
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
    /// The fitted SEM has a feature the readiness model cannot represent.
    #[error("the fitted model cannot be used for readiness prediction: {0}")]
    UnsupportedFit(String),
    /// A supplied coefficient is malformed or does not fit the structure.
    #[error("coefficient {spec:?}: {reason}")]
    InvalidCoefficient {
        /// The coefficient as written (lavaan notation, e.g. `"WTC ~ II"`).
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value the model needs was not supplied.
    #[error("{0} was not given")]
    MissingValue(String),
    /// A matrix that must be positive definite is not.
    #[error("{what} is not positive definite")]
    NotPositiveDefinite {
        /// Which matrix.
        what: String,
    },
    /// A customer has no score on a trait and partial prediction is off.
    #[error(
        "{at}trait {name:?} has no score: give a score or predict with MissingTraits::Condition"
    )]
    MissingTrait {
        /// The trait.
        name: String,
        /// `"row N: "` for batch input, empty for a single profile.
        at: String,
    },
    /// A profile names a trait the model does not have.
    #[error("{name:?} is not a trait of the model (traits: {traits})")]
    UnknownTrait {
        /// The name given.
        name: String,
        /// The model's traits, comma separated.
        traits: String,
    },
    /// A trait score lies outside the constructs' response range, or is not finite.
    #[error("{at}trait {name:?} is {value}, outside the response range {min} to {max}")]
    TraitOutOfRange {
        /// The trait.
        name: String,
        /// `"row N: "` for batch input, empty for a single profile.
        at: String,
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
    /// An option is out of its valid range.
    #[error("invalid option: {0}")]
    InvalidOptions(String),
    /// Co-producer or encounter input is not valid.
    #[error("{0}")]
    InvalidInput(String),
    /// Scoring the survey failed.
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    /// The data table could not be used.
    #[error(transparent)]
    Data(#[from] DataError),
}
