//! The few smallest eigenpairs of a symmetric matrix, without a full eigendecomposition:
//! a blocked Householder reduction to tridiagonal form, the tridiagonal's eigenvalues by
//! implicit QL, and the wanted eigenvectors by inverse iteration on the tridiagonal,
//! carried back through the reflectors.
//!
//! The reduction follows LAPACK's `dsytrd`/`dlatrd` (lower triangle): within a panel of
//! `NB` columns each reflector's symmetric matrix–vector product reads the matrix as it
//! was at the start of the panel, corrected by the panel's reflectors so far, and the
//! whole panel updates the rest of the matrix in one rank-2·NB product (`gemm`). The
//! eigenvalues are computed as `dsterf`/`tqli` do, the eigenvectors as `dstein` does
//! (with the tridiagonal LU of `dgttrf`).

use nalgebra::{DMatrix, DVector};

/// Columns per panel of the reduction.
const NB: usize = 32;

/// `A = Q T Qᵀ` with `T` symmetric tridiagonal and `Q` a product of Householder
/// reflectors.
pub(crate) struct Tridiagonal {
    /// Diagonal of `T`.
    pub d: Vec<f64>,
    /// Off-diagonal of `T`.
    pub e: Vec<f64>,
    /// Column `i` holds reflector `i` (acting on rows `i + 1..`) below the subdiagonal,
    /// with an implicit 1 on the subdiagonal.
    v: DMatrix<f64>,
    tau: Vec<f64>,
}

/// The Householder reflector `H = I − τ vvᵀ` (v₀ = 1) with `H x = (β, 0, …, 0)`: returns
/// `(β, τ)` and leaves `v[1..]` in `x[1..]` (LAPACK's `dlarfg`).
fn reflector(x: &mut [f64]) -> (f64, f64) {
    let alpha = x[0];
    let xnorm = x[1..].iter().map(|v| v * v).sum::<f64>().sqrt();
    if xnorm == 0.0 {
        return (alpha, 0.0);
    }
    let beta = -alpha.hypot(xnorm).copysign(alpha);
    let tau = (beta - alpha) / beta;
    let scale = 1.0 / (alpha - beta);
    x[1..].iter_mut().for_each(|v| *v *= scale);
    x[0] = 1.0;
    (beta, tau)
}

impl Tridiagonal {
    /// Reduces the symmetric matrix `a` (its lower triangle is read).
    pub(crate) fn new(mut a: DMatrix<f64>) -> Self {
        let n = a.nrows();
        let mut d = vec![0.0; n];
        let mut e = vec![0.0; n.saturating_sub(1)];
        let mut tau = vec![0.0; n.saturating_sub(1)];
        let mut j0 = 0;
        // Panels while the rest is large enough to gain from them.
        while n - j0 > 2 * NB {
            let m = n - j0;
            let mut w = DMatrix::<f64>::zeros(m, NB);
            for i in 0..NB {
                let c = j0 + i;
                // Bring column c up to date with the panel's reflectors so far:
                // A(c:, c) −= V(c:, 0:i) W(c, 0:i)ᵀ + W(c:, 0:i) V(c, 0:i)ᵀ.
                for p in 0..i {
                    let (wv, vv) = (w[(i, p)], a[(c, j0 + p)]);
                    for r in c..n {
                        let upd = a[(r, j0 + p)] * wv + w[(r - j0, p)] * vv;
                        a[(r, c)] -= upd;
                    }
                }
                // The reflector of column c (rows c + 1..).
                let (beta, t) = {
                    let mut col = a.view_range_mut(c + 1.., c);
                    reflector(col.as_mut_slice())
                };
                e[c] = beta;
                tau[c] = t;
                // w = τ (A22 v − V (Wᵀv) − W (Vᵀv)), A22 the trailing matrix as it was
                // at the start of the panel; then w −= ½ τ (wᵀv) v.
                let v: Vec<f64> = a.view_range(c + 1.., c).iter().copied().collect();
                let mut y = vec![0.0; n - c - 1];
                symv_lower(&a, c + 1, &v, &mut y);
                for p in 0..i {
                    // (Wᵀv)_p and (Vᵀv)_p over rows c + 1..
                    let (mut wtv, mut vtv) = (0.0, 0.0);
                    for (t, &vt) in v.iter().enumerate() {
                        let r = c + 1 + t;
                        wtv += w[(r - j0, p)] * vt;
                        vtv += a[(r, j0 + p)] * vt;
                    }
                    for (t, yt) in y.iter_mut().enumerate() {
                        let r = c + 1 + t;
                        *yt -= a[(r, j0 + p)] * wtv + w[(r - j0, p)] * vtv;
                    }
                }
                y.iter_mut().for_each(|x| *x *= t);
                let alpha = -0.5 * t * y.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>();
                for (t, yt) in y.iter_mut().enumerate() {
                    *yt += alpha * v[t];
                }
                for (t, &yt) in y.iter().enumerate() {
                    w[(c + 1 + t - j0, i)] = yt;
                }
            }
            // The rest: A22 −= V Wᵀ + W Vᵀ over rows and columns j0 + NB..
            let r0 = j0 + NB;
            let vp = a.view_range(r0.., j0..j0 + NB).clone_owned();
            let wp = w.view_range(r0 - j0.., ..).clone_owned();
            let (vpt, wpt) = (vp.transpose(), wp.transpose());
            let mut a22 = a.view_range_mut(r0.., r0..);
            a22.gemm(-1.0, &vp, &wpt, 1.0);
            a22.gemm(-1.0, &wp, &vpt, 1.0);
            for c in j0..r0 {
                d[c] = a[(c, c)];
            }
            j0 = r0;
        }
        // The last columns one at a time (LAPACK's dsytd2).
        for c in j0..n.saturating_sub(1) {
            let (beta, t) = {
                let mut col = a.view_range_mut(c + 1.., c);
                reflector(col.as_mut_slice())
            };
            e[c] = beta;
            tau[c] = t;
            d[c] = a[(c, c)];
            if t == 0.0 {
                continue;
            }
            let v: Vec<f64> = a.view_range(c + 1.., c).iter().copied().collect();
            let mut y = vec![0.0; n - c - 1];
            symv_lower(&a, c + 1, &v, &mut y);
            y.iter_mut().for_each(|x| *x *= t);
            let alpha = -0.5 * t * y.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>();
            for (t, yt) in y.iter_mut().enumerate() {
                *yt += alpha * v[t];
            }
            // A22 −= v yᵀ + y vᵀ, lower triangle, column by column.
            for (q, (&vq, &yq)) in v.iter().zip(&y).enumerate() {
                let col = c + 1 + q;
                for (t, (&vt, &yt)) in v.iter().zip(&y).enumerate().skip(q) {
                    a[(c + 1 + t, col)] -= vt * yq + yt * vq;
                }
            }
        }
        if n > 0 {
            d[n - 1] = a[(n - 1, n - 1)];
        }
        Tridiagonal { d, e, v: a, tau }
    }

    /// `Q y`: the reflectors applied to a vector of the tridiagonal's basis, last first.
    pub(crate) fn back_transform(&self, y: &mut [f64]) {
        let n = y.len();
        for c in (0..n.saturating_sub(1)).rev() {
            let t = self.tau[c];
            if t == 0.0 {
                continue;
            }
            // v = (1, v[c + 2..]) on rows c + 1..
            let col = self.v.column(c);
            let mut dot = y[c + 1];
            for r in c + 2..n {
                dot += col[r] * y[r];
            }
            let f = t * dot;
            y[c + 1] -= f;
            for r in c + 2..n {
                y[r] -= f * col[r];
            }
        }
    }
}

/// `y = A[s.., s..] x` from the lower triangle of `a` (column-major), one pass over it.
fn symv_lower(a: &DMatrix<f64>, s: usize, x: &[f64], y: &mut [f64]) {
    let n = a.nrows();
    let data = a.as_slice();
    y.iter_mut().for_each(|v| *v = 0.0);
    for (q, &xq) in x.iter().enumerate() {
        let c = s + q;
        let col = &data[c * n + c..(c + 1) * n];
        // Diagonal, then the part below it: y[q] += A[q..,q]·x[q..] and y[q+1..] += A[q+1..,q] x[q].
        let mut dot = col[0] * xq;
        for ((yt, &at), &xt) in y[q + 1..].iter_mut().zip(&col[1..]).zip(&x[q + 1..]) {
            *yt += at * xq;
            dot += at * xt;
        }
        y[q] += dot;
    }
}

/// The eigenvalues of the symmetric tridiagonal matrix with diagonal `d` and
/// off-diagonal `e`, unsorted, by implicit QL with Wilkinson shifts; `None` if an
/// eigenvalue takes more than 60 iterations.
pub(crate) fn eigenvalues(d: &[f64], e: &[f64]) -> Option<Vec<f64>> {
    let n = d.len();
    let mut d = d.to_vec();
    let mut e: Vec<f64> = e.iter().copied().chain(std::iter::once(0.0)).collect();
    for l in 0..n {
        let mut iterations = 0;
        loop {
            let mut m = l;
            while m + 1 < n {
                let dd = d[m].abs() + d[m + 1].abs();
                if e[m].abs() <= f64::EPSILON * dd {
                    break;
                }
                m += 1;
            }
            if m == l {
                break;
            }
            iterations += 1;
            if iterations > 60 {
                return None;
            }
            let mut g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            let mut r = g.hypot(1.0);
            g = d[m] - d[l] + e[l] / (g + r.copysign(g));
            let (mut s, mut c, mut p) = (1.0, 1.0, 0.0);
            let mut i = m;
            let mut deflated = false;
            while i > l {
                i -= 1;
                let f = s * e[i];
                let b = c * e[i];
                r = f.hypot(g);
                e[i + 1] = r;
                if r == 0.0 {
                    d[i + 1] -= p;
                    e[m] = 0.0;
                    deflated = true;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2.0 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
            }
            if deflated {
                continue;
            }
            d[l] -= p;
            e[l] = g;
            e[m] = 0.0;
        }
    }
    d.iter().all(|v| v.is_finite()).then_some(d)
}

/// Unit eigenvectors of the tridiagonal `(d, e)` for the eigenvalues `values`, by
/// inverse iteration, each orthogonalised against the ones before it (so that the
/// vectors of close eigenvalues span their eigenspace).
pub(crate) fn eigenvectors(d: &[f64], e: &[f64], values: &[f64]) -> Vec<Vec<f64>> {
    let n = d.len();
    let norm = d
        .iter()
        .map(|v| v.abs())
        .chain(e.iter().map(|v| 2.0 * v.abs()))
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut out: Vec<Vec<f64>> = Vec::with_capacity(values.len());
    for (t, &lambda) in values.iter().enumerate() {
        let lu = TridiagonalLu::new(d, e, lambda, norm);
        // A start with no special structure; three solves are plenty for an
        // eigenvalue accurate to ε‖T‖.
        let mut x: Vec<f64> = (0..n)
            .map(|i| 1.0 + 0.5 * ((i * 7 + t * 13) as f64).sin())
            .collect();
        for _ in 0..3 {
            lu.solve(&mut x);
            for prev in &out {
                let dot: f64 = prev.iter().zip(&x).map(|(a, b)| a * b).sum();
                x.iter_mut().zip(prev).for_each(|(xi, pi)| *xi -= dot * pi);
            }
            let nx = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            if nx > 0.0 && nx.is_finite() {
                x.iter_mut().for_each(|v| *v /= nx);
            }
        }
        out.push(x);
    }
    out
}

/// The LU factors with partial pivoting of `T − μI` (LAPACK's `dgttrf`), a zero pivot
/// replaced by ε‖T‖ so that inverse iteration can go on.
struct TridiagonalLu {
    dl: Vec<f64>,
    dd: Vec<f64>,
    du: Vec<f64>,
    du2: Vec<f64>,
    swap: Vec<bool>,
}

impl TridiagonalLu {
    fn new(d: &[f64], e: &[f64], mu: f64, norm: f64) -> Self {
        let n = d.len();
        let mut dl = e.to_vec();
        let mut dd: Vec<f64> = d.iter().map(|x| x - mu).collect();
        let mut du = e.to_vec();
        let mut du2 = vec![0.0; n.saturating_sub(2)];
        let mut swap = vec![false; n.saturating_sub(1)];
        for i in 0..n.saturating_sub(1) {
            if dd[i].abs() >= dl[i].abs() {
                if dd[i] != 0.0 {
                    let fact = dl[i] / dd[i];
                    dl[i] = fact;
                    dd[i + 1] -= fact * du[i];
                }
            } else {
                let fact = dd[i] / dl[i];
                dd[i] = dl[i];
                dl[i] = fact;
                let temp = du[i];
                du[i] = dd[i + 1];
                dd[i + 1] = temp - fact * dd[i + 1];
                if i + 2 < n {
                    du2[i] = du[i + 1];
                    du[i + 1] *= -fact;
                }
                swap[i] = true;
            }
        }
        let tiny = f64::EPSILON * norm;
        for v in dd.iter_mut() {
            if v.abs() < tiny {
                *v = if *v < 0.0 { -tiny } else { tiny };
            }
        }
        TridiagonalLu {
            dl,
            dd,
            du,
            du2,
            swap,
        }
    }

    /// Solves `(T − μI) x = b` in place (LAPACK's `dgtts2`).
    fn solve(&self, b: &mut [f64]) {
        let n = b.len();
        for i in 0..n.saturating_sub(1) {
            if self.swap[i] {
                let temp = b[i];
                b[i] = b[i + 1];
                b[i + 1] = temp - self.dl[i] * b[i];
            } else {
                b[i + 1] -= self.dl[i] * b[i];
            }
        }
        if n == 0 {
            return;
        }
        b[n - 1] /= self.dd[n - 1];
        if n > 1 {
            b[n - 2] = (b[n - 2] - self.du[n - 2] * b[n - 1]) / self.dd[n - 2];
        }
        for i in (0..n.saturating_sub(2)).rev() {
            b[i] = (b[i] - self.du[i] * b[i + 1] - self.du2[i] * b[i + 2]) / self.dd[i];
        }
    }
}

/// An eigenvalue and its unit eigenvector.
pub(crate) type Eigenpair = (f64, DVector<f64>);

/// All the eigenvalues of the symmetric matrix `a`, and unit eigenvectors for those
/// `wanted` picks (given all the eigenvalues): `(eigenvalues, [(λ, eigenvector)])`, the
/// pairs in increasing order of λ. `None` if the QL iteration fails or `wanted` picks
/// more than `most`.
pub(crate) fn some_eigenpairs(
    a: &DMatrix<f64>,
    wanted: impl Fn(&[f64]) -> Vec<f64>,
    most: usize,
) -> Option<(Vec<f64>, Vec<Eigenpair>)> {
    let tri = Tridiagonal::new(a.clone());
    let values = eigenvalues(&tri.d, &tri.e)?;
    let mut picked = wanted(&values);
    if picked.len() > most {
        return None;
    }
    picked.sort_by(f64::total_cmp);
    let vectors = eigenvectors(&tri.d, &tri.e, &picked);
    let pairs = picked
        .into_iter()
        .zip(vectors)
        .map(|(lambda, mut y)| {
            tri.back_transform(&mut y);
            (lambda, DVector::from_vec(y))
        })
        .collect();
    Some((values, pairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SymmetricEigen;

    fn random_symmetric(n: usize, seed: u64) -> DMatrix<f64> {
        let mut s = seed;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let x = DMatrix::from_fn(n, n, |_, _| rnd());
        &x + x.transpose()
    }

    #[test]
    fn eigenvalues_match_a_full_decomposition() {
        for n in [1, 2, 5, 40, 70, 150] {
            let a = random_symmetric(n, 5 + n as u64);
            let tri = Tridiagonal::new(a.clone());
            let mut ours = eigenvalues(&tri.d, &tri.e).unwrap();
            ours.sort_by(f64::total_cmp);
            let mut theirs: Vec<f64> = SymmetricEigen::new(a).eigenvalues.iter().copied().collect();
            theirs.sort_by(f64::total_cmp);
            for (x, y) in ours.iter().zip(&theirs) {
                assert!((x - y).abs() < 1e-10, "n = {n}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn small_eigenvectors_are_eigenvectors_of_the_matrix() {
        // Rank 130 of 150: twenty exact zeros, and the rest well away from them.
        let n = 150;
        let b = random_symmetric(n, 9).columns(0, 130).clone_owned();
        let a = &b * b.transpose();
        let (_, pairs) = some_eigenpairs(
            &a,
            |v| {
                let tol = 1e-8 * v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
                v.iter().copied().filter(|x| x.abs() <= tol).collect()
            },
            n,
        )
        .unwrap();
        assert_eq!(pairs.len(), 20);
        for (lambda, z) in &pairs {
            assert!((z.norm() - 1.0).abs() < 1e-10);
            assert!((&a * z - z * *lambda).amax() < 1e-9);
        }
        for (i, (_, zi)) in pairs.iter().enumerate() {
            for (_, zj) in &pairs[..i] {
                assert!(zi.dot(zj).abs() < 1e-8);
            }
        }
    }
}
