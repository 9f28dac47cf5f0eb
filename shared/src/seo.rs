//! schema.org `JobPosting` structured data for one job, from our own types. The widget puts
//! it in the host page's head on a job's detail view; the worker's crawlable pages embed it.
//! Google requires title, description, datePosted, hiringOrganization and jobLocation (or
//! `jobLocationType: TELECOMMUTE` with `applicantLocationRequirements`).

use crate::api::JobDetail;
use crate::board::{fold, workplace_of};
use serde::Serialize;

/// A schema.org `JobPosting`. Typed rather than built from JSON values so the widget can
/// serialise it through the browser's own JSON (no serde_json in the visitor bundle).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobPosting {
    #[serde(rename = "@context")]
    pub context: &'static str,
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_posted: Option<String>,
    pub hiring_organization: Typed<Named>,
    pub identifier: Typed<PropertyValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_location_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant_location_requirements: Option<Typed<Named>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub job_location: Vec<Typed<Place>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_salary: Option<Typed<MonetaryAmount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub direct_apply: bool,
}

/// A schema.org object: its `@type` and its fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Typed<T> {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub fields: T,
}

fn typed<T>(kind: &'static str, fields: T) -> Typed<T> {
    Typed { kind, fields }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Named {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub address: Typed<Locality>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Locality {
    pub address_locality: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonetaryAmount {
    pub currency: String,
    pub value: Typed<QuantitativeValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantitativeValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<u64>,
    pub unit_text: &'static str,
}

/// Whether a job is fully remote: its workplace type says so, or its location does.
pub fn is_remote(detail: &JobDetail) -> bool {
    workplace_of(&detail.job).is_some_and(|w| fold(&w) == "remote") || fold(&detail.job.location).starts_with("remote")
}

/// The `JobPosting` for a job. `url` is the page that shows it; `direct_apply` says whether
/// a visitor can apply right there.
pub fn job_posting(detail: &JobDetail, url: Option<&str>, direct_apply: bool) -> JobPosting {
    let job = &detail.job;
    let mut names: Vec<String> = detail.offices.iter().map(|o| o.location.clone().unwrap_or_else(|| o.name.clone())).collect();
    if names.is_empty() && !job.location.is_empty() {
        names.push(job.location.clone());
    }
    let job_location = names
        .into_iter()
        .filter(|n| !fold(n).starts_with("remote"))
        .map(|n| typed("Place", Place { address: typed("PostalAddress", Locality { address_locality: n }) }))
        .collect();
    let remote = is_remote(detail);
    let region = job.location.trim().trim_start_matches(|c: char| c.is_alphabetic() || c == ' ').trim_start_matches(['-', '–', ' ', ',', '(']);
    let region = region.trim_end_matches(')');
    let base_salary = detail.pay_ranges.iter().find(|r| r.currency.is_some() && (r.min_cents.is_some() || r.max_cents.is_some())).map(|r| {
        typed(
            "MonetaryAmount",
            MonetaryAmount {
                currency: r.currency.clone().unwrap_or_default(),
                value: typed(
                    "QuantitativeValue",
                    QuantitativeValue { min_value: r.min_cents.map(|c| c / 100), max_value: r.max_cents.map(|c| c / 100), unit_text: "YEAR" },
                ),
            },
        )
    });
    JobPosting {
        context: "https://schema.org/",
        kind: "JobPosting",
        title: job.title.clone(),
        description: detail.content_html.clone(),
        date_posted: job.first_published.clone().or_else(|| job.updated_at.clone()),
        hiring_organization: typed("Organization", Named { name: detail.board.name.clone() }),
        identifier: typed("PropertyValue", PropertyValue { name: detail.board.name.clone(), value: job.id.to_string() }),
        job_location_type: remote.then_some("TELECOMMUTE"),
        applicant_location_requirements: remote
            .then(|| typed("AdministrativeArea", Named { name: if region.is_empty() { "Worldwide".into() } else { region.to_string() } })),
        job_location,
        base_salary,
        url: url.map(str::to_string),
        direct_apply,
    }
}

/// Makes serialised JSON safe inside `<script type="application/ld+json">`: `<` is escaped
/// so no job text can close the script element.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{BoardInfo, JobSummary, MetadataField, MetadataValue, Office, PayRange, API_VERSION};
    use serde_json::Value;

    fn json(p: &JobPosting) -> Value {
        serde_json::to_value(p).unwrap()
    }

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
                featured: false,
                position: None,
                tags: vec![],
                apply_url: None,
            },
            content_html: "<p>Build </script> things</p>".into(),
            intro_html: String::new(),
            departments: vec![],
            offices,
            pay_ranges: vec![PayRange { title: None, min_cents: Some(12_000_000), max_cents: Some(16_000_000), currency: Some("USD".into()) }],
            form: None,
        }
    }

    #[test]
    fn an_onsite_job_has_every_required_property() {
        let office = Office { id: 1, name: "Berlin".into(), location: Some("Berlin, Germany".into()), parent_id: None, child_ids: vec![] };
        let p = json(&job_posting(&detail("Berlin, Germany", "On-site", vec![office]), Some("https://acme.example/jobs?gh_jid=4100000002"), true));
        for key in ["title", "description", "datePosted", "hiringOrganization", "jobLocation", "identifier", "baseSalary", "directApply"] {
            assert!(p.get(key).is_some(), "{key} missing: {p}");
        }
        assert_eq!(p["datePosted"], "2026-10-01T08:00:00-04:00", "first_published wins over updated_at");
        assert_eq!(p["@type"], "JobPosting");
        assert_eq!(p["hiringOrganization"]["@type"], "Organization");
        assert_eq!(p["jobLocation"][0]["address"]["addressLocality"], "Berlin, Germany");
        assert_eq!(p["jobLocation"][0]["address"]["@type"], "PostalAddress");
        assert_eq!(p["baseSalary"]["value"]["minValue"], 120000);
        assert_eq!(p["identifier"]["value"], "4100000002");
        assert!(p.get("jobLocationType").is_none());
    }

    #[test]
    fn a_remote_job_is_telecommute_with_a_region() {
        let p = json(&job_posting(&detail("Remote - Europe", "Remote", vec![]), None, false));
        assert_eq!(p["jobLocationType"], "TELECOMMUTE");
        assert_eq!(p["applicantLocationRequirements"]["name"], "Europe");
        assert!(p.get("jobLocation").is_none(), "no street address for a remote job");
    }

    #[test]
    fn json_ld_cannot_break_out_of_its_script_element() {
        let text = script_safe(&serde_json::to_string(&job_posting(&detail("Berlin", "Hybrid", vec![]), None, true)).unwrap());
        assert!(!text.contains("</script"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["description"], "<p>Build </script> things</p>");
    }
}
