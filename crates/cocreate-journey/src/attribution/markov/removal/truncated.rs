//! Removal effects at the truncated horizon.
//!
//! Only conversions within H channel-state visits count: z⁽¹⁾ = r, z⁽ᵐ⁾ = r + Q z⁽ᵐ⁻¹⁾
//! with the removed states held at zero, and P_H = r₀ + Σ_t Q₀ₜ z⁽ᴴ⁾_t.
//!
//! A channel held by one state s (every channel at order 1) needs no iteration of its
//! own. The conversions lost are those of the walks that reach s: with f⁽ᵗ⁾ the
//! probability that the walk from the start first enters s at step t,
//!
//! ```text
//! P_H − P_H^(−s) = Σ_{t=1..H} f⁽ᵗ⁾ z⁽ᴴ⁻ᵗ⁺¹⁾_s
//! ```
//!
//! (the walk enters s at step t and converts within the H − t + 1 visits left, counted
//! from s in the full chain). The first-entrance probabilities follow from the visit
//! probabilities p⁽ᵗ⁾ = (e₀ᵀ Qᵗ)_s and the return probabilities ρ⁽ᵏ⁾ = (Qᵏ)_ss by the
//! renewal equation p⁽ᵗ⁾ = Σ_{u=1..t} f⁽ᵘ⁾ ρ⁽ᵗ⁻ᵘ⁾ (ρ⁽⁰⁾ = 1). p and z come from one
//! iteration of the full chain; ρ is zero unless s lies on a cycle, and a walk returning
//! to s never leaves its strongly connected part, so ρ is iterated on that part only,
//! [`LANES`] states at a time, each step touching only the states that can still reach
//! one of the lane states and be reached from one of them within the steps left.
//!
//! A channel held by several states (orders above 1) is iterated as the definition
//! says, eight channels at a time, each step touching only the states from which some
//! path is still longer than the steps taken.

use std::cmp::Reverse;

use crate::attribution::markov::solve::{Condensation, Sparse};

/// Return probabilities computed together (one vector of this many per state).
const LANES: usize = 16;
/// Channels held by several states iterated together.
const SET_LANES: usize = 8;
/// Horizons up to this take the renewal equation whatever the size of the chain.
const SHORTCUT_HORIZON: usize = 64;
/// The values kept per channel state and step (visit probabilities and the full chain's
/// z for conversions and value, 24 MiB) stay within this many entries: larger problems
/// are taken in groups of states, each with an iteration of the full chain of its own,
/// and a horizon above this over [`LANES`] is iterated.
const HISTORY_ENTRIES: usize = 1 << 20;

/// The longest number of channel-state visits from each state to absorption
/// (`u32::MAX` when a cycle can be reached).
pub(crate) fn longest_visits(chain: &Sparse, cond: &Condensation) -> Vec<u32> {
    let mut longest = vec![0u32; chain.n];
    for members in &cond.components {
        let cyclic = members.len() > 1
            || chain
                .row(members[0] as usize)
                .any(|(t, _)| t == members[0] as usize);
        for &s in members {
            let s = s as usize;
            longest[s] = if cyclic {
                u32::MAX
            } else {
                let next = chain.successors(s).map(|t| longest[t]).max().unwrap_or(0);
                next.saturating_add(1)
            };
        }
    }
    longest
}

/// Conversion probability and expected value from the start within `horizon`
/// channel-state visits, for the full chain and with each of `removed` taken out.
pub(crate) fn truncated(
    chain: &Sparse,
    cond: &Condensation,
    longest: &[u32],
    horizon: usize,
    removed: &[Vec<u32>],
) -> ((f64, f64), Vec<(f64, f64)>) {
    // The renewal equation costs H²/2 per state, the iteration about H times the
    // transitions per four channels: beyond, every channel is iterated. The history of
    // a batch of lanes must also fit in the budget.
    let transitions: usize = (0..chain.n).map(|s| chain.row(s).count()).sum();
    let shortcut = horizon <= SHORTCUT_HORIZON.max((transitions + chain.n) / 2)
        && horizon <= HISTORY_ENTRIES / LANES;
    truncated_with(chain, cond, longest, horizon, removed, shortcut)
}

/// [`truncated`], with the channels held by one state taken by the renewal equation
/// (`shortcut`) or iterated like the others.
pub(crate) fn truncated_with(
    chain: &Sparse,
    cond: &Condensation,
    longest: &[u32],
    horizon: usize,
    removed: &[Vec<u32>],
    shortcut: bool,
) -> ((f64, f64), Vec<(f64, f64)>) {
    let mut results = vec![(0.0, 0.0); removed.len()];
    if chain.n == 0 {
        return ((0.0, 0.0), results);
    }
    let order = by_longest(chain, longest);
    // (state, channel) of the channels held by one state other than the start.
    let mut single: Vec<(u32, usize)> = Vec::new();
    let mut sets: Vec<usize> = Vec::new();
    for (c, k) in removed.iter().enumerate() {
        match k[..] {
            [] => {}
            [s] if shortcut && s != 0 => single.push((s, c)),
            _ => sets.push(c),
        }
    }
    // Lanes of one part together, the parts' states in their order.
    single.sort_unstable_by_key(|&(s, _)| (cond.component_of[s as usize], s));
    let full = full_chain(chain, longest, &order, horizon, &[]).0;
    for r in results.iter_mut() {
        *r = full;
    }
    let group = (HISTORY_ENTRIES / horizon).max(LANES);
    for chunk in single.chunks(group) {
        let states: Vec<u32> = chunk.iter().map(|&(s, _)| s).collect();
        let (_, history) = full_chain(chain, longest, &order, horizon, &states);
        let returns = returns(chain, cond, horizon, &states);
        for (i, &(_, c)) in chunk.iter().enumerate() {
            let h = &history[i * horizon..(i + 1) * horizon];
            let rho = &returns[i * horizon..(i + 1) * horizon];
            let (dc, dv) = first_entrance_loss(h, rho);
            results[c] = (full.0 - dc, full.1 - dv);
        }
    }
    let lists: Vec<&[u32]> = sets.iter().map(|&c| &removed[c][..]).collect();
    for (&c, r) in sets
        .iter()
        .zip(iterate(chain, longest, &order, horizon, &lists))
    {
        results[c] = r;
    }
    (full, results)
}

/// The states by decreasing longest path: the states whose value still changes at step
/// m are a prefix.
fn by_longest(chain: &Sparse, longest: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..chain.n as u32).collect();
    order.sort_by_key(|&s| Reverse(longest[s as usize]));
    order
}

/// What one channel state keeps of the full chain at each step t = 1..H: the
/// probability of being there at step t from the start, and z⁽ᵗ⁾ (conversions, value).
#[derive(Debug, Clone, Copy, Default)]
struct Step {
    visit: f64,
    conv: f64,
    value: f64,
}

/// The full chain iterated `horizon` steps: P_H (conversions, value) and, for each of
/// `states`, its [`Step`]s (state-major, `horizon` per state).
fn full_chain(
    chain: &Sparse,
    longest: &[u32],
    order: &[u32],
    horizon: usize,
    states: &[u32],
) -> ((f64, f64), Vec<Step>) {
    let n = chain.n;
    let mut history = vec![Step::default(); states.len() * horizon];
    let mut z = vec![[0.0f64; 2]; n];
    let mut next = vec![[0.0f64; 2]; n];
    // Visits: from the start's row on, pushed forward.
    let mut visit = vec![0.0f64; n];
    let mut visit_next = vec![0.0f64; n];
    let track = !states.is_empty();
    if track {
        for (t, p) in chain.row(0) {
            visit[t] += p;
        }
    }
    let mut active = n;
    for m in 1..=horizon {
        while active > 0 && (longest[order[active - 1] as usize] as usize) < m {
            active -= 1;
        }
        for &s in &order[..active] {
            let s = s as usize;
            let mut acc = [chain.p_conv[s], chain.p_value[s]];
            for (t, p) in chain.row(s) {
                acc[0] += p * z[t][0];
                acc[1] += p * z[t][1];
            }
            next[s] = acc;
        }
        for &s in order[..active].iter().rev() {
            let s = s as usize;
            if longest[s] as usize != m {
                break;
            }
            z[s] = next[s];
        }
        std::mem::swap(&mut z, &mut next);
        if track {
            for (i, &s) in states.iter().enumerate() {
                let s = s as usize;
                history[i * horizon + m - 1] = Step {
                    visit: visit[s],
                    conv: z[s][0],
                    value: z[s][1],
                };
            }
            if m < horizon {
                visit_next.fill(0.0);
                for (s, &x) in visit.iter().enumerate() {
                    if x != 0.0 {
                        for (t, p) in chain.row(s) {
                            visit_next[t] += x * p;
                        }
                    }
                }
                std::mem::swap(&mut visit, &mut visit_next);
            }
        }
    }
    let mut acc = [chain.p_conv[0], chain.p_value[0]];
    for (t, p) in chain.row(0) {
        acc[0] += p * z[t][0];
        acc[1] += p * z[t][1];
    }
    ((acc[0], acc[1]), history)
}

/// The conversions and value lost by removing a state whose full-chain [`Step`]s are
/// `history` and whose return probabilities are `rho` (ρ⁽⁰⁾..ρ⁽ᴴ⁻¹⁾): the first-entrance
/// probabilities by the renewal equation, weighted by the z of the steps left.
fn first_entrance_loss(history: &[Step], rho: &[f64]) -> (f64, f64) {
    let h = history.len();
    let mut first = vec![0.0f64; h];
    let (mut dc, mut dv) = (0.0, 0.0);
    for t in 0..h {
        // f⁽ᵗ⁺¹⁾ = p⁽ᵗ⁺¹⁾ − Σ_{u<t} f⁽ᵘ⁺¹⁾ ρ⁽ᵗ⁻ᵘ⁾
        let returned: f64 = (0..t).map(|u| first[u] * rho[t - u]).sum();
        let f = history[t].visit - returned;
        first[t] = f;
        let left = &history[h - 1 - t];
        dc += f * left.conv;
        dv += f * left.value;
    }
    (dc, dv)
}

/// ρ⁽ᵏ⁾ = (Qᵏ)_ss for k = 0..H−1 and each of `states` (state-major), iterated on each
/// state's strongly connected part, [`LANES`] states at a time (one task per batch with
/// the `parallel` feature; each lane takes the same operations whatever the batches
/// run with); `states` come grouped by part.
fn returns(chain: &Sparse, cond: &Condensation, horizon: usize, states: &[u32]) -> Vec<f64> {
    let mut out = vec![0.0f64; states.len() * horizon];
    let mut start = 0;
    let mut part = Part::default();
    while start < states.len() {
        let ci = cond.component_of[states[start] as usize];
        let end = start
            + states[start..]
                .iter()
                .take_while(|&&s| cond.component_of[s as usize] == ci)
                .count();
        let members = &cond.components[ci as usize];
        let out = &mut out[start * horizon..end * horizon];
        if members.len() == 1 {
            // One state: its self-loop q gives ρ⁽ᵏ⁾ = qᵏ.
            let s = members[0] as usize;
            let q: f64 = chain.row(s).filter(|&(t, _)| t == s).map(|(_, p)| p).sum();
            for rho in out.chunks_mut(horizon) {
                let mut x = 1.0;
                for slot in rho {
                    *slot = x;
                    x *= q;
                }
            }
        } else {
            part.load(chain, cond, ci);
            let part = &part;
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                out.par_chunks_mut(LANES * horizon)
                    .zip(states[start..end].par_chunks(LANES))
                    .for_each_init(
                        || Lanes::new(part.len()),
                        |lanes, (out, batch)| lanes.returns(part, batch, horizon, out),
                    );
            }
            #[cfg(not(feature = "parallel"))]
            {
                let mut lanes = Lanes::new(part.len());
                let batches = out.chunks_mut(LANES * horizon);
                for (out, batch) in batches.zip(states[start..end].chunks(LANES)) {
                    lanes.returns(part, batch, horizon, out);
                }
            }
        }
        start = end;
    }
    out
}

/// One strongly connected part's own transitions by local index.
#[derive(Debug, Default)]
struct Part {
    /// Local index of each state of the chain in the loaded part (`u32::MAX` outside).
    local: Vec<u32>,
    members: Vec<u32>,
    start: Vec<usize>,
    to: Vec<u32>,
    prob: Vec<f64>,
    /// Predecessors (transposed rows), for the distances to the lane states.
    pred_start: Vec<usize>,
    pred: Vec<u32>,
}

impl Part {
    fn len(&self) -> usize {
        self.members.len()
    }

    /// The transitions inside part `ci`.
    fn load(&mut self, chain: &Sparse, cond: &Condensation, ci: u32) {
        if self.local.len() != chain.n {
            self.local = vec![u32::MAX; chain.n];
        }
        for &s in &self.members {
            self.local[s as usize] = u32::MAX;
        }
        self.members.clear();
        self.members
            .extend_from_slice(&cond.components[ci as usize]);
        for (i, &s) in self.members.iter().enumerate() {
            self.local[s as usize] = i as u32;
        }
        let m = self.members.len();
        self.start.clear();
        self.start.push(0);
        self.to.clear();
        self.prob.clear();
        let mut pred_start = vec![0usize; m + 1];
        for &s in &self.members {
            for (t, p) in chain.row(s as usize) {
                let j = self.local[t];
                if j != u32::MAX {
                    self.to.push(j);
                    self.prob.push(p);
                    pred_start[j as usize + 1] += 1;
                }
            }
            self.start.push(self.to.len());
        }
        for i in 0..m {
            pred_start[i + 1] += pred_start[i];
        }
        self.pred.clear();
        self.pred.resize(self.to.len(), 0);
        let mut fill = pred_start.clone();
        for v in 0..m {
            for &j in &self.to[self.start[v]..self.start[v + 1]] {
                self.pred[fill[j as usize]] = v as u32;
                fill[j as usize] += 1;
            }
        }
        self.pred_start = pred_start;
    }
}

/// The work space of the return iteration on one part.
#[derive(Debug)]
struct Lanes {
    x: Vec<[f64; LANES]>,
    y: Vec<[f64; LANES]>,
    /// Steps from a lane state (forward) and to one (backward), capped.
    ahead: Vec<u32>,
    behind: Vec<u32>,
    queue: Vec<u32>,
    active: Vec<u32>,
}

impl Lanes {
    fn new(m: usize) -> Lanes {
        Lanes {
            x: vec![[0.0; LANES]; m],
            y: vec![[0.0; LANES]; m],
            ahead: vec![u32::MAX; m],
            behind: vec![u32::MAX; m],
            queue: Vec::new(),
            active: Vec::new(),
        }
    }

    /// Breadth-first distances from the lane states along the transitions (`forward`) or
    /// against them, up to `cap` steps (`u32::MAX` beyond).
    fn distances(&mut self, part: &Part, lanes: &[u32], cap: u32, forward: bool) {
        let (dist, start, next) = if forward {
            (&mut self.ahead, &part.start, &part.to)
        } else {
            (&mut self.behind, &part.pred_start, &part.pred)
        };
        dist.fill(u32::MAX);
        self.queue.clear();
        for &v in lanes {
            if dist[v as usize] != 0 {
                dist[v as usize] = 0;
                self.queue.push(v);
            }
        }
        let mut head = 0;
        while head < self.queue.len() {
            let v = self.queue[head] as usize;
            head += 1;
            let d = dist[v];
            if d >= cap {
                continue;
            }
            for &u in &next[start[v]..start[v + 1]] {
                if dist[u as usize] == u32::MAX {
                    dist[u as usize] = d + 1;
                    self.queue.push(u);
                }
            }
        }
    }

    /// ρ⁽ᵏ⁾ of the states `batch` (chain indices, at most [`LANES`], all in `part`)
    /// into `out` (`horizon` per state): x⁽ᵏ⁾ = Q x⁽ᵏ⁻¹⁾ from x⁽⁰⁾ = e_s, one lane per
    /// state. At step k only the states within k steps before a lane state (the others
    /// are zero) and within H − 1 − k steps after one (the others are never read again)
    /// are computed; each computed value takes the same operations as in the plain
    /// iteration.
    fn returns(&mut self, part: &Part, batch: &[u32], horizon: usize, out: &mut [f64]) {
        let lanes: Vec<u32> = batch.iter().map(|&s| part.local[s as usize]).collect();
        let last = horizon as u32 - 1;
        self.distances(part, &lanes, last, true);
        self.distances(part, &lanes, last, false);
        self.x.fill([0.0; LANES]);
        self.y.fill([0.0; LANES]);
        for (l, &v) in lanes.iter().enumerate() {
            self.x[v as usize][l] = 1.0;
            out[l * horizon] = 1.0;
        }
        for k in 1..=last {
            self.active.clear();
            let (ahead, behind) = (&self.ahead, &self.behind);
            self.active.extend(
                (0..part.len() as u32)
                    .filter(|&v| behind[v as usize] <= k && ahead[v as usize] <= last - k),
            );
            for &v in &self.active {
                let v = v as usize;
                let mut acc = [0.0f64; LANES];
                for p in part.start[v]..part.start[v + 1] {
                    let (xs, q) = (&self.x[part.to[p] as usize], part.prob[p]);
                    for l in 0..LANES {
                        acc[l] += q * xs[l];
                    }
                }
                self.y[v] = acc;
            }
            std::mem::swap(&mut self.x, &mut self.y);
            for (l, &v) in lanes.iter().enumerate() {
                out[l * horizon + k as usize] = self.x[v as usize][l];
            }
        }
    }
}

/// P_H with each list of states removed, by iterating the definition: eight lists at a
/// time, at step m only the states from which some path has at least m visits.
fn iterate(
    chain: &Sparse,
    longest: &[u32],
    order: &[u32],
    horizon: usize,
    removed: &[&[u32]],
) -> Vec<(f64, f64)> {
    let n = chain.n;
    let mut results = Vec::with_capacity(removed.len());
    let mut zc = vec![[0.0f64; SET_LANES]; n];
    let mut zv = vec![[0.0f64; SET_LANES]; n];
    let mut nc = vec![[0.0f64; SET_LANES]; n];
    let mut nv = vec![[0.0f64; SET_LANES]; n];
    for batch in removed.chunks(SET_LANES) {
        for z in [&mut zc, &mut zv, &mut nc, &mut nv] {
            z.fill([0.0; SET_LANES]);
        }
        let mut active = n;
        for m in 1..=horizon {
            while active > 0 && (longest[order[active - 1] as usize] as usize) < m {
                active -= 1;
            }
            if active == 0 {
                break;
            }
            for &s in &order[..active] {
                let s = s as usize;
                let mut c = [chain.p_conv[s]; SET_LANES];
                let mut v = [chain.p_value[s]; SET_LANES];
                for (t, p) in chain.row(s) {
                    let (a, b) = (&zc[t], &zv[t]);
                    for l in 0..SET_LANES {
                        c[l] += p * a[l];
                        v[l] += p * b[l];
                    }
                }
                nc[s] = c;
                nv[s] = v;
            }
            for (l, k) in batch.iter().enumerate() {
                for &s in k.iter() {
                    nc[s as usize][l] = 0.0;
                    nv[s as usize][l] = 0.0;
                }
            }
            // States at their last change keep their value in both buffers.
            for &s in order[..active].iter().rev() {
                let s = s as usize;
                if longest[s] as usize != m {
                    break;
                }
                zc[s] = nc[s];
                zv[s] = nv[s];
            }
            std::mem::swap(&mut zc, &mut nc);
            std::mem::swap(&mut zv, &mut nv);
        }
        let mut c = [chain.p_conv[0]; SET_LANES];
        let mut v = [chain.p_value[0]; SET_LANES];
        for (t, p) in chain.row(0) {
            for l in 0..SET_LANES {
                c[l] += p * zc[t][l];
                v[l] += p * zv[t][l];
            }
        }
        for l in 0..batch.len() {
            results.push((c[l], v[l]));
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::attribution::markov::chain::count_transitions;
    use crate::attribution::markov::solve::condense;
    use crate::PathData;

    /// The shortcut against the plain iteration, for every channel removed, with
    /// repeated states collapsed and kept as self-loops.
    fn check(paths: &PathData, order: usize, horizon: usize) {
        for collapse in [true, false] {
            check_with(paths, order, horizon, collapse);
        }
    }

    fn check_with(paths: &PathData, order: usize, horizon: usize, collapse: bool) {
        let counts = count_transitions(paths, order, true, collapse);
        let chain = Sparse::new(&counts);
        let cond = condense(&chain);
        let longest = longest_visits(&chain, &cond);
        let mut removed: Vec<Vec<u32>> = vec![Vec::new(); counts.channels.len()];
        for (s, window) in counts.windows.iter().enumerate() {
            for &c in window {
                if removed[c as usize].last() != Some(&(s as u32)) {
                    removed[c as usize].push(s as u32);
                }
            }
        }
        let (full, fast) = truncated_with(&chain, &cond, &longest, horizon, &removed, true);
        let (full_plain, plain) = truncated_with(&chain, &cond, &longest, horizon, &removed, false);
        assert_eq!(full, full_plain);
        let scale = full.1.max(1.0);
        for (c, (a, b)) in fast.iter().zip(&plain).enumerate() {
            assert!(
                (a.0 - b.0).abs() <= 1e-13 && (a.1 - b.1).abs() <= 1e-13 * scale,
                "order {order} horizon {horizon} collapse {collapse} channel {c}: {a:?} vs {b:?}"
            );
        }
    }

    /// `rows` paths of 1–9 touches over `channels` channels at random.
    fn random_paths(channels: u64, rows: usize, seed: u64) -> PathData {
        let mut next = crate::attribution::markov::test_stream(seed);
        let mut d = PathData::new();
        for _ in 0..rows {
            let len = 1 + next(9) as usize;
            let path: Vec<String> = (0..len).map(|_| format!("c{}", next(channels))).collect();
            let conv = next(3) as f64;
            d.push(
                &path,
                conv,
                conv * 7.5,
                (next(3) + u64::from(conv == 0.0)) as f64,
            )
            .unwrap();
        }
        d
    }

    #[test]
    fn more_channels_than_lanes_in_one_part_with_self_loops() {
        // 40 channels following each other at random, with repeats (self-loops): one
        // strongly connected part taken in three batches of lanes.
        let d = random_paths(40, 400, 0x2545_f491_4f6c_dd1d);
        for horizon in [1, 2, 3, 7, 10, 25] {
            check(&d, 1, horizon);
        }
        check(&d, 2, 6);
    }

    #[cfg(feature = "parallel")]
    #[test]
    fn the_same_returns_with_any_number_of_threads() {
        // 60 channels in one part: four batches of lanes.
        let d = random_paths(60, 600, 0x9e37_79b9_7f4a_7c15);
        let counts = count_transitions(&d, 1, true, true);
        let chain = Sparse::new(&counts);
        let cond = condense(&chain);
        let states: Vec<u32> = (1..chain.n as u32).collect();
        let sizes: Vec<usize> = cond.components.iter().map(Vec::len).collect();
        assert!(
            sizes.iter().any(|&c| c > 3 * LANES),
            "{sizes:?} {}",
            chain.n
        );
        let mut sorted = states.clone();
        sorted.sort_unstable_by_key(|&s| (cond.component_of[s as usize], s));
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let rho = returns(&chain, &cond, 12, &sorted);
                rho.iter().map(|x| x.to_bits()).collect::<Vec<u64>>()
            })
        };
        let one = run(1);
        for threads in [2, 3] {
            assert!(run(threads) == one, "{threads} threads");
        }
    }

    fn rows() -> impl Strategy<Value = Vec<(Vec<u8>, u8, u8)>> {
        let path = proptest::collection::vec(0u8..7, 0..10);
        proptest::collection::vec((path, 0u8..4, 0u8..4), 1..50)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random chains (cycles, self-loops, acyclic stretches) at random horizons.
        #[test]
        fn the_renewal_equation_matches_the_iteration(rows in rows(), horizon in 1usize..20) {
            let mut d = PathData::new();
            for (path, conv, nulls) in &rows {
                let names: Vec<String> = path.iter().map(|c| format!("ch{c}")).collect();
                d.push(&names, f64::from(*conv), f64::from(*conv) * 3.25, f64::from(*nulls))
                    .unwrap();
            }
            check(&d, 1, horizon);
        }
    }
}
