//! Tongban inside a host super-app, end to end through the demo host: it lands logged in by a
//! signed ticket, on the deep-linked page, in the host's elder style and colours, with its title
//! in the host's bar; a submitted application is told to the host; expired and replayed tickets
//! are refused with a clear message; a page that is not a registered host cannot frame the app.

use std::time::Duration;

use tokio::sync::Mutex;
use tongban_server::demo_host::DemoHost;
use tongban_tests::{
    axe, axe_source, fill_to_check_answers, submit_twice, Browser, TestApp, WCAG_AA,
};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const MATTER: &str = "330000-GA-0001";

/// A desktop-sized window: the demo host's controls beside its 360×640 phone frame.
const HOST_WINDOW: (u32, u32) = (1100, 900);

fn host_messages(kind: &str) -> String {
    format!("return [...document.querySelectorAll('#events li[data-type=\"{kind}\"]')].map(li => li.textContent)")
}

async fn messages(browser: &Browser, kind: &str) -> Vec<String> {
    let value = browser.eval(&host_messages(kind)).await.unwrap();
    serde_json::from_value(value).unwrap()
}

/// The app with the demo host beside it, and a browser window the size of the host's page.
async fn host_scene() -> (TestApp, String, Browser) {
    let app = TestApp::start_with_demo_host().await;
    let demo = app.demo_host.as_ref().unwrap().origin.clone();
    let browser = Browser::with_viewport("zh-CN,zh", HOST_WINDOW)
        .await
        .unwrap();
    (app, demo, browser)
}

async fn wait_for_message(browser: &Browser, kind: &str, containing: &str) {
    let script = format!(
        "return [...document.querySelectorAll('#events li[data-type=\"{kind}\"]')].some(li => li.textContent.includes({containing:?}))"
    );
    browser
        .wait_until(&script, &format!("the host to receive {kind} {containing}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn inside_the_demo_host_the_app_logs_in_follows_the_host_and_reports_the_submission() {
    let _turn = ONE_BROWSER.lock().await;
    let (_app, demo, browser) = host_scene().await;

    // The host opens a deep link to a guide, in its elder style, for a person it has verified.
    browser
        .client
        .goto(&format!(
            "{demo}/?path=/matter/{MATTER}&elder=1&name=%E5%BC%A0%E4%B8%89&id-number=11010519491231002X"
        ))
        .await
        .unwrap();
    wait_for_message(&browser, "tongban:logged-in", "logged-in").await;
    browser
        .wait_until(
            "return document.getElementById('host-title').textContent !== '演示宿主'",
            "the app to set the host's title",
        )
        .await
        .unwrap();
    let host_title = browser.texts("#host-title").await.unwrap().remove(0);

    browser.client.enter_frame(0).await.unwrap();
    browser
        .wait_until("return !!document.querySelector('main h1')", "the guide")
        .await
        .unwrap();
    assert_eq!(
        browser.eval("return location.pathname").await.unwrap(),
        format!("/matter/{MATTER}")
    );
    let heading = browser.texts("main h1").await.unwrap().remove(0);
    // The app tells the host its title when the host says hello and again when the guide's
    // heading appears: whichever came first, the host's bar ends with the guide's title.
    if host_title != heading {
        browser.client.enter_parent_frame().await.unwrap();
        let script = format!(
            "return document.getElementById('host-title').textContent === {}",
            serde_json::json!(heading)
        );
        browser
            .wait_until(&script, "the guide's title in the host's bar")
            .await
            .unwrap_or_else(|e| {
                panic!("{e}: the host's bar says {host_title:?}, the guide {heading:?}")
            });
        browser.client.enter_frame(0).await.unwrap();
    }
    let look = browser
        .eval(
            "const root = document.documentElement; const css = getComputedStyle(root);
             return [root.classList.contains('care'), root.classList.contains('host-chrome'),
                     css.getPropertyValue('--brand').trim(),
                     getComputedStyle(document.querySelector('.app-name')).display]",
        )
        .await
        .unwrap();
    assert_eq!(
        look,
        serde_json::json!([true, true, "#8a1c1c", "none"]),
        "care mode from the host's elder style, the host's colour, its bar instead of ours"
    );
    let axe_js = axe_source();
    let violations = axe(&browser, &axe_js, WCAG_AA).await;
    assert!(
        violations.is_empty(),
        "in the host, care mode: {violations:?}"
    );
    browser.client.enter_parent_frame().await.unwrap();
    browser.screenshot("host-guide-elder").await.unwrap();

    // The host leaves its elder style: the app follows.
    browser.click("#elder").await.unwrap();
    browser.client.enter_frame(0).await.unwrap();
    browser
        .wait_until(
            "return !document.documentElement.classList.contains('care')",
            "standard mode",
        )
        .await
        .unwrap();
    let violations = axe(&browser, &axe_js, WCAG_AA).await;
    assert!(
        violations.is_empty(),
        "in the host, standard mode: {violations:?}"
    );

    // Apply: the form is prefilled from the identity the host asserted; submit it.
    browser.click("a.apply-link").await.unwrap();
    browser
        .wait_until(
            "const f = document.getElementById('f-applicant-name'); return !!f && f.value === '张三'",
            "the form prefilled from the host's identity",
        )
        .await
        .unwrap();
    fill_to_check_answers(&browser).await;
    submit_twice(&browser).await;
    let receipt = browser
        .eval("return document.querySelector('main .notice').textContent")
        .await
        .unwrap();
    browser.client.enter_parent_frame().await.unwrap();
    wait_for_message(&browser, "tongban:event", "application-submitted").await;
    let events = messages(&browser, "tongban:event").await;
    assert_eq!(events.len(), 1, "told once: {events:?}");
    assert!(events[0].contains(MATTER), "{events:?}");
    let number = events[0]
        .split("\"receipt_number\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    assert!(
        receipt.as_str().unwrap().contains(&number),
        "the host got the receipt the person sees: {number} in {receipt}"
    );
    browser.screenshot("host-submitted").await.unwrap();
    browser.close().await;
}

#[tokio::test]
async fn expired_and_replayed_tickets_are_refused_and_other_pages_cannot_frame_the_app() {
    let _turn = ONE_BROWSER.lock().await;
    let (app, demo, browser) = host_scene().await;

    browser
        .client
        .goto(&format!("{demo}/?ticket-mode=expired"))
        .await
        .unwrap();
    wait_for_message(&browser, "tongban:login-failed", "ticket-expired").await;
    browser.client.enter_frame(0).await.unwrap();
    let notice = browser.texts(".host-notice").await.unwrap().join(" ");
    assert!(notice.contains("登录凭证已过期"), "{notice}");
    assert!(notice.contains("用手机号登录"), "a way on: {notice}");
    let violations = axe(&browser, &axe_source(), WCAG_AA).await;
    assert!(violations.is_empty(), "the refusal notice: {violations:?}");
    browser.client.enter_parent_frame().await.unwrap();
    browser.screenshot("host-ticket-expired").await.unwrap();

    // A fresh ticket works; shown again, it is refused.
    browser
        .client
        .goto(&format!("{demo}/?ticket-mode=fresh"))
        .await
        .unwrap();
    wait_for_message(&browser, "tongban:logged-in", "logged-in").await;
    browser
        .eval("document.getElementById('ticket-mode').value = 'replay'; document.getElementById('open').click(); return true")
        .await
        .unwrap();
    wait_for_message(&browser, "tongban:login-failed", "ticket-used").await;
    browser.client.enter_frame(0).await.unwrap();
    let notice = browser.texts(".host-notice").await.unwrap().join(" ");
    assert!(notice.contains("已经用过"), "{notice}");
    browser.client.enter_parent_frame().await.unwrap();

    // A page that is not a registered host: the browser refuses to show the app in its frame,
    // so the app never starts there and never says hello.
    let rogue = DemoHost::bind("127.0.0.1:0".parse().unwrap(), "rogue")
        .await
        .unwrap()
        .serve(&app.base_url, "tongban");
    browser
        .client
        .goto(&format!("{}/", rogue.origin))
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.getElementById('app').src.startsWith('http')",
            "the rogue page to frame the app",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(messages(&browser, "tongban:ready").await.is_empty());
    browser.screenshot("host-unregistered").await.unwrap();
    browser.close().await;
}
