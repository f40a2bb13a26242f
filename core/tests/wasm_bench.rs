//! Search latency over a synthetic 10,000-matter catalog in wasm, in headless Chromium.
//! Ignored in the test suite; `cargo xtask bench` runs it in release (target: p95 ≤ 5 ms).
#![cfg(target_arch = "wasm32")]

use tongban_core::search::{SearchFilter, SearchIndex};
use tongban_core::synthetic;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
fn search_latency_in_the_browser() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    let started = performance.now();
    let index = SearchIndex::new(synthetic::documents(10_000), &[], Default::default());
    let build_ms = performance.now() - started;
    let filter = SearchFilter::default();
    let mut times = Vec::new();
    for round in 0..25 {
        for q in synthetic::QUERIES {
            let t = performance.now();
            let hits = index.search(q, &filter, 20);
            let elapsed = performance.now() - t;
            assert!(hits.len() <= 20);
            if round > 0 {
                times.push(elapsed);
            }
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    console_log!(
        "BENCH wasm search over 10000 matters: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms ({} queries); index build {:.1} ms",
        pct(0.5),
        pct(0.95),
        times[times.len() - 1],
        times.len(),
        build_ms
    );
}
