//! Reading CSV into a [`Table`]: the options, the line counting and the reader itself.

use std::io::Read;
use std::path::Path;

use std::collections::VecDeque;

use super::error::{DataError, TextCell};
use super::options::CsvOptions;
use super::table::{check_cells, check_names, is_missing_field, Ids, Table, TextCells};
use super::{excerpt, name_list, MAX_COLUMNS, MAX_RECORD_BYTES};
/// A reader that counts line breaks (`\n`, `\r\n` and a lone `\r`, as the CSV reader
/// does) so that a byte offset can be turned into a 1-based line number whatever the
/// line endings, and that stops a record from growing past [`MAX_RECORD_BYTES`].
///
/// Only the breaks ahead of the last position asked about are kept, so memory stays
/// bounded by the CSV reader's buffer whatever the number of lines.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// Line breaks seen but not yet passed by a query.
    pending: VecDeque<u64>,
    /// Line breaks passed by queries.
    passed: u64,
    /// Position of a `\r` whose next byte is not yet known.
    cr: Option<u64>,
    /// Where the current record started, for the record-size limit.
    record_start: u64,
    /// Set when the record-size limit stopped reading.
    too_long: bool,
    /// The field delimiter, for following quotes.
    delimiter: u8,
    /// Where the bytes read so far leave a CSV lexer (RFC 4180, as the csv crate reads).
    quote: FieldState,
    /// Line breaks read so far (a lone `\r` counted once its next byte is known).
    breaks: u64,
    /// The line of the quote that opened the field still open.
    open_quote_line: u64,
    /// Set once the underlying reader reported the end of the input.
    eof: bool,
}

/// The state of a field as far as quotes go: a quote is special only at a field's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldState {
    /// At the start of a field.
    Start,
    /// In an unquoted field (a `"` here is a literal character).
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a `"` inside a quoted field: the end of the quotes, or half of `""`.
    AfterQuote,
}

impl<R> LineCounter<R> {
    fn new(inner: R, delimiter: u8) -> Self {
        LineCounter {
            inner,
            offset: 0,
            pending: VecDeque::new(),
            passed: 0,
            cr: None,
            record_start: 0,
            too_long: false,
            delimiter,
            quote: FieldState::Start,
            breaks: 0,
            open_quote_line: 0,
            eof: false,
        }
    }

    /// The line of a quote left open at the end of the input, if any: the csv reader
    /// would read everything after it as one field, so the file is refused instead.
    fn unterminated_quote(&self) -> Option<u64> {
        (self.eof && self.quote == FieldState::Quoted).then_some(self.open_quote_line)
    }

    /// Follows one byte through the quote states.
    fn follow_quotes(&mut self, b: u8) {
        let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
        self.quote = match (self.quote, b) {
            (FieldState::Start, b'"') => {
                self.open_quote_line = self.breaks + 1 + u64::from(self.cr.is_some());
                FieldState::Quoted
            }
            (FieldState::Start | FieldState::Unquoted | FieldState::AfterQuote, _)
                if ends_field =>
            {
                FieldState::Start
            }
            (FieldState::Start | FieldState::Unquoted, _) => FieldState::Unquoted,
            (FieldState::Quoted, b'"') => FieldState::AfterQuote,
            (FieldState::Quoted, _) => FieldState::Quoted,
            (FieldState::AfterQuote, b'"') => FieldState::Quoted,
            (FieldState::AfterQuote, _) => FieldState::Unquoted,
        };
    }

    /// The 1-based line of the byte at `byte`: one plus the line breaks before it.
    /// Queries must not go backwards.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.pending.front().is_some_and(|&nl| nl < byte) {
            self.pending.pop_front();
            self.passed += 1;
        }
        if self.cr.is_some_and(|cr| cr < byte) {
            // A `\r` whose next byte is not read yet cannot end in `\r\n` before `byte`.
            return self.passed + 2;
        }
        self.passed + 1
    }

    /// The line reached so far, for errors without a position.
    fn current_line(&self) -> u64 {
        self.passed + self.pending.len() as u64 + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset.saturating_sub(self.record_start) > MAX_RECORD_BYTES {
            self.too_long = true;
            return Err(std::io::Error::other("record too long"));
        }
        let n = self.inner.read(buf)?;
        self.eof |= n == 0 && !buf.is_empty();
        // The csv reader skips a leading byte-order mark; so does the quote lexer.
        let bom = usize::from(self.offset == 0 && buf[..n].starts_with(b"\xef\xbb\xbf")) * 3;
        for (i, &b) in buf[..n].iter().enumerate() {
            let at = self.offset + i as u64;
            if i >= bom {
                self.follow_quotes(b);
            }
            match b {
                b'\n' => {
                    self.cr = None;
                    self.pending.push_back(at);
                    self.breaks += 1;
                }
                b'\r' => {
                    if let Some(cr) = self.cr.replace(at) {
                        self.pending.push_back(cr);
                        self.breaks += 1;
                    }
                }
                _ => {
                    if let Some(cr) = self.cr.take() {
                        self.pending.push_back(cr);
                        self.breaks += 1;
                    }
                }
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Line breaks inside a record's fields (quoted `\n`, `\r\n` or lone `\r`).
fn inner_breaks(record: &csv::ByteRecord) -> u64 {
    let bytes = record.as_slice();
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// The 1-based line a record just read starts on. The csv reader skips blank lines
/// and reports where it began parsing, so the line is found from where the record
/// ended (its last byte: the terminator or the end of the input) less the line breaks
/// inside its quoted fields.
fn record_line<R: Read>(rdr: &mut csv::Reader<LineCounter<R>>, record: &csv::ByteRecord) -> u64 {
    let end = rdr.position().byte();
    let last = rdr.get_mut().line_at(end.saturating_sub(1));
    last.saturating_sub(inner_breaks(record)).max(1)
}

/// Refuses input that ends inside a quoted field (checked once the reader is at the
/// end, before the last record is used).
fn check_quotes<R: Read>(rdr: &csv::Reader<LineCounter<R>>) -> Result<(), DataError> {
    match rdr.get_ref().unterminated_quote() {
        Some(line) => Err(DataError::Csv {
            line,
            message: "a quoted field opened on this line is never closed, so every line after it would be read as one field".into(),
        }),
        None => Ok(()),
    }
}

/// Whether a field is empty once ASCII whitespace is trimmed.
pub(crate) fn trim_bytes_empty(field: &[u8]) -> bool {
    field.iter().all(u8::is_ascii_whitespace)
}

/// The first name of a header: byte-order marks and ASCII whitespace, in any mix, are
/// not part of it, wherever the header line is.
pub(crate) fn first_header_name(field: &str) -> &str {
    trim(field.trim_start_matches(|c: char| c == '\u{feff}' || c.is_ascii_whitespace()))
}

/// ASCII whitespace trimmed from both ends (as `csv::Trim::All` would).
pub(crate) fn trim(field: &str) -> &str {
    field.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Is `name` an identifier column under `opts`?
fn is_id_column(name: &str, opts: &CsvOptions) -> bool {
    if opts.id_columns().is_empty() {
        name.eq_ignore_ascii_case("id")
    } else {
        opts.id_columns().iter().any(|c| c == name)
    }
}

/// Which columns of a header are identifier columns under `opts` (their text is kept),
/// and which one gives the row identifiers: the first named in `opts`, else the first
/// column named `id` in any case. Errors when `opts` names a column the header lacks.
pub(crate) fn id_columns(
    names: &[String],
    opts: &CsvOptions,
) -> Result<(Vec<bool>, Option<usize>), DataError> {
    let mut is_id: Vec<bool> = names.iter().map(|n| is_id_column(n, opts)).collect();
    for wanted in opts.id_columns() {
        if !names.contains(wanted) {
            return Err(DataError::UnknownColumn {
                name: excerpt(wanted),
                available: name_list(names),
            });
        }
    }
    let first_id = match opts.id_columns().first() {
        Some(w) => names.iter().position(|n| n == w),
        None => is_id.iter().position(|&b| b),
    };
    if let Some(f) = first_id {
        is_id[f] = true;
    }
    Ok((is_id, first_id))
}

impl Table {
    /// Reads CSV text with a header row, comma separated, with `id` (any case) as the
    /// identifier column; see [`Table::from_csv_reader_with`].
    ///
    /// ```
    /// use cocreate_core::data::{DataError, Table};
    ///
    /// let err = Table::from_csv_reader("a,b\n1,2\n3\n".as_bytes()).unwrap_err();
    /// assert!(matches!(err, DataError::Ragged { line: 3, expected: 2, found: 1 }));
    /// ```
    pub fn from_csv_reader<R: Read>(reader: R) -> Result<Self, DataError> {
        Table::from_csv_reader_with(reader, &CsvOptions::default())
    }

    /// Reads CSV text with a header row; see [`Table::from_csv_reader_with`].
    ///
    /// ```
    /// use cocreate_core::data::Table;
    ///
    /// let t = Table::from_csv_str("id,x\nR1,1.5\nR2,NA\n")?;
    /// assert_eq!(t.column("x")?, vec![Some(1.5), None]);
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_csv_str(csv: &str) -> Result<Self, DataError> {
        Table::from_csv_reader_with(csv.as_bytes(), &CsvOptions::default())
    }

    /// [`Table::from_csv_str`] under `opts` (delimiter, identifier columns).
    pub fn from_csv_str_with(csv: &str, opts: &CsvOptions) -> Result<Self, DataError> {
        Table::from_csv_reader_with(csv.as_bytes(), opts)
    }

    /// Reads CSV text with a header row (RFC 4180: a `"` is special only at the start
    /// of a field; lines end in `\n`, `\r\n` or a lone `\r`; a leading byte-order mark
    /// is skipped).
    ///
    /// Fields are trimmed; an empty field or `NA` is missing; numbers are parsed as `f64`.
    /// A field that is neither is remembered as text: reading succeeds, a column that
    /// mixes numbers and text gets a [`super::DataWarning`], and the error
    /// ([`DataError::NotANumber`], with line and column) comes only when an analysis
    /// selects that column. Literal `Inf` or `NaN` count as text, since a table never
    /// stores them as data. Identifier columns (see [`CsvOptions`]) keep the text of
    /// every row as [`Table::ids`]. Errors name the line and column; quoted text is cut
    /// to [`super::EXCERPT_CHARS`] characters.
    ///
    /// ```
    /// use cocreate_core::data::{CsvOptions, Table};
    ///
    /// let t = Table::from_csv_reader_with("ID,x\nR1,1\nR2,two\n".as_bytes(), &CsvOptions::default())?;
    /// assert_eq!(t.ids().unwrap(), ["R1", "R2"]);
    /// assert!(t.warnings()[0].to_string().contains("line 3 \"two\""));
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_csv_reader_with<R: Read>(reader: R, opts: &CsvOptions) -> Result<Self, DataError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(opts.delimiter())
            .from_reader(LineCounter::new(reader, opts.delimiter()));
        // The csv crate's own line numbers drift on CRLF and lone-CR input, so lines are
        // derived from byte offsets and the line breaks the wrapped reader has seen.
        fn fail<R: Read>(rdr: &mut csv::Reader<LineCounter<R>>, e: csv::Error) -> DataError {
            let counter = rdr.get_mut();
            let line = match e.position() {
                Some(p) => counter.line_at(p.byte()),
                None => counter.current_line(),
            };
            if counter.too_long {
                return DataError::TooLarge {
                    what: "one record (row)".into(),
                    limit: MAX_RECORD_BYTES,
                    line,
                };
            }
            match e.kind() {
                csv::ErrorKind::Io(io) => DataError::Read {
                    line,
                    message: io.to_string(),
                },
                _ => DataError::Csv {
                    line,
                    message: excerpt(&e.to_string()),
                },
            }
        }
        let mut record = csv::ByteRecord::new();
        // The header: the first record that is not a blank line.
        // The line a record would start on if no blank line came before it.
        let mut next_line: u64;
        let names: Vec<String> = loop {
            match rdr.read_byte_record(&mut record) {
                Ok(true) => check_quotes(&rdr)?,
                Ok(false) => return Err(DataError::NoColumns),
                Err(e) => return Err(fail(&mut rdr, e)),
            }
            if record.len() == 1 && trim_bytes_empty(&record[0]) {
                continue;
            }
            let line = record_line(&mut rdr, &record);
            next_line = line + inner_breaks(&record) + 1;
            if record.len() > MAX_COLUMNS {
                return Err(DataError::TooLarge {
                    what: format!("the number of columns ({})", record.len()),
                    limit: MAX_COLUMNS as u64,
                    line,
                });
            }
            let mut names = Vec::with_capacity(record.len());
            for (i, h) in record.iter().enumerate() {
                let h = std::str::from_utf8(h).map_err(|_| DataError::NotUtf8 {
                    line,
                    column: format!("{} of the header", i + 1),
                })?;
                // A leading byte-order mark is not part of the first name, wherever the
                // header line is and whatever space comes before it.
                let h = if i == 0 {
                    first_header_name(h)
                } else {
                    trim(h)
                };
                names.push(h.to_string());
            }
            break names;
        };
        check_names(&names)?;
        let n_cols = names.len();
        let (is_id, first_id) = id_columns(&names, opts)?;
        let mut values = Vec::new();
        let mut lines = Vec::new();
        let mut blank_lines: Option<(u64, u64)> = None;
        let mut text_cells: Vec<TextCells> = vec![TextCells::default(); n_cols];
        let mut texts: Vec<Option<Vec<String>>> = is_id.iter().map(|&b| b.then(Vec::new)).collect();
        loop {
            let start = rdr.position().byte();
            rdr.get_mut().record_start = start;
            match rdr.read_byte_record(&mut record) {
                Ok(true) => check_quotes(&rdr)?,
                Ok(false) => break,
                Err(e) => return Err(fail(&mut rdr, e)),
            }
            let line = record_line(&mut rdr, &record);
            // A completely blank line is not a row.
            if record.len() == 1 && trim_bytes_empty(&record[0]) && n_cols > 1 {
                continue;
            }
            if n_cols == 1 && line > next_line {
                // The csv reader skipped blank lines, which here may have meant missing cells.
                let (count, _) = blank_lines.get_or_insert((0, next_line));
                *count += line - next_line;
            }
            next_line = line + inner_breaks(&record) + 1;
            if record.len() != n_cols {
                return Err(DataError::Ragged {
                    line,
                    expected: n_cols,
                    found: record.len(),
                });
            }
            check_cells(lines.len() + 1, n_cols, line)?;
            let row = lines.len() + 1;
            for (c, field) in record.iter().enumerate() {
                let field = std::str::from_utf8(field).map_err(|_| DataError::NotUtf8 {
                    line,
                    column: format!("{:?}", excerpt(&names[c])),
                })?;
                let field = trim(field);
                if let Some(t) = &mut texts[c] {
                    t.push(field.to_string());
                }
                if is_missing_field(field) {
                    values.push(f64::NAN);
                    continue;
                }
                match field.parse::<f64>() {
                    Ok(v) if v.is_finite() => values.push(v),
                    _ => {
                        let cells = &mut text_cells[c];
                        cells.n += 1;
                        if cells.first.len() < 3 {
                            cells.first.push(TextCell {
                                row,
                                line,
                                text: excerpt(field),
                            });
                        }
                        values.push(f64::NAN);
                    }
                }
            }
            lines.push(line);
        }
        check_quotes(&rdr)?;
        let ids = first_id.map(|f| Ids {
            column: names[f].clone(),
            values: texts[f].clone().unwrap_or_default(),
        });
        Ok(Table {
            names,
            n_rows: lines.len(),
            values,
            lines: Some(lines),
            text_cells,
            texts,
            ids,
            blank_lines,
        })
    }

    /// Reads a CSV file with a header row; see [`Table::from_csv_reader`].
    ///
    /// ```
    /// use cocreate_core::data::Table;
    ///
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cocreation_survey.csv");
    /// let survey = Table::from_csv_path(path)?;
    /// assert_eq!(survey.n_rows(), 522);
    /// assert_eq!(survey.id_column(), Some("id"));
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, DataError> {
        Table::from_csv_path_with(path, &CsvOptions::default())
    }

    /// Reads a CSV file with a header row under `opts`; see
    /// [`Table::from_csv_reader_with`]. A directory is refused as one.
    pub fn from_csv_path_with(
        path: impl AsRef<Path>,
        opts: &CsvOptions,
    ) -> Result<Self, DataError> {
        let path = path.as_ref();
        if path.is_dir() {
            return Err(DataError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        let file = std::fs::File::open(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Table::from_csv_reader_with(std::io::BufReader::new(file), opts)
    }
}
