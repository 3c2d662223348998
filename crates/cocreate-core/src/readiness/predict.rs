//! Predicting one customer or a whole customer base from trait scores.

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::scoring::ResponseRange;

use crate::data::Table;

use super::error::ReadinessError;
use super::model::ReadinessModel;
use super::pathway::{pathway_of, Pathway, Recommendation};
use super::text::{clipped, interval, num, para, signed, TextTable, CLIPPED};

/// One customer's trait scores, by trait name, on the constructs' response scale.
///
/// A trait that is not set (or set to `None`) is missing: [`ReadinessModel::predict`]
/// refuses it, [`ReadinessModel::predict_partial`] predicts it from the other traits. A
/// missing score is never read as zero.
///
/// ```
/// use cocreate_core::readiness::Profile;
/// let mut p = Profile::new(&[("O", 4.2), ("C", 3.4)]);
/// p.set("N", None);
/// assert_eq!(p.get("O"), Some(4.2));
/// assert_eq!(p.get("N"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Profile {
    scores: Vec<(String, Option<f64>)>,
}

impl Profile {
    /// A profile from (trait, score) pairs.
    pub fn new(scores: &[(&str, f64)]) -> Self {
        Profile {
            scores: scores
                .iter()
                .map(|(n, v)| (n.to_string(), Some(*v)))
                .collect(),
        }
    }

    /// Sets (or, with `None`, marks missing) the score of a trait.
    pub fn set(&mut self, name: &str, score: Option<f64>) {
        match self.scores.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = score,
            None => self.scores.push((name.to_string(), score)),
        }
    }

    /// The score of a trait, if given.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.scores
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| *v)
    }

    /// Every (trait, score) entry, in the order given.
    pub fn entries(&self) -> &[(String, Option<f64>)] {
        &self.scores
    }
}

/// A predicted construct score.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConstructPrediction {
    /// The construct.
    pub name: String,
    /// Conditional expectation on the response scale.
    pub value: f64,
    /// Standardised: `(value − model-implied mean) / model-implied SD`.
    pub z: f64,
    /// SD of the prediction error for a new customer: residual variance plus parameter
    /// uncertainty (delta method), plus the uncertainty of imputed traits.
    pub se: f64,
    /// Prediction interval `value ± z_(1+level)/2 · se`, on the response scale (it is not
    /// clipped to the response range).
    pub interval: (f64, f64),
}

/// How the predicted outcome departs from the reference customer's (the trait means),
/// split by pathway: `outcome = reference + Σ via + direct`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Contributions {
    /// The reference customer's predicted outcome (the model-implied mean).
    pub reference: f64,
    /// Indirect contribution through each mediator: `b_j · Σ_k a_jk (x_k − x̄_k)`.
    pub via: Vec<f64>,
    /// Direct contribution: `Σ_k c_k (x_k − x̄_k)`.
    pub direct: f64,
}

/// The prediction for one customer.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Prediction {
    /// Each mediator (e.g. II, EI), in model order.
    pub mediators: Vec<ConstructPrediction>,
    /// The outcome (e.g. WTC).
    pub outcome: ConstructPrediction,
    /// Pathway contributions to the outcome.
    pub contributions: Contributions,
    /// The dominant pathway by the model's [`super::PathwayRule`].
    pub pathway: Pathway,
    /// Formats and framing for that pathway.
    pub recommendation: Recommendation,
    /// The trait scores used, in model order (imputed ones included).
    pub traits: Vec<f64>,
    /// The traits' names, in the order of `traits`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub trait_names: Vec<String>,
    /// Traits that were missing and predicted from the others (partial prediction only).
    pub imputed: Vec<String>,
    /// Why the rule chose the pathway: one sentence with the contributions it compared and
    /// the threshold that decided, e.g. "via II +0.42 vs via EI +0.11: innovation-led (II
    /// carries 79 % of the counting contributions, at least the lead share 67 %)".
    #[cfg_attr(feature = "serde", serde(default))]
    pub why: String,
    /// The response scale of the constructs (the intervals are not cut to it; the
    /// report marks those that reach past it).
    #[cfg_attr(feature = "serde", serde(default))]
    pub range: Option<ResponseRange>,
    /// The level of the prediction intervals.
    #[cfg_attr(feature = "serde", serde(default))]
    pub level: Option<f64>,
}

impl Prediction {
    /// One sentence: how far the predicted outcome lies from the average customer's, how
    /// much of it runs through each mediator and directly, the pathway and what to offer,
    /// e.g. "+1.26 against the average customer (+0.53 via II, +0.14 via EI, +0.59
    /// direct) → innovation-led: invite to beta tests, early access, lab environments;
    /// frame on novelty, being part of something new".
    pub fn explanation(&self) -> String {
        let c = &self.contributions;
        let mut parts: Vec<String> = self
            .mediators
            .iter()
            .zip(&c.via)
            .map(|(m, v)| format!("{} via {}", signed(*v, 2), m.name))
            .collect();
        parts.push(format!("{} direct", signed(c.direct, 2)));
        let r = &self.recommendation;
        let offer = if r.formats.is_empty() {
            r.note.clone().unwrap_or_default()
        } else {
            format!(
                "invite to {}; frame on {}",
                r.formats.join(", "),
                r.framing.join(", ")
            )
        };
        format!(
            "{} against the average customer ({}) → {}: {offer}",
            signed(self.outcome.value - c.reference, 2),
            parts.join(", "),
            r.pathway
        )
    }

    /// Whether some interval reaches past the response scale (the report marks it).
    pub fn reaches_past_scale(&self) -> bool {
        self.range.is_some_and(|r| {
            self.mediators
                .iter()
                .chain([&self.outcome])
                .any(|c| c.interval.0 < r.min() || c.interval.1 > r.max())
        })
    }
}

impl fmt::Display for ConstructPrediction {
    /// `II 4.17  z +1.58  [2.83, 5.51]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}  z {}  {}",
            self.name,
            num(Some(self.value), 2),
            signed(self.z, 2),
            interval(self.interval.0, self.interval.1, 2)
        )
    }
}

impl fmt::Display for Prediction {
    /// The traits, each predicted construct with its standardised value and prediction
    /// interval (cut at the ends of the response scale and marked †), the explanation and
    /// why the rule chose the pathway; lines stay under 100 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let traits: Vec<String> = self
            .traits
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let name = self.trait_names.get(k).map_or("trait", String::as_str);
                let mark = if self.imputed.iter().any(|i| i == name) {
                    " (imputed)"
                } else {
                    ""
                };
                format!("{name} {}{mark}", num(Some(*v), 2))
            })
            .collect();
        let mut out = String::new();
        para(&mut out, "traits: ", "  ", &traits.join(", "))?;
        let level = self.level.map_or(String::new(), |l| {
            format!("{} % ", num(Some(100.0 * l), 0))
        });
        let mut t = TextTable::new(&["", "predicted", "z", &format!("{level}prediction interval")]);
        let mut cut = false;
        for c in self.mediators.iter().chain([&self.outcome]) {
            let (text, was_cut) = match self.range {
                Some(r) => clipped(c.interval.0, c.interval.1, r.min(), r.max(), 2),
                None => (interval(c.interval.0, c.interval.1, 2), false),
            };
            cut |= was_cut;
            t.row(vec![c.name.clone(), num(Some(c.value), 2), signed(c.z, 2), text]);
        }
        t.write(&mut out, 0)?;
        if let (true, Some(r)) = (cut, self.range) {
            para(
                &mut out,
                "",
                "  ",
                &format!(
                    "{CLIPPED} the interval reaches past the response scale {}–{} and is shown cut at its end",
                    num(Some(r.min()), 0),
                    num(Some(r.max()), 0)
                ),
            )?;
        }
        para(&mut out, "", "  ", &self.explanation())?;
        para(&mut out, "pathway: ", "  ", &self.why)?;
        f.write_str(&out)
    }
}

/// Predictions for a batch of customers, column by column.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchPrediction {
    /// Predicted mediators: one vector per mediator, one value per customer.
    pub mediators: Vec<Vec<f64>>,
    /// Predicted outcome per customer.
    pub outcome: Vec<f64>,
    /// Prediction SD of the outcome per customer (residual plus parameter uncertainty).
    pub outcome_se: Vec<f64>,
    /// Pathway codes: `j < q` led by mediator j, `q` dual, `q + 1` low readiness (one
    /// byte per customer; read them with [`BatchPrediction::pathway`]).
    codes: Vec<u8>,
    /// Number of mediators.
    q: usize,
    /// The customers' identifiers, when predicted from a table that carried them.
    #[cfg_attr(feature = "serde", serde(default))]
    ids: Option<Vec<String>>,
}

impl BatchPrediction {
    /// The customers' identifiers, one per prediction, when the predictions came from a
    /// table with ids ([`ReadinessModel::predict_table`]).
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_deref()
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.outcome.is_empty()
    }

    /// The dominant pathway of customer `i` (`None` past the end).
    pub fn pathway(&self, i: usize) -> Option<Pathway> {
        self.codes
            .get(i)
            .map(|&c| pathway_of(usize::from(c), self.q))
    }

    /// The dominant pathway of every customer, in row order.
    pub fn pathways(&self) -> impl ExactSizeIterator<Item = Pathway> + '_ {
        self.codes
            .iter()
            .map(|&c| pathway_of(usize::from(c), self.q))
    }
}

/// A value with an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// Customers on one pathway.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Segment {
    /// The pathway.
    pub pathway: Pathway,
    /// Its name ("innovation-led", "dual", …).
    pub name: String,
    /// Customers on it.
    pub count: usize,
    /// Share of the customer base, with a Wilson interval (the batch read as a sample of
    /// a larger base).
    pub share: Estimate,
    /// Mean predicted outcome of these customers (`NaN` when the segment is empty).
    pub mean_outcome: f64,
}

/// A customer base segmented by pathway.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Segmentation {
    /// Customers.
    pub n: usize,
    /// One segment per pathway, in [`super::Constructs::pathways`] order; counts sum to `n`.
    pub segments: Vec<Segment>,
    /// Mean predicted outcome, with its delta-method interval (parameter uncertainty).
    pub mean_outcome: Estimate,
    /// The willingness threshold on the response scale.
    pub threshold: f64,
    /// Expected number of customers whose outcome reaches the threshold,
    /// `Σ Φ((ŷ_i − t)/σ_res)`, with an interval from the Poisson-binomial variance plus
    /// parameter uncertainty.
    pub expected_willing: Estimate,
    /// Level of the intervals.
    pub level: f64,
    /// The outcome's name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub outcome: String,
}

impl Segmentation {
    /// The report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Segmentation {
    /// The customers per pathway with their share, its Wilson interval and their mean
    /// predicted outcome; then the mean predicted outcome and the expected number of
    /// willing customers with their intervals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = if self.outcome.is_empty() {
            "outcome"
        } else {
            &self.outcome
        };
        let level = num(Some(100.0 * self.level), 0);
        let mut out = String::new();
        let mean_head = format!("mean predicted {y}");
        let ci_head = format!("{level} % interval");
        let mut t = TextTable::new(&["pathway", "customers", "share", &ci_head, &mean_head]);
        for g in &self.segments {
            t.row(vec![
                g.name.clone(),
                g.count.to_string(),
                format!("{} %", num(Some(100.0 * g.share.value), 1)),
                interval(100.0 * g.share.lower, 100.0 * g.share.upper, 1),
                num(Some(g.mean_outcome), 3),
            ]);
        }
        t.write(&mut out, 2)?;
        let m = self.mean_outcome;
        para(
            &mut out,
            "  ",
            "    ",
            &format!(
                "Mean predicted {y}: {}, {level} % interval {} (from the uncertainty of the                  coefficients). Shares carry Wilson score intervals.",
                num(Some(m.value), 3),
                interval(m.lower, m.upper, 3)
            ),
        )?;
        let e = self.expected_willing;
        para(
            &mut out,
            "  ",
            "    ",
            &format!(
                "Expected number of customers whose {y} reaches {}: {} of {}, {level} % interval                  {} (each customer's chance given the spread of {y} around the prediction,                  plus the uncertainty of the coefficients).",
                num(Some(self.threshold), 2),
                num(Some(e.value), 1),
                self.n,
                interval(e.lower, e.upper, 1)
            ),
        )?;
        f.write_str(&out)
    }
}

impl ReadinessModel {
    /// Predicts one customer whose every trait is scored.
    ///
    /// Errors when a trait is missing ([`ReadinessError::MissingTrait`]), unknown, not
    /// finite or outside the response range.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let p = model.predict(&Profile::new(&[("O", 4.8), ("C", 3.1)]))?;
    /// assert_eq!(p.pathway, Pathway::Led(0)); // openness → II carries it
    /// assert_eq!(p.recommendation.pathway, "II-led"); // Constructs::new names, formats are yours to attach
    /// let c = &p.contributions;
    /// let sum = c.reference + c.via.iter().sum::<f64>() + c.direct;
    /// assert!((sum - p.outcome.value).abs() < 1e-12);
    /// assert!(model.predict(&Profile::new(&[("O", 4.8)])).is_err()); // C missing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict(&self, profile: &Profile) -> Result<Prediction, ReadinessError> {
        let x = self.resolve(profile)?;
        let mut full = Vec::with_capacity(x.len());
        for (k, v) in x.iter().enumerate() {
            match v {
                Some(v) => full.push(*v),
                None => {
                    return Err(ReadinessError::MissingTrait {
                        name: self.spec.constructs.traits()[k].clone(),
                        row: None,
                        id: None,
                    })
                }
            }
        }
        Ok(self.predict_full(full, &[], Vec::new()))
    }

    /// Predicts one customer with some traits missing (documented partial prediction).
    ///
    /// A missing trait is replaced by its conditional expectation given the scored traits
    /// under the trait covariance, `x̂_M = x̄_M + Σ_MO Σ_OO⁻¹ (x_O − x̄_O)`, and its
    /// conditional covariance `Σ_MM − Σ_MO Σ_OO⁻¹ Σ_OM` is added to the prediction
    /// variances. With every trait scored this equals [`ReadinessModel::predict`].
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5), ("O ~~ C", 0.2)]).build()?;
    /// let p = model.predict_partial(&Profile::new(&[("O", 4.0)]))?;
    /// assert_eq!(p.imputed, ["C"]);
    /// assert!((p.traits[1] - (3.0 + 0.2 / 0.5 * (4.0 - 3.0))).abs() < 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_partial(&self, profile: &Profile) -> Result<Prediction, ReadinessError> {
        let x = self.resolve(profile)?;
        let traits = self.spec.constructs.traits();
        let obs: Vec<usize> = (0..x.len()).filter(|&k| x[k].is_some()).collect();
        let mis: Vec<usize> = (0..x.len()).filter(|&k| x[k].is_none()).collect();
        if mis.is_empty() {
            return self.predict(profile);
        }
        let mu = &self.spec.trait_mean;
        let s = &self.spec.trait_cov;
        let soo = DMatrix::from_fn(obs.len(), obs.len(), |i, j| s[(obs[i], obs[j])]);
        let smo = DMatrix::from_fn(mis.len(), obs.len(), |i, j| s[(mis[i], obs[j])]);
        let smm = DMatrix::from_fn(mis.len(), mis.len(), |i, j| s[(mis[i], mis[j])]);
        let dev = DVector::from_fn(obs.len(), |i, _| x[obs[i]].unwrap_or(0.0) - mu[obs[i]]);
        let (shift, cond) = if obs.is_empty() {
            (DVector::zeros(mis.len()), smm)
        } else {
            let chol = soo
                .cholesky()
                .ok_or_else(|| ReadinessError::NotPositiveDefinite {
                    what: "the covariance of the scored traits".into(),
                })?;
            let w = chol.solve(&smo.transpose()); // Σ_OO⁻¹ Σ_OM
            (w.transpose() * dev, smm - &smo * w)
        };
        let mut full: Vec<f64> = x.iter().map(|v| v.unwrap_or(0.0)).collect();
        for (i, &k) in mis.iter().enumerate() {
            full[k] = mu[k] + shift[i];
        }
        let imputed = mis.iter().map(|&k| traits[k].clone()).collect();
        // Extra variance from the imputed traits: wᵀ S_cond w for each prediction.
        let p = traits.len();
        let q = self.spec.constructs.mediators().len();
        let extra = |w: &dyn Fn(usize) -> f64| -> f64 {
            let mut v = 0.0;
            for (i, &k) in mis.iter().enumerate() {
                for (j, &l) in mis.iter().enumerate() {
                    v += w(k) * cond[(i, j)] * w(l);
                }
            }
            v.max(0.0)
        };
        let mut extras: Vec<f64> = (0..q)
            .map(|j| extra(&|k| self.spec.coef.a[j * p + k]))
            .collect();
        extras.push(extra(&|k| self.d.total[k]));
        Ok(self.predict_full(full, &extras, imputed))
    }

    /// Trait scores in model order, validated; `None` for missing.
    fn resolve(&self, profile: &Profile) -> Result<Vec<Option<f64>>, ReadinessError> {
        let traits = self.spec.constructs.traits();
        let range = self.spec.constructs.range();
        let mut x: Vec<Option<f64>> = vec![None; traits.len()];
        let mut seen = vec![false; traits.len()];
        for (name, v) in &profile.scores {
            let k = traits.iter().position(|t| t == name).ok_or_else(|| {
                ReadinessError::UnknownTrait {
                    name: name.clone(),
                    traits: traits.join(", "),
                }
            })?;
            if seen[k] {
                return Err(ReadinessError::DuplicateTrait { name: name.clone() });
            }
            seen[k] = true;
            if let Some(v) = *v {
                if !(v >= range.min() && v <= range.max()) {
                    return Err(ReadinessError::TraitOutOfRange {
                        name: name.clone(),
                        row: None,
                        id: None,
                        value: v,
                        min: range.min(),
                        max: range.max(),
                    });
                }
            }
            x[k] = *v;
        }
        Ok(x)
    }

    /// The prediction at complete trait scores `x`; `extra` adds variance per mediator and
    /// (last) for the outcome.
    fn predict_full(&self, x: Vec<f64>, extra: &[f64], imputed: Vec<String>) -> Prediction {
        let c = &self.spec.constructs;
        let (p, q) = (c.traits().len(), c.mediators().len());
        let co = &self.spec.coef;
        let d = &self.d;
        let z: Vec<f64> = std::iter::once(1.0).chain(x.iter().copied()).collect();
        let qf = |m: &DMatrix<f64>| -> f64 {
            let mut s = 0.0;
            for i in 0..=p {
                for j in 0..=p {
                    s += z[i] * m[(i, j)] * z[j];
                }
            }
            s.max(0.0)
        };
        let extra_at = |i: usize| extra.get(i).copied().unwrap_or(0.0);
        let build = |name: &str, value: f64, mean: f64, sd: f64, var: f64| {
            let se = var.sqrt();
            ConstructPrediction {
                name: name.to_string(),
                value,
                z: (value - mean) / sd,
                se,
                interval: (value - d.z_level * se, value + d.z_level * se),
            }
        };
        let mut via = Vec::with_capacity(q);
        let mut mediators = Vec::with_capacity(q);
        for j in 0..q {
            let m = d.kappa_m[j] + (0..p).map(|k| co.a[j * p + k] * x[k]).sum::<f64>();
            via.push(co.b[j] * (m - d.mean_m[j]));
            let var = d.resid_m[j] + qf(&d.q_m[j]) + extra_at(j);
            mediators.push(build(&c.mediators()[j], m, d.mean_m[j], d.sd_m[j], var));
        }
        let y = d.kappa_y + (0..p).map(|k| d.total[k] * x[k]).sum::<f64>();
        let direct = (0..p)
            .map(|k| co.c[k] * (x[k] - self.spec.trait_mean[k]))
            .sum::<f64>();
        let var_y = d.resid_y + qf(&d.q_y) + extra_at(q);
        let outcome = build(c.outcome(), y, d.mean_y, d.sd_y, var_y);
        let pathway = pathway_of(d.rule.classify(y, &via), q);
        let mut out = Prediction {
            mediators,
            outcome,
            contributions: Contributions {
                reference: d.mean_y,
                via,
                direct,
            },
            pathway,
            recommendation: c.recommendation(pathway),
            traits: x,
            trait_names: c.traits().to_vec(),
            imputed,
            why: String::new(),
            range: Some(c.range()),
            level: Some(self.spec.level),
        };
        out.why = self.why(&out);
        out
    }

    /// Predicts a batch: `traits` holds n customers × p traits, row-major in model trait
    /// order. Every score must be finite and in the response range (the error names the
    /// row, counted from 1). Single-threaded: about 15 ns per
    /// customer with five traits and two mediators.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let b = model.predict_batch(&[4.8, 3.1, 3.0, 4.9])?;
    /// let one = model.predict(&Profile::new(&[("O", 3.0), ("C", 4.9)]))?;
    /// assert_eq!(b.outcome[1], one.outcome.value);
    /// assert_eq!(b.pathway(1), Some(one.pathway));
    /// assert!(model.predict_batch(&[4.8, f64::NAN]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_batch(&self, traits: &[f64]) -> Result<BatchPrediction, ReadinessError> {
        // Zeroed allocations come from the allocator's zero pages, without a fill pass.
        let n = traits.len() / self.spec.constructs.traits().len();
        let q = self.spec.constructs.mediators().len();
        let mut out = BatchPrediction {
            mediators: (0..q).map(|_| vec![0.0; n]).collect(),
            outcome: vec![0.0; n],
            outcome_se: vec![0.0; n],
            codes: vec![0; n],
            q,
            ids: None,
        };
        self.predict_batch_into(traits, &mut out)?;
        Ok(out)
    }

    /// As [`ReadinessModel::predict_batch`], writing into `out` (cleared first) so that a
    /// scoring loop reuses its buffers.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
    /// #         ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5)]).build()?;
    /// let mut out = model.predict_batch(&[3.0, 4.0])?;
    /// model.predict_batch_into(&[5.0], &mut out)?;
    /// assert_eq!(out.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_batch_into(
        &self,
        traits: &[f64],
        out: &mut BatchPrediction,
    ) -> Result<(), ReadinessError> {
        let c = &self.spec.constructs;
        let (p, q) = (c.traits().len(), c.mediators().len());
        if traits.len() % p != 0 {
            return Err(ReadinessError::WrongLength {
                what: format!("trait scores ({p} per customer)"),
                expected: traits.len().div_ceil(p) * p,
                found: traits.len(),
            });
        }
        let n = traits.len() / p;
        // Ids belong to the table a batch came from, not to these trait scores.
        out.ids = None;
        let (lo, hi) = (c.range().min(), c.range().max());
        // Sized up front (every value is overwritten): the loops write by index.
        out.mediators.resize_with(q, Vec::new);
        for m in &mut out.mediators {
            m.resize(n, 0.0);
        }
        out.outcome.resize(n, 0.0);
        out.outcome_se.resize(n, 0.0);
        out.codes.resize(n, 0);
        out.q = q;
        // Constant sizes let the compiler keep everything in registers and unroll the
        // per-customer loops; other sizes take the general loop.
        macro_rules! dispatch {
            ($(($p:literal, $q:literal)),*) => {
                match (p, q) {
                    $(($p, $q) => self.fill_fixed::<$p, $q>(traits, out, lo, hi),)*
                    _ => self.fill(traits, out, p, lo, hi),
                }
            };
        }
        let in_range = dispatch!(
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 1),
            (5, 1),
            (6, 1),
            (7, 1),
            (8, 1),
            (1, 2),
            (2, 2),
            (3, 2),
            (4, 2),
            (5, 2),
            (6, 2),
            (7, 2),
            (8, 2),
            (1, 3),
            (2, 3),
            (3, 3),
            (4, 3),
            (5, 3),
            (6, 3),
            (7, 3),
            (8, 3)
        );
        if !in_range {
            // The loops only noted that a score is bad; find the first one and leave no
            // partial results behind.
            out.mediators.iter_mut().for_each(Vec::clear);
            out.outcome.clear();
            out.outcome_se.clear();
            out.codes.clear();
            let i = traits
                .iter()
                .position(|&v| !(v >= lo && v <= hi))
                .unwrap_or(0);
            return Err(ReadinessError::TraitOutOfRange {
                name: c.traits()[i % p].clone(),
                row: Some(i / p + 1),
                id: None,
                value: traits[i],
                min: lo,
                max: hi,
            });
        }
        for v in &mut out.outcome_se {
            *v = v.max(0.0).sqrt();
        }
        Ok(())
    }

    /// The batch loop for p traits and q mediators known at compile time. Writes the
    /// outcome variance to `outcome_se` (the caller takes square roots in one pass).
    #[allow(clippy::needless_range_loop)] // index loops read as the formulas
    fn fill_fixed<const P: usize, const Q: usize>(
        &self,
        traits: &[f64],
        out: &mut BatchPrediction,
        lo: f64,
        hi: f64,
    ) -> bool {
        let co = &self.spec.coef;
        let d = &self.d;
        let total: [f64; P] = std::array::from_fn(|k| d.total[k]);
        let a: [[f64; P]; Q] = std::array::from_fn(|j| std::array::from_fn(|k| co.a[j * P + k]));
        let kappa_m: [f64; Q] = std::array::from_fn(|j| d.kappa_m[j]);
        let b: [f64; Q] = std::array::from_fn(|j| co.b[j]);
        let mean_m: [f64; Q] = std::array::from_fn(|j| d.mean_m[j]);
        let (lin, tri, q00) = self.variance_form();
        let lin: [f64; P] = std::array::from_fn(|k| lin[k]);
        let tri: [[f64; P]; P] = std::array::from_fn(|k| std::array::from_fn(|l| tri[k * P + l]));
        let rule = d.rule;
        let (kappa_y, base_var) = (d.kappa_y, d.resid_y + q00);
        let mut meds = out.mediators.iter_mut();
        let meds: [&mut [f64]; Q] =
            std::array::from_fn(|_| meds.next().map_or(&mut [][..], |m| &mut m[..]));
        // Customers go through in blocks of L lanes, traits transposed to lane vectors,
        // so that every formula is a loop over lanes the compiler turns into SIMD. The
        // last block is padded with in-range values and only its real rows are written.
        const L: usize = 4;
        let n = out.outcome.len();
        let mut in_range = true;
        let mut start = 0;
        while start < n {
            let rows = L.min(n - start);
            let mut xt = [[lo; L]; P];
            for l in 0..rows {
                let x = &traits[(start + l) * P..(start + l + 1) * P];
                for k in 0..P {
                    xt[k][l] = x[k];
                }
            }
            for k in 0..P {
                for l in 0..L {
                    in_range &= (xt[k][l] >= lo) & (xt[k][l] <= hi);
                }
            }
            let mut y = [kappa_y; L];
            for k in 0..P {
                for l in 0..L {
                    y[l] += total[k] * xt[k][l];
                }
            }
            let mut via = [[0.0; Q]; L];
            for j in 0..Q {
                let mut m = [kappa_m[j]; L];
                for k in 0..P {
                    for l in 0..L {
                        m[l] += a[j][k] * xt[k][l];
                    }
                }
                for l in 0..rows {
                    via[l][j] = b[j] * (m[l] - mean_m[j]);
                    meds[j][start + l] = m[l];
                }
            }
            let mut var = [base_var; L];
            for k in 0..P {
                let mut inner = [lin[k]; L];
                for c in k..P {
                    for l in 0..L {
                        inner[l] += tri[k][c] * xt[c][l];
                    }
                }
                for l in 0..L {
                    var[l] += xt[k][l] * inner[l];
                }
            }
            for l in 0..rows {
                out.outcome[start + l] = y[l];
                out.outcome_se[start + l] = var[l];
                // q ≤ 200 (Constructs::validate), so every code fits a byte.
                out.codes[start + l] = rule.classify(y[l], &via[l]) as u8;
            }
            start += rows;
        }
        in_range
    }

    /// The general batch loop (any p and q), as [`Self::fill_fixed`].
    #[allow(clippy::needless_range_loop)] // index loops read as the formulas
    fn fill(&self, traits: &[f64], out: &mut BatchPrediction, p: usize, lo: f64, hi: f64) -> bool {
        let q = self.spec.constructs.mediators().len();
        let co = &self.spec.coef;
        let d = &self.d;
        let (lin, tri, q00) = self.variance_form();
        let mut via = vec![0.0; q];
        let mut in_range = true;
        for (i, x) in traits.chunks_exact(p).enumerate() {
            for &v in x {
                in_range &= (v >= lo) & (v <= hi);
            }
            let y = d.kappa_y + dot(&d.total, x);
            for j in 0..q {
                let m = d.kappa_m[j] + dot(&co.a[j * p..(j + 1) * p], x);
                via[j] = co.b[j] * (m - d.mean_m[j]);
                out.mediators[j][i] = m;
            }
            let mut var = d.resid_y + q00;
            for k in 0..p {
                var += x[k] * (lin[k] + dot(&tri[k * p + k..(k + 1) * p], &x[k..]));
            }
            out.outcome[i] = y;
            out.outcome_se[i] = var;
            out.codes[i] = d.rule.classify(y, &via) as u8;
        }
        in_range
    }

    /// The outcome's parameter variance as `q00 + Σ_k x_k (lin_k + Σ_{l ≥ k} tri_kl x_l)`
    /// from the symmetric `Q_y` (zero without a parameter covariance).
    fn variance_form(&self) -> (Vec<f64>, Vec<f64>, f64) {
        let p = self.spec.constructs.traits().len();
        let q = &self.d.q_y;
        let lin = (0..p).map(|k| 2.0 * q[(0, k + 1)]).collect();
        let mut tri = vec![0.0; p * p];
        for k in 0..p {
            for l in k..p {
                let f = if k == l { 1.0 } else { 2.0 };
                tri[k * p + l] = f * q[(k + 1, l + 1)];
            }
        }
        (lin, tri, q[(0, 0)])
    }

    /// The trait scores of a table's columns named for the traits, row-major in model
    /// order, ready for [`ReadinessModel::predict_batch`] or [`ReadinessModel::segment`].
    /// A missing cell is an error naming the row (counted from 1), never a zero.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// use cocreate_core::data::Table;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let t = Table::from_csv_reader("C,O\n3.5,4\n2,\n".as_bytes())?;
    /// let err = model.trait_matrix(&t).unwrap_err();
    /// assert!(err.to_string().starts_with("row 2: trait \"O\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trait_matrix(&self, table: &Table) -> Result<Vec<f64>, ReadinessError> {
        let traits = self.spec.constructs.traits();
        let cols: Vec<usize> = traits
            .iter()
            .map(|t| {
                table
                    .column_index(t)
                    .ok_or_else(|| ReadinessError::MissingColumn { name: t.clone() })
            })
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(table.n_rows() * traits.len());
        for row in 0..table.n_rows() {
            for (k, &col) in cols.iter().enumerate() {
                match table.get(row, col) {
                    Some(v) => out.push(v),
                    None => {
                        return Err(ReadinessError::MissingTrait {
                            name: traits[k].clone(),
                            row: Some(row + 1),
                            id: table.ids().map(|ids| ids[row].clone()),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Predicts every row of a table of trait scores ([`ReadinessModel::trait_matrix`]
    /// then [`ReadinessModel::predict_batch`]), keeping the table's respondent ids
    /// ([`BatchPrediction::ids`]) so that each prediction can be named.
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// use cocreate_core::data::Table;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O"], &["II"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.5), ("WTC ~ II", 0.5), ("II ~ 1", 1.0), ("WTC ~ 1", 1.0),
    /// #         ("II ~~ II", 0.3), ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("O ~~ O", 0.5)]).build()?;
    /// let t = Table::from_csv_reader("id,O\nR7,4\nR8,2\n".as_bytes())?;
    /// let b = model.predict_table(&t)?;
    /// assert_eq!(b.ids().unwrap(), ["R7", "R8"]);
    /// assert_eq!(b.outcome[0], model.predict_batch(&[4.0])?.outcome[0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_table(&self, table: &Table) -> Result<BatchPrediction, ReadinessError> {
        let traits = self.trait_matrix(table)?;
        let mut out = self.predict_batch(&traits)?;
        out.ids = table.ids().map(<[String]>::to_vec);
        Ok(out)
    }

    /// Segments a customer base (n × p trait scores, row-major) by pathway, with the mean
    /// predicted outcome and the expected number of customers whose outcome reaches
    /// `willing` (see [`Segmentation`] and `docs/methods/readiness.md`).
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let s = model.segment(&[4.8, 3.1, 3.0, 4.9, 1.0, 1.0], Threshold::Raw(3.0))?;
    /// assert_eq!(s.segments.iter().map(|g| g.count).sum::<usize>(), 3);
    /// let e = s.expected_willing;
    /// assert!(e.lower <= e.value && e.value <= e.upper && e.value <= 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn segment(
        &self,
        traits: &[f64],
        willing: super::Threshold,
    ) -> Result<Segmentation, ReadinessError> {
        use statrs::distribution::{Continuous, ContinuousCDF, Normal};
        let batch = self.predict_batch(traits)?;
        let c = &self.spec.constructs;
        let p = c.traits().len();
        let n = batch.len();
        if n == 0 {
            return Err(ReadinessError::NoCustomers { what: "segment" });
        }
        let d = &self.d;
        let range = c.range();
        let t = willing.resolve((range.min() + range.max()) / 2.0, d.mean_y, d.sd_y)?;
        let zq = d.z_level;
        let nf = n as f64;
        let mut counts = vec![0usize; batch.q + 3];
        let mut sums = vec![0.0; batch.q + 3];
        for (&code, y) in batch.codes.iter().zip(&batch.outcome) {
            counts[usize::from(code)] += 1;
            sums[usize::from(code)] += y;
        }
        let segments = c
            .pathways()
            .into_iter()
            .enumerate()
            .map(|(code, pw)| Segment {
                pathway: pw,
                name: c.pathway_name(pw).to_string(),
                count: counts[code],
                share: wilson(counts[code], n, zq),
                mean_outcome: if counts[code] == 0 {
                    f64::NAN
                } else {
                    sums[code] / counts[code] as f64
                },
            })
            .collect();
        // Mean outcome: linear in x, so it is ŷ at the mean traits, with var z̄ᵀQz̄.
        let mut zbar = vec![0.0; p + 1];
        zbar[0] = 1.0;
        for x in traits.chunks_exact(p) {
            for k in 0..p {
                zbar[k + 1] += x[k] / nf;
            }
        }
        let quad = |z: &[f64]| {
            let mut s = 0.0;
            for i in 0..=p {
                for j in 0..=p {
                    s += z[i] * d.q_y[(i, j)] * z[j];
                }
            }
            s.max(0.0)
        };
        let ybar = batch.outcome.iter().sum::<f64>() / nf;
        let se_mean = quad(&zbar).sqrt();
        // Expected willing: Σ Φ((ŷ−t)/s) with s the residual SD.
        let s = d.resid_y.sqrt();
        let std = Normal::standard();
        let mut expected = 0.0;
        let mut bern = 0.0;
        let mut grad = vec![0.0; p + 1];
        for (i, &y) in batch.outcome.iter().enumerate() {
            let pi = if s > 0.0 {
                std.cdf((y - t) / s)
            } else if y >= t {
                1.0
            } else {
                0.0
            };
            expected += pi;
            bern += pi * (1.0 - pi);
            if s > 0.0 {
                let w = std.pdf((y - t) / s) / s;
                grad[0] += w;
                for k in 0..p {
                    grad[k + 1] += w * traits[i * p + k];
                }
            }
        }
        let se_willing = (bern + quad(&grad)).sqrt();
        Ok(Segmentation {
            n,
            segments,
            mean_outcome: Estimate {
                value: ybar,
                lower: ybar - zq * se_mean,
                upper: ybar + zq * se_mean,
            },
            threshold: t,
            expected_willing: Estimate {
                value: expected,
                lower: (expected - zq * se_willing).max(0.0),
                upper: (expected + zq * se_willing).min(nf),
            },
            level: self.spec.level,
            outcome: c.outcome().to_string(),
        })
    }
}

/// Σ a_i b_i.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The share `k/n` with its Wilson score interval (`cocreate_stats::wilson_bounds`).
fn wilson(k: usize, n: usize, z: f64) -> Estimate {
    let value = k as f64 / n as f64;
    let (lower, upper) = cocreate_stats::wilson_bounds(k as u64, n as u64, z).unwrap_or((value, value));
    Estimate {
        value,
        lower,
        upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_closed_form() {
        // 12 of 40 at 95 %: Wilson interval (0.180748, 0.454300), by hand.
        let e = wilson(12, 40, 1.959963984540054);
        assert!((e.lower - 0.180_748_452).abs() < 1e-8, "{e:?}");
        assert!((e.upper - 0.454_300_188).abs() < 1e-8, "{e:?}");
        let all = wilson(5, 5, 1.96);
        assert_eq!(all.upper, 1.0);
    }
}
