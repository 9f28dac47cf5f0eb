//! The owner's connect flow through the real worker: owner-token authorisation on every
//! route, verification against the fake Greenhouse (Job Board, Harvest v3 and v1, Candidate
//! Ingestion, US and EU), the encrypted vault in D1, edit/rotate/remove, health re-checks.

use e2e::{owner_token, owner_token_with, stack, OWNER_ISSUER, OWNER_SECRET};
use greenhouse_fake::harvest::*;
use greenhouse_fake::seed;
use reqwest::blocking::{Client, Response};
use reqwest::Method;
use serde_json::{json, Value};
use shared::api::ErrorBody;
use shared::owner::{Connection, CredentialSummary, Health, Kind, Permission};

fn call(method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
    let mut r = Client::new().request(method, format!("{}{path}", stack().worker.base));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().unwrap()
}

fn put(org: &str, kind: Kind, token: &str, body: Value) -> Response {
    call(Method::PUT, &format!("/api/v1/orgs/{org}/connection/{}", kind.slug()), Some(token), Some(body))
}

fn connection(org: &str, token: &str) -> Connection {
    let r = call(Method::GET, &format!("/api/v1/orgs/{org}/connection"), Some(token), None);
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

fn secrets() -> Vec<String> {
    vec![seed::job_board_api_key("northwind"), V1_FULL.into(), V1_PARTIAL.into(), V3_FULL.1.into(), V3_PARTIAL.1.into(), INGESTION_KEY.into()]
}

#[test]
fn every_owner_route_refuses_visitors_and_bad_tokens() {
    let org = "authz-org";
    let routes = [
        (Method::GET, format!("/api/v1/orgs/{org}/connection")),
        (Method::PUT, format!("/api/v1/orgs/{org}/connection/job_board")),
        (Method::DELETE, format!("/api/v1/orgs/{org}/connection/job_board")),
        (Method::POST, format!("/api/v1/orgs/{org}/connection/job_board/check")),
        (Method::GET, format!("/api/v1/orgs/{org}/applications")),
        (Method::GET, format!("/api/v1/orgs/{org}/applications/some-application-1")),
        (Method::POST, format!("/api/v1/orgs/{org}/applications/some-application-1/retry")),
        (Method::POST, format!("/api/v1/orgs/{org}/applications/some-application-1/dismiss")),
    ];
    let aud = gh_worker::auth::DEFAULT_AUDIENCE;
    let cases: Vec<(&str, Option<String>, u16, &str)> = vec![
        ("visitor (no token)", None, 401, "unauthorized"),
        ("garbage", Some("not.a.token".into()), 401, "unauthorized"),
        ("expired", Some(owner_token(org, "o", -60)), 401, "unauthorized"),
        ("forged signature", Some(owner_token_with(org, "o", 600, OWNER_ISSUER, "wrong-secret", aud)), 401, "unauthorized"),
        ("unknown issuer", Some(owner_token_with(org, "o", 600, "other-site", OWNER_SECRET, aud)), 401, "unauthorized"),
        ("wrong audience", Some(owner_token_with(org, "o", 600, OWNER_ISSUER, OWNER_SECRET, "someone-else")), 401, "unauthorized"),
        ("too long-lived", Some(owner_token(org, "o", 30 * 86400)), 401, "unauthorized"),
        ("another org", Some(owner_token("other-org", "o", 600)), 403, "forbidden"),
    ];
    for (method, path) in &routes {
        for (what, token, status, code) in &cases {
            let body = (*method == Method::PUT).then(|| json!({"board_token": "northwind", "api_key": seed::job_board_api_key("northwind")}));
            let r = call(method.clone(), path, token.as_deref(), body);
            assert_eq!(r.status().as_u16(), *status, "{method} {path}: {what}");
            let e: ErrorBody = r.json().unwrap();
            assert_eq!(e.error.code, *code, "{method} {path}: {what}");
        }
    }
    // Nothing was stored by any refused request.
    assert!(connection(org, &owner_token(org, "o", 600)).credentials.is_empty());
}

#[test]
fn each_credential_type_is_verified_stored_and_shown_masked() {
    let org = "connect-org";
    let t = owner_token(org, "alice", 600);
    let jb = put(org, Kind::JobBoard, &t, json!({"board_token": "northwind", "api_key": seed::job_board_api_key("northwind")}));
    assert_eq!(jb.status(), 200, "{}", jb.text().unwrap_or_default());
    let v3 = put(org, Kind::HarvestV3, &t, json!({"client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER}));
    assert_eq!(v3.status(), 200);
    let v3: CredentialSummary = v3.json().unwrap();
    assert_eq!(v3.health, Health::Connected);
    assert!(v3.permissions.iter().all(|p| p.granted), "a full v3 client has every permission");
    let v1: CredentialSummary = put(org, Kind::HarvestV1, &t, json!({"api_key": V1_PARTIAL})).json().unwrap();
    assert_eq!(v1.health, Health::MissingPermissions);
    let missing: Vec<Permission> = v1.permissions.iter().filter(|p| !p.granted).map(|p| p.permission).collect();
    assert_eq!(missing, vec![Permission::ProspectPools, Permission::JobPosts, Permission::JobStages, Permission::Openings, Permission::CloseReasons]);
    assert!(v1.permissions.iter().find(|p| p.permission == Permission::JobPosts).unwrap().disables.contains("Publishing"));
    let ing = put(org, Kind::Ingestion, &t, json!({"api_key": INGESTION_KEY, "email": INGESTION_EMAIL}));
    assert_eq!(ing.status(), 200);

    // A second owner of the same org sees the same, active connection, masked.
    let c = connection(org, &owner_token(org, "bob", 600));
    assert_eq!(c.board_token.as_deref(), Some("northwind"));
    let kinds: Vec<Kind> = c.credentials.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![Kind::HarvestV1, Kind::HarvestV3, Kind::Ingestion, Kind::JobBoard]);
    let job_board = c.credentials.iter().find(|c| c.kind == Kind::JobBoard).unwrap();
    assert_eq!(job_board.hint, format!("••••{}", &seed::job_board_api_key("northwind")[seed::job_board_api_key("northwind").len() - 4..]));
    assert_eq!(job_board.updated_by, "alice@northwind.example");
    assert!(job_board.verified_at.is_some());
    let text = serde_json::to_string(&c).unwrap();
    for s in secrets() {
        assert!(!text.contains(&s), "a secret in the connection view");
    }

    // The vault holds ciphertext only.
    let rows = stack().worker.d1(&format!("SELECT * FROM credentials WHERE org = '{org}'"));
    assert_eq!(rows.as_array().unwrap().len(), 4);
    let dump = rows.to_string();
    for s in secrets() {
        assert!(!dump.contains(&s), "plaintext credential in D1");
    }
}

#[test]
fn wrong_credentials_give_a_clear_error_and_change_nothing() {
    let org = "wrong-org";
    let t = owner_token(org, "alice", 600);
    assert_eq!(put(org, Kind::HarvestV1, &t, json!({"api_key": V1_FULL})).status(), 200);
    let before = connection(org, &t);
    let cases = [
        (Kind::HarvestV1, json!({"api_key": "harvest-v1-revoked-000000"})),
        (Kind::HarvestV3, json!({"client_id": V3_FULL.0, "client_secret": "wrong-secret-123", "user_id": V3_USER})),
        (Kind::Ingestion, json!({"api_key": INGESTION_KEY, "email": "someone@else.example"})),
        (Kind::JobBoard, json!({"board_token": "northwind", "api_key": "wrong-job-board-key"})),
        (Kind::JobBoard, json!({"board_token": "no-such-board", "api_key": seed::job_board_api_key("northwind")})),
    ];
    for (kind, body) in cases {
        let r = put(org, kind, &t, body.clone());
        assert_eq!(r.status(), 422, "{kind:?} {body}");
        let e: ErrorBody = r.json().unwrap();
        assert_eq!(e.error.code, "credentials_invalid", "{kind:?}");
        assert!(e.error.message.contains("Greenhouse"), "{}", e.error.message);
    }
    let r = put(org, Kind::HarvestV3, &t, json!({"client_id": "x", "client_secret": "", "user_id": "abc"}));
    assert_eq!(r.status(), 422);
    let e: ErrorBody = r.json().unwrap();
    assert_eq!(e.error.code, "validation_failed");
    assert_eq!(e.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), vec!["client_id", "client_secret", "user_id"]);
    assert_eq!(connection(org, &t), before, "nothing stored changed");
}

#[test]
fn edit_rotate_recheck_and_remove() {
    let org = "rotate-org";
    let t = owner_token(org, "alice", 600);
    let first: CredentialSummary = put(org, Kind::HarvestV1, &t, json!({"api_key": V1_PARTIAL})).json().unwrap();
    assert_eq!(first.health, Health::MissingPermissions);
    // Rotate to a key with every permission: re-verified, then replaced.
    let rotated: CredentialSummary = put(org, Kind::HarvestV1, &t, json!({"api_key": V1_FULL})).json().unwrap();
    assert_eq!(rotated.health, Health::Connected);
    assert_ne!(rotated.hint, first.hint);
    let before = stack().worker.d1(&format!("SELECT nonce FROM credentials WHERE org = '{org}'"));
    // Re-check uses the stored (sealed) key.
    let r = call(Method::POST, &format!("/api/v1/orgs/{org}/connection/harvest_v1/check"), Some(&t), None);
    assert_eq!(r.status(), 200);
    let c: Connection = r.json().unwrap();
    assert_eq!(c.credentials[0].health, Health::Connected);
    assert!(c.credentials[0].checked_at >= c.credentials[0].verified_at);
    let put_again: CredentialSummary = put(org, Kind::HarvestV1, &t, json!({"api_key": V1_FULL})).json().unwrap();
    assert_eq!(put_again.hint, rotated.hint);
    let after = stack().worker.d1(&format!("SELECT nonce FROM credentials WHERE org = '{org}'"));
    assert_ne!(before, after, "a fresh nonce for every sealing");
    // Remove: the ciphertext is gone.
    let r = call(Method::DELETE, &format!("/api/v1/orgs/{org}/connection/harvest_v1"), Some(&t), None);
    assert_eq!(r.status(), 200);
    assert!(connection(org, &t).credentials.is_empty());
    assert_eq!(stack().worker.d1(&format!("SELECT count(*) AS n FROM credentials WHERE org = '{org}'"))[0]["n"], 0);
    assert_eq!(call(Method::DELETE, &format!("/api/v1/orgs/{org}/connection/harvest_v1"), Some(&t), None).status(), 404);
}

#[test]
fn eu_accounts_are_verified_against_the_eu_hosts() {
    let org = "eu-org";
    let t = owner_token(org, "alice", 600);
    let s = stack();
    let before = s.fake.calls("/eu/token");
    let r = put(org, Kind::HarvestV3, &t, json!({"region": "eu", "client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER}));
    assert_eq!(r.status(), 200);
    assert_eq!(s.fake.calls("/eu/token"), before + 1, "the token came from the EU auth host");
    assert!(s.fake.calls("/eu/v3/jobs") >= 1);
    let c: CredentialSummary = r.json().unwrap();
    assert_eq!(c.region, shared::owner::Region::Eu);
}

#[test]
fn a_connected_job_board_key_sends_applications() {
    let org = "vault-apply-org";
    let board = "northwind--vault-apply";
    let t = owner_token(org, "alice", 600);
    assert_eq!(put(org, Kind::JobBoard, &t, json!({"board_token": board, "api_key": seed::job_board_api_key("northwind")})).status(), 200);
    let base = &stack().worker.base;
    let l: shared::api::BoardListing = Client::new().get(format!("{base}/api/v1/boards/{board}/jobs")).send().unwrap().json().unwrap();
    let job = l.jobs.iter().find(|j| j.id % 2 == 1).unwrap().id;
    let _: Value = Client::new().get(format!("{base}/api/v1/boards/{board}/jobs/{job}")).send().unwrap().json().unwrap();
    let form = reqwest::blocking::multipart::Form::new()
        .text("_submission_id", "vault-apply-0001")
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", "ada@example.com")
        .text("resume_text", "Analytical engines.")
        .text(format!("question_{}", job % 100_000 + 2), "1");
    let r = Client::new().post(format!("{base}/api/v1/boards/{board}/jobs/{job}/applications")).multipart(form).send().unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    assert_eq!(stack().fake.applications().iter().filter(|a| a.board == board).count(), 1);
}

#[test]
fn no_credential_reaches_a_log_line() {
    let org = "log-org";
    let t = owner_token(org, "alice", 600);
    put(org, Kind::HarvestV1, &t, json!({"api_key": V1_FULL}));
    put(org, Kind::HarvestV3, &t, json!({"client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER}));
    put(org, Kind::Ingestion, &t, json!({"api_key": INGESTION_KEY, "email": INGESTION_EMAIL}));
    put(org, Kind::HarvestV1, &t, json!({"api_key": "harvest-v1-revoked-000000"}));
    stack().worker.run_cron();
    let logs = stack().worker.logs();
    for s in secrets().into_iter().chain(["harvest-v1-revoked-000000".to_string(), xtask::DEMO_VAULT_KEY.to_string()]) {
        assert!(!logs.contains(&s), "a credential in the worker's log");
    }
    assert!(!logs.contains(&t), "the owner token in the log");
}

/// Issue 9: any configured signer could mint a token for any org. Now each host site acts
/// only for the orgs configuration lists for it.
#[test]
fn a_host_site_acts_only_for_its_own_orgs() {
    let s = stack();
    let signers = r#"{"acme-site": {"secret": "acme-secret-123", "orgs": ["acme", "acme-*"]},
                      "globex-site": {"secret": "globex-secret-456", "orgs": ["globex"]}}"#;
    let w = e2e::Worker::start(&s.fake_url, &[("OWNER_TOKEN_SECRETS", signers), ("VAULT_KEY", xtask::DEMO_VAULT_KEY)]);
    let aud = gh_worker::auth::DEFAULT_AUDIENCE;
    let get = |org: &str, token: &str| {
        Client::new().get(format!("{}/api/v1/orgs/{org}/connection", w.base)).bearer_auth(token).send().unwrap().status().as_u16()
    };
    let acme = |org: &str| owner_token_with(org, "o", 600, "acme-site", "acme-secret-123", aud);
    let globex = |org: &str| owner_token_with(org, "o", 600, "globex-site", "globex-secret-456", aud);
    assert_eq!(get("acme", &acme("acme")), 200);
    assert_eq!(get("acme-eu", &acme("acme-eu")), 200, "a prefix pattern");
    assert_eq!(get("globex", &globex("globex")), 200);
    assert_eq!(get("globex", &acme("globex")), 403, "acme's host site minting for globex");
    assert_eq!(get("acme", &globex("acme")), 403, "globex's host site minting for acme");
    assert_eq!(get("acmeish", &acme("acmeish")), 403);
}

/// Issue 9: a second org could connect a board another org had connected (and so read its
/// applications and sync it). Now a board belongs to one org, case-insensitively.
#[test]
fn a_board_is_connected_by_one_org_only() {
    let key = seed::job_board_api_key("northwind");
    let first =
        put("board-owner-a", Kind::JobBoard, &owner_token("board-owner-a", "a", 600), json!({"board_token": "northwind--one-org", "api_key": key}));
    assert_eq!(first.status(), 200, "{}", first.text().unwrap_or_default());
    for token in ["northwind--one-org", "Northwind--One-Org"] {
        let r = put("board-owner-b", Kind::JobBoard, &owner_token("board-owner-b", "b", 600), json!({"board_token": token, "api_key": key}));
        assert_eq!(r.status(), 409, "{token}");
        assert_eq!(r.json::<ErrorBody>().unwrap().error.code, "board_already_connected");
    }
    assert!(connection("board-owner-b", &owner_token("board-owner-b", "b", 600)).board_token.is_none(), "nothing stored for b");
    // The owning org may still edit its own connection.
    let again =
        put("board-owner-a", Kind::JobBoard, &owner_token("board-owner-a", "a", 600), json!({"board_token": "northwind--one-org", "api_key": key}));
    assert_eq!(again.status(), 200);
}

/// Issue 9: only verification went to the EU host; an EU org's board was read, and its
/// applications sent, through the US host.
#[test]
fn an_eu_board_is_read_and_applied_to_through_the_eu_host() {
    let s = stack();
    let (org, t) = ("eu-reads-org", "northwind--eu-reads");
    let token = owner_token(org, "o", 600);
    let r = put(org, Kind::JobBoard, &token, json!({"board_token": t, "api_key": seed::job_board_api_key("northwind"), "region": "eu"}));
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    let eu = |path: &str| s.fake.calls(&format!("/eu/v1/boards/{t}{path}"));
    let before = eu("/jobs");
    let l: shared::api::BoardListing = Client::new().get(format!("{}/api/v1/boards/{t}/jobs", s.worker.base)).send().unwrap().json().unwrap();
    assert_eq!(eu("/jobs"), before + 1, "the listing came from the EU host");
    let job = l.jobs.iter().find(|j| j.id % 2 == 1).unwrap().id;
    let d: shared::api::JobDetail = Client::new().get(format!("{}/api/v1/boards/{t}/jobs/{job}", s.worker.base)).send().unwrap().json().unwrap();
    let read = eu(&format!("/jobs/{job}"));
    assert!(read >= 1, "the job's questions came from the EU host");
    let f = d.form.unwrap();
    let q = f.questions.iter().find(|q| q.label.starts_with("Are you legally")).unwrap().fields[0].name.clone();
    let form = reqwest::blocking::multipart::Form::new()
        .text("_submission_id", "eu-apply-00001")
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", "ada@example.com")
        .text(q, "1")
        .text("resume_text", "Analytical engines");
    let r = Client::new().post(format!("{}/api/v1/boards/{t}/jobs/{job}/applications", s.worker.base)).multipart(form).send().unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
    assert_eq!(eu(&format!("/jobs/{job}")), read + 1, "the application went to the EU host");
}
