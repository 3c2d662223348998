//! The built-in Gartner-style CEM maturity model, shipped as JSON data.
//!
//! Six competencies (strategy and vision; leadership and funding; voice of the customer
//! and insight; journey and touchpoint design; measurement and governance; culture and
//! employees) of four or five items each, rated on a 1–5 agreement scale, with a yes/no
//! gate for level 0 and bands starting at 0, 20, 40, 60 and 80 points for levels 1–5.
//! The items, anchors and actions are cocreate's own wording. The JSON lives in
//! `crates/cocreate-maturity/data/cem-model.json`: a framework is data, not code.
//!
//! ```
//! use cocreate_maturity::MaturityModel;
//!
//! let model = MaturityModel::builtin();
//! for c in model.competencies() {
//!     assert!((3..=5).contains(&c.item_range().len()));
//! }
//! ```

use std::sync::OnceLock;

use crate::model::MaturityModel;

/// The built-in model's JSON.
///
/// ```
/// use cocreate_maturity::builtin::CEM_MODEL_JSON;
/// assert!(CEM_MODEL_JSON.contains("\"cem_levels\": true"));
/// ```
pub const CEM_MODEL_JSON: &str = include_str!("../data/cem-model.json");

impl MaturityModel {
    /// The built-in Gartner-style CEM maturity model (levels 0–5).
    ///
    /// The model is read from [`CEM_MODEL_JSON`] once and cloned on each call.
    ///
    /// ```
    /// use cocreate_maturity::MaturityModel;
    /// let model = MaturityModel::builtin();
    /// assert_eq!(model.stages().len(), 5);
    /// assert!(model.gate().is_some());
    /// ```
    pub fn builtin() -> MaturityModel {
        static MODEL: OnceLock<MaturityModel> = OnceLock::new();
        MODEL
            .get_or_init(|| match MaturityModel::from_json_str(CEM_MODEL_JSON) {
                Ok(model) => model,
                // The test suite loads this file; a failure here is a defect of the crate,
                // never of the caller's input.
                Err(e) => panic!("the built-in maturity model is invalid: {e}"),
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_is_valid_and_as_documented() {
        let model = MaturityModel::from_json_str(CEM_MODEL_JSON).expect("built-in model");
        assert!(model.cem_levels());
        let ids: Vec<&str> = model.competencies().iter().map(|c| c.id()).collect();
        assert_eq!(
            ids,
            [
                "strategy",
                "leadership",
                "insight",
                "design",
                "governance",
                "culture"
            ]
        );
        for c in model.competencies() {
            let n = c.item_range().len();
            assert!((3..=5).contains(&n), "{} has {n} items", c.id());
            // With the default coverage rule every competency may miss one answer.
            assert!((n - 1) as f64 / n as f64 >= model.min_coverage());
            assert!(model.items()[c.item_range()].iter().any(|i| i.reverse()));
            for stage in 1..=5 {
                assert!(!c.actions(stage).is_empty());
            }
        }
        let bounds: Vec<f64> = model.stages().iter().map(|s| s.lower_bound()).collect();
        assert_eq!(bounds, [0.0, 20.0, 40.0, 60.0, 80.0]);
        for (stage, level) in model
            .stages()
            .iter()
            .zip(crate::MaturityLevel::iter().skip(1))
        {
            assert_eq!(stage.name(), level.name());
        }
    }
}
