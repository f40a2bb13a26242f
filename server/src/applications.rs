//! Drafts synced from devices, submission exactly once, and the application's life with staff.
//!
//! The rules are core's (`ServerDraft::apply`, `FormSchema::validate`, `ApplicationStatus`); this
//! module stores their results. A change and its reply are stored in one transaction with an
//! optimistic version check, so concurrent requests for one draft apply one after the other and a
//! repeated op id gets the first reply.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sqlx::Row;
use tongban_core::application::{
    Application, ApplicationList, ApplicationStatus, ApplicationSummary, StatusChange, Supplement,
    TimelineEvent,
};
use tongban_core::auth::RealNameLevel;
use tongban_core::catalog::Matter;
use tongban_core::draft::{
    Change, ChangeKind, ChangeReply, DraftSnapshot, ServerDraft, Submission,
};
use tongban_core::form::{Answers, FormSchema};
use tongban_core::FieldError;

use crate::access::{Citizen, Owned, StaffMember};
use crate::audit::{Event, Outcome};
use crate::auth::{digest, new_id};
use crate::clock::china_date;
use crate::error::AppError;
use crate::routes::AppState;

type Result<T> = std::result::Result<T, AppError>;

fn json_err(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("stored JSON: {e}"))
}

/// The form a draft fills, and the real-name level its submission needs.
pub async fn form_for(state: &AppState, form_id: &str) -> Result<(FormSchema, RealNameLevel)> {
    let matter = |code: String| async move {
        let json = state
            .db
            .matter_guide(&code)
            .await?
            .ok_or(AppError::NotFound)?;
        serde_json::from_str::<Matter>(&json).map_err(json_err)
    };
    if let Some(bundle_id) = form_id.strip_prefix("bundle:") {
        let catalog = state.catalog.current(&state.db).await?;
        let bundle = catalog
            .index
            .bundles
            .iter()
            .find(|b| b.id == bundle_id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let mut matters = Vec::new();
        for code in &bundle.matters {
            matters.push(matter(code.clone()).await?);
        }
        let level = matters
            .iter()
            .map(|m| m.real_name_level)
            .max()
            .unwrap_or(RealNameLevel::PhoneVerified);
        let refs: Vec<&Matter> = matters.iter().collect();
        Ok((FormSchema::for_bundle(&bundle, &refs), level))
    } else {
        let m = matter(form_id.to_owned()).await?;
        Ok((FormSchema::for_matter(&m), m.real_name_level))
    }
}

struct DraftRow {
    owner: String,
    version: i64,
    state: ServerDraft,
}

impl Owned for DraftRow {
    fn owner(&self) -> &str {
        &self.owner
    }
    fn audit_name(&self) -> String {
        format!("draft:{}", self.state.draft_id)
    }
}

impl AppState {
    async fn draft_row(&self, id: &str) -> Result<Option<DraftRow>> {
        let row = sqlx::query("SELECT owner, version, state_json FROM drafts WHERE id = $1")
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        row.map(|r| {
            Ok(DraftRow {
                owner: r.try_get("owner")?,
                version: r.try_get("version")?,
                state: serde_json::from_str(&r.try_get::<String, _>("state_json")?)
                    .map_err(json_err)?,
            })
        })
        .transpose()
    }
}

/// The HTTP status that goes with a reply; the body is the reply either way.
fn reply_response(reply: &ChangeReply) -> Response {
    let status = match reply {
        ChangeReply::Applied { .. } | ChangeReply::Submitted { .. } => StatusCode::OK,
        ChangeReply::Conflict { .. } => StatusCode::CONFLICT,
        ChangeReply::Invalid { .. } | ChangeReply::Rejected { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    (status, Json(reply.clone())).into_response()
}

/// A receipt number people can read out on the phone: `TB` + date + 8 digits.
fn new_receipt(now: i64) -> String {
    let (y, m, d) = china_date(now);
    let mut bytes = [0u8; 4];
    getrandom::getrandom(&mut bytes).expect("random source");
    format!(
        "TB{y:04}{m:02}{d:02}{:08}",
        u32::from_le_bytes(bytes) % 100_000_000
    )
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Apply one change of a draft (its op id is the idempotency key).
#[utoipa::path(
    post,
    path = "/api/v1/drafts/{id}/changes",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The draft's id (UUIDv7 made on the device)")),
    request_body = Change,
    responses(
        (status = 200, description = "Applied (or submitted): the draft's new state", body = ChangeReply),
        (status = 409, description = "Another device changed the same field: both values", body = ChangeReply),
        (status = 422, description = "Refused answers on submission, or a change that cannot apply", body = ChangeReply),
        (status = 404, description = "No such draft of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn apply_change(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(change): Json<Change>,
) -> Result<Response> {
    if change.draft_id != id || change.op_id.is_empty() || change.op_id.len() > 64 {
        return Err(AppError::field("op_id", "field-invalid"));
    }
    let fingerprint = digest(&[&serde_json::to_string(&change).map_err(json_err)?]);
    for _attempt in 0..8 {
        let stored =
            sqlx::query("SELECT draft_id, fingerprint, reply_json FROM draft_ops WHERE op_id = $1")
                .bind(&change.op_id)
                .fetch_optional(state.db.pool())
                .await?;
        if let Some(row) = stored {
            let draft_id: String = row.try_get("draft_id")?;
            let owner = state.draft_row(&draft_id).await?.map(|d| d.owner);
            if owner.as_deref() != Some(citizen.account_id.as_str()) {
                return Err(AppError::NotFound);
            }
            if row.try_get::<String, _>("fingerprint")? != fingerprint {
                return Err(AppError::field("op_id", "idempotency-key-reused"));
            }
            let reply: ChangeReply =
                serde_json::from_str(&row.try_get::<String, _>("reply_json")?).map_err(json_err)?;
            return Ok(reply_response(&reply));
        }
        let existing = state.draft_row(&id).await?;
        let (mut draft, old_version) = match existing {
            Some(row) => {
                let row = citizen.owned(&state, "draft-change", Some(row)).await?;
                (row.state, Some(row.version))
            }
            None => match ServerDraft::create(&change) {
                Ok(draft) => (draft, None),
                Err(reply) => return Ok(reply_response(&reply)),
            },
        };
        let now = state.auth.now();
        let mut created: Option<(Submission, Answers)> = None;
        let reply = if old_version.is_none() {
            ChangeReply::Applied {
                snapshot: draft.snapshot(),
            }
        } else {
            if let ChangeKind::Submit { .. } = change.kind {
                let (schema, level) = form_for(&state, &draft.form_id).await?;
                if citizen.level < level {
                    return Ok(reply_response(&ChangeReply::Rejected {
                        code: "identity-required".into(),
                    }));
                }
                // Documents named in the answers must be this person's uploads.
                let uploads = tongban_core::form::uploaded_objects(&draft.answers);
                let ids: Vec<String> = uploads.iter().map(|(_, id)| id.clone()).collect();
                let missing =
                    crate::materials::all_owned(&state, &citizen.account_id, &ids).await?;
                let missing_fields: Vec<FieldError> = uploads
                    .iter()
                    .filter(|(_, id)| missing.contains(id))
                    .map(|(path, _)| FieldError::new(path.as_str(), "material-missing"))
                    .collect();
                draft.apply(&change, &mut |d| {
                    let answers = schema.submitted_answers(&d.answers);
                    let mut errors = schema.validate(&answers, china_date(now));
                    errors.extend(
                        missing_fields
                            .iter()
                            .filter(|f| answers.contains_key(&f.path))
                            .cloned(),
                    );
                    if !errors.is_empty() {
                        return Err(errors);
                    }
                    let done = Submission {
                        idempotency_key: tongban_core::draft::submission_key(&d.draft_id),
                        application_id: new_id(),
                        receipt: new_receipt(now),
                    };
                    created = Some((done.clone(), answers));
                    Ok(done)
                })
            } else {
                draft.apply(&change, &mut |_| Err(Vec::new()))
            }
        };
        let state_json = serde_json::to_string(&draft).map_err(json_err)?;
        let reply_json = serde_json::to_string(&reply).map_err(json_err)?;
        let mut tx = state.db.pool().begin().await?;
        let written = match old_version {
            None => sqlx::query(
                "INSERT INTO drafts (id, owner, form_id, version, state_json, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&citizen.account_id)
            .bind(&draft.form_id)
            .bind(draft.version as i64)
            .bind(&state_json)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected()),
            Some(old) => sqlx::query(
                "UPDATE drafts SET version = $1, state_json = $2, updated_at = $3 WHERE id = $4 AND version = $5",
            )
            .bind(draft.version as i64)
            .bind(&state_json)
            .bind(now)
            .bind(&id)
            .bind(old)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected()),
        };
        match written {
            Ok(1) => {}
            Ok(_) => continue, // another request changed the draft first: read it again
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        let op = sqlx::query(
            "INSERT INTO draft_ops (op_id, draft_id, fingerprint, reply_json, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&change.op_id)
        .bind(&id)
        .bind(&fingerprint)
        .bind(&reply_json)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match op {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        if let Some((done, answers)) = &created {
            sqlx::query(
                "INSERT INTO applications (id, receipt, owner, draft_id, form_id, answers_json, status, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(&done.application_id)
            .bind(&done.receipt)
            .bind(&citizen.account_id)
            .bind(&id)
            .bind(&draft.form_id)
            .bind(serde_json::to_string(answers).map_err(json_err)?)
            .bind(ApplicationStatus::Submitted.code())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_event(
                &mut tx,
                &done.application_id,
                now,
                ApplicationStatus::Submitted,
                "",
                &[],
                &citizen.actor(),
            )
            .await?;
        }
        tx.commit().await?;
        if let Some((done, _)) = &created {
            state
                .db
                .audit(
                    now,
                    Event {
                        actor: &citizen.actor(),
                        action: "application-submitted",
                        object: &format!("application:{}", done.application_id),
                        outcome: Outcome::Ok,
                        ip: &citizen.ip,
                    },
                )
                .await?;
        }
        return Ok(reply_response(&reply));
    }
    Err(AppError::Conflict("conflict"))
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application_id: &str,
    at: i64,
    status: ApplicationStatus,
    message: &str,
    fields: &[String],
    actor: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO application_events (application_id, at, status, message, fields_json, actor)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(application_id)
    .bind(at)
    .bind(status.code())
    .bind(message)
    .bind(serde_json::to_string(fields).map_err(json_err)?)
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The person's drafts on the server (to continue on another device).
#[utoipa::path(
    get,
    path = "/api/v1/drafts",
    tag = "applications",
    security(("session" = [])),
    responses((status = 200, description = "Drafts neither deleted nor submitted, newest first", body = [DraftSnapshot]))
)]
pub async fn list_drafts(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<Vec<DraftSnapshot>>> {
    let rows =
        sqlx::query("SELECT state_json FROM drafts WHERE owner = $1 ORDER BY updated_at DESC")
            .bind(&citizen.account_id)
            .fetch_all(state.db.pool())
            .await?;
    let mut out = Vec::new();
    for r in rows {
        let d: ServerDraft =
            serde_json::from_str(&r.try_get::<String, _>("state_json")?).map_err(json_err)?;
        // A submitted draft is an application now; it is listed there.
        if !d.deleted && d.submission.is_none() {
            out.push(d.snapshot());
        }
    }
    Ok(Json(out))
}

/// One draft as the server has it.
#[utoipa::path(
    get,
    path = "/api/v1/drafts/{id}",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "The draft", body = DraftSnapshot),
        (status = 404, description = "No such draft of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn get_draft(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<DraftSnapshot>> {
    let row = state.draft_row(&id).await?;
    let row = citizen.owned(&state, "draft-read", row).await?;
    Ok(Json(row.state.snapshot()))
}

struct ApplicationRow(Application, String);

impl Owned for ApplicationRow {
    fn owner(&self) -> &str {
        &self.1
    }
    fn audit_name(&self) -> String {
        format!("application:{}", self.0.id)
    }
}

impl AppState {
    async fn application(&self, id: &str) -> Result<Option<ApplicationRow>> {
        let Some(r) = sqlx::query(
            "SELECT id, receipt, owner, draft_id, form_id, answers_json, status, created_at FROM applications WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await?
        else {
            return Ok(None);
        };
        let status: String = r.try_get("status")?;
        let events = sqlx::query(
            "SELECT at, status, message, fields_json FROM application_events WHERE application_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.db.pool())
        .await?;
        let mut timeline = Vec::new();
        for e in events {
            let s: String = e.try_get("status")?;
            timeline.push(TimelineEvent {
                at: e.try_get("at")?,
                status: ApplicationStatus::from_code(&s)
                    .ok_or_else(|| AppError::Internal(format!("status {s}")))?,
                message: e.try_get("message")?,
                fields: serde_json::from_str(&e.try_get::<String, _>("fields_json")?)
                    .map_err(json_err)?,
            });
        }
        Ok(Some(ApplicationRow(
            Application {
                id: r.try_get("id")?,
                receipt: r.try_get("receipt")?,
                form_id: r.try_get("form_id")?,
                draft_id: r.try_get("draft_id")?,
                status: ApplicationStatus::from_code(&status)
                    .ok_or_else(|| AppError::Internal(format!("status {status}")))?,
                answers: serde_json::from_str(&r.try_get::<String, _>("answers_json")?)
                    .map_err(json_err)?,
                timeline,
                created_at: r.try_get("created_at")?,
            },
            r.try_get("owner")?,
        )))
    }

    async fn summaries(&self, owner: Option<&str>) -> Result<Vec<ApplicationSummary>> {
        let sql = "SELECT id, receipt, form_id, status, created_at, updated_at FROM applications";
        let rows = match owner {
            Some(owner) => {
                sqlx::query(&format!(
                    "{sql} WHERE owner = $1 ORDER BY created_at DESC, id DESC"
                ))
                .bind(owner)
                .fetch_all(self.db.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("{sql} ORDER BY created_at DESC, id DESC"))
                    .fetch_all(self.db.pool())
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(ApplicationSummary {
                    id: r.try_get("id")?,
                    receipt: r.try_get("receipt")?,
                    form_id: r.try_get("form_id")?,
                    status: ApplicationStatus::from_code(&status)
                        .ok_or_else(|| AppError::Internal(format!("status {status}")))?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Moves an application to `status` with a timeline event, if it is still at `from`.
    async fn move_application(
        &self,
        app: &Application,
        status: ApplicationStatus,
        message: &str,
        fields: &[String],
        answers: Option<&Answers>,
        actor: &str,
    ) -> Result<()> {
        let now = self.auth.now();
        let mut tx = self.db.pool().begin().await?;
        let moved = match answers {
            Some(answers) => sqlx::query(
                "UPDATE applications SET status = $1, updated_at = $2, answers_json = $3 WHERE id = $4 AND status = $5",
            )
            .bind(status.code())
            .bind(now)
            .bind(serde_json::to_string(answers).map_err(json_err)?)
            .bind(&app.id)
            .bind(app.status.code())
            .execute(&mut *tx)
            .await?,
            None => sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                .bind(status.code())
                .bind(now)
                .bind(&app.id)
                .bind(app.status.code())
                .execute(&mut *tx)
                .await?,
        };
        if moved.rows_affected() != 1 {
            return Err(AppError::Conflict("conflict"));
        }
        insert_event(&mut tx, &app.id, now, status, message, fields, actor).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The person's applications, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    security(("session" = [])),
    responses((status = 200, description = "Newest first", body = ApplicationList))
)]
pub async fn list_applications(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ApplicationList>> {
    Ok(Json(ApplicationList {
        items: state.summaries(Some(&citizen.account_id)).await?,
    }))
}

/// One application with its answers and timeline.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application", body = Application),
        (status = 404, description = "No such application of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn get_application(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Application>> {
    let row = state.application(&id).await?;
    let ApplicationRow(app, _) = citizen.owned(&state, "application-read", row).await?;
    state
        .db
        .audit(
            state.auth.now(),
            Event {
                actor: &citizen.actor(),
                action: "application-read",
                object: &format!("application:{}", app.id),
                outcome: Outcome::Ok,
                ip: &citizen.ip,
            },
        )
        .await?;
    Ok(Json(app))
}

/// Supply what a supplement (补正) asked for: new answers for those fields only.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/supplement",
    tag = "applications",
    security(("session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = Supplement,
    responses(
        (status = 200, description = "Supplied: back in review", body = Application),
        (status = 409, description = "No supplement is requested now", body = tongban_core::api::ErrorBody),
        (status = 422, description = "Answers outside the request, or refused", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn supply(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(supplement): Json<Supplement>,
) -> Result<Json<Application>> {
    let row = state.application(&id).await?;
    let ApplicationRow(app, _) = citizen.owned(&state, "application-supplement", row).await?;
    let requested = app.requested_fields().to_vec();
    if requested.is_empty() {
        return Err(AppError::Conflict("supplement-not-requested"));
    }
    let outside: Vec<FieldError> = supplement
        .answers
        .keys()
        .filter(|p| !requested.contains(p))
        .map(|p| FieldError::new(p.as_str(), "field-not-requested"))
        .collect();
    if !outside.is_empty() {
        return Err(AppError::Invalid {
            code: "field-not-requested".into(),
            fields: outside,
        });
    }
    let (schema, _) = form_for(&state, &app.form_id).await?;
    let mut answers = app.answers.clone();
    answers.extend(supplement.answers.clone());
    let answers = schema.submitted_answers(&answers);
    let errors = schema.validate(&answers, china_date(state.auth.now()));
    if !errors.is_empty() {
        return Err(AppError::Invalid {
            code: "validation".into(),
            fields: errors,
        });
    }
    state
        .move_application(
            &app,
            ApplicationStatus::InReview,
            "",
            &requested,
            Some(&answers),
            &citizen.actor(),
        )
        .await?;
    let row = state.application(&id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(row.0))
}

/// Every application, for department staff, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/applications",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "Newest first", body = ApplicationList))
)]
pub async fn staff_list(
    State(state): State<AppState>,
    _staff: StaffMember,
) -> Result<Json<ApplicationList>> {
    Ok(Json(ApplicationList {
        items: state.summaries(None).await?,
    }))
}

/// One application, for department staff.
#[utoipa::path(
    get,
    path = "/api/v1/staff/applications/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses((status = 200, description = "The application", body = Application))
)]
pub async fn staff_get(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
) -> Result<Json<Application>> {
    let row = state.application(&id).await?.ok_or(AppError::NotFound)?;
    state
        .db
        .audit(
            state.auth.now(),
            Event {
                actor: &staff.actor(),
                action: "application-read",
                object: &format!("application:{id}"),
                outcome: Outcome::Ok,
                ip: &staff.ip,
            },
        )
        .await?;
    Ok(Json(row.0))
}

/// Staff move an application along its life (受理, 补正, 办结 …).
#[utoipa::path(
    post,
    path = "/api/v1/staff/applications/{id}/status",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Moved", body = Application),
        (status = 409, description = "Not a move allowed from the current status", body = tongban_core::api::ErrorBody),
        (status = 422, description = "A supplement that names no field of the application", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_move(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(change): Json<StatusChange>,
) -> Result<Json<Application>> {
    let ApplicationRow(app, _) = state.application(&id).await?.ok_or(AppError::NotFound)?;
    if !app.status.staff_moves().contains(&change.status) {
        return Err(AppError::Conflict("status-move-not-allowed"));
    }
    if change.status == ApplicationStatus::SupplementRequested {
        let (schema, _) = form_for(&state, &app.form_id).await?;
        let asked: Vec<String> = schema
            .questions(&app.answers)
            .into_iter()
            .map(|q| q.path)
            .collect();
        if change.fields.is_empty() || change.fields.iter().any(|f| !asked.contains(f)) {
            return Err(AppError::field("fields", "field-not-requested"));
        }
    }
    let fields = if change.status == ApplicationStatus::SupplementRequested {
        change.fields.clone()
    } else {
        Vec::new()
    };
    state
        .move_application(
            &app,
            change.status,
            change.message.trim(),
            &fields,
            None,
            &staff.actor(),
        )
        .await?;
    let row = state.application(&id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(row.0))
}
