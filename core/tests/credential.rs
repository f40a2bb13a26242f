//! Certificates issued, shown and verified, natively (`wasm.rs` runs the same in wasm32).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/credential_cases.rs"]
mod cases;

#[tokio::test]
async fn a_presentation_verifies_and_shows_only_what_was_chosen() {
    cases::a_presentation_verifies_and_shows_only_what_was_chosen().await;
}

#[tokio::test]
async fn each_wrong_presentation_gets_its_verdict() {
    cases::each_wrong_presentation_gets_its_verdict().await;
}

#[tokio::test]
async fn a_shown_qr_is_checked_against_the_cached_bundle() {
    cases::a_shown_qr_is_checked_against_the_cached_bundle().await;
}

#[tokio::test]
async fn a_presentation_for_an_application_serves_that_draft_only() {
    cases::a_presentation_for_an_application_serves_that_draft_only().await;
}

/// What we issue is accepted by an independent, standards-conformant verifier (the OpenWallet
/// Foundation's `@sd-jwt/sd-jwt-vc`, installed by `cargo xtask test` and named in `SD_JWT_VC`),
/// disclosing what we disclosed and only that; a changed claim is refused by it too. And a
/// certificate that library issues and presents passes our verifier.
#[tokio::test]
async fn an_independent_implementation_agrees_with_ours_both_ways() {
    use serde_json::{json, Value};
    use tongban_core::credential::jws::{Es256Key, Signer};
    use tongban_core::credential::status::{self, Status};
    use tongban_core::credential::{issue, present, verify, CredentialKind, Issue, Trust, Verdict};

    let home = std::env::var("SD_JWT_VC")
        .expect("SD_JWT_VC names the @sd-jwt/sd-jwt-vc install: run `cargo xtask test`");
    let node = |input: Value| -> Value {
        use std::io::Write as _;
        let mut child = std::process::Command::new("node")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/sd-jwt-vc/verify.cjs"
            ))
            .env("NODE_PATH", format!("{home}/node_modules"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.to_string().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("node said {}", String::from_utf8_lossy(&out.stdout)))
    };
    const NOW: i64 = 1_796_263_200;
    let issuer = Es256Key::from_secret(&[7; 32], Some("ga-1".into())).unwrap();
    let holder = Es256Key::from_secret(&[9; 32], None).unwrap();
    let iss = "https://tongban.example/api/v1/issuers/330100-ga";
    let list_uri = format!("{iss}/status");
    let claims = serde_json::from_value(json!({
        "name": "钱老伯", "id_number": "330106194001010015", "age_over_60": true,
    }))
    .unwrap();
    let credential = issue(
        Issue {
            kind: CredentialKind::ResidentIdCard,
            issuer: iss,
            claims,
            holder_jwk: holder.public_jwk(),
            iat: NOW - 60,
            exp: Some(NOW + 86_400),
            status: Some((2, list_uri.clone())),
        },
        &issuer,
    )
    .await
    .unwrap();
    let shown = present(
        &credential,
        &["age_over_60"],
        "tongban-verify",
        "n-1",
        NOW,
        &holder,
    )
    .await
    .unwrap();
    let list = status::token(&list_uri, &[Status::Valid; 4], NOW - 60, 3_600, &issuer).unwrap();
    let theirs = node(json!({
        "presentation": shown, "issuer_jwk": issuer.public_jwk(), "status_list": list,
        "now": NOW, "nonce": "n-1",
    }));
    assert_eq!(theirs["ok"], json!(true), "{theirs}");
    assert_eq!(theirs["kb"], json!(true), "{theirs}");
    assert_eq!(theirs["claims"]["age_over_60"], json!(true), "{theirs}");
    assert!(theirs["claims"].get("name").is_none(), "{theirs}");
    // Revoked on the list: refused by them too.
    let mut revoked = [Status::Valid; 4];
    revoked[2] = Status::Revoked;
    let revoked = status::token(&list_uri, &revoked, NOW - 60, 3_600, &issuer).unwrap();
    let theirs = node(json!({
        "presentation": shown, "issuer_jwk": issuer.public_jwk(), "status_list": revoked,
        "now": NOW, "nonce": "n-1",
    }));
    assert_eq!(theirs["ok"], json!(false), "{theirs}");
    // Another key's signature: refused by them.
    let other = Es256Key::from_secret(&[13; 32], None).unwrap();
    let theirs = node(json!({
        "presentation": shown, "issuer_jwk": other.public_jwk(), "status_list": list,
        "now": NOW, "nonce": "n-1",
    }));
    assert_eq!(theirs["ok"], json!(false), "{theirs}");

    // The other way: their issuance and presentation, our verifier.
    let made = node(json!({ "issue": {
        "issuer_private_jwk": issuer.private_jwk(), "holder_private_jwk": holder.private_jwk(),
        "holder_jwk": holder.public_jwk(), "iss": iss, "iat": NOW,
        "vct": CredentialKind::MarriageCertificate.vct(),
        "claims": { "spouse_a": "钱老伯", "spouse_b": "孙阿婆", "registered_on": "1965-05-01" },
        "disclose": ["spouse_a", "spouse_b"], "aud": "tongban-verify", "nonce": "n-2",
    }}));
    let presentation = made["presentation"].as_str().expect("a presentation");
    let issuers = [(iss.to_owned(), vec![issuer.public_jwk()])];
    let verdict = verify(
        presentation,
        &Trust {
            issuers: &issuers,
            lists: &[],
            now: NOW + 10,
            audience: "tongban-verify",
            max_age: 300,
        },
    );
    let Verdict::Valid { kind, claims, .. } = verdict else {
        panic!("our verifier refused theirs: {verdict:?}")
    };
    assert_eq!(kind, Some(CredentialKind::MarriageCertificate));
    assert_eq!(claims.get("spouse_b"), Some(&json!("孙阿婆")));
    assert!(claims.get("registered_on").is_none());
}
