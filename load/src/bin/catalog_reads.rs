//! Public catalog reads beside an axum hello-world, in one run on one machine: the same load
//! tool (goose, 64 users asking as fast as answers come, gzip accepted like a browser) against a
//! bare axum server answering a 20-item JSON list and, right after, against each catalog read of
//! the real server on SQLite. Prints `BENCH catalog reads …` with each read's requests per second
//! as a share of the hello-world's (target ≥ 50 %). Run by `cargo xtask bench`.

/// The server's own allocator, as it ships (the hello-world beside it gets it too).
#[global_allocator]
static ALLOCATOR: tongban_server::Allocator = tongban_server::Allocator;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use goose::prelude::*;
use serde_json::{json, Value};

const USERS: usize = 64;
const SECONDS: usize = 5;
/// The hello-world is measured before and after each read, and the read compared with the mean
/// of the two: on two shared cores the figures drift by half between minutes, and a share is only
/// fair against its neighbours.
const HELLO_SECONDS: usize = 3;

/// The paths the running attack asks for, in turn (one attack at a time).
static PATHS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static NEXT: AtomicUsize = AtomicUsize::new(0);

async fn read(user: &mut GooseUser) -> TransactionResult {
    let path = {
        let paths = PATHS.lock().unwrap();
        paths[NEXT.fetch_add(1, Ordering::Relaxed) % paths.len()].clone()
    };
    let _ = user.get_named(&path, "read").await?;
    Ok(())
}

/// Requests per second and p50/p99 (ms) of `path` on `host`; fails on any error answer.
async fn attack(
    host: &str,
    paths: &[String],
    gzip: bool,
    seconds: usize,
) -> Result<(f64, f64, f64), GooseError> {
    *PATHS.lock().unwrap() = paths.to_vec();
    let metrics = GooseAttack::initialize()?
        .set_default(GooseDefault::NoGzip, !gzip)?
        .register_scenario(scenario!("reader").register_transaction(transaction!(read)))
        .set_default(GooseDefault::Host, host)?
        .set_default(GooseDefault::Users, USERS)?
        .set_default(GooseDefault::IncreaseRate, "1000")?
        .set_default(GooseDefault::RunTime, seconds)?
        .set_default(GooseDefault::Quiet, 1)?
        .set_default(GooseDefault::NoPrintMetrics, true)?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?
        .execute()
        .await?;
    let r = &metrics.requests["GET read"];
    assert_eq!(
        r.fail_count, 0,
        "{}: {} failed {:?}",
        paths[0], r.fail_count, r.status_code_counts
    );
    let ms = |p: f32| r.raw_data.percentile_us(p) as f64 / 1000.0;
    Ok((
        r.success_count as f64 / metrics.duration.max(1) as f64,
        ms(0.5),
        ms(0.99),
    ))
}

/// What the hello-world answers: a list of 20 small records.
fn twenty() -> Value {
    let items: Vec<Value> = (0..20)
        .map(|i| json!({ "id": i, "name": format!("item {i}"), "done": i % 2 == 0 }))
        .collect();
    json!({ "items": items })
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), GooseError> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("error"))
        .with_writer(std::io::stderr)
        .init();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hello_addr = listener.local_addr().unwrap();
    let list = Arc::new(twenty());
    let hello = Router::new().route(
        "/items",
        get(move || {
            let list = list.clone();
            async move { Json(list.as_ref().clone()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, hello).await.unwrap() });

    let data = tempfile::tempdir().unwrap();
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<!doctype html>").unwrap();
    let url = format!("sqlite://{}", data.path().join("reads.db").display());
    let mut config = tongban_server::Config::for_tests(url, web.path());
    config.object_dir = data.path().join("objects");
    config.dev_key_file = data.path().join("dev-keys");
    let server = tongban_server::start(config).await.unwrap();
    let base = server.base_url();
    let api = tongban_core::ApiClient::new(&base);
    let index = api.catalog_index().await.unwrap();
    let guide = &index.documents[0].summary.code;
    let bundle = &index.bundles[0].id;

    let hello = format!("http://{hello_addr}");
    // Warm-up: connections, caches, the catalog loaded.
    let items = ["/items".to_owned()];
    attack(&hello, &items, true, 1).await?;
    attack(&base, &["/api/v1/matters".to_owned()], true, 1).await?;
    // Queries people type, never the same twice in a row: every name, keyword, name pinyin and
    // English name of the catalog, with limits 10 to 40 — more different searches in turn than
    // the server remembers (it keeps an answer asked twice), so each is searched afresh.
    let mut queries: Vec<String> = Vec::new();
    for d in &index.documents {
        queries.push(d.summary.name.zh.clone());
        queries.extend(d.keywords.iter().cloned());
        queries.push(d.name_pinyin.replace([' ', '_'], ""));
        queries.extend(d.summary.name.en.iter().map(|en| en.to_lowercase()));
    }
    queries.sort();
    queries.dedup();
    let many: Vec<String> = (10..=40)
        .flat_map(|limit| {
            queries
                .iter()
                .map(move |q| format!("/api/v1/search?q={}&limit={limit}", encode(q)))
        })
        .collect();
    let mut lines = Vec::new();
    let one = |path: &str| vec![path.to_owned()];
    let reads = [
        ("matter list", one("/api/v1/matters"), true),
        ("a guide", one(&format!("/api/v1/matters/{guide}")), true),
        (
            "search",
            one("/api/v1/search?q=%E8%BA%AB%E4%BB%BD%E8%AF%81"),
            true,
        ),
        ("search (pinyin)", one("/api/v1/search?q=shebaoka"), true),
        (
            "search (a sentence)",
            one("/api/v1/search?q=%E6%88%91%E6%83%B3%E5%8A%9E%E7%A4%BE%E4%BF%9D%E5%8D%A1"),
            true,
        ),
        ("a bundle", one(&format!("/api/v1/bundles/{bundle}")), true),
        ("catalog index", one("/api/v1/catalog/index"), true),
        (
            "a city's index",
            one("/api/v1/catalog/index?region=330100"),
            true,
        ),
        ("search, a different query each time", many, true),
        // What compressing a dynamic answer costs (not a target): the client asking for none.
        (
            "search (pinyin), no compression asked",
            one("/api/v1/search?q=shebaoka"),
            false,
        ),
    ];
    let mut missed = 0;
    let (mut before, ..) = attack(&hello, &items, true, HELLO_SECONDS).await?;
    let mut hellos = vec![before];
    for (what, paths, gzip) in reads {
        let (rps, p50, p99) = attack(&base, &paths, gzip, SECONDS).await?;
        let (after, ..) = attack(&hello, &items, true, HELLO_SECONDS).await?;
        hellos.push(after);
        let hello_rps = (before + after) / 2.0;
        before = after;
        let share = rps / hello_rps * 100.0;
        if share < 50.0 && gzip {
            missed += 1;
        }
        let path = match &paths[..] {
            [one] => one.clone(),
            many => format!("{} paths in turn", many.len()),
        };
        lines.push(format!(
            "{what} ({path}): {rps:.0} requests/s = {share:.0} % of the hello-world's {hello_rps:.0} around it, p50 {p50:.1} ms, p99 {p99:.1} ms"
        ));
    }
    hellos.sort_by(f64::total_cmp);
    lines.insert(
        0,
        format!(
            "axum hello-world (20-item JSON list): {:.0}–{:.0} requests/s over the run",
            hellos[0],
            hellos[hellos.len() - 1]
        ),
    );
    server.shutdown().await.unwrap();
    println!(
        "BENCH catalog reads beside an axum hello-world (goose, {USERS} users, {SECONDS} s each, SQLite, gzip accepted); target each ≥ 50 %: {}",
        if missed == 0 {
            "met".to_owned()
        } else {
            format!("{missed} missed")
        }
    );
    for line in lines {
        println!("BENCH   {line}");
    }
    Ok(())
}

/// A query string's value, percent-encoded.
fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
