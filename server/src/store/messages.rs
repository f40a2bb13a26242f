//! The person's messages (消息中心), and the outbox of notifications (SMS, host super-apps) that a
//! background worker delivers — retried with backoff, never blocking the case that caused them.
//! Several server instances share the outbox: a worker claims a notification for a while before
//! sending it.

use std::collections::BTreeMap;

use sqlx::Row;
use tongban_core::ids::AccountId;
use tongban_core::message::{Message, MessageKind};

use super::{json_column, to_json, Stmt, Store};

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub id: String,
    pub account_id: AccountId,
    pub application_id: Option<String>,
    pub kind: MessageKind,
    pub params: BTreeMap<String, String>,
    pub at: i64,
}

/// Where a notification goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// A text to the account's phone, through the SMS gateway.
    Sms,
    /// The host super-app the account is linked to, through its message channel.
    Host,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Host => "host",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "sms" => Some(Self::Sms),
            "host" => Some(Self::Host),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewNotification {
    pub id: String,
    pub channel: Channel,
    pub account_id: AccountId,
    pub template: String,
    /// No personal data: a masked receipt, a status.
    pub params: BTreeMap<String, String>,
    pub at: i64,
}

/// A notification claimed for delivery.
#[derive(Clone, Debug)]
pub struct PendingNotification {
    pub id: String,
    pub channel: Channel,
    pub account_id: AccountId,
    pub template: String,
    pub params: BTreeMap<String, String>,
    pub attempts: i64,
}

/// The statement that stores a message for the person.
pub(crate) fn message_insert(m: &NewMessage) -> Result<Stmt, sqlx::Error> {
    Ok(Stmt::new(
        "INSERT INTO messages (id, account_id, application_id, kind, params_json, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .text(&m.id)
    .text(m.account_id.as_str())
    .opt_text(m.application_id.as_deref())
    .text(m.kind.code())
    .text(to_json(&m.params)?)
    .int(m.at))
}

/// The statement that stores a notification to deliver.
pub(crate) fn notification_insert(n: &NewNotification) -> Result<Stmt, sqlx::Error> {
    Ok(Stmt::new(
        "INSERT INTO notifications (id, channel, account_id, template, params_json, attempts,
             next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
    )
    .text(&n.id)
    .text(n.channel.code())
    .text(n.account_id.as_str())
    .text(&n.template)
    .text(to_json(&n.params)?)
    .int(n.at))
}

pub(crate) async fn insert_message(
    tx: &mut super::WriteTx,
    m: &NewMessage,
) -> Result<(), sqlx::Error> {
    tx.exec(&message_insert(m)?).await.map(drop)
}

pub(crate) async fn insert_notification(
    tx: &mut super::WriteTx,
    n: &NewNotification,
) -> Result<(), sqlx::Error> {
    tx.exec(&notification_insert(n)?).await.map(drop)
}

/// Withdraws what was scheduled under ids starting with `prefix` and not yet due: the messages
/// dated after `now` and the texts not yet delivered (a booking's reminder, an invitation to rate).
pub(crate) async fn withdraw_scheduled(
    tx: &mut super::WriteTx,
    prefix: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Ids are made of `new_id()`s and matter codes (letters, digits and dashes): nothing in the
    // prefix is a LIKE wildcard.
    let pattern = format!("{prefix}%");
    sqlx::query("DELETE FROM messages WHERE id LIKE $1 AND at > $2")
        .bind(&pattern)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM notifications WHERE id LIKE $1 AND delivered_at IS NULL")
        .bind(&pattern)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts the messages and notifications not already there (by id).
async fn insert_once(
    tx: &mut super::WriteTx,
    messages: &[NewMessage],
    notifications: &[NewNotification],
) -> Result<(), sqlx::Error> {
    for m in messages {
        let known = sqlx::query("SELECT 1 AS one FROM messages WHERE id = $1")
            .bind(&m.id)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            insert_message(tx, m).await?;
        }
    }
    for n in notifications {
        let known = sqlx::query("SELECT 1 AS one FROM notifications WHERE id = $1")
            .bind(&n.id)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            insert_notification(tx, n).await?;
        }
    }
    Ok(())
}

impl Store {
    /// The account's messages up to `now`, newest first, and how many are unread. Messages
    /// dated later (a booking's reminder) appear when their time comes.
    pub async fn messages_of(
        &self,
        account: &AccountId,
        limit: i64,
        now: i64,
    ) -> Result<(Vec<Message>, u32), sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, application_id, kind, params_json, at, read_at FROM messages
             WHERE account_id = $1 AND at <= $3 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(account.as_str())
        .bind(limit)
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(Message {
                    id: r.try_get("id")?,
                    kind: MessageKind::from_code(&kind).ok_or_else(|| {
                        sqlx::Error::ColumnDecode {
                            index: "kind".into(),
                            source: format!("unknown kind {kind:?}").into(),
                        }
                    })?,
                    application_id: r.try_get("application_id")?,
                    params: json_column("params_json", &r.try_get::<String, _>("params_json")?)?,
                    at: r.try_get("at")?,
                    read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let unread: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM messages
             WHERE account_id = $1 AND read_at IS NULL AND at <= $2",
        )
        .bind(account.as_str())
        .bind(now)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok((items, unread as u32))
    }

    /// Messages and their notifications, all or none.
    pub async fn put_messages(
        &self,
        messages: &[NewMessage],
        notifications: &[NewNotification],
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        for m in messages {
            insert_message(&mut tx, m).await?;
        }
        for n in notifications {
            insert_notification(&mut tx, n).await?;
        }
        tx.commit().await
    }

    /// Stores messages and texts whose ids are made from what they tell (one per person and
    /// thing): those stored before are not stored again.
    pub async fn put_messages_once(
        &self,
        messages: &[NewMessage],
        notifications: &[NewNotification],
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        insert_once(&mut tx, messages, notifications).await?;
        tx.commit().await
    }

    /// Replaces what was scheduled under ids starting with `prefix` and not yet due by these
    /// messages (a repeated check's next reminder), in one transaction.
    pub async fn reschedule_messages(
        &self,
        prefix: &str,
        messages: &[NewMessage],
        notifications: &[NewNotification],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        withdraw_scheduled(&mut tx, prefix, now).await?;
        insert_once(&mut tx, messages, notifications).await?;
        tx.commit().await
    }

    /// Marks one of the account's messages read; false when it has no such message.
    pub async fn mark_read(
        &self,
        account: &AccountId,
        id: &str,
        at: i64,
    ) -> Result<bool, sqlx::Error> {
        let found = sqlx::query(
            "UPDATE messages SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND account_id = $3",
        )
        .bind(at)
        .bind(id)
        .bind(account.as_str())
        .execute(self.pool())
        .await?;
        Ok(found.rows_affected() == 1)
    }

    /// Claims up to `limit` notifications due now for `claim_seconds` (no other worker takes
    /// them meanwhile).
    pub async fn claim_notifications(
        &self,
        now: i64,
        claim_seconds: i64,
        limit: i64,
    ) -> Result<Vec<PendingNotification>, sqlx::Error> {
        let due = sqlx::query(
            "SELECT id FROM notifications
             WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1
               AND (claimed_until IS NULL OR claimed_until < $1)
             ORDER BY next_attempt_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut claimed = Vec::new();
        for row in due {
            let id: String = row.try_get("id")?;
            let taken = sqlx::query(
                "UPDATE notifications SET claimed_until = $1
                 WHERE id = $2 AND delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)",
            )
            .bind(now + claim_seconds)
            .bind(&id)
            .bind(now)
            .execute(self.pool())
            .await?;
            if taken.rows_affected() != 1 {
                continue; // another worker took it
            }
            let r = sqlx::query(
                "SELECT channel, account_id, template, params_json, attempts FROM notifications WHERE id = $1",
            )
            .bind(&id)
            .fetch_one(self.pool())
            .await?;
            let channel: String = r.try_get("channel")?;
            claimed.push(PendingNotification {
                id,
                channel: Channel::from_code(&channel).ok_or_else(|| sqlx::Error::ColumnDecode {
                    index: "channel".into(),
                    source: format!("unknown channel {channel:?}").into(),
                })?,
                account_id: AccountId::new(r.try_get::<String, _>("account_id")?),
                template: r.try_get("template")?,
                params: json_column("params_json", &r.try_get::<String, _>("params_json")?)?,
                attempts: r.try_get("attempts")?,
            });
        }
        Ok(claimed)
    }

    pub async fn notification_delivered(&self, id: &str, at: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE notifications SET delivered_at = $1, claimed_until = NULL WHERE id = $2",
        )
        .bind(at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A failed attempt: tried again at `retry_at`, or given up.
    pub async fn notification_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<i64>,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE notifications SET attempts = attempts + 1, last_error = $1,
                 next_attempt_at = COALESCE($2, next_attempt_at), claimed_until = NULL,
                 given_up_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END
             WHERE id = $4",
        )
        .bind(error)
        .bind(retry_at)
        .bind(at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Notifications not yet delivered (for operators and tests): (channel, template, attempts,
    /// given up).
    pub async fn undelivered_notifications(
        &self,
    ) -> Result<Vec<(String, String, i64, bool)>, sqlx::Error> {
        sqlx::query(
            "SELECT channel, template, attempts, given_up_at FROM notifications
             WHERE delivered_at IS NULL ORDER BY created_at",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("channel")?,
                r.try_get("template")?,
                r.try_get("attempts")?,
                r.try_get::<Option<i64>, _>("given_up_at")?.is_some(),
            ))
        })
        .collect()
    }

    /// Host links of an account (`(host id, the host's user id)`), for notifying through hosts.
    pub async fn host_links_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query("SELECT host_id, host_user_id FROM host_links WHERE account_id = $1")
            .bind(account.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("host_id")?, r.try_get("host_user_id")?)))
            .collect()
    }
}
