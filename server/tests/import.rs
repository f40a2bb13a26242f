//! `tongban-server import-catalog`: a province's engineer feeds a file and sees every problem
//! with its location; a valid file replaces the catalog, an invalid one changes nothing.

use std::process::Command;

const DEMO: &str = include_str!("../../catalog/catalog.json");

fn import(db_url: &str, file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tongban-server"))
        .args(["--database-url", db_url, "import-catalog"])
        .arg(file)
        .args(extra)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn an_invalid_file_is_refused_with_every_problem_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let good = dir.path().join("good.json");
    std::fs::write(&good, DEMO).unwrap();
    let ok = import(&db, &good, &[]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("valid"));

    let mut broken: serde_json::Value = serde_json::from_str(DEMO).unwrap();
    broken["matters"][1]["region_code"] = "999999".into();
    broken["matters"][4]["promised_days"] = 999.into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, broken.to_string()).unwrap();
    let refused = import(&db, &bad, &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("matters[1].region_code") && stderr.contains("matters[4].promised_days"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing imported"), "{stderr}");

    let syntax = dir.path().join("syntax.json");
    std::fs::write(
        &syntax,
        "{\n  \"format\": \"tongban-catalog/2\",\n  \"version\": 3\n}",
    )
    .unwrap();
    let out = import(&db, &syntax, &["--check"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("version") && stderr.contains("line 3"),
        "{stderr}"
    );
}
