//! Scale scores of a batch and of one respondent.

use super::batch::{self, Plan};
use super::error::{CellPosition, ScoringError};
use super::responses::Responses;
use super::scorer::{MissingPolicy, ReverseRange, Scorer};
use super::scores::{Buffers, RespondentScores, ScaleScore, Scores};

impl Scorer {
    /// Checks that the responses fit the instrument and works out the reversal constant
    /// `min + max`.
    fn reversal_constant(&self, responses: &Responses) -> Result<f64, ScoringError> {
        responses.check_instrument(self.instrument())?;
        let range = self.instrument().range();
        Ok(match self.options().reverse_range_kind() {
            ReverseRange::Declared => range.min() + range.max(),
            ReverseRange::Observed => match batch::observed_range(responses) {
                Some((lo, hi)) => lo + hi,
                None => range.min() + range.max(),
            },
        })
    }

    /// Works out the reversal constant and imputation values for a batch.
    pub(crate) fn plan(&self, responses: &Responses) -> Result<Plan, ScoringError> {
        let c = self.reversal_constant(responses)?;
        self.plan_with(responses, c)
    }

    /// [`Scorer::plan`] with the reversal constant already worked out.
    fn plan_with(&self, responses: &Responses, c: f64) -> Result<Plan, ScoringError> {
        let imputed = match (self.options().missing_policy(), self.imputation()) {
            (p, Some(v)) if p.imputes() => Some(v.to_vec()),
            (MissingPolicy::ImputeMedian, None) => Some(batch::item_centres(responses, true)?),
            (MissingPolicy::ImputeMean, None) => Some(batch::item_centres(responses, false)?),
            _ => None,
        };
        Ok(Plan { c, imputed })
    }

    /// Scores every respondent on every scale.
    ///
    /// Errors when the responses were built for a different instrument, or when imputing
    /// and an item has no answers at all.
    pub fn score(&self, responses: &Responses) -> Result<Scores, ScoringError> {
        self.score_recycling(responses, Buffers::default())
    }

    /// Scores every respondent on every scale into `scores`, the result of an earlier
    /// batch, reusing its memory.
    ///
    /// The result is the same as [`Scorer::score`]'s. Scoring a stream of batches this
    /// way skips the allocation of fresh output buffers, whose first touch costs the
    /// operating system as much time as the scoring itself (about 20 MB for a million
    /// respondents on five scales). When the call fails, `scores` is left empty (no
    /// respondents) and the error says why, as [`Scorer::score`] does.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Layout, Responses, Scorer, ScoringOptions};
    ///
    /// let tipi = builtin::tipi();
    /// let scorer = Scorer::new(&tipi, ScoringOptions::new())?;
    /// let first = Responses::from_codes(&tipi, 1, vec![4; 10], Layout::RowMajor)?;
    /// let mut scores = scorer.score(&first)?;
    /// let next = Responses::from_codes(&tipi, 2, vec![7; 20], Layout::RowMajor)?;
    /// scorer.score_into(&next, &mut scores)?;
    /// assert_eq!(scores, scorer.score(&next)?);
    /// assert_eq!(scores.get(1, 0), Some(4.0)); // 7 and the reversed 8 − 7
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_into(
        &self,
        responses: &Responses,
        scores: &mut Scores,
    ) -> Result<(), ScoringError> {
        let buffers = scores.take_buffers();
        *scores = self.score_recycling(responses, buffers)?;
        Ok(())
    }

    fn score_recycling(
        &self,
        responses: &Responses,
        mut buffers: Buffers,
    ) -> Result<Scores, ScoringError> {
        let c = self.reversal_constant(responses)?;
        if let Some(scores) = batch::score_imputing(self, responses, c, &mut buffers) {
            return scores.map(|s| s.with_ids(responses.shared_ids()));
        }
        let plan = self.plan_with(responses, c)?;
        Ok(batch::score(self, responses, &plan, &mut buffers).with_ids(responses.shared_ids()))
    }

    pub(crate) fn score_with(&self, responses: &Responses, plan: &Plan) -> Scores {
        batch::score(self, responses, plan, &mut Buffers::default())
            .with_ids(responses.shared_ids())
    }

    /// Scores one respondent. `answers` holds one optional answer per item in
    /// [`Instrument::items`](crate::scoring::Instrument::items) order; answers are validated as in batch scoring.
    ///
    /// Errors on a wrong length or an invalid answer; with an imputing policy, unless
    /// imputation values were set ([`Scorer::with_imputation_values`]); and with
    /// [`ReverseRange::Observed`], which needs a batch.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Scorer, ScoringOptions};
    ///
    /// let scorer = Scorer::new(&builtin::bfi10(), ScoringOptions::new())?;
    /// let mut answers = vec![Some(3.0); 10];
    /// answers[0] = Some(1.0); // E item 1 is reverse keyed: 6 − 1 = 5
    /// let one = scorer.score_respondent(&answers)?;
    /// assert_eq!(one.scales[0].scale, "E");
    /// assert_eq!(one.scales[0].score, Some(4.0));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn score_respondent(
        &self,
        answers: &[Option<f64>],
    ) -> Result<RespondentScores, ScoringError> {
        let items = self.instrument().items();
        if answers.len() != items.len() {
            return Err(ScoringError::WrongLength {
                what: format!("answers to {:?}", self.instrument().name()),
                expected: items.len(),
                found: answers.len(),
            });
        }
        let range = self.instrument().range();
        for (j, a) in answers.iter().enumerate() {
            if let Some(v) = *a {
                let at = CellPosition { row: 1, line: None };
                if !v.is_finite() || v < range.min() || v > range.max() {
                    return Err(ScoringError::OutOfRange {
                        at,
                        column: items[j].clone(),
                        value: v,
                        min: range.min(),
                        max: range.max(),
                    });
                }
                if range.integer() && v.fract() != 0.0 {
                    return Err(ScoringError::NotInteger {
                        at,
                        column: items[j].clone(),
                        value: v,
                    });
                }
            }
        }
        if self.options().reverse_range_kind() == ReverseRange::Observed {
            return Err(ScoringError::ObservedRangeNeedsBatch);
        }
        let imputed = match self.options().missing_policy() {
            p if p.imputes() => match self.imputation() {
                Some(v) => Some(v),
                None => {
                    return Err(ScoringError::ImputationValuesNeeded {
                        policy: p.to_string(),
                    })
                }
            },
            _ => None,
        };
        let c = range.min() + range.max();
        let scales = self
            .instrument()
            .scales()
            .iter()
            .zip(self.columns())
            .map(|(scale, cols)| {
                let mut sum = 0.0;
                let mut n = 0usize;
                for (&j, &rev) in cols.iter().zip(scale.reverse()) {
                    match (answers[j], imputed) {
                        (Some(v), _) => {
                            sum += if rev { c - v } else { v };
                            n += 1;
                        }
                        (None, Some(imp)) => sum += if rev { c - imp[j] } else { imp[j] },
                        (None, None) => {}
                    }
                }
                let k = cols.len();
                let score = match self.options().missing_policy() {
                    MissingPolicy::Complete => (n == k).then(|| sum / k as f64),
                    MissingPolicy::Prorate { min_answered } => {
                        (n >= min_answered).then(|| sum / n as f64)
                    }
                    _ => Some(sum / k as f64),
                };
                ScaleScore {
                    scale: scale.name().to_string(),
                    score,
                    answered: n,
                    n_items: k,
                }
            })
            .collect();
        Ok(RespondentScores { scales })
    }
}
