//! Search as a citizen uses it, over a small catalog built here. (Needs the `pinyin` feature,
//! which the workspace build turns on through the server.)
#![cfg(feature = "pinyin")]

use tongban_core::catalog::*;
use tongban_core::search::{pinyin_tokens, SearchFilter};
use tongban_core::{Audience, LocalizedText, MatterType};

fn text(zh: &str, en: &str) -> LocalizedText {
    LocalizedText::new(zh, en)
}

fn matter(
    code: &str,
    zh: &str,
    en: &str,
    region: &str,
    keywords: &[&str],
    popularity: u32,
) -> Matter {
    Matter {
        code: code.into(),
        name: text(zh, en),
        department: text("某部门", "A department"),
        department_id: "test-dept".into(),
        region_code: region.into(),
        matter_type: MatterType::PublicService,
        audience: if zh.contains("企业") || zh.contains("个体") {
            Audience::Business
        } else {
            Audience::Person
        },
        life_events: vec!["identity".into()],
        legal_basis: vec![text("某法", "A law")],
        conditions: vec![text("条件", "Condition")],
        materials: vec![],
        steps: vec![],
        legal_days: 20,
        promised_days: 10,
        fee: Fee {
            free: true,
            description: None,
        },
        channels: vec![],
        visits_needed: 0,
        fully_online: true,
        service_points: vec![],
        halls: vec![],
        consultation_phone: "12345".into(),
        complaint_phone: "12345".into(),
        faq: vec![],
        cross_province: None,
        real_name_level: tongban_core::auth::RealNameLevel::IdentityVerified,
        form: Vec::new(),
        produces: None,
        recurs: None,
        renews: None,
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        popularity,
    }
}

fn catalog() -> CatalogIndex {
    let region = |code: &str, zh: &str, parent: Option<&str>| Region {
        code: code.into(),
        name: text(zh, zh),
        parent: parent.map(str::to_owned),
        centre: None,
    };
    let catalog = Catalog {
        format: CATALOG_FORMAT.into(),
        version: "test".into(),
        note: String::new(),
        regions: vec![
            region("100000", "全国", None),
            region("330000", "浙江省", None),
            region("330100", "杭州市", Some("330000")),
            region("310000", "上海市", None),
        ],
        departments: vec![],
        halls: vec![],
        places: vec![],
        benefits: vec![],
        life_events: vec![],
        matters: vec![
            matter(
                "SB",
                "社会保障卡申领",
                "Social security card application",
                "330000",
                &["社保卡", "办社保卡"],
                900,
            ),
            matter(
                "SFZ-HL",
                "居民身份证换领",
                "ID card renewal",
                "330100",
                &["换身份证"],
                950,
            ),
            matter(
                "SFZ-BL",
                "居民身份证补领",
                "Replacement of a lost ID card",
                "330100",
                &["身份证丢了", "补办身份证"],
                800,
            ),
            matter(
                "GJJ",
                "住房公积金提取（租房）",
                "Housing fund withdrawal for rent",
                "310000",
                &["提公积金"],
                850,
            ),
            matter(
                "YB",
                "医保异地就医备案",
                "Medical treatment in another province",
                "100000",
                &["异地就医"],
                700,
            ),
            matter(
                "QY",
                "企业设立登记",
                "Company incorporation",
                "310000",
                &["开公司", "注册公司"],
                600,
            ),
            matter(
                "YH",
                "银行开户预约",
                "Bank account appointment",
                "310000",
                &[],
                100,
            ),
        ],
        bundles: vec![],
        synonyms: vec![
            Synonym {
                phrase: "生孩子".into(),
                means: vec!["出生".into()],
            },
            Synonym {
                phrase: "身份证掉了".into(),
                means: vec!["身份证".into(), "补领".into()],
            },
        ],
    };
    CatalogIndex::from_catalog(&catalog)
}

fn top(query: &str) -> Vec<String> {
    catalog()
        .search_index()
        .search(query, &SearchFilter::default(), 3)
        .into_iter()
        .map(|h| h.code)
        .collect()
}

#[test]
fn chinese_fragments_find_the_matter_and_mark_the_match() {
    let hits = catalog()
        .search_index()
        .search("身份证补", &SearchFilter::default(), 3);
    assert_eq!(hits[0].code, "SFZ-BL");
    assert_eq!(hits[0].highlight_zh, vec![(2, 6)]);
    assert_eq!(top("公积金")[0], "GJJ");
}

#[test]
fn full_pinyin_and_initials_find_the_matter() {
    assert_eq!(top("shebaoka")[0], "SB", "keyword 社保卡 in pinyin");
    assert_eq!(top("shehuibaozhang")[0], "SB");
    assert_eq!(top("sbk")[0], "SB", "initials of the keyword");
    assert_eq!(top("gjj")[0], "GJJ");
    assert_eq!(
        top("zhufang gongjijin")[0],
        "GJJ",
        "spaces between syllables are ignored"
    );
    let hits = catalog()
        .search_index()
        .search("shenfenzheng", &SearchFilter::default(), 3);
    assert_eq!(hits[0].code, "SFZ-HL", "ties go to the more popular matter");
    assert_eq!(
        hits[0].highlight_zh,
        vec![(2, 5)],
        "the pinyin match marks 身份证"
    );
}

#[test]
fn pinyin_with_a_typo_still_finds_the_matter() {
    assert_eq!(top("shebaoak")[0], "SB", "swapped letters");
    assert_eq!(top("gongjijn")[0], "GJJ", "a missing letter");
    assert_eq!(top("yidijiuyi")[0], "YB");
    assert!(top("xyzxyzxyz").is_empty(), "nonsense finds nothing");
}

#[test]
fn colloquial_phrases_find_what_they_mean() {
    assert_eq!(top("身份证丢了")[0], "SFZ-BL", "a keyword");
    assert_eq!(
        top("我的身份证掉了")[0],
        "SFZ-BL",
        "a synonym inside a longer sentence"
    );
    assert_eq!(top("开公司")[0], "QY");
}

#[test]
fn english_words_find_the_matter() {
    let hits = catalog()
        .search_index()
        .search("ID card", &SearchFilter::default(), 3);
    assert_eq!(hits[0].code, "SFZ-HL");
    assert_eq!(hits[0].highlight_en, vec![(0, 2), (3, 7)]);
    assert_eq!(top("incorporation")[0], "QY");
}

#[test]
fn polyphones_in_government_words_read_right() {
    assert_eq!(pinyin_tokens("银行开户"), "yin hang kai hu");
    assert_eq!(top("yinhang")[0], "YH");
    assert_eq!(pinyin_tokens("社保卡（A）"), "she bao ka _ a _");
}

#[test]
fn a_region_shows_its_own_its_cities_and_national_matters() {
    let index = catalog().search_index();
    let zhejiang = SearchFilter {
        regions: vec!["330000".into()],
        ..Default::default()
    };
    let mut codes: Vec<String> = index
        .browse(&zhejiang)
        .map(|d| d.summary.code.clone())
        .collect();
    codes.sort();
    assert_eq!(codes, vec!["SB", "SFZ-BL", "SFZ-HL", "YB"]);
    assert!(
        index.search("公积金", &zhejiang, 5).is_empty(),
        "Shanghai's matter is not offered in Zhejiang"
    );
    // A city: its own, its province's and national matters, not another province's.
    let hangzhou = SearchFilter {
        regions: vec!["330100".into()],
        ..Default::default()
    };
    let mut in_city: Vec<String> = index
        .browse(&hangzhou)
        .map(|d| d.summary.code.clone())
        .collect();
    in_city.sort();
    assert_eq!(
        in_city, codes,
        "Zhejiang's matters are Hangzhou's residents' too"
    );
    assert!(index.search("公积金", &hangzhou, 5).is_empty());
    let business = SearchFilter {
        audience: Some(Audience::Business),
        ..Default::default()
    };
    assert_eq!(index.browse(&business).count(), 1);
}

#[test]
fn an_empty_or_blank_query_finds_nothing() {
    assert!(top("").is_empty());
    assert!(top("   ！！").is_empty());
}
