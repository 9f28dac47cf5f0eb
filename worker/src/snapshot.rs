//! A board snapshot: everything the read API serves for one board, built from one upstream
//! refresh. Greenhouse shapes are mapped to ours here and nowhere else, and job HTML is
//! sanitised here, before anything is cached.

use crate::sanitize;
use serde::{Deserialize, Serialize};
use shared::api::{self, BoardInfo, BoardListing, JobDetail, JobSummary, MetadataField, MetadataValue, API_VERSION};
use shared::apply::{ApplyForm, Choice, Consent, Demographic, DemographicOption, DemographicQuestion, Field, FieldKind, Question};
use shared::greenhouse::job_board as gh;
use shared::jobs::{job_key, local_key, LocalFields, Overlay};
use std::collections::{BTreeMap, HashMap};

/// What one refresh produces, and what every cache layer stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub listing: BoardListing,
    /// Sanitised description per job id.
    pub content: HashMap<u64, String>,
    /// Milliseconds since the epoch when Greenhouse was read.
    pub fetched_at_ms: u64,
    /// Board job id → Greenhouse job id (`internal_job_id`), which keys local fields.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub internal: BTreeMap<u64, u64>,
    /// What the board's owners decided (import, local fields, local jobs), merged into what
    /// visitors get by [`Snapshot::view`]. Travels with the copy through every cache layer.
    #[serde(default, skip_serializing_if = "Overlay::is_unset")]
    pub overlay: Overlay,
}

/// The upstream responses one refresh gathers. Only the job list is required; departments,
/// offices and the board's name enrich it when Greenhouse returns them.
pub struct Upstream {
    pub jobs: gh::JobList,
    pub departments: Option<gh::DepartmentList>,
    pub offices: Option<gh::OfficeList>,
    pub board: Option<gh::Board>,
}

impl Snapshot {
    pub fn build(token: &str, up: Upstream, fetched_at_ms: u64) -> Self {
        Self::build_after(token, up, fetched_at_ms, None)
    }

    /// Builds a snapshot from a refresh. Where an optional part of it failed (departments,
    /// offices, the board's name), that part is taken from `previous`, the last good copy,
    /// rather than degraded to what the job list alone implies.
    pub fn build_after(token: &str, up: Upstream, fetched_at_ms: u64, previous: Option<&Snapshot>) -> Self {
        let mut departments: BTreeMap<u64, api::Department> = BTreeMap::new();
        let mut offices: BTreeMap<u64, api::Office> = BTreeMap::new();
        // The dedicated endpoints know the whole tree, including parents without jobs.
        match (up.departments, previous) {
            (Some(list), _) => gh::Department::flatten(list.departments).iter().for_each(|d| add_department(&mut departments, d)),
            (None, Some(p)) => departments.extend(p.listing.departments.iter().map(|d| (d.id, d.clone()))),
            (None, None) => {}
        }
        match (up.offices, previous) {
            (Some(list), _) => gh::Office::flatten(list.offices).iter().for_each(|o| add_office(&mut offices, o)),
            (None, Some(p)) => offices.extend(p.listing.offices.iter().map(|o| (o.id, o.clone()))),
            (None, None) => {}
        }

        let mut content = HashMap::new();
        let mut internal = BTreeMap::new();
        let mut company = None;
        let mut jobs = Vec::with_capacity(up.jobs.jobs.len());
        for job in up.jobs.jobs {
            for d in &job.departments {
                add_department(&mut departments, d);
            }
            for o in &job.offices {
                add_office(&mut offices, o);
            }
            if company.is_none() {
                company = job.company_name.clone().filter(|c| !c.trim().is_empty());
            }
            if let Some(j) = job.internal_job_id {
                internal.insert(job.id, j);
            }
            if let Some(html) = job.content.as_deref() {
                content.insert(job.id, sanitize::job_html(html));
            }
            jobs.push(summary(&job));
        }

        let name = up
            .board
            .map(|b| b.name)
            .filter(|n| !n.trim().is_empty())
            .or_else(|| previous.map(|p| p.listing.board.name.clone()))
            .or(company)
            .unwrap_or_else(|| token.to_string());
        Snapshot {
            listing: BoardListing {
                v: API_VERSION,
                board: BoardInfo { token: token.to_string(), name: name.trim().to_string(), hosted_url: api::hosted_board_url(token) },
                jobs,
                departments: departments.into_values().collect(),
                offices: offices.into_values().collect(),
            },
            content,
            fetched_at_ms,
            internal,
            overlay: previous.map(|p| p.overlay.clone()).unwrap_or_default(),
        }
    }

    /// The key of a board job's local fields.
    pub fn key_of(&self, id: u64) -> String {
        if id >= shared::jobs::LOCAL_ID_BASE {
            return local_key(id);
        }
        job_key(id, self.internal.get(&id).copied())
    }

    pub fn fields_of(&self, id: u64) -> Option<&LocalFields> {
        self.overlay.fields.get(&self.key_of(id))
    }

    /// What visitors get: Greenhouse's published jobs that are imported and not hidden, the
    /// host's own jobs, local fields merged, featured and positioned jobs first. `None` when
    /// nobody decided anything (the copy is its own view).
    pub fn view(&self) -> Option<Snapshot> {
        if self.overlay.is_empty() {
            return None;
        }
        let o = &self.overlay;
        let mut jobs: Vec<JobSummary> = Vec::with_capacity(self.listing.jobs.len() + o.local_jobs.len());
        let mut content = HashMap::with_capacity(self.content.len());
        let with_fields = |mut j: JobSummary, f: Option<&LocalFields>| {
            if let Some(f) = f {
                j.featured = f.featured;
                j.position = f.position;
                j.tags = f.tags.clone();
                j.apply_url = f.apply_url.clone();
            }
            j
        };
        for j in &self.listing.jobs {
            let f = self.fields_of(j.id);
            if o.shows(f) {
                if let Some(c) = self.content.get(&j.id) {
                    content.insert(j.id, c.clone());
                }
                jobs.push(with_fields(j.clone(), f));
            }
        }
        for l in &o.local_jobs {
            let f = o.fields.get(&local_key(l.id));
            if f.is_some_and(|f| f.hidden) {
                continue;
            }
            let j = JobSummary {
                id: l.id,
                title: l.title.clone(),
                location: l.location.clone(),
                department_ids: vec![],
                office_ids: vec![],
                requisition_id: None,
                updated_at: None,
                first_published: None,
                absolute_url: None,
                language: None,
                metadata: vec![],
                featured: false,
                position: None,
                tags: vec![],
                apply_url: None,
                application_deadline: None,
            };
            content.insert(l.id, l.description_html.clone());
            jobs.push(with_fields(j, f));
        }
        let position = |id: u64| self.fields_of(id).map(|f| (f.featured, f.position)).unwrap_or((false, None));
        shared::jobs::order(&mut jobs, |j| position(j.id));
        let mut listing = self.listing.clone();
        listing.jobs = jobs;
        Some(Snapshot { listing, content, fetched_at_ms: self.fetched_at_ms, internal: self.internal.clone(), overlay: self.overlay.clone() })
    }

    /// The Greenhouse job post a visitor job's applications go to: its linked post, else the
    /// job itself when it is a Greenhouse post; `None` for a local job nobody linked.
    pub fn apply_target(&self, id: u64) -> Option<u64> {
        match self.fields_of(id).and_then(|f| f.post_id) {
            // A linked post that has since left the board takes no applications.
            Some(post) => Some(post).filter(|p| self.listing.jobs.iter().any(|j| j.id == *p)),
            None if id < shared::jobs::LOCAL_ID_BASE => Some(id),
            None => None,
        }
    }

    pub fn detail(&self, job_id: u64) -> Option<JobDetail> {
        let job = self.listing.jobs.iter().find(|j| j.id == job_id)?;
        let departments = self.listing.departments.iter().filter(|d| job.department_ids.contains(&d.id)).cloned().collect();
        let offices = self.listing.offices.iter().filter(|o| job.office_ids.contains(&o.id)).cloned().collect();
        Some(JobDetail {
            v: API_VERSION,
            board: self.listing.board.clone(),
            job: job.clone(),
            content_html: self.content.get(&job_id).cloned().unwrap_or_default(),
            intro_html: self.fields_of(job_id).map(|f| f.intro_html.clone()).unwrap_or_default(),
            departments,
            offices,
            pay_ranges: vec![],
            form: None,
        })
    }
}

/// The application form of a job fetched with `questions=true`: our model of its questions,
/// EEOC and demographic sections, and GDPR consents. Fields of unknown types are dropped.
pub fn apply_form(job: &gh::Job) -> ApplyForm {
    fn question(q: &gh::Question) -> Option<Question> {
        let fields: Vec<Field> = q
            .fields
            .iter()
            .filter_map(|f| {
                let kind = FieldKind::from_greenhouse(&f.kind)?;
                let options = f
                    .values
                    .iter()
                    .filter_map(|v| {
                        let value = match &v.value {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => n.to_string(),
                            serde_json::Value::Bool(b) => b.to_string(),
                            _ => return None,
                        };
                        Some(Choice { value, label: v.label.trim().to_string() })
                    })
                    .collect();
                Some(Field { name: f.name.trim().to_string(), kind, options })
            })
            .filter(|f| !f.name.is_empty())
            .collect();
        (!fields.is_empty()).then(|| Question {
            label: q.label.trim().to_string(),
            required: q.required,
            description: q.description.as_deref().map(sanitize::job_html).filter(|d| !d.is_empty()),
            fields,
        })
    }
    let eeoc: Vec<&gh::Compliance> = job.compliance.iter().filter(|c| !c.questions.is_empty()).collect();
    let demographic = job.demographic_questions.as_ref().filter(|d| !d.questions.is_empty()).map(|d| Demographic {
        header: d.header.clone().filter(|h| !h.trim().is_empty()),
        description_html: d.description.as_deref().map(sanitize::job_html).filter(|h| !h.is_empty()),
        questions: d
            .questions
            .iter()
            .map(|q| DemographicQuestion {
                id: q.id,
                label: q.label.trim().to_string(),
                required: q.required,
                multi: q.kind == "multi_value_multi_select",
                options: q
                    .answer_options
                    .iter()
                    .map(|o| DemographicOption { id: o.id, label: o.label.trim().to_string(), free_form: o.free_form })
                    .collect(),
            })
            .collect(),
    });
    let mut consents = Vec::new();
    for dc in job.data_compliance.iter().filter(|d| d.kind == "gdpr") {
        let consent = |name: &str, required| Consent { name: name.into(), required, retention_days: dc.retention_period };
        if dc.requires_processing_consent || dc.requires_retention_consent {
            if dc.requires_processing_consent {
                consents.push(consent("gdpr_processing_consent_given", true));
            }
            if dc.requires_retention_consent {
                consents.push(consent("gdpr_retention_consent_given", true));
            }
        } else if dc.requires_consent {
            consents.push(consent("gdpr_consent_given", true));
        }
        if dc.demographic_data_consent_applies && demographic.is_some() {
            consents.push(consent("gdpr_demographic_data_consent_given", false));
        }
    }
    ApplyForm {
        questions: job.questions.iter().filter_map(question).collect(),
        location_questions: job.location_questions.iter().filter_map(question).collect(),
        compliance: eeoc.iter().flat_map(|c| c.questions.iter().filter_map(question)).collect(),
        compliance_html: eeoc.iter().find_map(|c| c.description.as_deref().map(sanitize::job_html)).filter(|h| !h.is_empty()),
        demographic,
        consents,
    }
}

/// Pay ranges from a job fetched with `pay_transparency=true`.
pub fn pay_ranges(job: &gh::Job) -> Vec<api::PayRange> {
    job.pay_input_ranges
        .iter()
        .map(|r| api::PayRange {
            title: r.title.clone().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
            min_cents: r.min_cents,
            max_cents: r.max_cents,
            currency: r.currency_type.clone().filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic())),
        })
        .collect()
}

/// What changed between two listings of a board: jobs added, updated (any visible field
/// or the description), removed.
pub fn diff(before: &Snapshot, after: &Snapshot) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    let old: HashMap<u64, &JobSummary> = before.listing.jobs.iter().map(|j| (j.id, j)).collect();
    let new: HashMap<u64, &JobSummary> = after.listing.jobs.iter().map(|j| (j.id, j)).collect();
    let mut added: Vec<u64> = new.keys().filter(|id| !old.contains_key(id)).copied().collect();
    let mut removed: Vec<u64> = old.keys().filter(|id| !new.contains_key(id)).copied().collect();
    let mut updated: Vec<u64> = new
        .iter()
        .filter(|(id, j)| old.get(id).is_some_and(|o| o != *j || before.content.get(id) != after.content.get(id)))
        .map(|(id, _)| *id)
        .collect();
    added.sort_unstable();
    removed.sort_unstable();
    updated.sort_unstable();
    (added, updated, removed)
}

/// Greenhouse's "No Department"/"No Office" pseudo-entries (id 0) are not real groups.
fn add_department(into: &mut BTreeMap<u64, api::Department>, d: &gh::Department) {
    if d.id == 0 {
        return;
    }
    let e = into.entry(d.id).or_insert_with(|| api::Department { id: d.id, name: d.name.trim().to_string(), parent_id: None, child_ids: vec![] });
    e.parent_id = e.parent_id.or(d.parent_id);
    for c in &d.child_ids {
        if !e.child_ids.contains(c) {
            e.child_ids.push(*c);
        }
    }
}

fn add_office(into: &mut BTreeMap<u64, api::Office>, o: &gh::Office) {
    if o.id == 0 {
        return;
    }
    let e = into.entry(o.id).or_insert_with(|| api::Office {
        id: o.id,
        name: o.name.trim().to_string(),
        location: None,
        parent_id: None,
        child_ids: vec![],
    });
    e.location = e.location.take().or_else(|| o.location.as_ref().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()));
    e.parent_id = e.parent_id.or(o.parent_id);
    for c in &o.child_ids {
        if !e.child_ids.contains(c) {
            e.child_ids.push(*c);
        }
    }
}

fn summary(job: &gh::Job) -> JobSummary {
    JobSummary {
        id: job.id,
        title: job.title.trim().to_string(),
        location: job.location.as_ref().and_then(|l| l.name.as_deref()).unwrap_or_default().trim().to_string(),
        department_ids: job.departments.iter().map(|d| d.id).filter(|id| *id != 0).collect(),
        office_ids: job.offices.iter().map(|o| o.id).filter(|id| *id != 0).collect(),
        requisition_id: job.requisition_id.clone().filter(|r| !r.trim().is_empty()),
        updated_at: job.updated_at.clone(),
        first_published: job.first_published.clone(),
        absolute_url: job.absolute_url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        language: job.language.clone(),
        metadata: job.metadata.iter().flatten().map(metadata).collect(),
        featured: false,
        position: None,
        tags: vec![],
        apply_url: None,
        application_deadline: job.application_deadline.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string),
    }
}

fn metadata(m: &gh::Metadata) -> MetadataField {
    use serde_json::Value;
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let value = match &m.value {
        Value::Bool(b) => MetadataValue::Bool(*b),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar).collect();
            if items.is_empty() {
                MetadataValue::Empty
            } else {
                MetadataValue::List(items)
            }
        }
        v => scalar(v).map(MetadataValue::Text).unwrap_or(MetadataValue::Empty),
    };
    MetadataField { name: m.name.trim().to_string(), value }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> gh::JobList {
        serde_json::from_str(json).expect("parses")
    }

    fn build(json: &str) -> Snapshot {
        Snapshot::build("t", Upstream { jobs: parse(json), departments: None, offices: None, board: None }, 0)
    }

    #[test]
    fn maps_a_documented_job_and_decodes_its_content() {
        let s = build(
            r#"{"jobs":[{"id":8556658002,"internal_job_id":null,"title":"Vault Designer ","updated_at":"2016-01-14T10:55:28-05:00",
            "requisition_id":50,"location":{"name":" NYC "},"absolute_url":"https://boards.greenhouse.io/vaulttec/jobs/127817",
            "language":"en","metadata":null,"content":"&lt;p&gt;Hi&lt;/p&gt;",
            "departments":[{"id":13583,"name":"Design","parent_id":null,"child_ids":[13585]}],
            "offices":[{"id":8787,"name":"New York City","location":"New York, NY","parent_id":8304,"child_ids":[]}]}],"meta":{"total":1}}"#,
        );
        let j = &s.listing.jobs[0];
        assert_eq!(j.id, 8556658002, "ids above 2^31 survive");
        assert_eq!(j.title, "Vault Designer");
        assert_eq!(j.location, "NYC");
        assert_eq!(j.requisition_id.as_deref(), Some("50"), "numeric requisition ids become text");
        assert_eq!(j.department_ids, vec![13583]);
        assert_eq!(s.content[&8556658002], "<p>Hi</p>");
        assert_eq!(s.listing.departments[0].child_ids, vec![13585]);
        assert_eq!(s.listing.offices[0].parent_id, Some(8304));
        assert_eq!(s.listing.board.name, "t", "falls back to the token when no name is known");
    }

    #[test]
    fn metadata_of_every_type_is_reduced_to_display_values() {
        let s = build(
            r#"{"jobs":[{"id":1,"title":"x","metadata":[
              {"id":1,"name":"Remote?","value":false,"value_type":"yes_no"},
              {"id":2,"name":"Workplace Type","value":"Remote","value_type":"single_select"},
              {"id":3,"name":"Budget","value":"0.0","value_type":"number"},
              {"id":4,"name":"Skills","value":["Rust", "Go"],"value_type":"multi_select"},
              {"id":5,"name":"Start","value":"","value_type":"date"},
              {"id":6,"name":"Level","value":null,"value_type":"single_select"},
              {"id":7,"name":"Tags","value":[],"value_type":"multi_select"}]}]}"#,
        );
        let values: Vec<&MetadataValue> = s.listing.jobs[0].metadata.iter().map(|m| &m.value).collect();
        assert_eq!(
            values,
            vec![
                &MetadataValue::Bool(false),
                &MetadataValue::Text("Remote".into()),
                &MetadataValue::Text("0.0".into()),
                &MetadataValue::List(vec!["Rust".into(), "Go".into()]),
                &MetadataValue::Empty,
                &MetadataValue::Empty,
                &MetadataValue::Empty,
            ]
        );
    }

    #[test]
    fn tree_endpoints_fill_in_parents_that_have_no_jobs() {
        let departments: gh::DepartmentList =
            serde_json::from_str(r#"{"departments":[{"id":1,"name":"Engineering","children":[{"id":2,"name":"Platform","children":[]}]}]}"#).unwrap();
        let jobs = parse(r#"{"jobs":[{"id":9,"title":"SRE","departments":[{"id":2,"name":"Platform","parent_id":1,"child_ids":[]}]}]}"#);
        let s = Snapshot::build("t", Upstream { jobs, departments: Some(departments), offices: None, board: None }, 0);
        let d: Vec<(u64, Option<u64>, Vec<u64>)> = s.listing.departments.iter().map(|d| (d.id, d.parent_id, d.child_ids.clone())).collect();
        assert_eq!(d, vec![(1, None, vec![2]), (2, Some(1), vec![])]);
    }

    #[test]
    fn pseudo_departments_and_unsafe_urls_are_dropped() {
        let s = build(r#"{"jobs":[{"id":1,"title":"x","absolute_url":"javascript:alert(1)","departments":[{"id":0,"name":"No Department"}]}]}"#);
        assert!(s.listing.departments.is_empty());
        assert!(s.listing.jobs[0].department_ids.is_empty());
        assert_eq!(s.listing.jobs[0].absolute_url, None);
    }

    #[test]
    fn questions_compliance_demographics_and_consents_map_to_our_form() {
        let job: gh::Job = serde_json::from_str(
            r#"{"id":1,"questions":[{"required":true,"label":"Resume","fields":[{"name":"resume","type":"input_file"},{"name":"resume_text","type":"textarea"}]},
                 {"required":false,"label":"Apples?","fields":[{"name":"question_2","type":"multi_value_single_select","values":[{"value":0,"label":"No"},{"value":"1","label":"Yes"}]}]},
                 {"required":null,"label":"Weird","fields":[{"name":"question_3","type":"mystery"}]}],
               "location_questions":null,
               "compliance":[{"type":"eeoc","description":"&lt;p&gt;EEO&lt;/p&gt;","questions":[{"label":"Veteran","required":false,"description":null,
                 "fields":[{"name":"veteran_status","type":"multi_value_single_select","values":[{"label":"Decline","value":"3"}]}]}]}],
               "demographic_questions":{"header":"D&I","description":"<p>Optional</p>","questions":[{"id":"5","label":"Pronouns","required":false,
                 "type":"multi_value_multi_select","answer_options":[{"id":50,"label":"Type","free_form":true}]}]},
               "data_compliance":[{"type":"gdpr","requires_consent":true,"requires_processing_consent":true,"requires_retention_consent":false,
                 "retention_period":365,"demographic_data_consent_applies":true}]}"#,
        )
        .unwrap();
        let f = apply_form(&job);
        assert_eq!(f.questions.len(), 2, "a question with only unknown field types is dropped");
        assert_eq!(f.questions[0].fields[1].kind, FieldKind::Textarea);
        let opts: Vec<(&str, &str)> = f.questions[1].fields[0].options.iter().map(|o| (o.value.as_str(), o.label.as_str())).collect();
        assert_eq!(opts, vec![("0", "No"), ("1", "Yes")], "numeric and string values alike");
        assert_eq!(f.compliance[0].fields[0].name, "veteran_status");
        assert_eq!(f.compliance_html.as_deref(), Some("<p>EEO</p>"));
        let d = f.demographic.unwrap();
        assert!(d.questions[0].multi && d.questions[0].options[0].free_form);
        let consents: Vec<(&str, bool)> = f.consents.iter().map(|c| (c.name.as_str(), c.required)).collect();
        assert_eq!(consents, vec![("gdpr_processing_consent_given", true), ("gdpr_demographic_data_consent_given", false)]);
    }

    #[test]
    fn a_partial_refresh_keeps_trees_and_name_from_the_last_good_copy() {
        let departments: gh::DepartmentList =
            serde_json::from_str(r#"{"departments":[{"id":1,"name":"Engineering","children":[{"id":2,"name":"Platform","children":[]}]}]}"#).unwrap();
        let offices: gh::OfficeList =
            serde_json::from_str(r#"{"offices":[{"id":7,"name":"Europe","children":[{"id":8,"name":"Berlin"}]}]}"#).unwrap();
        let jobs =
            || parse(r#"{"jobs":[{"id":9,"title":"SRE","company_name":"Acme Inc","departments":[{"id":2,"name":"Platform","parent_id":1}]}]}"#);
        let board = Some(gh::Board { name: "Acme".into(), content: None });
        let good = Snapshot::build("t", Upstream { jobs: jobs(), departments: Some(departments), offices: Some(offices), board }, 1);
        assert_eq!((good.listing.departments.len(), good.listing.offices.len(), good.listing.board.name.as_str()), (2, 2, "Acme"));

        let partial = Snapshot::build_after("t", Upstream { jobs: jobs(), departments: None, offices: None, board: None }, 2, Some(&good));
        assert_eq!(partial.listing.departments, good.listing.departments, "the parent without jobs is kept");
        assert_eq!(partial.listing.offices, good.listing.offices);
        assert_eq!(partial.listing.board.name, "Acme", "not the company name or the token");
        assert_eq!(partial.fetched_at_ms, 2);

        let cold = Snapshot::build_after("t", Upstream { jobs: jobs(), departments: None, offices: None, board: None }, 2, None);
        assert_eq!((cold.listing.departments.len(), cold.listing.offices.len(), cold.listing.board.name.as_str()), (1, 0, "Acme Inc"));

        // A successful part replaces the old one, even when it is now smaller.
        let empty: gh::DepartmentList = serde_json::from_str(r#"{"departments":[]}"#).unwrap();
        let next = Snapshot::build_after(
            "t",
            Upstream { jobs: parse(r#"{"jobs":[]}"#), departments: Some(empty), offices: None, board: None },
            3,
            Some(&good),
        );
        assert!(next.listing.departments.is_empty());
        assert_eq!(next.listing.offices, good.listing.offices);
    }

    #[test]
    fn diff_names_added_updated_and_removed_jobs() {
        let a = build(r#"{"jobs":[{"id":1,"title":"A"},{"id":2,"title":"B","content":"x"},{"id":3,"title":"C"}]}"#);
        let b = build(r#"{"jobs":[{"id":1,"title":"A"},{"id":2,"title":"B","content":"y"},{"id":4,"title":"D"}]}"#);
        assert_eq!(diff(&a, &b), (vec![4], vec![2], vec![3]));
        assert_eq!(diff(&a, &a), (vec![], vec![], vec![]));
    }

    #[test]
    fn pay_ranges_are_mapped_and_bad_currencies_dropped() {
        let job: gh::Job = serde_json::from_str(
            r#"{"id":1,"pay_input_ranges":[{"min_cents":"5000000","max_cents":7500000,"currency_type":"USD","title":" NYC "},
                                            {"min_cents":1,"max_cents":2,"currency_type":"<b>"}]}"#,
        )
        .unwrap();
        let p = pay_ranges(&job);
        assert_eq!(p[0].min_cents, Some(5_000_000), "string numbers accepted");
        assert_eq!(p[0].title.as_deref(), Some("NYC"));
        assert_eq!(p[1].currency, None);
    }

    #[test]
    fn detail_carries_the_jobs_own_departments_and_offices() {
        let s = build(
            r#"{"jobs":[{"id":1,"title":"a","content":"&lt;b&gt;x&lt;/b&gt;","departments":[{"id":5,"name":"D"}],"offices":[{"id":6,"name":"O"}]},
                        {"id":2,"title":"b","departments":[{"id":7,"name":"E"}]}]}"#,
        );
        let d = s.detail(1).unwrap();
        assert_eq!(d.content_html, "<b>x</b>");
        assert_eq!(d.departments.len(), 1);
        assert_eq!(d.offices.len(), 1);
        assert!(s.detail(3).is_none());
    }
}
