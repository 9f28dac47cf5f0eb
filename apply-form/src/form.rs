//! The application form, built from the job's questions. Inputs are plain form controls; on
//! submit the widget reads them as FormData, runs the shared rules (the worker runs the same
//! ones again), shows errors inline, and posts the form to the worker.

use crate::Ctx;
use leptos::html::Form;
use leptos::prelude::*;
use shared::api::ErrorBody;
use shared::apply::{
    demographic_field, demographic_text_field, ApplyForm, Consent, Demographic, ErrorCode, FieldError, FieldKind, FileMeta, Question, Submission,
    HONEYPOT, IDEMPOTENCY_KEY, SOURCE_TOKEN,
};
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Editing,
    Sending,
    Received,
    /// Kept safely by the worker; goes to Greenhouse as soon as it can.
    Queued,
    Failed,
}

/// An element id for a field name (`question_9[]` → `ghw_f-question_9--`).
fn field_id(prefix: &str, name: &str) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
    format!("{prefix}f-{safe}")
}

/// Reads the form's values and files the way the worker will see them.
fn submission(data: &web_sys::FormData) -> Submission {
    let mut s = Submission::default();
    for entry in js_sys::try_iter(data).ok().flatten().into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        let Some(name) = pair.get(0).as_string() else { continue };
        let value = pair.get(1);
        if let Some(text) = value.as_string() {
            s.values.push((name, text));
        } else if let Ok(file) = value.dyn_into::<web_sys::File>() {
            if !file.name().is_empty() {
                s.files.push(FileMeta { field: name, filename: file.name(), size: file.size() as u64 });
            }
        }
    }
    s
}

fn submission_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("w{:016x}", (js_sys::Math::random() * 1e16) as u64))
}

#[component]
pub fn ApplyView(form: ApplyForm, job_id: u64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.t;
    let prefix = ctx.prefix.clone();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let state = RwSignal::new(State::Editing);
    let form_ref = NodeRef::<Form>::new();
    let summary = NodeRef::<leptos::html::P>::new();
    let id = StoredValue::new(submission_id());
    let model = StoredValue::new(form.clone());
    let url = format!("{}/boards/{}/jobs/{job_id}/applications{}", ctx.api_base, ctx.board, ctx.track);
    // Owner analytics: the first time focus enters the form, one "application started" signal
    // (a beacon: nothing waits for it, nothing is read back).
    let start = format!("{}/boards/{}/jobs/{job_id}/start{}", ctx.api_base, ctx.board, ctx.track);
    let started = StoredValue::new(false);
    let on_focus = move |_| {
        if !started.get_value() {
            started.set_value(true);
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().send_beacon(&start);
            }
        }
    };
    let source = ctx.gh_src.clone();
    // Errors are listed inline; focus goes to the summary so screen readers announce it.
    let show_errors = move |list: Vec<FieldError>| {
        errors.set(list);
        state.set(State::Editing);
        request_animation_frame(move || {
            if let Some(p) = summary.try_get_untracked().flatten() {
                let _ = p.focus();
            }
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if state.get_untracked() == State::Sending {
            return;
        }
        let Some(el) = form_ref.get_untracked() else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&el) else { return };
        let problems = model.with_value(|m| m.validate(&submission(&data)));
        if !problems.is_empty() {
            show_errors(problems);
            return;
        }
        errors.set(vec![]);
        state.set(State::Sending);
        let _ = data.set_with_str(IDEMPOTENCY_KEY, &id.get_value());
        // A Cloudflare Turnstile widget the host page renders (its standard snippet) leaves its
        // token in a light-DOM input; the worker checks it when Turnstile is configured.
        if let Some(token) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[name='cf-turnstile-response']").ok().flatten())
            .and_then(|e| e.get_attribute("value").or_else(|| js_sys::Reflect::get(&e, &"value".into()).ok().and_then(|v| v.as_string())))
        {
            let _ = data.set_with_str("cf-turnstile-response", &token);
        }
        if let Some(src) = &source {
            let _ = data.set_with_str(SOURCE_TOKEN, src);
        }
        let url = url.clone();
        // The outcome is told from the widget's element, which stays on the page even if the
        // visitor leaves the job (and this form is taken down) while it is being sent.
        let host = el.get_root_node().dyn_into::<web_sys::ShadowRoot>().map(|s| s.host()).ok();
        wasm_bindgen_futures::spawn_local(async move {
            let sent = gloo_net::http::Request::post(&url).body(data);
            let resp = match sent {
                Ok(req) => req.send().await.ok(),
                Err(_) => None,
            };
            let applied = |outcome: &str| {
                if let Some(h) = &host {
                    let job = wasm_bindgen::JsValue::from_f64(job_id as f64);
                    gh_host_events::emit(h, "greenhouse-jobs:applied", &[("jobId", job), ("outcome", outcome.into())]);
                }
            };
            match resp {
                // 409: this form's submission was already recorded (an earlier try went through).
                Some(r) if r.status() == 201 || r.status() == 409 => {
                    state.set(State::Received);
                    applied("submitted");
                }
                Some(r) if r.status() == 202 => {
                    state.set(State::Queued);
                    applied("queued");
                }
                Some(r) if r.status() == 422 => {
                    let raw = web_sys::Response::from(r).json().ok();
                    let body = match raw {
                        Some(p) => wasm_bindgen_futures::JsFuture::from(p).await.ok(),
                        None => None,
                    };
                    let fields = body.and_then(|b| serde_wasm_bindgen::from_value::<ErrorBody>(b).ok()).map(|b| b.fields).unwrap_or_default();
                    show_errors(fields);
                }
                _ => {
                    state.set(State::Failed);
                    applied("failed");
                }
            }
        });
    };
    // The first answer typed or chosen starts the application, for the host app's analytics.
    let started = StoredValue::new(false);
    let on_input = move |_: web_sys::Event| {
        if !started.get_value() {
            started.set_value(true);
            if let Some(f) = form_ref.try_get_untracked().flatten() {
                gh_host_events::emit(&f, "greenhouse-jobs:apply-start", &[("jobId", wasm_bindgen::JsValue::from_f64(job_id as f64))]);
            }
        }
    };
    let sections = {
        let questions = form.questions.iter().chain(&form.location_questions).cloned().collect::<Vec<_>>();
        questions.into_iter().map(|q| view! { <QuestionView q errors/> }).collect_view()
    };
    let eeoc = (!form.compliance.is_empty()).then(|| {
        let html = form.compliance_html.clone().unwrap_or_default();
        let qs = form.compliance.clone().into_iter().map(|q| view! { <QuestionView q errors/> }).collect_view();
        view! {
            <fieldset class="section">
                <legend>{t.eeoc_heading}</legend>
                <div class="hint" inner_html=html></div>
                {qs}
            </fieldset>
        }
    });
    let demographic = form.demographic.clone().map(|d| view! { <DemographicView d errors/> });
    let consents = form.consents.clone().into_iter().map(|c| view! { <ConsentView c errors/> }).collect_view();
    view! {
        <section class="apply" part="apply-form" aria-labelledby=format!("{prefix}apply-title")>
            <h3 id=format!("{prefix}apply-title")>{t.apply_heading}</h3>
            {move || (state.get() == State::Received).then(|| view! { <p class="success" role="status">{t.received}</p> })}
            {move || (state.get() == State::Queued).then(|| view! { <p class="success" role="status">{t.queued}</p> })}
            <form node_ref=form_ref novalidate on:submit=on_submit on:input=on_input on:focusin=on_focus hidden=move || matches!(state.get(), State::Received | State::Queued)>
                <p class="error-summary" role="alert" tabindex="-1" node_ref=summary hidden=move || errors.with(Vec::is_empty)>{t.fix_errors}</p>
                {sections}
                {eeoc}
                {demographic}
                {consents}
                <div class="honeypot" aria-hidden="true">
                    <label for=format!("{prefix}hp")>{t.honeypot}</label>
                    <input id=format!("{prefix}hp") name=HONEYPOT type="text" tabindex="-1" autocomplete="off"/>
                </div>
                {move || (state.get() == State::Failed).then(|| view! { <p class="state error" role="alert">{t.submit_failed}</p> })}
                <button type="submit" class="button" part="submit" disabled=move || state.get() == State::Sending>
                    {move || if state.get() == State::Sending { t.submitting } else { t.submit }}
                </button>
            </form>
        </section>
    }
}

/// The error text for a field, if any, and the attributes that tie it to the input.
fn error_for(errors: RwSignal<Vec<FieldError>>, name: &str) -> impl Fn() -> Option<ErrorCode> + Clone + Send + Sync + 'static {
    let name = name.to_string();
    move || errors.with(|e| e.iter().find(|x| x.field == name).map(|x| x.code))
}

#[component]
fn QuestionView(q: Question, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (t, prefix) = (ctx.t, ctx.prefix.clone());
    let first = q.fields.first().map(|f| f.name.clone()).unwrap_or_default();
    let err = error_for(errors, &first);
    let err_id = format!("{}-err", field_id(&prefix, &first));
    let required = q.required;
    let label_for = field_id(&prefix, &first);
    let hidden = q.fields.iter().all(|f| f.kind == FieldKind::Hidden);
    let multi_only = q.fields.len() == 1 && q.fields[0].kind == FieldKind::MultiSelect;
    let fields = q
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let id = field_id(&prefix, &f.name);
            let name = f.name.clone();
            let describedby = err_id.clone();
            let invalid = { let err = err.clone(); move || (i == 0 && err().is_some()).then_some("true") };
            match f.kind {
                FieldKind::Text => {
                    let kind = match name.as_str() {
                        "email" => "email",
                        "phone" => "tel",
                        _ => "text",
                    };
                    let auto = match name.as_str() {
                        "first_name" => "given-name",
                        "last_name" => "family-name",
                        "email" => "email",
                        "phone" => "tel",
                        _ => "off",
                    };
                    view! { <input id=id name=name type=kind autocomplete=auto aria-required=required.then_some("true") aria-invalid=invalid aria-describedby=describedby/> }.into_any()
                }
                FieldKind::Textarea if i > 0 => view! {
                    <label class="alt" for=id.clone()>{t.or_paste}</label>
                    <textarea id=id name=name rows="4"></textarea>
                }
                .into_any(),
                FieldKind::Textarea => view! { <textarea id=id name=name rows="4" aria-required=required.then_some("true") aria-invalid=invalid aria-describedby=describedby></textarea> }.into_any(),
                FieldKind::File => {
                    let hint = format!("{}-hint", field_id(&prefix, &name));
                    let described = format!("{describedby} {hint}");
                    view! {
                        <input id=id name=name type="file" accept=".pdf,.doc,.docx,.txt,.rtf" aria-invalid=invalid aria-describedby=described/>
                        <span class="hint" id=hint>{t.file_hint}</span>
                    }
                    .into_any()
                }
                FieldKind::Hidden => view! { <input id=id name=name type="hidden"/> }.into_any(),
                FieldKind::SingleSelect => {
                    let options = f.options.iter().map(|o| view! { <option value=o.value.clone()>{o.label.clone()}</option> }).collect_view();
                    view! {
                        <select id=id name=name aria-required=required.then_some("true") aria-invalid=invalid aria-describedby=describedby>
                            <option value="">{t.choose}</option>
                            {options}
                        </select>
                    }
                    .into_any()
                }
                FieldKind::MultiSelect => f
                    .options
                    .iter()
                    .enumerate()
                    .map(|(j, o)| {
                        let oid = format!("{id}-{j}");
                        let for_ = oid.clone();
                        view! { <label class="check" for=for_><input id=oid type="checkbox" name=name.clone() value=o.value.clone()/>{o.label.clone()}</label> }
                    })
                    .collect_view()
                    .into_any(),
            }
        })
        .collect_view();
    let label = q.label.clone();
    let description = q.description.clone();
    let err2 = err.clone();
    let heading = move || {
        view! {
            {label.clone()}
            {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span><span class="visually-hidden">" ("{t.required_mark}")"</span> })}
        }
    };
    let body = view! {
        {description.map(|d| view! { <div class="hint" inner_html=d></div> })}
        {fields}
        <p class="field-error" id=err_id.clone() hidden=move || err2().is_none()>{move || err().map(|c| t.error(c))}</p>
    };
    if multi_only {
        view! { <fieldset class="field" hidden=hidden><legend>{heading}</legend>{body}</fieldset> }.into_any()
    } else {
        view! { <div class="field" hidden=hidden><label for=label_for>{heading}</label>{body}</div> }.into_any()
    }
}

#[component]
fn DemographicView(d: Demographic, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let prefix = ctx.prefix.clone();
    let questions = d
        .questions
        .into_iter()
        .map(|q| {
            let name = demographic_field(q.id);
            let err = error_for(errors, &name);
            let err2 = err.clone();
            let t = ctx.t;
            let options = q
                .options
                .iter()
                .map(|o| {
                    let oid = format!("{}-{}", field_id(&prefix, &name), o.id);
                    let kind = if q.multi { "checkbox" } else { "radio" };
                    let text = o.free_form.then(|| {
                        let tname = demographic_text_field(q.id, o.id);
                        let tid = field_id(&prefix, &tname);
                        let terr = error_for(errors, &tname);
                        view! {
                            <input id=tid name=tname type="text" class="free" aria-label=o.label.clone()/>
                            <span class="field-error">{move || terr().map(|c| t.error(c))}</span>
                        }
                    });
                    let for_ = oid.clone();
                    view! {
                        <label class="check" for=for_><input id=oid type=kind name=name.clone() value=o.id.to_string()/>{o.label.clone()}</label>
                        {text}
                    }
                })
                .collect_view();
            view! {
                <fieldset class="field">
                    <legend>{q.label.clone()}</legend>
                    {options}
                    <p class="field-error" hidden=move || err2().is_none()>{move || err().map(|c| t.error(c))}</p>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <fieldset class="section">
            <legend>{d.header.clone().unwrap_or_default()}</legend>
            {d.description_html.map(|h| view! { <div class="hint" inner_html=h></div> })}
            {questions}
        </fieldset>
    }
}

#[component]
fn ConsentView(c: Consent, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.t;
    let id = field_id(&ctx.prefix, &c.name);
    let text = match c.name.as_str() {
        "gdpr_processing_consent_given" => t.consent_processing,
        "gdpr_retention_consent_given" => t.consent_retention,
        "gdpr_demographic_data_consent_given" => t.consent_demographic,
        _ => t.consent_generic,
    };
    let err = error_for(errors, &c.name);
    let err2 = err.clone();
    let for_ = id.clone();
    view! {
        <div class="field consent">
            <label class="check" for=for_>
                <input id=id type="checkbox" name=c.name.clone() value="true" aria-required=c.required.then_some("true")/>
                {text}
                {c.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            <p class="field-error" hidden=move || err2().is_none()>{move || err().map(|c| t.error(c))}</p>
        </div>
    }
}
