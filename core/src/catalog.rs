//! The service catalog: matters with their full service guides (办事指南), bundles (一件事) and the
//! life-event taxonomy, as a province publishes them. A catalog file is versioned data that a
//! province can replace; `validate` reports every problem with its location.

use serde::{Deserialize, Serialize};

use crate::auth::RealNameLevel;

use crate::model::{Audience, LocalizedText, MatterType};

/// The catalog file format this code reads.
pub const CATALOG_FORMAT: &str = "tongban-catalog/2";

/// A whole catalog file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    /// Always `tongban-catalog/2`.
    pub format: String,
    /// The publisher's version of the data, e.g. `2026.11.1`.
    pub version: String,
    #[serde(default)]
    pub note: String,
    /// Regions the matters refer to (GB/T 2260 codes), national `100000` included.
    pub regions: Vec<Region>,
    pub life_events: Vec<LifeEvent>,
    pub matters: Vec<Matter>,
    #[serde(default)]
    pub bundles: Vec<Bundle>,
    /// Colloquial phrases and the words they mean (`身份证丢了` → `补领 身份证`).
    #[serde(default)]
    pub synonyms: Vec<Synonym>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// GB/T 2260 division code: `330000` province, `330100` city, `100000` national.
    pub code: String,
    pub name: LocalizedText,
    /// The enclosing region's code (`330000` for `330100`); none for provinces and national.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
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
    /// Implementing department (实施主体).
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
    /// Halls (办事大厅) where it can be handled in person.
    #[serde(default)]
    pub service_points: Vec<ServicePoint>,
    /// Consultation phone (咨询电话).
    pub consultation_phone: String,
    /// Complaint phone (监督投诉电话).
    pub complaint_phone: String,
    #[serde(default)]
    pub faq: Vec<Faq>,
    /// Whether it can be filed from another province (跨省通办).
    pub cross_province: bool,
    /// The real-name level an online application needs; nearly every matter needs a verified
    /// identity, which the default says.
    #[serde(default = "needs_verified_identity")]
    pub real_name_level: RealNameLevel,
    /// The matter's own questions, beyond who applies and the materials (which every form
    /// asks); without them the form asks one free-text question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<crate::form::FieldGroup>,
    /// Words people use for this matter that are not in its name (`换身份证`, `社保卡`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// How often it is handled, relative within the catalog (used to rank ties).
    #[serde(default)]
    pub popularity: u32,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServicePoint {
    pub name: LocalizedText,
    pub address: LocalizedText,
    /// Opening hours (办公时间) as people read them.
    pub hours: LocalizedText,
    pub phone: String,
    /// WGS-84 coordinates.
    pub latitude: f64,
    pub longitude: f64,
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

/// A colloquial phrase and the words it stands for in matter names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Synonym {
    /// What people type: `身份证丢了`, `生孩子`, `开公司`.
    pub phrase: String,
    /// What it means, as words found in names or keywords: `["身份证", "补领"]`.
    pub means: Vec<String>,
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

/// What clients download to browse and search the catalog offline: everything a list, a search
/// result or a bundle page shows, without the full guides (fetched per matter and cached).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIndex {
    pub version: String,
    pub regions: Vec<Region>,
    pub life_events: Vec<LifeEvent>,
    pub bundles: Vec<Bundle>,
    pub synonyms: Vec<Synonym>,
    /// Every matter, most popular first.
    pub documents: Vec<crate::search::SearchDocument>,
}

impl CatalogIndex {
    /// Builds the index, computing the pinyin of every name and keyword.
    #[cfg(feature = "pinyin")]
    pub fn from_catalog(catalog: &Catalog) -> Self {
        use crate::search::{pinyin_tokens, SearchDocument};
        let mut documents: Vec<SearchDocument> = catalog
            .matters
            .iter()
            .map(|m| SearchDocument {
                summary: m.summary(),
                life_events: m.life_events.clone(),
                keywords: m.keywords.clone(),
                name_pinyin: pinyin_tokens(&m.name.zh),
                keyword_pinyin: m.keywords.iter().map(|k| pinyin_tokens(k)).collect(),
                popularity: m.popularity,
            })
            .collect();
        documents.sort_by(|a, b| {
            b.popularity
                .cmp(&a.popularity)
                .then_with(|| a.summary.code.cmp(&b.summary.code))
        });
        Self {
            version: catalog.version.clone(),
            regions: catalog.regions.clone(),
            life_events: catalog.life_events.clone(),
            bundles: catalog.bundles.clone(),
            synonyms: catalog.synonyms.clone(),
            documents,
        }
    }

    /// A search index over these documents.
    pub fn search_index(&self) -> crate::search::SearchIndex {
        let parents = self
            .regions
            .iter()
            .filter_map(|r| Some((r.code.clone(), r.parent.clone()?)))
            .collect();
        crate::search::SearchIndex::new(self.documents.clone(), &self.synonyms, parents)
    }
}

/// One problem in a catalog file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIssue {
    /// Where: a JSON path such as `matters[3].channels`, with line and column for syntax errors.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for CatalogIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Reads a catalog file and checks it; on failure, every problem found with its location.
pub fn parse_catalog(text: &str) -> Result<Catalog, Vec<CatalogIssue>> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let catalog: Catalog = serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner();
        vec![CatalogIssue {
            location: format!(
                "{} (line {}, column {})",
                e.path(),
                inner.line(),
                inner.column()
            ),
            message: inner.to_string(),
        }]
    })?;
    let issues = validate(&catalog);
    if issues.is_empty() {
        Ok(catalog)
    } else {
        Err(issues)
    }
}

/// Every rule a catalog must keep, checked at once so a province's engineer sees all problems.
pub fn validate(catalog: &Catalog) -> Vec<CatalogIssue> {
    let mut issues = Vec::new();
    let mut issue = |location: String, message: &str| {
        issues.push(CatalogIssue {
            location,
            message: message.to_owned(),
        })
    };
    if catalog.format != CATALOG_FORMAT {
        issue(
            "format".into(),
            &format!("must be {CATALOG_FORMAT:?}, found {:?}", catalog.format),
        );
    }
    if catalog.version.trim().is_empty() {
        issue("version".into(), "must not be empty");
    }
    let region_codes: Vec<&str> = catalog.regions.iter().map(|r| r.code.as_str()).collect();
    for (i, r) in catalog.regions.iter().enumerate() {
        if r.code.len() != 6 || !r.code.bytes().all(|b| b.is_ascii_digit()) {
            issue(
                format!("regions[{i}].code"),
                "must be a 6-digit GB/T 2260 code",
            );
        }
        if let Some(parent) = &r.parent {
            if !region_codes.contains(&parent.as_str()) {
                issue(
                    format!("regions[{i}].parent"),
                    &format!("unknown region {parent:?}"),
                );
            }
        }
        check_text(&mut issue, &format!("regions[{i}].name"), &r.name);
    }
    let event_ids: Vec<&str> = catalog.life_events.iter().map(|e| e.id.as_str()).collect();
    for (i, e) in catalog.life_events.iter().enumerate() {
        if event_ids.iter().filter(|id| **id == e.id).count() > 1 {
            issue(
                format!("life_events[{i}].id"),
                &format!("duplicate id {:?}", e.id),
            );
        }
        check_text(&mut issue, &format!("life_events[{i}].name"), &e.name);
    }
    let mut codes: Vec<&str> = Vec::new();
    for (i, m) in catalog.matters.iter().enumerate() {
        let at = |field: &str| format!("matters[{i}].{field}");
        for problem in crate::form::FormSchema::for_matter(m).problems() {
            issue(at("form"), &problem);
        }
        if m.code.trim().is_empty() {
            issue(at("code"), "must not be empty");
        } else if codes.contains(&m.code.as_str()) {
            issue(at("code"), &format!("duplicate matter code {:?}", m.code));
        }
        codes.push(&m.code);
        check_text(&mut issue, &at("name"), &m.name);
        check_text(&mut issue, &at("department"), &m.department);
        if !region_codes.contains(&m.region_code.as_str()) {
            issue(
                at("region_code"),
                &format!("unknown region {:?}", m.region_code),
            );
        }
        if m.life_events.is_empty() {
            issue(at("life_events"), "must name at least one life event");
        }
        for (j, id) in m.life_events.iter().enumerate() {
            match catalog.life_events.iter().find(|e| &e.id == id) {
                None => issue(
                    at(&format!("life_events[{j}]")),
                    &format!("unknown life event {id:?}"),
                ),
                Some(e) if e.audience != m.audience => issue(
                    at(&format!("life_events[{j}]")),
                    &format!("life event {id:?} is for another audience"),
                ),
                Some(_) => {}
            }
        }
        for (field, list_len) in [
            ("legal_basis", m.legal_basis.len()),
            ("conditions", m.conditions.len()),
            ("materials", m.materials.len()),
            ("steps", m.steps.len()),
        ] {
            if list_len == 0 {
                issue(at(field), "must not be empty");
            }
        }
        for (j, material) in m.materials.iter().enumerate() {
            check_text(
                &mut issue,
                &at(&format!("materials[{j}].name")),
                &material.name,
            );
            if material.count == 0 {
                issue(at(&format!("materials[{j}].count")), "must be at least 1");
            }
        }
        if m.promised_days > m.legal_days {
            issue(at("promised_days"), "must not exceed legal_days");
        }
        if m.visits_needed > 1 {
            issue(at("visits_needed"), "must be 0 or 1");
        }
        if m.fully_online && m.visits_needed != 0 {
            issue(
                at("visits_needed"),
                "must be 0 for a matter handled fully online",
            );
        }
        let best = m.channels.iter().filter(|c| c.best).count();
        if m.channels.is_empty() || best != 1 {
            issue(at("channels"), "must have exactly one channel marked best");
        }
        if !m.fee.free && m.fee.description.is_none() {
            issue(at("fee.description"), "a fee needs its standard and basis");
        }
        for (j, sp) in m.service_points.iter().enumerate() {
            if !(-90.0..=90.0).contains(&sp.latitude) || !(-180.0..=180.0).contains(&sp.longitude) {
                issue(
                    at(&format!("service_points[{j}]")),
                    "coordinates out of range",
                );
            }
        }
        if m.consultation_phone.trim().is_empty() {
            issue(at("consultation_phone"), "must not be empty");
        }
        if m.complaint_phone.trim().is_empty() {
            issue(at("complaint_phone"), "must not be empty");
        }
    }
    for (i, b) in catalog.bundles.iter().enumerate() {
        if b.matters.len() < 2 {
            issue(
                format!("bundles[{i}].matters"),
                "a bundle joins at least two matters",
            );
        }
        for (j, code) in b.matters.iter().enumerate() {
            if !codes.contains(&code.as_str()) {
                issue(
                    format!("bundles[{i}].matters[{j}]"),
                    &format!("unknown matter {code:?}"),
                );
            }
        }
        if !event_ids.contains(&b.life_event.as_str()) {
            issue(
                format!("bundles[{i}].life_event"),
                &format!("unknown life event {:?}", b.life_event),
            );
        }
    }
    for (i, s) in catalog.synonyms.iter().enumerate() {
        if s.phrase.trim().is_empty() || s.means.is_empty() {
            issue(
                format!("synonyms[{i}]"),
                "needs a phrase and at least one meaning",
            );
        }
    }
    issues
}

fn check_text(issue: &mut impl FnMut(String, &str), location: &str, text: &LocalizedText) {
    if text.zh.trim().is_empty() {
        issue(
            format!("{location}.zh"),
            "the Chinese text must not be empty",
        );
    }
}
