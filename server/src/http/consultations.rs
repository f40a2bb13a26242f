//! 在线咨询: a question the guide did not answer goes to the matter's department as a thread (with
//! the application when it is about one); the department's staff answer it in the workbench, the
//! person is told in the message centre and may ask again on the thread; a good answer becomes a
//! FAQ entry of the guide for everyone. The department sees how fast it answers (median hours,
//! overdue threads against the region's `--consultation-answer-days`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::collections::BTreeMap;
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::catalog::{CatalogIndex, Faq};
use tongban_core::consultation::{
    check_text, median_hours, Author, Consultation, ConsultationList, NewConsultation, NewFaq,
    NewPost, Post, StaffConsultation, StaffConsultationList,
};
use tongban_core::message::MessageKind;

use crate::access::{Citizen, StaffMember};
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::cases::{department_ref, tell};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{ConsultationRow, PostRow, ThreadPost};

type Result<T> = std::result::Result<T, AppError>;

/// How long a department has to answer a question, in working days.
#[derive(Clone, Debug, clap::Args)]
pub struct ConsultationOptions {
    /// Working days a department has to answer a question (在线咨询).
    #[arg(long, env = "TONGBAN_CONSULTATION_ANSWER_DAYS", default_value_t = 1)]
    pub consultation_answer_days: u32,
}

impl Default for ConsultationOptions {
    fn default() -> Self {
        Self {
            consultation_answer_days: 1,
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/consultations", post(ask))
        .route("/me/consultations", get(mine))
        .route("/me/consultations/{id}", get(one))
        .route("/me/consultations/{id}/posts", post(ask_again))
        .route("/staff/consultations", get(staff_list))
        .route("/staff/consultations/{id}", get(staff_one))
        .route("/staff/consultations/{id}/answer", post(answer))
        .route("/staff/consultations/{id}/faq", post(make_faq))
}

fn answer_day(state: &AppState, now: i64) -> Day {
    state
        .calendar
        .add_working_days(
            Day::of_timestamp(now),
            state.consultation_answer_days.max(1),
        )
        .day
}

async fn view(
    state: &AppState,
    index: &CatalogIndex,
    c: &ConsultationRow,
) -> Result<(Consultation, Vec<PostRow>)> {
    let posts = state.store.consultation_posts(&c.id).await?;
    let matter_name = index
        .documents
        .iter()
        .find(|d| d.summary.code == c.matter_code)
        .map(|d| d.summary.name.clone())
        .unwrap_or_else(|| tongban_core::LocalizedText::new(&c.matter_code, &c.matter_code));
    Ok((
        Consultation {
            id: c.id.clone(),
            matter: c.matter_code.clone(),
            matter_name,
            department: department_ref(index, &c.department_id),
            application_id: c.application_id.clone(),
            posts: posts
                .iter()
                .map(|p| Post {
                    author: p.author,
                    text: p.text.clone(),
                    at: p.at,
                })
                .collect(),
            answered: !c.waiting,
            answer_by: c.waiting.then(|| c.answer_by.to_string()),
        },
        posts,
    ))
}

/// The person's thread; `NotFound` when it is not theirs.
async fn own(state: &AppState, citizen: &Citizen, id: &str) -> Result<ConsultationRow> {
    match state.store.consultation(id).await? {
        Some(c) if c.account_id == citizen.account_id => Ok(c),
        Some(_) => {
            state
                .audit(
                    &citizen.actor(),
                    AuditAction::ConsultationAsked,
                    &format!("consultation:{id}"),
                    Outcome::Denied,
                    &citizen.ip,
                )
                .await?;
            Err(AppError::NotFound)
        }
        None => Err(AppError::NotFound),
    }
}

/// Ask the matter's department a question the guide did not answer.
#[utoipa::path(
    post,
    path = "/api/v1/consultations",
    tag = "consultations",
    security(("session" = [])),
    request_body = NewConsultation,
    responses(
        (status = 201, description = "Sent to the department", body = Consultation),
        (status = 404, description = "No such application of this person", body = tongban_core::api::ErrorBody),
        (status = 422, description = "An empty or too long question, or a matter the catalog does not have", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn ask(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(new): Json<NewConsultation>,
) -> Result<(StatusCode, Json<Consultation>)> {
    let errors = new.check();
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let catalog = state.catalog.current(&state.store).await?;
    let Some(matter) = state.store.matter(&new.matter).await? else {
        return Err(AppError::field("matter", "field-choice"));
    };
    if let Some(app) = &new.application_id {
        let record = state.store.application(app).await?;
        citizen
            .owned(&state, AuditAction::ApplicationRead, record)
            .await?;
    }
    let now = state.auth.now();
    let row = ConsultationRow {
        id: new_id(),
        account_id: citizen.account_id.clone(),
        matter_code: matter.code.clone(),
        department_id: matter.department_id.clone(),
        application_id: new.application_id.clone(),
        waiting: true,
        asked_at: now,
        answer_by: answer_day(&state, now),
        in_faq: false,
        created_at: now,
    };
    let question = PostRow {
        id: new_id(),
        author: Author::Person,
        staff_id: None,
        text: new.question.trim().to_owned(),
        at: now,
    };
    state.store.put_consultation(&row, &question).await?;
    state
        .audit(
            &citizen.actor(),
            AuditAction::ConsultationAsked,
            &format!("consultation:{} matter:{}", row.id, row.matter_code),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let (view, _) = view(&state, &catalog.index, &row).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The person's questions and their answers, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/consultations",
    tag = "consultations",
    security(("session" = [])),
    responses((status = 200, description = "The person's questions", body = ConsultationList))
)]
pub async fn mine(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<Json<ConsultationList>> {
    let catalog = state.catalog.current(&state.store).await?;
    let mut items = Vec::new();
    for c in state.store.consultations_of(&citizen.account_id).await? {
        items.push(view(&state, &catalog.index, &c).await?.0);
    }
    Ok(Json(ConsultationList { items }))
}

/// One of the person's questions.
#[utoipa::path(
    get,
    path = "/api/v1/me/consultations/{id}",
    tag = "consultations",
    security(("session" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    responses(
        (status = 200, description = "The thread", body = Consultation),
        (status = 404, description = "No such consultation of this person", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn one(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<Json<Consultation>> {
    let c = own(&state, &citizen, &id).await?;
    let catalog = state.catalog.current(&state.store).await?;
    Ok(Json(view(&state, &catalog.index, &c).await?.0))
}

/// Ask again on the thread (the department has the same time again to answer).
#[utoipa::path(
    post,
    path = "/api/v1/me/consultations/{id}/posts",
    tag = "consultations",
    security(("session" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    request_body = NewPost,
    responses(
        (status = 200, description = "Sent", body = Consultation),
        (status = 404, description = "No such consultation of this person", body = tongban_core::api::ErrorBody),
        (status = 422, description = "An empty or too long text", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn ask_again(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
    Json(new): Json<NewPost>,
) -> Result<Json<Consultation>> {
    let c = own(&state, &citizen, &id).await?;
    let errors = check_text("text", &new.text);
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let now = state.auth.now();
    let post = PostRow {
        id: new_id(),
        author: Author::Person,
        staff_id: None,
        text: new.text.trim().to_owned(),
        at: now,
    };
    state
        .store
        .add_consultation_post(ThreadPost {
            consultation_id: &c.id,
            post: &post,
            answer_by: Some(answer_day(&state, now)),
            messages: &[],
            notifications: &[],
        })
        .await?;
    state
        .audit(
            &citizen.actor(),
            AuditAction::ConsultationAsked,
            &format!("consultation:{id}"),
            Outcome::Ok,
            &citizen.ip,
        )
        .await?;
    let c = state
        .store
        .consultation(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalog = state.catalog.current(&state.store).await?;
    Ok(Json(view(&state, &catalog.index, &c).await?.0))
}

/// The thread if it is this staff member's department's; `NotFound`, audited, otherwise.
async fn departments(
    state: &AppState,
    staff: &StaffMember,
    action: AuditAction,
    id: &str,
) -> Result<ConsultationRow> {
    match state.store.consultation(id).await? {
        Some(c) if c.department_id == staff.department_id => Ok(c),
        Some(c) => {
            let object = format!("consultation:{id}");
            asked(state, staff, &c, action, &object, Outcome::Denied).await?;
            Err(AppError::NotFound)
        }
        None => Err(AppError::NotFound),
    }
}

/// Records what a staff member did with a person's question: in the person's data record too.
async fn asked(
    state: &AppState,
    staff: &StaffMember,
    c: &ConsultationRow,
    action: AuditAction,
    object: &str,
    outcome: Outcome,
) -> Result<()> {
    let application = c.application_id.as_deref();
    staff
        .audit_for(
            state,
            Some(&c.account_id),
            application,
            action,
            object,
            outcome,
        )
        .await
}

async fn staff_view(
    state: &AppState,
    index: &CatalogIndex,
    c: &ConsultationRow,
    today: Day,
) -> Result<(StaffConsultation, Vec<PostRow>)> {
    let (consultation, posts) = view(state, index, c).await?;
    let receipt = match &c.application_id {
        Some(id) => state
            .store
            .application(id)
            .await?
            .map(|r| r.application.receipt),
        None => None,
    };
    Ok((
        StaffConsultation {
            consultation,
            receipt,
            overdue: c.waiting && today > c.answer_by,
            in_faq: c.in_faq,
        },
        posts,
    ))
}

/// Seconds from each question to the department's next answer.
fn answer_times(posts: &[PostRow]) -> Vec<i64> {
    let mut out = Vec::new();
    let mut asked: Option<i64> = None;
    for p in posts {
        match p.author {
            Author::Person => {
                asked.get_or_insert(p.at);
            }
            Author::Department => {
                if let Some(at) = asked.take() {
                    out.push(p.at - at);
                }
            }
        }
    }
    out
}

/// The department's questions: waiting ones first (overdue first), with how fast it answers.
#[utoipa::path(
    get,
    path = "/api/v1/staff/consultations",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "The department's questions", body = StaffConsultationList))
)]
pub async fn staff_list(
    State(state): State<AppState>,
    staff: StaffMember,
) -> Result<Json<StaffConsultationList>> {
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let mut items = Vec::new();
    let mut times = Vec::new();
    for c in state
        .store
        .department_consultations(&staff.department_id)
        .await?
    {
        let (item, posts) = staff_view(&state, &catalog.index, &c, today).await?;
        times.extend(answer_times(&posts));
        items.push(item);
    }
    items.sort_by_key(|i| (!i.overdue, i.consultation.answered));
    state
        .audit(
            &staff.actor(),
            AuditAction::ConsultationRead,
            &format!("department:{}", staff.department_id),
            Outcome::Ok,
            &staff.ip,
        )
        .await?;
    Ok(Json(StaffConsultationList {
        waiting: items.iter().filter(|i| !i.consultation.answered).count() as u32,
        overdue: items.iter().filter(|i| i.overdue).count() as u32,
        median_hours_to_answer: median_hours(times),
        answer_days: state.consultation_answer_days,
        items,
    }))
}

/// One question of the department.
#[utoipa::path(
    get,
    path = "/api/v1/staff/consultations/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    responses(
        (status = 200, description = "The thread", body = StaffConsultation),
        (status = 404, description = "No such consultation of this department", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn staff_one(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
) -> Result<Json<StaffConsultation>> {
    let c = departments(&state, &staff, AuditAction::ConsultationRead, &id).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let item = staff_view(&state, &catalog.index, &c, today).await?.0;
    let object = format!("consultation:{id}");
    asked(
        &state,
        &staff,
        &c,
        AuditAction::ConsultationRead,
        &object,
        Outcome::Ok,
    )
    .await?;
    Ok(Json(item))
}

/// Answer the question: the person is told in the message centre.
#[utoipa::path(
    post,
    path = "/api/v1/staff/consultations/{id}/answer",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    request_body = NewPost,
    responses(
        (status = 200, description = "Answered", body = StaffConsultation),
        (status = 404, description = "No such consultation of this department", body = tongban_core::api::ErrorBody),
        (status = 422, description = "An empty or too long answer", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(new): Json<NewPost>,
) -> Result<Json<StaffConsultation>> {
    let c = departments(&state, &staff, AuditAction::ConsultationAnswered, &id).await?;
    let errors = check_text("text", &new.text);
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let now = state.auth.now();
    let catalog = state.catalog.current(&state.store).await?;
    let department = department_ref(&catalog.index, &c.department_id);
    let (thread, _) = view(&state, &catalog.index, &c).await?;
    let mut params = BTreeMap::new();
    params.insert("department".to_owned(), department.name.zh.clone());
    if let Some(en) = &department.name.en {
        params.insert("department_en".to_owned(), en.clone());
    }
    params.insert("matter".to_owned(), thread.matter_name.zh.clone());
    if let Some(en) = &thread.matter_name.en {
        params.insert("matter_en".to_owned(), en.clone());
    }
    params.insert("consultation".to_owned(), c.id.clone());
    let (messages, notifications) = tell(
        &state,
        &c.account_id,
        c.application_id.as_deref(),
        MessageKind::ConsultationAnswered,
        params,
        now,
    )
    .await?;
    let post = PostRow {
        id: new_id(),
        author: Author::Department,
        staff_id: Some(staff.staff_id.as_str().to_owned()),
        text: new.text.trim().to_owned(),
        at: now,
    };
    state
        .store
        .add_consultation_post(ThreadPost {
            consultation_id: &c.id,
            post: &post,
            answer_by: None,
            messages: &messages,
            notifications: &notifications,
        })
        .await?;
    let object = format!("consultation:{id}");
    asked(
        &state,
        &staff,
        &c,
        AuditAction::ConsultationAnswered,
        &object,
        Outcome::Ok,
    )
    .await?;
    let c = state
        .store
        .consultation(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = Day::of_timestamp(now);
    Ok(Json(staff_view(&state, &catalog.index, &c, today).await?.0))
}

/// Make the answer a FAQ entry of the matter's guide, for everyone (kept through later imports).
#[utoipa::path(
    post,
    path = "/api/v1/staff/consultations/{id}/faq",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    request_body = NewFaq,
    responses(
        (status = 201, description = "In the guide", body = StaffConsultation),
        (status = 404, description = "No such consultation of this department", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Made a FAQ entry already, or not answered yet (`consultation-in-faq`, `status-move-not-allowed`)", body = tongban_core::api::ErrorBody),
        (status = 422, description = "An empty or too long question or answer", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn make_faq(
    State(state): State<AppState>,
    staff: StaffMember,
    Path(id): Path<String>,
    Json(new): Json<NewFaq>,
) -> Result<(StatusCode, Json<StaffConsultation>)> {
    let c = departments(&state, &staff, AuditAction::ConsultationAnswered, &id).await?;
    let errors = new.check();
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    if c.waiting {
        return Err(AppError::Conflict("status-move-not-allowed"));
    }
    let trimmed = |t: &tongban_core::LocalizedText| tongban_core::LocalizedText {
        zh: t.zh.trim().to_owned(),
        en: t
            .en
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned),
    };
    let faq = Faq {
        question: trimmed(&new.question),
        answer: trimmed(&new.answer),
    };
    let now = state.auth.now();
    let added = state
        .store
        .add_faq(
            &new_id(),
            &c.matter_code,
            &faq,
            &c.id,
            staff.staff_id.as_str(),
            now,
        )
        .await?;
    if !added {
        return Err(AppError::Conflict("consultation-in-faq"));
    }
    state.catalog.changed();
    let object = format!("consultation:{id} faq matter:{}", c.matter_code);
    asked(
        &state,
        &staff,
        &c,
        AuditAction::ConsultationAnswered,
        &object,
        Outcome::Ok,
    )
    .await?;
    let c = state
        .store
        .consultation(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(now);
    Ok((
        StatusCode::CREATED,
        Json(staff_view(&state, &catalog.index, &c, today).await?.0),
    ))
}
