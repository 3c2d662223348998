//! Every channel's removal effect from one factorisation of the chain.
//!
//! With A = I − Q over the transient states, y = A⁻¹r the conversion probabilities and
//! N = A⁻¹ the fundamental matrix, removing a channel turns the set K of states that
//! hold it into `(null)`. The changed solution differs from y by a combination of the
//! columns of N at K (Sherman–Morrison–Woodbury for the rows of K set to those of the
//! identity), which gives, at the start,
//!
//! ```text
//! y₀ − y₀^(−K) = g_Kᵀ N_KK⁻¹ y_K,        g = N₀,·  (expected visits from the start)
//! ```
//!
//! and the same with the expected values w. So one solve for y and w, one transposed
//! solve for g, and per channel only the |K| × |K| block N_KK: at order 1 a single
//! diagonal entry of N, read from the LU factors of the channel's strongly connected
//! part by two sparse triangular solves. Parts whose factors would grow too large are
//! solved by Gauss–Seidel sweeps instead (dense LU when those mix slowly), and a channel
//! whose block is large or badly conditioned falls back to solving the chain without it.
//!
//! The truncated horizon (`truncated`) takes a first-entrance decomposition instead.
//! When no cycle can be reached from the start and the horizon covers the longest path
//! of the chain, it equals the infinite horizon exactly.

use std::cell::OnceCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use nalgebra::{DMatrix, DVector};

use super::dense::Dense;
use super::factor::{Factor, Scratch};
use super::solve::{solve_infinite, Condensation, NotConverged, Solution, Sparse};

mod truncated;

pub(crate) use truncated::{longest_visits, truncated};

/// The LU factors of one strongly connected part of the Markov chain hold at most this
/// many entries per transition of the part (or [`MAX_LU_FILL_FLOOR`], if more); a part
/// whose factors would grow beyond is solved by Gauss–Seidel sweeps instead, so the
/// memory of [`MarkovOptions::fit`](super::MarkovOptions::fit) stays proportional to the transitions.
pub const MAX_LU_FILL_PER_TRANSITION: usize = 16;

/// The entries the LU factors of any part may hold, however few its transitions.
pub const MAX_LU_FILL_FLOOR: usize = 1 << 16;

/// The largest strongly connected part of the Markov chain factorised densely when its
/// sparse LU factors would fill in; a larger one is solved by sweeps. The factors take
/// m² × 8 bytes (4,096² × 8 bytes = 128 MiB at most) and the triangles of the inverse
/// behind the removal effects as much again while they are computed (256 MiB at the
/// peak); the blocked factorisation and inverse cost about 2m³/3 multiply-adds as matrix
/// products (about a second for 3,000 states).
pub const MAX_DENSE_PART_STATES: usize = 4096;

/// The largest part solved by sweeps that falls back to a dense LU (of
/// 4,096² × 8 bytes = 128 MiB at most) when the sweeps converge too slowly; a larger one
/// that mixes that slowly is refused with [`AttributionError::NotConverged`](super::AttributionError::NotConverged).
pub const MAX_DENSE_FALLBACK_STATES: usize = 4096;

/// Largest block N_KK solved per channel; a channel in more states is removed directly.
pub(crate) const BLOCK_MAX: usize = 64;
/// Below this many channels that a block could remove, factorising the chain does not
/// pay: every channel is removed directly.
pub(crate) const DIRECT_BELOW: usize = 32;
/// Condition number of N_KK above which a channel is removed directly instead.
const BLOCK_CONDITION_MAX: f64 = 1e8;
/// Sweeps allowed before falling back to LU (or giving up on a huge part).
const MAX_SWEEPS: usize = 5_000;
/// Relative accuracy the sweeps run to.
const SWEEP_TOLERANCE: f64 = 1e-14;
/// Columns of N swept together in a part solved by sweeps.
const LANES: usize = 8;

/// One strongly connected part of the chain, ready to be solved.
#[derive(Debug)]
enum Part {
    /// One state; `stay` = 1 − its self-loop probability.
    Single { stay: f64 },
    /// Sparse LU factors.
    Factored(Box<Factor>),
    /// Dense LU factors (a part whose sparse factors would fill in).
    Dense(Box<Dense>),
    /// Sweeps over the part's own transitions.
    Iterative(Box<Local>),
}

/// The transitions inside one part, by local index, for iterative solves.
#[derive(Debug)]
struct Local {
    start: Vec<usize>,
    to: Vec<u32>,
    prob: Vec<f64>,
    t_start: Vec<usize>,
    t_to: Vec<u32>,
    t_prob: Vec<f64>,
    /// 1 − self-loop probability.
    diag: Vec<f64>,
    dense: OnceCell<Option<nalgebra::LU<f64, nalgebra::Dyn, nalgebra::Dyn>>>,
    dense_t: OnceCell<Option<nalgebra::LU<f64, nalgebra::Dyn, nalgebra::Dyn>>>,
}

impl Local {
    fn len(&self) -> usize {
        self.diag.len()
    }

    fn dense_matrix(&self, transpose: bool) -> DMatrix<f64> {
        let m = self.len();
        let mut a = DMatrix::<f64>::zeros(m, m);
        for v in 0..m {
            a[(v, v)] = self.diag[v];
            for p in self.start[v]..self.start[v + 1] {
                let j = self.to[p] as usize;
                if transpose {
                    a[(j, v)] -= self.prob[p];
                } else {
                    a[(v, j)] -= self.prob[p];
                }
            }
        }
        a
    }

    /// Solves (I − Q) x = b (or its transpose) for `N` right-hand sides, starting from
    /// `x`: sweeps, then dense LU for a part small enough when they converge slowly.
    fn solve<const N: usize>(
        &self,
        transpose: bool,
        b: &[[f64; N]],
        x: &mut [[f64; N]],
    ) -> Result<(), NotConverged> {
        let (start, to, prob) = if transpose {
            (&self.t_start, &self.t_to, &self.t_prob)
        } else {
            (&self.start, &self.to, &self.prob)
        };
        if gauss_seidel(start, to, prob, &self.diag, b, x) {
            return Ok(());
        }
        let m = self.len();
        if m > MAX_DENSE_FALLBACK_STATES {
            return Err(NotConverged { states: m });
        }
        let cell = if transpose {
            &self.dense_t
        } else {
            &self.dense
        };
        let lu = cell.get_or_init(|| Some(self.dense_matrix(transpose).lu()));
        let Some(lu) = lu else {
            return Err(NotConverged { states: m });
        };
        let rhs = DMatrix::from_fn(m, N, |i, k| b[i][k]);
        // I − Q of an absorbing chain's transient part is non-singular; should rounding
        // ever make the factorisation fail, the states keep their last iterate.
        if let Some(sol) = lu.solve(&rhs) {
            for (i, xi) in x.iter_mut().enumerate() {
                for (k, v) in xi.iter_mut().enumerate() {
                    *v = sol[(i, k)];
                }
            }
        }
        Ok(())
    }
}

/// Gauss–Seidel sweeps for (I − Q) x = b with `N` right-hand sides; whether they reached
/// the tolerance. `diag` is 1 − the self-loop probability; the rows hold no self-loops.
fn gauss_seidel<const N: usize>(
    start: &[usize],
    to: &[u32],
    prob: &[f64],
    diag: &[f64],
    b: &[[f64; N]],
    x: &mut [[f64; N]],
) -> bool {
    if diag.iter().any(|&d| d <= 0.0) {
        return false;
    }
    let m = diag.len();
    // Changes are measured relative to the largest value of each right-hand side, so
    // that rounding noise is a few ε whatever the units.
    let noise = 4.0 * f64::EPSILON;
    let mut scales = [0.0f64; N];
    let mut previous_delta = f64::INFINITY;
    let mut rate: Option<f64> = None;
    for _ in 0..MAX_SWEEPS {
        let mut d = [0.0f64; N];
        let mut sc = [0.0f64; N];
        for v in 0..m {
            let mut acc = b[v];
            for p in start[v]..start[v + 1] {
                let t = to[p] as usize;
                for k in 0..N {
                    acc[k] += prob[p] * x[t][k];
                }
            }
            for k in 0..N {
                let new = acc[k] / diag[v];
                d[k] = d[k].max((new - x[v][k]).abs());
                sc[k] = sc[k].max(new.abs());
                x[v][k] = new;
            }
        }
        let mut delta = 0.0f64;
        for k in 0..N {
            scales[k] = scales[k].max(sc[k]);
            if scales[k] > 0.0 {
                delta = delta.max(d[k] / scales[k]);
            }
        }
        if delta == 0.0 {
            return true;
        }
        // The contraction rate ρ is only measurable while the changes stand above the
        // rounding noise; the remaining error is then about δ·ρ/(1 − ρ).
        if previous_delta.is_finite() && previous_delta > noise && delta > noise {
            rate = Some(delta / previous_delta);
        }
        if let Some(r) = rate {
            if r < 1.0 && delta * r / (1.0 - r) <= SWEEP_TOLERANCE {
                return true;
            }
            if delta <= noise {
                return r < 0.99;
            }
            if r > 0.9995 && m <= MAX_DENSE_FALLBACK_STATES {
                return false;
            }
        }
        previous_delta = delta;
    }
    false
}

/// How the strongly connected parts are solved: by the rules of [`make_part`], or (for
/// the tests) all densely or all by sweeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartSolver {
    /// Sparse LU within its fill cap, else dense LU up to [`MAX_DENSE_PART_STATES`],
    /// else sweeps.
    Auto,
    /// Sparse LU, without a fill cap, for every part of two or more states.
    #[cfg_attr(not(test), allow(dead_code))]
    Sparse,
    /// Dense LU for every part of two or more states.
    #[cfg_attr(not(test), allow(dead_code))]
    Dense,
    /// Sweeps for every part of two or more states.
    #[cfg_attr(not(test), allow(dead_code))]
    Sweeps,
    /// No factors: each channel removed and the chain upstream of it solved again (the
    /// cheaper way when few channels need a block).
    Direct,
}

/// The chain split into its parts, with the full solution and the expected visits.
#[derive(Debug)]
pub(crate) struct Removal<'a> {
    chain: &'a Sparse,
    cond: &'a Condensation,
    parts: Vec<Part>,
    /// State → index among its part's members.
    local: Vec<u32>,
    /// Predecessors of each state (transposed rows), with the transition probability.
    pred_start: Vec<usize>,
    pred_from: Vec<u32>,
    pred_prob: Vec<f64>,
    /// Per part: its states with predecessors outside it, with the lowest part index
    /// among those predecessors, sorted by it.
    boundary: Vec<Vec<(u32, u32)>>,
    /// The full chain's solution.
    pub full: Solution,
    /// Expected visits of each state from the start.
    pub visits: Vec<f64>,
}

/// Reusable per-channel workspace.
#[derive(Debug, Default)]
pub(crate) struct Work {
    acc: Vec<f64>,
    pending: Vec<Vec<u32>>,
    queued: Vec<u32>,
    generation: u32,
    row_pos: Vec<u32>,
    scratch: Scratch,
    rhs: Vec<(u32, f64)>,
    rows: Vec<u32>,
    values: Vec<f64>,
    gs_b: Vec<[f64; 1]>,
    gs_x: Vec<[f64; 1]>,
    killed: Vec<bool>,
    solve: Vec<bool>,
    part_stack: Vec<u32>,
    part_seen: Vec<u32>,
    part_generation: u32,
}

impl<'a> Removal<'a> {
    /// Splits the chain into parts, factorises them and solves for the full chain and
    /// the expected visits from the start.
    /// `solver` picks how the parts are solved ([`PartSolver::Auto`] but in tests).
    pub(crate) fn new(
        chain: &'a Sparse,
        cond: &'a Condensation,
        solver: PartSolver,
    ) -> Result<Self, NotConverged> {
        let n = chain.n;
        let mut local = vec![0u32; n];
        for members in &cond.components {
            for (i, &s) in members.iter().enumerate() {
                local[s as usize] = i as u32;
            }
        }
        let parts = if solver == PartSolver::Direct {
            Vec::new()
        } else {
            cond.components
                .iter()
                .enumerate()
                .map(|(ci, members)| make_part(chain, cond, &local, ci as u32, members, solver))
                .collect()
        };
        let mut pred_start = vec![0usize; n + 1];
        for s in 0..n {
            for t in chain.successors(s) {
                pred_start[t + 1] += 1;
            }
        }
        for i in 0..n {
            pred_start[i + 1] += pred_start[i];
        }
        let mut fill = pred_start.clone();
        let mut pred_from = vec![0u32; pred_start[n]];
        let mut pred_prob = vec![0.0; pred_start[n]];
        for s in 0..n {
            for (t, p) in chain.row(s) {
                pred_from[fill[t]] = s as u32;
                pred_prob[fill[t]] = p;
                fill[t] += 1;
            }
        }
        let mut boundary: Vec<Vec<(u32, u32)>> = vec![Vec::new(); cond.components.len()];
        for (ci, members) in cond.components.iter().enumerate() {
            for &s in members {
                let lowest = (pred_start[s as usize]..pred_start[s as usize + 1])
                    .map(|p| cond.component_of[pred_from[p] as usize])
                    .filter(|&c| c as usize != ci)
                    .min();
                if let Some(c) = lowest {
                    boundary[ci].push((c, s));
                }
            }
            boundary[ci].sort_unstable();
        }
        let mut r = Removal {
            chain,
            cond,
            parts,
            local,
            pred_start,
            pred_from,
            pred_prob,
            boundary,
            full: Solution {
                conv: vec![0.0; n],
                value: vec![0.0; n],
            },
            visits: vec![0.0; n],
        };
        if solver == PartSolver::Direct {
            let all = vec![true; cond.components.len()];
            solve_infinite(chain, cond, &vec![false; n], &all, &mut r.full)?;
        } else {
            r.solve_full()?;
            r.solve_visits()?;
        }
        Ok(r)
    }

    fn members(&self, ci: usize) -> &[u32] {
        &self.cond.components[ci]
    }

    /// y and w, part by part from the sinks up.
    fn solve_full(&mut self) -> Result<(), NotConverged> {
        let chain = self.chain;
        let mut conv = vec![0.0; chain.n];
        let mut value = vec![0.0; chain.n];
        let mut work = Vec::new();
        for ci in 0..self.parts.len() {
            let members = &self.cond.components[ci];
            let ci32 = ci as u32;
            let mut b: Vec<[f64; 2]> = members
                .iter()
                .map(|&s| {
                    let s = s as usize;
                    let (mut c, mut v) = (chain.p_conv[s], chain.p_value[s]);
                    for (t, p) in chain.row(s) {
                        if self.cond.component_of[t] != ci32 {
                            c += p * conv[t];
                            v += p * value[t];
                        }
                    }
                    [c, v]
                })
                .collect();
            match &self.parts[ci] {
                Part::Single { stay } => {
                    let s = members[0] as usize;
                    let (c, v) = if *stay > 0.0 {
                        (b[0][0] / stay, b[0][1] / stay)
                    } else {
                        // A state that only loops on itself never absorbs.
                        (0.0, 0.0)
                    };
                    conv[s] = c;
                    value[s] = v;
                }
                Part::Factored(f) => {
                    for k in 0..2 {
                        let mut x: Vec<f64> = b.iter().map(|r| r[k]).collect();
                        f.solve(&mut x, &mut work);
                        for (i, &s) in members.iter().enumerate() {
                            if k == 0 {
                                conv[s as usize] = x[i];
                            } else {
                                value[s as usize] = x[i];
                            }
                        }
                    }
                }
                Part::Dense(d) => {
                    for k in 0..2 {
                        let mut x: Vec<f64> = b.iter().map(|r| r[k]).collect();
                        d.solve(&mut x);
                        for (i, &s) in members.iter().enumerate() {
                            if k == 0 {
                                conv[s as usize] = x[i];
                            } else {
                                value[s as usize] = x[i];
                            }
                        }
                    }
                }
                Part::Iterative(l) => {
                    let mut x = vec![[0.0; 2]; members.len()];
                    l.solve(false, &b, &mut x)?;
                    for (i, &s) in members.iter().enumerate() {
                        conv[s as usize] = x[i][0];
                        value[s as usize] = x[i][1];
                    }
                }
            }
            b.clear();
        }
        self.full = Solution { conv, value };
        Ok(())
    }

    /// g = N₀,· : expected visits from the start, part by part from the start down.
    fn solve_visits(&mut self) -> Result<(), NotConverged> {
        let chain = self.chain;
        let mut inflow = vec![0.0; chain.n];
        if chain.n > 0 {
            inflow[0] = 1.0;
        }
        let mut g = vec![0.0; chain.n];
        let mut work = Vec::new();
        for ci in (0..self.parts.len()).rev() {
            let members = &self.cond.components[ci];
            match &self.parts[ci] {
                Part::Single { stay } => {
                    let s = members[0] as usize;
                    g[s] = if *stay > 0.0 { inflow[s] / stay } else { 0.0 };
                }
                Part::Factored(f) => {
                    let mut x: Vec<f64> = members.iter().map(|&s| inflow[s as usize]).collect();
                    f.solve_transpose(&mut x, &mut work);
                    for (i, &s) in members.iter().enumerate() {
                        g[s as usize] = x[i];
                    }
                }
                Part::Dense(d) => {
                    let mut x: Vec<f64> = members.iter().map(|&s| inflow[s as usize]).collect();
                    d.solve_transpose(&mut x);
                    for (i, &s) in members.iter().enumerate() {
                        g[s as usize] = x[i];
                    }
                }
                Part::Iterative(l) => {
                    let b: Vec<[f64; 1]> = members.iter().map(|&s| [inflow[s as usize]]).collect();
                    let mut x = vec![[0.0]; members.len()];
                    l.solve(true, &b, &mut x)?;
                    for (i, &s) in members.iter().enumerate() {
                        g[s as usize] = x[i][0];
                    }
                }
            }
            let ci32 = ci as u32;
            for &s in members {
                let s = s as usize;
                for (t, p) in chain.row(s) {
                    if self.cond.component_of[t] != ci32 {
                        inflow[t] += g[s] * p;
                    }
                }
            }
        }
        self.visits = g;
        Ok(())
    }

    /// A workspace sized for this chain.
    fn work(&self) -> Work {
        Work {
            acc: vec![0.0; self.chain.n],
            pending: vec![Vec::new(); self.cond.components.len()],
            queued: vec![0; self.cond.components.len()],
            generation: 0,
            row_pos: vec![u32::MAX; self.chain.n],
            ..Work::default()
        }
    }

    /// How much removing each channel (given by the states that hold it) lowers the
    /// probability of converting and the expected value from the start.
    ///
    /// A channel held by one state of a part solved by sweeps needs one column of N
    /// there; those columns are swept eight at a time.
    pub(crate) fn removals(&self, channels: &[Vec<u32>]) -> Result<Vec<(f64, f64)>, NotConverged> {
        let mut w = self.work();
        let mut out = vec![(0.0, 0.0); channels.len()];
        if self.parts.is_empty() {
            // Direct: each channel removed and the chain upstream of it solved again.
            for (c, states) in channels.iter().enumerate() {
                let kept: Vec<u32> = states
                    .iter()
                    .copied()
                    .filter(|&s| self.full.conv[s as usize] > 0.0)
                    .collect();
                if !kept.is_empty() {
                    out[c] = self.directly(&kept, &mut w)?;
                }
            }
            return Ok(out);
        }
        // (part, channel, state) of the channels held by one state of a swept part.
        let mut swept: Vec<(u32, usize, u32)> = Vec::new();
        for (c, states) in channels.iter().enumerate() {
            let kept = self.converting(states);
            if let [s] = kept[..] {
                let part = self.cond.component_of[s as usize];
                match &self.parts[part as usize] {
                    Part::Iterative(_) => {
                        swept.push((part, c, s));
                        continue;
                    }
                    Part::Dense(d) => {
                        let n_ss = d.diagonal()[self.local[s as usize] as usize];
                        if n_ss > 0.0 && n_ss.is_finite() {
                            out[c] = self.single(s, n_ss);
                            continue;
                        }
                    }
                    _ => {}
                }
            }
            out[c] = self.removal_of(&kept, &mut w)?;
        }
        swept.sort_unstable();
        for group in swept.chunk_by(|a, b| a.0 == b.0) {
            let Part::Iterative(l) = &self.parts[group[0].0 as usize] else {
                continue;
            };
            let m = l.len();
            for batch in group.chunks(LANES) {
                let mut b = vec![[0.0; LANES]; m];
                for (lane, &(_, _, s)) in batch.iter().enumerate() {
                    b[self.local[s as usize] as usize][lane] = 1.0;
                }
                let mut x = vec![[0.0; LANES]; m];
                l.solve(false, &b, &mut x)?;
                for (lane, &(_, c, s)) in batch.iter().enumerate() {
                    let n_ss = x[self.local[s as usize] as usize][lane];
                    out[c] = if n_ss > 0.0 && n_ss.is_finite() {
                        self.single(s, n_ss)
                    } else {
                        self.directly(&[s], &mut w)?
                    };
                }
            }
        }
        Ok(out)
    }

    /// The states of `states` from which something converts (the others change nothing
    /// when removed).
    fn converting(&self, states: &[u32]) -> Vec<u32> {
        states
            .iter()
            .copied()
            .filter(|&s| self.full.conv[s as usize] > 0.0 && self.visits[s as usize] > 0.0)
            .collect()
    }

    /// The drop for one state s with N_ss = `n_ss`: g_s y_s / N_ss and g_s w_s / N_ss.
    fn single(&self, s: u32, n_ss: f64) -> (f64, f64) {
        let s = s as usize;
        let g = self.visits[s];
        (g * self.full.conv[s] / n_ss, g * self.full.value[s] / n_ss)
    }

    /// The drop for removing the converting states `kept`.
    fn removal_of(&self, kept: &[u32], w: &mut Work) -> Result<(f64, f64), NotConverged> {
        if kept.is_empty() {
            return Ok((0.0, 0.0));
        }
        // In a swept part every column of the block is a sweep of its own, so one
        // sweep of the chain without the channel is cheaper.
        let swept = kept.iter().any(|&s| {
            matches!(
                self.parts[self.cond.component_of[s as usize] as usize],
                Part::Iterative(_)
            )
        });
        if kept.len() <= BLOCK_MAX && !swept {
            if let Some(d) = self.through_block(kept, w)? {
                return Ok(d);
            }
        }
        self.directly(kept, w)
    }

    /// The removal through the block N_KK; `None` when the block is badly conditioned.
    fn through_block(&self, k: &[u32], w: &mut Work) -> Result<Option<(f64, f64)>, NotConverged> {
        let size = k.len();
        let limit = k
            .iter()
            .map(|&s| self.cond.component_of[s as usize])
            .max()
            .unwrap_or(0);
        for (i, &s) in k.iter().enumerate() {
            w.row_pos[s as usize] = i as u32;
        }
        let mut block = DMatrix::<f64>::zeros(size, size);
        let mut column = vec![0.0; size];
        let mut result = Ok(());
        for (j, &s) in k.iter().enumerate() {
            column.fill(0.0);
            result = self.column(s, k, limit, &mut column, w);
            if result.is_err() {
                break;
            }
            for i in 0..size {
                block[(i, j)] = column[i];
            }
        }
        for &s in k {
            w.row_pos[s as usize] = u32::MAX;
        }
        result?;
        let g: Vec<f64> = k.iter().map(|&s| self.visits[s as usize]).collect();
        let y: Vec<f64> = k.iter().map(|&s| self.full.conv[s as usize]).collect();
        let v: Vec<f64> = k.iter().map(|&s| self.full.value[s as usize]).collect();
        if size == 1 {
            let n = block[(0, 0)];
            if !(n > 0.0 && n.is_finite()) {
                return Ok(None);
            }
            return Ok(Some(self.single(k[0], n)));
        }
        let norm1 = |m: &DMatrix<f64>| {
            m.column_iter()
                .map(|c| c.iter().map(|x| x.abs()).sum::<f64>())
                .fold(0.0, f64::max)
        };
        let Some(inverse) = block.clone().try_inverse() else {
            return Ok(None);
        };
        let condition = norm1(&block) * norm1(&inverse);
        if !(condition.is_finite() && condition <= BLOCK_CONDITION_MAX) {
            return Ok(None);
        }
        let a = &inverse * DVector::from_vec(y);
        let b = &inverse * DVector::from_vec(v);
        let dy: f64 = g.iter().zip(a.iter()).map(|(g, a)| g * a).sum();
        let dv: f64 = g.iter().zip(b.iter()).map(|(g, b)| g * b).sum();
        Ok(Some((dy.max(0.0), dv.max(0.0))))
    }

    /// Column `j` of N on the states `rows`, following the chain upstream from `j`'s
    /// part through the parts no later (in index) than `limit`.
    fn column(
        &self,
        j: u32,
        rows: &[u32],
        limit: u32,
        into: &mut [f64],
        w: &mut Work,
    ) -> Result<(), NotConverged> {
        let cj = self.cond.component_of[j as usize];
        w.generation = w.generation.wrapping_add(1);
        if w.generation == 0 {
            w.queued.fill(0);
            w.generation = 1;
        }
        let generation = w.generation;
        let mut heap = BinaryHeap::new();
        w.acc[j as usize] = 1.0;
        w.pending[cj as usize].push(j);
        w.queued[cj as usize] = generation;
        heap.push(Reverse(cj));
        let mut failure = Ok(());
        while let Some(Reverse(ci)) = heap.pop() {
            let c = ci as usize;
            let members = self.members(c);
            let pending = std::mem::take(&mut w.pending[c]);
            // The states whose value is needed: rows of the block here, and states with
            // a predecessor in a later part up to the limit.
            w.rows.clear();
            w.rows.extend(
                rows.iter()
                    .copied()
                    .filter(|&s| self.cond.component_of[s as usize] == ci),
            );
            w.rows.extend(
                self.boundary[c]
                    .iter()
                    .take_while(|&&(lowest, _)| lowest <= limit)
                    .map(|&(_, s)| s)
                    .filter(|&s| w.row_pos[s as usize] == u32::MAX),
            );
            w.values.clear();
            w.values.resize(w.rows.len(), 0.0);
            match &self.parts[c] {
                Part::Single { stay } => {
                    let s = members[0] as usize;
                    let x = if *stay > 0.0 { w.acc[s] / stay } else { 0.0 };
                    for v in &mut w.values {
                        *v = x;
                    }
                }
                Part::Factored(f) => {
                    w.rhs.clear();
                    w.rhs.extend(
                        pending
                            .iter()
                            .map(|&s| (self.local[s as usize], w.acc[s as usize])),
                    );
                    let local_rows: Vec<u32> =
                        w.rows.iter().map(|&s| self.local[s as usize]).collect();
                    f.sparse_solve(&w.rhs, &local_rows, &mut w.values, &mut w.scratch);
                }
                Part::Dense(d) => {
                    let mut b = vec![0.0; members.len()];
                    for &s in &pending {
                        b[self.local[s as usize] as usize] = w.acc[s as usize];
                    }
                    d.solve(&mut b);
                    for (slot, &s) in w.values.iter_mut().zip(&w.rows) {
                        *slot = b[self.local[s as usize] as usize];
                    }
                }
                Part::Iterative(l) => {
                    w.gs_b.clear();
                    w.gs_b.resize(members.len(), [0.0]);
                    for &s in &pending {
                        w.gs_b[self.local[s as usize] as usize][0] = w.acc[s as usize];
                    }
                    w.gs_x.clear();
                    w.gs_x.resize(members.len(), [0.0]);
                    if let Err(e) = l.solve(false, &w.gs_b, &mut w.gs_x) {
                        failure = Err(e);
                    }
                    for (slot, &s) in w.values.iter_mut().zip(&w.rows) {
                        *slot = w.gs_x[self.local[s as usize] as usize][0];
                    }
                }
            }
            for &s in &pending {
                w.acc[s as usize] = 0.0;
            }
            w.pending[c] = pending;
            w.pending[c].clear();
            if failure.is_err() {
                break;
            }
            for (&s, &x) in w.rows.iter().zip(&w.values) {
                let pos = w.row_pos[s as usize];
                if pos != u32::MAX && self.cond.component_of[s as usize] == ci {
                    into[pos as usize] = x;
                }
                if x == 0.0 {
                    continue;
                }
                let s = s as usize;
                for p in self.pred_start[s]..self.pred_start[s + 1] {
                    let t = self.pred_from[p] as usize;
                    let ct = self.cond.component_of[t];
                    if ct == ci || ct > limit {
                        continue;
                    }
                    if w.acc[t] == 0.0 {
                        w.pending[ct as usize].push(t as u32);
                    }
                    w.acc[t] += self.pred_prob[p] * x;
                    if w.queued[ct as usize] != generation {
                        w.queued[ct as usize] = generation;
                        heap.push(Reverse(ct));
                    }
                }
            }
        }
        // Leave the workspace clean even after a failure.
        while let Some(Reverse(ci)) = heap.pop() {
            for s in std::mem::take(&mut w.pending[ci as usize]) {
                w.acc[s as usize] = 0.0;
            }
        }
        failure
    }

    /// The removal by solving the chain with the states `k` taken out, on the parts
    /// upstream of them.
    fn directly(&self, k: &[u32], w: &mut Work) -> Result<(f64, f64), NotConverged> {
        let n = self.chain.n;
        let parts = self.cond.components.len();
        if w.killed.len() != n {
            w.killed = vec![false; n];
            w.solve = vec![false; parts];
            w.part_seen = vec![0; parts];
        }
        w.part_generation = w.part_generation.wrapping_add(1);
        if w.part_generation == 0 {
            w.part_seen.fill(0);
            w.part_generation = 1;
        }
        let generation = w.part_generation;
        w.part_stack.clear();
        for &s in k {
            w.killed[s as usize] = true;
            let c = self.cond.component_of[s as usize];
            if w.part_seen[c as usize] != generation {
                w.part_seen[c as usize] = generation;
                w.part_stack.push(c);
            }
        }
        let mut upstream = Vec::new();
        while let Some(c) = w.part_stack.pop() {
            upstream.push(c);
            for &s in self.members(c as usize) {
                let s = s as usize;
                for p in self.pred_start[s]..self.pred_start[s + 1] {
                    let ct = self.cond.component_of[self.pred_from[p] as usize];
                    if w.part_seen[ct as usize] != generation {
                        w.part_seen[ct as usize] = generation;
                        w.part_stack.push(ct);
                    }
                }
            }
        }
        for &c in &upstream {
            w.solve[c as usize] = true;
        }
        let mut sol = self.full.clone();
        let result = solve_infinite(self.chain, self.cond, &w.killed, &w.solve, &mut sol);
        for &c in &upstream {
            w.solve[c as usize] = false;
        }
        for &s in k {
            w.killed[s as usize] = false;
        }
        result?;
        let dy = (self.full.conv[0] - sol.conv[0]).max(0.0);
        let dv = (self.full.value[0] - sol.value[0]).max(0.0);
        Ok((dy, dv))
    }
}

/// The part `ci` with its `members`: a single state, LU factors, or (when the factors
/// would grow beyond the fill budget) its transitions for sweeps.
fn make_part(
    chain: &Sparse,
    cond: &Condensation,
    local: &[u32],
    ci: u32,
    members: &[u32],
    solver: PartSolver,
) -> Part {
    if members.len() == 1 {
        let s = members[0] as usize;
        let self_loop: f64 = chain.row(s).filter(|&(t, _)| t == s).map(|(_, p)| p).sum();
        return Part::Single {
            stay: 1.0 - self_loop,
        };
    }
    let mut out: Vec<Vec<(u32, f64)>> = Vec::with_capacity(members.len());
    let mut exit = Vec::with_capacity(members.len());
    let mut diag = Vec::with_capacity(members.len());
    let mut edges = 0usize;
    for &s in members {
        let s = s as usize;
        let mut row = Vec::new();
        let mut leave = chain.p_absorb[s];
        let mut self_loop = 0.0;
        for (t, p) in chain.row(s) {
            if cond.component_of[t] != ci {
                leave += p;
            } else if t == s {
                self_loop += p;
            } else {
                row.push((local[t], p));
            }
        }
        edges += row.len();
        out.push(row);
        exit.push(leave);
        diag.push(1.0 - self_loop);
    }
    let m = members.len();
    let dense_allowed = match solver {
        PartSolver::Auto => m <= MAX_DENSE_PART_STATES,
        PartSolver::Dense => true,
        PartSolver::Sparse | PartSolver::Sweeps | PartSolver::Direct => false,
    };
    let cap = MAX_LU_FILL_PER_TRANSITION
        .saturating_mul(edges + m)
        .max(MAX_LU_FILL_FLOOR);
    let budget = match solver {
        // Where a dense LU is allowed, sparse factors filled to a tenth of it lose to it.
        PartSolver::Auto if dense_allowed => cap.min((m * m / 10).max(MAX_LU_FILL_FLOOR)),
        PartSolver::Auto => cap,
        PartSolver::Sparse => usize::MAX,
        PartSolver::Dense | PartSolver::Sweeps | PartSolver::Direct => 0,
    };
    if let Some(f) = Factor::new(out.clone(), exit.clone(), budget) {
        return Part::Factored(Box::new(f));
    }
    if dense_allowed {
        if let Some(d) = Dense::new(&out, exit) {
            return Part::Dense(Box::new(d));
        }
    }
    let mut start = vec![0usize; m + 1];
    let mut t_start = vec![0usize; m + 1];
    for (v, row) in out.iter().enumerate() {
        start[v + 1] = start[v] + row.len();
        for &(j, _) in row {
            t_start[j as usize + 1] += 1;
        }
    }
    for i in 0..m {
        t_start[i + 1] += t_start[i];
    }
    let mut to = Vec::with_capacity(edges);
    let mut prob = Vec::with_capacity(edges);
    let mut t_to = vec![0u32; edges];
    let mut t_prob = vec![0.0; edges];
    let mut fill = t_start.clone();
    for (v, row) in out.iter().enumerate() {
        for &(j, p) in row {
            to.push(j);
            prob.push(p);
            t_to[fill[j as usize]] = v as u32;
            t_prob[fill[j as usize]] = p;
            fill[j as usize] += 1;
        }
    }
    Part::Iterative(Box::new(Local {
        start,
        to,
        prob,
        t_start,
        t_to,
        t_prob,
        diag,
        dense: OnceCell::new(),
        dense_t: OnceCell::new(),
    }))
}
