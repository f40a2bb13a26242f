//! Tongban for native shells: a thin uniffi facade over core. Shells render; core decides.
//!
//! Kotlin sees `uniffi.tongban_mobile.TongbanClient`; the API types it returns are core's own
//! (`uniffi.tongban_core.MatterSummary`, `ApiException`), defined once for every shell.

use std::sync::Arc;

use tongban_core::{ApiClient, ApiError, MatterSummary};

uniffi::setup_scaffolding!();

/// The one object a native shell holds: a client of the Tongban API.
#[derive(uniffi::Object)]
pub struct TongbanClient {
    api: ApiClient,
}

#[uniffi::export(async_runtime = "tokio")]
impl TongbanClient {
    /// A client of the API at `base_url` (`https://…`, or `http://` for development).
    #[uniffi::constructor]
    pub fn new(base_url: String) -> Result<Arc<Self>, ApiError> {
        let trimmed = base_url.trim();
        let scheme_ok = trimmed.starts_with("https://") || trimmed.starts_with("http://");
        let has_host = trimmed
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.trim_matches('/').is_empty());
        if !scheme_ok || !has_host {
            return Err(ApiError::Validation {
                code: "validation".into(),
                fields: Vec::new(),
                detail: format!("not an http(s) base URL: {base_url:?}"),
            });
        }
        Ok(Arc::new(Self {
            api: ApiClient::new(trimmed),
        }))
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> String {
        self.api.base_url().to_owned()
    }

    /// The catalog's matters, most used first.
    pub async fn list_matters(&self) -> Result<Vec<MatterSummary>, ApiError> {
        self.api.list_matters().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_http_base_url() {
        for bad in ["", "ftp://x.gov.cn", "x.gov.cn", "https://", "http:///"] {
            assert!(
                matches!(
                    TongbanClient::new(bad.into()),
                    Err(ApiError::Validation { .. })
                ),
                "{bad:?} accepted"
            );
        }
        let ok = TongbanClient::new(" https://x.gov.cn/ ".into()).unwrap();
        assert_eq!(ok.base_url(), "https://x.gov.cn");
    }
}
