//! Applications through the real worker under `wrangler dev`: validation, the proxy to the
//! fake Greenhouse with the Job Board key, the D1 outbox, idempotency and rate limits.

use e2e::{stack, Fault};
use greenhouse_fake::seed;
use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use shared::api::{BoardListing, ErrorBody, JobDetail};

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
    let f = d.form.as_ref().expect("the job's form");
    let q = |label: &str| f.questions.iter().find(|q| q.label.starts_with(label)).unwrap().fields[0].name.clone();
    let mut form = Form::new()
        .text("_submission_id", submission.to_string())
        .text("_gh_src", "linkedin")
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", "ada@example.com")
        .text("phone", "+44 20 7946 0958")
        .text(q("Are you legally"), "1")
        .text(q("Which of these"), "11")
        .text(q("Which of these"), "13")
        .text("gender", "2")
        .text("not_a_question", "dropped")
        .part("resume", Part::bytes(b"%PDF-1.4 resume".to_vec()).file_name("ada-cv.pdf"));
    if d.job.id.is_multiple_of(2) {
        form = form.text("gdpr_processing_consent_given", "true");
    }
    form
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

#[test]
fn every_validation_rule_answers_422_and_nothing_reaches_greenhouse() {
    let board = "northwind--apply-422";
    let d = detail(board, |id| id.is_multiple_of(2));
    let cases: Vec<(&str, Box<dyn Fn(Form) -> Form>, &str, &str)> = vec![
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
        &[("TURNSTILE_SECRET", greenhouse_fake::routes::TURNSTILE_SECRET), ("TURNSTILE_VERIFY_URL", &verify), ("JOB_BOARD_API_KEYS", &keys)],
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
}
