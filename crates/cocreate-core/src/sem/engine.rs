//! The dispatcher: from a model and a data table to a [`SemFit`]. It prepares the data
//! (`prepare`), refuses combinations no estimator implements, and hands the prepared fit
//! to the estimator the options name: `complete` for complete or listwise-deleted data,
//! `fiml` for full-information ML with missing values, `wlsmv` for ordered variables (one
//! group or several).

use super::complete;
use super::error::SemError;
use super::fiml;
use super::group_fiml;
use super::group_prepare::{group_labels, prepare_groups, prepare_labelled, PreparedGroups};
use super::model::{ConstraintValue, Model};
use super::multigroup;
use super::options::{Estimator, Missing, SemOptions};
use super::prepare::prepare;
use super::results::SemFit;
use crate::data::Table;

/// What multiple-group fits do not offer yet.
fn refuse_for_groups(model: &Model, options: &SemOptions) -> Result<(), SemError> {
    let column = options.group.clone().unwrap_or_default();
    let refuse = |with: String, reason| {
        Err(SemError::IncompatibleOptions {
            option: "group",
            value: column.clone(),
            with,
            reason,
        })
    };
    // Thresholds exist only for ordered variables; lavaan would free the latent means and
    // leave the model unidentified.
    if options.group_equal.contains(&super::GroupEqual::Thresholds) {
        return Err(SemError::IncompatibleOptions {
            option: "group_equal",
            value: "thresholds".into(),
            with: "no ordered variables".into(),
            reason: "thresholds belong to ordered variables; declare them with the ordered option, or hold intercepts equal for continuous ones",
        });
    }
    if let Some(p) = options
        .group_partial
        .iter()
        .find(|p| p.op() == super::Op::Threshold)
    {
        return Err(SemError::IncompatibleOptions {
            option: "group_partial",
            value: p.to_string(),
            with: "no ordered variables".into(),
            reason: "thresholds belong to ordered variables; declare them with the ordered option",
        });
    }
    // General constraints (`a == 2*b`, `a > 0`, `==` on a defined parameter) need the
    // constrained estimator, which fits one group.
    let defined = |name: &str| model.definitions.iter().any(|d| d.name == name);
    let promoted = model
        .constraints
        .iter()
        .find(|c| defined(&c.lhs) || matches!(&c.rhs, ConstraintValue::Label(l) if defined(l)));
    if let Some(c) = model.general_constraints.first() {
        return refuse(
            format!("the constraint {c} at {}", c.position),
            "general constraints are fitted for one group for now; tie parameters across groups with labels or group_equal",
        );
    }
    if let Some(c) = promoted {
        return refuse(
            format!("the constraint on a defined parameter at {}", c.position),
            "general constraints are fitted for one group for now; tie parameters across groups with labels or group_equal",
        );
    }
    Ok(())
}

/// Hands a prepared multiple-group fit to its estimator.
fn fit_groups(prepared: PreparedGroups, options: &SemOptions) -> Result<SemFit, SemError> {
    if options.missing == Missing::Listwise {
        multigroup::fit(prepared, options)
    } else {
        group_fiml::fit(prepared, options)
    }
}

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
        if let (Some(column), Estimator::Wlsmv) = (&options.group, options.estimator) {
            // Ordered variables: every group's thresholds, correlations and DWLS fit.
            let labels = group_labels(data, column)?;
            return super::wlsmv::fit_groups(self, data, &labels, options);
        }
        if options.group.is_some() {
            refuse_for_groups(self, options)?;
            let prepared = prepare_groups(self, data, options)?;
            return fit_groups(prepared, options);
        }
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

    /// Fits a multiple-group model whose groups are given row by row (`labels[r]` is row
    /// r's group; `None` leaves the row out) instead of read from a column of `data`:
    /// for groups that come from another file or are derived. `options.group()` names the
    /// grouping (it must be set; no column of that name is read). The groups are ordered
    /// by first appearance, as with a column.
    ///
    /// ```
    /// # use cocreate_core::data::Table;
    /// # use cocreate_core::sem::{Model, SemOptions};
    /// # let rows: Vec<Vec<Option<f64>>> = (0..160).map(|i| { let t = i as f64; let f = (t * 0.7).sin();
    /// #     vec![Some(f + 0.5 * (t * 1.1).cos()), Some(0.8 * f + 0.5 * (t * 2.3).cos()), Some(f + 0.5 * (t * 3.7).cos())] }).collect();
    /// # let data = Table::new(vec!["x1".into(), "x2".into(), "x3".into()], rows)?;
    /// let labels: Vec<Option<String>> =
    ///     (0..160).map(|r| Some(if r < 80 { "new" } else { "loyal" }.to_string())).collect();
    /// let opts = SemOptions::builder().group("tenure").build()?;
    /// let fit = Model::parse("f =~ x1 + x2 + x3")?.fit_with_group_labels(&data, &labels, &opts)?;
    /// assert_eq!(fit.groups()[1].label, "loyal");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit_with_group_labels(
        &self,
        data: &Table,
        labels: &[Option<String>],
        options: &SemOptions,
    ) -> Result<SemFit, SemError> {
        if options.group.is_none() {
            return Err(SemError::IncompatibleOptions {
                option: "group",
                value: "none".into(),
                with: "group labels given row by row".into(),
                reason: "name the grouping with the group option",
            });
        }
        if options.estimator == Estimator::Wlsmv {
            return super::wlsmv::fit_groups(self, data, labels, options);
        }
        refuse_for_groups(self, options)?;
        let prepared = prepare_labelled(self, data, options, labels)?;
        fit_groups(prepared, options)
    }
}
