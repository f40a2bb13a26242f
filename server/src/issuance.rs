//! Certificates issued into people's wallets (电子证照): the resident ID card at identity
//! verification, and the certificate a completed case of a producing matter gives (结婚证,
//! 驾驶证, 营业执照) — each once — and, for one that expires, the reminder to renew it (主动服务)
//! scheduled 90 days ahead, with the matter that renews it; and the reminder of a check the
//! person repeats (养老保险待遇资格认证), scheduled when one is completed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use tongban_core::calendar::Day;
use tongban_core::catalog::{Matter, Recurrence};
use tongban_core::credential::CredentialKind;
use tongban_core::identity::{ResidentId, Sex};
use tongban_core::ids::AccountId;
use tongban_core::message::MessageKind;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::{NewCredential, NewMessage, NewNotification};

type Result<T> = std::result::Result<T, AppError>;

/// How long before a certificate expires its holder is reminded (90 days).
const REMIND_BEFORE: i64 = 90 * 86_400;

/// The police department that issues the person's ID card: their household's city's, or that
/// of the region the number was first issued in — when the catalog has one.
async fn id_card_issuer(
    state: &AppState,
    id: &ResidentId,
    household: Option<&str>,
) -> Result<Option<String>> {
    let region = household.unwrap_or(&id.region_code);
    let city = format!("{}00-ga", region.get(..4).unwrap_or(region));
    Ok(state.store.department(&city).await?.map(|d| d.id))
}

/// At identity verification: the resident ID card certificate, once per person (when a police
/// department of theirs is in the catalog), holding as long as the card does (`valid_until`,
/// its last day, as the register says) — and then the reminder to renew it, linking to the
/// matter of the catalog that renews that department's cards.
pub async fn issue_id_card(
    state: &AppState,
    person: &AccountId,
    name: &str,
    id: &ResidentId,
    household: Option<&str>,
    valid_until: Option<Day>,
) -> Result<()> {
    let existing = state.store.credentials(person).await?;
    if existing.iter().any(|c| {
        c.kind == CredentialKind::ResidentIdCard
            && c.claims.get("id_number").and_then(Value::as_str) == Some(id.number.as_str())
    }) {
        return Ok(());
    }
    let Some(department) = id_card_issuer(state, id, household).await? else {
        return Ok(());
    };
    let (y, m, d) = id.birth_date;
    let mut claims = Map::new();
    claims.insert("name".into(), name.into());
    claims.insert("id_number".into(), id.number.clone().into());
    claims.insert("birth_date".into(), format!("{y:04}-{m:02}-{d:02}").into());
    let sex = match id.sex {
        Sex::Male => "male",
        Sex::Female => "female",
    };
    claims.insert("sex".into(), sex.into());
    if let Some(region) = household {
        claims.insert("household_region".into(), region.into());
    }
    if let Some(day) = valid_until {
        claims.insert("valid_until".into(), day.to_string().into());
    }
    // It holds to the end of its last day.
    let expires_at = valid_until.map(|day| Day(day.0 + 1).start_timestamp());
    let credential = crate::auth::new_id();
    state
        .store
        .put_credential(NewCredential {
            id: &credential,
            account_id: person,
            kind: CredentialKind::ResidentIdCard,
            department_id: &department,
            claims: &claims,
            issued_at: state.auth.now(),
            expires_at,
        })
        .await?;
    if let Some(until) = expires_at {
        let catalog = state.catalog.current(&state.store).await?;
        let renew = catalog
            .index
            .renewal(CredentialKind::ResidentIdCard, &department);
        remind_expiry(
            state,
            person,
            &credential,
            CredentialKind::ResidentIdCard,
            until - 1,
            renew,
        )
        .await?;
    }
    Ok(())
}

/// How long a driving licence renewed here holds (期满换证: ten years).
const DRIVING_LICENCE_YEARS: i64 = 10;

/// When a department completes a case of a matter that produces a certificate (结婚登记 →
/// 结婚证, 期满换证 → 驾驶证, 个体工商户设立登记 → 营业执照): the certificate, issued by that
/// department to the applicant under their verified identity, once per application. Its number
/// is the application's receipt. Nothing is issued to an unverified account.
pub async fn issue_for_case(
    state: &AppState,
    owner: &AccountId,
    receipt: &str,
    department: &str,
    kind: CredentialKind,
    matter: &str,
) -> Result<bool> {
    let Some(account) = state.store.account(owner).await? else {
        return Ok(false);
    };
    let (Some(name), Some(id_number)) = (account.real_name, account.id_number) else {
        return Ok(false);
    };
    let existing = state.store.credentials(owner).await?;
    if existing.iter().any(|c| {
        c.kind == kind
            && c.claims.get("certificate_number").and_then(Value::as_str) == Some(receipt)
    }) {
        return Ok(false);
    }
    let now = state.auth.now();
    let today = Day::of_timestamp(now);
    let mut claims = Map::new();
    claims.insert("name".into(), name.into());
    claims.insert("id_number".into(), id_number.into());
    claims.insert("certificate_number".into(), receipt.into());
    claims.insert("registered_on".into(), today.to_string().into());
    let expires_at = (kind == CredentialKind::DrivingLicence)
        .then(|| now + DRIVING_LICENCE_YEARS * 365 * 86_400);
    let id = crate::auth::new_id();
    state
        .store
        .put_credential(NewCredential {
            id: &id,
            account_id: owner,
            kind,
            department_id: department,
            claims: &claims,
            issued_at: now,
            expires_at,
        })
        .await?;
    if let Some(until) = expires_at {
        remind_expiry(state, owner, &id, kind, until, Some(matter)).await?;
    }
    Ok(true)
}

/// The message that certificate `id` expires at `until`: at 9:00 (Beijing) 90 days before, or
/// now when that has passed; once per certificate (its ids are the certificate's), with the
/// matter that renews it (`renew`), and a text like every message.
pub async fn remind_expiry(
    state: &AppState,
    owner: &AccountId,
    id: &str,
    kind: CredentialKind,
    until: i64,
    renew: Option<&str>,
) -> Result<()> {
    let now = state.auth.now();
    let at = (Day::of_timestamp(until - REMIND_BEFORE).start_timestamp() + 9 * 3600).max(now);
    let mut params = BTreeMap::new();
    params.insert("credential".to_owned(), kind.code().to_owned());
    params.insert("date".to_owned(), Day::of_timestamp(until).to_string());
    if let Some(matter) = renew {
        params.insert("renew".to_owned(), matter.to_owned());
    }
    let (messages, notifications) = crate::cases::tell(
        state,
        owner,
        None,
        MessageKind::CertificateExpiring,
        params,
        at,
    )
    .await?;
    let (messages, notifications) = keyed(
        &format!("credential-{id}-expiring"),
        messages,
        notifications,
    );
    state
        .store
        .put_messages_once(&messages, &notifications)
        .await?;
    Ok(())
}

/// Gives scheduled messages (and their texts) ids under `key`, so each is made once and can be
/// found again to withdraw.
fn keyed(
    key: &str,
    messages: Vec<NewMessage>,
    notifications: Vec<NewNotification>,
) -> (Vec<NewMessage>, Vec<NewNotification>) {
    let messages = messages
        .into_iter()
        .enumerate()
        .map(|(i, mut m)| {
            m.id = format!("{key}-{i}");
            m
        })
        .collect();
    let notifications = notifications
        .into_iter()
        .enumerate()
        .map(|(i, mut n)| {
            n.id = format!("{key}-sms-{i}");
            n
        })
        .collect();
    (messages, notifications)
}

/// When a case of a matter the person repeats (养老保险待遇资格认证, yearly) is completed: the
/// reminder that the next one is due, at 9:00 (Beijing) `remind_days_before` days ahead, with
/// the matter to do it in. It replaces the reminder an earlier completion had scheduled.
pub async fn remind_check(
    state: &AppState,
    owner: &AccountId,
    application_id: &str,
    matter: &Matter,
    recurs: Recurrence,
) -> Result<()> {
    let now = state.auth.now();
    let due = recurs.next_due(Day::of_timestamp(now));
    let at = (recurs.remind_on(due).start_timestamp() + 9 * 3600).max(now);
    let mut params = BTreeMap::new();
    params.insert("matter".to_owned(), matter.name.zh.clone());
    if let Some(en) = &matter.name.en {
        params.insert("matter_en".to_owned(), en.clone());
    }
    params.insert("renew".to_owned(), matter.code.clone());
    params.insert("date".to_owned(), due.to_string());
    params.insert("count".to_owned(), recurs.every_months.to_string());
    let (messages, notifications) = crate::cases::tell(
        state,
        owner,
        Some(application_id),
        MessageKind::CheckDue,
        params,
        at,
    )
    .await?;
    let prefix = format!("check-{}-{}-", owner.as_str(), matter.code);
    let (messages, notifications) = keyed(
        &format!("{prefix}{application_id}"),
        messages,
        notifications,
    );
    state
        .store
        .reschedule_messages(&prefix, &messages, &notifications, now)
        .await?;
    Ok(())
}
