//! The parameter table of a WLSMV fit by group: lavaan's rows in every group (the user's
//! rows, the thresholds, the other rows, the scaling factors, the intercepts, the latent
//! means; the defined parameters last), the numbering of the free parameters with the ties
//! across groups, and the fitted values laid out on it (`joint.rs` fits the model).

use nalgebra::DMatrix;

use super::super::op::Op;
use super::super::options::{SeMethod, SemOptions};
use super::super::partable::{ParameterRow, ParameterTable};
use super::super::results::SemFit;
use super::joint_eval::{Eval, GroupEval};
use super::{
    fixed_estimate, fixed_residual_variance, fixed_standardized, free_estimate, standardized_row,
};

/// Where a row of the WLSMV table comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Source {
    /// A row of the ML table, as it is.
    Ml(usize),
    /// The residual variance of an ordered variable (ML row r): `1/Δ² −` the
    /// explained variance, not a parameter.
    ResidualVariance(usize),
    /// The intercept of an ordered variable (ML row r): fixed at 0.
    Intercept,
    /// Threshold t of group g.
    Threshold(usize, usize),
    /// The scaling factor of variable j in group g.
    Scale(usize, usize),
}

/// The WLSMV table of every group and how its parameters map to the ML table's.
pub(super) struct Layout {
    pub(super) table: ParameterTable,
    pub(super) sources: Vec<Source>,
    /// Every ML free parameter's WLSMV index (`None`: not a parameter here).
    pub(super) ml_to_w: Vec<Option<usize>>,
}

/// Lays the rows out as lavaan does in every group (the user's rows, the thresholds, the
/// other rows, the scaling factors, the intercepts, the latent means; the defined
/// parameters last), numbers the free parameters in row order with ties sharing one, and
/// fills each group's threshold and scaling-factor indices.
pub(super) fn layout(
    ml: &ParameterTable,
    groups: &mut [GroupEval],
    counts: &[Vec<usize>],
    th_equal: bool,
    th_partial: &[super::super::group_equal::ParameterId],
) -> Layout {
    let rows = ml.rows();
    let observed = ml.observed();
    let mut b = Builder {
        rows,
        observed,
        ml_to_w: vec![None; ml.n_free()],
        next: 0,
        out: Vec::new(),
        sources: Vec::new(),
    };
    let mut first_th: Vec<(usize, usize)> = Vec::new();
    for (gi, g) in groups.iter_mut().enumerate() {
        let in_group: Vec<usize> = (0..rows.len())
            .filter(|&r| rows[r].group == g.label && rows[r].op != Op::Defined)
            .collect();
        for &r in in_group.iter().filter(|&&r| rows[r].user) {
            b.push_ml(r, &g.resvar_ml);
        }
        g.th_w.clear();
        let mut t = 0;
        for (j, name) in observed.iter().enumerate() {
            for k in 0..counts[gi][j] {
                let rhs = format!("t{}", k + 1);
                let tied = gi > 0
                    && th_equal
                    && !th_partial
                        .iter()
                        .any(|p| p.matches(name, Op::Threshold, &rhs));
                let (w, label) = if tied {
                    let (w, first) = first_th[t];
                    let label = format!(".p{}.", first + 1);
                    b.out[first].label.clone_from(&label);
                    (w, label)
                } else {
                    (b.fresh(), String::new())
                };
                if gi == 0 {
                    first_th.push((w, b.out.len()));
                }
                g.th_w.push(w);
                b.out.push(ParameterRow {
                    lhs: name.clone(),
                    op: Op::Threshold,
                    rhs,
                    label,
                    group: g.label.clone(),
                    user: false,
                    free: Some(w),
                    exo: false,
                    fixed: None,
                    start: None,
                });
                b.sources.push(Source::Threshold(gi, t));
                t += 1;
            }
        }
        for &r in in_group
            .iter()
            .filter(|&&r| !rows[r].user && rows[r].op != Op::Intercept)
        {
            b.push_ml(r, &g.resvar_ml);
        }
        // Scaling factors: free in groups 2+ when thresholds are held equal.
        g.scale_w.clear();
        for (j, name) in observed.iter().enumerate() {
            let free = (gi > 0 && th_equal).then(|| b.fresh());
            g.scale_w.push(free);
            b.out.push(ParameterRow {
                lhs: name.clone(),
                op: Op::Scaling,
                rhs: name.clone(),
                label: String::new(),
                group: g.label.clone(),
                user: false,
                free,
                exo: false,
                fixed: free.is_none().then_some(1.0),
                start: None,
            });
            b.sources.push(Source::Scale(gi, j));
        }
        // The intercepts of the observed variables, then the latent means.
        for observed_first in [true, false] {
            let picked: Vec<usize> = in_group
                .iter()
                .copied()
                .filter(|&r| {
                    !rows[r].user
                        && rows[r].op == Op::Intercept
                        && observed.contains(&rows[r].lhs) == observed_first
                })
                .collect();
            for r in picked {
                b.push_ml(r, &g.resvar_ml);
            }
        }
    }
    for (r, row) in rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.op == Op::Defined)
    {
        b.out.push(row.clone());
        b.sources.push(Source::Ml(r));
    }
    let Builder {
        mut out,
        sources,
        ml_to_w,
        next,
        ..
    } = b;
    // lavaan's `.pN.` labels of the sets group_equal made name the first row of the set,
    // now in this table.
    let mut first_row: Vec<Option<usize>> = vec![None; next];
    for (k, row) in out.iter().enumerate() {
        if let Some(w) = row.free {
            first_row[w].get_or_insert(k);
        }
    }
    for row in out.iter_mut() {
        if row.label.starts_with(".p") && row.label.ends_with('.') {
            if let Some(Some(k)) = row.free.map(|w| first_row[w]) {
                row.label = format!(".p{}.", k + 1);
            }
        }
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
        groups: ml.groups.clone(),
        constraints: Vec::new(),
    };
    Layout {
        table,
        sources,
        ml_to_w,
    }
}

/// The WLSMV rows as they are laid out, with the free-parameter numbering.
struct Builder<'a> {
    rows: &'a [ParameterRow],
    observed: &'a [String],
    ml_to_w: Vec<Option<usize>>,
    next: usize,
    out: Vec<ParameterRow>,
    sources: Vec<Source>,
}

impl Builder<'_> {
    fn fresh(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    fn is_observed(&self, name: &str) -> bool {
        self.observed.iter().any(|o| o == name)
    }

    /// Adds ML row `r` of a group whose ordered variables' residual variances are the ML
    /// parameters `resvar_ml`.
    fn push_ml(&mut self, r: usize, resvar_ml: &[usize]) {
        let mut row = self.rows[r].clone();
        let resvar = (row.op == Op::Covariance && row.lhs == row.rhs)
            .then(|| self.observed.iter().position(|o| *o == row.lhs))
            .flatten()
            .filter(|&j| row.free == Some(resvar_ml[j]));
        if resvar.is_some() {
            row.free = None;
            row.fixed = Some(f64::NAN);
            self.sources.push(Source::ResidualVariance(r));
        } else if row.op == Op::Intercept && self.is_observed(&row.lhs) {
            row.free = None;
            row.fixed = Some(0.0);
            row.label.clear();
            self.sources.push(Source::Intercept);
        } else {
            if let Some(k) = row.free {
                let w = match self.ml_to_w[k] {
                    Some(w) => w,
                    None => {
                        let w = self.fresh();
                        self.ml_to_w[k] = Some(w);
                        w
                    }
                };
                row.free = Some(w);
            }
            self.sources.push(Source::Ml(r));
        }
        self.out.push(row);
    }
}

/// Lays the assembled ML fit out on the WLSMV table: the thresholds and scaling factors
/// with their estimates and standard errors, the residual variances and intercepts of the
/// ordered variables as the fixed values they are.
pub(super) fn relayout(
    mut fit: SemFit,
    layout: &Layout,
    groups: &[GroupEval],
    evals: &[Eval],
    theta: Vec<f64>,
    vcov: Option<DMatrix<f64>>,
    options: &SemOptions,
) -> SemFit {
    let level = options.level;
    let no_se = options.se == SeMethod::None;
    let rows = layout.table.rows();
    let mut table = layout.table.clone();
    let mut estimates = Vec::with_capacity(rows.len());
    let mut standardized = Vec::with_capacity(rows.len());
    let mut standardized_lv = Vec::with_capacity(rows.len());
    let var = |a: usize, b: usize| vcov.as_ref().filter(|_| !no_se).map(|v| v[(a, b)]);
    for (r, (row, source)) in rows.iter().zip(&layout.sources).enumerate() {
        match *source {
            Source::Ml(ml) => {
                let mut e = fit.estimates[ml].clone();
                e.free = row.free;
                e.label.clone_from(&row.label);
                estimates.push(e);
                let mut s = fit.standardized[ml].clone();
                s.label.clone_from(&row.label);
                standardized.push(s);
                let mut s = fit.standardized_lv[ml].clone();
                s.label.clone_from(&row.label);
                standardized_lv.push(s);
            }
            Source::ResidualVariance(ml) => {
                let src = &fit.estimates[ml];
                table.rows[r].fixed = Some(src.est);
                estimates.push(fixed_residual_variance(row, src, no_se));
                standardized.push(fit.standardized[ml].clone());
                standardized_lv.push(fit.standardized_lv[ml].clone());
            }
            Source::Intercept => {
                estimates.push(fixed_estimate(row, 0.0, no_se));
                standardized.push(fixed_standardized(row, 0.0));
                standardized_lv.push(fixed_standardized(row, 0.0));
            }
            Source::Threshold(g, t) => {
                let w = groups[g].th_w[t];
                let j = groups[g].item_of_th[t];
                let dj = evals[g].delta[j];
                let est = theta[w];
                // The latent response has standard deviation 1/Δ: the standardised
                // threshold is τΔ, its variance by the delta method (std.lv leaves the
                // observed variables' scale alone).
                let std = est * dj;
                let se = var(w, w).map(|v| v.max(0.0).sqrt());
                let std_se = match groups[g].scale_w[j] {
                    Some(s) => var(w, w)
                        .zip(var(s, s))
                        .zip(var(w, s))
                        .map(|((vtt, vss), vts)| {
                            (dj * dj * vtt + est * est * vss + 2.0 * dj * est * vts)
                                .max(0.0)
                                .sqrt()
                        }),
                    None => se,
                };
                estimates.push(free_estimate(row, est, se, (est, std), level, no_se));
                standardized.push(standardized_row(row, std, std_se, level));
                standardized_lv.push(standardized_row(row, est, se, level));
            }
            Source::Scale(g, j) => match groups[g].scale_w[j] {
                Some(w) => {
                    // The standardised latent response has scaling factor 1, as lavaan
                    // reports it.
                    let est = theta[w];
                    let se = var(w, w).map(|v| v.max(0.0).sqrt());
                    estimates.push(free_estimate(row, est, se, (est, 1.0), level, no_se));
                    standardized.push(fixed_standardized(row, 1.0));
                    standardized_lv.push(standardized_row(row, est, se, level));
                }
                None => {
                    estimates.push(fixed_estimate(row, 1.0, no_se));
                    standardized.push(fixed_standardized(row, 1.0));
                    standardized_lv.push(fixed_standardized(row, 1.0));
                }
            },
        }
    }
    fit.estimates = estimates;
    fit.standardized = standardized;
    fit.standardized_lv = standardized_lv;
    fit.table = table;
    fit.theta = theta;
    fit.vcov = vcov;
    fit
}
