//! Exact solution of the absorbing chain, with and without each channel.
//!
//! For transient states s (the start and the channel states), let Q be the transition
//! probabilities among them, r_s = P(s → conversion) and v̄_s the mean value per
//! conversion of rows ending in s. The conversion probability y and the expected value
//! w from each state solve
//!
//! ```text
//! (I − Q) y = r,    (I − Q) w = r ∘ v̄
//! ```
//!
//! (the fundamental-matrix solution of an absorbing chain). Removing a channel turns
//! every state that contains it into `(null)`: those states get y = w = 0 and the system
//! shrinks to the surviving states. The solver works on the sparse state graph:
//!
//! 1. The graph is split into strongly connected components (Tarjan), which come out in
//!    reverse topological order, so each component is solved after everything it can
//!    reach; acyclic parts cost one substitution per state.
//! 2. A component is solved densely (LU) when small and by Gauss–Seidel sweeps run to
//!    machine precision when large, falling back to LU if the sweeps converge slowly.
//! 3. Removing a channel only redirects states, so a component that cannot reach any
//!    state containing the channel keeps the values of the full chain; only the part of
//!    the graph upstream of the channel is solved again.
//!
//! The truncated horizon counts only conversions within H channel-state visits:
//! z⁽¹⁾ = r, z⁽ᵐ⁾ = r + Q z⁽ᵐ⁻¹⁾ (killed states 0), P_H = Σ_t Q_start,t z⁽ᴴ⁾_t.

use nalgebra::DMatrix;

use super::chain::Counts;

/// Components up to this size are solved by dense LU directly.
const DENSE_LIMIT: usize = 48;
/// Components up to this size may fall back to dense LU when sweeps converge slowly.
const DENSE_FALLBACK_LIMIT: usize = 4096;
/// Sweeps allowed before falling back to LU (or giving up on a huge component).
const MAX_SWEEPS: usize = 5_000;
/// Relative accuracy the sweeps run to (estimated remaining error over the largest value).
const SWEEP_TOLERANCE: f64 = 1e-14;

/// The chain as compressed sparse rows over the transient states.
#[derive(Debug, Clone)]
pub(crate) struct Sparse {
    pub n: usize,
    row_start: Vec<usize>,
    to: Vec<u32>,
    prob: Vec<f64>,
    /// P(s → conversion).
    pub p_conv: Vec<f64>,
    /// P(s → conversion)·v̄_s.
    pub p_value: Vec<f64>,
    /// P(s → conversion or null): the probability of absorbing at the next step.
    pub p_absorb: Vec<f64>,
}

impl Sparse {
    pub(crate) fn new(counts: &Counts) -> Self {
        let n = counts.n_states();
        let mut row_sum = vec![0.0; n];
        for &(f, _, c) in &counts.edges {
            row_sum[f as usize] += c;
        }
        let mut row_start = vec![0usize; n + 1];
        let mut to = Vec::new();
        let mut prob = Vec::new();
        let mut p_conv = vec![0.0; n];
        let mut p_value = vec![0.0; n];
        let mut p_absorb = vec![0.0; n];
        for &(f, t, c) in &counts.edges {
            let f = f as usize;
            let p = c / row_sum[f];
            if (t as usize) < n {
                to.push(t);
                prob.push(p);
                row_start[f + 1] += 1;
            } else if t as usize == n {
                p_conv[f] = p;
                p_absorb[f] += p;
                let per_conversion = if counts.conversions_ending[f] > 0.0 {
                    counts.value_ending[f] / counts.conversions_ending[f]
                } else {
                    0.0
                };
                p_value[f] = p * per_conversion;
            } else {
                p_absorb[f] += p;
            }
        }
        for i in 0..n {
            row_start[i + 1] += row_start[i];
        }
        Sparse {
            n,
            row_start,
            to,
            prob,
            p_conv,
            p_value,
            p_absorb,
        }
    }

    /// The transient states `s` leads to.
    pub(crate) fn successors(&self, s: usize) -> impl Iterator<Item = usize> + '_ {
        self.row(s).map(|(t, _)| t)
    }

    /// The transient states `s` leads to, with the transition probabilities.
    #[inline]
    pub(crate) fn row(&self, s: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.row_start[s]..self.row_start[s + 1];
        self.to[range.clone()]
            .iter()
            .zip(&self.prob[range])
            .map(|(&t, &p)| (t as usize, p))
    }
}

/// The strongly connected components of the transient graph, sinks first.
#[derive(Debug, Clone)]
pub(crate) struct Condensation {
    pub components: Vec<Vec<u32>>,
    pub component_of: Vec<u32>,
}

/// The bookkeeping of Tarjan's algorithm.
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    /// The explicit call stack: (state, next edge to look at).
    calls: Vec<(u32, usize)>,
    counter: u32,
}

impl Tarjan {
    const UNSEEN: u32 = u32::MAX;

    /// Numbers state `v` and starts exploring its edges.
    fn enter(&mut self, v: usize, first_edge: usize) {
        self.index[v] = self.counter;
        self.low[v] = self.counter;
        self.counter += 1;
        self.stack.push(v as u32);
        self.on_stack[v] = true;
        self.calls.push((v as u32, first_edge));
    }
}

/// Tarjan's algorithm, iterative (no recursion, so long chains cannot overflow the stack).
pub(crate) fn condense(chain: &Sparse) -> Condensation {
    let n = chain.n;
    let mut t = Tarjan {
        index: vec![Tarjan::UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        calls: Vec::new(),
        counter: 0,
    };
    let mut component_of = vec![0u32; n];
    let mut components: Vec<Vec<u32>> = Vec::new();
    for root in 0..n {
        if t.index[root] != Tarjan::UNSEEN {
            continue;
        }
        t.enter(root, chain.row_start[root]);
        while let Some(&(v, pos)) = t.calls.last() {
            let v = v as usize;
            if pos < chain.row_start[v + 1] {
                let w = chain.to[pos] as usize;
                if let Some(top) = t.calls.last_mut() {
                    top.1 += 1;
                }
                if t.index[w] == Tarjan::UNSEEN {
                    t.enter(w, chain.row_start[w]);
                } else if t.on_stack[w] {
                    t.low[v] = t.low[v].min(t.index[w]);
                }
                continue;
            }
            t.calls.pop();
            if let Some(&(u, _)) = t.calls.last() {
                t.low[u as usize] = t.low[u as usize].min(t.low[v]);
            }
            if t.low[v] == t.index[v] {
                let id = components.len() as u32;
                let mut members = Vec::new();
                while let Some(w) = t.stack.pop() {
                    t.on_stack[w as usize] = false;
                    component_of[w as usize] = id;
                    members.push(w);
                    if w as usize == v {
                        break;
                    }
                }
                components.push(members);
            }
        }
    }
    Condensation {
        components,
        component_of,
    }
}

/// The solver failed to reach machine precision on a very large, slowly mixing component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NotConverged {
    pub states: usize,
}

/// Conversion probability and expected value from every state.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub conv: Vec<f64>,
    pub value: Vec<f64>,
}

/// Solves `(I − Q) y = r` on the components marked in `solve` (others keep the values
/// already in `sol`), with `killed` states fixed at zero.
pub(crate) fn solve_infinite(
    chain: &Sparse,
    cond: &Condensation,
    killed: &[bool],
    solve: &[bool],
    sol: &mut Solution,
) -> Result<(), NotConverged> {
    let mut local = vec![usize::MAX; chain.n];
    for (ci, members) in cond.components.iter().enumerate() {
        if !solve[ci] {
            continue;
        }
        let alive: Vec<usize> = members
            .iter()
            .map(|&s| s as usize)
            .filter(|&s| !killed[s])
            .collect();
        for &s in members {
            if killed[s as usize] {
                sol.conv[s as usize] = 0.0;
                sol.value[s as usize] = 0.0;
            }
        }
        if alive.is_empty() {
            continue;
        }
        let ci = ci as u32;
        let inside = |t: usize| cond.component_of[t] == ci && !killed[t];
        // Right-hand sides: own absorption plus the already solved states downstream.
        let mut b_conv = Vec::with_capacity(alive.len());
        let mut b_value = Vec::with_capacity(alive.len());
        for &s in &alive {
            let (mut bc, mut bv) = (chain.p_conv[s], chain.p_value[s]);
            for (t, p) in chain.row(s) {
                if cond.component_of[t] != ci {
                    bc += p * sol.conv[t];
                    bv += p * sol.value[t];
                }
            }
            b_conv.push(bc);
            b_value.push(bv);
        }
        if alive.len() == 1 {
            let s = alive[0];
            let self_loop: f64 = chain.row(s).filter(|&(t, _)| t == s).map(|(_, p)| p).sum();
            let stay = 1.0 - self_loop;
            let (c, v) = if stay > 0.0 {
                (b_conv[0] / stay, b_value[0] / stay)
            } else {
                // A state that only loops on itself never absorbs: it never converts.
                (0.0, 0.0)
            };
            sol.conv[s] = c;
            sol.value[s] = v;
            continue;
        }
        for (i, &s) in alive.iter().enumerate() {
            local[s] = i;
        }
        let needs_dense = alive.len() <= DENSE_LIMIT
            || !gauss_seidel(chain, &alive, &inside, &b_conv, &b_value, sol);
        if needs_dense {
            if alive.len() > DENSE_FALLBACK_LIMIT {
                return Err(NotConverged {
                    states: alive.len(),
                });
            }
            dense(chain, &alive, &local, &inside, &b_conv, &b_value, sol);
        }
        for &s in &alive {
            local[s] = usize::MAX;
        }
    }
    Ok(())
}

/// Gauss–Seidel sweeps over one component; returns whether they converged.
fn gauss_seidel(
    chain: &Sparse,
    alive: &[usize],
    inside: &dyn Fn(usize) -> bool,
    b_conv: &[f64],
    b_value: &[f64],
    sol: &mut Solution,
) -> bool {
    let diag: Vec<f64> = alive
        .iter()
        .map(|&s| {
            1.0 - chain
                .row(s)
                .filter(|&(t, _)| t == s)
                .map(|(_, p)| p)
                .sum::<f64>()
        })
        .collect();
    if diag.iter().any(|&d| d <= 0.0) {
        return false;
    }
    // Changes are measured relative to the largest value of each quantity, so that
    // rounding noise is a few ε whatever the units of the value.
    let noise = 4.0 * f64::EPSILON;
    let mut scales = (0.0f64, 0.0f64);
    let mut previous_delta = f64::INFINITY;
    let mut rate: Option<f64> = None;
    for _ in 0..MAX_SWEEPS {
        let (mut dc, mut dv) = (0.0f64, 0.0f64);
        let (mut sc, mut sv) = (0.0f64, 0.0f64);
        for (i, &s) in alive.iter().enumerate() {
            let (mut c, mut v) = (b_conv[i], b_value[i]);
            for (t, p) in chain.row(s) {
                if t != s && inside(t) {
                    c += p * sol.conv[t];
                    v += p * sol.value[t];
                }
            }
            c /= diag[i];
            v /= diag[i];
            dc = dc.max((c - sol.conv[s]).abs());
            dv = dv.max((v - sol.value[s]).abs());
            sc = sc.max(c.abs());
            sv = sv.max(v.abs());
            sol.conv[s] = c;
            sol.value[s] = v;
        }
        scales = (scales.0.max(sc), scales.1.max(sv));
        let relative = |d: f64, scale: f64| if scale > 0.0 { d / scale } else { 0.0 };
        let delta = relative(dc, scales.0).max(relative(dv, scales.1));
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
                // At the noise floor: done if the iteration was contracting fast enough
                // for the error bound (≤ 4ε·ρ/(1 − ρ) < 1e-13 for ρ < 0.99) to hold.
                return r < 0.99;
            }
            if r > 0.9995 && alive.len() <= DENSE_FALLBACK_LIMIT {
                return false;
            }
        }
        previous_delta = delta;
    }
    false
}

/// Dense LU on one component (the matrix I − Q restricted to its live states).
fn dense(
    chain: &Sparse,
    alive: &[usize],
    local: &[usize],
    inside: &dyn Fn(usize) -> bool,
    b_conv: &[f64],
    b_value: &[f64],
    sol: &mut Solution,
) {
    let m = alive.len();
    let mut a = DMatrix::<f64>::identity(m, m);
    let mut b = DMatrix::<f64>::zeros(m, 2);
    for (i, &s) in alive.iter().enumerate() {
        b[(i, 0)] = b_conv[i];
        b[(i, 1)] = b_value[i];
        for (t, p) in chain.row(s) {
            if inside(t) {
                a[(i, local[t])] -= p;
            }
        }
    }
    // I − Q of an absorbing chain's transient part is a non-singular M-matrix; should
    // rounding ever make the factorisation fail, the states keep their last iterate.
    if let Some(x) = a.lu().solve(&b) {
        for (i, &s) in alive.iter().enumerate() {
            sol.conv[s] = x[(i, 0)];
            sol.value[s] = x[(i, 1)];
        }
    }
}

/// Conversion probability and expected value from the start within `horizon`
/// channel-state visits, with `killed` states fixed at zero (one chain at a time: the
/// tests' reference for the batched iteration).
#[cfg(test)]
pub(crate) fn solve_truncated(chain: &Sparse, killed: &[bool], horizon: usize) -> (f64, f64) {
    let n = chain.n;
    let mut zc = vec![0.0; n];
    let mut zv = vec![0.0; n];
    let mut next_c = vec![0.0; n];
    let mut next_v = vec![0.0; n];
    // z⁽ᵐ⁾ for m = 1..=horizon; the start is never re-entered, so one more step from it
    // gives the probability within `horizon` visits.
    for _ in 0..horizon {
        for s in 0..n {
            if killed[s] {
                next_c[s] = 0.0;
                next_v[s] = 0.0;
                continue;
            }
            let (mut c, mut v) = (chain.p_conv[s], chain.p_value[s]);
            for (t, p) in chain.row(s) {
                c += p * zc[t];
                v += p * zv[t];
            }
            next_c[s] = c;
            next_v[s] = v;
        }
        std::mem::swap(&mut zc, &mut next_c);
        std::mem::swap(&mut zv, &mut next_v);
    }
    let (mut c, mut v) = (chain.p_conv[0], chain.p_value[0]);
    for (t, p) in chain.row(0) {
        c += p * zc[t];
        v += p * zv[t];
    }
    (c, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::markov::chain::count_transitions;
    use crate::PathData;

    fn ring(laps: usize) -> Sparse {
        let names: Vec<String> = (0..60).map(|i| format!("c{i}")).collect();
        let path: Vec<&str> = (0..60 * laps).map(|k| names[k % 60].as_str()).collect();
        let mut d = PathData::new();
        d.push(&path, 1.0, 0.0, 1.0).unwrap();
        Sparse::new(&count_transitions(&d, 1, true, true))
    }

    fn component_solve(chain: &Sparse) -> (bool, Solution) {
        let cond = condense(chain);
        let ring = cond.components.iter().find(|c| c.len() == 60).unwrap();
        let alive: Vec<usize> = ring.iter().map(|&s| s as usize).collect();
        let ci = cond.component_of[alive[0]];
        let inside = |t: usize| cond.component_of[t] == ci;
        let b_conv: Vec<f64> = alive.iter().map(|&s| chain.p_conv[s]).collect();
        let b_value = vec![0.0; alive.len()];
        let mut sol = Solution {
            conv: vec![0.0; chain.n],
            value: vec![0.0; chain.n],
        };
        let ok = gauss_seidel(chain, &alive, &inside, &b_conv, &b_value, &mut sol);
        (ok, sol)
    }

    #[test]
    fn sweeps_converge_on_a_fast_mixing_ring_and_give_up_on_a_slow_one() {
        let (ok, sol) = component_solve(&ring(3));
        assert!(ok);
        // A state of the ring converts with a probability strictly between 0 and 1.
        let p_last = sol.conv[60];
        assert!(p_last > 0.0 && p_last < 1.0);
        let (ok, _) = component_solve(&ring(200));
        assert!(!ok, "slow mixing must fall back to the dense solve");
        // The full solve still reproduces the observed rate through the fallback.
        let chain = ring(200);
        let cond = condense(&chain);
        let mut sol = Solution {
            conv: vec![0.0; chain.n],
            value: vec![0.0; chain.n],
        };
        let all = vec![true; cond.components.len()];
        solve_infinite(&chain, &cond, &vec![false; chain.n], &all, &mut sol).unwrap();
        assert!((sol.conv[0] - 0.5).abs() < 1e-12);
    }
}
