//! Benefits granted without an application (免申即享) as stored: a confirmed claim, the
//! application it made (with its cases and message) and the consent receipt it gave, in one
//! transaction — one claim per person and benefit.

use sqlx::Row;
use tongban_core::benefit::{ConsentReceipt, Decision};
use tongban_core::ids::AccountId;

use super::applications::insert_application;
use super::{is_unique_violation, to_json, NewApplication, Store};

pub struct NewClaim<'a> {
    pub account_id: &'a AccountId,
    pub benefit_id: &'a str,
    pub benefit_version: u32,
    pub decision: &'a Decision,
    pub consent: &'a ConsentReceipt,
    pub application: NewApplication<'a>,
}

impl Store {
    /// Stores a claim with its application and consent. False when the person claimed this
    /// benefit already.
    pub async fn put_benefit_claim(&self, c: NewClaim<'_>) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "INSERT INTO benefit_claims (account_id, benefit_id, benefit_version, application_id,
                 consent_id, decision_json, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.account_id.as_str())
        .bind(c.benefit_id)
        .bind(i64::from(c.benefit_version))
        .bind(c.application.id)
        .bind(&c.consent.id)
        .bind(to_json(c.decision)?)
        .bind(c.application.at)
        .execute(&mut *tx)
        .await;
        match claimed {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
        super::data_record::insert_consent(&mut *tx, c.account_id, "benefit", c.consent).await?;
        insert_application(&mut tx, self.vault(), &c.application).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The person's claims: (benefit, application).
    pub async fn benefit_claims(
        &self,
        account: &AccountId,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT benefit_id, application_id FROM benefit_claims WHERE account_id = $1",
        )
        .bind(account.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("benefit_id")?, r.try_get("application_id")?)))
            .collect()
    }
}
