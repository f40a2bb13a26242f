//! Who is at the workbench: a staff member logged in with username and password (their session
//! in the `__Host-tongban-staff` cookie), their department and role.

use leptos::prelude::*;
use tongban_core::auth::StaffAccount;
use tongban_core::ApiError;

use super::role_text;
use crate::account::error_text;
use crate::store::api;
use crate::t;

#[derive(Clone, Copy)]
pub struct Staff {
    pub me: LocalResource<Result<StaffAccount, ApiError>>,
    version: WriteSignal<u32>,
}

impl Staff {
    /// Whether the one logged in is their department's supervisor (reactive).
    pub fn supervises(&self) -> bool {
        self.me
            .get()
            .and_then(|r| r.ok())
            .is_some_and(|m| m.role.supervises())
    }

    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn provide_staff() -> Staff {
    let (version, set_version) = signal(0u32);
    let me = LocalResource::new(move || {
        version.track();
        async move { api().staff_me().await }
    });
    let staff = Staff {
        me,
        version: set_version,
    };
    provide_context(staff);
    staff
}

pub fn use_staff() -> Staff {
    expect_context::<Staff>()
}

/// The staff member's name, department and role, and logging out.
#[component]
pub fn StaffBadge() -> impl IntoView {
    let staff = use_staff();
    let log_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api().staff_logout().await;
            staff.refresh();
        });
    };
    move || {
        staff.me.get().and_then(|r| r.ok()).map(|me| {
            let supervisor = me.role.supervises();
            view! {
                <p class="bench-who">
                    <span>{me.display_name.clone()}</span>" · "
                    <span>{me.department.clone()}</span>" · "
                    <span>{role_text(me.role)}</span>
                </p>
                <nav class="bench-nav" aria-label=t!("workbench-nav")>
                    <a href="/staff/">{t!("workbench-queue")}</a>
                    <a href="/staff/bookings">{t!("workbench-bookings")}</a>
                    <a href="/staff/guardians">{t!("workbench-guardians")}</a>
                    <a href="/staff/consultations">{t!("workbench-consultations")}</a>
                    <a href="/staff/rectifications">{t!("workbench-rectifications")}</a>
                    {supervisor.then(|| view! { <a href="/staff/stats">{t!("workbench-stats")}</a> })}
                    <button type="button" class="link-button" on:click=log_out>{t!("logout")}</button>
                </nav>
            }
        })
    }
}

/// The workbench's login: username and password.
#[component]
pub fn StaffLogin() -> impl IntoView {
    let staff = use_staff();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api()
                .staff_login(&username.get_untracked(), &password.get_untracked())
                .await
            {
                Ok(_) => staff.refresh(),
                Err(e) => error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{t!("workbench-login-heading")}</h1>
        <p class="intro">{t!("workbench-login-intro")}</p>
        {move || error.get().map(|e| view! { <p id="login-error" class="notice notice-error" role="alert">{e}</p> })}
        <form class="form bench-login" on:submit=submit>
            <div class="form-field">
                <label for="staff-username">{t!("workbench-username")}</label>
                <input id="staff-username" type="text" autocomplete="username" required
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev))/>
            </div>
            <div class="form-field">
                <label for="staff-password">{t!("workbench-password")}</label>
                <input id="staff-password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))/>
            </div>
            <p class="actions">
                <button type="submit" class="button" disabled=move || busy.get()>{t!("workbench-login")}</button>
            </p>
        </form>
    }
}
