//! Sending texts: login codes, and the notices of an application's steps (templated, a masked
//! receipt and a status only). Production sends through an SMS gateway over HTTP; development
//! writes them to the server log (the phone masked, as everywhere in logs).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tongban_core::identity::mask_mobile;

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Something that delivers texts to a phone.
pub trait CodeSender: Send + Sync + 'static {
    /// A login code (template `login-code`).
    fn send<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a>;
    /// A notice of an application's step: a template and its params (no personal data).
    fn notify<'a>(
        &'a self,
        phone: &'a str,
        template: &'a str,
        params: &'a BTreeMap<String, String>,
    ) -> SendFuture<'a>;
}

/// The development sender: texts go to the server log, and are kept in memory for tests.
#[derive(Clone, Default)]
pub struct DevLogSender {
    last: Arc<Mutex<HashMap<String, String>>>,
    notices: Arc<Mutex<Vec<(String, String, BTreeMap<String, String>)>>>,
    /// While set, every notice fails (to try retries).
    failing: Arc<std::sync::atomic::AtomicBool>,
}

impl DevLogSender {
    /// The last code sent to this phone, if any.
    pub fn last_code(&self, phone: &str) -> Option<String> {
        self.last.lock().ok()?.get(phone).cloned()
    }

    /// The notices sent to this phone, oldest first: `(template, params)`.
    pub fn notices(&self, phone: &str) -> Vec<(String, BTreeMap<String, String>)> {
        self.notices
            .lock()
            .map(|n| {
                n.iter()
                    .filter(|(p, _, _)| p == phone)
                    .map(|(_, t, params)| (t.clone(), params.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes notices fail (as a gateway that is down) or succeed again.
    pub fn set_failing(&self, failing: bool) {
        self.failing
            .store(failing, std::sync::atomic::Ordering::SeqCst);
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

    fn notify<'a>(
        &'a self,
        phone: &'a str,
        template: &'a str,
        params: &'a BTreeMap<String, String>,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
                return Err("the development gateway is set to fail".into());
            }
            tracing::warn!(
                phone = %mask_mobile(phone),
                template,
                params = ?params,
                "development SMS, not sent: a notice"
            );
            if let Ok(mut notices) = self.notices.lock() {
                notices.push((phone.to_owned(), template.to_owned(), params.clone()));
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

impl HttpGateway {
    async fn post(&self, body: serde_json::Value) -> Result<(), String> {
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
    }
}

impl CodeSender for HttpGateway {
    fn notify<'a>(
        &'a self,
        phone: &'a str,
        template: &'a str,
        params: &'a BTreeMap<String, String>,
    ) -> SendFuture<'a> {
        Box::pin(self.post(serde_json::json!({
            "phone": phone,
            "template": template,
            "params": params,
        })))
    }

    fn send<'a>(&'a self, phone: &'a str, code: &'a str) -> SendFuture<'a> {
        Box::pin(self.post(serde_json::json!({
            "phone": phone,
            "template": "login-code",
            "params": { "code": code },
        })))
    }
}
