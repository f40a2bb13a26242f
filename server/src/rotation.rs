//! Key rotation in the background: every sensitive value not sealed with the active data key —
//! sealed with an older key, or stored plain before encryption — is opened and sealed again, a
//! batch at a time, while the server serves. A value changed by a request meanwhile is left for
//! the next pass (the update names the old value), so rotation never overwrites a newer write.
//! When a pass finds nothing left, older keys can be removed from the configuration.

use std::time::Duration;

use sqlx::Row;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::store::{Store, ID_NUMBER_LOOKUP};

/// A sealed column: its table, the table's key and the column.
struct Sealed {
    table: &'static str,
    key: &'static str,
    column: &'static str,
}

const SEALED: &[Sealed] = &[
    Sealed {
        table: "accounts",
        key: "id",
        column: "real_name",
    },
    Sealed {
        table: "accounts",
        key: "id",
        column: "id_number",
    },
    Sealed {
        table: "drafts",
        key: "id",
        column: "state_json",
    },
    Sealed {
        table: "draft_ops",
        key: "op_id",
        column: "reply_json",
    },
    Sealed {
        table: "applications",
        key: "id",
        column: "answers_json",
    },
    Sealed {
        table: "cases",
        key: "id",
        column: "answers_json",
    },
    Sealed {
        table: "materials",
        key: "id",
        column: "doc_key",
    },
    Sealed {
        table: "evaluations",
        key: "id",
        column: "comment",
    },
    Sealed {
        table: "accounts",
        key: "id",
        column: "household_region",
    },
    Sealed {
        table: "consultation_posts",
        key: "id",
        column: "text",
    },
    Sealed {
        table: "credentials",
        key: "id",
        column: "claims_json",
    },
    Sealed {
        table: "shares",
        key: "id",
        column: "presentation",
    },
];

const BATCH: i64 = 200;

impl Sealed {
    fn name(&self) -> String {
        format!("{}.{}", self.table, self.column)
    }

    /// Rows whose value is not under the active key (`$1` is its prefix, `$2` its length).
    fn stale(&self) -> String {
        format!(
            "SELECT {key} AS k, {col} AS v FROM {table}
             WHERE {col} IS NOT NULL AND substr({col}, 1, $2) <> $1 LIMIT {BATCH}",
            key = self.key,
            col = self.column,
            table = self.table,
        )
    }
}

/// How many values are not yet sealed with the active key, per column.
pub async fn pending(store: &Store) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let prefix = store.vault().active_prefix();
    let mut counts = Vec::new();
    for s in SEALED {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE {col} IS NOT NULL AND substr({col}, 1, $2) <> $1",
            table = s.table,
            col = s.column
        );
        let n: i64 = sqlx::query(&sql)
            .bind(&prefix)
            .bind(prefix.len() as i64)
            .fetch_one(store.pool())
            .await?
            .try_get("n")?;
        counts.push((s.name(), n));
    }
    Ok(counts)
}

/// One pass over every sealed column, a batch each; how many values were sealed again.
pub async fn rotate_batch(store: &Store) -> Result<u64, sqlx::Error> {
    let vault = store.vault();
    let prefix = vault.active_prefix();
    let mut done = 0;
    for s in SEALED {
        let name = s.name();
        let rows = sqlx::query(&s.stale())
            .bind(&prefix)
            .bind(prefix.len() as i64)
            .fetch_all(store.pool())
            .await?;
        for row in rows {
            let key: String = row.try_get("k")?;
            let old: String = row.try_get("v")?;
            let plain = match vault.open(&name, &old) {
                Ok(plain) => plain,
                Err(e) => {
                    // A key missing from the configuration: say so, leave the value alone.
                    tracing::error!(column = %name, row = %key, error = %e, "cannot re-seal a value");
                    continue;
                }
            };
            let sealed = vault.seal(&name, &plain);
            let id_number = name == "accounts.id_number";
            let sql = if id_number {
                "UPDATE accounts SET id_number = $1, id_number_lookup = $4
                 WHERE id = $2 AND id_number = $3"
                    .to_owned()
            } else {
                format!(
                    "UPDATE {table} SET {col} = $1 WHERE {k} = $2 AND {col} = $3",
                    table = s.table,
                    col = s.column,
                    k = s.key
                )
            };
            let mut update = sqlx::query(&sql).bind(sealed).bind(&key).bind(&old);
            if id_number {
                update = update.bind(vault.lookup(ID_NUMBER_LOOKUP, &plain));
            }
            done += update.execute(store.pool()).await?.rows_affected();
        }
    }
    Ok(done)
}

/// Re-seals until nothing is left, then looks again every `every` (a key added to the
/// configuration takes effect at the next start).
pub fn spawn(store: Store, every: Duration, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut total = 0u64;
        loop {
            match rotate_batch(&store).await {
                Ok(0) => {
                    if total > 0 {
                        tracing::info!(
                            values = total,
                            key = store.vault().active_id(),
                            "every sensitive value is sealed with the active data key"
                        );
                        total = 0;
                    }
                }
                Ok(n) => {
                    total += n;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "re-sealing with the active data key failed; trying again soon")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
        }
    })
}
