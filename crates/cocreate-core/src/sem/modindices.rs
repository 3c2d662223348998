//! Modification indices (lavaan's `modindices()`): the score test of every parameter the
//! model fixes at zero, its expected parameter change and the standardised changes.
//! Formulas and sources are in `docs/methods/sem.md`.
//!
//! The candidates are lavaan's: loadings of every latent variable on every indicator
//! (observed variables in regressions excepted), covariances among indicators,
//! covariances among latent variables and regressions among the variables of the
//! structural equations, each only where the model has no row for it. Derivatives of the
//! implied moments with respect to a candidate use the same `s (x y' + y x')` form as the
//! free parameters (see `ram`), with the columns taken from `[G[obs, ·] | Φ[obs, ·]]`, so
//! only the candidates' rows of the information matrix are computed.

use nalgebra::{DMatrix, DVector};

use super::error::SemError;
use super::linalg::Chol;
use super::ml::trace_pair;
use super::op::Op;
use super::options::Missing;
use super::ram::{Compiled, ExoMoments, RamMatrices, Slot, SlotPlan};
use super::results::SemFit;

/// One modification index: a parameter the model fixes at zero, with the χ² (1 df) by
/// which freeing it would lower the test statistic (score test) and the value it would
/// take (expected parameter change).
///
/// ```
/// # use cocreate_core::sem::{Model, SemOptions};
/// # use cocreate_core::data::Table;
/// # let rows: Vec<Vec<Option<f64>>> = (0..150).map(|i| { let t = i as f64; let f = (t * 0.7).sin(); let g = (t * 0.31).cos();
/// #     vec![Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos()), Some(f + 0.4 * g + 0.5 * (t * 3.7).cos()),
/// #          Some(g + 0.5 * (t * 5.1).sin()), Some(0.9 * g + 0.5 * (t * 6.7).sin()), Some(g + 0.5 * (t * 7.9).cos())] }).collect();
/// # let names = ["x1", "x2", "x3", "y1", "y2", "y3"].iter().map(|s| s.to_string()).collect();
/// # let data = Table::new(names, rows)?;
/// let fit = Model::parse("f =~ x1 + x2 + x3\ng =~ y1 + y2 + y3")?.fit(&data, &SemOptions::default())?;
/// let mi = fit.modification_indices_above(0.0, true)?;
/// assert!(mi.windows(2).all(|w| w[0].mi >= w[1].mi));
/// assert!(mi.iter().all(|m| m.mi >= 0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ModificationIndex {
    /// Left-hand side.
    pub lhs: String,
    /// Operator (`=~`, `~~` or `~`).
    pub op: Op,
    /// Right-hand side.
    pub rhs: String,
    /// Modification index (score-test χ² on 1 df).
    pub mi: f64,
    /// Expected parameter change.
    pub epc: f64,
    /// EPC with the latent variables standardised (lavaan `sepc.lv`).
    pub sepc_lv: f64,
    /// EPC with all variables standardised (lavaan `sepc.all`).
    pub sepc_all: f64,
    /// As `sepc_all`, exogenous covariates left unstandardised (lavaan `sepc.nox`).
    pub sepc_nox: f64,
}

/// Largest number of candidate parameters (about 700 indicators); checked before the
/// information rows are allocated.
pub const MAX_CANDIDATES: usize = 250_000;

struct Candidate {
    lhs: String,
    op: Op,
    rhs: String,
    slot: Slot,
}

/// Plan of one slot against the full basis `[G[obs, ·] | Φ[obs, ·]]` (columns `i` and
/// `n + j`).
fn full_plan(slot: Slot, n: usize) -> SlotPlan {
    match slot {
        Slot::A(i, j) => SlotPlan {
            slot,
            x: i,
            y: n + j,
            s: 1.0,
            k: i,
            nu: Some(j),
        },
        Slot::S(i, j) => SlotPlan {
            slot,
            x: i,
            y: j,
            s: if i == j { 0.5 } else { 1.0 },
            k: usize::MAX,
            nu: None,
        },
        Slot::M(i) => SlotPlan {
            slot,
            x: i,
            y: i,
            s: 0.0,
            k: i,
            nu: None,
        },
    }
}

/// lavaan's candidate list (`lav_partable_full`), in its order, without the rows the model
/// already has.
fn candidates(c: &Compiled) -> Vec<Candidate> {
    let t = &c.table;
    let obs = t.observed();
    let lv = t.latent();
    let index = |name: &str| -> usize {
        obs.iter()
            .chain(lv)
            .position(|v| v == name)
            .expect("a table variable")
    };
    let rows = t.rows();
    let indicators: Vec<&String> = obs
        .iter()
        .filter(|o| rows.iter().any(|r| r.op == Op::MeasuredBy && &r.rhs == *o))
        .collect();
    let mut eqs: Vec<&String> = Vec::new();
    for r in rows.iter().filter(|r| r.op == Op::Regression) {
        if !eqs.contains(&&r.lhs) {
            eqs.push(&r.lhs);
        }
    }
    for r in rows.iter().filter(|r| r.op == Op::Regression) {
        if !eqs.contains(&&r.rhs) {
            eqs.push(&r.rhs);
        }
    }
    let x_names: Vec<&str> = c.x_idx.iter().map(|&i| c.var_name(i)).collect();
    let mut out = Vec::new();
    for l in lv {
        for o in obs {
            if x_names.contains(&o.as_str()) || eqs.contains(&o) {
                continue;
            }
            out.push(Candidate {
                lhs: l.clone(),
                op: Op::MeasuredBy,
                rhs: o.clone(),
                slot: Slot::A(index(o), index(l)),
            });
        }
    }
    let pairs = |names: &[&String], out: &mut Vec<Candidate>| {
        for (a, x) in names.iter().enumerate() {
            for y in &names[a..] {
                let (i, j) = (index(x), index(y));
                out.push(Candidate {
                    lhs: (*x).clone(),
                    op: Op::Covariance,
                    rhs: (*y).clone(),
                    slot: Slot::S(i.min(j), i.max(j)),
                });
            }
        }
    };
    // Covariances among indicators only (lavaan drops every pair with an observed
    // variable that is not an indicator).
    let ov_ind: Vec<&String> = obs
        .iter()
        .filter(|o| !x_names.contains(&o.as_str()) && indicators.contains(o))
        .collect();
    pairs(&ov_ind, &mut out);
    let lvs: Vec<&String> = lv.iter().collect();
    pairs(&lvs, &mut out);
    for y in &eqs {
        if x_names.contains(&y.as_str()) {
            // A fixed covariate cannot become an outcome.
            continue;
        }
        for x in &eqs {
            if x == y || (indicators.contains(y) && lv.contains(x)) {
                continue;
            }
            out.push(Candidate {
                lhs: (*y).clone(),
                op: Op::Regression,
                rhs: (*x).clone(),
                slot: Slot::A(index(y), index(x)),
            });
        }
    }
    // Without the slots the model already has (a row of the same relation, in either
    // orientation for covariances, or another operator on the same matrix entry).
    let nv = c.n;
    let mut taken_a = vec![false; nv * nv];
    let mut taken_s = vec![false; nv * nv];
    for s in c.row_slot.iter().flatten() {
        match *s {
            Slot::A(i, j) => taken_a[i * nv + j] = true,
            Slot::S(i, j) => taken_s[i * nv + j] = true,
            Slot::M(_) => {}
        }
    }
    out.retain(|cand| match cand.slot {
        Slot::A(i, j) => !taken_a[i * nv + j],
        Slot::S(i, j) => !taken_s[i * nv + j],
        Slot::M(_) => false,
    });
    out
}

impl SemFit {
    /// Modification indices of every parameter lavaan's `modindices()` considers, in its
    /// order (`free.remove`, `na.remove`; information `expected`). Candidates whose
    /// score-test variance vanishes (parameters that are not identified next to the
    /// model's own) are left out, as lavaan does.
    ///
    /// Needs complete data (listwise deletion).
    pub fn modification_indices(&self) -> Result<Vec<ModificationIndex>, SemError> {
        modification_indices(self)
    }

    /// [`SemFit::modification_indices`] with `mi ≥ minimum`, sorted by decreasing `mi`
    /// when `sorted` (lavaan `minimum.value`, `sort.`).
    pub fn modification_indices_above(
        &self,
        minimum: f64,
        sorted: bool,
    ) -> Result<Vec<ModificationIndex>, SemError> {
        if minimum.is_nan() {
            return Err(SemError::InvalidOption {
                option: "minimum",
                value: minimum.to_string(),
                allowed: "the minimum modification index must be a number".into(),
            });
        }
        let mut out: Vec<ModificationIndex> = modification_indices(self)?
            .into_iter()
            .filter(|m| m.mi >= minimum)
            .collect();
        if sorted {
            out.sort_by(|a, b| b.mi.total_cmp(&a.mi));
        }
        Ok(out)
    }
}

fn modification_indices(fit: &SemFit) -> Result<Vec<ModificationIndex>, SemError> {
    if let Some(group) = &fit.options.group {
        return Err(SemError::IncompatibleOptions {
            option: "group",
            value: group.clone(),
            with: "modification indices".into(),
            reason: "modification indices of multiple-group fits are not available yet",
        });
    }
    if fit.options.estimator == super::options::Estimator::Wlsmv {
        return Err(SemError::IncompatibleOptions {
            option: "estimator",
            value: "WLSMV".into(),
            with: "modification indices".into(),
            reason: "modification indices are implemented for ML fits; those of a WLSMV fit (lavaan's, from the DWLS information) are not yet",
        });
    }
    if fit.options.missing != Missing::Listwise {
        return Err(SemError::IncompatibleOptions {
            option: "missing",
            value: fit.options.missing.as_str().into(),
            with: "modification indices".into(),
            reason: "modification indices need complete data (missing = listwise)",
        });
    }
    let c = Compiled::new(fit.table.clone());
    let cands = candidates(&c);
    if cands.len() > MAX_CANDIDATES {
        return Err(SemError::TooLarge {
            what: "candidate parameters for modification indices".into(),
            found: cands.len(),
            limit: MAX_CANDIDATES,
        });
    }
    let (p, n) = (c.p, c.n);
    let exo = ExoMoments::from_sample(&c.x_idx, &fit.sample_cov, &fit.sample_mean);
    let mut ram = RamMatrices::new(n);
    c.fill(&fit.theta, &exo, &mut ram);
    ram.implied_sparse(&c)?;
    let sigma = ram.sigma(p);
    let w = Chol::new(&sigma)
        .ok_or(SemError::SingularStructure)?
        .inverse();
    let mu = ram.mu(p);
    // Full basis X = [G[obs, ·] | Φ[obs, ·]].
    let mut x = DMatrix::zeros(p, 2 * n);
    for j in 0..n {
        for r in 0..p {
            x[(r, j)] = ram.g[(r, j)];
            x[(r, n + j)] = ram.phi[(r, j)];
        }
    }
    let mut resid = &sigma - &fit.sample_cov;
    let wd = if c.meanstructure {
        let d = &fit.sample_mean - &mu;
        resid.ger(-1.0, &d, &d, 1.0);
        &w * d
    } else {
        DVector::zeros(p)
    };
    let m = &w * &resid * &w;
    let xt = x.transpose();
    let gw = &xt * &w * &x;
    let gm = &xt * &m * &x;
    let wd_x = &xt * &wd;
    let free: Vec<Vec<SlotPlan>> = c
        .free_slots
        .iter()
        .map(|s| s.iter().map(|&s| full_plan(s, n)).collect())
        .collect();
    let extra: Vec<SlotPlan> = cands.iter().map(|k| full_plan(k.slot, n)).collect();
    let ms = c.meanstructure;
    // H of F (expected): Σ tr(W ∂Σ W ∂Σ) + 2 ∂μ' W ∂μ.
    let h_entry = |a: &[SlotPlan], b: &[SlotPlan]| -> f64 {
        let mut v = 0.0;
        for da in a {
            let ca = da.c(ms, &ram.nu);
            for db in b {
                v += trace_pair(&gw, da, db);
                let cb = db.c(ms, &ram.nu);
                if ca != 0.0 && cb != 0.0 {
                    v += 2.0 * ca * cb * gw[(da.k, db.k)];
                }
            }
        }
        v
    };
    let q = free.len();
    let h22 = DMatrix::from_fn(q, q, |a, b| h_entry(&free[a], &free[b]));
    let mc = extra.len();
    let h12 = DMatrix::from_fn(mc, q, |j, a| {
        h_entry(std::slice::from_ref(&extra[j]), &free[a])
    });
    // V_jj = h11_jj − h12_j' H22⁻¹ h12_j (one matrix product for all candidates); under
    // general constraints H22⁻¹ is the constrained inverse, as lavaan's augmented one.
    let h22_inv = super::constrained::inverse(&c.table.constraints, &fit.theta, &h22)
        .ok_or(SemError::SingularStructure)?;
    let proj = &h12 * &h22_inv;
    let nf = fit.n_used as f64;
    // Standardisation: implied SDs and (residual) variances of the model.
    let sd = |i: usize| ram.phi[(i, i)].max(0.0).sqrt();
    let is_lv = |i: usize| i >= p;
    let resvar = |i: usize| ram.s[(i, i)];
    let mut out = Vec::with_capacity(mc);
    for (j, (cand, d)) in cands.iter().zip(&extra).enumerate() {
        let v = h_entry(std::slice::from_ref(d), std::slice::from_ref(d))
            - proj.row(j).dot(&h12.row(j));
        // lavaan's threshold on the unit information (half of H).
        if v.is_nan() || v / 2.0 < f64::EPSILON.cbrt() {
            continue;
        }
        let mut g = 0.0;
        if d.s != 0.0 {
            g += 2.0 * d.s * gm[(d.x, d.y)];
        }
        let cc = d.c(ms, &ram.nu);
        if cc != 0.0 {
            g -= 2.0 * cc * wd_x[d.k];
        }
        let mi = nf * g * g / (2.0 * v);
        let epc = -g / v;
        let (sepc_lv, sepc_all, sepc_nox) = match cand.slot {
            Slot::A(i, jj) if cand.op == Op::MeasuredBy => {
                // i = indicator, jj = latent.
                let lvs = epc * sd(jj);
                (lvs, lvs / sd(i), lvs / sd(i))
            }
            Slot::A(i, jj) => {
                let s_lv = |k: usize| if is_lv(k) { sd(k) } else { 1.0 };
                let lvs = epc * s_lv(jj) / s_lv(i);
                let all = epc * sd(jj) / sd(i);
                let nox = if c.x_idx.contains(&jj) {
                    epc / sd(i)
                } else {
                    all
                };
                (lvs, all, nox)
            }
            Slot::S(i, jj) => {
                let scale = (resvar(i) * resvar(jj)).sqrt();
                let all = epc / scale;
                let lvs = if is_lv(i) && is_lv(jj) { all } else { epc };
                (lvs, all, all)
            }
            Slot::M(_) => (epc, epc, epc),
        };
        out.push(ModificationIndex {
            lhs: cand.lhs.clone(),
            op: cand.op,
            rhs: cand.rhs.clone(),
            mi,
            epc,
            sepc_lv,
            sepc_all,
            sepc_nox,
        });
    }
    Ok(out)
}
