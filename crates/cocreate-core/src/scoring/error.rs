//! The one error type of the scoring module.

use crate::data::DataError;

/// Where a cell came from, for error messages: the 1-based respondent row and, for data
/// read from CSV, the 1-based input line.
///
/// ```
/// use cocreate_core::scoring::CellPosition;
///
/// let at = CellPosition::new(3, Some(4));
/// assert_eq!(at.to_string(), "row 3 (line 4)");
/// assert_eq!(CellPosition::new(3, None).to_string(), "row 3");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CellPosition {
    /// 1-based respondent row.
    pub row: usize,
    /// 1-based line of the CSV input, when the data came from CSV.
    pub line: Option<u64>,
}

impl CellPosition {
    /// The place of a cell: its 1-based respondent row and, for CSV input, its 1-based
    /// line.
    pub fn new(row: usize, line: Option<u64>) -> Self {
        CellPosition { row, line }
    }
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
    /// The response range is not valid (ends not finite, not in order, or not whole
    /// numbers for an integer range).
    #[error(transparent)]
    Range(#[from] cocreate_stats::RangeError),
    /// A scale was given an empty name.
    #[error("a scale has an empty name")]
    EmptyScaleName,
    /// A scale has no items.
    #[error("scale {scale:?} has no items")]
    EmptyScale {
        /// The scale.
        scale: String,
    },
    /// A scale's reverse flags do not match its items one to one.
    #[error("scale {scale:?} has {items} items but {flags} reverse flags")]
    ReverseFlags {
        /// The scale.
        scale: String,
        /// Number of items.
        items: usize,
        /// Number of reverse flags.
        flags: usize,
    },
    /// An item of a scale has an empty name.
    #[error("scale {scale:?}: item {position} has an empty name")]
    EmptyItemName {
        /// The scale.
        scale: String,
        /// 1-based position of the item in the scale.
        position: usize,
    },
    /// An item appears twice in one scale.
    #[error("scale {scale:?}: item {item:?} appears twice")]
    DuplicateItem {
        /// The scale.
        scale: String,
        /// The repeated item.
        item: String,
    },
    /// An instrument was given no scales.
    #[error("instrument {instrument:?} has no scales")]
    NoScales {
        /// The instrument.
        instrument: String,
    },
    /// Two scales of an instrument share a name.
    #[error("instrument {instrument:?}: scale name {scale:?} appears twice")]
    DuplicateScale {
        /// The instrument.
        instrument: String,
        /// The repeated scale name.
        scale: String,
    },
    /// Item wording was given for an item the instrument does not have.
    #[error("item text given for {item:?}, which is not an item of {instrument:?}")]
    UnknownItemText {
        /// The instrument.
        instrument: String,
        /// The item named by the text.
        item: String,
    },
    /// Renaming the items gave two different items the same name.
    #[error("instrument {instrument:?}: renaming gives items {first:?} and {second:?} the same name {name:?}")]
    RenamedItemsCollide {
        /// The instrument.
        instrument: String,
        /// The first item, as it was named.
        first: String,
        /// The second item, as it was named.
        second: String,
        /// The name both were given.
        name: String,
    },
    /// An item order is not a permutation of the instrument's items.
    #[error("instrument {instrument:?}: the item order {problem} item {item:?}")]
    ItemOrder {
        /// The instrument.
        instrument: String,
        /// The item concerned.
        item: String,
        /// What is wrong with it.
        problem: ItemOrderProblem,
    },
    /// A scale of a key file gives both `keys` and `items`.
    #[error("scale {scale:?} gives both `keys` and `items`; use one")]
    KeysAndItems {
        /// The scale.
        scale: String,
    },
    /// A scale of a key file gives neither `keys` nor `items`.
    #[error("scale {scale:?} has neither `items` nor `keys`")]
    NoItems {
        /// The scale.
        scale: String,
    },
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
    /// `Prorate` asks for no answers, so a respondent who answered nothing would be
    /// scored.
    #[error("Prorate needs min_answered of at least 1 (a score needs an answer)")]
    MinAnsweredZero,
    /// `Prorate` asks for more answers than a scale has items.
    #[error("Prorate asks for {min_answered} answered items, but scale {scale:?} has only {items} items and would never be scored")]
    MinAnsweredAboveScale {
        /// The `min_answered` asked for.
        min_answered: usize,
        /// The shortest scale.
        scale: String,
        /// Its number of items.
        items: usize,
    },
    /// An imputation value lies outside the response range.
    #[error("the imputation value {} for item {item:?} is outside the response range {min} to {max}", short(.value))]
    ImputationValue {
        /// The item.
        item: String,
        /// The value given.
        value: f64,
        /// Lowest allowed answer.
        min: f64,
        /// Highest allowed answer.
        max: f64,
    },
    /// [`crate::scoring::ReverseRange::Observed`] was asked of a single respondent.
    #[error(
        "ReverseRange::Observed takes min and max from a batch; score a batch or use Declared"
    )]
    ObservedRangeNeedsBatch,
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
    /// A scale's norms have a mean that is not finite or an SD that is not positive.
    #[error("norms of scale {scale:?}: the mean must be finite and the SD positive, got mean {} and SD {}", short(.mean), short(.sd))]
    NormMoments {
        /// The scale.
        scale: String,
        /// The mean given.
        mean: f64,
        /// The SD given.
        sd: f64,
    },
    /// A percentile table has a single point.
    #[error("norms of scale {scale:?}: a percentile table needs at least two points")]
    PercentileTableTooShort {
        /// The scale.
        scale: String,
    },
    /// A point of a percentile table is not a finite score with a percentile in 0..=100.
    #[error("norms of scale {scale:?}: percentile point {point} ({}, {}) is not a finite score with a percentile in 0..=100", short(.score), short(.percentile))]
    PercentilePoint {
        /// The scale.
        scale: String,
        /// 1-based position of the point in the table.
        point: usize,
        /// Its score.
        score: f64,
        /// Its percentile.
        percentile: f64,
    },
    /// A point of a percentile table does not follow the one before it (scores must
    /// increase, percentiles must not decrease).
    #[error("norms of scale {scale:?}: percentile point {point} ({}, {}) does not follow ({}, {}) in order", short(.score), short(.percentile), short(.previous_score), short(.previous_percentile))]
    PercentileOrder {
        /// The scale.
        scale: String,
        /// 1-based position of the point in the table.
        point: usize,
        /// Its score.
        score: f64,
        /// Its percentile.
        percentile: f64,
        /// The score of the point before it.
        previous_score: f64,
        /// The percentile of the point before it.
        previous_percentile: f64,
    },
    /// Norms were given without their source.
    #[error("norms must name their source (sample, year, citation)")]
    NormsWithoutSource,
    /// Norms were given without any scale.
    #[error("norms need at least one scale")]
    NormsWithoutScales,
    /// Two entries of the norms are for the same scale.
    #[error("scale {scale:?} has norms twice")]
    DuplicateNorms {
        /// The scale.
        scale: String,
    },
    /// Norms name a scale the instrument does not have.
    #[error("norms given for scale {scale:?}, which instrument {instrument:?} does not have (scales: {available})")]
    NormsForUnknownScale {
        /// The scale the norms name.
        scale: String,
        /// The instrument.
        instrument: String,
        /// The instrument's scales, comma separated.
        available: String,
    },
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

/// What is wrong with an item order given to
/// [`crate::scoring::Instrument::with_item_order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItemOrderProblem {
    /// The order names an item the instrument does not have.
    Unknown,
    /// The order names an item twice.
    Repeated,
    /// The order leaves out an item of the instrument.
    Missing,
}

impl std::fmt::Display for ItemOrderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ItemOrderProblem::Unknown => "names an unknown",
            ItemOrderProblem::Repeated => "repeats",
            ItemOrderProblem::Missing => "leaves out",
        })
    }
}
