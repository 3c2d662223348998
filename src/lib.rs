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
//! - `parallel`: spread batch work (scoring, bootstrap, polychoric matrices) over threads
//!   with rayon; results are identical to the single-threaded ones.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use cocreate_core as core;
pub use cocreate_journey as journey;
pub use cocreate_maturity as maturity;

/// The README's code samples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
