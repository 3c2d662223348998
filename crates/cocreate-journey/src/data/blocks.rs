//! Finding bytes sixteen at a time for the CSV fast path, through `wide` (SSE2 on
//! x86-64, NEON on aarch64, plain code elsewhere), with no `unsafe` here.

/// The bytes of the 16-byte `block` equal to `byte`, as bits (bit k for `block[k]`).
#[inline(always)]
pub(crate) fn eq16(block: wide::u8x16, byte: u8) -> u32 {
    // The mask has 16 bits; the sign bit of the `i32` is never set.
    block.cmp_eq(wide::u8x16::splat(byte)).move_mask() as u32
}

/// The 16 bytes starting at `i` (`bytes[i..i + 16]` must exist).
#[inline(always)]
pub(crate) fn block_at(bytes: &[u8], i: usize) -> wide::u8x16 {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[i..i + 16]);
    wide::u8x16::new(b)
}

/// The positions of `byte` in `bytes[from..end]` among its first 64 bytes, as bits
/// (bit k for `bytes[from + k]`), read sixteen bytes at a time.
#[inline(always)]
pub(crate) fn positions64(bytes: &[u8], from: usize, end: usize, byte: u8) -> u64 {
    let n = (end - from).min(64);
    let mut mask = 0u64;
    let mut k = 0;
    while k < n {
        let at = from + k;
        let block = if at + 16 <= bytes.len() {
            block_at(bytes, at)
        } else {
            // The last bytes of the input, padded with a byte other than `byte`.
            let mut b = [!byte; 16];
            b[..bytes.len() - at].copy_from_slice(&bytes[at..]);
            wide::u8x16::new(b)
        };
        mask |= u64::from(eq16(block, byte)) << k;
        k += 16;
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
        let text: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        for byte in 0..=255u8 {
            for at in [0, 1, 7, 15, 100, 240, text.len() - 16] {
                let want = (0..16)
                    .filter(|&k| text[at + k] == byte)
                    .fold(0u32, |m, k| m | 1 << k);
                assert_eq!(eq16(block_at(&text, at), byte), want, "byte {byte} at {at}");
            }
        }
    }
}
