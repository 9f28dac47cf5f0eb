//! `<greenhouse-jobs>`, the custom element `widget.js` defines, in headless Chromium: attributes
//! update it in place, removing it disposes of it (mounted and removed 100 times, the page's
//! listeners and JS heap come back), several work on one page and inside another shadow root,
//! it tells the host app what happens with DOM events, and a page built with a real framework
//! from npm (Preact) re-renders it with new attributes.

use e2e::board;
use e2e::browser::{setup, Browser};
use serde_json::{json, Value};

/// JS: the live widget's shadow root in element `el` (its board drawn by the wasm, no first
/// paint left), or null.
const LIVE: &str = "function live(el) { const sr = el && el.shadowRoot; \
     return sr && !sr.querySelector('[data-fragment]') && sr.querySelector('.ghw .job') ? sr : null; }";

/// JS: the group headings the live widget in `el` shows.
const HEADINGS: &str = "function headings(el) { const sr = live(el); \
     return sr ? Array.from(sr.querySelectorAll('.group h3')).map(h => h.textContent) : []; }";

async fn js(b: &Browser, body: &str) -> Value {
    b.client.execute(&format!("{LIVE} {HEADINGS} {body}"), vec![]).await.expect("script runs")
}

/// Records the widget's events at the document, as a host app's analytics would.
const RECORD: &str = "<script>window.__ev = []; ['open', 'apply-start', 'applied'].forEach(function (n) { \
     document.addEventListener('greenhouse-jobs:' + n, function (e) { window.__ev.push([n, e.detail, e.target.id]); }); });</script>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attributes_update_in_place_several_elements_and_events() {
    let Some((_, host, b)) = setup().await else { return };
    let (one, two) = (board("northwind", "element-a"), board("northwind", "element-b"));
    let page = host.page(
        "element",
        "en",
        RECORD,
        &format!(
            "<main><h1>Jobs</h1><greenhouse-jobs id=\"a\" board=\"{one}\"></greenhouse-jobs><div id=\"outer\"></div>\
             <script>document.getElementById('outer').attachShadow({{mode: 'open'}}).innerHTML = \
             '<greenhouse-jobs id=\"inner\" board=\"{two}\" group-by=\"office\"></greenhouse-jobs>';</script>\
             <script src=\"{{worker}}/widget.js\" async></script></main>"
        ),
    );
    b.client.goto(&page).await.unwrap();
    let a = "document.getElementById('a')";
    let inner = "document.getElementById('outer').shadowRoot.getElementById('inner')";
    b.wait_until(30, "both boards", async |b: &Browser| {
        js(b, &format!("return !!live({a}) && !!live({inner}) && live({a}).querySelectorAll('.job').length === 44")).await == true
    })
    .await;
    let by_dept = js(&b, &format!("return headings({a})")).await;
    let by_office = js(&b, &format!("return headings({inner})")).await;
    assert!(!by_dept.as_array().unwrap().iter().any(|h| h == "Berlin"), "grouped by department: {by_dept}");
    assert!(by_office.as_array().unwrap().iter().any(|h| h == "Berlin"), "the element inside a shadow root, by office: {by_office}");

    // A new attribute redraws the same element in place: one board, no first paint left over.
    js(&b, &format!("window.__same = {a}; {a}.setAttribute('group-by', 'office'); return null")).await;
    b.wait_until(10, "grouped by office", async |b: &Browser| js(b, &format!("return headings({a}).includes('Berlin')")).await == true).await;
    assert_eq!(js(&b, &format!("return window.__same === {a} && {a}.shadowRoot.querySelectorAll('.ghw').length")).await, 1);
    js(&b, &format!("{a}.setAttribute('lang', 'de'); return null")).await;
    b.wait_until(10, "German", async |b: &Browser| {
        js(b, &format!("const sr = live({a}); return sr ? sr.querySelector('.count').textContent : ''")).await == "44 Stellen"
    })
    .await;
    // The other element did not change.
    assert_eq!(js(&b, &format!("return live({inner}).querySelector('.count').textContent")).await, "44 jobs");

    // Opening a job tells the host app which one, and nothing else.
    js(&b, &format!("live({a}).querySelector('a.job-title').click(); return null")).await;
    b.wait_until(10, "the job view", async |b: &Browser| js(b, &format!("return !!live({a}).querySelector('.detail-title')")).await == true).await;
    let title = js(&b, &format!("return live({a}).querySelector('.detail-title').textContent")).await;
    let events = js(&b, "return window.__ev").await;
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0][0], "open");
    assert_eq!(events[0][2], "a", "the event comes from the element");
    let detail = events[0][1].as_object().unwrap();
    assert_eq!(detail.keys().collect::<Vec<_>>(), ["jobId", "title"]);
    assert_eq!(detail["title"], title);
    assert!(detail["jobId"].as_u64().is_some_and(|id| id > 1 << 31), "{detail:?}");
    // Redrawn with the job open (a new theme), it shows the same job without telling again.
    js(&b, &format!("{a}.setAttribute('theme', 'dark'); return null")).await;
    b.wait_until(10, "redrawn with the job", async |b: &Browser| {
        js(b, &format!("const sr = live({a}); return !!sr && {a}.getAttribute('data-theme') === 'dark' && !!sr.querySelector('.detail-title')")).await
            == true
    })
    .await;
    assert_eq!(js(&b, &format!("return live({a}).querySelector('.detail-title').textContent")).await, title);
    assert_eq!(js(&b, "return window.__ev.length").await, 1, "no second open for the same job");
    // The one inside another shadow root reaches the document too (retargeted to its host).
    js(&b, &format!("live({inner}).querySelector('a.job-title').click(); return null")).await;
    b.wait_until(10, "the inner job view", async |b: &Browser| js(b, "return window.__ev.length").await == 2).await;
    assert_eq!(js(&b, "return window.__ev[1][2]").await, "outer");
    assert!(b.console_errors().await.is_empty());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_and_added_100_times_it_leaves_nothing_behind() {
    let Some((_, host, b)) = setup().await else { return };
    let token = board("northwind", "element-churn");
    let page = host.page(
        "churn",
        "en",
        "",
        &format!(
            "<main><h1>Jobs</h1><div id=\"slot\"></div><script src=\"{{worker}}/widget.js\" async></script>\
             <script>\
             {LIVE}\
             window.cycle = async function (n, wait) {{\
               const slot = document.getElementById('slot');\
               for (let i = 0; i < n; i++) {{\
                 const el = document.createElement('greenhouse-jobs');\
                 el.setAttribute('board', '{token}');\
                 slot.appendChild(el);\
                 if (wait) {{ const t0 = performance.now(); while (!live(el)) {{\
                   if (performance.now() - t0 > 10000) throw new Error('board ' + i + ' never drew');\
                   await new Promise(r => requestAnimationFrame(r)); }} }}\
                 el.remove();\
                 await new Promise(r => setTimeout(r, 0));\
               }}\
               return true;\
             }};\
             window.withForm = async function (n) {{\
               const slot = document.getElementById('slot');\
               for (let i = 0; i < n; i++) {{\
                 const el = document.createElement('greenhouse-jobs');\
                 el.setAttribute('board', '{token}');\
                 slot.appendChild(el);\
                 const t0 = performance.now();\
                 while (!live(el)) {{ if (performance.now() - t0 > 10000) throw new Error('board ' + i);\
                   await new Promise(r => requestAnimationFrame(r)); }}\
                 live(el).querySelector('a.job-title').click();\
                 while (!el.shadowRoot.querySelector('.apply form')) {{ if (performance.now() - t0 > 10000) throw new Error('form ' + i);\
                   await new Promise(r => requestAnimationFrame(r)); }}\
                 el.remove();\
                 history.replaceState(null, '', location.pathname);\
                 await new Promise(r => setTimeout(r, 0));\
               }}\
               return true;\
             }};\
             </script></main>"
        ),
    );
    b.client.goto(&page).await.unwrap();
    b.wait_until(10, "the element", async |b: &Browser| js(b, "return !!window.customElements.get('greenhouse-jobs')").await == true).await;
    b.client.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(Some(std::time::Duration::from_secs(180)), None, None)).await.unwrap();
    let cycle = async |n: usize, wait: bool| {
        let done = b
            .client
            .execute_async("const [n, wait, done] = arguments; window.cycle(n, wait).then(done, e => done(String(e)));", vec![json!(n), json!(wait)])
            .await;
        assert_eq!(done.expect("the cycle runs"), true, "{n} cycles");
    };
    let counters = async || {
        b.cdp("HeapProfiler.collectGarbage", json!({})).await;
        let dom = b.cdp("Memory.getDOMCounters", json!({})).await;
        let heap = b.cdp("Runtime.getHeapUsage", json!({})).await;
        (dom["jsEventListeners"].as_i64().unwrap(), dom["nodes"].as_i64().unwrap(), heap["usedSize"].as_f64().unwrap())
    };
    let forms = async |n: usize| {
        let done = b.client.execute_async("const [n, done] = arguments; window.withForm(n).then(done, e => done(String(e)));", vec![json!(n)]).await;
        assert_eq!(done.expect("the form cycle runs"), true, "{n} form cycles");
    };
    // Warm up (the code loaded, the caches filled), then the baseline.
    cycle(5, true).await;
    forms(2).await;
    let (listeners, nodes, heap) = counters().await;
    cycle(100, true).await;
    // Removed before it could draw, too.
    cycle(20, false).await;
    // And with a job's application form open (its own bundle, taken down with the job's view).
    forms(20).await;
    let (listeners_after, nodes_after, heap_after) = counters().await;
    assert!(listeners_after <= listeners, "event listeners: {listeners} before, {listeners_after} after 140 mounts");
    assert!(nodes_after <= nodes + 200, "DOM nodes: {nodes} before, {nodes_after} after");
    assert!(heap_after < heap + 2e6, "JS heap: {heap} B before, {heap_after} B after");
    assert_eq!(js(&b, "return document.getElementById('slot').children.length").await, 0);

    // Added again, it works.
    js(&b, &format!("const el = document.createElement('greenhouse-jobs'); el.id = 'again'; el.setAttribute('board', '{token}'); document.getElementById('slot').appendChild(el); return null")).await;
    b.wait_until(20, "the board again", async |b: &Browser| {
        js(b, "const sr = live(document.getElementById('again')); return sr ? sr.querySelectorAll('.job').length : 0").await == 44
    })
    .await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preact_app_re_renders_it_with_new_attributes() {
    let Some((_, host, b)) = setup().await else { return };
    let token = board("northwind", "element-preact");
    let head = "<script type=\"importmap\">{\"imports\": {\"preact\": \"/npm/preact/dist/preact.mjs\", \
                \"preact/hooks\": \"/npm/preact/hooks/dist/hooks.mjs\"}}</script>";
    let page = host.page(
        "preact",
        "en",
        head,
        &format!(
            "<main><h1>Jobs</h1><div id=\"app\"></div>\
             <script type=\"module\">\
             import {{ h, render }} from 'preact';\
             import {{ useState }} from 'preact/hooks';\
             function App() {{\
               const [group, setGroup] = useState('department');\
               const [lang, setLang] = useState('en');\
               const [opened, setOpened] = useState('');\
               return h('div', null,\
                 h('button', {{ id: 'by-office', onClick: () => setGroup('office') }}, 'By office'),\
                 h('button', {{ id: 'german', onClick: () => setLang('de') }}, 'Deutsch'),\
                 h('p', {{ id: 'opened' }}, opened),\
                 h('greenhouse-jobs', {{ board: '{token}', 'group-by': group, lang: lang,\
                   'ongreenhouse-jobs:open': e => setOpened(e.detail.title) }}));\
             }}\
             render(h(App), document.getElementById('app'));\
             </script>\
             <script src=\"{{worker}}/widget.js\" async></script></main>"
        ),
    );
    b.client.goto(&page).await.unwrap();
    let el = "document.querySelector('greenhouse-jobs')";
    b.wait_until(30, "the board", async |b: &Browser| js(b, &format!("return !!live({el})")).await == true).await;
    assert!(!js(&b, &format!("return headings({el})")).await.as_array().unwrap().iter().any(|h| h == "Berlin"));
    js(&b, &format!("window.__el = {el}; document.getElementById('by-office').click(); return null")).await;
    b.wait_until(10, "grouped by office", async |b: &Browser| js(b, &format!("return headings({el}).includes('Berlin')")).await == true).await;
    js(&b, "document.getElementById('german').click(); return null").await;
    b.wait_until(10, "German", async |b: &Browser| {
        js(b, &format!("const sr = live({el}); return sr ? sr.querySelector('.count').textContent : ''")).await == "44 Stellen"
    })
    .await;
    assert_eq!(js(&b, &format!("return window.__el === {el}")).await, true, "the same element, re-rendered");
    // A search writes the element's own parameter into the URL and keeps the app router's state.
    js(
        &b,
        &format!(
            "history.replaceState({{app: 'router-state'}}, '', location.href); \
                    const i = live({el}).querySelector('input[type=search]'); i.value = 'engineer'; \
                    i.dispatchEvent(new Event('input', {{bubbles: true}})); return null"
        ),
    )
    .await;
    b.wait_until(10, "the search in the URL", async |b: &Browser| js(b, "return location.search.includes('ghw101_q=engineer')").await == true).await;
    assert_eq!(js(&b, "return history.state && history.state.app").await, "router-state");
    // The app hears the element's events through Preact's own event props.
    js(&b, &format!("live({el}).querySelector('a.job-title').click(); return null")).await;
    b.wait_until(10, "the app heard the job open", async |b: &Browser| {
        js(
            b,
            &format!(
                "const sr = live({el}); const t = sr && sr.querySelector('.detail-title'); \
                        return !!t && document.getElementById('opened').textContent === t.textContent"
            ),
        )
        .await
            == true
    })
    .await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:#?}");
    b.close().await;
}

/// The element's TypeScript declarations (`widget/greenhouse-jobs.d.ts`, served beside the
/// loader) compile under `tsc --strict` with a host app's usage (`tests/types/usage.ts`): the
/// events' details are typed, the DOM's own events keep their types, and what must not
/// compile (a made-up outcome, personal data in an event, an element without a board) does not.
#[test]
fn the_type_declarations_type_a_host_apps_code() {
    let root = e2e::root();
    let node = [root.join("node_modules/.xtask-bin/node")].into_iter().find(|p| p.exists()).unwrap_or_else(|| "node".into());
    let out = std::process::Command::new(node)
        .current_dir(&root)
        .args(["node_modules/typescript/bin/tsc", "--noEmit", "--strict", "--lib", "es2020,dom", "--target", "es2020"])
        .args(["--moduleResolution", "bundler", "--module", "esnext", "tests/types/usage.ts"])
        .output()
        .expect("node runs tsc (npm ci installs typescript)");
    assert!(out.status.success(), "tsc: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
