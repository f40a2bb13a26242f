//! Search latency over a synthetic 10,000-matter catalog in wasm, in headless Chromium.
//! Ignored in the test suite; `cargo xtask bench` runs it in release (target: p95 ≤ 5 ms).
#![cfg(target_arch = "wasm32")]

use tongban_core::search::SearchIndex;
use tongban_core::synthetic;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
fn search_latency_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let started = performance.now();
    let (synonyms, places) = synthetic::demo_vocabulary();
    let index = SearchIndex::new(
        synthetic::documents(10_000),
        &synonyms,
        &places,
        Default::default(),
    );
    let build_ms = performance.now() - started;
    let timing = synthetic::time_queries(&index, || performance.now());
    console_log!("BENCH wasm search over 10000 matters: {timing}; index build {build_ms:.1} ms");
}
