//! A general constraint as a linear form in the free parameters (the type the parameter
//! table stores and `constraints` builds), below both so that neither needs the other.

use super::error::Position;
use super::model::ConstraintOp;

/// A constraint as a linear form in the free parameters.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct LinearConstraint {
    /// The relation as written.
    pub op: ConstraintOp,
    /// The left side as written, whitespace removed.
    pub lhs_text: String,
    /// The right side as written, whitespace removed.
    pub rhs_text: String,
    /// `(free-parameter index, coefficient)`, by index, without zeros; empty when the
    /// constraint involves no free parameter (it then holds, or the model is refused).
    pub terms: Vec<(usize, f64)>,
    /// The constant `w₀` of the form.
    pub constant: f64,
    /// Where the constraint is written.
    pub position: Position,
}

impl LinearConstraint {
    /// Whether this is an equality (`==`).
    pub fn is_equality(&self) -> bool {
        self.op == ConstraintOp::Equal
    }

    /// The form `f(θ)` (zero for a satisfied equality, at least zero for an inequality).
    pub fn value(&self, theta: &[f64]) -> f64 {
        self.constant + self.terms.iter().map(|&(k, w)| w * theta[k]).sum::<f64>()
    }

    /// lavaan's name of the form in its "Constraints" section: `lhs - (rhs)` (`rhs - (lhs)`
    /// for `<`), `lhs - 0` when the right side is `0`.
    pub fn form_text(&self) -> String {
        match (self.op, self.rhs_text.as_str()) {
            (ConstraintOp::Less, _) => format!("{} - ({})", self.rhs_text, self.lhs_text),
            (_, "0") => format!("{} - 0", self.lhs_text),
            _ => format!("{} - ({})", self.lhs_text, self.rhs_text),
        }
    }

    /// The constraint as written (`a+b == 1`).
    pub fn written(&self) -> String {
        format!("{} {} {}", self.lhs_text, self.op, self.rhs_text)
    }
}
