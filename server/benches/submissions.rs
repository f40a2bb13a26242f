//! Submissions per second with 64 concurrent clients, and their latency (p50/p95/p99), on SQLite
//! and then on PostgreSQL set as in production (a throwaway cluster, every commit synced to the
//! disk, as SQLite's are). Each client logs in, verifies its identity, fills drafts through the
//! sync protocol, then all submit at once. Run by `cargo xtask bench` (release); prints `BENCH …`
//! lines.

/// The server's own allocator, as it ships.
#[global_allocator]
static ALLOCATOR: tongban_server::Allocator = tongban_server::Allocator;

#[path = "../tests/support/forms.rs"]
#[allow(dead_code)]
mod forms;
#[path = "../tests/support/postgres.rs"]
#[allow(dead_code)]
mod postgres;
mod support;

use std::sync::Arc;
use std::time::Instant;

use support::percentile;
use tongban_core::auth::MemorySecretStore;
use tongban_core::draft::{submission_key, Change, ChangeKind, ChangeReply};
use tongban_core::form::FormSchema;
use tongban_core::ApiClient;
use tongban_server::auth::sms::DevLogSender;

const CLIENTS: usize = 64;
const DRAFTS_PER_CLIENT: usize = 8;
const MATTER: &str = "330000-GA-0001";

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    // Server faults are printed (RUST_LOG=… for more).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "error".into()),
        )
        .init();
    let sqlite = measure("SQLite", None).await;
    let cluster = postgres::TempPostgres::start_synced();
    let postgres = measure("PostgreSQL", Some(cluster.new_database())).await;
    println!(
        "BENCH submissions on PostgreSQL take {:.2}× the time of SQLite's (target ≤ 2×)",
        sqlite / postgres
    );
}

/// Runs the bench on one database (a new SQLite file when `url` is none); submissions/s.
async fn measure(label: &str, url: Option<String>) -> f64 {
    let sms = DevLogSender::default();
    let (server, _dirs) = support::start_on(url, &sms, |c| c.auth.max_sends_per_ip = 10_000).await;
    let base = server.base_url();

    // Prepare: every client logged in, verified, with filled drafts.
    let mut prepared = Vec::new();
    for n in 0..CLIENTS {
        let base = base.clone();
        let sms = sms.clone();
        prepared.push(tokio::spawn(async move {
            let phone = format!("1390000{n:04}");
            let api =
                ApiClient::new(&base).with_secret_store(Arc::new(MemorySecretStore::default()));
            api.send_login_code(&phone).await.unwrap();
            api.login(&phone, &sms.last_code(&phone).unwrap())
                .await
                .unwrap();
            api.verify_identity("张三", &forms::id_number(n))
                .await
                .unwrap();
            let schema = FormSchema::for_matter(&api.matter_guide(MATTER).await.unwrap());
            let upload = api.upload_material(forms::JPEG.to_vec()).await.unwrap();
            let mut drafts = Vec::new();
            for d in 0..DRAFTS_PER_CLIENT {
                let draft = format!("bench-{n}-{d}");
                let mut op = 0;
                let mut change = |base_version, kind| {
                    op += 1;
                    Change {
                        op_id: format!("{draft}-{op}"),
                        draft_id: draft.clone(),
                        device_id: format!("device-{n}"),
                        base_version,
                        kind,
                    }
                };
                let mut version = 0;
                let create = change(
                    0,
                    ChangeKind::Create {
                        form_id: MATTER.into(),
                    },
                );
                if let ChangeReply::Applied { snapshot } = api.send_change(&create).await.unwrap() {
                    version = snapshot.version;
                }
                for (path, value) in forms::fill(&schema, &upload.object_id) {
                    let set = change(
                        version,
                        ChangeKind::Set {
                            path,
                            value: Some(value),
                        },
                    );
                    if let ChangeReply::Applied { snapshot } = api.send_change(&set).await.unwrap()
                    {
                        version = snapshot.version;
                    }
                }
                drafts.push(change(
                    version,
                    ChangeKind::Submit {
                        idempotency_key: submission_key(&draft),
                    },
                ));
            }
            (api, drafts)
        }));
    }
    let mut clients = Vec::new();
    for p in prepared {
        clients.push(p.await.unwrap());
    }

    // Measure: all clients submit all their drafts at once.
    let syncs_before = server.db().log_syncs();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (api, drafts) in clients {
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for submit in drafts {
                let t = Instant::now();
                let reply = api.send_change(&submit).await.unwrap();
                assert!(matches!(reply, ChangeReply::Submitted { .. }), "{reply:?}");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let total = latencies.len();
    let rate = total as f64 / elapsed;
    // On SQLite: how many log syncs the replies waited for (group commit: far fewer than
    // the writes); PostgreSQL syncs its own log at commit.
    let syncs = match server.db().log_syncs() - syncs_before {
        0 => String::new(),
        n => format!("; {n} log syncs for {total} submissions and their audit entries"),
    };
    println!(
        "BENCH submissions on {label}, {CLIENTS} concurrent clients: {rate:.0} per second ({total} in {:.2} s); latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms{syncs}",
        elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
    );
    server.shutdown().await.unwrap();
    rate
}
