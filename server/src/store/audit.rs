//! The audit log: authentication events and access to personal data — who, what, when, outcome.
//!
//! Append-only (the database refuses updates and deletes). Objects are named by ids or masked
//! values only: never a full ID or phone number, here or in the server log.

use sqlx::Row;
use tongban_core::auth::ActivityEntry;

use tongban_core::audit::{Actor, AuditAction};

use super::Store;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Denied => "denied",
        }
    }
}

/// One entry: who did what to which object (an id or a masked value), and how it ended.
pub struct Event<'a> {
    pub actor: &'a Actor,
    pub action: AuditAction,
    pub object: &'a str,
    pub outcome: Outcome,
    pub ip: &'a str,
}

impl Store {
    /// Appends an entry, and mirrors it to the server log.
    pub async fn audit(&self, at: i64, event: Event<'_>) -> Result<(), sqlx::Error> {
        let actor = event.actor.to_string();
        tracing::info!(
            target: "tongban::audit",
            actor = %actor,
            action = event.action.code(),
            object = event.object,
            outcome = event.outcome.code(),
            ip = event.ip,
        );
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, object, outcome, ip)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(at)
        .bind(&actor)
        .bind(event.action.code())
        .bind(event.object)
        .bind(event.outcome.code())
        .bind(event.ip)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The account's recent activity, newest first.
    pub async fn activity(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<ActivityEntry>, sqlx::Error> {
        let shown = AuditAction::SHOWN_TO_PERSON;
        let placeholders = shown
            .iter()
            .enumerate()
            .map(|(i, _)| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT at, action, outcome FROM audit_log
             WHERE actor = $1 AND action IN ({placeholders})
             ORDER BY id DESC LIMIT $2"
        );
        let mut query = sqlx::query(&sql).bind(actor.to_string()).bind(limit);
        for action in shown {
            query = query.bind(action.code());
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(ActivityEntry {
                    at: r.try_get("at")?,
                    action: r.try_get("action")?,
                    ok: r.try_get::<String, _>("outcome")? == "ok",
                })
            })
            .collect()
    }

    /// Every entry in order, as text lines (tests and auditors' exports).
    pub async fn audit_lines(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query("SELECT at, actor, action, object, outcome, ip FROM audit_log ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(format!(
                    "{} {} {} {} {} {}",
                    r.try_get::<i64, _>("at")?,
                    r.try_get::<String, _>("actor")?,
                    r.try_get::<String, _>("action")?,
                    r.try_get::<String, _>("object")?,
                    r.try_get::<String, _>("outcome")?,
                    r.try_get::<String, _>("ip")?,
                ))
            })
            .collect()
    }
}
