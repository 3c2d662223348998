//! Scoring: one respondent ([`MaturityModel::assess`]), several respondents of one firm
//! ([`MaturityModel::assess_group`], combined as [`GroupOptions`] say), and placing a
//! set of competency scores on the stages.
//!
//! The rule is the one of `docs/literature.md` §4.5 "Maturity scoring" (written out with a
//! worked example in `docs/methods/maturity.md`):
//!
//! 1. reverse-keyed answers become `min + max − x`; "don't know" and "not applicable" are
//!    missing, not zero;
//! 2. a competency is scored only when `answered ÷ items ≥ min_coverage`; its score is
//!    the mean of its items rescaled to 0–100, `C = 100 · mean((x′ − min) / (max − min))`;
//! 3. the compensatory score is `O = Σ wᵢCᵢ` and the limiting score `min Cᵢ`;
//! 4. each score falls in the highest stage whose lower bound it reaches, and the reported
//!    level is `min(stage(O), stage(min Cᵢ) + k)`;
//! 5. a closed gate gives level 0 and skips the bands.
//!
//! ```
//! use cocreate_maturity::MaturityModel;
//!
//! let model = MaturityModel::builtin();
//! let mut sheet = model.sheet("cx-lead").answer("gate.programme", true)?;
//! for item in model.items() {
//!     // Strong everywhere except culture, which is at the bottom of the scale.
//!     let good = if item.id().starts_with("culture") { 1 } else { 5 };
//!     sheet = sheet.answer(item.id(), if item.reverse() { 6 - good } else { good })?;
//! }
//! let result = model.assess(&sheet.build()?)?;
//! let banding = result.banding().unwrap();
//! assert!((banding.overall_score - 500.0 / 6.0).abs() < 1e-12); // stage 5 on its own
//! assert_eq!(banding.limiting_level, 1); // culture scores 0
//! assert_eq!(banding.level, 2); // min(5, 1 + 1)
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::sync::Arc;

use crate::answers::AnswerSheet;
use crate::assessment::{
    Agreement, Assessment, Banding, CompetencyResult, Coverage, GateOutcome, ItemContribution,
    Placement,
};
use crate::error::{AssessError, Checked};
use crate::group::{Aggregation, GroupOptions, Spread};
use crate::inputs::ScoringInputs;
use crate::model::MaturityModel;
use crate::response::Response;

impl MaturityModel {
    /// Scores one respondent's answers and places the firm.
    ///
    /// A sheet without an answer to the gate item gives an
    /// [`Undetermined`](Placement::Undetermined) placement, as does a competency whose
    /// coverage is too low; a "no" to the gate gives level 0.
    ///
    /// # Errors
    ///
    /// [`AssessError::OtherModel`] when the sheet was recorded for another model or model
    /// version.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sheet = model.sheet("ana").answer("gate.programme", false)?.build()?;
    /// assert_eq!(model.assess(&sheet)?.level(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assess(&self, sheet: &AnswerSheet) -> Result<Assessment, AssessError> {
        self.check_sheet(sheet)?;
        Ok(self.score_sheet(sheet))
    }

    fn check_sheet(&self, sheet: &AnswerSheet) -> Result<(), AssessError> {
        let inputs = self.inputs();
        if sheet.model_id != inputs.model_id
            || sheet.model_version != inputs.model_version
            || sheet.answers.len() != self.items().len()
        {
            return Err(AssessError::OtherModel {
                what: Checked::Sheet {
                    respondent: sheet.respondent.to_string(),
                },
                expected: self.label(),
                found: format!("{} {}", sheet.model_id, sheet.model_version),
            });
        }
        Ok(())
    }

    /// Scores a sheet already known to belong to this model.
    fn score_sheet(&self, sheet: &AnswerSheet) -> Assessment {
        let inputs = self.inputs();
        let items = self.items();
        let mut competencies = Vec::with_capacity(self.competencies().len());
        for c in self.competencies() {
            let total = c.items.len();
            let mut contributions = Vec::with_capacity(total);
            let mut answered = 0u32;
            // Σ (x′ − min) / (max − min): with one scale width for all items, only the
            // numerators are summed (whole numbers, exact) and the division is done once.
            let mut sum = 0.0;
            for (item, answer) in items[c.items.clone()]
                .iter()
                .zip(&sheet.answers[c.items.clone()])
            {
                let keyed = match answer {
                    Some(Response::Value(x)) => {
                        let k = item.keyed(*x);
                        sum += match c.common_width {
                            Some(_) => k - item.range.min(),
                            None => item.range.normalize(k),
                        };
                        answered += 1;
                        Some(k)
                    }
                    _ => None,
                };
                contributions.push(ItemContribution {
                    answered: u32::from(keyed.is_some()),
                    missing: u32::from(keyed.is_none()),
                    keyed,
                    points: None,
                });
            }
            let coverage = Coverage::new(answered, total as u32);
            let n = f64::from(answered);
            let score = (answered > 0 && coverage.ratio() >= inputs.min_coverage).then(|| match c
                .common_width
            {
                Some(width) => 100.0 * sum / (n * width),
                None => 100.0 * sum / n,
            });
            if score.is_some() {
                for (contribution, item) in contributions.iter_mut().zip(&items[c.items.clone()]) {
                    contribution.points = contribution.keyed.map(|k| {
                        let (min, max) = (item.range.min(), item.range.max());
                        100.0 * (k - min) / (n * (max - min))
                    });
                }
            }
            competencies.push(CompetencyResult::new(
                c.labels.clone(),
                c.weight,
                coverage,
                score,
                score.map(|s| inputs.stage_of(s)),
                None,
                contributions,
            ));
        }
        let gate = inputs.gate.as_ref().map(|_| match sheet.gate {
            Some(Response::Yes) => GateOutcome::from_counts(1, 0, 0),
            Some(Response::No) => GateOutcome::from_counts(0, 1, 0),
            _ => GateOutcome::from_counts(0, 0, 1),
        });
        let placement = place(inputs, gate, &competencies);
        Assessment {
            inputs: inputs.clone(),
            respondent: Some(sheet.respondent.clone()),
            aggregation: None,
            gate,
            competencies,
            placement,
            respondents: Vec::new(),
        }
    }

    /// Scores several respondents of one firm and combines them.
    ///
    /// The returned assessment holds the combined competency scores (each with its
    /// [`Agreement`]), the placement they give, and each respondent's own assessment in
    /// [`Assessment::respondents`], in the order given.
    ///
    /// # Errors
    ///
    /// [`AssessError::NoRespondents`], [`AssessError::DuplicateRespondent`], or
    /// [`AssessError::OtherModel`] for a sheet of another model.
    ///
    /// ```
    /// use cocreate_maturity::{AssessError, GroupOptions, MaturityModel};
    /// let model = MaturityModel::builtin();
    /// let err = model.assess_group(&[], &GroupOptions::default()).unwrap_err();
    /// assert_eq!(err, AssessError::NoRespondents);
    /// ```
    pub fn assess_group(
        &self,
        sheets: &[AnswerSheet],
        options: &GroupOptions,
    ) -> Result<Assessment, AssessError> {
        if sheets.is_empty() {
            return Err(AssessError::NoRespondents);
        }
        let mut seen = HashSet::with_capacity(sheets.len());
        for sheet in sheets {
            self.check_sheet(sheet)?;
            if !seen.insert(&*sheet.respondent) {
                return Err(AssessError::DuplicateRespondent {
                    respondent: sheet.respondent.to_string(),
                });
            }
        }
        let respondents: Vec<Assessment> = sheets.iter().map(|s| self.score_sheet(s)).collect();
        let competencies = (0..self.competencies().len())
            .map(|ci| combine_competency(&respondents, ci, options))
            .collect::<Vec<_>>();
        let gate = self.inputs().gate.as_ref().map(|_| {
            let count = |f: fn(&GateOutcome) -> u32| {
                respondents
                    .iter()
                    .filter_map(|r| r.gate.as_ref())
                    .map(f)
                    .sum::<u32>()
            };
            GateOutcome::from_counts(count(|g| g.yes), count(|g| g.no), count(|g| g.unanswered))
        });
        let placement = place(self.inputs(), gate, &competencies);
        Ok(Assessment {
            inputs: self.inputs().clone(),
            respondent: None,
            aggregation: Some(*options),
            gate,
            competencies,
            placement,
            respondents,
        })
    }
}

/// Combines competency `ci` over the respondents: the median or mean of the scores of
/// those who covered it, sorted first so that the result does not depend on their order.
fn combine_competency(
    respondents: &[Assessment],
    ci: usize,
    options: &GroupOptions,
) -> CompetencyResult {
    let per_respondent: Vec<&CompetencyResult> =
        respondents.iter().map(|r| &r.competencies[ci]).collect();
    let first = per_respondent[0];
    let mut scores: Vec<f64> = per_respondent.iter().filter_map(|c| c.score).collect();
    scores.sort_by(f64::total_cmp);
    let score = match options.aggregation() {
        Aggregation::Median => cocreate_stats::median_sorted(&scores),
        Aggregation::Mean => cocreate_stats::mean(&scores),
    }
    .map(|s| s.clamp(0.0, 100.0));
    let std_dev = cocreate_stats::sample_sd(&scores);
    let iqr = match (
        cocreate_stats::quantile_sorted(&scores, 0.75),
        cocreate_stats::quantile_sorted(&scores, 0.25),
    ) {
        (Some(q3), Some(q1)) => q3 - q1,
        _ => 0.0,
    };
    let spread = match options.spread() {
        Spread::StdDev => std_dev,
        Spread::Iqr => (scores.len() >= 2).then_some(iqr),
    };
    let agreement = (!scores.is_empty()).then(|| Agreement {
        respondents: scores.len() as u32,
        std_dev,
        iqr,
        min: scores[0],
        max: scores[scores.len() - 1],
        low: spread.is_some_and(|s| s > options.low_agreement_above()),
    });
    let coverage = Coverage::new(
        per_respondent.iter().map(|c| c.coverage.answered).sum(),
        per_respondent.iter().map(|c| c.coverage.total).sum(),
    );
    let items = (0..first.items.len())
        .map(|ii| combine_item(&per_respondent, ii))
        .collect();
    CompetencyResult::new(
        first.labels().clone(),
        first.weight,
        coverage,
        score,
        score.map(|s| respondents[0].inputs.stage_of(s)),
        agreement,
        items,
    )
}

/// Combines item `ii` of one competency over the respondents.
fn combine_item(per_respondent: &[&CompetencyResult], ii: usize) -> ItemContribution {
    let mut keyed: Vec<f64> = per_respondent
        .iter()
        .filter_map(|c| c.items[ii].keyed)
        .collect();
    keyed.sort_by(f64::total_cmp);
    // Points over the respondents whose competency was scored; an item such a respondent
    // left unanswered adds nothing to their score.
    let mut points: Vec<f64> = per_respondent
        .iter()
        .filter(|c| c.score.is_some())
        .map(|c| c.items[ii].points.unwrap_or(0.0))
        .collect();
    points.sort_by(f64::total_cmp);
    ItemContribution {
        answered: keyed.len() as u32,
        missing: (per_respondent.len() - keyed.len()) as u32,
        keyed: cocreate_stats::mean(&keyed),
        points: cocreate_stats::mean(&points),
    }
}

/// Places a firm from its gate outcome and competency scores (the scores must already be
/// in 0–100).
fn place(
    inputs: &Arc<ScoringInputs>,
    gate: Option<GateOutcome>,
    competencies: &[CompetencyResult],
) -> Placement {
    let gate_unanswered = match gate {
        Some(g) if g.answered() && !g.open => return Placement::Gated,
        Some(g) => !g.answered(),
        None => false,
    };
    let insufficient: Vec<Arc<str>> = competencies
        .iter()
        .filter(|c| c.score.is_none())
        .map(|c| c.labels().id.clone())
        .collect();
    if gate_unanswered || !insufficient.is_empty() {
        return Placement::Undetermined {
            insufficient,
            gate_unanswered,
        };
    }
    // With equal weights, Σ wᵢCᵢ is computed as Σ Cᵢ / n: the same number without the
    // rounding of 1/n (six competencies at 100 give 100, not 99.99999999999997).
    let equal = competencies.windows(2).all(|w| w[0].weight == w[1].weight);
    let mut overall = 0.0;
    let mut weakest: Option<&CompetencyResult> = None;
    let mut limiting = f64::INFINITY;
    for c in competencies {
        let score = c.score.unwrap_or(0.0);
        overall += if equal { score } else { c.weight * score };
        if score < limiting {
            limiting = score;
            weakest = Some(c);
        }
    }
    if equal {
        overall /= competencies.len() as f64;
    }
    // The weights add up to 1, so only rounding can take the sum past 100.
    let overall = overall.clamp(0.0, 100.0);
    let compensatory_level = inputs.stage_of(overall);
    let limiting_level = inputs.stage_of(limiting);
    let level = compensatory_level.min(limiting_level.saturating_add(inputs.lag_allowance));
    Placement::Banded(Banding {
        overall_score: overall,
        compensatory_level,
        limiting_score: limiting,
        limiting_level,
        weakest: weakest.map_or_else(|| Arc::from(""), |c| c.labels().id.clone()),
        level,
    })
}
