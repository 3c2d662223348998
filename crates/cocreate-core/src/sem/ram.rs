//! RAM model matrices and the model-implied moments with their derivatives.
//!
//! All variables, observed first (in the table's order) and then latent, form one vector
//! `v = A v + e` with `cov(e) = S` and intercepts `m`. With `G = (I - A)^-1` the implied
//! covariance of all variables is `Φ = G S G'`, the implied means are `ν = G m`, and the
//! observed block is `Σ = Φ[obs, obs]`, `μ = ν[obs]` (McArdle & McDonald, 1984).
//!
//! Every derivative of `Σ` with respect to one matrix entry has the form
//! `s (x y' + y x')`, where `x` and `y` are columns of `P = G[obs, ·]` or `Q = Φ[obs, ·]`:
//! `∂Σ/∂A_ij = P_i Q_j' + Q_j P_i'`, `∂Σ/∂S_ij = P_i P_j' + P_j P_i'` and
//! `∂Σ/∂S_ii = P_i P_i'`. Gradients and information matrices then reduce to a few
//! Gram matrices of `P` and `Q` (see `docs/methods/sem.md`).

use nalgebra::{DMatrix, DVector};

use super::error::SemError;
use super::op::Op;
use super::partable::ParameterTable;

/// Where a parameter lives in the RAM matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// `A[i][j]`: effect of variable `j` on variable `i`.
    A(usize, usize),
    /// `S[i][j]` (and `S[j][i]`).
    S(usize, usize),
    /// `m[i]`.
    M(usize),
}

/// Precomputed derivative descriptor of one slot, with basis positions in `X`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotPlan {
    pub slot: Slot,
    pub x: usize,
    pub y: usize,
    pub s: f64,
    /// Position of the mean-derivative column (`usize::MAX` if none).
    pub k: usize,
    /// For paths `A_ij`: the mean derivative is `ν_j P_i`; for intercepts it is `P_i`.
    pub nu: Option<usize>,
}

impl SlotPlan {
    /// Coefficient of the mean derivative.
    #[inline]
    pub fn c(&self, meanstructure: bool, nu: &DVector<f64>) -> f64 {
        if !meanstructure {
            return 0.0;
        }
        match (self.slot, self.nu) {
            (Slot::A(..), Some(j)) => nu[j],
            (Slot::M(_), _) => 1.0,
            _ => 0.0,
        }
    }
}

/// A model compiled against its variable list: slots of every row, free-parameter slots.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub table: ParameterTable,
    pub p: usize,
    pub n: usize,
    pub row_slot: Vec<Option<Slot>>,
    pub free_slots: Vec<Vec<Slot>>,
    /// Observed indices of the fixed exogenous covariates.
    pub x_idx: Vec<usize>,
    pub meanstructure: bool,
    /// Derivative plan: per free parameter, per slot.
    pub plan: Vec<Vec<SlotPlan>>,
    /// Columns of the derivative basis `X = [P[:, p_cols] | Q[:, q_cols]]`.
    pub p_cols: Vec<usize>,
    pub q_cols: Vec<usize>,
    /// Position in `X` of `P_i` / `Q_j` (usize::MAX when unused).
    pub xpos_p: Vec<usize>,
    pub xpos_q: Vec<usize>,
    /// Positions of the possibly non-zero entries of `A` and `S` (upper triangle).
    pub a_nz: Vec<(usize, usize)>,
    pub s_nz: Vec<(usize, usize)>,
    /// Length of the longest directed path when the paths form no loop.
    pub depth: Option<usize>,
    base_a: DMatrix<f64>,
    base_s: DMatrix<f64>,
    base_m: DVector<f64>,
}

impl Compiled {
    pub fn new(table: ParameterTable) -> Compiled {
        let p = table.observed().len();
        let n = p + table.latent().len();
        let index = |name: &str| -> usize {
            table
                .observed()
                .iter()
                .chain(table.latent())
                .position(|v| v == name)
                .expect("every table variable is indexed")
        };
        let mut row_slot = Vec::with_capacity(table.rows().len());
        let mut free_slots = vec![Vec::new(); table.n_free()];
        let mut base_a = DMatrix::zeros(n, n);
        let mut base_s = DMatrix::zeros(n, n);
        let mut base_m = DVector::zeros(n);
        for r in table.rows() {
            let slot = match r.op {
                Op::MeasuredBy => Some(Slot::A(index(&r.rhs), index(&r.lhs))),
                Op::Regression => Some(Slot::A(index(&r.lhs), index(&r.rhs))),
                Op::Covariance => {
                    let (i, j) = (index(&r.lhs), index(&r.rhs));
                    Some(Slot::S(i.min(j), i.max(j)))
                }
                Op::Intercept => Some(Slot::M(index(&r.lhs))),
                // Thresholds and scaling factors are not RAM entries (WLSMV keeps them
                // apart).
                Op::Defined | Op::Threshold | Op::Scaling => None,
            };
            if let (Some(s), Some(v)) = (slot, r.fixed) {
                set_slot(&mut base_a, &mut base_s, &mut base_m, s, v);
            }
            if let (Some(s), Some(k)) = (slot, r.free) {
                free_slots[k].push(s);
            }
            row_slot.push(slot);
        }
        let x_idx = table
            .exogenous_covariates()
            .iter()
            .map(|x| index(x))
            .collect();
        let meanstructure = table.meanstructure();
        let mut p_cols = Vec::new();
        let mut q_cols = Vec::new();
        for slots in &free_slots {
            for &s in slots {
                let (pc, qc): (Vec<usize>, Vec<usize>) = match s {
                    Slot::A(i, j) => (vec![i], vec![j]),
                    Slot::S(i, j) => (vec![i, j], vec![]),
                    Slot::M(i) => (vec![i], vec![]),
                };
                for i in pc {
                    if !p_cols.contains(&i) {
                        p_cols.push(i);
                    }
                }
                for j in qc {
                    if !q_cols.contains(&j) {
                        q_cols.push(j);
                    }
                }
            }
        }
        // Second derivatives of paths need P_k for the rows of every path slot and Q for
        // their columns: both are already included above.
        let mut xpos_p = vec![usize::MAX; n];
        let mut xpos_q = vec![usize::MAX; n];
        for (k, &i) in p_cols.iter().enumerate() {
            xpos_p[i] = k;
        }
        for (k, &j) in q_cols.iter().enumerate() {
            xpos_q[j] = p_cols.len() + k;
        }
        let plan = free_slots
            .iter()
            .map(|slots| {
                slots
                    .iter()
                    .map(|&s| match s {
                        Slot::A(i, j) => SlotPlan {
                            slot: s,
                            x: xpos_p[i],
                            y: xpos_q[j],
                            s: 1.0,
                            k: xpos_p[i],
                            nu: Some(j),
                        },
                        Slot::S(i, j) => SlotPlan {
                            slot: s,
                            x: xpos_p[i],
                            y: xpos_p[j],
                            s: if i == j { 0.5 } else { 1.0 },
                            k: usize::MAX,
                            nu: None,
                        },
                        Slot::M(i) => SlotPlan {
                            slot: s,
                            x: xpos_p[i],
                            y: xpos_p[i],
                            s: 0.0,
                            k: xpos_p[i],
                            nu: None,
                        },
                    })
                    .collect()
            })
            .collect();
        let mut a_nz = Vec::new();
        let mut s_nz = Vec::new();
        for (r, slot) in table.rows().iter().zip(&row_slot) {
            match slot {
                Some(Slot::A(i, j))
                    if (r.free.is_some() || r.fixed.is_some_and(|v| v != 0.0))
                        && !a_nz.contains(&(*i, *j)) =>
                {
                    a_nz.push((*i, *j))
                }
                Some(Slot::S(i, j))
                    if (r.free.is_some() || r.exo || r.fixed.is_some_and(|v| v != 0.0))
                        && !s_nz.contains(&(*i, *j)) =>
                {
                    s_nz.push((*i, *j))
                }
                _ => {}
            }
        }
        let depth = path_depth(n, &a_nz);
        Compiled {
            a_nz,
            s_nz,
            depth,
            plan,
            p_cols,
            q_cols,
            xpos_p,
            xpos_q,
            table,
            p,
            n,
            row_slot,
            free_slots,
            x_idx,
            meanstructure,
            base_a,
            base_s,
            base_m,
        }
    }

    /// Number of free parameters.
    pub fn q(&self) -> usize {
        self.free_slots.len()
    }

    /// Fills the RAM matrices at `theta`, with exogenous moments from `exo` (`S_xx`, means).
    pub fn fill(&self, theta: &[f64], exo: &ExoMoments, ram: &mut RamMatrices) {
        ram.a.copy_from(&self.base_a);
        ram.s.copy_from(&self.base_s);
        ram.m.copy_from(&self.base_m);
        for (k, slots) in self.free_slots.iter().enumerate() {
            for &s in slots {
                set_slot(&mut ram.a, &mut ram.s, &mut ram.m, s, theta[k]);
            }
        }
        for (a, &i) in self.x_idx.iter().enumerate() {
            for (b, &j) in self.x_idx.iter().enumerate() {
                ram.s[(i, j)] = exo.cov[(a, b)];
            }
            if self.meanstructure {
                ram.m[i] = exo.mean[a];
            }
        }
    }

    /// Value of a table row at `theta` (exogenous rows from `exo`; defined rows: NaN).
    pub fn row_value(&self, row: usize, ram: &RamMatrices) -> f64 {
        match self.row_slot[row] {
            Some(Slot::A(i, j)) => ram.a[(i, j)],
            Some(Slot::S(i, j)) => ram.s[(i, j)],
            Some(Slot::M(i)) => ram.m[i],
            None => f64::NAN,
        }
    }

    /// Name of variable `i`.
    pub fn var_name(&self, i: usize) -> &str {
        if i < self.p {
            &self.table.observed()[i]
        } else {
            &self.table.latent()[i - self.p]
        }
    }
}

/// Longest directed path of the graph `j → i` for each `(i, j)` in `a_nz`; `None` if the
/// paths form a loop.
fn path_depth(n: usize, a_nz: &[(usize, usize)]) -> Option<usize> {
    let mut depth = vec![0usize; n];
    // Bellman-Ford style relaxation: a DAG settles within n rounds.
    for _ in 0..=n {
        let mut changed = false;
        for &(i, j) in a_nz {
            if depth[i] < depth[j] + 1 {
                depth[i] = depth[j] + 1;
                changed = true;
            }
        }
        if !changed {
            return Some(depth.into_iter().max().unwrap_or(0));
        }
    }
    None
}

fn set_slot(a: &mut DMatrix<f64>, s: &mut DMatrix<f64>, m: &mut DVector<f64>, slot: Slot, v: f64) {
    match slot {
        Slot::A(i, j) => a[(i, j)] = v,
        Slot::S(i, j) => {
            s[(i, j)] = v;
            s[(j, i)] = v;
        }
        Slot::M(i) => m[i] = v,
    }
}

/// Moments of the fixed exogenous covariates (`fixed.x`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExoMoments {
    pub cov: DMatrix<f64>,
    pub mean: DVector<f64>,
}

impl ExoMoments {
    pub fn from_sample(x_idx: &[usize], cov: &DMatrix<f64>, mean: &DVector<f64>) -> ExoMoments {
        let k = x_idx.len();
        ExoMoments {
            cov: DMatrix::from_fn(k, k, |a, b| cov[(x_idx[a], x_idx[b])]),
            mean: DVector::from_fn(k, |a, _| mean[x_idx[a]]),
        }
    }
}

/// RAM matrices and the implied moments computed from them.
#[derive(Debug, Clone)]
pub(crate) struct RamMatrices {
    pub a: DMatrix<f64>,
    pub s: DMatrix<f64>,
    pub m: DVector<f64>,
    /// `(I - A)^-1`.
    pub g: DMatrix<f64>,
    /// `G S G'`: implied covariance of all variables.
    pub phi: DMatrix<f64>,
    /// `G m`: implied means of all variables.
    pub nu: DVector<f64>,
    work: DMatrix<f64>,
    gt: DMatrix<f64>,
}

impl RamMatrices {
    pub fn new(n: usize) -> RamMatrices {
        RamMatrices {
            a: DMatrix::zeros(n, n),
            s: DMatrix::zeros(n, n),
            m: DVector::zeros(n),
            g: DMatrix::zeros(n, n),
            phi: DMatrix::zeros(n, n),
            nu: DVector::zeros(n),
            work: DMatrix::zeros(n, n),
            gt: DMatrix::zeros(n, n),
        }
    }

    /// Computes `G`, `Φ` and `ν` from `A`, `S` and `m`, using the sparsity of the model
    /// (`G = I + A G` repeated `depth` times when the paths form no loop).
    pub fn implied_sparse(&mut self, c: &Compiled) -> Result<(), SemError> {
        let Some(depth) = c.depth else {
            return self.implied();
        };
        let n = self.a.nrows();
        // Iterate on G' (column i of G' is row i of G) so every update is a contiguous
        // column operation: G'_new[:, i] = e_i + Σ_j a_ij G'[:, j].
        self.gt.fill_with_identity();
        for _ in 0..depth {
            self.work.fill_with_identity();
            for &(i, j) in &c.a_nz {
                let aij = self.a[(i, j)];
                if aij != 0.0 {
                    let src = &self.gt.as_slice()[j * n..(j + 1) * n];
                    let dst = &mut self.work.as_mut_slice()[i * n..(i + 1) * n];
                    for (d, s) in dst.iter_mut().zip(src) {
                        *d += aij * s;
                    }
                }
            }
            std::mem::swap(&mut self.work, &mut self.gt);
        }
        self.gt.transpose_to(&mut self.g);
        // work = G S (S sparse, symmetric)
        self.work.fill(0.0);
        for &(i, j) in &c.s_nz {
            let sij = self.s[(i, j)];
            if sij == 0.0 {
                continue;
            }
            {
                let src = &self.g.as_slice()[i * n..(i + 1) * n];
                let dst = &mut self.work.as_mut_slice()[j * n..(j + 1) * n];
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += s * sij;
                }
            }
            if i != j {
                let src = &self.g.as_slice()[j * n..(j + 1) * n];
                let dst = &mut self.work.as_mut_slice()[i * n..(i + 1) * n];
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += s * sij;
                }
            }
        }
        self.phi.gemm(1.0, &self.work, &self.gt, 0.0);
        for i in 0..n {
            for j in 0..i {
                let v = 0.5 * (self.phi[(i, j)] + self.phi[(j, i)]);
                self.phi[(i, j)] = v;
                self.phi[(j, i)] = v;
            }
        }
        self.g.mul_to(&self.m, &mut self.nu);
        Ok(())
    }

    /// Computes `G`, `Φ` and `ν` from `A`, `S` and `m`.
    pub fn implied(&mut self) -> Result<(), SemError> {
        let n = self.a.nrows();
        // I - A, inverted. Recursive models are triangular after ordering, but a general
        // LU keeps non-recursive models working.
        self.work.fill(0.0);
        for i in 0..n {
            self.work[(i, i)] = 1.0;
        }
        self.work -= &self.a;
        if self.a.iter().all(|v| *v == 0.0) {
            self.g.fill_with_identity();
        } else {
            let lu = self.work.clone().lu();
            match lu.try_inverse() {
                Some(g) if g.iter().all(|v| v.is_finite()) => self.g = g,
                _ => return Err(SemError::SingularStructure),
            }
        }
        // Φ = G S G'
        self.work.gemm(1.0, &self.g, &self.s, 0.0);
        self.g.transpose_to(&mut self.gt);
        self.phi.gemm(1.0, &self.work, &self.gt, 0.0);
        self.phi = (&self.phi + self.phi.transpose()) * 0.5;
        self.g.mul_to(&self.m, &mut self.nu);
        Ok(())
    }

    /// The derivative basis `X = [G[obs, p_cols] | Φ[obs, q_cols]]` (p × nb).
    pub fn basis(&self, c: &Compiled, x: &mut DMatrix<f64>) {
        let p = c.p;
        for (k, &i) in c.p_cols.iter().enumerate() {
            for r in 0..p {
                x[(r, k)] = self.g[(r, i)];
            }
        }
        let off = c.p_cols.len();
        for (k, &j) in c.q_cols.iter().enumerate() {
            for r in 0..p {
                x[(r, off + k)] = self.phi[(r, j)];
            }
        }
    }

    /// The observed block of `Φ`.
    pub fn sigma(&self, p: usize) -> DMatrix<f64> {
        self.phi.view((0, 0), (p, p)).into_owned()
    }

    /// The observed part of `ν`.
    pub fn mu(&self, p: usize) -> DVector<f64> {
        self.nu.rows(0, p).into_owned()
    }
}
