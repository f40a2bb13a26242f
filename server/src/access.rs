//! Access control, in one place: who is calling (a person or a staff member, from their session)
//! and whether an object is theirs.
//!
//! Handlers never compare owners themselves: they take a `Citizen` or `StaffMember` and pass
//! every object they loaded by id through `owned`. An object that is not the caller's answers
//! exactly like one that does not exist (404), so ids cannot be probed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::auth::RealNameLevel;
use tongban_core::case::{Holder, StaffRole};
use tongban_core::ids::{AccountId, StaffId};

use crate::audit::Outcome;
use crate::auth::{presented_token, token_hash, Role};
use crate::error::AppError;
use crate::session::session_actor;
use crate::state::AppState;
use crate::store::{ApplicationRecord, CaseRow, DraftRow, MaterialRow, SessionRow};

/// Something that belongs to one person.
pub trait Owned {
    /// The owning account's id (`None`: it belongs to no person).
    fn owner(&self) -> Option<&AccountId>;
    /// How the object is named in the audit log (an id, never personal data).
    fn audit_name(&self) -> String;
    /// The form (matter or bundle) it is filed under, when it is: an agent reaches it only
    /// within their mandate's matters.
    fn form_id(&self) -> Option<String> {
        None
    }
}

/// The caller's address: the peer, or the first `X-Forwarded-For` hop when the server is
/// configured to sit behind a trusted proxy.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if let Some(ip) = forwarded {
                return Ok(Self(ip.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(Self(peer))
    }
}

/// A logged-in person — or an agent acting for them under a mandate (亲友代办), in which case
/// `account_id` and `level` are the grantor's (whose data it is) and `agent` says who acts.
#[derive(Clone, Debug)]
pub struct Citizen {
    pub account_id: AccountId,
    pub session_id: String,
    pub level: RealNameLevel,
    pub ip: String,
    pub agent: Option<Agent>,
}

/// Who acts for the account, under which mandate, for which matters (none listed: all).
#[derive(Clone, Debug)]
pub struct Agent {
    pub account_id: AccountId,
    pub mandate_id: String,
    pub matters: Vec<String>,
    /// The grantor decides together: the agent prepares, the grantor submits.
    pub decide_together: bool,
}

/// What an agent may reach (paths under `/api/v1`): drafts, applications, documents, bookings,
/// and the grantor's profile to fill a form. Everything else — sessions, identity, messages,
/// mandates themselves, activity — is the person's own, refused to an agent.
const AGENT_PATHS: [&str; 6] = [
    "/api/v1/drafts",
    "/api/v1/applications",
    "/api/v1/materials",
    "/api/v1/me/appointments",
    "/api/v1/me/profile",
    "/api/v1/halls",
];

impl Citizen {
    /// Who does it: the agent when one acts (the audit log names them), else the person.
    pub fn actor(&self) -> Actor {
        match &self.agent {
            Some(a) => Actor::Account(a.account_id.clone()),
            None => Actor::Account(self.account_id.clone()),
        }
    }

    /// Who acts, as the person's messages name them: the agent's masked name and phone.
    pub async fn agent_label(&self, state: &AppState) -> Result<Option<String>, AppError> {
        match &self.agent {
            Some(agent) => account_label(state, &agent.account_id).await,
            None => Ok(None),
        }
    }

    /// The agent's account, when one acts.
    pub fn agent_id(&self) -> Option<&AccountId> {
        self.agent.as_ref().map(|a| &a.account_id)
    }

    /// Whether the caller may touch what is filed under `form_id` (a matter or a bundle): always
    /// for the person, for an agent only within the mandate's matters.
    pub async fn may_act_on(&self, state: &AppState, form_id: &str) -> Result<bool, AppError> {
        let Some(agent) = &self.agent else {
            return Ok(true);
        };
        if agent.matters.is_empty() {
            return Ok(true);
        }
        let catalog = state.catalog.current(&state.store).await?;
        let codes = tongban_core::catalog::FormRef::parse(form_id)
            .matter_codes(&catalog.index.bundles)
            .unwrap_or_else(|| vec![form_id.to_owned()]);
        Ok(tongban_core::mandate::covers(&agent.matters, &codes))
    }

    /// Refuses (403 `mandate-scope`, audited) starting something outside the mandate's matters.
    pub async fn require_scope(
        &self,
        state: &AppState,
        action: AuditAction,
        form_id: &str,
    ) -> Result<(), AppError> {
        if self.may_act_on(state, form_id).await? {
            return Ok(());
        }
        state
            .audit(
                &self.actor(),
                action,
                &format!("form:{form_id}"),
                Outcome::Denied,
                &self.ip,
            )
            .await?;
        Err(AppError::Forbidden("mandate-scope"))
    }

    /// Records a use of the person's own data through the app (a prefill, a verification, a
    /// benefit decided): in the audit log and in the person's data record.
    pub async fn audit_use(
        &self,
        state: &AppState,
        action: AuditAction,
        object: &str,
        outcome: Outcome,
        application: Option<&str>,
    ) -> Result<(), AppError> {
        state
            .audit_about(
                crate::audit::About {
                    person: &self.account_id,
                    application,
                },
                &self.actor(),
                action,
                object,
                outcome,
                &self.ip,
            )
            .await
    }

    /// Refuses when the matter (or action) needs a higher real-name level than the account has.
    pub fn require_level(&self, needed: RealNameLevel) -> Result<(), AppError> {
        if self.level >= needed {
            Ok(())
        } else {
            Err(AppError::Forbidden("identity-required"))
        }
    }

    /// The object if it is this person's; `NotFound` (and an audit entry) if it is someone
    /// else's, exactly as if it did not exist.
    pub async fn owned<T: Owned>(
        &self,
        state: &AppState,
        action: AuditAction,
        object: Option<T>,
    ) -> Result<T, AppError> {
        let in_scope = match &object {
            Some(o) => match o.form_id() {
                Some(form) => self.may_act_on(state, &form).await?,
                None => true,
            },
            None => true,
        };
        match object {
            Some(object) if object.owner() == Some(&self.account_id) && in_scope => Ok(object),
            Some(object) => {
                state
                    .audit(
                        &self.actor(),
                        action,
                        &object.audit_name(),
                        Outcome::Denied,
                        &self.ip,
                    )
                    .await?;
                Err(AppError::NotFound)
            }
            None => Err(AppError::NotFound),
        }
    }
}

/// A logged-in department staff member: who, in which department, with which role.
#[derive(Clone, Debug)]
pub struct StaffMember {
    pub staff_id: StaffId,
    pub session_id: String,
    pub department_id: String,
    pub role: StaffRole,
    pub display_name: String,
    pub ip: String,
}

/// What a staff member may do with a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseAccess {
    /// Read it, and act on it within their role: their department holds it.
    Act,
    /// Read it only: their department received it and forwarded it (its part is done).
    Read,
}

impl StaffMember {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.staff_id.clone())
    }

    /// How this staff member may touch a case: the deciding department's staff once it holds
    /// it, the receiving department's staff (reading only after they forwarded it); nobody
    /// else at all.
    pub fn access(&self, case: &CaseRow) -> Option<CaseAccess> {
        let deciding = case.department_id == self.department_id;
        let receiving = case.receiving_department_id.as_deref() == Some(&self.department_id);
        match case.holder {
            Holder::Deciding if deciding => Some(CaseAccess::Act),
            Holder::Deciding if receiving => Some(CaseAccess::Read),
            Holder::Receiving if receiving => Some(CaseAccess::Act),
            _ => None,
        }
    }

    /// The case if this staff member may touch it (with how); `NotFound`, audited as refused,
    /// when it is another department's — exactly as if it did not exist.
    pub async fn case(
        &self,
        state: &AppState,
        action: AuditAction,
        case: Option<CaseRow>,
    ) -> Result<(CaseRow, CaseAccess), AppError> {
        let Some(case) = case else {
            return Err(AppError::NotFound);
        };
        match self.access(&case) {
            Some(access) => Ok((case, access)),
            None => {
                let object = format!("case:{}", case.id);
                self.audit_case(state, &case, action, &object, Outcome::Denied)
                    .await?;
                Err(AppError::NotFound)
            }
        }
    }

    /// A hall this staff member's department serves at; `NotFound`, audited as refused, for any
    /// other hall — exactly as if it did not exist.
    pub async fn hall(
        &self,
        state: &AppState,
        action: AuditAction,
        id: &str,
    ) -> Result<tongban_core::catalog::Hall, AppError> {
        let serves = state
            .store
            .department(&self.department_id)
            .await?
            .is_some_and(|d| d.halls.iter().any(|h| h == id));
        match state.store.hall(id).await? {
            Some(hall) if serves => Ok(hall),
            Some(hall) => {
                self.refused(state, action, &format!("hall:{}", hall.id))
                    .await?;
                Err(AppError::NotFound)
            }
            None => Err(AppError::NotFound),
        }
    }

    /// Records what this staff member did with a case (or tried to): in the audit log, and in
    /// the data record of the person whose application it is.
    pub async fn audit_case(
        &self,
        state: &AppState,
        case: &CaseRow,
        action: AuditAction,
        object: &str,
        outcome: Outcome,
    ) -> Result<(), AppError> {
        let owner = state.store.application_owner(&case.application_id).await?;
        self.audit_for(
            state,
            owner.as_ref(),
            Some(&case.application_id),
            action,
            object,
            outcome,
        )
        .await
    }

    /// Records what this staff member did with a person's data (`person`, when known).
    pub async fn audit_for(
        &self,
        state: &AppState,
        person: Option<&AccountId>,
        application: Option<&str>,
        action: AuditAction,
        object: &str,
        outcome: Outcome,
    ) -> Result<(), AppError> {
        state
            .audit_event(crate::audit::Event {
                actor: &self.actor(),
                action,
                object,
                outcome,
                ip: &self.ip,
                about: person.map(|person| crate::audit::About {
                    person,
                    application,
                }),
            })
            .await
    }

    /// Records a refused attempt of this staff member in the audit log.
    pub async fn refused(
        &self,
        state: &AppState,
        action: AuditAction,
        object: &str,
    ) -> Result<(), AppError> {
        state
            .audit(&self.actor(), action, object, Outcome::Denied, &self.ip)
            .await
    }
}

/// The live session a request presents for `role`, after the idle and absolute limits; a session
/// found ended is marked so and audited once.
pub async fn live_session(
    parts: &Parts,
    state: &AppState,
    role: Role,
    ip: &str,
) -> Result<SessionRow, AppError> {
    let token =
        presented_token(&parts.headers, role).ok_or(AppError::Unauthorized("unauthorized"))?;
    let session = state
        .store
        .session_by_token(&token_hash(&token))
        .await?
        .ok_or(AppError::Unauthorized("unauthorized"))?;
    if session.revoked_at.is_some() {
        return Err(AppError::Unauthorized("unauthorized"));
    }
    let now = state.auth.now();
    let idle_limit = i64::from(state.auth.config.session_idle_seconds);
    if now >= session.expires_at || now - session.last_seen_at >= idle_limit {
        if state.store.revoke_session(&session.id, now).await? {
            state
                .audit(
                    &session_actor(session.role, &session.principal_id),
                    AuditAction::SessionExpired,
                    &format!("session:{}", session.id),
                    Outcome::Ok,
                    ip,
                )
                .await?;
        }
        return Err(AppError::Unauthorized("session-expired"));
    }
    if session.role != role {
        return Err(AppError::Forbidden("wrong-role"));
    }
    // The app inside a host names it on every call: a session from elsewhere is not used there.
    let in_host = parts
        .headers
        .get(tongban_core::client::HOST_HEADER)
        .and_then(|v| v.to_str().ok());
    if in_host.is_some() && in_host != session.host_id.as_deref() {
        return Err(AppError::Unauthorized("unauthorized"));
    }
    // Idle time is counted in whole minutes: one write a minute per session at most.
    if now - session.last_seen_at >= 60 {
        state.store.touch_session(&session.id, now).await?;
    }
    Ok(session)
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let session = live_session(parts, state, Role::Citizen, &ip).await?;
        let account = state
            .store
            .account(&AccountId::new(session.principal_id))
            .await?
            .ok_or(AppError::Unauthorized("unauthorized"))?;
        let acting = parts
            .headers
            .get(tongban_core::mandate::ACTING_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let Some(mandate_id) = acting else {
            return Ok(Self {
                account_id: account.id,
                session_id: session.id,
                level: account.level,
                ip,
                agent: None,
            });
        };
        acting_for(parts, state, account, session.id, &mandate_id, ip).await
    }
}

/// A person as another one sees them (a mandate's other party, an agent in a message): the
/// masked name when verified, and the masked phone.
pub async fn account_label(state: &AppState, id: &AccountId) -> Result<Option<String>, AppError> {
    Ok(state.store.account(id).await?.map(|a| {
        // A child's account without a phone: the masked name alone.
        if a.phone.starts_with(crate::store::MINOR_PHONE_PREFIX) {
            return tongban_core::auth::mask_name(a.real_name.as_deref().unwrap_or_default());
        }
        let phone = tongban_core::identity::mask_mobile(&a.phone);
        match &a.real_name {
            Some(name) => format!("{} {phone}", tongban_core::auth::mask_name(name)),
            None => phone,
        }
    }))
}

/// The grantor as an agent reaches them: only on the agent's paths, under a mandate of theirs
/// that is accepted and in its dates, with a verified identity; checked on every request, so a
/// revocation ends the agent's access at once. Refusals are audited.
async fn acting_for(
    parts: &Parts,
    state: &AppState,
    agent: crate::store::AccountRow,
    session_id: String,
    mandate_id: &str,
    ip: String,
) -> Result<Citizen, AppError> {
    let actor = Actor::Account(agent.id.clone());
    let object = format!("mandate:{mandate_id}");
    let refuse = |code: &'static str| {
        let (actor, object, ip) = (actor.clone(), object.clone(), ip.clone());
        async move {
            state
                .audit(
                    &actor,
                    AuditAction::MandateUsed,
                    &object,
                    Outcome::Denied,
                    &ip,
                )
                .await?;
            Err::<Citizen, AppError>(AppError::Forbidden(code))
        }
    };
    // The full path (a nested router sees its own part only).
    let path = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path().to_owned(), |u| u.0.path().to_owned());
    let path = path.as_str();
    if !AGENT_PATHS
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
    {
        return refuse("not-for-agents").await;
    }
    if agent.level < RealNameLevel::IdentityVerified {
        return refuse("identity-required").await;
    }
    let today = tongban_core::calendar::Day::of_timestamp(state.auth.now());
    let mandate = state.store.mandate(mandate_id).await?;
    let Some(mandate) = mandate.filter(|m| {
        m.agent_id == agent.id && tongban_core::mandate::is_active(m.status, m.from, m.to, today)
    }) else {
        return refuse("mandate-not-active").await;
    };
    let grantor = state
        .store
        .account(&mandate.grantor_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Citizen {
        account_id: grantor.id,
        session_id,
        level: grantor.level,
        ip,
        agent: Some(Agent {
            account_id: agent.id,
            mandate_id: mandate.id,
            matters: mandate.matters,
            decide_together: mandate.decide_together,
        }),
    })
}

impl FromRequestParts<AppState> for StaffMember {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let session = live_session(parts, state, Role::Staff, &ip).await?;
        let staff = state
            .store
            .staff_member(&StaffId::new(session.principal_id))
            .await?
            .ok_or(AppError::Unauthorized("unauthorized"))?;
        Ok(Self {
            staff_id: staff.id,
            session_id: session.id,
            department_id: staff.department_id,
            role: staff.role,
            display_name: staff.display_name,
            ip,
        })
    }
}

/// Citizen sessions are their account's (a staff session belongs to no person).
pub struct OwnedSession {
    pub row: SessionRow,
    owner: Option<AccountId>,
}

impl From<SessionRow> for OwnedSession {
    fn from(row: SessionRow) -> Self {
        let owner = (row.role == Role::Citizen).then(|| AccountId::new(row.principal_id.clone()));
        Self { row, owner }
    }
}

impl Owned for OwnedSession {
    fn owner(&self) -> Option<&AccountId> {
        self.owner.as_ref()
    }

    fn audit_name(&self) -> String {
        format!("session:{}", self.row.id)
    }
}

impl Owned for DraftRow {
    fn owner(&self) -> Option<&AccountId> {
        Some(&self.owner)
    }
    fn audit_name(&self) -> String {
        format!("draft:{}", self.state.draft_id)
    }
    fn form_id(&self) -> Option<String> {
        Some(self.state.form_id.clone())
    }
}

impl Owned for ApplicationRecord {
    fn owner(&self) -> Option<&AccountId> {
        Some(&self.owner)
    }
    fn audit_name(&self) -> String {
        format!("application:{}", self.application.id)
    }
    fn form_id(&self) -> Option<String> {
        Some(self.application.form_id.clone())
    }
}

impl Owned for MaterialRow {
    fn owner(&self) -> Option<&AccountId> {
        Some(&self.owner)
    }
    fn audit_name(&self) -> String {
        format!("material:{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_includes_the_ones_below_it() {
        let citizen = |level| Citizen {
            account_id: "a".into(),
            session_id: "s".into(),
            level,
            ip: "127.0.0.1".into(),
            agent: None,
        };
        assert!(citizen(RealNameLevel::IdentityVerified)
            .require_level(RealNameLevel::PhoneVerified)
            .is_ok());
        assert!(matches!(
            citizen(RealNameLevel::PhoneVerified).require_level(RealNameLevel::IdentityVerified),
            Err(AppError::Forbidden("identity-required"))
        ));
    }
}
