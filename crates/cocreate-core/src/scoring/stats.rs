//! Numerical building blocks: pairwise-complete item covariances, squared multiple
//! correlations, the pseudo-inverse, medians and F quantiles.

use nalgebra::DMatrix;
use statrs::distribution::{Continuous, ContinuousCDF, FisherSnedecor};

use super::responses::{Cells, Responses, MISSING};

/// Rows per block of the integer moment kernel: a product of two doubled answers is at
/// most 508², so a block's sum of 4096 of them fits an `i32`.
const COV_BLOCK: usize = 4096;

/// Pairwise-complete moments of the items: for every pair the number of respondents who
/// answered both and the covariance over exactly those respondents (denominator n − 1),
/// as R's `cov(x, use = "pairwise")` computes it; plus each item's mean over its answers.
#[derive(Debug, Clone)]
pub(crate) struct PairwiseMoments {
    pub k: usize,
    /// k × k, row-major.
    pub count: Vec<usize>,
    /// k × k, row-major; NaN where fewer than two respondents answered both.
    pub cov: Vec<f64>,
    /// Per item, mean of the answered (or imputed) values.
    pub mean: Vec<f64>,
    /// k × k pairwise-complete correlations: means and SDs over the respondents who
    /// answered both items (R's `cor(x, use = "pairwise")`; psych's `omega` input).
    /// Differs from `cov2cor(cov)` when answers are missing.
    pub cor: Vec<f64>,
}

impl PairwiseMoments {
    /// Moments of the raw (not reverse-keyed) items; when `imputed` is given every missing
    /// answer of item j counts as `imputed[j]`.
    pub fn compute(responses: &Responses, imputed: Option<&[f64]>) -> Self {
        let halves = imputed.is_none_or(|v| v.iter().all(|x| (2.0 * x).fract() == 0.0));
        match responses.cells() {
            Cells::Codes(codes) if halves => integer_moments(codes, responses, imputed),
            _ => float_moments(responses, imputed),
        }
    }

    pub fn cov(&self, i: usize, j: usize) -> f64 {
        self.cov[i * self.k + j]
    }
}

/// Exact integer sums of products (answers doubled when imputing so that medians stay
/// whole), turned into covariances with one rounding.
///
/// With x a missing answer's value set to 0 (or its imputed value) and M_j the rows
/// where item j is missing, every pairwise sum follows from sums over all rows and sums
/// over the missing cells alone:
///
/// - Σxᵢxⱼ over the rows with both answered is Σxᵢxⱼ over all rows (a missing x is 0);
/// - Σxᵢ over the rows with j answered is Σxᵢ − Σ_{M_j} xᵢ, and likewise Σxᵢ² and the
///   count of answers to i.
///
/// So one blocked pass takes the k(k+1)/2 dot products over all rows (`i16` products
/// summed in `i32`, which vectorises to multiply-add instructions) and, for each missing
/// cell, adds the row's answers to its item's correction: work proportional to the
/// missing cells rather than to k² more dot products.
fn integer_moments(
    codes: &[u8],
    responses: &Responses,
    imputed: Option<&[f64]>,
) -> PairwiseMoments {
    let n = responses.n_respondents();
    let k = responses.n_items();
    let factor: i16 = if imputed.is_some() { 2 } else { 1 };
    let fill: Vec<i16> = (0..k)
        .map(|j| imputed.map_or(0, |v| (v[j] * f64::from(factor)) as i16))
        .collect();
    let pairs = k * k;
    // Over all rows: Σxᵢxⱼ (i ≤ j, at i·k + j), Σxᵢ, answers to i.
    let mut sxy = vec![0i64; pairs];
    let mut sx = vec![0i64; k];
    let mut answers = vec![0i64; k];
    // Over the rows where item j is missing, at j·k + i: answers to i, Σxᵢ, Σxᵢ².
    let mut gone_a = vec![0i64; pairs];
    let mut gone_x = vec![0i64; pairs];
    let mut gone_xx = vec![0i64; pairs];
    let mut x = vec![0i16; k * COV_BLOCK];
    let mut missing_rows: Vec<usize> = Vec::new();
    for r0 in (0..n).step_by(COV_BLOCK) {
        let len = COV_BLOCK.min(n - r0);
        let col = |j: usize| &codes[j * n + r0..j * n + r0 + len];
        for j in 0..k {
            let xj = &mut x[j * COV_BLOCK..j * COV_BLOCK + len];
            let mut answered = 0i32;
            let mut sum = 0i32;
            for (xv, &v) in xj.iter_mut().zip(col(j)) {
                let ans = v != MISSING;
                *xv = if ans { i16::from(v) * factor } else { fill[j] };
                answered += i32::from(ans);
                sum += i32::from(*xv);
            }
            answers[j] += i64::from(answered);
            sx[j] += i64::from(sum);
        }
        for i in 0..k {
            let xi = &x[i * COV_BLOCK..i * COV_BLOCK + len];
            for j in i..k {
                let xj = &x[j * COV_BLOCK..j * COV_BLOCK + len];
                sxy[i * k + j] += i64::from(dot(xi, xj));
            }
        }
        if imputed.is_some() {
            continue;
        }
        for j in 0..k {
            missing_rows.clear();
            missing_rows.extend(
                col(j)
                    .iter()
                    .enumerate()
                    .filter(|&(_, &v)| v == MISSING)
                    .map(|(r, _)| r),
            );
            for &r in &missing_rows {
                for i in 0..k {
                    let xi = i64::from(x[i * COV_BLOCK + r]);
                    gone_a[j * k + i] += i64::from(codes[i * n + r0 + r] != MISSING);
                    gone_x[j * k + i] += xi;
                    gone_xx[j * k + i] += xi * xi;
                }
            }
        }
    }
    let scale = f64::from(factor) * f64::from(factor);
    let mut out = PairwiseMoments {
        k,
        count: vec![0; pairs],
        cov: vec![f64::NAN; pairs],
        mean: vec![f64::NAN; k],
        cor: vec![f64::NAN; pairs],
    };
    // An imputed answer counts as an answer.
    let present = |i: usize| {
        if imputed.is_some() {
            n as i64
        } else {
            answers[i]
        }
    };
    for i in 0..k {
        for j in i..k {
            // Σxᵢ and Σxᵢ² over the rows with j answered, and Σxⱼ, Σxⱼ² over those with i.
            let (sxi, sxj) = (sx[i] - gone_x[j * k + i], sx[j] - gone_x[i * k + j]);
            let qi = sxy[i * k + i] - gone_xx[j * k + i];
            let qj = sxy[j * k + j] - gone_xx[i * k + j];
            let m = present(i) - gone_a[j * k + i];
            out.count[i * k + j] = m as usize;
            out.count[j * k + i] = m as usize;
            if m >= 2 {
                // n Σxy − Σx Σy is exact in i128; one division gives the covariance.
                let m128 = i128::from(m);
                let (sxi, sxj) = (i128::from(sxi), i128::from(sxj));
                let num = m128 * i128::from(sxy[i * k + j]) - sxi * sxj;
                let c = num as f64 / ((m as f64) * ((m - 1) as f64)) / scale;
                out.cov[i * k + j] = c;
                out.cov[j * k + i] = c;
                let vi = m128 * i128::from(qi) - sxi * sxi;
                let vj = m128 * i128::from(qj) - sxj * sxj;
                let r = if i == j {
                    1.0
                } else {
                    num as f64 / ((vi as f64) * (vj as f64)).sqrt()
                };
                out.cor[i * k + j] = r;
                out.cor[j * k + i] = r;
            }
        }
        let m = present(i);
        if m > 0 {
            out.mean[i] = sx[i] as f64 / m as f64 / f64::from(factor);
        }
    }
    out
}

fn dot(a: &[i16], b: &[i16]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum()
}

/// The same moments in floating point, from answers centred on each item's mean so that
/// sums of products do not cancel.
fn float_moments(responses: &Responses, imputed: Option<&[f64]>) -> PairwiseMoments {
    let n = responses.n_respondents();
    let k = responses.n_items();
    let value = |j: usize, r: usize| -> Option<f64> {
        responses.get(r, j).or_else(|| imputed.map(|v| v[j]))
    };
    let mut mean = vec![f64::NAN; k];
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(k);
    let mut ind: Vec<Vec<f64>> = Vec::with_capacity(k);
    for (j, m) in mean.iter_mut().enumerate() {
        let vals: Vec<Option<f64>> = (0..n).map(|r| value(j, r)).collect();
        let (s, c) = vals
            .iter()
            .flatten()
            .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
        let mu = if c > 0 { s / c as f64 } else { 0.0 };
        if c > 0 {
            *m = mu;
        }
        cols.push(vals.iter().map(|v| v.map_or(0.0, |x| x - mu)).collect());
        ind.push(
            vals.iter()
                .map(|v| f64::from(u8::from(v.is_some())))
                .collect(),
        );
    }
    let fdot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let pairs = k * k;
    let mut out = PairwiseMoments {
        k,
        count: vec![0; pairs],
        cov: vec![f64::NAN; pairs],
        mean,
        cor: vec![f64::NAN; pairs],
    };
    for i in 0..k {
        for j in i..k {
            let m = fdot(&ind[i], &ind[j]);
            out.count[i * k + j] = m as usize;
            out.count[j * k + i] = m as usize;
            if m >= 2.0 {
                let sxy = fdot(&cols[i], &cols[j]);
                let sx = fdot(&cols[i], &ind[j]);
                let sy = fdot(&ind[i], &cols[j]);
                let c = (sxy - sx * sy / m) / (m - 1.0);
                out.cov[i * k + j] = c;
                out.cov[j * k + i] = c;
                let sq =
                    |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(x, w)| x * x * w).sum() };
                let vi = sq(&cols[i], &ind[j]) - sx * sx / m;
                let vj = sq(&cols[j], &ind[i]) - sy * sy / m;
                let r = if i == j {
                    1.0
                } else {
                    (sxy - sx * sy / m) / (vi * vj).sqrt()
                };
                out.cor[i * k + j] = r;
                out.cor[j * k + i] = r;
            }
        }
    }
    out
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

/// Moore–Penrose pseudo-inverse by SVD, dropping singular values below
/// √ε · largest (psych's `Pinv`).
pub(crate) fn pinv(m: &[f64], k: usize) -> DMatrix<f64> {
    let a = DMatrix::from_row_slice(k, k, m);
    let svd = a.svd(true, true);
    let d = &svd.singular_values;
    let dmax = d.iter().copied().fold(0.0, f64::max);
    let tol = f64::EPSILON.sqrt() * dmax;
    let (Some(u), Some(vt)) = (svd.u.as_ref(), svd.v_t.as_ref()) else {
        return DMatrix::zeros(k, k);
    };
    let mut out = DMatrix::zeros(k, k);
    for (s, &ds) in d.iter().enumerate() {
        if ds > tol {
            let v = vt.row(s).transpose();
            let uu = u.column(s);
            out += (v * uu.transpose()) / ds;
        }
    }
    out
}

/// Squared multiple correlation of each variable with all the others, from a correlation
/// matrix: 1 − 1 / diag(R⁺), clamped to [0, 1] (psych's `smc`).
pub(crate) fn smc(r: &[f64], k: usize) -> Vec<f64> {
    if k == 0 {
        return Vec::new();
    }
    if k == 1 {
        return vec![1.0];
    }
    let inv = pinv(r, k);
    (0..k)
        .map(|i| (1.0 - 1.0 / inv[(i, i)]).clamp(0.0, 1.0))
        .collect()
}

/// Median (R's: the mean of the two middle values for an even count); NaN when empty.
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len();
    if m % 2 == 1 {
        v[m / 2]
    } else {
        (v[m / 2 - 1] + v[m / 2]) / 2.0
    }
}

/// Sample variance (denominator n − 1); `None` with fewer than two values.
pub(crate) fn variance(v: &[f64]) -> Option<f64> {
    let n = v.len();
    if n < 2 {
        return None;
    }
    let mu = v.iter().sum::<f64>() / n as f64;
    Some(v.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (n - 1) as f64)
}

/// The `p` quantile of the F distribution with `d1`, `d2` degrees of freedom, polished
/// by Newton steps on the CDF to full double precision.
pub(crate) fn qf(p: f64, d1: f64, d2: f64) -> Option<f64> {
    let f = FisherSnedecor::new(d1, d2).ok()?;
    if !(0.0..1.0).contains(&p) || p == 0.0 {
        return None;
    }
    let mut x = f.inverse_cdf(p);
    if !x.is_finite() || x <= 0.0 {
        x = 1.0;
    }
    for _ in 0..100 {
        let err = f.cdf(x) - p;
        let dens = f.pdf(x);
        if dens <= 0.0 || !dens.is_finite() {
            break;
        }
        let mut next = x - err / dens;
        if next <= 0.0 {
            next = x / 2.0;
        }
        let done = (next - x).abs() <= 1e-15 * x;
        x = next;
        if done {
            break;
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_matches_r() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(vec![]).is_nan());
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
    fn qf_matches_r() {
        // R: qf(0.975, 2799, 11196) and qf(0.025, 2799, 11196)
        let hi = qf(0.975, 2799.0, 11196.0).unwrap();
        let lo = qf(0.025, 2799.0, 11196.0).unwrap();
        assert!((hi - 1.059_781_895_323_814_3).abs() < 1e-12, "{hi}");
        assert!((lo - 0.942_606_052_073_466_9).abs() < 1e-12, "{lo}");
    }
}
