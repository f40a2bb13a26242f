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
mod direct;
mod drafts;
mod durable;
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
pub(crate) use direct::{Stmt, Tx};
pub use drafts::*;
pub use durable::noting_writes;
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
    /// Audit entries are chained, so they are appended one batch at a time (`audit.rs`).
    audit_queue: std::sync::Arc<audit::AuditQueue>,
    /// Seals the sensitive columns (`vault.rs`).
    vault: std::sync::Arc<Vault>,
    /// One writing transaction at a time on SQLite (`begin_write`).
    write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite's group commit (`durable.rs`); none on PostgreSQL.
    flusher: Option<std::sync::Arc<durable::Flusher>>,
    /// SQLite's writing connection for `write_at_once` (`direct.rs`); none on PostgreSQL and
    /// for a database in memory (which only the pool's connection sees).
    direct: Option<std::sync::Arc<direct::Direct>>,
}

impl Store {
    /// Connects; for SQLite the file and its folder are created on first start. The vault seals
    /// the sensitive columns.
    pub async fn connect(url: &str, vault: Vault) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let (url, flusher, direct) = match backend {
            Backend::Sqlite => {
                let (url, file) = prepare_sqlite(url)?;
                let in_memory = file.as_os_str() == ":memory:" || url.contains("mode=memory");
                let direct = (!in_memory).then(|| std::sync::Arc::new(direct::Direct::new(&file)));
                (
                    url,
                    Some(std::sync::Arc::new(durable::Flusher::new(&file))),
                    direct,
                )
            }
            Backend::Postgres => (url.to_owned(), None, None),
        };
        let max = if backend == Backend::Sqlite { 4 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // A database that cannot be reached is a 503 within seconds, not a request that
            // hangs for half a minute; the pool reconnects by itself when it is back.
            .acquire_timeout(std::time::Duration::from_secs(5))
            // A SQLite connection is a file handle that cannot drop: pinging it on every
            // acquire was one more round trip to its thread before each statement. A
            // PostgreSQL connection can drop, and is tested.
            .test_before_acquire(backend == Backend::Postgres)
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
            audit_queue: Default::default(),
            write_gate: Default::default(),
            vault: std::sync::Arc::new(vault),
            flusher,
            direct,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), after the writers before it in this process (the write gate): they queue
    /// here in order and each goes on the moment the one before commits, instead of retrying
    /// in SQLite's busy handler, which sleeps between tries. PostgreSQL's row locks need
    /// nothing more than `BEGIN`.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let gate = self.write_gate.clone().lock_owned().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx {
                    tx,
                    _gate: Some(gate),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool.begin().await?,
                _gate: None,
            }),
        }
    }

    /// Runs a writing transaction's `body` (which commits it, or drops it to roll back). On a
    /// SQLite file the whole of it runs on this thread, on the writing connection, after the
    /// writers before it in this process (the write gate): no statement is a hop to another
    /// thread with the lock held (`direct.rs`). PostgreSQL (and SQLite in memory) run it
    /// through the pool.
    pub(crate) async fn write_at_once<T>(
        &self,
        body: impl AsyncFnOnce(Tx) -> Result<T, sqlx::Error>,
    ) -> Result<T, sqlx::Error> {
        use std::future::Future as _;
        use std::task::{Context, Poll, Waker};
        let Some(direct) = &self.direct else {
            return body(Tx::Pool(self.begin_write().await?)).await;
        };
        let _gate = self.write_gate.clone().lock_owned().await;
        // The write lock at once when no writer outside the gate (a single statement through
        // the pool) holds it, as nearly always; else it is waited for off the runtime's
        // threads (a test's single thread simply waits).
        let tx = match direct::DirectTx::begin_now(direct.clone())? {
            Some(tx) => tx,
            None if multi_threaded() => {
                tokio::task::block_in_place(|| direct::DirectTx::begin(direct.clone()))?
            }
            None => direct::DirectTx::begin(direct.clone())?,
        };
        // Each step of a direct transaction is done when polled, so the body runs to its end
        // in this one poll, on this thread: ~0.5 ms per submission, most of it the commit's
        // append to the log (and, every ~1,000 pages, SQLite's checkpoint of the log into the
        // database, which takes longer). Handing the thread's other tasks away first, as
        // `block_in_place` does, cost more than it saved: 730–780 instead of 910–985
        // submissions/s (the bench under perf). A body that waited on something else is
        // finished like any other future.
        let mut run = std::pin::pin!(body(Tx::Direct(tx)));
        if let Poll::Ready(out) = run.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return out;
        }
        run.await
    }

    /// Returns once every write committed before the call is on the disk, so a reply may say
    /// it is done (SQLite's group commit, `durable.rs`; at once on PostgreSQL, whose commit is).
    pub async fn flush(&self) -> std::io::Result<()> {
        match &self.flusher {
            Some(flusher) => flusher.flush().await,
            None => Ok(()),
        }
    }

    /// How many times the SQLite log was synced for replies (none on PostgreSQL): for tests,
    /// and the bench's figure of how many replies one sync served.
    pub fn log_syncs(&self) -> u64 {
        self.flusher.as_ref().map_or(0, |f| f.syncs())
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
        if let Some(direct) = &self.direct {
            direct.close();
        }
        self.pool.close().await;
    }
}

/// A writing transaction (`Store::begin_write`): the connection inside it, and on SQLite this
/// process's write gate, held until it commits or is dropped (rolled back).
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Every SQLite connection: write-ahead logging (readers never wait for the writer, and a commit
/// is one append to the log instead of a journal written, synced and deleted) with
/// `synchronous=NORMAL`: a commit is safe from the process dying at once, and from the machine
/// losing power once [`Store::flush`] has synced the log — which every reply to a write waits
/// for (`http::durable_replies`), many commits sharing one sync.
async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Executor as _;
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
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

/// Whether this runs on tokio's multi-threaded runtime (where a thread may block in place).
fn multi_threaded() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Makes sure the SQLite file's folder exists and the file is created on first connect; the URL
/// to connect with and the file.
fn prepare_sqlite(url: &str) -> anyhow::Result<(String, std::path::PathBuf)> {
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).context("bad sqlite URL")?;
    let path = opts.get_filename();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the database folder {}", parent.display()))?;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = if url.contains("mode=") {
        url.to_owned()
    } else {
        format!("{url}{sep}mode=rwc")
    };
    Ok((url, path.to_path_buf()))
}
