//! Large text in memory read as two halves at once (the `parallel` feature).
//!
//! The text is cut at the first line feed after its middle and each half is read on a
//! thread of its own, with the same reader and row checks as a one-pass load; the second
//! half's channel ids are then mapped onto the first's (names new in the second half
//! take the next ids in the order they first appear there, as a one-pass load gives
//! them) and its lines shifted by the lines of the first. The result is the one-pass
//! load's, row for row, id for id and line for line.
//!
//! The cut is at the start of a record unless the line feed lies inside a quoted field,
//! and then the quote is still open at the end of the first half, which its reader
//! refuses. Whenever either half fails (that, a row error, too many channels in all),
//! the caller reads the whole text in one pass, which also reports any error where a
//! one-pass load reports it.

use super::paths::{Layout, PathCsvOptions, PathData};
use super::records::Records;

/// Text shorter than this is read in one pass: one pass over 8 MiB takes about 20 ms,
/// of which a second thread would save only some milliseconds.
pub(super) const MIN_SPLIT_BYTES: usize = 8 << 20;

/// Whether text of `bytes` bytes is worth two halves: it is large enough and a second
/// thread can run (on one thread the halves would only add the merge).
pub(super) fn worth_halves(bytes: usize) -> bool {
    bytes >= MIN_SPLIT_BYTES && rayon::current_num_threads() >= 2
}

/// The paths of the CSV `text` read as two halves on two threads (one after the other
/// when the pool has one), or `None` when a half cannot be read on its own.
pub(crate) fn load_halves(text: &[u8], columns: &PathCsvOptions) -> Option<PathData> {
    let middle = text.len() / 2;
    let split = middle + text[middle..].iter().position(|&b| b == b'\n')? + 1;
    let (head, tail) = text.split_at(split);
    if tail.is_empty() {
        return None;
    }
    let mut first = Records::new(head);
    let layout = Layout::read(&mut first, columns).ok()?;
    let (head_data, tail_data) = rayon::join(
        || {
            let mut data = PathData::new();
            // Room for the whole text, so that the second half is appended in place.
            data.reserve_for(text.len() as u64);
            data.push_records(&mut first, &layout, columns).ok()?;
            Some((data, first.lines_read()))
        },
        || {
            let mut data = PathData::new();
            data.reserve_for(tail.len() as u64);
            let mut records = Records::continuing(tail);
            data.push_records(&mut records, &layout, columns).ok()?;
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
        let mut text = String::from("path,total_conversions,total_conversion_value,total_null\n");
        let mut k = 0;
        while text.len() < MIN_SPLIT_BYTES + 1000 {
            // Names 0..50 throughout, a new name every 1,000 rows in the second half.
            let late = if text.len() > MIN_SPLIT_BYTES / 2 && k % 1000 == 0 {
                format!(" > late{k}")
            } else {
                String::new()
            };
            text.push_str(&format!(
                "a{} > b{}{late},{},1.5,2\n",
                k % 50,
                (k * 7) % 50,
                k % 2 + 1
            ));
            k += 1;
        }
        let halves = load_halves(text.as_bytes(), &PathCsvOptions::default())
            .expect("a plain large text is read in halves");
        let want = one_pass(&text).unwrap();
        assert!(want.channels().len() > 100);
        assert_eq!(halves, want);
        assert_eq!(PathData::from_csv_str(&text).unwrap(), want);
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
