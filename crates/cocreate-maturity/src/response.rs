//! One answer to one item: a point of the item's scale, yes or no for the gate, or
//! "don't know" / "not applicable", which count as missing.
//!
//! ```
//! use cocreate_maturity::Response;
//!
//! assert_eq!(Response::from(4), Response::Value(4.0));
//! assert!(Response::DontKnow.is_missing());
//! let answers: Vec<Response> = serde_json::from_str(r#"[3, true, "dont_know", "n/a"]"#)?;
//! assert_eq!(answers[3], Response::NotApplicable);
//! # Ok::<(), serde_json::Error>(())
//! ```

/// One answer to one item.
///
/// Rating items take a [`Value`](Response::Value) on their scale; the gate item takes
/// [`Yes`](Response::Yes) or [`No`](Response::No). Either may be
/// [`DontKnow`](Response::DontKnow) or [`NotApplicable`](Response::NotApplicable), which
/// count as missing. In JSON: a number, `true`/`false`, `"dont_know"` or
/// `"not_applicable"`.
///
/// ```
/// use cocreate_maturity::Response;
/// assert_eq!(Response::from(4), Response::Value(4.0));
/// assert_eq!(Response::from(true), Response::Yes);
/// assert!(Response::DontKnow.is_missing());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Response {
    /// A point on the item's scale.
    Value(f64),
    /// Yes (the gate item).
    Yes,
    /// No (the gate item).
    No,
    /// The respondent does not know.
    DontKnow,
    /// The item does not apply to the firm.
    NotApplicable,
}

impl Response {
    /// `true` for "don't know" and "not applicable".
    ///
    /// ```
    /// use cocreate_maturity::Response;
    /// assert!(Response::NotApplicable.is_missing());
    /// assert!(!Response::Value(1.0).is_missing());
    /// ```
    pub fn is_missing(self) -> bool {
        matches!(self, Response::DontKnow | Response::NotApplicable)
    }

    /// What kind of answer this is, as error messages name it.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Response::Value(_) => "a number",
            Response::Yes | Response::No => "yes/no",
            Response::DontKnow => "don't know",
            Response::NotApplicable => "not applicable",
        }
    }
}

impl From<i32> for Response {
    fn from(value: i32) -> Self {
        Response::Value(f64::from(value))
    }
}

impl From<f64> for Response {
    fn from(value: f64) -> Self {
        Response::Value(value)
    }
}

impl From<bool> for Response {
    fn from(value: bool) -> Self {
        if value {
            Response::Yes
        } else {
            Response::No
        }
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    //! Answers in JSON: a number, `true`/`false`, or a word for "don't know" and "not
    //! applicable".
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Response;

    impl Serialize for Response {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match *self {
                Response::Value(x) => serializer.serialize_f64(x),
                Response::Yes => serializer.serialize_bool(true),
                Response::No => serializer.serialize_bool(false),
                Response::DontKnow => serializer.serialize_str("dont_know"),
                Response::NotApplicable => serializer.serialize_str("not_applicable"),
            }
        }
    }

    struct ResponseVisitor;

    impl Visitor<'_> for ResponseVisitor {
        type Value = Response;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, true/false, \"dont_know\" or \"not_applicable\"")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Response, E> {
            Ok(Response::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Response, E> {
            Ok(Response::Value(v as f64))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Response, E> {
            Ok(Response::Value(v as f64))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Response, E> {
            Ok(Response::Value(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Response, E> {
            let word: String = v
                .trim()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '/')
                .flat_map(char::to_lowercase)
                .collect();
            match word.as_str() {
                "dontknow" | "dk" => Ok(Response::DontKnow),
                "notapplicable" | "na" | "n/a" => Ok(Response::NotApplicable),
                _ => Err(E::custom(format!(
                    "\"{}\" is not an answer; use a number, true/false, \"dont_know\" or \"not_applicable\"",
                    cocreate_input::clip(v, cocreate_input::MAX_NAME)
                ))),
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<Response, E> {
            Err(E::custom(
                "null is not an answer; leave the item out or write \"dont_know\"",
            ))
        }
    }

    impl<'de> Deserialize<'de> for Response {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(ResponseVisitor)
        }
    }
}
