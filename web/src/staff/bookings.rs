//! A hall's day of appointments for the staff member's department (预约), by time, and the
//! arrival desk: the clerk types (or scans into the field) the code the person shows.

use leptos::prelude::*;
use tongban_core::calendar::Day;
use tongban_core::view::appointment_status_text;
use tongban_core::visit::{clock, HallDay, StaffHall};

use super::local;
use crate::account::error_text;
use crate::i18n::words;
use crate::store::api;
use crate::t;

#[component]
pub fn Bookings() -> impl IntoView {
    let halls = LocalResource::new(|| async { api().staff_halls().await });
    view! {
        <h1>{t!("workbench-bookings")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match halls.await {
                    Ok(h) if h.is_empty() => view! { <p>{t!("workbench-no-halls")}</p> }.into_any(),
                    Ok(h) => view! { <HallDesk halls=h/> }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HallDesk(halls: Vec<StaffHall>) -> impl IntoView {
    let hall = RwSignal::new(halls[0].id.clone());
    let today = Day::of_timestamp((js_sys::Date::now() / 1000.0) as i64);
    let day = RwSignal::new(today.to_string());
    let refresh = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        refresh.track();
        let (h, d) = (hall.get(), Day::parse(&day.get()));
        async move { api().staff_hall_day(&h, d).await }
    });
    let code = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let mark = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked().trim().to_owned();
        if c.is_empty() {
            return;
        }
        let h = hall.get_untracked();
        leptos::task::spawn_local(async move {
            match api().staff_mark_arrived(&h, &c).await {
                Ok(b) => {
                    notice.set(Some((true, t!("workbench-arrival-done", code = b.code))));
                    code.set(String::new());
                    refresh.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some((false, error_text(&e)))),
            }
        });
    };
    view! {
        <div class="bench-filters">
            <label>
                <span>{t!("workbench-bookings-hall")}</span>
                <select id="booking-hall" on:change=move |ev| hall.set(event_target_value(&ev)) prop:value=move || hall.get()>
                    {halls.into_iter().map(|h| view! { <option value=h.id.clone()>{local(&h.name)}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>{t!("workbench-bookings-day")}</span>
                <input id="booking-day" type="date" prop:value=move || day.get() on:change=move |ev| day.set(event_target_value(&ev))/>
            </label>
        </div>
        <form class="arrival" on:submit=mark>
            <label for="arrival-code">{t!("workbench-arrival-code")}</label>
            <input id="arrival-code" type="text" autocomplete="off" autocapitalize="characters" maxlength="16"
                prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
            <button type="submit" class="button">{t!("workbench-arrival-mark")}</button>
        </form>
        {move || notice.get().map(|(ok, text)| view! {
            <p class=if ok { "notice" } else { "notice notice-error" } role=if ok { "status" } else { "alert" }>{text}</p>
        })}
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("apply-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(d) => view! { <DayTable day=d/> }.into_any(),
                    Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DayTable(day: HallDay) -> impl IntoView {
    if day.items.is_empty() {
        return view! { <p id="bookings-empty">{t!("workbench-bookings-empty")}</p> }.into_any();
    }
    let w = words();
    view! {
        <table class="bench-table" id="bookings-table">
            <caption>{local(&day.hall)}" · "{day.day.to_string()}</caption>
            <thead><tr>
                <th scope="col">{t!("workbench-bookings-time")}</th>
                <th scope="col">{t!("workbench-bookings-matter")}</th>
                <th scope="col">{t!("workbench-bookings-code")}</th>
                <th scope="col">{t!("workbench-bookings-status")}</th>
            </tr></thead>
            <tbody>
                {day.items.into_iter().map(|b| view! {
                    <tr>
                        <td>{clock(b.start)}</td>
                        <td>{local(&b.matter)}</td>
                        <td class="code">{b.code}</td>
                        <td>{appointment_status_text(b.status, &w)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
