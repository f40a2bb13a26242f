//! Applying: the form one question group per page, check answers, submit once; my drafts; my
//! applications with their timeline and supplements. Every answer goes through core's draft
//! transitions and is kept on the device before anything is sent.
//!
//! One file per part: `form` (the flow and its pages), `fields` (each question's input),
//! `material` (documents), `conflict`, `check` (check answers), `lists` (my drafts, my
//! applications), `application` (one application and its supplement).

mod application;
mod cases;
mod check;
mod conflict;
pub(crate) mod evaluation;
mod fields;
mod form;
mod handover;
mod lists;
mod material;

pub use application::ApplicationPage;
pub use cases::BundleProgress;
pub use form::ApplyPage;
pub use lists::{ApplicationsPage, DraftsPage};

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use tongban_core::application::ApplicationStatus;
use tongban_core::catalog::FormRef;
use tongban_core::form::{Answer, Answers, Field, FormSchema, Label};
use tongban_core::{ApiError, FieldError, LocalizedText};
use wasm_bindgen::JsCast;

use crate::account::login_path;
use crate::i18n::{loader, words};
use crate::store::api;
use crate::sync::{known_account, use_drafts};
use crate::t;

pub(crate) fn label(l: &Label) -> String {
    words().label(l)
}

pub(super) fn today() -> (u16, u8, u8) {
    let now = js_sys::Date::new_0();
    (
        now.get_full_year() as u16,
        (now.get_month() + 1) as u8,
        now.get_date() as u8,
    )
}

/// A field error in the person's language, with its parameters (`{ $max }` …).
pub fn field_message(e: &FieldError) -> String {
    let args: std::collections::HashMap<&str, String> = e
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    loader().get_args(&format!("error-{}", e.code), args)
}

pub(super) fn current_answers(drafts: crate::sync::Drafts, draft_id: &str) -> Answers {
    drafts.state.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| s.drafts.get(draft_id))
            .map(|d| d.answers.clone())
            .unwrap_or_default()
    })
}

pub(super) fn focus_summary() {
    request_animation_frame(|| {
        if let Some(el) = document()
            .get_element_by_id("error-summary")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// The form a draft fills, and its title: resolved by core's `FormRef` from the matters' guides
/// (kept offline by the service worker) and, for a bundle, the catalog index.
pub(crate) async fn load_form(form_id: &str) -> Result<(FormSchema, LocalizedText), ApiError> {
    let form = FormRef::parse(form_id);
    let bundles = match &form {
        FormRef::Matter(_) => Vec::new(),
        FormRef::Bundle(_) => api().catalog_index().await?.bundles,
    };
    let codes = form.matter_codes(&bundles).ok_or(ApiError::NotFound)?;
    let mut matters = Vec::with_capacity(codes.len());
    for code in &codes {
        matters.push(api().matter_guide(code).await?);
    }
    let resolved = form.resolve(&bundles, &matters).ok_or(ApiError::NotFound)?;
    Ok((resolved.schema, resolved.title))
}

/// Shows its children once the device knows whose drafts it holds (at once, or after reading
/// IndexedDB when localStorage lost it); a person without an account here is sent to log in and
/// back afterwards.
#[component]
pub(crate) fn NeedsAccount(children: ChildrenFn) -> impl IntoView {
    let drafts = use_drafts();
    move || {
        if !drafts.account_known.get() {
            return view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any();
        }
        if drafts.account().is_none() {
            require_login_now();
            return view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any();
        }
        children().into_any()
    }
}

pub(crate) fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A DOM id for a field path (`applicant.name` → `f-applicant-name`).
pub(super) fn field_dom_id(path: &str) -> String {
    format!("f-{}", path.replace('.', "-"))
}

pub(super) fn text_of(value: &Option<Answer>) -> String {
    match value {
        Some(Answer::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// An answer as the check-answers page and the application page show it (core's view: choices
/// by their labels, joined as the language lists things).
pub(crate) fn display_for(field: Option<&Field>, value: &Option<Answer>) -> String {
    tongban_core::view::answer_text(field, value.as_ref(), &words())
}

pub(super) fn status_text(status: ApplicationStatus) -> String {
    loader().get(status.message_id())
}

pub(super) fn require_login_now() {
    crate::sync::remember_account(known_account().as_deref());
    let navigate = use_navigate();
    let location = window().location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    request_animation_frame(move || {
        navigate(
            &login_path(&here),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
}

/// The errors at the top of a page, each a link to its field (GOV.UK's error summary).
#[component]
pub(super) fn ErrorSummary(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    move || {
        let list = errors.get();
        let count = list.len() as u64;
        (!list.is_empty()).then(|| {
            view! {
                <div id="error-summary" class="notice notice-error error-summary" role="alert" tabindex="-1">
                    <h2>{t!("apply-error-summary", count = count)}</h2>
                    <ul>
                        {list.into_iter().map(|e| {
                            let href = format!("#{}", field_dom_id(&e.path));
                            view! { <li><a href=href>{field_message(&e)}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
