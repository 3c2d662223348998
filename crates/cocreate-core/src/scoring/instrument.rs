//! Instruments: named scales, their keyed items and the response range.

use std::collections::{BTreeMap, HashMap};

use cocreate_stats::ResponseRange;

use super::error::{ItemOrderProblem, ScoringError};
use super::norms::Norms;

/// One scale of an instrument: its items in order, each with a reverse-keying flag.
///
/// The scale score is the mean of its keyed items (see [`crate::scoring::Scorer`]).
///
/// ```
/// use cocreate_core::scoring::Scale;
///
/// // psych's key notation: a leading '-' marks a reverse-keyed item.
/// let o = Scale::from_keys("O", &["O1", "-O2", "O3"])?.with_label("openness");
/// assert_eq!(o.items(), ["O1", "O2", "O3"]);
/// assert_eq!(o.reverse(), [false, true, false]);
/// assert_eq!(o.label(), Some("openness"));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "json::ScaleRepr")
)]
pub struct Scale {
    name: String,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    label: Option<String>,
    items: Vec<String>,
    reverse: Vec<bool>,
}

impl Scale {
    /// A scale from item names and their reverse flags (same length).
    ///
    /// Errors when the name is empty, there are no items, the lengths differ, or an item
    /// appears twice.
    ///
    /// ```
    /// use cocreate_core::scoring::Scale;
    ///
    /// let err = Scale::new("E", vec!["E1".into(), "E1".into()], vec![false, true]).unwrap_err();
    /// assert!(err.to_string().contains("\"E1\" appears twice"));
    /// ```
    pub fn new(
        name: impl Into<String>,
        items: Vec<String>,
        reverse: Vec<bool>,
    ) -> Result<Self, ScoringError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(ScoringError::EmptyScaleName);
        }
        let scale = || crate::data::excerpt(&name);
        if items.is_empty() {
            return Err(ScoringError::EmptyScale { scale: scale() });
        }
        super::limits::check(
            || {
                format!(
                    "scale {:?}: the number of items",
                    crate::data::excerpt(&name)
                )
            },
            items.len(),
            super::limits::MAX_ITEMS_PER_SCALE,
        )?;
        if items.len() != reverse.len() {
            return Err(ScoringError::ReverseFlags {
                scale: scale(),
                items: items.len(),
                flags: reverse.len(),
            });
        }
        let mut seen = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if item.trim().is_empty() {
                return Err(ScoringError::EmptyItemName {
                    scale: scale(),
                    position: i + 1,
                });
            }
            if seen.insert(item.as_str(), i).is_some() {
                return Err(ScoringError::DuplicateItem {
                    scale: scale(),
                    item: crate::data::excerpt(item),
                });
            }
        }
        Ok(Scale {
            name,
            label: None,
            items,
            reverse,
        })
    }

    /// A scale from psych-style keys: `"-X"` is item `X` reverse keyed, `"X"` is `X`.
    pub fn from_keys<S: AsRef<str>>(
        name: impl Into<String>,
        keys: &[S],
    ) -> Result<Self, ScoringError> {
        let (items, reverse) = keys
            .iter()
            .map(|k| {
                let k = k.as_ref().trim();
                match k.strip_prefix('-') {
                    Some(item) => (item.trim().to_string(), true),
                    None => (k.to_string(), false),
                }
            })
            .unzip();
        Scale::new(name, items, reverse)
    }

    /// The same scale with a descriptive label (for example `"openness"` for `"O"`).
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The scale's name (also the column name of its scores).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The descriptive label, if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The item names, in order.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// The reverse-keying flags, one per item.
    pub fn reverse(&self) -> &[bool] {
        &self.reverse
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Always false: a scale has at least one item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// psych-style keys (`"-X"` for reverse-keyed items).
    ///
    /// ```
    /// # use cocreate_core::scoring::Scale;
    /// let s = Scale::from_keys("A", &["-A1", "A2"])?;
    /// assert_eq!(s.keys(), ["-A1", "A2"]);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn keys(&self) -> Vec<String> {
        self.items
            .iter()
            .zip(&self.reverse)
            .map(|(i, &r)| if r { format!("-{i}") } else { i.clone() })
            .collect()
    }
}

/// A questionnaire: named scales over a shared response range, with optional norms,
/// item text (only for public-domain instruments) and a source.
///
/// The instrument's *items* are the union of its scales' items in order of first
/// appearance; responses are stored in that order. Scales may share items (a BFI-2
/// domain and its facets).
///
/// ```
/// use cocreate_core::scoring::{Instrument, ResponseRange, Scale};
///
/// let survey = Instrument::new(
///     "mini survey",
///     ResponseRange::new(1.0, 5.0)?,
///     vec![
///         Scale::from_keys("O", &["O1", "-O2"])?,
///         Scale::from_keys("C", &["C1", "-C2"])?,
///     ],
/// )?;
/// assert_eq!(survey.items(), ["O1", "O2", "C1", "C2"]);
/// assert_eq!(survey.scale("C").map(|s| s.len()), Some(2));
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    name: String,
    source: Option<String>,
    range: ResponseRange,
    scales: Vec<Scale>,
    items: Vec<String>,
    item_text: BTreeMap<String, String>,
    norms: Option<Norms>,
    notes: KeyFileNotes,
}

/// Largest key file [`Instrument::from_json_path`] reads, in bytes (16 MiB).
pub const MAX_KEY_FILE_BYTES: u64 = 16 << 20;

/// Descriptive fields a key file may carry for its readers, kept as written and written
/// back by [`Instrument::to_json_string`]. They document the keys; scoring does not use
/// them.
///
/// ```
/// use cocreate_core::scoring::Instrument;
///
/// let keys = Instrument::from_json_str(r#"{"dataset": "survey.csv", "scale_min": 1, "scale_max": 5,
///   "reverse_formula": "6 - x", "other_columns": {"id": "respondent id"},
///   "scales": [{"name": "O", "items": ["O1"]}]}"#)?;
/// assert_eq!(keys.notes().dataset.as_deref(), Some("survey.csv"));
/// assert_eq!(keys.notes().other_columns["id"], "respondent id");
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default, deny_unknown_fields)
)]
#[non_exhaustive]
pub struct KeyFileNotes {
    /// The data file the keys were written for (also the instrument's name when the key
    /// file gives no `name`).
    pub dataset: Option<String>,
    /// How reverse-keyed items are scored, in words.
    pub reverse_formula: Option<String>,
    /// How a scale's score is formed, in words.
    pub composite: Option<String>,
    /// Columns of the data that are not items, with what they hold.
    pub other_columns: BTreeMap<String, String>,
}

impl Instrument {
    /// An instrument from its scales.
    ///
    /// Errors when there are no scales, two scales share a name, or a scale is invalid.
    pub fn new(
        name: impl Into<String>,
        range: ResponseRange,
        scales: Vec<Scale>,
    ) -> Result<Self, ScoringError> {
        let name = name.into();
        let excerpt = crate::data::excerpt(&name);
        if scales.is_empty() {
            return Err(ScoringError::NoScales {
                instrument: excerpt,
            });
        }
        super::limits::check(
            || format!("instrument {excerpt:?}: the number of scales"),
            scales.len(),
            super::limits::MAX_SCALES,
        )?;
        super::limits::check(
            || format!("instrument {excerpt:?}: the number of keyed items over all scales"),
            scales.iter().map(|s| s.items.len()).sum(),
            super::limits::MAX_KEYED_ITEMS,
        )?;
        let mut names = HashMap::new();
        let mut items: Vec<String> = Vec::new();
        let mut seen = HashMap::new();
        for scale in &scales {
            if names.insert(scale.name.as_str(), ()).is_some() {
                return Err(ScoringError::DuplicateScale {
                    instrument: excerpt,
                    scale: crate::data::excerpt(&scale.name),
                });
            }
            for item in &scale.items {
                if seen.insert(item.clone(), ()).is_none() {
                    items.push(item.clone());
                }
            }
        }
        super::limits::check(
            || format!("instrument {excerpt:?}: the number of distinct items"),
            items.len(),
            super::limits::MAX_ITEMS,
        )?;
        Ok(Instrument {
            name,
            source: None,
            range,
            scales,
            items,
            item_text: BTreeMap::new(),
            norms: None,
            notes: KeyFileNotes::default(),
        })
    }

    /// The same instrument with a citation or URL saying where the keys come from.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The same instrument with item wording (item name → text). Ship text only for
    /// public-domain instruments.
    ///
    /// Errors when a text names an item the instrument does not have.
    pub fn with_item_text(mut self, text: BTreeMap<String, String>) -> Result<Self, ScoringError> {
        if let Some(unknown) = text.keys().find(|k| !self.items.contains(k)) {
            return Err(ScoringError::UnknownItemText {
                instrument: crate::data::excerpt(&self.name),
                item: crate::data::excerpt(unknown),
            });
        }
        self.item_text = text;
        Ok(self)
    }

    /// The same instrument with norms for some or all of its scales.
    ///
    /// Errors when the norms name a scale the instrument does not have.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Norms, ScaleNorm};
    ///
    /// let norms = Norms::new("my 2024 panel, n = 800", vec![ScaleNorm::new("E", 4.4, 1.45)?])?;
    /// let tipi = builtin::tipi().with_norms(norms)?;
    /// assert_eq!(tipi.norms().map(|n| n.source()), Some("my 2024 panel, n = 800"));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn with_norms(mut self, norms: Norms) -> Result<Self, ScoringError> {
        if let Some(s) = norms
            .scales()
            .iter()
            .find(|s| self.scale(s.scale()).is_none())
        {
            return Err(ScoringError::NormsForUnknownScale {
                scale: crate::data::excerpt(s.scale()),
                instrument: crate::data::excerpt(&self.name),
                available: crate::data::name_list(&self.scale_names()),
            });
        }
        self.norms = Some(norms);
        Ok(self)
    }

    /// The instrument with every item renamed by `rename` (for data whose columns use
    /// other names than the instrument's keys).
    ///
    /// ```
    /// use cocreate_core::scoring::builtin;
    ///
    /// let tipi = builtin::tipi().rename_items(|item| format!("tipi_{item}"))?;
    /// assert_eq!(tipi.items()[0], "tipi_Q1");
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn rename_items(&self, rename: impl Fn(&str) -> String) -> Result<Self, ScoringError> {
        let scales = self
            .scales
            .iter()
            .map(|s| {
                let items = s.items.iter().map(|i| rename(i)).collect();
                let mut scale = Scale::new(s.name.clone(), items, s.reverse.clone())?;
                scale.label = s.label.clone();
                Ok(scale)
            })
            .collect::<Result<Vec<_>, ScoringError>>()?;
        let mut out = Instrument::new(self.name.clone(), self.range, scales)?;
        if out.items.len() != self.items.len() {
            let mut seen: HashMap<String, &String> = HashMap::new();
            for item in &self.items {
                let name = rename(item);
                if let Some(first) = seen.insert(name.clone(), item) {
                    return Err(ScoringError::RenamedItemsCollide {
                        instrument: crate::data::excerpt(&self.name),
                        first: crate::data::excerpt(first),
                        second: crate::data::excerpt(item),
                        name: crate::data::excerpt(&name),
                    });
                }
            }
        }
        out.source = self.source.clone();
        out.norms = self.norms.clone();
        out.notes = self.notes.clone();
        out.item_text = self
            .item_text
            .iter()
            .map(|(k, v)| (rename(k), v.clone()))
            .collect();
        Ok(out)
    }

    /// Reads an instrument from JSON.
    ///
    /// The form is `{"name", "scale_min", "scale_max", "scales": [{"name", "label",
    /// "items", "reverse"}]}`. Also accepted: `constructs` for `scales`; per scale `keys` in
    /// psych notation (`["-A1", "A2"]`) instead of `items` + `reverse`; a missing `reverse`
    /// (nothing reversed); optional `integer` (default true), `source`, `item_order` (the
    /// order responses are stored in, when not scale by scale), `item_text` and `norms`.
    /// The descriptive fields of the project's own key files are kept in
    /// [`Instrument::notes`]: `dataset` (the data file the keys were written for, and the
    /// name when `name` is absent), `reverse_formula`, `composite` (free text) and
    /// `other_columns` (column name → description).
    ///
    /// Any other field is an error naming the nearest known one, so a misspelling such as
    /// `"reversed"` for `"reverse"` cannot silently reverse-key nothing; so is a key that
    /// appears twice in any object. A UTF-8 byte-order mark at the start is skipped. Errors
    /// name the scale and the line and column.
    ///
    /// # Untrusted input
    ///
    /// Reading is linear in the length of the text, nesting deeper than 128 levels is an
    /// error, and a key file may define at most [`MAX_SCALES`](super::MAX_SCALES) scales,
    /// [`MAX_KEYED_ITEMS`](super::MAX_KEYED_ITEMS) item entries over all scales and
    /// [`MAX_ITEMS`](super::MAX_ITEMS) entries in `item_order` and `item_text`, checked
    /// before the scales are built (scoring and reliability work grows with the square of
    /// the items).
    /// [`Instrument::from_json_path`] refuses a file larger than [`MAX_KEY_FILE_BYTES`]
    /// before reading it.
    ///
    /// ```
    /// use cocreate_core::scoring::Instrument;
    ///
    /// let json = r#"{"dataset": "survey.csv", "scale_min": 1, "scale_max": 5,
    ///   "constructs": [{"name": "O", "label": "openness", "items": ["O1","O2"], "reverse": [false,true]}]}"#;
    /// let inst = Instrument::from_json_str(json)?;
    /// assert_eq!(inst.name(), "survey.csv");
    /// assert_eq!(inst.scales()[0].reverse(), [false, true]);
    ///
    /// let bad = Instrument::from_json_str(r#"{"scale_min": 1, "scale_max": 5, "scales": [{"name": "O", "items": ["O1"], "reverse": [true, false]}]}"#);
    /// assert!(bad.unwrap_err().to_string().contains("1 items but 2 reverse flags"));
    ///
    /// let typo = Instrument::from_json_str(r#"{"scale_min": 1, "scale_max": 5, "scales": [{"name": "O", "items": ["O1"], "reversed": [true]}]}"#);
    /// assert!(typo.unwrap_err().to_string().contains("unknown field `reversed` in scale `O`; did you mean `reverse`?"));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_str(json: &str) -> Result<Self, ScoringError> {
        let raw: json::RawInstrument =
            cocreate_input::from_str(json, json::NOUNS).map_err(|e| ScoringError::Json {
                message: e.to_string(),
            })?;
        raw.into_instrument()
    }

    /// Reads an instrument from a JSON file; see [`Instrument::from_json_str`].
    ///
    /// ```
    /// use cocreate_core::scoring::Instrument;
    ///
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cocreation_keys.json");
    /// let keys = Instrument::from_json_path(path)?;
    /// assert_eq!(keys.scales().len(), 8);
    /// assert!(Instrument::from_json_path("no/such/keys.json").is_err());
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_path(path: impl AsRef<std::path::Path>) -> Result<Self, ScoringError> {
        let path = path.as_ref();
        let io = |source| {
            ScoringError::Data(crate::data::DataError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_KEY_FILE_BYTES {
            return Err(ScoringError::Json {
                message: format!(
                    "the key file is {size} bytes, more than the limit of {MAX_KEY_FILE_BYTES}"
                ),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::from_json_str(&text)
    }

    /// Writes the instrument as JSON in the form [`Instrument::from_json_str`] reads.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Instrument};
    ///
    /// let mini = builtin::mini_ipip();
    /// let back = Instrument::from_json_str(&mini.to_json_string())?;
    /// assert_eq!(back, mini);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn to_json_string(&self) -> String {
        let raw = json::RawInstrument::from_instrument(self);
        serde_json::to_string_pretty(&raw).unwrap_or_default()
    }

    /// The instrument's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the keys come from, if recorded.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The response range.
    pub fn range(&self) -> ResponseRange {
        self.range
    }

    /// The scales, in order.
    pub fn scales(&self) -> &[Scale] {
        &self.scales
    }

    /// A scale by name.
    pub fn scale(&self, name: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.name == name)
    }

    /// Position of a scale by name, or an error listing the scales.
    pub fn scale_index(&self, name: &str) -> Result<usize, ScoringError> {
        self.scales
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| ScoringError::UnknownScale {
                name: name.to_string(),
                available: self.scale_names().join(", "),
            })
    }

    /// The scale names, in order.
    pub fn scale_names(&self) -> Vec<String> {
        self.scales.iter().map(|s| s.name.clone()).collect()
    }

    /// All items (the union of the scales' items, in order of first appearance).
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// Position of an item in [`Instrument::items`].
    pub fn item_index(&self, item: &str) -> Option<usize> {
        self.items.iter().position(|i| i == item)
    }

    /// Item wording, where the instrument ships it.
    pub fn item_text(&self, item: &str) -> Option<&str> {
        self.item_text.get(item).map(String::as_str)
    }

    /// The norms, if any.
    pub fn norms(&self) -> Option<&Norms> {
        self.norms.as_ref()
    }

    /// The descriptive fields the key file carried ([`KeyFileNotes`]).
    pub fn notes(&self) -> &KeyFileNotes {
        &self.notes
    }

    /// The same instrument storing its items in `order` (a permutation of
    /// [`Instrument::items`]), for example questionnaire order rather than scale by scale.
    /// Responses built from byte codes or rows follow this order.
    ///
    /// Errors unless `order` holds each item exactly once.
    ///
    /// ```
    /// use cocreate_core::scoring::{Instrument, ResponseRange, Scale};
    ///
    /// let inst = Instrument::new("x", ResponseRange::new(1.0, 5.0)?, vec![
    ///     Scale::from_keys("A", &["a1", "a2"])?, Scale::from_keys("B", &["b1"])?,
    /// ])?;
    /// let inst = inst.with_item_order(vec!["a1".into(), "b1".into(), "a2".into()])?;
    /// assert_eq!(inst.items(), ["a1", "b1", "a2"]);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn with_item_order(mut self, order: Vec<String>) -> Result<Self, ScoringError> {
        let known: HashMap<&str, ()> = self.items.iter().map(|i| (i.as_str(), ())).collect();
        let mut seen: HashMap<&str, ()> = HashMap::with_capacity(order.len());
        let fail = |item: &str, problem| ScoringError::ItemOrder {
            instrument: crate::data::excerpt(&self.name),
            item: crate::data::excerpt(item),
            problem,
        };
        for item in &order {
            if !known.contains_key(item.as_str()) {
                return Err(fail(item, ItemOrderProblem::Unknown));
            }
            if seen.insert(item.as_str(), ()).is_some() {
                return Err(fail(item, ItemOrderProblem::Repeated));
            }
        }
        if let Some(item) = self.items.iter().find(|i| !seen.contains_key(i.as_str())) {
            return Err(fail(item, ItemOrderProblem::Missing));
        }
        self.items = order;
        Ok(self)
    }

    /// For each scale, the positions of its items in [`Instrument::items`].
    pub(crate) fn scale_columns(&self) -> Vec<Vec<usize>> {
        let index: HashMap<&str, usize> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        self.scales
            .iter()
            .map(|s| s.items.iter().map(|i| index[i.as_str()]).collect())
            .collect()
    }

    /// The first scale that uses an item (for error messages).
    pub(crate) fn first_scale_of(&self, item: &str) -> &str {
        self.scales
            .iter()
            .find(|s| s.items.iter().any(|i| i == item))
            .map_or("", |s| s.name.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Instrument {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json::RawInstrument::from_instrument(self).serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Instrument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = json::RawInstrument::deserialize(deserializer)?;
        raw.into_instrument().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "serde")]
mod json {
    //! The JSON form of an instrument, validated into [`Instrument`].
    use super::*;

    /// How error messages name the entries of the lists of a key file.
    pub(super) const NOUNS: cocreate_input::Nouns<'static> = &[
        ("scales", "scale"),
        ("constructs", "scale"),
        ("percentiles", "percentile point"),
    ];

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RawScale {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverse: Option<Vec<bool>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keys: Option<Vec<String>>,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RawInstrument {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dataset: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        scale_min: f64,
        scale_max: f64,
        #[serde(default = "yes")]
        integer: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverse_formula: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        composite: Option<String>,
        #[serde(alias = "constructs")]
        scales: Vec<RawScale>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item_order: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        item_text: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        other_columns: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        norms: Option<Norms>,
    }

    fn yes() -> bool {
        true
    }

    /// A [`Scale`] as serialised, checked by [`Scale::new`].
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ScaleRepr {
        name: String,
        #[serde(default)]
        label: Option<String>,
        items: Vec<String>,
        reverse: Vec<bool>,
    }

    impl TryFrom<ScaleRepr> for Scale {
        type Error = ScoringError;
        fn try_from(r: ScaleRepr) -> Result<Self, ScoringError> {
            let scale = Scale::new(r.name, r.items, r.reverse)?;
            Ok(match r.label {
                Some(l) => scale.with_label(l),
                None => scale,
            })
        }
    }

    impl RawInstrument {
        pub(super) fn into_instrument(self) -> Result<Instrument, ScoringError> {
            use crate::scoring::limits::{check, MAX_ITEMS, MAX_KEYED_ITEMS, MAX_SCALES};
            let limit = |what: &str, len: usize, max: usize| {
                check(|| format!("{what} in the key file"), len, max)
            };
            limit("scales", self.scales.len(), MAX_SCALES)?;
            let entries: usize = self
                .scales
                .iter()
                .map(|s| {
                    s.items
                        .as_ref()
                        .map_or(0, Vec::len)
                        .max(s.keys.as_ref().map_or(0, Vec::len))
                })
                .sum();
            limit("item entries over all scales", entries, MAX_KEYED_ITEMS)?;
            limit(
                "entries in `item_order`",
                self.item_order.as_ref().map_or(0, Vec::len),
                MAX_ITEMS,
            )?;
            limit("item texts", self.item_text.len(), MAX_ITEMS)?;
            let range = ResponseRange::with_integer(self.scale_min, self.scale_max, self.integer)?;
            let scales = self
                .scales
                .into_iter()
                .map(|s| {
                    let scale = match (s.keys, s.items) {
                        (Some(_), Some(_)) => {
                            return Err(ScoringError::KeysAndItems {
                                scale: crate::data::excerpt(&s.name),
                            });
                        }
                        (Some(keys), None) => Scale::from_keys(s.name, &keys)?,
                        (None, Some(items)) => {
                            let reverse = s.reverse.unwrap_or_else(|| vec![false; items.len()]);
                            Scale::new(s.name, items, reverse)?
                        }
                        (None, None) => {
                            return Err(ScoringError::NoItems {
                                scale: crate::data::excerpt(&s.name),
                            });
                        }
                    };
                    Ok(match s.label {
                        Some(l) => scale.with_label(l),
                        None => scale,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let name = self
                .name
                .or_else(|| self.dataset.clone())
                .unwrap_or_else(|| "unnamed instrument".to_string());
            let mut inst = Instrument::new(name, range, scales)?;
            if let Some(order) = self.item_order {
                inst = inst.with_item_order(order)?;
            }
            let mut inst = inst.with_item_text(self.item_text)?;
            inst.source = self.source;
            inst.notes = KeyFileNotes {
                dataset: self.dataset,
                reverse_formula: self.reverse_formula,
                composite: self.composite,
                other_columns: self.other_columns,
            };
            if let Some(norms) = self.norms {
                inst = inst.with_norms(norms)?;
            }
            Ok(inst)
        }

        pub(super) fn from_instrument(inst: &Instrument) -> Self {
            let default_order = Instrument::new(inst.name.clone(), inst.range, inst.scales.clone())
                .map(|d| d.items)
                .unwrap_or_default();
            RawInstrument {
                item_order: (default_order != inst.items).then(|| inst.items.clone()),
                name: Some(inst.name.clone()),
                dataset: inst.notes.dataset.clone(),
                reverse_formula: inst.notes.reverse_formula.clone(),
                composite: inst.notes.composite.clone(),
                other_columns: inst.notes.other_columns.clone(),
                source: inst.source.clone(),
                scale_min: inst.range.min(),
                scale_max: inst.range.max(),
                integer: inst.range.integer(),
                scales: inst
                    .scales
                    .iter()
                    .map(|s| RawScale {
                        name: s.name.clone(),
                        label: s.label.clone(),
                        items: Some(s.items.clone()),
                        reverse: Some(s.reverse.clone()),
                        keys: None,
                    })
                    .collect(),
                item_text: inst.item_text.clone(),
                norms: inst.norms.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_union_in_first_appearance_order() {
        let inst = Instrument::new(
            "x",
            ResponseRange::new(1.0, 5.0).unwrap(),
            vec![
                Scale::from_keys("D", &["a", "-b", "c"]).unwrap(),
                Scale::from_keys("F", &["c", "d"]).unwrap(),
            ],
        )
        .unwrap();
        assert_eq!(inst.items(), ["a", "b", "c", "d"]);
        assert_eq!(inst.scale_columns(), vec![vec![0, 1, 2], vec![2, 3]]);
    }

    #[test]
    fn rejects_bad_definitions() {
        let r = ResponseRange::new(1.0, 5.0).unwrap();
        assert!(Instrument::new("x", r, vec![]).is_err());
        let s = Scale::from_keys("A", &["a"]).unwrap();
        let err = Instrument::new("x", r, vec![s.clone(), s]).unwrap_err();
        assert!(err.to_string().contains("\"A\" appears twice"), "{err}");
        assert!(ResponseRange::new(1.5, 5.0).is_err());
        assert!(ResponseRange::with_integer(0.0, f64::INFINITY, false).is_err());
        assert!(Scale::new("", vec!["a".into()], vec![false]).is_err());
        assert!(Scale::new("A", vec![], vec![]).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn json_accepts_keys_and_rejects_both_forms() {
        let inst = Instrument::from_json_str(
            r#"{"name": "k", "scale_min": 0, "scale_max": 4, "scales": [{"name": "A", "keys": ["-a", "b"]}]}"#,
        )
        .unwrap();
        assert_eq!(inst.scales()[0].reverse(), [true, false]);
        let err = Instrument::from_json_str(
            r#"{"scale_min": 0, "scale_max": 4, "scales": [{"name": "A", "keys": ["a"], "items": ["a"]}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("both `keys` and `items`"));
        let err = Instrument::from_json_str("{").unwrap_err();
        assert!(matches!(err, ScoringError::Json { .. }));
    }
}
