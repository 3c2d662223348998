//! JSON details: answers as numbers, booleans or words, answer maps read in order and
//! without dropping a repeated item, and how error messages name the entries of lists.

#[cfg(feature = "serde")]
use std::fmt;

#[cfg(feature = "serde")]
use serde::de::{self, MapAccess, Visitor};
#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::answers::Response;

/// How error messages name the entries of a model's lists.
#[cfg(feature = "serde")]
pub(crate) const MODEL_NOUNS: cocreate_input::Nouns<'static> = &[
    ("competencies", "competency"),
    ("items", "item"),
    ("stages", "stage"),
];

/// How error messages name the entries of the answers' lists.
#[cfg(feature = "serde")]
pub(crate) const ANSWER_NOUNS: cocreate_input::Nouns<'static> = &[("respondents", "respondent")];

#[cfg(feature = "serde")]
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

#[cfg(feature = "serde")]
struct ResponseVisitor;

#[cfg(feature = "serde")]
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
                "\"{v}\" is not an answer; use a number, true/false, \"dont_know\" or \"not_applicable\""
            ))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Response, E> {
        Err(E::custom(
            "null is not an answer; leave the item out or write \"dont_know\"",
        ))
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ResponseVisitor)
    }
}

/// Answers by item id as a JSON object, read in order and without dropping an item that
/// appears twice (the sheet builder rejects it with a clear error instead).
#[cfg(feature = "serde")]
pub(crate) mod answer_map {
    use super::*;
    use serde::ser::SerializeMap;

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
