//! MLR with full-information ML (lavaan's `estimator = "MLR"` with `missing = "ml"` or
//! `"ml.x"`): the Huber–White sandwich, the Yuan–Bentler (Mplus variant) scaled test and the
//! FIML-corrected robust RMSEA and CFI (lavaan 0.6-14's `lav_fit_fiml_corrected`, version
//! V3). Formulas and sources are in `docs/methods/sem.md` §11 ("MLR with full-information ML").
//!
//! The sandwich and `tr(A₀⁻¹B₀)` live in the parameter space (casewise scores from the
//! observed-information pass). The saturated model's `tr(A₁⁻¹B₁)` and the corrected
//! indices need the `d × d` observed information `A₁` of the saturated model over the
//! moments that are not the fixed covariates' own (`d = p + p(p+1)/2` without covariates),
//! evaluated at the EM estimates. It is assembled from per-pattern Kronecker terms with one
//! matrix product over the patterns, factorised by blocks, and every casewise vector is
//! solved against it a block of rows at a time, so memory stays `O(d²)`.

use nalgebra::{DMatrix, DVector};

use super::super::constrained::inverse;
use super::super::error::SemError;
use super::super::inference::spd_inverse;
use super::super::linalg::{dot, BlockChol, Chol};
use super::super::ram::{Compiled, ExoMoments, RamMatrices};
use super::super::robust::{Corrected, RobustParts};
use super::baseline::Baseline;
use super::patterns::{embedded_inverse, pattern_inverse, residual_and_z, FimlData};

/// Most observed variables of an MLR fit with full-information ML: the saturated model's
/// information is a square matrix over `p + p(p+1)/2` moments (2,144 at this limit).
pub const MAX_MLR_FIML_VARIABLES: usize = 64;

/// Rows solved together against `A₁`.
const ROW_CHUNK: usize = 512;
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
            let v = t[a] * t[b] - k[(b, a)];
            out[off + n] = if a == b { 0.5 * v } else { v };
        }
    }

    /// Fills `vm` with the symmetric matrix of the pair entries of `v` and `mean` with its
    /// means (zero at the covariates).
    fn unpack(&self, v: &[f64], vm: &mut DMatrix<f64>, mean: &mut [f64]) {
        vm.fill(0.0);
        mean.fill(0.0);
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
    }

    /// `W_c v` with `W_c = W ⊕ ½ D'(W ⊗ W) D` the complete-data information at `Σ⁻¹ = w`:
    /// the means `W v_μ`, the pairs `(W V W)_ab`, halved on the diagonal.
    fn complete_apply(&self, v: &[f64], w: &DMatrix<f64>, out: &mut [f64]) {
        let p = self.p;
        let mut vm = DMatrix::zeros(p, p);
        let mut mean = vec![0.0; p];
        self.unpack(v, &mut vm, &mut mean);
        let wvw = w * &vm * w;
        let wm = w * DVector::from_column_slice(&mean);
        for (j, pos) in self.mean.iter().enumerate() {
            if let Some(i) = pos {
                out[*i] = wm[j];
            }
        }
        let off = self.mean.iter().flatten().count();
        for (n, &(a, b)) in self.pairs.iter().enumerate() {
            out[off + n] = if a == b {
                0.5 * wvw[(a, a)]
            } else {
                wvw[(a, b)]
            };
        }
    }
}

/// `t' W_c t` for one moment vector, with the pieces the baseline's correction needs:
/// `W t_μ` and the diagonal of `W T W`.
struct CompleteParts {
    quad: f64,
    w_mean: Vec<f64>,
    wtw_diag: Vec<f64>,
}

/// Columns of `t` handed to [`complete_parts`] at a time (its work space is
/// `p × p·COMPLETE_CHUNK`, small enough to stay in cache).
const COMPLETE_CHUNK: usize = 32;

/// [`CompleteParts`] of the columns `first..first + m` of `t`, with one matrix product
/// `W [T_1 … T_m]` for all of them; `tt` and `y` are `p × p·m` work space.
fn complete_parts(
    idx: &MomentIndex,
    t: &DMatrix<f64>,
    (first, m): (usize, usize),
    w: &DMatrix<f64>,
    tt: &mut DMatrix<f64>,
    y: &mut DMatrix<f64>,
) -> Vec<CompleteParts> {
    let p = idx.p;
    let mut means = DMatrix::zeros(p, m);
    let mut vm = DMatrix::zeros(p, p);
    let mut mean = vec![0.0; p];
    for col in 0..m {
        idx.unpack(t.column(first + col).as_slice(), &mut vm, &mut mean);
        tt.columns_mut(col * p, p).copy_from(&vm);
        means.column_mut(col).copy_from_slice(&mean);
    }
    y.columns_mut(0, p * m)
        .gemm(1.0, w, &tt.columns(0, p * m), 0.0);
    let wm = w * &means;
    (0..m)
        .map(|col| {
            let yc = y.columns(col * p, p);
            let mut tr = 0.0;
            let mut wtw_diag = vec![0.0; p];
            for a in 0..p {
                let (mut dg, mut ta) = (0.0, 0.0);
                for b in 0..p {
                    ta += yc[(a, b)] * yc[(b, a)];
                    dg += yc[(a, b)] * w[(b, a)];
                }
                tr += ta;
                wtw_diag[a] = dg;
            }
            let w_mean: Vec<f64> = wm.column(col).iter().copied().collect();
            let quad = dot(&w_mean, means.column(col).as_slice());
            CompleteParts {
                quad: quad + 0.5 * tr,
                w_mean,
                wtw_diag,
            }
        })
        .collect()
}

/// One pattern's pieces at the EM estimates: `K = Σ_oo⁻¹` embedded, `W_mm⁻¹` and
/// `t_i = K r_i` per row.
struct PatternParts {
    k: DMatrix<f64>,
    wmm_inv: DMatrix<f64>,
    ts: Vec<Vec<f64>>,
}

fn pattern_parts(
    fd: &FimlData,
    k: usize,
    mu: &DVector<f64>,
    w: &DMatrix<f64>,
) -> Option<PatternParts> {
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
    Some(PatternParts {
        k: kk,
        wmm_inv: pi.wmm_inv,
        ts,
    })
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
    scratch: &mut Vec<f64>,
) -> Option<DMatrix<f64>> {
    let p = fd.p;
    let ps = idx.pstar();
    let npat = fd.patterns.len();
    let mut h11 = DMatrix::<f64>::zeros(p, p);
    // kb[(vech(i,k), vech(j,l))] = Σ_k K[i,k] B[j,l]; ku[(vech(i,k), l)] = Σ_k K[i,k] u[l].
    let mut kb = zeroed(scratch, ps, ps);
    let mut ku = DMatrix::<f64>::zeros(ps, p);
    let width = npat.min(PATTERN_CHUNK);
    let mut kv_all = DMatrix::<f64>::zeros(ps, width);
    let mut bv_all = DMatrix::<f64>::zeros(width, ps);
    let mut uv_all = DMatrix::<f64>::zeros(width, p);
    let mut start = 0;
    while start < npat {
        let end = (start + PATTERN_CHUNK).min(npat);
        let m = end - start;
        let mut kv = kv_all.columns_mut(0, m);
        let mut bv = bv_all.rows_mut(0, m);
        let mut uv = uv_all.rows_mut(0, m);
        for (c, k) in (start..end).enumerate() {
            let PatternParts { k: kk, ts, .. } = pattern_parts(fd, k, mu, w)?;
            let nk = ts.len() as f64;
            h11 += &kk * nk;
            let mut b = &kk * (-nk);
            let mut u = vec![0.0; p];
            for t in &ts {
                for (bb, &tb) in t.iter().enumerate() {
                    u[bb] += tb;
                    if tb != 0.0 {
                        let f = 2.0 * tb;
                        for (x, &ta) in b.column_mut(bb).iter_mut().zip(t) {
                            *x += f * ta;
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
    // The covariance block needs Σ_k K_k ⊗ B_k only through its symmetrised form
    // S[(i,k),(j,l)] = kb + kb': entry ((a,b),(c,e)) is ½ m (S[ac, be] + S[ae, bc]) with
    // m = 1, ½ or ¼ as none, one or both of the pairs are diagonal.
    for j in 0..ps {
        for i in j + 1..ps {
            let v = kb[(i, j)] + kb[(j, i)];
            kb[(i, j)] = v;
            kb[(j, i)] = v;
        }
        kb[(j, j)] *= 2.0;
    }
    let off = means.len();
    // Only the lower triangle is filled: it is all the factorisation reads.
    for (n, &(a, b)) in idx.pairs.iter().enumerate() {
        let row = off + n;
        // Mixed block: u_b K_ac + u_a K_bc (once when a = b).
        for &(c, m) in &means {
            let mut v = ku[(idx.vech(a, c), b)];
            if a != b {
                v += ku[(idx.vech(b, c), a)];
            }
            a1[(row, m)] = v / nf;
        }
        let mut lower = a1.column_mut(row);
        for (n2, &(c, e)) in idx.pairs.iter().enumerate().skip(n) {
            let mult = match (a == b, c == e) {
                (false, false) => 0.5,
                (true, true) => 0.125,
                _ => 0.25,
            };
            let v = mult
                * (kb[(idx.vech(b, e), idx.vech(a, c))] + kb[(idx.vech(a, e), idx.vech(b, c))]);
            lower[off + n2] = v / nf;
        }
    }
    *scratch = kb.data.into();
    Some(a1)
}

/// A zeroed `r × c` matrix in the memory of `buf` (left empty): the large work matrices
/// of one fit share it instead of each touching fresh pages.
fn zeroed(buf: &mut Vec<f64>, r: usize, c: usize) -> DMatrix<f64> {
    let mut v = std::mem::take(buf);
    v.clear();
    v.resize(r * c, 0.0);
    DMatrix::from_vec(r, c, v)
}

/// The structured model at the estimates: its RAM matrices and derivative basis `X`.
struct Structure {
    ram: RamMatrices,
    x: DMatrix<f64>,
}

impl Structure {
    fn new(c: &Compiled, theta: &[f64], exo: &ExoMoments) -> Result<Structure, SemError> {
        let mut ram = RamMatrices::new(c.n);
        c.fill(theta, exo, &mut ram);
        ram.implied_sparse(c)?;
        let mut x = DMatrix::zeros(c.p, c.p_cols.len() + c.q_cols.len());
        ram.basis(c, &mut x);
        Ok(Structure { ram, x })
    }

    /// `Δ = ∂(μ, vech Σ)/∂θ'` over the moments of `idx`.
    fn jacobian(&self, c: &Compiled, idx: &MomentIndex) -> DMatrix<f64> {
        let x = &self.x;
        let off = idx.mean.iter().flatten().count();
        let mut delta = DMatrix::zeros(idx.dim, c.q());
        for (a, plans) in c.plan.iter().enumerate() {
            for d in plans {
                let cc = d.c(c.meanstructure, &self.ram.nu);
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
        delta
    }

    /// `Δ' s_i` for the saturated scores of one row, `½ tr(∂Σ (t t' − K)) + ∂μ' t`, from
    /// `z = X't` and `X'KX` (the casewise-score form, without the `d`-vector).
    fn project(&self, c: &Compiled, z: &[f64], xkx: &DMatrix<f64>, out: &mut [f64]) {
        for (a, plans) in c.plan.iter().enumerate() {
            let mut g = 0.0;
            for d in plans {
                if d.s != 0.0 {
                    g += d.s * (z[d.x] * z[d.y] - xkx[(d.x, d.y)]);
                }
                let cc = d.c(c.meanstructure, &self.ram.nu);
                if cc != 0.0 {
                    g += cc * z[d.k];
                }
            }
            out[a] = g;
        }
    }
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

/// What a group of a multiple-group fit takes from all groups: with `f = N_g / N`, the
/// pooled `E = Σ_h f_h Δ_h'A₁,hΔ_h` and `F = Σ_h f_h Δ_h'W_c,hΔ_h` of every group (see
/// [`group_information`]). The corrected quadratic of a row then uses `u = f E⁻¹ Δ's` and
/// `F / f` in place of the group's own `E_c⁻¹ Δ's` and `Δ'W_cΔ` (lavaan's
/// `lav_fit_fiml_corrected` over the block-diagonal matrices of all groups).
pub(crate) struct Pooled {
    /// `f E⁻¹`.
    pub e_inv: DMatrix<f64>,
    /// `F / f`.
    pub f: DMatrix<f64>,
}

/// One group's share of [`Pooled`], before weighting.
pub(crate) struct GroupInformation {
    /// `Δ'A₁Δ`.
    pub e: DMatrix<f64>,
    /// `Δ'W_cΔ`.
    pub f: DMatrix<f64>,
}

/// The saturated model's pieces at the EM estimates that the MLR parts of a group and its
/// share of [`Pooled`] both need.
struct Saturated {
    idx: MomentIndex,
    /// `W̃ = Σ̂₁⁻¹`.
    w1: DMatrix<f64>,
    /// `A₁ = LL'`.
    ch: BlockChol,
    st: Structure,
    delta: DMatrix<f64>,
    /// `L'Δ`, so that `Δ'A₁Δ = (L'Δ)'(L'Δ)`.
    lt_delta: DMatrix<f64>,
    /// `W_cΔ`.
    wc_delta: DMatrix<f64>,
    /// The coordinates of each non-covariate's mean and variance (the baseline's `Δ_B`),
    /// and `Δ_B'A₁Δ_B`, that block of `A₁`.
    base_coords: Vec<usize>,
    eb: DMatrix<f64>,
}

impl Saturated {
    /// `None` when `A₁` is not positive definite; `scratch` is left holding work memory
    /// for the caller to reuse.
    fn new(inp: &MlrInput, scratch: &mut Vec<f64>) -> Result<Option<Saturated>, SemError> {
        let c = inp.c;
        let p = c.p;
        let idx = MomentIndex::new(p, &c.x_idx);
        let Some(w1) = Chol::new(inp.sigma1).map(|ch| ch.inverse()) else {
            return Err(SemError::SingularStructure);
        };
        let Some(a1) = h1_information(inp.fd, &idx, inp.mu1, &w1, scratch) else {
            return Ok(None);
        };
        let st = Structure::new(c, inp.theta, inp.exo)?;
        let delta = st.jacobian(c, &idx);
        let off = idx.mean.iter().flatten().count();
        let base_coords: Vec<usize> = (0..p)
            .filter(|j| !c.x_idx.contains(j))
            .flat_map(|j| [idx.mean[j].unwrap_or(0), idx.pair[j * p + j].unwrap_or(off)])
            .collect();
        let nb = base_coords.len();
        let eb = DMatrix::from_fn(nb, nb, |i, j| {
            let (x, y) = (base_coords[i], base_coords[j]);
            a1[(x.max(y), x.min(y))]
        });
        let Some(ch) = BlockChol::new(a1) else {
            return Ok(None);
        };
        let lt_delta = ch.lt_mul(&delta);
        let mut wc_delta = DMatrix::zeros(idx.dim, c.q());
        let mut col = vec![0.0; idx.dim];
        for a in 0..c.q() {
            idx.complete_apply(delta.column(a).as_slice(), &w1, &mut col);
            wc_delta.column_mut(a).copy_from_slice(&col);
        }
        Ok(Some(Saturated {
            idx,
            w1,
            ch,
            st,
            delta,
            lt_delta,
            wc_delta,
            base_coords,
            eb,
        }))
    }
}

/// One group's [`GroupInformation`] at the estimates (`None` when its saturated
/// information is not positive definite).
pub(crate) fn group_information(inp: &MlrInput) -> Result<Option<GroupInformation>, SemError> {
    Ok(
        Saturated::new(inp, &mut Vec::new())?.map(|s| GroupInformation {
            e: s.lt_delta.transpose() * &s.lt_delta,
            f: s.delta.transpose() * &s.wc_delta,
        }),
    )
}

/// Everything the MLR fit needs besides the estimates.
pub(crate) struct MlrInput<'a> {
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
    /// In a multiple-group fit, what the group takes from all groups.
    pub pooled: Option<&'a Pooled>,
}

/// The robust parts of an MLR fit with FIML; `None` in `RobustParts::trace_h1` when the
/// saturated information is not positive definite.
pub(crate) fn mlr_parts(inp: &MlrInput) -> Result<RobustParts, SemError> {
    let c = inp.c;
    let fd = inp.fd;
    let n = fd.n;
    let nf = n as f64;
    let p = c.p;
    // Sandwich and tr(A₀⁻¹B₀) in the parameter space: A₀ = H/2 (unit information).
    let b0 = inp.scores.transpose() * inp.scores / nf;
    // Under general constraints both inverses are taken in the constraints' null space
    // (lavaan's augmented information), as for MLR with complete data.
    let cons = &c.table.constraints;
    let a0_inv = inp
        .hessian
        .and_then(|h| inverse(cons, inp.theta, h))
        .map(|hi| hi * 2.0);
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
    let unavailable = RobustParts {
        vcov: vcov.clone(),
        trace_ugamma: f64::NAN,
        trace_h1: None,
        trace_h0: Some(tr_h0),
        baseline_trace: f64::NAN,
        corrected: None,
    };
    let mut scratch = Vec::new();
    let Some(sat) = Saturated::new(inp, &mut scratch)? else {
        return Ok(unavailable);
    };
    let Saturated {
        idx,
        w1,
        ch,
        st,
        delta,
        lt_delta,
        wc_delta,
        base_coords,
        eb,
    } = sat;
    let d = idx.dim;
    let nb = base_coords.len();
    let eb_inv = spd_inverse(&eb);
    // E_c = Δ' A₁ Δ = (L'Δ)'(L'Δ) (lavaan's information with observed.information = "h1").
    let ec_inv = match inp.pooled {
        Some(pl) => Some(pl.e_inv.clone()),
        None => inverse(cons, inp.theta, &(lt_delta.transpose() * &lt_delta)),
    };
    // The main model's corrected quadratic without forming v_i = t_i − Δ E_c⁻¹ Δ's_i:
    // v'W_c v = t'W_c t − 2 u'(W_cΔ)'t + u'(Δ'W_cΔ)u with u = E_c⁻¹ Δ's.
    let q = c.q();
    let f = match inp.pooled {
        Some(pl) => pl.f.clone(),
        None => delta.transpose() * &wc_delta,
    };
    let wc_delta_t = wc_delta.transpose();
    // The baseline's correction δ = E_B⁻¹ s_B sits at its own coordinates: its quadratic
    // terms need only W̃ and W̃∘W̃.
    let w_sq = w1.component_mul(&w1);
    let ys: Vec<usize> = (0..p).filter(|j| !c.x_idx.contains(j)).collect();
    // X'W̃X and W̃X: each pattern's X'KX is a low-rank update of the first.
    let wx = &w1 * &st.x;
    let xwx = st.x.transpose() * &wx;
    // Casewise saturated scores (and their Δ's), a chunk of rows at a time.
    let mut tr_h1 = 0.0;
    let (mut k_main, mut k_base) = (0.0, 0.0);
    let width = n.min(ROW_CHUNK);
    let mut tt = DMatrix::<f64>::zeros(p, p * COMPLETE_CHUNK);
    let mut ybig = DMatrix::<f64>::zeros(p, p * COMPLETE_CHUNK);
    let mut chunk = zeroed(&mut scratch, d, width);
    let mut g_chunk = DMatrix::<f64>::zeros(q, width);
    let mut filled = 0;
    let mut column = vec![0.0; d];
    let mut gcol = vec![0.0; q];
    let mut z = vec![0.0; st.x.ncols()];
    // Solves the first `m` columns of `chunk` in place (they become `t_i = A₁⁻¹ s_i`) and
    // adds their terms.
    let mut flush = |chunk: &mut DMatrix<f64>, g: &DMatrix<f64>, m: usize| {
        let sb = eb_inv
            .as_ref()
            .map(|bi| bi * DMatrix::from_fn(nb, m, |i, col| chunk[(base_coords[i], col)]));
        let mut tm = chunk.columns_mut(0, m);
        // s' A₁⁻¹ s = ‖L⁻¹ s‖², between the two half-solves.
        ch.forward_in_place(&mut tm);
        tr_h1 += tm.norm_squared();
        ch.backward_in_place(&mut tm);
        let main = ec_inv.as_ref().map(|ei| {
            let u = ei * g.columns(0, m);
            let h = &wc_delta_t * &tm;
            let fu = &f * &u;
            (u, h, fu)
        });
        let mut first = 0;
        while first < m {
            let len = COMPLETE_CHUNK.min(m - first);
            let parts = complete_parts(&idx, chunk, (first, len), &w1, &mut tt, &mut ybig);
            for (off, cp) in parts.iter().enumerate() {
                let col = first + off;
                if let Some((u, h, fu)) = &main {
                    k_main += cp.quad - 2.0 * u.column(col).dot(&h.column(col))
                        + u.column(col).dot(&fu.column(col));
                }
                if let Some(delta_b) = &sb {
                    // δ at (mean_j, σ_jj) for every non-covariate j, in base_coords' order.
                    let (mut cross, mut dmu, mut dsig) = (0.0, 0.0, 0.0);
                    for (a, &j) in ys.iter().enumerate() {
                        let (dm, ds) = (delta_b[(2 * a, col)], delta_b[(2 * a + 1, col)]);
                        cross += dm * cp.w_mean[j] + 0.5 * ds * cp.wtw_diag[j];
                        for (b, &k) in ys.iter().enumerate() {
                            let (em, es) = (delta_b[(2 * b, col)], delta_b[(2 * b + 1, col)]);
                            dmu += dm * em * w1[(j, k)];
                            dsig += ds * es * w_sq[(j, k)];
                        }
                    }
                    k_base += cp.quad - 2.0 * cross + dmu + 0.5 * dsig;
                }
            }
            first += len;
        }
    };
    for k in 0..fd.patterns.len() {
        let Some(parts) = pattern_parts(fd, k, inp.mu1, &w1) else {
            return Ok(unavailable);
        };
        let mis = &fd.patterns[k].mis;
        let xkx = if mis.is_empty() {
            xwx.clone()
        } else {
            let ym = DMatrix::from_fn(mis.len(), wx.ncols(), |a, b| wx[(mis[a], b)]);
            &xwx - ym.transpose() * (&parts.wmm_inv * &ym)
        };
        for tv in &parts.ts {
            idx.scores(tv, &parts.k, &mut column);
            chunk.column_mut(filled).copy_from_slice(&column);
            for (b, zb) in z.iter_mut().enumerate() {
                *zb = dot(st.x.column(b).as_slice(), tv);
            }
            st.project(c, &z, &xkx, &mut gcol);
            g_chunk.column_mut(filled).copy_from_slice(&gcol);
            filled += 1;
            if filled == width {
                flush(&mut chunk, &g_chunk, filled);
                filled = 0;
            }
        }
    }
    if filled > 0 {
        flush(&mut chunk, &g_chunk, filled);
    }
    let tr_h1 = tr_h1 / nf;
    // The FIML-corrected statistics: the complete-data χ² at the EM moments, with the
    // scaling k / df.
    let xx3 = complete_chisq(nf, inp.sigma1, inp.mu1, &st.ram.sigma(p), &st.ram.mu(p));
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
