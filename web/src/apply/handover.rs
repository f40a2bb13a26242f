//! 帮办 on the check page: the helper (a hall clerk, a community helper) who filled this draft in
//! for someone present hands it over — their phone gets a code, they read it out, the helper
//! types it — and the draft leaves the helper's account for the person's.

use leptos::prelude::*;
use tongban_core::ApiError;

use crate::account::{error_text, TextField};
use crate::sync::{use_drafts, SyncStatus};
use crate::t;

#[component]
pub(super) fn Handover(draft_id: String) -> impl IntoView {
    let drafts = use_drafts();
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<String>);
    let phone_error = RwSignal::new(None::<String>);
    let code_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(draft_id);
    // Only what the server holds is handed over: nothing of this device may still be on its way.
    let synced = move || drafts.status.get() == SyncStatus::Synced;
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        phone_error.set(None);
        leptos::task::spawn_local(async move {
            match drafts
                .api()
                .start_handover(&id.get_value(), phone.get_untracked().trim())
                .await
            {
                Ok(started) => sent.set(Some(started.masked_phone)),
                Err(e) => phone_error.set(Some(error_text(&e))),
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
        code_error.set(None);
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
                    phone_error.set(Some(error_text(&e)));
                }
                Err(e) => code_error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="card handover">
            <summary>{t!("handover-title")}</summary>
            {move || match () {
                _ if !synced() => view! { <p class="hint">{t!("handover-needs-sync")}</p> }.into_any(),
                _ => view! {
                    <p class="hint">{t!("handover-intro")}</p>
                    <form class="handover-phone" on:submit=send>
                        <TextField id="handover-phone" label=t!("handover-phone") value=phone error=phone_error
                            input_type="tel" inputmode="numeric" maxlength=11/>
                        <button type="submit" class="button button-secondary handover-send">{t!("handover-send")}</button>
                    </form>
                    {move || sent.get().map(|to| view! {
                        <form class="handover-code" on:submit=confirm>
                            <p class="live-note" role="status">{t!("handover-sent", phone = to)}</p>
                            <TextField id="handover-code" label=t!("handover-code") value=code error=code_error
                                inputmode="numeric" autocomplete="one-time-code" maxlength=6/>
                            <button type="submit" class="button handover-confirm">{t!("handover-confirm")}</button>
                        </form>
                    })}
                }.into_any(),
            }}
        </details>
    }
}
