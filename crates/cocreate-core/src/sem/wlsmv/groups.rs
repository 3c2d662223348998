//! WLSMV with groups: lavaan's `cfa(..., ordered = ..., group = "g")` for the configural
//! model (no parameter shared by two groups).
//!
//! lavaan minimises `F = Σ_g (N_g/N) F_g` over one parameter vector; with no parameter
//! shared, the gradient of F splits into the groups' own gradients, so each group's
//! estimates are its single-group DWLS estimates (its own thresholds, polychoric
//! correlations and Γ from its rows). The robust covariance `E⁻¹ Δ'WΓWΔ E⁻¹` with
//! `E = Σ_g (N_g/N) Δ_g'W_gΔ_g` and `Γ_g/(N_g/N)` is block diagonal with the groups'
//! single-group blocks; `U = V − VΔE⁻¹Δ'V` with `V = bdiag((N_g/N) W_g)` makes `UΓ` block
//! diagonal, so `tr(UΓ)` and `tr((UΓ)²)` are the sums of the groups' traces
//! (`lav_test_satorra_bentler_trace_original`). The statistic is `Σ_g T_g`, the scaled-shifted
//! one `a Σ_g T_g + b` with `a = √(df / tr((UΓ)²))`, `b = df − a tr(UΓ)`, group g's part
//! `a T_g + (N_g/N) b`. The baseline and catML (robust CFI/RMSEA) sum the same way
//! (`lav_fit_catml_dwls`), but for the baseline's scaling `ĉ₀ = Σ_g tr(Γ_g)/(N_g/N) / df₀`,
//! where lavaan keeps the weights; RMSEA counts `N − G` observations and is multiplied by `√G`;
//! SRMR, RMR and CRMR are the groups' weighted by `N_g/N`. Formulas: `docs/methods/sem.md`.
//!
//! Ties across groups (`group_equal`, a label in several groups, defined parameters and
//! constraints) need the thresholds and scaling factors estimated jointly with the
//! structure and are refused here.

use nalgebra::DMatrix;

use super::super::error::{SemError, SemWarning};
use super::super::fit_measures::{compute_groups, Residuals, Totals};
use super::super::lavaanify::roles;
use super::super::model::Model;
use super::super::options::{SeMethod, SemOptions};
use super::super::partable::ParameterTable;
use super::super::results::{Convergence, FitMeasures, GroupFit, RobustFit, SemFit};
use super::fit_parts;
use super::inference::{scaled_shifted, ScaledShiftedReport, TestParts};
use crate::data::Table;

/// Refuses what the configural fit cannot give: anything that ties groups together.
fn refuse_ties(model: &Model, options: &SemOptions) -> Result<(), SemError> {
    let refuse = |what: String| {
        Err(SemError::OrderedUnsupported {
            what,
            reason: "multiple-group fits of ordered variables estimate every group's parameters separately (the configural model) for now; fit without the ties, or one group at a time",
        })
    };
    if let Some(k) = options.group_equal.first() {
        return refuse(format!(
            "group_equal {:?} with ordered variables",
            k.as_str()
        ));
    }
    if let Some(p) = options.group_partial.first() {
        return refuse(format!(
            "group_partial {:?} with ordered variables",
            p.to_string()
        ));
    }
    if let Some(r) = model
        .relations()
        .iter()
        .find(|r| r.modifier.label.is_some() || !r.modifier.label_by_group.is_empty())
    {
        return refuse(format!(
            "the label on {} {} {} (a label holds the parameter equal in every group)",
            r.lhs, r.op, r.rhs
        ));
    }
    if let Some(d) = model.definitions.first() {
        return refuse(format!("the defined parameter {:?}", d.name));
    }
    if !model.constraints.is_empty() || !model.general_constraints.is_empty() {
        return refuse("constraints (==, <, >) with ordered variables in groups".into());
    }
    if options.se == SeMethod::Bootstrap {
        return refuse("bootstrap standard errors with ordered variables in groups".into());
    }
    Ok(())
}

/// Fits `model` by WLSMV in every group of `labels` (row r's group, `None` leaves the row
/// out; groups in order of first appearance).
pub(crate) fn fit_groups(
    model: &Model,
    data: &Table,
    labels: &[Option<String>],
    options: &SemOptions,
) -> Result<SemFit, SemError> {
    refuse_ties(model, options)?;
    let column = options.group.clone().unwrap_or_default();
    if labels.len() != data.n_rows() {
        return Err(SemError::GroupLabelsLength {
            found: labels.len(),
            rows: data.n_rows(),
        });
    }
    let mut order: Vec<&str> = Vec::new();
    for l in labels.iter().flatten() {
        if !order.contains(&l.as_str()) {
            if order.len() == super::super::MAX_GROUPS {
                return Err(SemError::TooLarge {
                    what: format!("groups (levels of the group column {column:?})"),
                    found: super::super::MAX_GROUPS + 1,
                    limit: super::super::MAX_GROUPS,
                });
            }
            order.push(l);
        }
    }
    if order.len() < 2 {
        return Err(SemError::TooFewGroups {
            column,
            levels: order.iter().map(|s| s.to_string()).collect(),
        });
    }
    check_categories(model, data, labels, &order, options)?;
    let mut single = options.clone();
    single.group = None;
    let names = data.names().to_vec();
    let mut fits = Vec::with_capacity(order.len());
    for &label in &order {
        let rows: Vec<Vec<Option<f64>>> = (0..data.n_rows())
            .filter(|&r| labels[r].as_deref() == Some(label))
            .map(|r| (0..data.n_cols()).map(|c| data.get(r, c)).collect())
            .collect();
        let sub = Table::new(names.clone(), rows)?;
        let fit = fit_parts(model, &sub, &single).map_err(|e| e.in_group(label))?;
        fits.push((label, fit));
    }
    Ok(combine(fits, data.n_rows(), options))
}

/// lavaan takes the categories of an ordered variable from all groups' rows and refuses a
/// group in which one of them is empty (`lav_samplestats_step1`): the groups' thresholds
/// would not describe the same categories.
fn check_categories(
    model: &Model,
    data: &Table,
    labels: &[Option<String>],
    order: &[&str],
    options: &SemOptions,
) -> Result<(), SemError> {
    let observed = roles(model)?.observed;
    let mut columns = Vec::new();
    for name in observed.iter().filter(|v| options.ordered.contains(v)) {
        if let Some(c) = data.column_index(name) {
            columns.push((name, c));
        }
    }
    for &group in order {
        for &(name, c) in &columns {
            let mut counts: Vec<(f64, usize)> = Vec::new();
            for (r, l) in labels.iter().enumerate() {
                let Some(v) = data.get(r, c) else { continue };
                if l.is_none() {
                    continue;
                }
                let k = match counts.binary_search_by(|(x, _)| x.total_cmp(&v)) {
                    Ok(k) => k,
                    Err(k) => {
                        counts.insert(k, (v, 0));
                        k
                    }
                };
                if l.as_deref() == Some(group) {
                    counts[k].1 += 1;
                }
                if counts.len() > crate::ordinal::MAX_CATEGORIES {
                    break;
                }
            }
            if counts.len() > crate::ordinal::MAX_CATEGORIES {
                // Not a category variable: the ordinal module says so in the group's fit,
                // which comes first.
                return Ok(());
            }
            if let Some((value, _)) = counts.iter().find(|(_, n)| *n == 0) {
                let frequencies: Vec<String> = counts.iter().map(|(_, n)| n.to_string()).collect();
                return Err(SemError::OrderedUnsupported {
                    what: format!(
                        "variable {name:?} has no row in category {value} (frequencies by category: {})",
                        frequencies.join(", ")
                    ),
                    reason: "as in lavaan, every category of an ordered variable (over all groups) must be chosen in every group; merge sparse categories or leave the group out",
                }
                .in_group(group));
            }
        }
    }
    Ok(())
}

/// The groups' fits as one multiple-group fit.
fn combine(
    fits: Vec<(&str, (SemFit, TestParts))>,
    n_original: usize,
    options: &SemOptions,
) -> SemFit {
    let q: usize = fits.iter().map(|(_, (f, _))| f.theta.len()).sum();
    let first = &fits[0].1 .0;
    let mut table = ParameterTable {
        rows: Vec::new(),
        observed: first.table.observed.clone(),
        latent: first.table.latent.clone(),
        ov_x: Vec::new(),
        n_free: q,
        meanstructure: true,
        definitions: Vec::new(),
        positions: first.table.positions.clone(),
        groups: fits.iter().map(|(l, _)| l.to_string()).collect(),
        constraints: Vec::new(),
    };
    let mut estimates = Vec::new();
    let mut standardized = Vec::new();
    let mut standardized_lv = Vec::new();
    let mut theta = Vec::with_capacity(q);
    let mut vcov = Some(DMatrix::zeros(q, q));
    let mut warnings = Vec::new();
    let mut groups = Vec::with_capacity(fits.len());
    let mut parts = Vec::with_capacity(fits.len());
    let mut iterations = 0;
    let mut gradient_norm = 0.0f64;
    for (label, (fit, part)) in &fits {
        let offset = theta.len();
        let shift = |f: Option<usize>| f.map(|k| k + offset);
        for row in &fit.table.rows {
            let mut row = row.clone();
            row.group = label.to_string();
            row.free = shift(row.free);
            table.rows.push(row);
        }
        for e in &fit.estimates {
            let mut e = e.clone();
            e.group = label.to_string();
            e.free = shift(e.free);
            estimates.push(e);
        }
        for (src, dst) in [
            (&fit.standardized, &mut standardized),
            (&fit.standardized_lv, &mut standardized_lv),
        ] {
            dst.extend(src.iter().cloned().map(|mut s| {
                s.group = label.to_string();
                s
            }));
        }
        let qg = fit.theta.len();
        theta.extend_from_slice(&fit.theta);
        match (&mut vcov, &fit.vcov) {
            (Some(v), Some(vg)) => v.view_mut((offset, offset), (qg, qg)).copy_from(vg),
            _ => vcov = None,
        }
        warnings.extend(fit.warnings.iter().cloned().map(|w| SemWarning::InGroup {
            group: label.to_string(),
            warning: Box::new(w),
        }));
        iterations += fit.convergence.iterations;
        gradient_norm = gradient_norm.max(fit.convergence.gradient_norm);
        groups.push(GroupFit {
            label: label.to_string(),
            n_used: fit.n_used,
            chisq: part.chisq,
            logl: f64::NAN,
            srmr: part.srmr,
            r2: fit.r2.clone(),
            implied_cov: fit.implied_cov.clone(),
            implied_mean: fit.implied_mean.clone().unwrap_or_default(),
            sample_cov: fit.sample_cov.clone(),
            sample_mean: fit.sample_mean.clone(),
            latent_cov: fit.latent_cov.clone(),
        });
        parts.push(*part);
    }
    let (fit_measures, robust) = test_over_groups(&parts);
    let first = &fits[0].1 .0;
    SemFit {
        estimates,
        standardized,
        standardized_lv,
        fit: fit_measures,
        r2: first.r2.clone(),
        theta,
        vcov,
        vcov_defined: None,
        implied_cov: first.implied_cov.clone(),
        implied_mean: first.implied_mean.clone(),
        sample_cov: first.sample_cov.clone(),
        sample_mean: first.sample_mean.clone(),
        latent_cov: first.latent_cov.clone(),
        n_used: parts.iter().map(|p| p.n).sum(),
        n_original,
        warnings,
        convergence: Convergence {
            converged: true,
            iterations,
            gradient_norm,
        },
        options: options.clone(),
        table,
        information: first.information.clone(),
        bootstrap: None,
        robust: Some(robust),
        groups,
    }
}

/// The test and fit indices over the groups from their statistics and traces.
fn test_over_groups(parts: &[TestParts]) -> (FitMeasures, RobustFit) {
    let sum = |f: &dyn Fn(&TestParts) -> f64| parts.iter().map(f).sum::<f64>();
    let n: usize = parts.iter().map(|p| p.n).sum();
    let nf = n as f64;
    let g = parts.len() as f64;
    let q: usize = parts.iter().map(|p| p.q).sum();
    let m: usize = parts.iter().map(|p| p.m).sum();
    let df = m as f64 - q as f64;
    let df0 = parts.iter().map(|p| p.pstar).sum::<usize>() as f64;
    let chisq = sum(&|p| p.chisq);
    let x0 = sum(&|p| p.x0);
    let (x2s, a, b) = scaled_shifted(chisq, df, sum(&|p| p.tr1), sum(&|p| p.tr2));
    let (x0s, a0, _) = scaled_shifted(x0, df0, sum(&|p| p.tr0_1), sum(&|p| p.tr0_2));
    // lavaan counts N − G observations for least-squares estimators.
    let n_eff = n.saturating_sub(parts.len()).max(1);
    let ne = n_eff as f64;
    let residuals: Vec<Residuals> = parts
        .iter()
        .map(|p| Residuals {
            n: p.n,
            rmr: p.rmr,
            srmr: p.srmr,
            srmr_mplus: f64::NAN,
            crmr: p.crmr,
            gfi: 1.0 - p.ewe / p.sws,
            nel: p.m,
        })
        .collect();
    let mut fit = compute_groups(
        &Totals {
            chisq,
            df,
            npar: q,
            n: n_eff,
            logl: f64::NAN,
            logl_h1: f64::NAN,
            baseline_chisq: x0,
            baseline_df: df0,
        },
        &residuals,
    );
    // The residual indices weigh the groups by N_g/N (not N − G).
    let weighted =
        |f: &dyn Fn(&TestParts) -> f64| parts.iter().map(|p| p.n as f64 / nf * f(p)).sum::<f64>();
    fit.ntotal = n;
    fit.fmin = chisq / (2.0 * nf);
    fit.srmr = weighted(&|p| p.srmr);
    fit.rmr = weighted(&|p| p.rmr);
    fit.crmr = weighted(&|p| p.crmr);
    fit.srmr_mplus = f64::NAN;
    fit.ecvi = f64::NAN;
    fit.gfi = weighted(&|p| 1.0 - p.ewe / p.sws);
    fit.agfi = if df > 0.0 {
        1.0 - m as f64 / df * (1.0 - fit.gfi)
    } else {
        1.0
    };
    fit.pgfi = df / m as f64 * fit.gfi;
    // catML over the groups (lavaan's lav_fit_catml_dwls with the groups' blocks).
    let xx3 = sum(&|p| p.xx3);
    let c_hat3 = sum(&|p| p.ks) / df;
    let xx3_null = sum(&|p| p.xx3_null);
    // lavaan's kbs is tr(bdiag(Γ_g / (N_g/N))): the weights stay in the baseline's scaling.
    let c_hat3_null = sum(&|p| p.tr_gamma_c * nf / p.n as f64) / df0;
    let robust = ScaledShiftedReport {
        x2s,
        df,
        a,
        b,
        tr1: sum(&|p| p.tr1),
        tr2: sum(&|p| p.tr2),
        x0s,
        df0,
        a0,
        xx3,
        c_hat3,
        xx3_null,
        c_hat3_null,
        n: ne,
        groups: g,
    }
    .robust_fit();
    (fit, robust)
}
