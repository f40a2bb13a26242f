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
        crate::routes::list_matters,
        crate::routes::matter_guide,
        crate::routes::catalog_index,
        crate::routes::search,
        crate::routes::bundle,
        crate::account::send_code,
        crate::account::login,
        crate::account::logout,
        crate::account::me,
        crate::account::verify_identity,
        crate::account::sessions,
        crate::account::revoke_session,
        crate::account::activity,
        crate::account::staff_login,
        crate::account::staff_me,
        crate::account::staff_logout,
        crate::applications::apply_change,
        crate::applications::list_drafts,
        crate::applications::get_draft,
        crate::applications::list_applications,
        crate::applications::get_application,
        crate::applications::supply,
        crate::applications::staff_list,
        crate::applications::staff_get,
        crate::applications::staff_move,
        crate::materials::upload,
        crate::materials::download,
        crate::account::profile,
        crate::sso::host_info,
        crate::sso::host_login
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
