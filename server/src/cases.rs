//! Cases on the server: made at submission (one per deciding department; a 跨省通办 case with
//! its receiving department), shown with their promised dates, and the messages and
//! notifications each step sends — core decides the rules (`tongban_core::case`), this module
//! applies them to the catalog, the calendar and the person's account.

use std::collections::BTreeMap;

use tongban_core::application::{Application, ApplicationStatus};
use tongban_core::calendar::{Certainty, Day};
use tongban_core::case::{case_answers, due_state, CaseView, CrossMode, DepartmentRef, Holder};
use tongban_core::catalog::{CatalogIndex, FormRef, Matter, FILING_OFFICE};
use tongban_core::form::{Answer, Answers};
use tongban_core::ids::AccountId;
use tongban_core::message::{mask_receipt, MessageKind};

use crate::auth::new_id;
use crate::state::AppState;
use crate::store::{CaseRow, Channel, NewMessage, NewNotification, StoredEvent};

/// A department as cases name it (its id when the catalog no longer knows it).
pub fn department_ref(index: &CatalogIndex, id: &str) -> DepartmentRef {
    DepartmentRef {
        id: id.to_owned(),
        name: index
            .department(id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| tongban_core::LocalizedText::new(id, id)),
    }
}

/// The cases an application makes: one per deciding department of its matters (a bundle's
/// matters grouped by department, each case with only its matters' answers); a matter received
/// away from home (异地代收代办) held by the receiving department the person chose; a matter
/// handled in several regions (多地联办) with a case for each department.
pub fn plan_cases(
    state: &AppState,
    application_id: &str,
    form: &FormRef,
    matters: &[Matter],
    answers: &Answers,
    now: i64,
) -> Vec<CaseRow> {
    let today = Day::of_timestamp(now);
    let mut cases: Vec<CaseRow> = Vec::new();
    let new_case = |department_id: &str,
                    receiving: Option<String>,
                    mode: Option<CrossMode>,
                    mine: Vec<&Matter>| {
        let promised = mine.iter().map(|m| m.promised_days).max().unwrap_or(0);
        let due = state.calendar.add_working_days(today, promised);
        CaseRow {
            id: new_id(),
            application_id: application_id.to_owned(),
            department_id: department_id.to_owned(),
            holder: if receiving.is_some() {
                Holder::Receiving
            } else {
                Holder::Deciding
            },
            receiving_department_id: receiving,
            mode,
            matters: mine.iter().map(|m| m.code.clone()).collect(),
            answers: case_answers(form, &mine, answers),
            status: ApplicationStatus::Submitted,
            promised_days: i64::from(promised),
            due_day: Some(due.day.0),
            due_certainty: Some(due.certainty),
            paused_days_left: None,
            assignee: None,
            created_at: now,
            updated_at: now,
        }
    };
    // Departments in the order their matters come.
    let mut departments: Vec<&str> = Vec::new();
    for m in matters {
        if !departments.contains(&m.department_id.as_str()) {
            departments.push(&m.department_id);
        }
    }
    for department in departments {
        let mine: Vec<&Matter> = matters
            .iter()
            .filter(|m| m.department_id == department)
            .collect();
        let cross = match (form, mine.as_slice()) {
            (FormRef::Matter(_), [one]) => one.cross_province.as_ref(),
            _ => None,
        };
        match cross.map(|c| c.mode) {
            Some(CrossMode::Proxy) => {
                let chosen = match answers.get(FILING_OFFICE) {
                    Some(Answer::Text(office)) => Some(office.clone()),
                    _ => None,
                };
                let receiving = chosen.filter(|office| {
                    office != department
                        && cross.is_some_and(|c| c.receiving.iter().any(|r| r.id == *office))
                });
                // Filed with the deciding department itself, it is an ordinary case.
                let mode = receiving.as_ref().map(|_| CrossMode::Proxy);
                cases.push(new_case(department, receiving, mode, mine));
            }
            Some(CrossMode::MultiSite) => {
                cases.push(new_case(
                    department,
                    None,
                    Some(CrossMode::MultiSite),
                    mine.clone(),
                ));
                for partner in cross.map(|c| c.receiving.as_slice()).unwrap_or_default() {
                    cases.push(new_case(
                        &partner.id,
                        None,
                        Some(CrossMode::MultiSite),
                        mine.clone(),
                    ));
                }
            }
            mode => cases.push(new_case(department, None, mode, mine)),
        }
    }
    cases
}

/// Working days left from `today` to a case's promised date (negative when past it).
pub fn days_left(state: &AppState, case: &CaseRow, today: Day) -> Option<i64> {
    case.due_day
        .map(|due| state.calendar.working_days_between(today, Day(due)))
}

/// A case as the person and staff see it.
pub fn case_view(
    state: &AppState,
    index: &CatalogIndex,
    case: &CaseRow,
    requested: Vec<String>,
    today: Day,
) -> CaseView {
    let active = !case.status.is_final();
    CaseView {
        id: case.id.clone(),
        department: department_ref(index, &case.department_id),
        receiving: case
            .receiving_department_id
            .as_deref()
            .map(|id| department_ref(index, id)),
        holder: case.holder,
        mode: case.mode,
        matters: case.matters.clone(),
        status: case.status,
        due_date: case.due_day.filter(|_| active).map(|d| Day(d).to_string()),
        due_provisional: active
            && case.due_day.is_some()
            && case.due_certainty.is_some_and(|c| c < Certainty::Published),
        due_state: due_state(days_left(state, case, today), case.status),
        requested,
        updated_at: case.updated_at,
    }
}

/// The fields a case asks for now (its last step's, while a supplement is requested).
pub fn requested_of(case: &CaseRow, events: &[StoredEvent]) -> Vec<String> {
    if case.status != ApplicationStatus::SupplementRequested {
        return Vec::new();
    }
    events
        .iter()
        .rev()
        .find(|e| e.case_id.as_deref() == Some(&case.id))
        .map(|e| e.event.fields.clone())
        .unwrap_or_default()
}

/// An application with each department's part.
pub fn with_cases(
    state: &AppState,
    index: &CatalogIndex,
    mut application: Application,
    events: &[StoredEvent],
    cases: &[CaseRow],
    now: i64,
) -> Application {
    let today = Day::of_timestamp(now);
    application.cases = cases
        .iter()
        .map(|c| case_view(state, index, c, requested_of(c, events), today))
        .collect();
    application
}

/// What a step tells the person: the message in their centre, a text to their phone, and a
/// message through each host super-app their account is linked to that can receive one.
pub async fn tell(
    state: &AppState,
    owner: &AccountId,
    application_id: Option<&str>,
    kind: MessageKind,
    mut params: BTreeMap<String, String>,
    now: i64,
) -> Result<(Vec<NewMessage>, Vec<NewNotification>), sqlx::Error> {
    let message = NewMessage {
        id: new_id(),
        account_id: owner.clone(),
        application_id: application_id.map(str::to_owned),
        kind,
        params: params.clone(),
        at: now,
    };
    // The text carries no personal data: a masked receipt, a status, a date; a booking's hall,
    // time and code (a ticket, like a queue number).
    let receipt = params.remove("receipt").unwrap_or_default();
    let mut safe = BTreeMap::new();
    if !receipt.is_empty() {
        safe.insert("receipt".to_owned(), mask_receipt(&receipt));
    }
    for key in ["status", "date", "time", "code", "hall"] {
        if let Some(value) = params.get(key) {
            safe.insert(key.to_owned(), value.clone());
        }
    }
    // A text only to a phone: a child's account without one (监护) has its messages in the app.
    let has_phone = state
        .store
        .account(owner)
        .await?
        .is_some_and(|a| !a.phone.starts_with(crate::store::MINOR_PHONE_PREFIX));
    let mut notifications = Vec::new();
    if has_phone {
        notifications.push(NewNotification {
            id: new_id(),
            channel: Channel::Sms,
            account_id: owner.clone(),
            template: kind.sms_template().to_owned(),
            params: safe.clone(),
            at: now,
        });
    }
    for (host, _) in state.store.host_links_of(owner).await? {
        if state
            .hosts
            .registry
            .get(&host)
            .is_some_and(|h| h.notify_url.is_some())
        {
            notifications.push(NewNotification {
                id: new_id(),
                channel: Channel::Host,
                account_id: owner.clone(),
                template: kind.sms_template().to_owned(),
                params: safe.clone(),
                at: now,
            });
        }
    }
    Ok((vec![message], notifications))
}

/// The params of a case's message: receipt, department (both languages), status, date.
pub fn params(
    receipt: &str,
    department: &DepartmentRef,
    status: Option<ApplicationStatus>,
    date: Option<String>,
) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    p.insert("receipt".into(), receipt.to_owned());
    p.insert("department".into(), department.name.zh.clone());
    if let Some(en) = &department.name.en {
        p.insert("department_en".into(), en.clone());
    }
    if let Some(s) = status {
        p.insert("status".into(), s.code().to_owned());
    }
    if let Some(d) = date {
        p.insert("date".into(), d);
    }
    p
}

/// A case as its department's queue lists it.
pub fn staff_summary(
    state: &AppState,
    index: &CatalogIndex,
    case: &CaseRow,
    receipt: &str,
    form_id: &str,
    assignee: Option<tongban_core::case::StaffRef>,
    today: Day,
) -> tongban_core::case::StaffCaseSummary {
    tongban_core::case::StaffCaseSummary {
        id: case.id.clone(),
        application_id: case.application_id.clone(),
        receipt: receipt.to_owned(),
        form_id: form_id.to_owned(),
        case: case_view(state, index, case, Vec::new(), today),
        assignee,
        created_at: case.created_at,
    }
}

/// The answers (paths of the application's form) a department may ask for again: its part's
/// questions as asked now, and its matters' documents.
pub fn askable_fields(
    schema: &tongban_core::form::FormSchema,
    form: &FormRef,
    matters: &[&Matter],
    answers: &Answers,
) -> Vec<String> {
    schema
        .questions(answers)
        .into_iter()
        .map(|q| q.path)
        .filter(|path| {
            let probe: Answers = [(path.clone(), Answer::Text(String::new()))]
                .into_iter()
                .collect();
            !case_answers(form, matters, &probe).is_empty()
        })
        .collect()
}
