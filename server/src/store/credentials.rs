//! 电子证照 as stored: each certificate a department issued to a person, its claims sealed, its
//! index in the department's status list (given out one after another, so a list is dense).

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::credential::status::Status;
use tongban_core::credential::CredentialKind;
use tongban_core::ids::AccountId;

use super::{is_unique_violation, open_text, Store};

/// A certificate as stored.
#[derive(Clone, Debug)]
pub struct CredentialRow {
    pub id: String,
    pub account_id: AccountId,
    pub kind: CredentialKind,
    pub department_id: String,
    pub status_idx: u64,
    pub claims: serde_json::Map<String, serde_json::Value>,
    pub status: Status,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

/// A certificate to keep.
pub struct NewCredential<'a> {
    pub id: &'a str,
    pub account_id: &'a AccountId,
    pub kind: CredentialKind,
    pub department_id: &'a str,
    pub claims: &'a serde_json::Map<String, serde_json::Value>,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, kind, department_id, status_idx, claims_json, status,
     issued_at, expires_at";

/// A stored status; anything unreadable counts as revoked (never as valid).
fn status_of(code: &str) -> Status {
    Status::from_code(code).unwrap_or(Status::Revoked)
}

/// The advisory lock key of a department's status list (PostgreSQL).
fn status_list_lock(department: &str) -> i64 {
    let digest = crate::auth::digest(&["status-list", department]);
    i64::from_str_radix(&digest[..15], 16).expect("a hex digest")
}

impl Store {
    fn credential_from(&self, r: &AnyRow) -> Result<CredentialRow, sqlx::Error> {
        let kind: String = r.try_get("kind")?;
        let claims = open_text(
            self.vault(),
            "credentials.claims_json",
            &r.try_get::<String, _>("claims_json")?,
        )?;
        Ok(CredentialRow {
            id: r.try_get("id")?,
            account_id: AccountId::new(r.try_get::<String, _>("account_id")?),
            kind: CredentialKind::from_code(&kind)
                .ok_or_else(|| sqlx::Error::Decode(format!("credential kind {kind}").into()))?,
            department_id: r.try_get("department_id")?,
            status_idx: u64::try_from(r.try_get::<i64, _>("status_idx")?).unwrap_or_default(),
            claims: serde_json::from_str(&claims).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            status: status_of(&r.try_get::<String, _>("status")?),
            issued_at: r.try_get("issued_at")?,
            expires_at: r.try_get("expires_at")?,
        })
    }

    /// Keeps a certificate, with the next index of its department's status list.
    pub async fn put_credential(&self, c: NewCredential<'_>) -> Result<(), sqlx::Error> {
        let claims =
            serde_json::to_string(c.claims).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let sealed = self.vault().seal("credentials.claims_json", &claims);
        // Two issuances at once may pick the same index: the second tries the next one. On
        // PostgreSQL, where writers do not queue for the whole database as on SQLite, the
        // department's issuances queue on an advisory lock until each has committed (64 people
        // verified at once ran out of tries without it).
        for _ in 0..5 {
            let mut tx = self.begin_write().await?;
            if self.backend() == super::Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(status_list_lock(c.department_id))
                    .execute(&mut *tx)
                    .await?;
            }
            let next: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(status_idx), -1) + 1 FROM credentials WHERE department_id = $1",
            )
            .bind(c.department_id)
            .fetch_one(&mut *tx)
            .await?;
            let inserted = sqlx::query(
                "INSERT INTO credentials (id, account_id, kind, department_id, status_idx,
                     claims_json, issued_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.id)
            .bind(c.account_id.as_str())
            .bind(c.kind.code())
            .bind(c.department_id)
            .bind(next)
            .bind(&sealed)
            .bind(c.issued_at)
            .bind(c.expires_at)
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {
                    tx.commit().await?;
                    return Ok(());
                }
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(sqlx::Error::Protocol(
            "no free status list index after 5 tries".into(),
        ))
    }

    /// The person's certificates, newest first.
    pub async fn credentials(&self, person: &AccountId) -> Result<Vec<CredentialRow>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM credentials WHERE account_id = $1 ORDER BY issued_at DESC, id"
        ))
        .bind(person.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| self.credential_from(r)).collect()
    }

    pub async fn credential(&self, id: &str) -> Result<Option<CredentialRow>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM credentials WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| self.credential_from(&r)).transpose()
    }

    /// Whose certificate is at `idx` of `department`'s status list.
    pub async fn credential_holder(
        &self,
        department: &str,
        idx: u64,
    ) -> Result<Option<AccountId>, sqlx::Error> {
        let Ok(idx) = i64::try_from(idx) else {
            return Ok(None);
        };
        let holder: Option<String> = sqlx::query_scalar(
            "SELECT account_id FROM credentials WHERE department_id = $1 AND status_idx = $2",
        )
        .bind(department)
        .bind(idx)
        .fetch_optional(self.pool())
        .await?;
        Ok(holder.map(AccountId::from))
    }

    /// The departments that have issued at least one certificate.
    pub async fn issuing_departments(&self) -> Result<Vec<String>, sqlx::Error> {
        let rows =
            sqlx::query("SELECT DISTINCT department_id FROM credentials ORDER BY department_id")
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(|r| r.try_get("department_id")).collect()
    }

    /// Every status of the department's list, by index (an index never given out is valid).
    pub async fn status_list(&self, department: &str) -> Result<Vec<Status>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT status_idx, status FROM credentials WHERE department_id = $1 ORDER BY status_idx",
        )
        .bind(department)
        .fetch_all(self.pool())
        .await?;
        let mut list = Vec::with_capacity(rows.len());
        for r in &rows {
            let idx = usize::try_from(r.try_get::<i64, _>("status_idx")?).unwrap_or_default();
            list.resize(idx, Status::Valid);
            list.push(status_of(&r.try_get::<String, _>("status")?));
        }
        Ok(list)
    }

    /// Sets a certificate's status (its issuer revokes, suspends or reinstates it).
    pub async fn set_credential_status(
        &self,
        id: &str,
        status: Status,
    ) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("UPDATE credentials SET status = $1 WHERE id = $2")
                .bind(status.code())
                .bind(id)
                .execute(self.pool())
                .await?
                .rows_affected()
                > 0,
        )
    }
}
