//! How long saving a draft takes in IndexedDB (encrypt + write + commit), in headless Chromium.
//! Ignored in the test suite; `cargo xtask bench` runs it in release.
#![cfg(target_arch = "wasm32")]

use tongban_core::draft::DeviceState;
use tongban_core::draft_store::DraftStore;
use tongban_core::form::Answer;
use tongban_web::idb::IdbDraftStore;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
async fn draft_save_latency_in_indexeddb() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let store = IdbDraftStore::new("bench");
    // A realistic device: three drafts of forty answers each, and their outbox.
    let mut state = DeviceState::new("device");
    for d in 0..3 {
        let id = format!("draft-{d}");
        state.create_draft(&id, "330000-GA-0001", format!("c{d}"), 0);
        for f in 0..40 {
            state.set_answer(
                &id,
                &format!("group.field_{f}"),
                Some(Answer::Text(format!("浙江省杭州市西湖区文三路 {f} 号"))),
                format!("o{d}-{f}"),
                0,
            );
        }
    }
    let mut times = Vec::new();
    for i in 0..200 {
        state.set_answer(
            "draft-0",
            "group.field_0",
            Some(Answer::Text(format!("第 {i} 次"))),
            format!("k{i}"),
            i,
        );
        let t = performance.now();
        store.save(&state).await.unwrap();
        times.push(performance.now() - t);
    }
    store.clear().await.unwrap();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let size = serde_json::to_vec(&state).unwrap().len();
    console_log!(
        "BENCH IndexedDB draft save ({} KiB state, AES-GCM): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} saves",
        size / 1024,
        p(0.5),
        p(0.95),
        times[times.len() - 1],
        times.len()
    );
}
