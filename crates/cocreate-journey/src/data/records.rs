//! Streaming CSV records with a fast path for plain lines.
//!
//! The records are exactly those of the `csv` crate with the settings the loaders use
//! (comma, double quote, doubled quotes as escapes, no comment character, `\n`, `\r\n`
//! and a lone `\r` all ending a record, blank lines skipped, a UTF-8 byte-order mark at
//! the very start dropped), which follow RFC 4180: a double quote is special only as the
//! first byte of a field. A quote anywhere else (`5" screen`) is an ordinary character;
//! after a closing quote, further bytes up to the next comma or line break belong to the
//! same field. The one difference: a quoted field still open at the end of the input is
//! refused (with the line where it was opened) instead of swallowing the rest of the file.
//!
//! A line that holds no quote and no carriage return except one just before its line
//! feed is split on commas directly, sixteen bytes at a time; anything else goes through a
//! byte-at-a-time state machine. The differential property test in this module checks
//! both against the `csv` crate on random bytes.

use std::io::{BufRead, BufReader, Read};

use super::blocks;
use super::error::LoadError;

/// The longest CSV record the path and event loaders accept, in bytes (64 MiB); a
/// longer one is refused with [`LoadError::RecordTooLong`] before more is buffered.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// One record: its fields and the 1-based lines it starts and ends on.
pub(crate) struct Record<'a> {
    /// Line of the record's first byte.
    pub line: u64,
    /// Line of the record's last byte (later than `line` only when a quoted field holds
    /// line breaks).
    pub last_line: u64,
    /// Field `i` is `text[start_i..ends[i]]` with `start_0 = 0` and `start_i = ends[i-1] + 1`.
    text: &'a [u8],
    ends: &'a [usize],
}

impl Record<'_> {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` (empty past the end).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let Some(&end) = self.ends.get(i) else {
            return &[];
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        &self.text[start..end]
    }

    /// The record's text with field `i` at `start..end` (empty past the end), for
    /// reading whole words around a short field.
    #[inline]
    pub(crate) fn field_in_text(&self, i: usize) -> (&[u8], usize, usize) {
        let Some(&end) = self.ends.get(i) else {
            return (&[], 0, 0);
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        (self.text, start, end)
    }
}

/// What a scan of one line found.
struct Scan {
    /// Position of the first line feed, if the bytes hold one.
    newline: Option<usize>,
    /// A quote, or a carriage return other than one just before the line feed, comes
    /// before the line feed: the line needs the full state machine.
    special: bool,
}

/// Finds the first line feed of `bytes`, pushing the positions of the commas before it
/// and telling whether a quote or a stray carriage return comes before it, sixteen bytes
/// at a time.
#[inline]
fn scan_line(bytes: &[u8], commas: &mut Vec<usize>) -> Scan {
    let mut quotes = false;
    let mut crs = 0u32;
    let mut last_cr = 0usize;
    let mut i = 0;
    while i + 16 <= bytes.len() {
        let block = blocks::block_at(bytes, i);
        let nl = blocks::eq16(block, b'\n');
        // The bytes before the first line feed (all sixteen when there is none).
        let before = if nl == 0 {
            u32::MAX
        } else {
            (nl & nl.wrapping_neg()) - 1
        };
        let mut c = blocks::eq16(block, b',') & before;
        while c != 0 {
            commas.push(i + c.trailing_zeros() as usize);
            c &= c - 1;
        }
        // Quotes and carriage returns are rare: one test covers both.
        let q = blocks::eq16(block, b'"') & before;
        let r = blocks::eq16(block, b'\r') & before;
        if q | r != 0 {
            quotes |= q != 0;
            if r != 0 {
                crs += r.count_ones();
                last_cr = i + (31 - r.leading_zeros()) as usize;
            }
        }
        if nl != 0 {
            let end = i + nl.trailing_zeros() as usize;
            return Scan {
                newline: Some(end),
                special: quotes || crs > 1 || (crs == 1 && last_cr + 1 != end),
            };
        }
        i += 16;
    }
    for (k, &b) in bytes[i..].iter().enumerate() {
        match b {
            b',' => commas.push(i + k),
            b'"' => quotes = true,
            b'\r' => {
                crs += 1;
                last_cr = i + k;
            }
            b'\n' => {
                let end = i + k;
                return Scan {
                    newline: Some(end),
                    special: quotes || crs > 1 || (crs == 1 && last_cr + 1 != end),
                };
            }
            _ => {}
        }
    }
    Scan {
        newline: None,
        special: true,
    }
}

/// Where the state machine is within a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the first byte of a field.
    StartField,
    /// In a field that did not start with a quote.
    Unquoted,
    /// Inside quotes.
    Quoted,
    /// Just after a quote inside quotes: a second quote is an escaped quote, a comma or
    /// line break ends the field, anything else continues it unquoted.
    QuoteInQuoted,
}

/// Reads records one at a time from any buffered reader: a `BufReader` around a file or
/// stream, or text in memory (`&[u8]`), whose buffer is the whole text, so that every
/// plain line is split in place and nothing is copied.
pub(crate) struct Records<R: BufRead> {
    input: R,
    /// Line breaks consumed so far (`\r\n` counts once).
    line: u64,
    buf: Vec<u8>,
    ends: Vec<usize>,
    first: bool,
    /// Bytes of the last plain record still to be consumed from the reader's buffer.
    pending: usize,
    /// The last byte consumed was a carriage return ending a line, so a line feed right
    /// after it belongs to the same line break.
    after_cr: bool,
}

/// Records of an unbuffered reader, through a buffer of 64 KiB.
pub(crate) fn buffered<R: Read>(input: R) -> Records<BufReader<R>> {
    Records::new(BufReader::with_capacity(1 << 16, input))
}

impl<R: BufRead> Records<R> {
    pub(crate) fn new(input: R) -> Self {
        Records {
            input,
            line: 0,
            buf: Vec::with_capacity(256),
            ends: Vec::with_capacity(8),
            first: true,
            pending: 0,
            after_cr: false,
        }
    }

    /// Records of input that continues another at the start of a record (after a line
    /// feed outside quotes): no byte-order mark is dropped, and lines count from 1 again
    /// (the caller adds the lines before).
    #[cfg(feature = "parallel")]
    pub(crate) fn continuing(input: R) -> Self {
        Records {
            first: false,
            ..Records::new(input)
        }
    }

    /// Line breaks consumed so far: at the end of the input, the lines it held.
    #[cfg(feature = "parallel")]
    pub(crate) fn lines_read(&self) -> u64 {
        self.line
    }

    fn fill(&mut self) -> Result<&[u8], LoadError> {
        let line = self.line + 1;
        self.input
            .fill_buf()
            .map_err(|e| LoadError::Read { line, source: e })
    }

    /// The next record, or `None` at the end of the input.
    ///
    /// A plain line that lies wholly in the reader's buffer is split in place (one pass
    /// finds the line end, the commas and any quote or carriage return); anything else
    /// goes through [`Records::machine`].
    pub(crate) fn next_record(&mut self) -> Result<Option<Record<'_>>, LoadError> {
        self.input.consume(std::mem::take(&mut self.pending));
        if self.first {
            self.first = false;
            if self.fill()?.starts_with(b"\xef\xbb\xbf") {
                self.input.consume(3);
            }
        }
        loop {
            let line_no = self.line + 1;
            let after_cr = std::mem::take(&mut self.after_cr);
            let available = self.input.fill_buf().map_err(|e| LoadError::Read {
                line: line_no,
                source: e,
            })?;
            // Blank lines (and the line feed of a `\r\n` split across reads) are skipped.
            match available.first() {
                None => return Ok(None),
                Some(b'\n') => {
                    self.line += u64::from(!after_cr);
                    self.input.consume(1);
                    continue;
                }
                Some(b'\r') => {
                    self.line += 1;
                    self.after_cr = true;
                    self.input.consume(1);
                    continue;
                }
                Some(_) => {}
            }
            self.ends.clear();
            let scan = scan_line(available, &mut self.ends);
            let end = match scan.newline {
                Some(end) if !scan.special => end,
                _ => return self.machine(line_no),
            };
            let text_end = if available[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            // Text in memory hands over lines of any length: the limit holds here too.
            if text_end > MAX_RECORD_BYTES {
                return Err(LoadError::RecordTooLong {
                    line: line_no,
                    limit: MAX_RECORD_BYTES,
                });
            }
            self.line += 1;
            self.pending = end + 1;
            self.ends.push(text_end);
            // The buffer is borrowed again, immutably, for the record's lifetime (a
            // buffered reader hands back the same bytes without reading).
            let text = &self.input.fill_buf().map_err(|e| LoadError::Read {
                line: line_no,
                source: e,
            })?[..text_end];
            return Ok(Some(Record {
                line: line_no,
                last_line: line_no,
                text,
                ends: &self.ends,
            }));
        }
    }

    /// Reads one record that starts at the current position (not at a line break) byte
    /// by byte, copying its fields into `buf`.
    fn machine(&mut self, line: u64) -> Result<Option<Record<'_>>, LoadError> {
        self.buf.clear();
        self.ends.clear();
        let mut state = State::StartField;
        let mut quote_line = line;
        // Inside quotes, whether the last byte was a carriage return (for `\r\n`).
        let mut cr = false;
        loop {
            let current = self.line + 1;
            let available = self.input.fill_buf().map_err(|e| LoadError::Read {
                line: current,
                source: e,
            })?;
            if available.is_empty() {
                if state == State::Quoted {
                    return Err(LoadError::UnclosedQuote { line: quote_line });
                }
                self.ends.push(self.buf.len());
                let last_line = self.line + 1;
                return Ok(Some(Record {
                    line,
                    last_line,
                    text: &self.buf,
                    ends: &self.ends,
                }));
            }
            let mut used = 0;
            let mut finished = false;
            for &b in available {
                used += 1;
                match (state, b) {
                    (State::Quoted, b'"') => {
                        state = State::QuoteInQuoted;
                        cr = false;
                    }
                    (State::Quoted, _) => {
                        match b {
                            b'\r' => self.line += 1,
                            b'\n' if !cr => self.line += 1,
                            _ => {}
                        }
                        cr = b == b'\r';
                        self.buf.push(b);
                    }
                    (State::StartField, b'"') => {
                        state = State::Quoted;
                        quote_line = self.line + 1;
                    }
                    (State::QuoteInQuoted, b'"') => {
                        self.buf.push(b'"');
                        state = State::Quoted;
                    }
                    (_, b',') => {
                        self.ends.push(self.buf.len());
                        self.buf.push(b',');
                        state = State::StartField;
                    }
                    (_, b'\n' | b'\r') => {
                        self.line += 1;
                        self.after_cr = b == b'\r';
                        finished = true;
                        break;
                    }
                    (_, _) => {
                        self.buf.push(b);
                        state = State::Unquoted;
                    }
                }
            }
            self.input.consume(used);
            if self.buf.len() > MAX_RECORD_BYTES {
                return Err(LoadError::RecordTooLong {
                    line,
                    limit: MAX_RECORD_BYTES,
                });
            }
            if finished {
                self.ends.push(self.buf.len());
                return Ok(Some(Record {
                    line,
                    last_line: self.line,
                    text: &self.buf,
                    ends: &self.ends,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Got = Vec<(u64, Vec<Vec<u8>>)>;

    /// All records with their start lines, or the error and the records before it; the
    /// same read from memory, through the loaders' buffer and through a buffer of 7 bytes
    /// (records across buffer boundaries).
    fn all(bytes: &[u8]) -> (Got, Option<LoadError>) {
        let direct = all_of(Records::new(bytes));
        let through = all_of(buffered(bytes));
        let small = all_of(Records::new(BufReader::with_capacity(7, bytes)));
        for other in [&through, &small] {
            assert_eq!(direct.0, other.0);
            assert_eq!(
                direct.1.as_ref().map(ToString::to_string),
                other.1.as_ref().map(ToString::to_string)
            );
        }
        direct
    }

    fn all_of<R: BufRead>(mut r: Records<R>) -> (Got, Option<LoadError>) {
        let mut out = Vec::new();
        loop {
            match r.next_record() {
                Ok(Some(rec)) => {
                    let fields = (0..rec.len()).map(|i| rec.get(i).to_vec()).collect();
                    out.push((rec.line, fields));
                }
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    /// The records of the `csv` crate with the loaders' settings.
    fn reference(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .expect("in-memory input")
        {
            out.push(record.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    fn fields(got: &Got) -> Vec<Vec<Vec<u8>>> {
        got.iter().map(|(_, f)| f.clone()).collect()
    }

    fn s(text: &str) -> Vec<Vec<u8>> {
        text.split('|').map(|f| f.as_bytes().to_vec()).collect()
    }

    #[test]
    fn splits_plain_and_quoted_records_with_their_lines() {
        let text = "\u{feff}a,b\r\n\n1,\"x, \"\"y\"\"\"\n\"multi\nline\",2\n,\n";
        let (got, err) = all(text.as_bytes());
        assert!(err.is_none());
        assert_eq!(got[0], (1, s("a|b")));
        assert_eq!(got[1], (3, s("1|x, \"y\"")));
        assert_eq!(got[2], (4, s("multi\nline|2")));
        assert_eq!(got[3], (6, s("|")));
    }

    #[test]
    fn a_quote_inside_a_field_is_an_ordinary_character() {
        let text = "path,n\n5\" screen > web,1\nad,2\nweb > 7\",3\n";
        let (got, err) = all(text.as_bytes());
        assert!(err.is_none());
        assert_eq!(got.len(), 4);
        assert_eq!(got[1], (2, s("5\" screen > web|1")));
        assert_eq!(got[2], (3, s("ad|2")));
        assert_eq!(got[3], (4, s("web > 7\"|3")));
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let (got, err) = all(b"a,b\r1,2\r\r3,4\r");
        assert!(err.is_none());
        assert_eq!(got, [(1, s("a|b")), (2, s("1|2")), (4, s("3|4"))]);
        // A lone CR in the middle of a line that ends with LF.
        let (got, _) = all(b"a,b\rc,d\ne,f\n");
        assert_eq!(got, [(1, s("a|b")), (2, s("c|d")), (3, s("e|f"))]);
    }

    #[test]
    fn reports_an_unclosed_quote_at_its_line() {
        let (got, err) = all(b"a\n\"open,1\n2\n");
        assert_eq!(got.len(), 1);
        let err = err.unwrap();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("never closed"), "{err}");
    }

    #[test]
    fn refuses_a_record_longer_than_the_limit() {
        let mut big = vec![b'x'; MAX_RECORD_BYTES + 10];
        big.push(b'\n');
        let (got, err) = all(&big);
        assert!(got.is_empty());
        assert!(matches!(
            err,
            Some(LoadError::RecordTooLong { line: 1, .. })
        ));
    }

    #[test]
    fn matches_csv_across_buffer_boundaries() {
        // Lines that straddle the 64 KiB buffer, some with quotes and CRs.
        let mut text = Vec::new();
        let mut k = 0u32;
        while text.len() < 300_000 {
            let line = match k % 5 {
                0 => format!("plain {k},field,{k}\n"),
                1 => format!("\"quoted, {k}\",\"a\"\"b\",x\r\n"),
                2 => format!("stray {k}\" quote,\"multi\nline\",y\r"),
                3 => format!("{}\n", "z".repeat((k as usize * 37) % 5000)),
                _ => "\n\r\n".to_owned(),
            };
            text.extend_from_slice(line.as_bytes());
            k += 1;
        }
        let (got, err) = all(&text);
        assert!(err.is_none());
        assert_eq!(fields(&got), reference(&text));
    }

    /// Bytes drawn mostly from the characters that matter to CSV.
    fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => Just(b'"'),
            4 => Just(b','),
            3 => Just(b'\n'),
            3 => Just(b'\r'),
            4 => Just(b'a'),
            1 => Just(b' '),
            1 => Just(0xef),
            1 => Just(0xbb),
            1 => Just(0xbf),
            1 => any::<u8>(),
        ];
        let piece = prop_oneof![
            8 => byte.prop_map(|b| vec![b]),
            1 => Just(b"\r\n".to_vec()),
            1 => Just(b"\xef\xbb\xbf".to_vec()),
            1 => Just(b"\"\"".to_vec()),
            1 => Just(b"plain,text,line\n".to_vec()),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The same records as the `csv` crate on any bytes; the one difference is a
        /// quoted field still open at the end, which `csv` accepts and this reader
        /// refuses, after giving every record before it.
        #[test]
        fn same_records_as_the_csv_crate(bytes in csv_bytes()) {
            let want = reference(&bytes);
            let (got, err) = all(&bytes);
            let got = fields(&got);
            match err {
                None => prop_assert_eq!(got, want),
                Some(LoadError::UnclosedQuote { .. }) => {
                    prop_assert_eq!(got.len() + 1, want.len());
                    prop_assert_eq!(&got[..], &want[..got.len()]);
                }
                Some(other) => prop_assert!(false, "unexpected error {}", other),
            }
        }

        /// Start lines count `\n`, `\r\n` and a lone `\r` as one line break each.
        #[test]
        fn start_lines_count_every_kind_of_line_break(bytes in csv_bytes()) {
            let (got, _) = all(&bytes);
            // Lines are non-decreasing and never beyond the number of line breaks + 1.
            let breaks = bytes.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count()
                + usize::from(bytes.last() == Some(&b'\r'))
                + bytes.iter().filter(|&&b| b == b'\n').count();
            let mut prev = 0;
            for (line, _) in &got {
                prop_assert!(*line > prev);
                prop_assert!(*line as usize <= breaks + 1);
                prev = *line;
            }
        }
    }
}
