//! 数据使用记录 as stored: the audit entries about a person (newest first, who used the data
//! named by department and role, with the application's receipt), and the person's consents.

use sqlx::Row;
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::benefit::ConsentReceipt;
use tongban_core::case::StaffRole;
use tongban_core::data_record::{use_actions, use_of, ConsentEntry, DataUse, DataUser, UseOutcome};
use tongban_core::ids::AccountId;
use tongban_core::LocalizedText;

use super::{json_column, to_json, Store};

impl Store {
    /// Up to `limit` uses of the person's data older than entry `before` (newest first), and
    /// whether there are more. Repeats of one use in a row (the same reader, object and outcome)
    /// are shown once, the newest.
    pub async fn data_uses(
        &self,
        person: &AccountId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<DataUse>, bool), sqlx::Error> {
        let actions: Vec<AuditAction> = use_actions().collect();
        let placeholders = (0..actions.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT a.id, a.at, a.actor, a.action, a.object, a.outcome, a.application_id,
                    s.department_id, s.role, d.name_zh, d.name_en, ap.receipt,
                    sh.organisation
             FROM audit_log a
             LEFT JOIN staff s ON a.actor LIKE 'staff:%' AND s.id = substr(a.actor, 7)
             LEFT JOIN departments d ON d.id = s.department_id
             LEFT JOIN applications ap ON ap.id = a.application_id
             LEFT JOIN shares sh ON a.object LIKE 'share:%' AND sh.id = substr(a.object, 7)
             WHERE a.subject = $1 AND a.id < $2 AND a.action IN ({placeholders})
             ORDER BY a.id DESC LIMIT $3"
        );
        let mut query = sqlx::query(&sql)
            .bind(person.as_str())
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit + 1);
        for action in &actions {
            query = query.bind(action.code());
        }
        let rows = query.fetch_all(self.pool()).await?;
        let more = rows.len() as i64 > limit;
        let mut items: Vec<DataUse> = Vec::new();
        let mut last_key: Option<(String, String, String, String)> = None;
        for r in rows.iter().take(limit as usize) {
            let actor: String = r.try_get("actor")?;
            let action: String = r.try_get("action")?;
            let object: String = r.try_get("object")?;
            let outcome: String = r.try_get("outcome")?;
            let key = (
                actor.clone(),
                action.clone(),
                object.clone(),
                outcome.clone(),
            );
            if last_key.as_ref() == Some(&key) {
                continue;
            }
            last_key = Some(key);
            let Some((categories, purpose)) = AuditAction::from_code(&action).and_then(use_of)
            else {
                continue;
            };
            let by = match Actor::parse(&actor) {
                Some(Actor::Staff(_)) => DataUser::Department {
                    id: r
                        .try_get::<Option<String>, _>("department_id")?
                        .unwrap_or_default(),
                    name: LocalizedText {
                        zh: r
                            .try_get::<Option<String>, _>("name_zh")?
                            .unwrap_or_default(),
                        en: r.try_get("name_en")?,
                    },
                    role: r
                        .try_get::<Option<String>, _>("role")?
                        .and_then(|c| StaffRole::from_code(&c))
                        .unwrap_or(StaffRole::Clerk),
                },
                _ if action == AuditAction::HostLogin.code() => {
                    let id = object
                        .strip_prefix("host:")
                        .and_then(|o| o.split(' ').next())
                        .unwrap_or_default()
                        .to_owned();
                    // Named by the server from its registry (`http::data_record`).
                    DataUser::Host {
                        name: id.clone(),
                        id,
                    }
                }
                _ if action == AuditAction::ShareOpened.code() => DataUser::Organisation {
                    name: r
                        .try_get::<Option<String>, _>("organisation")?
                        .unwrap_or_default(),
                },
                Some(Actor::Account(id)) if id == *person => {
                    if action == AuditAction::IdentityVerify.code() {
                        DataUser::Register
                    } else {
                        DataUser::You
                    }
                }
                _ if action == AuditAction::IdentityVerify.code() => DataUser::Other,
                _ => DataUser::Agent,
            };
            let application: String = r.try_get("application_id")?;
            items.push(DataUse {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                action,
                by,
                application_id: (!application.is_empty()).then_some(application),
                receipt: r.try_get("receipt")?,
                categories: categories.to_vec(),
                purpose,
                outcome: UseOutcome::from_code(&outcome),
            });
        }
        Ok((items, more))
    }

    /// The person's consents, newest first.
    pub async fn consents(&self, person: &AccountId) -> Result<Vec<ConsentEntry>, sqlx::Error> {
        sqlx::query(
            "SELECT id, kind, recipient_json, categories_json, purpose_json, withdraw_json,
                    given_at, withdrawn_at
             FROM consents WHERE account_id = $1 ORDER BY given_at DESC, id",
        )
        .bind(person.as_str())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let withdraw: Option<String> = r.try_get("withdraw_json")?;
            Ok(ConsentEntry {
                receipt: ConsentReceipt {
                    id: r.try_get("id")?,
                    recipient: json_column(
                        "recipient_json",
                        &r.try_get::<String, _>("recipient_json")?,
                    )?,
                    categories: json_column(
                        "categories_json",
                        &r.try_get::<String, _>("categories_json")?,
                    )?,
                    purpose: json_column("purpose_json", &r.try_get::<String, _>("purpose_json")?)?,
                    given_at: r.try_get("given_at")?,
                    withdraw: withdraw
                        .and_then(|w| serde_json::from_str(&w).ok())
                        .unwrap_or_default(),
                },
                kind: r.try_get("kind")?,
                withdrawn_at: r.try_get("withdrawn_at")?,
            })
        })
        .collect()
    }

    /// Keeps a consent the person gave (its receipt).
    pub async fn put_consent(
        &self,
        person: &AccountId,
        kind: &str,
        receipt: &ConsentReceipt,
    ) -> Result<(), sqlx::Error> {
        insert_consent(self.pool(), person, kind, receipt).await
    }

    /// Whether the person has a consent of `kind` not withdrawn.
    pub async fn has_consent(&self, person: &AccountId, kind: &str) -> Result<bool, sqlx::Error> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM consents
             WHERE account_id = $1 AND kind = $2 AND withdrawn_at IS NULL LIMIT 1",
        )
        .bind(person.as_str())
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Withdraws one of the person's consents. `None`: not theirs (or no such consent);
    /// `Some(false)`: withdrawn before.
    pub async fn withdraw_consent(
        &self,
        person: &AccountId,
        id: &str,
        at: i64,
    ) -> Result<Option<bool>, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE consents SET withdrawn_at = $3
             WHERE id = $1 AND account_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(id)
        .bind(person.as_str())
        .bind(at)
        .execute(self.pool())
        .await?
        .rows_affected();
        if done > 0 {
            return Ok(Some(true));
        }
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM consents WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(person.as_str())
                .fetch_optional(self.pool())
                .await?;
        Ok(exists.map(|_| false))
    }
}

/// Inserts a consent (in a transaction of its own or the caller's).
pub(super) async fn insert_consent<'e, E>(
    executor: E,
    person: &AccountId,
    kind: &str,
    c: &ConsentReceipt,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO consents (id, account_id, kind, recipient_json, categories_json,
             purpose_json, withdraw_json, given_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.id)
    .bind(person.as_str())
    .bind(kind)
    .bind(to_json(&c.recipient)?)
    .bind(to_json(&c.categories)?)
    .bind(to_json(&c.purpose)?)
    .bind(to_json(&c.withdraw)?)
    .bind(c.given_at)
    .execute(executor)
    .await?;
    Ok(())
}
