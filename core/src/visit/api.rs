//! The booking API's types (`/api/v1/halls/{id}/slots`, `/api/v1/me/appointments`, the
//! workbench's day at a hall), the same for every shell.

use serde::{Deserialize, Serialize};

use crate::calendar::Day;
use crate::model::LocalizedText;

/// One half-hour slot and the places left in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotPlaces {
    /// Minutes from midnight (China time) the slot starts at.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1439))]
    pub start: u16,
    pub left: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotsOfDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-03"))]
    pub day: Day,
    pub slots: Vec<SlotPlaces>,
}

/// `GET /api/v1/halls/{id}/slots?matter=`: the bookable days from tomorrow on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HallSlots {
    pub hall_id: String,
    pub matter_code: String,
    pub days: Vec<SlotsOfDay>,
}

/// `POST /api/v1/me/appointments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAppointment {
    pub hall_id: String,
    pub matter_code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-03"))]
    pub day: Day,
    /// The slot's start, minutes from midnight.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1439))]
    pub start: u16,
    /// The application the visit is for, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    /// The hall marked the person arrived.
    Arrived,
    /// The day passed and nobody came (counts towards the no-show limit).
    Missed,
}

impl AppointmentStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Cancelled => "cancelled",
            Self::Arrived => "arrived",
            Self::Missed => "missed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Booked, Self::Cancelled, Self::Arrived, Self::Missed]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::Booked => "appointment-booked",
            Self::Cancelled => "appointment-cancelled",
            Self::Arrived => "appointment-arrived",
            Self::Missed => "appointment-missed",
        }
    }
}

/// A booking as its holder sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: String,
    /// What the person shows at the hall (as text and as a QR code).
    pub code: String,
    pub hall_id: String,
    pub hall: LocalizedText,
    pub address: LocalizedText,
    pub latitude: f64,
    pub longitude: f64,
    pub matter_code: String,
    pub matter: LocalizedText,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-03"))]
    pub day: Day,
    pub start: u16,
    pub status: AppointmentStatus,
    /// Whether it can still be cancelled (until 2 hours before).
    pub can_cancel: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
}

/// `GET /api/v1/me/appointments`: upcoming first, then past ones; and whether missed bookings
/// block booking now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentList {
    pub items: Vec<Appointment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub blocked_until: Option<Day>,
}

/// One booking on a hall's day, as the hall's staff see it: no name, the code the person shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HallBooking {
    pub id: String,
    pub code: String,
    pub matter_code: String,
    pub matter: LocalizedText,
    pub start: u16,
    pub status: AppointmentStatus,
}

/// `GET /api/v1/staff/halls/{id}/appointments?day=`: a day's bookings of the staff member's
/// department at a hall, by time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HallDay {
    pub hall_id: String,
    pub hall: LocalizedText,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-12-03"))]
    pub day: Day,
    pub items: Vec<HallBooking>,
}

/// `POST /api/v1/staff/halls/{id}/arrivals`: the code the person shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Arrival {
    pub code: String,
}

/// A hall a staff member's department serves at (for the workbench's picker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffHall {
    pub id: String,
    pub name: LocalizedText,
}
