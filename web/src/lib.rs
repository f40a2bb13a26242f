//! The Tongban PWA: a Leptos client-side app. Core decides; this crate renders.

mod account;
mod acting;
mod apply;
mod crash;
mod format;
mod host;
mod i18n;
pub mod idb;
pub mod journal;
mod messages;
mod pages;
mod prefs;
mod random;
pub mod staff;
mod store;
mod sync;
mod wallet;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// Starts the app (the binary's `main`).
pub fn start() {
    i18n::init_from_browser();
    crash::install("app-crashed");
    // The static page shows a loading line until the app starts; the app replaces it.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
    host::follow_headings();
}

#[component]
fn App() -> impl IntoView {
    store::provide_catalog();
    let session = account::provide_session();
    sync::provide_drafts();
    messages::provide_inbox();
    let care = prefs::provide_care();
    let host = host::provide_host(care, session);
    let language = i18n::language();
    // Only languages whose messages exist are offered, so no choice leads nowhere.
    let available: Vec<String> = tongban_core::i18n::available_languages()
        .iter()
        .map(|l| l.to_string())
        .collect();
    let languages = [
        ("zh-CN", t!("language-zh-cn")),
        ("en", t!("language-en")),
        ("ug", t!("language-ug")),
    ]
    .into_iter()
    .filter(|(tag, _)| available.iter().any(|a| a == tag))
    .map(|(tag, name)| {
        let current = language == tag;
        view! {
            <button
                type="button"
                class="language"
                lang=tag
                dir=tongban_core::i18n::text_direction(tag)
                aria-pressed=current.to_string()
                on:click=move |_| if !current { prefs::choose_language(tag) }
            >
                {name}
            </button>
        }
    })
    .collect_view();
    view! {
        <Router>
        <a class="skip-link" href="#main" on:click=skip_to_main>{t!("skip-to-content")}</a>
        <header class="app-header">
            <a class="app-name" href="/">{t!("app-name")}</a>
            <span class="app-tagline">{t!("app-tagline")}</span>
            <messages::MessagesLink/>
            <account::AccountLink/>
            <button
                type="button"
                class="care-toggle"
                aria-pressed=move || care.on.get().to_string()
                on:click=move |_| care.set(!care.on.get())
            >
                {move || if care.on.get() { t!("care-mode-leave") } else { t!("care-mode-enter") }}
            </button>
        </header>
        <nav class="languages" aria-label=t!("language-label")>{languages}</nav>
            <host::HostLoginNotice/>
            <main id="main" tabindex="-1">
                <Show
                    when=move || host.ready.get()
                    fallback=|| view! { <p class="status" role="status">{t!("host-connecting")}</p> }
                >
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=path!("/matter/:code") view=pages::MatterPage/>
                    <Route path=path!("/bundle/:id") view=pages::BundlePage/>
                    <Route path=path!("/event/:id") view=pages::EventPage/>
                    <Route path=path!("/help/proxy") view=pages::ProxyHelp/>
                    <Route path=path!("/login") view=account::LoginPage/>
                    <Route path=path!("/account") view=account::AccountPage/>
                    <Route path=path!("/apply/:form") view=apply::ApplyPage/>
                    <Route path=path!("/drafts") view=apply::DraftsPage/>
                    <Route path=path!("/applications") view=apply::ApplicationsPage/>
                    <Route path=path!("/applications/:id") view=apply::ApplicationPage/>
                    <Route path=path!("/messages") view=messages::MessagesPage/>
                    <Route path=path!("/book/:matter/:hall") view=pages::BookPage/>
                    <Route path=path!("/appointments") view=pages::AppointmentsPage/>
                    <Route path=path!("/appointments/:id/rate") view=pages::RateVisitPage/>
                    <Route path=path!("/ratings") view=pages::RatingsPage/>
                    <Route path=path!("/consultations") view=pages::ConsultationsPage/>
                    <Route path=path!("/for-you") view=pages::BenefitsPage/>
                    <Route path=path!("/my-data") view=pages::MyDataPage/>
                    <Route path=path!("/wallet") view=wallet::WalletPage/>
                    <Route path=path!("/verify") view=wallet::VerifyPage/>
                    <Route path=path!("/mandates") view=account::MandatesPage/>
                    <ParentRoute path=path!("/for/:mandate") view=account::ActingFor>
                        <Route path=path!("") view=account::ActingHome/>
                        <Route path=path!("/apply/:form") view=apply::ApplyPage/>
                        <Route path=path!("/drafts") view=apply::DraftsPage/>
                        <Route path=path!("/applications") view=apply::ApplicationsPage/>
                        <Route path=path!("/applications/:id") view=apply::ApplicationPage/>
                    </ParentRoute>
                </Routes>
                </Show>
            </main>
            <footer class="app-footer">
                <a href="/ratings">{t!("ratings-title")}</a>
            </footer>
        </Router>
    }
}

/// The skip link moves focus to the content itself: the router handles in-page links, so the
/// browser's own fragment focus would not happen.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    ev.prevent_default();
    if let Some(main) = document()
        .get_element_by_id("main")
        .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}
