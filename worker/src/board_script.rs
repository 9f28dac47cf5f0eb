//! `GET /boards/{token}/widget.js`: `widget.js` for one board, with the board's first paint in
//! the same response. With the usual tag the loader must arrive and run before it can ask for
//! the first paint, one more round trip (150 ms and more on a phone); this script carries it,
//! so the jobs are on screen as soon as the script has run:
//!
//! ```html
//! <script src="https://WORKER/boards/BOARD_TOKEN/widget.js?group_by=department" async></script>
//! ```
//!
//! The response is the loader as deployed (`widget.js`, the same asset) after one statement
//! that hands the loader its board, its origin and the first paint, keyed by the options it
//! was drawn for. The loader shows it only when its own options come to the same key (and no
//! deep link or filter in the host page's URL asks for another view); otherwise it fetches the
//! fragment as with the usual tag. Options go in the script URL's query, under the fragment's
//! names; `data-*` attributes on the tag still apply (and then, when they differ, the first
//! paint is fetched).

use serde_json::json;

/// The fragment's options a board script's URL may carry, in the order the loader writes them
/// (`lang` is keyed apart: the loader may take it from the host page).
pub const OPTION_KEYS: [&str; 6] = ["group_by", "departments", "offices", "page_size", "layout", "filters"];

/// The options of a board script's URL (its query), as the fragment reads them: the keys
/// above and `lang`, the first value of each, trimmed, empty ones left out. Nothing else (no
/// `index`, no filter state: the first paint is the board as a fresh page shows it).
pub fn options(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        let v = v.trim();
        if (OPTION_KEYS.contains(&k.as_str()) || k == "lang") && !v.is_empty() && !out.iter().any(|(n, _)| n == k) {
            out.push((k.clone(), v.to_string()));
        }
    }
    out
}

/// The key the loader compares with its own options: the options but `lang`, in
/// [`OPTION_KEYS`] order, form-encoded as `URLSearchParams` writes them.
pub fn key(options: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for k in OPTION_KEYS {
        if let Some((_, v)) = options.iter().find(|(n, _)| n == k) {
            s.append_pair(k, v);
        }
    }
    s.finish()
}

/// The script: the statement handing the loader its board (`first` is the first paint's HTML,
/// `None` when the board cannot be drawn now: the loader then mounts as with the usual tag),
/// then the loader. `lang` is the language the first paint is in (`en`, `de`).
pub fn body(loader: &str, board: &str, base: &str, key: &str, lang: &str, first: Option<&str>) -> String {
    let payload = json!({"board": board, "base": base, "key": key, "lang": lang, "html": first}).to_string();
    // A JSON text is a JavaScript expression; escaped further so that no `</script>` or line
    // separator can end up in it, whatever a job's title says.
    let payload = payload.replace('<', "\\u003c").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    format!("(function (s) {{ if (s) s.__ghwFirst = {payload}; }})(document.currentScript);\n{loader}")
}

/// The script when the loader itself cannot be read (the assets failing): it puts the usual
/// tag in its own place, `widget.js` with `data-board` and the options as `data-*` attributes
/// (the tag's own `data-*` kept first), so the visitor still gets the widget, or its link to
/// the hosted board.
pub fn fallback(base: &str, board: &str, options: &[(String, String)]) -> String {
    let mut attrs = vec![("data-board".to_string(), board.to_string())];
    attrs.extend(options.iter().map(|(k, v)| (format!("data-{}", k.replace('_', "-")), v.clone())));
    let attrs = serde_json::to_string(&attrs).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c");
    let src = serde_json::to_string(&format!("{base}widget.js")).unwrap_or_default().replace('<', "\\u003c");
    format!(
        "(function (s) {{ if (!s || !s.parentNode) return; var t = document.createElement(\"script\"); t.src = {src}; t.async = true; \
         var i, a = s.attributes, o = {attrs}; for (i = 0; i < a.length; i++) if (a[i].name.indexOf(\"data-\") === 0) t.setAttribute(a[i].name, a[i].value); \
         for (i = 0; i < o.length; i++) if (!t.hasAttribute(o[i][0])) t.setAttribute(o[i][0], o[i][1]); \
         s.parentNode.replaceChild(t, s); }})(document.currentScript);\n"
    )
}

/// The server include (`GET /boards/{token}/include.html`): the board as HTML for a host's
/// own server (or static build) to put into its page where the board goes, followed by the
/// usual tag:
///
/// ```html
/// <div data-greenhouse-board="acme" data-group-by="office" data-lang="en">
///   <template shadowrootmode="open">…the first paint…</template>
/// </div>
/// <script src="https://WORKER/widget.js" data-board="acme" async></script>
/// ```
///
/// The browser attaches the declarative shadow root as it parses the page, so the jobs are in
/// the page's first frame and in its HTML for crawlers, with no script at all; the loader then
/// finds the board on screen and the wasm takes it over as it takes over a fetched first
/// paint. The options it was drawn for are the slot's `data-*` (with the language drawn, so
/// the live widget draws the same view). `first` is `None` when the board cannot be drawn
/// now: the slot is empty and the widget shows the board's state as with the usual tag.
pub fn include(base: &str, board: &str, options: &[(String, String)], lang: &str, first: Option<&str>) -> String {
    use html_escape::encode_double_quoted_attribute as attr;
    let mut s = String::with_capacity(first.map_or(0, str::len) + 400);
    s.push_str("<div data-greenhouse-board=\"");
    s.push_str(&attr(board));
    s.push('"');
    for (k, v) in options.iter().filter(|(k, _)| k != "lang") {
        s.push_str(" data-");
        s.push_str(&k.replace('_', "-"));
        s.push_str("=\"");
        s.push_str(&attr(v));
        s.push('"');
    }
    s.push_str(" data-lang=\"");
    s.push_str(&attr(lang));
    s.push_str("\">");
    if let Some(html) = first {
        s.push_str("<template shadowrootmode=\"open\">");
        s.push_str(html);
        s.push_str("</template>");
    }
    s.push_str("</div>\n<script src=\"");
    s.push_str(&attr(&format!("{base}widget.js")));
    s.push_str("\" data-board=\"");
    s.push_str(&attr(board));
    s.push_str("\" async></script>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn only_the_fragment_options_count_the_first_of_each() {
        let o = options(&pairs(&[("lang", "de"), ("index", "3"), ("group_by", " office "), ("ghw_q", "x"), ("group_by", "none"), ("layout", "")]));
        assert_eq!(o, pairs(&[("lang", "de"), ("group_by", "office")]));
    }

    #[test]
    fn the_key_is_the_loaders_order_and_encoding_without_lang() {
        let o = options(&pairs(&[("filters", "false"), ("lang", "de"), ("departments", "Engineering & Ops"), ("group_by", "department")]));
        assert_eq!(key(&o), "group_by=department&departments=Engineering+%26+Ops&filters=false");
        assert_eq!(key(&[]), "");
    }

    #[test]
    fn the_payload_cannot_close_a_script_or_break_a_line() {
        let b = body("/* loader */", "acme", "https://w.example/", "", "en", Some("<p>R&D</script>\u{2028}</p>"));
        assert!(b.ends_with("\n/* loader */"));
        assert!(!b.contains("</script>") && !b.contains('<') && !b.contains('\u{2028}'));
        let json = b.split_once("s.__ghwFirst = ").unwrap().1.split_once("; })(document.currentScript)").unwrap().0;
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["html"], "<p>R&D</script>\u{2028}</p>");
        assert_eq!((v["board"].as_str(), v["base"].as_str(), v["lang"].as_str()), (Some("acme"), Some("https://w.example/"), Some("en")));
        let none = body("", "acme", "https://w.example/", "", "en", None);
        assert!(none.contains("\"html\":null"));
    }

    #[test]
    fn without_the_loader_the_usual_tag_takes_the_scripts_place() {
        let f = fallback("https://w.example/", "acme", &options(&pairs(&[("group_by", "office"), ("departments", "R&D </script>")])));
        assert!(f.contains("t.src = \"https://w.example/widget.js\""));
        assert!(f.contains(r#"["data-board","acme"],["data-group-by","office"],["data-departments","R&D \u003c/script>"]"#), "{f}");
        assert!(!f.contains("</") && f.contains("replaceChild"));
    }

    #[test]
    fn an_include_is_the_slot_with_its_board_drawn_in_a_declarative_shadow_root_then_the_usual_tag() {
        let o = options(&pairs(&[("lang", "de"), ("departments", "R&D \"Ops\" <x>"), ("group_by", "office")]));
        let i = include("https://w.example/", "acme", &o, "de", Some("<style>a{}</style><div class=\"ghw\" data-fragment></div>"));
        assert_eq!(
            i,
            "<div data-greenhouse-board=\"acme\" data-departments=\"R&amp;D &quot;Ops&quot; &lt;x&gt;\" data-group-by=\"office\" data-lang=\"de\">\
             <template shadowrootmode=\"open\"><style>a{}</style><div class=\"ghw\" data-fragment></div></template></div>\n\
             <script src=\"https://w.example/widget.js\" data-board=\"acme\" async></script>\n"
        );
        // A board that cannot be drawn: the slot and the tag, the widget shows its state.
        let none = include("https://w.example/", "acme", &[], "en", None);
        assert_eq!(none, "<div data-greenhouse-board=\"acme\" data-lang=\"en\"></div>\n<script src=\"https://w.example/widget.js\" data-board=\"acme\" async></script>\n");
    }
}
