//! Serving the built PWA, and the security headers every response carries.
//!
//! Routes without a file extension (`/matter/123`) get `index.html`, so deep links work on a cold
//! start; a missing asset (`/pkg/x.wasm`) is a plain 404, never HTML in disguise.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy: no inline script or style, wasm allowed to compile, nothing from
/// other origins. Framing is limited to the app itself until host origins are registered.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
    manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'self'";

pub fn with_pwa(api: Router, web_dir: &Path) -> Router {
    let api = api.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let index = web_dir.join("index.html");
    let spa = get(spa_fallback).with_state(index);
    // Precompressed `.br`/`.gz` siblings made by the build are sent when the browser accepts them.
    let assets = ServeDir::new(web_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(spa);
    let static_cache = SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        // Revalidate every time: the service worker keeps the offline copy, not the HTTP cache.
        HeaderValue::from_static("no-cache"),
    );
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .merge(api)
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(static_cache)
                .service(assets),
        )
        .layer(header("content-security-policy", CONTENT_SECURITY_POLICY))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "strict-origin-when-cross-origin"))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header(
            "permissions-policy",
            "camera=(self), geolocation=(self), microphone=()",
        ))
}

async fn spa_fallback(State(index): State<PathBuf>, uri: Uri) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match tokio::fs::read(&index).await {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The Tongban web app is not built. Run `cargo xtask serve` to build and serve it.\n\
             通办网页端尚未构建，请运行 cargo xtask serve。\n",
        )
            .into_response(),
    }
}
