//! 在线咨询: a question about a matter is first answered from the matter's own guide — the FAQ
//! entries and guide sections that answer it, quoted, each with the guide section to open — on
//! the device, offline, and the same on the server. Only a question the guide does not answer
//! (or whose asker says it did not help) goes to the department, as a thread its staff answer in
//! the workbench; a good answer can become a FAQ entry of the guide for everyone.
//!
//! Passages are ranked by the question's Chinese character pairs and English words they share,
//! each weighted by how rare it is among the guide's passages (a pair every passage has says
//! nothing), plus what the question asks about (how much, how long, what to bring, where, who
//! may, whom to call) matched to the section that says it.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::api::FieldError;
use crate::case::DepartmentRef;
use crate::catalog::Matter;
use crate::search::text::{fold, is_han};
use crate::LocalizedText;

/// Which part of the guide a passage is from (its anchor on the guide page).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum GuideSection {
    /// Time limits, visits and fee (办理时限, 到现场次数, 收费).
    Glance,
    Materials,
    Channels,
    Conditions,
    Steps,
    Faq,
    Contact,
}

impl GuideSection {
    /// The element id of the section on the guide page.
    pub fn anchor(self) -> &'static str {
        match self {
            Self::Glance => "glance",
            Self::Materials => "materials",
            Self::Channels => "channels",
            Self::Conditions => "conditions",
            Self::Steps => "steps",
            Self::Faq => "faq",
            Self::Contact => "contact",
        }
    }

    /// The section's heading (the guide page's own).
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Glance => "guide-at-a-glance",
            Self::Materials => "guide-materials",
            Self::Channels => "guide-channels",
            Self::Conditions => "guide-conditions",
            Self::Steps => "guide-steps",
            Self::Faq => "guide-faq",
            Self::Contact => "guide-contact",
        }
    }
}

/// A piece of a guide that may answer a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passage {
    pub section: GuideSection,
    /// For a FAQ entry, its question.
    pub heading: Option<LocalizedText>,
    /// What it says.
    pub text: LocalizedText,
}

/// A passage found for a question, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct GuideAnswer {
    pub passage: Passage,
    pub score: f32,
}

fn joined(parts: &[&LocalizedText]) -> LocalizedText {
    let zh: Vec<&str> = parts.iter().map(|t| t.zh.as_str()).collect();
    let en: Vec<&str> = parts
        .iter()
        .map(|t| t.en.as_deref().unwrap_or(&t.zh))
        .collect();
    LocalizedText::new(zh.join("；"), en.join("; "))
}

/// The guide's passages: each FAQ entry, and each section as one passage.
pub fn passages(matter: &Matter) -> Vec<Passage> {
    let mut out: Vec<Passage> = matter
        .faq
        .iter()
        .map(|f| Passage {
            section: GuideSection::Faq,
            heading: Some(f.question.clone()),
            text: f.answer.clone(),
        })
        .collect();
    let section = |section, text: LocalizedText| Passage {
        section,
        heading: None,
        text,
    };
    let fee = if matter.fee.free {
        LocalizedText::new("不收费", "Free of charge")
    } else {
        matter
            .fee
            .description
            .clone()
            .unwrap_or_else(|| LocalizedText::new("收费", "A fee is charged"))
    };
    let glance = LocalizedText::new(
        format!(
            "承诺{}个工作日办结，法定{}个工作日；最多跑{}次；{}",
            matter.promised_days, matter.legal_days, matter.visits_needed, fee.zh
        ),
        format!(
            "Done within {} working days (legal limit {}); at most {} visit(s); {}",
            matter.promised_days,
            matter.legal_days,
            matter.visits_needed,
            fee.en.as_deref().unwrap_or(&fee.zh)
        ),
    );
    out.push(section(GuideSection::Glance, glance));
    let materials: Vec<LocalizedText> = matter
        .materials
        .iter()
        .map(|m| match &m.note {
            Some(note) => joined(&[&m.name, note]),
            None => m.name.clone(),
        })
        .collect();
    if !materials.is_empty() {
        out.push(section(
            GuideSection::Materials,
            joined(&materials.iter().collect::<Vec<_>>()),
        ));
    }
    let channels: Vec<&LocalizedText> = matter.channels.iter().map(|c| &c.description).collect();
    if !channels.is_empty() {
        out.push(section(GuideSection::Channels, joined(&channels)));
    }
    let conditions: Vec<&LocalizedText> = matter.conditions.iter().collect();
    if !conditions.is_empty() {
        out.push(section(GuideSection::Conditions, joined(&conditions)));
    }
    let steps: Vec<LocalizedText> = matter
        .steps
        .iter()
        .map(|s| joined(&[&s.name, &s.description]))
        .collect();
    if !steps.is_empty() {
        out.push(section(
            GuideSection::Steps,
            joined(&steps.iter().collect::<Vec<_>>()),
        ));
    }
    out.push(section(
        GuideSection::Contact,
        LocalizedText::new(
            format!(
                "咨询电话 {}；监督投诉电话 {}",
                matter.consultation_phone, matter.complaint_phone
            ),
            format!(
                "Questions: call {}; complaints: call {}",
                matter.consultation_phone, matter.complaint_phone
            ),
        ),
    ));
    out
}

/// What a question asks about, by its words, and the section that says it.
const ASKS: &[(GuideSection, &[&str])] = &[
    (
        GuideSection::Glance,
        &[
            "多少钱",
            "收费",
            "费用",
            "要钱",
            "免费",
            "花钱",
            "工本费",
            "多久",
            "几天",
            "多长时间",
            "时限",
            "什么时候",
            "跑几次",
            "几次",
            "cost",
            "fee",
            "fees",
            "pay",
            "price",
            "free",
            "long",
            "days",
            "when",
            "visits",
        ],
    ),
    (
        GuideSection::Materials,
        &[
            "材料",
            "带什么",
            "要带",
            "证件",
            "准备",
            "照片",
            "复印件",
            "documents",
            "bring",
            "papers",
            "photo",
            "photos",
            "copy",
        ],
    ),
    (
        GuideSection::Channels,
        &[
            "哪里", "在哪", "地址", "大厅", "窗口", "网上", "线上", "where", "online", "office",
            "hall", "address",
        ],
    ),
    (
        GuideSection::Conditions,
        &[
            "条件",
            "能不能",
            "可不可以",
            "能否",
            "资格",
            "谁可以",
            "符合",
            "eligible",
            "allowed",
            "qualify",
            "condition",
            "conditions",
        ],
    ),
    (
        GuideSection::Steps,
        &[
            "流程",
            "步骤",
            "怎么办理",
            "程序",
            "steps",
            "process",
            "procedure",
        ],
    ),
    (
        GuideSection::Contact,
        &[
            "电话", "联系", "投诉", "咨询", "phone", "call", "contact", "complain",
        ],
    ),
];

/// Pairs of characters that say nothing about a matter (how a question is asked).
const PLAIN_PAIRS: &[&str] = &[
    "怎么", "什么", "可以", "需要", "请问", "如何", "我的", "我要", "我想", "一下", "是否", "要不",
    "不要", "吗？", "的话", "这个", "那个", "办理", "是不", "不是",
];

/// Question words that say nothing (English).
fn plain_word(w: &str) -> bool {
    crate::search::query::is_english_filler(w)
        || matches!(
            w,
            "i" | "do"
                | "does"
                | "is"
                | "are"
                | "can"
                | "the"
                | "a"
                | "an"
                | "my"
                | "need"
                | "to"
                | "of"
                | "for"
                | "it"
                | "what"
                | "how"
                | "much"
                | "many"
                | "this"
                | "be"
                | "take"
                | "takes"
                | "get"
                | "go"
                | "want"
                | "have"
                | "has"
                | "there"
                | "will"
        )
}

/// The question's character pairs (within runs of Chinese) and English words, folded.
fn terms(text: &str) -> (HashSet<String>, HashSet<String>) {
    let folded = fold(text);
    let mut pairs = HashSet::new();
    let mut words = HashSet::new();
    let chars: Vec<char> = folded.chars().collect();
    for w in chars.windows(2) {
        if is_han(w[0]) && is_han(w[1]) {
            let pair: String = w.iter().collect();
            if !PLAIN_PAIRS.contains(&pair.as_str()) {
                pairs.insert(pair);
            }
        }
    }
    // A question of one Chinese character (费？) still says something.
    if pairs.is_empty() {
        for c in chars.iter().filter(|c| is_han(**c)) {
            pairs.insert(c.to_string());
        }
    }
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() > 1 && !plain_word(w))
    {
        words.insert(word.trim_end_matches('s').to_owned());
    }
    (pairs, words)
}

fn passage_terms(p: &Passage) -> (HashSet<String>, HashSet<String>) {
    let mut all = String::new();
    for t in p.heading.iter().chain(std::iter::once(&p.text)) {
        all.push_str(&t.zh);
        all.push(' ');
        if let Some(en) = &t.en {
            all.push_str(en);
            all.push(' ');
        }
    }
    let (mut pairs, words) = terms(&all);
    // Single characters too, for one-character questions.
    for c in fold(&all).chars().filter(|c| is_han(*c)) {
        pairs.insert(c.to_string());
    }
    (pairs, words)
}

/// How much of the question a passage must explain to count as an answer.
const ENOUGH: f32 = 0.34;
/// At most this many passages are offered.
pub const MOST: usize = 3;

/// The passages of `matter`'s guide that answer `question`, best first (none: ask a person).
pub fn answer_from_guide(matter: &Matter, question: &str) -> Vec<GuideAnswer> {
    let all = passages(matter);
    let (pairs, words) = terms(question);
    let folded = fold(question);
    // What the question asks about counts in how much it says, even a word search ignores
    // (`long` in "how long").
    let mut words = words;
    for (_, cues) in ASKS {
        for cue in cues.iter().filter(|c| c.is_ascii()) {
            if folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == *cue)
            {
                words.insert(cue.trim_end_matches('s').to_owned());
            }
        }
    }
    if pairs.is_empty() && words.is_empty() {
        return Vec::new();
    }
    let asks: Vec<GuideSection> = ASKS
        .iter()
        .filter(|(_, cues)| {
            cues.iter().any(|cue| {
                if cue.is_ascii() {
                    folded
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| w == *cue)
                } else {
                    folded.contains(cue)
                }
            })
        })
        .map(|(s, _)| *s)
        .collect();
    let indexed: Vec<(HashSet<String>, HashSet<String>)> = all.iter().map(passage_terms).collect();
    let n = all.len() as f32;
    let mut df: HashMap<&str, f32> = HashMap::new();
    for term in pairs.iter().chain(words.iter()) {
        let count = indexed
            .iter()
            .filter(|(p, w)| p.contains(term) || w.contains(term))
            .count() as f32;
        df.insert(term, count);
    }
    let weight = |term: &str| (1.0 + n / df.get(term).copied().unwrap_or(0.0).max(0.5)).ln();
    let total: f32 = pairs.iter().chain(words.iter()).map(|t| weight(t)).sum();
    let mut found: Vec<GuideAnswer> = all
        .into_iter()
        .zip(indexed)
        .filter_map(|(passage, (p, w))| {
            let mut shared: f32 = pairs
                .iter()
                .filter(|t| p.contains(*t))
                .chain(words.iter().filter(|t| w.contains(*t)))
                .map(|t| weight(t))
                .sum();
            // A FAQ entry whose own question shares the words answers best.
            if let Some(h) = &passage.heading {
                let (hp, hw) = terms(&format!("{} {}", h.zh, h.en.as_deref().unwrap_or("")));
                let in_heading: f32 = pairs
                    .iter()
                    .filter(|t| hp.contains(*t))
                    .chain(words.iter().filter(|t| hw.contains(*t)))
                    .map(|t| weight(t))
                    .sum();
                shared += in_heading * 0.5;
            }
            let mut score = shared / total.max(f32::EPSILON);
            let asked = asks.contains(&passage.section);
            if asked {
                score += 0.5;
            }
            (score >= ENOUGH && (shared > 0.0 || asked)).then_some(GuideAnswer { passage, score })
        })
        .collect();
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    found.truncate(MOST);
    found
}

/// The longest question or answer, in characters.
pub const TEXT_MAX: usize = 1000;

/// `POST /api/v1/consultations`: a question the guide did not answer, to the department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewConsultation {
    /// The matter asked about.
    pub matter: String,
    /// The application it is about, when it is about one (the thread stays with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    pub question: String,
}

/// A text of a thread must say something, and not too much.
pub fn check_text(path: &str, text: &str) -> Vec<FieldError> {
    let text = text.trim();
    if text.is_empty() {
        vec![FieldError::new(path, "field-required")]
    } else if text.chars().count() > TEXT_MAX {
        vec![FieldError::new(path, "field-too-long").with_param("max", TEXT_MAX.to_string())]
    } else {
        Vec::new()
    }
}

impl NewConsultation {
    pub fn check(&self) -> Vec<FieldError> {
        check_text("question", &self.question)
    }
}

/// Who wrote a post of a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Author {
    Person,
    /// The department (the person sees no staff member's name).
    Department,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub author: Author,
    pub text: String,
    pub at: i64,
}

/// A consultation as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consultation {
    pub id: String,
    pub matter: String,
    pub matter_name: LocalizedText,
    pub department: DepartmentRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// The question first, then answers and follow-ups, oldest first.
    pub posts: Vec<Post>,
    /// The department has answered the last question.
    pub answered: bool,
    /// The last day for the department's answer (`YYYY-MM-DD`), while it is waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_by: Option<String>,
}

/// `GET /api/v1/me/consultations`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationList {
    pub items: Vec<Consultation>,
}

/// A consultation in the department's workbench.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffConsultation {
    pub consultation: Consultation,
    /// The application's receipt, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// Waiting past its answer day.
    pub overdue: bool,
    /// The FAQ entry made from it, if one was.
    pub in_faq: bool,
}

/// `GET /api/v1/staff/consultations`: waiting ones first (overdue first), then answered ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffConsultationList {
    pub items: Vec<StaffConsultation>,
    pub waiting: u32,
    pub overdue: u32,
    /// Median hours from a question to its answer, over the answered ones (none yet: absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_hours_to_answer: Option<f64>,
    /// Working days a question may wait for its answer.
    pub answer_days: u32,
}

/// `POST /api/v1/me/consultations/{id}/posts` and `/staff/consultations/{id}/answer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPost {
    pub text: String,
}

/// `POST /api/v1/staff/consultations/{id}/faq`: the answer as a FAQ entry of the matter's guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFaq {
    pub question: LocalizedText,
    pub answer: LocalizedText,
}

impl NewFaq {
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = check_text("question.zh", &self.question.zh);
        errors.extend(check_text("answer.zh", &self.answer.zh));
        errors
    }
}

/// The median of answer times in seconds, in hours.
pub fn median_hours(mut seconds: Vec<i64>) -> Option<f64> {
    if seconds.is_empty() {
        return None;
    }
    seconds.sort_unstable();
    let n = seconds.len();
    let middle = if n % 2 == 1 {
        seconds[n / 2] as f64
    } else {
        (seconds[n / 2 - 1] + seconds[n / 2]) as f64 / 2.0
    };
    Some((middle / 360.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matter(code: &str) -> Matter {
        let catalog =
            crate::catalog::parse_catalog(include_str!("../../catalog/catalog.json")).unwrap();
        catalog
            .matters
            .into_iter()
            .find(|m| m.code == code)
            .unwrap()
    }

    fn first(matter: &Matter, question: &str) -> Option<(GuideSection, String)> {
        answer_from_guide(matter, question)
            .into_iter()
            .next()
            .map(|a| (a.passage.section, a.passage.text.zh))
    }

    #[test]
    fn a_question_the_faq_answers_finds_that_entry_in_either_language() {
        let id_card = matter("330000-GA-0001");
        let (section, text) = first(&id_card, "换身份证要自己带照片吗").unwrap();
        assert_eq!(section, GuideSection::Faq);
        assert!(text.contains("免费采集"), "{text}");
        let (section, text) = first(&id_card, "my card has expired, can I still use it?").unwrap();
        assert_eq!(section, GuideSection::Faq);
        assert!(text.contains("过期"), "{text}");
        let (section, text) = first(&id_card, "身份证过期了怎么办").unwrap();
        assert_eq!((section, text.contains("临时")), (GuideSection::Faq, true));
    }

    #[test]
    fn what_a_question_asks_about_finds_its_section() {
        let id_card = matter("330000-GA-0001");
        let (section, text) = first(&id_card, "换证多少钱？").unwrap();
        assert_eq!(section, GuideSection::Glance);
        assert!(text.contains("20元"), "{text}");
        assert_eq!(
            first(&id_card, "要准备哪些材料").unwrap().0,
            GuideSection::Materials
        );
        assert_eq!(
            first(&id_card, "How long does it take?").unwrap().0,
            GuideSection::Glance
        );
        assert_eq!(
            first(&id_card, "咨询电话是多少").unwrap().0,
            GuideSection::Contact
        );
        let marriage = matter("330100-MZ-0001");
        let (section, text) = first(&marriage, "结婚登记收费吗").unwrap();
        assert_eq!(section, GuideSection::Glance);
        assert!(text.contains("不收费"), "{text}");
    }

    #[test]
    fn a_question_the_guide_does_not_answer_goes_to_a_person() {
        let id_card = matter("330000-GA-0001");
        for q in ["我人在国外，可以委托朋友代领吗", "外籍配偶", "   ", "？？"]
        {
            assert!(
                answer_from_guide(&id_card, q).is_empty(),
                "{q}: {:?}",
                answer_from_guide(&id_card, q)
            );
        }
        assert!(answer_from_guide(&id_card, "照片").len() <= MOST);
    }

    #[test]
    fn texts_are_checked_and_medians_are_in_hours() {
        assert_eq!(check_text("question", " ")[0].code, "field-required");
        assert_eq!(
            check_text("question", &"问".repeat(TEXT_MAX + 1))[0].code,
            "field-too-long"
        );
        assert!(check_text("question", "可以代办吗").is_empty());
        assert_eq!(median_hours(vec![]), None);
        assert_eq!(median_hours(vec![3600, 7200, 36_000]), Some(2.0));
        assert_eq!(median_hours(vec![3600, 7200]), Some(1.5));
    }
}
