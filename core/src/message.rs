//! The message centre (消息中心): what happened to the person's applications — submitted, a
//! status changed, a supplement asked for, a decision, a new promised date — as data whose words
//! come from Fluent (`message-<kind>`), so every shell shows the same sentence.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MessageKind {
    /// The application was received (with its promised date).
    Submitted,
    /// A department moved its part (accepted, forwarded, in review, completed).
    StatusChanged,
    /// A department asks for answers or documents again (补正).
    SupplementRequested,
    /// Approved or rejected.
    Decided,
    /// The promised date moved (the clock stopped during a supplement and runs again).
    DueDateChanged,
    /// A time at a hall was booked (预约成功), with its code.
    AppointmentBooked,
    /// The day before a booked visit.
    AppointmentReminder,
    /// The booking was cancelled (by the person).
    AppointmentCancelled,
    /// Someone asks the person to act for them (a mandate offered), with `grantor`.
    MandateOffered,
    /// A mandate between the person and `party` ended (revoked or given back).
    MandateEnded,
    /// Under a "decide together" mandate, `party` prepared an application (`draft`, of `form`)
    /// for the person to check and submit themself.
    ConfirmRequested,
    /// A helper (帮办, `party`) handed over a draft (`draft`, of `form`) filled in for the person.
    HandedOver,
    /// A hall confirmed the person as guardian of `party` (a minor child): they act for them.
    GuardianConfirmed,
    /// Someone acting for the person (`party`) started an application in their name (`matter`).
    DraftStarted,
    /// The application was completed: how was the service? (again after 3 days if unrated).
    EvaluationInvited,
    /// A department answered the person's bad rating (整改), with `department`.
    RectificationAnswered,
    /// A department answered the person's question (在线咨询), with `department`, `matter`
    /// and `consultation` (its id).
    ConsultationAnswered,
    /// A benefit granted without an application (免申即享, `benefit`, named `matter`) is the
    /// person's to confirm — now, or from the day it is dated (their birthday).
    BenefitAvailable,
    /// A certificate in the wallet (`credential`, a kind's code) expires on `date`: renew it
    /// (`renew`, the matter that does, prefilled from the verified identity).
    CertificateExpiring,
    /// The issuer (`department`) revoked, suspended or reinstated a certificate in the wallet
    /// (`credential`, a kind's code; `credential_status`, its status's code).
    CertificateStatusChanged,
    /// A check the person repeats (养老保险待遇资格认证) is due on `date`: the matter (`matter`,
    /// with `matter_en`; `renew`, its code) done every `count` months.
    CheckDue,
}

impl MessageKind {
    pub const ALL: [Self; 21] = [
        Self::Submitted,
        Self::StatusChanged,
        Self::SupplementRequested,
        Self::Decided,
        Self::DueDateChanged,
        Self::AppointmentBooked,
        Self::AppointmentReminder,
        Self::AppointmentCancelled,
        Self::MandateOffered,
        Self::MandateEnded,
        Self::ConfirmRequested,
        Self::HandedOver,
        Self::GuardianConfirmed,
        Self::DraftStarted,
        Self::EvaluationInvited,
        Self::RectificationAnswered,
        Self::ConsultationAnswered,
        Self::BenefitAvailable,
        Self::CertificateExpiring,
        Self::CertificateStatusChanged,
        Self::CheckDue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::StatusChanged => "status-changed",
            Self::SupplementRequested => "supplement-requested",
            Self::Decided => "decided",
            Self::DueDateChanged => "due-date-changed",
            Self::AppointmentBooked => "appointment-booked",
            Self::AppointmentReminder => "appointment-reminder",
            Self::AppointmentCancelled => "appointment-cancelled",
            Self::MandateOffered => "mandate-offered",
            Self::MandateEnded => "mandate-ended",
            Self::ConfirmRequested => "confirm-requested",
            Self::HandedOver => "handed-over",
            Self::GuardianConfirmed => "guardian-confirmed",
            Self::DraftStarted => "draft-started",
            Self::EvaluationInvited => "evaluation-invited",
            Self::RectificationAnswered => "rectification-answered",
            Self::ConsultationAnswered => "consultation-answered",
            Self::BenefitAvailable => "benefit-available",
            Self::CertificateExpiring => "certificate-expiring",
            Self::CertificateStatusChanged => "certificate-status",
            Self::CheckDue => "check-due",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The message saying it (`message-<code>`), with the params below.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Submitted => "message-submitted",
            Self::StatusChanged => "message-status-changed",
            Self::SupplementRequested => "message-supplement-requested",
            Self::Decided => "message-decided",
            Self::DueDateChanged => "message-due-date-changed",
            Self::AppointmentBooked => "message-appointment-booked",
            Self::AppointmentReminder => "message-appointment-reminder",
            Self::AppointmentCancelled => "message-appointment-cancelled",
            Self::MandateOffered => "message-mandate-offered",
            Self::MandateEnded => "message-mandate-ended",
            Self::ConfirmRequested => "message-confirm-requested",
            Self::HandedOver => "message-handed-over",
            Self::GuardianConfirmed => "message-guardian-confirmed",
            Self::DraftStarted => "message-draft-started",
            Self::EvaluationInvited => "message-evaluation-invited",
            Self::RectificationAnswered => "message-rectification-answered",
            Self::ConsultationAnswered => "message-consultation-answered",
            Self::BenefitAvailable => "message-benefit-available",
            Self::CertificateExpiring => "message-certificate-expiring",
            Self::CertificateStatusChanged => "message-certificate-status",
            Self::CheckDue => "message-check-due",
        }
    }

    /// The SMS template for it (the gateway's words; only a masked receipt and a status in it).
    pub fn sms_template(self) -> &'static str {
        match self {
            Self::Submitted => "case-submitted",
            Self::StatusChanged => "case-status",
            Self::SupplementRequested => "case-supplement",
            Self::Decided => "case-decided",
            Self::DueDateChanged => "case-due-date",
            Self::AppointmentBooked => "appointment-booked",
            Self::AppointmentReminder => "appointment-reminder",
            Self::AppointmentCancelled => "appointment-cancelled",
            Self::MandateOffered => "mandate-offered",
            Self::MandateEnded => "mandate-ended",
            Self::ConfirmRequested => "mandate-confirm",
            Self::HandedOver => "draft-handed-over",
            Self::GuardianConfirmed => "guardian-confirmed",
            Self::DraftStarted => "draft-started",
            Self::EvaluationInvited => "evaluation-invited",
            Self::RectificationAnswered => "rectification-answered",
            Self::ConsultationAnswered => "consultation-answered",
            Self::BenefitAvailable => "benefit-available",
            Self::CertificateExpiring => "certificate-expiring",
            Self::CertificateStatusChanged => "certificate-status",
            Self::CheckDue => "check-due",
        }
    }
}

/// One message. `params` fill its sentence: `receipt`, `department`, `status` (a status code),
/// `date` (`YYYY-MM-DD`), `count`; a booking's `hall`, `time` (`9:30`), `code` and `appointment`
/// (its id). `department` and `hall` may come with an `_en` form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: String,
    pub kind: MessageKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    pub params: BTreeMap<String, String>,
    pub at: i64,
    pub read: bool,
}

/// `GET /api/v1/me/messages`: newest first, and how many are unread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageList {
    pub items: Vec<Message>,
    pub unread: u32,
}

/// A receipt number as an SMS may carry it: its first two and last four characters.
pub fn mask_receipt(receipt: &str) -> String {
    let chars: Vec<char> = receipt.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_receipts_are_masked() {
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::from_code(k.code()), Some(k));
        }
        assert_eq!(mask_receipt("TB2026120112345678"), "TB****5678");
        assert_eq!(mask_receipt("TB12"), "****");
    }
}
