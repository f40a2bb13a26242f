//! One application: its receipt, status and timeline, its answers, and — when the department
//! asks — the supplement (补正), where only the requested answers can change.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::application::Application;
use tongban_core::form::{Answer, Answers, Field, FieldKind, FormSchema};
use tongban_core::{ApiError, FieldError};

use super::material::MaterialInput;
use super::{
    display_for, field_dom_id, field_message, focus_summary, label, load_form, require_login_now,
    status_text, text_of, ErrorSummary,
};
use crate::account::error_text;
use crate::format::date_time;
use crate::sync::use_drafts;
use crate::t;

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let (version, set_version) = signal(0u32);
    let api = StoredValue::new(crate::store::use_api());
    let app = LocalResource::new(move || {
        version.track();
        let id = id();
        async move {
            let app = api.get_value().application(&id).await?;
            let form = load_form(&app.form_id).await?;
            Ok::<_, ApiError>((app, form.0))
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok((app, schema)) => view! { <ApplicationView app=app schema=schema reload=set_version/> }.into_any(),
                    Err(ApiError::Unauthorized) => {
                        require_login_now();
                        ().into_any()
                    }
                    Err(e) => view! { <h1>{t!("applications-heading")}</h1><p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ApplicationView(
    app: Application,
    schema: FormSchema,
    reload: WriteSignal<u32>,
) -> impl IntoView {
    let requested = app.requested_fields().to_vec();
    let questions: Vec<(String, Field)> = schema
        .questions(&app.answers)
        .into_iter()
        .map(|q| (q.path.clone(), q.field.clone()))
        .collect();
    let answers_rows: Vec<(String, String)> = questions
        .iter()
        .map(|(p, f)| {
            (
                label(&f.label),
                display_for(Some(f), &app.answers.get(p).cloned()),
            )
        })
        .collect();
    let supplement = (!requested.is_empty()).then(|| {
        let fields: Vec<(String, Field)> = questions.iter().filter(|(p, _)| requested.contains(p)).cloned().collect();
        view! { <SupplementForm app_id=app.id.clone() draft_id=app.draft_id.clone() fields=fields answers=app.answers.clone() reload=reload/> }
    });
    view! {
        <h1>{t!("application-heading")}</h1>
        <section class="card receipt" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">{t!("application-receipt", receipt = app.receipt.clone())}</h2>
            <p><span class="badge badge-ok">{status_text(app.status)}</span></p>
            {app.submitted_by.clone().map(|who| view! { <p class="hint submitted-by">{t!("application-submitted-by", agent = who)}</p> })}
        </section>
        {supplement}
        <super::cases::CaseList app=app.clone()/>
        {(app.status.is_final()).then(|| view! { <super::evaluation::RateCard subject=super::evaluation::Rated::Application(app.id.clone())/> })}
        {match tongban_core::catalog::FormRef::parse(&app.form_id) {
            tongban_core::catalog::FormRef::Matter(code) => Some(view! { <AskAbout code=code application_id=app.id.clone()/> }),
            _ => None,
        }}
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t!("application-timeline")}</h2>
            <ol class="timeline">
                {app.timeline.iter().map(|e| view! {
                    <li>
                        <p class="device-name">{status_text(e.status)}</p>
                        <p class="hint">{date_time(e.at)}{e.department.as_ref().map(|d| format!(" · {}", d.for_language(&crate::i18n::language())))}</p>
                        {e.reason.as_ref().map(|r| view! { <p>{t!("application-reason", reason = crate::i18n::loader().get(&tongban_core::case::reject_reason_message_id(r)))}</p> })}
                        {(!e.message.is_empty()).then(|| view! { <p>{e.message.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="answers-heading">
            <h2 id="answers-heading">{t!("application-answers")}</h2>
            <dl class="check-answers">
                {answers_rows.into_iter().map(|(n, v)| view! { <div class="check-row"><dt>{n}</dt><dd>{v}</dd></div> }).collect_view()}
            </dl>
        </section>
    }
}

/// Asking the department about this application: the matter's guide answers first.
#[component]
fn AskAbout(code: String, application_id: String) -> impl IntoView {
    let guide_code = code.clone();
    let guide = LocalResource::new(move || {
        let code = guide_code.clone();
        async move { crate::store::api().matter_guide(&code).await }
    });
    move || {
        guide.get().and_then(|r| r.ok()).map(|matter| {
            view! {
                <crate::pages::ask::AskBox matter=matter application_id=application_id.clone()
                    guide_href=format!("/matter/{code}")/>
            }
        })
    }
}

/// Only what the department asked for can be changed.
#[component]
fn SupplementForm(
    app_id: String,
    /// The application's draft: a certificate given instead of a document is presented for it.
    draft_id: String,
    fields: Vec<(String, Field)>,
    answers: Answers,
    reload: WriteSignal<u32>,
) -> impl IntoView {
    let drafts = use_drafts();
    // What was typed here before a reload or a closed tab comes back (kept like drafts' typing).
    let values: RwSignal<Answers> = RwSignal::new(drafts.supplement(&app_id));
    {
        // The device's copy may finish loading after this page: take it in then.
        let app_id = app_id.clone();
        Effect::new(move |_| {
            if drafts.state.with(|s| s.is_some()) && values.with_untracked(|v| v.is_empty()) {
                let kept = drafts.supplement(&app_id);
                if !kept.is_empty() {
                    values.set(kept);
                }
            }
        });
    }
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let app = app_id.clone();
    let submit = move |_| {
        let id = app.clone();
        let answers = values.get_untracked();
        leptos::task::spawn_local(async move {
            match drafts.api().supply(&id, answers).await {
                Ok(_) => {
                    drafts.supplied(&id);
                    reload.update(|n| *n += 1)
                }
                Err(ApiError::Validation { fields, .. }) if !fields.is_empty() => {
                    errors.set(fields);
                    focus_summary();
                }
                Err(e) => notice.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <section class="card notice-info" aria-labelledby="supplement-heading">
            <h2 id="supplement-heading">{t!("application-supplement-heading")}</h2>
            <ErrorSummary errors=errors/>
            {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
            {fields.into_iter().map(|(path, field)| {
                let current = answers.get(&path).cloned();
                let p = path.clone();
                view! {
                    <SupplementField app_id=app_id.clone() draft_id=draft_id.clone() path=p field=field value=current values=values errors=errors/>
                }
            }).collect_view()}
            <button type="button" class="button button-wide" on:click=submit>{t!("application-supplement-submit")}</button>
        </section>
    }
}

/// A supplement's field: text-like answers typed again, documents uploaded again or given as
/// an e-certificate from the wallet (免提交), as when applying.
#[component]
fn SupplementField(
    app_id: String,
    draft_id: String,
    path: String,
    field: Field,
    value: Option<Answer>,
    values: RwSignal<Answers>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let id = field_dom_id(&path);
    let error = {
        let path = path.clone();
        Memo::new(move |_| {
            errors.with(|list| list.iter().find(|e| e.path == path).map(field_message))
        })
    };
    let drafts = use_drafts();
    let set = {
        let path = path.clone();
        move |answer: Option<Answer>| {
            drafts.record_supplement(&app_id, &path, answer.clone());
            values.update(|v| match answer {
                Some(a) => {
                    v.insert(path.clone(), a);
                }
                None => {
                    v.remove(&path);
                }
            })
        }
    };
    if let FieldKind::Material {
        later_allowed,
        certificates,
    } = &field.kind
    {
        let chosen = {
            let path = path.clone();
            move || values.with(|v| v.get(&path).cloned())
        };
        let before = value.clone();
        let value_now = Memo::new(move |_| chosen().or_else(|| before.clone()));
        return view! {
            <MaterialInput id=id label_text=label(&field.label) hint=None value=Signal::derive(move || value_now.get()) later_allowed=*later_allowed certificates=certificates.clone() draft_id=Some(draft_id) error=error commit=set/>
        }
        .into_any();
    }
    let error_id = format!("{id}-error");
    view! {
        <div class="form-field">
            <label for=id.clone()>{label(&field.label)}</label>
            <p class="hint">{t!("application-was", value = display_for(Some(&field), &value))}</p>
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            <input id=id.clone() type="text" aria-invalid=move || error.get().is_some().to_string() prop:value={
                let path = path.clone();
                let before = value.clone();
                move || text_of(&values.with(|v| v.get(&path).cloned()).or(before.clone()))
            } on:input=move |ev| { let v = event_target_value(&ev); set((!v.is_empty()).then_some(Answer::Text(v))); }/>
        </div>
    }
    .into_any()
}
