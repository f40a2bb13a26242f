//! Mandates (亲友代办): granted, accepted or declined by the agent, revoked by either side.

use sqlx::Row;
use tongban_core::calendar::Day;
use tongban_core::ids::AccountId;
use tongban_core::mandate::{MandateKind, MandateStatus};

use super::{json_column, to_json, Store};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MandateRow {
    pub id: String,
    pub grantor_id: AccountId,
    pub agent_id: AccountId,
    /// Matter codes; empty for all.
    pub matters: Vec<String>,
    pub from: Day,
    pub to: Day,
    pub decide_together: bool,
    pub status: MandateStatus,
    pub created_at: i64,
    pub kind: MandateKind,
    /// A guardianship waiting for a hall: the code its parent shows there.
    pub hall_code: Option<String>,
}

/// What a child's account without a phone holds in its phone column (never a mobile number).
pub const MINOR_PHONE_PREFIX: &str = "minor:";

const COLUMNS: &str =
    "id, grantor_id, agent_id, matters_json, from_day, to_day, decide_together, status, created_at,
     kind, hall_code";

fn row_of(r: &sqlx::any::AnyRow) -> Result<MandateRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(MandateRow {
        id: r.try_get("id")?,
        grantor_id: AccountId::new(r.try_get::<String, _>("grantor_id")?),
        agent_id: AccountId::new(r.try_get::<String, _>("agent_id")?),
        matters: json_column("matters_json", &r.try_get::<String, _>("matters_json")?)?,
        from: Day(r.try_get("from_day")?),
        to: Day(r.try_get("to_day")?),
        decide_together: r.try_get::<i64, _>("decide_together")? != 0,
        status: MandateStatus::from_code(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "status".into(),
            source: format!("unknown status {status:?}").into(),
        })?,
        created_at: r.try_get("created_at")?,
        kind: MandateKind::from_code(&r.try_get::<String, _>("kind")?).unwrap_or_default(),
        hall_code: r.try_get("hall_code")?,
    })
}

impl Store {
    pub async fn put_mandate(&self, m: &MandateRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO mandates (id, grantor_id, agent_id, matters_json, from_day, to_day,
                 decide_together, status, created_at, updated_at, kind, hall_code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)",
        )
        .bind(&m.id)
        .bind(m.grantor_id.as_str())
        .bind(m.agent_id.as_str())
        .bind(to_json(&m.matters)?)
        .bind(m.from.0)
        .bind(m.to.0)
        .bind(i64::from(m.decide_together))
        .bind(m.status.code())
        .bind(m.created_at)
        .bind(m.kind.code())
        .bind(&m.hall_code)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn mandate(&self, id: &str) -> Result<Option<MandateRow>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM mandates WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(row_of).transpose()
    }

    /// The mandates an account gave and those it received, newest first.
    pub async fn mandates_of(
        &self,
        account: &AccountId,
    ) -> Result<(Vec<MandateRow>, Vec<MandateRow>), sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM mandates WHERE grantor_id = $1 OR agent_id = $1
             ORDER BY created_at DESC, id DESC LIMIT 200"
        ))
        .bind(account.as_str())
        .fetch_all(self.pool())
        .await?;
        let all = rows.iter().map(row_of).collect::<Result<Vec<_>, _>>()?;
        Ok(all.into_iter().partition(|m| &m.grantor_id == account))
    }

    /// What `agent` did in `grantor`'s name: drafts, applications and bookings that record them
    /// as the agent, newest first (at most 200).
    pub async fn acted_for(
        &self,
        grantor: &AccountId,
        agent: &AccountId,
    ) -> Result<Vec<tongban_core::mandate::Acted>, sqlx::Error> {
        use tongban_core::mandate::{Acted, ActedKind};
        // Each kind of thing done, as `form_id, receipt, at` (newest first); a draft that became
        // an application is counted as the application.
        let queries = [
            (
                ActedKind::Drafted,
                "SELECT form_id, CAST(NULL AS TEXT) AS receipt, updated_at AS at FROM drafts
                 WHERE owner = $1 AND agent_id = $2
                   AND id NOT IN (SELECT draft_id FROM applications WHERE owner = $1)
                 ORDER BY updated_at DESC LIMIT 200",
            ),
            (
                ActedKind::Submitted,
                "SELECT form_id, receipt, created_at AS at FROM applications
                 WHERE owner = $1 AND agent_id = $2 ORDER BY created_at DESC LIMIT 200",
            ),
            (
                ActedKind::Booked,
                "SELECT matter_code AS form_id, CAST(NULL AS TEXT) AS receipt, created_at AS at FROM appointments
                 WHERE account_id = $1 AND agent_id = $2 ORDER BY created_at DESC LIMIT 200",
            ),
        ];
        let mut items = Vec::new();
        for (kind, sql) in queries {
            for r in sqlx::query(sql)
                .bind(grantor.as_str())
                .bind(agent.as_str())
                .fetch_all(self.pool())
                .await?
            {
                items.push(Acted {
                    kind: kind.clone(),
                    at: r.try_get("at")?,
                    form_id: r.try_get("form_id")?,
                    receipt: r.try_get("receipt")?,
                });
            }
        }
        items.sort_by_key(|a| std::cmp::Reverse(a.at));
        items.truncate(200);
        Ok(items)
    }

    /// The guardianship waiting for a hall under this code.
    pub async fn guardianship_by_code(
        &self,
        code: &str,
    ) -> Result<Option<MandateRow>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM mandates WHERE hall_code = $1 AND kind = 'guardian'"
        ))
        .bind(code)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_of).transpose()
    }

    /// Staff confirm a waiting guardianship: it acts from now on, and its code is spent.
    pub async fn confirm_guardianship(
        &self,
        id: &str,
        staff: &str,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let r = sqlx::query(
            "UPDATE mandates SET status = 'accepted', confirmed_by = $1, hall_code = NULL,
                 updated_at = $2
             WHERE id = $3 AND kind = 'guardian' AND status = 'offered'",
        )
        .bind(staff)
        .bind(at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// The account of a child declared by a guardian: the one holding the ID number, else a new
    /// one that cannot log in (no phone), with the name and number the identity register
    /// confirmed.
    pub async fn minor_account(
        &self,
        name: &str,
        id_number: &str,
        now: i64,
    ) -> Result<AccountId, sqlx::Error> {
        if let Some(id) = self.account_with_id_number(id_number).await? {
            return Ok(id);
        }
        let id = crate::auth::new_id();
        sqlx::query("INSERT INTO accounts (id, phone, level, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(format!("{MINOR_PHONE_PREFIX}{id}"))
            .bind(tongban_core::auth::RealNameLevel::PhoneVerified.code())
            .bind(now)
            .execute(self.pool())
            .await?;
        let id = AccountId::new(id);
        self.set_identity(&id, name, id_number, now).await?;
        Ok(id)
    }

    /// Moves a mandate from one of `from` to `to`; false when it was not in one of them.
    pub async fn move_mandate(
        &self,
        id: &str,
        from: &[MandateStatus],
        to: MandateStatus,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut moved = false;
        for f in from {
            let r = sqlx::query(
                "UPDATE mandates SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
            )
            .bind(to.code())
            .bind(at)
            .bind(id)
            .bind(f.code())
            .execute(self.pool())
            .await?;
            moved |= r.rows_affected() == 1;
        }
        Ok(moved)
    }
}
