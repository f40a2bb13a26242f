//! How long a native app waits for its client on a warm start: make the client over the app's
//! folder, search the cached catalog (which loads and builds the index), and list the drafts
//! (which decrypts the draft store). Run by `cargo xtask bench`; prints `BENCH` lines.

use std::sync::Arc;
use std::time::Instant;

use tongban_core::catalog::CatalogIndex;
use tongban_mobile::{DraftKeys, NoNetwork, SecretStore, TongbanClient};

struct Secrets;
impl SecretStore for Secrets {
    fn load(&self) -> Option<String> {
        Some("bench-token".into())
    }
    fn save(&self, _token: String) {}
    fn clear(&self) {}
}

struct Keys;
impl DraftKeys for Keys {
    fn draft_key(&self, _account_id: String) -> Vec<u8> {
        vec![7; 32]
    }
}

/// The client an app makes at start over its folder (the server is not needed to start).
fn open_client(dir: &std::path::Path) -> Arc<TongbanClient> {
    TongbanClient::with_storage(
        "http://127.0.0.1:9".into(),
        Arc::new(Secrets),
        Arc::new(Keys),
        dir.display().to_string(),
        Arc::new(NoNetwork),
    )
    .unwrap()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let demo = std::fs::read(bench.join("demo-catalog-index.json")).expect(
        "run `cargo xtask bench` (core's search bench writes the demo catalog's index first)",
    );
    let demo: CatalogIndex = serde_json::from_slice(&demo).unwrap();
    let mut large = demo.clone();
    large.documents = tongban_core::synthetic::documents(10_000);
    for (label, index) in [
        ("demo catalog, 78 matters", demo),
        ("10,000 matters", large),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("catalog-index.json"),
            serde_json::to_vec(&index).unwrap(),
        )
        .unwrap();
        std::fs::write(dir.path().join("account"), "bench-account").unwrap();
        // A warm folder: twenty drafts with answers, kept encrypted as the app keeps them.
        runtime.block_on(async {
            let client = open_client(dir.path());
            for i in 0..20 {
                let draft = client.create_draft(format!("form-{i}")).await.unwrap();
                for field in ["applicant.name", "applicant.address", "applicant.phone"] {
                    client
                        .set_text_answer(draft.clone(), field.into(), Some(format!("{field} {i}")))
                        .await
                        .unwrap();
                }
            }
        });
        let mut times = Vec::new();
        for _ in 0..25 {
            let started = Instant::now();
            runtime.block_on(async {
                let client = open_client(dir.path());
                assert!(
                    !client.search("社保".into(), 10).unwrap().is_empty()
                        || label.starts_with("10,000")
                );
                assert_eq!(client.drafts().await.unwrap().len(), 20);
            });
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "BENCH native client warm open + first search + drafts ({label}): p50 {:.1} ms, p95 {:.1} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
}
