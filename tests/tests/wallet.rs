//! 卡包 and 亮证 end to end: a person of Hangzhou verifies their identity and finds the resident
//! ID card that 杭州市公安局 issued in their wallet. A second phone (another browser profile)
//! opens `/verify` once online. With the network off, the person shows the card "identity
//! only" from the wallet's encrypted copy; the QR code on the screen is read back from a
//! screenshot and checked on the second phone, still offline: valid, name and ID number only —
//! not the birth date. A changed character is refused; after the issuer revokes the card, the
//! verifier's next bundle says revoked. Both pages pass axe-core at 360×640.
//!
//! And a certificate that a case produces: a couple's marriage registration applied for on the
//! phone and completed in 杭州市民政局's workbench puts the 结婚证 in the applicant's wallet; shown
//! "identity only" and checked on another phone with the network off, it is valid; the
//! issuance is in the person's data record.
//!
//! And online, with an organisation that cannot scan: the person shares the card "identity
//! only" with 杭州银行 for a day; the bank, in its own browser, opens the link: valid, name and
//! ID number only, shared with 杭州银行. Opening it again is refused (once only); the wallet
//! says it was opened, and the data record names the bank.

use tokio::sync::Mutex;
use tongban_core::case::StaffRole;
use tongban_core::credential::status::Status;
use tongban_tests::{
    add_staff, axe, axe_source, make_move, next_page, open_form, open_wallet, staff_desk, step_of,
    submit_twice, verified_person, Browser, TestApp, WCAG_AA,
};

static ONE_BROWSER: Mutex<()> = Mutex::const_new(());

const NAME: &str = "钱老伯";
const ID_NUMBER: &str = "330106194001010015";

/// What an element shows, as PNG.
async fn element_png(browser: &Browser, css: &str) -> Vec<u8> {
    let element = browser
        .client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap();
    element.screenshot().await.unwrap()
}

/// A PNG's pixels as luma (0 black … 255 white), with its width and height.
fn luma_of(png: &[u8]) -> (Vec<u8>, usize, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let luma = (0..w * h).map(|i| pixels[i * channels]).collect();
    (luma, w, h)
}

/// The text of the QR code an element shows, read from its screenshot.
async fn read_qr(browser: &Browser, css: &str) -> String {
    let (luma, w, h) = luma_of(&element_png(browser, css).await);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the screen");
    grids[0].decode().expect("a readable QR code").1
}

/// A one-frame Y4M video (what Chromium's fake camera films) of a PNG on a white margin.
fn camera_film(png: &[u8], dir: &std::path::Path) -> std::path::PathBuf {
    let (luma, w, h) = luma_of(png);
    let side = (w.max(h) + 80).next_multiple_of(2);
    let (left, top) = ((side - w) / 2, (side - h) / 2);
    let mut y_plane = vec![255u8; side * side];
    for row in 0..h {
        let at = (top + row) * side + left;
        y_plane[at..at + w].copy_from_slice(&luma[row * w..(row + 1) * w]);
    }
    let mut film =
        format!("YUV4MPEG2 W{side} H{side} F10:1 Ip A1:1 C420jpeg\nFRAME\n").into_bytes();
    film.extend_from_slice(&y_plane);
    film.extend(std::iter::repeat_n(128u8, side * side / 2));
    let path = dir.join("qr.y4m");
    std::fs::write(&path, film).unwrap();
    path
}

async fn verify(verifier: &Browser, text: &str) -> (String, String) {
    verifier
        .eval(&format!(
            "const t = document.getElementById('verify-input'); t.value = {}; \
             t.dispatchEvent(new Event('input', {{bubbles: true}})); return true",
            serde_json::json!(text)
        ))
        .await
        .unwrap();
    verifier.tap(".verify-check").await.unwrap();
    let heading = verifier.texts(".verdict h2").await.unwrap().remove(0);
    let body = verifier.texts(".verdict").await.unwrap().remove(0);
    (heading, body)
}

/// A second phone with `/verify` open online, the issuers' keys and lists taken.
async fn open_verifier(app: &TestApp) -> Browser {
    let verifier = Browser::phone("zh-CN,zh").await.unwrap();
    verifier
        .client
        .goto(&format!("{}/verify", app.base_url))
        .await
        .unwrap();
    verifier
        .wait_until(
            "return document.querySelector('.verify-trust')?.textContent.includes('更新')",
            "the trust bundle",
        )
        .await
        .unwrap();
    verifier
}

async fn assert_accessible(browser: &Browser, source: &str) {
    let violations = axe(browser, source, WCAG_AA).await;
    assert!(violations.is_empty(), "{violations:?}");
}

#[tokio::test]
async fn a_certificate_is_shown_offline_and_verified_offline_on_another_phone() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start().await;
    let source = axe_source();
    let phone = verified_person(&app, "13800138083", NAME, ID_NUMBER).await;

    // The wallet, from the account page: the ID card, collected to this device.
    phone
        .client
        .goto(&format!("{}/account", app.base_url))
        .await
        .unwrap();
    phone.texts("a.wallet").await.unwrap();
    phone.record_errors().await.unwrap();
    phone.tap("a.wallet").await.unwrap();
    let kinds = phone.texts(".credential h2").await.unwrap();
    assert_eq!(kinds, ["居民身份证"]);
    let issuer = phone.texts(".credential .hint").await.unwrap();
    assert!(issuer[0].contains("杭州市公安局"), "{issuer:?}");
    phone
        .wait_until("return !!document.querySelector('.show-make')", "collected")
        .await
        .unwrap();
    assert_accessible(&phone, &source).await;

    // The verifier's phone takes the issuers' keys and lists while online.
    let verifier = open_verifier(&app).await;
    assert_accessible(&verifier, &source).await;

    // Network off for both.
    app.stop_server().await;
    phone
        .client
        .goto(&format!("{}/wallet", app.base_url))
        .await
        .unwrap();
    phone.texts(".wallet-offline").await.unwrap();
    phone.texts(".show-make").await.unwrap();
    let preset = phone
        .eval("return document.querySelector('.show-preset[aria-pressed=true]').textContent")
        .await
        .unwrap();
    assert_eq!(preset, serde_json::json!("只出示身份"));
    phone.tap(".show-make").await.unwrap();
    if phone.texts(".show-qr .qr svg").await.is_err() {
        let panel = phone
            .eval("return document.querySelector('main').textContent")
            .await
            .unwrap();
        phone.screenshot("wallet-show-failed").await.unwrap();
        panic!("no QR: {panel} {:?}", phone.errors().await);
    }
    assert_accessible(&phone, &source).await;
    phone
        .eval("document.querySelector('.show-qr').scrollIntoView(); return true")
        .await
        .unwrap();
    phone.screenshot("wallet-show").await.unwrap();
    let payload = read_qr(&phone, ".show-qr .qr").await;
    assert!(payload.contains('~'), "an SD-JWT presentation: {payload}");

    verifier
        .client
        .goto(&format!("{}/verify", app.base_url))
        .await
        .unwrap();
    verifier.texts("#verify-input").await.unwrap();
    let (heading, body) = verify(&verifier, &payload).await;
    assert_eq!(heading, "有效", "{body}");
    assert!(body.contains(NAME) && body.contains(ID_NUMBER), "{body}");
    assert!(body.contains("杭州市公安局"), "{body}");
    assert!(
        !body.contains("1940-01-01"),
        "the birth date was not shown: {body}"
    );
    let claims = verifier
        .eval("return [...document.querySelectorAll('.verdict .claim')].map(c => c.dataset.claim)")
        .await
        .unwrap();
    assert_eq!(claims, serde_json::json!(["id_number", "name"]));
    assert_accessible(&verifier, &source).await;
    verifier
        .eval("document.querySelector('.verdict').scrollIntoView(); return true")
        .await
        .unwrap();
    verifier.screenshot("verify-valid").await.unwrap();

    // One character changed in the issuer's part: refused.
    let mut tampered: Vec<char> = payload.chars().collect();
    let at = tampered.len() / 4;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let (heading, _) = verify(&verifier, &tampered.into_iter().collect::<String>()).await;
    assert_eq!(heading, "无效");

    // The wallet kept the showing.
    let history = phone.texts(".credential-history summary").await.unwrap();
    assert!(history[0].contains('1'), "{history:?}");

    // The issuer revokes the card; the verifier, online again, learns it.
    app.restart_server().await;
    let person = app
        .server()
        .db()
        .account_by_phone("13800138083")
        .await
        .unwrap()
        .expect("the person");
    let card = app
        .server()
        .db()
        .credentials(&person.id)
        .await
        .unwrap()
        .remove(0);
    app.server()
        .db()
        .set_credential_status(&card.id, Status::Revoked)
        .await
        .unwrap();
    let made_at = "return JSON.parse(localStorage.getItem('tongban-trust')).made_at";
    let before = verifier.eval(made_at).await.unwrap().as_i64().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    verifier.client.refresh().await.unwrap();
    verifier.texts("#verify-input").await.unwrap();
    verifier
        .wait_until(
            &format!("return JSON.parse(localStorage.getItem('tongban-trust')).made_at > {before}"),
            "a new bundle",
        )
        .await
        .unwrap();
    // The same QR, still within its minutes: revoked.
    let (heading, _) = verify(&verifier, &payload).await;
    assert_eq!(heading, "已注销");
    assert!(
        phone.errors().await.unwrap().is_empty(),
        "the wallet crashed"
    );
    verifier.close().await;
    phone.close().await;
}

/// A verifier's phone reads the shown QR code with its camera (Chromium's fake camera filming
/// the screen's QR code): the verdict comes without pasting anything, and the camera closes.
#[tokio::test]
async fn a_shown_code_is_read_by_the_verifiers_camera() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let source = axe_source();
    let phone = verified_person(&app, "13800138085", NAME, ID_NUMBER).await;
    open_wallet(&app, &phone).await;
    phone.tap(".show-make").await.unwrap();
    phone.texts(".show-qr .qr svg").await.unwrap();
    let png = element_png(&phone, ".show-qr .qr").await;
    let dir = tempfile::tempdir().unwrap();
    let film = camera_film(&png, dir.path());

    let verifier = Browser::phone_with_camera(&film).await.unwrap();
    verifier
        .client
        .goto(&format!("{}/verify", app.base_url))
        .await
        .unwrap();
    verifier
        .wait_until(
            "return document.querySelector('.verify-trust')?.textContent.includes('更新')",
            "the trust bundle",
        )
        .await
        .unwrap();
    verifier.record_errors().await.unwrap();
    verifier.tap(".scan-start").await.unwrap();
    let heading = verifier.texts(".verdict h2").await.unwrap().remove(0);
    let body = verifier.texts(".verdict").await.unwrap().remove(0);
    assert_eq!(heading, "有效", "{body}");
    assert!(body.contains(NAME) && body.contains(ID_NUMBER), "{body}");
    let pasted = verifier
        .eval("return document.getElementById('verify-input').value")
        .await
        .unwrap();
    assert!(pasted.as_str().is_some_and(|t| t.contains('~')), "{pasted}");
    verifier
        .wait_until(
            "return !!document.querySelector('.scan-start') && document.querySelector('.scan-video').hidden",
            "the camera closed",
        )
        .await
        .unwrap();
    assert_accessible(&verifier, &source).await;
    assert!(
        verifier.errors().await.unwrap().is_empty(),
        "the verifier crashed"
    );
    verifier.close().await;
    phone.close().await;
}

#[tokio::test]
async fn a_certificate_shared_online_opens_once_in_the_organisations_browser() {
    let _turn = ONE_BROWSER.lock().await;
    let app = TestApp::start().await;
    let source = axe_source();
    let phone = verified_person(&app, "13800138084", NAME, ID_NUMBER).await;
    phone
        .client
        .goto(&format!("{}/wallet", app.base_url))
        .await
        .unwrap();
    phone.record_errors().await.unwrap();
    phone
        .wait_until("return !!document.querySelector('.show-make')", "collected")
        .await
        .unwrap();

    // Identity only (the preset), shared with the bank for a day.
    phone.tap(".share-online summary").await.unwrap();
    phone.tap(".share-make").await.unwrap();
    let refused = phone.texts(".share-online .error").await.unwrap();
    assert_eq!(refused, ["请填写分享给谁。"]);
    phone
        .type_into(".share-organisation", "杭州银行")
        .await
        .unwrap();
    let time = phone
        .eval("return document.querySelector('.share-minutes').selectedOptions[0].textContent.replace(/[\\u2068\\u2069]/g, '')")
        .await
        .unwrap();
    assert_eq!(time, serde_json::json!("1 天"));
    phone.tap(".share-make").await.unwrap();
    let code = phone.texts(".share-code").await.unwrap().remove(0);
    assert_eq!(code.len(), 11, "ABCDE-FGHJK: {code}");
    let link = phone.texts(".share-link a").await.unwrap().remove(0);
    assert!(link.ends_with(&format!("/verify?share={code}")), "{link}");
    let waiting = phone.texts(".share-item").await.unwrap();
    assert!(
        waiting[0].contains("杭州银行") && waiting[0].contains("尚未打开"),
        "{waiting:?}"
    );
    assert_accessible(&phone, &source).await;
    phone
        .eval("document.querySelector('.share-made').scrollIntoView(); return true")
        .await
        .unwrap();
    phone.screenshot("wallet-share").await.unwrap();

    // The bank, in its own browser, follows the link.
    let bank = Browser::phone("zh-CN,zh").await.unwrap();
    bank.client.goto(&link).await.unwrap();
    bank.wait_until(
        "return !!document.getElementById('verify-share-code')",
        "the verifier",
    )
    .await
    .unwrap();
    let typed = bank
        .eval("return document.getElementById('verify-share-code').value")
        .await
        .unwrap();
    assert_eq!(typed, serde_json::json!(code));
    bank.tap(".verify-share-open").await.unwrap();
    let heading = bank
        .texts(".verify-share .verdict h2")
        .await
        .unwrap()
        .remove(0);
    let body = bank.texts(".verify-share").await.unwrap().remove(0);
    assert_eq!(heading, "有效", "{body}");
    assert!(body.contains("分享给杭州银行"), "{body}");
    assert!(body.contains(NAME) && body.contains(ID_NUMBER), "{body}");
    assert!(
        !body.contains("1940-01-01"),
        "the birth date was not shared: {body}"
    );
    assert_accessible(&bank, &source).await;
    bank.screenshot("verify-share").await.unwrap();

    // Once only.
    bank.tap(".verify-share-open").await.unwrap();
    let again = bank.texts(".verify-share .error").await.unwrap();
    assert!(again[0].contains("已经打开过"), "{again:?}");

    // The person sees it opened, and who opened it in the data record.
    phone.client.refresh().await.unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.share-item[data-state=opened]')",
            "the share opened",
        )
        .await
        .unwrap();
    phone
        .client
        .goto(&format!("{}/my-data", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return document.querySelector('main').textContent.replace(/[\\u2068\\u2069]/g, '').includes('杭州银行（您分享给的机构）')",
            "the bank in the data record",
        )
        .await
        .unwrap();
    assert!(phone.errors().await.unwrap().is_empty(), "the app crashed");
    bank.close().await;
    phone.close().await;
}

#[tokio::test]
async fn a_completed_marriage_registration_puts_the_certificate_in_the_wallet() {
    let _turn = ONE_BROWSER.lock().await;
    let mut app = TestApp::start().await;
    let phone = verified_person(&app, "13800138084", "林小满", "330106199503050220").await;
    // The ID card, collected to this phone.
    open_wallet(&app, &phone).await;
    open_form(&app, &phone, "", "330100-MZ-0001").await;
    // 免提交: the ID card stands in for the applicants' ID cards, with consent, its claims listed.
    let mut used = false;
    while step_of(&phone.path().await.unwrap()) != "check" {
        let offered = phone
            .eval("return !!document.querySelector('.material-use-certificate')")
            .await
            .unwrap();
        if !used && offered == serde_json::Value::Bool(true) {
            phone.tap(".material-use-certificate").await.unwrap();
            let consent = phone.texts(".material-consent p").await.unwrap();
            assert!(
                consent[0].contains("公民身份号码") || consent[0].contains("身份证号"),
                "the claims it gives are listed: {consent:?}"
            );
            phone.tap(".material-consent-agree").await.unwrap();
            phone
                .wait_until(
                    "return [...document.querySelectorAll('.material-state')].some(s => s.textContent.includes('已用电子证照'))",
                    "the certificate used",
                )
                .await
                .unwrap();
            used = true;
        }
        next_page(&phone).await;
    }
    assert!(used, "the form offered the ID card from the wallet");
    submit_twice(&phone).await;

    // The bureau completes it in the workbench.
    add_staff(&app, "mz.head", "330100-mz", StaffRole::Supervisor).await;
    let desk = staff_desk(&app, "mz.head").await;
    desk.texts("a.case-link").await.unwrap();
    desk.click("a.case-link").await.unwrap();
    desk.texts("#case-status").await.unwrap();
    // The bureau sees what was verified of the ID card, not a photo.
    let verified = desk
        .texts("#case-answers .verified-certificate")
        .await
        .unwrap();
    assert!(
        verified[0].contains("杭州市公安局") && verified[0].contains("330106199503050220"),
        "{verified:?}"
    );
    assert!(
        !verified[0].contains("周岁"),
        "no age elements: {verified:?}"
    );
    for status in ["accepted", "in-review", "approved", "completed"] {
        make_move(&desk, status, "").await;
    }
    assert_eq!(desk.texts("#case-status").await.unwrap(), ["已办结"]);
    // The case shows the certificate it issued, valid, with the supervisor's actions.
    let issued = desk.texts(".case-certificate").await.unwrap();
    assert!(
        issued[0].contains("结婚证") && issued[0].contains("有效"),
        "{issued:?}"
    );

    // The person's data record: the certificate given, the bureau's read, and the consent.
    phone
        .client
        .goto(&format!("{}/my-data", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.data-use[data-action=\"credential-presented\"]') \
             && !!document.querySelector('.data-use[data-action=\"case-read\"]')",
            "the presentation and the staff read in the record",
        )
        .await
        .unwrap();
    let consents = phone.texts(".consent").await.unwrap();
    assert!(
        consents
            .iter()
            .any(|c| c.contains("免提交") && c.contains("杭州市民政局")),
        "{consents:?}"
    );

    // In the wallet, beside the ID card.
    phone
        .client
        .goto(&format!("{}/wallet", app.base_url))
        .await
        .unwrap();
    phone
        .wait_until(
            "return !!document.querySelector('.credential[data-kind=marriage-certificate] .show-make')",
            "the marriage certificate, collected",
        )
        .await
        .unwrap();
    let issuer = phone
        .texts(".credential[data-kind=marriage-certificate] .hint")
        .await
        .unwrap();
    assert!(issuer[0].contains("杭州市民政局"), "{issuer:?}");
    let verifier = open_verifier(&app).await;

    app.stop_server().await;
    let card = ".credential[data-kind=marriage-certificate]";
    phone
        .eval(&format!(
            "document.querySelector('{card} .show-preset[data-preset=Identity]').click(); \
             document.querySelector('{card} .show-make').click(); return true"
        ))
        .await
        .unwrap();
    phone
        .texts(&format!("{card} .show-qr .qr svg"))
        .await
        .unwrap();
    let payload = read_qr(&phone, &format!("{card} .show-qr .qr")).await;
    verifier.client.refresh().await.unwrap();
    verifier.texts("#verify-input").await.unwrap();
    let (heading, body) = verify(&verifier, &payload).await;
    assert_eq!(heading, "有效", "{body}");
    assert!(body.contains("结婚证") && body.contains("林小满"), "{body}");
    assert!(body.contains("杭州市民政局"), "{body}");
    assert!(
        !body.contains("TB"),
        "the certificate number was not chosen: {body}"
    );

    // The person's record: the bureau issued it.
    app.restart_server().await;
    let uses = phone
        .eval(
            "return fetch('/api/v1/me/data-uses', {credentials: 'same-origin'}).then(r => r.json())\
             .then(d => d.items.filter(u => u.action === 'credential-issued').map(u => u.by.id || u.by.kind))",
        )
        .await
        .unwrap();
    assert!(
        uses.as_array().unwrap().iter().any(|u| u == "330100-mz"),
        "{uses}"
    );

    // The bureau revokes it from the case (asked twice: it is final); the wallet shows it.
    desk.client.refresh().await.unwrap();
    desk.texts(".case-certificate .certificate-revoke")
        .await
        .unwrap();
    desk.tap(".certificate-revoke").await.unwrap();
    let asked = desk.texts(".case-certificate .notice").await.unwrap();
    assert!(asked[0].contains("不能恢复"), "{asked:?}");
    desk.eval("document.getElementById('case-certificates').scrollIntoView(); return true")
        .await
        .unwrap();
    desk.screenshot("case-certificate-revoke").await.unwrap();
    assert_accessible(&desk, &axe_source()).await;
    desk.tap(".certificate-revoke-confirm").await.unwrap();
    desk.wait_until(
        "return !!document.querySelector('.case-certificate[data-status=revoked]')",
        "revoked",
    )
    .await
    .unwrap();
    assert_eq!(
        desk.eval("return document.querySelectorAll('.case-certificate button').length")
            .await
            .unwrap(),
        serde_json::json!(0),
        "nothing more to do with a revoked certificate"
    );
    desk.close().await;
    phone
        .client
        .goto(&format!("{}/wallet", app.base_url))
        .await
        .unwrap();
    let badge = phone
        .texts(".credential[data-kind=marriage-certificate] .credential-status")
        .await
        .unwrap();
    assert_eq!(badge, ["已被发证部门注销"]);
    verifier.close().await;
    phone.close().await;
}
