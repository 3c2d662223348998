//! General constraints (`a == 2*b`, `a + b == 1`, `a > 0`, `a < b`) as linear forms in the
//! free parameters, and the linear algebra that keeps estimates on them.
//!
//! A constraint `lhs op rhs` becomes the form `f(θ) = Σ w_k θ_k + w₀`: `lhs − rhs` for `==`
//! and `>`, `rhs − lhs` for `<` (lavaan's `ceq` and `cin` functions), with fixed labels
//! replaced by their values and defined parameters by their expressions. An equality holds
//! when `f = 0`, an inequality when `f ≥ 0`. A form that is not affine in `θ` is refused.
//!
//! Equalities (and, during the fit, the inequalities held at zero) are eliminated by
//! reduction to echelon form ([`Reduction`]): one free parameter per independent constraint
//! (its pivot) is written in the others, `θ = K z + t`, where `z` holds the parameters kept
//! (lavaan's `ceq.linear` reparameterisation). A dependent equality that disagrees with the
//! others makes the set infeasible; one that agrees is redundant and counts once, as the
//! rank does in lavaan's degrees of freedom. Whether the inequalities leave any point is a
//! least-distance problem, solved by NNLS (Lawson & Hanson, *Solving Least Squares
//! Problems*, 1974, ch. 23), which also gives the nearest feasible point to start from.

use std::collections::{BTreeMap, HashMap};

use nalgebra::{DMatrix, DVector};

use super::error::{Position, SemError};
use super::expr::{BinOp, Expr, Func};
pub(crate) use super::linear_constraint::LinearConstraint;
use super::model::{ConstraintOp, Definition, GeneralConstraint};
use super::op::Op;
use super::partable::{ParameterRow, ParameterTable};

/// Slack up to which lavaan counts an inequality as active at the estimates (its
/// `nlminb.constr`): active ones enter the standard errors as equalities.
pub(crate) const ACTIVE_SLACK: f64 = 1e-5;

/// An affine function of the free parameters.
#[derive(Debug, Clone, Default)]
struct Affine {
    constant: f64,
    terms: BTreeMap<usize, f64>,
}

impl Affine {
    fn constant(v: f64) -> Affine {
        Affine {
            constant: v,
            terms: BTreeMap::new(),
        }
    }

    fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    fn scaled(mut self, s: f64) -> Affine {
        self.constant *= s;
        for w in self.terms.values_mut() {
            *w *= s;
        }
        self.terms.retain(|_, w| *w != 0.0);
        self
    }

    fn plus(mut self, other: &Affine, s: f64) -> Affine {
        self.constant += s * other.constant;
        for (&k, &w) in &other.terms {
            *self.terms.entry(k).or_insert(0.0) += s * w;
        }
        self.terms.retain(|_, w| *w != 0.0);
        self
    }
}

/// Why an expression is not an affine function of the free parameters.
#[derive(Clone)]
enum NotAffine {
    Nonlinear(String),
    Unknown(String, Position),
    Covariate(String),
}

/// What the names of a constraint stand for: the labels of the table and the defined
/// parameters, each as an affine form (or why it has none).
struct Scope<'a> {
    labels: HashMap<&'a str, &'a ParameterRow>,
    defined: HashMap<&'a str, Result<Affine, NotAffine>>,
}

impl Scope<'_> {
    fn get(&self, name: &str, position: Position) -> Result<Affine, NotAffine> {
        if let Some(d) = self.defined.get(name) {
            return d.clone().map_err(|why| match why {
                NotAffine::Nonlinear(w) => {
                    NotAffine::Nonlinear(format!("the defined parameter {name:?} is {w}"))
                }
                other => other,
            });
        }
        let r = self
            .labels
            .get(name)
            .ok_or_else(|| NotAffine::Unknown(name.to_string(), position))?;
        match (r.free, r.fixed) {
            (Some(k), _) => Ok(Affine {
                constant: 0.0,
                terms: BTreeMap::from([(k, 1.0)]),
            }),
            (None, Some(v)) => Ok(Affine::constant(v)),
            (None, None) => Err(NotAffine::Covariate(name.to_string())),
        }
    }

    fn affine(&self, e: &Expr) -> Result<Affine, NotAffine> {
        Ok(match e {
            Expr::Number(v) => Affine::constant(*v),
            Expr::Name { name, position } => self.get(name, *position)?,
            Expr::Neg(x) => self.affine(x)?.scaled(-1.0),
            Expr::Call { func, arg } => {
                let a = self.affine(arg)?;
                if !a.is_constant() {
                    let name = format!("{func:?}").to_lowercase();
                    return Err(NotAffine::Nonlinear(format!(
                        "{name}() of a free parameter"
                    )));
                }
                let x = a.constant;
                Affine::constant(match func {
                    Func::Sqrt => x.sqrt(),
                    Func::Exp => x.exp(),
                    Func::Log => x.ln(),
                    Func::Abs => x.abs(),
                })
            }
            Expr::Binary { op, lhs, rhs } => {
                let (a, b) = (self.affine(lhs)?, self.affine(rhs)?);
                let nonlinear = |what: &str| Err(NotAffine::Nonlinear(what.to_string()));
                match op {
                    BinOp::Add => a.plus(&b, 1.0),
                    BinOp::Sub => a.plus(&b, -1.0),
                    BinOp::Mul if b.is_constant() => a.scaled(b.constant),
                    BinOp::Mul if a.is_constant() => b.scaled(a.constant),
                    BinOp::Mul => return nonlinear("a product of free parameters"),
                    BinOp::Div if b.is_constant() => a.scaled(1.0 / b.constant),
                    BinOp::Div => return nonlinear("a division by a free parameter"),
                    BinOp::Pow if a.is_constant() && b.is_constant() => {
                        Affine::constant(a.constant.powf(b.constant))
                    }
                    BinOp::Pow if b.is_constant() && b.constant == 1.0 => a,
                    BinOp::Pow => return nonlinear("a power of a free parameter"),
                }
            }
        })
    }
}

/// The general constraints of a model as linear forms, with the free indices of `rows`
/// (labels resolved) and the model's definitions. Refuses unknown names, labels of fixed
/// covariate moments, nonlinear constraints, non-finite coefficients and constraints on
/// fixed values only that do not hold.
pub(crate) fn linearize(
    constraints: &[GeneralConstraint],
    rows: &[ParameterRow],
    definitions: &[Definition],
) -> Result<Vec<LinearConstraint>, SemError> {
    if constraints.is_empty() {
        return Ok(Vec::new());
    }
    let mut scope = Scope {
        labels: HashMap::new(),
        defined: HashMap::new(),
    };
    for r in rows {
        if !r.label.is_empty() && r.op != Op::Defined {
            scope.labels.entry(r.label.as_str()).or_insert(r);
        }
    }
    // In order: a definition may use labels and earlier definitions.
    for d in definitions {
        let form = scope.affine(&d.expr);
        scope.defined.insert(d.name.as_str(), form);
    }
    let mut out = Vec::with_capacity(constraints.len());
    for c in constraints {
        let fail = |why: NotAffine| match why {
            NotAffine::Unknown(name, position) => SemError::UnknownLabel { name, position },
            NotAffine::Covariate(label) => SemError::ConstraintOnCovariate {
                constraint: c.to_string(),
                label,
                position: c.position,
            },
            NotAffine::Nonlinear(reason) => SemError::NonlinearConstraint {
                constraint: c.to_string(),
                reason,
                position: c.position,
            },
        };
        let lhs = scope.affine(&c.lhs).map_err(fail)?;
        let rhs = scope.affine(&c.rhs).map_err(fail)?;
        let rhs_constant = rhs.constant;
        let form = match c.op {
            ConstraintOp::Less => rhs.plus(&lhs, -1.0),
            _ => lhs.plus(&rhs, -1.0),
        };
        if !form.constant.is_finite() || form.terms.values().any(|w| !w.is_finite()) {
            return Err(SemError::InvalidValue {
                parameter: c.to_string(),
                problem: "a constraint whose numbers are not finite (a division by zero, or a number too large)".into(),
                position: c.position,
            });
        }
        let lc = LinearConstraint {
            op: c.op,
            lhs_text: c.lhs_text.clone(),
            rhs_text: c.rhs_text.clone(),
            terms: form.terms.into_iter().collect(),
            constant: form.constant,
            position: c.position,
        };
        if lc.terms.is_empty() {
            let holds = match c.op {
                ConstraintOp::Equal => lc.constant.abs() <= 1e-12 * (1.0 + rhs_constant.abs()),
                _ => lc.constant >= 0.0,
            };
            if !holds {
                return Err(SemError::InfeasibleConstraints {
                    detail: format!(
                        "{} at {} involves no free parameter and does not hold ({} is {})",
                        lc.written(),
                        c.position,
                        lc.form_text(),
                        lc.constant
                    ),
                    lines: vec![c.position.line],
                });
            }
        }
        out.push(lc);
    }
    Ok(out)
}

/// One independent equality solved for its pivot parameter:
/// `θ_pivot = constant + Σ coef · θ_j` over parameters that are no pivot.
#[derive(Debug, Clone)]
struct PivotRow {
    pivot: usize,
    terms: Vec<(usize, f64)>,
    constant: f64,
    /// The constraints (indices into the list given) combined into this row.
    sources: Vec<usize>,
}

/// A set of linear equalities in echelon form: `θ = K z + t` over the parameters `z` kept.
#[derive(Debug, Clone)]
pub(crate) struct Reduction {
    q: usize,
    rows: Vec<PivotRow>,
    is_pivot: Vec<bool>,
    work: Vec<f64>,
}

/// What adding an equality to a [`Reduction`] did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Added {
    /// It was independent: one more parameter is eliminated.
    Pivot,
    /// It follows from the others.
    Redundant,
    /// It contradicts the others; the constraints combined (indices) are listed.
    Contradiction(Vec<usize>),
}

impl Reduction {
    /// No equalities over `q` parameters.
    pub fn new(q: usize) -> Reduction {
        Reduction {
            q,
            rows: Vec::new(),
            is_pivot: vec![false; q],
            work: vec![0.0; q],
        }
    }

    /// Adds the equality `Σ terms + constant = 0`, known to the caller as `source`.
    pub fn add(&mut self, terms: &[(usize, f64)], constant: f64, source: usize) -> Added {
        let scale = terms.iter().fold(0.0f64, |m, &(_, w)| m.max(w.abs()));
        let mut touched: Vec<usize> = terms.iter().map(|&(k, _)| k).collect();
        for &(k, w) in terms {
            self.work[k] += w;
        }
        let mut c = constant;
        let mut cscale = constant.abs();
        let mut sources = vec![source];
        for r in &self.rows {
            let a = self.work[r.pivot];
            if a == 0.0 {
                continue;
            }
            self.work[r.pivot] = 0.0;
            c += a * r.constant;
            cscale = cscale.max((a * r.constant).abs());
            for &(j, w) in &r.terms {
                if self.work[j] == 0.0 {
                    touched.push(j);
                }
                self.work[j] += a * w;
            }
            sources.extend_from_slice(&r.sources);
        }
        touched.sort_unstable();
        touched.dedup();
        let mut pivot = None;
        let mut best = 1e-10 * scale;
        for &j in &touched {
            if self.work[j].abs() > best {
                best = self.work[j].abs();
                pivot = Some(j);
            }
        }
        let Some(p) = pivot else {
            for &j in &touched {
                self.work[j] = 0.0;
            }
            sources.sort_unstable();
            sources.dedup();
            return if c.abs() <= 1e-9 * (1.0 + cscale) {
                Added::Redundant
            } else {
                Added::Contradiction(sources)
            };
        };
        let vp = self.work[p];
        let mut row_terms = Vec::new();
        for &j in &touched {
            let w = self.work[j];
            self.work[j] = 0.0;
            if j != p && w.abs() > 1e-14 * scale {
                row_terms.push((j, -w / vp));
            }
        }
        let row = PivotRow {
            pivot: p,
            terms: row_terms,
            constant: -c / vp,
            sources,
        };
        // Keep every row in terms of non-pivot parameters only.
        for r in &mut self.rows {
            if let Some(i) = r.terms.iter().position(|&(j, _)| j == p) {
                let a = r.terms.swap_remove(i).1;
                r.constant += a * row.constant;
                for &(j, w) in &row.terms {
                    match r.terms.iter_mut().find(|(k, _)| *k == j) {
                        Some(t) => t.1 += a * w,
                        None => r.terms.push((j, a * w)),
                    }
                }
                r.terms.retain(|t| t.1 != 0.0);
            }
        }
        self.is_pivot[p] = true;
        self.rows.push(row);
        Added::Pivot
    }

    /// Number of independent equalities.
    pub fn rank(&self) -> usize {
        self.rows.len()
    }

    /// The parameters kept (`z`), in index order.
    pub fn kept(&self) -> Vec<usize> {
        (0..self.q).filter(|&k| !self.is_pivot[k]).collect()
    }

    /// `z` of a full parameter vector.
    pub fn coords(&self, theta: &[f64]) -> Vec<f64> {
        (0..self.q)
            .filter(|&k| !self.is_pivot[k])
            .map(|k| theta[k])
            .collect()
    }

    /// The full parameter vector of `z`.
    pub fn expand(&self, z: &[f64], theta: &mut [f64]) {
        let kept = theta
            .iter_mut()
            .zip(&self.is_pivot)
            .filter(|(_, pivot)| !**pivot)
            .map(|(t, _)| t);
        for (t, &v) in kept.zip(z) {
            *t = v;
        }
        for r in &self.rows {
            theta[r.pivot] = r.constant + r.terms.iter().map(|&(j, w)| w * theta[j]).sum::<f64>();
        }
    }

    /// `K` (parameters × parameters kept): `θ = K z + t`.
    pub fn kernel(&self) -> DMatrix<f64> {
        let kept = self.kept();
        let mut col = vec![usize::MAX; self.q];
        for (j, &k) in kept.iter().enumerate() {
            col[k] = j;
        }
        let mut k = DMatrix::zeros(self.q, kept.len());
        for (j, &p) in kept.iter().enumerate() {
            k[(p, j)] = 1.0;
        }
        for r in &self.rows {
            for &(j, w) in &r.terms {
                k[(r.pivot, col[j])] = w;
            }
        }
        k
    }
}

/// The equalities of `cons` reduced; a contradiction is an error naming the lines.
pub(crate) fn reduce_equalities(
    cons: &[LinearConstraint],
    q: usize,
) -> Result<Reduction, SemError> {
    let mut red = Reduction::new(q);
    for (i, c) in cons.iter().enumerate() {
        if c.is_equality() && !c.terms.is_empty() {
            if let Added::Contradiction(sources) = red.add(&c.terms, c.constant, i) {
                return Err(contradiction(cons, &sources));
            }
        }
    }
    Ok(red)
}

/// The error for constraints (indices into `cons`) that cannot hold together.
pub(crate) fn contradiction(cons: &[LinearConstraint], sources: &[usize]) -> SemError {
    let mut lines: Vec<usize> = sources.iter().map(|&i| cons[i].position.line).collect();
    lines.sort_unstable();
    lines.dedup();
    let listed: Vec<String> = sources
        .iter()
        .map(|&i| format!("{} (line {})", cons[i].written(), cons[i].position.line))
        .collect();
    SemError::InfeasibleConstraints {
        detail: format!("no estimates satisfy {} together", join_and(&listed)),
        lines,
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Rank of the equality constraints (what they add to the degrees of freedom).
pub(crate) fn equality_rank(cons: &[LinearConstraint], q: usize) -> usize {
    let mut red = Reduction::new(q);
    for (i, c) in cons.iter().enumerate() {
        if c.is_equality() && !c.terms.is_empty() {
            red.add(&c.terms, c.constant, i);
        }
    }
    red.rank()
}

/// Non-negative least squares `min ‖A x − b‖, x ≥ 0` (Lawson & Hanson's algorithm, ch. 23).
fn nnls(a: &DMatrix<f64>, b: &DVector<f64>) -> DVector<f64> {
    let (n, m) = a.shape();
    let mut x = DVector::zeros(m);
    let mut passive = vec![false; m];
    let norm = a.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1e-300);
    let tol = 10.0 * f64::EPSILON * norm * (n.max(m) as f64);
    for _ in 0..3 * m.max(1) + 10 {
        let w = a.transpose() * (b - a * &x);
        let Some(t) = (0..m)
            .filter(|&j| !passive[j])
            .max_by(|&i, &j| w[i].total_cmp(&w[j]))
            .filter(|&j| w[j] > tol)
        else {
            break;
        };
        passive[t] = true;
        for _ in 0..3 * m.max(1) + 10 {
            let cols: Vec<usize> = (0..m).filter(|&j| passive[j]).collect();
            let ap = DMatrix::from_fn(n, cols.len(), |r, k| a[(r, cols[k])]);
            let z = ap
                .try_svd(true, true, f64::EPSILON, 10_000)
                .and_then(|svd| svd.solve(b, 1e-12 * norm).ok())
                .unwrap_or_else(|| DVector::zeros(cols.len()));
            if z.iter().all(|v| *v > tol) {
                for (k, &j) in cols.iter().enumerate() {
                    x[j] = z[k];
                }
                break;
            }
            let mut alpha = 1.0f64;
            for (k, &j) in cols.iter().enumerate() {
                if z[k] <= tol {
                    let d = x[j] - z[k];
                    if d > 0.0 {
                        alpha = alpha.min(x[j] / d);
                    }
                }
            }
            for (k, &j) in cols.iter().enumerate() {
                x[j] += alpha * (z[k] - x[j]);
                if x[j] <= tol {
                    x[j] = 0.0;
                    passive[j] = false;
                }
            }
            if !passive.iter().any(|p| *p) {
                break;
            }
        }
    }
    x
}

/// The feasible point nearest to `theta` (in the parameters the equalities keep): moves
/// `theta` onto the equalities of `red` and the inequalities `ineq` (indices into `cons`).
/// Errors when the inequalities and equalities leave no point, naming the constraints.
pub(crate) fn nearest_feasible(
    cons: &[LinearConstraint],
    red: &Reduction,
    ineq: &[usize],
    theta: &mut [f64],
) -> Result<(), SemError> {
    let z = red.coords(theta);
    red.expand(&z, theta);
    if ineq.is_empty() {
        return Ok(());
    }
    let k = red.kernel();
    let r = k.ncols();
    // In z: f_i = g_i' z + h_i; with x = z − z_s the constraints read G x ≥ −f(z_s).
    let m = ineq.len();
    let mut g = DMatrix::zeros(m, r);
    let mut lb = DVector::zeros(m);
    for (row, &i) in ineq.iter().enumerate() {
        for &(p, w) in &cons[i].terms {
            for j in 0..r {
                g[(row, j)] += w * k[(p, j)];
            }
        }
        lb[row] = -cons[i].value(theta);
    }
    if lb.iter().all(|v| *v <= 0.0) {
        return Ok(());
    }
    // Least-distance programming: NNLS on E = [G'; lb'], f = e_{r+1}.
    let e = DMatrix::from_fn(r + 1, m, |a, b| if a < r { g[(b, a)] } else { lb[b] });
    if !e.iter().all(|v| v.is_finite()) {
        let first = ineq
            .first()
            .map_or(Position::default(), |&i| cons[i].position);
        return Err(SemError::InvalidValue {
            parameter: ineq.first().map_or(String::new(), |&i| cons[i].written()),
            problem: "part of constraints whose numbers are too large to solve together".into(),
            position: first,
        });
    }
    let mut f = DVector::zeros(r + 1);
    f[r] = 1.0;
    let u = nnls(&e, &f);
    let resid = &e * &u - &f;
    if resid.norm() <= 1e-9 || resid[r].abs() <= 1e-12 {
        let mut sources: Vec<usize> = (0..m).filter(|&j| u[j] > 0.0).map(|j| ineq[j]).collect();
        // The equalities that share parameters with them.
        for (i, c) in cons.iter().enumerate() {
            if c.is_equality()
                && c.terms.iter().any(|&(p, _)| {
                    sources
                        .iter()
                        .any(|&s| cons[s].terms.iter().any(|&(q, _)| q == p))
                })
            {
                sources.push(i);
            }
        }
        sources.sort_unstable();
        sources.dedup();
        if sources.is_empty() {
            sources = ineq.to_vec();
        }
        return Err(contradiction(cons, &sources));
    }
    let x: Vec<f64> = (0..r).map(|j| -resid[j] / resid[r]).collect();
    let z2: Vec<f64> = z.iter().zip(&x).map(|(a, b)| a + b).collect();
    red.expand(&z2, theta);
    Ok(())
}

impl ParameterTable {
    /// Whether the general constraints leave any estimates: the equalities agree and the
    /// inequalities have a common point with them.
    pub(crate) fn check_constraints(&self) -> Result<(), SemError> {
        let red = reduce_equalities(&self.constraints, self.n_free)?;
        let ineq: Vec<usize> = (self.constraints.iter().enumerate())
            .filter(|(_, c)| !c.is_equality() && !c.terms.is_empty())
            .map(|(i, _)| i)
            .collect();
        let mut theta = vec![0.0; self.n_free];
        nearest_feasible(&self.constraints, &red, &ineq, &mut theta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sem::{Model, ParameterTable, SemOptions};

    fn table(s: &str) -> Result<ParameterTable, SemError> {
        ParameterTable::build(&Model::parse(s)?, &SemOptions::default(), false)
    }

    #[test]
    fn forms_follow_lavaan() {
        let t = table("y ~ a*x1 + b*x2 + 1*x3\nd := a - b\na == 2*b\na + b == 1\nb < a\nd > 0.2\nc3 := 3\na - 2 < c3").unwrap();
        let c = &t.constraints;
        assert_eq!(c[0].terms, vec![(0, 1.0), (1, -2.0)]);
        assert_eq!(
            (c[1].terms.clone(), c[1].constant),
            (vec![(0, 1.0), (1, 1.0)], -1.0)
        );
        // `<` is rhs − lhs.
        assert_eq!(c[2].terms, vec![(0, 1.0), (1, -1.0)]);
        assert_eq!(c[2].form_text(), "a - (b)");
        assert_eq!(
            (c[3].terms.clone(), c[3].constant),
            (vec![(0, 1.0), (1, -1.0)], -0.2)
        );
        assert_eq!((c[4].terms.clone(), c[4].constant), (vec![(0, -1.0)], 5.0));
        assert_eq!(c[4].form_text(), "c3 - (a-2)");
        assert_eq!(c[1].form_text(), "a+b - (1)");
    }

    #[test]
    fn refusals_name_the_constraint() {
        let e = table("y ~ a*x1 + b*x2\na == b^2").unwrap_err();
        assert!(matches!(e, SemError::NonlinearConstraint { .. }), "{e}");
        assert!(e.to_string().contains("power"), "{e}");
        let e = table("y ~ a*x1 + b*x2\nab := a*b\nab > 1").unwrap_err();
        assert!(e.to_string().contains("product"), "{e}");
        let e = table("y ~ a*x1 + b*x2\na > q").unwrap_err();
        assert!(
            matches!(e, SemError::UnknownLabel { ref name, .. } if name == "q"),
            "{e}"
        );
        let e = table("y ~ a*x1 + 2*x2\nb := 2\nb < 1").unwrap_err();
        assert!(matches!(e, SemError::InfeasibleConstraints { .. }), "{e}");
        let e = table("y ~ a*x1 + b*x2\na == b/0").unwrap_err();
        assert!(matches!(e, SemError::InvalidValue { .. }), "{e}");
    }

    #[test]
    fn reduction_ranks_and_contradictions() {
        let mut r = Reduction::new(3);
        assert_eq!(r.add(&[(0, 1.0), (1, 1.0)], -1.0, 0), Added::Pivot);
        assert_eq!(r.add(&[(0, 2.0), (1, 2.0)], -2.0, 1), Added::Redundant);
        assert_eq!(
            r.add(&[(0, 1.0), (1, 1.0)], -3.0, 2),
            Added::Contradiction(vec![0, 2])
        );
        assert_eq!(r.add(&[(1, 1.0), (2, -2.0)], 0.0, 3), Added::Pivot);
        assert_eq!(r.rank(), 2);
        let z = r.coords(&[0.0, 0.0, 0.25]);
        assert_eq!(z.len(), 1);
        let mut theta = vec![0.0; 3];
        r.expand(&z, &mut theta);
        assert!(
            (theta[0] + theta[1] - 1.0).abs() < 1e-15 && (theta[1] - 2.0 * theta[2]).abs() < 1e-15
        );
        let k = r.kernel();
        // K spans the null space of the constraint rows.
        assert!(
            (k[(0, 0)] + k[(1, 0)]).abs() < 1e-15 && (k[(1, 0)] - 2.0 * k[(2, 0)]).abs() < 1e-15
        );
    }

    #[test]
    fn nearest_feasible_point_and_infeasible_sets() {
        let t = table("y ~ a*x1 + b*x2\na > 1\nb < a\na + b < 3").unwrap();
        let red = Reduction::new(t.n_free());
        let mut theta = vec![0.0, 5.0, 1.0];
        nearest_feasible(&t.constraints, &red, &[0, 1, 2], &mut theta).unwrap();
        // The projection of (0, 5) onto {a ≥ 1, b ≤ a, a + b ≤ 3} is (1.5, 1.5).
        assert!(
            (theta[0] - 1.5).abs() < 1e-12 && (theta[1] - 1.5).abs() < 1e-12,
            "{theta:?}"
        );
        assert_eq!(theta[2], 1.0);
        let e = table("y ~ a*x1 + b*x2\na > 1\nb > a\na + b < 1.5").unwrap_err();
        match e {
            SemError::InfeasibleConstraints { lines, .. } => assert_eq!(lines, vec![2, 3, 4]),
            other => panic!("{other}"),
        }
        // Equalities and inequalities together.
        let e = table("y ~ a*x1 + b*x2\na - b == 0\na > 1\nb < 0.5").unwrap_err();
        assert!(e.to_string().contains("a-b == 0 (line 2)"), "{e}");
        let e = table("y ~ a*x1 + b*x2\na + b == 1\n2*a + 2*b == 2\n3*a + 3*b == 4").unwrap_err();
        match e {
            SemError::InfeasibleConstraints { lines, .. } => assert_eq!(lines, vec![2, 4]),
            other => panic!("{other}"),
        }
    }
}
