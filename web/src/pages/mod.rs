//! The pages. Each shows core's data in the person's language; none decides anything itself.
//!
//! One file per page: `home` (search and browse, care mode's shorter home), `guide` (a
//! matter's service guide), `bundle` (一件事 and life events), `help`; here what they share.

pub(crate) mod ask;
mod benefits;
mod book;
mod bundle;
mod consultations;
mod guide;
mod help;
mod home;
mod my_data;
mod ratings;
mod tiles;
mod visit;

pub(crate) use benefits::region_name;
pub use benefits::BenefitsPage;
pub use book::{AppointmentsPage, BookPage, RateVisitPage};
pub use bundle::{BundlePage, EventPage};
pub use consultations::ConsultationsPage;
pub use guide::MatterPage;
pub use help::ProxyHelp;
pub use home::Home;
pub use my_data::MyDataPage;
pub use ratings::RatingsPage;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::catalog::{ChannelKind, MaterialForm, Matter, Requirement};
use tongban_core::search::SearchFilter;
use tongban_core::{ApiError, Audience, LocalizedText, MatterSummary};
use wasm_bindgen::JsCast;

use crate::host::PhoneLink;
use crate::i18n::{language, loader};
use crate::prefs::use_care;
use crate::store::{self, api, use_catalog, use_reload, CatalogStore};
use crate::t;

pub(crate) fn local(text: &LocalizedText) -> String {
    text.for_language(&language()).to_owned()
}

/// Shows `render(store)` once the catalog is loaded; a clear message and a retry button otherwise.
fn with_catalog<V: IntoView + 'static>(
    render: impl Fn(Arc<CatalogStore>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let catalog = use_catalog();
    let reload = use_reload();
    view! {
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("catalog-loading")}</p> }>
            {
                let render = render.clone();
                move || {
                    let render = render.clone();
                    Suspend::new(async move {
                        match catalog.await {
                            Ok(store) => render(store).into_any(),
                            Err(error) => view! {
                                <ErrorNotice error=error on_retry=move || reload.update(|n| *n += 1)/>
                            }
                            .into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

/// A text with some character ranges marked.
fn highlighted(text: &str, ranges: &[(usize, usize)]) -> impl IntoView {
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0;
    let mut sorted = ranges.to_vec();
    sorted.sort();
    for (start, end) in sorted {
        let (start, end) = (start.min(chars.len()).max(at), end.min(chars.len()));
        if start >= end {
            continue;
        }
        parts.push(view! { {chars[at..start].iter().collect::<String>()} }.into_any());
        parts
            .push(view! { <mark>{chars[start..end].iter().collect::<String>()}</mark> }.into_any());
        at = end;
    }
    parts.push(view! { {chars[at..].iter().collect::<String>()} }.into_any());
    parts
}

#[component]
fn MatterCard(
    matter: MatterSummary,
    #[prop(optional)] highlight_zh: Vec<(usize, usize)>,
    #[prop(optional)] highlight_en: Vec<(usize, usize)>,
) -> impl IntoView {
    let lang = language();
    let english = lang.starts_with("en") && matter.name.en.is_some();
    let name = matter.name.for_language(&lang).to_owned();
    let marks = if english { highlight_en } else { highlight_zh };
    let audience = match matter.audience {
        Audience::Person => t!("audience-person"),
        Audience::Business => t!("audience-business"),
    };
    let matter_type = loader().get(matter.matter_type.message_id());
    view! {
        <li class="matter" data-code=matter.code.clone()>
            <h3 class="matter-name">
                <a href=format!("/matter/{}", matter.code)>{highlighted(&name, &marks)}</a>
            </h3>
            <p class="matter-department">{t!("matter-department", department = local(&matter.department))}</p>
            <ul class="matter-facts">
                {matter.fully_online.then(|| view! { <li class="fact fact-online">{t!("matter-fully-online")}</li> })}
                <li class="fact">{t!("matter-visits", count = matter.visits_needed)}</li>
                <li class="fact">{t!("matter-promised-days", days = matter.promised_days)}</li>
                <li class="fact fact-muted">{matter_type}" · "{audience}</li>
            </ul>
        </li>
    }
}

#[component]
fn ErrorNotice(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let message = crate::account::error_text(&error);
    let retryable = error.is_retryable();
    view! {
        <div class="notice notice-error" role="alert">
            <p>{message}</p>
            {retryable.then(|| view! { <button type="button" class="button" on:click=move |_| on_retry()>{t!("retry")}</button> })}
        </div>
    }
}

/// Reads the guide aloud in the page's language with the browser's speech synthesis; shown only
/// where the browser has it, so it is never a dead button.
#[component]
pub fn ReadAloud(
    /// What to read: the guide, or a form page's questions (labels, hints, choices).
    #[prop(default = "article.guide")]
    target: &'static str,
) -> impl IntoView {
    let synth = window().speech_synthesis().ok();
    let (speaking, set_speaking) = signal(false);
    synth.map(|synth| {
        let toggle = move |_| {
            if speaking.get_untracked() {
                synth.cancel();
                set_speaking.set(false);
                return;
            }
            let text = document()
                .query_selector(target)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                .map(|e| e.inner_text())
                .unwrap_or_default();
            if let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(&text) {
                utterance.set_lang(&language());
                let done = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || set_speaking.set(false));
                utterance.set_onend(Some(done.as_ref().unchecked_ref()));
                done.forget();
                synth.speak(&utterance);
                set_speaking.set(true);
            }
        };
        view! {
            <button type="button" class="button button-secondary read-aloud" aria-pressed=move || speaking.get().to_string() on:click=toggle>
                {move || if speaking.get() { t!("read-aloud-stop") } else { t!("read-aloud") }}
            </button>
        }
    })
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{t!("not-found-heading")}</h1>
        <p><a class="button" href="/">{t!("not-found-back")}</a></p>
    }
}
