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
    let index = SearchIndex::new(documents, &[], Default::default());
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let filter = SearchFilter::default();
    let mut times = Vec::new();
    for round in 0..25 {
        for q in synthetic::QUERIES {
            let t = Instant::now();
            let hits = index.search(q, &filter, 20);
            let elapsed = t.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(hits);
            if round > 0 {
                times.push(elapsed);
            }
        }
    }
    if std::env::var_os("BENCH_DETAIL").is_some() {
        for q in synthetic::QUERIES {
            let t = Instant::now();
            for _ in 0..10 {
                std::hint::black_box(index.search(q, &filter, 20));
            }
            println!("  {q:<20} {:.3} ms", t.elapsed().as_secs_f64() * 1e2);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "BENCH native search over 10000 matters: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms ({} queries); index build {:.1} ms; index JSON {:.0} KiB",
        pct(0.5),
        pct(0.95),
        times[times.len() - 1],
        times.len(),
        build_ms,
        json.len() as f64 / 1024.0
    );
}
