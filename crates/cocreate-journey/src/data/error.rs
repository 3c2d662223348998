//! What can go wrong while reading journey data.

use std::fmt;
use std::path::PathBuf;

use crate::TimestampError;

/// What is wrong with one row of input.
///
/// ```
/// use cocreate_journey::RowProblem;
///
/// let p = RowProblem::Negative { column: "total_null".into(), value: -1.0 };
/// assert_eq!(p.to_string(), "column \"total_null\" is -1, but counts and values cannot be negative");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// A field that must be a number is not.
    #[error("column {column:?}: {text:?} is not a number")]
    NotANumber {
        /// The column.
        column: String,
        /// The text found (an excerpt of at most 80 characters).
        text: String,
    },
    /// A number is infinite or NaN.
    #[error("column {column:?} is {text}, not a finite number")]
    NonFinite {
        /// The column.
        column: String,
        /// The text found.
        text: String,
    },
    /// A count or value is negative.
    #[error("column {column:?} is {value}, but counts and values cannot be negative")]
    Negative {
        /// The column.
        column: String,
        /// The value.
        value: f64,
    },
    /// A count or value is implausibly large (above 10^15).
    #[error("column {column:?} is {value:e}, above the largest amount accepted (1e15)")]
    TooLarge {
        /// The column.
        column: String,
        /// The value.
        value: f64,
    },
    /// A path has conversion value but no conversions.
    #[error("the conversion value is {value}, but there are no conversions to carry it")]
    ValueWithoutConversions {
        /// The value.
        value: f64,
    },
    /// A required field is empty.
    #[error("column {column:?} is empty")]
    Empty {
        /// The column.
        column: String,
    },
    /// A field is not valid UTF-8 text.
    #[error("column {column:?} is not valid UTF-8 text")]
    NotUtf8 {
        /// The column.
        column: String,
    },
    /// The row has a different number of fields than the header.
    #[error("the row has {found} fields, but the header has {expected}")]
    Ragged {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A record that runs over several lines (a field opened with a double quote takes
    /// in line breaks until its closing quote) has a different number of fields than
    /// the header: most often a stray quote at the start of a field.
    #[error(
        "the record runs from this line to line {last_line} (a field that starts with a double \
         quote continues to the next double quote) and has {found} fields, but the header has \
         {expected}"
    )]
    RaggedAcrossLines {
        /// Fields in the header.
        expected: usize,
        /// Fields in the record.
        found: usize,
        /// 1-based line where the record ends.
        last_line: u64,
    },
    /// A name field (a path, customer id, touchpoint, stage or outcome) holds a line
    /// break. RFC 4180 allows line breaks inside quoted fields, but in a name they almost
    /// always mean a stray double quote at the start of a field that took in the
    /// following lines up to the next quote, so they are refused rather than read.
    #[error(
        "column {column:?} holds a line break: the quoted field runs from this line to line \
         {last_line} (a field that starts with a double quote continues to the next double \
         quote), and names cannot contain line breaks"
    )]
    LineBreakInName {
        /// The column.
        column: String,
        /// 1-based line where the record ends.
        last_line: u64,
    },
    /// A path has more touchpoints than the limit.
    #[error("the path has more than {limit} touchpoints, the most accepted")]
    PathTooLong {
        /// The limit.
        limit: usize,
    },
    /// More distinct channels or touchpoints than the limit.
    #[error("more than {limit} distinct {what}, the most accepted")]
    TooManyChannels {
        /// "channels" or "touchpoints".
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A timestamp does not parse.
    #[error("column {column:?}: {source}")]
    Timestamp {
        /// The column.
        column: String,
        /// Why it does not parse.
        source: TimestampError,
    },
    /// A stage name is not in the stage order.
    #[error("stage {name:?} is not one of the known stages ({known})")]
    UnknownStage {
        /// The name found.
        name: String,
        /// The known stage names, comma-separated.
        known: String,
    },
    /// An outcome name is unknown.
    #[error("outcome {name:?} is not one of continue, drop_off, conversion, retained, churned")]
    UnknownOutcome {
        /// The name found.
        name: String,
    },
    /// More distinct names than ids can hold.
    #[error("more than 4,294,967,295 distinct names")]
    TooManyNames,
    /// A list of names (channels, touchpoints) holds a name twice.
    #[error("the name {name:?} is listed twice")]
    DuplicateName {
        /// The name (an excerpt of at most 80 characters).
        name: String,
    },
    /// A name has leading or trailing whitespace, which the loaders always remove.
    #[error("the name {name:?} has whitespace at an end")]
    Untrimmed {
        /// The name (an excerpt of at most 80 characters).
        name: String,
    },
    /// A path or event refers to a channel, touchpoint or stage by an id beyond the list.
    #[error("{what} id {id} is not below the number of {what}s, {count}")]
    UnknownId {
        /// "channel", "touchpoint" or "stage".
        what: &'static str,
        /// The id given.
        id: u32,
        /// How many there are.
        count: usize,
    },
}

/// An error while loading journey data, naming the line where it happened.
///
/// ```
/// use cocreate_journey::PathData;
///
/// let csv = "path,total_conversions,total_conversion_value,total_null\nad > web,1,10.5,0\nad,x,0,3\n";
/// let err = PathData::from_csv_reader(csv.as_bytes()).unwrap_err();
/// assert_eq!(err.line(), Some(3));
/// assert_eq!(err.to_string(), "line 3: column \"total_conversions\": \"x\" is not a number");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Reading the input failed part-way (the file vanished, the disk failed).
    #[error("line {line}: cannot read further: {source}")]
    Read {
        /// 1-based line being read.
        line: u64,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The header lacks a column the loader needs.
    #[error("line 1: the header has no column {name:?} (it has: {found})")]
    MissingColumn {
        /// The column needed.
        name: String,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// The input has no header row.
    #[error("the input is empty: expected a header row")]
    NoHeader,
    /// The path names a directory, not a file.
    #[error("{} is a directory, not a CSV file", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
    },
    /// Two header columns have the same name, so which one is meant is ambiguous.
    #[error("line 1: columns {first} and {second} are both named {name:?}; rename one of them")]
    DuplicateColumn {
        /// The name (an excerpt of at most 80 characters).
        name: String,
        /// 1-based position of the first column with the name.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// A quoted field is still open at the end of the input. RFC 4180 readers such as
    /// the `csv` crate would take the whole rest of the file into that one field; this
    /// reader refuses it instead.
    #[error(
        "line {line}: a quoted field opened here is never closed (a field that starts with a \
         double quote must end with one); it would take in the rest of the input"
    )]
    UnclosedQuote {
        /// 1-based line of the opening quote.
        line: u64,
    },
    /// A record is longer than the limit.
    #[error("line {line}: the record is longer than {} MiB, the longest accepted", limit >> 20)]
    RecordTooLong {
        /// 1-based line where the record starts.
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// A row is invalid.
    #[error("line {line}: {problem}")]
    Row {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        problem: RowProblem,
    },
    /// An entry of a serialised [`PathData`](crate::PathData) or
    /// [`EventLog`](crate::EventLog) (a channel, a row, an event) is invalid.
    #[error("{what} {index}: {problem}")]
    Entry {
        /// "channel", "row", "touchpoint" or "event".
        what: &'static str,
        /// Its 1-based position in its list.
        index: usize,
        /// What is wrong.
        problem: RowProblem,
    },
}

impl LoadError {
    /// The 1-based input line the error is about, if any.
    ///
    /// ```
    /// use cocreate_journey::PathData;
    ///
    /// let err = PathData::from_csv_reader("nothing, here\n".as_bytes()).unwrap_err();
    /// assert_eq!(err.line(), Some(1));
    /// ```
    pub fn line(&self) -> Option<u64> {
        match self {
            LoadError::Read { line, .. }
            | LoadError::Row { line, .. }
            | LoadError::UnclosedQuote { line }
            | LoadError::RecordTooLong { line, .. } => Some(*line),
            LoadError::MissingColumn { .. } | LoadError::DuplicateColumn { .. } => Some(1),
            LoadError::Io { .. }
            | LoadError::NoHeader
            | LoadError::Directory { .. }
            | LoadError::Entry { .. } => None,
        }
    }
}

/// The longest excerpt of input text quoted in an error, in characters.
pub(crate) const EXCERPT_CHARS: usize = 80;

/// `text` as quoted in an error: whole when it has at most [`EXCERPT_CHARS`]
/// characters, otherwise its first ones followed by an ellipsis, so that no error
/// message echoes a huge field.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// Renders an optional file name and an error as one line: `file: message`.
///
/// ```
/// use cocreate_journey::{describe_load_error, PathData};
///
/// let err = PathData::from_csv_reader("path\n".as_bytes()).unwrap_err();
/// let line = describe_load_error("paths.csv", &err);
/// assert!(line.starts_with("paths.csv: line 1: the header has no column"));
/// ```
pub fn describe_load_error(file: impl fmt::Display, err: &LoadError) -> String {
    match err {
        LoadError::Io { .. } | LoadError::Directory { .. } => err.to_string(),
        _ => format!("{file}: {err}"),
    }
}
