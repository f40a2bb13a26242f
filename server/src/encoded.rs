//! A public JSON document kept ready to send: its bytes, their brotli and gzip forms (made once,
//! at a higher quality than on-the-fly compression can afford) and a strong ETag. Sent by what
//! the client accepts, `304` when its copy is current.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::Write;

/// Public catalog data: any cache may keep it, but must check it is still current.
pub const PUBLIC_REVALIDATE: HeaderValue = HeaderValue::from_static("public, no-cache");

pub struct Encoded {
    pub etag: HeaderValue,
    identity: Bytes,
    br: Bytes,
    gzip: Bytes,
}

impl Encoded {
    /// Compresses `json` (CPU-bound: call it off the async threads for large documents).
    /// `tag` goes into the ETag before the content hash (the catalog version, say).
    pub fn new(tag: &str, json: Vec<u8>) -> Self {
        // Quality 9 with a 4 MiB window: within a few percent of 11 at a fraction of the time.
        Self::with_levels(tag, json, 9, 9)
    }

    /// As `new`, at brotli quality `br` and gzip level `gzip` (for answers kept that are many
    /// and small, where the highest levels cost more than they save).
    pub fn with_levels(tag: &str, json: Vec<u8>, br_quality: u32, gzip_level: u32) -> Self {
        let etag = etag(tag, &json);
        let mut br = Vec::with_capacity(json.len() / 4);
        {
            // A window no bigger than the document (at least 2^18: below that brotli's higher
            // qualities set up far slower), at most 4 MiB: a small answer's compressor holds
            // less memory.
            let bits = (usize::BITS - json.len().leading_zeros()).clamp(18, 22);
            let mut writer = brotli::CompressorWriter::new(&mut br, 64 * 1024, br_quality, bits);
            writer.write_all(&json).expect("writing to memory");
        }
        let mut gzip = flate2::write::GzEncoder::new(
            Vec::with_capacity(json.len() / 4),
            flate2::Compression::new(gzip_level),
        );
        gzip.write_all(&json).expect("writing to memory");
        let gzip = gzip.finish().expect("writing to memory");
        Self {
            etag,
            identity: json.into(),
            br: br.into(),
            gzip: gzip.into(),
        }
    }

    /// The document for this request: `304` if `If-None-Match` names it, else the best encoding
    /// the client accepts (brotli, gzip, none).
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let (encoding, body) = match accepted(request) {
            Some(Coding::Br) => (Some("br"), self.br.clone()),
            Some(Coding::Gzip) => (Some("gzip"), self.gzip.clone()),
            None => (None, self.identity.clone()),
        };
        validated(request, self.etag.clone(), true, encoding, body)
    }
}

/// A public JSON document made for this request, under the ETag it has when kept (`tag` and
/// its bytes): `304` if the client's copy is current, else the bytes, which the compression
/// layer compresses on the way out for clients that accept it.
pub fn respond_fresh(request: &HeaderMap, tag: &str, json: Vec<u8>) -> Response {
    validated(request, etag(tag, &json), false, None, json.into())
}

/// `304` under `etag` if `If-None-Match` names it, else `body` (in `encoding`, if one). `vary`
/// for the forms chosen here by `Accept-Encoding`.
fn validated(
    request: &HeaderMap,
    etag: HeaderValue,
    vary: bool,
    encoding: Option<&'static str>,
    body: Bytes,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, PUBLIC_REVALIDATE);
    if vary {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if is_current(request, &etag) {
        headers.insert(header::ETAG, etag);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    (headers, body).into_response()
}

/// The strong ETag of a document: `tag` (the catalog version, say) and a hash of its bytes.
fn etag(tag: &str, json: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "\"{tag}-{:016x}\"",
        xxhash_rust::xxh3::xxh3_64(json)
    ))
    .expect("an ETag of ASCII")
}

/// Whether the request's `If-None-Match` names `etag` (or `*`): the client's copy is current.
fn is_current(request: &HeaderMap, etag: &HeaderValue) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Br,
    Gzip,
}

/// The coding to send under `Accept-Encoding` (RFC 9110 §12.5.3): brotli before gzip at equal
/// weight, nothing for a coding given `q=0`.
fn accepted(request: &HeaderMap) -> Option<Coding> {
    let mut best: Option<(Coding, u16)> = None;
    let mut wildcard = None;
    let mut named = Vec::new();
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(1000, quality);
            match name.as_str() {
                "br" => named.push((Coding::Br, q)),
                "gzip" | "x-gzip" => named.push((Coding::Gzip, q)),
                "*" => wildcard = Some(q),
                _ => {}
            }
        }
    }
    for coding in [Coding::Br, Coding::Gzip] {
        let q = named
            .iter()
            .find(|(c, _)| *c == coding)
            .map(|(_, q)| *q)
            .or(wildcard)
            .unwrap_or(0);
        if q > 0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((coding, q));
        }
    }
    best.map(|(c, _)| c)
}

/// A quality value in thousandths (`0.5` → 500); anything unreadable counts as 0.
fn quality(text: &str) -> u16 {
    text.trim()
        .parse::<f32>()
        .ok()
        .filter(|q| (0.0..=1.0).contains(q))
        .map_or(0, |q| (q * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    #[test]
    fn negotiates_like_rfc_9110() {
        assert_eq!(
            accepted(&headers("gzip, deflate, br, zstd")),
            Some(Coding::Br)
        );
        assert_eq!(accepted(&headers("gzip")), Some(Coding::Gzip));
        assert_eq!(accepted(&headers("br;q=0.5, gzip")), Some(Coding::Gzip));
        assert_eq!(accepted(&headers("br;q=0, gzip;q=0")), None);
        assert_eq!(accepted(&headers("*")), Some(Coding::Br));
        assert_eq!(accepted(&headers("*;q=0.2, br;q=0")), Some(Coding::Gzip));
        assert_eq!(accepted(&headers("identity")), None);
        assert_eq!(accepted(&HeaderMap::new()), None);
        assert_eq!(
            accepted(&headers("br;q=abc, gzip;q=0.1")),
            Some(Coding::Gzip)
        );
    }

    #[test]
    fn every_form_decodes_to_the_document() {
        let json = br#"{"items":["a","b"]}"#.repeat(50);
        let doc = Encoded::new("v1", json.clone());
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &doc.br[..], &mut out).unwrap();
        assert_eq!(out, json);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&doc.gzip[..]), &mut out)
            .unwrap();
        assert_eq!(out, json);
        assert!(doc.br.len() < json.len() / 4);
        // The ETag names the bytes: the same document, the same tag; another, another.
        assert_eq!(Encoded::new("v1", json.clone()).etag, doc.etag);
        assert_ne!(Encoded::new("v1", b"{}".to_vec()).etag, doc.etag);
        let mut h = headers("br");
        h.insert(header::IF_NONE_MATCH, doc.etag.clone());
        assert_eq!(doc.respond(&h).status(), StatusCode::NOT_MODIFIED);
        let sent = doc.respond(&headers("gzip"));
        assert_eq!(sent.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(sent.headers()[header::VARY], "accept-encoding");
    }
}
