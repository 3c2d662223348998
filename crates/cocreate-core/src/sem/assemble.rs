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
use super::partable::{ParameterRow, ParameterTable};
use super::ram::{Compiled, ExoMoments, RamMatrices, Slot};
use super::results::{Convergence, FitMeasures, ParameterEstimate, SemFit, StandardizedEstimate};
use super::standardize::{standardize, Standardized};

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
    let (vcov_defined, def_warnings) =
        defined_parameters(&c.table, &labels, theta, &mut est, &mut se, vcov.as_ref());
    let st = standardize(c, &ram, &labels);
    let standardized = solution(rows, &st.std_all, &st.jac_all, vcov.as_ref(), level);
    let standardized_lv = solution(rows, &st.std_lv, &st.jac_lv, vcov.as_ref(), level);
    let estimates = estimate_rows(rows, &est, &se, &st, a.options);
    let r2 = r_squared(c, &ram);
    let mut warnings = a.warnings;
    warnings.extend(def_warnings);
    let (solution_warnings, latent_cov) = solution_checks(c, &ram);
    warnings.extend(solution_warnings);
    let p = c.p;
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
        wls: Default::default(),
        groups: Vec::new(),
    })
}

/// The defined parameters of `table`: their values into `est`, their delta-method
/// standard errors into `se`, their covariance matrix, and a warning for each value that
/// is not a finite number.
pub(crate) fn defined_parameters(
    table: &ParameterTable,
    labels: &LabelMap,
    theta: &[f64],
    est: &mut [f64],
    se: &mut [Option<f64>],
    vcov: Option<&DMatrix<f64>>,
) -> (Option<DMatrix<f64>>, Vec<SemWarning>) {
    let q = theta.len();
    let rows = table.rows();
    let (def_vals, def_jac) = {
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
        labels.defined_with_jacobian(table, q, &label_value)
    };
    let vcov_defined = vcov.map(|v| sandwich(&def_jac, v));
    let mut warnings = Vec::new();
    for (k, &row) in labels.defined_rows.iter().enumerate() {
        est[row] = def_vals[k];
        if !def_vals[k].is_finite() {
            // inf / NaN has no standard error (the delta method would give 0 or NaN).
            warnings.push(SemWarning::NonFiniteEstimate {
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
    (vcov_defined, warnings)
}

/// A delta-method standardised solution of `rows` from their standardised `values` and
/// Jacobian: only the diagonal of `J V J'` is needed, row r of `J V` dotted with row r of
/// `J`.
pub(crate) fn solution(
    rows: &[ParameterRow],
    values: &[f64],
    jac: &DMatrix<f64>,
    vcov: Option<&DMatrix<f64>>,
    level: f64,
) -> Vec<StandardizedEstimate> {
    let var: Option<Vec<f64>> = vcov.map(|v| {
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
                group: row.group.clone(),
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
}

/// The parameter-estimate rows: estimates, Wald inference, standardised values.
pub(crate) fn estimate_rows(
    rows: &[ParameterRow],
    est: &[f64],
    se: &[Option<f64>],
    st: &Standardized,
    options: &SemOptions,
) -> Vec<ParameterEstimate> {
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            let (z, pvalue, lo, hi, se_r) = if options.se == SeMethod::None {
                (None, None, f64::NAN, f64::NAN, None)
            } else {
                wald(est[r], se[r], options.level)
            };
            ParameterEstimate {
                lhs: row.lhs.clone(),
                op: row.op,
                rhs: row.rhs.clone(),
                group: row.group.clone(),
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
            }
        })
        .collect()
}

/// R² of every variable with an incoming path.
pub(crate) fn r_squared(c: &Compiled, ram: &RamMatrices) -> Vec<(String, f64)> {
    let n = c.n;
    let mut endo = vec![false; n];
    for s in c.row_slot.iter().flatten() {
        if let Slot::A(i, _) = s {
            endo[*i] = true;
        }
    }
    (0..n)
        .filter(|&v| endo[v])
        .map(|v| {
            (
                c.var_name(v).to_string(),
                1.0 - ram.s[(v, v)] / ram.phi[(v, v)],
            )
        })
        .collect()
}

/// The warnings about a solution (Heywood cases, latent and residual covariance matrices
/// that are not positive definite) and the latent covariance matrix.
pub(crate) fn solution_checks(c: &Compiled, ram: &RamMatrices) -> (Vec<SemWarning>, DMatrix<f64>) {
    let mut warnings = Vec::new();
    for (r, row) in c.table.rows().iter().enumerate() {
        if row.op == Op::Covariance && row.lhs == row.rhs {
            let est = c.row_value(r, ram);
            if est < 0.0 {
                warnings.push(SemWarning::NegativeVariance {
                    variable: row.lhs.clone(),
                    estimate: est,
                });
            }
        }
    }
    let (n, p) = (c.n, c.p);
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
    (warnings, latent_cov)
}
