//! 电子证照 in the app: the wallet (卡包, `/wallet`) where the person keeps and shows their
//! certificates, and the verifier (`/verify`) where anyone checks a shown one — both working
//! offline. What they share: how a certificate's kind and claims read.

mod page;
mod scan;
mod share;
mod verify;

use leptos::prelude::*;
use serde_json::{Map, Value};
use tongban_core::credential::CredentialKind;

pub use page::WalletPage;
pub(crate) use page::{device_key, load, save};
pub use verify::VerifyPage;

use crate::apply::now;
use crate::i18n::loader;
use crate::t;

pub(crate) fn kind_name(kind: Option<CredentialKind>) -> String {
    match kind {
        Some(kind) => loader().get(&format!("credential-{}", kind.code())),
        None => t!("credential-unknown-kind"),
    }
}

/// A claim's label (`credential-claim-<name>`), or its name when there is no message for it.
pub(crate) fn claim_label(claim: &str) -> String {
    let id = format!("credential-claim-{}", claim.replace('_', "-"));
    if loader().has(&id) {
        loader().get(&id)
    } else {
        claim.to_owned()
    }
}

/// A claim's value as a person reads it: yes/no, a sex, a region's name, or the text.
pub(crate) fn claim_value(claim: &str, value: &Value) -> String {
    match (claim, value) {
        (_, Value::Bool(true)) => t!("credential-yes"),
        (_, Value::Bool(false)) => t!("credential-no"),
        ("sex", Value::String(s)) if s == "male" => t!("credential-sex-male"),
        ("sex", Value::String(s)) if s == "female" => t!("credential-sex-female"),
        ("household_region", Value::String(code)) => {
            format!("{}（{code}）", crate::pages::region_name(code))
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The claims as a description list.
#[component]
pub(crate) fn Claims(claims: Map<String, Value>) -> impl IntoView {
    let rows: Vec<_> = claims
        .iter()
        .map(|(k, v)| {
            view! {
                <div class="claim" data-claim=k.clone()>
                    <dt>{claim_label(k)}</dt>
                    <dd>{claim_value(k, v)}</dd>
                </div>
            }
        })
        .collect();
    view! { <dl class="claims">{rows}</dl> }
}
