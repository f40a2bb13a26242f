//! Sending login codes. Production sends through an SMS gateway over HTTP; development writes
//! the code to the server log (the phone masked, as everywhere in logs).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tongban_core::identity::mask_mobile;

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Something that delivers a login code to a phone.
pub trait CodeSender: Send + Sync + 'static {
    fn send<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a>;
}

/// The development sender: the code goes to the server log, and is kept in memory for tests.
#[derive(Clone, Default)]
pub struct DevLogSender {
    last: Arc<Mutex<HashMap<String, String>>>,
}

impl DevLogSender {
    /// The last code sent to this phone, if any.
    pub fn last_code(&self, phone: &str) -> Option<String> {
        self.last.lock().ok()?.get(phone).cloned()
    }
}

impl CodeSender for DevLogSender {
    fn send<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::warn!(
                phone = %mask_mobile(phone),
                code = %code,
                "development SMS, not sent: the login code for this phone"
            );
            if let Ok(mut last) = self.last.lock() {
                last.insert(phone.to_owned(), code.to_owned());
            }
            Ok(())
        })
    }
}

/// An SMS gateway reached over HTTP: `POST {url}` with `{"phone", "template": "login-code",
/// "params": {"code"}}` and a bearer token; any 2xx answer means accepted.
pub struct HttpGateway {
    url: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl HttpGateway {
    pub fn new(url: String, token: Option<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self { url, token, http }
    }
}

impl CodeSender for HttpGateway {
    fn send<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let body = serde_json::json!({
                "phone": phone,
                "template": "login-code",
                "params": { "code": code },
            });
            let mut request = self.http.post(&self.url).json(&body);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            let response = request
                .send()
                .await
                .map_err(|e| format!("SMS gateway unreachable: {e}"))?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("SMS gateway answered {}", response.status()))
            }
        })
    }
}
