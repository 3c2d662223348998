//! The one error type of the scoring module.

use crate::data::DataError;

/// Where a cell came from, for error messages: the 1-based respondent row and, for data
/// read from CSV, the 1-based input line.
///
/// ```
/// use cocreate_core::scoring::CellPosition;
///
/// let at = CellPosition { row: 3, line: Some(4) };
/// assert_eq!(at.to_string(), "row 3 (line 4)");
/// assert_eq!(CellPosition { row: 3, line: None }.to_string(), "row 3");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CellPosition {
    /// 1-based respondent row.
    pub row: usize,
    /// 1-based line of the CSV input, when the data came from CSV.
    pub line: Option<u64>,
}

impl std::fmt::Display for CellPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "row {} (line {line})", self.row),
            None => write!(f, "row {}", self.row),
        }
    }
}

/// A number as it reads in a message: as written for ordinary magnitudes, in exponent
/// form (`1e308`) when writing it out would take hundreds of digits.
fn short(v: &f64) -> String {
    if v.is_finite() && v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// What went wrong while defining an instrument, reading answers, scoring them or
/// computing reliability, norms or careless-response indices.
///
/// Every variant names what was wrong and where: the scale, the item, the respondent row
/// (and CSV line) and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScoringError {
    /// The instrument's keys JSON could not be parsed.
    #[error("the instrument JSON is not valid: {message}")]
    Json {
        /// What the JSON parser reported, with line and column.
        message: String,
    },
    /// The instrument definition is inconsistent (the message says how).
    #[error("invalid instrument: {0}")]
    Instrument(String),
    /// An answer lies outside the instrument's response range.
    #[error("{at}, column {column:?}: {} is outside the response range {min} to {max}", short(.value))]
    OutOfRange {
        /// Where the answer is.
        at: CellPosition,
        /// The item (column) name.
        column: String,
        /// The offending answer.
        value: f64,
        /// Lowest allowed answer.
        min: f64,
        /// Highest allowed answer.
        max: f64,
    },
    /// A fractional answer where the instrument demands whole numbers.
    #[error("{at}, column {column:?}: {} is not a whole number, but the instrument's answers are integers", short(.value))]
    NotInteger {
        /// Where the answer is.
        at: CellPosition,
        /// The item (column) name.
        column: String,
        /// The offending answer.
        value: f64,
    },
    /// A byte code is neither an answer in the range nor the missing code.
    #[error("{at}, column {column:?}: code {code} is outside the response range {min} to {max} and is not the missing code 255")]
    BadCode {
        /// Where the code is.
        at: CellPosition,
        /// The item (column) name.
        column: String,
        /// The offending code.
        code: u8,
        /// Lowest allowed answer.
        min: f64,
        /// Highest allowed answer.
        max: f64,
    },
    /// An item of the instrument has no column in the data.
    #[error("item {item:?} of scale {scale:?} has no column in the data (columns: {available})")]
    MissingColumn {
        /// The item.
        item: String,
        /// The first scale that uses it.
        scale: String,
        /// The data's columns, comma separated.
        available: String,
    },
    /// A buffer or row has the wrong number of cells.
    #[error("{what}: expected {expected} values, found {found}")]
    WrongLength {
        /// What was being read.
        what: String,
        /// Number of values expected.
        expected: usize,
        /// Number of values found.
        found: usize,
    },
    /// Byte codes cannot represent this instrument's answers.
    #[error("instrument {instrument:?} cannot use byte codes: its answers must be whole numbers from 0 to 254 (range {min} to {max})")]
    CodesUnsupported {
        /// The instrument.
        instrument: String,
        /// Lowest allowed answer.
        min: f64,
        /// Highest allowed answer.
        max: f64,
    },
    /// The responses were built for another instrument (different items).
    #[error(
        "the responses hold items [{found}] but instrument {instrument:?} has items [{expected}]"
    )]
    InstrumentMismatch {
        /// The instrument used for scoring.
        instrument: String,
        /// Its items, comma separated.
        expected: String,
        /// The items of the responses, comma separated.
        found: String,
    },
    /// The responses were checked against a response range the instrument does not
    /// contain, so some answers may be ones it does not allow.
    #[error(
        "the responses were checked against the response range {checked_min} to {checked_max}, which is not within instrument {instrument:?}'s range {min} to {max}"
    )]
    RangeMismatch {
        /// The instrument used for scoring.
        instrument: String,
        /// Its lowest allowed answer.
        min: f64,
        /// Its highest allowed answer.
        max: f64,
        /// Lowest answer the responses allowed.
        checked_min: f64,
        /// Highest answer the responses allowed.
        checked_max: f64,
    },
    /// The scoring options are invalid for this instrument.
    #[error("invalid scoring options: {0}")]
    Options(String),
    /// No scale of this name.
    #[error("no scale named {name:?} (scales: {available})")]
    UnknownScale {
        /// The requested scale.
        name: String,
        /// The instrument's scales, comma separated.
        available: String,
    },
    /// A statistic needs more respondents than the data has.
    #[error("{what} needs at least {needed} respondents, the data has {found}")]
    TooFewRespondents {
        /// The statistic.
        what: String,
        /// Respondents needed.
        needed: usize,
        /// Respondents available.
        found: usize,
    },
    /// Every answer to an item is missing, so it has no median or mean to impute.
    #[error("item {item:?} has no answers, so there is nothing to impute its missing cells with")]
    NothingToImpute {
        /// The item.
        item: String,
    },
    /// Per-respondent scoring with imputation needs imputation values.
    #[error("scoring one respondent with {policy} needs the item values to impute: set them with Scorer::with_imputation_values")]
    ImputationValuesNeeded {
        /// The missing-data policy.
        policy: String,
    },
    /// Norms are inconsistent or do not cover a scale.
    #[error("invalid norms: {0}")]
    Norms(String),
    /// An input is larger than a documented limit (see [`crate::scoring::MAX_ITEMS`] and
    /// its neighbours), refused before anything is allocated.
    #[error("{what}: {found} exceeds the limit of {limit}")]
    TooLarge {
        /// What is too large, and where.
        what: String,
        /// The size found.
        found: usize,
        /// The documented limit.
        limit: usize,
    },
    /// Reading the data failed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Ordinal reliability of a scale failed: an item cannot be treated as ordered
    /// categories (not whole numbers, too many categories, one answered category) or no
    /// respondent answered every item of the scale.
    #[error("scale {scale:?}: {source}")]
    Ordinal {
        /// The scale.
        scale: String,
        /// What was wrong with its items.
        source: crate::ordinal::OrdinalError,
    },
}
