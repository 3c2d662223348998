//! Preparation of a multiple-group fit: the groups from the grouping column (in order of
//! first appearance, as lavaan orders them), the multiple-group parameter table, and per
//! group the rows kept, a compiled view of the group's rows (sharing the free-parameter
//! vector of the whole table) and the checks on them, each error naming its group.

use nalgebra::DMatrix;

use super::error::{SemError, SemWarning};
use super::model::Model;
use super::options::{Missing, SemOptions};
use super::partable::ParameterTable;
use super::prepare::check_table_against_data;
use super::ram::Compiled;
use crate::data::{DataError, Table};

/// One group's part of a prepared multiple-group fit.
pub(crate) struct GroupData {
    /// The group's label.
    pub label: String,
    /// The group's rows of the table, compiled over the whole table's free parameters.
    pub compiled: Compiled,
    /// The rows kept (rows × observed, NaN = missing).
    pub data: DMatrix<f64>,
    /// Index of the group's first row in the whole table.
    pub offset: usize,
}

/// A multiple-group model ready for an estimator.
pub(crate) struct PreparedGroups {
    /// The whole parameter table (every group, then the defined parameters).
    pub table: ParameterTable,
    pub groups: Vec<GroupData>,
    /// Rows of the data table.
    pub n_original: usize,
    pub warnings: Vec<SemWarning>,
}

impl PreparedGroups {
    /// Rows used, all groups.
    pub fn n(&self) -> usize {
        self.groups.iter().map(|g| g.data.nrows()).sum()
    }
}

/// The group label of every row of `data` (`None` where the grouping cell is missing):
/// the text of a column the table kept as text, else the number as R prints it.
pub(crate) fn group_labels(data: &Table, column: &str) -> Result<Vec<Option<String>>, SemError> {
    if let Some(texts) = data.text(column) {
        return Ok(texts
            .iter()
            .map(|t| {
                let t = t.trim();
                (!t.is_empty() && t != "NA").then(|| t.to_string())
            })
            .collect());
    }
    match data.column(column) {
        Ok(values) => Ok(values
            .into_iter()
            .map(|v| v.map(|x| format!("{x}")))
            .collect()),
        Err(DataError::NotANumber {
            line,
            column: c,
            value,
        }) => Err(SemError::GroupColumnText {
            column: c,
            line,
            value,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The rows of group `g` of `table`, as a table of their own over the same free
/// parameters (no definitions), for compiling.
pub(crate) fn group_view(table: &ParameterTable, label: &str) -> ParameterTable {
    ParameterTable {
        rows: table.group_rows(label).map(|(_, r)| r.clone()).collect(),
        observed: table.observed.clone(),
        latent: table.latent.clone(),
        ov_x: table.ov_x.clone(),
        n_free: table.n_free,
        meanstructure: table.meanstructure,
        definitions: Vec::new(),
        positions: Default::default(),
        groups: Vec::new(),
        constraints: Vec::new(),
    }
}

/// Prepares a multiple-group fit: the groups of `options.group`, the table, and each
/// group's rows and compiled view.
pub(crate) fn prepare_groups(
    model: &Model,
    data: &Table,
    options: &SemOptions,
) -> Result<PreparedGroups, SemError> {
    let column = options.group.as_deref().unwrap_or_default();
    if let Some(r) = model
        .relations()
        .iter()
        .find(|r| r.lhs == column || r.rhs == column)
    {
        let position = if r.lhs == column {
            r.lhs_position
        } else {
            r.rhs_position
        };
        return Err(SemError::GroupIsVariable {
            column: column.to_string(),
            position,
        });
    }
    if model.relations().is_empty() {
        return Err(SemError::EmptyModel);
    }
    let labels_of_rows = group_labels(data, column)?;
    prepare_labelled(model, data, options, &labels_of_rows)
}

/// [`prepare_groups`] with each row's group given (`None`: no group, the row is left
/// out) rather than read from a column.
pub(crate) fn prepare_labelled(
    model: &Model,
    data: &Table,
    options: &SemOptions,
    labels_of_rows: &[Option<String>],
) -> Result<PreparedGroups, SemError> {
    let column = options.group.as_deref().unwrap_or_default();
    if model.relations().is_empty() {
        return Err(SemError::EmptyModel);
    }
    if labels_of_rows.len() != data.n_rows() {
        return Err(SemError::GroupLabelsLength {
            found: labels_of_rows.len(),
            rows: data.n_rows(),
        });
    }
    let mut labels: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for l in labels_of_rows.iter().flatten() {
        if seen.insert(l.as_str()) {
            if labels.len() == super::MAX_GROUPS {
                return Err(SemError::TooLarge {
                    what: format!("groups (levels of the group column {column:?})"),
                    found: super::MAX_GROUPS + 1,
                    limit: super::MAX_GROUPS,
                });
            }
            labels.push(l.clone());
        }
    }
    if labels.len() < 2 {
        return Err(SemError::TooFewGroups {
            column: column.to_string(),
            levels: labels,
        });
    }
    // A group with no more rows than variables fails whatever the model: say so before
    // building a table for every group (a column with a level per row would be large).
    let p = super::lavaanify::roles(model)?.observed.len();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for l in labels_of_rows.iter().flatten() {
        *counts.entry(l.as_str()).or_default() += 1;
    }
    for label in &labels {
        let n = counts.get(label.as_str()).copied().unwrap_or(0);
        if n <= p {
            return Err(SemError::GroupTooSmall {
                group: label.clone(),
                n,
                p,
            });
        }
    }
    let table = ParameterTable::build_groups(model, options, &labels)?;
    check_table_against_data(&table, data, options)?;
    let sel = data.select(table.observed())?;
    let p = table.observed().len();
    let n_original = sel.n_rows();
    let mut warnings = Vec::new();
    let missing_group = labels_of_rows.iter().filter(|l| l.is_none()).count();
    if missing_group > 0 {
        warnings.push(SemWarning::RowsDropped {
            dropped: missing_group,
            reason: format!("rows with no value in the group column {column:?}"),
        });
    }
    let mut rows_of: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (r, l) in labels_of_rows.iter().enumerate() {
        if let Some(l) = l {
            rows_of.entry(l.as_str()).or_default().push(r);
        }
    }
    let mut groups = Vec::with_capacity(labels.len());
    let mut dropped = 0;
    for label in &labels {
        let compiled = Compiled::new(group_view(&table, label));
        let x_idx = &compiled.x_idx;
        let keep = |row: &[f64]| -> bool {
            match options.missing {
                Missing::Listwise => row.iter().all(|v| !v.is_nan()),
                Missing::Ml => {
                    !row.iter().all(|v| v.is_nan()) && x_idx.iter().all(|&i| !row[i].is_nan())
                }
                Missing::MlX => !row.iter().all(|v| v.is_nan()),
            }
        };
        let in_group: &[usize] = rows_of.get(label.as_str()).map_or(&[], Vec::as_slice);
        let rows: Vec<usize> = in_group
            .iter()
            .copied()
            .filter(|&r| keep(sel.row(r)))
            .collect();
        dropped += in_group.len() - rows.len();
        if rows.len() <= p {
            return Err(SemError::GroupTooSmall {
                group: label.clone(),
                n: rows.len(),
                p,
            });
        }
        let offset = table
            .rows()
            .iter()
            .position(|r| &r.group == label)
            .unwrap_or(0);
        groups.push(GroupData {
            label: label.clone(),
            compiled,
            data: DMatrix::from_fn(rows.len(), p, |r, j| sel.row(rows[r])[j]),
            offset,
        });
    }
    if dropped > 0 {
        let reason = match options.missing {
            Missing::Listwise => "listwise deletion of rows with a missing value",
            Missing::Ml => "rows with every variable missing or a missing fixed covariate (use missing = ml.x to keep the latter)",
            Missing::MlX => "rows with every variable missing",
        };
        warnings.push(SemWarning::RowsDropped {
            dropped,
            reason: reason.into(),
        });
    }
    Ok(PreparedGroups {
        table,
        groups,
        n_original,
        warnings,
    })
}

/// Degrees of freedom of a multiple-group model: every group's moments not fixed by
/// `fixed.x` (means included), minus the free parameters of the whole table.
pub(crate) fn degrees_of_freedom(prep: &PreparedGroups) -> (i64, usize) {
    let mut moments = 0i64;
    for g in &prep.groups {
        let (p, px) = (g.compiled.p as i64, g.compiled.x_idx.len() as i64);
        moments += p * (p + 1) / 2 + p - (px * (px + 1) / 2 + px);
    }
    (moments - prep.table.n_free() as i64, moments as usize)
}

/// The degrees of freedom, or the error of a model with more parameters than moments.
pub(crate) fn check_df(prep: &PreparedGroups) -> Result<f64, SemError> {
    let (df, moments) = degrees_of_freedom(prep);
    if df < 0 {
        return Err(SemError::NegativeDf {
            npar: prep.table.n_free(),
            moments,
            df,
        });
    }
    Ok(df as f64)
}
