//! Strict reading of the JSON files cocreate's users write by hand: instrument key files,
//! maturity models and maturity answers.
//!
//! serde_json on its own accepts a key that appears twice in an object (the last copy wins
//! without a word) and, unless a struct says otherwise, ignores a field it does not know,
//! so a key file with `"reversed"` for `"reverse"` loads and reverse-keys nothing.
//! [`from_str`] reads a document in two passes:
//!
//! 1. every object of the document is checked for a key that appears twice (in structs and
//!    in maps alike), and the document must be one JSON value with nothing after it;
//! 2. the document is deserialised into the target type, whose structs are expected to say
//!    `#[serde(deny_unknown_fields)]`.
//!
//! Every error names the place in the document in the words of the format ("scale `O`",
//! "respondent `owner`", "competency 2"), the line and column serde_json reports, and for an
//! unknown field or variant the nearest known name when one is close enough to be a
//! misspelling ("did you mean `reverse`?"). A UTF-8 byte-order mark at the start is skipped,
//! as the CSV readers skip it.
//!
//! ```
//! use cocreate_input::{from_str, Nouns};
//!
//! #[derive(serde::Deserialize, Debug)]
//! #[serde(deny_unknown_fields)]
//! struct Scale { name: String, #[serde(default)] reverse: Vec<bool> }
//! #[derive(serde::Deserialize, Debug)]
//! #[serde(deny_unknown_fields)]
//! struct Keys { scales: Vec<Scale> }
//!
//! const NOUNS: Nouns = &[("scales", "scale")];
//! let text = "{\"scales\": [{\"name\": \"O\", \"reversed\": [true]}]}";
//! let err = from_str::<Keys>(text, NOUNS).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "unknown field `reversed` in scale `O`; did you mean `reverse`? (line 1, column 36)"
//! );
//! let err = from_str::<Keys>("{\"scales\": [], \"scales\": []}", NOUNS).unwrap_err();
//! assert!(err.to_string().starts_with("the key `scales` appears twice at the top level"));
//! assert!(from_str::<Keys>("\u{feff}{\"scales\": []}", NOUNS).is_ok());
//! ```
//!
//! # Untrusted input
//!
//! The reader is linear in the size of the document. Nesting deeper than serde_json's
//! limit of 128 levels is an error, not a stack overflow; numbers out of the range of `f64`
//! are errors. Limits on the length of lists belong to the formats and are checked by the
//! crates that own them.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// How a format names the entries of its lists: `("scales", "scale")` makes the third
/// entry of `"scales"` read as "scale `O`" (by its `name` or `id`) or "scale 3".
pub type Nouns<'a> = &'a [(&'a str, &'a str)];

/// A JSON document that could not be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {line}, column {column})")]
#[non_exhaustive]
pub struct JsonError {
    /// 1-based line of the problem (0 when the document could not be located).
    pub line: usize,
    /// 1-based column of the problem, as serde_json counts it.
    pub column: usize,
    /// The place in the document in the format's words ("scale `O`"), or
    /// "the top level"; empty when the text is not JSON at all.
    pub place: String,
    /// The whole sentence without the position, for example "unknown field `reversed` in
    /// scale `O`; did you mean `reverse`?".
    pub message: String,
}

/// Skips a UTF-8 byte-order mark at the start of `text`.
///
/// ```
/// assert_eq!(cocreate_input::strip_bom("\u{feff}{}"), "{}");
/// assert_eq!(cocreate_input::strip_bom("{}"), "{}");
/// ```
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads a `T` from JSON text strictly (see the crate documentation).
///
/// # Errors
///
/// A [`JsonError`] for text that is not one JSON value, a key that appears twice in an
/// object, an unknown field or variant, a wrong type, or any error `T`'s own validation
/// raises while deserialising.
pub fn from_str<T: DeserializeOwned>(text: &str, nouns: Nouns<'_>) -> Result<T, JsonError> {
    let text = strip_bom(text);
    check_duplicates(text).map_err(|e| locate(text, &e, nouns))?;
    serde_json::from_str(text).map_err(|e| locate(text, &e, nouns))
}

/// The first pass: the document is one JSON value and no object holds a key twice.
fn check_duplicates(text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    DupCheck.deserialize(&mut de)?;
    de.end()
}

/// Walks any JSON value, refusing an object with a key twice.
#[derive(Clone, Copy)]
struct DupCheck;

impl<'de> DeserializeSeed<'de> for DupCheck {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A map key kept as text (borrowed where the JSON has no escapes).
struct Key(String);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for DupCheck {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("{DUPLICATE}{key}`")));
            }
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

/// The start of the first pass's message for a repeated key (rewritten by [`locate`]).
const DUPLICATE: &str = "duplicate key `";

/// Turns a serde_json error into a [`JsonError`] that names the place.
fn locate(text: &str, error: &serde_json::Error, nouns: Nouns<'_>) -> JsonError {
    let (line, column) = (error.line(), error.column());
    let raw = error.to_string();
    let bare = match raw.rfind(" at line ") {
        Some(cut) => raw[..cut].to_string(),
        None => raw.clone(),
    };
    // A message never echoes a long stretch of the document (a key or a text of a
    // megabyte): it keeps the start of serde's message and of any name it quotes.
    let full = bare;
    let bare = clip(&full, MAX_MESSAGE);
    let syntax = matches!(
        error.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    );
    if syntax || line == 0 {
        return JsonError {
            line,
            column,
            place: String::new(),
            message: format!("{bare} (the text is not well-formed JSON)"),
        };
    }
    let mut path = path_at(text, offset_of(text, line, column));
    // A position inside a list the format has no noun for (a list of item names, a
    // value that should not be a list) is reported against the field holding the list.
    while let [.., Segment::Key(list), Segment::Index(_)] = path.as_slice() {
        if nouns.iter().any(|(key, _)| key == list) {
            break;
        }
        path.pop();
    }
    let value: Option<serde_json::Value> = serde_json::from_str(text).ok();
    // An error about a key names the object holding it; any other names the field too.
    let about_key = full.starts_with(DUPLICATE)
        || full.starts_with("unknown field `")
        || full.starts_with("duplicate field `");
    let mut field = None;
    if about_key {
        if let Some(Segment::Key(_)) = path.last() {
            path.pop();
        }
    } else if let Some(Segment::Key(k)) = path.last() {
        field = Some(k.clone());
    }
    let place = describe(&path, value.as_ref(), nouns, field.is_some());
    let message = if let Some(key) = full
        .strip_prefix(DUPLICATE)
        .and_then(|r| r.strip_suffix('`'))
    {
        format!(
            "the key `{}` appears twice {place}; keep one",
            clip(key, MAX_NAME)
        )
    } else if let Some(rest) = full
        .strip_prefix("unknown field `")
        .map(|r| ("field", r))
        .or_else(|| full.strip_prefix("unknown variant `").map(|r| ("value", r)))
    {
        let (what, rest) = rest;
        unknown(what, rest, &place)
    } else {
        match &field {
            Some(f) => format!("{bare} (in `{}` {place})", clip(f, MAX_NAME)),
            None => format!("{bare} ({place})"),
        }
    };
    JsonError {
        line,
        column,
        place,
        message,
    }
}

/// Longest serde message kept, in characters.
const MAX_MESSAGE: usize = 400;

/// Longest key or name quoted in a message, in characters.
pub const MAX_NAME: usize = 80;

/// The first `max` characters of `text`, with "…" when cut, and control characters
/// escaped (`\n`, `\u{1b}`), so that a quoted name never breaks the one-line message.
///
/// Every crate quotes user text in its error messages through this function, with
/// [`MAX_NAME`] as `max`.
///
/// ```
/// use cocreate_input::{clip, MAX_NAME};
/// assert_eq!(clip("a\nb", MAX_NAME), "a\\nb");
/// assert_eq!(clip("abcdef", 3), "abc…");
/// ```
pub fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// "unknown field `x` in scale `O`; did you mean `y`?" from serde's "unknown field `x`,
/// expected one of `a`, `b`".
fn unknown(what: &str, rest: &str, place: &str) -> String {
    // The name itself may hold backticks: it ends where serde's own text begins.
    let end = ["`, expected", "`, there are no"]
        .iter()
        .filter_map(|tail| rest.rfind(tail))
        .min()
        .or_else(|| rest.rfind('`'));
    let Some(end) = end else {
        return format!("unknown {what} `{} {place}", clip(rest, MAX_NAME));
    };
    let name = &rest[..end];
    let known: Vec<&str> = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = format!("unknown {what} `{}` {place}", clip(name, MAX_NAME));
    match nearest(name, &known) {
        Some(best) => out.push_str(&format!("; did you mean `{best}`?")),
        None if known.is_empty() => out.push_str(&format!("; no {what}s are allowed here")),
        None => {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!("; the known {what}s are {}", list.join(", ")));
        }
    }
    out
}

/// The byte offset of serde_json's (line, column), clamped to a character boundary.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let mut at = (start + column).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One step into a JSON document.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// A key of an object.
    Key(String),
    /// A 0-based position in an array.
    Index(usize),
}

/// The path to the innermost value open at byte `offset`: the keys and positions of the
/// objects and arrays the scan is inside, with the key last read in each object.
fn path_at(text: &str, offset: usize) -> Vec<Segment> {
    enum Frame {
        Object { key: Option<String>, value: bool },
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < offset.min(bytes.len()) {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                value: false,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { value, .. }) = stack.last_mut() {
                    *value = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object { key, value }) => {
                    *key = None;
                    *value = false;
                }
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = i.min(bytes.len());
                if let Some(Frame::Object { key, value: false }) = stack.last_mut() {
                    let raw = &text[start..end];
                    *key = Some(
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = Vec::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(k), .. } => path.push(Segment::Key(k)),
            Frame::Object { key: None, .. } => {}
            Frame::Array(n) => path.push(Segment::Index(n)),
        }
    }
    path
}

/// "in scale `O`", "in respondent `owner`, under `answers`", "at the top level".
fn describe(
    path: &[Segment],
    root: Option<&serde_json::Value>,
    nouns: Nouns<'_>,
    has_field: bool,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut node = root;
    let end = if has_field {
        path.len() - 1
    } else {
        path.len()
    };
    for (n, seg) in path[..end].iter().enumerate() {
        match seg {
            Segment::Key(k) => {
                node = node.and_then(|v| v.get(k));
                let next_is_index = matches!(path.get(n + 1), Some(Segment::Index(_)));
                if !next_is_index {
                    keys.push(k);
                }
            }
            Segment::Index(i) => {
                node = node.and_then(|v| v.get(i));
                let list = match n.checked_sub(1).and_then(|p| path.get(p)) {
                    Some(Segment::Key(k)) => k.as_str(),
                    _ => "",
                };
                let noun = nouns
                    .iter()
                    .find(|(key, _)| *key == list)
                    .map(|(_, noun)| (*noun).to_string())
                    .unwrap_or_else(|| {
                        if list.is_empty() {
                            "entry".to_string()
                        } else {
                            format!("entry of `{}`", clip(list, MAX_NAME))
                        }
                    });
                let name = node.and_then(|v| {
                    ["id", "name", "item", "scale"]
                        .iter()
                        .find_map(|f| v.get(*f).and_then(serde_json::Value::as_str))
                });
                if !keys.is_empty() {
                    parts.push(format!("`{}`", clip(&keys.join("."), MAX_NAME)));
                    keys.clear();
                }
                parts.push(match name {
                    Some(name) => format!("{noun} `{}`", clip(name, MAX_NAME)),
                    None => format!("{noun} {}", i + 1),
                });
            }
        }
    }
    let mut out = if parts.is_empty() {
        String::new()
    } else {
        format!("in {}", parts.join(", "))
    };
    if !keys.is_empty() {
        let under = format!("under `{}`", clip(&keys.join("."), MAX_NAME));
        out = if out.is_empty() {
            under
        } else {
            format!("{out}, {under}")
        };
    }
    if out.is_empty() {
        "at the top level".to_string()
    } else {
        out
    }
}

/// The known name nearest to `name`, when it is close enough to be a misspelling: at most
/// a third of the known name's length in edits (transpositions count once), and at least
/// one edit allowed. A difference of case alone always matches.
///
/// ```
/// use cocreate_input::nearest;
/// assert_eq!(nearest("reversed", &["name", "items", "reverse"]), Some("reverse"));
/// assert_eq!(nearest("wieght", &["weight", "id"]), Some("weight"));
/// assert_eq!(nearest("colour", &["name", "items", "reverse"]), None);
/// ```
pub fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbouring characters each cost one.
///
/// ```
/// assert_eq!(cocreate_input::edit_distance("reversed", "reverse"), 1);
/// assert_eq!(cocreate_input::edit_distance("wieght", "weight"), 1);
/// assert_eq!(cocreate_input::edit_distance("", "abc"), 3);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Field names are short; a name longer than this is no misspelling of one.
    if a.len() > 256 || b.len() > 256 {
        return a.len().max(b.len());
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

/// A list longer than `limit` is refused before the work it would drive.
///
/// ```
/// assert!(cocreate_input::check_len("items", 3, 10).is_ok());
/// let err = cocreate_input::check_len("items", 11, 10).unwrap_err();
/// assert_eq!(err, "11 items, more than the limit of 10");
/// ```
pub fn check_len(what: &str, len: usize, limit: usize) -> Result<(), String> {
    if len > limit {
        Err(format!("{len} {what}, more than the limit of {limit}"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        #[serde(default)]
        weight: f64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
        #[serde(default)]
        map: std::collections::BTreeMap<String, u8>,
    }

    const NOUNS: Nouns = &[("items", "item")];

    #[test]
    fn duplicate_keys_in_maps_and_structs() {
        let err = from_str::<Doc>(
            "{\"items\": [{\"id\": \"a\"}, {\"id\": \"b\", \"id\": \"c\"}]}",
            NOUNS,
        )
        .unwrap_err();
        assert!(
            err.message
                .starts_with("the key `id` appears twice in item `c`")
                || err
                    .message
                    .starts_with("the key `id` appears twice in item 2"),
            "{err}"
        );
        let err =
            from_str::<Doc>("{\"items\": [], \"map\": {\"x\": 1, \"x\": 2}}", NOUNS).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the key `x` appears twice under `map`; keep one (line 1, column 33)"
        );
    }

    #[test]
    fn unknown_field_without_near_name_lists_the_fields() {
        let err =
            from_str::<Doc>("{\"items\": [{\"id\": \"a\", \"colour\": 1}]}", NOUNS).unwrap_err();
        assert_eq!(
            err.message,
            "unknown field `colour` in item `a`; the known fields are `id`, `weight`"
        );
    }

    #[test]
    fn wrong_type_names_the_field() {
        let err = from_str::<Doc>("{\"items\": [{\"id\": \"a\", \"weight\": \"x\"}]}", NOUNS)
            .unwrap_err();
        assert!(err.message.contains("(in `weight` in item `a`)"), "{err}");
    }

    #[test]
    fn syntax_trailing_and_depth() {
        let err = from_str::<Doc>("{\"items\": []} x", NOUNS).unwrap_err();
        assert!(err.message.contains("trailing characters"), "{err}");
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = from_str::<Doc>(&deep, NOUNS).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err}");
        let err = from_str::<Doc>("", NOUNS).unwrap_err();
        assert!(err.message.contains("EOF"), "{err}");
    }

    #[test]
    fn control_characters_in_names_are_escaped() {
        let e = from_str::<serde_json::Value>(r#"{"a\nb": 1, "a\nb": 2}"#, NOUNS).unwrap_err();
        let message = e.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains("a\\nb"), "{message}");
    }

    #[test]
    fn backticks_in_an_unknown_name_keep_the_message_short() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Keys {
            scales: Vec<u8>,
        }
        let name = format!("a``{}``b", "d".repeat(3000));
        let text = format!(r#"{{"{name}": 1}}"#);
        let e = from_str::<Keys>(&text, NOUNS).unwrap_err().to_string();
        assert!(e.len() < 600, "{} bytes: {e}", e.len());
        assert!(
            e.contains("the known fields are `scales`") || e.contains("did you mean"),
            "{e}"
        );
    }

    #[test]
    fn control_characters_in_list_names_are_escaped() {
        let text = "{\"a\\nb\": [{\"x\": 1, \"x\": 2}]}";
        let e = from_str::<serde_json::Value>(text, NOUNS)
            .unwrap_err()
            .to_string();
        assert!(!e.contains('\n'), "{e}");
        assert!(e.contains("entry of `a\\nb`"), "{e}");
    }

    #[test]
    fn long_names_are_clipped() {
        let long = "k".repeat(100_000);
        let text = format!("{{\"items\": [], \"{long}\": 1, \"{long}\": 2}}");
        let err = from_str::<Doc>(&text, NOUNS).unwrap_err();
        assert!(err.message.len() < 400, "{}", err.message.len());
        let text = format!("{{\"items\": [{{\"id\": \"a\", \"{long}\": 1}}]}}");
        let err = from_str::<Doc>(&text, NOUNS).unwrap_err();
        assert!(err.message.len() < 400, "{}", err.message.len());
        let text = format!("{{\"items\": [{{\"id\": \"a\", \"weight\": \"{long}\"}}]}}");
        let err = from_str::<Doc>(&text, NOUNS).unwrap_err();
        assert!(err.message.len() < 600, "{}", err.message.len());
    }

    #[test]
    fn offsets_are_char_boundaries() {
        assert_eq!(offset_of("é\n{}", 1, 1), 0);
        assert_eq!(offset_of("ab\ncd", 2, 1), 4);
    }
}
