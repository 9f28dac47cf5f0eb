//! The candidate components in headless Chromium, embedded on a host page of another origin
//! with the one script tag: a match badge for the fake's seeded applicant (stage, recruiter,
//! details with attachment links through the worker), one for an unknown email, and an export
//! button that exports to a job chosen in its picker and follows the export until Greenhouse
//! has it. The components' bundle loads once for the page, axe finds nothing, and a visitor's
//! job board never downloads it.
//!
//! Written to the contract of the fake's Harvest candidate model (seeded applicant
//! `applicant@northwind-candidates.example` at "Onsite Interview", recruiter Dana Ruiz, with
//! attachments the fake serves).

use e2e::browser::{self, start_host_site, Browser, HostSite};
use e2e::{owner_call, owner_token, stack};
use fantoccini::elements::Element;
use fantoccini::Locator;
use greenhouse_fake::harvest::{V1_FULL, V3_USER};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ORG: &str = "comp-org";
const APPLICANT: &str = "applicant@northwind-candidates.example";
const UNKNOWN: &str = "nobody-here@northwind-candidates.example";
/// "Senior Backend Engineer, Fleet API": an open Harvest job of the fake.
const JOB: u64 = 4_200_000_000;
const EXTERNAL_ID: &str = "crm-ada-components";

fn components_page(host: &HostSite, token: &str) -> String {
    let candidate = json!({
        "external_id": EXTERNAL_ID,
        "first_name": "Ada",
        "last_name": "Components",
        "emails": ["ada.components@host.example"],
        "company": "Analytical Engines",
        "links": ["https://www.linkedin.com/in/ada-components"],
    })
    .to_string();
    assert!(!candidate.contains('\''), "fits a single-quoted attribute");
    let attrs = format!("data-org=\"{ORG}\" data-owner-token=\"{token}\"");
    host.page(
        "components",
        "en",
        "",
        &format!(
            "<main><h1>Our candidates</h1>\
             <h2>Ada Applicant</h2><div id=\"badge-applicant\" data-greenhouse-match {attrs} data-email=\"{APPLICANT}\"></div>\
             <h2>Ada Components</h2><div id=\"export\" data-greenhouse-export {attrs} data-candidate='{candidate}'></div>\
             <h2>Nobody Here</h2><div id=\"badge-unknown\" data-greenhouse-match {attrs} data-email=\"{UNKNOWN}\"></div>\
             <script src=\"{{worker}}/widget.js\" async></script></main>"
        ),
    )
}

/// Runs `body` with `root`, the shadow root of the element `host_css` finds.
async fn in_part(b: &Browser, host_css: &str, body: &str) -> Value {
    let script = format!("const host = document.querySelector({host_css:?}); const root = host && host.shadowRoot; {body}");
    b.client.execute(&script, vec![]).await.expect("script runs")
}

async fn text(b: &Browser, host_css: &str, css: &str) -> String {
    in_part(b, host_css, &format!("const e = root && root.querySelector({css:?}); return e ? e.textContent : ''"))
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn element(b: &Browser, host_css: &str, css: &str) -> Element {
    let host = b.client.find(Locator::Css(host_css)).await.unwrap_or_else(|e| panic!("{host_css}: {e}"));
    let shadow = host.shadow_root().await.expect("shadow root");
    shadow.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{host_css} {css}: {e}"))
}

/// Polls `check` until it holds or `secs` pass; on timeout shows the part's shadow HTML.
async fn until(b: &Browser, secs: u64, what: &str, host_css: &str, check: impl AsyncFn(&Browser) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check(b).await {
        if Instant::now() > deadline {
            let html = in_part(b, host_css, "return root ? root.innerHTML : 'no shadow root'").await;
            panic!("timed out waiting for {what}; {host_css}:\n{html}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn resources(b: &Browser, part: &str) -> Vec<String> {
    let v = b
        .client
        .execute(&format!("return performance.getEntriesByType('resource').map(r => r.name).filter(n => n.includes({part:?}))"), vec![])
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_badges_and_the_export_button_work_on_a_host_page() {
    if !browser::available() {
        return;
    }
    let s = tokio::task::spawn_blocking(stack).await.unwrap();
    let r = tokio::task::spawn_blocking(|| {
        let r = owner_call(Method::PUT, ORG, "/connection/harvest_v1", Some(json!({"api_key": V1_FULL, "user_id": V3_USER})));
        (r.status().as_u16(), r.text().unwrap_or_default())
    })
    .await
    .unwrap();
    assert_eq!(r.0, 200, "{}", r.1);
    let host = start_host_site(s.worker.base.clone()).await;
    let b = Browser::start().await;
    b.client.goto(&components_page(&host, &owner_token(ORG, "recruiter", 900))).await.unwrap();

    // The applicant's badge: one line with where they are and who recruits them.
    let a = "#badge-applicant";
    until(&b, 30, "the applicant's badge", a, async |b: &Browser| text(b, a, ".summary").await.contains("applicant")).await;
    let line = text(&b, a, ".summary").await;
    assert!(line.starts_with("In Greenhouse · applicant"), "{line}");
    assert!(line.contains("Onsite Interview") && line.contains("recruiter Dana Ruiz"), "{line}");
    assert_eq!(in_part(&b, a, "return root.querySelector('.match').dataset.found").await, "applicant");
    // The unknown email's badge.
    let u = "#badge-unknown";
    until(&b, 30, "the unknown badge", u, async |b: &Browser| text(b, u, ".summary").await == "Not in Greenhouse").await;
    assert_eq!(in_part(&b, u, "return !!root.querySelector('.toggle')").await, false, "nothing to expand");
    // The page embeds no job board beside the components, and loads their bundle once.
    assert_eq!(b.client.execute("return document.querySelectorAll('[data-greenhouse-board]').length", vec![]).await.unwrap(), 0);
    assert_eq!(resources(&b, "candidates/gh_candidates_bg.wasm").await.len(), 1, "one bundle for three components");

    // Expanding: emails, attachments as download links through the worker, the application.
    assert_eq!(in_part(&b, a, "return root.querySelector('.toggle').getAttribute('aria-expanded')").await, "false");
    assert_eq!(in_part(&b, a, "return root.querySelector('#gx-details').hidden").await, true);
    element(&b, a, ".toggle").await.click().await.unwrap();
    assert_eq!(in_part(&b, a, "return root.querySelector('.toggle').getAttribute('aria-expanded')").await, "true");
    until(&b, 15, "the details", a, async |b: &Browser| {
        in_part(b, a, "return !root.querySelector('#gx-details').hidden && root.querySelectorAll('.attachments a').length > 0").await == true
    })
    .await;
    let details = text(&b, a, "#gx-details").await;
    assert!(details.contains(APPLICANT), "{details}");
    assert!(text(&b, a, ".applications").await.contains("Onsite Interview"), "{details}");
    let links = in_part(&b, a, "return [...root.querySelectorAll('.attachments a')].map(l => [l.href, l.hasAttribute('download')])").await;
    let prefix = format!("{}/api/v1/orgs/{ORG}/attachments/", s.worker.base);
    for l in links.as_array().unwrap() {
        assert!(l[0].as_str().unwrap().starts_with(&prefix), "{l} points at the worker");
        assert_eq!(l[1], true, "{l} downloads");
    }
    // A link works while it lives (3 s here): when it expired, closing and opening the details
    // again asks for fresh ones.
    let mut served = false;
    for _ in 0..3 {
        let status = b
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 const root = document.querySelector('#badge-applicant').shadowRoot;\
                 fetch(root.querySelector('.attachments a').href).then(r => done(r.status), e => done(String(e)));",
                vec![],
            )
            .await
            .unwrap();
        if status == 200 {
            served = true;
            break;
        }
        let toggle = element(&b, a, ".toggle").await;
        toggle.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(3_100)).await;
        toggle.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1_000)).await;
    }
    assert!(served, "an attachment link of the badge is served");

    // Export: the picker lists the org's open Greenhouse jobs (and "as a prospect").
    let x = "#export";
    element(&b, x, "#gx-open").await.click().await.unwrap();
    assert_eq!(in_part(&b, x, "return root.querySelector('#gx-open').getAttribute('aria-expanded')").await, "true");
    until(&b, 30, "the job picker", x, async |b: &Browser| {
        in_part(b, x, &format!("return !!root.querySelector('#gx-job option[value=\"{JOB}\"]')")).await == true
    })
    .await;
    assert_eq!(in_part(&b, x, "return !!root.querySelector('#gx-job option[value=prospect]')").await, true);
    // With the picker open and the details expanded: nothing for axe.
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "{violations:#?}");
    element(&b, x, "#gx-job").await.select_by_value(&JOB.to_string()).await.unwrap();
    element(&b, x, "#gx-submit").await.click().await.unwrap();
    until(&b, 30, "the export's status", x, async |b: &Browser| !text(b, x, ".state").await.is_empty()).await;
    assert_eq!(in_part(&b, x, "return root.querySelector('#gx-form').hidden").await, true, "the picker closes");
    // Greenhouse creates asynchronously: the worker's outbox reads it back on its cron, and the
    // button polls the export until it is delivered.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let state = in_part(&b, x, "const e = root.querySelector('.state'); return e ? e.dataset.state : ''").await;
        if state == "delivered" {
            break;
        }
        assert!(state != "failed" && state != "needs_attention", "the export stopped at {state}: {}", text(&b, x, ".status").await);
        assert!(Instant::now() < deadline, "the export never showed delivered: {}", text(&b, x, ".status").await);
        tokio::task::spawn_blocking(|| stack().worker.run_cron()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let status = text(&b, x, ".status").await;
    assert!(status.to_lowercase().contains("delivered"), "{status}");
    assert!(status.contains("Senior Backend Engineer"), "the chosen job is named: {status}");
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "{violations:#?}");
    let errors = b.console_errors().await;
    assert!(!errors.iter().any(|e| e.contains("panicked") || e.contains("gh_candidates")), "{errors:#?}");
    b.close().await;

    // A visitor's job board never downloads the components' bundle.
    let b = Browser::start().await;
    b.client.goto(&format!("{}/?board=northwind--comp-visitor", host.base)).await.unwrap();
    b.wait_until(30, "the board", async |b: &Browser| !b.job_titles().await.is_empty()).await;
    assert_eq!(resources(&b, "candidates/gh_candidates").await, Vec::<String>::new(), "visitors never download the components");
    b.close().await;
}
