//! Finding bytes eight at a time ("SIMD within a register") for the CSV fast path.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// A word with the high bit set in exactly the bytes of `word` equal to `byte`.
#[inline]
pub(crate) fn matches(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    // A byte of x is zero iff adding 0x7f to its low seven bits leaves the high bit
    // clear and the byte's own high bit is clear; no carries cross bytes.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Eight bytes starting at `i` as a little-endian word (`bytes[i..i + 8]` must exist).
#[inline]
pub(crate) fn word_at(bytes: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[i..i + 8]);
    u64::from_le_bytes(w)
}

/// Calls `f` with the position of every `byte` in `bytes`, in order.
#[inline]
pub(crate) fn for_each_position(bytes: &[u8], byte: u8, mut f: impl FnMut(usize)) {
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut m = matches(word_at(bytes, i), byte);
        while m != 0 {
            f(i + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        i += 8;
    }
    for (k, &b) in bytes[i..].iter().enumerate() {
        if b == byte {
            f(i + k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_matching_bytes() {
        let text = b"ad > web site >> store >x>\x3e\xbe\x7e>";
        let mut found = Vec::new();
        for_each_position(text, b'>', |i| found.push(i));
        let want: Vec<usize> = (0..text.len()).filter(|&i| text[i] == b'>').collect();
        assert_eq!(found, want);
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, 0, 0x80, 0xff, b'>', b ^ 1, 0x7f, b]);
            let m = matches(w, b);
            for k in 0..8 {
                let expect = ((w >> (8 * k)) as u8) == b;
                assert_eq!(m >> (8 * k + 7) & 1 == 1, expect, "byte {b} lane {k}");
            }
        }
    }
}
