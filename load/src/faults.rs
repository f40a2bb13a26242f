//! Faults during the mixed load (`TONGBAN_LOAD_FAULT=kill|postgres|objects|disk`): half-way
//! through, the server is killed with SIGKILL and started again on the same database, or the
//! PostgreSQL server is stopped under it for a while, or the object store cannot be written for a
//! while, or the disk under the SQLite database and the documents fills up for a while (a tmpfs:
//! needs root).
//! The load keeps a ledger of every write the server acknowledged and of every request that
//! failed, with its time; afterwards each acknowledged write is checked: drafts are at least at
//! their acknowledged versions, every acknowledged change sent again gets its first answer back
//! (so none is applied twice), every acknowledged application is there exactly once and every
//! acknowledged document can be read. Failures are allowed only while the fault lasts, and only
//! as 503 (or a refused connection while the server is dead).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::postgres::TempPostgres;

/// The environment variable that makes this binary the server alone (for the kill fault): a JSON
/// object with the address, database URL, object folder, key file and web folder.
pub const SERVE: &str = "TONGBAN_LOAD_SERVE";
/// When the fault comes, after the load has started.
const AT: Duration = Duration::from_secs(6);
/// How long the database or the object store stays away.
const DOWN: Duration = Duration::from_secs(3);
/// After the service answers again, requests already under way may still fail for this long.
const GRACE: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fault {
    Kill,
    Postgres,
    Objects,
    Disk,
}

impl Fault {
    pub fn from_env() -> Option<Fault> {
        match std::env::var("TONGBAN_LOAD_FAULT").ok()?.as_str() {
            "kill" => Some(Fault::Kill),
            "postgres" => Some(Fault::Postgres),
            "objects" => Some(Fault::Objects),
            "disk" => Some(Fault::Disk),
            other => panic!("TONGBAN_LOAD_FAULT={other}: say kill, postgres, objects or disk"),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Fault::Kill => "the server killed with SIGKILL and started again",
            Fault::Postgres => "the PostgreSQL server stopped for 3 s and started again",
            Fault::Objects => "the object store unwritable for 3 s",
            Fault::Disk => "the disk under the database and the documents full for 3 s",
        }
    }
}

/// Every acknowledged write and every failed request the load saw — kept only when a fault is
/// to be checked, so the plain bench measures the server, not the ledger.
pub struct Ledger {
    keeping: AtomicBool,
    /// (person, the change sent, the server's answer)
    changes: Mutex<Vec<(usize, Value, Value)>>,
    /// (person, object id)
    uploads: Mutex<Vec<(usize, String)>>,
    /// (when, status; 0 when there was no answer at all)
    failures: Mutex<Vec<(Instant, u16)>>,
}

pub static LEDGER: Ledger = Ledger {
    keeping: AtomicBool::new(false),
    changes: Mutex::new(Vec::new()),
    uploads: Mutex::new(Vec::new()),
    failures: Mutex::new(Vec::new()),
};

impl Ledger {
    /// From now on, what the load sees is kept.
    pub fn keep(&self) {
        self.keeping.store(true, Ordering::Relaxed);
    }

    fn keeping(&self) -> bool {
        self.keeping.load(Ordering::Relaxed)
    }

    pub fn change(&self, person: usize, change: &Value, answer: &Value) {
        if self.keeping() {
            let entry = (person, change.clone(), answer.clone());
            self.changes.lock().unwrap().push(entry);
        }
    }

    pub fn upload(&self, person: usize, object_id: String) {
        if self.keeping() {
            self.uploads.lock().unwrap().push((person, object_id));
        }
    }

    pub fn failure(&self, status: u16) {
        if self.keeping() {
            self.failures.lock().unwrap().push((Instant::now(), status));
        }
    }
}

/// The server as a process of its own (this binary started again with [`SERVE`]), so that it can
/// be killed.
pub struct ServerProcess {
    child: std::process::Child,
    spec: String,
    base: String,
}

impl ServerProcess {
    pub async fn spawn(
        base: &str,
        url: &str,
        objects: &std::path::Path,
        keys: &std::path::Path,
        web: &std::path::Path,
    ) -> Self {
        let addr = base.trim_start_matches("http://").to_owned();
        let spec =
            json!({ "addr": addr, "url": url, "objects": objects, "keys": keys, "web": web })
                .to_string();
        let child = spawn_server(&spec);
        let process = Self {
            child,
            spec,
            base: base.to_owned(),
        };
        wait_until_answering(&process.base).await;
        process
    }

    /// SIGKILL, then the same server again on the same database and address.
    async fn kill_and_restart(&mut self) {
        tokio::task::block_in_place(|| {
            self.child.kill().expect("SIGKILL");
            self.child.wait().expect("the killed server is reaped");
        });
        self.child = spawn_server(&self.spec);
        wait_until_answering(&self.base).await;
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(spec: &str) -> std::process::Child {
    Command::new(std::env::current_exe().expect("this binary"))
        .env(SERVE, spec)
        .stdout(Stdio::null())
        .spawn()
        .expect("the server process starts")
}

async fn wait_until_answering(base: &str) {
    for _ in 0..600 {
        if let Ok(r) = reqwest::get(format!("{base}/api/v1/matters")).await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server at {base} did not answer");
}

/// This binary as the server alone: runs until it is killed.
pub async fn serve(spec: &str) {
    let spec: Value = serde_json::from_str(spec).expect("a server spec");
    let text = |k: &str| spec[k].as_str().expect("spec field").to_owned();
    let mut config = tongban_server::Config::for_tests(text("url"), text("web"));
    config.addr = text("addr").parse().expect("an address");
    config.object_dir = PathBuf::from(text("objects"));
    config.dev_key_file = PathBuf::from(text("keys"));
    config.auth.max_sends_per_ip = 10_000;
    let _server = tongban_server::start(config)
        .await
        .expect("the server starts");
    std::future::pending::<()>().await;
}

/// When the fault began and when the service answered again.
pub struct Window {
    start: Instant,
    back: Instant,
}

/// What the fault needs to act on.
pub struct Target<'a> {
    pub base: String,
    pub token: String,
    pub process: Option<&'a mut ServerProcess>,
    pub postgres: Option<&'a TempPostgres>,
    pub objects: PathBuf,
    /// The folder on the disk that fills up.
    pub disk: PathBuf,
}

/// Waits until the load is under way, brings the fault, takes it away and waits until the
/// service answers again.
pub async fn inject(fault: Fault, target: Target<'_>) -> Window {
    tokio::time::sleep(AT).await;
    let start = Instant::now();
    let http = reqwest::Client::new();
    match fault {
        Fault::Kill => {
            target
                .process
                .expect("the server runs as a process")
                .kill_and_restart()
                .await
        }
        Fault::Postgres => {
            let pg = target.postgres.expect("a PostgreSQL cluster");
            tokio::task::block_in_place(|| pg.stop());
            tokio::time::sleep(DOWN).await;
            tokio::task::block_in_place(|| pg.restart());
            // Back when a request that needs the database succeeds.
            loop {
                let r = http
                    .get(format!("{}/api/v1/drafts", target.base))
                    .bearer_auth(&target.token)
                    .send()
                    .await;
                if r.is_ok_and(|r| r.status().is_success()) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Fault::Objects => {
            // The store's place is taken by a file: nothing can be written there.
            let aside = target.objects.with_extension("aside");
            std::fs::rename(&target.objects, &aside).expect("the object folder moves");
            std::fs::write(&target.objects, b"not a folder").unwrap();
            tokio::time::sleep(DOWN).await;
            std::fs::remove_file(&target.objects).unwrap();
            std::fs::rename(&aside, &target.objects).expect("the object folder comes back");
        }
        Fault::Disk => {
            let ballast = target.disk.join("ballast");
            tokio::task::block_in_place(|| fill(&ballast));
            tokio::time::sleep(DOWN).await;
            std::fs::remove_file(&ballast).expect("the ballast goes");
        }
    }
    Window {
        start,
        back: Instant::now(),
    }
}

/// Writes `path` until the disk under it is full.
fn fill(path: &std::path::Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).expect("the ballast file");
    let chunk = vec![0u8; 1 << 20];
    while file.write_all(&chunk).is_ok() {}
    // The last bytes, a page at a time.
    let page = vec![0u8; 4096];
    while file.write_all(&page).is_ok() {}
    let _ = file.sync_all();
}

/// What was found after the load.
pub struct Report {
    pub lines: Vec<String>,
    pub ok: bool,
}

/// Checks every acknowledged write against the server and sorts the failures by the fault's
/// window. `tokens` are the people's sessions, by person.
pub async fn verify(fault: Fault, base: &str, tokens: &[String], window: &Window) -> Report {
    let http = reqwest::Client::new();
    let get = |path: String, token: &str| {
        http.get(format!("{base}/api/v1{path}"))
            .bearer_auth(token)
            .send()
    };
    let mut problems = Vec::new();

    // Failures: inside the window only, and only what the fault explains.
    let allowed: &[u16] = match fault {
        Fault::Kill => &[0, 503],
        Fault::Postgres | Fault::Objects | Fault::Disk => &[503],
    };
    let (mut inside, mut outside) = (BTreeMap::<u16, usize>::new(), BTreeMap::<u16, usize>::new());
    for (at, status) in LEDGER.failures.lock().unwrap().iter() {
        let during = *at >= window.start && *at <= window.back + GRACE;
        *if during { &mut inside } else { &mut outside }
            .entry(*status)
            .or_default() += 1;
    }
    let unexplained: usize = inside
        .iter()
        .filter(|(s, _)| !allowed.contains(s))
        .map(|(_, n)| n)
        .sum();
    if unexplained > 0 || !outside.is_empty() {
        problems.push(format!(
            "failures the fault does not explain: during it {inside:?}, outside it {outside:?}"
        ));
    }

    let changes = LEDGER.changes.lock().unwrap().clone();
    // Before anything is sent again: every draft is at least at its last acknowledged version.
    let mut acknowledged: HashMap<(usize, String), u64> = HashMap::new();
    let mut receipts: HashMap<usize, Vec<String>> = HashMap::new();
    for (person, change, answer) in &changes {
        let draft = change["draft_id"].as_str().unwrap_or_default().to_owned();
        if let Some(v) = answer["snapshot"]["version"].as_u64() {
            let e = acknowledged.entry((*person, draft)).or_default();
            *e = (*e).max(v);
        }
        if answer["result"] == "submitted" {
            let receipt = answer["receipt"].as_str().unwrap_or_default().to_owned();
            receipts.entry(*person).or_default().push(receipt);
        }
    }
    let mut went_back = 0;
    let mut applications_checked = 0;
    for (person, token) in tokens.iter().enumerate() {
        let drafts: Vec<Value> = get("/drafts".into(), token)
            .await
            .expect("drafts answer")
            .json()
            .await
            .expect("drafts as JSON");
        let stored: HashMap<&str, u64> = drafts
            .iter()
            .filter_map(|d| Some((d["draft_id"].as_str()?, d["version"].as_u64()?)))
            .collect();
        let applications: Value = get("/applications".into(), token)
            .await
            .expect("applications answer")
            .json()
            .await
            .expect("applications as JSON");
        let mut held: HashMap<&str, usize> = HashMap::new();
        for a in applications["items"]
            .as_array()
            .expect("a list of applications")
        {
            *held
                .entry(a["receipt"].as_str().unwrap_or_default())
                .or_default() += 1;
        }
        for ((p, draft), version) in &acknowledged {
            // A submitted draft leaves the list: its application is checked instead.
            if *p == person && stored.get(draft.as_str()).is_some_and(|v| v < version) {
                went_back += 1;
            }
        }
        for receipt in receipts.get(&person).into_iter().flatten() {
            applications_checked += 1;
            match held.get(receipt.as_str()) {
                Some(1) => {}
                n => problems.push(format!(
                    "person {person}: acknowledged application {receipt} held {} times",
                    n.copied().unwrap_or(0)
                )),
            }
        }
        if held.values().any(|n| *n > 1) {
            problems.push(format!("person {person}: an application is there twice"));
        }
    }
    if went_back > 0 {
        problems.push(format!(
            "{went_back} drafts are behind their acknowledged version"
        ));
    }

    // Every acknowledged change, sent again, gets its first answer back.
    let mut again_differs = Vec::new();
    for chunk in changes.chunks(16) {
        let replies: Vec<_> = chunk
            .iter()
            .map(|(person, change, _)| {
                let draft = change["draft_id"].as_str().unwrap_or_default();
                let sent = http
                    .post(format!("{base}/api/v1/drafts/{draft}/changes"))
                    .bearer_auth(&tokens[*person])
                    .json(change)
                    .send();
                tokio::spawn(async move {
                    match sent.await {
                        Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
                        _ => None,
                    }
                })
            })
            .collect();
        for ((_, change, first), reply) in chunk.iter().zip(replies) {
            if reply.await.ok().flatten().as_ref() != Some(first) {
                again_differs.push(change["op_id"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    if !again_differs.is_empty() {
        problems.push(format!(
            "{} acknowledged changes answered differently when sent again (first: {:?})",
            again_differs.len(),
            &again_differs[..again_differs.len().min(3)]
        ));
    }

    // Every acknowledged document can be read.
    let uploads = LEDGER.uploads.lock().unwrap().clone();
    let mut unreadable = 0;
    for (person, object) in &uploads {
        let ok = get(format!("/materials/{object}"), &tokens[*person])
            .await
            .is_ok_and(|r| r.status().is_success());
        unreadable += usize::from(!ok);
    }
    if unreadable > 0 {
        problems.push(format!(
            "{unreadable} acknowledged documents cannot be read"
        ));
    }

    let mut lines = vec![format!(
        "BENCH fault during the load ({}): answering again {:.1} s after it began; {} failed requests while it lasted {:?}, {} outside it; {} acknowledged changes kept and none applied twice, {} acknowledged applications there once each, {} acknowledged documents readable — {}",
        fault.describe(),
        (window.back - window.start).as_secs_f64(),
        inside.values().sum::<usize>(),
        inside,
        outside.values().sum::<usize>(),
        changes.len() - again_differs.len(),
        applications_checked,
        uploads.len() - unreadable,
        if problems.is_empty() { "ok" } else { "FAILED" },
    )];
    let ok = problems.is_empty();
    lines.extend(problems.into_iter().map(|p| format!("  {p}")));
    Report { lines, ok }
}
