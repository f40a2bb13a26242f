//! Nothing typed is lost, "saved" is said only of what is saved, and leaving a page never
//! panics — in Chromium at 360×640, with the server stopped where it matters.

use std::time::Duration;

use std::sync::Arc;

use tokio::sync::Mutex;
use tongban_core::auth::MemorySecretStore;
use tongban_core::form::Answer;
use tongban_core::ApiClient;
use tongban_tests::{step_of, Browser, TestApp, FILL_PAGE};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const PHONE: &str = "13800138000";
const MATTER: &str = "330000-GA-0001";
const FIELD: &str = "#f-applicant-address";
/// What the indicator may say when the answers are on this device but not on the server.
const ON_DEVICE: [&str; 2] = ["已自动保存在本机", "网络不通：填写的内容都已保存在本机"];
const SYNCED: &str = "已保存，换一台设备也能继续填";

async fn value_of(browser: &Browser, css: &str) -> String {
    if let Err(e) = browser
        .wait_until(
            &format!("return !!document.querySelector({css:?})"),
            "the field",
        )
        .await
    {
        browser.screenshot("keystroke-no-field").await.unwrap();
        let text = browser
            .eval("return document.body.innerText")
            .await
            .unwrap();
        panic!(
            "{e}: {css} at {} showing {text}",
            browser.path().await.unwrap()
        );
    }
    let value = browser
        .eval(&format!("return document.querySelector({css:?}).value"))
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

async fn indicator(browser: &Browser) -> String {
    browser
        .texts("main .sync-state, main .notice[role=status], main .notice[role=alert]")
        .await
        .unwrap()
        .join(" | ")
}

/// The indicator says the answers are on the device (and not that they are synced).
async fn says_saved_on_device(browser: &Browser) {
    let script = format!(
        "const t = document.querySelector('main').textContent; return {ON_DEVICE:?}.some(s => t.includes(s)) && !t.includes({SYNCED:?})"
    );
    if let Err(e) = browser
        .wait_until(&script, "the indicator saying: saved on this device")
        .await
    {
        panic!("{e}; it says {:?}", indicator(browser).await);
    }
}

async fn open_form(browser: &Browser, app: &TestApp) -> String {
    browser
        .client
        .goto(&format!("{}/apply/{MATTER}", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return location.search.includes('draft=') && !!document.querySelector('main form')",
            "the form",
        )
        .await
        .unwrap();
    browser
        .wait_until(
            &format!("return !!document.querySelector({FIELD:?})"),
            "the address field",
        )
        .await
        .unwrap();
    browser.path().await.unwrap()
}

#[tokio::test]
async fn the_last_keystroke_survives_a_reload_a_closed_tab_and_a_killed_browser() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start_with(|c| c.auth.code_resend_seconds = 1).await;
    let profile = tempfile::tempdir().unwrap();
    let browser = Browser::phone_with_profile(profile.path()).await.unwrap();
    browser
        .client
        .goto(&format!("{}/login?next=%2F", app.base_url))
        .await
        .unwrap();
    app.log_in(&browser, PHONE).await.unwrap();
    let form = open_form(&browser, &app).await;
    assert_eq!(step_of(&form), "0", "{form}");
    browser
        .wait_until(
            &format!("return document.body.textContent.includes({SYNCED:?})"),
            "synced",
        )
        .await
        .unwrap();

    // Offline from here on: only the device can keep what is typed.
    app.stop_server().await;

    // Type, then reload 0, 100 and 300 ms after the last keystroke.
    for wait_ms in [0u64, 100, 300] {
        let before = value_of(&browser, FIELD).await;
        let typed = format!("{before}{wait_ms}号");
        browser
            .type_into(FIELD, &format!("{wait_ms}号"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        browser.client.refresh().await.unwrap();
        let after = value_of(&browser, FIELD).await;
        assert_eq!(
            after, typed,
            "reloaded {wait_ms} ms after the last keystroke"
        );
        says_saved_on_device(&browser).await;
        browser
            .screenshot(&format!("keystroke-reload-{wait_ms}ms"))
            .await
            .unwrap();
    }

    // Type and close the tab at once; open the form again in another tab.
    let before = value_of(&browser, FIELD).await;
    let first = browser.client.window().await.unwrap();
    let other = browser.client.new_window(true).await.unwrap();
    browser.type_into(FIELD, "A座").await.unwrap();
    browser.client.close_window().await.unwrap();
    let _ = first;
    browser.client.switch_to_window(other.handle).await.unwrap();
    browser
        .client
        .goto(&format!("{}{form}", app.base_url))
        .await
        .unwrap();
    assert_eq!(
        value_of(&browser, FIELD).await,
        format!("{before}A座"),
        "after closing the tab"
    );
    says_saved_on_device(&browser).await;

    // Type and the browser is killed 300 ms later, before the typing pause ends: the journal's
    // durable copy holds it.
    let before = value_of(&browser, FIELD).await;
    browser.type_into(FIELD, "3幢").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    browser.kill_hard().await;
    let browser = Browser::phone_with_profile(profile.path()).await.unwrap();
    browser
        .client
        .goto(&format!("{}{form}", app.base_url))
        .await
        .unwrap();
    assert_eq!(
        value_of(&browser, FIELD).await,
        format!("{before}3幢"),
        "after the browser was killed within the typing pause"
    );
    says_saved_on_device(&browser).await;

    // Type, pause (the draft is saved), and the browser is killed: everything is there after.
    let before = value_of(&browser, FIELD).await;
    browser.type_into(FIELD, "201室").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    says_saved_on_device(&browser).await;
    browser.kill_hard().await;
    let browser = Browser::phone_with_profile(profile.path()).await.unwrap();
    browser
        .client
        .goto(&format!("{}{form}", app.base_url))
        .await
        .unwrap();
    assert_eq!(
        value_of(&browser, FIELD).await,
        format!("{before}201室"),
        "after the browser was killed"
    );
    says_saved_on_device(&browser).await;
    browser.screenshot("keystroke-after-kill").await.unwrap();

    // The server comes back: now, and only now, the indicator says synced, and the server has it.
    // (The killed browser may also have lost its recent cookies: then the person logs in again,
    // as the indicator asks, and comes back to the form.)
    app.restart_server().await;
    browser
        .wait_until(
            "const t = document.body.textContent; return t.includes('换一台设备也能继续填') || t.includes('登录已超时')",
            "synced, or asked to log in again",
        )
        .await
        .unwrap();
    if browser
        .eval("return document.body.textContent.includes('登录已超时')")
        .await
        .unwrap()
        == serde_json::Value::Bool(true)
    {
        browser
            .click("main .notice a[href^='/login']")
            .await
            .unwrap();
        app.log_in(&browser, PHONE).await.unwrap();
        assert_eq!(value_of(&browser, FIELD).await, format!("{before}201室"));
    }
    browser
        .wait_until(
            &format!("return document.body.textContent.includes({SYNCED:?})"),
            "synced after the server came back",
        )
        .await
        .unwrap();
    // As the person on a second device: the draft has the last keystroke.
    let laptop =
        ApiClient::new(&app.base_url).with_secret_store(Arc::new(MemorySecretStore::default()));
    tokio::time::sleep(Duration::from_millis(1100)).await; // one code per phone per second here
    laptop.send_login_code(PHONE).await.unwrap();
    laptop
        .login(PHONE, &app.sms.last_code(PHONE).unwrap())
        .await
        .unwrap();
    let drafts = laptop.drafts().await.unwrap();
    let address = drafts
        .iter()
        .find_map(|d| d.answers.get("applicant.address"))
        .cloned();
    assert_eq!(
        address,
        Some(Answer::Text(format!("{before}201室"))),
        "the server holds the last keystroke; the indicator said {}",
        indicator(&browser).await
    );
    browser.close().await;
}

/// Sets every date the page refused to a month from today.
const FUTURE_DATES: &str = "
const d = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
for (const el of document.querySelectorAll('main input[type=date][aria-invalid=true]')) {
  el.value = d;
  el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
}
return true";

const NEXT: &str = "下一步";
const BACK: &str = "上一步";

/// Types into a text field of the page and presses the button labelled `button` at once, as
/// fast as WebDriver goes. False when the page has no such button.
async fn type_and_press(browser: &Browser, button: &str) -> bool {
    let field = browser
        .eval(
            "const f = document.querySelector('main .form-field > input:not([type=date]), main .form-field > textarea');
             return f ? '#' + f.id : null",
        )
        .await
        .unwrap();
    if let Some(css) = field.as_str() {
        // A keystroke and its undoing: the answer stays valid, the field saw two keystrokes.
        browser.type_into(css, "x\u{E003}").await.unwrap();
    }
    let script = format!(
        "const b = [...document.querySelectorAll('main form button')].find(b => b.textContent.trim() === {button:?});
         if (!b) return false; b.click(); return true"
    );
    browser.eval(&script).await.unwrap() == serde_json::Value::Bool(true)
}

#[tokio::test]
async fn hurrying_through_forms_of_every_field_kind_never_panics() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let browser = Browser::phone("zh-CN,zh").await.unwrap();
    browser
        .client
        .goto(&format!("{}/login?next=%2F", app.base_url))
        .await
        .unwrap();
    app.log_in(&browser, PHONE).await.unwrap();
    // Together these ask every kind of question: text, number, date, ID number, credit code,
    // mobile, region, address, single and multiple choice, documents, repeatable groups.
    for form in ["310000-SC-0001", "310000-GA-0020", "330000-GA-0001"] {
        browser
            .client
            .goto(&format!("{}/apply/{form}", app.base_url))
            .await
            .unwrap();
        browser
            .wait_until(
                "return location.search.includes('draft=') && !!document.querySelector('main form')",
                "the form",
            )
            .await
            .unwrap();
        browser.record_errors().await.unwrap();
        // Forward through every page: fill it, type once more, press next at once.
        let mut pages = 0;
        while step_of(&browser.path().await.unwrap()) != "check" && pages < 12 {
            // Twice: a choice made by the first pass may reveal more questions.
            browser.eval(FILL_PAGE).await.unwrap();
            tokio::time::sleep(Duration::from_millis(200)).await;
            browser.eval(FILL_PAGE).await.unwrap();
            browser
                .wait_until(tongban_tests::MATERIALS_DONE, "documents uploaded")
                .await
                .unwrap();
            let before = browser.path().await.unwrap();
            // A first try shows which dates must lie ahead (a deadline, not a birthday); those
            // are set a month from now. Then back here if it went on already.
            assert!(type_and_press(&browser, NEXT).await);
            tokio::time::sleep(Duration::from_millis(300)).await;
            if browser.path().await.unwrap() == before {
                browser.eval(FUTURE_DATES).await.unwrap();
            } else {
                browser.client.back().await.unwrap();
                browser
                    .wait_until(
                        &format!("return location.pathname + location.search === {before:?}"),
                        "back",
                    )
                    .await
                    .unwrap();
            }
            assert!(
                type_and_press(&browser, NEXT).await,
                "{form}: no next button"
            );
            if let Err(e) = browser
                .wait_until(
                    &format!("return location.pathname + location.search !== {before:?}"),
                    "the next page",
                )
                .await
            {
                let text = browser
                    .eval("return document.querySelector('main').innerText")
                    .await
                    .unwrap();
                panic!("{e}: {form} at {before} showing {text}");
            }
            pages += 1;
        }
        // Back through them, typing and pressing back at once; then forward again, quickly.
        browser
            .eval("const b = [...document.querySelectorAll('main .check-change button')][0]; b.click(); return true")
            .await
            .unwrap();
        for _ in 0..pages {
            if !type_and_press(&browser, BACK).await {
                break;
            }
        }
        for _ in 0..pages {
            type_and_press(&browser, NEXT).await;
        }
        // Timers a field left behind would fire now.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let errors = browser.errors().await.unwrap();
        assert!(errors.is_empty(), "{form}: {errors:?}");
    }
    browser.close().await;
}
