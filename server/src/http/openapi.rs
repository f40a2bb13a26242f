//! The OpenAPI 3.1 document, generated from the same core types the handlers use.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tongban API",
        description = "The one API behind every Tongban client."
    ),
    paths(
        crate::http::catalog::list_matters,
        crate::http::catalog::matter_guide,
        crate::http::catalog::catalog_index,
        crate::http::catalog::search,
        crate::http::catalog::bundle,
        crate::http::auth::send_code,
        crate::http::auth::login,
        crate::http::auth::logout,
        crate::http::me::me,
        crate::http::me::verify_identity,
        crate::http::me::sessions,
        crate::http::me::revoke_session,
        crate::http::me::activity,
        crate::http::auth::staff_login,
        crate::http::staff::staff_me,
        crate::http::auth::staff_logout,
        crate::http::drafts::apply_change,
        crate::http::drafts::list_drafts,
        crate::http::drafts::get_draft,
        crate::http::applications::list_applications,
        crate::http::applications::get_application,
        crate::http::applications::supply,
        crate::http::staff::queue,
        crate::http::staff::get_case,
        crate::http::staff::document,
        crate::http::staff::move_case,
        crate::http::staff::assign,
        crate::http::staff::stats,
        crate::http::messages::list,
        crate::http::messages::read,
        crate::http::staff::staff_list,
        crate::http::staff::staff_get,
        crate::http::staff::staff_move,
        crate::http::materials::upload,
        crate::http::materials::download,
        crate::http::me::profile,
        crate::http::hosts::host_info,
        crate::http::hosts::host_login
    ),
    components(schemas(
        tongban_core::MatterList,
        tongban_core::MatterSummary,
        tongban_core::LocalizedText,
        tongban_core::MatterType,
        tongban_core::Audience,
        tongban_core::api::ErrorBody,
        tongban_core::api::FieldError,
        tongban_core::auth::RealNameLevel,
        tongban_core::auth::IdentityMethod,
        tongban_core::auth::SessionDelivery,
        tongban_core::host::HostInfo,
        tongban_core::host::HostTicketRequest
    )),
    modifiers(&SessionSchemes)
)]
pub struct ApiDoc;

/// How a caller proves its session: the web's cookie, or a bearer token (native shells).
struct SessionSchemes;

impl Modify for SessionSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = || {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token a native shell asked for at login"))
                    .build(),
            )
        };
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::CITIZEN_COOKIE,
            ))),
        );
        components.add_security_scheme("session_bearer", bearer());
        components.add_security_scheme(
            "staff_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::STAFF_COOKIE))),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
