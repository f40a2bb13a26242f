//! 帮办 on the check page: the helper (a hall clerk, a community helper) who filled this draft in
//! for someone present hands it over — their phone gets a code, they read it out, the helper
//! types it — and the draft leaves the helper's account for the person's.

use leptos::prelude::*;
use tongban_core::ApiError;

use crate::account::error_text;
use crate::sync::use_drafts;
use crate::t;

#[component]
pub(super) fn Handover(draft_id: String) -> impl IntoView {
    let drafts = use_drafts();
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<(&'static str, String)>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(draft_id);
    let synced = move || {
        drafts
            .state
            .with(|s| s.as_ref().is_some_and(|s| !s.has_unsynced(&id.get_value())))
            && drafts.unsynced() == 0
    };
    let field_of = |e: &ApiError, fallback: &'static str| match e.field_error("code") {
        Some(_) => "code",
        None => fallback,
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match drafts
                .api()
                .start_handover(&id.get_value(), phone.get_untracked().trim())
                .await
            {
                Ok(started) => sent.set(Some(started.masked_phone)),
                Err(e) => error.set(Some((field_of(&e, "phone"), error_text(&e)))),
            }
            busy.set(false);
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let draft = id.get_value();
            match drafts
                .api()
                .confirm_handover(&draft, code.get_untracked().trim())
                .await
            {
                Ok(handed) => {
                    // The draft is the person's now: it leaves this device, and the helper lands
                    // on their drafts, told where it went.
                    drafts.change(|s| s.release(&draft));
                    let to = js_sys::encode_uri_component(&handed.masked_phone);
                    let path = format!("/drafts?handed={to}");
                    navigate.with_value(|n| n(&path, Default::default()));
                }
                Err(e @ ApiError::Conflict { .. }) => {
                    // Expired or used up: a new code is needed.
                    sent.set(None);
                    error.set(Some(("phone", error_text(&e))));
                }
                Err(e) => error.set(Some((field_of(&e, "code"), error_text(&e)))),
            }
            busy.set(false);
        });
    };
    let error_for = move |field: &'static str| {
        move || {
            error.get().filter(|(f, _)| *f == field).map(|(_, text)| {
                view! { <p class="field-error" id=format!("handover-{field}-error") role="alert">{text}</p> }
            })
        }
    };
    let described = move |field: &'static str| {
        move || {
            error
                .get()
                .filter(|(f, _)| *f == field)
                .map(|_| format!("handover-{field}-error"))
        }
    };
    view! {
        <details class="card handover">
            <summary>{t!("handover-title")}</summary>
            {move || match () {
                _ if !synced() => view! { <p class="hint">{t!("handover-needs-sync")}</p> }.into_any(),
                _ => view! {
                    <p class="hint">{t!("handover-intro")}</p>
                    <form class="handover-phone" on:submit=send>
                        <div class="form-field">
                            <label for="handover-phone">{t!("handover-phone")}</label>
                            <input id="handover-phone" type="tel" inputmode="numeric" autocomplete="off" maxlength="11"
                                aria-describedby=described("phone")
                                prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/>
                            {error_for("phone")}
                        </div>
                        <button type="submit" class="button button-secondary handover-send">{t!("handover-send")}</button>
                    </form>
                    {move || sent.get().map(|to| view! {
                        <form class="handover-code" on:submit=confirm>
                            <p class="live-note" role="status">{t!("handover-sent", phone = to)}</p>
                            <div class="form-field">
                                <label for="handover-code">{t!("handover-code")}</label>
                                <input id="handover-code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6"
                                    aria-describedby=described("code")
                                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                                {error_for("code")}
                            </div>
                            <button type="submit" class="button handover-confirm">{t!("handover-confirm")}</button>
                        </form>
                    })}
                }.into_any(),
            }}
        </details>
    }
}
