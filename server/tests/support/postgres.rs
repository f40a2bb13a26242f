//! A throwaway PostgreSQL cluster from the system's binaries, on a free loopback port.
//!
//! PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user.
//! Missing binaries fail the test with what to install: a database test is never skipped silently.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct TempPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
    /// Commits are written before they are acknowledged (`synchronous_commit=on`): what a
    /// test that stops the server needs. Otherwise off, for speed.
    durable: bool,
    /// And synced to the disk (`fsync=on`, full page writes): what production runs, for
    /// benchmarks that compare with SQLite's synced commits. Otherwise off.
    synced: bool,
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

impl TempPostgres {
    pub fn start() -> Self {
        Self::start_with(false, false)
    }

    /// A cluster whose acknowledged commits survive `stop` (a crash of the server process; the
    /// OS keeps what was written, so fsync stays off).
    pub fn start_durable() -> Self {
        Self::start_with(true, false)
    }

    /// A cluster set as in production: every commit synced to the disk before it is
    /// acknowledged (for benchmarks).
    #[allow(dead_code)]
    pub fn start_synced() -> Self {
        Self::start_with(true, true)
    }

    fn start_with(durable: bool, synced: bool) -> Self {
        let bin = find_bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("tongban-pg-")
            .tempdir()
            .unwrap();
        let as_postgres_user = is_root();
        if as_postgres_user {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path()));
        }
        let pg = Self {
            dir,
            bin,
            port: free_port(),
            as_postgres_user,
            durable,
            synced,
        };
        let data = pg.dir.path().join("data");
        let mut initdb = pg.command("initdb");
        initdb.arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "-N",
        ]);
        run(&mut initdb);
        pg.restart();
        pg
    }

    /// Starts the cluster (again, after `stop`), on the same port and data.
    pub fn restart(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync={synced} -c synchronous_commit={} -c full_page_writes={synced}",
            self.port,
            self.dir.path().display(),
            if self.durable { "on" } else { "off" },
            synced = if self.synced { "on" } else { "off" },
        );
        let mut start = self.command("pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options, "-w", "start"]);
        run(&mut start);
    }

    /// Stops the cluster at once, as a crash would (`-m immediate`): no checkpoint, connections cut.
    pub fn stop(&self) {
        let mut stop = self.command("pg_ctl");
        stop.arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        run(&mut stop);
    }

    /// A new, empty database in the cluster, as a URL.
    pub fn new_database(&self) -> String {
        let name = format!(
            "tongban_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::SeqCst)
        );
        let mut create = self.command("createdb");
        create.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            &name,
        ]);
        run(&mut create);
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

fn find_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("TONGBAN_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    candidates.sort();
    candidates
        .into_iter()
        .rev()
        .find(|d| d.join("initdb").is_file())
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql. \
                 Install them with `apt-get install postgresql`, or set TONGBAN_PG_BIN to their folder."
            )
        })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
