//! The second step: each correlation by maximum likelihood of the bivariate normal, the
//! thresholds, means and variances held at their first-step values (lavaan's
//! `lav_bvord_cor_twostep_fit`, `lav_bvmix_cor_twostep_fit`, `lav_bvreg_cor_twostep_fit`).

use super::bvnorm::{dbinorm, dlog_dbinorm_drho, dnorm, pnorm, BivariateCdf};
use super::univariate::{NumericFit, OrderedFit};

/// Cell probabilities below this are floored to it, and cells at or below it add
/// nothing to the score (lavaan: `sqrt(.Machine$double.eps)`).
pub(crate) const SQRT_EPS: f64 = 1.490_116_119_384_765_6e-8;
/// Bounds of a polychoric correlation during estimation (lavaan's nlminb bounds).
const POLYCHORIC_BOUND: f64 = 0.999;
/// Bounds of a polyserial correlation during estimation.
const POLYSERIAL_BOUND: f64 = 0.995;
/// Most Newton iterations of one correlation.
const MAX_NEWTON: usize = 100;

/// How a correlation came about, when not by a plain interior maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PairNote {
    /// An interior maximum, or the bound.
    Estimated,
    /// A 2 × 2 table with one empty cell: ½ moved into it keeping the margins.
    ZeroCellCorrected,
    /// A 2 × 2 table with two empty cells: ±1 without estimation.
    TwoEmptyCells,
    /// The maximiser did not converge; the starting value is kept (as lavaan does).
    NotConverged,
}

/// The cross table of two ordered variables, row-major `k1 × k2`, as counts in `f64`.
pub(crate) fn cross_table(codes1: &[u8], codes2: &[u8], k1: usize, k2: usize) -> Vec<f64> {
    let mut counts = vec![0u32; k1 * k2];
    for (&a, &b) in codes1.iter().zip(codes2) {
        counts[a as usize * k2 + b as usize] += 1;
    }
    counts.into_iter().map(f64::from).collect()
}

/// The cell probabilities Π(ρ), their derivatives in ρ and (optionally) second
/// derivatives of a `k1 × k2` table, row-major.
pub(crate) struct Cells {
    pub k1: usize,
    pub k2: usize,
    /// Π_ab, floored at [`SQRT_EPS`] unless ρ = 0.
    pub pi: Vec<f64>,
    /// ∂Π_ab/∂ρ.
    pub dpi: Vec<f64>,
    /// ∂²Π_ab/∂ρ².
    pub d2pi: Vec<f64>,
    /// Φ₂, φ₂ and φ₂ · ∂log φ₂/∂ρ on the (k1 + 1) × (k2 + 1) grid of thresholds.
    big: Vec<f64>,
    den: Vec<f64>,
    gn: Vec<f64>,
}

impl Cells {
    pub(crate) fn new(k1: usize, k2: usize) -> Cells {
        let grid = (k1 + 1) * (k2 + 1);
        Cells {
            k1,
            k2,
            pi: vec![0.0; k1 * k2],
            dpi: vec![0.0; k1 * k2],
            d2pi: vec![0.0; k1 * k2],
            big: vec![0.0; grid],
            den: vec![0.0; grid],
            gn: vec![0.0; grid],
        }
    }

    /// Fills the table at ρ. Φ₂ and its ρ-derivatives are evaluated on the grid of inner
    /// thresholds; the border of the grid holds the margins (Φ(τ), 0 and 1) and zero
    /// derivatives.
    pub(crate) fn evaluate(&mut self, f1: &OrderedFit, f2: &OrderedFit, rho: f64, second: bool) {
        let (k1, k2) = (self.k1, self.k2);
        let w = k2 + 1;
        let cdf = BivariateCdf::new(rho);
        for a in 0..=k1 {
            for b in 0..=k2 {
                let at = a * w + b;
                let (big, den, gn) = if a == 0 || b == 0 {
                    (0.0, 0.0, 0.0)
                } else if a == k1 && b == k2 {
                    (1.0, 0.0, 0.0)
                } else if a == k1 {
                    (f2.cdf[b - 1], 0.0, 0.0)
                } else if b == k2 {
                    (f1.cdf[a - 1], 0.0, 0.0)
                } else {
                    let (u, v) = (f1.thresholds[a - 1], f2.thresholds[b - 1]);
                    let (pu, pv) = (f1.cdf[a - 1], f2.cdf[b - 1]);
                    let d = dbinorm(u, v, rho);
                    let g = if second {
                        d * dlog_dbinorm_drho(u, v, rho)
                    } else {
                        0.0
                    };
                    let p = if rho == 0.0 {
                        pu * pv
                    } else {
                        cdf.cdf(u, v, pu, pv)
                    };
                    (p, d, g)
                };
                self.big[at] = big;
                self.den[at] = den;
                self.gn[at] = gn;
            }
        }
        for a in 0..k1 {
            for b in 0..k2 {
                let (i00, i01, i10, i11) = (
                    a * w + b,
                    a * w + b + 1,
                    (a + 1) * w + b,
                    (a + 1) * w + b + 1,
                );
                let corner = |g: &[f64]| g[i11] - g[i01] - g[i10] + g[i00];
                let cell = a * k2 + b;
                let p = corner(&self.big);
                self.pi[cell] = if rho == 0.0 { p } else { p.max(SQRT_EPS) };
                self.dpi[cell] = corner(&self.den);
                if second {
                    self.d2pi[cell] = corner(&self.gn);
                }
            }
        }
    }
}

/// The log-likelihood of a table and its first two derivatives in ρ, as lavaan's
/// `lav_bvord_logl_cache`, `_gradient_cache` and `_hessian_cache` compute them (cells
/// at the floor add to the log-likelihood but not to the derivatives).
fn table_loglik(cells: &Cells, freq: &[f64]) -> (f64, f64, f64) {
    let (mut f, mut g, mut h) = (0.0, 0.0, 0.0);
    for (i, &n) in freq.iter().enumerate() {
        if n == 0.0 {
            continue;
        }
        let pi = cells.pi[i];
        f += n * pi.ln();
        if pi > SQRT_EPS {
            let d = cells.dpi[i] / pi;
            g += n * d;
            h += n * (cells.d2pi[i] / pi - d * d);
        }
    }
    (f, g, h)
}

/// Maximises a smooth function of one variable on [lo, hi] by Newton's method with
/// backtracking, from `start`. `eval(x)` returns the value and the first two
/// derivatives. `None` when it does not converge in [`MAX_NEWTON`] steps.
fn maximise(
    start: f64,
    lo: f64,
    hi: f64,
    mut eval: impl FnMut(f64) -> (f64, f64, f64),
) -> Option<f64> {
    let mut x = start.clamp(lo, hi);
    let (mut fx, mut g, mut h) = eval(x);
    if !fx.is_finite() {
        return None;
    }
    for _ in 0..MAX_NEWTON {
        let step = if h < 0.0 { -g / h } else { 0.1 * g.signum() };
        // Newton converges quadratically: after a step this small the next one is below
        // 1e-20, so take it without another evaluation.
        if h < 0.0 && step.abs() < 1e-10 {
            return Some((x + step).clamp(lo, hi));
        }
        let step = step.clamp(-0.5, 0.5);
        if !step.is_finite() {
            return None;
        }
        let mut t = 1.0;
        let (next, fnext, gnext, hnext) = loop {
            let xn = (x + t * step).clamp(lo, hi);
            let (fv, gv, hv) = eval(xn);
            // Ascent, allowing for rounding in the sum of logs.
            if fv.is_finite() && fv >= fx - 8.0 * f64::EPSILON * fx.abs() {
                break (xn, fv, gv, hv);
            }
            t *= 0.5;
            if t < 1e-12 {
                // No ascent along the step: x is the maximum to machine precision.
                return Some(x);
            }
        };
        let moved = (next - x).abs();
        x = next;
        fx = fnext;
        g = gnext;
        h = hnext;
        if moved < 1e-13 {
            return Some(x);
        }
        // At a bound with the slope pointing outwards: the maximum is the bound.
        if (x == hi && g > 0.0) || (x == lo && g < 0.0) {
            return Some(x);
        }
    }
    None
}

/// The Pearson correlation of two columns (used as lavaan's starting value too).
pub(crate) fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// The Pearson correlation of two category codings (lavaan starts the polychoric
/// estimate at the correlation of the category numbers 1..K).
fn code_correlation(codes1: &[u8], codes2: &[u8]) -> f64 {
    let n = codes1.len() as f64;
    let (mut s1, mut s2, mut s11, mut s22, mut s12) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in codes1.iter().zip(codes2) {
        let (a, b) = (f64::from(a), f64::from(b));
        s1 += a;
        s2 += b;
        s11 += a * a;
        s22 += b * b;
        s12 += a * b;
    }
    let c12 = s12 - s1 * s2 / n;
    let c11 = s11 - s1 * s1 / n;
    let c22 = s22 - s2 * s2 / n;
    c12 / (c11 * c22).sqrt()
}

/// The polychoric correlation of two ordered variables from their cross table `freq`
/// (row-major `k1 × k2`, the first variable's categories down the rows), with lavaan's
/// handling of empty cells in 2 × 2 tables.
pub(crate) fn polychoric(
    f1: &OrderedFit,
    f2: &OrderedFit,
    freq: &[f64],
    codes1: &[u8],
    codes2: &[u8],
) -> (f64, PairNote) {
    let (k1, k2) = (f1.probs.len(), f2.probs.len());
    let mut freq = freq.to_vec();
    let mut note = PairNote::Estimated;
    if k1 == 2 && k2 == 2 {
        let zeros: Vec<usize> = (0..4).filter(|&i| freq[i] == 0.0).collect();
        // Row-major: 0 = (1,1), 1 = (1,2), 2 = (2,1), 3 = (2,2).
        match zeros.len() {
            2 => {
                return (
                    if freq[0] > 0.0 { 1.0 } else { -1.0 },
                    PairNote::TwoEmptyCells,
                )
            }
            1 => {
                // Move ½ into the empty cell and its diagonal partner, out of the other
                // two, so the margins stay (lavaan's zero.add = 0.5, zero.keep.margins).
                let sign = if zeros[0] == 0 || zeros[0] == 3 {
                    1.0
                } else {
                    -1.0
                };
                freq[0] += 0.5 * sign;
                freq[3] += 0.5 * sign;
                freq[1] -= 0.5 * sign;
                freq[2] -= 0.5 * sign;
                note = PairNote::ZeroCellCorrected;
            }
            _ => {}
        }
        if freq[0] * freq[3] == freq[1] * freq[2] {
            return (0.0, note);
        }
        if f1.thresholds[0] == 0.0 && f2.thresholds[0] == 0.0 {
            let total: f64 = freq.iter().sum();
            return (-(2.0 * std::f64::consts::PI * freq[0] / total).cos(), note);
        }
    }
    let mut start = code_correlation(codes1, codes2);
    if !start.is_finite() || start.abs() >= 1.0 {
        start = 0.0;
    }
    let mut cells = Cells::new(k1, k2);
    let result = maximise(start, -POLYCHORIC_BOUND, POLYCHORIC_BOUND, |rho| {
        cells.evaluate(f1, f2, rho, true);
        table_loglik(&cells, &freq)
    });
    match result {
        Some(rho) => (rho, note),
        None => (start, PairNote::NotConverged),
    }
}

/// One row's part of the polyserial likelihood: the numeric variable standardised
/// (`z`), the ordered one's category bounds.
struct MixTerm {
    /// Φ(A) − Φ(B), floored at machine epsilon.
    p: f64,
    /// (φ(A)(τ_up ρ − z) − φ(B)(τ_lo ρ − z)) / R³ = ∂p/∂ρ.
    dp: f64,
    /// ∂²p/∂ρ².
    d2p: f64,
    /// φ at the standardised bounds A and B.
    phi_a: f64,
    phi_b: f64,
}

fn mix_term(z: f64, up: f64, lo: f64, rho: f64) -> MixTerm {
    let r2 = 1.0 - rho * rho;
    let r = r2.sqrt();
    let r3 = r2 * r;
    let r5 = r3 * r2;
    let bound = |t: f64| -> (f64, f64, f64, f64) {
        // (A, φ(A), A' φ(A), (A'' − A A'²) φ(A)); zero derivatives at infinite bounds.
        if t.is_infinite() {
            let a = t;
            return (a, 0.0, 0.0, 0.0);
        }
        let a = (t - rho * z) / r;
        let phi = dnorm(a);
        let a1 = (t * rho - z) / r3;
        let a2 = t / r3 + (t * rho - z) * 3.0 * rho / r5;
        (a, phi, phi * a1, phi * (a2 - a * a1 * a1))
    };
    let (a, phi_a, da, d2a) = bound(up);
    let (b, phi_b, db, d2b) = bound(lo);
    let p = (pnorm(a) - pnorm(b)).max(f64::EPSILON);
    MixTerm {
        p,
        dp: da - db,
        d2p: d2a - d2b,
        phi_a,
        phi_b,
    }
}

/// The polyserial correlation of a numeric variable (`values`, its fit `num`) and an
/// ordered one (`codes`, its fit `ord`), lavaan's `lav_bvmix_cor_twostep_fit`: rows
/// whose likelihood is below √ε are left out, as lavaan leaves them out.
pub(crate) fn polyserial(
    values: &[f64],
    num: &NumericFit,
    codes: &[u8],
    ord: &OrderedFit,
) -> (f64, PairNote) {
    let sd = num.sd();
    let z: Vec<f64> = values.iter().map(|&y| (y - num.mean) / sd).collect();
    // lavaan's start: cor(y1, y2) · sd(y2) / Σ φ(τ), halved above 0.9.
    let codes_f: Vec<f64> = codes.iter().map(|&c| f64::from(c)).collect();
    let n = codes.len() as f64;
    let mean2 = codes_f.iter().sum::<f64>() / n;
    let sd2 = (codes_f
        .iter()
        .map(|c| (c - mean2) * (c - mean2))
        .sum::<f64>()
        / n)
        .sqrt();
    let mut start =
        pearson(values, &codes_f) * sd2 / ord.thresholds.iter().map(|&t| dnorm(t)).sum::<f64>();
    if !start.is_finite() {
        start = 0.0;
    } else if start.abs() > 0.9 {
        start /= 2.0;
    }
    let result = maximise(start, -POLYSERIAL_BOUND, POLYSERIAL_BOUND, |rho| {
        let (mut f, mut g, mut h) = (0.0, 0.0, 0.0);
        for (&zi, &c) in z.iter().zip(codes) {
            let c = c as usize;
            let t = mix_term(zi, ord.upper(c), ord.lower(c), rho);
            let lik = dnorm(zi) / sd * t.p;
            if lik < SQRT_EPS {
                continue;
            }
            f += t.p.ln();
            let d = t.dp / t.p;
            g += d;
            h += t.d2p / t.p - d * d;
        }
        (f, g, h)
    });
    match result {
        Some(rho) => (rho, PairNote::Estimated),
        None => (start, PairNote::NotConverged),
    }
}

/// Per-row derivatives of the polyserial log-likelihood at ρ (lavaan's
/// `lav_bvmix_cor_scores_cache`): in the numeric variable's mean and variance, the
/// ordered one's two bounding thresholds (index, value) and ρ.
pub(crate) struct MixScores {
    pub mean: f64,
    pub var: f64,
    pub th_up: f64,
    pub th_lo: f64,
    pub rho: f64,
}

pub(crate) fn mix_scores(
    y: f64,
    num: &NumericFit,
    c: usize,
    ord: &OrderedFit,
    rho: f64,
) -> MixScores {
    let sd = num.sd();
    let z = (y - num.mean) / sd;
    let up = ord.upper(c);
    let lo = ord.lower(c);
    let t = mix_term(z, up, lo, rho);
    let r = (1.0 - rho * rho).sqrt();
    let inv = 1.0 / t.p;
    let dphi = t.phi_a - t.phi_b;
    MixScores {
        mean: (z + inv * (rho / r) * dphi) / sd,
        var: ((z * z - 1.0) + inv * rho * z / r * dphi) / (2.0 * num.variance),
        th_up: t.phi_a / (r * t.p),
        th_lo: -t.phi_b / (r * t.p),
        rho: t.dp * inv,
    }
}

/// Per-row derivatives of the bivariate normal log-likelihood of two numeric variables
/// at ρ (lavaan's `lav_bvreg_cor_scores_cache`): (mean₁, var₁, mean₂, var₂, ρ).
pub(crate) fn reg_scores(y1: f64, f1: &NumericFit, y2: f64, f2: &NumericFit, rho: f64) -> [f64; 5] {
    let (c1, c2) = (y1 - f1.mean, y2 - f2.mean);
    let (v1, v2) = (f1.variance, f2.variance);
    let s12 = f1.sd() * f2.sd();
    let r = 1.0 - rho * rho;
    let mu1 = (2.0 * c1 / v1 - 2.0 * rho * c2 / s12) / (2.0 * r);
    let mu2 = -(2.0 * rho * c1 / s12 - 2.0 * c2 / v2) / (2.0 * r);
    let var1 = -(0.5 / v1 - (c1 * c1 / (v1 * v1) - rho * c1 * c2 / (v1 * s12)) / (2.0 * r));
    let var2 = -(0.5 / v2 + (rho * c1 * c2 / (v2 * s12) - c2 * c2 / (v2 * v2)) / (2.0 * r));
    let q = c1 * c1 / v1 - 2.0 * rho * c1 * c2 / s12 + c2 * c2 / v2;
    let drho = rho / r + (c1 * c2 / (s12 * r) - q * rho / (r * r));
    [mu1, var1, mu2, var2, drho]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analytic first and second derivatives of the table log-likelihood agree with
    /// central differences.
    #[test]
    fn table_derivatives() {
        let f1 = OrderedFit::new(&[10, 25, 40, 25]);
        let f2 = OrderedFit::new(&[30, 45, 25]);
        let freq: Vec<f64> = (0..12).map(|i| f64::from((i * 7 % 11) as u8 + 1)).collect();
        let mut cells = Cells::new(4, 3);
        for rho in [-0.7, -0.2, 0.3, 0.8] {
            let h = 1e-5;
            cells.evaluate(&f1, &f2, rho + h, true);
            let (fp, gp, _) = table_loglik(&cells, &freq);
            cells.evaluate(&f1, &f2, rho - h, true);
            let (fm, gm, _) = table_loglik(&cells, &freq);
            cells.evaluate(&f1, &f2, rho, true);
            let (_, g, hh) = table_loglik(&cells, &freq);
            assert!(
                ((fp - fm) / (2.0 * h) - g).abs() < 1e-5 * g.abs().max(1.0),
                "{rho}"
            );
            assert!(
                ((gp - gm) / (2.0 * h) - hh).abs() < 1e-5 * hh.abs().max(1.0),
                "{rho}"
            );
        }
    }

    #[test]
    fn mix_derivatives() {
        for &(z, up, lo) in &[
            (0.3, 0.5, -0.4),
            (-1.2, f64::INFINITY, 0.8),
            (2.0, -0.1, f64::NEG_INFINITY),
        ] {
            for rho in [-0.6, 0.1, 0.7] {
                let h = 1e-6;
                let tp = mix_term(z, up, lo, rho + h);
                let tm = mix_term(z, up, lo, rho - h);
                let t = mix_term(z, up, lo, rho);
                assert!(((tp.p - tm.p) / (2.0 * h) - t.dp).abs() < 1e-7);
                assert!(((tp.dp - tm.dp) / (2.0 * h) - t.d2p).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn two_by_two_cases() {
        let f = OrderedFit::new(&[150, 150]);
        // Both thresholds 0: the cosine formula.
        let (rho, _) = polychoric(&f, &f, &[100.0, 50.0, 50.0, 100.0], &[], &[]);
        assert!((rho - 0.5).abs() < 1e-15);
        // Independence: exactly 0.
        let f1 = OrderedFit::new(&[200, 100]);
        let f2 = OrderedFit::new(&[120, 180]);
        let (rho, _) = polychoric(&f1, &f2, &[80.0, 120.0, 40.0, 60.0], &[], &[]);
        assert_eq!(rho, 0.0);
        // Two empty cells.
        let (rho, note) = polychoric(&f1, &f1, &[200.0, 0.0, 0.0, 100.0], &[], &[]);
        assert_eq!((rho, note), (1.0, PairNote::TwoEmptyCells));
    }
}
