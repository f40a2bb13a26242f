//! The API end to end over HTTP, against SQLite and against a throwaway PostgreSQL cluster.

mod support;

use support::postgres::TempPostgres;
use support::{fake_web_dir, sqlite_url, start_on_sqlite};
use tongban_core::{ApiClient, Audience, MatterType};
use tongban_server::{start, Config};

/// What every backend must do: migrate a new database, seed the demo catalog once, list it most
/// used first, and keep it across a restart without seeding twice.
async fn serves_the_seeded_catalog(database_url: String) {
    let web = fake_web_dir();
    let server = start(Config::for_tests(&database_url, web.path()))
        .await
        .unwrap();
    let matters = ApiClient::new(server.base_url())
        .list_matters()
        .await
        .unwrap();
    assert!(matters.len() >= 12, "only {} matters", matters.len());
    let first = &matters[0];
    assert_eq!(first.name.zh, "居民身份证换领");
    assert_eq!(first.name.en.as_deref(), Some("Resident ID card renewal"));
    assert_eq!(first.matter_type, MatterType::AdministrativeConfirmation);
    assert_eq!(first.audience, Audience::Person);
    assert_eq!(
        (first.visits_needed, first.promised_days, first.fully_online),
        (1, 20, false)
    );
    assert!(matters
        .iter()
        .any(|m| m.audience == Audience::Business && m.fully_online));
    assert!(matters.iter().any(|m| m.name.zh == "高龄津贴申领"));
    // The full guide round-trips through this backend's storage.
    let guide = ApiClient::new(server.base_url())
        .matter_guide(&first.code)
        .await
        .unwrap();
    assert_eq!(guide.summary(), *first);
    assert!(
        !guide.materials.is_empty() && !guide.steps.is_empty() && !guide.legal_basis.is_empty()
    );
    server.shutdown().await.unwrap();

    let again = start(Config::for_tests(&database_url, web.path()))
        .await
        .unwrap();
    let after_restart = ApiClient::new(again.base_url())
        .list_matters()
        .await
        .unwrap();
    assert_eq!(
        after_restart, matters,
        "a restart must neither lose nor re-seed matters"
    );
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn sqlite_serves_the_seeded_catalog() {
    let dir = tempfile::tempdir().unwrap();
    serves_the_seeded_catalog(sqlite_url(dir.path())).await;
    assert!(
        dir.path().join("nested/folder/tongban.db").is_file(),
        "database file created with its folders"
    );
}

#[tokio::test]
async fn postgres_serves_the_seeded_catalog() {
    let pg = TempPostgres::start();
    serves_the_seeded_catalog(pg.new_database()).await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_matter_list() {
    let (server, _db, _web) = start_on_sqlite().await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/openapi.json", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["paths"]["/api/v1/matters"]["get"].is_object());
    let summary = &doc["components"]["schemas"]["MatterSummary"];
    for field in [
        "code",
        "name",
        "department",
        "region_code",
        "matter_type",
        "audience",
        "visits_needed",
    ] {
        assert!(
            summary["properties"][field].is_object(),
            "MatterSummary.{field} missing"
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_pwa_is_served_with_deep_links_and_strict_headers() {
    let (server, _db, _web) = start_on_sqlite().await;
    let base = server.base_url();

    let deep = reqwest::get(format!("{base}/matter/330000-GA-0001"))
        .await
        .unwrap();
    assert_eq!(deep.status(), 200);
    let csp = deep.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(deep.headers()["x-content-type-options"], "nosniff");
    assert!(deep.text().await.unwrap().contains("Tongban test"));

    let asset = reqwest::get(format!("{base}/pkg/app.js")).await.unwrap();
    assert_eq!(asset.status(), 200);
    assert!(asset.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let missing_asset = reqwest::get(format!("{base}/pkg/missing.wasm"))
        .await
        .unwrap();
    assert_eq!(missing_asset.status(), 404);

    let api = reqwest::get(format!("{base}/api/v1/matters"))
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
    let unknown = reqwest::get(format!("{base}/api/v1/no-such-thing"))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["code"], "not-found");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unsupported_database_url_is_refused_clearly() {
    let web = fake_web_dir();
    let err = start(Config::for_tests("mysql://localhost/x", web.path()))
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
}

#[tokio::test]
async fn the_catalog_index_is_served_with_a_validator_and_searchable() {
    let (server, _db, _web) = start_on_sqlite().await;
    let base = server.base_url();
    let index = ApiClient::new(&base).catalog_index().await.unwrap();
    assert!(index.documents.len() >= 60);
    assert!(
        index
            .documents
            .windows(2)
            .all(|w| w[0].popularity >= w[1].popularity),
        "most popular first"
    );
    let sb = index
        .documents
        .iter()
        .find(|d| d.summary.name.zh.contains("社会保障卡申领"))
        .unwrap();
    assert!(
        sb.name_pinyin.starts_with("she hui bao zhang ka"),
        "{}",
        sb.name_pinyin
    );

    let client = reqwest::Client::new();
    let first = client
        .get(format!("{base}/api/v1/catalog/index"))
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "public, no-cache");
    let again = client
        .get(format!("{base}/api/v1/catalog/index"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        304,
        "an unchanged catalog is not sent again"
    );

    let found: serde_json::Value = client
        .get(format!("{base}/api/v1/search?q=sbk"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        found["results"][0]["matter"]["name"]["zh"]
            .as_str()
            .unwrap()
            .contains("社会保障卡"),
        "{found}"
    );
    let in_shanghai: serde_json::Value = client
        .get(format!(
            "{base}/api/v1/search?q=%E5%85%AC%E7%A7%AF%E9%87%91&region=330000"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for r in in_shanghai["results"].as_array().unwrap() {
        let region = r["matter"]["region_code"].as_str().unwrap();
        assert!(
            region.starts_with("33") || region == "100000",
            "{region} outside Zhejiang"
        );
    }

    let missing = client
        .get(format!("{base}/api/v1/matters/NO-SUCH-CODE"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let bundle_id = &index.bundles[0].id;
    let bundle: serde_json::Value = client
        .get(format!("{base}/api/v1/bundles/{bundle_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bundle["id"], bundle_id.as_str());
    server.shutdown().await.unwrap();
}
