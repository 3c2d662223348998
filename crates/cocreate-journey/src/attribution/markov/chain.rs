//! Building the order-k transition counts from aggregated paths.
//!
//! States are windows of `order` consecutive touchpoints (a path shorter than the order
//! is one state); consecutive identical states collapse into one unless self-loops are
//! kept. A row with `c` conversions and `u` nulls adds `c + u` to `(start) → s₁` and to
//! each `s_j → s_{j+1}`, `c` to `last → (conversion)` and `u` to `last → (null)`.

use crate::attribution::Unattributed;
use crate::data::intern::FastMap;
use crate::PathData;

/// The largest supported Markov order (windows are packed into a `u128` key).
pub(crate) const MAX_ORDER: usize = 4;

/// Target id of `(conversion)` while counting (renumbered to `n_states` at the end).
const CONV: u32 = u32::MAX - 1;
/// Target id of `(null)` while counting (renumbered to `n_states + 1` at the end).
const NULL: u32 = u32::MAX;

/// The transition counts of an order-k chain over the included rows.
#[derive(Debug, Clone)]
pub(crate) struct Counts {
    /// Channel names of the included rows, in order of first appearance.
    pub channels: Vec<String>,
    /// Channel ids (into `channels`) of each state's window; state 0 is `(start)` with
    /// an empty window.
    pub windows: Vec<Vec<u32>>,
    /// `(from, to, count)` sorted by `(from, to)`; `to == n_states` is `(conversion)`,
    /// `to == n_states + 1` is `(null)`.
    pub edges: Vec<(u32, u32, f64)>,
    /// Conversions of the rows whose last state is each state.
    pub conversions_ending: Vec<f64>,
    /// Conversion value of the rows whose last state is each state.
    pub value_ending: Vec<f64>,
    /// The longest state sequence of an included row with positive weight.
    pub longest: usize,
    /// Total conversions, value and nulls of the included rows with a touchpoint.
    pub conversions: f64,
    /// See `conversions`.
    pub value: f64,
    /// See `conversions`.
    pub nulls: f64,
    /// Rows left out because their path is empty.
    pub unattributed: Unattributed,
}

impl Counts {
    pub(crate) fn n_states(&self) -> usize {
        self.windows.len()
    }
}

/// Accumulates edge counts densely (small state spaces) or in a hash map.
enum EdgeCounter {
    Dense { stride: usize, counts: Vec<f64> },
    Sparse(FastMap<u64, f64>),
}

impl EdgeCounter {
    fn new(max_states: Option<usize>) -> Self {
        match max_states {
            Some(n) if (n + 2).saturating_mul(n) <= 1 << 22 => EdgeCounter::Dense {
                stride: n + 2,
                counts: vec![0.0; n * (n + 2)],
            },
            _ => EdgeCounter::Sparse(FastMap::default()),
        }
    }

    #[inline]
    fn add(&mut self, from: u32, to: u32, w: f64) {
        match self {
            EdgeCounter::Dense { stride, counts } => {
                let col = match to {
                    CONV => *stride - 2,
                    NULL => *stride - 1,
                    t => t as usize,
                };
                counts[from as usize * *stride + col] += w;
            }
            EdgeCounter::Sparse(map) => {
                *map.entry((u64::from(from) << 32) | u64::from(to))
                    .or_insert(0.0) += w;
            }
        }
    }

    /// The non-zero edges sorted by `(from, to)` with absorbing targets renumbered.
    fn finish(self, n_states: usize) -> Vec<(u32, u32, f64)> {
        let renumber = |to: u32| match to {
            CONV => n_states as u32,
            NULL => n_states as u32 + 1,
            t => t,
        };
        let mut edges: Vec<(u32, u32, f64)> = match self {
            EdgeCounter::Dense { stride, counts } => {
                let mut edges = Vec::new();
                for (i, &c) in counts.iter().enumerate() {
                    if c > 0.0 {
                        let (from, col) = (i / stride, i % stride);
                        let to = if col == stride - 2 {
                            CONV
                        } else if col == stride - 1 {
                            NULL
                        } else {
                            col as u32
                        };
                        edges.push((from as u32, renumber(to), c));
                    }
                }
                edges
            }
            EdgeCounter::Sparse(map) => map
                .into_iter()
                .filter(|(_, c)| *c > 0.0)
                .map(|(k, c)| ((k >> 32) as u32, renumber(k as u32), c))
                .collect(),
        };
        edges.sort_unstable_by_key(|&(f, t, _)| (f, t));
        edges
    }
}

/// Interns state windows to ids in order of first appearance (state 0 is the start).
enum StateIds {
    /// Order 1: a lookup table by channel id.
    Single(Vec<u32>),
    /// Higher orders over few channels: a table indexed by the window read as a number
    /// in base (channels + 1), digits channel + 1, short windows padded with 0.
    Dense {
        base: usize,
        digits: usize,
        table: Vec<u32>,
    },
    /// Higher orders over many channels: windows packed into a key.
    Windows(FastMap<u128, u32>),
}

/// Largest table of state ids (and, squared, of edge counts) kept dense.
const DENSE_STATES: usize = 1 << 14;

impl StateIds {
    #[inline]
    fn id(&mut self, window: &[u32], windows: &mut Vec<Vec<u32>>) -> u32 {
        match self {
            StateIds::Single(table) => {
                let c = window[0] as usize;
                if table.len() <= c {
                    table.resize(c + 1, u32::MAX);
                }
                if table[c] == u32::MAX {
                    table[c] = windows.len() as u32;
                    windows.push(window.to_vec());
                }
                table[c]
            }
            StateIds::Dense {
                base,
                digits,
                table,
            } => {
                let mut key = 0usize;
                for k in 0..*digits {
                    let digit = window.get(k).map_or(0, |&c| c as usize + 1);
                    key = key * *base + digit;
                }
                if table[key] == u32::MAX {
                    table[key] = windows.len() as u32;
                    windows.push(window.to_vec());
                }
                table[key]
            }
            StateIds::Windows(map) => {
                let key = window
                    .iter()
                    .chain(std::iter::repeat(&u32::MAX))
                    .take(MAX_ORDER)
                    .fold(0u128, |k, &c| (k << 32) | u128::from(c));
                *map.entry(key).or_insert_with(|| {
                    windows.push(window.to_vec());
                    (windows.len() - 1) as u32
                })
            }
        }
    }
}

/// Counts the order-1 transitions of `channels` into the dense table `counts`, going
/// on from the state and length in `at`, until a channel without a state: returns its
/// index, or `None` at the end.
#[inline(always)]
fn count_dense_run(
    channels: &[u32],
    state_of: &[u32],
    counts: &mut [f64],
    stride: usize,
    collapse: bool,
    weight: f64,
    at: (&mut u32, &mut usize),
) -> Option<usize> {
    let (mut prev, mut len) = (*at.0, *at.1);
    let mut stop = None;
    for (k, &c) in channels.iter().enumerate() {
        let s = state_of[c as usize];
        if s == u32::MAX {
            stop = Some(k);
            break;
        }
        let same = collapse && s == prev;
        // `weight` or +0 by its bits, which the compiler does not turn into a branch.
        let keep = u64::from(!same).wrapping_neg();
        counts[prev as usize * stride + s as usize] += f64::from_bits(weight.to_bits() & keep);
        len += usize::from(!same);
        prev = s;
    }
    (*at.0, *at.1) = (prev, len);
    stop
}

/// One row of the paths, as the counting reads it.
struct Row<'a> {
    channels: &'a [u32],
    conversions: f64,
    value: f64,
    nulls: f64,
}

/// The dense id of channel `c` among the included rows, assigned at first appearance.
#[inline]
fn remap_channel(remap: &mut [u32], channels: &mut Vec<String>, paths: &PathData, c: u32) -> u32 {
    let slot = &mut remap[c as usize];
    if *slot == u32::MAX {
        *slot = channels.len() as u32;
        channels.push(paths.channels()[c as usize].clone());
    }
    *slot
}

/// Counts the transitions of the order-`order` chain (1 ≤ order ≤ [`MAX_ORDER`]).
///
/// With `include_nulls` false the rows without conversions are left out and nulls are
/// ignored (ChannelAttribution without `var_null`). With `collapse` false, consecutive
/// identical states are kept as self-loops (`flg_equal = TRUE`).
pub(crate) fn count_transitions(
    paths: &PathData,
    order: usize,
    include_nulls: bool,
    collapse: bool,
) -> Counts {
    count_with_limit(paths, order, include_nulls, collapse, DENSE_STATES)
}

/// [`count_transitions`] with dense tables only up to `dense_states` window ids.
fn count_with_limit(
    paths: &PathData,
    order: usize,
    include_nulls: bool,
    collapse: bool,
    dense_states: usize,
) -> Counts {
    let n_channels = paths.channels().len();
    let mut remap = vec![u32::MAX; n_channels];
    let mut channels: Vec<String> = Vec::new();
    let mut windows: Vec<Vec<u32>> = vec![Vec::new()];
    let base = n_channels + 1;
    let dense_len = u32::try_from(order)
        .ok()
        .and_then(|k| base.checked_pow(k))
        .filter(|&len| len <= dense_states);
    let mut ids = match dense_len {
        _ if order == 1 => StateIds::Single(Vec::with_capacity(n_channels)),
        Some(len) => StateIds::Dense {
            base,
            digits: order,
            table: vec![u32::MAX; len],
        },
        None => StateIds::Windows(FastMap::default()),
    };
    // Every state is (start) or a distinct window, so a dense table bounds their number.
    let max_states = if order == 1 {
        Some(n_channels + 1)
    } else {
        dense_len.map(|n| n + 1)
    };
    let mut counter = EdgeCounter::new(max_states);
    let mut conversions_ending = vec![0.0];
    let mut value_ending = vec![0.0];
    let mut unattributed = Unattributed::default();
    let (mut longest, mut total_c, mut total_v, mut total_u) = (0usize, 0.0, 0.0, 0.0);
    let mut touches: Vec<u32> = Vec::new();
    let mut sequence: Vec<u32> = Vec::new();
    // Order 1: the state of each channel id of `paths` (u32::MAX until seen with flow).
    let mut state_of = vec![u32::MAX; if order == 1 { n_channels } else { 0 }];
    for (channels_of_row, conversions, value, nulls) in paths.flows() {
        let row = Row {
            channels: channels_of_row,
            conversions,
            value,
            nulls,
        };
        let nulls = if include_nulls { row.nulls } else { 0.0 };
        if !include_nulls && row.conversions <= 0.0 {
            continue;
        }
        if row.channels.is_empty() {
            unattributed.add(row.conversions, row.value, nulls);
            continue;
        }
        let weight = row.conversions + nulls;
        if weight <= 0.0 {
            // No flow, but the channels still count for the channel order.
            for &c in row.channels {
                remap_channel(&mut remap, &mut channels, paths, c);
            }
            continue;
        }
        total_c += row.conversions;
        total_v += row.value;
        total_u += nulls;
        let prev = if let (StateIds::Single(table), EdgeCounter::Dense { stride, counts }) =
            (&mut ids, &mut counter)
        {
            // Order 1 with a dense table, fused and without branches in the common case:
            // look up the state, count the transition (a repeated state adds nothing to
            // the unused diagonal when collapsing). A channel not seen yet stops the run
            // for its state to be made.
            let stride = *stride;
            let (mut prev, mut len, mut at) = (0u32, 0usize, 0usize);
            while let Some(k) = count_dense_run(
                &row.channels[at..],
                &state_of,
                counts,
                stride,
                collapse,
                weight,
                (&mut prev, &mut len),
            ) {
                let c = row.channels[at + k];
                let ch = remap_channel(&mut remap, &mut channels, paths, c) as usize;
                if table.len() <= ch {
                    table.resize(ch + 1, u32::MAX);
                }
                let s = windows.len() as u32;
                table[ch] = s;
                state_of[c as usize] = s;
                windows.push(vec![ch as u32]);
                conversions_ending.push(0.0);
                value_ending.push(0.0);
                at += k;
            }
            longest = longest.max(len);
            // The absorbing transitions, added even when zero (adding +0 to a count
            // changes nothing, and a row without conversions has no value), which spares
            // two branches that go either way.
            let from = prev as usize;
            counts[from * stride + stride - 2] += row.conversions;
            counts[from * stride + stride - 1] += nulls;
            conversions_ending[from] += row.conversions;
            value_ending[from] += row.value;
            continue;
        } else if let StateIds::Single(table) = &mut ids {
            // Order 1, fused: remap, look up and count in one pass over the touches.
            let mut prev = 0u32;
            let mut len = 0usize;
            for &c in row.channels {
                let ch = remap_channel(&mut remap, &mut channels, paths, c) as usize;
                if table.len() <= ch {
                    table.resize(ch + 1, u32::MAX);
                }
                let mut s = table[ch];
                if s == u32::MAX {
                    s = windows.len() as u32;
                    table[ch] = s;
                    windows.push(vec![ch as u32]);
                    conversions_ending.push(0.0);
                    value_ending.push(0.0);
                }
                if collapse && s == prev {
                    continue;
                }
                counter.add(prev, s, weight);
                prev = s;
                len += 1;
            }
            longest = longest.max(len);
            prev
        } else {
            touches.clear();
            for &c in row.channels {
                touches.push(remap_channel(&mut remap, &mut channels, paths, c));
            }
            sequence.clear();
            let span = order.min(touches.len());
            for window in touches.windows(span) {
                let s = ids.id(window, &mut windows);
                if !(collapse && sequence.last() == Some(&s)) {
                    sequence.push(s);
                }
            }
            if conversions_ending.len() < windows.len() {
                conversions_ending.resize(windows.len(), 0.0);
                value_ending.resize(windows.len(), 0.0);
            }
            longest = longest.max(sequence.len());
            let mut prev = 0u32;
            for &s in &sequence {
                counter.add(prev, s, weight);
                prev = s;
            }
            prev
        };
        if row.conversions > 0.0 {
            counter.add(prev, CONV, row.conversions);
            conversions_ending[prev as usize] += row.conversions;
            value_ending[prev as usize] += row.value;
        }
        if nulls > 0.0 {
            counter.add(prev, NULL, nulls);
        }
    }
    let n_states = windows.len();
    conversions_ending.resize(n_states, 0.0);
    value_ending.resize(n_states, 0.0);
    Counts {
        channels,
        windows,
        edges: counter.finish(n_states),
        conversions_ending,
        value_ending,
        longest,
        conversions: total_c,
        value: total_v,
        nulls: total_u,
        unattributed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_hashed_state_tables_count_alike() {
        let mut d = PathData::new();
        let mut x = 0x1234_5678_9abc_def1u64;
        for _ in 0..300 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 1 + (x % 9) as usize;
            let path: Vec<String> = (0..len)
                .map(|k| format!("c{}", (x >> (4 * k)) % 7))
                .collect();
            d.push(
                &path,
                (x % 3) as f64,
                (x % 3) as f64 * 5.0,
                (x >> 40) as f64 % 4.0,
            )
            .unwrap();
        }
        for order in 1..=MAX_ORDER {
            for collapse in [true, false] {
                let dense = count_with_limit(&d, order, true, collapse, DENSE_STATES);
                let hashed = count_with_limit(&d, order, true, collapse, 0);
                assert_eq!(dense.windows, hashed.windows, "order {order}");
                assert_eq!(dense.edges, hashed.edges, "order {order}");
                assert_eq!(dense.longest, hashed.longest);
            }
        }
    }
}
