//! Large path CSVs read as two halves at once (the `parallel` feature): text in memory
//! and regular files.
//!
//! The input is cut at the first line feed after its middle and each half is read on a
//! thread of its own, with the same reader and row checks as a one-pass load; the second
//! half's channel ids are then mapped onto the first's (names new in the second half
//! take the next ids in the order they first appear there, as a one-pass load gives
//! them) and its lines shifted by the lines of the first. The result is the one-pass
//! load's, row for row, id for id and line for line.
//!
//! The cut is at the start of a record unless the line feed lies inside a quoted field,
//! and then the quote is still open at the end of the first half, which its reader
//! refuses. Whenever either half fails (that, a row error, too many channels in all, a
//! read error), the caller reads the whole input in one pass, which also reports any
//! error where a one-pass load reports it.
//!
//! A file is read through two handles, each streaming its half through a buffer of its
//! own, so that memory stays that of a one-pass load (the file is never held whole).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::paths::{Layout, PathCsvOptions, PathData};
use super::records::{Records, MAX_RECORD_BYTES};

/// Input shorter than this is read in one pass: one pass over 8 MiB takes about 20 ms,
/// of which a second thread would save only some milliseconds.
pub(super) const MIN_SPLIT_BYTES: usize = 8 << 20;

/// The buffer of each half of a file, as large as a one-pass load's.
const FILE_BUFFER: usize = 1 << 16;

/// Whether input of `bytes` bytes is worth two halves: it is large enough and a second
/// thread can run (on one thread the halves would only add the merge).
pub(super) fn worth_halves(bytes: u64) -> bool {
    bytes >= MIN_SPLIT_BYTES as u64 && rayon::current_num_threads() >= 2
}

/// The paths of the CSV `text` read as two halves on two threads (one after the other
/// when the pool has one), or `None` when a half cannot be read on its own.
pub(crate) fn load_halves(text: &[u8], columns: &PathCsvOptions) -> Option<PathData> {
    let middle = text.len() / 2;
    let split = middle + text[middle..].iter().position(|&b| b == b'\n')? + 1;
    let (head, tail) = text.split_at(split);
    load_parts(
        Records::new(head),
        Records::continuing(tail),
        text.len() as u64,
        tail.len() as u64,
        columns,
    )
}

/// The paths of the regular file `file` of `bytes` bytes (opened from `path`) read as two
/// halves, or `None` when a half cannot be read on its own or the file cannot be opened
/// a second time. `file` is read from its start and left anywhere.
///
/// The second handle is placed at the middle and read on to the first line feed, which
/// leaves it at the start of the second half; the first handle reads up to there.
pub(crate) fn load_file_halves(
    path: &Path,
    file: &File,
    bytes: u64,
    columns: &PathCsvOptions,
) -> Option<PathData> {
    let mut second = File::open(path).ok()?;
    let middle = bytes / 2;
    second.seek(SeekFrom::Start(middle)).ok()?;
    let mut tail = BufReader::with_capacity(FILE_BUFFER, second);
    let split = middle + skip_past_line_feed(&mut tail)?;
    let head = BufReader::with_capacity(FILE_BUFFER, file.take(split));
    load_parts(
        Records::new(head),
        Records::continuing(tail),
        bytes,
        bytes.saturating_sub(split),
        columns,
    )
}

/// Consumes `input` through its first line feed and returns the bytes consumed; `None`
/// at the end of the input, on a read error, or when no line feed comes within a
/// record's length (the loader would refuse such a record anyway).
fn skip_past_line_feed(input: &mut impl BufRead) -> Option<u64> {
    let mut consumed = 0u64;
    loop {
        let available = input.fill_buf().ok()?;
        if available.is_empty() || consumed > MAX_RECORD_BYTES as u64 {
            return None;
        }
        if let Some(at) = available.iter().position(|&b| b == b'\n') {
            input.consume(at + 1);
            return Some(consumed + at as u64 + 1);
        }
        let n = available.len();
        input.consume(n);
        consumed += n as u64;
    }
}

/// Reads the two halves at once and joins them: `head` starts the input (with its
/// header), `tail` starts at a record after a line feed; `bytes` is the size of the
/// whole input and `tail_bytes` that of the tail, for the reservations.
fn load_parts<A, B>(
    mut head: Records<A>,
    mut tail: Records<B>,
    bytes: u64,
    tail_bytes: u64,
    columns: &PathCsvOptions,
) -> Option<PathData>
where
    A: BufRead + Send,
    B: BufRead + Send,
{
    if tail_bytes == 0 {
        return None;
    }
    let layout = Layout::read(&mut head, columns).ok()?;
    let (head_data, tail_data) = rayon::join(
        || {
            let mut data = PathData::new();
            // Room for the whole input, so that the second half is appended in place.
            data.reserve_for(bytes);
            data.push_records(&mut head, &layout, columns).ok()?;
            Some((data, head.lines_read()))
        },
        || {
            let mut data = PathData::new();
            data.reserve_for(tail_bytes);
            data.push_records(&mut tail, &layout, columns).ok()?;
            Some(data)
        },
    );
    let (mut data, lines) = head_data?;
    data.append(tail_data?, lines)?;
    Some(data)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The one-pass load of `text`.
    fn one_pass(text: &str) -> Result<PathData, crate::LoadError> {
        PathData::from_csv_reader(text.as_bytes())
    }

    /// A CSV file in the temporary directory, removed when dropped.
    struct TempCsv(std::path::PathBuf);

    impl TempCsv {
        fn new(name: &str, text: &str) -> TempCsv {
            use std::sync::atomic::{AtomicU64, Ordering};
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let path = std::env::temp_dir().join(format!(
                "cocreate-halves-{}-{name}-{}.csv",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, text).unwrap();
            TempCsv(path)
        }

        /// The file read as two halves, whatever its size.
        fn halves(&self) -> Option<PathData> {
            let file = File::open(&self.0).unwrap();
            let bytes = file.metadata().unwrap().len();
            load_file_halves(&self.0, &file, bytes, &PathCsvOptions::default())
        }
    }

    impl Drop for TempCsv {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// A text of at least [`MIN_SPLIT_BYTES`] whose rows use names 0..50, with a new
    /// name every 1,000 rows in the second half and `middle` written at the middle.
    fn large_text(middle: &str) -> String {
        let mut text =
            String::from("path,total_conversions,total_conversion_value,total_null,note\n");
        let mut k = 0;
        let mut placed = false;
        while text.len() < MIN_SPLIT_BYTES + 1000 {
            if !placed && text.len() > MIN_SPLIT_BYTES / 2 + 500 - middle.len() / 2 {
                text.push_str(middle);
                placed = true;
            }
            let late = if text.len() > MIN_SPLIT_BYTES / 2 && k % 1000 == 0 {
                format!(" > late{k}")
            } else {
                String::new()
            };
            text.push_str(&format!(
                "a{} > b{}{late},{},1.5,2,\n",
                k % 50,
                (k * 7) % 50,
                k % 2 + 1
            ));
            k += 1;
        }
        text
    }

    /// A path CSV from row pieces: (names, how the note is quoted, counts, line ending,
    /// a blank line after). A note may hold line breaks; a name may not (a row error).
    fn csv(bom: bool, rows: &[(Vec<u8>, u8, u8, u8, bool)]) -> String {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str("path,total_conversions,total_conversion_value,total_null,note\n");
        for (names, quoting, counts, ending, blank) in rows {
            let path: Vec<String> = names.iter().map(|&n| format!("ch{n}")).collect();
            let path = path.join(" > ");
            // Rare row errors: a line break in a name (quoting 0), a value without
            // conversions (counts 0).
            match quoting % 6 {
                0 if *quoting == 0 => text.push_str(&format!("\"{path}\n > late\"")),
                0 | 1 => text.push_str(&format!("\"{path} \"\" x\"")),
                _ => text.push_str(&path),
            }
            let (c, v) = if *counts == 0 {
                (0, 5)
            } else {
                (counts % 3, 0)
            };
            text.push_str(&format!(",{c},{v},1,"));
            match quoting % 3 {
                0 => text.push_str("\"a note\nover\r\nlines\n\""),
                1 => text.push_str("\"\"\"quoted\"\"\""),
                _ => text.push_str("plain"),
            }
            text.push_str(["\n", "\r\n", "\r"][usize::from(*ending % 3)]);
            if *blank {
                text.push('\n');
            }
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Read in two halves or not at all: never a result the one-pass load does not
        /// give.
        #[test]
        fn halves_equal_one_pass(
            bom in any::<bool>(),
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(0u8..40, 0..5),
                    0u8..120,
                    0u8..100,
                    0u8..3,
                    proptest::bool::weighted(0.1),
                ),
                1..40,
            ),
        ) {
            let text = csv(bom, &rows);
            let halves = load_halves(text.as_bytes(), &PathCsvOptions::default());
            // A file is cut where the text is, so its halves give the same, or fail alike.
            let file = TempCsv::new("prop", &text);
            prop_assert_eq!(&file.halves(), &halves);
            match (one_pass(&text), halves) {
                (Ok(want), Some(got)) => prop_assert_eq!(got, want),
                (Err(_), Some(_)) => prop_assert!(false, "the halves loaded what one pass refuses"),
                (_, None) => {}
            }
            // The public loader gives the one-pass result (or error) whatever the halves do.
            let public = PathData::from_csv_str(&text);
            prop_assert_eq!(public.map_err(|e| e.to_string()), one_pass(&text).map_err(|e| e.to_string()));
        }
    }

    #[test]
    fn large_text_is_read_in_halves_with_new_names_in_the_second() {
        let text = large_text("");
        let halves = load_halves(text.as_bytes(), &PathCsvOptions::default())
            .expect("a plain large text is read in halves");
        let want = one_pass(&text).unwrap();
        assert!(want.channels().len() > 100);
        assert_eq!(halves, want);
        assert_eq!(PathData::from_csv_str(&text).unwrap(), want);
        // The same as a file, through the public loader and through the halves directly.
        let file = TempCsv::new("large", &text);
        assert_eq!(file.halves().as_ref(), Some(&want));
        assert_eq!(PathData::from_csv_path(&file.0).unwrap(), want);
    }

    #[test]
    fn a_large_file_cut_inside_quotes_or_with_a_bad_row_reads_as_one_pass() {
        // A quoted note of many lines around the middle: the cut falls inside it.
        let note = format!("x > y,1,0,0,\"{}\"\n", "a note line\n".repeat(200));
        let text = large_text(&note);
        let file = TempCsv::new("quoted", &text);
        assert_eq!(file.halves(), None);
        assert_eq!(
            PathData::from_csv_path(&file.0).unwrap(),
            one_pass(&text).unwrap()
        );
        // A row error past the middle: the one-pass error, with its line.
        let bad = large_text("web,1,0,-2,\n");
        let file = TempCsv::new("bad", &bad);
        let want = one_pass(&bad).unwrap_err().to_string();
        assert!(want.contains("line"), "{want}");
        assert_eq!(
            PathData::from_csv_path(&file.0).unwrap_err().to_string(),
            want
        );
        assert_eq!(PathData::from_csv_str(&bad).unwrap_err().to_string(), want);
    }

    #[test]
    fn a_cut_inside_quotes_falls_back_to_one_pass() {
        let mut text =
            String::from("path,total_conversions,total_conversion_value,total_null,note\n");
        text.push_str("a,1,0,0,\"a note\n");
        for _ in 0..100 {
            text.push_str(">,b\n");
        }
        text.push_str("\"\nc,1,0,0,\n");
        assert!(load_halves(text.as_bytes(), &PathCsvOptions::default()).is_none());
        let want = one_pass(&text).unwrap();
        assert_eq!(want.n_rows(), 2);
        assert_eq!(PathData::from_csv_str(&text).unwrap(), want);
    }
}
