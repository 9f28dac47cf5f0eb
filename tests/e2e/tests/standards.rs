//! The crawlable pages, their sitemaps and their JSON-LD, checked against standards by tools
//! nobody here wrote. Every board the fake serves (the seeded ones and every real capture
//! under `tests/greenhouse-fake/fixtures`) is mapped and rendered natively by the worker's own
//! code (`Snapshot::build`, `pages::*`: pure functions, no workerd needed), written to a
//! temporary folder, and then:
//!
//! - the Nu Html Checker (`vnu.jar` from npm's `vnu-jar`, on the machine's Java) reports no
//!   error on any board page or job page, all checked in one Java run;
//! - every sitemap validates against the sitemaps.org 0.9 schema (`tests/standards/
//!   sitemap.xsd`, vendored as published) with the JDK's own XML Schema validator;
//! - every job's JobPosting JSON-LD, read back out of its page, has what Google requires
//!   and, whenever the job's data has it, what Google recommends, with the right types.
//!
//! Each validator also gets one document that must fail, so a validator that checks nothing
//! cannot pass. Without Java or `vnu.jar` the tests fail and say how to get them.

use gh_worker::pages;
use gh_worker::snapshot::{Snapshot, Upstream};
use serde_json::{json, Value};
use shared::api::{JobDetail, PayRange};
use shared::greenhouse::job_board as gh;
use std::path::PathBuf;
use std::process::Command;

const ORIGIN: &str = "https://careers.example.com";

/// Every board the fake knows, mapped as the worker maps a refresh of it.
fn boards() -> Vec<Snapshot> {
    greenhouse_fake::seed::all_boards()
        .into_iter()
        .map(|(token, b)| {
            let jobs: gh::JobList = serde_json::from_str(&b.jobs_raw).unwrap_or_else(|e| panic!("{token}: {e}"));
            let departments = serde_json::from_value(json!({ "departments": b.departments })).ok();
            let offices = serde_json::from_value(json!({ "offices": b.offices })).ok();
            let board = Some(gh::Board { name: b.name, content: Some(b.intro) });
            Snapshot::build(&token, Upstream { jobs, departments, offices, board }, 0)
        })
        .collect()
}

/// Every job's detail, with what a job's own Greenhouse call adds: pay ranges on every third
/// job (as the fake sends them), and on some an hourly range, a deadline and an owner's intro.
fn details(s: &Snapshot) -> Vec<JobDetail> {
    let mut out = Vec::new();
    for (i, job) in s.listing.jobs.iter().enumerate() {
        let Some(mut d) = s.detail(job.id) else { panic!("{}: job {} has no detail", s.listing.board.token, job.id) };
        match i % 4 {
            1 => d.pay_ranges = vec![pay(Some("Base salary"), Some(12_000_000), Some(16_000_000), "USD")],
            2 => {
                d.pay_ranges = vec![pay(Some("Hourly rate"), Some(2_550), Some(3_000), "EUR"), pay(None, Some(1), Some(2), "GBP")];
                d.job.application_deadline = Some("2027-01-31".into());
            }
            3 => {
                d.intro_html = gh_worker::sanitize::owner_text("# Why us\n\nWe **build**.\n\n## Perks\n\n- one\n- two\n\n1. first\n2. second");
                d.job.application_deadline = Some("2027-02-28T23:59:59Z".into());
            }
            _ => {}
        }
        out.push(d);
    }
    out
}

fn pay(title: Option<&str>, min: Option<u64>, max: Option<u64>, currency: &str) -> PayRange {
    PayRange { title: title.map(Into::into), min_cents: min, max_cents: max, currency: Some(currency.into()) }
}

/// A fresh folder for one test's files, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ghw-standards-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A Java that runs (see `xtask::find_java`); the tests fail, never skip, without one.
fn java() -> PathBuf {
    xtask::find_java().unwrap_or_else(|| panic!("{}", xtask::JAVA_MISSING))
}

fn vnu_jar() -> PathBuf {
    let jar = e2e::root().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "{} is missing: run `cargo xtask setup` (or `npm ci`), which installs vnu-jar from package-lock.json", jar.display());
    jar
}

/// Runs the Nu Html Checker once over `files` and returns its messages per file name.
fn vnu(files: &[PathBuf]) -> Vec<(String, String)> {
    let out = Command::new(java())
        .args(["-Xss4m", "-jar"])
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "json"])
        .args(files)
        .output()
        .expect("java runs");
    // The JSON report goes to stderr; the exit status is 1 when anything is reported.
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!("vnu's report is not JSON ({e}): {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or(url).to_string();
            let text = format!(
                "{} {}:{}: {} [{}]",
                m["type"].as_str().unwrap_or("?"),
                m["lastLine"],
                m["firstColumn"],
                m["message"].as_str().unwrap_or_default(),
                m["extract"].as_str().unwrap_or_default()
            );
            (file, text)
        })
        .collect()
}

/// The one document vnu must reject: proof that it ran over the files.
const BROKEN_HTML: &str =
    "<!doctype html><html lang=\"en\"><head><title>x</title></head><body><h1>x</h1><li>a list item without a list</li></body></html>";

#[test]
fn the_nu_html_checker_finds_no_error_on_any_page() {
    let dir = Scratch::new("vnu");
    let mut files = Vec::new();
    for s in boards() {
        let token = &s.listing.board.token;
        files.push(dir.write(&format!("{token}.html"), &pages::board_page(&s.listing, ORIGIN)));
        // The widget's first paint (filters drawn, inert), in a document of its own: its style
        // sheet goes into the widget's shadow root, so it is left out here.
        let o = gh_worker::fragment::Options::from_query(&[("page_size".into(), "5".into())]);
        let board = gh_worker::fragment::render_board(&s.listing, &o, true, &|id| format!("{ORIGIN}/boards/{token}/jobs/{id}"), ORIGIN);
        let doc = format!("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fragment</title></head><body>{board}</body></html>");
        files.push(dir.write(&format!("{token}-fragment.html"), &doc));
        for d in details(&s) {
            // Every other job as if it were an owner's local job nobody linked (no apply link).
            let apply = (d.job.id % 2 == 0).then_some(d.job.id);
            let html = pages::job_page(&d, ORIGIN, apply);
            // The checker only warns about this, so it is checked here: from the page's h1 down,
            // no heading skips a level.
            let levels: Vec<u8> = html
                .match_indices("<h")
                .filter_map(|(i, _)| html.as_bytes().get(i + 2).filter(|b| (b'1'..=b'6').contains(b)).map(|b| b - b'0'))
                .collect();
            assert!(levels.first() == Some(&1) && levels.windows(2).all(|w| w[1] <= w[0] + 1), "{token}/{}: headings {levels:?}", d.job.id);
            files.push(dir.write(&format!("{token}-job-{}.html", d.job.id), &html));
        }
    }
    assert!(files.len() > 150, "every board and job rendered: {}", files.len());
    files.push(dir.write("broken.html", BROKEN_HTML));

    let messages = vnu(&files);
    assert!(messages.iter().any(|(f, _)| f == "broken.html"), "vnu did not flag the broken page, so it checked nothing: {messages:?}");
    // One exception, for the first paint only: `part` (CSS Shadow Parts, a W3C attribute for
    // elements in a shadow root, which hosts' `::part()` theming needs) is not in vnu's HTML
    // schema. The crawlable pages carry none.
    let shadow_part = |f: &str, m: &str| f.ends_with("-fragment.html") && m.contains("Attribute “part” not allowed");
    let errors: Vec<String> =
        messages.into_iter().filter(|(f, m)| f != "broken.html" && !shadow_part(f, m)).map(|(f, m)| format!("{f}: {m}")).collect();
    assert!(errors.is_empty(), "{} errors on {} pages:\n{}", errors.len(), files.len() - 1, errors.join("\n"));
}

#[test]
fn every_sitemap_validates_against_the_sitemaps_org_schema() {
    let root = e2e::root();
    let dir = Scratch::new("sitemaps");
    let mut files = Vec::new();
    for s in boards() {
        let xml = pages::sitemap(&s.listing, ORIGIN);
        assert_eq!(xml.matches("<url>").count(), s.listing.jobs.len() + 1, "the board and each job");
        files.push(dir.write(&format!("{}.xml", s.listing.board.token), &xml));
    }
    // Not a date, and a second <loc>: both must be refused.
    let broken = dir.write(
        "broken.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <url><loc>https://careers.example.com/a</loc><lastmod>yesterday</lastmod></url></urlset>\n",
    );
    files.push(broken.clone());
    let out = Command::new(java())
        .arg(root.join("tests/standards/ValidateXml.java"))
        .arg(root.join("tests/standards/sitemap.xsd"))
        .args(&files)
        .output()
        .expect("java runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(text.lines().any(|l| l.starts_with(&format!("invalid {}:", broken.display()))), "the broken sitemap was not refused:\n{text}{stderr}");
    for f in &files[..files.len() - 1] {
        assert!(text.lines().any(|l| l == format!("ok {}", f.display())), "{} is not valid:\n{text}{stderr}", f.display());
    }
    assert_eq!(text.lines().filter(|l| l.starts_with("invalid ")).count(), text.lines().filter(|l| l.contains("broken.xml")).count(), "{text}");
}

/// The `<script type="application/ld+json">` of a rendered page, parsed.
fn json_ld(html: &str) -> Value {
    let start = html.find("<script type=\"application/ld+json\">").expect("the page has JSON-LD") + 35;
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end]).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}"))
}

fn is_date(v: &Value) -> bool {
    v.as_str().is_some_and(shared::seo::is_iso_date)
}

fn nonempty(v: &Value) -> bool {
    v.as_str().is_some_and(|s| !s.trim().is_empty())
}

/// Google's job-posting structured data guidelines, as rules on one posting. `d` is what the
/// posting was made from: the recommended properties must be there whenever it has them.
fn check_posting(p: &Value, d: &JobDetail) -> Vec<String> {
    let mut bad = Vec::new();
    let mut rule = |ok: bool, what: &str| {
        if !ok {
            bad.push(what.to_string());
        }
    };
    // Required.
    rule(p["@context"] == "https://schema.org/" && p["@type"] == "JobPosting", "@context and @type");
    rule(p["title"] == d.job.title.as_str() && nonempty(&p["title"]), "title is the job's");
    rule(nonempty(&p["description"]), "description (HTML)");
    rule(is_date(&p["datePosted"]), "datePosted is an ISO 8601 date");
    rule(p["hiringOrganization"]["@type"] == "Organization" && nonempty(&p["hiringOrganization"]["name"]), "hiringOrganization");
    let remote = p["jobLocationType"] == "TELECOMMUTE";
    rule(p.get("jobLocationType").is_none() || remote, "jobLocationType is TELECOMMUTE or absent");
    if remote {
        let req = &p["applicantLocationRequirements"];
        rule(
            matches!(req["@type"].as_str(), Some("Country" | "State" | "AdministrativeArea")) && nonempty(&req["name"]),
            "applicantLocationRequirements",
        );
    } else {
        let places = p["jobLocation"].as_array().cloned().unwrap_or_default();
        rule(!places.is_empty(), "jobLocation (or TELECOMMUTE)");
        for place in &places {
            let a = &place["address"];
            let parts = ["addressLocality", "addressRegion", "addressCountry"];
            rule(place["@type"] == "Place" && a["@type"] == "PostalAddress", "jobLocation is a Place with a PostalAddress");
            rule(parts.iter().any(|k| nonempty(&a[*k])), "the address names a locality, region or country");
            rule(
                a.as_object().is_some_and(|o| o.iter().all(|(k, v)| k == "@type" || (parts.contains(&k.as_str()) && nonempty(v)))),
                "address parts are text",
            );
        }
        // A location written "Town, Region, Country" yields all three parts.
        let loc = &d.job.location;
        if loc.split(',').filter(|s| !s.trim().is_empty()).count() >= 3 && !loc.contains([';', '|', '(']) {
            let a = &places.first().map(|p| p["address"].clone()).unwrap_or_default();
            rule(
                nonempty(&a["addressLocality"]) && nonempty(&a["addressRegion"]) && nonempty(&a["addressCountry"]),
                "a three-part location is fully split",
            );
        }
    }
    // Recommended, whenever the data has it.
    let pay = d.pay_ranges.iter().find(|r| r.currency.as_ref().is_some_and(|c| c.len() == 3) && (r.min_cents.is_some() || r.max_cents.is_some()));
    match (pay, p.get("baseSalary")) {
        (None, None) => {}
        (None, Some(_)) => rule(false, "baseSalary without a pay range"),
        (Some(_), None) => rule(false, "baseSalary missing although the job has a pay range"),
        (Some(r), Some(s)) => {
            let v = &s["value"];
            let unit = v["unitText"].as_str().unwrap_or_default();
            rule(s["@type"] == "MonetaryAmount" && v["@type"] == "QuantitativeValue", "baseSalary is a MonetaryAmount of a QuantitativeValue");
            rule(s["currency"].as_str().is_some_and(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())), "currency is an ISO 4217 code");
            rule(["HOUR", "DAY", "WEEK", "MONTH", "YEAR"].contains(&unit), "unitText is HOUR, DAY, WEEK, MONTH or YEAR");
            let (min, max) = (v["minValue"].as_f64(), v["maxValue"].as_f64());
            rule(v["value"].is_number() || min.is_some() || max.is_some(), "an amount");
            rule(min.zip(max).is_none_or(|(a, b)| a <= b), "minValue <= maxValue");
            rule(min.is_none_or(|m| Some((m * 100.0).round() as u64) == r.min_cents), "minValue is the range's, in units");
            let hourly = r.title.as_deref().is_some_and(|t| t.to_lowercase().contains("hour"));
            rule(!hourly || unit == "HOUR", "an hourly range is per HOUR");
        }
    }
    let kinds = ["FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER"];
    let employment_field = d.job.metadata.iter().find(|m| m.name.eq_ignore_ascii_case("employment type"));
    match (employment_field, p.get("employmentType")) {
        (Some(f), None) => rule(false, &format!("employmentType missing for {:?}", f.value)),
        (_, Some(t)) => rule(
            t.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|k| k.as_str().is_some_and(|k| kinds.contains(&k)))),
            "employmentType values",
        ),
        (None, None) => {}
    }
    match (&d.job.application_deadline, p.get("validThrough")) {
        (Some(_), v) => rule(v.is_some_and(is_date), "validThrough is the deadline, as a date"),
        (None, v) => rule(v.is_none(), "no validThrough without a deadline"),
    }
    bad
}

#[test]
fn every_job_posting_carries_what_google_requires_and_recommends() {
    let (mut jobs, mut salaries, mut employment, mut places, mut remote, mut deadlines) = (0, 0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for s in boards() {
        for d in details(&s) {
            let html = pages::job_page(&d, ORIGIN, Some(d.job.id));
            let p = json_ld(&html);
            for problem in check_posting(&p, &d) {
                failures.push(format!("{}/{} ({:?}): {problem}\n  {p}", s.listing.board.token, d.job.id, d.job.location));
            }
            jobs += 1;
            salaries += usize::from(p.get("baseSalary").is_some());
            employment += usize::from(p.get("employmentType").is_some());
            places += usize::from(p.get("jobLocation").is_some());
            remote += usize::from(p.get("jobLocationType").is_some());
            deadlines += usize::from(p.get("validThrough").is_some());
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    // The fixtures exercise every rule: none of these may be vacuous.
    assert!(
        jobs > 150 && salaries > 50 && employment >= 24 && places > 100 && remote > 10 && deadlines > 50,
        "{jobs} jobs, {salaries} salaries, {employment} employment types, {places} on site, {remote} remote, {deadlines} deadlines"
    );
}

#[test]
fn the_rules_catch_a_posting_that_breaks_them() {
    let s = boards().into_iter().find(|s| s.listing.board.token == "janestreet").expect("the janestreet capture");
    let d = &details(&s)[1];
    let mut p = json_ld(&pages::job_page(d, ORIGIN, Some(d.job.id)));
    assert!(check_posting(&p, d).is_empty(), "{p}");
    let obj = p.as_object_mut().expect("an object");
    obj.remove("employmentType");
    obj.insert("datePosted".into(), json!("last week"));
    obj["baseSalary"]["value"]["unitText"] = json!("FORTNIGHT");
    obj.remove("jobLocation");
    let bad = check_posting(&p, d);
    for want in ["employmentType missing", "datePosted", "unitText", "jobLocation (or TELECOMMUTE)"] {
        assert!(bad.iter().any(|b| b.contains(want)), "{want} not caught: {bad:?}");
    }
}
