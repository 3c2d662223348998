//! Indirect, direct and total effects: writes the `:=` definitions of a mediation model.
//!
//! Every directed path of regressions (`~`) from `x` to `y` is an effect; a path through
//! mediators is the product of its coefficients, the total indirect effect is their sum,
//! and the total effect adds the direct path. Unlabelled coefficients on these paths get
//! labels (`outcome_predictor`, made unique) so that the definitions can name them.

use super::error::{Position, SemError};
use super::expr::Expr;
use super::model::{Definition, Model};
use super::op::Op;

/// The effect definitions added by [`Model::add_effects`].
///
/// ```
/// use cocreate_core::sem::Model;
/// let mut m = Model::parse("m1 ~ x\nm2 ~ x + m1\ny ~ m1 + m2 + x")?;
/// let eff = m.add_effects("x", "y")?;
/// assert_eq!(eff.paths.len(), 4); // x→y, x→m1→y, x→m2→y, x→m1→m2→y
/// assert_eq!(eff.indirect.len(), 3);
/// assert_eq!(eff.total.as_deref(), Some("total_x_y"));
/// assert!(m.definitions().iter().any(|d| d.name == "indirect_x_y"));
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Effects {
    /// Every path from `x` to `y`, as the variables along it.
    pub paths: Vec<Vec<String>>,
    /// Label of the direct coefficient, if `y ~ x` is in the model.
    pub direct: Option<String>,
    /// Names of the defined specific indirect effects, one per path through mediators.
    pub indirect: Vec<String>,
    /// Name of the total indirect effect (when there are two or more indirect paths).
    pub total_indirect: Option<String>,
    /// Name of the total effect (when there is at least one indirect path).
    pub total: Option<String>,
}

impl Model {
    /// Adds the definitions of the indirect and total effects of `x` on `y`, labelling
    /// the coefficients involved where needed. Errors when no regression path leads from
    /// `x` to `y` or a name to be defined already exists.
    pub fn add_effects(&mut self, x: &str, y: &str) -> Result<Effects, SemError> {
        // Edges predictor -> outcome, with the relation index.
        let edges: Vec<(usize, String, String)> = self
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| r.op == Op::Regression)
            .map(|(k, r)| (k, r.rhs.clone(), r.lhs.clone()))
            .collect();
        let mut paths: Vec<Vec<usize>> = Vec::new();
        let mut stack: Vec<(String, Vec<usize>, Vec<String>)> =
            vec![(x.to_string(), Vec::new(), vec![x.to_string()])];
        while let Some((node, rels, seen)) = stack.pop() {
            if node == y && !rels.is_empty() {
                paths.push(rels);
                continue;
            }
            for (k, from, to) in &edges {
                if *from == node && !seen.contains(to) {
                    let mut r = rels.clone();
                    r.push(*k);
                    let mut s = seen.clone();
                    s.push(to.clone());
                    stack.push((to.clone(), r, s));
                }
            }
        }
        if paths.is_empty() {
            return Err(SemError::NoPath {
                from: x.to_string(),
                to: y.to_string(),
            });
        }
        paths.sort_by_key(|p| (p.len(), p.clone()));
        // Label the coefficients on the paths.
        let mut taken: Vec<String> = self
            .relations
            .iter()
            .filter_map(|r| r.modifier.label.clone())
            .chain(self.definitions.iter().map(|d| d.name.clone()))
            .collect();
        for p in &paths {
            for &k in p {
                if self.relations[k].modifier.label.is_none() {
                    let r = &self.relations[k];
                    let mut name = format!("{}_{}", r.lhs, r.rhs);
                    while taken.contains(&name) {
                        name.push('_');
                    }
                    taken.push(name.clone());
                    self.relations[k].modifier.label = Some(name);
                }
            }
        }
        let label = |k: usize, m: &Model| m.relations[k].modifier.label.clone().unwrap_or_default();
        let mut out = Effects {
            paths: Vec::new(),
            direct: None,
            indirect: Vec::new(),
            total_indirect: None,
            total: None,
        };
        let mut terms = Vec::new();
        let mut new_defs: Vec<(String, String)> = Vec::new();
        for p in &paths {
            let mut vars = vec![x.to_string()];
            vars.extend(p.iter().map(|&k| self.relations[k].lhs.clone()));
            out.paths.push(vars.clone());
            if p.len() == 1 {
                out.direct = Some(label(p[0], self));
                continue;
            }
            let expr = p
                .iter()
                .map(|&k| label(k, self))
                .collect::<Vec<_>>()
                .join("*");
            let name = format!("ind_{}", vars.join("_"));
            terms.push(expr.clone());
            out.indirect.push(name.clone());
            new_defs.push((name, expr));
        }
        if terms.len() >= 2 {
            let name = format!("indirect_{x}_{y}");
            new_defs.push((name.clone(), terms.join(" + ")));
            out.total_indirect = Some(name);
        }
        if !terms.is_empty() {
            let mut all = terms.clone();
            if let Some(d) = &out.direct {
                all.insert(0, d.clone());
            }
            let name = format!("total_{x}_{y}");
            new_defs.push((name.clone(), all.join(" + ")));
            out.total = Some(name);
        }
        for (name, expr) in new_defs {
            if taken.contains(&name) {
                return Err(SemError::DuplicateDefinition {
                    name,
                    position: Position::default(),
                });
            }
            taken.push(name.clone());
            self.definitions.push(Definition {
                name,
                expr: Expr::parse(&expr)?,
                text: expr.chars().filter(|c| !c.is_whitespace()).collect(),
                position: Position::default(),
            });
        }
        Ok(out)
    }
}
