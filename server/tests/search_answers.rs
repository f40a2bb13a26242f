//! Search answers carry a validator, and a query asked again is answered from the answer kept
//! for it — the same bytes once decoded, `304` for a client whose copy is current — until the
//! catalog changes.

mod support;

use std::io::Read;
use std::time::{Duration, Instant};

use support::start_on_sqlite;

struct Answer {
    status: u16,
    etag: Option<String>,
    encoding: Option<String>,
    /// As sent, and decoded.
    sent: Vec<u8>,
    json: Vec<u8>,
}

async fn ask(url: &str, accept: Option<&str>, current: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(url);
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    if let Some(etag) = current {
        request = request.header("if-none-match", etag);
    }
    let r = request.send().await.unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (status, etag, encoding) = (
        r.status().as_u16(),
        header("etag"),
        header("content-encoding"),
    );
    let sent = r.bytes().await.unwrap().to_vec();
    let mut json = Vec::new();
    match encoding.as_deref() {
        Some("br") => {
            brotli::Decompressor::new(&sent[..], 4096)
                .read_to_end(&mut json)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&sent[..])
                .read_to_end(&mut json)
                .unwrap();
        }
        None => json.clone_from(&sent),
        Some(other) => panic!("{url}: unexpected encoding {other}"),
    }
    Answer {
        status,
        etag,
        encoding,
        sent,
        json,
    }
}

fn codes(json: &[u8]) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(json).unwrap();
    value["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["matter"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_search_asked_again_is_the_same_answer_until_the_catalog_changes() {
    let (server, _db, _web) = start_on_sqlite().await;
    let base = server.base_url();
    let queries = [
        "q=%E6%88%91%E6%83%B3%E5%8A%9E%E7%A4%BE%E4%BF%9D%E5%8D%A1", // 我想办社保卡
        "q=shebaoka",
        "q=sfz&region=330100",
        "q=lost%20my%20job&limit=5",
        "q=%E8%BA%AB%E4%BB%BD%E8%AF%81&audience=person", // 身份证
    ];
    let mut first_answers = Vec::new();
    for query in queries {
        let url = format!("{base}/api/v1/search?{query}");
        let first = ask(&url, Some("br"), None).await;
        assert_eq!(first.status, 200, "{query}");
        assert!(!codes(&first.json).is_empty(), "{query}: nothing found");
        let etag = first.etag.clone().expect("a validator");
        // A client whose copy is current gets nothing again; one whose copy is not, the answer.
        let current = ask(&url, Some("br"), Some(&etag)).await;
        assert_eq!(current.status, 304, "{query}");
        assert!(current.sent.is_empty());
        let stale = ask(&url, Some("br"), Some("\"an-older-answer\"")).await;
        assert_eq!((stale.status, &stale.json), (200, &first.json), "{query}");

        // Asked again, the answer is kept (compressed harder, once): it arrives as other bytes
        // that decode to the same answer, under the same validator.
        let started = Instant::now();
        loop {
            let again = ask(&url, Some("br"), None).await;
            assert_eq!(again.status, 200);
            assert_eq!(again.json, first.json, "{query}: another answer");
            assert_eq!(again.etag.as_deref(), Some(etag.as_str()), "{query}");
            assert_eq!(again.encoding.as_deref(), Some("br"));
            if again.sent != first.sent {
                assert!(again.sent.len() <= first.sent.len(), "{query}: kept bigger");
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{query}: never kept"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The kept answer in every encoding, and 304 from it too.
        for accept in [None, Some("gzip")] {
            let kept = ask(&url, accept, None).await;
            assert_eq!(kept.json, first.json, "{query} {accept:?}");
            assert_eq!(kept.encoding.as_deref(), accept, "{query}");
        }
        assert_eq!(ask(&url, Some("gzip"), Some(&etag)).await.status, 304);
        first_answers.push((url, etag));
    }

    // Another catalog version: no kept answer outlives it.
    let catalog = support::import_smaller_catalog(&server, 10).await;
    let left: Vec<String> = catalog.matters.iter().map(|m| m.code.clone()).collect();
    for (url, etag) in first_answers {
        let started = Instant::now();
        loop {
            let now = ask(&url, Some("br"), Some(&etag)).await;
            if now.status == 200 {
                assert_ne!(now.etag.as_deref(), Some(etag.as_str()));
                assert!(
                    codes(&now.json).iter().all(|c| left.contains(c)),
                    "{url}: a matter of the old catalog"
                );
                break;
            }
            assert_eq!(now.status, 304, "{url}");
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{url}: the old answer kept"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    server.shutdown().await.unwrap();
}
