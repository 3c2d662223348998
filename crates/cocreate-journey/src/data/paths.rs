//! Aggregated conversion paths: the input of attribution.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::blocks;
use super::error::{LoadError, RowProblem};
use super::intern::Interner;
use super::load::{non_negative, Header};
use super::path_rows::PathRows;
use super::records::{Record, Records};
use crate::OptionsError;

/// How a path CSV is laid out: the names of its columns and the separator between
/// touchpoints.
///
/// The default is ChannelAttribution's layout: `path`, `total_conversions`,
/// `total_conversion_value`, `total_null`, with `>` between touchpoints. Set the value
/// or null column to `None` when the file has none (values and nulls are then zero).
///
/// ```
/// use cocreate_journey::{PathCsvOptions, PathData};
///
/// let options = PathCsvOptions::builder().value(None).nulls(Some("lost")).build()?;
/// let csv = "path,total_conversions,lost\nad > store,2,1\n";
/// let data = PathData::from_csv_str_with(csv, &options)?;
/// assert_eq!(data.totals().nulls, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PathCsvOptionsRepr", into = "PathCsvOptionsRepr")
)]
pub struct PathCsvOptions {
    path: String,
    conversions: String,
    value: Option<String>,
    nulls: Option<String>,
    separator: u8,
}

impl Default for PathCsvOptions {
    fn default() -> Self {
        PathCsvOptions {
            path: "path".into(),
            conversions: "total_conversions".into(),
            value: Some("total_conversion_value".into()),
            nulls: Some("total_null".into()),
            separator: b'>',
        }
    }
}

/// Builds validated [`PathCsvOptions`].
///
/// ```
/// use cocreate_journey::PathCsvOptions;
///
/// let o = PathCsvOptions::builder().path("journey").conversions("conv").build()?;
/// assert_eq!((o.path(), o.conversions()), ("journey", "conv"));
/// # Ok::<(), cocreate_journey::OptionsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PathCsvOptionsBuilder {
    options: PathCsvOptions,
    separator: char,
}

impl PathCsvOptionsBuilder {
    /// The name of the path column (default `path`).
    ///
    /// ```
    /// use cocreate_journey::PathCsvOptions;
    ///
    /// assert_eq!(PathCsvOptions::builder().path("journey").build()?.path(), "journey");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn path(mut self, name: impl Into<String>) -> Self {
        self.options.path = name.into();
        self
    }

    /// The name of the conversions column (default `total_conversions`).
    ///
    /// ```
    /// use cocreate_journey::PathCsvOptions;
    ///
    /// assert_eq!(PathCsvOptions::builder().conversions("conv").build()?.conversions(), "conv");
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn conversions(mut self, name: impl Into<String>) -> Self {
        self.options.conversions = name.into();
        self
    }

    /// The name of the conversion-value column, or `None` for no values (default
    /// `total_conversion_value`).
    ///
    /// ```
    /// use cocreate_journey::PathCsvOptions;
    ///
    /// assert_eq!(PathCsvOptions::builder().value(Some("revenue")).build()?.value(), Some("revenue"));
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn value(mut self, name: Option<&str>) -> Self {
        self.options.value = name.map(str::to_owned);
        self
    }

    /// The name of the null (non-conversion) column, or `None` for no nulls (default
    /// `total_null`).
    ///
    /// ```
    /// use cocreate_journey::PathCsvOptions;
    ///
    /// assert_eq!(PathCsvOptions::builder().nulls(None).build()?.nulls(), None);
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn nulls(mut self, name: Option<&str>) -> Self {
        self.options.nulls = name.map(str::to_owned);
        self
    }

    /// The separator between touchpoints: an ASCII character other than a comma, a
    /// quote or a line break (default `>`).
    ///
    /// ```
    /// use cocreate_journey::{PathCsvOptions, PathData};
    ///
    /// assert!(PathCsvOptions::builder().separator('→').build().is_err());
    /// let options = PathCsvOptions::builder().separator('|').build()?;
    /// let csv = "path,total_conversions,total_conversion_value,total_null\nad|store,1,5,0\n";
    /// let data = PathData::from_csv_str_with(csv, &options)?;
    /// assert_eq!(data.channels(), ["ad", "store"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn separator(mut self, separator: char) -> Self {
        self.separator = separator;
        self
    }

    /// Checks the options.
    ///
    /// ```
    /// use cocreate_journey::{OptionsError, PathCsvOptions};
    ///
    /// let err = PathCsvOptions::builder().separator(',').build().unwrap_err();
    /// assert_eq!(err, OptionsError::Separator { found: ',' });
    /// ```
    pub fn build(self) -> Result<PathCsvOptions, OptionsError> {
        let mut options = self.options;
        for (option, name) in [
            ("path column", Some(&options.path)),
            ("conversions column", Some(&options.conversions)),
            ("value column", options.value.as_ref()),
            ("null column", options.nulls.as_ref()),
        ] {
            if name.is_some_and(|n| n.trim().is_empty()) {
                return Err(OptionsError::EmptyName { option });
            }
        }
        options.separator = match u8::try_from(self.separator) {
            Ok(b) if b.is_ascii() && !matches!(b, b',' | b'"' | b'\n' | b'\r') => b,
            _ => {
                return Err(OptionsError::Separator {
                    found: self.separator,
                })
            }
        };
        Ok(options)
    }
}

impl PathCsvOptions {
    /// A builder starting from ChannelAttribution's layout.
    ///
    /// ```
    /// use cocreate_journey::PathCsvOptions;
    ///
    /// assert_eq!(PathCsvOptions::builder().build()?, PathCsvOptions::default());
    /// # Ok::<(), cocreate_journey::OptionsError>(())
    /// ```
    pub fn builder() -> PathCsvOptionsBuilder {
        PathCsvOptionsBuilder {
            options: PathCsvOptions::default(),
            separator: '>',
        }
    }

    /// The name of the path column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::PathCsvOptions::default().path(), "path");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The name of the conversions column.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::PathCsvOptions::default().conversions(), "total_conversions");
    /// ```
    pub fn conversions(&self) -> &str {
        &self.conversions
    }

    /// The name of the conversion-value column, if any.
    ///
    /// ```
    /// let o = cocreate_journey::PathCsvOptions::default();
    /// assert_eq!(o.value(), Some("total_conversion_value"));
    /// ```
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The name of the null column, if any.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::PathCsvOptions::default().nulls(), Some("total_null"));
    /// ```
    pub fn nulls(&self) -> Option<&str> {
        self.nulls.as_deref()
    }

    /// The separator between touchpoints.
    ///
    /// ```
    /// assert_eq!(cocreate_journey::PathCsvOptions::default().separator(), '>');
    /// ```
    pub fn separator(&self) -> char {
        char::from(self.separator)
    }
}

/// One row of [`PathData`]: a path of channel ids with its counts.
///
/// ```
/// use cocreate_journey::PathData;
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 3.0, 120.0, 7.0)?;
/// let row = data.rows().next().unwrap();
/// assert_eq!(row.channels, &[0, 1]);
/// assert_eq!((row.conversions, row.value, row.nulls), (3.0, 120.0, 7.0));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PathRef<'a> {
    /// Channel ids in path order (index into [`PathData::channels`]).
    pub channels: &'a [u32],
    /// Customers who converted after this path.
    pub conversions: f64,
    /// Their total conversion value.
    pub value: f64,
    /// Customers who did not convert after this path.
    pub nulls: f64,
    /// 1-based input line, for data read from text.
    pub line: Option<u64>,
}

/// Sums over all rows of a [`PathData`].
///
/// ```
/// use cocreate_journey::PathData;
///
/// let mut data = PathData::new();
/// data.push_path("ad > store", 2.0, 50.0, 1.0)?;
/// data.push_path("", 0.0, 0.0, 4.0)?;
/// let t = data.totals();
/// assert_eq!((t.rows, t.conversions, t.nulls, t.empty_rows), (2, 2.0, 5.0, 1));
/// # Ok::<(), cocreate_journey::RowProblem>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PathTotals {
    /// Number of rows.
    pub rows: usize,
    /// Total conversions.
    pub conversions: f64,
    /// Total conversion value.
    pub value: f64,
    /// Total nulls.
    pub nulls: f64,
    /// Rows whose path has no touchpoint.
    pub empty_rows: usize,
}

/// Aggregated conversion paths: each row a sequence of channels with the number of
/// customers who converted (and their value) or did not convert after it.
///
/// Channel names are interned in order of first appearance (rows top to bottom, each
/// left to right), which is ChannelAttribution's channel order. Counts may be fractional
/// (weights) but must be finite and non-negative; a conversion value needs conversions
/// to carry it. A path with no touchpoint is kept (and counted in
/// [`PathTotals::empty_rows`]); attribution reports what it could not attribute.
///
/// Read one from CSV with [`PathData::from_csv_reader`] or [`PathData::from_csv_path`],
/// or build one with [`PathData::push_path`] / [`PathData::push`].
///
/// ```
/// use cocreate_journey::PathData;
///
/// let csv = "path,total_conversions,total_conversion_value,total_null\n\
///            ad > website > store,2,150.5,5\n\
///            \"call center\",0,0,3\n";
/// let data = PathData::from_csv_reader(csv.as_bytes())?;
/// assert_eq!(data.channels(), ["ad", "website", "store", "call center"]);
/// assert_eq!(data.totals().conversions, 2.0);
/// # Ok::<(), cocreate_journey::LoadError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PathDataRepr", into = "PathDataRepr")
)]
pub struct PathData {
    interner: Interner,
    /// The channel ids of all rows, one after the other.
    tokens: Vec<u32>,
    rows: PathRows,
}

/// The largest count or value a row may carry: far beyond any real data, and small
/// enough that sums over billions of rows stay finite.
pub(crate) const MAX_AMOUNT: f64 = 1e15;

/// The most distinct channels (touchpoint names) a [`PathData`] or an event log may hold.
pub const MAX_CHANNELS: usize = 1_000_000;

/// The most touchpoints one path may have.
pub const MAX_PATH_TOUCHPOINTS: usize = 1_000_000;

/// The id of `name` in `interner`, refusing a new name once [`MAX_CHANNELS`] exist.
#[inline(never)]
pub(crate) fn channel_id(
    interner: &mut Interner,
    name: &[u8],
    what: &'static str,
    column: &str,
) -> Result<u32, RowProblem> {
    let not_utf8 = || RowProblem::NotUtf8 {
        column: column.to_owned(),
    };
    if interner.names().len() >= MAX_CHANNELS {
        let name = std::str::from_utf8(name).map_err(|_| not_utf8())?;
        return interner.get(name).ok_or(RowProblem::TooManyChannels {
            what,
            limit: MAX_CHANNELS,
        });
    }
    match interner.intern_bytes(name) {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(RowProblem::TooManyNames),
        Err(_) => Err(not_utf8()),
    }
}

/// `from..to` with ASCII whitespace at both ends removed.
#[inline(always)]
fn trimmed(bytes: &[u8], mut from: usize, mut to: usize) -> (usize, usize) {
    let Some(name) = bytes.get(from..to) else {
        return (from, from);
    };
    // The common case: at most one space on either side (as in `a > b`), then a byte
    // above a space at both ends.
    if let [first, .., last] = name {
        let (a, z) = (usize::from(*first == b' '), usize::from(*last == b' '));
        if let [x, .., y] = &name[a..name.len() - z] {
            if *x > b' ' && *y > b' ' {
                return (from + a, to - z);
            }
        }
    }
    while from < to && bytes[from].is_ascii_whitespace() {
        from += 1;
    }
    while to > from && bytes[to - 1].is_ascii_whitespace() {
        to -= 1;
    }
    (from, to)
}

/// Opens a file for reading, saying so when the path is a directory.
pub(crate) fn open(path: &Path) -> Result<File, LoadError> {
    if path.is_dir() {
        return Err(LoadError::Directory {
            path: path.to_owned(),
        });
    }
    File::open(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Checks a row's amounts; `names` are the columns (or arguments) they came from.
fn check_counts(
    conversions: f64,
    value: f64,
    nulls: f64,
    names: [&str; 3],
) -> Result<(), RowProblem> {
    for (column, v) in names.into_iter().zip([conversions, value, nulls]) {
        if !v.is_finite() {
            return Err(RowProblem::NonFinite {
                column: column.into(),
                text: v.to_string(),
            });
        }
        if v < 0.0 {
            return Err(RowProblem::Negative {
                column: column.into(),
                value: v,
            });
        }
        if v > MAX_AMOUNT {
            return Err(RowProblem::TooLarge {
                column: column.into(),
                value: v,
            });
        }
    }
    if value > 0.0 && conversions == 0.0 {
        return Err(RowProblem::ValueWithoutConversions { value });
    }
    Ok(())
}

/// The header of a path CSV and where the columns `options` name stand in it.
pub(super) struct Layout {
    header: Header,
    path: usize,
    conversions: usize,
    value: Option<usize>,
    nulls: Option<usize>,
}

impl Layout {
    /// Reads the header record and finds the columns.
    pub(super) fn read<B: std::io::BufRead>(
        records: &mut Records<B>,
        columns: &PathCsvOptions,
    ) -> Result<Layout, LoadError> {
        let header = Header::read(records)?;
        let find = |name: Option<&str>| name.map(|c| header.find(c)).transpose();
        Ok(Layout {
            path: header.find(&columns.path)?,
            conversions: header.find(&columns.conversions)?,
            value: find(columns.value.as_deref())?,
            nulls: find(columns.nulls.as_deref())?,
            header,
        })
    }
}

impl PathData {
    /// An empty set of paths.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// assert_eq!(PathData::new().n_rows(), 0);
    /// ```
    pub fn new() -> Self {
        PathData::default()
    }

    /// Appends a path given as channel names. Names are trimmed; empty names are skipped.
    ///
    /// Errors when a count or the value is negative or not finite, or when there is
    /// value without conversions.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push(["search", "store"], 1.0, 30.0, 0.0)?;
    /// assert!(data.push(["ad"], -1.0, 0.0, 0.0).is_err());
    /// assert_eq!(data.n_rows(), 1);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn push<I, S>(
        &mut self,
        path: I,
        conversions: f64,
        value: f64,
        nulls: f64,
    ) -> Result<(), RowProblem>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        check_counts(conversions, value, nulls, ["conversions", "value", "nulls"])?;
        let start = self.tokens.len();
        for name in path {
            let name = name.as_ref().trim_ascii();
            if name.is_empty() {
                continue;
            }
            if self.tokens.len() - start >= MAX_PATH_TOUCHPOINTS {
                self.tokens.truncate(start);
                return Err(RowProblem::PathTooLong {
                    limit: MAX_PATH_TOUCHPOINTS,
                });
            }
            match channel_id(&mut self.interner, name.as_bytes(), "channels", "path") {
                Ok(id) => self.tokens.push(id),
                Err(problem) => {
                    self.tokens.truncate(start);
                    return Err(problem);
                }
            }
        }
        self.finish_row(start, conversions + 0.0, value + 0.0, nulls + 0.0, 0)
    }

    /// Appends a path given as text, touchpoints separated by `>` (ChannelAttribution's
    /// convention: split on the separator, trim each name, skip empty names).
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push_path(" ad >  > call center ", 1.0, 10.0, 0.0)?;
    /// assert_eq!(data.channels(), ["ad", "call center"]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn push_path(
        &mut self,
        path: &str,
        conversions: f64,
        value: f64,
        nulls: f64,
    ) -> Result<(), RowProblem> {
        self.push(path.split('>'), conversions, value, nulls)
    }

    fn finish_row(
        &mut self,
        start: usize,
        conversions: f64,
        value: f64,
        nulls: f64,
        line: u64,
    ) -> Result<(), RowProblem> {
        let len = u32::try_from(self.tokens.len() - start).map_err(|_| {
            self.tokens.truncate(start);
            RowProblem::TooManyNames
        })?;
        self.rows.push(len, conversions, value, nulls, line);
        Ok(())
    }

    /// Reads paths in ChannelAttribution's layout from CSV with a header row,
    /// streaming row by row (see [`PathData::from_csv_reader_with`] for other layouts).
    ///
    /// Errors name the line: a missing column, a field that is not a non-negative finite
    /// number, value without conversions, a row of the wrong length, malformed CSV.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let csv = "path,total_conversions,total_conversion_value,total_null\nad,0,0,-2\n";
    /// let err = PathData::from_csv_reader(csv.as_bytes()).unwrap_err();
    /// assert_eq!(err.to_string(), "line 2: column \"total_null\" is -2, but counts and values cannot be negative");
    /// ```
    pub fn from_csv_reader<R: Read>(input: R) -> Result<Self, LoadError> {
        PathData::from_csv_reader_with(input, &PathCsvOptions::default())
    }

    /// Reads paths from CSV in the layout `options` describe, streaming row by row.
    ///
    /// ```
    /// use cocreate_journey::{PathCsvOptions, PathData};
    ///
    /// let options = PathCsvOptions::builder().path("journey").nulls(None).build()?;
    /// let csv = "journey,total_conversions,total_conversion_value\nad > web,2,30\n";
    /// let data = PathData::from_csv_reader_with(csv.as_bytes(), &options)?;
    /// assert_eq!(data.totals().conversions, 2.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv_reader_with<R: Read>(
        input: R,
        columns: &PathCsvOptions,
    ) -> Result<Self, LoadError> {
        PathData::from_records(super::records::buffered(input), columns, 0)
    }

    /// The paths from CSV records (text in memory is split in place); `bytes` is the
    /// size of the input when it is known (0 when not), see [`PathData::reserve_for`].
    pub(super) fn from_records<B: std::io::BufRead>(
        mut records: Records<B>,
        columns: &PathCsvOptions,
        bytes: u64,
    ) -> Result<Self, LoadError> {
        let layout = Layout::read(&mut records, columns)?;
        let mut data = PathData::new();
        data.reserve_for(bytes);
        data.push_records(&mut records, &layout, columns)?;
        Ok(data)
    }

    /// Appends a row for each of the remaining `records`.
    pub(super) fn push_records<B: std::io::BufRead>(
        &mut self,
        records: &mut Records<B>,
        layout: &Layout,
        columns: &PathCsvOptions,
    ) -> Result<(), LoadError> {
        let sep = columns.separator;
        while let Some(record) = records.next_record()? {
            let line = record.line;
            self.push_record(
                &record,
                &layout.header,
                sep,
                columns,
                [layout.path, layout.conversions],
                layout.value,
                layout.nulls,
            )
            .map_err(|problem| LoadError::Row { line, problem })?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn push_record(
        &mut self,
        record: &Record<'_>,
        header: &Header,
        sep: u8,
        columns: &PathCsvOptions,
        [path_col, conv_col]: [usize; 2],
        value_col: Option<usize>,
        null_col: Option<usize>,
    ) -> Result<(), RowProblem> {
        header.check_len(record)?;
        super::load::no_line_break_in_names(record, &[(path_col, &columns.path)])?;
        let line = record.line;
        let conversions = non_negative(record.get(conv_col), &columns.conversions)?;
        let value = match (value_col, &columns.value) {
            (Some(i), Some(name)) => non_negative(record.get(i), name)?,
            _ => 0.0,
        };
        let nulls = match (null_col, &columns.nulls) {
            (Some(i), Some(name)) => non_negative(record.get(i), name)?,
            _ => 0.0,
        };
        // The numbers are finite and non-negative already; the common case passes the
        // remaining checks with four comparisons, anything else gets its error there.
        let plain =
            conversions.max(value).max(nulls) <= MAX_AMOUNT && (conversions > 0.0 || value == 0.0);
        if !plain {
            check_counts(
                conversions,
                value,
                nulls,
                [
                    &columns.conversions,
                    columns.value.as_deref().unwrap_or("value"),
                    columns.nulls.as_deref().unwrap_or("nulls"),
                ],
            )?;
        }
        let (text, from, to) = record.field_in_text(path_col);
        let start = self.tokens.len();
        if let Err(problem) = self.push_tokens(text, from, to, sep, &columns.path) {
            self.tokens.truncate(start);
            return Err(problem);
        }
        self.finish_row(start, conversions, value, nulls, line)
    }

    /// Splits the path `text[start..end]` on `sep` and appends the ids of its
    /// (trimmed, non-empty) names. `text` is the whole record, so that names at the end
    /// of the path can be read a word at a time.
    ///
    /// The fast pass gathers the separators of 64 bytes at a time into a mask of bits
    /// (one per byte), so that its loop turns once per name rather than once per word
    /// and per separator, and looks the names up in place; a name not seen before sends
    /// the whole path through [`PathData::push_tokens_slowly`], which adds names in order
    /// and checks them.
    #[inline]
    fn push_tokens(
        &mut self,
        text: &[u8],
        start: usize,
        end: usize,
        sep: u8,
        column: &str,
    ) -> Result<(), RowProblem> {
        let first = self.tokens.len();
        let mut missing = false;
        let mut too_long = false;
        let mut from = start;
        let mut chunk = start;
        while chunk < end {
            let mut mask = blocks::positions64(text, chunk, end, sep);
            while mask != 0 {
                let at = chunk + mask.trailing_zeros() as usize;
                self.push_known(text, from, at, &mut missing);
                from = at + 1;
                mask &= mask - 1;
            }
            if self.tokens.len() - first > MAX_PATH_TOUCHPOINTS {
                too_long = true;
                break;
            }
            chunk += 64;
        }
        self.push_known(text, from, end, &mut missing);
        if missing || too_long || self.tokens.len() - first > MAX_PATH_TOUCHPOINTS {
            self.tokens.truncate(first);
            return self.push_tokens_slowly(&text[start..end], sep, column);
        }
        Ok(())
    }

    /// Appends the id of the known name `text[from..to]` (trimmed; nothing when empty),
    /// or marks it `missing`.
    #[inline(always)]
    fn push_known(&mut self, text: &[u8], from: usize, to: usize, missing: &mut bool) {
        let (from, to) = trimmed(text, from, to);
        if from < to {
            match self.interner.find_within(text, from, to) {
                Some(id) => self.tokens.push(id),
                None => *missing = true,
            }
        }
    }

    /// [`PathData::push_tokens`] one name at a time, adding new names and refusing a
    /// path with too many touchpoints.
    #[cold]
    fn push_tokens_slowly(&mut self, path: &[u8], sep: u8, column: &str) -> Result<(), RowProblem> {
        let start = self.tokens.len();
        for token in path.split(|&b| b == sep) {
            let name = token.trim_ascii();
            if name.is_empty() {
                continue;
            }
            if self.tokens.len() - start >= MAX_PATH_TOUCHPOINTS {
                return Err(RowProblem::PathTooLong {
                    limit: MAX_PATH_TOUCHPOINTS,
                });
            }
            let id = channel_id(&mut self.interner, name, "channels", column)?;
            self.tokens.push(id);
        }
        Ok(())
    }

    /// Appends the rows of `other`, read from the text after this one's, whose lines
    /// count from `line_offset`: its channel ids are mapped onto this one's (a name new
    /// here takes the next id, in `other`'s order). `None` (and this `PathData` left
    /// half-changed) when the names would exceed [`MAX_CHANNELS`].
    #[cfg(feature = "parallel")]
    pub(super) fn append(&mut self, other: PathData, line_offset: u64) -> Option<()> {
        let mut ids = Vec::with_capacity(other.interner.names().len());
        for name in other.interner.names() {
            let id = match self.interner.get(name) {
                Some(id) => id,
                None if self.interner.names().len() < MAX_CHANNELS => {
                    self.interner.intern_new(name)?
                }
                None => return None,
            };
            ids.push(id);
        }
        self.tokens
            .extend(other.tokens.iter().map(|&t| ids[t as usize]));
        self.rows.append(other.rows, line_offset);
        Some(())
    }

    /// Reserves room for the rows and channel ids of an input of `bytes` bytes, so that
    /// a large load never copies its vectors while they grow (after a first large load
    /// has been freed, the allocator serves the next ones from its heap, where growing
    /// copies). At most one row per 32 bytes and one id per 4 bytes are reserved, which
    /// is address space in proportion to the input (under twice its size) and is only
    /// touched as the rows come in; inputs above 1 GiB reserve as 1 GiB, and smaller
    /// than 64 KiB nothing. A reservation the allocator refuses is skipped: the vectors
    /// then grow as they fill.
    pub(super) fn reserve_for(&mut self, bytes: u64) {
        const FLOOR: u64 = 1 << 16;
        const CEILING: u64 = 1 << 30;
        if bytes < FLOOR {
            return;
        }
        // Lossless: at most 2^30 on every platform this crate builds for (usize ≥ 32 bits).
        let bytes = bytes.min(CEILING) as usize;
        if self.tokens.try_reserve_exact(bytes / 4).is_ok() {
            self.rows.try_reserve(bytes / 32);
        }
    }

    /// The channel names by id, in order of first appearance.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push_path("email > ad > email", 1.0, 0.0, 0.0)?;
    /// assert_eq!(data.channels(), ["email", "ad"]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn channels(&self) -> &[String] {
        self.interner.names()
    }

    /// The id of a channel name, if present.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push_path("email > ad", 1.0, 0.0, 0.0)?;
    /// assert_eq!(data.channel_id("ad"), Some(1));
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn channel_id(&self, name: &str) -> Option<u32> {
        self.interner.get(name)
    }

    /// Number of rows.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push_path("ad", 0.0, 0.0, 1.0)?;
    /// assert_eq!(data.n_rows(), 1);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// The rows, in input order.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push_path("ad > store", 1.0, 9.0, 0.0)?;
    /// data.push_path("store", 0.0, 0.0, 2.0)?;
    /// let lengths: Vec<usize> = data.rows().map(|r| r.channels.len()).collect();
    /// assert_eq!(lengths, [2, 1]);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn rows(&self) -> impl ExactSizeIterator<Item = PathRef<'_>> + '_ {
        let mut tokens = self.tokens.as_slice();
        self.rows.iter().map(move |r| {
            let (channels, rest) = tokens.split_at(r.len as usize);
            tokens = rest;
            PathRef {
                channels,
                conversions: r.conversions,
                value: r.value,
                nulls: r.nulls,
                line: r.line,
            }
        })
    }

    /// Each row's channels, conversions, value and nulls, in order: the plainest walk
    /// over the rows, for the models.
    #[inline]
    pub(crate) fn flows(&self) -> impl Iterator<Item = (&[u32], f64, f64, f64)> + '_ {
        self.rows.flows(&self.tokens)
    }

    /// Sums over all rows.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let mut data = PathData::new();
    /// data.push_path("ad", 1.0, 20.0, 3.0)?;
    /// assert_eq!(data.totals().value, 20.0);
    /// # Ok::<(), cocreate_journey::RowProblem>(())
    /// ```
    pub fn totals(&self) -> PathTotals {
        let mut t = PathTotals {
            rows: self.rows.len(),
            ..PathTotals::default()
        };
        for r in self.rows.iter() {
            t.conversions += r.conversions;
            t.value += r.value;
            t.nulls += r.nulls;
            t.empty_rows += usize::from(r.len == 0);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_value_without_conversions_and_ragged_rows() {
        let csv = "path,total_conversions,total_conversion_value,total_null\nad,0,5,1\n";
        let err = PathData::from_csv_reader(csv.as_bytes()).unwrap_err();
        assert!(matches!(
            err,
            LoadError::Row {
                line: 2,
                problem: RowProblem::ValueWithoutConversions { .. }
            }
        ));
        let csv = "path,total_conversions,total_conversion_value,total_null\nad,0,0\n";
        let err = PathData::from_csv_reader(csv.as_bytes()).unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("3 fields"), "{err}");
    }

    #[test]
    fn reads_fractional_counts_and_names_with_spaces() {
        let csv = "path,total_conversions,total_conversion_value,total_null\n\
                   \"call center > web shop\",0.5,12.25,1.5\n";
        let data = PathData::from_csv_reader(csv.as_bytes()).unwrap();
        assert_eq!(data.channels(), ["call center", "web shop"]);
        let row = data.rows().next().unwrap();
        assert_eq!((row.conversions, row.value, row.nulls), (0.5, 12.25, 1.5));
        assert_eq!(row.line, Some(2));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The loader's in-place lookup of names gives the same channels and ids as
        /// splitting the text on the separator and trimming each name.
        #[test]
        fn names_read_in_place_equal_split_and_trimmed(
            paths in proptest::collection::vec("[ab >\t\u{e9}xyzlongername]{0,40}", 1..12)
        ) {
            let mut csv = String::from("path,total_conversions,total_conversion_value,total_null\n");
            let mut want = PathData::new();
            for p in &paths {
                csv.push_str(&format!("{p},1,2,3\n"));
                want.push_path(p, 1.0, 2.0, 3.0).unwrap();
            }
            let got = PathData::from_csv_reader(csv.as_bytes()).unwrap();
            proptest::prop_assert_eq!(got.channels(), want.channels());
            let ids = |d: &PathData| d.rows().map(|r| r.channels.to_vec()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(ids(&got), ids(&want));
        }
    }

    /// Inputs large enough to be reserved for load the same from text, from a reader
    /// (no size known) and from a file (its size known), with rows both shorter and longer
    /// than the reservation's estimate.
    #[test]
    fn reserved_loads_equal_growing_loads() {
        for names_per_row in [1usize, 3, 40] {
            let mut csv =
                String::from("path,total_conversions,total_conversion_value,total_null\n");
            let mut row = 0usize;
            while csv.len() < 200_000 {
                let path: Vec<String> = (0..names_per_row)
                    .map(|k| format!("c{}", (row * 7 + k * 13) % 97))
                    .collect();
                csv.push_str(&format!(
                    "{},{},{}.5,{}\n",
                    path.join(">"),
                    row % 3 + 1,
                    row % 11,
                    row % 2
                ));
                row += 1;
            }
            let from_text = PathData::from_csv_str(&csv).unwrap();
            let from_reader = PathData::from_csv_reader(csv.as_bytes()).unwrap();
            let file = std::env::temp_dir().join(format!(
                "cocreate-reserved-{}-{names_per_row}.csv",
                std::process::id()
            ));
            std::fs::write(&file, &csv).unwrap();
            let from_file = PathData::from_csv_path(&file);
            std::fs::remove_file(&file).unwrap();
            assert_eq!(from_text.n_rows(), row);
            assert_eq!(from_text, from_reader);
            assert_eq!(from_text, from_file.unwrap());
        }
    }

    #[test]
    fn trimming_in_place_equals_trim_ascii() {
        // Every string of up to five bytes over an alphabet of spaces, other white
        // space, a vertical tab (not white space to `trim_ascii`) and letters, at every
        // position inside a longer text.
        let alphabet = [b' ', b'\t', b'\n', 0x0b, b'a', b'>'];
        let mut word = Vec::new();
        for len in 0..=5u32 {
            for code in 0..alphabet.len().pow(len) {
                word.clear();
                let mut c = code;
                for _ in 0..len {
                    word.push(alphabet[c % alphabet.len()]);
                    c /= alphabet.len();
                }
                let text = [b"x ".as_slice(), &word, b" y"].concat();
                let (from, to) = trimmed(&text, 2, 2 + word.len());
                assert_eq!(&text[from..to], word.trim_ascii(), "{word:?}");
            }
        }
    }

    #[test]
    fn rejects_nan_and_infinity() {
        for bad in ["NaN", "inf", "-inf", "1e400"] {
            let csv =
                format!("path,total_conversions,total_conversion_value,total_null\nad,{bad},0,1\n");
            let err = PathData::from_csv_reader(csv.as_bytes()).unwrap_err();
            assert_eq!(err.line(), Some(2), "{bad}");
        }
    }
}

/// The serde form of [`PathCsvOptions`], read back through its builder.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PathCsvOptionsRepr {
    path: String,
    conversions: String,
    value: Option<String>,
    nulls: Option<String>,
    separator: char,
}

#[cfg(feature = "serde")]
impl Default for PathCsvOptionsRepr {
    fn default() -> Self {
        PathCsvOptions::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<PathCsvOptions> for PathCsvOptionsRepr {
    fn from(o: PathCsvOptions) -> Self {
        PathCsvOptionsRepr {
            separator: o.separator(),
            path: o.path,
            conversions: o.conversions,
            value: o.value,
            nulls: o.nulls,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<PathCsvOptionsRepr> for PathCsvOptions {
    type Error = OptionsError;
    fn try_from(r: PathCsvOptionsRepr) -> Result<Self, OptionsError> {
        PathCsvOptions::builder()
            .path(r.path)
            .conversions(r.conversions)
            .value(r.value.as_deref())
            .nulls(r.nulls.as_deref())
            .separator(r.separator)
            .build()
    }
}

/// The serde form of [`PathData`]: the channel names, then each row's path as channel
/// ids with its counts; read back through the checks of [`PathData::push`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PathDataRepr {
    channels: Vec<String>,
    rows: Vec<PathRowRepr>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PathRowRepr {
    path: Vec<u32>,
    conversions: f64,
    #[serde(default)]
    value: f64,
    #[serde(default)]
    nulls: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
}

#[cfg(feature = "serde")]
impl From<PathData> for PathDataRepr {
    fn from(d: PathData) -> Self {
        PathDataRepr {
            rows: d
                .rows()
                .map(|r| PathRowRepr {
                    path: r.channels.to_vec(),
                    conversions: r.conversions,
                    value: r.value,
                    nulls: r.nulls,
                    line: r.line,
                })
                .collect(),
            channels: d.interner.into_names(),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<PathDataRepr> for PathData {
    type Error = LoadError;
    fn try_from(r: PathDataRepr) -> Result<Self, LoadError> {
        let mut data = PathData::new();
        for (i, name) in r.channels.iter().enumerate() {
            let entry = |problem| LoadError::Entry {
                what: "channel",
                index: i + 1,
                problem,
            };
            if name.trim_ascii().is_empty() {
                return Err(entry(RowProblem::Empty {
                    column: "channels".into(),
                }));
            }
            if name.trim_ascii() != name {
                return Err(entry(RowProblem::Untrimmed {
                    name: super::error::excerpt(name),
                }));
            }
            let id = channel_id(&mut data.interner, name.as_bytes(), "channels", "channels")
                .map_err(entry)?;
            if id as usize != i {
                return Err(entry(RowProblem::DuplicateName {
                    name: super::error::excerpt(name),
                }));
            }
        }
        let count = data.interner.names().len();
        for (i, row) in r.rows.into_iter().enumerate() {
            let entry = |problem| LoadError::Entry {
                what: "row",
                index: i + 1,
                problem,
            };
            check_counts(
                row.conversions,
                row.value,
                row.nulls,
                ["conversions", "value", "nulls"],
            )
            .map_err(entry)?;
            if row.path.len() > MAX_PATH_TOUCHPOINTS {
                return Err(entry(RowProblem::PathTooLong {
                    limit: MAX_PATH_TOUCHPOINTS,
                }));
            }
            if let Some(&id) = row.path.iter().find(|&&id| id as usize >= count) {
                return Err(entry(RowProblem::UnknownId {
                    what: "channel",
                    id,
                    count,
                }));
            }
            let start = data.tokens.len();
            data.tokens.extend_from_slice(&row.path);
            data.finish_row(
                start,
                row.conversions + 0.0,
                row.value + 0.0,
                row.nulls + 0.0,
                row.line.unwrap_or(0),
            )
            .map_err(entry)?;
        }
        Ok(data)
    }
}
