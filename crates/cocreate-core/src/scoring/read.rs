//! Reading answers from CSV straight into byte codes.
//!
//! [`Responses::from_csv_path`] and its neighbours give exactly what reading a
//! [`Table`] and calling [`Responses::from_table`] gives (the same answers, identifiers,
//! lines, warnings and errors), without the table: for whole-number instruments the
//! common form of a survey file is read in one pass, each answer going from its digits
//! to a byte code, with no `f64` in between and no row-major copy to transpose. Any file
//! this pass does not handle, and any error, goes through the table, which says what is
//! wrong and where: quoted fields, lone carriage returns, text in an item column, an
//! answer out of range, a ragged row.

use std::io::Read;
use std::path::Path;

use crate::data::{
    self, check_names, excerpt, first_header_name, id_columns, is_missing_field, trim,
    trim_bytes_empty, CsvOptions, DataError, DataWarning, Ids, Table, TextCell,
};

use super::error::ScoringError;
use super::instrument::Instrument;
use super::kernel::count_equal;
use super::responses::{fits_codes, Responses, MISSING};

/// Inputs larger than this are read through the table as a stream, rather than read
/// whole into memory first (1 GiB).
const FAST_PATH_MAX_BYTES: u64 = 1 << 30;

impl Responses {
    /// Answers from CSV text with a header row, comma separated, `id` (any case) as the
    /// identifier column: the same as [`Responses::from_table`] on
    /// [`Table::from_csv_str`], read faster.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Responses};
    ///
    /// let csv = "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\nR7,1,2,3,4,5,6,7,1,2,3\nR8,7,,NA,4,5,6,7,1,2,3\n";
    /// let r = Responses::from_csv_str(&builtin::tipi(), csv)?;
    /// assert_eq!(r.n_respondents(), 2);
    /// assert_eq!(r.ids().unwrap(), ["R7", "R8"]);
    /// assert_eq!((r.get(1, 0), r.get(1, 1), r.get(1, 2)), (Some(7.0), None, None));
    /// assert_eq!(r.source_line(1), Some(3));
    ///
    /// let err = Responses::from_csv_str(&builtin::tipi(), &csv.replace("R8,7", "R8,9")).unwrap_err();
    /// assert_eq!(err.to_string(), "row 2 (line 3), column \"Q1\": 9 is outside the response range 1 to 7");
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn from_csv_str(inst: &Instrument, csv: &str) -> Result<Self, ScoringError> {
        Self::from_csv_str_with(inst, csv, &CsvOptions::default())
    }

    /// [`Responses::from_csv_str`] under `opts` (delimiter, identifier columns).
    pub fn from_csv_str_with(
        inst: &Instrument,
        csv: &str,
        opts: &CsvOptions,
    ) -> Result<Self, ScoringError> {
        from_bytes(inst, csv.as_bytes(), opts)
    }

    /// Answers from CSV read from `reader`; see [`Responses::from_csv_str`].
    pub fn from_csv_reader(inst: &Instrument, reader: impl Read) -> Result<Self, ScoringError> {
        Self::from_csv_reader_with(inst, reader, &CsvOptions::default())
    }

    /// [`Responses::from_csv_reader`] under `opts`.
    ///
    /// The input is read into memory first (up to 1 GiB; a longer one is read through
    /// a [`Table`] as a stream).
    pub fn from_csv_reader_with(
        inst: &Instrument,
        reader: impl Read,
        opts: &CsvOptions,
    ) -> Result<Self, ScoringError> {
        let mut buf = Vec::new();
        let mut reader = reader;
        if let Err(e) = (&mut reader)
            .take(FAST_PATH_MAX_BYTES + 1)
            .read_to_end(&mut buf)
        {
            let line = 1 + buf.iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(DataError::Read {
                line,
                message: e.to_string(),
            }
            .into());
        }
        if buf.len() as u64 > FAST_PATH_MAX_BYTES {
            let table = Table::from_csv_reader_with(std::io::Cursor::new(buf).chain(reader), opts)?;
            return Responses::from_table(inst, &table);
        }
        from_bytes(inst, &buf, opts)
    }

    /// Answers from a CSV file; see [`Responses::from_csv_str`].
    ///
    /// ```
    /// use cocreate_core::scoring::{Instrument, Responses};
    ///
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    /// let keys = Instrument::from_json_path(format!("{dir}/cocreation_keys.json"))?;
    /// let answers = Responses::from_csv_path(&keys, format!("{dir}/cocreation_survey.csv"))?;
    /// assert_eq!(answers.n_respondents(), 522);
    /// assert!(answers.is_byte_coded() && answers.warnings().is_empty());
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn from_csv_path(inst: &Instrument, path: impl AsRef<Path>) -> Result<Self, ScoringError> {
        Self::from_csv_path_with(inst, path, &CsvOptions::default())
    }

    /// [`Responses::from_csv_path`] under `opts`. A directory is refused as one.
    pub fn from_csv_path_with(
        inst: &Instrument,
        path: impl AsRef<Path>,
        opts: &CsvOptions,
    ) -> Result<Self, ScoringError> {
        let path = path.as_ref();
        if path.is_dir() {
            return Err(DataError::IsDirectory {
                path: path.to_path_buf(),
            }
            .into());
        }
        let io = |source| DataError::Io {
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > FAST_PATH_MAX_BYTES {
            let table = Table::from_csv_path_with(path, opts)?;
            return Responses::from_table(inst, &table);
        }
        let bytes = std::fs::read(path).map_err(io)?;
        from_bytes(inst, &bytes, opts)
    }
}

/// The one-pass reader, or the table when it declines.
fn from_bytes(
    inst: &Instrument,
    bytes: &[u8],
    opts: &CsvOptions,
) -> Result<Responses, ScoringError> {
    match fast(inst, bytes, opts) {
        Some(r) => Ok(r),
        None => Responses::from_table(inst, &Table::from_csv_reader_with(bytes, opts)?),
    }
}

/// What a column is to the reader.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// An item of the instrument: its position in the instrument's items.
    Item(usize),
    /// Not scored: its numbers and text are only counted, for the warnings.
    Other,
    /// An identifier column: text, kept for the first.
    Id,
}

/// Per column not scored: whether it holds numbers, and its cells of text.
#[derive(Debug, Clone, Default)]
struct Seen {
    numbers: bool,
    n_text: usize,
    first: Vec<TextCell>,
}

/// The one-pass reader. `None` when the input is not of the form it handles (quotes,
/// lone carriage returns, a one-column file) or holds anything the table reports as an
/// error; the table then reads it and says why.
fn fast(inst: &Instrument, bytes: &[u8], opts: &CsvOptions) -> Option<Responses> {
    let range = inst.range();
    if !fits_codes(&range) {
        return None;
    }
    let (lo, hi) = (range.min(), range.max());
    let valid = Valid::new(lo, hi);
    let delim = opts.delimiter();
    let len = bytes.len();
    let mut p = if bytes.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut line: u64 = 1;
    // The header: the first line that is not blank.
    let names: Vec<String> = loop {
        if p >= len {
            return None;
        }
        let end = p + bytes[p..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(len - p);
        let text = strip_cr(&bytes[p..end]);
        p = end + 1;
        line += 1;
        if text.iter().any(|&b| b == b'"' || b == b'\r') {
            return None;
        }
        if !text.contains(&delim) && trim_bytes_empty(text) {
            continue;
        }
        let mut names = Vec::new();
        for (i, field) in text.split(|&b| b == delim).enumerate() {
            let name = std::str::from_utf8(field).ok()?;
            // As `Table`'s header: a byte-order mark is stripped from the first name,
            // after any space before it.
            let name = if i == 0 {
                first_header_name(name)
            } else {
                trim(name)
            };
            names.push(name.to_string());
        }
        break names;
    };
    if names.len() < 2 || check_names(&names).is_err() {
        return None;
    }
    let n_cols = names.len();
    let (is_id, first_id) = id_columns(&names, opts).ok()?;
    let mut role: Vec<Role> = is_id
        .iter()
        .map(|&id| if id { Role::Id } else { Role::Other })
        .collect();
    for (j, item) in inst.items().iter().enumerate() {
        let c = names.iter().position(|n| n == item)?;
        role[c] = Role::Item(j);
    }
    let k = inst.items().len();
    // Rows at most: one per line break left, and one more.
    let most = usize::try_from(count_equal(&bytes[p.min(len)..], b'\n')).ok()? + 1;
    if most.checked_mul(n_cols)? > data::MAX_CELLS {
        return None;
    }
    let mut codes = vec![MISSING; most * k];
    let mut lines: Vec<u64> = Vec::with_capacity(most);
    let mut ids: Vec<String> = Vec::with_capacity(if first_id.is_some() { most } else { 0 });
    let mut seen: Vec<Seen> = vec![Seen::default(); n_cols];
    let record_limit = (data::MAX_RECORD_BYTES as usize).saturating_sub(1 << 20);
    // Where each item column's codes start, for the one-digit path (rows < `most`
    // always: every row ends in a line break or the end of the input).
    let fast_base: Vec<usize> = role
        .iter()
        .enumerate()
        .map(|(c, r)| match r {
            Role::Item(j) if Some(c) != first_id => j * most,
            _ => usize::MAX,
        })
        .collect();
    let mut row = 0usize;
    while p < len {
        let start = p;
        let this = line;
        let mut c = 0usize;
        loop {
            // The usual answer: one digit and the delimiter, straight to its code.
            let base = fast_base[c];
            if base != usize::MAX {
                if let [d, b, ..] = bytes[p..] {
                    let last = c + 1 == n_cols;
                    if d.is_ascii_digit() && b == if last { b'\n' } else { delim } {
                        codes[base + row] = valid.code(d - b'0')?;
                        p += 2;
                        c += 1;
                        if last {
                            break;
                        }
                        continue;
                    }
                }
            }
            // One field: up to the delimiter or the end of the line.
            let f0 = p;
            while p < len && bytes[p] != delim && bytes[p] != b'\n' {
                p += 1;
            }
            let at_end = p >= len || bytes[p] == b'\n';
            let raw = if at_end {
                strip_cr(&bytes[f0..p])
            } else {
                &bytes[f0..p]
            };
            if c == 0 && at_end {
                // A line of one field: blank, or a ragged row.
                if trim_bytes_empty(raw) && !raw.contains(&b'\r') {
                    p += 1;
                    break;
                }
                return None;
            }
            if at_end != (c + 1 == n_cols) {
                return None;
            }
            if row >= most {
                return None;
            }
            if Some(c) == first_id {
                ids.push(trim(plain_text(raw)?).to_string());
            }
            match role[c] {
                Role::Item(j) => {
                    codes[j * most + row] = match raw {
                        // A one-digit answer, the usual case, straight to its code.
                        [d] if d.is_ascii_digit() => valid.code(d - b'0')?,
                        _ => item_code(raw, lo, hi)?,
                    }
                }
                Role::Other => other_cell(raw, &mut seen[c], row + 1, this)?,
                Role::Id => {
                    plain_text(raw)?;
                }
            }
            // Past the delimiter or the line break.
            p += 1;
            c += 1;
            if at_end {
                break;
            }
        }
        if p - start > record_limit {
            return None;
        }
        line += 1;
        if c == 0 {
            continue;
        }
        lines.push(this);
        row += 1;
    }
    let n = row;
    // Close up the columns when fewer rows came than line breaks (blank lines).
    if n < most {
        for j in 1..k {
            codes.copy_within(j * most..j * most + n, j * n);
        }
        codes.truncate(n * k);
    }
    let warnings = names
        .iter()
        .zip(&role)
        .zip(seen)
        .filter(|((_, r), s)| **r == Role::Other && s.n_text > 0 && s.numbers)
        .map(|((name, _), s)| DataWarning::TextInNumericColumn {
            column: name.clone(),
            n_text: s.n_text,
            first: s.first,
        })
        .collect();
    let ids = first_id.map(|f| Ids {
        column: names[f].clone(),
        values: ids,
    });
    Some(Responses::from_checked_codes(
        inst,
        n,
        codes,
        Some(lines),
        ids,
        warnings,
    ))
}

/// Which byte codes are answers in the range.
struct Valid([bool; 256]);

impl Valid {
    fn new(lo: f64, hi: f64) -> Self {
        let mut ok = [false; 256];
        for (c, v) in ok.iter_mut().enumerate() {
            *v = (c as f64) >= lo && (c as f64) <= hi;
        }
        Valid(ok)
    }

    /// The code of answer `v`, if the range allows it.
    #[inline]
    fn code(&self, v: u8) -> Option<u8> {
        self.0[usize::from(v)].then_some(v)
    }
}

/// A field without the `\r` of a `\r\n` line ending.
fn strip_cr(field: &[u8]) -> &[u8] {
    match field.split_last() {
        Some((b'\r', rest)) => rest,
        _ => field,
    }
}

/// A field as text: valid UTF-8 without quotes or carriage returns, else `None`.
fn plain_text(raw: &[u8]) -> Option<&str> {
    if raw.iter().any(|&b| b == b'"' || b == b'\r') {
        return None;
    }
    std::str::from_utf8(raw).ok()
}

/// The byte code of an answer: digits straight to the code, anything else read as a
/// number as the table reads it. `None` when the table would refuse it (text, out of
/// range, not whole).
#[inline]
fn item_code(raw: &[u8], lo: f64, hi: f64) -> Option<u8> {
    let value = match raw {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            f64::from((a - b'0') * 10 + (b - b'0'))
        }
        _ => {
            let text = trim(plain_text(raw)?);
            if is_missing_field(text) {
                return Some(MISSING);
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => return None,
            }
        }
    };
    (value >= lo && value <= hi && value.fract() == 0.0).then_some(value as u8)
}

/// Counts a cell of a column that is not scored: a number, a missing cell, or text
/// (the first three kept for the warning).
fn other_cell(raw: &[u8], seen: &mut Seen, row: usize, line: u64) -> Option<()> {
    if !raw.is_empty() && raw.iter().all(u8::is_ascii_digit) {
        seen.numbers = true;
        return Some(());
    }
    let text = trim(plain_text(raw)?);
    if is_missing_field(text) {
        return Some(());
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => seen.numbers = true,
        _ => {
            seen.n_text += 1;
            if seen.first.len() < 3 {
                seen.first.push(TextCell {
                    row,
                    line,
                    text: excerpt(text),
                });
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::builtin;

    /// The one-pass reader agrees with the table, result for result and error for error.
    fn same(inst: &Instrument, csv: &str, opts: &CsvOptions) {
        let fast = from_bytes(inst, csv.as_bytes(), opts);
        let slow = Table::from_csv_reader_with(csv.as_bytes(), opts)
            .map_err(ScoringError::from)
            .and_then(|t| Responses::from_table(inst, &t));
        match (fast, slow) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{csv:?}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{csv:?}"),
            (a, b) => panic!("{csv:?}: {a:?} vs {b:?}"),
        }
    }

    #[test]
    fn agrees_with_the_table_on_odd_and_hostile_input() {
        let inst = builtin::bfi10();
        let head = "id,age,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10";
        let ok = "R1,34,1,2,3,4,5,5,4,3,2,1";
        for body in [
            format!("{head}\n{ok}\n"),
            format!("{head}\n{ok}"),
            format!("{head}\r\n{ok}\r\n{ok}\r\n"),
            format!("\u{feff}{head}\n{ok}\n"),
            format!("\n\n{head}\n\n{ok}\n   \n{ok}\n\n"),
            format!("{head}\n{}\n", ok.replace(",34,", ",n/a,")),
            format!("{head}\n{ok}\n{}\n", ok.replace(",34,", ",n/a,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ", 1 , 2.0 ,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",NA,,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",6,2,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",1.5,2,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",x,2,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",inf,2,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",\"1\",2,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",1\r,2,")),
            format!("{head}\r{ok}\r"),
            format!("{head}\n{ok},9\n"),
            format!("{head}\n{}\n", &ok[..9]),
            format!("{head}\n"),
            String::new(),
            format!("{},Q1\n{ok},1\n", head),
            format!("{}\n{ok}\n", head.replace("Q3", "Qx")),
            format!("{head}\nR\u{e9}1,34,1,2,3,4,5,5,4,3,2,1\n"),
            format!("{head}\n{ok}\n,,,,,,,,,,,\n"),
        ] {
            same(&inst, &body, &CsvOptions::default());
        }
        let semi = format!("{};x\n", head.replace(',', ";"));
        same(
            &inst,
            &semi,
            &CsvOptions::builder().delimiter(b';').build().unwrap(),
        );
        same(
            &inst,
            &format!("{head}\n{ok}\n"),
            &CsvOptions::builder().id_column("age").build().unwrap(),
        );
        same(
            &inst,
            &format!("{head}\n{ok}\n"),
            &CsvOptions::builder().id_column("nope").build().unwrap(),
        );
    }

    #[test]
    fn the_common_forms_take_the_one_pass_reader() {
        let inst = builtin::bfi10();
        let head = "id,age,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10";
        let ok = "R1,34,1,2,3,4,5,5,4,3,2,1";
        let opts = CsvOptions::default();
        for body in [
            format!("{head}\n{ok}\n"),
            format!("{head}\r\n{ok}\r\n"),
            format!("\u{feff}{head}\n\n{ok}\n  \n{ok}"),
            format!("{head}\n{}\n", ok.replace(",34,", ",n/a,")),
            format!("{head}\n{}\n", ok.replace(",1,2,", ", 1 , NA ,")),
        ] {
            assert!(fast(&inst, body.as_bytes(), &opts).is_some(), "{body:?}");
        }
        for body in [
            format!("{head}\n{}\n", ok.replace(",1,2,", ",\"1\",2,")),
            format!("{head}\r{ok}\r"),
            format!("{head}\n{}\n", ok.replace(",1,2,", ",9,2,")),
        ] {
            assert!(fast(&inst, body.as_bytes(), &opts).is_none(), "{body:?}");
        }
    }

    #[test]
    fn latin1_bytes_are_refused_with_their_place() {
        let inst = builtin::tipi();
        let csv = b"id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\nR\xe91,1,2,3,4,5,6,7,1,2,3\n";
        let err = from_bytes(&inst, csv, &CsvOptions::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("line 2, column \"id\""),
            "{err}"
        );
    }
}
