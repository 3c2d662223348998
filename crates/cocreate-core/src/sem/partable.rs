//! The parameter table: every parameter of the model, user-written or added by default.
//!
//! Rows follow lavaan's order: the user's relations as written, then the default
//! (residual) variances, latent covariances, residual covariances of pure outcomes, the
//! exogenous-covariate block, intercepts, and finally defined parameters. Each row is free
//! (with an index into the parameter vector; rows sharing a label share the index) or fixed.
//! The table is built by [`ParameterTable::build`] in `lavaanify`.

use std::collections::BTreeMap;

use super::error::Position;
use super::linear_constraint::LinearConstraint;
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
#[non_exhaustive]
pub struct ParameterRow {
    /// Left-hand side.
    pub lhs: String,
    /// Operator.
    pub op: Op,
    /// Right-hand side (the expression text for `:=`).
    pub rhs: String,
    /// The group the row belongs to, by its label (the value in the grouping column);
    /// empty in a single-group table and for defined parameters.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub group: String,
    /// Label (empty if none; the name for `:=`). In a multiple-group table, parameters
    /// held equal by `group_equal` carry lavaan's `.pN.` label (N the row number, from 1,
    /// of the first group's row).
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
///
/// Read from JSON, a table is checked to hold together (every row names one of its
/// variables, free indices are in range, the sizes are within the limits) before it is
/// accepted, so that nothing built from it can index out of bounds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ParameterTableRepr"))]
#[non_exhaustive]
pub struct ParameterTable {
    pub(crate) rows: Vec<ParameterRow>,
    pub(crate) observed: Vec<String>,
    pub(crate) latent: Vec<String>,
    pub(crate) ov_x: Vec<String>,
    pub(crate) n_free: usize,
    pub(crate) meanstructure: bool,
    pub(crate) definitions: Vec<Definition>,
    pub(crate) positions: BTreeMap<String, Position>,
    pub(crate) groups: Vec<String>,
    /// The general constraints as linear forms in the free parameters.
    pub(crate) constraints: Vec<LinearConstraint>,
}

/// The unvalidated fields of a [`ParameterTable`], read by serde and then checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterTableRepr {
    rows: Vec<ParameterRow>,
    observed: Vec<String>,
    latent: Vec<String>,
    ov_x: Vec<String>,
    n_free: usize,
    meanstructure: bool,
    #[serde(default)]
    definitions: Vec<Definition>,
    #[serde(default)]
    positions: BTreeMap<String, Position>,
    #[serde(default)]
    groups: Vec<String>,
    constraints: Vec<LinearConstraint>,
}

#[cfg(feature = "serde")]
impl TryFrom<ParameterTableRepr> for ParameterTable {
    type Error = super::error::SemError;
    fn try_from(r: ParameterTableRepr) -> Result<Self, Self::Error> {
        use super::error::SemError;
        use std::collections::HashSet;
        let limits = [
            ("parameter-table rows", r.rows.len(), super::MAX_TABLE_ROWS),
            (
                "variables (observed and latent) in the model",
                r.observed.len() + r.latent.len(),
                super::MAX_VARIABLES,
            ),
            ("free parameters", r.n_free, super::MAX_FREE_PARAMETERS),
        ];
        for (what, found, limit) in limits {
            if found > limit {
                return Err(SemError::TooLarge {
                    what: what.into(),
                    found,
                    limit,
                });
            }
        }
        let mut variables = HashSet::new();
        for v in r.observed.iter().chain(&r.latent) {
            if !variables.insert(v.as_str()) {
                return Err(SemError::StoredMismatch {
                    part: "list of distinct variables",
                    found: r.observed.len() + r.latent.len(),
                    expected: variables.len(),
                });
            }
        }
        let unknown = |row: usize, name: &str| SemError::StoredUnknownVariable {
            row: row + 1,
            name: name.to_string(),
        };
        if let Some(x) = r.ov_x.iter().find(|x| !r.observed.contains(x)) {
            return Err(unknown(0, x));
        }
        if r.groups.len() > super::MAX_GROUPS {
            return Err(SemError::TooLarge {
                what: "groups".into(),
                found: r.groups.len(),
                limit: super::MAX_GROUPS,
            });
        }
        if r.groups.len() == 1 || r.groups.iter().any(String::is_empty) {
            return Err(SemError::StoredMismatch {
                part: "list of groups",
                found: r.groups.len(),
                expected: 2,
            });
        }
        let mut used = vec![false; r.n_free];
        let mut defined = 0;
        for (k, row) in r.rows.iter().enumerate() {
            let in_groups = if r.groups.is_empty() || row.op == Op::Defined {
                row.group.is_empty()
            } else {
                r.groups.contains(&row.group)
            };
            if !in_groups {
                return Err(SemError::StoredUnknownGroup {
                    row: k + 1,
                    group: row.group.clone(),
                });
            }
            let names: &[&str] = match row.op {
                Op::Defined => &[],
                Op::Intercept | Op::Threshold => &[row.lhs.as_str()],
                _ => &[row.lhs.as_str(), row.rhs.as_str()],
            };
            if let Some(name) = names.iter().find(|n| !variables.contains(*n)) {
                return Err(unknown(k, name));
            }
            defined += usize::from(row.op == Op::Defined);
            if let Some(i) = row.free {
                match used.get_mut(i) {
                    Some(u) => *u = true,
                    None => {
                        return Err(SemError::StoredMismatch {
                            part: "free-parameter indices",
                            found: i + 1,
                            expected: r.n_free,
                        })
                    }
                }
            }
        }
        if let Some(unused) = used.iter().position(|u| !u) {
            return Err(SemError::StoredMismatch {
                part: "free-parameter indices",
                found: unused,
                expected: r.n_free,
            });
        }
        if !r.definitions.is_empty() && r.definitions.len() != defined {
            return Err(SemError::StoredMismatch {
                part: "definitions",
                found: r.definitions.len(),
                expected: defined,
            });
        }
        if r.constraints.len() > super::MAX_CONSTRAINTS {
            return Err(SemError::TooLarge {
                what: "constraints".into(),
                found: r.constraints.len(),
                limit: super::MAX_CONSTRAINTS,
            });
        }
        for c in &r.constraints {
            if let Some(&(k, _)) = c.terms.iter().find(|(k, _)| *k >= r.n_free) {
                return Err(SemError::StoredMismatch {
                    part: "free-parameter indices of the constraints",
                    found: k + 1,
                    expected: r.n_free,
                });
            }
            if !c.constant.is_finite() || c.terms.iter().any(|(_, w)| !w.is_finite()) {
                return Err(SemError::InvalidValue {
                    parameter: c.written(),
                    problem: "a constraint whose numbers are not finite".into(),
                    position: c.position,
                });
            }
        }
        let table = ParameterTable {
            rows: r.rows,
            observed: r.observed,
            latent: r.latent,
            ov_x: r.ov_x,
            n_free: r.n_free,
            meanstructure: r.meanstructure,
            definitions: r.definitions,
            positions: r.positions,
            groups: r.groups,
            constraints: r.constraints,
        };
        table.check_constraints()?;
        Ok(table)
    }
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

    /// Number of free parameters: the length of the parameter vector, parameters sharing a
    /// label or tied by a simple `a == b` counted once. General equality constraints
    /// (`a == 2*b`) do not shorten the vector; [`FitMeasures::npar`](super::FitMeasures)
    /// subtracts their rank.
    pub fn n_free(&self) -> usize {
        self.n_free
    }

    /// The general constraints (`a == 2*b`, `a > 0`, ...), as written, in order. Simple
    /// equalities naming a defined parameter (`ab == 0.2`) are among them.
    pub fn general_constraints(&self) -> Vec<String> {
        self.constraints.iter().map(|c| c.written()).collect()
    }

    /// Whether the table has intercepts.
    pub fn meanstructure(&self) -> bool {
        self.meanstructure
    }

    /// The groups of a multiple-group table, by label, in the data's order of first
    /// appearance; empty for a single-group table.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// The rows of one group (all rows but the defined parameters of a single-group
    /// table, for `group = ""`), with their indices in [`ParameterTable::rows`].
    pub fn group_rows<'a>(
        &'a self,
        group: &'a str,
    ) -> impl Iterator<Item = (usize, &'a ParameterRow)> + 'a {
        self.rows
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.op != Op::Defined && r.group == group)
    }

    /// Where a variable is first written in the model text.
    pub(crate) fn position_of(&self, name: &str) -> Position {
        self.positions.get(name).copied().unwrap_or_default()
    }
}
