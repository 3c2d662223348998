//! Reading CSV into a [`Table`]: the options, the line counting and the reader itself.

use std::io::Read;
use std::path::Path;

use super::{
    check_cells, check_names, excerpt, is_missing_field, name_list, DataError, Ids, Table,
    TextCell, TextCells, MAX_COLUMNS, MAX_RECORD_BYTES,
};
use std::collections::VecDeque;
/// How [`Table::from_csv_reader_with`] reads CSV: the delimiter and the identifier
/// columns, whose text is kept for every row.
///
/// By default the delimiter is a comma and a column named `id` (in any case) is the
/// identifier column. Identifier text is kept whatever it holds (`R1000`, `0042`), so
/// that ids survive scoring and prediction unchanged.
///
/// ```
/// use cocreate_core::data::{CsvOptions, Table};
///
/// let opts = CsvOptions::new().delimiter(b';')?.id_column("respondent");
/// let t = Table::from_csv_reader_with("respondent;x\nR1;1\nR2;2\n".as_bytes(), &opts)?;
/// assert_eq!(t.ids().unwrap(), ["R1", "R2"]);
/// assert!(CsvOptions::new().delimiter(b'"').is_err());
/// # Ok::<(), cocreate_core::data::DataError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    delimiter: u8,
    id_columns: Vec<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvOptions {
    /// Comma separated, `id` (any case) as the identifier column.
    pub fn new() -> Self {
        CsvOptions {
            delimiter: b',',
            id_columns: Vec::new(),
        }
    }

    /// The field delimiter: a printable ASCII character or a tab, other than `"`.
    pub fn delimiter(mut self, delimiter: u8) -> Result<Self, DataError> {
        let ok = delimiter == b'\t'
            || (delimiter.is_ascii_graphic() || delimiter == b' ') && delimiter != b'"';
        if !ok {
            return Err(DataError::Option(format!(
                "the delimiter must be a tab or a printable ASCII character other than '\"', not byte {delimiter}"
            )));
        }
        self.delimiter = delimiter;
        Ok(self)
    }

    /// Names an identifier column (exact name). Once any is named, the default `id` is
    /// no longer looked for; the first named column gives [`Table::ids`]. A named
    /// column missing from the header is an error when reading.
    pub fn id_column(mut self, name: impl Into<String>) -> Self {
        self.id_columns.push(name.into());
        self
    }

    /// The delimiter byte.
    pub fn delimiter_byte(&self) -> u8 {
        self.delimiter
    }

    /// The identifier columns named with [`CsvOptions::id_column`].
    pub fn id_columns(&self) -> &[String] {
        &self.id_columns
    }
}

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
fn trim_bytes_empty(field: &[u8]) -> bool {
    field.iter().all(u8::is_ascii_whitespace)
}

/// ASCII whitespace trimmed from both ends (as `csv::Trim::All` would).
fn trim(field: &str) -> &str {
    field.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Is `name` an identifier column under `opts`?
fn is_id_column(name: &str, opts: &CsvOptions) -> bool {
    if opts.id_columns.is_empty() {
        name.eq_ignore_ascii_case("id")
    } else {
        opts.id_columns.iter().any(|c| c == name)
    }
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
        Table::from_csv_reader_with(reader, &CsvOptions::new())
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
    /// let t = Table::from_csv_reader_with("ID,x\nR1,1\nR2,two\n".as_bytes(), &CsvOptions::new())?;
    /// assert_eq!(t.ids().unwrap(), ["R1", "R2"]);
    /// assert!(t.warnings()[0].to_string().contains("line 3 \"two\""));
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_csv_reader_with<R: Read>(reader: R, opts: &CsvOptions) -> Result<Self, DataError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(opts.delimiter)
            .from_reader(LineCounter::new(reader, opts.delimiter));
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
                // A leading byte-order mark is not part of the first name.
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                };
                let h = trim(h);
                names.push(h.to_string());
            }
            break names;
        };
        check_names(&names)?;
        let n_cols = names.len();
        let mut is_id: Vec<bool> = names.iter().map(|n| is_id_column(n, opts)).collect();
        for wanted in &opts.id_columns {
            if !names.contains(wanted) {
                return Err(DataError::UnknownColumn {
                    name: excerpt(wanted),
                    available: name_list(&names),
                });
            }
        }
        let first_id = is_id.iter().position(|&b| b);
        let first_id = match (&opts.id_columns.first(), first_id) {
            (Some(w), _) => names.iter().position(|n| n == *w),
            (None, f) => f,
        };
        if let Some(f) = first_id {
            is_id[f] = true;
        }
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
    /// ```no_run
    /// use cocreate_core::data::Table;
    ///
    /// let survey = Table::from_csv_path("examples/data/cocreation_survey.csv")?;
    /// println!("{} respondents", survey.n_rows());
    /// # Ok::<(), cocreate_core::data::DataError>(())
    /// ```
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, DataError> {
        Table::from_csv_path_with(path, &CsvOptions::new())
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
