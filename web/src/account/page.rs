//! My account: who I am (masked), verifying my identity, my devices, my activity, logging out.

use super::*;

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
                <li><a class="link-card for-you" href="/for-you">{t!("benefits-title")}</a></li>
                <li><a class="link-card" href="/applications">{t!("applications-heading")}</a></li>
                <li><a class="link-card" href="/drafts">{t!("drafts-heading")}</a></li>
                <li><a class="link-card" href="/appointments">{t!("appointments-title")}</a></li>
                <li><a class="link-card" href="/mandates">{t!("mandates-title")}</a></li>
                <li><a class="link-card" href="/consultations">{t!("consultations-title")}</a></li>
                <li><a class="link-card wallet" href="/wallet">{t!("wallet-title")}</a></li>
                <li><a class="link-card my-data" href="/my-data">{t!("my-data-title")}</a></li>
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
