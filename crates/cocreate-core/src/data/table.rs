//! The table itself: named columns of numbers or missing cells, row by row, with the
//! row identifiers and what the reader noticed.

use std::collections::HashMap;
use std::fmt;

use super::error::{DataError, DataWarning, TextCell};
use super::{excerpt, name_list, MAX_CELLS, MAX_COLUMNS};

/// Row identifiers carried with a table: the column they came from and one per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ids {
    pub(crate) column: String,
    pub(crate) values: Vec<String>,
}

/// Per column, the cells that held text: how many, and the first three.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct TextCells {
    pub(super) n: usize,
    pub(super) first: Vec<TextCell>,
}

/// A named numeric data set: rows of respondents (or cases), columns of variables.
///
/// Cells are finite `f64` values or missing. The layout is row-major and contiguous, which
/// is what the scoring and estimation code reads fastest. Tables read from CSV also keep
/// the text of their identifier columns ([`Table::ids`], [`Table::text`]) and a note of
/// every other column that holds text ([`Table::warnings`]).
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
#[derive(Clone)]
pub struct Table {
    pub(super) names: Vec<String>,
    pub(super) n_rows: usize,
    /// Row-major cells; NaN marks a missing cell (input NaN is rejected).
    pub(super) values: Vec<f64>,
    /// For tables read from text: the 1-based input line of each row.
    pub(super) lines: Option<Vec<u64>>,
    /// Per column, the cells that held text instead of a number.
    pub(super) text_cells: Vec<TextCells>,
    /// Per column, the raw text of every row, kept for identifier columns.
    pub(super) texts: Vec<Option<Vec<String>>>,
    /// The row identifiers, carried through [`Table::select`].
    pub(super) ids: Option<Ids>,
    /// Blank lines skipped between the rows of a one-column file: (count, first line).
    pub(super) blank_lines: Option<(u64, u64)>,
}

/// Equal when the names, cells (a missing cell equals a missing cell), identifiers,
/// source lines and the reader's notes are.
impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
            && self.n_rows == other.n_rows
            && self.values.len() == other.values.len()
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
            && self.lines == other.lines
            && self.text_cells == other.text_cells
            && self.texts == other.texts
            && self.ids == other.ids
            && self.blank_lines == other.blank_lines
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("n_rows", &self.n_rows)
            .field("names", &self.names)
            .field("id_column", &self.id_column())
            .finish_non_exhaustive()
    }
}

pub(crate) fn check_names(names: &[String]) -> Result<(), DataError> {
    if names.is_empty() {
        return Err(DataError::NoColumns);
    }
    if names.len() > MAX_COLUMNS {
        return Err(DataError::TooLarge {
            what: format!("the number of columns ({})", names.len()),
            limit: MAX_COLUMNS as u64,
            line: 1,
        });
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(DataError::EmptyColumnName { column: i + 1 });
        }
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(DataError::DuplicateColumn {
                name: excerpt(name),
                first: first + 1,
                second: i + 1,
            });
        }
        seen.insert(name, i);
    }
    Ok(())
}

/// Is this field a missing value in CSV input? Empty (after trimming) or `NA`.
pub(crate) fn is_missing_field(field: &str) -> bool {
    field.is_empty() || field == "NA"
}

impl Table {
    pub(super) fn from_parts(names: Vec<String>, n_rows: usize, values: Vec<f64>) -> Table {
        let k = names.len();
        Table {
            text_cells: vec![TextCells::default(); k],
            texts: vec![None; k],
            names,
            n_rows,
            values,
            lines: None,
            ids: None,
            blank_lines: None,
        }
    }

    /// Builds a table from column names and rows of optional values.
    ///
    /// Errors when the names are empty or repeated, a row's length differs from the number
    /// of names ([`DataError::Ragged`], naming the 1-based row), a value is infinite or
    /// NaN ([`DataError::NonFinite`]; use `None` for a missing cell), or the table is
    /// larger than [`MAX_CELLS`].
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
        check_cells(rows.len(), n_cols, rows.len() as u64)?;
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
        Ok(Table::from_parts(names, rows.len(), values))
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
        let n_rows = cells.len() / n_cols;
        check_cells(n_rows, n_cols, n_rows as u64)?;
        let mut values = Vec::with_capacity(cells.len());
        for (i, cell) in cells.iter().enumerate() {
            match *cell {
                Some(v) if !v.is_finite() => {
                    return Err(DataError::NonFinite {
                        row: i / n_cols + 1,
                        column: names[i % n_cols].clone(),
                        value: v.to_string(),
                    })
                }
                Some(v) => values.push(v),
                None => values.push(f64::NAN),
            }
        }
        Ok(Table::from_parts(names, n_rows, values))
    }

    /// The same table with row identifiers: `ids` (one per row) from a column named
    /// `column`. Scoring and prediction carry them to their results.
    ///
    /// ```
    /// use cocreate_core::data::Table;
    ///
    /// let t = Table::new(vec!["x".into()], vec![vec![Some(1.0)], vec![None]])?
    ///     .with_ids("id", vec!["R1".into(), "R2".into()])?;
    /// assert_eq!(t.ids().unwrap(), ["R1", "R2"]);
    /// assert_eq!(t.id_column(), Some("id"));
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn with_ids(
        mut self,
        column: impl Into<String>,
        ids: Vec<String>,
    ) -> Result<Self, DataError> {
        if ids.len() != self.n_rows {
            return Err(DataError::IdLength {
                expected: self.n_rows,
                found: ids.len(),
            });
        }
        self.ids = Some(Ids {
            column: column.into(),
            values: ids,
        });
        Ok(self)
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

    /// The row identifiers, one per row, when the table has an identifier column (read
    /// from CSV) or was given ids ([`Table::with_ids`]); carried by [`Table::select`].
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_ref().map(|i| i.values.as_slice())
    }

    /// The name of the column the identifiers came from.
    pub fn id_column(&self) -> Option<&str> {
        self.ids.as_ref().map(|i| i.column.as_str())
    }

    pub(crate) fn ids_parts(&self) -> Option<&Ids> {
        self.ids.as_ref()
    }

    /// The text of every row of an identifier column; `None` for other columns.
    pub fn text(&self, name: &str) -> Option<&[String]> {
        let c = self.column_index(name)?;
        self.texts[c].as_deref()
    }

    /// What the reader noticed without refusing: columns that mix numbers and text, and
    /// blank lines skipped in a one-column file.
    /// Identifier columns and columns that hold only text (a school name) are not
    /// reported; using the latter as numbers is an error.
    pub fn warnings(&self) -> Vec<DataWarning> {
        self.text_cells
            .iter()
            .enumerate()
            .filter(|(c, t)| {
                t.n > 0 && self.texts[*c].is_none() && t.n < self.n_rows_with_values(*c, t.n)
            })
            .map(|(c, t)| DataWarning::TextInNumericColumn {
                column: self.names[c].clone(),
                n_text: t.n,
                first: t.first.clone(),
            })
            .chain(
                self.blank_lines
                    .map(|(count, first_line)| DataWarning::BlankLinesSkipped {
                        count,
                        first_line,
                    }),
            )
            .collect()
    }

    /// Rows of column `c` that are not missing (text counts as not missing).
    fn n_rows_with_values(&self, c: usize, n_text: usize) -> usize {
        let k = self.n_cols();
        n_text
            + (0..self.n_rows)
                .filter(|r| !self.values[r * k + c].is_nan())
                .count()
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
                name: excerpt(name),
                available: name_list(&self.names),
            })?;
        if let Some(first) = self.text_cells[c].first.first() {
            return Err(DataError::NotANumber {
                line: first.line,
                column: excerpt(name),
                value: first.text.clone(),
            });
        }
        Ok(c)
    }

    /// A new table with only the named columns, in the order given, and the same row
    /// identifiers.
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
        let mut out = Table::from_parts(new_names, self.n_rows, values);
        out.lines = self.lines.clone();
        out.ids = self.ids.clone();
        Ok(out)
    }
}

impl Table {
    /// Adds a column at the right, `None` for a missing cell.
    ///
    /// Errors when the name is empty or already taken, the number of values differs
    /// from the number of rows ([`DataError::ColumnLength`]), a value is infinite or NaN,
    /// or the table would outgrow [`MAX_CELLS`] or [`MAX_COLUMNS`].
    ///
    /// ```
    /// use cocreate_core::data::{DataError, Table};
    ///
    /// let mut t = Table::from_csv_str("id,x\nR1,1\nR2,2\n")?;
    /// let doubled: Vec<Option<f64>> = t.column("x")?.iter().map(|v| v.map(|x| 2.0 * x)).collect();
    /// t.add_column("x2", doubled)?;
    /// assert_eq!(t.names(), ["id", "x", "x2"]);
    /// assert_eq!(t.get(1, 2), Some(4.0));
    /// let err = t.add_column("x3", vec![Some(1.0)]).unwrap_err();
    /// assert!(matches!(err, DataError::ColumnLength { expected: 2, found: 1, .. }));
    /// # Ok::<(), DataError>(())
    /// ```
    pub fn add_column(
        &mut self,
        name: impl Into<String>,
        values: Vec<Option<f64>>,
    ) -> Result<(), DataError> {
        let name = name.into();
        let mut names = self.names.clone();
        names.push(name.clone());
        check_names(&names)?;
        if values.len() != self.n_rows {
            return Err(DataError::ColumnLength {
                column: excerpt(&name),
                expected: self.n_rows,
                found: values.len(),
            });
        }
        check_cells(self.n_rows, names.len(), self.n_rows as u64)?;
        if let Some((r, v)) = values
            .iter()
            .enumerate()
            .find_map(|(r, v)| v.filter(|x| !x.is_finite()).map(|x| (r, x)))
        {
            return Err(DataError::NonFinite {
                row: r + 1,
                column: excerpt(&name),
                value: v.to_string(),
            });
        }
        let k = self.names.len();
        let mut out = Vec::with_capacity(self.n_rows * (k + 1));
        for (r, v) in values.iter().enumerate() {
            out.extend_from_slice(&self.values[r * k..(r + 1) * k]);
            out.push(v.unwrap_or(f64::NAN));
        }
        self.values = out;
        self.names = names;
        self.text_cells.push(TextCells::default());
        self.texts.push(None);
        Ok(())
    }

    /// The rows as `Option`s, row by row (`None` for a missing cell).
    #[cfg(feature = "serde")]
    pub(super) fn rows(&self) -> Vec<Vec<Option<f64>>> {
        let k = self.names.len();
        (0..self.n_rows)
            .map(|r| {
                self.values[r * k..(r + 1) * k]
                    .iter()
                    .map(|&v| (!v.is_nan()).then_some(v))
                    .collect()
            })
            .collect()
    }
}

/// The serialised form of a [`Table`]: names, rows with `null` for a missing cell, and
/// the row identifiers; read back through [`Table::new`] and [`Table::with_ids`]. Source
/// lines and the reader's notes about text are not kept.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TableRepr {
    names: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ids: Option<Vec<String>>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Table {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        TableRepr {
            names: self.names.clone(),
            rows: self.rows(),
            id_column: self.ids.as_ref().map(|i| i.column.clone()),
            ids: self.ids.as_ref().map(|i| i.values.clone()),
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Table {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let r = TableRepr::deserialize(deserializer)?;
        let table = Table::new(r.names, r.rows).map_err(serde::de::Error::custom)?;
        match (r.id_column, r.ids) {
            (None, None) => Ok(table),
            (Some(column), Some(ids)) => table
                .with_ids(column, ids)
                .map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom(
                "`id_column` and `ids` go together: give both or neither",
            )),
        }
    }
}

/// Checks `rows × cols` against [`MAX_CELLS`].
pub(super) fn check_cells(rows: usize, cols: usize, line: u64) -> Result<(), DataError> {
    if rows.saturating_mul(cols) > MAX_CELLS {
        return Err(DataError::TooLarge {
            what: format!("a table of {rows} rows × {cols} columns"),
            limit: MAX_CELLS as u64,
            line,
        });
    }
    Ok(())
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
