//! 数据使用记录: every use of a person's data, as the person is shown it — by whom (a department
//! and role, a host super-app, the identity register; never a staff member's name), when, for
//! which application, what (categories) and why (purpose), and how it ended, refused attempts
//! included. The entries are the audit log's own, written with the person they are about; this
//! module says which actions are uses and what each one touches.
//!
//! Also the consents the person gave (a receipt each, withdrawable) and the whole record as one
//! JSON document (PIPL Art. 45: access and copy).

use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::benefit::ConsentReceipt;
use crate::model::LocalizedText;

/// What kind of data was used. Message `data-category-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DataCategory {
    /// Name and ID number.
    Identity,
    /// Phone number.
    Contact,
    /// Where the household is registered (户籍).
    Household,
    /// The answers of an application.
    Answers,
    /// Uploaded documents.
    Documents,
    /// Electronic certificates.
    Certificates,
    /// A rating's comment, a question asked.
    Feedback,
    /// A booking at a hall.
    Appointment,
}

impl DataCategory {
    pub const ALL: [Self; 8] = [
        Self::Identity,
        Self::Contact,
        Self::Household,
        Self::Answers,
        Self::Documents,
        Self::Certificates,
        Self::Feedback,
        Self::Appointment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Contact => "contact",
            Self::Household => "household",
            Self::Answers => "answers",
            Self::Documents => "documents",
            Self::Certificates => "certificates",
            Self::Feedback => "feedback",
            Self::Appointment => "appointment",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Why the data was used. Message `data-purpose-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UsePurpose {
    /// A department processing the person's application (reading, deciding, assigning).
    Processing,
    /// Filling a form from the person's verified data.
    Prefill,
    /// Checking the person's name and ID number against the identity register.
    Verification,
    /// A host super-app logging the person in (and asserting their identity).
    HostLogin,
    /// Deciding a benefit granted without an application (免申即享).
    Benefit,
    /// Following up a bad rating (整改): the callback.
    FollowUp,
    /// Answering the person's question (在线咨询).
    Consultation,
    /// A hall checking in the person's booking.
    Appointment,
    /// A certificate issued into the person's wallet (电子证照).
    Wallet,
    /// A certificate the person shared online with an organisation they named.
    Sharing,
}

impl UsePurpose {
    pub const ALL: [Self; 10] = [
        Self::Processing,
        Self::Prefill,
        Self::Verification,
        Self::HostLogin,
        Self::Benefit,
        Self::FollowUp,
        Self::Consultation,
        Self::Appointment,
        Self::Wallet,
        Self::Sharing,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Prefill => "prefill",
            Self::Verification => "verification",
            Self::HostLogin => "host-login",
            Self::Benefit => "benefit",
            Self::FollowUp => "follow-up",
            Self::Consultation => "consultation",
            Self::Appointment => "appointment",
            Self::Wallet => "wallet",
            Self::Sharing => "sharing",
        }
    }
}

/// What an action of the audit log does with the person's data, when it is a use of it at all
/// (a login or a draft saved by the person is not: those are in their activity).
pub fn use_of(action: AuditAction) -> Option<(&'static [DataCategory], UsePurpose)> {
    use AuditAction as A;
    use DataCategory as C;
    use UsePurpose as P;
    Some(match action {
        A::CaseRead | A::ApplicationRead => (&[C::Identity, C::Answers], P::Processing),
        A::DocumentOpened => (&[C::Documents], P::Processing),
        A::CaseMoved | A::CaseAssigned => (&[C::Answers], P::Processing),
        A::ProfileRead => (&[C::Identity, C::Contact], P::Prefill),
        A::IdentityVerify => (&[C::Identity], P::Verification),
        A::HostLogin => (&[C::Identity, C::Contact], P::HostLogin),
        A::BenefitDecided => (&[C::Identity, C::Household], P::Benefit),
        A::RectificationRead | A::RectificationHandled => (&[C::Contact, C::Feedback], P::FollowUp),
        A::ConsultationRead | A::ConsultationAnswered => (&[C::Feedback], P::Consultation),
        A::ArrivalMarked => (&[C::Appointment], P::Appointment),
        A::CredentialIssued => (&[C::Certificates, C::Identity], P::Wallet),
        A::CredentialPresented => (&[C::Certificates, C::Identity], P::Prefill),
        A::ShareCreated | A::ShareOpened => (&[C::Certificates], P::Sharing),
        _ => return None,
    })
}

/// The actions that are uses of a person's data (those `use_of` describes).
pub fn use_actions() -> impl Iterator<Item = AuditAction> {
    AuditAction::ALL
        .iter()
        .copied()
        .filter(|a| use_of(*a).is_some())
}

/// Who used the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DataUser {
    /// A department's staff, named by the department and the role only.
    Department {
        id: String,
        name: LocalizedText,
        role: crate::case::StaffRole,
    },
    /// A host super-app, by the name people know it by (浙里办).
    Host { id: String, name: String },
    /// An organisation the person shared a certificate with, by the name the person gave it.
    Organisation { name: String },
    /// The person themselves, through this app (a prefill, a benefit decided for them).
    You,
    /// Someone acting for the person under a mandate or guardianship (masked).
    Agent,
    /// The identity register, asked at verification.
    Register,
    /// Another account (one that tried to verify with the person's ID number: refused).
    Other,
}

/// How a use ended. Message `data-outcome-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UseOutcome {
    Ok,
    /// It was tried and did not succeed (a wrong name, a refused ticket).
    Failed,
    /// It was refused: the data was not given (another department's staff, say).
    Denied,
}

impl UseOutcome {
    pub fn from_code(code: &str) -> Self {
        match code {
            "ok" => Self::Ok,
            "denied" => Self::Denied,
            _ => Self::Failed,
        }
    }
}

/// One use of the person's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataUse {
    /// The audit entry's number: stable, and the cursor of the next page.
    pub id: i64,
    pub at: i64,
    /// The audit action's code (`case-read`, `document-opened` …); message `data-action-<code>`.
    pub action: String,
    pub by: DataUser,
    /// The application it was for, when it was for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    pub categories: Vec<DataCategory>,
    pub purpose: UsePurpose,
    pub outcome: UseOutcome,
}

/// `GET /api/v1/me/data-uses`: newest first, a page at a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataUseList {
    pub items: Vec<DataUse>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// A consent the person gave, with whether and when it was withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentEntry {
    pub receipt: ConsentReceipt,
    /// What it was given for (`benefit` …).
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<i64>,
}

/// `GET /api/v1/me/consents`: newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentList {
    pub items: Vec<ConsentEntry>,
}

/// `GET /api/v1/me/data-export`: everything the service holds about the person, in one document
/// (PIPL Art. 45): the account, every application with its answers and timeline (documents by
/// their ids), the consents, every use of the data and the account's activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataExport {
    /// When it was made (seconds since 1970).
    pub exported_at: i64,
    pub profile: crate::auth::Profile,
    pub level: crate::auth::RealNameLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_region: Option<String>,
    pub applications: Vec<crate::application::Application>,
    pub consents: Vec<ConsentEntry>,
    /// The certificates shared online, and where each stands (never a code).
    #[serde(default)]
    pub shares: Vec<crate::credential::share::ShareSummary>,
    pub data_uses: Vec<DataUse>,
    pub activity: Vec<crate::auth::ActivityEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_reads_are_uses_and_logins_are_not() {
        assert_eq!(
            use_of(AuditAction::DocumentOpened),
            Some((&[DataCategory::Documents][..], UsePurpose::Processing))
        );
        assert!(use_of(AuditAction::Login).is_none());
        assert!(use_of(AuditAction::DraftChange).is_none());
        assert!(use_actions().any(|a| a == AuditAction::HostLogin));
        for c in DataCategory::ALL {
            assert_eq!(DataCategory::from_code(c.code()), Some(c));
        }
    }
}
