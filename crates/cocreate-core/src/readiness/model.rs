//! The readiness model: coefficients of traits → mediators → outcome, where they came
//! from, and the moments derived from them once (implied means and SDs, the quadratic
//! forms of the delta method).

use nalgebra::DMatrix;

use crate::sem::{Op, SemFit};

use super::coefficients::{
    gradient_m, gradient_y, parameter_names, set, Coefficients, Index, Role,
};
use super::constructs::Constructs;
use super::error::ReadinessError;
use super::pathway::{PathwayRule, ResolvedRule};

/// Where a readiness model's coefficients came from.
///
/// The library never ships coefficients of its own: a model is either fitted on the
/// user's data or built from coefficients the user supplies, and the provenance travels
/// with every prediction report.
///
/// ```
/// use cocreate_core::readiness::Provenance;
/// let p = Provenance::Supplied { source: "pilot study, Table 3".into() };
/// assert_eq!(p.to_string(), "supplied: pilot study, Table 3");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
#[non_exhaustive]
pub enum Provenance {
    /// Estimated by maximum likelihood with [`crate::sem`].
    Fitted {
        /// The data the model was fitted on, as the caller describes it (a file name).
        data: String,
        /// Rows used in the fit.
        n: usize,
        /// Whether the construct scores were latent variables (else observed composites).
        latent: bool,
    },
    /// Supplied by the user.
    Supplied {
        /// Where the coefficients come from (a paper and table, a previous fit).
        source: String,
    },
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Provenance::Fitted { data, n, latent } => write!(
                f,
                "fitted by ML on {data} (N = {n}, {} constructs)",
                if *latent { "latent" } else { "composite" }
            ),
            Provenance::Supplied { source } => write!(f, "supplied: {source}"),
        }
    }
}

/// Everything a readiness model is made of: the inputs that serde stores, from which the
/// derived moments are rebuilt (and validated) on deserialising.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub(crate) struct ModelSpec {
    pub constructs: Constructs,
    pub provenance: Provenance,
    pub coef: Coefficients,
    /// Covariance of the flattened coefficients (parameter uncertainty), if known.
    pub vcov: Option<DMatrix<f64>>,
    /// Trait means on the response scale (the reference customer).
    pub trait_mean: Vec<f64>,
    /// Trait covariance matrix.
    pub trait_cov: DMatrix<f64>,
    /// Residual covariance of the mediators.
    pub psi_m: DMatrix<f64>,
    /// Residual variance of the outcome.
    pub psi_y: f64,
    pub rule: PathwayRule,
    pub level: f64,
}

/// Moments derived once from the spec.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Derived {
    /// `κ_m` (q) and `κ_y`: predictions at x = 0.
    pub kappa_m: Vec<f64>,
    pub kappa_y: f64,
    /// Total effects of the traits on the outcome, `t = Aᵀb + c`.
    pub total: Vec<f64>,
    /// Model-implied means and SDs of the mediators and the outcome.
    pub mean_m: Vec<f64>,
    pub sd_m: Vec<f64>,
    pub mean_y: f64,
    pub sd_y: f64,
    /// Residual variances given the traits: `Ψ_jj` and `bᵀΨb + ψ_y`.
    pub resid_m: Vec<f64>,
    pub resid_y: f64,
    /// Delta-method quadratic forms over `z = (1, x)`: var = zᵀQz.
    pub q_m: Vec<DMatrix<f64>>,
    pub q_y: DMatrix<f64>,
    /// The normal quantile of the interval level.
    pub z_level: f64,
    pub rule: ResolvedRule,
}

/// A readiness model ready to predict: traits → mediators → outcome with intercepts,
/// paths, residual (co)variances, the trait moments that define the reference customer
/// and the standardisation, and optionally the covariance of the coefficients.
///
/// Build one from a fitted SEM ([`ReadinessModel::from_fit`]) or from coefficients
/// ([`ReadinessModel::builder`]), then call [`ReadinessModel::predict`].
///
/// ```
/// use cocreate_core::readiness::{Constructs, Profile, ReadinessModel};
/// use cocreate_core::scoring::ResponseRange;
///
/// let c = Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let model = ReadinessModel::builder(c, "illustrative numbers")
///     .coefficients(&[
///         ("II ~ O", 0.5), ("EI ~ C", 0.4), ("WTC ~ II", 0.3), ("WTC ~ EI", 0.3),
///         ("II ~ 1", 1.5), ("EI ~ 1", 1.8), ("WTC ~ 1", 1.2),
///         ("II ~~ II", 0.4), ("EI ~~ EI", 0.5), ("WTC ~~ WTC", 0.5),
///         ("O ~ 1", 3.0), ("C ~ 1", 3.2), ("O ~~ O", 0.5), ("C ~~ C", 0.4),
///     ])
///     .build()?;
/// let p = model.predict(&Profile::new(&[("O", 4.5), ("C", 3.0)]))?;
/// assert!((p.mediators[0].value - (1.5 + 0.5 * 4.5)).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ModelSpec", into = "ModelSpec")
)]
pub struct ReadinessModel {
    pub(crate) spec: ModelSpec,
    pub(crate) d: Derived,
}

impl From<ReadinessModel> for ModelSpec {
    fn from(m: ReadinessModel) -> Self {
        m.spec
    }
}

impl TryFrom<ModelSpec> for ReadinessModel {
    type Error = ReadinessError;
    fn try_from(spec: ModelSpec) -> Result<Self, ReadinessError> {
        ReadinessModel::assemble(spec)
    }
}

fn finite(what: &str, v: f64) -> Result<f64, ReadinessError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ReadinessError::NotFinite {
            what: what.to_string(),
            value: v,
        })
    }
}

impl ReadinessModel {
    /// Validates the spec and derives the moments.
    pub(crate) fn assemble(spec: ModelSpec) -> Result<Self, ReadinessError> {
        let c = &spec.constructs;
        c.validate()?;
        let (p, q) = (c.traits().len(), c.mediators().len());
        let co = &spec.coef;
        let np = q + 1 + q * p + q + p + p + q + 1;
        let lens = [
            ("mediator intercepts", co.alpha_m.len(), q),
            ("trait → mediator paths", co.a.len(), q * p),
            ("mediator → outcome paths", co.b.len(), q),
            ("direct paths", co.c.len(), p),
            ("trait offsets", co.offset_x.len(), p),
            ("mediator offsets", co.offset_m.len(), q),
            ("trait means", spec.trait_mean.len(), p),
        ];
        for (what, found, expected) in lens {
            if found != expected {
                return Err(ReadinessError::WrongLength {
                    what: what.into(),
                    expected,
                    found,
                });
            }
        }
        for (i, v) in co.flatten().iter().enumerate() {
            finite(&format!("coefficient {}", i + 1), *v)?;
        }
        for v in spec.trait_mean.iter().chain(spec.trait_cov.iter()) {
            finite("a trait moment", *v)?;
        }
        for v in spec.psi_m.iter() {
            finite("a mediator residual (co)variance", *v)?;
        }
        finite("the outcome's residual variance", spec.psi_y)?;
        for (what, m, n) in [
            ("the trait covariance", &spec.trait_cov, p),
            ("the mediators' residual covariance", &spec.psi_m, q),
        ] {
            if m.shape() != (n, n) {
                return Err(ReadinessError::WrongShape {
                    what: what.into(),
                    rows: n,
                    cols: n,
                    found_rows: m.nrows(),
                    found_cols: m.ncols(),
                });
            }
        }
        if let Some(v) = &spec.vcov {
            if v.shape() != (np, np) {
                return Err(ReadinessError::WrongLength {
                    what: "parameter covariance rows".into(),
                    expected: np,
                    found: v.nrows(),
                });
            }
            if let Some(x) = v.iter().find(|x| !x.is_finite()) {
                return Err(ReadinessError::NotFinite {
                    what: "a value of the parameter covariance".into(),
                    value: *x,
                });
            }
            if (0..np).any(|i| v[(i, i)] < 0.0) {
                return Err(ReadinessError::NotPositiveDefinite {
                    what: "the parameter covariance (a negative variance)".into(),
                });
            }
        }
        if !(spec.level > 0.0 && spec.level < 1.0) {
            return Err(ReadinessError::InvalidLevel { level: spec.level });
        }
        spec.rule.validate()?;
        psd_check(&spec.trait_cov, "the trait covariance matrix")?;
        psd_check(&spec.psi_m, "the mediators' residual covariance matrix")?;
        if spec.psi_y < 0.0 {
            return Err(ReadinessError::NotPositiveDefinite {
                what: format!("the residual variance of {} ({})", c.outcome(), spec.psi_y),
            });
        }

        let a = |j: usize, k: usize| co.a[j * p + k];
        let kappa_m: Vec<f64> = (0..q)
            .map(|j| {
                co.offset_m[j] + co.alpha_m[j]
                    - (0..p).map(|k| a(j, k) * co.offset_x[k]).sum::<f64>()
            })
            .collect();
        let total: Vec<f64> = (0..p)
            .map(|k| co.c[k] + (0..q).map(|j| co.b[j] * a(j, k)).sum::<f64>())
            .collect();
        let kappa_y =
            co.offset_y + co.alpha_y + (0..q).map(|j| co.b[j] * co.alpha_m[j]).sum::<f64>()
                - (0..p).map(|k| total[k] * co.offset_x[k]).sum::<f64>();

        let sx = &spec.trait_cov;
        let mean_m: Vec<f64> = (0..q)
            .map(|j| kappa_m[j] + (0..p).map(|k| a(j, k) * spec.trait_mean[k]).sum::<f64>())
            .collect();
        let mean_y = kappa_y + (0..p).map(|k| total[k] * spec.trait_mean[k]).sum::<f64>();
        let quad = |w: &dyn Fn(usize) -> f64| -> f64 {
            let mut s = 0.0;
            for k in 0..p {
                for l in 0..p {
                    s += w(k) * sx[(k, l)] * w(l);
                }
            }
            s
        };
        let resid_m: Vec<f64> = (0..q).map(|j| spec.psi_m[(j, j)]).collect();
        let sd_m: Vec<f64> = (0..q)
            .map(|j| (quad(&|k| a(j, k)) + resid_m[j]).sqrt())
            .collect();
        let bpsib: f64 = (0..q)
            .map(|i| {
                (0..q)
                    .map(|j| co.b[i] * spec.psi_m[(i, j)] * co.b[j])
                    .sum::<f64>()
            })
            .sum();
        let resid_y = bpsib + spec.psi_y;
        let sd_y = (quad(&|k| total[k]) + resid_y).sqrt();

        // Delta method: the gradient of each prediction with respect to the flattened
        // coefficients is affine in x, g(x) = G·(1, x); var = (1, x)ᵀ GᵀVG (1, x).
        let (q_m, q_y) = match &spec.vcov {
            Some(v) => {
                let gy = gradient_y(co, &total, p, q);
                let qy = gy.transpose() * v * &gy;
                let qm = (0..q)
                    .map(|j| {
                        let g = gradient_m(co, j, p, q);
                        g.transpose() * v * &g
                    })
                    .collect();
                (qm, qy)
            }
            None => (
                vec![DMatrix::zeros(p + 1, p + 1); q],
                DMatrix::zeros(p + 1, p + 1),
            ),
        };
        let z_level = normal_quantile(0.5 + spec.level / 2.0);
        let low = spec.rule.low().resolve(
            (spec.constructs.range().min() + spec.constructs.range().max()) / 2.0,
            mean_y,
            sd_y,
        )?;
        let rule = ResolvedRule {
            low,
            lead_share: spec.rule.lead_share(),
            min_contribution: spec.rule.min_contribution() * sd_y,
        };
        let d = Derived {
            kappa_m,
            kappa_y,
            total,
            mean_m,
            sd_m,
            mean_y,
            sd_y,
            resid_m,
            resid_y,
            q_m,
            q_y,
            z_level,
            rule,
        };
        Ok(ReadinessModel { spec, d })
    }

    /// Builds the model from a fitted SEM whose variables include the constructs.
    ///
    /// The fit needs a mean structure (`MeanStructure::On`) for the response scale. Each
    /// construct is an observed variable (a composite score) or a latent variable with a
    /// marker indicator whose loading is fixed to 1 (the default identification); the
    /// latent variable is then put on its marker's response scale by the marker's
    /// intercept. Traits must be exogenous, mediators regressed on traits only and the
    /// outcome on traits and mediators; anything else in the structural part among the
    /// constructs is an error ([`ReadinessError::UnsupportedPath`],
    /// [`ReadinessError::UnsupportedCovariance`]). Paths absent from the model
    /// are zero, as in lavaan syntax. The free-parameter covariance of the fit (when it
    /// has one) gives the parameter uncertainty of predictions.
    ///
    /// `data` describes the data set for the provenance.
    ///
    /// ```
    /// use cocreate_core::data::Table;
    /// use cocreate_core::readiness::{Constructs, Profile, ReadinessModel};
    /// use cocreate_core::scoring::ResponseRange;
    /// use cocreate_core::sem::{MeanStructure, Model, SemOptions};
    ///
    /// # let rows: Vec<Vec<Option<f64>>> = (0..200).map(|i| {
    /// #     let t = i as f64; let x = 3.0 + (t * 0.91).sin(); let m = 1.0 + 0.6 * x + 0.5 * (t * 1.7).cos();
    /// #     let y = 0.5 + 0.4 * m + 0.2 * x + 0.5 * (t * 2.9).sin(); vec![Some(x), Some(m), Some(y)] }).collect();
    /// # let data = Table::new(vec!["O".into(), "II".into(), "WTC".into()], rows)?;
    /// let fit = Model::parse("II ~ O\nWTC ~ II + O")?
    ///     .fit(&data, &SemOptions::builder().meanstructure(MeanStructure::On).build()?)?;
    /// let c = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
    /// let model = ReadinessModel::from_fit(&fit, c, "demo data")?;
    /// let p = model.predict(&Profile::new(&[("O", 4.0)]))?;
    /// assert!(p.outcome.interval.0 < p.outcome.value && p.outcome.value < p.outcome.interval.1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_fit(
        fit: &SemFit,
        constructs: Constructs,
        data: &str,
    ) -> Result<Self, ReadinessError> {
        constructs.validate()?;
        if !fit.parameter_table().meanstructure() {
            return Err(ReadinessError::NoMeanStructure);
        }
        let (p, q) = (constructs.traits().len(), constructs.mediators().len());
        let np = q + 1 + q * p + q + p + p + q + 1;
        let mut coef = Coefficients::zeros(p, q);
        let mut free: Vec<Option<usize>> = vec![None; np];
        let available = || {
            fit.observed()
                .iter()
                .chain(fit.latent())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        let idx = Index::new(&constructs);
        let mut latent = false;
        // Offsets: 0 for observed composites, the marker intercept for latent constructs.
        let mut offset_free: Vec<Option<usize>> = Vec::new();
        let mut offsets = Vec::new();
        for name in constructs.names() {
            if fit.observed().iter().any(|v| v == name) {
                offsets.push(0.0);
                offset_free.push(None);
            } else if fit.latent().iter().any(|v| v == name) {
                latent = true;
                let marker = fit
                    .parameter_estimates()
                    .iter()
                    .find(|e| {
                        e.op == Op::MeasuredBy && e.lhs == *name && e.free.is_none() && e.est == 1.0
                    })
                    .ok_or_else(|| ReadinessError::NoMarker {
                        construct: name.clone(),
                    })?;
                let int = fit.get(&marker.rhs, Op::Intercept, "").ok_or_else(|| {
                    ReadinessError::NoMarkerIntercept {
                        construct: name.clone(),
                        marker: marker.rhs.clone(),
                    }
                })?;
                offsets.push(int.est);
                offset_free.push(int.free);
            } else {
                return Err(ReadinessError::UnknownConstruct {
                    name: name.clone(),
                    available: available(),
                });
            }
        }
        for k in 0..p {
            coef.offset_x[k] = offsets[k];
            free[idx.offset_x(k)] = offset_free[k];
        }
        for j in 0..q {
            coef.offset_m[j] = offsets[p + j];
            free[idx.offset_m(j)] = offset_free[p + j];
        }
        coef.offset_y = offsets[p + q];
        free[idx.offset_y()] = offset_free[p + q];

        for e in fit.parameter_estimates() {
            if e.op != Op::Regression {
                continue;
            }
            let role_l = idx.role(&e.lhs);
            let role_r = idx.role(&e.rhs);
            let pos = match (role_l, role_r) {
                (Role::Mediator(j), Role::Trait(k)) => idx.a(j, k),
                (Role::Outcome, Role::Mediator(j)) => idx.b(j),
                (Role::Outcome, Role::Trait(k)) => idx.c(k),
                (Role::Other, _) => continue,
                _ => {
                    return Err(ReadinessError::UnsupportedPath {
                        lhs: e.lhs.clone(),
                        rhs: e.rhs.clone(),
                    })
                }
            };
            set(&mut coef, pos, e.est);
            free[pos] = e.free;
        }
        let intercept = |name: &str| fit.get(name, Op::Intercept, "");
        for j in 0..q {
            if let Some(e) = intercept(&constructs.mediators()[j]) {
                coef.alpha_m[j] = e.est;
                free[idx.alpha_m(j)] = e.free;
            }
        }
        if let Some(e) = intercept(constructs.outcome()) {
            coef.alpha_y = e.est;
            free[idx.alpha_y()] = e.free;
        }
        let mut trait_mean = vec![0.0; p];
        for (k, t) in constructs.traits().iter().enumerate() {
            trait_mean[k] = coef.offset_x[k] + intercept(t).map_or(0.0, |e| e.est);
        }
        let cov = |a: &str, b: &str| fit.get(a, Op::Covariance, b).map_or(0.0, |e| e.est);
        let tr = constructs.traits();
        let trait_cov = DMatrix::from_fn(p, p, |i, j| cov(&tr[i], &tr[j]));
        let me = constructs.mediators();
        let psi_m = DMatrix::from_fn(q, q, |i, j| cov(&me[i], &me[j]));
        let y = constructs.outcome();
        let psi_y = fit
            .residual_variance(y)
            .ok_or_else(|| ReadinessError::NoResidualVariance {
                construct: y.to_string(),
            })?;
        // Residual covariances that the recursive structure cannot carry.
        for e in fit.parameter_estimates() {
            if e.op != Op::Covariance || e.est == 0.0 {
                continue;
            }
            let (l, r) = (idx.role(&e.lhs), idx.role(&e.rhs));
            let bad = matches!(
                (l, r),
                (Role::Outcome, Role::Mediator(_) | Role::Trait(_))
                    | (Role::Mediator(_) | Role::Trait(_), Role::Outcome)
                    | (Role::Mediator(_), Role::Trait(_))
                    | (Role::Trait(_), Role::Mediator(_))
            );
            if bad {
                return Err(ReadinessError::UnsupportedCovariance {
                    lhs: e.lhs.clone(),
                    rhs: e.rhs.clone(),
                });
            }
        }
        let vcov = fit.vcov().map(|v| {
            DMatrix::from_fn(np, np, |i, j| match (free[i], free[j]) {
                (Some(a), Some(b)) if a < v.nrows() && b < v.ncols() => v[(a, b)],
                _ => 0.0,
            })
        });
        ReadinessModel::assemble(ModelSpec {
            constructs,
            provenance: Provenance::Fitted {
                data: data.to_string(),
                n: fit.n_used(),
                latent,
            },
            coef,
            vcov,
            trait_mean,
            trait_cov,
            psi_m,
            psi_y,
            rule: PathwayRule::default(),
            level: 0.95,
        })
    }

    /// The same model with another pathway rule.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
    /// #         ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5)]).build()?;
    /// let strict = model.with_rule(PathwayRule::builder().low(Threshold::Raw(3.5)).build()?)?;
    /// assert_eq!(strict.low_threshold(), 3.5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_rule(self, rule: PathwayRule) -> Result<Self, ReadinessError> {
        let mut spec = self.spec;
        spec.rule = rule;
        ReadinessModel::assemble(spec)
    }

    /// The same model with intervals at another level (default 0.95).
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
    /// #         ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5)]).build()?;
    /// assert_eq!(model.with_level(0.9)?.level(), 0.9);
    /// assert!(model.with_level(1.0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_level(&self, level: f64) -> Result<Self, ReadinessError> {
        let mut spec = self.spec.clone();
        spec.level = level;
        ReadinessModel::assemble(spec)
    }

    /// The constructs and their roles.
    pub fn constructs(&self) -> &Constructs {
        &self.spec.constructs
    }

    /// Where the coefficients came from.
    pub fn provenance(&self) -> &Provenance {
        &self.spec.provenance
    }

    /// The coefficients.
    pub fn coefficients(&self) -> &Coefficients {
        &self.spec.coef
    }

    /// Covariance of the coefficients in [`Coefficients::flatten`] order, if known
    /// (without it, prediction intervals carry residual variance only).
    pub fn parameter_vcov(&self) -> Option<&DMatrix<f64>> {
        self.spec.vcov.as_ref()
    }

    /// Names of the flattened coefficients, in lavaan notation (`"II~O"`, `"WTC~1"`;
    /// offsets as `"offset(O)"`).
    pub fn parameter_names(&self) -> Vec<String> {
        parameter_names(&self.spec.constructs)
    }

    /// The reference customer: the trait means.
    pub fn trait_means(&self) -> &[f64] {
        &self.spec.trait_mean
    }

    /// The trait covariance matrix.
    pub fn trait_cov(&self) -> &DMatrix<f64> {
        &self.spec.trait_cov
    }

    /// Residual covariance matrix of the mediators.
    pub fn mediator_residual_cov(&self) -> &DMatrix<f64> {
        &self.spec.psi_m
    }

    /// Residual variance of the outcome.
    pub fn outcome_residual_variance(&self) -> f64 {
        self.spec.psi_y
    }

    /// Total effect of each trait on the outcome, `Aᵀb + c`.
    pub fn total_effects(&self) -> &[f64] {
        &self.d.total
    }

    /// Model-implied mean and SD of the outcome.
    pub fn outcome_moments(&self) -> (f64, f64) {
        (self.d.mean_y, self.d.sd_y)
    }

    /// Model-implied mean and SD of mediator `j`.
    pub fn mediator_moments(&self, j: usize) -> Option<(f64, f64)> {
        Some((*self.d.mean_m.get(j)?, self.d.sd_m[j]))
    }

    /// The pathway rule.
    pub fn rule(&self) -> &PathwayRule {
        &self.spec.rule
    }

    /// The low-readiness threshold on the outcome's response scale.
    pub fn low_threshold(&self) -> f64 {
        self.d.rule.low
    }

    /// The interval level.
    pub fn level(&self) -> f64 {
        self.spec.level
    }
}

/// PSD check via the smallest eigenvalue, with a tolerance relative to the scale.
pub(crate) fn psd_check(m: &DMatrix<f64>, what: &str) -> Result<(), ReadinessError> {
    if m.nrows() == 0 {
        return Ok(());
    }
    for i in 0..m.nrows() {
        for j in 0..i {
            if (m[(i, j)] - m[(j, i)]).abs() > 1e-9 * (1.0 + m[(i, j)].abs()) {
                return Err(ReadinessError::NotPositiveDefinite {
                    what: format!("{what} (it is not symmetric)"),
                });
            }
        }
    }
    let eig = m.clone().symmetric_eigen();
    let scale = eig.eigenvalues.amax().max(1e-300);
    if eig.eigenvalues.min() < -1e-10 * scale {
        return Err(ReadinessError::NotPositiveDefinite { what: what.into() });
    }
    Ok(())
}

/// Standard normal quantile.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.inverse_cdf(p))
}
