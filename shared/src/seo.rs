//! schema.org `JobPosting` structured data for one job, from our own types. The widget puts
//! it in the host page's head on a job's detail view; the worker's crawlable pages embed it.
//! Google requires title, description, datePosted, hiringOrganization and jobLocation (or
//! `jobLocationType: TELECOMMUTE` with `applicantLocationRequirements`).

use crate::api::JobDetail;
use crate::board::{fold, workplace_of};
use serde_json::{json, Map, Value};

/// Whether a job is fully remote: its workplace type says so, or its location does.
pub fn is_remote(detail: &JobDetail) -> bool {
    workplace_of(&detail.job).is_some_and(|w| fold(&w) == "remote") || fold(&detail.job.location).starts_with("remote")
}

/// The `JobPosting` for a job. `url` is the page that shows it; `direct_apply` says whether
/// a visitor can apply right there.
pub fn job_posting(detail: &JobDetail, url: Option<&str>, direct_apply: bool) -> Value {
    let job = &detail.job;
    let mut p = Map::new();
    p.insert("@context".into(), json!("https://schema.org/"));
    p.insert("@type".into(), json!("JobPosting"));
    p.insert("title".into(), json!(job.title));
    p.insert("description".into(), json!(detail.content_html));
    if let Some(date) = job.first_published.as_ref().or(job.updated_at.as_ref()) {
        p.insert("datePosted".into(), json!(date));
    }
    p.insert("hiringOrganization".into(), json!({"@type": "Organization", "name": detail.board.name}));
    p.insert("identifier".into(), json!({"@type": "PropertyValue", "name": detail.board.name, "value": job.id.to_string()}));
    let places: Vec<Value> = {
        let mut names: Vec<String> = detail.offices.iter().filter_map(|o| o.location.clone().or_else(|| Some(o.name.clone()))).collect();
        if names.is_empty() && !job.location.is_empty() {
            names.push(job.location.clone());
        }
        names
            .into_iter()
            .filter(|n| !fold(n).starts_with("remote"))
            .map(|n| json!({"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": n}}))
            .collect()
    };
    if is_remote(detail) {
        p.insert("jobLocationType".into(), json!("TELECOMMUTE"));
        let region = job.location.trim().trim_start_matches(|c: char| c.is_alphabetic() || c == ' ').trim_start_matches(['-', '–', ' ', ',', '(']).trim_end_matches(')');
        let region = if region.is_empty() { "Worldwide" } else { region };
        p.insert("applicantLocationRequirements".into(), json!({"@type": "AdministrativeArea", "name": region}));
    }
    if !places.is_empty() {
        p.insert("jobLocation".into(), if places.len() == 1 { places[0].clone() } else { Value::Array(places) });
    }
    if let Some(pay) = detail.pay_ranges.iter().find(|r| r.currency.is_some() && (r.min_cents.is_some() || r.max_cents.is_some())) {
        let mut value = Map::new();
        value.insert("@type".into(), json!("QuantitativeValue"));
        if let Some(min) = pay.min_cents {
            value.insert("minValue".into(), json!(min as f64 / 100.0));
        }
        if let Some(max) = pay.max_cents {
            value.insert("maxValue".into(), json!(max as f64 / 100.0));
        }
        value.insert("unitText".into(), json!("YEAR"));
        p.insert("baseSalary".into(), json!({"@type": "MonetaryAmount", "currency": pay.currency, "value": value}));
    }
    if let Some(u) = url {
        p.insert("url".into(), json!(u));
    }
    p.insert("directApply".into(), json!(direct_apply));
    Value::Object(p)
}

/// The JSON-LD text, safe to place inside `<script type="application/ld+json">`: `<` is
/// escaped so no job text can close the script element.
pub fn json_ld(posting: &Value) -> String {
    posting.to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BoardInfo, JobSummary, MetadataField, MetadataValue, Office, PayRange, API_VERSION};

    fn detail(location: &str, workplace: &str, offices: Vec<Office>) -> JobDetail {
        JobDetail {
            v: API_VERSION,
            board: BoardInfo { token: "acme".into(), name: "Acme".into(), hosted_url: String::new() },
            job: JobSummary {
                id: 4100000002,
                title: "Engineer".into(),
                location: location.into(),
                department_ids: vec![],
                office_ids: vec![],
                requisition_id: None,
                updated_at: Some("2026-11-01T09:30:00-05:00".into()),
                first_published: Some("2026-10-01T08:00:00-04:00".into()),
                absolute_url: None,
                language: None,
                metadata: vec![MetadataField { name: "Workplace Type".into(), value: MetadataValue::Text(workplace.into()) }],
            },
            content_html: "<p>Build </script> things</p>".into(),
            departments: vec![],
            offices,
            pay_ranges: vec![PayRange { title: None, min_cents: Some(12_000_000), max_cents: Some(16_000_000), currency: Some("USD".into()) }],
        }
    }

    #[test]
    fn an_onsite_job_has_every_required_property() {
        let office = Office { id: 1, name: "Berlin".into(), location: Some("Berlin, Germany".into()), parent_id: None, child_ids: vec![] };
        let p = job_posting(&detail("Berlin, Germany", "On-site", vec![office]), Some("https://acme.example/jobs?gh_jid=4100000002"), true);
        for key in ["title", "description", "datePosted", "hiringOrganization", "jobLocation", "identifier", "baseSalary", "directApply"] {
            assert!(p.get(key).is_some(), "{key} missing: {p}");
        }
        assert_eq!(p["datePosted"], "2026-10-01T08:00:00-04:00", "first_published wins over updated_at");
        assert_eq!(p["jobLocation"]["address"]["addressLocality"], "Berlin, Germany");
        assert_eq!(p["baseSalary"]["value"]["minValue"], 120000.0);
        assert_eq!(p["identifier"]["value"], "4100000002");
        assert!(p.get("jobLocationType").is_none());
    }

    #[test]
    fn a_remote_job_is_telecommute_with_a_region() {
        let p = job_posting(&detail("Remote - Europe", "Remote", vec![]), None, false);
        assert_eq!(p["jobLocationType"], "TELECOMMUTE");
        assert_eq!(p["applicantLocationRequirements"]["name"], "Europe");
        assert!(p.get("jobLocation").is_none(), "no street address for a remote job");
    }

    #[test]
    fn json_ld_cannot_break_out_of_its_script_element() {
        let text = json_ld(&job_posting(&detail("Berlin", "Hybrid", vec![]), None, true));
        assert!(!text.contains("</script"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["description"], "<p>Build </script> things</p>");
    }
}
