//! One job: its sanitised description (cleaned by the worker), where, which teams, when it
//! was posted, its pay, how to apply. While open, its JobPosting JSON-LD is in the host head.

use crate::api::{self, LoadError};
use crate::app::Ctx;
use crate::i18n;
use crate::views::states::loading_state;
use leptos::html::H2;
use leptos::prelude::*;

pub fn detail_view(id: u64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.t;
    let opts = ctx.opts.clone();
    let detail = RwSignal::new_local(None::<Result<api::Detail, LoadError>>);
    wasm_bindgen_futures::spawn_local(async move {
        let result = api::job(&opts.api_base, &opts.board, id).await;
        let _ = detail.try_set(Some(result));
    });
    let prefix = ctx.opts.prefix.clone();
    on_cleanup(move || crate::seo::remove(&prefix));
    let back = move |_| {
        if ctx.opened_here.get_value() {
            ctx.opened_here.set_value(false);
            let _ = window().history().map(|h| h.back());
        } else {
            crate::url::push_job(None);
            ctx.selected.set(None);
        }
    };
    view! {
        <article class="detail" part="detail">
            <button type="button" class="back" on:click=back>"← "{t.back}</button>
            {move || match detail.get() {
                None => loading_state().into_any(),
                Some(Ok(d)) => job_body(d).into_any(),
                Some(Err(LoadError::NotFound)) => view! { <p class="state error" role="alert">{t.job_not_found}</p> }.into_any(),
                Some(Err(LoadError::Unavailable)) => view! { <p class="state error" role="alert">{t.unavailable}</p> }.into_any(),
            }}
        </article>
    }
}

fn job_body(d: api::Detail) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let api::Detail { detail: d, form } = d;
    let (t, lang) = (ctx.t, ctx.opts.lang);
    crate::seo::set(&ctx.opts.prefix, &d, &window().location().href().unwrap_or_default());
    let heading = NodeRef::<H2>::new();
    // Focus moves to the job's title once it is on the page (one frame after render).
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            request_animation_frame(move || {
                let _ = h.focus();
            });
        }
    });
    // An owner's external apply URL wins over Greenhouse's page.
    let apply = d.job.apply_url.clone().or_else(|| d.job.absolute_url.clone()).unwrap_or_else(|| format!("{}/jobs/{}", d.board.hosted_url, d.job.id));
    let apply = crate::url::with_tracking(&apply, &ctx.tracking);
    let places = d.offices.iter().map(|o| o.name.clone()).collect::<Vec<_>>();
    let location = if d.job.location.is_empty() { places.join(" · ") } else { d.job.location.clone() };
    let teams = d.departments.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(" · ");
    let posted = d.job.first_published.as_deref().or(d.job.updated_at.as_deref()).and_then(|s| i18n::date(lang, s));
    let pay: Vec<String> = d
        .pay_ranges
        .iter()
        .filter_map(|r| {
            let cur = r.currency.as_deref()?;
            let range = match (r.min_cents, r.max_cents) {
                (Some(a), Some(b)) => format!("{} – {}", i18n::money(lang, a, cur), i18n::money(lang, b, cur)),
                (Some(a), None) | (None, Some(a)) => i18n::money(lang, a, cur),
                (None, None) => return None,
            };
            Some(match &r.title {
                Some(title) if !title.is_empty() => format!("{title}: {range}"),
                _ => range,
            })
        })
        .collect();
    view! {
        <h2 class="detail-title" part="title" tabindex="-1" node_ref=heading>{d.job.title.clone()}</h2>
        <dl class="meta">
            {(!location.is_empty()).then(|| view! { <div><dt class="visually-hidden">{t.location}</dt><dd class="job-location">{location}</dd></div> })}
            {(!teams.is_empty()).then(|| view! { <div><dt class="visually-hidden">{t.department}</dt><dd class="teams">{teams}</dd></div> })}
            {posted.map(|p| view! { <div><dt>{t.posted}</dt><dd class="posted">{p}</dd></div> })}
        </dl>
        {(!pay.is_empty()).then(|| view! {
            <div class="pay" part="pay"><h3>{t.pay}</h3><ul>{pay.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></div>
        })}
        {(!d.intro_html.is_empty()).then(|| view! { <div class="intro" part="intro" inner_html=d.intro_html.clone()></div> })}
        <div class="description" part="description" inner_html=d.content_html.clone()></div>
        {match form {
            // Apply right here; the link to Greenhouse stays as a fallback for people who prefer it.
            Some(form) => view! {
                {apply_slot(form, d.job.id)}
                <p class="alt-apply"><a class="apply" part="apply" href=apply target="_blank" rel="noopener">{t.apply}" ↗"</a></p>
            }.into_any(),
            None => view! { <p><a class="button apply" part="apply" href=apply target="_blank" rel="noopener">{t.apply}</a></p> }.into_any(),
        }}
    }
}

/// Where the application form goes. Its code is a separate bundle (`apply/`), fetched through
/// the loader only now, so visitors who just browse never download it.
fn apply_slot(form: wasm_bindgen::JsValue, job_id: u64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let slot = NodeRef::<leptos::html::Div>::new();
    let opts = ctx.opts.clone();
    let gh_src = ctx.tracking.iter().find(|(k, _)| k == "gh_src").map(|(_, v)| v.clone()).unwrap_or_default();
    Effect::new(move |_| {
        let Some(el) = slot.get() else { return };
        let options = js_sys::Object::new();
        let set = |k: &str, v: wasm_bindgen::JsValue| {
            let _ = js_sys::Reflect::set(&options, &k.into(), &v);
        };
        set("form", form.clone());
        set("jobId", job_id.to_string().into());
        set("apiBase", opts.api_base.clone().into());
        set("board", opts.board.clone().into());
        set("prefix", opts.prefix.clone().into());
        set("lang", opts.lang.tag().into());
        set("ghSrc", gh_src.clone().into());
        let base = opts.api_base.trim_end_matches("api/v1").to_string();
        wasm_bindgen_futures::spawn_local(async move {
            let el: web_sys::HtmlElement = el.into();
            if let Err(e) = mount_form(&base, &el, &options).await {
                web_sys::console::warn_2(&"greenhouse widget: the application form could not load".into(), &e);
            }
        });
    });
    view! { <div class="apply-slot" node_ref=slot></div> }
}

/// `window.__greenhouseWidget.load(base, "apply/gh_apply")`, then the bundle's `mount`.
async fn mount_form(base: &str, el: &web_sys::HtmlElement, options: &js_sys::Object) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let registry = js_sys::Reflect::get(&window(), &"__greenhouseWidget".into())?;
    let load: js_sys::Function = js_sys::Reflect::get(&registry, &"load".into())?.dyn_into()?;
    let promise: js_sys::Promise = load.call2(&registry, &base.into(), &"apply/gh_apply".into())?.dyn_into()?;
    let module = wasm_bindgen_futures::JsFuture::from(promise).await?;
    let mount: js_sys::Function = js_sys::Reflect::get(&module, &"mount".into())?.dyn_into()?;
    mount.call2(&module, el, options)?;
    Ok(())
}
