//! WLSMV with groups: lavaan's `cfa(..., ordered = ..., group = "g")`, with or without
//! parameters held equal across groups. Here: the groups of the rows and lavaan's check
//! that every category is chosen in every group; the fit of all groups at once is
//! `joint.rs` (its table `joint_table.rs`, its inference `joint_infer.rs`, the test over
//! the groups `group_test.rs`). Formulas: `docs/methods/sem.md` §17.

use super::super::error::SemError;
use super::super::lavaanify::roles;
use super::super::model::Model;
use super::super::options::SemOptions;
use super::super::results::SemFit;
use super::joint::fit_joint;
use crate::data::Table;

/// Fits `model` by WLSMV in every group of `labels` (row r's group, `None` leaves the row
/// out; groups in order of first appearance).
pub(crate) fn fit_groups(
    model: &Model,
    data: &Table,
    labels: &[Option<String>],
    options: &SemOptions,
) -> Result<SemFit, SemError> {
    let column = options.group.clone().unwrap_or_default();
    if labels.len() != data.n_rows() {
        return Err(SemError::GroupLabelsLength {
            found: labels.len(),
            rows: data.n_rows(),
        });
    }
    let mut order: Vec<&str> = Vec::new();
    for l in labels.iter().flatten() {
        if !order.contains(&l.as_str()) {
            if order.len() == super::super::MAX_GROUPS {
                return Err(SemError::TooLarge {
                    what: format!("groups (levels of the group column {column:?})"),
                    found: super::super::MAX_GROUPS + 1,
                    limit: super::super::MAX_GROUPS,
                });
            }
            order.push(l);
        }
    }
    if order.len() < 2 {
        return Err(SemError::TooFewGroups {
            column,
            levels: order.iter().map(|s| s.to_string()).collect(),
        });
    }
    check_categories(model, data, labels, &order, options)?;
    fit_joint(model, data, labels, &order, options)
}

/// lavaan takes the categories of an ordered variable from all groups' rows and refuses a
/// group in which one of them is empty (`lav_samplestats_step1`): the groups' thresholds
/// would not describe the same categories.
fn check_categories(
    model: &Model,
    data: &Table,
    labels: &[Option<String>],
    order: &[&str],
    options: &SemOptions,
) -> Result<(), SemError> {
    let observed = roles(model)?.observed;
    let mut columns = Vec::new();
    for name in observed.iter().filter(|v| options.ordered.contains(v)) {
        if let Some(c) = data.column_index(name) {
            columns.push((name, c));
        }
    }
    for &group in order {
        for &(name, c) in &columns {
            let mut counts: Vec<(f64, usize)> = Vec::new();
            for (r, l) in labels.iter().enumerate() {
                let Some(v) = data.get(r, c) else { continue };
                if l.is_none() {
                    continue;
                }
                let k = match counts.binary_search_by(|(x, _)| x.total_cmp(&v)) {
                    Ok(k) => k,
                    Err(k) => {
                        counts.insert(k, (v, 0));
                        k
                    }
                };
                if l.as_deref() == Some(group) {
                    counts[k].1 += 1;
                }
                if counts.len() > crate::ordinal::MAX_CATEGORIES {
                    break;
                }
            }
            if counts.len() > crate::ordinal::MAX_CATEGORIES {
                // Not a category variable: the ordinal module says so in the group's fit,
                // which comes first.
                return Ok(());
            }
            if let Some((value, _)) = counts.iter().find(|(_, n)| *n == 0) {
                let frequencies: Vec<String> = counts.iter().map(|(_, n)| n.to_string()).collect();
                return Err(SemError::OrderedUnsupported {
                    what: format!(
                        "variable {name:?} has no row in category {value} (frequencies by category: {})",
                        frequencies.join(", ")
                    ),
                    reason: "as in lavaan, every category of an ordered variable (over all groups) must be chosen in every group; merge sparse categories or leave the group out",
                }
                .in_group(group));
            }
        }
    }
    Ok(())
}
