//! Time to conversion, path and journey lengths, post-purchase outcomes, Sankey links.

use std::collections::BTreeMap;

use crate::{EventLog, Outcome, PathData, Summary};

/// Seconds from each converter's first event to their first conversion event.
///
/// ```
/// use cocreate_journey::{time_to_conversion, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let t = Timestamp::from_unix_seconds;
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", t(100), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("A", t(400), "store", "purchase", Outcome::Convert, 10.0)?;
/// b.push("B", t(0), "store", "purchase", Outcome::Convert, 10.0)?;
/// let s = time_to_conversion(&b.build());
/// assert_eq!((s.n, s.mean, s.max), (2, Some(150.0), Some(300.0)));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
pub fn time_to_conversion(log: &EventLog) -> Summary {
    let mut seconds: Vec<f64> = log
        .cases()
        .filter_map(|case| {
            let k = case.first_conversion()?;
            Some(case.timestamps()[k].seconds_since(case.timestamps()[0]))
        })
        .collect();
    Summary::of(&mut seconds)
}

/// Path lengths (touchpoints per path) weighted by conversions and by nulls.
///
/// ```
/// use cocreate_journey::{path_lengths, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 3.0, 30.0, 1.0)?;
/// data.push_path("ad", 0.0, 0.0, 5.0)?;
/// let l = path_lengths(&data);
/// assert_eq!(l.converting.get(&2), Some(&3.0));
/// assert_eq!(l.non_converting.get(&1), Some(&5.0));
/// assert_eq!(l.mean_non_converting, Some((2.0 + 5.0) / 6.0));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PathLengths {
    /// Length → conversions with a path of that length (lengths with none absent).
    pub converting: BTreeMap<usize, f64>,
    /// Length → nulls with a path of that length.
    pub non_converting: BTreeMap<usize, f64>,
    /// Conversion-weighted mean length (`None` without conversions).
    pub mean_converting: Option<f64>,
    /// Null-weighted mean length (`None` without nulls).
    pub mean_non_converting: Option<f64>,
}

/// The path-length distributions of aggregated paths.
///
/// ```
/// use cocreate_journey::{path_lengths, PathData};
///
/// assert_eq!(path_lengths(&PathData::new()).mean_converting, None);
/// ```
pub fn path_lengths(paths: &PathData) -> PathLengths {
    let mut converting = BTreeMap::new();
    let mut non_converting = BTreeMap::new();
    let (mut lc, mut wc, mut ln, mut wn) = (0.0, 0.0, 0.0, 0.0);
    for row in paths.rows() {
        let len = row.channels.len();
        if row.conversions > 0.0 {
            *converting.entry(len).or_insert(0.0) += row.conversions;
            lc += len as f64 * row.conversions;
            wc += row.conversions;
        }
        if row.nulls > 0.0 {
            *non_converting.entry(len).or_insert(0.0) += row.nulls;
            ln += len as f64 * row.nulls;
            wn += row.nulls;
        }
    }
    PathLengths {
        converting,
        non_converting,
        mean_converting: (wc > 0.0).then(|| lc / wc),
        mean_non_converting: (wn > 0.0).then(|| ln / wn),
    }
}

/// Events per customer → number of customers.
///
/// ```
/// use cocreate_journey::{journey_lengths, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// assert_eq!(journey_lengths(&b.build()).get(&1), Some(&1));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
pub fn journey_lengths(log: &EventLog) -> BTreeMap<usize, u64> {
    let mut out = BTreeMap::new();
    for case in log.cases() {
        *out.entry(case.len()).or_insert(0) += 1;
    }
    out
}

/// What happened after the purchase.
///
/// ```
/// use cocreate_journey::{use_stage, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let t = Timestamp::from_unix_seconds;
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", t(0), "store", "purchase", Outcome::Convert, 9.0)?;
/// b.push("A", t(5), "app", "use", Outcome::Continue, 0.0)?;
/// b.push("A", t(9), "app", "use", Outcome::Churned, 0.0)?;
/// let u = use_stage(&b.build());
/// assert_eq!(u.converters_with_use_events, 1);
/// assert_eq!(u.last_use_outcome.get("churned"), Some(&1));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct UseStage {
    /// Converters with at least one event at a post-purchase stage.
    pub converters_with_use_events: u64,
    /// Outcome of each such converter's last post-purchase event → customers.
    pub last_use_outcome: BTreeMap<String, u64>,
}

/// Outcomes of the post-purchase stages (the use stage and any custom stage ranked after
/// purchase).
///
/// ```
/// use cocreate_journey::{use_stage, EventLogBuilder, StageOrder};
///
/// assert_eq!(use_stage(&EventLogBuilder::new(StageOrder::standard()).build()).converters_with_use_events, 0);
/// ```
pub fn use_stage(log: &EventLog) -> UseStage {
    let post = log.stage_order().post_purchase();
    let mut out = UseStage {
        converters_with_use_events: 0,
        last_use_outcome: BTreeMap::new(),
    };
    for case in log.cases() {
        if case.first_conversion().is_none() {
            continue;
        }
        let last = case
            .stages()
            .iter()
            .zip(case.outcomes())
            .rev()
            .find(|&(&s, _)| post[s as usize])
            .map(|(_, &o)| o);
        if let Some(o) = last {
            out.converters_with_use_events += 1;
            *out.last_use_outcome.entry(o.name().to_owned()).or_insert(0) += 1;
        }
    }
    out
}

/// Events per outcome name (outcomes that never occur are absent).
///
/// ```
/// use cocreate_journey::{outcome_counts, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// assert_eq!(outcome_counts(&b.build()).get("drop_off"), Some(&1));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
pub fn outcome_counts(log: &EventLog) -> BTreeMap<String, u64> {
    let mut counts = [0u64; Outcome::ALL.len()];
    for case in log.cases() {
        for &o in case.outcomes() {
            if let Some(i) = Outcome::ALL.iter().position(|&x| x == o) {
                counts[i] += 1;
            }
        }
    }
    Outcome::ALL
        .iter()
        .zip(counts)
        .filter(|(_, c)| *c > 0)
        .map(|(o, c)| (o.name().to_owned(), c))
        .collect()
}

/// A weighted link of the Sankey diagram of paths.
///
/// ```
/// use cocreate_journey::{sankey_links, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 2.0, 20.0, 1.0)?;
/// let links = sankey_links(&data);
/// assert_eq!((links[0].from.as_str(), links[0].to.as_str(), links[0].count), ("1:ad", "2:store", 3.0));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SankeyLink {
    /// Source node, `step:touchpoint`.
    pub from: String,
    /// Target node, `step:touchpoint`, `(conversion)` or `(null)`.
    pub to: String,
    /// Customers along the link.
    pub count: f64,
}

/// Sankey links of the paths: node `k:touchpoint` is the touchpoint at 1-based step k;
/// consecutive steps are linked with weight conversions + nulls, the last step to
/// `(conversion)` with the conversions and to `(null)` with the nulls. Links are sorted
/// by decreasing count, then source, then target.
///
/// ```
/// use cocreate_journey::{sankey_links, PathData};
///
/// let mut data = PathData::new();
/// data.push_path("ad", 0.0, 0.0, 4.0)?;
/// data.push_path("ad > store", 1.0, 20.0, 0.0)?;
/// let links = sankey_links(&data);
/// assert_eq!(links[0].to, "(null)");
/// assert_eq!(links.len(), 3);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
pub fn sankey_links(paths: &PathData) -> Vec<SankeyLink> {
    let mut links: BTreeMap<(String, String), f64> = BTreeMap::new();
    let names = paths.channels();
    let node = |k: usize, c: u32| format!("{}:{}", k + 1, names[c as usize]);
    for row in paths.rows() {
        let weight = row.conversions + row.nulls;
        let Some(&last) = row.channels.last() else {
            continue;
        };
        if weight <= 0.0 {
            continue;
        }
        for (k, pair) in row.channels.windows(2).enumerate() {
            *links
                .entry((node(k, pair[0]), node(k + 1, pair[1])))
                .or_insert(0.0) += weight;
        }
        let end = node(row.channels.len() - 1, last);
        for (to, w) in [("(conversion)", row.conversions), ("(null)", row.nulls)] {
            if w > 0.0 {
                *links.entry((end.clone(), to.to_owned())).or_insert(0.0) += w;
            }
        }
    }
    let mut out: Vec<SankeyLink> = links
        .into_iter()
        .map(|((from, to), count)| SankeyLink { from, to, count })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .total_cmp(&a.count)
            .then_with(|| a.from.cmp(&b.from))
            .then_with(|| a.to.cmp(&b.to))
    });
    out
}
