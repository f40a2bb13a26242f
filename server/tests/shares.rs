//! 在线分享: a certificate shared online with a named organisation by a one-time code — opened
//! once by anyone holding the code, with only the chosen claims; refused when replayed,
//! expired, taken back (directly or by withdrawing its consent); checked at opening, so a
//! certificate revoked meanwhile reads as revoked; and in the person's data record under the
//! organisation's name, refused openings too. What is opened is kept by no cache; an address
//! guessing codes is stopped after 20 misses; the person's export lists the shares, no code.

mod support;

use support::auth::AuthServer;
use support::forms::id_number_in;
use support::staff::staff;
use tongban_core::case::StaffRole;
use tongban_core::credential::jws::Es256Key;
use tongban_core::credential::share::{
    display_code, NewShare, ShareCreated, ShareState, SharedCertificate,
};
use tongban_core::credential::status::Status;
use tongban_core::credential::wallet::Wallet;
use tongban_core::credential::{CredentialStatusChange, Verdict};
use tongban_core::data_record::{DataUser, UseOutcome, UsePurpose};
use tongban_core::{ApiClient, ApiError};

/// Thursday 2026-12-03, 10:00 in Beijing.
const THURSDAY_10AM: i64 = 1_796_263_200;

/// A person with their ID card collected into a wallet on this device.
async fn holder(
    server: &AuthServer,
    phone: &str,
    birth: &str,
    n: usize,
) -> (ApiClient, Wallet, Es256Key, String) {
    let (person, _) = server.login(phone).await;
    let number = id_number_in("330106", birth, n);
    person.verify_identity("钱大伯", &number).await.unwrap();
    let device = Es256Key::from_secret(&[n as u8; 32], None).unwrap();
    let mut wallet = Wallet::default();
    person
        .sync_wallet(&mut wallet, &device, THURSDAY_10AM)
        .await
        .unwrap();
    (person, wallet, device, number)
}

async fn shared(wallet: &mut Wallet, device: &Es256Key, claims: &[&str], now: i64) -> String {
    let card = wallet.items[0].summary.id.clone();
    wallet
        .share(&card, claims, "n-1", now, device)
        .await
        .unwrap()
}

/// A share of the name only with a property manager, for `minutes`.
async fn share(
    person: &ApiClient,
    wallet: &mut Wallet,
    device: &Es256Key,
    minutes: u64,
) -> ShareCreated {
    let p = shared(wallet, device, &["name"], THURSDAY_10AM).await;
    person
        .create_share(&new_share(p, "西湖区某物业", minutes))
        .await
        .unwrap()
}

fn new_share(presentation: String, organisation: &str, minutes: u64) -> NewShare {
    NewShare {
        presentation,
        organisation: organisation.into(),
        minutes,
    }
}

fn field_code(e: &ApiError) -> String {
    match e {
        ApiError::Validation { fields, .. } => fields[0].code.clone(),
        other => panic!("not a refused field: {other:?}"),
    }
}

fn conflict(e: ApiError) -> String {
    match e {
        ApiError::Conflict { code, .. } => code,
        other => panic!("not a conflict: {other:?}"),
    }
}

#[tokio::test]
async fn a_share_opens_once_with_only_the_chosen_claims_and_never_again() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, mut wallet, device, number) = holder(&server, "13900000041", "19661210", 41).await;
    let presentation = shared(&mut wallet, &device, &["name", "birth_date"], THURSDAY_10AM).await;
    assert!(
        !presentation.contains(&number),
        "the ID number is not disclosed"
    );

    // What cannot be shared, and why.
    let refused = |e: ApiError| field_code(&e);
    assert_eq!(
        refused(
            person
                .create_share(&new_share(presentation.clone(), " ", 30))
                .await
                .unwrap_err()
        ),
        "share-organisation-required"
    );
    assert_eq!(
        refused(
            person
                .create_share(&new_share(presentation.clone(), "杭州银行", 4))
                .await
                .unwrap_err()
        ),
        "share-minutes-range"
    );
    let card = wallet.items[0].summary.id.clone();
    let qr = wallet
        .show(&card, &["name"], "n", THURSDAY_10AM, &device)
        .await
        .unwrap();
    assert_eq!(
        refused(
            person
                .create_share(&new_share(qr, "杭州银行", 30))
                .await
                .unwrap_err()
        ),
        "credential-not-valid",
        "a QR code made for showing in person is not a share"
    );
    let with_number = shared(&mut wallet, &device, &["name", "id_number"], THURSDAY_10AM).await;
    let (stranger, _) = server.login("13900000042").await;
    assert_eq!(
        refused(
            stranger
                .create_share(&new_share(with_number, "杭州银行", 30))
                .await
                .unwrap_err()
        ),
        "share-not-yours"
    );
    // Someone else's certificate showing only a name and a birth date (no ID number to
    // compare): still known not to be theirs, by the certificate itself.
    assert_eq!(
        refused(
            stranger
                .create_share(&new_share(presentation.clone(), "杭州银行", 30))
                .await
                .unwrap_err()
        ),
        "share-not-yours"
    );

    // Shared: the code once, the share in the list, waiting.
    let made = person
        .create_share(&new_share(presentation, "  杭州银行  ", 30))
        .await
        .unwrap();
    assert_eq!(made.share.organisation, "杭州银行");
    assert_eq!(made.share.state, ShareState::Waiting);
    assert_eq!(made.share.expires_at, THURSDAY_10AM + 30 * 60);
    let mut claims = made.share.claims.clone();
    claims.sort();
    assert_eq!(claims, ["birth_date", "name"]);
    let list = person.shares().await.unwrap().items;
    assert_eq!(list, [made.share.clone()]);

    // The bank opens it, without an account, the code typed as shown (any case).
    server.clock.set(THURSDAY_10AM + 600);
    let bank = ApiClient::new(&server.base);
    let typed = display_code(&made.code).to_lowercase();
    let SharedCertificate {
        organisation,
        shared_at,
        verdict,
    } = bank.open_share(&typed).await.unwrap();
    assert_eq!(
        (organisation.as_str(), shared_at),
        ("杭州银行", THURSDAY_10AM)
    );
    let Verdict::Valid { claims, .. } = verdict else {
        panic!("{verdict:?}")
    };
    let mut disclosed: Vec<_> = claims.keys().collect();
    disclosed.sort();
    assert_eq!(disclosed, ["birth_date", "name"]);
    assert_eq!(claims["name"], "钱大伯");

    // Once: a replay is refused, and the person sees when it was opened.
    assert_eq!(
        conflict(bank.open_share(&made.code).await.unwrap_err()),
        "share-used"
    );
    let opened = &person.shares().await.unwrap().items[0];
    assert_eq!(opened.state, ShareState::Opened);
    assert_eq!(opened.opened_at, Some(THURSDAY_10AM + 600));
    // Taking back an opened share changes nothing of it.
    let after = person.revoke_share(&made.share.id).await.unwrap();
    assert_eq!(after.state, ShareState::Opened);

    // No such code, or not a code at all.
    assert_eq!(
        bank.open_share("ABCDE-FGHJK").await.unwrap_err(),
        ApiError::NotFound
    );
    assert_eq!(
        bank.open_share("not a code").await.unwrap_err(),
        ApiError::NotFound
    );

    // The data record: the sharing by the person, the opening by the bank (and the refused
    // replay), for sharing they chose; the consent receipt names the bank.
    let uses = person.data_uses(None).await.unwrap().items;
    let bank_uses: Vec<_> = uses
        .iter()
        .filter(|u| u.action == "share-opened")
        .map(|u| (u.by.clone(), u.outcome, u.purpose))
        .collect();
    let by_bank = DataUser::Organisation {
        name: "杭州银行".into(),
    };
    assert_eq!(
        bank_uses,
        [
            (by_bank.clone(), UseOutcome::Denied, UsePurpose::Sharing),
            (by_bank, UseOutcome::Ok, UsePurpose::Sharing),
        ]
    );
    assert!(uses
        .iter()
        .any(|u| u.action == "share-created" && u.by == DataUser::You));
    let consents = person.consents().await.unwrap().items;
    let consent = consents
        .iter()
        .find(|c| c.receipt.id == made.share.id)
        .expect("a consent receipt for the share");
    assert_eq!(consent.kind, "share");
    assert_eq!(consent.receipt.recipient.zh, "杭州银行");
    assert!(consent.withdrawn_at.is_some(), "taken back with the share");
}

#[tokio::test]
async fn a_share_taken_back_expired_or_of_a_revoked_certificate_gives_nothing() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, mut wallet, device, _) = holder(&server, "13900000043", "19500101", 43).await;
    let bank = ApiClient::new(&server.base);
    // Taken back before it was opened.
    let revoked = share(&person, &mut wallet, &device, 60).await;
    let taken = person.revoke_share(&revoked.share.id).await.unwrap();
    assert_eq!(taken.state, ShareState::Revoked);
    assert_eq!(
        conflict(bank.open_share(&revoked.code).await.unwrap_err()),
        "share-revoked"
    );

    // Withdrawing its consent takes it back too.
    let withdrawn = share(&person, &mut wallet, &device, 60).await;
    person.withdraw_consent(&withdrawn.share.id).await.unwrap();
    assert_eq!(
        conflict(bank.open_share(&withdrawn.code).await.unwrap_err()),
        "share-revoked"
    );

    // Five minutes, and the bank comes after six.
    let short = share(&person, &mut wallet, &device, 5).await;
    let late = share(&person, &mut wallet, &device, 60).await;
    server.clock.set(THURSDAY_10AM + 6 * 60);
    assert_eq!(
        conflict(bank.open_share(&short.code).await.unwrap_err()),
        "share-expired"
    );
    let states: Vec<_> = person
        .shares()
        .await
        .unwrap()
        .items
        .iter()
        .map(|s| s.state)
        .collect();
    assert!(states.contains(&ShareState::Expired), "{states:?}");

    // The police revoke the ID card after it was shared: the opening says so, and shows
    // nothing of it.
    let supervisor = staff(&server, "ga-head", "330100-ga", StaffRole::Supervisor).await;
    let card = wallet.items[0].summary.id.clone();
    supervisor
        .set_credential_status(
            &card,
            &CredentialStatusChange {
                status: Status::Revoked,
            },
        )
        .await
        .unwrap();
    let opened = bank.open_share(&late.code).await.unwrap();
    assert_eq!(opened.verdict, Verdict::Revoked);
    let uses = person.data_uses(None).await.unwrap().items;
    assert!(uses
        .iter()
        .any(|u| u.action == "share-opened" && u.outcome == UseOutcome::Failed));
}

#[tokio::test]
async fn an_opened_share_is_not_cached_guessing_codes_is_limited_and_the_export_holds_the_shares() {
    let server = AuthServer::on_sqlite(|_| {}).await;
    server.clock.set(THURSDAY_10AM);
    let (person, mut wallet, device, _) = holder(&server, "13900000044", "19580303", 44).await;
    let first = share(&person, &mut wallet, &device, 60).await;
    let second = share(&person, &mut wallet, &device, 60).await;
    let open = |code: &str| reqwest::get(server.url(&format!("/shares/{code}")));

    // What the organisation's browser is given is kept by no cache on the way.
    let r = open(&first.code).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");

    // Guessing: 20 unknown codes from one address, then even a real code is refused there
    // until the window has passed.
    for n in 0..20 {
        let r = open(&format!("ABCDE-FG{n:03}")).await.unwrap();
        assert_eq!(r.status(), 404, "miss {n}");
    }
    let r = open(&second.code).await.unwrap();
    assert_eq!(r.status(), 429, "the 21st try from the address");
    assert!(r.headers().contains_key("retry-after"));
    let again = person.shares().await.unwrap().items;
    assert!(
        again
            .iter()
            .any(|s| s.id == second.share.id && s.state == ShareState::Waiting),
        "a refused try does not use the share up"
    );
    server.clock.set(THURSDAY_10AM + 15 * 60 + 1);
    let r = open(&second.code).await.unwrap();
    assert_eq!(r.status(), 200, "after the window");

    // The person's export lists both shares, with the organisation and where each stands,
    // and no code.
    let export = person.data_export().await.unwrap();
    let mut kept: Vec<_> = export
        .shares
        .iter()
        .map(|s| (s.id.clone(), s.organisation.clone(), s.state))
        .collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (
            first.share.id.clone(),
            "西湖区某物业".to_owned(),
            ShareState::Opened,
        ),
        (
            second.share.id.clone(),
            "西湖区某物业".to_owned(),
            ShareState::Opened,
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(kept, expected);
    let text = serde_json::to_string(&export).unwrap();
    assert!(!text.contains(&first.code) && !text.contains(&second.code));
}
