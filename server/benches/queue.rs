//! The workbench's queue at 100,000 cases on SQLite: latency (p50/p95) of `GET /staff/cases` as
//! a department's staff member asks for it — all open cases oldest due first, due soon, overdue,
//! one status, one matter, given to me. 40 % of the cases are the measured department's, 70 % of
//! all are closed (completed or refused), as a year of a city's cases would be. Run by
//! `cargo xtask bench` (release); prints `BENCH …` lines.

mod support;

use std::sync::Arc;
use std::time::Instant;

use support::percentile;
use tongban_core::auth::MemorySecretStore;
use tongban_core::case::StaffRole;
use tongban_core::ApiClient;
use tongban_server::auth::sms::DevLogSender;
use tongban_server::store::NewStaff;

const CASES: usize = 100_000;
const ROUNDS: usize = 100;
const DEPARTMENT: &str = "330100-ga";
const OTHERS: [&str; 6] = [
    "330100-mz",
    "330100-rs",
    "330100-yb",
    "330100-gjj",
    "310000-ga",
    "100000-xsfz",
];
const MATTERS: [&str; 3] = ["330000-GA-0001", "330000-GA-0002", "330100-GA-0011"];
const STATUSES: [&str; 10] = [
    "completed",
    "completed",
    "completed",
    "completed",
    "completed",
    "rejected",
    "completed",
    "submitted",
    "accepted",
    "in-review",
];

/// A case's answers as a person gives them (the queue reads them with each row).
fn answers(n: usize) -> String {
    format!(
        r#"{{"applicant.name":{{"type":"text","value":"申请人{n}"}},"applicant.id-number":{{"type":"text","value":"11010519491231002X"}},"applicant.phone":{{"type":"text","value":"1380013{:04}"}},"applicant.address":{{"type":"text","value":"浙江省杭州市西湖区文三路 {n} 号"}},"reason":{{"type":"choices","value":["expired"]}},"photo":{{"type":"material","value":{{"how":"uploaded","object_id":"obj-{n}","file_name":"photo.jpg","size":48213}}}}}}"#,
        n % 10_000
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let (server, _dirs) = support::start(&DevLogSender::default(), |_| {}).await;
    let base = server.base_url();
    let hash = tongban_server::auth::password::hash_password("bench password 1").unwrap();
    server
        .db()
        .put_staff(NewStaff::new(
            "bench.clerk",
            "压测",
            DEPARTMENT,
            StaffRole::Supervisor,
            &hash,
        ))
        .await
        .unwrap();
    let staff_id: String =
        sqlx::query_scalar("SELECT id FROM staff WHERE username = 'bench.clerk'")
            .fetch_one(server.db().pool())
            .await
            .unwrap();

    // Seed: 100,000 cases, each with its application, in batches.
    let seeded = Instant::now();
    let today = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400) as i64;
    let pool = server.db().pool();
    let mut tx = pool.begin().await.unwrap();
    for chunk in (0..CASES).collect::<Vec<_>>().chunks(500) {
        let mut apps = Vec::new();
        let mut cases = Vec::new();
        for &n in chunk {
            let department = if n % 10 < 4 {
                DEPARTMENT
            } else {
                OTHERS[n % OTHERS.len()]
            };
            let status = STATUSES[(n / 7) % STATUSES.len()];
            let matter = MATTERS[n % MATTERS.len()];
            let created = (today - 120 + (n % 120) as i64) * 86_400 + (n % 86_400) as i64;
            let due = today - 20 + (n % 60) as i64;
            let assignee = if n % 5 == 0 {
                format!("'{staff_id}'")
            } else {
                "NULL".into()
            };
            apps.push(format!(
                "('app-{n}', 'TB{n:012}', 'account-{}', 'draft-{n}', '{matter}', '{}', '{status}', {created}, {created})",
                n % 5_000,
                answers(n)
            ));
            cases.push(format!(
                "('case-{n}', 'app-{n}', '{department}', NULL, 'deciding', NULL, '[\"{matter}\"]', '{}', '{status}', 20, {due}, 'published', NULL, {assignee}, {created}, {created})",
                answers(n)
            ));
        }
        sqlx::query(&format!(
            "INSERT INTO applications (id, receipt, owner, draft_id, form_id, answers_json, status, created_at, updated_at) VALUES {}",
            apps.join(",")
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(&format!(
            "INSERT INTO cases (id, application_id, department_id, receiving_department_id, holder, mode, matters_json, answers_json, status, promised_days, due_day, due_certainty, paused_days_left, assignee, created_at, updated_at) VALUES {}",
            cases.join(",")
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    eprintln!(
        "seeded {CASES} cases in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let api = ApiClient::new(&base).with_secret_store(Arc::new(MemorySecretStore::default()));
    api.staff_login("bench.clerk", "bench password 1")
        .await
        .unwrap();
    for (label, query) in [
        ("open cases, oldest due first", ""),
        ("due soon", "due=soon"),
        ("overdue", "due=overdue"),
        ("one status (in review)", "status=in-review"),
        ("one matter", "matter=330000-GA-0001"),
        ("given to me", "mine=true"),
    ] {
        let first = api.staff_cases(query).await.unwrap();
        assert!(!first.is_empty(), "{label}: the queue is empty");
        let mut latencies = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let list = api.staff_cases(query).await.unwrap();
            latencies.push(t.elapsed());
            assert_eq!(list.len(), first.len());
        }
        latencies.sort();
        println!(
            "BENCH workbench queue at {CASES} cases, {label} ({} rows): p50 {:.1} ms, p95 {:.1} ms",
            first.len(),
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.95)
        );
    }
    server.shutdown().await.unwrap();
}
