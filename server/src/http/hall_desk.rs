//! A hall's day as its staff see it: the bookings of their department's matters, by time, and
//! arrivals marked by the code the person shows. Which halls a staff member reaches is decided in
//! `access.rs` (`StaffMember::hall`).

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::catalog::Hall;
use tongban_core::visit::{Arrival, HallBooking, HallDay, StaffHall};

use super::appointments::Names;
use crate::access::{Owned, StaffMember};
use crate::audit::Outcome;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::AppointmentRow;

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/halls", get(staff_halls))
        .route("/staff/halls/{id}/appointments", get(hall_day))
        .route("/staff/halls/{id}/arrivals", post(arrive))
}

/// The halls the staff member's department serves at.
pub(crate) async fn halls_of(state: &AppState, staff: &StaffMember) -> Result<Vec<Hall>> {
    let department = state
        .store
        .department(&staff.department_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut halls = Vec::new();
    for id in &department.halls {
        if let Some(h) = state.store.hall(id).await? {
            halls.push(h);
        }
    }
    Ok(halls)
}

/// The halls where the staff member's department serves (for the workbench's picker).
#[utoipa::path(
    get,
    path = "/api/v1/staff/halls",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "The department's halls", body = Vec<StaffHall>))
)]
pub async fn staff_halls(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<Vec<StaffHall>>> {
    Ok(Json(
        halls_of(&state, &staff)
            .await?
            .into_iter()
            .map(|h| StaffHall {
                id: h.id,
                name: h.name,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParams {
    /// `YYYY-MM-DD`; today without it.
    #[param(value_type = Option<String>, format = Date)]
    pub day: Option<Day>,
}

async fn hall_booking(
    state: &AppState,
    names: &mut Names,
    row: &AppointmentRow,
    today: Day,
) -> Result<HallBooking> {
    let matter = names.matter(state, &row.matter_code).await?;
    Ok(HallBooking {
        id: row.id.clone(),
        code: row.code.clone(),
        matter_code: row.matter_code.clone(),
        matter: matter.map_or_else(
            || tongban_core::LocalizedText {
                zh: row.matter_code.clone(),
                en: None,
            },
            |m| m.name.clone(),
        ),
        start: row.start_minute,
        status: row.status(today),
    })
}

/// A day's bookings at a hall for the staff member's department's matters, by time.
#[utoipa::path(
    get,
    path = "/api/v1/staff/halls/{id}/appointments",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The hall's id"), DayParams),
    responses(
        (status = 200, description = "By time", body = HallDay),
        (status = 404, description = "Not a hall of this department", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn hall_day(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Query(params): Query<DayParams>,
) -> Result<Json<HallDay>> {
    let today = Day::of_timestamp(state.auth.now());
    let hall = staff.hall(&state, AuditAction::HallDayRead, &id).await?;
    let day = params.day.unwrap_or(today);
    let rows = state
        .store
        .hall_day(&hall.id, &staff.department_id, day)
        .await?;
    let mut names = Names::default();
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(hall_booking(&state, &mut names, row, today).await?);
    }
    state
        .audit(
            &staff.actor(),
            AuditAction::HallDayRead,
            &format!("hall:{}:{day}", hall.id),
            Outcome::Ok,
            &staff.ip,
        )
        .await?;
    Ok(Json(HallDay {
        hall_id: hall.id,
        hall: hall.name,
        day,
        items,
    }))
}

/// Marks the person with this booking code arrived (today, at this hall, for one of the
/// department's matters).
#[utoipa::path(
    post,
    path = "/api/v1/staff/halls/{id}/arrivals",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The hall's id")),
    request_body = Arrival,
    responses(
        (status = 200, description = "Arrived", body = HallBooking),
        (status = 404, description = "No booking with this code here today", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn arrive(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(arrival): Json<Arrival>,
) -> Result<Json<HallBooking>> {
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let hall = staff.hall(&state, AuditAction::ArrivalMarked, &id).await?;
    let code = arrival.code.trim().to_uppercase();
    let row = state
        .store
        .mark_arrived(&hall.id, &staff.department_id, &code, today, now)
        .await?
        .ok_or(AppError::NotFound)?;
    staff
        .audit_for(
            &state,
            Some(&row.account_id),
            row.application_id.as_deref(),
            AuditAction::ArrivalMarked,
            &row.audit_name(),
            Outcome::Ok,
        )
        .await?;
    Ok(Json(
        hall_booking(&state, &mut Names::default(), &row, today).await?,
    ))
}
