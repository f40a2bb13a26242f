//! The client's calls about halls and bookings.

use super::{encode_segment, ApiClient, Method};
use crate::api::ApiError;

impl ApiClient {
    /// The working-day calendar the server counts with.
    pub async fn calendar(&self) -> Result<crate::calendar::CalendarFile, ApiError> {
        self.get_json("/calendar").await
    }

    /// The reviewed map provider the server is configured with, if any.
    pub async fn map_config(&self) -> Result<crate::visit::tiles::MapConfig, ApiError> {
        self.get_json("/map").await
    }

    /// A hall's free places for a matter, from tomorrow on.
    pub async fn hall_slots(
        &self,
        hall_id: &str,
        matter_code: &str,
    ) -> Result<crate::visit::HallSlots, ApiError> {
        let path = format!(
            "/halls/{}/slots?matter={}",
            encode_segment(hall_id),
            encode_segment(matter_code)
        );
        self.get_json(&path).await
    }

    /// The person's bookings, upcoming first.
    pub async fn appointments(&self) -> Result<crate::visit::AppointmentList, ApiError> {
        self.get_json("/me/appointments").await
    }

    /// Books a slot at a hall.
    pub async fn book(
        &self,
        new: &crate::visit::NewAppointment,
    ) -> Result<crate::visit::Appointment, ApiError> {
        self.send_json(Method::Post, "/me/appointments", Some(new))
            .await
    }

    /// Cancels one of the person's bookings.
    pub async fn cancel_appointment(
        &self,
        id: &str,
    ) -> Result<crate::visit::Appointment, ApiError> {
        let path = format!("/me/appointments/{}/cancel", encode_segment(id));
        self.send_json(Method::Post, &path, None::<&()>).await
    }

    /// Staff: the halls their department serves at.
    pub async fn staff_halls(&self) -> Result<Vec<crate::visit::StaffHall>, ApiError> {
        self.get_json("/staff/halls").await
    }

    /// Staff: a day's bookings at a hall (today without a day).
    pub async fn staff_hall_day(
        &self,
        hall_id: &str,
        day: Option<crate::calendar::Day>,
    ) -> Result<crate::visit::HallDay, ApiError> {
        let mut path = format!("/staff/halls/{}/appointments", encode_segment(hall_id));
        if let Some(day) = day {
            path.push_str(&format!("?day={day}"));
        }
        self.get_json(&path).await
    }

    /// Staff: marks the person showing this booking code arrived.
    pub async fn staff_mark_arrived(
        &self,
        hall_id: &str,
        code: &str,
    ) -> Result<crate::visit::HallBooking, ApiError> {
        let path = format!("/staff/halls/{}/arrivals", encode_segment(hall_id));
        let body = crate::visit::Arrival {
            code: code.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&body)).await
    }
}
