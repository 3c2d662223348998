//! # cocreate-journey
//!
//! Customer journeys, moments of truth and analytics over many journeys.
//!
//! A journey moves from touchpoint to touchpoint through stages: the customer learns of
//! the brand, evaluates the offer, sends inquiries, purchases and uses. At every
//! touchpoint they may stay or leave. Where an expectation meets an actual experience a
//! *moment of truth* arises; what the customer remembers afterwards moves their view of
//! the brand and their expectations for next time. This crate models one journey in types
//! and measures millions of them.
//!
//! ## One journey
//!
//! Build a [`Journey`] from [`Encounter`]s with [`JourneyBuilder`], which checks time
//! order, stage order and that every rating lies on the declared [`ResponseRange`]. Then ask it
//! for its disconfirmations ([`Journey::disconfirmations`], D = perceived − expected,
//! classified with a [`Tolerance`]), its moments of truth ([`Journey::moments_of_truth`],
//! each with the reasons it was flagged), how it is remembered ([`Journey::reflect`], the
//! peak–end rule and the updated expectation) and whether the customer is likely to bond
//! ([`Journey::bonding`]).
//!
//! ```
//! use cocreate_journey::*;
//!
//! let t = |s: &str| -> Timestamp { s.parse().unwrap() };
//! let journey = JourneyBuilder::new("C0001", ResponseRange::new(1.0, 7.0)?)
//!     .prior_expectation(Experience::new(5.0, 5.0)) // word of mouth, marketing
//!     .encounter(Encounter::new(Touchpoint::brand("website"), Stage::Evaluation, t("2024-01-30T02:16:57Z"))
//!         .perceiving(Experience::new(6.0, 5.5)))
//!     .encounter(Encounter::new(Touchpoint::brand("call_center"), Stage::Inquiry, t("2024-01-30T08:08:03Z"))
//!         .perceiving(Experience::new(4.5, 1.5)))
//!     .encounter(Encounter::new(Touchpoint::brand("store"), Stage::Purchase, t("2024-01-30T22:04:05Z"))
//!         .perceiving(Experience::new(6.0, 6.0))
//!         .with_bonding(BondingRatings::all(6.0, 5.0, 6.0, 6.0))
//!         .with_outcome(Outcome::Convert))
//!     .build()?;
//!
//! let moments = journey.moments_of_truth(&MomentOptions::builder().tolerance(0.5).critical_threshold(2.0).build()?);
//! assert_eq!(moments.first.unwrap().touchpoint, "website");
//! assert_eq!(moments.critical[0].touchpoint, "call_center"); // emotional D = −3.5
//!
//! let memory = journey.reflect(&ReflectionOptions::builder().update_rate(0.5).build()?)?;
//! // Remembered by the most extreme moment (the call) and the end (the store).
//! assert_eq!(memory.emotional.remembered, (1.5 + 6.0) / 2.0);
//! assert!(journey.bonding(&BondingRule::default()).attachment_likely);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Many journeys
//!
//! [`PathData`] holds aggregated conversion paths (ChannelAttribution's input) and
//! [`EventLog`] an event log; both stream from CSV (`from_csv_reader`, `from_csv_path`,
//! `from_csv_str`, each with a `_with` variant taking [`PathCsvOptions`] or
//! [`EventCsvOptions`]) with errors that name the line.
//!
//! - Attribution: [`heuristic_models`] (first, last, linear touch), [`position_based`],
//!   [`time_decay`], and [`MarkovOptions::fit`], a Markov chain of order 1–4 whose removal
//!   effects are solved exactly from the absorbing chain, at infinite and at truncated
//!   horizon.
//! - Analytics: [`funnel`], [`drop_off`], [`time_to_conversion`], [`path_lengths`],
//!   [`journey_lengths`], [`use_stage`], [`sankey_links`], all together in
//!   [`JourneyAnalytics`]; [`moments_of_truth_in_practice`] ranks touchpoints by how much
//!   a negative disconfirmation there raises the leave rate.
//! - Reports that print themselves: [`AttributionReport`] (every attribution side by
//!   side), [`EventLogReport`] (analytics, graph and variants of a log) and
//!   [`JourneyReport`] (one journey through every lens).
//! - Process mining: [`Dfg`] (directly-follows graph, start and end activities),
//!   [`performance_dfg`] and [`variants`], with touchpoints or stages as activities.
//! - Export: [`JourneyMap`] and [`Dfg`] render as Graphviz DOT and Mermaid.
//!
//! ```
//! use cocreate_journey::{heuristic_models, MarkovOptions, PathData};
//!
//! let csv = "path,total_conversions,total_conversion_value,total_null\n\
//!            ad > website > store,30,4500,70\n\
//!            search > website,0,0,120\n\
//!            search > store,10,1300,15\n";
//! let paths = PathData::from_csv_reader(csv.as_bytes())?;
//! let heuristics = heuristic_models(&paths);
//! assert_eq!(heuristics.last_touch.conversions, [0.0, 0.0, 40.0, 0.0]);
//!
//! let markov = MarkovOptions::builder().order(1).build()?.fit(&paths)?;
//! let credited: f64 = markov.infinite_horizon.total_conversions.iter().sum();
//! assert!((credited - 40.0).abs() < 1e-9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Untrusted input
//!
//! The CSV readers and the analyses are meant to be run on files from anywhere. What
//! they promise, what it costs and what they refuse:
//!
//! - **Every row is kept or the load fails.** [`PathData::from_csv_reader`] and
//!   [`EventLog::from_csv_reader`] read RFC 4180 CSV exactly as the `csv` crate does
//!   (a unit test compares the two on random bytes): a double quote is special only as
//!   the first byte of a field, so `5" screen` is an ordinary name; `\n`, `\r\n` and a
//!   lone `\r` each end a line; blank lines are skipped; a UTF-8 byte-order mark at the
//!   start is dropped. A quoted field may hold commas and line breaks; when such a
//!   record has the wrong number of fields, the error names the lines it spans.
//! - **No line is pulled into a row silently.** Two departures from the `csv` crate,
//!   both refusals: a quoted field still open at the end of the input
//!   ([`LoadError::UnclosedQuote`], with the line of the opening quote) rather than taken
//!   as the rest of the file, and a line break inside a name field (path, customer id,
//!   touchpoint, stage, outcome; [`RowProblem::LineBreakInName`], with the lines the
//!   field spans), which is what a stray quote at the start of a field produces. Line
//!   breaks in columns the reader does not use are read as RFC 4180 says.
//! - **Headers are unambiguous.** Two columns with the same name are refused
//!   ([`LoadError::DuplicateColumn`], with both column numbers), whether or not the
//!   loader needs that column.
//! - **Errors are short.** Text from the input quoted in an error is cut to 80
//!   characters with an ellipsis; a directory given as a file is
//!   [`LoadError::Directory`].
//! - **Sizes are bounded before memory is taken:**
//!
//!   | What | Limit | Refused with |
//!   |---|---|---|
//!   | one CSV record | [`MAX_RECORD_BYTES`] = 64 MiB | [`LoadError::RecordTooLong`] |
//!   | distinct channels of a [`PathData`], distinct touchpoints of an [`EventLog`] | [`MAX_CHANNELS`] = 1,000,000 | [`RowProblem::TooManyChannels`] |
//!   | touchpoints in one path | [`MAX_PATH_TOUCHPOINTS`] = 1,000,000 | [`RowProblem::PathTooLong`] |
//!   | distinct customers of an event log | 4,294,967,294 | [`RowProblem::TooManyNames`] |
//!   | a count or value | 10^15, finite, not negative | [`RowProblem::TooLarge`], [`RowProblem::NonFinite`], [`RowProblem::Negative`] |
//!   | Markov order | 1 to 4 | [`OptionsError`] |
//!   | truncation horizon | [`MAX_HORIZON`] = 1,000,001 | [`OptionsError`] |
//!   | LU factors of one strongly connected part of the Markov chain | [`MAX_LU_FILL_PER_TRANSITION`] = 16 entries per transition of the part, at least [`MAX_LU_FILL_FLOOR`] = 65,536 | not refused: the part is swept instead |
//!   | a part whose sparse LU factors would outgrow that cap | dense LU up to [`MAX_DENSE_PART_STATES`] = 4,096 states (128 MiB for the factors, as much again while the diagonal of the inverse is formed) | not refused: a larger part is swept |
//!   | a swept part that mixes too slowly for the sweeps | dense LU up to [`MAX_DENSE_FALLBACK_STATES`] = 4,096 states (128 MiB) | [`AttributionError::NotConverged`] above |
//!
//! - **What it costs.** Reading is one pass, linear in the input, holding one record at
//!   a time; the data kept is linear in the number of rows and touchpoints. Paths read
//!   from text or a file of known size reserve address space for up to one row per 32
//!   bytes and one touchpoint per 4 (under twice the input's size, at most what 1 GiB
//!   asks; with `parallel`, while large text or a large file is read as two halves, the
//!   second half reserves for itself too, under three times in all); only what the rows
//!   fill is touched, and a reservation the allocator refuses is skipped. Heuristic
//!   attribution, funnels, distributions and the directly-follows graph are linear (the
//!   graph and the Markov counts use dense tables only when they are small, hash maps
//!   otherwise). The Markov chain has at most one state per distinct window of `order`
//!   consecutive touchpoints, so at most one per touchpoint of the input. The chain is
//!   solved once; each channel's removal effect then costs a few sparse triangular
//!   solves with the LU factors of its strongly connected part, whose fill is capped as
//!   above, so memory stays proportional to the transitions: 100,000 channels on one
//!   path or in 100,000 one-touch paths take under a second. A part whose factors would
//!   outgrow the cap (thousands of channels following each other at random) is
//!   factorised densely up to 4,096 states, about 2m³/3 multiply-adds as matrix products
//!   (a little over half a second of CPU for 3,000 states), and above that solved by
//!   Gauss–Seidel sweeps, eight channels at a time, which costs sweeps × its transitions
//!   per eight channels. At the truncated horizon a channel held by one state costs
//!   H²/2 plus its share of H − 1 steps over the transitions of its strongly connected
//!   part per sixteen channels (none when the state is on no cycle), a channel held by
//!   several states H × transitions per eight channels; the truncated horizon equals the
//!   infinite one (and is not computed) when no cycle can be reached and H covers the
//!   longest path of the chain.
//!
//! ## Features
//!
//! - `serde` (default): `Serialize`/`Deserialize` on every data type.
//! - `parallel` (default): the dense factorisation of a large part of the Markov chain
//!   and the truncated-horizon removal effects run on threads (rayon), and path CSV text
//!   or files of 8 MiB or more ([`PathData::from_csv_str`], [`PathData::from_csv_path`])
//!   are read as two halves at once (a file through two handles, each with a buffer of
//!   its own); the results are the same bits with any number of threads. Input that one
//!   half cannot take on its own (a bad row, a cut inside a quoted field) is read again in one pass,
//!   so that its error is the one-pass error: reading bad input costs up to twice as
//!   long. Without the feature everything runs on the calling thread.
//!
//! The formulas and their sources are in `docs/methods/journey.md`; the comparison with
//! ChannelAttribution and pm4py is in `docs/validation.md`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod analytics;
mod attribution;
mod data;
mod experience;
mod export;
mod model;
mod options;
mod process;
mod text;
mod time;

pub use analytics::*;
pub use attribution::*;
pub use cocreate_stats::{Difference, Proportion};
pub use data::{
    describe_load_error, Case, EventCsvOptions, EventCsvOptionsBuilder, EventLog, EventLogBuilder,
    LoadError, PathCsvOptions, PathCsvOptionsBuilder, PathData, PathRef, PathTotals, RowProblem,
    MAX_CHANNELS, MAX_PATH_TOUCHPOINTS, MAX_RECORD_BYTES,
};
pub use experience::*;
pub use export::JourneyMap;
pub use model::*;
pub use options::OptionsError;
pub use process::*;
pub use time::{Timestamp, TimestampError, TimestampProblem};

/// Reads path CSV text in ChannelAttribution's layout as two halves, as the `parallel`
/// feature reads large text, whatever its size; `None` where a half cannot be read on its
/// own (then [`PathData::from_csv_str`] reads the text in one pass). It exists for the
/// fuzz target that checks the halves against the one-pass load; it is not part of the
/// API and may change.
#[cfg(feature = "parallel")]
#[doc(hidden)]
pub fn __paths_in_halves(text: &str) -> Option<PathData> {
    data::paths_split::load_halves(text.as_bytes(), &PathCsvOptions::default())
}

/// Splits CSV into records with the loaders' reader and returns the number of records and
/// their total field bytes. It exists for the benchmark that compares the reader with
/// the `csv` crate's `ByteRecord` loop; it is not part of the API and may change.
#[doc(hidden)]
pub fn __csv_record_stats<R: std::io::Read>(input: R) -> Result<(u64, u64), LoadError> {
    let mut records = data::records::buffered(input);
    let (mut n, mut bytes) = (0u64, 0u64);
    while let Some(record) = records.next_record()? {
        n += 1;
        for i in 0..record.len() {
            bytes += record.get(i).len() as u64;
        }
    }
    Ok((n, bytes))
}
