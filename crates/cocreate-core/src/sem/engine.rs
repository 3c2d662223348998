//! The dispatcher: from a model and a data table to a [`SemFit`]. It prepares the data
//! (`prepare`), refuses combinations no estimator implements, and hands the prepared fit
//! to the estimator the options name: `complete` for complete or listwise-deleted data,
//! `fiml` for full-information ML with missing values, `wlsmv` for ordered variables.

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
        if options.estimator == Estimator::Wlsmv {
            // Ordered variables: thresholds and polychoric correlations, then DWLS.
            return super::wlsmv::fit(self, data, options);
        }
        let prepared = prepare(self, data, options)?;
        if options.missing == Missing::Listwise {
            complete::fit(prepared, options)
        } else {
            fiml::fit(prepared, options)
        }
    }
}
