//! Dense LU of one strongly connected part of the chain whose sparse factors would fill
//! in (a few thousand channels following each other at random), with the diagonal of the
//! inverse for the removal effects.
//!
//! The same state reduction as the sparse factors (`factor.rs`) in natural order, on a
//! row-major matrix: d_k = e_k − Σ_{j>k} a_kj (a_kj ≤ 0 off the diagonal, e the
//! probability of leaving the part), so the pivots are sums of non-negative terms
//! (Grassmann, Taksar & Heyman 1985) and no pivoting is needed. The inner loops run
//! over contiguous rows.

use std::cell::OnceCell;

/// The LU factors of I − Q on one part (row-major, L unit lower below the diagonal, U
/// on and above it), and lazily the diagonal of (I − Q)⁻¹.
#[derive(Debug, Clone)]
pub(crate) struct Dense {
    m: usize,
    lu: Vec<f64>,
    diagonal: OnceCell<Vec<f64>>,
}

impl Dense {
    /// Factorises I − Q for a part of `m` states: `out[v]` are the transitions of local
    /// state v to the other states of the part, `exit[v]` the probability of leaving it.
    /// `None` when a pivot is not positive (a set of states that cannot be left).
    pub(crate) fn new(out: &[Vec<(u32, f64)>], mut exit: Vec<f64>) -> Option<Dense> {
        let m = out.len();
        let mut a = vec![0.0; m * m];
        for (v, row) in out.iter().enumerate() {
            for &(j, q) in row {
                a[v * m + j as usize] -= q;
            }
        }
        for k in 0..m {
            let (done, rest) = a.split_at_mut((k + 1) * m);
            let row_k = &mut done[k * m..];
            let off: f64 = row_k[k + 1..].iter().sum();
            let d = exit[k] - off;
            if !(d > 0.0 && d.is_finite()) {
                return None;
            }
            row_k[k] = d;
            let row_k = &row_k[..];
            for (r, row_i) in rest.chunks_exact_mut(m).enumerate() {
                let i = k + 1 + r;
                let a_ik = row_i[k];
                if a_ik == 0.0 {
                    continue;
                }
                let l = a_ik / d;
                row_i[k] = l;
                // Eliminating k sends i's transitions into k on along k's row; the part
                // of row k at and below i's own column k + 1.. holds −q̃_kj.
                for (x, &u) in row_i[k + 1..].iter_mut().zip(&row_k[k + 1..]) {
                    *x -= l * u;
                }
                exit[i] -= l * exit[k];
            }
        }
        Some(Dense {
            m,
            lu: a,
            diagonal: OnceCell::new(),
        })
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.lu[i * self.m..(i + 1) * self.m]
    }

    /// Solves (I − Q) x = b in place.
    pub(crate) fn solve(&self, b: &mut [f64]) {
        let m = self.m;
        for i in 0..m {
            let row = self.row(i);
            let s: f64 = row[..i].iter().zip(&b[..i]).map(|(l, x)| l * x).sum();
            b[i] -= s;
        }
        for i in (0..m).rev() {
            let row = self.row(i);
            let s: f64 = row[i + 1..]
                .iter()
                .zip(&b[i + 1..])
                .map(|(u, x)| u * x)
                .sum();
            b[i] = (b[i] - s) / row[i];
        }
    }

    /// Solves (I − Q)ᵀ x = b in place.
    pub(crate) fn solve_transpose(&self, b: &mut [f64]) {
        let m = self.m;
        // Uᵀ y = b, column by column of U.
        for i in 0..m {
            let row = self.row(i);
            let yi = b[i] / row[i];
            b[i] = yi;
            if yi != 0.0 {
                for (x, &u) in b[i + 1..].iter_mut().zip(&row[i + 1..]) {
                    *x -= u * yi;
                }
            }
        }
        // Lᵀ x = y, backwards.
        for i in (0..m).rev() {
            let xi = b[i];
            if xi != 0.0 {
                let row = self.row(i);
                for (x, &l) in b[..i].iter_mut().zip(&row[..i]) {
                    *x -= l * xi;
                }
            }
        }
    }

    /// ((I − Q)⁻¹)_ss for every local state s, computed once: N_ss = Σ_k (U⁻¹)_sk (L⁻¹)_ks.
    pub(crate) fn diagonal(&self) -> &[f64] {
        self.diagonal.get_or_init(|| {
            let m = self.m;
            // Upper part: U⁻¹ by rows from the bottom; strictly lower part: L⁻¹ (unit
            // diagonal implied) by rows from the top.
            let mut inv = vec![0.0; m * m];
            for i in (0..m).rev() {
                let u = self.row(i);
                let (head, tail) = inv.split_at_mut((i + 1) * m);
                let row_i = &mut head[i * m..];
                row_i[i] = 1.0;
                for (k, row_k) in tail.chunks_exact(m).enumerate() {
                    let k = i + 1 + k;
                    let c = u[k];
                    if c != 0.0 {
                        for (x, &y) in row_i[k..].iter_mut().zip(&row_k[k..]) {
                            *x -= c * y;
                        }
                    }
                }
                let d = u[i];
                for x in &mut row_i[i..] {
                    *x /= d;
                }
            }
            for i in 0..m {
                let l = self.row(i);
                let (head, tail) = inv.split_at_mut(i * m);
                let row_i = &mut tail[..m];
                for (k, row_k) in head.chunks_exact(m).enumerate() {
                    let c = l[k];
                    if c != 0.0 {
                        // (L⁻¹)_ij −= L_ik (L⁻¹)_kj for j < k, and −L_ik at j = k.
                        for (x, &y) in row_i[..k].iter_mut().zip(&row_k[..k]) {
                            *x -= c * y;
                        }
                        row_i[k] -= c;
                    }
                }
            }
            (0..m)
                .map(|s| {
                    let u_row = &inv[s * m..(s + 1) * m];
                    // (L⁻¹)_ss = 1; below it the strictly lower part of column s.
                    u_row[s] + (s + 1..m).map(|k| u_row[k] * inv[k * m + s]).sum::<f64>()
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn solves_and_the_diagonal_match_a_dense_inverse() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for m in [1usize, 2, 5, 60, 130] {
            let mut out = Vec::new();
            let mut exit = Vec::new();
            let mut a = DMatrix::<f64>::identity(m, m);
            for v in 0..m {
                let mut row: Vec<(u32, f64)> = Vec::new();
                for j in 0..m {
                    if j != v && (j == (v + 1) % m || next(4) == 0) {
                        row.push((j as u32, 1.0 + next(7) as f64));
                    }
                }
                let leave = 0.5 + next(3) as f64;
                let total: f64 = row.iter().map(|r| r.1).sum::<f64>() + leave;
                for r in &mut row {
                    r.1 /= total;
                    a[(v, r.0 as usize)] -= r.1;
                }
                exit.push(leave / total);
                out.push(row);
            }
            let d = Dense::new(&out, exit).unwrap();
            let inv = a.clone().try_inverse().unwrap();
            let b: Vec<f64> = (0..m).map(|i| (i % 3) as f64 + 0.5).collect();
            let mut x = b.clone();
            d.solve(&mut x);
            let mut xt = b.clone();
            d.solve_transpose(&mut xt);
            let bm = DMatrix::from_column_slice(m, 1, &b);
            let (want, want_t) = (&inv * &bm, inv.transpose() * &bm);
            for i in 0..m {
                assert!((x[i] - want[i]).abs() <= 1e-12 * want[i].abs().max(1.0));
                assert!((xt[i] - want_t[i]).abs() <= 1e-12 * want_t[i].abs().max(1.0));
                let n = inv[(i, i)];
                assert!((d.diagonal()[i] - n).abs() <= 1e-12 * n, "m {m} state {i}");
            }
        }
    }
}
