//! The CSV plumbing shared by the loaders: the header, and fields as names and numbers.

use super::error::{excerpt, LoadError, RowProblem};
use super::records::{Record, Records};

/// The header of a CSV input, for finding columns by name.
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    pub(crate) fn read<R: std::io::BufRead>(records: &mut Records<R>) -> Result<Self, LoadError> {
        let record = records.next_record()?.ok_or(LoadError::NoHeader)?;
        let names: Vec<String> = (0..record.len())
            .map(|i| String::from_utf8_lossy(record.get(i)).trim().to_owned())
            .collect();
        let mut seen = std::collections::HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            if let Some(first) = seen.insert(name.as_str(), i) {
                return Err(LoadError::DuplicateColumn {
                    name: excerpt(name),
                    first: first + 1,
                    second: i + 1,
                });
            }
        }
        Ok(Header { names })
    }

    /// The index of the column `name`, or a [`LoadError::MissingColumn`].
    pub(crate) fn find(&self, name: &str) -> Result<usize, LoadError> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| LoadError::MissingColumn {
                name: excerpt(name),
                found: excerpt(&self.names.join(", ")),
            })
    }

    /// Checks that a record has as many fields as the header.
    #[inline]
    pub(crate) fn check_len(&self, record: &Record<'_>) -> Result<(), RowProblem> {
        if record.len() == self.names.len() {
            Ok(())
        } else if record.last_line > record.line {
            Err(RowProblem::RaggedAcrossLines {
                expected: self.names.len(),
                found: record.len(),
                last_line: record.last_line,
            })
        } else {
            Err(RowProblem::Ragged {
                expected: self.names.len(),
                found: record.len(),
            })
        }
    }
}

/// Refuses a line break in any of the name fields `columns` of a record that spans
/// several lines (records on one line cannot hold one).
#[inline]
pub(crate) fn no_line_break_in_names(
    record: &Record<'_>,
    columns: &[(usize, &str)],
) -> Result<(), RowProblem> {
    if record.last_line == record.line {
        return Ok(());
    }
    for &(i, column) in columns {
        if record.get(i).iter().any(|&b| b == b'\n' || b == b'\r') {
            return Err(RowProblem::LineBreakInName {
                column: column.to_owned(),
                last_line: record.last_line,
            });
        }
    }
    Ok(())
}

/// Field text as UTF-8 with surrounding whitespace removed.
#[inline]
pub(crate) fn text<'a>(bytes: &'a [u8], column: &str) -> Result<&'a str, RowProblem> {
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| RowProblem::NotUtf8 {
            column: column.to_owned(),
        })
}

/// Parses a non-negative finite number (integers fast; anything `f64::from_str` reads
/// otherwise).
#[inline]
pub(crate) fn non_negative(bytes: &[u8], column: &str) -> Result<f64, RowProblem> {
    // A single digit (most counts of aggregated paths) needs no loop.
    if let [d @ b'0'..=b'9'] = bytes {
        return Ok(f64::from(d - b'0'));
    }
    if let Some(v) = plain_number(bytes) {
        return Ok(v);
    }
    let bytes = bytes.trim_ascii();
    if let Some(v) = plain_number(bytes) {
        return Ok(v);
    }
    let s = text(bytes, column)?;
    if s.is_empty() {
        return Err(RowProblem::Empty {
            column: column.to_owned(),
        });
    }
    let value: f64 = s.parse().map_err(|_| RowProblem::NotANumber {
        column: column.to_owned(),
        text: excerpt(s),
    })?;
    if !value.is_finite() {
        return Err(RowProblem::NonFinite {
            column: column.to_owned(),
            text: excerpt(s),
        });
    }
    if value < 0.0 {
        return Err(RowProblem::Negative {
            column: column.to_owned(),
            value,
        });
    }
    // Normalise -0 to 0 so that outputs never show a negative zero.
    Ok(value + 0.0)
}

/// `digits` or `digits.digits` with at most 15 digits in all, as the correctly rounded
/// f64, in one pass: the digits form an exact integer m < 10^15 and 10^k (k ≤ 15) is
/// exact, so m / 10^k is one correctly rounded division (Clinger's fast path). `None`
/// for anything else (signs, exponents, spaces, more digits), which `f64::from_str`
/// then reads.
#[inline]
fn plain_number(bytes: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let mut m = 0u64;
    let mut dot = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            m = m * 10 + u64::from(b - b'0');
        } else if b == b'.' && dot.is_none() {
            dot = Some(i);
        } else {
            return None;
        }
    }
    match dot {
        None if bytes.len() <= 15 => Some(m as f64),
        // Digits on both sides of the point, 15 at most.
        Some(d) if d > 0 && d + 1 < bytes.len() => Some(m as f64 / POW10[bytes.len() - d - 1]),
        _ => None,
    }
}
