//! A validated maturity model: competencies, items, weights, stages, gate and actions.
//!
//! A [`MaturityModel`] is made from a [`ModelSpec`], usually read
//! from JSON, and is checked once when it is made: after that, every item id is unique,
//! every scale is sound, the weights are positive and add up to 1, the stage thresholds
//! start at 0 and rise, and every competency has actions for every stage.
//!
//! The model serialises as its [`ModelSpec`] and deserialises through the same checks
//! ([`MaturityModel::from_spec`]). Its parts ([`Item`], [`Competency`],
//! [`MaturityStage`], [`Gate`]) are views of one checked model, valid only together, so
//! they have no serde form of their own: serialise the model.
//!
//! ```
//! use cocreate_maturity::MaturityModel;
//!
//! let model = MaturityModel::builtin();
//! assert_eq!(model.competencies().len(), 6);
//! assert_eq!(model.stages().iter().map(|s| s.lower_bound()).collect::<Vec<_>>(),
//!            [0.0, 20.0, 40.0, 60.0, 80.0]);
//! let vision = model.item("strategy.vision").unwrap();
//! assert_eq!(vision.scale(), (1, 5));
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use cocreate_stats::ResponseRange;

use crate::error::{ActionOwner, ModelError, ModelText, ScaleOwner};
use crate::inputs::{CompetencyLabels, GateInfo, ScoringInputs, StageBound};
use crate::level::MaturityLevel;
use crate::spec::{ModelSpec, ScaleSpec};

/// How error messages name the entries of a model's lists.
#[cfg(feature = "serde")]
const MODEL_NOUNS: cocreate_input::Nouns<'static> = &[
    ("competencies", "competency"),
    ("items", "item"),
    ("stages", "stage"),
];

/// The most stages a model may have.
///
/// ```
/// use cocreate_maturity::{model::MAX_STAGES, MaturityModel, ModelError};
/// let mut spec = MaturityModel::builtin().spec().clone();
/// spec.cem_levels = false;
/// spec.stages = vec![spec.stages[0].clone(); MAX_STAGES + 1];
/// assert!(matches!(MaturityModel::from_spec(spec), Err(ModelError::TooManyStages { .. })));
/// ```
pub const MAX_STAGES: usize = 20;

/// Two weights sums closer to 1 than this are accepted (JSON cannot write 1/6 exactly).
const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;

/// A checked maturity model, ready to score answers.
///
/// Serialises back to the JSON it was read from (its [`ModelSpec`]).
///
/// ```
/// use cocreate_maturity::MaturityModel;
///
/// let model = MaturityModel::builtin();
/// assert_eq!(model.id(), "cocreate-cem");
/// assert!(model.cem_levels());
/// assert_eq!(model.gate().unwrap().level_name(), "Non-existent");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ModelSpec", into = "ModelSpec")
)]
pub struct MaturityModel {
    spec: ModelSpec,
    items: Vec<Item>,
    competencies: Vec<Competency>,
    stages: Vec<MaturityStage>,
    gate: Option<Gate>,
    index: HashMap<Arc<str>, usize>,
    inputs: Arc<ScoringInputs>,
}

/// One item of a [`MaturityModel`].
///
/// ```
/// use cocreate_maturity::MaturityModel;
/// let model = MaturityModel::builtin();
/// let item = model.item("culture.blame").unwrap();
/// assert!(item.reverse());
/// assert_eq!(item.keyed(5.0), 1.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub(crate) id: Arc<str>,
    statement: String,
    competency: usize,
    /// The whole points of the item's scale (checked when the model was built).
    pub(crate) range: ResponseRange,
    pub(crate) reverse: bool,
    anchors: BTreeMap<i32, String>,
}

impl Item {
    /// The item's id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.items()[0].id(), "strategy.vision");
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The statement respondents rate.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(!model.items()[0].statement().is_empty());
    /// ```
    pub fn statement(&self) -> &str {
        &self.statement
    }

    /// The index of the item's competency in [`MaturityModel::competencies`].
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.items()[0].competency(), 0);
    /// ```
    pub fn competency(&self) -> usize {
        self.competency
    }

    /// The response scale as `(min, max)`.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.items()[0].scale(), (1, 5));
    /// ```
    pub fn scale(&self) -> (i32, i32) {
        // The ends were whole `i32`s in the model's specification.
        (self.range.min() as i32, self.range.max() as i32)
    }

    /// The response scale as a [`ResponseRange`] of whole points.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let range = model.items()[0].range();
    /// assert_eq!((range.min(), range.max(), range.integer()), (1.0, 5.0, true));
    /// assert!(range.contains(3.0) && !range.contains(3.5));
    /// ```
    pub fn range(&self) -> ResponseRange {
        self.range
    }

    /// `true` when the item is reverse-keyed.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(!model.items()[0].reverse());
    /// ```
    pub fn reverse(&self) -> bool {
        self.reverse
    }

    /// The words for each scale point that has them.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.items()[0].anchors().get(&5).map(String::as_str), Some("Strongly agree"));
    /// ```
    pub fn anchors(&self) -> &BTreeMap<i32, String> {
        &self.anchors
    }

    /// An answer after reverse keying: `min + max − x` for a reverse-keyed item, `x`
    /// otherwise.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let item = model.item("strategy.vision").unwrap();
    /// assert_eq!(item.keyed(4.0), 4.0);
    /// ```
    pub fn keyed(&self, answer: f64) -> f64 {
        if self.reverse {
            self.range.reverse(answer)
        } else {
            answer
        }
    }
}

/// One competency of a [`MaturityModel`].
///
/// ```
/// use cocreate_maturity::MaturityModel;
/// let model = MaturityModel::builtin();
/// let c = &model.competencies()[2];
/// assert_eq!(c.name(), "Voice of the customer and insight");
/// assert!((c.weight() - 1.0 / 6.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Competency {
    pub(crate) labels: Arc<CompetencyLabels>,
    description: String,
    pub(crate) weight: f64,
    pub(crate) items: Range<usize>,
    /// `max − min` when every item of the competency has the same scale width.
    pub(crate) common_width: Option<f64>,
    actions: Vec<Vec<String>>,
}

impl Competency {
    /// The competency's id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.competencies()[0].id(), "strategy");
    /// ```
    pub fn id(&self) -> &str {
        &self.labels.id
    }

    /// The display name.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.competencies()[0].name(), "Strategy and vision");
    /// ```
    pub fn name(&self) -> &str {
        &self.labels.name
    }

    /// What the competency covers.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(!model.competencies()[0].description().is_empty());
    /// ```
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The weight in the compensatory score (the weights of a model add up to 1).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sum: f64 = model.competencies().iter().map(|c| c.weight()).sum();
    /// assert!((sum - 1.0).abs() < 1e-12);
    /// ```
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The positions of the competency's items in [`MaturityModel::items`].
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.competencies()[0].item_range(), 0..4);
    /// ```
    pub fn item_range(&self) -> Range<usize> {
        self.items.clone()
    }

    /// The actions that raise this competency from `stage` to the next (at the top stage:
    /// that keep it there); empty for a stage the model does not have.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(!model.competencies()[0].actions(1).is_empty());
    /// assert!(model.competencies()[0].actions(9).is_empty());
    /// ```
    pub fn actions(&self, stage: u8) -> &[String] {
        usize::from(stage)
            .checked_sub(1)
            .and_then(|i| self.actions.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

/// One stage of a [`MaturityModel`].
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// let stage = &model.stages()[2];
/// assert_eq!((stage.number(), stage.name()), (3, "Defined, leadership engaged"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MaturityStage {
    number: u8,
    name: Arc<str>,
    lower_bound: f64,
    summary: String,
    actions: Vec<String>,
}

impl MaturityStage {
    /// The stage number, from 1.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.stages()[0].number(), 1);
    /// ```
    pub fn number(&self) -> u8 {
        self.number
    }

    /// The stage's name.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.stages()[3].name(), "Managed");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The lowest 0–100 score in the stage's band.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.stages()[1].lower_bound(), 20.0);
    /// ```
    pub fn lower_bound(&self) -> f64 {
        self.lower_bound
    }

    /// How a firm at this stage typically looks (may be empty).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.stages()[0].summary().contains("money"));
    /// ```
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Firm-wide actions that lead from this stage to the next.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(!model.stages()[4].actions().is_empty());
    /// ```
    pub fn actions(&self) -> &[String] {
        &self.actions
    }
}

/// The level-0 gate of a [`MaturityModel`].
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// let gate = model.gate().unwrap();
/// assert_eq!(gate.item(), "gate.programme");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    item: Arc<str>,
    statement: String,
    level_name: Arc<str>,
    actions: Vec<String>,
}

impl Gate {
    /// The gate item's id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.gate().unwrap().item().starts_with("gate"));
    /// ```
    pub fn item(&self) -> &str {
        &self.item
    }

    /// The yes/no statement.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.gate().unwrap().statement().contains("owns"));
    /// ```
    pub fn statement(&self) -> &str {
        &self.statement
    }

    /// The name of level 0.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.gate().unwrap().level_name(), "Non-existent");
    /// ```
    pub fn level_name(&self) -> &str {
        &self.level_name
    }

    /// What a firm at level 0 should do first.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(!model.gate().unwrap().actions().is_empty());
    /// ```
    pub fn actions(&self) -> &[String] {
        &self.actions
    }
}

impl MaturityModel {
    /// Checks a [`ModelSpec`] and builds the model from it.
    ///
    /// # Errors
    ///
    /// A [`ModelError`] naming the first problem found: empty texts, fewer than two
    /// stages, thresholds that do not start at 0 or do not rise, weights that are not
    /// positive or do not add up to 1, duplicate competency or item ids, unsound scales,
    /// missing actions for a stage.
    ///
    /// ```
    /// use cocreate_maturity::{MaturityModel, ModelError};
    ///
    /// let mut spec = MaturityModel::builtin().spec().clone();
    /// spec.competencies[1].items[0].id = spec.competencies[0].items[0].id.clone();
    /// let err = MaturityModel::from_spec(spec).unwrap_err();
    /// assert!(matches!(err, ModelError::DuplicateItem { .. }));
    /// ```
    pub fn from_spec(spec: ModelSpec) -> Result<Self, ModelError> {
        check_sizes(&spec)?;
        check_text(&spec.id, || ModelText::ModelId)?;
        check_text(&spec.name, || ModelText::ModelName)?;
        check_text(&spec.version, || ModelText::ModelVersion)?;
        if !(spec.min_coverage > 0.0 && spec.min_coverage <= 1.0) {
            return Err(ModelError::BadMinCoverage {
                value: spec.min_coverage,
            });
        }
        check_scale(&spec.scale, || ScaleOwner::Model)?;

        let stages = build_stages(&spec)?;
        let gate = build_gate(&spec)?;
        let (competencies, items) = build_competencies(&spec, &stages)?;

        let mut index = HashMap::with_capacity(items.len());
        if let Some(gate) = &gate {
            index.insert(gate.item.clone(), usize::MAX);
        }
        for (i, item) in items.iter().enumerate() {
            if index.insert(item.id.clone(), i).is_some() {
                return Err(ModelError::DuplicateItem {
                    item: item.id.to_string(),
                });
            }
        }
        if let Some(gate) = &gate {
            index.remove(&gate.item);
        }

        let inputs = Arc::new(ScoringInputs {
            model_id: Arc::from(spec.id.as_str()),
            model_version: Arc::from(spec.version.as_str()),
            cem_levels: spec.cem_levels,
            min_coverage: spec.min_coverage,
            lag_allowance: spec.lag_allowance,
            stages: stages
                .iter()
                .map(|s| StageBound {
                    stage: s.number,
                    name: s.name.clone(),
                    lower_bound: s.lower_bound,
                    summary: Arc::from(s.summary.as_str()),
                })
                .collect(),
            gate: gate.as_ref().map(|g| GateInfo {
                item: g.item.clone(),
                level_name: g.level_name.clone(),
                summary: Arc::from(if spec.cem_levels {
                    MaturityLevel::NonExistent.view()
                } else {
                    ""
                }),
            }),
        });
        Ok(MaturityModel {
            spec,
            items,
            competencies,
            stages,
            gate,
            index,
            inputs,
        })
    }

    /// Reads and checks a model written in JSON.
    ///
    /// Strict: an unknown or misspelt field is refused with the nearest known name, a key
    /// that appears twice in any object is refused, a UTF-8 byte-order mark at the start is
    /// skipped; errors name the competency, item or stage and the line and column. Sizes
    /// are limited as the crate's "Untrusted input" section says.
    ///
    /// # Errors
    ///
    /// [`ModelError::Json`] with the line and column when the text is not a model's JSON
    /// (including unknown or misspelt fields), or any other [`ModelError`] from
    /// [`from_spec`](Self::from_spec).
    ///
    /// ```
    /// use cocreate_maturity::MaturityModel;
    ///
    /// let json = MaturityModel::builtin().to_json_string();
    /// let model = MaturityModel::from_json_str(&json)?;
    /// assert_eq!(model, MaturityModel::builtin());
    ///
    /// let err = MaturityModel::from_json_str("{\"id\": \"x\", \"wieght\": 1}").unwrap_err();
    /// assert!(err.to_string().contains("unknown field `wieght`"));
    /// # Ok::<(), cocreate_maturity::ModelError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_str(text: &str) -> Result<Self, ModelError> {
        let spec: ModelSpec =
            cocreate_input::from_str(text, MODEL_NOUNS).map_err(|e| ModelError::Json {
                line: e.line,
                column: e.column,
                message: e.message,
            })?;
        Self::from_spec(spec)
    }

    /// Reads and checks a model from a reader of JSON text (at most
    /// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES)); see
    /// [`from_json_str`](Self::from_json_str).
    ///
    /// # Errors
    ///
    /// [`ModelError::File`] when the reader fails, holds more than
    /// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES) or bytes that are not UTF-8; otherwise as
    /// [`from_json_str`](Self::from_json_str).
    ///
    /// ```
    /// use cocreate_maturity::MaturityModel;
    ///
    /// let json = MaturityModel::builtin().to_json_string();
    /// let model = MaturityModel::from_json_reader(json.as_bytes())?;
    /// assert_eq!(model.id(), "cocreate-cem");
    /// # Ok::<(), cocreate_maturity::ModelError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_reader(reader: impl std::io::Read) -> Result<Self, ModelError> {
        Self::from_json_str(&crate::file::read_reader(reader)?)
    }

    /// Reads and checks a model from a JSON file; see [`from_json_str`](Self::from_json_str).
    ///
    /// # Errors
    ///
    /// [`ModelError::File`] when the file cannot be read, is a directory, is larger than
    /// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES) (checked before reading) or is not UTF-8
    /// text; otherwise as [`from_json_str`](Self::from_json_str).
    ///
    /// ```
    /// use cocreate_maturity::MaturityModel;
    ///
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cem-model.json");
    /// assert_eq!(MaturityModel::from_json_path(path)?, MaturityModel::builtin());
    /// # Ok::<(), cocreate_maturity::ModelError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_path(path: impl AsRef<std::path::Path>) -> Result<Self, ModelError> {
        Self::from_json_str(&crate::file::read_path(path.as_ref())?)
    }

    /// The model as pretty-printed JSON (its [`ModelSpec`]), in the form
    /// [`from_json_str`](Self::from_json_str) reads.
    ///
    /// ```
    /// use cocreate_maturity::MaturityModel;
    /// assert!(MaturityModel::builtin().to_json_string().contains("\"cem_levels\": true"));
    /// ```
    #[cfg(feature = "serde")]
    pub fn to_json_string(&self) -> String {
        // A ModelSpec holds only strings, numbers, lists and maps with integer keys, all
        // of which serde_json writes without failing.
        serde_json::to_string_pretty(&self.spec).unwrap_or_default()
    }

    /// Writes the model as pretty-printed JSON, as [`to_json_string`](Self::to_json_string).
    ///
    /// # Errors
    ///
    /// The writer's error.
    ///
    /// ```
    /// use cocreate_maturity::MaturityModel;
    /// let mut out = Vec::new();
    /// MaturityModel::builtin().write_json(&mut out)?;
    /// assert_eq!(MaturityModel::from_json_reader(&out[..])?, MaturityModel::builtin());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn write_json(&self, mut writer: impl std::io::Write) -> std::io::Result<()> {
        writer.write_all(self.to_json_string().as_bytes())
    }

    /// The specification the model was built from.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.spec().competencies.len(), 6);
    /// ```
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// The model's id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.id(), "cocreate-cem");
    /// ```
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The model's display name.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.name().contains("CEM"));
    /// ```
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The model's version.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.version(), "1.0.0");
    /// ```
    pub fn version(&self) -> &str {
        &self.spec.version
    }

    /// `true` when the stages are the CEM maturity levels 1–5 and the gate gives level 0.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.cem_levels());
    /// ```
    pub fn cem_levels(&self) -> bool {
        self.spec.cem_levels
    }

    /// The share of a competency's items that must be answered for it to be scored.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.min_coverage(), 0.67);
    /// ```
    pub fn min_coverage(&self) -> f64 {
        self.spec.min_coverage
    }

    /// The lag allowance `k` in `reported = min(compensatory, limiting + k)`.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.lag_allowance(), 1);
    /// ```
    pub fn lag_allowance(&self) -> u8 {
        self.spec.lag_allowance
    }

    /// The items of all competencies, competency by competency.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.items().len(), 28);
    /// ```
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The item with this id (the gate item is not among them; see [`gate`](Self::gate)).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.item("strategy.vision").is_some());
    /// assert!(model.item("nope").is_none());
    /// ```
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    /// The position of an item in [`items`](Self::items).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.item_index("strategy.vision"), Some(0));
    /// ```
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The competencies, in model order.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.competencies()[5].id(), "culture");
    /// ```
    pub fn competencies(&self) -> &[Competency] {
        &self.competencies
    }

    /// The competency with this id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.competency("design").unwrap().name(), "Journey and touchpoint design");
    /// ```
    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies.iter().find(|c| c.id() == id)
    }

    /// The stages, lowest first.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.stages().len(), 5);
    /// ```
    pub fn stages(&self) -> &[MaturityStage] {
        &self.stages
    }

    /// The stage with this number (from 1).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.stage(4).unwrap().name(), "Managed");
    /// assert!(model.stage(0).is_none());
    /// ```
    pub fn stage(&self, number: u8) -> Option<&MaturityStage> {
        usize::from(number)
            .checked_sub(1)
            .and_then(|i| self.stages.get(i))
    }

    /// The level-0 gate, if the model has one.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert!(model.gate().is_some());
    /// ```
    pub fn gate(&self) -> Option<&Gate> {
        self.gate.as_ref()
    }

    /// The name of a level: the gate's level name for 0, the stage's name otherwise.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.level_name(0), Some("Non-existent"));
    /// assert_eq!(model.level_name(2), Some("Customer heard and valued"));
    /// assert_eq!(model.level_name(6), None);
    /// ```
    pub fn level_name(&self, level: u8) -> Option<&str> {
        self.inputs.level_name(level)
    }

    /// The firm-wide actions that lead from a level to the next: the gate's actions at
    /// level 0, the stage's otherwise.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.level_actions(0).len(), 3);
    /// assert!(model.level_actions(7).is_empty());
    /// ```
    pub fn level_actions(&self, level: u8) -> &[String] {
        if level == 0 {
            self.gate.as_ref().map_or(&[], |g| g.actions.as_slice())
        } else {
            self.stage(level).map_or(&[], |s| s.actions.as_slice())
        }
    }

    /// The scoring inputs every result of this model carries.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// assert_eq!(model.inputs().stage_of(45.0), 3);
    /// ```
    pub fn inputs(&self) -> &Arc<ScoringInputs> {
        &self.inputs
    }

    /// `id version`, as errors name a model.
    pub(crate) fn label(&self) -> String {
        self.inputs.label()
    }
}

impl TryFrom<ModelSpec> for MaturityModel {
    type Error = ModelError;

    fn try_from(spec: ModelSpec) -> Result<Self, Self::Error> {
        Self::from_spec(spec)
    }
}

impl From<MaturityModel> for ModelSpec {
    fn from(model: MaturityModel) -> Self {
        model.spec
    }
}

fn check_text(text: &str, what: impl FnOnce() -> ModelText) -> Result<(), ModelError> {
    if text.trim().is_empty() {
        Err(ModelError::EmptyText { what: what() })
    } else {
        Ok(())
    }
}

/// Checks a scale and returns its range of whole points.
fn check_scale(
    scale: &ScaleSpec,
    owner: impl Fn() -> ScaleOwner,
) -> Result<ResponseRange, ModelError> {
    let range = ResponseRange::new(f64::from(scale.min), f64::from(scale.max)).map_err(|_| {
        ModelError::BadScale {
            owner: owner(),
            min: scale.min,
            max: scale.max,
        }
    })?;
    for (&point, text) in &scale.anchors {
        if !range.contains(f64::from(point)) {
            return Err(ModelError::AnchorOffScale {
                owner: owner(),
                point,
                min: scale.min,
                max: scale.max,
            });
        }
        check_text(text, || ModelText::Anchor {
            point,
            scale: owner(),
        })?;
    }
    Ok(range)
}

fn check_actions(actions: &[String], owner: impl Fn() -> ActionOwner) -> Result<(), ModelError> {
    for (i, action) in actions.iter().enumerate() {
        check_text(action, || ModelText::Action {
            position: i + 1,
            owner: owner(),
        })?;
    }
    Ok(())
}

fn build_stages(spec: &ModelSpec) -> Result<Vec<MaturityStage>, ModelError> {
    let n = spec.stages.len();
    if n < 2 {
        return Err(ModelError::TooFewStages { found: n });
    }
    if n > MAX_STAGES {
        return Err(ModelError::TooManyStages {
            found: n,
            max: MAX_STAGES,
        });
    }
    if spec.cem_levels && n != 5 {
        return Err(ModelError::CemLevelsNeedFiveStages { found: n });
    }
    let mut stages = Vec::with_capacity(n);
    let mut previous = f64::NEG_INFINITY;
    for (i, s) in spec.stages.iter().enumerate() {
        let number = i + 1;
        let bound = s.lower_bound;
        if !(0.0..=100.0).contains(&bound) {
            return Err(ModelError::BoundOutOfRange {
                stage: number,
                bound,
            });
        }
        if i == 0 && bound != 0.0 {
            return Err(ModelError::FirstBoundNotZero { bound });
        }
        if bound <= previous {
            return Err(ModelError::ThresholdsNotRising {
                stage: number,
                bound,
                previous,
            });
        }
        previous = bound;
        // `number` is at most MAX_STAGES, so it fits a u8.
        let number = number as u8;
        let level = spec
            .cem_levels
            .then(|| MaturityLevel::from_number(number).ok())
            .flatten();
        let name = match (&s.name, level) {
            (Some(name), _) => {
                check_text(name, || ModelText::StageName {
                    stage: usize::from(number),
                })?;
                name.clone()
            }
            (None, Some(level)) => level.name().to_string(),
            (None, None) => {
                return Err(ModelError::MissingStageName {
                    stage: usize::from(number),
                })
            }
        };
        let actions = match level {
            Some(level) if s.actions.is_empty() => {
                level.actions().iter().map(|a| a.to_string()).collect()
            }
            _ => s.actions.clone(),
        };
        if actions.is_empty() {
            return Err(ModelError::MissingStageActions {
                stage: usize::from(number),
                name,
            });
        }
        check_actions(&actions, || ActionOwner::Stage {
            stage: usize::from(number),
        })?;
        let summary = match (&s.summary, level) {
            (Some(summary), _) => summary.clone(),
            (None, Some(level)) => level.view().to_string(),
            (None, None) => String::new(),
        };
        stages.push(MaturityStage {
            number,
            name: Arc::from(name.as_str()),
            lower_bound: bound,
            summary,
            actions,
        });
    }
    Ok(stages)
}

fn build_gate(spec: &ModelSpec) -> Result<Option<Gate>, ModelError> {
    let Some(g) = &spec.gate else {
        return if spec.cem_levels {
            Err(ModelError::CemLevelsNeedGate)
        } else {
            Ok(None)
        };
    };
    check_text(&g.item, || ModelText::GateItem)?;
    check_text(&g.statement, || ModelText::GateStatement)?;
    let level_name = match &g.level_name {
        Some(name) => {
            check_text(name, || ModelText::GateLevelName)?;
            name.clone()
        }
        None if spec.cem_levels => MaturityLevel::NonExistent.name().to_string(),
        None => return Err(ModelError::MissingGateLevelName),
    };
    let actions = if !g.actions.is_empty() {
        g.actions.clone()
    } else if spec.cem_levels {
        MaturityLevel::NonExistent
            .actions()
            .iter()
            .map(|a| a.to_string())
            .collect()
    } else {
        return Err(ModelError::MissingGateActions);
    };
    check_actions(&actions, || ActionOwner::Gate)?;
    Ok(Some(Gate {
        item: Arc::from(g.item.as_str()),
        statement: g.statement.clone(),
        level_name: Arc::from(level_name.as_str()),
        actions,
    }))
}

fn build_competencies(
    spec: &ModelSpec,
    stages: &[MaturityStage],
) -> Result<(Vec<Competency>, Vec<Item>), ModelError> {
    if spec.competencies.is_empty() {
        return Err(ModelError::NoCompetencies);
    }
    let weights = weights(spec)?;
    let mut seen = HashSet::new();
    let mut competencies = Vec::with_capacity(spec.competencies.len());
    let mut items = Vec::new();
    for (ci, (c, weight)) in spec.competencies.iter().zip(weights).enumerate() {
        check_text(&c.id, || ModelText::CompetencyId { position: ci + 1 })?;
        if !seen.insert(c.id.as_str()) {
            return Err(ModelError::DuplicateCompetency { id: c.id.clone() });
        }
        check_text(&c.name, || ModelText::CompetencyName {
            competency: c.id.clone(),
        })?;
        if c.items.is_empty() {
            return Err(ModelError::EmptyCompetency {
                competency: c.id.clone(),
            });
        }
        let start = items.len();
        for (ii, it) in c.items.iter().enumerate() {
            check_text(&it.id, || ModelText::ItemId {
                competency: c.id.clone(),
                position: ii + 1,
            })?;
            check_text(&it.statement, || ModelText::ItemStatement {
                item: it.id.clone(),
            })?;
            let scale = it.scale.as_ref().unwrap_or(&spec.scale);
            let range = check_scale(scale, || ScaleOwner::Item {
                item: it.id.clone(),
            })?;
            items.push(Item {
                id: Arc::from(it.id.as_str()),
                statement: it.statement.clone(),
                competency: ci,
                range,
                reverse: it.reverse,
                anchors: scale.anchors.clone(),
            });
        }
        for &stage in c.actions.keys() {
            if stage == 0 || usize::from(stage) > stages.len() {
                return Err(ModelError::UnknownActionStage {
                    competency: c.id.clone(),
                    stage,
                    stages: stages.len(),
                });
            }
        }
        let mut actions = Vec::with_capacity(stages.len());
        for stage in stages {
            let list = c.actions.get(&stage.number).filter(|l| !l.is_empty());
            let Some(list) = list else {
                return Err(ModelError::MissingActions {
                    competency: c.id.clone(),
                    stage: usize::from(stage.number),
                    stage_name: stage.name.to_string(),
                });
            };
            check_actions(list, || ActionOwner::Competency {
                competency: c.id.clone(),
                stage: usize::from(stage.number),
            })?;
            actions.push(list.clone());
        }
        let width = |i: &Item| i.range.max() - i.range.min();
        let common_width =
            Some(width(&items[start])).filter(|&w| items[start..].iter().all(|i| width(i) == w));
        competencies.push(Competency {
            common_width,
            labels: Arc::new(CompetencyLabels {
                id: Arc::from(c.id.as_str()),
                name: Arc::from(c.name.as_str()),
                items: items[start..].iter().map(|i| i.id.clone()).collect(),
            }),
            description: c.description.clone(),
            weight,
            items: start..items.len(),
            actions,
        });
    }
    Ok((competencies, items))
}

/// The weights actually used: equal when none is given; otherwise the given ones, checked
/// and divided by their sum (which is 1 within [`WEIGHT_SUM_TOLERANCE`]) so that the
/// compensatory score stays within 0–100 to the last bit.
fn weights(spec: &ModelSpec) -> Result<Vec<f64>, ModelError> {
    let n = spec.competencies.len();
    if spec.competencies.iter().all(|c| c.weight.is_none()) {
        return Ok(vec![1.0 / n as f64; n]);
    }
    let mut given = Vec::with_capacity(n);
    for c in &spec.competencies {
        let Some(w) = c.weight else {
            return Err(ModelError::WeightMissing {
                competency: c.id.clone(),
            });
        };
        if !(w.is_finite() && w > 0.0) {
            return Err(ModelError::WeightNotPositive {
                competency: c.id.clone(),
                weight: w,
            });
        }
        given.push(w);
    }
    let sum: f64 = given.iter().sum();
    if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
        return Err(ModelError::WeightsDoNotSumToOne { sum });
    }
    Ok(given.into_iter().map(|w| w / sum).collect())
}

/// Most competencies a model may have.
pub const MAX_COMPETENCIES: usize = 200;

/// Most items a model may have over all its competencies.
pub const MAX_ITEMS: usize = 2_000;

/// Most actions a model may list for one stage of one competency, for one stage (the
/// firm-wide actions), or for the gate.
///
/// ```
/// use cocreate_maturity::{MaturityModel, ModelError, MAX_ACTIONS};
/// let mut spec = MaturityModel::builtin().spec().clone();
/// spec.stages[0].actions = vec!["Act.".to_string(); MAX_ACTIONS + 1];
/// assert!(matches!(MaturityModel::from_spec(spec), Err(ModelError::TooLarge { .. })));
/// ```
pub const MAX_ACTIONS: usize = 100;

/// Refuses a model whose lists are longer than the documented limits, before any of them
/// is built or indexed.
fn check_sizes(spec: &ModelSpec) -> Result<(), ModelError> {
    let over = |what: &'static str, count: usize, limit: usize| {
        if count > limit {
            Err(ModelError::TooLarge { what, count, limit })
        } else {
            Ok(())
        }
    };
    over("competencies", spec.competencies.len(), MAX_COMPETENCIES)?;
    let items: usize = spec.competencies.iter().map(|c| c.items.len()).sum();
    over("items", items, MAX_ITEMS)?;
    for c in &spec.competencies {
        for actions in c.actions.values() {
            over(
                "actions for one stage of a competency",
                actions.len(),
                MAX_ACTIONS,
            )?;
        }
    }
    for stage in &spec.stages {
        over(
            "firm-wide actions for one stage",
            stage.actions.len(),
            MAX_ACTIONS,
        )?;
    }
    if let Some(gate) = &spec.gate {
        over("actions for the gate", gate.actions.len(), MAX_ACTIONS)?;
    }
    Ok(())
}
