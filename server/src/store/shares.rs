//! 在线分享 as stored: each share's organisation, what it discloses, the presentation (sealed),
//! the digest of its one-time code, and when it was made, expires, was opened or taken back.
//! A share and its consent receipt have one id; taking one back takes back the other.

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::benefit::ConsentReceipt;
use tongban_core::credential::share::{ShareState, ShareSummary};
use tongban_core::credential::CredentialKind;
use tongban_core::ids::AccountId;

use super::data_record::insert_consent;
use super::{json_column, open_text, to_json, Store};

/// A share as stored.
#[derive(Clone, Debug)]
pub struct ShareRow {
    pub id: String,
    pub account_id: AccountId,
    pub organisation: String,
    pub kind: Option<CredentialKind>,
    pub claims: Vec<String>,
    pub presentation: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub opened_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl ShareRow {
    /// As the person sees it in their list, at `now`.
    pub fn summary(&self, now: i64) -> ShareSummary {
        ShareSummary {
            id: self.id.clone(),
            organisation: self.organisation.clone(),
            kind: self.kind,
            claims: self.claims.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            opened_at: self.opened_at,
            revoked_at: self.revoked_at,
            state: ShareState::of(self.expires_at, self.opened_at, self.revoked_at, now),
        }
    }
}

const COLUMNS: &str = "id, account_id, organisation, kind, claims_json, presentation, created_at,
     expires_at, opened_at, revoked_at";

/// The sealed column's name (its additional data).
const PRESENTATION: &str = "shares.presentation";

impl Store {
    fn share_from(&self, r: &AnyRow) -> Result<ShareRow, sqlx::Error> {
        Ok(ShareRow {
            id: r.try_get("id")?,
            account_id: AccountId::new(r.try_get::<String, _>("account_id")?),
            organisation: r.try_get("organisation")?,
            kind: r
                .try_get::<Option<String>, _>("kind")?
                .and_then(|k| CredentialKind::from_code(&k)),
            claims: json_column("claims_json", &r.try_get::<String, _>("claims_json")?)?,
            presentation: open_text(
                self.vault(),
                PRESENTATION,
                &r.try_get::<String, _>("presentation")?,
            )?,
            created_at: r.try_get("created_at")?,
            expires_at: r.try_get("expires_at")?,
            opened_at: r.try_get("opened_at")?,
            revoked_at: r.try_get("revoked_at")?,
        })
    }

    /// Keeps a share behind the digest of its code, with the consent receipt it gave (one id),
    /// both or neither.
    pub async fn put_share(
        &self,
        share: &ShareRow,
        code_hash: &str,
        consent: &ConsentReceipt,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO shares (id, account_id, code_hash, organisation, kind, claims_json,
                 presentation, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&share.id)
        .bind(share.account_id.as_str())
        .bind(code_hash)
        .bind(&share.organisation)
        .bind(share.kind.map(CredentialKind::code))
        .bind(to_json(&share.claims)?)
        .bind(self.vault().seal(PRESENTATION, &share.presentation))
        .bind(share.created_at)
        .bind(share.expires_at)
        .execute(&mut *tx)
        .await?;
        insert_consent(&mut *tx, &share.account_id, "share", consent).await?;
        tx.commit().await
    }

    /// The person's shares, newest first.
    pub async fn shares(&self, person: &AccountId) -> Result<Vec<ShareRow>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM shares WHERE account_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(person.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| self.share_from(r)).collect()
    }

    /// The share a code opens, by the code's digest.
    pub async fn share_by_code(&self, code_hash: &str) -> Result<Option<ShareRow>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM shares WHERE code_hash = $1"
        ))
        .bind(code_hash)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| self.share_from(&r)).transpose()
    }

    /// Marks a share opened, if it is still waiting at `now`; false when it was opened (or
    /// taken back, or ran out) first — of two openings at once, one wins.
    pub async fn open_share(&self, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let opened = sqlx::query(
            "UPDATE shares SET opened_at = $2
             WHERE id = $1 AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(opened == 1)
    }

    /// Takes back one of the person's shares and withdraws its consent. `None`: no such share
    /// of theirs; `Some(false)`: it was opened or taken back before (nothing changed).
    pub async fn revoke_share(
        &self,
        person: &AccountId,
        id: &str,
        now: i64,
    ) -> Result<Option<bool>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM shares WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(person.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Ok(None);
        }
        let revoked = sqlx::query(
            "UPDATE shares SET revoked_at = $3
             WHERE id = $1 AND account_id = $2 AND opened_at IS NULL AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(person.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE consents SET withdrawn_at = $3
             WHERE id = $1 AND account_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(id)
        .bind(person.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(revoked == 1))
    }

    /// One share of the person's, by id.
    pub async fn share(
        &self,
        person: &AccountId,
        id: &str,
    ) -> Result<Option<ShareRow>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM shares WHERE id = $1 AND account_id = $2"
        ))
        .bind(id)
        .bind(person.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| self.share_from(&r)).transpose()
    }
}
