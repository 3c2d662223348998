//! Dense LU of one strongly connected part of the chain whose sparse factors would fill
//! in (a few thousand channels following each other at random), with the diagonal of the
//! inverse for the removal effects.
//!
//! The same state reduction as the sparse factors (`factor.rs`) in natural order: d_k =
//! e_k − Σ_{j>k} a_kj (a_kj ≤ 0 off the diagonal, e the probability of leaving the
//! part), so the pivots are sums of non-negative terms (Grassmann, Taksar & Heyman 1985)
//! and no pivoting is needed. The elimination is blocked: within a block of [`BLOCK`]
//! pivot rows the pivots are found as above, with the sum of each row beyond the block
//! carried along like the exit probabilities; the rest of the work (the multipliers below
//! the block, the block's rows to its right, the trailing update, and the triangular
//! inverses behind the diagonal of (I − Q)⁻¹) is matrix products through nalgebra's
//! `gemm` (`matrixmultiply`, which picks AVX2/AVX-512 kernels at run time).

use std::cell::OnceCell;

use nalgebra::{DMatrix, DMatrixViewMut};

/// Pivot rows eliminated together; the matrix products work on panels this wide.
const BLOCK: usize = 96;
/// Block size of the triangular inverses behind the diagonal of N: their products are
/// many tiles of this size, whose operands are packed once per product.
const INVERSE_BLOCK: usize = 192;
/// Columns of the trailing matrix updated by one matrix product (one task each with the
/// `parallel` feature).
const COLUMNS: usize = 512;

/// The LU factors of I − Q on one part (column-major, L unit lower below the diagonal,
/// U on and above it), and lazily the diagonal of (I − Q)⁻¹.
#[derive(Debug, Clone)]
pub(crate) struct Dense {
    m: usize,
    lu: DMatrix<f64>,
    diagonal: OnceCell<Vec<f64>>,
}

impl Dense {
    /// Factorises I − Q for a part of `m` states: `out[v]` are the transitions of local
    /// state v to the other states of the part, `exit[v]` the probability of leaving it.
    /// `None` when a pivot is not positive (a set of states that cannot be left).
    pub(crate) fn new(out: &[Vec<(u32, f64)>], mut exit: Vec<f64>) -> Option<Dense> {
        let m = out.len();
        let mut a = DMatrix::<f64>::zeros(m, m);
        for (v, row) in out.iter().enumerate() {
            for &(j, q) in row {
                a[(v, j as usize)] -= q;
            }
        }
        let width = BLOCK.min(m);
        let below = m.saturating_sub(width);
        // Work space for the panels of one block, reused.
        let mut u12 = DMatrix::<f64>::zeros(width, below);
        let mut l21 = DMatrix::<f64>::zeros(below, width);
        let mut rest = vec![0.0; width];
        let mut rows = Vec::new();
        let mut k0 = 0;
        while k0 < m {
            let k1 = (k0 + BLOCK).min(m);
            let b = k1 - k0;
            // Σ_{j ≥ k1} a_kj of each pivot row (all ≤ 0): its part of the pivot sums,
            // reduced within the block like the exit probabilities.
            let rest = &mut rest[..b];
            rest.fill(0.0);
            for col in a.as_slice().chunks_exact(m).skip(k1) {
                for (s, &x) in rest.iter_mut().zip(&col[k0..k1]) {
                    *s += x;
                }
            }
            for k in k0..k1 {
                let off: f64 = (k + 1..k1).map(|j| a[(k, j)]).sum::<f64>() + rest[k - k0];
                let d = exit[k] - off;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                a[(k, k)] = d;
                // Multipliers of the block's rows below k (column k, contiguous).
                let (ek, rk) = (exit[k], rest[k - k0]);
                for i in k + 1..k1 {
                    let l = a[(i, k)] / d;
                    a[(i, k)] = l;
                    exit[i] -= l * ek;
                    rest[i - k0] -= l * rk;
                }
                for j in k + 1..k1 {
                    let u = a[(k, j)];
                    if u == 0.0 {
                        continue;
                    }
                    let (left, right) = a.as_mut_slice().split_at_mut(j * m);
                    for (x, &l) in right[k + 1..k1]
                        .iter_mut()
                        .zip(&left[k * m + k + 1..k * m + k1])
                    {
                        *x -= l * u;
                    }
                }
            }
            if k1 < m {
                let n = m - k1;
                let block = a.view_range(k0..k1, k0..k1);
                let l11_inv = unit_lower_inverse(&block);
                let u11_inv = upper_inverse(&block);
                // U12 = L11⁻¹ A12 and L21 = A21 U11⁻¹ (all ≤ 0: products of terms of
                // one sign).
                let mut p12 = u12.view_mut((0, 0), (b, n));
                p12.gemm(1.0, &l11_inv, &a.view_range(k0..k1, k1..m), 0.0);
                a.view_range_mut(k0..k1, k1..m).copy_from(&p12);
                let mut p21 = l21.view_mut((0, 0), (n, b));
                p21.gemm(1.0, &a.view_range(k1..m, k0..k1), &u11_inv, 0.0);
                a.view_range_mut(k1..m, k0..k1).copy_from(&p21);
                // exit₂ −= L21 exit₁; the trailing update A22 −= L21 U12 (its diagonal
                // is never read: each pivot is recomputed from its row).
                let (done, later) = exit.split_at_mut(k1);
                for (c, &e) in done[k0..].iter().enumerate() {
                    if e != 0.0 {
                        for (x, &l) in later.iter_mut().zip(p21.column(c).iter()) {
                            *x -= l * e;
                        }
                    }
                }
                trailing_update(&mut a, k1, &p21, &p12, &mut rows);
            }
            k0 = k1;
        }
        Some(Dense {
            m,
            lu: a,
            diagonal: OnceCell::new(),
        })
    }

    fn column(&self, j: usize) -> &[f64] {
        &self.lu.as_slice()[j * self.m..(j + 1) * self.m]
    }

    /// Solves (I − Q) x = b in place (column by column of L and U, skipping zeros).
    pub(crate) fn solve(&self, b: &mut [f64]) {
        let m = self.m;
        for k in 0..m {
            let y = b[k];
            if y != 0.0 {
                for (x, &l) in b[k + 1..].iter_mut().zip(&self.column(k)[k + 1..]) {
                    *x -= l * y;
                }
            }
        }
        for k in (0..m).rev() {
            let col = self.column(k);
            let y = b[k] / col[k];
            b[k] = y;
            if y != 0.0 {
                for (x, &u) in b[..k].iter_mut().zip(&col[..k]) {
                    *x -= u * y;
                }
            }
        }
    }

    /// Solves (I − Q)ᵀ x = b in place.
    pub(crate) fn solve_transpose(&self, b: &mut [f64]) {
        let m = self.m;
        // Uᵀ y = b: y_i needs column i of U above the diagonal, from the first non-zero.
        let first = b.iter().position(|&x| x != 0.0).unwrap_or(m);
        for i in first..m {
            let col = self.column(i);
            let s: f64 = col[first..i]
                .iter()
                .zip(&b[first..i])
                .map(|(u, y)| u * y)
                .sum();
            b[i] = (b[i] - s) / col[i];
        }
        // Lᵀ x = y, backwards: column i of L below the diagonal.
        for i in (0..m).rev() {
            let col = self.column(i);
            let s: f64 = col[i + 1..]
                .iter()
                .zip(&b[i + 1..])
                .map(|(l, x)| l * x)
                .sum();
            b[i] -= s;
        }
    }

    /// ((I − Q)⁻¹)_ss for every local state s, computed once: N_ss = Σ_k (U⁻¹)_sk (L⁻¹)_ks.
    ///
    /// One m × m matrix holds U⁻¹ on and above the diagonal and L⁻¹ below it, both built
    /// by block columns of [`INVERSE_BLOCK`] with matrix products that skip the zero
    /// triangles (m³/3 multiply-adds in all); the diagonal blocks are also kept apart,
    /// clean. The tiles of a block column are independent (one task each with the
    /// `parallel` feature; each takes the same operations whatever the number of
    /// threads).
    pub(crate) fn diagonal(&self) -> &[f64] {
        self.diagonal.get_or_init(|| {
            let m = self.m;
            let nb = m.div_ceil(INVERSE_BLOCK);
            let range = |i: usize| i * INVERSE_BLOCK..((i + 1) * INVERSE_BLOCK).min(m);
            let lu = &self.lu;
            let mut inv = DMatrix::<f64>::zeros(m, m);
            let mut x_diag: Vec<DMatrix<f64>> = Vec::with_capacity(nb);
            let mut y_diag: Vec<DMatrix<f64>> = Vec::with_capacity(nb);
            for jb in 0..nb {
                let jr = range(jb);
                let (j0, b) = (jr.start, jr.len());
                let block = lu.view_range(jr.clone(), jr.clone());
                let x_jj = upper_inverse(&block);
                let y_jj = unit_lower_inverse(&block);
                // For the block row I < J: X_IJ = −(Σ_{I ≤ K < J} X_IK U_KJ) X_JJ and
                // Y_JI = −Y_JJ (Σ_{I ≤ K < J} L_JK Y_KI).
                let tile = |ib: usize| -> (DMatrix<f64>, DMatrix<f64>) {
                    let ir = range(ib);
                    let (i1, h) = (ir.end, ir.len());
                    let mut w = DMatrix::<f64>::zeros(h, b);
                    w.gemm(
                        1.0,
                        &x_diag[ib],
                        &lu.view_range(ir.clone(), jr.clone()),
                        0.0,
                    );
                    let mut wt = DMatrix::<f64>::zeros(b, h);
                    wt.gemm(
                        1.0,
                        &lu.view_range(jr.clone(), ir.clone()),
                        &y_diag[ib],
                        0.0,
                    );
                    if i1 < j0 {
                        w.gemm(
                            1.0,
                            &inv.view_range(ir.clone(), i1..j0),
                            &lu.view_range(i1..j0, jr.clone()),
                            1.0,
                        );
                        wt.gemm(
                            1.0,
                            &lu.view_range(jr.clone(), i1..j0),
                            &inv.view_range(i1..j0, ir.clone()),
                            1.0,
                        );
                    }
                    let mut x = DMatrix::<f64>::zeros(h, b);
                    x.gemm(-1.0, &w, &x_jj, 0.0);
                    let mut y = DMatrix::<f64>::zeros(b, h);
                    y.gemm(-1.0, &y_jj, &wt, 0.0);
                    (x, y)
                };
                #[cfg(feature = "parallel")]
                let tiles: Vec<(DMatrix<f64>, DMatrix<f64>)> = {
                    use rayon::prelude::*;
                    (0..jb).into_par_iter().map(tile).collect()
                };
                #[cfg(not(feature = "parallel"))]
                let tiles: Vec<(DMatrix<f64>, DMatrix<f64>)> = (0..jb).map(tile).collect();
                for (ib, (x, y)) in tiles.iter().enumerate() {
                    let ir = range(ib);
                    inv.view_range_mut(ir.clone(), jr.clone()).copy_from(x);
                    inv.view_range_mut(jr.clone(), ir).copy_from(y);
                }
                x_diag.push(x_jj);
                y_diag.push(y_jj);
            }
            // N_ss = Σ_{k ≥ s} X_sk Y_ks, tile by tile of the two triangles.
            let mut diag = vec![0.0; m];
            let rows = |(ib, out): (usize, &mut [f64])| {
                let ir = range(ib);
                let (x_ii, y_ii) = (&x_diag[ib], &y_diag[ib]);
                for (s, n) in out.iter_mut().enumerate() {
                    *n = (s..ir.len()).map(|k| x_ii[(s, k)] * y_ii[(k, s)]).sum();
                }
                for k in ir.end..m {
                    let x_col = &inv.as_slice()[k * m..(k + 1) * m];
                    for (n, s) in out.iter_mut().zip(ir.clone()) {
                        *n += x_col[s] * inv[(k, s)];
                    }
                }
            };
            #[cfg(feature = "parallel")]
            {
                use rayon::prelude::*;
                diag.par_chunks_mut(INVERSE_BLOCK)
                    .enumerate()
                    .for_each(rows);
            }
            #[cfg(not(feature = "parallel"))]
            diag.chunks_mut(INVERSE_BLOCK).enumerate().for_each(rows);
            diag
        })
    }
}

/// A22 −= L21 U12 on the trailing matrix from row and column `k1`, in chunks of
/// [`COLUMNS`] columns (one task each with the `parallel` feature; every chunk takes
/// the same operations whatever the number of threads). While the elimination has not
/// spread through the part (the states eliminated so far reach few others), most rows
/// of L21 and columns of U12 are zero: a chunk's product then runs on the others only
/// and is added back entry by entry.
fn trailing_update(
    a: &mut DMatrix<f64>,
    k1: usize,
    l21: &DMatrixViewMut<'_, f64>,
    u12: &DMatrixViewMut<'_, f64>,
    rows: &mut Vec<usize>,
) {
    let m = a.nrows();
    let n = l21.nrows();
    let b = l21.ncols();
    let mut live = vec![false; n];
    for c in 0..b {
        for (flag, &l) in live.iter_mut().zip(l21.column(c).iter()) {
            *flag |= l != 0.0;
        }
    }
    rows.clear();
    rows.extend((0..n).filter(|&r| live[r]));
    if rows.is_empty() {
        return;
    }
    let rows: &[usize] = rows;
    // The live rows of L21, for the chunks that gather.
    let gathered = DMatrix::from_fn(rows.len(), b, |i, c| l21[(rows[i], c)]);
    let chunk = |(i, target): (usize, &mut [f64])| {
        let w = target.len() / m;
        let u = u12.columns(i * COLUMNS, w);
        let cols: Vec<usize> = (0..w)
            .filter(|&c| u.column(c).iter().any(|&x| x != 0.0))
            .collect();
        if cols.is_empty() {
            return;
        }
        // Gathering pays only while the product shrinks by more than a third.
        if 3 * rows.len() * cols.len() >= 2 * n * w {
            DMatrixViewMut::from_slice(target, m, w)
                .rows_mut(k1, n)
                .gemm(-1.0, l21, &u, 1.0);
            return;
        }
        let ug = DMatrix::from_fn(b, cols.len(), |c, j| u[(c, cols[j])]);
        let t = &gathered * &ug;
        for (j, &c) in cols.iter().enumerate() {
            let col = &mut target[c * m..(c + 1) * m];
            for (&r, &x) in rows.iter().zip(t.column(j).iter()) {
                col[k1 + r] -= x;
            }
        }
    };
    let tail = &mut a.as_mut_slice()[k1 * m..];
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        tail.par_chunks_mut(COLUMNS * m).enumerate().for_each(chunk);
    }
    #[cfg(not(feature = "parallel"))]
    tail.chunks_mut(COLUMNS * m).enumerate().for_each(chunk);
}

/// The inverse of the unit lower triangle (the part below the diagonal) of a square block.
fn unit_lower_inverse<S: nalgebra::Storage<f64, nalgebra::Dyn, nalgebra::Dyn>>(
    l: &nalgebra::Matrix<f64, nalgebra::Dyn, nalgebra::Dyn, S>,
) -> DMatrix<f64> {
    let b = l.nrows();
    let mut inv = DMatrix::identity(b, b);
    // Column j of the inverse: forward substitution of e_j, column by column of L.
    for j in 0..b {
        for k in j..b {
            let y = inv[(k, j)];
            if y != 0.0 {
                for i in k + 1..b {
                    inv[(i, j)] -= l[(i, k)] * y;
                }
            }
        }
    }
    inv
}

/// The inverse of the upper triangle (on and above the diagonal) of a square block.
fn upper_inverse<S: nalgebra::Storage<f64, nalgebra::Dyn, nalgebra::Dyn>>(
    u: &nalgebra::Matrix<f64, nalgebra::Dyn, nalgebra::Dyn, S>,
) -> DMatrix<f64> {
    let b = u.nrows();
    let mut inv = DMatrix::zeros(b, b);
    // Column j of the inverse: backward substitution of e_j, column by column of U.
    for j in 0..b {
        inv[(j, j)] = 1.0;
        for k in (0..=j).rev() {
            let y = inv[(k, j)] / u[(k, k)];
            inv[(k, j)] = y;
            if y != 0.0 {
                for i in 0..k {
                    inv[(i, j)] -= u[(i, k)] * y;
                }
            }
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    /// A random part of `m` states (about a quarter of the pairs linked, and a ring so
    /// that it is strongly connected): the transitions and the exit probabilities.
    fn random_part(m: usize, seed: u64) -> (Vec<Vec<(u32, f64)>>, Vec<f64>) {
        let mut next = crate::attribution::markov::test_stream(seed);
        let mut out = Vec::new();
        let mut exit = Vec::new();
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
            }
            exit.push(leave / total);
            out.push(row);
        }
        (out, exit)
    }

    #[test]
    fn solves_and_the_diagonal_match_a_dense_inverse() {
        // 130 and 300 cross blocks of the elimination (96), 300 with a short last block.
        for m in [1usize, 2, 5, 60, 96, 130, 300] {
            let (out, exit) = random_part(m, 0x2545_f491_4f6c_dd1d);
            let mut a = DMatrix::<f64>::identity(m, m);
            for (v, row) in out.iter().enumerate() {
                for &(j, q) in row {
                    a[(v, j as usize)] -= q;
                }
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

    #[test]
    fn many_blocks_solve_to_small_residuals_and_the_diagonal_matches_the_columns() {
        // Too large for a dense inverse in a debug test: the solves are checked by their
        // residuals against I − Q, and the diagonal against columns of the inverse.
        let m = 1000;
        let (out, exit) = random_part(m, 0x9e37_79b9_7f4a_7c15);
        let d = Dense::new(&out, exit).unwrap();
        let residual = |x: &[f64], b: &[f64], transpose: bool| -> f64 {
            let mut r: Vec<f64> = x.iter().zip(b).map(|(x, b)| x - b).collect();
            for (v, row) in out.iter().enumerate() {
                for &(j, q) in row {
                    if transpose {
                        r[j as usize] -= q * x[v];
                    } else {
                        r[v] -= q * x[j as usize];
                    }
                }
            }
            // Relative to the size of the solution: a backward error of a few m · ε.
            let size = x.iter().fold(0.0f64, |a, x| a.max(x.abs()));
            r.iter().fold(0.0f64, |a, r| a.max(r.abs())) / size
        };
        let b: Vec<f64> = (0..m).map(|i| (i % 5) as f64 + 0.25).collect();
        let mut x = b.clone();
        d.solve(&mut x);
        assert!(
            residual(&x, &b, false) <= 1e-12,
            "{}",
            residual(&x, &b, false)
        );
        let mut xt = b.clone();
        d.solve_transpose(&mut xt);
        assert!(
            residual(&xt, &b, true) <= 1e-12,
            "{}",
            residual(&xt, &b, true)
        );
        for s in (0..m).step_by(37).chain([95, 96, 191, 192, m - 1]) {
            let mut e = vec![0.0; m];
            e[s] = 1.0;
            d.solve(&mut e);
            let n = d.diagonal()[s];
            assert!(
                (n - e[s]).abs() <= 1e-12 * e[s],
                "state {s}: {n} vs {}",
                e[s]
            );
        }
    }

    #[cfg(feature = "parallel")]
    #[test]
    fn the_same_factors_and_diagonal_with_any_number_of_threads() {
        // Three column chunks of the trailing update and up to five tiles per block
        // column of the inverse.
        let m = 1100;
        let (out, exit) = random_part(m, 0x1234_5678_9abc_def1);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let d = Dense::new(&out, exit.clone()).unwrap();
                let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<u64>>();
                (bits(d.lu.as_slice()), bits(d.diagonal()))
            })
        };
        let one = run(1);
        for threads in [2, 3] {
            assert!(run(threads) == one, "{threads} threads");
        }
    }
}
