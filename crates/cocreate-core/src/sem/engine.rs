//! From a model and a data table to a [`SemFit`]: data preparation, identification checks,
//! estimation and the assembly of every reported quantity.

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::error::{SemError, SemWarning};
use super::fit_measures::{self, FitInput};
use super::inference::{sandwich, spd_inverse, wald, LabelMap, LabelValue};
use super::linalg::Chol;
use super::ml::{chol_logdet, MlProblem, Moments};
use super::model::{Model, Op};
use super::optim::{fisher_scoring, Objective, OptimOutcome};
use super::options::{Estimator, Information, MeanStructure, Missing, SeMethod, SemOptions};
use super::partable::ParameterTable;
use super::ram::{Compiled, ExoMoments, RamMatrices, Slot};
use super::results::{Convergence, FitMeasures, ParameterEstimate, SemFit, StandardizedEstimate};
use super::standardize::standardize;
use crate::data::Table;

const LN_2PI: f64 = 1.837_877_066_409_345_3;

impl Model {
    /// Fits the model to a data table by maximum likelihood.
    ///
    /// Columns the model does not use are ignored. Missing cells are handled as
    /// [`SemOptions::missing`] says (listwise deletion by default).
    pub fn fit(&self, data: &Table, options: &SemOptions) -> Result<SemFit, SemError> {
        let prepared = prepare(self, data, options)?;
        if options.estimator != Estimator::Ml && !prepared.compiled.x_idx.is_empty() {
            return Err(SemError::InvalidOptions(format!(
                "estimator {} with fixed exogenous covariates ({}) is not available: set fixed_x(false) to estimate their moments",
                options.estimator.as_str(),
                prepared
                    .compiled
                    .x_idx
                    .iter()
                    .map(|&i| prepared.compiled.var_name(i).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if options.estimator == Estimator::Mlr && options.missing != Missing::Listwise {
            return Err(SemError::InvalidOptions(
                "estimator MLR with missing = ml is not available yet: use missing = listwise, or ML with full-information ML".into(),
            ));
        }
        if options.missing == Missing::Listwise {
            fit_complete(prepared, options)
        } else {
            super::fiml::fit_fiml(prepared, options)
        }
    }
}

/// The compiled model and its data matrix (rows × observed, NaN = missing).
pub(crate) struct Prepared {
    pub compiled: Compiled,
    pub data: DMatrix<f64>,
    pub n_original: usize,
    pub warnings: Vec<SemWarning>,
}

pub(crate) fn prepare(
    model: &Model,
    data: &Table,
    options: &SemOptions,
) -> Result<Prepared, SemError> {
    let has_intercepts = model.relations().iter().any(|r| r.op == Op::Intercept);
    let meanstructure = match options.meanstructure {
        MeanStructure::On => true,
        MeanStructure::Off => false,
        MeanStructure::Auto => options.missing != Missing::Listwise || has_intercepts,
    };
    if model.relations().is_empty() {
        return Err(SemError::EmptyModel);
    }
    let table = ParameterTable::build(model, options, meanstructure)?;
    for name in table.latent() {
        if data.column_index(name).is_some() {
            return Err(SemError::LatentIsColumn {
                name: name.clone(),
                position: table.position_of(name),
            });
        }
    }
    for name in table.observed() {
        if data.column_index(name).is_none() {
            return Err(SemError::UnknownVariable {
                name: name.clone(),
                position: table.position_of(name),
            });
        }
    }
    if options.se == SeMethod::Bootstrap {
        // Every replicate keeps its free and defined parameters: check the total before the
        // first replicate runs.
        let per_draw = table.n_free() + table.definitions.len();
        let cells = options.bootstrap.saturating_mul(per_draw);
        if cells > super::MAX_BOOTSTRAP_CELLS {
            return Err(SemError::TooLarge {
                what: format!(
                    "stored bootstrap draws ({} replicates times {per_draw} free and defined parameters)",
                    options.bootstrap
                ),
                found: cells,
                limit: super::MAX_BOOTSTRAP_CELLS,
            });
        }
    }
    let sel = data.select(table.observed())?;
    let p = table.observed().len();
    let n_original = sel.n_rows();
    let compiled = Compiled::new(table);
    let x_idx = compiled.x_idx.clone();
    let mut warnings = Vec::new();
    let keep = |row: &[f64]| -> bool {
        match options.missing {
            Missing::Listwise => row.iter().all(|v| !v.is_nan()),
            Missing::Ml => {
                !row.iter().all(|v| v.is_nan()) && x_idx.iter().all(|&i| !row[i].is_nan())
            }
            Missing::MlX => !row.iter().all(|v| v.is_nan()),
        }
    };
    let rows: Vec<usize> = (0..n_original).filter(|&r| keep(sel.row(r))).collect();
    let dropped = n_original - rows.len();
    if dropped > 0 {
        let reason = match options.missing {
            Missing::Listwise => "listwise deletion of rows with a missing value",
            Missing::Ml => "rows with every variable missing or a missing fixed covariate (use missing = ml.x to keep the latter)",
            Missing::MlX => "rows with every variable missing",
        };
        warnings.push(SemWarning::RowsDropped {
            dropped,
            reason: reason.into(),
        });
    }
    let data = DMatrix::from_fn(rows.len(), p, |r, j| sel.row(rows[r])[j]);
    Ok(Prepared {
        compiled,
        data,
        n_original,
        warnings,
    })
}

/// Sample moments (N denominator) of complete rows.
pub(crate) fn moments_of(data: &DMatrix<f64>) -> Moments {
    let (n, p) = data.shape();
    let nf = n as f64;
    let mean = DVector::from_fn(p, |j, _| data.column(j).sum() / nf);
    let mut centred = data.clone();
    for j in 0..p {
        let m = mean[j];
        centred.column_mut(j).add_scalar_mut(-m);
    }
    let cov = centred.transpose() * &centred / nf;
    Moments { cov, mean, n }
}

/// Zero variances and a non-positive-definite sample covariance, with the variables named.
pub(crate) fn check_moments(c: &Compiled, mo: &Moments) -> Result<f64, SemError> {
    let p = c.p;
    if mo.n < 2 {
        return Err(SemError::TooFewRows { n: mo.n, p });
    }
    for i in 0..p {
        let v = mo.cov[(i, i)];
        let mean = mo.mean[i];
        if !v.is_finite() || !mean.is_finite() {
            return Err(SemError::MomentsOverflow {
                name: c.var_name(i).to_string(),
            });
        }
        // Relative to the size of the values: a constant column leaves only rounding
        // (about 1e-32 of its square), while a variable in small units keeps its variance.
        if v <= 1e-14 * mean * mean || v <= f64::MIN_POSITIVE {
            return Err(SemError::ZeroVariance {
                name: c.var_name(i).to_string(),
                n: mo.n,
            });
        }
    }
    match Chol::new(&mo.cov) {
        Some(ch) => Ok(ch.logdet()),
        None => Err(not_pd_error(c, &mo.cov, mo.n)),
    }
}

fn not_pd_error(c: &Compiled, s: &DMatrix<f64>, n: usize) -> SemError {
    let p = s.nrows();
    for k in 1..p {
        let sub = s.view((0, 0), (k + 1, k + 1)).into_owned();
        if sub.cholesky().is_none() {
            let head = s.view((0, 0), (k, k)).into_owned();
            let rhs = s.view((0, k), (k, 1)).into_owned();
            let mut involved = vec![c.var_name(k).to_string()];
            if let Some(b) = head.lu().solve(&rhs) {
                for j in 0..k {
                    let w = b[j] * (s[(j, j)] / s[(k, k)]).sqrt();
                    if w.abs() > 1e-6 {
                        involved.push(c.var_name(j).to_string());
                    }
                }
            }
            let detail = if involved.len() > 1 {
                format!(
                    "{} is (nearly) a linear combination of {}",
                    involved[0],
                    involved[1..].join(", ")
                )
            } else {
                format!("{} makes the matrix singular", involved[0])
            };
            let detail = if n <= p {
                format!("{detail} ({n} rows for {p} variables)")
            } else {
                detail
            };
            return SemError::SampleCovNotPd {
                detail,
                variables: involved,
            };
        }
    }
    SemError::SampleCovNotPd {
        detail: "the matrix is not positive definite".into(),
        variables: Vec::new(),
    }
}

/// Degrees of freedom: moments not fixed by `fixed.x`, minus free parameters.
pub(crate) fn degrees_of_freedom(c: &Compiled) -> (i64, usize) {
    let (p, px) = (c.p as i64, c.x_idx.len() as i64);
    let ms = c.meanstructure as i64;
    let moments = p * (p + 1) / 2 + ms * p - (px * (px + 1) / 2 + ms * px);
    (moments - c.q() as i64, moments as usize)
}

pub(crate) fn check_df(c: &Compiled) -> Result<f64, SemError> {
    let (df, moments) = degrees_of_freedom(c);
    if df < 0 {
        return Err(SemError::NegativeDf {
            npar: c.q(),
            moments,
            df,
        });
    }
    Ok(df as f64)
}

/// Estimates on complete data (or listwise-deleted data).
fn fit_complete(prep: Prepared, options: &SemOptions) -> Result<SemFit, SemError> {
    let c = &prep.compiled;
    let mo = moments_of(&prep.data);
    let logdet_s = check_moments(c, &mo)?;
    let df = check_df(c)?;
    let mut theta = super::start::start_values(c, &mo);
    let mut problem = MlProblem::new(c, &mo, logdet_s);
    let outcome = fisher_scoring(
        &mut problem,
        &mut theta,
        options.max_iterations,
        options.tolerance,
    )?;
    let mut warnings = prep.warnings.clone();
    let nf = mo.n as f64;
    // Information at the estimates.
    let (_, _, h) = problem
        .value_grad_info(&theta, false)
        .ok_or(SemError::SingularStructure)?;
    let info_kind = match (options.se, options.information, options.estimator) {
        (SeMethod::Bootstrap, _, _) => "Bootstrap",
        (_, _, Estimator::Mlr) | (_, Information::Observed, _) => "Observed",
        _ => "Expected",
    };
    // Robust ML: sandwich covariance and the traces of the scaled test, at the estimates.
    let robust = match options.estimator {
        Estimator::Ml => None,
        est => Some(super::robust::robust_parts(
            &mut problem,
            &theta,
            &prep.data,
            &mo,
            est,
        )?),
    };
    let info = if options.information == Information::Observed {
        super::hessian::numeric_hessian(&mut problem, &theta)
    } else {
        h
    };
    // The bootstrap replaces the information-based covariance.
    let boot = if options.se == SeMethod::Bootstrap {
        let mut ram = RamMatrices::new(c.n);
        c.fill(&theta, &problem.exo, &mut ram);
        let mut est: Vec<f64> = (0..c.table.rows().len())
            .map(|r| c.row_value(r, &ram))
            .collect();
        for v in est.iter_mut() {
            if v.is_nan() {
                *v = 0.0;
            }
        }
        Some(super::bootstrap::bootstrap(
            c, &prep.data, &theta, &est, options,
        )?)
    } else {
        None
    };
    let vcov = match options.se {
        SeMethod::None => None,
        SeMethod::Bootstrap => boot.as_ref().map(|b| b.vcov.clone()),
        _ if robust.is_some() => {
            let v = robust.as_ref().and_then(|r| r.vcov.clone());
            if v.is_none() {
                warnings.push(SemWarning::StandardErrorsUnavailable {
                    reason: "the information matrix is singular: the model may not be identified"
                        .into(),
                });
            }
            v
        }
        _ => {
            let v = spd_inverse(&info).map(|inv| inv * (2.0 / nf));
            if v.is_none() {
                warnings.push(SemWarning::StandardErrorsUnavailable {
                    reason: "the information matrix is singular: the model may not be identified"
                        .into(),
                });
            }
            v
        }
    };
    let fit = complete_fit_measures(c, &mo, &theta, outcome.value, df, logdet_s);
    let robust_fit = robust.as_ref().map(|parts| {
        super::robust::robust_fit(
            options.estimator,
            parts,
            fit.chisq,
            fit.df,
            fit.baseline_chisq,
            fit.baseline_df,
            mo.n,
            // lavaan divides by its free-parameter count before equality constraints.
            c.table.rows().iter().filter(|r| r.free.is_some()).count(),
            degrees_of_freedom(c).1,
        )
    });
    let mut out = assemble(
        c,
        &theta,
        &ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean),
        vcov,
        fit,
        Assembly {
            outcome,
            options,
            n_used: mo.n,
            n_original: prep.n_original,
            sample_cov: mo.cov.clone(),
            sample_mean: mo.mean.clone(),
            warnings,
            information: info_kind,
        },
    )?;
    if let Some(b) = boot {
        super::bootstrap::apply_to_fit(&mut out, b, options.boot_ci);
    }
    out.robust = robust_fit;
    Ok(out)
}

/// Log-likelihood of the fixed covariates' marginal distribution at their sample moments.
pub(crate) fn x_marginal_logl(c: &Compiled, s: &DMatrix<f64>, n: f64) -> f64 {
    if c.x_idx.is_empty() {
        return 0.0;
    }
    let px = c.x_idx.len();
    let sxx = DMatrix::from_fn(px, px, |a, b| s[(c.x_idx[a], c.x_idx[b])]);
    let ld = sxx.cholesky().map_or(f64::NAN, |ch| chol_logdet(&ch));
    -n / 2.0 * (px as f64 * LN_2PI + ld + px as f64)
}

/// Baseline (independence) chi-square and df: variances free, covariances zero, the fixed
/// covariate block kept at its sample values.
pub(crate) fn baseline(c: &Compiled, s: &DMatrix<f64>, logdet_s: f64, n: f64) -> (f64, f64) {
    let p = c.p;
    let px = c.x_idx.len();
    let mut ld0 = 0.0;
    for i in 0..p {
        if !c.x_idx.contains(&i) {
            ld0 += s[(i, i)].ln();
        }
    }
    if px > 0 {
        let sxx = DMatrix::from_fn(px, px, |a, b| s[(c.x_idx[a], c.x_idx[b])]);
        ld0 += sxx.cholesky().map_or(f64::NAN, |ch| chol_logdet(&ch));
    }
    let chisq0 = n * (ld0 - logdet_s);
    let df0 = (p * (p + 1) / 2 - px * (px + 1) / 2 - (p - px)) as f64;
    (chisq0, df0)
}

fn complete_fit_measures(
    c: &Compiled,
    mo: &Moments,
    theta: &[f64],
    fmin_f: f64,
    df: f64,
    logdet_s: f64,
) -> FitMeasures {
    let nf = mo.n as f64;
    let p = c.p as f64;
    let chisq = (nf * fmin_f).max(0.0);
    let x_ll = x_marginal_logl(c, &mo.cov, nf);
    let logl_h1 = -nf / 2.0 * (p * LN_2PI + logdet_s + p) - x_ll;
    let logl = logl_h1 - chisq / 2.0;
    let (chisq0, df0) = baseline(c, &mo.cov, logdet_s, nf);
    let mut ram = RamMatrices::new(c.n);
    c.fill(
        theta,
        &ExoMoments::from_sample(&c.x_idx, &mo.cov, &mo.mean),
        &mut ram,
    );
    let _ = ram.implied_sparse(c);
    let sigma = ram.sigma(c.p);
    let mu = ram.mu(c.p);
    fit_measures::compute(&FitInput {
        chisq,
        df,
        npar: c.q(),
        n: mo.n,
        logl,
        logl_h1,
        baseline_chisq: chisq0,
        baseline_df: df0,
        s: &mo.cov,
        xbar: &mo.mean,
        sigma: &sigma,
        mu: &mu,
        meanstructure: c.meanstructure,
        x_idx: &c.x_idx,
    })
}

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
