//! The raw, unvalidated description of a maturity model, exactly as it is written in JSON.
//!
//! A [`ModelSpec`] is what a framework author writes; [`MaturityModel::from_spec`]
//! checks it and turns it into a [`MaturityModel`] that can score answers. Every field
//! the JSON may carry is a public field here, and unknown fields are rejected so that a
//! misspelt key (`"wieght"`) is an error rather than a silently ignored line.
//!
//! ```
//! use cocreate_maturity::spec::{CompetencySpec, ItemSpec, ModelSpec, StageSpec};
//! use cocreate_maturity::MaturityModel;
//!
//! let stage = |name: &str, bound: f64| StageSpec {
//!     name: Some(name.into()),
//!     lower_bound: bound,
//!     actions: vec![format!("Move on from {name}.")],
//!     ..Default::default()
//! };
//! let spec = ModelSpec {
//!     id: "tiny".into(),
//!     name: "A tiny framework".into(),
//!     version: "1".into(),
//!     stages: vec![stage("Starting", 0.0), stage("Established", 50.0)],
//!     competencies: vec![CompetencySpec {
//!         id: "listening".into(),
//!         name: "Listening".into(),
//!         items: vec![
//!             ItemSpec { id: "l1".into(), statement: "We read every complaint.".into(), ..Default::default() },
//!             ItemSpec { id: "l2".into(), statement: "We answer every complaint.".into(), ..Default::default() },
//!         ],
//!         actions: [(1, vec!["Read complaints weekly.".into()]), (2, vec!["Keep it up.".into()])]
//!             .into_iter()
//!             .collect(),
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let model = MaturityModel::from_spec(spec)?;
//! assert_eq!(model.stages().len(), 2);
//! # Ok::<(), cocreate_maturity::ModelError>(())
//! ```
//!
//! [`MaturityModel`]: crate::MaturityModel
//! [`MaturityModel::from_spec`]: crate::MaturityModel::from_spec

use std::collections::BTreeMap;

/// The default share of a competency's items that must be answered for it to be scored
/// (`docs/literature.md` §4.5 "Maturity scoring": 0.67).
///
/// ```
/// use cocreate_maturity::spec::{ModelSpec, DEFAULT_MIN_COVERAGE};
/// assert_eq!(ModelSpec::default().min_coverage, DEFAULT_MIN_COVERAGE);
/// ```
pub const DEFAULT_MIN_COVERAGE: f64 = 0.67;

/// The default lag allowance `k`: a single weak competency may hold the reported stage at
/// most this many stages below the compensatory stage (`docs/literature.md` §4.5
/// "Maturity scoring": 1).
///
/// ```
/// use cocreate_maturity::spec::{ModelSpec, DEFAULT_LAG_ALLOWANCE};
/// assert_eq!(ModelSpec::default().lag_allowance, DEFAULT_LAG_ALLOWANCE);
/// ```
pub const DEFAULT_LAG_ALLOWANCE: u8 = 1;

/// A whole maturity model as written in JSON.
///
/// See the [module documentation](self) for an example built in code; the built-in model's
/// JSON is the fuller example.
///
/// ```
/// use cocreate_maturity::spec::ModelSpec;
/// let spec = ModelSpec::default();
/// assert_eq!(spec.min_coverage, 0.67);
/// assert_eq!(spec.lag_allowance, 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct ModelSpec {
    /// A short, stable identifier (`"cocreate-cem"`); answers and results name the model
    /// by it.
    pub id: String,
    /// The model's display name.
    pub name: String,
    /// The model's version; results echo it.
    pub version: String,
    /// What the model is for.
    #[cfg_attr(feature = "serde", serde(default))]
    pub description: String,
    /// `true` when the stages are the CEM maturity levels 1–5 of
    /// [`MaturityLevel`](crate::MaturityLevel) and the gate gives level 0. Such a model
    /// needs exactly five stages and a gate; stage names and firm-wide actions may then be
    /// left out and are taken from [`MaturityLevel`](crate::MaturityLevel).
    #[cfg_attr(feature = "serde", serde(default))]
    pub cem_levels: bool,
    /// The response scale of every item that does not give its own.
    #[cfg_attr(feature = "serde", serde(default))]
    pub scale: ScaleSpec,
    /// The share of a competency's items that must be answered for the competency to be
    /// scored (`0 < min_coverage ≤ 1`).
    #[cfg_attr(feature = "serde", serde(default = "default_min_coverage"))]
    pub min_coverage: f64,
    /// The lag allowance `k` of the reported stage, `min(compensatory, limiting + k)`.
    #[cfg_attr(feature = "serde", serde(default = "default_lag_allowance"))]
    pub lag_allowance: u8,
    /// The stages, lowest first, numbered 1, 2, … in this order.
    pub stages: Vec<StageSpec>,
    /// The level-0 gate, if the model has one.
    #[cfg_attr(feature = "serde", serde(default))]
    pub gate: Option<GateSpec>,
    /// The competencies with their items and actions.
    pub competencies: Vec<CompetencySpec>,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            id: String::new(),
            name: String::new(),
            version: String::new(),
            description: String::new(),
            cem_levels: false,
            scale: ScaleSpec::default(),
            min_coverage: DEFAULT_MIN_COVERAGE,
            lag_allowance: DEFAULT_LAG_ALLOWANCE,
            stages: Vec::new(),
            gate: None,
            competencies: Vec::new(),
        }
    }
}

#[cfg(feature = "serde")]
fn default_min_coverage() -> f64 {
    DEFAULT_MIN_COVERAGE
}

#[cfg(feature = "serde")]
fn default_lag_allowance() -> u8 {
    DEFAULT_LAG_ALLOWANCE
}

/// A response scale: whole points from `min` to `max`, with optional words for each point.
///
/// ```
/// use cocreate_maturity::spec::ScaleSpec;
/// let scale = ScaleSpec::default();
/// assert_eq!((scale.min, scale.max), (1, 5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct ScaleSpec {
    /// The lowest point.
    pub min: i32,
    /// The highest point.
    pub max: i32,
    /// What each point means (a behavioural anchor), by point; points without words may be
    /// left out.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "BTreeMap::is_empty")
    )]
    pub anchors: BTreeMap<i32, String>,
}

impl Default for ScaleSpec {
    /// A 1–5 scale without anchors.
    fn default() -> Self {
        ScaleSpec {
            min: 1,
            max: 5,
            anchors: BTreeMap::new(),
        }
    }
}

/// One stage of the model, with the lower bound of its score band.
///
/// ```
/// use cocreate_maturity::spec::StageSpec;
/// let stage = StageSpec { lower_bound: 40.0, ..Default::default() };
/// assert!(stage.name.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct StageSpec {
    /// The stage's name (optional on a CEM-levels model).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// The lowest 0–100 score that reaches this stage. The first stage starts at 0 and
    /// the bounds rise strictly.
    pub lower_bound: f64,
    /// How a firm at this stage typically looks.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub summary: Option<String>,
    /// Firm-wide actions that move a firm from this stage to the next (at the top stage:
    /// that keep it there). Optional on a CEM-levels model.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub actions: Vec<String>,
}

/// The level-0 gate: one yes/no item ("a CX programme or owner exists"). When the answer
/// is no, the firm is at level 0 and the score bands are not used.
///
/// ```
/// use cocreate_maturity::spec::GateSpec;
/// let gate = GateSpec { item: "programme".into(), ..Default::default() };
/// assert!(gate.actions.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct GateSpec {
    /// The gate item's id (unique across the model's items).
    pub item: String,
    /// The yes/no statement.
    pub statement: String,
    /// The name of level 0 (on a CEM-levels model defaults to "Non-existent").
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub level_name: Option<String>,
    /// What a firm at level 0 should do first (on a CEM-levels model defaults to
    /// [`MaturityLevel::NonExistent`](crate::MaturityLevel::NonExistent)'s actions).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub actions: Vec<String>,
}

/// One competency: its items, its weight and its actions for each stage.
///
/// ```
/// use cocreate_maturity::spec::CompetencySpec;
/// let c = CompetencySpec { id: "culture".into(), ..Default::default() };
/// assert!(c.weight.is_none()); // equal weights unless every competency gives one
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct CompetencySpec {
    /// A short, stable identifier.
    pub id: String,
    /// The display name.
    pub name: String,
    /// What the competency covers.
    #[cfg_attr(feature = "serde", serde(default))]
    pub description: String,
    /// The weight in the compensatory score. Either every competency has one (positive,
    /// adding up to 1) or none has, and the weights are equal.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub weight: Option<f64>,
    /// The statements respondents rate.
    pub items: Vec<ItemSpec>,
    /// The actions that raise this competency from a stage to the next, by stage number
    /// (every stage needs at least one; at the top stage they keep it there).
    pub actions: BTreeMap<u8, Vec<String>>,
}

/// One questionnaire item.
///
/// ```
/// use cocreate_maturity::spec::ItemSpec;
/// let item = ItemSpec { id: "x".into(), statement: "We listen.".into(), ..Default::default() };
/// assert!(!item.reverse);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct ItemSpec {
    /// A short, stable identifier, unique across the model.
    pub id: String,
    /// The statement respondents rate, in the model's own words.
    pub statement: String,
    /// `true` when agreement means *less* maturity; the answer is then keyed as
    /// `min + max − x`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub reverse: bool,
    /// The item's own scale, replacing the model's (for example a frequency scale with
    /// behavioural anchors).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub scale: Option<ScaleSpec>,
}
