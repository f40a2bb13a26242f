//! Uploading materials (photos and scans of documents): size and type checked by content, stored
//! under a server-generated name, owned by the person who uploaded them.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use tongban_core::audit::AuditAction;
use tongban_core::form::MaterialUploaded;

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::NewMaterial;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/materials",
            post(upload).layer(DefaultBodyLimit::max(MAX_MATERIAL_BYTES)),
        )
        .route("/materials/{id}", get(download))
}

/// The largest document accepted: a phone photo of a page, or a multi-page PDF scan.
pub const MAX_MATERIAL_BYTES: usize = 10 * 1024 * 1024;

/// Upload one document (the request body is the file's bytes).
#[utoipa::path(
    post,
    path = "/api/v1/materials",
    tag = "applications",
    security(("session" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Stored: refer to it by `object_id` in an answer", body = MaterialUploaded),
        (status = 413, description = "Larger than 10 MiB"),
        (status = 422, description = "Not a JPEG, PNG, HEIC, WebP image or PDF (`material-type`), more than 40 megapixels (`material-too-many-pixels`), or damaged (`material-unreadable`); images are stored without their metadata", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    citizen: Citizen,
    body: Bytes,
) -> Result<Json<MaterialUploaded>, AppError> {
    if body.is_empty() {
        return Err(AppError::field("file", "material-empty"));
    }
    // Stored without the metadata a photo carries (GPS above all), and only if it is a picture
    // of a size that can be shown.
    let (cleaned, kind) =
        crate::images::clean(&body).map_err(|refused| AppError::field("file", refused.code()))?;
    let id = new_id();
    let size = cleaned.len() as u64;
    let doc_key = state.put_document(&id, &cleaned).await?;
    state
        .store
        .add_material(NewMaterial {
            id: &id,
            owner: &citizen.account_id,
            kind,
            size,
            doc_key: &doc_key,
            at: state.auth.now(),
        })
        .await?;
    state
        .audit(
            &citizen.actor(),
            AuditAction::MaterialUploaded,
            &format!("material:{id}"),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    Ok(Json(MaterialUploaded {
        object_id: id,
        kind: kind.to_owned(),
        size,
    }))
}

/// One of the person's uploaded documents.
#[utoipa::path(
    get,
    path = "/api/v1/materials/{id}",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The object id from the upload")),
    responses(
        (status = 200, description = "The document's bytes, with its content type"),
        (status = 404, description = "No such document of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn download(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = state.store.material(&id).await?;
    let row = citizen
        .owned(&state, AuditAction::MaterialRead, row)
        .await?;
    let bytes = state.document_bytes(&row).await?;
    Ok(crate::objects::document_response(&row.kind, bytes))
}
