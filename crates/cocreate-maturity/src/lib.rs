//! # cocreate-maturity
//!
//! Customer-experience-management (CEM) maturity: where a firm stands, why, and what to do
//! next.
//!
//! Firms manage customer experience with a maturity that runs from level 0 (no CEM at all)
//! to level 5 (optimised, the culture changed). This crate places a firm on that scale from
//! a transparent, data-driven assessment, shows the gap to the next level and proposes a
//! roadmap of actions.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
