//! Pairwise-complete moments of the items: counts, means, covariances and correlations
//! over the respondents who answered both items of each pair, as R's
//! `cov(x, use = "pairwise")` and `cor(x, use = "pairwise")` compute them.

use super::responses::{transpose8, Cells, Responses, MISSING};

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
    // Per block, in i32 (a block's sums of at most 4096 values of 508² fit), then added
    // to the totals: the rows of the block and the corrections of its missing cells.
    let blk = if corrections { k } else { 0 };
    let (mut xrow, mut arow) = (vec![0i32; blk], vec![0i32; blk]);
    let mut rowcodes = vec![0u8; if corrections { k * block } else { 0 }];
    let (mut gone_blk_a, mut gone_blk_x, mut gone_blk_xx) = (
        vec![0i32; gone_len],
        vec![0i32; gone_len],
        vec![0i32; gone_len],
    );
    let mut is_touched = vec![false; if corrections { k } else { 0 }];
    let mut touched: Vec<usize> = Vec::new();
    let mut gaps: Vec<usize> = Vec::with_capacity(k);
    for r0 in (0..n).step_by(block) {
        let len = block.min(n - r0);
        let col = |j: usize| &codes[j * n + r0..j * n + r0 + len];
        for (j, xj) in x.chunks_exact_mut(stride).enumerate() {
            let (xj, cj, f) = (&mut xj[..len], col(j), fill[j]);
            let (answered, sum) = widen(xj, cj, factor, f);
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
        // Row by row: the block's codes transposed (each row's codes contiguous; the
        // columns' current cache lines stay in L1 from one row to the next), then for a
        // row with a missing cell its answers (0 when missing) and answered flags, added
        // once per missing cell to that item's corrections. Without imputation the
        // answers are the codes themselves (factor 1, fill 0).
        rows_of(codes, n, r0, len, k, &mut rowcodes);
        let (xr, ar) = (&mut xrow[..k], &mut arow[..k]);
        touched.clear();
        for row in rowcodes.chunks_exact(k).take(len) {
            gaps.clear();
            gaps.extend(
                row.iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == MISSING)
                    .map(|(j, _)| j),
            );
            if gaps.is_empty() {
                continue;
            }
            for ((x, a), &b) in xr.iter_mut().zip(ar.iter_mut()).zip(row) {
                let answered = b != MISSING;
                *a = i32::from(answered);
                *x = if answered { i32::from(b) } else { 0 };
            }
            for &j in &gaps {
                let at = j * k..(j + 1) * k;
                if !is_touched[j] {
                    is_touched[j] = true;
                    touched.push(j);
                    gone_blk_a[at.clone()].fill(0);
                    gone_blk_x[at.clone()].fill(0);
                    gone_blk_xx[at.clone()].fill(0);
                }
                add(&mut gone_blk_a[at.clone()], ar, |a| a);
                add(&mut gone_blk_x[at.clone()], xr, |x| x);
                add(&mut gone_blk_xx[at], xr, |x| x * x);
            }
        }
        for &j in &touched {
            is_touched[j] = false;
            let at = j * k..(j + 1) * k;
            for (total, blk) in [
                (&mut gone_a, &gone_blk_a),
                (&mut gone_x, &gone_blk_x),
                (&mut gone_xx, &gone_blk_xx),
            ] {
                for (t, &b) in total[at.clone()].iter_mut().zip(&blk[at.clone()]) {
                    *t += i64::from(b);
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

/// Σ aᵢbᵢ in sixteen `i32` lanes: the shape that compiles to multiply-add
/// instructions (`pmaddwd`, eight products and four sums each).
fn dot(a: &[i16], b: &[i16]) -> i32 {
    let mut acc = [0i32; 16];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..16 {
            acc[l] += i32::from(x[l]) * i32::from(y[l]);
        }
    }
    acc.iter().sum::<i32>() + tail
}

/// Rows `r0..r0 + len` of column-major `codes` (`n` rows per column, `k` columns), row
/// by row into `out`: eight rows by eight columns at a time, each 8 × 8 block of bytes
/// transposed in eight `u64` words.
fn rows_of(codes: &[u8], n: usize, r0: usize, len: usize, k: usize, out: &mut [u8]) {
    let (k8, len8) = (k / 8 * 8, len / 8 * 8);
    for c in (0..k8).step_by(8) {
        for r in (0..len8).step_by(8) {
            let mut block = [0u64; 8];
            for (i, word) in block.iter_mut().enumerate() {
                let at = (c + i) * n + r0 + r;
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(&codes[at..at + 8]);
                *word = u64::from_le_bytes(bytes);
            }
            for (t, word) in transpose8(block).iter().enumerate() {
                let at = (r + t) * k + c;
                out[at..at + 8].copy_from_slice(&word.to_le_bytes());
            }
        }
    }
    for r in 0..len {
        let cols = if r < len8 { k8..k } else { 0..k };
        for c in cols {
            out[r * k + c] = codes[c * n + r0 + r];
        }
    }
}

/// Codes to answers (`factor · code`, or `fill` for a missing code), branch free so that
/// it vectorises; returns how many were answered and the sum of the answers.
#[inline(never)]
fn widen(x: &mut [i16], codes: &[u8], factor: i16, fill: i16) -> (i32, i32) {
    let (mut answered, mut sum) = (0i32, 0i32);
    for (xv, &v) in x.iter_mut().zip(codes) {
        let ans = v != MISSING;
        let value = if ans { i16::from(v) * factor } else { fill };
        *xv = value;
        answered += i32::from(ans);
        sum += i32::from(value);
    }
    (answered, sum)
}

/// `total[i] += f(row[i])` over equal-length runs.
#[inline(always)]
fn add(total: &mut [i32], row: &[i32], f: impl Fn(i32) -> i32) {
    for (t, &v) in total.iter_mut().zip(row) {
        *t += f(v);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{Instrument, Layout, ResponseRange, Scale};

    /// The integer kernel (blocks, multiply-add lanes, corrections for missing cells)
    /// against the plain floating-point one.
    #[test]
    fn rows_of_a_block_are_the_plain_transpose() {
        let (n, k) = (101, 19);
        let codes: Vec<u8> = (0..n * k).map(|i| (i * 37 % 251) as u8).collect();
        let (r0, len) = (5, 90);
        let mut out = vec![0u8; len * k];
        rows_of(&codes, n, r0, len, k, &mut out);
        for r in 0..len {
            for c in 0..k {
                assert_eq!(out[r * k + c], codes[c * n + r0 + r]);
            }
        }
    }

    #[test]
    fn integer_and_float_moments_agree() {
        let k = 23;
        let items: Vec<String> = (0..k).map(|i| format!("i{i}")).collect();
        let inst = Instrument::new(
            "m",
            ResponseRange::new(0.0, 6.0).unwrap(),
            vec![Scale::new("S", items, vec![false; k]).unwrap()],
        )
        .unwrap();
        let n = 9_001;
        let mut s = 99u64;
        let codes: Vec<u8> = (0..n * k)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                if s % 100 < 7 {
                    MISSING
                } else {
                    (s >> 8) as u8 % 7
                }
            })
            .collect();
        let r = Responses::from_codes(&inst, n, codes, Layout::ColumnMajor).unwrap();
        for imputed in [None, Some(vec![3.0; k])] {
            let a = PairwiseMoments::compute(&r, imputed.as_deref());
            let b = float_moments(&r, imputed.as_deref());
            assert_eq!(a.count, b.count);
            for (x, y) in a.cov.iter().zip(&b.cov).chain(a.cor.iter().zip(&b.cor)) {
                assert!((x - y).abs() < 1e-12, "{x} vs {y}");
            }
            for (x, y) in a.mean.iter().zip(&b.mean) {
                assert!((x - y).abs() < 1e-12);
            }
        }
    }
}
