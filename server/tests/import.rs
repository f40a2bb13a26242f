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
        "{\n  \"format\": \"tongban-catalog/3\",\n  \"version\": 3\n}",
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

/// The demo catalog as a `tongban-catalog/2` file: departments named by each matter, no ids.
fn as_v2(catalog: &serde_json::Value) -> serde_json::Value {
    let mut v2 = catalog.clone();
    let departments = v2["departments"].as_array().unwrap().clone();
    v2["format"] = "tongban-catalog/2".into();
    v2.as_object_mut().unwrap().remove("departments");
    for m in v2["matters"].as_array_mut().unwrap() {
        let id = m["department_id"].as_str().unwrap().to_owned();
        let d = departments.iter().find(|d| d["id"] == id.as_str()).unwrap();
        m["department"] = d["name"].clone();
        let m = m.as_object_mut().unwrap();
        m.remove("department_id");
        let cross = m.remove("cross_province").is_some();
        m.insert("cross_province".into(), cross.into());
    }
    v2
}

async fn departments_of_matters(db: &str) -> Vec<(String, String)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(db).await.unwrap();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT code, guide_json FROM matters ORDER BY code")
            .fetch_all(&pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(code, guide)| {
            let guide: serde_json::Value = serde_json::from_str(&guide).unwrap();
            (code, guide["department_id"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_version_2_file_names_departments_and_they_are_resolved_to_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let v3: serde_json::Value = serde_json::from_str(DEMO).unwrap();
    let v3_file = dir.path().join("v3.json");
    std::fs::write(&v3_file, DEMO).unwrap();
    assert!(import(&db, &v3_file, &[]).status.success());
    let before = departments_of_matters(&db).await;

    // The same catalog written as /2: every name finds its department again.
    let v2_file = dir.path().join("v2.json");
    std::fs::write(&v2_file, as_v2(&v3).to_string()).unwrap();
    let ok = import(&db, &v2_file, &[]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(departments_of_matters(&db).await, before);

    // Two departments are called 民政局 (in Hangzhou and in Ningbo): a /2 matter of Shanghai
    // naming 民政局 fits neither region, so it is ambiguous, and the file is refused, located.
    let mut twins = v3.clone();
    for (id, region) in [("330100-mzj", "330100"), ("330200-mzj", "330200")] {
        twins["departments"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "id": id, "name": { "zh": "民政局", "en": "Civil Affairs Bureau" },
                "region_code": region, "phone": "12345", "halls": []
            }));
    }
    let twins_file = dir.path().join("twins.json");
    std::fs::write(&twins_file, twins.to_string()).unwrap();
    assert!(import(&db, &twins_file, &[]).status.success());
    let mut ambiguous = as_v2(&v3);
    let at = ambiguous["matters"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["region_code"] == "310000")
        .unwrap();
    ambiguous["matters"][at]["department"] = serde_json::json!({ "zh": "民政局" });
    let ambiguous_file = dir.path().join("ambiguous.json");
    std::fs::write(&ambiguous_file, ambiguous.to_string()).unwrap();
    let refused = import(&db, &ambiguous_file, &[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!("matters[{at}].department"))
            && stderr.contains("330100-mzj")
            && stderr.contains("330200-mzj"),
        "{stderr}"
    );
    // A /2 Hangzhou matter naming 民政局 is not ambiguous: the region decides.
    let mut regional = as_v2(&v3);
    let hz = regional["matters"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["region_code"] == "330100")
        .unwrap();
    regional["matters"][hz]["department"] = serde_json::json!({ "zh": "民政局" });
    let regional_file = dir.path().join("regional.json");
    std::fs::write(&regional_file, regional.to_string()).unwrap();
    let ok = import(&db, &regional_file, &[]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let code = regional["matters"][hz]["code"].as_str().unwrap().to_owned();
    let now = departments_of_matters(&db).await;
    assert_eq!(
        now.iter().find(|(c, _)| *c == code).unwrap().1,
        "330100-mzj"
    );
}
