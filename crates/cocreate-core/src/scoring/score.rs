//! Scale scores: missing-data policies, the validated scorer, batch and per-respondent
//! results.

use std::fmt;

use super::batch;
use super::error::{CellPosition, ScoringError};
use super::instrument::Instrument;
use super::responses::Responses;
use super::scores::{Buffers, RespondentScores, ScaleScore, Scores};

/// What to do when a respondent skipped items of a scale.
///
/// ```
/// use cocreate_core::scoring::MissingPolicy;
///
/// assert_eq!(MissingPolicy::Prorate { min_answered: 3 }.to_string(), "prorate (at least 3 answered)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MissingPolicy {
    /// Any missing item leaves the respondent without a score on that scale.
    Complete,
    /// The score is the mean of the answered keyed items, if at least `min_answered`
    /// were answered (psych's `impute = "none"` is `min_answered: 1`).
    Prorate {
        /// Fewest answered items that still give a score (at least 1).
        min_answered: usize,
    },
    /// Each missing answer is replaced by that item's median over the respondents who
    /// answered it, taken before reverse keying (psych's default `impute = "median"`).
    /// Every respondent gets a score, and reliability uses the imputed data.
    ImputeMedian,
    /// As [`MissingPolicy::ImputeMedian`] with the item mean (psych's `impute = "mean"`).
    ImputeMean,
}

impl MissingPolicy {
    fn imputes(self) -> bool {
        matches!(
            self,
            MissingPolicy::ImputeMedian | MissingPolicy::ImputeMean
        )
    }
}

impl fmt::Display for MissingPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissingPolicy::Complete => f.write_str("complete items only"),
            MissingPolicy::Prorate { min_answered } => {
                write!(f, "prorate (at least {min_answered} answered)")
            }
            MissingPolicy::ImputeMedian => f.write_str("item-median imputation"),
            MissingPolicy::ImputeMean => f.write_str("item-mean imputation"),
        }
    }
}

/// Which `min` and `max` reverse keying uses in `(min + max) − x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ReverseRange {
    /// The instrument's declared response range (the default, and what the questionnaire
    /// means).
    #[default]
    Declared,
    /// The lowest and highest answers observed over all items of the batch: what
    /// `psych::scoreItems` does when `min`/`max` are not given. Equal to `Declared`
    /// whenever both ends of the scale were used by someone.
    Observed,
}

/// Options for scoring, validated against an instrument by [`Scorer::new`].
///
/// The default is [`MissingPolicy::Prorate`] with `min_answered: 1` and
/// [`ReverseRange::Declared`].
///
/// ```
/// use cocreate_core::scoring::{builtin, MissingPolicy, ScoringOptions};
///
/// let opts = ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 2 });
/// let scorer = opts.build(&builtin::mini_ipip())?;
/// assert_eq!(scorer.options().missing_policy(), MissingPolicy::Prorate { min_answered: 2 });
///
/// // Five answers can never be reached on a 4-item scale.
/// let err = ScoringOptions::new()
///     .missing(MissingPolicy::Prorate { min_answered: 5 })
///     .build(&builtin::mini_ipip())
///     .unwrap_err();
/// assert!(err.to_string().contains("scale \"E\" has only 4 items"));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoringOptions {
    missing: MissingPolicy,
    reverse_range: ReverseRange,
}

impl Default for ScoringOptions {
    fn default() -> Self {
        ScoringOptions {
            missing: MissingPolicy::Prorate { min_answered: 1 },
            reverse_range: ReverseRange::Declared,
        }
    }
}

impl ScoringOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the missing-data policy.
    pub fn missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// Sets which range reverse keying uses.
    pub fn reverse_range(mut self, range: ReverseRange) -> Self {
        self.reverse_range = range;
        self
    }

    /// The missing-data policy.
    pub fn missing_policy(&self) -> MissingPolicy {
        self.missing
    }

    /// Which range reverse keying uses.
    pub fn reverse_range_kind(&self) -> ReverseRange {
        self.reverse_range
    }

    /// Validates the options for `instrument`; same as [`Scorer::new`].
    pub fn build(self, instrument: &Instrument) -> Result<Scorer, ScoringError> {
        Scorer::new(instrument, self)
    }
}

/// An instrument with validated scoring options: scores batches ([`Scorer::score`]) and
/// single respondents ([`Scorer::score_respondent`]), and computes reliability
/// ([`Scorer::reliability`]).
///
/// ```
/// use cocreate_core::scoring::{builtin, Layout, MissingPolicy, Responses, Scorer, ScoringOptions, MISSING};
///
/// let tipi = builtin::tipi();
/// let scorer = Scorer::new(&tipi, ScoringOptions::new().missing(MissingPolicy::Complete))?;
/// // Two respondents; the second skipped item 6 (reverse-keyed half of E).
/// let codes = vec![7, 2, 6, 3, 5, 1, 6, 2, 5, 3,
///                  4, 4, 4, 4, 4, MISSING, 4, 4, 4, 4];
/// let answers = Responses::from_codes(&tipi, 2, codes, Layout::RowMajor)?;
/// let scores = scorer.score(&answers)?;
/// assert_eq!(scores.get(0, 0), Some(7.0)); // E = mean(7, 8 − 1)
/// assert_eq!(scores.get(1, 0), None);      // incomplete under `Complete`
/// assert_eq!(scores.get(1, 1), Some(4.0));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scorer {
    instrument: Instrument,
    options: ScoringOptions,
    columns: Vec<Vec<usize>>,
    imputation: Option<Vec<f64>>,
}

/// What scoring a batch needs besides the answers: the reversal constant and the
/// imputation values actually used.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// `min + max` for reverse keying.
    pub c: f64,
    /// Per item (instrument order), the raw value imputed for a missing answer.
    pub imputed: Option<Vec<f64>>,
}

impl Scorer {
    /// Validates `options` for `instrument`.
    ///
    /// Errors when `Prorate` asks for no answers or for more answers than a scale has.
    pub fn new(instrument: &Instrument, options: ScoringOptions) -> Result<Self, ScoringError> {
        if let MissingPolicy::Prorate { min_answered } = options.missing {
            if min_answered == 0 {
                return Err(ScoringError::Options(
                    "Prorate needs min_answered of at least 1 (a score needs an answer)".into(),
                ));
            }
            if let Some(s) = instrument.scales().iter().find(|s| s.len() < min_answered) {
                return Err(ScoringError::Options(format!(
                    "Prorate asks for {min_answered} answered items, but scale {:?} has only {} items and would never be scored",
                    s.name(),
                    s.len()
                )));
            }
        }
        if instrument
            .scales()
            .iter()
            .any(|s| s.len() > usize::from(u16::MAX) / 2)
        {
            return Err(ScoringError::Options(format!(
                "a scale has more than {} items",
                u16::MAX / 2
            )));
        }
        Ok(Scorer {
            columns: instrument.scale_columns(),
            instrument: instrument.clone(),
            options,
            imputation: None,
        })
    }

    /// The same scorer imputing these raw item values (one per item, instrument order)
    /// instead of the batch's own medians or means: for scoring single respondents, or
    /// new data against a reference sample. Each value must lie in the response range.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, MissingPolicy, Scorer, ScoringOptions};
    ///
    /// let tipi = builtin::tipi();
    /// let scorer = Scorer::new(&tipi, ScoringOptions::new().missing(MissingPolicy::ImputeMedian))?
    ///     .with_imputation_values(vec![4.0; 10])?;
    /// let mut answers = vec![Some(6.0); 10];
    /// answers[0] = None; // E's first item imputed with 4
    /// let one = scorer.score_respondent(&answers)?;
    /// assert_eq!(one.scales[0].score, Some((4.0 + (8.0 - 6.0)) / 2.0));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn with_imputation_values(mut self, values: Vec<f64>) -> Result<Self, ScoringError> {
        let items = self.instrument.items();
        if values.len() != items.len() {
            return Err(ScoringError::WrongLength {
                what: format!("imputation values for {:?}", self.instrument.name()),
                expected: items.len(),
                found: values.len(),
            });
        }
        let range = self.instrument.range();
        for (item, &v) in items.iter().zip(&values) {
            if !(v.is_finite() && v >= range.min() && v <= range.max()) {
                return Err(ScoringError::Options(format!(
                    "the imputation value {v} for item {item:?} is outside the response range {} to {}",
                    range.min(),
                    range.max()
                )));
            }
        }
        self.imputation = Some(values);
        Ok(self)
    }

    /// The instrument.
    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }

    /// The options.
    pub fn options(&self) -> &ScoringOptions {
        &self.options
    }

    pub(crate) fn columns(&self) -> &[Vec<usize>] {
        &self.columns
    }

    /// Whether imputation values were set with [`Scorer::with_imputation_values`].
    pub(crate) fn has_imputation_values(&self) -> bool {
        self.imputation.is_some()
    }

    /// Checks that the responses fit the instrument and works out the reversal constant
    /// `min + max`.
    fn reversal_constant(&self, responses: &Responses) -> Result<f64, ScoringError> {
        responses.check_instrument(&self.instrument)?;
        let range = self.instrument.range();
        Ok(match self.options.reverse_range {
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
        let imputed = match (self.options.missing, &self.imputation) {
            (p, Some(v)) if p.imputes() => Some(v.clone()),
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
    /// [`Instrument::items`] order; answers are validated as in batch scoring.
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
        let items = self.instrument.items();
        if answers.len() != items.len() {
            return Err(ScoringError::WrongLength {
                what: format!("answers to {:?}", self.instrument.name()),
                expected: items.len(),
                found: answers.len(),
            });
        }
        let range = self.instrument.range();
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
        if self.options.reverse_range == ReverseRange::Observed {
            return Err(ScoringError::Options(
                "ReverseRange::Observed takes min and max from a batch; score a batch or use Declared".into(),
            ));
        }
        let imputed = match self.options.missing {
            p if p.imputes() => match &self.imputation {
                Some(v) => Some(v.as_slice()),
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
            .instrument
            .scales()
            .iter()
            .zip(&self.columns)
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
                let score = match self.options.missing {
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
