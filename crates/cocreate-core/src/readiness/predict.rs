//! Predicting one customer or a whole customer base from trait scores.

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::scoring::ResponseRange;

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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
        let level = self
            .level
            .map_or(String::new(), |l| format!("{} % ", num(Some(100.0 * l), 0)));
        let mut t = TextTable::new(&["", "predicted", "z", &format!("{level}prediction interval")]);
        let mut cut = false;
        for c in self.mediators.iter().chain([&self.outcome]) {
            let (text, was_cut) = match self.range {
                Some(r) => clipped(c.interval.0, c.interval.1, r.min(), r.max(), 2),
                None => (interval(c.interval.0, c.interval.1, 2), false),
            };
            cut |= was_cut;
            t.row(vec![
                c.name.clone(),
                num(Some(c.value), 2),
                signed(c.z, 2),
                text,
            ]);
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
}
