//! The web's draft store (IndexedDB + WebCrypto) against the one draft-store contract, in
//! headless Chromium.
#![cfg(target_arch = "wasm32")]

use tongban_core::draft_store::{contract, DraftStore};
use tongban_web::idb::IdbDraftStore;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn indexeddb_keeps_the_draft_store_contract() {
    contract::run(|| IdbDraftStore::new("account-contract")).await;
}

#[wasm_bindgen_test]
async fn drafts_are_encrypted_at_rest_and_accounts_are_apart() {
    use tongban_core::draft::DeviceState;
    let a = IdbDraftStore::new("account-a");
    let b = IdbDraftStore::new("account-b");
    let mut state = DeviceState::new("d");
    state.create_draft("x", "f", "op".into(), 0);
    state.set_answer(
        "x",
        "applicant.name",
        Some(tongban_core::form::Answer::Text("独一无二的名字".into())),
        "op2".into(),
        0,
    );
    a.save(&state).await.unwrap();
    assert_eq!(
        b.load().await.unwrap(),
        None,
        "another account sees nothing"
    );
    // What IndexedDB holds is ciphertext: the name is nowhere in it.
    let raw = raw_record("account-a").await;
    assert!(!raw.contains("独一无二"), "stored in the clear: {raw}");
    assert!(raw.contains("iv") && raw.contains("data"), "{raw}");
    // Logging out clears data and key.
    a.clear().await.unwrap();
    assert_eq!(a.load().await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn the_typing_journal_is_sealed_kept_twice_and_the_newer_copy_is_read() {
    use tongban_core::draft_journal::Journal;
    use tongban_core::form::Answer;
    let store = IdbDraftStore::new("account-journal");
    let key = store.journal_key().await.unwrap();
    assert_eq!(
        store.journal_key().await.unwrap(),
        key,
        "one key per account, kept"
    );
    let mut journal = Journal::default();
    journal.record_answer(
        "d",
        "f",
        "applicant.name",
        Some(Answer::Text("独一无二的名字".into())),
    );
    assert!(tongban_web::journal::write(
        "account-journal",
        &key,
        &journal
    ));
    let local = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("tongban.journal.account-journal")
        .unwrap()
        .expect("written synchronously");
    assert!(
        !local.contains("独一无二") && !local.contains("applicant"),
        "{local}"
    );
    assert_eq!(
        tongban_web::journal::read("account-journal", &key).await,
        journal
    );
    // localStorage lost (a killed browser): the IndexedDB copy still has it.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .remove_item("tongban.journal.account-journal")
        .unwrap();
    let mut later = journal.clone();
    later.record_answer(
        "d",
        "f",
        "applicant.name",
        Some(Answer::Text("改过的名字".into())),
    );
    assert!(tongban_web::journal::write("account-journal", &key, &later));
    // An older copy in localStorage loses to the newer one.
    let mut stale = Journal::default();
    stale.record_answer("d", "f", "x", None);
    let sealed: String = stale
        .seal(&key, [1; 12])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item("tongban.journal.account-journal", &sealed)
        .unwrap();
    // Let the IndexedDB copy land.
    let mut read = tongban_web::journal::read("account-journal", &key).await;
    for _ in 0..50 {
        if read == later {
            break;
        }
        let wait = js_sys::Promise::new(&mut |ok, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&ok, 20)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(wait).await.unwrap();
        read = tongban_web::journal::read("account-journal", &key).await;
    }
    assert_eq!(read, later);
    store.clear().await.unwrap();
    tongban_web::journal::clear("account-journal");
    assert_eq!(
        tongban_web::journal::read("account-journal", &key).await,
        Journal::default()
    );
}

/// The stored record as text (its byte arrays decoded leniently), read past the store.
async fn raw_record(account: &str) -> String {
    use wasm_bindgen::JsCast;
    let script = format!(
        "return new Promise((ok, fail) => {{
           const r = indexedDB.open('tongban');
           r.onsuccess = () => {{
             const g = r.result.transaction('drafts').objectStore('drafts').get('{account}');
             g.onsuccess = () => ok(Object.keys(g.result).join(',') + ':' + new TextDecoder().decode(g.result.data));
             g.onerror = fail;
           }};
           r.onerror = fail;
         }});"
    );
    let f = js_sys::Function::new_no_args(&script);
    let promise: js_sys::Promise = f
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap()
        .dyn_into()
        .unwrap();
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .unwrap()
        .as_string()
        .unwrap()
}
