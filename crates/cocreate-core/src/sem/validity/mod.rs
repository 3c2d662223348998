//! Reliability and validity of the measurement part of a fitted model: composite
//! reliability (semTools `compRelSEM`), average variance extracted (`AVE`), the
//! heterotrait–monotrait ratio (`htmt`), factor correlations (lavaan `cor.lv`) and the
//! Fornell–Larcker table. Formulas and sources: `docs/methods/sem.md`.
//!
//! Everything here is closed-form given the fit, so it agrees with semTools to rounding.
//! Usual thresholds are reported as flags next to the figures; nothing is dropped or
//! hidden because it misses one.

//!
//! `report` holds the report and its computation, `htmt` the heterotrait–monotrait ratio
//! it uses (also public on its own), `error` what can go wrong.

mod error;
mod htmt;
mod report;

pub use error::ValidityError;
pub use htmt::{htmt, NamedMatrix};
pub use report::{
    measurement_validity, measurement_validity_with, validity_from_parts, FactorReliability,
    FornellLarcker, HtmtFlag, Loading, MeasurementParts, MeasurementValidity, ValidityThresholds,
};
