//! The search module's own tests: candidate finding never changes the answer, and how queries
//! are read. (Relevance over the real catalog is in `core/tests/relevance.rs`.)

use std::collections::HashMap;

use super::*;

fn synonyms() -> Vec<Synonym> {
    [
        ("开个店", &["个体工商户"][..]),
        ("看病", &["就医"][..]),
        ("工作丢了", &["失业保险金"][..]),
        ("lost my job", &["失业保险金"][..]),
        ("身份证丢了", &["身份证", "补领"][..]),
    ]
    .iter()
    .map(|(phrase, means)| Synonym {
        phrase: phrase.to_string(),
        means: means.iter().map(|m| m.to_string()).collect(),
    })
    .collect()
}

fn places() -> Vec<Place> {
    vec![
        Place {
            region: "310000".into(),
            parent: None,
            name: "上海".into(),
            aliases: vec!["上海市".into(), "Shanghai".into()],
        },
        Place {
            region: "330100".into(),
            parent: Some("330000".into()),
            name: "杭州".into(),
            aliases: vec!["杭州市".into(), "Hangzhou".into()],
        },
        Place {
            region: "310115".into(),
            parent: Some("310000".into()),
            name: "浦东".into(),
            aliases: vec!["浦东新区".into(), "Pudong".into()],
        },
    ]
}

#[test]
fn candidate_finding_never_changes_the_answer() {
    let index = SearchIndex::new(
        crate::synthetic::documents(3_000),
        &synonyms(),
        &places(),
        HashMap::new(),
    );
    let filter = SearchFilter::default();
    let extra = [
        "州",
        "户口变更",
        "我要换驾驶证",
        "shenfen",
        "hzs",
        "pudong",
        "card",
        "security card",
        "bao",
        "我想开个店",
        "在杭州看病怎么办",
        "工作丢了",
        "lost my job",
        "身分证",
        "身份zheng",
        "shēnfènzhèng",
        "火箭发射许可",
        "我想问一下",
        "浦东",
    ];
    for q in crate::synthetic::QUERIES.iter().chain(&extra) {
        assert_eq!(
            index.search_with(q, &filter, 50, false),
            index.search_with(q, &filter, 50, true),
            "query {q:?}"
        );
    }
}

#[test]
fn a_sentence_finds_what_its_words_mean() {
    let index = SearchIndex::new(
        crate::synthetic::documents(500),
        &synonyms(),
        &places(),
        HashMap::new(),
    );
    let filter = SearchFilter::default();
    let name = |code: &str| index.document(code).unwrap().summary.name.zh.clone();
    let first = |q: &str| {
        index
            .search(q, &filter, 3)
            .first()
            .map(|h| name(&h.code))
            .unwrap_or_default()
    };
    assert!(
        first("我想开个店怎么办").contains("个体工商户"),
        "{}",
        first("我想开个店怎么办")
    );
    assert!(first("lost my job").contains("失业保险金"));
    assert!(first("身份证丢了要办什么").contains("身份证"));
    // The wrong character with the right sound.
    assert!(
        first("居民身分证").contains("身份证"),
        "{}",
        first("居民身分证")
    );
}

#[test]
fn places_filter_and_nothing_meaningful_is_said() {
    // A third of the matters in Shanghai, a third in Pudong, the rest in Hangzhou.
    let mut documents = crate::synthetic::documents(600);
    for (i, d) in documents.iter_mut().enumerate() {
        d.summary.region_code = ["310000", "310115", "330100"][i % 3].into();
    }
    let parents = HashMap::from([("330100".to_owned(), "330000".to_owned())]);
    let index = SearchIndex::new(documents, &synonyms(), &places(), parents);
    let filter = SearchFilter::default();
    let results = index.search_explained("上海的社会保障卡", &filter, 20);
    assert_eq!(results.places, ["310000"]);
    assert!(!results.hits.is_empty());
    let regions: Vec<&str> = results
        .hits
        .iter()
        .map(|h| {
            index
                .document(&h.code)
                .unwrap()
                .summary
                .region_code
                .as_str()
        })
        .collect();
    assert!(regions.iter().all(|r| r.starts_with("31")), "{regions:?}");
    assert!(
        regions.contains(&"310115"),
        "a district of Shanghai is in Shanghai"
    );
    // A district: itself and the city it lies in, not the city's other districts' neighbours.
    let pudong = index.search_explained("浦东 社会保障卡", &filter, 50);
    assert_eq!(pudong.places, ["310115"]);
    assert!(pudong.hits.iter().all(|h| {
        let r = &index.document(&h.code).unwrap().summary.region_code;
        r == "310115" || r == "310000"
    }));
    // A place overrides the region chosen in the app.
    let chosen = SearchFilter {
        regions: vec!["330100".into()],
        ..Default::default()
    };
    assert!(!index.search("上海社会保障卡", &chosen, 5).is_empty());
    let nothing = index.search_explained("我想问一下怎么办", &filter, 20);
    assert!(!nothing.meaningful && nothing.hits.is_empty());
    // A word the catalog does not know is named, the rest still found.
    let partial = index.search_explained("社会保障卡 火箭", &filter, 20);
    assert!(!partial.hits.is_empty());
    assert_eq!(partial.unmatched, ["火箭"]);
}

#[test]
fn looking_phrases_up_finds_what_trying_each_finds() {
    // The demo catalog's hundreds of phrases, over synthetic matters.
    let catalog: serde_json::Value =
        serde_json::from_str(include_str!("../../../catalog/catalog.json")).unwrap();
    let phrases: Vec<Synonym> = serde_json::from_value(catalog["synonyms"].clone()).unwrap();
    assert!(phrases.len() > 100, "{} phrases", phrases.len());
    let index = SearchIndex::new(
        crate::synthetic::documents(500),
        &phrases,
        &places(),
        HashMap::new(),
    );
    let mut queries: Vec<String> = crate::synthetic::QUERIES
        .iter()
        .map(|q| q.to_string())
        .collect();
    for s in &phrases {
        let p = &s.phrase;
        let chars: Vec<char> = p.chars().collect();
        queries.push(p.clone());
        queries.push(format!("我想问一下{p}怎么办"));
        queries.push(format!("please help, {p} now"));
        // Part of a phrase (a query inside a phrase), and a phrase cut short.
        if chars.len() >= 3 {
            queries.push(chars[1..].iter().collect());
            queries.push(chars[..chars.len() - 1].iter().collect());
        }
    }
    let mut found = 0;
    for q in &queries {
        let plan = index.plan(q);
        let by_scan = index.synonyms.applying_by_scan(&plan);
        let looked_up = index.synonyms.applying(&plan);
        assert_eq!(looked_up.han, by_scan.han, "{q}");
        assert_eq!(looked_up.english, by_scan.english, "{q}");
        found += by_scan.han.len() + by_scan.english.len();
    }
    // Not vacuous: most queries hold a phrase.
    assert!(
        found > queries.len() / 2,
        "{found} phrases in {} queries",
        queries.len()
    );
}
