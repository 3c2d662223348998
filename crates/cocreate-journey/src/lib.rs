//! # cocreate-journey
//!
//! Customer journeys, moments of truth and analytics over many journeys.
//!
//! A journey moves from touchpoint to touchpoint through stages (the customer learns of
//! the brand, evaluates the offer, sends inquiries, purchases, uses). At every touchpoint
//! the customer may stay or leave; at moments of truth, expectation meets the functional
//! and emotional experience; what is remembered afterwards shapes loyalty. This crate
//! models one journey in types and computes funnels, drop-off, directly-follows graphs and
//! touchpoint attribution over many.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
