//! Applying in the PWA, end to end, at 360×640: fill half a form, the server goes away, keep
//! typing, reload — everything is there; the server comes back — it syncs; submit twice quickly —
//! one application; staff ask for a supplement — the person supplies it — completed.

use std::sync::Arc;

use tokio::sync::Mutex;
use tongban_core::application::{ApplicationStatus, StatusChange};
use tongban_core::auth::MemorySecretStore;
use tongban_core::ApiClient;
use tongban_tests::{
    fill_to_check_answers, next_page, step_of, submit_twice, Browser, TestApp, FILL_PAGE,
};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const PHONE: &str = "13800138000";
const MATTER: &str = "330000-GA-0001";

#[tokio::test]
async fn nothing_typed_is_lost_and_one_application_is_followed_to_the_end() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start_with(|c| c.auth.code_resend_seconds = 1).await;
    let browser = Browser::phone("zh-CN,zh").await.unwrap();

    // Log in and verify identity (the matter needs it), as a person does.
    browser
        .client
        .goto(&format!("{}/login?next=%2Faccount", app.base_url))
        .await
        .unwrap();
    app.log_in(&browser, PHONE).await.unwrap();
    browser.type_into("#name", "张三").await.unwrap();
    browser
        .type_into("#id-number", "11010519491231002X")
        .await
        .unwrap();
    browser
        .click("section[aria-labelledby=verify-heading] button[type=submit]")
        .await
        .unwrap();
    browser
        .wait_until(
            "return document.body.textContent.includes('已实名认证')",
            "verified",
        )
        .await
        .unwrap();

    // The guide's "apply online" opens the form; the applicant is filled from the identity.
    browser
        .client
        .goto(&format!("{}/matter/{MATTER}", app.base_url))
        .await
        .unwrap();
    assert_eq!(browser.texts("a.apply-link").await.unwrap(), ["在线申请"]);
    browser.click("a.apply-link").await.unwrap();
    browser
        .wait_until("return !!document.getElementById('f-applicant-name') && document.getElementById('f-applicant-name').value === '张三'", "the prefilled form")
        .await
        .unwrap();
    let hints = browser.texts(".source").await.unwrap();
    assert!(
        hints.iter().all(|h| h == "已用您的实名信息填写") && hints.len() >= 2,
        "{hints:?}"
    );
    browser.screenshot("apply-first-page").await.unwrap();
    // Continue without the address: the error is named at the top and at the field.
    browser
        .click("main form button[type=submit]")
        .await
        .unwrap();
    let summary = browser.texts("#error-summary li").await.unwrap();
    assert!(
        summary.iter().any(|s| s.contains("这一项必须填写")),
        "{summary:?}"
    );
    next_page(&browser).await;
    let draft_path = browser.path().await.unwrap();
    assert_eq!(step_of(&draft_path), "1", "{draft_path}");
    browser
        .wait_until(
            "return document.body.textContent.includes('换一台设备也能继续填')",
            "synced",
        )
        .await
        .unwrap();

    // The server goes away. The person keeps typing on the next page, then reloads.
    app.stop_server().await;
    browser.eval(FILL_PAGE).await.unwrap();
    let typed: serde_json::Value = browser
        .eval("return [...document.querySelectorAll('main .form-field > input, main .form-field > textarea')].map(e => e.id + '=' + e.value)")
        .await
        .unwrap();
    // Leave the page's last field (commits the pending keystrokes), then reload.
    browser.eval("document.activeElement && document.activeElement.blur(); document.dispatchEvent(new Event('visibilitychange')); return true").await.unwrap();
    browser
        .wait_until(
            "return document.body.textContent.includes('网络不通')",
            "the offline notice",
        )
        .await
        .unwrap();
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('main form')",
            "the form after reload",
        )
        .await
        .unwrap();
    let after: serde_json::Value = browser
        .eval("return [...document.querySelectorAll('main .form-field > input, main .form-field > textarea')].map(e => e.id + '=' + e.value)")
        .await
        .unwrap();
    assert_eq!(after, typed, "what was typed offline survived the reload");
    browser
        .screenshot("apply-offline-after-reload")
        .await
        .unwrap();

    // The server comes back: the draft syncs by itself.
    app.restart_server().await;
    browser
        .wait_until(
            "return document.body.textContent.includes('换一台设备也能继续填')",
            "synced again",
        )
        .await
        .unwrap();

    // The remaining pages, then check answers and submit — twice, quickly.
    fill_to_check_answers(&browser).await;
    browser.texts(".check-answers .check-row").await.unwrap();
    browser.screenshot("apply-check-answers").await.unwrap();
    submit_twice(&browser).await;
    let db = app.server().db().pool().clone();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(count, 1, "one application however often submit was pressed");
    let id: String = sqlx::query_scalar("SELECT id FROM applications")
        .fetch_one(&db)
        .await
        .unwrap();

    // Staff accept it and ask for the address again.
    let hash = tongban_server::auth::password::hash_password("correct horse battery").unwrap();
    app.server()
        .db()
        .put_staff(tongban_server::store::NewStaff::new(
            "wang.li",
            "王丽",
            "330100-ga",
            tongban_core::case::StaffRole::Supervisor,
            &hash,
        ))
        .await
        .unwrap();
    let staff =
        ApiClient::new(&app.base_url).with_secret_store(Arc::new(MemorySecretStore::default()));
    staff
        .staff_login("wang.li", "correct horse battery")
        .await
        .unwrap();
    let step = |status, fields: &[&str]| StatusChange {
        status,
        message: "请补充完整的门牌号".into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        reason: None,
    };
    staff
        .staff_move(&id, &step(ApplicationStatus::Accepted, &[]))
        .await
        .unwrap();
    staff
        .staff_move(&id, &step(ApplicationStatus::InReview, &[]))
        .await
        .unwrap();
    staff
        .staff_move(
            &id,
            &step(
                ApplicationStatus::SupplementRequested,
                &["applicant.address"],
            ),
        )
        .await
        .unwrap();

    browser
        .client
        .goto(&format!("{}/applications/{id}", app.base_url))
        .await
        .unwrap();
    let heading = browser.texts("#supplement-heading").await.unwrap();
    assert_eq!(heading, ["需要补正"]);
    browser
        .type_into(
            "#f-applicant-address",
            "浙江省杭州市西湖区文三路 1 号 3 幢 201 室",
        )
        .await
        .unwrap();
    browser.screenshot("application-supplement").await.unwrap();
    // What is typed into a supplement survives a reload too.
    let typed = browser
        .eval("return document.getElementById('f-applicant-address').value")
        .await
        .unwrap();
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            &format!("const f = document.getElementById('f-applicant-address'); return !!f && f.value === {typed}"),
            "the supplement's answer after a reload",
        )
        .await
        .unwrap();
    browser
        .click("section[aria-labelledby=supplement-heading] button")
        .await
        .unwrap();
    browser
        .wait_until("return !document.getElementById('supplement-heading') && document.body.textContent.includes('审核中')", "back in review")
        .await
        .unwrap();
    staff
        .staff_move(&id, &step(ApplicationStatus::Approved, &[]))
        .await
        .unwrap();
    staff
        .staff_move(&id, &step(ApplicationStatus::Completed, &[]))
        .await
        .unwrap();
    browser.client.refresh().await.unwrap();
    let timeline = browser.texts(".timeline li .device-name").await.unwrap();
    assert_eq!(
        timeline,
        [
            "已提交",
            "已受理",
            "审核中",
            "需要补正",
            "审核中",
            "审核通过",
            "已办结"
        ]
    );
    browser.screenshot("application-completed").await.unwrap();
    browser.close().await;
}
