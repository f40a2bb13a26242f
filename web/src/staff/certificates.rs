//! The certificates a completed case issued (电子证照), in the case's side column: each with its
//! number and status now. The department's supervisor suspends one (a licence held back while
//! something is checked), reinstates a suspended one, or revokes one — after saying so again,
//! since a revocation is final; holders' wallets and every verifier learn it from the
//! department's status list, and the holder is told in their messages.

use leptos::prelude::*;
use tongban_core::credential::status::Status;
use tongban_core::credential::{CredentialStatusChange, CredentialSummary};

use super::session::use_staff;
use crate::account::error_text;
use crate::store::api;
use crate::t;
use crate::wallet::kind_name;

fn status_name(status: Status) -> String {
    match status {
        Status::Valid => t!("workbench-certificate-valid"),
        Status::Suspended => t!("workbench-certificate-suspended"),
        Status::Revoked => t!("workbench-certificate-revoked"),
    }
}

#[component]
pub(super) fn Certificates(certificates: Vec<CredentialSummary>) -> impl IntoView {
    if certificates.is_empty() {
        return ().into_any();
    }
    let staff = use_staff();
    let supervises = move || staff.supervises();
    let items = RwSignal::new(certificates);
    let error = RwSignal::new(None::<String>);
    // The certificate whose revocation waits for the supervisor's second word.
    let confirming = RwSignal::new(None::<String>);
    let set = move |id: String, status: Status| {
        error.set(None);
        leptos::task::spawn_local(async move {
            let change = CredentialStatusChange { status };
            match api().set_credential_status(&id, &change).await {
                Ok(done) => {
                    confirming.set(None);
                    items.update(|list| {
                        if let Some(item) = list.iter_mut().find(|c| c.id == done.id) {
                            *item = done;
                        }
                    });
                }
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="certificates-heading" id="case-certificates">
            <h2 id="certificates-heading">{t!("workbench-certificates")}</h2>
            {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            <ul class="plain-list">
                {move || items.get().into_iter().map(|c| {
                    let number = c.claims.get("certificate_number").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
                    let id = StoredValue::new(c.id.clone());
                    let status = c.status;
                    view! {
                        <li class="case-certificate" data-status=status.code()>
                            <p><strong>{kind_name(Some(c.kind))}</strong> " " {number}</p>
                            <p><span class="badge certificate-status">{status_name(status)}</span></p>
                            {move || (supervises() && status != Status::Revoked).then(|| {
                                if confirming.get().as_deref() == Some(id.get_value().as_str()) {
                                    view! {
                                        <p class="notice" role="alert">{t!("workbench-certificate-revoke-confirm")}</p>
                                        <p class="actions">
                                            <button type="button" class="button certificate-revoke-confirm"
                                                on:click=move |_| set(id.get_value(), Status::Revoked)>
                                                {t!("workbench-certificate-revoke-do")}
                                            </button>
                                            <button type="button" class="button button-secondary"
                                                on:click=move |_| confirming.set(None)>
                                                {t!("workbench-certificate-keep")}
                                            </button>
                                        </p>
                                    }.into_any()
                                } else {
                                    let (label, to) = if status == Status::Suspended {
                                        (t!("workbench-certificate-reinstate"), Status::Valid)
                                    } else {
                                        (t!("workbench-certificate-suspend"), Status::Suspended)
                                    };
                                    view! {
                                        <p class="actions">
                                            <button type="button" class="button button-secondary certificate-suspend"
                                                on:click=move |_| set(id.get_value(), to)>
                                                {label}
                                            </button>
                                            <button type="button" class="button button-secondary certificate-revoke"
                                                on:click=move |_| confirming.set(Some(id.get_value()))>
                                                {t!("workbench-certificate-revoke")}
                                            </button>
                                        </p>
                                    }.into_any()
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (!supervises()).then(|| view! { <p class="hint">{t!("workbench-certificates-supervisor")}</p> })}
        </section>
    }
    .into_any()
}
