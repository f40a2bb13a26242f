//! Ratings (好差评) as stored: one per application or hall visit, its comment sealed; the
//! departments it counts for; and the rectification items (整改) a bad one opens, each moved by
//! its department's staff (callback, answer) with the person's message in the same transaction.

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::calendar::Day;
use tongban_core::evaluation::{Channel, IndicatorRating, Level, RectificationStatus};
use tongban_core::ids::AccountId;

use super::messages::{insert_message, insert_notification, withdraw_scheduled};
use super::{json_column, open_text, to_json, NewMessage, NewNotification, Store};

#[derive(Clone, Debug, PartialEq)]
pub struct EvaluationRow {
    pub id: String,
    /// `application:<id>` or `visit:<appointment id>`: one rating each.
    pub subject: String,
    pub account_id: AccountId,
    pub application_id: Option<String>,
    pub appointment_id: Option<String>,
    pub hall_id: Option<String>,
    pub channel: Channel,
    pub overall: Level,
    pub indicators: Vec<IndicatorRating>,
    pub comment: String,
    /// The first level, once the person rated again.
    pub first_overall: Option<Level>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RectificationRow {
    pub id: String,
    pub evaluation_id: String,
    pub department_id: String,
    pub status: RectificationStatus,
    pub callback_by: Day,
    pub answer_by: Day,
    pub callback_note: Option<String>,
    pub called_back_at: Option<i64>,
    pub called_back_by: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    pub answered_by: Option<String>,
}

/// A first rating with what it brings.
pub struct NewRating<'a> {
    pub row: &'a EvaluationRow,
    pub departments: &'a [String],
    pub rectifications: &'a [RectificationRow],
    /// The scheduled invitation to withdraw (the ids it starts with), now that it is rated.
    pub withdraw: Option<&'a str>,
}

/// A rectification item's step, by a staff member.
pub struct RectificationStep<'a> {
    pub id: &'a str,
    pub to: RectificationStatus,
    pub text: &'a str,
    pub staff_id: &'a str,
    pub at: i64,
    pub messages: &'a [NewMessage],
    pub notifications: &'a [NewNotification],
}

const EVALUATION_COLUMNS: &str = "e.id, e.subject, e.account_id, e.application_id,
    e.appointment_id, e.hall_id, e.channel, e.overall, e.indicators_json, e.comment,
    e.first_overall, e.created_at, e.updated_at";

const RECTIFICATION_COLUMNS: &str = "r.id AS r_id, r.evaluation_id, r.department_id, r.status,
    r.callback_by, r.answer_by, r.callback_note, r.called_back_at, r.called_back_by, r.answer,
    r.answered_at, r.answered_by";

fn decoded<T>(column: &str, raw: &str, value: Option<T>) -> Result<T, sqlx::Error> {
    value.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown value {raw:?}").into(),
    })
}

fn level(column: &str, raw: &str) -> Result<Level, sqlx::Error> {
    decoded(column, raw, Level::from_code(raw))
}

impl Store {
    fn evaluation_from(&self, r: &AnyRow) -> Result<EvaluationRow, sqlx::Error> {
        let channel: String = r.try_get("channel")?;
        let overall: String = r.try_get("overall")?;
        let first: Option<String> = r.try_get("first_overall")?;
        let indicators: String = r.try_get("indicators_json")?;
        let comment: String = r.try_get("comment")?;
        Ok(EvaluationRow {
            id: r.try_get("id")?,
            subject: r.try_get("subject")?,
            account_id: AccountId::new(r.try_get::<String, _>("account_id")?),
            application_id: r.try_get("application_id")?,
            appointment_id: r.try_get("appointment_id")?,
            hall_id: r.try_get("hall_id")?,
            channel: decoded("channel", &channel, Channel::from_code(&channel))?,
            overall: level("overall", &overall)?,
            indicators: json_column("indicators_json", &indicators)?,
            comment: open_text(self.vault(), "evaluations.comment", &comment)?,
            first_overall: first.map(|f| level("first_overall", &f)).transpose()?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }

    /// The rating of `subject`, if it was rated.
    pub async fn evaluation(&self, subject: &str) -> Result<Option<EvaluationRow>, sqlx::Error> {
        let sql = format!("SELECT {EVALUATION_COLUMNS} FROM evaluations e WHERE e.subject = $1");
        let row = sqlx::query(&sql)
            .bind(subject)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| self.evaluation_from(&r)).transpose()
    }

    /// The rectification items a rating opened.
    pub async fn rectifications_of(
        &self,
        evaluation_id: &str,
    ) -> Result<Vec<RectificationRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {RECTIFICATION_COLUMNS} FROM rectifications r
             WHERE r.evaluation_id = $1 ORDER BY r.department_id"
        );
        sqlx::query(&sql)
            .bind(evaluation_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(rectification_from)
            .collect()
    }

    /// Stores a first rating, the departments it counts for and its rectification items, and
    /// withdraws the invitation still scheduled. False when the subject was rated meanwhile.
    pub async fn put_evaluation(&self, new: NewRating<'_>, now: i64) -> Result<bool, sqlx::Error> {
        let e = new.row;
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO evaluations (id, subject, account_id, application_id, appointment_id,
                 hall_id, channel, overall, indicators_json, comment, first_overall, created_at,
                 updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $11)
             ON CONFLICT (subject) DO NOTHING",
        )
        .bind(&e.id)
        .bind(&e.subject)
        .bind(e.account_id.as_str())
        .bind(e.application_id.as_deref())
        .bind(e.appointment_id.as_deref())
        .bind(e.hall_id.as_deref())
        .bind(e.channel.code())
        .bind(e.overall.code())
        .bind(to_json(&e.indicators)?)
        .bind(self.vault().seal("evaluations.comment", &e.comment))
        .bind(e.created_at)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        for department in new.departments {
            sqlx::query(
                "INSERT INTO evaluation_departments (evaluation_id, department_id) VALUES ($1, $2)",
            )
            .bind(&e.id)
            .bind(department)
            .execute(&mut *tx)
            .await?;
        }
        for r in new.rectifications {
            sqlx::query(
                "INSERT INTO rectifications (id, evaluation_id, department_id, status,
                     callback_by, answer_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&r.id)
            .bind(&r.evaluation_id)
            .bind(&r.department_id)
            .bind(r.status.code())
            .bind(r.callback_by.0)
            .bind(r.answer_by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(prefix) = new.withdraw {
            withdraw_scheduled(&mut tx, prefix, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The one re-rating: the new level, indicators and comment, the first level kept, and the
    /// answered items closed. False when it was re-rated meanwhile or an item is not answered.
    pub async fn rerate(&self, e: &EvaluationRow, now: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let waiting = sqlx::query(
            "SELECT COUNT(*) AS n FROM rectifications WHERE evaluation_id = $1 AND status <> 'answered'",
        )
        .bind(&e.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?;
        if waiting > 0 {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE evaluations
             SET first_overall = overall, overall = $1, indicators_json = $2, comment = $3,
                 updated_at = $4
             WHERE id = $5 AND first_overall IS NULL",
        )
        .bind(e.overall.code())
        .bind(to_json(&e.indicators)?)
        .bind(self.vault().seal("evaluations.comment", &e.comment))
        .bind(now)
        .bind(&e.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE rectifications SET status = 'closed', updated_at = $1 WHERE evaluation_id = $2",
        )
        .bind(now)
        .bind(&e.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A department's rectification items with their ratings, deadline first.
    pub async fn department_rectifications(
        &self,
        department_id: &str,
    ) -> Result<Vec<(RectificationRow, EvaluationRow)>, sqlx::Error> {
        let sql = format!(
            "SELECT {RECTIFICATION_COLUMNS}, {EVALUATION_COLUMNS}
             FROM rectifications r JOIN evaluations e ON e.id = r.evaluation_id
             WHERE r.department_id = $1 ORDER BY r.answer_by, r.created_at"
        );
        let rows = sqlx::query(&sql)
            .bind(department_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((rectification_from(r)?, self.evaluation_from(r)?)))
            .collect()
    }

    pub async fn rectification(
        &self,
        id: &str,
    ) -> Result<Option<(RectificationRow, EvaluationRow)>, sqlx::Error> {
        let sql = format!(
            "SELECT {RECTIFICATION_COLUMNS}, {EVALUATION_COLUMNS}
             FROM rectifications r JOIN evaluations e ON e.id = r.evaluation_id WHERE r.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((rectification_from(&r)?, self.evaluation_from(&r)?)))
            .transpose()
    }

    /// Records the callback (from open) or the answer (from open or called back), with what it
    /// tells the person. False when the item had moved past that.
    pub async fn rectification_step(&self, s: RectificationStep<'_>) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let done = match s.to {
            RectificationStatus::CalledBack => sqlx::query(
                "UPDATE rectifications
                 SET status = 'called-back', callback_note = $1, called_back_at = $2,
                     called_back_by = $3, updated_at = $2
                 WHERE id = $4 AND status = 'open'",
            ),
            RectificationStatus::Answered => sqlx::query(
                "UPDATE rectifications
                 SET status = 'answered', answer = $1, answered_at = $2, answered_by = $3,
                     updated_at = $2
                 WHERE id = $4 AND status IN ('open', 'called-back')",
            ),
            _ => return Ok(false),
        }
        .bind(s.text)
        .bind(s.at)
        .bind(s.staff_id)
        .bind(s.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        for m in s.messages {
            insert_message(&mut tx, m).await?;
        }
        for n in s.notifications {
            insert_notification(&mut tx, n).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Ratings by department and level: (department, level, count).
    pub async fn ratings_by_department(&self) -> Result<Vec<(String, Level, u32)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT d.department_id AS g, e.overall AS overall, COUNT(*) AS n
             FROM evaluations e JOIN evaluation_departments d ON d.evaluation_id = e.id
             GROUP BY d.department_id, e.overall",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(group_count).collect()
    }

    /// Ratings of hall visits by hall and level.
    pub async fn ratings_by_hall(&self) -> Result<Vec<(String, Level, u32)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT e.hall_id AS g, e.overall AS overall, COUNT(*) AS n FROM evaluations e
             WHERE e.hall_id IS NOT NULL GROUP BY e.hall_id, e.overall",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(group_count).collect()
    }

    /// Every rectification's department, hall (of a visit), deadline and answer time.
    pub async fn rectification_outcomes(
        &self,
    ) -> Result<Vec<(String, Option<String>, Day, Option<i64>)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT r.department_id, e.hall_id, r.answer_by, r.answered_at
             FROM rectifications r JOIN evaluations e ON e.id = r.evaluation_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("department_id")?,
                    r.try_get("hall_id")?,
                    Day(r.try_get("answer_by")?),
                    r.try_get("answered_at")?,
                ))
            })
            .collect()
    }

    /// Every completed case: its deciding department, when it was made and completed, and its
    /// promised working days.
    pub async fn completed_cases(&self) -> Result<Vec<(String, i64, i64, i64)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT c.department_id, c.created_at, c.promised_days, MIN(ev.at) AS completed_at
             FROM cases c JOIN application_events ev ON ev.case_id = c.id AND ev.status = 'completed'
             WHERE c.status = 'completed'
             GROUP BY c.id, c.department_id, c.created_at, c.promised_days",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("department_id")?,
                    r.try_get("created_at")?,
                    r.try_get("completed_at")?,
                    r.try_get("promised_days")?,
                ))
            })
            .collect()
    }
}

fn group_count(r: &AnyRow) -> Result<(String, Level, u32), sqlx::Error> {
    let overall: String = r.try_get("overall")?;
    Ok((
        r.try_get("g")?,
        level("overall", &overall)?,
        u32::try_from(r.try_get::<i64, _>("n")?).unwrap_or(u32::MAX),
    ))
}

fn rectification_from(r: &AnyRow) -> Result<RectificationRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(RectificationRow {
        id: r.try_get("r_id")?,
        evaluation_id: r.try_get("evaluation_id")?,
        department_id: r.try_get("department_id")?,
        status: decoded("status", &status, RectificationStatus::from_code(&status))?,
        callback_by: Day(r.try_get("callback_by")?),
        answer_by: Day(r.try_get("answer_by")?),
        callback_note: r.try_get("callback_note")?,
        called_back_at: r.try_get("called_back_at")?,
        called_back_by: r.try_get("called_back_by")?,
        answer: r.try_get("answer")?,
        answered_at: r.try_get("answered_at")?,
        answered_by: r.try_get("answered_by")?,
    })
}
