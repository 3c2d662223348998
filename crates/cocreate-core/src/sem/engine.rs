//! The dispatcher: from a model and a data table to a [`SemFit`]. It prepares the data
//! (`prepare`), refuses combinations no estimator implements, and hands the prepared fit
//! to the estimator the options name: `complete` for complete or listwise-deleted data,
//! `fiml` for full-information ML with missing values.

use super::complete;
use super::error::SemError;
use super::fiml;
use super::group_prepare::prepare_groups;
use super::model::Model;
use super::multigroup;
use super::options::{Estimator, Missing, SemOptions};
use super::prepare::prepare;
use super::results::SemFit;
use crate::data::{name_list, Table};

impl Model {
    /// Fits the model to a data table by maximum likelihood.
    ///
    /// Columns the model does not use are ignored. Missing cells are handled as
    /// [`SemOptions::missing`] says (listwise deletion by default).
    ///
    /// With [`SemOptions::group`] the rows are split by the grouping column and the model
    /// is fitted to every group at once (see [`ParameterTable::build_groups`] for the
    /// parameters the groups share).
    ///
    /// [`ParameterTable::build_groups`]: super::ParameterTable::build_groups
    pub fn fit(&self, data: &Table, options: &SemOptions) -> Result<SemFit, SemError> {
        if let Some(column) = &options.group {
            let refuse = |with: String, reason| {
                Err(SemError::IncompatibleOptions {
                    option: "group",
                    value: column.clone(),
                    with,
                    reason,
                })
            };
            if options.estimator != Estimator::Ml {
                return refuse(
                    format!("estimator = {}", options.estimator.as_str()),
                    "multiple-group fits use ML for now",
                );
            }
            if options.missing != Missing::Listwise {
                return refuse(
                    format!("missing = {}", options.missing.as_str()),
                    "multiple-group fits use complete rows (listwise) for now",
                );
            }
            let prepared = prepare_groups(self, data, options)?;
            return multigroup::fit(prepared, options);
        }
        let prepared = prepare(self, data, options)?;
        if options.estimator != Estimator::Ml && !prepared.compiled.x_idx.is_empty() {
            let covariates: Vec<String> = (prepared.compiled.x_idx.iter())
                .map(|&i| prepared.compiled.var_name(i).to_string())
                .collect();
            return Err(SemError::IncompatibleOptions {
                option: "estimator",
                value: options.estimator.as_str().into(),
                with: format!("fixed exogenous covariates ({})", name_list(&covariates)),
                reason: "robust estimators need their moments estimated; set fixed_x(false)",
            });
        }
        if options.estimator == Estimator::Mlr && options.missing != Missing::Listwise {
            return Err(SemError::IncompatibleOptions {
                option: "estimator",
                value: "MLR".into(),
                with: format!("missing = {}", options.missing.as_str()),
                reason: "MLR with full-information ML is not available yet; use missing = listwise, or ML with full-information ML",
            });
        }
        if options.missing == Missing::Listwise {
            complete::fit(prepared, options)
        } else {
            fiml::fit(prepared, options)
        }
    }
}
