//! Writing a table as CSV, in the form [`Table::from_csv_reader_with`] reads back.

use std::io::Write;
use std::path::Path;

use super::error::DataError;
use super::options::CsvOptions;
use super::table::Table;

impl Table {
    /// Writes the table as CSV with a header row, comma separated; see
    /// [`Table::write_csv_with`].
    ///
    /// ```
    /// use cocreate_core::data::Table;
    ///
    /// let t = Table::new(vec!["x".into(), "y".into()], vec![vec![Some(1.0), None], vec![Some(2.5), Some(-3.0)]])?
    ///     .with_ids("id", vec!["R1".into(), "R2".into()])?;
    /// let mut out = Vec::new();
    /// t.write_csv(&mut out)?;
    /// assert_eq!(String::from_utf8(out).unwrap(), "id,x,y\nR1,1,NA\nR2,2.5,-3\n");
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn write_csv(&self, writer: impl Write) -> Result<(), DataError> {
        self.write_csv_with(writer, &CsvOptions::default())
    }

    /// Writes the table as CSV with a header row and the delimiter of `opts`.
    ///
    /// The row identifiers, when the table has them and their column is not one of its
    /// columns, come first, under their column's name; an identifier column that is also
    /// a column of numbers is written as its text (so `0042` stays `0042`). Numbers are
    /// written in the shortest form that reads back to the same value (`3`, `2.5`,
    /// `1e-7`), a missing cell as `NA`, and text holding the delimiter, a quote, a line
    /// break or surrounding spaces in quotes (RFC 4180). Reading the output with the
    /// same options gives the same names, values and identifiers.
    pub fn write_csv_with(&self, writer: impl Write, opts: &CsvOptions) -> Result<(), DataError> {
        let mut out = std::io::BufWriter::new(writer);
        self.write_to(&mut out, opts)
            .and_then(|()| out.flush())
            .map_err(|source| DataError::Write { source })
    }

    /// Writes the table as CSV to a file (created or truncated); see
    /// [`Table::write_csv_with`].
    pub fn write_csv_path(&self, path: impl AsRef<Path>) -> Result<(), DataError> {
        self.write_csv_path_with(path, &CsvOptions::default())
    }

    /// [`Table::write_csv_path`] with the delimiter of `opts`.
    pub fn write_csv_path_with(
        &self,
        path: impl AsRef<Path>,
        opts: &CsvOptions,
    ) -> Result<(), DataError> {
        let path = path.as_ref();
        let io = |source| DataError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::create(path).map_err(io)?;
        let mut out = std::io::BufWriter::new(file);
        self.write_to(&mut out, opts)
            .and_then(|()| out.flush())
            .map_err(io)
    }

    fn write_to(&self, out: &mut impl Write, opts: &CsvOptions) -> std::io::Result<()> {
        let d = opts.delimiter();
        let ids = self.ids.as_ref();
        let id_col = ids.and_then(|i| self.names.iter().position(|n| *n == i.column));
        let lead = ids.filter(|_| id_col.is_none());
        let mut first = true;
        let field = |out: &mut dyn Write, text: &str, first: &mut bool| {
            if !*first {
                out.write_all(&[d])?;
            }
            *first = false;
            write_field(out, text, d)
        };
        if let Some(i) = lead {
            field(out, &i.column, &mut first)?;
        }
        for name in &self.names {
            field(out, name, &mut first)?;
        }
        out.write_all(b"\n")?;
        let k = self.names.len();
        let mut buf = String::new();
        for r in 0..self.n_rows {
            let mut first = true;
            if let Some(i) = lead {
                field(out, &i.values[r], &mut first)?;
            }
            for (c, &v) in self.values[r * k..(r + 1) * k].iter().enumerate() {
                if Some(c) == id_col {
                    if let Some(i) = ids {
                        field(out, &i.values[r], &mut first)?;
                        continue;
                    }
                }
                buf.clear();
                number(&mut buf, v);
                field(out, &buf, &mut first)?;
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// A number in the shortest form that reads back to itself: whole numbers without a
/// fraction, others as Rust's shortest round-trip form; `NA` for a missing cell.
fn number(buf: &mut String, v: f64) {
    use std::fmt::Write as _;
    if v.is_nan() {
        buf.push_str("NA");
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        let _ = write!(buf, "{}", v as i64);
    } else {
        let _ = write!(buf, "{v:?}");
    }
}

/// One field, quoted when the reader would otherwise split, trim or misread it.
fn write_field(out: &mut dyn Write, text: &str, delimiter: u8) -> std::io::Result<()> {
    let needs_quotes = text
        .bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
        || text.starts_with(|c: char| c.is_ascii_whitespace())
        || text.ends_with(|c: char| c.is_ascii_whitespace())
        // An empty field alone on its line (an empty identifier in a table of ids only)
        // would be read as a blank line.
        || text.is_empty();
    if !needs_quotes {
        return out.write_all(text.as_bytes());
    }
    out.write_all(b"\"")?;
    out.write_all(text.replace('"', "\"\"").as_bytes())?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_after_a_blank_line_and_spaces_is_not_a_name() {
        // Found by the table_csv fuzz target: a header line after a lone CR, with spaces
        // before U+FEFF, kept the mark as the first name; written back first in a file it
        // was read as a byte-order mark, the header became a blank line and the row was
        // lost. The mark is now stripped wherever the header is, so the name is empty and
        // refused.
        let opts = CsvOptions::builder().delimiter(b';').build().unwrap();
        for input in [
            &b"\r\t\t\t\xEF\xBB\xBF\t\t\t\rd\r"[..],
            &b"\r\t\t\xEF\xBB\xBF\t\xEF\xBB\xBF\t\t\t\rd\r"[..],
        ] {
            let err = Table::from_csv_reader_with(input, &opts).unwrap_err();
            assert!(err.to_string().contains("empty name"), "{err}");
        }
    }

    #[test]
    fn writing_and_reading_back_gives_the_same_table() {
        let t = Table::new(
            vec!["x".into(), "a,b".into(), "q\"uote".into()],
            vec![
                vec![Some(1.0), Some(0.1), None],
                vec![Some(-2.5e-9), Some(1e300), Some(3.0)],
            ],
        )
        .unwrap()
        .with_ids("respondent", vec!["R 1".into(), "0042".into()])
        .unwrap();
        for d in [b',', b';', b'\t'] {
            let opts = CsvOptions::builder()
                .delimiter(d)
                .id_column("respondent")
                .build()
                .unwrap();
            let mut out = Vec::new();
            t.write_csv_with(&mut out, &opts).unwrap();
            let back = Table::from_csv_reader_with(out.as_slice(), &opts).unwrap();
            assert_eq!(back.names()[1..], t.names()[..]);
            assert_eq!(back.ids(), t.ids());
            for r in 0..2 {
                for c in 0..3 {
                    assert_eq!(back.get(r, c + 1), t.get(r, c));
                }
            }
        }
    }

    #[test]
    fn an_id_column_of_numbers_is_written_as_its_text() {
        let t = Table::from_csv_str("id,x\n0042,1\n7,2\n").unwrap();
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "id,x\n0042,1\n7,2\n");
    }
}
