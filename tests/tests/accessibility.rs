//! Accessibility by machine: axe-core (WCAG 2.0/2.1/2.2 A and AA) on every route, in standard and
//! care mode, in every language; and care mode's senior-friendly numbers measured in the page.

use std::time::Duration;

use tokio::sync::Mutex;
use tongban_tests::{axe, axe_source, Browser, TestApp, WCAG_AA};

/// Nothing may need sideways scrolling, nor be cut off: the page reflows instead.
const NO_SIDEWAYS_SCROLL: &str =
    "return document.documentElement.scrollWidth <= window.innerWidth + 1";

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const ROUTES: [&str; 14] = [
    "/",
    "/matter/330000-RS-0001",
    "/bundle/newborn",
    "/event/retirement",
    "/help/proxy",
    "/login",
    "/account",
    "/apply/330000-GA-0001",
    "/drafts",
    "/applications",
    "/messages",
    "/book/330000-GA-0001/330100-smzx",
    "/appointments",
    "/mandates",
];

/// Logs the browser in (through the login page), so that `/account` shows the account.
async fn log_in(app: &TestApp, browser: &Browser) {
    browser
        .client
        .goto(&format!("{}/login", app.base_url))
        .await
        .unwrap();
    app.log_in(browser, "13800138000").await.unwrap();
}
const LANGUAGES: [&str; 3] = ["zh-CN", "en", "ug"];

/// Chooses language and mode the way a person does (remembered on the device), then opens a route
/// and waits until its content is there.
async fn open(browser: &Browser, base: &str, language: &str, care: bool, route: &str) {
    let set = format!(
        "localStorage.setItem('tongban.lang', '{language}'); localStorage.setItem('tongban.care', '{}'); return true",
        if care { "1" } else { "0" }
    );
    browser.eval(&set).await.unwrap();
    browser
        .client
        .goto(&format!("{base}{route}"))
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.querySelector('main h1') !== null && document.querySelector('main .status') === null",
            &format!("{route} to load"),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
}

#[tokio::test]
async fn every_route_passes_axe_in_both_modes_and_every_language() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    let source = axe_source();
    log_in(&app, &browser).await;
    let aa = WCAG_AA;
    let enhanced_contrast = "{ type: 'rule', values: ['color-contrast-enhanced'] }";
    // The checker must be able to fail: a picture without a text alternative is caught.
    open(&browser, &app.base_url, "zh-CN", false, "/").await;
    browser.eval("const img = document.createElement('img'); img.src = '/icons/icon-192.png'; img.id = 'probe'; document.querySelector('main').append(img); return true").await.unwrap();
    let caught = axe(&browser, &source, aa).await;
    assert!(
        caught.iter().any(|v| v.starts_with("image-alt")),
        "axe did not catch a missing alt text: {caught:?}"
    );
    let mut table = Vec::new();
    let mut failures = Vec::new();
    for language in LANGUAGES {
        for care in [false, true] {
            for route in ROUTES {
                open(&browser, &app.base_url, language, care, route).await;
                let mut violations = axe(&browser, &source, aa).await;
                if care {
                    // Care mode asks for 7:1 text contrast (WCAG AAA's enhanced contrast).
                    violations.extend(axe(&browser, &source, enhanced_contrast).await);
                }
                let mode = if care { "care" } else { "standard" };
                table.push(format!(
                    "{route:<26} {mode:<8} {language:<5} {} violations",
                    violations.len()
                ));
                failures.extend(
                    violations
                        .into_iter()
                        .map(|v| format!("{route} {mode} {language}: {v}")),
                );
            }
        }
    }
    println!("axe-core results:\n{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
    browser.close().await;
}

/// The measurements of one page in care mode.
const MEASURE: &str = r#"
const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0; };
const describe = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' "' + (el.textContent || el.value || '').trim().slice(0, 20) + '"';
let smallestFont = 1000, smallestFontAt = '', tightestLine = 10, tightestLineAt = '';
for (const el of document.body.querySelectorAll('*')) {
  const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim().length > 0);
  if (!ownText || !visible(el)) continue;
  const style = getComputedStyle(el);
  const size = parseFloat(style.fontSize);
  if (size < smallestFont) { smallestFont = size; smallestFontAt = describe(el); }
  const line = parseFloat(style.lineHeight);
  if (!isNaN(line) && line / size < tightestLine) { tightestLine = line / size; tightestLineAt = describe(el); }
}
let smallestTarget = 1000, smallestTargetAt = '', small = [];
for (const el of document.querySelectorAll('a[href], button, input, select, summary, textarea')) {
  if (!visible(el)) continue;
  // A radio, checkbox or file input inside its label is tapped through the label: measure that.
  const r = (el.tagName === 'INPUT' && el.closest('label') || el).getBoundingClientRect();
  const side = Math.min(r.width, r.height);
  if (side < smallestTarget) { smallestTarget = side; smallestTargetAt = describe(el); }
  if (r.width < 60 || r.height < 60) small.push(describe(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
}
const h1 = parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize);
return { smallestFont, smallestFontAt, tightestLine, tightestLineAt, smallestTarget, smallestTargetAt, small, h1 };
"#;

#[tokio::test]
async fn care_mode_meets_the_senior_friendly_numbers_on_every_route() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    log_in(&app, &browser).await;
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for language in ["zh-CN", "ug"] {
        for route in ROUTES {
            open(&browser, &app.base_url, language, true, route).await;
            let m = browser.eval(MEASURE).await.unwrap();
            // Screenshots for a person to look at: target/screenshots/care-<language><route>.png
            let shots =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
            std::fs::create_dir_all(&shots).unwrap();
            let name = format!(
                "care-{language}{}.png",
                route.replace('/', "-").trim_end_matches('-')
            );
            std::fs::write(shots.join(name), browser.client.screenshot().await.unwrap()).unwrap();
            let font = m["smallestFont"].as_f64().unwrap();
            let target = m["smallestTarget"].as_f64().unwrap();
            let line = m["tightestLine"].as_f64().unwrap();
            let h1 = m["h1"].as_f64().unwrap();
            report.push(format!(
                "{route:<26} {language:<5} smallest text {font} px ({}), line height ≥ {line:.2}, smallest target {target:.0} px ({}), h1 {h1} px",
                m["smallestFontAt"], m["smallestTargetAt"]
            ));
            if font < 18.0 {
                failures.push(format!(
                    "{route} {language}: text of {font} px at {}",
                    m["smallestFontAt"]
                ));
            }
            if line < 1.3 {
                failures.push(format!(
                    "{route} {language}: line height {line:.2} at {}",
                    m["tightestLineAt"]
                ));
            }
            if h1 < 30.0 {
                failures.push(format!("{route} {language}: main heading {h1} px"));
            }
            for s in m["small"].as_array().unwrap() {
                failures.push(format!(
                    "{route} {language}: target smaller than 60×60: {s}"
                ));
            }
        }
    }
    println!("care mode measurements at 360×640:\n{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    browser.close().await;
}

#[tokio::test]
async fn pages_reflow_at_320_px_and_with_text_at_200_percent() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::with_viewport("zh-CN", (320, 640)).await.unwrap();
    log_in(&app, &browser).await;
    let viewport = browser
        .eval("return document.querySelector('meta[name=viewport]').content")
        .await
        .unwrap();
    let viewport = viewport.as_str().unwrap();
    assert!(
        !viewport.contains("user-scalable=no") && !viewport.contains("maximum-scale"),
        "pinch zoom must stay: {viewport}"
    );
    let mut failures = Vec::new();
    for language in LANGUAGES {
        for care in [false, true] {
            for route in ROUTES {
                open(&browser, &app.base_url, language, care, route).await;
                let mode = if care { "care" } else { "standard" };
                if browser.eval(NO_SIDEWAYS_SCROLL).await.unwrap() != serde_json::Value::Bool(true)
                {
                    failures.push(format!(
                        "{route} {mode} {language}: scrolls sideways at 320 px"
                    ));
                }
                // WCAG 1.4.4: text resized to 200 % loses nothing.
                browser
                    .eval("document.documentElement.style.fontSize = '200%'; return true")
                    .await
                    .unwrap();
                if browser.eval(NO_SIDEWAYS_SCROLL).await.unwrap() != serde_json::Value::Bool(true)
                {
                    failures.push(format!(
                        "{route} {mode} {language}: scrolls sideways with text at 200 %"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    browser.close().await;
}

#[tokio::test]
async fn the_home_page_works_by_keyboard_alone_with_visible_focus() {
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN").await.unwrap();
    open(&browser, &app.base_url, "zh-CN", false, "/").await;
    let focused = "const e = document.activeElement; const s = getComputedStyle(e);
        return { tag: e.tagName.toLowerCase(), cls: String(e.className), id: e.id,
                 outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };";
    let mut walk = Vec::new();
    for _ in 0..12 {
        browser
            .client
            .active_element()
            .await
            .unwrap()
            .send_keys(TAB)
            .await
            .unwrap();
        let f = browser.eval(focused).await.unwrap();
        assert_eq!(f["outline"], true, "focus is not visible on {f}");
        walk.push(f);
    }
    assert_eq!(
        walk[0]["cls"], "skip-link",
        "the first Tab reaches the skip link: {walk:?}"
    );
    assert!(
        walk.iter().any(|f| f["id"] == "search-input"),
        "the search box is reachable: {walk:?}"
    );
    // The skip link takes the person straight to the content.
    browser
        .client
        .goto(&format!("{}/", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until("return !!document.querySelector('main h1')", "home")
        .await
        .unwrap();
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(TAB)
        .await
        .unwrap();
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(ENTER)
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.activeElement.id === 'main'",
            "focus on the main content",
        )
        .await
        .unwrap();
    browser.close().await;
}
