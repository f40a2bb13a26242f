//! The PWA in headless Chromium at 360×640 against the real server: what a person would see.

use tokio::sync::Mutex;
use tongban_tests::{Browser, TestApp, PHONE};

/// One browser at a time: this machine has two cores.
static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const POPULAR: &str = "section[aria-labelledby=popular-heading] li.matter h3";

#[tokio::test]
async fn the_home_page_offers_search_life_events_and_popular_matters_in_chinese() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN,zh").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();

    let popular = browser.texts(POPULAR).await.unwrap();
    assert_eq!(popular.len(), 6, "{popular:?}");
    assert_eq!(popular[0], "居民身份证换领");
    assert_eq!(browser.texts("h1").await.unwrap(), vec!["办事"]);
    assert_eq!(
        browser.texts("label[for=search-input]").await.unwrap(),
        vec!["搜索办事事项"]
    );
    let events = browser.texts(".event-grid a").await.unwrap();
    assert!(
        events.len() >= 8 && events.contains(&"生育收养".to_owned()),
        "{events:?}"
    );
    let facts = browser
        .texts(&format!("{POPULAR} ~ .matter-facts .fact"))
        .await
        .unwrap()
        .join(" | ");
    assert!(
        facts.contains("最多跑 1 次") && facts.contains("承诺 20 个工作日办结"),
        "{facts}"
    );
    assert_eq!(
        browser
            .eval("return document.documentElement.lang")
            .await
            .unwrap(),
        "zh-CN"
    );

    // Business matters are one tap away.
    browser.click(".tabs button:nth-child(2)").await.unwrap();
    let business = browser.texts(POPULAR).await.unwrap();
    assert!(
        business.iter().any(|n| n.contains("企业设立登记")),
        "{business:?}"
    );

    // Mobile-first: the page fits the phone's width with no sideways scrolling.
    assert_eq!(
        browser.eval("return window.innerWidth").await.unwrap(),
        PHONE.0
    );
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

    let popular = browser.texts(POPULAR).await.unwrap();
    assert_eq!(popular[0], "Resident ID card renewal");
    assert_eq!(browser.texts("h1").await.unwrap(), vec!["Find a service"]);
    assert_eq!(
        browser
            .eval("return document.documentElement.lang")
            .await
            .unwrap(),
        "en"
    );
    let facts = browser
        .texts(&format!("{POPULAR} ~ .matter-facts .fact"))
        .await
        .unwrap()
        .join(" | ");
    assert!(facts.contains("Done within 20 working days"), "{facts}");
    browser.close().await;
}

#[tokio::test]
async fn pinyin_initials_find_the_matter_and_its_guide_reads_offline() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();
    browser.texts(POPULAR).await.unwrap();

    let results = browser.search("sbk").await.unwrap();
    assert!(results[0].starts_with("社会保障卡"), "{results:?}");
    let count = browser.texts("#results-count").await.unwrap();
    assert!(count[0].starts_with("找到"), "{count:?}");

    browser.click(".results li.matter h3 a").await.unwrap();
    let title = browser.texts("article.guide h1").await.unwrap();
    assert!(title[0].starts_with("社会保障卡"), "{title:?}");
    let url = browser.client.current_url().await.unwrap();
    assert!(url.path().starts_with("/matter/"), "{url}");
    let sections = browser.texts("article.guide h2").await.unwrap();
    for needed in [
        "办理概要",
        "申请材料",
        "办理渠道",
        "受理条件",
        "办理流程",
        "设定依据",
        "咨询与投诉",
    ] {
        assert!(
            sections.iter().any(|s| s == needed),
            "the guide lacks {needed}: {sections:?}"
        );
    }
    assert!(!browser.texts("li.material").await.unwrap().is_empty());
    let best_first = browser
        .texts(".channels li:first-child .badge")
        .await
        .unwrap();
    assert_eq!(
        best_first,
        vec!["推荐"],
        "the recommended channel comes first"
    );

    // Once the service worker has kept the catalog, guides read with the server gone.
    browser
        .wait_until(
            "return !!navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            "the service worker to control the page",
        )
        .await
        .unwrap();
    let other = "330000-GA-0002"; // 居民身份证补领, never opened in this browser
    let cached = format!(
        "return caches.open('tongban-public-data-v1').then(c => c.match('/api/v1/matters/{other}')).then(r => !!r)"
    );
    browser
        .wait_until(&cached, "the guides to be kept for offline use")
        .await
        .unwrap();

    app.stop_server().await;
    assert!(
        reqwest::get(&app.base_url).await.is_err(),
        "the server is really down"
    );
    browser.client.refresh().await.unwrap();
    let title = browser.texts("article.guide h1").await.unwrap();
    assert!(
        title[0].starts_with("社会保障卡"),
        "the open guide reloads offline: {title:?}"
    );
    browser
        .client
        .goto(&format!("{}/matter/{other}", app.base_url))
        .await
        .unwrap();
    assert_eq!(
        browser.texts("article.guide h1").await.unwrap(),
        vec!["居民身份证补领"],
        "a deep link opens offline"
    );
    browser.client.goto(&app.base_url).await.unwrap();
    let offline = browser.search("身份证丢了").await.unwrap();
    assert!(
        offline.iter().take(3).any(|n| n == "居民身份证补领"),
        "search works offline: {offline:?}"
    );
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

#[tokio::test]
async fn one_tap_switches_the_language_and_care_mode_and_both_are_remembered() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();
    browser.texts(POPULAR).await.unwrap();

    browser.click("button.language[lang=en]").await.unwrap();
    browser
        .wait_until(
            "return document.documentElement.lang === 'en' && !!document.querySelector('main h1')",
            "English",
        )
        .await
        .unwrap();
    assert_eq!(
        browser.texts("main h1").await.unwrap(),
        vec!["Find a service"]
    );

    // Care mode: one tap in the header, the first-run question goes away, large targets follow.
    assert!(
        !browser.texts(".care-prompt h2").await.unwrap().is_empty(),
        "first run asks about care mode"
    );
    browser.click(".care-toggle").await.unwrap();
    browser
        .wait_until(
            "return document.documentElement.classList.contains('care')",
            "care mode",
        )
        .await
        .unwrap();
    assert_eq!(
        browser
            .eval("return document.querySelector('.care-prompt') === null")
            .await
            .unwrap(),
        true
    );
    let common = browser.texts("#care-common-heading").await.unwrap();
    assert_eq!(
        common,
        vec!["Services people use most"],
        "care mode has its own home"
    );
    let help = browser
        .eval("return document.querySelector('a[href=\"tel:12345\"]') !== null")
        .await
        .unwrap();
    assert_eq!(help, true, "help is one tap away");

    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('main h1')",
            "the reloaded page",
        )
        .await
        .unwrap();
    assert_eq!(
        browser
            .eval("return document.documentElement.lang")
            .await
            .unwrap(),
        "en",
        "language remembered"
    );
    let care = browser
        .eval("return document.documentElement.classList.contains('care')")
        .await
        .unwrap();
    assert_eq!(care, true, "care mode remembered");
    browser.close().await;
}

const PHONE_NUMBER: &str = "13800138000";

#[tokio::test]
async fn a_person_logs_in_with_a_texted_code_verifies_identity_and_logs_out() {
    let _turn = ONE_BROWSER.lock().await;
    // A new code may be asked for every second here, so the test can log in twice.
    let app = TestApp::start_with(|c| c.auth.code_resend_seconds = 1).await;
    let browser = Browser::phone("zh-CN,zh").await.unwrap();

    // A page that needs a login sends the person to log in, and back afterwards.
    browser
        .client
        .goto(&format!("{}/account", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until("return location.pathname === '/login'", "the login page")
        .await
        .unwrap();
    assert_eq!(browser.path().await.unwrap(), "/login?next=%2Faccount");
    assert_eq!(browser.texts("h1").await.unwrap(), ["登录"]);

    // A mistyped number is caught at once, the message tied to the field.
    browser.type_into("#phone", "1380013800").await.unwrap();
    browser.click("form button[type=submit]").await.unwrap();
    let error = browser.texts(".field-error").await.unwrap().join("");
    assert!(error.contains("手机号应为 11 位数字"), "{error}");
    assert_eq!(
        browser
            .eval("const f = document.getElementById('phone'); return [f.getAttribute('aria-invalid'), f.getAttribute('aria-describedby')]")
            .await
            .unwrap(),
        serde_json::json!(["true", "phone-error phone-hint"])
    );
    browser.click("#phone").await.unwrap();
    browser
        .eval("document.getElementById('phone').value = ''; document.getElementById('phone').dispatchEvent(new Event('input'))")
        .await
        .unwrap();
    app.log_in(&browser, PHONE_NUMBER).await.unwrap();
    assert_eq!(browser.path().await.unwrap(), "/account");
    let facts = browser.texts(".glance dd").await.unwrap().join(" | ");
    assert!(
        facts.contains("138****8000") && facts.contains("已验证手机号"),
        "{facts}"
    );
    assert!(!facts.contains(PHONE_NUMBER));
    assert_eq!(browser.texts(".account-link").await.unwrap(), ["我的"]);

    // Identity with name and ID number only: no face scan anywhere on the way.
    browser.type_into("#name", "张三").await.unwrap();
    browser
        .type_into("#id-number", "11010519491231002x")
        .await
        .unwrap();
    browser
        .click("section[aria-labelledby=verify-heading] button[type=submit]")
        .await
        .unwrap();
    browser
        .wait_until(
            "return [...document.querySelectorAll('.glance dd')].some(d => d.textContent.includes('已实名认证'))",
            "the verified level",
        )
        .await
        .unwrap();
    let facts = browser.texts(".glance dd").await.unwrap().join(" | ");
    assert!(
        facts.contains("110***********002X") && facts.contains("张*"),
        "{facts}"
    );
    let devices = browser
        .texts("section[aria-labelledby=devices-heading] li")
        .await
        .unwrap();
    browser.screenshot("account-verified").await.unwrap();
    assert_eq!(devices.len(), 1);
    assert!(devices[0].contains("本机"), "{devices:?}");
    let activity = browser
        .texts("section[aria-labelledby=activity-heading] li")
        .await
        .unwrap()
        .join(" | ");
    assert!(
        activity.contains("登录") && activity.contains("实名认证"),
        "{activity}"
    );

    // The session ends while the person is away: they log in again and are back on the page.
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 7200")
        .execute(app.server().db().pool())
        .await
        .unwrap();
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "return location.pathname === '/login'",
            "the login page again",
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.log_in(&browser, PHONE_NUMBER).await.unwrap();
    assert_eq!(browser.path().await.unwrap(), "/account");
    browser
        .texts("section[aria-labelledby=devices-heading] li")
        .await
        .unwrap();

    // Logging out ends the session on the server, not just on the screen.
    browser
        .click("section[aria-labelledby=account-leave] button")
        .await
        .unwrap();
    browser
        .wait_until("return location.pathname === '/'", "the home page")
        .await
        .unwrap();
    assert_eq!(browser.texts(".account-link").await.unwrap(), ["登录"]);
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL")
        .fetch_one(app.server().db().pool())
        .await
        .unwrap();
    assert_eq!(live, 0);
    browser
        .client
        .goto(&format!("{}/account", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return location.pathname === '/login'",
            "the login page after logout",
        )
        .await
        .unwrap();
    browser.close().await;
}

/// Sentences find what their words mean; a place filters; what was not understood is said; and a
/// query with nothing to look for offers the life events and the 12345 hotline, never a blank page.
#[tokio::test]
async fn sentences_places_and_unknown_words_are_answered_honestly() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();
    browser.texts(POPULAR).await.unwrap();
    let search = |q: &'static str| {
        let browser = &browser;
        async move {
            browser.eval("const i = document.getElementById('search-input'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true })); return true").await.unwrap();
            browser.type_into("#search-input", q).await.unwrap();
            browser
                .wait_until(
                    "return !!document.getElementById('results-count')",
                    "results",
                )
                .await
                .unwrap();
            // Results follow each keystroke; let the last one's render settle.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    };
    search("我想开个店怎么办").await;
    let names = browser.texts(".results li.matter h3").await.unwrap();
    assert!(names[0].contains("个体工商户"), "{names:?}");
    let marked = browser.texts(".results li.matter h3 mark").await.unwrap();
    assert!(!marked.is_empty(), "the words that matched are highlighted");

    search("去上海看病").await;
    let places = browser.texts("#results-places").await.unwrap();
    assert!(places[0].contains("上海"), "{places:?}");
    let names = browser.texts(".results li.matter h3").await.unwrap();
    assert!(names.iter().any(|n| n.contains("就医")), "{names:?}");

    search("身份证 火箭").await;
    let said = browser.texts("#results-unmatched").await.unwrap();
    assert!(said[0].contains("火箭"), "{said:?}");
    assert!(!browser
        .texts(".results li.matter")
        .await
        .unwrap()
        .is_empty());
    browser
        .eval("document.getElementById('results-count').scrollIntoView(); return true")
        .await
        .unwrap();
    browser.screenshot("search-unmatched").await.unwrap();

    search("我想问一下怎么办").await;
    let help = browser.texts("#search-help").await.unwrap();
    assert!(help[0].contains("12345"), "{help:?}");
    assert!(!browser
        .texts("#search-help a.event")
        .await
        .unwrap()
        .is_empty());
    browser
        .eval("document.getElementById('results-count').scrollIntoView(); return true")
        .await
        .unwrap();
    browser.screenshot("search-nothing").await.unwrap();
    browser.close().await;
}

/// A region chosen: the app downloads only that region's index (its matters, its province's and
/// national ones), keeps the focus on the picker, says so when a query names a place outside it
/// and offers every region again in one tap.
#[tokio::test]
async fn a_chosen_region_downloads_only_its_index_and_says_what_lies_outside() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    browser.client.goto(&app.base_url).await.unwrap();
    browser.texts(POPULAR).await.unwrap();
    let fetched = |query: &str| {
        format!(
            "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/api/v1/catalog/index{query}'))"
        )
    };
    browser
        .eval("const s = document.getElementById('region-select'); s.value = '330100'; s.dispatchEvent(new Event('change', { bubbles: true })); return true")
        .await
        .unwrap();
    browser
        .wait_until(&fetched("?region=330100"), "Hangzhou's index")
        .await
        .unwrap();
    browser
        .wait_until(
            "const s = document.getElementById('region-select'); return !!s && s.value === '330100' && document.activeElement === s",
            "the picker back, with Hangzhou chosen and the focus on it",
        )
        .await
        .unwrap();
    let popular = browser.texts(POPULAR).await.unwrap();
    assert!(!popular.is_empty());

    browser
        .type_into("#search-input", "上海社保卡")
        .await
        .unwrap();
    let outside = browser.texts("#results-other-region p").await.unwrap();
    assert!(outside[0].contains("上海"), "{outside:?}");
    browser
        .eval("document.getElementById('results-other-region').scrollIntoView(); return true")
        .await
        .unwrap();
    browser.screenshot("search-other-region").await.unwrap();
    browser.click("#results-other-region button").await.unwrap();
    browser
        .wait_until(
            "const s = document.getElementById('region-select'); return !!s && s.value === '' && !document.getElementById('results-other-region') && !!document.querySelector('.results li.matter')",
            "every region again, with results",
        )
        .await
        .unwrap();
    let links = browser
        .eval("return [...document.querySelectorAll('.results li.matter h3 a')].map(a => a.getAttribute('href'))")
        .await
        .unwrap();
    assert!(
        links
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().starts_with("/matter/310000-")),
        "Shanghai's matters found: {links}"
    );
    assert_eq!(
        browser
            .eval("return localStorage.getItem('tongban.region')")
            .await
            .unwrap(),
        serde_json::json!(""),
        "and remembered"
    );
    browser.close().await;
}
