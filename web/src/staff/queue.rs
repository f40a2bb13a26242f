//! The department's queue: its cases, oldest due first, filtered by status, due date, matter
//! and "given to me".

use leptos::prelude::*;
use tongban_core::application::ApplicationStatus;
use tongban_core::case::StaffCaseSummary;

use super::session::use_staff;
use super::{due_text, local, status_text};
use crate::account::error_text;
use crate::format::date_time;
use crate::store::api;
use crate::t;

#[component]
pub fn Queue() -> impl IntoView {
    let staff = use_staff();
    let status = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let matter = RwSignal::new(String::new());
    let mine = RwSignal::new(false);
    let catalog = LocalResource::new(|| async { api().catalog_index().await });
    let cases = LocalResource::new(move || {
        let mut query = vec!["limit=200".to_owned()];
        for (key, value) in [
            ("status", status.get()),
            ("due", due.get()),
            ("matter", matter.get()),
        ] {
            if !value.is_empty() {
                query.push(format!("{key}={}", js_sys::encode_uri_component(&value)));
            }
        }
        if mine.get() {
            query.push("mine=true".into());
        }
        async move { api().staff_cases(&query.join("&")).await }
    });
    let department = move || staff.me.get().and_then(|r| r.ok()).map(|m| m.department);
    // The matters this department handles, for the matter filter.
    let matters = move || {
        let dept = department().unwrap_or_default();
        catalog
            .get()
            .and_then(|c| c.ok())
            .map(|index| {
                index
                    .documents
                    .iter()
                    .filter(|d| d.summary.department.zh == dept)
                    .map(|d| (d.summary.code.clone(), local(&d.summary.name)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let matter_name = move |code: &str| {
        catalog
            .get()
            .and_then(|c| c.ok())
            .and_then(|index| {
                index
                    .documents
                    .iter()
                    .find(|d| d.summary.code == code)
                    .map(|d| local(&d.summary.name))
            })
            .unwrap_or_else(|| code.to_owned())
    };
    view! {
        <h1>{t!("workbench-queue-heading")}</h1>
        <form class="bench-filters" aria-label=t!("workbench-filters") on:submit=|ev| ev.prevent_default()>
            <div class="form-field">
                <label for="filter-status">{t!("workbench-filter-status")}</label>
                <select id="filter-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{t!("workbench-filter-open")}</option>
                    {ApplicationStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.code()>{status_text(s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="form-field">
                <label for="filter-due">{t!("workbench-filter-due")}</label>
                <select id="filter-due" on:change=move |ev| due.set(event_target_value(&ev))>
                    <option value="">{t!("workbench-filter-all")}</option>
                    <option value="soon">{t!("workbench-filter-due-soon")}</option>
                    <option value="overdue">{t!("workbench-filter-overdue")}</option>
                </select>
            </div>
            <div class="form-field">
                <label for="filter-matter">{t!("workbench-filter-matter")}</label>
                <select id="filter-matter" on:change=move |ev| matter.set(event_target_value(&ev))>
                    <option value="">{t!("workbench-filter-all")}</option>
                    {move || matters().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                </select>
            </div>
            <div class="form-field bench-check">
                <input id="filter-mine" type="checkbox" on:change=move |ev| mine.set(event_target_checked(&ev))/>
                <label for="filter-mine">{t!("workbench-filter-mine")}</label>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(list) if list.is_empty() => view! { <p class="intro" id="queue-empty">{t!("workbench-queue-empty")}</p> }.into_any(),
                    Ok(list) => view! { <QueueTable list=list matter_name=matter_name/> }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueTable(
    list: Vec<StaffCaseSummary>,
    matter_name: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let count = list.len() as u64;
    view! {
        <p class="hint" role="status">{t!("workbench-queue-count", count = count)}</p>
        <table class="bench-table queue">
            <caption class="visually-hidden">{t!("workbench-queue-heading")}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!("workbench-col-receipt")}</th>
                    <th scope="col">{t!("workbench-col-matters")}</th>
                    <th scope="col">{t!("workbench-col-status")}</th>
                    <th scope="col">{t!("workbench-col-due")}</th>
                    <th scope="col">{t!("workbench-col-holder")}</th>
                    <th scope="col">{t!("workbench-col-assignee")}</th>
                    <th scope="col">{t!("workbench-col-submitted")}</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|c| {
                    let (due, due_class) = due_text(c.case.due_date.as_deref(), c.case.due_state, c.case.due_provisional);
                    let matters = c.case.matters.iter().map(|m| matter_name(m)).collect::<Vec<_>>().join("、");
                    let holder = c.case.receiving.as_ref().map(|r| {
                        let side = if c.case.holder == tongban_core::case::Holder::Receiving { t!("workbench-held-receiving") } else { t!("workbench-held-deciding") };
                        format!("{side}（{}）", local(&r.name))
                    }).unwrap_or_default();
                    view! {
                        <tr>
                            <td><a class="case-link" href=format!("/staff/cases/{}", c.id)>{c.receipt.clone()}</a></td>
                            <td>{matters}</td>
                            <td><span class="badge">{status_text(c.case.status)}</span></td>
                            <td><span class=due_class>{due}</span></td>
                            <td>{holder}</td>
                            <td>{c.assignee.map(|a| a.display_name).unwrap_or_default()}</td>
                            <td>{date_time(c.created_at)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
