//! Sessions as stored: only the hash of a token, never the token.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::Store;
use crate::auth::Role;

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub id: String,
    pub role: Role,
    pub principal_id: String,
    pub device: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// The host super-app the session was opened through (single sign-on), if any.
    pub host_id: Option<String>,
}

/// A new session to store (the token itself is never stored).
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub role: Role,
    pub principal_id: &'a str,
    pub device: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub host_id: Option<&'a str>,
}

const SESSION_COLUMNS: &str =
    "id, role, principal_id, device, created_at, last_seen_at, expires_at, revoked_at, host_id";

fn session_from_row(row: &AnyRow) -> Result<SessionRow, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(SessionRow {
        id: row.try_get("id")?,
        role: match role.as_str() {
            "staff" => Role::Staff,
            _ => Role::Citizen,
        },
        principal_id: row.try_get("principal_id")?,
        device: row.try_get("device")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
        host_id: row.try_get("host_id")?,
    })
}

impl Store {
    pub async fn create_session(&self, s: NewSession<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, role, principal_id, device, created_at,
                 last_seen_at, expires_at, host_id)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
        )
        .bind(s.id)
        .bind(s.token_hash)
        .bind(s.role.code())
        .bind(s.principal_id)
        .bind(s.device)
        .bind(s.now)
        .bind(s.expires_at)
        .bind(s.host_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn session_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<SessionRow>, sqlx::Error> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1");
        sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(session_from_row)
            .transpose()
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(session_from_row)
            .transpose()
    }

    /// The principal's sessions that have not ended, newest first.
    pub async fn live_sessions(
        &self,
        role: Role,
        principal_id: &str,
        now: i64,
        idle_since: i64,
    ) -> Result<Vec<SessionRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions
             WHERE role = $1 AND principal_id = $2 AND revoked_at IS NULL
               AND expires_at > $3 AND last_seen_at > $4
             ORDER BY last_seen_at DESC"
        );
        sqlx::query(&sql)
            .bind(role.code())
            .bind(principal_id)
            .bind(now)
            .bind(idle_since)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(session_from_row)
            .collect()
    }

    pub async fn touch_session(&self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends a session; false if it had already ended.
    pub async fn revoke_session(&self, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every session of `principal` opened through host `host_id`; how many.
    pub async fn revoke_host_sessions(
        &self,
        principal: &str,
        host_id: &str,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = $1
             WHERE principal_id = $2 AND host_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(principal)
        .bind(host_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
