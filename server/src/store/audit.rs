//! The audit log: authentication events and access to personal data — who, what, when, outcome.
//!
//! Append-only (the database refuses updates and deletes) and a hash chain: each entry keeps the
//! hash of the one before it (`prev_hash`) and its own over its contents and that link (`hash`),
//! so whoever gets past the triggers still cannot change, remove or insert an entry unseen
//! (`audit_chain.rs` verifies). Objects are named by ids or masked values only: never a full ID or
//! phone number, here or in the server log.

use sqlx::Row;
use tongban_core::auth::ActivityEntry;

use tongban_core::audit::{Actor, AuditAction};

use super::{Backend, Store};

/// The key of the PostgreSQL advisory lock that orders appends across server instances.
const AUDIT_LOCK_KEY: i64 = 0x7442_6175_6469_74;

/// An entry's hash: over the previous entry's hash and every field, each length-prefixed.
pub(crate) fn entry_hash(prev: &str, at: i64, fields: [&str; 5]) -> String {
    let at = at.to_string();
    let [actor, action, object, outcome, ip] = fields;
    crate::auth::digest(&["audit-entry", prev, &at, actor, action, object, outcome, ip])
}

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
        let fields = [
            actor.as_str(),
            event.action.code(),
            event.object,
            event.outcome.code(),
            event.ip,
        ];
        // One append at a time: in this process by the lock, across PostgreSQL servers also by
        // an advisory lock held until the entry is committed; SQLite takes its write lock
        // before reading the last hash, so a reader never has to upgrade (and never deadlocks).
        let _one_at_a_time = self.audit_lock.lock().await;
        let mut tx = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.pool().begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(AUDIT_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        let prev: String =
            sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?
                .unwrap_or_default();
        let hash = entry_hash(&prev, at, fields);
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, object, outcome, ip, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(at)
        .bind(fields[0])
        .bind(fields[1])
        .bind(fields[2])
        .bind(fields[3])
        .bind(fields[4])
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
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
