//! Candidates over HTTP: lookups by email and id, attachments behind expiring signed URLs,
//! asynchronous creation through Harvest v1 and v3, Candidate Ingestion, polling
//! applications, and the web hooks a stage change sends.

use base64::Engine;
use greenhouse_fake::candidates::*;
use greenhouse_fake::harvest::{INGESTION_EMAIL, INGESTION_KEY, V1_FULL, V1_PARTIAL, V3_FULL, V3_PARTIAL, V3_USER};
use greenhouse_fake::lite::{self, Reply};
use greenhouse_fake::{sign_webhook, Running};
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn fake() -> Running {
    let f = greenhouse_fake::start(0).await.expect("fake starts");
    f.fake.0.lock().unwrap().harvest.limit = Some(100_000);
    f
}

fn basic(user: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:")))
}

/// A request with JSON body (none for `Value::Null`) and extra headers.
async fn send(f: &Running, method: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let raw = if body.is_null() { String::new() } else { body.to_string() };
    lite::request(method, &format!("{}{path}", f.base_url()), &all, raw.as_bytes()).await.unwrap()
}

async fn v1_get(f: &Running, path: &str) -> Reply {
    lite::get_basic(&format!("{}{path}", f.base_url()), V1_FULL).await.unwrap()
}

/// A Harvest v1 write as user `obo` (no header for `None`).
async fn v1_post(f: &Running, path: &str, obo: Option<&str>, body: &Value) -> Reply {
    let auth = basic(V1_FULL);
    let mut headers = vec![("Authorization", auth.as_str())];
    if let Some(u) = obo {
        headers.push(("On-Behalf-Of", u));
    }
    send(f, "POST", path, &headers, body).await
}

async fn control(f: &Running, path: &str, body: Value) -> Reply {
    lite::post_json(&format!("{}{path}", f.base_url()), &body).await.unwrap()
}

async fn v3_token(f: &Running, client: (&str, &str)) -> String {
    let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", client.0, client.1)));
    let body = format!("grant_type=client_credentials&sub={V3_USER}");
    let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let r = lite::request("POST", &format!("{}/token", f.base_url()), &headers, body.as_bytes()).await.unwrap();
    r.json()["access_token"].as_str().expect("a token").to_string()
}

async fn v3_get(f: &Running, token: &str, path: &str) -> Reply {
    lite::get_bearer(&format!("{}{path}", f.base_url()), token).await.unwrap()
}

async fn v3_post(f: &Running, token: &str, path: &str, body: &Value) -> Reply {
    send(f, "POST", path, &[("Authorization", &format!("Bearer {token}"))], body).await
}

/// Ingestion with the key and `On-Behalf-Of: obo` (no header for `None`).
async fn ingest(f: &Running, method: &str, path: &str, obo: Option<&str>, body: &Value) -> Reply {
    let auth = basic(INGESTION_KEY);
    let mut headers = vec![("Authorization", auth.as_str())];
    if let Some(e) = obo {
        headers.push(("On-Behalf-Of", e));
    }
    send(f, method, path, &headers, body).await
}

fn next(r: &Reply) -> Option<String> {
    r.header("link")?.split(',').find(|l| l.contains("rel=\"next\"")).and_then(|l| Some(l.split_once('<')?.1.split_once('>')?.0.to_string()))
}

fn ids(list: &Value) -> Vec<u64> {
    list.as_array().expect("a list").iter().map(|i| i["id"].as_u64().expect("an id")).collect()
}

#[tokio::test]
async fn lookup_by_email_finds_the_applicant_and_the_prospect_and_nothing_else() {
    let f = fake().await;
    let r = v1_get(&f, &format!("/v1/candidates?email={}", APPLICANT_EMAIL.to_uppercase())).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let list = r.json();
    assert_eq!(ids(&list), [APPLICANT_ID], "the email matches case-insensitively");
    let c = &list[0];
    for key in [
        "id",
        "first_name",
        "last_name",
        "company",
        "title",
        "created_at",
        "updated_at",
        "last_activity",
        "is_private",
        "photo_url",
        "attachments",
        "application_ids",
        "phone_numbers",
        "addresses",
        "email_addresses",
        "website_addresses",
        "social_media_addresses",
        "recruiter",
        "coordinator",
        "can_email",
        "tags",
        "applications",
        "educations",
        "employments",
        "custom_fields",
        "keyed_custom_fields",
    ] {
        assert!(c.get(key).is_some(), "candidate lacks {key}");
    }
    assert_eq!(c["email_addresses"], json!([{"value": APPLICANT_EMAIL, "type": "work"}, {"value": APPLICANT_EMAIL_2, "type": "personal"}]));
    assert!(c["phone_numbers"].as_array().unwrap().iter().all(|p| p["value"].is_string() && p["type"].is_string()));
    assert_eq!(c["recruiter"], json!({"id": 4101, "first_name": "Dana", "last_name": "Ruiz", "name": "Dana Ruiz", "employee_id": "E-4101"}));
    assert_eq!(c["social_media_addresses"][0].as_object().unwrap().len(), 1, "social media has no type");
    let kinds: BTreeSet<&str> = c["attachments"].as_array().unwrap().iter().map(|a| a["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, BTreeSet::from(["cover_letter", "resume"]));
    assert_eq!(c["application_ids"], json!([APPLICANT_APPLICATION_ID]));
    let a = &c["applications"][0];
    assert_eq!((a["id"].as_u64(), a["status"].clone(), a["prospect"].clone()), (Some(APPLICANT_APPLICATION_ID), json!("active"), json!(false)));
    assert_eq!(a["current_stage"]["name"], "Onsite Interview");
    assert!(a["current_stage"]["id"].as_u64().unwrap() > u64::from(u32::MAX));
    assert_eq!(a["jobs"][0]["id"], APPLICANT_JOB_ID);
    assert_eq!(a["jobs"][0]["name"], "Senior Backend Engineer, Fleet API");
    assert_eq!(a["job_post_id"], 4_100_000_002u64, "the live post on the demo board");
    assert!(a["last_activity_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(a["attachments"].as_array().unwrap().len(), 2);
    assert_eq!(a["prospect_detail"], json!({"prospect_pool": null, "prospect_stage": null, "prospect_owner": null}));

    // The second email finds the same person.
    assert_eq!(ids(&v1_get(&f, &format!("/v1/candidates?email={APPLICANT_EMAIL_2}")).await.json()), [APPLICANT_ID]);

    // The prospect.
    let p = v1_get(&f, &format!("/v1/candidates?email={PROSPECT_EMAIL}")).await.json();
    assert_eq!(ids(&p), [PROSPECT_ID]);
    let pa = &p[0]["applications"][0];
    assert_eq!((pa["prospect"].clone(), pa["current_stage"].clone()), (json!(true), Value::Null));
    assert_eq!(pa["prospect_detail"]["prospect_pool"]["name"], "Cold Outreach: Sourced");
    assert_eq!(pa["prospect_detail"]["prospect_stage"]["name"], "Discussed");
    assert_eq!(pa["prospect_detail"]["prospect_owner"], json!({"id": 4101, "name": "Dana Ruiz"}));

    // Nobody else.
    let r = v1_get(&f, "/v1/candidates?email=nobody@northwind-candidates.example").await;
    assert_eq!((r.status, r.json()), (200, json!([])));
    // `email` wins over `candidate_ids`.
    let r = v1_get(&f, &format!("/v1/candidates?email=nobody@example.com&candidate_ids={APPLICANT_ID}")).await;
    assert_eq!(r.json(), json!([]));

    // By ids: the rejection carries its reason.
    let both = v1_get(&f, &format!("/v1/candidates?candidate_ids={APPLICANT_ID},{REJECTED_ID}")).await.json();
    assert_eq!(ids(&both), [APPLICANT_ID, REJECTED_ID]);
    let rej = &both[1]["applications"][0];
    assert_eq!(rej["status"], "rejected");
    assert!(rej["rejected_at"].is_string());
    assert_eq!(rej["rejection_reason"]["name"], "Lacking skill(s)/qualification(s)");
    assert_eq!(rej["rejection_reason"]["type"]["name"], "We rejected them");
    let hired = v1_get(&f, &format!("/v1/candidates/{HIRED_ID}")).await.json();
    assert_eq!((hired["applications"][0]["id"].as_u64(), hired["applications"][0]["status"].clone()), (Some(HIRED_APPLICATION_ID), json!("hired")));
    let job = v1_get(&f, &format!("/v1/jobs/{HIRED_JOB_ID}")).await.json();
    assert!(job["openings"].as_array().unwrap().iter().any(|o| o["application_id"] == HIRED_APPLICATION_ID), "the filled opening points at the hire");

    // Paging keeps the filter; the partial key has the grant.
    let r = v1_get(&f, "/v1/candidates?per_page=1&updated_after=2026-11-01T00:00:00Z").await;
    let n = next(&r).expect("a next page");
    assert!(n.contains("updated_after=2026-11-01T00:00:00Z"), "{n}");
    assert_eq!(lite::get_basic(&format!("{}/v1/candidates", f.base_url()), V1_PARTIAL).await.unwrap().status, 200);
    assert_eq!(v1_get(&f, "/v1/candidates?updated_after=last-tuesday").await.status, 422);
    assert_eq!(v1_get(&f, "/v1/candidates/1").await.status, 404);

    // v3: the same people, no children embedded; the partial client may not read them.
    let token = v3_token(&f, V3_FULL).await;
    let v3 = v3_get(&f, &token, &format!("/v3/candidates?email={PROSPECT_EMAIL}")).await.json();
    assert_eq!(ids(&v3), [PROSPECT_ID]);
    assert!(v3[0].get("applications").is_none() && v3[0]["recruiter_id"] == 4101);
    let apps = v3_get(&f, &token, &format!("/v3/applications?candidate_ids={APPLICANT_ID}")).await.json();
    assert_eq!(ids(&apps), [APPLICANT_APPLICATION_ID]);
    assert_eq!((apps[0]["job_id"].as_u64(), apps[0]["status"].clone()), (Some(APPLICANT_JOB_ID), json!("active")));
    let stages = v3_get(&f, &token, &format!("/v3/job_stages?ids={}", apps[0]["stage_id"])).await.json();
    assert_eq!(stages[0]["name"], "Onsite Interview");
    let partial = v3_token(&f, V3_PARTIAL).await;
    assert_eq!(v3_get(&f, &partial, "/v3/candidates").await.status, 403);
    assert_eq!(v3_get(&f, &partial, "/v3/attachments").await.status, 403);
    assert_eq!(v3_get(&f, &partial, "/v3/users?email=dana.ruiz@northwind.example").await.json()[0]["id"], 4101);
}

#[tokio::test]
async fn attachment_urls_serve_the_file_then_expire() {
    let f = fake().await;
    assert_eq!(control(&f, "/__fake/attachments/ttl", json!({"secs": 1})).await.status, 204);
    let c = v1_get(&f, &format!("/v1/candidates/{APPLICANT_ID}")).await.json();
    let resume = c["attachments"].as_array().unwrap().iter().find(|a| a["type"] == "resume").unwrap().clone();
    let url = resume["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/__fake/attachments/", f.base_url())) && url.contains("expires=") && url.contains("&sig="), "{url}");
    let r = lite::get(url).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert!(r.header("content-disposition").unwrap().starts_with(&format!("attachment; filename=\"{}\"", resume["filename"].as_str().unwrap())));
    assert!(r.body.starts_with(b"%PDF-"));
    // A forged signature, or a moved expiry, is refused.
    let forged = format!("{}{}", &url[..url.len() - 1], if url.ends_with('0') { '1' } else { '0' });
    assert_eq!(lite::get(&forged).await.unwrap().status, 403);
    let (head, sig) = url.split_once("&sig=").unwrap();
    let expires: u64 = head.rsplit_once("expires=").unwrap().1.parse().unwrap();
    let moved = format!("{}expires={}&sig={sig}", head.rsplit_once("expires=").unwrap().0, expires + 3600);
    assert_eq!(lite::get(&moved).await.unwrap().status, 403);

    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = lite::get(url).await.unwrap();
    assert_eq!(r.status, 403, "expired after the TTL");
    assert!(r.text().contains("Request has expired"));
    // A fresh read issues a fresh URL.
    let again = v1_get(&f, &format!("/v1/candidates/{APPLICANT_ID}")).await.json();
    let fresh = again["attachments"][0]["url"].as_str().unwrap().to_string();
    assert_eq!(lite::get(&fresh).await.unwrap().status, 200);
    // Reset puts the 7-day default back.
    control(&f, "/__fake/reset", json!({})).await;
    let c = v1_get(&f, &format!("/v1/candidates/{APPLICANT_ID}")).await.json();
    let url = c["attachments"][0]["url"].as_str().unwrap();
    let expires: u64 = url.split("expires=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap();
    assert!(expires >= now_secs() + 7 * 24 * 3600 - 5);
}

fn new_candidate(email: &str, job: u64) -> Value {
    json!({
        "first_name": "Grace", "last_name": "Hopper", "company": "Navy", "title": "Rear Admiral",
        "phone_numbers": [{"value": "555-1212", "type": "mobile"}],
        "email_addresses": [{"value": email, "type": "personal"}],
        "website_addresses": [{"value": "grace.example.com", "type": "personal"}],
        "social_media_addresses": [{"value": "linkedin.example.com/grace"}],
        "tags": ["COBOL"],
        "applications": [{"job_id": job}],
    })
}

#[tokio::test]
async fn v1_creation_needs_on_behalf_of_and_is_asynchronous() {
    let f = fake().await;
    let body = new_candidate("grace@example.com", APPLICANT_JOB_ID);
    // On-Behalf-Of: required, a user id (an email is "not found"), an existing user.
    assert_eq!(v1_post(&f, "/v1/candidates", None, &body).await.status, 403);
    let r = v1_post(&f, "/v1/candidates", Some(INGESTION_EMAIL), &body).await;
    assert_eq!((r.status, r.json()), (404, json!({"message": "Resource not found"})));
    assert_eq!(v1_post(&f, "/v1/candidates", Some("999999"), &body).await.status, 422);
    // Validation: names, at least one application on an open job.
    let r = v1_post(&f, "/v1/candidates", Some("4101"), &json!({"first_name": "No", "last_name": "Jobs"})).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["field"], "applications");
    let closed = 4_360_000_001u64; // the first extra Harvest job is closed
    assert_eq!(v1_post(&f, "/v1/candidates", Some("4101"), &new_candidate("x@example.com", closed)).await.status, 422);
    let r = lite::request("POST", &format!("{}/v1/candidates", f.base_url()), &[("Authorization", &basic(V1_FULL))], b"{}").await.unwrap();
    assert_eq!(r.status, 403, "no On-Behalf-Of comes before the body");

    // Created: a truncated body, then 404 for two reads, then the candidate.
    let r = v1_post(&f, "/v1/candidates", Some("4101"), &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    assert_eq!(created.as_object().unwrap().keys().collect::<Vec<_>>(), ["applications", "id"]);
    let id = created["id"].as_u64().unwrap();
    let app = created["applications"][0]["id"].as_u64().unwrap();
    assert_eq!(created["applications"][0].as_object().unwrap().len(), 1);
    assert!(id > u64::from(u32::MAX) && app > u64::from(u32::MAX));
    let statuses = [
        v1_get(&f, &format!("/v1/candidates/{id}")).await.status,
        v1_get(&f, &format!("/v1/candidates/{id}")).await.status,
        v1_get(&f, &format!("/v1/candidates/{id}")).await.status,
    ];
    assert_eq!(statuses, [404, 404, 200]);
    let c = v1_get(&f, &format!("/v1/candidates/{id}")).await.json();
    assert_eq!((c["first_name"].clone(), c["email_addresses"][0]["value"].clone()), (json!("Grace"), json!("grace@example.com")));
    assert_eq!(c["applications"][0]["id"], app);
    assert_eq!(c["applications"][0]["current_stage"]["name"], "Application Review");
    assert_eq!(c["social_media_addresses"], json!([{"value": "linkedin.example.com/grace"}]));

    // Lookups hide a new candidate the same way.
    let other = v1_post(&f, "/v1/candidates", Some("4001"), &new_candidate("lookup@example.com", PROSPECT_JOB_ID)).await.json();
    let by_email = "/v1/candidates?email=lookup@example.com";
    assert_eq!(v1_get(&f, by_email).await.json(), json!([]));
    assert_eq!(v1_get(&f, &format!("/v1/candidates?candidate_ids={}", other["id"])).await.json(), json!([]));
    assert_eq!(ids(&v1_get(&f, by_email).await.json()), [other["id"].as_u64().unwrap()]);

    // The fake recorded what it received, and from whom.
    let received = lite::get(&format!("{}/__fake/candidates/received", f.base_url())).await.unwrap().json();
    let list = received["received"].as_array().unwrap();
    let ok: Vec<&Value> = list.iter().filter(|r| r["status"] == 201).collect();
    assert_eq!(ok.len(), 2);
    assert_eq!(
        (ok[0]["path"].clone(), ok[0]["on_behalf_of"].clone(), ok[0]["authorization"].clone()),
        (json!("/v1/candidates"), json!("4101"), json!(basic(V1_FULL)))
    );
    assert_eq!(ok[0]["body"], body);
    assert!(list.iter().any(|r| r["status"] == 403 && r["on_behalf_of"].is_null()), "refusals are recorded too");

    // A prospect, with pool and stage; a new application and an attachment on the applicant.
    let r = v1_post(
        &f,
        "/v1/prospects",
        Some("4101"),
        &json!({"first_name": "Linus", "last_name": "T", "email_addresses": [{"value": "linus@example.com", "type": "work"}],
                "application": {"job_ids": [PROSPECT_JOB_ID]}, "prospect_pool_id": 4_440_000_002u64, "prospect_stage_id": 4_440_000_021u64}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let pid = r.json()["id"].as_u64().unwrap();
    assert_eq!(control(&f, "/__fake/harvest/async", json!({"reads": 0})).await.status, 204);
    let pc = v1_get(&f, &format!("/v1/candidates/{pid}")).await;
    assert_eq!(pc.status, 404, "the prospect still has two reads to go");
    v1_get(&f, &format!("/v1/candidates/{pid}")).await;
    let pc = v1_get(&f, &format!("/v1/candidates/{pid}")).await.json();
    let pa = &pc["applications"][0];
    assert_eq!((pa["prospect"].clone(), pa["jobs"][0]["id"].as_u64()), (json!(true), Some(PROSPECT_JOB_ID)));
    assert_eq!(pa["prospect_detail"]["prospect_pool"]["name"], "Cold Outreach: Referred");
    assert_eq!(pa["prospect_detail"]["prospect_stage"]["name"], "Not Contacted");
    // With reads at 0, creation answers the full object at once, and it reads at once.
    let r = v1_post(&f, "/v1/candidates", Some("4102"), &new_candidate("now@example.com", HIRED_JOB_ID)).await;
    assert_eq!(r.status, 201);
    let full = r.json();
    assert_eq!(full["applications"][0]["current_stage"]["name"], "Application Review");
    assert_eq!(v1_get(&f, &format!("/v1/candidates/{}", full["id"])).await.json(), full);
    let r = v1_post(
        &f,
        &format!("/v1/candidates/{APPLICANT_ID}/applications"),
        Some("4101"),
        &json!({"job_id": REJECTED_JOB_ID, "source_id": 4_470_000_003u64}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!((r.json()["candidate_id"].as_u64(), r.json()["source"]["public_name"].clone()), (Some(APPLICANT_ID), json!("Referral")));
    let r = v1_post(&f, &format!("/v1/candidates/{APPLICANT_ID}/applications"), Some("4101"), &json!({"job_id": REJECTED_JOB_ID})).await;
    assert_eq!(r.status, 422, "already active on that job");
    let pdf = tiny_pdf("portfolio");
    let r = v1_post(
        &f,
        &format!("/v1/candidates/{APPLICANT_ID}/attachments"),
        Some("4101"),
        &json!({"filename": "portfolio.pdf", "type": "admin_only", "content": base64::engine::general_purpose::STANDARD.encode(&pdf),
                "content_type": "application/pdf"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(lite::get(r.json()["url"].as_str().unwrap()).await.unwrap().body, pdf);
    let r = v1_post(
        &f,
        &format!("/v1/candidates/{APPLICANT_ID}/attachments"),
        Some("4101"),
        &json!({"filename": "x.exe", "type": "virus", "content": "AA=="}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(v1_post(&f, "/v1/candidates/1/attachments", Some("4101"), &json!({})).await.status, 404);

    // Reads back to 2: an application added to an existing candidate is hidden by itself.
    control(&f, "/__fake/harvest/async", json!({"reads": 2})).await;
    let r = v1_post(&f, &format!("/v1/candidates/{APPLICANT_ID}/applications"), Some("4101"), &json!({"job_id": HIRED_JOB_ID})).await;
    let new_app = r.json()["id"].as_u64().unwrap();
    assert_eq!(r.json(), json!({"id": new_app, "candidate_id": APPLICANT_ID}));
    let c = v1_get(&f, &format!("/v1/candidates/{APPLICANT_ID}")).await.json();
    assert!(!c["application_ids"].as_array().unwrap().contains(&json!(new_app)), "the candidate shows, without the new application");
    assert_eq!(v1_get(&f, &format!("/v1/applications/{new_app}")).await.status, 404);
    assert_eq!(v1_get(&f, &format!("/v1/applications/{new_app}")).await.json()["candidate_id"], APPLICANT_ID);
}

#[tokio::test]
async fn v3_creates_a_candidate_and_an_application() {
    let f = fake().await;
    let token = v3_token(&f, V3_FULL).await;
    let partial = v3_token(&f, V3_PARTIAL).await;
    let person = json!({"first_name": "Katherine", "last_name": "Johnson", "company": "NASA", "title": "Mathematician",
                        "email_addresses": [{"value": "kj@example.com", "type": "work"}], "phone_numbers": [{"value": "555-0100", "type": "work"}],
                        "website_addresses": [{"value": "https://kj.example.com", "type": "blog"}],
                        "social_media_addresses": [{"value": "https://x.example/kj"}], "recruiter_id": 4101});
    assert_eq!(v3_post(&f, &partial, "/v3/candidates", &person).await.status, 403);
    assert_eq!(v3_post(&f, "not-a-token", "/v3/candidates", &person).await.status, 401);
    let r = v3_post(&f, &token, "/v3/candidates", &person).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_u64().unwrap();
    assert_eq!(r.json(), json!({"id": id}));
    let r = v3_post(&f, &token, "/v3/applications", &json!({"candidate_id": id, "job_id": APPLICANT_JOB_ID})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let app = r.json()["id"].as_u64().unwrap();
    let r = v3_post(
        &f,
        &token,
        "/v3/applications",
        &json!({"candidate_id": id, "prospect": true, "prospect_pool_id": 4_440_000_001u64,
                                                              "prospect_stage_id": 4_440_000_013u64, "job_ids": [PROSPECT_JOB_ID]}),
    )
    .await;
    let prospect_app = r.json()["id"].as_u64().unwrap();
    assert_eq!(v3_post(&f, &token, "/v3/applications", &json!({"candidate_id": 1, "job_id": APPLICANT_JOB_ID})).await.status, 422);
    assert_eq!(v3_post(&f, &token, "/v3/jobs", &json!({})).await.status, 405);

    let path = format!("/v3/candidates?ids={id}");
    assert_eq!(v3_get(&f, &token, &path).await.json(), json!([]));
    assert_eq!(v3_get(&f, &token, &path).await.json(), json!([]));
    let c = v3_get(&f, &token, &path).await.json();
    assert_eq!(ids(&c), [id]);
    assert_eq!((c[0]["company"].clone(), c[0]["recruiter_id"].clone()), (json!("NASA"), json!(4101)));
    assert!(c[0].get("applications").is_none());
    let apps_path = format!("/v3/applications?candidate_ids={id}");
    v3_get(&f, &token, &apps_path).await;
    v3_get(&f, &token, &apps_path).await;
    let apps = v3_get(&f, &token, &apps_path).await.json();
    assert_eq!(ids(&apps), [app, prospect_app]);
    assert_eq!((apps[0]["job_id"].as_u64(), apps[0]["prospect"].clone()), (Some(APPLICANT_JOB_ID), json!(false)));
    assert_eq!((apps[1]["prospective_job_ids"].clone(), apps[1]["prospect_stage_id"].clone()), (json!([PROSPECT_JOB_ID]), json!(4_440_000_013u64)));
    // The same record through Harvest v1 and Ingestion.
    let v1 = v1_get(&f, "/v1/candidates?email=KJ@example.com").await.json();
    assert_eq!(v1[0]["applications"].as_array().unwrap().len(), 2);
    let ing = ingest(&f, "GET", &format!("/v1/partner/candidates?candidate_ids={id}"), Some(INGESTION_EMAIL), &Value::Null).await.json();
    assert_eq!(ing[0]["name"], "Katherine Johnson");

    // `updated_at=gte|…` filters, and the filters survive cursor paging.
    let since = greenhouse_fake::model::harvest_time_ms(greenhouse_fake::model::now_ms() - 60_000);
    let recent = v3_get(&f, &token, &format!("/v3/applications?updated_at=gte|{since}")).await.json();
    assert_eq!(ids(&recent), [app, prospect_app]);
    assert_eq!(v3_get(&f, &token, "/v3/applications?updated_at=soon").await.status, 400);
    let (mut url, mut seen) = (format!("/v3/applications?updated_at=gte|{since}&per_page=1"), Vec::new());
    loop {
        let r = v3_get(&f, &token, &url).await;
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        seen.extend(ids(&r.json()));
        match next(&r) {
            Some(n) => {
                assert!(!n.contains('&'), "the cursor is the only parameter: {n}");
                url = n;
            }
            None => break,
        }
    }
    assert_eq!(seen, [app, prospect_app]);

    // Attachments.
    let r = v3_post(
        &f,
        &token,
        "/v3/attachments",
        &json!({"candidate_id": id, "application_id": app, "filename": "kj.txt", "type": "resume",
                "content": base64::engine::general_purpose::STANDARD.encode("orbital mechanics"), "content_type": "text/plain"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let att = r.json();
    let list = v3_get(&f, &token, &format!("/v3/attachments?candidate_ids={id}")).await.json();
    assert_eq!(ids(&list), [att["id"].as_u64().unwrap()]);
    assert_eq!(list[0]["application_id"], app);
    assert_eq!(lite::get(list[0]["url"].as_str().unwrap()).await.unwrap().text(), "orbital mechanics");
}

#[tokio::test]
async fn ingestion_creates_candidates_finds_them_by_id_and_refuses_without_on_behalf_of() {
    let f = fake().await;
    let prospect = json!({
        "first_name": "Harry", "last_name": "Potter", "company": "Hogwarts", "title": "Student", "external_id": "24680",
        // Greenhouse downloads the resume: here, the seeded resume behind a signed fake URL.
        "resume": format!("{}/__fake/attachments/{APPLICANT_RESUME_ID}?expires={}&sig={}", f.base_url(), now_secs() + 600,
                          attachment_sig(APPLICANT_RESUME_ID, now_secs() + 600)),
        "phone_numbers": [{"phone_number": "123-456-7890", "type": "home"}],
        "emails": [{"email": "hpotter@hogwarts.example", "type": "other"}],
        "social_media": [{"url": "https://twitter.example/hp"}], "websites": [{"url": "https://harry.example", "type": "blog"}],
        "addresses": [{"address": "4 Privet Dr", "type": "home"}],
        "prospect_pool_id": 4_440_000_001u64, "prospect_pool_stage_id": 4_440_000_012u64, "prospect_owner_email": "dana.ruiz@northwind.example",
    });
    // Auth: the key and a user's email, else 401 with Ingestion's error shape.
    for obo in [None, Some("intruder@evil.example"), Some("4001")] {
        let r = ingest(&f, "POST", "/v1/partner/candidates", obo, &prospect).await;
        assert_eq!(r.status, 401, "{obo:?}");
        assert!(r.json()["errors"][0]["message"].is_string());
    }
    let wrong_key = send(&f, "GET", "/v1/partner/jobs", &[("Authorization", &basic(V1_FULL)), ("On-Behalf-Of", INGESTION_EMAIL)], &Value::Null).await;
    assert_eq!(wrong_key.status, 401);

    let r = ingest(&f, "POST", "/v1/partner/candidates", Some(INGESTION_EMAIL), &prospect).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let one = r.json();
    let (id, app) = (one["id"].as_u64().unwrap(), one["application_id"].as_u64().unwrap());
    assert_eq!(one, json!({"id": id, "application_id": app, "external_id": "24680", "profile_url": profile_url(id, app)}));

    // An array: a candidate on a job, and a jobless prospect (prospect defaults to true).
    let batch = json!([
        {"first_name": "Hermione", "last_name": "Granger", "external_id": 13579, "prospect": "false", "job_id": APPLICANT_JOB_ID,
         "emails": [{"email": "hgranger@hogwarts.example", "type": "personal"}]},
        {"first_name": "Ron", "last_name": "Weasley", "external_id": "ron-1"},
    ]);
    let r = ingest(&f, "POST", "/v1/partner/candidates", Some("Dana.Ruiz@northwind.example"), &batch).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let made = r.json();
    assert_eq!(made.as_array().unwrap().len(), 2);
    assert_eq!(made[0]["external_id"], "13579");

    // Rules: external_id required; job_id required when prospect is false.
    let r = ingest(&f, "POST", "/v1/partner/candidates", Some(INGESTION_EMAIL), &json!({"first_name": "No", "last_name": "Id"})).await;
    assert_eq!((r.status, r.json()["errors"][0]["field"].clone()), (422, json!("external_id")));
    let r = ingest(&f, "POST", "/v1/partner/candidates", Some(INGESTION_EMAIL), &json!({"external_id": "x", "prospect": false})).await;
    assert_eq!((r.status, r.json()["errors"][0]["field"].clone()), (422, json!("job_id")));
    let r = ingest(&f, "POST", "/v1/partner/candidates", Some(INGESTION_EMAIL), &json!([{"external_id": "ok"}, {"prospect": true}])).await;
    assert_eq!((r.status, r.json()["errors"][0]["field"].clone()), (422, json!("[1].external_id")), "nothing is made when one fails");

    // GET by ids: always an array.
    let path = format!("/v1/partner/candidates?candidate_ids={id},{},{}", made[0]["id"], 123);
    let got = ingest(&f, "GET", &path, Some(INGESTION_EMAIL), &Value::Null).await.json();
    assert_eq!(ids(&got), [id, made[0]["id"].as_u64().unwrap()], "unknown ids are dropped");
    assert_eq!(got[0]["name"], "Harry Potter");
    assert_eq!(
        got[0]["applications"][0],
        json!({"id": app, "job": null, "status": "Active", "stage": "Had email listed on their blog", "profile_url": profile_url(id, app)})
    );
    assert_eq!(got[1]["applications"][0]["job"], "Senior Backend Engineer, Fleet API");
    assert_eq!(got[1]["applications"][0]["stage"], "Application Review");
    let single = ingest(&f, "GET", &format!("/v1/partner/candidates?candidate_ids={REJECTED_ID}"), Some(INGESTION_EMAIL), &Value::Null).await.json();
    assert!(single.is_array());
    assert_eq!(single[0]["applications"][0]["status"], "Rejected");

    // Harvest finds them by email, with Ingestion's fields mapped to Harvest's.
    let h = v1_get(&f, "/v1/candidates?email=hpotter@hogwarts.example").await.json();
    assert_eq!(ids(&h), [id]);
    assert_eq!(h[0]["phone_numbers"], json!([{"value": "123-456-7890", "type": "home"}]));
    assert_eq!(h[0]["website_addresses"], json!([{"value": "https://harry.example", "type": "blog"}]));
    assert_eq!(h[0]["social_media_addresses"], json!([{"value": "https://twitter.example/hp"}]));
    assert_eq!(h[0]["applications"][0]["prospect_detail"]["prospect_owner"]["id"], 4101);
    assert_eq!(h[0]["applications"][0]["credited_to"]["id"], 4001, "credited to the On-Behalf-Of user");
    // The resume URL was recorded and fetched, named as the download names it.
    let atts = lite::get(&format!("{}/__fake/attachments", f.base_url())).await.unwrap().json();
    let resume = atts["attachments"].as_array().unwrap().iter().find(|a| a["candidate_id"] == id).unwrap().clone();
    assert_eq!((resume["type"].clone(), resume["filename"].clone()), (json!("resume"), json!("Ada_Lindqvist_Resume.pdf")));
    assert_eq!((resume["source_url"].clone(), resume["fetch"].clone()), (prospect["resume"].clone(), json!("200")));
    assert_eq!(
        (resume["content_type"].clone(), resume["size"].as_u64()),
        (json!("application/pdf"), Some(tiny_pdf("Ada Lindqvist - Resume").len() as u64))
    );
    assert_eq!(h[0]["attachments"][0]["type"], "resume");

    // What arrived, with which auth.
    let received = lite::get(&format!("{}/__fake/candidates/received", f.base_url())).await.unwrap().json();
    let r = received["received"].as_array().unwrap().iter().find(|r| r["status"] == 200).unwrap().clone();
    assert_eq!(
        (r["path"].clone(), r["authorization"].clone(), r["on_behalf_of"].clone(), r["body"].clone()),
        (json!("/v1/partner/candidates"), json!(basic(INGESTION_KEY)), json!(INGESTION_EMAIL), prospect)
    );

    // Jobs and prospect pools.
    let jobs = ingest(&f, "GET", "/v1/partner/jobs", Some(INGESTION_EMAIL), &Value::Null).await.json();
    let jobs = jobs.as_array().unwrap();
    assert!(jobs.iter().all(|j| j["status"] == "open"));
    assert!(jobs.iter().any(|j| j["id"] == APPLICANT_JOB_ID && j["public"] == true));
    assert!(jobs.iter().any(|j| j["public"] == false), "open jobs with no live external post");
    let pools = ingest(&f, "GET", "/v1/partner/prospect_pools", Some(INGESTION_EMAIL), &Value::Null).await.json();
    assert_eq!(pools[0]["name"], "Cold Outreach: Sourced");
    assert!(pools[0]["stages"].as_array().unwrap().iter().any(|s| s["name"] == "Discussed"));
    let me = ingest(&f, "GET", "/v1/partner/current_user", Some("dana.ruiz@northwind.example"), &Value::Null).await.json();
    assert_eq!((me["id"].clone(), me["email"].clone()), (json!(4101), json!("dana.ruiz@northwind.example")));
}

#[tokio::test]
async fn polling_applications_sees_a_silent_stage_change() {
    let f = fake().await;
    let t0 = greenhouse_fake::model::harvest_time_ms(greenhouse_fake::model::now_ms());
    let poll = format!("/v1/applications?last_activity_after={t0}");
    assert_eq!(v1_get(&f, &poll).await.json(), json!([]), "the seeds are older");
    let (all, _) = (v1_get(&f, "/v1/applications").await.json(), ());
    assert_eq!(all.as_array().unwrap().len(), 4);

    let hook = json!({"url": format!("{}/__fake/receiver/silent", f.base_url()), "secret": "s"});
    let r =
        control(&f, &format!("/__fake/applications/{APPLICANT_APPLICATION_ID}/stage"), json!({"stage": "Offer", "silent": true, "hook": hook})).await;
    assert_eq!(r.status, 204);
    let d = lite::get(&format!("{}/__fake/receiver/silent", f.base_url())).await.unwrap().json();
    assert_eq!(d["deliveries"], json!([]), "silent: no web hook");
    let seen = v1_get(&f, &poll).await.json();
    assert_eq!(ids(&seen), [APPLICANT_APPLICATION_ID]);
    assert_eq!(seen[0]["current_stage"]["name"], "Offer");
    assert!(seen[0]["last_activity_at"].as_str().unwrap() >= t0.as_str());
    let c = v1_get(&f, &format!("/v1/candidates/{APPLICANT_ID}")).await.json();
    assert!(c["last_activity"].as_str().unwrap() >= t0.as_str() && c["updated_at"] == c["last_activity"]);

    // A rejection, polled by status.
    let r = control(
        &f,
        &format!("/__fake/applications/{APPLICANT_APPLICATION_ID}/stage"),
        json!({"status": "rejected", "rejection_reason": "Candidate withdrew"}),
    )
    .await;
    assert_eq!(r.status, 204);
    let rejected = v1_get(&f, &format!("{poll}&status=rejected")).await.json();
    assert_eq!(ids(&rejected), [APPLICANT_APPLICATION_ID]);
    assert_eq!(rejected[0]["rejection_reason"]["name"], "Candidate withdrew");
    assert!(rejected[0]["rejected_at"].as_str().unwrap() >= t0.as_str());
    assert_eq!(v1_get(&f, "/v1/applications?status=bogus").await.json(), json!([]), "an unknown status lists nothing");
    let by_job = v1_get(&f, &format!("/v1/applications?job_id={PROSPECT_JOB_ID}")).await.json();
    assert_eq!(ids(&by_job), [PROSPECT_APPLICATION_ID], "job_id lists prospects too");

    // Reset puts the seed back.
    control(&f, "/__fake/reset", json!({})).await;
    let a = v1_get(&f, &format!("/v1/applications/{APPLICANT_APPLICATION_ID}")).await.json();
    assert_eq!((a["status"].clone(), a["current_stage"]["name"].clone()), (json!("active"), json!("Onsite Interview")));
}

/// The one delivery a receiver got, checked to be signed with `secret`, and its body.
async fn signed_delivery(f: &Running, name: &str, secret: &str) -> Value {
    let d = lite::get(&format!("{}/__fake/receiver/{name}", f.base_url())).await.unwrap().json();
    let d = d["deliveries"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    let raw = d[0]["body"].as_str().unwrap();
    assert_eq!(d[0]["headers"]["signature"], format!("sha256 {}", sign_webhook(secret, raw.as_bytes())));
    assert!(d[0]["headers"]["greenhouse-event-id"].as_str().is_some_and(|e| !e.is_empty()));
    serde_json::from_str(raw).unwrap()
}

#[tokio::test]
async fn status_changes_send_signed_web_hooks() {
    let f = fake().await;
    let secret = "hook-secret";
    let hook = |name: &str| json!({"url": format!("{}/__fake/receiver/{name}", f.base_url()), "secret": secret});
    let stage = format!("/__fake/applications/{APPLICANT_APPLICATION_ID}/stage");

    let r = control(&f, &stage, json!({"stage": "Phone Screen", "hook": hook("x")})).await;
    assert_eq!((r.status, r.json()), (200, json!({"hook_status": 204})));
    let body = signed_delivery(&f, "x", secret).await;
    assert_eq!(body["action"], "candidate_stage_change");
    let a = &body["payload"]["application"];
    assert_eq!((a["id"].as_u64(), a["status"].clone(), a["prospect"].clone()), (Some(APPLICANT_APPLICATION_ID), json!("active"), json!(false)));
    assert_eq!(a["current_stage"]["name"], "Phone Screen");
    assert!(a["current_stage"]["interviews"].is_array());
    assert_eq!(a["candidate"]["id"], APPLICANT_ID);
    assert_eq!((a["candidate"]["first_name"].clone(), a["candidate"]["last_name"].clone()), (json!("Ada"), json!("Lindqvist")));
    assert_eq!(a["candidate"]["email_addresses"][0]["value"], APPLICANT_EMAIL);
    assert_eq!(
        a["candidate"]["recruiter"],
        json!({"id": 4101, "email": "dana.ruiz@northwind.example", "name": "Dana Ruiz", "employee_id": "E-4101"})
    );
    assert_eq!(a["jobs"][0]["id"], APPLICANT_JOB_ID);
    assert!(a["jobs"][0]["offices"][0]["location"].is_string(), "web hook offices carry a string location");
    assert_eq!(a["source"], json!({"id": 4_470_000_001u64, "name": "Jobs page on your website"}));
    assert_eq!(a["url"], profile_url(APPLICANT_ID, APPLICANT_APPLICATION_ID));

    control(&f, &stage, json!({"status": "rejected", "hook": hook("reject")})).await;
    let body = signed_delivery(&f, "reject", secret).await;
    assert_eq!(body["action"], "reject_candidate");
    assert_eq!(body["payload"]["application"]["status"], "rejected");
    assert_eq!(body["payload"]["application"]["rejection_reason"]["name"], "Lacking skill(s)/qualification(s)");
    assert!(body["payload"]["application"]["rejected_at"].is_string());

    control(&f, &stage, json!({"status": "active", "hook": hook("unreject")})).await;
    assert_eq!(signed_delivery(&f, "unreject", secret).await["action"], "unreject_candidate");

    control(&f, &stage, json!({"stage": "Offer", "status": "hired", "hook": hook("hire")})).await;
    let body = signed_delivery(&f, "hire", secret).await;
    assert_eq!((body["action"].clone(), body["payload"]["application"]["status"].clone()), (json!("hire_candidate"), json!("hired")));
    assert_eq!(body["payload"]["application"]["job"]["id"], APPLICANT_JOB_ID);

    // The receiver's answer is passed on; a forged secret signs differently.
    control(&f, "/__fake/receiver/busy/script", json!({"statuses": [500]})).await;
    let r = control(&f, &stage, json!({"stage": "Offer", "hook": hook("busy")})).await;
    assert_eq!(r.json(), json!({"hook_status": 500}));
    let forged = json!({"url": format!("{}/__fake/receiver/forged", f.base_url()), "secret": secret, "forge": "other"});
    control(&f, &stage, json!({"stage": "Offer", "hook": forged})).await;
    let d = lite::get(&format!("{}/__fake/receiver/forged", f.base_url())).await.unwrap().json();
    let raw = d["deliveries"][0]["body"].as_str().unwrap();
    assert_ne!(d["deliveries"][0]["headers"]["signature"], format!("sha256 {}", sign_webhook(secret, raw.as_bytes())));

    // Delete: the flat delete_application payload; the application is gone.
    let r = send(&f, "DELETE", &format!("/__fake/applications/{REJECTED_APPLICATION_ID}"), &[], &json!({"hook": hook("delete")})).await;
    assert_eq!(r.status, 200);
    let body = signed_delivery(&f, "delete", secret).await;
    assert_eq!(body["action"], "delete_application");
    let a = &body["payload"]["application"];
    assert_eq!(
        (a["id"].as_u64(), a["candidate_id"].as_u64(), a["job_id"].as_u64()),
        (Some(REJECTED_APPLICATION_ID), Some(REJECTED_ID), Some(REJECTED_JOB_ID))
    );
    assert_eq!(v1_get(&f, &format!("/v1/applications/{REJECTED_APPLICATION_ID}")).await.status, 404);
    assert_eq!(send(&f, "DELETE", &format!("/__fake/applications/{REJECTED_APPLICATION_ID}"), &[], &Value::Null).await.status, 404);

    // Mistakes.
    assert_eq!(control(&f, "/__fake/applications/1/stage", json!({"stage": "Offer"})).await.status, 404);
    assert_eq!(control(&f, &stage, json!({"stage": "Lunch"})).await.status, 422);
    assert_eq!(control(&f, &stage, json!({})).await.status, 400);
    let prospect = format!("/__fake/applications/{PROSPECT_APPLICATION_ID}/stage");
    assert_eq!(control(&f, &prospect, json!({"stage": "Offer"})).await.status, 422, "prospects have no stages");
    let r = control(&f, &prospect, json!({"status": "rejected", "hook": hook("prospect")})).await;
    assert_eq!(r.status, 200);
    let body = signed_delivery(&f, "prospect", secret).await;
    assert_eq!((body["action"].clone(), body["payload"]["application"]["current_stage"].clone()), (json!("reject_candidate"), Value::Null));
}

#[tokio::test]
async fn credentials_name_the_users_on_behalf_of_accepts() {
    let f = fake().await;
    let c = lite::get(&format!("{}/__fake/credentials", f.base_url())).await.unwrap().json();
    let user_ids = c["harvest_on_behalf_of"]["user_ids"].as_array().unwrap();
    assert!(user_ids.contains(&json!(4001)) && user_ids.contains(&json!(RECRUITER_ID)));
    assert!(c["ingestion"]["on_behalf_of_accepted"].as_array().unwrap().contains(&json!(INGESTION_EMAIL)));
    assert_eq!(c["seed_candidates"][0]["candidate_id"], APPLICANT_ID);
    // Every user id listed is one Harvest v1 knows.
    for id in user_ids {
        assert_eq!(v1_get(&f, &format!("/v1/users/{id}")).await.status, 200);
    }
    let by_email = v1_get(&f, "/v1/users?email=Dana.Ruiz@northwind.example").await.json();
    assert_eq!(ids(&by_email), [4101]);
}
