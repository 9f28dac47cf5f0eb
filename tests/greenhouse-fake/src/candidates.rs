//! The demo company's candidates, prospects, applications and attachments: one model that
//! Harvest v1 and v3, Candidate Ingestion and the application web hooks all show
//! ([`crate::candidate_api`] serves it).
//!
//! Seeded at start and at `/__fake/reset` (ids above 2^32, times before "now"):
//!
//! - [`APPLICANT_ID`]: [`APPLICANT_EMAIL`] (also [`APPLICANT_EMAIL_2`]), recruiter Dana Ruiz,
//!   coordinator Sam Okafor; one active application ([`APPLICANT_APPLICATION_ID`]) to
//!   [`APPLICANT_JOB_ID`] (an open job whose live post is on the demo board) at "Onsite
//!   Interview", with a resume and a cover letter;
//! - [`PROSPECT_ID`]: [`PROSPECT_EMAIL`], one prospect application ([`PROSPECT_APPLICATION_ID`])
//!   on [`PROSPECT_JOB_ID`], pool "Cold Outreach: Sourced", stage "Discussed", owner Dana Ruiz;
//! - [`HIRED_ID`]: [`HIRED_EMAIL`], hired on [`HIRED_JOB_ID`] by [`HIRED_APPLICATION_ID`], the
//!   application a hired opening of that job points at;
//! - [`REJECTED_ID`]: [`REJECTED_EMAIL`], rejected ("Lacking skill(s)/qualification(s)") on
//!   [`REJECTED_JOB_ID`] after "Phone Screen".
//!
//! Every job has the stages [`STAGES`]; a stage's id is [`stage_id`]. Harvest, Ingestion and
//! web hooks read the same records, so whatever one path creates the others find.
//!
//! **Asynchronous creation.** Greenhouse may answer a create before the record can be read:
//! a new candidate (with the applications made with it) or a new application is hidden from
//! the next [`People::async_reads`] reads that would have shown it (default
//! [`DEFAULT_ASYNC_READS`]; `0` = at once). A read is one request, whatever its route (a
//! retrieve, a list, a lookup by email or ids, Ingestion's lookup), that would have included
//! the record; each request counts once per hidden record.
//!
//! **Attachment URLs** point at the fake: `{base}/__fake/attachments/{id}?expires={unix
//! seconds}&sig={hex}`, `sig` = HMAC-SHA256 (hex) of `"{id}:{expires}"` with a key only the
//! fake knows, valid for [`People::attachment_ttl_secs`] (default 7 days, as Greenhouse's
//! signed S3 links) from the read that issued them.

use crate::model::{self, user_by_id, JobStatus, Model, USERS};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The seeded applicant: two emails, an active application, two attachments.
pub const APPLICANT_ID: u64 = 4_410_000_001;
pub const APPLICANT_EMAIL: &str = "applicant@northwind-candidates.example";
pub const APPLICANT_EMAIL_2: &str = "ada.personal@example.com";
pub const APPLICANT_APPLICATION_ID: u64 = 4_420_000_001;
/// "Senior Backend Engineer, Fleet API": open, its live post (`4100000002`) is on the demo board.
pub const APPLICANT_JOB_ID: u64 = 4_200_000_000;
pub const APPLICANT_RESUME_ID: u64 = 4_430_000_001;
pub const APPLICANT_COVER_LETTER_ID: u64 = 4_430_000_002;
/// The seeded prospect.
pub const PROSPECT_ID: u64 = 4_410_000_002;
pub const PROSPECT_EMAIL: &str = "prospect@northwind-candidates.example";
pub const PROSPECT_APPLICATION_ID: u64 = 4_420_000_002;
/// "Staff Platform Engineer".
pub const PROSPECT_JOB_ID: u64 = 4_200_000_001;
/// The seeded hire: the application a hired opening of [`HIRED_JOB_ID`] points at.
pub const HIRED_ID: u64 = 4_410_000_003;
pub const HIRED_EMAIL: &str = "hired@northwind-candidates.example";
pub const HIRED_APPLICATION_ID: u64 = model::APPLICATION_ID;
/// "Site Reliability Engineer": still open (one of its openings was filled).
pub const HIRED_JOB_ID: u64 = 4_200_000_002;
/// The seeded rejection.
pub const REJECTED_ID: u64 = 4_410_000_004;
pub const REJECTED_EMAIL: &str = "rejected@northwind-candidates.example";
pub const REJECTED_APPLICATION_ID: u64 = 4_420_000_004;
/// "Platform Engineer, Developer Experience".
pub const REJECTED_JOB_ID: u64 = 4_200_000_003;
/// The recruiter of the seeded candidates, and a user `On-Behalf-Of` accepts.
pub const RECRUITER_ID: u64 = 4101;
pub const COORDINATOR_ID: u64 = 4102;

/// First ids of what is created later (candidates, applications, attachments).
const NEXT_CANDIDATE: u64 = 4_410_000_101;
const NEXT_APPLICATION: u64 = 4_420_000_101;
const NEXT_ATTACHMENT: u64 = 4_430_000_101;

/// How many reads a new record stays hidden for, unless `POST /__fake/harvest/async` says otherwise.
pub const DEFAULT_ASYNC_READS: u32 = 2;
/// How long an attachment URL stays valid, unless `POST /__fake/attachments/ttl` says otherwise.
pub const DEFAULT_ATTACHMENT_TTL_SECS: u64 = 7 * 24 * 3600;
/// The key attachment URLs are signed with (the fake's own; nobody else needs it).
const ATTACHMENT_KEY: &str = "greenhouse-fake-attachment-signing-key";

/// Every job's interview plan, in order.
pub const STAGES: [&str; 4] = ["Application Review", "Phone Screen", "Onsite Interview", "Offer"];
const STAGE_ID: u64 = 4_450_000_000;

/// A prospect pool: (id, name, stages as (id, name)).
pub type Pool = (u64, &'static str, &'static [(u64, &'static str)]);

/// Prospect pools.
pub const PROSPECT_POOLS: &[Pool] = &[
    (
        4_440_000_001,
        "Cold Outreach: Sourced",
        &[(4_440_000_011, "Discussed"), (4_440_000_012, "Had email listed on their blog"), (4_440_000_013, "Contacted")],
    ),
    (4_440_000_002, "Cold Outreach: Referred", &[(4_440_000_021, "Not Contacted"), (4_440_000_022, "In Discussion")]),
];
/// Rejection reasons: (id, name, (type id, type name)).
pub const REJECTION_REASONS: &[(u64, &str, (u64, &str))] = &[
    (4_460_000_001, "Hired another candidate", (1, "We rejected them")),
    (4_460_000_002, "Lacking skill(s)/qualification(s)", (1, "We rejected them")),
    (4_460_000_003, "Candidate withdrew", (2, "They rejected us")),
];
/// The reason a rejection gets when none is named.
pub const DEFAULT_REJECTION_REASON: u64 = 4_460_000_002;
/// Sources: (id, public name).
pub const SOURCES: &[(u64, &str)] = &[
    (4_470_000_001, "Jobs page on your website"),
    (4_470_000_002, "LinkedIn (Prospecting)"),
    (4_470_000_003, "Referral"),
    (4_470_000_004, "Agency"),
];

/// The id of stage `k` (an index into [`STAGES`]) of a job; `None` for a job Harvest does not have.
pub fn stage_id(model: &Model, job_id: u64, k: usize) -> Option<u64> {
    let pos = model.jobs.iter().position(|j| j.id == job_id)?;
    (k < STAGES.len()).then(|| STAGE_ID + pos as u64 * 10 + k as u64 + 1)
}

/// (job id, stage index) of a stage id.
pub fn stage_of(model: &Model, id: u64) -> Option<(u64, usize)> {
    let rel = id.checked_sub(STAGE_ID + 1)?;
    let (pos, k) = ((rel / 10) as usize, (rel % 10) as usize);
    (k < STAGES.len()).then_some(())?;
    Some((model.jobs.get(pos)?.id, k))
}

/// The index in [`STAGES`] of a stage name (case-insensitive).
pub fn stage_index(name: &str) -> Option<usize> {
    STAGES.iter().position(|s| s.eq_ignore_ascii_case(name.trim()))
}

/// A prospect pool by id.
pub fn pool(id: u64) -> Option<Pool> {
    PROSPECT_POOLS.iter().find(|p| p.0 == id).copied()
}

/// The pool a prospect stage belongs to, and its name.
pub fn pool_stage(id: u64) -> Option<(u64, &'static str)> {
    PROSPECT_POOLS.iter().find_map(|p| p.2.iter().find(|s| s.0 == id).map(|s| (p.0, s.1)))
}

pub fn rejection_reason(id: u64) -> Option<(u64, &'static str, (u64, &'static str))> {
    REJECTION_REASONS.iter().find(|r| r.0 == id).copied()
}

pub fn source(id: u64) -> Option<(u64, &'static str)> {
    SOURCES.iter().find(|s| s.0 == id).copied()
}

/// An email, phone, address, website or social media entry: `{value, type}` (`type` absent
/// for social media).
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    pub value: String,
    pub kind: Option<String>,
}

impl Contact {
    pub fn new(value: &str, kind: Option<&str>) -> Self {
        Self { value: value.to_string(), kind: kind.map(str::to_string) }
    }

    fn json(&self) -> Value {
        match &self.kind {
            Some(k) => json!({"value": self.value, "type": k}),
            None => json!({"value": self.value}),
        }
    }
}

fn contacts(list: &[Contact]) -> Vec<Value> {
    list.iter().map(Contact::json).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Rejected,
    Hired,
    Converted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Hired => "hired",
            Self::Converted => "converted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" => Some(Self::Active),
            "rejected" => Some(Self::Rejected),
            "hired" => Some(Self::Hired),
            "converted" => Some(Self::Converted),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub last_activity: String,
    pub is_private: bool,
    pub emails: Vec<Contact>,
    pub phones: Vec<Contact>,
    pub addresses: Vec<Contact>,
    pub websites: Vec<Contact>,
    pub social: Vec<Contact>,
    pub recruiter: Option<u64>,
    pub coordinator: Option<u64>,
    pub tags: Vec<String>,
    /// Candidate Ingestion's partner id.
    pub external_id: Option<String>,
    /// Reads left before Harvest shows the record (asynchronous creation).
    pub hidden_reads: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Application {
    pub id: u64,
    pub candidate_id: u64,
    pub prospect: bool,
    pub applied_at: String,
    pub rejected_at: Option<String>,
    pub last_activity_at: String,
    pub updated_at: String,
    pub location: Option<String>,
    pub source: Option<u64>,
    pub credited_to: Option<u64>,
    pub recruiter: Option<u64>,
    pub coordinator: Option<u64>,
    pub rejection_reason: Option<u64>,
    /// Exactly one for a candidate application; none or more for a prospect.
    pub jobs: Vec<u64>,
    pub job_post_id: Option<u64>,
    pub status: Status,
    /// An index into [`STAGES`]; `None` for prospects.
    pub stage: Option<usize>,
    pub prospect_pool: Option<u64>,
    pub prospect_stage: Option<u64>,
    pub prospect_owner: Option<u64>,
    pub answers: Vec<(String, String)>,
    pub hidden_reads: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub id: u64,
    pub candidate_id: u64,
    pub application_id: Option<u64>,
    pub filename: String,
    /// resume, cover_letter, admin_only, offer_packet, …
    pub kind: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The URL it was created from (Greenhouse downloads it), if any.
    pub source_url: Option<String>,
    /// What fetching `source_url` gave: `"200"`, another status, or why it was not fetched.
    pub fetch: Option<String>,
    pub created_at: String,
}

/// What hid a record from a read: its candidate, or the application itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gate {
    Candidate(u64),
    Application(u64),
}

/// Every candidate-side record, plus the test knobs (`async_reads`, `attachment_ttl_secs`)
/// and what the creation routes received.
#[derive(Clone, Debug, Default)]
pub struct People {
    pub candidates: Vec<Candidate>,
    pub applications: Vec<Application>,
    pub attachments: Vec<Attachment>,
    /// `{"path", "method", "authorization", "on_behalf_of", "body", "status"}` per create request.
    pub received: Vec<Value>,
    pub async_reads: u32,
    pub attachment_ttl_secs: u64,
    next_candidate: u64,
    next_application: u64,
    next_attachment: u64,
}

/// A one-page PDF saying `text`: enough for a viewer, and for a test to compare bytes.
pub fn tiny_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({}) Tj ET", text.replace(['(', ')', '\\'], ""));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.into_bytes()
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    model::now_ms() / 1000
}

/// `sig` of an attachment URL.
pub fn attachment_sig(id: u64, expires: u64) -> String {
    crate::sign_webhook(ATTACHMENT_KEY, format!("{id}:{expires}").as_bytes())
}

impl People {
    /// The seeded people, on jobs of `model` (which must be the seeded model).
    pub fn seed(model: &Model) -> People {
        let c = |id: u64, first: &str, last: &str, emails: Vec<Contact>, created: &str, activity: &str| Candidate {
            id,
            first_name: first.into(),
            last_name: last.into(),
            company: None,
            title: None,
            created_at: created.into(),
            updated_at: activity.into(),
            last_activity: activity.into(),
            is_private: false,
            emails,
            phones: vec![],
            addresses: vec![],
            websites: vec![],
            social: vec![],
            recruiter: Some(RECRUITER_ID),
            coordinator: None,
            tags: vec![],
            external_id: None,
            hidden_reads: 0,
        };
        let a = |id: u64, candidate_id: u64, job: u64, applied: &str, activity: &str, stage: Option<usize>| Application {
            id,
            candidate_id,
            prospect: false,
            applied_at: applied.into(),
            rejected_at: None,
            last_activity_at: activity.into(),
            updated_at: activity.into(),
            location: None,
            source: Some(SOURCES[0].0),
            credited_to: None,
            recruiter: Some(RECRUITER_ID),
            coordinator: Some(COORDINATOR_ID),
            rejection_reason: None,
            jobs: vec![job],
            job_post_id: model.external_post_of(job),
            status: Status::Active,
            stage,
            prospect_pool: None,
            prospect_stage: None,
            prospect_owner: None,
            answers: vec![],
            hidden_reads: 0,
        };

        let applicant = Candidate {
            company: Some("Contoso Logistics".into()),
            title: Some("Backend Engineer".into()),
            phones: vec![Contact::new("+1 415 555 0134", Some("mobile")), Contact::new("+1 415 555 0199", Some("work"))],
            addresses: vec![Contact::new("500 Howard St\nSan Francisco, CA 94105", Some("home"))],
            websites: vec![Contact::new("https://ada.example.dev", Some("personal"))],
            social: vec![Contact::new("https://www.linkedin.com/in/ada-lindqvist-example", None)],
            coordinator: Some(COORDINATOR_ID),
            tags: vec!["Rust".into(), "Referral".into()],
            ..c(
                APPLICANT_ID,
                "Ada",
                "Lindqvist",
                vec![Contact::new(APPLICANT_EMAIL, Some("work")), Contact::new(APPLICANT_EMAIL_2, Some("personal"))],
                "2026-11-02T15:04:05.123Z",
                "2026-11-20T16:00:00.000Z",
            )
        };
        let applicant_app = Application {
            location: Some("San Francisco, California, United States".into()),
            credited_to: Some(4001),
            answers: vec![("LinkedIn Profile".into(), "https://www.linkedin.com/in/ada-lindqvist-example".into())],
            ..a(APPLICANT_APPLICATION_ID, APPLICANT_ID, APPLICANT_JOB_ID, "2026-11-02T15:04:05.456Z", "2026-11-20T16:00:00.000Z", Some(2))
        };

        let prospect = Candidate {
            company: Some("Fabrikam Robotics".into()),
            title: Some("Staff Engineer".into()),
            phones: vec![Contact::new("+44 20 7946 0321", Some("mobile"))],
            social: vec![Contact::new("https://github.com/pat-morgan-example", None)],
            tags: vec!["Sourced".into()],
            ..c(
                PROSPECT_ID,
                "Pat",
                "Morgan",
                vec![Contact::new(PROSPECT_EMAIL, Some("personal"))],
                "2026-11-05T10:00:00.000Z",
                "2026-11-18T09:30:00.000Z",
            )
        };
        let (pool_id, _, pool_stages) = PROSPECT_POOLS[0];
        let prospect_app = Application {
            prospect: true,
            source: Some(SOURCES[1].0),
            credited_to: Some(RECRUITER_ID),
            recruiter: None,
            coordinator: None,
            job_post_id: None,
            prospect_pool: Some(pool_id),
            prospect_stage: Some(pool_stages[0].0),
            prospect_owner: Some(RECRUITER_ID),
            ..a(PROSPECT_APPLICATION_ID, PROSPECT_ID, PROSPECT_JOB_ID, "2026-11-05T10:00:00.300Z", "2026-11-18T09:30:00.000Z", None)
        };

        let hired = Candidate {
            phones: vec![Contact::new("+49 30 901820", Some("home"))],
            ..c(HIRED_ID, "Hana", "Ito", vec![Contact::new(HIRED_EMAIL, Some("personal"))], "2026-09-08T08:15:00.000Z", "2026-10-02T16:00:00.000Z")
        };
        let hired_app = Application {
            status: Status::Hired,
            source: Some(SOURCES[3].0),
            ..a(HIRED_APPLICATION_ID, HIRED_ID, HIRED_JOB_ID, "2026-09-08T08:15:00.200Z", "2026-10-02T16:00:00.000Z", Some(3))
        };

        let rejected = c(
            REJECTED_ID,
            "Rory",
            "Fields",
            vec![Contact::new(REJECTED_EMAIL, Some("personal"))],
            "2026-10-14T13:20:00.000Z",
            "2026-11-12T11:00:00.000Z",
        );
        let rejected_app = Application {
            status: Status::Rejected,
            rejected_at: Some("2026-11-12T11:00:00.000Z".into()),
            rejection_reason: Some(DEFAULT_REJECTION_REASON),
            ..a(REJECTED_APPLICATION_ID, REJECTED_ID, REJECTED_JOB_ID, "2026-10-14T13:20:00.500Z", "2026-11-12T11:00:00.000Z", Some(1))
        };

        let attachment = |id: u64, filename: &str, kind: &str, text: &str| Attachment {
            id,
            candidate_id: APPLICANT_ID,
            application_id: Some(APPLICANT_APPLICATION_ID),
            filename: filename.into(),
            kind: kind.into(),
            content_type: "application/pdf".into(),
            bytes: tiny_pdf(text),
            source_url: None,
            fetch: None,
            created_at: "2026-11-02T15:04:06.000Z".into(),
        };
        People {
            candidates: vec![applicant, prospect, hired, rejected],
            applications: vec![applicant_app, prospect_app, hired_app, rejected_app],
            attachments: vec![
                attachment(APPLICANT_RESUME_ID, "Ada_Lindqvist_Resume.pdf", "resume", "Ada Lindqvist - Resume"),
                attachment(APPLICANT_COVER_LETTER_ID, "Ada_Lindqvist_Cover_Letter.pdf", "cover_letter", "Ada Lindqvist - Cover letter"),
            ],
            received: vec![],
            async_reads: DEFAULT_ASYNC_READS,
            attachment_ttl_secs: DEFAULT_ATTACHMENT_TTL_SECS,
            next_candidate: NEXT_CANDIDATE,
            next_application: NEXT_APPLICATION,
            next_attachment: NEXT_ATTACHMENT,
        }
    }

    pub fn candidate(&self, id: u64) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.id == id)
    }

    pub fn candidate_mut(&mut self, id: u64) -> Option<&mut Candidate> {
        self.candidates.iter_mut().find(|c| c.id == id)
    }

    pub fn application(&self, id: u64) -> Option<&Application> {
        self.applications.iter().find(|a| a.id == id)
    }

    pub fn applications_of(&self, candidate_id: u64) -> impl Iterator<Item = &Application> {
        self.applications.iter().filter(move |a| a.candidate_id == candidate_id)
    }

    pub fn new_candidate_id(&mut self) -> u64 {
        self.next_candidate += 1;
        self.next_candidate - 1
    }

    pub fn new_application_id(&mut self) -> u64 {
        self.next_application += 1;
        self.next_application - 1
    }

    pub fn new_attachment_id(&mut self) -> u64 {
        self.next_attachment += 1;
        self.next_attachment - 1
    }

    /// Whether a read may show the candidate; the gate that hides it otherwise.
    pub fn candidate_gate(&self, c: &Candidate) -> Option<Gate> {
        (c.hidden_reads > 0).then_some(Gate::Candidate(c.id))
    }

    /// Whether a read may show the application: hidden while its candidate is, or while it is itself.
    pub fn application_gate(&self, a: &Application) -> Option<Gate> {
        match self.candidate(a.candidate_id) {
            Some(c) if c.hidden_reads > 0 => Some(Gate::Candidate(c.id)),
            _ => (a.hidden_reads > 0).then_some(Gate::Application(a.id)),
        }
    }

    /// Counts one read against every gate that hid something from it.
    pub fn consume(&mut self, gates: BTreeSet<Gate>) {
        for g in gates {
            match g {
                Gate::Candidate(id) => {
                    if let Some(c) = self.candidates.iter_mut().find(|c| c.id == id) {
                        c.hidden_reads = c.hidden_reads.saturating_sub(1);
                    }
                }
                Gate::Application(id) => {
                    if let Some(a) = self.applications.iter_mut().find(|a| a.id == id) {
                        a.hidden_reads = a.hidden_reads.saturating_sub(1);
                    }
                }
            }
        }
    }

    /// Whether any of the candidate's emails is `email` (case-insensitive, exact otherwise).
    pub fn has_email(c: &Candidate, email: &str) -> bool {
        c.emails.iter().any(|e| e.value.trim().eq_ignore_ascii_case(email.trim()))
    }

    /// A fresh signed URL for an attachment, valid for the configured TTL.
    pub fn attachment_url(&self, base: &str, id: u64) -> String {
        let expires = now_secs() + self.attachment_ttl_secs;
        format!("{base}/__fake/attachments/{id}?expires={expires}&sig={}", attachment_sig(id, expires))
    }

    fn attachment_v1(&self, base: &str, a: &Attachment) -> Value {
        json!({"filename": a.filename, "url": self.attachment_url(base, a.id), "type": a.kind, "created_at": a.created_at})
    }

    /// The attachment as `POST /v1/candidates/{id}/attachments` answers it.
    pub fn attachment_created(&self, base: &str, a: &Attachment) -> Value {
        json!({"filename": a.filename, "url": self.attachment_url(base, a.id), "type": a.kind, "content_type": a.content_type})
    }

    pub fn attachment_v3(&self, base: &str, a: &Attachment) -> Value {
        json!({"id": a.id, "candidate_id": a.candidate_id, "application_id": a.application_id, "filename": a.filename,
               "type": a.kind, "content_type": a.content_type, "url": self.attachment_url(base, a.id),
               "created_at": a.created_at, "updated_at": a.created_at})
    }

    /// Harvest v1's application (B.6), embedded in candidates or on its own.
    pub fn application_v1(&self, model: &Model, base: &str, a: &Application) -> Value {
        let user = |id: Option<u64>| id.and_then(user_by_id).map(model::User::v1_short);
        let rejected = a.status == Status::Rejected;
        json!({
            "id": a.id, "candidate_id": a.candidate_id, "prospect": a.prospect,
            "applied_at": a.applied_at, "rejected_at": a.rejected_at, "last_activity_at": a.last_activity_at,
            "location": a.location.as_ref().map(|l| json!({"address": l})),
            "source": a.source.and_then(source).map(|(id, name)| json!({"id": id, "public_name": name})),
            "credited_to": user(a.credited_to), "recruiter": user(a.recruiter), "coordinator": user(a.coordinator),
            "rejection_reason": a.rejection_reason.and_then(rejection_reason)
                .map(|(id, name, (tid, tname))| json!({"id": id, "name": name, "type": {"id": tid, "name": tname}})),
            "rejection_details": rejected.then(|| json!({"custom_fields": {}, "keyed_custom_fields": {}})),
            "jobs": a.jobs.iter().map(|j| json!({"id": j, "name": model.job(*j).map(|j| j.name.clone())})).collect::<Vec<_>>(),
            "job_post_id": a.job_post_id, "status": a.status.as_str(),
            "current_stage": self.current_stage(model, a),
            "answers": a.answers.iter().map(|(q, ans)| json!({"question": q, "answer": ans})).collect::<Vec<_>>(),
            "prospective_office": null, "prospective_department": null,
            "prospect_detail": self.prospect_detail(a),
            "custom_fields": {}, "keyed_custom_fields": {},
            "attachments": self.attachments.iter().filter(|t| t.application_id == Some(a.id)).map(|t| self.attachment_v1(base, t)).collect::<Vec<_>>(),
        })
    }

    fn current_stage(&self, model: &Model, a: &Application) -> Value {
        match (a.stage, a.jobs.first()) {
            (Some(k), Some(job)) if !a.prospect => json!({"id": stage_id(model, *job, k), "name": STAGES[k]}),
            _ => Value::Null,
        }
    }

    fn prospect_detail(&self, a: &Application) -> Value {
        json!({
            "prospect_pool": a.prospect_pool.and_then(pool).map(|(id, name, _)| json!({"id": id, "name": name})),
            "prospect_stage": a.prospect_stage.and_then(|s| pool_stage(s).map(|(_, name)| json!({"id": s, "name": name}))),
            "prospect_owner": a.prospect_owner.and_then(user_by_id).map(|u| json!({"id": u.id, "name": u.name()})),
        })
    }

    /// Harvest v1's candidate (B.6) with the applications a read may show (the others' gates
    /// go to `gates`).
    pub fn candidate_v1(&self, model: &Model, base: &str, c: &Candidate, gates: &mut BTreeSet<Gate>) -> Value {
        let user = |id: Option<u64>| id.and_then(user_by_id).map(model::User::v1_short);
        let mut apps = Vec::new();
        for a in self.applications_of(c.id) {
            match self.application_gate(a) {
                Some(g) => {
                    gates.insert(g);
                }
                None => apps.push(a),
            }
        }
        json!({
            "id": c.id, "first_name": c.first_name, "last_name": c.last_name, "company": c.company, "title": c.title,
            "created_at": c.created_at, "updated_at": c.updated_at, "last_activity": c.last_activity,
            "is_private": c.is_private, "photo_url": null,
            "attachments": self.attachments.iter().filter(|t| t.candidate_id == c.id).map(|t| self.attachment_v1(base, t)).collect::<Vec<_>>(),
            "application_ids": apps.iter().map(|a| a.id).collect::<Vec<_>>(),
            "phone_numbers": contacts(&c.phones), "addresses": contacts(&c.addresses), "email_addresses": contacts(&c.emails),
            "website_addresses": contacts(&c.websites), "social_media_addresses": contacts(&c.social),
            "recruiter": user(c.recruiter), "coordinator": user(c.coordinator), "can_email": true, "tags": c.tags,
            "applications": apps.iter().map(|a| self.application_v1(model, base, a)).collect::<Vec<_>>(),
            "educations": [], "employments": [], "linked_user_ids": [], "custom_fields": {}, "keyed_custom_fields": {},
        })
    }

    /// Harvest v3's candidate: no embedded children, people by id.
    pub fn candidate_v3(&self, c: &Candidate) -> Value {
        json!({
            "id": c.id, "first_name": c.first_name, "last_name": c.last_name, "company": c.company, "title": c.title,
            "is_private": c.is_private, "created_at": c.created_at, "updated_at": c.updated_at, "last_activity_at": c.last_activity,
            "email_addresses": contacts(&c.emails), "phone_numbers": contacts(&c.phones), "addresses": contacts(&c.addresses),
            "website_addresses": contacts(&c.websites), "social_media_addresses": contacts(&c.social), "tags": c.tags,
            "recruiter_id": c.recruiter, "coordinator_id": c.coordinator, "custom_fields": {},
        })
    }

    /// Harvest v3's application: ids instead of embedded objects.
    pub fn application_v3(&self, model: &Model, a: &Application) -> Value {
        let stage = match (a.stage, a.jobs.first()) {
            (Some(k), Some(job)) if !a.prospect => stage_id(model, *job, k),
            _ => None,
        };
        json!({
            "id": a.id, "candidate_id": a.candidate_id, "prospect": a.prospect, "status": a.status.as_str(),
            "job_id": if a.prospect { None } else { a.jobs.first().copied() },
            "prospective_job_ids": if a.prospect { a.jobs.clone() } else { vec![] },
            "stage_id": stage, "job_post_id": a.job_post_id, "source_id": a.source, "credited_to_id": a.credited_to,
            "recruiter_id": a.recruiter, "coordinator_id": a.coordinator, "rejection_reason_id": a.rejection_reason,
            "prospect_pool_id": a.prospect_pool, "prospect_stage_id": a.prospect_stage, "prospect_owner_id": a.prospect_owner,
            "applied_at": a.applied_at, "rejected_at": a.rejected_at, "last_activity_at": a.last_activity_at,
            "created_at": a.applied_at, "updated_at": a.updated_at,
        })
    }

    /// `payload.application` of the application web hooks (D.3): the candidate and the jobs
    /// embedded, sources by `name`, users with their email.
    pub fn application_hook(&self, model: &Model, base: &str, a: &Application) -> Value {
        let hook_user = |id: Option<u64>| id.and_then(user_by_id).map(model::User::hook);
        let c = self.candidate(a.candidate_id);
        let candidate = c.map(|c| {
            json!({
                "id": c.id, "first_name": c.first_name, "last_name": c.last_name, "title": c.title, "company": c.company,
                "created_at": c.created_at, "external_id": c.external_id, "photo_url": null,
                "url": format!("https://app.greenhouse.io/people/{}", c.id), "is_private": c.is_private, "can_email": true,
                "phone_numbers": contacts(&c.phones), "email_addresses": contacts(&c.emails), "addresses": contacts(&c.addresses),
                "website_addresses": contacts(&c.websites), "social_media_addresses": contacts(&c.social),
                "educations": [], "employments": [], "recruiter": hook_user(c.recruiter), "coordinator": hook_user(c.coordinator),
                "attachments": self.attachments.iter().filter(|t| t.candidate_id == c.id)
                    .map(|t| json!({"filename": t.filename, "url": self.attachment_url(base, t.id), "type": t.kind})).collect::<Vec<_>>(),
                "tags": c.tags, "custom_fields": {},
            })
        });
        let mut stage = self.current_stage(model, a);
        if let Some(s) = stage.as_object_mut() {
            s.insert("interviews".into(), json!([]));
        }
        json!({
            "id": a.id, "rejected_at": a.rejected_at, "prospect": a.prospect, "status": a.status.as_str(),
            "applied_at": a.applied_at, "last_activity_at": a.last_activity_at,
            "url": format!("https://app.greenhouse.io/people/{}?application_id={}", a.candidate_id, a.id),
            "source": a.source.and_then(source).map(|(id, name)| json!({"id": id, "name": name})),
            "credited_to": hook_user(a.credited_to),
            "rejection_reason": a.rejection_reason.and_then(rejection_reason)
                .map(|(id, name, (tid, tname))| json!({"id": id, "name": name, "type": {"id": tid, "name": tname}})),
            "rejection_details": (a.status == Status::Rejected).then(|| json!({"custom_fields": {}})),
            "current_stage": stage,
            "prospect_detail": self.prospect_detail(a),
            "custom_fields": {},
            "candidate": candidate,
            "jobs": a.jobs.iter().filter_map(|j| model.job_hook(*j)).collect::<Vec<_>>(),
        })
    }

    /// `payload.application` of `delete_application`: flat ids.
    pub fn application_deleted_hook(&self, a: &Application) -> Value {
        json!({
            "id": a.id, "candidate_id": a.candidate_id, "job_id": a.jobs.first(), "created_at": a.applied_at,
            "source_id": a.source, "candidate_rejection_reason_id": a.rejection_reason, "rejection_note_id": null,
            "rejected_at": a.rejected_at, "referrer_id": a.credited_to, "prospect": a.prospect,
            "rejected_by_user_id": (a.status == Status::Rejected).then_some(a.recruiter).flatten(),
        })
    }

    /// Candidate Ingestion's candidate: `{id, name, external_id, applications: [{id, job,
    /// status, stage, profile_url}]}`, applications a read may show.
    pub fn candidate_ingestion(&self, model: &Model, c: &Candidate, gates: &mut BTreeSet<Gate>) -> Value {
        let mut apps = Vec::new();
        for a in self.applications_of(c.id) {
            match self.application_gate(a) {
                Some(g) => {
                    gates.insert(g);
                }
                None => apps.push(json!({
                    "id": a.id,
                    "job": a.jobs.first().and_then(|j| model.job(*j)).map(|j| j.name.clone()),
                    "status": match a.status { Status::Rejected => "Rejected", Status::Hired => "Hired", _ => "Active" },
                    "stage": match a.stage {
                        Some(k) if !a.prospect => Some(STAGES[k]),
                        _ => a.prospect_stage.and_then(pool_stage).map(|(_, name)| name),
                    },
                    "profile_url": profile_url(c.id, a.id),
                })),
            }
        }
        json!({"id": c.id, "name": format!("{} {}", c.first_name, c.last_name).trim(), "external_id": c.external_id, "applications": apps})
    }

    /// Harvest v1's job stages of a job (B.6).
    pub fn job_stages_v1(model: &Model, job_id: u64) -> Vec<Value> {
        (0..STAGES.len())
            .filter_map(|k| {
                let id = stage_id(model, job_id, k)?;
                Some(json!({"id": id, "name": STAGES[k], "created_at": "2026-09-01T12:00:00.000Z", "updated_at": "2026-09-01T12:00:00.000Z",
                            "active": true, "job_id": job_id, "priority": k, "interviews": []}))
            })
            .collect()
    }

    /// Harvest v3's job stages of a job.
    pub fn job_stages_v3(model: &Model, job_id: u64) -> Vec<Value> {
        (0..STAGES.len())
            .filter_map(|k| {
                let id = stage_id(model, job_id, k)?;
                Some(json!({"id": id, "name": STAGES[k], "job_id": job_id, "sort_order": k, "active": true,
                            "created_at": "2026-09-01T12:00:00Z", "updated_at": "2026-09-01T12:00:00Z"}))
            })
            .collect()
    }

    /// Harvest v1's prospect pools (B.6).
    pub fn prospect_pools_v1() -> Vec<Value> {
        PROSPECT_POOLS
            .iter()
            .map(|(id, name, stages)| {
                json!({"id": id, "name": name, "active": true,
                       "prospect_stages": stages.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>()})
            })
            .collect()
    }

    /// Candidate Ingestion's prospect pools.
    pub fn prospect_pools_ingestion() -> Vec<Value> {
        PROSPECT_POOLS
            .iter()
            .map(|(id, name, stages)| {
                json!({"id": id, "name": name, "stages": stages.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>()})
            })
            .collect()
    }

    /// Candidate Ingestion's jobs: every open job, `public` when a post of it is live.
    pub fn jobs_ingestion(model: &Model) -> Vec<Value> {
        model
            .jobs
            .iter()
            .filter(|j| j.status == JobStatus::Open)
            .map(|j| json!({"id": j.id, "name": j.name, "status": "open", "public": model.posts_of(j.id).any(|p| p.live && !p.internal)}))
            .collect()
    }

    /// Every seeded or known user's email, for `On-Behalf-Of` (Ingestion).
    pub fn user_emails() -> Vec<&'static str> {
        USERS.iter().map(|u| u.email).collect()
    }
}

/// Greenhouse's profile link for an application.
pub fn profile_url(candidate_id: u64, application_id: u64) -> String {
    format!("https://app.greenhouse.io/people/{candidate_id}?application_id={application_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_sit_on_the_jobs_they_name() {
        let model = Model::build(&crate::seed::northwind());
        let p = People::seed(&model);
        let open = |id: u64| model.job(id).is_some_and(|j| j.status == JobStatus::Open);
        assert!(open(APPLICANT_JOB_ID) && open(PROSPECT_JOB_ID) && open(HIRED_JOB_ID) && open(REJECTED_JOB_ID));
        let board = crate::seed::northwind();
        let on_board = |job: u64| board.jobs.iter().any(|j| j["internal_job_id"].as_u64() == Some(job));
        assert!(on_board(APPLICANT_JOB_ID));
        assert_eq!(model.external_post_of(APPLICANT_JOB_ID), Some(4_100_000_002));
        // The hire is the application a hired opening of its job points at.
        let job = model.job(HIRED_JOB_ID).unwrap();
        assert!(job.openings.iter().any(|o| o.application_id == Some(HIRED_APPLICATION_ID) && !o.open));
        for a in &p.applications {
            assert!(a.id > u64::from(u32::MAX) && a.candidate_id > u64::from(u32::MAX));
            assert!(p.candidate(a.candidate_id).is_some());
        }
        // Stage ids go both ways and differ per job.
        let s = stage_id(&model, APPLICANT_JOB_ID, 2).unwrap();
        assert_eq!(stage_of(&model, s), Some((APPLICANT_JOB_ID, 2)));
        assert_ne!(stage_id(&model, PROSPECT_JOB_ID, 2), Some(s));
        assert_eq!(stage_of(&model, s + 2), None);
    }

    #[test]
    fn the_pdf_is_well_formed_enough() {
        let pdf = String::from_utf8(tiny_pdf("Hello (world)")).unwrap();
        assert!(pdf.starts_with("%PDF-1.4") && pdf.ends_with("%%EOF\n"));
        let xref: usize = pdf.split("startxref\n").nth(1).unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[xref..].starts_with("xref"));
    }
}
