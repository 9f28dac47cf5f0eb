//! Deserialisers for values Greenhouse sends in more than one JSON type.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An id that may arrive as a number or as a numeric string.
pub fn lenient_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    lenient_opt_id(d)?.ok_or_else(|| serde::de::Error::custom("missing id"))
}

/// An optional id that may arrive as a number, a numeric string, or null.
pub fn lenient_opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("id out of range: {n}"))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s.trim().parse::<u64>().map(Some).map_err(|_| serde::de::Error::custom(format!("id is not a number: {s:?}"))),
        other => Err(serde::de::Error::custom(format!("unexpected id value: {other}"))),
    }
}

/// A string field that some boards send as a number (requisition ids, for example).
pub fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}
