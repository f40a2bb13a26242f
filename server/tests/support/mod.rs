pub mod postgres;

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
