//! Pairwise-complete moments of the items: counts, means, covariances and correlations
//! over the respondents who answered both items of each pair, as R's
//! `cov(x, use = "pairwise")` and `cor(x, use = "pairwise")` compute them.

use super::responses::{Cells, Responses, MISSING};

/// Most rows per block of the integer moment kernel: a product of two doubled answers is
/// at most 508², so a block's sum of 4096 of them fits an `i32`.
const COV_BLOCK: usize = 4096;
/// Bytes of answers per block: the block of every item stays in the L2 cache while the
/// k(k + 1)/2 dot products read it (fewer rows per block for long instruments).
const COV_BLOCK_BYTES: usize = 1 << 20;

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
    // Only needed (and only allocated) when answers are missing and not imputed.
    let corrections = imputed.is_none() && codes.contains(&MISSING);
    let gone_len = if corrections { pairs } else { 0 };
    let mut gone_a = vec![0i64; gone_len];
    let mut gone_x = vec![0i64; gone_len];
    let mut gone_xx = vec![0i64; gone_len];
    let block = (COV_BLOCK_BYTES / (2 * k.max(1))).clamp(256, COV_BLOCK);
    let stride = block;
    let mut x = vec![0i16; k * stride];
    let mut missing_rows: Vec<usize> = Vec::new();
    for r0 in (0..n).step_by(block) {
        let len = block.min(n - r0);
        let col = |j: usize| &codes[j * n + r0..j * n + r0 + len];
        for j in 0..k {
            let xj = &mut x[j * stride..j * stride + len];
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
            let xi = &x[i * stride..i * stride + len];
            for j in i..k {
                let xj = &x[j * stride..j * stride + len];
                sxy[i * k + j] += i64::from(dot(xi, xj));
            }
        }
        if !corrections {
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
                    let xi = i64::from(x[i * stride + r]);
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
    let gone = |v: &[i64], at: usize| if corrections { v[at] } else { 0 };
    for i in 0..k {
        for j in i..k {
            // Σxᵢ and Σxᵢ² over the rows with j answered, and Σxⱼ, Σxⱼ² over those with i.
            let (sxi, sxj) = (
                sx[i] - gone(&gone_x, j * k + i),
                sx[j] - gone(&gone_x, i * k + j),
            );
            let qi = sxy[i * k + i] - gone(&gone_xx, j * k + i);
            let qj = sxy[j * k + j] - gone(&gone_xx, i * k + j);
            let m = present(i) - gone(&gone_a, j * k + i);
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
