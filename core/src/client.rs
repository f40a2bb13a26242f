//! The one API client, on reqwest: the same code runs in the browser (fetch) and natively (hyper).

use crate::api::{ApiError, MatterList, API_PREFIX};
use crate::catalog::{CatalogIndex, Matter};
use crate::model::MatterSummary;

/// A client of the Tongban API at one base URL (`https://example.gov.cn`, or `""`/`"/"` for the
/// origin the web app was served from).
#[derive(Clone, Debug)]
pub struct ApiClient {
    base_url: String,
    http: reqwest::Client,
}

impl ApiClient {
    pub fn new(base_url: impl Into<String>) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        Self {
            base_url,
            http: reqwest::Client::new(),
        }
    }

    /// The base URL the client was made with, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The absolute URL of an API path such as `/matters`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base_url, API_PREFIX, path)
    }

    /// The catalog's matters, most used first.
    pub async fn list_matters(&self) -> Result<Vec<MatterSummary>, ApiError> {
        let list: MatterList = self.get_json("/matters").await?;
        Ok(list.items)
    }

    /// The compact catalog index for offline browsing and search.
    pub async fn catalog_index(&self) -> Result<CatalogIndex, ApiError> {
        self.get_json("/catalog/index").await
    }

    /// A matter's full service guide.
    pub async fn matter_guide(&self, code: &str) -> Result<Matter, ApiError> {
        self.get_json(&format!("/matters/{}", encode_segment(code)))
            .await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let url = self.url(path);
        let response = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| ApiError::Network {
                detail: e.to_string(),
            })?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| ApiError::Network {
            detail: e.to_string(),
        })?;
        if !(200..300).contains(&status) {
            return Err(ApiError::from_status(status, &body));
        }
        serde_json::from_str(&body).map_err(|e| ApiError::Server {
            status,
            detail: format!("unexpected answer: {e}"),
        })
    }
}

/// Percent-encodes one path segment (codes are ASCII in practice; anything else is escaped).
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
