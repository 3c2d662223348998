//! WLSMV with groups: lavaan's `cfa(..., ordered = ..., group = "g", group.equal = ...)`
//! (delta parameterization), the configural model or with thresholds, loadings or any
//! other parameter held equal across groups (`group_equal`, labels, `group_partial`).
//!
//! Every group keeps its own first step (thresholds, polychoric correlations and Γ from
//! its rows); the model is fitted to all groups at once by minimising lavaan's
//! `F = Σ_g (N_g − 1)/N · Σ_k w_gk (s_gk − σ_gk(θ))²` over one parameter vector. In group g
//! the model's thresholds and correlations are
//!
//! ```text
//! τ*_jk = Δ_j (τ_jk − μ*_j),     ρ*_ij = Δ_i Δ_j Σ*_ij,
//! ```
//!
//! with Δ_j the scaling factor (`x ~*~ x`), μ* = Λ(I − B)⁻¹α the means of the latent
//! responses and Σ* their covariance (the residual variances of the ordered variables
//! are `1/Δ_j² −` the explained variance and do not enter the correlations). With
//! thresholds held equal (lavaan: `thresholds` and `intercepts` imply each other when the
//! variables are ordered) the scaling factors and latent means are free in every group
//! but the first. The standard errors and the test are in `joint_infer.rs`; formulas in
//! `docs/methods/sem.md` §17.

use nalgebra::{DMatrix, DVector};

use super::super::assemble::Assembly;
use super::super::error::{SemError, SemWarning};
use super::super::group_assemble::{assemble_groups, GroupPart};
use super::super::group_equal::GroupEqual;
use super::super::group_prepare::group_view;
use super::super::model::Model;
use super::super::op::Op;
use super::super::optim::fisher_scoring;
use super::super::options::{Estimator, SeMethod, SemOptions};
use super::super::partable::ParameterTable;
use super::super::prepare::Moments;
use super::super::ram::{Compiled, ExoMoments, RamMatrices};
use super::super::results::SemFit;
use super::super::start::start_values;
use super::super::wls_diff::{Kept, WlsParts};
use super::group_test::test_over_groups;
use super::joint_eval::{GroupEval, Joint};
use super::joint_infer::{infer_joint, GroupInputs};
use super::joint_table::{layout, relayout};
use super::{check_compiled, refuse_model};
use crate::data::Table;
use crate::ordinal::{two_step, LavCorOptions, Ordered};

/// Fits `model` to the groups `order` (row r's group is `labels[r]`) with the parameters
/// the options and labels tie shared.
pub(crate) fn fit_joint(
    model: &Model,
    data: &Table,
    labels: &[Option<String>],
    order: &[&str],
    options: &SemOptions,
) -> Result<SemFit, SemError> {
    refuse_model(model, data, options)?;
    let eq = &options.group_equal;
    // lavaan: with ordered variables `intercepts` and `thresholds` imply each other; the
    // residual variances are not parameters under the delta parameterization.
    let th_equal = eq.contains(&GroupEqual::Thresholds) || eq.contains(&GroupEqual::Intercepts);
    let mut ml = options.clone();
    ml.estimator = Estimator::Ml;
    ml.ordered = Ordered::None;
    ml.group_equal = eq
        .iter()
        .copied()
        .filter(|k| {
            !matches!(
                k,
                GroupEqual::Thresholds | GroupEqual::Intercepts | GroupEqual::Residuals
            )
        })
        .collect();
    if th_equal {
        ml.group_equal.push(GroupEqual::Thresholds);
    }
    let th_partial: Vec<_> = options
        .group_partial
        .iter()
        .filter(|p| p.op() == Op::Threshold)
        .cloned()
        .collect();
    ml.group_partial.retain(|p| p.op() != Op::Threshold);
    let group_labels: Vec<String> = order.iter().map(|s| s.to_string()).collect();
    let table = ParameterTable::build_groups(model, &ml, &group_labels)?;
    if let Some(p) = ml
        .group_partial
        .iter()
        .find(|p| p.op() == Op::Intercept && table.observed().iter().any(|o| o == p.lhs()))
    {
        return Err(SemError::InvalidOption {
            option: "group_partial",
            value: super::super::error::quoted(&p.to_string()),
            allowed: "the intercepts of ordered variables are fixed at 0; free their thresholds (x | t1, x | t2, …) instead".into(),
        });
    }
    if !table.constraints.is_empty() {
        return Err(SemError::OrderedUnsupported {
            what: format!(
                "{} general constraint(s) (such as `a == 2*b` or `a > 0`) with ordered variables",
                table.constraints.len()
            ),
            reason: "WLSMV supports simple equalities through shared labels (`a == b`); rewrite the constraints as shared labels",
        });
    }
    let q_ml = table.n_free();
    let observed = table.observed().to_vec();
    let p = observed.len();
    let pairs: Vec<(usize, usize)> = (0..p)
        .flat_map(|j| (j + 1..p).map(move |i| (i, j)))
        .collect();
    let lc = LavCorOptions::builder()
        .variables(observed.iter().cloned())
        .ordered(Ordered::All)
        .build()?;
    let names = data.names().to_vec();
    let mut warnings = Vec::new();
    let no_group = labels.iter().filter(|l| l.is_none()).count();
    if no_group > 0 {
        warnings.push(SemWarning::RowsDropped {
            dropped: no_group,
            reason: format!(
                "rows with no value in the group column {:?}",
                options.group.as_deref().unwrap_or_default()
            ),
        });
    }
    let mut groups: Vec<GroupEval> = Vec::with_capacity(order.len());
    let mut sample_th: Vec<Vec<f64>> = Vec::with_capacity(order.len());
    let mut counts_of: Vec<Vec<usize>> = Vec::with_capacity(order.len());
    for &label in order {
        let in_group = |e: SemError| e.in_group(label);
        let rows: Vec<Vec<Option<f64>>> = (0..data.n_rows())
            .filter(|&r| labels[r].as_deref() == Some(label))
            .map(|r| (0..data.n_cols()).map(|c| data.get(r, c)).collect())
            .collect();
        let n_rows = rows.len();
        let sub = Table::new(names.clone(), rows)?;
        let c = Compiled::new(group_view(&table, label));
        check_compiled(&c, options).map_err(in_group)?;
        let two = two_step(&sub, &lc).map_err(|e| in_group(e.into()))?;
        // The rows the first step used (every model variable answered), kept only for
        // the bootstrap.
        let cols: Vec<usize> = observed
            .iter()
            .map(|v| sub.column_index(v).unwrap_or(0))
            .collect();
        let used: Vec<Vec<f64>> = if options.se == SeMethod::Bootstrap {
            (0..sub.n_rows())
                .filter_map(|r| {
                    cols.iter()
                        .map(|&c| sub.get(r, c))
                        .collect::<Option<Vec<f64>>>()
                })
                .collect()
        } else {
            Vec::new()
        };
        let pc = &two.pc;
        let n = pc.n_used;
        if n <= p {
            return Err(SemError::GroupTooSmall {
                group: label.to_string(),
                n,
                p,
            });
        }
        if n < n_rows {
            warnings.push(SemWarning::InGroup {
                group: label.to_string(),
                warning: Box::new(SemWarning::RowsDropped {
                    dropped: n_rows - n,
                    reason: "listwise deletion of rows with a missing value".into(),
                }),
            });
        }
        warnings.extend(pc.warnings.iter().cloned().map(|w| SemWarning::InGroup {
            group: label.to_string(),
            warning: Box::new(SemWarning::Ordinal(w)),
        }));
        let gamma = two.factor().map_err(|e| in_group(e.into()))?.gamma();
        let w = super::dwls_weights(gamma.diagonal().as_slice())
            .ok_or_else(|| SemError::SingularStructure.in_group(label))?;
        let counts: Vec<usize> = observed
            .iter()
            .map(|v| pc.thresholds.iter().filter(|t| &t.variable == v).count())
            .collect();
        let item_of_th: Vec<usize> = (0..p)
            .flat_map(|j| std::iter::repeat_n(j, counts[j]))
            .collect();
        let nth = item_of_th.len();
        let r = DMatrix::from_row_slice(p, p, &pc.correlations);
        let mut obs: Vec<f64> = pc.thresholds.iter().map(|t| t.value).collect();
        obs.extend(pairs.iter().map(|&(i, j)| r[(i, j)]));
        let offset = table
            .rows()
            .iter()
            .position(|row| row.group == label)
            .unwrap_or(0);
        // Every ordered variable's residual variance: free and its own parameter.
        let mut resvar_ml = Vec::with_capacity(p);
        for name in &observed {
            let found = c
                .table
                .rows()
                .iter()
                .find(|row| row.op == Op::Covariance && row.lhs == *name && row.rhs == *name);
            let k = match found.map(|row| row.free) {
                Some(Some(k)) if table.rows().iter().filter(|x| x.free == Some(k)).count() == 1 => k,
                _ => {
                    return Err(SemError::OrderedUnsupported {
                        what: format!(
                            "the residual variance of ordered variable {name:?} is missing, fixed, labelled or held equal"
                        ),
                        reason: "under the delta parameterization it is 1/Δ² minus the explained variance, not a parameter; leave it to the model",
                    }
                    .in_group(label))
                }
            };
            resvar_ml.push(k);
        }
        sample_th.push(pc.thresholds.iter().map(|t| t.value).collect());
        counts_of.push(counts);
        let nb = c.p_cols.len() + c.q_cols.len();
        groups.push(GroupEval {
            label: label.to_string(),
            rows: DMatrix::from_fn(used.len(), p, |r, j| used[r][j]),
            ram: RamMatrices::new(c.n),
            x: DMatrix::zeros(c.p, nb),
            c,
            offset,
            n,
            nth,
            item_of_th,
            th_w: Vec::new(),
            scale_w: Vec::new(),
            cols: Vec::new(),
            local: Vec::new(),
            th_cols: Vec::new(),
            other: Vec::new(),
            resvar_ml,
            pairs: pairs.clone(),
            obs,
            w,
            gamma,
            r,
        });
    }
    if th_equal && counts_of.iter().any(|c| c != &counts_of[0]) {
        // check_categories makes every category of every group the same; a merged empty
        // category inside one group would still differ.
        return Err(SemError::OrderedUnsupported {
            what: "thresholds held equal across groups whose items have different numbers of categories".into(),
            reason: "every group must use the same categories of each ordered variable; merge sparse categories",
        });
    }
    for tp in &th_partial {
        let known = (0..p).any(|j| {
            (0..counts_of[0][j])
                .any(|k| tp.matches(&observed[j], Op::Threshold, &format!("t{}", k + 1)))
        });
        if !known {
            return Err(SemError::InvalidOption {
                option: "group_partial",
                value: super::super::error::quoted(&tp.to_string()),
                allowed: "group_partial lists parameters of the model; the thresholds of an ordered variable with K categories are t1 … t(K−1)".into(),
            });
        }
    }
    let layout = layout(&table, &mut groups, &counts_of, th_equal, &th_partial);
    let q_w = layout.table.n_free();
    for g in groups.iter_mut() {
        let mut cols: Vec<usize> = g.th_w.to_vec();
        cols.extend(g.scale_w.iter().flatten());
        for (k, plans) in g.c.plan.iter().enumerate() {
            if let (Some(w), false) = (layout.ml_to_w[k], plans.is_empty()) {
                cols.push(w);
            }
        }
        cols.sort_unstable();
        cols.dedup();
        g.local = vec![usize::MAX; q_w];
        for (x, &w) in cols.iter().enumerate() {
            g.local[w] = x;
        }
        g.th_cols = g.th_w.iter().map(|&w| g.local[w]).collect();
        g.other = (0..cols.len()).filter(|x| !g.th_cols.contains(x)).collect();
        g.cols = cols;
    }
    // The start: each group's sample thresholds, scaling factors 1, and the usual
    // starting values of the structure from the group's polychoric matrix.
    let mut theta = vec![f64::NAN; q_w];
    for (g, ge) in groups.iter().enumerate() {
        for (t, &w) in ge.th_w.iter().enumerate() {
            if theta[w].is_nan() {
                theta[w] = sample_th[g][t];
            }
        }
        for w in ge.scale_w.iter().flatten() {
            theta[*w] = 1.0;
        }
        let mo = Moments {
            cov: ge.r.clone(),
            mean: DVector::zeros(p),
            n: ge.n,
        };
        let start = start_values(&ge.c, &mo);
        for (k, plans) in ge.c.plan.iter().enumerate() {
            if let (Some(w), false) = (layout.ml_to_w[k], plans.is_empty()) {
                if theta[w].is_nan() {
                    theta[w] = start[k];
                }
            }
        }
    }
    for v in theta.iter_mut().filter(|v| v.is_nan()) {
        *v = 0.0;
    }
    let m_total: usize = groups.iter().map(|g| g.obs.len()).sum();
    if m_total < q_w {
        return Err(SemError::NegativeDf {
            npar: q_w,
            moments: m_total,
            df: m_total as i64 - q_w as i64,
        });
    }
    let n_total: usize = groups.iter().map(|g| g.n).sum();
    let mut joint = Joint::new(groups, layout.ml_to_w.clone());
    let outcome = fisher_scoring(
        &mut joint,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )?;
    let ml_to_w = joint.ml_to_w.clone();
    let mut evals = Vec::with_capacity(joint.groups.len());
    for g in joint.groups.iter_mut() {
        let label = g.label.clone();
        let ev = g
            .eval(&ml_to_w, &theta, true)
            .ok_or_else(|| SemError::SingularStructure.in_group(&label))?;
        evals.push(ev);
    }
    let groups = joint.groups;
    // The implied correlations and the residuals of every group.
    let mut implied = Vec::with_capacity(groups.len());
    let mut resid = Vec::with_capacity(groups.len());
    for (g, ev) in groups.iter().zip(&evals) {
        let mut pm = DMatrix::identity(p, p);
        for &(i, j) in &g.pairs {
            let v = ev.delta[i] * ev.delta[j] * ev.star[(i, j)];
            pm[(i, j)] = v;
            pm[(j, i)] = v;
        }
        implied.push(pm);
        resid.push(
            g.obs
                .iter()
                .zip(&ev.sigma)
                .map(|(s, m)| s - m)
                .collect::<Vec<f64>>(),
        );
    }
    let inputs: Vec<GroupInputs> = groups
        .iter()
        .zip(&evals)
        .enumerate()
        .map(|(k, (g, ev))| GroupInputs {
            n: g.n,
            nth: g.nth,
            jac: &ev.jac,
            cols: &g.cols,
            w: &g.w,
            gamma: &g.gamma,
            obs: &g.obs,
            resid: &resid[k],
            r: &g.r,
            implied: &implied[k],
            pairs: &g.pairs,
        })
        .collect();
    // catML sets the thresholds and means aside and keeps every other parameter.
    let mut kept = vec![false; q_w];
    for row in layout.table.rows() {
        if let (Some(w), false) = (row.free, matches!(row.op, Op::Threshold | Op::Intercept)) {
            kept[w] = true;
        }
    }
    let out = infer_joint(&inputs, q_w, kept.iter().filter(|k| **k).count());
    let (fit_measures, robust) = test_over_groups(&out.parts, &out.pooled);
    if out.vcov.is_none() && options.se != SeMethod::None {
        warnings.push(SemWarning::StandardErrorsUnavailable {
            reason: "the information matrix is singular: the model may not be identified".into(),
        });
    }
    // The ML parameters: the structure as estimated, every ordered variable's residual
    // variance 1/Δ² − the explained variance, the intercepts 0; their covariance by the
    // chain rule.
    let mut theta_ml: Vec<f64> = ml_to_w
        .iter()
        .map(|w| w.map_or(0.0, |w| theta[w]))
        .collect();
    let mut d = DMatrix::<f64>::zeros(q_ml, q_w);
    for (k, w) in ml_to_w.iter().enumerate() {
        if let Some(w) = w {
            d[(k, *w)] = 1.0;
        }
    }
    for (g, ev) in groups.iter().zip(&evals) {
        for (j, &k) in g.resvar_ml.iter().enumerate() {
            let dj = ev.delta[j];
            theta_ml[k] = 1.0 / (dj * dj) - ev.star[(j, j)];
            for a in 0..q_w {
                d[(k, a)] = -ev.ddiag[(j, a)];
            }
            if let Some(s) = g.scale_w[j] {
                d[(k, s)] += -2.0 / (dj * dj * dj);
            }
        }
    }
    let vcov_ml = out.vcov.as_ref().map(|v| &d * v * d.transpose());
    let m_all: usize = evals.iter().map(|e| e.jac.nrows()).sum();
    let mut jac = DMatrix::<f64>::zeros(m_all, q_w);
    let mut row = 0;
    for (g, ev) in groups.iter().zip(&evals) {
        for (x, &a) in g.cols.iter().enumerate() {
            jac.view_mut((row, a), (ev.jac.nrows(), 1))
                .copy_from(&ev.jac.column(x));
        }
        row += ev.jac.nrows();
    }
    let wls = WlsParts {
        jac,
        information: out.information.clone(),
        b: out.b.clone(),
    };
    let exo = ExoMoments {
        cov: DMatrix::zeros(0, 0),
        mean: DVector::zeros(0),
    };
    let parts: Vec<GroupPart> = groups
        .iter()
        .zip(&out.parts)
        .map(|(g, tp)| GroupPart {
            label: &g.label,
            compiled: &g.c,
            offset: g.offset,
            exo: exo.clone(),
            n: g.n,
            sample_cov: g.r.clone(),
            sample_mean: DVector::zeros(p),
            chisq: tp.chisq,
            logl: f64::NAN,
            srmr: tp.srmr,
        })
        .collect();
    let assembled = assemble_groups(
        &table,
        parts,
        &theta_ml,
        vcov_ml,
        fit_measures,
        Assembly {
            outcome,
            options,
            n_used: n_total,
            n_original: data.n_rows(),
            sample_cov: DMatrix::zeros(0, 0),
            sample_mean: DVector::zeros(0),
            warnings,
            information: "Expected",
        },
    )?;
    let mut fit = relayout(
        assembled, &layout, &groups, &evals, theta, out.vcov, options,
    );
    for (gf, pm) in fit.groups.iter_mut().zip(implied) {
        gf.implied_cov = pm;
        gf.implied_mean = DVector::zeros(p);
    }
    fit.implied_cov = fit.groups[0].implied_cov.clone();
    fit.implied_mean = Some(DVector::zeros(p));
    fit.robust = Some(robust);
    fit.wls = Kept(Some(std::sync::Arc::new(wls)));
    if options.se == SeMethod::Bootstrap {
        let theta_hat = fit.theta.clone();
        let setup = super::joint_boot::Setup {
            groups: &groups,
            names: &observed,
            ml_to_w: &ml_to_w,
            theta: &theta_hat,
        };
        super::joint_boot::bootstrap(&mut fit, &setup, options)?;
    }
    Ok(fit)
}
