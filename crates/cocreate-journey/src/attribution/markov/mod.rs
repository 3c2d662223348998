//! Markov-chain attribution with exact removal effects (ChannelAttribution's
//! `markov_model`, solved instead of simulated).

mod chain;
mod dense;
mod factor;
mod removal;
mod solve;

use std::fmt;

use chain::{count_transitions, Counts, MAX_ORDER};
use removal::{longest_visits, truncated, PartSolver, Removal, BLOCK_MAX, DIRECT_BELOW};
pub use removal::{
    MAX_DENSE_FALLBACK_STATES, MAX_DENSE_PART_STATES, MAX_LU_FILL_FLOOR, MAX_LU_FILL_PER_TRANSITION,
};
use solve::{condense, Sparse};

use crate::attribution::Unattributed;
use crate::options::OptionsError;
use crate::PathData;

/// Options of Markov attribution, validated by [`MarkovOptionsBuilder::build`].
///
/// - `order` k (1 to 4, default 1): a state is a window of k consecutive touchpoints.
/// - `include_nulls` (default true): the `(null)` state gets the rows' nulls, as with
///   ChannelAttribution's `var_null`. Without it only rows with conversions enter the
///   chain (ChannelAttribution's default call).
/// - `horizon` H for the truncated-horizon result (default: 1 + the longest state
///   sequence of any path, which is what ChannelAttribution's simulation truncates at).
///
/// ```
/// use cocreate_journey::{MarkovOptions, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 3.0, 300.0, 1.0)?;
/// data.push_path("ad", 0.0, 0.0, 4.0)?;
/// data.push_path("email > store", 1.0, 50.0, 0.0)?;
/// let fit = MarkovOptions::builder().order(1).build()?.fit(&data)?;
/// let re = &fit.infinite_horizon.removal_effects_conversion;
/// assert_eq!(fit.channels, ["ad", "store", "email"]);
/// assert!((re[1] - 1.0).abs() < 1e-12); // every conversion passes through the store
/// assert!((fit.infinite_horizon.p_conversion - 4.0 / 9.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "MarkovOptionsRepr", into = "MarkovOptionsRepr")
)]
pub struct MarkovOptions {
    order: usize,
    include_nulls: bool,
    horizon: Option<usize>,
}

impl Default for MarkovOptions {
    fn default() -> Self {
        MarkovOptions {
            order: 1,
            include_nulls: true,
            horizon: None,
        }
    }
}

/// Builds [`MarkovOptions`].
///
/// ```
/// use cocreate_journey::MarkovOptions;
///
/// let p = MarkovOptions::builder().order(3).include_nulls(false).horizon(20).build()?;
/// assert_eq!((p.order(), p.include_nulls(), p.horizon()), (3, false, Some(20)));
/// assert!(MarkovOptions::builder().order(0).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkovOptionsBuilder {
    options: MarkovOptions,
}

impl MarkovOptionsBuilder {
    /// Sets the order k (1 to 4).
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert!(MarkovOptions::builder().order(5).build().is_err());
    /// ```
    pub fn order(mut self, order: usize) -> Self {
        self.options.order = order;
        self
    }

    /// Whether rows' nulls enter the chain as the `(null)` state.
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert!(!MarkovOptions::builder().include_nulls(false).build()?.include_nulls());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn include_nulls(mut self, include: bool) -> Self {
        self.options.include_nulls = include;
        self
    }

    /// Sets the truncation horizon H ≥ 1 (in channel-state visits).
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert!(MarkovOptions::builder().horizon(0).build().is_err());
    /// ```
    pub fn horizon(mut self, horizon: usize) -> Self {
        self.options.horizon = Some(horizon);
        self
    }

    /// Checks the options.
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert_eq!(MarkovOptions::builder().build()?, MarkovOptions::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<MarkovOptions, OptionsError> {
        let p = self.options;
        if !(1..=MAX_ORDER).contains(&p.order) {
            return Err(OptionsError::Count {
                option: "Markov order",
                requirement: "between 1 and 4",
                value: p.order,
            });
        }
        if p.horizon == Some(0) {
            return Err(OptionsError::Count {
                option: "truncation horizon",
                requirement: "at least 1",
                value: 0,
            });
        }
        if let Some(h) = p.horizon.filter(|&h| h > MAX_HORIZON) {
            return Err(OptionsError::Count {
                option: "truncation horizon",
                requirement: "at most 1,000,001 (one more than the longest path accepted)",
                value: h,
            });
        }
        Ok(p)
    }
}

/// A state of the chain.
///
/// Serialised as ChannelAttribution's JSON does: `"(start)"`, `"(conversion)"`,
/// `"(null)"`, or the list of channel names of the window.
///
/// ```
/// use cocreate_journey::MarkovState;
///
/// assert_eq!(MarkovState::Start.to_string(), "(start)");
/// assert_eq!(MarkovState::Channels(vec!["ad".into(), "store".into()]).to_string(), "ad > store");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MarkovState {
    /// Where every path starts.
    Start,
    /// A window of consecutive touchpoints.
    Channels(Vec<String>),
    /// The customer converted.
    Conversion,
    /// The customer did not convert.
    Null,
}

impl fmt::Display for MarkovState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkovState::Start => f.write_str("(start)"),
            MarkovState::Conversion => f.write_str("(conversion)"),
            MarkovState::Null => f.write_str("(null)"),
            MarkovState::Channels(names) => f.write_str(&names.join(" > ")),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MarkovState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            MarkovState::Channels(names) => names.serialize(serializer),
            other => serializer.serialize_str(&other.to_string()),
        }
    }
}

/// The serde form of a [`MarkovState`]: one of the three names, or the channel list.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum MarkovStateRepr {
    Name(String),
    Channels(Vec<String>),
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for MarkovState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match MarkovStateRepr::deserialize(deserializer)? {
            MarkovStateRepr::Channels(names) => Ok(MarkovState::Channels(names)),
            MarkovStateRepr::Name(name) => match name.as_str() {
                "(start)" => Ok(MarkovState::Start),
                "(conversion)" => Ok(MarkovState::Conversion),
                "(null)" => Ok(MarkovState::Null),
                _ => Err(serde::de::Error::custom(format!(
                    "{:?} is not a Markov state: expected (start), (conversion), (null) or a \
                     list of channels",
                    crate::data::excerpt(&name)
                ))),
            },
        }
    }
}

/// One transition of the chain: state indices into [`TransitionMatrix::states`].
///
/// ```
/// use cocreate_journey::{MarkovOptions, PathData, TransitionMatrix};
///
/// let mut data = PathData::new();
/// data.push_path("ad > ad > store", 1.0, 10.0, 0.0)?;
/// let m = TransitionMatrix::from_paths(&data, &MarkovOptions::default(), false);
/// let first = &m.transitions[0];
/// assert_eq!((m.states[first.from].to_string(), m.states[first.to].to_string()), ("(start)".into(), "ad".into()));
/// assert_eq!((first.count, first.probability), (1.0, 1.0));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Transition {
    /// Index of the source state.
    pub from: usize,
    /// Index of the target state.
    pub to: usize,
    /// Weighted number of transitions.
    pub count: f64,
    /// count / (sum of the counts leaving `from`).
    pub probability: f64,
}

/// The states and transitions of an order-k chain.
///
/// States are `(start)`, the channel windows in order of first appearance, then
/// `(conversion)` and `(null)`. Transitions are sorted by source, then target.
///
/// ```
/// use cocreate_journey::{MarkovOptions, PathData, TransitionMatrix};
///
/// let mut data = PathData::new();
/// data.push_path("ad > ad > store", 1.0, 10.0, 0.0)?;
/// let collapsed = TransitionMatrix::from_paths(&data, &MarkovOptions::default(), false);
/// let with_loops = TransitionMatrix::from_paths(&data, &MarkovOptions::default(), true);
/// assert_eq!(collapsed.transitions.len(), 3); // start→ad, ad→store, store→conversion
/// assert_eq!(with_loops.transitions.len(), 4); // plus ad→ad
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TransitionMatrix {
    /// The states.
    pub states: Vec<MarkovState>,
    /// The transitions with a positive count.
    pub transitions: Vec<Transition>,
}

impl TransitionMatrix {
    /// The transition matrix of the chain `options` describe. With `keep_self_loops`,
    /// consecutive identical states are counted as self-loops (ChannelAttribution's
    /// `transition_matrix(..., flg_equal = TRUE)`); without, they collapse, as in the
    /// model.
    ///
    /// ```
    /// use cocreate_journey::{MarkovOptions, PathData, TransitionMatrix};
    ///
    /// let mut data = PathData::new();
    /// data.push_path("ad > store", 0.0, 0.0, 2.0)?;
    /// let m = TransitionMatrix::from_paths(&data, &MarkovOptions::default(), false);
    /// assert_eq!(m.states.len(), 5); // (start), ad, store, (conversion), (null)
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn from_paths(paths: &PathData, options: &MarkovOptions, keep_self_loops: bool) -> Self {
        let counts = count_transitions(
            paths,
            options.order,
            options.include_nulls,
            !keep_self_loops,
        );
        TransitionMatrix::from_counts(&counts)
    }

    fn from_counts(counts: &Counts) -> Self {
        let mut states = Vec::with_capacity(counts.n_states() + 2);
        states.push(MarkovState::Start);
        states.extend(counts.windows[1..].iter().map(|w| {
            MarkovState::Channels(
                w.iter()
                    .map(|&c| counts.channels[c as usize].clone())
                    .collect(),
            )
        }));
        states.push(MarkovState::Conversion);
        states.push(MarkovState::Null);
        let mut row_sum = vec![0.0; counts.n_states()];
        for &(f, _, c) in &counts.edges {
            row_sum[f as usize] += c;
        }
        let transitions = counts
            .edges
            .iter()
            .map(|&(f, t, c)| Transition {
                from: f as usize,
                to: t as usize,
                count: c,
                probability: c / row_sum[f as usize],
            })
            .collect();
        TransitionMatrix {
            states,
            transitions,
        }
    }
}

/// Removal effects and the attribution they imply, at one horizon.
///
/// ```
/// use cocreate_journey::{MarkovOptions, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 1.0, 100.0, 1.0)?;
/// let fit = MarkovOptions::default().fit(&data)?;
/// let inf = &fit.infinite_horizon;
/// assert_eq!(inf.p_conversion, 0.5);
/// assert_eq!(inf.expected_value_per_start, 50.0);
/// assert_eq!(inf.total_conversions, [0.5, 0.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RemovalEffects {
    /// P(conversion) from the start.
    pub p_conversion: f64,
    /// Expected conversion value per path start.
    pub expected_value_per_start: f64,
    /// RE_x = 1 − P(conversion | x removed) / P(conversion), per channel, in [0, 1].
    pub removal_effects_conversion: Vec<f64>,
    /// RE^v_x = 1 − E(value | x removed) / E(value), per channel, in [0, 1].
    pub removal_effects_conversion_value: Vec<f64>,
    /// RE_x / Σ_y RE_y × total conversions.
    pub total_conversions: Vec<f64>,
    /// RE^v_x / Σ_y RE^v_y × total conversion value.
    pub total_conversion_value: Vec<f64>,
}

/// A fitted Markov attribution model.
///
/// ```
/// use cocreate_journey::{MarkovOptions, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("search > website > store", 5.0, 500.0, 20.0)?;
/// data.push_path("ad > website", 0.0, 0.0, 30.0)?;
/// let fit = MarkovOptions::builder().order(2).build()?.fit(&data)?;
/// let sum: f64 = fit.infinite_horizon.total_conversions.iter().sum();
/// assert!((sum - 5.0).abs() < 1e-12);
/// assert_eq!(fit.horizon, 3); // the longest path has 2 states of order 2
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MarkovAttribution {
    /// The order k.
    pub order: usize,
    /// Channel names in order of first appearance among the rows that entered the chain.
    pub channels: Vec<String>,
    /// The truncation horizon H used for [`MarkovAttribution::truncated_horizon`].
    pub horizon: usize,
    /// The chain (consecutive identical states collapsed).
    pub transition_matrix: TransitionMatrix,
    /// The exact absorbing-chain solution.
    pub infinite_horizon: RemovalEffects,
    /// Only conversions within `horizon` channel-state visits count.
    pub truncated_horizon: RemovalEffects,
    /// Total conversions of the rows that entered the chain.
    pub total_conversions: f64,
    /// Total conversion value of the rows that entered the chain.
    pub total_conversion_value: f64,
    /// Total nulls of the rows that entered the chain.
    pub total_nulls: f64,
    /// Rows left out because their path is empty.
    pub unattributed: Unattributed,
}

/// Why a Markov model could not be fitted.
///
/// ```
/// use cocreate_journey::AttributionError;
///
/// let err = AttributionError::NotConverged { states: 100_000 };
/// assert!(err.to_string().contains("100000 states"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AttributionError {
    /// A strongly connected part of the chain is too large for a dense solve and mixes
    /// too slowly for iterative sweeps to reach machine precision.
    #[error(
        "the absorbing chain has a strongly connected part of {states} states that is too large \
         to solve directly and mixes too slowly to solve iteratively; use a lower order"
    )]
    NotConverged {
        /// Size of the part.
        states: usize,
    },
}

/// The largest truncation horizon accepted: one more than the longest path a
/// [`PathData`] may hold.
pub const MAX_HORIZON: usize = crate::MAX_PATH_TOUCHPOINTS + 1;
const _: () = assert!(
    MAX_HORIZON == 1_000_001,
    "the message in MarkovOptionsBuilder::build"
);

impl MarkovOptions {
    /// A builder starting from the defaults (order 1, with nulls, automatic horizon).
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert_eq!(MarkovOptions::builder().build()?.order(), 1);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn builder() -> MarkovOptionsBuilder {
        MarkovOptionsBuilder {
            options: MarkovOptions::default(),
        }
    }

    /// The order k.
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert_eq!(MarkovOptions::default().order(), 1);
    /// ```
    pub fn order(&self) -> usize {
        self.order
    }

    /// Whether nulls enter the chain.
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert!(MarkovOptions::default().include_nulls());
    /// ```
    pub fn include_nulls(&self) -> bool {
        self.include_nulls
    }

    /// The truncation horizon, if set.
    ///
    /// ```
    /// use cocreate_journey::MarkovOptions;
    ///
    /// assert_eq!(MarkovOptions::default().horizon(), None);
    /// ```
    pub fn horizon(&self) -> Option<usize> {
        self.horizon
    }

    /// Fits the chain to `paths` and computes every channel's exact removal effect at
    /// the infinite and the truncated horizon.
    ///
    /// Rows with an empty path are left out and reported in
    /// [`MarkovAttribution::unattributed`]. With no conversions at all every removal
    /// effect and attribution is 0. Errors when a huge, slowly mixing chain defeats the
    /// solver ([`AttributionError::NotConverged`]).
    ///
    /// The chain is solved once; each channel then costs a few sparse triangular solves
    /// with the LU factors of its strongly connected part (see `docs/methods/journey.md`),
    /// so the time grows with the channels, not with channels × chain. The memory stays
    /// proportional to the transitions.
    ///
    /// ```
    /// use cocreate_journey::{MarkovOptions, PathData};
    ///
    /// let mut data = PathData::new();
    /// data.push_path("ad > email > store", 2.0, 80.0, 3.0)?;
    /// data.push_path("email", 0.0, 0.0, 5.0)?;
    /// let fit = MarkovOptions::default().fit(&data)?;
    /// // At infinite horizon the chain reproduces the observed conversion rate.
    /// assert!((fit.infinite_horizon.p_conversion - 0.2).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit(&self, paths: &PathData) -> Result<MarkovAttribution, AttributionError> {
        self.fit_with(paths, PartSolver::Auto)
    }

    /// [`MarkovOptions::fit`] with the LU fill limit of each part of the chain set
    /// (the tests force dense LU or sweeps everywhere).
    fn fit_with(
        &self,
        paths: &PathData,
        solver: PartSolver,
    ) -> Result<MarkovAttribution, AttributionError> {
        let counts = count_transitions(paths, self.order, self.include_nulls, true);
        let chain = Sparse::new(&counts);
        let cond = condense(&chain);
        let n_channels = counts.channels.len();
        let horizon = self.horizon.unwrap_or(counts.longest + 1);

        // The states holding each channel.
        let mut states_with: Vec<Vec<u32>> = vec![Vec::new(); n_channels];
        for (s, window) in counts.windows.iter().enumerate() {
            for &c in window {
                let list = &mut states_with[c as usize];
                if list.last() != Some(&(s as u32)) {
                    list.push(s as u32);
                }
            }
        }
        // With few channels a block could remove, solving again per channel is cheaper
        // than factorising the chain.
        let solver = match solver {
            PartSolver::Auto
                if states_with
                    .iter()
                    .filter(|k| !k.is_empty() && k.len() <= BLOCK_MAX)
                    .count()
                    < DIRECT_BELOW =>
            {
                PartSolver::Direct
            }
            other => other,
        };
        let removal = Removal::new(&chain, &cond, solver).map_err(not_converged)?;
        let (y0, w0) = match chain.n {
            0 => (0.0, 0.0),
            _ => (removal.full.conv[0], removal.full.value[0]),
        };
        let mut re_inf = (vec![0.0; n_channels], vec![0.0; n_channels]);
        let drops = removal.removals(&states_with).map_err(not_converged)?;
        for (c, &(dy, dv)) in drops.iter().enumerate() {
            re_inf.0[c] = share_of(dy, y0);
            re_inf.1[c] = share_of(dv, w0);
        }

        // The truncated horizon equals the infinite one when every path from the start
        // ends within it; otherwise it is iterated.
        let longest = longest_visits(&chain, &cond);
        let from_start = chain.successors(0).map(|t| longest[t]).max().unwrap_or(0);
        let (p_trunc, v_trunc, re_trunc) =
            if chain.n == 0 || (from_start != u32::MAX && horizon >= from_start as usize) {
                (y0, w0, re_inf.clone())
            } else {
                // States from which nothing converts change nothing when removed.
                let converting: Vec<Vec<u32>> = states_with
                    .iter()
                    .map(|k| {
                        k.iter()
                            .copied()
                            .filter(|&s| removal.full.conv[s as usize] > 0.0)
                            .collect()
                    })
                    .collect();
                let ((p, v), removed) = truncated(&chain, &cond, &longest, horizon, &converting);
                let mut re = (vec![0.0; n_channels], vec![0.0; n_channels]);
                for (c, &(pc, vc)) in removed.iter().enumerate() {
                    re.0[c] = removal_effect(pc, p);
                    re.1[c] = removal_effect(vc, v);
                }
                (p, v, re)
            };
        let effects = |p: f64, v: f64, (re, re_value): (Vec<f64>, Vec<f64>)| RemovalEffects {
            p_conversion: p,
            expected_value_per_start: v,
            total_conversions: shares(&re, counts.conversions),
            total_conversion_value: shares(&re_value, counts.value),
            removal_effects_conversion: re,
            removal_effects_conversion_value: re_value,
        };
        Ok(MarkovAttribution {
            order: self.order,
            horizon,
            transition_matrix: TransitionMatrix::from_counts(&counts),
            infinite_horizon: effects(y0, w0, re_inf),
            truncated_horizon: effects(p_trunc, v_trunc, re_trunc),
            total_conversions: counts.conversions,
            total_conversion_value: counts.value,
            total_nulls: counts.nulls,
            unattributed: counts.unattributed,
            channels: counts.channels,
        })
    }
}

#[cfg(test)]
mod tests;

/// A xorshift stream of numbers below `n` for the tests' random chains: no dependency, the
/// same numbers on every platform.
#[cfg(test)]
pub(crate) fn test_stream(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed;
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    }
}

fn not_converged(e: solve::NotConverged) -> AttributionError {
    AttributionError::NotConverged { states: e.states }
}

/// 1 − removed/full, kept in [0, 1] (removing states can only lower the conversion
/// probability, so anything outside is rounding), and 0 when nothing converts.
fn removal_effect(removed: f64, full: f64) -> f64 {
    if full > 0.0 && full.is_finite() {
        (1.0 - removed / full).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The drop `drop` as a share of `full`, kept in [0, 1], and 0 when nothing converts.
fn share_of(drop: f64, full: f64) -> f64 {
    if full > 0.0 && full.is_finite() {
        (drop / full).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Splits `total` in proportion to the removal effects (all zero when they sum to zero).
fn shares(re: &[f64], total: f64) -> Vec<f64> {
    let sum: f64 = re.iter().sum();
    if sum > 0.0 {
        re.iter().map(|r| r / sum * total).collect()
    } else {
        vec![0.0; re.len()]
    }
}

/// The serde form of [`MarkovOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MarkovOptionsRepr {
    order: usize,
    include_nulls: bool,
    horizon: Option<usize>,
}

#[cfg(feature = "serde")]
impl Default for MarkovOptionsRepr {
    fn default() -> Self {
        MarkovOptions::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<MarkovOptions> for MarkovOptionsRepr {
    fn from(o: MarkovOptions) -> Self {
        MarkovOptionsRepr {
            order: o.order,
            include_nulls: o.include_nulls,
            horizon: o.horizon,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<MarkovOptionsRepr> for MarkovOptions {
    type Error = OptionsError;
    fn try_from(r: MarkovOptionsRepr) -> Result<Self, OptionsError> {
        let b = MarkovOptions::builder()
            .order(r.order)
            .include_nulls(r.include_nulls);
        match r.horizon {
            Some(h) => b.horizon(h).build(),
            None => b.build(),
        }
    }
}
