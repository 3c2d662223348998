//! Building a readiness model from coefficients supplied in lavaan notation.

use nalgebra::DMatrix;

use crate::sem::Op;

use super::coefficients::{set, Coefficients, Index, Role};
use super::constructs::Constructs;
use super::error::ReadinessError;
use super::model::{psd_check, ModelSpec, Provenance, ReadinessModel};
use super::pathway::PathwayRule;

impl ReadinessModel {
    /// A builder for a model from supplied coefficients, written in lavaan notation.
    ///
    /// `source` is the provenance: where the numbers come from.
    pub fn builder(constructs: Constructs, source: impl Into<String>) -> ReadinessModelBuilder {
        ReadinessModelBuilder {
            constructs,
            source: source.into(),
            entries: Vec::new(),
            vcov: None,
            rule: PathwayRule::default(),
            level: 0.95,
        }
    }
}

/// Builder of a [`ReadinessModel`] from supplied coefficients.
///
/// Coefficients are written in lavaan notation: `"II ~ O"` (path), `"WTC ~ 1"`
/// (intercept), `"II ~~ II"` (residual variance), `"II ~~ EI"` (residual covariance),
/// `"O ~ 1"` and `"O ~~ C"` (trait means and covariances: they define the reference
/// customer and the standardisation). Paths and covariances not given are zero, as in
/// lavaan syntax; the intercepts, residual variances, trait means and trait variances
/// must be given ([`ReadinessError::MissingCoefficient`] otherwise).
///
/// ```
/// use cocreate_core::readiness::{Constructs, ReadinessError, ReadinessModel};
/// use cocreate_core::scoring::ResponseRange;
///
/// let c = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let err = ReadinessModel::builder(c, "notes")
///     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0)])
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, ReadinessError::MissingCoefficient { what: "residual variance", .. }));
/// assert!(err.to_string().contains("\"II ~~ II\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReadinessModelBuilder {
    constructs: Constructs,
    source: String,
    entries: Vec<(String, f64)>,
    vcov: Option<(Vec<String>, DMatrix<f64>)>,
    rule: PathwayRule,
    level: f64,
}

impl ReadinessModelBuilder {
    /// One coefficient, e.g. `("WTC ~ II", 0.31)`.
    pub fn coefficient(mut self, spec: &str, value: f64) -> Self {
        self.entries.push((spec.to_string(), value));
        self
    }

    /// Several coefficients.
    pub fn coefficients(mut self, specs: &[(&str, f64)]) -> Self {
        self.entries
            .extend(specs.iter().map(|(s, v)| (s.to_string(), *v)));
        self
    }

    /// The covariance of some of the path and intercept coefficients (named as in
    /// [`ReadinessModelBuilder::coefficient`]), for parameter uncertainty in the intervals.
    /// Coefficients not named have no uncertainty.
    pub fn vcov(mut self, names: &[&str], matrix: DMatrix<f64>) -> Self {
        self.vcov = Some((names.iter().map(|s| s.to_string()).collect(), matrix));
        self
    }

    /// The pathway rule (default [`PathwayRule::default`]).
    pub fn rule(mut self, rule: PathwayRule) -> Self {
        self.rule = rule;
        self
    }

    /// The interval level (default 0.95).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Validates the coefficients and builds the model.
    pub fn build(self) -> Result<ReadinessModel, ReadinessError> {
        let c = self.constructs;
        c.validate()?;
        let (p, q) = (c.traits().len(), c.mediators().len());
        let idx = Index::new(&c);
        let mut coef = Coefficients::zeros(p, q);
        let mut trait_mean: Vec<Option<f64>> = vec![None; p];
        let mut trait_cov = DMatrix::zeros(p, p);
        let mut trait_var_given = vec![false; p];
        let mut psi_m = DMatrix::zeros(q, q);
        let mut psi_m_given = vec![false; q];
        let mut psi_y = None;
        let mut int_m = vec![false; q];
        let mut int_y = false;
        let mut seen: Vec<String> = Vec::new();
        let mut positions: Vec<(String, usize)> = Vec::new();
        for (spec, value) in &self.entries {
            let bad = |reason: String| ReadinessError::InvalidCoefficient {
                spec: spec.clone(),
                reason,
            };
            if !value.is_finite() {
                return Err(bad(format!("{value} is not a finite number")));
            }
            let (lhs, op, rhs) = parse_spec(spec)
                .ok_or_else(|| bad("write it as \"Y ~ X\", \"Y ~ 1\" or \"X ~~ Z\"".into()))?;
            let key = spec_key(lhs, op, rhs);
            let key_sym = spec_key(rhs, op, lhs);
            if seen.contains(&key) || (op == Op::Covariance && seen.contains(&key_sym)) {
                return Err(bad("given twice".into()));
            }
            seen.push(key.clone());
            let (rl, rr) = (idx.role(lhs), idx.role(rhs));
            let unknown = |n: &str| {
                bad(format!(
                    "{n:?} is not a construct of the model ({})",
                    c.names().cloned().collect::<Vec<_>>().join(", ")
                ))
            };
            if rl == Role::Other {
                return Err(unknown(lhs));
            }
            match op {
                Op::Intercept => match rl {
                    Role::Trait(k) => trait_mean[k] = Some(*value),
                    Role::Mediator(j) => {
                        coef.alpha_m[j] = *value;
                        int_m[j] = true;
                        positions.push((key, idx.alpha_m(j)));
                    }
                    Role::Outcome => {
                        coef.alpha_y = *value;
                        int_y = true;
                        positions.push((key, idx.alpha_y()));
                    }
                    Role::Other => unreachable!("checked above"),
                },
                Op::Regression => {
                    let pos = match (rl, rr) {
                        (_, Role::Other) => return Err(unknown(rhs)),
                        (Role::Mediator(j), Role::Trait(k)) => idx.a(j, k),
                        (Role::Outcome, Role::Mediator(j)) => idx.b(j),
                        (Role::Outcome, Role::Trait(k)) => idx.c(k),
                        _ => {
                            return Err(bad(
                                "paths run from traits to mediators, and from traits and mediators to the outcome".into(),
                            ))
                        }
                    };
                    set(&mut coef, pos, *value);
                    positions.push((key, pos));
                }
                _ => match (rl, rr) {
                    (_, Role::Other) => return Err(unknown(rhs)),
                    (Role::Trait(k), Role::Trait(l)) => {
                        trait_cov[(k, l)] = *value;
                        trait_cov[(l, k)] = *value;
                        if k == l {
                            trait_var_given[k] = true;
                        }
                    }
                    (Role::Mediator(i), Role::Mediator(j)) => {
                        psi_m[(i, j)] = *value;
                        psi_m[(j, i)] = *value;
                        if i == j {
                            psi_m_given[i] = true;
                        }
                    }
                    (Role::Outcome, Role::Outcome) => psi_y = Some(*value),
                    _ => {
                        return Err(bad(
                            "only traits covary with traits and mediator residuals with mediator residuals".into(),
                        ))
                    }
                },
            }
        }
        let missing = |what: &'static str, spec: String| {
            Err(ReadinessError::MissingCoefficient { what, spec })
        };
        for (j, m) in c.mediators().iter().enumerate() {
            if !int_m[j] {
                return missing("intercept", format!("{m} ~ 1"));
            }
            if !psi_m_given[j] {
                return missing("residual variance", format!("{m} ~~ {m}"));
            }
        }
        let y = c.outcome();
        if !int_y {
            return missing("intercept", format!("{y} ~ 1"));
        }
        let Some(psi_y) = psi_y else {
            return missing("residual variance", format!("{y} ~~ {y}"));
        };
        let mut means = Vec::with_capacity(p);
        for (k, t) in c.traits().iter().enumerate() {
            match trait_mean[k] {
                Some(v) => means.push(v),
                None => return missing("trait mean", format!("{t} ~ 1")),
            }
            if !trait_var_given[k] {
                return missing("trait variance", format!("{t} ~~ {t}"));
            }
        }
        let np = q + 1 + q * p + q + p + p + q + 1;
        let vcov = match self.vcov {
            None => None,
            Some((names, m)) => {
                if m.shape() != (names.len(), names.len()) {
                    return Err(ReadinessError::WrongLength {
                        what: "parameter covariance rows and columns".into(),
                        expected: names.len(),
                        found: m.nrows().max(m.ncols()),
                    });
                }
                let mut pos = Vec::with_capacity(names.len());
                for n in &names {
                    let key = parse_spec(n).map(|(l, o, r)| spec_key(l, o, r));
                    let found = key
                        .as_ref()
                        .and_then(|k| positions.iter().find(|(s, _)| s == k));
                    match found {
                        Some((_, i)) => pos.push(*i),
                        None => {
                            return Err(ReadinessError::InvalidCoefficient {
                                spec: n.clone(),
                                reason: "the covariance names a coefficient that was not given (only paths and intercepts carry uncertainty)".into(),
                            })
                        }
                    }
                }
                psd_check(&m, "the supplied parameter covariance")?;
                let mut v = DMatrix::zeros(np, np);
                for (a, &i) in pos.iter().enumerate() {
                    for (b, &j) in pos.iter().enumerate() {
                        v[(i, j)] = m[(a, b)];
                    }
                }
                Some(v)
            }
        };
        ReadinessModel::assemble(ModelSpec {
            constructs: c,
            provenance: Provenance::Supplied {
                source: self.source,
            },
            coef,
            vcov,
            trait_mean: means,
            trait_cov,
            psi_m,
            psi_y,
            rule: self.rule,
            level: self.level,
        })
    }
}

/// Splits `"Y ~ X"`, `"Y ~ 1"`, `"X ~~ Z"` into (lhs, operator, rhs), the operator read
/// by the SEM syntax's own [`Op::from_str_op`] (`"Y ~ 1"` is the intercept `~1`).
fn parse_spec(s: &str) -> Option<(&str, Op, &str)> {
    let at = s.find('~')?;
    let width = if s[at..].starts_with("~~") { 2 } else { 1 };
    let lhs = s[..at].trim();
    let rhs = s[at + width..].trim();
    let text = if width == 1 && rhs == "1" {
        "~1"
    } else {
        &s[at..at + width]
    };
    let op = Op::from_str_op(text)?;
    let ok = |t: &str| !t.is_empty() && !t.contains(char::is_whitespace) && !t.contains('~');
    (ok(lhs) && ok(rhs)).then_some((lhs, op, rhs))
}

/// The key a coefficient is known by: `"WTC~II"`, `"WTC~1"`, `"II~~EI"`.
fn spec_key(lhs: &str, op: Op, rhs: &str) -> String {
    match op {
        Op::Intercept => format!("{lhs}~1"),
        _ => format!("{lhs}{}{rhs}", op.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parsing() {
        assert_eq!(parse_spec("WTC ~ II"), Some(("WTC", Op::Regression, "II")));
        assert_eq!(parse_spec("II~~EI"), Some(("II", Op::Covariance, "EI")));
        assert_eq!(parse_spec("WTC ~ 1"), Some(("WTC", Op::Intercept, "1")));
        assert_eq!(parse_spec("A ~ B ~~ C"), None);
        assert_eq!(parse_spec("WTC ~ a b"), None);
        assert_eq!(parse_spec("WTC"), None);
        assert_eq!(parse_spec("~ X"), None);
    }
}
