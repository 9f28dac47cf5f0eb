//! Turning a validated submission into Greenhouse's application body, and reading
//! Greenhouse's answer. Pure functions: the route and the outbox do the I/O.

use serde_json::{json, Map, Value};
use shared::apply::{demographic_field, demographic_text_field, ApplyForm, Choice, Field, FieldKind, Question, Submission};

/// The form used when Greenhouse cannot be asked for the job's questions right now: the
/// fields every Greenhouse application has.
pub fn fallback_form() -> ApplyForm {
    let q = |label: &str, required, fields: &[(&str, FieldKind)]| Question {
        label: label.into(),
        required,
        description: None,
        fields: fields.iter().map(|(n, k)| Field { name: (*n).into(), kind: *k, options: Vec::<Choice>::new() }).collect(),
    };
    ApplyForm {
        questions: vec![
            q("First Name", true, &[("first_name", FieldKind::Text)]),
            q("Last Name", true, &[("last_name", FieldKind::Text)]),
            q("Email", true, &[("email", FieldKind::Text)]),
            q("Phone", false, &[("phone", FieldKind::Text)]),
            q("Resume/CV", true, &[("resume", FieldKind::File), ("resume_text", FieldKind::Textarea)]),
            q("Cover Letter", false, &[("cover_letter", FieldKind::File), ("cover_letter_text", FieldKind::Textarea)]),
        ],
        location_questions: vec![],
        compliance: vec![],
        compliance_html: None,
        demographic: None,
        consents: vec![],
    }
}

/// Every field name a form may read from a request (its fields, consents, demographic
/// answers), so nothing else is ever read or forwarded.
pub fn field_names(form: &ApplyForm) -> Vec<String> {
    let mut names: Vec<String> = form.all_questions().flat_map(|q| q.fields.iter().map(|f| f.name.clone())).collect();
    names.extend(form.consents.iter().map(|c| c.name.clone()));
    for q in form.demographic.iter().flat_map(|d| &d.questions) {
        names.push(demographic_field(q.id));
        names.extend(q.options.iter().filter(|o| o.free_form).map(|o| demographic_text_field(q.id, o.id)));
    }
    names
}

/// A `gh_src` value as Greenhouse's source tokens look: short, URL-safe.
pub fn source_token(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 100 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
        .map(str::to_string)
}

fn choice_value(v: &str) -> Value {
    v.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(v))
}

/// Greenhouse's JSON application body, without file contents (added at send time from the
/// outbox). Only fields the form knows are included.
pub fn greenhouse_body(form: &ApplyForm, s: &Submission, source: Option<&str>, applicant_ip: Option<&str>) -> Map<String, Value> {
    let mut body = Map::new();
    for f in form.all_questions().flat_map(|q| &q.fields) {
        match f.kind {
            FieldKind::File => {}
            FieldKind::MultiSelect => {
                let values: Vec<Value> = s.all(&f.name).filter(|v| !v.is_empty()).map(choice_value).collect();
                if !values.is_empty() {
                    body.insert(f.name.clone(), Value::Array(values));
                }
            }
            FieldKind::SingleSelect => {
                if let Some(v) = s.first(&f.name) {
                    body.insert(f.name.clone(), choice_value(v));
                }
            }
            _ => {
                if let Some(v) = s.first(&f.name) {
                    body.insert(f.name.clone(), Value::from(v));
                }
            }
        }
    }
    let consents: Map<String, Value> = form.consents.iter().map(|c| (c.name.clone(), Value::Bool(s.first(&c.name) == Some("true")))).collect();
    if !consents.is_empty() {
        body.insert("data_compliance".into(), Value::Object(consents));
    }
    let answers: Vec<Value> = form
        .demographic
        .iter()
        .flat_map(|d| &d.questions)
        .filter_map(|q| {
            let options: Vec<Value> = s
                .all(&demographic_field(q.id))
                .filter_map(|v| q.options.iter().find(|o| o.id.to_string() == v))
                .map(|o| match s.first(&demographic_text_field(q.id, o.id)).filter(|_| o.free_form) {
                    Some(text) => json!({"answer_option_id": o.id, "text": text}),
                    None => json!({"answer_option_id": o.id}),
                })
                .collect();
            (!options.is_empty()).then(|| json!({"question_id": q.id, "answer_options": options}))
        })
        .collect();
    if !answers.is_empty() {
        body.insert("demographic_answers".into(), Value::Array(answers));
    }
    if let Some(src) = source_token(source) {
        body.insert("mapped_url_token".into(), Value::from(src));
    }
    if let Some(ip) = applicant_ip.filter(|ip| ip.parse::<std::net::IpAddr>().is_ok()) {
        body.insert("applicant_ip".into(), Value::from(ip));
    }
    body
}

/// What Greenhouse's answer to an application means for us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Greenhouse refused the application itself (job not live, validation): final.
    Rejected(String),
    /// Greenhouse refused our Job Board key (401/403, or an error about credentials): an
    /// operator problem. The application waits until the key is fixed.
    KeyRefused(String),
    /// A passing failure (5xx, 429): keep it and try again later.
    Retry(String),
}

/// Whether a Greenhouse error text is about our credentials rather than the application.
pub fn about_credentials(reason: &str) -> bool {
    // Phrases, not fragments: "authorized to work" is a question, not a key problem.
    let r = reason.to_ascii_lowercase();
    ["basic auth", "credential", "api key", "unauthorized", "unauthorised", "forbidden", "access denied", "authentication"]
        .iter()
        .any(|w| r.contains(w))
}

/// What a candidate may be told of a refusal: Greenhouse's reason, unless it is about our
/// credentials (that is ours to fix, not theirs to read).
pub fn public_reason(reason: &str) -> String {
    if about_credentials(reason) {
        "the job board is not set up to take applications right now".into()
    } else {
        reason.chars().take(300).collect()
    }
}

/// Greenhouse answers some failures with HTTP 200 and an `error` body, so both the status
/// and the body decide.
pub fn outcome(status: u16, body: &str) -> Outcome {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let error = parsed.as_ref().and_then(|v| {
        let e = v.get("error")?;
        let reason = v.get("reason").and_then(Value::as_str).map(str::to_string);
        Some(reason.unwrap_or_else(|| e.as_str().map(str::to_string).unwrap_or_else(|| e.to_string())))
    });
    match status {
        // Only an answer we can read counts as delivered: a 2xx that is not Greenhouse's
        // JSON (a proxy's page, a truncated body) may not have reached it, so it is tried
        // again (at least once, never lost).
        200..=299 if !parsed.as_ref().is_some_and(Value::is_object) => Outcome::Retry(format!("HTTP {status} with an unreadable answer")),
        200..=299 => match error {
            Some(reason) if about_credentials(&reason) => Outcome::KeyRefused(reason),
            Some(reason) => Outcome::Rejected(reason),
            None => Outcome::Delivered,
        },
        401 | 403 => Outcome::KeyRefused(error.unwrap_or_else(|| format!("HTTP {status}"))),
        408 | 429 | 500..=599 => Outcome::Retry(format!("HTTP {status}")),
        _ => match error {
            Some(reason) if about_credentials(&reason) => Outcome::KeyRefused(reason),
            other => Outcome::Rejected(other.unwrap_or_else(|| format!("HTTP {status}"))),
        },
    }
}

/// Seconds to wait before retry number `attempts` (1-based): doubling from `base`, at most 6 h.
pub fn backoff_secs(base: u64, attempts: u32) -> u64 {
    base.saturating_mul(1u64 << attempts.saturating_sub(1).min(20)).min(6 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::apply::{Consent, Demographic, DemographicOption, DemographicQuestion};

    fn form() -> ApplyForm {
        let mut f = fallback_form();
        f.questions.push(Question {
            label: "Langs".into(),
            required: false,
            description: None,
            fields: vec![Field {
                name: "question_9[]".into(),
                kind: FieldKind::MultiSelect,
                options: vec![Choice { value: "11".into(), label: "Rust".into() }, Choice { value: "12".into(), label: "Go".into() }],
            }],
        });
        f.consents.push(Consent { name: "gdpr_processing_consent_given".into(), required: true, retention_days: None });
        f.demographic = Some(Demographic {
            header: None,
            description_html: None,
            questions: vec![DemographicQuestion {
                id: 7,
                label: "Pronouns".into(),
                required: false,
                multi: true,
                options: vec![
                    DemographicOption { id: 70, label: "she".into(), free_form: false },
                    DemographicOption { id: 71, label: "type".into(), free_form: true },
                ],
            }],
        });
        f
    }

    #[test]
    fn the_body_carries_known_fields_only_with_the_right_types() {
        let s = Submission {
            values: [
                ("first_name", " Ada "),
                ("email", "ada@example.com"),
                ("question_9[]", "11"),
                ("question_9[]", "12"),
                ("gdpr_processing_consent_given", "true"),
                ("demographic_7", "71"),
                ("demographic_7_71", "they/them"),
                ("sneaky", "x"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            files: vec![],
        };
        let b = Value::Object(greenhouse_body(&form(), &s, Some("linkedin"), Some("203.0.113.47")));
        assert_eq!(b["first_name"], "Ada");
        assert_eq!(b["question_9[]"], json!([11, 12]));
        assert_eq!(b["data_compliance"], json!({"gdpr_processing_consent_given": true}));
        assert_eq!(b["demographic_answers"], json!([{"question_id": 7, "answer_options": [{"answer_option_id": 71, "text": "they/them"}]}]));
        assert_eq!(b["mapped_url_token"], "linkedin");
        assert_eq!(b["applicant_ip"], "203.0.113.47");
        assert!(b.get("sneaky").is_none());
        let b = greenhouse_body(&form(), &s, Some("<script>"), Some("not-an-ip"));
        assert!(!b.contains_key("mapped_url_token") && !b.contains_key("applicant_ip"));
    }

    #[test]
    fn success_needs_a_2xx_without_an_error_body() {
        assert_eq!(outcome(200, r#"{"success":"Candidate saved successfully"}"#), Outcome::Delivered);
        assert_eq!(
            outcome(200, r#"{"error":"Failed to save person","reason":"Job application not live"}"#),
            Outcome::Rejected("Job application not live".into())
        );
        // A refused key is ours to fix: the application waits, it is not refused.
        assert_eq!(
            outcome(401, r#"{"status":401,"error":"Invalid Basic Auth credentials"}"#),
            Outcome::KeyRefused("Invalid Basic Auth credentials".into())
        );
        assert_eq!(outcome(403, ""), Outcome::KeyRefused("HTTP 403".into()));
        assert_eq!(outcome(200, r#"{"error":"Unauthorized: API key revoked"}"#), Outcome::KeyRefused("Unauthorized: API key revoked".into()));
        assert_eq!(outcome(422, r#"{"error":"Email is invalid"}"#), Outcome::Rejected("Email is invalid".into()));
        assert_eq!(outcome(503, "<html>"), Outcome::Retry("HTTP 503".into()));
        // Found by the fault drill: a 2xx whose body is not Greenhouse's JSON was taken as
        // delivered, and the application was lost.
        assert!(matches!(outcome(200, "{\"jobs\": [{\"id\": "), Outcome::Retry(_)));
        assert!(matches!(outcome(200, "<html>ok</html>"), Outcome::Retry(_)));
        assert_eq!(outcome(429, ""), Outcome::Retry("HTTP 429".into()));
    }

    #[test]
    fn a_question_about_work_authorisation_is_not_a_key_problem() {
        assert!(!about_credentials("Are you authorized to work in the US? is required"));
        assert!(about_credentials("Invalid Basic Auth credentials"));
        assert!(about_credentials("Unauthorized"));
    }

    #[test]
    fn candidates_never_read_about_our_credentials() {
        assert_eq!(public_reason("Job application not live"), "Job application not live");
        let r = public_reason("Invalid Basic Auth credentials for key 0d03…");
        assert!(!r.contains("Basic") && !r.contains("0d03"), "{r}");
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(60, 1), 60);
        assert_eq!(backoff_secs(60, 3), 240);
        assert_eq!(backoff_secs(60, 40), 6 * 3600);
        assert_eq!(backoff_secs(0, 5), 0);
    }

    #[test]
    fn field_names_cover_consents_and_demographics() {
        let names = field_names(&form());
        for n in ["first_name", "resume", "question_9[]", "gdpr_processing_consent_given", "demographic_7", "demographic_7_71"] {
            assert!(names.contains(&n.to_string()), "{n}");
        }
        assert!(!names.contains(&"demographic_7_70".to_string()), "no text field for a fixed option");
    }
}
