//! The relevance table: what citizens type — words, sentences with fillers, places, family words,
//! typos, pinyin with and without tones, Chinese mixed with pinyin, English — and the matter that
//! must come in the top 3, over the real demo catalog. At least 95 % must, and no query with a
//! meaningful word may come back empty. (Needs the `pinyin` feature, on in the workspace build
//! through the server.)
#![cfg(feature = "pinyin")]

use serde::Deserialize;
use tongban_core::catalog::{parse_catalog, CatalogIndex};
use tongban_core::search::SearchFilter;

#[derive(Deserialize)]
struct Case {
    query: String,
    expected: String,
}

#[test]
fn citizens_queries_find_the_expected_matter_in_the_top_three() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let catalog = parse_catalog(&std::fs::read_to_string(root.join("catalog.json")).unwrap())
        .expect("valid catalog");
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(root.join("relevance.json")).unwrap())
            .unwrap();
    assert!(cases.len() >= 250, "only {} relevance cases", cases.len());
    for case in &cases {
        assert!(
            catalog.matters.iter().any(|m| m.code == case.expected),
            "{:?} expects {}, which the catalog does not have",
            case.query,
            case.expected
        );
    }
    let index = CatalogIndex::from_catalog(&catalog).search_index();
    let mut misses = Vec::new();
    let mut empty = Vec::new();
    for case in &cases {
        let results = index.search_explained(&case.query, &SearchFilter::default(), 3);
        if results.hits.is_empty() {
            empty.push(case.query.clone());
        }
        if !results.hits.iter().any(|h| h.code == case.expected) {
            let got: Vec<String> = results
                .hits
                .iter()
                .map(|h| {
                    let name = index.document(&h.code).map(|d| d.summary.name.zh.as_str());
                    format!("{} {} ({})", h.code, name.unwrap_or(""), h.score)
                })
                .collect();
            misses.push(format!(
                "{:?}: expected {} — got {:?}, not understood {:?}",
                case.query, case.expected, got, results.unmatched
            ));
        }
    }
    let found = cases.len() - misses.len();
    println!(
        "relevance: {found} of {} in the top 3 ({:.1} %), {} empty",
        cases.len(),
        100.0 * found as f64 / cases.len() as f64,
        empty.len()
    );
    assert!(empty.is_empty(), "queries with no result at all: {empty:?}");
    assert!(
        found * 100 >= cases.len() * 95,
        "{} of {} queries missed the top 3:\n{}",
        misses.len(),
        cases.len(),
        misses.join("\n")
    );
    for miss in &misses {
        println!("  miss: {miss}");
    }
}
