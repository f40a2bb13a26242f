//! Serving the built PWA, and the security headers every response carries.
//!
//! Routes without a file extension (`/matter/123`) get `index.html`, so deep links work on a cold
//! start; a missing asset (`/pkg/x.wasm`) is a plain 404, never HTML in disguise.

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::AppError;
use crate::Config;

/// The Content-Security-Policy: no inline script or style, wasm allowed to compile, nothing from
/// other origins. Only the app itself and the registered host super-apps may frame it.
pub fn content_security_policy(host_origins: &[String], tile_origin: Option<&str>) -> String {
    let mut ancestors = vec!["'self'".to_owned()];
    ancestors.extend(
        host_origins
            .iter()
            .map(|o| o.trim_end_matches('/').to_owned()),
    );
    // Map tiles from the configured provider (only images, only from it).
    let tiles = tile_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:{tiles}; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
         worker-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; \
         frame-ancestors {}",
        ancestors.join(" ")
    )
}

/// Refuses a state-changing request sent from a page of another origin (a defence beside the
/// SameSite cookie, and the only one for sessions opened in a host's frame, whose cookie must be
/// `SameSite=None`): only the app's own pages may write, host pages included never.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe {
        if let Some(origin) = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
        {
            let own = request
                .headers()
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|host| {
                    origin
                        .split_once("://")
                        .is_some_and(|(_, rest)| rest == host)
                });
            if !own {
                tracing::warn!(origin, "refused a write from another origin");
                return AppError::Forbidden("origin-not-allowed").into_response();
            }
        }
    }
    next.run(request).await
}

/// Cross-origin reads of the API for the registered hosts' pages only, without credentials.
fn host_cors(host_origins: &[String]) -> tower_http::cors::CorsLayer {
    let origins: Vec<HeaderValue> = host_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(origins))
        .allow_methods([Method::GET])
        .allow_credentials(false)
}

/// The API's answers made per request, compressed for the clients that accept it: brotli, else
/// gzip, at level 1 of each (nginx's default for the same reason). Measured on a 4.3 KB search
/// answer: brotli q1 15 µs → 1,188 B, q4 37 µs → 1,001 B; gzip 1 9 µs → 1,194 B, gzip 4 20 µs →
/// 1,042 B — a setup cost per answer that doubled a search's CPU for ~15 % fewer bytes, which
/// rarely saves a TCP segment. The large catalog reads are compressed once at the highest levels
/// instead (`encoded.rs`). Small answers, images, event streams and PDFs (already compressed,
/// and downloads) go as they are.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate as _};
    use tower_http::compression::{CompressionLayer, CompressionLevel};
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(1))
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/pdf")))
}

/// The API and the PWA under one roof, with the security headers. `host_origins` are the pages
/// allowed to frame the app and to read the API cross-origin.
pub fn with_pwa(api: Router, config: &Config, host_origins: &[String]) -> Router {
    let web_dir: &Path = &config.web_dir;
    let api = api
        .layer(axum::middleware::from_fn(same_origin_writes))
        .layer(host_cors(host_origins));
    let api = api
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(compression());
    let spa = get(spa_fallback).with_state(web_dir.to_owned());
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
    let tile_origin = config.map.tile_origin();
    let csp = HeaderValue::from_str(&content_security_policy(
        host_origins,
        tile_origin.as_deref(),
    ))
    .expect("host origins are plain ASCII");
    Router::new()
        .merge(api)
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(static_cache)
                .service(assets),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(header(
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "strict-origin-when-cross-origin"))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header(
            "permissions-policy",
            "camera=(self), geolocation=(self), microphone=()",
        ))
}

/// The page a route of the app starts from: the staff workbench's under `/staff/`, the
/// citizen app's everywhere else.
async fn spa_fallback(State(web_dir): State<PathBuf>, uri: Uri) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let workbench = uri.path() == "/staff" || uri.path().starts_with("/staff/");
    let index = if workbench {
        web_dir.join("staff/index.html")
    } else {
        web_dir.join("index.html")
    };
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
