//! Equality constraints: rows sharing a label, merged by `==` lines, become one free
//! parameter (or one fixed value), with contradictions reported with their model lines.
//!
//! Labels form groups; `label == label` lines merge groups (union-find); `label == value`
//! lines and fixed rows hold a group at a value, and two different values for one group
//! are an [`SemError::InfeasibleConstraints`]. Free indices are then given in row order,
//! one per group.

use std::collections::{HashMap, HashSet};

use super::error::{Position, SemError};
use super::model::{Constraint, ConstraintValue, Modifier};
use super::partable::ParameterRow;

fn infeasible(detail: String, at: &[Position]) -> SemError {
    let mut lines: Vec<usize> = at.iter().map(|p| p.line).collect();
    lines.sort_unstable();
    lines.dedup();
    SemError::InfeasibleConstraints { detail, lines }
}

/// Resolves the labels and constraints of `rows` (`mods` holds each user row's modifiers,
/// `pos` where each row is written): sets every row's free index or fixed value and
/// returns the number of free parameters and the labels.
pub(crate) fn resolve(
    rows: &mut [ParameterRow],
    mods: &[Option<Modifier>],
    pos: &[Position],
    constraints: &[Constraint],
) -> Result<(usize, HashSet<String>), SemError> {
    // Labels: equality groups, merged by constraints.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut label_group: HashMap<String, usize> = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        if r.label.is_empty() {
            groups.push(vec![k]);
        } else if let Some(&g) = label_group.get(&r.label) {
            groups[g].push(k);
        } else {
            label_group.insert(r.label.clone(), groups.len());
            groups.push(vec![k]);
        }
    }
    let mut parent: Vec<usize> = (0..groups.len()).collect();
    fn find(p: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while p[r] != r {
            r = p[r];
        }
        p[i] = r;
        r
    }
    // The place each row is written (model-built and default rows have none).
    let row_pos = |k: usize| pos.get(k).copied().unwrap_or_default();
    let mut group_fix: Vec<Option<(f64, Position)>> = vec![None; groups.len()];
    for c in constraints {
        let g = *label_group
            .get(&c.lhs)
            .ok_or_else(|| SemError::UnknownLabel {
                name: c.lhs.clone(),
                position: c.position,
            })?;
        match &c.rhs {
            ConstraintValue::Label(l) => {
                let h = *label_group.get(l).ok_or_else(|| SemError::UnknownLabel {
                    name: l.clone(),
                    position: c.position,
                })?;
                let (a, b) = (find(&mut parent, g), find(&mut parent, h));
                parent[b] = a;
            }
            ConstraintValue::Value(v) => {
                if let Some((w, at)) = group_fix[g] {
                    if w != *v {
                        return Err(infeasible(
                            format!(
                                "{:?} is set to {w} at {at} and to {v} at {}",
                                c.lhs, c.position
                            ),
                            &[at, c.position],
                        ));
                    }
                }
                group_fix[g] = Some((*v, c.position));
            }
        }
    }
    let mut merged: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut merged_fix: HashMap<usize, (f64, Position, usize)> = HashMap::new();
    for g in 0..groups.len() {
        let root = find(&mut parent, g);
        merged
            .entry(root)
            .or_default()
            .extend(groups[g].iter().copied());
        if let Some((v, at)) = group_fix[g] {
            if let Some(&(w, prev_at, prev_g)) = merged_fix.get(&root) {
                if w != v {
                    let name = |g: usize| rows[groups[g][0]].label.clone();
                    return Err(infeasible(
                        format!(
                            "{:?} and {:?} are constrained equal, but {:?} is set to {w} at {prev_at} and {:?} to {v} at {at}",
                            name(prev_g),
                            name(g),
                            name(prev_g),
                            name(g)
                        ),
                        &[prev_at, at],
                    ));
                }
            }
            merged_fix.insert(root, (v, at, g));
        }
    }
    let mut roots: Vec<usize> = merged.keys().copied().collect();
    roots.sort_by_key(|r| merged[r].iter().min().copied());
    let mut row_free: Vec<Option<usize>> = vec![None; rows.len()];
    let mut row_fixed: Vec<Option<f64>> = rows.iter().map(|r| r.fixed).collect();
    let mut next = 0;
    let mut order: Vec<(usize, Vec<usize>)> = Vec::new();
    for r in roots {
        let mut members = merged[&r].clone();
        members.sort_unstable();
        order.push((r, members));
    }
    order.sort_by_key(|(_, m)| m[0]);
    for (root, members) in order {
        // The value the group is held at, and who holds it there: a constraint line
        // (`true`) or a fixed row.
        let mut fixed_val: Option<(f64, Position, bool)> =
            merged_fix.get(&root).map(|&(v, at, _)| (v, at, true));
        for &k in &members {
            if rows[k].exo {
                continue;
            }
            if rows[k].free.is_none() {
                let v = rows[k].fixed.unwrap_or(0.0);
                let at = row_pos(k);
                if let Some((prev, prev_at, by_constraint)) = fixed_val {
                    if prev != v && (members.len() > 1 || by_constraint) {
                        let what = if by_constraint {
                            "the constraint"
                        } else {
                            "a parameter with the same label"
                        };
                        let how = if mods[k].as_ref().is_some_and(|m| m.fixed.is_none()) {
                            " by default (write NA* before the name to free it)"
                        } else {
                            ""
                        };
                        return Err(infeasible(
                            format!(
                                "label {:?}: {} {} {} is fixed to {v}{how} at {at}, but {what} at {prev_at} sets it to {prev}",
                                rows[k].label, rows[k].lhs, rows[k].op, rows[k].rhs
                            ),
                            &[prev_at, at],
                        ));
                    }
                }
                if fixed_val.is_none() {
                    fixed_val = Some((v, at, false));
                }
            }
        }
        let fixed_val = fixed_val.map(|(v, _, _)| v);
        if members.iter().all(|&k| rows[k].exo) {
            continue;
        }
        match fixed_val {
            Some(v) => {
                for &k in &members {
                    row_fixed[k] = Some(v);
                }
            }
            None => {
                let mut first: Option<usize> = None;
                let mut sorted = members.clone();
                sorted.sort_unstable();
                for &k in &sorted {
                    if rows[k].free.is_some() {
                        first.get_or_insert(k);
                    }
                }
                if first.is_some() {
                    for &k in &members {
                        row_free[k] = Some(0);
                    }
                }
            }
        }
    }
    // Assign indices in row order.
    let mut index_of_root: HashMap<usize, usize> = HashMap::new();
    let mut group_of_row: Vec<usize> = vec![0; rows.len()];
    for (g, members) in groups.iter().enumerate() {
        for &k in members {
            group_of_row[k] = find(&mut parent, g);
        }
    }
    for k in 0..rows.len() {
        if row_free[k].is_some() {
            let root = group_of_row[k];
            let idx = *index_of_root.entry(root).or_insert_with(|| {
                next += 1;
                next - 1
            });
            rows[k].free = Some(idx);
            rows[k].fixed = None;
        } else {
            rows[k].free = None;
            rows[k].fixed = if rows[k].exo { None } else { row_fixed[k] };
        }
    }
    Ok((next, label_group.into_keys().collect()))
}
