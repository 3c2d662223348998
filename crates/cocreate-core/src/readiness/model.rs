//! The readiness model: coefficients of traits → mediators → outcome, where they came
//! from, and the moments derived from them once (implied means and SDs, the quadratic
//! forms of the delta method).

use nalgebra::DMatrix;

use crate::sem::{Op, SemFit};

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

/// The coefficients of a readiness model with p traits and q mediators, in response-scale
/// units.
///
/// With traits `x`, `u = x − o_x`:
///
/// ```text
/// m̂ = o_m + α_m + A·u          (q mediators)
/// ŷ = o_y + α_y + bᵀ(α_m + A·u) + cᵀ·u
/// ```
///
/// The offsets `o` are zero for composite scores; for latent constructs they are the
/// intercepts of the marker indicators (the loading fixed to 1), which put the latent
/// variable on its marker's response scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Coefficients {
    /// Intercepts of the mediators (`α_m`).
    pub alpha_m: Vec<f64>,
    /// Intercept of the outcome (`α_y`).
    pub alpha_y: f64,
    /// Trait → mediator paths, row-major q × p (`A[j][k]` = mediator j on trait k).
    pub a: Vec<f64>,
    /// Mediator → outcome paths (`b`).
    pub b: Vec<f64>,
    /// Direct trait → outcome paths (`c`).
    pub c: Vec<f64>,
    /// Response-scale offsets of the traits (`o_x`).
    pub offset_x: Vec<f64>,
    /// Response-scale offsets of the mediators (`o_m`).
    pub offset_m: Vec<f64>,
    /// Response-scale offset of the outcome (`o_y`).
    pub offset_y: f64,
}

impl Coefficients {
    pub(crate) fn zeros(p: usize, q: usize) -> Self {
        Coefficients {
            alpha_m: vec![0.0; q],
            alpha_y: 0.0,
            a: vec![0.0; q * p],
            b: vec![0.0; q],
            c: vec![0.0; p],
            offset_x: vec![0.0; p],
            offset_m: vec![0.0; q],
            offset_y: 0.0,
        }
    }

    /// The coefficients as one vector, in the order of [`ReadinessModel::parameter_names`].
    pub fn flatten(&self) -> Vec<f64> {
        let mut v = self.alpha_m.clone();
        v.push(self.alpha_y);
        v.extend(&self.a);
        v.extend(&self.b);
        v.extend(&self.c);
        v.extend(&self.offset_x);
        v.extend(&self.offset_m);
        v.push(self.offset_y);
        v
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
        Err(ReadinessError::InvalidInput(format!(
            "{what} is {v}, not a finite number"
        )))
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
        if spec.trait_cov.shape() != (p, p) || spec.psi_m.shape() != (q, q) {
            return Err(ReadinessError::InvalidStructure(format!(
                "the trait covariance must be {p} × {p} and the mediator residual covariance {q} × {q}"
            )));
        }
        if let Some(v) = &spec.vcov {
            if v.shape() != (np, np) {
                return Err(ReadinessError::WrongLength {
                    what: "parameter covariance rows".into(),
                    expected: np,
                    found: v.nrows(),
                });
            }
            if v.iter().any(|x| !x.is_finite()) {
                return Err(ReadinessError::InvalidInput(
                    "the parameter covariance has a value that is not finite".into(),
                ));
            }
            if (0..np).any(|i| v[(i, i)] < 0.0) {
                return Err(ReadinessError::NotPositiveDefinite {
                    what: "the parameter covariance (a negative variance)".into(),
                });
            }
        }
        if !(spec.level > 0.0 && spec.level < 1.0) {
            return Err(ReadinessError::InvalidOptions(format!(
                "the interval level must lie strictly between 0 and 1, not {}",
                spec.level
            )));
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

    /// A builder for a model from supplied coefficients, written in lavaan notation.
    ///
    /// `source` is the provenance: where the numbers come from.
    pub fn builder(constructs: Constructs, source: impl Into<String>) -> ReadinessModelBuilder {
        ReadinessModelBuilder {
            constructs,
            source: source.into(),
            entries: Vec::new(),
            vcov: None,
            rule: PathwayRule::default(),
            level: 0.95,
        }
    }

    /// Builds the model from a fitted SEM whose variables include the constructs.
    ///
    /// The fit needs a mean structure (`MeanStructure::On`) for the response scale. Each
    /// construct is an observed variable (a composite score) or a latent variable with a
    /// marker indicator whose loading is fixed to 1 (the default identification); the
    /// latent variable is then put on its marker's response scale by the marker's
    /// intercept. Traits must be exogenous, mediators regressed on traits only and the
    /// outcome on traits and mediators; anything else in the structural part among the
    /// constructs is an [`ReadinessError::UnsupportedFit`]. Paths absent from the model
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
                    .find(|e| e.op == Op::MeasuredBy && e.lhs == *name && e.free.is_none() && e.est == 1.0)
                    .ok_or_else(|| {
                        ReadinessError::UnsupportedFit(format!(
                            "latent construct {name:?} has no marker indicator with its loading fixed to 1, so it has no response scale (fit without std.lv)"
                        ))
                    })?;
                let int = fit.get(&marker.rhs, Op::Intercept, "").ok_or_else(|| {
                    ReadinessError::UnsupportedFit(format!(
                        "the marker {:?} of {name:?} has no intercept",
                        marker.rhs
                    ))
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
                    return Err(ReadinessError::UnsupportedFit(format!(
                        "the path {} ~ {} does not fit traits → mediators → outcome",
                        e.lhs, e.rhs
                    )))
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
        let psi_y = fit.residual_variance(y).ok_or_else(|| {
            ReadinessError::UnsupportedFit(format!("{y:?} has no residual variance"))
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
                return Err(ReadinessError::UnsupportedFit(format!(
                    "the residual covariance {} ~~ {} makes the outcome's conditional expectation differ from the path equations",
                    e.lhs, e.rhs
                )));
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
fn psd_check(m: &DMatrix<f64>, what: &str) -> Result<(), ReadinessError> {
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

/// Gradient of ŷ with respect to the flattened coefficients, as an np × (p+1) matrix over
/// `z = (1, x)`.
fn gradient_y(co: &Coefficients, total: &[f64], p: usize, q: usize) -> DMatrix<f64> {
    let np = q + 1 + q * p + q + p + p + q + 1;
    let idx = Index { p, q, names: None };
    let mut g = DMatrix::zeros(np, p + 1);
    let a = |j: usize, k: usize| co.a[j * p + k];
    for j in 0..q {
        g[(idx.alpha_m(j), 0)] = co.b[j];
        for k in 0..p {
            g[(idx.a(j, k), 0)] = -co.b[j] * co.offset_x[k];
            g[(idx.a(j, k), k + 1)] = co.b[j];
        }
        g[(idx.b(j), 0)] = co.alpha_m[j] - (0..p).map(|k| a(j, k) * co.offset_x[k]).sum::<f64>();
        for k in 0..p {
            g[(idx.b(j), k + 1)] = a(j, k);
        }
    }
    g[(idx.alpha_y(), 0)] = 1.0;
    for k in 0..p {
        g[(idx.c(k), 0)] = -co.offset_x[k];
        g[(idx.c(k), k + 1)] = 1.0;
        g[(idx.offset_x(k), 0)] = -total[k];
    }
    g[(idx.offset_y(), 0)] = 1.0;
    g
}

/// Gradient of m̂_j over `z = (1, x)`.
fn gradient_m(co: &Coefficients, j: usize, p: usize, q: usize) -> DMatrix<f64> {
    let np = q + 1 + q * p + q + p + p + q + 1;
    let idx = Index { p, q, names: None };
    let mut g = DMatrix::zeros(np, p + 1);
    g[(idx.alpha_m(j), 0)] = 1.0;
    g[(idx.offset_m(j), 0)] = 1.0;
    for k in 0..p {
        g[(idx.a(j, k), 0)] = -co.offset_x[k];
        g[(idx.a(j, k), k + 1)] = 1.0;
        g[(idx.offset_x(k), 0)] = -co.a[j * p + k];
    }
    g
}

/// A construct's role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Role {
    Trait(usize),
    Mediator(usize),
    Outcome,
    Other,
}

/// Positions in the flattened coefficient vector, and roles by name.
pub(crate) struct Index<'a> {
    p: usize,
    q: usize,
    names: Option<&'a Constructs>,
}

impl<'a> Index<'a> {
    pub fn new(c: &'a Constructs) -> Self {
        Index {
            p: c.traits().len(),
            q: c.mediators().len(),
            names: Some(c),
        }
    }
    pub fn alpha_m(&self, j: usize) -> usize {
        j
    }
    pub fn alpha_y(&self) -> usize {
        self.q
    }
    pub fn a(&self, j: usize, k: usize) -> usize {
        self.q + 1 + j * self.p + k
    }
    pub fn b(&self, j: usize) -> usize {
        self.q + 1 + self.q * self.p + j
    }
    pub fn c(&self, k: usize) -> usize {
        2 * self.q + 1 + self.q * self.p + k
    }
    pub fn offset_x(&self, k: usize) -> usize {
        2 * self.q + 1 + self.q * self.p + self.p + k
    }
    pub fn offset_m(&self, j: usize) -> usize {
        2 * self.q + 1 + self.q * self.p + 2 * self.p + j
    }
    pub fn offset_y(&self) -> usize {
        3 * self.q + 1 + self.q * self.p + 2 * self.p
    }
    pub fn role(&self, name: &str) -> Role {
        let Some(c) = self.names else {
            return Role::Other;
        };
        if let Some(k) = c.traits().iter().position(|t| t == name) {
            Role::Trait(k)
        } else if let Some(j) = c.mediators().iter().position(|t| t == name) {
            Role::Mediator(j)
        } else if c.outcome() == name {
            Role::Outcome
        } else {
            Role::Other
        }
    }
}

/// Sets the flattened coefficient at `pos`.
pub(crate) fn set(co: &mut Coefficients, pos: usize, v: f64) {
    let q = co.alpha_m.len();
    let p = co.c.len();
    let idx = Index { p, q, names: None };
    if pos < q {
        co.alpha_m[pos] = v;
    } else if pos == idx.alpha_y() {
        co.alpha_y = v;
    } else if pos < idx.b(0) {
        co.a[pos - idx.a(0, 0)] = v;
    } else if pos < idx.c(0) {
        co.b[pos - idx.b(0)] = v;
    } else if pos < idx.offset_x(0) {
        co.c[pos - idx.c(0)] = v;
    } else if pos < idx.offset_m(0) {
        co.offset_x[pos - idx.offset_x(0)] = v;
    } else if pos < idx.offset_y() {
        co.offset_m[pos - idx.offset_m(0)] = v;
    } else {
        co.offset_y = v;
    }
}

fn parameter_names(c: &Constructs) -> Vec<String> {
    let (t, m, y) = (c.traits(), c.mediators(), c.outcome());
    let mut v: Vec<String> = m.iter().map(|m| format!("{m}~1")).collect();
    v.push(format!("{y}~1"));
    for mj in m {
        for tk in t {
            v.push(format!("{mj}~{tk}"));
        }
    }
    v.extend(m.iter().map(|mj| format!("{y}~{mj}")));
    v.extend(t.iter().map(|tk| format!("{y}~{tk}")));
    v.extend(c.names().map(|n| format!("offset({n})")));
    v
}

/// Builder of a [`ReadinessModel`] from supplied coefficients.
///
/// Coefficients are written in lavaan notation: `"II ~ O"` (path), `"WTC ~ 1"`
/// (intercept), `"II ~~ II"` (residual variance), `"II ~~ EI"` (residual covariance),
/// `"O ~ 1"` and `"O ~~ C"` (trait means and covariances: they define the reference
/// customer and the standardisation). Paths and covariances not given are zero, as in
/// lavaan syntax; the intercepts, residual variances, trait means and trait variances
/// must be given ([`ReadinessError::MissingValue`] otherwise).
///
/// ```
/// use cocreate_core::readiness::{Constructs, ReadinessError, ReadinessModel};
/// use cocreate_core::scoring::ResponseRange;
///
/// let c = Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?;
/// let err = ReadinessModel::builder(c, "notes")
///     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0)])
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, ReadinessError::MissingValue(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReadinessModelBuilder {
    constructs: Constructs,
    source: String,
    entries: Vec<(String, f64)>,
    vcov: Option<(Vec<String>, DMatrix<f64>)>,
    rule: PathwayRule,
    level: f64,
}

impl ReadinessModelBuilder {
    /// One coefficient, e.g. `("WTC ~ II", 0.31)`.
    pub fn coefficient(mut self, spec: &str, value: f64) -> Self {
        self.entries.push((spec.to_string(), value));
        self
    }

    /// Several coefficients.
    pub fn coefficients(mut self, specs: &[(&str, f64)]) -> Self {
        self.entries
            .extend(specs.iter().map(|(s, v)| (s.to_string(), *v)));
        self
    }

    /// The covariance of some of the path and intercept coefficients (named as in
    /// [`ReadinessModelBuilder::coefficient`]), for parameter uncertainty in the intervals.
    /// Coefficients not named have no uncertainty.
    pub fn vcov(mut self, names: &[&str], matrix: DMatrix<f64>) -> Self {
        self.vcov = Some((names.iter().map(|s| s.to_string()).collect(), matrix));
        self
    }

    /// The pathway rule (default [`PathwayRule::default`]).
    pub fn rule(mut self, rule: PathwayRule) -> Self {
        self.rule = rule;
        self
    }

    /// The interval level (default 0.95).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Validates the coefficients and builds the model.
    pub fn build(self) -> Result<ReadinessModel, ReadinessError> {
        let c = self.constructs;
        c.validate()?;
        let (p, q) = (c.traits().len(), c.mediators().len());
        let idx = Index::new(&c);
        let mut coef = Coefficients::zeros(p, q);
        let mut trait_mean: Vec<Option<f64>> = vec![None; p];
        let mut trait_cov = DMatrix::zeros(p, p);
        let mut trait_var_given = vec![false; p];
        let mut psi_m = DMatrix::zeros(q, q);
        let mut psi_m_given = vec![false; q];
        let mut psi_y = None;
        let mut int_m = vec![false; q];
        let mut int_y = false;
        let mut seen: Vec<String> = Vec::new();
        let mut positions: Vec<(String, usize)> = Vec::new();
        for (spec, value) in &self.entries {
            let bad = |reason: String| ReadinessError::InvalidCoefficient {
                spec: spec.clone(),
                reason,
            };
            if !value.is_finite() {
                return Err(bad(format!("{value} is not a finite number")));
            }
            let (lhs, op, rhs) = parse_spec(spec)
                .ok_or_else(|| bad("write it as \"Y ~ X\", \"Y ~ 1\" or \"X ~~ Z\"".into()))?;
            let key = format!("{lhs}{op}{rhs}");
            let key_sym = format!("{rhs}{op}{lhs}");
            if seen.contains(&key) || (op == "~~" && seen.contains(&key_sym)) {
                return Err(bad("given twice".into()));
            }
            seen.push(key.clone());
            let (rl, rr) = (idx.role(lhs), idx.role(rhs));
            let unknown = |n: &str| {
                bad(format!(
                    "{n:?} is not a construct of the model ({})",
                    c.names().cloned().collect::<Vec<_>>().join(", ")
                ))
            };
            if rl == Role::Other {
                return Err(unknown(lhs));
            }
            match op {
                "~" if rhs == "1" => match rl {
                    Role::Trait(k) => trait_mean[k] = Some(*value),
                    Role::Mediator(j) => {
                        coef.alpha_m[j] = *value;
                        int_m[j] = true;
                        positions.push((key, idx.alpha_m(j)));
                    }
                    Role::Outcome => {
                        coef.alpha_y = *value;
                        int_y = true;
                        positions.push((key, idx.alpha_y()));
                    }
                    Role::Other => unreachable!("checked above"),
                },
                "~" => {
                    let pos = match (rl, rr) {
                        (_, Role::Other) => return Err(unknown(rhs)),
                        (Role::Mediator(j), Role::Trait(k)) => idx.a(j, k),
                        (Role::Outcome, Role::Mediator(j)) => idx.b(j),
                        (Role::Outcome, Role::Trait(k)) => idx.c(k),
                        _ => {
                            return Err(bad(
                                "paths run from traits to mediators, and from traits and mediators to the outcome".into(),
                            ))
                        }
                    };
                    set(&mut coef, pos, *value);
                    positions.push((key, pos));
                }
                _ => match (rl, rr) {
                    (_, Role::Other) => return Err(unknown(rhs)),
                    (Role::Trait(k), Role::Trait(l)) => {
                        trait_cov[(k, l)] = *value;
                        trait_cov[(l, k)] = *value;
                        if k == l {
                            trait_var_given[k] = true;
                        }
                    }
                    (Role::Mediator(i), Role::Mediator(j)) => {
                        psi_m[(i, j)] = *value;
                        psi_m[(j, i)] = *value;
                        if i == j {
                            psi_m_given[i] = true;
                        }
                    }
                    (Role::Outcome, Role::Outcome) => psi_y = Some(*value),
                    _ => {
                        return Err(bad(
                            "only traits covary with traits and mediator residuals with mediator residuals".into(),
                        ))
                    }
                },
            }
        }
        let missing = |what: String| Err(ReadinessError::MissingValue(what));
        for (j, m) in c.mediators().iter().enumerate() {
            if !int_m[j] {
                return missing(format!("the intercept \"{m} ~ 1\""));
            }
            if !psi_m_given[j] {
                return missing(format!("the residual variance \"{m} ~~ {m}\""));
            }
        }
        let y = c.outcome();
        if !int_y {
            return missing(format!("the intercept \"{y} ~ 1\""));
        }
        let Some(psi_y) = psi_y else {
            return missing(format!("the residual variance \"{y} ~~ {y}\""));
        };
        let mut means = Vec::with_capacity(p);
        for (k, t) in c.traits().iter().enumerate() {
            match trait_mean[k] {
                Some(v) => means.push(v),
                None => return missing(format!("the trait mean \"{t} ~ 1\"")),
            }
            if !trait_var_given[k] {
                return missing(format!("the trait variance \"{t} ~~ {t}\""));
            }
        }
        let np = q + 1 + q * p + q + p + p + q + 1;
        let vcov = match self.vcov {
            None => None,
            Some((names, m)) => {
                if m.shape() != (names.len(), names.len()) {
                    return Err(ReadinessError::WrongLength {
                        what: "parameter covariance rows and columns".into(),
                        expected: names.len(),
                        found: m.nrows().max(m.ncols()),
                    });
                }
                let mut pos = Vec::with_capacity(names.len());
                for n in &names {
                    let key = parse_spec(n).map(|(l, o, r)| format!("{l}{o}{r}"));
                    let found = key
                        .as_ref()
                        .and_then(|k| positions.iter().find(|(s, _)| s == k));
                    match found {
                        Some((_, i)) => pos.push(*i),
                        None => {
                            return Err(ReadinessError::InvalidCoefficient {
                                spec: n.clone(),
                                reason: "the covariance names a coefficient that was not given (only paths and intercepts carry uncertainty)".into(),
                            })
                        }
                    }
                }
                psd_check(&m, "the supplied parameter covariance")?;
                let mut v = DMatrix::zeros(np, np);
                for (a, &i) in pos.iter().enumerate() {
                    for (b, &j) in pos.iter().enumerate() {
                        v[(i, j)] = m[(a, b)];
                    }
                }
                Some(v)
            }
        };
        ReadinessModel::assemble(ModelSpec {
            constructs: c,
            provenance: Provenance::Supplied {
                source: self.source,
            },
            coef,
            vcov,
            trait_mean: means,
            trait_cov,
            psi_m,
            psi_y,
            rule: self.rule,
            level: self.level,
        })
    }
}

/// Splits `"Y ~ X"`, `"Y ~ 1"`, `"X ~~ Z"` into (lhs, op, rhs).
fn parse_spec(s: &str) -> Option<(&str, &'static str, &str)> {
    let (op, at) = if let Some(i) = s.find("~~") {
        ("~~", i)
    } else {
        ("~", s.find('~')?)
    };
    let lhs = s[..at].trim();
    let rhs = s[at + op.len()..].trim();
    let ok = |t: &str| !t.is_empty() && !t.contains(char::is_whitespace) && !t.contains('~');
    (ok(lhs) && ok(rhs)).then_some((lhs, op, rhs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parsing() {
        assert_eq!(parse_spec("WTC ~ II"), Some(("WTC", "~", "II")));
        assert_eq!(parse_spec("II~~EI"), Some(("II", "~~", "EI")));
        assert_eq!(parse_spec("WTC ~ 1"), Some(("WTC", "~", "1")));
        assert_eq!(parse_spec("WTC ~ a b"), None);
        assert_eq!(parse_spec("WTC"), None);
        assert_eq!(parse_spec("~ X"), None);
    }

    #[test]
    fn index_layout_is_contiguous() {
        let c = Constructs::new(
            &["a", "b", "c"],
            &["m", "n"],
            "y",
            crate::scoring::ResponseRange::new(1.0, 5.0).unwrap(),
        )
        .unwrap();
        let idx = Index::new(&c);
        let all = [
            idx.alpha_m(0),
            idx.alpha_m(1),
            idx.alpha_y(),
            idx.a(0, 0),
            idx.a(1, 2),
            idx.b(0),
            idx.b(1),
            idx.c(0),
            idx.c(2),
            idx.offset_x(0),
            idx.offset_x(2),
            idx.offset_m(0),
            idx.offset_m(1),
            idx.offset_y(),
        ];
        assert_eq!(all, [0, 1, 2, 3, 8, 9, 10, 11, 13, 14, 16, 17, 18, 19]);
        assert_eq!(parameter_names(&c).len(), 20);
    }
}
