//! The OpenAPI 3.1 document, generated from the same core types the handlers use.

use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
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
        crate::http::staff_applications::staff_list,
        crate::http::staff_applications::staff_get,
        crate::http::staff_applications::staff_move,
        crate::http::materials::upload,
        crate::http::materials::download,
        crate::http::me::profile,
        crate::http::hosts::host_info,
        crate::http::hosts::host_login,
        crate::http::appointments::slots,
        crate::http::appointments::mine,
        crate::http::appointments::book,
        crate::http::appointments::cancel,
        crate::http::hall_desk::staff_halls,
        crate::http::hall_desk::hall_day,
        crate::http::hall_desk::arrive,
        crate::http::mandates::list,
        crate::http::mandates::grant,
        crate::http::mandates::accept,
        crate::http::mandates::decline,
        crate::http::mandates::revoke,
        crate::http::mandates::record,
        crate::http::handovers::start,
        crate::http::handovers::confirm,
        crate::http::guardians::declare,
        crate::http::guardians::check,
        crate::http::guardians::confirm,
        crate::http::map::map,
        crate::http::map::calendar,
        crate::http::evaluations::rate_application,
        crate::http::evaluations::application_evaluation,
        crate::http::evaluations::rate_visit,
        crate::http::evaluations::visit_evaluation,
        crate::http::evaluations::stats,
        crate::http::rectifications::list,
        crate::http::rectifications::item,
        crate::http::rectifications::callback,
        crate::http::rectifications::answer,
        crate::http::consultations::ask,
        crate::http::consultations::mine,
        crate::http::consultations::one,
        crate::http::consultations::ask_again,
        crate::http::consultations::staff_list,
        crate::http::consultations::staff_one,
        crate::http::consultations::answer,
        crate::http::consultations::make_faq,
        crate::http::benefits::for_you,
        crate::http::benefits::claim,
        crate::http::data_record::data_uses,
        crate::http::data_record::consents,
        crate::http::data_record::withdraw,
        crate::http::data_record::export,
        crate::http::credentials::trust_bundle,
        crate::http::credentials::jwks,
        crate::http::credentials::status_list,
        crate::http::credentials::mine,
        crate::http::credentials::collect,
        crate::http::credentials::set_status,
        crate::http::shares::create,
        crate::http::shares::mine,
        crate::http::shares::revoke,
        crate::http::shares::open
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
        tongban_core::host::HostTicketRequest,
        crate::http::staff::DueFilter
    )),
    modifiers(&SessionSchemes, &EveryError)
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
        components.add_security_scheme("staff_bearer", bearer());
    }
}

/// The cookie scheme of each role and the bearer scheme that stands for it (native shells and
/// the staff command line send the same session as `Authorization: Bearer`).
const SCHEMES: [(&str, &str); 2] = [
    ("session", "session_bearer"),
    ("staff_session", "staff_bearer"),
];

/// What every operation can answer besides what its handler names: each error is the JSON
/// error body with a code (`error::json_errors` makes sure of it at run time). A protected
/// operation takes the cookie or the bearer token and can answer 401 and 403; one with a JSON
/// body can answer 400 (not JSON), 413 (too large), 415 (not `application/json`) and 422 (a field
/// missing or wrong); any can answer 503 while the database is unreachable.
struct EveryError;

fn error_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// A response whose JSON body is another schema becomes "that one or the error body".
fn or_error_body(response: &mut utoipa::openapi::RefOr<utoipa::openapi::Response>) {
    use utoipa::openapi::schema::{OneOfBuilder, Schema};
    use utoipa::openapi::{Ref, RefOr};
    let RefOr::T(response) = response else {
        return;
    };
    let content = response
        .content
        .entry("application/json".to_owned())
        .or_insert_with(|| utoipa::openapi::Content::new(None::<Ref>));
    let error = Ref::from_schema_name("ErrorBody");
    match content.schema.take() {
        Some(RefOr::Ref(r)) if r == error => content.schema = Some(RefOr::Ref(r)),
        Some(RefOr::T(Schema::OneOf(one))) => content.schema = Some(RefOr::T(Schema::OneOf(one))),
        Some(other) => {
            content.schema = Some(RefOr::T(Schema::OneOf(
                OneOfBuilder::new().item(other).item(error).build(),
            )))
        }
        None => content.schema = Some(RefOr::Ref(error)),
    }
}

/// The schemes an operation's security names (the requirement's fields are private: read them
/// as the document would be written).
fn scheme_names(requirements: &[SecurityRequirement]) -> Vec<String> {
    requirements
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
        .flatten()
        .collect()
}

impl Modify for EveryError {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let mut add = |status: &str, description: &str| {
                    match operation.responses.responses.entry(status.to_owned()) {
                        std::collections::btree_map::Entry::Vacant(entry) => {
                            entry.insert(error_response(description));
                        }
                        // The handler answers this status with its own body (a draft change's
                        // refusal); the extractors answer it with the error body: either.
                        std::collections::btree_map::Entry::Occupied(mut entry) => {
                            or_error_body(entry.get_mut())
                        }
                    }
                };
                let names = scheme_names(operation.security.as_deref().unwrap_or_default());
                let protected = SCHEMES
                    .iter()
                    .find(|(cookie, _)| names.iter().any(|n| n == cookie));
                let json_body = operation
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.contains_key("application/json"));
                if protected.is_some() {
                    add(
                        "401",
                        "Not logged in, or the session ended (`unauthorized`)",
                    );
                    add("403", "Not allowed for this account or role");
                }
                let parameters = operation.parameters.as_deref().unwrap_or_default();
                if !parameters.is_empty() {
                    add("400", "A parameter is not of its type (`bad-request`)");
                    add("422", "A parameter is out of its range (`field-invalid`)");
                }
                if parameters
                    .iter()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Path)
                {
                    add("404", "Nothing of that id here (`not-found`)");
                }
                if json_body {
                    add("400", "The body is not JSON (`bad-request`)");
                    add("413", "The body is too large (`payload-too-large`)");
                    add(
                        "415",
                        "The body is not `application/json` (`unsupported-media-type`)",
                    );
                    add(
                        "422",
                        "A field is missing or wrong (`validation`, or the field's own code)",
                    );
                }
                add(
                    "503",
                    "The database cannot be reached now; try again (`server`)",
                );
                // An error a handler lists without a body still comes with the error body.
                for (status, response) in operation.responses.responses.iter_mut() {
                    let error = status.starts_with('4') || status.starts_with('5');
                    let bodiless = matches!(response, utoipa::openapi::RefOr::T(r)
                        if !r.content.contains_key("application/json"));
                    if error && bodiless {
                        or_error_body(response);
                    }
                }
                if let Some((cookie, bearer)) = protected {
                    operation.security = Some(vec![
                        SecurityRequirement::new(*cookie, Vec::<String>::new()),
                        SecurityRequirement::new(*bearer, Vec::<String>::new()),
                    ]);
                }
            }
        }
    }
}

/// OpenAPI links from the operations that make or list things to those that read them, so a
/// client (and the stateful phase of schemathesis) can follow a document from its upload, a
/// draft from its change, an application from its submission or the list, a case from the queue.
/// `(from operation, its status, to operation, the parameter, where its value comes from)`.
#[rustfmt::skip]
const LINKS: &[(&str, &str, &str, &str, &str)] = &[
    ("upload", "200", "download", "id", "$response.body#/object_id"),
    ("apply_change", "200", "get_draft", "id", "$request.path.id"),
    ("apply_change", "200", "get_application", "id", "$response.body#/application_id"),
    ("list_drafts", "200", "get_draft", "id", "$response.body#/0/draft_id"),
    ("list_applications", "200", "get_application", "id", "$response.body#/items/0/id"),
    ("get_application", "200", "supply", "id", "$request.path.id"),
    ("list", "200", "read", "id", "$response.body#/items/0/id"),
    ("sessions", "200", "revoke_session", "id", "$response.body#/items/0/id"),
    ("queue", "200", "get_case", "id", "$response.body#/items/0/id"),
    ("get_case", "200", "move_case", "id", "$request.path.id"),
    ("get_case", "200", "assign", "id", "$request.path.id"),
    ("staff_list", "200", "staff_get", "id", "$response.body#/0/id"),
    ("list_matters", "200", "matter_guide", "code", "$response.body#/items/0/code"),
];

/// The document as served: utoipa's, with the links added (utoipa 5 writes a link's
/// `operationId` as `operation_id`, which no reader understands, so they are written here).
pub fn document_json() -> serde_json::Value {
    let mut doc = serde_json::to_value(document()).expect("the document serializes");
    let Some(paths) = doc["paths"].as_object_mut() else {
        return doc;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for (_, status, to, parameter, value) in LINKS.iter().filter(|l| l.0 == id) {
                if let Some(response) = operation["responses"][*status].as_object_mut() {
                    let links = response
                        .entry("links")
                        .or_insert_with(|| serde_json::json!({}));
                    links[*to] = serde_json::json!({
                        "operationId": to,
                        "parameters": { *parameter: value },
                    });
                }
            }
        }
    }
    doc
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
