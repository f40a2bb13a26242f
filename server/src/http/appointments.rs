//! Appointments (预约): a hall's free slots for a matter and a person's bookings (book, list,
//! cancel). A hall's day as its staff see it is `hall_desk`. The rules are core's
//! (`visit::booking`); the limits are the region's configuration.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tongban_core::audit::AuditAction;
use tongban_core::auth::RealNameLevel;
use tongban_core::calendar::Day;
use tongban_core::catalog::{Hall, Matter};
use tongban_core::message::MessageKind;
use tongban_core::visit::{
    blocked_until, booking_code, booking_days, can_cancel, check_slot, clock, slot_starts,
    Appointment, AppointmentList, AppointmentStatus, BookingRefusal, BookingRules, HallSlots,
    Moment, NewAppointment, SlotPlaces, SlotsOfDay,
};

use crate::access::{Citizen, Owned};
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::cases::tell;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AppointmentRow, Booked, NewBooking};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/halls/{id}/slots", get(slots))
        .route("/me/appointments", get(mine).post(book))
        .route("/me/appointments/{id}/cancel", post(cancel))
}

/// The region's limits, from the command line or the environment.
#[derive(Clone, Debug, clap::Args)]
pub struct BookingOptions {
    /// The last bookable day, in working days from today.
    #[arg(long, env = "TONGBAN_BOOKING_DAYS_AHEAD", default_value_t = BookingRules::default().working_days_ahead)]
    pub booking_days_ahead: u32,
    /// Bookings can be cancelled until this many minutes before their time.
    #[arg(
        long,
        env = "TONGBAN_BOOKING_CANCEL_BEFORE_MINUTES",
        default_value_t = BookingRules::default().cancel_before_minutes
    )]
    pub booking_cancel_before_minutes: i64,
    /// This many missed bookings…
    #[arg(long, env = "TONGBAN_MISSED_BOOKINGS_LIMIT", default_value_t = BookingRules::default().missed_limit)]
    pub missed_bookings_limit: u32,
    /// …within this many days…
    #[arg(
        long,
        env = "TONGBAN_MISSED_BOOKINGS_WINDOW_DAYS",
        default_value_t = BookingRules::default().missed_within_days
    )]
    pub missed_bookings_window_days: i64,
    /// …block booking for this many days after the last one.
    #[arg(long, env = "TONGBAN_MISSED_BOOKINGS_BLOCK_DAYS", default_value_t = BookingRules::default().blocked_days)]
    pub missed_bookings_block_days: i64,
}

impl Default for BookingOptions {
    fn default() -> Self {
        let r = BookingRules::default();
        Self {
            booking_days_ahead: r.working_days_ahead,
            booking_cancel_before_minutes: r.cancel_before_minutes,
            missed_bookings_limit: r.missed_limit,
            missed_bookings_window_days: r.missed_within_days,
            missed_bookings_block_days: r.blocked_days,
        }
    }
}

impl BookingOptions {
    pub fn rules(&self) -> BookingRules {
        BookingRules {
            working_days_ahead: self.booking_days_ahead,
            cancel_before_minutes: self.booking_cancel_before_minutes,
            missed_limit: self.missed_bookings_limit,
            missed_within_days: self.missed_bookings_window_days,
            blocked_days: self.missed_bookings_block_days,
        }
    }
}

impl Owned for AppointmentRow {
    fn owner(&self) -> Option<&tongban_core::ids::AccountId> {
        Some(&self.account_id)
    }
    fn audit_name(&self) -> String {
        format!("appointment:{}", self.id)
    }
    fn form_id(&self) -> Option<String> {
        Some(self.matter_code.clone())
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotsParams {
    /// The matter to book for (its code).
    pub matter: String,
}

/// The matter and the hall among those handling it, or a 404 for either.
async fn matter_and_hall(state: &AppState, code: &str, hall_id: &str) -> Result<(Matter, Hall)> {
    let matter = state.store.matter(code).await?.ok_or(AppError::NotFound)?;
    let hall = matter
        .halls
        .iter()
        .find(|h| h.id == hall_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((matter, hall))
}

/// A hall's free places for a matter, from tomorrow to the last bookable day.
#[utoipa::path(
    get,
    path = "/api/v1/halls/{id}/slots",
    tag = "appointments",
    params(("id" = String, Path, description = "The hall's id"), SlotsParams),
    responses(
        (status = 200, description = "Each bookable day's slots with the places left", body = HallSlots),
        (status = 404, description = "No such hall handling this matter", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn slots(
    State(state): State<AppState>,
    Path(hall_id): Path<String>,
    Query(params): Query<SlotsParams>,
) -> Result<Json<HallSlots>> {
    let (matter, hall) = matter_and_hall(&state, &params.matter, &hall_id).await?;
    let today = Day::of_timestamp(state.auth.now());
    let days = if matter.fully_online {
        Vec::new()
    } else {
        booking_days(&hall, today, &state.calendar, &state.booking)
    };
    let capacity = hall.booking.as_ref().map_or(0, |b| b.per_half_hour);
    let counts: HashMap<(Day, u16), u32> = state
        .store
        .slot_counts(&hall.id, &matter.code, &days)
        .await?
        .into_iter()
        .map(|(d, s, n)| ((d, s), n))
        .collect();
    let days = days
        .into_iter()
        .map(|day| SlotsOfDay {
            day,
            slots: slot_starts(&hall, day, &state.calendar)
                .into_iter()
                .map(|start| SlotPlaces {
                    start,
                    left: capacity.saturating_sub(counts.get(&(day, start)).copied().unwrap_or(0)),
                })
                .collect(),
        })
        .collect();
    Ok(Json(HallSlots {
        hall_id: hall.id,
        matter_code: matter.code,
        days,
    }))
}

/// Names for bookings: each matter read once.
#[derive(Default)]
pub(super) struct Names {
    matters: HashMap<String, Option<Matter>>,
}

impl Names {
    pub(super) async fn matter(&mut self, state: &AppState, code: &str) -> Result<Option<&Matter>> {
        if !self.matters.contains_key(code) {
            let m = state.store.matter(code).await?;
            self.matters.insert(code.to_owned(), m);
        }
        Ok(self.matters[code].as_ref())
    }
}

async fn appointment_view(
    state: &AppState,
    names: &mut Names,
    row: &AppointmentRow,
    now: i64,
) -> Result<Appointment> {
    let today = Day::of_timestamp(now);
    let status = row.status(today);
    let slot = Moment::new(row.day, row.start_minute);
    let matter = names.matter(state, &row.matter_code).await?;
    let hall = match matter.and_then(|m| m.halls.iter().find(|h| h.id == row.hall_id)) {
        Some(h) => Some(h.clone()),
        // The hall left the matter's guide since: its own record.
        None => state.store.hall(&row.hall_id).await?,
    };
    let text = |zh: &str| tongban_core::LocalizedText {
        zh: zh.to_owned(),
        en: None,
    };
    Ok(Appointment {
        id: row.id.clone(),
        code: row.code.clone(),
        hall_id: row.hall_id.clone(),
        hall: hall
            .as_ref()
            .map_or_else(|| text(&row.hall_id), |h| h.name.clone()),
        address: hall
            .as_ref()
            .map_or_else(|| text(""), |h| h.address.clone()),
        latitude: hall.as_ref().map_or(0.0, |h| h.latitude),
        longitude: hall.as_ref().map_or(0.0, |h| h.longitude),
        matter_code: row.matter_code.clone(),
        matter: matter.map_or_else(|| text(&row.matter_code), |m| m.name.clone()),
        day: row.day,
        start: row.start_minute,
        status,
        can_cancel: status == AppointmentStatus::Booked
            && can_cancel(slot, Moment::of_timestamp(now), &state.booking),
        application_id: row.application_id.clone(),
    })
}

async fn blocked(state: &AppState, citizen: &Citizen, today: Day) -> Result<Option<Day>> {
    let rules = &state.booking;
    let since = Day(today.0 - rules.missed_within_days);
    let missed = state
        .store
        .missed_days(&citizen.account_id, since, today)
        .await?;
    Ok(blocked_until(&missed, today, rules))
}

/// The person's bookings, upcoming first, and whether missed ones block booking.
#[utoipa::path(
    get,
    path = "/api/v1/me/appointments",
    tag = "appointments",
    security(("session" = [])),
    responses(
        (status = 200, description = "Upcoming first, then past ones", body = AppointmentList),
        (status = 401, description = "Not logged in", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<AppointmentList>> {
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let rows = state.store.appointments_of(&citizen.account_id).await?;
    let mut names = Names::default();
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        // An agent sees those of the mandate's matters only.
        if citizen.may_act_on(&state, &row.matter_code).await? {
            items.push(appointment_view(&state, &mut names, row, now).await?);
        }
    }
    // Upcoming (still booked) first, soonest first; then the rest, latest first.
    let (mut upcoming, past): (Vec<Appointment>, Vec<Appointment>) = items
        .into_iter()
        .partition(|a| a.status == AppointmentStatus::Booked);
    upcoming.reverse();
    upcoming.extend(past);
    Ok(Json(AppointmentList {
        items: upcoming,
        blocked_until: blocked(&state, &citizen, today).await?,
    }))
}

fn refused(r: BookingRefusal) -> AppError {
    match r {
        BookingRefusal::Full | BookingRefusal::OneADay => AppError::Conflict(r.code()),
        BookingRefusal::Blocked { .. } => AppError::Forbidden(r.code()),
        BookingRefusal::NotBookable | BookingRefusal::Online => {
            AppError::field("hall_id", r.code())
        }
        BookingRefusal::OutsideWindow => AppError::field("day", r.code()),
        BookingRefusal::NoSuchSlot => AppError::field("start", r.code()),
    }
}

/// The messages a booking brings: the confirmation now and, when it is still ahead, a reminder
/// at 18:00 the day before (its ids derived from the booking's, so a cancellation withdraws it).
async fn booking_messages(
    state: &AppState,
    row: &AppointmentRow,
    hall: &Hall,
    agent: Option<String>,
    now: i64,
) -> Result<NewBookingMessages> {
    let mut params = BTreeMap::new();
    if let Some(agent) = agent {
        params.insert("agent".to_owned(), agent);
    }
    params.insert("hall".to_owned(), hall.name.zh.clone());
    if let Some(en) = &hall.name.en {
        params.insert("hall_en".to_owned(), en.clone());
    }
    params.insert("date".to_owned(), row.day.to_string());
    params.insert("time".to_owned(), clock(row.start_minute));
    params.insert("code".to_owned(), row.code.clone());
    params.insert("appointment".to_owned(), row.id.clone());
    let application = row.application_id.as_deref();
    let (mut messages, mut notifications) = tell(
        state,
        &row.account_id,
        application,
        MessageKind::AppointmentBooked,
        params.clone(),
        now,
    )
    .await?;
    let remind_at = Moment::new(Day(row.day.0 - 1), 18 * 60).timestamp();
    if remind_at > now {
        let (m, n) = tell(
            state,
            &row.account_id,
            application,
            MessageKind::AppointmentReminder,
            params,
            remind_at,
        )
        .await?;
        for (i, mut m) in m.into_iter().enumerate() {
            m.id = format!("{}{i}", reminder_prefix(&row.id));
            messages.push(m);
        }
        for (i, mut n) in n.into_iter().enumerate() {
            n.id = format!("{}sms-{i}", reminder_prefix(&row.id));
            notifications.push(n);
        }
    }
    Ok(NewBookingMessages {
        messages,
        notifications,
    })
}

struct NewBookingMessages {
    messages: Vec<crate::store::NewMessage>,
    notifications: Vec<crate::store::NewNotification>,
}

/// What a booking's reminder ids start with (what cancelling withdraws).
fn reminder_prefix(id: &str) -> String {
    format!("{id}-reminder-")
}

/// Books a slot: for one's own matter (identity verified), tomorrow to the last bookable day,
/// one per hall and day; the last place goes to one person only.
#[utoipa::path(
    post,
    path = "/api/v1/me/appointments",
    tag = "appointments",
    security(("session" = [])),
    request_body = NewAppointment,
    responses(
        (status = 201, description = "Booked", body = Appointment),
        (status = 403, description = "Identity not verified, or missed bookings block booking (`booking-blocked`)", body = tongban_core::api::ErrorBody),
        (status = 404, description = "No such hall handling this matter, or no such application of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "The slot is full (`booking-full`), or a booking at this hall that day exists (`booking-one-a-day`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Not bookable, outside the window, or no such slot (field errors)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn book(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewAppointment>,
) -> Result<(StatusCode, Json<Appointment>)> {
    citizen.require_level(RealNameLevel::IdentityVerified)?;
    citizen
        .require_scope(&state, AuditAction::AppointmentBooked, &new.matter_code)
        .await?;
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let (matter, _) = matter_and_hall(&state, &new.matter_code, &new.hall_id).await?;
    if let Some(id) = &new.application_id {
        let record = state.store.application(id).await?;
        let record = citizen
            .owned(&state, AuditAction::ApplicationRead, record)
            .await?;
        // The visit must be for a matter of that application.
        let catalog = state.catalog.current(&state.store).await?;
        let codes = tongban_core::catalog::FormRef::parse(&record.application.form_id)
            .matter_codes(&catalog.index.bundles)
            .unwrap_or_default();
        if !codes.contains(&matter.code) {
            return Err(AppError::field(
                "application_id",
                "booking-not-for-application",
            ));
        }
    }
    let slot = Moment::new(new.day, new.start);
    let hall = check_slot(
        &matter,
        &new.hall_id,
        slot,
        today,
        &state.calendar,
        &state.booking,
    )
    .map_err(refused)?
    .clone();
    if let Some(until) = blocked(&state, &citizen, today).await? {
        return Err(refused(BookingRefusal::Blocked { until }));
    }
    let id = new_id();
    let row = AppointmentRow {
        code: booking_code(u64::from_le_bytes(crate::vault::random::<8>())),
        account_id: citizen.account_id.clone(),
        hall_id: hall.id.clone(),
        matter_code: matter.code.clone(),
        department_id: matter.department_id.clone(),
        application_id: new.application_id.clone(),
        day: new.day,
        start_minute: new.start,
        stored_status: AppointmentStatus::Booked,
        created_at: now,
        agent_id: citizen.agent_id().cloned(),
        id,
    };
    let agent = citizen.agent_label(&state).await?;
    let told = booking_messages(&state, &row, &hall, agent, now).await?;
    let booked = state
        .store
        .book(&NewBooking {
            row: row.clone(),
            capacity: hall.booking.as_ref().map_or(0, |b| b.per_half_hour),
            messages: told.messages,
            notifications: told.notifications,
        })
        .await?;
    match booked {
        Booked::Done => {}
        Booked::Full => return Err(refused(BookingRefusal::Full)),
        Booked::OneADay => return Err(refused(BookingRefusal::OneADay)),
    }
    state
        .audit(
            &citizen.actor(),
            AuditAction::AppointmentBooked,
            &row.audit_name(),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let view = appointment_view(&state, &mut Names::default(), &row, now).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Cancels one of the person's bookings, until 2 hours before its time.
#[utoipa::path(
    post,
    path = "/api/v1/me/appointments/{id}/cancel",
    tag = "appointments",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking's id")),
    responses(
        (status = 200, description = "Cancelled", body = Appointment),
        (status = 404, description = "No such booking of this person", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Too late to cancel (`booking-too-late-to-cancel`), or not booked any more (`booking-not-booked`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Appointment>> {
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let row = state.store.appointment(&id).await?;
    let row = citizen
        .owned(&state, AuditAction::AppointmentCancelled, row)
        .await?;
    if row.status(today) != AppointmentStatus::Booked {
        return Err(AppError::Conflict("booking-not-booked"));
    }
    let slot = Moment::new(row.day, row.start_minute);
    if !can_cancel(slot, Moment::of_timestamp(now), &state.booking) {
        return Err(AppError::Conflict("booking-too-late-to-cancel"));
    }
    let hall_name = match state.store.hall(&row.hall_id).await? {
        Some(h) => h.name,
        None => tongban_core::LocalizedText {
            zh: row.hall_id.clone(),
            en: None,
        },
    };
    let mut params = BTreeMap::new();
    params.insert("hall".to_owned(), hall_name.zh.clone());
    if let Some(en) = hall_name.en {
        params.insert("hall_en".to_owned(), en);
    }
    params.insert("date".to_owned(), row.day.to_string());
    params.insert("time".to_owned(), clock(row.start_minute));
    params.insert("appointment".to_owned(), row.id.clone());
    let message = crate::store::NewMessage {
        id: new_id(),
        account_id: row.account_id.clone(),
        application_id: row.application_id.clone(),
        kind: MessageKind::AppointmentCancelled,
        params,
        at: now,
    };
    if !state
        .store
        .cancel_appointment(&row, &reminder_prefix(&row.id), &message, now)
        .await?
    {
        return Err(AppError::Conflict("booking-not-booked"));
    }
    state
        .audit(
            &citizen.actor(),
            AuditAction::AppointmentCancelled,
            &row.audit_name(),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let row = state
        .store
        .appointment(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(
        appointment_view(&state, &mut Names::default(), &row, now).await?,
    ))
}
