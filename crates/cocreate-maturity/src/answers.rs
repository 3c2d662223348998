//! Respondents' answers, checked against a model when they are recorded.
//!
//! An [`AnswerSheet`] holds one respondent's answers, each checked against its item's scale
//! when it is recorded (with [`MaturityModel::sheet`](crate::MaturityModel::sheet)), so
//! scoring it cannot fail on bad input. "Don't know" and "not applicable" are answers in
//! their own right and count as *missing*, not as zero. [`FirmAnswers`] is the JSON form
//! of one firm's respondents.
//!
//! ```
//! use cocreate_maturity::{MaturityModel, Response};
//!
//! let model = MaturityModel::builtin();
//! let sheet = model
//!     .sheet("head-of-service")
//!     .answer("gate.programme", true)?
//!     .answer("strategy.vision", 4)?
//!     .answer("strategy.goals", Response::DontKnow)?
//!     .build()?;
//! assert_eq!(sheet.respondent(), "head-of-service");
//! assert_eq!(sheet.answered(), 1);
//! # Ok::<(), cocreate_maturity::AnswerError>(())
//! ```

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::AnswerError;
use crate::model::MaturityModel;
use crate::response::Response;

/// How error messages name the entries of the answers' lists.
#[cfg(feature = "serde")]
const ANSWER_NOUNS: cocreate_input::Nouns<'static> = &[("respondents", "respondent")];

/// One respondent's checked answers to one model.
///
/// Made with [`MaturityModel::sheet`](crate::MaturityModel::sheet) or
/// [`FirmAnswers::sheets`]; scored with
/// [`MaturityModel::assess`](crate::MaturityModel::assess).
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// let sheet = model.sheet("ana").answer("gate.programme", false)?.build()?;
/// assert_eq!(sheet.gate(), Some(cocreate_maturity::Response::No));
/// assert_eq!(sheet.model(), ("cocreate-cem", "1.0.0"));
/// # Ok::<(), cocreate_maturity::AnswerError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerSheet {
    pub(crate) respondent: Arc<str>,
    pub(crate) model_id: Arc<str>,
    pub(crate) model_version: Arc<str>,
    /// One slot per model item, in model order; `None` when the item was skipped.
    pub(crate) answers: Vec<Option<Response>>,
    pub(crate) gate: Option<Response>,
}

impl AnswerSheet {
    /// The respondent's id.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("ana").answer("gate.programme", false)?.build()?;
    /// assert_eq!(sheet.respondent(), "ana");
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    pub fn respondent(&self) -> &str {
        &self.respondent
    }

    /// The model the answers were checked against, as `(id, version)`.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// # let sheet = model.sheet("ana").answer("gate.programme", false)?.build()?;
    /// assert_eq!(sheet.model().0, model.id());
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    pub fn model(&self) -> (&str, &str) {
        (&self.model_id, &self.model_version)
    }

    /// The answer to the item at this position of the model's
    /// [`items`](crate::MaturityModel::items) (`None` when skipped or out of range).
    ///
    /// ```
    /// # use cocreate_maturity::Response;
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sheet = model.sheet("ana").answer("strategy.vision", 3)?.build()?;
    /// assert_eq!(sheet.response(0), Some(Response::Value(3.0)));
    /// assert_eq!(sheet.response(1), None);
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    pub fn response(&self, item: usize) -> Option<Response> {
        self.answers.get(item).copied().flatten()
    }

    /// The answer to the gate item, if given.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sheet = model.sheet("ana").answer("strategy.vision", 3)?.build()?;
    /// assert_eq!(sheet.gate(), None);
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    pub fn gate(&self) -> Option<Response> {
        self.gate
    }

    /// How many items have a value (the gate not counted).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sheet = model.sheet("ana").answer("strategy.vision", 3)?.build()?;
    /// assert_eq!(sheet.answered(), 1);
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    pub fn answered(&self) -> usize {
        self.answers
            .iter()
            .filter(|a| matches!(a, Some(Response::Value(_))))
            .count()
    }
}

/// Records one respondent's answers, checking each against the model as it comes.
///
/// Made by [`MaturityModel::sheet`](crate::MaturityModel::sheet).
///
/// ```
/// # let model = cocreate_maturity::MaturityModel::builtin();
/// let err = model.sheet("ana").answer("strategy.vision", 3)?.answer("strategy.vision", 4).unwrap_err();
/// assert_eq!(err.to_string(), "respondent 'ana' answered item 'strategy.vision' twice");
/// # Ok::<(), cocreate_maturity::AnswerError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SheetBuilder<'m> {
    model: &'m MaturityModel,
    sheet: AnswerSheet,
}

impl MaturityModel {
    /// Starts an answer sheet for one respondent.
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let sheet = model.sheet("ana").answer("gate.programme", true)?.build()?;
    /// assert_eq!(sheet.answered(), 0);
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    pub fn sheet(&self, respondent: &str) -> SheetBuilder<'_> {
        SheetBuilder {
            model: self,
            sheet: AnswerSheet {
                respondent: Arc::from(respondent),
                model_id: self.inputs().model_id.clone(),
                model_version: self.inputs().model_version.clone(),
                answers: vec![None; self.items().len()],
                gate: None,
            },
        }
    }
}

impl SheetBuilder<'_> {
    /// Records the answer to one item (or to the gate item).
    ///
    /// # Errors
    ///
    /// [`AnswerError::UnknownItem`], [`AnswerError::DuplicateAnswer`],
    /// [`AnswerError::OutOfRange`], [`AnswerError::NotAScalePoint`] (a value between two
    /// points, NaN or infinite) or [`AnswerError::WrongKind`] (yes/no to a rating item, a
    /// number to the gate).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let err = model.sheet("ana").answer("strategy.vision", 3.5).unwrap_err();
    /// assert!(err.to_string().contains("not a whole point"));
    /// let err = model.sheet("ana").answer("gate.programme", 1).unwrap_err();
    /// assert!(err.to_string().contains("which takes yes or no"));
    /// ```
    pub fn answer(
        mut self,
        item: &str,
        response: impl Into<Response>,
    ) -> Result<Self, AnswerError> {
        let response = response.into();
        let respondent = || self.sheet.respondent.to_string();
        if let Some(gate) = self.model.gate().filter(|g| g.item() == item) {
            if self.sheet.gate.is_some() {
                return Err(AnswerError::DuplicateAnswer {
                    respondent: respondent(),
                    item: gate.item().to_string(),
                });
            }
            if let Response::Value(_) = response {
                return Err(AnswerError::WrongKind {
                    respondent: respondent(),
                    item: item.to_string(),
                    expected: "yes or no",
                    found: response.kind(),
                });
            }
            self.sheet.gate = Some(response);
            return Ok(self);
        }
        let Some(index) = self.model.item_index(item) else {
            return Err(AnswerError::UnknownItem {
                respondent: respondent(),
                item: item.to_string(),
            });
        };
        let spec = &self.model.items()[index];
        match response {
            Response::Yes | Response::No => {
                return Err(AnswerError::WrongKind {
                    respondent: respondent(),
                    item: item.to_string(),
                    expected: "a point of its scale",
                    found: response.kind(),
                })
            }
            Response::Value(x) if !x.is_finite() || x.fract() != 0.0 => {
                return Err(AnswerError::NotAScalePoint {
                    respondent: respondent(),
                    item: item.to_string(),
                    value: x,
                })
            }
            Response::Value(x) if !spec.range.spans(x) => {
                let (min, max) = spec.scale();
                return Err(AnswerError::OutOfRange {
                    respondent: respondent(),
                    item: item.to_string(),
                    value: x,
                    min,
                    max,
                });
            }
            _ => {}
        }
        let slot = &mut self.sheet.answers[index];
        if slot.is_some() {
            return Err(AnswerError::DuplicateAnswer {
                respondent: respondent(),
                item: item.to_string(),
            });
        }
        *slot = Some(response);
        Ok(self)
    }

    /// Finishes the sheet.
    ///
    /// # Errors
    ///
    /// [`AnswerError::NoAnswers`] when nothing at all was recorded (answers of "don't
    /// know" count as something).
    ///
    /// ```
    /// # let model = cocreate_maturity::MaturityModel::builtin();
    /// let err = model.sheet("ana").build().unwrap_err();
    /// assert_eq!(err.to_string(), "respondent 'ana' gave no answers");
    /// ```
    pub fn build(self) -> Result<AnswerSheet, AnswerError> {
        if self.sheet.gate.is_none() && self.sheet.answers.iter().all(Option::is_none) {
            return Err(AnswerError::NoAnswers {
                respondent: self.sheet.respondent.to_string(),
            });
        }
        Ok(self.sheet)
    }
}

/// One firm's answers as JSON: respondents, each with answers by item id.
///
/// ```
/// use cocreate_maturity::{FirmAnswers, MaturityModel};
///
/// let json = r#"{
///   "model": "cocreate-cem",
///   "firm": "Harbour Dental",
///   "respondents": [
///     { "id": "owner", "answers": { "gate.programme": true, "strategy.vision": 2,
///                                   "strategy.goals": "dont_know" } }
///   ]
/// }"#;
/// let answers = FirmAnswers::from_json_str(json)?;
/// let sheets = answers.sheets(&MaturityModel::builtin())?;
/// assert_eq!(sheets[0].answered(), 1);
/// # Ok::<(), cocreate_maturity::AnswerError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct FirmAnswers {
    /// The id of the model the answers are for; checked when given.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub model: Option<String>,
    /// The firm's name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub firm: String,
    /// When the answers were given (free text, for example an ISO date).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub date: Option<String>,
    /// The respondents.
    pub respondents: Vec<RespondentAnswers>,
}

/// One respondent's answers in [`FirmAnswers`].
///
/// ```
/// use cocreate_maturity::{RespondentAnswers, Response};
/// let r = RespondentAnswers {
///     id: "cfo".into(),
///     role: None,
///     answers: vec![("gate.programme".into(), Response::Yes)],
/// };
/// assert_eq!(r.answers.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct RespondentAnswers {
    /// The respondent's id, unique within the firm.
    pub id: String,
    /// The respondent's role (free text).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub role: Option<String>,
    /// The answers by item id, in the order given (a JSON object). An item given twice is
    /// refused by [`FirmAnswers::from_json_str`] with its line; deserialised by other
    /// means, it is kept twice here and refused by [`FirmAnswers::sheets`].
    #[cfg_attr(feature = "serde", serde(with = "answer_map"))]
    pub answers: Vec<(String, Response)>,
}

impl FirmAnswers {
    /// Reads a firm's answers from JSON (not yet checked against a model: see
    /// [`sheets`](Self::sheets)).
    ///
    /// Strict: an unknown or misspelt field is refused with the nearest known name, a key
    /// given twice in any object is refused (an item answered twice by one respondent
    /// included), a UTF-8 byte-order mark at the start is skipped; errors name the
    /// respondent and the line and column. At most [`MAX_RESPONDENTS`] respondents of at
    /// most [`MAX_ANSWERS`] answers each.
    ///
    /// # Errors
    ///
    /// [`AnswerError::Json`] with the line and column, or
    /// [`AnswerError::TooManyRespondents`] and [`AnswerError::TooManyAnswers`].
    ///
    /// ```
    /// use cocreate_maturity::FirmAnswers;
    /// let err = FirmAnswers::from_json_str(r#"{"respondents": [{"id": "a", "answers": {"x": "maybe"}}]}"#)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("\"maybe\" is not an answer"));
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_str(text: &str) -> Result<Self, AnswerError> {
        let answers: FirmAnswers =
            cocreate_input::from_str(text, ANSWER_NOUNS).map_err(|e| AnswerError::Json {
                line: e.line,
                column: e.column,
                message: e.message,
            })?;
        answers.check_sizes()?;
        Ok(answers)
    }

    /// Reads a firm's answers from a reader of JSON text (at most
    /// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES)); see
    /// [`from_json_str`](Self::from_json_str).
    ///
    /// # Errors
    ///
    /// [`AnswerError::File`] when the reader fails, holds more than
    /// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES) or bytes that are not UTF-8; otherwise as
    /// [`from_json_str`](Self::from_json_str).
    ///
    /// ```
    /// use cocreate_maturity::FirmAnswers;
    /// let json = r#"{"firm": "Harbour Dental", "respondents": []}"#;
    /// assert_eq!(FirmAnswers::from_json_reader(json.as_bytes())?.firm, "Harbour Dental");
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_reader(reader: impl std::io::Read) -> Result<Self, AnswerError> {
        Self::from_json_str(&crate::file::read_reader(reader)?)
    }

    /// Reads a firm's answers from a JSON file; see [`from_json_str`](Self::from_json_str).
    ///
    /// # Errors
    ///
    /// [`AnswerError::File`] when the file cannot be read, is a directory, is larger than
    /// [`MAX_JSON_BYTES`](crate::MAX_JSON_BYTES) (checked before reading) or is not UTF-8
    /// text; otherwise as [`from_json_str`](Self::from_json_str).
    ///
    /// ```
    /// use cocreate_maturity::FirmAnswers;
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/data/maturity_sample_firm.json");
    /// let answers = FirmAnswers::from_json_path(path)?;
    /// assert_eq!(answers.respondents.len(), 5);
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn from_json_path(path: impl AsRef<std::path::Path>) -> Result<Self, AnswerError> {
        Self::from_json_str(&crate::file::read_path(path.as_ref())?)
    }

    /// The answers as pretty-printed JSON, in the form
    /// [`from_json_str`](Self::from_json_str) reads.
    ///
    /// ```
    /// use cocreate_maturity::{FirmAnswers, RespondentAnswers, Response};
    /// let answers = FirmAnswers {
    ///     firm: "Harbour Dental".into(),
    ///     respondents: vec![RespondentAnswers {
    ///         id: "owner".into(),
    ///         role: None,
    ///         answers: vec![("gate.programme".into(), Response::Yes)],
    ///     }],
    ///     ..Default::default()
    /// };
    /// assert_eq!(FirmAnswers::from_json_str(&answers.to_json_string())?, answers);
    /// # Ok::<(), cocreate_maturity::AnswerError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn to_json_string(&self) -> String {
        // Strings, numbers and booleans only: serde_json writes them without failing
        // (a NaN answer, which JSON cannot hold, is written as null).
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Refuses more respondents, or more answers from one respondent, than the documented
    /// limits.
    fn check_sizes(&self) -> Result<(), AnswerError> {
        if self.respondents.len() > MAX_RESPONDENTS {
            return Err(AnswerError::TooManyRespondents {
                count: self.respondents.len(),
                limit: MAX_RESPONDENTS,
            });
        }
        for r in &self.respondents {
            if r.answers.len() > MAX_ANSWERS {
                return Err(AnswerError::TooManyAnswers {
                    respondent: r.id.clone(),
                    count: r.answers.len(),
                    limit: MAX_ANSWERS,
                });
            }
        }
        Ok(())
    }

    /// Checks every respondent's answers against the model and returns one sheet each, in
    /// the order given.
    ///
    /// # Errors
    ///
    /// [`AnswerError::OtherModel`] when `model` names another model,
    /// [`AnswerError::NoRespondents`], [`AnswerError::EmptyRespondent`],
    /// [`AnswerError::DuplicateRespondent`], or the first error of
    /// [`SheetBuilder::answer`] and [`SheetBuilder::build`].
    ///
    /// ```
    /// use cocreate_maturity::{FirmAnswers, MaturityModel};
    /// let answers = FirmAnswers { model: Some("other".into()), ..Default::default() };
    /// let err = answers.sheets(&MaturityModel::builtin()).unwrap_err();
    /// assert_eq!(err.to_string(), "the answers are for model 'other', but the model in use is 'cocreate-cem'");
    /// ```
    pub fn sheets(&self, model: &MaturityModel) -> Result<Vec<AnswerSheet>, AnswerError> {
        if let Some(found) = self.model.as_deref().filter(|m| *m != model.id()) {
            return Err(AnswerError::OtherModel {
                expected: model.id().to_string(),
                found: found.to_string(),
            });
        }
        if self.respondents.is_empty() {
            return Err(AnswerError::NoRespondents);
        }
        self.check_sizes()?;
        let mut seen = HashSet::new();
        let mut sheets = Vec::with_capacity(self.respondents.len());
        for (i, r) in self.respondents.iter().enumerate() {
            if r.id.trim().is_empty() {
                return Err(AnswerError::EmptyRespondent { position: i + 1 });
            }
            if !seen.insert(r.id.as_str()) {
                return Err(AnswerError::DuplicateRespondent {
                    respondent: r.id.clone(),
                });
            }
            let mut sheet = model.sheet(&r.id);
            for (item, response) in &r.answers {
                sheet = sheet.answer(item, *response)?;
            }
            sheets.push(sheet.build()?);
        }
        Ok(sheets)
    }
}

/// Most respondents one firm's answers may hold.
pub const MAX_RESPONDENTS: usize = 10_000;

/// Most answers one respondent may give (a model has at most
/// [`MAX_ITEMS`](crate::model::MAX_ITEMS) items and a gate).
pub const MAX_ANSWERS: usize = crate::model::MAX_ITEMS + 1;

/// Answers by item id as a JSON object, read in order and without dropping an item that
/// appears twice (the sheet builder rejects it with a clear error instead).
#[cfg(feature = "serde")]
mod answer_map {
    use std::fmt;

    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};

    use super::Response;

    pub(crate) fn serialize<S: Serializer>(
        answers: &[(String, Response)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(answers.len()))?;
        for (item, response) in answers {
            map.serialize_entry(item, response)?;
        }
        map.end()
    }

    struct MapVisitor;

    impl<'de> Visitor<'de> for MapVisitor {
        type Value = Vec<(String, Response)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of answers by item id")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
            while let Some((item, response)) = map.next_entry::<String, Response>()? {
                out.push((item, response));
            }
            Ok(out)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, Response)>, D::Error> {
        deserializer.deserialize_map(MapVisitor)
    }
}
