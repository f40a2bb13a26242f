//! Logging in (phone + one-time code), the account page and logging out.
//!
//! The session lives in an HttpOnly cookie the app cannot read: whether someone is logged in is
//! learnt by asking the API (`/me`). A page that needs a login sends the person to `/login?next=…`
//! and back, so an expired session never costs what was on screen.
//!
//! `login` holds the login page, `page` the account page (identity, devices, activity); here
//! the session, the header's link and what both pages share.

mod acting;
mod guardians;
mod login;
mod mandates;
mod page;

pub use acting::{ActingFor, ActingHome};
pub use login::LoginPage;
pub use mandates::MandatesPage;
pub use page::AccountPage;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use tongban_core::auth::{Account, CodeSent, RealNameLevel, SessionInfo};
use tongban_core::identity::{check_mobile, check_resident_id};
use tongban_core::ApiError;

use crate::format::{clock_time, date_time};
use crate::i18n::loader;
use crate::prefs::use_care;
use crate::store::api;
use crate::t;

/// Who is logged in, shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct Session {
    pub me: LocalResource<Result<Account, ApiError>>,
    version: WriteSignal<u32>,
}

impl Session {
    /// Asks the API again (after login, logout or identity verification).
    pub fn refresh(&self) {
        self.version.update(|n| *n += 1);
    }
}

pub fn provide_session() -> Session {
    let (version, set_version) = signal(0u32);
    let me = LocalResource::new(move || {
        version.track();
        async move { api().me().await }
    });
    let session = Session {
        me,
        version: set_version,
    };
    provide_context(session);
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Where to go after login: a path of this app only (never another site).
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/account".to_owned())
}

/// The login page's address that comes back to `path` afterwards.
pub fn login_path(path: &str) -> String {
    format!("/login?next={}", js_sys::encode_uri_component(path))
}

fn current_path() -> String {
    let location = window().location();
    format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

/// The header's way in: "log in", or "my account" once logged in.
#[component]
pub fn AccountLink() -> impl IntoView {
    let session = use_session();
    let location = leptos_router::hooks::use_location();
    move || {
        let logged_in = session.me.get().is_some_and(|r| r.as_ref().is_ok());
        if logged_in {
            view! { <a class="account-link" href="/account">{t!("account-link")}</a> }.into_any()
        } else {
            let path = location.pathname.get();
            let href = if path.starts_with("/login") {
                "/login".to_owned()
            } else {
                let search = location.search.get();
                if search.is_empty() {
                    login_path(&path)
                } else {
                    login_path(&format!("{path}?{search}"))
                }
            };
            view! { <a class="account-link" href=href>{t!("login-link")}</a> }.into_any()
        }
    }
}

/// The message for a refused request; a wait names the clock time it ends (no countdown).
pub fn error_text(error: &ApiError) -> String {
    match error {
        ApiError::RateLimited {
            retry_after_seconds,
        } => {
            let until = js_sys::Date::now() / 1000.0 + f64::from(*retry_after_seconds);
            t!("error-rate-limited", time = clock_time(until as i64))
        }
        other => loader().get(&other.message_id()),
    }
}

/// A text field with its label, hint (if any) and error tied to it for screen readers.
#[component]
pub(crate) fn TextField(
    id: &'static str,
    label: String,
    #[prop(optional, into)] hint: Option<String>,
    value: RwSignal<String>,
    error: RwSignal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        let has_hint = hint.is_some();
        move || {
            let hint = has_hint.then(|| hint_id.clone());
            let error = error.get().is_some().then(|| error_id.clone());
            let ids: Vec<String> = error.into_iter().chain(hint).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p id=hint_id class="hint">{h}</p> })}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            <input
                id=id
                name=id
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                maxlength=maxlength
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=value
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    error.set(None);
                }
            />
        </div>
    }
}

/// Moves focus to the element with `id` once it is on the page (after the next render).
pub(crate) fn focus(id: &'static str) {
    use wasm_bindgen::JsCast;
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Sends a person who is not logged in (or whose session ended) to the login page and back.
fn to_login() {
    let navigate = use_navigate();
    let path = current_path();
    request_animation_frame(move || {
        navigate(
            &login_path(&path),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
}

fn level_text(level: RealNameLevel) -> String {
    loader().get(level.message_id())
}
