//! The options and results of an out-of-sample validation (`readiness::validate`): how
//! many folds, repetitions and bootstrap refits, and the model's and the regression
//! benchmark's accuracy on held-out customers, with their report.

use std::fmt::Write as _;

use crate::sem::SemError;

use super::error::ReadinessError;
use super::pathway::PathwayRule;
use super::text::{num, para, TextTable};

/// Largest number of customers a validation accepts (checked before allocating).
pub const MAX_ROWS: usize = 10_000_000;
/// Largest number of k-fold repetitions.
pub const MAX_REPEATS: usize = 1_000;
/// Largest number of bootstrap refits for pathway stability.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// What went wrong in a cross-validation; every variant says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// One fold per repetition (k-fold needs at least 2; 0 switches it off).
    #[error("k-fold needs at least 2 folds (0 switches it off), not {folds}")]
    InvalidFolds {
        /// The folds asked for.
        folds: usize,
    },
    /// The number of k-fold repetitions is outside 1 to [`MAX_REPEATS`].
    #[error(
        "the number of k-fold repetitions must lie between 1 and {MAX_REPEATS}, not {repeats}"
    )]
    InvalidRepeats {
        /// The repetitions asked for.
        repeats: usize,
    },
    /// More bootstrap refits than [`MAX_BOOTSTRAP`].
    #[error("at most {MAX_BOOTSTRAP} bootstrap refits, not {refits}")]
    TooManyRefits {
        /// The refits asked for.
        refits: usize,
    },
    /// The interval level is not strictly between 0 and 1.
    #[error("the interval level must lie strictly between 0 and 1, not {level}")]
    InvalidLevel {
        /// The level given.
        level: f64,
    },
    /// Leave-one-out, k-fold and the bootstrap are all off.
    #[error("leave-one-out, k-fold and the bootstrap are all switched off")]
    NothingToRun,
    /// More rows than [`MAX_ROWS`].
    #[error("{rows} rows exceed the limit of {MAX_ROWS}")]
    TooManyRows {
        /// Rows of the data.
        rows: usize,
    },
    /// More folds than complete customers.
    #[error("{folds} folds are more than the {n} complete customers")]
    TooManyFolds {
        /// Folds asked for.
        folds: usize,
        /// Complete customers.
        n: usize,
    },
    /// Too few customers for the folds asked for.
    #[error("{n} complete customers are too few for {what}: every training part needs at least {needed} rows")]
    TooFewRows {
        /// Complete customers.
        n: usize,
        /// The scheme, as a phrase.
        what: String,
        /// Rows a training part needs (one more than the largest equation's regressors).
        needed: usize,
    },
    /// A construct has no column in the data.
    #[error("the data has no column {name:?} for construct {name:?}")]
    MissingColumn {
        /// The construct.
        name: String,
    },
    /// An indicator of a latent construct has no column in the data.
    #[error("the data has no column {indicator:?} for an indicator of construct {construct:?}")]
    MissingIndicator {
        /// The indicator (the column looked for).
        indicator: String,
        /// The latent construct it measures.
        construct: String,
    },
    /// An indicator of an endogenous construct also measures a trait: it would be
    /// predicted from itself.
    #[error("the indicator {indicator:?} of construct {construct:?} also measures a trait: an endogenous construct's indicators cannot be predicted from themselves")]
    SharedIndicator {
        /// The indicator.
        indicator: String,
        /// The endogenous construct.
        construct: String,
    },
    /// A variable asked for in a prediction is not an observed variable of the fit.
    #[error("the fit has no observed variable {name:?}")]
    NotInFit {
        /// The variable.
        name: String,
    },
    /// The matrix of predictor values has the wrong number of columns.
    #[error("the predictor values have {found} columns for {expected} predictors")]
    PredictorColumns {
        /// Predictors named.
        expected: usize,
        /// Columns given.
        found: usize,
    },
    /// The fit has no mean structure, so held-out customers cannot be predicted.
    #[error("predicting held-out customers of a latent model needs the model-implied means: fit with a mean structure (MeanStructure::On)")]
    NoMeanStructure,
    /// The model-implied covariance matrix of the predictors cannot be inverted.
    #[error("the model-implied covariance matrix of the predictors is not positive definite")]
    SingularPredictors,
    /// The fit on the full sample failed.
    #[error("the fit on the full sample failed: {0}")]
    FullFit(#[source] SemError),
    /// The readiness model could not be built from the full-sample fit.
    #[error("the readiness model of the full sample: {0}")]
    FullModel(#[source] ReadinessError),
    /// The constructs or the data do not suit a readiness model.
    #[error(transparent)]
    Readiness(#[from] ReadinessError),
    /// One fold (or bootstrap refit) failed.
    #[error("{scheme}, {part}: {reason}")]
    FoldFailed {
        /// "leave-one-out", "k-fold" or "pathway bootstrap".
        scheme: String,
        /// Which fold: "repetition 2, fold 3 (training rows: 72)", "held-out row 17".
        part: String,
        /// What failed, as a sentence.
        reason: String,
    },
}

/// How each fold refits the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RefitMethod {
    /// Least squares per equation when the model's ML estimates are least squares (an
    /// observed-variable recursive path model, every path, intercept and residual
    /// variance free and unconstrained, exogenous traits saturated, residual covariances
    /// only between mediators with the same regressors, complete data); the full SEM
    /// refit otherwise.
    #[default]
    Auto,
    /// Always the full SEM refit (the same model and options) per fold.
    FullSem,
}

/// Options of a cross-validation, validated by [`CrossValidationBuilder::build`] (also
/// when read from JSON).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CrossValidationRepr")
)]
pub struct CrossValidation {
    pub(crate) folds: usize,
    pub(crate) repeats: usize,
    pub(crate) leave_one_out: bool,
    pub(crate) bootstrap: usize,
    pub(crate) seed: u64,
    pub(crate) refit: RefitMethod,
    pub(crate) rule: PathwayRule,
    pub(crate) level: f64,
}

/// The serde form of [`CrossValidation`], checked by [`CrossValidationBuilder::build`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CrossValidationRepr {
    folds: usize,
    repeats: usize,
    leave_one_out: bool,
    bootstrap: usize,
    seed: u64,
    refit: RefitMethod,
    rule: PathwayRule,
    level: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<CrossValidationRepr> for CrossValidation {
    type Error = ValidationError;
    fn try_from(r: CrossValidationRepr) -> Result<Self, ValidationError> {
        CrossValidation::builder(r.seed)
            .folds(r.folds)
            .repeats(r.repeats)
            .leave_one_out(r.leave_one_out)
            .bootstrap(r.bootstrap)
            .refit(r.refit)
            .rule(r.rule)
            .level(r.level)
            .build()
    }
}

/// Builder of [`CrossValidation`].
#[derive(Debug, Clone)]
pub struct CrossValidationBuilder {
    o: CrossValidation,
}

impl CrossValidation {
    /// Defaults: 10 × 10-fold, leave-one-out on, 100 bootstrap refits, the default
    /// pathway rule and 95 % intervals; the seed is the caller's.
    pub fn builder(seed: u64) -> CrossValidationBuilder {
        CrossValidationBuilder {
            o: CrossValidation {
                folds: 10,
                repeats: 10,
                leave_one_out: true,
                bootstrap: 100,
                seed,
                refit: RefitMethod::Auto,
                rule: PathwayRule::default(),
                level: 0.95,
            },
        }
    }
    /// Folds per repetition (0 when k-fold is off).
    pub fn folds(&self) -> usize {
        self.folds
    }
    /// Repetitions of k-fold.
    pub fn repeats(&self) -> usize {
        self.repeats
    }
    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

impl CrossValidationBuilder {
    /// Folds per repetition (at least 2; 0 switches k-fold off).
    pub fn folds(mut self, k: usize) -> Self {
        self.o.folds = k;
        self
    }
    /// Repetitions of k-fold, each with its own seeded fold assignment.
    pub fn repeats(mut self, r: usize) -> Self {
        self.o.repeats = r;
        self
    }
    /// Whether to run leave-one-out.
    pub fn leave_one_out(mut self, on: bool) -> Self {
        self.o.leave_one_out = on;
        self
    }
    /// Bootstrap refits for pathway stability (0 switches it off).
    pub fn bootstrap(mut self, b: usize) -> Self {
        self.o.bootstrap = b;
        self
    }
    /// How folds refit the model.
    pub fn refit(mut self, m: RefitMethod) -> Self {
        self.o.refit = m;
        self
    }
    /// The pathway rule of every refitted model.
    pub fn rule(mut self, rule: PathwayRule) -> Self {
        self.o.rule = rule;
        self
    }
    /// The level of the prediction intervals whose coverage is counted.
    pub fn level(mut self, level: f64) -> Self {
        self.o.level = level;
        self
    }
    /// Validates the options.
    pub fn build(self) -> Result<CrossValidation, ValidationError> {
        let o = self.o;
        if o.folds == 1 {
            return Err(ValidationError::InvalidFolds { folds: o.folds });
        }
        if o.folds >= 2 && !(1..=MAX_REPEATS).contains(&o.repeats) {
            return Err(ValidationError::InvalidRepeats { repeats: o.repeats });
        }
        if o.bootstrap > MAX_BOOTSTRAP {
            return Err(ValidationError::TooManyRefits {
                refits: o.bootstrap,
            });
        }
        if !(o.level > 0.0 && o.level < 1.0) {
            return Err(ValidationError::InvalidLevel { level: o.level });
        }
        if !o.leave_one_out && o.folds == 0 && o.bootstrap == 0 {
            return Err(ValidationError::NothingToRun);
        }
        Ok(o)
    }
}

/// Out-of-sample accuracy of one predictor for one construct.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Accuracy {
    /// `1 − SSE / SSE₀`, SSE₀ from predicting each held-out customer by the mean of the
    /// training part of its fold.
    pub q2_predict: f64,
    /// Root mean squared prediction error.
    pub rmse: f64,
    /// Mean absolute prediction error.
    pub mae: f64,
}

/// Whether the readiness model predicts better than the regression benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Verdict {
    /// Lower RMSE than the benchmark.
    Better,
    /// Higher (or equal) RMSE than the benchmark.
    Worse,
    /// The same predictions by construction (a saturated path model).
    Equal,
}

/// The model's and the benchmark's figures for one endogenous construct.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConstructValidation {
    /// The construct.
    pub name: String,
    /// Q²_predict of the readiness model.
    pub q2_predict: f64,
    /// RMSE of the readiness model.
    pub rmse: f64,
    /// MAE of the readiness model.
    pub mae: f64,
    /// Share of held-out customers inside their prediction interval.
    pub coverage: f64,
    /// Ordinary least squares of the construct on all the traits.
    pub benchmark: Accuracy,
    /// The comparison by RMSE.
    pub verdict: Verdict,
}

/// One cross-validation scheme's results.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SchemeValidation {
    /// Folds per repetition (n for leave-one-out).
    pub folds: usize,
    /// Repetitions (1 for leave-one-out).
    pub repeats: usize,
    /// Per endogenous construct (mediators, then the outcome), keyed by name.
    #[cfg_attr(
        feature = "serde",
        serde(serialize_with = "as_map", deserialize_with = "from_map")
    )]
    pub constructs: Vec<ConstructValidation>,
}

#[cfg(feature = "serde")]
fn as_map<S: serde::Serializer>(v: &[ConstructValidation], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|c| (c.name.as_str(), c)))
}

/// Reads the map of [`as_map`] back in the order written (each value names its key).
#[cfg(feature = "serde")]
fn from_map<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ConstructValidation>, D::Error> {
    struct Entries;
    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<ConstructValidation>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map from construct names to their validation")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, ConstructValidation>()? {
                if key != value.name {
                    return Err(serde::de::Error::custom(format!(
                        "the entry {key:?} holds the construct {:?}",
                        value.name
                    )));
                }
                out.push(value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Entries)
}

/// Stability of pathway assignment across bootstrap refits.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PathwayStability {
    /// Bootstrap refits.
    pub refits: usize,
    /// Share of customers whose pathway is the full-sample one in every refit.
    pub share_always_same: f64,
    /// Mean over customers of the share of refits that keep their full-sample pathway.
    pub mean_agreement: f64,
}

/// The out-of-sample validity of a readiness model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Validation {
    /// Complete customers used.
    pub n: usize,
    /// Rows left out for a missing construct score (counted from 1).
    pub dropped_rows: Vec<usize>,
    /// How the folds were refitted: `least_squares` or `full_sem`.
    pub method: String,
    /// Why the full SEM refit was used, when it was.
    pub method_reason: Option<String>,
    /// Every endogenous construct has all the traits as predictors: the model's
    /// predictions equal the benchmark's by construction.
    pub saturated: bool,
    /// Leave-one-out.
    pub leave_one_out: Option<SchemeValidation>,
    /// Repeated k-fold.
    pub k_fold: Option<SchemeValidation>,
    /// Pathway stability.
    pub pathway_stability: Option<PathwayStability>,
    /// What the validation did differently from the options it was given, and why.
    pub notes: Vec<String>,
    /// The seed.
    pub seed: u64,
    /// The interval level whose coverage is reported.
    pub level: f64,
}

impl Validation {
    /// The report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Validation {
    /// What was done, one table per scheme (the model's figures and the regression
    /// benchmark's for each construct), the verdicts and the pathway stability, with
    /// every abbreviation spelled out; lines stay under 100 characters.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        let level = num(Some(self.level * 100.0), 0);
        para(
            &mut out,
            "  ",
            "  ",
            &format!(
                "Every fold refits the model on the other customers and predicts the held-out \
                 ones from their traits alone (N = {}, folds refitted by {}, seed {}). \
                 Q²predict: the share of the squared error of the training mean that the \
                 prediction removes; RMSE: root mean squared error; MAE: mean absolute error; \
                 coverage: the share of held-out customers inside their {level} % prediction \
                 interval; regression: least squares of the construct on all the traits, the \
                 benchmark.",
                self.n,
                self.method.replace('_', " "),
                self.seed
            ),
        )?;
        if !self.dropped_rows.is_empty() {
            para(
                &mut out,
                "  ",
                "  ",
                &format!(
                    "{} rows with a missing construct score were left out.",
                    self.dropped_rows.len()
                ),
            )?;
        }
        for note in &self.notes {
            para(&mut out, "  Note: ", "  ", note)?;
        }
        if let Some(r) = &self.method_reason {
            para(
                &mut out,
                "  ",
                "  ",
                &format!("Folds refitted by the full SEM because {r}."),
            )?;
        }
        for (title, s) in [
            ("Leave-one-out", &self.leave_one_out),
            ("Repeated k-fold", &self.k_fold),
        ] {
            let Some(s) = s else { continue };
            if title == "Leave-one-out" {
                writeln!(out, "  {title}:")?;
            } else {
                writeln!(out, "  {title} ({} × {}-fold):", s.repeats, s.folds)?;
            }
            let mut t = TextTable::new(&[
                "construct",
                "predictor",
                "Q²predict",
                "RMSE",
                "MAE",
                "coverage",
            ])
            .left(1);
            for c in &s.constructs {
                t.row(vec![
                    c.name.clone(),
                    "model".into(),
                    num(Some(c.q2_predict), 3),
                    num(Some(c.rmse), 3),
                    num(Some(c.mae), 3),
                    num(Some(c.coverage), 3),
                ]);
                t.row(vec![
                    String::new(),
                    "regression".into(),
                    num(Some(c.benchmark.q2_predict), 3),
                    num(Some(c.benchmark.rmse), 3),
                    num(Some(c.benchmark.mae), 3),
                    "–".into(),
                ]);
            }
            t.write(&mut out, 4)?;
            for c in &s.constructs {
                let v = match c.verdict {
                    Verdict::Better => "better than",
                    Verdict::Worse => "worse than",
                    Verdict::Equal => "exactly as well as",
                };
                para(
                    &mut out,
                    "    ",
                    "      ",
                    &format!(
                        "{}: the model predicts {v} a linear regression on the traits",
                        c.name
                    ),
                )?;
            }
        }
        if self.saturated {
            para(
                &mut out,
                "  ",
                "  ",
                "Every endogenous construct has all the traits as predictors (a saturated path \
                 model): its predictions equal the regression's by construction.",
            )?;
        }
        if let Some(p) = &self.pathway_stability {
            para(
                &mut out,
                "  ",
                "  ",
                &format!(
                    "Pathway stability over {} bootstrap refits: {} % of customers keep their \
                     pathway in every refit; on average {} % of refits agree with the full sample.",
                    p.refits,
                    num(Some(100.0 * p.share_always_same), 1),
                    num(Some(100.0 * p.mean_agreement), 1)
                ),
            )?;
        }
        f.write_str(&out)
    }
}
