//! Hand-overs (帮办): a draft a helper filled for a person who is present, waiting for the code
//! texted to the person's phone; confirmed, the draft and its documents become the person's.

use sqlx::Row;
use tongban_core::ids::AccountId;

use super::Store;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRow {
    pub draft_id: String,
    pub helper_id: AccountId,
    pub person_id: AccountId,
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

impl Store {
    /// Starts (or starts again, with a new code) the hand-over of a draft.
    pub async fn put_handover(&self, h: &HandoverRow, now: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM handovers WHERE draft_id = $1")
            .bind(&h.draft_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO handovers (draft_id, helper_id, person_id, code_hash, expires_at,
                 attempts, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&h.draft_id)
        .bind(h.helper_id.as_str())
        .bind(h.person_id.as_str())
        .bind(&h.code_hash)
        .bind(h.expires_at)
        .bind(h.attempts)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn handover(&self, draft_id: &str) -> Result<Option<HandoverRow>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT draft_id, helper_id, person_id, code_hash, expires_at, attempts
             FROM handovers WHERE draft_id = $1",
        )
        .bind(draft_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(HandoverRow {
                draft_id: r.try_get("draft_id")?,
                helper_id: AccountId::new(r.try_get::<String, _>("helper_id")?),
                person_id: AccountId::new(r.try_get::<String, _>("person_id")?),
                code_hash: r.try_get("code_hash")?,
                expires_at: r.try_get("expires_at")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .transpose()
    }

    /// Counts a wrong code; the hand-over is dropped at `max` (a new code must be sent).
    pub async fn handover_missed(&self, draft_id: &str, max: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE handovers SET attempts = attempts + 1 WHERE draft_id = $1")
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM handovers WHERE draft_id = $1 AND attempts >= $2")
            .bind(draft_id)
            .bind(max)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    pub async fn drop_handover(&self, draft_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM handovers WHERE draft_id = $1")
            .bind(draft_id)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Gives the draft and the documents it names to the person, the helper kept as who filled
    /// it in; all of it or nothing. False when the draft is no longer the helper's (or the
    /// hand-over was used meanwhile).
    pub async fn hand_over(
        &self,
        h: &HandoverRow,
        documents: &[String],
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("DELETE FROM handovers WHERE draft_id = $1 AND code_hash = $2")
            .bind(&h.draft_id)
            .bind(&h.code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let moved = sqlx::query(
            "UPDATE drafts SET owner = $1, agent_id = $2, updated_at = $3
             WHERE id = $4 AND owner = $2",
        )
        .bind(h.person_id.as_str())
        .bind(h.helper_id.as_str())
        .bind(now)
        .bind(&h.draft_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 || moved != 1 {
            return Ok(false);
        }
        for id in documents {
            sqlx::query("UPDATE materials SET owner = $1 WHERE id = $2 AND owner = $3")
                .bind(h.person_id.as_str())
                .bind(id)
                .bind(h.helper_id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
