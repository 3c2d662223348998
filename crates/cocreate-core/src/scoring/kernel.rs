//! The batch-scoring inner loops.
//!
//! Responses are column-major, so for a block of respondents each item's answers are one
//! contiguous run. A scale is scored block by block: its items' keyed answers are added
//! into per-respondent accumulators while missing answers are counted, and the block's
//! sums and answered counts are stored. The loops have no data-dependent branches, so
//! the compiler vectorises them.
//!
//! Byte codes are summed exactly in the narrowest integer lane that cannot overflow
//! (`u8` for a twelve-item 1–5 scale, sixteen answers per SSE2 instruction; `u16`
//! otherwise), and [`Scores`](super::Scores) keeps the exact sums: a score is the sum
//! divided by the rule's divisor, [`ScoreRule::score`]. Other data are summed in `f64`.

use super::responses::MISSING;

/// Respondents per block: a block's accumulators stay in L1 and each item's run of a
/// block is long enough for the hardware prefetcher.
pub(crate) const BLOCK: usize = 8192;

/// How a scale's sum of keyed answers and number of answered items become its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ScoreRule {
    /// Score only when all `k` items were answered: sum / k.
    Complete {
        /// Items of the scale.
        k: u16,
    },
    /// Score when at least `min` items were answered: sum / answered.
    Prorate {
        /// Fewest answered items that give a score.
        min: u16,
    },
    /// Every missing answer was imputed: sum / divisor, the divisor being the number of
    /// items times the fixed-point unit of the sums (2 for byte-coded medians, so that
    /// halves stay whole).
    Imputed {
        /// k · unit.
        divisor: f64,
    },
}

impl ScoreRule {
    /// The score of a respondent with keyed sum `sum` (in the rule's units) and
    /// `answered` items answered; NaN when the rule gives no score.
    #[inline]
    pub(crate) fn score(self, sum: f64, answered: u16) -> f64 {
        match self {
            ScoreRule::Complete { k } if answered == k => sum / f64::from(k),
            ScoreRule::Prorate { min } if answered >= min && answered > 0 => {
                sum / f64::from(answered)
            }
            ScoreRule::Imputed { divisor } => sum / divisor,
            _ => f64::NAN,
        }
    }
}

/// An unsigned integer accumulator lane for byte codes.
trait Lane: Copy + Default {
    fn from_u8(v: u8) -> Self;
    fn from_u16(v: u16) -> Self;
    fn plus(self, o: Self) -> Self;
    fn widen(self) -> u16;
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            #[inline(always)]
            fn from_u8(v: u8) -> Self {
                v.into()
            }
            #[inline(always)]
            fn from_u16(v: u16) -> Self {
                // Only called with values the lane was chosen to hold.
                v as $t
            }
            #[inline(always)]
            fn plus(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn widen(self) -> u16 {
                self.into()
            }
        }
    )*};
}
lane!(u8, u16);

/// One item of a scale as the byte-code kernel sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeItem {
    /// Column of the item in the responses.
    pub column: usize,
    /// The keyed answer is `(code ^ flip) + offset` in wrapping byte arithmetic: the code
    /// itself (`0`, `0`), or `c − code` for a reverse-keyed item (`0xFF`, `c + 1`), since
    /// `!x = 255 − x`. Keyed answers lie in the response range, so the byte is exact.
    pub flip: u8,
    /// See `flip`.
    pub offset: u8,
    /// What a missing answer adds to the sum, in the sums' units (0 unless imputing).
    pub fill: u16,
    /// Whether a tallying pass counts this item's codes (each item is counted in one
    /// scale only).
    pub count: bool,
}

impl CodeItem {
    /// An item whose reverse keying uses `c = min + max` (an integer from 0 to 508).
    pub(crate) fn new(column: usize, reversed: bool, c: u16, fill: u16) -> Self {
        let (flip, offset) = if reversed {
            (0xFF, (c + 1) as u8)
        } else {
            (0, 0)
        };
        CodeItem {
            column,
            flip,
            offset,
            fill,
            count: false,
        }
    }
}

/// A scale as the byte-code kernel sees it.
#[derive(Debug, Clone)]
pub(crate) struct CodeScale {
    pub items: Vec<CodeItem>,
    /// Sums are kept doubled (imputed medians may be halves).
    pub double: bool,
    /// The largest possible sum fits a byte (and so does the number of items).
    pub narrow: bool,
}

impl CodeScale {
    /// The kernel for a scale whose keyed answers are at most `max_answer`, or `None` when
    /// its largest possible sum would not fit 16 bits.
    pub(crate) fn new(items: Vec<CodeItem>, double: bool, max_answer: u16) -> Option<Self> {
        let unit = if double { 2 } else { 1 };
        let largest = items.len() * usize::from(max_answer) * unit;
        (largest <= usize::from(u16::MAX)).then(|| CodeScale {
            narrow: largest <= usize::from(u8::MAX) && items.len() <= usize::from(u8::MAX),
            items,
            double,
        })
    }

    /// Sums and answered counts of rows `r0..r0 + sums.len()` from column-major `codes`
    /// with `n` rows per column.
    ///
    /// With a tally (scales of at most [`MASK_ITEMS`] items), the same pass, while the
    /// block is in cache, also counts the codes of the items marked `count`, and
    /// `answered` receives each row's missing items as a bit mask (bit `t` for the
    /// scale's item `t`) rather than a count.
    pub(crate) fn block(
        &self,
        codes: &[u8],
        n: usize,
        r0: usize,
        sums: &mut [u16],
        answered: &mut [u16],
        tally: Option<&mut Tally>,
    ) {
        let len = sums.len();
        let cols = |j: usize| &codes[j * n + r0..j * n + r0 + len];
        let items = &self.items;
        match (self.narrow, self.double) {
            (true, false) => block_in::<u8, false>(items, cols, sums, answered, tally),
            (true, true) => block_in::<u8, true>(items, cols, sums, answered, tally),
            (false, false) => block_in::<u16, false>(items, cols, sums, answered, tally),
            (false, true) => block_in::<u16, true>(items, cols, sums, answered, tally),
        }
    }
}

/// Most items a scale may have for its missing answers to be kept as a bit mask per row.
pub(crate) const MASK_ITEMS: usize = 16;

/// Code counts of one block of an imputing batch: what the item medians or means come
/// from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    /// Lowest and highest code counted.
    pub lo: u8,
    /// See `lo`.
    pub hi: u8,
    /// Per item of the scale, `hi − lo + 1` counts of codes `lo..=hi` (zero for items not
    /// marked `count`).
    pub counts: Vec<u64>,
}

impl Tally {
    /// An empty tally of codes `lo..=hi` for a scale of `k` items.
    pub(crate) fn new(lo: u8, hi: u8, k: usize) -> Self {
        Tally {
            lo,
            hi,
            counts: vec![0; k * (usize::from(hi - lo) + 1)],
        }
    }
}

/// [`CodeScale::block`] with accumulator lane `A`, sums doubled when `DOUBLE`.
fn block_in<'a, A: Lane, const DOUBLE: bool>(
    items: &[CodeItem],
    cols: impl Fn(usize) -> &'a [u8],
    sums: &mut [u16],
    answered: &mut [u16],
    mut tally: Option<&mut Tally>,
) {
    let mut sum = [A::default(); BLOCK];
    let mut miss = [A::default(); BLOCK];
    let k = items.len() as u16;
    let zero = A::default();
    let chunks = sums.chunks_mut(BLOCK).zip(answered.chunks_mut(BLOCK));
    for (c, (sums, answered)) in chunks.enumerate() {
        let (start, len) = (c * BLOCK, sums.len());
        let (sum, miss) = (&mut sum[..len], &mut miss[..len]);
        sum.fill(zero);
        miss.fill(zero);
        if tally.is_some() {
            answered.fill(0);
        }
        for (t, it) in items.iter().enumerate() {
            let col = &cols(it.column)[start..start + len];
            add_item::<A, DOUBLE>(sum, miss, col, *it);
            if let Some(tally) = tally.as_deref_mut() {
                add_mask(answered, col, 1 << t);
                if it.count {
                    let w = usize::from(tally.hi - tally.lo) + 1;
                    let counts = &mut tally.counts[t * w..(t + 1) * w];
                    count_codes(col, tally.lo, tally.hi, counts);
                }
            }
        }
        for (o, &s) in sums.iter_mut().zip(sum.iter()) {
            *o = s.widen();
        }
        if tally.is_none() {
            for (a, &m) in answered.iter_mut().zip(miss.iter()) {
                *a = k - m.widen();
            }
        }
    }
}

/// Adds one item's keyed answers (or its fill, for a missing answer) to `sum` and counts
/// its missing answers in `miss`, over equal-length runs. Written as fixed-width lanes of
/// `W` rows with a mask select so that the compiler emits packed byte or word
/// instructions rather than a branch per answer.
#[inline(always)]
fn add_item<A: Lane, const DOUBLE: bool>(sum: &mut [A], miss: &mut [A], col: &[u8], it: CodeItem) {
    const W: usize = 64;
    let (flip, offset, fill) = (it.flip, it.offset, A::from_u16(it.fill));
    let (one, zero) = (A::from_u8(1), A::default());
    let step = |s: &mut A, m: &mut A, v: u8| {
        let missing = v == MISSING;
        let keyed = A::from_u8((v ^ flip).wrapping_add(offset));
        let keyed = if DOUBLE { keyed.plus(keyed) } else { keyed };
        *s = s.plus(if missing { fill } else { keyed });
        *m = m.plus(if missing { one } else { zero });
    };
    let mut sc = sum.chunks_exact_mut(W);
    let mut mc = miss.chunks_exact_mut(W);
    let mut cc = col.chunks_exact(W);
    for ((s, m), c) in (&mut sc).zip(&mut mc).zip(&mut cc) {
        for i in 0..W {
            step(&mut s[i], &mut m[i], c[i]);
        }
    }
    let rest = sc.into_remainder().iter_mut().zip(mc.into_remainder());
    for ((s, m), &v) in rest.zip(cc.remainder()) {
        step(s, m, v);
    }
}

/// Sets `bit` in the mask of every row whose answer in `col` is missing.
#[inline(always)]
fn add_mask(masks: &mut [u16], col: &[u8], bit: u16) {
    const W: usize = 64;
    let mut mc = masks.chunks_exact_mut(W);
    let mut cc = col.chunks_exact(W);
    for (m, c) in (&mut mc).zip(&mut cc) {
        for i in 0..W {
            m[i] |= if c[i] == MISSING { bit } else { 0 };
        }
    }
    for (m, &v) in mc.into_remainder().iter_mut().zip(cc.remainder()) {
        *m |= if v == MISSING { bit } else { 0 };
    }
}

/// One item of a scale as the `f64` kernel sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ValueItem {
    /// Column of the item in the responses.
    pub column: usize,
    /// Reverse keyed?
    pub reversed: bool,
    /// Value added for a missing answer (0 unless imputing).
    pub fill: f64,
}

/// Scores rows `r0..r0 + out.len()` of one scale in `f64`: for answers stored as `f64`
/// (NaN = missing), mean imputation, and anything else the byte kernel cannot hold.
/// `value(column, row)` is an answer or `None` when missing; `c` is `min + max`.
pub(crate) fn value_block(
    items: &[ValueItem],
    value: impl Fn(usize, usize) -> Option<f64>,
    r0: usize,
    c: f64,
    rule: ScoreRule,
    out: &mut [f64],
    answered: &mut [u16],
) {
    let mut cnt = vec![0u16; out.len()];
    out.fill(0.0);
    for it in items {
        for (r, (s, n)) in out.iter_mut().zip(cnt.iter_mut()).enumerate() {
            match value(it.column, r0 + r) {
                Some(v) => {
                    *s += if it.reversed { c - v } else { v };
                    *n += 1;
                }
                None => *s += it.fill,
            }
        }
    }
    for ((s, a), &n) in out.iter_mut().zip(answered.iter_mut()).zip(&cnt) {
        *s = rule.score(*s, n);
        *a = n;
    }
}

/// How often each code `lo..=hi` occurs in `col` (index 0 is `lo`; missing codes are
/// not counted): the frequencies behind item medians and means.
pub(crate) fn code_counts(col: &[u8], lo: u8, hi: u8) -> Vec<u64> {
    let mut counts = vec![0u64; usize::from(hi - lo) + 1];
    count_codes(col, lo, hi, &mut counts);
    counts
}

/// Adds to `counts[i]` how often code `lo + i` occurs in `col`.
fn count_codes(col: &[u8], lo: u8, hi: u8, counts: &mut [u64]) {
    let width = usize::from(hi - lo) + 1;
    if width <= 16 {
        for (code, count) in (lo..=hi).zip(counts.iter_mut()) {
            *count += count_equal(col, code);
        }
    } else {
        // Four interleaved histograms, so that runs of one code do not serialise on a
        // single counter.
        let mut hist = [[0u64; 256]; 4];
        let mut quads = col.chunks_exact(4);
        for q in &mut quads {
            for (h, &x) in hist.iter_mut().zip(q) {
                h[usize::from(x)] += 1;
            }
        }
        for &x in quads.remainder() {
            hist[0][usize::from(x)] += 1;
        }
        for (code, count) in (lo..=hi).zip(counts.iter_mut()) {
            *count += hist.iter().map(|h| h[usize::from(code)]).sum::<u64>();
        }
    }
}

/// How many bytes of `col` equal `code`: packed compare-and-add into byte lanes over
/// fixed 64-byte runs, flushed to `u64` before a lane can pass 255. Kept out of line so
/// that the loop stays this simple shape.
#[inline(never)]
pub(crate) fn count_equal(col: &[u8], code: u8) -> u64 {
    const LANES: usize = 64;
    let mut total = 0u64;
    let chunks = col.chunks_exact(LANES);
    let tail = chunks.remainder();
    let mut acc = [0u8; LANES];
    for (i, chunk) in chunks.enumerate() {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += u8::from(x == code);
        }
        if i % 255 == 254 {
            total += acc.iter().map(|&a| u64::from(a)).sum::<u64>();
            acc = [0; LANES];
        }
    }
    total += acc.iter().map(|&a| u64::from(a)).sum::<u64>();
    total + tail.iter().filter(|&&x| x == code).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed_byte_keying_is_exact_across_the_byte_range() {
        for (lo, hi) in [(1u16, 5u16), (0, 254), (200, 254), (0, 1)] {
            let c = lo + hi;
            for v in lo..=hi {
                let it = CodeItem::new(0, true, c, 0);
                assert_eq!(
                    u16::from((v as u8 ^ it.flip).wrapping_add(it.offset)),
                    c - v
                );
            }
        }
    }

    #[test]
    fn lanes_are_chosen_so_that_sums_cannot_overflow() {
        let items = |k: usize| vec![CodeItem::new(0, false, 6, 0); k];
        assert!(CodeScale::new(items(12), true, 5).unwrap().narrow);
        assert!(!CodeScale::new(items(52), false, 5).unwrap().narrow);
        assert!(CodeScale::new(items(200), true, 254).is_none());
    }

    #[test]
    fn counts_match_a_plain_histogram() {
        let col: Vec<u8> = (0..20_000u32)
            .map(|i| {
                if i % 17 == 0 {
                    MISSING
                } else {
                    (i * 7 % 5 + 1) as u8
                }
            })
            .collect();
        let wide: Vec<u8> = col.iter().map(|&x| x.wrapping_mul(3) % 250).collect();
        for (col, lo, hi) in [(&col, 1u8, 5u8), (&wide, 0, 249)] {
            let counts = code_counts(col, lo, hi);
            for (code, &c) in (lo..=hi).zip(&counts) {
                assert_eq!(c, col.iter().filter(|&&x| x == code).count() as u64);
            }
        }
    }

    #[test]
    fn narrow_and_wide_lanes_agree() {
        let n = BLOCK + 37;
        let codes: Vec<u8> = (0..3 * n)
            .map(|i| {
                if i % 11 == 0 {
                    MISSING
                } else {
                    (i % 5 + 1) as u8
                }
            })
            .collect();
        let items: Vec<CodeItem> = (0..3).map(|j| CodeItem::new(j, j == 1, 6, 6)).collect();
        let mut narrow = CodeScale::new(items, true, 5).unwrap();
        let (mut s1, mut a1) = (vec![0u16; n - 5], vec![0u16; n - 5]);
        narrow.block(&codes, n, 5, &mut s1, &mut a1, None);
        narrow.narrow = false;
        let (mut s2, mut a2) = (vec![0u16; n - 5], vec![0u16; n - 5]);
        narrow.block(&codes, n, 5, &mut s2, &mut a2, None);
        assert_eq!((s1, a1), (s2, a2));
    }
}
