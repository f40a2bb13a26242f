//! Where to go and booking a time, end to end on a 360×640 phone in care mode: a verified person
//! opens a guide, finds the nearest hall from their location (the device's, stubbed here, never
//! sent to the server), books the soonest free half hour, is refused a second booking that day
//! in plain words, sees the code and its QR, and cancels; the hall's clerk sees the booking in
//! the workbench's day and then sees it gone.

use tokio::sync::Mutex;
use tongban_core::case::StaffRole;
use tongban_server::store::NewStaff;
use tongban_tests::{fill_to_check_answers, submit_twice, verified_person, Browser, TestApp};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const PHONE: &str = "13800138007";
/// 户籍 matter handled at 杭州市民中心 and 上城区政务服务中心, both taking bookings.
const MATTER: &str = "330000-GA-0001";
const NEAR_HALL: &str = "330102-zwzx";
const PASSWORD: &str = "correct horse battery";

/// Next to 上城区政务服务中心 (WGS-84), 1.2 km from 杭州市民中心.
const HERE: &str = "Geolocation.prototype.getCurrentPosition = function (ok) { setTimeout(() => ok({ coords: { latitude: 30.2505, longitude: 120.1990 } }), 10); }; return true";

#[tokio::test]
async fn a_senior_finds_the_nearest_hall_books_a_time_and_the_hall_sees_it() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    // Logged in and identity verified, care mode on.
    let browser = verified_person(&app, PHONE, "王秀英", "330106194503020029").await;

    // The guide says where to go; with the location, the nearest hall comes first.
    browser
        .client
        .goto(&format!("{}/matter/{MATTER}", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.where-to-go .best-way')",
            "where to go",
        )
        .await
        .unwrap();
    assert!(browser
        .eval("return document.documentElement.classList.contains('care')")
        .await
        .unwrap()
        .as_bool()
        .unwrap());
    let before = browser.texts(".halls .hall-title strong").await.unwrap();
    assert_eq!(before.len(), 2, "{before:?}");
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('.hall-distance').length")
            .await
            .unwrap(),
        serde_json::json!(0),
        "no distance before asking"
    );
    browser.eval(HERE).await.unwrap();
    browser.click(".near-me").await.unwrap();
    browser
        .wait_until(
            "return document.querySelectorAll('.hall-distance').length === 2",
            "distances",
        )
        .await
        .unwrap();
    let halls = browser.texts(".halls .hall-title strong").await.unwrap();
    assert!(halls[0].contains("上城区政务服务中心"), "{halls:?}");
    let distances = browser.texts(".hall-distance").await.unwrap();
    assert!(
        distances[0].ends_with(" 米") && distances[1].ends_with(" 公里"),
        "{distances:?}"
    );
    let caption = browser
        .texts(".where-to-go .live-note")
        .await
        .unwrap()
        .join("");
    assert!(caption.contains("您现在的位置"), "{caption}");
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('.sketch svg .sketch-hall').length")
            .await
            .unwrap(),
        serde_json::json!(2)
    );
    // Directions open the person's map app in its own coordinates (GCJ-02 for Amap).
    let amap = browser
        .eval("return document.querySelector('.halls .navigate-links a').href")
        .await
        .unwrap();
    assert!(
        amap.as_str()
            .unwrap()
            .starts_with("https://uri.amap.com/marker?position=120."),
        "{amap}"
    );
    let states = browser.texts(".hall-state").await.unwrap();
    assert!(states.iter().all(|s| !s.is_empty()), "{states:?}");
    // Where a time can be booked soonest, from the halls' own free places.
    browser
        .wait_until(
            "return !!document.querySelector('.soonest-slot a[href^=\"/book/\"]')",
            "the soonest free time",
        )
        .await
        .unwrap();
    let soonest = browser.texts(".soonest-slot").await.unwrap().join("");
    assert!(soonest.contains("最早可以预约"), "{soonest}");
    browser.screenshot("visit-nearest-care").await.unwrap();

    // Booking at the nearest hall: the first free time of the first open day.
    browser
        .click(".halls li:first-child .book-link")
        .await
        .unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.time-choice')",
            "the free times",
        )
        .await
        .unwrap();
    assert_eq!(
        browser.path().await.unwrap(),
        format!("/book/{MATTER}/{NEAR_HALL}")
    );
    // Confirming without a time says so and books nothing.
    browser.click(".confirm-booking").await.unwrap();
    let error = browser.texts(".error").await.unwrap().join("");
    assert!(error.contains("请先选一个时间"), "{error}");
    browser.click(".time-choice:not([disabled])").await.unwrap();
    let chosen = browser.texts(".live-note").await.unwrap().join("");
    assert!(chosen.contains("已选"), "{chosen}");
    browser.screenshot("visit-book-care").await.unwrap();
    browser.click(".confirm-booking").await.unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.booked .code')",
            "the booking code",
        )
        .await
        .unwrap();
    let code = browser.texts(".booked .code").await.unwrap().join("");
    assert_eq!(code.len(), 8, "{code}");
    assert!(browser
        .eval("return !!document.querySelector('.booked .qr svg')")
        .await
        .unwrap()
        .as_bool()
        .unwrap());
    browser.screenshot("visit-booked-care").await.unwrap();

    // A second time the same day at the same hall is refused in plain words.
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.time-choice')",
            "the free times again",
        )
        .await
        .unwrap();
    browser.click(".time-choice:not([disabled])").await.unwrap();
    browser.click(".confirm-booking").await.unwrap();
    browser
        .wait_until("return !!document.querySelector('.error')", "the refusal")
        .await
        .unwrap();
    let error = browser.texts(".error").await.unwrap().join("");
    assert!(error.contains("每人每天只能约一次"), "{error}");

    // The message centre has the confirmation with the code.
    browser
        .client
        .goto(&format!("{}/messages", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.message-text')",
            "the messages",
        )
        .await
        .unwrap();
    let messages = browser.texts(".message-text").await.unwrap().join(" | ");
    assert!(
        messages.contains("预约成功") && messages.contains(&code),
        "{messages}"
    );

    // The hall's clerk (the police department serves there) sees it on the booked day.
    let hash = tongban_server::auth::password::hash_password(PASSWORD).unwrap();
    app.server()
        .db()
        .put_staff(NewStaff::new(
            "ga-desk",
            "窗口一",
            "330100-ga",
            StaffRole::Clerk,
            &hash,
        ))
        .await
        .unwrap();
    let day: String = sqlx::query_scalar("SELECT day FROM appointments WHERE code = $1")
        .bind(&code)
        .fetch_one(app.server().db().pool())
        .await
        .map(|d: i64| tongban_core::calendar::Day(d).to_string())
        .unwrap();
    let desk = Browser::with_viewport("zh-CN,zh", (1280, 800))
        .await
        .unwrap();
    desk.client
        .goto(&format!("{}/staff/", app.base_url))
        .await
        .unwrap();
    desk.type_into("#staff-username", "ga-desk").await.unwrap();
    desk.type_into("#staff-password", PASSWORD).await.unwrap();
    desk.click("form.bench-login button[type=submit]")
        .await
        .unwrap();
    desk.wait_until("return !!document.querySelector('.bench-who')", "logged in")
        .await
        .unwrap();
    desk.click(".bench-nav a[href='/staff/bookings']")
        .await
        .unwrap();
    desk.wait_until(
        "return !!document.getElementById('booking-hall')",
        "the bookings page",
    )
    .await
    .unwrap();
    let pick = format!(
        "const h = document.getElementById('booking-hall'); h.value = '{NEAR_HALL}'; h.dispatchEvent(new Event('change'));
         const d = document.getElementById('booking-day'); d.value = '{day}'; d.dispatchEvent(new Event('change')); return true"
    );
    desk.eval(&pick).await.unwrap();
    desk.wait_until(
        &format!("return [...document.querySelectorAll('#bookings-table td')].some(td => td.textContent === '{code}')"),
        "the booking in the hall's day",
    )
    .await
    .unwrap();
    desk.screenshot("workbench-bookings").await.unwrap();

    // The person cancels; the clerk's day no longer lists it.
    browser
        .client
        .goto(&format!("{}/appointments", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.cancel-booking')",
            "my bookings",
        )
        .await
        .unwrap();
    browser.click(".cancel-booking").await.unwrap();
    browser
        .wait_until(
            "return document.querySelector('.live-note').textContent.includes('预约已取消')",
            "the cancellation",
        )
        .await
        .unwrap();
    browser
        .wait_until(
            "return !document.querySelector('.cancel-booking')",
            "nothing left to cancel",
        )
        .await
        .unwrap();
    desk.client.refresh().await.unwrap();
    desk.wait_until(
        "return !!document.getElementById('booking-hall')",
        "the bookings page again",
    )
    .await
    .unwrap();
    desk.eval(&pick).await.unwrap();
    desk.wait_until(
        "return !!document.getElementById('bookings-empty')",
        "an empty day",
    )
    .await
    .unwrap();
    desk.close().await;
    browser.close().await;
}

/// With a reviewed map provider configured, the halls are drawn on its tiles (GCJ-02) with its
/// review number shown; here the provider is the server's own icon, so the test needs no network.
#[tokio::test]
async fn a_configured_map_provider_draws_its_tiles_with_its_review_number() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start_with(|c| {
        c.map.map_tiles = Some("/icons/icon-192.png?z={z}&x={x}&y={y}".into());
        c.map.map_attribution = Some("© 测试地图 GS(2026)0001号".into());
    })
    .await;
    let browser = Browser::phone("zh-CN,zh").await.unwrap();
    browser
        .client
        .goto(&format!("{}/matter/{MATTER}", app.base_url))
        .await
        .unwrap();
    browser
        .wait_until(
            "return !!document.querySelector('.where-to-go .near-me')",
            "where to go",
        )
        .await
        .unwrap();
    browser.record_errors().await.unwrap();
    browser.eval(HERE).await.unwrap();
    browser.click(".near-me").await.unwrap();
    browser
        .wait_until(
            "return document.querySelectorAll('.tile-map .map-hall').length === 2 && [...document.querySelectorAll('.tile-map img.map-tile')].some(i => i.complete && i.naturalWidth > 0)",
            "the provider's map",
        )
        .await
        .unwrap();
    let tile = browser
        .eval("return document.querySelector('.tile-map img.map-tile').getAttribute('src')")
        .await
        .unwrap();
    assert!(
        tile.as_str().unwrap().starts_with("/icons/icon-192.png?z="),
        "{tile}"
    );
    let attribution = browser.texts(".map-attribution").await.unwrap().join("");
    assert!(attribution.contains("GS(2026)0001号"), "{attribution}");
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('.sketch').length")
            .await
            .unwrap(),
        serde_json::json!(0),
        "the schematic is not drawn over a real map"
    );
    // Each hall sits inside the map.
    let inside = browser
        .eval("const f = document.querySelector('.map-frame').getBoundingClientRect(); return [...document.querySelectorAll('.map-hall')].every(h => { const r = h.getBoundingClientRect(); const x = r.x + r.width / 2, y = r.y + r.height / 2; return x >= f.left && x <= f.right && y >= f.top && y <= f.bottom; })")
        .await
        .unwrap();
    assert_eq!(inside, serde_json::json!(true));
    browser
        .eval("document.querySelector('.tile-map').scrollIntoView(); return true")
        .await
        .unwrap();
    browser.screenshot("visit-provider-map").await.unwrap();
    assert_eq!(browser.errors().await.unwrap(), Vec::<String>::new());
    browser.close().await;
}

#[tokio::test]
async fn a_son_granted_a_mandate_books_for_his_mother_until_she_revokes_it() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let mother = verified_person(&app, "13800138101", "王秀英", "330106194503020029").await;
    let son = verified_person(&app, "13800138102", "李明", "11010519491231002X").await;

    // She lets him act for her marriage-registry matter.
    mother
        .client
        .goto(&format!("{}/mandates", app.base_url))
        .await
        .unwrap();
    mother
        .wait_until(
            "return !!document.getElementById('grant-agent_phone')",
            "the grant form",
        )
        .await
        .unwrap();
    // A mistyped number is refused in words, on the field.
    mother
        .type_into("#grant-agent_phone", "1380013810")
        .await
        .unwrap();
    mother.click(".grant-submit").await.unwrap();
    mother
        .wait_until(
            "return !!document.getElementById('grant-agent_phone-error')",
            "the phone error",
        )
        .await
        .unwrap();
    mother
        .eval("const p = document.getElementById('grant-agent_phone'); p.value = '13800138102'; p.dispatchEvent(new Event('input'));
               const m = document.getElementById('grant-matter'); m.value = '330100-MZ-0001'; m.dispatchEvent(new Event('change')); return true")
        .await
        .unwrap();
    mother.click(".grant-submit").await.unwrap();
    mother
        .wait_until(
            "return document.querySelectorAll('.mandates-given .mandate').length === 1",
            "the mandate given",
        )
        .await
        .unwrap();
    let given = mother
        .texts(".mandates-given .mandate")
        .await
        .unwrap()
        .join("");
    assert!(
        given.contains("等待接受") && given.contains("结婚登记"),
        "{given}"
    );
    mother.screenshot("mandate-granted-care").await.unwrap();

    // He accepts and books in her name.
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
    son.wait_until(
        "return !!document.querySelector('.act-for')",
        "the accepted mandate",
    )
    .await
    .unwrap();
    let acting_page = son
        .eval("return document.querySelector('.act-for').getAttribute('href')")
        .await
        .unwrap();
    let acting_page = acting_page.as_str().unwrap().to_owned();
    son.record_errors().await.unwrap();
    son.tap(".act-for").await.unwrap();
    if son
        .wait_until(
            "return !!document.querySelector('.acting-for')",
            "acting for her",
        )
        .await
        .is_err()
    {
        let text = son
            .eval("return location.pathname + ' | ' + document.querySelector('main').textContent")
            .await
            .unwrap();
        let link = son
            .eval(
                "return [...document.querySelectorAll('.act-for')].map(a => a.outerHTML).join(' ')",
            )
            .await
            .unwrap();
        panic!("not acting: {text} {:?} {link}", son.errors().await);
    }
    let banner = son.texts(".acting-for").await.unwrap().join("");
    assert!(banner.contains("王*"), "{banner}");
    son.click("nav[aria-labelledby=acting-matters] a")
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('.book-link')",
        "where to go",
    )
    .await
    .unwrap();
    son.click(".book-link").await.unwrap();
    son.wait_until("return !!document.querySelector('.time-choice') && !!document.querySelector('.acting-for')", "booking for her")
        .await
        .unwrap();
    son.click(".time-choice:not([disabled])").await.unwrap();
    son.click(".confirm-booking").await.unwrap();
    son.wait_until(
        "return !!document.querySelector('.booked .code')",
        "the booking code",
    )
    .await
    .unwrap();
    let code = son.texts(".booked .code").await.unwrap().join("");
    son.screenshot("mandate-booked-for-her").await.unwrap();

    // It is hers: in her bookings, not his.
    mother
        .client
        .goto(&format!("{}/appointments", app.base_url))
        .await
        .unwrap();
    mother
        .wait_until(
            "return !!document.querySelector('.appointments .code')",
            "her bookings",
        )
        .await
        .unwrap();
    assert_eq!(
        mother.texts(".appointments .code").await.unwrap(),
        [code.clone()]
    );
    son.client
        .goto(&format!("{}/appointments", app.base_url))
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('main .intro')",
        "his own bookings",
    )
    .await
    .unwrap();
    assert!(son
        .texts("main .intro")
        .await
        .unwrap()
        .join("")
        .contains("还没有预约"));

    // In her name he fills in and submits her application, on the same offline form.
    son.client
        .goto(&format!("{}{acting_page}", app.base_url))
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('nav[aria-labelledby=acting-matters] a')",
        "her matters",
    )
    .await
    .unwrap();
    son.click("nav[aria-labelledby=acting-matters] a")
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('.apply-link') && document.querySelector('.apply-link').getAttribute('href').startsWith('/for/')",
        "applying in her name",
    )
    .await
    .unwrap();
    son.click(".apply-link").await.unwrap();
    son.wait_until(
        "return location.search.includes('step=0') && !!document.querySelector('.acting-for')",
        "her form",
    )
    .await
    .unwrap();
    fill_to_check_answers(&son).await;
    submit_twice(&son).await;
    let receipt = son
        .eval("return document.body.textContent.match(/TB\\d{16}/)[0]")
        .await
        .unwrap();
    let receipt = receipt.as_str().unwrap().to_owned();
    son.screenshot("mandate-submitted-for-her").await.unwrap();
    // It is in her applications (not his), and says who submitted it.
    mother
        .client
        .goto(&format!("{}/applications", app.base_url))
        .await
        .unwrap();
    let mine = format!("return document.querySelector('main')?.textContent.includes({receipt:?})");
    mother.wait_until(&mine, "her application").await.unwrap();
    mother.click("main .plain-list a").await.unwrap();
    mother
        .wait_until(
            "return !!document.querySelector('.submitted-by')",
            "who submitted it",
        )
        .await
        .unwrap();
    assert!(mother
        .texts(".submitted-by")
        .await
        .unwrap()
        .join("")
        .contains("138****8102"));
    son.client
        .goto(&format!("{}/applications", app.base_url))
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('main .intro')",
        "his own applications",
    )
    .await
    .unwrap();

    // She revokes; his next step in her name is refused in plain words.
    mother
        .client
        .goto(&format!("{}/mandates", app.base_url))
        .await
        .unwrap();
    mother
        .wait_until(
            "return !!document.querySelector('.mandates-given .revoke-mandate')",
            "her mandate",
        )
        .await
        .unwrap();
    // Before she does, she sees what he did in her name.
    mother
        .wait_until(
            "return !!document.querySelector('.mandates-given details.acted')",
            "what he did",
        )
        .await
        .unwrap();
    mother
        .click(".mandates-given details.acted summary")
        .await
        .unwrap();
    let record = mother
        .texts(".mandates-given details.acted li")
        .await
        .unwrap()
        .join(" ");
    assert!(
        record.contains(&receipt) && record.contains("预约了"),
        "{record}"
    );
    mother
        .click(".mandates-given .revoke-mandate")
        .await
        .unwrap();
    mother
        .wait_until(
            "return [...document.querySelectorAll('.mandates-given .mandate')].some(m => m.textContent.includes('已撤销'))",
            "revoked",
        )
        .await
        .unwrap();
    son.client
        .goto(&format!("{}{acting_page}", app.base_url))
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('main .notice-error')",
        "the refusal",
    )
    .await
    .unwrap();
    let refusal = son
        .eval("return document.querySelector('main').textContent")
        .await
        .unwrap();
    assert!(refusal.as_str().unwrap().contains("已撤销"), "{refusal}");
    // Her form, opened again in her name, is closed to him.
    son.client
        .goto(&format!("{}{acting_page}/drafts", app.base_url))
        .await
        .unwrap();
    son.wait_until(
        "return !!document.querySelector('.acting-ended')",
        "the ended mandate",
    )
    .await
    .unwrap();
    mother.close().await;
    son.close().await;
}
