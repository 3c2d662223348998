//! Standard errors, Wald tests, confidence intervals and defined parameters.
//!
//! The covariance of the free parameters is the inverse information. For a defined
//! parameter `d = f(θ)` the delta method gives `var(d) = J V J'` with the exact gradient `J`
//! of the expression (forward-mode differentiation).

use std::collections::HashMap;

use nalgebra::DMatrix;

use super::distributions::{qnorm, two_sided_p};
use super::expr::Dual;
use super::op::Op;
use super::partable::ParameterTable;

/// What a label stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LabelValue {
    Free(usize),
    Fixed(f64),
    /// A row whose value depends on the data (exogenous moment): its row index.
    Row(usize),
}

/// Labels of the table, and the defined parameters in order.
#[derive(Debug, Clone)]
pub(crate) struct LabelMap {
    pub labels: HashMap<String, LabelValue>,
    /// Row indices of labelled rows (first occurrence).
    pub label_rows: HashMap<String, usize>,
    pub defined_rows: Vec<usize>,
}

impl LabelMap {
    pub fn new(table: &ParameterTable) -> LabelMap {
        let mut labels = HashMap::new();
        let mut label_rows = HashMap::new();
        let mut defined_rows = Vec::new();
        for (k, r) in table.rows().iter().enumerate() {
            if r.op == Op::Defined {
                defined_rows.push(k);
                continue;
            }
            if r.label.is_empty() || labels.contains_key(&r.label) {
                continue;
            }
            let v = match (r.free, r.fixed) {
                (Some(i), _) => LabelValue::Free(i),
                (None, Some(v)) => LabelValue::Fixed(v),
                (None, None) => LabelValue::Row(k),
            };
            labels.insert(r.label.clone(), v);
            label_rows.insert(r.label.clone(), k);
        }
        LabelMap {
            labels,
            label_rows,
            defined_rows,
        }
    }

    /// Values of the defined parameters at `theta` (`row_values` for data-dependent rows).
    pub fn defined_values(
        &self,
        table: &ParameterTable,
        theta: &[f64],
        row_values: &[f64],
    ) -> Vec<f64> {
        let mut done: HashMap<&str, f64> = HashMap::new();
        let defs = &table.definitions;
        let mut out = Vec::with_capacity(defs.len());
        for d in defs {
            let v = d
                .expr
                .eval(&|name: &str| {
                    if let Some(v) = done.get(name) {
                        return Some(*v);
                    }
                    match self.labels.get(name)? {
                        LabelValue::Free(i) => Some(theta[*i]),
                        LabelValue::Fixed(v) => Some(*v),
                        LabelValue::Row(k) => Some(row_values[*k]),
                    }
                })
                .unwrap_or(f64::NAN);
            done.insert(&d.name, v);
            out.push(v);
        }
        out
    }

    /// Values and Jacobian (definitions × free parameters) of the defined parameters, where
    /// each label's value and gradient come from `label_value`.
    pub fn defined_with_jacobian(
        &self,
        table: &ParameterTable,
        q: usize,
        label_value: &dyn Fn(&str) -> Option<Dual>,
    ) -> (Vec<f64>, DMatrix<f64>) {
        let defs = &table.definitions;
        let mut done: HashMap<String, (f64, Vec<f64>)> = HashMap::new();
        let mut vals = Vec::with_capacity(defs.len());
        let mut jac = DMatrix::zeros(defs.len(), q);
        for (i, d) in defs.iter().enumerate() {
            let (v, g) = d
                .expr
                .eval_grad(
                    &|name: &str| done.get(name).cloned().or_else(|| label_value(name)),
                    q,
                )
                .unwrap_or((f64::NAN, vec![f64::NAN; q]));
            for (j, gj) in g.iter().enumerate() {
                jac[(i, j)] = *gj;
            }
            vals.push(v);
            done.insert(d.name.clone(), (v, g));
        }
        (vals, jac)
    }
}

/// Inverse of a symmetric positive-definite matrix, or `None`.
pub(crate) fn spd_inverse(h: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    if h.nrows() == 0 {
        return Some(DMatrix::zeros(0, 0));
    }
    let inv = super::linalg::Chol::new(h)?.inverse();
    inv.iter().all(|v| v.is_finite()).then_some(inv)
}

/// `J V J'`.
pub(crate) fn sandwich(j: &DMatrix<f64>, v: &DMatrix<f64>) -> DMatrix<f64> {
    j * v * j.transpose()
}

/// z, p and CI of an estimate with standard error `se` (lavaan: SEs below √ε count as 0).
pub(crate) fn wald(
    est: f64,
    se: Option<f64>,
    level: f64,
) -> (Option<f64>, Option<f64>, f64, f64, Option<f64>) {
    let zc = qnorm(1.0 - (1.0 - level) / 2.0);
    match se {
        Some(s) if s.is_finite() && s > f64::EPSILON.sqrt() => {
            let z = est / s;
            (
                Some(z),
                Some(two_sided_p(z)),
                est - zc * s,
                est + zc * s,
                Some(s),
            )
        }
        Some(s) if s.is_finite() => (None, None, est, est, Some(0.0)),
        _ => (None, None, f64::NAN, f64::NAN, None),
    }
}
