//! Verifying the audit log's hash chain: every entry's hash is recomputed from its contents and
//! the hash of the entry before it. The first entry that does not fit is named — changed (its
//! contents no longer give its hash), cut off (it does not follow the entry before it: one was
//! removed, put in between or changed) or unchained (written without a hash after the chain
//! began). Entries from before the chain existed (empty hashes, at the start) are counted.
//!
//! A chain can still be cut at its end without a trace inside it; the head hash printed by
//! `tongban-server verify-audit` is what an auditor notes down (or a timestamping service
//! signs) to make that visible too (docs/operations.md).

use sqlx::Row;

use super::audit::entry_hash;
use super::Store;

/// How an entry breaks the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// Its contents (time, actor, action, object, outcome, address) do not give its hash.
    Changed,
    /// It does not follow the entry before it.
    CutOff { expected_prev: String },
    /// It has no hash although the chain had begun.
    Unchained,
}

/// The first entry that breaks the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenEntry {
    pub id: i64,
    pub at: i64,
    pub action: String,
    pub reason: Break,
}

impl std::fmt::Display for BrokenEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {} ({}, at {}): ", self.id, self.action, self.at)?;
        match &self.reason {
            Break::Changed => write!(f, "its contents were changed after it was written"),
            Break::CutOff { expected_prev } => write!(
                f,
                "it does not follow the entry before it (expected {}…): an entry was removed, \
                 inserted or changed",
                &expected_prev[..expected_prev.len().min(12)]
            ),
            Break::Unchained => write!(f, "it was written without a hash after the chain began"),
        }
    }
}

/// What a verification found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked and found in order.
    pub chained: u64,
    /// Entries from before the chain (at the start, without hashes).
    pub before_chain: u64,
    /// The last good entry's hash (empty when there is none).
    pub head: String,
    pub broken: Option<BrokenEntry>,
}

const PAGE: i64 = 2_000;

impl Store {
    /// Walks the whole log in order, a page at a time, and stops at the first break.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport, sqlx::Error> {
        let mut report = ChainReport {
            chained: 0,
            before_chain: 0,
            head: String::new(),
            broken: None,
        };
        let mut after = i64::MIN;
        loop {
            let rows = sqlx::query(
                "SELECT id, at, actor, action, object, outcome, ip, subject, application_id,
                     prev_hash, hash
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(self.pool())
            .await?;
            let Some(last) = rows.last() else {
                return Ok(report);
            };
            after = last.try_get("id")?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let at: i64 = row.try_get("at")?;
                let action: String = row.try_get("action")?;
                let prev: String = row.try_get("prev_hash")?;
                let hash: String = row.try_get("hash")?;
                let broken = |reason| BrokenEntry {
                    id,
                    at,
                    action: action.clone(),
                    reason,
                };
                if hash.is_empty() {
                    if report.chained == 0 {
                        report.before_chain += 1;
                        continue;
                    }
                    report.broken = Some(broken(Break::Unchained));
                    return Ok(report);
                }
                if prev != report.head {
                    report.broken = Some(broken(Break::CutOff {
                        expected_prev: report.head.clone(),
                    }));
                    return Ok(report);
                }
                let fields: [String; 7] = [
                    row.try_get("actor")?,
                    action.clone(),
                    row.try_get("object")?,
                    row.try_get("outcome")?,
                    row.try_get("ip")?,
                    row.try_get("subject")?,
                    row.try_get("application_id")?,
                ];
                let fields = fields.each_ref().map(String::as_str);
                if entry_hash(&prev, at, fields) != hash {
                    report.broken = Some(broken(Break::Changed));
                    return Ok(report);
                }
                report.chained += 1;
                report.head = hash;
            }
        }
    }
}
