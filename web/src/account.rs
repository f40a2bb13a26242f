//! Logging in (phone + one-time code), the account page and logging out.
//!
//! The session lives in an HttpOnly cookie the app cannot read: whether someone is logged in is
//! learnt by asking the API (`/me`). A page that needs a login sends the person to `/login?next=…`
//! and back, so an expired session never costs what was on screen.

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

/// A text field with its label, hint and error tied to it for screen readers.
#[component]
fn TextField(
    id: &'static str,
    label: String,
    hint: String,
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
        move || {
            if error.get().is_some() {
                format!("{error_id} {hint_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            <p id=hint_id class="hint">{hint}</p>
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

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || safe_next(query.read().get("next"));
    let session = use_session();
    let navigate = use_navigate();
    let drafts = crate::sync::use_drafts_or_none();

    let phone = RwSignal::new(String::new());
    let phone_error = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<CodeSent>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let send_code = move || {
        notice.set(None);
        let number = match check_mobile(&phone.get_untracked()) {
            Ok(n) => n,
            Err(e) => {
                phone_error.set(Some(loader().get(&format!("error-phone-{}", e.code()))));
                focus("phone");
                return;
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api().send_login_code(&number).await {
                Ok(answer) => {
                    sent.set(Some(answer));
                    code.set(String::new());
                    focus("code");
                }
                Err(e) => match e.field_error("phone") {
                    Some(f) => phone_error.set(Some(loader().get(&format!("error-{}", f.code)))),
                    None => notice.set(Some(error_text(&e))),
                },
            }
            busy.set(false);
        });
    };

    let log_in = {
        let navigate = navigate.clone();
        move || {
            notice.set(None);
            let typed: String = code
                .get_untracked()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
                code_error.set(Some(t!("error-code-format")));
                focus("code");
                return;
            }
            let number = check_mobile(&phone.get_untracked()).unwrap_or_default();
            busy.set(true);
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match api().login(&number, &typed).await {
                    Ok(account) => {
                        if let Some(d) = drafts {
                            d.set_account(&account.id);
                        }
                        session.refresh();
                        navigate(&next(), NavigateOptions::default());
                    }
                    Err(e) => match e.field_error("code") {
                        Some(f) => {
                            code_error.set(Some(loader().get(&format!("error-{}", f.code))));
                            focus("code");
                        }
                        None => notice.set(Some(error_text(&e))),
                    },
                }
                busy.set(false);
            });
        }
    };

    let phone_step = move || {
        view! {
            <form class="form" on:submit=move |ev| { ev.prevent_default(); send_code(); }>
                <TextField
                    id="phone"
                    label=t!("login-phone-label")
                    hint=t!("login-phone-hint")
                    value=phone
                    error=phone_error
                    input_type="tel"
                    inputmode="tel"
                    autocomplete="tel-national"
                />
                <button type="submit" class="button button-wide" aria-disabled=move || busy.get().to_string()>
                    {t!("login-send-code")}
                </button>
            </form>
        }
    };

    let code_step = move |answer: CodeSent| {
        let log_in = log_in.clone();
        let minutes = answer.valid_seconds / 60;
        view! {
            <p class="notice notice-info" role="status">
                {t!(
                    "login-code-sent",
                    phone = answer.masked_phone.clone(),
                    minutes = minutes,
                    time = clock_time(answer.expires_at)
                )}
            </p>
            <form class="form" on:submit=move |ev| { ev.prevent_default(); log_in(); }>
                <TextField
                    id="code"
                    label=t!("login-code-label")
                    hint=t!("login-code-hint")
                    value=code
                    error=code_error
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength=6
                />
                <button type="submit" class="button button-wide" aria-disabled=move || busy.get().to_string()>
                    {t!("login-submit")}
                </button>
            </form>
            <p class="hint">{t!("login-resend-from", time = clock_time(answer.resend_at))}</p>
            <p class="actions">
                <button type="button" class="button button-secondary" on:click=move |_| send_code()>
                    {t!("login-resend")}
                </button>
                <button
                    type="button"
                    class="button button-secondary"
                    on:click=move |_| {
                        sent.set(None);
                        notice.set(None);
                        focus("phone");
                    }
                >
                    {t!("login-change-phone")}
                </button>
            </p>
        }
    };

    view! {
        <h1>{t!("login-heading")}</h1>
        <p class="intro">{t!("login-intro")}</p>
        {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
        {move || match sent.get() {
            None => phone_step().into_any(),
            Some(answer) => code_step(answer).into_any(),
        }}
        <p class="hint">{t!("login-privacy")}</p>
    }
}

/// Moves focus to the element with `id` once it is on the page (after the next render).
fn focus(id: &'static str) {
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

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t!("account-heading")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("account-loading")}</p> }>
            {move || Suspend::new(async move {
                match session.me.await {
                    Ok(account) => view! { <AccountBody account=account/> }.into_any(),
                    Err(ApiError::Unauthorized) => {
                        to_login();
                        view! { <p class="status" role="status">{t!("account-loading")}</p> }.into_any()
                    }
                    Err(error) => view! {
                        <p class="notice notice-error" role="alert">{error_text(&error)}</p>
                        <button type="button" class="button" on:click=move |_| session.refresh()>{t!("retry")}</button>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

fn level_text(level: RealNameLevel) -> String {
    loader().get(level.message_id())
}

#[component]
fn AccountBody(account: Account) -> impl IntoView {
    let session = use_session();
    let care = use_care();
    let verified = account.level >= RealNameLevel::IdentityVerified;
    let logout_error = RwSignal::new(None::<String>);
    let drafts = crate::sync::use_drafts();
    drafts.set_account(&account.id);
    let unsynced = move || drafts.state.with(|_| drafts.unsynced());
    let log_out = move |_| {
        leptos::task::spawn_local(async move {
            match api().logout().await {
                Ok(()) => {
                    // Drafts are encrypted for this account; logging out forgets them here.
                    drafts.forget().await;
                    session.refresh();
                    let _ = window().location().set_href("/");
                }
                Err(e) => logout_error.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="account-me">
            <h2 id="account-me">{t!("account-me")}</h2>
            <dl class="glance">
                <dt>{t!("account-phone")}</dt>
                <dd>{account.masked_phone.clone()}</dd>
                <dt>{t!("account-level")}</dt>
                <dd>
                    <span class=if verified { "badge badge-ok" } else { "badge badge-later" }>
                        {level_text(account.level)}
                    </span>
                </dd>
                {account.masked_name.clone().map(|n| view! { <dt>{t!("account-name")}</dt><dd>{n}</dd> })}
                {account.masked_id_number.clone().map(|n| view! { <dt>{t!("account-id-number")}</dt><dd>{n}</dd> })}
            </dl>
        </section>
        <nav class="card" aria-labelledby="account-matters">
            <h2 id="account-matters">{t!("account-matters")}</h2>
            <ul class="links">
                <li><a class="link-card" href="/applications">{t!("applications-heading")}</a></li>
                <li><a class="link-card" href="/drafts">{t!("drafts-heading")}</a></li>
            </ul>
        </nav>
        {(!verified).then(|| view! { <VerifyIdentity/> })}
        <section class="card" aria-labelledby="account-settings">
            <h2 id="account-settings">{t!("account-settings")}</h2>
            <p class="setting">
                <span>{t!("account-care-mode")}</span>
                <button
                    type="button"
                    class="button button-secondary"
                    aria-pressed=move || care.on.get().to_string()
                    on:click=move |_| care.set(!care.on.get())
                >
                    {move || if care.on.get() { t!("care-mode-leave") } else { t!("care-mode-enter") }}
                </button>
            </p>
        </section>
        <Devices/>
        <Activity/>
        <section class="card" aria-labelledby="account-leave">
            <h2 id="account-leave">{t!("account-logout-heading")}</h2>
            <p class="hint">{t!("account-logout-hint")}</p>
            {move || {
                let n = unsynced() as u64;
                (n > 0).then(|| view! { <p class="notice notice-error" role="alert">{t!("account-logout-unsynced", count = n)}</p> })
            }}
            {move || logout_error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <button type="button" class="button button-wide" on:click=log_out>{t!("logout")}</button>
        </section>
    }
}

/// Real-name verification with name and ID number: no face scan, and a hall as the other way.
#[component]
fn VerifyIdentity() -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let id_number = RwSignal::new(String::new());
    let id_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let submit = move || {
        notice.set(None);
        let today = {
            let now = js_sys::Date::new_0();
            (
                now.get_full_year() as u16,
                (now.get_month() + 1) as u8,
                now.get_date() as u8,
            )
        };
        let mut ok = true;
        if name.get_untracked().trim().is_empty() {
            name_error.set(Some(t!("error-name-invalid")));
            ok = false;
        }
        if let Err(e) = check_resident_id(&id_number.get_untracked(), today) {
            id_error.set(Some(loader().get(&format!("error-id-{}", e.code()))));
            ok = false;
        }
        if !ok {
            focus(if name_error.get_untracked().is_some() {
                "name"
            } else {
                "id-number"
            });
            return;
        }
        leptos::task::spawn_local(async move {
            match api()
                .verify_identity(&name.get_untracked(), &id_number.get_untracked())
                .await
            {
                Ok(_) => session.refresh(),
                Err(e) => {
                    let mut placed = false;
                    if let Some(f) = e.field_error("name") {
                        name_error.set(Some(loader().get(&format!("error-{}", f.code))));
                        placed = true;
                    }
                    if let Some(f) = e.field_error("id_number") {
                        id_error.set(Some(loader().get(&format!("error-{}", f.code))));
                        placed = true;
                    }
                    if !placed {
                        notice.set(Some(error_text(&e)));
                    }
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="verify-heading">
            <h2 id="verify-heading">{t!("verify-heading")}</h2>
            <p>{t!("verify-intro")}</p>
            {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
            <form class="form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <TextField id="name" label=t!("verify-name") hint=t!("verify-name-hint") value=name error=name_error autocomplete="name"/>
                <TextField
                    id="id-number"
                    label=t!("verify-id-number")
                    hint=t!("verify-id-number-hint")
                    value=id_number
                    error=id_error
                    maxlength=18
                />
                <button type="submit" class="button button-wide">{t!("verify-submit")}</button>
            </form>
            <p class="hint">{t!("verify-in-person")}</p>
        </section>
    }
}

#[component]
fn Devices() -> impl IntoView {
    let (version, set_version) = signal(0u32);
    let sessions = LocalResource::new(move || {
        version.track();
        async move { api().sessions().await }
    });
    let row = move |s: SessionInfo| {
        let id = s.id.clone();
        view! {
            <li>
                <p class="device-name">
                    {s.device.clone()}
                    {s.current.then(|| view! { " " <span class="badge badge-ok">{t!("devices-this-one")}</span> })}
                </p>
                <p class="hint">{t!("devices-last-used", time = date_time(s.last_seen_at))}</p>
                {(!s.current).then(|| view! {
                    <button
                        type="button"
                        class="button button-secondary"
                        on:click=move |_| {
                            let id = id.clone();
                            leptos::task::spawn_local(async move {
                                let _ = api().revoke_session(&id).await;
                                set_version.update(|n| *n += 1);
                            });
                        }
                    >
                        {t!("devices-sign-out")}
                    </button>
                })}
            </li>
        }
    };
    view! {
        <section class="card" aria-labelledby="devices-heading">
            <h2 id="devices-heading">{t!("devices-heading")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <ul class="plain-list">{list.into_iter().map(row).collect_view()}</ul> }.into_any(),
                        Err(e) => view! { <p class="notice notice-error">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Activity() -> impl IntoView {
    let activity = LocalResource::new(|| async { api().activity().await });
    view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">{t!("activity-heading")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match activity.await {
                        Ok(list) => view! {
                            <ul class="plain-list">
                                {list.items.into_iter().map(|entry| view! {
                                    <li>
                                        <p class="device-name">
                                            {loader().get(&format!("activity-{}", entry.action))}
                                            {(!entry.ok).then(|| view! { " " <span class="badge badge-later">{t!("activity-failed")}</span> })}
                                        </p>
                                        <p class="hint">{date_time(entry.at)}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="notice notice-error">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
