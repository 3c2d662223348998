//! Standardised solutions (`std.lv`, `std.all`, `std.nox`) and their Jacobian.
//!
//! With implied variances `φ_v = Φ_vv` and residual variances `ψ_v = S_vv`:
//! a path `A_ij` (loading or regression) becomes `A_ij sd_j / sd_i`; a variance `S_ii`
//! becomes `S_ii / φ_i`; a covariance `S_ij` becomes `S_ij / √(|ψ_i ψ_j|)` (a residual
//! correlation, lavaan's `cov.std = TRUE`); an intercept `m_i` becomes `m_i / sd_i`.
//! `std.lv` uses sd = 1 for observed variables, `std.nox` for fixed covariates. Defined
//! parameters are their expression evaluated at the standardised labelled values.
//! The Jacobian uses `∂φ_v/∂A_ij = 2 G_vi Φ_jv` and `∂φ_v/∂S_ij = 2 G_vi G_vj` (`G_vi²` on
//! the diagonal), so standardised standard errors need no numerical differentiation.

use nalgebra::DMatrix;

use super::inference::LabelMap;
use super::partable::ParameterTable;
use super::ram::{Compiled, RamMatrices, Slot};

/// Standardised values of every table row and the Jacobian of `std.all`.
pub(crate) struct Standardized {
    pub std_lv: Vec<f64>,
    pub std_all: Vec<f64>,
    pub std_nox: Vec<f64>,
    /// Jacobian of `std.all` (rows × free parameters).
    pub jac_all: DMatrix<f64>,
    /// Jacobian of `std.lv`.
    pub jac_lv: DMatrix<f64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Lv,
    All,
    Nox,
}

pub(crate) fn standardize(c: &Compiled, ram: &RamMatrices, labels: &LabelMap) -> Standardized {
    let (n, p, q) = (c.n, c.p, c.q());
    let nrows = c.table.rows().len();
    let phi_d: Vec<f64> = (0..n).map(|v| ram.phi[(v, v)]).collect();
    // dφ_v/dθ_a
    let mut dphi = DMatrix::<f64>::zeros(n, q);
    for (a, slots) in c.free_slots.iter().enumerate() {
        for &s in slots {
            match s {
                Slot::A(i, j) => {
                    for v in 0..n {
                        dphi[(v, a)] += 2.0 * ram.g[(v, i)] * ram.phi[(j, v)];
                    }
                }
                Slot::S(i, j) => {
                    let f = if i == j { 1.0 } else { 2.0 };
                    for v in 0..n {
                        dphi[(v, a)] += f * ram.g[(v, i)] * ram.g[(v, j)];
                    }
                }
                Slot::M(_) => {}
            }
        }
    }
    let is_x = |v: usize| c.x_idx.contains(&v);
    let scaled = |kind: Kind, v: usize| match kind {
        Kind::All => true,
        Kind::Lv => v >= p,
        Kind::Nox => !is_x(v),
    };
    let sd = |kind: Kind, v: usize| {
        if scaled(kind, v) {
            phi_d[v].abs().sqrt()
        } else {
            1.0
        }
    };
    let rsd = |kind: Kind, v: usize| {
        if scaled(kind, v) {
            ram.s[(v, v)].abs().sqrt()
        } else {
            1.0
        }
    };
    let mut std_lv = vec![f64::NAN; nrows];
    let mut std_all = vec![f64::NAN; nrows];
    let mut std_nox = vec![f64::NAN; nrows];
    // d(sd_v)/dθ_a = dφ_v / (2 sd_v); d(rsd_v)/dθ_a = sign(S_vv) [S_vv slot in a] / (2 rsd_v)
    let mut var_param = vec![usize::MAX; n];
    for (a, slots) in c.free_slots.iter().enumerate() {
        for s in slots {
            if let Slot::S(i, j) = s {
                if i == j {
                    var_param[*i] = a;
                }
            }
        }
    }
    let s_index =
        |v: usize| -> Option<usize> { (var_param[v] != usize::MAX).then_some(var_param[v]) };
    for (r, _) in c.table.rows().iter().enumerate() {
        let Some(slot) = c.row_slot[r] else { continue };
        let est = c.row_value(r, ram);
        let value = |kind: Kind| -> f64 {
            match slot {
                Slot::A(i, j) => est * sd(kind, j) / sd(kind, i),
                Slot::S(i, j) if i == j => est / (sd(kind, i) * sd(kind, i)),
                Slot::S(i, j) => est / (rsd(kind, i) * rsd(kind, j)),
                Slot::M(i) => est / sd(kind, i),
            }
        };
        std_lv[r] = value(Kind::Lv);
        std_all[r] = value(Kind::All);
        std_nox[r] = value(Kind::Nox);
    }
    // Jacobian of a standardised solution: the estimate's own derivative times the scale,
    // plus the value times the log-derivative of the scale.
    // Parameters of other groups (a multiple-group view) move nothing here.
    let active: Vec<usize> = (0..q).filter(|&a| !c.free_slots[a].is_empty()).collect();
    let jacobian = |kind: Kind, values: &[f64]| -> DMatrix<f64> {
        let mut jac = DMatrix::<f64>::zeros(nrows, q);
        for (r, row) in c.table.rows().iter().enumerate() {
            let Some(slot) = c.row_slot[r] else { continue };
            let v = values[r];
            for &a in &active {
                let mut d = 0.0;
                if row.free == Some(a) {
                    d += match slot {
                        Slot::A(i, j) => sd(kind, j) / sd(kind, i),
                        Slot::S(i, j) if i == j => 1.0 / (sd(kind, i) * sd(kind, i)),
                        Slot::S(i, j) => 1.0 / (rsd(kind, i) * rsd(kind, j)),
                        Slot::M(i) => 1.0 / sd(kind, i),
                    };
                }
                let dlog_sd = |u: usize| {
                    if scaled(kind, u) {
                        dphi[(u, a)] / (2.0 * phi_d[u])
                    } else {
                        0.0
                    }
                };
                let dlog_rsd = |u: usize| -> f64 {
                    if scaled(kind, u) && s_index(u) == Some(a) {
                        1.0 / (2.0 * ram.s[(u, u)])
                    } else {
                        0.0
                    }
                };
                d += v * match slot {
                    Slot::A(i, j) => dlog_sd(j) - dlog_sd(i),
                    Slot::S(i, j) if i == j => -2.0 * dlog_sd(i),
                    Slot::S(i, j) => -dlog_rsd(i) - dlog_rsd(j),
                    Slot::M(i) => -dlog_sd(i),
                };
                jac[(r, a)] = d;
            }
        }
        jac
    };
    let jac_all = jacobian(Kind::All, &std_all);
    let jac_lv = jacobian(Kind::Lv, &std_lv);
    let mut st = Standardized {
        std_lv,
        std_all,
        std_nox,
        jac_all,
        jac_lv,
    };
    standardize_defined(&c.table, labels, q, &mut st);
    st
}

/// The defined parameters of `table` in standardised solutions whose other rows are
/// filled: each expression at the standardised labelled values (and its Jacobian).
pub(crate) fn standardize_defined(
    table: &ParameterTable,
    labels: &LabelMap,
    q: usize,
    st: &mut Standardized,
) {
    if labels.defined_rows.is_empty() {
        return;
    }
    let vals = eval_std(table, labels, &st.std_nox);
    for (k, &row) in labels.defined_rows.iter().enumerate() {
        st.std_nox[row] = vals[k];
    }
    for (values, jac) in [
        (&mut st.std_all, &mut st.jac_all),
        (&mut st.std_lv, &mut st.jac_lv),
    ] {
        let label_value = |name: &str| -> Option<(f64, Vec<f64>)> {
            let row = *labels.label_rows.get(name)?;
            Some((values[row], jac.row(row).iter().copied().collect()))
        };
        let (vals, j) = labels.defined_with_jacobian(table, q, &label_value);
        for (k, &row) in labels.defined_rows.iter().enumerate() {
            values[row] = vals[k];
            for a in 0..q {
                jac[(row, a)] = j[(k, a)];
            }
        }
    }
}

/// Defined parameters evaluated at standardised row values.
fn eval_std(table: &ParameterTable, labels: &LabelMap, row_std: &[f64]) -> Vec<f64> {
    let mut done: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for d in &table.definitions {
        let v = d
            .expr
            .eval(&|name: &str| {
                if let Some(v) = done.get(name) {
                    return Some(*v);
                }
                labels.label_rows.get(name).map(|&r| row_std[r])
            })
            .unwrap_or(f64::NAN);
        done.insert(&d.name, v);
        out.push(v);
    }
    out
}
