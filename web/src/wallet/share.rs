//! 在线分享 in the wallet: the claims chosen for showing, shared instead with an organisation
//! that cannot scan a QR code — its name, how long the code holds, one tap — and the one-time
//! code and link to give them; below, every share with where it stands (waiting, opened and
//! when, expired, taken back), each waiting one taken back with one tap.

use leptos::prelude::*;
use tongban_core::credential::share::{
    display_code, NewShare, ShareState, ShareSummary, SHARE_CHOICES,
};
use tongban_core::credential::CredentialError;
use tongban_core::ApiError;

use super::page::{device_key, save, Shared};
use super::{claim_label, kind_name, now};
use crate::account::error_text;
use crate::format::date_time;
use crate::i18n::loader;
use crate::store::api;
use crate::t;

/// The person's shares as last fetched (`None`: not yet, or offline), for the panel to add to.
#[derive(Clone, Copy)]
pub(crate) struct Shares(pub RwSignal<Option<Vec<ShareSummary>>>);

/// A refused share's words: the first field the server (or the same check here) named, or the
/// error itself.
fn refusal(error: &ApiError) -> String {
    match error {
        ApiError::Validation { fields, .. } if !fields.is_empty() => {
            loader().get(&format!("error-{}", fields[0].code))
        }
        other => error_text(other),
    }
}

fn minutes_name(minutes: u64) -> String {
    match minutes {
        m if m < 60 => t!("share-for-minutes", minutes = m),
        m if m < 24 * 60 => {
            let hours: u64 = m / 60;
            t!("share-for-hours", hours = hours)
        }
        m => {
            let days: u64 = m / (24 * 60);
            t!("share-for-days", days = days)
        }
    }
}

/// Share the chosen claims of certificate `id` with an organisation, online.
#[component]
pub(crate) fn ShareOnline(id: StoredValue<String>, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let shared = expect_context::<Shared>();
    let shares = expect_context::<Shares>();
    let organisation = RwSignal::new(String::new());
    let minutes = RwSignal::new(SHARE_CHOICES[1]);
    let error = RwSignal::new(None::<String>);
    let made = RwSignal::new(None::<(String, ShareSummary)>);
    let busy = RwSignal::new(false);
    let form_id = format!("share-{}", id.get_value());
    let org_id = format!("{form_id}-organisation");
    let time_id = format!("{form_id}-minutes");
    let submit = move || {
        let claims = chosen.get_untracked();
        if claims.is_empty() {
            error.set(Some(t!("show-choose-something")));
            return;
        }
        let draft = NewShare {
            presentation: "-".into(),
            organisation: organisation.get_untracked(),
            minutes: minutes.get_untracked(),
        };
        if let Some(e) = draft.check().first() {
            error.set(Some(loader().get(&format!("error-{}", e.code))));
            return;
        }
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let store = shared.store();
            let key = match device_key(&store).await {
                Ok(key) => key,
                Err(e) => {
                    busy.set(false);
                    return error.set(Some(e));
                }
            };
            let nonce: String = crate::random::bytes::<12>()
                .unwrap_or_default()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let refs: Vec<&str> = claims.iter().map(String::as_str).collect();
            let mut wallet = shared.wallet.get_untracked().unwrap_or_default();
            let presentation = match wallet
                .share(&id.get_value(), &refs, &nonce, now(), &key)
                .await
            {
                Ok(p) => p,
                Err(CredentialError::NotShowable) => {
                    busy.set(false);
                    return error.set(Some(t!("credential-not-collected")));
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("sharing a certificate: {e}").into());
                    busy.set(false);
                    return error.set(Some(t!("show-failed")));
                }
            };
            let new = NewShare {
                presentation,
                ..draft
            };
            match api().create_share(&new).await {
                Ok(created) => {
                    save(&store, &wallet).await;
                    shared.wallet.set(Some(wallet));
                    shares.0.update(|s| {
                        if let Some(s) = s {
                            s.insert(0, created.share.clone());
                        }
                    });
                    organisation.set(String::new());
                    made.set(Some((created.code, created.share)));
                }
                Err(ApiError::Network { .. }) => error.set(Some(t!("share-needs-network"))),
                Err(e) => error.set(Some(refusal(&e))),
            }
            busy.set(false);
        });
    };
    let choices = SHARE_CHOICES
        .into_iter()
        .map(|m| view! { <option value=m.to_string() selected={m == SHARE_CHOICES[1]}>{minutes_name(m)}</option> })
        .collect::<Vec<_>>();
    view! {
        <details class="share-online">
            <summary>{t!("share-heading")}</summary>
            <p class="hint">{t!("share-intro")}</p>
            <form class="share-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <label for=org_id.clone()>{t!("share-organisation")}</label>
                <input id=org_id class="share-organisation" type="text" maxlength="60" autocomplete="organization"
                    prop:value=move || organisation.get()
                    on:input=move |ev| { organisation.set(event_target_value(&ev)); error.set(None); }/>
                <label for=time_id.clone()>{t!("share-time")}</label>
                <select id=time_id class="share-minutes"
                    on:change=move |ev| {
                        if let Ok(m) = event_target_value(&ev).parse() { minutes.set(m); }
                    }>
                    {choices}
                </select>
                <p class="hint">
                    {move || t!("show-will-share", claims = chosen.get().iter().map(|c| claim_label(c)).collect::<Vec<_>>().join("、"))}
                </p>
                <button type="submit" class="button button-wide share-make" prop:disabled=move || busy.get()>
                    {t!("share-make")}
                </button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || made.get().map(|(code, share)| {
                let shown = display_code(&code);
                let origin = window().location().origin().unwrap_or_default();
                let link = format!("{origin}/verify?share={shown}");
                view! {
                    <div class="share-made" role="status">
                        <p>{t!("share-made", organisation = share.organisation.clone(), time = date_time(share.expires_at))}</p>
                        <p class="share-code"><strong>{shown}</strong></p>
                        <p class="hint">{t!("share-link")}</p>
                        <p class="share-link"><a href=link.clone()>{link.clone()}</a></p>
                        <p class="hint">{t!("share-once")}</p>
                    </div>
                }
            })}
        </details>
    }
}

fn state_name(state: ShareState) -> String {
    loader().get(&format!("share-state-{}", state.code()))
}

/// Every share, newest first, fetched when the wallet opens online.
#[component]
pub(crate) fn ShareList() -> impl IntoView {
    let shares = expect_context::<Shares>();
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match api().shares().await {
            Ok(list) => shares.0.set(Some(list.items)),
            Err(ApiError::Network { .. }) => {}
            Err(e) => error.set(Some(error_text(&e))),
        }
    });
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match api().revoke_share(&id).await {
                Ok(done) => shares.0.update(|s| {
                    if let Some(item) = s.iter_mut().flatten().find(|i| i.id == done.id) {
                        *item = done;
                    }
                }),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    let items = Memo::new(move |_| shares.0.get().unwrap_or_default());
    view! {
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || (!items.with(Vec::is_empty)).then(|| view! {
            <section class="share-list" aria-labelledby="share-list-heading">
                <h2 id="share-list-heading">{t!("share-list-heading")}</h2>
                <ul class="plain-list">
                    {items.get().into_iter().map(|s| {
                        let what = s.claims.iter().map(|c| claim_label(c)).collect::<Vec<_>>().join("、");
                        let when = match s.state {
                            ShareState::Opened => t!("share-opened-at", time = date_time(s.opened_at.unwrap_or_default())),
                            ShareState::Waiting | ShareState::Expired => t!("share-until", time = date_time(s.expires_at)),
                            ShareState::Revoked => t!("share-revoked-at", time = date_time(s.revoked_at.unwrap_or_default())),
                        };
                        let id = s.id.clone();
                        view! {
                            <li class="card share-item" data-state=s.state.code()>
                                <p><strong>{s.organisation.clone()}</strong> " · " {kind_name(s.kind)}</p>
                                <p class="hint">{what}</p>
                                <p><span class="badge">{state_name(s.state)}</span> " " {when}</p>
                                {(s.state == ShareState::Waiting).then(|| view! {
                                    <button type="button" class="button button-secondary share-revoke"
                                        on:click=move |_| revoke(id.clone())>
                                        {t!("share-revoke")}
                                    </button>
                                })}
                            </li>
                        }
                    }).collect::<Vec<_>>()}
                </ul>
            </section>
        })}
    }
}
