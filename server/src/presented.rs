//! 免提交 at submission: each certificate the person presented from their wallet instead of a
//! document is checked here, by the same core verifier the phones run — its issuer's signature
//! and status list as the server holds them now, the holder's device key, made for this draft
//! and no other, and the person's own (issued to them, whatever it discloses). What it disclosed is kept with the
//! answers, so the department relies on verified data instead of a photo.

use tongban_core::credential::{CredentialKind, Verdict};
use tongban_core::form::{Answer, Answers, MaterialAnswer, VerifiedCertificate};
use tongban_core::ids::AccountId;
use tongban_core::FieldError;

use crate::error::AppError;
use crate::state::AppState;

/// One certificate presented in the answers, checked.
pub struct Checked {
    pub path: String,
    pub kind: String,
    /// What the department may rely on, or the error code to answer with.
    pub result: Result<VerifiedCertificate, &'static str>,
}

/// Checks every certificate presented among `answers` of draft `draft_id`, for `person`.
pub async fn check(
    state: &AppState,
    person: &AccountId,
    draft_id: &str,
    answers: &Answers,
) -> Result<Vec<Checked>, AppError> {
    let presented: Vec<(&String, &String, Option<&String>)> = answers
        .iter()
        .filter_map(|(path, a)| match a {
            Answer::Material(MaterialAnswer::FromCertificate {
                certificate,
                presentation,
                ..
            }) => Some((path, certificate, presentation.as_ref())),
            _ => None,
        })
        .collect();
    if presented.is_empty() {
        return Ok(Vec::new());
    }
    let bundle = crate::http::credentials::bundle(state).await?;
    let now = state.auth.now();
    let mut checked = Vec::new();
    for (path, kind, presentation) in presented {
        let verdict = presentation.map(|p| bundle.verify_for_application(p, draft_id, now));
        let result = match verdict {
            Some(Verdict::Valid {
                kind: presented_kind,
                issuer,
                claims,
                ..
            }) => {
                let presentation = presentation.map_or("", String::as_str);
                if presented_kind.map(CredentialKind::code) != Some(kind.as_str()) {
                    Err("material-certificate-invalid")
                } else if !crate::http::credentials::issued_to(
                    state,
                    &bundle,
                    &issuer,
                    presentation,
                    person,
                )
                .await?
                {
                    Err("material-certificate-not-yours")
                } else {
                    match bundle.department(&issuer) {
                        Some(department) => Ok(VerifiedCertificate {
                            issuer: department.clone(),
                            claims,
                            checked_at: now,
                        }),
                        None => Err("material-certificate-invalid"),
                    }
                }
            }
            Some(Verdict::Expired { .. }) => Err("material-certificate-expired"),
            Some(Verdict::Revoked | Verdict::Suspended) => Err("material-certificate-revoked"),
            Some(Verdict::Invalid { .. }) | None => Err("material-certificate-invalid"),
        };
        checked.push(Checked {
            path: path.clone(),
            kind: kind.clone(),
            result,
        });
    }
    Ok(checked)
}

/// The errors of the certificates that did not hold, for the answers being submitted.
pub fn errors(checked: &[Checked], answers: &Answers) -> Vec<FieldError> {
    checked
        .iter()
        .filter(|c| answers.contains_key(&c.path))
        .filter_map(|c| {
            c.result
                .as_ref()
                .err()
                .map(|code| FieldError::new(c.path.as_str(), *code))
        })
        .collect()
}

/// The answers as the department gets them: each presented certificate with what was
/// verified of it (whatever the device sent as `verified` replaced).
pub fn record(checked: &[Checked], answers: &mut Answers) {
    for c in checked {
        if let Some(Answer::Material(MaterialAnswer::FromCertificate { verified, .. })) =
            answers.get_mut(&c.path)
        {
            *verified = c.result.as_ref().ok().cloned();
        }
    }
}

/// After the change was written: each presentation in the person's data record (verified, or
/// refused), and for a submission a consent receipt per certificate the department received.
pub async fn note(
    state: &AppState,
    citizen: &crate::access::Citizen,
    submitted: Option<(&tongban_core::draft::Submission, &[crate::store::CaseRow])>,
    checked: &[Checked],
) -> Result<(), AppError> {
    use tongban_core::audit::AuditAction;
    use tongban_core::benefit::ConsentReceipt;
    use tongban_core::LocalizedText;

    let actor = citizen.actor();
    let catalog = state.catalog.current(&state.store).await?;
    for c in checked {
        let outcome = match (&c.result, submitted) {
            (Ok(_), Some(_)) => crate::store::Outcome::Ok,
            // Verified, but the submission did not go through (another answer was wrong).
            (Ok(_), None) => continue,
            (Err(_), _) => crate::store::Outcome::Failed,
        };
        state
            .audit_about(
                crate::store::About {
                    person: &citizen.account_id,
                    application: submitted.map(|(s, _)| s.application_id.as_str()),
                },
                &actor,
                AuditAction::CredentialPresented,
                &format!("credential:{} {}", c.kind, c.path),
                outcome,
                &citizen.ip,
            )
            .await?;
        let (Ok(_), Some((done, cases))) = (&c.result, submitted) else {
            continue;
        };
        let department = cases
            .iter()
            .find(|case| case.answers.contains_key(&c.path))
            .or(cases.first())
            .map(|case| crate::cases::department_ref(&catalog.index, &case.department_id).name)
            .unwrap_or_default();
        let en = department
            .en
            .clone()
            .unwrap_or_else(|| department.zh.clone());
        let receipt = ConsentReceipt {
            id: crate::auth::new_id(),
            withdraw: LocalizedText::new(
                format!(
                    "在本页撤回：{}不再把这份证照的数据用于本申请以外的事。本申请已收到的数据按档案规定保存；要停止办理，请撤回申请。",
                    department.zh
                ),
                format!(
                    "Withdraw it here: {en} then uses the certificate's data for nothing but this application. What this application already received is kept as archives require; to stop it, withdraw the application."
                ),
            ),
            recipient: department,
            categories: vec!["certificates".into(), "identity".into()],
            purpose: LocalizedText::new(
                format!("免提交：申请 {} 以电子证照代替纸质材料", done.receipt),
                format!(
                    "免提交: an e-certificate instead of a paper document for application {}",
                    done.receipt
                ),
            ),
            given_at: state.auth.now(),
        };
        state
            .store
            .put_consent(&citizen.account_id, "prefill", &receipt)
            .await?;
    }
    Ok(())
}
