//! Faults under load: while 32 drafts are being filled and submitted at once, the server process
//! is killed with SIGKILL (no shutdown, no flush) and started again on the same database. Then:
//! every change the server acknowledged is there; asking again for any acknowledged change gets
//! its first answer, not a second application of it; the change that was in flight when the
//! server died is applied at most once when resent; and every draft ends as one application.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::forms::{fill, ID_A, JPEG, PHONE_A};
use tongban_core::auth::{MemorySecretStore, SessionSecretStore};
use tongban_core::draft::{submission_key, Change, ChangeKind, ChangeReply};
use tongban_core::form::FormSchema;
use tongban_core::{ApiClient, ApiError};

const MATTER: &str = "330000-GA-0001";
const DRAFTS: usize = 32;

/// The server binary, running on a folder's database, with its log kept.
struct Process {
    child: Child,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

async fn start(dir: &Path, web: &Path) -> Process {
    let port = support::postgres::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tongban-server"))
        .arg("--dev")
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.join("tongban.db").display()))
        .arg("--object-dir")
        .arg(dir.join("objects"))
        .arg("--web-dir")
        .arg(web)
        .env("TONGBAN_DEV_KEY_FILE", dir.join("dev-keys"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let log = Arc::new(Mutex::new(Vec::new()));
    let lines = BufReader::new(child.stderr.take().unwrap());
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/api/v1/matters")).await {
            if r.status().is_success() {
                return Process { child, base, log };
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not answer: {:?}", log.lock().unwrap());
}

fn client(base: &str, secrets: &Arc<MemorySecretStore>) -> ApiClient {
    ApiClient::new(base).with_secret_store(secrets.clone())
}

/// What one draft's writer has seen: each change with the server's answer, and the one in
/// flight when the server went away.
#[derive(Default)]
struct Writer {
    acknowledged: Vec<(Change, ChangeReply)>,
    in_flight: Option<Change>,
    version: u64,
    done: bool,
}

fn version_of(reply: &ChangeReply) -> Option<u64> {
    match reply {
        ChangeReply::Applied { snapshot } | ChangeReply::Submitted { snapshot, .. } => {
            Some(snapshot.version)
        }
        _ => None,
    }
}

/// The changes that fill draft `i` and submit it, in order (each based on the one before).
fn plan(i: usize, schema: &FormSchema, object_id: &str) -> Vec<ChangeKind> {
    let mut kinds = vec![ChangeKind::Create {
        form_id: MATTER.into(),
    }];
    for (path, value) in fill(schema, object_id) {
        kinds.push(ChangeKind::Set {
            path,
            value: Some(value),
        });
    }
    kinds.push(ChangeKind::Submit {
        idempotency_key: submission_key(&format!("fault-{i}")),
    });
    kinds
}

fn change(i: usize, step: usize, base_version: u64, kind: ChangeKind) -> Change {
    Change {
        op_id: format!("fault-{i}-{step}"),
        draft_id: format!("fault-{i}"),
        device_id: "phone".into(),
        base_version,
        kind,
    }
}

/// Sends draft `i`'s changes from where its writer stands until one fails to get an answer.
async fn write(
    api: ApiClient,
    i: usize,
    plan: Vec<ChangeKind>,
    writer: Arc<Mutex<Writer>>,
    acked: Arc<AtomicUsize>,
) {
    loop {
        let (step, next) = {
            let mut w = writer.lock().unwrap();
            let step = w.acknowledged.len();
            if step == plan.len() {
                w.done = true;
                return;
            }
            let next = w
                .in_flight
                .clone()
                .unwrap_or_else(|| change(i, step, w.version, plan[step].clone()));
            w.in_flight = Some(next.clone());
            (step, next)
        };
        match api.send_change(&next).await {
            Ok(reply) => {
                let mut w = writer.lock().unwrap();
                let version = version_of(&reply)
                    .unwrap_or_else(|| panic!("draft {i} step {step}: {reply:?}"));
                w.version = version;
                w.acknowledged.push((next, reply));
                w.in_flight = None;
                acked.fetch_add(1, Ordering::SeqCst);
            }
            Err(ApiError::Network { .. } | ApiError::Server { .. }) => return,
            Err(e) => panic!("draft {i} step {step}: {e:?}"),
        }
    }
}

/// One writer task per draft, each going on from where its writer stands.
fn writers_at(
    base: &str,
    secrets: &Arc<MemorySecretStore>,
    plans: &[Vec<ChangeKind>],
    writers: &[Arc<Mutex<Writer>>],
    acked: &Arc<AtomicUsize>,
) -> tokio::task::JoinSet<()> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, plan) in plans.iter().enumerate() {
        let api = client(base, secrets);
        tasks.spawn(write(
            api,
            i,
            plan.clone(),
            writers[i].clone(),
            acked.clone(),
        ));
    }
    tasks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_under_load_loses_no_acknowledged_change_and_applies_none_twice() {
    let dir = tempfile::tempdir().unwrap();
    let web = support::fake_web_dir();
    let mut server = start(dir.path(), web.path()).await;

    let secrets = Arc::new(MemorySecretStore::default());
    let api = client(&server.base, &secrets);
    api.send_login_code(PHONE_A).await.unwrap();
    let code = server
        .log
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find_map(|l| l.split("code=").nth(1).map(|c| c[..6].to_owned()))
        .expect("the development sender logged a code");
    api.login(PHONE_A, &code).await.unwrap();
    api.verify_identity("张三", ID_A).await.unwrap();
    let upload = api.upload_material(JPEG.to_vec()).await.unwrap();
    let schema = FormSchema::for_matter(&api.matter_guide(MATTER).await.unwrap());
    let plans: Vec<Vec<ChangeKind>> = (0..DRAFTS)
        .map(|i| plan(i, &schema, &upload.object_id))
        .collect();
    let total: usize = plans.iter().map(Vec::len).sum();

    // Everyone at once; the server dies when about a third has been answered.
    let writers: Vec<Arc<Mutex<Writer>>> = (0..DRAFTS).map(|_| Default::default()).collect();
    let acked = Arc::new(AtomicUsize::new(0));
    let tasks = writers_at(&server.base, &secrets, &plans, &writers, &acked);
    while acked.load(Ordering::SeqCst) < total / 3 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let at_kill = acked.load(Ordering::SeqCst);
    tasks.join_all().await;
    let before_restart = acked.load(Ordering::SeqCst);
    assert!(
        before_restart < total,
        "the server died before the work was done"
    );

    let server = start(dir.path(), web.path()).await;
    let api = client(&server.base, &secrets);
    assert!(secrets.load().is_some());

    // Read back before anything is resent: what was acknowledged is what the database holds.
    let stored = api.drafts().await.unwrap();
    let submitted = api.applications().await.unwrap();
    let token = secrets.load().unwrap();
    for (i, writer) in writers.iter().enumerate() {
        let (last, version, submitting) = {
            let w = writer.lock().unwrap();
            let submitting = w
                .in_flight
                .as_ref()
                .is_some_and(|c| matches!(c.kind, ChangeKind::Submit { .. }));
            (w.acknowledged.last().cloned(), w.version, submitting)
        };
        match last {
            None => {}
            Some((_, ChangeReply::Submitted { receipt, .. })) => assert!(
                submitted.iter().any(|a| a.receipt == receipt),
                "draft {i}: its acknowledged application {receipt} is gone"
            ),
            Some(_) => {
                let listed = stored.iter().find(|d| d.draft_id == format!("fault-{i}"));
                let found = match listed {
                    Some(found) => found.clone(),
                    // Not listed: a submitted draft is an application now. Only the submission
                    // in flight at the kill may have done that (applied, its answer lost).
                    None => {
                        assert!(submitting, "draft {i}: acknowledged, and gone");
                        let r = reqwest::Client::new()
                            .get(format!("{}/api/v1/drafts/fault-{i}", server.base))
                            .bearer_auth(&token)
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(r.status(), 200, "draft {i}: acknowledged, and gone");
                        let found: tongban_core::draft::DraftSnapshot = r.json().await.unwrap();
                        // Not deleted and not listed: submitted.
                        assert!(!found.deleted, "draft {i}: deleted");
                        found
                    }
                };
                assert!(found.version >= version, "draft {i} went back");
            }
        }
    }

    // Every acknowledged change is there: asked again, each gets its first answer back (so none
    // is applied twice), and each draft is at least at its last acknowledged version.
    let mut in_flight = 0;
    for (i, writer) in writers.iter().enumerate() {
        let (acknowledged, pending) = {
            let w = writer.lock().unwrap();
            (w.acknowledged.clone(), w.in_flight.is_some())
        };
        in_flight += usize::from(pending);
        for (change, first) in &acknowledged {
            let again = api.send_change(change).await.unwrap();
            assert_eq!(&again, first, "draft {i}: {}", change.op_id);
        }
    }
    // The writers go on where they were, resending what was in flight.
    let tasks = writers_at(&server.base, &secrets, &plans, &writers, &acked);
    tasks.join_all().await;
    for (i, writer) in writers.iter().enumerate() {
        let w = writer.lock().unwrap();
        assert!(w.done, "draft {i} did not finish");
        // Each answer moved the draft one version on: none was applied twice, none lost.
        let versions: Vec<u64> = w
            .acknowledged
            .iter()
            .filter(|(c, _)| matches!(c.kind, ChangeKind::Set { .. }))
            .filter_map(|(_, r)| version_of(r))
            .collect();
        assert!(
            versions.windows(2).all(|v| v[1] == v[0] + 1),
            "draft {i}: versions {versions:?}"
        );
    }
    let applications = api.applications().await.unwrap();
    let mut receipts: Vec<&str> = applications.iter().map(|a| a.receipt.as_str()).collect();
    receipts.sort_unstable();
    receipts.dedup();
    assert_eq!(
        (applications.len(), receipts.len()),
        (DRAFTS, DRAFTS),
        "one application per draft"
    );
    println!(
        "{total} changes; killed after {at_kill} answers ({before_restart} before the restart, \
         {in_flight} in flight); all {DRAFTS} drafts submitted once"
    );
    drop(server);
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PostgreSQL server goes away under the API and comes back: while it is down every request
/// that needs it is a 503 with the JSON error body (within seconds, not hanging), and when it is
/// back the API answers again by itself — with what was acknowledged before still there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_503_while_postgres_is_down_and_recovers_by_itself() {
    let pg = support::postgres::TempPostgres::start_durable();
    let server = support::auth::AuthServer::on(pg.new_database(), Vec::new(), |_| {}).await;
    let (api, secrets) = server.login(PHONE_A).await;
    let created = change(
        0,
        0,
        0,
        ChangeKind::Create {
            form_id: MATTER.into(),
        },
    );
    let first = api.send_change(&created).await.unwrap();
    let token = secrets.load().unwrap();
    let drafts = || {
        reqwest::Client::new()
            .get(server.url("/drafts"))
            .bearer_auth(&token)
            .send()
    };

    pg.stop();
    let started = std::time::Instant::now();
    let down = drafts().await.unwrap();
    assert_eq!(down.status().as_u16(), 503);
    let body: serde_json::Value = down.json().await.unwrap();
    assert_eq!(body["code"], "server", "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(
        api.send_change(&change(0, 1, 1, ChangeKind::Delete)).await,
        Err(ApiError::Server { status: 503, .. })
    ));

    pg.restart();
    let mut answered = None;
    for _ in 0..100 {
        let r = drafts().await.unwrap();
        if r.status().is_success() {
            answered = Some(r);
            break;
        }
        // 503 until the pool has a connection again; never anything else.
        assert_eq!(
            r.status().as_u16(),
            503,
            "{}",
            r.text().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let listed: Vec<serde_json::Value> = answered
        .expect("the API answers again once PostgreSQL is back")
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "the draft acknowledged before is there");
    assert_eq!(
        api.send_change(&created).await.unwrap(),
        first,
        "and not made twice"
    );
}

/// The object store cannot be written for a while: an upload fails cleanly (a 503 with the JSON
/// error body, nothing recorded), and the same upload succeeds once the store is back.
#[tokio::test]
async fn an_unreachable_object_store_fails_uploads_cleanly_until_it_is_back() {
    let objects = tempfile::tempdir().unwrap();
    let folder = objects.path().join("store");
    let configured = folder.clone();
    let server = support::auth::AuthServer::on_sqlite(move |c| c.object_dir = configured).await;
    let (api, _) = server.login(PHONE_A).await;
    api.verify_identity("张三", ID_A).await.unwrap();
    // The store's place is taken by a file: nothing can be written there.
    std::fs::write(&folder, b"not a folder").unwrap();
    match api.upload_material(JPEG.to_vec()).await {
        Err(ApiError::Server {
            status: 503,
            detail,
        }) => {
            assert!(!detail.contains("store"), "no path in the answer: {detail}")
        }
        other => panic!("an upload into a broken store: {other:?}"),
    }
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM materials")
        .fetch_one(server.server.db().pool())
        .await
        .unwrap();
    assert_eq!(
        recorded, 0,
        "nothing recorded for a document that was not stored"
    );
    std::fs::remove_file(&folder).unwrap();
    let stored = api.upload_material(JPEG.to_vec()).await.unwrap();
    assert_eq!(
        api.material(&stored.object_id).await.unwrap().len() as u64,
        stored.size
    );
}
