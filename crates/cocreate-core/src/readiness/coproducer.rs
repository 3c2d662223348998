//! Co-producer readiness: motivation, role clarity, task communicated and ability, each
//! 0–100, with gaps, overall readiness, the bottleneck and the interventions
//! (`docs/domain.md` §2.1 "Four conditions and their fixes").

use std::fmt::{self, Write};

use crate::scoring::{pomp, ResponseRange, Scores};

use super::error::ReadinessError;
use super::text::{num, para, TextTable};

/// A condition a customer needs to co-produce a service well.
///
/// ```
/// use cocreate_core::readiness::Dimension;
/// assert_eq!(Dimension::ALL.len(), 4);
/// assert_eq!(Dimension::TaskCommunicated.name(), "task communicated");
/// assert!(Dimension::Ability.interventions().iter().any(|i| i.contains("human")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Dimension {
    /// Motivation to take part.
    Motivation,
    /// Understanding which role to play.
    RoleClarity,
    /// Having been told what to do and how, including firm-specific steps.
    TaskCommunicated,
    /// The capacity to do it.
    Ability,
}

impl Dimension {
    /// The four dimensions in reporting order.
    pub const ALL: [Dimension; 4] = [
        Dimension::Motivation,
        Dimension::RoleClarity,
        Dimension::TaskCommunicated,
        Dimension::Ability,
    ];

    /// The dimension's name.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Motivation => "motivation",
            Dimension::RoleClarity => "role clarity",
            Dimension::TaskCommunicated => "task communicated",
            Dimension::Ability => "ability",
        }
    }

    /// The fixes for a gap on this dimension (`docs/domain.md` §2.1 "Four conditions and
    /// their fixes"; offered as choices, not mandates).
    pub fn interventions(self) -> &'static [&'static str] {
        match self {
            Dimension::Motivation => &[
                "incentives or rewards for taking part",
                "make the benefit visible (time, money, control)",
                "make taking part enjoyable and show the impact of contributions",
            ],
            Dimension::RoleClarity => &[
                "a realistic preview of the customer's role",
                "cues in the setting and the interface that show what the customer does next",
            ],
            Dimension::TaskCommunicated => &[
                "step-by-step instructions, including the firm-specific steps",
                "information before the encounter",
                "personal advice from staff",
            ],
            Dimension::Ability => &[
                "training and tutorials",
                "a simpler task design",
                "a human fallback: staff who take over on request (forcing self-service harms attitudes)",
            ],
        }
    }
}

/// Options of the co-producer diagnosis.
///
/// ```
/// use cocreate_core::readiness::CoproducerOptions;
/// assert_eq!(CoproducerOptions::default().gap_threshold(), 50.0);
/// let o = CoproducerOptions::new(60.0)?;
/// assert_eq!(o.gap_threshold(), 60.0);
/// assert!(CoproducerOptions::new(120.0).is_err());
/// # Ok::<(), cocreate_core::readiness::ReadinessError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::CoproducerOptionsRepr")
)]
pub struct CoproducerOptions {
    gap_threshold: f64,
}

impl Default for CoproducerOptions {
    /// A gap below 50 (the midpoint of the response scale).
    fn default() -> Self {
        CoproducerOptions {
            gap_threshold: 50.0,
        }
    }
}

impl CoproducerOptions {
    /// A dimension scoring below `gap_threshold` (0–100) is a gap.
    pub fn new(gap_threshold: f64) -> Result<Self, ReadinessError> {
        if !(0.0..=100.0).contains(&gap_threshold) {
            return Err(ReadinessError::InvalidGapThreshold {
                value: gap_threshold,
            });
        }
        Ok(CoproducerOptions { gap_threshold })
    }

    /// The gap threshold (0–100).
    pub fn gap_threshold(&self) -> f64 {
        self.gap_threshold
    }
}

/// One dimension's score.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DimensionScore {
    /// The dimension.
    pub dimension: Dimension,
    /// 0–100 (POMP of the item mean).
    pub score: f64,
    /// Below the gap threshold.
    pub gap: bool,
}

/// What to do about one gap.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Intervention {
    /// The dimension with the gap.
    pub dimension: Dimension,
    /// The fixes ([`Dimension::interventions`]).
    pub actions: Vec<String>,
}

/// One customer's co-producer readiness.
///
/// ```
/// use cocreate_core::readiness::{diagnose, CoproducerOptions, Dimension};
///
/// // motivation, role clarity, task communicated, ability (0–100)
/// let d = diagnose([80.0, 70.0, 55.0, 30.0], &CoproducerOptions::default())?;
/// assert_eq!(d.bottleneck, Dimension::Ability);
/// assert_eq!(d.compensatory, 58.75);
/// assert_eq!(d.weakest_link, 30.0);
/// assert!(d.human_fallback);
/// assert_eq!(d.interventions.len(), 1);
/// # Ok::<(), cocreate_core::readiness::ReadinessError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CoproducerDiagnosis {
    /// The four dimensions, in [`Dimension::ALL`] order.
    pub dimensions: Vec<DimensionScore>,
    /// Compensatory overall readiness: the mean of the four scores.
    pub compensatory: f64,
    /// Weakest-link overall readiness: the lowest score.
    pub weakest_link: f64,
    /// The lowest dimension (the first in [`Dimension::ALL`] order on ties).
    pub bottleneck: Dimension,
    /// Interventions for each gap, in dimension order (empty when there is none).
    pub interventions: Vec<Intervention>,
    /// Ability is a gap: keep a human alternative rather than forcing self-service.
    pub human_fallback: bool,
}

impl CoproducerDiagnosis {
    /// Whether no dimension is a gap.
    pub fn ready(&self) -> bool {
        self.dimensions.iter().all(|d| !d.gap)
    }
}

impl fmt::Display for CoproducerDiagnosis {
    /// The four scores (gaps marked), the compensatory and weakest-link readiness, the
    /// bottleneck and the interventions for each gap, in lines under 100 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scores: Vec<String> = self
            .dimensions
            .iter()
            .map(|d| {
                format!(
                    "{} {}{}",
                    d.dimension.name(),
                    num(Some(d.score), 0),
                    if d.gap { " (gap)" } else { "" }
                )
            })
            .collect();
        let mut out = String::new();
        para(&mut out, "", "  ", &scores.join(", "))?;
        para(
            &mut out,
            "",
            "  ",
            &format!(
                "overall {} compensatory (the mean), {} weakest link (the lowest); bottleneck: {}",
                num(Some(self.compensatory), 1),
                num(Some(self.weakest_link), 1),
                self.bottleneck.name()
            ),
        )?;
        for iv in &self.interventions {
            para(
                &mut out,
                &format!("{}: ", iv.dimension.name()),
                "  ",
                &iv.actions.join("; "),
            )?;
        }
        f.write_str(&out)
    }
}

/// Diagnoses one customer from 0–100 scores in [`Dimension::ALL`] order.
///
/// Errors when a score is not finite or outside 0–100.
pub fn diagnose(
    scores: [f64; 4],
    options: &CoproducerOptions,
) -> Result<CoproducerDiagnosis, ReadinessError> {
    for (d, s) in Dimension::ALL.iter().zip(scores) {
        if !(0.0..=100.0).contains(&s) {
            return Err(ReadinessError::ScoreOutOfRange {
                dimension: d.name(),
                value: s,
            });
        }
    }
    let dimensions: Vec<DimensionScore> = Dimension::ALL
        .iter()
        .zip(scores)
        .map(|(&dimension, score)| DimensionScore {
            dimension,
            score,
            gap: score < options.gap_threshold,
        })
        .collect();
    let mut bottleneck = 0;
    for i in 1..4 {
        if scores[i] < scores[bottleneck] {
            bottleneck = i;
        }
    }
    let interventions: Vec<Intervention> = dimensions
        .iter()
        .filter(|d| d.gap)
        .map(|d| Intervention {
            dimension: d.dimension,
            actions: d
                .dimension
                .interventions()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        })
        .collect();
    Ok(CoproducerDiagnosis {
        compensatory: scores.iter().sum::<f64>() / 4.0,
        weakest_link: scores[bottleneck],
        bottleneck: Dimension::ALL[bottleneck],
        human_fallback: dimensions[3].gap,
        dimensions,
        interventions,
    })
}

/// Which scales of an instrument measure the four dimensions.
///
/// ```
/// use cocreate_core::readiness::CoproducerScales;
/// let s = CoproducerScales::new("MOT", "ROLE", "TASK", "ABIL");
/// assert_eq!(s.names()[3], "ABIL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CoproducerScales {
    names: [String; 4],
}

impl CoproducerScales {
    /// The scale names of motivation, role clarity, task communicated and ability.
    pub fn new(motivation: &str, role_clarity: &str, task: &str, ability: &str) -> Self {
        CoproducerScales {
            names: [motivation, role_clarity, task, ability].map(String::from),
        }
    }

    /// The names, in [`Dimension::ALL`] order.
    pub fn names(&self) -> &[String; 4] {
        &self.names
    }
}

/// Co-producer readiness of a group of customers.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CoproducerReport {
    /// One diagnosis per customer, in row order.
    pub customers: Vec<CoproducerDiagnosis>,
    /// The customers' identifiers, one per diagnosis, when the scores carried them
    /// ([`Scores::ids`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub ids: Option<Vec<String>>,
    /// Mean score per dimension.
    pub mean_scores: [f64; 4],
    /// Share of customers with a gap, per dimension.
    pub gap_shares: [f64; 4],
    /// Customers whose bottleneck is each dimension.
    pub bottleneck_counts: [usize; 4],
    /// Customers without any gap.
    pub ready: usize,
    /// Customers who need a human fallback.
    pub human_fallback: usize,
    /// The gap threshold the diagnoses used (0–100).
    #[cfg_attr(feature = "serde", serde(default))]
    pub gap_threshold: Option<f64>,
}

impl CoproducerReport {
    /// The report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for CoproducerReport {
    /// How many customers are ready, the mean score, gap share and bottleneck count per
    /// dimension, and the first three customers with a gap, diagnosed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let gap = self.gap_threshold.map_or(String::new(), |g| {
            format!(" (a gap is a score below {})", num(Some(g), 0))
        });
        para(
            &mut out,
            "  ",
            "    ",
            &format!(
                "{} customers scored 0–100 on each dimension{gap}; ready on all four: {}; \
                 human fallback needed: {}",
                self.customers.len(),
                self.ready,
                self.human_fallback
            ),
        )?;
        let mut t = TextTable::new(&[
            "dimension",
            "mean score",
            "share with a gap",
            "bottleneck of",
        ]);
        for (i, d) in Dimension::ALL.iter().enumerate() {
            t.row(vec![
                d.name().to_string(),
                num(Some(self.mean_scores[i]), 1),
                format!("{} %", num(Some(100.0 * self.gap_shares[i]), 1)),
                self.bottleneck_counts[i].to_string(),
            ]);
        }
        t.write(&mut out, 2)?;
        let not_ready: Vec<(usize, &CoproducerDiagnosis)> = self
            .customers
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.ready())
            .take(3)
            .collect();
        if !not_ready.is_empty() {
            writeln!(out, "  The first customers with a gap:")?;
        }
        for (row, c) in not_ready {
            let id = self.ids.as_ref().and_then(|ids| ids.get(row)).map_or_else(
                || format!("row {}", row + 1),
                |id| crate::data::excerpt(id).to_string(),
            );
            writeln!(out, "  customer {id}")?;
            for line in c.to_string().lines() {
                writeln!(out, "    {line}")?;
            }
        }
        f.write_str(&out)
    }
}

/// Diagnoses every respondent of scored items: each dimension's scale score (the item
/// mean on `range`) becomes 0–100 by POMP, `100·(s − min)/(max − min)`.
///
/// A respondent without a score on a dimension (every item skipped) is an error naming
/// the row (from 1), never a zero.
///
/// ```
/// use cocreate_core::data::Table;
/// use cocreate_core::readiness::{diagnose_scores, CoproducerOptions, CoproducerScales, Dimension};
/// use cocreate_core::scoring::{Instrument, Responses, Scorer, ScoringOptions};
///
/// let keys = Instrument::from_json_str(r#"{"name": "coproducer", "scale_min": 1, "scale_max": 5, "scales": [
///     {"name": "MOT", "items": ["m1", "m2"]}, {"name": "ROLE", "items": ["r1", "r2"]},
///     {"name": "TASK", "items": ["t1", "t2"]}, {"name": "ABIL", "items": ["a1", "a2"]}]}"#)?;
/// let csv = "m1,m2,r1,r2,t1,t2,a1,a2\n5,4,4,4,3,4,2,1\n4,4,5,5,5,4,4,5\n";
/// let answers = Responses::from_table(&keys, &Table::from_csv_reader(csv.as_bytes())?)?;
/// let scores = Scorer::new(&keys, ScoringOptions::new())?.score(&answers)?;
/// let r = diagnose_scores(&scores, &CoproducerScales::new("MOT", "ROLE", "TASK", "ABIL"),
///     keys.range(), &CoproducerOptions::default())?;
/// assert_eq!(r.customers[0].bottleneck, Dimension::Ability);
/// assert_eq!(r.customers[0].dimensions[3].score, 12.5); // mean 1.5 on 1–5
/// assert_eq!(r.ready, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagnose_scores(
    scores: &Scores,
    scales: &CoproducerScales,
    range: ResponseRange,
    options: &CoproducerOptions,
) -> Result<CoproducerReport, ReadinessError> {
    let idx: Vec<usize> = scales
        .names
        .iter()
        .map(|n| scores.scale_index(n))
        .collect::<Result<_, _>>()?;
    let n = scores.n_respondents();
    if n == 0 {
        return Err(ReadinessError::NoCustomers { what: "diagnose" });
    }
    let ids = scores.ids();
    let id = |row: usize| ids.map(|ids| ids[row].clone());
    let mut customers = Vec::with_capacity(n);
    for row in 0..n {
        let mut s = [0.0; 4];
        for (i, &col) in idx.iter().enumerate() {
            let raw = scores
                .get(row, col)
                .ok_or_else(|| ReadinessError::MissingScore {
                    row: Some(row + 1),
                    id: id(row),
                    dimension: Dimension::ALL[i].name(),
                    scale: scales.names[i].clone(),
                })?;
            s[i] = pomp(range, raw).clamp(0.0, 100.0);
        }
        customers.push(diagnose(s, options).map_err(|e| ReadinessError::InRow {
            row: row + 1,
            id: id(row),
            source: Box::new(e),
        })?);
    }
    let mut report = summarise(customers);
    report.ids = ids.map(<[String]>::to_vec);
    report.gap_threshold = Some(options.gap_threshold);
    Ok(report)
}

/// Aggregates diagnoses.
fn summarise(customers: Vec<CoproducerDiagnosis>) -> CoproducerReport {
    let nf = customers.len() as f64;
    let mut mean_scores = [0.0; 4];
    let mut gap_shares = [0.0; 4];
    let mut bottleneck_counts = [0; 4];
    for c in &customers {
        for (i, d) in c.dimensions.iter().enumerate() {
            mean_scores[i] += d.score / nf;
            if d.gap {
                gap_shares[i] += 1.0 / nf;
            }
        }
        if let Some(i) = Dimension::ALL.iter().position(|d| *d == c.bottleneck) {
            bottleneck_counts[i] += 1;
        }
    }
    CoproducerReport {
        mean_scores,
        gap_shares,
        bottleneck_counts,
        ready: customers.iter().filter(|c| c.ready()).count(),
        human_fallback: customers.iter().filter(|c| c.human_fallback).count(),
        customers,
        ids: None,
        gap_threshold: None,
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`CoproducerOptions`], checked by [`CoproducerOptions::new`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct CoproducerOptionsRepr {
        gap_threshold: f64,
    }

    impl TryFrom<CoproducerOptionsRepr> for CoproducerOptions {
        type Error = ReadinessError;
        fn try_from(r: CoproducerOptionsRepr) -> Result<Self, ReadinessError> {
            CoproducerOptions::new(r.gap_threshold)
        }
    }
}
