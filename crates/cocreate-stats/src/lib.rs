//! The small numerics every cocreate crate shares, each written once.
//!
//! The domain crates (`cocreate-core`, `cocreate-journey`, `cocreate-maturity`) stay
//! independent of each other; what they all need lives here: order statistics by R's
//! definitions, sample moments, the two-sided normal quantile, the Wilson and Newcombe
//! intervals for proportions, and the range of answers people give (a 1–5 Likert item, a 0–10 rating).
//!
//! ```
//! use cocreate_stats::{median_in_place, quantile_sorted, Proportion, ResponseRange};
//!
//! let mut answers = vec![4.0, 2.0, 5.0, 3.0];
//! assert_eq!(median_in_place(&mut answers), Some(3.5));
//! assert_eq!(quantile_sorted(&[10.0, 20.0, 40.0, 80.0], 0.25), Some(17.5));
//!
//! let likert = ResponseRange::new(1.0, 5.0)?;
//! assert_eq!(likert.reverse(2.0), 4.0);
//!
//! let converted = Proportion::wilson(56, 70, 0.95).unwrap();
//! assert!(converted.lower < 0.8 && converted.upper > 0.8);
//! # Ok::<(), cocreate_stats::RangeError>(())
//! ```
//!
//! # Untrusted input
//!
//! Nothing here allocates more than its input, panics on any input or loops without
//! bound: empty samples give `None`, NaN values are documented per function, and a scale
//! or confidence level that is not valid is an error or `None`.

#![deny(missing_docs)]

mod moments;
mod normal;
mod proportion;
mod quantile;
mod range;

pub use moments::{mean, sample_sd, sample_variance};
pub use normal::{two_sided_z, LN_2PI};
pub use proportion::{wilson_bounds, Difference, Proportion};
pub use quantile::{median_finite, median_in_place, median_sorted, quantile_sorted};
pub use range::{RangeError, ResponseRange};
