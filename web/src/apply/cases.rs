//! An application's cases as the person follows them: one line per deciding department — its
//! status, its promised date told honestly (paused during a supplement, overdue, or estimated
//! while the year's holidays are unpublished), how a cross-province case travels — and, for a
//! 一件事 bundle, how many departments are done.

use leptos::prelude::*;
use tongban_core::application::Application;
use tongban_core::case::{CaseView, DueState};

use super::status_text;
use crate::i18n::{language, loader};
use crate::t;

/// "x of y departments done" (only for more than one department) and each department's part.
#[component]
pub fn CaseList(app: Application) -> impl IntoView {
    if app.cases.is_empty() {
        return ().into_any();
    }
    let (done, count) = app.progress();
    view! {
        <section class="card" aria-labelledby="cases-heading">
            <h2 id="cases-heading">{t!("application-cases-heading")}</h2>
            {(count > 1).then(|| view! {
                <p id="cases-progress">{t!("application-progress", done = (done as u64), count = (count as u64))}</p>
            })}
            <ul class="cases" id="cases">
                {app.cases.into_iter().map(|c| view! { <CaseLine case=c application_id=app.id.clone()/> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn CaseLine(case: CaseView, application_id: String) -> impl IntoView {
    let lang = language();
    let name = case.department.name.for_language(&lang).to_owned();
    let date = case.due_date.clone().unwrap_or_default();
    let due = match case.due_state {
        DueState::Done => None,
        DueState::Paused => Some((t!("application-due-paused"), "hint")),
        DueState::Overdue => Some((t!("application-due-overdue", date = date), "case-overdue")),
        DueState::OnTime | DueState::DueSoon if case.due_date.is_some() => {
            Some((t!("application-due", date = date), "hint"))
        }
        _ => None,
    };
    let provisional = case.due_provisional && case.due_state != DueState::Done;
    let mode = case.mode.map(|m| loader().get(m.message_id()));
    // Matters of an open case that need a visit: where to go, and a booking tied to it.
    let catalog = crate::store::use_catalog();
    let open = !case.status.is_final();
    let matters = case.matters.clone();
    let visits = move || {
        let store = catalog.get().and_then(|r| r.ok())?;
        let links = matters
            .iter()
            .filter_map(|code| store.index.documents.iter().find(|d| &d.summary.code == code))
            .filter(|d| open && d.summary.visits_needed > 0 && !d.summary.fully_online)
            .map(|d| {
                let href = format!("/matter/{}?application={}#where", d.summary.code, application_id);
                view! { <p><a class="button button-secondary visit-link" href=href>{t!("visit-book")}</a></p> }
            })
            .collect_view();
        Some(links)
    };
    let badge = if case.status.is_final() {
        "badge badge-ok"
    } else {
        "badge"
    };
    view! {
        <li class="case-item">
            <p class="case-name">{name}</p>
            <p><span class=badge>{status_text(case.status)}</span></p>
            {due.map(|(text, class)| view! { <p class=class>{text}</p> })}
            {provisional.then(|| view! { <p class="hint">{t!("application-due-provisional")}</p> })}
            {mode.map(|m| view! { <p class="hint">{m}</p> })}
            {visits}
        </li>
    }
}

/// A submitted bundle's progress, on its page: fetched when online and logged in.
#[component]
pub fn BundleProgress(application_id: String) -> impl IntoView {
    let api = StoredValue::new(crate::store::use_api());
    let app = LocalResource::new(move || {
        let id = application_id.clone();
        async move { api.get_value().application(&id).await.ok() }
    });
    move || app.get().flatten().map(|a| view! { <CaseList app=a/> })
}
