//! Every attribution of a set of paths side by side, as one report.

use std::collections::HashMap;
use std::fmt;

use super::heuristics::{heuristic_models, HeuristicModels};
use super::markov::{AttributionError, MarkovAttribution, MarkovOptions};
use crate::text::{label, pad, width};
use crate::{PathData, PathTotals};

/// The rule-based models and a Markov model of the same paths, with the totals of the
/// input; `Display` prints them as a table, one channel per row.
///
/// The Markov model only sees the rows that enter its chain, so its channels may be
/// fewer than the rule-based models'; [`AttributionReport::aligned`] puts its vectors in
/// the rule-based channel order, with 0 for channels the chain never saw.
///
/// ```
/// use cocreate_journey::{AttributionReport, MarkovOptions, PathData};
///
/// let mut paths = PathData::new();
/// paths.push_path("ad > store", 3.0, 300.0, 1.0)?;
/// paths.push_path("email", 0.0, 0.0, 4.0)?;
/// let report = AttributionReport::new(&paths, &MarkovOptions::default())?;
/// let text = report.to_string();
/// assert!(text.starts_with("2 paths, 3 conversions (value 300.00), 5 nulls, 3 channels\n"));
/// assert!(text.contains("Markov order 1: 6 states, P(conversion) = 0.375000"));
/// assert_eq!(report.aligned(&report.markov.infinite_horizon.total_conversions), [1.5, 1.5, 0.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AttributionReport {
    /// Sums over the input rows.
    pub totals: PathTotals,
    /// First-, last- and linear-touch attribution (channels of every row).
    pub heuristics: HeuristicModels,
    /// The Markov model (channels of the rows in its chain).
    pub markov: MarkovAttribution,
}

impl AttributionReport {
    /// Fits the rule-based models and the Markov model `options` describe.
    ///
    /// ```
    /// use cocreate_journey::{AttributionReport, MarkovOptions, PathData};
    ///
    /// let report = AttributionReport::new(&PathData::new(), &MarkovOptions::default())?;
    /// assert_eq!(report.totals.rows, 0);
    /// # Ok::<(), cocreate_journey::AttributionError>(())
    /// ```
    pub fn new(paths: &PathData, options: &MarkovOptions) -> Result<Self, AttributionError> {
        Ok(AttributionReport {
            totals: paths.totals(),
            heuristics: heuristic_models(paths),
            markov: options.fit(paths)?,
        })
    }

    /// A per-channel vector of the Markov model (in its channel order) put in the
    /// rule-based channel order, with 0 for channels the chain never saw.
    ///
    /// ```
    /// use cocreate_journey::{AttributionReport, MarkovOptions, PathData};
    ///
    /// let mut paths = PathData::new();
    /// paths.push_path("ad", 0.0, 0.0, 0.0)?; // no flow: the chain never sees "ad"
    /// paths.push_path("store", 1.0, 5.0, 1.0)?;
    /// let report = AttributionReport::new(&paths, &MarkovOptions::default())?;
    /// let re = report.aligned(&report.markov.infinite_horizon.removal_effects_conversion);
    /// assert_eq!(re, [0.0, 1.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn aligned(&self, values: &[f64]) -> Vec<f64> {
        let index: HashMap<&str, usize> = self
            .markov
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        self.heuristics
            .channels
            .iter()
            .map(|c| {
                index
                    .get(c.as_str())
                    .and_then(|&i| values.get(i))
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect()
    }

    /// The report as text (what `Display` prints).
    ///
    /// ```
    /// use cocreate_journey::{AttributionReport, MarkovOptions, PathData};
    ///
    /// let mut paths = PathData::new();
    /// paths.push_path("ad > store", 1.0, 10.0, 1.0)?;
    /// let report = AttributionReport::new(&paths, &MarkovOptions::default())?;
    /// assert_eq!(report.summary(), report.to_string());
    /// assert!(report.summary().lines().any(|l| l.starts_with("store  ")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for AttributionReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.totals;
        let h = &self.heuristics;
        let m = &self.markov;
        writeln!(
            f,
            "{} paths, {} conversions (value {:.2}), {} nulls, {} channels",
            t.rows,
            t.conversions,
            t.value,
            t.nulls,
            h.channels.len()
        )?;
        if t.empty_rows > 0 {
            writeln!(
                f,
                "{} rows have an empty path; their {} conversions are not attributed",
                t.empty_rows, h.unattributed.conversions
            )?;
        }
        writeln!(
            f,
            "Markov order {}: {} states, P(conversion) = {:.6} (infinite horizon), {:.6} \
             (truncated at H = {})",
            m.order,
            m.transition_matrix.states.len(),
            m.infinite_horizon.p_conversion,
            m.truncated_horizon.p_conversion,
            m.horizon
        )?;
        writeln!(f)?;
        // Names of any length: the column grows (padding by hand, as `{:width$}` panics
        // beyond 65,535).
        let labels: Vec<_> = h.channels.iter().map(|c| label(c)).collect();
        let name_width = labels.iter().map(|c| width(c)).max().unwrap_or(7).max(7);
        writeln!(
            f,
            "{}  {:>10} {:>10} {:>10} {:>10} {:>10}",
            pad("channel", name_width),
            "first",
            "last",
            "linear",
            "markov RE",
            "markov"
        )?;
        let re = self.aligned(&m.infinite_horizon.removal_effects_conversion);
        let credited = self.aligned(&m.infinite_horizon.total_conversions);
        for (i, c) in labels.iter().enumerate() {
            writeln!(
                f,
                "{}  {:>10.2} {:>10.2} {:>10.2} {:>10.4} {:>10.2}",
                pad(c, name_width),
                h.first_touch.conversions[i],
                h.last_touch.conversions[i],
                h.linear_touch.conversions[i],
                re[i],
                credited[i]
            )?;
        }
        Ok(())
    }
}
