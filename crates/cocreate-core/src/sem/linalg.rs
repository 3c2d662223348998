//! Small dense symmetric positive-definite kernels (Cholesky, inverse, log-determinant),
//! written for the 5-50 variable matrices of SEM, where they beat nalgebra's: with
//! nalgebra's `Cholesky` in their place the `pd_sem` and `cocreation_sem` fits take 5-40%
//! longer (`docs/validation.md`, "Hand-written kernels"). Every Cholesky factorisation of
//! estimation and fit goes through [`Chol`]; factor scores, which factorise once per call
//! and need matrix right-hand sides, use nalgebra's.

use nalgebra::DMatrix;

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
}
