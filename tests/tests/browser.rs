//! The PWA in headless Chromium at 360×640 against the real server: what a person would see.

use tokio::sync::Mutex;
use tongban_core::ApiClient;
use tongban_tests::{Browser, TestApp, PHONE};

/// One browser at a time: this machine has two cores.
static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

#[tokio::test]
async fn the_home_page_lists_the_catalog_in_chinese_on_a_phone() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN,zh").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();

    let names = browser.texts("li.matter h2").await.unwrap();
    let from_api = ApiClient::new(&app.base_url).list_matters().await.unwrap();
    assert_eq!(names.len(), from_api.len(), "every matter is listed");
    assert_eq!(names[0], "居民身份证换领");
    assert_eq!(browser.texts("h1").await.unwrap(), vec!["办事事项"]);
    assert_eq!(
        browser.texts("#matters-count").await.unwrap(),
        vec![format!("共 {} 项", from_api.len())]
    );
    let first_facts = browser
        .texts("li.matter:first-child .fact")
        .await
        .unwrap()
        .join(" | ");
    assert!(
        first_facts.contains("最多跑 1 次") && first_facts.contains("承诺 20 个工作日办结"),
        "{first_facts}"
    );
    assert_eq!(
        browser
            .eval("return document.documentElement.lang")
            .await
            .unwrap(),
        "zh-CN"
    );

    // Mobile-first: the page fits the phone's width with no sideways scrolling.
    let width = browser.eval("return window.innerWidth").await.unwrap();
    assert_eq!(width, PHONE.0);
    let overflow = browser
        .eval("return document.documentElement.scrollWidth > window.innerWidth")
        .await
        .unwrap();
    assert_eq!(overflow, false, "the page scrolls sideways at 360 px");
    let loading_left = browser
        .eval("return document.getElementById('boot') !== null")
        .await
        .unwrap();
    assert_eq!(
        loading_left, false,
        "the static loading line is replaced by the app"
    );
    browser.close().await;
}

#[tokio::test]
async fn an_english_browser_gets_the_english_app() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("en-GB,en").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();

    let names = browser.texts("li.matter h2").await.unwrap();
    assert_eq!(names[0], "Resident ID card renewal");
    assert_eq!(browser.texts("h1").await.unwrap(), vec!["Services"]);
    assert_eq!(
        browser
            .eval("return document.documentElement.lang")
            .await
            .unwrap(),
        "en"
    );
    let facts = browser
        .texts("li.matter:first-child .fact")
        .await
        .unwrap()
        .join(" | ");
    assert!(facts.contains("Done within 20 working days"), "{facts}");
    browser.close().await;
}

#[tokio::test]
async fn with_the_server_down_a_reload_still_shows_the_app_and_the_last_catalog() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();
    let online = browser.texts("li.matter h2").await.unwrap();
    browser
        .wait_until(
            "return !!navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            "the service worker to control the page",
        )
        .await
        .unwrap();
    // A reload under the service worker caches the catalog read for offline use.
    browser.client.refresh().await.unwrap();
    browser.texts("li.matter h2").await.unwrap();

    app.stop_server().await;
    assert!(
        reqwest::get(&app.base_url).await.is_err(),
        "the server is really down"
    );
    browser.client.refresh().await.unwrap();
    assert_eq!(
        browser.texts("h1").await.unwrap(),
        vec!["办事事项"],
        "the app shell loads offline"
    );
    assert_eq!(
        browser.texts("li.matter h2").await.unwrap(),
        online,
        "the last catalog shows offline"
    );

    // A deep link opened cold while offline still starts the app (the route's page comes later).
    browser
        .client
        .goto(&format!("{}/matter/330000-GA-0001", app.base_url))
        .await
        .unwrap();
    assert_eq!(browser.texts(".app-name").await.unwrap(), vec!["通办"]);
    browser.close().await;
}

#[tokio::test]
async fn the_app_is_installable() {
    let app = TestApp::start().await;
    let manifest: serde_json::Value =
        reqwest::get(format!("{}/manifest.webmanifest", app.base_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icons = manifest["icons"].as_array().unwrap();
    for size in ["192x192", "512x512"] {
        let icon = icons
            .iter()
            .find(|i| i["sizes"] == size && i["type"] == "image/png")
            .expect("png icon");
        let response = reqwest::get(format!("{}{}", app.base_url, icon["src"].as_str().unwrap()))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        let (w, h) = (
            u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
            u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
        );
        assert_eq!(format!("{w}x{h}"), size, "icon size matches the manifest");
    }
    let html = reqwest::get(&app.base_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"name="viewport""#) && html.contains(r#"rel="manifest""#));
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline script or style"
    );
    let sw = reqwest::get(format!("{}/sw.js", app.base_url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !sw.contains("__TONGBAN_BUILD__"),
        "the service worker is stamped with the build"
    );
}
