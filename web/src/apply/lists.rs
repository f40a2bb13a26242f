//! My drafts and my applications.

use leptos::prelude::*;
use tongban_core::catalog::FormRef;
use tongban_core::draft::Draft;
use tongban_core::ApiError;

use super::form::SyncNotice;
use super::{require_login_now, status_text, NeedsAccount};
use crate::account::error_text;
use crate::format::date_time;
use crate::i18n::language;
use crate::store::app_path;
use crate::sync::use_drafts;
use crate::t;

#[component]
pub fn DraftsPage() -> impl IntoView {
    view! { <NeedsAccount><DraftsList/></NeedsAccount> }
}

#[component]
fn DraftsList() -> impl IntoView {
    let drafts = use_drafts();
    let acting = drafts.acting();
    let catalog = crate::store::use_catalog();
    // Arrived from handing a draft over (帮办): where it went.
    let handed = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("handed");
    view! {
        <h1>{t!("drafts-heading")}</h1>
        {handed.map(|to| view! { <p class="notice notice-info handover-done" role="status">{t!("handover-done", phone = to)}</p> })}
        <SyncNotice/>
        {move || {
            let list: Vec<Draft> = drafts.state.with(|s| {
                let mut v: Vec<Draft> = s.as_ref().map(|s| s.drafts.values().filter(|d| !d.deleted && d.submitted.is_none()).cloned().collect()).unwrap_or_default();
                v.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
                v
            });
            if list.is_empty() {
                return view! { <p class="intro">{t!("drafts-empty")}</p> }.into_any();
            }
            let names = catalog.get().and_then(|c| c.ok());
            view! {
                <ul class="plain-list drafts">
                    {list.into_iter().map(|d| {
                        let unsynced = drafts.state.with_untracked(|s| s.as_ref().is_some_and(|s| s.has_unsynced(&d.id)));
                        let name = names.as_ref().and_then(|c| {
                            c.index.documents.iter().find(|m| m.summary.code == d.form_id).map(|m| m.summary.name.for_language(&language()).to_owned())
                                .or_else(|| c.index.bundles.iter().find(|b| FormRef::Bundle(b.id.clone()).to_string() == d.form_id).map(|b| b.name.for_language(&language()).to_owned()))
                        }).unwrap_or_else(|| d.form_id.clone());
                        let href = app_path(acting.as_deref(), &format!("/apply/{}?draft={}&step=0", js_sys::encode_uri_component(&d.form_id), d.id));
                        view! {
                            <li>
                                <p class="device-name"><a href=href>{name}</a></p>
                                <p class="hint">{t!("drafts-updated", time = date_time(d.updated_at))}</p>
                                {unsynced.then(|| view! { <p class="hint">{t!("drafts-unsynced")}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
    .into_any()
}

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    view! { <NeedsAccount><ApplicationsList/></NeedsAccount> }
}

#[component]
fn ApplicationsList() -> impl IntoView {
    let api = StoredValue::new(crate::store::use_api());
    let acting = crate::store::use_acting();
    let list = LocalResource::new(move || async move { api.get_value().applications().await });
    view! {
        <h1>{t!("applications-heading")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || { let acting = acting.clone(); Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => view! { <p class="intro">{t!("applications-empty")}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="plain-list">
                            {items.into_iter().map(|a| view! {
                                <li>
                                    <p class="device-name"><a href=app_path(acting.as_deref(), &format!("/applications/{}", a.id))>{t!("application-receipt", receipt = a.receipt.clone())}</a></p>
                                    <p><span class="badge">{status_text(a.status)}</span></p>
                                    <p class="hint">{date_time(a.created_at)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(ApiError::Unauthorized) => {
                        require_login_now();
                        ().into_any()
                    }
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}}
        </Suspense>
    }
    .into_any()
}
