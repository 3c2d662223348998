//! The asymptotic covariance matrix Γ of the two-step estimates (thresholds, means,
//! variances, correlations), lavaan's `muthen1984` (Muthén 1984; Muthén, du Toit &
//! Spisic 1997): a sandwich of the casewise scores of the univariate and bivariate
//! likelihoods.
//!
//! With s_n the scores of row n (first-step scores of every variable, then the score
//! of every correlation), A11 the block-diagonal cross-product of the first-step scores
//! (one block per variable), A22 the diagonal of the correlation scores' squares and
//! A21 the cross-products of the correlation scores with the bivariate likelihood's
//! derivatives in the first-step parameters,
//!
//! B⁻¹ = [[A11⁻¹, 0], [−A22⁻¹ A21 A11⁻¹, A22⁻¹]],  Γ = N Σ_n (H B⁻¹ s_n)(H B⁻¹ s_n)',
//!
//! where H takes correlations involving numeric variables to covariances (and is the
//! identity when every variable is ordered) and the first-step entry of a numeric
//! variable is minus its mean (lavaan's sign). Γ is accumulated from blocks of rows
//! (of at most 2^21 entries), so that memory is `m × m` plus one block, never `N × m`.

use nalgebra::{DMatrix, DMatrixView, Matrix2};

use super::bivariate::{cross_table, mix_scores, reg_scores, Cells, PairNote, SQRT_EPS};
use super::bvnorm::{dnorm, pnorm};
use super::error::OrdinalError;
use super::prepare::{Column, Prepared};
use super::univariate::{NumericFit, OrderedFit};
use super::MAX_NACOV_DIM;

/// Elements (rows × m) of one block of the accumulation: 2^21, 16 MiB, so that a
/// survey of a few hundred rows is one block and one set of matrix products.
const BLOCK_ELEMENTS: usize = 1 << 21;
/// Rows of Γ per panel of the lower triangle.
const PANEL: usize = 128;

/// Where each estimate sits in the vector of sample statistics (lavaan's WLS order):
/// the thresholds (or minus the mean) of every variable, the variances of the numeric
/// variables, then the correlations below the diagonal, column by column.
#[derive(Debug, Clone)]
pub(crate) struct WlsLayout {
    pub th_start: Vec<usize>,
    pub var_slot: Vec<Option<usize>>,
    pub cor_start: usize,
    pub dim: usize,
}

impl WlsLayout {
    pub(crate) fn new(columns: &[Column]) -> WlsLayout {
        let mut th_start = Vec::with_capacity(columns.len());
        let mut at = 0;
        for c in columns {
            th_start.push(at);
            at += c.n_categories().map_or(1, |k| k - 1);
        }
        let mut var_slot = Vec::with_capacity(columns.len());
        for c in columns {
            if c.n_categories().is_none() {
                var_slot.push(Some(at));
                at += 1;
            } else {
                var_slot.push(None);
            }
        }
        let p = columns.len();
        WlsLayout {
            th_start,
            var_slot,
            cor_start: at,
            dim: at + p * (p - 1) / 2,
        }
    }

    /// Labels in lavaan's notation: `x|t1`, `x~1`, `x~~x`, `a~~b`.
    pub(crate) fn labels(&self, names: &[String], columns: &[Column]) -> Vec<String> {
        let mut labels = Vec::with_capacity(self.dim);
        for (name, c) in names.iter().zip(columns) {
            match c.n_categories() {
                Some(k) => labels.extend((1..k).map(|t| format!("{name}|t{t}"))),
                None => labels.push(format!("{name}~1")),
            }
        }
        for (name, c) in names.iter().zip(columns) {
            if c.n_categories().is_none() {
                labels.push(format!("{name}~~{name}"));
            }
        }
        for j in 0..names.len() {
            for i in j + 1..names.len() {
                labels.push(format!("{}~~{}", names[j], names[i]));
            }
        }
        labels
    }
}

/// The layout of Γ, refused when its dimension is over [`MAX_NACOV_DIM`].
pub(crate) fn check_dim(columns: &[Column]) -> Result<WlsLayout, OrdinalError> {
    let layout = WlsLayout::new(columns);
    if layout.dim > MAX_NACOV_DIM {
        return Err(OrdinalError::TooLarge {
            what: "the asymptotic covariance matrix (thresholds plus correlations)".into(),
            found: layout.dim,
            limit: MAX_NACOV_DIM,
        });
    }
    Ok(layout)
}

/// One variable's data, fit and first-step inverse information, borrowed together.
enum Var<'a> {
    Ordered {
        codes: &'a [u8],
        fit: &'a OrderedFit,
        /// A11⁻¹ u_c for every category c.
        v: Vec<Vec<f64>>,
    },
    Numeric {
        values: &'a [f64],
        fit: &'a NumericFit,
        /// A11⁻¹ (2 × 2, mean and variance).
        inv: Matrix2<f64>,
    },
}

impl Var<'_> {
    /// A11⁻¹ s of row `row` of a numeric variable (mean, variance); zeros otherwise.
    fn numeric_v(&self, row: usize) -> [f64; 2] {
        match self {
            Var::Numeric { values, fit, inv } => {
                let u = fit.score(values[row]);
                [
                    inv[(0, 0)] * u[0] + inv[(0, 1)] * u[1],
                    inv[(1, 0)] * u[0] + inv[(1, 1)] * u[1],
                ]
            }
            Var::Ordered { .. } => [0.0; 2],
        }
    }
}

/// What one correlation contributes to a row's vector H B⁻¹ s_n.
enum PairPart {
    /// Two ordered variables: the entry per cell (row-major, the later variable's
    /// category down the rows).
    Ordinal { table: Vec<f64>, k2: usize },
    /// A numeric (`num`) and an ordered (`ord`) variable: ρ, the coefficients A21
    /// (mean, variance, thresholds) and A22, and H (H22, and H21 of the variance).
    Mixed {
        num: usize,
        ord: usize,
        rho: f64,
        a21: [f64; 2],
        a21_th: Vec<f64>,
        a22: f64,
        h22: f64,
        h21: f64,
    },
    /// Two numeric variables: ρ, A21 (mean and variance of each), A22 and H.
    Numeric {
        rho: f64,
        a21: [f64; 4],
        a22: f64,
        h22: f64,
        h21: [f64; 2],
    },
}

/// The casewise vectors h_n = H B⁻¹ s_n of a two-step fit, from which Γ = N Σ h_n h_n'
/// (or only the parts of it WLSMV needs) is accumulated over blocks of rows.
pub(crate) struct Factor<'a> {
    prep: &'a Prepared,
    layout: WlsLayout,
    vars: Vec<Var<'a>>,
    pairs: Vec<PairPart>,
    /// The vectors h_n of every row when they fit in one block: filled on first use and
    /// kept, so that the weights and then Γ's parts cost one pass over the rows.
    single: std::cell::OnceCell<DMatrix<f64>>,
}

/// The parts of Γ that WLSMV with ordered variables uses (thresholds `t`, then
/// correlations `c`): Γ_tt, Γ_cc and Γ_tc X for a given X.
pub(crate) struct GammaParts {
    pub tt: DMatrix<f64>,
    pub cc: DMatrix<f64>,
    pub tc_x: DMatrix<f64>,
}

impl<'a> Factor<'a> {
    /// Prepares the per-variable and per-pair coefficients. `cor` is the p × p correlation
    /// matrix, `notes` the note of every pair in layout order.
    pub(crate) fn new(
        prep: &'a Prepared,
        cor: &[f64],
        notes: &[PairNote],
    ) -> Result<Factor<'a>, OrdinalError> {
        let p = prep.columns.len();
        let layout = check_dim(&prep.columns)?;
        let mut pair = 0;
        for j in 0..p {
            for i in j + 1..p {
                if notes[pair] == PairNote::TwoEmptyCells {
                    return Err(OrdinalError::NacovUndefined {
                        first: prep.names[j].clone(),
                        second: prep.names[i].clone(),
                        rho: cor[i * p + j],
                    });
                }
                pair += 1;
            }
        }
        let vars: Vec<Var<'_>> = (0..p)
            .map(|i| variable(&prep.names[i], &prep.columns[i]))
            .collect::<Result<_, _>>()?;
        let mut pairs = Vec::with_capacity(p * (p - 1) / 2);
        for j in 0..p {
            for i in j + 1..p {
                let part = pair_part(&vars, i, j, cor[i * p + j]).ok_or_else(|| {
                    OrdinalError::SingularInformation {
                        what: format!(
                            "the correlation of {:?} and {:?}",
                            prep.names[j], prep.names[i]
                        ),
                    }
                })?;
                pairs.push(part);
            }
        }
        Ok(Factor {
            prep,
            layout,
            vars,
            pairs,
            single: std::cell::OnceCell::new(),
        })
    }

    /// The labels of Γ's rows, in lavaan's notation.
    pub(crate) fn labels(&self) -> Vec<String> {
        self.layout.labels(&self.prep.names, &self.prep.columns)
    }

    /// Fills `block` (m × len) with the vectors h_n of rows `start..start + len`.
    fn fill(&self, start: usize, block: &mut DMatrix<f64>) {
        for b in 0..block.ncols() {
            fill_row(
                &self.vars,
                &self.layout,
                &self.pairs,
                start + b,
                block.column_mut(b).as_mut_slice(),
            );
        }
    }

    /// Calls `f` with consecutive blocks (m × rows) of the vectors h_n. A sample that
    /// fits in one block is filled once and kept for the next call.
    fn for_blocks(&self, mut f: impl FnMut(&DMatrix<f64>)) {
        let n = self.prep.n_used;
        let m = self.layout.dim;
        let per = (BLOCK_ELEMENTS / m).max(64);
        if n <= per {
            let block = self.single.get_or_init(|| {
                let mut block = DMatrix::<f64>::zeros(m, n);
                self.fill(0, &mut block);
                block
            });
            f(block);
            return;
        }
        let mut block = DMatrix::<f64>::zeros(m, per);
        let mut start = 0;
        while start < n {
            let len = per.min(n - start);
            if len < block.ncols() {
                block = DMatrix::<f64>::zeros(m, len);
            }
            self.fill(start, &mut block);
            f(&block);
            start += len;
        }
    }

    /// The whole Γ (m × m, symmetric).
    pub(crate) fn gamma(&self) -> DMatrix<f64> {
        let m = self.layout.dim;
        let scale = self.prep.n_used as f64;
        let mut gamma = DMatrix::<f64>::zeros(m, m);
        self.for_blocks(|block| {
            let bt = block.transpose();
            lower_gram(&mut gamma, block.as_view(), bt.as_view(), scale);
        });
        mirror(&mut gamma);
        gamma
    }

    /// The diagonal of Γ, without forming Γ.
    pub(crate) fn diagonal(&self) -> Vec<f64> {
        let m = self.layout.dim;
        let scale = self.prep.n_used as f64;
        let mut d = vec![0.0; m];
        self.for_blocks(|block| {
            for c in 0..block.ncols() {
                for (dk, h) in d.iter_mut().zip(block.column(c).iter()) {
                    *dk += h * h;
                }
            }
        });
        d.iter_mut().for_each(|v| *v *= scale);
        d
    }

    /// Γ_tt, Γ_cc and Γ_tc X, where t are the first `nth` rows (thresholds) and c the
    /// rest (correlations); X has one row per correlation. Γ_tc itself is never formed.
    pub(crate) fn parts(&self, nth: usize, x: &DMatrix<f64>) -> GammaParts {
        let m = self.layout.dim;
        let pc = m - nth;
        let scale = self.prep.n_used as f64;
        let mut tt = DMatrix::<f64>::zeros(nth, nth);
        let mut cc = DMatrix::<f64>::zeros(pc, pc);
        let mut tc_x = DMatrix::<f64>::zeros(nth, x.ncols());
        self.for_blocks(|block| {
            let (b_t, b_c) = (block.rows(0, nth), block.rows(nth, pc));
            let bt_c = b_c.transpose();
            tt.gemm(scale, &b_t, &b_t.transpose(), 1.0);
            lower_gram(&mut cc, b_c, bt_c.as_view(), scale);
            let y = &bt_c * x;
            tc_x.gemm(scale, &b_t, &y, 1.0);
        });
        mirror(&mut cc);
        GammaParts { tt, cc, tc_x }
    }
}

/// `g += scale · b b'` on and below the diagonal, by panels of rows against the columns
/// up to each panel's end (`bt` = b').
fn lower_gram(g: &mut DMatrix<f64>, b: DMatrixView<f64>, bt: DMatrixView<f64>, scale: f64) {
    let m = g.nrows();
    let mut r0 = 0;
    while r0 < m {
        let rows = PANEL.min(m - r0);
        let end = r0 + rows;
        g.view_mut((r0, 0), (rows, end))
            .gemm(scale, &b.rows(r0, rows), &bt.columns(0, end), 1.0);
        r0 = end;
    }
}

/// Copies the lower triangle of a square matrix onto the upper one, tile by tile so that
/// the strided side stays in cache.
fn mirror(g: &mut DMatrix<f64>) {
    const TILE: usize = 32;
    let m = g.nrows();
    for c0 in (0..m).step_by(TILE) {
        for r0 in (c0..m).step_by(TILE) {
            for c in c0..(c0 + TILE).min(m) {
                for r in r0.max(c + 1)..(r0 + TILE).min(m) {
                    g[(c, r)] = g[(r, c)];
                }
            }
        }
    }
}

/// Borrows a variable's data and fit and inverts its first-step information A11 (the
/// cross-product of its casewise scores).
fn variable<'a>(name: &str, column: &'a Column) -> Result<Var<'a>, OrdinalError> {
    let singular = || OrdinalError::SingularInformation {
        what: format!("the first step of {name:?}"),
    };
    match column {
        Column::Ordered {
            codes,
            counts,
            fit: f,
            ..
        } => {
            let t = f.n_thresholds();
            let dense = |c: usize| {
                let mut u = vec![0.0; t];
                for (k, v) in f.score(c) {
                    u[k] += v;
                }
                u
            };
            let mut a11 = DMatrix::<f64>::zeros(t, t);
            for (c, &count) in counts.iter().enumerate() {
                let u = dense(c);
                for r in 0..t {
                    for s in 0..t {
                        a11[(r, s)] += count as f64 * u[r] * u[s];
                    }
                }
            }
            let chol = a11.cholesky().ok_or_else(singular)?;
            let v = (0..counts.len())
                .map(|c| {
                    chol.solve(&nalgebra::DVector::from_vec(dense(c)))
                        .as_slice()
                        .to_vec()
                })
                .collect();
            Ok(Var::Ordered { codes, fit: f, v })
        }
        Column::Numeric { values, fit: f } => {
            let mut a11 = Matrix2::<f64>::zeros();
            for &y in values {
                let u = f.score(y);
                a11[(0, 0)] += u[0] * u[0];
                a11[(0, 1)] += u[0] * u[1];
                a11[(1, 1)] += u[1] * u[1];
            }
            a11[(1, 0)] = a11[(0, 1)];
            let inv = a11.try_inverse().ok_or_else(singular)?;
            Ok(Var::Numeric {
                values,
                fit: f,
                inv,
            })
        }
    }
}

/// φ(t) [Φ((up − ρt)/R) − Φ((lo − ρt)/R)]: the derivative of a cell probability in a
/// bound `t` of one variable, the other between `lo` and `up`.
fn edge(t: f64, up: f64, lo: f64, rho: f64, r: f64) -> f64 {
    if t.is_infinite() {
        return 0.0;
    }
    let upper = if up == f64::INFINITY {
        1.0
    } else {
        pnorm((up - rho * t) / r)
    };
    let lower = if lo == f64::NEG_INFINITY {
        0.0
    } else {
        pnorm((lo - rho * t) / r)
    };
    dnorm(t) * (upper - lower)
}

/// The coefficients of the pair (i, j), i the later variable; `None` when its A22 is 0.
fn pair_part(vars: &[Var<'_>], i: usize, j: usize, rho: f64) -> Option<PairPart> {
    match (&vars[i], &vars[j]) {
        (
            Var::Ordered {
                codes: ci,
                fit: fi,
                v: vi,
            },
            Var::Ordered {
                codes: cj,
                fit: fj,
                v: vj,
            },
        ) => ordinal_part(fi, fj, vi, vj, ci, cj, rho),
        (Var::Numeric { .. }, Var::Ordered { .. }) => mixed_part(vars, i, j, rho),
        (Var::Ordered { .. }, Var::Numeric { .. }) => mixed_part(vars, j, i, rho),
        (
            Var::Numeric {
                values: yi,
                fit: fi,
                ..
            },
            Var::Numeric {
                values: yj,
                fit: fj,
                ..
            },
        ) => {
            let (mut a21, mut a22) = ([0.0; 4], 0.0);
            for (&a, &b) in yi.iter().zip(yj.iter()) {
                let s = reg_scores(a, fi, b, fj, rho);
                for k in 0..4 {
                    a21[k] += s[4] * s[k];
                }
                a22 += s[4] * s[4];
            }
            (a22 > 0.0).then(|| PairPart::Numeric {
                rho,
                a21,
                a22,
                h22: fi.sd() * fj.sd(),
                h21: [
                    fj.sd() * rho / (2.0 * fi.sd()),
                    fi.sd() * rho / (2.0 * fj.sd()),
                ],
            })
        }
    }
}

fn mixed_part(vars: &[Var<'_>], num: usize, ord: usize, rho: f64) -> Option<PairPart> {
    let (
        Var::Numeric {
            values, fit: fnum, ..
        },
        Var::Ordered {
            codes, fit: ford, ..
        },
    ) = (&vars[num], &vars[ord])
    else {
        return None;
    };
    let t = ford.n_thresholds();
    let (mut a21, mut a21_th, mut a22) = ([0.0; 2], vec![0.0; t], 0.0);
    for (&y, &c) in values.iter().zip(codes.iter()) {
        let c = c as usize;
        let s = mix_scores(y, fnum, c, ford, rho);
        a21[0] += s.rho * s.mean;
        a21[1] += s.rho * s.var;
        if c < t {
            a21_th[c] += s.rho * s.th_up;
        }
        if c > 0 {
            a21_th[c - 1] += s.rho * s.th_lo;
        }
        a22 += s.rho * s.rho;
    }
    (a22 > 0.0).then(|| PairPart::Mixed {
        num,
        ord,
        rho,
        a21,
        a21_th,
        a22,
        h22: fnum.sd(),
        h21: rho / (2.0 * fnum.sd()),
    })
}

/// The per-cell entries of an ordinal pair (`fi` the later variable, down the rows).
fn ordinal_part(
    fi: &OrderedFit,
    fj: &OrderedFit,
    vi: &[Vec<f64>],
    vj: &[Vec<f64>],
    ci: &[u8],
    cj: &[u8],
    rho: f64,
) -> Option<PairPart> {
    let (ki, kj) = (fi.probs.len(), fj.probs.len());
    let freq = cross_table(ci, cj, ki, kj);
    let mut cells = Cells::new(ki, kj);
    cells.evaluate(fi, fj, rho, false);
    let r = (1.0 - rho * rho).sqrt();
    let (ti, tj) = (fi.n_thresholds(), fj.n_thresholds());
    let mut s = vec![0.0; ki * kj];
    let (mut a21_i, mut a21_j, mut a22) = (vec![0.0; ti], vec![0.0; tj], 0.0);
    for a in 0..ki {
        for b in 0..kj {
            let cell = a * kj + b;
            let lik = cells.pi[cell];
            let f = freq[cell];
            // Cells at the floor have no score (lavaan's NA, counted as 0).
            if lik <= SQRT_EPS {
                continue;
            }
            s[cell] = cells.dpi[cell] / lik;
            if f == 0.0 {
                continue;
            }
            let w = f * s[cell];
            let (up_j, lo_j) = (fj.upper(b), fj.lower(b));
            let (up_i, lo_i) = (fi.upper(a), fi.lower(a));
            if a < ti {
                a21_i[a] += w * edge(up_i, up_j, lo_j, rho, r) / lik;
            }
            if a > 0 {
                a21_i[a - 1] -= w * edge(lo_i, up_j, lo_j, rho, r) / lik;
            }
            if b < tj {
                a21_j[b] += w * edge(up_j, up_i, lo_i, rho, r) / lik;
            }
            if b > 0 {
                a21_j[b - 1] -= w * edge(lo_j, up_i, lo_i, rho, r) / lik;
            }
            a22 += w * s[cell];
        }
    }
    if a22 <= 0.0 {
        return None;
    }
    let dot = |a21: &[f64], v: &[f64]| a21.iter().zip(v).map(|(x, y)| x * y).sum::<f64>();
    let table = (0..ki * kj)
        .map(|cell| {
            let (a, b) = (cell / kj, cell % kj);
            (s[cell] - dot(&a21_i, &vi[a]) - dot(&a21_j, &vj[b])) / a22
        })
        .collect();
    Some(PairPart::Ordinal { table, k2: kj })
}

/// Writes H B⁻¹ s_n of row `row` into `out` (length m).
fn fill_row(vars: &[Var<'_>], layout: &WlsLayout, pairs: &[PairPart], row: usize, out: &mut [f64]) {
    let p = vars.len();
    // A11⁻¹ s of the numeric variables of this row, unflipped.
    let num_v: Vec<[f64; 2]> = vars.iter().map(|v| v.numeric_v(row)).collect();
    for (i, var) in vars.iter().enumerate() {
        let at = layout.th_start[i];
        match var {
            Var::Ordered { codes, v, .. } => {
                let v = &v[codes[row] as usize];
                out[at..at + v.len()].copy_from_slice(v);
            }
            Var::Numeric { .. } => {
                out[at] = -num_v[i][0];
                if let Some(slot) = layout.var_slot[i] {
                    out[slot] = num_v[i][1];
                }
            }
        }
    }
    let mut k = layout.cor_start;
    for j in 0..p {
        for i in j + 1..p {
            let pair = k - layout.cor_start;
            out[k] = match &pairs[pair] {
                PairPart::Ordinal { table, k2 } => match (&vars[i], &vars[j]) {
                    (Var::Ordered { codes: ci, .. }, Var::Ordered { codes: cj, .. }) => {
                        table[ci[row] as usize * k2 + cj[row] as usize]
                    }
                    _ => 0.0,
                },
                PairPart::Mixed {
                    num,
                    ord,
                    rho,
                    a21,
                    a21_th,
                    a22,
                    h22,
                    h21,
                } => match (&vars[*num], &vars[*ord]) {
                    (
                        Var::Numeric {
                            values, fit: fnum, ..
                        },
                        Var::Ordered {
                            codes,
                            fit: ford,
                            v: vord,
                        },
                    ) => {
                        let c = codes[row] as usize;
                        let s = mix_scores(values[row], fnum, c, ford, *rho);
                        let v = num_v[*num];
                        let th: f64 = a21_th.iter().zip(&vord[c]).map(|(x, y)| x * y).sum();
                        let w = (s.rho - a21[0] * v[0] - a21[1] * v[1] - th) / a22;
                        h22 * w + h21 * v[1]
                    }
                    _ => 0.0,
                },
                PairPart::Numeric {
                    rho,
                    a21,
                    a22,
                    h22,
                    h21,
                } => match (&vars[i], &vars[j]) {
                    (
                        Var::Numeric {
                            values: yi,
                            fit: fi,
                            ..
                        },
                        Var::Numeric {
                            values: yj,
                            fit: fj,
                            ..
                        },
                    ) => {
                        let s = reg_scores(yi[row], fi, yj[row], fj, *rho);
                        let (vi, vj) = (num_v[i], num_v[j]);
                        let w = (s[4]
                            - a21[0] * vi[0]
                            - a21[1] * vi[1]
                            - a21[2] * vj[0]
                            - a21[3] * vj[1])
                            / a22;
                        h22 * w + h21[0] * vi[1] + h21[1] * vj[1]
                    }
                    _ => 0.0,
                },
            };
            k += 1;
        }
    }
}
