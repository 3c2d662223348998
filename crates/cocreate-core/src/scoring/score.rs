//! Scale scores: missing-data policies, the validated scorer, batch and per-respondent
//! results.

use std::fmt;

use crate::data::Table;

use super::error::{CellPosition, ScoringError};
use super::instrument::Instrument;
use super::kernel::{self, Finish, ItemPlan, BLOCK};
use super::responses::{Cells, Responses, MISSING};

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

    /// Works out the reversal constant and imputation values for a batch.
    pub(crate) fn plan(&self, responses: &Responses) -> Result<Plan, ScoringError> {
        responses.check_instrument(&self.instrument)?;
        let range = self.instrument.range();
        let c = match self.options.reverse_range {
            ReverseRange::Declared => range.min() + range.max(),
            ReverseRange::Observed => match observed_range(responses) {
                Some((lo, hi)) => lo + hi,
                None => range.min() + range.max(),
            },
        };
        let imputed = match (self.options.missing, &self.imputation) {
            (p, Some(v)) if p.imputes() => Some(v.clone()),
            (MissingPolicy::ImputeMedian, None) => Some(item_centres(responses, true)?),
            (MissingPolicy::ImputeMean, None) => Some(item_centres(responses, false)?),
            _ => None,
        };
        Ok(Plan { c, imputed })
    }

    /// Scores every respondent on every scale.
    ///
    /// Errors when the responses were built for a different instrument, or when imputing
    /// and an item has no answers at all.
    pub fn score(&self, responses: &Responses) -> Result<Scores, ScoringError> {
        let plan = self.plan(responses)?;
        Ok(self.score_with(responses, &plan))
    }

    pub(crate) fn score_with(&self, responses: &Responses, plan: &Plan) -> Scores {
        let n = responses.n_respondents();
        let s_count = self.columns.len();
        let mut values = vec![0.0f64; n * s_count];
        let mut answered = vec![0u16; n * s_count];
        let job = BlockJob::new(self, responses, plan);
        let chunk = BLOCK * s_count.max(1);
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            values
                .par_chunks_mut(chunk)
                .zip(answered.par_chunks_mut(chunk))
                .enumerate()
                .for_each(|(b, (out, ans))| job.run(b * BLOCK, out, ans));
        }
        #[cfg(not(feature = "parallel"))]
        {
            for (b, (out, ans)) in values
                .chunks_mut(chunk)
                .zip(answered.chunks_mut(chunk))
                .enumerate()
            {
                job.run(b * BLOCK, out, ans);
            }
        }
        Scores {
            instrument: self.instrument.name().to_string(),
            scales: self.instrument.scale_names(),
            n_items: self.columns.iter().map(Vec::len).collect(),
            n,
            values,
            answered,
            policy: self.options.missing,
            imputation_values: plan.imputed.clone(),
        }
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

/// The lowest and highest answer over all items, if any answer exists.
fn observed_range(responses: &Responses) -> Option<(f64, f64)> {
    match responses.cells() {
        Cells::Codes(c) => {
            let (lo, hi) = c.iter().fold((u8::MAX, 0u8), |(lo, hi), &v| {
                if v == MISSING {
                    (lo, hi)
                } else {
                    (lo.min(v), hi.max(v))
                }
            });
            (lo <= hi).then(|| (f64::from(lo), f64::from(hi)))
        }
        Cells::Values(v) => {
            let (lo, hi) = v
                .iter()
                .filter(|x| !x.is_nan())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            (lo <= hi).then_some((lo, hi))
        }
    }
}

/// Per item, the median (`median = true`, R's definition: the mean of the two middle
/// values for an even count) or the mean of the answered values.
fn item_centres(responses: &Responses, median: bool) -> Result<Vec<f64>, ScoringError> {
    let n = responses.n_respondents();
    (0..responses.n_items())
        .map(|j| {
            let centre = match responses.cells() {
                Cells::Codes(c) => {
                    let col = &c[j * n..(j + 1) * n];
                    let mut hist = [0usize; 256];
                    for &v in col {
                        hist[usize::from(v)] += 1;
                    }
                    hist[usize::from(MISSING)] = 0;
                    let m: usize = hist.iter().sum();
                    if m == 0 {
                        None
                    } else if median {
                        let nth = |k: usize| {
                            let mut acc = 0;
                            hist.iter()
                                .position(|&h| {
                                    acc += h;
                                    acc > k
                                })
                                .map_or(0.0, |v| v as f64)
                        };
                        Some(if m % 2 == 1 {
                            nth(m / 2)
                        } else {
                            (nth(m / 2 - 1) + nth(m / 2)) / 2.0
                        })
                    } else {
                        let total: usize = hist.iter().enumerate().map(|(v, h)| v * h).sum();
                        Some(total as f64 / m as f64)
                    }
                }
                Cells::Values(v) => {
                    let mut col: Vec<f64> = v[j * n..(j + 1) * n]
                        .iter()
                        .copied()
                        .filter(|x| !x.is_nan())
                        .collect();
                    let m = col.len();
                    if m == 0 {
                        None
                    } else if median {
                        col.sort_by(f64::total_cmp);
                        Some(if m % 2 == 1 {
                            col[m / 2]
                        } else {
                            (col[m / 2 - 1] + col[m / 2]) / 2.0
                        })
                    } else {
                        Some(col.iter().sum::<f64>() / m as f64)
                    }
                }
            };
            centre.ok_or_else(|| ScoringError::NothingToImpute {
                item: responses.items()[j].clone(),
            })
        })
        .collect()
}

/// Everything one block of respondents needs; shared read-only across threads.
struct BlockJob<'a> {
    responses: &'a Responses,
    plans: Vec<(Vec<ItemPlan>, Finish, u32)>,
    c: f64,
    byte_kernel: bool,
}

impl<'a> BlockJob<'a> {
    fn new(scorer: &Scorer, responses: &'a Responses, plan: &Plan) -> Self {
        // The integer kernel needs an integer reversal constant and, when imputing,
        // imputation values that are whole or half numbers (medians always are).
        let c_ok = plan.c.fract() == 0.0 && plan.c >= 0.0 && plan.c <= 510.0;
        let halves = plan
            .imputed
            .as_ref()
            .is_none_or(|v| v.iter().all(|x| (2.0 * x).fract() == 0.0));
        let byte_kernel = matches!(responses.cells(), Cells::Codes(_)) && c_ok && halves;
        let imputing = plan.imputed.is_some();
        // Fixed-point factor: 2 while imputing on the integer path, so halves stay exact.
        let shift = u32::from(imputing && byte_kernel);
        let factor = f64::from(1u32 << shift);
        let plans = scorer
            .instrument
            .scales()
            .iter()
            .zip(&scorer.columns)
            .map(|(scale, cols)| {
                let items = cols
                    .iter()
                    .zip(scale.reverse())
                    .map(|(&column, &reversed)| {
                        let fill = plan.imputed.as_ref().map_or(0.0, |imp| {
                            let v = if reversed {
                                plan.c - imp[column]
                            } else {
                                imp[column]
                            };
                            v * factor
                        });
                        ItemPlan {
                            column,
                            reversed,
                            fill,
                        }
                    })
                    .collect();
                let finish = match scorer.options.missing {
                    MissingPolicy::Complete => Finish::Complete,
                    MissingPolicy::Prorate { min_answered } => Finish::Prorate {
                        min: min_answered.min(usize::from(u16::MAX)) as u16,
                    },
                    _ => Finish::Imputed { scale: factor },
                };
                (items, finish, shift)
            })
            .collect();
        BlockJob {
            responses,
            plans,
            c: plan.c,
            byte_kernel,
        }
    }

    /// Scores rows `r0..` (as many as `out` holds) into `out` (row-major block of scores)
    /// and `answered`.
    fn run(&self, r0: usize, out: &mut [f64], answered: &mut [u16]) {
        let s_count = self.plans.len();
        if s_count == 0 {
            return;
        }
        let len = out.len() / s_count;
        let n = self.responses.n_respondents();
        let mut cnt = vec![0u16; len];
        match self.responses.cells() {
            Cells::Codes(codes) if self.byte_kernel => {
                let cols = |j: usize| &codes[j * n + r0..j * n + r0 + len];
                let c = self.c as u8;
                let mut sum16 = vec![0u16; len];
                let mut sum32 = Vec::new();
                for (s, (items, finish, shift)) in self.plans.iter().enumerate() {
                    if items.len() <= 128 {
                        kernel::codes_block_u16(
                            items,
                            cols,
                            c,
                            *shift,
                            *finish,
                            &mut sum16,
                            &mut cnt,
                            &mut out[s..],
                            &mut answered[s..],
                            s_count,
                        );
                    } else {
                        sum32.resize(len, 0u32);
                        kernel::codes_block_u32(
                            items,
                            cols,
                            c,
                            *shift,
                            *finish,
                            &mut sum32,
                            &mut cnt,
                            &mut out[s..],
                            &mut answered[s..],
                            s_count,
                        );
                    }
                }
            }
            cells => {
                let value = |j: usize, r: usize| -> Option<f64> {
                    let i = j * n + r0 + r;
                    match cells {
                        Cells::Codes(c) => (c[i] != MISSING).then(|| f64::from(c[i])),
                        Cells::Values(v) => (!v[i].is_nan()).then_some(v[i]),
                    }
                };
                let mut sum = vec![0.0f64; len];
                for (s, (items, finish, _)) in self.plans.iter().enumerate() {
                    kernel::values_block(
                        items,
                        value,
                        len,
                        self.c,
                        *finish,
                        &mut sum,
                        &mut cnt,
                        &mut out[s..],
                        &mut answered[s..],
                        s_count,
                    );
                }
            }
        }
    }
}

/// One respondent's score on one scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScaleScore {
    /// The scale.
    pub scale: String,
    /// The mean of the keyed items, or `None` when the missing-data policy gives no score.
    pub score: Option<f64>,
    /// How many of the scale's items the respondent answered.
    pub answered: usize,
    /// Number of items of the scale.
    pub n_items: usize,
}

/// One respondent's scores on every scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RespondentScores {
    /// One entry per scale, in the instrument's order.
    pub scales: Vec<ScaleScore>,
}

/// Summary of one scale's scores over a batch.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScaleSummary {
    /// The scale.
    pub scale: String,
    /// Respondents with a score.
    pub n_scored: usize,
    /// Mean score (`None` without scores).
    pub mean: Option<f64>,
    /// Standard deviation (denominator n − 1; `None` with fewer than two scores).
    pub sd: Option<f64>,
    /// Lowest score.
    pub min: Option<f64>,
    /// Highest score.
    pub max: Option<f64>,
}

/// Scale scores of a batch: respondents × scales, with each respondent's number of
/// answered items per scale.
///
/// ```
/// use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
///
/// let bfi10 = builtin::bfi10();
/// let answers = Responses::from_rows(&bfi10, &[vec![Some(5.0); 10], vec![Some(2.0); 10]])?;
/// let scores = Scorer::new(&bfi10, ScoringOptions::new())?.score(&answers)?;
/// assert_eq!(scores.column("O")?, vec![Some(3.0), Some(3.0)]); // one item of each pair reversed
/// let table = scores.to_table()?;
/// assert_eq!(table.names()[0], "E");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(into = "ScoresRepr", try_from = "ScoresRepr"))]
pub struct Scores {
    instrument: String,
    scales: Vec<String>,
    n_items: Vec<usize>,
    n: usize,
    /// Row-major respondents × scales; NaN = no score.
    values: Vec<f64>,
    /// Row-major answered counts.
    answered: Vec<u16>,
    policy: MissingPolicy,
    imputation_values: Option<Vec<f64>>,
}

impl Scores {
    /// The instrument's name.
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    /// Number of respondents.
    pub fn n_respondents(&self) -> usize {
        self.n
    }

    /// The scale names, in column order.
    pub fn scale_names(&self) -> &[String] {
        &self.scales
    }

    /// The missing-data policy the scores were computed under.
    pub fn policy(&self) -> MissingPolicy {
        self.policy
    }

    /// The raw item values imputed for missing answers (instrument item order), when
    /// the policy imputes.
    pub fn imputation_values(&self) -> Option<&[f64]> {
        self.imputation_values.as_deref()
    }

    /// Position of a scale, or an error listing the scales.
    pub fn scale_index(&self, name: &str) -> Result<usize, ScoringError> {
        self.scales
            .iter()
            .position(|s| s == name)
            .ok_or_else(|| ScoringError::UnknownScale {
                name: name.to_string(),
                available: self.scales.join(", "),
            })
    }

    /// A respondent's (0-based) score on scale `scale` (0-based); `None` when there is no
    /// score or an index is out of bounds.
    pub fn get(&self, row: usize, scale: usize) -> Option<f64> {
        if row >= self.n || scale >= self.scales.len() {
            return None;
        }
        let v = self.values[row * self.scales.len() + scale];
        (!v.is_nan()).then_some(v)
    }

    /// How many items of scale `scale` respondent `row` answered (0 when out of bounds).
    pub fn answered(&self, row: usize, scale: usize) -> usize {
        if row >= self.n || scale >= self.scales.len() {
            return 0;
        }
        usize::from(self.answered[row * self.scales.len() + scale])
    }

    /// One scale's scores for all respondents.
    pub fn column(&self, name: &str) -> Result<Vec<Option<f64>>, ScoringError> {
        let s = self.scale_index(name)?;
        Ok((0..self.n).map(|r| self.get(r, s)).collect())
    }

    /// All scores, row-major respondents × scales, with NaN where there is no score: the
    /// zero-copy view for numeric code.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// One respondent's scores (empty when `row` is out of bounds).
    pub fn respondent(&self, row: usize) -> RespondentScores {
        if row >= self.n {
            return RespondentScores { scales: Vec::new() };
        }
        RespondentScores {
            scales: (0..self.scales.len())
                .map(|s| ScaleScore {
                    scale: self.scales[s].clone(),
                    score: self.get(row, s),
                    answered: self.answered(row, s),
                    n_items: self.n_items[s],
                })
                .collect(),
        }
    }

    /// Count, mean, SD, min and max of each scale's scores.
    ///
    /// ```
    /// # use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
    /// let tipi = builtin::tipi();
    /// let r = Responses::from_rows(&tipi, &[vec![Some(1.0); 10], vec![Some(3.0); 10]])?;
    /// let s = Scorer::new(&tipi, ScoringOptions::new())?.score(&r)?;
    /// let e = &s.summary()[0];
    /// assert_eq!((e.n_scored, e.mean), (2, Some(4.0)));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn summary(&self) -> Vec<ScaleSummary> {
        let k = self.scales.len();
        (0..k)
            .map(|s| {
                let col: Vec<f64> = (0..self.n)
                    .map(|r| self.values[r * k + s])
                    .filter(|v| !v.is_nan())
                    .collect();
                let m = col.len();
                let mean = (m > 0).then(|| col.iter().sum::<f64>() / m as f64);
                let sd = mean.filter(|_| m > 1).map(|mu| {
                    (col.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / (m - 1) as f64).sqrt()
                });
                ScaleSummary {
                    scale: self.scales[s].clone(),
                    n_scored: m,
                    mean,
                    sd,
                    min: col.iter().copied().reduce(f64::min),
                    max: col.iter().copied().reduce(f64::max),
                }
            })
            .collect()
    }

    /// The scores as a [`Table`] with one column per scale (named by the scale) and a
    /// missing cell where there is no score: the form the SEM and readiness code read.
    pub fn to_table(&self) -> Result<Table, ScoringError> {
        let cells: Vec<Option<f64>> = self
            .values
            .iter()
            .map(|&v| (!v.is_nan()).then_some(v))
            .collect();
        Ok(Table::from_row_major(self.scales.clone(), &cells)?)
    }
}

/// The serialised form of [`Scores`]: `null` where there is no score.
#[cfg(feature = "serde")]
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct ScoresRepr {
    instrument: String,
    scales: Vec<String>,
    n_items: Vec<usize>,
    n_respondents: usize,
    policy: MissingPolicy,
    imputation_values: Option<Vec<f64>>,
    /// Row-major respondents × scales.
    scores: Vec<Option<f64>>,
    /// Row-major answered counts.
    answered: Vec<u16>,
}

#[cfg(feature = "serde")]
impl From<Scores> for ScoresRepr {
    fn from(s: Scores) -> Self {
        ScoresRepr {
            scores: s
                .values
                .iter()
                .map(|&v| (!v.is_nan()).then_some(v))
                .collect(),
            instrument: s.instrument,
            scales: s.scales,
            n_items: s.n_items,
            n_respondents: s.n,
            policy: s.policy,
            imputation_values: s.imputation_values,
            answered: s.answered,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<ScoresRepr> for Scores {
    type Error = ScoringError;
    fn try_from(r: ScoresRepr) -> Result<Self, ScoringError> {
        let cells = r.n_respondents * r.scales.len();
        if r.scores.len() != cells || r.answered.len() != cells || r.n_items.len() != r.scales.len()
        {
            return Err(ScoringError::WrongLength {
                what: "serialised scores (respondents × scales)".into(),
                expected: cells,
                found: r.scores.len(),
            });
        }
        Ok(Scores {
            instrument: r.instrument,
            scales: r.scales,
            n_items: r.n_items,
            n: r.n_respondents,
            values: r
                .scores
                .iter()
                .map(|v| v.filter(|x| x.is_finite()).unwrap_or(f64::NAN))
                .collect(),
            answered: r.answered,
            policy: r.policy,
            imputation_values: r.imputation_values,
        })
    }
}
