//! Drafts as the server keeps them: each draft's state with its version (an optimistic lock),
//! and the reply to every change by op id (so a repeat gets the first answer).

use sqlx::Row;
use tongban_core::draft::{ChangeReply, ServerDraft};
use tongban_core::ids::AccountId;

use super::applications::{insert_application, NewApplication};
use super::{is_unique_violation, Store};

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
        let state_json = self.seal_json("drafts.state_json", w.draft)?;
        let reply_json = self.seal_json("draft_ops.reply_json", w.reply)?;
        self.write_at_once(async |mut tx| {
            let written = match w.read_version {
                None => sqlx::query(
                    "INSERT INTO drafts (id, owner, form_id, version, state_json, updated_at, agent_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&w.draft.draft_id)
                .bind(w.owner.as_str())
                .bind(&w.draft.form_id)
                .bind(w.draft.version as i64)
                .bind(&state_json)
                .bind(w.at)
                .bind(w.agent.map(|a| a.as_str()))
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected()),
                Some(read) => sqlx::query(
                    "UPDATE drafts SET version = $1, state_json = $2, updated_at = $3,
                         agent_id = COALESCE($6, agent_id)
                     WHERE id = $4 AND version = $5",
                )
                .bind(w.draft.version as i64)
                .bind(&state_json)
                .bind(w.at)
                .bind(&w.draft.draft_id)
                .bind(read)
                .bind(w.agent.map(|a| a.as_str()))
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected()),
            };
            match written {
                Ok(1) => {}
                Ok(_) => return Ok(Written::Raced),
                Err(e) if is_unique_violation(&e) => return Ok(Written::Raced),
                Err(e) => return Err(e),
            }
            let op = sqlx::query(
                "INSERT INTO draft_ops (op_id, draft_id, fingerprint, reply_json, at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(w.op_id)
            .bind(&w.draft.draft_id)
            .bind(w.fingerprint)
            .bind(&reply_json)
            .bind(w.at)
            .execute(&mut *tx)
            .await;
            match op {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Written::Raced),
                Err(e) => return Err(e),
            }
            if let Some(application) = &w.application {
                insert_application(&mut tx, self.vault(), application).await?;
            }
            tx.commit().await?;
            Ok(Written::Committed)
        })
        .await
    }
}
