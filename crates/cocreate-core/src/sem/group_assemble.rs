//! Assembly of a multiple-group fit: every row of every group with its estimate, standard
//! error and standardised values (each group standardised with its own implied
//! variances), the defined parameters over all groups, and per group its R², moments and
//! warnings.

use nalgebra::{DMatrix, DVector};

use super::assemble::{
    defined_parameters, estimate_rows, r_squared, solution, solution_checks, Assembly,
};
use super::bootstrap::{apply_to_fit, BootSummary};
use super::error::{SemError, SemWarning};
use super::fit_measures::{compute_groups, Residuals, Totals};
use super::group_prepare::{degrees_of_freedom, PreparedGroups};
use super::inference::LabelMap;
use super::optim::OptimOutcome;
use super::options::SemOptions;
use super::partable::ParameterTable;
use super::ram::{Compiled, ExoMoments, RamMatrices};
use super::results::{Convergence, FitMeasures, GroupFit, SemFit};
use super::robust::{robust_fit_groups, RobustParts};
use super::standardize::{standardize, standardize_defined, Standardized};

/// What one group brings to the assembly.
pub(crate) struct GroupPart<'a> {
    pub label: &'a str,
    pub compiled: &'a Compiled,
    /// Index of the group's first row in the whole table.
    pub offset: usize,
    pub exo: ExoMoments,
    pub n: usize,
    pub sample_cov: DMatrix<f64>,
    pub sample_mean: DVector<f64>,
    pub chisq: f64,
    pub logl: f64,
    pub srmr: f64,
}

/// Builds the result of a multiple-group fit.
pub(crate) fn assemble_groups(
    table: &ParameterTable,
    parts: Vec<GroupPart>,
    theta: &[f64],
    vcov: Option<DMatrix<f64>>,
    fit: FitMeasures,
    a: Assembly,
) -> Result<SemFit, SemError> {
    let level = a.options.level;
    let q = theta.len();
    let rows = table.rows();
    let nrows = rows.len();
    let mut est = vec![f64::NAN; nrows];
    let mut st = Standardized {
        std_lv: vec![f64::NAN; nrows],
        std_all: vec![f64::NAN; nrows],
        std_nox: vec![f64::NAN; nrows],
        jac_all: DMatrix::zeros(nrows, q),
        jac_lv: DMatrix::zeros(nrows, q),
    };
    let mut warnings = a.warnings;
    let mut groups = Vec::with_capacity(parts.len());
    for part in parts {
        let c = part.compiled;
        let mut ram = RamMatrices::new(c.n);
        c.fill(theta, &part.exo, &mut ram);
        ram.implied_sparse(c).map_err(|e| e.in_group(part.label))?;
        let view_labels = LabelMap::new(&c.table);
        let gs = standardize(c, &ram, &view_labels);
        for r in 0..c.table.rows().len() {
            let k = part.offset + r;
            est[k] = c.row_value(r, &ram);
            st.std_lv[k] = gs.std_lv[r];
            st.std_all[k] = gs.std_all[r];
            st.std_nox[k] = gs.std_nox[r];
            st.jac_all.row_mut(k).copy_from(&gs.jac_all.row(r));
            st.jac_lv.row_mut(k).copy_from(&gs.jac_lv.row(r));
        }
        let (group_warnings, latent_cov) = solution_checks(c, &ram);
        warnings.extend(group_warnings.into_iter().map(|w| SemWarning::InGroup {
            group: part.label.to_string(),
            warning: Box::new(w),
        }));
        let p = c.p;
        groups.push(GroupFit {
            label: part.label.to_string(),
            n_used: part.n,
            chisq: part.chisq,
            logl: part.logl,
            srmr: part.srmr,
            r2: r_squared(c, &ram),
            implied_cov: ram.sigma(p),
            implied_mean: ram.mu(p),
            sample_cov: part.sample_cov,
            sample_mean: part.sample_mean,
            latent_cov,
        });
    }
    let mut se: Vec<Option<f64>> = rows
        .iter()
        .map(|r| match (r.free, &vcov) {
            (Some(k), Some(v)) => Some(v[(k, k)].max(0.0).sqrt()),
            (Some(_), None) => None,
            (None, _) => Some(0.0),
        })
        .collect();
    let labels = LabelMap::new(table);
    let (vcov_defined, def_warnings) =
        defined_parameters(table, &labels, theta, &mut est, &mut se, vcov.as_ref());
    warnings.extend(def_warnings);
    standardize_defined(table, &labels, q, &mut st);
    let standardized = solution(rows, &st.std_all, &st.jac_all, vcov.as_ref(), level);
    let standardized_lv = solution(rows, &st.std_lv, &st.jac_lv, vcov.as_ref(), level);
    let estimates = estimate_rows(rows, &est, &se, &st, a.options);
    let first = &groups[0];
    Ok(SemFit {
        estimates,
        standardized,
        standardized_lv,
        fit,
        r2: first.r2.clone(),
        theta: theta.to_vec(),
        vcov,
        vcov_defined,
        implied_cov: first.implied_cov.clone(),
        implied_mean: Some(first.implied_mean.clone()),
        sample_cov: first.sample_cov.clone(),
        sample_mean: first.sample_mean.clone(),
        latent_cov: first.latent_cov.clone(),
        n_used: a.n_used,
        n_original: a.n_original,
        warnings,
        convergence: Convergence {
            converged: true,
            iterations: a.outcome.iterations,
            gradient_norm: a.outcome.gradient_norm / 2.0,
        },
        options: a.options.clone(),
        table: table.clone(),
        information: a.information.to_string(),
        bootstrap: None,
        robust: None,
        wls: Default::default(),
        groups,
    })
}

/// What a multiple-group estimator hands to [`finish`] besides its estimates: the groups'
/// parts of the fit and the robust and bootstrap results, if any.
pub(crate) struct GroupResults<'a> {
    pub vcov: Option<DMatrix<f64>>,
    pub parts: Vec<GroupPart<'a>>,
    pub residuals: Vec<Residuals>,
    pub totals: Totals,
    pub robust: Option<RobustParts>,
    pub boot: Option<BootSummary>,
}

impl<'a> GroupResults<'a> {
    /// No group yet, for a model of `npar` free parameters with `df` degrees of freedom
    /// fitted to `n` rows in `groups` groups.
    pub fn new(groups: usize, df: f64, npar: usize, n: usize) -> Self {
        GroupResults {
            vcov: None,
            parts: Vec::with_capacity(groups),
            residuals: Vec::with_capacity(groups),
            totals: Totals {
                chisq: 0.0,
                df,
                npar,
                n,
                logl: 0.0,
                logl_h1: 0.0,
                baseline_chisq: 0.0,
                baseline_df: 0.0,
            },
            robust: None,
            boot: None,
        }
    }

    /// Adds a group: its part (with its χ² and log-likelihood), its residuals, its
    /// saturated log-likelihood and its baseline model's χ² and degrees of freedom.
    pub fn push(&mut self, part: GroupPart<'a>, r: Residuals, logl_h1: f64, baseline: (f64, f64)) {
        let t = &mut self.totals;
        t.chisq += part.chisq;
        t.logl += part.logl;
        t.logl_h1 += logl_h1;
        t.baseline_chisq += baseline.0;
        t.baseline_df += baseline.1;
        self.residuals.push(r);
        self.parts.push(part);
    }
}

/// The last step of every multiple-group fit: the fit measures from the groups' parts,
/// the robust indices (lavaan divides by its free-parameter count before equality
/// constraints), the assembled result and the bootstrap's intervals.
pub(crate) fn finish(
    prep: &PreparedGroups,
    theta: &[f64],
    results: GroupResults,
    outcome: OptimOutcome,
    options: &SemOptions,
    warnings: Vec<SemWarning>,
    information: &'static str,
) -> Result<SemFit, SemError> {
    let fit = compute_groups(&results.totals, &results.residuals);
    let robust_fit = results.robust.as_ref().map(|parts| {
        robust_fit_groups(
            options.estimator,
            parts,
            &fit,
            prep.table
                .rows()
                .iter()
                .filter(|r| r.free.is_some())
                .count(),
            degrees_of_freedom(prep).1,
            prep.groups.len(),
        )
    });
    let assembly = Assembly {
        outcome,
        options,
        n_used: prep.n(),
        n_original: prep.n_original,
        sample_cov: DMatrix::zeros(0, 0),
        sample_mean: DVector::zeros(0),
        warnings,
        information,
    };
    let mut out = assemble_groups(
        &prep.table,
        results.parts,
        theta,
        results.vcov,
        fit,
        assembly,
    )?;
    if let Some(b) = results.boot {
        apply_to_fit(&mut out, b, options.boot_ci);
    }
    out.robust = robust_fit;
    Ok(out)
}
