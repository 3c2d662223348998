//! A customer base by pathway: counts and shares with Wilson intervals, the mean
//! predicted outcome and the expected number of willing customers.

use std::fmt;

use super::error::ReadinessError;
use super::model::ReadinessModel;
use super::pathway::Pathway;
use super::text::{interval, num, para, TextTable};

/// A value with an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// Customers on one pathway.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Segment {
    /// The pathway.
    pub pathway: Pathway,
    /// Its name ("innovation-led", "dual", …).
    pub name: String,
    /// Customers on it.
    pub count: usize,
    /// Share of the customer base, with a Wilson interval (the batch read as a sample of
    /// a larger base).
    pub share: Estimate,
    /// Mean predicted outcome of these customers (`NaN` when the segment is empty; JSON
    /// `null`).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nan_from_null"))]
    pub mean_outcome: f64,
}

/// A customer base segmented by pathway.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Segmentation {
    /// Customers.
    pub n: usize,
    /// One segment per pathway, in [`super::Constructs::pathways`] order; counts sum to `n`.
    pub segments: Vec<Segment>,
    /// Mean predicted outcome, with its delta-method interval (parameter uncertainty).
    pub mean_outcome: Estimate,
    /// The willingness threshold on the response scale.
    pub threshold: f64,
    /// Expected number of customers whose outcome reaches the threshold,
    /// `Σ Φ((ŷ_i − t)/σ_res)`, with an interval from the Poisson-binomial variance plus
    /// parameter uncertainty.
    pub expected_willing: Estimate,
    /// Level of the intervals.
    pub level: f64,
    /// The outcome's name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub outcome: String,
}

/// Reads a number, or `null` (how JSON writes `NaN`) as `NaN`.
#[cfg(feature = "serde")]
fn nan_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    use serde::Deserialize;
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl Segmentation {
    /// The report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Segmentation {
    /// The customers per pathway with their share, its Wilson interval and their mean
    /// predicted outcome; then the mean predicted outcome and the expected number of
    /// willing customers with their intervals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = if self.outcome.is_empty() {
            "outcome"
        } else {
            &self.outcome
        };
        let level = num(Some(100.0 * self.level), 0);
        let mut out = String::new();
        let mean_head = format!("mean predicted {y}");
        let ci_head = format!("{level} % interval");
        let mut t = TextTable::new(&["pathway", "customers", "share", &ci_head, &mean_head]);
        for g in &self.segments {
            t.row(vec![
                g.name.clone(),
                g.count.to_string(),
                format!("{} %", num(Some(100.0 * g.share.value), 1)),
                interval(100.0 * g.share.lower, 100.0 * g.share.upper, 1),
                num(Some(g.mean_outcome), 3),
            ]);
        }
        t.write(&mut out, 2)?;
        let m = self.mean_outcome;
        para(
            &mut out,
            "  ",
            "    ",
            &format!(
                "Mean predicted {y}: {}, {level} % interval {} (from the uncertainty of the                  coefficients). Shares carry Wilson score intervals.",
                num(Some(m.value), 3),
                interval(m.lower, m.upper, 3)
            ),
        )?;
        let e = self.expected_willing;
        para(
            &mut out,
            "  ",
            "    ",
            &format!(
                "Expected number of customers whose {y} reaches {}: {} of {}, {level} % interval                  {} (each customer's chance given the spread of {y} around the prediction,                  plus the uncertainty of the coefficients).",
                num(Some(self.threshold), 2),
                num(Some(e.value), 1),
                self.n,
                interval(e.lower, e.upper, 1)
            ),
        )?;
        f.write_str(&out)
    }
}

impl ReadinessModel {
    /// Segments a customer base (n × p trait scores, row-major) by pathway, with the mean
    /// predicted outcome and the expected number of customers whose outcome reaches
    /// `willing` (see [`Segmentation`] and `docs/methods/readiness.md`).
    ///
    /// ```
    /// # use cocreate_core::readiness::*;
    /// # use cocreate_core::scoring::ResponseRange;
    /// # let model = ReadinessModel::builder(Constructs::new(&["O", "C"], &["II", "EI"], "WTC", ResponseRange::new(1.0, 5.0)?)?, "demo")
    /// #     .coefficients(&[("II ~ O", 0.6), ("EI ~ C", 0.5), ("WTC ~ II", 0.4), ("WTC ~ EI", 0.3),
    /// #         ("II ~ 1", 1.2), ("EI ~ 1", 1.5), ("WTC ~ 1", 1.0), ("II ~~ II", 0.3), ("EI ~~ EI", 0.3),
    /// #         ("WTC ~~ WTC", 0.3), ("O ~ 1", 3.0), ("C ~ 1", 3.0), ("O ~~ O", 0.5), ("C ~~ C", 0.5)]).build()?;
    /// let s = model.segment(&[4.8, 3.1, 3.0, 4.9, 1.0, 1.0], Threshold::Raw(3.0))?;
    /// assert_eq!(s.segments.iter().map(|g| g.count).sum::<usize>(), 3);
    /// let e = s.expected_willing;
    /// assert!(e.lower <= e.value && e.value <= e.upper && e.value <= 3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn segment(
        &self,
        traits: &[f64],
        willing: super::Threshold,
    ) -> Result<Segmentation, ReadinessError> {
        use statrs::distribution::{Continuous, ContinuousCDF, Normal};
        let batch = self.predict_batch(traits)?;
        let c = &self.spec.constructs;
        let p = c.traits().len();
        let n = batch.len();
        if n == 0 {
            return Err(ReadinessError::NoCustomers { what: "segment" });
        }
        let d = &self.d;
        let range = c.range();
        let t = willing.resolve((range.min() + range.max()) / 2.0, d.mean_y, d.sd_y)?;
        let zq = d.z_level;
        let nf = n as f64;
        let mut counts = vec![0usize; batch.q + 3];
        let mut sums = vec![0.0; batch.q + 3];
        for (&code, y) in batch.codes.iter().zip(&batch.outcome) {
            counts[usize::from(code)] += 1;
            sums[usize::from(code)] += y;
        }
        let segments = c
            .pathways()
            .into_iter()
            .enumerate()
            .map(|(code, pw)| Segment {
                pathway: pw,
                name: c.pathway_name(pw).to_string(),
                count: counts[code],
                share: wilson(counts[code], n, zq),
                mean_outcome: if counts[code] == 0 {
                    f64::NAN
                } else {
                    sums[code] / counts[code] as f64
                },
            })
            .collect();
        // Mean outcome: linear in x, so it is ŷ at the mean traits, with var z̄ᵀQz̄.
        let mut zbar = vec![0.0; p + 1];
        zbar[0] = 1.0;
        for x in traits.chunks_exact(p) {
            for k in 0..p {
                zbar[k + 1] += x[k] / nf;
            }
        }
        let quad = |z: &[f64]| {
            let mut s = 0.0;
            for i in 0..=p {
                for j in 0..=p {
                    s += z[i] * d.q_y[(i, j)] * z[j];
                }
            }
            s.max(0.0)
        };
        let ybar = batch.outcome.iter().sum::<f64>() / nf;
        let se_mean = quad(&zbar).sqrt();
        // Expected willing: Σ Φ((ŷ−t)/s) with s the residual SD.
        let s = d.resid_y.sqrt();
        let std = Normal::standard();
        let mut expected = 0.0;
        let mut bern = 0.0;
        let mut grad = vec![0.0; p + 1];
        for (i, &y) in batch.outcome.iter().enumerate() {
            let pi = if s > 0.0 {
                std.cdf((y - t) / s)
            } else if y >= t {
                1.0
            } else {
                0.0
            };
            expected += pi;
            bern += pi * (1.0 - pi);
            if s > 0.0 {
                let w = std.pdf((y - t) / s) / s;
                grad[0] += w;
                for k in 0..p {
                    grad[k + 1] += w * traits[i * p + k];
                }
            }
        }
        let se_willing = (bern + quad(&grad)).sqrt();
        Ok(Segmentation {
            n,
            segments,
            mean_outcome: Estimate {
                value: ybar,
                lower: ybar - zq * se_mean,
                upper: ybar + zq * se_mean,
            },
            threshold: t,
            expected_willing: Estimate {
                value: expected,
                lower: (expected - zq * se_willing).max(0.0),
                upper: (expected + zq * se_willing).min(nf),
            },
            level: self.spec.level,
            outcome: c.outcome().to_string(),
        })
    }
}

/// The share `k/n` with its Wilson score interval (`cocreate_stats::wilson_bounds`).
fn wilson(k: usize, n: usize, z: f64) -> Estimate {
    let value = k as f64 / n as f64;
    let (lower, upper) =
        cocreate_stats::wilson_bounds(k as u64, n as u64, z).unwrap_or((value, value));
    Estimate {
        value,
        lower,
        upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_closed_form() {
        // 12 of 40 at 95 %: Wilson interval (0.180748, 0.454300), by hand.
        let e = wilson(12, 40, 1.959963984540054);
        assert!((e.lower - 0.180_748_452).abs() < 1e-8, "{e:?}");
        assert!((e.upper - 0.454_300_188).abs() < 1e-8, "{e:?}");
        let all = wilson(5, 5, 1.96);
        assert_eq!(all.upper, 1.0);
    }
}
