//! Seed boards: a realistic company built in code, an empty board, a board with hostile
//! HTML, and the real captured boards under `fixtures/`, served byte for byte.

use serde_json::{json, Value};

/// A board as the fake holds it: the job list exactly as `GET /jobs?content=true` returns it,
/// plus the department and office trees (which only the seeded boards know fully).
#[derive(Clone, Debug)]
pub struct BoardData {
    pub name: String,
    pub intro: String,
    /// Raw `/jobs?content=true` bytes, served unmodified.
    pub jobs_raw: String,
    pub jobs: Vec<Value>,
    pub departments: Vec<Value>,
    pub offices: Vec<Value>,
    /// The Job Board API key applications must carry (Basic auth username).
    pub api_key: String,
}

impl BoardData {
    /// Re-serialises `jobs_raw` after `jobs` changed.
    pub fn refresh_raw(&mut self) {
        let total = self.jobs.len();
        self.jobs_raw = serde_json::to_string(&json!({"jobs": self.jobs, "meta": {"total": total}})).unwrap_or_default();
    }
}

/// Entity-escapes HTML as the Job Board API serves `content` (`<p>` becomes `&lt;p&gt;`).
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Undoes [`escape_html`]: the raw HTML Harvest holds for a post the Job Board API escapes.
pub fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
}

/// The demo company's departments: (id, name, parent).
pub const DEPARTMENTS: &[(u64, &str, Option<u64>)] = &[
    (4010000001, "Engineering", None),
    (4010000002, "Platform", Some(4010000001)),
    (4010000003, "Robotics Software", Some(4010000001)),
    (4010000004, "Data & Machine Learning", Some(4010000001)),
    (4010000005, "Product & Design", None),
    (4010000006, "Sales", None),
    (4010000007, "Enterprise Sales", Some(4010000006)),
    (4010000008, "Solutions Engineering", Some(4010000006)),
    (4010000009, "Marketing", None),
    (4010000010, "People", None),
    (4010000011, "Operations", None),
    (4010000012, "Manufacturing", Some(4010000011)),
    (4010000013, "Finance & Legal", None),
];

/// The demo company's offices: (id, name, location, parent).
pub const OFFICES: &[(u64, &str, Option<&str>, Option<u64>)] = &[
    (4020000001, "Americas", None, None),
    (4020000002, "San Francisco", Some("San Francisco, CA, United States"), Some(4020000001)),
    (4020000003, "New York", Some("New York, NY, United States"), Some(4020000001)),
    (4020000004, "Toronto", Some("Toronto, ON, Canada"), Some(4020000001)),
    (4020000005, "Remote - Americas", None, Some(4020000001)),
    (4020000006, "EMEA", None, None),
    (4020000007, "Berlin", Some("Berlin, Germany"), Some(4020000006)),
    (4020000008, "London", Some("London, United Kingdom"), Some(4020000006)),
    (4020000009, "Zürich", Some("Zürich, Switzerland"), Some(4020000006)),
    (4020000010, "Remote - Europe", None, Some(4020000006)),
    (4020000011, "APAC", None, None),
    (4020000012, "Tokyo", Some("Tokyo, Japan"), Some(4020000011)),
    (4020000013, "Singapore", Some("Singapore"), Some(4020000011)),
];

/// (title, department, offices, location, workplace type)
const JOBS: &[(&str, u64, &[u64], &str, &str)] = &[
    ("Senior Backend Engineer, Fleet API", 4010000002, &[4020000002], "San Francisco, CA", "Hybrid"),
    ("Staff Platform Engineer", 4010000002, &[4020000005], "Remote - Americas", "Remote"),
    ("Site Reliability Engineer", 4010000002, &[4020000007, 4020000008], "Berlin or London", "Hybrid"),
    ("Platform Engineer, Developer Experience", 4010000002, &[4020000010], "Remote - Europe", "Remote"),
    ("Security Engineer", 4010000002, &[4020000003], "New York, NY", "On-site"),
    ("Robotics Software Engineer, Motion Planning", 4010000003, &[4020000002], "San Francisco, CA", "On-site"),
    ("Embedded Software Engineer (Rust)", 4010000003, &[4020000009], "Zürich, Switzerland", "On-site"),
    ("Ingénieur·e logiciel embarqué", 4010000003, &[4020000009], "Zürich, Switzerland", "Hybrid"),
    ("Softwareentwickler:in Perception (m/w/d)", 4010000003, &[4020000007], "Berlin, Germany", "Hybrid"),
    ("ロボティクスエンジニア (Robotics Engineer)", 4010000003, &[4020000012], "Tokyo, Japan", "On-site"),
    ("Controls Engineer", 4010000003, &[4020000004], "Toronto, ON", "On-site"),
    ("Machine Learning Engineer, Vision", 4010000004, &[4020000002, 4020000004], "San Francisco or Toronto", "Hybrid"),
    ("Data Engineer", 4010000004, &[4020000005], "Remote - Americas", "Remote"),
    ("Analytics Engineer", 4010000004, &[4020000008], "London, United Kingdom", "Hybrid"),
    ("Research Scientist, Reinforcement Learning", 4010000004, &[4020000009], "Zürich, Switzerland", "On-site"),
    ("Engineering Manager, Data Platform", 4010000004, &[4020000003], "New York, NY", "Hybrid"),
    ("Senior Product Designer — Mobile", 4010000005, &[4020000002], "San Francisco, CA", "Hybrid"),
    ("Diseñador/a UX", 4010000005, &[4020000010], "Remote - Europe", "Remote"),
    ("Product Manager, Autonomy", 4010000005, &[4020000002], "San Francisco, CA", "Hybrid"),
    ("Technical Writer", 4010000005, &[4020000005], "Remote - Americas", "Remote"),
    ("Account Executive, Enterprise", 4010000007, &[4020000003], "New York, NY", "Hybrid"),
    ("Account Executive, DACH", 4010000007, &[4020000007], "Berlin, Germany", "Hybrid"),
    ("Regional Sales Director, APAC", 4010000007, &[4020000013], "Singapore", "Hybrid"),
    ("Sales Development Representative", 4010000006, &[4020000004], "Toronto, ON", "On-site"),
    ("Solutions Engineer", 4010000008, &[4020000003, 4020000008], "New York or London", "Hybrid"),
    ("Solutions Architect, Japan", 4010000008, &[4020000012], "Tokyo, Japan", "Hybrid"),
    ("Product Marketing Manager", 4010000009, &[4020000002], "San Francisco, CA", "Hybrid"),
    ("Content Marketing Lead", 4010000009, &[4020000010], "Remote - Europe", "Remote"),
    ("Events Manager", 4010000009, &[4020000008], "London, United Kingdom", "On-site"),
    ("Talent Partner, Engineering", 4010000010, &[4020000005], "Remote - Americas", "Remote"),
    ("People Operations Specialist", 4010000010, &[4020000007], "Berlin, Germany", "Hybrid"),
    ("Recruiting Coordinator", 4010000010, &[4020000003], "New York, NY", "Hybrid"),
    ("Manufacturing Technician (Night Shift)", 4010000012, &[4020000004], "Toronto, ON", "On-site"),
    ("Quality Engineer", 4010000012, &[4020000004], "Toronto, ON", "On-site"),
    ("Manufacturing Engineer", 4010000012, &[4020000013], "Singapore", "On-site"),
    ("Supply Chain Analyst", 4010000011, &[4020000013], "Singapore", "Hybrid"),
    ("Field Service Technician", 4010000011, &[4020000002, 4020000003, 4020000004], "Multiple locations", "On-site"),
    ("Workplace Coordinator", 4010000011, &[4020000012], "Tokyo, Japan", "On-site"),
    ("Senior Accountant", 4010000013, &[4020000002], "San Francisco, CA", "Hybrid"),
    ("Legal Counsel, Commercial", 4010000013, &[4020000008], "London, United Kingdom", "Hybrid"),
    ("Financial Analyst (FP&A)", 4010000013, &[4020000005], "Remote - Americas", "Remote"),
    ("Executive Assistant to the CEO", 4010000013, &[4020000002], "San Francisco, CA", "On-site"),
    ("Chief of Staff", 0, &[4020000002], "San Francisco, CA", "On-site"),
    ("General Application", 0, &[], "Anywhere", "Remote"),
];

/// The token of the seeded demo board.
pub const DEMO_BOARD: &str = "northwind";
pub const DEMO_NAME: &str = "Northwind Robotics";

fn department_json(id: u64, with_jobs: &[Value]) -> Value {
    let (_, name, parent) = DEPARTMENTS.iter().find(|d| d.0 == id).copied().unwrap_or((0, "No Department", None));
    let child_ids: Vec<u64> = DEPARTMENTS.iter().filter(|d| d.2 == Some(id)).map(|d| d.0).collect();
    json!({"id": id, "name": name, "parent_id": parent, "child_ids": child_ids, "jobs": with_jobs})
}

fn office_json(id: u64) -> Value {
    let (_, name, location, parent) = OFFICES.iter().find(|o| o.0 == id).copied().expect("office");
    let child_ids: Vec<u64> = OFFICES.iter().filter(|o| o.3 == Some(id)).map(|o| o.0).collect();
    json!({"id": id, "name": name, "location": location, "parent_id": parent, "child_ids": child_ids})
}

fn description(title: &str, dept: &str, location: &str, i: usize) -> String {
    let pay = if i.is_multiple_of(3) {
        format!(
            "<div class=\"content-pay-transparency\"><div class=\"pay-input\"><div class=\"title\">Base salary</div>\
             <div class=\"pay-range\"><span>${}0,000</span><span class=\"divider\">&mdash;</span><span>${}0,000 USD</span></div></div></div>",
            12 + i % 5,
            16 + i % 5
        )
    } else {
        String::new()
    };
    format!(
        "<div class=\"content-intro\"><p>At {DEMO_NAME} we build robots that keep warehouses moving &amp; people safe.</p></div>\
         <h3>About the role</h3><p>As our <strong>{title}</strong> in {dept}, you will work from {location} with a team that ships every week.</p>\
         <h3>What you&#39;ll do</h3><ul><li>Own problems end to end</li><li>Work closely with customers</li><li>Raise the bar for quality</li></ul>\
         <h3>What we offer</h3><p>Equity, learning budget and <a href=\"https://northwind.example/benefits\">great benefits</a>.</p>{pay}",
        title = escape_html(title),
        dept = escape_html(dept),
        location = escape_html(location),
    )
}

fn metadata(i: usize, workplace: &str) -> Value {
    let employment = if i % 11 == 5 {
        "Contract"
    } else if i % 13 == 7 {
        "Internship"
    } else {
        "Full-time"
    };
    json!([
        {"id": 4030000001u64, "name": "Workplace Type", "value": workplace, "value_type": "single_select"},
        {"id": 4030000002u64, "name": "Employment Type", "value": employment, "value_type": "single_select"},
        {"id": 4030000003u64, "name": "Visa sponsorship", "value": i.is_multiple_of(2), "value_type": "yes_no"},
        {"id": 4030000004u64, "name": "Travel (%)", "value": format!("{}.0", (i % 4) * 10), "value_type": "number"},
        {"id": 4030000005u64, "name": "Skills", "value": if i.is_multiple_of(4) { json!(["Rust", "Kubernetes"]) } else { json!([]) }, "value_type": "multi_select"},
        {"id": 4030000006u64, "name": "Start date", "value": if i.is_multiple_of(5) { json!("2027-01-15") } else { Value::Null }, "value_type": "date"}
    ])
}

/// The demo company: 44 jobs, nested departments and offices, remote and multi-office jobs,
/// 10-digit ids, unicode titles, metadata of every value type.
pub fn northwind() -> BoardData {
    let mut jobs = Vec::new();
    for (i, (title, dept, offices, location, workplace)) in JOBS.iter().enumerate() {
        let id = 4100000002u64 + (i as u64) * 1_000_003;
        let dept_name = DEPARTMENTS.iter().find(|d| d.0 == *dept).map(|d| d.1).unwrap_or("our team");
        let departments = if *dept == 0 { vec![] } else { vec![department_json(*dept, &[])] };
        let departments: Vec<Value> = departments
            .into_iter()
            .map(|mut d| {
                d.as_object_mut().unwrap().remove("jobs");
                d
            })
            .collect();
        let day = 1 + (i % 28);
        jobs.push(json!({
            "absolute_url": format!("https://job-boards.greenhouse.io/{DEMO_BOARD}/jobs/{id}"),
            "data_compliance": [{"type": "gdpr", "requires_consent": false, "requires_processing_consent": false,
                                 "requires_retention_consent": false, "retention_period": null, "demographic_data_consent_applies": false}],
            "internal_job_id": if title.starts_with("General") { Value::Null } else { json!(4200000000u64 + i as u64) },
            "location": {"name": location},
            "metadata": metadata(i, workplace),
            "id": id,
            "updated_at": format!("2026-11-{day:02}T09:30:00-05:00"),
            "requisition_id": if i % 7 == 3 { json!(1000 + i) } else { json!(format!("NW-{:04}", 100 + i)) },
            "title": title,
            "company_name": DEMO_NAME,
            "first_published": format!("2026-10-{day:02}T08:00:00-04:00"),
            "language": if title.starts_with("Ingénieur") { "fr" } else if title.starts_with("Softwareentwickler") { "de" } else if title.starts_with("ロボ") { "ja" } else if title.starts_with("Diseñ") { "es" } else { "en" },
            "application_deadline": null,
            "content": escape_html(&description(title, dept_name, location, i)),
            "departments": departments,
            "offices": offices.iter().map(|o| office_json(*o)).collect::<Vec<_>>(),
        }));
    }
    let departments = DEPARTMENTS
        .iter()
        .map(|(id, _, _)| {
            let stubs: Vec<Value> =
                jobs.iter().filter(|j| j["departments"].as_array().is_some_and(|d| d.iter().any(|d| d["id"] == json!(id)))).map(stub).collect();
            department_json(*id, &stubs)
        })
        .collect();
    let offices = OFFICES.iter().map(|(id, ..)| office_json(*id)).collect();
    board(DEMO_NAME, jobs, departments, offices, "<p>Join us in building the robots of tomorrow.</p>")
}

fn stub(j: &Value) -> Value {
    json!({"id": j["id"], "title": j["title"], "location": j["location"], "updated_at": j["updated_at"],
           "absolute_url": j["absolute_url"], "language": j["language"]})
}

fn board(name: &str, jobs: Vec<Value>, departments: Vec<Value>, offices: Vec<Value>, intro: &str) -> BoardData {
    let total = jobs.len();
    let jobs_raw = serde_json::to_string(&json!({"jobs": jobs, "meta": {"total": total}})).expect("serialises");
    BoardData { name: name.into(), intro: escape_html(intro), jobs_raw, jobs, departments, offices, api_key: String::new() }
}

pub fn empty() -> BoardData {
    board("Quiet Company", vec![], vec![], vec![], "<p>No openings right now.</p>")
}

/// Job content written to break things: scripts, handlers, `javascript:` URLs, iframes.
pub const HOSTILE_CONTENT: &str = "<p onclick=\"steal()\">Great job</p><script>alert('xss')</script>\
    <img src=x onerror=\"alert('img')\"><a href=\"javascript:alert('link')\">click</a>\
    <iframe src=\"https://evil.example/\"></iframe><style>*{display:none}</style>\
    <svg><script>alert('svg')</script></svg><p>Still here.</p>";

pub fn hostile() -> BoardData {
    let jobs = vec![json!({
        "id": 4300000001u64, "internal_job_id": 4300000000u64, "title": "<b>Bold</b> Engineer <script>x</script>",
        "updated_at": "2026-11-01T10:00:00Z", "requisition_id": "H-1", "location": {"name": "Remote"},
        "absolute_url": "javascript:alert(1)", "language": "en", "metadata": null,
        "content": escape_html(HOSTILE_CONTENT), "departments": [], "offices": []
    })];
    board("Hostile Inc", jobs, vec![], vec![], "<p>hi</p>")
}

/// A captured real board: the file's bytes are served as they are.
pub fn captured(name: &str, raw: &str) -> BoardData {
    let parsed: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
    let jobs = parsed["jobs"].as_array().cloned().unwrap_or_default();
    let mut departments: Vec<Value> = Vec::new();
    let mut offices: Vec<Value> = Vec::new();
    for j in &jobs {
        for d in j["departments"].as_array().into_iter().flatten() {
            if !departments.iter().any(|x| x["id"] == d["id"]) {
                departments.push(d.clone());
            }
        }
        for o in j["offices"].as_array().into_iter().flatten() {
            if !offices.iter().any(|x| x["id"] == o["id"]) {
                offices.push(o.clone());
            }
        }
    }
    for d in &mut departments {
        let stubs: Vec<Value> =
            jobs.iter().filter(|j| j["departments"].as_array().is_some_and(|ds| ds.iter().any(|x| x["id"] == d["id"]))).map(stub).collect();
        d["jobs"] = Value::Array(stubs);
    }
    let company = jobs.first().and_then(|j| j["company_name"].as_str()).unwrap_or(name).to_string();
    BoardData { name: company, intro: String::new(), jobs_raw: raw.to_string(), jobs, departments, offices, api_key: String::new() }
}

macro_rules! fixture {
    ($file:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $file))
    };
}

/// Every board the fake knows, by token.
pub fn all_boards() -> Vec<(String, BoardData)> {
    let mut boards = vec![
        (DEMO_BOARD.to_string(), northwind()),
        ("empty".to_string(), empty()),
        ("hostile".to_string(), hostile()),
        ("phonepe".to_string(), captured("phonepe", fixture!("jobboard-phonepe-jobs-content.json"))),
        ("janestreet".to_string(), captured("janestreet", fixture!("jobboard-janestreet-jobs-content-trimmed.json"))),
        ("coinbase".to_string(), captured("coinbase", fixture!("jobboard-coinbase-jobs-content-trimmed.json"))),
        ("airbnb".to_string(), captured("airbnb", fixture!("jobboard-airbnb-jobs-content-trimmed.json"))),
        ("discord".to_string(), captured("discord", fixture!("jobboard-discord-jobs-content-one-job.json"))),
    ];
    for (token, b) in &mut boards {
        b.api_key = job_board_api_key(token);
    }
    boards
}

/// The fake's Job Board API key for a board (tests and the demo configure the worker with it).
pub fn job_board_api_key(token: &str) -> String {
    format!("fake-jb-key-{token}-0d031d8227eafa61")
}
