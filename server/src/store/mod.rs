//! The store: every query the server makes, behind methods that say what they do, one file per
//! aggregate (`catalog`, `identity`, `sessions`, `staff`, `audit`, `drafts`, `applications`,
//! `materials`). One URL picks SQLite (default, embedded) or PostgreSQL (production).
//!
//! Queries go through sqlx's `Any` driver and use `$n` placeholders, which both backends accept;
//! each backend has its own migration folder so each gets its natural column types. The same
//! contract suite (`server/tests/store/`) runs against both.

mod applications;
mod appointments;
mod audit;
mod audit_chain;
mod benefits;
mod cases;
mod catalog;
mod consultations;
mod credentials;
mod data_record;
mod departments;
mod drafts;
mod evaluations;
mod handovers;
mod identity;
mod mandates;
mod materials;
mod messages;
mod sessions;
mod shares;
mod staff;

pub use applications::*;
pub use appointments::*;
pub use audit::*;
pub use audit_chain::*;
pub use benefits::*;
pub use cases::*;
pub use consultations::*;
pub use credentials::*;
pub use drafts::*;
pub use evaluations::*;
pub use handovers::*;
pub use identity::*;
pub use mandates::*;
pub use materials::*;
pub use messages::*;
pub use sessions::*;
pub use shares::*;
pub use staff::*;

/// What a move of an application or a case came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Moved {
    Done,
    /// Someone moved it first: it is no longer at `from`.
    StatusChanged,
}

use std::str::FromStr;

use anyhow::Context;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyPool;

use crate::vault::Vault;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!("unsupported database URL {url:?}: use sqlite://FILE or postgres://…")
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Audit entries are chained, so they are appended one at a time; on SQLite the lock also
    /// keeps the last entry's hash (none until it is read).
    audit_lock: std::sync::Arc<tokio::sync::Mutex<Option<String>>>,
    /// Seals the sensitive columns (`vault.rs`).
    vault: std::sync::Arc<Vault>,
}

impl Store {
    /// Connects; for SQLite the file and its folder are created on first start. The vault seals
    /// the sensitive columns.
    pub async fn connect(url: &str, vault: Vault) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let max = if backend == Backend::Sqlite { 4 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // A database that cannot be reached is a 503 within seconds, not a request that
            // hangs for half a minute; the pool reconnects by itself when it is back.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlite_pragmas(conn).await?;
                    }
                    Ok(())
                })
            })
            .after_release(|conn, _| Box::pin(async move { release_ok(conn).await }))
            .connect(&url)
            .await
            .with_context(|| format!("cannot open the {} database", backend.name()))?;
        Ok(Self {
            pool,
            backend,
            audit_lock: Default::default(),
            vault: std::sync::Arc::new(vault),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue on the busy timeout instead of one failing when it
    /// upgrades from reading; PostgreSQL's row locks need nothing more than `BEGIN`.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// A value for a sensitive JSON column, sealed.
    pub(crate) fn seal_json<T: serde::Serialize>(
        &self,
        column: &str,
        value: &T,
    ) -> Result<String, sqlx::Error> {
        Ok(self.vault.seal(column, &to_json(value)?))
    }

    /// A sensitive JSON column's value, opened and decoded.
    pub(crate) fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        column: &str,
        stored: &str,
    ) -> Result<T, sqlx::Error> {
        open_json(&self.vault, column, stored)
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("database migration failed")
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Every SQLite connection: write-ahead logging (readers never wait for the writer, and a commit
/// is one append to the log instead of a journal written, synced and deleted) with
/// `synchronous=FULL`, so an acknowledged commit is on the disk even if the machine loses power,
/// not only when the process dies.
async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Executor as _;
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = FULL").await?;
    Ok(())
}

/// Whether a connection given back to the pool may be used again. After a failed write
/// (SQLite's `SQLITE_FULL` or `SQLITE_IOERR` above all) SQLite may have rolled the transaction
/// back by itself; sqlx's own `ROLLBACK` then fails and it still counts the connection as inside
/// a transaction, so the next `begin` becomes a `SAVEPOINT` whose rollback leaves a write
/// transaction open — and every other connection gets "database is locked" for good. A
/// connection whose transaction state is not clean is closed instead (the pool opens a new one).
async fn release_ok(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection as _;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // A dropped transaction's rollback may still be queued: the ping runs after it, so the
    // depth read next is the settled one.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("a database connection came back inside a transaction; closing it");
        return Ok(false);
    }
    Ok(true)
}

/// A unique or primary key was already taken (a concurrent insert won).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// A sensitive JSON column's value, opened with `vault` and decoded.
pub(crate) fn open_json<T: serde::de::DeserializeOwned>(
    vault: &Vault,
    column: &str,
    stored: &str,
) -> Result<T, sqlx::Error> {
    json_column(column, &open_text(vault, column, stored)?)
}

/// A sensitive text column's value, opened with `vault`.
pub(crate) fn open_text(vault: &Vault, column: &str, stored: &str) -> Result<String, sqlx::Error> {
    vault
        .open(column, stored)
        .map_err(|e| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: Box::new(e),
        })
}

/// Stored JSON that does not decode: a column-decode error naming the column.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(
    column: &str,
    text: &str,
) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(e),
    })
}

/// A value to store as JSON.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Makes sure the SQLite file's folder exists and the file is created on first connect.
fn prepare_sqlite(url: &str) -> anyhow::Result<String> {
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).context("bad sqlite URL")?;
    let path = opts.get_filename();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the database folder {}", parent.display()))?;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else {
        format!("{url}{sep}mode=rwc")
    })
}
