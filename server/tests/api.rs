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
    let doc = openapi(&server).await;
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

    // Public catalog data may be kept by caches that check it; anything else by none.
    let public = reqwest::get(format!("{base}/api/v1/matters"))
        .await
        .unwrap();
    assert_eq!(public.headers()["cache-control"], "public, no-cache");
    let unknown = reqwest::get(format!("{base}/api/v1/no-such-thing"))
        .await
        .unwrap();
    assert_eq!(unknown.headers()["cache-control"], "no-store");
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

    // A region's app downloads only its region's matters (and those around it, and national).
    let city = client
        .get(format!("{base}/api/v1/catalog/index?region=330100"))
        .send()
        .await
        .unwrap();
    assert_eq!(city.status(), 200);
    let city_etag = city.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(city_etag, etag, "each cut has its own validator");
    let city: tongban_core::catalog::CatalogIndex = city.json().await.unwrap();
    assert_eq!(city.scope.as_deref(), Some("330100"));
    assert!(!city.documents.is_empty() && city.documents.len() < index.documents.len());
    assert!(city
        .documents
        .iter()
        .all(|d| { ["100000", "330000", "330100"].contains(&d.summary.region_code.as_str()) }));
    assert_eq!(
        city,
        index.for_region("330100").unwrap(),
        "the core's cut, as served"
    );
    let again = client
        .get(format!("{base}/api/v1/catalog/index?region=330100"))
        .header("if-none-match", &city_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let unknown = client
        .get(format!("{base}/api/v1/catalog/index?region=999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404, "a region the catalog does not have");
    let malformed = client
        .get(format!("{base}/api/v1/catalog/index?region=hangzhou"))
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 422, "not a region code");
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["fields"][0]["path"], "region", "{body}");
    // The matter list has a validator too.
    let list = client
        .get(format!("{base}/api/v1/matters"))
        .send()
        .await
        .unwrap();
    let list_etag = list.headers()["etag"].to_str().unwrap().to_owned();
    let list: tongban_core::MatterList = list.json().await.unwrap();
    assert_eq!(
        list.items,
        index
            .documents
            .iter()
            .map(|d| d.summary.clone())
            .collect::<Vec<_>>(),
        "the list is the index's matters, most popular first"
    );
    let again = client
        .get(format!("{base}/api/v1/matters"))
        .header("if-none-match", &list_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

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

/// Requests the handlers never see — a body that is not JSON, the wrong content type, a missing
/// query parameter, a method a route does not take, a body over the limit — still answer with
/// the JSON error body and a code the apps can show in words.
#[tokio::test]
async fn every_error_is_the_json_error_body_with_a_code() {
    let (server, _dir, _web) = start_on_sqlite().await;
    let base = server.base_url();
    let http = reqwest::Client::new();
    let cases = [
        (
            http.post(format!("{base}/api/v1/auth/code"))
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "bad-request",
        ),
        (
            http.post(format!("{base}/api/v1/auth/code"))
                .header("content-type", "text/plain")
                .body("13800138000"),
            415,
            "unsupported-media-type",
        ),
        (
            http.post(format!("{base}/api/v1/auth/code"))
                .header("content-type", "application/json")
                .body(r#"{"telephone": "13800138000"}"#),
            422,
            "validation",
        ),
        (
            http.delete(format!("{base}/api/v1/matters")),
            405,
            "method-not-allowed",
        ),
        (
            http.get(format!("{base}/api/v1/no-such-thing")),
            404,
            "not-found",
        ),
        (
            http.post(format!("{base}/api/v1/auth/code"))
                .header("content-type", "application/json")
                .body(format!(r#"{{"phone": "{}"}}"#, "1".repeat(3 * 1024 * 1024))),
            413,
            "payload-too-large",
        ),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{code}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("application/json"), "{code}: {kind}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], code, "{body}");
        assert!(
            tongban_core::api::ERROR_CODES.contains(&code),
            "{code} has no message"
        );
    }
}

/// A client generated from the document knows every answer it can get: protected operations take
/// the cookie or the bearer token and list 401 and 403; those with a JSON body list 400, 413, 415
/// and 422; every error answer is the error body.
#[tokio::test]
async fn the_openapi_document_lists_every_status_and_both_ways_to_log_in() {
    let (server, _dir, _web) = start_on_sqlite().await;
    let doc = openapi(&server).await;
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for scheme in ["session", "session_bearer", "staff_session", "staff_bearer"] {
        assert!(schemes.contains_key(scheme), "{scheme}");
    }
    let mut protected = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().unwrap();
            let names: Vec<&str> = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_object())
                .flat_map(|r| r.keys().map(String::as_str))
                .collect();
            if !names.is_empty() {
                protected += 1;
                let pair = if names.contains(&"session") {
                    "session_bearer"
                } else {
                    "staff_bearer"
                };
                assert!(names.contains(&pair), "{at}: {names:?}");
                for status in ["401", "403"] {
                    assert!(
                        responses.contains_key(status),
                        "{at} does not list {status}"
                    );
                }
            }
            if op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.contains_key("application/json"))
            {
                for status in ["400", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{at} does not list {status}"
                    );
                }
            }
            for (status, response) in responses {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let schema = &response["content"]["application/json"]["schema"];
                assert!(schema.is_object(), "{at} {status} has no JSON body");
                // A 409 of a draft change is the reply to retry with; every other is an error,
                // or (a handler's own refusal) that or the error body.
                let error = serde_json::json!({ "$ref": "#/components/schemas/ErrorBody" });
                let either = schema["oneOf"]
                    .as_array()
                    .is_some_and(|one| one.contains(&error));
                if status != "409" {
                    assert!(
                        schema["$ref"] == error["$ref"] || either,
                        "{at} {status} is not the error body: {schema}"
                    );
                }
            }
        }
    }
    assert!(protected >= 20, "{protected} protected operations");

    // Links lead from what makes or lists things to what reads them, and only to operations
    // that exist.
    let mut ids = std::collections::BTreeSet::new();
    let mut links = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            for response in op["responses"].as_object().unwrap().values() {
                for link in response["links"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(_, l)| l)
                {
                    links.push((id.clone(), link["operationId"].as_str().unwrap().to_owned()));
                }
            }
            ids.insert(id);
        }
    }
    for (from, to) in &links {
        assert!(
            ids.contains(to),
            "{from} links to {to}, which does not exist"
        );
    }
    for (from, to) in [
        ("upload", "download"),
        ("apply_change", "get_draft"),
        ("queue", "get_case"),
    ] {
        assert!(
            links.iter().any(|(f, t)| f == from && t == to),
            "no link from {from} to {to}"
        );
    }
}

/// The phone pattern the document gives is exactly what the server takes: a generated client
/// that checks the pattern never sends a number the server refuses, nor the other way round.
#[tokio::test]
async fn the_documented_phone_pattern_is_what_the_server_accepts() {
    use tongban_core::identity::{check_api_mobile, API_MOBILE_PATTERN};
    let (server, _dir, _web) = start_on_sqlite().await;
    let doc = openapi(&server).await;
    for schema in ["SendCodeRequest", "LoginRequest"] {
        assert_eq!(
            doc["components"]["schemas"][schema]["properties"]["phone"]["pattern"],
            API_MOBILE_PATTERN,
            "{schema}"
        );
    }
    let pattern = regex::Regex::new(API_MOBILE_PATTERN).unwrap();
    let parts = [
        "",
        "+86",
        "0086",
        "+860086",
        "86",
        "+",
        "1",
        "13800138000",
        "12800138000",
        "1380013800",
        "138001380001",
        "138 0013 8000",
        "１３８００１３８０００",
        "x",
        "-",
        "0",
    ];
    let mut tried = 0;
    for a in parts {
        for b in parts {
            let phone = format!("{a}{b}");
            assert_eq!(
                check_api_mobile(&phone).is_ok(),
                pattern.is_match(&phone),
                "{phone:?}"
            );
            tried += 1;
        }
    }
    assert_eq!(tried, parts.len() * parts.len());
}

/// The OpenAPI document the server serves.
async fn openapi(server: &tongban_server::RunningServer) -> serde_json::Value {
    reqwest::get(format!("{}/api/openapi.json", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// An import made outside this instance (another instance, the import command) is served
/// without a restart: the list, the index and its validator follow the new version.
#[tokio::test]
async fn an_import_elsewhere_is_served_without_a_restart() {
    let (server, _db, _web) = start_on_sqlite().await;
    let api = ApiClient::new(server.base_url());
    let before = api.catalog_index().await.unwrap();
    let catalog = support::import_smaller_catalog(&server, 10).await;
    let started = std::time::Instant::now();
    loop {
        let now = api.catalog_index().await.unwrap();
        if now.version == catalog.version {
            assert_eq!(now.documents.len(), 10);
            break;
        }
        assert_eq!(now, before, "the old catalog whole until the new one");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the import was never served"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(api.list_matters().await.unwrap().len(), 10);
    server.shutdown().await.unwrap();
}
