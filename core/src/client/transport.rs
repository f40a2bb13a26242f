//! How the API client's requests travel: one small trait, so that each shell brings its
//! platform's HTTP stack. The browser and the server's tests use reqwest (fetch in wasm, hyper
//! natively: feature `reqwest`, on by default); the native apps hand in their platform's own
//! (OkHttp/`HttpURLConnection` on Android, `URLSession` on iOS), which already has the system's
//! TLS and certificate store, so the library they ship carries no second TLS stack.

use std::fmt::Debug;
use std::sync::Arc;

/// The methods the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// One request as the client made it: the session, host and mandate headers already attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names in lower case, in the order they were added.
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// The server's answer: its status and the body's bytes (any status; the client maps them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends one request and returns the server's answer, whatever its status. `Err` is for a
/// request that got no answer (no network, refused, timed out, cut off), with what the platform
/// said. Implementations are shared across threads (the web's reactive store holds the client
/// too); only in the browser are the futures not `Send` (fetch).
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
pub trait Transport: Send + Sync + Debug {
    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, String>;
}

/// A transport as the client holds it.
pub type SharedTransport = Arc<dyn Transport>;

/// reqwest: fetch in the browser (the page's cookies go with same-origin requests), hyper with
/// rustls natively.
#[cfg(feature = "reqwest")]
#[derive(Clone, Debug, Default)]
pub struct Reqwest {
    http: reqwest::Client,
}

#[cfg(feature = "reqwest")]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
impl Transport for Reqwest {
    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, String> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.http.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        Ok(HttpResponse {
            status,
            body: body.to_vec(),
        })
    }
}
