//! WLSMV for ordered variables, as lavaan 0.6-14 fits `cfa(..., ordered = ...)` with its
//! defaults: thresholds and polychoric correlations with their asymptotic covariance Γ
//! first ([`crate::ordinal`]), then the model by diagonally weighted least squares on them
//! (delta parameterization), robust standard errors and the mean-and-variance adjusted
//! test. Formulas and sources: `docs/methods/sem.md` §16 (the first step:
//! `docs/methods/ordinal.md`).
//!
//! The engine's dispatcher hands over every fit whose options name ordered variables.
//! The estimates reuse the engine's pieces: the RAM model (implied correlations and their
//! derivatives), Fisher scoring, and the assembly of estimates, defined parameters and
//! standardised solutions, which runs on the ML table with the residual variances of the
//! ordered variables set to their delta values and their covariance with the structural
//! parameters carried through the chain rule. The result is then laid out on the WLSMV
//! table (thresholds, scaling factors, fixed intercepts).
//!
//! Supported: every observed variable of the model ordered, each an indicator (or an
//! outcome of latent variables), complete rows (listwise); residual covariances,
//! structural regressions among latent variables, equality constraints and defined
//! parameters as for ML. Several groups (`groups.rs`, `joint*.rs`, `group_test.rs`): every
//! group's first step from its own rows, the model fitted to all groups at once with
//! thresholds, loadings or anything else held equal across groups, the test over the
//! groups. Nested fits compare by `wls_diff` (Satorra 2000). Refused with a clear error:
//! continuous observed variables mixed in, ordered predictors, intercepts written in the
//! model, full-information ML, and general constraints with groups.

mod boot;
mod dwls;
mod group_test;
mod groups;
mod inference;
mod joint;
mod joint_boot;
mod joint_eval;
mod joint_infer;
mod joint_table;
mod table;

use nalgebra::{DMatrix, DVector};

use super::assemble::{assemble, Assembly};
use super::error::SemError;
use super::inference::wald;
use super::model::Model;
use super::op::Op;
use super::optim::fisher_scoring;
use super::options::{Estimator, MeanStructure, SemOptions};
use super::partable::ParameterRow;
use super::prepare::{prepare, Moments};
use super::ram::{ExoMoments, Slot};
use super::results::{ParameterEstimate, SemFit, StandardizedEstimate};
use super::start::start_values;
use crate::data::{excerpt, name_list, Table};
use crate::ordinal::{two_step, LavCorOptions, Ordered, OrdinalError};

use dwls::Dwls;
use inference::{infer, Inputs};
use table::ordered_table;

pub(crate) use groups::fit_groups;

/// Fits `model` to `data` by WLSMV.
pub(crate) fn fit(model: &Model, data: &Table, options: &SemOptions) -> Result<SemFit, SemError> {
    refuse_model(model, data, options)?;
    // The ML table and the rows kept, as for ML, without a mean structure.
    let mut ml_options = options.clone();
    ml_options.meanstructure = MeanStructure::Off;
    ml_options.estimator = Estimator::Ml;
    ml_options.ordered = Ordered::None;
    let prep = prepare(model, data, &ml_options)?;
    let c = &prep.compiled;
    let observed = c.table.observed().to_vec();
    let p = observed.len();
    check_compiled(c, options)?;
    // First step: thresholds, polychoric correlations and Γ of the rows used.
    let lc = LavCorOptions::builder()
        .variables(observed.iter().cloned())
        .ordered(Ordered::All)
        .build()?;
    let two = two_step(data, &lc)?;
    let factor = two.factor()?;
    let pc = &two.pc;
    let n = pc.n_used;
    let counts: Vec<usize> = observed
        .iter()
        .map(|v| pc.thresholds.iter().filter(|t| &t.variable == v).count())
        .collect();
    let nth: usize = counts.iter().sum();
    let ot = ordered_table(&c.table, &counts)?;
    let q_w = ot.table.n_free();
    // The structural parameters (WLSMV order) and their ML indices.
    let mut w_to_ml = vec![usize::MAX; q_w];
    for (k, w) in ot.ml_to_w.iter().enumerate() {
        if let Some(w) = w {
            w_to_ml[*w] = k;
        }
    }
    let struct_w: Vec<usize> = (0..q_w).filter(|w| w_to_ml[*w] != usize::MAX).collect();
    let struct_ml: Vec<usize> = struct_w.iter().map(|&w| w_to_ml[w]).collect();
    let pairs: Vec<(usize, usize)> = (0..p)
        .flat_map(|j| (j + 1..p).map(move |i| (i, j)))
        .collect();
    let r = DMatrix::from_row_slice(p, p, &pc.correlations);
    let r_pairs: Vec<f64> = pairs.iter().map(|&(i, j)| r[(i, j)]).collect();
    let w_all = dwls_weights(&factor.diagonal()).ok_or(SemError::SingularStructure)?;
    let m = w_all.len();
    // Second step: DWLS on the correlations from the usual starting values.
    let mo = Moments {
        cov: r.clone(),
        mean: DVector::zeros(p),
        n,
    };
    let start = start_values(c, &mo);
    let mut ts: Vec<f64> = struct_ml.iter().map(|&k| start[k]).collect();
    let mut problem = Dwls::new(c, &struct_ml, &pairs, &r_pairs, &w_all[nth..]);
    let outcome = fisher_scoring(
        &mut problem,
        &mut ts,
        options.max_iterations,
        options.tolerance,
    )?;
    let st = problem
        .structure(&ts, true)
        .ok_or(SemError::SingularStructure)?;
    // The residuals (zero for the thresholds).
    let mut resid = vec![0.0; m];
    for (k, e) in problem.residuals(&st.sigma).into_iter().enumerate() {
        resid[nth + k] = e;
    }
    let mut sigma_unit = st.sigma.clone();
    for i in 0..p {
        sigma_unit[(i, i)] = 1.0;
    }
    let df = (m - q_w) as f64;
    if df < 0.0 {
        return Err(SemError::NegativeDf {
            npar: q_w,
            moments: m,
            df: m as i64 - q_w as i64,
        });
    }
    let mut obs = vec![0.0; m];
    for (t, th) in pc.thresholds.iter().enumerate() {
        obs[t] = th.value;
    }
    obs[nth..].copy_from_slice(&r_pairs);
    // The parts of Γ the inference needs (Γ_tc only through W_cΔ_s).
    let mut wd = st.delta.clone();
    for (k, &wk) in w_all[nth..].iter().enumerate() {
        wd.row_mut(k).scale_mut(wk);
    }
    let parts = factor.parts(nth, &wd);
    let out = infer(&Inputs {
        n,
        gamma_tt: &parts.tt,
        gamma_cc: &parts.cc,
        gamma_tc_wd: &parts.tc_x,
        nth,
        w: &w_all,
        delta_s: &st.delta,
        threshold_w: &ot.threshold_w,
        struct_w: &struct_w,
        resid: &resid,
        r: &r,
        sigma: &sigma_unit,
        pairs: &pairs,
        obs: &obs,
        df,
    });
    let mut warnings = prep.warnings.clone();
    // What the first step noticed (unchosen categories merged, corrected 2 x 2 tables,
    // correlations near one) is said in the fit's warnings too.
    warnings.extend(
        pc.warnings
            .iter()
            .cloned()
            .map(super::error::SemWarning::Ordinal),
    );
    if out.vcov.is_none() && options.se != super::options::SeMethod::None {
        warnings.push(super::error::SemWarning::StandardErrorsUnavailable {
            reason: "the information matrix is singular: the model may not be identified".into(),
        });
    }
    // Assembly on the ML table: the delta residual variances in place, their covariance
    // with the structural parameters by the chain rule θ_ii = 1 − Σ*_ii(θ).
    let mut theta_ml = problem.expand(&ts);
    for (i, &k) in ot.resvar_ml.iter().enumerate() {
        theta_ml[k] = 1.0 - st.sigma[(i, i)];
    }
    let q_ml = c.q();
    let vcov_ml = out.vcov.as_ref().map(|v| {
        let qs = struct_w.len();
        let mut d = DMatrix::zeros(q_ml, qs);
        for (a, &k) in struct_ml.iter().enumerate() {
            d[(k, a)] = 1.0;
        }
        for (i, &k) in ot.resvar_ml.iter().enumerate() {
            for a in 0..qs {
                d[(k, a)] = -st.ddiag[(i, a)];
            }
        }
        let vs = DMatrix::from_fn(qs, qs, |x, y| v[(struct_w[x], struct_w[y])]);
        &d * vs * d.transpose()
    });
    let exo = ExoMoments {
        cov: DMatrix::zeros(0, 0),
        mean: DVector::zeros(0),
    };
    let assembled = assemble(
        c,
        &theta_ml,
        &exo,
        vcov_ml,
        out.fit,
        Assembly {
            outcome,
            options,
            n_used: n,
            n_original: prep.n_original,
            sample_cov: r.clone(),
            sample_mean: DVector::zeros(p),
            warnings,
            information: "Expected",
        },
    )?;
    // The thresholds in WLSMV order, and θ on the WLSMV parameters.
    let mut theta_w = vec![0.0; q_w];
    for (a, &w) in struct_w.iter().enumerate() {
        theta_w[w] = ts[a];
    }
    for (t, &w) in ot.threshold_w.iter().enumerate() {
        theta_w[w] = pc.thresholds[t].value;
    }
    let mut fit = relayout(assembled, &ot, theta_w, out.vcov, out.robust, options);
    fit.wls = super::wls_diff::Kept(Some(std::sync::Arc::new(difference_parts(
        &ot.threshold_w,
        &struct_w,
        &st.delta,
        &w_all,
        &parts,
    ))));
    if options.se == super::options::SeMethod::Bootstrap {
        boot::bootstrap(
            &mut fit,
            &boot::Setup {
                c,
                data: &prep.data,
                names: &observed,
                counts: &counts,
                struct_ml: &struct_ml,
                struct_w: &struct_w,
                threshold_w: &ot.threshold_w,
                pairs: &pairs,
                ts_hat: &ts,
                q_w,
            },
            options,
        )?;
    }
    Ok(fit)
}

/// What no WLSMV fit takes, checked before any work: intercepts written in the model and
/// ordered names that are not columns of the data.
pub(super) fn refuse_model(
    model: &Model,
    data: &Table,
    options: &SemOptions,
) -> Result<(), SemError> {
    if model.relations().iter().any(|r| r.op == Op::Intercept) {
        return Err(SemError::OrderedUnsupported {
            what: "intercepts (~ 1) in a model with ordered variables".into(),
            reason: "the intercepts of ordered variables are fixed at 0 and their thresholds estimated, and latent means are 0 in one group; remove the ~ 1 lines",
        });
    }
    // A name declared ordered that the data does not have is a typo, not a variable to
    // leave out silently (names of the data that the model does not use are fine).
    if let Ordered::Only(names) = &options.ordered {
        if let Some(unknown) = names.iter().find(|n| data.column_index(n).is_none()) {
            return Err(OrdinalError::UnknownOrdered {
                name: excerpt(unknown),
                available: name_list(data.names()),
            }
            .into());
        }
    }
    Ok(())
}

/// What the compiled model must be for WLSMV: every observed variable ordered, none of
/// them a predictor.
pub(super) fn check_compiled(
    c: &super::ram::Compiled,
    options: &SemOptions,
) -> Result<(), SemError> {
    let observed = c.table.observed();
    let p = observed.len();
    let continuous: Vec<String> = observed
        .iter()
        .filter(|v| !options.ordered.contains(v))
        .cloned()
        .collect();
    if !continuous.is_empty() {
        return Err(SemError::OrderedUnsupported {
            what: format!("observed variables not declared ordered ({})", name_list(&continuous)),
            reason: "WLSMV here needs every observed variable of the model ordered; mixing ordered and continuous variables is not supported yet",
        });
    }
    let predictors: Vec<String> = (c.row_slot.iter().flatten())
        .filter_map(|s| match s {
            Slot::A(_, j) if *j < p => Some(observed[*j].clone()),
            _ => None,
        })
        .collect();
    if !predictors.is_empty() || !c.x_idx.is_empty() {
        return Err(SemError::OrderedUnsupported {
            what: format!("ordered variables as predictors ({})", name_list(&predictors)),
            reason: "ordered variables may be indicators of latent variables or outcomes of latent variables, not predictors",
        });
    }
    Ok(())
}

/// What a difference test needs of a one-group fit: Δ (the identity on the thresholds,
/// Δ_s on the correlations), E = Δ'WΔ and B = Δ'WΓWΔ, the latter from Γ's blocks
/// (`X = WΔ`: `B = X_t'Γ_ttX_t + X_t'(Γ_tcX_c) + (Γ_tcX_c)'X_t + X_c'Γ_ccX_c`).
fn difference_parts(
    threshold_w: &[usize],
    struct_w: &[usize],
    delta_s: &DMatrix<f64>,
    w: &[f64],
    gamma: &crate::ordinal::GammaParts,
) -> super::wls_diff::WlsParts {
    let nth = threshold_w.len();
    let pstar = delta_s.nrows();
    let q = nth + struct_w.len();
    let mut jac = DMatrix::zeros(nth + pstar, q);
    for (t, &k) in threshold_w.iter().enumerate() {
        jac[(t, k)] = 1.0;
    }
    for (a, &k) in struct_w.iter().enumerate() {
        jac.view_mut((nth, k), (pstar, 1))
            .copy_from(&delta_s.column(a));
    }
    let mut x = jac.clone();
    for (k, &wk) in w.iter().enumerate() {
        x.row_mut(k).scale_mut(wk);
    }
    let information = jac.transpose() * &x;
    let (xt, xc) = (x.rows(0, nth), x.rows(nth, pstar));
    // Γ_tc X_c: its columns are those of the structural parameters.
    let mut gtc_x = DMatrix::zeros(nth, q);
    for (a, &k) in struct_w.iter().enumerate() {
        gtc_x.set_column(k, &gamma.tc_x.column(a));
    }
    let cross = xt.transpose() * &gtc_x;
    let b = xt.transpose() * &gamma.tt * xt
        + &cross
        + cross.transpose()
        + xc.transpose() * &gamma.cc * xc;
    super::wls_diff::WlsParts {
        jac,
        information,
        b,
    }
}

/// Lays the assembled fit out on the WLSMV table.
fn relayout(
    mut fit: SemFit,
    ot: &table::OrderedTable,
    theta_w: Vec<f64>,
    vcov: Option<DMatrix<f64>>,
    robust: super::results::RobustFit,
    options: &SemOptions,
) -> SemFit {
    let level = options.level;
    let no_se = options.se == super::options::SeMethod::None;
    let rows = ot.table.rows();
    let mut ml_of_row = vec![None; rows.len()];
    for (ml, &w) in ot.row_of_ml.iter().enumerate() {
        ml_of_row[w] = Some(ml);
    }
    let mut estimates = Vec::with_capacity(rows.len());
    let mut standardized = Vec::with_capacity(rows.len());
    let mut standardized_lv = Vec::with_capacity(rows.len());
    let mut table = ot.table.clone();
    for (r, row) in rows.iter().enumerate() {
        match (ml_of_row[r], row.op) {
            (Some(ml), _) if ot.resvar_rows.contains(&r) => {
                let src = &fit.estimates[ml];
                table.rows[r].fixed = Some(src.est);
                estimates.push(fixed_residual_variance(row, src, no_se));
                standardized.push(fit.standardized[ml].clone());
                standardized_lv.push(fit.standardized_lv[ml].clone());
            }
            (Some(ml), _) => {
                let mut e = fit.estimates[ml].clone();
                e.free = row.free;
                estimates.push(e);
                standardized.push(fit.standardized[ml].clone());
                standardized_lv.push(fit.standardized_lv[ml].clone());
            }
            (None, Op::Threshold) => {
                // The latent response has variance 1: the standardised threshold is the
                // threshold, with its standard error.
                let k = row.free.unwrap_or(0);
                let est = theta_w[k];
                let se = (!no_se)
                    .then(|| vcov.as_ref().map(|v| v[(k, k)].max(0.0).sqrt()))
                    .flatten();
                estimates.push(free_estimate(row, est, se, (est, est), level, no_se));
                let std = standardized_row(row, est, se, level);
                standardized.push(std.clone());
                standardized_lv.push(std);
            }
            (None, _) => {
                let est = row.fixed.unwrap_or(0.0);
                estimates.push(fixed_estimate(row, est, no_se));
                standardized.push(fixed_standardized(row, est));
                standardized_lv.push(fixed_standardized(row, est));
            }
        }
    }
    fit.estimates = estimates;
    fit.standardized = standardized;
    fit.standardized_lv = standardized_lv;
    fit.table = table;
    fit.theta = theta_w;
    fit.vcov = vcov;
    fit.implied_mean = Some(DVector::zeros(fit.implied_cov.nrows()));
    fit.robust = Some(robust);
    fit
}

/// The residual variance of an ordered variable, which the delta parameterization
/// fixes at what the model implies: the value and standardised values of the row `src`
/// of the fit it was computed in, held fixed.
pub(super) fn fixed_residual_variance(
    row: &super::partable::ParameterRow,
    src: &ParameterEstimate,
    no_se: bool,
) -> ParameterEstimate {
    ParameterEstimate {
        std_lv: src.std_lv,
        std_all: src.std_all,
        std_nox: src.std_nox,
        ..fixed_estimate(row, src.est, no_se)
    }
}

/// A fixed row of a WLSMV table with its value (standard error 0 unless none are asked).
pub(super) fn fixed_estimate(
    row: &super::partable::ParameterRow,
    est: f64,
    no_se: bool,
) -> ParameterEstimate {
    ParameterEstimate {
        lhs: row.lhs.clone(),
        op: row.op,
        rhs: row.rhs.clone(),
        label: row.label.clone(),
        group: row.group.clone(),
        free: None,
        user: row.user,
        exo: false,
        est,
        se: (!no_se).then_some(0.0),
        z: None,
        pvalue: None,
        ci_lower: if no_se { f64::NAN } else { est },
        ci_upper: if no_se { f64::NAN } else { est },
        std_lv: est,
        std_all: est,
        std_nox: est,
    }
}

/// A fixed row of a WLSMV table in a standardised solution.
pub(super) fn fixed_standardized(
    row: &super::partable::ParameterRow,
    est: f64,
) -> StandardizedEstimate {
    StandardizedEstimate {
        lhs: row.lhs.clone(),
        op: row.op,
        rhs: row.rhs.clone(),
        label: row.label.clone(),
        group: row.group.clone(),
        est_std: est,
        se: Some(0.0),
        z: None,
        pvalue: None,
        ci_lower: est,
        ci_upper: est,
    }
}

/// A free row with its estimate and standard error, and its (std.lv, std.all) values.
pub(super) fn free_estimate(
    row: &ParameterRow,
    est: f64,
    se: Option<f64>,
    (std_lv, std_all): (f64, f64),
    level: f64,
    no_se: bool,
) -> ParameterEstimate {
    let (z, pvalue, lo, hi, se) = if no_se {
        (None, None, f64::NAN, f64::NAN, None)
    } else {
        wald(est, se, level)
    };
    ParameterEstimate {
        lhs: row.lhs.clone(),
        op: row.op,
        rhs: row.rhs.clone(),
        label: row.label.clone(),
        group: row.group.clone(),
        free: row.free,
        user: row.user,
        exo: false,
        est,
        se,
        z,
        pvalue,
        ci_lower: lo,
        ci_upper: hi,
        std_lv,
        std_all,
        std_nox: std_all,
    }
}

/// A row of a standardised solution with its standard error.
pub(super) fn standardized_row(
    row: &ParameterRow,
    est: f64,
    se: Option<f64>,
    level: f64,
) -> StandardizedEstimate {
    let (z, pvalue, lo, hi, se) = wald(est, se, level);
    StandardizedEstimate {
        lhs: row.lhs.clone(),
        op: row.op,
        rhs: row.rhs.clone(),
        label: row.label.clone(),
        group: row.group.clone(),
        est_std: est,
        se,
        z,
        pvalue,
        ci_lower: lo,
        ci_upper: hi,
    }
}

/// The DWLS weights `1/Γ_kk` from Γ's diagonal, or `None` when one is not a positive
/// number (a statistic without sampling variance).
pub(super) fn dwls_weights(gamma_diagonal: &[f64]) -> Option<Vec<f64>> {
    let w: Vec<f64> = gamma_diagonal.iter().map(|d| 1.0 / d).collect();
    w.iter().all(|v| v.is_finite() && *v > 0.0).then_some(w)
}
