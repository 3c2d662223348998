//! All journey analytics of an event log in one serialisable report.

use std::collections::BTreeMap;

use super::{
    drop_off, funnel, journey_lengths, outcome_counts, path_lengths, sankey_links,
    time_to_conversion, use_stage, FunnelStep, SankeyLink, StageTouchpointCount, UseStage,
};
use std::fmt;

use crate::text::{label, pad};
use crate::{variants, ActivityKey, Dfg, EventLog, Outcome, PathData, Summary, Variant};

/// Path-length distributions by outcome.
///
/// ```
/// use cocreate_journey::{JourneyAnalytics, PathData, EventLogBuilder, StageOrder};
///
/// let r = JourneyAnalytics::compute(&EventLogBuilder::new(StageOrder::standard()).build(), &PathData::new());
/// assert!(r.path_length_distribution.converting.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ByConversion<T> {
    /// For converting customers.
    pub converting: T,
    /// For non-converting customers.
    pub non_converting: T,
}

/// Total conversion value and its mean per converter.
///
/// ```
/// use cocreate_journey::{JourneyAnalytics, PathData, EventLogBuilder, StageOrder};
///
/// let r = JourneyAnalytics::compute(&EventLogBuilder::new(StageOrder::standard()).build(), &PathData::new());
/// assert_eq!((r.conversion_value.total, r.conversion_value.mean_per_converter), (0.0, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConversionValue {
    /// Sum of the values of the conversion events.
    pub total: f64,
    /// total / converters (`None` without converters).
    pub mean_per_converter: Option<f64>,
}

/// The journey analytics of an event log and its paths, under the field names of the
/// project's reference report.
///
/// ```
/// use cocreate_journey::{EventLog, JourneyAnalytics};
///
/// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\n\
///            C1,2024-01-01T00:00:00Z,ad,awareness,continue,0\n\
///            C1,2024-01-02T00:00:00Z,store,purchase,conversion,50\n\
///            C2,2024-01-01T00:00:00Z,ad,awareness,drop_off,0\n";
/// let log = EventLog::from_csv_reader(csv.as_bytes())?;
/// let report = JourneyAnalytics::from_log(&log);
/// assert_eq!(report.conversion_rate, Some(0.5));
/// assert_eq!(report.time_to_conversion_seconds.median, Some(86_400.0));
/// assert_eq!(report.sankey_links.len(), 3);
/// # Ok::<(), cocreate_journey::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct JourneyAnalytics {
    /// Customers (cases).
    pub n_customers: u64,
    /// Events.
    pub n_events: u64,
    /// Customers with a conversion event.
    pub n_converters: u64,
    /// n_converters / n_customers (`None` for an empty log).
    pub conversion_rate: Option<f64>,
    /// The funnel by stage.
    pub funnel: Vec<FunnelStep>,
    /// Drop-offs per touchpoint.
    pub drop_off_by_touchpoint: BTreeMap<String, u64>,
    /// Drop-offs per stage and touchpoint.
    pub drop_off_by_stage_touchpoint: Vec<StageTouchpointCount>,
    /// Seconds from first event to conversion, converters only.
    pub time_to_conversion_seconds: Summary,
    /// Touchpoints per path, weighted by conversions / nulls.
    pub path_length_distribution: ByConversion<BTreeMap<usize, f64>>,
    /// Mean path length by outcome.
    pub mean_path_length: ByConversion<Option<f64>>,
    /// Events per customer → customers.
    pub journey_length_distribution: BTreeMap<usize, u64>,
    /// Post-purchase outcomes.
    pub use_stage: UseStage,
    /// Events per outcome.
    pub outcome_counts: BTreeMap<String, u64>,
    /// Conversion value.
    pub conversion_value: ConversionValue,
    /// Sankey links of the paths.
    pub sankey_links: Vec<SankeyLink>,
}

impl JourneyAnalytics {
    /// The report of an event log, with path statistics from the log's own paths
    /// ([`EventLog::to_paths`]).
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, JourneyAnalytics, StageOrder};
    ///
    /// let r = JourneyAnalytics::from_log(&EventLogBuilder::new(StageOrder::standard()).build());
    /// assert_eq!(r.n_customers, 0);
    /// ```
    pub fn from_log(log: &EventLog) -> Self {
        JourneyAnalytics::compute(log, &log.to_paths())
    }

    /// The report of an event log with path statistics from separately given paths.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, JourneyAnalytics, PathData, StageOrder};
    ///
    /// let mut paths = PathData::new();
    /// paths.push_path("ad > store", 1.0, 10.0, 0.0)?;
    /// let r = JourneyAnalytics::compute(&EventLogBuilder::new(StageOrder::standard()).build(), &paths);
    /// assert_eq!(r.mean_path_length.converting, Some(2.0));
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn compute(log: &EventLog, paths: &PathData) -> Self {
        let mut n_converters = 0u64;
        let mut total_value = 0.0;
        for case in log.cases() {
            if case.first_conversion().is_some() {
                n_converters += 1;
            }
            for (&o, &v) in case.outcomes().iter().zip(case.values()) {
                if o == Outcome::Convert {
                    total_value += v;
                }
            }
        }
        let n_customers = log.n_cases() as u64;
        let lengths = path_lengths(paths);
        let drops = drop_off(log);
        JourneyAnalytics {
            n_customers,
            n_events: log.n_events() as u64,
            n_converters,
            conversion_rate: (n_customers > 0).then(|| n_converters as f64 / n_customers as f64),
            funnel: funnel(log),
            drop_off_by_touchpoint: drops.by_touchpoint,
            drop_off_by_stage_touchpoint: drops.by_stage_touchpoint,
            time_to_conversion_seconds: time_to_conversion(log),
            path_length_distribution: ByConversion {
                converting: lengths.converting,
                non_converting: lengths.non_converting,
            },
            mean_path_length: ByConversion {
                converting: lengths.mean_converting,
                non_converting: lengths.mean_non_converting,
            },
            journey_length_distribution: journey_lengths(log),
            use_stage: use_stage(log),
            outcome_counts: outcome_counts(log),
            conversion_value: ConversionValue {
                total: total_value,
                mean_per_converter: (n_converters > 0).then(|| total_value / n_converters as f64),
            },
            sankey_links: sankey_links(paths),
        }
    }
}

impl fmt::Display for JourneyAnalytics {
    /// The headline, the funnel and the time to conversion, as the `journey_log` example
    /// prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} events of {} customers; {} converted ({:.2} %), value {:.2}",
            self.n_events,
            self.n_customers,
            self.n_converters,
            100.0 * self.conversion_rate.unwrap_or(0.0),
            self.conversion_value.total
        )?;
        writeln!(f, "\nfunnel:")?;
        for step in &self.funnel {
            writeln!(
                f,
                "  {} reached {:>7} ({:>6.2} %)  from previous {:>7}  drop-offs {:>6}",
                pad(&label(&step.stage), 12),
                step.customers_reached,
                100.0 * step.share_of_all.unwrap_or(0.0),
                step.step_conversion_from_previous
                    .map_or("-".into(), |p| format!("{:.2} %", 100.0 * p)),
                step.drop_offs_at_stage
            )?;
        }
        let t = &self.time_to_conversion_seconds;
        if let (Some(median), Some(p90)) = (t.median, t.p90) {
            writeln!(
                f,
                "\ntime to conversion: median {:.1} h, 90th percentile {:.1} h ({} converters)",
                median / 3600.0,
                p90 / 3600.0,
                t.n
            )?;
        }
        Ok(())
    }
}

impl JourneyAnalytics {
    /// The headline, funnel and time to conversion as text (what `Display` prints).
    ///
    /// ```
    /// use cocreate_journey::{EventLog, JourneyAnalytics};
    ///
    /// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\n\
    ///            A,2024-01-01T00:00:00Z,ad,awareness,continue,0\n\
    ///            A,2024-01-02T00:00:00Z,store,purchase,conversion,50\n";
    /// let report = JourneyAnalytics::from_log(&EventLog::from_csv_str(csv)?);
    /// let text = report.summary();
    /// assert!(text.starts_with("2 events of 1 customers; 1 converted (100.00 %), value 50.00\n"));
    /// assert!(text.contains("time to conversion: median 24.0 h"));
    /// # Ok::<(), cocreate_journey::LoadError>(())
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

/// What the `journey_log` example reports on an event log: the analytics, the
/// directly-follows graph and the variants, with the activity they use.
///
/// `Display` prints the analytics, the ten most frequent edges and the five most frequent
/// variants; the fields hold them all.
///
/// ```
/// use cocreate_journey::{ActivityKey, EventLog, EventLogReport};
///
/// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\n\
///            A,2024-01-01T00:00:00Z,ad,awareness,continue,0\n\
///            A,2024-01-02T00:00:00Z,store,purchase,conversion,50\n";
/// let report = EventLogReport::new(&EventLog::from_csv_str(csv)?, ActivityKey::Touchpoint);
/// assert_eq!(report.variants.len(), 1);
/// assert!(report.summary().contains("\n       1  ad -> store\n"));
/// # Ok::<(), cocreate_journey::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct EventLogReport {
    /// Funnel, drop-off, durations, lengths, outcomes, Sankey links.
    pub analytics: JourneyAnalytics,
    /// The directly-follows graph.
    pub dfg: Dfg,
    /// The variants, most frequent first.
    pub variants: Vec<Variant>,
}

impl EventLogReport {
    /// The report of `log`, with `key` as the activity of the graph and the variants.
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, EventLogBuilder, EventLogReport, StageOrder};
    ///
    /// let r = EventLogReport::new(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage);
    /// assert!(r.dfg.edges().is_empty());
    /// ```
    pub fn new(log: &EventLog, key: ActivityKey) -> Self {
        EventLogReport {
            analytics: JourneyAnalytics::from_log(log),
            dfg: Dfg::discover(log, key),
            variants: variants(log, key),
        }
    }

    /// The report as text (what `Display` prints).
    ///
    /// ```
    /// use cocreate_journey::{ActivityKey, EventLogBuilder, EventLogReport, StageOrder};
    ///
    /// let r = EventLogReport::new(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage);
    /// assert!(r.summary().contains("0 variants, most frequent:"));
    /// ```
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for EventLogReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.analytics)?;
        writeln!(
            f,
            "\ndirectly-follows graph ({:?}), most frequent edges:",
            self.dfg.key()
        )?;
        for e in self.dfg.edges().iter().take(10) {
            writeln!(
                f,
                "  {:>6}  {} -> {}",
                e.count,
                label(self.dfg.name(e.from)),
                label(self.dfg.name(e.to))
            )?;
        }
        writeln!(f, "\n{} variants, most frequent:", self.variants.len())?;
        for v in self.variants.iter().take(5) {
            writeln!(f, "  {:>6}  {}", v.count, label(&v.activities.join(" > ")))?;
        }
        Ok(())
    }
}
