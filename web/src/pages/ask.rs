//! "Ask a question" (在线咨询) on a guide and on an application: the question is first answered
//! from the guide itself — the FAQ entries and sections that answer it, quoted, with the section to
//! open — on the device, offline too; a question the guide does not answer (or whose answer did
//! not help) goes to the department with one tap, and its answer comes to the message centre.

use leptos::prelude::*;
use tongban_core::catalog::Matter;
use tongban_core::consultation::{answer_from_guide, Consultation, GuideAnswer, NewConsultation};

use super::local;
use crate::account::error_text;
use crate::i18n::loader;
use crate::t;

/// Scrolls to a section of the guide on this page (the router does not for in-page links).
fn to_section(ev: leptos::ev::MouseEvent, anchor: &'static str) {
    if let Some(section) = document().get_element_by_id(anchor) {
        ev.prevent_default();
        section.scroll_into_view();
    }
}

#[component]
fn Found(answers: Vec<GuideAnswer>, guide_href: Option<String>) -> impl IntoView {
    answers
        .into_iter()
        .map(|a| {
            let section = a.passage.section;
            let anchor = section.anchor();
            let title = a
                .passage
                .heading
                .as_ref()
                .map(local)
                .unwrap_or_else(|| loader().get(section.message_id()));
            let href = match &guide_href {
                Some(guide) => format!("{guide}#{anchor}"),
                None => format!("#{anchor}"),
            };
            let in_page = guide_href.is_none();
            view! {
                <li class="ask-answer">
                    <p><strong>{title}</strong></p>
                    <blockquote>{local(&a.passage.text)}</blockquote>
                    <p><a href=href on:click=move |ev| if in_page { to_section(ev, anchor) }>{t!("ask-see-section", section = loader().get(section.message_id()))}</a></p>
                </li>
            }
        })
        .collect_view()
}

/// The ask box for `matter` (and the application the question is about, if any). On the guide
/// page itself `guide_href` is none: its sections are on the page.
#[component]
pub fn AskBox(
    matter: Matter,
    #[prop(optional)] application_id: Option<String>,
    #[prop(optional)] guide_href: Option<String>,
) -> impl IntoView {
    let matter = StoredValue::new(matter);
    let application_id = StoredValue::new(application_id);
    let api = StoredValue::new(crate::store::use_api());
    let question = RwSignal::new(String::new());
    // Searched: what the guide says (maybe nothing).
    let found = RwSignal::new(None::<Vec<GuideAnswer>>);
    let sent = RwSignal::new(None::<Consultation>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = question.get_untracked();
        if q.trim().is_empty() {
            notice.set(Some(loader().get("error-field-required")));
            return;
        }
        notice.set(None);
        found.set(Some(matter.with_value(|m| answer_from_guide(m, &q))));
    };
    let send = move |_| {
        let new = NewConsultation {
            matter: matter.with_value(|m| m.code.clone()),
            application_id: application_id.get_value(),
            question: question.get_untracked(),
        };
        busy.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api.get_value().ask_department(&new).await {
                Ok(c) => {
                    sent.set(Some(c));
                    question.set(String::new());
                    found.set(None);
                }
                Err(tongban_core::ApiError::Unauthorized) => notice.set(Some(t!("ask-log-in"))),
                Err(tongban_core::ApiError::Validation { fields, .. }) if !fields.is_empty() => {
                    notice.set(Some(crate::apply::field_message(&fields[0])))
                }
                Err(e) => notice.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card ask" aria-labelledby="ask-heading">
            <h2 id="ask-heading">{t!("ask-heading")}</h2>
            <form on:submit=search novalidate>
                <div class="form-field">
                    <label for="ask-question">{t!("ask-label")}</label>
                    <p class="hint" id="ask-hint">{t!("ask-hint")}</p>
                    <textarea id="ask-question" rows="3" maxlength=tongban_core::consultation::TEXT_MAX.to_string()
                        aria-describedby="ask-hint"
                        prop:value=move || question.get()
                        on:input=move |ev| { question.set(event_target_value(&ev)); found.set(None); }></textarea>
                </div>
                <button type="submit" class="button button-secondary ask-search">{t!("ask-search")}</button>
            </form>
            <div role="status" class="ask-result">
                {move || found.get().map(|answers| {
                    let none = answers.is_empty();
                    view! {
                        {if none {
                            view! { <p class="ask-none">{t!("ask-nothing-found")}</p> }.into_any()
                        } else {
                            view! {
                                <p>{t!("ask-found")}</p>
                                <ul class="plain-list ask-answers"><Found answers=answers guide_href=guide_href.clone()/></ul>
                            }.into_any()
                        }}
                        <button type="button" class="button ask-send" disabled=move || busy.get() on:click=send>
                            {if none { t!("ask-send") } else { t!("ask-send-anyway") }}
                        </button>
                    }
                })}
                {move || sent.get().map(|c| view! {
                    <p class="notice notice-info ask-sent">
                        {t!("ask-sent", department = local(&c.department.name), date = c.answer_by.clone().unwrap_or_default())}" "
                        <a href="/consultations">{t!("consultations-title")}</a>
                    </p>
                })}
                {move || notice.get().map(|n| view! { <p class="notice notice-error">{n}</p> })}
            </div>
        </section>
    }
}
