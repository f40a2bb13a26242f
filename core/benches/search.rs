//! Search latency over a synthetic 10,000-matter catalog, natively; and the index's size.
//! Run by `cargo xtask bench` (targets: p95 ≤ 1 ms native per query).

use std::time::Instant;

use tongban_core::search::{SearchFilter, SearchIndex};
use tongban_core::synthetic;

fn main() {
    let out_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out_dir).unwrap();
    #[cfg(feature = "pinyin")]
    {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog/catalog.json"),
        )
        .unwrap();
        let catalog = tongban_core::catalog::parse_catalog(&text).expect("valid demo catalog");
        let index = tongban_core::catalog::CatalogIndex::from_catalog(&catalog);
        std::fs::write(
            out_dir.join("demo-catalog-index.json"),
            serde_json::to_vec(&index).unwrap(),
        )
        .unwrap();
    }
    let documents = synthetic::documents(10_000);
    let json = serde_json::to_vec(&documents).unwrap();
    std::fs::write(out_dir.join("synthetic-10000-index.json"), &json).unwrap();
    let started = Instant::now();
    let (synonyms, places) = synthetic::demo_vocabulary();
    let index = SearchIndex::new(documents, &synonyms, &places, Default::default());
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let clock = Instant::now();
    let timing = synthetic::time_queries(&index, || clock.elapsed().as_secs_f64() * 1e3);
    if std::env::var_os("BENCH_DETAIL").is_some() {
        let filter = SearchFilter::default();
        for q in synthetic::QUERIES {
            let t = Instant::now();
            for _ in 0..10 {
                std::hint::black_box(index.search(q, &filter, 20));
            }
            println!("  {q:<20} {:.3} ms", t.elapsed().as_secs_f64() * 1e2);
        }
    }
    println!(
        "BENCH native search over 10000 matters: {timing}; index build {build_ms:.1} ms; index JSON {:.0} KiB",
        json.len() as f64 / 1024.0
    );
}
