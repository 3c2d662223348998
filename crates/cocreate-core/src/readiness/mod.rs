//! Readiness: who is ready to co-create, by which pathway, with which invitation; and
//! which customers lack what they need to co-produce a service.
//!
//! # Co-creation readiness
//!
//! A [`ReadinessModel`] links traits to mediators to an outcome: by default the Big Five
//! → innate innovativeness (II) and enduring involvement (EI) → willingness to co-create
//! (WTC), but any named [`Constructs`]. Its coefficients are never built in: fit the path
//! model on your survey with [`crate::sem`] and call [`ReadinessModel::from_fit`], or
//! supply coefficients from a source you name with [`ReadinessModel::builder`]. The
//! [`Provenance`] travels with the model.
//!
//! [`ReadinessModel::predict`] returns each construct's conditional expectation given
//! the traits (response scale and standardised) with a prediction interval (residual
//! variance plus parameter uncertainty by the delta method), the contribution of each
//! pathway, the dominant [`Pathway`] by a transparent [`PathwayRule`], and the
//! [`Recommendation`] (formats and framing). [`ReadinessModel::segment`] does the same for
//! a customer base, [`ReadinessModel::invitations`] lists every respondent of a survey
//! with the pathway, the invitation and why, sorted by predicted willingness
//! ([`InvitationList::to_csv`]). [`validate()`] measures how well the model predicts customers it was
//! not fitted on ([`Validation`]). Formulas and sources: `docs/methods/readiness.md`.
//!
//! ```
//! use cocreate_core::readiness::{Constructs, Pathway, Profile, ReadinessModel, Threshold};
//! use cocreate_core::scoring::ResponseRange;
//!
//! let constructs = Constructs::cocreation(ResponseRange::new(1.0, 5.0)?);
//! let model = ReadinessModel::builder(constructs, "illustrative coefficients, not a published result")
//!     .coefficients(&[
//!         ("II ~ O", 0.45), ("II ~ E", 0.10), ("EI ~ C", 0.40), ("EI ~ A", 0.15),
//!         ("WTC ~ II", 0.35), ("WTC ~ EI", 0.30), ("WTC ~ E", 0.05),
//!         ("II ~ 1", 1.4), ("EI ~ 1", 1.6), ("WTC ~ 1", 1.1),
//!         ("II ~~ II", 0.35), ("EI ~~ EI", 0.40), ("II ~~ EI", 0.05), ("WTC ~~ WTC", 0.45),
//!     ])
//!     .coefficients(&[
//!         ("O ~ 1", 3.4), ("C ~ 1", 3.5), ("E ~ 1", 3.1), ("A ~ 1", 3.7), ("N ~ 1", 2.8),
//!         ("O ~~ O", 0.45), ("C ~~ C", 0.40), ("E ~~ E", 0.55), ("A ~~ A", 0.35), ("N ~~ N", 0.60),
//!     ])
//!     .build()?;
//!
//! let customer = Profile::new(&[("O", 4.8), ("C", 3.3), ("E", 3.5), ("A", 3.6), ("N", 2.5)]);
//! let p = model.predict(&customer)?;
//! assert_eq!(p.pathway, Pathway::Led(0));
//! assert_eq!(p.recommendation.pathway, "innovation-led");
//! println!("WTC {:.2} [{:.2}, {:.2}]", p.outcome.value, p.outcome.interval.0, p.outcome.interval.1);
//!
//! let base = [4.8, 3.3, 3.5, 3.6, 2.5, 2.9, 4.7, 3.0, 3.9, 2.2, 1.5, 1.8, 2.0, 2.5, 4.0];
//! let s = model.segment(&base, Threshold::Raw(3.5))?;
//! assert_eq!(s.segments.iter().map(|g| g.count).sum::<usize>(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Co-producer readiness
//!
//! [`diagnose`] and [`diagnose_scores`] score motivation, role clarity, task communicated
//! and ability 0–100, flag gaps, report compensatory and weakest-link readiness, the
//! bottleneck and the interventions for each gap (a human fallback where ability is low).
//! [`PerceptionRule`] combines an encounter's positive and negative aspects into one
//! overall perception without attributing cause.
//!
//! # Untrusted input
//!
//! The readiness model reads its data through [`crate::data::Table`] and its fit through
//! [`crate::sem`], and inherits their limits. On top of them:
//!
//! - a stored [`ReadinessModel`] deserialises through the same checks as
//!   [`ReadinessModel::builder`] (unknown fields refused, matrices of the declared shape,
//!   a valid [`PathwayRule`]);
//! - a customer without a score on a trait is an error naming the row
//!   ([`ReadinessModel::trait_matrix`]), never dropped silently; [`validate()`] reports
//!   traits outside the response range by row before any fold;
//! - [`validate()`] takes at most 10,000,000 rows, 1,000 repetitions of k-fold and
//!   100,000 bootstrap refits, checked before the first refit; its work is linear in
//!   rows × (folds × repetitions + refits) on the least-squares path and one SEM fit per
//!   fold otherwise.

mod batch;
mod builder;
mod coefficients;
mod constructs;
mod coproducer;
mod encounter;
mod error;
mod folds;
mod groups;
mod invite;
mod latent;
mod least_squares;
mod model;
mod pathway;
mod predict;
mod report;
mod segment;
mod syntax;
mod text;
mod validate;
mod validation;

pub use batch::BatchPrediction;
pub use builder::ReadinessModelBuilder;
pub use coefficients::Coefficients;
pub use constructs::Constructs;
pub use coproducer::{
    diagnose, diagnose_scores, CoproducerDiagnosis, CoproducerOptions, CoproducerReport,
    CoproducerScales, Dimension, DimensionScore, Intervention,
};
pub use encounter::{Aspect, Perception, PerceptionRule};
pub use error::{ReadinessError, MAX_MEDIATORS, MAX_TRAITS};
pub use groups::{
    compare_groups, GroupComparison, GroupComparisonOptions, GroupComparisonOptionsBuilder,
    GroupReadiness, PathByGroup,
};
pub use invite::{Invitation, InvitationList};
pub use latent::predict_y;
pub use model::{Provenance, ReadinessModel};
pub use pathway::{
    Pathway, PathwayProfile, PathwayRule, PathwayRuleBuilder, Recommendation, Threshold,
};
pub use predict::{ConstructPrediction, Contributions, Prediction, Profile};
pub use report::{
    alpha_verdict, ConstructSummary, CoproducerSection, Effect, ExplainedCustomer,
    InvitationSummary, ModelSummary, PathSummary, ReadinessReport,
};
pub use segment::{Estimate, Segment, Segmentation};
pub use validate::validate;
pub use validation::{
    Accuracy, ConstructValidation, CrossValidation, CrossValidationBuilder, PathwayStability,
    RefitMethod, SchemeValidation, Validation, ValidationError, Verdict, MAX_BOOTSTRAP,
    MAX_REPEATS, MAX_ROWS,
};
