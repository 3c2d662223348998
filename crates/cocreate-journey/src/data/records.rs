//! Streaming CSV records with a fast path for plain lines.
//!
//! Journey files are large and almost never quoted. A line without a double quote is
//! split on commas directly; a record with quotes (which may span lines) is gathered
//! until its quotes balance and handed to the `csv` crate, so quoted fields, embedded
//! commas, newlines and doubled quotes follow RFC 4180 exactly. Empty lines are skipped.

use std::io::{BufRead, BufReader, Read};

use super::load::LoadError;
use super::swar;

/// One record: its fields and the 1-based line it starts on.
pub(crate) struct Record<'a> {
    pub line: u64,
    fields: Fields<'a>,
}

enum Fields<'a> {
    Plain { text: &'a [u8], ends: &'a [usize] },
    Quoted(&'a csv::ByteRecord),
}

impl Record<'_> {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        match &self.fields {
            Fields::Plain { ends, .. } => ends.len(),
            Fields::Quoted(r) => r.len(),
        }
    }

    /// Field `i` (empty past the end).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        match &self.fields {
            Fields::Plain { text, ends } => {
                let Some(&end) = ends.get(i) else {
                    return &[];
                };
                let start = if i == 0 { 0 } else { ends[i - 1] + 1 };
                &text[start..end]
            }
            Fields::Quoted(r) => r.get(i).unwrap_or(&[]),
        }
    }
}

/// Finds the first newline of `bytes`, pushing the positions of the commas before it
/// and telling whether a quote comes before it, eight bytes at a time.
#[inline]
fn scan_line(bytes: &[u8], commas: &mut Vec<usize>) -> (Option<usize>, bool) {
    let mut quotes = false;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let w = swar::word_at(bytes, i);
        let nl = swar::matches(w, b'\n');
        // Only the bytes before the first newline of this word count.
        let before = if nl == 0 {
            u64::MAX
        } else {
            (nl & nl.wrapping_neg()) - 1
        };
        let mut c = swar::matches(w, b',') & before;
        while c != 0 {
            commas.push(i + (c.trailing_zeros() / 8) as usize);
            c &= c - 1;
        }
        quotes |= swar::matches(w, b'"') & before != 0;
        if nl != 0 {
            return (Some(i + (nl.trailing_zeros() / 8) as usize), quotes);
        }
        i += 8;
    }
    for (k, &b) in bytes[i..].iter().enumerate() {
        match b {
            b',' => commas.push(i + k),
            b'"' => quotes = true,
            b'\n' => return (Some(i + k), quotes),
            _ => {}
        }
    }
    (None, quotes)
}

/// Reads records one at a time from any reader.
pub(crate) struct Records<R: Read> {
    input: BufReader<R>,
    /// Lines consumed so far.
    line: u64,
    buf: Vec<u8>,
    ends: Vec<usize>,
    quoted: csv::ByteRecord,
    first: bool,
    /// Bytes of the last plain record still to be consumed from the reader's buffer.
    pending: usize,
}

impl<R: Read> Records<R> {
    pub(crate) fn new(input: R) -> Self {
        Records {
            input: BufReader::with_capacity(1 << 16, input),
            line: 0,
            buf: Vec::with_capacity(256),
            ends: Vec::with_capacity(8),
            quoted: csv::ByteRecord::new(),
            first: true,
            pending: 0,
        }
    }

    /// Appends the next line (without its line break) to `buf`; `false` at the end.
    fn read_line(&mut self) -> Result<bool, LoadError> {
        let n = self
            .input
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| LoadError::Csv {
                line: self.line + 1,
                message: e.to_string(),
            })?;
        if n == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(true)
    }

    /// The next record, or `None` at the end of the input.
    ///
    /// A plain line that lies wholly in the reader's buffer is split in place (one pass
    /// finds the line end, the commas and any quote); anything else is copied out first.
    pub(crate) fn next_record(&mut self) -> Result<Option<Record<'_>>, LoadError> {
        self.input.consume(std::mem::take(&mut self.pending));
        if self.first {
            self.first = false;
            let head = self.fill()?;
            if head.starts_with(b"\xef\xbb\xbf") {
                self.input.consume(3);
            }
        }
        loop {
            let line_no = self.line + 1;
            let available = self.input.fill_buf().map_err(|e| LoadError::Csv {
                line: line_no,
                message: e.to_string(),
            })?;
            if available.is_empty() {
                return Ok(None);
            }
            self.ends.clear();
            let (newline, quotes) = scan_line(available, &mut self.ends);
            let Some(end) = newline.filter(|_| !quotes) else {
                // A quoted record or a line running past the buffer: copy it out.
                self.buf.clear();
                self.read_line()?;
                if self.buf.is_empty() {
                    continue;
                }
                return self.record_from_buf(line_no);
            };
            self.line += 1;
            let text_end = if end > 0 && available[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            if text_end == 0 {
                self.input.consume(end + 1);
                continue;
            }
            self.pending = end + 1;
            self.ends.push(text_end);
            // The buffer is borrowed again, immutably, for the record's lifetime.
            let text = &self.input.buffer()[..text_end];
            return Ok(Some(Record {
                line: line_no,
                fields: Fields::Plain {
                    text,
                    ends: &self.ends,
                },
            }));
        }
    }

    fn fill(&mut self) -> Result<&[u8], LoadError> {
        let line = self.line + 1;
        self.input.fill_buf().map_err(|e| LoadError::Csv {
            line,
            message: e.to_string(),
        })
    }

    /// Splits the record that starts with the line in `buf` (gathering more lines while
    /// its quotes are unbalanced).
    fn record_from_buf(&mut self, line: u64) -> Result<Option<Record<'_>>, LoadError> {
        self.ends.clear();
        let mut quotes = 0usize;
        for (i, &b) in self.buf.iter().enumerate() {
            match b {
                b',' => self.ends.push(i),
                b'"' => quotes += 1,
                _ => {}
            }
        }
        if quotes == 0 {
            self.ends.push(self.buf.len());
            return Ok(Some(Record {
                line,
                fields: Fields::Plain {
                    text: &self.buf,
                    ends: &self.ends,
                },
            }));
        }
        while quotes % 2 == 1 {
            self.buf.push(b'\n');
            let start = self.buf.len();
            if !self.read_line()? {
                return Err(LoadError::Csv {
                    line,
                    message: "a quoted field is never closed".into(),
                });
            }
            quotes += self.buf[start..].iter().filter(|&&b| b == b'"').count();
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(self.buf.as_slice());
        match reader.read_byte_record(&mut self.quoted) {
            Ok(true) => {}
            Ok(false) => self.quoted.clear(),
            Err(e) => {
                return Err(LoadError::Csv {
                    line,
                    message: e.to_string(),
                })
            }
        }
        Ok(Some(Record {
            line,
            fields: Fields::Quoted(&self.quoted),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = Records::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            let fields = (0..rec.len())
                .map(|i| String::from_utf8_lossy(rec.get(i)).into_owned())
                .collect();
            out.push((rec.line, fields));
        }
        out
    }

    #[test]
    fn splits_plain_and_quoted_records_with_their_lines() {
        let text = "\u{feff}a,b\r\n\n1,\"x, \"\"y\"\"\"\n\"multi\nline\",2\n,\n";
        let got = all(text);
        assert_eq!(got[0], (1, vec!["a".into(), "b".into()]));
        assert_eq!(got[1], (3, vec!["1".into(), "x, \"y\"".into()]));
        assert_eq!(got[2], (4, vec!["multi\nline".into(), "2".into()]));
        assert_eq!(got[3], (6, vec![String::new(), String::new()]));
    }

    #[test]
    fn reports_an_unclosed_quote_at_its_line() {
        let mut r = Records::new("a\n\"open,1\n2\n".as_bytes());
        assert!(r.next_record().unwrap().is_some());
        let err = r.next_record().err().unwrap();
        assert_eq!(err.line(), Some(2));
    }
}
