//! What can go wrong reading or building a table, and what the reader notes without
//! refusing.

use std::fmt;
use std::path::PathBuf;

/// What went wrong while building or reading a [`Table`](crate::data::Table).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The input path is a directory, not a file.
    #[error("{path} is a directory, not a CSV file")]
    IsDirectory {
        /// The directory.
        path: PathBuf,
    },
    /// Reading the input failed part way (an I/O error of the reader).
    #[error("reading the data failed at line {line}: {message}")]
    Read {
        /// 1-based line reached.
        line: u64,
        /// What the reader reported.
        message: String,
    },
    /// The CSV text is malformed (for example an unterminated quote).
    #[error("malformed CSV at line {line}: {message}")]
    Csv {
        /// 1-based line of the input.
        line: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// A field is not valid UTF-8 text.
    #[error(
        "line {line}, column {column}: the field is not valid UTF-8 text (save the file as UTF-8)"
    )]
    NotUtf8 {
        /// 1-based line of the input.
        line: u64,
        /// The column: its name, or its 1-based position in the header.
        column: String,
    },
    /// The input has no header row or no columns.
    #[error("the data has no columns (the input is empty or its first line is blank)")]
    NoColumns,
    /// A row has a different number of fields than the header.
    #[error("line {line} has {found} fields, but the header has {expected}")]
    Ragged {
        /// 1-based line of the input (for [`Table::new`](crate::data::Table::new), the 1-based row).
        line: u64,
        /// Number of columns in the header.
        expected: usize,
        /// Number of fields found.
        found: usize,
    },
    /// Two columns share a name.
    #[error("column name {name:?} appears twice (columns {first} and {second})")]
    DuplicateColumn {
        /// The repeated name (cut to [`EXCERPT_CHARS`](crate::data::EXCERPT_CHARS)).
        name: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of its second occurrence.
        second: usize,
    },
    /// A column name is empty.
    #[error("column {column} has an empty name")]
    EmptyColumnName {
        /// 1-based position of the column.
        column: usize,
    },
    /// A cell that must be numeric holds text.
    #[error("line {line}, column {column:?}: {value:?} is not a number")]
    NotANumber {
        /// 1-based line of the input.
        line: u64,
        /// The column name.
        column: String,
        /// The offending text (cut to [`EXCERPT_CHARS`](crate::data::EXCERPT_CHARS)).
        value: String,
    },
    /// A cell holds an infinity or NaN, which a table never stores as data.
    #[error(
        "row {row}, column {column:?}: {value} is not a finite number (use a missing cell instead)"
    )]
    NonFinite {
        /// 1-based row.
        row: usize,
        /// The column name.
        column: String,
        /// The offending value, as text.
        value: String,
    },
    /// A requested column is not in the table.
    #[error("no column named {name:?} (the table has: {available})")]
    UnknownColumn {
        /// The requested name (cut to [`EXCERPT_CHARS`](crate::data::EXCERPT_CHARS)).
        name: String,
        /// The table's column names, comma separated (cut to [`EXCERPT_CHARS`](crate::data::EXCERPT_CHARS)).
        available: String,
    },
    /// The input is larger than a documented limit.
    #[error("{what} exceeds the limit of {limit} (at line {line})")]
    TooLarge {
        /// What is too large.
        what: String,
        /// The limit.
        limit: u64,
        /// 1-based line reached when the limit was hit.
        line: u64,
    },
    /// The CSV delimiter is not a tab or a printable ASCII character other than `"`.
    #[error("invalid CSV option: the delimiter must be a tab or a printable ASCII character other than '\"', not byte {byte}")]
    Delimiter {
        /// The byte given.
        byte: u8,
    },
    /// A column added to a table has another number of values than the table has rows.
    #[error("column {column:?}: {found} values given for a table of {expected} rows")]
    ColumnLength {
        /// The column (cut to [`super::EXCERPT_CHARS`]).
        column: String,
        /// Rows in the table.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A join needs row identifiers that a table does not have.
    #[error("the {side} table has no row identifiers to join on (read it with an id column, or give it ids with Table::with_ids)")]
    NoIds {
        /// Which table.
        side: JoinSide,
    },
    /// An identifier appears on two rows of a table being joined, so a row could not
    /// be matched to one row of the other.
    #[error(
        "the {side} table has id {id:?} on rows {first} and {second}; a join needs each id once"
    )]
    DuplicateId {
        /// Which table.
        side: JoinSide,
        /// The identifier (cut to [`super::EXCERPT_CHARS`]).
        id: String,
        /// 1-based row of its first occurrence.
        first: usize,
        /// 1-based row of its second occurrence.
        second: usize,
    },
    /// Both tables of a join have a column of this name (other than the key).
    #[error("both tables have a column named {column:?}; select or rename one before joining")]
    JoinColumnClash {
        /// The column (cut to [`super::EXCERPT_CHARS`]).
        column: String,
    },
    /// Writing CSV failed.
    #[error("writing the data failed: {source}")]
    Write {
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// Identifiers given for a table do not fit it.
    #[error("{found} identifiers given for a table of {expected} rows")]
    IdLength {
        /// Rows in the table.
        expected: usize,
        /// Identifiers given.
        found: usize,
    },
}

/// Something the reader noticed and did not refuse, reported with the table so that
/// nothing is changed without a word.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum DataWarning {
    /// A column holds numbers in some rows and text in others. Used as numbers it is an
    /// error ([`DataError::NotANumber`]); this warning says so when the table is read.
    TextInNumericColumn {
        /// The column name.
        column: String,
        /// How many cells hold text.
        n_text: usize,
        /// The first few of them (at most three), in row order.
        first: Vec<TextCell>,
    },
    /// A one-column file has blank lines between rows. The CSV reader skips blank
    /// lines, but in a one-column file a blank line may have meant a missing cell.
    BlankLinesSkipped {
        /// How many blank lines were skipped.
        count: u64,
        /// The 1-based line of the first.
        first_line: u64,
    },
}

impl fmt::Display for DataWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataWarning::TextInNumericColumn {
                column,
                n_text,
                first,
            } => {
                let cells: Vec<String> = first
                    .iter()
                    .map(|c| format!("line {} {:?}", c.line, c.text))
                    .collect();
                write!(
                    f,
                    "column {column:?} holds numbers but {n_text} cell(s) hold text ({}); it cannot be used as numbers until they are fixed",
                    cells.join(", ")
                )
            }
            DataWarning::BlankLinesSkipped { count, first_line } => write!(
                f,
                "{count} blank line(s) skipped, the first at line {first_line}; in a one-column file write NA for a missing cell"
            ),
        }
    }
}

/// A cell that holds text where numbers were expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TextCell {
    /// 1-based row.
    pub row: usize,
    /// 1-based line of the input.
    pub line: u64,
    /// The text (cut to [`EXCERPT_CHARS`](crate::data::EXCERPT_CHARS)).
    pub text: String,
}

/// One of the two tables of a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum JoinSide {
    /// The table `join` is called on.
    Left,
    /// The table joined to it.
    Right,
}

impl fmt::Display for JoinSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinSide::Left => "left",
            JoinSide::Right => "right",
        })
    }
}
