//! 免申即享 on the server: the person's "for you" inbox decides every benefit of the catalog
//! against what they verified (core's `benefit::decide`, the same rules the device runs) and
//! lists those they qualify for, or will soon, each saying why; confirming one takes one tap —
//! no form: a consent receipt, and an application of the benefit's matter made from the verified
//! data, followed like any other. Every decision shown is recorded in the audit log (the data
//! record lists them).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::collections::BTreeMap;
use tongban_core::audit::AuditAction;
use tongban_core::auth::RealNameLevel;
use tongban_core::benefit::{
    decide, Benefit, BenefitOffer, Claimed, ConsentReceipt, Decision, Facts, ForYou, Missing,
};
use tongban_core::calendar::Day;
use tongban_core::catalog::FormRef;
use tongban_core::form::{Answer, Answers};
use tongban_core::identity::check_resident_id;
use tongban_core::message::MessageKind;
use tongban_core::LocalizedText;

use crate::access::Citizen;
use crate::audit::Outcome;
use crate::auth::new_id;
use crate::cases::{department_ref, plan_cases, tell};
use crate::clock::china_date;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{NewApplication, NewClaim};

type Result<T> = std::result::Result<T, AppError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/benefits", get(for_you))
        .route("/me/benefits/{id}/claim", post(claim))
}

/// What the person has verified, as the rules read it; with their verified name and number.
async fn facts_of(
    state: &AppState,
    citizen: &Citizen,
) -> Result<(Facts, Option<(String, String)>)> {
    let account = state
        .store
        .account(&citizen.account_id)
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    let mut facts = Facts::default();
    let mut identity = None;
    if account.level >= RealNameLevel::IdentityVerified {
        if let (Some(name), Some(number)) = (&account.real_name, &account.id_number) {
            if let Ok(id) = check_resident_id(number, china_date(state.auth.now())) {
                facts.born = Some(id.birth_date);
                identity = Some((name.clone(), number.clone()));
            }
        }
        facts.registered_in = state.store.household_region(&citizen.account_id).await?;
    }
    Ok((facts, identity))
}

fn kind(decision: &Decision) -> &'static str {
    match decision {
        Decision::Qualifies { .. } => "qualifies",
        Decision::From { .. } => "from",
        Decision::No { .. } => "no",
        Decision::Unknown { .. } => "unknown",
    }
}

/// 主动服务: once the person's identity is verified, a message for each benefit they qualify
/// for now, and one dated the day they will (their birthday), which appears then.
pub async fn tell_benefits(state: &AppState, citizen: &Citizen) -> Result<()> {
    let (facts, _) = facts_of(state, citizen).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let claims = state.store.benefit_claims(&citizen.account_id).await?;
    let mut messages = Vec::new();
    let mut notifications = Vec::new();
    for b in &catalog.index.benefits {
        if claims.iter().any(|(id, _)| *id == b.id) {
            continue;
        }
        let at = match decide(b, &facts, today) {
            Decision::Qualifies { .. } => now,
            // 9:00 in Beijing on the day.
            Decision::From { date, .. } => match Day::parse(&date) {
                Some(day) => day.start_timestamp() + 9 * 3600,
                None => continue,
            },
            _ => continue,
        };
        let mut params = BTreeMap::new();
        params.insert("benefit".to_owned(), b.id.clone());
        params.insert("matter".to_owned(), b.name.zh.clone());
        if let Some(en) = &b.name.en {
            params.insert("matter_en".to_owned(), en.clone());
        }
        let (m, n) = tell(
            state,
            &citizen.account_id,
            None,
            MessageKind::BenefitAvailable,
            params,
            at,
        )
        .await?;
        // One per person and benefit: a second verification does not tell it twice.
        let key = format!("benefit-{}-{}", citizen.account_id.as_str(), b.id);
        for (i, mut m) in m.into_iter().enumerate() {
            m.id = format!("{key}-{i}");
            messages.push(m);
        }
        for (i, mut n) in n.into_iter().enumerate() {
            n.id = format!("{key}-sms-{i}");
            notifications.push(n);
        }
    }
    state
        .store
        .put_messages_once(&messages, &notifications)
        .await?;
    Ok(())
}

/// What the person qualifies for (or will soon), each with why.
#[utoipa::path(
    get,
    path = "/api/v1/me/benefits",
    tag = "benefits",
    security(("session" = [])),
    responses((status = 200, description = "The person's \"for you\" inbox", body = ForYou))
)]
pub async fn for_you(State(state): State<AppState>, citizen: Citizen) -> Result<Json<ForYou>> {
    let (facts, _) = facts_of(&state, &citizen).await?;
    let catalog = state.catalog.current(&state.store).await?;
    let today = Day::of_timestamp(state.auth.now());
    let claims = state.store.benefit_claims(&citizen.account_id).await?;
    let mut items = Vec::new();
    for b in &catalog.index.benefits {
        let decision = decide(b, &facts, today);
        if !matches!(decision, Decision::Qualifies { .. } | Decision::From { .. }) {
            continue;
        }
        let object = format!("benefit:{} v{} {}", b.id, b.version, kind(&decision));
        citizen
            .audit_use(
                &state,
                AuditAction::BenefitDecided,
                &object,
                Outcome::Ok,
                None,
            )
            .await?;
        items.push(BenefitOffer {
            id: b.id.clone(),
            version: b.version,
            name: b.name.clone(),
            description: b.description.clone(),
            department: department_ref(&catalog.index, &b.department_id),
            decision,
            application_id: claims
                .iter()
                .find(|(id, _)| *id == b.id)
                .map(|(_, app)| app.clone()),
        });
    }
    let mut missing = Vec::new();
    if facts.born.is_none() {
        missing.push(Missing::Identity);
    }
    if facts.registered_in.is_none() {
        missing.push(Missing::Household);
    }
    Ok(Json(ForYou { items, missing }))
}

/// The consent the claim gives: the department receives the verified identity and household.
fn consent_for(
    benefit: &Benefit,
    department: &LocalizedText,
    phone: &str,
    now: i64,
) -> ConsentReceipt {
    let en = |t: &LocalizedText| t.en.clone().unwrap_or_else(|| t.zh.clone());
    ConsentReceipt {
        id: new_id(),
        recipient: department.clone(),
        categories: vec!["identity".into(), "household".into()],
        purpose: LocalizedText::new(
            format!("发放{}", benefit.name.zh),
            format!("To grant the {}", en(&benefit.name)),
        ),
        given_at: now,
        withdraw: LocalizedText::new(
            format!("向{}申请停发即撤回（电话 {phone}）", department.zh),
            format!(
                "Ask {} to stop it to withdraw (phone {phone})",
                en(department)
            ),
        ),
    }
}

/// Confirm a benefit one qualifies for: no form — a consent receipt and an application of its
/// matter made from the verified data, followed like any other.
#[utoipa::path(
    post,
    path = "/api/v1/me/benefits/{id}/claim",
    tag = "benefits",
    security(("session" = [])),
    params(("id" = String, Path, description = "The benefit's id")),
    responses(
        (status = 201, description = "Confirmed: the application and the consent receipt", body = Claimed),
        (status = 404, description = "No such benefit", body = tongban_core::api::ErrorBody),
        (status = 409, description = "Not qualified (yet), or confirmed already (`benefit-not-qualified`, `benefit-claimed`)", body = tongban_core::api::ErrorBody)
    )
)]
pub async fn claim(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Claimed>)> {
    let catalog = state.catalog.current(&state.store).await?;
    let benefit = catalog
        .index
        .benefits
        .iter()
        .find(|b| b.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let (facts, identity) = facts_of(&state, &citizen).await?;
    let now = state.auth.now();
    let decision = decide(&benefit, &facts, Day::of_timestamp(now));
    let (Decision::Qualifies { .. }, Some((name, number))) = (&decision, identity) else {
        let object = format!(
            "benefit:{} v{} {} claim",
            benefit.id,
            benefit.version,
            kind(&decision)
        );
        citizen
            .audit_use(
                &state,
                AuditAction::BenefitDecided,
                &object,
                Outcome::Denied,
                None,
            )
            .await?;
        return Err(AppError::Conflict("benefit-not-qualified"));
    };
    let matter = state
        .store
        .matter(&benefit.matter_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let department = department_ref(&catalog.index, &benefit.department_id);
    let phone = catalog
        .index
        .department(&benefit.department_id)
        .map(|d| d.phone.clone())
        .unwrap_or_default();
    let consent = consent_for(&benefit, &department.name, &phone, now);
    // What the department needs, from the verified data: no form.
    let mut answers = Answers::new();
    answers.insert("applicant.name".into(), Answer::Text(name));
    answers.insert("applicant.id_number".into(), Answer::Text(number));
    let application_id = new_id();
    let receipt = crate::submission::new_receipt(now);
    let form = FormRef::Matter(matter.code.clone());
    let cases = plan_cases(
        &state,
        &application_id,
        &form,
        std::slice::from_ref(&matter),
        &answers,
        now,
    );
    let mut params = BTreeMap::new();
    params.insert("receipt".to_owned(), receipt.clone());
    if let Some(day) = cases.iter().filter_map(|c| c.due_day).max() {
        params.insert("date".to_owned(), Day(day).to_string());
    }
    let (messages, notifications) = tell(
        &state,
        &citizen.account_id,
        Some(&application_id),
        MessageKind::Submitted,
        params,
        now,
    )
    .await?;
    let actor = citizen.actor();
    let draft_id = format!("benefit:{}:{}", citizen.account_id.as_str(), benefit.id);
    let stored = state
        .store
        .put_benefit_claim(NewClaim {
            account_id: &citizen.account_id,
            benefit_id: &benefit.id,
            benefit_version: benefit.version,
            decision: &decision,
            consent: &consent,
            application: NewApplication {
                id: &application_id,
                receipt: &receipt,
                owner: &citizen.account_id,
                agent: citizen.agent_id(),
                draft_id: &draft_id,
                form_id: &matter.code,
                answers: &answers,
                actor: &actor,
                at: now,
                cases: &cases,
                messages: &messages,
                notifications: &notifications,
            },
        })
        .await?;
    if !stored {
        return Err(AppError::Conflict("benefit-claimed"));
    }
    let object = format!(
        "benefit:{} v{} qualifies claim application:{application_id} consent:{}",
        benefit.id, benefit.version, consent.id
    );
    citizen
        .audit_use(
            &state,
            AuditAction::BenefitDecided,
            &object,
            Outcome::Ok,
            Some(&application_id),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Claimed {
            application_id,
            receipt,
            consent,
        }),
    ))
}
