//! Measurement invariance across groups: the configural → metric → scalar → strict
//! sequence that lavaan (`group.equal`) and semTools run, with a partial model when told
//! which parameters to free, the χ² difference tests between the steps (lavaan's
//! `lavTestLRT`), the changes in CFI, RMSEA and SRMR, and at which step invariance fails
//! by each of the usual criteria, each reported with its source:
//!
//! - the χ² difference test at level α (default .05);
//! - Cheung & Rensvold (2002): ΔCFI ≤ −.010;
//! - Chen (2007): ΔCFI ≤ −.010 together with ΔRMSEA ≥ .015 or ΔSRMR ≥ .030 (loadings) /
//!   ≥ .010 (intercepts, residuals).
//!
//! Each step is compared with the step before it (a partial model with the full step
//! below its own level), as semTools' `compareFit` does.

use std::fmt::{self, Write};

use super::error::SemError;
use super::group_equal::{GroupEqual, ParameterId};
use super::lrt::{lav_test_lrt, LrtTable};
use super::model::Model;
use super::op::Op;
use super::options::SemOptions;
use super::results::{FitMeasures, SemFit};
use crate::data::Table;

/// A level of measurement invariance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum InvarianceLevel {
    /// The same model in every group, every parameter free.
    Configural,
    /// Equal loadings (weak invariance).
    Metric,
    /// Equal loadings and intercepts (strong invariance); latent means free in every group
    /// but the first.
    Scalar,
    /// Equal loadings, intercepts and residual variances.
    Strict,
}

impl InvarianceLevel {
    /// The levels, in order.
    pub const ALL: [InvarianceLevel; 4] = [
        InvarianceLevel::Configural,
        InvarianceLevel::Metric,
        InvarianceLevel::Scalar,
        InvarianceLevel::Strict,
    ];

    /// The level's name (`configural`, `metric`, `scalar`, `strict`).
    pub fn as_str(self) -> &'static str {
        match self {
            InvarianceLevel::Configural => "configural",
            InvarianceLevel::Metric => "metric",
            InvarianceLevel::Scalar => "scalar",
            InvarianceLevel::Strict => "strict",
        }
    }

    /// lavaan's `group.equal` of the level.
    pub fn group_equal(self) -> Vec<GroupEqual> {
        let all = [
            GroupEqual::Loadings,
            GroupEqual::Intercepts,
            GroupEqual::Residuals,
        ];
        let k = match self {
            InvarianceLevel::Configural => 0,
            InvarianceLevel::Metric => 1,
            InvarianceLevel::Scalar => 2,
            InvarianceLevel::Strict => 3,
        };
        all[..k].to_vec()
    }

    /// The level at which a parameter of this kind is first held equal (`None` for a
    /// parameter the sequence never constrains).
    fn of(p: &ParameterId, latent: &[String]) -> Option<InvarianceLevel> {
        match p.op() {
            Op::MeasuredBy => Some(InvarianceLevel::Metric),
            Op::Intercept if !latent.iter().any(|l| l == p.lhs()) => Some(InvarianceLevel::Scalar),
            Op::Threshold => Some(InvarianceLevel::Scalar),
            Op::Covariance if p.lhs() == p.rhs() && !latent.iter().any(|l| l == p.lhs()) => {
                Some(InvarianceLevel::Strict)
            }
            _ => None,
        }
    }
}

impl fmt::Display for InvarianceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The cut-offs of the change criteria, with their published defaults
/// ([`InvarianceRule::default`]). A step "fails" a criterion when the change from the step
/// before it crosses the cut-off.
///
/// ```
/// use cocreate_core::sem::InvarianceRule;
/// let r = InvarianceRule::default();
/// assert_eq!((r.alpha, r.delta_cfi, r.delta_rmsea), (0.05, -0.01, 0.015));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InvarianceRule {
    /// Level of the χ² difference test (p below it fails).
    pub alpha: f64,
    /// ΔCFI at or below which a step fails (Cheung & Rensvold 2002; Chen 2007): −.010.
    pub delta_cfi: f64,
    /// ΔRMSEA at or above which a step fails with the ΔCFI (Chen 2007): .015.
    pub delta_rmsea: f64,
    /// ΔSRMR at or above which equal loadings fail with the ΔCFI (Chen 2007): .030.
    pub delta_srmr_loadings: f64,
    /// ΔSRMR at or above which equal intercepts or residuals fail with the ΔCFI (Chen
    /// 2007): .010.
    pub delta_srmr_intercepts: f64,
}

impl Default for InvarianceRule {
    fn default() -> Self {
        InvarianceRule {
            alpha: 0.05,
            delta_cfi: -0.01,
            delta_rmsea: 0.015,
            delta_srmr_loadings: 0.030,
            delta_srmr_intercepts: 0.010,
        }
    }
}

/// What [`measurement_invariance`] fits: the levels up to `through` (strict by default),
/// and a partial model freeing `partial` when it is not empty.
///
/// ```
/// use cocreate_core::sem::{InvarianceLevel, InvarianceOptions};
/// let o = InvarianceOptions::builder()
///     .partial(["x3 ~ 1".parse()?])
///     .through(InvarianceLevel::Scalar)
///     .build()?;
/// assert_eq!(o.through(), InvarianceLevel::Scalar);
/// assert!(InvarianceOptions::builder().through(InvarianceLevel::Configural).build().is_err());
/// # Ok::<(), cocreate_core::sem::SemError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InvarianceOptions {
    partial: Vec<ParameterId>,
    through: InvarianceLevel,
    rule: InvarianceRule,
}

impl Default for InvarianceOptions {
    fn default() -> Self {
        InvarianceOptions {
            partial: Vec::new(),
            through: InvarianceLevel::Strict,
            rule: InvarianceRule::default(),
        }
    }
}

impl InvarianceOptions {
    /// A builder from the defaults (through strict, no partial model, published cut-offs).
    pub fn builder() -> InvarianceOptionsBuilder {
        InvarianceOptionsBuilder {
            opts: InvarianceOptions::default(),
        }
    }
    /// Parameters the partial model frees.
    pub fn partial(&self) -> &[ParameterId] {
        &self.partial
    }
    /// The last level fitted.
    pub fn through(&self) -> InvarianceLevel {
        self.through
    }
    /// The cut-offs.
    pub fn rule(&self) -> InvarianceRule {
        self.rule
    }
}

/// Builder of [`InvarianceOptions`].
#[derive(Debug, Clone)]
pub struct InvarianceOptionsBuilder {
    opts: InvarianceOptions,
}

impl InvarianceOptionsBuilder {
    /// Parameters to free in a partial model (lavaan's `group.partial`): loadings,
    /// intercepts or residual variances of observed variables. The partial model holds
    /// everything else of the highest level these belong to equal.
    pub fn partial<I: IntoIterator<Item = ParameterId>>(mut self, parameters: I) -> Self {
        self.opts.partial = parameters.into_iter().collect();
        self
    }
    /// The last level to fit (metric, scalar or strict).
    pub fn through(mut self, level: InvarianceLevel) -> Self {
        self.opts.through = level;
        self
    }
    /// The cut-offs.
    pub fn rule(mut self, rule: InvarianceRule) -> Self {
        self.opts.rule = rule;
        self
    }
    /// Checks the options.
    pub fn build(self) -> Result<InvarianceOptions, SemError> {
        let o = &self.opts;
        if o.through == InvarianceLevel::Configural {
            return Err(SemError::InvalidOption {
                option: "through",
                value: "configural".into(),
                allowed: "an invariance sequence goes through metric, scalar or strict".into(),
            });
        }
        let r = &o.rule;
        if !(r.alpha > 0.0 && r.alpha < 1.0) {
            return Err(SemError::InvalidOption {
                option: "alpha",
                value: r.alpha.to_string(),
                allowed: "the level of the χ² difference test is strictly between 0 and 1".into(),
            });
        }
        for (option, v) in [
            ("delta_cfi", -r.delta_cfi),
            ("delta_rmsea", r.delta_rmsea),
            ("delta_srmr_loadings", r.delta_srmr_loadings),
            ("delta_srmr_intercepts", r.delta_srmr_intercepts),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(SemError::InvalidOption {
                    option,
                    value: v.to_string(),
                    allowed: "a change cut-off is a finite number (at most 0 for CFI, at least 0 for RMSEA and SRMR)".into(),
                });
            }
        }
        Ok(self.opts)
    }
}

/// Which criteria a step fails (each `true` says: invariance does not hold here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvarianceFlags {
    /// The χ² difference test rejects at level α (lavaan's `lavTestLRT`).
    pub chisq_difference: bool,
    /// ΔCFI ≤ −.010 (Cheung & Rensvold 2002).
    pub cheung_rensvold_2002: bool,
    /// ΔCFI ≤ −.010 with ΔRMSEA ≥ .015 or ΔSRMR ≥ .030 / .010 (Chen 2007).
    pub chen_2007: bool,
}

/// One fitted step of the sequence and its comparison with the step before it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvarianceStep {
    /// The step's name: `configural`, `metric`, `scalar`, `strict`, or `partial scalar`
    /// (and so on) for the partial model.
    pub name: String,
    /// The level whose constraints it holds.
    pub level: InvarianceLevel,
    /// What it holds equal across groups (lavaan's `group.equal`).
    pub group_equal: Vec<GroupEqual>,
    /// What it frees of those (lavaan's `group.partial`).
    pub group_partial: Vec<ParameterId>,
    /// Its fit measures.
    pub fit: FitMeasures,
    /// Each group's part of its χ², by group label.
    pub chisq_by_group: Vec<(String, f64)>,
    /// The step it is compared with (an index into [`InvarianceReport::steps`]).
    pub compared_with: Option<usize>,
    /// χ² difference with that step.
    pub chisq_diff: Option<f64>,
    /// Difference of the degrees of freedom.
    pub df_diff: Option<f64>,
    /// p-value of the difference test.
    pub pvalue: Option<f64>,
    /// RMSEA of the difference test (lavaan 0.6).
    pub rmsea_diff: Option<f64>,
    /// CFI of this step minus CFI of the step compared with.
    pub delta_cfi: Option<f64>,
    /// RMSEA of this step minus RMSEA of the step compared with.
    pub delta_rmsea: Option<f64>,
    /// SRMR of this step minus SRMR of the step compared with.
    pub delta_srmr: Option<f64>,
    /// The criteria this step fails.
    pub flags: InvarianceFlags,
}

/// The result of [`measurement_invariance`]: the steps, the likelihood-ratio tables, and
/// where invariance first fails by each criterion.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvarianceReport {
    /// The grouping column.
    pub group: String,
    /// The groups, by label, with their rows.
    pub groups: Vec<(String, usize)>,
    /// The full steps (configural first), then the partial model if any.
    pub steps: Vec<InvarianceStep>,
    /// lavaan's `lavTestLRT` of the full steps.
    pub lrt: LrtTable,
    /// lavaan's `lavTestLRT` of all steps, the partial model included.
    pub lrt_with_partial: Option<LrtTable>,
    /// The cut-offs used.
    pub rule: InvarianceRule,
    /// Per criterion, the first full step that fails it (`None`: invariance holds through
    /// the last step fitted).
    pub first_failure: InvarianceFailures,
    /// The fits, in the order of `steps`.
    pub fits: Vec<SemFit>,
    /// What the sequence did differently from the one asked for (with ordered variables
    /// it stops at the scalar step), in sentences.
    pub notes: Vec<String>,
}

/// The first full step that fails each criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct InvarianceFailures {
    /// By the χ² difference test.
    pub chisq_difference: Option<InvarianceLevel>,
    /// By Cheung & Rensvold (2002).
    pub cheung_rensvold_2002: Option<InvarianceLevel>,
    /// By Chen (2007).
    pub chen_2007: Option<InvarianceLevel>,
}

/// Fits the invariance sequence of `model` across the groups of `options.group`
/// (configural, metric, scalar, strict, as far as `invariance.through()`; a partial model
/// when `invariance.partial()` is not empty) and compares each step with the one before.
///
/// `options` carries everything else of the fits (estimator, missing data); its
/// `group_equal` and `group_partial` must be empty, since each step sets its own. The
/// model needs latent variables (`=~`).
///
/// ```no_run
/// use cocreate_core::data::{CsvOptions, Table};
/// use cocreate_core::sem::{measurement_invariance, InvarianceOptions, Model, SemOptions};
/// let data = Table::from_csv_path_with(
///     "HolzingerSwineford1939.csv",
///     &CsvOptions::builder().id_column("school").build()?,
/// )?;
/// let model = Model::parse("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9")?;
/// let opts = SemOptions::builder().group("school").build()?;
/// let report = measurement_invariance(&model, &data, &opts, &InvarianceOptions::default())?;
/// println!("{report}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn measurement_invariance(
    model: &Model,
    data: &Table,
    options: &SemOptions,
    invariance: &InvarianceOptions,
) -> Result<InvarianceReport, SemError> {
    let Some(group) = options.group() else {
        return Err(SemError::IncompatibleOptions {
            option: "invariance",
            value: "on".into(),
            with: "a single group".into(),
            reason: "measurement invariance compares groups: set the group option",
        });
    };
    if let Some(k) = options.group_equal().first() {
        return Err(SemError::IncompatibleOptions {
            option: "group_equal",
            value: k.as_str().into(),
            with: "the invariance sequence".into(),
            reason: "each step of the sequence sets its own equality constraints; give parameters to free as the partial model",
        });
    }
    // Ordered variables: the scalar step holds the thresholds equal (lavaan: with ordered
    // variables `intercepts` implies `thresholds`), and under the delta parameterization
    // the residual variances are not parameters, so there is no strict step.
    let ordered = options.estimator() == super::options::Estimator::Wlsmv;
    let mut notes = Vec::new();
    let through = if ordered && invariance.through > InvarianceLevel::Scalar {
        notes.push("With ordered variables the sequence stops at the scalar step (equal loadings and thresholds): the residual variances of their latent responses are not parameters (delta parameterization), so strict invariance adds no constraint.".to_string());
        InvarianceLevel::Scalar
    } else {
        invariance.through
    };
    let level_equal = |level: InvarianceLevel| -> Vec<GroupEqual> {
        let mut k = level.group_equal();
        if ordered {
            for g in k.iter_mut().filter(|g| **g == GroupEqual::Intercepts) {
                *g = GroupEqual::Thresholds;
            }
        }
        k
    };
    if let Some(p) = options.group_partial().first() {
        return Err(SemError::IncompatibleOptions {
            option: "group_partial",
            value: p.to_string(),
            with: "the invariance sequence".into(),
            reason: "give the parameters to free in the invariance options (partial), not in the fit options",
        });
    }
    let latent: Vec<String> = model.latent_names().iter().map(|s| s.to_string()).collect();
    if latent.is_empty() {
        return Err(SemError::IncompatibleOptions {
            option: "invariance",
            value: "on".into(),
            with: "a model without latent variables".into(),
            reason: "measurement invariance is about loadings, intercepts and residuals of indicators (=~); compare regressions with group_equal = regressions",
        });
    }
    let partial_level = invariance
        .partial
        .iter()
        .map(|p| {
            InvarianceLevel::of(p, &latent).ok_or_else(|| SemError::InvalidOption {
                option: "partial",
                value: super::error::quoted(&p.to_string()),
                allowed: "a partial model frees loadings (=~), intercepts (~ 1), thresholds (x | t1) or residual variances (~~) of observed variables".into(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max();
    let fit_level = |level: InvarianceLevel, partial: &[ParameterId]| -> Result<SemFit, SemError> {
        let opts = options
            .to_builder()
            .group_equal(level_equal(level))
            .group_partial(partial.iter().cloned())
            .build()?;
        model.fit(data, &opts)
    };
    let mut steps = Vec::new();
    let mut fits = Vec::new();
    for level in InvarianceLevel::ALL {
        if level > through {
            break;
        }
        let fit = fit_level(level, &[])?;
        steps.push(step(level.as_str(), level, level_equal(level), &[], &fit));
        fits.push(fit);
    }
    let full = steps.len();
    if let Some(level) = partial_level {
        if level > through {
            return Err(SemError::InvalidOption {
                option: "partial",
                value: level.as_str().into(),
                allowed: format!(
                    "the partial model frees {level} parameters, but the sequence stops at {through}"
                ),
            });
        }
        let fit = fit_level(level, &invariance.partial)?;
        steps.push(step(
            &format!("partial {level}"),
            level,
            level_equal(level),
            &invariance.partial,
            &fit,
        ));
        fits.push(fit);
    }
    // Each full step against the one before; the partial model against the full step
    // below its level.
    let rule = invariance.rule;
    for k in 1..steps.len() {
        let base = if k < full {
            k - 1
        } else {
            InvarianceLevel::ALL
                .iter()
                .position(|l| *l == steps[k].level)
                .unwrap_or(1)
                - 1
        };
        let t = lav_test_lrt(&[
            (steps[base].name.as_str(), &fits[base]),
            (steps[k].name.as_str(), &fits[k]),
        ])?;
        let row = &t.rows[1];
        let (a, b) = (&steps[base].fit, &steps[k].fit);
        let (dcfi, drmsea, dsrmr) = (b.cfi - a.cfi, b.rmsea - a.rmsea, b.srmr - a.srmr);
        let srmr_cut = if steps[k].level == InvarianceLevel::Metric {
            rule.delta_srmr_loadings
        } else {
            rule.delta_srmr_intercepts
        };
        let cfi_fails = dcfi <= rule.delta_cfi;
        let s = &mut steps[k];
        s.compared_with = Some(base);
        s.chisq_diff = row.chisq_diff;
        s.df_diff = row.df_diff;
        s.pvalue = row.pvalue;
        s.rmsea_diff = row.rmsea;
        s.delta_cfi = Some(dcfi);
        s.delta_rmsea = Some(drmsea);
        s.delta_srmr = Some(dsrmr);
        s.flags = InvarianceFlags {
            chisq_difference: row.pvalue.is_some_and(|p| p < rule.alpha),
            cheung_rensvold_2002: cfi_fails,
            chen_2007: cfi_fails && (drmsea >= rule.delta_rmsea || dsrmr >= srmr_cut),
        };
    }
    let named: Vec<(&str, &SemFit)> = steps
        .iter()
        .zip(&fits)
        .map(|(s, f)| (s.name.as_str(), f))
        .collect();
    let lrt = lav_test_lrt(&named[..full])?;
    let lrt_with_partial = if steps.len() > full {
        Some(lav_test_lrt(&named)?)
    } else {
        None
    };
    let first = |f: &dyn Fn(&InvarianceFlags) -> bool| {
        steps[..full].iter().find(|s| f(&s.flags)).map(|s| s.level)
    };
    let first_failure = InvarianceFailures {
        chisq_difference: first(&|f| f.chisq_difference),
        cheung_rensvold_2002: first(&|f| f.cheung_rensvold_2002),
        chen_2007: first(&|f| f.chen_2007),
    };
    Ok(InvarianceReport {
        group: group.to_string(),
        groups: fits[0]
            .groups()
            .iter()
            .map(|g| (g.label.clone(), g.n_used))
            .collect(),
        steps,
        lrt,
        lrt_with_partial,
        rule,
        first_failure,
        fits,
        notes,
    })
}

fn step(
    name: &str,
    level: InvarianceLevel,
    group_equal: Vec<GroupEqual>,
    partial: &[ParameterId],
    fit: &SemFit,
) -> InvarianceStep {
    InvarianceStep {
        name: name.to_string(),
        level,
        group_equal,
        group_partial: partial.to_vec(),
        fit: fit.fit_measures().clone(),
        chisq_by_group: fit
            .groups()
            .iter()
            .map(|g| (g.label.clone(), g.chisq))
            .collect(),
        compared_with: None,
        chisq_diff: None,
        df_diff: None,
        pvalue: None,
        rmsea_diff: None,
        delta_cfi: None,
        delta_rmsea: None,
        delta_srmr: None,
        flags: InvarianceFlags::default(),
    }
}

fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.decimals$}"),
        _ => "-".into(),
    }
}

impl InvarianceReport {
    /// The fit of a step, by its name (`metric`, `partial scalar`, ...).
    pub fn fit(&self, name: &str) -> Option<&SemFit> {
        self.steps
            .iter()
            .position(|s| s.name == name)
            .map(|k| &self.fits[k])
    }

    /// The report: the groups, each step's fit, the comparisons with their flags, and at
    /// which step invariance fails by each criterion (the same text as `Display`).
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Measurement invariance across groups of {:?}",
            self.group
        );
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|(l, n)| format!("{l} (n = {n})"))
            .collect();
        let _ = writeln!(out, "Groups: {}\n", groups.join(", "));
        let w = self
            .steps
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .max(10);
        let _ = writeln!(out, "Fit of each model:\n");
        let _ = writeln!(
            out,
            "  {:<w$} {:>5} {:>9} {:>4} {:>7} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9}",
            "", "npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic"
        );
        for s in &self.steps {
            let f = &s.fit;
            let _ = writeln!(
                out,
                "  {:<w$} {:>5} {:>9.3} {:>4} {:>7} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>9} {:>9}",
                s.name,
                f.npar,
                f.chisq,
                f.df,
                num(f.pvalue, 3),
                f.cfi,
                f.tli,
                f.rmsea,
                f.srmr,
                num(Some(f.aic), 2),
                num(Some(f.bic), 2)
            );
        }
        let _ = writeln!(
            out,
            "\nEach model against the one before it (a partial model against the full model below its level):\n"
        );
        let _ = writeln!(
            out,
            "  {:<w$} {:>10} {:>8} {:>7} {:>7} {:>8} {:>8} {:>8}  fails",
            "", "vs", "Δchisq", "Δdf", "p", "ΔCFI", "ΔRMSEA", "ΔSRMR"
        );
        for s in self.steps.iter().filter(|s| s.compared_with.is_some()) {
            let base = &self.steps[s.compared_with.unwrap_or(0)].name;
            let mut fails = Vec::new();
            if s.flags.chisq_difference {
                fails.push("χ² test");
            }
            if s.flags.cheung_rensvold_2002 {
                fails.push("Cheung & Rensvold");
            }
            if s.flags.chen_2007 {
                fails.push("Chen");
            }
            let fails = if fails.is_empty() {
                "-".to_string()
            } else {
                fails.join(", ")
            };
            let _ = writeln!(
                out,
                "  {:<w$} {:>10} {:>8} {:>7} {:>7} {:>8} {:>8} {:>8}  {fails}",
                s.name,
                base,
                num(s.chisq_diff, 3),
                num(s.df_diff, 0),
                num(s.pvalue, 4),
                num(s.delta_cfi, 4),
                num(s.delta_rmsea, 4),
                num(s.delta_srmr, 4),
            );
        }
        let r = &self.rule;
        let _ = writeln!(out, "\nCriteria (a step fails when):");
        let _ = writeln!(
            out,
            "  χ² test:            the χ² difference test rejects at α = {} (lavaan's lavTestLRT)",
            r.alpha
        );
        let _ = writeln!(
            out,
            "  Cheung & Rensvold:  ΔCFI ≤ {} (Cheung & Rensvold, 2002)",
            r.delta_cfi
        );
        let _ = writeln!(
            out,
            "  Chen:               ΔCFI ≤ {} with ΔRMSEA ≥ {} or ΔSRMR ≥ {} (loadings) / {} (intercepts, residuals) (Chen, 2007)",
            r.delta_cfi, r.delta_rmsea, r.delta_srmr_loadings, r.delta_srmr_intercepts
        );
        let last = self
            .steps
            .iter()
            .filter(|s| s.group_partial.is_empty())
            .map(|s| s.level)
            .max()
            .unwrap_or(InvarianceLevel::Configural);
        let verdict = |first: Option<InvarianceLevel>| match first {
            None => format!("invariance holds through {last}"),
            Some(l) => {
                let before = InvarianceLevel::ALL
                    .iter()
                    .position(|x| *x == l)
                    .map_or(InvarianceLevel::Configural, |k| {
                        InvarianceLevel::ALL[k.saturating_sub(1)]
                    });
                format!("invariance holds through {before} and fails at {l}")
            }
        };
        let _ = writeln!(out, "\nWhere invariance fails:");
        let _ = writeln!(
            out,
            "  by the χ² test:            {}",
            verdict(self.first_failure.chisq_difference)
        );
        let _ = writeln!(
            out,
            "  by Cheung & Rensvold:      {}",
            verdict(self.first_failure.cheung_rensvold_2002)
        );
        let _ = writeln!(
            out,
            "  by Chen:                   {}",
            verdict(self.first_failure.chen_2007)
        );
        if let Some(p) = self.steps.iter().find(|s| !s.group_partial.is_empty()) {
            let freed: Vec<String> = p.group_partial.iter().map(|x| x.to_string()).collect();
            let _ = writeln!(
                out,
                "\nThe {} model frees {} in every group.",
                p.name,
                freed.join(", ")
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "\n{note}");
        }
        let _ = writeln!(out, "\n{}", self.lrt.summary());
        if let Some(t) = &self.lrt_with_partial {
            let _ = writeln!(out, "With the partial model:\n\n{}", t.summary());
        }
        out
    }
}

impl fmt::Display for InvarianceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}
