//! MLR with full-information ML (lavaan's `estimator = "MLR"` with `missing = "ml"` or
//! `"ml.x"`): the Huber–White sandwich, the Yuan–Bentler (Mplus variant) scaled test and the
//! FIML-corrected robust RMSEA and CFI (lavaan 0.6-14's `lav_fit_fiml_corrected`, version
//! V3). Formulas and sources are in `docs/methods/sem.md` §14.
//!
//! The sandwich and `tr(A₀⁻¹B₀)` live in the parameter space (casewise scores from the
//! observed-information pass). The saturated model's `tr(A₁⁻¹B₁)` and the corrected
//! indices need the `d × d` observed information `A₁` of the saturated model over the
//! moments that are not the fixed covariates' own (`d = p + p(p+1)/2` without covariates),
//! evaluated at the EM estimates. It is assembled from per-pattern Kronecker terms with one
//! matrix product over the patterns, factorised by blocks, and every casewise vector is
//! solved against it a block of rows at a time, so memory stays `O(d²)`.

use nalgebra::{DMatrix, DVector};

use super::super::error::SemError;
use super::super::inference::spd_inverse;
use super::super::linalg::{BlockChol, Chol};
use super::super::ram::{Compiled, ExoMoments, RamMatrices};
use super::super::robust::{Corrected, RobustParts};
use super::baseline::Baseline;
use super::patterns::{embedded_inverse, pattern_inverse, residual_and_z, FimlData};

/// Most observed variables of an MLR fit with full-information ML: the saturated model's
/// information is a square matrix over `p + p(p+1)/2` moments (2,144 at this limit).
pub const MAX_MLR_FIML_VARIABLES: usize = 64;

/// Rows solved together against `A₁`.
const ROW_CHUNK: usize = 256;
/// Patterns accumulated together into `A₁`.
const PATTERN_CHUNK: usize = 256;

/// The moments that are not the fixed covariates' own, and where each sits in the
/// `d`-vectors: the means of the other variables, then the pairs `a ≤ b` not both
/// covariates.
struct MomentIndex {
    p: usize,
    /// Position of the mean of each variable (`None` for a covariate).
    mean: Vec<Option<usize>>,
    /// Position of the pair `(a, b)`, symmetric, row-major `p × p`.
    pair: Vec<Option<usize>>,
    /// The pairs in order.
    pairs: Vec<(usize, usize)>,
    /// `vech` position of every pair (covariate pairs included), row-major `p × p`.
    vech: Vec<usize>,
    dim: usize,
}

impl MomentIndex {
    fn new(p: usize, x_idx: &[usize]) -> MomentIndex {
        let is_x = |j: usize| x_idx.contains(&j);
        let mut mean = vec![None; p];
        let mut k = 0;
        for (j, m) in mean.iter_mut().enumerate() {
            if !is_x(j) {
                *m = Some(k);
                k += 1;
            }
        }
        let mut pair = vec![None; p * p];
        let mut vech = vec![0; p * p];
        let mut pairs = Vec::new();
        let mut v = 0;
        for b in 0..p {
            for a in b..p {
                vech[a * p + b] = v;
                vech[b * p + a] = v;
                v += 1;
                if !(is_x(a) && is_x(b)) {
                    pair[a * p + b] = Some(k);
                    pair[b * p + a] = Some(k);
                    pairs.push((b, a));
                    k += 1;
                }
            }
        }
        MomentIndex {
            p,
            mean,
            pair,
            pairs,
            vech,
            dim: k,
        }
    }

    fn pstar(&self) -> usize {
        self.p * (self.p + 1) / 2
    }

    fn vech(&self, a: usize, b: usize) -> usize {
        self.vech[a * self.p + b]
    }

    /// The casewise scores of the saturated model, `(t, vech(t t' − K))` with the diagonal
    /// halved, `t = K r` (lavaan's `lav_mvnorm_missing_scores_mu_vech_sigma`).
    fn scores(&self, t: &[f64], k: &DMatrix<f64>, out: &mut [f64]) {
        for (j, pos) in self.mean.iter().enumerate() {
            if let Some(i) = pos {
                out[*i] = t[j];
            }
        }
        let off = self.mean.iter().flatten().count();
        for (n, &(a, b)) in self.pairs.iter().enumerate() {
            let v = t[a] * t[b] - k[(a, b)];
            out[off + n] = if a == b { 0.5 * v } else { v };
        }
    }

    /// `v' W_c v` with `W_c` the complete-data information at `Σ⁻¹ = w`:
    /// `v_μ' W v_μ + ½ tr(W V W V)`, `V` the symmetric matrix of the pair entries.
    fn complete_quadratic(&self, v: &[f64], w: &DMatrix<f64>, vm: &mut DMatrix<f64>) -> f64 {
        let p = self.p;
        vm.fill(0.0);
        let mut mean = vec![0.0; p];
        for (j, pos) in self.mean.iter().enumerate() {
            if let Some(i) = pos {
                mean[j] = v[*i];
            }
        }
        let off = self.mean.iter().flatten().count();
        for (n, &(a, b)) in self.pairs.iter().enumerate() {
            vm[(a, b)] = v[off + n];
            vm[(b, a)] = v[off + n];
        }
        let y = w * &*vm;
        let mut tr = 0.0;
        for a in 0..p {
            for b in 0..p {
                tr += y[(a, b)] * y[(b, a)];
            }
        }
        let wm = w * DVector::from_column_slice(&mean);
        let quad: f64 = wm.iter().zip(&mean).map(|(x, y)| x * y).sum();
        quad + 0.5 * tr
    }
}

/// One pattern's pieces at the EM estimates: `K = Σ_oo⁻¹` embedded, `t_i = K r_i` per row.
fn pattern_parts(
    fd: &FimlData,
    k: usize,
    mu: &DVector<f64>,
    w: &DMatrix<f64>,
) -> Option<(DMatrix<f64>, Vec<Vec<f64>>)> {
    let pt = &fd.patterns[k];
    let p = fd.p;
    let pi = pattern_inverse(w, &pt.mis)?;
    let kk = embedded_inverse(w, &pt.mis, &pi);
    let mut r = vec![0.0; p];
    let ts = pt
        .rows
        .iter()
        .map(|&row| {
            let mut t = vec![0.0; p];
            residual_and_z(fd.row(row), mu, w, &pt.mis, &pi, &mut r, &mut t);
            t
        })
        .collect();
    Some((kk, ts))
}

/// The observed information `A₁` (unit, `−Hessian / N`) of the saturated model at the EM
/// estimates over the moments of `idx` (lavaan's
/// `lav_mvnorm_missing_information_observed_samplestats` with the covariates' moments
/// removed). Per pattern `k` with `n_k` rows, `K_k`, `u_k = Σ t_i` and
/// `B_k = 2 Σ t_i t_i' − n_k K_k`: the mean block `Σ n_k K_k`, the mixed block
/// `D'(u_k ⊗ K_k)` and the covariance block `½ D'(K_k ⊗ B_k) D`.
fn h1_information(
    fd: &FimlData,
    idx: &MomentIndex,
    mu: &DVector<f64>,
    w: &DMatrix<f64>,
) -> Option<DMatrix<f64>> {
    let p = fd.p;
    let ps = idx.pstar();
    let npat = fd.patterns.len();
    let mut h11 = DMatrix::<f64>::zeros(p, p);
    // kb[(vech(i,k), vech(j,l))] = Σ_k K[i,k] B[j,l]; ku[(vech(i,k), l)] = Σ_k K[i,k] u[l].
    let mut kb = DMatrix::<f64>::zeros(ps, ps);
    let mut ku = DMatrix::<f64>::zeros(ps, p);
    let mut start = 0;
    while start < npat {
        let end = (start + PATTERN_CHUNK).min(npat);
        let m = end - start;
        let mut kv = DMatrix::<f64>::zeros(ps, m);
        let mut bv = DMatrix::<f64>::zeros(m, ps);
        let mut uv = DMatrix::<f64>::zeros(m, p);
        for (c, k) in (start..end).enumerate() {
            let (kk, ts) = pattern_parts(fd, k, mu, w)?;
            let nk = ts.len() as f64;
            h11 += &kk * nk;
            let mut b = &kk * (-nk);
            let mut u = vec![0.0; p];
            for t in &ts {
                for a in 0..p {
                    u[a] += t[a];
                    if t[a] != 0.0 {
                        for bb in 0..p {
                            b[(a, bb)] += 2.0 * t[a] * t[bb];
                        }
                    }
                }
            }
            for bb in 0..p {
                for a in bb..p {
                    let v = idx.vech(a, bb);
                    kv[(v, c)] = kk[(a, bb)];
                    bv[(c, v)] = b[(a, bb)];
                }
                uv[(c, bb)] = u[bb];
            }
        }
        kb.gemm(1.0, &kv, &bv, 1.0);
        ku.gemm(1.0, &kv, &uv, 1.0);
        start = end;
    }
    let d = idx.dim;
    let nf = fd.n as f64;
    let mut a1 = DMatrix::<f64>::zeros(d, d);
    let means: Vec<(usize, usize)> = (0..p).filter_map(|j| idx.mean[j].map(|i| (j, i))).collect();
    for &(j, i) in &means {
        for &(l, m) in &means {
            a1[(i, m)] = h11[(j, l)] / nf;
        }
    }
    let dup = |a: usize, b: usize| -> ([(usize, usize); 2], usize) {
        if a == b {
            ([(a, a), (a, a)], 1)
        } else {
            ([(a, b), (b, a)], 2)
        }
    };
    let off = means.len();
    for (n, &(a, b)) in idx.pairs.iter().enumerate() {
        let row = off + n;
        let (d1, n1) = dup(a, b);
        // Mixed block: Σ over (j, i) ∈ dup(a, b) of u_i K_jc.
        for &(c, m) in &means {
            let mut v = 0.0;
            for &(j, i) in &d1[..n1] {
                v += ku[(idx.vech(j, c), i)];
            }
            a1[(row, m)] = v / nf;
            a1[(m, row)] = v / nf;
        }
        // Covariance block: ½ Σ over (j, i) ∈ dup(a, b), (l, k) ∈ dup(c, e) of K_ik B_jl.
        for (n2, &(c, e)) in idx.pairs.iter().enumerate().skip(n) {
            let col = off + n2;
            let (d2, n2d) = dup(c, e);
            let mut v = 0.0;
            for &(j, i) in &d1[..n1] {
                for &(l, k) in &d2[..n2d] {
                    v += kb[(idx.vech(i, k), idx.vech(j, l))];
                }
            }
            a1[(row, col)] = 0.5 * v / nf;
            a1[(col, row)] = 0.5 * v / nf;
        }
    }
    Some(a1)
}

/// The model's derivatives `Δ = ∂(μ, vech Σ)/∂θ'` over the moments of `idx` at `theta`.
fn jacobian(
    c: &Compiled,
    idx: &MomentIndex,
    theta: &[f64],
    exo: &ExoMoments,
) -> Option<DMatrix<f64>> {
    let p = c.p;
    let mut ram = RamMatrices::new(c.n);
    c.fill(theta, exo, &mut ram);
    ram.implied_sparse(c).ok()?;
    let mut x = DMatrix::zeros(p, c.p_cols.len() + c.q_cols.len());
    ram.basis(c, &mut x);
    let off = idx.mean.iter().flatten().count();
    let mut delta = DMatrix::zeros(idx.dim, c.q());
    for (a, plans) in c.plan.iter().enumerate() {
        for d in plans {
            let cc = d.c(c.meanstructure, &ram.nu);
            if cc != 0.0 {
                for (j, pos) in idx.mean.iter().enumerate() {
                    if let Some(i) = pos {
                        delta[(*i, a)] += cc * x[(j, d.k)];
                    }
                }
            }
            if d.s != 0.0 {
                for (n, &(i, j)) in idx.pairs.iter().enumerate() {
                    delta[(off + n, a)] +=
                        d.s * (x[(i, d.x)] * x[(j, d.y)] + x[(i, d.y)] * x[(j, d.x)]);
                }
            }
        }
    }
    Some(delta)
}

/// `N F_ML` of the complete-data discrepancy between the moments `(s, m)` and `(sigma, mu)`
/// (lavaan's χ² of a fit to given sample moments with `optim.method = "none"`).
fn complete_chisq(
    n: f64,
    s: &DMatrix<f64>,
    m: &DVector<f64>,
    sigma: &DMatrix<f64>,
    mu: &DVector<f64>,
) -> f64 {
    let (Some(cs), Some(cq)) = (Chol::new(s), Chol::new(sigma)) else {
        return f64::NAN;
    };
    let w = cq.inverse();
    let d = m - mu;
    let tr = w.component_mul(s).sum();
    n * (cq.logdet() + tr - cs.logdet() - s.nrows() as f64 + d.dot(&(&w * &d)))
}

/// Everything the MLR fit needs besides the estimates.
pub(super) struct MlrInput<'a> {
    pub c: &'a Compiled,
    pub fd: &'a FimlData,
    pub theta: &'a [f64],
    pub exo: &'a ExoMoments,
    /// The EM estimates (the saturated model).
    pub mu1: &'a DVector<f64>,
    pub sigma1: &'a DMatrix<f64>,
    /// The observed information, the Hessian of `−2 log L / N`.
    pub hessian: Option<&'a DMatrix<f64>>,
    /// Casewise scores `∂ℓ_i/∂θ` (`N × q`).
    pub scores: &'a DMatrix<f64>,
    pub baseline: &'a Baseline,
    pub df: f64,
}

/// The robust parts of an MLR fit with FIML; `None` in `RobustParts::trace_h1` when the
/// saturated information is not positive definite.
pub(super) fn mlr_parts(inp: &MlrInput) -> Result<RobustParts, SemError> {
    let c = inp.c;
    let fd = inp.fd;
    let n = fd.n;
    let nf = n as f64;
    let p = c.p;
    // Sandwich and tr(A₀⁻¹B₀) in the parameter space: A₀ = H/2 (unit information).
    let b0 = inp.scores.transpose() * inp.scores / nf;
    let a0_inv = inp.hessian.and_then(spd_inverse).map(|hi| hi * 2.0);
    let (vcov, tr_h0) = match &a0_inv {
        Some(ai) => (Some(ai * &b0 * ai / nf), ai.component_mul(&b0).sum()),
        None => (None, f64::NAN),
    };
    // Baseline: each non-covariate's mean and variance, separable.
    let mut base_h0 = 0.0;
    for j in (0..p).filter(|j| !c.x_idx.contains(j)) {
        let (m, v) = (inp.baseline.mean[j], inp.baseline.cov[(j, j)]);
        let (mut acc, mut k) = (0.0, 0usize);
        for r in 0..n {
            let y = fd.row(r)[j];
            if !y.is_nan() {
                let e = (y - m) * (y - m) - v;
                acc += e * e;
                k += 1;
            }
        }
        base_h0 += 1.0 + acc / (2.0 * k as f64 * v * v);
    }
    let idx = MomentIndex::new(p, &c.x_idx);
    let d = idx.dim;
    let w1 = match Chol::new(inp.sigma1) {
        Some(ch) => ch.inverse(),
        None => return Err(SemError::SingularStructure),
    };
    let unavailable = RobustParts {
        vcov: vcov.clone(),
        trace_ugamma: f64::NAN,
        trace_h1: None,
        trace_h0: Some(tr_h0),
        baseline_trace: f64::NAN,
        corrected: None,
    };
    let Some(a1) = h1_information(fd, &idx, inp.mu1, &w1) else {
        return Ok(unavailable);
    };
    let Some(delta) = jacobian(c, &idx, inp.theta, inp.exo) else {
        return Ok(unavailable);
    };
    // E_c = Δ' A₁ Δ (lavaan's information with observed.information = "h1").
    let a1_delta = &a1 * &delta;
    let ec_inv = spd_inverse(&(delta.transpose() * &a1_delta));
    // The baseline's Δ picks each non-covariate's mean and variance.
    let off = idx.mean.iter().flatten().count();
    let base_coords: Vec<usize> = (0..p)
        .filter(|j| !c.x_idx.contains(j))
        .flat_map(|j| [idx.mean[j].unwrap_or(0), idx.pair[j * p + j].unwrap_or(off)])
        .collect();
    let nb = base_coords.len();
    let eb = DMatrix::from_fn(nb, nb, |i, j| a1[(base_coords[i], base_coords[j])]);
    let eb_inv = spd_inverse(&eb);
    let Some(ch) = BlockChol::new(a1) else {
        return Ok(unavailable);
    };
    let delta_t = delta.transpose();
    // Casewise saturated scores, a chunk of rows at a time, in pattern order.
    let mut tr_h1 = 0.0;
    let (mut k_main, mut k_base) = (0.0, 0.0);
    let mut vm = DMatrix::zeros(p, p);
    let mut chunk = DMatrix::<f64>::zeros(d, ROW_CHUNK);
    let mut filled = 0;
    let mut column = vec![0.0; d];
    let mut flush = |chunk: &DMatrix<f64>, m: usize| {
        let s = chunk.columns(0, m).into_owned();
        let mut t = s.clone();
        ch.solve_in_place(&mut t);
        tr_h1 += s.component_mul(&t).sum();
        if let Some(ei) = &ec_inv {
            let proj = &delta * (ei * (&delta_t * &s));
            let v = &t - proj;
            for col in 0..m {
                k_main += idx.complete_quadratic(v.column(col).as_slice(), &w1, &mut vm);
            }
        }
        if let Some(bi) = &eb_inv {
            let sb = DMatrix::from_fn(nb, m, |i, col| s[(base_coords[i], col)]);
            let corr = bi * sb;
            let mut v = t;
            for col in 0..m {
                for (i, &coord) in base_coords.iter().enumerate() {
                    v[(coord, col)] -= corr[(i, col)];
                }
                k_base += idx.complete_quadratic(v.column(col).as_slice(), &w1, &mut vm);
            }
        }
    };
    for k in 0..fd.patterns.len() {
        let Some((kk, ts)) = pattern_parts(fd, k, inp.mu1, &w1) else {
            return Ok(unavailable);
        };
        for t in &ts {
            idx.scores(t, &kk, &mut column);
            chunk.column_mut(filled).copy_from_slice(&column);
            filled += 1;
            if filled == ROW_CHUNK {
                flush(&chunk, filled);
                filled = 0;
            }
        }
    }
    if filled > 0 {
        flush(&chunk, filled);
    }
    let tr_h1 = tr_h1 / nf;
    // The FIML-corrected statistics: the complete-data χ² at the EM moments, with the
    // scaling k / df.
    let mut ram = RamMatrices::new(c.n);
    c.fill(inp.theta, inp.exo, &mut ram);
    ram.implied_sparse(c)?;
    let xx3 = complete_chisq(nf, inp.sigma1, inp.mu1, &ram.sigma(p), &ram.mu(p));
    let xx3_null = complete_chisq(
        nf,
        inp.sigma1,
        inp.mu1,
        &inp.baseline.cov,
        &inp.baseline.mean,
    );
    let c_hat = if ec_inv.is_some() && inp.df > 0.0 {
        k_main / nf / inp.df
    } else {
        f64::NAN
    };
    let c_hat_null = if eb_inv.is_some() && inp.baseline.df > 0.0 {
        k_base / nf / inp.baseline.df
    } else {
        f64::NAN
    };
    Ok(RobustParts {
        vcov,
        trace_ugamma: tr_h1 - tr_h0,
        trace_h1: Some(tr_h1),
        trace_h0: Some(tr_h0),
        baseline_trace: tr_h1 - base_h0,
        corrected: Some(Corrected {
            chisq: xx3,
            scaling_factor: c_hat,
            baseline_chisq: xx3_null,
            baseline_scaling_factor: c_hat_null,
        }),
    })
}
