//! The typed model: what a researcher wrote, as relations between named variables.
//!
//! A [`Model`] comes from lavaan syntax ([`Model::parse`], in `parser`) or from the [`ModelBuilder`];
//! both give the same value. It holds no data and no defaults: those are added when the
//! model is fitted, according to [`SemOptions`](super::SemOptions).

use super::error::{Position, SemError};
use super::expr::Expr;
use super::op::Op;

/// What a term's modifiers say about its parameter (`label*x`, `1*x`, `NA*x`, `start(v)*x`).
///
/// In a multiple-group model a modifier applies to the parameter in every group (so a
/// single label makes the parameter equal across groups, as in lavaan), and lavaan's vector
/// modifiers give one value per group, in the groups' order: `c(a1, a2)*x` (labels),
/// `c(1, NA)*x` (fixed in the first group, free in the second), `start(c(0.5, 0.8))*x`. A
/// vector must have as many values as the data has groups.
///
/// ```
/// use cocreate_core::sem::Modifier;
/// let m = Modifier::default().label("a").start(0.5);
/// assert_eq!(m.label.as_deref(), Some("a"));
/// assert_eq!(m.fixed, None);
/// let v = Modifier::default().labels([Some("a1"), Some("a2")]).fixed_values([Some(1.0), None]);
/// assert_eq!(v.for_group(1, 2).unwrap().label.as_deref(), Some("a2"));
/// assert!(v.for_group(1, 2).unwrap().free);
/// assert_eq!(v.for_group(0, 3), Err(2)); // two values for three groups
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Modifier {
    /// Fixed value (`0.5*x`).
    pub fixed: Option<f64>,
    /// Explicitly freed (`NA*x`): overrides a default fixing such as the marker loading.
    pub free: bool,
    /// Label (`a*x`); parameters sharing a label are constrained equal.
    pub label: Option<String>,
    /// Starting value (`start(0.5)*x`).
    pub start: Option<f64>,
    /// Per group, a fixed value or `None` for free (`c(1, NA)*x`); empty when the term has
    /// no such vector.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub fixed_by_group: Vec<Option<f64>>,
    /// Per group, a label or `None` for none (`c(a1, a2)*x`); empty when the term has no
    /// such vector.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub label_by_group: Vec<Option<String>>,
    /// Per group, a starting value or `None` (`start(c(0.5, 0.8))*x`); empty when the term
    /// has no such vector.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub start_by_group: Vec<Option<f64>>,
}

impl Modifier {
    /// Per group, a fixed value or `None` for free (lavaan's `c(1, NA)*x`).
    pub fn fixed_values<I: IntoIterator<Item = Option<f64>>>(mut self, values: I) -> Self {
        self.fixed_by_group = values.into_iter().collect();
        self.fixed = None;
        self.free = false;
        self
    }
    /// Per group, a label or `None` (lavaan's `c(a1, a2)*x`).
    pub fn labels<I, S>(mut self, labels: I) -> Self
    where
        I: IntoIterator<Item = Option<S>>,
        S: Into<String>,
    {
        self.label_by_group = labels.into_iter().map(|l| l.map(Into::into)).collect();
        self.label = None;
        self
    }
    /// Per group, a starting value or `None` (lavaan's `start(c(0.5, 0.8))*x`).
    pub fn starts<I: IntoIterator<Item = Option<f64>>>(mut self, values: I) -> Self {
        self.start_by_group = values.into_iter().collect();
        self.start = None;
        self
    }

    /// Whether the term has a vector modifier (`c(...)`).
    pub fn has_vectors(&self) -> bool {
        !(self.fixed_by_group.is_empty()
            && self.label_by_group.is_empty()
            && self.start_by_group.is_empty())
    }

    /// The longest vector, if any: how many groups the term was written for.
    pub fn vector_len(&self) -> Option<usize> {
        [
            self.fixed_by_group.len(),
            self.label_by_group.len(),
            self.start_by_group.len(),
        ]
        .into_iter()
        .filter(|&n| n > 0)
        .max()
    }

    /// The modifier of group `g` (0-based) of `n_groups`: scalar parts apply to every
    /// group, vectors give the group's own value. `Err(len)` when a vector's length is not
    /// `n_groups`.
    pub fn for_group(&self, g: usize, n_groups: usize) -> Result<Modifier, usize> {
        for len in [
            self.fixed_by_group.len(),
            self.label_by_group.len(),
            self.start_by_group.len(),
        ] {
            if len != 0 && len != n_groups {
                return Err(len);
            }
        }
        let mut m = Modifier {
            fixed: self.fixed,
            free: self.free,
            label: self.label.clone(),
            start: self.start,
            ..Modifier::default()
        };
        if let Some(v) = self.fixed_by_group.get(g) {
            m.fixed = *v;
            m.free = v.is_none();
        }
        if let Some(l) = self.label_by_group.get(g) {
            m.label = l.clone();
        }
        if let Some(s) = self.start_by_group.get(g) {
            m.start = *s;
        }
        Ok(m)
    }

    /// Sets a label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    /// Fixes the parameter to a value.
    pub fn fixed(mut self, value: f64) -> Self {
        self.fixed = Some(value);
        self.free = false;
        self
    }
    /// Frees the parameter (lavaan's `NA*`).
    pub fn free(mut self) -> Self {
        self.free = true;
        self.fixed = None;
        self
    }
    /// Sets a starting value.
    pub fn start(mut self, value: f64) -> Self {
        self.start = Some(value);
        self
    }
}

/// One relation between two variables, such as `f =~ x1` or `y ~ b*x`.
///
/// ```
/// use cocreate_core::sem::{Model, Op};
/// let m = Model::parse("y ~ b*x")?;
/// let r = &m.relations()[0];
/// assert_eq!((r.lhs.as_str(), r.op, r.rhs.as_str()), ("y", Op::Regression, "x"));
/// assert_eq!(r.modifier.label.as_deref(), Some("b"));
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Relation {
    /// Left-hand side (the latent variable, the outcome, or the first variable).
    pub lhs: String,
    /// The operator ([`Op::MeasuredBy`], [`Op::Regression`], [`Op::Covariance`] or
    /// [`Op::Intercept`]).
    pub op: Op,
    /// Right-hand side (empty for an intercept).
    pub rhs: String,
    /// Modifiers of the right-hand term.
    pub modifier: Modifier,
    /// Where the left-hand name is written (line 0 for models built in code).
    pub lhs_position: Position,
    /// Where the right-hand name is written.
    pub rhs_position: Position,
}

/// A defined parameter: `name := expression`.
///
/// ```
/// use cocreate_core::sem::Model;
/// let m = Model::parse("y ~ b*m\nm ~ a*x\nab := a * b")?;
/// assert_eq!(m.definitions()[0].text, "a*b");
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Definition {
    /// The new parameter's name.
    pub name: String,
    /// The expression.
    pub expr: Expr,
    /// The expression as written, whitespace removed (lavaan's `rhs` column).
    pub text: String,
    /// Where the name is written.
    pub position: Position,
}

/// A simple equality constraint: `a == b` (two labels) or `a == 0.5` (a label and a number).
/// Every other constraint (`a == 2*b`, `a + b == 1`, `a > 0`, `a < b`) is a
/// [`GeneralConstraint`].
///
/// ```
/// use cocreate_core::sem::Model;
/// let m = Model::parse("y ~ a*x1 + b*x2\na == b")?;
/// assert_eq!(m.constraints().len(), 1);
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Constraint {
    /// Left side: a label.
    pub lhs: String,
    /// Right side: a label or a number.
    pub rhs: ConstraintValue,
    /// Where the constraint is written.
    pub position: Position,
}

/// The right side of an equality constraint.
///
/// ```
/// use cocreate_core::sem::{ConstraintValue, Model};
/// let m = Model::parse("y ~ a*x1 + b*x2\na == b")?;
/// assert_eq!(m.constraints()[0].rhs, ConstraintValue::Label("b".into()));
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ConstraintValue {
    /// Another label.
    Label(String),
    /// A number.
    Value(f64),
}

/// The relation of a [`GeneralConstraint`]: lavaan's `==`, `>` and `<`.
///
/// As in lavaan, `>` and `<` are not strict: `a > 0` allows `a = 0`, where the constraint is
/// active.
///
/// ```
/// use cocreate_core::sem::ConstraintOp;
/// assert_eq!(ConstraintOp::Greater.as_str(), ">");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ConstraintOp {
    /// `lhs == rhs`.
    Equal,
    /// `lhs > rhs` (at least).
    Greater,
    /// `lhs < rhs` (at most).
    Less,
}

impl ConstraintOp {
    /// lavaan's operator.
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintOp::Equal => "==",
            ConstraintOp::Greater => ">",
            ConstraintOp::Less => "<",
        }
    }
}

impl std::fmt::Display for ConstraintOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A constraint between two expressions of parameter labels, numbers and defined
/// parameters: `a == 2*b`, `a + b == 1`, `a - b == 0.5`, `a > 0`, `a < b`, `b1 + b2 > 1`.
///
/// The fit keeps the estimates on it the way lavaan does: linear equality constraints by
/// reparameterisation, inequality constraints by an active set (an inequality that holds
/// with room to spare changes nothing). Both sides must be linear in the free parameters
/// once fixed labels are replaced by their values; a nonlinear constraint (`a == b^2`) is
/// refused when the model is fitted.
///
/// ```
/// use cocreate_core::sem::{ConstraintOp, Model};
/// let m = Model::parse("y ~ a*x1 + b*x2\na == 2*b\na + b > 0.1")?;
/// let c = &m.general_constraints()[0];
/// assert_eq!((c.lhs_text.as_str(), c.op, c.rhs_text.as_str()), ("a", ConstraintOp::Equal, "2*b"));
/// assert_eq!(m.general_constraints()[1].op, ConstraintOp::Greater);
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GeneralConstraint {
    /// The left side.
    pub lhs: Expr,
    /// The relation.
    pub op: ConstraintOp,
    /// The right side.
    pub rhs: Expr,
    /// The left side as written, whitespace removed (lavaan's `lhs` column).
    pub lhs_text: String,
    /// The right side as written, whitespace removed (lavaan's `rhs` column).
    pub rhs_text: String,
    /// Where the constraint is written.
    pub position: Position,
}

impl GeneralConstraint {
    /// A constraint from the text of its two sides, as [`ModelBuilder::constraint`] takes it.
    ///
    /// ```
    /// use cocreate_core::sem::{ConstraintOp, GeneralConstraint};
    /// let c = GeneralConstraint::new("a + b", ConstraintOp::Equal, "1")?;
    /// assert_eq!(c.to_string(), "a+b == 1");
    /// # Ok::<(), cocreate_core::sem::SyntaxError>(())
    /// ```
    pub fn new(
        lhs: &str,
        op: ConstraintOp,
        rhs: &str,
    ) -> Result<GeneralConstraint, super::error::SyntaxError> {
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect();
        Ok(GeneralConstraint {
            lhs: Expr::parse(lhs)?,
            op,
            rhs: Expr::parse(rhs)?,
            lhs_text: squeeze(lhs),
            rhs_text: squeeze(rhs),
            position: Position::default(),
        })
    }
}

/// `lhs op rhs`, as lavaan's syntax writes it.
impl std::fmt::Display for GeneralConstraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.lhs_text, self.op, self.rhs_text)
    }
}

/// A structural equation model as written: relations, defined parameters and constraints.
///
/// ```
/// use cocreate_core::sem::Model;
/// let model = Model::parse("
///     visual  =~ x1 + x2 + x3
///     textual =~ x4 + x5 + x6
/// ")?;
/// assert_eq!(model.relations().len(), 6);
/// assert_eq!(model.latent_names(), ["visual", "textual"]);
/// # Ok::<(), cocreate_core::sem::SyntaxError>(())
/// ```
///
/// A deserialised model is checked as [`ModelBuilder::build`] and [`Model::parse`] check
/// it: valid names, no `:=` among the relations, definitions whose text parses to their
/// expression, and the size limits of the [module docs](super#untrusted-input).
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use cocreate_core::sem::Model;
/// let mut v = serde_json::to_value(Model::parse("y ~ x").unwrap()).unwrap();
/// v["relations"][0]["rhs"] = serde_json::json!("not a name");
/// assert!(serde_json::from_value::<Model>(v).is_err());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ModelRepr"))]
pub struct Model {
    pub(crate) relations: Vec<Relation>,
    pub(crate) definitions: Vec<Definition>,
    pub(crate) constraints: Vec<Constraint>,
    pub(crate) general_constraints: Vec<GeneralConstraint>,
}

/// The unvalidated fields of a [`Model`], read by serde and then checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelRepr {
    relations: Vec<Relation>,
    definitions: Vec<Definition>,
    constraints: Vec<Constraint>,
    // Added with the general constraints: models stored before them still load.
    #[serde(default)]
    general_constraints: Vec<GeneralConstraint>,
}

/// Whether two expressions are the same apart from the positions of their names. The
/// recursion is as deep as `a`, a parsed (depth-limited) expression.
#[cfg(feature = "serde")]
fn same_shape(a: &Expr, b: &Expr) -> bool {
    match (a, b) {
        (Expr::Number(x), Expr::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Expr::Name { name: x, .. }, Expr::Name { name: y, .. }) => x == y,
        (Expr::Neg(x), Expr::Neg(y)) => same_shape(x, y),
        (
            Expr::Binary { op, lhs, rhs },
            Expr::Binary {
                op: op2,
                lhs: lhs2,
                rhs: rhs2,
            },
        ) => op == op2 && same_shape(lhs, lhs2) && same_shape(rhs, rhs2),
        (Expr::Call { func, arg }, Expr::Call { func: f2, arg: a2 }) => {
            func == f2 && same_shape(arg, a2)
        }
        _ => false,
    }
}

#[cfg(feature = "serde")]
impl TryFrom<ModelRepr> for Model {
    type Error = SemError;
    fn try_from(r: ModelRepr) -> Result<Self, SemError> {
        let limits = [
            ("relations", r.relations.len(), super::MAX_MODEL_TERMS),
            (
                "defined parameters",
                r.definitions.len(),
                super::MAX_DEFINED,
            ),
            (
                "constraints (==, > and <)",
                r.constraints.len() + r.general_constraints.len(),
                super::MAX_CONSTRAINTS,
            ),
        ];
        for (what, found, limit) in limits {
            if found > limit {
                return Err(SemError::TooLarge {
                    what: format!("{what} in the model"),
                    found,
                    limit,
                });
            }
        }
        let mut b = Model::builder();
        for rel in r.relations {
            if rel.op == Op::Intercept && !rel.rhs.is_empty() {
                return Err(SemError::InterceptWithRhs {
                    variable: rel.lhs,
                    rhs: rel.rhs,
                });
            }
            let rhs = if rel.op == Op::Intercept {
                "1"
            } else {
                &rel.rhs
            };
            b = b.relation(&rel.lhs, rel.op, rhs, rel.modifier.clone());
            if let Some(last) = b.model.relations.last_mut() {
                last.lhs_position = rel.lhs_position;
                last.rhs_position = rel.rhs_position;
            }
        }
        let mut model = b.build()?;
        for d in r.definitions {
            if !valid_name(&d.name) {
                return Err(SemError::InvalidName {
                    name: d.name,
                    what: "defined-parameter",
                });
            }
            let parsed = Expr::parse(&d.text)?;
            if !same_shape(&parsed, &d.expr) {
                return Err(SemError::DefinitionMismatch {
                    name: d.name,
                    text: d.text,
                });
            }
            model.define(&d.name, &d.text)?;
            if let Some(last) = model.definitions.last_mut() {
                // The stored expression: the same as the text's, with its model positions.
                last.expr = d.expr;
                last.position = d.position;
            }
        }
        for c in r.constraints {
            let bad = match &c.rhs {
                _ if !valid_name(&c.lhs) => Some(&c.lhs),
                ConstraintValue::Label(l) if !valid_name(l) => Some(l),
                _ => None,
            };
            if let Some(name) = bad {
                return Err(SemError::InvalidName {
                    name: name.clone(),
                    what: "label",
                });
            }
            model.constraints.push(c);
        }
        for g in r.general_constraints {
            for (expr, text) in [(&g.lhs, &g.lhs_text), (&g.rhs, &g.rhs_text)] {
                if !same_shape(&Expr::parse(text)?, expr) {
                    return Err(SemError::ConstraintMismatch {
                        constraint: g.to_string(),
                    });
                }
            }
            model.general_constraints.push(g);
        }
        Ok(model)
    }
}

impl Model {
    /// A builder for models written in code.
    ///
    /// ```
    /// use cocreate_core::sem::{Model, Modifier};
    /// let model = Model::builder()
    ///     .measured_by("f", ["x1", "x2", "x3"])
    ///     .regression_with("y", "f", Modifier::default().label("b"))
    ///     .build()?;
    /// assert_eq!(model.relations().len(), 4);
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn builder() -> ModelBuilder {
        ModelBuilder::default()
    }

    /// The relations, in the order written.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// The defined parameters, in the order written.
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    /// The simple equality constraints (`a == b`, `a == 0.5`).
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The other constraints (`a == 2*b`, `a + b == 1`, `a > 0`, `a < b`), in the order
    /// written.
    pub fn general_constraints(&self) -> &[GeneralConstraint] {
        &self.general_constraints
    }

    /// Latent variables (left-hand sides of `=~`), in order of appearance.
    pub fn latent_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.relations {
            if r.op == Op::MeasuredBy && !out.contains(&r.lhs.as_str()) {
                out.push(&r.lhs);
            }
        }
        out
    }

    /// Adds a defined parameter (`name := expr`).
    ///
    /// ```
    /// use cocreate_core::sem::Model;
    /// let mut m = Model::parse("m ~ a*x\ny ~ b*m")?;
    /// m.define("ab", "a*b")?;
    /// assert_eq!(m.definitions().len(), 1);
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn define(&mut self, name: &str, expr: &str) -> Result<(), SemError> {
        let e = Expr::parse(expr)?;
        if self.definitions.iter().any(|d| d.name == name) {
            return Err(SemError::DuplicateDefinition {
                name: name.to_string(),
                position: Position::default(),
            });
        }
        self.definitions.push(Definition {
            name: name.to_string(),
            expr: e,
            text: expr.chars().filter(|c| !c.is_whitespace()).collect(),
            position: Position::default(),
        });
        Ok(())
    }

    /// Writes the model back as lavaan syntax (one relation per line).
    ///
    /// ```
    /// use cocreate_core::sem::Model;
    /// let m = Model::parse("f =~ 1*x1 + a*x2; y ~ NA*f")?;
    /// assert_eq!(Model::parse(&m.to_syntax())?.to_syntax(), m.to_syntax());
    /// assert_eq!(m.to_syntax().lines().next(), Some("f =~ 1.0*x1"));
    /// # Ok::<(), cocreate_core::sem::SyntaxError>(())
    /// ```
    pub fn to_syntax(&self) -> String {
        let mut s = String::new();
        for r in &self.relations {
            let mut term = String::new();
            let m = &r.modifier;
            let number = |v: &Option<f64>| v.map_or_else(|| "NA".to_string(), |v| format!("{v:?}"));
            if !m.fixed_by_group.is_empty() {
                let vals: Vec<String> = m.fixed_by_group.iter().map(number).collect();
                term.push_str(&format!("c({})*", vals.join(",")));
            } else if let Some(v) = m.fixed {
                term.push_str(&format!("{v:?}*"));
            } else if m.free {
                term.push_str("NA*");
            }
            if !m.label_by_group.is_empty() {
                let vals: Vec<&str> = (m.label_by_group.iter())
                    .map(|l| l.as_deref().unwrap_or("NA"))
                    .collect();
                term.push_str(&format!("c({})*", vals.join(",")));
            } else if let Some(l) = &m.label {
                term.push_str(&format!("{l}*"));
            }
            if !m.start_by_group.is_empty() {
                let vals: Vec<String> = m.start_by_group.iter().map(number).collect();
                term.push_str(&format!("start(c({}))*", vals.join(",")));
            } else if let Some(v) = m.start {
                term.push_str(&format!("start({v:?})*"));
            }
            let (op, rhs) = match r.op {
                Op::Intercept => ("~", "1"),
                other => (other.as_str(), r.rhs.as_str()),
            };
            s.push_str(&format!("{} {} {}{}\n", r.lhs, op, term, rhs));
        }
        for d in &self.definitions {
            s.push_str(&format!("{} := {}\n", d.name, d.text));
        }
        for c in &self.constraints {
            match &c.rhs {
                ConstraintValue::Label(l) => s.push_str(&format!("{} == {}\n", c.lhs, l)),
                ConstraintValue::Value(v) => s.push_str(&format!("{} == {:?}\n", c.lhs, v)),
            }
        }
        for c in &self.general_constraints {
            s.push_str(&format!("{c}\n"));
        }
        s
    }
}

/// Builds a [`Model`] in code, with the same power as the syntax.
///
/// ```
/// use cocreate_core::sem::{Model, Modifier, Op};
/// let built = Model::builder()
///     .measured_by("f", ["x1", "x2", "x3"])
///     .relation("x1", Op::Covariance, "x2", Modifier::default())
///     .intercept("x1", Modifier::default().fixed(0.0))
///     .build()?;
/// let parsed = Model::parse("f =~ x1 + x2 + x3\nx1 ~~ x2\nx1 ~ 0*1")?;
/// assert_eq!(built.to_syntax(), parsed.to_syntax());
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Default)]
pub struct ModelBuilder {
    model: Model,
    error: Option<SemError>,
}

impl ModelBuilder {
    /// Adds any relation with modifiers.
    pub fn relation(mut self, lhs: &str, op: Op, rhs: &str, modifier: Modifier) -> Self {
        if self.error.is_some() {
            return self;
        }
        if op == Op::Defined {
            self.error = Some(SemError::DefinitionAsRelation {
                name: lhs.to_string(),
            });
            return self;
        }
        for name in [lhs, rhs] {
            if op == Op::Intercept && name == rhs {
                continue;
            }
            if !valid_name(name) {
                self.error = Some(SemError::InvalidName {
                    name: name.to_string(),
                    what: "variable",
                });
                return self;
            }
        }
        self.model.relations.push(Relation {
            lhs: lhs.to_string(),
            op,
            rhs: if op == Op::Intercept {
                String::new()
            } else {
                rhs.to_string()
            },
            modifier,
            lhs_position: Position::default(),
            rhs_position: Position::default(),
        });
        self
    }

    /// `latent =~ i1 + i2 + ...` with default modifiers.
    pub fn measured_by<I, S>(mut self, latent: &str, indicators: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for ind in indicators {
            self = self.relation(latent, Op::MeasuredBy, ind.as_ref(), Modifier::default());
        }
        self
    }

    /// `outcome ~ p1 + p2 + ...` with default modifiers.
    pub fn regression<I, S>(mut self, outcome: &str, predictors: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for p in predictors {
            self = self.relation(outcome, Op::Regression, p.as_ref(), Modifier::default());
        }
        self
    }

    /// `outcome ~ modifier*predictor`.
    pub fn regression_with(self, outcome: &str, predictor: &str, modifier: Modifier) -> Self {
        self.relation(outcome, Op::Regression, predictor, modifier)
    }

    /// `a ~~ b` with default modifiers.
    pub fn covariance(self, a: &str, b: &str) -> Self {
        self.relation(a, Op::Covariance, b, Modifier::default())
    }

    /// `variable ~ modifier*1`.
    pub fn intercept(self, variable: &str, modifier: Modifier) -> Self {
        self.relation(variable, Op::Intercept, "", modifier)
    }

    /// `name := expr`.
    pub fn define(mut self, name: &str, expr: &str) -> Self {
        if self.error.is_none() {
            if let Err(e) = self.model.define(name, expr) {
                self.error = Some(e);
            }
        }
        self
    }

    /// `label == other` or `label == value`.
    pub fn constrain(mut self, label: &str, rhs: ConstraintValue) -> Self {
        self.model.constraints.push(Constraint {
            lhs: label.to_string(),
            rhs,
            position: Position::default(),
        });
        self
    }

    /// A general constraint `lhs op rhs` between expressions (`a == 2*b`, `a + b > 1`).
    ///
    /// ```
    /// use cocreate_core::sem::{ConstraintOp, Model};
    /// let m = Model::builder()
    ///     .regression("y", ["x1", "x2"])
    ///     .constraint("a", ConstraintOp::Greater, "0")
    ///     .build()?;
    /// assert_eq!(m.to_syntax().lines().last(), Some("a > 0"));
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn constraint(mut self, lhs: &str, op: ConstraintOp, rhs: &str) -> Self {
        if self.error.is_none() {
            match GeneralConstraint::new(lhs, op, rhs) {
                Ok(c) => self.model.general_constraints.push(c),
                Err(e) => self.error = Some(e.into()),
            }
        }
        self
    }

    /// Finishes the model, reporting the first invalid call.
    pub fn build(self) -> Result<Model, SemError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.model),
        }
    }
}

pub(crate) fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' || c == '.' => {}
        _ => return false,
    }
    s.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !s
            .starts_with(|c: char| c == '.' && s.chars().nth(1).is_some_and(|d| d.is_ascii_digit()))
}
