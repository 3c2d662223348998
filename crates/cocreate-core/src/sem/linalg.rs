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

use nalgebra::DMatrix;

/// Dot product with four accumulators (lets the compiler vectorise).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let chunks = n / 4;
    for c in 0..chunks {
        let k = 4 * c;
        acc[0] += a[k] * b[k];
        acc[1] += a[k + 1] * b[k + 1];
        acc[2] += a[k + 2] * b[k + 2];
        acc[3] += a[k + 3] * b[k + 3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for k in 4 * chunks..n {
        s += a[k] * b[k];
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
const BLOCK: usize = 64;

/// A blocked Cholesky factorisation `A = L L'` of a large symmetric positive-definite
/// matrix, for solving with many right-hand sides.
#[derive(Debug, Clone)]
pub(crate) struct BlockChol {
    /// `L` (lower triangle; the strict upper triangle is zero).
    l: DMatrix<f64>,
    /// `L'`, kept so that the backward solve is a plain matrix product too.
    lt: DMatrix<f64>,
}

impl BlockChol {
    /// Factorises `a` (only its lower triangle is read); `None` if not positive definite.
    pub fn new(mut a: DMatrix<f64>) -> Option<BlockChol> {
        let d = a.nrows();
        let mut k0 = 0;
        while k0 < d {
            let k1 = (k0 + BLOCK).min(d);
            // Diagonal block (already updated by the blocks on its left), unblocked.
            for j in k0..k1 {
                let mut djj = a[(j, j)];
                for l in k0..j {
                    djj -= a[(j, l)] * a[(j, l)];
                }
                if djj.is_nan() || djj <= 0.0 {
                    return None;
                }
                let djj = djj.sqrt();
                a[(j, j)] = djj;
                for i in j + 1..k1 {
                    let mut s = a[(i, j)];
                    for l in k0..j {
                        s -= a[(i, l)] * a[(j, l)];
                    }
                    a[(i, j)] = s / djj;
                }
            }
            if k1 < d {
                // Panel below: L21 = A21 L11^-T, column by column.
                for j in k0..k1 {
                    let ljj = a[(j, j)];
                    for l in k0..j {
                        let f = a[(j, l)];
                        if f != 0.0 {
                            for i in k1..d {
                                let v = a[(i, l)];
                                a[(i, j)] -= f * v;
                            }
                        }
                    }
                    for i in k1..d {
                        a[(i, j)] /= ljj;
                    }
                }
                // Trailing update A22 -= L21 L21' (whole block: one matrix product).
                let l21 = a.view_range(k1..d, k0..k1).into_owned();
                let l21t = l21.transpose();
                a.view_range_mut(k1..d, k1..d).gemm(-1.0, &l21, &l21t, 1.0);
            }
            k0 = k1;
        }
        for j in 0..d {
            for i in 0..j {
                a[(i, j)] = 0.0;
            }
        }
        let lt = a.transpose();
        Some(BlockChol { l: a, lt })
    }

    /// Dimension.
    pub fn dim(&self) -> usize {
        self.l.nrows()
    }

    /// Solves `A X = B` in place for a `d × m` right-hand side.
    pub fn solve_in_place(&self, x: &mut DMatrix<f64>) {
        let d = self.dim();
        // Forward: L Z = B, by row blocks.
        let mut k0 = 0;
        while k0 < d {
            let k1 = (k0 + BLOCK).min(d);
            if k0 > 0 {
                let (top, mut cur) = x.rows_range_pair_mut(0..k0, k0..k1);
                cur.gemm(-1.0, &self.l.view_range(k0..k1, 0..k0), &top, 1.0);
            }
            for c in 0..x.ncols() {
                for i in k0..k1 {
                    let mut s = x[(i, c)];
                    for l in k0..i {
                        s -= self.lt[(l, i)] * x[(l, c)];
                    }
                    x[(i, c)] = s / self.lt[(i, i)];
                }
            }
            k0 = k1;
        }
        // Backward: L' X = Z, by row blocks from the last.
        let nblocks = d.div_ceil(BLOCK);
        for blk in (0..nblocks).rev() {
            let k0 = blk * BLOCK;
            let k1 = (k0 + BLOCK).min(d);
            if k1 < d {
                let (mut cur, below) = x.rows_range_pair_mut(k0..k1, k1..d);
                cur.gemm(-1.0, &self.lt.view_range(k0..k1, k1..d), &below, 1.0);
            }
            for c in 0..x.ncols() {
                for i in (k0..k1).rev() {
                    let mut s = x[(i, c)];
                    for l in i + 1..k1 {
                        s -= self.l[(l, i)] * x[(l, c)];
                    }
                    x[(i, c)] = s / self.l[(i, i)];
                }
            }
        }
    }
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
        }
        let mut not_pd = DMatrix::identity(70, 70);
        not_pd[(66, 66)] = -1.0;
        assert!(BlockChol::new(not_pd).is_none());
    }
}
