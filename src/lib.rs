//! # cocreate
//!
//! The quantitative side of customer co-creation and customer-experience management
//! (CEM), as typed, fast library APIs.
//!
//! This facade crate re-exports the three crates of the workspace so that a dependency
//! user needs one line in `Cargo.toml`:
//!
//! - [`core`] (`cocreate-core`): questionnaire scoring and reliability, Likert items as
//!   ordered categories (polychoric correlations), lavaan-style structural equation
//!   modelling, and co-creation readiness.
//! - [`journey`] (`cocreate-journey`): customer journeys, moments of truth and analytics
//!   over many journeys.
//! - [`maturity`] (`cocreate-maturity`): CEM maturity levels, assessments and roadmaps.
//!
//! # Where to start
//!
//! Each line names a task and the item that does it; its page teaches the rest.
//!
//! **Questionnaires** (`cocreate::core::scoring`, `cocreate::core::data`)
//! - Declare scales, items and reverse keys: [`core::scoring::Instrument`] (from a key
//!   file with [`core::scoring::Instrument::from_json_path`]).
//! - Read answers: [`core::scoring::Responses::from_csv_path`]; any CSV as a table with
//!   identifier columns kept as text: [`core::data::Table`].
//! - Score respondents: [`core::scoring::Scorer::score`] (psych `scoreItems`).
//! - Reliability (α, λ6, ω, item-dropped statistics): [`core::scoring::Scorer::reliability`];
//!   ω hierarchical: [`core::scoring::omega_hierarchical`].
//!
//! **Structural equation models** (`cocreate::core::sem`, lavaan's syntax and names)
//! - Parse a model: [`core::sem::Model`]; choose estimator, missing-data handling, standard
//!   errors: [`core::sem::SemOptions`]; fit: [`core::sem::Model::fit`].
//! - Read the fit: [`core::sem::SemFit`] (`parameter_estimates()`, `fit_measures()`,
//!   `standardized_solution()`, `modification_indices()`, and its summary as `Display`).
//! - Measurement validity (composite reliability, AVE, HTMT, Fornell–Larcker):
//!   [`core::sem::measurement_validity`]; factor scores: [`core::sem::factor_scores`];
//!   a path diagram: [`core::sem::PathDiagram`].
//! - Compare nested models (lavaan `lavTestLRT`): [`core::sem::lav_test_lrt`]; groups and
//!   measurement invariance: [`core::sem::SemOptions`]'s `group`, `group_equal`, and
//!   [`core::sem::measurement_invariance`].
//! - Ordered (Likert) items: polychoric correlations with [`core::ordinal::lav_cor`], WLSMV
//!   through [`core::sem::SemOptions`]'s `ordered`.
//!
//! **Readiness to co-create** (`cocreate::core::readiness`)
//! - The Big Five → innovativeness and involvement → willingness model:
//!   [`core::readiness::ReadinessModel`]; predict customers:
//!   [`core::readiness::ReadinessModel::predict_batch`]; whom to invite:
//!   [`core::readiness::InvitationList`].
//! - Out-of-sample validity (leave-one-out, k-fold, Q²_predict against a regression
//!   benchmark): [`core::readiness::validate`]; the report a researcher reads:
//!   [`core::readiness::ReadinessReport`].
//! - Whether pathways differ across customer groups: [`core::readiness::compare_groups`].
//!
//! **Journeys** (`cocreate::journey`)
//! - One customer's journey and its moments of truth: [`journey::JourneyBuilder`],
//!   [`journey::Journey::moments_of_truth`], [`journey::Journey::reflect`].
//! - Conversion paths and attribution: [`journey::PathData`] and
//!   [`journey::MarkovOptions::fit`] (ChannelAttribution's Markov model),
//!   [`journey::heuristic_models`].
//! - Event logs and process views: [`journey::EventLog`], [`journey::Dfg`].
//!
//! **CEM maturity** (`cocreate::maturity`)
//! - A framework of stages, competencies and items: [`maturity::MaturityModel`]; a firm's
//!   answers: [`maturity::FirmAnswers`]; the assessment: [`maturity::MaturityModel::assess`];
//!   gaps and the way up: [`maturity::Assessment::gaps`], [`maturity::MaturityModel::roadmap`].
//!
//! The methods behind every figure, with their formulas and sources, are in the
//! repository's `docs/methods/`; how each was checked against R and Python is in
//! `docs/validation.md`.
//!
//! # Untrusted input
//!
//! Each crate documents the limits it checks before allocating, and what it refuses,
//! in a section of this name: [`core`] (tables, scoring, with [`core::sem`] for models
//! and the bootstrap), [`journey`] (path and event CSVs, channels, Markov chains) and
//! [`maturity`] (frameworks and answers). Every user-written JSON format is read
//! strictly: unknown fields are refused with the nearest known name, repeated keys are
//! refused, and a byte-order mark is accepted.
//!
//! # Features
//!
//! - `serde` (default): `Serialize`/`Deserialize` on every data type.
//! - `parallel` (default): spread batch work (scoring, bootstrap, polychoric matrices, the
//!   dense factors and truncated horizon of Markov attribution over thousands of
//!   channels, large path CSV text and files read in two halves) over threads with
//!   rayon; results are identical to the single-threaded ones. Turn it off to keep all
//!   work on the calling thread.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use cocreate_core as core;
pub use cocreate_journey as journey;
pub use cocreate_maturity as maturity;

/// The README's code samples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
