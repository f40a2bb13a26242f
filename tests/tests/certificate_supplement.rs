//! 补正 with an e-certificate: an application to 杭州市民政局 filed with photos of the documents;
//! the bureau asks again for the ID card document; the person gives the ID card from their
//! wallet instead of a new photo (免提交, presented for the application's draft), and the bureau
//! sees what the server verified of it.

use tongban_core::case::StaffRole;
use tongban_tests::{
    add_staff, ask_supplement, fill_to_check_answers, make_move, open_form, open_wallet,
    staff_desk, submit_twice, verified_person, TestApp,
};

#[tokio::test]
async fn a_supplement_is_answered_with_a_certificate_from_the_wallet() {
    let app = TestApp::start().await;
    let phone = verified_person(&app, "13800138086", "林小满", "330106199503050220").await;
    open_wallet(&app, &phone).await;
    // Applied with photos of the documents.
    open_form(&app, &phone, "", "330100-MZ-0001").await;
    fill_to_check_answers(&phone).await;
    submit_twice(&phone).await;

    // The bureau asks for the applicant's ID card again.
    add_staff(&app, "mz.clerk", "330100-mz", StaffRole::Supervisor).await;
    let desk = staff_desk(&app, "mz.clerk").await;
    desk.texts("a.case-link").await.unwrap();
    desk.click("a.case-link").await.unwrap();
    desk.texts("#case-status").await.unwrap();
    make_move(&desk, "accepted", "").await;
    make_move(&desk, "in-review", "").await;
    desk.click("#move-supplement-requested").await.unwrap();
    let asked = desk
        .eval(
            "const box = [...document.querySelectorAll('input[id^=ask-]')].find(b => \
               (document.querySelector('label[for=\"' + b.id + '\"]') || b.parentElement).textContent.includes('居民身份证')); \
             return box ? box.id : ''",
        )
        .await
        .unwrap();
    let asked = asked.as_str().unwrap_or_default();
    assert!(!asked.is_empty(), "an ID card document to ask for");
    ask_supplement(&desk, &format!("#{asked}"), "身份证照片不清晰，请重新提供").await;

    // The person gives the ID card from the wallet, agreeing to what it hands over.
    phone
        .client
        .goto(&format!("{}/applications", app.base_url))
        .await
        .unwrap();
    phone.texts("main a[href^='/applications/']").await.unwrap();
    phone.click("main a[href^='/applications/']").await.unwrap();
    assert_eq!(
        phone.texts("#supplement-heading").await.unwrap(),
        ["需要补正"]
    );
    // The wallet is read from the device after the page shows.
    phone
        .wait_until(
            "return !!document.querySelector('section[aria-labelledby=supplement-heading] .material-use-certificate')",
            "the wallet's ID card offered",
        )
        .await
        .unwrap();
    phone
        .tap("section[aria-labelledby=supplement-heading] .material-use-certificate")
        .await
        .unwrap();
    phone.tap(".material-consent-agree").await.unwrap();
    phone
        .wait_until(
            "return [...document.querySelectorAll('section[aria-labelledby=supplement-heading] .material-state')].some(s => s.textContent.includes('已用电子证照'))",
            "the certificate used",
        )
        .await
        .unwrap();
    phone
        .eval("document.querySelector('section[aria-labelledby=supplement-heading] fieldset').scrollIntoView(); return true")
        .await
        .unwrap();
    phone.screenshot("supplement-certificate").await.unwrap();
    phone
        .click("section[aria-labelledby=supplement-heading] button.button-wide")
        .await
        .unwrap();
    phone
        .wait_until(
            "return !document.getElementById('supplement-heading') && document.body.textContent.includes('审核中')",
            "back in review",
        )
        .await
        .unwrap();

    // The bureau sees the verified card, not a photo.
    desk.client.refresh().await.unwrap();
    let verified = desk
        .texts("#case-answers .verified-certificate")
        .await
        .unwrap();
    assert!(
        verified[0].contains("杭州市公安局") && verified[0].contains("330106199503050220"),
        "{verified:?}"
    );
    desk.close().await;
    phone.close().await;
}
