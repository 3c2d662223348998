//! Small dense symmetric positive-definite kernels (Cholesky, inverse, log-determinant),
//! written for the 5-50 variable matrices of SEM, where they beat nalgebra's: with
//! nalgebra's `Cholesky` in their place the `pd_sem` and `cocreation_sem` fits take 5-40%
//! longer (`docs/validation.md`, "Hand-written kernels"). Every Cholesky factorisation of
//! estimation and fit goes through [`Chol`]; factor scores, which factorise once per call
//! and need matrix right-hand sides, use nalgebra's.
//!
//! [`BlockChol`] is the other size: the hundreds-to-thousands-row matrices of the saturated
//! model's moments (MLR with FIML), factorised and solved by blocks so that nearly all the
//! work is matrix products (nalgebra's `gemm`, which runs on `matrixmultiply`).

use nalgebra::{DMatrix, Dyn, Matrix, StorageMut};

/// Dot product with four accumulators (lets the compiler vectorise). Exact chunks of four
/// leave the loop without bounds checks, so the four sums run as SIMD lanes; the order of the additions is fixed (lane by lane, then `(0 + 1) + (2 + 3)`
/// and the tail), so the result does not depend on how it is compiled.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ar, br) = (ac.remainder(), bc.remainder());
    let mut acc = [0.0f64; 4];
    for (x, y) in ac.zip(bc) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ar.iter().zip(br) {
        s += x * y;
    }
    s
}

/// A Cholesky factor `L` (lower, row-major `p × p`) of a symmetric positive-definite matrix.
#[derive(Debug, Clone)]
pub(crate) struct Chol {
    pub p: usize,
    pub l: Vec<f64>,
}

impl Chol {
    /// Factorises `a` (only its lower triangle is read); `None` if not positive definite.
    pub fn new(a: &DMatrix<f64>) -> Option<Chol> {
        let p = a.nrows();
        let mut l = vec![0.0; p * p];
        for j in 0..p {
            let rj = &l[j * p..j * p + j];
            let d = a[(j, j)] - dot(rj, rj);
            if d.is_nan() || d <= 0.0 {
                return None;
            }
            let djj = d.sqrt();
            l[j * p + j] = djj;
            for i in j + 1..p {
                let s = a[(i, j)] - dot(&l[i * p..i * p + j], &l[j * p..j * p + j]);
                l[i * p + j] = s / djj;
            }
        }
        Some(Chol { p, l })
    }

    /// `log |A|`.
    pub fn logdet(&self) -> f64 {
        2.0 * (0..self.p)
            .map(|i| self.l[i * self.p + i].ln())
            .sum::<f64>()
    }

    /// `A⁻¹` as a symmetric matrix.
    pub fn inverse(&self) -> DMatrix<f64> {
        let p = self.p;
        let l = &self.l;
        // u[j * p + k] = (L⁻¹)[k][j]: row j of u is column j of L⁻¹ (zero above k < j).
        let mut u = vec![0.0; p * p];
        for j in 0..p {
            u[j * p + j] = 1.0 / l[j * p + j];
            for i in j + 1..p {
                let s = dot(&l[i * p + j..i * p + i], &u[j * p + j..j * p + i]);
                u[j * p + i] = -s / l[i * p + i];
            }
        }
        let mut w = DMatrix::zeros(p, p);
        for i in 0..p {
            for j in 0..=i {
                let s = dot(&u[i * p + i..(i + 1) * p], &u[j * p + i..(j + 1) * p]);
                w[(i, j)] = s;
                w[(j, i)] = s;
            }
        }
        w
    }

    /// Solves `A x = b` in place.
    pub fn solve_in_place(&self, b: &mut [f64]) {
        let p = self.p;
        for i in 0..p {
            let s = b[i] - dot(&self.l[i * p..i * p + i], &b[..i]);
            b[i] = s / self.l[i * p + i];
        }
        for i in (0..p).rev() {
            let mut s = b[i];
            for (k, bk) in b.iter().enumerate().skip(i + 1) {
                s -= self.l[k * p + i] * bk;
            }
            b[i] = s / self.l[i * p + i];
        }
    }
}

/// Block size of [`BlockChol`].
const BLOCK: usize = 96;

/// A blocked Cholesky factorisation `A = L L'` of a large symmetric positive-definite
/// matrix, for solving with many right-hand sides.
///
/// One `d × d` matrix holds both triangles: `L` strictly below the diagonal blocks and
/// `L'` strictly above them, so that the backward solve reads `L'` as contiguous
/// column panels and no second `d × d` copy is made (for the `d` of MLR with FIML, a
/// few megabytes of fresh memory per fit).
#[derive(Debug, Clone)]
pub(crate) struct BlockChol {
    /// `L` below the diagonal blocks, `L'` above them; the diagonal blocks are unused.
    f: DMatrix<f64>,
    /// Each diagonal block of `L`.
    diag: Vec<DMatrix<f64>>,
    /// The inverse of each diagonal block of `L`, so that the solves within a block are
    /// matrix products as well.
    diag_inv: Vec<DMatrix<f64>>,
    /// The transpose of each of those inverses.
    diag_inv_t: Vec<DMatrix<f64>>,
}

impl BlockChol {
    /// Factorises `a` (only its lower triangle is read); `None` if not positive definite.
    pub fn new(mut a: DMatrix<f64>) -> Option<BlockChol> {
        let d = a.nrows();
        let nblocks = d.div_ceil(BLOCK);
        let mut diag = Vec::with_capacity(nblocks);
        let mut diag_inv = Vec::with_capacity(nblocks);
        let mut diag_inv_t = Vec::with_capacity(nblocks);
        // Work space for one panel below a diagonal block and its transpose, reused.
        let below = d.saturating_sub(BLOCK);
        let mut l21 = DMatrix::<f64>::zeros(below, BLOCK.min(d));
        let mut l21t = DMatrix::<f64>::zeros(BLOCK.min(d), below);
        let mut k0 = 0;
        while k0 < d {
            let k1 = (k0 + BLOCK).min(d);
            // Diagonal block (already updated by the blocks on its left), unblocked.
            let mut l11 = a.view_range(k0..k1, k0..k1).into_owned();
            let b = k1 - k0;
            for j in 0..b {
                let mut djj = l11[(j, j)];
                for l in 0..j {
                    djj -= l11[(j, l)] * l11[(j, l)];
                }
                if djj.is_nan() || djj <= 0.0 {
                    return None;
                }
                let djj = djj.sqrt();
                l11[(j, j)] = djj;
                for i in j + 1..b {
                    let mut s = l11[(i, j)];
                    for l in 0..j {
                        s -= l11[(i, l)] * l11[(j, l)];
                    }
                    l11[(i, j)] = s / djj;
                }
                for i in 0..j {
                    l11[(i, j)] = 0.0;
                }
            }
            let inv = lower_inverse(&l11);
            let inv_t = inv.transpose();
            if k1 < d {
                let m = d - k1;
                // Panel below: L21 = A21 L11^-T, stored below the block and, transposed,
                // to its right.
                let mut p21 = l21.view_mut((0, 0), (m, b));
                p21.gemm(1.0, &a.view_range(k1..d, k0..k1), &inv_t, 0.0);
                a.view_range_mut(k1..d, k0..k1).copy_from(&p21);
                let mut p21t = l21t.view_mut((0, 0), (b, m));
                p21.transpose_to(&mut p21t);
                a.view_range_mut(k0..k1, k1..d).copy_from(&p21t);
                // Trailing update A22 -= L21 L21', block column by block column (lower
                // triangle only, as matrix products).
                let mut j0 = k1;
                while j0 < d {
                    let j1 = (j0 + BLOCK).min(d);
                    a.view_range_mut(j0..d, j0..j1).gemm(
                        -1.0,
                        &p21.rows_range(j0 - k1..m),
                        &p21t.columns_range(j0 - k1..j1 - k1),
                        1.0,
                    );
                    j0 = j1;
                }
            }
            diag.push(l11);
            diag_inv.push(inv);
            diag_inv_t.push(inv_t);
            k0 = k1;
        }
        Some(BlockChol {
            f: a,
            diag,
            diag_inv,
            diag_inv_t,
        })
    }

    /// Dimension.
    pub fn dim(&self) -> usize {
        self.f.nrows()
    }

    /// `L' B` for a `d × m` matrix `B`.
    pub fn lt_mul(&self, b: &DMatrix<f64>) -> DMatrix<f64> {
        let d = self.dim();
        let mut out = DMatrix::zeros(d, b.ncols());
        let mut k0 = 0;
        for l11 in &self.diag {
            let k1 = k0 + l11.nrows();
            let mut rows = out.rows_range_mut(k0..k1);
            rows.gemm(1.0, &l11.transpose(), &b.rows_range(k0..k1), 0.0);
            if k1 < d {
                rows.gemm(
                    1.0,
                    &self.f.view_range(k0..k1, k1..d),
                    &b.rows_range(k1..d),
                    1.0,
                );
            }
            k0 = k1;
        }
        out
    }

    /// Solves `L Z = B` in place for a `d × m` right-hand side (so that `‖Z‖²` is
    /// `tr(B' A⁻¹ B)`).
    pub fn forward_in_place<S: StorageMut<f64, Dyn, Dyn>>(&self, x: &mut Matrix<f64, Dyn, Dyn, S>) {
        let d = self.dim();
        let mut cur = DMatrix::<f64>::zeros(BLOCK.min(d), x.ncols());
        let mut k0 = 0;
        for inv in &self.diag_inv {
            let k1 = (k0 + BLOCK).min(d);
            if k0 > 0 {
                let (top, mut rows) = x.rows_range_pair_mut(0..k0, k0..k1);
                rows.gemm(-1.0, &self.f.view_range(k0..k1, 0..k0), &top, 1.0);
            }
            let mut c = cur.rows_range_mut(0..k1 - k0);
            c.copy_from(&x.rows_range(k0..k1));
            x.rows_range_mut(k0..k1).gemm(1.0, inv, &c, 0.0);
            k0 = k1;
        }
    }

    /// Solves `L' X = Z` in place for a `d × m` right-hand side.
    pub fn backward_in_place<S: StorageMut<f64, Dyn, Dyn>>(
        &self,
        x: &mut Matrix<f64, Dyn, Dyn, S>,
    ) {
        let d = self.dim();
        let mut cur = DMatrix::<f64>::zeros(BLOCK.min(d), x.ncols());
        for (blk, inv_t) in self.diag_inv_t.iter().enumerate().rev() {
            let k0 = blk * BLOCK;
            let k1 = (k0 + BLOCK).min(d);
            if k1 < d {
                let (mut rows, below) = x.rows_range_pair_mut(k0..k1, k1..d);
                rows.gemm(-1.0, &self.f.view_range(k0..k1, k1..d), &below, 1.0);
            }
            let mut c = cur.rows_range_mut(0..k1 - k0);
            c.copy_from(&x.rows_range(k0..k1));
            x.rows_range_mut(k0..k1).gemm(1.0, inv_t, &c, 0.0);
        }
    }

    /// Solves `A X = B` in place for a `d × m` right-hand side.
    #[cfg(test)]
    pub fn solve_in_place<S: StorageMut<f64, Dyn, Dyn>>(&self, x: &mut Matrix<f64, Dyn, Dyn, S>) {
        self.forward_in_place(x);
        self.backward_in_place(x);
    }
}

/// The inverse of a lower-triangular matrix with a positive diagonal.
fn lower_inverse(l: &DMatrix<f64>) -> DMatrix<f64> {
    let b = l.nrows();
    let mut inv = DMatrix::zeros(b, b);
    for j in 0..b {
        inv[(j, j)] = 1.0 / l[(j, j)];
        for i in j + 1..b {
            let mut s = 0.0;
            for k in j..i {
                s += l[(i, k)] * inv[(k, j)];
            }
            inv[(i, j)] = -s / l[(i, i)];
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_and_logdet() {
        let a = DMatrix::from_row_slice(3, 3, &[4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0]);
        let c = Chol::new(&a).unwrap();
        let w = c.inverse();
        let id = &a * &w;
        for i in 0..3 {
            for j in 0..3 {
                assert!((id[(i, j)] - if i == j { 1.0 } else { 0.0 }).abs() < 1e-14);
            }
        }
        assert!((c.logdet() - a.determinant().ln()).abs() < 1e-13);
        let mut b = vec![1.0, 2.0, 3.0];
        c.solve_in_place(&mut b);
        let back = &a * nalgebra::DVector::from_vec(b);
        assert!((back[2] - 3.0).abs() < 1e-13);
        assert!(Chol::new(&DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0])).is_none());
    }

    #[test]
    fn block_cholesky_solves_across_block_boundaries() {
        for d in [1usize, 5, 64, 65, 150] {
            let m = DMatrix::from_fn(d, d, |i, j| ((i * 7 + j * 13) % 17) as f64 / 17.0 - 0.5);
            let a = &m * m.transpose() + DMatrix::identity(d, d) * (d as f64);
            let ch = BlockChol::new(a.clone()).unwrap();
            let b = DMatrix::from_fn(d, 3, |i, c| (i + c) as f64 * 0.1 - 1.0);
            let mut x = b.clone();
            ch.solve_in_place(&mut x);
            assert!((&a * &x - &b).amax() < 1e-10, "d = {d}");
            // L' B, and ‖L⁻¹B‖² = tr(B' A⁻¹ B).
            let mut z = b.clone();
            ch.forward_in_place(&mut z);
            let lz = ch.lt_mul(&z);
            let mut back = lz.clone();
            ch.backward_in_place(&mut back);
            assert!((&back - &z).amax() < 1e-10, "d = {d}");
            assert!((z.norm_squared() - (b.transpose() * &x).trace()).abs() < 1e-9);
        }
        let mut not_pd = DMatrix::identity(70, 70);
        not_pd[(66, 66)] = -1.0;
        assert!(BlockChol::new(not_pd).is_none());
    }
}
