//! The rows of [`PathData`](super::PathData) stored compactly: a million paths are read
//! and then walked once by attribution, so every byte a row takes is a byte written,
//! faulted in and read back.
//!
//! A row is its number of touchpoints (its channel ids are the next ones of the
//! `PathData`'s token array), its conversions, value and nulls, and its input line. The
//! columns are kept apart, and lines as runs of consecutive lines (one run for a file
//! without blank lines or quoted line breaks): 28 bytes a row instead of 48.

/// Rows `row..` (up to the next run) are on lines `line, line + 1, ...`; a `line` of 0
/// marks rows without one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LineRun {
    row: usize,
    line: u64,
}

impl LineRun {
    /// Whether row `row` on line `line` (0 for none) continues this run.
    #[inline]
    fn takes(&self, row: usize, line: u64) -> bool {
        if self.line == 0 {
            line == 0
        } else {
            u64::try_from(row - self.row)
                .ok()
                .and_then(|k| self.line.checked_add(k))
                == Some(line)
        }
    }
}

/// The rows of a `PathData`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PathRows {
    lens: Vec<u32>,
    conversions: Vec<f64>,
    values: Vec<f64>,
    nulls: Vec<f64>,
    lines: Vec<LineRun>,
}

/// One row as stored: its touchpoint count, amounts and line (0 for none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StoredRow {
    pub len: u32,
    pub conversions: f64,
    pub value: f64,
    pub nulls: f64,
    pub line: Option<u64>,
}

impl PathRows {
    /// Appends a row of `len` touchpoints; `line` 0 means none.
    #[inline]
    pub(crate) fn push(&mut self, len: u32, conversions: f64, value: f64, nulls: f64, line: u64) {
        let row = self.lens.len();
        if !self.lines.last().is_some_and(|run| run.takes(row, line)) {
            self.lines.push(LineRun { row, line });
        }
        self.lens.push(len);
        self.conversions.push(conversions);
        self.nulls.push(nulls);
        self.values.push(value);
    }

    /// Reserves room for `rows` more rows, as far as the allocator grants it (what it
    /// refuses is left to grow as the rows come in).
    pub(crate) fn try_reserve(&mut self, rows: usize) {
        if self.lens.try_reserve_exact(rows).is_err() {
            return;
        }
        for column in [&mut self.conversions, &mut self.values, &mut self.nulls] {
            if column.try_reserve_exact(rows).is_err() {
                return;
            }
        }
    }

    /// Appends the rows of `other`, whose lines are counted from `line_offset` (its
    /// line 1 is line `line_offset + 1` here), keeping the runs as pushing the rows one
    /// by one would.
    #[cfg(feature = "parallel")]
    pub(crate) fn append(&mut self, other: PathRows, line_offset: u64) {
        let base = self.len();
        let shift = |line: u64| if line == 0 { 0 } else { line + line_offset };
        let mut runs = other.lines.into_iter();
        if let Some(first) = runs.next() {
            let first = LineRun {
                row: base + first.row,
                line: shift(first.line),
            };
            if !self
                .lines
                .last()
                .is_some_and(|run| run.takes(first.row, first.line))
            {
                self.lines.push(first);
            }
        }
        self.lines.extend(runs.map(|run| LineRun {
            row: base + run.row,
            line: shift(run.line),
        }));
        self.lens.extend_from_slice(&other.lens);
        self.conversions.extend_from_slice(&other.conversions);
        self.values.extend_from_slice(&other.values);
        self.nulls.extend_from_slice(&other.nulls);
    }

    /// Number of rows.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.lens.len()
    }

    /// Each row's channels, conversions, value and nulls, in order, `tokens` holding
    /// the rows' channel ids one after the other: the plainest walk over the rows, for
    /// the models.
    #[inline]
    pub(crate) fn flows<'a>(
        &'a self,
        mut tokens: &'a [u32],
    ) -> impl Iterator<Item = (&'a [u32], f64, f64, f64)> + 'a {
        self.lens
            .iter()
            .zip(&self.conversions)
            .zip(&self.values)
            .zip(&self.nulls)
            .map(move |(((&len, &c), &v), &n)| {
                let (channels, rest) = tokens.split_at(len as usize);
                tokens = rest;
                (channels, c, v, n)
            })
    }

    /// The rows in order.
    #[inline]
    pub(crate) fn iter(&self) -> RowIter<'_> {
        RowIter {
            rows: self,
            next: 0,
            run: 0,
        }
    }
}

/// The rows of a [`PathRows`] in order.
pub(crate) struct RowIter<'a> {
    rows: &'a PathRows,
    next: usize,
    /// The line run of row `next`.
    run: usize,
}

impl Iterator for RowIter<'_> {
    type Item = StoredRow;

    #[inline(always)]
    fn next(&mut self) -> Option<StoredRow> {
        let rows = self.rows;
        let i = self.next;
        let &len = rows.lens.get(i)?;
        self.next = i + 1;
        while rows.lines.get(self.run + 1).is_some_and(|r| r.row <= i) {
            self.run += 1;
        }
        let run = rows.lines[self.run];
        let line = (run.line != 0).then(|| run.line + (i - run.row) as u64);
        Some(StoredRow {
            len,
            conversions: rows.conversions[i],
            value: rows.values[i],
            nulls: rows.nulls[i],
            line,
        })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.rows.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for RowIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_every_row_exactly() {
        let rows_in = [
            (2u32, 1.0, 10.25, 0.0, 2u64),
            (0, 0.0, 0.0, 3.0, 3),
            (5, 0.5, 1.0, 1e-3, 4),
            (1, 1e300, 7.0, 2.0, 9), // a jump in lines
            (1, 2.0, 0.0, 0.0, 0),   // pushed without a line
            (3, 2.0, 0.0, 0.0, 0),
            (1, 16_777_217.0, 0.0, 1.0, 1),
            (1, 1.0, 0.0, 1.0, u64::MAX),
            (1, 1.0, 0.0, 1.0, 5),
        ];
        let mut rows = PathRows::default();
        for &(len, c, v, n, line) in &rows_in {
            rows.push(len, c, v, n, line);
        }
        let got: Vec<StoredRow> = rows.iter().collect();
        assert_eq!(rows.iter().len(), rows_in.len());
        for (g, &(len, c, v, n, line)) in got.iter().zip(&rows_in) {
            assert_eq!(
                (g.len, g.conversions, g.value, g.nulls, g.line),
                (len, c, v, n, (line != 0).then_some(line))
            );
        }
        // Runs: 2..=4, 9, none ×2, 1, MAX, 5.
        assert_eq!(rows.lines.len(), 6);
        let flows: Vec<_> = rows
            .flows(&[7; 15])
            .map(|f| (f.0.len(), f.1, f.2, f.3))
            .collect();
        let want: Vec<_> = rows_in
            .iter()
            .map(|r| (r.0 as usize, r.1, r.2, r.3))
            .collect();
        assert_eq!(flows, want);
    }
}
