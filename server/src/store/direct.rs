//! SQLite's hot writes (a draft's change with the application it submits, the audit log's
//! batches) run whole on the thread that asked, on the store's own writing connection.
//!
//! Through sqlx every statement is a hop to its connection's worker thread and back, taken while
//! the write lock is held: with 64 clients on 2 cores the worker thread waited for a core at each
//! hop, and the lock was held ~2.2 ms per submission for well under 0.1 ms of SQLite's own work
//! (instrumented: 1.22 s held of a 1.48 s run, so writers queued on the lock). Here the
//! statements run one after the other on this thread (`rusqlite`, the same SQLite library
//! sqlx links) with no hop at all.
//!
//! A write is a list of [`Stmt`]s — SQL and its values, made before the lock is taken — so the
//! one definition of each statement serves both this path and sqlx's ([`Tx`]): PostgreSQL,
//! and SQLite in memory (tests), go through the pool as before.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{Connection, OpenFlags, ToSql};

use super::WriteTx;

/// A value bound to a statement; the optional ones keep their type, as PostgreSQL wants to know
/// the type of a NULL.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

/// One statement with its values (`$1`, `$2`, … in the order of their first use, as both
/// backends number them).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stmt {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

impl Stmt {
    pub(crate) fn new(sql: &'static str) -> Self {
        Self {
            sql: Cow::Borrowed(sql),
            args: Vec::new(),
        }
    }

    /// Writing statements made one, for PostgreSQL, where each statement is a round trip: all
    /// but the last as data-modifying `WITH` parts, their `$n` renumbered after the ones before.
    /// All of it or none of it is done, like the statements in one transaction; none for none.
    fn merged(stmts: &[Stmt]) -> Option<Stmt> {
        let (last, before) = stmts.split_last()?;
        if before.is_empty() {
            return Some(last.clone());
        }
        let mut sql = String::from("WITH ");
        let mut args = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            let renumbered = renumber(&stmt.sql, args.len());
            if i + 1 < stmts.len() {
                let sep = if i == 0 { "" } else { ", " };
                sql.push_str(&format!("{sep}w{i} AS ({renumbered})"));
            } else {
                sql.push(' ');
                sql.push_str(&renumbered);
            }
            args.extend(stmt.args.iter().cloned());
        }
        Some(Stmt {
            sql: Cow::Owned(sql),
            args,
        })
    }

    pub(crate) fn text(mut self, value: impl Into<String>) -> Self {
        self.args.push(Arg::Text(value.into()));
        self
    }

    pub(crate) fn opt_text<S: Into<String>>(mut self, value: Option<S>) -> Self {
        self.args.push(Arg::OptText(value.map(Into::into)));
        self
    }

    pub(crate) fn int(mut self, value: i64) -> Self {
        self.args.push(Arg::Int(value));
        self
    }

    pub(crate) fn opt_int(mut self, value: Option<i64>) -> Self {
        self.args.push(Arg::OptInt(value));
        self
    }

    /// The statement for sqlx, its values bound.
    fn sqlx(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.sql), |q, arg| match arg {
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::Int(v) => q.bind(*v),
                Arg::OptText(v) => q.bind(v.as_deref()),
                Arg::OptInt(v) => q.bind(*v),
            })
    }

    /// Runs on `conn` (cached prepared); the rows it changed. SQLite numbers `$n` parameters in
    /// the order they first appear (`$6` before `$4` is its 4th), so each is bound by its name.
    fn run_on(&self, conn: &Connection) -> Result<u64, sqlx::Error> {
        let mut statement = conn.prepare_cached(&self.sql).map_err(fault)?;
        for index in 1..=statement.parameter_count() {
            let arg = statement
                .parameter_name(index)
                .and_then(|name| name.strip_prefix('$')?.parse::<usize>().ok())
                .and_then(|n| self.args.get(n.checked_sub(1)?))
                .ok_or_else(|| {
                    sqlx::Error::Protocol(format!("parameter {index} of {:?} unbound", self.sql))
                })?;
            statement.raw_bind_parameter(index, arg).map_err(fault)?;
        }
        Ok(statement.raw_execute().map_err(fault)? as u64)
    }
}

/// `sql` with each `$n` made `$(n + by)`.
fn renumber(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Text(v) => ToSqlOutput::from(v.as_str()),
            Arg::Int(v) => ToSqlOutput::from(*v),
            Arg::OptText(Some(v)) => ToSqlOutput::from(v.as_str()),
            Arg::OptInt(Some(v)) => ToSqlOutput::from(*v),
            Arg::OptText(None) | Arg::OptInt(None) => ToSqlOutput::Owned(Value::Null),
        })
    }
}

impl WriteTx {
    /// Runs one statement in this transaction; the rows it changed.
    pub(crate) async fn exec(&mut self, stmt: &Stmt) -> Result<u64, sqlx::Error> {
        Ok(stmt.sqlx().execute(&mut *self.tx).await?.rows_affected())
    }

    /// Runs writing statements whose row counts do not matter: on PostgreSQL as one
    /// (`Stmt::merged`), one round trip instead of one each.
    pub(crate) async fn exec_all(&mut self, stmts: &[Stmt]) -> Result<(), sqlx::Error> {
        if self.tx.backend_name() == "PostgreSQL" {
            if let Some(one) = Stmt::merged(stmts) {
                self.exec(&one).await?;
            }
            return Ok(());
        }
        for stmt in stmts {
            self.exec(stmt).await?;
        }
        Ok(())
    }
}

/// A writing transaction of `Store::write_at_once`: through the pool, or on SQLite's writing
/// connection on this thread.
pub(crate) enum Tx {
    Pool(WriteTx),
    Direct(DirectTx),
}

impl Tx {
    /// Runs one statement; the rows it changed.
    pub(crate) async fn exec(&mut self, stmt: &Stmt) -> Result<u64, sqlx::Error> {
        match self {
            Tx::Pool(tx) => tx.exec(stmt).await,
            Tx::Direct(tx) => stmt.run_on(tx.conn()),
        }
    }

    /// Runs writing statements whose row counts do not matter (`WriteTx::exec_all`).
    pub(crate) async fn exec_all(&mut self, stmts: &[Stmt]) -> Result<(), sqlx::Error> {
        if let Tx::Pool(tx) = self {
            return tx.exec_all(stmts).await;
        }
        for stmt in stmts {
            self.exec(stmt).await?;
        }
        Ok(())
    }

    /// The first column of the first row `sql` gives, as text (none when no row).
    pub(crate) async fn optional_text(
        &mut self,
        sql: &'static str,
    ) -> Result<Option<String>, sqlx::Error> {
        match self {
            Tx::Pool(tx) => sqlx::query_scalar(sql).fetch_optional(&mut **tx).await,
            Tx::Direct(tx) => {
                use rusqlite::OptionalExtension as _;
                let mut statement = tx.conn().prepare_cached(sql).map_err(fault)?;
                statement
                    .query_row([], |row| row.get::<_, String>(0))
                    .optional()
                    .map_err(fault)
            }
        }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Pool(tx) => tx.commit().await,
            Tx::Direct(mut tx) => {
                tx.conn().execute_batch("COMMIT").map_err(fault)?;
                tx.committed = true;
                Ok(())
            }
        }
    }
}

/// How long a write waits for another connection's write lock (sqlx's own default).
const BUSY_WAIT: Duration = Duration::from_secs(5);

/// SQLite's writing connection, kept between writes (its page cache stays warm, as no other
/// connection writes the hot tables in between).
#[derive(Debug)]
pub(crate) struct Direct {
    file: PathBuf,
    idle: Mutex<Option<Connection>>,
}

impl Direct {
    /// For the database `file` (created, in WAL mode, by the pool's first connection).
    pub(crate) fn new(file: &Path) -> Self {
        Self {
            file: file.to_path_buf(),
            idle: Mutex::new(None),
        }
    }

    /// Closes the kept connection (the store is closing).
    pub(crate) fn close(&self) {
        drop(self.idle.lock().map(|mut c| c.take()));
    }

    /// The kept connection, or a new one.
    fn take(&self) -> Result<Connection, sqlx::Error> {
        match self.idle.lock().ok().and_then(|mut c| c.take()) {
            Some(conn) => Ok(conn),
            None => self.open(),
        }
    }

    /// Keeps `conn` (outside any transaction) for the next write.
    fn keep(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            *idle = Some(conn);
        }
    }

    fn open(&self) -> Result<Connection, sqlx::Error> {
        let conn = Connection::open_with_flags(
            &self.file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
        // As sqlx sets its own connections (and `sqlite_pragmas`): the same wait for a
        // writer outside the gate, foreign keys enforced, the same durability.
        conn.busy_timeout(BUSY_WAIT).map_err(fault)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(fault)?;
        Ok(conn)
    }
}

/// A transaction on the writing connection, begun with `BEGIN IMMEDIATE`; rolled back when
/// dropped before it commits. A connection left inside a transaction (a rollback that failed)
/// is closed instead of kept, so it can never hold the write lock for good.
pub(crate) struct DirectTx {
    conn: Option<Connection>,
    home: Arc<Direct>,
    committed: bool,
}

impl DirectTx {
    /// Begins, waiting (up to SQLite's busy timeout) for a writer outside the gate.
    pub(crate) fn begin(home: Arc<Direct>) -> Result<Self, sqlx::Error> {
        let conn = home.take()?;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(fault)?;
        Ok(Self::on(conn, home))
    }

    /// Begins if the write lock is free now; none if another connection holds it.
    pub(crate) fn begin_now(home: Arc<Direct>) -> Result<Option<Self>, sqlx::Error> {
        let conn = home.take()?;
        conn.busy_timeout(Duration::ZERO).map_err(fault)?;
        let begun = conn.execute_batch("BEGIN IMMEDIATE");
        conn.busy_timeout(BUSY_WAIT).map_err(fault)?;
        match begun {
            Ok(()) => Ok(Some(Self::on(conn, home))),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                home.keep(conn);
                Ok(None)
            }
            Err(e) => Err(fault(e)),
        }
    }

    fn on(conn: Connection, home: Arc<Direct>) -> Self {
        Self {
            conn: Some(conn),
            home,
            committed: false,
        }
    }

    fn conn(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("the connection is there until drop")
    }
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if !self.committed && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        if conn.is_autocommit() {
            self.home.keep(conn);
        } else {
            tracing::warn!("the writing connection stayed inside a transaction; closing it");
        }
    }
}

/// SQLite's refusal as sqlx would have given it: the extended result code as the error's code
/// (`error::storage_full` reads 13 and 778), a unique key taken as a unique violation.
#[derive(Debug)]
struct SqliteFault {
    code: i32,
    message: String,
}

impl std::fmt::Display for SqliteFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for SqliteFault {}

impl sqlx::error::DatabaseError for SqliteFault {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

fn fault(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(failure, message) => {
            sqlx::Error::Database(Box::new(SqliteFault {
                code: failure.extended_code,
                message: message.unwrap_or_else(|| failure.to_string()),
            }))
        }
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(dir: &Path) -> Arc<Direct> {
        let file = dir.join("t.db");
        let conn = Connection::open(&file).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, note TEXT);",
        )
        .unwrap();
        Arc::new(Direct::new(&file))
    }

    fn insert(id: &str, n: Option<i64>) -> Stmt {
        Stmt::new("INSERT INTO t (id, n, note) VALUES ($1, $2, $3)")
            .text(id)
            .opt_int(n)
            .opt_text(None::<String>)
    }

    fn count(dir: &Path) -> i64 {
        Connection::open(dir.join("t.db"))
            .unwrap()
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[tokio::test]
    async fn a_committed_write_is_there_a_dropped_one_is_not_and_the_connection_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let direct = table(dir.path());
        let mut tx = Tx::Direct(DirectTx::begin(direct.clone()).unwrap());
        assert_eq!(tx.exec(&insert("a", Some(1))).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let mut tx = Tx::Direct(DirectTx::begin(direct.clone()).unwrap());
        tx.exec(&insert("b", None)).await.unwrap();
        drop(tx); // rolled back
        assert_eq!(count(dir.path()), 1);
        // The connection was given back both times, outside any transaction.
        let kept = direct.idle.lock().unwrap();
        assert!(kept.as_ref().is_some_and(Connection::is_autocommit));
    }

    #[tokio::test]
    async fn a_taken_key_is_a_unique_violation_and_values_bind_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let direct = table(dir.path());
        let mut tx = Tx::Direct(DirectTx::begin(direct).unwrap());
        tx.exec(&insert("a", Some(7))).await.unwrap();
        let e = tx.exec(&insert("a", Some(8))).await.unwrap_err();
        assert!(super::super::is_unique_violation(&e), "{e:?}");
        let n = tx
            .optional_text("SELECT CAST(n AS TEXT) FROM t WHERE id = 'a'")
            .await
            .unwrap();
        assert_eq!(n.as_deref(), Some("7"));
        let none = tx
            .optional_text("SELECT id FROM t WHERE id = 'zz'")
            .await
            .unwrap();
        assert_eq!(none, None);
        let changed = tx
            .exec(
                &Stmt::new("UPDATE t SET n = $1 WHERE id = $2")
                    .int(9)
                    .text("zz"),
            )
            .await
            .unwrap();
        assert_eq!(changed, 0);
        // Numbered out of order, and one used twice: each is bound by its number.
        let changed = tx
            .exec(
                &Stmt::new("UPDATE t SET note = $3 || $1, n = $2 WHERE id = $1 AND $3 = $3")
                    .text("a")
                    .int(11)
                    .text("note-"),
            )
            .await
            .unwrap();
        assert_eq!(changed, 1);
        let row = tx
            .optional_text("SELECT note || ':' || n FROM t WHERE id = 'a'")
            .await
            .unwrap();
        assert_eq!(row.as_deref(), Some("note-a:11"));
    }

    #[test]
    fn a_lock_held_elsewhere_is_not_waited_for_at_once_and_is_waited_for_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let direct = table(dir.path());
        let other = Connection::open(dir.path().join("t.db")).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        assert!(DirectTx::begin_now(direct.clone()).unwrap().is_none());
        // The connection is kept for the next try, outside any transaction.
        assert!(direct
            .idle
            .lock()
            .unwrap()
            .as_ref()
            .is_some_and(Connection::is_autocommit));
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            other.execute_batch("COMMIT").unwrap();
        });
        // Waits for the other writer instead of failing.
        let tx = DirectTx::begin(direct.clone()).unwrap();
        release.join().unwrap();
        drop(tx);
        assert!(DirectTx::begin_now(direct).unwrap().is_some());
    }

    #[test]
    fn statements_merged_for_postgres_keep_each_ones_values() {
        let one = Stmt::new("INSERT INTO a (x, y) VALUES ($1, $2)")
            .text("p")
            .int(1);
        let two = Stmt::new("INSERT INTO b (x, y, z) VALUES ($2, $1, $3 || $1)")
            .text("q")
            .int(2)
            .opt_text(Some("r"));
        let three = Stmt::new("INSERT INTO c (x) VALUES ($1)").opt_int(None);
        let merged = Stmt::merged(&[one.clone(), two, three]).unwrap();
        assert_eq!(
            merged.sql,
            "WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), \
             w1 AS (INSERT INTO b (x, y, z) VALUES ($4, $3, $5 || $3)) \
             INSERT INTO c (x) VALUES ($6)"
        );
        assert_eq!(
            merged.args,
            [
                Arg::Text("p".into()),
                Arg::Int(1),
                Arg::Text("q".into()),
                Arg::Int(2),
                Arg::OptText(Some("r".into())),
                Arg::OptInt(None),
            ]
        );
        assert_eq!(Stmt::merged(std::slice::from_ref(&one)), Some(one));
        assert_eq!(Stmt::merged(&[]), None);
        assert_eq!(renumber("$10 + $9, '$' $x", 5), "$15 + $14, '$' $x");
    }

    #[test]
    fn a_full_disk_reads_as_storage_full() {
        assert!(crate::error::storage_full(&fault_of(
            rusqlite::ffi::SQLITE_FULL
        )));
        assert!(crate::error::storage_full(&fault_of(
            rusqlite::ffi::SQLITE_IOERR_WRITE
        )));
        assert!(!crate::error::storage_full(&fault_of(
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        )));
    }

    fn fault_of(code: i32) -> sqlx::Error {
        fault(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            None,
        ))
    }
}
