//! The audit log: authentication events and access to personal data — who, what, when, outcome.
//!
//! Append-only (the database refuses updates and deletes) and a hash chain: each entry keeps the
//! hash of the one before it (`prev_hash`) and its own over its contents and that link (`hash`),
//! so whoever gets past the triggers still cannot change, remove or insert an entry unseen
//! (`audit_chain.rs` verifies). Objects are named by ids or masked values only: never a full ID or
//! phone number, here or in the server log.

use sqlx::Row;
use tongban_core::auth::ActivityEntry;
use tongban_core::ids::AccountId;

use tongban_core::audit::{Actor, AuditAction};

use super::{Backend, Store};

/// The key of the PostgreSQL advisory lock that orders appends across server instances.
const AUDIT_LOCK_KEY: i64 = 0x7442_6175_6469_74;

fn bind_entry<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    at: i64,
    fields: [&'q str; 7],
    prev: &'q str,
    hash: &'q str,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fields
        .into_iter()
        .fold(query.bind(at), |q, f| q.bind(f))
        .bind(prev)
        .bind(hash)
}

/// An entry's hash: over the previous entry's hash and every field, each length-prefixed. The
/// person it is about and their application (`fields[5..]`) count only when there is one, so
/// entries written before those columns existed keep their hashes.
pub(crate) fn entry_hash(prev: &str, at: i64, fields: [&str; 7]) -> String {
    let at = at.to_string();
    let [actor, action, object, outcome, ip, subject, application] = fields;
    let about = !subject.is_empty() || !application.is_empty();
    let tag = if about {
        "audit-entry-about"
    } else {
        "audit-entry"
    };
    let mut parts = vec![tag, prev, &at, actor, action, object, outcome, ip];
    if about {
        parts.extend([subject, application]);
    }
    crate::auth::digest(&parts)
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
    /// Whose data it used, when it used a person's (their data record shows it).
    pub about: Option<About<'a>>,
}

/// The person whose data an entry is about, and the application it was for.
#[derive(Clone, Copy, Debug)]
pub struct About<'a> {
    pub person: &'a AccountId,
    pub application: Option<&'a str>,
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
            event.about.map_or("", |a| a.person.as_str()),
            event.about.and_then(|a| a.application).unwrap_or(""),
        ];
        // One append at a time. PostgreSQL: across server instances by an advisory lock held
        // until the entry is committed, the last hash read inside it. SQLite is one server's own
        // file: the lock in this process orders appends and keeps the last hash, so an append
        // is one INSERT, as cheap as before the chain (the hash is read once, after a failure).
        let mut head = self.audit_lock.lock().await;
        let insert =
            "INSERT INTO audit_log (at, actor, action, object, outcome, ip, subject, application_id,
                 prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        const LAST: &str = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
        match self.backend() {
            Backend::Sqlite => {
                let prev = match head.take() {
                    Some(prev) => prev,
                    None => sqlx::query_scalar(LAST)
                        .fetch_optional(self.pool())
                        .await?
                        .unwrap_or_default(),
                };
                let hash = entry_hash(&prev, at, fields);
                bind_entry(sqlx::query(insert), at, fields, &prev, &hash)
                    .execute(self.pool())
                    .await?;
                *head = Some(hash);
            }
            Backend::Postgres => {
                let mut tx = self.begin_write().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(AUDIT_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                let prev: String = sqlx::query_scalar(LAST)
                    .fetch_optional(&mut *tx)
                    .await?
                    .unwrap_or_default();
                let hash = entry_hash(&prev, at, fields);
                bind_entry(sqlx::query(insert), at, fields, &prev, &hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
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
