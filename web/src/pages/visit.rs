//! "Where to go" on a guide: the best way for this person now (online, or the hall where they
//! would be served soonest), every hall with its state now, distance, hours, phone, directions in
//! their map app and a booking link — measured from the device's location (asked only on "near
//! me", never sent anywhere) or from a district they pick. Core decides; this draws.

use std::sync::OnceLock;

use leptos::prelude::*;
use tongban_core::calendar::WorkCalendar;
use tongban_core::catalog::{Hall, Matter, Region};
use tongban_core::view::{distance_text, hall_kind_text, hours_lines, open_state_text, slot_text};
use tongban_core::visit::{
    first_free_slot, map_links, offset_m, soonest_booking, ways, BestWay, HallChoice, Moment, Point,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::local;
use crate::host::PhoneLink;
use crate::i18n::words;
use crate::store::{api, use_catalog};
use crate::t;

/// The working-day calendar the app ships with (the one the server uses by default).
pub fn calendar() -> &'static WorkCalendar {
    static CALENDAR: OnceLock<WorkCalendar> = OnceLock::new();
    CALENDAR.get_or_init(WorkCalendar::demo)
}

pub fn now() -> Moment {
    Moment::of_timestamp((js_sys::Date::now() / 1000.0) as i64)
}

/// Where distances are measured from.
#[derive(Clone, Debug, PartialEq)]
enum Origin {
    Here(Point),
    District { point: Point, name: String },
}

impl Origin {
    fn point(&self) -> Point {
        match self {
            Self::Here(p) | Self::District { point: p, .. } => *p,
        }
    }
}

/// Asks the device once for its position (coarse, a cached fix up to 5 minutes old is fine).
fn locate(on_found: impl FnOnce(Point) + 'static, on_failed: impl FnOnce() + 'static) {
    let Ok(geo) = window().navigator().geolocation() else {
        on_failed();
        return;
    };
    let failed = std::rc::Rc::new(std::cell::Cell::new(Some(
        Box::new(on_failed) as Box<dyn FnOnce()>
    )));
    let failed_too = failed.clone();
    // The position is read as the plain object it is (web-sys's typed one is an unstable API).
    let ok = Closure::once_into_js(move |pos: JsValue| {
        let number = |obj: &JsValue, key: &str| {
            js_sys::Reflect::get(obj, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
        };
        let coords =
            js_sys::Reflect::get(&pos, &JsValue::from_str("coords")).unwrap_or(JsValue::NULL);
        let p = number(&coords, "latitude")
            .zip(number(&coords, "longitude"))
            .map(|(lat, lon)| Point::new(lat, lon))
            .filter(|p| p.is_valid());
        match p {
            Some(p) => on_found(p),
            None => {
                if let Some(f) = failed_too.take() {
                    f();
                }
            }
        }
    });
    let err = Closure::once_into_js(move |_e: JsValue| {
        if let Some(f) = failed.take() {
            f();
        }
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(false);
    options.set_timeout(10_000);
    options.set_maximum_age(300_000);
    let _ = geo.get_current_position_with_error_callback_and_options(
        ok.unchecked_ref(),
        Some(err.unchecked_ref()),
        &options,
    );
}

#[component]
pub fn WhereToGo(matter: Matter) -> impl IntoView {
    let origin: RwSignal<Option<Origin>> = RwSignal::new(None);
    let locating = RwSignal::new(false);
    let denied = RwSignal::new(false);
    let district_choice = RwSignal::new(String::new());
    let catalog = use_catalog();
    let districts = move || -> Vec<Region> {
        catalog
            .get()
            .and_then(|r| r.ok())
            .map(|store| {
                store
                    .index
                    .regions
                    .iter()
                    .filter(|r| r.centre.is_some() && r.code != "100000")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let near_me = move |_| {
        locating.set(true);
        denied.set(false);
        locate(
            move |p| {
                locating.set(false);
                district_choice.set(String::new());
                origin.set(Some(Origin::Here(p)));
            },
            move || {
                locating.set(false);
                denied.set(true);
            },
        );
    };
    let on_district = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        district_choice.set(code.clone());
        let chosen = districts().into_iter().find(|r| r.code == code);
        origin.set(chosen.and_then(|r| {
            let c = r.centre?;
            Some(Origin::District {
                point: Point::new(c.latitude, c.longitude),
                name: local(&r.name),
            })
        }));
    };
    let matter = StoredValue::new(matter);
    // The server's calendar (days off, make-up working days); the built-in one until it comes,
    // and offline.
    let served = LocalResource::new(|| async {
        api()
            .calendar()
            .await
            .ok()
            .and_then(|f| WorkCalendar::from_file(&f).ok())
    });
    let computed = Memo::new(move |_| {
        let from = origin.get().map(|o| o.point());
        let cal = served.get().flatten();
        matter.with_value(|m| ways(m, from, now(), cal.as_ref().unwrap_or_else(|| calendar())))
    });
    let best = move || {
        let w = computed.get();
        match w.best {
            BestWay::Online => {
                view! { <p class="best-way">{t!("visit-best-online")}</p> }.into_any()
            }
            BestWay::Ask => view! { <p class="best-way">{t!("visit-ask")}</p> }.into_any(),
            BestWay::Hall { index } => {
                let c = &w.halls[index];
                let state = open_state_text(&c.state, now(), &words());
                let distance = c.distance_m.map(|d| distance_text(d, &words()));
                view! {
                    <div class="best-way">
                        <p><strong>{t!("visit-best-hall", hall = local(&c.hall.name))}</strong></p>
                        <p>{state}{distance.map(|d| format!(" · {d}"))}</p>
                        <p class="muted">{t!("visit-best-why")}</p>
                    </div>
                }
                .into_any()
            }
        }
    };
    // Where a time can be booked soonest (预约): each bookable hall's first free place, asked once.
    let first_slots = {
        let (code, halls) = matter.with_value(|m| {
            let halls: Vec<String> = if m.fully_online {
                Vec::new()
            } else {
                m.halls
                    .iter()
                    .filter(|h| h.takes_bookings())
                    .map(|h| h.id.clone())
                    .collect()
            };
            (m.code.clone(), halls)
        });
        LocalResource::new(move || {
            let (code, halls) = (code.clone(), halls.clone());
            async move {
                let mut found = Vec::new();
                for hall in halls {
                    if let Ok(slots) = api().hall_slots(&hall, &code).await {
                        if let Some(at) = first_free_slot(&slots) {
                            found.push((hall, at));
                        }
                    }
                }
                found
            }
        })
    };
    let soonest = {
        let query = leptos_router::hooks::use_query_map();
        move || {
            let slots = first_slots.get()?;
            let w = computed.get();
            let (i, at) = soonest_booking(&w.halls, &slots)?;
            let hall = &w.halls[i].hall;
            let href = book_href(
                &matter.with_value(|m| m.code.clone()),
                &hall.id,
                query.read().get("application").as_deref(),
                query.read().get("for").as_deref(),
            );
            Some(view! {
                <p class="soonest-slot">
                    {t!("visit-soonest-slot", time = slot_text(at.day, at.minute, &words()), hall = local(&hall.name))}" "
                    <a href=href>{t!("visit-book")}</a>
                </p>
            })
        }
    };
    let has_halls = matter.with_value(|m| !m.halls.is_empty());
    let online = matter.with_value(|m| m.fully_online);
    let code = matter.with_value(|m| m.code.clone());
    // Opened from an application that needs a visit: the booking is tied to it.
    let query = leptos_router::hooks::use_query_map();
    let list = move || {
        let code = code.clone();
        let application = query.read().get("application");
        let acting = query.read().get("for");
        computed
            .get()
            .halls
            .into_iter()
            .enumerate()
            .map(|(i, c)| view! {
                <HallItem number=i + 1 choice=c matter_code=code.clone() bookable=!online application=application.clone() acting=acting.clone()/>
            })
            .collect_view()
    };
    let caption = move || {
        origin.get().map(|o| match o {
            Origin::Here(_) => t!("visit-from-here"),
            Origin::District { name, .. } => t!("visit-from-district", region = name),
        })
    };
    // A reviewed provider's map when one is configured; else the schematic (no tiles).
    let map_config = LocalResource::new(|| async { api().map_config().await.ok() });
    let sketch = move || {
        let o = origin.get()?;
        let w = computed.get();
        if w.halls.is_empty() {
            return None;
        }
        let provider = map_config.get().flatten().and_then(|c| c.provider);
        Some(match provider {
            Some(provider) => {
                view! { <super::tiles::TileMap provider=provider origin=o.point() halls=w.halls/> }
                    .into_any()
            }
            None => view! { <Sketch origin=o.point() halls=w.halls/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="where" class="where-to-go">
            <h2 id="where">{t!("visit-heading")}</h2>
            {best}
            {soonest}
            {has_halls.then(|| view! {
                <div class="visit-controls">
                    <button type="button" class="button button-secondary near-me" on:click=near_me>
                        {t!("visit-near-me")}
                    </button>
                    <label class="district">
                        <span>{t!("visit-district")}</span>
                        <select on:change=on_district prop:value=move || district_choice.get()>
                            <option value="">{t!("visit-district-none")}</option>
                            {move || districts().into_iter().map(|r| view! {
                                <option value=r.code.clone()>{local(&r.name)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <p class="hint">{t!("visit-location-note")}</p>
                <p class="live-note" role="status" aria-live="polite">
                    {move || locating.get().then(|| t!("visit-locating"))}
                    {move || denied.get().then(|| t!("visit-location-denied"))}
                    {caption}
                </p>
                {sketch}
                <ol class="halls">{list}</ol>
            })}
        </section>
    }
}

/// Booking a time at `hall` for `matter` (tied to an application, or in someone's name).
fn book_href(matter: &str, hall: &str, application: Option<&str>, acting: Option<&str>) -> String {
    let mut query: Vec<String> = Vec::new();
    if let Some(app) = application {
        query.push(format!("application={}", js_sys::encode_uri_component(app)));
    }
    if let Some(id) = acting {
        query.push(format!("for={}", js_sys::encode_uri_component(id)));
    }
    if query.is_empty() {
        format!("/book/{matter}/{hall}")
    } else {
        format!("/book/{matter}/{hall}?{}", query.join("&"))
    }
}

#[component]
fn HallItem(
    number: usize,
    choice: HallChoice,
    matter_code: String,
    bookable: bool,
    application: Option<String>,
    acting: Option<String>,
) -> impl IntoView {
    let w = words();
    let HallChoice {
        hall,
        distance_m,
        state,
        ..
    } = choice;
    let state_text = open_state_text(&state, now(), &w);
    let open_now = matches!(state, tongban_core::visit::OpenState::Open { .. });
    let distance = distance_m.map(|d| distance_text(d, &w));
    let kind = hall_kind_text(&hall, &w);
    let hours = hall
        .hours
        .as_ref()
        .map(|h| hours_lines(h, &w))
        .unwrap_or_default();
    let links = map_links(Point::new(hall.latitude, hall.longitude), &hall.name.zh);
    let book_href = book_href(
        &matter_code,
        &hall.id,
        application.as_deref(),
        acting.as_deref(),
    );
    let takes_bookings = bookable && hall.takes_bookings();
    let Hall {
        name,
        address,
        phone,
        hours_note,
        ..
    } = hall;
    view! {
        <li class="hall">
            <p class="hall-title">
                <span class="hall-number" aria-hidden="true">{number}</span>
                <strong>{local(&name)}</strong>
                {kind.map(|k| view! { " " <span class="badge">{k}</span> })}
            </p>
            <p class="hall-state" class:hall-open=open_now>
                {state_text}
                {distance.map(|d| view! { " · " <span class="hall-distance">{d}</span> })}
            </p>
            <p>{local(&address)}</p>
            {(!hours.is_empty()).then(|| view! {
                <ul class="hall-hours">
                    {hours.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
                <p class="muted">{t!("hall-hours-note")}</p>
            })}
            {hours_note.map(|n| view! { <p class="muted">{local(&n)}</p> })}
            <p class="actions">
                {takes_bookings.then(|| view! {
                    <a class="button book-link" href=book_href>{t!("visit-book")}</a>
                })}
                {(!phone.is_empty()).then(|| {
                    let label = t!("service-point-call", phone = phone.clone());
                    view! { <PhoneLink class="button button-secondary" number=phone.clone()>{label}</PhoneLink> }
                })}
            </p>
            <details class="navigate">
                <summary>{t!("visit-navigate")}</summary>
                <ul class="navigate-links">
                    <li><a href=links.amap rel="noopener" target="_blank">{t!("visit-navigate-amap")}</a></li>
                    <li><a href=links.baidu rel="noopener" target="_blank">{t!("visit-navigate-baidu")}</a></li>
                    <li><a href=links.apple rel="noopener" target="_blank">{t!("visit-navigate-apple")}</a></li>
                    <li><a href=links.geo>{t!("visit-navigate-other")}</a></li>
                </ul>
            </details>
        </li>
    }
}

/// A round number of metres for a scale bar no longer than `max`.
fn scale_step(max: f64) -> f64 {
    let mut step = 10f64.powf(max.max(1.0).log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if step * m <= max {
            step *= m;
            break;
        }
    }
    step
}

/// Points around the person, to scale, numbered as the list is; no map tiles (maps shown in
/// China need a reviewed provider, which is configuration the deployment brings).
#[component]
fn Sketch(origin: Point, halls: Vec<HallChoice>) -> impl IntoView {
    let w = words();
    let offsets: Vec<(f64, f64)> = halls
        .iter()
        .map(|c| offset_m(origin, Point::new(c.hall.latitude, c.hall.longitude)))
        .collect();
    let reach = offsets
        .iter()
        .map(|(e, n)| (e * e + n * n).sqrt())
        .fold(200.0f64, f64::max)
        * 1.15;
    let px = |m: f64| m / reach * 90.0;
    let step = scale_step(reach / 2.0);
    let bar = px(step);
    let dots = offsets
        .iter()
        .enumerate()
        .map(|(i, (e, n))| {
            let (x, y) = (px(*e), -px(*n));
            view! {
                <g class="sketch-hall">
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="6"/>
                    <text x=format!("{x:.1}") y=format!("{:.1}", y + 3.5) text-anchor="middle">{i + 1}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="sketch">
            <svg viewBox="-100 -100 200 200" role="img" aria-label=t!("visit-map-label")>
                <circle class="sketch-ring" cx="0" cy="0" r=format!("{:.1}", px(step))/>
                <circle class="sketch-you" cx="0" cy="0" r="5"/>
                <text class="sketch-you-label" x="0" y="-9" text-anchor="middle">{t!("visit-map-you")}</text>
                {dots}
                <line class="sketch-scale" x1="-92" y1="92" x2=format!("{:.1}", -92.0 + bar) y2="92"/>
                <text class="sketch-scale-label" x="-92" y="86">{distance_text(step, &w)}</text>
            </svg>
            <figcaption class="muted">{t!("visit-map-label")}</figcaption>
        </figure>
    }
}
