//! Questionnaire scoring: instruments and keys, reverse keying, missing data, scale
//! scores, reliability, norms and careless-response indices.
//!
//! The workflow follows `psych::scoreItems` and `psych::alpha`, and matches them to the
//! last digits (see `docs/validation.md`):
//!
//! 1. An [`Instrument`] names scales of keyed items over a response range. Load one from
//!    JSON ([`Instrument::from_json_str`]) or take a built-in one from [`builtin`].
//! 2. [`Responses`] holds the answers, validated against the instrument: straight from
//!    CSV ([`Responses::from_csv_path`], one pass into byte codes), from a
//!    [`crate::data::Table`], or from byte codes with [`MISSING`] marking a skipped item.
//! 3. A [`Scorer`] (an instrument with validated [`ScoringOptions`], chiefly the
//!    [`MissingPolicy`]) scores a whole batch ([`Scorer::score`]) or one respondent
//!    ([`Scorer::score_respondent`]). A scale score is the mean of the keyed items, a
//!    reverse-keyed answer `x` counting as `(min + max) − x`.
//! 4. [`Scorer::reliability`] reports per scale raw and standardised alpha, Guttman's
//!    λ6, average and median inter-item r, item–total and item–rest correlations,
//!    alpha if an item is dropped, Feldt's interval and McDonald's ω total, in O(k³)
//!    for a k-item scale. The result prints itself: one line per scale for the
//!    instrument ([`Reliability`]'s `Display`), psych's `alpha()` table for a scale
//!    ([`ScaleReliability::summary`]).
//! 5. [`Norms`] turn scores into z, T, POMP and percentiles; [`careless`] flags
//!    inattentive respondents.
//!
//! ```
//! use cocreate_core::data::Table;
//! use cocreate_core::scoring::{Instrument, MissingPolicy, Responses, Scorer, ScoringOptions};
//!
//! let keys = Instrument::from_json_str(r#"{
//!     "name": "demo", "scale_min": 1, "scale_max": 5,
//!     "scales": [{"name": "O", "items": ["O1", "O2", "O3"], "reverse": [false, true, false]}]
//! }"#)?;
//! let csv = "id,O1,O2,O3\n1,4,2,5\n2,3,,3\n3,5,1,4\n4,2,4,2\n";
//! let answers = Responses::from_table(&keys, &Table::from_csv_reader(csv.as_bytes())?)?;
//!
//! let scorer = Scorer::new(&keys, ScoringOptions::new().missing(MissingPolicy::Prorate { min_answered: 2 }))?;
//! let scores = scorer.score(&answers)?;
//! assert_eq!(scores.get(0, 0), Some((4.0 + 4.0 + 5.0) / 3.0));
//! assert_eq!(scores.get(1, 0), Some(3.0)); // O2 skipped: mean of the two answered
//!
//! let rel = scorer.reliability(&answers)?;
//! assert!(rel.scales[0].alpha_raw > 0.8);
//! assert!(rel.to_string().contains("\nO         3")); // the scale's line of the report
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod alpha;
mod batch;
pub mod builtin;
pub mod careless;
mod error;
mod instrument;
mod kernel;
mod limits;
mod linalg;
mod moments;
mod normed;
mod norms;
mod omega;
#[allow(clippy::needless_range_loop)] // index loops read as the formulas
mod omega_h;
mod ordinal;
mod read;
mod reliability;
mod responses;
mod score;
mod scorer;
mod scores;
mod tridiagonal;

/// The range of answers an instrument allows (shared with the rest of cocreate:
/// `cocreate_stats::ResponseRange`).
pub use cocreate_stats::{RangeError, ResponseRange};
pub use error::{CellPosition, ItemOrderProblem, ScoringError};
pub use instrument::{Instrument, KeyFileNotes, Scale, MAX_KEY_FILE_BYTES};
pub use limits::{MAX_CELLS, MAX_ITEMS, MAX_ITEMS_PER_SCALE, MAX_KEYED_ITEMS, MAX_SCALES};
pub use normed::{pomp, NormedScore, NormedScores};
pub use norms::{Norms, PercentileMethod, PercentilePoint, ScaleNorm};
pub use omega::OmegaTotal;
pub use omega_h::{
    omega_hierarchical, omega_hierarchical_from_table, LoadingTable, OmegaError, OmegaGroup,
    OmegaHierarchical, MAX_OMEGA_FACTORS, MAX_OMEGA_ITEMS,
};
pub use ordinal::{OrdinalReliability, OrdinalScaleReliability};
pub use reliability::{
    AlphaIfDropped, ConfidenceInterval, ItemStatistics, LabelledMatrix, Reliability,
    ReliabilityWarning, ScaleReliability, SkipReason,
};
pub use responses::{Layout, Responses, MISSING};
pub use scorer::{MissingPolicy, ReverseRange, Scorer, ScoringOptions};
pub use scores::{RespondentScores, ScaleScore, ScaleSummary, Scores};
