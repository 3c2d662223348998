//! Assembly: from the estimates of any estimator to a [`SemFit`]: every parameter-table
//! row with its estimate, standard error, z, p and interval, the defined parameters by
//! the delta method, the standardised solutions, R² and the warnings about the solution
//! (Heywood cases, non-positive-definite latent or residual covariances).

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::error::{SemError, SemWarning};
use super::inference::{sandwich, wald, LabelMap, LabelValue};
use super::op::Op;
use super::optim::OptimOutcome;
use super::options::{SeMethod, SemOptions};
use super::ram::{Compiled, ExoMoments, RamMatrices, Slot};
use super::results::{Convergence, FitMeasures, ParameterEstimate, SemFit, StandardizedEstimate};
use super::standardize::standardize;

/// What [`assemble`] needs besides the estimates.
pub(crate) struct Assembly<'a> {
    pub outcome: OptimOutcome,
    pub options: &'a SemOptions,
    pub n_used: usize,
    pub n_original: usize,
    pub sample_cov: DMatrix<f64>,
    pub sample_mean: DVector<f64>,
    pub warnings: Vec<SemWarning>,
    pub information: &'static str,
}

/// Builds the result: estimates, SEs, defined parameters, standardised solutions, R²,
/// warnings.
pub(crate) fn assemble(
    c: &Compiled,
    theta: &[f64],
    exo: &ExoMoments,
    vcov: Option<DMatrix<f64>>,
    fit: FitMeasures,
    a: Assembly,
) -> Result<SemFit, SemError> {
    let level = a.options.level;
    let mut ram = RamMatrices::new(c.n);
    c.fill(theta, exo, &mut ram);
    ram.implied_sparse(c)?;
    let labels = LabelMap::new(&c.table);
    let q = c.q();
    let rows = c.table.rows();
    let mut est: Vec<f64> = (0..rows.len()).map(|r| c.row_value(r, &ram)).collect();
    let mut se: Vec<Option<f64>> = rows
        .iter()
        .map(|r| match (r.free, &vcov) {
            (Some(k), Some(v)) => Some(v[(k, k)].max(0.0).sqrt()),
            (Some(_), None) => None,
            (None, _) => Some(0.0),
        })
        .collect();
    // Defined parameters.
    let label_value = |name: &str| -> Option<(f64, Vec<f64>)> {
        let mut g = vec![0.0; q];
        let v = match labels.labels.get(name)? {
            LabelValue::Free(k) => {
                g[*k] = 1.0;
                theta[*k]
            }
            LabelValue::Fixed(v) => *v,
            LabelValue::Row(r) => est[*r],
        };
        Some((v, g))
    };
    let (def_vals, def_jac) = labels.defined_with_jacobian(&c.table, q, &label_value);
    let vcov_defined = vcov.as_ref().map(|v| sandwich(&def_jac, v));
    let mut def_warnings = Vec::new();
    for (k, &row) in labels.defined_rows.iter().enumerate() {
        est[row] = def_vals[k];
        if !def_vals[k].is_finite() {
            // inf / NaN has no standard error (the delta method would give 0 or NaN).
            def_warnings.push(SemWarning::NonFiniteEstimate {
                parameter: rows[row].lhs.clone(),
                value: def_vals[k],
            });
            se[row] = None;
            continue;
        }
        se[row] = vcov_defined
            .as_ref()
            .map(|v| v[(k, k)])
            .filter(|v| v.is_finite())
            .map(|v| v.max(0.0).sqrt());
    }
    let st = standardize(c, &ram, &labels);
    // Delta-method standardised solutions: only the diagonal of J V J' is needed, row r of
    // (J V) dotted with row r of J.
    let solution = |values: &[f64], jac: &DMatrix<f64>| -> Vec<StandardizedEstimate> {
        let var: Option<Vec<f64>> = vcov.as_ref().map(|v| {
            let jv = jac * v;
            (0..rows.len())
                .map(|r| jv.row(r).dot(&jac.row(r)))
                .collect()
        });
        rows.iter()
            .enumerate()
            .map(|(r, row)| {
                let sse = var.as_ref().map(|v| v[r].max(0.0).sqrt());
                let (z, pvalue, ci_lower, ci_upper, se) = wald(values[r], sse, level);
                StandardizedEstimate {
                    lhs: row.lhs.clone(),
                    op: row.op,
                    rhs: row.rhs.clone(),
                    label: row.label.clone(),
                    est_std: values[r],
                    se,
                    z,
                    pvalue,
                    ci_lower,
                    ci_upper,
                }
            })
            .collect()
    };
    let standardized = solution(&st.std_all, &st.jac_all);
    let standardized_lv = solution(&st.std_lv, &st.jac_lv);
    let mut estimates = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let (z, pvalue, lo, hi, se_r) = if a.options.se == SeMethod::None {
            (None, None, f64::NAN, f64::NAN, None)
        } else {
            wald(est[r], se[r], level)
        };
        estimates.push(ParameterEstimate {
            lhs: row.lhs.clone(),
            op: row.op,
            rhs: row.rhs.clone(),
            label: row.label.clone(),
            free: row.free,
            user: row.user,
            exo: row.exo,
            est: est[r],
            se: se_r,
            z,
            pvalue,
            ci_lower: lo,
            ci_upper: hi,
            std_lv: st.std_lv[r],
            std_all: st.std_all[r],
            std_nox: st.std_nox[r],
        });
    }
    // R² of every variable with an incoming path.
    let n = c.n;
    let mut endo = vec![false; n];
    for s in c.row_slot.iter().flatten() {
        if let Slot::A(i, _) = s {
            endo[*i] = true;
        }
    }
    let r2: Vec<(String, f64)> = (0..n)
        .filter(|&v| endo[v])
        .map(|v| {
            (
                c.var_name(v).to_string(),
                1.0 - ram.s[(v, v)] / ram.phi[(v, v)],
            )
        })
        .collect();
    // Warnings.
    let mut warnings = a.warnings;
    warnings.extend(def_warnings);
    for (r, row) in rows.iter().enumerate() {
        if row.op == Op::Covariance && row.lhs == row.rhs && est[r] < 0.0 {
            warnings.push(SemWarning::NegativeVariance {
                variable: row.lhs.clone(),
                estimate: est[r],
            });
        }
    }
    let p = c.p;
    let m = n - p;
    let latent_cov = ram.phi.view((p, p), (m, m)).into_owned();
    if m > 0 {
        let ev = SymmetricEigen::new(latent_cov.clone()).eigenvalues;
        let min = ev.iter().copied().fold(f64::INFINITY, f64::min);
        if min < 0.0 {
            warnings.push(SemWarning::LatentCovNotPd {
                variables: c.table.latent().to_vec(),
                min_eigenvalue: min,
            });
        }
    }
    let theta_obs = ram.s.view((0, 0), (p, p)).into_owned();
    let has_offdiag = (0..p).any(|i| (0..i).any(|j| theta_obs[(i, j)] != 0.0));
    if has_offdiag {
        let ev = SymmetricEigen::new(theta_obs).eigenvalues;
        let min = ev.iter().copied().fold(f64::INFINITY, f64::min);
        let any_negative_var = (0..p).any(|i| ram.s[(i, i)] < 0.0);
        if min < 0.0 && !any_negative_var {
            warnings.push(SemWarning::ResidualCovNotPd {
                min_eigenvalue: min,
            });
        }
    }
    Ok(SemFit {
        estimates,
        standardized,
        standardized_lv,
        fit,
        r2,
        theta: theta.to_vec(),
        vcov,
        vcov_defined,
        implied_cov: ram.sigma(p),
        implied_mean: c.meanstructure.then(|| ram.mu(p)),
        sample_cov: a.sample_cov,
        sample_mean: a.sample_mean,
        latent_cov,
        n_used: a.n_used,
        n_original: a.n_original,
        warnings,
        convergence: Convergence {
            converged: true,
            iterations: a.outcome.iterations,
            gradient_norm: a.outcome.gradient_norm / 2.0,
        },
        options: a.options.clone(),
        table: c.table.clone(),
        information: a.information.to_string(),
        bootstrap: None,
        robust: None,
    })
}
