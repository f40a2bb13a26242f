//! Uploading materials (photos and scans of documents): size and type checked by content, stored
//! under a server-generated name, owned by the person who uploaded them.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sqlx::Row;
use tongban_core::form::MaterialUploaded;

use crate::access::{Citizen, Owned};
use crate::audit::{Event, Outcome};
use crate::auth::new_id;
use crate::error::AppError;
use crate::objects::sniff;
use crate::routes::AppState;

/// The largest document accepted: a phone photo of a page, or a multi-page PDF scan.
pub const MAX_MATERIAL_BYTES: usize = 10 * 1024 * 1024;

struct MaterialRow {
    id: String,
    owner: String,
    kind: String,
}

impl Owned for MaterialRow {
    fn owner(&self) -> &str {
        &self.owner
    }
    fn audit_name(&self) -> String {
        format!("material:{}", self.id)
    }
}

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
        (status = 422, description = "Not a JPEG, PNG, HEIC, WebP image or PDF", body = tongban_core::api::ErrorBody)
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
    let kind = sniff(&body).ok_or_else(|| AppError::field("file", "material-type"))?;
    let id = new_id();
    let size = body.len() as u64;
    state
        .objects
        .put(&id, body.to_vec())
        .await
        .map_err(|detail| AppError::Unavailable {
            code: "server",
            detail,
        })?;
    let now = state.auth.now();
    sqlx::query(
        "INSERT INTO materials (id, owner, kind, size, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&citizen.account_id)
    .bind(kind)
    .bind(size as i64)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    state
        .db
        .audit(
            now,
            Event {
                actor: &citizen.actor(),
                action: "material-uploaded",
                object: &format!("material:{id}"),
                outcome: Outcome::Ok,
                ip: &citizen.ip,
            },
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
    let row = material(&state, &id).await?;
    let row = citizen.owned(&state, "material-read", row).await?;
    let bytes = state
        .objects
        .get(&row.id)
        .await
        .map_err(|detail| AppError::Unavailable {
            code: "server",
            detail,
        })?
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, row.kind)], bytes).into_response())
}

async fn material(state: &AppState, id: &str) -> Result<Option<MaterialRow>, AppError> {
    let row = sqlx::query("SELECT id, owner, kind FROM materials WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?;
    Ok(row
        .map(|r| -> Result<MaterialRow, sqlx::Error> {
            Ok(MaterialRow {
                id: r.try_get("id")?,
                owner: r.try_get("owner")?,
                kind: r.try_get("kind")?,
            })
        })
        .transpose()?)
}

/// Whether every object id is a document this person uploaded.
pub async fn all_owned(
    state: &AppState,
    owner: &str,
    ids: &[String],
) -> Result<Vec<String>, AppError> {
    let mut missing = Vec::new();
    for id in ids {
        match material(state, id).await? {
            Some(row) if row.owner == owner => {}
            _ => missing.push(id.clone()),
        }
    }
    Ok(missing)
}
