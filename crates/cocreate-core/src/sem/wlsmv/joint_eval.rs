//! One group of a WLSMV fit by group: its fixed parts (first-step statistics, weights, Γ,
//! the parameters that enter it) and the model's thresholds and correlations with their
//! derivatives at a parameter vector (`docs/methods/sem.md` §17).

use nalgebra::{DMatrix, DVector};

use super::super::optim::{pd_step, Objective};
use super::super::ram::{Compiled, ExoMoments, RamMatrices};

/// One group's fixed parts and work space.
pub(super) struct GroupEval {
    pub(super) label: String,
    pub(super) c: Compiled,
    pub(super) ram: RamMatrices,
    pub(super) x: DMatrix<f64>,
    /// Index of the group's first row in the ML table.
    pub(super) offset: usize,
    pub(super) n: usize,
    pub(super) nth: usize,
    pub(super) item_of_th: Vec<usize>,
    pub(super) th_w: Vec<usize>,
    pub(super) scale_w: Vec<Option<usize>>,
    /// The parameters that enter this group, and each parameter's position among them
    /// (`usize::MAX` if it does not): the group's Jacobian has only these columns.
    pub(super) cols: Vec<usize>,
    pub(super) local: Vec<usize>,
    /// The local column of every threshold, and the local columns that are no threshold.
    pub(super) th_cols: Vec<usize>,
    pub(super) other: Vec<usize>,
    /// The ML free index of every ordered variable's residual variance.
    pub(super) resvar_ml: Vec<usize>,
    pub(super) pairs: Vec<(usize, usize)>,
    /// Sample thresholds then correlations, their weights 1/Γ_kk and Γ.
    pub(super) obs: Vec<f64>,
    pub(super) w: Vec<f64>,
    pub(super) gamma: DMatrix<f64>,
    /// The sample polychoric matrix.
    pub(super) r: DMatrix<f64>,
    /// The rows the first step used (n × p; empty unless the bootstrap needs them).
    pub(super) rows: DMatrix<f64>,
}

/// A group's model statistics at one parameter vector.
pub(super) struct Eval {
    pub(super) sigma: Vec<f64>,
    /// ∂σ/∂θ' in the group's own parameters (m × `cols`; empty unless asked).
    pub(super) jac: DMatrix<f64>,
    /// Σ* with the ordered variables' residual variances at 0, and ∂Σ*_ii/∂θ (p × q).
    pub(super) star: DMatrix<f64>,
    pub(super) ddiag: DMatrix<f64>,
    pub(super) delta: Vec<f64>,
}

impl GroupEval {
    /// The group with other sample statistics and weights (a bootstrap replicate's): the
    /// same model and parameters, without Γ, the sample matrix and the rows, which a
    /// replicate's fit does not use.
    pub(super) fn with_statistics(&self, obs: Vec<f64>, w: Vec<f64>) -> GroupEval {
        GroupEval {
            label: self.label.clone(),
            c: self.c.clone(),
            ram: self.ram.clone(),
            x: self.x.clone(),
            offset: self.offset,
            n: self.n,
            nth: self.nth,
            item_of_th: self.item_of_th.clone(),
            th_w: self.th_w.clone(),
            scale_w: self.scale_w.clone(),
            cols: self.cols.clone(),
            local: self.local.clone(),
            th_cols: self.th_cols.clone(),
            other: self.other.clone(),
            resvar_ml: self.resvar_ml.clone(),
            pairs: self.pairs.clone(),
            obs,
            w,
            gamma: DMatrix::zeros(0, 0),
            r: DMatrix::zeros(0, 0),
            rows: DMatrix::zeros(0, 0),
        }
    }

    pub(super) fn eval(
        &mut self,
        ml_to_w: &[Option<usize>],
        theta: &[f64],
        jacobian: bool,
    ) -> Option<Eval> {
        let q = theta.len();
        let theta_ml: Vec<f64> = ml_to_w
            .iter()
            .map(|w| w.map_or(0.0, |w| theta[w]))
            .collect();
        let exo = ExoMoments {
            cov: DMatrix::zeros(0, 0),
            mean: DVector::zeros(0),
        };
        self.c.fill(&theta_ml, &exo, &mut self.ram);
        self.ram.implied_sparse(&self.c).ok()?;
        let p = self.c.p;
        let star = self.ram.sigma(p);
        let mu = self.ram.mu(p);
        if star.iter().chain(mu.iter()).any(|v| !v.is_finite()) {
            return None;
        }
        let delta: Vec<f64> = self
            .scale_w
            .iter()
            .map(|s| s.map_or(1.0, |w| theta[w]))
            .collect();
        let nth = self.nth;
        let m = nth + self.pairs.len();
        let mut sigma = Vec::with_capacity(m);
        for t in 0..nth {
            let j = self.item_of_th[t];
            sigma.push(delta[j] * (theta[self.th_w[t]] - mu[j]));
        }
        for &(i, j) in &self.pairs {
            sigma.push(delta[i] * delta[j] * star[(i, j)]);
        }
        let (mut jac, mut ddiag) = (DMatrix::zeros(0, 0), DMatrix::zeros(0, 0));
        if jacobian {
            let local = &self.local;
            jac = DMatrix::zeros(m, self.cols.len());
            ddiag = DMatrix::zeros(p, q);
            self.ram.basis(&self.c, &mut self.x);
            let x = &self.x;
            for (k, plans) in self.c.plan.iter().enumerate() {
                let Some(w) = ml_to_w[k] else { continue };
                let a = local[w];
                for d in plans {
                    if d.s != 0.0 {
                        let (cx, cy) = (x.column(d.x), x.column(d.y));
                        for (row, &(i, j)) in self.pairs.iter().enumerate() {
                            jac[(nth + row, a)] +=
                                delta[i] * delta[j] * d.s * (cx[i] * cy[j] + cy[i] * cx[j]);
                        }
                        for i in 0..p {
                            ddiag[(i, w)] += d.s * 2.0 * cx[i] * cy[i];
                        }
                    }
                    let cc = d.c(true, &self.ram.nu);
                    if cc != 0.0 {
                        let col = x.column(d.k);
                        for t in 0..nth {
                            let j = self.item_of_th[t];
                            jac[(t, a)] -= delta[j] * cc * col[j];
                        }
                    }
                }
            }
            for t in 0..nth {
                let j = self.item_of_th[t];
                jac[(t, local[self.th_w[t]])] += delta[j];
                if let Some(s) = self.scale_w[j] {
                    jac[(t, local[s])] += theta[self.th_w[t]] - mu[j];
                }
            }
            for (row, &(i, j)) in self.pairs.iter().enumerate() {
                if let Some(s) = self.scale_w[i] {
                    jac[(nth + row, local[s])] += delta[j] * star[(i, j)];
                }
                if let Some(s) = self.scale_w[j] {
                    jac[(nth + row, local[s])] += delta[i] * star[(i, j)];
                }
            }
        }
        Some(Eval {
            sigma,
            jac,
            star,
            ddiag,
            delta,
        })
    }
}

/// The summed DWLS discrepancy over the groups.
pub(super) struct Joint {
    pub(super) groups: Vec<GroupEval>,
    pub(super) ml_to_w: Vec<Option<usize>>,
    pub(super) n: f64,
}

impl Joint {
    /// The objective over `groups` (with every group's thresholds and layout set).
    pub(super) fn new(groups: Vec<GroupEval>, ml_to_w: Vec<Option<usize>>) -> Joint {
        let n = groups.iter().map(|g| g.n).sum::<usize>() as f64;
        Joint { groups, ml_to_w, n }
    }

    /// The threshold parameters (sorted) and the others.
    fn split(&self, q: usize) -> (Vec<usize>, Vec<usize>) {
        let mut is_th = vec![false; q];
        for g in &self.groups {
            for &w in &g.th_w {
                is_th[w] = true;
            }
        }
        (0..q).partition(|&a| is_th[a])
    }
}

impl Joint {
    fn weight(&self, g: &GroupEval) -> f64 {
        (g.n as f64 - 1.0) / self.n
    }
}

impl Objective for Joint {
    /// Every threshold's row and column of the information are zero but for its diagonal
    /// and the other parameters (each group's threshold has one statistic of its own), so
    /// the step eliminates the thresholds first: with `D` their diagonal block and `C` the
    /// block of the others, `(H_oo − C'D⁻¹C) δ_o = −g_o + C'D⁻¹g_t`,
    /// `δ_t = D⁻¹(−g_t − C δ_o)`.
    fn step(&self, h: &DMatrix<f64>, g: &[f64]) -> Option<Vec<f64>> {
        let q = g.len();
        let (t, o) = self.split(q);
        let diagonal = t.iter().enumerate().all(|(x, &a)| {
            h[(a, a)] > 0.0
                && t[x + 1..]
                    .iter()
                    .all(|&b| h[(a, b)] == 0.0 && h[(b, a)] == 0.0)
        });
        if !diagonal || t.is_empty() {
            return pd_step(h, g);
        }
        let d: Vec<f64> = t.iter().map(|&a| h[(a, a)]).collect();
        // C'D⁻¹ (o × t).
        let cd = DMatrix::from_fn(o.len(), t.len(), |x, y| h[(o[x], t[y])] / d[y]);
        let c = DMatrix::from_fn(t.len(), o.len(), |y, x| h[(t[y], o[x])]);
        let s = DMatrix::from_fn(o.len(), o.len(), |x, y| h[(o[x], o[y])]) - &cd * &c;
        let gt: Vec<f64> = t.iter().map(|&a| g[a]).collect();
        let mut rhs: Vec<f64> = o.iter().map(|&a| -g[a]).collect();
        for (x, r) in rhs.iter_mut().enumerate() {
            *r += (0..t.len()).map(|y| cd[(x, y)] * gt[y]).sum::<f64>();
        }
        let delta_o = pd_step(&s, &rhs.iter().map(|v| -v).collect::<Vec<f64>>())?;
        let mut delta = vec![0.0; q];
        for (x, &a) in o.iter().enumerate() {
            delta[a] = delta_o[x];
        }
        for (y, &a) in t.iter().enumerate() {
            let cdo: f64 = (0..o.len()).map(|x| c[(y, x)] * delta_o[x]).sum();
            delta[a] = (-gt[y] - cdo) / d[y];
        }
        delta.iter().all(|v| v.is_finite()).then_some(delta)
    }

    fn value(&mut self, theta: &[f64]) -> Option<f64> {
        let mut f = 0.0;
        for k in 0..self.groups.len() {
            let c = self.weight(&self.groups[k]);
            let g = &mut self.groups[k];
            let ev = g.eval(&self.ml_to_w, theta, false)?;
            f += c
                * (0..ev.sigma.len())
                    .map(|i| g.w[i] * (g.obs[i] - ev.sigma[i]).powi(2))
                    .sum::<f64>();
        }
        f.is_finite().then_some(f)
    }

    fn value_grad_info(
        &mut self,
        theta: &[f64],
        _exact: bool,
    ) -> Option<(f64, Vec<f64>, DMatrix<f64>)> {
        let q = theta.len();
        let mut f = 0.0;
        let mut grad = vec![0.0; q];
        let mut info = DMatrix::zeros(q, q);
        for k in 0..self.groups.len() {
            let c = self.weight(&self.groups[k]);
            let g = &mut self.groups[k];
            let ev = g.eval(&self.ml_to_w, theta, true)?;
            let mut wj = ev.jac.clone();
            let mut we = Vec::with_capacity(ev.sigma.len());
            for i in 0..ev.sigma.len() {
                let e = g.obs[i] - ev.sigma[i];
                f += c * g.w[i] * e * e;
                wj.row_mut(i).scale_mut(g.w[i]);
                we.push(e);
            }
            let gl = wj.tr_mul(&DVector::from_vec(we));
            for (x, &a) in g.cols.iter().enumerate() {
                grad[a] -= 2.0 * c * gl[x];
            }
            // A threshold's column has one entry, in its own row: its part of Δ'WΔ is that
            // row's, and only the other columns need a matrix product.
            let other = &g.other;
            let jo = ev.jac.select_columns(other);
            let wjo = wj.select_columns(other);
            let il = jo.transpose() * &wjo;
            for (x, &lx) in other.iter().enumerate() {
                let a = g.cols[lx];
                for (y, &ly) in other.iter().enumerate() {
                    info[(a, g.cols[ly])] += 2.0 * c * il[(x, y)];
                }
            }
            for (t, &tl) in g.th_cols.iter().enumerate() {
                let a = g.cols[tl];
                let v = 2.0 * c * wj[(t, tl)];
                info[(a, a)] += v * ev.jac[(t, tl)];
                for &l in other {
                    let u = v * ev.jac[(t, l)];
                    info[(a, g.cols[l])] += u;
                    info[(g.cols[l], a)] += u;
                }
            }
        }
        f.is_finite().then_some((f, grad, info))
    }
}
