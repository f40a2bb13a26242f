//! The audit log: authentication events and access to personal data — who, what, when, outcome.
//!
//! Append-only (the database refuses updates and deletes). Objects are named by ids or masked
//! values only: never a full ID or phone number, here or in the server log.

use sqlx::Row;
use tongban_core::auth::ActivityEntry;

use crate::db::Db;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Denied,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Denied => "denied",
        }
    }
}

/// One entry. `actor` is `account:<id>`, `staff:<id>` or `anonymous`; `object` is masked.
pub struct Event<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub object: &'a str,
    pub outcome: Outcome,
    pub ip: &'a str,
}

/// What a person sees of their own account's history (the rest stays for auditors).
const ACTIVITY_SHOWN: &[&str] = tongban_core::auth::ACTIVITY_ACTIONS;

impl Db {
    /// Appends an entry, and mirrors it to the server log.
    pub async fn audit(&self, at: i64, event: Event<'_>) -> Result<(), sqlx::Error> {
        tracing::info!(
            target: "tongban::audit",
            actor = event.actor,
            action = event.action,
            object = event.object,
            outcome = event.outcome.code(),
            ip = event.ip,
        );
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, object, outcome, ip)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(at)
        .bind(event.actor)
        .bind(event.action)
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
        actor: &str,
        limit: i64,
    ) -> Result<Vec<ActivityEntry>, sqlx::Error> {
        let placeholders = ACTIVITY_SHOWN
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
        let mut query = sqlx::query(&sql).bind(actor).bind(limit);
        for action in ACTIVITY_SHOWN.iter().copied() {
            query = query.bind(action);
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
