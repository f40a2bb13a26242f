//! Acting for others beyond a mandate, end to end at 360×640: a helper (帮办) fills in a form for
//! a person at the hall and hands it over with the code texted to the person's phone, who finds it
//! in the message centre and submits it; a parent declares a child, a hall's clerk confirms it in
//! the workbench, and the parent then applies in the child's name; deciding together, the son's
//! complete application goes to his mother, who submits it herself.

use tokio::sync::Mutex;
use tongban_core::case::StaffRole;
use tongban_tests::{
    add_staff, axe, axe_source, fill_to_check_answers, open_form, staff_desk, submit_twice,
    verified_person, Browser, TestApp, WCAG_AA,
};

/// axe-core (WCAG 2.2 AA) finds nothing on the page as it is now.
async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = axe(browser, &axe_source(), WCAG_AA).await;
    assert!(violations.is_empty(), "{page}: {violations:?}");
}

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const MATTER: &str = "330000-GA-0001";

/// Opens `/apply/{MATTER}` and answers every page up to check answers.
async fn fill_in(browser: &Browser, app: &TestApp, prefix: &str) {
    open_form(app, browser, prefix, MATTER).await;
    fill_to_check_answers(browser).await;
}

#[tokio::test]
async fn a_helper_hands_a_filled_in_draft_over_and_the_person_submits_it() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let helper = verified_person(&app, "13800138201", "张帮办", "330106198001010013").await;
    let person = verified_person(&app, "13800138202", "赵桂兰", "330106194601010027").await;

    fill_in(&helper, &app, "").await;
    helper.click("details.handover summary").await.unwrap();
    helper
        .wait_until(
            "return !!document.getElementById('handover-phone')",
            "the hand-over",
        )
        .await
        .unwrap();
    // A number without an account is refused on the field, in words.
    helper
        .type_into("#handover-phone", "13800138299")
        .await
        .unwrap();
    helper.click(".handover-send").await.unwrap();
    helper
        .wait_until(
            "return !!document.getElementById('handover-phone-error')",
            "the refusal",
        )
        .await
        .unwrap();
    helper
        .eval("const p = document.getElementById('handover-phone'); p.value = '13800138202'; p.dispatchEvent(new Event('input')); return true")
        .await
        .unwrap();
    helper.click(".handover-send").await.unwrap();
    helper
        .wait_until(
            "return !!document.getElementById('handover-code')",
            "the code field",
        )
        .await
        .unwrap();
    // The person reads the code off their phone's text.
    let code = app
        .sms
        .notices("13800138202")
        .into_iter()
        .rev()
        .find(|(template, _)| template == "handover-code")
        .map(|(_, params)| params["code"].clone())
        .expect("the code was texted");
    assert_accessible(&helper, "the hand-over on the check page").await;
    helper.type_into("#handover-code", &code).await.unwrap();
    helper.click(".handover-confirm").await.unwrap();
    if helper
        .wait_until(
            "return !!document.querySelector('.handover-done')",
            "handed over",
        )
        .await
        .is_err()
    {
        let main = helper
            .eval("return document.querySelector('main').innerText.slice(-1500)")
            .await;
        panic!("not handed over: {main:?}");
    }
    assert!(helper
        .texts(".handover-done")
        .await
        .unwrap()
        .join("")
        .contains("138****8202"));
    helper.screenshot("handover-done-care").await.unwrap();
    // It left the helper's drafts.
    helper
        .client
        .goto(&format!("{}/drafts", app.base_url))
        .await
        .unwrap();
    helper
        .wait_until(
            "return !!document.querySelector('main .intro')",
            "no drafts",
        )
        .await
        .unwrap();

    // The person is told, opens it from the message centre and submits it themself.
    person
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    person
        .wait_until(
            "return !!document.querySelector('.confirm-draft')",
            "the message",
        )
        .await
        .unwrap();
    person.click(".confirm-draft").await.unwrap();
    person
        .wait_until(
            "return location.search.includes('step=check') && [...document.querySelectorAll('main button')].some(b => b.textContent.includes('确认提交'))",
            "the draft to check",
        )
        .await
        .unwrap();
    submit_twice(&person).await;
    person.screenshot("handover-submitted-care").await.unwrap();
    helper.close().await;
    person.close().await;
}

#[tokio::test]
async fn a_parent_confirmed_at_the_hall_applies_in_her_childs_name() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    add_staff(&app, "mz-desk", "330100-mz", StaffRole::Clerk).await;
    let parent = verified_person(&app, "13800138211", "王秀英", "330106198501010028").await;
    parent
        .client
        .goto(&format!("{}/mandates", app.base_url))
        .await
        .unwrap();
    parent
        .wait_until(
            "return !!document.querySelector('details.guardian-declare')",
            "the page",
        )
        .await
        .unwrap();
    parent
        .click("details.guardian-declare summary")
        .await
        .unwrap();
    parent
        .type_into("#guardian-child_name", "李小明")
        .await
        .unwrap();
    // An adult's number is refused on the field.
    parent
        .type_into("#guardian-child_id_number", "330106198503120028")
        .await
        .unwrap();
    parent.tap(".guardian-submit").await.unwrap();
    if parent
        .wait_until(
            "return !!document.getElementById('guardian-child_id_number-error')",
            "the refusal",
        )
        .await
        .is_err()
    {
        let main = parent.eval("const t = document.querySelector('main').innerText; return t.slice(t.indexOf('我的孩子'))").await;
        panic!("no refusal: {main:?}");
    }
    parent
        .eval("const p = document.getElementById('guardian-child_id_number'); p.value = '330106201506010013'; p.dispatchEvent(new Event('input')); return true")
        .await
        .unwrap();
    parent.tap(".guardian-submit").await.unwrap();
    parent
        .wait_until(
            "return !!document.querySelector('.hall-code svg')",
            "the hall code",
        )
        .await
        .unwrap();
    let shown = parent.texts(".hall-code p").await.unwrap().join("");
    let code: String = shown.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(code.len(), 8, "{shown}");
    parent.screenshot("guardian-hall-code-care").await.unwrap();
    assert_accessible(&parent, "the mandates page with a hall code").await;

    // At the hall the clerk finds it by the code and confirms it.
    let desk = staff_desk(&app, "mz-desk").await;
    desk.click(".bench-nav a[href='/staff/guardians']")
        .await
        .unwrap();
    desk.wait_until(
        "return !!document.getElementById('guardian-code')",
        "the page",
    )
    .await
    .unwrap();
    desk.type_into("#guardian-code", &code).await.unwrap();
    desk.click(".guardian-find button[type=submit]")
        .await
        .unwrap();
    desk.wait_until(
        "return !!document.querySelector('.guardian-confirm')",
        "the declaration",
    )
    .await
    .unwrap();
    let check = desk.texts(".guardian-check p").await.unwrap().join("");
    assert!(
        check.contains("李*") && check.contains("2015-06-01"),
        "{check}"
    );
    assert_accessible(&desk, "the workbench's guardian check").await;
    desk.click(".guardian-confirm").await.unwrap();
    desk.wait_until(
        "return !document.querySelector('.guardian-confirm')",
        "confirmed",
    )
    .await
    .unwrap();
    desk.screenshot("guardian-confirmed-desk").await.unwrap();

    // The parent now acts for the child: an application in his name.
    parent
        .client
        .goto(&format!("{}/mandates", app.base_url))
        .await
        .unwrap();
    parent
        .wait_until(
            "return !!document.querySelector('.act-for')",
            "acting for the child",
        )
        .await
        .unwrap();
    let hub = parent
        .eval("return document.querySelector('.act-for').getAttribute('href')")
        .await
        .unwrap();
    let hub = hub.as_str().unwrap().to_owned();
    parent
        .client
        .goto(&format!("{}{hub}", app.base_url))
        .await
        .unwrap();
    parent
        .wait_until("return !!document.querySelector('.acting-for') && !!document.querySelector('.acting-drafts')", "the acting page")
        .await
        .unwrap();
    assert_accessible(&parent, "acting for a child").await;
    fill_in(&parent, &app, &hub).await;
    submit_twice(&parent).await;
    parent
        .client
        .goto(&format!("{}{hub}/applications", app.base_url))
        .await
        .unwrap();
    parent
        .wait_until(
            "return document.querySelectorAll('main .plain-list li').length === 1",
            "his application",
        )
        .await
        .unwrap();
    let banner = parent.texts(".acting-for").await.unwrap().join("");
    assert!(banner.contains("李*"), "{banner}");
    desk.close().await;
    parent.close().await;
}

#[tokio::test]
async fn deciding_together_the_mother_submits_what_her_son_prepared() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let mother = verified_person(&app, "13800138221", "王秀英", "330106194503020029").await;
    let son = verified_person(&app, "13800138222", "李明", "11010519491231002X").await;
    mother
        .client
        .goto(&format!("{}/mandates", app.base_url))
        .await
        .unwrap();
    mother
        .wait_until(
            "return !!document.getElementById('grant-agent_phone')",
            "the form",
        )
        .await
        .unwrap();
    mother
        .eval("const p = document.getElementById('grant-agent_phone'); p.value = '13800138222'; p.dispatchEvent(new Event('input'));
               const t = document.querySelector('form.grant input[type=checkbox]'); t.click(); return true")
        .await
        .unwrap();
    mother.click(".grant-submit").await.unwrap();
    mother
        .wait_until(
            "return document.querySelectorAll('.mandates-given .mandate').length === 1",
            "given",
        )
        .await
        .unwrap();
    son.client
        .goto(&format!("{}/mandates", app.base_url))
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('.accept-mandate')",
        "the offer",
    )
    .await
    .unwrap();
    son.click(".accept-mandate").await.unwrap();
    son.wait_until("return !!document.querySelector('.act-for')", "accepted")
        .await
        .unwrap();
    let hub = son
        .eval("return document.querySelector('.act-for').getAttribute('href')")
        .await
        .unwrap();
    let hub = hub.as_str().unwrap().to_owned();
    fill_in(&son, &app, &hub).await;
    son.eval("[...document.querySelectorAll('main button')].find(b => b.textContent.includes('确认提交')).click(); return true")
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('.submit-refused')",
        "sent to her",
    )
    .await
    .unwrap();
    let said = son.texts(".submit-refused").await.unwrap().join("");
    assert!(said.contains("一起决定"), "{said}");

    // She checks it and submits it herself.
    mother
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    mother
        .wait_until(
            "return !!document.querySelector('.confirm-draft')",
            "her message",
        )
        .await
        .unwrap();
    mother.click(".confirm-draft").await.unwrap();
    mother
        .wait_until(
            "return [...document.querySelectorAll('main button')].some(b => b.textContent.includes('确认提交'))",
            "the draft to check",
        )
        .await
        .unwrap();
    submit_twice(&mother).await;
    son.close().await;
    mother.close().await;
}
