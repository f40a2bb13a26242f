//! 我的数据 end to end, on a phone in care mode: an 86-year-old of Hangzhou verifies their
//! identity, has a form filled from it, and confirms the old-age allowance (a consent); a clerk
//! of the civil-affairs bureau opens the case in the workbench, and one of another department
//! is refused it. The person's record lists each — the clerk by department and role, never by
//! name, with the receipt — and the refused attempt; the consent is withdrawn with one tap; the
//! whole record downloads as JSON. The page passes axe-core.

use tokio::sync::Mutex;
use tongban_core::case::StaffRole;
use tongban_tests::{add_staff, axe, axe_source, staff_desk, verified_person, TestApp, WCAG_AA};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

#[tokio::test]
async fn the_record_shows_the_staff_read_the_verification_and_the_prefill_and_a_consent_is_withdrawn(
) {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let source = axe_source();
    let phone = verified_person(&app, "13800138082", "钱老伯", "330106194001010015").await;

    // A form filled from the verified identity (the prefill).
    phone
        .client
        .goto(&format!("{}/matter/330000-GA-0001", app.base_url))
        .await
        .unwrap();
    phone.texts("a.apply-link").await.unwrap();
    phone.tap("a.apply-link").await.unwrap();
    phone
        .wait_until(
            "return document.getElementById('f-applicant-name')?.value === '钱老伯'",
            "the prefilled form",
        )
        .await
        .unwrap();

    // The allowance, confirmed: a consent receipt and an application.
    phone
        .client
        .goto(&format!("{}/for-you", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.benefit-claim')",
            "the offer",
        )
        .await
        .unwrap();
    phone.tap(".benefit-claim").await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.benefit-claimed a')",
            "confirmed",
        )
        .await
        .unwrap();
    let href = phone
        .eval("return document.querySelector('.benefit-claimed a').getAttribute('href')")
        .await
        .unwrap();
    let application = href
        .as_str()
        .and_then(|h| h.strip_prefix("/applications/"))
        .expect("a link to the application")
        .to_owned();
    let case_id = app
        .server()
        .db()
        .cases_of(&application)
        .await
        .unwrap()
        .remove(0)
        .id;

    // The bureau's clerk opens the case; a clerk of another department is refused it.
    add_staff(&app, "mz.wang", "330100-mz", StaffRole::Clerk).await;
    add_staff(&app, "ga.li", "330100-ga", StaffRole::Clerk).await;
    let desk = staff_desk(&app, "mz.wang").await;
    desk.client
        .goto(&format!("{}/staff/cases/{case_id}", app.base_url))
        .await
        .unwrap();
    desk.texts("#case-status").await.unwrap();
    desk.close().await;
    let elsewhere = staff_desk(&app, "ga.li").await;
    elsewhere
        .client
        .goto(&format!("{}/staff/cases/{case_id}", app.base_url))
        .await
        .unwrap();
    elsewhere.texts("main .notice-error").await.unwrap();
    elsewhere.close().await;

    // The record, from the account page.
    phone
        .client
        .goto(&format!("{}/account", app.base_url))
        .await
        .unwrap();
    phone.texts("a.my-data").await.unwrap();
    phone.record_errors().await.unwrap();
    phone.tap("a.my-data").await.unwrap();
    phone
        .wait_until(
            "return document.querySelectorAll('.data-use').length >= 4",
            "the record",
        )
        .await
        .unwrap();
    let line = |action: &str, refused: bool| {
        format!(
            "return [...document.querySelectorAll('.data-use[data-action=\"{action}\"]')]\
             .filter(li => li.classList.contains('data-use-refused') === {refused})\
             .map(li => li.textContent)"
        )
    };
    // As a person reads it: without the isolation marks Fluent puts around placeholders.
    let texts = |v: serde_json::Value| -> Vec<String> {
        serde_json::from_value::<Vec<String>>(v)
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.replace(['\u{2068}', '\u{2069}'], ""))
            .collect()
    };
    let read = texts(phone.eval(&line("case-read", false)).await.unwrap());
    assert_eq!(read.len(), 1, "{read:?}");
    assert!(read[0].contains("杭州市民政局（受理人员）"), "{read:?}");
    assert!(read[0].contains("查看了您的办件"), "{read:?}");
    assert!(read[0].contains("办件 TB"), "with the receipt: {read:?}");
    assert!(!read[0].contains("mz.wang"), "never a name: {read:?}");
    let refused = texts(phone.eval(&line("case-read", true)).await.unwrap());
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("已拒绝"), "{refused:?}");
    let verified = texts(phone.eval(&line("identity-verify", false)).await.unwrap());
    assert!(
        verified
            .iter()
            .any(|t| t.contains("身份核验（人口信息库）")),
        "{verified:?}"
    );
    let prefill = texts(phone.eval(&line("profile-read", false)).await.unwrap());
    assert!(
        prefill.iter().any(|t| t.contains("自动填表")),
        "{prefill:?}"
    );
    let body = phone
        .eval("return document.body.textContent")
        .await
        .unwrap();
    assert!(!body.as_str().unwrap().contains("ga.li"));
    assert_accessible(&phone, &source).await;
    phone.screenshot("my-data").await.unwrap();

    // The consent the allowance gave: withdrawn with one tap.
    phone.texts(".consent-withdraw").await.unwrap();
    phone.tap(".consent-withdraw").await.unwrap();
    let withdrawn = phone.texts(".consent-withdrawn").await.unwrap();
    assert!(withdrawn[0].contains("撤回"), "{withdrawn:?}");
    assert_accessible(&phone, &source).await;

    // The download: the whole record as JSON, for this person only.
    let export = phone
        .eval(
            "return fetch('/api/v1/me/data-export', {credentials: 'same-origin'})\
             .then(r => r.json()).then(d => ({\
               applications: d.applications.map(a => a.id),\
               consents: d.consents.map(c => !!c.withdrawn_at),\
               uses: d.data_uses.length}))",
        )
        .await
        .unwrap();
    assert_eq!(export["applications"][0], serde_json::json!(application));
    assert_eq!(export["consents"], serde_json::json!([true]));
    assert!(export["uses"].as_u64().unwrap() >= 4, "{export}");
    assert!(phone.errors().await.unwrap().is_empty(), "the page crashed");
    phone.close().await;
}

async fn assert_accessible(phone: &tongban_tests::Browser, source: &str) {
    let violations = axe(phone, source, WCAG_AA).await;
    assert!(violations.is_empty(), "{violations:?}");
}
