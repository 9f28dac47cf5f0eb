//! Our own wire format between the worker and the widget.
//!
//! Strict writers: every field is always present (empty lists, `null`), names never change
//! within a version, and `v` says which version a body speaks. Job HTML in these types has
//! already been entity-decoded and sanitised by the worker.

use serde::{Deserialize, Serialize};

/// Version of the read API. Bump it, and serve the old one beside it, on breaking changes.
pub const API_VERSION: u32 = 1;

/// `GET /api/v1/boards/{token}/jobs`: the whole board, without job descriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardListing {
    pub v: u32,
    pub board: BoardInfo,
    pub jobs: Vec<JobSummary>,
    pub departments: Vec<Department>,
    pub offices: Vec<Office>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardInfo {
    pub token: String,
    /// The organisation's name as Greenhouse shows it (falls back to the token).
    pub name: String,
    /// Where the board lives on Greenhouse: the fallback link when everything else fails.
    pub hosted_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: u64,
    pub title: String,
    /// The location text Greenhouse shows, trimmed; empty when Greenhouse sends none.
    pub location: String,
    pub department_ids: Vec<u64>,
    pub office_ids: Vec<u64>,
    pub requisition_id: Option<String>,
    pub updated_at: Option<String>,
    pub first_published: Option<String>,
    pub absolute_url: Option<String>,
    pub language: Option<String>,
    pub metadata: Vec<MetadataField>,
    /// An owner pinned it: shown first, with a badge. Local fields (see [`crate::jobs`]) are
    /// written only when set, so a board nobody edited costs no extra bytes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub featured: bool,
    /// An owner's display order: smaller first, before jobs without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// "Apply" leads here instead of the in-place form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_url: Option<String>,
    /// When applications close, as Greenhouse sends it (`application_deadline`); written
    /// only when the board has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_deadline: Option<String>,
}

/// A custom field, with its value reduced to display text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetadataField {
    pub name: String,
    pub value: MetadataValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum MetadataValue {
    Text(String),
    Bool(bool),
    List(Vec<String>),
    Empty,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub id: u64,
    pub name: String,
    pub parent_id: Option<u64>,
    pub child_ids: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    pub id: u64,
    pub name: String,
    pub location: Option<String>,
    pub parent_id: Option<u64>,
    pub child_ids: Vec<u64>,
}

/// `GET /api/v1/boards/{token}/jobs/{id}`: one job with its sanitised description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub v: u32,
    pub board: BoardInfo,
    pub job: JobSummary,
    /// Sanitised HTML, safe to assign to `innerHTML`.
    pub content_html: String,
    /// The host's own introduction above Greenhouse's description (sanitised HTML).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intro_html: String,
    pub departments: Vec<Department>,
    pub offices: Vec<Office>,
    pub pay_ranges: Vec<PayRange>,
    /// The application form, when Greenhouse could be asked for the job's questions.
    #[serde(default)]
    pub form: Option<crate::apply::ApplyForm>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayRange {
    pub title: Option<String>,
    pub min_cents: Option<u64>,
    pub max_cents: Option<u64>,
    pub currency: Option<String>,
}

/// `GET /api/v1/boards/{token}/departments` and `/offices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentList {
    pub v: u32,
    pub departments: Vec<Department>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeList {
    pub v: u32,
    pub offices: Vec<Office>,
}

/// The one error body every route answers with: `{"error":{"code":"…","message":"…"}}`,
/// plus `fields` when a form was invalid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorInfo,
    /// Per-field problems, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<crate::apply::FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Stable, machine-readable: `board_not_found`, `job_not_found`, `upstream_unavailable`,
    /// `bad_request`, `not_found`, `validation_failed`, `rate_limited`, `payload_too_large`,
    /// `application_rejected`, `not_configured`, `internal`.
    pub code: String,
    /// For people; may change wording between releases.
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { error: ErrorInfo { code: code.into(), message: message.into() }, fields: vec![] }
    }
}

/// A board token as Greenhouse allows them: ASCII letters, digits, `-` and `_`, 1–100 long.
pub fn valid_board_token(token: &str) -> bool {
    (1..=100).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Greenhouse's hosted board for a token: the link of last resort.
pub fn hosted_board_url(token: &str) -> String {
    format!("https://job-boards.greenhouse.io/{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_tokens_are_validated_before_they_reach_a_url() {
        assert!(valid_board_token("acme"));
        assert!(valid_board_token("acme-corp_2"));
        assert!(!valid_board_token(""));
        assert!(!valid_board_token("../admin"));
        assert!(!valid_board_token("a b"));
        assert!(!valid_board_token("acmé"));
        assert!(!valid_board_token(&"a".repeat(101)));
    }

    #[test]
    fn error_body_has_the_stable_shape() {
        let body = serde_json::to_value(ErrorBody::new("board_not_found", "No board")).unwrap();
        assert_eq!(body, serde_json::json!({"error": {"code": "board_not_found", "message": "No board"}}));
    }

    #[test]
    fn metadata_values_round_trip_with_a_type_tag() {
        let v = MetadataValue::List(vec!["a".into()]);
        let s = serde_json::to_string(&v).unwrap();
        assert_eq!(s, r#"{"type":"list","value":["a"]}"#);
        assert_eq!(serde_json::from_str::<MetadataValue>(&s).unwrap(), v);
        assert_eq!(serde_json::to_string(&MetadataValue::Empty).unwrap(), r#"{"type":"empty"}"#);
    }
}
