//! The app's HTTP stack, handed in by the shell: `HttpURLConnection` on Android (OkHttp inside,
//! the system's TLS and trust store, the app's network security config), `URLSession` on iOS.
//! The library carries no HTTP or TLS code of its own (it was reqwest, hyper, rustls, ring and
//! a copy of the web's root certificates: about a third of the library).

use std::fmt;
use std::sync::Arc;

use tongban_core::client::{self, Transport};

/// One request the core makes.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Lower-case names, in order; every one is to be sent.
    pub headers: Vec<HttpHeader>,
    /// The body to send, if any (its `content-type` is among the headers).
    pub body: Option<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

/// The server's answer, whatever its status (the core reads 4xx/5xx bodies for their error).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// No answer came: no network, refused, timed out or cut off.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    #[error("{detail}")]
    NoAnswer { detail: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::NoAnswer { detail: e.reason }
    }
}

/// The shell's HTTP client. It follows no redirects the API does not make, sends every header
/// it is given and hands back every status; it throws `TransportError` only when no answer came.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Core's transport, served by the shell's.
pub(crate) struct ShellTransport(pub Arc<dyn HttpTransport>);

impl fmt::Debug for ShellTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShellTransport")
    }
}

#[async_trait::async_trait]
impl Transport for ShellTransport {
    async fn exchange(&self, request: client::HttpRequest) -> Result<client::HttpResponse, String> {
        let request = HttpRequest {
            method: request.method.as_str().to_owned(),
            url: request.url,
            headers: request
                .headers
                .into_iter()
                .map(|(name, value)| HttpHeader { name, value })
                .collect(),
            body: request.body,
        };
        match self.0.exchange(request).await {
            Ok(response) => Ok(client::HttpResponse {
                status: response.status,
                body: response.body,
            }),
            Err(TransportError::NoAnswer { detail }) => Err(detail),
        }
    }
}

/// A shell with no network at all (tests, the warm-start bench).
#[doc(hidden)]
pub struct NoNetwork;

#[async_trait::async_trait]
impl HttpTransport for NoNetwork {
    async fn exchange(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::NoAnswer {
            detail: "no network".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tongban_core::api::ApiError;
    use tongban_core::auth::SessionSecretStore;
    use tongban_core::ApiClient;

    use super::*;

    /// A shell that answers from a script and writes down what it was asked.
    struct Scripted {
        asked: Mutex<Vec<HttpRequest>>,
        answer: Result<HttpResponse, TransportError>,
    }

    #[async_trait::async_trait]
    impl HttpTransport for Scripted {
        async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.asked.lock().unwrap().push(request);
            self.answer.clone()
        }
    }

    struct Token;
    impl SessionSecretStore for Token {
        fn load(&self) -> Option<String> {
            Some("t0ken".into())
        }
        fn save(&self, _token: &str) {}
        fn clear(&self) {}
    }

    fn client(answer: Result<HttpResponse, TransportError>) -> (ApiClient, Arc<Scripted>) {
        let shell = Arc::new(Scripted {
            asked: Mutex::default(),
            answer,
        });
        let api =
            ApiClient::with_transport("https://x.gov.cn/", Arc::new(ShellTransport(shell.clone())))
                .with_secret_store(Arc::new(Token))
                .in_host("zj");
        (api, shell)
    }

    #[test]
    fn the_shell_gets_the_whole_request_and_its_answer_is_read() {
        let (api, shell) = client(Ok(HttpResponse {
            status: 200,
            body: br#"{"items":[],"total":0}"#.to_vec(),
        }));
        let sessions = futures_executor::block_on(api.sessions()).unwrap();
        assert!(sessions.is_empty());
        futures_executor::block_on(api.revoke_session("a b")).unwrap();
        let asked = shell.asked.lock().unwrap();
        assert_eq!(asked[0].method, "GET");
        assert_eq!(asked[0].url, "https://x.gov.cn/api/v1/me/sessions");
        assert_eq!(asked[0].body, None);
        let header = |i: usize, name: &str| {
            asked[i]
                .headers
                .iter()
                .find(|h| h.name == name)
                .map(|h| h.value.clone())
        };
        assert_eq!(header(0, "authorization").as_deref(), Some("Bearer t0ken"));
        assert_eq!(header(0, "x-tongban-host").as_deref(), Some("zj"));
        assert_eq!(header(0, "accept").as_deref(), Some("application/json"));
        assert_eq!(asked[1].method, "DELETE");
        assert_eq!(asked[1].url, "https://x.gov.cn/api/v1/me/sessions/a%20b");
    }

    #[test]
    fn a_json_body_goes_with_its_type_and_a_refusal_is_the_servers_error() {
        let (api, shell) = client(Ok(HttpResponse {
            status: 429,
            body: br#"{"code":"rate-limited","detail":"slow down"}"#.to_vec(),
        }));
        let error = futures_executor::block_on(api.send_login_code("138 0013 8000")).unwrap_err();
        assert!(matches!(error, ApiError::RateLimited { .. }), "{error:?}");
        let asked = shell.asked.lock().unwrap();
        assert_eq!(asked[0].method, "POST");
        let body: serde_json::Value =
            serde_json::from_slice(asked[0].body.as_deref().unwrap()).unwrap();
        assert_eq!(body["phone"], "13800138000");
        assert!(asked[0]
            .headers
            .iter()
            .any(|h| h.name == "content-type" && h.value == "application/json"));
    }

    #[test]
    fn no_answer_is_a_network_error() {
        let (api, _) = client(Err(TransportError::NoAnswer {
            detail: "Unable to resolve host".into(),
        }));
        assert_eq!(
            futures_executor::block_on(api.me()).unwrap_err(),
            ApiError::Network {
                detail: "Unable to resolve host".into()
            }
        );
    }
}
