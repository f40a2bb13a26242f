//! The OpenAPI 3.1 document, generated from the same core types the handlers use.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tongban API",
        description = "The one API behind every Tongban client."
    ),
    paths(
        crate::routes::list_matters,
        crate::routes::matter_guide,
        crate::routes::catalog_index,
        crate::routes::search,
        crate::routes::bundle
    ),
    components(schemas(
        tongban_core::MatterList,
        tongban_core::MatterSummary,
        tongban_core::LocalizedText,
        tongban_core::MatterType,
        tongban_core::Audience,
        tongban_core::api::ErrorBody
    ))
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
