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

use super::{Backend, Stmt, Store};

/// The key of the PostgreSQL advisory lock that orders appends across server instances.
const AUDIT_LOCK_KEY: i64 = 0x7442_6175_6469_74;

/// Entries waiting to be appended, and the turn to append them.
#[derive(Debug, Default)]
pub(crate) struct AuditQueue {
    pending: std::sync::Mutex<Vec<Pending>>,
    /// Held by whoever appends; on SQLite it keeps the last entry's hash (none until read).
    head: tokio::sync::Mutex<Option<String>>,
}

/// One entry waiting, and where to say how its batch went.
#[derive(Debug)]
struct Pending {
    at: i64,
    fields: [String; 7],
    done: tokio::sync::oneshot::Sender<Result<(), Failed>>,
}

/// How a batch failed, for each entry in it (a database error cannot be copied).
#[derive(Clone, Debug)]
struct Failed {
    /// The database could not be reached (a 503, to retry) rather than a fault.
    unavailable: bool,
    text: String,
}

impl Failed {
    fn of(e: &sqlx::Error) -> Self {
        Self {
            unavailable: crate::error::database_unavailable(e),
            text: e.to_string(),
        }
    }

    fn into_error(self) -> sqlx::Error {
        if self.unavailable {
            sqlx::Error::PoolTimedOut
        } else {
            sqlx::Error::Protocol(format!("audit append failed: {}", self.text))
        }
    }
}

/// The statement that appends an entry, chained after `prev`.
fn entry_insert(at: i64, fields: [&str; 7], prev: &str, hash: &str) -> Stmt {
    fields
        .into_iter()
        .fold(
            Stmt::new(
                "INSERT INTO audit_log (at, actor, action, object, outcome, ip, subject,
                     application_id, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .int(at),
            |stmt, field| stmt.text(field),
        )
        .text(prev)
        .text(hash)
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
            actor,
            event.action.code().to_owned(),
            event.object.to_owned(),
            event.outcome.code().to_owned(),
            event.ip.to_owned(),
            event
                .about
                .map_or(String::new(), |a| a.person.as_str().to_owned()),
            event
                .about
                .and_then(|a| a.application)
                .unwrap_or("")
                .to_owned(),
        ];
        // An audited read is answered once its entry is on the disk (`durable.rs`).
        super::durable::note_write();
        // Entries are appended one batch at a time, in one transaction: whoever gets the turn
        // writes every entry waiting then (its own among them), so a busy server commits many
        // entries at once instead of queueing one commit after another.
        let (done, mut result) = tokio::sync::oneshot::channel();
        self.audit_queue
            .pending
            .lock()
            .expect("audit queue")
            .push(Pending { at, fields, done });
        let mut head = self.audit_queue.head.lock().await;
        if let Ok(appended) = result.try_recv() {
            return appended.map_err(Failed::into_error); // written in another's batch
        }
        let batch = std::mem::take(&mut *self.audit_queue.pending.lock().expect("audit queue"));
        let outcome = self.append(&mut head, &batch).await;
        let failed = outcome.as_ref().err().map(Failed::of);
        for entry in batch {
            let _ = entry.done.send(match &failed {
                None => Ok(()),
                Some(f) => Err(f.clone()),
            });
        }
        match result.try_recv() {
            Ok(appended) => appended.map_err(Failed::into_error),
            // Taken by a batch before ours (its answer sent): cannot happen, as a batch is
            // answered before the turn passes on.
            Err(_) => outcome,
        }
    }

    /// Appends `batch` in one transaction, chained after the last entry. PostgreSQL: across
    /// server instances by an advisory lock held until the batch is committed, the last hash
    /// read inside it. SQLite is one server's own file: the turn in this process orders
    /// appends and keeps the last hash (`head`, read again after a failure).
    async fn append(
        &self,
        head: &mut Option<String>,
        batch: &[Pending],
    ) -> Result<(), sqlx::Error> {
        if batch.is_empty() {
            return Ok(());
        }
        const LAST: &str = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
        let known = head.take();
        let last = self
            .write_at_once(async |mut tx| {
                let mut prev = match (self.backend(), known) {
                    (Backend::Sqlite, Some(prev)) => prev,
                    (backend, _) => {
                        if backend == Backend::Postgres {
                            let lock =
                                Stmt::new("SELECT pg_advisory_xact_lock($1)").int(AUDIT_LOCK_KEY);
                            tx.exec(&lock).await?;
                        }
                        tx.optional_text(LAST).await?.unwrap_or_default()
                    }
                };
                for entry in batch {
                    let fields = entry.fields.each_ref().map(String::as_str);
                    let hash = entry_hash(&prev, entry.at, fields);
                    tx.exec(&entry_insert(entry.at, fields, &prev, &hash))
                        .await?;
                    prev = hash;
                }
                tx.commit().await?;
                Ok(prev)
            })
            .await?;
        if self.backend() == Backend::Sqlite {
            *head = Some(last);
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
