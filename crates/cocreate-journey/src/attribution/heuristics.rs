//! Rule-based attribution: first, last and linear touch (ChannelAttribution's
//! `heuristic_models`), position-based (U-shaped) and time-decay.

use crate::options::{at_least, required, OptionsError};
use crate::{EventLog, PathData};

/// Conversions and value credited to each channel by one model.
///
/// ```
/// use cocreate_journey::{heuristic_models, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 2.0, 100.0, 0.0)?;
/// let h = heuristic_models(&data);
/// assert_eq!(h.first_touch.conversions, [2.0, 0.0]);
/// assert_eq!(h.first_touch.value, [100.0, 0.0]);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Attribution {
    /// Conversions credited to each channel (indexed like the channel list).
    pub conversions: Vec<f64>,
    /// Conversion value credited to each channel.
    pub value: Vec<f64>,
}

impl Attribution {
    fn zeros(n: usize) -> Self {
        Attribution {
            conversions: vec![0.0; n],
            value: vec![0.0; n],
        }
    }
}

/// What could not be attributed: rows whose path has no touchpoint.
///
/// ```
/// use cocreate_journey::{heuristic_models, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("", 1.0, 30.0, 2.0)?;
/// let h = heuristic_models(&data);
/// assert_eq!(h.unattributed.rows, 1);
/// assert_eq!(h.unattributed.conversions, 1.0);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Unattributed {
    /// Rows with an empty path.
    pub rows: usize,
    /// Their conversions.
    pub conversions: f64,
    /// Their conversion value.
    pub value: f64,
    /// Their nulls.
    pub nulls: f64,
}

impl Unattributed {
    pub(crate) fn add(&mut self, conversions: f64, value: f64, nulls: f64) {
        self.rows += 1;
        self.conversions += conversions;
        self.value += value;
        self.nulls += nulls;
    }
}

/// First-, last- and linear-touch attribution, as ChannelAttribution's
/// `heuristic_models` computes them.
///
/// ```
/// use cocreate_journey::{heuristic_models, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad > website > ad", 3.0, 90.0, 1.0)?;
/// let h = heuristic_models(&data);
/// assert_eq!(h.channels, ["ad", "website"]);
/// assert_eq!(h.last_touch.conversions, [3.0, 0.0]);
/// assert_eq!(h.linear_touch.conversions, [2.0, 1.0]); // each occurrence gets a share
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct HeuristicModels {
    /// Channel names, in order of first appearance.
    pub channels: Vec<String>,
    /// Each row's conversions and value go to its first touchpoint.
    pub first_touch: Attribution,
    /// Each row's conversions and value go to its last touchpoint.
    pub last_touch: Attribution,
    /// Each of a row's n touchpoint occurrences gets 1/n of its conversions and value.
    pub linear_touch: Attribution,
    /// Rows with an empty path, which no model can credit.
    pub unattributed: Unattributed,
}

/// Computes first-, last- and linear-touch attribution in one pass over the rows, summing
/// row by row in input order (so the result matches ChannelAttribution bit for bit).
///
/// ```
/// use cocreate_journey::{heuristic_models, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("search > email > store", 1.0, 60.0, 4.0)?;
/// let h = heuristic_models(&data);
/// assert_eq!(h.linear_touch.value, [20.0, 20.0, 20.0]);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
pub fn heuristic_models(paths: &PathData) -> HeuristicModels {
    let n = paths.channels().len();
    let mut first = Attribution::zeros(n);
    let mut last = Attribution::zeros(n);
    let mut linear = Attribution::zeros(n);
    let mut unattributed = Unattributed::default();
    for row in paths.rows() {
        let (Some(&head), Some(&tail)) = (row.channels.first(), row.channels.last()) else {
            unattributed.add(row.conversions, row.value, row.nulls);
            continue;
        };
        first.conversions[head as usize] += row.conversions;
        first.value[head as usize] += row.value;
        last.conversions[tail as usize] += row.conversions;
        last.value[tail as usize] += row.value;
        let len = row.channels.len() as f64;
        let (share, value_share) = (row.conversions / len, row.value / len);
        for &c in row.channels {
            linear.conversions[c as usize] += share;
            linear.value[c as usize] += value_share;
        }
    }
    HeuristicModels {
        channels: paths.channels().to_vec(),
        first_touch: first,
        last_touch: last,
        linear_touch: linear,
        unattributed,
    }
}

/// One rule-based model's attribution with its channel list.
///
/// ```
/// use cocreate_journey::{position_based, PathData, PositionBasedOptions};
///
/// let mut data = PathData::new();
/// data.push_path("ad > email > store", 10.0, 0.0, 0.0)?;
/// let a = position_based(&data, &PositionBasedOptions::default());
/// assert_eq!(a.channels, ["ad", "email", "store"]);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ChannelAttribution {
    /// Channel names.
    pub channels: Vec<String>,
    /// Credited conversions and value per channel.
    pub attribution: Attribution,
    /// What could not be credited.
    pub unattributed: Unattributed,
}

/// Credits each row by per-position weights that sum to one.
fn weighted(paths: &PathData, weights: impl Fn(usize, &mut Vec<f64>)) -> ChannelAttribution {
    let n = paths.channels().len();
    let mut attribution = Attribution::zeros(n);
    let mut unattributed = Unattributed::default();
    let mut w = Vec::new();
    for row in paths.rows() {
        if row.channels.is_empty() {
            unattributed.add(row.conversions, row.value, row.nulls);
            continue;
        }
        weights(row.channels.len(), &mut w);
        for (&c, &wi) in row.channels.iter().zip(&w) {
            attribution.conversions[c as usize] += wi * row.conversions;
            attribution.value[c as usize] += wi * row.value;
        }
    }
    ChannelAttribution {
        channels: paths.channels().to_vec(),
        attribution,
        unattributed,
    }
}

/// Options of position-based (U-shaped) attribution.
///
/// The first and the last touch get `first` and `last` of the credit and the touches in
/// between share the rest equally (the common 40/20/40 rule by default). A single-touch
/// path gives that touch everything; a two-touch path splits in the ratio first : last.
///
/// ```
/// use cocreate_journey::PositionBasedOptions;
///
/// let p = PositionBasedOptions::builder().first(0.25).last(0.5).build()?;
/// assert_eq!(p.weights(4), vec![0.25, 0.125, 0.125, 0.5]);
/// assert_eq!(p.weights(2), vec![1.0 / 3.0, 2.0 / 3.0]);
/// assert!(PositionBasedOptions::builder().first(0.7).last(0.7).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "PositionBasedOptionsRepr",
        into = "PositionBasedOptionsRepr"
    )
)]
pub struct PositionBasedOptions {
    first: f64,
    last: f64,
}

impl Default for PositionBasedOptions {
    fn default() -> Self {
        PositionBasedOptions {
            first: 0.4,
            last: 0.4,
        }
    }
}

/// Builds validated [`PositionBasedOptions`].
///
/// ```
/// use cocreate_journey::PositionBasedOptions;
///
/// let p = PositionBasedOptions::builder().first(0.3).build()?;
/// assert_eq!((p.first(), p.last()), (0.3, 0.4));
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionBasedOptionsBuilder {
    options: PositionBasedOptions,
}

impl PositionBasedOptionsBuilder {
    /// The share of the first touch (≥ 0; default 0.4).
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert!(PositionBasedOptions::builder().first(-0.1).build().is_err());
    /// ```
    pub fn first(mut self, share: f64) -> Self {
        self.options.first = share;
        self
    }

    /// The share of the last touch (≥ 0; default 0.4).
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert_eq!(PositionBasedOptions::builder().last(0.6).build()?.last(), 0.6);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn last(mut self, share: f64) -> Self {
        self.options.last = share;
        self
    }

    /// Checks the shares: each ≥ 0, together in (0, 1].
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert!(PositionBasedOptions::builder().first(0.5).last(0.5).build().is_ok());
    /// assert!(PositionBasedOptions::builder().first(0.0).last(0.0).build().is_err());
    /// ```
    pub fn build(self) -> Result<PositionBasedOptions, OptionsError> {
        let PositionBasedOptions { first, last } = self.options;
        at_least("first-touch share", "a finite number ≥ 0", first, 0.0)?;
        at_least("last-touch share", "a finite number ≥ 0", last, 0.0)?;
        let sum = first + last;
        if !(sum > 0.0 && sum <= 1.0 + 1e-12) {
            return Err(OptionsError::Number {
                option: "sum of the first- and last-touch shares",
                requirement: "in (0, 1]",
                value: sum,
            });
        }
        Ok(self.options)
    }
}

impl PositionBasedOptions {
    /// A builder starting from the 40/20/40 default.
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert_eq!(PositionBasedOptions::builder().build()?, PositionBasedOptions::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn builder() -> PositionBasedOptionsBuilder {
        PositionBasedOptionsBuilder {
            options: PositionBasedOptions::default(),
        }
    }

    /// The share of the first touch.
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert_eq!(PositionBasedOptions::default().first(), 0.4);
    /// ```
    pub fn first(&self) -> f64 {
        self.first
    }

    /// The share of the last touch.
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert_eq!(PositionBasedOptions::default().last(), 0.4);
    /// ```
    pub fn last(&self) -> f64 {
        self.last
    }

    /// The weights of the touches of a path of length `n` (they sum to 1).
    ///
    /// ```
    /// use cocreate_journey::PositionBasedOptions;
    ///
    /// assert_eq!(PositionBasedOptions::default().weights(1), vec![1.0]);
    /// assert_eq!(PositionBasedOptions::default().weights(0), Vec::<f64>::new());
    /// ```
    pub fn weights(&self, n: usize) -> Vec<f64> {
        let mut w = Vec::new();
        self.fill(n, &mut w);
        w
    }

    fn fill(&self, n: usize, w: &mut Vec<f64>) {
        w.clear();
        match n {
            0 => {}
            1 => w.push(1.0),
            2 => {
                let s = self.first + self.last;
                w.extend([self.first / s, self.last / s]);
            }
            _ => {
                let middle = (1.0 - self.first - self.last).max(0.0) / (n - 2) as f64;
                w.push(self.first);
                w.extend(std::iter::repeat_n(middle, n - 2));
                w.push(self.last);
            }
        }
    }
}

/// Position-based (U-shaped) attribution of each row's conversions and value.
///
/// ```
/// use cocreate_journey::{position_based, PathData, PositionBasedOptions};
///
/// let mut data = PathData::new();
/// data.push_path("ad > email > website > store", 10.0, 100.0, 0.0)?;
/// let a = position_based(&data, &PositionBasedOptions::default()); // 40 / 20 / 40
/// let want = [4.0, 1.0, 1.0, 4.0];
/// assert!(a.attribution.conversions.iter().zip(want).all(|(x, y)| (x - y).abs() < 1e-12));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
pub fn position_based(paths: &PathData, options: &PositionBasedOptions) -> ChannelAttribution {
    weighted(paths, |n, w| options.fill(n, w))
}

/// Options of time-decay attribution over paths: a touch `k` steps before the end of its
/// path weighs 2^(−k / half_life), normalised within the path.
///
/// Aggregated paths carry no clock, so "time" is counted in touches; for real elapsed
/// time use [`time_decay_by_time`] on an event log. The half-life has no default.
///
/// ```
/// use cocreate_journey::TimeDecayOptions;
///
/// let d = TimeDecayOptions::builder().half_life(1.0).build()?;
/// let w = d.weights(3); // 1/4, 1/2, 1 normalised
/// assert!((w[2] - 4.0 / 7.0).abs() < 1e-15);
/// assert!(TimeDecayOptions::builder().half_life(0.0).build().is_err());
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "TimeDecayOptionsRepr", into = "TimeDecayOptionsRepr")
)]
pub struct TimeDecayOptions {
    half_life: f64,
}

/// Builds validated [`TimeDecayOptions`].
///
/// ```
/// use cocreate_journey::{OptionsError, TimeDecayOptions};
///
/// let err = TimeDecayOptions::builder().build().unwrap_err();
/// assert_eq!(err, OptionsError::Missing { option: "half-life" });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TimeDecayOptionsBuilder {
    half_life: Option<f64>,
}

impl TimeDecayOptionsBuilder {
    /// The half-life, in touches (finite and > 0).
    ///
    /// ```
    /// use cocreate_journey::TimeDecayOptions;
    ///
    /// assert!(TimeDecayOptions::builder().half_life(f64::INFINITY).build().is_err());
    /// ```
    pub fn half_life(mut self, touches: f64) -> Self {
        self.half_life = Some(touches);
        self
    }

    /// Checks the half-life.
    ///
    /// ```
    /// use cocreate_journey::TimeDecayOptions;
    ///
    /// assert_eq!(TimeDecayOptions::builder().half_life(2.0).build()?.half_life(), 2.0);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<TimeDecayOptions, OptionsError> {
        let half_life = positive_half_life(required(self.half_life, "half-life")?)?;
        Ok(TimeDecayOptions { half_life })
    }
}

/// A half-life: finite and > 0.
fn positive_half_life(half_life: f64) -> Result<f64, OptionsError> {
    if half_life.is_finite() && half_life > 0.0 {
        Ok(half_life)
    } else {
        Err(OptionsError::Number {
            option: "half-life",
            requirement: "a finite number > 0",
            value: half_life,
        })
    }
}

impl TimeDecayOptions {
    /// A builder; the half-life must be set.
    ///
    /// ```
    /// use cocreate_journey::TimeDecayOptions;
    ///
    /// assert_eq!(TimeDecayOptions::builder().half_life(7.0).build()?.half_life(), 7.0);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn builder() -> TimeDecayOptionsBuilder {
        TimeDecayOptionsBuilder::default()
    }

    /// The half-life, in touches.
    ///
    /// ```
    /// use cocreate_journey::TimeDecayOptions;
    ///
    /// assert_eq!(TimeDecayOptions::builder().half_life(7.0).build()?.half_life(), 7.0);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn half_life(&self) -> f64 {
        self.half_life
    }

    /// The normalised weights of a path of length `n`.
    ///
    /// ```
    /// use cocreate_journey::TimeDecayOptions;
    ///
    /// let d = TimeDecayOptions::builder().half_life(1.0).build()?;
    /// assert_eq!(d.weights(2), vec![1.0 / 3.0, 2.0 / 3.0]);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn weights(&self, n: usize) -> Vec<f64> {
        let mut w = Vec::new();
        self.fill(n, &mut w);
        w
    }

    fn fill(&self, n: usize, w: &mut Vec<f64>) {
        w.clear();
        w.extend((0..n).map(|i| (-((n - 1 - i) as f64) / self.half_life).exp2()));
        let sum: f64 = w.iter().sum();
        w.iter_mut().for_each(|x| *x /= sum);
    }
}

/// Time-decay attribution over paths, with the half-life in touches.
///
/// ```
/// use cocreate_journey::{time_decay, PathData, TimeDecayOptions};
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 3.0, 0.0, 0.0)?;
/// let a = time_decay(&data, &TimeDecayOptions::builder().half_life(1.0).build()?);
/// assert_eq!(a.attribution.conversions, [1.0, 2.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn time_decay(paths: &PathData, options: &TimeDecayOptions) -> ChannelAttribution {
    weighted(paths, |n, w| options.fill(n, w))
}

/// Time-decay attribution of each customer's first conversion over the touches that led
/// to it, weighted 2^(−Δt / half_life) by the time Δt from the touch to the conversion
/// event (half-life in seconds; the conversion's own touch has Δt = 0).
///
/// Events of post-purchase stages are left out, as in [`EventLog::to_paths`]; channels
/// are the log's touchpoints.
///
/// ```
/// use cocreate_journey::{time_decay_by_time, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let day = 86_400;
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("A", Timestamp::from_unix_seconds(7 * day), "store", "purchase", Outcome::Convert, 30.0)?;
/// let a = time_decay_by_time(&b.build(), 7.0 * day as f64)?;
/// assert!((a.attribution.conversions[0] - 1.0 / 3.0).abs() < 1e-12);
/// assert!((a.attribution.value[1] - 20.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn time_decay_by_time(
    log: &EventLog,
    half_life_seconds: f64,
) -> Result<ChannelAttribution, OptionsError> {
    let half_life = positive_half_life(half_life_seconds)?;
    let n = log.touchpoints().len();
    let mut attribution = Attribution::zeros(n);
    let mut unattributed = Unattributed::default();
    let post = log.stage_order().post_purchase();
    let mut w = Vec::new();
    for case in log.cases() {
        let Some(k) = case.first_conversion() else {
            continue;
        };
        let at = case.timestamps()[k];
        let value = case.values()[k];
        w.clear();
        for i in 0..=k {
            if post
                .get(case.stages()[i] as usize)
                .copied()
                .unwrap_or(false)
            {
                continue;
            }
            let dt = at.seconds_since(case.timestamps()[i]).max(0.0);
            w.push((case.touchpoints()[i], (-dt / half_life).exp2()));
        }
        let sum: f64 = w.iter().map(|(_, x)| x).sum();
        if sum > 0.0 {
            for &(t, x) in &w {
                attribution.conversions[t as usize] += x / sum;
                attribution.value[t as usize] += x / sum * value;
            }
        } else {
            // Only post-purchase touches led to this conversion: nothing to credit.
            unattributed.add(1.0, value, 0.0);
        }
    }
    Ok(ChannelAttribution {
        channels: log.touchpoints().to_vec(),
        attribution,
        unattributed,
    })
}

/// The serde form of [`PositionBasedOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PositionBasedOptionsRepr {
    first: f64,
    last: f64,
}

#[cfg(feature = "serde")]
impl Default for PositionBasedOptionsRepr {
    fn default() -> Self {
        PositionBasedOptions::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<PositionBasedOptions> for PositionBasedOptionsRepr {
    fn from(o: PositionBasedOptions) -> Self {
        PositionBasedOptionsRepr {
            first: o.first,
            last: o.last,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<PositionBasedOptionsRepr> for PositionBasedOptions {
    type Error = OptionsError;
    fn try_from(r: PositionBasedOptionsRepr) -> Result<Self, OptionsError> {
        PositionBasedOptions::builder()
            .first(r.first)
            .last(r.last)
            .build()
    }
}

/// The serde form of [`TimeDecayOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeDecayOptionsRepr {
    half_life: f64,
}

#[cfg(feature = "serde")]
impl From<TimeDecayOptions> for TimeDecayOptionsRepr {
    fn from(o: TimeDecayOptions) -> Self {
        TimeDecayOptionsRepr {
            half_life: o.half_life,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<TimeDecayOptionsRepr> for TimeDecayOptions {
    type Error = OptionsError;
    fn try_from(r: TimeDecayOptionsRepr) -> Result<Self, OptionsError> {
        TimeDecayOptions::builder().half_life(r.half_life).build()
    }
}
