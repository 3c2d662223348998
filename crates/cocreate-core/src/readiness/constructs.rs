//! The named constructs of a readiness model: traits, mediators (each with its pathway
//! profile), the outcome, and the response scale their scores are on.

use crate::scoring::ResponseRange;

use super::error::{ReadinessError, MAX_MEDIATORS, MAX_TRAITS};
use super::pathway::{Pathway, PathwayProfile, Recommendation, LOW_READINESS_NOTE, NEITHER_NOTE};

/// Which construct plays which role: traits → mediators → outcome.
///
/// Scores of all constructs are on one response scale (the composite mean of 1–5 items
/// lies in 1–5; a latent construct is on its marker item's scale). Trait scores given for
/// prediction must lie in that range, which catches, for example, POMP scores passed by
/// mistake.
///
/// ```
/// use cocreate_core::readiness::{Constructs, PathwayProfile};
/// use cocreate_core::scoring::ResponseRange;
///
/// // The domain's default: Big Five → II, EI → WTC.
/// let c = Constructs::cocreation(ResponseRange::new(1.0, 5.0)?);
/// assert_eq!(c.traits(), ["O", "C", "E", "A", "N"]);
/// assert_eq!(c.pathway(0).name, "innovation-led");
///
/// // Any named constructs, with the pathway profiles attached explicitly.
/// let mine = Constructs::new(&["open", "consc"], &["innov", "invol"], "willing", ResponseRange::new(1.0, 7.0)?)?
///     .with_pathway("innov", PathwayProfile::innovation_led())?
///     .with_pathway("invol", PathwayProfile::involvement_led())?;
/// assert_eq!(mine.pathway(1).name, "involvement-led");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::ConstructsRepr")
)]
pub struct Constructs {
    traits: Vec<String>,
    mediators: Vec<String>,
    outcome: String,
    pathways: Vec<PathwayProfile>,
    range: ResponseRange,
}

impl Constructs {
    /// Traits, mediators and an outcome, all scored on `range`. Each mediator starts with
    /// [`PathwayProfile::unnamed`]; attach recommendations with [`Constructs::with_pathway`].
    ///
    /// Errors when there is no trait or no mediator, a name is empty, or a name is used
    /// twice.
    pub fn new(
        traits: &[&str],
        mediators: &[&str],
        outcome: &str,
        range: ResponseRange,
    ) -> Result<Self, ReadinessError> {
        let c = Constructs {
            traits: traits.iter().map(|s| s.to_string()).collect(),
            mediators: mediators.iter().map(|s| s.to_string()).collect(),
            outcome: outcome.to_string(),
            pathways: mediators
                .iter()
                .map(|m| PathwayProfile::unnamed(m))
                .collect(),
            range,
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks the roles (also after deserialising).
    pub(crate) fn validate(&self) -> Result<(), ReadinessError> {
        if self.traits.is_empty() {
            return Err(ReadinessError::EmptyRole { role: "trait" });
        }
        if self.mediators.is_empty() {
            return Err(ReadinessError::EmptyRole {
                role: "mediator (the pathways run through mediators)",
            });
        }
        if self.pathways.len() != self.mediators.len() {
            return Err(ReadinessError::ProfileCount {
                mediators: self.mediators.len(),
                profiles: self.pathways.len(),
            });
        }
        if self.mediators.len() > MAX_MEDIATORS || self.traits.len() > MAX_TRAITS {
            return Err(ReadinessError::TooManyConstructs {
                traits: self.traits.len(),
                mediators: self.mediators.len(),
            });
        }
        let all: Vec<&String> = self.names().collect();
        for (i, name) in all.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(ReadinessError::EmptyName);
            }
            if all[..i].contains(name) {
                return Err(ReadinessError::DuplicateName {
                    name: name.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Big Five (`O`, `C`, `E`, `A`, `N`) → innate innovativeness `II` (innovation-led) and
    /// enduring involvement `EI` (involvement-led) → willingness to co-create `WTC`: the
    /// names of the bundled survey's keys.
    pub fn cocreation(range: ResponseRange) -> Self {
        Constructs {
            traits: ["O", "C", "E", "A", "N"].map(String::from).to_vec(),
            mediators: vec!["II".into(), "EI".into()],
            outcome: "WTC".into(),
            pathways: vec![
                PathwayProfile::innovation_led(),
                PathwayProfile::involvement_led(),
            ],
            range,
        }
    }

    /// The same constructs with `profile` attached to `mediator`.
    ///
    /// Errors when `mediator` is not a mediator.
    pub fn with_pathway(
        mut self,
        mediator: &str,
        profile: PathwayProfile,
    ) -> Result<Self, ReadinessError> {
        let j = self
            .mediators
            .iter()
            .position(|m| m == mediator)
            .ok_or_else(|| ReadinessError::NotAMediator {
                name: mediator.to_string(),
                mediators: self.mediators.join(", "),
            })?;
        self.pathways[j] = profile;
        Ok(self)
    }

    /// The traits, in model order.
    pub fn traits(&self) -> &[String] {
        &self.traits
    }

    /// The mediators, in model order.
    pub fn mediators(&self) -> &[String] {
        &self.mediators
    }

    /// The outcome.
    pub fn outcome(&self) -> &str {
        &self.outcome
    }

    /// The response scale of the construct scores.
    pub fn range(&self) -> ResponseRange {
        self.range
    }

    /// The pathway profile of mediator `j`. Panics if `j` is not a mediator index.
    pub fn pathway(&self, j: usize) -> &PathwayProfile {
        &self.pathways[j]
    }

    /// Every construct name: traits, mediators, outcome.
    pub(crate) fn names(&self) -> impl Iterator<Item = &String> {
        self.traits
            .iter()
            .chain(&self.mediators)
            .chain(std::iter::once(&self.outcome))
    }

    /// The name of a pathway: the mediator's profile name, `"dual"` or `"low readiness"`.
    ///
    /// ```
    /// use cocreate_core::readiness::{Constructs, Pathway};
    /// use cocreate_core::scoring::ResponseRange;
    /// let c = Constructs::cocreation(ResponseRange::new(1.0, 5.0)?);
    /// assert_eq!(c.pathway_name(Pathway::Led(0)), "innovation-led");
    /// assert_eq!(c.pathway_name(Pathway::LowReadiness), "low readiness");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pathway_name(&self, pathway: Pathway) -> &str {
        match pathway {
            Pathway::Led(j) => self.pathways.get(j).map_or("unknown", |p| &p.name),
            Pathway::Dual => "dual",
            Pathway::LowReadiness => "low readiness",
            Pathway::Neither => "neither strongly",
        }
    }

    /// Every pathway in reporting order: led by each mediator, dual, low readiness, neither
    /// strongly (the order of the pathway codes).
    ///
    /// ```
    /// use cocreate_core::readiness::{Constructs, Pathway};
    /// use cocreate_core::scoring::ResponseRange;
    /// let c = Constructs::cocreation(ResponseRange::new(1.0, 5.0)?);
    /// assert_eq!(c.pathways().len(), 5);
    /// assert_eq!(c.pathways()[3], Pathway::LowReadiness);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pathways(&self) -> Vec<Pathway> {
        (0..self.mediators.len())
            .map(Pathway::Led)
            .chain([Pathway::Dual, Pathway::LowReadiness, Pathway::Neither])
            .collect()
    }

    /// What to offer on `pathway`: the leading mediator's formats and framing; for a dual
    /// pathway those of every mediator (in order, without repeats); for low readiness no
    /// format, and a note pointing to co-producer readiness.
    pub fn recommendation(&self, pathway: Pathway) -> Recommendation {
        let mut r = Recommendation {
            pathway: self.pathway_name(pathway).to_string(),
            formats: Vec::new(),
            framing: Vec::new(),
            note: None,
        };
        let add = |v: &mut Vec<String>, items: &[String]| {
            for it in items {
                if !v.contains(it) {
                    v.push(it.clone());
                }
            }
        };
        match pathway {
            Pathway::Led(j) => {
                if let Some(p) = self.pathways.get(j) {
                    add(&mut r.formats, &p.formats);
                    add(&mut r.framing, &p.framing);
                }
            }
            Pathway::Dual => {
                for p in &self.pathways {
                    add(&mut r.formats, &p.formats);
                    add(&mut r.framing, &p.framing);
                }
            }
            Pathway::LowReadiness => r.note = Some(LOW_READINESS_NOTE.to_string()),
            Pathway::Neither => r.note = Some(NEITHER_NOTE.to_string()),
        }
        r
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`Constructs`], checked like [`Constructs::new`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ConstructsRepr {
        traits: Vec<String>,
        mediators: Vec<String>,
        outcome: String,
        pathways: Vec<PathwayProfile>,
        range: ResponseRange,
    }

    impl TryFrom<ConstructsRepr> for Constructs {
        type Error = ReadinessError;
        fn try_from(r: ConstructsRepr) -> Result<Self, ReadinessError> {
            let c = Constructs {
                traits: r.traits,
                mediators: r.mediators,
                outcome: r.outcome,
                pathways: r.pathways,
                range: r.range,
            };
            c.validate()?;
            Ok(c)
        }
    }
}
