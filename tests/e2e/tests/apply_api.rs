//! Applications through the real worker under `wrangler dev`: validation, the proxy to the
//! fake Greenhouse with the Job Board key, the D1 outbox, idempotency and rate limits.

use e2e::{stack, Fault};
use greenhouse_fake::seed;
use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use shared::api::{BoardListing, ErrorBody, JobDetail};
use shared::apply::ApplyForm;

fn key() -> String {
    seed::job_board_api_key("northwind")
}

fn detail(board: &str, pick: impl Fn(&u64) -> bool) -> JobDetail {
    let base = &stack().worker.base;
    let l: BoardListing = Client::new().get(format!("{base}/api/v1/boards/{board}/jobs")).send().unwrap().json().unwrap();
    let id = l.jobs.iter().map(|j| j.id).find(|id| pick(id)).unwrap();
    Client::new().get(format!("{base}/api/v1/boards/{board}/jobs/{id}")).send().unwrap().json().unwrap()
}

/// A complete application for a job of the fake (even ids ask for GDPR consent and have
/// demographic questions).
fn good_form(d: &JobDetail, submission: &str) -> Form {
    form_for(d.form.as_ref().expect("the job's form"), d.job.id, submission)
}

fn form_for(f: &ApplyForm, job_id: u64, submission: &str) -> Form {
    e2e::application_form(f, job_id, submission, "ada@example.com")
}

fn post(board: &str, job: u64, form: Form, ip: &str) -> Response {
    Client::new()
        .post(format!("{}/api/v1/boards/{board}/jobs/{job}/applications", stack().worker.base))
        .header("CF-Connecting-IP", ip)
        .multipart(form)
        .send()
        .unwrap()
}

fn received(board: &str) -> Vec<greenhouse_fake::ReceivedApplication> {
    stack().fake.applications().into_iter().filter(|a| a.board == board).collect()
}

#[test]
fn a_valid_application_reaches_greenhouse_with_the_key_and_source() {
    let board = "northwind--apply-ok";
    let d = detail(board, |id| id.is_multiple_of(2));
    let r = post(board, d.job.id, good_form(&d, "ok-0000000001"), "203.0.113.47");
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    let got = received(board);
    assert_eq!(got.len(), 1);
    let a = &got[0];
    assert_eq!(a.job_id, d.job.id);
    use base64::Engine;
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:", key())));
    assert_eq!(a.authorization.as_deref(), Some(expected.as_str()), "Basic auth with the Job Board key");
    let f = |k: &str| a.fields.get(k).cloned().unwrap_or_default();
    assert_eq!(f("first_name"), vec!["Ada"]);
    assert_eq!(f("email"), vec!["ada@example.com"]);
    assert_eq!(f("mapped_url_token"), vec!["linkedin"], "gh_src becomes mapped_url_token");
    assert_eq!(f("applicant_ip"), vec!["203.0.113.47"]);
    assert_eq!(f("gender"), vec!["2"]);
    assert_eq!(
        f("data_compliance"),
        vec![r#"{"gdpr_demographic_data_consent_given":false,"gdpr_processing_consent_given":true}"#],
        "the required consent given, the optional one not"
    );
    let multi = d.form.as_ref().unwrap().questions.iter().find(|q| q.label.starts_with("Which of these")).unwrap().fields[0].name.clone();
    assert_eq!(f(&multi), vec!["11", "13"]);
    assert!(!a.fields.contains_key("not_a_question") && !a.fields.contains_key("_submission_id"), "only known fields");
    assert_eq!(a.files.get("resume"), Some(&("ada-cv.pdf".to_string(), 15)));
}

/// A change to a good form that breaks one rule.
type Edit = Box<dyn Fn(Form) -> Form>;

#[test]
fn every_validation_rule_answers_422_and_nothing_reaches_greenhouse() {
    let board = "northwind--apply-422";
    let d = detail(board, |id| id.is_multiple_of(2));
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        ("missing last name", Box::new(|f: Form| f.text("last_name", "")), "last_name", "required"),
        ("bad email", Box::new(|f: Form| f.text("email", "ada@")), "email", "invalid_email"),
        ("url in name", Box::new(|f: Form| f.text("first_name", "Ada http://spam.example")), "first_name", "contains_url"),
        ("long name", Box::new(|f: Form| f.text("last_name", "x".repeat(256))), "last_name", "too_long"),
        ("bad phone", Box::new(|f: Form| f.text("phone", "call me maybe")), "phone", "invalid_phone"),
        ("bad option", Box::new(|f: Form| f.text("gender", "9")), "gender", "invalid_option"),
        ("bad file type", Box::new(|f: Form| f.part("resume", Part::bytes(b"MZ".to_vec()).file_name("cv.exe"))), "resume", "file_type"),
        ("empty file", Box::new(|f: Form| f.part("resume", Part::bytes(Vec::new()).file_name("cv.pdf"))), "resume", "file_empty"),
        ("huge file", Box::new(|f: Form| f.part("resume", Part::bytes(vec![b'a'; 1_400_001]).file_name("cv.txt"))), "resume", "file_too_large"),
        ("no consent", Box::new(|f: Form| f.text("gdpr_processing_consent_given", "false")), "gdpr_processing_consent_given", "consent_required"),
    ];
    for (i, (what, edit, field, code)) in cases.into_iter().enumerate() {
        // The edit replaces a good value: build the good form without that field first.
        let base = strip(good_form(&d, &format!("bad-{i:010}")), field, &d);
        let r = post(board, d.job.id, edit(base), &format!("198.51.100.{i}"));
        assert_eq!(r.status(), 422, "{what}");
        let e: ErrorBody = r.json().unwrap();
        assert_eq!(e.error.code, "validation_failed", "{what}");
        let fields: Vec<(String, String)> =
            e.fields.iter().map(|f| (f.field.clone(), serde_json::to_value(f.code).unwrap().as_str().unwrap().to_string())).collect();
        assert_eq!(fields, vec![(field.to_string(), code.to_string())], "{what}");
    }
    assert!(received(board).is_empty(), "nothing invalid reached Greenhouse");
}

/// `good_form` without `field` (multipart forms cannot remove a part, so rebuild).
fn strip(_good: Form, field: &str, d: &JobDetail) -> Form {
    let f = d.form.as_ref().unwrap();
    let q = |label: &str| f.questions.iter().find(|q| q.label.starts_with(label)).unwrap().fields[0].name.clone();
    let mut parts: Vec<(String, String)> = vec![
        ("_submission_id".into(), String::new()),
        ("first_name".into(), "Ada".into()),
        ("last_name".into(), "Lovelace".into()),
        ("email".into(), "ada@example.com".into()),
        ("phone".into(), "+44 20 7946 0958".into()),
        (q("Are you legally"), "1".into()),
        ("gender".into(), "2".into()),
        ("gdpr_processing_consent_given".into(), "true".into()),
    ];
    parts.retain(|(k, _)| k != field && k != "_submission_id");
    let mut form = Form::new().text("_submission_id", format!("strip-{}-{:08}", field.len(), rand_suffix()));
    for (k, v) in parts {
        form = form.text(k, v);
    }
    if field != "resume" {
        form = form.part("resume", Part::bytes(b"%PDF".to_vec()).file_name("cv.pdf"));
    }
    form
}

fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[test]
fn the_same_submission_twice_is_sent_once() {
    let board = "northwind--apply-once";
    let d = detail(board, |id| id % 2 == 1);
    assert_eq!(post(board, d.job.id, good_form(&d, "once-000000001"), "192.0.2.10").status(), 201);
    assert_eq!(post(board, d.job.id, good_form(&d, "once-000000001"), "192.0.2.10").status(), 201, "same answer");
    assert_eq!(received(board).len(), 1, "one candidate in Greenhouse");
}

#[test]
fn greenhouse_down_queues_the_application_and_the_cron_delivers_it_once() {
    let s = stack();
    let board = "northwind--apply-outbox";
    let d = detail(board, |id| id % 2 == 1);
    s.fake.set_fault(board, Fault::Down);
    let r = post(board, d.job.id, good_form(&d, "outbox-00000001"), "192.0.2.20");
    assert_eq!(r.status(), 202, "accepted into the outbox");
    assert_eq!(r.json::<Value>().unwrap()["status"], "queued");
    assert!(received(board).is_empty());
    s.worker.run_cron();
    assert!(received(board).is_empty(), "still down: still queued");
    s.fake.set_fault(board, Fault::None);
    s.worker.run_cron();
    assert_eq!(received(board).len(), 1, "delivered when Greenhouse recovered");
    assert_eq!(received(board)[0].files.get("resume").map(|f| f.1), Some(15), "with its file");
    s.worker.run_cron();
    assert_eq!(post(board, d.job.id, good_form(&d, "outbox-00000001"), "192.0.2.20").status(), 201, "now reported delivered");
    assert_eq!(received(board).len(), 1, "exactly once");
}

#[test]
fn a_200_with_an_error_from_greenhouse_is_a_failure() {
    let s = stack();
    let board = "northwind--apply-rejected";
    let d = detail(board, |id| id % 2 == 1);
    s.fake.set_fault(board, Fault::RejectApplications);
    let r = post(board, d.job.id, good_form(&d, "rejected-000001"), "192.0.2.30");
    assert_eq!(r.status(), 502);
    let e: ErrorBody = r.json().unwrap();
    assert_eq!(e.error.code, "application_rejected");
    assert!(e.error.message.contains("Job application not live"), "{}", e.error.message);
    s.worker.run_cron();
    assert!(received(board).is_empty(), "a definitive no is not retried");
}

#[test]
fn the_rate_limit_trips_with_429() {
    let board = "northwind--apply-limit";
    let d = detail(board, |id| id % 2 == 1);
    let mut statuses = Vec::new();
    for i in 0..14 {
        let form = Form::new().text("_submission_id", format!("limit-{i:09}")).text("first_name", "");
        statuses.push(post(board, d.job.id, form, "192.0.2.99").status().as_u16());
    }
    assert!(statuses[..10].iter().all(|s| *s == 422), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    // Another client is not limited by this one.
    let form = Form::new().text("_submission_id", "limit-other0001").text("first_name", "");
    assert_eq!(post(board, d.job.id, form, "192.0.2.100").status(), 422);
}

#[test]
fn the_job_board_key_appears_in_no_response_and_no_log() {
    let s = stack();
    let board = "northwind--apply-secret";
    let d = detail(board, |id| id % 2 == 1);
    let mut bodies = Vec::new();
    bodies.push(post(board, d.job.id, good_form(&d, "secret-00000001"), "192.0.2.40").text().unwrap());
    bodies.push(post(board, d.job.id, Form::new().text("_submission_id", "secret-00000002"), "192.0.2.40").text().unwrap());
    s.fake.set_fault(board, Fault::RejectApplications);
    bodies.push(post(board, d.job.id, good_form(&d, "secret-00000003"), "192.0.2.40").text().unwrap());
    let base = &s.worker.base;
    bodies.push(Client::new().get(format!("{base}/api/v1/boards/{board}/jobs/{}", d.job.id)).send().unwrap().text().unwrap());
    bodies.push(Client::new().get(format!("{base}/boards/{board}/jobs/{}", d.job.id)).send().unwrap().text().unwrap());
    let k = key();
    for b in &bodies {
        assert!(!b.contains(&k), "key in a response: {b}");
    }
    assert!(!s.worker.logs().contains(&k), "key in the worker's log");
}

#[test]
fn bad_requests_are_refused_clearly() {
    let board = "northwind--apply-422";
    let d = detail(board, |id| id % 2 == 1);
    let r = post(board, d.job.id, Form::new().text("first_name", "Ada"), "192.0.2.50");
    assert_eq!(r.status(), 400, "no submission id");
    let r = post(board, 1234, good_form(&d, "nojob-00000001"), "192.0.2.50");
    assert_eq!(r.status(), 404);
    let r = post("northwind--no-key", d.job.id, good_form(&d, "nokey-00000001"), "192.0.2.50");
    assert_eq!(r.status(), 503);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "not_configured");
    // The honeypot: "received", and nothing sent.
    let r = post(board, d.job.id, good_form(&d, "honey-00000001").text("website_url", "http://bot.example"), "192.0.2.50");
    assert_eq!(r.status(), 202);
    assert!(received(board).is_empty());
}

/// With Turnstile configured, an application needs a token Cloudflare accepts.
#[test]
fn turnstile_is_required_when_configured() {
    let s = stack();
    let verify = format!("{}/turnstile/v0/siteverify", s.fake_url);
    let keys = e2e::job_board_keys();
    let w = e2e::Worker::start(
        &s.fake_url,
        &[
            ("TURNSTILE_SECRET", greenhouse_fake::routes::TURNSTILE_SECRET),
            ("TURNSTILE_VERIFY_URL", &verify),
            ("JOB_BOARD_API_KEYS", &keys),
            ("VAULT_KEY", xtask::DEMO_VAULT_KEY),
        ],
    );
    let board = "northwind--apply-turnstile";
    let l: BoardListing = Client::new().get(format!("{}/api/v1/boards/{board}/jobs", w.base)).send().unwrap().json().unwrap();
    let job = l.jobs.iter().find(|j| j.id % 2 == 1).unwrap().id;
    let d: JobDetail = Client::new().get(format!("{}/api/v1/boards/{board}/jobs/{job}", w.base)).send().unwrap().json().unwrap();
    let send = |form: Form| Client::new().post(format!("{}/api/v1/boards/{board}/jobs/{job}/applications", w.base)).multipart(form).send().unwrap();
    let r = send(good_form(&d, "turnstile-000001"));
    assert_eq!(r.status(), 403, "no token");
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "challenge_failed");
    assert_eq!(send(good_form(&d, "turnstile-000002").text("cf-turnstile-response", "forged")).status(), 403);
    let before = received(board).len();
    let ok = send(good_form(&d, "turnstile-000003").text("cf-turnstile-response", greenhouse_fake::routes::TURNSTILE_PASS));
    assert_eq!(ok.status(), 201, "{}", ok.text().unwrap_or_default());
    assert_eq!(received(board).len(), before + 1);
    // Issue 9: the client's network retry (Turnstile tokens are single-use, so it has none
    // left) gets its first answer, not a 403.
    let retry = send(good_form(&d, "turnstile-000003"));
    assert_eq!(retry.status(), 201, "{}", retry.text().unwrap_or_default());
    assert_eq!(received(board).len(), before + 1, "and nothing is sent twice");
}

/// A job's questions read from the fake directly, so the worker has never seen them.
fn questions_behind_the_workers_back(board: &str, job: u64) -> ApplyForm {
    let url = format!("{}/v1/boards/{board}/jobs/{job}?questions=true", stack().fake_url);
    let j: shared::greenhouse::job_board::Job = Client::new().get(url).send().unwrap().json().unwrap();
    gh_worker::snapshot::apply_form(&j)
}

fn listing(board: &str) -> BoardListing {
    Client::new().get(format!("{}/api/v1/boards/{board}/jobs", stack().worker.base)).send().unwrap().json().unwrap()
}

use e2e::owner_call as owner;

fn connect(org: &str, board: &str) {
    let body = serde_json::json!({"board_token": board, "api_key": key()});
    let r = owner(reqwest::Method::PUT, org, "/connection/job_board", Some(body));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
}

fn row(id: &str) -> Value {
    stack().worker.d1(&format!("SELECT status, body_kind, body, key_id, last_error, final_at FROM applications WHERE id = '{id}'"))[0].clone()
}

/// Issue 9: during an outage, an application for a job whose questions this worker never
/// read lost every custom, EEOC, demographic and consent answer (the fallback form kept
/// only name, email, phone, resume). Now the submission is kept as sent and mapped with
/// the job's real questions at delivery.
#[test]
fn an_outage_loses_no_answer_even_for_a_job_never_read_before() {
    let s = stack();
    let board = "northwind--apply-raw";
    let job = listing(board).jobs.iter().map(|j| j.id).find(|id| id.is_multiple_of(2)).unwrap();
    let form = questions_behind_the_workers_back("northwind", job);
    s.fake.set_fault(board, Fault::Down);
    let r = post(board, job, form_for(&form, job, "raw-0000000001"), "192.0.2.60");
    assert_eq!(r.status(), 202, "{}", r.text().unwrap_or_default());
    let stored = row("raw-0000000001");
    assert_eq!(stored["status"], "queued");
    assert_eq!(stored["body_kind"], "raw", "kept as sent: no copy of the questions existed");
    let body = stored["body"].as_str().unwrap();
    assert!(!body.contains("Lovelace") && !body.contains("ada@example.com"), "answers are sealed at rest");
    let file = s.worker.d1("SELECT content_base64 FROM application_files WHERE application_id = 'raw-0000000001'");
    use base64::Engine;
    let plain = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 resume");
    assert_ne!(file[0]["content_base64"].as_str().unwrap(), plain, "files are sealed at rest");

    s.fake.set_fault(board, Fault::None);
    s.worker.run_cron();
    let got = received(board);
    assert_eq!(got.len(), 1, "delivered after recovery");
    let a = &got[0];
    let f = |k: &str| a.fields.get(k).cloned().unwrap_or_default();
    let multi = form.questions.iter().find(|q| q.label.starts_with("Which of these")).unwrap().fields[0].name.clone();
    let legal = form.questions.iter().find(|q| q.label.starts_with("Are you legally")).unwrap().fields[0].name.clone();
    assert_eq!(f("first_name"), vec!["Ada"]);
    assert_eq!(f(&legal), vec!["1"], "a custom question");
    assert_eq!(f(&multi), vec!["11", "13"], "a multi-select question");
    assert_eq!(f("gender"), vec!["2"], "an EEOC answer");
    assert!(f("data_compliance")[0].contains(r#""gdpr_processing_consent_given":true"#), "the consent: {:?}", f("data_compliance"));
    assert_eq!(f("mapped_url_token"), vec!["linkedin"]);
    assert_eq!(a.files.get("resume"), Some(&("ada-cv.pdf".to_string(), 15)), "with its file");
    assert_eq!(row("raw-0000000001")["body"], Value::Null, "answers deleted once delivered");
}

/// Issue 9: a 401 from Greenhouse (a rotated key) made the outbox delete the application and
/// told the candidate Greenhouse's words about our credentials. Now it waits, owners are
/// told, and it goes out once the key is fixed.
#[test]
fn a_refused_key_keeps_the_application_until_an_owner_fixes_it() {
    let s = stack();
    let (org, board) = ("keyfix-org", "northwind--apply-keyfix");
    connect(org, board);
    let job = listing(board).jobs.iter().map(|j| j.id).find(|id| id % 2 == 1).unwrap();
    let d: JobDetail = Client::new().get(format!("{}/api/v1/boards/{board}/jobs/{job}", s.worker.base)).send().unwrap().json().unwrap();
    s.fake.set_fault(board, Fault::RefuseKey);
    let r = post(board, job, good_form(&d, "keyfix-0000001"), "192.0.2.61");
    assert_eq!(r.status(), 202, "the candidate's application is safe");
    let text = r.text().unwrap();
    assert!(text.contains("queued") && !text.contains("Basic") && !text.contains("credentials"), "{text}");
    assert_eq!(row("keyfix-0000001")["status"], "needs_attention");
    s.worker.run_cron();
    assert_eq!(row("keyfix-0000001")["status"], "needs_attention", "not retried into oblivion, not deleted");

    let c: shared::owner::Connection = owner(reqwest::Method::GET, org, "/connection", None).json().unwrap();
    assert_eq!(c.pending.needs_attention, 1);
    assert!(c.pending.notice().unwrap().starts_with("1 application waiting: the Job Board key was refused"));
    let list: shared::owner::PendingApplications = owner(reqwest::Method::GET, org, "/applications", None).json().unwrap();
    assert_eq!(list.applications.len(), 1);
    assert_eq!(list.applications[0].state, shared::owner::ApplicationState::NeedsAttention);
    assert_eq!(list.applications[0].job_id, job);
    // Another org sees nothing of it.
    let other: shared::owner::PendingApplications = owner(reqwest::Method::GET, "other-org", "/applications", None).json().unwrap();
    assert!(other.applications.is_empty());

    // The owner fixes the key: it is delivered at the next cron run, with its answers.
    s.fake.set_fault(board, Fault::None);
    connect(org, board);
    s.worker.run_cron();
    assert_eq!(received(board).len(), 1);
    assert_eq!(received(board)[0].fields.get("last_name").cloned(), Some(vec!["Lovelace".to_string()]));
    assert_eq!(row("keyfix-0000001")["status"], "delivered");
}

/// Issue 9: a refused application stays visible to owners with its reason; they can export
/// it, retry it, or dismiss it (which deletes its answers).
#[test]
fn owners_see_retry_export_and_dismiss_failed_applications() {
    let s = stack();
    let (org, board) = ("failed-org", "northwind--apply-failed");
    connect(org, board);
    let job = listing(board).jobs.iter().map(|j| j.id).find(|id| id % 2 == 1).unwrap();
    let d: JobDetail = Client::new().get(format!("{}/api/v1/boards/{board}/jobs/{job}", s.worker.base)).send().unwrap().json().unwrap();
    s.fake.set_fault(board, Fault::RejectApplications);
    assert_eq!(post(board, job, good_form(&d, "failed-0000001"), "192.0.2.62").status(), 502);
    assert_eq!(post(board, job, good_form(&d, "failed-0000002"), "192.0.2.62").status(), 502);
    let list: shared::owner::PendingApplications = owner(reqwest::Method::GET, org, "/applications", None).json().unwrap();
    assert_eq!(list.counts.failed, 2);
    assert!(list.applications.iter().all(|a| a.reason.as_deref() == Some("Job application not live")));

    let export: Value = owner(reqwest::Method::GET, org, "/applications/failed-0000001", None).json().unwrap();
    assert_eq!(export["answers"]["first_name"], "Ada");
    assert_eq!(export["files"][0]["filename"], "ada-cv.pdf");
    assert_eq!(owner(reqwest::Method::GET, "other-org", "/applications/failed-0000001", None).status(), 404, "another org cannot read it");

    s.fake.set_fault(board, Fault::None);
    assert_eq!(owner(reqwest::Method::POST, org, "/applications/failed-0000001/retry", None).status(), 200);
    s.worker.run_cron();
    assert_eq!(received(board).len(), 1, "the retried one was delivered");
    assert_eq!(owner(reqwest::Method::POST, org, "/applications/failed-0000002/dismiss", None).status(), 200);
    let after = row("failed-0000002");
    assert_eq!((after["status"].as_str(), after["body"].is_null()), (Some("dismissed"), true));
    let list: shared::owner::PendingApplications = owner(reqwest::Method::GET, org, "/applications", None).json().unwrap();
    assert!(list.applications.is_empty(), "{:?}", list.applications);

    // Past the retention period, final rows are purged by the cron.
    s.worker.d1("UPDATE applications SET final_at = 1 WHERE id IN ('failed-0000001', 'failed-0000002')");
    s.worker.run_cron();
    assert!(s.worker.d1("SELECT id FROM applications WHERE id LIKE 'failed-%'").as_array().unwrap().is_empty());
}

/// Issue 9: the same submission id with another body answered the earlier outcome; now 409.
#[test]
fn the_same_submission_id_with_another_body_is_a_conflict() {
    let board = "northwind--apply-conflict";
    let d = detail(board, |id| id % 2 == 1);
    assert_eq!(post(board, d.job.id, good_form(&d, "conflict-00001"), "192.0.2.63").status(), 201);
    let r = post(board, d.job.id, good_form(&d, "conflict-00001").text("first_name", "Eve"), "192.0.2.63");
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "conflict");
    assert_eq!(received(board).len(), 1);
}

/// Issue 9: only the first file of a field was checked, and files under text fields were
/// silently accepted.
#[test]
fn every_file_is_checked_and_files_go_only_under_file_fields() {
    let board = "northwind--apply-files";
    let d = detail(board, |id| id % 2 == 1);
    let two = good_form(&d, "files-00000001").part("resume", Part::bytes(b"MZ".to_vec()).file_name("evil.exe"));
    let r = post(board, d.job.id, two, "192.0.2.64");
    assert_eq!(r.status(), 422);
    let fields: Vec<String> = r.json::<ErrorBody>().unwrap().fields.into_iter().map(|f| f.field).collect();
    assert!(fields.iter().all(|f| f == "resume") && !fields.is_empty(), "{fields:?}");
    let misplaced = good_form(&d, "files-00000002").part("first_name", Part::bytes(b"%PDF".to_vec()).file_name("x.pdf"));
    let r = post(board, d.job.id, misplaced, "192.0.2.64");
    assert_eq!(r.status(), 422);
    assert!(received(board).is_empty());
    assert!(stack().worker.d1("SELECT id FROM applications WHERE id LIKE 'files-%'").as_array().unwrap().is_empty(), "nothing recorded");
}

/// Issue 9: a body past the cap is refused even without a Content-Length (chunked).
#[test]
fn an_oversized_chunked_body_is_refused() {
    let board = "northwind--apply-files";
    let d = detail(board, |id| id % 2 == 1);
    let chunks = (0..50).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 100_000]));
    let body = reqwest::blocking::Body::new(ChunkedReader::new(chunks));
    let r = Client::new()
        .post(format!("{}/api/v1/boards/{board}/jobs/{}/applications", stack().worker.base, d.job.id))
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body(body)
        .send()
        .unwrap();
    assert_eq!(r.status(), 413);
}

/// A reader over chunks, so reqwest sends the body chunked (no Content-Length).
struct ChunkedReader<I> {
    chunks: I,
    current: std::io::Cursor<Vec<u8>>,
}

impl<I: Iterator<Item = std::io::Result<Vec<u8>>>> ChunkedReader<I> {
    fn new(chunks: I) -> Self {
        Self { chunks, current: std::io::Cursor::new(Vec::new()) }
    }
}

impl<I: Iterator<Item = std::io::Result<Vec<u8>>>> std::io::Read for ChunkedReader<I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            match self.chunks.next() {
                Some(c) => self.current = std::io::Cursor::new(c?),
                None => return Ok(0),
            }
        }
    }
}

/// Review finding: applications were found by board, so an org that connected a board after
/// another had removed it could read the first org's candidates. They belong to the org
/// that owned the board when they arrived.
#[test]
fn applications_stay_with_the_org_that_owned_the_board_when_they_came() {
    let s = stack();
    let (a, b, board) = ("moved-org-a", "moved-org-b", "northwind--apply-moved");
    connect(a, board);
    let job = listing(board).jobs.iter().map(|j| j.id).find(|id| id % 2 == 1).unwrap();
    let d: JobDetail = Client::new().get(format!("{}/api/v1/boards/{board}/jobs/{job}", s.worker.base)).send().unwrap().json().unwrap();
    s.fake.set_fault(board, Fault::RejectApplications);
    assert_eq!(post(board, job, good_form(&d, "moved-00000001"), "192.0.2.70").status(), 502);
    s.fake.set_fault(board, Fault::None);
    assert_eq!(owner(reqwest::Method::DELETE, a, "/connection/job_board", None).status(), 200);
    connect(b, board);
    let seen_by_b: shared::owner::PendingApplications = owner(reqwest::Method::GET, b, "/applications", None).json().unwrap();
    assert!(seen_by_b.applications.is_empty(), "the new owner of the board sees none of the old one's candidates");
    assert_eq!(owner(reqwest::Method::GET, b, "/applications/moved-00000001", None).status(), 404);
    assert_eq!(owner(reqwest::Method::POST, b, "/applications/moved-00000001/dismiss", None).status(), 404);
    let seen_by_a: shared::owner::PendingApplications = owner(reqwest::Method::GET, a, "/applications", None).json().unwrap();
    assert_eq!(seen_by_a.applications.len(), 1, "the org it came to still has it");
}

/// Review finding: with Greenhouse down and no copy of the board anywhere, the route answered
/// 502 and the candidate's application was gone. Now it is kept and delivered later.
#[test]
fn an_application_to_a_board_no_cache_holds_is_kept_while_greenhouse_is_down() {
    let s = stack();
    let board = "northwind--apply-cold";
    let job = seed::northwind().jobs.iter().map(|j| j["id"].as_u64().unwrap()).find(|id| id % 2 == 1).unwrap();
    let form = questions_behind_the_workers_back("northwind", job);
    s.fake.set_fault(board, Fault::Down);
    let r = post(board, job, form_for(&form, job, "cold-000000001"), "192.0.2.80");
    assert_eq!(r.status(), 202, "{}", r.text().unwrap_or_default());
    s.fake.set_fault(board, Fault::None);
    s.worker.run_cron();
    let got = received(board);
    assert_eq!(got.len(), 1);
    let legal = form.questions.iter().find(|q| q.label.starts_with("Are you legally")).unwrap().fields[0].name.clone();
    assert_eq!(got[0].fields.get(&legal).cloned(), Some(vec!["1".to_string()]), "with its custom answer");
}

/// Review finding: a flood that keeps Greenhouse refusing could grow D1 without bound. Past
/// the per-board cap of waiting applications, new ones are refused with 503.
#[test]
fn a_board_with_too_many_waiting_applications_refuses_new_ones() {
    let s = stack();
    let board = "northwind--apply-busy";
    let d = detail(board, |id| id % 2 == 1);
    let values: Vec<String> = (0..2000).map(|i| format!("('busy-{i:010}', '{board}', {}, 'queued', 99999999999999, 0, 0)", d.job.id)).collect();
    for chunk in values.chunks(500) {
        s.worker.d1(&format!(
            "INSERT INTO applications (id, board, job_id, status, next_attempt_at, created_at, updated_at) VALUES {}",
            chunk.join(", ")
        ));
    }
    let r = post(board, d.job.id, good_form(&d, "busy-new-00001"), "192.0.2.81");
    assert_eq!(r.status(), 503);
    assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "busy");
    s.worker.d1(&format!("DELETE FROM applications WHERE board = '{board}'"));
}
