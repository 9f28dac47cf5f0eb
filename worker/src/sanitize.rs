//! Job descriptions arrive entity-escaped (`&lt;p&gt;`). They are decoded once, then cleaned
//! through an allow-list before anything caches or sends them: no scripts, no event
//! handlers, no `javascript:` or relative URLs, no iframes, forms or styles.

use std::sync::OnceLock;

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Greenhouse's editor emits these; everything not listed is dropped, content kept.
        b.tags(ALLOWED_TAGS.iter().copied().collect())
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            // Relative (`/x`, `x.html`, `#a`) and protocol-relative (`//host`) links would resolve
            // against whichever page shows the job, not the board's site: dropped, text kept.
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .set_tag_attribute_value("a", "target", "_blank")
            // Ammonia allows `cite` on blockquote by default but does not check its scheme, so
            // `cite="javascript:…"` came through; it is invisible metadata, so drop it.
            .rm_tag_attributes("blockquote", &["cite"]);
        b
    })
}

/// Decodes Greenhouse's entity-escaped `content` and returns safe HTML.
/// The tags job HTML may keep (Greenhouse's editor emits these); everything else is dropped,
/// its text kept. The property tests check the output against this same list.
pub const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

pub fn job_html(escaped: &str) -> String {
    let decoded = html_escape::decode_html_entities(escaped);
    tidy(cleaner().clean(&decoded).to_string().trim())
}

/// An owner's text (an intro, a local job's description): plain text or a small Markdown
/// subset (paragraphs, **bold**, *italic*, lists, links, headings) → sanitised HTML, through
/// the same allow-list as job HTML. Raw HTML in the text is shown as text, never as markup;
/// headings are shifted under the widget's own (the job's title is an `h2` there), like the
/// pages shift everything they show with [`headings_under`].
pub fn owner_text(src: &str) -> String {
    use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};
    let events = Parser::new_ext(src, Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Image { dest_url, .. }) => Event::Text(CowStr::from(format!("[{dest_url}]"))),
        Event::End(TagEnd::Image) => Event::Text(CowStr::from("")),
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    headings_under(cleaner().clean(&out).to_string().trim(), 3)
}

/// Moves the headings of sanitised HTML so that the highest of them is `<h{top}>`, keeping
/// their levels relative to each other (capped at `h6`): a fragment shown under a page's own
/// heading must neither compete with it (an `h1` under the page's `h1`) nor jump over a level
/// (Greenhouse's editor writes `h3` and `h4`, which under an `h1` skip the `h2`).
pub fn headings_under(html: &str, top: u8) -> String {
    let top = top.clamp(1, 6);
    let level = |t: &Tag| match t.name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    };
    let tags = tags(html);
    let Some(highest) = tags.iter().filter_map(level).min() else { return html.to_string() };
    if highest == top {
        return html.to_string();
    }
    let mut out = html.as_bytes().to_vec();
    for t in &tags {
        if let Some(l) = level(t) {
            // The digit after `<h` or `</h`; l >= highest, so the new level is at least `top`.
            out[t.start + 2 + usize::from(t.closing)] = b'0' + (l + top - highest).min(6);
        }
    }
    // Only ASCII digits were replaced by ASCII digits.
    String::from_utf8(out).unwrap_or_else(|_| html.to_string())
}

/// Repairs what HTML allows browsers to forgive but not authors to write, as Greenhouse's
/// editor does: a list nested straight inside a list (`<ul><li>a</li><ul>…</ul></ul>`) moves
/// into the item before it (or into an item of its own when none precedes it), and a link
/// that lost its `href` to the allow-list loses its `rel` and `target` too (they are invalid
/// without it). Runs on the cleaner's output.
fn tidy(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 32);
    // Open elements, and whether closing one must also close an `<li>` this function opened.
    let mut open: Vec<(&str, bool)> = Vec::new();
    let mut last = 0;
    for t in tags(html) {
        out.push_str(&html[last..t.start]);
        last = t.end;
        let raw = &html[t.start..t.end];
        if t.closing {
            out.push_str(raw);
            if let Some(at) = open.iter().rposition(|(n, _)| *n == t.name) {
                if open.drain(at..).any(|(n, li)| n == t.name && li) {
                    out.push_str("</li>");
                }
            }
            continue;
        }
        match t.name {
            "ul" | "ol" if open.last().is_some_and(|(n, _)| matches!(*n, "ul" | "ol")) => {
                let kept = out.trim_end().len();
                if out[..kept].ends_with("</li>") {
                    out.truncate(kept - "</li>".len());
                } else {
                    out.push_str("<li>");
                }
                out.push_str(raw);
                open.push((t.name, true));
            }
            "a" if !attributes(raw).contains(" href=") => {
                out.push_str("<a>");
                open.push((t.name, false));
            }
            "br" | "hr" => out.push_str(raw),
            name => {
                out.push_str(raw);
                open.push((name, false));
            }
        }
    }
    out.push_str(&html[last..]);
    out
}

/// One tag of serialised HTML: `html[start..end]` is `<name …>` or `</name>`.
struct Tag<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    closing: bool,
}

/// The tags of this module's output, which html5ever serialised: outside tags every `<` is
/// escaped, comments are gone and attribute values are quoted, so a tag is exactly a `<`
/// outside quotes up to the next `>` outside quotes.
fn tags(html: &str) -> Vec<Tag<'_>> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let start = i;
        let closing = bytes.get(i + 1) == Some(&b'/');
        let name_at = i + 1 + usize::from(closing);
        let name_len = bytes[name_at.min(bytes.len())..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        let mut quote = None;
        i += 1;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            i += 1;
        }
        i = (i + 1).min(bytes.len());
        if name_len > 0 {
            out.push(Tag { start, end: i, name: &html[name_at..name_at + name_len], closing });
        }
    }
    out
}

/// A tag with its quoted attribute values left out: `<a href="x" rel="y">` → `<a href= rel=>`.
fn attributes(raw: &str) -> String {
    let mut quote = None;
    raw.chars()
        .filter(|&c| match quote {
            Some(q) if c == q => {
                quote = None;
                false
            }
            Some(_) => false,
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                false
            }
            None => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{headings_under, job_html, owner_text};

    #[test]
    fn owner_markdown_is_a_small_safe_subset() {
        assert_eq!(owner_text("Hello **team**"), "<p>Hello <strong>team</strong></p>");
        assert_eq!(owner_text("- one\n- two"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
        let link = owner_text("[Benefits](https://acme.example/b)");
        assert!(link.contains(r#"href="https://acme.example/b""#) && link.contains("noopener"), "{link}");
        for hostile in ["<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>", "![x](https://evil.example/t.png)"] {
            let out = owner_text(hostile);
            assert!(!out.contains("<script") && !out.contains("javascript:") && !out.contains("<img"), "{out}");
        }
        assert!(owner_text("<b>raw</b>").contains("&lt;b&gt;"), "raw HTML is shown as text");
        assert!(owner_text("# Title").starts_with("<h3>"), "headings sit under the page's own");
        assert!(owner_text("#### Deep").starts_with("<h3>"), "and skip no level");
        assert_eq!(owner_text("# A\n\n## B"), "<h3>A</h3>\n<h4>B</h4>", "and keep their order");
        assert_eq!(owner_text("plain words"), "<p>plain words</p>");
    }

    #[test]
    fn entity_escaped_content_becomes_markup() {
        assert_eq!(job_html("&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;"), "<p>Hello &amp; welcome</p>");
    }

    #[test]
    fn numeric_entities_and_unicode_survive() {
        assert_eq!(job_html("&lt;p&gt;It&#39;s Zürich — ok&lt;/p&gt;"), "<p>It's Zürich — ok</p>");
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let hostile = "&lt;p onclick=&quot;steal()&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;\
            &lt;img src=x onerror=alert(2)&gt;&lt;a href=&quot;javascript:alert(3)&quot;&gt;x&lt;/a&gt;\
            &lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;&lt;style&gt;*{display:none}&lt;/style&gt;\
            &lt;svg onload=alert(4)&gt;&lt;/svg&gt;&lt;form action=x&gt;&lt;input name=a&gt;&lt;/form&gt;";
        let out = job_html(hostile);
        for bad in ["script", "alert", "onclick", "onerror", "javascript:", "iframe", "<style", "svg", "<form", "<input", "<img"] {
            assert!(!out.contains(bad), "{bad:?} survived in {out}");
        }
        assert!(out.starts_with("<p>Hi</p>"), "{out}");
    }

    #[test]
    fn links_are_kept_safe_and_open_elsewhere() {
        let out = job_html("&lt;a href=&quot;https://acme.example/benefits&quot;&gt;Benefits&lt;/a&gt;");
        assert!(out.contains(r#"href="https://acme.example/benefits""#), "{out}");
        assert!(out.contains("noopener"), "{out}");
        assert!(out.contains(r#"target="_blank""#), "{out}");
    }

    #[test]
    fn relative_and_protocol_relative_links_are_dropped() {
        // Shown on the host's page or ours, a relative link would point into a site the board
        // does not control; `//host` would leave for another site over the page's scheme.
        for href in ["/careers/apply", "../admin", "apply.html", "//evil.example/login", "?next=/x", "#top"] {
            let out = job_html(&format!("&lt;a href=&quot;{href}&quot;&gt;here&lt;/a&gt;"));
            assert!(!out.contains("href"), "{href} survived: {out}");
            assert!(out.contains("here"), "the text stays: {out}");
        }
        assert!(job_html("&lt;a href=&quot;https://acme.example/x&quot;&gt;x&lt;/a&gt;").contains("href=\"https://acme.example/x\""));
        assert!(job_html("&lt;a href=&quot;mailto:jobs@acme.example&quot;&gt;x&lt;/a&gt;").contains("href=\"mailto:jobs@acme.example\""));
    }

    #[test]
    fn double_decoding_does_not_unlock_markup() {
        // `&amp;lt;script&amp;gt;` is text that *shows* "<script>", never a tag.
        let out = job_html("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;");
        assert!(!out.contains("<script"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn headings_move_under_the_pages_own_keeping_their_order() {
        assert_eq!(headings_under("<h3>A</h3><p>x</p><h4>B</h4>", 2), "<h2>A</h2><p>x</p><h3>B</h3>");
        assert_eq!(headings_under("<h1>A</h1><h2>B</h2><h6>C</h6>", 3), "<h3>A</h3><h4>B</h4><h6>C</h6>", "capped at h6");
        assert_eq!(headings_under("<h4>A</h4><h5>B</h5>", 2), "<h2>A</h2><h3>B</h3>", "no level skipped");
        assert_eq!(headings_under("<h2>A</h2><h4>B</h4>", 2), "<h2>A</h2><h4>B</h4>", "already in place: unchanged");
        assert_eq!(headings_under("<p>no headings</p>", 2), "<p>no headings</p>");
        // Only tags move: text and attribute values that look like headings stay.
        let html = job_html("&lt;h1 title=&quot;&amp;lt;h1&amp;gt;&quot;&gt;T &amp;lt;h1&amp;gt;&lt;/h1&gt;&lt;hr&gt;&lt;h2&gt;U&lt;/h2&gt;");
        assert_eq!(headings_under(&html, 2), html.replace("<h1", "<h2").replace("</h1>", "</h2>").replace("<h2>U</h2>", "<h3>U</h3>"));
        assert!(headings_under(&html, 2).contains("title=\"&lt;h1&gt;\""), "{html}");
        assert_eq!(headings_under("<header>h</header><h1>A</h1>", 2), "<header>h</header><h2>A</h2>", "<header> is not a heading");
    }

    #[test]
    fn lists_nested_straight_in_lists_move_into_the_item_before() {
        let html = job_html("&lt;ul&gt;&lt;li&gt;a&lt;/li&gt;&lt;ul&gt;&lt;li&gt;a1&lt;/li&gt;&lt;/ul&gt;&lt;li&gt;b&lt;/li&gt;&lt;/ul&gt;");
        assert_eq!(html, "<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul>");
        let html = job_html("&lt;ol&gt;&lt;ol&gt;&lt;li&gt;x&lt;/li&gt;&lt;/ol&gt;&lt;/ol&gt;&lt;p&gt;after&lt;/p&gt;");
        assert_eq!(html, "<ol><li><ol><li>x</li></ol></li></ol><p>after</p>", "no item before: one of its own");
        let deep = job_html(
            "&lt;ul&gt;&lt;li&gt;a&lt;/li&gt;&lt;ul&gt;&lt;li&gt;b&lt;/li&gt;&lt;ul&gt;&lt;li&gt;c&lt;/li&gt;&lt;/ul&gt;&lt;/ul&gt;&lt;/ul&gt;",
        );
        assert_eq!(deep, "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>");
        let fine = "<ul><li>a<ul><li>b</li></ul></li></ul>";
        assert_eq!(job_html(fine), fine, "well-formed lists stay as they are");
    }

    #[test]
    fn links_without_an_address_keep_no_link_attributes() {
        assert_eq!(
            job_html("&lt;a href=&quot;javascript:x()&quot;&gt;click&lt;/a&gt; &lt;a title=&quot;t&quot;&gt;t&lt;/a&gt;"),
            "<a>click</a> <a>t</a>"
        );
        let kept = job_html("&lt;a title=&quot; href=&quot; href=&quot;https://a.example/&quot;&gt;x&lt;/a&gt;");
        assert!(kept.contains("href=\"https://a.example/\"") && kept.contains("target"), "{kept}");
    }
}
