//! The owner console in headless Chromium: an owner with a minted token connects every
//! credential type, sees a partial key's missing permissions, edits, rotates and removes;
//! a second owner sees the connection; visitors see none of it.

use e2e::browser::{self, start_host_site, Browser, HostSite};
use e2e::{owner_token, stack};
use greenhouse_fake::harvest::*;
use greenhouse_fake::seed;

fn console_page(host: &HostSite, name: &str, org: &str, token: &str) -> String {
    host.page(
        name,
        "en",
        "",
        &format!(
            "<main><h1>Settings</h1><div data-greenhouse-board=\"\" data-mode=\"connect\" data-org=\"{org}\" data-owner-token=\"{token}\"></div>\
             <script src=\"{{worker}}/widget.js\" data-board=\"\" data-mode=\"connect\" async></script></main>"
        ),
    )
}

async fn text(b: &Browser, css: &str) -> String {
    b.in_widget(&format!("const e = root && root.querySelector({css:?}); return e ? e.textContent : ''"))
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn connect(b: &Browser, kind: &str, fields: &[(&str, &str)], button: &str) {
    b.widget_element(&format!("#gc-{kind}-{button}")).await.click().await.unwrap();
    b.wait_until(10, "the form", async |b: &Browser| b.in_widget(&format!("return !!root.querySelector('#gc-form-{kind}')")).await == true).await;
    for (name, value) in fields {
        b.widget_element(&format!("#gc-{kind}-{name}")).await.send_keys(value).await.unwrap();
    }
    b.widget_element(&format!("#gc-{kind}-save")).await.click().await.unwrap();
}

async fn saved(b: &Browser, kind: &str) {
    b.wait_until(15, "saved", async |b: &Browser| {
        text(b, ".notice").await.contains("verified and saved")
            && b.in_widget(&format!("return !root.querySelector('#gc-form-{kind}')")).await == true
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_connects_edits_rotates_and_removes() {
    if !browser::available() {
        return;
    }
    let s = tokio::task::spawn_blocking(stack).await.unwrap();
    let host = start_host_site(s.worker.base.clone()).await;
    let org = "console-org";
    let b = Browser::start().await;
    b.client.goto(&console_page(&host, "owner1", org, &owner_token(org, "alice", 900))).await.unwrap();
    b.wait_until(30, "the console", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('.cards')").await == true).await;
    assert_eq!(b.in_widget("return root.querySelectorAll('.card .state').length").await, 5, "nothing connected yet");

    // Job Board.
    connect(&b, "job_board", &[("board_token", "northwind"), ("api_key", &seed::job_board_api_key("northwind"))], "connect").await;
    saved(&b, "job_board").await;
    assert_eq!(text(&b, "#gc-card-job_board .health").await, "Connected");
    assert_eq!(text(&b, ".board").await, "Job board: northwind");
    // Harvest v3 (OAuth client credentials).
    connect(&b, "harvest_v3", &[("client_id", V3_FULL.0), ("client_secret", V3_FULL.1), ("user_id", V3_USER)], "connect").await;
    saved(&b, "harvest_v3").await;
    assert_eq!(text(&b, "#gc-card-harvest_v3 .health").await, "Connected");
    // A partial Harvest v1 key: allowed, with the missing permissions named.
    connect(&b, "harvest_v1", &[("api_key", V1_PARTIAL)], "connect").await;
    saved(&b, "harvest_v1").await;
    assert_eq!(text(&b, "#gc-card-harvest_v1 .health").await, "Missing permissions");
    let missing = b.in_widget("return [...root.querySelectorAll('#gc-card-harvest_v1 .missing')].map(e => e.dataset.permission)").await;
    assert_eq!(missing, serde_json::json!(["prospect_pools", "job_posts", "job_stages", "openings", "close_reasons"]));
    assert!(text(&b, "#gc-card-harvest_v1 .missing").await.contains("without it: Adding prospects to pools"));
    let mail = b.in_widget("return root.querySelector('#gc-card-harvest_v1 a[href^=mailto]').href").await;
    assert!(mail.as_str().unwrap().contains("Can%20manage%20ALL%20organization"), "a prefilled mail to the admin");
    // Candidate Ingestion.
    connect(&b, "ingestion", &[("api_key", INGESTION_KEY), ("email", INGESTION_EMAIL)], "connect").await;
    saved(&b, "ingestion").await;
    assert_eq!(text(&b, "#gc-card-ingestion .account").await, INGESTION_EMAIL);

    // Rotate the v1 key to one with every permission.
    let old_hint = text(&b, "#gc-card-harvest_v1 .hint").await;
    connect(&b, "harvest_v1", &[("api_key", V1_FULL)], "edit").await;
    saved(&b, "harvest_v1").await;
    assert_eq!(text(&b, "#gc-card-harvest_v1 .health").await, "Connected");
    assert_ne!(text(&b, "#gc-card-harvest_v1 .hint").await, old_hint);
    assert_eq!(text(&b, "#gc-card-harvest_v1 .hint").await, format!("••••{}", &V1_FULL[V1_FULL.len() - 4..]));

    // Editing with wrong credentials: a clear error, the stored one untouched.
    connect(&b, "ingestion", &[("api_key", INGESTION_KEY), ("email", "intruder@evil.example")], "edit").await;
    b.wait_until(15, "the refusal", async |b: &Browser| text(b, "#gc-form-ingestion .problem").await.contains("did not accept")).await;
    b.in_widget("root.querySelector('#gc-form-ingestion .secondary').click(); return null").await;
    assert_eq!(text(&b, "#gc-card-ingestion .account").await, INGESTION_EMAIL);

    // Re-check, then remove (two steps).
    b.widget_element("#gc-harvest_v3-check").await.click().await.unwrap();
    b.wait_until(15, "checked", async |b: &Browser| text(b, ".notice").await.contains("checked just now")).await;
    b.widget_element("#gc-ingestion-remove").await.click().await.unwrap();
    assert_eq!(text(&b, "#gc-ingestion-remove").await, "Confirm removal");
    b.widget_element("#gc-ingestion-remove").await.click().await.unwrap();
    b.wait_until(15, "removed", async |b: &Browser| text(b, "#gc-card-ingestion .state").await == "Not connected.").await;

    // No secret anywhere on the page.
    let html = b.in_widget("return root.innerHTML").await.to_string() + &b.client.source().await.unwrap();
    for secret in [V1_FULL, V1_PARTIAL, V3_FULL.1, INGESTION_KEY, &seed::job_board_api_key("northwind")] {
        assert!(!html.contains(secret), "a secret on the page");
    }
    b.close().await;

    // A second owner of the same org sees the connection as active.
    let b = Browser::start().await;
    b.client.goto(&console_page(&host, "owner2", org, &owner_token(org, "bob", 900))).await.unwrap();
    b.wait_until(30, "the console", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('.cards')").await == true).await;
    assert_eq!(text(&b, "#gc-card-job_board .health").await, "Connected");
    assert_eq!(text(&b, "#gc-card-harvest_v3 .health").await, "Connected");
    assert_eq!(text(&b, "#gc-card-harvest_v1 .health").await, "Connected");
    assert!(text(&b, "#gc-card-job_board dd:last-of-type").await.contains("alice@northwind.example"));
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await;

    // A visitor: the console without a token asks to sign in and loads nothing; the visitor
    // widget carries none of it.
    let b = Browser::start().await;
    b.client.goto(&console_page(&host, "visitor", org, "")).await.unwrap();
    b.wait_until(30, "the sign-in notice", async |b: &Browser| text(b, ".problem").await.contains("Sign in as an owner")).await;
    assert_eq!(b.in_widget("return root.querySelectorAll('.card').length").await, 0);
    b.client.goto(&format!("{}/?board=northwind--visitor-only", host.base)).await.unwrap();
    b.wait_until(30, "the board", async |b: &Browser| b.job_titles().await.len() == 44).await;
    let page = b.in_widget("return root.innerHTML").await.to_string();
    assert!(!page.contains("Greenhouse connection") && !page.contains("harvest"), "no owner UI for visitors");
    let loaded = b
        .client
        .execute("return performance.getEntriesByType('resource').map(r => r.name).filter(n => n.includes('/console/gh_console'))", vec![])
        .await
        .unwrap();
    assert_eq!(loaded, serde_json::json!([]), "visitors never download the console bundle");
    b.close().await;
}

/// The console's Jobs tab against the real worker: an owner imports jobs in the dialog (picker
/// mode, search, select), edits a job's local fields, adds a local job linked to a Greenhouse
/// post, and a visitor's board on another origin shows exactly that; axe finds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_imports_edits_and_links_jobs_and_visitors_see_it() {
    if !browser::available() {
        return;
    }
    let s = tokio::task::spawn_blocking(stack).await.unwrap();
    let host = start_host_site(s.worker.base.clone()).await;
    let (org, t) = ("console-jobs-org", "northwind--console-jobs");
    let listing: shared::api::BoardListing = tokio::task::spawn_blocking(move || {
        e2e::connect_board(org, t, None);
        let body = serde_json::json!({"client_id": V3_FULL.0, "client_secret": V3_FULL.1, "user_id": V3_USER});
        assert_eq!(e2e::owner_call(reqwest::Method::PUT, org, "/connection/harvest_v3", Some(body)).status(), 200);
        reqwest::blocking::get(format!("{}/api/v1/boards/{t}/jobs", stack().worker.base)).unwrap().json().unwrap()
    })
    .await
    .unwrap();
    let wanted: Vec<String> = listing.jobs.iter().filter(|j| j.title.starts_with("Account Executive")).map(|j| j.title.clone()).collect();
    assert_eq!(wanted.len(), 2, "{wanted:?}");
    let linked_post = listing.jobs.iter().find(|j| j.title == "Account Executive, Enterprise").unwrap().id;
    let dach = listing.jobs.iter().find(|j| j.title == "Account Executive, DACH").unwrap().id;

    let b = Browser::start().await;
    b.client.goto(&console_page(&host, "jobs-owner", org, &owner_token(org, "alice", 900))).await.unwrap();
    b.wait_until(30, "the console", async |b: &Browser| b.in_widget("return !!root && !!root.querySelector('#gc-tab-jobs')").await == true).await;
    b.widget_element("#gc-tab-jobs").await.click().await.unwrap();
    b.wait_until(30, "the jobs", async |b: &Browser| b.in_widget("return root.querySelectorAll('tr.job-row').length").await == listing.jobs.len())
        .await;
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "jobs list: {violations:#?}");

    // Import: picker mode, search, select what the search shows, save.
    b.widget_element("#gc-import-open").await.click().await.unwrap();
    b.wait_until(30, "the picker", async |b: &Browser| {
        b.in_widget("return root.querySelectorAll('[data-testid=import-dialog] input[data-key]').length").await.as_u64().unwrap_or(0) >= 60
    })
    .await;
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "import dialog: {violations:#?}");
    b.widget_element("input[name=mode][value=picker]").await.click().await.unwrap();
    b.widget_element("#gc-pick-none").await.click().await.unwrap();
    b.widget_element("#gc-pick-search").await.send_keys("Account Executive").await.unwrap();
    b.wait_until(10, "the search", async |b: &Browser| {
        b.in_widget("return root.querySelectorAll('[data-testid=import-dialog] .pick:not([hidden]) input[data-key]').length")
            .await
            .as_u64()
            .unwrap_or(0)
            >= 2
            && b.in_widget("return root.querySelectorAll('[data-testid=import-dialog] .pick:not([hidden]) input[data-key]').length")
                .await
                .as_u64()
                .unwrap_or(99)
                < 10
    })
    .await;
    b.widget_element("#gc-pick-all").await.click().await.unwrap();
    b.widget_element("#gc-import-save").await.click().await.unwrap();
    b.wait_until(30, "the import saved", async |b: &Browser| {
        b.in_widget("return !root.querySelector('[data-testid=import-dialog]') && (root.querySelector('#gc-jobs-notice')||{}).textContent || ''")
            .await
            .as_str()
            .is_some_and(|t| t.contains("Import saved"))
    })
    .await;

    // Edit the DACH job: featured, tags, an intro.
    let dach_key = b
        .in_widget(
            "return [...root.querySelectorAll('tr.job-row')].find(r => r.querySelector('.job-title').textContent.includes('DACH')).dataset.key",
        )
        .await;
    let dach_key = dach_key.as_str().unwrap().to_string();
    b.widget_element(&format!("tr[data-key='{dach_key}'] button.edit")).await.click().await.unwrap();
    b.wait_until(10, "the editor", async |b: &Browser| b.in_widget("return !!root.querySelector('[data-testid=job-editor]')").await == true).await;
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "job editor: {violations:#?}");
    assert!(b.in_widget("return !!root.querySelector('#gc-edit-in-greenhouse')").await == true, "an Edit in Greenhouse link");
    b.widget_element("[name=featured]").await.click().await.unwrap();
    b.widget_element("[name=tags]").await.send_keys("Visa sponsorship, Remote friendly").await.unwrap();
    b.widget_element("[name=intro]").await.send_keys("**Hello** from the host").await.unwrap();
    b.widget_element("#gc-editor-save").await.click().await.unwrap();
    b.wait_until(20, "saved", async |b: &Browser| b.in_widget("return !root.querySelector('[data-testid=job-editor]')").await == true).await;

    // A local job, linked to the Enterprise post ("Connect Greenhouse job").
    b.widget_element("#gc-new-local").await.click().await.unwrap();
    b.wait_until(10, "the editor", async |b: &Browser| {
        b.in_widget("return !!root.querySelector('[data-testid=job-editor] [name=title]')").await == true
    })
    .await;
    b.widget_element("[name=title]").await.send_keys("Community Ambassador").await.unwrap();
    b.widget_element("[name=location]").await.send_keys("Remote").await.unwrap();
    b.widget_element("[name=description]").await.send_keys("Grow our community.").await.unwrap();
    b.wait_until(30, "the posts", async |b: &Browser| {
        b.in_widget("return !!root.querySelector('select[name=post_id] option[value]:not([value=\"\"])')").await == true
    })
    .await;
    b.widget_element("select[name=post_id]").await.select_by_value(&linked_post.to_string()).await.unwrap();
    b.widget_element("#gc-editor-save").await.click().await.unwrap();
    b.wait_until(20, "the local job", async |b: &Browser| {
        b.in_widget("const r = [...root.querySelectorAll('tr.job-row')].find(r => r.dataset.key.startsWith('local-')); return !!r && !!r.querySelector('.conn.yes')").await == true
    })
    .await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await;

    // A visitor on another origin: the two imported jobs, the featured one first with its
    // tags, and the local job; nothing else.
    let b = Browser::start().await;
    b.client.goto(&format!("{}/?board={t}", host.base)).await.unwrap();
    b.wait_until(30, "the board", async |b: &Browser| b.job_titles().await.len() == 3).await;
    let titles = b.job_titles().await;
    let mut expected: Vec<String> = wanted.clone();
    expected.push("Community Ambassador".into());
    let mut got = titles.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "exactly the imported jobs and the local one");
    let featured = b.in_widget("return [...root.querySelectorAll('.job')].filter(j => j.querySelector('.badge.featured')).map(j => j.querySelector('.job-title').textContent)").await;
    assert_eq!(featured, serde_json::json!(["Account Executive, DACH"]));
    let tags = b
        .in_widget(&format!(
            "return [...root.querySelector('[data-job-id=\"{dach}\"]').closest('.job').querySelectorAll('.tags li')].map(t => t.textContent)"
        ))
        .await;
    assert_eq!(tags, serde_json::json!(["Visa sponsorship", "Remote friendly"]));
    b.click_job("Account Executive, DACH").await;
    b.wait_until(20, "the intro", async |b: &Browser| {
        b.in_widget("const i = root.querySelector('.intro'); return !!i && i.innerHTML.includes('<strong>Hello</strong>')").await == true
    })
    .await;
    let violations = b.axe_violations().await;
    assert!(violations.is_empty(), "visitor board with local fields: {violations:#?}");
    b.close().await;
}
