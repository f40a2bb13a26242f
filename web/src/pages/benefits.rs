//! 免申即享 (为您服务): what the person qualifies for without applying, or will soon, each saying
//! exactly why — their verified birth date and household registration — and confirmed with one
//! tap: no form; the consent it gives is shown, and the application it makes is followed like any.

use leptos::prelude::*;
use tongban_core::benefit::{BenefitOffer, Claimed, Decision, Missing, Reason};

use super::{local, ErrorNotice};
use crate::account::error_text;
use crate::apply::NeedsAccount;
use crate::store::api;
use crate::t;

/// A region's name: the catalog's, or that of the nearest region around it (`330106` → 杭州市).
pub(crate) fn region_name(code: &str) -> String {
    // The workbench has no citizen catalog: there the code is named as it is.
    let catalog = use_context::<crate::store::Catalog>()
        .and_then(|c| c.get_untracked())
        .and_then(|r| r.ok());
    let candidates = [
        code.to_owned(),
        format!("{}00", code.get(..4).unwrap_or(code)),
        format!("{}0000", code.get(..2).unwrap_or(code)),
    ];
    catalog
        .and_then(|c| {
            candidates.iter().find_map(|k| {
                c.index
                    .regions
                    .iter()
                    .find(|r| &r.code == k)
                    .map(|r| local(&r.name))
            })
        })
        .unwrap_or_else(|| code.to_owned())
}

fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::Born { date } => t!("benefit-reason-born", date = date.clone()),
        Reason::RegisteredIn { region } => {
            t!("benefit-reason-registered", region = region_name(region))
        }
    }
}

fn reasons(list: &[Reason]) -> String {
    list.iter()
        .map(reason_text)
        .collect::<Vec<_>>()
        .join(t!("benefit-reasons-separator").as_str())
}

#[component]
pub fn BenefitsPage() -> impl IntoView {
    view! { <NeedsAccount><Benefits/></NeedsAccount> }
}

#[component]
fn Benefits() -> impl IntoView {
    let (attempt, set_attempt) = signal(0u32);
    let inbox = LocalResource::new(move || {
        attempt.track();
        async move { api().benefits().await }
    });
    view! {
        <h1>{t!("benefits-title")}</h1>
        <p class="intro">{t!("benefits-intro")}</p>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(inbox) => view! {
                        {inbox.missing.contains(&Missing::Identity).then(|| view! {
                            <p class="notice">{t!("benefits-missing-identity")}" "<a href="/account">{t!("benefits-verify-link")}</a></p>
                        })}
                        {(!inbox.missing.contains(&Missing::Identity) && inbox.missing.contains(&Missing::Household)).then(|| view! {
                            <p class="notice">{t!("benefits-missing-household")}</p>
                        })}
                        {inbox.items.is_empty().then(|| view! { <p class="benefits-empty">{t!("benefits-empty")}</p> })}
                        <ul class="plain-list benefits">
                            {inbox.items.into_iter().map(|o| view! { <Offer offer=o/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Offer(offer: BenefitOffer) -> impl IntoView {
    let id = StoredValue::new(offer.id.clone());
    let claimed = RwSignal::new(None::<Claimed>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api().claim_benefit(&id.get_value()).await {
                Ok(c) => claimed.set(Some(c)),
                Err(e) => notice.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    let (why, from, can_confirm) = match &offer.decision {
        Decision::Qualifies { because } => (reasons(because), None, offer.application_id.is_none()),
        Decision::From { date, because } => (reasons(because), Some(date.clone()), false),
        _ => (String::new(), None, false),
    };
    let application = offer.application_id.clone();
    view! {
        <li class="card benefit" data-id=offer.id.clone()>
            <h2>{local(&offer.name)}</h2>
            <p>{local(&offer.description)}</p>
            <p class="hint">{local(&offer.department.name)}</p>
            <p class="benefit-why">{t!("benefit-because", reasons = why)}</p>
            {from.map(|date| view! { <p class="notice benefit-from">{t!("benefit-from", date = date)}</p> })}
            {application.map(|app| view! {
                <p><a href=format!("/applications/{app}")>{t!("benefit-open-application")}</a></p>
            })}
            {move || match claimed.get() {
                Some(c) => view! {
                    <div class="notice notice-info benefit-claimed" role="status">
                        <p>{t!("benefit-claimed", receipt = c.receipt.clone())}</p>
                        <p>{t!("benefit-consent", recipient = local(&c.consent.recipient), purpose = local(&c.consent.purpose))}</p>
                        <p class="hint">{local(&c.consent.withdraw)}</p>
                        <p><a href=format!("/applications/{}", c.application_id)>{t!("benefit-open-application")}</a></p>
                    </div>
                }.into_any(),
                None if can_confirm => view! {
                    <p class="hint">{t!("benefit-consent-ahead", recipient = local(&offer.department.name))}</p>
                    <button type="button" class="button button-wide benefit-claim" disabled=move || busy.get() on:click=confirm>{t!("benefit-claim")}</button>
                }.into_any(),
                None => ().into_any(),
            }}
            {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
        </li>
    }
}
