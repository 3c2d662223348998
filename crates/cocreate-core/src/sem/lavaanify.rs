//! The parameter table of a model under the options, as lavaan's `lavaanify()` builds it:
//! the user's rows, the default (residual) variances and covariances, the fixed-covariate
//! block and intercepts, the automatic fixings that scale latent variables, the equality
//! constraints (`equality`) and the defined parameters, with every limit and written value
//! checked before anything large is made.

use std::collections::{BTreeMap, HashSet};

use super::error::{Position, SemError};
use super::expr::Expr;
use super::model::{Constraint, ConstraintOp, ConstraintValue, GeneralConstraint, Model, Modifier};
use super::op::Op;
use super::options::SemOptions;
use super::partable::{ParameterRow, ParameterTable};

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Fixed values, starting values and constraint values as written: finite, and no
/// variance below zero (vector modifiers included).
fn check_written_values(model: &Model) -> Result<(), SemError> {
    for r in &model.relations {
        let parameter = || match r.op {
            Op::Intercept => format!("{} ~ 1", r.lhs),
            op => format!("{} {} {}", r.lhs, op, r.rhs),
        };
        let m = &r.modifier;
        let fixed = m.fixed.iter().chain(m.fixed_by_group.iter().flatten());
        let start = m.start.iter().chain(m.start_by_group.iter().flatten());
        let problem = if let Some(v) = fixed.clone().find(|v| !v.is_finite()) {
            Some(format!("fixed to {v}, which is not a finite number"))
        } else if let Some(v) = start.clone().find(|v| !v.is_finite()) {
            Some(format!(
                "given the starting value {v}, which is not a finite number"
            ))
        } else {
            fixed
                .copied()
                .find(|&v| v < 0.0 && r.op == Op::Covariance && r.lhs == r.rhs)
                .map(|v| format!("a variance fixed to {v}; a variance cannot be negative"))
        };
        if let Some(problem) = problem {
            return Err(SemError::InvalidValue {
                parameter: parameter(),
                problem,
                position: r.rhs_position,
            });
        }
    }
    for c in &model.constraints {
        if let ConstraintValue::Value(v) = c.rhs {
            if !v.is_finite() {
                return Err(SemError::InvalidValue {
                    parameter: c.lhs.clone(),
                    problem: format!("constrained to {v}, which is not a finite number"),
                    position: c.position,
                });
            }
        }
    }
    Ok(())
}

/// The roles of the model's variables (lavaan's `vnames`), the same in every group.
pub(crate) struct Roles {
    /// Latent variables, in order of appearance.
    pub lv: Vec<String>,
    /// Observed variables in lavaan's order.
    pub observed: Vec<String>,
    /// Pure exogenous observed covariates (structural: whatever `fixed.x` says).
    pub ov_x: Vec<String>,
    /// Latent variables that are neither indicators nor outcomes.
    lv_x: Vec<String>,
    ov_y_pure: Vec<String>,
    lv_y_pure: Vec<String>,
    /// Where each variable is first written.
    pub positions: BTreeMap<String, Position>,
}

impl Roles {
    fn is_lv(&self, s: &str) -> bool {
        self.lv.iter().any(|x| x == s)
    }

    /// Observed variables that are not exogenous covariates (lavaan's `ov.nox`).
    pub fn ov_nox(&self) -> impl Iterator<Item = &String> {
        self.observed.iter().filter(|v| !self.ov_x.contains(v))
    }
}

pub(crate) fn roles(model: &Model) -> Result<Roles, SemError> {
    let rels = &model.relations;
    let lv: Vec<String> = model.latent_names().iter().map(|s| s.to_string()).collect();
    let is_lv = |s: &str| lv.iter().any(|x| x == s);
    let mut eqs_y = Vec::new();
    let mut eqs_x = Vec::new();
    let mut v_ind = Vec::new();
    let mut positions = BTreeMap::new();
    for r in rels {
        positions.entry(r.lhs.clone()).or_insert(r.lhs_position);
        if !r.rhs.is_empty() {
            positions.entry(r.rhs.clone()).or_insert(r.rhs_position);
        }
        match r.op {
            Op::Regression => {
                push_unique(&mut eqs_y, &r.lhs);
                push_unique(&mut eqs_x, &r.rhs);
            }
            Op::MeasuredBy => push_unique(&mut v_ind, &r.rhs),
            _ => {}
        }
        if r.op == Op::MeasuredBy && r.lhs == r.rhs {
            return Err(SemError::SelfIndicator {
                latent: r.lhs.clone(),
                position: r.rhs_position,
            });
        }
    }
    let ov_ind: Vec<String> = v_ind.iter().filter(|v| !is_lv(v)).cloned().collect();
    let ov_y_ord: Vec<String> = eqs_y
        .iter()
        .filter(|v| !is_lv(v) && !ov_ind.contains(v))
        .cloned()
        .collect();
    let ov_x_ord: Vec<String> = eqs_x
        .iter()
        .filter(|v| !is_lv(v) && !ov_ind.contains(v) && !ov_y_ord.contains(v))
        .cloned()
        .collect();
    let mut observed: Vec<String> = Vec::new();
    for v in ov_ind.iter().chain(&ov_y_ord).chain(&ov_x_ord) {
        push_unique(&mut observed, v);
    }
    let mut cov_lhs = Vec::new();
    let mut cov_rhs = Vec::new();
    let mut ints = Vec::new();
    for r in rels {
        match r.op {
            Op::Covariance => {
                if !is_lv(&r.lhs) {
                    cov_lhs.push(r.lhs.clone());
                }
                if !is_lv(&r.rhs) {
                    cov_rhs.push(r.rhs.clone());
                }
            }
            Op::Intercept if !is_lv(&r.lhs) => ints.push(r.lhs.clone()),
            _ => {}
        }
    }
    for v in cov_lhs.iter().chain(&cov_rhs).chain(&ints) {
        push_unique(&mut observed, v);
    }
    // Pure exogenous covariates: predictors only, never given a user variance,
    // covariance or intercept.
    let user_mentioned = |v: &str| {
        rels.iter().any(|r| {
            (r.op == Op::Covariance && (r.lhs == v || r.rhs == v))
                || (r.op == Op::Intercept && r.lhs == v)
        })
    };
    let ov_x: Vec<String> = ov_x_ord
        .iter()
        .filter(|v| !user_mentioned(v))
        .cloned()
        .collect();
    let lv_x: Vec<String> = lv
        .iter()
        .filter(|v| !v_ind.contains(v) && !eqs_y.contains(v))
        .cloned()
        .collect();
    let pure_y = |v: &String| eqs_y.contains(v) && !v_ind.contains(v) && !eqs_x.contains(v);
    let ov_y_pure: Vec<String> = observed.iter().filter(|v| pure_y(v)).cloned().collect();
    let lv_y_pure: Vec<String> = lv.iter().filter(|v| pure_y(v)).cloned().collect();
    let n_vars = observed.len() + lv.len();
    if n_vars > super::MAX_VARIABLES {
        return Err(SemError::TooLarge {
            what: "variables (observed and latent) in the model".into(),
            found: n_vars,
            limit: super::MAX_VARIABLES,
        });
    }
    Ok(Roles {
        lv,
        observed,
        ov_x,
        lv_x,
        ov_y_pure,
        lv_y_pure,
        positions,
    })
}

/// The rows of one group: the user's rows with the group's modifiers, the default rows,
/// and the automatic fixings, before labels and constraints are resolved.
pub(crate) struct Block {
    pub rows: Vec<ParameterRow>,
    /// The modifier of each user row in this group (`None` for default rows).
    pub mods: Vec<Option<Modifier>>,
    /// Where each row is written (default rows: line 0).
    pub pos: Vec<Position>,
}

impl Block {
    /// A copy of the block.
    pub fn clone_block(&self) -> Block {
        Block {
            rows: self.rows.clone(),
            mods: self.mods.clone(),
            pos: self.pos.clone(),
        }
    }
}

/// How many rows one group's block has, counted before any is made (the pairwise blocks
/// grow with the square of the variables).
pub(crate) fn block_size(
    model: &Model,
    options: &SemOptions,
    roles: &Roles,
    meanstructure: bool,
) -> usize {
    let pairs = |k: usize| k * k.saturating_sub(1) / 2;
    let ov_x = roles.ov_x.len();
    let n_vars = roles.observed.len() + roles.lv.len();
    model.relations.len()
        + roles.observed.len().saturating_sub(ov_x)
        + roles.lv.len()
        + if options.auto_cov_lv_x {
            pairs(roles.lv_x.len())
        } else {
            0
        }
        + if options.auto_cov_y {
            pairs(roles.ov_y_pure.len() + roles.lv_y_pure.len())
        } else {
            0
        }
        + pairs(ov_x)
        + ov_x
        + if meanstructure { n_vars } else { 0 }
}

/// The block of group `g` (0-based) among `groups` (empty for a single-group fit).
pub(crate) fn block(
    model: &Model,
    options: &SemOptions,
    roles: &Roles,
    meanstructure: bool,
    g: usize,
    groups: &[String],
) -> Result<Block, SemError> {
    let rels = &model.relations;
    let n_groups = groups.len().max(1);
    let ov_x_fixed: &[String] = &roles.ov_x;
    let ov_nox: Vec<String> = roles.ov_nox().cloned().collect();
    let lv = &roles.lv;
    let mut rows: Vec<ParameterRow> = Vec::new();
    let mut mods = Vec::new();
    let mut pos = Vec::new();
    let mut seen: HashSet<(String, Op, String)> = HashSet::new();
    let key = |lhs: &str, op: Op, rhs: &str| -> (String, Op, String) {
        if op == Op::Covariance && rhs < lhs {
            (rhs.to_string(), op, lhs.to_string())
        } else {
            (lhs.to_string(), op, rhs.to_string())
        }
    };
    for r in rels {
        if r.op == Op::Intercept && !meanstructure {
            return Err(SemError::IncompatibleOptions {
                option: "meanstructure",
                value: "off".into(),
                with: format!("the intercept {} ~ 1 at {}", r.lhs, r.lhs_position),
                reason: "an intercept needs a mean structure",
            });
        }
        if !seen.insert(key(&r.lhs, r.op, &r.rhs)) {
            return Err(SemError::DuplicateRelation {
                lhs: r.lhs.clone(),
                op: r.op,
                rhs: r.rhs.clone(),
                position: r.lhs_position,
            });
        }
        let m = r
            .modifier
            .for_group(g, n_groups)
            .map_err(|found| SemError::GroupVectorLength {
                parameter: match r.op {
                    Op::Intercept => format!("{} ~ 1", r.lhs),
                    op => format!("{} {} {}", r.lhs, op, r.rhs),
                },
                position: r.rhs_position,
                found,
                groups: groups.to_vec(),
            })?;
        rows.push(ParameterRow {
            lhs: r.lhs.clone(),
            op: r.op,
            rhs: r.rhs.clone(),
            group: groups.get(g).cloned().unwrap_or_default(),
            label: m.label.clone().unwrap_or_default(),
            user: true,
            free: if m.fixed.is_some() { None } else { Some(0) },
            exo: false,
            fixed: m.fixed,
            start: m.start,
        });
        mods.push(Some(m));
        pos.push(r.rhs_position);
    }
    // Default rows: (lhs, op, rhs, free, fixed value, exo).
    let mut defaults: Vec<(String, Op, String, bool, Option<f64>, bool)> = Vec::new();
    for v in ov_nox.iter().chain(lv) {
        defaults.push((
            v.clone(),
            Op::Covariance,
            v.clone(),
            options.auto_var,
            (!options.auto_var).then_some(0.0),
            false,
        ));
    }
    let lv_x = &roles.lv_x;
    if options.auto_cov_lv_x && lv_x.len() > 1 {
        for i in 0..lv_x.len() {
            for j in i + 1..lv_x.len() {
                let free = !options.orthogonal;
                defaults.push((
                    lv_x[i].clone(),
                    Op::Covariance,
                    lv_x[j].clone(),
                    free,
                    (!free).then_some(0.0),
                    false,
                ));
            }
        }
    }
    if options.auto_cov_y {
        let ys: Vec<&String> = roles.ov_y_pure.iter().chain(&roles.lv_y_pure).collect();
        for i in 0..ys.len() {
            for j in i + 1..ys.len() {
                defaults.push((
                    ys[i].clone(),
                    Op::Covariance,
                    ys[j].clone(),
                    true,
                    None,
                    false,
                ));
            }
        }
    }
    for j in 0..ov_x_fixed.len() {
        for i in j..ov_x_fixed.len() {
            defaults.push((
                ov_x_fixed[j].clone(),
                Op::Covariance,
                ov_x_fixed[i].clone(),
                !options.fixed_x,
                None,
                options.fixed_x,
            ));
        }
    }
    if meanstructure {
        for v in &roles.observed {
            let is_x = ov_x_fixed.contains(v);
            let x = is_x && options.fixed_x;
            let free = !x && (options.int_ov_free || is_x);
            defaults.push((v.clone(), Op::Intercept, String::new(), free, Some(0.0), x));
        }
        for v in lv {
            defaults.push((
                v.clone(),
                Op::Intercept,
                String::new(),
                options.int_lv_free,
                Some(0.0),
                false,
            ));
        }
    }
    for (lhs, op, rhs, free, fixed, exo) in defaults {
        if !seen.insert(key(&lhs, op, &rhs)) {
            continue;
        }
        rows.push(ParameterRow {
            lhs,
            op,
            rhs,
            group: groups.get(g).cloned().unwrap_or_default(),
            label: String::new(),
            user: false,
            free: if free { Some(0) } else { None },
            exo,
            fixed: if free || exo { None } else { fixed },
            start: None,
        });
        mods.push(None);
        pos.push(Position::default());
    }
    // The automatic fixings, unless the term fixes or frees the parameter itself.
    let explicit = |k: usize| {
        mods[k]
            .as_ref()
            .is_some_and(|m: &Modifier| m.fixed.is_some() || m.free)
    };
    for f in lv {
        let loadings: Vec<usize> = (0..rows.len())
            .filter(|&k| rows[k].op == Op::MeasuredBy && &rows[k].lhs == f)
            .collect();
        if options.std_lv {
            if let Some(k) = (0..rows.len())
                .find(|&k| rows[k].op == Op::Covariance && &rows[k].lhs == f && &rows[k].rhs == f)
            {
                if !explicit(k) {
                    rows[k].free = None;
                    rows[k].fixed = Some(1.0);
                }
            }
        } else if options.auto_fix_first {
            if let Some(&k) = loadings.first() {
                if !explicit(k) {
                    rows[k].free = None;
                    rows[k].fixed = Some(1.0);
                }
            }
        }
        if options.auto_fix_single && loadings.len() == 1 {
            let ind = rows[loadings[0]].rhs.clone();
            if !roles.is_lv(&ind) {
                if let Some(k) = (0..rows.len()).find(|&k| {
                    rows[k].op == Op::Covariance && rows[k].lhs == ind && rows[k].rhs == ind
                }) {
                    if !explicit(k) {
                        rows[k].free = None;
                        rows[k].fixed = Some(0.0);
                    }
                }
            }
        }
    }
    Ok(Block { rows, mods, pos })
}

/// The checks every table build starts with: sizes of the model and the values written.
pub(crate) fn check_model(model: &Model) -> Result<(), SemError> {
    let rels = &model.relations;
    if rels.len() > super::MAX_MODEL_TERMS {
        return Err(SemError::TooLarge {
            what: "relations in the model".into(),
            found: rels.len(),
            limit: super::MAX_MODEL_TERMS,
        });
    }
    if model.definitions.len() > super::MAX_DEFINED {
        return Err(SemError::TooLarge {
            what: "defined parameters (:=)".into(),
            found: model.definitions.len(),
            limit: super::MAX_DEFINED,
        });
    }
    let n_constraints = model.constraints.len() + model.general_constraints.len();
    if n_constraints > super::MAX_CONSTRAINTS {
        return Err(SemError::TooLarge {
            what: "constraints (==, > and <)".into(),
            found: n_constraints,
            limit: super::MAX_CONSTRAINTS,
        });
    }
    check_written_values(model)
}

/// The row limit, for `groups` blocks of `per_block` rows and the definitions.
pub(crate) fn check_rows(per_block: usize, groups: usize, model: &Model) -> Result<(), SemError> {
    let total = per_block
        .saturating_mul(groups)
        .saturating_add(model.definitions.len());
    if total > super::MAX_TABLE_ROWS {
        return Err(SemError::TooLarge {
            what: "parameter-table rows (the model's relations with the default variances and covariances)".into(),
            found: total,
            limit: super::MAX_TABLE_ROWS,
        });
    }
    Ok(())
}

/// Resolves labels and constraints over all rows, checks the result and adds the defined
/// parameters: the last step of every table build.
pub(crate) fn finish(
    block: Block,
    model: &Model,
    options: &SemOptions,
    roles: Roles,
    meanstructure: bool,
    groups: Vec<String>,
) -> Result<ParameterTable, SemError> {
    let Block {
        mut rows,
        mods,
        pos,
    } = block;
    // Labels and simple equality constraints; a simple one that names a defined parameter
    // (`ab == 0.2`) is a general constraint.
    let defined: HashSet<&str> = model.definitions.iter().map(|d| d.name.as_str()).collect();
    let names_definition = |c: &Constraint| {
        defined.contains(c.lhs.as_str())
            || matches!(&c.rhs, ConstraintValue::Label(l) if defined.contains(l.as_str()))
    };
    let (promoted, simple): (Vec<Constraint>, Vec<Constraint>) = model
        .constraints
        .iter()
        .cloned()
        .partition(names_definition);
    let (next, labels) = super::equality::resolve(&mut rows, &mods, &pos, &simple)?;
    if next > super::MAX_FREE_PARAMETERS {
        return Err(SemError::TooLarge {
            what: "free parameters".into(),
            found: next,
            limit: super::MAX_FREE_PARAMETERS,
        });
    }
    // A variance held below zero by a constraint or a shared label.
    for (k, r) in rows.iter().enumerate() {
        if r.op == Op::Covariance && r.lhs == r.rhs && r.fixed.is_some_and(|v| v < 0.0) {
            return Err(SemError::InvalidValue {
                parameter: format!("{} ~~ {}", r.lhs, r.rhs),
                problem: format!(
                    "a variance held at {} by an equality constraint; a variance cannot be negative",
                    r.fixed.unwrap_or_default()
                ),
                position: pos.get(k).copied().unwrap_or_default(),
            });
        }
    }
    // Defined parameters.
    let mut known: HashSet<String> = labels;
    for d in &model.definitions {
        if known.contains(&d.name) {
            return Err(SemError::DuplicateDefinition {
                name: d.name.clone(),
                position: d.position,
            });
        }
        for (name, pos) in d.expr.names() {
            if !known.contains(name) {
                return Err(SemError::UnknownLabel {
                    name: name.to_string(),
                    position: pos,
                });
            }
        }
        known.insert(d.name.clone());
        rows.push(ParameterRow {
            lhs: d.name.clone(),
            op: Op::Defined,
            rhs: d.text.clone(),
            group: String::new(),
            label: d.name.clone(),
            user: true,
            free: None,
            exo: false,
            fixed: None,
            start: None,
        });
    }
    let mut general: Vec<GeneralConstraint> = promoted
        .iter()
        .map(|c| {
            let name = |n: &str| Expr::Name {
                name: n.to_string(),
                position: c.position,
            };
            let (rhs, rhs_text) = match &c.rhs {
                ConstraintValue::Label(l) => (name(l), l.clone()),
                ConstraintValue::Value(v) => (Expr::Number(*v), v.to_string()),
            };
            GeneralConstraint {
                lhs: name(&c.lhs),
                op: ConstraintOp::Equal,
                rhs,
                lhs_text: c.lhs.clone(),
                rhs_text,
                position: c.position,
            }
        })
        .chain(model.general_constraints.iter().cloned())
        .collect();
    // In the order written (models built in code have no positions: kept as given).
    general.sort_by_key(|c| c.position);
    let constraints = super::constraints::linearize(&general, &rows, &model.definitions)?;
    let table = ParameterTable {
        rows,
        observed: roles.observed,
        latent: roles.lv,
        ov_x: if options.fixed_x {
            roles.ov_x
        } else {
            Vec::new()
        },
        n_free: next,
        meanstructure,
        definitions: model.definitions.clone(),
        positions: roles.positions,
        groups,
        constraints,
    };
    table.check_scales()?;
    table.check_constraints()?;
    Ok(table)
}

impl ParameterTable {
    /// Builds the table of `model` under `options`. `meanstructure` adds intercepts.
    ///
    /// Errors on duplicate relations, labels fixed to two values, constraints or
    /// definitions naming unknown labels, and latent variables that would have no scale.
    /// A single-group table: vector modifiers (`c(...)`) must have one value.
    pub fn build(
        model: &Model,
        options: &SemOptions,
        meanstructure: bool,
    ) -> Result<ParameterTable, SemError> {
        check_model(model)?;
        let roles = roles(model)?;
        check_rows(block_size(model, options, &roles, meanstructure), 1, model)?;
        let b = block(model, options, &roles, meanstructure, 0, &[])?;
        finish(b, model, options, roles, meanstructure, Vec::new())
    }

    /// Every latent variable needs a fixed non-zero loading or a fixed variance, in
    /// every group.
    fn check_scales(&self) -> Result<(), SemError> {
        let groups: Vec<&str> = if self.groups.is_empty() {
            vec![""]
        } else {
            self.groups.iter().map(String::as_str).collect()
        };
        for g in groups {
            for f in &self.latent {
                let loading_fixed = self.rows.iter().any(|r| {
                    r.group == g
                        && r.op == Op::MeasuredBy
                        && &r.lhs == f
                        && r.free.is_none()
                        && r.fixed != Some(0.0)
                });
                let var_fixed = self.rows.iter().any(|r| {
                    r.group == g
                        && r.op == Op::Covariance
                        && &r.lhs == f
                        && &r.rhs == f
                        && r.free.is_none()
                        && r.fixed.is_some_and(|v| v != 0.0)
                });
                if !loading_fixed && !var_fixed {
                    let error = SemError::UnscaledLatent { name: f.clone() };
                    return Err(if g.is_empty() {
                        error
                    } else {
                        SemError::InGroup {
                            group: g.to_string(),
                            error: Box::new(error),
                        }
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(s: &str) -> ParameterTable {
        ParameterTable::build(&Model::parse(s).unwrap(), &SemOptions::default(), false).unwrap()
    }

    #[test]
    fn auto_cov_y_only_pure_outcomes() {
        let t = build("m1 ~ x\nm2 ~ x\ny ~ m1 + m2");
        assert!(!t.rows().iter().any(|r| r.lhs == "m1" && r.rhs == "m2"));
        let t = build("y1 ~ x\ny2 ~ x");
        assert!(t
            .rows()
            .iter()
            .any(|r| r.lhs == "y1" && r.op == Op::Covariance && r.rhs == "y2" && r.free.is_some()));
    }

    #[test]
    fn labels_share_an_index_and_fixing_propagates() {
        let t = build("f =~ x1 + a*x2 + a*x3");
        let f2 = t.rows()[1].free;
        assert_eq!(f2, t.rows()[2].free);
        assert!(f2.is_some());
        let t = build("y ~ a*x1 + b*x2\na == b");
        assert_eq!(t.rows()[0].free, t.rows()[1].free);
        let t = build("y ~ a*x1 + b*x2\na == 0.5");
        assert_eq!(t.rows()[0].fixed, Some(0.5));
        assert_eq!(t.n_free(), 2);
    }

    #[test]
    fn errors() {
        let o = SemOptions::default();
        let e = ParameterTable::build(&Model::parse("f =~ NA*x1 + x2 + x3").unwrap(), &o, false);
        assert!(matches!(e, Err(SemError::UnscaledLatent { .. })));
        let e = ParameterTable::build(&Model::parse("y ~ x\ny ~ x").unwrap(), &o, false);
        assert!(matches!(e, Err(SemError::DuplicateRelation { .. })));
        let e = ParameterTable::build(&Model::parse("y ~ a*x\nd := a*q").unwrap(), &o, false);
        assert!(matches!(e, Err(SemError::UnknownLabel { .. })));
    }
}
