//! The message centre (消息中心): what departments did with the person's applications, in their
//! language, newest first. Asked again every 15 seconds while the page is shown and whenever it
//! comes back into view; the last list is kept on the device encrypted with the account's key,
//! so it still reads offline. The header shows how many are unread.

use leptos::prelude::*;
use tongban_core::message::{Message, MessageKind, MessageList};
use tongban_core::ApiError;

use crate::account::{error_text, use_session};
use crate::format::date_time;
use crate::i18n::words;
use crate::idb::{IdbDraftStore, MESSAGES};
use crate::prefs::use_care;
use crate::store::api;
use crate::sync::known_account;
use crate::t;

/// How often the list is asked for while the app is in view, in milliseconds.
const POLL_MS: u64 = 15_000;

#[derive(Clone, Copy)]
pub struct Inbox {
    pub list: RwSignal<Option<MessageList>>,
    /// The list shown is the device's copy: the server could not be reached.
    pub offline: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Inbox {
    /// Asks the server now; offline, shows the device's copy.
    pub fn refresh(self) {
        leptos::task::spawn_local(async move { self.fetch().await });
    }

    async fn fetch(self) {
        let Some(account) = known_account() else {
            self.list.set(None);
            return;
        };
        match api().messages().await {
            Ok(list) => {
                self.offline.set(false);
                self.error.set(None);
                if let Ok(bytes) = serde_json::to_vec(&list) {
                    let _ = IdbDraftStore::new(&account)
                        .put_private(MESSAGES, &bytes)
                        .await;
                }
                self.list.set(Some(list));
            }
            Err(ApiError::Unauthorized) => self.list.set(None),
            Err(ApiError::Network { .. }) => {
                self.offline.set(true);
                if self.list.get_untracked().is_none() {
                    let kept = IdbDraftStore::new(&account).private(MESSAGES).await;
                    let list = kept
                        .ok()
                        .flatten()
                        .and_then(|b| serde_json::from_slice::<MessageList>(&b).ok());
                    self.list.set(list);
                }
            }
            Err(e) => self.error.set(Some(error_text(&e))),
        }
    }

    /// Marks one read, here at once and on the server.
    fn mark_read(self, id: String) {
        self.list.update(|l| {
            if let Some(l) = l {
                if let Some(m) = l.items.iter_mut().find(|m| m.id == id && !m.read) {
                    m.read = true;
                    l.unread = l.unread.saturating_sub(1);
                }
            }
        });
        leptos::task::spawn_local(async move {
            let _ = api().read_message(&id).await;
        });
    }
}

/// Starts following the messages of whoever is logged in.
pub fn provide_inbox() -> Inbox {
    let session = use_session();
    let inbox = Inbox {
        list: RwSignal::new(None),
        offline: RwSignal::new(false),
        error: RwSignal::new(None),
    };
    provide_context(inbox);
    Effect::new(move || {
        let logged_in = session.me.get().is_some_and(|r| r.is_ok());
        if logged_in {
            inbox.refresh();
        } else {
            inbox.list.set(None);
        }
    });
    let poll = move || {
        let shown = document().visibility_state() == web_sys::VisibilityState::Visible;
        let logged_in = session.me.get_untracked().is_some_and(|r| r.is_ok());
        if shown && logged_in {
            inbox.refresh();
        }
    };
    let _ = set_interval_with_handle(poll, std::time::Duration::from_millis(POLL_MS));
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| poll());
    inbox
}

pub fn use_inbox() -> Inbox {
    expect_context::<Inbox>()
}

/// The header's link to the messages, with how many are unread.
#[component]
pub fn MessagesLink() -> impl IntoView {
    let inbox = use_inbox();
    move || {
        inbox.list.get().map(|list| {
            let unread = list.unread;
            view! {
                <a class="messages-link" href="/messages" id="messages-link">
                    {t!("messages-link")}
                    {(unread > 0).then(|| view! {
                        " " <span class="unread" id="messages-unread">{t!("messages-unread", count = u64::from(unread))}</span>
                    })}
                </a>
            }
        })
    }
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let inbox = use_inbox();
    let care = use_care();
    inbox.refresh();
    view! {
        <h1>{t!("messages-heading")}</h1>
        {move || care.on.get().then(|| view! { <crate::pages::ReadAloud target="main .messages"/> })}
        {move || inbox.offline.get().then(|| view! { <p class="notice notice-info" role="status">{t!("messages-offline")}</p> })}
        {move || inbox.error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
        {move || match inbox.list.get() {
            None => view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any(),
            Some(list) if list.items.is_empty() => view! { <p class="intro" id="messages-empty">{t!("messages-empty")}</p> }.into_any(),
            Some(list) => view! {
                <ul class="messages" id="messages">
                    {list.items.into_iter().map(|m| view! { <MessageItem message=m/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let inbox = use_inbox();
    let text = tongban_core::view::message_text(&message, &words());
    let id = message.id.clone();
    let data_id = id.clone();
    let read_id = id.clone();
    let open_id = id.clone();
    let unread = !message.read;
    view! {
        <li class="message" class:message-unread=unread data-id=data_id>
            <p class="message-text">
                {unread.then(|| view! { <span class="badge badge-later">{t!("messages-new")}</span> " " })}
                {text}
            </p>
            <p class="hint">{date_time(message.at)}</p>
            <p class="message-actions">
                {message.application_id.map(|app| {
                    // An invitation to rate, or a department's answer to a rating: to the rating.
                    let (href, text) = match message.kind {
                        MessageKind::EvaluationInvited | MessageKind::RectificationAnswered => {
                            (format!("/applications/{app}#rate"), t!("messages-rate"))
                        }
                        _ => (format!("/applications/{app}"), t!("messages-open-application")),
                    };
                    view! {
                        <a href=href on:click=move |_| if unread { inbox.mark_read(open_id.clone()) }>{text}</a>
                    }
                })}
                {message.params.contains_key("mandate").then(|| {
                    let mandate_id = id.clone();
                    view! {
                        <a href="/mandates" on:click=move |_| if unread { inbox.mark_read(mandate_id.clone()) }>
                            {t!("mandates-title")}
                        </a>
                    }
                })}
                {message.params.get("draft").zip(message.params.get("form")).map(|(draft, form)| {
                    let confirm_id = id.clone();
                    let href = format!("/apply/{}?draft={draft}&step=check", js_sys::encode_uri_component(form));
                    view! {
                        <a class="confirm-draft" href=href on:click=move |_| if unread { inbox.mark_read(confirm_id.clone()) }>
                            {t!("messages-confirm-draft")}
                        </a>
                    }
                })}
                {message.params.contains_key("benefit").then(|| {
                    let benefit_id = id.clone();
                    view! {
                        <a href="/for-you" on:click=move |_| if unread { inbox.mark_read(benefit_id.clone()) }>
                            {t!("benefits-title")}
                        </a>
                    }
                })}
                {message.params.contains_key("credential").then(|| {
                    let wallet_id = id.clone();
                    view! {
                        <a class="wallet-link" href="/wallet" on:click=move |_| if unread { inbox.mark_read(wallet_id.clone()) }>
                            {t!("wallet-title")}
                        </a>
                    }
                })}
                {message.params.get("renew").map(|matter| {
                    let renew_id = id.clone();
                    let href = format!("/apply/{}", js_sys::encode_uri_component(matter));
                    let text = if message.kind == MessageKind::CheckDue {
                        t!("messages-check-due")
                    } else {
                        t!("messages-renew")
                    };
                    view! {
                        <a class="renew-link" href=href on:click=move |_| if unread { inbox.mark_read(renew_id.clone()) }>
                            {text}
                        </a>
                    }
                })}
                {message.params.get("consultation").map(|c| {
                    let thread_id = id.clone();
                    let href = format!("/consultations#{c}");
                    view! {
                        <a href=href on:click=move |_| if unread { inbox.mark_read(thread_id.clone()) }>
                            {t!("consultations-title")}
                        </a>
                    }
                })}
                {message.params.contains_key("appointment").then(|| {
                    let booking_id = id.clone();
                    view! {
                        <a href="/appointments" on:click=move |_| if unread { inbox.mark_read(booking_id.clone()) }>
                            {t!("appointments-link")}
                        </a>
                    }
                })}
                {unread.then(|| view! {
                    <button type="button" class="link-button" on:click=move |_| inbox.mark_read(read_id.clone())>{t!("messages-read")}</button>
                })}
            </p>
        </li>
    }
}
