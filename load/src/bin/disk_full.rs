//! Fault: the disk fills up. The server runs with its SQLite database and its documents on a
//! small tmpfs (8 MiB, mounted for the run: needs root), a person uploads 1 MiB documents and
//! saves answers until the disk is full. Every refusal must be a 503 with `storage-full` (never
//! a 500), the database must stay intact (`PRAGMA integrity_check`), every acknowledged answer
//! must read back, and writes must succeed again once room is freed. Prints `BENCH fault …`.
//! Run by `cargo xtask bench`.

#[path = "../mount.rs"]
mod mount;

use std::sync::Arc;

use serde_json::{json, Value};
use tongban_core::auth::{MemorySecretStore, SessionSecretStore};
use tongban_core::ApiClient;
use tongban_server::auth::sms::DevLogSender;

const PHONE: &str = "13700009999";

/// A reply's status and JSON body (empty when it has none).
async fn answer(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(size, b' ');
    bytes
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            std::env::var("DF_LOG").unwrap_or_else(|_| "off".into()),
        ))
        .init();
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let _unmount = mount::Mounted::tmpfs(&disk, "8m");
    // Room to give back at the end.
    std::fs::write(disk.join("ballast"), vec![0u8; 2 << 20]).unwrap();

    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<!doctype html>").unwrap();
    let db = disk.join("tongban.db");
    let mut config =
        tongban_server::Config::for_tests(format!("sqlite://{}", db.display()), web.path());
    config.object_dir = disk.join("objects");
    let sms = DevLogSender::default();
    let mut services = config.services().unwrap();
    services.sms = Arc::new(sms.clone());
    let server = tongban_server::start_with(config, services).await.unwrap();
    let base = server.base_url();

    let secrets = Arc::new(MemorySecretStore::default());
    let api = ApiClient::new(&base).with_secret_store(secrets.clone());
    api.send_login_code(PHONE).await.unwrap();
    api.login(PHONE, &sms.last_code(PHONE).unwrap())
        .await
        .unwrap();
    api.verify_identity("张三", "11010519491231002X")
        .await
        .unwrap();
    let token = secrets.load().unwrap();
    let http = reqwest::Client::new();
    let draft = "disk-full";
    let change = |op: usize, base_version: u64, value: String| {
        let kind = if op == 0 {
            json!({ "op": "create", "form_id": "330000-GA-0001" })
        } else {
            json!({ "op": "set", "path": "applicant.address",
                    "value": { "type": "text", "value": value } })
        };
        json!({ "op_id": format!("{draft}-{op}"), "draft_id": draft, "device_id": "disk",
                "base_version": base_version, "kind": kind })
    };

    let (mut version, mut acknowledged) = (0u64, None::<String>);
    let (mut uploads, mut refused_uploads, mut refused_saves, mut other) = (0, 0, 0, Vec::new());
    let mut op = 0;
    for round in 0..64 {
        // A document of 1 MiB, then an answer (a long one: it fills pages too).
        let r = http
            .post(format!("{base}/api/v1/materials"))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(pdf(1 << 20))
            .send()
            .await
            .unwrap();
        let (status, body) = answer(r).await;
        match (status, body["code"].as_str()) {
            (200, _) => uploads += 1,
            (503, Some("storage-full")) => refused_uploads += 1,
            _ => other.push(format!("upload {status} {body}")),
        }
        let value = format!("{round}:{}", "文三路".repeat(2000));
        let r = http
            .post(format!("{base}/api/v1/drafts/{draft}/changes"))
            .bearer_auth(&token)
            .json(&change(op, version, value.clone()))
            .send()
            .await
            .unwrap();
        let (status, body) = answer(r).await;
        match (status, body["code"].as_str()) {
            (200, _) => {
                version = body["snapshot"]["version"].as_u64().unwrap();
                if op > 0 {
                    acknowledged = Some(value);
                }
                op += 1;
            }
            (503, Some("storage-full")) => refused_saves += 1,
            _ => other.push(format!("save {status} {body}")),
        }
        if refused_uploads > 2 && refused_saves > 2 {
            break;
        }
    }

    // Room again: the ballast goes.
    std::fs::remove_file(disk.join("ballast")).unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(server.db().pool())
        .await
        .unwrap();
    let stored = api.drafts().await.unwrap();
    let kept = stored
        .iter()
        .find(|d| d.draft_id == draft)
        .map(|d| (d.version, serde_json::to_value(&d.answers).unwrap()));
    let intact = match (&kept, &acknowledged) {
        (Some((v, answers)), Some(value)) => {
            *v == version && answers["applicant.address"]["value"] == value.as_str()
        }
        _ => false,
    };
    let save = http
        .post(format!("{base}/api/v1/drafts/{draft}/changes"))
        .bearer_auth(&token)
        .json(&change(op, version, "文三路 1 号".into()))
        .send()
        .await
        .unwrap();
    let saved = save.status().is_success();
    if !saved {
        other.push(format!(
            "save after room was freed: {} {}",
            save.status(),
            save.text().await.unwrap_or_default()
        ));
    }
    let upload = api.upload_material(pdf(10_000)).await;
    if let Err(e) = &upload {
        other.push(format!("upload after room was freed: {e:?}"));
    }
    let resumed = saved && upload.is_ok();
    println!(
        "BENCH fault disk full (SQLite and documents on an 8 MiB disk): {uploads} uploads stored, then {refused_uploads} uploads and {refused_saves} answers refused with storage-full, {} other errors; integrity {integrity}; acknowledged answers {}; writes {} once room was freed",
        other.len(),
        if intact { "intact" } else { "NOT intact" },
        if resumed { "resumed" } else { "did NOT resume" },
    );
    for o in &other {
        println!("  {}", &o[..o.len().min(300)]);
    }
    server.shutdown().await.unwrap();
    assert!(
        other.is_empty() && integrity == "ok" && intact && resumed && refused_uploads > 0,
        "the disk-full check failed"
    );
}
