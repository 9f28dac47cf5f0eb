//! One job: its sanitised description (cleaned by the worker), where, which teams, when it
//! was posted, its pay, how to apply. While open, its JobPosting JSON-LD is in the host head.

use crate::api::{self, LoadError};
use crate::app::Ctx;
use crate::i18n;
use crate::views::dom;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

pub fn detail_view(id: u64) -> HtmlElement {
    let ctx = crate::app::ctx();
    let t = ctx.t;
    let opts = ctx.opts.clone();
    let detail = RwSignal::new_local(None::<Result<api::Detail, LoadError>>);
    // The job that was open when this widget was redrawn (its element's attributes changed) is
    // neither counted nor announced again; any other job, or this one opened later, is.
    let again = ctx.reopened.try_update_value(|r| r.take() == Some(id)).unwrap_or(false);
    wasm_bindgen_futures::spawn_local(async move {
        let result = api::job(&opts.api_base, &opts.board, id, &api::counted(!again, &opts.track)).await;
        let _ = detail.try_set(Some(result));
    });
    let prefix = ctx.opts.prefix.clone();
    on_cleanup(move || crate::seo::remove(&prefix));
    let article = dom::el("article", "detail", Some("detail"));
    let mut back_label = String::from("← ");
    back_label.push_str(t.back);
    let back = dom::button("back", None, &back_label, move |_| {
        if ctx.opened_here.get_value() {
            ctx.opened_here.set_value(false);
            let _ = window().history().map(|h| h.back());
        } else {
            let _ = crate::url::push_job(None);
            ctx.selected.set(None);
        }
    });
    let _ = article.append_with_node_1(&back);
    // The content after the back button: static once loaded.
    let body = article.clone();
    Effect::new(move |_| {
        let state = detail.get();
        let article = &body;
        let ctx = ctx.clone();
        while let Some(last) = article.last_element_child() {
            if last.class_name() == "back" {
                break;
            }
            last.remove();
        }
        let _ = match state {
            None => article.append_with_node_1(&dom::loading(t)),
            Some(Ok(d)) => job_body(article, &ctx, d, again),
            Some(Err(e)) => {
                let p = dom::el("p", "state error", None);
                let _ = p.set_attribute("role", "alert");
                p.set_text_content(Some(if e == LoadError::NotFound { t.job_not_found } else { t.unavailable }));
                article.append_with_node_1(&p)
            }
        };
    });
    article
}

fn job_body(article: &web_sys::HtmlElement, ctx: &Ctx, d: api::Detail, again: bool) -> Result<(), JsValue> {
    use dom::{el, texted};
    let api::Detail { detail: d, form, json_ld } = d;
    let (t, lang) = (ctx.t, ctx.opts.lang);
    crate::seo::set(&ctx.opts.prefix, &json_ld, &d.content_html, &window().location().href().unwrap_or_default());
    // An owner's external apply URL wins over Greenhouse's page.
    let apply = d.job.apply_url.clone().or_else(|| d.job.absolute_url.clone()).unwrap_or_else(|| {
        let mut u = d.board.hosted_url.clone();
        u.push_str("/jobs/");
        u.push_str(&d.job.id.to_string());
        u
    });
    let apply = crate::url::with_tracking(&apply, &ctx.tracking);
    let location =
        if d.job.location.is_empty() { d.offices.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(" · ") } else { d.job.location.clone() };
    let teams = d.departments.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(" · ");
    let posted = d.job.first_published.as_deref().or(d.job.updated_at.as_deref()).and_then(|s| i18n::date(lang, s));

    let heading = texted("h2", "detail-title", Some("title"), &d.job.title);
    heading.set_attribute("tabindex", "-1")?;
    article.append_with_node_1(&heading)?;
    let meta = el("dl", "meta", None);
    let fact = |dt_class: &str, label: &str, dd_class: &str, value: &str| -> Result<(), JsValue> {
        let row = el("div", "", None);
        row.append_with_node_2(&texted("dt", dt_class, None, label), &texted("dd", dd_class, None, value))?;
        meta.append_with_node_1(&row)
    };
    if !location.is_empty() {
        fact("visually-hidden", t.location, "job-location", &location)?;
    }
    if !teams.is_empty() {
        fact("visually-hidden", t.department, "teams", &teams)?;
    }
    if let Some(p) = posted {
        fact("", t.posted, "posted", &p)?;
    }
    article.append_with_node_1(&meta)?;

    let ul = el("ul", "", None);
    for r in &d.pay_ranges {
        let Some(cur) = r.currency.as_deref() else { continue };
        let mut line = String::new();
        if let Some(title) = r.title.as_deref().filter(|t| !t.is_empty()) {
            line.push_str(title);
            line.push_str(": ");
        }
        match (r.min_cents, r.max_cents) {
            (Some(a), Some(b)) => {
                line.push_str(&i18n::money(lang, a, cur));
                line.push_str(" – ");
                line.push_str(&i18n::money(lang, b, cur));
            }
            (Some(a), None) | (None, Some(a)) => line.push_str(&i18n::money(lang, a, cur)),
            (None, None) => continue,
        }
        ul.append_with_node_1(&texted("li", "", None, &line))?;
    }
    if ul.child_element_count() > 0 {
        let pay = el("div", "pay", Some("pay"));
        pay.append_with_node_2(&texted("h3", "", None, t.pay), &ul)?;
        article.append_with_node_1(&pay)?;
    }
    if !d.intro_html.is_empty() {
        let intro = el("div", "intro", Some("intro"));
        intro.set_inner_html(&d.intro_html);
        article.append_with_node_1(&intro)?;
    }
    let description = el("div", "description", Some("description"));
    description.set_inner_html(&d.content_html);
    article.append_with_node_1(&description)?;

    let p = el("p", if form.is_some() { "alt-apply" } else { "" }, None);
    let a = el("a", if form.is_some() { "apply" } else { "button apply" }, Some("apply"));
    a.set_attribute("href", &apply)?;
    a.set_attribute("target", "_blank")?;
    a.set_attribute("rel", "noopener")?;
    let mut label = String::from(t.apply);
    if form.is_some() {
        label.push_str(" ↗");
    }
    a.set_text_content(Some(&label));
    p.append_with_node_1(&a)?;
    // Apply right here; the link to Greenhouse stays as a fallback for people who prefer it.
    if let Some(form) = form {
        let slot = el("div", "apply-slot", None);
        article.append_with_node_1(&slot)?;
        apply_slot(ctx, slot, form, d.job.id);
    }
    article.append_with_node_1(&p)?;
    crate::events::opened(article, d.job.id, &d.job.title, again);
    // Focus moves to the job's title once it is on the page (one frame after render).
    request_animation_frame(move || {
        let _ = heading.focus();
    });
    Ok(())
}

/// Where the application form goes. Its code is a separate bundle (`apply/`), fetched through
/// the loader only now, so visitors who just browse never download it.
fn apply_slot(ctx: &Ctx, el: web_sys::HtmlElement, form: JsValue, job_id: u64) {
    let opts = &ctx.opts;
    let gh_src = ctx.tracking.iter().find(|(k, _)| k == "gh_src").map(|(_, v)| v.clone()).unwrap_or_default();
    let options = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v);
    };
    set("form", form);
    set("jobId", job_id.to_string().into());
    set("apiBase", opts.api_base.clone().into());
    set("board", opts.board.clone().into());
    set("prefix", opts.prefix.clone().into());
    set("lang", opts.lang.tag().into());
    set("ghSrc", gh_src.into());
    let base = opts.api_base.trim_end_matches("api/v1").to_string();
    // The form goes with the job's view: its bundle's teardown runs when this owner is cleaned
    // up (another job opens, the job closes, the widget is unmounted), or at once if that
    // happened while the bundle was loading.
    let teardown = StoredValue::new_local(None::<Teardown>);
    wasm_bindgen_futures::spawn_local(async move {
        match mount_form(&base, &el, &options, teardown).await {
            Ok(Some(f)) => {
                if teardown.try_update_value(|t| *t = Some(Teardown(f.clone()))).is_none() {
                    let _ = f.call0(&JsValue::NULL);
                }
            }
            Ok(None) => {}
            Err(e) => web_sys::console::warn_2(&"greenhouse widget: the application form could not load".into(), &e),
        }
    });
}

/// Takes a mounted application form down when dropped.
struct Teardown(js_sys::Function);

impl Drop for Teardown {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::NULL);
    }
}

/// `window.__greenhouseWidget.load(base, "apply/gh_apply")`, then the bundle's `mount` (not
/// when the view went while the bundle loaded); its answer is the form's teardown.
async fn mount_form(
    base: &str,
    el: &web_sys::HtmlElement,
    options: &js_sys::Object,
    owner_alive: StoredValue<Option<Teardown>, LocalStorage>,
) -> Result<Option<js_sys::Function>, JsValue> {
    use wasm_bindgen::JsCast;
    let registry = js_sys::Reflect::get(&window(), &"__greenhouseWidget".into())?;
    let load: js_sys::Function = js_sys::Reflect::get(&registry, &"load".into())?.dyn_into()?;
    let promise: js_sys::Promise = load.call2(&registry, &base.into(), &"apply/gh_apply".into())?.dyn_into()?;
    let module = wasm_bindgen_futures::JsFuture::from(promise).await?;
    if owner_alive.try_with_value(|_| ()).is_none() {
        return Ok(None);
    }
    let mount: js_sys::Function = js_sys::Reflect::get(&module, &"mount".into())?.dyn_into()?;
    Ok(mount.call2(&module, el, options)?.dyn_into::<js_sys::Function>().ok())
}
