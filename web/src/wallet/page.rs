//! 卡包: the person's certificates, kept on the device encrypted with the account's key and
//! collected bound to a device key (32 random bytes kept only sealed by that key), so they show
//! with no network. Each has its details, 亮证 — a preset or chosen claims, made into a QR code
//! that holds for `SHOW_MAX_AGE`, or shared online with an organisation (`share.rs`) — and the
//! history of what was shown when.

use leptos::prelude::*;
use tongban_core::credential::jws::Es256Key;
use tongban_core::credential::status::Status;
use tongban_core::credential::wallet::{Held, Wallet};
use tongban_core::credential::{held_claims, CredentialError, Preset, SHOW_MAX_AGE};
use tongban_core::ApiError;

use super::share::{ShareList, ShareOnline, Shares};
use super::{claim_label, kind_name, now, Claims};
use crate::account::error_text;
use crate::apply::NeedsAccount;
use crate::format::{clock_time, date_time};
use crate::idb::IdbDraftStore;
use crate::store::api;
use crate::sync::use_drafts;
use crate::t;

/// Where the wallet is kept, sealed, in the account's store.
const WALLET: &str = "wallet";
/// The device key's name among the account's sealed secrets.
const DEVICE_KEY: &str = "wallet-key";

#[component]
pub fn WalletPage() -> impl IntoView {
    view! { <NeedsAccount><WalletView/></NeedsAccount> }
}

pub(crate) async fn load(store: &IdbDraftStore) -> Wallet {
    store
        .private(WALLET)
        .await
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

pub(crate) async fn save(store: &IdbDraftStore, wallet: &Wallet) {
    if let Ok(bytes) = serde_json::to_vec(wallet) {
        let _ = store.put_private(WALLET, &bytes).await;
    }
}

/// The wallet's key on this device; when the browser's storage refuses it or it is damaged, the
/// words to tell the person (the detail goes to the console).
pub(crate) async fn device_key(store: &IdbDraftStore) -> Result<Es256Key, String> {
    let failed = |detail: String| {
        web_sys::console::warn_1(&format!("the wallet's device key: {detail}").into());
        t!("wallet-device-key-failed")
    };
    let secret = store
        .sealed_secret(DEVICE_KEY)
        .await
        .map_err(|e| failed(e.to_string()))?;
    Es256Key::from_secret(&secret, None).ok_or_else(|| failed("not a P-256 key".to_owned()))
}

#[derive(Clone, Copy)]
pub(crate) struct Shared {
    pub(crate) wallet: RwSignal<Option<Wallet>>,
    account: StoredValue<String>,
}

impl Shared {
    pub(crate) fn store(&self) -> IdbDraftStore {
        IdbDraftStore::new(self.account.get_value())
    }
}

#[component]
fn WalletView() -> impl IntoView {
    let account = use_drafts().account().unwrap_or_default();
    let shared = Shared {
        wallet: RwSignal::new(None),
        account: StoredValue::new(account),
    };
    let offline = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let store = shared.store();
        let mut wallet = load(&store).await;
        shared.wallet.set(Some(wallet.clone()));
        let key = match device_key(&store).await {
            Ok(key) => key,
            Err(e) => return error.set(Some(e)),
        };
        match api().sync_wallet(&mut wallet, &key, now()).await {
            Ok(()) => {
                save(&store, &wallet).await;
                shared.wallet.set(Some(wallet));
            }
            Err(ApiError::Network { .. }) => offline.set(true),
            Err(e) => error.set(Some(error_text(&e))),
        }
    });
    provide_context(shared);
    provide_context(Shares(RwSignal::new(None)));
    // The certificates alone: a showing noted in the history redraws only the history, not the
    // QR code just made.
    let items = Memo::new(move |_| shared.wallet.with(|w| w.as_ref().map(|w| w.items.clone())));
    view! {
        <h1>{t!("wallet-title")}</h1>
        <p class="intro">{t!("wallet-intro")}</p>
        {move || offline.get().then(|| {
            let synced = shared.wallet.with(|w| w.as_ref().and_then(|w| w.synced_at));
            view! {
                <p class="notice wallet-offline" role="status">
                    {match synced {
                        Some(at) => t!("wallet-offline", time = date_time(at)),
                        None => t!("wallet-offline-never"),
                    }}
                </p>
            }
        })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || match items.get() {
            None => view! { <p class="status" role="status">{t!("apply-loading")}</p> }.into_any(),
            Some(items) if items.is_empty() => view! {
                <p class="wallet-empty">{t!("wallet-empty")}</p>
                <p><a href="/account">{t!("wallet-empty-verify")}</a></p>
            }.into_any(),
            Some(items) => view! {
                <ul class="plain-list wallet-items">
                    {items.into_iter().map(|held| view! { <Certificate held/> }).collect::<Vec<_>>()}
                </ul>
            }.into_any(),
        }}
        <ShareList/>
        <p><a href="/verify" class="wallet-verify-link">{t!("wallet-verify-link")}</a></p>
    }
}

fn status_badge(status: Status) -> Option<String> {
    match status {
        Status::Valid => None,
        Status::Revoked => Some(t!("credential-status-revoked")),
        Status::Suspended => Some(t!("credential-status-suspended")),
    }
}

#[component]
fn Certificate(held: Held) -> impl IntoView {
    let shared = expect_context::<Shared>();
    let id = held.summary.id.clone();
    let heading = format!("credential-{id}");
    let showable = held.showable(now());
    let badge = status_badge(held.summary.status);
    let history = {
        let id = id.clone();
        Memo::new(move |_| {
            shared.wallet.with(|w| {
                w.as_ref()
                    .map(|w| w.history(&id).cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
            })
        })
    };
    view! {
        <li class="card credential" data-kind=held.summary.kind.code()>
            <h2 id=heading>{kind_name(Some(held.summary.kind))}</h2>
            <p class="hint">
                {t!("credential-issued-by", issuer = crate::pages::local(&held.summary.issuer.name), date = date_time(held.summary.issued_at))}
            </p>
            {held.summary.expires_at.map(|until| view! {
                <p class="hint credential-expires">{t!("credential-valid-until", date = date_time(until))}</p>
            })}
            {badge.map(|b| view! { <p><span class="badge badge-later credential-status">{b}</span></p> })}
            <details class="credential-details">
                <summary>{t!("credential-details")}</summary>
                <Claims claims=held.summary.claims.clone()/>
            </details>
            {if showable {
                view! { <ShowPanel held=held.clone()/> }.into_any()
            } else if held.summary.status == Status::Valid {
                view! { <p class="hint">{t!("credential-not-collected")}</p> }.into_any()
            } else {
                ().into_any()
            }}
            <details class="credential-history">
                <summary>{move || t!("credential-history", count = history.with(Vec::len))}</summary>
                <ol class="plain-list">
                    {move || history.get().into_iter().map(|s| {
                        let what = s.claims.iter().map(|c| claim_label(c)).collect::<Vec<_>>().join("、");
                        view! { <li>{date_time(s.at)} " · " {what}</li> }
                    }).collect::<Vec<_>>()}
                </ol>
            </details>
        </li>
    }
}

/// The presets this certificate can serve (it holds all their claims).
fn presets_for(claims: &[String]) -> Vec<Preset> {
    [Preset::Identity, Preset::AgeOver60, Preset::LivesIn]
        .into_iter()
        .filter(|p| p.claims().iter().all(|c| claims.iter().any(|h| h == c)))
        .collect()
}

fn preset_name(p: Preset) -> String {
    match p {
        Preset::Identity => t!("show-preset-identity"),
        Preset::AgeOver60 => t!("show-preset-age-over-60"),
        Preset::LivesIn => t!("show-preset-lives-in"),
    }
}

/// 亮证: what to disclose, then the QR code and its text, fresh for `SHOW_MAX_AGE`.
#[component]
fn ShowPanel(held: Held) -> impl IntoView {
    let shared = expect_context::<Shared>();
    let sd_jwt = StoredValue::new(held.sd_jwt.clone().unwrap_or_default());
    let id = StoredValue::new(held.summary.id.clone());
    let holdable: Vec<String> = held_claims(&sd_jwt.get_value())
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let presets = presets_for(&holdable);
    let chosen = RwSignal::new(
        presets
            .first()
            .map(|p| {
                p.claims()
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let shown = RwSignal::new(None::<(String, i64)>);
    let error = RwSignal::new(None::<String>);
    let make = move || {
        let claims = chosen.get_untracked();
        if claims.is_empty() {
            error.set(Some(t!("show-choose-something")));
            return;
        }
        error.set(None);
        leptos::task::spawn_local(async move {
            let store = shared.store();
            let key = match device_key(&store).await {
                Ok(key) => key,
                Err(e) => return error.set(Some(e)),
            };
            let nonce: String = crate::random::bytes::<12>()
                .unwrap_or_default()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let at = now();
            let refs: Vec<&str> = claims.iter().map(String::as_str).collect();
            let mut wallet = shared.wallet.get_untracked().unwrap_or_default();
            match wallet.show(&id.get_value(), &refs, &nonce, at, &key).await {
                Ok(payload) => {
                    shown.set(Some((payload, at)));
                    save(&store, &wallet).await;
                    shared.wallet.set(Some(wallet));
                }
                Err(CredentialError::NotShowable) => {
                    error.set(Some(t!("credential-not-collected")))
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("showing a certificate: {e}").into());
                    error.set(Some(t!("show-failed")))
                }
            }
        });
    };
    let preset_buttons = presets
        .into_iter()
        .map(|p| {
            let claims: Vec<String> = p.claims().iter().map(|c| (*c).to_owned()).collect();
            let active = {
                let claims = claims.clone();
                move || chosen.get() == claims
            };
            view! {
                <button type="button" class="button button-secondary show-preset" data-preset=format!("{p:?}")
                    aria-pressed=move || active().to_string()
                    on:click=move |_| { chosen.set(claims.clone()); shown.set(None); }>
                    {preset_name(p)}
                </button>
            }
        })
        .collect::<Vec<_>>();
    let boxes = holdable
        .into_iter()
        .map(|claim| {
            let box_id = format!("show-{}-{claim}", id.get_value());
            let checked = {
                let claim = claim.clone();
                move || chosen.with(|c| c.contains(&claim))
            };
            let c2 = claim.clone();
            view! {
                <li>
                    <input type="checkbox" id=box_id.clone() class="show-claim" value=claim.clone() prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|x| x != &c2);
                                if on { c.push(c2.clone()); }
                            });
                            shown.set(None);
                        }/>
                    <label for=box_id>{claim_label(&claim)}</label>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="show-panel" aria-label=t!("show-heading")>
            <h3>{t!("show-heading")}</h3>
            <div class="show-presets" role="group" aria-label=t!("show-presets")>{preset_buttons}</div>
            <details class="show-fields">
                <summary>{t!("show-choose-fields")}</summary>
                <ul class="plain-list">{boxes}</ul>
            </details>
            <p class="hint show-will-share">
                {move || t!("show-will-share", claims = chosen.get().iter().map(|c| claim_label(c)).collect::<Vec<_>>().join("、"))}
            </p>
            <button type="button" class="button button-wide show-make" on:click=move |_| make()>{t!("show-make")}</button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || shown.get().map(|(payload, at)| {
                let svg = tongban_core::view::presentation_qr_svg(&payload, 320);
                let text_id = format!("show-text-{}", id.get_value());
                view! {
                    <figure class="show-qr">
                        {match svg {
                            Some(svg) => view! { <div class="qr" role="img" aria-label=t!("show-qr-label") inner_html=svg></div> }.into_any(),
                            None => view! { <p class="error">{t!("show-too-long")}</p> }.into_any(),
                        }}
                        <figcaption>{t!("show-valid-until", time = clock_time(at + SHOW_MAX_AGE))}</figcaption>
                        <details>
                            <summary>{t!("show-as-text")}</summary>
                            <label class="visually-hidden" for=text_id.clone()>{t!("show-as-text")}</label>
                            <textarea id=text_id class="show-text" readonly rows="4">{payload.clone()}</textarea>
                        </details>
                    </figure>
                }
            })}
            <ShareOnline id chosen/>
        </section>
    }
}
