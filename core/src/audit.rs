//! The audit log's vocabulary: who acted (`Actor`) and what they did (`AuditAction`). Both are
//! stored as their stable codes; the actions a person sees in their own activity have Fluent
//! messages `activity-<code>`.

use crate::ids::{AccountId, StaffId};

/// Who did something: a person, a staff member, or someone not logged in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Account(AccountId),
    Staff(StaffId),
    Anonymous,
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Account(id) => write!(f, "account:{id}"),
            Self::Staff(id) => write!(f, "staff:{id}"),
            Self::Anonymous => f.write_str("anonymous"),
        }
    }
}

impl Actor {
    /// The stored form (`account:<id>`, `staff:<id>`, `anonymous`) read back.
    pub fn parse(code: &str) -> Option<Self> {
        match code.split_once(':') {
            Some(("account", id)) if !id.is_empty() => Some(Self::Account(id.into())),
            Some(("staff", id)) if !id.is_empty() => Some(Self::Staff(id.into())),
            None if code == "anonymous" => Some(Self::Anonymous),
            _ => None,
        }
    }
}

macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident = $code:literal),* $(,)?) => {
        /// What was done, as the audit log records it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)*
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            /// The stable code stored in the log.
            pub fn code(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $code,)*
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(AuditAction::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    /// A login code was sent by SMS.
    CodeSent = "code-sent",
    Login = "login",
    Logout = "logout",
    /// The session presented at a login was replaced by the new one.
    SessionRotated = "session-rotated",
    SessionExpired = "session-expired",
    SessionRevoked = "session-revoked",
    AccountRead = "account-read",
    /// The person's full name, ID number and phone were read to fill a form.
    ProfileRead = "profile-read",
    IdentityVerify = "identity-verify",
    StaffLogin = "staff-login",
    HostLogin = "host-login",
    DraftChange = "draft-change",
    DraftRead = "draft-read",
    ApplicationSubmitted = "application-submitted",
    ApplicationRead = "application-read",
    ApplicationSupplement = "application-supplement",
    MaterialUploaded = "material-uploaded",
    MaterialRead = "material-read",
    /// A staff member opened a case (its answers).
    CaseRead = "case-read",
    /// A staff member opened a document of a case.
    DocumentOpened = "document-opened",
    CaseMoved = "case-moved",
    CaseAssigned = "case-assigned",
    StatsRead = "stats-read",
    AppointmentBooked = "appointment-booked",
    AppointmentCancelled = "appointment-cancelled",
    /// A hall's staff read a day's bookings, or marked an arrival.
    HallDayRead = "hall-day-read",
    ArrivalMarked = "arrival-marked",
    MandateGranted = "mandate-granted",
    MandateAccepted = "mandate-accepted",
    MandateDeclined = "mandate-declined",
    MandateRevoked = "mandate-revoked",
    /// An agent acted (or was refused acting) under a mandate.
    MandateUsed = "mandate-used",
    /// A helper asked to hand a draft over to the person present (帮办): a code was texted.
    HandoverStarted = "handover-started",
    /// The hand-over was confirmed with that code (or a wrong code was given).
    HandoverConfirmed = "handover-confirmed",
    /// The person rated an application or a visit (or rated it again after the follow-up).
    EvaluationGiven = "evaluation-given",
    /// A staff member opened a rectification item (the person's comment and phone).
    RectificationRead = "rectification-read",
    /// A staff member recorded the callback or answered a rectification item.
    RectificationHandled = "rectification-handled",
    /// The person asked a department a question (在线咨询), or asked again on the thread.
    ConsultationAsked = "consultation-asked",
    /// A staff member opened a consultation (the person's question).
    ConsultationRead = "consultation-read",
    /// A staff member answered one, or made its answer a FAQ entry of the guide.
    ConsultationAnswered = "consultation-answered",
    /// A benefit (免申即享) was decided for the person on their verified data (shown, or
    /// confirmed: then with the application and the consent receipt).
    BenefitDecided = "benefit-decided",
    /// The person opened their data record (数据使用记录).
    DataRecordRead = "data-record-read",
    /// The person withdrew a consent they had given.
    ConsentWithdrawn = "consent-withdrawn",
    /// The person downloaded their whole record.
    DataExported = "data-exported",
    /// A certificate was issued into the person's wallet (an SD-JWT VC bound to a device).
    CredentialIssued = "credential-issued",
    /// The issuing department revoked, suspended or reinstated a certificate.
    CredentialStatusSet = "credential-status-set",
    /// The person used a certificate from their wallet instead of a document (免提交): the
    /// presentation verified at submission (or refused), its claims given to the department.
    CredentialPresented = "credential-presented",
    /// The person shared a certificate online with an organisation they named (a one-time
    /// code).
    ShareCreated = "share-created",
    /// The organisation opened the share with its code (or was refused: used before, expired,
    /// taken back).
    ShareOpened = "share-opened",
    /// The person took a share back before it was opened.
    ShareRevoked = "share-revoked",
}

impl AuditAction {
    /// What a person sees in their own account's activity (the rest stays for auditors).
    pub const SHOWN_TO_PERSON: &'static [AuditAction] = &[
        AuditAction::Login,
        AuditAction::Logout,
        AuditAction::SessionRevoked,
        AuditAction::SessionExpired,
        AuditAction::IdentityVerify,
        AuditAction::CodeSent,
        AuditAction::HostLogin,
        AuditAction::ConsentWithdrawn,
        AuditAction::DataExported,
    ];
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(*action));
            assert!(seen.insert(action.code()), "{action} twice");
        }
        for actor in [
            Actor::Account("a1".into()),
            Actor::Staff("s1".into()),
            Actor::Anonymous,
        ] {
            assert_eq!(Actor::parse(&actor.to_string()), Some(actor));
        }
        assert_eq!(Actor::parse("account:"), None);
    }
}
