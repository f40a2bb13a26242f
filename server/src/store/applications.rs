//! Applications as stored: the application with its answers, its owner, and its timeline of
//! status events (who moved it, when, with what message).

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::application::{
    Application, ApplicationStatus, ApplicationSummary, TimelineEvent,
};
use tongban_core::audit::Actor;
use tongban_core::form::Answers;
use tongban_core::ids::AccountId;

use super::{json_column, to_json, Store};

/// An application and the person it belongs to.
#[derive(Clone, Debug)]
pub struct ApplicationRecord {
    pub application: Application,
    pub owner: AccountId,
}

/// A move of an application along its life, made only if it is still at `from`.
pub struct StatusMove<'a> {
    pub id: &'a str,
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    pub message: &'a str,
    pub fields: &'a [String],
    /// New answers (a supplement), else the answers stay.
    pub answers: Option<&'a Answers>,
    pub actor: &'a Actor,
    pub at: i64,
}

/// What a move came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Moved {
    Done,
    /// Someone moved it first: it is no longer at `from`.
    StatusChanged,
}

/// An application made by a submission (stored with the change that made it).
pub struct NewApplication<'a> {
    pub id: &'a str,
    pub receipt: &'a str,
    pub owner: &'a AccountId,
    pub draft_id: &'a str,
    pub form_id: &'a str,
    pub answers: &'a Answers,
    pub actor: &'a Actor,
    pub at: i64,
}

fn status(row: &AnyRow, column: &str) -> Result<ApplicationStatus, sqlx::Error> {
    let code: String = row.try_get(column)?;
    ApplicationStatus::from_code(&code).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown status {code:?}").into(),
    })
}

pub(super) async fn insert_application(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    new: &NewApplication<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applications (id, receipt, owner, draft_id, form_id, answers_json, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(new.id)
    .bind(new.receipt)
    .bind(new.owner.as_str())
    .bind(new.draft_id)
    .bind(new.form_id)
    .bind(to_json(new.answers)?)
    .bind(ApplicationStatus::Submitted.code())
    .bind(new.at)
    .execute(&mut **tx)
    .await?;
    insert_event(
        tx,
        new.id,
        new.at,
        ApplicationStatus::Submitted,
        "",
        &[],
        new.actor,
    )
    .await
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application_id: &str,
    at: i64,
    status: ApplicationStatus,
    message: &str,
    fields: &[String],
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_events (application_id, at, status, message, fields_json, actor)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(application_id)
    .bind(at)
    .bind(status.code())
    .bind(message)
    .bind(to_json(&fields)?)
    .bind(actor.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// An application with its timeline, oldest event first.
    pub async fn application(&self, id: &str) -> Result<Option<ApplicationRecord>, sqlx::Error> {
        let Some(r) = sqlx::query(
            "SELECT id, receipt, owner, draft_id, form_id, answers_json, status, created_at
             FROM applications WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let events = sqlx::query(
            "SELECT at, status, message, fields_json FROM application_events
             WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let timeline = events
            .iter()
            .map(|e| {
                Ok(TimelineEvent {
                    at: e.try_get("at")?,
                    status: status(e, "status")?,
                    message: e.try_get("message")?,
                    fields: json_column("fields_json", &e.try_get::<String, _>("fields_json")?)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(Some(ApplicationRecord {
            application: Application {
                id: r.try_get("id")?,
                receipt: r.try_get("receipt")?,
                form_id: r.try_get("form_id")?,
                draft_id: r.try_get("draft_id")?,
                status: status(&r, "status")?,
                answers: json_column("answers_json", &r.try_get::<String, _>("answers_json")?)?,
                timeline,
                created_at: r.try_get("created_at")?,
            },
            owner: AccountId::new(r.try_get::<String, _>("owner")?),
        }))
    }

    /// One person's applications (or, with `None`, every one), newest first.
    pub async fn application_summaries(
        &self,
        owner: Option<&AccountId>,
    ) -> Result<Vec<ApplicationSummary>, sqlx::Error> {
        let sql = "SELECT id, receipt, form_id, status, created_at, updated_at FROM applications";
        let rows = match owner {
            Some(owner) => {
                sqlx::query(&format!(
                    "{sql} WHERE owner = $1 ORDER BY created_at DESC, id DESC"
                ))
                .bind(owner.as_str())
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("{sql} ORDER BY created_at DESC, id DESC"))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(ApplicationSummary {
                    id: r.try_get("id")?,
                    receipt: r.try_get("receipt")?,
                    form_id: r.try_get("form_id")?,
                    status: status(r, "status")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Moves an application with a timeline event, in one transaction, if it is still at `from`.
    pub async fn move_application(&self, m: StatusMove<'_>) -> Result<Moved, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let moved = match m.answers {
            Some(answers) => sqlx::query(
                "UPDATE applications SET status = $1, updated_at = $2, answers_json = $3
                 WHERE id = $4 AND status = $5",
            )
            .bind(m.to.code())
            .bind(m.at)
            .bind(to_json(answers)?)
            .bind(m.id)
            .bind(m.from.code())
            .execute(&mut *tx)
            .await?,
            None => sqlx::query(
                "UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
            )
            .bind(m.to.code())
            .bind(m.at)
            .bind(m.id)
            .bind(m.from.code())
            .execute(&mut *tx)
            .await?,
        };
        if moved.rows_affected() != 1 {
            return Ok(Moved::StatusChanged);
        }
        insert_event(&mut tx, m.id, m.at, m.to, m.message, m.fields, m.actor).await?;
        tx.commit().await?;
        Ok(Moved::Done)
    }
}
