//! Directly-follows graphs (pm4py's `discover_dfg`, `discover_performance_dfg`).

use crate::data::intern::FastMap;
use crate::EventLog;
use cocreate_stats::{median_in_place, sample_sd};

/// What an event's activity is: its touchpoint or its stage.
///
/// ```
/// use cocreate_journey::ActivityKey;
///
/// assert_eq!(ActivityKey::from_name("stage"), Some(ActivityKey::Stage));
/// assert_eq!(ActivityKey::from_name("channel"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ActivityKey {
    /// The touchpoint of the event.
    #[default]
    Touchpoint,
    /// The stage of the event.
    Stage,
}

impl ActivityKey {
    /// `touchpoint` or `stage`.
    ///
    /// ```
    /// use cocreate_journey::ActivityKey;
    ///
    /// assert_eq!(ActivityKey::from_name("touchpoint"), Some(ActivityKey::Touchpoint));
    /// ```
    pub fn from_name(name: &str) -> Option<ActivityKey> {
        match name {
            "touchpoint" => Some(ActivityKey::Touchpoint),
            "stage" => Some(ActivityKey::Stage),
            _ => None,
        }
    }
}

/// The activity names of a log under a key, by activity id.
pub(crate) fn activity_names(log: &EventLog, key: ActivityKey) -> Vec<String> {
    match key {
        ActivityKey::Stage => log
            .stage_order()
            .stages()
            .iter()
            .map(|s| s.name().to_owned())
            .collect(),
        _ => log.touchpoints().to_vec(),
    }
}

/// The activity ids of a case's events under a key.
pub(crate) fn activities<'a>(case: &crate::Case<'a>, key: ActivityKey) -> &'a [u32] {
    match key {
        ActivityKey::Stage => case.stages(),
        _ => case.touchpoints(),
    }
}

/// A directly-follows edge: `to` happened right after `from` in the same case.
///
/// ```
/// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("A", Timestamp::from_unix_seconds(9), "store", "purchase", Outcome::Convert, 5.0)?;
/// let dfg = Dfg::discover(&b.build(), ActivityKey::Touchpoint);
/// let e = dfg.edges()[0];
/// assert_eq!((dfg.name(e.from), dfg.name(e.to), e.count), ("ad", "store", 1));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DfgEdge {
    /// Source activity id.
    pub from: u32,
    /// Target activity id.
    pub to: u32,
    /// How often `to` directly followed `from`.
    pub count: u64,
}

/// An activity with a count (a start or end activity).
///
/// ```
/// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// let dfg = Dfg::discover(&b.build(), ActivityKey::Stage);
/// assert_eq!(dfg.name(dfg.start_activities()[0].activity), "awareness");
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ActivityCount {
    /// Activity id.
    pub activity: u32,
    /// Number of cases.
    pub count: u64,
}

/// A directly-follows graph: edge counts, start and end activities.
///
/// Edges are counted for every pair of consecutive events of the same case, self-pairs
/// included; start and end activities are counted per case (pm4py's conventions).
///
/// ```
/// use cocreate_journey::{ActivityKey, Dfg, EventLog};
///
/// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\n\
///            A,2024-01-01T00:00:00Z,ad,awareness,continue,0\n\
///            A,2024-01-01T01:00:00Z,ad,awareness,continue,0\n\
///            A,2024-01-01T02:00:00Z,store,purchase,conversion,9\n";
/// let log = EventLog::from_csv_reader(csv.as_bytes())?;
/// let dfg = Dfg::discover(&log, ActivityKey::Touchpoint);
/// assert_eq!(dfg.edges().len(), 2); // ad→ad, ad→store
/// assert_eq!(dfg.end_activities()[0].count, 1);
/// # Ok::<(), cocreate_journey::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "DfgRepr", into = "DfgRepr")
)]
pub struct Dfg {
    key: ActivityKey,
    names: Vec<String>,
    edges: Vec<DfgEdge>,
    start: Vec<ActivityCount>,
    end: Vec<ActivityCount>,
}

/// Counts pairs densely for few activities, in a hash map for many.
enum PairCounter {
    Dense { n: usize, counts: Vec<u64> },
    Sparse(FastMap<u64, u64>),
}

impl PairCounter {
    fn new(n: usize) -> Self {
        if n.saturating_mul(n) <= 1 << 20 {
            PairCounter::Dense {
                n,
                counts: vec![0; n * n],
            }
        } else {
            PairCounter::Sparse(FastMap::default())
        }
    }

    #[inline]
    fn add(&mut self, a: u32, b: u32) {
        match self {
            PairCounter::Dense { n, counts } => counts[a as usize * *n + b as usize] += 1,
            PairCounter::Sparse(map) => {
                *map.entry((u64::from(a) << 32) | u64::from(b)).or_insert(0) += 1
            }
        }
    }

    fn into_edges(self) -> Vec<DfgEdge> {
        match self {
            PairCounter::Dense { n, counts } => counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(i, &count)| DfgEdge {
                    from: (i / n) as u32,
                    to: (i % n) as u32,
                    count,
                })
                .collect(),
            PairCounter::Sparse(map) => map
                .into_iter()
                .map(|(k, count)| DfgEdge {
                    from: (k >> 32) as u32,
                    to: k as u32,
                    count,
                })
                .collect(),
        }
    }
}

fn sorted_counts(counts: &[u64], names: &[String]) -> Vec<ActivityCount> {
    let mut out: Vec<ActivityCount> = counts
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c > 0)
        .map(|(a, &count)| ActivityCount {
            activity: a as u32,
            count,
        })
        .collect();
    out.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then_with(|| names[x.activity as usize].cmp(&names[y.activity as usize]))
    });
    out
}

impl Dfg {
    /// Discovers the directly-follows graph of a log.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage);
    /// assert!(dfg.edges().is_empty());
    /// ```
    pub fn discover(log: &EventLog, key: ActivityKey) -> Dfg {
        let names = activity_names(log, key);
        let n = names.len();
        let mut pairs = PairCounter::new(n);
        let mut start = vec![0u64; n];
        let mut end = vec![0u64; n];
        for case in log.cases() {
            let acts = activities(&case, key);
            let (Some(&first), Some(&last)) = (acts.first(), acts.last()) else {
                continue;
            };
            start[first as usize] += 1;
            end[last as usize] += 1;
            for w in acts.windows(2) {
                pairs.add(w[0], w[1]);
            }
        }
        let mut edges = pairs.into_edges();
        edges.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| names[a.from as usize].cmp(&names[b.from as usize]))
                .then_with(|| names[a.to as usize].cmp(&names[b.to as usize]))
        });
        Dfg {
            key,
            start: sorted_counts(&start, &names),
            end: sorted_counts(&end, &names),
            names,
            edges,
        }
    }

    /// The activity key the graph was discovered with.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage);
    /// assert_eq!(dfg.key(), ActivityKey::Stage);
    /// ```
    pub fn key(&self) -> ActivityKey {
        self.key
    }

    /// Activity names by id.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage);
    /// assert_eq!(dfg.activities()[0], "awareness");
    /// ```
    pub fn activities(&self) -> &[String] {
        &self.names
    }

    /// The name of activity `id` (empty for an unknown id).
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage);
    /// assert_eq!(dfg.name(4), "use");
    /// assert_eq!(dfg.name(99), "");
    /// ```
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    /// Edges sorted by decreasing count, then source name, then target name.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Touchpoint);
    /// assert!(dfg.edges().is_empty());
    /// ```
    pub fn edges(&self) -> &[DfgEdge] {
        &self.edges
    }

    /// Start activities (first event of each case), by decreasing count then name.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Touchpoint);
    /// assert!(dfg.start_activities().is_empty());
    /// ```
    pub fn start_activities(&self) -> &[ActivityCount] {
        &self.start
    }

    /// End activities (last event of each case), by decreasing count then name.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, Dfg, EventLogBuilder, StageOrder};
    ///
    /// let dfg = Dfg::discover(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Touchpoint);
    /// assert!(dfg.end_activities().is_empty());
    /// ```
    pub fn end_activities(&self) -> &[ActivityCount] {
        &self.end
    }
}

/// Performance of a directly-follows edge: statistics of the seconds between the two
/// events.
///
/// ```
/// use cocreate_journey::{performance_dfg, ActivityKey, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let t = Timestamp::from_unix_seconds;
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", t(0), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("A", t(60), "store", "purchase", Outcome::Convert, 5.0)?;
/// b.push("B", t(0), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("B", t(180), "store", "purchase", Outcome::Convert, 5.0)?;
/// let p = &performance_dfg(&b.build(), ActivityKey::Touchpoint)[0];
/// assert_eq!((p.from.as_str(), p.to.as_str()), ("ad", "store"));
/// assert_eq!((p.mean, p.median, p.sum), (120.0, 120.0, 240.0));
/// assert_eq!(p.stdev, Some(7200f64.sqrt())); // (60² + 60²) / (2 − 1)
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PerformanceEdge {
    /// Source activity.
    pub from: String,
    /// Target activity.
    pub to: String,
    /// Number of pairs.
    pub count: u64,
    /// Mean seconds.
    pub mean: f64,
    /// Median seconds (mean of the two middle values for an even count).
    pub median: f64,
    /// Fewest seconds.
    pub min: f64,
    /// Most seconds.
    pub max: f64,
    /// Total seconds.
    pub sum: f64,
    /// Sample standard deviation (`None` for a single pair).
    pub stdev: Option<f64>,
}

/// The performance directly-follows graph, sorted by source then target name.
///
/// ```
/// use cocreate_journey::{performance_dfg, ActivityKey, EventLogBuilder, StageOrder};
///
/// assert!(performance_dfg(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage).is_empty());
/// ```
pub fn performance_dfg(log: &EventLog, key: ActivityKey) -> Vec<PerformanceEdge> {
    let dfg = Dfg::discover(log, key);
    let n = dfg.names.len();
    // Bucket the durations by edge: slot offsets from the counts, then one fill pass.
    let mut slot: FastMap<u64, usize> = FastMap::default();
    let mut dense_slot = vec![
        usize::MAX;
        if n.saturating_mul(n) <= 1 << 20 {
            n * n
        } else {
            0
        }
    ];
    let mut offsets = Vec::with_capacity(dfg.edges.len() + 1);
    let mut total = 0usize;
    for (i, e) in dfg.edges.iter().enumerate() {
        if dense_slot.is_empty() {
            slot.insert((u64::from(e.from) << 32) | u64::from(e.to), i);
        } else {
            dense_slot[e.from as usize * n + e.to as usize] = i;
        }
        offsets.push(total);
        total += e.count as usize;
    }
    let mut fill = offsets.clone();
    let mut seconds = vec![0.0; total];
    for case in log.cases() {
        let acts = activities(&case, key);
        let times = case.timestamps();
        for k in 1..acts.len() {
            let (a, b) = (acts[k - 1], acts[k]);
            let i = if dense_slot.is_empty() {
                slot[&((u64::from(a) << 32) | u64::from(b))]
            } else {
                dense_slot[a as usize * n + b as usize]
            };
            seconds[fill[i]] = times[k].seconds_since(times[k - 1]);
            fill[i] += 1;
        }
    }
    let mut out: Vec<PerformanceEdge> = dfg
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let values = &mut seconds[offsets[i]..offsets[i] + e.count as usize];
            let sum: f64 = values.iter().sum();
            let mean = sum / values.len() as f64;
            let stdev = sample_sd(values);
            let (min, max) = values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            PerformanceEdge {
                from: dfg.name(e.from).to_owned(),
                to: dfg.name(e.to).to_owned(),
                count: e.count,
                mean,
                // Every edge was followed at least once.
                median: median_in_place(values).unwrap_or(f64::NAN),
                min,
                max,
                sum,
                stdev,
            }
        })
        .collect();
    out.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.to.cmp(&b.to)));
    out
}

/// The serde form of a [`Dfg`]; reading it back checks that every activity id names an
/// activity.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DfgRepr {
    key: ActivityKey,
    activities: Vec<String>,
    edges: Vec<DfgEdge>,
    start_activities: Vec<ActivityCount>,
    end_activities: Vec<ActivityCount>,
}

#[cfg(feature = "serde")]
impl From<Dfg> for DfgRepr {
    fn from(d: Dfg) -> Self {
        DfgRepr {
            key: d.key,
            activities: d.names,
            edges: d.edges,
            start_activities: d.start,
            end_activities: d.end,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<DfgRepr> for Dfg {
    type Error = crate::LoadError;
    fn try_from(r: DfgRepr) -> Result<Self, crate::LoadError> {
        let count = r.activities.len();
        let check = |what: &'static str, index: usize, id: u32| {
            if (id as usize) < count {
                Ok(())
            } else {
                Err(crate::LoadError::Entry {
                    what,
                    index: index + 1,
                    problem: crate::RowProblem::UnknownId {
                        what: "activity",
                        id,
                        count,
                    },
                })
            }
        };
        for (i, e) in r.edges.iter().enumerate() {
            check("edge", i, e.from)?;
            check("edge", i, e.to)?;
        }
        for (i, a) in r.start_activities.iter().enumerate() {
            check("start activity", i, a.activity)?;
        }
        for (i, a) in r.end_activities.iter().enumerate() {
            check("end activity", i, a.activity)?;
        }
        Ok(Dfg {
            key: r.key,
            names: r.activities,
            edges: r.edges,
            start: r.start_activities,
            end: r.end_activities,
        })
    }
}
