//! Interning of names (channels, touchpoints, customers) to dense `u32` ids.
//!
//! Journey data repeats a handful of channel names millions of times; the analytics work
//! on dense ids and only turn them back into names for output. Ids are given in order of
//! first appearance, which is also ChannelAttribution's channel order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast, non-cryptographic hasher for short keys (multiply-rotate over 8-byte
/// words). Keys come from the caller's own data, so hash flooding is not a concern here.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with the [`WordHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Maps names to dense ids in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Interner {
    ids: FastMap<Box<str>, u32>,
    names: Vec<String>,
}

impl Interner {
    /// The id of `name`, adding it if new. `None` once `u32::MAX` names exist.
    #[inline]
    pub(crate) fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(name) {
            return Some(id);
        }
        let id = u32::try_from(self.names.len()).ok()?;
        self.ids.insert(name.into(), id);
        self.names.push(name.to_owned());
        Some(id)
    }

    /// The id of `name`, if known.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The names by id.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// Consumes the interner, returning the names by id.
    pub(crate) fn into_names(self) -> Vec<String> {
        self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_first_appearance() {
        let mut i = Interner::default();
        assert_eq!(i.intern("ad"), Some(0));
        assert_eq!(i.intern("call center"), Some(1));
        assert_eq!(i.intern("ad"), Some(0));
        assert_eq!(i.get("call center"), Some(1));
        assert_eq!(i.get("store"), None);
        assert_eq!(i.names(), ["ad", "call center"]);
    }
}
