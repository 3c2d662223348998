//! Graphviz DOT path diagrams: latent variables as ellipses, observed as boxes, loadings
//! and regressions as arrows, covariances as dashed two-headed edges, estimates on the
//! arrows.

use std::fmt::Write;

use super::op::Op;
use super::results::SemFit;

/// Options of [`SemFit::to_dot`].
///
/// ```
/// use cocreate_core::sem::DotOptions;
/// let o = DotOptions { standardized: true, ..DotOptions::default() };
/// assert_eq!(o.decimals, 2);
/// ```
///
/// Deserialising refuses more than [`DotOptions::MAX_DECIMALS`] decimals.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "DotOptionsRepr"))]
pub struct DotOptions {
    /// Label arrows with the completely standardised estimates (`std.all`).
    pub standardized: bool,
    /// Decimals shown; at most [`DotOptions::MAX_DECIMALS`] are written, since an `f64`
    /// holds no more significant digits (and a larger precision cannot be formatted).
    pub decimals: usize,
    /// Append significance stars (`*` p < .05, `**` p < .01, `***` p < .001).
    pub stars: bool,
    /// Draw covariances among fixed exogenous covariates.
    pub show_exogenous_covariances: bool,
}

impl DotOptions {
    /// Most decimals written on an arrow.
    pub const MAX_DECIMALS: usize = 17;
}

/// The unvalidated fields of [`DotOptions`], read by serde and then checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DotOptionsRepr {
    standardized: bool,
    decimals: usize,
    stars: bool,
    show_exogenous_covariances: bool,
}

#[cfg(feature = "serde")]
impl TryFrom<DotOptionsRepr> for DotOptions {
    type Error = String;
    fn try_from(r: DotOptionsRepr) -> Result<Self, String> {
        if r.decimals > DotOptions::MAX_DECIMALS {
            return Err(format!(
                "decimals must be at most {}, not {}",
                DotOptions::MAX_DECIMALS,
                r.decimals
            ));
        }
        Ok(DotOptions {
            standardized: r.standardized,
            decimals: r.decimals,
            stars: r.stars,
            show_exogenous_covariances: r.show_exogenous_covariances,
        })
    }
}

impl Default for DotOptions {
    fn default() -> Self {
        DotOptions {
            standardized: false,
            decimals: 2,
            stars: true,
            show_exogenous_covariances: false,
        }
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl SemFit {
    /// Graphviz DOT path diagram; see [`DotOptions`].
    pub fn to_dot(&self, options: &DotOptions) -> String {
        render(self, options)
    }
}

fn render(fit: &SemFit, o: &DotOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph sem {{");
    let _ = writeln!(out, "  rankdir=LR;");
    let _ = writeln!(out, "  node [fontname=\"Helvetica\"];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    for v in fit.latent() {
        let _ = writeln!(out, "  {} [shape=ellipse];", quote(v));
    }
    for v in fit.observed() {
        let _ = writeln!(out, "  {} [shape=box];", quote(v));
    }
    // A multiple-group fit: the first group's estimates (defined parameters have no group).
    let first = fit.groups().first().map_or("", |g| g.label.as_str());
    for e in (fit.parameter_estimates().iter()).filter(|e| e.group.is_empty() || e.group == first) {
        let value = if o.standardized { e.std_all } else { e.est };
        let mut label = format!("{:.*}", o.decimals.min(DotOptions::MAX_DECIMALS), value);
        if o.stars {
            match e.pvalue {
                Some(p) if p < 0.001 => label.push_str("***"),
                Some(p) if p < 0.01 => label.push_str("**"),
                Some(p) if p < 0.05 => label.push('*'),
                _ => {}
            }
        }
        let fixed = if e.free.is_none() {
            ", style=dotted"
        } else {
            ""
        };
        match e.op {
            Op::MeasuredBy => {
                let _ = writeln!(
                    out,
                    "  {} -> {} [label={}{}];",
                    quote(&e.lhs),
                    quote(&e.rhs),
                    quote(&label),
                    if e.free.is_none() {
                        ", style=solid"
                    } else {
                        ""
                    }
                );
            }
            Op::Regression => {
                let _ = writeln!(
                    out,
                    "  {} -> {} [label={}{}];",
                    quote(&e.rhs),
                    quote(&e.lhs),
                    quote(&label),
                    fixed
                );
            }
            Op::Covariance if e.lhs != e.rhs => {
                if e.exo && !o.show_exogenous_covariances {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "  {} -> {} [dir=both, style=dashed, constraint=false, label={}];",
                    quote(&e.lhs),
                    quote(&e.rhs),
                    quote(&label)
                );
            }
            _ => {}
        }
    }
    out.push_str("}\n");
    out
}
