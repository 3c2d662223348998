//! The parameter table of a fit with ordered variables, from the model's ML table:
//! lavaan's rows for the delta parameterization. The residual variances of the ordered
//! variables are no longer parameters (each is 1 − the variance the model explains, so
//! that every latent response has variance 1); every ordered variable gets its thresholds
//! (`x | t1`, …, free), its scaling factor (`x ~*~ x`, fixed 1) and its intercept
//! (`x ~1`, fixed 0); latent means are fixed 0.

use super::super::error::SemError;
use super::super::op::Op;
use super::super::partable::{ParameterRow, ParameterTable};

/// The WLSMV table and how its parameters map to the ML table's.
#[derive(Debug, Clone)]
pub(crate) struct OrderedTable {
    /// The table of the fit (what `parameter_estimates()` lists).
    pub table: ParameterTable,
    /// For every free parameter of the ML table: its index among the WLSMV free
    /// parameters, or `None` for a residual variance of an ordered variable.
    pub ml_to_w: Vec<Option<usize>>,
    /// The ML free index of the residual variance of each observed variable.
    pub resvar_ml: Vec<usize>,
    /// The WLSMV free index of every threshold, variable by variable.
    pub threshold_w: Vec<usize>,
    /// For every row of the ML table, its row in the WLSMV table.
    pub row_of_ml: Vec<usize>,
    /// The rows of the residual variances of the observed variables in the WLSMV table.
    pub resvar_rows: Vec<usize>,
}

/// Builds the WLSMV table. `thresholds` gives, per observed variable (the ML table's
/// order), its number of thresholds.
pub(crate) fn ordered_table(
    ml: &ParameterTable,
    thresholds: &[usize],
) -> Result<OrderedTable, SemError> {
    if !ml.constraints.is_empty() {
        // The DWLS optimiser works on its own free parameters and has no active set: a
        // constraint dropped here would be a different model reported as the asked one.
        return Err(SemError::OrderedUnsupported {
            what: format!(
                "{} general constraint(s) (such as `a == 2*b` or `a > 0`) with ordered variables",
                ml.constraints.len()
            ),
            reason: "WLSMV supports simple equalities through shared labels (`a == b`); fit the constraints with continuous indicators or rewrite them as shared labels",
        });
    }
    let observed = ml.observed();
    let rows = ml.rows();
    // The residual variance row of every observed variable: free, and not tied to
    // anything else by a label.
    let mut resvar_row = Vec::with_capacity(observed.len());
    let mut resvar_ml = Vec::with_capacity(observed.len());
    for name in observed {
        let found = rows
            .iter()
            .position(|r| r.op == Op::Covariance && r.lhs == *name && r.rhs == *name);
        let Some(r) = found else {
            return Err(SemError::OrderedUnsupported {
                what: format!("ordered variable {name:?} has no residual variance in the model"),
                reason: "under the delta parameterization it is 1 minus the explained variance; keep auto_var on",
            });
        };
        let Some(k) = rows[r].free else {
            return Err(SemError::OrderedUnsupported {
                what: format!("the residual variance of ordered variable {name:?} is fixed"),
                reason: "under the delta parameterization it is 1 minus the explained variance, not a parameter; remove the fixed value",
            });
        };
        if rows.iter().filter(|x| x.free == Some(k)).count() > 1 {
            return Err(SemError::OrderedUnsupported {
                what: format!("the residual variance of ordered variable {name:?} is labelled or constrained"),
                reason: "under the delta parameterization it is 1 minus the explained variance, not a parameter; remove the label",
            });
        }
        resvar_row.push(r);
        resvar_ml.push(k);
    }
    // Row order: the user's rows, the thresholds, the other rows, the scaling factors,
    // the intercepts of the observed and the means of the latent variables, the defined
    // parameters (lavaan's order).
    let n_user = rows
        .iter()
        .position(|r| !r.user || r.op == Op::Defined)
        .unwrap_or(rows.len());
    let first_defined = rows
        .iter()
        .position(|r| r.op == Op::Defined)
        .unwrap_or(rows.len());
    enum Source {
        Ml(usize),
        Threshold(usize, usize),
        Fixed(ParameterRow),
    }
    let fixed_row = |lhs: &str, op: Op, rhs: &str, value: f64| {
        Source::Fixed(ParameterRow {
            lhs: lhs.to_string(),
            op,
            rhs: rhs.to_string(),
            label: String::new(),
            group: String::new(),
            user: false,
            free: None,
            exo: false,
            fixed: Some(value),
            start: None,
        })
    };
    let mut order: Vec<Source> = (0..n_user).map(Source::Ml).collect();
    for (i, &t) in thresholds.iter().enumerate() {
        order.extend((0..t).map(|k| Source::Threshold(i, k)));
    }
    order.extend((n_user..first_defined).map(Source::Ml));
    for name in observed {
        order.push(fixed_row(name, Op::Scaling, name, 1.0));
    }
    for name in observed {
        order.push(fixed_row(name, Op::Intercept, "", 0.0));
    }
    for name in ml.latent() {
        order.push(fixed_row(name, Op::Intercept, "", 0.0));
    }
    order.extend((first_defined..rows.len()).map(Source::Ml));

    let mut ml_to_w: Vec<Option<usize>> = vec![None; ml.n_free()];
    let mut threshold_w = Vec::new();
    let mut row_of_ml = vec![0; rows.len()];
    let mut resvar_rows = vec![0; observed.len()];
    let mut next = 0;
    let mut out = Vec::with_capacity(order.len());
    for source in order {
        let row = match source {
            Source::Ml(r) => {
                let mut row = rows[r].clone();
                row_of_ml[r] = out.len();
                if let Some(i) = resvar_row.iter().position(|&x| x == r) {
                    resvar_rows[i] = out.len();
                    row.free = None;
                    row.fixed = Some(f64::NAN);
                } else if let Some(k) = row.free {
                    let w = *ml_to_w[k].get_or_insert_with(|| {
                        next += 1;
                        next - 1
                    });
                    row.free = Some(w);
                }
                row
            }
            Source::Threshold(i, k) => {
                threshold_w.push(next);
                next += 1;
                ParameterRow {
                    lhs: observed[i].clone(),
                    op: Op::Threshold,
                    rhs: format!("t{}", k + 1),
                    label: String::new(),
                    group: String::new(),
                    user: false,
                    free: Some(next - 1),
                    exo: false,
                    fixed: None,
                    start: None,
                }
            }
            Source::Fixed(row) => row,
        };
        out.push(row);
    }
    let table = ParameterTable {
        rows: out,
        observed: ml.observed.clone(),
        latent: ml.latent.clone(),
        ov_x: Vec::new(),
        n_free: next,
        meanstructure: true,
        definitions: ml.definitions.clone(),
        positions: ml.positions.clone(),
        groups: Vec::new(),
        constraints: Vec::new(),
    };
    Ok(OrderedTable {
        table,
        ml_to_w,
        resvar_ml,
        threshold_w,
        row_of_ml,
        resvar_rows,
    })
}
