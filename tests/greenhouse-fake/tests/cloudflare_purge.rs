//! The fake of Cloudflare's purge API answers as Cloudflare does, records every call and fails
//! on demand.

use greenhouse_fake::cloudflare::{FailMode, API_TOKEN, ZONE_ID};
use greenhouse_fake::lite::{self, Reply};
use serde_json::{json, Value};

async fn purge(base: &str, zone: &str, token: &str, body: &Value) -> (Reply, Value) {
    let auth = format!("Bearer {token}");
    let headers = [("Content-Type", "application/json"), ("Authorization", auth.as_str())];
    let r = lite::request("POST", &format!("{base}/zones/{zone}/purge_cache"), &headers, body.to_string().as_bytes()).await.unwrap();
    let v = serde_json::from_slice(&r.body).unwrap();
    (r, v)
}

#[tokio::test]
async fn purges_by_tag_are_answered_recorded_and_fail_on_demand() {
    let f = greenhouse_fake::start(0).await.unwrap();
    let base = f.base_url();
    let (r, v) = purge(&base, ZONE_ID, API_TOKEN, &json!({"tags": ["board:acme"]})).await;
    assert_eq!((r.status, v["success"].clone()), (200, json!(true)));
    assert!(v["result"]["id"].as_str().is_some_and(|id| id.len() == 32), "{v}");

    let (r, v) = purge(&base, ZONE_ID, "another-token", &json!({"tags": ["board:acme"]})).await;
    assert_eq!((r.status, v["errors"][0]["code"].clone()), (403, json!(10000)));
    let (r, _) = purge(&base, "0000000000000000000000000000000f", API_TOKEN, &json!({"tags": ["board:acme"]})).await;
    assert_eq!(r.status, 400, "an unknown zone");
    let many: Vec<String> = (0..101).map(|i| format!("board:b{i}")).collect();
    assert_eq!(purge(&base, ZONE_ID, API_TOKEN, &json!({ "tags": many })).await.0.status, 400, "more than 100 tags");
    assert_eq!(purge(&base, ZONE_ID, API_TOKEN, &json!({ "tags": [] })).await.0.status, 400);

    f.fake.fail_purges(1, FailMode::Status500);
    f.fake.fail_purges(1, FailMode::SuccessFalse);
    let (r, v) = purge(&base, ZONE_ID, API_TOKEN, &json!({"tags": ["board:acme"]})).await;
    assert_eq!(r.status, 500);
    assert!(v.to_string().contains(API_TOKEN), "a failing answer echoes the request, as a confused proxy might");
    let (r, v) = purge(&base, ZONE_ID, API_TOKEN, &json!({"tags": ["board:acme"]})).await;
    assert_eq!((r.status, v["success"].clone()), (200, json!(false)));
    assert_eq!(purge(&base, ZONE_ID, API_TOKEN, &json!({"tags": ["board:acme"]})).await.0.status, 200, "then it works again");

    let calls = f.fake.purges();
    assert_eq!(calls.len(), 8, "every call is recorded, answered or not");
    assert_eq!(calls.iter().map(|p| p.authorized).collect::<Vec<_>>(), vec![true, false, true, true, true, true, true, true]);
    assert_eq!(calls[0].tags, vec!["board:acme"]);
    assert_eq!(calls.iter().filter(|p| p.success).count(), 2);
}
