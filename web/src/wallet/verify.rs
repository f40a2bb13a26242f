//! 核验证照 (`/verify`): anyone checks a certificate shown to them — the QR code read by the
//! camera (`scan.rs`) or its text pasted — against the issuers' keys and status lists this device keeps (fetched each
//! time the page opens online, used from the cache with the network off). The verdict says
//! valid, invalid (and why), revoked, suspended or expired, shows only what was disclosed, and
//! how old the status it was checked against is. No account, no face scan. An organisation
//! given a share code (or its link, `/verify?share=CODE`) opens it here, once, online.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tongban_core::credential::share::{normalize_code, SharedCertificate};
use tongban_core::credential::{Invalid, TrustBundle, Verdict};
use tongban_core::ApiError;

use super::{kind_name, now, Claims};
use crate::account::error_text;
use crate::format::date_time;
use crate::store::api;
use crate::t;

/// The trust bundle's place in local storage (public data: keys and status lists).
const TRUST_KEY: &str = "tongban-trust";

fn cached() -> Option<TrustBundle> {
    serde_json::from_str(&crate::prefs::stored(TRUST_KEY)?).ok()
}

fn keep(bundle: &TrustBundle) {
    if let Ok(text) = serde_json::to_string(bundle) {
        crate::prefs::store(TRUST_KEY, &text);
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let bundle = RwSignal::new(cached());
    let refreshing = RwSignal::new(true);
    leptos::task::spawn_local(async move {
        if let Ok(fresh) = api().trust_bundle().await {
            keep(&fresh);
            bundle.set(Some(fresh));
        }
        refreshing.set(false);
    });
    let text = RwSignal::new(String::new());
    let verdict = RwSignal::new(None::<Verdict>);
    let check = move || {
        let presentation = text.get_untracked();
        let result = match bundle.get_untracked() {
            Some(b) => b.verify_shown(&presentation, now()),
            None => Verdict::Invalid {
                reason: Invalid::UnknownIssuer,
            },
        };
        verdict.set(Some(result));
    };
    // Arriving by a share link, the share comes first.
    let from_link = use_query_map()
        .with_untracked(|q| q.get("share"))
        .filter(|c| !c.is_empty());
    let first = from_link.is_some();
    view! {
        <h1>{t!("verify-title")}</h1>
        {first.then(|| view! { <OpenShare bundle code=from_link.clone().unwrap_or_default()/> })}
        <p class="intro">{t!("verify-shown-intro")}</p>
        <p class="hint verify-trust" role="status">
            {move || match bundle.get() {
                Some(b) => t!("verify-trust-age", time = date_time(b.made_at)),
                None if refreshing.get() => t!("apply-loading"),
                None => t!("verify-trust-none"),
            }}
        </p>
        <super::scan::Scanner on_read=move |read: String| { text.set(read); check(); }/>
        <form class="verify-form" on:submit=move |ev| { ev.prevent_default(); check(); }>
            <label for="verify-input">{t!("verify-paste")}</label>
            <textarea id="verify-input" class="verify-input" rows="5" autocomplete="off" spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| { text.set(event_target_value(&ev)); verdict.set(None); }></textarea>
            <button type="submit" class="button button-wide verify-check">{t!("verify-check")}</button>
        </form>
        {move || verdict.get().map(|v| view! { <VerdictView verdict=v bundle=bundle.get_untracked()/> })}
        {(!first).then(|| view! { <OpenShare bundle code=String::new()/> })}
    }
}

/// A share code (or link) an organisation was given: opened once, online; the verdict as the
/// server's verifier finds it now, with what the person chose to share.
#[component]
fn OpenShare(bundle: RwSignal<Option<TrustBundle>>, code: String) -> impl IntoView {
    let code = RwSignal::new(code);
    let opened = RwSignal::new(None::<SharedCertificate>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let open = move || {
        let Some(normal) = normalize_code(&code.get_untracked()) else {
            error.set(Some(t!("error-share-code-invalid")));
            return;
        };
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match crate::store::api().open_share(&normal).await {
                Ok(shared) => opened.set(Some(shared)),
                Err(ApiError::NotFound) => error.set(Some(t!("verify-share-unknown"))),
                Err(ApiError::Network { .. }) => error.set(Some(t!("verify-share-needs-network"))),
                Err(e) => error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="verify-share" aria-labelledby="verify-share-heading">
            <h2 id="verify-share-heading">{t!("verify-share-heading")}</h2>
            <p class="hint">{t!("verify-share-intro")}</p>
            <form class="verify-share-form" on:submit=move |ev| { ev.prevent_default(); open(); }>
                <label for="verify-share-code">{t!("verify-share-code")}</label>
                <input id="verify-share-code" class="verify-share-code" type="text" autocomplete="off"
                    autocapitalize="characters" spellcheck="false"
                    prop:value=move || code.get()
                    on:input=move |ev| { code.set(event_target_value(&ev)); error.set(None); }/>
                <button type="submit" class="button button-wide verify-share-open" prop:disabled=move || busy.get()>
                    {t!("verify-share-open")}
                </button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || opened.get().map(|s| view! {
                <p class="hint verify-share-from">
                    {t!("verify-share-from", organisation = s.organisation.clone(), time = date_time(s.shared_at))}
                </p>
                <VerdictView verdict=s.verdict bundle=bundle.get_untracked()/>
            })}
        </section>
    }
}

fn invalid_reason(reason: Invalid) -> String {
    match reason {
        Invalid::Malformed => t!("verify-invalid-malformed"),
        Invalid::UnknownIssuer => t!("verify-invalid-unknown-issuer"),
        Invalid::BadSignature => t!("verify-invalid-bad-signature"),
        Invalid::Tampered => t!("verify-invalid-tampered"),
        Invalid::WrongHolder => t!("verify-invalid-wrong-holder"),
        Invalid::WrongAudience => t!("verify-invalid-wrong-audience"),
    }
}

#[component]
fn VerdictView(verdict: Verdict, bundle: Option<TrustBundle>) -> impl IntoView {
    let (class, heading, detail) = match &verdict {
        Verdict::Valid { .. } => ("verdict verdict-valid", t!("verify-valid"), None),
        Verdict::Invalid { reason } => (
            "verdict verdict-invalid",
            t!("verify-invalid"),
            Some(invalid_reason(*reason)),
        ),
        Verdict::Revoked => (
            "verdict verdict-revoked",
            t!("verify-revoked"),
            Some(t!("verify-revoked-detail")),
        ),
        Verdict::Suspended => (
            "verdict verdict-suspended",
            t!("verify-suspended"),
            Some(t!("verify-suspended-detail")),
        ),
        Verdict::Expired { presentation: true } => (
            "verdict verdict-expired",
            t!("verify-expired"),
            Some(t!("verify-expired-presentation")),
        ),
        Verdict::Expired {
            presentation: false,
        } => (
            "verdict verdict-expired",
            t!("verify-expired"),
            Some(t!("verify-expired-certificate")),
        ),
    };
    let body = match verdict {
        Verdict::Valid {
            kind,
            issuer,
            claims,
            status_checked_at,
        } => {
            let issuer_name = bundle
                .as_ref()
                .and_then(|b| b.department(&issuer))
                .map(|d| crate::pages::local(&d.name))
                .unwrap_or(issuer);
            let status = match status_checked_at {
                Some(at) => t!("verify-status-checked", time = date_time(at)),
                None => t!("verify-status-unknown"),
            };
            Some(view! {
                <p class="verdict-kind"><strong>{kind_name(kind)}</strong></p>
                <p class="hint verdict-issuer">{t!("verify-issuer", issuer = issuer_name)}</p>
                <Claims claims/>
                <p class="hint verdict-status">{status}</p>
                <p class="hint">{t!("verify-only-disclosed")}</p>
            })
        }
        _ => None,
    };
    view! {
        <section class=class role="status" aria-live="polite">
            <h2>{heading}</h2>
            {detail.map(|d| view! { <p class="verdict-detail">{d}</p> })}
            {body}
        </section>
    }
}
