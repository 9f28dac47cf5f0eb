//! Property tests for the worker's hostile-input surfaces: the job HTML sanitiser, owner
//! tokens, the web hook signature check, and the application form built from a job.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use gh_worker::auth::{self, AuthError, OwnerClaims, DEFAULT_AUDIENCE, MAX_LIFETIME_SECS};
use gh_worker::routes::hooks::signature_ok;
use gh_worker::sanitize::job_html;
use gh_worker::snapshot::apply_form;
use hmac::{Hmac, Mac};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Value};
use sha2::Sha256;
use shared::apply::{ApplyForm, FileMeta, Submission, MAX_FILE_BYTES};
use shared::greenhouse::job_board as gh;
use std::collections::HashMap;

// =======================================================================================
// The HTML sanitiser
// =======================================================================================

/// The allow-list the sanitiser keeps.
use gh_worker::sanitize::ALLOWED_TAGS;

/// Schemes a URL in the output may have (`url_schemes` in `sanitize.rs`); no scheme at all
/// (a relative URL) is fine too.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Attributes a browser follows or loads as a URL.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "srcset",
    "data",
    "xlink:href",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "ping",
];

/// Tags for the input grammar: allowed ones, dangerous ones, and foreign-content tricks.
const INPUT_TAGS: &[&str] = &[
    "a",
    "p",
    "div",
    "span",
    "b",
    "table",
    "td",
    "tr",
    "ul",
    "li",
    "pre",
    "blockquote",
    "abbr",
    "h1",
    "br",
    "script",
    "style",
    "iframe",
    "svg",
    "math",
    "img",
    "image",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "object",
    "embed",
    "link",
    "meta",
    "base",
    "noscript",
    "template",
    "title",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "frame",
    "frameset",
    "body",
    "html",
    "head",
    "video",
    "audio",
    "source",
    "details",
    "marquee",
    "use",
    "animate",
    "set",
    "foreignObject",
    "mglyph",
    "malignmark",
    "desc",
    "annotation-xml",
    "mtext",
];

const INPUT_ATTRS: &[&str] = &[
    "href",
    "src",
    "onclick",
    "onerror",
    "onload",
    "onmouseover",
    "onfocus",
    "style",
    "xlink:href",
    "formaction",
    "action",
    "srcset",
    "srcdoc",
    "data",
    "cite",
    "background",
    "poster",
    "title",
    "target",
    "rel",
    "lang",
    "class",
    "id",
    "hreflang",
    "colspan",
    "start",
    "is",
    "dir",
    "xmlns",
    "autofocus",
    "values",
    "attributeName",
    "to",
];

/// Ways to write a scheme so that naive filters miss it but a browser (or a decoder) may not.
const SCHEMES: &[&str] = &[
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "java\nscript:",
    "java\rscript:",
    " javascript:",
    "\u{1}javascript:",
    "\u{0}javascript:",
    "javascript\u{0}:",
    "jav&#x09;ascript:",
    "jav&Tab;ascript:",
    "&#106;avascript:",
    "&#x6A;avascript:",
    "&#0000106avascript:",
    "javascript&colon;",
    "javascript&#58;",
    "javascript&#x3a;",
    "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A",
    "java&amp;#115;cript:",
    "javascript%3A",
    "data:",
    "DATA:",
    "data:text/html;base64,",
    "data:image/svg+xml,",
    " data:",
    "vbscript:",
    "VBScript:",
    "livescript:",
    "http:",
    "https:",
    "HTTPS:",
    "mailto:",
    "tel:",
    "//",
    "/",
    "",
    "#",
    "?",
    "\\\\",
    "https://ok.example/",
];

const PAYLOADS: &[&str] =
    &["alert(1)", "text/html,<script>alert(1)</script>", "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "msgbox(1)", "//evil.example/%0aalert(1)", "x", ""];

const TEXTS: &[&str] = &[
    "hello",
    "Zürich — ok",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "<!-- x -->",
    "<!--",
    "-->",
    "--!>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<",
    ">",
    "\"",
    "'",
    "&",
    "&#60;",
    "&#x3c;script&#x3e;",
    "</",
    "<!doctype html>",
    "<?xml version=\"1.0\"?>",
    "javascript:alert(1)",
    "\u{0}",
    "<%",
    "`",
];

/// The case-insensitive tag/attribute name `s`, with each letter's case chosen by `mask`.
fn recase(s: &str, mask: u64) -> String {
    s.chars().enumerate().map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect()
}

fn escape_all(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn url() -> impl Strategy<Value = String> {
    (select(SCHEMES), select(PAYLOADS), 0..4u8).prop_map(|(scheme, payload, encode)| {
        let u = format!("{scheme}{payload}");
        match encode {
            0 => escape_all(&u),
            // Every character as a numeric entity, as filter-evasion cheat sheets do.
            1 => u.chars().map(|c| format!("&#{};", c as u32)).collect(),
            _ => u,
        }
    })
}

fn attribute() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        4 => Just("href".to_string()),
        2 => Just("src".to_string()),
        4 => select(INPUT_ATTRS).prop_map(str::to_string),
        2 => "on[a-z]{1,10}",
    ];
    let value = prop_oneof![3 => url(), 1 => Just("alert(1)".to_string()), 1 => ".{0,8}"];
    (name, any::<u64>(), value, 0..5u8, select(vec![" ", "\t", "\n", "/", " / ", "\u{c}"])).prop_map(|(name, mask, value, quote, sep)| {
        let name = recase(&name, mask);
        match quote {
            0 => format!("{sep}{name}=\"{value}\""),
            1 => format!("{sep}{name}='{value}'"),
            2 => format!("{sep}{name}={value}"),
            3 => format!("{sep}{name} = \"{value}\""),
            _ => format!("{sep}{name}"),
        }
    })
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop_oneof![1 => Just("a"), 2 => select(INPUT_TAGS)], any::<u64>(), vec(attribute(), 0..4), any::<bool>())
            .prop_map(|(tag, mask, attrs, selfclose)| format!("<{}{}{}>", recase(tag, mask), attrs.concat(), if selfclose { "/" } else { "" })),
        2 => (select(INPUT_TAGS), any::<u64>()).prop_map(|(tag, mask)| format!("</{}>", recase(tag, mask))),
        2 => select(TEXTS).prop_map(str::to_string),
        1 => ".{0,6}",
    ]
}

/// HTML-ish documents as Greenhouse might deliver them: entity-escaped once (as Greenhouse
/// does, so the decode turns it into markup), raw, or a mixture piece by piece of raw,
/// escaped once and escaped twice (text that must stay text after the one decode).
fn hostile_html() -> impl Strategy<Value = String> {
    let mode = prop_oneof![2 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)];
    (vec((piece(), prop_oneof![2 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)]), 0..14), mode).prop_map(|(pieces, mode)| match mode {
        0 => escape_all(&pieces.into_iter().map(|(p, _)| p).collect::<String>()),
        1 => pieces.into_iter().map(|(p, _)| p).collect(),
        _ => pieces
            .into_iter()
            .map(|(p, enc)| match enc {
                0 => p,
                1 => escape_all(&p),
                _ => escape_all(&escape_all(&p)),
            })
            .collect(),
    })
}

#[derive(Debug)]
struct Tag {
    name: String,
    end: bool,
    attrs: Vec<(String, String)>,
}

/// A small tokenizer for serialised HTML (what html5ever writes): text never holds a raw `<`,
/// so every `<` opens a start or end tag. Anything else (a comment, a doctype, a stray `<`)
/// is reported as an error: the sanitiser must not emit it.
fn tokenize(html: &str) -> Result<Vec<Tag>, String> {
    let b: Vec<char> = html.chars().collect();
    let mut i = 0;
    let mut tags = Vec::new();
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}');
    while i < b.len() {
        if b[i] != '<' {
            i += 1;
            continue;
        }
        i += 1;
        let end = b.get(i) == Some(&'/');
        if end {
            i += 1;
        }
        if !b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            return Err(format!("a '<' that opens no tag at {i}"));
        }
        let start = i;
        while i < b.len() && !is_space(b[i]) && b[i] != '/' && b[i] != '>' {
            i += 1;
        }
        let name: String = b[start..i].iter().collect::<String>().to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (is_space(b[i]) || b[i] == '/') {
                i += 1;
            }
            match b.get(i) {
                None => return Err(format!("unterminated tag <{name}")),
                Some('>') => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            let start = i;
            i += 1; // an attribute name may start with '='
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], '/' | '>' | '=') {
                i += 1;
            }
            let attr: String = b[start..i].iter().collect::<String>().to_ascii_lowercase();
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let mut value = String::new();
            if b.get(i) == Some(&'=') {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q) if q == '"' || q == '\'' => {
                        let start = i + 1;
                        let close = b[start..].iter().position(|&c| c == q).ok_or("unterminated attribute value")?;
                        value = b[start..start + close].iter().collect();
                        i = start + close + 1;
                    }
                    _ => {
                        let start = i;
                        while i < b.len() && !is_space(b[i]) && b[i] != '>' {
                            i += 1;
                        }
                        value = b[start..i].iter().collect();
                    }
                }
            }
            attrs.push((attr, html_escape::decode_html_entities(&value).into_owned()));
        }
        tags.push(Tag { name, end, attrs });
    }
    Ok(tags)
}

/// The scheme a browser sees in an attribute's (already entity-decoded) URL, per the URL
/// standard: leading and trailing C0 controls and spaces stripped, tabs and newlines removed
/// anywhere, then `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`.
fn scheme_of(url: &str) -> Option<String> {
    let u: String = url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = u.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))).then(|| scheme.to_ascii_lowercase())
}

/// Everything the sanitiser promises about its output.
fn assert_safe(input: &str, out: &str) -> Result<(), TestCaseError> {
    let tags = tokenize(out).map_err(|e| TestCaseError::fail(format!("{e} in {out:?} (from {input:?})")))?;
    for t in &tags {
        prop_assert!(ALLOWED_TAGS.contains(&t.name.as_str()), "tag <{}> is not allowed: {:?} (from {:?})", t.name, out, input);
        if t.end {
            continue;
        }
        for (name, value) in &t.attrs {
            prop_assert!(!name.starts_with("on"), "event handler {}={:?} in {:?} (from {:?})", name, value, out, input);
            prop_assert!(!matches!(name.as_str(), "style" | "srcdoc" | "is" | "xmlns"), "attribute {} in {:?} (from {:?})", name, out, input);
            if URL_ATTRS.contains(&name.as_str()) {
                if let Some(scheme) = scheme_of(value) {
                    prop_assert!(
                        ALLOWED_SCHEMES.contains(&scheme.as_str()),
                        "{}={:?} has scheme {:?}: {:?} (from {:?})",
                        name,
                        value,
                        scheme,
                        out,
                        input
                    );
                }
            }
        }
    }
    // Belt and braces, without the tokenizer: nothing script-like in markup form.
    let lower = out.to_ascii_lowercase();
    for bad in ["<script", "<style", "<iframe", "<svg", "<math", "<img", "<form", "<object", "<embed", "<!--", "<![cdata["] {
        prop_assert!(!lower.contains(bad), "{:?} in {:?} (from {:?})", bad, out, input);
    }
    Ok(())
}

#[test]
fn the_tokenizer_sees_what_it_must() {
    let t = tokenize(r#"<p>x &lt;b&gt;</p><a href="java&#x09;script:alert(1)" onclick='y' target=_blank>z</a><br>"#).unwrap();
    let names: Vec<_> = t.iter().map(|t| (t.name.as_str(), t.end)).collect();
    assert_eq!(names, [("p", false), ("p", true), ("a", false), ("a", true), ("br", false)]);
    assert_eq!(t[2].attrs[0], ("href".to_string(), "java\tscript:alert(1)".to_string()));
    assert_eq!(scheme_of(&t[2].attrs[0].1).as_deref(), Some("javascript"));
    assert_eq!(t[2].attrs[1].0, "onclick");
    assert_eq!(scheme_of(" \u{1}JavaScript:x").as_deref(), Some("javascript"));
    assert_eq!(scheme_of("/relative:path"), None);
    assert!(tokenize("a < b").is_err() && tokenize("<!-- c -->").is_err());
    // And the checks fail on what they exist to catch.
    assert!(assert_safe("", r#"<a href="&#106;avascript:x">"#).is_err());
    assert!(assert_safe("", r#"<p onmouseover="x">"#).is_err());
    assert!(assert_safe("", r#"<svg>"#).is_err());
    assert!(assert_safe("", r#"<p title="javascript:x">ok</p><a href="https://x.example/">y</a>"#).is_ok());
}

/// Found by `sanitised_html_is_safe`: ammonia's default attributes keep `cite` on
/// blockquote without checking its scheme.
#[test]
fn blockquote_cite_cannot_carry_a_script_url() {
    let input = "&lt;blockquote cite=&quot;javascript:alert(1)&quot;&gt;Quote&lt;/blockquote&gt;";
    let out = job_html(input);
    assert_eq!(out, "<blockquote>Quote</blockquote>");
    assert_safe(input, &out).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever Greenhouse (or whoever edits a job) writes, decoding then cleaning leaves no
    /// script, handler, dangerous URL or disallowed tag; nor does cleaning the result again
    /// (content is re-cleaned when a cached snapshot is rebuilt from an older one).
    #[test]
    fn sanitised_html_is_safe(input in hostile_html()) {
        let out = job_html(&input);
        assert_safe(&input, &out)?;
        assert_safe(&out, &job_html(&out))?;
    }

    #[test]
    fn sanitiser_never_panics_on_arbitrary_text(input in prop_oneof![".{0,200}", "[<>/=\"' a-zA-Z&#;:!\\-\t\n]{0,200}"]) {
        let out = job_html(&input);
        assert_safe(&input, &out)?;
    }
}

// =======================================================================================
// Owner tokens
// =======================================================================================

const NOW: u64 = 1_800_000_000;
const SECRET: &str = "host-secret-1";

fn secrets() -> HashMap<String, auth::Signer> {
    HashMap::from([
        ("acme-site".to_string(), auth::Signer { secret: SECRET.to_string(), orgs: None }),
        ("empty-secret".to_string(), auth::Signer { secret: String::new(), orgs: None }),
    ])
}

fn claims() -> OwnerClaims {
    OwnerClaims {
        iss: "acme-site".into(),
        aud: DEFAULT_AUDIENCE.into(),
        org: "northwind".into(),
        sub: "user-1".into(),
        email: "owner@northwind.example".into(),
        exp: NOW + 600,
        iat: NOW,
        scope: String::new(),
    }
}

fn check(token: &str) -> Result<OwnerClaims, AuthError> {
    auth::verify(Some(token), &secrets(), DEFAULT_AUDIENCE, "northwind", NOW)
}

/// One edit to a token.
#[derive(Debug, Clone)]
enum Tamper {
    Replace(usize, char),
    Insert(usize, char),
    Delete(usize),
    Truncate(usize),
    SwapSegments(usize, usize),
    DuplicateSegment(usize),
    ReplaceSegment(usize, Vec<u8>),
}

fn token_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => select("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".chars().collect::<Vec<_>>()),
        1 => select(vec!['.', '=', '+', '/', ' ', '\t', '\n', '\u{0}']),
        1 => any::<char>(),
    ]
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        4 => (any::<usize>(), token_char()).prop_map(|(i, c)| Tamper::Replace(i, c)),
        2 => (any::<usize>(), token_char()).prop_map(|(i, c)| Tamper::Insert(i, c)),
        2 => any::<usize>().prop_map(Tamper::Delete),
        1 => any::<usize>().prop_map(Tamper::Truncate),
        1 => (0..3usize, 0..3usize).prop_map(|(a, b)| Tamper::SwapSegments(a, b)),
        1 => (0..3usize).prop_map(Tamper::DuplicateSegment),
        1 => (0..3usize, vec(any::<u8>(), 0..48)).prop_map(|(i, b)| Tamper::ReplaceSegment(i, b)),
    ]
}

fn apply_tamper(token: &str, t: &Tamper) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let mut segments: Vec<String> = token.split('.').map(str::to_string).collect();
    match t {
        Tamper::Replace(i, c) => {
            let n = chars.len();
            chars[i % n] = *c;
        }
        Tamper::Insert(i, c) => {
            let n = chars.len() + 1;
            chars.insert(i % n, *c);
        }
        Tamper::Delete(i) => {
            let n = chars.len();
            chars.remove(i % n);
        }
        Tamper::Truncate(i) => chars.truncate(i % chars.len()),
        // Earlier edits may have merged segments: indices wrap.
        Tamper::SwapSegments(a, b) => {
            let n = segments.len();
            segments.swap(a % n, b % n);
            return segments.join(".");
        }
        Tamper::DuplicateSegment(i) => {
            let i = i % segments.len();
            let s = segments[i].clone();
            segments.insert(i, s);
            return segments.join(".");
        }
        Tamper::ReplaceSegment(i, bytes) => {
            let n = segments.len();
            segments[i % n] = B64.encode(bytes);
            return segments.join(".");
        }
    }
    chars.into_iter().collect()
}

fn arb_claims() -> impl Strategy<Value = OwnerClaims> {
    (".{0,12}", ".{0,12}", ".{0,16}", ".{0,16}", 1..=MAX_LIFETIME_SECS, any::<u64>()).prop_map(|(iss, org, sub, email, ttl, iat)| OwnerClaims {
        iss,
        aud: DEFAULT_AUDIENCE.into(),
        org,
        sub,
        email,
        exp: NOW + ttl,
        iat,
        scope: String::new(),
    })
}

proptest! {
    #[test]
    fn arbitrary_strings_never_verify(s in prop_oneof![".{0,120}", "[A-Za-z0-9_=.-]{0,120}"]) {
        prop_assert!(check(&s).is_err());
        let _ = auth::bearer(Some(&s));
        if let Some(t) = auth::bearer(Some(&format!("Bearer {s}"))) {
            prop_assert!(check(t).is_err());
        }
    }

    /// Three (or more, or fewer) well-encoded segments of arbitrary bytes, and the header
    /// and claims of a valid token with an arbitrary signature: never accepted.
    #[test]
    fn arbitrary_base64_segments_never_verify(segments in vec(vec(any::<u8>(), 0..64), 0..5), sig in vec(any::<u8>(), 0..64)) {
        let token = segments.iter().map(|s| B64.encode(s)).collect::<Vec<_>>().join(".");
        prop_assert!(check(&token).is_err());
        let good = auth::mint(&claims(), SECRET);
        let signed: Vec<&str> = good.split('.').collect();
        let forged = format!("{}.{}.{}", signed[0], signed[1], B64.encode(&sig));
        prop_assert_eq!(check(&forged), Err(AuthError::BadSignature));
        let forged = format!("{}.{}.{}", signed[0], B64.encode(segments.concat()), signed[2]);
        prop_assert!(check(&forged).is_err());
    }

    /// Any edit to a valid token (other than whitespace around it, which is trimmed) makes
    /// it fail: no malleable encoding, no segment games.
    #[test]
    fn tampered_tokens_never_verify(edits in vec(tamper(), 1..3)) {
        let good = auth::mint(&claims(), SECRET);
        let mut token = good.clone();
        for t in &edits {
            if !token.is_empty() {
                token = apply_tamper(&token, t);
            }
        }
        let got = check(&token);
        if token.trim() == good {
            prop_assert_eq!(got, Ok(claims()));
        } else {
            prop_assert!(got.is_err(), "{:?} verified after {:?}", token, edits);
        }
    }

    /// Tokens with arbitrary claims verify exactly when minted with the issuer's secret and
    /// naming the org asked about; any other secret is a bad signature.
    #[test]
    fn minted_tokens_verify_only_with_their_secret(c in arb_claims(), other in ".{0,16}", known_issuer in any::<bool>()) {
        let mut c = c;
        if known_issuer {
            c.iss = "acme-site".into();
        }
        let s = secrets();
        let token = auth::mint(&c, SECRET);
        let got = auth::verify(Some(&token), &s, DEFAULT_AUDIENCE, &c.org, NOW);
        if c.iss == "acme-site" {
            prop_assert_eq!(got, Ok(c.clone()));
            if other != SECRET {
                prop_assert_eq!(auth::verify(Some(&auth::mint(&c, &other)), &s, DEFAULT_AUDIENCE, &c.org, NOW), Err(AuthError::BadSignature));
            }
            if other != c.org {
                prop_assert_eq!(auth::verify(Some(&token), &s, DEFAULT_AUDIENCE, &other, NOW), Err(AuthError::WrongOrg));
            }
        } else {
            prop_assert_eq!(got, Err(AuthError::UnknownIssuer));
        }
        // An issuer configured with an empty secret accepts nothing, not even an empty-key MAC.
        let empty = auth::mint(&OwnerClaims { iss: "empty-secret".into(), ..c }, "");
        prop_assert_eq!(check(&empty), Err(AuthError::UnknownIssuer));
    }
}

// =======================================================================================
// The web hook signature
// =======================================================================================

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

proptest! {
    #[test]
    fn arbitrary_signatures_never_pass(secret in ".{0,20}", body in vec(any::<u8>(), 0..256), header in proptest::option::of(prop_oneof![
        ".{0,80}",
        "sha256 [0-9a-fA-F]{0,70}",
        "(sha256|SHA256|sha256=|sha1 |sha256  ) ?[0-9a-f]{64}",
        "sha256 [0-9a-f+\\- ]{60,66}",
    ])) {
        prop_assert!(!signature_ok(&secret, &body, header.as_deref()), "{:?} passed", header);
    }

    /// The right HMAC passes (either hex case, surrounding whitespace allowed); any other
    /// body, secret, digit or length does not.
    #[test]
    fn only_the_right_hmac_passes(
        secret in ".{0,20}",
        body in vec(any::<u8>(), 0..256),
        upper in any::<bool>(),
        pad in select(vec!["", " ", "\t", "\n "]),
        digit in 0usize..64,
        bump in 1u8..16,
        other_secret in ".{0,20}",
        extra in any::<u8>(),
    ) {
        let hex = hmac_hex(&secret, &body);
        let hex = if upper { hex.to_ascii_uppercase() } else { hex };
        let right = format!("{pad}sha256 {hex}{pad}");
        prop_assert!(signature_ok(&secret, &body, Some(&right)), "the right HMAC {:?} failed", right);

        let mut wrong: Vec<char> = hex.chars().collect();
        let d = wrong[digit].to_digit(16).unwrap() as u8;
        wrong[digit] = char::from_digit(((d + bump) % 16) as u32, 16).unwrap();
        let wrong: String = wrong.into_iter().collect();
        prop_assert!(!signature_ok(&secret, &body, Some(&format!("sha256 {wrong}"))), "one digit changed");
        prop_assert!(!signature_ok(&secret, &body, Some(&format!("sha256 {}", &hex[..hex.len() - 2]))), "truncated");
        prop_assert!(!signature_ok(&secret, &body, Some(&format!("sha256 {hex}00"))), "extended");
        prop_assert!(!signature_ok(&secret, &body, Some(&hex)), "no prefix");
        let mut longer = body.clone();
        longer.push(extra);
        prop_assert!(!signature_ok(&secret, &longer, Some(&format!("sha256 {hex}"))), "body changed");
        if other_secret != secret {
            prop_assert!(!signature_ok(&other_secret, &body, Some(&format!("sha256 {hex}"))), "other secret");
        }
    }
}

// =======================================================================================
// Application forms built from jobs
// =======================================================================================

fn fixture_job(name: &str) -> gh::Job {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/greenhouse-fake/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

const FIELD_TYPES: &[&str] =
    &["input_text", "textarea", "input_file", "input_hidden", "multi_value_single_select", "multi_value_multi_select", "unknown_type", ""];
const NAMES: &[&str] = &["first_name", "last_name", "email", "phone", "resume", "resume_text", "question_1", "question_2[]", "", " ", "  x  "];

fn gh_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        "[0-9]{0,3}|.{0,4}".prop_map(Value::from),
        Just(json!([1])),
    ]
}

fn gh_question() -> impl Strategy<Value = Value> {
    let field = (select(NAMES), select(FIELD_TYPES), vec((gh_value(), ".{0,4}"), 0..4)).prop_map(|(name, kind, values)| {
        json!({ "name": name, "type": kind, "values": values.into_iter().map(|(v, l)| json!({ "value": v, "label": l })).collect::<Vec<_>>() })
    });
    (any::<bool>(), ".{0,6}", proptest::option::of("&lt;p&gt;.{0,6}&lt;/p&gt;"), vec(field, 0..3)).prop_map(
        |(required, label, description, fields)| json!({ "required": required, "label": label, "description": description, "fields": fields }),
    )
}

/// A job as `questions=true` returns it, with arbitrary question shapes.
fn gh_job_with_questions() -> impl Strategy<Value = gh::Job> {
    let demo_q =
        (0u64..20, any::<bool>(), select(vec!["multi_value_single_select", "multi_value_multi_select", "x"]), vec((0u64..20, any::<bool>()), 0..4));
    (
        vec(gh_question(), 0..6),
        vec(gh_question(), 0..2),
        vec(vec(gh_question(), 0..3), 0..2),
        proptest::option::of(vec(demo_q, 0..3)),
        vec((any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), select(vec!["gdpr", "other"])), 0..2),
    )
        .prop_map(|(questions, location, compliance, demo, gdpr)| {
            let job = json!({
                "id": 4_285_367_007u64,
                "title": "t",
                "questions": questions,
                "location_questions": location,
                "compliance": compliance.into_iter().map(|qs| json!({ "type": "eeoc", "description": "&lt;p&gt;x&lt;/p&gt;", "questions": qs })).collect::<Vec<_>>(),
                "demographic_questions": demo.map(|qs| json!({
                    "header": "h",
                    "questions": qs.into_iter().map(|(id, required, kind, opts)| json!({
                        "id": id, "label": "q", "required": required, "type": kind,
                        "answer_options": opts.into_iter().map(|(id, free_form)| json!({ "id": id, "label": "o", "free_form": free_form })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })),
                "data_compliance": gdpr.into_iter().map(|(c, p, r, d, kind)| json!({
                    "type": kind, "requires_consent": c, "requires_processing_consent": p, "requires_retention_consent": r,
                    "demographic_data_consent_applies": d, "retention_period": 365,
                })).collect::<Vec<_>>(),
            });
            serde_json::from_value(job).expect("the generator writes parseable jobs")
        })
}

fn submission_for(form: &ApplyForm) -> impl Strategy<Value = Submission> {
    let mut names = gh_worker::apply::field_names(form);
    names.extend(["sneaky", "applicant_ip", "mapped_url_token", "data_compliance", "website_url"].map(String::from));
    let mut answers: Vec<String> = form.all_questions().flat_map(|q| &q.fields).flat_map(|f| f.options.iter().map(|o| o.value.clone())).collect();
    answers.extend(form.demographic.iter().flat_map(|d| &d.questions).flat_map(|q| q.options.iter().map(|o| o.id.to_string())));
    answers.extend(["true", "", "ada@example.com", "+44 20 7946 0958", "https://spam.example"].map(String::from));
    let value = prop_oneof![3 => select(answers), 1 => ".{0,20}", 1 => (0usize..2).prop_map(|i| "x".repeat([256, 50_001][i]))];
    let file = (select(names.clone()), "[a-z]{1,4}\\.(pdf|exe|docx|)", prop_oneof![Just(0u64), 1..=MAX_FILE_BYTES + 1, any::<u64>()])
        .prop_map(|(field, filename, size)| FileMeta { field, filename, size });
    (vec((select(names), value), 0..14), vec(file, 0..3)).prop_map(|(values, files)| Submission { values, files })
}

/// Every key `greenhouse_body` may write: the form's fields plus our own envelope keys.
fn check_form_and_body(form: &ApplyForm, s: &Submission) -> Result<(), TestCaseError> {
    for q in form.all_questions() {
        prop_assert!(!q.fields.is_empty(), "apply_form kept a question with no fields: {:?}", q);
        prop_assert!(q.fields.iter().all(|f| !f.name.is_empty() && f.name.trim() == f.name), "{:?}", q);
    }
    for e in form.validate(s) {
        let refused_file = s.files.iter().any(|f| f.field == e.field);
        prop_assert!(form.knows(&e.field) || refused_file, "error for a field the form lacks: {:?}", e);
    }
    let names = gh_worker::apply::field_names(form);
    let body = gh_worker::apply::greenhouse_body(form, s, Some("linkedin"), Some("203.0.113.47"));
    for key in body.keys() {
        prop_assert!(
            names.contains(key) || ["data_compliance", "demographic_answers", "mapped_url_token", "applicant_ip"].contains(&key.as_str()),
            "body carries {:?}, which the form does not know",
            key
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Arbitrary question shapes from Greenhouse become forms whose every question has a
    /// field (the validator names a question's errors after its first field), and arbitrary
    /// submissions against them yield errors for known fields and bodies with known keys.
    #[test]
    fn forms_from_arbitrary_jobs_validate_soundly((job, s) in gh_job_with_questions().prop_flat_map(|job| {
        let s = submission_for(&apply_form(&job));
        (Just(job), s)
    })) {
        check_form_and_body(&apply_form(&job), &s)?;
    }

    #[test]
    fn fixture_form_against_arbitrary_submissions(s in submission_for(&apply_form(&fixture_job("jobboard-generalassembly-job-721-questions-2013.json")))) {
        check_form_and_body(&apply_form(&fixture_job("jobboard-generalassembly-job-721-questions-2013.json")), &s)?;
    }

    #[test]
    fn fallback_form_against_arbitrary_submissions(s in submission_for(&gh_worker::apply::fallback_form())) {
        check_form_and_body(&gh_worker::apply::fallback_form(), &s)?;
    }
}
