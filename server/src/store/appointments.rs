//! Halls as stored, and appointments (预约): the places taken per slot, bookings, cancellations
//! and arrivals. A place is taken by raising the slot's count only while it is below capacity,
//! in the booking's transaction: on SQLite the write lock serialises bookings, on PostgreSQL
//! the row lock the `UPDATE` takes makes a second booker re-read the count — so the last place
//! goes to exactly one person on both.

use sqlx::Row;
use tongban_core::calendar::Day;
use tongban_core::catalog::Hall;
use tongban_core::ids::AccountId;
use tongban_core::visit::AppointmentStatus;

use super::messages::{insert_message, insert_notification, NewMessage, NewNotification};
use super::{is_unique_violation, json_column, to_json, Store};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentRow {
    pub id: String,
    pub code: String,
    pub account_id: AccountId,
    pub hall_id: String,
    pub matter_code: String,
    pub department_id: String,
    pub application_id: Option<String>,
    pub day: Day,
    pub start_minute: u16,
    /// As stored: `booked` stays `booked` after its day; `AppointmentRow::status` says missed.
    pub stored_status: AppointmentStatus,
    pub created_at: i64,
    /// Who booked it for the person under a mandate.
    pub agent_id: Option<AccountId>,
}

impl AppointmentRow {
    /// Its status on `today`: a booking whose day has passed without an arrival was missed.
    pub fn status(&self, today: Day) -> AppointmentStatus {
        match self.stored_status {
            AppointmentStatus::Booked if self.day < today => AppointmentStatus::Missed,
            s => s,
        }
    }
}

/// A booking to make, with what it tells the person (the confirmation now, the reminder later).
pub struct NewBooking {
    pub row: AppointmentRow,
    pub capacity: u32,
    pub messages: Vec<NewMessage>,
    pub notifications: Vec<NewNotification>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Booked {
    Done,
    /// Every place in the slot is taken.
    Full,
    /// The person already holds a booking at this hall that day.
    OneADay,
}

const COLUMNS: &str = "id, code, account_id, hall_id, matter_code, department_id, application_id,
     day, start_minute, status, created_at, agent_id";

fn row_of(r: &sqlx::any::AnyRow) -> Result<AppointmentRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(AppointmentRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        account_id: AccountId::new(r.try_get::<String, _>("account_id")?),
        hall_id: r.try_get("hall_id")?,
        matter_code: r.try_get("matter_code")?,
        department_id: r.try_get("department_id")?,
        application_id: r.try_get("application_id")?,
        day: Day(r.try_get("day")?),
        start_minute: r.try_get::<i64, _>("start_minute")? as u16,
        stored_status: AppointmentStatus::from_code(&status).ok_or_else(|| {
            sqlx::Error::ColumnDecode {
                index: "status".into(),
                source: format!("unknown status {status:?}").into(),
            }
        })?,
        created_at: r.try_get("created_at")?,
        agent_id: r
            .try_get::<Option<String>, _>("agent_id")?
            .map(AccountId::new),
    })
}

/// Replaces the halls with the catalog's (inside the import's transaction).
pub(super) async fn put_halls(tx: &mut super::WriteTx, halls: &[Hall]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM halls").execute(&mut **tx).await?;
    for h in halls {
        sqlx::query("INSERT INTO halls (id, hall_json) VALUES ($1, $2)")
            .bind(&h.id)
            .bind(to_json(h)?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Every hall the catalog publishes, by id.
    pub async fn all_halls(&self) -> Result<Vec<Hall>, sqlx::Error> {
        sqlx::query("SELECT hall_json FROM halls ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| json_column("hall_json", &r.try_get::<String, _>("hall_json")?))
            .collect()
    }

    pub async fn hall(&self, id: &str) -> Result<Option<Hall>, sqlx::Error> {
        let row = sqlx::query("SELECT hall_json FROM halls WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| json_column("hall_json", &r.try_get::<String, _>("hall_json")?))
            .transpose()
    }

    /// Places taken in each slot of a hall's day for a matter: (start minute, booked).
    pub async fn slot_counts(
        &self,
        hall_id: &str,
        matter_code: &str,
        days: &[Day],
    ) -> Result<Vec<(Day, u16, u32)>, sqlx::Error> {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT day, start_minute, booked FROM slot_counts
             WHERE hall_id = $1 AND matter_code = $2 AND day >= $3 AND day <= $4",
        )
        .bind(hall_id)
        .bind(matter_code)
        .bind(first.0)
        .bind(last.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    Day(r.try_get("day")?),
                    r.try_get::<i64, _>("start_minute")? as u16,
                    r.try_get::<i64, _>("booked")? as u32,
                ))
            })
            .collect()
    }

    /// Takes a place and records the booking and its messages, all or nothing.
    pub async fn book(&self, b: &NewBooking) -> Result<Booked, sqlx::Error> {
        let r = &b.row;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO slot_counts (hall_id, matter_code, day, start_minute, booked)
             VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING",
        )
        .bind(&r.hall_id)
        .bind(&r.matter_code)
        .bind(r.day.0)
        .bind(i64::from(r.start_minute))
        .execute(&mut *tx)
        .await?;
        let taken = sqlx::query(
            "UPDATE slot_counts SET booked = booked + 1
             WHERE hall_id = $1 AND matter_code = $2 AND day = $3 AND start_minute = $4
               AND booked < $5",
        )
        .bind(&r.hall_id)
        .bind(&r.matter_code)
        .bind(r.day.0)
        .bind(i64::from(r.start_minute))
        .bind(i64::from(b.capacity))
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            return Ok(Booked::Full);
        }
        let inserted = sqlx::query(
            "INSERT INTO appointments (id, code, account_id, hall_id, matter_code, department_id,
                 application_id, day, start_minute, status, created_at, updated_at, agent_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'booked', $10, $10, $11)",
        )
        .bind(&r.id)
        .bind(&r.code)
        .bind(r.account_id.as_str())
        .bind(&r.hall_id)
        .bind(&r.matter_code)
        .bind(&r.department_id)
        .bind(r.application_id.as_deref())
        .bind(r.day.0)
        .bind(i64::from(r.start_minute))
        .bind(r.created_at)
        .bind(r.agent_id.as_ref().map(|a| a.as_str()))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // The one-a-day index (a code clash is as good as impossible and reads the same).
            Err(e) if is_unique_violation(&e) => return Ok(Booked::OneADay),
            Err(e) => return Err(e),
        }
        for m in &b.messages {
            insert_message(&mut tx, m).await?;
        }
        for n in &b.notifications {
            insert_notification(&mut tx, n).await?;
        }
        tx.commit().await?;
        Ok(Booked::Done)
    }

    pub async fn appointments_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<AppointmentRow>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM appointments WHERE account_id = $1
             ORDER BY day DESC, start_minute DESC LIMIT 200"
        ))
        .bind(account.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_of).collect()
    }

    pub async fn appointment(&self, id: &str) -> Result<Option<AppointmentRow>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM appointments WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(row_of).transpose()
    }

    /// The days of the person's missed bookings since `since` (booked, day passed, not arrived).
    pub async fn missed_days(
        &self,
        account: &AccountId,
        since: Day,
        today: Day,
    ) -> Result<Vec<Day>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT day FROM appointments
             WHERE account_id = $1 AND status = 'booked' AND day >= $2 AND day < $3",
        )
        .bind(account.as_str())
        .bind(since.0)
        .bind(today.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(Day(r.try_get("day")?))).collect()
    }

    /// Cancels a booking that is still booked: frees its place and withdraws its reminder (the
    /// messages and texts whose ids start with `reminder_prefix`) not yet due. False when it was no longer booked.
    pub async fn cancel_appointment(
        &self,
        row: &AppointmentRow,
        reminder_prefix: &str,
        message: &NewMessage,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE appointments SET status = 'cancelled', updated_at = $1
             WHERE id = $2 AND status = 'booked'",
        )
        .bind(now)
        .bind(&row.id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE slot_counts SET booked = booked - 1
             WHERE hall_id = $1 AND matter_code = $2 AND day = $3 AND start_minute = $4
               AND booked > 0",
        )
        .bind(&row.hall_id)
        .bind(&row.matter_code)
        .bind(row.day.0)
        .bind(i64::from(row.start_minute))
        .execute(&mut *tx)
        .await?;
        super::messages::withdraw_scheduled(&mut tx, reminder_prefix, now).await?;
        insert_message(&mut tx, message).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A hall's bookings on a day for one department's matters, by time.
    pub async fn hall_day(
        &self,
        hall_id: &str,
        department_id: &str,
        day: Day,
    ) -> Result<Vec<AppointmentRow>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM appointments
             WHERE hall_id = $1 AND department_id = $2 AND day = $3 AND status <> 'cancelled'
             ORDER BY start_minute, created_at"
        ))
        .bind(hall_id)
        .bind(department_id)
        .bind(day.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_of).collect()
    }

    /// Marks the booking with this code at this hall, today, for this department's matters,
    /// arrived; the booking when it was (or already is) arrived.
    pub async fn mark_arrived(
        &self,
        hall_id: &str,
        department_id: &str,
        code: &str,
        day: Day,
        now: i64,
    ) -> Result<Option<AppointmentRow>, sqlx::Error> {
        sqlx::query(
            "UPDATE appointments SET status = 'arrived', updated_at = $1
             WHERE hall_id = $2 AND department_id = $3 AND code = $4 AND day = $5
               AND status = 'booked'",
        )
        .bind(now)
        .bind(hall_id)
        .bind(department_id)
        .bind(code)
        .bind(day.0)
        .execute(self.pool())
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM appointments
             WHERE hall_id = $1 AND department_id = $2 AND code = $3 AND day = $4
               AND status = 'arrived'"
        ))
        .bind(hall_id)
        .bind(department_id)
        .bind(code)
        .bind(day.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_of).transpose()
    }
}
