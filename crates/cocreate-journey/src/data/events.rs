//! Event logs: one row per customer event, grouped into cases (customers).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::error::{excerpt, LoadError, RowProblem};
use super::intern::{AscendingInterner, Interner, Key};
use super::load::{non_negative, text, Header};
use super::records::{Record, Records};
use crate::{OptionsError, Outcome, PathData, StageOrder, Timestamp};

/// The layout of an event-log CSV: column names and the stages it may name.
///
/// The default reads `customer_id,timestamp,touchpoint,stage,outcome,value` with the five
/// standard stages. Set the value column to `None` when the log has none (values are then
/// zero).
///
/// ```
/// use cocreate_journey::{EventCsvOptions, EventLog, Stage, StageOrder};
///
/// let options = EventCsvOptions::builder()
///     .customer_id("client")
///     .stages(StageOrder::standard().with(Stage::custom("advocacy", 600)?)?)
///     .build()?;
/// let csv = "client,timestamp,touchpoint,stage,outcome,value\n\
///            A,2024-01-01T00:00:00Z,forum,advocacy,continue,0\n";
/// let log = EventLog::from_csv_str_with(csv, &options)?;
/// assert_eq!(log.n_events(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "EventCsvOptionsRepr", into = "EventCsvOptionsRepr")
)]
pub struct EventCsvOptions {
    customer_id: String,
    timestamp: String,
    touchpoint: String,
    stage: String,
    outcome: String,
    value: Option<String>,
    stages: StageOrder,
}

impl Default for EventCsvOptions {
    fn default() -> Self {
        EventCsvOptions {
            customer_id: "customer_id".into(),
            timestamp: "timestamp".into(),
            touchpoint: "touchpoint".into(),
            stage: "stage".into(),
            outcome: "outcome".into(),
            value: Some("value".into()),
            stages: StageOrder::standard(),
        }
    }
}

/// Builds validated [`EventCsvOptions`].
///
/// ```
/// use cocreate_journey::{EventCsvOptions, OptionsError};
///
/// let err = EventCsvOptions::builder().stage("").build().unwrap_err();
/// assert_eq!(err, OptionsError::EmptyName { option: "stage column" });
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EventCsvOptionsBuilder {
    options: EventCsvOptions,
}

impl EventCsvOptionsBuilder {
    /// The customer-id column (default `customer_id`).
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().customer_id("x").build()?.customer_id(), "x");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn customer_id(mut self, name: impl Into<String>) -> Self {
        self.options.customer_id = name.into();
        self
    }

    /// The timestamp column (default `timestamp`).
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().timestamp("x").build()?.timestamp(), "x");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn timestamp(mut self, name: impl Into<String>) -> Self {
        self.options.timestamp = name.into();
        self
    }

    /// The touchpoint column (default `touchpoint`).
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().touchpoint("x").build()?.touchpoint(), "x");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn touchpoint(mut self, name: impl Into<String>) -> Self {
        self.options.touchpoint = name.into();
        self
    }

    /// The stage column (default `stage`).
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().stage("x").build()?.stage(), "x");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn stage(mut self, name: impl Into<String>) -> Self {
        self.options.stage = name.into();
        self
    }

    /// The outcome column (default `outcome`).
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().outcome("x").build()?.outcome(), "x");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn outcome(mut self, name: impl Into<String>) -> Self {
        self.options.outcome = name.into();
        self
    }

    /// The value column, or `None` when the log has none (default `value`).
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().value(None).build()?.value(), None);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn value(mut self, name: Option<&str>) -> Self {
        self.options.value = name.map(str::to_owned);
        self
    }

    /// The stages the log may name (default: the five standard stages).
    ///
    /// ```
    /// use cocreate_journey::{EventCsvOptions, Stage, StageOrder};
    ///
    /// let stages = StageOrder::new(vec![Stage::Awareness, Stage::Purchase])?;
    /// assert_eq!(EventCsvOptions::builder().stages(stages).build()?.stages().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stages(mut self, stages: StageOrder) -> Self {
        self.options.stages = stages;
        self
    }

    /// Checks that no column name is empty.
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert_eq!(EventCsvOptions::builder().build()?, EventCsvOptions::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn build(self) -> Result<EventCsvOptions, OptionsError> {
        let o = &self.options;
        for (option, name) in [
            ("customer-id column", Some(&o.customer_id)),
            ("timestamp column", Some(&o.timestamp)),
            ("touchpoint column", Some(&o.touchpoint)),
            ("stage column", Some(&o.stage)),
            ("outcome column", Some(&o.outcome)),
            ("value column", o.value.as_ref()),
        ] {
            if name.is_some_and(|n| n.trim().is_empty()) {
                return Err(OptionsError::EmptyName { option });
            }
        }
        Ok(self.options)
    }
}

impl EventCsvOptions {
    /// A builder starting from the default layout.
    ///
    /// ```
    /// use cocreate_journey::EventCsvOptions;
    ///
    /// assert!(EventCsvOptions::builder().customer_id("case").build().is_ok());
    /// ```
    pub fn builder() -> EventCsvOptionsBuilder {
        EventCsvOptionsBuilder {
            options: EventCsvOptions::default(),
        }
    }

    /// The customer-id column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().customer_id(), "customer_id");
    /// ```
    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }

    /// The timestamp column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().timestamp(), "timestamp");
    /// ```
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }

    /// The touchpoint column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().touchpoint(), "touchpoint");
    /// ```
    pub fn touchpoint(&self) -> &str {
        &self.touchpoint
    }

    /// The stage column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().stage(), "stage");
    /// ```
    pub fn stage(&self) -> &str {
        &self.stage
    }

    /// The outcome column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().outcome(), "outcome");
    /// ```
    pub fn outcome(&self) -> &str {
        &self.outcome
    }

    /// The value column, if any.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().value(), Some("value"));
    /// ```
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The stages the log may name.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::EventCsvOptions::default().stages().len(), 5);
    /// ```
    pub fn stages(&self) -> &StageOrder {
        &self.stages
    }
}

/// Collects events one by one and sorts them into an [`EventLog`].
///
/// ```
/// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// let t = Timestamp::from_unix_seconds;
/// b.push("B", t(50), "website", "evaluation", Outcome::Continue, 0.0)?;
/// b.push("A", t(10), "ad", "awareness", Outcome::Leave, 0.0)?;
/// b.push("B", t(20), "ad", "awareness", Outcome::Continue, 0.0)?;
/// let log = b.build();
/// assert_eq!(log.n_cases(), 2);
/// assert_eq!(log.case(0).map(|c| c.id()), Some("A")); // cases sorted by id
/// assert_eq!(log.case(1).map(|c| c.len()), Some(2));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EventLogBuilder {
    stages: StageOrder,
    customers: AscendingInterner,
    touchpoints: Interner,
    /// The events as columns, in input order.
    cases: Vec<u32>,
    timestamps: Vec<Timestamp>,
    touchpoint_ids: Vec<u32>,
    stage_ids: Vec<u32>,
    outcomes: Vec<Outcome>,
    values: Vec<f64>,
    /// Whether the events so far are in (customer, time) order, so that with customers
    /// first seen in ascending order the columns need no sorting.
    in_order: bool,
}

impl EventLogBuilder {
    /// A builder for a log whose stages come from `stages`.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, StageOrder};
    ///
    /// assert_eq!(EventLogBuilder::new(StageOrder::standard()).build().n_events(), 0);
    /// ```
    pub fn new(stages: StageOrder) -> Self {
        EventLogBuilder {
            stages,
            customers: AscendingInterner::default(),
            touchpoints: Interner::default(),
            cases: Vec::new(),
            timestamps: Vec::new(),
            touchpoint_ids: Vec::new(),
            stage_ids: Vec::new(),
            outcomes: Vec::new(),
            values: Vec::new(),
            in_order: true,
        }
    }

    /// Adds one event. Errors when the customer id or touchpoint is empty, the stage is
    /// not in the stage order, or the value is negative or not finite.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, Outcome, RowProblem, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// let err = b.push("A", Timestamp::from_unix_seconds(0), "ad", "dreaming", Outcome::Continue, 0.0);
    /// assert!(matches!(err, Err(RowProblem::UnknownStage { .. })));
    /// ```
    pub fn push(
        &mut self,
        customer_id: &str,
        timestamp: Timestamp,
        touchpoint: &str,
        stage: &str,
        outcome: Outcome,
        value: f64,
    ) -> Result<(), RowProblem> {
        let stage = self.stage_position(stage)?;
        if !value.is_finite() {
            return Err(RowProblem::NonFinite {
                column: "value".into(),
                text: value.to_string(),
            });
        }
        if value < 0.0 {
            return Err(RowProblem::Negative {
                column: "value".into(),
                value,
            });
        }
        if value > super::paths::MAX_AMOUNT {
            return Err(RowProblem::TooLarge {
                column: "value".into(),
                value,
            });
        }
        self.push_checked(
            customer_id,
            timestamp,
            touchpoint,
            stage,
            outcome,
            value + 0.0,
        )
    }

    fn stage_position(&self, name: &str) -> Result<u32, RowProblem> {
        self.stages
            .position(name)
            .map(|p| p as u32)
            .ok_or_else(|| RowProblem::UnknownStage {
                name: excerpt(name),
                known: self.stages.names(),
            })
    }

    fn push_checked(
        &mut self,
        customer_id: &str,
        timestamp: Timestamp,
        touchpoint: &str,
        stage: u32,
        outcome: Outcome,
        value: f64,
    ) -> Result<(), RowProblem> {
        let (customer_id, touchpoint) = (customer_id.trim(), touchpoint.trim());
        for (column, v) in [("customer id", customer_id), ("touchpoint", touchpoint)] {
            if v.is_empty() {
                return Err(RowProblem::Empty {
                    column: column.into(),
                });
            }
        }
        let touchpoint = super::paths::channel_id(
            &mut self.touchpoints,
            touchpoint.as_bytes(),
            "touchpoints",
            "touchpoint",
        )?;
        let case = self
            .customers
            .intern(customer_id)
            .ok_or(RowProblem::TooManyNames)?;
        self.push_event(case, timestamp, touchpoint, stage, outcome, value);
        Ok(())
    }

    /// Appends one event whose customer and touchpoint are interned.
    #[inline]
    fn push_event(
        &mut self,
        case: u32,
        timestamp: Timestamp,
        touchpoint: u32,
        stage: u32,
        outcome: Outcome,
        value: f64,
    ) {
        if let (Some(&c), Some(&t)) = (self.cases.last(), self.timestamps.last()) {
            self.in_order &= (c, t) <= (case, timestamp);
        }
        self.cases.push(case);
        self.timestamps.push(timestamp);
        self.touchpoint_ids.push(touchpoint);
        self.stage_ids.push(stage);
        self.outcomes.push(outcome);
        self.values.push(value);
    }

    /// Groups the events by customer (cases sorted by customer id) and orders each case
    /// by time; events with equal times keep their input order.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// b.push("A", Timestamp::from_unix_seconds(9), "store", "purchase", Outcome::Convert, 25.0)?;
    /// b.push("A", Timestamp::from_unix_seconds(1), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// let log = b.build();
    /// let case = log.case(0).unwrap();
    /// assert_eq!(log.touchpoint_name(case.touchpoints()[0]), "ad");
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn build(self) -> EventLog {
        let EventLogBuilder {
            stages,
            customers,
            touchpoints,
            cases,
            timestamps,
            touchpoint_ids,
            stage_ids,
            outcomes,
            values,
            in_order,
        } = self;
        let ascending = customers.is_ascending();
        let mut names: Vec<String> = customers.into_names();
        let n = cases.len();
        let mut log = EventLog {
            stages,
            touchpoints: touchpoints.into_names(),
            case_ids: Vec::new(),
            case_starts: Vec::new(),
            timestamps,
            touchpoint_ids,
            stage_ids,
            outcomes,
            values,
        };
        // Rank of each customer id in id order, and the events in log order.
        let sorted: Option<Vec<u32>> = if ascending && in_order {
            // A log sorted by customer and time: ids are ranks, the columns are in order.
            None
        } else {
            let mut order: Vec<u32> = (0..names.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
            let mut rank = vec![0u32; names.len()];
            for (r, &c) in order.iter().enumerate() {
                rank[c as usize] = r as u32;
            }
            // (rank, time, input position): sorting them is a stable sort by customer
            // and time.
            let mut keys: Vec<(u32, Timestamp, u32)> = (0..n)
                .map(|i| (rank[cases[i] as usize], log.timestamps[i], i as u32))
                .collect();
            keys.sort_unstable();
            let at: Vec<u32> = keys.into_iter().map(|k| k.2).collect();
            fn gather<T: Copy>(column: &mut Vec<T>, at: &[u32]) {
                *column = at.iter().map(|&i| column[i as usize]).collect();
            }
            gather(&mut log.timestamps, &at);
            gather(&mut log.touchpoint_ids, &at);
            gather(&mut log.stage_ids, &at);
            gather(&mut log.outcomes, &at);
            gather(&mut log.values, &at);
            Some(at)
        };
        let mut case_starts = Vec::with_capacity(names.len() + 1);
        let mut case_ids = Vec::with_capacity(names.len());
        let mut current = u32::MAX;
        for i in 0..n {
            let case = match &sorted {
                Some(at) => cases[at[i] as usize],
                None => cases[i],
            };
            if case != current {
                current = case;
                case_starts.push(i);
                case_ids.push(std::mem::take(&mut names[case as usize]));
            }
        }
        case_starts.push(n);
        log.case_ids = case_ids;
        log.case_starts = case_starts;
        log
    }
}

/// An event log: events grouped into cases (one per customer, sorted by customer id),
/// each case in time order.
///
/// Columns are stored separately with touchpoints and stages as dense ids, which is what
/// the funnel, process-mining and path code read fastest. Read one with
/// [`EventLog::from_csv_reader`] / [`EventLog::from_csv_path`] or build one with
/// [`EventLogBuilder`].
///
/// ```
/// use cocreate_journey::EventLog;
///
/// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\n\
///            C1,2024-01-30T02:16:57Z,brochure,awareness,continue,0.00\n\
///            C1,2024-01-30T22:04:05Z,store,purchase,conversion,223.92\n\
///            C2,2024-02-01T10:00:00Z,ad,awareness,drop_off,0.00\n";
/// let log = EventLog::from_csv_reader(csv.as_bytes())?;
/// assert_eq!((log.n_cases(), log.n_events()), (2, 3));
/// assert_eq!(log.touchpoints(), ["brochure", "store", "ad"]);
/// # Ok::<(), cocreate_journey::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "EventLogRepr", into = "EventLogRepr")
)]
pub struct EventLog {
    stages: StageOrder,
    touchpoints: Vec<String>,
    case_ids: Vec<String>,
    case_starts: Vec<usize>,
    timestamps: Vec<Timestamp>,
    touchpoint_ids: Vec<u32>,
    stage_ids: Vec<u32>,
    outcomes: Vec<Outcome>,
    values: Vec<f64>,
}

/// One customer's events in a log, in time order.
///
/// ```
/// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("A", Timestamp::from_unix_seconds(5), "store", "purchase", Outcome::Convert, 40.0)?;
/// let log = b.build();
/// let case = log.case(0).unwrap();
/// assert_eq!(case.outcomes(), [Outcome::Continue, Outcome::Convert]);
/// assert_eq!(case.values(), [0.0, 40.0]);
/// assert_eq!(case.stages(), [0, 3]); // positions in the stage order
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Case<'a> {
    log: &'a EventLog,
    start: usize,
    end: usize,
    index: usize,
}

impl<'a> Case<'a> {
    /// The customer id.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().id(), "A");
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn id(&self) -> &'a str {
        &self.log.case_ids[self.index]
    }

    /// Number of events.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().len(), 1);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Always `false`: a case has at least one event.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert!(!log.case(0).unwrap().is_empty());
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Event times.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().timestamps()[0], Timestamp::from_unix_seconds(0));
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn timestamps(&self) -> &'a [Timestamp] {
        &self.log.timestamps[self.start..self.end]
    }

    /// Touchpoint ids (see [`EventLog::touchpoints`]).
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().touchpoints(), [0]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn touchpoints(&self) -> &'a [u32] {
        &self.log.touchpoint_ids[self.start..self.end]
    }

    /// Stage positions in the log's [`StageOrder`].
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().stages(), [0]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn stages(&self) -> &'a [u32] {
        &self.log.stage_ids[self.start..self.end]
    }

    /// Outcomes.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().outcomes(), [Outcome::Continue]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn outcomes(&self) -> &'a [Outcome] {
        &self.log.outcomes[self.start..self.end]
    }

    /// Values.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().values(), [0.0]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn values(&self) -> &'a [f64] {
        &self.log.values[self.start..self.end]
    }

    /// Index of the first conversion event, if the customer converted.
    ///
    /// ```
    /// # use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    /// # let mut b = EventLogBuilder::new(StageOrder::standard());
    /// # b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// # let log = b.build();
    /// assert_eq!(log.case(0).unwrap().first_conversion(), None);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn first_conversion(&self) -> Option<usize> {
        self.outcomes().iter().position(|&o| o == Outcome::Convert)
    }
}

impl EventLog {
    /// Reads an event log in the default layout from CSV with a header row, streaming
    /// row by row (see [`EventLog::from_csv_reader_with`] for other layouts).
    ///
    /// Fields are trimmed. Errors name the line: a missing column, an empty customer id
    /// or touchpoint, a timestamp that does not parse, a stage not in the stage order,
    /// an unknown outcome, a value that is not a non-negative finite number.
    ///
    /// ```
    /// use cocreate_journey::EventLog;
    ///
    /// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\n\
    ///            C1,2024-01-30,ad,awareness,bought,0\n";
    /// let err = EventLog::from_csv_reader(csv.as_bytes()).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "line 2: outcome \"bought\" is not one of continue, drop_off, conversion, retained, churned"
    /// );
    /// ```
    pub fn from_csv_reader<R: Read>(input: R) -> Result<Self, LoadError> {
        EventLog::from_csv_reader_with(input, &EventCsvOptions::default())
    }

    /// Reads an event log from CSV in the layout `options` describe.
    ///
    /// ```
    /// use cocreate_journey::{EventCsvOptions, EventLog};
    ///
    /// let options = EventCsvOptions::builder().value(None).build()?;
    /// let csv = "customer_id,timestamp,touchpoint,stage,outcome\nC1,2024-01-30,ad,awareness,continue\n";
    /// assert_eq!(EventLog::from_csv_reader_with(csv.as_bytes(), &options)?.n_events(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_reader_with<R: Read>(
        input: R,
        format: &EventCsvOptions,
    ) -> Result<Self, LoadError> {
        EventLog::from_records(super::records::buffered(input), format)
    }

    /// The log from CSV records (text in memory is split in place).
    fn from_records<B: std::io::BufRead>(
        mut records: Records<B>,
        format: &EventCsvOptions,
    ) -> Result<Self, LoadError> {
        let header = Header::read(&mut records)?;
        let cols = [
            header.find(&format.customer_id)?,
            header.find(&format.timestamp)?,
            header.find(&format.touchpoint)?,
            header.find(&format.stage)?,
            header.find(&format.outcome)?,
        ];
        let value_col = format
            .value
            .as_deref()
            .map(|c| header.find(c))
            .transpose()?;
        let mut builder = EventLogBuilder::new(format.stages.clone());
        let mut recent = Recent::default();
        while let Some(record) = records.next_record()? {
            let line = record.line;
            read_event(
                &mut builder,
                &mut recent,
                &record,
                &header,
                format,
                cols,
                value_col,
            )
            .map_err(|problem| LoadError::Row { line, problem })?;
        }
        Ok(builder.build())
    }

    /// Reads an event log in the default layout from a CSV file (see
    /// [`EventLog::from_csv_reader`]). A directory is refused as one.
    ///
    /// ```
    /// use cocreate_journey::{EventLog, LoadError};
    ///
    /// let err = EventLog::from_csv_path("no/such/events.csv").unwrap_err();
    /// assert!(matches!(err, LoadError::Io { .. }));
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        EventLog::from_csv_path_with(path, &EventCsvOptions::default())
    }

    /// Reads an event log from a CSV file in the layout `options` describe.
    ///
    /// ```
    /// use cocreate_journey::{EventCsvOptions, EventLog, LoadError};
    ///
    /// let err = EventLog::from_csv_path_with("no/such/events.csv", &EventCsvOptions::default());
    /// assert!(matches!(err, Err(LoadError::Io { .. })));
    /// ```
    pub fn from_csv_path_with(
        path: impl AsRef<Path>,
        options: &EventCsvOptions,
    ) -> Result<Self, LoadError> {
        EventLog::from_csv_reader_with(super::paths::open(path.as_ref())?, options)
    }

    /// Reads an event log in the default layout from CSV text.
    ///
    /// ```
    /// use cocreate_journey::EventLog;
    ///
    /// let csv = "customer_id,timestamp,touchpoint,stage,outcome,value\nC1,2024-01-30,ad,awareness,continue,0\n";
    /// assert_eq!(EventLog::from_csv_str(csv)?.n_cases(), 1);
    /// # Ok::<(), cocreate_journey::LoadError>(())
    /// ```
    pub fn from_csv_str(text: &str) -> Result<Self, LoadError> {
        EventLog::from_csv_str_with(text, &EventCsvOptions::default())
    }

    /// Reads an event log from CSV text in the layout `options` describe.
    ///
    /// ```
    /// use cocreate_journey::{EventCsvOptions, EventLog};
    ///
    /// let options = EventCsvOptions::builder().customer_id("case").build()?;
    /// let csv = "case,timestamp,touchpoint,stage,outcome,value\nC1,2024-01-30,ad,awareness,continue,0\n";
    /// assert_eq!(EventLog::from_csv_str_with(csv, &options)?.n_cases(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_str_with(text: &str, options: &EventCsvOptions) -> Result<Self, LoadError> {
        EventLog::from_records(Records::new(text.as_bytes()), options)
    }

    /// Number of cases (customers).
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, StageOrder};
    ///
    /// assert_eq!(EventLogBuilder::new(StageOrder::standard()).build().n_cases(), 0);
    /// ```
    pub fn n_cases(&self) -> usize {
        self.case_ids.len()
    }

    /// Number of events.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, StageOrder};
    ///
    /// assert_eq!(EventLogBuilder::new(StageOrder::standard()).build().n_events(), 0);
    /// ```
    pub fn n_events(&self) -> usize {
        self.timestamps.len()
    }

    /// The `i`-th case in customer-id order.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, StageOrder};
    ///
    /// assert!(EventLogBuilder::new(StageOrder::standard()).build().case(0).is_none());
    /// ```
    pub fn case(&self, i: usize) -> Option<Case<'_>> {
        (i < self.case_ids.len()).then(|| Case {
            log: self,
            start: self.case_starts[i],
            end: self.case_starts[i + 1],
            index: i,
        })
    }

    /// All cases in customer-id order.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// for id in ["B", "A", "C"] {
    ///     b.push(id, Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
    /// }
    /// let log = b.build();
    /// let ids: Vec<&str> = log.cases().map(|c| c.id()).collect();
    /// assert_eq!(ids, ["A", "B", "C"]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn cases(&self) -> impl ExactSizeIterator<Item = Case<'_>> + '_ {
        (0..self.case_ids.len()).map(move |i| Case {
            log: self,
            start: self.case_starts[i],
            end: self.case_starts[i + 1],
            index: i,
        })
    }

    /// Touchpoint names by id, in order of first appearance in the input.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// b.push("A", Timestamp::from_unix_seconds(0), "web shop", "evaluation", Outcome::Leave, 0.0)?;
    /// assert_eq!(b.build().touchpoints(), ["web shop"]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn touchpoints(&self) -> &[String] {
        &self.touchpoints
    }

    /// The name of touchpoint `id` (empty for an unknown id).
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// b.push("A", Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
    /// assert_eq!(b.build().touchpoint_name(0), "ad");
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn touchpoint_name(&self, id: u32) -> &str {
        self.touchpoints.get(id as usize).map_or("", String::as_str)
    }

    /// The stage order the log's stage ids refer to.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, StageOrder};
    ///
    /// let log = EventLogBuilder::new(StageOrder::standard()).build();
    /// assert_eq!(log.stage_order().len(), 5);
    /// ```
    pub fn stage_order(&self) -> &StageOrder {
        &self.stages
    }

    /// The aggregated paths of the customers, in ChannelAttribution's input form.
    ///
    /// A converter's path holds the touchpoints up to and including the first conversion
    /// event and carries that event's value; a non-converter's path holds all touchpoints.
    /// Events of post-purchase stages never enter a path. Rows are sorted by decreasing
    /// number of customers (conversions + nulls), then by path text.
    ///
    /// ```
    /// use cocreate_journey::{EventLogBuilder, Outcome, StageOrder, Timestamp};
    ///
    /// let t = Timestamp::from_unix_seconds;
    /// let mut b = EventLogBuilder::new(StageOrder::standard());
    /// b.push("A", t(0), "ad", "awareness", Outcome::Continue, 0.0)?;
    /// b.push("A", t(1), "store", "purchase", Outcome::Convert, 80.0)?;
    /// b.push("A", t(2), "app", "use", Outcome::Retained, 0.0)?;
    /// b.push("B", t(0), "ad", "awareness", Outcome::Leave, 0.0)?;
    /// let paths = b.build().to_paths();
    /// let rows: Vec<_> = paths.rows().map(|r| (r.channels.len(), r.conversions, r.value, r.nulls)).collect();
    /// assert_eq!(rows, [(1, 0.0, 0.0, 1.0), (2, 1.0, 80.0, 0.0)]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn to_paths(&self) -> PathData {
        let mut groups: HashMap<Vec<u32>, (f64, f64, f64)> = HashMap::new();
        let post_purchase = self.stages.post_purchase();
        for case in self.cases() {
            let (end, converted) = match case.first_conversion() {
                Some(k) => (k + 1, true),
                None => (case.len(), false),
            };
            let path: Vec<u32> = case.touchpoints()[..end]
                .iter()
                .zip(case.stages())
                .filter(|&(_, &s)| !post_purchase.get(s as usize).copied().unwrap_or(false))
                .map(|(&t, _)| t)
                .collect();
            let entry = groups.entry(path).or_insert((0.0, 0.0, 0.0));
            if converted {
                entry.0 += 1.0;
                entry.1 += case.values()[end - 1];
            } else {
                entry.2 += 1.0;
            }
        }
        // (path text, touchpoint ids, (conversions, value, nulls))
        type Row = (String, Vec<u32>, (f64, f64, f64));
        let mut rows: Vec<Row> = groups
            .into_iter()
            .map(|(path, counts)| {
                let text = path
                    .iter()
                    .map(|&t| self.touchpoint_name(t))
                    .collect::<Vec<_>>()
                    .join(" > ");
                (text, path, counts)
            })
            .collect();
        rows.sort_by(|a, b| {
            let (na, nb) = (a.2 .0 + a.2 .2, b.2 .0 + b.2 .2);
            nb.total_cmp(&na).then_with(|| a.0.cmp(&b.0))
        });
        let mut data = PathData::new();
        for (_, path, (c, v, u)) in rows {
            // Counts are whole customers and values were checked when the log was built,
            // and the names are the log's own, so this cannot fail.
            let names = path.iter().map(|&t| self.touchpoint_name(t));
            let pushed = data.push(names, c, v, u);
            debug_assert!(pushed.is_ok());
        }
        data
    }
}

/// What the previous rows of an event log held, so that a row repeating them (the same
/// customer, stage or outcome as the row before, as in a log sorted by customer) is read
/// without looking anything up.
#[derive(Default)]
struct Recent {
    customer: Option<(Key, Vec<u8>, u32)>,
    /// The stage and outcome fields seen so far, exactly as written (a log spells
    /// each of its handful of stages and outcomes one way or a few).
    stages: Vec<(Key, Vec<u8>, u32)>,
    outcomes: Vec<(Key, Vec<u8>, Outcome)>,
    /// The date of the last timestamp in the plain form.
    day: crate::time::LastDay,
}

/// Whether the field `bytes` with key `key` is the remembered one.
#[inline(always)]
fn same(key: Key, bytes: &[u8], known: &(Key, Vec<u8>, impl Sized)) -> bool {
    known.0 == key && (key.is_exact() || known.1 == bytes)
}

/// The most distinct spellings of stages or outcomes remembered.
const RECENT_SPELLINGS: usize = 32;

/// `bytes` as trimmed text when that needs no work: both ends are ASCII and not
/// whitespace, so `str::trim` would keep every byte (the UTF-8 check is left to the
/// caller).
#[inline]
fn already_trimmed(bytes: &[u8]) -> bool {
    let plain = |b: u8| b < 0x80 && !b.is_ascii_whitespace();
    matches!((bytes.first(), bytes.last()), (Some(&a), Some(&z)) if plain(a) && plain(z))
}

/// A name field: its id among the names known so far, or (for a new name) its trimmed
/// text, checked to be UTF-8.
enum Name<'a> {
    Known(u32),
    New(&'a str),
}

#[inline]
fn name<'a>(
    interner: &Interner,
    (text_of_record, start, end): (&'a [u8], usize, usize),
    column: &str,
) -> Result<Name<'a>, RowProblem> {
    let bytes = &text_of_record[start..end];
    if already_trimmed(bytes) {
        // The key reads whole words of the record around the field.
        if let Some(id) = interner.find_within(text_of_record, start, end) {
            return Ok(Name::Known(id));
        }
        // Not known, and nothing to trim: only the UTF-8 check is left.
        return std::str::from_utf8(bytes)
            .map(Name::New)
            .map_err(|_| RowProblem::NotUtf8 {
                column: column.to_owned(),
            });
    }
    let text = text(bytes, column)?;
    match interner.get(text) {
        Some(id) => Ok(Name::Known(id)),
        None => Ok(Name::New(text)),
    }
}

fn read_event(
    builder: &mut EventLogBuilder,
    recent: &mut Recent,
    record: &Record<'_>,
    header: &Header,
    format: &EventCsvOptions,
    [c_id, c_time, c_tp, c_stage, c_outcome]: [usize; 5],
    value_col: Option<usize>,
) -> Result<(), RowProblem> {
    header.check_len(record)?;
    super::load::no_line_break_in_names(
        record,
        &[
            (c_id, &format.customer_id),
            (c_tp, &format.touchpoint),
            (c_stage, &format.stage),
            (c_outcome, &format.outcome),
        ],
    )?;
    // Fields are read in column order of the checks below, so that a row with several
    // problems reports the same one whichever path reads it.
    let customer_field = record.field_in_text(c_id);
    let customer_bytes = record.get(c_id);
    let customer_key = Key::within(customer_field.0, customer_field.1, customer_field.2);
    let customer = match (&recent.customer, builder.customers.table()) {
        (Some(known), _) if same(customer_key, customer_bytes, known) => Name::Known(known.2),
        (_, Some(table)) => name(table, customer_field, &format.customer_id)?,
        // Customers so far in ascending order: interning the name decides.
        (_, None) => Name::New(text(customer_bytes, &format.customer_id)?),
    };
    let time_bytes = record.get(c_time);
    let timestamp = match crate::time::parse_plain_utc(time_bytes, &mut recent.day) {
        Some(t) => t,
        None => {
            let time_text = text(time_bytes, &format.timestamp)?;
            Timestamp::parse(time_text).map_err(|source| RowProblem::Timestamp {
                column: format.timestamp.clone(),
                source,
            })?
        }
    };
    let touchpoint = name(
        &builder.touchpoints,
        record.field_in_text(c_tp),
        &format.touchpoint,
    )?;
    let stage_bytes = record.get(c_stage);
    let (text_of_record, start, end) = record.field_in_text(c_stage);
    let key = Key::within(text_of_record, start, end);
    let stage = match recent.stages.iter().find(|k| same(key, stage_bytes, k)) {
        Some(&(_, _, id)) => id,
        None => {
            let id = builder.stage_position(text(stage_bytes, &format.stage)?)?;
            if recent.stages.len() < RECENT_SPELLINGS {
                recent.stages.push((key, stage_bytes.to_vec(), id));
            }
            id
        }
    };
    let outcome_bytes = record.get(c_outcome);
    let (text_of_record, start, end) = record.field_in_text(c_outcome);
    let key = Key::within(text_of_record, start, end);
    let outcome = match recent.outcomes.iter().find(|k| same(key, outcome_bytes, k)) {
        Some(&(_, _, o)) => o,
        None => {
            let outcome_text = text(outcome_bytes, &format.outcome)?;
            let o = Outcome::from_name(outcome_text).ok_or_else(|| RowProblem::UnknownOutcome {
                name: excerpt(outcome_text),
            })?;
            if recent.outcomes.len() < RECENT_SPELLINGS {
                recent.outcomes.push((key, outcome_bytes.to_vec(), o));
            }
            o
        }
    };
    let value = match (value_col, &format.value) {
        (Some(i), Some(name)) => non_negative(record.get(i), name)?,
        _ => 0.0,
    };
    if value > super::paths::MAX_AMOUNT {
        return Err(RowProblem::TooLarge {
            column: format.value.clone().unwrap_or_default(),
            value,
        });
    }
    for (column, field) in [("customer id", &customer), ("touchpoint", &touchpoint)] {
        if matches!(field, Name::New(text) if text.is_empty()) {
            return Err(RowProblem::Empty {
                column: column.into(),
            });
        }
    }
    let touchpoint = match touchpoint {
        Name::Known(id) => id,
        Name::New(text) => super::paths::channel_id(
            &mut builder.touchpoints,
            text.as_bytes(),
            "touchpoints",
            "touchpoint",
        )?,
    };
    let case = match customer {
        Name::Known(id) => id,
        Name::New(text) => builder
            .customers
            .intern_unknown(text)
            .ok_or(RowProblem::TooManyNames)?,
    };
    match &mut recent.customer {
        Some(known) if known.2 == case => {}
        Some(known) => {
            known.0 = customer_key;
            known.1.clear();
            known.1.extend_from_slice(customer_bytes);
            known.2 = case;
        }
        None => recent.customer = Some((customer_key, customer_bytes.to_vec(), case)),
    }
    builder.push_event(case, timestamp, touchpoint, stage, outcome, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A field as a log might write it: a few spellings, spaces around, and now and
    /// then one that is wrong.
    fn spelled(
        good: &'static [&'static str],
        bad: &'static [&'static str],
    ) -> impl Strategy<Value = String> {
        let pick = prop_oneof![
            24 => (0..good.len()).prop_map(move |i| good[i]),
            1 => (0..bad.len()).prop_map(move |i| bad[i]),
        ];
        (pick, 0u8..4).prop_map(|(text, pad)| match pad {
            0 => format!(" {text} "),
            1 => format!("\t{text}"),
            _ => text.to_owned(),
        })
    }

    fn row() -> impl Strategy<Value = [String; 6]> {
        (
            spelled(&["C1", "C2", "c1", "customer number 3", "Ärger"], &[""]),
            spelled(
                &[
                    "2024-01-30T02:16:57Z",
                    "2024-01-30T02:16:57+01:00",
                    "2024-01-30",
                    "2024-01-30T02:16:57z",
                ],
                &["2024-02-30T02:16:57Z", "2024-01-30T25:00:00Z"],
            ),
            spelled(
                &["web", "store", "a very long touchpoint name", "wéb"],
                &[""],
            ),
            spelled(
                &["awareness", "Purchase", "use", "evaluation"],
                &["dreaming"],
            ),
            spelled(
                &["continue", "conversion", "drop_off", "Retained"],
                &["bought"],
            ),
            spelled(&["0", "12.50", "1e3", "0.00"], &["-1", "x", ""]),
        )
            .prop_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f])
    }

    proptest! {
        /// Cases come out sorted by customer id and each case in time order (ties in
        /// input order), whether the input was already in that order (no sorting) or
        /// not; the ids of the touchpoints follow their first appearance.
        #[test]
        fn cases_are_grouped_and_ordered_like_a_stable_sort(
            events in proptest::collection::vec((0usize..6, 0i64..5, 0usize..3), 0..40),
            presorted in proptest::bool::ANY,
        ) {
            let customers = ["A", "B", "B2", "a", "customer-with-a-long-id", "\u{e4}"];
            let tps = ["web", "store", "call center"];
            let mut events = events;
            if presorted {
                events.sort_by_key(|&(c, t, _)| (customers[c], t));
            }
            let mut b = EventLogBuilder::new(StageOrder::standard());
            for &(c, t, tp) in &events {
                b.push(customers[c], Timestamp::from_unix_seconds(t), tps[tp], "awareness", Outcome::Continue, tp as f64)
                    .unwrap();
            }
            let log = b.build();
            // The model: a stable sort by (customer id, time).
            let mut want = events.clone();
            want.sort_by_key(|&(c, t, _)| (customers[c], t));
            let got: Vec<(&str, i64, &str, f64)> = log
                .cases()
                .flat_map(|case| {
                    let log = &log;
                    (0..case.len()).map(move |k| {
                        (
                            case.id(),
                            case.timestamps()[k].seconds_since(Timestamp::from_unix_seconds(0)) as i64,
                            log.touchpoint_name(case.touchpoints()[k]),
                            case.values()[k],
                        )
                    })
                })
                .collect();
            let want: Vec<(&str, i64, &str, f64)> =
                want.iter().map(|&(c, t, tp)| (customers[c], t, tps[tp], tp as f64)).collect();
            prop_assert_eq!(got, want);
            let mut seen: Vec<&str> = Vec::new();
            for &(_, _, tp) in &events {
                if !seen.contains(&tps[tp]) {
                    seen.push(tps[tp]);
                }
            }
            prop_assert_eq!(log.touchpoints(), &seen[..]);
            let mut ids: Vec<&str> = events.iter().map(|e| customers[e.0]).collect();
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(log.n_cases(), ids.len());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The loader's shortcuts (names found in place, remembered stages and outcomes,
        /// the plain timestamp form) give the log, or the error, that reading every
        /// field in full gives.
        #[test]
        fn the_loader_agrees_with_the_builder(rows in proptest::collection::vec(row(), 1..30)) {
            let mut csv = String::from("customer_id,timestamp,touchpoint,stage,outcome,value\n");
            let mut want = EventLogBuilder::new(StageOrder::standard());
            let mut want_err = None;
            for (i, r) in rows.iter().enumerate() {
                csv.push_str(&r.join(","));
                csv.push('\n');
                if want_err.is_some() {
                    continue;
                }
                let pushed = Timestamp::parse(r[1].trim())
                    .map_err(|source| RowProblem::Timestamp { column: "timestamp".into(), source })
                    .and_then(|t| {
                        let outcome = Outcome::from_name(r[4].trim()).ok_or(RowProblem::UnknownOutcome {
                            name: r[4].trim().to_owned(),
                        });
                        let value = super::super::load::non_negative(r[5].as_bytes(), "value");
                        // The order of the checks of `read_event`.
                        let stage = want.stage_position(r[3].trim())?;
                        let outcome = outcome?;
                        let value = value?;
                        let (c, tp) = (r[0].trim(), r[2].trim());
                        let _ = stage;
                        want.push(c, t, tp, r[3].trim(), outcome, value)
                    });
                if let Err(p) = pushed {
                    want_err = Some((i as u64 + 2, p));
                }
            }
            let got = EventLog::from_csv_reader(csv.as_bytes());
            match (got, want_err) {
                (Ok(log), None) => {
                    prop_assert_eq!(log, want.build());
                }
                (Err(LoadError::Row { line, problem }), Some((want_line, want_problem))) => {
                    prop_assert_eq!(line, want_line);
                    prop_assert_eq!(problem, want_problem);
                }
                (got, want) => prop_assert!(false, "got {:?}, want {:?}", got.map(|l| l.n_events()), want),
            }
        }
    }
}

/// The serde form of [`EventCsvOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EventCsvOptionsRepr {
    customer_id: String,
    timestamp: String,
    touchpoint: String,
    stage: String,
    outcome: String,
    value: Option<String>,
    stages: StageOrder,
}

#[cfg(feature = "serde")]
impl Default for EventCsvOptionsRepr {
    fn default() -> Self {
        EventCsvOptions::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<EventCsvOptions> for EventCsvOptionsRepr {
    fn from(o: EventCsvOptions) -> Self {
        EventCsvOptionsRepr {
            customer_id: o.customer_id,
            timestamp: o.timestamp,
            touchpoint: o.touchpoint,
            stage: o.stage,
            outcome: o.outcome,
            value: o.value,
            stages: o.stages,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<EventCsvOptionsRepr> for EventCsvOptions {
    type Error = OptionsError;
    fn try_from(r: EventCsvOptionsRepr) -> Result<Self, OptionsError> {
        EventCsvOptions::builder()
            .customer_id(r.customer_id)
            .timestamp(r.timestamp)
            .touchpoint(r.touchpoint)
            .stage(r.stage)
            .outcome(r.outcome)
            .value(r.value.as_deref())
            .stages(r.stages)
            .build()
    }
}

/// The serde form of an [`EventLog`]: the stage order, the touchpoint names, then each
/// case's events with touchpoints and stages as ids; read back through
/// [`EventLogBuilder`]'s checks.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EventLogRepr {
    stages: StageOrder,
    touchpoints: Vec<String>,
    cases: Vec<CaseRepr>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseRepr {
    id: String,
    events: Vec<EventRepr>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EventRepr {
    timestamp: Timestamp,
    touchpoint: u32,
    stage: u32,
    outcome: Outcome,
    #[serde(default)]
    value: f64,
}

#[cfg(feature = "serde")]
impl From<EventLog> for EventLogRepr {
    fn from(log: EventLog) -> Self {
        let cases = log
            .cases()
            .map(|c| CaseRepr {
                id: c.id().to_owned(),
                events: (0..c.len())
                    .map(|k| EventRepr {
                        timestamp: c.timestamps()[k],
                        touchpoint: c.touchpoints()[k],
                        stage: c.stages()[k],
                        outcome: c.outcomes()[k],
                        value: c.values()[k],
                    })
                    .collect(),
            })
            .collect();
        EventLogRepr {
            stages: log.stages,
            touchpoints: log.touchpoints,
            cases,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<EventLogRepr> for EventLog {
    type Error = LoadError;
    fn try_from(r: EventLogRepr) -> Result<Self, LoadError> {
        let mut b = EventLogBuilder::new(r.stages);
        for (i, name) in r.touchpoints.iter().enumerate() {
            let entry = |problem| LoadError::Entry {
                what: "touchpoint",
                index: i + 1,
                problem,
            };
            if name.trim().is_empty() {
                return Err(entry(RowProblem::Empty {
                    column: "touchpoints".into(),
                }));
            }
            if name.trim() != name {
                return Err(entry(RowProblem::Untrimmed {
                    name: excerpt(name),
                }));
            }
            let id = super::paths::channel_id(
                &mut b.touchpoints,
                name.as_bytes(),
                "touchpoints",
                "touchpoints",
            )
            .map_err(entry)?;
            if id as usize != i {
                return Err(entry(RowProblem::DuplicateName {
                    name: excerpt(name),
                }));
            }
        }
        let (n_touchpoints, n_stages) = (r.touchpoints.len(), b.stages.len());
        let mut index = 0;
        for case in &r.cases {
            for e in &case.events {
                index += 1;
                let entry = |problem| LoadError::Entry {
                    what: "event",
                    index,
                    problem,
                };
                for (what, id, count) in [
                    ("touchpoint", e.touchpoint, n_touchpoints),
                    ("stage", e.stage, n_stages),
                ] {
                    if id as usize >= count {
                        return Err(entry(RowProblem::UnknownId { what, id, count }));
                    }
                }
                let stage = b
                    .stages
                    .stages()
                    .get(e.stage as usize)
                    .map(|s| s.name().to_owned());
                let stage = stage.unwrap_or_default();
                let touchpoint = r.touchpoints[e.touchpoint as usize].clone();
                b.push(
                    &case.id,
                    e.timestamp,
                    &touchpoint,
                    &stage,
                    e.outcome,
                    e.value,
                )
                .map_err(entry)?;
            }
        }
        Ok(b.build())
    }
}
