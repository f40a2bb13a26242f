//! 在线咨询 end to end, on a phone: a question the guide's FAQ answers is answered on the guide
//! page itself, quoted with its section, with the network off; one it does not answer goes to the
//! department with one tap; the department's clerk answers in the workbench and makes the answer a
//! FAQ entry; the person's message centre brings the answer, and the same question on the guide
//! is now answered by the guide. Every page passes axe-core.

use tokio::sync::Mutex;
use tongban_core::case::StaffRole;
use tongban_tests::{
    add_staff, axe, axe_source, staff_desk, verified_person, Browser, TestApp, WCAG_AA,
};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const PHONE: &str = "13800138071";
const MATTER: &str = "330000-GA-0001";
const DEPARTMENT: &str = "330100-ga";
const NOT_IN_GUIDE: &str = "我在国外工作，可以委托朋友代我领取新身份证吗";
const ANSWER: &str = "可以。受托人持您的委托书、本人身份证和受理回执到原受理窗口代领。";

async fn assert_accessible(browser: &Browser, source: &str, page: &str) {
    let violations = axe(browser, source, WCAG_AA).await;
    assert!(violations.is_empty(), "{page}: {violations:?}");
}

async fn ask(phone: &Browser, question: &str) {
    phone.type_into("#ask-question", question).await.unwrap();
    phone.tap(".ask-search").await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.ask-send')",
            "what the guide says",
        )
        .await
        .unwrap();
}

async fn open_guide(phone: &Browser, app: &TestApp) {
    phone
        .client
        .goto(&format!("{}/matter/{MATTER}", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return !!document.getElementById('ask-question')",
            "the guide",
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_guide_answers_first_then_the_department_and_its_answer_joins_the_guide() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start().await;
    let source = axe_source();
    add_staff(&app, "ga.clerk", DEPARTMENT, StaffRole::Clerk).await;
    let phone = verified_person(&app, PHONE, "吴芳", "11010519491231002X").await;
    open_guide(&phone, &app).await;

    // Offline, the guide still answers what its FAQ says.
    app.stop_server().await;
    ask(&phone, "换身份证要自己带照片吗？").await;
    let found = phone.texts(".ask-answer").await.unwrap();
    assert!(found[0].contains("免费采集"), "{found:?}");
    assert!(
        found[0].contains("常见问题"),
        "names its section: {found:?}"
    );
    assert_accessible(&phone, &source, "the guide's answer, care mode").await;
    app.restart_server().await;

    // A question it does not answer goes to the department.
    phone
        .eval("document.getElementById('ask-question').value = ''; return true")
        .await
        .unwrap();
    open_guide(&phone, &app).await;
    ask(&phone, NOT_IN_GUIDE).await;
    let none = phone
        .eval("return !!document.querySelector('.ask-none')")
        .await
        .unwrap();
    assert_eq!(none, serde_json::json!(true), "nothing in the guide");
    phone.tap(".ask-send").await.unwrap();
    phone
        .wait_until("return !!document.querySelector('.ask-sent')", "sent")
        .await
        .unwrap();
    let sent = phone.texts(".ask-sent").await.unwrap();
    assert!(sent[0].contains("杭州市公安局"), "{sent:?}");
    phone.screenshot("consultation-sent").await.unwrap();

    // The clerk answers it in the workbench and makes it a FAQ entry.
    let desk = staff_desk(&app, "ga.clerk").await;
    desk.client
        .goto(&format!("{}/staff/consultations", app.base_url))
        .await
        .unwrap();
    desk.wait_until(
        "return !!document.querySelector('.consultation-list a')",
        "the question",
    )
    .await
    .unwrap();
    assert_accessible(&desk, &source, "the workbench's questions").await;
    desk.click(".consultation-list a").await.unwrap();
    desk.wait_until(
        "return !!document.getElementById('consultation-answer-text')",
        "the thread",
    )
    .await
    .unwrap();
    assert!(desk.texts(".post-text").await.unwrap()[0].contains("委托朋友"));
    desk.type_into("#consultation-answer-text", ANSWER)
        .await
        .unwrap();
    desk.click(".consultation-answer-send").await.unwrap();
    desk.wait_until(
        "return !!document.getElementById('faq-question')",
        "answered: the FAQ form",
    )
    .await
    .unwrap();
    assert_accessible(&desk, &source, "an answered question with the FAQ form").await;
    desk.eval("const q = document.getElementById('faq-question'); q.value = ''; q.dispatchEvent(new Event('input')); return true")
        .await
        .unwrap();
    desk.type_into("#faq-question", "在国外可以委托别人代领身份证吗？")
        .await
        .unwrap();
    desk.click(".consultation-faq-send").await.unwrap();
    desk.wait_until(
        "return !!document.querySelector('.consultation-in-faq')",
        "in the FAQ",
    )
    .await
    .unwrap();
    desk.screenshot("consultation-faq").await.unwrap();
    desk.close().await;

    // The answer comes to the person's messages and questions.
    phone
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return [...document.querySelectorAll('.message-text')].some(m => m.textContent.includes('答复了您关于'))",
            "the answer's message",
        )
        .await
        .unwrap();
    phone.tap("a[href^='/consultations#']").await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.post-department')",
            "the thread",
        )
        .await
        .unwrap();
    assert!(phone.texts(".post-department .post-text").await.unwrap()[0].contains(ANSWER));
    assert_accessible(&phone, &source, "my questions").await;

    // The guide answers it now, for everyone.
    open_guide(&phone, &app).await;
    ask(&phone, "人在国外能不能委托别人代领身份证").await;
    let found = phone.texts(".ask-answer").await.unwrap();
    assert!(found[0].contains(ANSWER), "{found:?}");
    phone.close().await;
}
