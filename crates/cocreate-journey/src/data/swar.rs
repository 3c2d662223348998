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

#[cfg(test)]
mod tests {
    use super::*;

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
            // The lowest candidate is exact.
            if c != 0 {
                let k = c.trailing_zeros() / 8;
                assert_eq!((w >> (8 * k)) as u8, b);
                assert_eq!(m.trailing_zeros() / 8, k);
            }
        }
    }
}
