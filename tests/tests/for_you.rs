//! 免申即享 end to end, on a phone in care mode: an 86-year-old of Hangzhou verifies their
//! identity; the message centre says the old-age allowance is theirs without applying; the "for
//! you" page says exactly why (born 1940-01-01, registered in 杭州市); one tap confirms it, shows
//! the consent given and makes an application followed like any. The page passes axe-core.

use tokio::sync::Mutex;
use tongban_tests::{axe, axe_source, verified_person, TestApp, WCAG_AA};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

#[tokio::test]
async fn a_benefit_is_offered_with_its_reasons_and_confirmed_in_one_tap() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let source = axe_source();
    // Born 1940-01-01, number first issued in 西湖区 (the development register's household).
    let phone = verified_person(&app, "13800138081", "钱老伯", "330106194001010015").await;
    phone
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return [...document.querySelectorAll('.message-text')].some(m => m.textContent.includes('高龄津贴'))",
            "the message that it is theirs",
        )
        .await
        .unwrap();
    phone.tap("a[href='/for-you']").await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.benefit[data-id=\"330100-gaoling\"] .benefit-claim')",
            "the offer",
        )
        .await
        .unwrap();
    let why = phone
        .texts(".benefit[data-id='330100-gaoling'] .benefit-why")
        .await
        .unwrap();
    assert!(why[0].contains("出生于 1940-01-01"), "{why:?}");
    assert!(why[0].contains("户籍在杭州市"), "{why:?}");
    let others = phone
        .eval("return document.querySelectorAll('.benefit').length")
        .await
        .unwrap();
    assert_eq!(
        others,
        serde_json::json!(1),
        "nothing of Ningbo's or Shanghai's"
    );
    assert_accessible(&phone, &source).await;
    phone.screenshot("for-you").await.unwrap();
    phone.tap(".benefit-claim").await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.benefit-claimed')",
            "confirmed",
        )
        .await
        .unwrap();
    let claimed = phone.texts(".benefit-claimed").await.unwrap();
    assert!(claimed[0].contains("TB"), "{claimed:?}");
    assert!(
        claimed[0].contains("杭州市民政局"),
        "the consent names who receives: {claimed:?}"
    );
    assert_accessible(&phone, &source).await;
    phone.tap(".benefit-claimed a").await.unwrap();
    phone
        .wait_until(
            "return document.body.textContent.includes('已提交') || document.body.textContent.includes('待受理')",
            "the application",
        )
        .await
        .unwrap();
    phone.close().await;
}

async fn assert_accessible(phone: &tongban_tests::Browser, source: &str) {
    let violations = axe(phone, source, WCAG_AA).await;
    assert!(violations.is_empty(), "{violations:?}");
}
