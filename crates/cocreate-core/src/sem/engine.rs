//! The dispatcher: from a model and a data table to a [`SemFit`]. It prepares the data
//! (`prepare`), refuses combinations no estimator implements, and hands the prepared fit
//! to the estimator the options name: `complete` for complete or listwise-deleted data,
//! `fiml` for full-information ML with missing values.

use super::complete;
use super::error::SemError;
use super::fiml;
use super::model::Model;
use super::options::{Estimator, Missing, SemOptions};
use super::prepare::prepare;
use super::results::SemFit;
use crate::data::Table;

impl Model {
    /// Fits the model to a data table by maximum likelihood.
    ///
    /// Columns the model does not use are ignored. Missing cells are handled as
    /// [`SemOptions::missing`] says (listwise deletion by default).
    pub fn fit(&self, data: &Table, options: &SemOptions) -> Result<SemFit, SemError> {
        let prepared = prepare(self, data, options)?;
        if options.estimator != Estimator::Ml && !prepared.compiled.x_idx.is_empty() {
            return Err(SemError::InvalidOptions(format!(
                "estimator {} with fixed exogenous covariates ({}) is not available: set fixed_x(false) to estimate their moments",
                options.estimator.as_str(),
                prepared
                    .compiled
                    .x_idx
                    .iter()
                    .map(|&i| prepared.compiled.var_name(i).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if options.estimator == Estimator::Mlr && options.missing != Missing::Listwise {
            return Err(SemError::InvalidOptions(
                "estimator MLR with missing = ml is not available yet: use missing = listwise, or ML with full-information ML".into(),
            ));
        }
        if options.missing == Missing::Listwise {
            complete::fit(prepared, options)
        } else {
            fiml::fit(prepared, options)
        }
    }
}
