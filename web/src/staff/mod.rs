//! The department workbench (部门工作台): a separate entry of the web build under `/staff/`, for
//! department staff on a desktop (usable on a tablet). It shares core, the API client and the
//! messages with the citizen app, but is its own bundle (`tongban-staff`), so none of it ships
//! to a citizen's device, and the citizen app's service worker never keeps it.
//!
//! `session` logs staff in and knows who they are; `queue` is the department's cases, oldest due
//! first; `case` one case with its answers, documents, steps and the moves the staff member may
//! make; `stats` the department's numbers for its supervisor; `bookings` a hall's day of
//! appointments and the arrivals marked by code.

mod bookings;
mod case;
mod certificates;
mod consultations;
mod guardians;
mod queue;
mod rectifications;
mod session;
mod stats;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use tongban_core::application::ApplicationStatus;
use tongban_core::case::{DueState, StaffRole};

use crate::i18n::loader;
use crate::t;

/// Starts the workbench (the `tongban-staff` binary's `main`).
pub fn start() {
    crate::i18n::init_from_browser();
    crate::crash::install("workbench-crashed");
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(Workbench);
}

#[component]
fn Workbench() -> impl IntoView {
    let staff = session::provide_staff();
    let language = crate::i18n::language();
    let languages = [("zh-CN", t!("language-zh-cn")), ("en", t!("language-en"))]
        .into_iter()
        .map(|(tag, name)| {
            let current = language == tag;
            view! {
                <button type="button" class="language" lang=tag aria-pressed=current.to_string()
                    on:click=move |_| if !current { crate::prefs::choose_language(tag) }>
                    {name}
                </button>
            }
        })
        .collect_view();
    view! {
        <Router>
            <a class="skip-link" href="#main">{t!("skip-to-content")}</a>
            <header class="bench-header">
                <a class="bench-name" href="/staff/">{t!("workbench-name")}</a>
                <session::StaffBadge/>
                <nav class="bench-languages" aria-label=t!("language-label")>{languages}</nav>
            </header>
            <main id="main" tabindex="-1">
                {move || match staff.me.get() {
                    None => view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any(),
                    Some(Err(_)) => view! { <session::StaffLogin/> }.into_any(),
                    Some(Ok(_)) => view! {
                        <Routes fallback=crate::pages::NotFound>
                            <Route path=path!("/staff") view=queue::Queue/>
                            <Route path=path!("/staff/") view=queue::Queue/>
                            <Route path=path!("/staff/cases/:id") view=case::CasePage/>
                            <Route path=path!("/staff/stats") view=stats::Stats/>
                            <Route path=path!("/staff/bookings") view=bookings::Bookings/>
                            <Route path=path!("/staff/guardians") view=guardians::Guardians/>
                            <Route path=path!("/staff/rectifications") view=rectifications::Rectifications/>
                            <Route path=path!("/staff/consultations") view=consultations::Consultations/>
                            <Route path=path!("/staff/consultations/:id") view=consultations::ConsultationPage/>
                            <Route path=path!("/staff/rectifications/:id") view=rectifications::RectificationPage/>
                        </Routes>
                    }.into_any(),
                }}
            </main>
        </Router>
    }
}

/// A catalog text in the staff member's language.
fn local(text: &tongban_core::LocalizedText) -> String {
    text.for_language(&crate::i18n::language()).to_owned()
}

/// A status in the staff member's language.
fn status_text(status: ApplicationStatus) -> String {
    loader().get(status.message_id())
}

fn role_text(role: StaffRole) -> String {
    loader().get(role.message_id())
}

/// A promised date as the queue and a case show it: the date and how it stands.
fn due_text(date: Option<&str>, state: DueState, provisional: bool) -> (String, &'static str) {
    let class = match state {
        DueState::Overdue => "badge badge-error",
        DueState::DueSoon => "badge badge-later",
        DueState::Paused => "badge",
        DueState::Done => "badge badge-ok",
        DueState::OnTime => "badge badge-ok",
    };
    let state_text = match state {
        DueState::OnTime => t!("due-on-time"),
        DueState::DueSoon => t!("due-soon"),
        DueState::Overdue => t!("due-overdue"),
        DueState::Paused => t!("due-paused"),
        DueState::Done => t!("due-done"),
    };
    let text = match date {
        Some(d) if provisional => format!("{d} {state_text} {}", t!("due-provisional")),
        Some(d) => format!("{d} {state_text}"),
        None => state_text,
    };
    (text, class)
}
