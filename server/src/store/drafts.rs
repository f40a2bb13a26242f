//! Drafts as the server keeps them: each draft's state with its version (an optimistic lock),
//! and the reply to every change by op id (so a repeat gets the first answer).

use sqlx::Row;
use tongban_core::draft::{ChangeReply, ServerDraft};
use tongban_core::ids::AccountId;

use super::applications::{application_inserts, NewApplication};
use super::{is_unique_violation, Stmt, Store};

/// A draft and the person it belongs to.
#[derive(Clone, Debug)]
pub struct DraftRow {
    pub owner: AccountId,
    /// The stored version, for the optimistic check of the next write.
    pub version: i64,
    pub state: ServerDraft,
}

/// A change applied before: its draft, what it was (a fingerprint) and the reply it got.
#[derive(Clone, Debug)]
pub struct StoredOp {
    pub draft_id: String,
    pub fingerprint: String,
    pub reply: ChangeReply,
}

/// The result of one change, written in one transaction: the draft's new state, the reply under
/// the op id, and the application when the change submitted it.
pub struct DraftWrite<'a> {
    pub draft: &'a ServerDraft,
    pub owner: &'a AccountId,
    /// Who made the change for the owner under a mandate (kept: the last agent to act).
    pub agent: Option<&'a AccountId>,
    /// The version read before the change; `None` for a draft the change creates.
    pub read_version: Option<i64>,
    pub op_id: &'a str,
    pub fingerprint: &'a str,
    pub reply: &'a ChangeReply,
    pub application: Option<NewApplication<'a>>,
    pub at: i64,
}

/// What a write came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Committed,
    /// Another request changed the draft (or used the op id) first: read again and retry.
    Raced,
}

impl Store {
    pub async fn draft(&self, id: &str) -> Result<Option<DraftRow>, sqlx::Error> {
        let row = sqlx::query("SELECT owner, version, state_json FROM drafts WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(DraftRow {
                owner: AccountId::new(r.try_get::<String, _>("owner")?),
                version: r.try_get("version")?,
                state: self
                    .open_json("drafts.state_json", &r.try_get::<String, _>("state_json")?)?,
            })
        })
        .transpose()
    }

    /// Every draft of one person, most recently changed first (deleted and submitted ones too).
    pub async fn drafts_of(&self, owner: &AccountId) -> Result<Vec<ServerDraft>, sqlx::Error> {
        sqlx::query("SELECT state_json FROM drafts WHERE owner = $1 ORDER BY updated_at DESC")
            .bind(owner.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| self.open_json("drafts.state_json", &r.try_get::<String, _>("state_json")?))
            .collect()
    }

    /// The change stored under `op_id`, if it was applied before.
    pub async fn stored_op(&self, op_id: &str) -> Result<Option<StoredOp>, sqlx::Error> {
        let row =
            sqlx::query("SELECT draft_id, fingerprint, reply_json FROM draft_ops WHERE op_id = $1")
                .bind(op_id)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            Ok(StoredOp {
                draft_id: r.try_get("draft_id")?,
                fingerprint: r.try_get("fingerprint")?,
                reply: self.open_json(
                    "draft_ops.reply_json",
                    &r.try_get::<String, _>("reply_json")?,
                )?,
            })
        })
        .transpose()
    }

    /// Writes a change's outcome, all of it or nothing: `Raced` when the draft is no longer at
    /// the version it was read at, or the op id or draft id was taken meanwhile.
    pub async fn write_change(&self, w: DraftWrite<'_>) -> Result<Written, sqlx::Error> {
        // Every statement is made (and sealed) before the write lock is taken.
        let state_json = self.seal_json("drafts.state_json", w.draft)?;
        let draft = match w.read_version {
            None => Stmt::new(
                "INSERT INTO drafts (id, owner, form_id, version, state_json, updated_at, agent_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .text(&w.draft.draft_id)
            .text(w.owner.as_str())
            .text(&w.draft.form_id)
            .int(w.draft.version as i64)
            .text(state_json)
            .int(w.at)
            .opt_text(w.agent.map(|a| a.as_str())),
            Some(read) => Stmt::new(
                "UPDATE drafts SET version = $1, state_json = $2, updated_at = $3,
                     agent_id = COALESCE($6, agent_id)
                 WHERE id = $4 AND version = $5",
            )
            .int(w.draft.version as i64)
            .text(state_json)
            .int(w.at)
            .text(&w.draft.draft_id)
            .int(read)
            .opt_text(w.agent.map(|a| a.as_str())),
        };
        let op = Stmt::new(
            "INSERT INTO draft_ops (op_id, draft_id, fingerprint, reply_json, at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .text(w.op_id)
        .text(&w.draft.draft_id)
        .text(w.fingerprint)
        .text(self.seal_json("draft_ops.reply_json", w.reply)?)
        .int(w.at);
        let application = match &w.application {
            Some(application) => application_inserts(self.vault(), application)?,
            None => Vec::new(),
        };
        self.write_at_once(async |mut tx| {
            // The draft still at the version read, and the op id not taken: else another
            // request came first.
            match tx.exec(&draft).await {
                Ok(1) => {}
                Ok(_) => return Ok(Written::Raced),
                Err(e) if is_unique_violation(&e) => return Ok(Written::Raced),
                Err(e) => return Err(e),
            }
            match tx.exec(&op).await {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Written::Raced),
                Err(e) => return Err(e),
            }
            tx.exec_all(&application).await?;
            tx.commit().await?;
            Ok(Written::Committed)
        })
        .await
    }
}
