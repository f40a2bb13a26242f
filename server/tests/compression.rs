//! The API's answers go compressed to clients that accept it — brotli first, gzip else — and
//! decode to exactly what an uncompressed answer carries; documents (images, PDFs) go as they are.

mod support;

use std::io::Read;

use support::forms::{ID_A, JPEG, PHONE_A};
use tongban_core::auth::SessionSecretStore;

async fn fetch(
    url: &str,
    token: Option<&str>,
    accept: Option<&str>,
) -> (Option<String>, Option<String>, Vec<u8>) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let r = request.send().await.unwrap();
    assert!(r.status().is_success(), "{url}: {}", r.status());
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let vary = r
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .reduce(|a, b| format!("{a}, {b}"));
    let encoding = header("content-encoding");
    (encoding, vary, r.bytes().await.unwrap().to_vec())
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn api_answers_are_compressed_for_clients_that_accept_it() {
    let server = support::auth::AuthServer::on_sqlite(|_| {}).await;
    for path in ["/catalog/index", "/matters", "/matters/330000-GA-0001"] {
        let url = server.url(path);
        let (encoding, _, plain) = fetch(&url, None, None).await;
        assert_eq!(encoding, None, "{path}: compressed although not asked");
        serde_json::from_slice::<serde_json::Value>(&plain).expect("plain JSON");

        let (encoding, vary, br) = fetch(&url, None, Some("gzip, deflate, br")).await;
        assert_eq!(
            encoding.as_deref(),
            Some("br"),
            "{path}: brotli is preferred"
        );
        assert!(
            vary.is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}: caches must keep the encodings apart"
        );
        assert_eq!(
            unbrotli(&br),
            plain,
            "{path}: brotli decodes to the same answer"
        );
        assert!(
            br.len() * 2 < plain.len(),
            "{path}: {} bytes brotli of {}",
            br.len(),
            plain.len()
        );

        let (encoding, _, gz) = fetch(&url, None, Some("gzip")).await;
        assert_eq!(encoding.as_deref(), Some("gzip"), "{path}: gzip otherwise");
        assert_eq!(
            ungzip(&gz),
            plain,
            "{path}: gzip decodes to the same answer"
        );
    }

    // A document is sent as it was stored: a photo is compressed already.
    let (api, secrets) = server.login(PHONE_A).await;
    api.verify_identity("张三", ID_A).await.unwrap();
    let stored = api.upload_material(JPEG.to_vec()).await.unwrap();
    let token = secrets.load().unwrap();
    let (encoding, _, bytes) = fetch(
        &server.url(&format!("/materials/{}", stored.object_id)),
        Some(&token),
        Some("br, gzip"),
    )
    .await;
    assert_eq!(encoding, None, "a photo is not compressed again");
    assert_eq!(bytes.len() as u64, stored.size);
}
