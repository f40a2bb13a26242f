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

/// Imports a new version of the demo catalog with only its first `matters` matters and no
/// bundles straight into the server's database, as another instance or the import command
/// would; the server serves it within a second.
pub async fn import_smaller_catalog(
    server: &tongban_server::RunningServer,
    matters: usize,
) -> tongban_core::catalog::Catalog {
    let before = tongban_core::ApiClient::new(server.base_url())
        .catalog_index()
        .await
        .unwrap();
    let mut catalog =
        tongban_core::catalog::parse_catalog(include_str!("../../../catalog/catalog.json"))
            .unwrap();
    catalog.version = format!("{}-next", before.version);
    catalog.matters.truncate(matters);
    catalog.bundles.clear();
    let index = tongban_core::catalog::CatalogIndex::from_catalog(&catalog);
    server
        .db()
        .replace_catalog(&catalog, &serde_json::to_string(&index).unwrap())
        .await
        .unwrap();
    catalog
}
