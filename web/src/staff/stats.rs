//! The department's numbers for its supervisor: open cases by status, how many are due soon or
//! overdue, and how many of the completed ones kept their promised date.

use leptos::prelude::*;
use tongban_core::case::DepartmentStats;

use super::{local, status_text};
use crate::account::error_text;
use crate::store::api;
use crate::t;

#[component]
pub fn Stats() -> impl IntoView {
    let stats = LocalResource::new(|| async { api().staff_stats().await });
    view! {
        <h1>{t!("workbench-stats-heading")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(s) => view! { <StatsView stats=s/> }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatsView(stats: DepartmentStats) -> impl IntoView {
    let open: u32 = stats.open.iter().map(|s| s.count).sum();
    let on_time = if stats.completed == 0 {
        t!("workbench-stats-none-completed")
    } else {
        let percent =
            (u64::from(stats.completed_on_time) * 100 / u64::from(stats.completed)) as u64;
        t!(
            "workbench-stats-on-time-share",
            percent = percent,
            done = u64::from(stats.completed_on_time),
            count = u64::from(stats.completed)
        )
    };
    view! {
        <p class="intro">{local(&stats.department.name)}</p>
        <dl class="bench-figures" id="stats-figures">
            <div><dt>{t!("workbench-stats-open")}</dt><dd>{open}</dd></div>
            <div><dt>{t!("workbench-filter-due-soon")}</dt><dd>{stats.due_soon}</dd></div>
            <div><dt>{t!("workbench-filter-overdue")}</dt><dd>{stats.overdue}</dd></div>
            <div><dt>{t!("workbench-stats-completed")}</dt><dd>{stats.completed}</dd></div>
        </dl>
        <p id="stats-on-time">{on_time}</p>
        {(stats.rectifications_overdue > 0).then(|| view! {
            <p class="notice notice-error stats-rectifications-overdue" role="status">
                {t!("workbench-rectifications-overdue", count = stats.rectifications_overdue)}" "
                <a href="/staff/rectifications">{t!("workbench-rectifications")}</a>
            </p>
        })}
        {(!stats.open.is_empty()).then(|| view! {
        <table class="bench-table">
            <caption>{t!("workbench-stats-by-status")}</caption>
            <thead><tr><th scope="col">{t!("workbench-col-status")}</th><th scope="col">{t!("workbench-stats-count")}</th></tr></thead>
            <tbody>
                {stats.open.into_iter().map(|s| view! { <tr><td>{status_text(s.status)}</td><td>{s.count}</td></tr> }).collect_view()}
            </tbody>
        </table>
        })}
        <h2>{t!("workbench-stats-staff")}</h2>
        <ul>{stats.staff.into_iter().map(|s| view! { <li>{s.display_name}</li> }).collect_view()}</ul>
    }
}
