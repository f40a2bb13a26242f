//! Moving a case one step (受理, 补正, 转办, 审批, 办结) as a staff member may — the one path
//! the workbench (`staff.rs`) and the application-level routes (`staff_applications.rs`) share —
//! and what a completed case gives the person: the rating invitation, the certificate its matter
//! produces and the reminder of a check they repeat.

use tongban_core::application::ApplicationStatus;
use tongban_core::audit::AuditAction;
use tongban_core::calendar::Day;
use tongban_core::case::{case_moves, CaseMove, Holder, REJECT_REASONS};
use tongban_core::catalog::{FormRef, Matter};
use tongban_core::ids::AccountId;
use tongban_core::message::MessageKind;

use crate::access::{CaseAccess, StaffMember};
use crate::audit::Outcome;
use crate::cases::{askable_fields, days_left, department_ref, params, tell};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{CaseRow, CaseStep, Moved};

type Result<T> = std::result::Result<T, AppError>;

/// The matters of a case, from the catalog.
pub(super) async fn matters_of(state: &AppState, case: &CaseRow) -> Result<Vec<Matter>> {
    let mut out = Vec::new();
    for code in &case.matters {
        out.push(state.store.matter(code).await?.ok_or(AppError::NotFound)?);
    }
    Ok(out)
}

/// Moves a case one step, as this staff member may: their department holds it, the step is
/// one the case allows from where it is, and their role makes it.
pub(super) async fn step(
    state: &AppState,
    staff: &StaffMember,
    case: CaseRow,
    access: CaseAccess,
    change: &CaseMove,
) -> Result<()> {
    let object = format!("case:{}", case.id);
    let refusal = if access != CaseAccess::Act
        || !case_moves(case.status, case.holder).contains(&change.status)
    {
        Some(AppError::Conflict("status-move-not-allowed"))
    } else if !staff.role.may_move_to(change.status) {
        Some(AppError::Forbidden("role-not-allowed"))
    } else {
        None
    };
    if let Some(refusal) = refusal {
        let denied = Outcome::Denied;
        staff
            .audit_case(state, &case, AuditAction::CaseMoved, &object, denied)
            .await?;
        return Err(refusal);
    }
    let record = state
        .store
        .application(&case.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let app = &record.application;
    let fields = if change.status == ApplicationStatus::SupplementRequested {
        let schema = crate::forms::resolve(state, &app.form_id).await?.schema;
        let matters = matters_of(state, &case).await?;
        let refs: Vec<&Matter> = matters.iter().collect();
        let askable = askable_fields(&schema, &FormRef::parse(&app.form_id), &refs, &app.answers);
        if change.fields.is_empty() || change.fields.iter().any(|f| !askable.contains(f)) {
            return Err(AppError::field("fields", "field-not-requested"));
        }
        change.fields.clone()
    } else {
        Vec::new()
    };
    let reason = if change.status == ApplicationStatus::Rejected {
        match change.reason.as_deref() {
            Some(r) if REJECT_REASONS.contains(&r) => Some(r),
            _ => return Err(AppError::field("reason", "reason-required")),
        }
    } else {
        None
    };
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let (due_day, paused_days_left) = if change.status == ApplicationStatus::SupplementRequested {
        // The clock stands while the person supplies (补正 time is not counted).
        (None, days_left(state, &case, today))
    } else {
        (case.due_day, case.paused_days_left)
    };
    let holder = if change.status == ApplicationStatus::Forwarded {
        Holder::Deciding
    } else {
        case.holder
    };
    let catalog = state.catalog.current(&state.store).await?;
    let department = department_ref(&catalog.index, &staff.department_id);
    let kind = match change.status {
        ApplicationStatus::SupplementRequested => MessageKind::SupplementRequested,
        ApplicationStatus::Approved | ApplicationStatus::Rejected => MessageKind::Decided,
        _ => MessageKind::StatusChanged,
    };
    let mut message_params = params(&app.receipt, &department, Some(change.status), None);
    if kind == MessageKind::SupplementRequested {
        message_params.insert("count".into(), fields.len().to_string());
    }
    let (mut messages, mut notifications) = tell(
        state,
        &record.owner,
        Some(&app.id),
        kind,
        message_params,
        now,
    )
    .await?;
    let cases = state.store.cases_of(&app.id).await?;
    if super::evaluations::completes(&cases, &case.id, change.status) {
        // The application is done: how was the service? (好差评)
        let (m, n) =
            super::evaluations::invitation(state, &record.owner, &app.id, &app.receipt, now)
                .await?;
        messages.extend(m);
        notifications.extend(n);
    }
    let moved = state
        .store
        .move_case(CaseStep {
            case_id: &case.id,
            application_id: &case.application_id,
            from: case.status,
            to: change.status,
            holder,
            due_day,
            due_certainty: case.due_certainty,
            paused_days_left,
            message: change.message.trim(),
            reason,
            fields: &fields,
            department_id: &staff.department_id,
            actor: &staff.actor(),
            at: now,
            messages: &messages,
            notifications: &notifications,
        })
        .await?;
    if moved == Moved::StatusChanged {
        return Err(AppError::Conflict("conflict"));
    }
    let moved = format!("{object} {}", change.status.code());
    staff
        .audit_for(
            state,
            Some(&record.owner),
            Some(&case.application_id),
            AuditAction::CaseMoved,
            &moved,
            Outcome::Ok,
        )
        .await?;
    if change.status == ApplicationStatus::Completed {
        let matters = matters_of(state, &case).await?;
        completed(
            state,
            staff,
            &record.owner,
            &case.application_id,
            &app.receipt,
            &matters,
            &object,
        )
        .await?;
    }
    Ok(())
}

/// What a completed case gives the person beyond the message: the certificate its matters
/// produce (电子证照, audited as issued) and the reminder of a check they repeat (主动服务).
async fn completed(
    state: &AppState,
    staff: &StaffMember,
    owner: &AccountId,
    application_id: &str,
    receipt: &str,
    matters: &[Matter],
    object: &str,
) -> Result<()> {
    for matter in matters {
        if let Some(recurs) = matter.recurs {
            crate::issuance::remind_check(state, owner, application_id, matter, recurs).await?;
        }
        let Some(kind) = matter.produces else {
            continue;
        };
        let issued = crate::issuance::issue_for_case(
            state,
            owner,
            receipt,
            &staff.department_id,
            kind,
            &matter.code,
        )
        .await?;
        if issued {
            let what = format!("{object} {}", kind.code());
            staff
                .audit_for(
                    state,
                    Some(owner),
                    Some(application_id),
                    AuditAction::CredentialIssued,
                    &what,
                    Outcome::Ok,
                )
                .await?;
        }
    }
    Ok(())
}
