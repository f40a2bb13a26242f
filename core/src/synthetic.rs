//! A synthetic catalog of any size for benchmarks: realistic names composed from real fragments,
//! with their pinyin known, so it builds the same in wasm and natively without pinyin tables.

use crate::model::{Audience, LocalizedText, MatterSummary, MatterType};
use crate::search::SearchDocument;

const PLACES: [(&str, &str, &str); 8] = [
    ("杭州市", "hang zhou shi", "Hangzhou"),
    ("宁波市", "ning bo shi", "Ningbo"),
    ("上海市", "shang hai shi", "Shanghai"),
    ("温州市", "wen zhou shi", "Wenzhou"),
    ("嘉兴市", "jia xing shi", "Jiaxing"),
    ("湖州市", "hu zhou shi", "Huzhou"),
    ("徐汇区", "xu hui qu", "Xuhui"),
    ("浦东新区", "pu dong xin qu", "Pudong"),
];

const SUBJECTS: [(&str, &str, &str); 16] = [
    ("社会保障卡", "she hui bao zhang ka", "social security card"),
    ("居民身份证", "ju min shen fen zheng", "resident ID card"),
    (
        "住房公积金",
        "zhu fang gong ji jin",
        "housing provident fund",
    ),
    (
        "机动车驾驶证",
        "ji dong che jia shi zheng",
        "driving licence",
    ),
    ("结婚登记", "jie hun deng ji", "marriage registration"),
    (
        "养老保险待遇",
        "yang lao bao xian dai yu",
        "pension benefit",
    ),
    ("异地就医", "yi di jiu yi", "medical treatment elsewhere"),
    ("个体工商户", "ge ti gong shang hu", "sole proprietor"),
    ("企业", "qi ye", "company"),
    ("高龄津贴", "gao ling jin tie", "old-age allowance"),
    (
        "出生医学证明",
        "chu sheng yi xue zheng ming",
        "medical birth certificate",
    ),
    ("户口", "hu kou", "household registration"),
    (
        "食品经营许可",
        "shi pin jing ying xu ke",
        "food business licence",
    ),
    ("失业保险金", "shi ye bao xian jin", "unemployment benefit"),
    ("不动产", "bu dong chan", "real estate"),
    ("护照", "hu zhao", "passport"),
];

const ACTIONS: [(&str, &str, &str); 8] = [
    ("申领", "shen ling", "application"),
    ("换领", "huan ling", "renewal"),
    ("补领", "bu ling", "replacement"),
    ("变更", "bian geng", "change"),
    ("注销", "zhu xiao", "cancellation"),
    ("提取", "ti qu", "withdrawal"),
    ("备案", "bei an", "registration"),
    ("查询", "cha xun", "enquiry"),
];

/// `n` documents, the same for the same `n` (a fixed linear congruential sequence).
pub fn documents(n: usize) -> Vec<SearchDocument> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    (0..n)
        .map(|i| {
            let place = PLACES[next(PLACES.len())];
            let subject = SUBJECTS[next(SUBJECTS.len())];
            let action = ACTIONS[next(ACTIONS.len())];
            let zh = format!("{}{}{}", place.0, subject.0, action.0);
            let en = format!("{} {} {}", place.2, subject.2, action.2);
            SearchDocument {
                summary: MatterSummary {
                    code: format!("SYN-{i:06}"),
                    name: LocalizedText::new(zh, en),
                    department: LocalizedText::new("某部门", "A department"),
                    region_code: "330100".into(),
                    matter_type: MatterType::PublicService,
                    audience: if subject.0 == "企业" {
                        Audience::Business
                    } else {
                        Audience::Person
                    },
                    fully_online: i % 3 != 0,
                    visits_needed: u32::from(i % 3 == 0),
                    promised_days: (i % 20) as u32,
                },
                life_events: vec!["identity".into()],
                keywords: vec![format!("{}{}", subject.0, action.0)],
                name_pinyin: format!("{} {} {}", place.1, subject.1, action.1),
                keyword_pinyin: vec![format!("{} {}", subject.1, action.1)],
                popularity: next(1000) as u32,
            }
        })
        .collect()
}

/// Queries of every kind people type, for timing.
pub const QUERIES: [&str; 28] = [
    "社保卡",
    "身份证补领",
    "公积金提取",
    "杭州市户口",
    "结婚",
    "shebaoka",
    "gongjijin",
    "hukou",
    "sfz",
    "gjj",
    "sbk",
    "shebaoak",
    "gongjijn",
    "jiashizheng",
    "ID card",
    "passport renewal",
    "养老",
    "异地就医备案",
    "yanglaobaoxian",
    "不存在的事项",
    "我想开个店",
    "孩子出生了要办什么",
    "在杭州买房怎么办",
    "身份证丢了怎么办",
    "爸爸去世了",
    "lost my job",
    "身分证",
    "身份zheng",
];

/// The demo catalog's colloquial phrases and places, so timings include understanding sentences.
pub fn demo_vocabulary() -> (Vec<crate::search::Synonym>, Vec<crate::search::Place>) {
    let catalog = crate::catalog::parse_catalog(include_str!("../../catalog/catalog.json"))
        .expect("the demo catalog is valid");
    (catalog.synonyms, catalog.places)
}

/// Times every query 24 times after one warm-up round with `now` (milliseconds), and says p50,
/// p95 and max: the one measurement both the native and the wasm benchmark make.
pub fn time_queries(index: &crate::search::SearchIndex, now: impl Fn() -> f64) -> String {
    let filter = crate::search::SearchFilter::default();
    let mut times = Vec::new();
    for round in 0..25 {
        for q in QUERIES {
            let started = now();
            let hits = index.search(q, &filter, 20);
            let elapsed = now() - started;
            assert!(hits.len() <= 20);
            if round > 0 {
                times.push(elapsed);
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    format!(
        "p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms ({} queries)",
        pct(0.5),
        pct(0.95),
        times[times.len() - 1],
        times.len()
    )
}
