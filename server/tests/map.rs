//! The map provider is configuration: none by default (the app draws its schematic); when one is
//! set, the app is told its tile template (with the key) and review number, the page's
//! Content-Security-Policy lets its tiles in, and a provider without them does not start.

mod support;

use support::{fake_web_dir, sqlite_url};
use tongban_core::visit::tiles::MapConfig;
use tongban_server::{start, Config};

#[tokio::test]
async fn no_provider_by_default_then_the_configured_one_with_its_review_number() {
    let web = fake_web_dir();
    let db = tempfile::tempdir().unwrap();
    let url = sqlite_url(db.path());
    let server = start(Config::for_tests(&url, web.path())).await.unwrap();
    let base = server.base_url();
    let config: MapConfig = reqwest::get(format!("{base}/api/v1/map"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config.provider, None);
    let csp = reqwest::get(format!("{base}/")).await.unwrap().headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("img-src 'self' data: blob:;"), "{csp}");
    server.shutdown().await.unwrap();

    let mut config = Config::for_tests(&url, web.path());
    config.map.map_tiles = Some("https://tiles.example.cn/{z}/{x}/{y}.png?key={key}".into());
    config.map.map_key = Some("K-123".into());
    config.map.map_attribution = Some("© 示例地图 GS(2024)1234号".into());
    let server = start(config).await.unwrap();
    let base = server.base_url();
    let config: MapConfig = reqwest::get(format!("{base}/api/v1/map"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let provider = config.provider.expect("the provider");
    assert_eq!(
        provider.tiles,
        "https://tiles.example.cn/{z}/{x}/{y}.png?key=K-123"
    );
    assert!(provider.attribution.contains("GS(2024)1234号"));
    let csp = reqwest::get(format!("{base}/")).await.unwrap().headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("img-src 'self' data: blob: https://tiles.example.cn;"),
        "{csp}"
    );
    server.shutdown().await.unwrap();

    // Tiles without the review number they must show: refused at start, saying why.
    let mut config = Config::for_tests(&url, web.path());
    config.map.map_tiles = Some("https://tiles.example.cn/{z}/{x}/{y}.png".into());
    let err = start(config).await.err().expect("refused");
    assert!(err.to_string().contains("审图号"), "{err}");
}

#[tokio::test]
async fn the_apps_get_the_calendar_the_server_counts_with() {
    let web = fake_web_dir();
    let db = tempfile::tempdir().unwrap();
    let url = sqlite_url(db.path());
    let server = start(Config::for_tests(&url, web.path())).await.unwrap();
    let built_in: tongban_core::calendar::CalendarFile =
        reqwest::get(format!("{}/api/v1/calendar", server.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(built_in.format, "tongban-calendar/1");
    assert!(built_in.years.contains_key("2026"));
    server.shutdown().await.unwrap();

    // A region's own file: a day off of its own is what the apps see.
    let file = db.path().join("calendar.json");
    std::fs::write(
        &file,
        r#"{"format": "tongban-calendar/1", "years": {"2027": {"status": "published",
            "holidays": [{"name": {"zh": "测试假日"}, "from": "2027-03-03", "to": "2027-03-03"}]}}}"#,
    )
    .unwrap();
    let mut config = Config::for_tests(&url, web.path());
    config.calendar_file = Some(file);
    let server = start(config).await.unwrap();
    let served: tongban_core::calendar::CalendarFile =
        reqwest::get(format!("{}/api/v1/calendar", server.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let calendar = tongban_core::calendar::WorkCalendar::from_file(&served).unwrap();
    assert!(calendar.is_holiday(tongban_core::calendar::Day::from_ymd(2027, 3, 3)));
    assert!(!served.years.contains_key("2026"));
    server.shutdown().await.unwrap();
}
