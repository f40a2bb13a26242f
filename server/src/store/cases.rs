//! Cases as stored: one department's part of an application, its promised date (a calendar day)
//! and its steps (in `application_events`, tagged with the case). Every move writes the case,
//! its step, the application's derived status, and the person's message and notifications in
//! one transaction — so nothing is told that did not happen, and nothing happens untold.

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::application::ApplicationStatus;
use tongban_core::audit::Actor;
use tongban_core::calendar::Certainty;
use tongban_core::case::{application_status, CrossMode, Holder};
use tongban_core::form::Answers;
use tongban_core::ids::AccountId;

use super::messages::{insert_message, insert_notification, NewMessage, NewNotification};
use super::{json_column, open_json, to_json, Moved, Stmt, Store};
use crate::vault::Vault;

#[derive(Clone, Debug, PartialEq)]
pub struct CaseRow {
    pub id: String,
    pub application_id: String,
    pub department_id: String,
    pub receiving_department_id: Option<String>,
    pub holder: Holder,
    pub mode: Option<CrossMode>,
    pub matters: Vec<String>,
    pub answers: Answers,
    pub status: ApplicationStatus,
    pub promised_days: i64,
    /// The promised date (days since 1970-01-01), while the clock runs.
    pub due_day: Option<i64>,
    pub due_certainty: Option<Certainty>,
    /// Working days that were left when the clock stopped for a supplement.
    pub paused_days_left: Option<i64>,
    pub assignee: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A case as a queue lists it, with its application's receipt, form and owner.
#[derive(Clone, Debug)]
pub struct QueueRow {
    pub case: CaseRow,
    pub receipt: String,
    pub form_id: String,
    pub owner: AccountId,
}

/// What a department's queue shows.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery<'a> {
    pub department_id: &'a str,
    /// Only cases at this status; without it, the open ones (not completed or rejected).
    pub status: Option<ApplicationStatus>,
    /// Only cases due on or before this day.
    pub due_by: Option<i64>,
    /// Only cases of this matter.
    pub matter: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub limit: i64,
}

/// One move of a case, with everything that goes with it.
pub struct CaseStep<'a> {
    pub case_id: &'a str,
    pub application_id: &'a str,
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    /// Who holds it after the move.
    pub holder: Holder,
    pub due_day: Option<i64>,
    pub due_certainty: Option<Certainty>,
    pub paused_days_left: Option<i64>,
    pub message: &'a str,
    pub reason: Option<&'a str>,
    pub fields: &'a [String],
    /// The department that made the step.
    pub department_id: &'a str,
    pub actor: &'a Actor,
    pub at: i64,
    pub messages: &'a [NewMessage],
    pub notifications: &'a [NewNotification],
}

/// The person supplied what was asked: the application's answers, and each case that asked.
pub struct Supplied<'a> {
    pub application_id: &'a str,
    pub answers: &'a Answers,
    pub steps: Vec<CaseStep<'a>>,
    /// Each case's new part of the answers.
    pub case_answers: Vec<(&'a str, Answers)>,
}

const CASE_COLUMNS: &str = "c.id, c.application_id, c.department_id, c.receiving_department_id,
    c.holder, c.mode, c.matters_json, c.answers_json, c.status, c.promised_days, c.due_day,
    c.due_certainty, c.paused_days_left, c.assignee, c.created_at, c.updated_at";

/// The queue's first sort key: the promised day, cases without one (paused) after every date.
/// The same expression as the queue's indexes, so the database walks them in order.
const QUEUE_ORDER: &str = "COALESCE(c.due_day, 9000000000)";

fn decode<T>(column: &str, value: Option<T>, raw: &str) -> Result<T, sqlx::Error> {
    value.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown value {raw:?}").into(),
    })
}

fn case_from_row(vault: &Vault, r: &AnyRow) -> Result<CaseRow, sqlx::Error> {
    let holder: String = r.try_get("holder")?;
    let status: String = r.try_get("status")?;
    let mode: Option<String> = r.try_get("mode")?;
    let certainty: Option<String> = r.try_get("due_certainty")?;
    Ok(CaseRow {
        id: r.try_get("id")?,
        application_id: r.try_get("application_id")?,
        department_id: r.try_get("department_id")?,
        receiving_department_id: r.try_get("receiving_department_id")?,
        holder: decode("holder", Holder::from_code(&holder), &holder)?,
        mode: match mode {
            Some(m) => Some(decode("mode", CrossMode::from_code(&m), &m)?),
            None => None,
        },
        matters: json_column("matters_json", &r.try_get::<String, _>("matters_json")?)?,
        answers: open_json(
            vault,
            "cases.answers_json",
            &r.try_get::<String, _>("answers_json")?,
        )?,
        status: decode("status", ApplicationStatus::from_code(&status), &status)?,
        promised_days: r.try_get("promised_days")?,
        due_day: r.try_get("due_day")?,
        due_certainty: match certainty {
            Some(c) => Some(json_column("due_certainty", &format!("\"{c}\""))?),
            None => None,
        },
        paused_days_left: r.try_get("paused_days_left")?,
        assignee: r.try_get("assignee")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn certainty_code(c: Certainty) -> &'static str {
    match c {
        Certainty::Published => "published",
        Certainty::Statutory => "statutory",
        Certainty::WeekendsOnly => "weekends-only",
    }
}

/// The statement that stores a new case.
pub(super) fn case_insert(vault: &Vault, c: &CaseRow) -> Result<Stmt, sqlx::Error> {
    Ok(Stmt::new(
        "INSERT INTO cases (id, application_id, department_id, receiving_department_id, holder,
             mode, matters_json, answers_json, status, promised_days, due_day, due_certainty,
             paused_days_left, assignee, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .text(&c.id)
    .text(&c.application_id)
    .text(&c.department_id)
    .opt_text(c.receiving_department_id.as_deref())
    .text(c.holder.code())
    .opt_text(c.mode.map(CrossMode::code))
    .text(to_json(&c.matters)?)
    .text(vault.seal("cases.answers_json", &to_json(&c.answers)?))
    .text(c.status.code())
    .int(c.promised_days)
    .opt_int(c.due_day)
    .opt_text(c.due_certainty.map(certainty_code))
    .opt_int(c.paused_days_left)
    .opt_text(c.assignee.as_deref())
    .int(c.created_at)
    .int(c.updated_at))
}

/// A step on the application's timeline, tagged with its case and department.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_step(
    tx: &mut super::WriteTx,
    application_id: &str,
    case_id: Option<&str>,
    department_id: Option<&str>,
    at: i64,
    status: ApplicationStatus,
    message: &str,
    reason: Option<&str>,
    fields: &[String],
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_events (application_id, at, status, message, fields_json, actor,
             case_id, department_id, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(application_id)
    .bind(at)
    .bind(status.code())
    .bind(message)
    .bind(to_json(&fields)?)
    .bind(actor.to_string())
    .bind(case_id)
    .bind(department_id)
    .bind(reason)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the application's status from its cases' (in the same transaction as their move).
async fn derive_application_status(
    tx: &mut super::WriteTx,
    application_id: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    let statuses = sqlx::query("SELECT status FROM cases WHERE application_id = $1")
        .bind(application_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| {
            let code: String = r.try_get("status")?;
            decode("status", ApplicationStatus::from_code(&code), &code)
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(application_status(&statuses).code())
        .bind(at)
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn apply_step(
    tx: &mut super::WriteTx,
    s: &CaseStep<'_>,
    // Sealed for `cases.answers_json`.
    answers: Option<String>,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE cases SET status = $1, holder = $2, due_day = $3, due_certainty = $4,
             paused_days_left = $5, updated_at = $6,
             answers_json = COALESCE($7, answers_json)
         WHERE id = $8 AND status = $9",
    )
    .bind(s.to.code())
    .bind(s.holder.code())
    .bind(s.due_day)
    .bind(s.due_certainty.map(certainty_code))
    .bind(s.paused_days_left)
    .bind(s.at)
    .bind(answers)
    .bind(s.case_id)
    .bind(s.from.code())
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    insert_step(
        tx,
        s.application_id,
        Some(s.case_id),
        Some(s.department_id),
        s.at,
        s.to,
        s.message,
        s.reason,
        s.fields,
        s.actor,
    )
    .await?;
    for m in s.messages {
        insert_message(tx, m).await?;
    }
    for n in s.notifications {
        insert_notification(tx, n).await?;
    }
    Ok(true)
}

impl Store {
    pub async fn case(&self, id: &str) -> Result<Option<CaseRow>, sqlx::Error> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(|r| case_from_row(self.vault(), r))
            .transpose()
    }

    /// An application's cases, in the order they were made.
    pub async fn cases_of(&self, application_id: &str) -> Result<Vec<CaseRow>, sqlx::Error> {
        let sql =
            format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.application_id = $1 ORDER BY c.id");
        sqlx::query(&sql)
            .bind(application_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| case_from_row(self.vault(), r))
            .collect()
    }

    /// A department's queue: the cases it holds (as the deciding department once they are
    /// its, as the receiving one from the start), oldest due first, those without a date last.
    pub async fn queue(&self, q: QueueQuery<'_>) -> Result<Vec<QueueRow>, sqlx::Error> {
        // The filters, the same for both halves (numbered parameters, bound once).
        let mut filters = String::new();
        let mut n = 1;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        match q.status {
            Some(_) => filters.push_str(&format!(" AND c.status = {}", next())),
            // The queue is the work still open, unless a status is asked for.
            None => filters.push_str(" AND c.status NOT IN ('completed', 'rejected')"),
        }
        if q.due_by.is_some() {
            filters.push_str(&format!(" AND c.due_day <= {}", next()));
        }
        if q.matter.is_some() {
            filters.push_str(&format!(" AND c.matters_json LIKE {}", next()));
        }
        if q.assignee.is_some() {
            filters.push_str(&format!(" AND c.assignee = {}", next()));
        }
        let limit = next();
        // Each half walks its index (migration 8) in the queue's order and stops at the limit;
        // an `OR` of the two would sort every open case of the department.
        let order = format!("ORDER BY {QUEUE_ORDER}, c.created_at, c.id");
        let sql = format!(
            "SELECT {CASE_COLUMNS}, a.receipt, a.form_id, a.owner FROM (
                 SELECT * FROM (SELECT * FROM cases c
                     WHERE c.department_id = $1 AND c.holder = 'deciding'{filters} {order} LIMIT {limit}) d
                 UNION ALL
                 SELECT * FROM (SELECT * FROM cases c
                     WHERE c.receiving_department_id = $1{filters} {order} LIMIT {limit}) r
             ) c
             JOIN applications a ON a.id = c.application_id
             {order} LIMIT {limit}"
        );
        let mut query = sqlx::query(&sql).bind(q.department_id);
        if let Some(status) = q.status {
            query = query.bind(status.code());
        }
        if let Some(day) = q.due_by {
            query = query.bind(day);
        }
        if let Some(matter) = q.matter {
            query = query.bind(format!("%\"{matter}\"%"));
        }
        if let Some(assignee) = q.assignee {
            query = query.bind(assignee);
        }
        query
            .bind(q.limit)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(QueueRow {
                    case: case_from_row(self.vault(), r)?,
                    receipt: r.try_get("receipt")?,
                    form_id: r.try_get("form_id")?,
                    owner: AccountId::new(r.try_get::<String, _>("owner")?),
                })
            })
            .collect()
    }

    /// Moves a case if it is still at `step.from`, with its step, the application's status, the
    /// messages and the notifications, in one transaction.
    pub async fn move_case(&self, step: CaseStep<'_>) -> Result<Moved, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if !apply_step(&mut tx, &step, None).await? {
            return Ok(Moved::StatusChanged);
        }
        derive_application_status(&mut tx, step.application_id, step.at).await?;
        tx.commit().await?;
        Ok(Moved::Done)
    }

    /// What the person supplied: the application's answers, and every case that asked moved
    /// back to work, all at once.
    pub async fn supply(&self, s: Supplied<'_>) -> Result<Moved, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE applications SET answers_json = $1 WHERE id = $2")
            .bind(self.seal_json("applications.answers_json", s.answers)?)
            .bind(s.application_id)
            .execute(&mut *tx)
            .await?;
        for step in &s.steps {
            let answers = s
                .case_answers
                .iter()
                .find(|(id, _)| *id == step.case_id)
                .map(|(_, a)| self.seal_json("cases.answers_json", a))
                .transpose()?;
            if !apply_step(&mut tx, step, answers).await? {
                return Ok(Moved::StatusChanged);
            }
        }
        derive_application_status(
            &mut tx,
            s.application_id,
            s.steps.first().map_or(0, |x| x.at),
        )
        .await?;
        tx.commit().await?;
        Ok(Moved::Done)
    }

    /// Gives a case to a staff member (of its department: the caller checked).
    pub async fn assign_case(
        &self,
        case_id: &str,
        staff_id: &str,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE cases SET assignee = $1, updated_at = $2 WHERE id = $3")
            .bind(staff_id)
            .bind(at)
            .bind(case_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A department's cases (as deciding department), for its statistics.
    pub async fn department_cases(&self, department_id: &str) -> Result<Vec<CaseRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c WHERE c.department_id = $1 OR c.receiving_department_id = $1"
        );
        sqlx::query(&sql)
            .bind(department_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| case_from_row(self.vault(), r))
            .collect()
    }

    /// When each case of a department reached a status (its first step to it), for the
    /// statistics of completion against the promised date.
    pub async fn case_step_times(
        &self,
        case_ids: &[String],
        status: ApplicationStatus,
    ) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let mut out = Vec::new();
        for id in case_ids {
            let row = sqlx::query(
                "SELECT MIN(at) AS at FROM application_events WHERE case_id = $1 AND status = $2",
            )
            .bind(id)
            .bind(status.code())
            .fetch_one(self.pool())
            .await?;
            if let Some(at) = row.try_get::<Option<i64>, _>("at")? {
                out.push((id.clone(), at));
            }
        }
        Ok(out)
    }
}
