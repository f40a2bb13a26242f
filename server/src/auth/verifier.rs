//! Checking a person's identity (name + resident ID number) with the authority that knows it —
//! in production the population register's verification service, behind this trait.
//!
//! No method here needs a face: face recognition is never the only way to verify.

use std::future::Future;
use std::pin::Pin;

use tongban_core::calendar::Day;
use tongban_core::identity::ResidentId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The name and the number belong together; the register may say where the person's
    /// household is registered (户籍, a GB/T 2260 code), which benefits granted without an
    /// application (免申即享) are decided on; and the last day the person's card holds
    /// (居民身份证有效期限), none for a card valid for life (长期) or when it does not say.
    Match {
        household_region: Option<String>,
        card_valid_until: Option<Day>,
    },
    /// They do not (or the number is not registered).
    Mismatch,
}

pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Result<Verdict, String>> + Send + 'a>>;

pub trait IdentityVerifier: Send + Sync + 'static {
    fn verify<'a>(&'a self, name: &'a str, id: &'a ResidentId) -> VerifyFuture<'a>;
}

/// Development: any well-formed name with a valid number matches, except the name `不符`
/// ("mismatch"), which always fails — so the refusal path can be tried by hand. Its register
/// says the household is registered where the number was first issued (a stand-in: a real
/// register knows where it is now), and it knows no card's validity.
pub struct DevVerifier;

pub const DEV_MISMATCH_NAME: &str = "不符";

impl IdentityVerifier for DevVerifier {
    fn verify<'a>(&'a self, name: &'a str, id: &'a ResidentId) -> VerifyFuture<'a> {
        Box::pin(async move {
            Ok(if name == DEV_MISMATCH_NAME {
                Verdict::Mismatch
            } else {
                Verdict::Match {
                    household_region: Some(id.region_code.clone()),
                    card_valid_until: None,
                }
            })
        })
    }
}

/// The identity verification service reached over HTTP: `POST {url}` with
/// `{"name", "id_number"}` and a bearer token; `200 {"result": "match" | "mismatch"}`, a match
/// optionally with `"household_region"` (the 6-digit GB/T 2260 code of the 户籍) and
/// `"card_valid_until"` (`YYYY-MM-DD`, the card's 有效期限; absent for a 长期 card). Anything
/// else — another status, another body, no answer within 10 s — is "unavailable": the person
/// is told to try again later, and nothing is recorded as a mismatch.
pub struct HttpVerifier {
    url: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl HttpVerifier {
    pub fn new(url: String, token: Option<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self { url, token, http }
    }
}

impl IdentityVerifier for HttpVerifier {
    fn verify<'a>(&'a self, name: &'a str, id: &'a ResidentId) -> VerifyFuture<'a> {
        Box::pin(async move {
            let body = serde_json::json!({ "name": name, "id_number": id.number });
            let mut request = self.http.post(&self.url).json(&body);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            let response = request
                .send()
                .await
                .map_err(|e| format!("identity verification unreachable: {e}"))?;
            if !response.status().is_success() {
                return Err(format!(
                    "identity verification answered {}",
                    response.status()
                ));
            }
            #[derive(serde::Deserialize)]
            struct Answer {
                result: String,
                #[serde(default)]
                household_region: Option<String>,
                #[serde(default)]
                card_valid_until: Option<String>,
            }
            let answer: Answer = response
                .json()
                .await
                .map_err(|e| format!("identity verification answered something else: {e}"))?;
            match answer.result.as_str() {
                "match" => Ok(Verdict::Match {
                    // Only a well-formed code is kept.
                    household_region: answer
                        .household_region
                        .filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())),
                    card_valid_until: answer.card_valid_until.as_deref().and_then(Day::parse),
                }),
                "mismatch" => Ok(Verdict::Mismatch),
                other => Err(format!("identity verification answered {other:?}")),
            }
        })
    }
}
