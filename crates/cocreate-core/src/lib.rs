//! # cocreate-core
//!
//! Measurement and modelling for customer co-creation research.
//!
//! Customers are co-producers of the services they receive, and whether a customer is
//! ready to co-create depends in part on personality: the Big Five traits act through
//! innate innovativeness and enduring involvement on willingness to co-create. This crate
//! holds the statistics behind that chain:
//!
//! - [`data`]: named numeric tables read from rows or CSV, with missing cells.
//! - [`scoring`]: questionnaire instruments, item keys, reverse keying, missing data,
//!   reliability, norms and careless-response indices.
//! - [`sem`]: lavaan-style model syntax, path analysis and latent-variable structural
//!   equation models fitted by maximum likelihood, with fit indices, indirect effects and
//!   bootstrap intervals.
//! - [`readiness`]: co-creation readiness prediction (who is ready to co-create, by which
//!   pathway, with which invitation) and co-producer readiness diagnostics.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod data;
pub mod readiness;
pub mod scoring;
pub mod sem;
