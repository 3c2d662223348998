//! The parameter table: every parameter of the model, user-written or added by default.
//!
//! Rows follow lavaan's order: the user's relations as written, then the default
//! (residual) variances, latent covariances, residual covariances of pure outcomes, the
//! exogenous-covariate block, intercepts, and finally defined parameters. Each row is free
//! (with an index into the parameter vector; rows sharing a label share the index) or fixed.
//! The table is built by [`ParameterTable::build`] in `lavaanify`.

use std::collections::HashMap;

use super::error::Position;
use super::model::Definition;
use super::op::Op;

/// One row of the parameter table.
///
/// ```
/// use cocreate_core::sem::{Model, Op, ParameterTable, SemOptions};
/// let model = Model::parse("f =~ x1 + x2 + x3")?;
/// let table = ParameterTable::build(&model, &SemOptions::default(), false)?;
/// let first = &table.rows()[0];
/// assert_eq!((first.lhs.as_str(), first.op, first.rhs.as_str()), ("f", Op::MeasuredBy, "x1"));
/// assert_eq!(first.fixed, Some(1.0)); // the marker loading
/// assert_eq!(table.n_free(), 6);
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParameterRow {
    /// Left-hand side.
    pub lhs: String,
    /// Operator.
    pub op: Op,
    /// Right-hand side (the expression text for `:=`).
    pub rhs: String,
    /// Label (empty if none; the name for `:=`).
    pub label: String,
    /// Written by the user (`true`) or added by default (`false`).
    pub user: bool,
    /// Index into the free-parameter vector, if free.
    pub free: Option<usize>,
    /// A fixed exogenous-covariate moment (`fixed.x`), taken from the data.
    pub exo: bool,
    /// Fixed value, for fixed rows that are not `exo`.
    pub fixed: Option<f64>,
    /// User starting value.
    pub start: Option<f64>,
}

/// The full parameter table of a model under given options, with the variable roles.
///
/// ```
/// use cocreate_core::sem::{Model, ParameterTable, SemOptions};
/// let model = Model::parse("y ~ x1 + x2")?;
/// let table = ParameterTable::build(&model, &SemOptions::default(), false)?;
/// assert_eq!(table.observed(), ["y", "x1", "x2"]);
/// assert_eq!(table.exogenous_covariates(), ["x1", "x2"]);
/// assert_eq!(table.n_free(), 3); // two slopes and a residual variance
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParameterTable {
    pub(crate) rows: Vec<ParameterRow>,
    pub(crate) observed: Vec<String>,
    pub(crate) latent: Vec<String>,
    pub(crate) ov_x: Vec<String>,
    pub(crate) n_free: usize,
    pub(crate) meanstructure: bool,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) definitions: Vec<Definition>,
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) positions: HashMap<String, Position>,
}

impl ParameterTable {
    /// The rows.
    pub fn rows(&self) -> &[ParameterRow] {
        &self.rows
    }

    /// Observed variables, in lavaan's order (indicators, outcomes, covariates, others).
    pub fn observed(&self) -> &[String] {
        &self.observed
    }

    /// Latent variables, in order of appearance.
    pub fn latent(&self) -> &[String] {
        &self.latent
    }

    /// Exogenous observed covariates held fixed (`fixed.x`); empty when `fixed_x` is off.
    pub fn exogenous_covariates(&self) -> &[String] {
        &self.ov_x
    }

    /// Number of free parameters (after equality constraints).
    pub fn n_free(&self) -> usize {
        self.n_free
    }

    /// Whether the table has intercepts.
    pub fn meanstructure(&self) -> bool {
        self.meanstructure
    }

    /// Where a variable is first written in the model text.
    pub(crate) fn position_of(&self, name: &str) -> Position {
        self.positions.get(name).copied().unwrap_or_default()
    }
}
