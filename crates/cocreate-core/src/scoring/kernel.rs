//! The batch-scoring inner loops.
//!
//! Responses are column-major, so for a block of respondents each item's answers are one
//! contiguous run. For every scale the block's keyed answers are summed item by item into
//! per-respondent accumulators (integers for byte codes, `f64` otherwise) while answered
//! items are counted; a final pass turns sums and counts into scores under the
//! missing-data policy. The loops have no data-dependent branches, so the compiler
//! vectorises them.

use super::responses::MISSING;

/// Respondents per block: accumulators stay in L1/L2 and each item's run is long enough
/// for the hardware prefetcher.
pub(crate) const BLOCK: usize = 8192;

/// How the sums of a scale become a score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Finish {
    /// Score only when all `k` items were answered: sum / k.
    Complete,
    /// Score when at least `min` items were answered: sum / answered.
    Prorate { min: u16 },
    /// Every missing answer was imputed: sum / (k · scale), `scale` undoing the fixed-point
    /// factor of the integer path (2 for medians, so that halves stay integers).
    Imputed { scale: f64 },
}

/// One item of a scale as the kernel sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemPlan {
    /// Column of the item in the responses.
    pub column: usize,
    /// Reverse keyed?
    pub reversed: bool,
    /// Value added for a missing answer (0 unless imputing), in accumulator units.
    pub fill: f64,
}

/// Scores one block of respondents for one scale from byte codes, with `u16`
/// accumulators (valid when `k · 2 · 255 ≤ 65535`, i.e. up to 128 items).
///
/// `cols(j)` gives item column `j` restricted to the block. Keyed values are shifted left
/// by `shift` (1 when imputing medians) and missing answers add `fill` (integer).
#[allow(clippy::too_many_arguments)]
pub(crate) fn codes_block_u16<'a>(
    items: &[ItemPlan],
    cols: impl Fn(usize) -> &'a [u8],
    c: u8,
    shift: u32,
    finish: Finish,
    sum: &mut [u16],
    cnt: &mut [u16],
    out: &mut [f64],
    answered: &mut [u16],
    stride: usize,
) {
    sum.fill(0);
    cnt.fill(0);
    for it in items {
        let col = cols(it.column);
        let fill = it.fill as u16;
        if it.reversed {
            for ((s, n), &v) in sum.iter_mut().zip(cnt.iter_mut()).zip(col) {
                let ans = v != MISSING;
                let keyed = u16::from(c.wrapping_sub(v)) << shift;
                *s = s.wrapping_add(if ans { keyed } else { fill });
                *n += u16::from(ans);
            }
        } else {
            for ((s, n), &v) in sum.iter_mut().zip(cnt.iter_mut()).zip(col) {
                let ans = v != MISSING;
                let keyed = u16::from(v) << shift;
                *s = s.wrapping_add(if ans { keyed } else { fill });
                *n += u16::from(ans);
            }
        }
    }
    finish_block(
        items.len(),
        finish,
        sum.iter().map(|&s| f64::from(s)),
        cnt,
        out,
        answered,
        stride,
    );
}

/// As [`codes_block_u16`] with `u32` accumulators, for scales of more than 128 items.
#[allow(clippy::too_many_arguments)]
pub(crate) fn codes_block_u32<'a>(
    items: &[ItemPlan],
    cols: impl Fn(usize) -> &'a [u8],
    c: u8,
    shift: u32,
    finish: Finish,
    sum: &mut [u32],
    cnt: &mut [u16],
    out: &mut [f64],
    answered: &mut [u16],
    stride: usize,
) {
    sum.fill(0);
    cnt.fill(0);
    for it in items {
        let col = cols(it.column);
        let fill = it.fill as u32;
        for ((s, n), &v) in sum.iter_mut().zip(cnt.iter_mut()).zip(col) {
            let ans = v != MISSING;
            let raw = if it.reversed { c.wrapping_sub(v) } else { v };
            *s += if ans { u32::from(raw) << shift } else { fill };
            *n += u16::from(ans);
        }
    }
    finish_block(
        items.len(),
        finish,
        sum.iter().map(|&s| f64::from(s)),
        cnt,
        out,
        answered,
        stride,
    );
}

/// Scores one block for one scale with `f64` accumulators: for `f64` storage (NaN =
/// missing) and for mean imputation.
#[allow(clippy::too_many_arguments)]
pub(crate) fn values_block<'a>(
    items: &[ItemPlan],
    value: impl Fn(usize, usize) -> Option<f64> + 'a,
    block_len: usize,
    c: f64,
    finish: Finish,
    sum: &mut [f64],
    cnt: &mut [u16],
    out: &mut [f64],
    answered: &mut [u16],
    stride: usize,
) {
    let sum = &mut sum[..block_len];
    let cnt = &mut cnt[..block_len];
    sum.fill(0.0);
    cnt.fill(0);
    for it in items {
        for (r, (s, n)) in sum.iter_mut().zip(cnt.iter_mut()).enumerate() {
            match value(it.column, r) {
                Some(v) => {
                    *s += if it.reversed { c - v } else { v };
                    *n += 1;
                }
                None => *s += it.fill,
            }
        }
    }
    finish_block(
        items.len(),
        finish,
        sum.iter().copied(),
        cnt,
        out,
        answered,
        stride,
    );
}

/// Writes the block's scores (NaN = no score) and answered counts; `out` and `answered`
/// start at this scale's column of the block's first row and advance by `stride`.
fn finish_block(
    k: usize,
    finish: Finish,
    sums: impl Iterator<Item = f64>,
    cnt: &[u16],
    out: &mut [f64],
    answered: &mut [u16],
    stride: usize,
) {
    let kf = k as f64;
    let k16 = k as u16;
    let rows = out.chunks_mut(stride).zip(answered.chunks_mut(stride));
    for ((s, &n), (o, a)) in sums.zip(cnt).zip(rows) {
        o[0] = match finish {
            Finish::Complete if n == k16 => s / kf,
            Finish::Complete => f64::NAN,
            Finish::Prorate { min } if n >= min && n > 0 => s / f64::from(n),
            Finish::Prorate { .. } => f64::NAN,
            Finish::Imputed { scale } => s / (kf * scale),
        };
        a[0] = n;
    }
}
