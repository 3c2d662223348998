//! Variants: the distinct activity sequences of the cases (pm4py's `get_variants`).

use super::dfg::{activities, activity_names};
use crate::data::intern::FastMap;
use crate::{ActivityKey, EventLog};

/// One variant: an activity sequence and the number of cases that follow it.
///
/// ```
/// use cocreate_journey::{variants, ActivityKey, EventLogBuilder, Outcome, StageOrder, Timestamp};
///
/// let mut b = EventLogBuilder::new(StageOrder::standard());
/// for id in ["A", "B"] {
///     b.push(id, Timestamp::from_unix_seconds(0), "ad", "awareness", Outcome::Leave, 0.0)?;
/// }
/// let v = variants(&b.build(), ActivityKey::Touchpoint);
/// assert_eq!(v[0].activities, ["ad"]);
/// assert_eq!(v[0].count, 2);
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Variant {
    /// The activity names in order.
    pub activities: Vec<String>,
    /// Cases with exactly this sequence.
    pub count: u64,
}

/// The variants of a log, by decreasing count, then by activity sequence
/// (lexicographically by name).
///
/// ```
/// use cocreate_journey::{variants, ActivityKey, EventLogBuilder, StageOrder};
///
/// assert!(variants(&EventLogBuilder::new(StageOrder::standard()).build(), ActivityKey::Stage).is_empty());
/// ```
pub fn variants(log: &EventLog, key: ActivityKey) -> Vec<Variant> {
    let names = activity_names(log, key);
    let mut counts: FastMap<&[u32], u64> = FastMap::default();
    for case in log.cases() {
        *counts.entry(activities(&case, key)).or_insert(0) += 1;
    }
    let mut out: Vec<Variant> = counts
        .into_iter()
        .map(|(seq, count)| Variant {
            activities: seq.iter().map(|&a| names[a as usize].clone()).collect(),
            count,
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.activities.cmp(&b.activities))
    });
    out
}
