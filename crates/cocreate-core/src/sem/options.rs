//! Fitting options: lavaan's `sem()`/`cfa()` defaults, each switchable.

use super::error::{quoted, SemError};
use super::group_equal::{GroupEqual, ParameterId};
use crate::ordinal::Ordered;

/// How rows with missing values are handled.
///
/// ```
/// use cocreate_core::sem::Missing;
/// assert_eq!("ml.x".parse::<Missing>().unwrap(), Missing::MlX);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Missing {
    /// Drop every row with a missing value in a model variable (lavaan's default).
    #[default]
    Listwise,
    /// Full-information ML: casewise likelihood by missingness pattern. Rows with a missing
    /// fixed exogenous covariate are dropped (lavaan's `missing = "ml"`).
    Ml,
    /// As [`Missing::Ml`], but rows with a missing covariate are kept (`missing = "ml.x"`).
    MlX,
}

impl Missing {
    /// lavaan's name of the method (`listwise`, `ml`, `ml.x`).
    ///
    /// ```
    /// use cocreate_core::sem::Missing;
    /// assert_eq!(Missing::MlX.as_str(), "ml.x");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Missing::Listwise => "listwise",
            Missing::Ml => "ml",
            Missing::MlX => "ml.x",
        }
    }
}

impl std::str::FromStr for Missing {
    type Err = SemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "listwise" => Ok(Missing::Listwise),
            "ml" | "fiml" | "direct" => Ok(Missing::Ml),
            "ml.x" => Ok(Missing::MlX),
            other => Err(SemError::InvalidOption {
                option: "missing",
                value: quoted(other),
                allowed: "the missing-data method is listwise, ml (also fiml or direct) or ml.x"
                    .into(),
            }),
        }
    }
}

/// Whether the model has a mean structure (intercepts and means).
///
/// ```
/// use cocreate_core::sem::{MeanStructure, SemOptions};
/// let o = SemOptions::builder().meanstructure(MeanStructure::On).build()?;
/// assert_eq!(o.meanstructure(), MeanStructure::On);
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MeanStructure {
    /// lavaan's default: on with FIML or when the model has `~ 1` terms, off otherwise.
    #[default]
    Auto,
    /// Always (lavaan's `meanstructure = TRUE`): free intercepts of observed variables.
    On,
    /// Never (an error with FIML or with `~ 1` terms).
    Off,
}

impl MeanStructure {
    /// The name of the setting: `auto`, `on` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            MeanStructure::Auto => "auto",
            MeanStructure::On => "on",
            MeanStructure::Off => "off",
        }
    }
}

impl std::str::FromStr for MeanStructure {
    type Err = SemError;
    /// `auto` (lavaan's `"default"`), `on` (`TRUE`) or `off` (`FALSE`).
    ///
    /// ```
    /// use cocreate_core::sem::MeanStructure;
    /// assert_eq!("TRUE".parse::<MeanStructure>().unwrap(), MeanStructure::On);
    /// assert!("maybe".parse::<MeanStructure>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" | "default" => Ok(MeanStructure::Auto),
            "on" | "true" | "TRUE" => Ok(MeanStructure::On),
            "off" | "false" | "FALSE" => Ok(MeanStructure::Off),
            other => Err(SemError::InvalidOption {
                option: "meanstructure",
                value: quoted(other),
                allowed: "the mean structure is auto, on or off".into(),
            }),
        }
    }
}

/// Which bootstrap interval fills `ci.lower`/`ci.upper` when SEs come from the bootstrap.
///
/// ```
/// use cocreate_core::sem::{BootCi, SeMethod, SemOptions};
/// let o = SemOptions::builder().se(SeMethod::Bootstrap).boot_ci(BootCi::BiasCorrected).build()?;
/// assert_eq!(o.boot_ci(), BootCi::BiasCorrected);
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum BootCi {
    /// Percentile interval with `boot`'s normal-quantile interpolation (lavaan's `perc`).
    #[default]
    Percentile,
    /// Bias-corrected percentile (lavaan's `bca.simple`).
    BiasCorrected,
    /// Normal-theory interval around the bias-corrected estimate (lavaan's `norm`).
    Normal,
    /// Basic (reverse percentile) interval.
    Basic,
}

impl BootCi {
    /// lavaan's name of the interval (`boot.ci.type`): `perc`, `bca.simple`, `norm` or
    /// `basic`.
    pub fn as_str(self) -> &'static str {
        match self {
            BootCi::Percentile => "perc",
            BootCi::BiasCorrected => "bca.simple",
            BootCi::Normal => "norm",
            BootCi::Basic => "basic",
        }
    }
}

impl std::str::FromStr for BootCi {
    type Err = SemError;
    /// lavaan's names (`boot.ci.type`): `perc`, `bca.simple`, `norm`, `basic`.
    ///
    /// ```
    /// use cocreate_core::sem::BootCi;
    /// assert_eq!("bca.simple".parse::<BootCi>().unwrap(), BootCi::BiasCorrected);
    /// assert!("bca".parse::<BootCi>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "perc" => Ok(BootCi::Percentile),
            "bca.simple" => Ok(BootCi::BiasCorrected),
            "norm" => Ok(BootCi::Normal),
            "basic" => Ok(BootCi::Basic),
            other => Err(SemError::InvalidOption {
                option: "boot_ci",
                value: quoted(other),
                allowed: "the bootstrap interval is perc, bca.simple, norm or basic".into(),
            }),
        }
    }
}

/// How standard errors are computed.
///
/// ```
/// use cocreate_core::sem::{SeMethod, SemOptions};
/// assert_eq!(SemOptions::default().se(), SeMethod::Standard);
/// assert!(SemOptions::builder().se(SeMethod::Bootstrap).bootstrap(1).build().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SeMethod {
    /// From the information matrix: expected for complete data, observed for FIML.
    #[default]
    Standard,
    /// Nonparametric bootstrap (see [`SemOptions`]'s `bootstrap` and `seed`).
    Bootstrap,
    /// No standard errors.
    None,
}

impl std::str::FromStr for SeMethod {
    type Err = SemError;
    /// lavaan's names: `standard`, `bootstrap`, `none`.
    ///
    /// ```
    /// use cocreate_core::sem::SeMethod;
    /// assert_eq!("bootstrap".parse::<SeMethod>().unwrap(), SeMethod::Bootstrap);
    /// assert!("jackknife".parse::<SeMethod>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "standard" => Ok(SeMethod::Standard),
            "bootstrap" => Ok(SeMethod::Bootstrap),
            "none" => Ok(SeMethod::None),
            other => Err(SemError::InvalidOption {
                option: "se",
                value: quoted(other),
                allowed: "standard errors are standard, bootstrap or none".into(),
            }),
        }
    }
}

/// The estimator: maximum likelihood, or ML with robust standard errors and a scaled test.
///
/// ```
/// use cocreate_core::sem::Estimator;
/// assert_eq!("MLR".parse::<Estimator>().unwrap(), Estimator::Mlr);
/// assert_eq!(Estimator::Mlm.as_str(), "MLM");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Estimator {
    /// Maximum likelihood with normal-theory standard errors and test (lavaan `"ML"`).
    #[default]
    Ml,
    /// ML estimates, robust standard errors from the expected information and the
    /// Satorra–Bentler scaled test (lavaan `"MLM"`); complete data only.
    Mlm,
    /// ML estimates, sandwich standard errors around the observed information and the
    /// Yuan–Bentler scaled test (lavaan `"MLR"`, test `yuan.bentler.mplus`).
    Mlr,
    /// For ordered variables (lavaan `"WLSMV"`): diagonally weighted least squares on the
    /// thresholds and polychoric correlations, robust standard errors (`robust.sem`) and
    /// the mean-and-variance adjusted (scaled-shifted) test, delta parameterization. The
    /// estimator whenever [`SemOptions::ordered`] names variables.
    Wlsmv,
}

impl Estimator {
    /// lavaan's name of the estimator.
    pub fn as_str(self) -> &'static str {
        match self {
            Estimator::Ml => "ML",
            Estimator::Mlm => "MLM",
            Estimator::Mlr => "MLR",
            Estimator::Wlsmv => "WLSMV",
        }
    }
}

impl std::str::FromStr for Estimator {
    type Err = SemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "ML" => Ok(Estimator::Ml),
            "MLM" => Ok(Estimator::Mlm),
            "MLR" => Ok(Estimator::Mlr),
            "WLSMV" => Ok(Estimator::Wlsmv),
            _ => Err(SemError::InvalidOption {
                option: "estimator",
                value: quoted(s),
                allowed: "the estimator is ML, MLM, MLR or WLSMV".into(),
            }),
        }
    }
}

/// Which information matrix gives the standard errors.
///
/// ```
/// use cocreate_core::sem::{Information, SemOptions};
/// let o = SemOptions::builder().information(Information::Observed).build()?;
/// assert_eq!(o.information(), Information::Observed);
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Information {
    /// lavaan's default: expected for complete data, observed for FIML.
    #[default]
    Auto,
    /// Expected (Fisher) information.
    Expected,
    /// Observed information (the Hessian of the log-likelihood).
    Observed,
}

impl Information {
    /// The name of the setting: `auto`, `expected` or `observed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Information::Auto => "auto",
            Information::Expected => "expected",
            Information::Observed => "observed",
        }
    }
}

impl std::str::FromStr for Information {
    type Err = SemError;
    /// `auto` (lavaan's `"default"`), `expected` or `observed`.
    ///
    /// ```
    /// use cocreate_core::sem::Information;
    /// assert_eq!("observed".parse::<Information>().unwrap(), Information::Observed);
    /// assert!("fisher".parse::<Information>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" | "default" => Ok(Information::Auto),
            "expected" => Ok(Information::Expected),
            "observed" => Ok(Information::Observed),
            other => Err(SemError::InvalidOption {
                option: "information",
                value: quoted(other),
                allowed: "the information matrix is auto, expected or observed".into(),
            }),
        }
    }
}

/// Validated fitting options. Build with [`SemOptions::builder`]; the default is lavaan's
/// `sem()`.
///
/// ```
/// use cocreate_core::sem::{Missing, SemOptions};
/// let opts = SemOptions::builder().std_lv(true).missing(Missing::Ml).build()?;
/// assert!(opts.std_lv());
/// assert!(SemOptions::builder().level(1.5).build().is_err());
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
///
/// Deserialising goes through the same validation as [`SemOptionsBuilder::build`], so a
/// stored options file cannot carry a level of 1.5 or zero iterations:
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use cocreate_core::sem::SemOptions;
/// let mut v = serde_json::to_value(SemOptions::default()).unwrap();
/// v["level"] = serde_json::json!(1.5);
/// let err = serde_json::from_value::<SemOptions>(v).unwrap_err();
/// assert!(err.to_string().contains("confidence level"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SemOptionsRepr"))]
pub struct SemOptions {
    pub(crate) std_lv: bool,
    pub(crate) auto_fix_first: bool,
    pub(crate) auto_fix_single: bool,
    pub(crate) auto_var: bool,
    pub(crate) auto_cov_lv_x: bool,
    pub(crate) auto_cov_y: bool,
    pub(crate) orthogonal: bool,
    pub(crate) fixed_x: bool,
    pub(crate) meanstructure: MeanStructure,
    pub(crate) missing: Missing,
    pub(crate) se: SeMethod,
    pub(crate) information: Information,
    pub(crate) bootstrap: usize,
    pub(crate) seed: u64,
    pub(crate) boot_ci: BootCi,
    pub(crate) level: f64,
    pub(crate) max_iterations: usize,
    pub(crate) tolerance: f64,
    pub(crate) int_ov_free: bool,
    pub(crate) int_lv_free: bool,
    pub(crate) estimator: Estimator,
    pub(crate) group: Option<String>,
    pub(crate) group_equal: Vec<GroupEqual>,
    pub(crate) group_partial: Vec<ParameterId>,
    pub(crate) ordered: Ordered,
}

/// The unvalidated field set of [`SemOptions`], read by serde and then validated.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SemOptionsRepr {
    std_lv: bool,
    auto_fix_first: bool,
    auto_fix_single: bool,
    auto_var: bool,
    auto_cov_lv_x: bool,
    auto_cov_y: bool,
    orthogonal: bool,
    fixed_x: bool,
    meanstructure: MeanStructure,
    missing: Missing,
    se: SeMethod,
    information: Information,
    bootstrap: usize,
    seed: u64,
    boot_ci: BootCi,
    level: f64,
    max_iterations: usize,
    tolerance: f64,
    // Options added after the first release default to their old behaviour, so options
    // stored before them still load.
    #[serde(default = "yes")]
    int_ov_free: bool,
    #[serde(default)]
    int_lv_free: bool,
    #[serde(default)]
    estimator: Estimator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(default)]
    group_equal: Vec<GroupEqual>,
    #[serde(default)]
    group_partial: Vec<ParameterId>,
    #[serde(default = "no_ordered")]
    ordered: Ordered,
}

#[cfg(feature = "serde")]
fn no_ordered() -> Ordered {
    Ordered::None
}

#[cfg(feature = "serde")]
fn yes() -> bool {
    true
}

#[cfg(feature = "serde")]
impl TryFrom<SemOptionsRepr> for SemOptions {
    type Error = SemError;
    fn try_from(r: SemOptionsRepr) -> Result<Self, SemError> {
        SemOptionsBuilder {
            opts: SemOptions {
                std_lv: r.std_lv,
                auto_fix_first: r.auto_fix_first,
                auto_fix_single: r.auto_fix_single,
                auto_var: r.auto_var,
                auto_cov_lv_x: r.auto_cov_lv_x,
                auto_cov_y: r.auto_cov_y,
                orthogonal: r.orthogonal,
                fixed_x: r.fixed_x,
                meanstructure: r.meanstructure,
                missing: r.missing,
                se: r.se,
                information: r.information,
                bootstrap: r.bootstrap,
                seed: r.seed,
                boot_ci: r.boot_ci,
                level: r.level,
                max_iterations: r.max_iterations,
                tolerance: r.tolerance,
                int_ov_free: r.int_ov_free,
                int_lv_free: r.int_lv_free,
                estimator: r.estimator,
                group: r.group,
                group_equal: r.group_equal,
                group_partial: r.group_partial,
                ordered: r.ordered,
            },
        }
        .build()
    }
}

impl Default for SemOptions {
    fn default() -> Self {
        SemOptions {
            std_lv: false,
            auto_fix_first: true,
            auto_fix_single: true,
            auto_var: true,
            auto_cov_lv_x: true,
            auto_cov_y: true,
            orthogonal: false,
            fixed_x: true,
            meanstructure: MeanStructure::Auto,
            missing: Missing::Listwise,
            se: SeMethod::Standard,
            information: Information::Auto,
            bootstrap: 1000,
            seed: 0,
            boot_ci: BootCi::Percentile,
            level: 0.95,
            max_iterations: 1000,
            tolerance: 1e-10,
            int_ov_free: true,
            int_lv_free: false,
            estimator: Estimator::Ml,
            group: None,
            group_equal: Vec::new(),
            group_partial: Vec::new(),
            ordered: Ordered::None,
        }
    }
}

macro_rules! getters {
    ($($name:ident: $ty:ty, $doc:literal;)*) => {
        impl SemOptions {
            $(#[doc = $doc] pub fn $name(&self) -> $ty { self.$name })*
        }
        impl SemOptionsBuilder {
            $(#[doc = $doc] pub fn $name(mut self, value: $ty) -> Self { self.opts.$name = value; self })*
        }
    };
}

getters! {
    std_lv: bool, "Identify latent variables by fixing their (residual) variances to 1 and freeing all loadings (lavaan `std.lv`).";
    auto_fix_first: bool, "Fix the first loading of each latent variable to 1 (lavaan `auto.fix.first`).";
    auto_fix_single: bool, "Fix the residual variance of a single indicator to 0 (lavaan `auto.fix.single`).";
    auto_var: bool, "Free all residual variances of observed and latent variables (lavaan `auto.var`).";
    auto_cov_lv_x: bool, "Free the covariances among exogenous latent variables (lavaan `auto.cov.lv.x`).";
    auto_cov_y: bool, "Free residual covariances among dependent variables that predict nothing (lavaan `auto.cov.y`).";
    orthogonal: bool, "Fix the covariances among exogenous latent variables to 0 (lavaan `orthogonal`).";
    fixed_x: bool, "Treat exogenous observed covariates as fixed at their sample moments (lavaan `fixed.x`).";
    meanstructure: MeanStructure, "Whether the model has intercepts and means.";
    missing: Missing, "How rows with missing values are handled.";
    se: SeMethod, "How standard errors are computed.";
    information: Information, "Which information matrix gives the standard errors.";
    bootstrap: usize, "Number of bootstrap replicates (with `se = Bootstrap`).";
    seed: u64, "Seed of the bootstrap.";
    boot_ci: BootCi, "Which bootstrap interval the parameter table reports.";
    level: f64, "Confidence level of the intervals (default 0.95).";
    max_iterations: usize, "Maximum optimiser iterations.";
    tolerance: f64, "Convergence tolerance on the relative step size.";
    int_ov_free: bool, "Free the intercepts of observed variables when there is a mean structure (lavaan `int.ov.free`; off in `growth()`).";
    estimator: Estimator, "The estimator (ML, robust MLM / MLR, or WLSMV for ordered variables).";
    int_lv_free: bool, "Free the means (intercepts) of latent variables when there is a mean structure (lavaan `int.lv.free`; on in `growth()`).";
}

impl SemOptions {
    /// The grouping column of a multiple-group fit (lavaan's `group =`), if any.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The kinds of parameters held equal across groups (lavaan's `group.equal`).
    pub fn group_equal(&self) -> &[GroupEqual] {
        &self.group_equal
    }

    /// Parameters freed from [`SemOptions::group_equal`] (lavaan's `group.partial`).
    pub fn group_partial(&self) -> &[ParameterId] {
        &self.group_partial
    }

    /// The observed variables treated as ordered categories (lavaan's `ordered`); none by
    /// default. Naming any makes the estimator WLSMV.
    pub fn ordered(&self) -> &Ordered {
        &self.ordered
    }

    /// Whether some variable is declared ordered.
    pub(crate) fn has_ordered(&self) -> bool {
        match &self.ordered {
            Ordered::None => false,
            Ordered::Only(names) => !names.is_empty(),
            _ => true,
        }
    }

    /// A builder starting from lavaan's `sem()` defaults.
    pub fn builder() -> SemOptionsBuilder {
        SemOptionsBuilder {
            opts: SemOptions::default(),
        }
    }

    /// lavaan's `cfa()` defaults (the same as `sem()`).
    ///
    /// ```
    /// use cocreate_core::sem::SemOptions;
    /// assert_eq!(SemOptions::cfa(), SemOptions::default());
    /// ```
    pub fn cfa() -> SemOptions {
        SemOptions::default()
    }

    /// lavaan's `growth()` defaults: a mean structure, the intercepts of the observed
    /// indicators fixed to 0 and the latent means (intercepts) free, so the growth factors
    /// carry the mean trajectory. Start a builder from it with [`SemOptions::to_builder`].
    ///
    /// ```
    /// use cocreate_core::sem::{MeanStructure, SemOptions};
    /// let g = SemOptions::growth();
    /// assert_eq!(g.meanstructure(), MeanStructure::On);
    /// assert!(!g.int_ov_free() && g.int_lv_free());
    /// ```
    pub fn growth() -> SemOptions {
        SemOptions {
            meanstructure: MeanStructure::On,
            int_ov_free: false,
            int_lv_free: true,
            ..SemOptions::default()
        }
    }

    /// A builder starting from these options.
    pub fn to_builder(&self) -> SemOptionsBuilder {
        SemOptionsBuilder { opts: self.clone() }
    }
}

/// Builder of [`SemOptions`]; [`SemOptionsBuilder::build`] validates.
///
/// ```
/// use cocreate_core::sem::SemOptions;
/// let o = SemOptions::builder().fixed_x(false).auto_cov_y(false).level(0.9).build()?;
/// assert!(!o.fixed_x());
/// assert!(SemOptions::builder().tolerance(0.0).build().is_err());
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SemOptionsBuilder {
    opts: SemOptions,
}

impl SemOptionsBuilder {
    /// Fits one model per group of the rows, the groups being the values of this column
    /// (lavaan's `group =`), in order of first appearance. Every parameter is free in each
    /// group unless [`group_equal`](Self::group_equal), a shared label or a vector modifier
    /// says otherwise; the model has a mean structure. Groups take the ML, MLM and MLR
    /// estimators, full-information ML (`missing = ml`, `ml.x`, with ML or MLR) and ordered
    /// variables (WLSMV, the configural model: no `group_equal`, labels or defined
    /// parameters with them yet); general constraints are fitted for one group only.
    ///
    /// ```
    /// use cocreate_core::sem::{GroupEqual, SemOptions};
    /// let o = SemOptions::builder()
    ///     .group("school")
    ///     .group_equal([GroupEqual::Loadings, GroupEqual::Intercepts])
    ///     .group_partial(["x3 ~ 1".parse()?])
    ///     .build()?;
    /// assert_eq!(o.group(), Some("school"));
    /// assert_eq!(o.group_partial()[0].to_string(), "x3 ~ 1");
    /// // Equality across groups needs groups.
    /// assert!(SemOptions::builder().group_equal([GroupEqual::Loadings]).build().is_err());
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn group(mut self, column: impl Into<String>) -> Self {
        self.opts.group = Some(column.into());
        self
    }

    /// Back to a single-group fit.
    pub fn no_group(mut self) -> Self {
        self.opts.group = None;
        self
    }

    /// The kinds of parameters held equal across groups (lavaan's `group.equal`); an empty
    /// list frees every parameter in every group (the configural model).
    pub fn group_equal<I: IntoIterator<Item = GroupEqual>>(mut self, kinds: I) -> Self {
        let mut v: Vec<GroupEqual> = Vec::new();
        for k in kinds {
            if !v.contains(&k) {
                v.push(k);
            }
        }
        self.opts.group_equal = v;
        self
    }

    /// Parameters freed from `group_equal` in every group (lavaan's `group.partial`).
    pub fn group_partial<I: IntoIterator<Item = ParameterId>>(mut self, parameters: I) -> Self {
        let mut v: Vec<ParameterId> = Vec::new();
        for p in parameters {
            if !v.contains(&p) {
                v.push(p);
            }
        }
        self.opts.group_partial = v;
        self
    }

    /// Declares observed variables as ordered categories (lavaan's `ordered`):
    /// [`Ordered::All`] for every observed variable of the model, [`Ordered::only`] for
    /// some. The fit then uses lavaan's WLSMV ([`Estimator::Wlsmv`]).
    ///
    /// ```
    /// use cocreate_core::ordinal::Ordered;
    /// use cocreate_core::sem::{Estimator, Missing, SemOptions};
    /// let o = SemOptions::builder().ordered(Ordered::All).build()?;
    /// assert_eq!(o.estimator(), Estimator::Wlsmv);
    /// // Full-information ML with ordered variables is refused, as lavaan does.
    /// assert!(SemOptions::builder().ordered(Ordered::All).missing(Missing::Ml).build().is_err());
    /// # Ok::<(), cocreate_core::sem::SemError>(())
    /// ```
    pub fn ordered(mut self, ordered: Ordered) -> Self {
        self.opts.ordered = ordered;
        self
    }

    /// Validates and returns the options.
    pub fn build(self) -> Result<SemOptions, SemError> {
        let mut this = self;
        if this.opts.has_ordered() && this.opts.estimator == Estimator::Ml {
            // lavaan's default estimator for ordered data.
            this.opts.estimator = Estimator::Wlsmv;
        }
        let o = &this.opts;
        let invalid = |option: &'static str, value: String, allowed: String| {
            Err(SemError::InvalidOption {
                option,
                value,
                allowed,
            })
        };
        if !(o.level > 0.0 && o.level < 1.0) {
            return invalid(
                "level",
                o.level.to_string(),
                "the confidence level must be strictly between 0 and 1".into(),
            );
        }
        if o.max_iterations == 0 || o.max_iterations > super::MAX_ITERATIONS {
            return invalid(
                "max_iterations",
                o.max_iterations.to_string(),
                format!("max_iterations must be from 1 to {}", super::MAX_ITERATIONS),
            );
        }
        if !(o.tolerance > 0.0 && o.tolerance < 1e-2) {
            return invalid(
                "tolerance",
                o.tolerance.to_string(),
                "the tolerance must be in (0, 0.01)".into(),
            );
        }
        if o.se == SeMethod::Bootstrap && o.bootstrap < 2 {
            return invalid(
                "bootstrap",
                o.bootstrap.to_string(),
                "the bootstrap needs at least 2 replicates".into(),
            );
        }
        if o.bootstrap > super::MAX_BOOTSTRAP_DRAWS {
            return invalid(
                "bootstrap",
                o.bootstrap.to_string(),
                format!(
                    "bootstrap replicates are too many (at most {})",
                    super::MAX_BOOTSTRAP_DRAWS
                ),
            );
        }
        let incompatible = |option: &'static str, value: &str, with: String, reason| {
            Err(SemError::IncompatibleOptions {
                option,
                value: value.into(),
                with,
                reason,
            })
        };
        if o.estimator == Estimator::Mlm && o.missing != Missing::Listwise {
            return incompatible(
                "estimator",
                "MLM",
                format!("missing = {}", o.missing.as_str()),
                "MLM needs complete data (Satorra-Bentler scaling uses the complete-data fourth moments); use estimator = MLR, which supports missing = ml and ml.x, or missing = listwise",
            );
        }
        if o.estimator == Estimator::Mlr && o.information == Information::Expected {
            return incompatible(
                "estimator",
                "MLR",
                "information = expected".into(),
                "MLR uses the observed information; use MLM for robust standard errors from the expected information",
            );
        }
        if o.estimator == Estimator::Mlm && o.information == Information::Observed {
            return incompatible(
                "estimator",
                "MLM",
                "information = observed".into(),
                "MLM uses the expected information; use MLR for the observed information",
            );
        }
        if let Some(g) = &o.group {
            if g.trim().is_empty() {
                return invalid(
                    "group",
                    quoted(g),
                    "the group option names a column of the data".into(),
                );
            }
            if o.meanstructure == MeanStructure::Off {
                return incompatible(
                    "group",
                    g,
                    "meanstructure = off".into(),
                    "a multiple-group model has intercepts and means in every group",
                );
            }
        } else if let Some(k) = o.group_equal.first() {
            return incompatible(
                "group_equal",
                k.as_str(),
                "a single group".into(),
                "equality across groups needs a grouping column (the group option)",
            );
        } else if let Some(p) = o.group_partial.first() {
            return incompatible(
                "group_partial",
                &p.to_string(),
                "a single group".into(),
                "group_partial frees parameters from group_equal and needs a grouping column (the group option)",
            );
        }
        if o.has_ordered() {
            if o.missing != Missing::Listwise {
                return incompatible(
                    "missing",
                    o.missing.as_str(),
                    "ordered variables".into(),
                    "full-information ML is not available for ordered variables (lavaan refuses it too); WLSMV uses the rows with every variable observed: use missing = listwise",
                );
            }
            if matches!(o.estimator, Estimator::Mlm | Estimator::Mlr) {
                return incompatible(
                    "estimator",
                    o.estimator.as_str(),
                    "ordered variables".into(),
                    "ordered variables are fitted by WLSMV (diagonally weighted least squares on the polychoric correlations); use the default estimator or WLSMV",
                );
            }
            if o.information == Information::Observed {
                return incompatible(
                    "information",
                    "observed",
                    "ordered variables".into(),
                    "WLSMV uses the expected information (lavaan's default for it)",
                );
            }
        } else if o.estimator == Estimator::Wlsmv {
            return incompatible(
                "estimator",
                "WLSMV",
                "no ordered variables".into(),
                "WLSMV is for ordered (categorical) variables: name them with ordered(...)",
            );
        }
        if o.missing != Missing::Listwise && o.meanstructure == MeanStructure::Off {
            return incompatible(
                "missing",
                o.missing.as_str(),
                "meanstructure = off".into(),
                "full-information ML needs a mean structure",
            );
        }
        Ok(this.opts)
    }
}
