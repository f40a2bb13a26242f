//! The Tongban PWA: a Leptos client-side app. Core decides; this crate renders.

mod i18n;
mod pages;
mod store;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn main() {
    console_error_panic_hook::set_once();
    i18n::init_from_browser();
    // The static page shows a loading line until the app starts; the app replaces it.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    store::provide_catalog();
    view! {
        <a class="skip-link" href="#main">{t!("skip-to-content")}</a>
        <header class="app-header">
            <a class="app-name" href="/">{t!("app-name")}</a>
            <span class="app-tagline">{t!("app-tagline")}</span>
        </header>
        <Router>
            <main id="main" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home/>
                    <Route path=path!("/matter/:code") view=pages::MatterPage/>
                    <Route path=path!("/bundle/:id") view=pages::BundlePage/>
                    <Route path=path!("/event/:id") view=pages::EventPage/>
                </Routes>
            </main>
        </Router>
    }
}
