//! The catalog's model: matters with their full service guides (办事指南), bundles (一件事), the
//! life-event taxonomy and regions, as a province publishes them in a catalog file.

use serde::{Deserialize, Serialize};

use crate::auth::RealNameLevel;
use crate::model::{Audience, LocalizedText, MatterType};

pub use super::halls::*;
pub use crate::search::{Place, Synonym};

/// The catalog file format this code writes and reads; departments and halls are data, matters
/// name their department by id, halls name the matters they handle.
pub const CATALOG_FORMAT: &str = "tongban-catalog/4";

/// The format before halls were data: each matter listed its halls (`service_points`).
pub const CATALOG_FORMAT_V3: &str = "tongban-catalog/3";

/// The earlier format, still read: matters name their department, which import resolves.
pub const CATALOG_FORMAT_V2: &str = "tongban-catalog/2";

/// A whole catalog file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    /// `tongban-catalog/4` (or `/3`, `/2`, read and upgraded on import).
    pub format: String,
    /// The publisher's version of the data, e.g. `2026.11.1`.
    pub version: String,
    #[serde(default)]
    pub note: String,
    /// Regions the matters refer to (GB/T 2260 codes), national `100000` included.
    pub regions: Vec<Region>,
    /// The departments (部门) that decide matters, receive cases for other regions, and whose
    /// staff work the cases. A `/2` file has none: they come from the matters' names.
    #[serde(default)]
    pub departments: Vec<Department>,
    pub life_events: Vec<LifeEvent>,
    pub matters: Vec<Matter>,
    /// Halls and self-service terminals, each with the matters it handles.
    #[serde(default)]
    pub halls: Vec<Hall>,
    #[serde(default)]
    pub bundles: Vec<Bundle>,
    /// Colloquial phrases and the words they mean (`身份证丢了` → `补领 身份证`).
    #[serde(default)]
    pub synonyms: Vec<Synonym>,
    /// Places people name in a query (`上海`, `浦东`, `Hangzhou`): search filters to them.
    #[serde(default)]
    pub places: Vec<Place>,
    /// Benefits granted without an application (免申即享), with their rules.
    #[serde(default)]
    pub benefits: Vec<crate::benefit::Benefit>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// GB/T 2260 division code: `330000` province, `330100` city, `100000` national.
    pub code: String,
    pub name: LocalizedText,
    /// The enclosing region's code (`330000` for `330100`); none for provinces and national.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Where distances are measured from when a person picks this region instead of sharing
    /// their location (a district's centre; WGS-84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<Centre>,
}

/// A point in WGS-84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Centre {
    pub latitude: f64,
    pub longitude: f64,
}

/// A department: the body that decides matters (and whose staff work their cases).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    /// Stable id: the region code, a dash, a short slug (`330100-mz`).
    pub id: String,
    pub name: LocalizedText,
    /// GB/T 2260 code of the department's region (`100000` for a national one).
    pub region_code: String,
    #[serde(default)]
    pub phone: String,
    /// The halls (办事大厅) where its matters are handled, by hall id (by name in `/3` files).
    #[serde(default)]
    pub halls: Vec<String>,
}

/// How a 跨省通办 matter is handled away from the region that decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CrossMode {
    /// 全程网办: the deciding department handles it online, from anywhere.
    FullOnline,
    /// 异地代收代办: a receiving department where the person is checks identity and completeness
    /// and forwards the case; the deciding department decides (事权 does not move).
    Proxy,
    /// 多地联办: several regions' departments each handle their part.
    MultiSite,
}

impl CrossMode {
    pub fn code(self) -> &'static str {
        match self {
            Self::FullOnline => "full-online",
            Self::Proxy => "proxy",
            Self::MultiSite => "multi-site",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::FullOnline, Self::Proxy, Self::MultiSite]
            .into_iter()
            .find(|m| m.code() == code)
    }

    /// The message naming the mode (`cross-<code>`).
    pub fn message_id(self) -> &'static str {
        match self {
            Self::FullOnline => "cross-full-online",
            Self::Proxy => "cross-proxy",
            Self::MultiSite => "cross-multi-site",
        }
    }
}

/// A department as a matter names another (its name filled in on import).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentRef {
    pub id: String,
    pub name: LocalizedText,
}

impl<'de> Deserialize<'de> for DepartmentRef {
    /// An id (as a catalog file names it) or `{id, name}` (as the server answers).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Id(String),
            Full { id: String, name: LocalizedText },
        }
        Ok(match Either::deserialize(d)? {
            Either::Id(id) => Self {
                id,
                name: LocalizedText::default(),
            },
            Either::Full { id, name } => Self { id, name },
        })
    }
}

/// How a matter is handled across provinces (跨省通办).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossProvince {
    pub mode: CrossMode,
    /// For `proxy`: the departments that receive it away from home. For `multi-site`: the other
    /// departments that each handle their part.
    #[serde(default)]
    pub receiving: Vec<DepartmentRef>,
    /// Who does what, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalizedText>,
}

/// `cross_province` as `/3` writes it (an object, or nothing), or as `/2` did (`true` meant it
/// can be filed from anywhere: 全程网办).
fn cross_province<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<CrossProvince>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Flag(bool),
        Full(CrossProvince),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        None | Some(Either::Flag(false)) => None,
        Some(Either::Flag(true)) => Some(CrossProvince {
            mode: CrossMode::FullOnline,
            receiving: Vec::new(),
            note: None,
        }),
        Some(Either::Full(c)) => Some(c),
    })
}

/// A life event (主题), the way people think of what they need: "having a baby", "opening a shop".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LifeEvent {
    /// Stable id, lowercase with hyphens: `birth-adoption`, `business-start`.
    pub id: String,
    pub audience: Audience,
    pub name: LocalizedText,
}

/// One government service matter with its full service guide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matter {
    /// Standard matter code (事项编码); unique in the catalog.
    pub code: String,
    pub name: LocalizedText,
    /// The deciding department (实施主体) by id (`/3`).
    #[serde(default)]
    pub department_id: String,
    /// Its name: written by `/2` files, filled in from the department on import of `/3` ones.
    #[serde(default)]
    pub department: LocalizedText,
    /// GB/T 2260 code of the region whose department decides the matter.
    pub region_code: String,
    pub matter_type: MatterType,
    pub audience: Audience,
    /// Ids of the life events this matter belongs to (at least one).
    pub life_events: Vec<String>,
    /// Legal basis (设定依据): the laws and regulations, one per entry.
    pub legal_basis: Vec<LocalizedText>,
    /// Acceptance conditions (受理条件).
    pub conditions: Vec<LocalizedText>,
    /// Application materials (申请材料).
    pub materials: Vec<Material>,
    /// Process steps (办理流程), in order.
    pub steps: Vec<Step>,
    /// Legal time limit in working days (法定办结时限).
    pub legal_days: u32,
    /// Promised time limit in working days (承诺办结时限); 0 = handled on the spot (即办).
    pub promised_days: u32,
    pub fee: Fee,
    /// Ways to apply; exactly one is marked `best`.
    pub channels: Vec<Channel>,
    /// Visits to a hall needed at most (到现场次数): 0 or 1.
    pub visits_needed: u32,
    /// Whether the whole matter can be handled online (全程网办).
    pub fully_online: bool,
    /// Halls as `/2` and `/3` files listed them inside the matter; import turns them into the
    /// catalog's halls, so this is empty after import and never written.
    #[serde(default, skip_serializing)]
    pub service_points: Vec<ServicePoint>,
    /// The halls and terminals that handle it, copied from the catalog's halls on import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub halls: Vec<Hall>,
    /// Consultation phone (咨询电话).
    pub consultation_phone: String,
    /// Complaint phone (监督投诉电话).
    pub complaint_phone: String,
    #[serde(default)]
    pub faq: Vec<Faq>,
    /// How it can be filed from another province (跨省通办), if it can.
    #[serde(default, deserialize_with = "cross_province")]
    pub cross_province: Option<CrossProvince>,
    /// The real-name level an online application needs; nearly every matter needs a verified
    /// identity, which the default says.
    #[serde(default = "needs_verified_identity")]
    pub real_name_level: RealNameLevel,
    /// The matter's own questions, beyond who applies and the materials (which every form
    /// asks); without them the form asks one free-text question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<crate::form::FieldGroup>,
    /// The certificate a completed case of this matter gives the applicant (结婚登记 → 结婚证),
    /// issued into their wallet by the deciding department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub produces: Option<crate::credential::CredentialKind>,
    /// The certificate this matter renews (居民身份证换领 → the ID card): the reminder that one
    /// issued by this matter's department expires links here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<crate::credential::CredentialKind>,
    /// A check the person repeats (养老保险待遇资格认证: once every 12 months): a completed case
    /// makes the next one due, and the person is reminded ahead of it, with a link back here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurs: Option<Recurrence>,
    /// Words people use for this matter that are not in its name (`换身份证`, `社保卡`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// How often it is handled, relative within the catalog (used to rank ties).
    #[serde(default)]
    pub popularity: u32,
}

/// How often a matter is done again, and how long ahead the person is reminded of the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recurrence {
    /// Calendar months from one to the next (12: yearly); 1 to 120.
    pub every_months: u32,
    /// Days before the next is due that the person is told; at least 1, and less than the
    /// time between two.
    pub remind_days_before: u32,
}

impl Recurrence {
    /// When the next is due after one completed on `done`.
    pub fn next_due(self, done: crate::calendar::Day) -> crate::calendar::Day {
        done.add_months(self.every_months)
    }

    /// The day the person is reminded of one due on `due`.
    pub fn remind_on(self, due: crate::calendar::Day) -> crate::calendar::Day {
        crate::calendar::Day(due.0 - i64::from(self.remind_days_before))
    }

    /// What is wrong with it, for the importer.
    pub fn problem(self) -> Option<&'static str> {
        if !(1..=120).contains(&self.every_months) {
            return Some("every_months must be between 1 and 120");
        }
        // The shortest stretch of `every_months` months: 28 days a month at worst.
        if self.remind_days_before == 0 || self.remind_days_before >= self.every_months * 28 {
            return Some(
                "remind_days_before must be at least 1 and shorter than the time between two",
            );
        }
        None
    }
}

fn needs_verified_identity() -> RealNameLevel {
    RealNameLevel::IdentityVerified
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    pub name: LocalizedText,
    pub form: MaterialForm,
    /// How many copies (份数); at least 1.
    pub count: u32,
    pub requirement: Requirement,
    /// Certificate types (电子证照) that replace this material (免提交), e.g. `resident-id-card`.
    #[serde(default)]
    pub replaced_by_certificates: Vec<String>,
    /// Where the material comes from (来源渠道), e.g. "申请人自备", "医院出具".
    pub source: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalizedText>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MaterialForm {
    /// 原件
    Original,
    /// 复印件
    Copy,
    /// 原件和复印件
    OriginalAndCopy,
    /// 电子材料
    Electronic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Requirement {
    /// 必要
    Required,
    /// 非必要 / 视情况提供
    Optional,
    /// 容缺: may be supplied after acceptance, on a signed pledge.
    MaySupplyLater,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    pub name: LocalizedText,
    pub description: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    /// Whether the matter is free of charge (不收费).
    pub free: bool,
    /// The fee standard and its basis when not free, e.g. "工本费20元（依据…）".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChannelKind {
    /// 网上办理 (this app, or the province's portal)
    Online,
    /// 掌上办理 in a province's app
    Mobile,
    /// 窗口办理 at a hall
    Hall,
    /// 自助终端
    SelfService,
    /// 邮寄 / 电话
    Post,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    pub kind: ChannelKind,
    /// The recommended way (shown first).
    #[serde(default)]
    pub best: bool,
    pub description: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Faq {
    pub question: LocalizedText,
    pub answer: LocalizedText,
}

/// 一件事: several matters filed as one application, shared information asked once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bundle {
    /// Stable id, lowercase with hyphens: `newborn`, `business-start`.
    pub id: String,
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub audience: Audience,
    pub life_event: String,
    /// The matters filed together, in the order they are handled.
    pub matters: Vec<String>,
    /// The information asked once for all of them (e.g. 父母身份信息, 新生儿信息).
    pub shared_information: Vec<LocalizedText>,
}

impl Matter {
    /// The matter as a list shows it.
    pub fn summary(&self) -> crate::model::MatterSummary {
        crate::model::MatterSummary {
            code: self.code.clone(),
            name: self.name.clone(),
            department: self.department.clone(),
            region_code: self.region_code.clone(),
            matter_type: self.matter_type,
            audience: self.audience,
            fully_online: self.fully_online,
            visits_needed: self.visits_needed,
            promised_days: self.promised_days,
        }
    }

    /// Channels with the recommended one first.
    pub fn channels_best_first(&self) -> Vec<&Channel> {
        let mut channels: Vec<&Channel> = self.channels.iter().collect();
        channels.sort_by_key(|c| !c.best);
        channels
    }
}

#[cfg(test)]
mod recurrence_tests {
    use super::Recurrence;
    use crate::calendar::Day;

    #[test]
    fn a_yearly_check_is_due_a_year_on_and_reminded_ahead() {
        let yearly = Recurrence {
            every_months: 12,
            remind_days_before: 30,
        };
        let done = Day::parse("2026-03-31").unwrap();
        let due = yearly.next_due(done);
        assert_eq!(due.to_string(), "2027-03-31");
        assert_eq!(yearly.remind_on(due).to_string(), "2027-03-01");
        assert_eq!(yearly.problem(), None);
    }

    #[test]
    fn import_refuses_a_recurrence_that_cannot_work() {
        let demo: serde_json::Value =
            serde_json::from_str(include_str!("../../../catalog/catalog.json")).unwrap();
        let at = demo["matters"]
            .as_array()
            .unwrap()
            .iter()
            .position(|m| m["code"] == "330000-RS-0020")
            .unwrap();
        assert_eq!(demo["matters"][at]["recurs"]["every_months"], 12);
        let with = |recurs: serde_json::Value| {
            let mut c = demo.clone();
            c["matters"][at]["recurs"] = recurs;
            crate::catalog::parse_catalog(&c.to_string()).unwrap_err()
        };
        for bad in [
            serde_json::json!({ "every_months": 0, "remind_days_before": 30 }),
            serde_json::json!({ "every_months": 1, "remind_days_before": 28 }),
            serde_json::json!({ "every_months": 12, "remind_days_before": 0 }),
        ] {
            let issues = with(bad.clone());
            assert_eq!(issues.len(), 1, "{bad}: {issues:?}");
            assert!(issues[0].location.contains("recurs"), "{bad}: {issues:?}");
        }
        // An unknown field is a located error too, not silently dropped.
        let issues = with(
            serde_json::json!({ "every_months": 12, "remind_days_before": 30, "every_days": 5 }),
        );
        assert!(
            issues[0].location.contains("recurs") || issues[0].message.contains("every_days"),
            "{issues:?}"
        );
    }
}
