//! Documented size limits of the scoring module, checked before anything is allocated.
//!
//! They bound the memory and time a keys file or a data set can demand: reliability
//! holds a few `k × k` matrices over the instrument's items (about 70·k² bytes in all,
//! some 280 MB at the 2,000-item limit) and does O(k³) work per scale (one
//! pseudo-inverse; every statistic with one item dropped follows from it), so the items
//! of one scale and of all scales together are bounded; answers and scores are bounded
//! in cells.

use super::error::ScoringError;

/// Most items one scale may have: reliability holds several `k × k` matrices per scale
/// and its work grows as k³ (a second or so for 1,000 items).
pub const MAX_ITEMS_PER_SCALE: usize = 2_000;
/// Most distinct items one instrument may have.
pub const MAX_ITEMS: usize = 2_000;
/// Most scales one instrument may have.
pub const MAX_SCALES: usize = 500;
/// Most keyed items over all scales together (an item in two scales counts twice).
pub const MAX_KEYED_ITEMS: usize = 10_000;
/// Most answers (respondents × items) and most scores (respondents × scales) one batch
/// may hold: 2^28, 256 MiB as byte codes.
pub const MAX_CELLS: usize = 1 << 28;

/// Errors with [`ScoringError::TooLarge`] when `found` exceeds `limit`.
pub(crate) fn check(
    what: impl FnOnce() -> String,
    found: usize,
    limit: usize,
) -> Result<(), ScoringError> {
    if found > limit {
        return Err(ScoringError::TooLarge {
            what: what(),
            found,
            limit,
        });
    }
    Ok(())
}

/// Checks `rows × cols` cells against [`MAX_CELLS`].
pub(crate) fn check_cells(what: &str, rows: usize, cols: usize) -> Result<(), ScoringError> {
    check(
        || format!("{what} ({rows} respondents × {cols})"),
        rows.saturating_mul(cols),
        MAX_CELLS,
    )
}
