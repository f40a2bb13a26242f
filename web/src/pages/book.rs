//! Booking a time at a hall (`/book/:matter/:hall`) and the person's bookings (`/appointments`):
//! days from tomorrow, half-hour slots with the places left, the booking code as text and QR,
//! cancelling until 2 hours before. The rules are core's and the server's; refusals are shown in
//! the person's language and keep their choice.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tongban_core::calendar::Day;
use tongban_core::view::{appointment_status_text, code_qr_svg, slot_text};
use tongban_core::visit::{Appointment, AppointmentStatus, HallSlots, NewAppointment};

use super::{local, ErrorNotice};
use crate::account::error_text;
use crate::apply::NeedsAccount;
use crate::i18n::words;
use crate::store::{api, api_for};
use crate::t;

#[component]
pub fn BookPage() -> impl IntoView {
    view! { <NeedsAccount><Booking/></NeedsAccount> }
}

#[component]
fn Booking() -> impl IntoView {
    let params = use_params_map();
    let matter_code = move || params.read().get("matter").unwrap_or_default();
    let hall_id = move || params.read().get("hall").unwrap_or_default();
    let query = leptos_router::hooks::use_query_map();
    let application = move || query.read_untracked().get("application");
    // Booking in someone's name under a mandate (`?for=` its id).
    let acting = move || query.read_untracked().get("for");
    let (attempt, set_attempt) = signal(0u32);
    let loaded = LocalResource::new(move || {
        attempt.track();
        let (code, hall, acting) = (matter_code(), hall_id(), acting());
        async move {
            let matter = api().matter_guide(&code).await?;
            let slots = api().hall_slots(&hall, &code).await?;
            let mine = api_for(acting.as_deref()).appointments().await?;
            // For whom: the grantor as the mandate names them.
            let for_whom = match &acting {
                Some(id) => api()
                    .mandates()
                    .await?
                    .received
                    .into_iter()
                    .find(|m| &m.id == id)
                    .map(|m| m.other_party),
                None => None,
            };
            Ok::<_, tongban_core::ApiError>((matter, slots, mine.blocked_until, for_whom))
        }
    });
    view! {
        <h1>{t!("book-title")}</h1>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("book-loading")}</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((matter, slots, blocked, for_whom)) => {
                        let hall = matter.halls.iter().find(|h| h.id == slots.hall_id).cloned();
                        match hall {
                            Some(hall) => view! {
                                {for_whom.map(|who| view! { <p class="notice acting-for">{t!("mandates-acting-banner", name = who)}</p> })}
                                <p class="intro">{t!("book-for", matter = local(&matter.name))}</p>
                                <p>{t!("book-where", hall = local(&hall.name))}</p>
                                <p class="muted">{local(&hall.address)}</p>
                                <SlotPicker slots=slots blocked=blocked application=application() acting=acting()/>
                            }.into_any(),
                            None => view! { <p>{t!("book-not-bookable")}</p> }.into_any(),
                        }
                    }
                    Err(error) => view! {
                        <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SlotPicker(
    slots: HallSlots,
    blocked: Option<Day>,
    application: Option<String>,
    acting: Option<String>,
) -> impl IntoView {
    if let Some(until) = blocked {
        return view! { <p class="notice" role="alert">{t!("book-blocked", date = until.to_string())}</p> }.into_any();
    }
    let any_free = slots
        .days
        .iter()
        .any(|d| d.slots.iter().any(|s| s.left > 0));
    if !any_free {
        return view! { <p class="notice">{t!("book-none")}</p> }.into_any();
    }
    let first_day = slots
        .days
        .iter()
        .find(|d| d.slots.iter().any(|s| s.left > 0))
        .map(|d| d.day);
    let day = RwSignal::new(first_day);
    let start: RwSignal<Option<u16>> = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let done: RwSignal<Option<Appointment>> = RwSignal::new(None);
    let slots = StoredValue::new(slots);
    let application = StoredValue::new(application);
    let acting = StoredValue::new(acting);
    let w = words();
    let day_buttons =
        slots.with_value(|s| {
            s.days
            .iter()
            .map(|d| {
                let this = d.day;
                let free = d.slots.iter().any(|s| s.left > 0);
                let label = slot_text(this, 0, &w);
                let label = label.rsplit_once(' ').map(|(a, _)| a.to_owned()).unwrap_or(label);
                view! {
                    <button
                        type="button"
                        class="choice day-choice"
                        aria-pressed=move || (day.get() == Some(this)).to_string()
                        disabled=!free
                        on:click=move |_| { day.set(Some(this)); start.set(None); error.set(None); }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
        });
    let time_buttons = move || {
        let chosen = day.get()?;
        let list = slots.with_value(|s| {
            s.days
                .iter()
                .find(|d| d.day == chosen)
                .map(|d| d.slots.clone())
        })?;
        Some(
            list.into_iter()
                .map(|s| {
                    let at = s.start;
                    let full = s.left == 0;
                    let places = if full {
                        t!("book-full")
                    } else {
                        t!("book-left", count = s.left)
                    };
                    view! {
                        <button
                            type="button"
                            class="choice time-choice"
                            aria-pressed=move || (start.get() == Some(at)).to_string()
                            disabled=full
                            on:click=move |_| { start.set(Some(at)); error.set(None); }
                        >
                            <strong>{tongban_core::visit::clock(at)}</strong>
                            <span class="hint">{places}</span>
                        </button>
                    }
                })
                .collect_view(),
        )
    };
    let confirm = move |_| {
        let (Some(d), Some(s)) = (day.get_untracked(), start.get_untracked()) else {
            error.set(Some(t!("book-choose-first")));
            return;
        };
        let new = slots.with_value(|sl| NewAppointment {
            hall_id: sl.hall_id.clone(),
            matter_code: sl.matter_code.clone(),
            day: d,
            start: s,
            application_id: application.get_value(),
        });
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api_for(acting.get_value().as_deref()).book(&new).await {
                Ok(a) => done.set(Some(a)),
                Err(e) => error.set(Some(error_text(&e))),
            }
            busy.set(false);
        });
    };
    let chosen_text = move || {
        let (d, s) = (day.get()?, start.get()?);
        Some(t!("book-chosen", slot = slot_text(d, s, &words())))
    };
    view! {
        <Show when=move || done.get().is_none() fallback=move || view! { <Booked appointment=done.get().unwrap() acting=acting.get_value()/> }>
            <p class="hint">{t!("book-rules")}</p>
            <fieldset class="choices">
                <legend>{t!("book-choose-day")}</legend>
                <div class="choice-row">{day_buttons.clone()}</div>
            </fieldset>
            <fieldset class="choices">
                <legend>{t!("book-choose-time")}</legend>
                <div class="choice-grid">{time_buttons}</div>
            </fieldset>
            <p class="live-note" role="status">{chosen_text}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <p class="actions">
                <button type="button" class="button button-wide confirm-booking" disabled=move || busy.get() on:click=confirm>
                    {t!("book-confirm")}
                </button>
            </p>
        </Show>
    }
    .into_any()
}

#[component]
fn Booked(appointment: Appointment, acting: Option<String>) -> impl IntoView {
    // Booked in someone's name: back to what I do for them.
    let back = acting.map_or_else(|| "/appointments".to_owned(), |id| format!("/for/{id}"));
    view! {
        <section class="card booked" aria-labelledby="booked">
            <h2 id="booked" tabindex="-1">{t!("book-done")}</h2>
            <AppointmentCard appointment=appointment/>
            <p><a class="button button-secondary" href=back>{t!("appointments-title")}</a></p>
        </section>
    }
}

/// A booking with its code (text and QR) while it is booked.
#[component]
fn AppointmentCard(appointment: Appointment) -> impl IntoView {
    let w = words();
    let booked = appointment.status == AppointmentStatus::Booked;
    let qr = booked.then(|| code_qr_svg(&appointment.code, 168));
    view! {
        <p><strong>{local(&appointment.matter)}</strong></p>
        <p>{slot_text(appointment.day, appointment.start, &w)}" · "{local(&appointment.hall)}</p>
        <p class="muted">{local(&appointment.address)}</p>
        <p><span class="badge">{appointment_status_text(appointment.status, &w)}</span></p>
        {booked.then(|| view! {
            <p class="booking-code">{t!("book-code")}" "<strong class="code">{appointment.code.clone()}</strong></p>
            <div class="qr" role="img" aria-label=t!("book-code") inner_html=qr.unwrap_or_default()></div>
            <p class="hint">{t!("book-show-code")}</p>
        })}
    }
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    view! { <NeedsAccount><Appointments/></NeedsAccount> }
}

#[component]
fn Appointments() -> impl IntoView {
    let (attempt, set_attempt) = signal(0u32);
    let list = LocalResource::new(move || {
        attempt.track();
        async move { api().appointments().await }
    });
    let notice = RwSignal::new(None::<String>);
    view! {
        <h1>{t!("appointments-title")}</h1>
        <p class="live-note" role="status">{move || notice.get()}</p>
        <Suspense fallback=|| view! { <p class="status" role="status">{t!("book-loading")}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => {
                        let blocked = list.blocked_until.map(|d| view! {
                            <p class="notice">{t!("book-blocked", date = d.to_string())}</p>
                        });
                        if list.items.is_empty() {
                            return view! { {blocked} <p class="intro">{t!("appointments-empty")}</p> }.into_any();
                        }
                        view! {
                            {blocked}
                            <ul class="plain-list appointments">
                                {list.items.into_iter().map(|a| {
                                    let id = a.id.clone();
                                    let can_cancel = a.can_cancel;
                                    let booked = a.status == AppointmentStatus::Booked;
                                    let arrived = a.status == AppointmentStatus::Arrived;
                                    let rate_id = a.id.clone();
                                    let cancel = move |_| {
                                        let id = id.clone();
                                        leptos::task::spawn_local(async move {
                                            match api().cancel_appointment(&id).await {
                                                Ok(_) => notice.set(Some(t!("appointments-cancelled-ok"))),
                                                Err(e) => notice.set(Some(error_text(&e))),
                                            }
                                            set_attempt.update(|n| *n += 1);
                                        });
                                    };
                                    view! {
                                        <li class="appointment">
                                            <AppointmentCard appointment=a/>
                                            {can_cancel.then(|| view! {
                                                <p class="actions">
                                                    <button type="button" class="button button-secondary cancel-booking" on:click=cancel>
                                                        {t!("appointments-cancel")}
                                                    </button>
                                                </p>
                                            })}
                                            {(booked && !can_cancel).then(|| view! {
                                                <p class="hint">{t!("appointments-cannot-cancel")}</p>
                                            })}
                                            {arrived.then(|| view! {
                                                <p class="actions"><a class="button button-secondary rate-visit" href=format!("/appointments/{rate_id}/rate")>{t!("evaluation-rate-visit")}</a></p>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }
                    Err(error) => view! {
                        <ErrorNotice error=error on_retry=move || set_attempt.update(|n| *n += 1)/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// Rating a visit to a hall (好差评 of the hall's service), once the hall marked the person in.
#[component]
pub fn RateVisitPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <NeedsAccount>
            <h1>{t!("evaluation-visit-title")}</h1>
            <crate::apply::evaluation::RateCard subject=crate::apply::evaluation::Rated::Visit(id.clone())/>
            <p><a href="/appointments">{t!("appointments-title")}</a></p>
        </NeedsAccount>
    }
}
