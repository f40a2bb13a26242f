//! 我的数据: who used my data (数据使用记录) — every department's read of my applications and
//! documents (by department and role), each prefill, verification, partner-app login and
//! benefit decided, refused attempts too — newest first; the consents I gave, each withdrawable;
//! and my whole record to download as JSON.

use leptos::prelude::*;
use tongban_core::data_record::{ConsentEntry, DataUse, DataUser, UseOutcome};

use super::{local, ErrorNotice};
use crate::account::error_text;
use crate::apply::NeedsAccount;
use crate::format::date_time;
use crate::i18n::loader;
use crate::store::api;
use crate::t;

#[component]
pub fn MyDataPage() -> impl IntoView {
    view! { <NeedsAccount><MyData/></NeedsAccount> }
}

#[component]
fn MyData() -> impl IntoView {
    view! {
        <h1>{t!("my-data-title")}</h1>
        <p class="intro">{t!("my-data-intro")}</p>
        <Uses/>
        <Consents/>
        <section class="card" aria-labelledby="my-data-download">
            <h2 id="my-data-download">{t!("my-data-download-heading")}</h2>
            <p>{t!("my-data-download-intro")}</p>
            <a class="button button-wide data-export" href="/api/v1/me/data-export" download="tongban-data.json">{t!("my-data-download")}</a>
        </section>
    }
}

fn who(by: &DataUser) -> String {
    match by {
        DataUser::Department { name, role, .. } => t!(
            "data-user-department",
            department = local(name),
            role = loader().get(role.message_id())
        ),
        DataUser::Host { name, .. } => t!("data-user-host", host = name.clone()),
        DataUser::Organisation { name } => t!("data-user-organisation", name = name.clone()),
        DataUser::You => t!("data-user-you"),
        DataUser::Agent => t!("data-user-agent"),
        DataUser::Register => t!("data-user-register"),
        DataUser::Other => t!("data-user-other"),
    }
}

/// Categories of data by their codes, as the person reads them (`身份，联系方式`).
fn categories_text<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes
        .map(|c| loader().get(&format!("data-category-{c}")))
        .collect::<Vec<_>>()
        .join(t!("benefit-reasons-separator").as_str())
}

/// The record, a page at a time (older pages appended below).
#[component]
fn Uses() -> impl IntoView {
    let items = RwSignal::new(Vec::<DataUse>::new());
    let next = RwSignal::new(None::<i64>);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<tongban_core::ApiError>);
    let busy = RwSignal::new(false);
    let load = move |before: Option<i64>| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api().data_uses(before).await {
                Ok(page) => {
                    items.update(|i| i.extend(page.items));
                    next.set(page.next);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
            busy.set(false);
        });
    };
    load(None);
    view! {
        <section class="card" aria-labelledby="data-uses-heading">
            <h2 id="data-uses-heading">{t!("data-uses-heading")}</h2>
            {move || (!loaded.get()).then(|| view! { <p class="status" role="status">{t!("apply-loading")}</p> })}
            {move || (loaded.get() && error.get().is_none() && items.with(Vec::is_empty)).then(|| view! {
                <p class="data-uses-empty">{t!("data-uses-empty")}</p>
            })}
            <ol class="plain-list data-uses">
                <For each=move || items.get() key=|u| u.id let:u>
                    <UseItem item=u/>
                </For>
            </ol>
            {move || error.get().map(|e| view! { <ErrorNotice error=e on_retry=move || load(next.get_untracked())/> })}
            {move || next.get().map(|before| view! {
                <button type="button" class="button button-secondary data-uses-more" disabled=move || busy.get() on:click=move |_| load(Some(before))>
                    {t!("data-uses-more")}
                </button>
            })}
        </section>
    }
}

#[component]
fn UseItem(item: DataUse) -> impl IntoView {
    let categories = categories_text(item.categories.iter().map(|c| c.code()));
    let outcome = match item.outcome {
        UseOutcome::Ok => None,
        UseOutcome::Failed => Some(t!("data-outcome-failed")),
        UseOutcome::Denied => Some(t!("data-outcome-denied")),
    };
    let refused = item.outcome != UseOutcome::Ok;
    view! {
        <li class="data-use" class:data-use-refused=refused data-action=item.action.clone()>
            <p class="data-use-who">
                <strong>{who(&item.by)}</strong>
                " "
                {loader().get(&format!("data-action-{}", item.action))}
                {outcome.map(|o| view! { " " <span class="badge badge-later">{o}</span> })}
            </p>
            <p class="hint">
                {date_time(item.at)}
                {item.receipt.clone().zip(item.application_id.clone()).map(|(receipt, app)| view! {
                    " · " <a href=format!("/applications/{app}")>{t!("data-use-for", receipt = receipt)}</a>
                })}
            </p>
            <p class="hint">
                {t!("data-use-what", categories = categories)}
                " · "
                {t!("data-use-why", purpose = loader().get(&format!("data-purpose-{}", item.purpose.code())))}
            </p>
        </li>
    }
}

#[component]
fn Consents() -> impl IntoView {
    let (attempt, set_attempt) = signal(0u32);
    let list = LocalResource::new(move || {
        attempt.track();
        async move { api().consents().await }
    });
    view! {
        <section class="card" aria-labelledby="consents-heading">
            <h2 id="consents-heading">{t!("consents-heading")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.items.is_empty() => view! { <p>{t!("consents-empty")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list consents">
                                {list.items.into_iter().map(|c| view! { <ConsentItem entry=c/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ConsentItem(entry: ConsentEntry) -> impl IntoView {
    let receipt = entry.receipt;
    let id = StoredValue::new(receipt.id.clone());
    let withdrawn = RwSignal::new(entry.withdrawn_at);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let withdraw = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api().withdraw_consent(&id.get_value()).await {
                Ok(c) => withdrawn.set(c.withdrawn_at),
                Err(e) => notice.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    let categories = categories_text(receipt.categories.iter().map(String::as_str));
    view! {
        <li class="consent" data-id=receipt.id.clone()>
            <p><strong>{local(&receipt.recipient)}</strong></p>
            <dl class="check-answers">
                <dt>{t!("consent-purpose")}</dt><dd>{local(&receipt.purpose)}</dd>
                <dt>{t!("consent-categories")}</dt><dd>{categories}</dd>
                <dt>{t!("consent-given")}</dt><dd>{date_time(receipt.given_at)}</dd>
                <dt>{t!("consent-receipt")}</dt><dd class="receipt-id">{receipt.id.clone()}</dd>
            </dl>
            {move || match withdrawn.get() {
                Some(at) => view! {
                    <p class="notice consent-withdrawn" role="status">{t!("consent-withdrawn-at", at = date_time(at))}</p>
                }.into_any(),
                None => view! {
                    <p class="hint">{t!("consent-withdraw-hint")}</p>
                    <button type="button" class="button button-secondary consent-withdraw" disabled=move || busy.get() on:click=withdraw>
                        {t!("consent-withdraw")}
                    </button>
                }.into_any(),
            }}
            {move || notice.get().map(|n| view! { <p class="notice notice-error" role="alert">{n}</p> })}
        </li>
    }
}
