//! Certificates issued, shown and verified — run natively (`credential.rs`) and in wasm32
//! (`wasm.rs`): every presentation verifies; a changed claim, another holder's key, an old
//! presentation, another audience, an expired, revoked or suspended certificate are each
//! refused with their verdict; what is not disclosed is nowhere in the presentation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use tongban_core::credential::jws::{Es256Key, Signer};
use tongban_core::credential::status::{self, CheckedList, Status};
use tongban_core::credential::{
    issue, present, status_index, verify, CredentialKind, Invalid, Issue, Preset, Trust, Verdict,
};

const ISSUER: &str = "https://tongban.example/api/v1/issuers/330100-ga";
const LIST: &str = "https://tongban.example/api/v1/issuers/330100-ga/status";
const NOW: i64 = 1_796_263_200;
const AUDIENCE: &str = "tongban-verify";

fn key(byte: u8, kid: Option<&str>) -> Es256Key {
    Es256Key::from_secret(&[byte; 32], kid.map(str::to_owned)).unwrap()
}

fn id_card_claims() -> Map<String, Value> {
    serde_json::from_value(json!({
        "name": "钱老伯",
        "id_number": "330106194001010015",
        "birth_date": "1940-01-01",
        "age_over_18": true,
        "age_over_60": true,
        "household_region": "330106",
    }))
    .unwrap()
}

async fn issued(holder: &Es256Key, issuer: &Es256Key, exp: i64, idx: u64) -> String {
    issue(
        Issue {
            kind: CredentialKind::ResidentIdCard,
            issuer: ISSUER,
            claims: id_card_claims(),
            holder_jwk: holder.public_jwk(),
            iat: NOW - 86_400,
            exp: Some(exp),
            status: Some((idx, LIST.into())),
        },
        issuer,
    )
    .await
    .unwrap()
}

fn list(issuer: &Es256Key, statuses: &[Status]) -> CheckedList {
    let token = status::token(LIST, statuses, NOW - 600, 3_600, issuer).unwrap();
    CheckedList::check(&token, &[issuer.public_jwk()]).expect("the issuer's own list")
}

fn check(presentation: &str, issuer: &Es256Key, lists: &[CheckedList], now: i64) -> Verdict {
    let issuers = [(ISSUER.to_owned(), vec![issuer.public_jwk()])];
    verify(
        presentation,
        &Trust {
            issuers: &issuers,
            lists,
            now,
            audience: AUDIENCE,
            max_age: 300,
        },
    )
}

/// Every base64url segment of a presentation, decoded where it decodes, with the raw text.
fn everything_in(presentation: &str) -> String {
    let mut all = presentation.to_owned();
    for part in presentation.split(['~', '.']) {
        if let Ok(bytes) = URL_SAFE_NO_PAD.decode(part) {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    all
}

pub async fn a_presentation_verifies_and_shows_only_what_was_chosen() {
    let (issuer, holder) = (key(7, Some("ga-1")), key(9, None));
    let credential = issued(&holder, &issuer, NOW + 86_400 * 365, 3).await;
    let lists = [list(&issuer, &[Status::Valid; 8])];
    let shown = present(
        &credential,
        Preset::AgeOver60.claims(),
        AUDIENCE,
        "n-1",
        NOW,
        &holder,
    )
    .await
    .unwrap();
    let Verdict::Valid {
        kind,
        issuer: iss,
        claims,
        status_checked_at,
    } = check(&shown, &issuer, &lists, NOW + 30)
    else {
        panic!("{:?}", check(&shown, &issuer, &lists, NOW + 30))
    };
    assert_eq!(kind, Some(CredentialKind::ResidentIdCard));
    assert_eq!(iss, ISSUER);
    assert_eq!(Value::Object(claims), json!({ "age_over_60": true }));
    assert_eq!(status_checked_at, Some(NOW - 600));
    // Its status-list index names the certificate (the server finds its holder by it),
    // though no identifying claim was disclosed; what is no presentation has none.
    assert_eq!(status_index(&shown), Some(3));
    assert_eq!(status_index(&format!("  {shown}\n")), Some(3));
    assert_eq!(status_index("not a presentation"), None);
    // Nothing undisclosed anywhere in what is shown: not the name, the number or the region.
    let all = everything_in(&shown);
    for secret in ["钱老伯", "330106194001010015", "1940-01-01", "330106"] {
        assert!(!all.contains(secret), "{secret} is in the presentation");
    }
    // Identity: name and number, nothing else.
    let identity = present(
        &credential,
        Preset::Identity.claims(),
        AUDIENCE,
        "n-2",
        NOW,
        &holder,
    )
    .await
    .unwrap();
    let Verdict::Valid { claims, .. } = check(&identity, &issuer, &lists, NOW) else {
        panic!("identity presentation refused")
    };
    let mut names: Vec<&String> = claims.keys().collect();
    names.sort();
    assert_eq!(names, ["id_number", "name"]);
    // Offline with no list cached: valid, status not known.
    let Verdict::Valid {
        status_checked_at, ..
    } = check(&identity, &issuer, &[], NOW)
    else {
        panic!("refused without a list")
    };
    assert_eq!(status_checked_at, None);
}

pub async fn each_wrong_presentation_gets_its_verdict() {
    let (issuer, holder, thief) = (key(7, Some("ga-1")), key(9, None), key(11, None));
    let credential = issued(&holder, &issuer, NOW + 86_400, 3).await;
    let lists = [list(&issuer, &[Status::Valid; 8])];
    let shown = present(&credential, &["name"], AUDIENCE, "n", NOW, &holder)
        .await
        .unwrap();

    // A changed claim: a disclosure for another name, with its own salt.
    let (issuer_jwt, rest) = shown.split_once('~').unwrap();
    let forged = URL_SAFE_NO_PAD.encode(r#"["c2FsdHNhbHQ","name","张三"]"#);
    let kb = rest.rsplit_once('~').unwrap().1;
    let tampered = format!("{issuer_jwt}~{forged}~{kb}");
    assert_eq!(
        check(&tampered, &issuer, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::Tampered
        }
    );
    // The same, re-bound by a thief's key: the certificate is bound to the holder's.
    let stolen = present(&credential, &["name"], AUDIENCE, "n", NOW, &thief)
        .await
        .unwrap();
    assert_eq!(
        check(&stolen, &issuer, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::WrongHolder
        }
    );
    // Without a key binding at all (the issued form, copied).
    assert_eq!(
        check(&credential, &issuer, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::WrongHolder
        }
    );
    // A changed payload of the issuer's JWT.
    let mut segments: Vec<String> = issuer_jwt.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&segments[1]).unwrap()).unwrap();
    payload["exp"] = json!(NOW + 86_400 * 3_650);
    segments[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let resigned = format!("{}~{rest}", segments.join("."));
    assert_eq!(
        check(&resigned, &issuer, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::BadSignature
        }
    );
    // Another issuer's key, and an issuer nobody trusts.
    let other = key(13, Some("x"));
    assert_eq!(
        check(&shown, &other, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::BadSignature
        }
    );
    let issuers: [(String, Vec<Value>); 0] = [];
    let unknown = verify(
        &shown,
        &Trust {
            issuers: &issuers,
            lists: &lists,
            now: NOW,
            audience: AUDIENCE,
            max_age: 300,
        },
    );
    assert_eq!(
        unknown,
        Verdict::Invalid {
            reason: Invalid::UnknownIssuer
        }
    );
    // Made for another audience.
    let elsewhere = present(&credential, &["name"], "someone-else", "n", NOW, &holder)
        .await
        .unwrap();
    assert_eq!(
        check(&elsewhere, &issuer, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::WrongAudience
        }
    );
    // Shown ten minutes ago (a screenshot of the QR), and a certificate past its date.
    assert_eq!(
        check(&shown, &issuer, &lists, NOW + 600),
        Verdict::Expired { presentation: true }
    );
    let old = issued(&holder, &issuer, NOW - 1, 3).await;
    let old = present(&old, &["name"], AUDIENCE, "n", NOW, &holder)
        .await
        .unwrap();
    assert_eq!(
        check(&old, &issuer, &lists, NOW),
        Verdict::Expired {
            presentation: false
        }
    );
    // Revoked and suspended by the issuer's list.
    let mut statuses = [Status::Valid; 8];
    statuses[3] = Status::Revoked;
    assert_eq!(
        check(&shown, &issuer, &[list(&issuer, &statuses)], NOW),
        Verdict::Revoked
    );
    statuses[3] = Status::Suspended;
    assert_eq!(
        check(&shown, &issuer, &[list(&issuer, &statuses)], NOW),
        Verdict::Suspended
    );
    // A list not signed by the issuer is not believed.
    let fake = status::token(LIST, &[Status::Valid; 8], NOW, 3_600, &other).unwrap();
    assert!(CheckedList::check(&fake, &[issuer.public_jwk()]).is_none());
    // Garbage.
    assert_eq!(
        check("not a presentation", &issuer, &lists, NOW),
        Verdict::Invalid {
            reason: Invalid::Malformed
        }
    );
}

/// A QR shown in person checked against a verifier's cached trust bundle: valid with the
/// list's age; revoked once the issuer's list says so; a list not signed by the issuer is not
/// believed (status unknown); older than `SHOW_MAX_AGE` or made for another audience is refused.
pub async fn a_shown_qr_is_checked_against_the_cached_bundle() {
    use tongban_core::catalog::DepartmentRef;
    use tongban_core::credential::{held_claims, show, TrustBundle, TrustedIssuer, SHOW_MAX_AGE};

    let holder = key(7, None);
    let issuer = key(9, Some("330100-ga-1"));
    let stranger = key(11, Some("other"));
    let credential = issued(&holder, &issuer, NOW + 86_400 * 30, 3).await;
    let bundle = |list_signer: &Es256Key, statuses: &[Status]| TrustBundle {
        made_at: NOW - 600,
        issuers: vec![TrustedIssuer {
            issuer: ISSUER.into(),
            department: DepartmentRef {
                id: "330100-ga".into(),
                name: Default::default(),
            },
            keys: vec![issuer.public_jwk()],
            status_list: status::token(LIST, statuses, NOW - 600, 3_600, list_signer).unwrap(),
        }],
    };
    let mut statuses = vec![Status::Valid; 8];

    let held = held_claims(&credential).expect("the holder reads their certificate");
    assert_eq!(held.get("name"), Some(&json!("钱老伯")));
    assert!(held.get("iss").is_none() && held.get("cnf").is_none());

    let qr = show(&credential, Preset::Identity.claims(), "n-1", NOW, &holder)
        .await
        .unwrap();
    match bundle(&issuer, &statuses).verify_shown(&qr, NOW + 30) {
        Verdict::Valid {
            claims,
            status_checked_at,
            ..
        } => {
            assert_eq!(claims.len(), 2, "{claims:?}");
            assert_eq!(claims.get("id_number"), Some(&json!("330106194001010015")));
            assert_eq!(status_checked_at, Some(NOW - 600));
        }
        other => panic!("a fresh QR is valid: {other:?}"),
    }
    assert!(!everything_in(&qr).contains("1940-01-01"));
    assert_eq!(
        bundle(&issuer, &statuses)
            .department(ISSUER)
            .map(|d| d.id.as_str()),
        Some("330100-ga")
    );

    // A list someone else signed is not the issuer's word: valid signature, status unknown.
    statuses[3] = Status::Revoked;
    match bundle(&stranger, &statuses).verify_shown(&qr, NOW + 30) {
        Verdict::Valid {
            status_checked_at, ..
        } => assert_eq!(status_checked_at, None),
        other => panic!("a forged list is ignored: {other:?}"),
    }
    assert_eq!(
        bundle(&issuer, &statuses).verify_shown(&qr, NOW + 30),
        Verdict::Revoked
    );
    statuses[3] = Status::Valid;
    assert_eq!(
        bundle(&issuer, &statuses).verify_shown(&qr, NOW + SHOW_MAX_AGE + 1),
        Verdict::Expired { presentation: true }
    );
    let online = present(&credential, &["name"], AUDIENCE, "n-2", NOW, &holder)
        .await
        .unwrap();
    assert_eq!(
        bundle(&issuer, &statuses).verify_shown(&online, NOW + 30),
        Verdict::Invalid {
            reason: Invalid::WrongAudience
        }
    );
}

/// 免提交: a presentation made for one draft's application verifies for it, with what the
/// paper shows and not the age elements; for another draft, or a month old, it is refused; one
/// shown as a QR is not one for an application.
pub async fn a_presentation_for_an_application_serves_that_draft_only() {
    use tongban_core::catalog::DepartmentRef;
    use tongban_core::credential::{
        document_claims, held_claims, present_for_application, show, TrustBundle, TrustedIssuer,
        APPLY_MAX_AGE,
    };

    let holder = key(7, None);
    let issuer = key(9, Some("330100-ga-1"));
    let credential = issued(&holder, &issuer, NOW + 86_400 * 400, 1).await;
    let bundle = TrustBundle {
        made_at: NOW,
        issuers: vec![TrustedIssuer {
            issuer: ISSUER.into(),
            department: DepartmentRef {
                id: "330100-ga".into(),
                name: Default::default(),
            },
            keys: vec![issuer.public_jwk()],
            status_list: status::token(LIST, &[Status::Valid; 4], NOW, 3_600, &issuer).unwrap(),
        }],
    };
    let held = held_claims(&credential).unwrap();
    let claims = document_claims(&held);
    assert!(claims.contains(&"id_number") && claims.contains(&"birth_date"));
    assert!(
        !claims.iter().any(|c| c.starts_with("age_over_")),
        "{claims:?}"
    );

    let presented = present_for_application(&credential, &claims, "draft-1", NOW, &holder)
        .await
        .unwrap();
    match bundle.verify_for_application(&presented, "draft-1", NOW + 86_400) {
        Verdict::Valid { claims, .. } => {
            assert_eq!(claims.get("household_region"), Some(&json!("330106")));
            assert!(claims.get("age_over_60").is_none(), "{claims:?}");
        }
        other => panic!("made for this draft: {other:?}"),
    }
    assert_eq!(
        bundle.verify_for_application(&presented, "draft-2", NOW + 60),
        Verdict::Invalid {
            reason: Invalid::WrongAudience
        },
        "another application cannot reuse it"
    );
    assert_eq!(
        bundle.verify_for_application(&presented, "draft-1", NOW + APPLY_MAX_AGE + 1),
        Verdict::Expired { presentation: true }
    );
    let qr = show(&credential, &claims, "draft-1", NOW, &holder)
        .await
        .unwrap();
    assert_eq!(
        bundle.verify_for_application(&qr, "draft-1", NOW + 60),
        Verdict::Invalid {
            reason: Invalid::WrongAudience
        },
        "a QR shown in person is not an application's"
    );
    assert!(matches!(
        bundle.verify_shown(&presented, NOW + 60),
        Verdict::Invalid {
            reason: Invalid::WrongAudience
        }
    ));
}
