//! The vocabulary of equality across groups: lavaan's `group.equal` keywords
//! ([`GroupEqual`]) and the parameters `group.partial` names ([`ParameterId`]).

use std::fmt;

use super::error::{quoted, SemError};
use super::model::valid_name;
use super::op::Op;

/// A kind of parameter held equal across groups (lavaan's `group.equal` keywords).
///
/// ```
/// use cocreate_core::sem::GroupEqual;
/// assert_eq!("residual.covariances".parse::<GroupEqual>().unwrap(), GroupEqual::ResidualCovariances);
/// assert_eq!(GroupEqual::LvVariances.as_str(), "lv.variances");
/// let all = GroupEqual::parse_list("loadings, intercepts").unwrap();
/// assert_eq!(all, [GroupEqual::Loadings, GroupEqual::Intercepts]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum GroupEqual {
    /// Factor loadings (`=~`): metric (weak) invariance.
    #[cfg_attr(feature = "serde", serde(rename = "loadings"))]
    Loadings,
    /// Intercepts of the observed variables that are not fixed covariates (`~ 1`): scalar
    /// (strong) invariance. The latent means are then freed in every group but the first.
    #[cfg_attr(feature = "serde", serde(rename = "intercepts"))]
    Intercepts,
    /// Means (intercepts) of the latent variables.
    #[cfg_attr(feature = "serde", serde(rename = "means"))]
    Means,
    /// Residual variances of the observed variables: strict invariance.
    #[cfg_attr(feature = "serde", serde(rename = "residuals"))]
    Residuals,
    /// Residual covariances of the observed variables.
    #[cfg_attr(feature = "serde", serde(rename = "residual.covariances"))]
    ResidualCovariances,
    /// (Residual) variances of the latent variables.
    #[cfg_attr(feature = "serde", serde(rename = "lv.variances"))]
    LvVariances,
    /// (Residual) covariances of the latent variables.
    #[cfg_attr(feature = "serde", serde(rename = "lv.covariances"))]
    LvCovariances,
    /// Regression coefficients (`~`).
    #[cfg_attr(feature = "serde", serde(rename = "regressions"))]
    Regressions,
    /// Thresholds of ordered variables (`|`): with ordered indicators, the scalar step.
    /// As in lavaan, `thresholds` and `intercepts` imply each other when variables are
    /// ordered, and the scaling factors and latent means are then free in every group but
    /// the first. Without ordered variables it is refused.
    #[cfg_attr(feature = "serde", serde(rename = "thresholds"))]
    Thresholds,
}

impl GroupEqual {
    /// Every keyword, in lavaan's order.
    pub const ALL: [GroupEqual; 9] = [
        GroupEqual::Loadings,
        GroupEqual::Intercepts,
        GroupEqual::Means,
        GroupEqual::Residuals,
        GroupEqual::ResidualCovariances,
        GroupEqual::LvVariances,
        GroupEqual::LvCovariances,
        GroupEqual::Regressions,
        GroupEqual::Thresholds,
    ];

    /// lavaan's keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupEqual::Loadings => "loadings",
            GroupEqual::Intercepts => "intercepts",
            GroupEqual::Means => "means",
            GroupEqual::Residuals => "residuals",
            GroupEqual::ResidualCovariances => "residual.covariances",
            GroupEqual::LvVariances => "lv.variances",
            GroupEqual::LvCovariances => "lv.covariances",
            GroupEqual::Regressions => "regressions",
            GroupEqual::Thresholds => "thresholds",
        }
    }

    /// Reads a comma-separated list of keywords (`"loadings,intercepts"`), as the example
    /// programs take them.
    pub fn parse_list(text: &str) -> Result<Vec<GroupEqual>, SemError> {
        let mut out = Vec::new();
        for part in text.split(',') {
            let kind: GroupEqual = part.trim().parse()?;
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
        Ok(out)
    }
}

impl fmt::Display for GroupEqual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for GroupEqual {
    type Err = SemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(k) = GroupEqual::ALL.iter().find(|k| k.as_str() == s) {
            return Ok(*k);
        }
        Err(SemError::InvalidOption {
            option: "group_equal",
            value: quoted(s),
            allowed: "the keywords are loadings, intercepts, means, residuals, residual.covariances, lv.variances, lv.covariances, regressions and thresholds".into(),
        })
    }
}

/// One parameter named as lavaan writes it, `lhs op rhs`: `visual =~ x2`, `x3 ~ 1`,
/// `x1 ~~ x1`, `x1 | t2` (a threshold of an ordered variable). `group.partial` lists these to free them from `group.equal`.
///
/// ```
/// use cocreate_core::sem::{Op, ParameterId};
/// let p: ParameterId = "x3 ~ 1".parse()?;
/// assert_eq!((p.lhs(), p.op(), p.rhs()), ("x3", Op::Intercept, ""));
/// assert_eq!(p.to_string(), "x3 ~ 1");
/// assert!("x1~~x2".parse::<ParameterId>()?.matches("x2", Op::Covariance, "x1"));
/// assert!("x1 + x2".parse::<ParameterId>().is_err());
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct ParameterId {
    lhs: String,
    op: Op,
    rhs: String,
}

impl ParameterId {
    /// The parameter `lhs op rhs` (`rhs` empty for an intercept). Errors on names lavaan
    /// would not accept and on the `:=` operator.
    pub fn new(lhs: &str, op: Op, rhs: &str) -> Result<ParameterId, SemError> {
        let text = format!("{lhs} {op} {rhs}");
        let bad = |what: &str| {
            SemError::InvalidOption {
            option: "group_partial",
            value: quoted(&text),
            allowed: format!("{what}; write a parameter as lavaan does: \"visual =~ x2\", \"x3 ~ 1\" or \"x1 ~~ x1\""),
        }
        };
        if op == Op::Defined {
            return Err(bad("defined parameters (:=) are not free in any group"));
        }
        let threshold_name = |t: &str| {
            t.strip_prefix('t').is_some_and(|k| {
                !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && !k.starts_with('0')
            })
        };
        if op == Op::Threshold && !threshold_name(rhs) {
            return Err(bad("a threshold is named t1, t2, … after the bar"));
        }
        if !valid_name(lhs) || (op != Op::Intercept && !valid_name(rhs)) {
            return Err(bad("the names are not variable names"));
        }
        Ok(ParameterId {
            lhs: lhs.to_string(),
            op,
            rhs: if op == Op::Intercept {
                String::new()
            } else {
                rhs.to_string()
            },
        })
    }

    /// Left-hand side.
    pub fn lhs(&self) -> &str {
        &self.lhs
    }
    /// Operator.
    pub fn op(&self) -> Op {
        self.op
    }
    /// Right-hand side (empty for an intercept).
    pub fn rhs(&self) -> &str {
        &self.rhs
    }

    /// Whether this names the parameter `lhs op rhs` (a covariance in either order).
    pub fn matches(&self, lhs: &str, op: Op, rhs: &str) -> bool {
        op == self.op
            && ((self.lhs == lhs && self.rhs == rhs)
                || (op == Op::Covariance && self.lhs == rhs && self.rhs == lhs))
    }

    /// Reads a comma-separated list (`"x3 ~ 1, visual =~ x2"`), as the example programs
    /// take them.
    pub fn parse_list(text: &str) -> Result<Vec<ParameterId>, SemError> {
        text.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(str::parse)
            .collect()
    }
}

impl fmt::Display for ParameterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            Op::Intercept => write!(f, "{} ~ 1", self.lhs),
            op => write!(f, "{} {} {}", self.lhs, op, self.rhs),
        }
    }
}

impl std::str::FromStr for ParameterId {
    type Err = SemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        for (text, op) in [
            ("=~", Op::MeasuredBy),
            ("~~", Op::Covariance),
            ("~", Op::Regression),
            ("|", Op::Threshold),
        ] {
            if let Some((lhs, rhs)) = compact.split_once(text) {
                let (op, rhs) = if op == Op::Regression && rhs == "1" {
                    (Op::Intercept, "")
                } else {
                    (op, rhs)
                };
                return ParameterId::new(lhs, op, rhs).map_err(|_| SemError::InvalidOption {
                    option: "group_partial",
                    value: quoted(s),
                    allowed: "write a parameter as lavaan does: \"visual =~ x2\", \"x3 ~ 1\" or \"x1 ~~ x1\"".into(),
                });
            }
        }
        Err(SemError::InvalidOption {
            option: "group_partial",
            value: quoted(s),
            allowed: "a parameter has an operator (=~, ~, ~~ or ~ 1): \"visual =~ x2\", \"x3 ~ 1\" or \"x1 ~~ x1\"".into(),
        })
    }
}

impl TryFrom<String> for ParameterId {
    type Error = SemError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ParameterId> for String {
    fn from(p: ParameterId) -> String {
        p.to_string()
    }
}
