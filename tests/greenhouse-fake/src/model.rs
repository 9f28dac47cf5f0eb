//! The demo company as Harvest sees it: jobs, their job posts and their openings.
//!
//! Built from the demo board ([`seed::DEMO_BOARD`]) at seed and at `/__fake/reset`:
//!
//! - every board job with an `internal_job_id` is an **open** Harvest job of that id, whose
//!   external, live post has the board job's `id` (a board job with a null `internal_job_id`
//!   is a prospect post and is not in Harvest); every fifth of them also has a live internal post;
//! - jobs the board cannot show ([`EXTRA`]): closed jobs (posts offline), draft jobs (no
//!   posts), open jobs with only an internal post, open jobs whose external post is offline.
//!
//! So at seed time a post is on the demo board exactly when it is the external, live post of
//! an open job. The model is global: the control routes that close or unpublish a job on one
//! board token change Harvest for every token.
//!
//! Ids of everything not taken from the board are above 2^32.

use crate::seed::{self, BoardData, DEPARTMENTS, OFFICES};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    Open,
    Closed,
    Draft,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Draft => "draft",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Opening {
    pub id: u64,
    pub opening_id: String,
    pub open: bool,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    pub application_id: Option<u64>,
    pub close_reason: Option<(u64, &'static str)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: u64,
    pub name: String,
    pub requisition_id: String,
    pub notes: Option<String>,
    pub confidential: bool,
    pub status: JobStatus,
    pub created_at: String,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    pub department: Option<u64>,
    pub offices: Vec<u64>,
    pub openings: Vec<Opening>,
    /// Which of the fake hiring teams hires for the job.
    pub team: usize,
    /// What a reopen restores after the fake closed the job.
    pub before_close: Option<BeforeClose>,
}

/// A job's openings and its posts' `live` (by post id) before the fake closed it.
#[derive(Clone, Debug, PartialEq)]
pub struct BeforeClose {
    pub openings: Vec<Opening>,
    pub live: Vec<(u64, bool)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: u64,
    pub job_id: u64,
    pub title: String,
    pub location_id: u64,
    pub location: String,
    /// Internal posts are for the internal job board; the others are external.
    pub internal: bool,
    pub live: bool,
    pub first_published_at: Option<String>,
    /// Raw HTML, as Harvest holds it (the Job Board API serves it entity-escaped).
    pub content: String,
    pub internal_content: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// Harvest's jobs and posts, each sorted by id.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub jobs: Vec<Job>,
    pub posts: Vec<Post>,
}

/// What an extra (non-board) Harvest job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Closed; its posts were live once and are offline now.
    Closed,
    /// Never opened; no posts.
    Draft,
    /// Open, with one live internal post and no external post.
    InternalOnly,
    /// Open, with an external post that is offline.
    Offline,
}

/// Harvest jobs that are not on the demo board: (name, department, office, kind).
pub const EXTRA: &[(&str, u64, u64, Kind)] = &[
    ("Hardware Test Engineer", 4010000003, 4020000002, Kind::Closed),
    ("Warehouse Robotics Technician", 4010000012, 4020000004, Kind::Closed),
    ("Frontend Engineer, Fleet Console", 4010000002, 4020000007, Kind::Closed),
    ("Recruiter, Go-To-Market", 4010000010, 4020000003, Kind::Closed),
    ("Customer Success Manager", 4010000006, 4020000008, Kind::Closed),
    ("Senior Data Scientist", 4010000004, 4020000005, Kind::Closed),
    ("Mechanical Engineer, Grippers", 4010000003, 4020000009, Kind::Closed),
    ("Office Manager, Berlin", 4010000011, 4020000007, Kind::Closed),
    ("Sales Engineer, Nordics", 4010000008, 4020000010, Kind::Closed),
    ("Payroll Specialist", 4010000013, 4020000003, Kind::Closed),
    ("iOS Engineer", 4010000005, 4020000002, Kind::Closed),
    ("Localization Manager", 4010000009, 4020000012, Kind::Closed),
    ("Head of Security", 4010000002, 4020000003, Kind::Draft),
    ("Firmware Engineer, Batteries", 4010000003, 4020000009, Kind::Draft),
    ("Partner Manager, APAC", 4010000006, 4020000013, Kind::Draft),
    ("Compliance Analyst", 4010000013, 4020000008, Kind::Draft),
    ("Developer Advocate", 4010000009, 4020000010, Kind::Draft),
    ("Senior Product Manager, Platform", 4010000005, 4020000002, Kind::Draft),
    ("Team Lead, Manufacturing", 4010000012, 4020000004, Kind::InternalOnly),
    ("Engineering Manager, Robotics Software", 4010000003, 4020000002, Kind::InternalOnly),
    ("Senior Recruiter (internal mobility)", 4010000010, 4020000005, Kind::InternalOnly),
    ("Staff Engineer, Architecture", 4010000002, 4020000007, Kind::InternalOnly),
    ("Operations Lead, Toronto", 4010000011, 4020000004, Kind::InternalOnly),
    ("Hardware Engineer, Sensors", 4010000003, 4020000009, Kind::Offline),
    ("Account Executive, France", 4010000007, 4020000010, Kind::Offline),
    ("Data Center Technician", 4010000011, 4020000003, Kind::Offline),
    ("UX Researcher", 4010000005, 4020000008, Kind::Offline),
    ("Marketing Operations Manager", 4010000009, 4020000005, Kind::Offline),
];

/// First ids of what the model makes up (all above 2^32 = 4_294_967_296).
pub const EXTRA_JOB_ID: u64 = 4_360_000_001;
pub const EXTRA_POST_ID: u64 = 4_370_000_001;
pub const OPENING_ID: u64 = 4_380_000_001;
pub const LOCATION_ID: u64 = 4_390_000_001;
pub const APPLICATION_ID: u64 = 4_395_000_001;

/// Close reasons openings use.
pub const HIRED: (u64, &str) = (4050000001, "Hired");
pub const BACKFILL: (u64, &str) = (4050000002, "Hired - Backfill");
pub const ELIMINATED: (u64, &str) = (4050000003, "Position eliminated");
/// The close reason of openings the fake closes with its job.
pub const JOB_CLOSED: (u64, &str) = (4050000004, "Job closed");

/// A Greenhouse user: hiring teams, candidates' recruiters and coordinators, and the
/// `On-Behalf-Of` of Harvest (by id) and Candidate Ingestion (by email) writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub employee_id: &'static str,
    pub site_admin: bool,
}

impl User {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// As Harvest v1 embeds a user (hiring teams, recruiters, `credited_to`).
    pub fn v1_short(&self) -> Value {
        json!({"id": self.id, "first_name": self.first_name, "last_name": self.last_name, "name": self.name(), "employee_id": self.employee_id})
    }

    /// As web hooks embed a user: `{id, email, name, employee_id}`.
    pub fn hook(&self) -> Value {
        json!({"id": self.id, "email": self.email, "name": self.name(), "employee_id": self.employee_id})
    }

    /// `GET /v1/users/{id}`.
    pub fn v1(&self) -> Value {
        json!({"id": self.id, "name": self.name(), "first_name": self.first_name, "last_name": self.last_name,
               "primary_email_address": self.email, "updated_at": "2026-08-01T12:00:00.000Z", "created_at": "2025-03-10T09:00:00.000Z",
               "disabled": false, "site_admin": self.site_admin, "emails": [self.email], "employee_id": self.employee_id,
               "linked_candidate_ids": [], "offices": [], "departments": []})
    }

    /// `GET /v3/users`: no embedded children.
    pub fn v3(&self) -> Value {
        json!({"id": self.id, "first_name": self.first_name, "last_name": self.last_name, "name": self.name(),
               "primary_email_address": self.email, "employee_id": self.employee_id, "disabled": false, "site_admin": self.site_admin,
               "created_at": "2025-03-10T09:00:00Z", "updated_at": "2026-08-01T12:00:00Z"})
    }
}

const fn u(id: u64, first_name: &'static str, last_name: &'static str, email: &'static str, employee_id: &'static str, site_admin: bool) -> User {
    User { id, first_name, last_name, email, employee_id, site_admin }
}

/// The demo company's Greenhouse users. The first six make up the hiring teams; Olivia Owner
/// (4001) owns the Candidate Ingestion key and is the user the v3 clients act as.
pub const USERS: &[User] = &[
    u(4001, "Olivia", "Owner", "owner@northwind.example", "E-4001", true),
    u(4002, "Kaylee", "Prime", "kaylee.prime@northwind.example", "E-4002", false),
    u(4003, "Marcus", "Lee", "marcus.lee@northwind.example", "E-4003", false),
    u(4004, "Priya", "Raman", "priya.raman@northwind.example", "E-4004", false),
    u(4005, "Jonas", "Weber", "jonas.weber@northwind.example", "E-4005", false),
    u(4006, "Aiko", "Tanaka", "aiko.tanaka@northwind.example", "E-4006", false),
    u(4101, "Dana", "Ruiz", "dana.ruiz@northwind.example", "E-4101", false),
    u(4102, "Sam", "Okafor", "sam.okafor@northwind.example", "E-4102", false),
];

/// A user by id.
pub fn user_by_id(id: u64) -> Option<&'static User> {
    USERS.iter().find(|u| u.id == id)
}

/// A user by email (case-insensitive).
pub fn user_by_email(email: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.email.eq_ignore_ascii_case(email.trim()))
}

/// Hiring teams: (hiring manager, recruiter, coordinator) as indexes into [`USERS`].
const TEAMS: &[(usize, usize, usize)] = &[(1, 0, 2), (3, 0, 4), (5, 2, 0)];

fn user(i: usize) -> Value {
    USERS[i].v1_short()
}

fn hiring_team(team: usize) -> Value {
    let (manager, recruiter, coordinator) = TEAMS[team % TEAMS.len()];
    let responsible = |i| {
        let mut u = user(i);
        u["responsible"] = json!(true);
        u
    };
    json!({"hiring_managers": [user(manager)], "recruiters": [responsible(recruiter)], "coordinators": [responsible(coordinator)], "sourcers": []})
}

fn department_v1(id: u64) -> Value {
    let (_, name, parent) = DEPARTMENTS.iter().find(|d| d.0 == id).copied().unwrap_or((id, "Unknown", None));
    let child_ids: Vec<u64> = DEPARTMENTS.iter().filter(|d| d.2 == Some(id)).map(|d| d.0).collect();
    json!({"id": id, "name": name, "parent_id": parent, "child_ids": child_ids, "external_id": format!("nw-dept-{}", id % 1000)})
}

fn office_v1(id: u64) -> Value {
    let (_, name, location, parent) = OFFICES.iter().find(|o| o.0 == id).copied().unwrap_or((id, "Unknown", None, None));
    let child_ids: Vec<u64> = OFFICES.iter().filter(|o| o.3 == Some(id)).map(|o| o.0).collect();
    json!({"id": id, "name": name, "location": {"name": location}, "parent_id": parent, "child_ids": child_ids,
           "external_id": format!("nw-office-{}", id % 1000)})
}

fn office_name(id: u64) -> &'static str {
    OFFICES.iter().find(|o| o.0 == id).map_or("Unknown", |o| o.1)
}

fn department_name(id: u64) -> &'static str {
    DEPARTMENTS.iter().find(|d| d.0 == id).map_or("Unknown", |d| d.1)
}

impl Opening {
    pub fn status(&self) -> &'static str {
        if self.open {
            "open"
        } else {
            "closed"
        }
    }

    /// As embedded in a v1 job (and, with `custom_fields`, as `/v1/jobs/{id}/openings` lists it).
    pub fn v1(&self) -> Value {
        json!({"id": self.id, "opening_id": self.opening_id, "status": self.status(), "opened_at": self.opened_at,
               "closed_at": self.closed_at, "application_id": self.application_id,
               "close_reason": self.close_reason.map(|(id, name)| json!({"id": id, "name": name}))})
    }

    pub fn v3(&self, job_id: u64) -> Value {
        json!({"id": self.id, "opening_id": self.opening_id, "job_id": job_id, "status": self.status(),
               "opened_at": self.opened_at, "closed_at": self.closed_at})
    }
}

impl Job {
    /// Harvest v1's job object (also `payload.job` of the fake's `job_updated` web hooks).
    pub fn v1(&self) -> Value {
        json!({
            "id": self.id, "name": self.name, "requisition_id": self.requisition_id, "notes": self.notes,
            "confidential": self.confidential, "status": self.status.as_str(),
            "created_at": self.created_at, "opened_at": self.opened_at, "closed_at": self.closed_at, "updated_at": self.updated_at,
            "is_template": false,
            "departments": self.department.map(department_v1).into_iter().collect::<Vec<_>>(),
            "offices": self.offices.iter().map(|o| office_v1(*o)).collect::<Vec<_>>(),
            "openings": self.openings.iter().map(Opening::v1).collect::<Vec<_>>(),
            "hiring_team": hiring_team(self.team),
            "custom_fields": {},
        })
    }

    /// Harvest v3's job: no embedded children.
    pub fn v3(&self) -> Value {
        json!({
            "id": self.id, "name": self.name, "requisition_id": self.requisition_id, "status": self.status.as_str(),
            "confidential": self.confidential, "created_at": self.created_at, "updated_at": self.updated_at,
            "opened_at": self.opened_at, "closed_at": self.closed_at,
            "departments": self.department.map(|d| json!({"id": d, "name": department_name(d)})).into_iter().collect::<Vec<_>>(),
            "offices": self.offices.iter().map(|o| json!({"id": o, "name": office_name(*o)})).collect::<Vec<_>>(),
        })
    }
}

impl Post {
    pub fn v1(&self) -> Value {
        json!({
            "id": self.id, "title": self.title, "location": {"id": self.location_id, "name": self.location},
            "internal": self.internal, "external": !self.internal, "active": true, "live": self.live,
            "first_published_at": self.first_published_at, "job_id": self.job_id,
            "content": self.content, "internal_content": self.internal_content,
            "updated_at": self.updated_at, "created_at": self.created_at,
            "demographic_question_set_id": null, "questions": [],
        })
    }

    pub fn v3(&self) -> Value {
        json!({
            "id": self.id, "title": self.title, "location": {"name": self.location},
            "internal": self.internal, "external": !self.internal, "active": true, "live": self.live, "job_id": self.job_id,
            "created_at": self.created_at, "updated_at": self.updated_at, "first_published_at": self.first_published_at,
        })
    }

    /// The flat post of a `job_post_updated` web hook (`location` is a string there).
    pub fn hook(&self) -> Value {
        json!({
            "id": self.id, "title": self.title, "location": self.location, "content": self.content,
            "internal_content": self.internal_content, "updated_at": self.updated_at, "job_id": self.job_id,
            "external": !self.internal, "internal": self.internal, "live": self.live, "questions": [],
        })
    }
}

fn extra_content(title: &str, dept: &str, location: &str) -> String {
    format!(
        "<p>As our <strong>{}</strong> in {}, you will work from {} with a team that ships every week.</p>\
         <ul><li>Own problems end to end</li><li>Work closely with customers</li></ul>",
        seed::escape_html(title),
        seed::escape_html(dept),
        seed::escape_html(location)
    )
}

const INTERNAL_CONTENT: &str = "<p>Internal candidates: tell your manager before you apply.</p>";

impl Model {
    /// The Harvest side of `board` (the demo board), plus [`EXTRA`].
    pub fn build(board: &BoardData) -> Model {
        let mut jobs = Vec::new();
        let mut posts = Vec::new();
        let (mut next_post, mut next_opening, mut next_location, mut next_application) = (EXTRA_POST_ID, OPENING_ID, LOCATION_ID, APPLICATION_ID);
        let mut location_id = || {
            next_location += 1;
            next_location - 1
        };
        let mut opening = |requisition: &str, k: usize, open: bool, opened_at: Option<String>, closed: Option<(String, (u64, &'static str))>| {
            next_opening += 1;
            let hired = closed.as_ref().is_some_and(|(_, r)| *r == HIRED || *r == BACKFILL);
            let application_id = hired.then(|| {
                next_application += 1;
                next_application - 1
            });
            Opening {
                id: next_opening - 1,
                opening_id: format!("{requisition}-{}", k + 1),
                open,
                opened_at,
                closed_at: closed.as_ref().map(|c| c.0.clone()),
                application_id,
                close_reason: closed.map(|c| c.1),
            }
        };
        for (i, b) in board.jobs.iter().enumerate() {
            let (Some(job_id), Some(post_id)) = (b["internal_job_id"].as_u64(), b["id"].as_u64()) else { continue };
            let day = 1 + i % 28;
            let requisition_id = b["requisition_id"].as_str().map_or_else(|| b["requisition_id"].to_string(), str::to_string);
            let opened = format!("2026-09-{day:02}T15:00:00Z");
            let openings = (0..1 + i % 3)
                .map(|k| {
                    let closed = (k == 1 && i % 2 == 0).then(|| (format!("2026-10-{day:02}T16:00:00Z"), if i % 4 == 0 { HIRED } else { BACKFILL }));
                    opening(&requisition_id, k, closed.is_none(), Some(opened.clone()), closed)
                })
                .collect();
            let title = b["title"].as_str().unwrap_or_default().to_string();
            jobs.push(Job {
                id: job_id,
                name: title.clone(),
                requisition_id,
                notes: (i % 4 == 0).then(|| "<p>Hiring plan approved for FY27.</p>".to_string()),
                confidential: false,
                status: JobStatus::Open,
                created_at: opened.clone(),
                opened_at: Some(opened),
                closed_at: None,
                updated_at: format!("2026-11-{day:02}T14:30:00Z"),
                department: b["departments"].as_array().and_then(|d| d.first()).and_then(|d| d["id"].as_u64()),
                offices: b["offices"].as_array().into_iter().flatten().filter_map(|o| o["id"].as_u64()).collect(),
                openings,
                team: i % TEAMS.len(),
                before_close: None,
            });
            let location = b["location"]["name"].as_str().unwrap_or_default().to_string();
            let content = seed::unescape_html(b["content"].as_str().unwrap_or_default());
            let post = Post {
                id: post_id,
                job_id,
                title: title.clone(),
                location_id: location_id(),
                location: location.clone(),
                internal: false,
                live: true,
                first_published_at: Some(format!("2026-10-{day:02}T12:00:00Z")),
                content: content.clone(),
                internal_content: None,
                created_at: format!("2026-10-{day:02}T10:00:00Z"),
                updated_at: format!("2026-11-{day:02}T14:30:00Z"),
            };
            if i % 5 == 4 {
                next_post += 1;
                posts.push(Post {
                    id: next_post - 1,
                    location_id: location_id(),
                    internal: true,
                    internal_content: Some(INTERNAL_CONTENT.into()),
                    ..post.clone()
                });
            }
            posts.push(post);
        }
        for (k, (name, dept, office, kind)) in EXTRA.iter().enumerate() {
            let id = EXTRA_JOB_ID + k as u64;
            let day = 1 + (k * 3) % 28;
            let requisition_id = format!("NW-{:04}", 300 + k);
            let location = OFFICES.iter().find(|o| o.0 == *office).map_or("Remote", |o| o.2.unwrap_or(o.1)).to_string();
            let content = extra_content(name, department_name(*dept), &location);
            let (created_at, opened_at, closed_at) = match kind {
                Kind::Closed => {
                    (format!("2026-03-{day:02}T15:00:00Z"), Some(format!("2026-03-{day:02}T15:00:00Z")), Some(format!("2026-08-{day:02}T17:00:00Z")))
                }
                Kind::Draft => (format!("2026-11-{day:02}T10:00:00Z"), None, None),
                Kind::InternalOnly | Kind::Offline => (format!("2026-10-{day:02}T15:00:00Z"), Some(format!("2026-10-{day:02}T15:00:00Z")), None),
            };
            let openings = (0..1 + k % 3)
                .map(|n| match kind {
                    Kind::Closed => {
                        let reason = if n == 0 { HIRED } else { ELIMINATED };
                        opening(&requisition_id, n, false, opened_at.clone(), Some((closed_at.clone().unwrap_or_default(), reason)))
                    }
                    _ => opening(&requisition_id, n, true, opened_at.clone(), None),
                })
                .collect();
            let updated_at = closed_at.clone().unwrap_or_else(|| created_at.clone());
            jobs.push(Job {
                id,
                name: name.to_string(),
                requisition_id,
                notes: None,
                confidential: k % 7 == 3,
                status: match kind {
                    Kind::Closed => JobStatus::Closed,
                    Kind::Draft => JobStatus::Draft,
                    Kind::InternalOnly | Kind::Offline => JobStatus::Open,
                },
                created_at: created_at.clone(),
                opened_at: opened_at.clone(),
                closed_at,
                updated_at: updated_at.clone(),
                department: Some(*dept),
                offices: vec![*office],
                openings,
                team: k % TEAMS.len(),
                before_close: None,
            });
            let mut post = |internal: bool, live: bool, published: bool| {
                next_post += 1;
                posts.push(Post {
                    id: next_post - 1,
                    job_id: id,
                    title: name.to_string(),
                    location_id: location_id(),
                    location: location.clone(),
                    internal,
                    live,
                    first_published_at: published.then(|| opened_at.clone()).flatten(),
                    content: content.clone(),
                    internal_content: internal.then(|| INTERNAL_CONTENT.to_string()),
                    created_at: created_at.clone(),
                    updated_at: updated_at.clone(),
                })
            };
            match kind {
                Kind::Closed => {
                    post(false, false, true);
                    if k % 3 == 0 {
                        post(true, false, true);
                    }
                }
                Kind::Draft => {}
                Kind::InternalOnly => post(true, true, true),
                Kind::Offline => post(false, false, k % 2 == 0),
            }
        }
        jobs.sort_by_key(|j| j.id);
        posts.sort_by_key(|p| p.id);
        Model { jobs, posts }
    }

    pub fn job(&self, id: u64) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id == id)
    }

    pub fn post(&self, id: u64) -> Option<&Post> {
        self.posts.iter().find(|p| p.id == id)
    }

    pub fn posts_of(&self, job_id: u64) -> impl Iterator<Item = &Post> {
        self.posts.iter().filter(move |p| p.job_id == job_id)
    }

    /// Every opening with its job's id, sorted by opening id.
    pub fn openings(&self) -> Vec<(u64, &Opening)> {
        let mut all: Vec<(u64, &Opening)> = self.jobs.iter().flat_map(|j| j.openings.iter().map(move |o| (j.id, o))).collect();
        all.sort_by_key(|(_, o)| o.id);
        all
    }

    /// The job's external post (live first), for `job_post_id` of applications and web hooks.
    pub fn external_post_of(&self, job_id: u64) -> Option<u64> {
        let external = || self.posts_of(job_id).filter(|p| !p.internal);
        external().find(|p| p.live).or_else(|| external().next()).map(|p| p.id)
    }

    /// A job as application web hooks embed it (`payload.application.jobs[]`): offices'
    /// `location` is a string, departments and offices carry `external_id`, no hiring team.
    pub fn job_hook(&self, id: u64) -> Option<Value> {
        let j = self.job(id)?;
        let departments: Vec<Value> = j
            .department
            .map(|d| {
                let v = department_v1(d);
                json!({"id": d, "name": v["name"], "external_id": v["external_id"]})
            })
            .into_iter()
            .collect();
        let offices: Vec<Value> = j
            .offices
            .iter()
            .map(|o| {
                let v = office_v1(*o);
                json!({"id": o, "name": v["name"], "location": v["location"]["name"], "external_id": v["external_id"]})
            })
            .collect();
        Some(json!({
            "id": j.id, "name": j.name, "requisition_id": j.requisition_id, "notes": j.notes, "confidential": j.confidential,
            "job_post_id": self.external_post_of(j.id), "status": j.status.as_str(), "created_at": j.created_at,
            "opened_at": j.opened_at, "closed_at": j.closed_at, "departments": departments, "offices": offices, "custom_fields": {},
        }))
    }

    /// The job of an external post, for the control routes; `None` when Harvest does not
    /// know the post (a prospect post, or a board other than the demo board).
    fn job_of_post(&mut self, post_id: u64) -> Option<(usize, usize)> {
        let p = self.posts.iter().position(|p| p.id == post_id && !p.internal)?;
        let j = self.jobs.iter().position(|j| j.id == self.posts[p].job_id)?;
        Some((p, j))
    }

    /// Closes the job of this external post: status closed, open openings closed, every post of
    /// the job offline. Returns the job's id.
    pub fn close(&mut self, post_id: u64, now: &str) -> Option<u64> {
        let (_, j) = self.job_of_post(post_id)?;
        let job_id = self.jobs[j].id;
        if self.jobs[j].status != JobStatus::Closed {
            let lives = self.posts.iter().filter(|p| p.job_id == job_id).map(|p| (p.id, p.live)).collect();
            let job = &mut self.jobs[j];
            job.before_close = Some(BeforeClose { openings: job.openings.clone(), live: lives });
            job.status = JobStatus::Closed;
            job.closed_at = Some(now.to_string());
            for o in job.openings.iter_mut().filter(|o| o.open) {
                o.open = false;
                o.closed_at = Some(now.to_string());
                o.close_reason = Some(JOB_CLOSED);
            }
        }
        self.jobs[j].updated_at = now.to_string();
        for p in self.posts.iter_mut().filter(|p| p.job_id == job_id && p.live) {
            p.live = false;
            p.updated_at = now.to_string();
        }
        Some(job_id)
    }

    /// Takes this external post offline; its job stays as it is. Returns the job's id.
    pub fn unpublish(&mut self, post_id: u64, now: &str) -> Option<u64> {
        let (p, j) = self.job_of_post(post_id)?;
        let post = &mut self.posts[p];
        post.live = false;
        post.updated_at = now.to_string();
        Some(self.jobs[j].id)
    }

    /// Opens the job of this external post again (its openings and posts as they were before
    /// the fake closed it) and makes the post live. Returns the job's id.
    pub fn reopen(&mut self, post_id: u64, now: &str) -> Option<u64> {
        let (p, j) = self.job_of_post(post_id)?;
        let job_id = self.jobs[j].id;
        let job = &mut self.jobs[j];
        if job.status != JobStatus::Open {
            job.status = JobStatus::Open;
            job.closed_at = None;
            job.opened_at.get_or_insert_with(|| now.to_string());
            job.updated_at = now.to_string();
            if let Some(before) = job.before_close.take() {
                job.openings = before.openings;
                for post in self.posts.iter_mut() {
                    if let Some((_, live)) = before.live.iter().find(|(id, _)| *id == post.id) {
                        post.live = *live;
                    }
                }
            }
        }
        let post = &mut self.posts[p];
        if !post.live {
            post.live = true;
            post.first_published_at.get_or_insert_with(|| now.to_string());
            post.updated_at = now.to_string();
        }
        Some(job_id)
    }

    /// Changes the title (the job's name too) and the raw HTML content of this external post.
    /// Returns the job's id.
    pub fn edit(&mut self, post_id: u64, title: Option<&str>, content: Option<&str>, now: &str) -> Option<u64> {
        let (p, j) = self.job_of_post(post_id)?;
        let post = &mut self.posts[p];
        if let Some(t) = title {
            post.title = t.to_string();
            self.jobs[j].name = t.to_string();
        }
        if let Some(c) = content {
            post.content = c.to_string();
        }
        post.updated_at = now.to_string();
        self.jobs[j].updated_at = now.to_string();
        Some(self.jobs[j].id)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// `YYYY-MM-DDTHH:MM:SS` of a Unix time in seconds.
fn civil(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Harvest's time format, UTC: `2026-11-23T17:00:00Z`.
pub fn harvest_time(ms: u64) -> String {
    format!("{}Z", civil((ms / 1000) as i64))
}

/// Harvest's time format with milliseconds, as candidates and applications carry it:
/// `2026-11-23T17:00:00.123Z`.
pub fn harvest_time_ms(ms: u64) -> String {
    format!("{}.{:03}Z", civil((ms / 1000) as i64), ms % 1000)
}

/// Milliseconds since the Unix epoch of an ISO-8601 time: a date (`2026-11-23`, midnight UTC)
/// or a date-time with optional seconds and fraction and a `Z` or `±HH:MM` / `±HHMM` offset
/// (none means UTC). A `+` that a query string turned into a space is accepted too.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |t: &str| -> Option<i64> { (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten() };
    let (date, rest) = (s.get(..10)?, s.get(10..)?);
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(y, m, day);
    let mut ms = days * 86_400_000;
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t')).or_else(|| rest.strip_prefix(' '))?;
    // Split off the zone: `Z`, or the last `+`/`-`/space (a decoded `+`).
    let (clock, zone) = if let Some(c) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        (c, 0)
    } else if let Some(at) = rest.rfind(['+', '-', ' ']) {
        let (c, z) = rest.split_at(at);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let z = z[1..].replace(':', "");
        if z.len() != 4 {
            return None;
        }
        (c, sign * (num(&z[..2])? * 60 + num(&z[2..])?))
    } else {
        (rest, 0)
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut parts = hms.split(':');
    let (h, mi) = (num(parts.next()?)?, num(parts.next()?)?);
    let sec = parts.next().map_or(Some(0), num)?;
    if parts.next().is_some() || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let frac_ms = if frac.is_empty() { 0 } else { num(&format!("{frac:0<3}")[..3])? };
    ms += (h * 3600 + mi * 60 + sec) * 1000 + frac_ms - zone * 60_000;
    Some(ms)
}

/// Days since the Unix epoch of a civil date (Howard Hinnant's days-from-civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Job Board API's time format, in the demo company's zone: `2026-11-23T12:00:00-05:00`.
pub fn board_time(ms: u64) -> String {
    format!("{}-05:00", civil((ms / 1000) as i64 - 5 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_civil() {
        assert_eq!(harvest_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(harvest_time(1_795_453_200_000), "2026-11-23T17:00:00Z");
        assert_eq!(board_time(1_795_453_200_000), "2026-11-23T12:00:00-05:00");
        assert_eq!(harvest_time(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(harvest_time_ms(1_795_453_200_042), "2026-11-23T17:00:00.042Z");
    }

    #[test]
    fn times_parse_back() {
        for ms in [0u64, 951_782_400_000, 1_795_453_200_042, 1_795_453_259_999] {
            assert_eq!(parse_time(&harvest_time_ms(ms)), Some(ms as i64));
            assert_eq!(parse_time(&board_time(ms)), Some((ms - ms % 1000) as i64));
        }
        assert_eq!(parse_time("2026-11-23"), parse_time("2026-11-23T00:00:00Z"));
        assert_eq!(parse_time("2026-11-23T12:00:00-05:00"), parse_time("2026-11-23T17:00Z"));
        assert_eq!(parse_time("2026-11-23T18:00:00 01:00"), parse_time("2026-11-23T17:00:00.000Z"), "a decoded +");
        assert_eq!(parse_time("2026-11-23T18:00:00+0100"), parse_time("2026-11-23T17:00:00Z"));
        assert_eq!(parse_time("2026-11-23T17:00:00.5Z"), Some(1_795_453_200_500));
        for bad in ["", "yesterday", "2026-11-2é", "2026-13-01", "2026-11-23T25:00:00Z", "2026-11-23T17:00:00+1", "2026-11-23X"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_board_is_exactly_the_open_jobs_live_external_posts() {
        let board = seed::northwind();
        let m = Model::build(&board);
        assert!(m.jobs.len() >= 70, "{} jobs", m.jobs.len());
        let mut live: Vec<u64> =
            m.posts.iter().filter(|p| p.live && !p.internal && m.job(p.job_id).is_some_and(|j| j.status == JobStatus::Open)).map(|p| p.id).collect();
        let mut on_board: Vec<u64> = board.jobs.iter().filter(|j| !j["internal_job_id"].is_null()).filter_map(|j| j["id"].as_u64()).collect();
        live.sort_unstable();
        on_board.sort_unstable();
        assert_eq!(live, on_board);
        for j in &m.jobs {
            let posts: Vec<&Post> = m.posts_of(j.id).collect();
            match j.status {
                JobStatus::Draft => assert!(posts.is_empty() && j.opened_at.is_none()),
                JobStatus::Closed => assert!(posts.iter().all(|p| !p.live) && j.closed_at.is_some() && j.openings.iter().all(|o| !o.open)),
                JobStatus::Open => assert!(j.openings.iter().any(|o| o.open) && j.closed_at.is_none()),
            }
            assert!((1..=3).contains(&j.openings.len()));
        }
        // Made-up ids do not fit in 32 bits.
        for id in m.jobs.iter().map(|j| j.id).chain(m.posts.iter().map(|p| p.id)).filter(|id| !on_board.contains(id)) {
            assert!(id > u64::from(u32::MAX) || board.jobs.iter().any(|b| b["internal_job_id"].as_u64() == Some(id)), "{id}");
        }
    }
}
