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
