//! The parameter table of a multiple-group model, as lavaan builds it for `group =`: one
//! block of rows per group (the single-group table, with each group's vector modifiers),
//! the identification rules that depend on `group.equal`, and the equality constraints
//! `group.equal` adds, with `group.partial` exempting named parameters.
//!
//! lavaan's rules (`lav_partable_flat`, `lav_partable_labels`, `lavaanify`):
//! - every group has the same rows, in the single-group order; defined parameters follow;
//! - with `intercepts` held equal (and not `means`, and `int.lv.free` off) the latent means
//!   are free in every group but the first; with `std.lv` and `loadings` held equal (and not
//!   `lv.variances`) the latent variances are free in every group but the first;
//! - a row of the first group of a kind named in `group.equal` (and not in
//!   `group.partial`) is tied to the same row of every other group, unless the user labelled
//!   it: user labels always win, so `c(a1, a2)*x` stays free across groups;
//! - tied rows that are free carry the label `.pN.` of the first row of the set (N its
//!   1-based row number); tied rows that are fixed stay fixed and unlabelled.

use std::collections::{HashMap, HashSet};

use super::error::SemError;
use super::group_equal::GroupEqual;
use super::lavaanify::{block, block_size, check_model, check_rows, finish, roles, Block, Roles};
use super::model::Model;
use super::op::Op;
use super::options::SemOptions;
use super::partable::{ParameterRow, ParameterTable};

/// The prefix of the labels that tie rows while the constraints are resolved: no user label
/// can start with it, so a user's `.p2.` never joins a `group_equal` set by accident.
const TIE: char = '\u{1}';

/// Whether `row` (of the first group) is of a kind `group_equal` holds equal.
fn of_kind(row: &ParameterRow, kind: GroupEqual, roles: &Roles) -> bool {
    let nox = |v: &str| roles.observed.iter().any(|o| o == v) && !roles.ov_x.iter().any(|x| x == v);
    let lv = |v: &str| roles.lv.iter().any(|l| l == v);
    match kind {
        GroupEqual::Loadings => row.op == Op::MeasuredBy,
        GroupEqual::Regressions => row.op == Op::Regression,
        GroupEqual::Intercepts => row.op == Op::Intercept && nox(&row.lhs),
        GroupEqual::Means => row.op == Op::Intercept && lv(&row.lhs),
        GroupEqual::Residuals => row.op == Op::Covariance && nox(&row.lhs) && row.lhs == row.rhs,
        GroupEqual::ResidualCovariances => {
            row.op == Op::Covariance && nox(&row.lhs) && row.lhs != row.rhs
        }
        GroupEqual::LvVariances => row.op == Op::Covariance && lv(&row.lhs) && row.lhs == row.rhs,
        GroupEqual::LvCovariances => row.op == Op::Covariance && lv(&row.lhs) && row.lhs != row.rhs,
        GroupEqual::Thresholds => row.op == Op::Threshold,
    }
}

impl ParameterTable {
    /// Builds the table of a multiple-group model: one block of rows per group (in the
    /// order of `groups`, the labels of the groups), with the equality constraints of
    /// [`SemOptions::group_equal`] and the exemptions of [`SemOptions::group_partial`]
    /// (see the module docs of [`sem`](super) for lavaan's rules). The table has a mean
    /// structure.
    ///
    /// ```
    /// use cocreate_core::sem::{GroupEqual, Model, Op, ParameterTable, SemOptions};
    /// let model = Model::parse("f =~ x1 + x2 + x3")?;
    /// let opts = SemOptions::builder().group("g").group_equal([GroupEqual::Loadings]).build()?;
    /// let t = ParameterTable::build_groups(&model, &opts, &["a".into(), "b".into()])?;
    /// assert_eq!(t.groups(), ["a", "b"]);
    /// let x2: Vec<_> = t.rows().iter().filter(|r| r.op == Op::MeasuredBy && r.rhs == "x2").collect();
    /// assert_eq!((x2[0].group.as_str(), x2[1].group.as_str()), ("a", "b"));
    /// assert_eq!(x2[0].free, x2[1].free); // one parameter
    /// assert_eq!(x2[1].label, ".p2.");
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn build_groups(
        model: &Model,
        options: &SemOptions,
        groups: &[String],
    ) -> Result<ParameterTable, SemError> {
        let column = options.group.clone().unwrap_or_default();
        if groups.len() < 2 {
            return Err(SemError::TooFewGroups {
                column,
                levels: groups.to_vec(),
            });
        }
        if groups.len() > super::MAX_GROUPS {
            return Err(SemError::TooLarge {
                what: format!("groups (levels of the group column {column:?})"),
                found: groups.len(),
                limit: super::MAX_GROUPS,
            });
        }
        let mut distinct = HashSet::new();
        if let Some(dup) = groups.iter().find(|g| g.is_empty() || !distinct.insert(*g)) {
            return Err(SemError::InvalidOption {
                option: "group",
                value: super::error::quoted(dup),
                allowed: "group labels are distinct and not empty".into(),
            });
        }
        check_model(model)?;
        let roles = roles(model)?;
        let per = block_size(model, options, &roles, true);
        check_rows(per, groups.len(), model)?;
        let mut rows = Vec::new();
        let mut mods = Vec::new();
        let mut pos = Vec::new();
        let mut starts = Vec::with_capacity(groups.len());
        // Without vector modifiers every group's block is the first one's.
        let vectors = model.relations.iter().any(|r| r.modifier.has_vectors());
        let first = block(model, options, &roles, true, 0, groups)?;
        for (g, label) in groups.iter().enumerate() {
            let b = if g == 0 {
                first.clone_block()
            } else if vectors {
                block(model, options, &roles, true, g, groups)?
            } else {
                let mut b = first.clone_block();
                for r in &mut b.rows {
                    r.group.clone_from(label);
                }
                b
            };
            starts.push(rows.len());
            rows.extend(b.rows);
            mods.extend(b.mods);
            pos.extend(b.pos);
        }
        let per = starts[1];
        let equal = |k: GroupEqual| options.group_equal.contains(&k);
        // Identification in groups 2+ (default rows only; the user's modifiers stand).
        let free_lv_means = !options.int_lv_free
            && (equal(GroupEqual::Intercepts) || equal(GroupEqual::Thresholds))
            && !equal(GroupEqual::Means);
        let free_lv_vars =
            options.std_lv && equal(GroupEqual::Loadings) && !equal(GroupEqual::LvVariances);
        for row in rows.iter_mut().skip(per).filter(|r| !r.user) {
            let is_lv = roles.lv.contains(&row.lhs);
            let frees = (free_lv_means && row.op == Op::Intercept && is_lv)
                || (free_lv_vars && row.op == Op::Covariance && is_lv && row.lhs == row.rhs);
            if frees {
                row.free = Some(0);
                row.fixed = None;
            }
        }
        // group.partial names parameters of the model.
        for p in &options.group_partial {
            if !rows[..per].iter().any(|r| p.matches(&r.lhs, r.op, &r.rhs)) {
                return Err(SemError::InvalidOption {
                    option: "group_partial",
                    value: super::error::quoted(&p.to_string()),
                    allowed: "group_partial lists parameters of the model (lhs op rhs, as in the parameter table)".into(),
                });
            }
        }
        // group.equal: tie each row of a named kind to the same row of every group.
        for k in 0..per {
            let r = &rows[k];
            let tied = options
                .group_equal
                .iter()
                .any(|&kind| of_kind(r, kind, &roles))
                && !options
                    .group_partial
                    .iter()
                    .any(|p| p.matches(&r.lhs, r.op, &r.rhs));
            if !tied {
                continue;
            }
            for &s in &starts {
                if rows[s + k].label.is_empty() {
                    rows[s + k].label = format!("{TIE}{k}");
                }
            }
        }
        let mut table = finish(
            Block { rows, mods, pos },
            model,
            options,
            roles,
            true,
            groups.to_vec(),
        )?;
        // lavaan's labels for the sets group.equal made: `.pN.` when free, none when fixed.
        let mut first: HashMap<String, (usize, usize)> = HashMap::new();
        for (k, r) in table.rows.iter().enumerate() {
            if r.label.starts_with(TIE) {
                first.entry(r.label.clone()).or_insert((k, 0)).1 += 1;
            }
        }
        for r in table.rows.iter_mut() {
            if let Some(&(k, count)) = first.get(&r.label) {
                r.label = if count > 1 && r.free.is_some() {
                    format!(".p{}.", k + 1)
                } else {
                    String::new()
                };
            }
        }
        Ok(table)
    }

    /// The sets of parameters held equal across groups: each free parameter that more than
    /// one group's row shares, with those rows (user labels, `group_equal` and vector
    /// modifiers alike).
    ///
    /// ```
    /// use cocreate_core::sem::{GroupEqual, Model, ParameterTable, SemOptions};
    /// let model = Model::parse("f =~ x1 + x2 + x3")?;
    /// let opts = SemOptions::builder().group("g").group_equal([GroupEqual::Loadings]).build()?;
    /// let t = ParameterTable::build_groups(&model, &opts, &["a".into(), "b".into()])?;
    /// let ties = t.cross_group_ties();
    /// assert_eq!(ties.len(), 2); // x2 and x3; the marker x1 is fixed
    /// assert_eq!(t.n_free_unconstrained(), t.n_free() + 2);
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn cross_group_ties(&self) -> Vec<Vec<usize>> {
        let mut by_free: Vec<Vec<usize>> = vec![Vec::new(); self.n_free];
        for (k, r) in self.rows.iter().enumerate() {
            if let Some(i) = r.free {
                by_free[i].push(k);
            }
        }
        by_free
            .into_iter()
            .filter(|rows| {
                rows.len() > 1
                    && rows
                        .iter()
                        .any(|&k| self.rows[k].group != self.rows[rows[0]].group)
            })
            .collect()
    }

    /// Free parameters before equality constraints: every free row counted once (lavaan's
    /// count of free parameters before its `==` constraints are subtracted).
    pub fn n_free_unconstrained(&self) -> usize {
        self.rows.iter().filter(|r| r.free.is_some()).count()
    }
}
