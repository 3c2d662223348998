//! Dense symmetric linear algebra for reliability: correlation matrices, the
//! pseudo-inverse psych's `smc` takes, the same statistic with one variable left out, and
//! the leading eigenpair the one-factor model needs.
//!
//! Everything here is O(k³) at most for a `k × k` matrix. The inverse comes from a blocked
//! Cholesky factorisation whose block products run through nalgebra's `gemm`; the
//! squared multiple correlations of every `(k − 1)`-variable subset come from one
//! pseudo-inverse by a rank-one (Schur complement) correction, not from `k` fresh
//! inversions; the leading eigenpair comes from power iteration started where the last
//! one ended. Formulas: `docs/methods/scoring.md`.

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::tridiagonal::some_eigenpairs;

/// Columns per block of the blocked factorisations.
const NB: usize = 64;

/// The relative tolerance of psych's `Pinv`: singular values below `√ε · σ_max` are
/// dropped.
fn pinv_tolerance() -> f64 {
    f64::EPSILON.sqrt()
}

/// Correlation matrix from a covariance matrix (both k × k row-major).
pub(crate) fn cov2cor(cov: &[f64], k: usize) -> Vec<f64> {
    let sd: Vec<f64> = (0..k).map(|i| cov[i * k + i].sqrt()).collect();
    let mut r = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            r[i * k + j] = if i == j {
                1.0
            } else {
                cov[i * k + j] / (sd[i] * sd[j])
            };
        }
    }
    r
}

/// Squared multiple correlation of each variable with all the others, from a correlation
/// matrix: 1 − 1 / diag(R⁺), clamped to [0, 1] (psych's `smc`).
pub(crate) fn smc(r: &[f64], k: usize) -> Vec<f64> {
    match k {
        0 => Vec::new(),
        1 => vec![1.0],
        _ => SymPinv::new(r, k).smc(),
    }
}

/// `1 − 1/d` clamped to [0, 1], as psych's `smc` clamps.
fn smc_of(d: f64) -> f64 {
    (1.0 - 1.0 / d).clamp(0.0, 1.0)
}

/// The Moore–Penrose pseudo-inverse `P = R⁺` of a symmetric matrix, with singular values
/// below `√ε · σ_max` dropped (psych's `Pinv`), and an orthonormal basis `Z` of the
/// directions dropped, so that `Π = I − ZZᵀ` projects onto the range of `R`.
///
/// Three routes give the same matrix: a Cholesky inverse when `R` is positive definite
/// and provably no singular value is dropped (the usual case, `k³` flops); the inverse of
/// `R + ZZᵀ` less `ZZᵀ` when a Cholesky factorisation finds exact linear dependences (for
/// example fewer respondents than items); a symmetric eigendecomposition otherwise
/// (indefinite pairwise matrices, ill-conditioned ones).
#[derive(Debug, Clone)]
pub(crate) struct SymPinv {
    k: usize,
    /// The pseudo-inverse, column-major (symmetric).
    p: DMatrix<f64>,
    /// `k × m` orthonormal basis of the dropped directions (`m = 0` at full rank).
    z: DMatrix<f64>,
    /// `√ε · σ_max`: an eigenvalue of a principal submatrix below it is dropped too.
    tol: f64,
}

impl SymPinv {
    /// The pseudo-inverse of the symmetric `k × k` row-major matrix `r`.
    pub(crate) fn new(r: &[f64], k: usize) -> Self {
        let a = DMatrix::from_row_slice(k, k, r);
        let diag_max = (0..k).map(|i| a[(i, i)].abs()).fold(0.0, f64::max);
        let rel = pinv_tolerance();
        let sigma_max = norm2_estimate(&a);
        if !(sigma_max > 0.0 && sigma_max.is_finite()) {
            return Self::by_eigen(a);
        }
        let tol = rel * sigma_max;
        // Every singular value kept stays clear of the tolerance (by a factor 4, for
        // the estimates): σ_min = 1/‖P‖.
        let kept = |p: &DMatrix<f64>| norm2_estimate(p) * tol * 4.0 < 1.0;
        let zero = 64.0 * k as f64 * f64::EPSILON * diag_max;
        // A pivot of LLᵀ is at least the smallest eigenvalue, so a pivot near the
        // tolerance says the inverse would probably fail the check: skip it.
        let clear =
            |l: &DMatrix<f64>| (0..k).all(|i| l[(i, i)] == 0.0 || l[(i, i)].powi(2) > 4.0 * tol);
        if let Some((l, skipped)) = cholesky(&a, zero) {
            if skipped.is_empty() && clear(&l) {
                let p = spd_inverse(&l);
                if kept(&p) {
                    return SymPinv {
                        k,
                        p,
                        z: DMatrix::zeros(k, 0),
                        tol,
                    };
                }
            } else if let Some(z) = null_basis(&l, &skipped) {
                // R z ≈ 0 for every dropped direction, far below the tolerance, and
                // small enough that inverting R + ZZᵀ rather than the factor's LLᵀ + ZZᵀ
                // moves P by a relative 1e-8 at most.
                let residual = (&a * &z).amax();
                let mut shifted = a.clone();
                shifted.gemm(1.0, &z, &z.transpose(), 1.0);
                if let Some((ls, none)) = cholesky(&shifted, zero) {
                    if none.is_empty() && clear(&ls) {
                        let mut p = spd_inverse(&ls);
                        p.gemm(-1.0, &z, &z.transpose(), 1.0);
                        if kept(&p)
                            && residual <= 1e-3 * tol
                            && residual * norm2_estimate(&p) <= 1e-8
                        {
                            return SymPinv { k, p, z, tol };
                        }
                    }
                }
            }
        }
        if k > 64 {
            if let Some(p) = Self::by_tridiagonal(&a) {
                return p;
            }
        }
        Self::by_eigen(a)
    }

    /// The pseudo-inverse from the few eigenpairs that keep `R` from being positive
    /// definite and well conditioned: those with eigenvalues at or below the tolerance
    /// in magnitude (dropped, `Z`) and the negative ones (`U`). `R + Σ (1 − λ) zzᵀ +
    /// Σ 2|λ| uuᵀ` has the same eigenvectors, with the dropped eigenvalues set to 1 and
    /// the negative ones to |λ|, so it is positive definite; its inverse less `ZZᵀ` and
    /// `Σ 2 uuᵀ/|λ|` is `R⁺`. `None` when more than a quarter of the eigenvalues (and
    /// more than 64) would be needed.
    fn by_tridiagonal(a: &DMatrix<f64>) -> Option<Self> {
        let k = a.nrows();
        let tol_of = |v: &[f64]| pinv_tolerance() * v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let (values, pairs) = some_eigenpairs(
            a,
            |v| {
                let tol = tol_of(v);
                v.iter()
                    .copied()
                    .filter(|&x| x.abs() <= tol || x < 0.0)
                    .collect()
            },
            (k / 4).max(64),
        )?;
        let tol = tol_of(&values);
        let dropped: Vec<&DVector<f64>> = pairs
            .iter()
            .filter(|(l, _)| l.abs() <= tol)
            .map(|(_, v)| v)
            .collect();
        let mut z = DMatrix::zeros(k, dropped.len());
        for (t, v) in dropped.iter().enumerate() {
            z.set_column(t, v);
        }
        let mut shifted = a.clone();
        for (lambda, v) in &pairs {
            let shift = if lambda.abs() <= tol {
                1.0 - lambda
            } else {
                -2.0 * lambda
            };
            shifted.ger(shift, v, v, 1.0);
        }
        let (l, skipped) = cholesky(&shifted, 0.0)?;
        if !skipped.is_empty() {
            return None;
        }
        let mut p = spd_inverse(&l);
        p.gemm(-1.0, &z, &z.transpose(), 1.0);
        for (lambda, v) in pairs.iter().filter(|(l, _)| l.abs() > tol) {
            // A negative eigenvalue: its term of R⁺ is vvᵀ/λ, the inverse holds vvᵀ/|λ|.
            p.ger(2.0 / lambda, v, v, 1.0);
        }
        Some(SymPinv { k, p, z, tol })
    }

    /// The pseudo-inverse from a symmetric eigendecomposition: `Σ v vᵀ / λ` over the
    /// eigenvalues with `|λ| > √ε · max |λ|`.
    fn by_eigen(a: DMatrix<f64>) -> Self {
        let k = a.nrows();
        let Some(eig) = SymmetricEigen::try_new(a, f64::EPSILON, 100_000) else {
            // Only a matrix holding NaN or infinities fails to converge.
            return SymPinv {
                k,
                p: DMatrix::from_element(k, k, f64::NAN),
                z: DMatrix::zeros(k, 0),
                tol: f64::NAN,
            };
        };
        let top = eig.eigenvalues.amax();
        let tol = pinv_tolerance() * top;
        let keep: Vec<usize> = (0..k).filter(|&i| eig.eigenvalues[i].abs() > tol).collect();
        let drop: Vec<usize> = (0..k)
            .filter(|&i| eig.eigenvalues[i].abs() <= tol)
            .collect();
        let vk = eig.eigenvectors.select_columns(&keep);
        let mut scaled = vk.clone();
        for (c, &i) in keep.iter().enumerate() {
            let inv = 1.0 / eig.eigenvalues[i];
            scaled.column_mut(c).iter_mut().for_each(|v| *v *= inv);
        }
        let mut p = DMatrix::zeros(k, k);
        if !keep.is_empty() {
            p.gemm(1.0, &scaled, &vk.transpose(), 0.0);
        }
        SymPinv {
            k,
            p,
            z: eig.eigenvectors.select_columns(&drop),
            tol,
        }
    }

    /// The number of variables.
    pub(crate) fn len(&self) -> usize {
        self.k
    }

    /// The pseudo-inverse's diagonal.
    pub(crate) fn diag(&self) -> Vec<f64> {
        (0..self.k).map(|i| self.p[(i, i)]).collect()
    }

    /// psych's `smc`: 1 − 1/diag(R⁺), clamped to [0, 1].
    pub(crate) fn smc(&self) -> Vec<f64> {
        self.diag().into_iter().map(smc_of).collect()
    }

    /// psych's `smc` of the matrix with row and column `a` left out, for every remaining
    /// variable (`out[a]` is NaN): the diagonal of that submatrix's pseudo-inverse,
    /// from `P = R⁺` and `Π = I − ZZᵀ` in O(k·m).
    ///
    /// With `s² = 1 − Π_aa`: when `a` lies in the range of `R` (`s² = 0`, always at full
    /// rank), `(R₋ₐ)⁺_jj = P_jj − P_ja² / P_aa` (the Schur complement of the inverse);
    /// otherwise `P_jj + 2 Π_ja P_ja / s² + Π_ja² P_aa / s⁴`. The submatrix then has one
    /// eigenvalue of about `s² / P_aa` that `R` lacks; when that falls below the
    /// tolerance psych drops it, which is the first formula again.
    pub(crate) fn smc_without(&self, a: usize, out: &mut [f64]) {
        let k = self.k;
        let m = self.z.ncols();
        let paa = self.p[(a, a)];
        let za = self.z.row(a);
        let s2 = if m == 0 { 0.0 } else { za.norm_squared() };
        let schur = s2 <= 1e3 * f64::EPSILON || s2 / paa.abs() <= self.tol;
        for (j, o) in out.iter_mut().enumerate().take(k) {
            if j == a {
                *o = f64::NAN;
                continue;
            }
            let pja = self.p[(j, a)];
            let d = if schur {
                self.p[(j, j)] - pja * pja / paa
            } else {
                let pi_ja = -self.z.row(j).dot(&za);
                self.p[(j, j)] + 2.0 * pi_ja * pja / s2 + pi_ja * pi_ja * paa / (s2 * s2)
            };
            *o = smc_of(d);
        }
    }
}

/// An estimate of the spectral norm of a symmetric matrix: the largest growth `‖Ax‖`
/// over 30 steps of power iteration (a lower bound that is close after a few steps),
/// never above the Frobenius norm (an upper bound).
fn norm2_estimate(a: &DMatrix<f64>) -> f64 {
    let k = a.nrows();
    if k == 0 {
        return 0.0;
    }
    // A start with no special symmetry, so that it is not orthogonal to the top vector.
    let mut x = nalgebra::DVector::from_fn(k, |i, _| 1.0 + 0.25 * ((i as f64) * 0.7).sin());
    x /= x.norm();
    let mut y = nalgebra::DVector::zeros(k);
    let mut best: f64 = 0.0;
    for _ in 0..30 {
        y.gemv(1.0, a, &x, 0.0);
        let n = y.norm();
        if !(n > 0.0 && n.is_finite()) {
            break;
        }
        best = best.max(n);
        x.copy_from(&y);
        x /= n;
    }
    best.min(a.norm())
}

/// Blocked lower Cholesky factor `L` (`A = LLᵀ`, lower triangle of the result; the
/// strict upper triangle is zero), with a pivot at or below `zero` in magnitude taken as
/// an exact linear dependence: its column is set to zero and its index returned.
/// `None` when a pivot is negative beyond `zero` (the matrix is not positive
/// semidefinite) or not finite.
fn cholesky(a: &DMatrix<f64>, zero: f64) -> Option<(DMatrix<f64>, Vec<usize>)> {
    let k = a.nrows();
    let mut l = a.clone();
    let mut skipped = Vec::new();
    for j0 in (0..k).step_by(NB) {
        let j1 = (j0 + NB).min(k);
        // The diagonal block, column by column.
        for j in j0..j1 {
            let d = l[(j, j)];
            if !d.is_finite() {
                return None;
            }
            if d <= zero {
                if d < -zero {
                    return None;
                }
                skipped.push(j);
                l.column_mut(j).rows_range_mut(j..).fill(0.0);
                continue;
            }
            let s = d.sqrt();
            l[(j, j)] = s;
            for i in j + 1..j1 {
                l[(i, j)] /= s;
            }
            for c in j + 1..j1 {
                let f = l[(c, j)];
                if f != 0.0 {
                    for i in c..j1 {
                        let v = l[(i, j)];
                        l[(i, c)] -= v * f;
                    }
                }
            }
        }
        if j1 == k {
            break;
        }
        // The panel below it: A21 ← A21 L11⁻ᵀ, column by column.
        for j in j0..j1 {
            if l[(j, j)] == 0.0 {
                l.column_mut(j).rows_range_mut(j1..).fill(0.0);
                continue;
            }
            for p in j0..j {
                let f = l[(j, p)];
                if f != 0.0 {
                    let (src, mut dst) = l.columns_range_pair_mut(p, j);
                    let src = src.rows_range(j1..);
                    dst.rows_range_mut(j1..).axpy(-f, &src, 1.0);
                }
            }
            let s = l[(j, j)];
            l.column_mut(j)
                .rows_range_mut(j1..)
                .iter_mut()
                .for_each(|v| *v /= s);
        }
        // The trailing block: A22 ← A22 − L21 L21ᵀ.
        let l21 = l.view_range(j1.., j0..j1).clone_owned();
        let l21t = l21.transpose();
        l.view_range_mut(j1.., j1..).gemm(-1.0, &l21, &l21t, 1.0);
    }
    for c in 1..k {
        l.column_mut(c).rows_range_mut(..c).fill(0.0);
    }
    Some((l, skipped))
}

/// `(LLᵀ)⁻¹ = L⁻ᵀ L⁻¹` for a lower Cholesky factor with a positive diagonal, by blocks:
/// first `W = L⁻¹`, then `WᵀW`.
fn spd_inverse(l: &DMatrix<f64>) -> DMatrix<f64> {
    let k = l.nrows();
    let w = lower_inverse(l);
    let mut out = DMatrix::zeros(k, k);
    // (WᵀW)_IJ = Σ_{P ≥ max(I, J)} W_PIᵀ W_PJ; W is lower triangular.
    for i0 in (0..k).step_by(NB) {
        let i1 = (i0 + NB).min(k);
        for j0 in (0..=i0).step_by(NB) {
            let j1 = (j0 + NB).min(k);
            let wi = w.view_range(i0.., i0..i1).transpose();
            let wj = w.view_range(i0.., j0..j1);
            out.view_range_mut(i0..i1, j0..j1).gemm(1.0, &wi, &wj, 0.0);
        }
    }
    // Mirror the lower blocks.
    for c in 0..k {
        for r in 0..c {
            out[(r, c)] = out[(c, r)];
        }
    }
    out
}

/// The inverse of a lower-triangular matrix with a nonzero diagonal, by blocks:
/// `W_II = L_II⁻¹`, `W_IJ = −W_II Σ_{J ≤ P < I} L_IP W_PJ`.
fn lower_inverse(l: &DMatrix<f64>) -> DMatrix<f64> {
    let k = l.nrows();
    let mut w = DMatrix::zeros(k, k);
    // Diagonal blocks, by forward substitution on the identity.
    let blocks: Vec<(usize, usize)> = (0..k).step_by(NB).map(|b| (b, (b + NB).min(k))).collect();
    for &(b0, b1) in &blocks {
        for c in b0..b1 {
            w[(c, c)] = 1.0 / l[(c, c)];
            for i in c + 1..b1 {
                let mut s = 0.0;
                for p in c..i {
                    s += l[(i, p)] * w[(p, c)];
                }
                w[(i, c)] = -s / l[(i, i)];
            }
        }
    }
    for (bj, &(j0, j1)) in blocks.iter().enumerate() {
        for &(i0, i1) in &blocks[bj + 1..] {
            // T = Σ_{j0 ≤ p < i0} L[i, p] W[p, j]
            let li = l.view_range(i0..i1, j0..i0);
            let wj = w.view_range(j0..i0, j0..j1).clone_owned();
            let mut t = DMatrix::zeros(i1 - i0, j1 - j0);
            t.gemm(1.0, &li, &wj, 0.0);
            let wii = w.view_range(i0..i1, i0..i1).clone_owned();
            w.view_range_mut(i0..i1, j0..j1).gemm(-1.0, &wii, &t, 0.0);
        }
    }
    w
}

/// An orthonormal basis of the null space of `Lᵀ`, for a Cholesky factor whose columns
/// `skipped` are zero (exact dependences): for each such column `j`, the vector with
/// `y_j = 1`, zeros after `j`, and the earlier entries solving `Lᵀy = 0`; then
/// Gram–Schmidt twice. `None` if a vector vanishes.
fn null_basis(l: &DMatrix<f64>, skipped: &[usize]) -> Option<DMatrix<f64>> {
    let k = l.nrows();
    let m = skipped.len();
    let mut z = DMatrix::zeros(k, m);
    for (t, &j) in skipped.iter().enumerate() {
        let mut y = vec![0.0; k];
        y[j] = 1.0;
        for c in (0..j).rev() {
            let d = l[(c, c)];
            if d == 0.0 {
                continue;
            }
            let mut s = l[(j, c)];
            for (i, yi) in y.iter().enumerate().take(j).skip(c + 1) {
                s += l[(i, c)] * yi;
            }
            y[c] = -s / d;
        }
        z.column_mut(t).copy_from_slice(&y);
    }
    for t in 0..m {
        for _ in 0..2 {
            for u in 0..t {
                let d = z.column(u).dot(&z.column(t));
                let (zu, mut zt) = z.columns_range_pair_mut(u, t);
                zt.axpy(-d, &zu, 1.0);
            }
        }
        let n = z.column(t).norm();
        if !(n > 0.0 && n.is_finite()) {
            return None;
        }
        z.column_mut(t).iter_mut().for_each(|v| *v /= n);
    }
    Some(z)
}

/// The largest eigenvalue of the symmetric `k × k` row-major matrix `m` and its unit
/// eigenvector, by power iteration from `start` (the previous eigenvector when the
/// matrix has changed a little); a full eigendecomposition when the iteration does not
/// settle (a small gap between the two largest eigenvalues, or a negative eigenvalue
/// of larger magnitude).
pub(crate) fn top_eigen(m: &[f64], k: usize, start: &[f64]) -> Option<(f64, Vec<f64>)> {
    const MAX_STEPS: usize = 400;
    let mut x: Vec<f64> = start.to_vec();
    let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        x.iter_mut().for_each(|v| *v /= norm);
        let mut y = vec![0.0; k];
        let mut last_step = f64::NAN;
        let mut last_rho = 1.0;
        for _ in 0..MAX_STEPS {
            matvec(m, k, &x, &mut y);
            let lambda: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
            let ny = y.iter().map(|v| v * v).sum::<f64>().sqrt();
            if !(ny > 0.0 && ny.is_finite()) || lambda <= 0.0 {
                break;
            }
            let mut step: f64 = 0.0;
            for (xi, yi) in x.iter_mut().zip(&y) {
                let v = yi / ny;
                step = step.max((v - *xi).abs());
                *xi = v;
            }
            // Linear convergence at rate ρ (estimated from the last two steps, the
            // larger of two estimates) leaves an error of about step·ρ/(1 − ρ).
            let ratio = if last_step > 0.0 {
                step / last_step
            } else {
                1.0
            };
            let rho = ratio.max(last_rho).min(1.0);
            last_rho = ratio.min(1.0);
            last_step = step;
            let floor = 8.0 * f64::EPSILON;
            if step <= floor || (rho < 0.9 && step * rho / (1.0 - rho) <= floor) {
                matvec(m, k, &x, &mut y);
                let lambda: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
                // The iteration finds the eigenvalue of largest magnitude; it is the
                // largest one when positive.
                if lambda > 0.0 {
                    return Some((lambda, x));
                }
                break;
            }
        }
    }
    let eig = SymmetricEigen::try_new(DMatrix::from_row_slice(k, k, m), f64::EPSILON, 100_000)?;
    let (top, &value) = eig
        .eigenvalues
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let mut v: Vec<f64> = eig.eigenvectors.column(top).iter().copied().collect();
    // Keep the orientation of the start vector.
    if v.iter().zip(start).map(|(a, b)| a * b).sum::<f64>() < 0.0 {
        v.iter_mut().for_each(|e| *e = -*e);
    }
    Some((value, v))
}

/// `y = M x` for a `k × k` row-major `M`.
fn matvec(m: &[f64], k: usize, x: &[f64], y: &mut [f64]) {
    for (row, yi) in m.chunks_exact(k).zip(y.iter_mut()) {
        *yi = dot(row, x);
    }
}

/// A dot product in four lanes, so that the compiler vectorises it.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// psych's Pinv, literally: SVD, drop singular values below √ε·σ_max.
    fn pinv_svd(m: &[f64], k: usize) -> DMatrix<f64> {
        let a = DMatrix::from_row_slice(k, k, m);
        let svd = a.svd(true, true);
        let d = &svd.singular_values;
        let tol = pinv_tolerance() * d.max();
        let (u, vt) = (svd.u.unwrap(), svd.v_t.unwrap());
        let mut out = DMatrix::zeros(k, k);
        for s in 0..k {
            if d[s] > tol {
                out += (vt.row(s).transpose() * u.column(s).transpose()) / d[s];
            }
        }
        out
    }

    fn smc_svd(m: &[f64], k: usize) -> Vec<f64> {
        let p = pinv_svd(m, k);
        (0..k).map(|i| smc_of(p[(i, i)])).collect()
    }

    fn without(m: &[f64], k: usize, a: usize) -> Vec<f64> {
        let keep: Vec<usize> = (0..k).filter(|&i| i != a).collect();
        keep.iter()
            .flat_map(|&i| keep.iter().map(move |&j| m[i * k + j]))
            .collect()
    }

    /// A correlation matrix of `n` pseudo-random observations of `k` variables with a
    /// common factor; `dup` variables are exact copies of others (rank deficiency).
    fn corr(n: usize, k: usize, dup: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mut x = vec![0.0; n * k];
        for r in 0..n {
            let f = rnd();
            for j in 0..k {
                x[r * k + j] = if j >= k - dup {
                    x[r * k + (j - (k - dup))] * 2.0 + 1.0
                } else {
                    f + rnd()
                };
            }
        }
        let mut cov = vec![0.0; k * k];
        let mean: Vec<f64> = (0..k)
            .map(|j| (0..n).map(|r| x[r * k + j]).sum::<f64>() / n as f64)
            .collect();
        for i in 0..k {
            for j in 0..k {
                cov[i * k + j] = (0..n)
                    .map(|r| (x[r * k + i] - mean[i]) * (x[r * k + j] - mean[j]))
                    .sum::<f64>()
                    / (n - 1) as f64;
            }
        }
        cov2cor(&cov, k)
    }

    fn close(a: &[f64], b: &[f64], tol: f64, what: &str) {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            if x.is_nan() && y.is_nan() {
                continue;
            }
            assert!((x - y).abs() <= tol, "{what}[{i}]: {x} vs {y}");
        }
    }

    #[test]
    fn smc_matches_psych_pinv_at_full_and_deficient_rank() {
        // Full rank; more variables than observations; exact duplicates; big blocks.
        for (n, k, dup) in [
            (200, 7, 0),
            (30, 12, 0),
            (10, 25, 0),
            (300, 9, 2),
            (400, 150, 0),
            (100, 100, 0),
            (90, 150, 0),
            (500, 120, 3),
        ] {
            let r = corr(n, k, dup, 7 + k as u64);
            let sp = SymPinv::new(&r, k);
            close(&sp.smc(), &smc_svd(&r, k), 1e-8, &format!("smc {n}x{k}"));
            let mut out = vec![0.0; k];
            for a in [0, k / 2, k - 1] {
                sp.smc_without(a, &mut out);
                let mut want = smc_svd(&without(&r, k, a), k - 1);
                want.insert(a, f64::NAN);
                close(
                    &out,
                    &want,
                    1e-7,
                    &format!("smc without {a}, {n}x{k} dup {dup}"),
                );
            }
        }
    }

    #[test]
    fn smc_of_independent_variables_is_zero() {
        let r = [1.0, 0.0, 0.0, 1.0];
        assert_eq!(smc(&r, 2), vec![0.0, 0.0]);
        // Two variables correlating .6: each smc is .36.
        let r = [1.0, 0.6, 0.6, 1.0];
        for v in smc(&r, 2) {
            assert!((v - 0.36).abs() < 1e-12);
        }
    }

    #[test]
    fn indefinite_and_singular_long_matrices() {
        // A correlation matrix of fewer observations than variables, disturbed
        // symmetrically so that a few eigenvalues turn negative (as pairwise-complete
        // correlations can).
        let k = 90;
        let mut r = corr(60, k, 0, 21);
        for i in 0..k {
            for j in 0..i {
                let d = 1e-4 * (((i * 7 + j * 3) % 11) as f64 - 5.0);
                r[i * k + j] += d;
                r[j * k + i] += d;
            }
        }
        let sp = SymPinv::new(&r, k);
        close(&sp.smc(), &smc_svd(&r, k), 1e-7, "indefinite smc");
        let mut out = vec![0.0; k];
        sp.smc_without(3, &mut out);
        let mut want = smc_svd(&without(&r, k, 3), k - 1);
        want.insert(3, f64::NAN);
        close(&out, &want, 1e-6, "indefinite smc without 3");
    }

    #[test]
    fn indefinite_matrices_take_the_eigen_route() {
        let r = [1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0];
        let sp = SymPinv::new(&r, 3);
        close(&sp.smc(), &smc_svd(&r, 3), 1e-10, "indefinite");
    }

    #[test]
    fn blocked_inverse_inverts() {
        let k = 150;
        let r = corr(600, k, 0, 3);
        let a = DMatrix::from_row_slice(k, k, &r);
        let (l, skipped) = cholesky(&a, 0.0).unwrap();
        assert!(skipped.is_empty());
        let p = spd_inverse(&l);
        let id = &a * &p;
        assert!((id - DMatrix::<f64>::identity(k, k)).amax() < 1e-10);
    }

    #[test]
    fn power_iteration_finds_the_top_eigenpair() {
        let k = 40;
        let r = corr(500, k, 0, 11);
        let (lambda, v) = top_eigen(&r, k, &vec![1.0; k]).unwrap();
        let eig = SymmetricEigen::new(DMatrix::from_row_slice(k, k, &r));
        let top = eig.eigenvalues.max();
        assert!((lambda - top).abs() < 1e-12 * top, "{lambda} vs {top}");
        let mut y = vec![0.0; k];
        matvec(&r, k, &v, &mut y);
        for (a, b) in y.iter().zip(&v) {
            assert!((a - lambda * b).abs() < 1e-12);
        }
    }
}
