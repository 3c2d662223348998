//! Sparse LU factorisation of one strongly connected part of the chain, by state
//! reduction.
//!
//! For the states of one part, A = I − Q (Q the transition probabilities among them) is
//! a non-singular M-matrix, so Gaussian elimination needs no pivoting in any order. The
//! states are eliminated one at a time, each time the one with the fewest in × out
//! neighbours (Markowitz), which keeps the fill small when a few hub states link many
//! others. Eliminating state k censors the chain on the remaining states:
//!
//! ```text
//! q̃_ij += q̃_ik q̃_kj / d_k,    e_i += q̃_ik e_k / d_k,    d_k = e_k + Σ_{j ≠ k} q̃_kj
//! ```
//!
//! where e is the probability of leaving the part. The pivot d_k = 1 − q̃_kk is formed
//! from non-negative terms only (Grassmann, Taksar & Heyman 1985), so no digits are lost
//! to cancellation, and every later solve with a non-negative right-hand side adds
//! non-negative terms. The factors are L_ik = −q̃_ik/d_k (unit lower) and
//! U_kk = d_k, U_kj = −q̃_kj.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The LU factors of I − Q on one part, stored by elimination step.
#[derive(Debug, Clone)]
pub(crate) struct Factor {
    /// Local state → elimination step.
    step_of: Vec<u32>,
    /// Elimination step → local state.
    state_at: Vec<u32>,
    /// d_k by step.
    pivot: Vec<f64>,
    /// Column k of L: later steps i with q̃_ik / d_k (L_ik is its negative).
    l_start: Vec<usize>,
    l_to: Vec<u32>,
    l_val: Vec<f64>,
    /// Row k of U: later steps j with q̃_kj (U_kj is its negative).
    u_start: Vec<usize>,
    u_to: Vec<u32>,
    u_val: Vec<f64>,
}

/// Scratch space for the sparse solves of one part, reused between calls (every array
/// is back to zero / unmarked after each call).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    z: Vec<f64>,
    x: Vec<f64>,
    mark: Vec<u32>,
    generation: u32,
    stack: Vec<u32>,
    l_reach: Vec<u32>,
    u_reach: Vec<u32>,
}

impl Scratch {
    fn ready(&mut self, m: usize) {
        if self.z.len() < m {
            self.z.resize(m, 0.0);
            self.x.resize(m, 0.0);
            self.mark.resize(m, 0);
        }
    }

    /// A fresh marker value (clearing the marks when the counter wraps).
    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.mark.fill(0);
            self.generation = 1;
        }
        self.generation
    }
}

impl Factor {
    /// Factorises I − Q of one part with `m` states: `out[v]` holds the transitions of
    /// local state v to the other states of the part (no self-loop) and `exit[v]` the
    /// probability of leaving the part from v. `None` when the factors and the working
    /// lists would hold more than `budget` entries in all (the fill of an unstructured
    /// part), or when a pivot is not positive (a set of states that cannot be left).
    pub(crate) fn new(
        mut out: Vec<Vec<(u32, f64)>>,
        mut exit: Vec<f64>,
        budget: usize,
    ) -> Option<Factor> {
        let m = out.len();
        let mut inn: Vec<Vec<u32>> = vec![Vec::new(); m];
        for (v, list) in out.iter().enumerate() {
            for &(j, _) in list {
                inn[j as usize].push(v as u32);
            }
        }
        let cost = |inn: &[Vec<u32>], out: &[Vec<(u32, f64)>], v: usize| -> u64 {
            inn[v].len() as u64 * out[v].len() as u64
        };
        let mut current: Vec<u64> = (0..m).map(|v| cost(&inn, &out, v)).collect();
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> =
            (0..m).map(|v| Reverse((current[v], v as u32))).collect();
        let mut done = vec![false; m];
        let mut slot = vec![u32::MAX; m];
        let mut active: usize = out.iter().map(Vec::len).sum();
        let mut stored = 0usize;

        let mut state_at = Vec::with_capacity(m);
        let mut pivot = Vec::with_capacity(m);
        let mut l_start = Vec::with_capacity(m + 1);
        let mut l_to: Vec<u32> = Vec::new();
        let mut l_val: Vec<f64> = Vec::new();
        let mut u_start = Vec::with_capacity(m + 1);
        let mut u_to: Vec<u32> = Vec::new();
        let mut u_val: Vec<f64> = Vec::new();
        l_start.push(0);
        u_start.push(0);
        let mut touched: Vec<u32> = Vec::new();

        while let Some(Reverse((c, k))) = heap.pop() {
            let k = k as usize;
            if done[k] || c != current[k] {
                continue;
            }
            done[k] = true;
            let row = std::mem::take(&mut out[k]);
            let cols = std::mem::take(&mut inn[k]);
            let d = exit[k] + row.iter().map(|&(_, q)| q).sum::<f64>();
            if !(d > 0.0 && d.is_finite()) {
                return None;
            }
            state_at.push(k as u32);
            pivot.push(d);
            for &(j, q) in &row {
                u_to.push(j);
                u_val.push(q);
                let list = &mut inn[j as usize];
                if let Some(p) = list.iter().position(|&x| x as usize == k) {
                    list.swap_remove(p);
                }
            }
            u_start.push(u_to.len());
            touched.clear();
            let mut removed = row.len();
            for &i in &cols {
                let i = i as usize;
                let list = &mut out[i];
                let Some(p) = list.iter().position(|&(x, _)| x as usize == k) else {
                    continue;
                };
                let (_, q_ik) = list.swap_remove(p);
                removed += 1;
                let f = q_ik / d;
                l_to.push(i as u32);
                l_val.push(f);
                exit[i] += f * exit[k];
                for (p, &(j, _)) in list.iter().enumerate() {
                    slot[j as usize] = p as u32;
                }
                for &(j, q_kj) in &row {
                    if j as usize == i {
                        // Back to i itself: a self-loop, which only lowers d_i.
                        continue;
                    }
                    let s = slot[j as usize];
                    if s == u32::MAX {
                        list.push((j, f * q_kj));
                        inn[j as usize].push(i as u32);
                        active += 1;
                    } else {
                        list[s as usize].1 += f * q_kj;
                    }
                }
                for &(j, _) in list.iter() {
                    slot[j as usize] = u32::MAX;
                }
                touched.push(i as u32);
            }
            l_start.push(l_to.len());
            active = active.saturating_sub(removed);
            stored += removed;
            if active + stored > budget {
                return None;
            }
            for &v in touched.iter().chain(row.iter().map(|(j, _)| j)) {
                let v = v as usize;
                let c = cost(&inn, &out, v);
                if c != current[v] {
                    current[v] = c;
                    heap.push(Reverse((c, v as u32)));
                }
            }
        }
        let mut step_of = vec![0u32; m];
        for (s, &v) in state_at.iter().enumerate() {
            step_of[v as usize] = s as u32;
        }
        for t in l_to.iter_mut().chain(u_to.iter_mut()) {
            *t = step_of[*t as usize];
        }
        Some(Factor {
            step_of,
            state_at,
            pivot,
            l_start,
            l_to,
            l_val,
            u_start,
            u_to,
            u_val,
        })
    }

    /// Number of states.
    pub(crate) fn len(&self) -> usize {
        self.pivot.len()
    }

    /// Entries held by the factors.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> usize {
        self.l_to.len() + self.u_to.len() + self.pivot.len()
    }

    /// Solves (I − Q) x = b in place (`b` by local state).
    pub(crate) fn solve(&self, b: &mut [f64], work: &mut Vec<f64>) {
        let m = self.len();
        work.clear();
        work.extend(self.state_at.iter().map(|&v| b[v as usize]));
        for k in 0..m {
            let zk = work[k];
            if zk != 0.0 {
                for p in self.l_start[k]..self.l_start[k + 1] {
                    work[self.l_to[p] as usize] += self.l_val[p] * zk;
                }
            }
        }
        for k in (0..m).rev() {
            let mut acc = work[k];
            for p in self.u_start[k]..self.u_start[k + 1] {
                acc += self.u_val[p] * work[self.u_to[p] as usize];
            }
            work[k] = acc / self.pivot[k];
        }
        for (k, &v) in self.state_at.iter().enumerate() {
            b[v as usize] = work[k];
        }
    }

    /// Solves (I − Q)ᵀ x = b in place (`b` by local state).
    pub(crate) fn solve_transpose(&self, b: &mut [f64], work: &mut Vec<f64>) {
        let m = self.len();
        work.clear();
        work.extend(self.state_at.iter().map(|&v| b[v as usize]));
        for k in 0..m {
            let vk = work[k] / self.pivot[k];
            work[k] = vk;
            if vk != 0.0 {
                for p in self.u_start[k]..self.u_start[k + 1] {
                    work[self.u_to[p] as usize] += self.u_val[p] * vk;
                }
            }
        }
        for k in (0..m).rev() {
            let mut acc = work[k];
            for p in self.l_start[k]..self.l_start[k + 1] {
                acc += self.l_val[p] * work[self.l_to[p] as usize];
            }
            work[k] = acc;
        }
        for (k, &v) in self.state_at.iter().enumerate() {
            b[v as usize] = work[k];
        }
    }

    /// The entries ((I − Q)⁻¹)_{r, col} for the local states `rows`, written to `into`,
    /// touching only the states the two triangular solves reach.
    #[cfg(test)]
    pub(crate) fn column_entries(&self, rows: &[u32], col: u32, into: &mut [f64], s: &mut Scratch) {
        self.sparse_solve(&[(col, 1.0)], rows, into, s);
    }

    /// The entries at the local states `rows` of the solution x of (I − Q) x = b, for
    /// `b` given by its non-zero entries (local state, value), written to `into`. Only
    /// the states that the two triangular solves reach from `b` and from `rows` are
    /// touched.
    pub(crate) fn sparse_solve(
        &self,
        b: &[(u32, f64)],
        rows: &[u32],
        into: &mut [f64],
        s: &mut Scratch,
    ) {
        let m = self.len();
        s.ready(m);
        // z = L⁻¹ b on the steps reachable from b's entries through L.
        let g = s.next_generation();
        s.l_reach.clear();
        s.stack.clear();
        for &(v, x) in b {
            let k = self.step_of[v as usize];
            s.z[k as usize] += x;
            if s.mark[k as usize] != g {
                s.mark[k as usize] = g;
                s.stack.push(k);
            }
        }
        while let Some(k) = s.stack.pop() {
            s.l_reach.push(k);
            let k = k as usize;
            for p in self.l_start[k]..self.l_start[k + 1] {
                let i = self.l_to[p];
                if s.mark[i as usize] != g {
                    s.mark[i as usize] = g;
                    s.stack.push(i);
                }
            }
        }
        s.l_reach.sort_unstable();
        for &k in &s.l_reach {
            let k = k as usize;
            let zk = s.z[k];
            if zk != 0.0 {
                for p in self.l_start[k]..self.l_start[k + 1] {
                    s.z[self.l_to[p] as usize] += self.l_val[p] * zk;
                }
            }
        }
        // x = U⁻¹ z on the steps reachable from the rows through U.
        let g = s.next_generation();
        s.u_reach.clear();
        s.stack.clear();
        for &r in rows {
            let k = self.step_of[r as usize];
            if s.mark[k as usize] != g {
                s.mark[k as usize] = g;
                s.stack.push(k);
            }
        }
        while let Some(k) = s.stack.pop() {
            s.u_reach.push(k);
            let k = k as usize;
            for p in self.u_start[k]..self.u_start[k + 1] {
                let j = self.u_to[p];
                if s.mark[j as usize] != g {
                    s.mark[j as usize] = g;
                    s.stack.push(j);
                }
            }
        }
        s.u_reach.sort_unstable_by(|a, b| b.cmp(a));
        for &k in &s.u_reach {
            let k = k as usize;
            let mut acc = s.z[k];
            for p in self.u_start[k]..self.u_start[k + 1] {
                acc += self.u_val[p] * s.x[self.u_to[p] as usize];
            }
            s.x[k] = acc / self.pivot[k];
        }
        for (slot, &r) in into.iter_mut().zip(rows) {
            *slot = s.x[self.step_of[r as usize] as usize];
        }
        for &k in &s.l_reach {
            s.z[k as usize] = 0.0;
        }
        for &k in &s.u_reach {
            s.x[k as usize] = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    /// Transitions by state, probabilities of leaving, and I − Q as a dense matrix.
    type Part = (Vec<Vec<(u32, f64)>>, Vec<f64>, DMatrix<f64>);

    /// A random part: `m` states, each leading to a few others, with some chance of
    /// leaving.
    fn part(m: usize, seed: u64) -> Part {
        let mut next = crate::attribution::markov::test_stream(seed);
        let mut out = Vec::new();
        let mut exit = Vec::new();
        let mut a = DMatrix::<f64>::identity(m, m);
        for v in 0..m {
            let k = 1 + next(4) as usize;
            let mut weights: Vec<(u32, f64)> = Vec::new();
            // A ring keeps the part strongly connected.
            if m > 1 {
                weights.push((((v + 1) % m) as u32, 1.0 + next(5) as f64));
            }
            for _ in 0..k {
                let j = next(m as u64) as u32;
                if j as usize != v && !weights.iter().any(|&(t, _)| t == j) {
                    weights.push((j, 1.0 + next(9) as f64));
                }
            }
            let leave = next(4) as f64;
            let total: f64 = weights.iter().map(|w| w.1).sum::<f64>() + leave + 0.5;
            let row: Vec<(u32, f64)> = weights.iter().map(|&(j, w)| (j, w / total)).collect();
            for &(j, q) in &row {
                a[(v, j as usize)] -= q;
            }
            exit.push((leave + 0.5) / total);
            out.push(row);
        }
        (out, exit, a)
    }

    #[test]
    fn solves_and_entries_match_a_dense_inverse() {
        for (m, seed) in [(1, 3), (2, 5), (7, 11), (40, 13), (150, 17)] {
            let (out, exit, a) = part(m, seed);
            let f = Factor::new(out, exit, usize::MAX).unwrap();
            let inv = a.clone().try_inverse().unwrap();
            let mut work = Vec::new();
            let b: Vec<f64> = (0..m).map(|i| (i % 5) as f64 + 0.25).collect();
            let mut x = b.clone();
            f.solve(&mut x, &mut work);
            let want = &inv * DMatrix::from_column_slice(m, 1, &b);
            let mut xt = b.clone();
            f.solve_transpose(&mut xt, &mut work);
            let want_t = inv.transpose() * DMatrix::from_column_slice(m, 1, &b);
            for i in 0..m {
                assert!((x[i] - want[i]).abs() <= 1e-12 * want[i].abs().max(1.0));
                assert!((xt[i] - want_t[i]).abs() <= 1e-12 * want_t[i].abs().max(1.0));
            }
            let mut s = Scratch::default();
            let rows: Vec<u32> = (0..m as u32).step_by(3).collect();
            let mut got = vec![0.0; rows.len()];
            for col in 0..m as u32 {
                f.column_entries(&rows, col, &mut got, &mut s);
                for (r, g) in rows.iter().zip(&got) {
                    let w = inv[(*r as usize, col as usize)];
                    assert!(
                        (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                        "m {m} ({r}, {col})"
                    );
                }
            }
        }
    }

    #[test]
    fn refuses_beyond_the_budget_and_parts_that_cannot_be_left() {
        let (out, exit, _) = part(150, 19);
        assert!(Factor::new(out.clone(), exit.clone(), 100).is_none());
        let full = Factor::new(out, exit, usize::MAX).unwrap();
        assert!(full.entries() >= 150);
        // Two states leading only to each other.
        let out = vec![vec![(1, 1.0)], vec![(0, 1.0)]];
        assert!(Factor::new(out, vec![0.0, 0.0], usize::MAX).is_none());
    }
}
