//! The government side of an application: one `Case` per deciding department (办件分派). A
//! matter's application has one case; a 一件事 bundle's has one per department involved, each
//! holding only the answers its matter asks for; a 跨省通办 case may be received in one region
//! and decided in another. The rules — who may make which move, what a case holds, how an
//! application's status follows from its cases — are here, so the server, the workbench and the
//! apps agree on them.

use serde::{Deserialize, Serialize};

pub use crate::catalog::{CrossMode, DepartmentRef};
use crate::catalog::{FormRef, Matter};
use crate::form::{Answers, FormSchema};
use crate::status::ApplicationStatus;

/// What a staff member may do in their department.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffRole {
    /// 受理: accepts, checks, asks for a supplement, forwards a case received for another region.
    Clerk,
    /// Decides: approves or rejects, completes.
    Approver,
    /// All of those, and reassigns cases within the department and sees its statistics.
    Supervisor,
}

impl StaffRole {
    pub const ALL: [Self; 3] = [Self::Clerk, Self::Approver, Self::Supervisor];

    pub fn code(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::Approver => "approver",
            Self::Supervisor => "supervisor",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::Clerk => "role-clerk",
            Self::Approver => "role-approver",
            Self::Supervisor => "role-supervisor",
        }
    }

    /// Whether this role may move a case to `to`.
    pub fn may_move_to(self, to: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        match self {
            Self::Supervisor => true,
            Self::Clerk => matches!(to, Accepted | InReview | SupplementRequested | Forwarded),
            Self::Approver => matches!(to, Approved | Rejected | Completed),
        }
    }

    /// Reassigning cases and the department's statistics.
    pub fn supervises(self) -> bool {
        self == Self::Supervisor
    }
}

/// Which side of a case received away from home holds it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Holder {
    /// The department that receives (受理地): checks and forwards.
    Receiving,
    /// The department that decides (办理地).
    Deciding,
}

impl Holder {
    pub fn code(self) -> &'static str {
        match self {
            Self::Receiving => "receiving",
            Self::Deciding => "deciding",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "receiving" => Some(Self::Receiving),
            "deciding" => Some(Self::Deciding),
            _ => None,
        }
    }
}

/// Where a case may move from `status` while `holder` holds it. A case received for another
/// region is accepted (identity and completeness checked) and forwarded by the receiving side;
/// only the deciding side reviews and decides.
pub fn case_moves(status: ApplicationStatus, holder: Holder) -> &'static [ApplicationStatus] {
    use ApplicationStatus::*;
    match holder {
        Holder::Deciding => status.staff_moves(),
        Holder::Receiving => match status {
            Submitted => &[Accepted, Rejected],
            Accepted => &[Forwarded, SupplementRequested],
            SupplementRequested => &[Rejected],
            _ => &[],
        },
    }
}

/// The status a case returns to when the person supplied what was asked.
pub fn after_supplement(holder: Holder) -> ApplicationStatus {
    match holder {
        Holder::Receiving => ApplicationStatus::Accepted,
        Holder::Deciding => ApplicationStatus::InReview,
    }
}

/// How far along a status is, for an application whose departments are at different steps.
fn progress(status: ApplicationStatus) -> u8 {
    use ApplicationStatus::*;
    match status {
        Submitted => 0,
        Accepted => 1,
        Forwarded => 2,
        InReview => 3,
        SupplementRequested => 3,
        Approved => 4,
        Rejected | Completed => 5,
    }
}

/// The application's status from its cases: a supplement asked by any department is the
/// person's to act on; until every case is done, the least advanced case sets the status;
/// when all are done, it is completed — or rejected if every department rejected it.
pub fn application_status(cases: &[ApplicationStatus]) -> ApplicationStatus {
    use ApplicationStatus::*;
    if cases.is_empty() {
        return Submitted;
    }
    if cases.contains(&SupplementRequested) {
        return SupplementRequested;
    }
    if cases.iter().all(|s| s.is_final()) {
        return if cases.iter().all(|s| *s == Rejected) {
            Rejected
        } else {
            Completed
        };
    }
    cases
        .iter()
        .copied()
        .filter(|s| !s.is_final())
        .min_by_key(|s| progress(*s))
        .unwrap_or(Submitted)
}

/// How a case stands against its promised date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DueState {
    OnTime,
    /// Two working days or fewer left.
    DueSoon,
    Overdue,
    /// The clock stands while the person supplies what was asked (补正).
    Paused,
    /// Done (completed or rejected).
    Done,
}

/// Working days left at which a case counts as due soon.
pub const DUE_SOON_DAYS: i64 = 2;

pub fn due_state(days_left: Option<i64>, status: ApplicationStatus) -> DueState {
    if status.is_final() {
        return DueState::Done;
    }
    match days_left {
        None => DueState::Paused,
        Some(n) if n < 0 => DueState::Overdue,
        Some(n) if n <= DUE_SOON_DAYS => DueState::DueSoon,
        Some(_) => DueState::OnTime,
    }
}

/// One department's part of an application, as the person (and staff) see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: String,
    /// The department that decides.
    pub department: DepartmentRef,
    /// For a case received away from home: the department that received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving: Option<DepartmentRef>,
    pub holder: Holder,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<CrossMode>,
    /// The matters of the application this department decides.
    pub matters: Vec<String>,
    pub status: ApplicationStatus,
    /// The promised date (`YYYY-MM-DD`), while the clock runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// The date may still move: the holidays of a year it crosses are not published yet.
    #[serde(default)]
    pub due_provisional: bool,
    pub due_state: DueState,
    /// For a supplement this department asks for: the answers to give again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested: Vec<String>,
    pub updated_at: i64,
}

/// The answers a department's case holds: those the department's matters ask (a bundle's
/// application holds every matter's; the case only its own, and the applicant), under the
/// application's own paths. Nothing another department's matter asks is included.
pub fn case_answers(form: &FormRef, matters: &[&Matter], answers: &Answers) -> Answers {
    let own: Vec<(String, FormSchema)> = matters
        .iter()
        .map(|m| (m.code.clone(), FormSchema::for_matter(m)))
        .collect();
    answers
        .iter()
        .filter(|(path, _)| {
            own.iter().any(|(code, schema)| {
                to_case_path(form, code, path).is_some_and(|p| asks(schema, &p))
            })
        })
        .map(|(p, v)| (p.clone(), v.clone()))
        .collect()
}

/// A path of the application's answers as a matter's own form names it.
fn to_case_path(form: &FormRef, matter_code: &str, path: &str) -> Option<String> {
    match form {
        FormRef::Matter(_) => Some(path.to_owned()),
        FormRef::Bundle(_) => {
            let own_details = format!("details-{matter_code}.");
            if let Some(rest) = path.strip_prefix(&own_details) {
                Some(format!("details.{rest}"))
            } else if path.starts_with("details-") {
                None // another matter's own questions
            } else {
                Some(path.to_owned())
            }
        }
    }
}

/// Whether `schema` has the field a path points at (`group.field` or `group.N.field`).
fn asks(schema: &FormSchema, path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    let (group, field) = match parts.as_slice() {
        [g, f] => (*g, *f),
        [g, _, f] => (*g, *f),
        _ => return false,
    };
    schema
        .groups
        .iter()
        .any(|g| g.id == group && g.fields.iter().any(|f| f.id == field))
}

/// Why a department refuses (不予受理 / 不予许可): one of these, and the department's own words.
pub const REJECT_REASONS: [&str; 5] = [
    "not-eligible",
    "materials-false",
    "outside-scope",
    "supplement-missing",
    "other",
];

/// The message naming a refusal's reason (`reject-reason-<code>`).
pub fn reject_reason_message_id(code: &str) -> String {
    format!("reject-reason-{code}")
}

/// A staff member as a case names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRef {
    pub id: String,
    pub display_name: String,
}

/// One line of a department's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCaseSummary {
    pub id: String,
    pub application_id: String,
    pub receipt: String,
    /// The application's form (`<matter code>` or `bundle:<id>`).
    pub form_id: String,
    pub case: CaseView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffRef>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCaseList {
    pub items: Vec<StaffCaseSummary>,
}

/// A document a case holds, to open in the workbench.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDocument {
    /// The answer it is given for.
    pub path: String,
    pub object_id: String,
    pub file_name: String,
    /// Its content type (`image/jpeg`, `application/pdf` …), found from its bytes at upload.
    pub kind: String,
}

/// A case as its department's staff work it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCase {
    pub summary: StaffCaseSummary,
    /// This department's part of the answers, under the application's paths.
    pub answers: Answers,
    pub documents: Vec<CaseDocument>,
    /// This case's steps, oldest first.
    pub timeline: Vec<crate::status::TimelineEvent>,
    /// Where this staff member may move it now (their department's side and their role).
    pub moves: Vec<ApplicationStatus>,
    /// Whether this staff member may act on it at all (their side holds it).
    pub actionable: bool,
    /// The answers (paths) this department may ask for again in a supplement.
    #[serde(default)]
    pub askable: Vec<String>,
    /// The certificates its completion issued (电子证照), with their status now: the
    /// department's supervisor suspends, reinstates or revokes them.
    #[serde(default)]
    pub certificates: Vec<crate::credential::CredentialSummary>,
}

/// A staff member's move of a case: the new status, what to tell the person, for a supplement
/// the answers to give again, for a refusal the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMove {
    pub status: ApplicationStatus,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
    /// One of `REJECT_REASONS`, required for a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A supervisor gives a case to a colleague of the department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignRequest {
    pub staff_id: String,
}

/// A department's numbers, for its supervisor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentStats {
    pub department: DepartmentRef,
    /// Open cases by status.
    pub open: Vec<StatusCount>,
    pub due_soon: u32,
    pub overdue: u32,
    pub completed: u32,
    /// Of the completed ones, how many by their promised date.
    pub completed_on_time: u32,
    /// Follow-ups of bad ratings (整改) past a deadline: the supervisor's flag.
    #[serde(default)]
    pub rectifications_overdue: u32,
    /// The department's staff, for reassigning.
    pub staff: Vec<StaffRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: ApplicationStatus,
    pub count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Answer;
    use ApplicationStatus::*;

    #[test]
    fn roles_make_only_their_moves() {
        assert!(StaffRole::Clerk.may_move_to(Accepted));
        assert!(StaffRole::Clerk.may_move_to(SupplementRequested));
        assert!(!StaffRole::Clerk.may_move_to(Approved));
        assert!(!StaffRole::Approver.may_move_to(Accepted));
        assert!(StaffRole::Approver.may_move_to(Completed));
        assert!(StaffRole::ALL
            .iter()
            .all(|r| r.supervises() == (*r == StaffRole::Supervisor)));
        for s in ApplicationStatus::ALL {
            assert!(StaffRole::Supervisor.may_move_to(s));
        }
    }

    #[test]
    fn a_case_received_away_from_home_is_forwarded_before_it_is_decided() {
        assert_eq!(
            case_moves(Accepted, Holder::Receiving),
            &[Forwarded, SupplementRequested]
        );
        assert!(!case_moves(Accepted, Holder::Receiving).contains(&InReview));
        assert!(
            case_moves(Forwarded, Holder::Receiving).is_empty(),
            "theirs now"
        );
        assert_eq!(case_moves(Forwarded, Holder::Deciding), &[InReview]);
        assert!(!case_moves(InReview, Holder::Receiving).contains(&Approved));
        assert_eq!(after_supplement(Holder::Receiving), Accepted);
        assert_eq!(after_supplement(Holder::Deciding), InReview);
    }

    #[test]
    fn an_application_is_done_only_when_every_department_is() {
        assert_eq!(
            application_status(&[Completed, Completed, InReview]),
            InReview
        );
        assert_eq!(
            application_status(&[Completed, Accepted, InReview]),
            Accepted
        );
        assert_eq!(
            application_status(&[Completed, SupplementRequested, Submitted]),
            SupplementRequested
        );
        assert_eq!(
            application_status(&[Completed, Completed, Completed]),
            Completed
        );
        assert_eq!(application_status(&[Completed, Rejected]), Completed);
        assert_eq!(application_status(&[Rejected, Rejected]), Rejected);
        assert_eq!(application_status(&[]), Submitted);
    }

    #[test]
    fn due_states() {
        assert_eq!(due_state(Some(5), InReview), DueState::OnTime);
        assert_eq!(due_state(Some(2), InReview), DueState::DueSoon);
        assert_eq!(due_state(Some(-1), InReview), DueState::Overdue);
        assert_eq!(due_state(None, SupplementRequested), DueState::Paused);
        assert_eq!(due_state(Some(-3), Completed), DueState::Done);
    }

    #[test]
    fn each_department_receives_only_what_its_matter_asks() {
        let catalog: crate::catalog::Catalog =
            serde_json::from_str(include_str!("../../catalog/catalog.json")).unwrap();
        let bundle = catalog.bundles.iter().find(|b| b.id == "newborn").unwrap();
        let form = FormRef::Bundle(bundle.id.clone());
        let matters: Vec<&Matter> = bundle
            .matters
            .iter()
            .map(|c| catalog.matters.iter().find(|m| m.code == *c).unwrap())
            .collect();
        let schema = FormSchema::for_bundle(bundle, &matters);
        // Answer every question of the bundle's form with something.
        let mut answers = Answers::new();
        for group in &schema.groups {
            for field in &group.fields {
                answers.insert(
                    FormSchema::path(group, 0, &field.id),
                    Answer::Text("x".into()),
                );
            }
        }
        for matter in &matters {
            let part = case_answers(&form, &[*matter], &answers);
            let own = FormSchema::for_matter(matter);
            assert!(!part.is_empty(), "{} gets nothing", matter.code);
            for path in part.keys() {
                let mine = to_case_path(&form, &matter.code, path).unwrap();
                assert!(
                    asks(&own, &mine),
                    "{}: {path} is not its question",
                    matter.code
                );
            }
            // Another matter's own questions never reach this department.
            for other in matters.iter().filter(|o| o.code != matter.code) {
                let theirs = format!("details-{}.", other.code);
                assert!(part.keys().all(|p| !p.starts_with(&theirs)));
            }
            // The applicant is asked once and every department gets it.
            assert!(part.contains_key("applicant.name"));
        }
        // All of them together hold every answer.
        assert_eq!(case_answers(&form, &matters, &answers).len(), answers.len());
    }
}
