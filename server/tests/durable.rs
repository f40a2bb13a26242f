//! A reply to a write is sent once the write is on the disk: on SQLite every answered `POST`
//! (and a read that wrote its audit entry) waits for a sync of the database log, while a plain
//! read does not. (That nothing acknowledged is lost when the process is killed is
//! `faults.rs`; power loss cannot be tested here.)

mod support;

use support::forms::PHONE_A;
use tongban_core::auth::SessionSecretStore;

#[tokio::test]
async fn a_write_is_answered_after_the_log_is_synced_and_a_plain_read_waits_for_nothing() {
    let server = support::auth::AuthServer::on_sqlite(|_| {}).await;
    let syncs = || server.server.db().log_syncs();

    // A plain read: no sync.
    let before = syncs();
    let r = reqwest::get(server.url("/matters")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(syncs(), before, "a catalog read waited for a sync");

    // Writes (sending a code, logging in): each answered after a sync that began after it.
    let before = syncs();
    let (_api, secrets) = server.login(PHONE_A).await;
    assert!(
        syncs() >= before + 2,
        "sending the code and logging in: {} syncs",
        syncs() - before
    );

    // A read of the person's own data is audited: answered after its entry is synced.
    let token = secrets.load().unwrap();
    let before = syncs();
    let r = reqwest::Client::new()
        .get(server.url("/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        syncs(),
        before + 1,
        "an audited read did not wait for its entry"
    );

    // A refused write is answered after a sync too (it may have written its audit entry).
    let before = syncs();
    let r = reqwest::Client::new()
        .post(server.url("/drafts/x/changes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"op_id": ""}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(syncs(), before + 1);
}
