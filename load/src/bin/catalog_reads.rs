//! Public catalog reads beside an axum hello-world, in one run on one machine: the same load
//! tool (goose, 64 users asking as fast as answers come, gzip accepted like a browser) against a
//! bare axum server answering a 20-item JSON list and, right after, against each catalog read of
//! the real server on SQLite. Prints `BENCH catalog reads …` with each read's requests per second
//! as a share of the hello-world's (target ≥ 50 %). Run by `cargo xtask bench`.

use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use goose::prelude::*;
use serde_json::{json, Value};

const USERS: usize = 64;
const SECONDS: usize = 5;
/// The hello-world is measured again right before each read: on two shared cores the figures
/// drift by half between minutes, and a share is only fair against its neighbour.
const HELLO_SECONDS: usize = 3;

/// The path the running attack asks for (one attack at a time).
static PATH: Mutex<String> = Mutex::new(String::new());

async fn read(user: &mut GooseUser) -> TransactionResult {
    let path = PATH.lock().unwrap().clone();
    let _ = user.get_named(&path, "read").await?;
    Ok(())
}

/// Requests per second and p50/p99 (ms) of `path` on `host`; fails on any error answer.
async fn attack(
    host: &str,
    path: &str,
    gzip: bool,
    seconds: usize,
) -> Result<(f64, f64, f64), GooseError> {
    *PATH.lock().unwrap() = path.to_owned();
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
        "{path}: {} failed {:?}",
        r.fail_count, r.status_code_counts
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
    attack(&hello, "/items", true, 1).await?;
    attack(&base, "/api/v1/matters", true, 1).await?;
    let mut lines = Vec::new();
    let reads = [
        ("matter list", "/api/v1/matters".to_owned(), true),
        ("a guide", format!("/api/v1/matters/{guide}"), true),
        (
            "search",
            "/api/v1/search?q=%E8%BA%AB%E4%BB%BD%E8%AF%81".to_owned(),
            true,
        ),
        (
            "search (pinyin)",
            "/api/v1/search?q=shebaoka".to_owned(),
            true,
        ),
        (
            "search (a sentence)",
            "/api/v1/search?q=%E6%88%91%E6%83%B3%E5%8A%9E%E7%A4%BE%E4%BF%9D%E5%8D%A1".to_owned(),
            true,
        ),
        ("a bundle", format!("/api/v1/bundles/{bundle}"), true),
        ("catalog index", "/api/v1/catalog/index".to_owned(), true),
        (
            "a city's index",
            "/api/v1/catalog/index?region=330100".to_owned(),
            true,
        ),
        // What compressing a dynamic answer costs (not a target): the client asking for none.
        (
            "search (pinyin), no compression asked",
            "/api/v1/search?q=shebaoka".to_owned(),
            false,
        ),
    ];
    let mut missed = 0;
    let mut hellos = Vec::new();
    for (what, path, gzip) in reads {
        let (hello_rps, ..) = attack(&hello, "/items", true, HELLO_SECONDS).await?;
        hellos.push(hello_rps);
        let (rps, p50, p99) = attack(&base, &path, gzip, SECONDS).await?;
        let share = rps / hello_rps * 100.0;
        if share < 50.0 && gzip {
            missed += 1;
        }
        lines.push(format!(
            "{what} ({path}): {rps:.0} requests/s = {share:.0} % of the hello-world's {hello_rps:.0} just before, p50 {p50:.1} ms, p99 {p99:.1} ms"
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
