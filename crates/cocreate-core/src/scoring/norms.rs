//! Norms: the mean, SD and percentile table of each scale's scores in a reference
//! sample, against which [`crate::scoring::Norms::apply`] gives z, T, POMP and percentiles.
//!
//! Norms always carry their source (sample, year, citation): a z score is only as good as
//! the sample it refers to, and cocreate never ships norms it cannot trace.

use statrs::distribution::{ContinuousCDF, Normal};

use super::error::ScoringError;

/// One point of a percentile table: the share of the norm sample (0–100) scoring at or
/// below `score`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct PercentilePoint {
    /// A scale score (mean of keyed items).
    pub score: f64,
    /// Percentile rank of that score, 0 to 100.
    pub percentile: f64,
}

/// Norms for one scale: the norm sample's mean and SD of the scale score, its size if
/// known, and optionally a percentile table.
///
/// ```
/// use cocreate_core::scoring::ScaleNorm;
///
/// let e = ScaleNorm::new("E", 4.44, 1.45)?.with_n(1813);
/// assert!((e.z(5.89) - 1.0).abs() < 1e-12);
/// assert!(ScaleNorm::new("E", 4.44, 0.0).is_err());
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::ScaleNormRepr")
)]
pub struct ScaleNorm {
    scale: String,
    mean: f64,
    sd: f64,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    n: Option<u64>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    percentiles: Vec<PercentilePoint>,
}

impl ScaleNorm {
    /// Norms for `scale` with the norm sample's mean and standard deviation.
    ///
    /// Errors unless both are finite and the SD is positive.
    pub fn new(scale: impl Into<String>, mean: f64, sd: f64) -> Result<Self, ScoringError> {
        let norm = ScaleNorm {
            scale: scale.into(),
            mean,
            sd,
            n: None,
            percentiles: Vec::new(),
        };
        norm.validate()?;
        Ok(norm)
    }

    /// The same norms with the norm sample's size.
    pub fn with_n(mut self, n: u64) -> Self {
        self.n = Some(n);
        self
    }

    /// The same norms with a percentile table, used instead of the normal approximation.
    ///
    /// Errors unless scores strictly increase, percentiles never decrease and lie in
    /// 0..=100, and there are at least two points.
    ///
    /// ```
    /// use cocreate_core::scoring::{PercentilePoint, ScaleNorm};
    ///
    /// let table = vec![
    ///     PercentilePoint { score: 2.0, percentile: 10.0 },
    ///     PercentilePoint { score: 3.0, percentile: 50.0 },
    ///     PercentilePoint { score: 4.0, percentile: 90.0 },
    /// ];
    /// let n = ScaleNorm::new("C", 3.0, 0.8)?.with_percentiles(table)?;
    /// assert_eq!(n.percentile(3.5).0, 70.0);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn with_percentiles(mut self, table: Vec<PercentilePoint>) -> Result<Self, ScoringError> {
        self.percentiles = table;
        self.validate()?;
        Ok(self)
    }

    fn validate(&self) -> Result<(), ScoringError> {
        let scale = || crate::data::excerpt(&self.scale);
        if !self.mean.is_finite() || !self.sd.is_finite() || self.sd <= 0.0 {
            return Err(ScoringError::NormMoments {
                scale: scale(),
                mean: self.mean,
                sd: self.sd,
            });
        }
        if self.percentiles.len() == 1 {
            return Err(ScoringError::PercentileTableTooShort { scale: scale() });
        }
        for (i, p) in self.percentiles.iter().enumerate() {
            if !p.score.is_finite() || !(0.0..=100.0).contains(&p.percentile) {
                return Err(ScoringError::PercentilePoint {
                    scale: scale(),
                    point: i + 1,
                    score: p.score,
                    percentile: p.percentile,
                });
            }
            if i > 0 {
                let q = self.percentiles[i - 1];
                if p.score <= q.score || p.percentile < q.percentile {
                    return Err(ScoringError::PercentileOrder {
                        scale: scale(),
                        point: i + 1,
                        score: p.score,
                        percentile: p.percentile,
                        previous_score: q.score,
                        previous_percentile: q.percentile,
                    });
                }
            }
        }
        Ok(())
    }

    /// The scale the norms are for.
    pub fn scale(&self) -> &str {
        &self.scale
    }

    /// Norm sample mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Norm sample standard deviation.
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// Norm sample size, if known.
    pub fn n(&self) -> Option<u64> {
        self.n
    }

    /// z = (raw − mean) / SD.
    pub fn z(&self, raw: f64) -> f64 {
        (raw - self.mean) / self.sd
    }

    /// T = 50 + 10 z.
    ///
    /// ```
    /// # use cocreate_core::scoring::ScaleNorm;
    /// let n = ScaleNorm::new("A", 3.0, 0.5)?;
    /// assert_eq!(n.t(3.5), 60.0);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn t(&self, raw: f64) -> f64 {
        50.0 + 10.0 * self.z(raw)
    }

    /// Percentile rank of a raw score and how it was found: linear interpolation in the
    /// percentile table when there is one (clamped to its end points), otherwise the
    /// normal approximation 100·Φ(z).
    ///
    /// ```
    /// use cocreate_core::scoring::{PercentileMethod, ScaleNorm};
    ///
    /// let n = ScaleNorm::new("A", 3.0, 0.5)?;
    /// let (p, how) = n.percentile(3.0);
    /// assert!((p - 50.0).abs() < 1e-12);
    /// assert_eq!(how, PercentileMethod::NormalApproximation);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn percentile(&self, raw: f64) -> (f64, PercentileMethod) {
        let t = &self.percentiles;
        if t.len() >= 2 {
            let p = if raw <= t[0].score {
                t[0].percentile
            } else if raw >= t[t.len() - 1].score {
                t[t.len() - 1].percentile
            } else {
                let k = t.partition_point(|p| p.score <= raw);
                let (a, b) = (t[k - 1], t[k]);
                a.percentile + (b.percentile - a.percentile) * (raw - a.score) / (b.score - a.score)
            };
            return (p, PercentileMethod::Table);
        }
        let phi = Normal::standard().cdf(self.z(raw));
        (100.0 * phi, PercentileMethod::NormalApproximation)
    }
}

/// How a percentile rank was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PercentileMethod {
    /// Interpolated in the norms' percentile table.
    Table,
    /// 100·Φ(z), assuming normally distributed scores in the norm sample.
    NormalApproximation,
}

/// Norms for an instrument: per-scale norms and the source they come from.
///
/// ```
/// use cocreate_core::scoring::{Norms, ScaleNorm};
///
/// let norms = Norms::new("Gosling et al. (2003), student sample", vec![
///     ScaleNorm::new("E", 4.44, 1.45)?,
/// ])?;
/// assert!(norms.scale("E").is_some());
/// assert!(Norms::new("", vec![]).is_err());
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "NormsRepr"))]
pub struct Norms {
    source: String,
    scales: Vec<ScaleNorm>,
}

impl Norms {
    /// Norms with their source (who, when, which sample). Errors when the source is
    /// empty, there are no scale norms, or a scale appears twice.
    pub fn new(source: impl Into<String>, scales: Vec<ScaleNorm>) -> Result<Self, ScoringError> {
        let source = source.into();
        if source.trim().is_empty() {
            return Err(ScoringError::NormsWithoutSource);
        }
        if scales.is_empty() {
            return Err(ScoringError::NormsWithoutScales);
        }
        for (i, s) in scales.iter().enumerate() {
            s.validate()?;
            if scales[..i].iter().any(|t| t.scale == s.scale) {
                return Err(ScoringError::DuplicateNorms {
                    scale: crate::data::excerpt(&s.scale),
                });
            }
        }
        Ok(Norms { source, scales })
    }

    /// Where the norms come from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The per-scale norms.
    pub fn scales(&self) -> &[ScaleNorm] {
        &self.scales
    }

    /// The norms of one scale.
    pub fn scale(&self, name: &str) -> Option<&ScaleNorm> {
        self.scales.iter().find(|s| s.scale == name)
    }
}

/// The unchecked JSON form of [`Norms`], validated on deserialisation.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NormsRepr {
    source: String,
    scales: Vec<ScaleNorm>,
}

#[cfg(feature = "serde")]
impl TryFrom<NormsRepr> for Norms {
    type Error = ScoringError;
    fn try_from(r: NormsRepr) -> Result<Self, ScoringError> {
        Norms::new(r.source, r.scales)
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`ScaleNorm`], checked like [`ScaleNorm::new`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ScaleNormRepr {
        scale: String,
        mean: f64,
        sd: f64,
        #[serde(default)]
        n: Option<u64>,
        #[serde(default)]
        percentiles: Vec<PercentilePoint>,
    }

    impl TryFrom<ScaleNormRepr> for ScaleNorm {
        type Error = ScoringError;
        fn try_from(r: ScaleNormRepr) -> Result<Self, ScoringError> {
            let norm = ScaleNorm {
                scale: r.scale,
                mean: r.mean,
                sd: r.sd,
                n: r.n,
                percentiles: r.percentiles,
            };
            norm.validate()?;
            Ok(norm)
        }
    }
}
