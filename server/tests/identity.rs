//! Login by phone and code, sessions, real-name levels and staff, over HTTP. The person access
//! matrix is `person_access.rs`.

mod support;

use reqwest::StatusCode;
use support::auth::AuthServer;
use support::postgres::TempPostgres;
use tongban_core::auth::{RealNameLevel, SessionSecretStore};
use tongban_core::ApiError;

const PHONE_A: &str = "13800138000";
const PHONE_B: &str = "13900139000";
/// GB 11643's own example number.
const ID_A: &str = "11010519491231002X";

/// What every backend must do: log in, see the masked account, verify identity, list devices,
/// log out — and the token is dead after logout.
async fn login_identity_logout(server: &AuthServer) {
    let (client, secrets) = server.login(PHONE_A).await;
    let me = client.me().await.unwrap();
    assert_eq!(me.masked_phone, "138****8000");
    assert_eq!(me.level, RealNameLevel::PhoneVerified);
    assert_eq!(me.masked_id_number, None);

    let verified = client.verify_identity("张三", ID_A).await.unwrap();
    assert_eq!(verified.level, RealNameLevel::IdentityVerified);
    assert_eq!(
        verified.masked_id_number.as_deref(),
        Some("110***********002X")
    );
    assert_eq!(verified.masked_name.as_deref(), Some("张*"));

    let sessions = client.sessions().await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].current);

    let token = secrets.load().unwrap();
    client.logout().await.unwrap();
    assert_eq!(secrets.load(), None, "the client forgets its token");
    let replay = reqwest::Client::new()
        .get(server.url("/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::UNAUTHORIZED,
        "a replayed token after logout"
    );

    // Logging in again (a new code after the resend interval) finds the same account, verified.
    server.clock.advance(60);
    let (again, _) = server.login(PHONE_A).await;
    let me_again = again.me().await.unwrap();
    assert_eq!(me_again.id, me.id);
    assert_eq!(me_again.level, RealNameLevel::IdentityVerified);
}

#[tokio::test]
async fn sqlite_logs_in_verifies_and_logs_out() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    login_identity_logout(&server).await;
    assert_audit_is_append_only(&server).await;
}

#[tokio::test]
async fn postgres_logs_in_verifies_and_logs_out() {
    let pg = TempPostgres::start();
    let server = AuthServer::on(pg.new_database(), vec![], |_| {}).await;
    login_identity_logout(&server).await;
    assert_audit_is_append_only(&server).await;
}

async fn assert_audit_is_append_only(server: &AuthServer) {
    let db = server.server.db();
    let lines = db.audit_lines().await.unwrap();
    for action in [
        "code-sent",
        "login",
        "account-read",
        "identity-verify",
        "logout",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(&format!(" {action} "))),
            "no {action} in the audit log: {lines:#?}"
        );
    }
    for statement in [
        "UPDATE audit_log SET outcome = 'ok'",
        "DELETE FROM audit_log",
    ] {
        let refused = sqlx::query(statement).execute(db.pool()).await;
        assert!(refused.is_err(), "the audit log accepted {statement}");
    }
    assert_eq!(db.audit_lines().await.unwrap(), lines);
}

#[tokio::test]
async fn codes_expire_and_work_once() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, _) = server.client();
    let sent = client.send_login_code(PHONE_A).await.unwrap();
    assert_eq!(sent.valid_seconds, 300);
    assert_eq!(sent.masked_phone, "138****8000");
    let code = server.sms.last_code(PHONE_A).unwrap();

    server.clock.advance(301);
    let expired = client.login(PHONE_A, &code).await.unwrap_err();
    assert_eq!(expired.field_error("code").unwrap().code, "code-expired");

    client.send_login_code(PHONE_A).await.unwrap();
    let code = server.sms.last_code(PHONE_A).unwrap();
    client.login(PHONE_A, &code).await.unwrap();
    let (other, _) = server.client();
    let reused = other.login(PHONE_A, &code).await.unwrap_err();
    assert_eq!(reused.field_error("code").unwrap().code, "code-wrong");
}

#[tokio::test]
async fn a_new_code_waits_for_the_resend_interval() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, _) = server.client();
    let sent = client.send_login_code(PHONE_A).await.unwrap();
    assert_eq!(sent.resend_at - sent.expires_at, 60 - 300);
    server.clock.advance(20);
    match client.send_login_code(PHONE_A).await {
        Err(ApiError::RateLimited {
            retry_after_seconds,
        }) => assert_eq!(retry_after_seconds, 40),
        other => panic!("expected a wait, got {other:?}"),
    }
    // The raw answer carries Retry-After for any HTTP client.
    let raw = reqwest::Client::new()
        .post(server.url("/auth/code"))
        .json(&serde_json::json!({ "phone": PHONE_A }))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(raw.headers()["retry-after"], "40");
    server.clock.advance(40);
    client.send_login_code(PHONE_A).await.unwrap();
    // An earlier code stops working once a new one is sent.
    let first = server.sms.last_code(PHONE_A).unwrap();
    server.clock.advance(60);
    client.send_login_code(PHONE_A).await.unwrap();
    let second = server.sms.last_code(PHONE_A).unwrap();
    if first != second {
        assert!(client.login(PHONE_A, &first).await.is_err());
    }
    client.login(PHONE_A, &second).await.unwrap();
}

#[tokio::test]
async fn too_many_wrong_codes_lock_the_phone_for_the_window() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, _) = server.client();
    client.send_login_code(PHONE_A).await.unwrap();
    let code = server.sms.last_code(PHONE_A).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=9 {
        let err = client.login(PHONE_A, wrong).await.unwrap_err();
        assert_eq!(
            err.field_error("code").map(|f| f.code.as_str()),
            Some("code-wrong"),
            "attempt {attempt}"
        );
        server.clock.advance(10);
    }
    // The tenth failure reaches the limit: a clear wait, and the code is gone.
    match client.login(PHONE_A, wrong).await {
        Err(ApiError::RateLimited {
            retry_after_seconds,
        }) => {
            assert!(
                (800..=900).contains(&retry_after_seconds),
                "{retry_after_seconds}"
            )
        }
        other => panic!("expected a wait, got {other:?}"),
    }
    assert!(matches!(
        client.login(PHONE_A, &code).await,
        Err(ApiError::RateLimited { .. })
    ));
    // Another phone is not affected; after the window the locked one can try again.
    server.login(PHONE_B).await;
    server.clock.advance(901);
    server.login(PHONE_A).await;
}

#[tokio::test]
async fn one_address_cannot_send_codes_to_many_phones() {
    let server = AuthServer::on_sqlite(|c| c.auth.max_sends_per_ip = 3).await;
    let (client, _) = server.client();
    for n in 0..3 {
        client
            .send_login_code(&format!("1370000000{n}"))
            .await
            .unwrap();
    }
    assert!(matches!(
        client.send_login_code("13700000009").await,
        Err(ApiError::RateLimited { .. })
    ));
}

#[tokio::test]
async fn a_missing_code_and_a_wrong_code_look_the_same() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, _) = server.client();
    // No code was ever sent to B: the comparison still runs and the answer is the same.
    let never_sent = client.login(PHONE_B, "123456").await.unwrap_err();
    client.send_login_code(PHONE_A).await.unwrap();
    let code = server.sms.last_code(PHONE_A).unwrap();
    let wrong = if code == "123456" { "654321" } else { "123456" };
    let wrong_code = client.login(PHONE_A, wrong).await.unwrap_err();
    assert_eq!(never_sent, wrong_code);
    // Both count towards the limit.
    let lines = server.server.db().audit_lines().await.unwrap();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains(" login ") && l.contains(" failed "))
            .count(),
        2
    );
}

#[tokio::test]
async fn bad_input_gets_field_errors() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, _) = server.client();
    let err = client.send_login_code("1380013800").await.unwrap_err();
    assert_eq!(err.field_error("phone").unwrap().code, "phone-length");
    assert_eq!(err.message_id(), "error-phone-length");
    let err = client.send_login_code("12800138000").await.unwrap_err();
    assert_eq!(err.field_error("phone").unwrap().code, "phone-region");
    let err = client.login(PHONE_A, "12ab").await.unwrap_err();
    assert_eq!(err.field_error("code").unwrap().code, "code-format");
    // Full-width digits and a +86 prefix, as phones type them, are accepted.
    client
        .send_login_code("+86 １３８００１３８０００")
        .await
        .unwrap();
    assert!(server.sms.last_code(PHONE_A).is_some());

    let (client, _) = server.login(PHONE_B).await;
    let err = client
        .verify_identity("", "110105194912310021")
        .await
        .unwrap_err();
    assert_eq!(err.field_error("name").unwrap().code, "name-invalid");
    assert_eq!(err.field_error("id_number").unwrap().code, "id-checksum");
    let err = client.verify_identity("不符", ID_A).await.unwrap_err();
    assert_eq!(err.field_error("name").unwrap().code, "identity-mismatch");
    assert_eq!(
        client.me().await.unwrap().level,
        RealNameLevel::PhoneVerified
    );
}

#[tokio::test]
async fn one_id_number_verifies_one_account() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (a, _) = server.login(PHONE_A).await;
    a.verify_identity("张三", ID_A).await.unwrap();
    let (b, _) = server.login(PHONE_B).await;
    match b.verify_identity("张三", ID_A).await {
        Err(ApiError::Conflict { code, .. }) => assert_eq!(code, "identity-taken"),
        other => panic!("expected identity-taken, got {other:?}"),
    }
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let server = AuthServer::on_sqlite(|c| {
        c.auth.session_idle_seconds = 600;
        c.auth.session_absolute_seconds = 1500;
    })
    .await;
    let (client, _) = server.login(PHONE_A).await;
    // Used every 500 s, it stays alive past the idle limit…
    for _ in 0..2 {
        server.clock.advance(500);
        client.me().await.unwrap();
    }
    // …but not past the absolute one.
    server.clock.advance(500);
    assert_eq!(client.me().await.unwrap_err(), ApiError::Unauthorized);

    let (client, secrets) = server.login(PHONE_A).await;
    let token = secrets.load().unwrap();
    server.clock.advance(600);
    let answer = reqwest::Client::new()
        .get(server.url("/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "session-expired");
    assert_eq!(client.me().await.unwrap_err(), ApiError::Unauthorized);
    let lines = server.server.db().audit_lines().await.unwrap();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains(" session-expired "))
            .count(),
        2
    );
}

#[tokio::test]
async fn login_rotates_the_session() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let (client, secrets) = server.login(PHONE_A).await;
    let first = secrets.load().unwrap();
    server.clock.advance(61);
    client.send_login_code(PHONE_A).await.unwrap();
    let code = server.sms.last_code(PHONE_A).unwrap();
    client.login(PHONE_A, &code).await.unwrap();
    let second = secrets.load().unwrap();
    assert_ne!(first, second);
    let old = reqwest::Client::new()
        .get(server.url("/me"))
        .bearer_auth(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::UNAUTHORIZED,
        "the session presented at login ends"
    );
    assert_eq!(client.sessions().await.unwrap().len(), 1);
}

fn cookie_of(response: &reqwest::Response) -> String {
    response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_web_gets_its_session_only_in_a_host_only_http_only_cookie() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let http = reqwest::Client::new();
    http.post(server.url("/auth/code"))
        .json(&serde_json::json!({ "phone": PHONE_A }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let code = server.sms.last_code(PHONE_A).unwrap();
    let login = http
        .post(server.url("/auth/login"))
        .json(&serde_json::json!({ "phone": PHONE_A, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let set_cookie = cookie_of(&login);
    for part in [
        "__Host-tongban=",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(set_cookie.contains(part), "{set_cookie} lacks {part}");
    }
    let body: serde_json::Value = login.json().await.unwrap();
    assert!(
        body.get("token").is_none(),
        "script must not see the token: {body}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let me = http
        .get(server.url("/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.headers()["cache-control"], "no-store");
    assert!(me.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));

    // A write from another site's page is refused even with the cookie.
    let forged = http
        .post(server.url("/auth/logout"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let logout = http
        .post(server.url("/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(cookie_of(&logout).contains("Max-Age=0"));
    let replay = http
        .get(server.url("/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_registered_hosts_may_frame_the_app() {
    let server =
        AuthServer::on_sqlite(|c| c.host_origins = vec!["https://host.example.gov.cn".into()])
            .await;
    let page = reqwest::get(format!("{}/", server.base)).await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'self' https://host.example.gov.cn"),
        "{csp}"
    );
    assert_eq!(
        page.headers()["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    let web = support::fake_web_dir();
    let mut bad = tongban_server::Config::for_tests("sqlite::memory:", web.path());
    bad.host_origins = vec!["javascript:alert(1)".into()];
    assert!(tongban_server::start(bad).await.is_err());
}

#[tokio::test]
async fn staff_are_a_separate_role_with_their_own_login() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    let hash = tongban_server::auth::password::hash_password("correct horse battery").unwrap();
    server
        .server
        .db()
        .put_staff(tongban_server::store::NewStaff::new(
            "wang.li",
            "王丽",
            "330100-mz",
            tongban_core::case::StaffRole::Supervisor,
            &hash,
        ))
        .await
        .unwrap();
    let (staff, staff_secrets) = server.client();
    let wrong = staff
        .staff_login("wang.li", "wrong password")
        .await
        .unwrap_err();
    let unknown = staff
        .staff_login("nobody", "wrong password")
        .await
        .unwrap_err();
    assert_eq!(
        wrong, unknown,
        "an unknown name and a wrong password look the same"
    );
    assert_eq!(
        wrong.field_error("password").unwrap().code,
        "staff-login-wrong"
    );
    let me = staff
        .staff_login("Wang.Li", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(me.department, "杭州市民政局");
    assert_eq!(staff.staff_me().await.unwrap(), me);

    // A staff session is not a person's, and a person's is not staff's.
    let person_answer = reqwest::Client::new()
        .get(server.url("/me"))
        .bearer_auth(staff_secrets.load().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(person_answer.status(), StatusCode::FORBIDDEN);
    let (citizen, _) = server.login(PHONE_A).await;
    match citizen.staff_me().await {
        Err(ApiError::Forbidden { code }) => assert_eq!(code, "wrong-role"),
        other => panic!("a person reached a staff endpoint: {other:?}"),
    }
}
