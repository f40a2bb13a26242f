//! The API client against a small real HTTP server: what a shell sees for each kind of answer.
#![cfg(not(target_arch = "wasm32"))]

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tongban_core::api::ErrorBody;
use tongban_core::{
    ApiClient, ApiError, Audience, LocalizedText, MatterList, MatterSummary, MatterType,
};

fn sample() -> MatterSummary {
    MatterSummary {
        code: "11100000000013338W3000117009000".into(),
        name: LocalizedText::new("居民身份证换领", "ID card renewal"),
        department: LocalizedText::new("公安局", "Public Security Bureau"),
        region_code: "330100".into(),
        matter_type: MatterType::AdministrativeConfirmation,
        audience: Audience::Person,
        fully_online: false,
        visits_needed: 1,
        promised_days: 20,
    }
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/")
}

#[tokio::test]
async fn lists_matters_from_the_api() {
    let app = Router::new().route(
        "/api/v1/matters",
        get(|| async {
            Json(MatterList {
                items: vec![sample()],
            })
        }),
    );
    let client = ApiClient::new(serve(app).await);
    assert_eq!(client.list_matters().await.unwrap(), vec![sample()]);
}

#[tokio::test]
async fn a_server_failure_is_a_retryable_server_error_with_the_detail() {
    let app = Router::new().route(
        "/api/v1/matters",
        get(|| async {
            let body = ErrorBody::new("internal", "database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }),
    );
    let err = ApiClient::new(serve(app).await)
        .list_matters()
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::Server {
            status: 503,
            detail: "database unavailable".into()
        }
    );
    assert!(err.is_retryable());
    assert_eq!(err.message_id(), "error-server");
}

#[tokio::test]
async fn a_missing_route_is_not_found_and_not_retried() {
    let client = ApiClient::new(serve(Router::new()).await);
    let err = client.list_matters().await.unwrap_err();
    assert_eq!(err, ApiError::NotFound);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn garbage_from_the_server_is_reported_not_panicked_on() {
    let app = Router::new().route(
        "/api/v1/matters",
        get(|| async { "<html>proxy login</html>" }),
    );
    let err = ApiClient::new(serve(app).await)
        .list_matters()
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    // Bind then drop a listener: the port is free and nothing answers on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = ApiClient::new(format!("http://127.0.0.1:{port}"))
        .list_matters()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.message_id(), "error-network");
}

#[test]
fn urls_join_without_double_slashes() {
    assert_eq!(
        ApiClient::new("https://x.gov.cn/").url("/matters"),
        "https://x.gov.cn/api/v1/matters"
    );
    assert_eq!(
        ApiClient::new("https://x.gov.cn").url("/matters"),
        "https://x.gov.cn/api/v1/matters"
    );
}

#[test]
fn localized_text_falls_back_to_chinese() {
    let t = LocalizedText::new("社会保障卡申领", "Social security card application");
    assert_eq!(t.for_language("en-US"), "Social security card application");
    assert_eq!(t.for_language("zh-CN"), "社会保障卡申领");
    assert_eq!(t.for_language("ug"), "社会保障卡申领");
    let no_en = LocalizedText {
        zh: "高龄津贴申领".into(),
        en: Some("  ".into()),
    };
    assert_eq!(no_en.for_language("en"), "高龄津贴申领");
}

#[test]
fn the_wire_format_is_stable() {
    let json = serde_json::to_value(sample()).unwrap();
    assert_eq!(json["matter_type"], "administrative_confirmation");
    assert_eq!(json["audience"], "person");
    assert_eq!(json["name"]["en"], "ID card renewal");
    let back: MatterSummary = serde_json::from_value(json).unwrap();
    assert_eq!(back, sample());
    for t in MatterType::ALL {
        assert_eq!(MatterType::from_code(t.code()), Some(t));
        assert_eq!(serde_json::to_value(t).unwrap(), t.code());
    }
}
