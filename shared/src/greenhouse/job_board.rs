//! The public Job Board API (`boards-api.greenhouse.io/v1/boards/{token}/...`).
//!
//! Every field that a real capture has ever lacked or nulled is optional or defaulted.

use super::lenient::{lenient_id, lenient_opt_id, lenient_opt_string};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `GET /v1/boards/{token}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Board {
    #[serde(default)]
    pub name: String,
    /// Entity-escaped HTML, like job content.
    #[serde(default)]
    pub content: Option<String>,
}

/// `GET /v1/boards/{token}/jobs[?content=true]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    #[serde(default)]
    pub jobs: Vec<Job>,
    #[serde(default)]
    pub meta: Option<ListMeta>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListMeta {
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub total: Option<u64>,
}

/// One job post, as in the list (`content=true` adds content, departments, offices) or as
/// `GET /v1/boards/{token}/jobs/{id}` (which may add questions and pay ranges).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    /// Null for prospect posts.
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub internal_job_id: Option<u64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Undocumented but present on modern boards; the best `datePosted`.
    #[serde(default)]
    pub first_published: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub requisition_id: Option<String>,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub absolute_url: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    /// Undocumented, on modern boards: when applications close (mostly `null`).
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub application_deadline: Option<String>,
    /// `null` when the board exposes no custom fields.
    #[serde(default)]
    pub metadata: Option<Vec<Metadata>>,
    /// Entity-escaped HTML (`&lt;p&gt;`): decode, then sanitise, before rendering.
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub offices: Vec<Office>,
    #[serde(default)]
    pub pay_input_ranges: Vec<PayRange>,
    /// Application questions (`questions=true`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub questions: Vec<Question>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub location_questions: Vec<Question>,
    /// EEOC sections (undocumented shape, seen in public fixtures; often null).
    #[serde(default, deserialize_with = "null_as_default")]
    pub compliance: Vec<Compliance>,
    #[serde(default)]
    pub demographic_questions: Option<DemographicQuestions>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub data_compliance: Vec<DataCompliance>,
}

fn null_as_default<'de, D: serde::Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Question {
    #[serde(default, deserialize_with = "null_as_default")]
    pub required: bool,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<QuestionField>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionField {
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub values: Vec<QuestionValue>,
}

/// A select option; `value` is a number on some boards and a string on others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionValue {
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Compliance {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DemographicQuestions {
    #[serde(default)]
    pub header: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub questions: Vec<DemographicQuestion>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DemographicQuestion {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default)]
    pub label: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub required: bool,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub answer_options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default)]
    pub label: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub free_form: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataCompliance {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_consent: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_processing_consent: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_retention_consent: bool,
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub retention_period: Option<u64>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub demographic_data_consent_applies: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub name: Option<String>,
}

/// A custom field exposed on the board. `value` is polymorphic (bool, string, number as a
/// string, list, null) and is kept as it came.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub id: Option<u64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub value_type: Option<String>,
}

/// A department as embedded in a job or listed by `/departments` (list form, or tree form
/// with `children`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Department {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub parent_id: Option<u64>,
    #[serde(default)]
    pub child_ids: Vec<u64>,
    #[serde(default)]
    pub children: Vec<Department>,
    #[serde(default)]
    pub jobs: Vec<JobStub>,
}

/// An office as embedded in a job or listed by `/offices`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Office {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default)]
    pub name: String,
    /// Often null on real boards.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub parent_id: Option<u64>,
    #[serde(default)]
    pub child_ids: Vec<u64>,
    #[serde(default)]
    pub children: Vec<Office>,
    #[serde(default)]
    pub departments: Vec<Department>,
}

/// The job stubs nested inside `/departments` and `/offices`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobStub {
    #[serde(deserialize_with = "lenient_id")]
    pub id: u64,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DepartmentList {
    #[serde(default)]
    pub departments: Vec<Department>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OfficeList {
    #[serde(default)]
    pub offices: Vec<Office>,
}

/// `pay_input_ranges[]` from `pay_transparency=true`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PayRange {
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub min_cents: Option<u64>,
    #[serde(default, deserialize_with = "lenient_opt_id")]
    pub max_cents: Option<u64>,
    #[serde(default)]
    pub currency_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub blurb: Option<String>,
}

impl Department {
    /// Flattens a tree-form list (`render_as=tree`) into list form with parent/child ids.
    pub fn flatten(list: Vec<Department>) -> Vec<Department> {
        fn walk(d: Department, parent: Option<u64>, out: &mut Vec<Department>) {
            let Department { id, name, parent_id, mut child_ids, children, jobs } = d;
            for c in &children {
                if !child_ids.contains(&c.id) {
                    child_ids.push(c.id);
                }
            }
            out.push(Department { id, name, parent_id: parent_id.or(parent), child_ids, children: vec![], jobs });
            for c in children {
                walk(c, Some(id), out);
            }
        }
        let mut out = Vec::new();
        for d in list {
            walk(d, None, &mut out);
        }
        out
    }
}

impl Office {
    /// Flattens a tree-form list (`render_as=tree`) into list form with parent/child ids.
    pub fn flatten(list: Vec<Office>) -> Vec<Office> {
        fn walk(o: Office, parent: Option<u64>, out: &mut Vec<Office>) {
            let Office { id, name, location, parent_id, mut child_ids, children, departments } = o;
            for c in &children {
                if !child_ids.contains(&c.id) {
                    child_ids.push(c.id);
                }
            }
            out.push(Office { id, name, location, parent_id: parent_id.or(parent), child_ids, children: vec![], departments });
            for c in children {
                walk(c, Some(id), out);
            }
        }
        let mut out = Vec::new();
        for o in list {
            walk(o, None, &mut out);
        }
        out
    }
}
