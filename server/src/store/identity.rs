//! Identity as stored: accounts, pending login codes, rate-limit counters, and the links and
//! tickets of host super-apps. Only hashes of codes are stored.

use sqlx::any::AnyRow;
use sqlx::Row;
use tongban_core::auth::RealNameLevel;
use tongban_core::ids::AccountId;

use super::{open_text, Store};
use crate::vault::Vault;

/// The purpose of the keyed hash that finds an account by its ID number.
pub const ID_NUMBER_LOOKUP: &str = "accounts.id_number";

#[derive(Clone, Debug)]
pub struct AccountRow {
    pub id: AccountId,
    pub phone: String,
    pub level: RealNameLevel,
    pub real_name: Option<String>,
    pub id_number: Option<String>,
    pub created_at: i64,
}

const ACCOUNT_COLUMNS: &str = "id, phone, level, real_name, id_number, created_at";
fn account_from_row(vault: &Vault, row: &AnyRow) -> Result<AccountRow, sqlx::Error> {
    let open = |column: &str, name: &str| -> Result<Option<String>, sqlx::Error> {
        row.try_get::<Option<String>, _>(name)?
            .map(|v| open_text(vault, column, &v))
            .transpose()
    };
    let level: String = row.try_get("level")?;
    Ok(AccountRow {
        id: AccountId::new(row.try_get::<String, _>("id")?),
        phone: row.try_get("phone")?,
        level: RealNameLevel::from_code(&level).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "level".into(),
            source: format!("unknown level {level:?}").into(),
        })?,
        real_name: open("accounts.real_name", "real_name")?,
        id_number: open("accounts.id_number", "id_number")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// How many attempts of `kind` by `subject` since `since`, and when the oldest of them was.
    pub async fn count_attempts(
        &self,
        kind: &str,
        subject: &str,
        since: i64,
    ) -> Result<(i64, Option<i64>), sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM auth_attempts
             WHERE kind = $1 AND subject = $2 AND at > $3",
        )
        .bind(kind)
        .bind(subject)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("n")?, row.try_get("oldest")?))
    }

    /// The latest attempt of `kind` by `subject`, if any.
    pub async fn last_attempt(
        &self,
        kind: &str,
        subject: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query("SELECT MAX(at) AS last FROM auth_attempts WHERE kind = $1 AND subject = $2")
            .bind(kind)
            .bind(subject)
            .fetch_one(self.pool())
            .await?
            .try_get("last")
    }

    pub async fn record_attempt(
        &self,
        kind: &str,
        subject: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO auth_attempts (kind, subject, at) VALUES ($1, $2, $3)")
            .bind(kind)
            .bind(subject)
            .bind(at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets counters older than any window still looks at.
    pub async fn prune_attempts(&self, before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM auth_attempts WHERE at < $1")
            .bind(before)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM login_codes WHERE expires_at < $1")
            .bind(before)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Makes `code_hash` the phone's one pending code (an earlier one stops working).
    pub async fn put_code(
        &self,
        phone: &str,
        code_hash: &str,
        sent_at: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_codes WHERE phone = $1")
            .bind(phone)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_codes (phone, code_hash, sent_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(phone)
        .bind(code_hash)
        .bind(sent_at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The phone's pending code hash and when it expires.
    pub async fn pending_code(&self, phone: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
        let row = sqlx::query("SELECT code_hash, expires_at FROM login_codes WHERE phone = $1")
            .bind(phone)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get("code_hash")?, r.try_get("expires_at")?)))
            .transpose()
    }

    /// Uses the code up; false if another request used it first.
    pub async fn consume_code(&self, phone: &str, code_hash: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM login_codes WHERE phone = $1 AND code_hash = $2")
            .bind(phone)
            .bind(code_hash)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn drop_code(&self, phone: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_codes WHERE phone = $1")
            .bind(phone)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn account(&self, id: &AccountId) -> Result<Option<AccountRow>, sqlx::Error> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
        sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(|r| account_from_row(self.vault(), r))
            .transpose()
    }

    pub async fn account_by_phone(&self, phone: &str) -> Result<Option<AccountRow>, sqlx::Error> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE phone = $1");
        sqlx::query(&sql)
            .bind(phone)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(|r| account_from_row(self.vault(), r))
            .transpose()
    }

    /// The phone's account, made on first login.
    pub async fn account_for_phone(
        &self,
        phone: &str,
        now: i64,
    ) -> Result<AccountRow, sqlx::Error> {
        if let Some(account) = self.account_by_phone(phone).await? {
            return Ok(account);
        }
        let id = crate::auth::new_id();
        // Two first logins at once: the second insert does nothing and both read the one row.
        sqlx::query(
            "INSERT INTO accounts (id, phone, level, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (phone) DO NOTHING",
        )
        .bind(&id)
        .bind(phone)
        .bind(RealNameLevel::PhoneVerified.code())
        .bind(now)
        .execute(self.pool())
        .await?;
        self.account_by_phone(phone)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The account holding this ID number, if any.
    pub async fn account_with_id_number(
        &self,
        id_number: &str,
    ) -> Result<Option<AccountId>, sqlx::Error> {
        // By the keyed hash; an account verified before encryption by its plain number, until
        // rotation seals it.
        let row =
            sqlx::query("SELECT id FROM accounts WHERE id_number_lookup = $1 OR id_number = $2")
                .bind(self.vault().lookup(ID_NUMBER_LOOKUP, id_number))
                .bind(id_number)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| r.try_get::<String, _>("id").map(AccountId::new))
            .transpose()
    }

    /// Where the person's household is registered (户籍), as the population register said.
    pub async fn set_household_region(
        &self,
        account_id: &AccountId,
        region: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE accounts SET household_region = $1 WHERE id = $2")
            .bind(self.vault().seal("accounts.household_region", region))
            .bind(account_id.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The person's household region, if the register said it.
    pub async fn household_region(
        &self,
        account_id: &AccountId,
    ) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT household_region FROM accounts WHERE id = $1")
            .bind(account_id.as_str())
            .fetch_optional(self.pool())
            .await?;
        match row.and_then(|r| {
            r.try_get::<Option<String>, _>("household_region")
                .transpose()
        }) {
            Some(stored) => Ok(Some(open_text(
                self.vault(),
                "accounts.household_region",
                &stored?,
            )?)),
            None => Ok(None),
        }
    }

    pub async fn set_identity(
        &self,
        account_id: &AccountId,
        name: &str,
        id_number: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE accounts SET level = $1, real_name = $2, id_number = $3, verified_at = $4,
                 id_number_lookup = $6
             WHERE id = $5",
        )
        .bind(RealNameLevel::IdentityVerified.code())
        .bind(self.vault().seal("accounts.real_name", name))
        .bind(self.vault().seal("accounts.id_number", id_number))
        .bind(now)
        .bind(account_id.as_str())
        .bind(self.vault().lookup(ID_NUMBER_LOOKUP, id_number))
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

impl Store {
    /// Marks a host's ticket used; false if it was used before (a replay). Tickets past their
    /// expiry are forgotten on the way: they could not be used again anyway.
    pub async fn use_host_ticket(
        &self,
        host_id: &str,
        ticket_id: &str,
        remember_until: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        sqlx::query("DELETE FROM host_tickets WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        let done = sqlx::query(
            "INSERT INTO host_tickets (host_id, ticket_id, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (host_id, ticket_id) DO NOTHING",
        )
        .bind(host_id)
        .bind(ticket_id)
        .bind(remember_until)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether a host's ticket was used before.
    pub async fn host_ticket_seen(
        &self,
        host_id: &str,
        ticket_id: &str,
    ) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("SELECT 1 FROM host_tickets WHERE host_id = $1 AND ticket_id = $2")
                .bind(host_id)
                .bind(ticket_id)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// The account a host's user is linked to; on their first visit, the account of the phone
    /// the host verified (made if new), then linked.
    pub async fn account_for_host_user(
        &self,
        host_id: &str,
        host_user_id: &str,
        phone: &str,
        now: i64,
    ) -> Result<AccountRow, sqlx::Error> {
        let linked = sqlx::query(
            "SELECT account_id FROM host_links WHERE host_id = $1 AND host_user_id = $2",
        )
        .bind(host_id)
        .bind(host_user_id)
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = linked {
            let account_id = AccountId::new(row.try_get::<String, _>("account_id")?);
            if let Some(account) = self.account(&account_id).await? {
                return Ok(account);
            }
        }
        let account = self.account_for_phone(phone, now).await?;
        sqlx::query(
            "INSERT INTO host_links (host_id, host_user_id, account_id, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (host_id, host_user_id) DO NOTHING",
        )
        .bind(host_id)
        .bind(host_user_id)
        .bind(account.id.as_str())
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(account)
    }
}
