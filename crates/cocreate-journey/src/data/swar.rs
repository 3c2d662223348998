//! Finding bytes eight at a time ("SIMD within a register") for the CSV fast path.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// A word with the high bit set in exactly the bytes of `word` equal to `byte`.
#[inline]
pub(crate) fn matches(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    // A byte of x is zero iff adding 0x7f to its low seven bits leaves the high bit
    // clear and the byte's own high bit is clear; no carries cross bytes.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// A cheaper [`matches`] that may flag more: every byte equal to `byte` has its high bit
/// set, and a byte that is not can only be flagged above (at a later position than) one
/// that is. So the lowest flag, and whether any flag lies below a given position, are
/// exact; other flags must be checked.
#[inline]
pub(crate) fn candidates(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// Eight bytes starting at `i` as a little-endian word (`bytes[i..i + 8]` must exist).
#[inline]
pub(crate) fn word_at(bytes: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The high bits of the eight bytes of `flags` (as [`matches`] gives them) gathered into
/// the low eight bits, byte k to bit k: the shifted flags times the constant put bit
/// 8k at bit 56 + k, with no two partial products meeting.
#[inline(always)]
pub(crate) fn gather(flags: u64) -> u64 {
    ((flags >> 7) & (ONES)).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The positions of `byte` in `bytes[from..end]` among its first 64 bytes, as bits
/// (bit k for `bytes[from + k]`), read eight bytes at a time.
#[inline(always)]
pub(crate) fn positions64(bytes: &[u8], from: usize, end: usize, byte: u8) -> u64 {
    let n = (end - from).min(64);
    let mut mask = 0u64;
    let mut k = 0;
    while k < n {
        let at = from + k;
        let word = if at + 8 <= bytes.len() {
            word_at(bytes, at)
        } else {
            // The last bytes of the input, padded with a byte other than `byte`.
            let mut w = [!byte; 8];
            w[..bytes.len() - at].copy_from_slice(&bytes[at..]);
            u64::from_le_bytes(w)
        };
        mask |= gather(matches(word, byte)) << k;
        k += 8;
    }
    if n < 64 {
        mask &= (1u64 << n) - 1;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_the_matching_bytes() {
        let text: Vec<u8> = (0..200u32)
            .map(|i| {
                if (i * 7) % 11 < 3 {
                    b'>'
                } else {
                    b'a' + (i % 26) as u8
                }
            })
            .collect();
        for byte in [b'>', b'a', 0] {
            for from in 0..text.len() {
                for end in [
                    from,
                    from + 1,
                    from + 9,
                    from + 63,
                    from + 64,
                    from + 65,
                    text.len(),
                ] {
                    let end = end.min(text.len());
                    let want = (0..(end - from).min(64))
                        .filter(|&k| text[from + k] == byte)
                        .fold(0u64, |m, k| m | 1 << k);
                    assert_eq!(positions64(&text, from, end, byte), want, "{from}..{end}");
                }
            }
        }
    }

    #[test]
    fn finds_exactly_the_matching_bytes() {
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, 0, 0x80, 0xff, b'>', b ^ 1, 0x7f, b]);
            let m = matches(w, b);
            let c = candidates(w, b);
            for k in 0..8 {
                let expect = ((w >> (8 * k)) as u8) == b;
                assert_eq!(m >> (8 * k + 7) & 1 == 1, expect, "byte {b} lane {k}");
                if expect {
                    assert_eq!(c >> (8 * k + 7) & 1, 1, "byte {b} lane {k}");
                }
            }
            let g = gather(m);
            for k in 0..8 {
                assert_eq!(g >> k & 1, m >> (8 * k + 7) & 1, "byte {b} lane {k}");
            }
            // The lowest candidate is exact.
            if c != 0 {
                let k = c.trailing_zeros() / 8;
                assert_eq!((w >> (8 * k)) as u8, b);
                assert_eq!(m.trailing_zeros() / 8, k);
            }
        }
    }
}
