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
use super::model::Op;
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

/// A basis vector of the derivative algebra: a column of `P` or of `Q`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Basis {
    P(usize),
    Q(usize),
}

/// The derivative of `(Σ, μ)` with respect to one slot: `s (x y' + y x')` and `c P_k`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotDeriv {
    pub x: Basis,
    pub y: Basis,
    pub s: f64,
    /// Mean part: `dμ = c · P_k` (c = 0 when the slot does not move the means).
    pub k: usize,
    pub c: f64,
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
                Op::Defined => None,
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
        Compiled {
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

    /// The derivative descriptor of a slot, given the implied means of all variables.
    pub fn slot_deriv(&self, slot: Slot, nu: &DVector<f64>) -> SlotDeriv {
        match slot {
            Slot::A(i, j) => SlotDeriv {
                x: Basis::P(i),
                y: Basis::Q(j),
                s: 1.0,
                k: i,
                c: if self.meanstructure { nu[j] } else { 0.0 },
            },
            Slot::S(i, j) if i == j => SlotDeriv {
                x: Basis::P(i),
                y: Basis::P(i),
                s: 0.5,
                k: 0,
                c: 0.0,
            },
            Slot::S(i, j) => SlotDeriv {
                x: Basis::P(i),
                y: Basis::P(j),
                s: 1.0,
                k: 0,
                c: 0.0,
            },
            Slot::M(i) => SlotDeriv {
                x: Basis::P(i),
                y: Basis::P(i),
                s: 0.0,
                k: i,
                c: 1.0,
            },
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

    /// The observed block of `Φ`.
    pub fn sigma(&self, p: usize) -> DMatrix<f64> {
        self.phi.view((0, 0), (p, p)).into_owned()
    }

    /// The observed part of `ν`.
    pub fn mu(&self, p: usize) -> DVector<f64> {
        self.nu.rows(0, p).into_owned()
    }
}
