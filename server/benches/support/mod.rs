//! What the server's benchmarks share: the real server on SQLite in a throwaway folder, and
//! percentiles.

use std::sync::Arc;
use std::time::Duration;

use tongban_server::auth::sms::DevLogSender;
use tongban_server::{start_with, Config, RunningServer};

/// The server on a new SQLite database (its folders kept alive by the returned guards), texts
/// going to `sms`; `tweak` changes the configuration first.
#[allow(dead_code)]
pub async fn start(
    sms: &DevLogSender,
    tweak: impl FnOnce(&mut Config),
) -> (RunningServer, [tempfile::TempDir; 2]) {
    start_on(None, sms, tweak).await
}

/// The same on the database at `url` (a new SQLite file when none).
pub async fn start_on(
    url: Option<String>,
    sms: &DevLogSender,
    tweak: impl FnOnce(&mut Config),
) -> (RunningServer, [tempfile::TempDir; 2]) {
    let data = tempfile::tempdir().unwrap();
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<!doctype html>").unwrap();
    let url = url.unwrap_or_else(|| format!("sqlite://{}", data.path().join("bench.db").display()));
    let mut config = Config::for_tests(url, web.path());
    config.object_dir = data.path().join("objects");
    tweak(&mut config);
    let mut services = config.services().expect("development services");
    services.sms = Arc::new(sms.clone());
    let server = start_with(config, services).await.unwrap();
    (server, [data, web])
}

/// The `p` quantile (0–1) of sorted latencies, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}
