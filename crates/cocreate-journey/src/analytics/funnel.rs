//! Where customers go and where they leave: funnel by stage and drop-off.

use std::collections::BTreeMap;

use crate::{EventLog, Outcome};

/// One stage of the funnel.
///
/// ```
/// use cocreate_journey::{funnel, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let t = Timestamp::from_unix_seconds;
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", t(0), "ad", "awareness", Outcome::Continue, 0.0)?;
/// b.push("A", t(1), "store", "purchase", Outcome::Convert, 10.0)?;
/// b.push("B", t(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// let f = funnel(&b.build());
/// assert_eq!(f[0].customers_reached, 2);
/// assert_eq!(f[0].drop_offs_at_stage, 1);
/// assert_eq!(f[1].customers_reached, 0); // evaluation skipped
/// assert_eq!(f[3].share_of_all, Some(0.5));
/// assert_eq!(f[3].step_conversion_from_previous, None); // nobody reached inquiry
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FunnelStep {
    /// The stage name.
    pub stage: String,
    /// Customers with at least one event at this stage.
    pub customers_reached: u64,
    /// customers_reached / all customers (`None` for an empty log).
    pub share_of_all: Option<f64>,
    /// customers_reached / customers_reached at the previous stage of the order (`None`
    /// for the first stage or when nobody reached the previous one).
    pub step_conversion_from_previous: Option<f64>,
    /// Events at this stage with outcome drop-off ([`Outcome::Leave`]).
    pub drop_offs_at_stage: u64,
}

/// The funnel over the log's stage order.
///
/// ```
/// use cocreate_journey::{funnel, EventLogBuilder, StageOrder};
///
/// let f = funnel(&EventLogBuilder::new(StageOrder::standard()).build());
/// assert_eq!(f.len(), 5);
/// assert_eq!(f[0].share_of_all, None);
/// ```
pub fn funnel(log: &EventLog) -> Vec<FunnelStep> {
    let stages = log.stage_order().stages();
    let mut reached = vec![0u64; stages.len()];
    let mut drops = vec![0u64; stages.len()];
    let mut seen = vec![u32::MAX; stages.len()];
    for (ci, case) in log.cases().enumerate() {
        for (&s, &o) in case.stages().iter().zip(case.outcomes()) {
            let s = s as usize;
            if seen[s] != ci as u32 {
                seen[s] = ci as u32;
                reached[s] += 1;
            }
            drops[s] += u64::from(o == Outcome::Leave);
        }
    }
    let n = log.n_cases() as f64;
    stages
        .iter()
        .enumerate()
        .map(|(i, stage)| FunnelStep {
            stage: stage.name().to_owned(),
            customers_reached: reached[i],
            share_of_all: (n > 0.0).then(|| reached[i] as f64 / n),
            step_conversion_from_previous: (i > 0 && reached[i - 1] > 0)
                .then(|| reached[i] as f64 / reached[i - 1] as f64),
            drop_offs_at_stage: drops[i],
        })
        .collect()
}

/// Drop-offs at one stage and touchpoint.
///
/// ```
/// use cocreate_journey::{drop_off, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", Timestamp::from_unix_seconds(0), "website", "evaluation", Outcome::Leave, 0.0)?;
/// let d = drop_off(&b.build());
/// assert_eq!(d.by_stage_touchpoint[0].stage, "evaluation");
/// assert_eq!(d.by_stage_touchpoint[0].count, 1);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct StageTouchpointCount {
    /// The stage.
    pub stage: String,
    /// The touchpoint.
    pub touchpoint: String,
    /// Drop-offs there.
    pub count: u64,
}

/// Drop-offs by touchpoint and by stage and touchpoint.
///
/// ```
/// use cocreate_journey::{drop_off, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let t = Timestamp::from_unix_seconds;
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// b.push("A", t(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// b.push("B", t(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// b.push("C", t(0), "store", "purchase", Outcome::Convert, 5.0)?;
/// let d = drop_off(&b.build());
/// assert_eq!(d.by_touchpoint.get("ad"), Some(&2));
/// assert_eq!(d.by_touchpoint.get("store"), None);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DropOff {
    /// Drop-offs per touchpoint (touchpoints with none are absent), sorted by name.
    pub by_touchpoint: BTreeMap<String, u64>,
    /// Drop-offs per stage and touchpoint, in stage order, then by touchpoint name.
    pub by_stage_touchpoint: Vec<StageTouchpointCount>,
}

/// Counts drop-off events ([`Outcome::Leave`]) by touchpoint and by stage and touchpoint.
///
/// ```
/// use cocreate_journey::{drop_off, EventLogBuilder, StageOrder};
///
/// assert!(drop_off(&EventLogBuilder::new(StageOrder::standard()).build()).by_touchpoint.is_empty());
/// ```
pub fn drop_off(log: &EventLog) -> DropOff {
    let n_tp = log.touchpoints().len();
    let n_stages = log.stage_order().len();
    let mut counts = vec![0u64; n_tp * n_stages];
    for case in log.cases() {
        for ((&s, &t), &o) in case
            .stages()
            .iter()
            .zip(case.touchpoints())
            .zip(case.outcomes())
        {
            if o == Outcome::Leave {
                counts[s as usize * n_tp + t as usize] += 1;
            }
        }
    }
    let mut by_touchpoint = BTreeMap::new();
    let mut by_stage_touchpoint = Vec::new();
    for (s, stage) in log.stage_order().stages().iter().enumerate() {
        let mut rows: Vec<StageTouchpointCount> = (0..n_tp)
            .filter(|&t| counts[s * n_tp + t] > 0)
            .map(|t| StageTouchpointCount {
                stage: stage.name().to_owned(),
                touchpoint: log.touchpoints()[t].clone(),
                count: counts[s * n_tp + t],
            })
            .collect();
        rows.sort_by(|a, b| a.touchpoint.cmp(&b.touchpoint));
        for r in &rows {
            *by_touchpoint.entry(r.touchpoint.clone()).or_insert(0) += r.count;
        }
        by_stage_touchpoint.extend(rows);
    }
    DropOff {
        by_touchpoint,
        by_stage_touchpoint,
    }
}
