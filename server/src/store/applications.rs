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

use super::{json_column, to_json, Moved, Stmt, Store};
use crate::vault::Vault;

/// An application and the person it belongs to. Its `cases` are filled by the caller, who
/// knows the calendar and the departments.
#[derive(Clone, Debug)]
pub struct ApplicationRecord {
    pub application: Application,
    pub owner: AccountId,
    /// Who submitted it for the owner under a mandate.
    pub agent_id: Option<AccountId>,
    /// The timeline with each step's case, for a case's own view.
    pub events: Vec<StoredEvent>,
}

/// A step of the timeline and the case it belongs to (none for the person's own).
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub case_id: Option<String>,
    pub event: TimelineEvent,
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

/// An application made by a submission (stored with the change that made it), with its cases,
/// the person's message and its notifications.
pub struct NewApplication<'a> {
    pub id: &'a str,
    pub receipt: &'a str,
    pub owner: &'a AccountId,
    /// Who submitted it for the owner under a mandate.
    pub agent: Option<&'a AccountId>,
    pub draft_id: &'a str,
    pub form_id: &'a str,
    pub answers: &'a Answers,
    pub actor: &'a Actor,
    pub at: i64,
    pub cases: &'a [super::CaseRow],
    pub messages: &'a [super::NewMessage],
    pub notifications: &'a [super::NewNotification],
}

fn status(row: &AnyRow, column: &str) -> Result<ApplicationStatus, sqlx::Error> {
    let code: String = row.try_get(column)?;
    ApplicationStatus::from_code(&code).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unknown status {code:?}").into(),
    })
}

/// The statements that store a new application: the application, its first step, its cases,
/// the person's messages and notifications.
pub(super) fn application_inserts(
    vault: &Vault,
    new: &NewApplication<'_>,
) -> Result<Vec<Stmt>, sqlx::Error> {
    let mut stmts = vec![
        Stmt::new(
            "INSERT INTO applications (id, receipt, owner, draft_id, form_id, answers_json, status, created_at, updated_at, agent_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
        )
        .text(new.id)
        .text(new.receipt)
        .text(new.owner.as_str())
        .text(new.draft_id)
        .text(new.form_id)
        .text(vault.seal("applications.answers_json", &to_json(new.answers)?))
        .text(ApplicationStatus::Submitted.code())
        .int(new.at)
        .opt_text(new.agent.map(|a| a.as_str())),
        event_insert(
            new.id,
            new.at,
            ApplicationStatus::Submitted,
            "",
            &[],
            new.actor,
        )?,
    ];
    for case in new.cases {
        stmts.push(super::cases::case_insert(vault, case)?);
    }
    for m in new.messages {
        stmts.push(super::messages::message_insert(m)?);
    }
    for n in new.notifications {
        stmts.push(super::messages::notification_insert(n)?);
    }
    Ok(stmts)
}

/// Stores a new application in `tx` (`application_inserts`).
pub(super) async fn insert_application(
    tx: &mut super::WriteTx,
    vault: &Vault,
    new: &NewApplication<'_>,
) -> Result<(), sqlx::Error> {
    tx.exec_all(&application_inserts(vault, new)?).await
}

fn event_insert(
    application_id: &str,
    at: i64,
    status: ApplicationStatus,
    message: &str,
    fields: &[String],
    actor: &Actor,
) -> Result<Stmt, sqlx::Error> {
    Ok(Stmt::new(
        "INSERT INTO application_events (application_id, at, status, message, fields_json, actor)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .text(application_id)
    .int(at)
    .text(status.code())
    .text(message)
    .text(to_json(&fields)?)
    .text(actor.to_string()))
}

impl Store {
    /// Whose application it is.
    pub async fn application_owner(&self, id: &str) -> Result<Option<AccountId>, sqlx::Error> {
        let owner: Option<String> =
            sqlx::query_scalar("SELECT owner FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(owner.map(AccountId::from))
    }

    /// An application with its timeline, oldest event first.
    pub async fn application(&self, id: &str) -> Result<Option<ApplicationRecord>, sqlx::Error> {
        let Some(r) = sqlx::query(
            "SELECT id, receipt, owner, draft_id, form_id, answers_json, status, created_at, agent_id
             FROM applications WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let events = sqlx::query(
            "SELECT e.at, e.status, e.message, e.fields_json, e.reason, e.case_id,
                    d.name_zh, d.name_en
             FROM application_events e LEFT JOIN departments d ON d.id = e.department_id
             WHERE e.application_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let timeline = events
            .iter()
            .map(|e| {
                Ok(StoredEvent {
                    case_id: e.try_get("case_id")?,
                    event: TimelineEvent {
                        at: e.try_get("at")?,
                        status: status(e, "status")?,
                        message: e.try_get("message")?,
                        fields: json_column(
                            "fields_json",
                            &e.try_get::<String, _>("fields_json")?,
                        )?,
                        department: e.try_get::<Option<String>, _>("name_zh")?.map(|zh| {
                            tongban_core::LocalizedText {
                                zh,
                                en: e.try_get("name_en").ok().flatten(),
                            }
                        }),
                        reason: e.try_get("reason")?,
                    },
                })
            })
            .collect::<Result<Vec<StoredEvent>, sqlx::Error>>()?;
        Ok(Some(ApplicationRecord {
            application: Application {
                id: r.try_get("id")?,
                receipt: r.try_get("receipt")?,
                form_id: r.try_get("form_id")?,
                draft_id: r.try_get("draft_id")?,
                status: status(&r, "status")?,
                answers: self.open_json(
                    "applications.answers_json",
                    &r.try_get::<String, _>("answers_json")?,
                )?,
                timeline: timeline.iter().map(|e| e.event.clone()).collect(),
                cases: Vec::new(),
                created_at: r.try_get("created_at")?,
                submitted_by: None,
            },
            owner: AccountId::new(r.try_get::<String, _>("owner")?),
            agent_id: r
                .try_get::<Option<String>, _>("agent_id")?
                .map(AccountId::new),
            events: timeline,
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
        let mut tx = self.begin_write().await?;
        let moved = match m.answers {
            Some(answers) => sqlx::query(
                "UPDATE applications SET status = $1, updated_at = $2, answers_json = $3
                 WHERE id = $4 AND status = $5",
            )
            .bind(m.to.code())
            .bind(m.at)
            .bind(self.seal_json("applications.answers_json", answers)?)
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
        tx.exec(&event_insert(
            m.id, m.at, m.to, m.message, m.fields, m.actor,
        )?)
        .await?;
        tx.commit().await?;
        Ok(Moved::Done)
    }
}
