//! Named numeric tables: the data set every analysis in this crate starts from.
//!
//! A [`Table`] holds `n_rows × n_cols` numbers under unique column names, stored row by
//! row in one contiguous buffer. A cell is either a finite number or *missing*; infinities
//! and NaN are rejected when the table is built, so inside a table a NaN means "missing"
//! and nothing else.
//!
//! Tables come from rows of `Option<f64>` ([`Table::new`]) or from CSV text with a header
//! row ([`Table::from_csv_str`], [`Table::from_csv_reader`], [`Table::from_csv_path`],
//! each with a `_with` variant taking [`CsvOptions`]: the delimiter and the identifier
//! columns), where an empty field or `NA` is missing. Columns that hold text (an id, a
//! school name) may be read without error: the text is remembered and only reported when
//! an analysis selects that column with [`Table::select`]. Errors name the line and
//! column.
//!
//! A table grows by [`Table::add_column`], is cut down by [`Table::select`], meets another
//! table by [`Table::join`] on the row identifiers (every identifier once per table; the
//! rows without a match are named in a [`JoinReport`], never dropped silently), and is
//! written back with [`Table::write_csv`] / [`Table::write_csv_path`] in a form the
//! readers read back to the same table.
//!
//! ```
//! use cocreate_core::data::Table;
//!
//! let csv = "id,school,x1,x2\n1,Pasteur,4.5,NA\n2,Grant,3,5\n";
//! let table = Table::from_csv_reader(csv.as_bytes())?;
//! assert_eq!(table.n_rows(), 2);
//!
//! let numeric = table.select(&["x1", "x2"])?;
//! assert_eq!(numeric.get(0, 1), None); // "NA" is missing
//! assert_eq!(numeric.get(1, 0), Some(3.0));
//!
//! // The text column is only an error when it is used.
//! let err = table.select(&["school"]).unwrap_err();
//! assert!(err.to_string().contains("line 2"));
//!
//! // Another source of the same respondents, joined on the ids and written out.
//! let extra = Table::from_csv_str("id,visits\n2,7\n1,3\n")?;
//! let (both, report) = numeric.join(&extra, cocreate_core::data::Join::Inner)?;
//! assert_eq!(both.column("visits")?, vec![Some(3.0), Some(7.0)]);
//! assert_eq!(report.matched, 2);
//! let mut out = Vec::new();
//! both.write_csv(&mut out)?;
//! assert_eq!(String::from_utf8(out).unwrap(), "id,x1,x2,visits\n1,4.5,NA,3\n2,3,5,7\n");
//! # Ok::<(), cocreate_core::data::DataError>(())
//! ```

mod error;
mod join;
mod options;
mod read;
mod table;
mod write;

pub use error::{DataError, DataWarning, JoinSide, TextCell};
pub use join::{Join, JoinReport};
pub use options::{CsvOptions, CsvOptionsBuilder};
pub(crate) use read::{first_header_name, id_columns, trim, trim_bytes_empty};
pub use table::Table;
pub(crate) use table::{check_names, is_missing_field, Ids};

/// Most columns a table may have.
pub const MAX_COLUMNS: usize = 100_000;
/// Most cells (rows × columns) a table may hold: 2^26, 512 MiB of numbers.
pub const MAX_CELLS: usize = 1 << 26;
/// Most bytes one CSV record (a row, quoted line breaks included) may span: 64 MiB.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;
/// Longest excerpt of user text (a cell, a name, a list of names) quoted in an error or
/// warning, in characters; longer text is cut and marked with `…`.
pub const EXCERPT_CHARS: usize = 80;

/// `text` cut to [`EXCERPT_CHARS`] characters, with `…` where it was cut, so that an
/// error never echoes a huge field or a whole file.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.to_string(),
        Some((i, _)) => format!("{}…", &text[..i]),
    }
}

/// Names joined by `", "`, cut like [`excerpt`] (the count of all names is kept).
pub(crate) fn name_list(names: &[String]) -> String {
    let joined = names.join(", ");
    if joined.chars().count() <= EXCERPT_CHARS {
        joined
    } else {
        format!("{} ({} names in all)", excerpt(&joined), names.len())
    }
}
