//! The results of a fit: estimates, standard errors, standardised solutions, fit
//! measures, the robust test and the bootstrap, warnings. Only the types and their
//! accessors live here; estimators fill them in (`assemble`, `bootstrap`, `robust`) and
//! the reports read them (`summary`, `dot`, `modindices`, `validity`, `predict`).

use nalgebra::{DMatrix, DVector};

use super::constraints::ACTIVE_SLACK;
use super::error::SemWarning;
use super::model::ConstraintOp;
use super::op::Op;
use super::options::{Estimator, SemOptions};
use super::partable::ParameterTable;

/// Reads a number, or `null` (how JSON writes `NaN`: a quantity with no value, such as
/// the log-likelihood of a WLSMV fit) as `NaN`.
#[cfg(feature = "serde")]
fn nan_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    use serde::Deserialize;
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// One row of the parameter estimates (lavaan's `parameterEstimates()` with
/// `standardized = TRUE`).
///
/// ```
/// # use cocreate_core::sem::{Model, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..50).map(|i| { let x = (i as f64 * 0.37).sin(); vec![Some(x), Some(0.5 * x + (i as f64 * 1.3).cos())] }).collect();
/// # let data = Table::new(vec!["x".into(), "y".into()], rows)?;
/// let fit = Model::parse("y ~ b*x")?.fit(&data, &SemOptions::default())?;
/// let b = fit.by_label("b").unwrap();
/// assert!(b.se.unwrap() > 0.0);
/// assert!((b.ci_lower..=b.ci_upper).contains(&b.est));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ParameterEstimate {
    /// Left-hand side.
    pub lhs: String,
    /// Operator.
    pub op: Op,
    /// Right-hand side.
    pub rhs: String,
    /// The group, by label (empty for a single-group fit and for defined parameters).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub group: String,
    /// Label (empty if none).
    pub label: String,
    /// Index of the free parameter, if free.
    pub free: Option<usize>,
    /// Written by the user.
    pub user: bool,
    /// A fixed exogenous-covariate moment.
    pub exo: bool,
    /// Estimate.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub est: f64,
    /// Standard error: 0 for fixed parameters, `None` when unavailable.
    pub se: Option<f64>,
    /// Wald z = est / se.
    pub z: Option<f64>,
    /// Two-sided p-value of z.
    pub pvalue: Option<f64>,
    /// Lower bound of the confidence interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub ci_lower: f64,
    /// Upper bound of the confidence interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub ci_upper: f64,
    /// Estimate with latent variables standardised.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub std_lv: f64,
    /// Estimate with latent and observed variables standardised.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub std_all: f64,
    /// As `std_all`, but exogenous observed covariates are left unstandardised.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub std_nox: f64,
}

/// One row of the completely standardised solution with delta-method standard errors
/// (lavaan's `standardizedSolution()`).
///
/// ```
/// # use cocreate_core::sem::{Model, Op, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..50).map(|i| { let x = (i as f64 * 0.37).sin(); vec![Some(x), Some(0.5 * x + (i as f64 * 1.3).cos())] }).collect();
/// # let data = Table::new(vec!["x".into(), "y".into()], rows)?;
/// let fit = Model::parse("y ~ x")?.fit(&data, &SemOptions::default())?;
/// let beta = fit.standardized_solution().iter().find(|s| s.op == Op::Regression).unwrap();
/// assert!(beta.est_std.abs() < 1.0 && beta.se.unwrap() > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct StandardizedEstimate {
    /// Left-hand side.
    pub lhs: String,
    /// Operator.
    pub op: Op,
    /// Right-hand side.
    pub rhs: String,
    /// The group, by label (empty for a single-group fit and for defined parameters).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub group: String,
    /// Label.
    pub label: String,
    /// Standardised estimate (`std.all`).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub est_std: f64,
    /// Delta-method standard error.
    pub se: Option<f64>,
    /// z statistic.
    pub z: Option<f64>,
    /// Two-sided p-value.
    pub pvalue: Option<f64>,
    /// Lower confidence bound.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub ci_lower: f64,
    /// Upper confidence bound.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub ci_upper: f64,
}

/// A general constraint at the estimates (lavaan's `parameterEstimates()` row of a `==`,
/// `>` or `<` line).
///
/// ```
/// # use cocreate_core::sem::{Model, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..60).map(|i| { let t = i as f64; let (x1, x2) = ((t * 0.37).sin(), (t * 0.71).cos());
/// #     vec![Some(x1), Some(x2), Some(0.2 * x1 + 0.5 * x2 + 0.4 * (t * 1.3).cos())] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "y".into()], rows)?;
/// let fit = Model::parse("y ~ a*x1 + b*x2\na > 0.4\nb < 2")?.fit(&data, &SemOptions::default())?;
/// let c = fit.constraints();
/// assert!(c[0].active && c[0].value.abs() < 1e-12); // a is held at 0.4
/// assert!(!c[1].active && c[1].value > 0.0);
/// assert!((fit.by_label("a").unwrap().est - 0.4).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConstraintEstimate {
    /// The left side as written (whitespace removed).
    pub lhs: String,
    /// The relation.
    pub op: ConstraintOp,
    /// The right side as written.
    pub rhs: String,
    /// `lhs − rhs` at the estimates (`rhs − lhs` for `<`): zero for an equality, at least
    /// zero for an inequality, zero where it binds (lavaan's `est` of the row).
    pub value: f64,
    /// Whether the constraint binds: every equality, and the inequalities with a slack of
    /// at most 1e-5 (lavaan's rule; these enter the standard errors as equalities).
    pub active: bool,
}

/// Global fit: test statistics, comparative indices, information criteria, RMSEA, SRMR.
///
/// Field names follow lavaan's `fitMeasures()`; see `docs/methods/sem.md` for formulas.
///
/// ```
/// # use cocreate_core::sem::{Model, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..80).map(|i| { let t = i as f64; let f = (t * 0.7).sin();
/// #     vec![Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos()), Some(f + 0.5 * (t * 3.7).cos()), Some(0.9 * f + 0.5 * (t * 5.1).sin())] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into(), "x4".into()], rows)?;
/// let fit = Model::parse("f =~ x1 + x2 + x3 + x4")?.fit(&data, &SemOptions::default())?;
/// let fm = fit.fit_measures();
/// assert_eq!(fm.df, 2.0);
/// assert!((0.0..=1.0).contains(&fm.cfi) && fm.rmsea_ci_lower <= fm.rmsea);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FitMeasures {
    /// Free parameters.
    pub npar: usize,
    /// Minimum of the fit function (`F_ML / 2`).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub fmin: f64,
    /// Chi-square test statistic.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// p-value of the chi-square test (`None` when df = 0).
    pub pvalue: Option<f64>,
    /// Baseline (independence) model chi-square.
    pub baseline_chisq: f64,
    /// Baseline degrees of freedom.
    pub baseline_df: f64,
    /// Baseline p-value.
    pub baseline_pvalue: Option<f64>,
    /// Comparative fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub cfi: f64,
    /// Tucker-Lewis index (non-normed fit index).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub tli: f64,
    /// Normed fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub nfi: f64,
    /// Relative fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rfi: f64,
    /// Incremental fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub ifi: f64,
    /// Relative noncentrality index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rni: f64,
    /// Parsimony normed fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub pnfi: f64,
    /// Log-likelihood of the model (conditional on fixed covariates).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub logl: f64,
    /// Log-likelihood of the saturated model.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub unrestricted_logl: f64,
    /// Akaike information criterion.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub aic: f64,
    /// Bayesian information criterion.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub bic: f64,
    /// Sample-size adjusted BIC.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub bic2: f64,
    /// Observations used.
    pub ntotal: usize,
    /// Root mean square error of approximation.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea: f64,
    /// Lower bound of its 90% interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_ci_lower: f64,
    /// Upper bound of its 90% interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_ci_upper: f64,
    /// p-value of close fit (H0: RMSEA ≤ 0.05).
    pub rmsea_pvalue: Option<f64>,
    /// p-value of not-close fit (H0: RMSEA ≥ 0.08).
    pub rmsea_notclose_pvalue: Option<f64>,
    /// Root mean square residual.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmr: f64,
    /// Standardised root mean square residual (Bentler).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub srmr: f64,
    /// SRMR as Mplus computes it.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub srmr_mplus: f64,
    /// Correlation root mean square residual (off-diagonal).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub crmr: f64,
    /// Goodness-of-fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub gfi: f64,
    /// Adjusted GFI.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub agfi: f64,
    /// Parsimony GFI.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub pgfi: f64,
    /// McDonald's fit index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub mfi: f64,
    /// Expected cross-validation index.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub ecvi: f64,
    /// Hoelter's critical N at α = 0.05.
    pub cn_05: Option<f64>,
    /// Hoelter's critical N at α = 0.01.
    pub cn_01: Option<f64>,
}

/// How the optimiser ended.
///
/// ```
/// # use cocreate_core::sem::{Model, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..50).map(|i| { let x = (i as f64 * 0.37).sin(); vec![Some(x), Some(0.5 * x + (i as f64 * 1.3).cos())] }).collect();
/// # let data = Table::new(vec!["x".into(), "y".into()], rows)?;
/// let c = Model::parse("y ~ x")?.fit(&data, &SemOptions::default())?.convergence();
/// assert!(c.converged && c.gradient_norm < 1e-8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Convergence {
    /// Always `true` in a returned fit (non-convergence is an error).
    pub converged: bool,
    /// Iterations.
    pub iterations: usize,
    /// Largest absolute element of the gradient of `F_ML / 2` at the estimates.
    pub gradient_norm: f64,
}

/// The scaled test and the scaled and robust fit indices of a robust ML fit, under the
/// names of lavaan's `fitMeasures()` (`chisq.scaled` is `chisq_scaled`, and so on).
///
/// ```
/// # use cocreate_core::sem::{Estimator, Model, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..120).map(|i| { let t = i as f64; let f = (t * 0.7).sin();
/// #     vec![Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos().powi(3)), Some(f + 0.5 * (t * 3.7).cos()), Some(0.9 * f + 0.5 * (t * 5.1).sin())] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into(), "x4".into()], rows)?;
/// let opts = SemOptions::builder().estimator(Estimator::Mlr).build()?;
/// let fit = Model::parse("f =~ x1 + x2 + x3 + x4")?.fit(&data, &opts)?;
/// let r = fit.robust().unwrap();
/// assert!(r.chisq_scaling_factor > 0.0);
/// assert!((r.chisq_scaled - fit.fit_measures().chisq / r.chisq_scaling_factor).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RobustFit {
    /// Which robust estimator (`MLM`, `MLR` or `WLSMV`).
    pub estimator: Estimator,
    /// lavaan's name of the scaled test (`satorra.bentler`, `yuan.bentler.mplus` or
    /// `scaled.shifted`).
    pub test: String,
    /// Scaled chi-square `chisq / chisq_scaling_factor`.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub chisq_scaled: f64,
    /// Degrees of freedom of the scaled test (those of the model).
    pub df_scaled: f64,
    /// p-value of the scaled test (`None` when df = 0).
    pub pvalue_scaled: Option<f64>,
    /// Scaling factor `c = tr(UΓ) / df`.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub chisq_scaling_factor: f64,
    /// `tr(UΓ)`.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub trace_ugamma: f64,
    /// MLR: `tr(A₁⁻¹B₁) / p*` of the saturated model (`None` for MLM).
    pub scaling_factor_h1: Option<f64>,
    /// MLR: `tr(A₀⁻¹B₀) / npar` of the fitted model, `npar` counting parameters tied by
    /// equality constraints separately as lavaan does (`None` for MLM).
    pub scaling_factor_h0: Option<f64>,
    /// Scaled chi-square of the baseline (independence) model.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub baseline_chisq_scaled: f64,
    /// Its p-value.
    pub baseline_pvalue_scaled: Option<f64>,
    /// Scaling factor of the baseline model.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub baseline_chisq_scaling_factor: f64,
    /// CFI from the scaled statistics of the model and the baseline.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub cfi_scaled: f64,
    /// TLI from the scaled statistics.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub tli_scaled: f64,
    /// Robust CFI (Brosseau-Liard & Savalei, 2014).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub cfi_robust: f64,
    /// Robust TLI (Brosseau-Liard & Savalei, 2014).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub tli_robust: f64,
    /// RMSEA of the scaled test (lavaan: `chisq` on `tr(UΓ)` degrees of freedom).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_scaled: f64,
    /// Lower bound of its 90% interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_ci_lower_scaled: f64,
    /// Upper bound of its 90% interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_ci_upper_scaled: f64,
    /// Its close-fit p-value (H0: RMSEA ≤ 0.05).
    pub rmsea_pvalue_scaled: Option<f64>,
    /// Robust RMSEA (Brosseau-Liard, Savalei & Li, 2012; Savalei, 2018).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_robust: f64,
    /// Lower bound of the robust 90% interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_ci_lower_robust: f64,
    /// Upper bound of the robust 90% interval.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub rmsea_ci_upper_robust: f64,
    /// Robust close-fit p-value.
    pub rmsea_pvalue_robust: Option<f64>,
    /// WLSMV's scaled-shifted test: the shift `b = df − a tr(UΓ)` added to `a χ²`, with
    /// `a = 1 / chisq_scaling_factor` (`None` for MLM and MLR).
    #[cfg_attr(feature = "serde", serde(default))]
    pub shift_parameter: Option<f64>,
    /// WLSMV: `tr((UΓ)²)`, which sets `a = √(df / tr((UΓ)²))` (`None` for MLM and MLR).
    #[cfg_attr(feature = "serde", serde(default))]
    pub trace_ugamma2: Option<f64>,
}

/// Bootstrap draws and the intervals computed from them.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::sem::{Model, SeMethod, SemOptions};
/// # let rows: Vec<Vec<Option<f64>>> = (0..60).map(|i| { let t = i as f64;
/// #     let x = (t * 0.83).sin(); vec![Some(x), Some(0.5 * x + 0.7 * (t * 1.9).cos())] }).collect();
/// # let data = Table::new(vec!["x".into(), "y".into()], rows)?;
/// let opts = SemOptions::builder().se(SeMethod::Bootstrap).bootstrap(200).seed(7).build()?;
/// let fit = Model::parse("y ~ b*x")?.fit(&data, &opts)?;
/// let boot = fit.bootstrap().unwrap();
/// assert_eq!(boot.successful + boot.failed, 200);
/// let b = fit.by_label("b").unwrap();
/// assert!(b.ci_lower < b.est && b.est < b.ci_upper);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BootstrapResult {
    /// Replicates requested.
    pub requested: usize,
    /// Replicates that converged (the rows of `draws`).
    pub successful: usize,
    /// Replicates that failed (singular resample or no convergence).
    pub failed: usize,
    /// The seed.
    pub seed: u64,
    /// Column names of `draws`: the free parameters (label, or `lhs op rhs`), then the
    /// defined parameters.
    pub names: Vec<String>,
    /// Successful draws: one row per replicate, free parameters then defined parameters.
    pub draws: DMatrix<f64>,
    /// Intervals of every parameter-table row.
    pub intervals: Vec<BootInterval>,
}

/// Bootstrap standard error and intervals of one parameter-table row.
///
/// ```
/// # use cocreate_core::data::Table;
/// # use cocreate_core::sem::{Model, SeMethod, SemOptions};
/// # let rows: Vec<Vec<Option<f64>>> = (0..60).map(|i| { let t = i as f64;
/// #     let x = (t * 0.83).sin(); vec![Some(x), Some(0.5 * x + 0.7 * (t * 1.9).cos())] }).collect();
/// # let data = Table::new(vec!["x".into(), "y".into()], rows)?;
/// let opts = SemOptions::builder().se(SeMethod::Bootstrap).bootstrap(100).seed(1).build()?;
/// let fit = Model::parse("y ~ x")?.fit(&data, &opts)?;
/// let iv = &fit.bootstrap().unwrap().intervals[0];
/// assert!(iv.percentile.0 < iv.est && iv.est < iv.percentile.1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct BootInterval {
    /// Left-hand side.
    pub lhs: String,
    /// Operator.
    pub op: Op,
    /// Right-hand side.
    pub rhs: String,
    /// The group, by label (empty for a single-group fit and for defined parameters).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub group: String,
    /// Estimate on the full sample.
    pub est: f64,
    /// Bootstrap standard error (0 for fixed parameters).
    pub se: f64,
    /// Percentile interval.
    pub percentile: (f64, f64),
    /// Bias-corrected percentile interval.
    pub bias_corrected: (f64, f64),
    /// Normal interval around the bias-corrected estimate.
    pub normal: (f64, f64),
    /// Basic interval.
    pub basic: (f64, f64),
}

/// One group of a multiple-group fit: its rows, its share of the test statistic and of
/// the SRMR, its R² and its sample and implied moments.
///
/// ```
/// # use cocreate_core::data::Table;
/// # use cocreate_core::sem::{Model, SemOptions};
/// # let rows: Vec<Vec<Option<f64>>> = (0..160).map(|i| { let t = i as f64; let f = (t * 0.7).sin();
/// #     vec![Some((i % 2) as f64), Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos()), Some(f + 0.5 * (t * 3.7).cos()), Some(0.9 * f + 0.5 * (t * 5.1).sin())] }).collect();
/// # let data = Table::new(vec!["g".into(), "x1".into(), "x2".into(), "x3".into(), "x4".into()], rows)?;
/// let opts = SemOptions::builder().group("g").build()?;
/// let fit = Model::parse("f =~ x1 + x2 + x3 + x4")?.fit(&data, &opts)?;
/// let chisq: f64 = fit.groups().iter().map(|g| g.chisq).sum();
/// assert!((chisq - fit.fit_measures().chisq).abs() < 1e-9);
/// assert_eq!(fit.groups()[0].label, "0"); // the first value met in the column
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GroupFit {
    /// The group's label (its value in the grouping column).
    pub label: String,
    /// Rows used.
    pub n_used: usize,
    /// The group's part of the chi-square statistic (`N_g F_g`; the parts sum to it).
    pub chisq: f64,
    /// The group's log-likelihood (conditional on fixed covariates); NaN with WLSMV, which
    /// has none.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub logl: f64,
    /// The group's SRMR (Bentler, mean residuals included); the fit's SRMR is their
    /// average weighted by `N_g / N`.
    pub srmr: f64,
    /// R² of every endogenous variable in this group.
    pub r2: Vec<(String, f64)>,
    /// Model-implied covariance matrix of the observed variables.
    pub implied_cov: DMatrix<f64>,
    /// Model-implied means.
    pub implied_mean: DVector<f64>,
    /// Sample covariance (N denominator; EM estimate with FIML).
    pub sample_cov: DMatrix<f64>,
    /// Sample means (EM estimate with FIML).
    pub sample_mean: DVector<f64>,
    /// Model-implied covariance matrix of the latent variables.
    pub latent_cov: DMatrix<f64>,
}

/// A fitted structural equation model.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::sem::{Model, Op, SemOptions};
///
/// # let rows: Vec<Vec<Option<f64>>> = (0..80).map(|i| {
/// #     let f = (i as f64 * 0.7).sin(); let e = |k: f64| (i as f64 * k).cos() * 0.5;
/// #     vec![Some(f + e(1.1)), Some(0.8 * f + e(2.3)), Some(1.2 * f + e(3.7))] }).collect();
/// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into()], rows)?;
/// let fit = Model::parse("f =~ x1 + x2 + x3")?.fit(&data, &SemOptions::default())?;
/// let l2 = fit.get("f", Op::MeasuredBy, "x2").unwrap();
/// assert!(l2.est > 0.0);
/// assert_eq!(fit.fit_measures().df, 0.0);
/// println!("{}", fit.summary());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A fit read from JSON is checked against its parameter table (one estimate per row,
/// matrices of the sizes the table implies) before it is accepted, so that the methods
/// that recompute from it (modification indices, factor scores) never index out of bounds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SemFitRepr"))]
#[non_exhaustive]
pub struct SemFit {
    pub(crate) estimates: Vec<ParameterEstimate>,
    pub(crate) standardized: Vec<StandardizedEstimate>,
    pub(crate) standardized_lv: Vec<StandardizedEstimate>,
    pub(crate) fit: FitMeasures,
    pub(crate) r2: Vec<(String, f64)>,
    pub(crate) theta: Vec<f64>,
    pub(crate) vcov: Option<DMatrix<f64>>,
    pub(crate) vcov_defined: Option<DMatrix<f64>>,
    pub(crate) implied_cov: DMatrix<f64>,
    pub(crate) implied_mean: Option<DVector<f64>>,
    pub(crate) sample_cov: DMatrix<f64>,
    pub(crate) sample_mean: DVector<f64>,
    pub(crate) latent_cov: DMatrix<f64>,
    pub(crate) n_used: usize,
    pub(crate) n_original: usize,
    pub(crate) warnings: Vec<SemWarning>,
    pub(crate) convergence: Convergence,
    pub(crate) options: SemOptions,
    pub(crate) table: ParameterTable,
    pub(crate) information: String,
    pub(crate) bootstrap: Option<BootstrapResult>,
    pub(crate) robust: Option<RobustFit>,
    pub(crate) groups: Vec<GroupFit>,
    /// What a WLSMV fit keeps for the scaled difference test with a nested fit.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) wls: super::wls_diff::Kept,
}

/// The unvalidated fields of a [`SemFit`], read by serde and then checked.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SemFitRepr {
    estimates: Vec<ParameterEstimate>,
    standardized: Vec<StandardizedEstimate>,
    standardized_lv: Vec<StandardizedEstimate>,
    fit: FitMeasures,
    r2: Vec<(String, f64)>,
    theta: Vec<f64>,
    vcov: Option<DMatrix<f64>>,
    vcov_defined: Option<DMatrix<f64>>,
    implied_cov: DMatrix<f64>,
    implied_mean: Option<DVector<f64>>,
    sample_cov: DMatrix<f64>,
    sample_mean: DVector<f64>,
    latent_cov: DMatrix<f64>,
    n_used: usize,
    n_original: usize,
    warnings: Vec<SemWarning>,
    convergence: Convergence,
    options: SemOptions,
    table: ParameterTable,
    information: String,
    bootstrap: Option<BootstrapResult>,
    robust: Option<RobustFit>,
    #[serde(default)]
    groups: Vec<GroupFit>,
}

#[cfg(feature = "serde")]
impl TryFrom<SemFitRepr> for SemFit {
    type Error = super::error::SemError;
    fn try_from(r: SemFitRepr) -> Result<Self, Self::Error> {
        let t = &r.table;
        let (rows, q) = (t.rows().len(), t.n_free());
        let (p, m) = (t.observed().len(), t.latent().len());
        let k = t.rows().iter().filter(|row| row.op == Op::Defined).count();
        let square = |mat: &DMatrix<f64>, n: usize| {
            if mat.nrows() != n {
                mat.nrows()
            } else {
                mat.ncols()
            }
        };
        let sizes = [
            ("estimates", r.estimates.len(), rows),
            ("standardized solution", r.standardized.len(), rows),
            ("std.lv solution", r.standardized_lv.len(), rows),
            ("free parameters", r.theta.len(), q),
            ("vcov", r.vcov.as_ref().map_or(q, |v| square(v, q)), q),
            (
                "vcov of the defined parameters",
                r.vcov_defined.as_ref().map_or(k, |v| square(v, k)),
                k,
            ),
            ("implied_cov", square(&r.implied_cov, p), p),
            (
                "implied_mean",
                r.implied_mean.as_ref().map_or(p, |v| v.len()),
                p,
            ),
            ("sample_cov", square(&r.sample_cov, p), p),
            ("sample_mean", r.sample_mean.len(), p),
            ("latent_cov", square(&r.latent_cov, m), m),
        ];
        let n_groups = t.groups().len();
        let mut sizes = sizes.to_vec();
        sizes.push(("groups", r.groups.len(), n_groups));
        for g in &r.groups {
            sizes.extend([
                ("implied_cov of a group", square(&g.implied_cov, p), p),
                ("implied_mean of a group", g.implied_mean.len(), p),
                ("sample_cov of a group", square(&g.sample_cov, p), p),
                ("sample_mean of a group", g.sample_mean.len(), p),
                ("latent_cov of a group", square(&g.latent_cov, m), m),
            ]);
        }
        for (part, found, expected) in sizes {
            if found != expected {
                return Err(super::error::SemError::StoredMismatch {
                    part,
                    found,
                    expected,
                });
            }
        }
        if let Some((g, label)) = r
            .groups
            .iter()
            .zip(t.groups())
            .find(|(g, l)| &g.label != *l)
        {
            return Err(super::error::SemError::StoredUnknownGroup {
                row: 0,
                group: if g.label.is_empty() {
                    label.clone()
                } else {
                    g.label.clone()
                },
            });
        }
        Ok(SemFit {
            estimates: r.estimates,
            standardized: r.standardized,
            standardized_lv: r.standardized_lv,
            fit: r.fit,
            r2: r.r2,
            theta: r.theta,
            vcov: r.vcov,
            vcov_defined: r.vcov_defined,
            implied_cov: r.implied_cov,
            implied_mean: r.implied_mean,
            sample_cov: r.sample_cov,
            sample_mean: r.sample_mean,
            latent_cov: r.latent_cov,
            n_used: r.n_used,
            n_original: r.n_original,
            warnings: r.warnings,
            convergence: r.convergence,
            options: r.options,
            table: r.table,
            information: r.information,
            bootstrap: r.bootstrap,
            robust: r.robust,
            groups: r.groups,
            wls: Default::default(),
        })
    }
}

impl SemFit {
    /// Every parameter, in parameter-table order (defined parameters last): lavaan's
    /// `parameterEstimates()` with `standardized = TRUE`.
    pub fn parameter_estimates(&self) -> &[ParameterEstimate] {
        &self.estimates
    }

    /// The row `lhs op rhs` (for `~~`, either order; for intercepts pass `rhs = ""`): in a
    /// multiple-group fit, the first group's (see [`SemFit::get_in_group`]).
    pub fn get(&self, lhs: &str, op: Op, rhs: &str) -> Option<&ParameterEstimate> {
        self.estimates.iter().find(|e| {
            e.op == op
                && ((e.lhs == lhs && e.rhs == rhs)
                    || (op == Op::Covariance && e.lhs == rhs && e.rhs == lhs))
        })
    }

    /// The row `lhs op rhs` of one group of a multiple-group fit, by the group's label.
    pub fn get_in_group(
        &self,
        group: &str,
        lhs: &str,
        op: Op,
        rhs: &str,
    ) -> Option<&ParameterEstimate> {
        self.estimates.iter().find(|e| {
            e.group == group
                && e.op == op
                && ((e.lhs == lhs && e.rhs == rhs)
                    || (op == Op::Covariance && e.lhs == rhs && e.rhs == lhs))
        })
    }

    /// The groups of a multiple-group fit, in the data's order of first appearance; empty
    /// for a single-group fit.
    pub fn groups(&self) -> &[GroupFit] {
        &self.groups
    }

    /// One group of a multiple-group fit, by its label.
    pub fn group(&self, label: &str) -> Option<&GroupFit> {
        self.groups.iter().find(|g| g.label == label)
    }

    /// The first row with this label (defined parameters are labelled by their name).
    pub fn by_label(&self, label: &str) -> Option<&ParameterEstimate> {
        self.estimates.iter().find(|e| e.label == label)
    }

    /// The completely standardised solution with delta-method standard errors.
    pub fn standardized_solution(&self) -> &[StandardizedEstimate] {
        &self.standardized
    }

    /// The solution with latent variables standardised (`std.lv`), with delta-method
    /// standard errors (lavaan's `standardizedSolution(type = "std.lv")`).
    pub fn standardized_solution_lv(&self) -> &[StandardizedEstimate] {
        &self.standardized_lv
    }

    /// Fit measures.
    pub fn fit_measures(&self) -> &FitMeasures {
        &self.fit
    }

    /// R² of every endogenous variable (indicators, outcomes, endogenous latents); in a
    /// multiple-group fit the first group's (each group's is in [`SemFit::groups`]).
    pub fn r_squared(&self) -> &[(String, f64)] {
        &self.r2
    }

    /// The free-parameter vector, indexed by [`ParameterEstimate::free`].
    pub fn free_parameters(&self) -> &[f64] {
        &self.theta
    }

    /// Covariance matrix of the free parameters (`None` if it could not be computed).
    pub fn vcov(&self) -> Option<&DMatrix<f64>> {
        self.vcov.as_ref()
    }

    /// Covariance matrix of the defined parameters (delta method), in definition order.
    pub fn vcov_defined(&self) -> Option<&DMatrix<f64>> {
        self.vcov_defined.as_ref()
    }

    /// Model-implied covariance matrix of the observed variables (order of
    /// [`SemFit::observed`]); in a multiple-group fit the first group's, as for the other
    /// moment matrices (each group's is in [`SemFit::groups`]).
    pub fn implied_cov(&self) -> &DMatrix<f64> {
        &self.implied_cov
    }

    /// Model-implied means (with a mean structure).
    pub fn implied_mean(&self) -> Option<&DVector<f64>> {
        self.implied_mean.as_ref()
    }

    /// Sample covariance (N denominator; EM estimate with FIML) of the observed variables.
    pub fn sample_cov(&self) -> &DMatrix<f64> {
        &self.sample_cov
    }

    /// Sample means (EM estimate with FIML).
    pub fn sample_mean(&self) -> &DVector<f64> {
        &self.sample_mean
    }

    /// Model-implied covariance matrix of the latent variables (order of [`SemFit::latent`]).
    pub fn latent_cov(&self) -> &DMatrix<f64> {
        &self.latent_cov
    }

    /// Observed variables, in the order of the matrices.
    pub fn observed(&self) -> &[String] {
        self.table.observed()
    }

    /// Latent variables.
    pub fn latent(&self) -> &[String] {
        self.table.latent()
    }

    /// (Residual) variance estimate of a variable.
    pub fn residual_variance(&self, variable: &str) -> Option<f64> {
        self.get(variable, Op::Covariance, variable).map(|e| e.est)
    }

    /// Rows used.
    pub fn n_used(&self) -> usize {
        self.n_used
    }

    /// Rows in the data.
    pub fn n_original(&self) -> usize {
        self.n_original
    }

    /// Warnings (also printed at the top of the summary).
    pub fn warnings(&self) -> &[SemWarning] {
        &self.warnings
    }

    /// Convergence report.
    pub fn convergence(&self) -> Convergence {
        self.convergence
    }

    /// The options the model was fitted with.
    pub fn options(&self) -> &SemOptions {
        &self.options
    }

    /// The parameter table.
    pub fn parameter_table(&self) -> &ParameterTable {
        &self.table
    }

    /// The scaled test and the scaled and robust fit indices, with estimator MLM or MLR.
    pub fn robust(&self) -> Option<&RobustFit> {
        self.robust.as_ref()
    }

    /// The general constraints (`a == 2*b`, `a > 0`, ...) at the estimates, in the order
    /// written; empty without them.
    pub fn constraints(&self) -> Vec<ConstraintEstimate> {
        self.table
            .constraints
            .iter()
            .map(|c| {
                let value = c.value(&self.theta);
                ConstraintEstimate {
                    lhs: c.lhs_text.clone(),
                    op: c.op,
                    rhs: c.rhs_text.clone(),
                    value,
                    active: c.is_equality() || value <= ACTIVE_SLACK,
                }
            })
            .collect()
    }

    /// The bootstrap result, with `se = Bootstrap`.
    pub fn bootstrap(&self) -> Option<&BootstrapResult> {
        self.bootstrap.as_ref()
    }
}
