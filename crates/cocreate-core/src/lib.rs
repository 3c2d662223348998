//! # cocreate-core
//!
//! Measurement and modelling for customer co-creation research.
//!
//! Customers are co-producers of the services they receive, and whether a customer is
//! ready to co-create depends in part on personality: the Big Five traits act through
//! innate innovativeness and enduring involvement on willingness to co-create. This crate
//! holds the statistics behind that chain:
//!
//! - [`data`]: named numeric tables read from rows or CSV, with missing cells and
//!   respondent identifiers kept as text.
//! - [`ordinal`]: Likert items as ordered categories: thresholds, polychoric and
//!   polyserial correlations and their asymptotic covariance matrix, as lavaan's
//!   `lavCor(ordered = ...)` computes them.
//! - [`scoring`]: questionnaire instruments, item keys, reverse keying, missing data,
//!   reliability, norms and careless-response indices.
//! - [`sem`]: lavaan-style model syntax, path analysis and latent-variable structural
//!   equation models fitted by maximum likelihood, with fit indices, indirect effects and
//!   bootstrap intervals.
//! - [`readiness`]: co-creation readiness prediction (who is ready to co-create, by which
//!   pathway, with which invitation) and co-producer readiness diagnostics.
//!
//! # Untrusted input
//!
//! The readers and constructors of this crate are meant to meet files written by
//! anyone: every input gives a result or an error that says what was wrong and where
//! (file, line, column, item), never a panic, and nothing is dropped or changed without
//! a warning in the result. What a caller can still demand is bounded by the limits
//! below, each checked before the memory it guards is allocated; exceeding one is an
//! error ([`data::DataError::TooLarge`], [`scoring::ScoringError::TooLarge`]), not an
//! abort.
//!
//! ## `data`
//!
//! - At most [`data::MAX_COLUMNS`] (100,000) columns and [`data::MAX_CELLS`] (2^26)
//!   cells, rows × columns, per table.
//! - One CSV record (a row, quoted line breaks included) spans at most
//!   [`data::MAX_RECORD_BYTES`] (64 MiB), so a file without line breaks or with an
//!   unterminated quote cannot grow one field without bound.
//! - Memory for line numbers does not grow with the number of lines; lines end in
//!   `\n`, `\r\n` or a lone `\r`, and a leading UTF-8 byte-order mark is skipped.
//! - Text quoted back in an error or warning (a cell, a name, the list of columns) is
//!   cut to [`data::EXCERPT_CHARS`] (80) characters, so a message never echoes a huge
//!   field or a whole file.
//! - Repeated column names are refused with both positions; a directory is refused as
//!   a directory; a field that is not UTF-8 is refused with its line and column; a
//!   quoted field still open at the end of the input is refused with the line of its
//!   quote (read on, it would swallow every later row).
//! - Blank lines are not rows; in a one-column file, where a blank line may have meant
//!   a missing cell, skipping them is reported as a warning.
//! - Text in a column is kept as text for identifier columns ([`data::CsvOptions`]) and
//!   reported ([`data::DataWarning`]) where a column mixes numbers and text; using such a
//!   column as numbers is an error naming the first line and the text.
//!
//! ## `scoring`
//!
//! - At most [`scoring::MAX_ITEMS_PER_SCALE`] (2,000) items per scale: reliability holds
//!   a few `k × k` matrices over the instrument's items (about 70·k² bytes, some 280 MB at
//!   2,000 items) and does O(k³) work per scale (about a second at 1,000 items).
//! - At most [`scoring::MAX_ITEMS`] (2,000) distinct items and [`scoring::MAX_SCALES`]
//!   (500) scales per instrument, and [`scoring::MAX_KEYED_ITEMS`] (10,000) keyed items
//!   over all scales (an item in two scales counts twice), which bounds the total work
//!   of reliability to seconds.
//! - At most [`scoring::MAX_CELLS`] (2^28) answers (respondents × items) and scores
//!   (respondents × scales) per batch.
//! - Answers are checked against the response range before they are stored; byte
//!   codes outside it are refused with row, column and code.
//! - [`scoring::Responses::from_csv_path`] and its neighbours read an input of up to
//!   1 GiB into memory for their one pass (a larger one is read as a stream through
//!   [`data::Table`]), and share the table's limits and errors.
//!
//! ## `ordinal`
//!
//! - At most [`ordinal::MAX_VARIABLES`] (500) variables per correlation matrix and
//!   [`ordinal::MAX_CATEGORIES`] (20) categories per ordered variable; the asymptotic
//!   covariance matrix Γ is at most [`ordinal::MAX_NACOV_DIM`] (4,096) square, checked
//!   before any work, and is accumulated over blocks of rows.
//! - Values that are not whole numbers in an ordered variable, a single answered
//!   category, an unchosen category of a declared range, a constant numeric variable and
//!   no complete row are errors naming the variable (and row and line); nothing declared
//!   ordered is ever treated as continuous.
//!
//! ## `sem` and `readiness`
//!
//! The model syntax, estimation and bootstrap limits (model terms after expansion,
//! defined parameters, expression length and depth, bootstrap draws) are documented in
//! the [`sem`] module, and the readiness model's in [`readiness`]; both read their data
//! through [`data::Table`] and so inherit its limits.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod data;
pub mod ordinal;
pub mod readiness;
/// The linear-algebra crate whose matrices appear in the public API (covariance matrices
/// of [`sem::SemFit`], the parts of [`sem::MeasurementParts`]), re-exported so that
/// callers use the same version: `cocreate_core::nalgebra::DMatrix`.
pub use nalgebra;
pub mod scoring;
pub mod sem;
