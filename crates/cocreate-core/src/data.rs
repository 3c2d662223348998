//! Named numeric tables: the data set every analysis in this crate starts from.
//!
//! A [`Table`] holds `n_rows × n_cols` numbers under unique column names, stored row by
//! row in one contiguous buffer. A cell is either a finite number or *missing*; infinities
//! and NaN are rejected when the table is built, so inside a table a NaN means "missing"
//! and nothing else.
//!
//! Tables come from rows of `Option<f64>` ([`Table::new`]) or from CSV text with a header
//! row ([`Table::from_csv_reader`], [`Table::from_csv_path`]), where an empty field or `NA`
//! is missing. Columns that hold text (an id, a school name) may be read without error:
//! the text is remembered and only reported when an analysis selects that column with
//! [`Table::select`]. Errors name the line and column.
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
//! # Ok::<(), cocreate_core::data::DataError>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What went wrong while building or reading a [`Table`].
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
    /// The CSV text is malformed (for example an unterminated quote).
    #[error("malformed CSV at line {line}: {message}")]
    Csv {
        /// 1-based line of the input.
        line: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// The input has no header row or no columns.
    #[error("the data has no columns")]
    NoColumns,
    /// A row has a different number of fields than the header.
    #[error("line {line} has {found} fields, but the header has {expected}")]
    Ragged {
        /// 1-based line of the input (for [`Table::new`], the 1-based row).
        line: u64,
        /// Number of columns in the header.
        expected: usize,
        /// Number of fields found.
        found: usize,
    },
    /// Two columns share a name.
    #[error("column name {name:?} appears twice (columns {first} and {second})")]
    DuplicateColumn {
        /// The repeated name.
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
        /// The offending text.
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
        /// The requested name.
        name: String,
        /// The table's column names, comma separated.
        available: String,
    },
}

/// A named numeric data set: rows of respondents (or cases), columns of variables.
///
/// Cells are finite `f64` values or missing. The layout is row-major and contiguous, which
/// is what the scoring and estimation code reads fastest.
///
/// ```
/// use cocreate_core::data::Table;
///
/// let t = Table::new(
///     vec!["a".into(), "b".into()],
///     vec![vec![Some(1.0), None], vec![Some(2.0), Some(4.0)]],
/// )?;
/// assert_eq!(t.n_missing(), 1);
/// assert_eq!(t.column("b")?, vec![None, Some(4.0)]);
/// # Ok::<(), cocreate_core::data::DataError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Table {
    names: Vec<String>,
    n_rows: usize,
    /// Row-major cells; NaN marks a missing cell (input NaN is rejected).
    values: Vec<f64>,
    /// For tables read from text: the 1-based input line of each row.
    lines: Option<Vec<u64>>,
    /// Per column, the first cell that held text instead of a number: (line, text).
    text_cells: Vec<Option<(u64, String)>>,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("n_rows", &self.n_rows)
            .field("names", &self.names)
            .finish_non_exhaustive()
    }
}

fn check_names(names: &[String]) -> Result<(), DataError> {
    if names.is_empty() {
        return Err(DataError::NoColumns);
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(DataError::EmptyColumnName { column: i + 1 });
        }
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(DataError::DuplicateColumn {
                name: name.clone(),
                first: first + 1,
                second: i + 1,
            });
        }
        seen.insert(name, i);
    }
    Ok(())
}

/// Is this field a missing value in CSV input? Empty (after trimming) or `NA`.
fn is_missing_field(field: &str) -> bool {
    field.is_empty() || field == "NA"
}

/// A reader that remembers where every newline it passed on was, so that a byte offset
/// can be turned into a 1-based line number whatever the line endings.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: Vec<u64>,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            offset: 0,
            newlines: Vec::new(),
        }
    }

    /// The 1-based line of a record starting at `byte`. On CRLF input the csv reader
    /// places a record at the `\n` that ends the previous line, which therefore counts.
    fn line_at(&self, byte: u64) -> u64 {
        self.newlines.partition_point(|&nl| nl <= byte) as u64 + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                self.newlines.push(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl Table {
    /// Builds a table from column names and rows of optional values.
    ///
    /// Errors when the names are empty or repeated, a row's length differs from the number
    /// of names ([`DataError::Ragged`], naming the 1-based row), or a value is infinite or
    /// NaN ([`DataError::NonFinite`]); use `None` for a missing cell.
    ///
    /// ```
    /// use cocreate_core::data::{DataError, Table};
    ///
    /// let err = Table::new(vec!["x".into()], vec![vec![Some(f64::NAN)]]).unwrap_err();
    /// assert!(matches!(err, DataError::NonFinite { row: 1, .. }));
    /// ```
    pub fn new(names: Vec<String>, rows: Vec<Vec<Option<f64>>>) -> Result<Self, DataError> {
        check_names(&names)?;
        let n_cols = names.len();
        let mut values = Vec::with_capacity(rows.len() * n_cols);
        for (r, row) in rows.iter().enumerate() {
            if row.len() != n_cols {
                return Err(DataError::Ragged {
                    line: r as u64 + 1,
                    expected: n_cols,
                    found: row.len(),
                });
            }
            for (c, cell) in row.iter().enumerate() {
                match *cell {
                    Some(v) if !v.is_finite() => {
                        return Err(DataError::NonFinite {
                            row: r + 1,
                            column: names[c].clone(),
                            value: v.to_string(),
                        })
                    }
                    Some(v) => values.push(v),
                    None => values.push(f64::NAN),
                }
            }
        }
        Ok(Table {
            text_cells: vec![None; n_cols],
            names,
            n_rows: rows.len(),
            values,
            lines: None,
        })
    }

    /// Builds a table from a row-major buffer where `None` is missing.
    ///
    /// `cells.len()` must be a multiple of `names.len()`.
    ///
    /// ```
    /// use cocreate_core::data::Table;
    ///
    /// let t = Table::from_row_major(vec!["a".into(), "b".into()], &[Some(1.0), Some(2.0), None, Some(3.0)])?;
    /// assert_eq!(t.n_rows(), 2);
    /// assert_eq!(t.get(1, 0), None);
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_row_major(names: Vec<String>, cells: &[Option<f64>]) -> Result<Self, DataError> {
        check_names(&names)?;
        let n_cols = names.len();
        if cells.len() % n_cols != 0 {
            return Err(DataError::Ragged {
                line: (cells.len() / n_cols) as u64 + 1,
                expected: n_cols,
                found: cells.len() % n_cols,
            });
        }
        let rows = cells.chunks(n_cols).map(|c| c.to_vec()).collect();
        Table::new(names, rows)
    }

    /// Reads CSV text with a header row.
    ///
    /// Fields are trimmed; an empty field or `NA` is missing; numbers are parsed as `f64`.
    /// A field that is neither is remembered as text: reading succeeds, and the error
    /// ([`DataError::NotANumber`], with line and column) comes only when an analysis
    /// selects that column. Literal `Inf` or `NaN` in a numeric column are treated the same
    /// way, since a table never stores them as data.
    ///
    /// ```
    /// use cocreate_core::data::{DataError, Table};
    ///
    /// let err = Table::from_csv_reader("a,b\n1,2\n3\n".as_bytes()).unwrap_err();
    /// assert!(matches!(err, DataError::Ragged { line: 3, expected: 2, found: 1 }));
    /// ```
    pub fn from_csv_reader<R: Read>(reader: R) -> Result<Self, DataError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(LineCounter::new(reader));
        // The csv crate's own line numbers drift on CRLF input, so lines are derived
        // from byte offsets and the newline positions the wrapped reader has seen.
        let line_of = |rdr: &csv::Reader<LineCounter<R>>, pos: Option<&csv::Position>| {
            pos.map_or(0, |p| rdr.get_ref().line_at(p.byte()))
        };
        let header = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(DataError::Csv {
                    line: line_of(&rdr, e.position()),
                    message: e.to_string(),
                })
            }
        };
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                // A leading byte-order mark is not part of the first name.
                if i == 0 {
                    h.trim_start_matches('\u{feff}').to_string()
                } else {
                    h.to_string()
                }
            })
            .collect();
        if names.len() == 1 && names[0].is_empty() {
            return Err(DataError::NoColumns);
        }
        check_names(&names)?;
        let n_cols = names.len();
        let mut values = Vec::new();
        let mut lines = Vec::new();
        let mut text_cells: Vec<Option<(u64, String)>> = vec![None; n_cols];
        let mut record = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    return Err(DataError::Csv {
                        line: line_of(&rdr, e.position()),
                        message: e.to_string(),
                    })
                }
            }
            let line = line_of(&rdr, record.position());
            // A completely blank line is not a row.
            if record.len() == 1 && record[0].is_empty() && n_cols > 1 {
                continue;
            }
            if record.len() != n_cols {
                return Err(DataError::Ragged {
                    line,
                    expected: n_cols,
                    found: record.len(),
                });
            }
            for (c, field) in record.iter().enumerate() {
                if is_missing_field(field) {
                    values.push(f64::NAN);
                    continue;
                }
                match field.parse::<f64>() {
                    Ok(v) if v.is_finite() => values.push(v),
                    _ => {
                        if text_cells[c].is_none() {
                            text_cells[c] = Some((line, field.to_string()));
                        }
                        values.push(f64::NAN);
                    }
                }
            }
            lines.push(line);
        }
        Ok(Table {
            names,
            n_rows: lines.len(),
            values,
            lines: Some(lines),
            text_cells,
        })
    }

    /// Reads a CSV file with a header row; see [`Table::from_csv_reader`].
    ///
    /// ```no_run
    /// use cocreate_core::data::Table;
    ///
    /// let survey = Table::from_csv_path("examples/data/cocreation_survey.csv")?;
    /// println!("{} respondents", survey.n_rows());
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, DataError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Table::from_csv_reader(std::io::BufReader::new(file))
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.names.len()
    }

    /// Position of a column, if present.
    ///
    /// ```
    /// # use cocreate_core::data::Table;
    /// let t = Table::new(vec!["a".into(), "b".into()], vec![])?;
    /// assert_eq!(t.column_index("b"), Some(1));
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The cell at (`row`, `col`), zero-based; `None` when missing or out of bounds.
    pub fn get(&self, row: usize, col: usize) -> Option<f64> {
        if row >= self.n_rows || col >= self.n_cols() {
            return None;
        }
        let v = self.values[row * self.n_cols() + col];
        (!v.is_nan()).then_some(v)
    }

    /// All cells, row-major; NaN marks a missing cell (a table never holds NaN as data).
    ///
    /// Columns that hold text read as missing here; use [`Table::select`] to check them.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// One row's cells; NaN marks a missing cell. Panics if `row >= n_rows()`; use
    /// [`Table::get`] for checked access.
    pub fn row(&self, row: usize) -> &[f64] {
        let k = self.n_cols();
        &self.values[row * k..(row + 1) * k]
    }

    /// The 1-based line of the input a row came from (tables read from CSV), else the
    /// 1-based row number. Use it in error messages.
    pub fn source_line(&self, row: usize) -> u64 {
        match &self.lines {
            Some(lines) => lines.get(row).copied().unwrap_or(row as u64 + 2),
            None => row as u64 + 1,
        }
    }

    /// Whether row numbers in messages should read "line" (CSV input) or "row".
    pub fn has_source_lines(&self) -> bool {
        self.lines.is_some()
    }

    /// Number of missing cells.
    pub fn n_missing(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }

    /// A column by name, with `None` for missing cells.
    ///
    /// Errors when the column does not exist or holds text.
    pub fn column(&self, name: &str) -> Result<Vec<Option<f64>>, DataError> {
        let c = self.checked_index(name)?;
        let k = self.n_cols();
        Ok((0..self.n_rows)
            .map(|r| {
                let v = self.values[r * k + c];
                (!v.is_nan()).then_some(v)
            })
            .collect())
    }

    fn checked_index(&self, name: &str) -> Result<usize, DataError> {
        let c = self
            .column_index(name)
            .ok_or_else(|| DataError::UnknownColumn {
                name: name.to_string(),
                available: self.names.join(", "),
            })?;
        if let Some((line, text)) = &self.text_cells[c] {
            return Err(DataError::NotANumber {
                line: *line,
                column: name.to_string(),
                value: text.clone(),
            });
        }
        Ok(c)
    }

    /// A new table with only the named columns, in the order given.
    ///
    /// Errors when a name is unknown, repeated, or its column holds text.
    ///
    /// ```
    /// # use cocreate_core::data::Table;
    /// let t = Table::from_csv_reader("a,b,c\n1,2,3\n".as_bytes())?;
    /// let s = t.select(&["c", "a"])?;
    /// assert_eq!(s.names(), ["c", "a"]);
    /// assert_eq!(s.row(0), [3.0, 1.0]);
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, DataError> {
        let idx = names
            .iter()
            .map(|n| self.checked_index(n.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        let new_names: Vec<String> = names.iter().map(|n| n.as_ref().to_string()).collect();
        check_names(&new_names)?;
        let k = self.n_cols();
        let mut values = Vec::with_capacity(self.n_rows * idx.len());
        for r in 0..self.n_rows {
            let row = &self.values[r * k..(r + 1) * k];
            values.extend(idx.iter().map(|&c| row[c]));
        }
        Ok(Table {
            text_cells: vec![None; idx.len()],
            names: new_names,
            n_rows: self.n_rows,
            values,
            lines: self.lines.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_missing_and_text() {
        let t = Table::from_csv_reader("a, b ,c\n1, ,x\nNA,2.5,3\n".as_bytes()).unwrap();
        assert_eq!(t.names(), ["a", "b", "c"]);
        assert_eq!(t.get(0, 1), None);
        assert_eq!(t.get(1, 0), None);
        assert_eq!(t.get(1, 1), Some(2.5));
        let err = t.select(&["c"]).unwrap_err();
        match err {
            DataError::NotANumber {
                line,
                column,
                value,
            } => {
                assert_eq!((line, column.as_str(), value.as_str()), (2, "c", "x"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(t.source_line(1), 3);
    }

    #[test]
    fn line_numbers_survive_crlf_and_quoted_newlines() {
        let t = Table::from_csv_reader("a,b\r\n1,2\r\n3,x\r\n".as_bytes()).unwrap();
        assert_eq!((t.source_line(0), t.source_line(1)), (2, 3));
        assert!(t.select(&["b"]).unwrap_err().to_string().contains("line 3"));
        let t = Table::from_csv_reader("a,b\n1,\"two\nlines\"\n3,4\n".as_bytes()).unwrap();
        assert_eq!((t.source_line(0), t.source_line(1)), (2, 4));
        let err = Table::from_csv_reader("a,b\r\n1,2\r\n3\r\n".as_bytes()).unwrap_err();
        assert!(matches!(err, DataError::Ragged { line: 3, .. }));
    }

    #[test]
    fn rejects_duplicates_and_infinite() {
        let err = Table::from_csv_reader("a,a\n1,2\n".as_bytes()).unwrap_err();
        assert!(matches!(
            err,
            DataError::DuplicateColumn {
                first: 1,
                second: 2,
                ..
            }
        ));
        let err = Table::new(vec!["x".into()], vec![vec![Some(f64::INFINITY)]]).unwrap_err();
        assert!(err.to_string().contains("not a finite number"));
        let t = Table::from_csv_reader("x\ninf\n".as_bytes()).unwrap();
        assert!(t.select(&["x"]).is_err());
    }

    #[test]
    fn unknown_column_lists_available() {
        let t = Table::new(vec!["a".into()], vec![vec![Some(1.0)]]).unwrap();
        let msg = t.select(&["z"]).unwrap_err().to_string();
        assert!(msg.contains("\"z\"") && msg.contains("a"), "{msg}");
    }

    #[test]
    fn empty_input_has_no_columns() {
        assert!(matches!(
            Table::from_csv_reader("".as_bytes()),
            Err(DataError::NoColumns)
        ));
    }
}
