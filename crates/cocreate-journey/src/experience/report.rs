//! One journey read through every experience lens at once, as a report.

use std::fmt;

use super::{
    Bonding, BondingRule, EncounterDisconfirmation, Memory, MomentOfTruth, MomentOptions,
    MomentsOfTruth, Reflection, ReflectionError, ReflectionOptions,
};
use crate::Journey;

/// A journey with its disconfirmations, moments of truth, reflection and bonding;
/// `Display` prints them section by section.
///
/// ```
/// use cocreate_journey::*;
///
/// let t = Timestamp::from_unix_seconds;
/// let journey = JourneyBuilder::new("C1", ResponseRange::new(1.0, 7.0)?)
///     .prior_expectation(Experience::both(5.0))
///     .encounter(Encounter::new(Touchpoint::brand("hotline"), Stage::Inquiry, t(0))
///         .perceiving(Experience::new(4.0, 2.0)))
///     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t(60))
///         .perceiving(Experience::both(6.0))
///         .with_outcome(Outcome::Convert))
///     .build()?;
/// let report = JourneyReport::new(
///     &journey,
///     &MomentOptions::builder().tolerance(0.5).critical_threshold(2.0).build()?,
///     &ReflectionOptions::builder().update_rate(0.5).build()?,
///     &BondingRule::default(),
/// )?;
/// let text = report.to_string();
/// assert!(text.starts_with("Journey of C1 on the scale [1, 7]: 2 encounters, outcome conversion\n"));
/// assert!(text.contains("  hotline (inquiry): expectation met an actual experience for the \
///                        first time; emotional disconfirmation -3 exceeds the threshold ±2\n"));
/// assert_eq!(report.moments.critical.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct JourneyReport {
    /// The journey.
    pub journey: Journey,
    /// The options the moments were found with.
    pub moment_options: MomentOptions,
    /// The options of the reflection.
    pub reflection_options: ReflectionOptions,
    /// The bonding rule.
    pub bonding_rule: BondingRule,
    /// D = perceived − expected at every encounter with both.
    pub disconfirmations: Vec<EncounterDisconfirmation>,
    /// The first and the critical moments of truth.
    pub moments: MomentsOfTruth,
    /// The journey as remembered, and the expectation it leaves.
    pub reflection: Reflection,
    /// Whether attachment and advocacy are likely.
    pub bonding: Bonding,
}

impl JourneyReport {
    /// Reads `journey` with the given options. Errors when the journey has no
    /// perceived experience to remember.
    ///
    /// ```
    /// use cocreate_journey::*;
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 5.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("ad"), Stage::Awareness, Timestamp::from_unix_seconds(0)))
    ///     .build()?;
    /// let moments = MomentOptions::builder().tolerance(0.5).critical_threshold(1.0).build()?;
    /// let reflection = ReflectionOptions::builder().update_rate(0.5).build()?;
    /// assert!(JourneyReport::new(&j, &moments, &reflection, &BondingRule::default()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        journey: &Journey,
        moments: &MomentOptions,
        reflection: &ReflectionOptions,
        bonding: &BondingRule,
    ) -> Result<Self, ReflectionError> {
        Ok(JourneyReport {
            disconfirmations: journey.disconfirmations(moments.tolerance()),
            moments: journey.moments_of_truth(moments),
            reflection: journey.reflect(reflection)?,
            bonding: journey.bonding(bonding),
            journey: journey.clone(),
            moment_options: *moments,
            reflection_options: *reflection,
            bonding_rule: *bonding,
        })
    }

    /// The report as text (what `Display` prints).
    ///
    /// ```
    /// use cocreate_journey::*;
    ///
    /// let j = JourneyBuilder::new("C1", ResponseRange::new(1.0, 5.0)?)
    ///     .encounter(Encounter::new(Touchpoint::brand("web"), Stage::Evaluation, Timestamp::from_unix_seconds(0))
    ///         .perceiving(Experience::both(4.0)))
    ///     .build()?;
    /// let moments = MomentOptions::builder().tolerance(0.5).critical_threshold(1.0).build()?;
    /// let reflection = ReflectionOptions::builder().update_rate(0.5).build()?;
    /// let report = JourneyReport::new(&j, &moments, &reflection, &BondingRule::default())?;
    /// assert!(report.summary().contains("Bonding (all four attributes must be met):"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for JourneyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let j = &self.journey;
        writeln!(
            f,
            "Journey of {} on the scale {}: {} encounters, outcome {}",
            j.customer_id(),
            j.scale(),
            j.encounters().len(),
            j.outcome()
        )?;
        writeln!(
            f,
            "\nDisconfirmation D = perceived − expected (tolerance ±{}):",
            self.moment_options.tolerance().value()
        )?;
        for d in &self.disconfirmations {
            let e = &j.encounters()[d.index];
            writeln!(
                f,
                "  {:12} {:10}  functional {:+.1} ({}), emotional {:+.1} ({})",
                e.touchpoint.id,
                e.stage.name(),
                d.disconfirmation.functional,
                d.functional_class,
                d.disconfirmation.emotional,
                d.emotional_class
            )?;
        }
        writeln!(f, "\nMoments of truth:")?;
        let found = &self.moments;
        for m in found
            .first
            .iter()
            .chain(found.critical.iter().filter(|m| !m.is_first()))
        {
            writeln!(f, "  {m}")?;
        }
        let r = &self.reflection;
        writeln!(
            f,
            "\nReflection (peak–end rule, midpoint {} as neutral, α = {}):",
            j.scale().midpoint(),
            self.reflection_options.update_rate()
        )?;
        writeln!(f, "  functional {}", r.functional)?;
        writeln!(f, "  emotional  {}", r.emotional)?;
        if let Some(before) = r.expectation_before {
            writeln!(
                f,
                "  expectation for the next journey: functional {:.2} → {:.2}, emotional {:.2} → {:.2}",
                before.functional,
                r.updated_expectation.functional,
                before.emotional,
                r.updated_expectation.emotional
            )?;
        }
        let required = match self.bonding_rule.required_met() {
            4 => "all four attributes".to_owned(),
            n => format!("{n} of the four attributes"),
        };
        writeln!(f, "\nBonding ({required} must be met):")?;
        write!(f, "{}", self.bonding)
    }
}

impl fmt::Display for MomentOfTruth {
    /// `touchpoint (stage): reason; reason`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): ", self.touchpoint, self.stage)?;
        for (i, r) in self.reasons.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Memory {
    /// `remembered R (peak P, end E) vs mean M; experienced total T`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "remembered {:.2} (peak {:.2}, end {:.2}) vs mean {:.2}; experienced total {:+.2}",
            self.remembered, self.peak_term, self.end, self.mean, self.experienced_total
        )
    }
}

impl fmt::Display for Bonding {
    /// One line per attribute (its mean and whether it is met), then the index and the
    /// verdicts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for a in &self.attributes {
            writeln!(
                f,
                "  {:12} mean {:>5}  {}",
                a.attribute.to_string(),
                a.mean.map_or("-".into(), |m| format!("{m:.2}")),
                if a.met { "met" } else { "not met" }
            )?;
        }
        let likely = |b: bool| if b { "likely" } else { "unlikely" };
        writeln!(
            f,
            "  index {}; attachment {}; advocacy {}",
            self.index.map_or("-".into(), |i| format!("{i:.2}")),
            likely(self.attachment_likely),
            likely(self.advocacy)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    #[test]
    fn pieces_print_as_in_the_report() {
        let m = peak_end(&[5.0, 7.0, 6.0], 4.0, &PeakEndOptions::default()).unwrap();
        assert_eq!(
            m.to_string(),
            "remembered 6.50 (peak 7.00, end 6.00) vs mean 6.00; experienced total +6.00"
        );
        let j = JourneyBuilder::new("C", ResponseRange::new(1.0, 7.0).unwrap())
            .encounter(
                Encounter::new(
                    Touchpoint::brand("web"),
                    Stage::Evaluation,
                    Timestamp::from_unix_seconds(0),
                )
                .perceiving(Experience::both(6.0))
                .with_bonding(BondingRatings::all(6.0, 6.0, 6.0, 2.0)),
            )
            .build()
            .unwrap();
        let b = j.bonding(&BondingRule::default()).to_string();
        assert!(b.contains("  convenience  mean  2.00  not met\n"), "{b}");
        assert!(
            b.ends_with("attachment unlikely; advocacy unlikely\n"),
            "{b}"
        );
    }
}
