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

    /// The product's high bits carry all of the key; hashbrown takes the bucket from the
    /// low bits, which after one multiplication depend only on the key's low bits, so
    /// keys that differ only in their high half (the `from` state of an edge key
    /// `from << 32 | to`) would all share a bucket. Folding the high half down spreads
    /// them.
    #[inline]
    fn finish(&self) -> u64 {
        self.hash ^ (self.hash >> 32)
    }
}

/// A `HashMap` with the [`WordHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// The identity of a name for the table: for names of at most 16 bytes the first and the
/// last eight bytes (overlapping, zero-padded below 8) with the length determine the name
/// exactly, so equal keys mean equal names without a byte comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Key {
    head: u64,
    tail: u64,
    len: usize,
}

/// Eight bytes as a little-endian word.
#[inline]
fn load8(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// Fewer than eight bytes as a zero-padded little-endian word, built from (overlapping)
/// fixed-size loads rather than a variable-length copy, which stalls the next load.
#[inline]
fn load_short(b: &[u8]) -> u64 {
    let len = b.len();
    if len >= 4 {
        let lo = u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let hi = u64::from(u32::from_le_bytes([
            b[len - 4],
            b[len - 3],
            b[len - 2],
            b[len - 1],
        ]));
        lo | (hi << (8 * (len - 4)))
    } else {
        b.iter()
            .enumerate()
            .fold(0u64, |w, (i, &x)| w | (u64::from(x) << (8 * i)))
    }
}

impl Key {
    /// The key of `field[from..to]`, reading whole words of `field` around the name
    /// where they exist, so that names of any length take the same branch-free path
    /// (names on the loaders' hot path vary in length at random).
    #[inline(always)]
    pub(crate) fn within(field: &[u8], from: usize, to: usize) -> Key {
        let len = to - from;
        if len == 0 || from + 8 > field.len() {
            return Key::of(&field[from..to]);
        }
        let word = load8(&field[from..]);
        // Here field.len() ≥ 8, so a word ending at max(to, 8) exists.
        let last = load8(&field[to.max(8) - 8..]);
        let long = len >= 8;
        let head = word & (u64::MAX >> ((64 - 8 * len.min(8)) & 63));
        let tail = if long { last } else { 0 };
        Key { head, tail, len }
    }

    #[inline]
    fn of(bytes: &[u8]) -> Key {
        let len = bytes.len();
        let (head, tail) = if len >= 8 {
            (load8(&bytes[..8]), load8(&bytes[len - 8..]))
        } else {
            (load_short(bytes), 0)
        };
        Key { head, tail, len }
    }

    #[inline(always)]
    fn hash(&self) -> u64 {
        let a = self.head.wrapping_mul(SEED);
        let b = self
            .tail
            .rotate_left(29)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (a ^ b ^ (self.len as u64).wrapping_mul(0xff51_afd7_ed55_8ccd)).rotate_left(23)
    }

    /// Whether the key alone decides equality.
    #[inline]
    pub(crate) fn is_exact(&self) -> bool {
        self.len <= 16
    }
}

/// One entry of the table: a name's key beside its id, so that a probe reads one place.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Slot {
    key: Key,
    /// id + 1 (0 = empty).
    id: u32,
}

/// Maps names to dense ids in order of first appearance.
///
/// An open-addressing table of ids (linear probing) with each name's [`Key`] kept beside
/// it, so a lookup reads the bytes once and, for names up to 16 bytes, never compares
/// text. This is the innermost loop of the path loader, which sees millions of
/// touchpoint names.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Interner {
    /// The table; the length is a power of two or zero.
    slots: Vec<Slot>,
    keys: Vec<Key>,
    names: Vec<String>,
}

impl Interner {
    /// The id of `name`, adding it if new. `None` once `u32::MAX - 1` names exist.
    #[inline]
    pub(crate) fn intern(&mut self, name: &str) -> Option<u32> {
        let key = Key::of(name.as_bytes());
        if let Some(id) = self.find(name.as_bytes(), key) {
            return Some(id);
        }
        self.insert(name, key)
    }

    /// [`Interner::intern`] for bytes; `Err` when new bytes are not valid UTF-8.
    #[inline]
    pub(crate) fn intern_bytes(&mut self, name: &[u8]) -> Result<Option<u32>, std::str::Utf8Error> {
        let key = Key::of(name);
        if let Some(id) = self.find(name, key) {
            return Ok(Some(id));
        }
        Ok(self.insert(std::str::from_utf8(name)?, key))
    }

    /// Adds `name`, which the caller has just failed to find. `None` once
    /// `u32::MAX - 1` names exist.
    #[inline]
    pub(crate) fn intern_new(&mut self, name: &str) -> Option<u32> {
        debug_assert!(self.get(name).is_none());
        self.insert(name, Key::of(name.as_bytes()))
    }

    fn insert(&mut self, name: &str, key: Key) -> Option<u32> {
        let id = next_id(self.names.len())?;
        if (self.names.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.names.push(name.to_owned());
        self.keys.push(key);
        self.place(id, key);
        Some(id)
    }

    /// An interner of `names`, which are distinct, with ids in their order.
    fn of_distinct(names: Vec<String>) -> Interner {
        let capacity = (names.len() * 2).next_power_of_two().max(64);
        let mut interner = Interner {
            slots: vec![Slot::default(); capacity],
            keys: names.iter().map(|n| Key::of(n.as_bytes())).collect(),
            names,
        };
        for id in 0..interner.names.len() {
            let key = interner.keys[id];
            interner.place(id as u32, key);
        }
        interner
    }

    /// The id of the name `field[from..to]` if known, found without copying it (the
    /// hot loop of the path loader).
    #[inline(always)]
    pub(crate) fn find_within(&self, field: &[u8], from: usize, to: usize) -> Option<u32> {
        self.find(&field[from..to], Key::within(field, from, to))
    }

    /// The id of `name`, if known.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.find(name.as_bytes(), Key::of(name.as_bytes()))
    }

    #[inline(always)]
    fn find(&self, name: &[u8], key: Key) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() as usize) & mask;
        loop {
            let slot = &self.slots[i];
            if slot.id == 0 {
                return None;
            }
            if slot.key == key {
                let id = (slot.id - 1) as usize;
                if key.is_exact() || self.names[id].as_bytes() == name {
                    return Some(id as u32);
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn place(&mut self, id: u32, key: Key) {
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() as usize) & mask;
        while self.slots[i].id != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key, id: id + 1 };
    }

    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(64);
        self.slots = vec![Slot::default(); capacity];
        for id in 0..self.names.len() {
            let key = self.keys[id];
            self.place(id as u32, key);
        }
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

/// The id a table holding `len` names gives the next one; `None` once `u32::MAX - 1`
/// names exist.
#[inline]
fn next_id(len: usize) -> Option<u32> {
    u32::try_from(len).ok().filter(|&id| id < u32::MAX - 1)
}

/// An [`Interner`] for names that mostly arrive in ascending order, as the customer ids
/// of a log sorted by customer do.
///
/// While every new name is greater (as bytes) than the one before, a name that differs
/// from the last one is new, so no table is kept and nothing is looked up: the names
/// are only collected, and their ids are also their ranks. The first name out of order
/// builds the table, after which this is an [`Interner`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AscendingInterner {
    /// `None` while the names arrive in ascending order (they are then in `names`).
    table: Option<Interner>,
    names: Vec<String>,
}

impl AscendingInterner {
    /// Whether every name so far came in ascending order, so that ids are ranks.
    #[inline]
    pub(crate) fn is_ascending(&self) -> bool {
        self.table.is_none()
    }

    /// The table, once the names have left ascending order.
    #[inline]
    pub(crate) fn table(&self) -> Option<&Interner> {
        self.table.as_ref()
    }

    /// The id of `name`, adding it if new. `None` once `u32::MAX - 1` names exist.
    #[inline]
    pub(crate) fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(table) = &mut self.table {
            return table.intern(name);
        }
        match self.names.last() {
            Some(last) if name == last.as_str() => Some(self.names.len() as u32 - 1),
            Some(last) if name < last.as_str() => {
                let mut table = Interner::of_distinct(std::mem::take(&mut self.names));
                let id = table.intern(name);
                self.table = Some(table);
                id
            }
            _ => {
                let id = next_id(self.names.len())?;
                self.names.push(name.to_owned());
                Some(id)
            }
        }
    }

    /// Adds `name`, which the caller has just failed to find in [`AscendingInterner::table`]
    /// (or any name while there is none). `None` once `u32::MAX - 1` names exist.
    #[inline]
    pub(crate) fn intern_unknown(&mut self, name: &str) -> Option<u32> {
        match &mut self.table {
            Some(table) => table.intern_new(name),
            None => self.intern(name),
        }
    }

    /// The names by id.
    #[cfg(test)]
    pub(crate) fn names(&self) -> &[String] {
        match &self.table {
            Some(table) => table.names(),
            None => &self.names,
        }
    }

    /// Consumes the interner, returning the names by id.
    pub(crate) fn into_names(self) -> Vec<String> {
        match self.table {
            Some(table) => table.into_names(),
            None => self.names,
        }
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
        // Long names sharing their first and last eight bytes stay apart.
        let a = "abcdefgh-one-ijklmnop";
        let b = "abcdefgh-two-ijklmnop";
        assert_eq!(i.intern(a), Some(2));
        assert_eq!(i.intern(b), Some(3));
        assert_eq!(i.get(a), Some(2));
        assert_eq!(i.intern_bytes(b"call center"), Ok(Some(1)));
        assert!(i.intern_bytes(&[0xff, 0xfe]).is_err());
        for k in 0..1000 {
            assert_eq!(i.intern(&format!("name {k}")), Some(4 + k));
        }
        // Names found inside a longer field read the same keys.
        let field = b" ad > call center >x> name 7 > abcdefgh-one-ijklmnop";
        for (from, to, want) in [
            (1, 3, Some(0)),
            (6, 17, Some(1)),
            (19, 20, None),
            (22, 28, Some(11)),
            (31, field.len(), Some(2)),
            (0, 0, None),
        ] {
            assert_eq!(i.find_within(field, from, to), want, "{from}..{to}");
            assert_eq!(Key::within(field, from, to), Key::of(&field[from..to]));
        }
        for from in 0..field.len() {
            for to in from..field.len().min(from + 9) {
                assert_eq!(Key::within(field, from, to), Key::of(&field[from..to]));
            }
        }
        assert_eq!(i.get("name 999"), Some(1003));
        for len in 0..8 {
            let text: String = "abcdefg".chars().take(len).collect();
            let padded = text
                .bytes()
                .chain(std::iter::repeat(0))
                .take(8)
                .collect::<Vec<_>>();
            assert_eq!(load_short(text.as_bytes()), load8(&padded));
        }
    }

    #[test]
    fn ascending_names_give_the_ids_of_a_table() {
        for names in [
            &["a", "b", "b", "c", "d"][..],
            &["a", "c", "b", "a", "d", "c"],
            &["b", "a"],
            &["x", "x", "y", "a-very-long-customer-name-1", "z", "x"],
        ] {
            let (mut plain, mut ascending) = (Interner::default(), AscendingInterner::default());
            for (k, name) in names.iter().enumerate() {
                let want = plain.intern(name);
                assert_eq!(ascending.intern(name), want, "{names:?}");
                // Every later look-up also agrees.
                for earlier in &names[..=k] {
                    let known = plain.get(earlier);
                    let found = match ascending.table() {
                        Some(t) => t.get(earlier),
                        None => ascending
                            .names()
                            .iter()
                            .position(|n| n == earlier)
                            .map(|i| i as u32),
                    };
                    assert_eq!(found, known);
                }
            }
            let sorted = names.windows(2).all(|w| w[0] <= w[1]);
            assert_eq!(ascending.is_ascending(), sorted, "{names:?}");
            assert_eq!(ascending.names(), plain.names());
            assert_eq!(ascending.into_names(), plain.into_names());
        }
        let mut ascending = AscendingInterner::default();
        assert_eq!(ascending.intern_unknown("b"), Some(0));
        assert_eq!(ascending.intern_unknown("a"), Some(1));
        assert_eq!(ascending.table().and_then(|t| t.get("b")), Some(0));
        assert_eq!(ascending.intern_unknown("c"), Some(2));
    }
}
