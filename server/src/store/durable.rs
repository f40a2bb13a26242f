//! Group commit for SQLite: a reply to a write is sent only once what it wrote is on the disk,
//! and the requests waiting at one moment share one disk flush.
//!
//! SQLite in WAL mode with `synchronous=FULL` syncs the log inside every commit, while it holds
//! the write lock: commits could not run faster than one flush each (~330/s on this machine's
//! disk), and every writer queued behind the flush of the one before. With `synchronous=NORMAL`
//! a commit only writes its frames to the log (a process killed right after loses nothing, the
//! OS has them); what the machine losing power could still take is made durable here, outside
//! the lock: [`Flusher::flush`] syncs the log file, and one sync serves every request that asked
//! before it began. A checkpoint that moves frames out of the log syncs the log before and the
//! database after, so a frame is on the disk in one or the other.
//!
//! PostgreSQL flushes its own log at commit (and groups concurrent commits itself): nothing to do.

use std::cell::Cell;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Syncs one SQLite database's write-ahead log for everyone who asked before the sync began.
#[derive(Debug)]
pub(crate) struct Flusher {
    wal: PathBuf,
    /// Tickets handed out (one per `flush` call) and the highest one a finished sync covers.
    asked: AtomicU64,
    covered: AtomicU64,
    /// Syncs done (the figure group commit keeps small).
    syncs: AtomicU64,
    /// One sync at a time; who waits here is covered by the next one.
    turn: tokio::sync::Mutex<()>,
}

impl Flusher {
    /// For the database file `db` (its log is `db-wal`).
    pub(crate) fn new(db: &Path) -> Self {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        Self {
            wal: wal.into(),
            asked: AtomicU64::new(0),
            covered: AtomicU64::new(0),
            syncs: AtomicU64::new(0),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Returns once everything committed before this call is on the disk.
    pub(crate) async fn flush(&self) -> std::io::Result<()> {
        let ticket = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let _turn = self.turn.lock().await;
        if self.covered.load(Ordering::SeqCst) >= ticket {
            return Ok(()); // a sync that began after we asked has finished
        }
        // Every ticket up to here was asked after its commits finished, and the sync begins
        // after this read: it covers them all.
        let upto = self.asked.load(Ordering::SeqCst);
        let wal = self.wal.clone();
        tokio::task::spawn_blocking(move || sync_file(&wal))
            .await
            .map_err(std::io::Error::other)??;
        self.covered.store(upto, Ordering::SeqCst);
        self.syncs.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// How many syncs were done.
    pub(crate) fn syncs(&self) -> u64 {
        self.syncs.load(Ordering::SeqCst)
    }
}

tokio::task_local! {
    /// Whether the request being answered wrote something its reply stands on (a read that
    /// is audited, above all): set by the store, read by [`noting_writes`].
    static WROTE: Cell<bool>;
}

/// Runs a request's handling, and says whether it noted a write ([`note_write`]).
pub async fn noting_writes<F: Future>(handling: F) -> (F::Output, bool) {
    WROTE
        .scope(Cell::new(false), async move {
            let out = handling.await;
            (out, WROTE.with(Cell::get))
        })
        .await
}

/// The request being answered (if any) wrote something: its reply waits for the flush.
pub(crate) fn note_write() {
    let _ = WROTE.try_with(|w| w.set(true));
}

/// `fdatasync` of the file; none there means no connection has the log open (the last one to
/// close checkpoints it into the database, synced, and removes it).
fn sync_file(path: &Path) -> std::io::Result<()> {
    match std::fs::File::open(path) {
        Ok(file) => file.sync_data(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_concurrent_flush_is_covered_by_a_finished_sync_and_a_missing_log_is_nothing_to_sync(
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let flusher = std::sync::Arc::new(Flusher::new(&db));
        // No log yet: nothing to sync, and no error.
        flusher.flush().await.unwrap();
        std::fs::write(dir.path().join("t.db-wal"), b"frames").unwrap();
        let waiting: Vec<_> = (0..32)
            .map(|_| {
                let f = flusher.clone();
                tokio::spawn(async move { f.flush().await })
            })
            .collect();
        for w in waiting {
            w.await.unwrap().unwrap();
        }
        // Every ticket is covered by a sync that finished.
        assert_eq!(flusher.covered.load(Ordering::SeqCst), 33);
    }

    #[tokio::test]
    async fn a_write_noted_while_handling_is_seen_and_outside_a_request_is_nothing() {
        note_write(); // no request: ignored
        let ((), wrote) = noting_writes(async {}).await;
        assert!(!wrote);
        let ((), wrote) = noting_writes(async {
            tokio::task::yield_now().await;
            note_write();
        })
        .await;
        assert!(wrote);
    }

    #[tokio::test]
    async fn a_log_that_cannot_be_opened_is_an_error_not_a_durable_reply() {
        let dir = tempfile::tempdir().unwrap();
        // The database "inside" a plain file: its log cannot be opened (ENOTDIR, not missing).
        let not_a_folder = dir.path().join("plain");
        std::fs::write(&not_a_folder, b"").unwrap();
        let flusher = Flusher::new(&not_a_folder.join("t.db"));
        assert!(flusher.flush().await.is_err());
    }
}
