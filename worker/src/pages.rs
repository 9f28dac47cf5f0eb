//! Crawlable, script-free HTML for a board and each job (same content and JSON-LD as the
//! widget shows), and a sitemap per board. Pure functions of our API types.

use crate::sanitize::headings_under;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use shared::api::{BoardListing, JobDetail};
use std::fmt::Write;

/// The pages' only style sheet, inline (the CSP allows exactly it, by hash): the widget's, as
/// the board page draws the board as the widget does, and a little for the page itself.
const STYLE: &str = concat!(
    include_str!("../../widget/src/style.css"),
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}",
    ".meta{color:#555}"
);

fn page(title: &str, canonical: &str, head_extra: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"canonical\" href=\"{}\"><link rel=\"icon\" href=\"data:,\">\
         <style>{STYLE}</style>{head_extra}</head>\n<body>{body}</body></html>\n",
        text(title),
        attr(canonical)
    )
}

/// The pages' Content-Security-Policy: nothing runs (the JSON-LD block is data, not script),
/// nothing loads but the one inline style sheet, no form posts anywhere, and no site may
/// frame the pages (clickjacking).
pub fn content_security_policy() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let style = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{style}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

pub fn board_url(origin: &str, token: &str) -> String {
    format!("{origin}/boards/{token}")
}

pub fn job_url(origin: &str, token: &str, id: u64) -> String {
    format!("{origin}/boards/{token}/jobs/{id}")
}

/// The whole board as a list of links, grouped by department.
pub fn board_page(listing: &BoardListing, origin: &str) -> String {
    // The same renderer as the widget's first paint: the board as the widget draws it, all
    // jobs, grouped by department, without the filters (nothing runs here).
    let options = crate::fragment::Options { filters: false, parts: false, ..crate::fragment::Options::from_query(&[]) };
    let token = &listing.board.token;
    let board = crate::fragment::render_board(listing, &options, false, &|id| job_url(origin, token, id), &board_url(origin, token));
    let body = format!("<main><h1>Jobs at {}</h1>{board}</main>", text(&listing.board.name));
    page(&format!("Jobs at {}", listing.board.name), &board_url(origin, token), "", &body)
}

/// One job with its description, facts, apply link and JobPosting JSON-LD. The job's title is
/// the page's `h1`; the intro's and the description's headings move under it.
/// `apply_to` is the Greenhouse post applications go to (the job's own, or the one an owner
/// linked); `None` for a local job nobody linked, which then shows no Greenhouse link.
pub fn job_page(detail: &JobDetail, origin: &str, apply_to: Option<u64>) -> String {
    let url = job_url(origin, &detail.board.token, detail.job.id);
    let greenhouse = |post: u64| match (&detail.job.absolute_url, post == detail.job.id) {
        (Some(u), true) => u.clone(),
        _ => format!("{}/jobs/{post}", detail.board.hosted_url),
    };
    let apply = detail.job.apply_url.clone().or_else(|| apply_to.map(greenhouse));
    let posting = shared::seo::job_posting(detail, Some(&url), false);
    let ld =
        format!("<script type=\"application/ld+json\">{}</script>", shared::seo::script_safe(&serde_json::to_string(&posting).unwrap_or_default()));
    let teams: Vec<&str> = detail.departments.iter().map(|d| d.name.as_str()).collect();
    let body = format!(
        "<main><p><a href=\"{}\">All jobs at {}</a></p><h1>{}</h1><p class=\"meta\">{}{}</p>{}{}{}</main>",
        attr(&board_url(origin, &detail.board.token)),
        text(&detail.board.name),
        text(&detail.job.title),
        text(&detail.job.location),
        if teams.is_empty() { String::new() } else { format!(" · {}", text(&teams.join(" · "))) },
        if detail.intro_html.is_empty() { String::new() } else { format!("<div class=\"intro\">{}</div>", headings_under(&detail.intro_html, 2)) },
        headings_under(&detail.content_html, 2),
        apply.map(|a| format!("<p><a href=\"{}\">Apply for this job</a></p>", attr(&a))).unwrap_or_default()
    );
    page(&format!("{} at {}", detail.job.title, detail.board.name), &url, &ld, &body)
}

/// `sitemap.xml`: the board page and every job page, with each job's last update.
pub fn sitemap(listing: &BoardListing, origin: &str) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let _ = writeln!(xml, "<url><loc>{}</loc></url>", text(&board_url(origin, &listing.board.token)));
    for j in &listing.jobs {
        let _ = write!(xml, "<url><loc>{}</loc>", text(&job_url(origin, &listing.board.token, j.id)));
        if let Some(d) = &j.updated_at {
            let _ = write!(xml, "<lastmod>{}</lastmod>", text(d));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Snapshot, Upstream};

    fn snapshot() -> Snapshot {
        let jobs = serde_json::from_str(
            r#"{"jobs":[{"id":11,"title":"Rust <Engineer> & co","location":{"name":"Berlin"},"updated_at":"2026-11-01T10:00:00Z",
               "content":"&lt;p&gt;Great&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;","departments":[{"id":1,"name":"Eng"}]}]}"#,
        )
        .unwrap();
        Snapshot::build("acme", Upstream { jobs, departments: None, offices: None, board: None }, 0)
    }

    #[test]
    fn board_page_links_every_job_with_escaped_titles() {
        let html = board_page(&snapshot().listing, "https://w.example");
        assert!(html.contains("href=\"https://w.example/boards/acme/jobs/11\""));
        assert!(html.contains("Rust &lt;Engineer&gt; &amp; co"));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://w.example/boards/acme\">"));
        assert!(!html.contains("<script"), "no script at all on the list page");
    }

    #[test]
    fn job_page_has_content_json_ld_and_canonical() {
        let d = snapshot().detail(11).unwrap();
        let html = job_page(&d, "https://w.example", Some(11));
        assert!(html.contains("<p>Great</p>") && !html.contains("x()"));
        assert!(html.contains("Apply for this job"));
        assert!(html.contains("<script type=\"application/ld+json\">"));
        assert!(html.contains("\"@type\":\"JobPosting\""));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://w.example/boards/acme/jobs/11\">"));
        assert_eq!(html.matches("<script").count(), 1, "the JSON-LD is the only script");
    }

    #[test]
    fn owners_apply_links_and_intros_reach_the_crawlable_page() {
        let mut d = snapshot().detail(11).unwrap();
        d.job.apply_url = Some("https://acme.example/apply?a=1&b=2".into());
        d.intro_html = "<p>Hello</p>".into();
        let html = job_page(&d, "https://w.example", Some(11));
        assert!(html.contains("href=\"https://acme.example/apply?a=1&amp;b=2\""), "{html}");
        assert!(html.contains("<div class=\"intro\"><p>Hello</p></div>"));
        d.job.apply_url = None;
        assert!(job_page(&d, "https://w.example", Some(7)).contains("/jobs/7\""), "a linked post");
        assert!(!job_page(&d, "https://w.example", None).contains("Apply for this job"), "a local job nobody linked");
    }

    #[test]
    fn description_and_intro_headings_sit_under_the_pages_h1() {
        let mut d = snapshot().detail(11).unwrap();
        d.content_html = "<h3>About</h3><p>x</p><h4>Perks</h4>".into();
        d.intro_html = crate::sanitize::owner_text("# Welcome\n\nHi");
        let html = job_page(&d, "https://w.example", Some(11));
        assert!(html.contains("<div class=\"intro\"><h2>Welcome</h2>"), "{html}");
        assert!(html.contains("<h2>About</h2><p>x</p><h3>Perks</h3>"), "{html}");
        assert!(!html.contains("<h4") && html.matches("<h1>").count() == 1, "{html}");
    }

    #[test]
    fn the_csp_allows_the_pages_own_style_and_nothing_else() {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let html = board_page(&snapshot().listing, "https://w.example");
        let style = &html[html.find("<style>").unwrap() + 7..html.find("</style>").unwrap()];
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
        let csp = content_security_policy();
        assert!(csp.contains(&format!("style-src 'sha256-{hash}'")), "{csp}");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"), "{csp}");
    }

    #[test]
    fn sitemap_lists_board_and_jobs() {
        let xml = sitemap(&snapshot().listing, "https://w.example");
        assert!(xml.starts_with("<?xml"));
        assert!(xml.contains("<loc>https://w.example/boards/acme</loc>"));
        assert!(xml.contains("<loc>https://w.example/boards/acme/jobs/11</loc><lastmod>2026-11-01T10:00:00Z</lastmod>"));
    }
}
