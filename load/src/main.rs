//! A bounded mixed load on the real server, with goose (a load-testing framework from crates.io):
//! people searching, reading guides, saving answers, uploading documents and submitting, while
//! department staff take cases from the queue — in about the proportions the apps make them.
//! Prints `BENCH load …` with requests per second, p50/p99 and errors, for SQLite or (with
//! `TONGBAN_LOAD_POSTGRES=1`, on a throwaway cluster) PostgreSQL. Run by `cargo xtask bench`.

/// The server's own allocator, as it ships.
#[global_allocator]
static ALLOCATOR: tongban_server::Allocator = tongban_server::Allocator;

mod faults;
#[path = "../../server/tests/support/forms.rs"]
#[allow(dead_code)]
mod forms;
mod mount;
#[path = "../../server/tests/support/postgres.rs"]
#[allow(dead_code)]
mod postgres;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use goose::prelude::*;
use serde_json::{json, Value};
use tongban_core::auth::{MemorySecretStore, SessionSecretStore};
use tongban_core::case::StaffRole;
use tongban_core::draft::{submission_key, Change, ChangeKind, ChangeReply};
use tongban_core::form::{Answer, FormSchema};
use tongban_core::ApiClient;
use tongban_server::auth::sms::DevLogSender;
use tongban_server::store::NewStaff;

const MATTER: &str = "330000-GA-0001";
const PEOPLE: usize = 32;
const STAFF: usize = 2;
const SECONDS: usize = 20;
const QUERIES: &[&str] = &[
    "身份证",
    "户口",
    "社保卡",
    "驾驶证",
    "shenfenzheng",
    "营业执照",
    "结婚登记",
    "passport",
];

/// A prepared person: their session, a draft of their own and a document they uploaded.
struct Person {
    token: String,
    draft: String,
    version: u64,
    object_id: String,
}

struct Prepared {
    /// Matters whose guides people read (the catalog's first ones).
    guides: Vec<String>,
    people: Vec<Person>,
    staff: Vec<String>,
    schema: FormSchema,
}

static PREPARED: OnceLock<Prepared> = OnceLock::new();
static NEXT_STAFF: AtomicUsize = AtomicUsize::new(0);
static SUBMISSIONS: AtomicUsize = AtomicUsize::new(0);

async fn prepare(
    base: &str,
    sms: &DevLogSender,
    server: &tongban_server::RunningServer,
) -> Prepared {
    let mut people = Vec::new();
    let mut schema = None;
    for n in 0..PEOPLE {
        let phone = format!("1370000{n:04}");
        let secrets = Arc::new(MemorySecretStore::default());
        let api = ApiClient::new(base).with_secret_store(secrets.clone());
        api.send_login_code(&phone).await.unwrap();
        api.login(&phone, &sms.last_code(&phone).unwrap())
            .await
            .unwrap();
        api.verify_identity("张三", &forms::id_number(n))
            .await
            .unwrap();
        if schema.is_none() {
            schema = Some(FormSchema::for_matter(
                &api.matter_guide(MATTER).await.unwrap(),
            ));
        }
        let upload = api.upload_material(forms::JPEG.to_vec()).await.unwrap();
        let draft = format!("load-{n}");
        let create = Change {
            op_id: format!("{draft}-create"),
            draft_id: draft.clone(),
            device_id: format!("load-{n}"),
            base_version: 0,
            kind: ChangeKind::Create {
                form_id: MATTER.into(),
            },
        };
        let ChangeReply::Applied { snapshot } = api.send_change(&create).await.unwrap() else {
            panic!("the draft was not made");
        };
        people.push(Person {
            token: secrets.load().unwrap(),
            draft,
            version: snapshot.version,
            object_id: upload.object_id,
        });
    }
    let password = "load test password";
    let hash = tongban_server::auth::password::hash_password(password).unwrap();
    let mut staff = Vec::new();
    for n in 0..STAFF {
        let username = format!("load.{n}");
        server
            .db()
            .put_staff(NewStaff::new(
                &username,
                "负载",
                "330100-ga",
                StaffRole::Supervisor,
                &hash,
            ))
            .await
            .unwrap();
        let secrets = Arc::new(MemorySecretStore::default());
        let api = ApiClient::new(base).with_secret_store(secrets.clone());
        api.staff_login(&username, password).await.unwrap();
        staff.push(secrets.load().unwrap());
    }
    let guides = ApiClient::new(base)
        .list_matters()
        .await
        .unwrap()
        .into_iter()
        .take(16)
        .map(|m| m.code)
        .collect();
    Prepared {
        guides,
        people,
        staff,
        schema: schema.unwrap(),
    }
}

/// What a simulated person keeps between transactions.
#[derive(Clone)]
struct Citizen {
    index: usize,
    version: u64,
    submitted: usize,
}

fn prepared() -> &'static Prepared {
    PREPARED.get().expect("prepared before the attack")
}

fn citizen(user: &mut GooseUser) -> (&'static Person, &mut Citizen) {
    let index = user.get_session_data_unchecked::<Citizen>().index;
    (
        &prepared().people[index],
        user.get_session_data_unchecked_mut::<Citizen>(),
    )
}

async fn call(
    user: &mut GooseUser,
    name: &str,
    method: GooseMethod,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Option<Value>, Box<TransactionError>> {
    let mut builder = user.get_request_builder(&method, path)?;
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let request = GooseRequest::builder()
        .name(name)
        .method(method)
        .path(path)
        .set_request_builder(builder)
        .build();
    let mut done = user.request(request).await?;
    let status = done
        .response
        .as_ref()
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    // A case another clerk moved first is the queue working, not an error.
    if status == 409 && name == "staff move" {
        user.set_success(&mut done.request)?;
        return Ok(None);
    }
    match done.response {
        Ok(r) if r.status().is_success() => Ok(r.json::<Value>().await.ok()),
        _ => {
            faults::LEDGER.failure(status);
            Ok(None)
        }
    }
}

async fn start_citizen(user: &mut GooseUser) -> TransactionResult {
    let index = user.weighted_users_index % PEOPLE;
    let version = prepared().people[index].version;
    user.set_session_data(Citizen {
        index,
        version,
        submitted: 0,
    });
    Ok(())
}

async fn search(user: &mut GooseUser) -> TransactionResult {
    let q = QUERIES[fastrand() % QUERIES.len()];
    let path = format!("/api/v1/search?q={}", urlencode(q));
    call(user, "search", GooseMethod::Get, &path, None, None).await?;
    Ok(())
}

async fn guide(user: &mut GooseUser) -> TransactionResult {
    let guides = &prepared().guides;
    let path = format!("/api/v1/matters/{}", guides[fastrand() % guides.len()]);
    call(user, "guide", GooseMethod::Get, &path, None, None).await?;
    Ok(())
}

async fn save_answer(user: &mut GooseUser) -> TransactionResult {
    let (person, me) = citizen(user);
    let (draft, base, token) = (person.draft.clone(), me.version, person.token.clone());
    let index = me.index;
    let change = json!({
        "op_id": format!("{draft}-{base}-{}", fastrand()),
        "draft_id": draft, "device_id": "load", "base_version": base,
        "kind": { "op": "set", "path": "applicant.address",
                  "value": { "type": "text", "value": format!("文三路 {} 号", base % 500) } }
    });
    let path = format!("/api/v1/drafts/{draft}/changes");
    let reply = call(
        user,
        "save answer",
        GooseMethod::Post,
        &path,
        Some(&token),
        Some(&change),
    )
    .await?;
    if let Some(reply) = reply {
        if let Some(v) = reply["snapshot"]["version"].as_u64() {
            citizen(user).1.version = v;
        }
        faults::LEDGER.change(index, &change, &reply);
    }
    Ok(())
}

async fn upload(user: &mut GooseUser) -> TransactionResult {
    let (person, me) = citizen(user);
    let (token, index) = (person.token.clone(), me.index);
    let builder = user
        .get_request_builder(&GooseMethod::Post, "/api/v1/materials")?
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(forms::JPEG.to_vec());
    let request = GooseRequest::builder()
        .name("upload")
        .method(GooseMethod::Post)
        .path("/api/v1/materials")
        .set_request_builder(builder)
        .build();
    let done = user.request(request).await?;
    match done.response {
        Ok(r) if r.status().is_success() => {
            if let Some(id) = r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["object_id"].as_str().map(str::to_owned))
            {
                faults::LEDGER.upload(index, id);
            }
        }
        Ok(r) => faults::LEDGER.failure(r.status().as_u16()),
        Err(_) => faults::LEDGER.failure(0),
    }
    Ok(())
}

/// A whole application: a new draft, every answer, the submission.
async fn submit(user: &mut GooseUser) -> TransactionResult {
    let (person, me) = citizen(user);
    me.submitted += 1;
    let (token, object, index) = (person.token.clone(), person.object_id.clone(), me.index);
    let draft = format!("{}-app-{}", person.draft, me.submitted);
    let path = format!("/api/v1/drafts/{draft}/changes");
    let mut version = 0;
    let mut op = 0;
    let mut steps = vec![json!({ "op": "create", "form_id": MATTER })];
    for (field, value) in forms::fill(&prepared().schema, &object) {
        let value = match value {
            Answer::Text(t) => json!({ "type": "text", "value": t }),
            other => serde_json::to_value(other).unwrap(),
        };
        steps.push(json!({ "op": "set", "path": field, "value": value }));
    }
    steps.push(json!({ "op": "submit", "idempotency_key": submission_key(&draft) }));
    let last = steps.len() - 1;
    for (i, kind) in steps.into_iter().enumerate() {
        op += 1;
        let change = json!({
            "op_id": format!("{draft}-{op}"), "draft_id": draft, "device_id": "load",
            "base_version": version, "kind": kind
        });
        let name = if i == last { "submit" } else { "fill" };
        let Some(reply) = call(
            user,
            name,
            GooseMethod::Post,
            &path,
            Some(&token),
            Some(&change),
        )
        .await?
        else {
            return Ok(());
        };
        faults::LEDGER.change(index, &change, &reply);
        version = reply["snapshot"]["version"].as_u64().unwrap_or(version);
        if i == last && reply["result"] == "submitted" {
            SUBMISSIONS.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

async fn follow(user: &mut GooseUser) -> TransactionResult {
    let token = citizen(user).0.token.clone();
    call(
        user,
        "my applications",
        GooseMethod::Get,
        "/api/v1/applications",
        Some(&token),
        None,
    )
    .await?;
    call(
        user,
        "my messages",
        GooseMethod::Get,
        "/api/v1/me/messages",
        Some(&token),
        None,
    )
    .await?;
    Ok(())
}

#[derive(Clone)]
struct Clerk(String);

async fn start_staff(user: &mut GooseUser) -> TransactionResult {
    let n = NEXT_STAFF.fetch_add(1, Ordering::SeqCst) % STAFF;
    user.set_session_data(Clerk(prepared().staff[n].clone()));
    Ok(())
}

async fn take_a_case(user: &mut GooseUser) -> TransactionResult {
    let token = user.get_session_data_unchecked::<Clerk>().0.clone();
    let queue = call(
        user,
        "staff queue",
        GooseMethod::Get,
        "/api/v1/staff/cases?status=submitted&limit=20",
        Some(&token),
        None,
    )
    .await?;
    let Some(id) = queue
        .as_ref()
        .and_then(|q| q["items"][0]["id"].as_str())
        .map(str::to_owned)
    else {
        return Ok(());
    };
    let path = format!("/api/v1/staff/cases/{id}/status");
    call(
        user,
        "staff move",
        GooseMethod::Post,
        &path,
        Some(&token),
        Some(&json!({ "status": "accepted" })),
    )
    .await?;
    Ok(())
}

fn fastrand() -> usize {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = const { Cell::new(0x9E37_79B9_7F4A_7C15) });
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x as usize
    })
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), GooseError> {
    // The server's own log: errors only (a notice per text would drown the figures).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("error"))
        .with_writer(std::io::stderr)
        .init();
    if let Ok(spec) = std::env::var(faults::SERVE) {
        faults::serve(&spec).await;
        return Ok(());
    }
    // TONGBAN_LOAD_FAULT=kill|postgres|objects|disk: a fault half-way through (faults.rs).
    let fault = faults::Fault::from_env();
    if fault.is_some() {
        faults::LEDGER.keep();
    }
    let data = tempfile::tempdir().unwrap();
    // The disk fault: the database and the documents on a small disk of their own.
    let disk =
        (fault == Some(faults::Fault::Disk)).then(|| mount::Mounted::tmpfs(data.path(), "256m"));
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<!doctype html>").unwrap();
    // TONGBAN_LOAD_POSTGRES=1: a throwaway PostgreSQL cluster (durable commits), else SQLite.
    // (Not a flag: goose reads the command line as its own.)
    let cluster = (std::env::var_os("TONGBAN_LOAD_POSTGRES").is_some()
        || fault == Some(faults::Fault::Postgres))
    .then(postgres::TempPostgres::start_durable);
    let url = match &cluster {
        Some(pg) => pg.new_database(),
        None => format!("sqlite://{}", data.path().join("load.db").display()),
    };
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let mut config = tongban_server::Config::for_tests(url.clone(), web.path());
    let (objects, keys) = (data.path().join("objects"), data.path().join("dev-keys"));
    config.object_dir = objects.clone();
    config.dev_key_file = keys.clone();
    config.auth.max_sends_per_ip = 10_000;
    let sms = DevLogSender::default();
    let mut services = config.services().expect("development services");
    services.sms = Arc::new(sms.clone());
    let server = tongban_server::start_with(config, services).await.unwrap();
    let base = server.base_url();
    let ready = prepare(&base, &sms, &server).await;
    let _ = PREPARED.set(ready);
    // For the kill fault the server runs as a process of its own, on the same database.
    let (mut server, mut process) = (Some(server), None);
    if fault == Some(faults::Fault::Kill) {
        server.take().unwrap().shutdown().await.unwrap();
        process =
            Some(faults::ServerProcess::spawn(&base, &url, &objects, &keys, web.path()).await);
    }

    let attack = GooseAttack::initialize()?
        .register_scenario(
            scenario!("person")
                .set_weight(PEOPLE)?
                .register_transaction(transaction!(start_citizen).set_on_start())
                .register_transaction(transaction!(search).set_weight(30)?)
                .register_transaction(transaction!(guide).set_weight(25)?)
                .register_transaction(transaction!(save_answer).set_weight(25)?)
                .register_transaction(transaction!(follow).set_weight(6)?)
                .register_transaction(transaction!(upload).set_weight(3)?)
                .register_transaction(transaction!(submit).set_weight(1)?),
        )
        .register_scenario(
            scenario!("staff")
                .set_weight(STAFF)?
                .register_transaction(transaction!(start_staff).set_on_start())
                .register_transaction(transaction!(take_a_case)),
        )
        .set_default(GooseDefault::Host, base.as_str())?
        .set_default(GooseDefault::Users, PEOPLE + STAFF)?
        .set_default(GooseDefault::IncreaseRate, "1000")?
        .set_default(GooseDefault::RunTime, SECONDS)?
        .set_default(GooseDefault::Quiet, 1)?
        .set_default(GooseDefault::NoPrintMetrics, true)?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?;
    let target = faults::Target {
        base: base.clone(),
        token: prepared().people[0].token.clone(),
        process: process.as_mut(),
        postgres: cluster.as_ref(),
        objects,
        disk: data.path().to_owned(),
    };
    let (metrics, window) = tokio::join!(attack.execute(), async {
        match fault {
            Some(f) => Some(faults::inject(f, target).await),
            None => None,
        }
    });
    let metrics = metrics?;

    let mut all: BTreeMap<u64, usize> = BTreeMap::new();
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut lines = Vec::new();
    for (name, r) in &metrics.requests {
        ok += r.success_count;
        failed += r.fail_count;
        for (bucket, count) in r.raw_data.times_us.iter() {
            *all.entry(*bucket).or_default() += count;
        }
        lines.push(format!(
            "  {name:<22} {:>7} requests, p99 {:>7.1} ms, {} failed {:?}",
            r.success_count + r.fail_count,
            r.raw_data.percentile_us(0.99) as f64 / 1000.0,
            r.fail_count,
            r.status_code_counts
        ));
    }
    lines.sort();
    let total: usize = all.values().sum();
    let quantile = |p: f64| {
        let want = ((total as f64) * p).ceil() as usize;
        let mut seen = 0;
        for (bucket, count) in &all {
            seen += count;
            if seen >= want {
                return *bucket as f64 / 1000.0;
            }
        }
        0.0
    };
    let seconds = metrics.duration.max(1) as f64;
    for line in &lines {
        println!("{line}");
    }
    let tokens: Vec<String> = prepared().people.iter().map(|p| p.token.clone()).collect();
    let mut verdict = match (fault, &window) {
        (Some(f), Some(w)) => Some(faults::verify(f, &base, &tokens, w).await),
        _ => None,
    };
    // And the SQLite file itself is sound after the fault.
    if let (Some(verdict), Some(server), "SQLite") = (&mut verdict, &server, backend) {
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(server.db().pool())
            .await
            .unwrap_or_else(|e| e.to_string());
        verdict.lines[0].push_str(&format!("; SQLite integrity {integrity}"));
        verdict.ok &= integrity == "ok";
    }
    println!(
        "{}load on {backend}, {PEOPLE} people and {STAFF} clerks for {SECONDS} s: {:.0} requests per second; p50 {:.1} ms, p99 {:.1} ms; {failed} errors of {}; {} submissions",
        // Under a fault the figures are the fault's, not the bench's.
        if fault.is_some() { "(during the fault) " } else { "BENCH " },
        (ok + failed) as f64 / seconds,
        quantile(0.50),
        quantile(0.99),
        ok + failed,
        SUBMISSIONS.load(Ordering::Relaxed),
    );
    if let Some(server) = server {
        server.shutdown().await.unwrap();
    }
    drop(process);
    if let Some(verdict) = verdict {
        for line in &verdict.lines {
            println!("{line}");
        }
        if !verdict.ok {
            drop(disk);
            std::process::exit(1);
        }
    }
    Ok(())
}
