//! Ordinal reliability: coefficient α, Guttman's λ6 and McDonald's ω total of every
//! scale computed from the polychoric correlations of its keyed items instead of the
//! Pearson correlations (Zumbo, Gadermann & Zeisser 2007; Gadermann, Guhn & Zumbo 2012).
//!
//! The polychoric matrix is lavaan's (`lavCor(ordered = TRUE)`, see [`crate::ordinal`]);
//! the statistics on it are psych's: `alpha(R)` (on a correlation matrix raw and
//! standardised α coincide) and `omega(R, nfactors = 1)`. psych's own `polychoric()`
//! differs from lavaan's by up to about 2e-5 on the co-creation survey (it ends its
//! one-dimensional search at about 1e-4 and integrates the bivariate normal to about
//! 1e-6), which moves α and ω by a few 1e-6: see `docs/validation.md`.

use std::fmt;

use crate::data::Table;
use crate::ordinal::{lav_cor, LavCorOptions, PolychoricMatrix};

use super::error::ScoringError;
use super::linalg::smc;
use super::omega::{omega_total, OmegaTotal};
use super::responses::Responses;
use super::scorer::Scorer;

/// Ordinal reliability of one scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OrdinalScaleReliability {
    /// The scale.
    pub scale: String,
    /// Its items, in order (reverse-keyed items enter reversed, so their categories run
    /// the other way).
    pub items: Vec<String>,
    /// Respondents who answered every item of the scale (the rows the polychoric
    /// correlations use: listwise deletion, as lavaan's `lavCor`).
    pub n_used: usize,
    /// Ordinal α: k/(k − 1) · (1 − k / ΣR) on the polychoric matrix R (psych `alpha(R)`).
    pub alpha: f64,
    /// Guttman's λ6 on R: 1 − Σ(1 − smc_i) / ΣR (psych's `G6(smc)`).
    pub g6: f64,
    /// Mean polychoric correlation between the scale's keyed items.
    pub average_r: f64,
    /// Ordinal ω total from a one-factor minres fit of R (psych `omega(R, nfactors = 1)`);
    /// `None` for scales of fewer than three items.
    pub omega_total: Option<OmegaTotal>,
    /// The thresholds and polychoric correlations of the keyed items.
    pub polychoric: PolychoricMatrix,
}

/// Ordinal reliability of every scale of an instrument (scales of one item are listed
/// in [`OrdinalReliability::skipped`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct OrdinalReliability {
    /// One entry per scale of two or more items, in the instrument's order.
    pub scales: Vec<OrdinalScaleReliability>,
    /// Scales not analysed, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl OrdinalReliability {
    /// The entry of a scale by name.
    pub fn scale(&self, name: &str) -> Option<&OrdinalScaleReliability> {
        self.scales.iter().find(|s| s.scale == name)
    }

    /// The report [`Display`](fmt::Display) prints.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for OrdinalReliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Ordinal reliability (polychoric correlations of the keyed items, lavaan lavCor; psych alpha and omega on them)"
        )?;
        let width = self
            .scales
            .iter()
            .map(|s| s.scale.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(
            f,
            "  {:<width$} {:>5} {:>6} {:>9} {:>7} {:>9} {:>7}",
            "scale", "items", "n", "ordinal α", "G6", "ω total", "mean r"
        )?;
        for s in &self.scales {
            let omega = s
                .omega_total
                .as_ref()
                .map_or_else(|| "–".to_string(), |o| format!("{:.3}", o.value));
            writeln!(
                f,
                "  {:<width$} {:>5} {:>6} {:>9.3} {:>7.3} {:>9} {:>7.3}",
                s.scale,
                s.items.len(),
                s.n_used,
                s.alpha,
                s.g6,
                omega,
                s.average_r
            )?;
        }
        for (scale, reason) in &self.skipped {
            writeln!(f, "  scale {scale:?} not analysed: {reason}")?;
        }
        for s in &self.scales {
            for w in &s.polychoric.warnings {
                writeln!(f, "  scale {:?}: {w}", s.scale)?;
            }
        }
        Ok(())
    }
}

impl Scorer {
    /// Ordinal α, λ6 and ω total of every scale of two or more items, from the
    /// polychoric correlations of its keyed items.
    ///
    /// Each scale uses the respondents who answered all of its items. Errors when an
    /// item's answers are not whole numbers, have more than
    /// [`crate::ordinal::MAX_CATEGORIES`] categories or a single answered category, or
    /// when no respondent answered a whole scale (each naming the scale's item).
    ///
    /// ```
    /// use cocreate_core::data::Table;
    /// use cocreate_core::scoring::{Instrument, Responses, Scorer, ScoringOptions};
    ///
    /// let keys = Instrument::from_json_str(r#"{
    ///     "name": "demo", "scale_min": 1, "scale_max": 3,
    ///     "scales": [{"name": "S", "items": ["a", "b", "c"], "reverse": [false, false, true]}]
    /// }"#)?;
    /// let csv = "a,b,c\n1,1,3\n2,2,2\n3,3,1\n1,2,2\n2,1,3\n3,2,1\n2,3,1\n1,1,3\n3,3,2\n2,2,2\n";
    /// let answers = Responses::from_table(&keys, &Table::from_csv_reader(csv.as_bytes())?)?;
    /// let scorer = Scorer::new(&keys, ScoringOptions::new())?;
    /// let ordinal = scorer.ordinal_reliability(&answers)?;
    /// let s = ordinal.scale("S").unwrap();
    /// assert!(s.alpha > 0.8 && s.alpha < 1.0);
    /// assert!(s.polychoric.get("a", "c").unwrap() > 0.0); // c enters reversed
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ordinal_reliability(
        &self,
        responses: &Responses,
    ) -> Result<OrdinalReliability, ScoringError> {
        let inst = self.instrument();
        let range = inst.range();
        let c = range.min() + range.max();
        let n = responses.n_respondents();
        let mut scales = Vec::new();
        let mut skipped = Vec::new();
        for scale in inst.scales() {
            let k = scale.len();
            if k < 2 {
                skipped.push((
                    scale.name().to_string(),
                    "a correlation needs two items".to_string(),
                ));
                continue;
            }
            let columns: Vec<usize> = scale
                .items()
                .iter()
                .map(|item| {
                    responses
                        .items()
                        .iter()
                        .position(|x| x == item)
                        .ok_or_else(|| ScoringError::MissingColumn {
                            item: item.clone(),
                            scale: scale.name().to_string(),
                            available: crate::data::name_list(responses.items()),
                        })
                })
                .collect::<Result<_, _>>()?;
            let mut cells = Vec::with_capacity(n * k);
            for row in 0..n {
                for (&col, &rev) in columns.iter().zip(scale.reverse()) {
                    cells.push(responses.get(row, col).map(|x| if rev { c - x } else { x }));
                }
            }
            let table = Table::from_row_major(scale.items().to_vec(), &cells)?;
            let pc = lav_cor(&table, &LavCorOptions::default()).map_err(|source| {
                ScoringError::Ordinal {
                    scale: scale.name().to_string(),
                    source,
                }
            })?;
            scales.push(statistics(scale.name(), pc));
        }
        Ok(OrdinalReliability { scales, skipped })
    }
}

/// α, λ6, mean r and ω of a (keyed) polychoric matrix.
fn statistics(scale: &str, pc: PolychoricMatrix) -> OrdinalScaleReliability {
    let r = &pc.correlations;
    let k = pc.variables.len();
    let kf = k as f64;
    let total: f64 = r.iter().sum();
    let alpha = kf / (kf - 1.0) * (1.0 - kf / total);
    let smc_r = smc(r, k);
    let g6 = 1.0 - smc_r.iter().map(|s| 1.0 - s).sum::<f64>() / total;
    let average_r = (total - kf) / (kf * (kf - 1.0));
    OrdinalScaleReliability {
        scale: scale.to_string(),
        items: pc.names().iter().map(|s| s.to_string()).collect(),
        n_used: pc.n_used,
        alpha,
        g6,
        average_r,
        omega_total: omega_total(r, k, Some(&smc_r)),
        polychoric: pc,
    }
}
