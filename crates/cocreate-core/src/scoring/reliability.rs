//! Reliability of every scale, as `psych::scoreItems` and `psych::alpha` report it.
//!
//! All statistics come from one item covariance matrix C over the instrument's items:
//! the pairwise-complete covariances under `Complete` and `Prorate` (psych's
//! `impute = "none"` and `alpha()`), or the covariances of the imputed data under
//! `ImputeMedian` / `ImputeMean`. Formulas and sources: `docs/methods/scoring.md`.

use std::fmt;

use super::error::ScoringError;
use super::omega::OmegaTotal;
use super::scorer::MissingPolicy;

/// A matrix with named rows and columns.
///
/// ```
/// use cocreate_core::scoring::LabelledMatrix;
///
/// let m = LabelledMatrix::new(vec!["a".into()], vec!["x".into(), "y".into()], vec![1.0, 2.0])?;
/// assert_eq!(m.get("a", "y"), Some(2.0));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "repr::LabelledMatrixRepr")
)]
#[non_exhaustive]
pub struct LabelledMatrix {
    /// Row names.
    pub rows: Vec<String>,
    /// Column names.
    pub cols: Vec<String>,
    /// Row-major values.
    pub values: Vec<f64>,
}

impl LabelledMatrix {
    /// A matrix from names and row-major values; errors when the sizes disagree.
    pub fn new(
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
    ) -> Result<Self, ScoringError> {
        if rows.len() * cols.len() != values.len() {
            return Err(ScoringError::WrongLength {
                what: format!("a {} × {} matrix", rows.len(), cols.len()),
                expected: rows.len() * cols.len(),
                found: values.len(),
            });
        }
        Ok(LabelledMatrix { rows, cols, values })
    }

    /// The value at the named row and column.
    pub fn get(&self, row: &str, col: &str) -> Option<f64> {
        let r = self.rows.iter().position(|x| x == row)?;
        let c = self.cols.iter().position(|x| x == col)?;
        Some(self.values[r * self.cols.len() + c])
    }
}

/// Feldt's confidence interval for alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConfidenceInterval {
    /// Coverage, e.g. 0.95.
    pub level: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// The scale's statistics with one item left out (psych `alpha()`'s `alpha.drop`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AlphaIfDropped {
    /// Raw alpha of the remaining items.
    pub alpha_raw: f64,
    /// Standardised alpha of the remaining items.
    pub alpha_std: f64,
    /// Guttman's λ6 of the remaining items (smc among them).
    pub g6: f64,
    /// Mean inter-item correlation of the remaining items.
    pub average_r: f64,
    /// Signal-to-noise ratio k·r̄/(1 − r̄).
    pub signal_noise: f64,
    /// Standard error of the raw alpha (Duhachek & Iacobucci 2004).
    pub alpha_se: f64,
    /// Variance of the remaining inter-item correlations (`None` with fewer than two).
    pub var_r: Option<f64>,
    /// Median of the remaining inter-item correlations.
    pub median_r: f64,
}

/// Statistics of one item within its scale (psych `alpha()`'s `item.stats`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ItemStatistics {
    /// The item.
    pub item: String,
    /// Whether it is reverse keyed in this scale.
    pub reversed: bool,
    /// Respondents with an answer (all respondents when imputing).
    pub n: usize,
    /// Mean of the keyed item.
    pub mean: f64,
    /// Standard deviation of the keyed item.
    pub sd: f64,
    /// Correlation of the keyed item with the scale score, over respondents with both
    /// (`raw.r`).
    pub r_total: f64,
    /// Item–total correlation if all items were standardised (`std.r`).
    pub r_total_std: f64,
    /// Item–total correlation corrected for item overlap and unreliability, with the
    /// item's smc in place of its variance (`r.cor`).
    pub r_corrected: f64,
    /// Corrected item–rest correlation: the item with the sum of the other items
    /// (`r.drop`).
    pub r_rest: f64,
    /// The scale without this item (`None` for two-item scales).
    pub if_dropped: Option<AlphaIfDropped>,
}

/// Reliability of one scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ScaleReliability {
    /// The scale.
    pub scale: String,
    /// Number of items.
    pub n_items: usize,
    /// Respondents with a score.
    pub n_scored: usize,
    /// Cronbach's alpha from the item covariances (psych `raw_alpha`, scoreItems `alpha`).
    pub alpha_raw: f64,
    /// Standardised alpha, from the mean inter-item correlation (`std.alpha`).
    pub alpha_std: f64,
    /// Standard error of the raw alpha (Duhachek & Iacobucci 2004; alpha()'s `ase`).
    pub alpha_se: f64,
    /// Feldt's 95% interval for alpha.
    pub feldt: Option<ConfidenceInterval>,
    /// Guttman's λ6 with each item's smc on all items of the instrument (scoreItems `G6`).
    pub g6: f64,
    /// Guttman's λ6 with each item's smc on the scale's items only (alpha()'s `G6(smc)`).
    pub g6_scale: f64,
    /// Mean inter-item correlation, reverse-keyed items flipped (alpha()'s `average_r`).
    pub average_r: f64,
    /// α/(k − α(k − 1)): the average r implied by raw alpha (scoreItems `av.r`).
    pub average_r_from_alpha: f64,
    /// Median inter-item correlation (`median_r`).
    pub median_r: f64,
    /// Signal-to-noise ratio k·r̄/(1 − r̄) with the mean inter-item r (alpha()'s `S/N`).
    pub signal_noise: f64,
    /// McDonald's ω total from a one-factor model (`None` for fewer than three items).
    pub omega: Option<OmegaTotal>,
    /// Mean of the scale scores.
    pub mean: f64,
    /// Standard deviation of the scale scores.
    pub sd: f64,
    /// Per-item statistics, in the scale's order.
    pub items: Vec<ItemStatistics>,
}

/// Something that limited the reliability analysis.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ReliabilityWarning {
    /// A scale could not be analysed; the reason says why.
    ScaleSkipped {
        /// The scale.
        scale: String,
        /// Why.
        reason: SkipReason,
    },
    /// Items left out of the instrument-wide smc (λ6) because they have no variance or
    /// too few paired answers.
    ItemsExcludedFromSmc {
        /// The items.
        items: Vec<String>,
    },
    /// The one-factor model for ω did not converge or hit a uniqueness bound.
    OmegaUnreliable {
        /// The scale.
        scale: String,
        /// Principal-axis iterations used.
        iterations: usize,
        /// Whether a uniqueness reached its lower bound (a Heywood case); otherwise
        /// the iteration did not converge.
        heywood: bool,
    },
    /// An item loads negatively on its scale's factor after keying: check its key.
    NegativeLoading {
        /// The scale.
        scale: String,
        /// The item.
        item: String,
        /// Its loading.
        loading: f64,
    },
}

/// Why a scale was not analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SkipReason {
    /// The scale has one item, so no internal consistency.
    OneItem,
    /// An item has no variance (or fewer than two answers).
    NoVariance {
        /// The item.
        item: String,
    },
    /// Two items were never answered together by two respondents.
    NeverAnsweredTogether {
        /// The first item.
        first: String,
        /// The second item.
        second: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::OneItem => f.write_str("a scale of one item has no internal consistency"),
            SkipReason::NoVariance { item } => {
                write!(
                    f,
                    "item {item:?} has no variance (or fewer than two answers)"
                )
            }
            SkipReason::NeverAnsweredTogether { first, second } => write!(
                f,
                "items {first:?} and {second:?} were never answered together by two respondents"
            ),
        }
    }
}

/// A sentence a report can print as it is.
///
/// ```
/// use cocreate_core::scoring::ReliabilityWarning;
///
/// let w = ReliabilityWarning::ItemsExcludedFromSmc { items: vec!["Q1".into(), "Q7".into()] };
/// assert_eq!(
///     w.to_string(),
///     "items \"Q1\", \"Q7\" were left out of the squared multiple correlations behind \
///      lambda 6 (no variance or too few paired answers)"
/// );
/// ```
impl fmt::Display for ReliabilityWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReliabilityWarning::ScaleSkipped { scale, reason } => {
                write!(f, "scale {scale:?} was not analysed: {reason}")
            }
            ReliabilityWarning::ItemsExcludedFromSmc { items } => {
                let names: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
                let (noun, verb) = if items.len() == 1 {
                    ("item", "was")
                } else {
                    ("items", "were")
                };
                write!(
                    f,
                    "{noun} {} {verb} left out of the squared multiple correlations behind \
                     lambda 6 (no variance or too few paired answers)",
                    names.join(", ")
                )
            }
            ReliabilityWarning::OmegaUnreliable {
                scale,
                iterations,
                heywood,
            } => {
                write!(f, "omega of scale {scale:?} may be unreliable: ")?;
                if *heywood {
                    f.write_str("a uniqueness reached its lower bound (Heywood case)")
                } else {
                    write!(f, "no convergence in {iterations} iterations")
                }
            }
            ReliabilityWarning::NegativeLoading {
                scale,
                item,
                loading,
            } => write!(
                f,
                "item {item:?} loads negatively ({loading:.3}) on the factor of scale {scale:?} \
                 after keying: check whether it should be reverse keyed"
            ),
        }
    }
}

/// Reliability of every scale of an instrument, with item–scale and scale–scale
/// correlations (psych `scoreItems`'s `item.cor`, `item.corrected`, `cor`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Reliability {
    /// The instrument.
    pub instrument: String,
    /// Respondents in the data.
    pub n_respondents: usize,
    /// The missing-data policy the statistics were computed under.
    pub policy: MissingPolicy,
    /// One entry per analysed scale, in the instrument's order.
    pub scales: Vec<ScaleReliability>,
    /// Correlation of each raw item (rows) with each analysed scale score (columns);
    /// reverse-keyed items correlate negatively with their own scale.
    pub item_scale: LabelledMatrix,
    /// As `item_scale`, corrected for item overlap with the item's smc in place of its
    /// variance.
    pub item_scale_corrected: LabelledMatrix,
    /// Correlations between scale scores.
    pub scale_correlations: LabelledMatrix,
    /// Scale correlations disattenuated by the scales' raw alphas: r / √(αᵢ αⱼ) (1 on
    /// the diagonal).
    pub scale_correlations_disattenuated: LabelledMatrix,
    /// What limited the analysis.
    pub warnings: Vec<ReliabilityWarning>,
}

impl Reliability {
    /// The reliability of a scale by name.
    pub fn scale(&self, name: &str) -> Option<&ScaleReliability> {
        self.scales.iter().find(|s| s.scale == name)
    }

    /// The report as text: one line per analysed scale and a note per warning (the same
    /// as `Display`). [`ScaleReliability::summary`] gives one scale in full.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

/// Three decimals, or `–` when there is no finite value.
fn cell(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.3}"),
        _ => "–".to_string(),
    }
}

/// The instrument's table: respondents, policy, then per analysed scale its items,
/// raw and standardised alpha, λ6, mean inter-item r, ω total, and the mean, SD and
/// number of its scores; then a note per warning.
///
/// ```
/// use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
///
/// let inst = builtin::tipi();
/// let rows: Vec<Vec<Option<f64>>> = (0..30)
///     .map(|r| (0..10).map(|j| Some(((r * 3 + j * (r % 4 + 1)) % 7 + 1) as f64)).collect())
///     .collect();
/// let answers = Responses::from_rows(&inst, &rows)?;
/// let rel = Scorer::new(&inst, ScoringOptions::new())?.reliability(&answers)?;
/// let text = rel.to_string();
/// assert!(text.starts_with("30 respondents, instrument \"TIPI\""));
/// assert!(text.lines().nth(1).unwrap().starts_with("scale"));
/// assert_eq!(rel.summary(), text);
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} respondents, instrument {:?}, missing data: {}",
            self.n_respondents, self.instrument, self.policy
        )?;
        let width = self
            .scales
            .iter()
            .map(|s| s.scale.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(5, 30);
        writeln!(
            f,
            "{:<width$} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8}",
            "scale", "items", "alpha", "std.a", "G6", "avg r", "omega", "mean", "sd", "n"
        )?;
        for s in &self.scales {
            let name: String = s.scale.chars().take(30).collect();
            writeln!(
                f,
                "{:<width$} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8}",
                name,
                s.n_items,
                cell(Some(s.alpha_raw)),
                cell(Some(s.alpha_std)),
                cell(Some(s.g6)),
                cell(Some(s.average_r)),
                cell(s.omega.as_ref().map(|o| o.value)),
                cell(Some(s.mean)),
                cell(Some(s.sd)),
                s.n_scored
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "note: {w}")?;
        }
        Ok(())
    }
}

impl ScaleReliability {
    /// The scale's report as text (the same as `Display`).
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

/// One scale as psych's `alpha()` prints it: the totals, then per item its statistics
/// and alpha without it.
///
/// ```
/// use cocreate_core::scoring::{builtin, Responses, Scorer, ScoringOptions};
///
/// let inst = builtin::tipi();
/// let rows: Vec<Vec<Option<f64>>> = (0..30)
///     .map(|r| (0..10).map(|j| Some(((r * 3 + j * (r % 4 + 1)) % 7 + 1) as f64)).collect())
///     .collect();
/// let rel = Scorer::new(&inst, ScoringOptions::new())?
///     .reliability(&Responses::from_rows(&inst, &rows)?)?;
/// let e = rel.scale("E").unwrap().to_string();
/// assert!(e.starts_with("scale \"E\": 2 items, 30 scored"));
/// assert!(e.contains("Q1"));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
impl fmt::Display for ScaleReliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scale {:?}: {} items, {} scored",
            self.scale, self.n_items, self.n_scored
        )?;
        write!(
            f,
            "  raw alpha {} (se {}",
            cell(Some(self.alpha_raw)),
            cell(Some(self.alpha_se))
        )?;
        if let Some(ci) = &self.feldt {
            write!(
                f,
                ", Feldt {:.0}% CI {} to {}",
                ci.level * 100.0,
                cell(Some(ci.lower)),
                cell(Some(ci.upper))
            )?;
        }
        writeln!(
            f,
            "), std alpha {}, G6(smc) {}, G6 {}",
            cell(Some(self.alpha_std)),
            cell(Some(self.g6_scale)),
            cell(Some(self.g6))
        )?;
        writeln!(
            f,
            "  average r {}, median r {}, S/N {}, omega total {}, mean {}, sd {}",
            cell(Some(self.average_r)),
            cell(Some(self.median_r)),
            cell(Some(self.signal_noise)),
            cell(self.omega.as_ref().map(|o| o.value)),
            cell(Some(self.mean)),
            cell(Some(self.sd))
        )?;
        let width = self
            .items
            .iter()
            .map(|i| i.item.chars().count() + usize::from(i.reversed))
            .max()
            .unwrap_or(0)
            .clamp(4, 30);
        writeln!(
            f,
            "  {:<width$} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
            "item", "n", "raw.r", "std.r", "r.cor", "r.drop", "mean", "sd", "alpha w/o"
        )?;
        for it in &self.items {
            let mut name: String = it.item.chars().take(29).collect();
            if it.reversed {
                name.push('-');
            }
            writeln!(
                f,
                "  {:<width$} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
                name,
                it.n,
                cell(Some(it.r_total)),
                cell(Some(it.r_total_std)),
                cell(Some(it.r_corrected)),
                cell(Some(it.r_rest)),
                cell(Some(it.mean)),
                cell(Some(it.sd)),
                cell(it.if_dropped.as_ref().map(|d| d.alpha_raw))
            )?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serde form of [`LabelledMatrix`], checked by [`LabelledMatrix::new`].
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct LabelledMatrixRepr {
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<f64>,
    }

    impl TryFrom<LabelledMatrixRepr> for LabelledMatrix {
        type Error = ScoringError;
        fn try_from(r: LabelledMatrixRepr) -> Result<Self, ScoringError> {
            LabelledMatrix::new(r.rows, r.cols, r.values)
        }
    }
}
