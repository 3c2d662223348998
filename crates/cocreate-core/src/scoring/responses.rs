//! The answers of many respondents to one instrument, validated and stored contiguously.
//!
//! Storage is column-major (item by item), in the instrument's item order. That layout
//! lets batch scoring and the covariance kernels stream each item's answers as one
//! contiguous run, which the compiler vectorises. Whole-number instruments whose answers
//! lie in 0..=254 are stored as one byte per answer with [`MISSING`] (255) marking a
//! missing answer; other instruments are stored as `f64` with NaN marking a missing
//! answer. Either way every stored answer has been checked against the instrument's
//! response range.

use std::sync::Arc;

use crate::data::{DataWarning, Ids, Table};

use super::error::{CellPosition, ScoringError};
use super::instrument::Instrument;
use cocreate_stats::ResponseRange;

/// The byte code of a missing answer in byte-coded responses.
pub const MISSING: u8 = u8::MAX;

/// How a flat buffer of answers is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Layout {
    /// Respondent by respondent: all items of respondent 1, then respondent 2, ...
    RowMajor,
    /// Item by item: all respondents' answers to item 1, then item 2, ...
    ColumnMajor,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cells {
    /// Column-major byte codes; [`MISSING`] is missing.
    Codes(Vec<u8>),
    /// Column-major values; NaN is missing.
    Values(Vec<f64>),
}

/// Validated answers of `n_respondents` respondents to the items of one instrument.
///
/// ```
/// use cocreate_core::scoring::{Instrument, Layout, Responses, MISSING};
///
/// let keys = Instrument::from_json_str(r#"{"name": "pair", "scale_min": 1, "scale_max": 5,
///     "scales": [{"name": "S", "items": ["a", "b"], "reverse": [false, true]}]}"#)?;
/// // Two respondents, row-major, the second skipped item b.
/// let r = Responses::from_codes(&keys, 2, vec![4, 2, 5, MISSING], Layout::RowMajor)?;
/// assert_eq!(r.get(1, 1), None);
/// assert_eq!(r.respondent(0), vec![Some(4.0), Some(2.0)]);
///
/// // Out-of-range codes are an error naming row, column and value.
/// let err = Responses::from_codes(&keys, 1, vec![4, 9], Layout::RowMajor).unwrap_err();
/// assert_eq!(err.to_string(),
///     "row 1, column \"b\": code 9 is outside the response range 1 to 5 and is not the missing code 255");
/// # Ok::<(), cocreate_core::scoring::ScoringError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "repr::ResponsesRepr", try_from = "repr::ResponsesRepr")
)]
pub struct Responses {
    items: Vec<String>,
    /// The range every stored answer was checked against.
    range: ResponseRange,
    n: usize,
    cells: Cells,
    lines: Option<Vec<u64>>,
    /// Respondent identifiers from the table's identifier column, shared with results.
    ids: Option<Arc<Ids>>,
    /// What the CSV reader noticed in the columns it did not score.
    warnings: Vec<DataWarning>,
}

impl Responses {
    /// Byte-coded answers (the fast path): each code is an answer in the instrument's
    /// range or [`MISSING`]. `codes` holds `n_respondents × items` codes in the given
    /// layout, items in [`Instrument::items`] order.
    ///
    /// Errors when the instrument's answers are not whole numbers in 0..=254, the buffer
    /// length is wrong, or a code is out of range (naming row, column and code).
    pub fn from_codes(
        inst: &Instrument,
        n_respondents: usize,
        codes: Vec<u8>,
        layout: Layout,
    ) -> Result<Self, ScoringError> {
        let range = inst.range();
        if !fits_codes(&range) {
            return Err(ScoringError::CodesUnsupported {
                instrument: inst.name().to_string(),
                min: range.min(),
                max: range.max(),
            });
        }
        let k = inst.items().len();
        super::limits::check_cells("byte codes", n_respondents, k)?;
        let expected = n_respondents.saturating_mul(k);
        if codes.len() != expected {
            return Err(ScoringError::WrongLength {
                what: format!("byte codes for {n_respondents} respondents × {k} items"),
                expected,
                found: codes.len(),
            });
        }
        let (lo, span) = (range.min() as u8, (range.max() - range.min()) as u8);
        // Branch-free, so that checking a run of codes vectorises.
        let bad = |c: u8| (c.wrapping_sub(lo) > span) & (c != MISSING);
        let checked = match layout {
            Layout::ColumnMajor => match first_bad(&codes, bad) {
                None => Ok(codes),
                Some(pos) => Err((pos, codes[pos])),
            },
            Layout::RowMajor => {
                transpose_codes(&codes, n_respondents, k, bad).map_err(|pos| (pos, codes[pos]))
            }
        };
        let codes = match checked {
            Ok(codes) => codes,
            Err((pos, code)) => {
                let (row, col) = match layout {
                    Layout::RowMajor => (pos / k, pos % k),
                    Layout::ColumnMajor => (pos % n_respondents, pos / n_respondents),
                };
                return Err(ScoringError::BadCode {
                    at: CellPosition {
                        row: row + 1,
                        line: None,
                    },
                    column: inst.items()[col].clone(),
                    code,
                    min: range.min(),
                    max: range.max(),
                });
            }
        };
        Ok(Responses {
            items: inst.items().to_vec(),
            range: inst.range(),
            n: n_respondents,
            cells: Cells::Codes(codes),
            lines: None,
            ids: None,
            warnings: Vec::new(),
        })
    }

    /// Answers from a [`Table`] whose columns include every item of the instrument
    /// (other columns, such as an id, are ignored). Missing cells are missing answers.
    ///
    /// Errors name the row (and CSV line), column and value of the first answer that is
    /// out of range, fractional where the instrument demands whole numbers, or text; and
    /// the item of the first instrument item with no column.
    ///
    /// ```
    /// use cocreate_core::data::Table;
    /// use cocreate_core::scoring::{builtin, Responses};
    ///
    /// let tipi = builtin::tipi();
    /// let csv = "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\n7,1,2,3,4,5,6,7,1,2,3\n8,1,2,3,4,5,6,7,1,2,8\n";
    /// let table = Table::from_csv_reader(csv.as_bytes())?;
    /// let err = Responses::from_table(&tipi, &table).unwrap_err();
    /// assert_eq!(err.to_string(), "row 2 (line 3), column \"Q10\": 8 is outside the response range 1 to 7");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_table(inst: &Instrument, table: &Table) -> Result<Self, ScoringError> {
        for item in inst.items() {
            if table.column_index(item).is_none() {
                return Err(ScoringError::MissingColumn {
                    item: item.clone(),
                    scale: inst.first_scale_of(item).to_string(),
                    available: table.names().join(", "),
                });
            }
        }
        let selected = table.select(inst.items())?;
        let n = selected.n_rows();
        let k = inst.items().len();
        let lines: Option<Vec<u64>> = table
            .has_source_lines()
            .then(|| (0..n).map(|r| table.source_line(r)).collect());
        let at = |r: usize| CellPosition {
            row: r + 1,
            line: lines.as_ref().map(|l| l[r]),
        };
        let range = inst.range();
        let values = selected.values();
        for r in 0..n {
            for c in 0..k {
                let v = values[r * k + c];
                if v.is_nan() {
                    continue;
                }
                if v < range.min() || v > range.max() {
                    return Err(ScoringError::OutOfRange {
                        at: at(r),
                        column: inst.items()[c].clone(),
                        value: v,
                        min: range.min(),
                        max: range.max(),
                    });
                }
                if range.integer() && v.fract() != 0.0 {
                    return Err(ScoringError::NotInteger {
                        at: at(r),
                        column: inst.items()[c].clone(),
                        value: v,
                    });
                }
            }
        }
        let cells = if fits_codes(&range) {
            let mut codes = vec![MISSING; n * k];
            for r in 0..n {
                for c in 0..k {
                    let v = values[r * k + c];
                    if !v.is_nan() {
                        codes[c * n + r] = v as u8;
                    }
                }
            }
            Cells::Codes(codes)
        } else {
            Cells::Values(transpose(values, n, k))
        };
        Ok(Responses {
            items: inst.items().to_vec(),
            range: inst.range(),
            n,
            cells,
            lines,
            ids: table.ids_parts().cloned().map(Arc::new),
            warnings: table.warnings(),
        })
    }

    /// Answers from rows of optional values, one row per respondent, items in
    /// [`Instrument::items`] order; validated like [`Responses::from_table`].
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Responses};
    ///
    /// let tipi = builtin::tipi();
    /// let err = Responses::from_rows(&tipi, &[vec![Some(3.5); 10]]).unwrap_err();
    /// assert!(err.to_string().contains("3.5 is not a whole number"));
    /// ```
    pub fn from_rows(inst: &Instrument, rows: &[Vec<Option<f64>>]) -> Result<Self, ScoringError> {
        let k = inst.items().len();
        for (r, row) in rows.iter().enumerate() {
            if row.len() != k {
                return Err(ScoringError::WrongLength {
                    what: format!("answers of respondent {} to {:?}", r + 1, inst.name()),
                    expected: k,
                    found: row.len(),
                });
            }
            for (c, v) in row.iter().enumerate() {
                if let Some(v) = v {
                    if !v.is_finite() {
                        return Err(ScoringError::OutOfRange {
                            at: CellPosition {
                                row: r + 1,
                                line: None,
                            },
                            column: inst.items()[c].clone(),
                            value: *v,
                            min: inst.range().min(),
                            max: inst.range().max(),
                        });
                    }
                }
            }
        }
        let table = Table::new(inst.items().to_vec(), rows.to_vec())?;
        Self::from_table(inst, &table)
    }

    /// Number of respondents.
    pub fn n_respondents(&self) -> usize {
        self.n
    }

    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// The item names, in storage order (the instrument's item order).
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// Whether the answers are stored as byte codes (the fast path).
    pub fn is_byte_coded(&self) -> bool {
        matches!(self.cells, Cells::Codes(_))
    }

    /// One answer (0-based respondent and item), `None` when missing or out of bounds.
    pub fn get(&self, row: usize, item: usize) -> Option<f64> {
        if row >= self.n || item >= self.items.len() {
            return None;
        }
        let i = item * self.n + row;
        match &self.cells {
            Cells::Codes(c) => (c[i] != MISSING).then_some(f64::from(c[i])),
            Cells::Values(v) => (!v[i].is_nan()).then_some(v[i]),
        }
    }

    /// One respondent's answers in item order (`None` = missing). Empty when `row` is
    /// out of bounds.
    pub fn respondent(&self, row: usize) -> Vec<Option<f64>> {
        if row >= self.n {
            return Vec::new();
        }
        (0..self.items.len()).map(|j| self.get(row, j)).collect()
    }

    /// Number of missing answers.
    ///
    /// ```
    /// # use cocreate_core::scoring::{builtin, Responses};
    /// let r = Responses::from_rows(&builtin::tipi(), &[vec![None; 10]])?;
    /// assert_eq!(r.n_missing(), 10);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn n_missing(&self) -> usize {
        match &self.cells {
            Cells::Codes(c) => c.iter().filter(|&&x| x == MISSING).count(),
            Cells::Values(v) => v.iter().filter(|x| x.is_nan()).count(),
        }
    }

    /// The answers of respondents `rows` (0-based, any order, repeats allowed), as new
    /// responses; out-of-bounds rows are skipped.
    ///
    /// ```
    /// # use cocreate_core::scoring::{builtin, Responses};
    /// let inst = builtin::tipi();
    /// let r = Responses::from_rows(&inst, &[vec![Some(1.0); 10], vec![Some(2.0); 10]])?;
    /// let swapped = r.select_rows(&[1, 0]);
    /// assert_eq!(swapped.get(0, 0), Some(2.0));
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn select_rows(&self, rows: &[usize]) -> Responses {
        let rows: Vec<usize> = rows.iter().copied().filter(|&r| r < self.n).collect();
        let m = rows.len();
        let k = self.items.len();
        let cells = match &self.cells {
            Cells::Codes(c) => Cells::Codes(
                (0..k)
                    .flat_map(|j| rows.iter().map(move |&r| c[j * self.n + r]))
                    .collect(),
            ),
            Cells::Values(v) => Cells::Values(
                (0..k)
                    .flat_map(|j| rows.iter().map(move |&r| v[j * self.n + r]))
                    .collect(),
            ),
        };
        Responses {
            items: self.items.clone(),
            range: self.range,
            n: m,
            cells,
            lines: self
                .lines
                .as_ref()
                .map(|l| rows.iter().map(|&r| l[r]).collect()),
            ids: self.ids.as_ref().map(|ids| {
                Arc::new(Ids {
                    column: ids.column.clone(),
                    values: rows.iter().map(|&r| ids.values[r].clone()).collect(),
                })
            }),
            warnings: self.warnings.clone(),
        }
    }

    /// The respondent identifiers (one per respondent) when the answers came from a
    /// table with an identifier column (a column `id`, or one named in
    /// [`crate::data::CsvOptions`]); kept as text, so `R1000` stays `R1000`.
    ///
    /// ```
    /// use cocreate_core::data::Table;
    /// use cocreate_core::scoring::{builtin, Responses};
    ///
    /// let csv = "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\nR1000,1,2,3,4,5,6,7,1,2,3\n";
    /// let r = Responses::from_table(&builtin::tipi(), &Table::from_csv_reader(csv.as_bytes())?)?;
    /// assert_eq!(r.ids().unwrap(), ["R1000"]);
    /// assert_eq!(r.id_column(), Some("id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_ref().map(|i| i.values.as_slice())
    }

    /// The column the identifiers came from.
    pub fn id_column(&self) -> Option<&str> {
        self.ids.as_ref().map(|i| i.column.as_str())
    }

    pub(crate) fn shared_ids(&self) -> Option<Arc<Ids>> {
        self.ids.clone()
    }

    /// The answers as a [`Table`]: one column per item (instrument order), a missing cell
    /// where there is no answer, and the respondents' identifiers. Analyses that work on
    /// raw item columns (ω hierarchical) read it.
    ///
    /// ```
    /// use cocreate_core::scoring::{builtin, Responses};
    ///
    /// let r = Responses::from_csv_str(&builtin::tipi(), "id,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10\nR1,1,,3,4,5,6,7,1,2,3\n")?;
    /// let t = r.to_table()?;
    /// assert_eq!(t.names()[0], "Q1");
    /// assert_eq!((t.get(0, 0), t.get(0, 1)), (Some(1.0), None));
    /// assert_eq!(t.ids().unwrap(), ["R1"]);
    /// # Ok::<(), cocreate_core::scoring::ScoringError>(())
    /// ```
    pub fn to_table(&self) -> Result<Table, ScoringError> {
        let k = self.items.len();
        let cells: Vec<Option<f64>> = (0..self.n)
            .flat_map(|r| (0..k).map(move |j| (r, j)))
            .map(|(r, j)| self.get(r, j))
            .collect();
        let table = Table::from_row_major(self.items.clone(), &cells)?;
        Ok(match &self.ids {
            Some(ids) => table.with_ids(ids.column.clone(), ids.values.clone())?,
            None => table,
        })
    }

    /// What the reader noticed in the data without refusing it, when the answers came
    /// from a [`Table`] or CSV: a column that is not scored but mixes numbers and text
    /// ([`DataWarning`]). Empty otherwise.
    pub fn warnings(&self) -> &[DataWarning] {
        &self.warnings
    }

    /// Byte-coded answers already checked against `range`, column-major, with the CSV
    /// lines, identifiers and reader's warnings that came with them.
    pub(crate) fn from_checked_codes(
        inst: &Instrument,
        n: usize,
        codes: Vec<u8>,
        lines: Option<Vec<u64>>,
        ids: Option<Ids>,
        warnings: Vec<DataWarning>,
    ) -> Self {
        Responses {
            items: inst.items().to_vec(),
            range: inst.range(),
            n,
            cells: Cells::Codes(codes),
            lines,
            ids: ids.map(Arc::new),
            warnings,
        }
    }

    /// The CSV line of a respondent's row, when the answers came from CSV.
    pub fn source_line(&self, row: usize) -> Option<u64> {
        self.lines.as_ref().and_then(|l| l.get(row).copied())
    }

    pub(crate) fn cells(&self) -> &Cells {
        &self.cells
    }

    /// The range every stored answer lies in.
    pub(crate) fn range(&self) -> ResponseRange {
        self.range
    }

    /// Checks that these responses hold exactly the instrument's items, and answers that
    /// were validated against a range inside the instrument's (so that every answer is
    /// one the instrument allows).
    pub(crate) fn check_instrument(&self, inst: &Instrument) -> Result<(), ScoringError> {
        super::limits::check_cells("scores", self.n, inst.scales().len())?;
        if self.items != inst.items() {
            return Err(ScoringError::InstrumentMismatch {
                instrument: inst.name().to_string(),
                expected: inst.items().join(", "),
                found: self.items.join(", "),
            });
        }
        let (ours, theirs) = (self.range, inst.range());
        if ours.min() < theirs.min()
            || ours.max() > theirs.max()
            || (theirs.integer() && !ours.integer())
        {
            return Err(ScoringError::RangeMismatch {
                instrument: inst.name().to_string(),
                min: theirs.min(),
                max: theirs.max(),
                checked_min: ours.min(),
                checked_max: ours.max(),
            });
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
mod repr {
    //! The serialised form of [`Responses`]: the items, the range, one row of answers
    //! per respondent (`null` when missing), and the identifiers, lines and warnings
    //! that came with them; every answer is checked against the range when read back.
    use super::*;

    #[derive(Clone, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ResponsesRepr {
        items: Vec<String>,
        range: ResponseRange,
        answers: Vec<Vec<Option<f64>>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id_column: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ids: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lines: Option<Vec<u64>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<DataWarning>,
    }

    impl From<Responses> for ResponsesRepr {
        fn from(r: Responses) -> Self {
            ResponsesRepr {
                answers: (0..r.n).map(|row| r.respondent(row)).collect(),
                id_column: r.ids.as_ref().map(|i| i.column.clone()),
                ids: r.ids.as_ref().map(|i| i.values.clone()),
                items: r.items,
                range: r.range,
                lines: r.lines,
                warnings: r.warnings,
            }
        }
    }

    impl TryFrom<ResponsesRepr> for Responses {
        type Error = ScoringError;
        fn try_from(r: ResponsesRepr) -> Result<Self, ScoringError> {
            let (n, k) = (r.answers.len(), r.items.len());
            super::super::limits::check_cells("serialised answers", n, k)?;
            let mut seen = std::collections::HashSet::new();
            if let Some(item) = r.items.iter().find(|i| !seen.insert(i.as_str())) {
                return Err(ScoringError::DuplicateItem {
                    scale: "(serialised answers)".into(),
                    item: crate::data::excerpt(item),
                });
            }
            let mut values = vec![f64::NAN; n * k];
            for (row, answers) in r.answers.iter().enumerate() {
                if answers.len() != k {
                    return Err(ScoringError::WrongLength {
                        what: format!("serialised answers of respondent {}", row + 1),
                        expected: k,
                        found: answers.len(),
                    });
                }
                for (j, a) in answers.iter().enumerate() {
                    if let Some(v) = *a {
                        let at = CellPosition::new(row + 1, None);
                        let column = crate::data::excerpt(&r.items[j]);
                        if !r.range.spans(v) {
                            return Err(ScoringError::OutOfRange {
                                at,
                                column,
                                value: v,
                                min: r.range.min(),
                                max: r.range.max(),
                            });
                        }
                        if !r.range.contains(v) {
                            return Err(ScoringError::NotInteger {
                                at,
                                column,
                                value: v,
                            });
                        }
                        values[j * n + row] = v;
                    }
                }
            }
            for (what, len) in [
                ("identifiers", r.ids.as_ref().map(Vec::len)),
                ("lines", r.lines.as_ref().map(Vec::len)),
            ] {
                if let Some(len) = len.filter(|&l| l != n) {
                    return Err(ScoringError::WrongLength {
                        what: format!("serialised answers: {what} per respondent"),
                        expected: n,
                        found: len,
                    });
                }
            }
            let ids = match (r.id_column, r.ids) {
                (Some(column), Some(values)) => Some(Arc::new(Ids { column, values })),
                (None, None) => None,
                _ => {
                    return Err(ScoringError::WrongLength {
                        what: "serialised answers: identifiers with their column".into(),
                        expected: 2,
                        found: 1,
                    })
                }
            };
            let cells = if fits_codes(&r.range) {
                Cells::Codes(
                    values
                        .iter()
                        .map(|&v| if v.is_nan() { MISSING } else { v as u8 })
                        .collect(),
                )
            } else {
                Cells::Values(values)
            };
            Ok(Responses {
                items: r.items,
                range: r.range,
                n,
                cells,
                lines: r.lines,
                ids,
                warnings: r.warnings,
            })
        }
    }
}

/// Whether answers in `range` fit the byte-code fast path: whole numbers from 0 to 254.
pub(crate) fn fits_codes(range: &ResponseRange) -> bool {
    range.integer() && range.min() >= 0.0 && range.max() <= 254.0
}

/// Transposes an `n × k` row-major buffer into column-major order.
fn transpose<T: Copy + Default>(src: &[T], n: usize, k: usize) -> Vec<T> {
    let mut out = vec![T::default(); n * k];
    // Tiles of rows keep both sides cache-friendly.
    const TILE: usize = 64;
    for r0 in (0..n).step_by(TILE) {
        let r1 = (r0 + TILE).min(n);
        for c in 0..k {
            let dst = &mut out[c * n + r0..c * n + r1];
            for (d, r) in dst.iter_mut().zip(r0..r1) {
                *d = src[r * k + c];
            }
        }
    }
    out
}

/// Bytes of row-major codes per tile of [`transpose_codes`]: the tile stays in L2 while
/// it is checked and then read back item by item.
const TILE_BYTES: usize = 128 * 1024;

/// Index of the first code `bad` rejects. Runs of codes are checked with a branch-free
/// fold (vectorised) and searched only when one fails.
fn first_bad(codes: &[u8], bad: impl Fn(u8) -> bool) -> Option<usize> {
    codes
        .chunks(TILE_BYTES)
        .enumerate()
        .find(|(_, run)| run.iter().fold(false, |acc, &c| acc | bad(c)))
        .and_then(|(t, run)| Some(t * TILE_BYTES + run.iter().position(|&c| bad(c))?))
}

/// Validates `n × k` row-major codes and transposes them into column-major order, one tile
/// of rows at a time: the tile is checked while it is in cache, then written out eight
/// rows by eight items at a time, each 8 × 8 block transposed in eight `u64` words.
/// Returns the index in `src` of the first code `bad` rejects instead, if any.
fn transpose_codes(
    src: &[u8],
    n: usize,
    k: usize,
    bad: impl Fn(u8) -> bool,
) -> Result<Vec<u8>, usize> {
    let mut out = vec![0u8; n * k];
    if k == 0 {
        return Ok(out);
    }
    let tile_rows = (TILE_BYTES / k).max(8) / 8 * 8;
    let k8 = k / 8 * 8;
    for r0 in (0..n).step_by(tile_rows) {
        let r1 = (r0 + tile_rows).min(n);
        if let Some(p) = first_bad(&src[r0 * k..r1 * k], &bad) {
            return Err(r0 * k + p);
        }
        // Rows r0..r8 in blocks of eight; the rest, and items past k8, one by one.
        let r8 = r0 + (r1 - r0) / 8 * 8;
        for c in (0..k8).step_by(8) {
            for r in (r0..r8).step_by(8) {
                let mut block = [0u64; 8];
                for (i, word) in block.iter_mut().enumerate() {
                    let at = (r + i) * k + c;
                    let mut bytes = [0u8; 8];
                    bytes.copy_from_slice(&src[at..at + 8]);
                    *word = u64::from_le_bytes(bytes);
                }
                for (j, word) in transpose8(block).iter().enumerate() {
                    let at = (c + j) * n + r;
                    out[at..at + 8].copy_from_slice(&word.to_le_bytes());
                }
            }
        }
        for c in k8..k {
            for r in r0..r8 {
                out[c * n + r] = src[r * k + c];
            }
        }
        for r in r8..r1 {
            for c in 0..k {
                out[c * n + r] = src[r * k + c];
            }
        }
    }
    Ok(out)
}

/// Transposes an 8 × 8 block of bytes held as eight little-endian words (byte j of word
/// i becomes byte i of word j), by swapping 4 × 4, then 2 × 2, then 1 × 1 sub-blocks.
pub(crate) fn transpose8(mut x: [u64; 8]) -> [u64; 8] {
    for i in 0..4 {
        let t = ((x[i] >> 32) ^ x[i + 4]) & 0x0000_0000_FFFF_FFFF;
        x[i] ^= t << 32;
        x[i + 4] ^= t;
    }
    for i in [0, 1, 4, 5] {
        let t = ((x[i] >> 16) ^ x[i + 2]) & 0x0000_FFFF_0000_FFFF;
        x[i] ^= t << 16;
        x[i + 2] ^= t;
    }
    for i in [0, 2, 4, 6] {
        let t = ((x[i] >> 8) ^ x[i + 1]) & 0x00FF_00FF_00FF_00FF;
        x[i] ^= t << 8;
        x[i + 1] ^= t;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::builtin;

    #[test]
    fn codes_row_and_column_major_agree() {
        let inst = builtin::tipi();
        let row_major: Vec<u8> = (0..30).map(|i| (i % 7 + 1) as u8).collect();
        let a = Responses::from_codes(&inst, 3, row_major.clone(), Layout::RowMajor).unwrap();
        let col_major = transpose(&row_major, 3, 10);
        let b = Responses::from_codes(&inst, 3, col_major, Layout::ColumnMajor).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.get(2, 3), Some(f64::from(row_major[2 * 10 + 3])));
    }

    #[test]
    fn byte_transpose_matches_the_plain_one_on_ragged_sizes() {
        for (n, k) in [
            (0, 3),
            (1, 1),
            (7, 9),
            (8, 8),
            (29, 17),
            (1000, 60),
            (3001, 5),
        ] {
            let src: Vec<u8> = (0..n * k).map(|i| (i * 31 % 251) as u8).collect();
            assert_eq!(
                transpose_codes(&src, n, k, |_| false),
                Ok(transpose(&src, n, k)),
                "{n} x {k}"
            );
        }
    }

    #[test]
    fn the_first_bad_code_is_found_in_either_layout() {
        let inst = builtin::tipi();
        let n = 20_000;
        let mut codes = vec![4u8; n * 10];
        codes[17_000 * 10 + 6] = 9; // row 17001, item Q7
        codes[18_000 * 10 + 2] = 0;
        let err = Responses::from_codes(&inst, n, codes.clone(), Layout::RowMajor).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("row 17001, column \"Q7\": code 9"),
            "{err}"
        );
        let col_major = transpose(&codes, n, 10);
        let err = Responses::from_codes(&inst, n, col_major, Layout::ColumnMajor).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("row 18001, column \"Q3\": code 0"),
            "{err}"
        );
    }

    #[test]
    fn column_major_bad_code_names_row_and_item() {
        let inst = builtin::tipi();
        let mut codes = vec![1u8; 20];
        codes[2 * 2 + 1] = 0; // item 3 (Q3), respondent 2
        let err = Responses::from_codes(&inst, 2, codes, Layout::ColumnMajor).unwrap_err();
        match err {
            ScoringError::BadCode {
                at, column, code, ..
            } => {
                assert_eq!((at.row, column.as_str(), code), (2, "Q3", 0));
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn wrong_length_and_unsupported_ranges() {
        let inst = builtin::tipi();
        assert!(matches!(
            Responses::from_codes(&inst, 2, vec![1; 19], Layout::RowMajor),
            Err(ScoringError::WrongLength { .. })
        ));
        let slider = Instrument::new(
            "s",
            cocreate_stats::ResponseRange::with_integer(0.0, 100.0, false).unwrap(),
            vec![crate::scoring::Scale::from_keys("S", &["a"]).unwrap()],
        )
        .unwrap();
        assert!(matches!(
            Responses::from_codes(&slider, 1, vec![1], Layout::RowMajor),
            Err(ScoringError::CodesUnsupported { .. })
        ));
        let r = Responses::from_rows(&slider, &[vec![Some(12.5)]]).unwrap();
        assert!(!r.is_byte_coded());
        assert_eq!(r.get(0, 0), Some(12.5));
    }

    #[test]
    fn missing_column_names_item_and_scale() {
        let inst = builtin::tipi();
        let t = Table::from_csv_reader("Q1,Q2\n1,2\n".as_bytes()).unwrap();
        let err = Responses::from_table(&inst, &t).unwrap_err();
        assert!(
            err.to_string().starts_with("item \"Q3\" of scale \"C\""),
            "{err}"
        );
    }
}
