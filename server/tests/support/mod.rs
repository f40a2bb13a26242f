#![allow(dead_code)] // each test binary uses its own part of the support code

pub mod at_rest;
pub mod auth;
pub mod drafting;
pub mod forms;
pub mod postgres;
pub mod staff;

use std::path::Path;

/// A folder standing in for the built PWA.
pub fn fake_web_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Tongban test</title>",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/app.js"), "export {}").unwrap();
    dir
}

pub fn sqlite_url(dir: &Path) -> String {
    format!(
        "sqlite://{}",
        dir.join("nested/folder/tongban.db").display()
    )
}

/// A server on a new SQLite database and a stand-in PWA; keep the folders alive with it.
pub async fn start_on_sqlite() -> (
    tongban_server::RunningServer,
    tempfile::TempDir,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let web = fake_web_dir();
    let config = tongban_server::Config::for_tests(sqlite_url(dir.path()), web.path());
    (tongban_server::start(config).await.unwrap(), dir, web)
}
