//! Norm-referenced scores: z, T, POMP and percentiles of scale scores against norms.

use super::error::ScoringError;
use super::instrument::Instrument;
use super::norms::{Norms, PercentileMethod, ScaleNorm};
use super::scores::Scores;
use cocreate_stats::ResponseRange;

impl Norms {
    /// Norm-referenced scores for every respondent and every normed scale of `scores`.
    ///
    /// Errors when a normed scale is not among the scored scales.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Norms, Responses, ScaleNorm, Scorer, ScoringOptions};
    ///
    /// let tipi = builtin::tipi();
    /// let answers = Responses::from_rows(&tipi, &[vec![Some(7.0), Some(1.0), Some(4.0), Some(4.0), Some(4.0),
    ///                                              Some(1.0), Some(4.0), Some(4.0), Some(4.0), Some(4.0)]])?;
    /// let scores = Scorer::new(&tipi, ScoringOptions::new())?.score(&answers)?;
    /// let norms = Norms::new("illustrative", vec![ScaleNorm::new("E", 4.0, 1.5)?])?;
    /// let normed = norms.apply(&tipi, &scores)?;
    /// let e = normed.get(0, "E").unwrap();
    /// assert_eq!(e.raw, 7.0);
    /// assert_eq!(e.z, 2.0);
    /// assert_eq!(e.t, 70.0);
    /// assert_eq!(e.pomp, 100.0);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn apply(&self, inst: &Instrument, scores: &Scores) -> Result<NormedScores, ScoringError> {
        let range = inst.range();
        let mut cols = Vec::with_capacity(self.scales().len());
        for norm in self.scales() {
            let s = scores.scale_index(norm.scale())?;
            cols.push((s, norm));
        }
        let n = scores.n_respondents();
        let mut values = Vec::with_capacity(n * cols.len());
        for r in 0..n {
            for &(s, norm) in &cols {
                values.push(
                    scores
                        .get(r, s)
                        .map(|raw| NormedScore::new(norm, range, raw)),
                );
            }
        }
        Ok(NormedScores {
            source: self.source().to_string(),
            scales: self
                .scales()
                .iter()
                .map(|s| s.scale().to_string())
                .collect(),
            n_respondents: n,
            values,
        })
    }
}

/// POMP (percent of maximum possible): 100·(raw − min)/(max − min) on the response range.
///
/// ```
/// use cocreate_core::scoring::{pomp, ResponseRange};
///
/// assert_eq!(pomp(ResponseRange::new(1.0, 5.0)?, 4.0), 75.0);
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
pub fn pomp(range: ResponseRange, raw: f64) -> f64 {
    100.0 * (raw - range.min()) / (range.max() - range.min())
}

/// One respondent's norm-referenced score on one scale.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct NormedScore {
    /// The raw scale score (mean of keyed items).
    pub raw: f64,
    /// (raw − mean) / SD.
    pub z: f64,
    /// 50 + 10 z.
    pub t: f64,
    /// Percent of maximum possible on the response range.
    pub pomp: f64,
    /// Percentile rank, 0–100.
    pub percentile: f64,
    /// How the percentile was found.
    pub percentile_method: PercentileMethod,
}

impl NormedScore {
    /// Scores `raw` against one scale's norms on the given response range.
    ///
    /// ```
    /// use cocreate_core::scoring::{NormedScore, ResponseRange, ScaleNorm};
    ///
    /// let s = NormedScore::new(&ScaleNorm::new("N", 3.0, 1.0)?, ResponseRange::new(1.0, 5.0)?, 2.0);
    /// assert_eq!((s.z, s.t, s.pomp), (-1.0, 40.0, 25.0));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn new(norm: &ScaleNorm, range: ResponseRange, raw: f64) -> Self {
        let (percentile, percentile_method) = norm.percentile(raw);
        NormedScore {
            raw,
            z: norm.z(raw),
            t: norm.t(raw),
            pomp: pomp(range, raw),
            percentile,
            percentile_method,
        }
    }
}

/// Norm-referenced scores of many respondents: respondents × normed scales, `None`
/// where the respondent has no score on that scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct NormedScores {
    /// The norms' source.
    pub source: String,
    /// The normed scales, in column order.
    pub scales: Vec<String>,
    /// Number of respondents.
    pub n_respondents: usize,
    /// Row-major respondents × scales.
    pub values: Vec<Option<NormedScore>>,
}

impl NormedScores {
    /// A respondent's (0-based) normed score on a scale, if the scale is normed and the
    /// respondent has a score.
    pub fn get(&self, row: usize, scale: &str) -> Option<NormedScore> {
        let s = self.scales.iter().position(|n| n == scale)?;
        if row >= self.n_respondents {
            return None;
        }
        self.values[row * self.scales.len() + s]
    }
}
