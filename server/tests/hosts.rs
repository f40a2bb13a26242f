//! Single sign-on from host super-apps: signed tickets (Ed25519 JWTs) and tickets validated by the
//! host's own service (a test host speaking the protocol), replay, expiry, forgery, audience,
//! account linking, and the origins allowed to frame and read.

mod support;

use std::sync::{Arc, Mutex};

use axum::routing::post;
use axum::{Json, Router};
use reqwest::StatusCode;
use support::auth::AuthServer;
use tongban_core::auth::RealNameLevel;
use tongban_core::host::{Bridge, HostTheme, HostTicketClaims};
use tongban_core::ApiError;
use tongban_server::demo_host::{DemoPerson, TicketSigner};
use tongban_server::hosts::{HostEntry, TicketCheck};

const PHONE: &str = "13800138000";
/// A valid resident ID number (GB 11643 check digit).
const ID_NUMBER: &str = "11010519491231002X";

fn signed_host(id: &str, signer: &TicketSigner, trust_identity: bool) -> HostEntry {
    HostEntry {
        id: id.into(),
        name: format!("Host {id}"),
        bridge: Bridge::Generic,
        origins: vec![format!("https://{id}.example.gov.cn")],
        tickets: TicketCheck::Signed {
            public_key: signer.public_key(),
            max_age_seconds: 300,
        },
        trust_identity,
        theme: HostTheme::default(),
        has_own_header: None,
        notify_url: None,
    }
}

fn person(phone: &str) -> DemoPerson {
    DemoPerson {
        phone: phone.into(),
        name: None,
        id_number: None,
    }
}

fn claims(signer_host: &str, now: i64) -> HostTicketClaims {
    HostTicketClaims {
        iss: signer_host.into(),
        aud: "tongban".into(),
        sub: "user-1".into(),
        iat: now,
        exp: now + 120,
        jti: tongban_server::auth::new_id(),
        phone: PHONE.into(),
        name: None,
        id_number: None,
    }
}

struct Hosts {
    server: AuthServer,
    zj: TicketSigner,
    sh: TicketSigner,
}

async fn signed_hosts() -> Hosts {
    let zj = TicketSigner::generate("zj");
    let sh = TicketSigner::generate("sh");
    let entries = vec![signed_host("zj", &zj, true), signed_host("sh", &sh, false)];
    let server = AuthServer::on_sqlite(move |c| c.hosts = entries).await;
    Hosts { server, zj, sh }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn refusal(error: ApiError) -> String {
    match error {
        ApiError::Validation { code, fields, .. } => {
            assert_eq!(fields[0].path, "ticket");
            code
        }
        other => panic!("expected a refused ticket, got {other:?}"),
    }
}

#[tokio::test]
async fn a_signed_ticket_logs_in_to_the_same_account_as_a_phone_login() {
    let hosts = signed_hosts().await;
    let (by_phone, _) = hosts.server.login(PHONE).await;
    let phone_account = by_phone.me().await.unwrap();

    let (in_host, secrets) = hosts.server.client();
    let mut zhang = person(PHONE);
    zhang.name = Some("张三".into());
    zhang.id_number = Some(ID_NUMBER.into());
    let ticket = hosts.zj.ticket_for(&zhang, "tongban", now(), 120);
    let account = in_host.host_login("zj", &ticket).await.unwrap();
    assert_eq!(account.id, phone_account.id, "one person, one account");
    assert!(tongban_core::auth::SessionSecretStore::load(&*secrets).is_some());
    // The host is trusted to assert identity: the account is now verified, shown masked.
    assert_eq!(account.level, RealNameLevel::IdentityVerified);
    assert_eq!(
        account.masked_id_number.as_deref(),
        Some("110***********002X")
    );
    assert_eq!(in_host.me().await.unwrap().id, phone_account.id);

    // The same person through a host not trusted with identity: logged in, nothing asserted.
    let mut li = person("13900139000");
    li.name = Some("李四".into());
    li.id_number = Some("110105194912310038".into());
    let (other, _) = hosts.server.client();
    let ticket = hosts.sh.ticket_for(&li, "tongban", now(), 120);
    let account = other.host_login("sh", &ticket).await.unwrap();
    assert_eq!(account.level, RealNameLevel::PhoneVerified);
    assert_eq!(account.masked_id_number, None);

    let activity = in_host.activity().await.unwrap();
    assert!(activity
        .items
        .iter()
        .any(|a| a.action == "host-login" && a.ok));
    // And in the person's data record: the host by its name, what it gave and why.
    let uses = in_host.data_uses(None).await.unwrap().items;
    let login = uses
        .iter()
        .find(|u| u.action == "host-login")
        .expect("the host login is a use of the data");
    assert_eq!(
        login.by,
        tongban_core::data_record::DataUser::Host {
            id: "zj".into(),
            name: "Host zj".into()
        }
    );
    assert_eq!(
        login.purpose,
        tongban_core::data_record::UsePurpose::HostLogin
    );

    // Letting the host hand over phone and identity is a consent, with its receipt — once per
    // host while it stands, not one per login.
    let host_consents = |list: &[tongban_core::data_record::ConsentEntry]| {
        list.iter()
            .filter(|c| c.kind == "host-login:zj")
            .cloned()
            .collect::<Vec<_>>()
    };
    let consents = host_consents(&in_host.consents().await.unwrap().items);
    assert_eq!(consents.len(), 1, "{consents:?}");
    assert_eq!(consents[0].receipt.recipient.zh, "Host zj");
    assert_eq!(consents[0].receipt.categories, ["identity", "contact"]);
    let again = hosts.zj.ticket_for(&zhang, "tongban", now(), 120);
    in_host.host_login("zj", &again).await.unwrap();
    assert_eq!(
        host_consents(&in_host.consents().await.unwrap().items).len(),
        1
    );

    // Withdrawn from the phone app: the sessions opened inside the host end; the phone's own
    // session goes on. Opening Tongban in the host again is a new consent.
    by_phone
        .withdraw_consent(&consents[0].receipt.id)
        .await
        .unwrap();
    assert_eq!(in_host.me().await.unwrap_err(), ApiError::Unauthorized);
    assert_eq!(by_phone.me().await.unwrap().id, phone_account.id);
    let back = hosts.zj.ticket_for(&zhang, "tongban", now(), 120);
    in_host.host_login("zj", &back).await.unwrap();
    let consents = host_consents(&by_phone.consents().await.unwrap().items);
    assert_eq!(consents.len(), 2, "{consents:?}");
    assert_eq!(
        consents.iter().filter(|c| c.withdrawn_at.is_none()).count(),
        1
    );
}

#[tokio::test]
async fn replayed_expired_forged_and_misaddressed_tickets_are_refused() {
    let hosts = signed_hosts().await;
    let (client, _) = hosts.server.client();
    let ticket = hosts.zj.ticket_for(&person(PHONE), "tongban", now(), 120);
    client.host_login("zj", &ticket).await.unwrap();
    let (replayer, _) = hosts.server.client();
    assert_eq!(
        refusal(replayer.host_login("zj", &ticket).await.unwrap_err()),
        "ticket-used"
    );

    let stale = hosts
        .zj
        .ticket_for(&person(PHONE), "tongban", now() - 900, 120);
    assert_eq!(
        refusal(client.host_login("zj", &stale).await.unwrap_err()),
        "ticket-expired"
    );

    // Signed by sh's key but claiming to be zj's: the signature does not match zj's key.
    let forged = hosts.sh.sign(&claims("zj", now()));
    assert_eq!(
        refusal(client.host_login("zj", &forged).await.unwrap_err()),
        "ticket-invalid"
    );
    // A real zj ticket, tampered with: the payload no longer matches the signature.
    let genuine = hosts.zj.sign(&claims("zj", now()));
    let mut parts: Vec<String> = genuine.split('.').map(str::to_owned).collect();
    let mut payload = claims("zj", now());
    payload.phone = "13900139000".into();
    parts[1] = base64_url(&serde_json::to_vec(&payload).unwrap());
    assert_eq!(
        refusal(client.host_login("zj", &parts.join(".")).await.unwrap_err()),
        "ticket-invalid"
    );

    let mut elsewhere = claims("zj", now());
    elsewhere.aud = "another-app".into();
    assert_eq!(
        refusal(
            client
                .host_login("zj", &hosts.zj.sign(&elsewhere))
                .await
                .unwrap_err()
        ),
        "ticket-invalid"
    );
    // zj's genuine ticket shown to sh: issued by another host.
    let for_zj = hosts.zj.ticket_for(&person(PHONE), "tongban", now(), 120);
    assert_eq!(
        refusal(client.host_login("sh", &for_zj).await.unwrap_err()),
        "ticket-invalid"
    );
    let mut too_long = claims("zj", now());
    too_long.exp = too_long.iat + 86_400;
    assert_eq!(
        refusal(
            client
                .host_login("zj", &hosts.zj.sign(&too_long))
                .await
                .unwrap_err()
        ),
        "ticket-invalid"
    );
    assert_eq!(
        refusal(client.host_login("zj", "not-a-ticket").await.unwrap_err()),
        "ticket-invalid"
    );
    assert_eq!(
        client.host_login("nobody", &for_zj).await.unwrap_err(),
        ApiError::NotFound
    );
    // Every refusal is in the audit log, and no ticket or phone number is.
    let lines = hosts.server.server.db().audit_lines().await.unwrap();
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("host-login") && l.contains("failed"))
            .count()
            >= 7
    );
    assert!(lines
        .iter()
        .all(|l| !l.contains(PHONE) && !l.contains(&ticket)));
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn a_host_cannot_assert_another_identity_than_the_accounts() {
    let hosts = signed_hosts().await;
    let (client, _) = hosts.server.client();
    let mut zhang = person(PHONE);
    zhang.name = Some("张三".into());
    zhang.id_number = Some(ID_NUMBER.into());
    client
        .host_login("zj", &hosts.zj.ticket_for(&zhang, "tongban", now(), 120))
        .await
        .unwrap();
    zhang.id_number = Some("110105194912310038".into());
    let error = client
        .host_login("zj", &hosts.zj.ticket_for(&zhang, "tongban", now(), 120))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ApiError::Conflict { code, .. } if code == "host-identity-mismatch"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_session_from_one_host_is_not_used_in_another() {
    let hosts = signed_hosts().await;
    let http = reqwest::Client::new();
    let ticket = hosts.zj.ticket_for(&person(PHONE), "tongban", now(), 120);
    let login = http
        .post(hosts.server.url("/auth/hosts/zj/login"))
        .json(&serde_json::json!({ "ticket": ticket }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    for part in [
        "__Host-tongban=",
        "Secure",
        "HttpOnly",
        "SameSite=None",
        "Partitioned",
    ] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    let session = cookie.split(';').next().unwrap().to_owned();
    let me = |host: &'static str| {
        let request = http.get(hosts.server.url("/me")).header("cookie", &session);
        async move {
            request
                .header("x-tongban-host", host)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me("zj").await, StatusCode::OK);
    assert_eq!(me("sh").await, StatusCode::UNAUTHORIZED);
}

/// A host's ticket validation service, as the tests' host plays it: tickets it issued are valid
/// once; `down` makes it fail.
#[derive(Clone, Default)]
struct ValidationHost {
    issued: Arc<Mutex<Vec<String>>>,
    seen: Arc<Mutex<Vec<serde_json::Value>>>,
}

async fn start_validation_host(host: ValidationHost) -> String {
    let state = host.clone();
    let app = Router::new().route(
        "/sso/validate",
        post(
            move |headers: axum::http::HeaderMap, Json(body): Json<serde_json::Value>| {
                let state = state.clone();
                async move {
                    let mut seen = body.clone();
                    seen["authorization"] = serde_json::json!(headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok()));
                    state.seen.lock().unwrap().push(seen);
                    let ticket = body["ticket"].as_str().unwrap_or_default().to_owned();
                    let mut issued = state.issued.lock().unwrap();
                    match issued.iter().position(|t| *t == ticket) {
                        Some(i) => {
                            issued.remove(i);
                            Json(serde_json::json!({"valid": true, "user": {
                            "id": "zlb-42", "phone": "13700137000"}}))
                        }
                        None if ticket.starts_with("old-") => {
                            Json(serde_json::json!({"valid": false, "reason": "expired"}))
                        }
                        None => Json(serde_json::json!({"valid": false, "reason": "invalid"})),
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_ticket_validated_by_the_hosts_own_service_logs_in_once() {
    let host = ValidationHost::default();
    let base = start_validation_host(host.clone()).await;
    std::env::set_var("TONGBAN_TEST_ZLB_SECRET", "s3cret");
    let entry = |id: &str, validate_url: String| HostEntry {
        id: id.into(),
        name: "浙里办".into(),
        bridge: Bridge::Zlb,
        origins: vec!["https://portal.example.gov.cn".into()],
        tickets: TicketCheck::Validated {
            login_url: "https://portal.example.gov.cn/sso/login?service=tongban".into(),
            validate_url,
            service_code: "tongban".into(),
            secret_env: Some("TONGBAN_TEST_ZLB_SECRET".into()),
        },
        trust_identity: false,
        theme: HostTheme::default(),
        has_own_header: None,
        notify_url: None,
    };
    let entries = vec![
        entry("zlb", format!("{base}/sso/validate")),
        entry("down", "http://127.0.0.1:9/sso/validate".into()),
    ];
    let server = AuthServer::on_sqlite(move |c| c.hosts = entries).await;
    host.issued.lock().unwrap().push("ST-1".into());

    let (client, _) = server.client();
    let info = client.host_info("zlb").await.unwrap();
    assert!(info.has_own_header, "浙里办 draws its own title bar");
    assert_eq!(
        info.sso,
        tongban_core::host::SsoFlow::Validated {
            login_url: "https://portal.example.gov.cn/sso/login?service=tongban".into()
        }
    );
    let account = client.host_login("zlb", "ST-1").await.unwrap();
    assert_eq!(account.masked_phone, "137****7000");
    let seen = host.seen.lock().unwrap()[0].clone();
    assert_eq!(seen["service_code"], "tongban");
    assert_eq!(seen["authorization"], "Bearer s3cret");
    // The host would say "invalid" now; Tongban refuses the replay before asking.
    assert_eq!(
        refusal(client.host_login("zlb", "ST-1").await.unwrap_err()),
        "ticket-used"
    );
    assert_eq!(host.seen.lock().unwrap().len(), 1);
    assert_eq!(
        refusal(client.host_login("zlb", "old-ST").await.unwrap_err()),
        "ticket-expired"
    );
    assert_eq!(
        refusal(client.host_login("zlb", "made-up").await.unwrap_err()),
        "ticket-invalid"
    );
    let down = client.host_login("down", "ST-2").await.unwrap_err();
    assert!(
        matches!(down, ApiError::Server { status: 503, .. }),
        "{down:?}"
    );
}

#[tokio::test]
async fn only_registered_hosts_frame_the_app_and_read_the_api() {
    let hosts = signed_hosts().await;
    let page = reqwest::get(format!("{}/", hosts.server.base))
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'self' https://zj.example.gov.cn https://sh.example.gov.cn"),
        "{csp}"
    );
    let http = reqwest::Client::new();
    let read = |origin: &'static str| {
        http.get(hosts.server.url("/hosts/zj"))
            .header("origin", origin)
            .send()
    };
    let allowed = read("https://zj.example.gov.cn").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://zj.example.gov.cn"
    );
    assert!(allowed
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    let other = read("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // Host pages read, never write: a login posted from a host's page is refused.
    let ticket = hosts.zj.ticket_for(&person(PHONE), "tongban", now(), 120);
    let posted = http
        .post(hosts.server.url("/auth/hosts/zj/login"))
        .header("origin", "https://zj.example.gov.cn")
        .json(&serde_json::json!({ "ticket": ticket }))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
}
