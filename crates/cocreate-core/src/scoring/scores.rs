//! Batch results: every respondent's score on every scale, kept exact and compact.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::data::{Ids, Table};

use super::error::ScoringError;
use super::kernel::ScoreRule;
use super::scorer::{MissingPolicy, Scorer};

/// One respondent's score on one scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct RespondentScores {
    /// One entry per scale, in the instrument's order.
    pub scales: Vec<ScaleScore>,
}

/// Summary of one scale's scores over a batch.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
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
/// Scores of byte-coded answers are held exactly, as each respondent's sum of keyed
/// answers (two bytes) next to the answered count, and divided when read: a million
/// respondents on five scales take 20 MB rather than the 50 MB of `f64` scores with their
/// counts. [`Scores::as_slice`] and [`Scores::to_vec`] give the dense `f64` matrix when
/// numeric code wants one.
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
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(into = "ScoresRepr", try_from = "ScoresRepr"))]
pub struct Scores {
    instrument: String,
    scales: Vec<String>,
    n_items: Vec<usize>,
    n: usize,
    /// Scale-major: respondent `r` on scale `s` at `s · n + r`. The number of items
    /// answered, or the mask of missing items when the values carry [`Fills`].
    answered: Vec<u16>,
    values: Values,
    policy: MissingPolicy,
    imputation_values: Option<Vec<f64>>,
    /// The dense row-major matrix behind [`Scores::as_slice`], made on first use.
    dense: OnceLock<Vec<f64>>,
    /// The respondents' identifiers, when the responses carried them.
    ids: Option<Arc<Ids>>,
}

/// Buffers recycled from an earlier result by [`crate::scoring::Scorer::score_into`].
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    answered: Vec<u16>,
    sums: Vec<u16>,
}

impl Buffers {
    /// The answered-count (or mask) buffer, `len` zeros long.
    pub(crate) fn answered(&mut self, len: usize) -> Vec<u16> {
        zeroed(std::mem::take(&mut self.answered), len)
    }

    /// The byte-sum buffer, `len` zeros long.
    pub(crate) fn sums(&mut self, len: usize) -> Vec<u16> {
        zeroed(std::mem::take(&mut self.sums), len)
    }
}

fn zeroed(mut v: Vec<u16>, len: usize) -> Vec<u16> {
    v.clear();
    v.resize(len, 0);
    v
}

/// The scores themselves, scale-major like the answered counts.
#[derive(Debug, Clone)]
pub(crate) enum Values {
    /// Exact sums of keyed byte codes; scale `s`'s rule turns a sum and its answered
    /// count into the score.
    Sums {
        sums: Vec<u16>,
        rules: Vec<ScoreRule>,
        /// Per scale, imputed values that are not whole or half numbers (item means),
        /// added to the sums of the respondents who missed items.
        fills: Option<Fills>,
    },
    /// Scores as computed in `f64`; NaN = no score.
    Dense(Vec<f64>),
}

/// Imputed item medians or means, applied when a score is read: per scale, the total of
/// the keyed values imputed for every set of missing items, indexed by the bit mask of
/// those items (bit `t` for the scale's item `t`). With fills, [`Scores`] keeps each
/// respondent's mask of missing items in place of the answered count.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fills {
    tables: Vec<Vec<f64>>,
}

impl Fills {
    pub(crate) fn new(tables: Vec<Vec<f64>>) -> Self {
        Fills { tables }
    }

    /// The imputed total for scale `s` and missing-item mask `mask`.
    #[inline]
    fn get(&self, s: usize, mask: u16) -> f64 {
        self.tables[s][usize::from(mask)]
    }
}

impl Scores {
    /// The batch result of `scorer`'s instrument for `n` respondents.
    pub(crate) fn new(
        scorer: &Scorer,
        n: usize,
        answered: Vec<u16>,
        values: Values,
        imputation_values: Option<Vec<f64>>,
    ) -> Self {
        Scores {
            instrument: scorer.instrument().name().to_string(),
            scales: scorer.instrument().scale_names(),
            n_items: scorer.columns().iter().map(Vec::len).collect(),
            n,
            answered,
            values,
            policy: scorer.options().missing_policy(),
            imputation_values,
            dense: OnceLock::new(),
            ids: None,
        }
    }

    /// These scores with the respondents' identifiers (from the responses scored).
    pub(crate) fn with_ids(mut self, ids: Option<Arc<Ids>>) -> Self {
        self.ids = ids.filter(|i| i.values.len() == self.n);
        self
    }

    /// The respondents' identifiers, one per respondent, when the responses carried
    /// them ([`crate::scoring::Responses::ids`]).
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_ref().map(|i| i.values.as_slice())
    }

    /// The column the identifiers came from.
    pub fn id_column(&self) -> Option<&str> {
        self.ids.as_ref().map(|i| i.column.as_str())
    }

    /// Empties this result and hands back its buffers (answered counts or masks, and the
    /// byte sums) so that the next batch can be scored into memory already in use.
    pub(crate) fn take_buffers(&mut self) -> Buffers {
        let sums = match &mut self.values {
            Values::Sums { sums, .. } => std::mem::take(sums),
            Values::Dense(_) => Vec::new(),
        };
        let answered = std::mem::take(&mut self.answered);
        self.n = 0;
        self.values = Values::Dense(Vec::new());
        self.dense = OnceLock::new();
        Buffers { answered, sums }
    }

    /// The score at scale-major index `i`; NaN when there is none.
    #[inline]
    fn at(&self, i: usize) -> f64 {
        match &self.values {
            Values::Sums { sums, rules, fills } => {
                let s = i / self.n;
                match fills {
                    None => rules[s].score(f64::from(sums[i]), self.answered[i]),
                    Some(f) => {
                        let mask = self.answered[i];
                        let sum = f64::from(sums[i]) + f.get(s, mask);
                        rules[s].score(sum, self.answered_from_mask(s, mask))
                    }
                }
            }
            Values::Dense(v) => v[i],
        }
    }

    /// Items answered at scale-major index `i`.
    #[inline]
    fn answered_at(&self, i: usize) -> u16 {
        match &self.values {
            Values::Sums { fills: Some(_), .. } => {
                self.answered_from_mask(i / self.n, self.answered[i])
            }
            _ => self.answered[i],
        }
    }

    /// Items of scale `s` answered by a respondent with missing-item mask `mask`.
    #[inline]
    fn answered_from_mask(&self, s: usize, mask: u16) -> u16 {
        self.n_items[s] as u16 - mask.count_ones() as u16
    }

    /// Scale `s`'s scores for every respondent (NaN = no score).
    pub(crate) fn scale_values(&self, s: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.n];
        self.each_score(s, 0..self.n, |r, v| out[r] = v);
        out
    }

    /// Calls `put(row, score)` for scale `s`'s score (NaN = none) of every row in `rows`.
    #[inline]
    fn each_score(&self, s: usize, rows: Range<usize>, mut put: impl FnMut(usize, f64)) {
        let at = s * self.n + rows.start..s * self.n + rows.end;
        match &self.values {
            Values::Sums { sums, rules, fills } => {
                let rule = rules[s];
                let scored = sums[at.clone()].iter().zip(&self.answered[at.clone()]);
                let cells = rows.zip(scored).zip(at);
                match fills {
                    None => cells.for_each(|((r, (&sum, &answered)), _)| {
                        put(r, rule.score(f64::from(sum), answered))
                    }),
                    Some(f) => cells.for_each(|((r, (&sum, &mask)), _)| {
                        let sum = f64::from(sum) + f.get(s, mask);
                        put(r, rule.score(sum, self.answered_from_mask(s, mask)))
                    }),
                }
            }
            Values::Dense(v) => rows.zip(&v[at]).for_each(|(r, &x)| put(r, x)),
        }
    }

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
        let v = self.at(scale * self.n + row);
        (!v.is_nan()).then_some(v)
    }

    /// How many items of scale `scale` respondent `row` answered (0 when out of bounds).
    pub fn answered(&self, row: usize, scale: usize) -> usize {
        if row >= self.n || scale >= self.scales.len() {
            return 0;
        }
        usize::from(self.answered_at(scale * self.n + row))
    }

    /// One scale's scores for all respondents.
    pub fn column(&self, name: &str) -> Result<Vec<Option<f64>>, ScoringError> {
        let s = self.scale_index(name)?;
        Ok(self
            .scale_values(s)
            .into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect())
    }

    /// All scores as a dense matrix, row-major respondents × scales, with NaN where there
    /// is no score: the form numeric code takes.
    ///
    /// ```
    /// # use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
    /// let tipi = builtin::tipi();
    /// let r = Responses::from_rows(&tipi, &[vec![Some(1.0); 10], vec![None; 10]])?;
    /// let s = Scorer::new(&tipi, ScoringOptions::new())?.score(&r)?;
    /// let dense = s.to_vec();
    /// assert_eq!(dense.len(), 2 * 5);
    /// assert_eq!(dense[0], 4.0); // E: mean of 1 and 8 − 1
    /// assert!(dense[5].is_nan()); // the second respondent answered nothing
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn to_vec(&self) -> Vec<f64> {
        // A run of rows at a time, so that the run's rows of the output stay in cache while
        // every scale is written into them.
        const RUN: usize = 1024;
        let k = self.scales.len();
        let mut out = vec![0.0; self.n * k];
        for r0 in (0..self.n).step_by(RUN) {
            let rows = r0..(r0 + RUN).min(self.n);
            for s in 0..k {
                self.each_score(s, rows.clone(), |r, v| out[r * k + s] = v);
            }
        }
        out
    }

    /// All scores, row-major respondents × scales, with NaN where there is no score, as a
    /// borrowed slice: the same numbers as [`Scores::to_vec`]. The matrix is made on the
    /// first call and kept, so later calls cost nothing (and batch scoring itself never
    /// pays for it).
    ///
    /// ```
    /// # use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
    /// let tipi = builtin::tipi();
    /// let r = Responses::from_rows(&tipi, &[vec![Some(1.0); 10], vec![None; 10]])?;
    /// let s = Scorer::new(&tipi, ScoringOptions::new())?.score(&r)?;
    /// assert_eq!(s.as_slice()[0], 4.0); // E of the first respondent
    /// assert_eq!(s.as_slice().len(), 2 * 5);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn as_slice(&self) -> &[f64] {
        self.dense.get_or_init(|| self.to_vec())
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

    /// Count, mean, SD, min and max of each scale's scores (psych's `describe`).
    ///
    /// ```
    /// # use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
    /// let tipi = builtin::tipi();
    /// let r = Responses::from_rows(&tipi, &[vec![Some(1.0); 10], vec![Some(3.0); 10]])?;
    /// let s = Scorer::new(&tipi, ScoringOptions::new())?.score(&r)?;
    /// let e = &s.describe()[0];
    /// assert_eq!((e.n_scored, e.mean), (2, Some(4.0)));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn describe(&self) -> Vec<ScaleSummary> {
        (0..self.scales.len())
            .map(|s| {
                let mut col = self.scale_values(s);
                col.retain(|v| !v.is_nan());
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

    /// The scores described as text, one line per scale (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }

    /// The scores as a [`Table`] with one column per scale (named by the scale) and a
    /// missing cell where there is no score: the form the SEM and readiness code read.
    ///
    /// The respondents' identifiers, when present, go with it ([`Table::ids`]).
    pub fn to_table(&self) -> Result<Table, ScoringError> {
        let table = Table::from_row_major(self.scales.clone(), &self.cells())?;
        Ok(match &self.ids {
            Some(ids) => table.with_ids(ids.column.clone(), ids.values.clone())?,
            None => table,
        })
    }

    /// Row-major scores, `None` where there is none.
    fn cells(&self) -> Vec<Option<f64>> {
        self.to_vec()
            .into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect()
    }

    /// Row-major answered counts.
    #[cfg(feature = "serde")]
    fn answered_row_major(&self) -> Vec<u16> {
        let k = self.scales.len();
        (0..self.n)
            .flat_map(|r| (0..k).map(move |s| self.answered_at(s * self.n + r)))
            .collect()
    }
}

/// A table of each scale's scores: how many respondents have one, their mean, SD,
/// lowest and highest ([`Scores::describe`]).
///
/// ```
/// # use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
/// let tipi = builtin::tipi();
/// let r = Responses::from_rows(&tipi, &[vec![Some(1.0); 10], vec![Some(3.0); 10]])?;
/// let s = Scorer::new(&tipi, ScoringOptions::new())?.score(&r)?;
/// let text = s.to_string();
/// assert!(text.starts_with("2 respondents, instrument \"TIPI\""));
/// assert!(text.contains("\nE "));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cell = |v: Option<f64>| match v {
            Some(x) if x.is_finite() => format!("{x:.3}"),
            _ => "–".to_string(),
        };
        writeln!(
            f,
            "{} respondents, instrument {:?}, missing data: {}",
            self.n, self.instrument, self.policy
        )?;
        let width = self
            .scales
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(5, 30);
        writeln!(
            f,
            "{:<width$} {:>8} {:>7} {:>7} {:>7} {:>7}",
            "scale", "n", "mean", "sd", "min", "max"
        )?;
        for d in self.describe() {
            let name: String = d.scale.chars().take(30).collect();
            writeln!(
                f,
                "{:<width$} {:>8} {:>7} {:>7} {:>7} {:>7}",
                name,
                d.n_scored,
                cell(d.mean),
                cell(d.sd),
                cell(d.min),
                cell(d.max)
            )?;
        }
        Ok(())
    }
}

/// Equal when they describe the same scores: the same metadata, the same answered counts
/// and, respondent by respondent, the same scores (absent ones included), however each
/// side stores them.
impl PartialEq for Scores {
    fn eq(&self, other: &Self) -> bool {
        self.instrument == other.instrument
            && self.scales == other.scales
            && self.n_items == other.n_items
            && self.n == other.n
            && self.policy == other.policy
            && self.imputation_values == other.imputation_values
            && self.ids() == other.ids()
            && self.answered.len() == other.answered.len()
            && (0..self.answered.len()).all(|i| self.answered_at(i) == other.answered_at(i))
            && (0..self.answered.len()).all(|i| {
                let (a, b) = (self.at(i), other.at(i));
                a == b || (a.is_nan() && b.is_nan())
            })
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
    /// The respondents' identifiers and their column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ids: Option<Vec<String>>,
}

#[cfg(feature = "serde")]
impl From<Scores> for ScoresRepr {
    fn from(s: Scores) -> Self {
        ScoresRepr {
            scores: s.cells(),
            answered: s.answered_row_major(),
            instrument: s.instrument,
            scales: s.scales,
            n_items: s.n_items,
            n_respondents: s.n,
            policy: s.policy,
            imputation_values: s.imputation_values,
            id_column: s.ids.as_ref().map(|i| i.column.clone()),
            ids: s.ids.as_ref().map(|i| i.values.clone()),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<ScoresRepr> for Scores {
    type Error = ScoringError;
    fn try_from(r: ScoresRepr) -> Result<Self, ScoringError> {
        let k = r.scales.len();
        let cells = r.n_respondents.saturating_mul(k);
        if r.scores.len() != cells || r.answered.len() != cells || r.n_items.len() != k {
            return Err(ScoringError::WrongLength {
                what: "serialised scores (respondents × scales)".into(),
                expected: cells,
                found: r.scores.len(),
            });
        }
        let n = r.n_respondents;
        let ids = match (r.id_column, r.ids) {
            (None, None) => None,
            (Some(column), Some(values)) if values.len() == n => {
                Some(Arc::new(Ids { column, values }))
            }
            (_, values) => {
                return Err(ScoringError::WrongLength {
                    what: "serialised scores: identifiers (with their column) per respondent"
                        .into(),
                    expected: n,
                    found: values.map_or(0, |v| v.len()),
                })
            }
        };
        // Stored scale-major.
        let mut values = vec![f64::NAN; cells];
        let mut answered = vec![0u16; cells];
        for (i, (v, &a)) in r.scores.iter().zip(&r.answered).enumerate() {
            let (row, s) = (i / k, i % k);
            values[s * n + row] = v.filter(|x| x.is_finite()).unwrap_or(f64::NAN);
            answered[s * n + row] = a;
        }
        Ok(Scores {
            instrument: r.instrument,
            scales: r.scales,
            n_items: r.n_items,
            n,
            answered,
            values: Values::Dense(values),
            policy: r.policy,
            imputation_values: r.imputation_values,
            dense: OnceLock::new(),
            ids,
        })
    }
}
