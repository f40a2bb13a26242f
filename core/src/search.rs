//! Catalog search, the same on the phone (offline, in wasm), on native shells and on the server.
//!
//! People type Chinese words or fragments (`社保卡`), colloquial phrases (`身份证丢了`), full pinyin
//! (`shebaoka`), pinyin initials (`sbk`), pinyin with a typo (`shebaoak`) or English. The index that
//! clients download carries each name's and keyword's pinyin, computed once on the server, so the
//! client needs no pinyin tables. Ranking: relevance first, then popularity.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{Audience, MatterSummary};

/// A colloquial phrase and the words it stands for in matter names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Synonym {
    /// What people type: `身份证丢了`, `生孩子`, `开公司`.
    pub phrase: String,
    /// What it means, as words found in names or keywords: `["身份证", "补领"]`.
    pub means: Vec<String>,
}

/// One matter as the search index knows it: what a result list shows, plus what search matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchDocument {
    #[serde(flatten)]
    pub summary: MatterSummary,
    pub life_events: Vec<String>,
    pub keywords: Vec<String>,
    /// Pinyin of `summary.name.zh`, one space-separated token per character (`_` where a
    /// character has none, lowercase itself for Latin letters and digits).
    pub name_pinyin: String,
    /// Pinyin of each keyword, in the same form.
    pub keyword_pinyin: Vec<String>,
    pub popularity: u32,
}

/// What narrows a search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct SearchFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// Regions whose matters to include (national matters are always included); empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life_event: Option<String>,
}

/// One result: the matter, how well it matched, and which characters of its names matched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub code: String,
    pub score: u32,
    /// Matched character ranges `[start, end)` in the Chinese name.
    pub highlight_zh: Vec<(usize, usize)>,
    /// Matched character ranges `[start, end)` in the English name.
    pub highlight_en: Vec<(usize, usize)>,
}

/// The national region code: its matters apply everywhere.
pub const NATIONAL: &str = "100000";

/// A Latin form of a Chinese text: concatenated pinyin, and where each character starts in it.
#[derive(Debug)]
struct PinyinForm {
    full: String,
    /// Byte offset in `full` of each character's syllable; `None` for characters without one.
    starts: Vec<Option<usize>>,
    initials: String,
    /// Character index of each byte of `initials`.
    initial_chars: Vec<usize>,
}

impl PinyinForm {
    fn new(tokens: &str) -> Self {
        let mut form = Self {
            full: String::new(),
            starts: Vec::new(),
            initials: String::new(),
            initial_chars: Vec::new(),
        };
        for (i, token) in tokens.split(' ').enumerate() {
            if token.is_empty() || token == "_" {
                form.starts.push(None);
                continue;
            }
            form.starts.push(Some(form.full.len()));
            form.full.push_str(token);
            if let Some(c) = token.chars().next() {
                form.initials.push(c);
                form.initial_chars.push(i);
            }
        }
        form
    }

    /// Character range covered by the byte range `[from, to)` of `full`.
    fn chars_of(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let mut first = None;
        let mut last = None;
        for (i, start) in self.starts.iter().enumerate() {
            if let Some(s) = start {
                if *s < to && self.syllable_end(i) > from {
                    first.get_or_insert(i);
                    last = Some(i + 1);
                }
            }
        }
        Some((first?, last?))
    }

    fn syllable_end(&self, i: usize) -> usize {
        self.starts[i + 1..]
            .iter()
            .flatten()
            .next()
            .copied()
            .unwrap_or(self.full.len())
    }

    fn is_boundary(&self, byte: usize) -> bool {
        self.starts.iter().flatten().any(|s| *s == byte)
    }
}

#[derive(Debug)]
struct Prepared {
    name_zh: Vec<char>,
    name_en: String,
    keywords: Vec<Vec<char>>,
    name_py: PinyinForm,
    keyword_py: Vec<PinyinForm>,
}

/// A search index ready to answer queries; build it once per catalog.
#[derive(Debug)]
pub struct SearchIndex {
    documents: Vec<SearchDocument>,
    prepared: Vec<Prepared>,
    synonyms: Vec<(Vec<char>, Vec<Vec<char>>)>,
    /// Each distinct pinyin string (names and keywords), with where it occurs: typo matching
    /// measures each string once, however many documents share it.
    terms: Vec<(String, TermPlaces)>,
    /// Latin bigram → terms containing it, to find typo candidates fast.
    bigrams: HashMap<[u8; 2], Vec<u32>>,
    by_code: HashMap<String, usize>,
    /// Candidate finding, so a query looks closely only at documents that can match.
    postings: Postings,
    /// Region code → its parent, to include a city's matters under its province.
    parents: HashMap<String, String>,
}

const SCORE_GOOD: u32 = 60;

/// Where a pinyin string occurs: (document, `None` for the name or `Some(keyword index)`).
type TermPlaces = Vec<(u32, Option<u16>)>;

impl SearchIndex {
    pub fn new(
        documents: Vec<SearchDocument>,
        synonyms: &[Synonym],
        region_parents: HashMap<String, String>,
    ) -> Self {
        let prepared: Vec<Prepared> = documents
            .iter()
            .map(|d| Prepared {
                name_zh: d.summary.name.zh.chars().collect(),
                name_en: d.summary.name.en.clone().unwrap_or_default().to_lowercase(),
                keywords: d
                    .keywords
                    .iter()
                    .map(|k| normalize(k).chars().collect())
                    .collect(),
                name_py: PinyinForm::new(&d.name_pinyin),
                keyword_py: d
                    .keyword_pinyin
                    .iter()
                    .map(|p| PinyinForm::new(p))
                    .collect(),
            })
            .collect();
        // Distinct pinyin strings → (document, None for the name or Some(keyword index)).
        let mut term_ids: HashMap<String, usize> = HashMap::new();
        let mut terms: Vec<(String, TermPlaces)> = Vec::new();
        for (i, p) in prepared.iter().enumerate() {
            let forms = std::iter::once((&p.name_py, None)).chain(
                p.keyword_py
                    .iter()
                    .enumerate()
                    .map(|(k, f)| (f, Some(k as u16))),
            );
            for (form, which) in forms {
                if form.full.len() < 2 {
                    continue;
                }
                let id = *term_ids.entry(form.full.clone()).or_insert_with(|| {
                    terms.push((form.full.clone(), Vec::new()));
                    terms.len() - 1
                });
                terms[id].1.push((i as u32, which));
            }
        }
        let mut bigrams: HashMap<[u8; 2], Vec<u32>> = HashMap::new();
        for (id, (text, _)) in terms.iter().enumerate() {
            let mut seen: Vec<[u8; 2]> = Vec::new();
            for w in text.as_bytes().windows(2) {
                let key = [w[0], w[1]];
                if !seen.contains(&key) {
                    seen.push(key);
                    bigrams.entry(key).or_default().push(id as u32);
                }
            }
        }
        let by_code = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.summary.code.clone(), i))
            .collect();
        let postings = Postings::new(&prepared);
        let synonyms = synonyms
            .iter()
            .map(|s| {
                (
                    normalize(&s.phrase).chars().collect(),
                    s.means
                        .iter()
                        .map(|m| normalize(m).chars().collect())
                        .collect(),
                )
            })
            .collect();
        Self {
            documents,
            prepared,
            synonyms,
            terms,
            bigrams,
            by_code,
            postings,
            parents: region_parents,
        }
    }

    pub fn documents(&self) -> &[SearchDocument] {
        &self.documents
    }

    /// The documents the filter allows, most popular first (the index's order).
    pub fn browse<'a>(
        &'a self,
        filter: &'a SearchFilter,
    ) -> impl Iterator<Item = &'a SearchDocument> + 'a {
        self.documents
            .iter()
            .filter(move |d| self.allowed(d, filter))
    }

    pub fn document(&self, code: &str) -> Option<&SearchDocument> {
        self.by_code.get(code).map(|i| &self.documents[*i])
    }

    /// The best `limit` matches for `query` among the documents the filter allows.
    pub fn search(&self, query: &str, filter: &SearchFilter, limit: usize) -> Vec<SearchHit> {
        self.search_with(query, filter, limit, false)
    }

    /// `exhaustive` scores every document instead of the candidates: the same answer, slower
    /// (tests hold the two equal).
    fn search_with(
        &self,
        query: &str,
        filter: &SearchFilter,
        limit: usize,
        exhaustive: bool,
    ) -> Vec<SearchHit> {
        let compact = normalize(query);
        if compact.is_empty() || limit == 0 {
            return Vec::new();
        }
        let q: Vec<char> = compact.chars().collect();
        let latin = compact.bytes().all(|b| b.is_ascii_alphanumeric());
        let words: Vec<String> = query
            .to_lowercase()
            .split_whitespace()
            .map(str::to_owned)
            .filter(|w| !w.is_empty())
            .collect();
        let candidates = if exhaustive {
            None
        } else if latin {
            Some(self.latin_candidates(&compact, &words))
        } else if self.synonyms.iter().any(|(phrase, _)| {
            find(&q, phrase).is_some() || (q.len() >= 2 && find(phrase, &q).is_some())
        }) {
            None // a colloquial phrase: what it means decides, so look at every document
        } else {
            Some(self.han_candidates(&q))
        };
        let all = 0..self.prepared.len();
        let chosen: Box<dyn Iterator<Item = usize>> = match &candidates {
            Some(c) => Box::new(c.iter().copied()),
            None => Box::new(all),
        };
        let mut hits: Vec<(usize, SearchHit)> = Vec::new();
        for i in chosen {
            let p = &self.prepared[i];
            if !self.allowed(&self.documents[i], filter) {
                continue;
            }
            // The code is filled in for the survivors only: no allocation per document.
            let mut hit = SearchHit {
                code: String::new(),
                score: 0,
                highlight_zh: vec![],
                highlight_en: vec![],
            };
            if latin {
                self.score_latin(p, &compact, &words, &mut hit);
            } else {
                self.score_han(p, &q, &mut hit);
            }
            if hit.score > 0 {
                hits.push((i, hit));
            }
        }
        let good = hits.iter().filter(|(_, h)| h.score >= SCORE_GOOD).count();
        if latin && compact.len() >= 4 && good < limit {
            self.add_typo_matches(&compact, filter, &mut hits);
        }
        let rank = |(i, h): &(usize, SearchHit)| {
            (
                std::cmp::Reverse(h.score),
                std::cmp::Reverse(self.documents[*i].popularity),
                *i,
            )
        };
        if hits.len() > limit {
            hits.select_nth_unstable_by_key(limit - 1, rank);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(rank);
        hits.into_iter()
            .map(|(i, mut h)| {
                h.code.clone_from(&self.documents[i].summary.code);
                h
            })
            .collect()
    }

    fn allowed(&self, d: &SearchDocument, filter: &SearchFilter) -> bool {
        if filter.audience.is_some_and(|a| a != d.summary.audience) {
            return false;
        }
        if let Some(event) = &filter.life_event {
            if !d.life_events.contains(event) {
                return false;
            }
        }
        if filter.regions.is_empty() || d.summary.region_code == NATIONAL {
            return true;
        }
        let mut region = Some(d.summary.region_code.as_str());
        while let Some(code) = region {
            if filter.regions.iter().any(|r| r == code) {
                return true;
            }
            region = self.parents.get(code).map(String::as_str);
        }
        false
    }

    /// Documents sharing at least half the query's character pairs (every substring and loose
    /// match does), the query's single character, or a keyword inside or around the query.
    fn han_candidates(&self, q: &[char]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        if q.len() == 1 {
            out.extend(
                self.postings
                    .han_chars
                    .get(&q[0])
                    .into_iter()
                    .flatten()
                    .map(|d| *d as usize),
            );
        } else {
            let mut pairs: Vec<(char, char)> = q.windows(2).map(|w| (w[0], w[1])).collect();
            pairs.sort_unstable();
            pairs.dedup();
            let needed = q.windows(2).count().div_ceil(2);
            let mut counts: HashMap<u32, usize> = HashMap::new();
            for pair in &pairs {
                for d in self.postings.han_pairs.get(pair).into_iter().flatten() {
                    *counts.entry(*d).or_default() += 1;
                }
            }
            out.extend(
                counts
                    .into_iter()
                    .filter(|(_, c)| *c >= needed)
                    .map(|(d, _)| d as usize),
            );
        }
        for (keyword, docs) in &self.postings.keywords {
            if find(keyword, q).is_some() || (keyword.len() >= 2 && find(q, keyword).is_some()) {
                out.extend(docs.iter().map(|d| *d as usize));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Documents whose pinyin, pinyin initials or English words can hold the query.
    fn latin_candidates(&self, q: &str, words: &[String]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        // English: every query word starts some word of the name.
        let mut english: Option<Vec<u32>> = None;
        for w in words {
            let mut docs: Vec<u32> = self
                .postings
                .english_words
                .iter()
                .filter(|(word, _)| word.starts_with(w.as_str()))
                .flat_map(|(_, docs)| docs.iter().copied())
                .collect();
            docs.sort_unstable();
            docs.dedup();
            english = Some(match english {
                None => docs,
                Some(prev) => prev
                    .into_iter()
                    .filter(|d| docs.binary_search(d).is_ok())
                    .collect(),
            });
        }
        out.extend(english.into_iter().flatten().map(|d| d as usize));
        if q.len() >= 2 {
            let first = [q.as_bytes()[0], q.as_bytes()[1]];
            // Full pinyin: distinct strings holding the query, found through its first letter pair.
            for id in self.bigrams.get(&first).into_iter().flatten() {
                let (text, places) = &self.terms[*id as usize];
                if text.contains(q) {
                    out.extend(places.iter().map(|(d, _)| *d as usize));
                }
            }
            // Initials.
            for id in self
                .postings
                .initial_pairs
                .get(&first)
                .into_iter()
                .flatten()
            {
                let (text, docs) = &self.postings.initials[*id as usize];
                if text.contains(q) {
                    out.extend(docs.iter().map(|d| *d as usize));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn score_han(&self, p: &Prepared, q: &[char], hit: &mut SearchHit) {
        if let Some(at) = find(&p.name_zh, q) {
            let whole = if q.len() == p.name_zh.len() { 20 } else { 0 };
            let prefix = if at == 0 { 10 } else { 0 };
            hit.score = 100 + whole + prefix;
            hit.highlight_zh.push((at, at + q.len()));
            return;
        }
        for k in &p.keywords {
            let score = if k.as_slice() == q {
                95
            } else if find(k, q).is_some() {
                85
            } else if k.len() >= 2 && find(q, k).is_some() {
                80
            } else {
                0
            };
            hit.score = hit.score.max(score);
        }
        // Colloquial phrases: the words they mean must be in the name or the keywords.
        for (phrase, means) in &self.synonyms {
            let applies = find(q, phrase).is_some() || (q.len() >= 2 && find(phrase, q).is_some());
            if !applies || means.is_empty() {
                continue;
            }
            let mut found = 0;
            let mut marks = Vec::new();
            for word in means {
                if let Some(at) = find(&p.name_zh, word) {
                    found += 1;
                    marks.push((at, at + word.len()));
                } else if p.keywords.iter().any(|k| find(k, word).is_some()) {
                    found += 1;
                }
            }
            let score = if found == means.len() {
                90
            } else {
                (40 * found / means.len()) as u32
            };
            if score > hit.score {
                hit.score = score;
                hit.highlight_zh = marks;
            }
        }
        if hit.score == 0 && q.len() >= 2 {
            // Loose match: share of the query's character pairs found in the name.
            let pairs: Vec<&[char]> = q.windows(2).collect();
            let mut marks = Vec::new();
            let matched = pairs
                .iter()
                .filter(|pair| {
                    let at = find(&p.name_zh, pair);
                    if let Some(at) = at {
                        marks.push((at, at + 2));
                    }
                    at.is_some()
                })
                .count();
            if matched * 2 >= pairs.len() && matched > 0 {
                hit.score = (55 * matched / pairs.len()) as u32;
                hit.highlight_zh = merge(marks);
            }
        }
    }

    fn score_latin(&self, p: &Prepared, q: &str, words: &[String], hit: &mut SearchHit) {
        // English words: every word of the query starts a word of the English name.
        if !words.is_empty() && !p.name_en.is_empty() {
            let mut marks = Vec::new();
            let all = words.iter().all(|w| {
                let found = word_start(&p.name_en, w);
                if let Some(at) = found {
                    marks.push((at, at + w.chars().count()));
                }
                found.is_some()
            });
            if all {
                hit.score = 85 + if words.len() > 1 { 5 } else { 0 };
                hit.highlight_en = marks;
            }
        }
        if q.len() < 2 {
            return;
        }
        let consider = |score: u32, marks: Vec<(usize, usize)>, hit: &mut SearchHit| {
            if score > hit.score {
                hit.score = score;
                hit.highlight_zh = marks;
            }
        };
        // Full pinyin, starting on a syllable.
        if let Some(at) = find_at_boundary(&p.name_py, q) {
            let whole = if at == 0 && q.len() == p.name_py.full.len() {
                10
            } else {
                0
            };
            consider(
                95 + whole,
                p.name_py.chars_of(at, at + q.len()).into_iter().collect(),
                hit,
            );
        }
        for form in &p.keyword_py {
            if let Some(at) = find_at_boundary(form, q) {
                let whole = if at == 0 && q.len() == form.full.len() {
                    5
                } else {
                    0
                };
                consider(90 + whole, Vec::new(), hit);
            }
        }
        // Pinyin initials: `sbk` for 社保卡.
        if let Some(at) = p.name_py.initials.find(q) {
            let whole = if q.len() == p.name_py.initials.len() {
                10
            } else {
                0
            };
            let from = p.name_py.initial_chars[at];
            let to = p.name_py.initial_chars[at + q.len() - 1] + 1;
            consider(75 + whole, vec![(from, to)], hit);
        }
        for form in &p.keyword_py {
            if form.initials == q {
                consider(88, Vec::new(), hit);
            } else if q.len() >= 3 && form.initials.contains(q) {
                consider(72, Vec::new(), hit);
            }
        }
    }

    /// Pinyin within one edit (two for long queries) of the query, among the distinct pinyin
    /// strings sharing enough letter pairs with it.
    fn add_typo_matches(&self, q: &str, filter: &SearchFilter, hits: &mut Vec<(usize, SearchHit)>) {
        let max_edits = if q.len() >= 9 { 2 } else { 1 };
        let pairs: Vec<[u8; 2]> = q.as_bytes().windows(2).map(|w| [w[0], w[1]]).collect();
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for pair in &pairs {
            if let Some(ids) = self.bigrams.get(pair) {
                for id in ids {
                    *shared.entry(*id).or_default() += 1;
                }
            }
        }
        // An edit changes at most two letter pairs (three for a swap).
        let needed = pairs.len().saturating_sub(3 * max_edits).max(1);
        let mut position: HashMap<usize, usize> = hits
            .iter()
            .enumerate()
            .map(|(at, (doc, _))| (*doc, at))
            .collect();
        for (id, count) in shared {
            if count < needed {
                continue;
            }
            let (text, places) = &self.terms[id as usize];
            let Some((edits, end)) = substring_distance(q.as_bytes(), text.as_bytes(), max_edits)
            else {
                continue;
            };
            let start = end.saturating_sub(q.len());
            for &(doc, which) in places {
                let doc = doc as usize;
                if !self.allowed(&self.documents[doc], filter) {
                    continue;
                }
                let score = if which.is_none() { 70 } else { 68 } - 10 * edits as u32;
                let marks = match which {
                    None => self.prepared[doc]
                        .name_py
                        .chars_of(start, end)
                        .into_iter()
                        .collect(),
                    Some(_) => Vec::new(),
                };
                match position.get(&doc) {
                    Some(&at) if hits[at].1.score >= score => {}
                    Some(&at) => {
                        hits[at].1.score = score;
                        hits[at].1.highlight_zh = marks;
                    }
                    None => {
                        position.insert(doc, hits.len());
                        hits.push((
                            doc,
                            SearchHit {
                                code: String::new(),
                                score,
                                highlight_zh: marks,
                                highlight_en: vec![],
                            },
                        ));
                    }
                }
            }
        }
    }
}

/// Inverted lists from what a query can match to the documents holding it.
#[derive(Debug, Default)]
struct Postings {
    /// Neighbouring Chinese character pairs of names and keywords → documents.
    han_pairs: HashMap<(char, char), Vec<u32>>,
    han_chars: HashMap<char, Vec<u32>>,
    /// Distinct keywords (normalized) → documents.
    keywords: Vec<(Vec<char>, Vec<u32>)>,
    /// Distinct initials strings → documents, and their letter pairs → strings.
    initials: Vec<(String, Vec<u32>)>,
    initial_pairs: HashMap<[u8; 2], Vec<u32>>,
    /// Distinct words of English names → documents.
    english_words: Vec<(String, Vec<u32>)>,
}

impl Postings {
    fn new(prepared: &[Prepared]) -> Self {
        let mut p = Postings::default();
        let mut keyword_ids: HashMap<Vec<char>, usize> = HashMap::new();
        let mut initial_ids: HashMap<String, usize> = HashMap::new();
        let mut english_ids: HashMap<String, usize> = HashMap::new();
        fn add(list: &mut Vec<u32>, doc: u32) {
            if list.last() != Some(&doc) {
                list.push(doc);
            }
        }
        for (i, doc) in prepared.iter().enumerate() {
            let d = i as u32;
            for text in std::iter::once(&doc.name_zh).chain(&doc.keywords) {
                for c in text {
                    add(p.han_chars.entry(*c).or_default(), d);
                }
                for w in text.windows(2) {
                    add(p.han_pairs.entry((w[0], w[1])).or_default(), d);
                }
            }
            for k in &doc.keywords {
                let id = *keyword_ids.entry(k.clone()).or_insert_with(|| {
                    p.keywords.push((k.clone(), Vec::new()));
                    p.keywords.len() - 1
                });
                add(&mut p.keywords[id].1, d);
            }
            for form in std::iter::once(&doc.name_py).chain(&doc.keyword_py) {
                if form.initials.is_empty() {
                    continue;
                }
                let id = *initial_ids.entry(form.initials.clone()).or_insert_with(|| {
                    p.initials.push((form.initials.clone(), Vec::new()));
                    p.initials.len() - 1
                });
                add(&mut p.initials[id].1, d);
            }
            for word in doc
                .name_en
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let id = *english_ids.entry(word.to_owned()).or_insert_with(|| {
                    p.english_words.push((word.to_owned(), Vec::new()));
                    p.english_words.len() - 1
                });
                add(&mut p.english_words[id].1, d);
            }
        }
        for (id, (text, _)) in p.initials.iter().enumerate() {
            let mut seen: Vec<[u8; 2]> = Vec::new();
            for w in text.as_bytes().windows(2) {
                let key = [w[0], w[1]];
                if !seen.contains(&key) {
                    seen.push(key);
                    p.initial_pairs.entry(key).or_default().push(id as u32);
                }
            }
        }
        p
    }
}

/// Lowercase, without white space or punctuation: what people type, compared the same way.
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn find<T: PartialEq>(haystack: &[T], needle: &[T]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_at_boundary(form: &PinyinForm, q: &str) -> Option<usize> {
    form.full
        .match_indices(q)
        .map(|(at, _)| at)
        .find(|at| form.is_boundary(*at))
}

/// Character index where `word` starts a word of `text` (both lowercase).
fn word_start(text: &str, word: &str) -> Option<usize> {
    let mut chars = 0;
    for token in text.split(|c: char| !c.is_alphanumeric()) {
        if token.starts_with(word) {
            return Some(chars);
        }
        chars += token.chars().count() + 1;
    }
    None
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The fewest edits (insert, delete, substitute, swap of neighbours) turning `q` into some
/// substring of `text`, if at most `max`; with the end of that substring.
fn substring_distance(q: &[u8], text: &[u8], max: usize) -> Option<(usize, usize)> {
    let n = q.len();
    // prev2/prev/cur: columns of the DP over q for text positions j-2, j-1, j.
    let mut prev2 = vec![0usize; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur = vec![0usize; n + 1];
    let mut best: Option<(usize, usize)> = if n <= max { Some((n, 0)) } else { None };
    for j in 1..=text.len() {
        cur[0] = 0;
        for i in 1..=n {
            let cost = usize::from(q[i - 1] != text[j - 1]);
            let mut v = (prev[i - 1] + cost).min(prev[i] + 1).min(cur[i - 1] + 1);
            if i > 1 && j > 1 && q[i - 1] == text[j - 2] && q[i - 2] == text[j - 1] {
                v = v.min(prev2[i - 2] + 1);
            }
            cur[i] = v;
        }
        if cur[n] <= max && best.is_none_or(|(d, _)| cur[n] < d) {
            best = Some((cur[n], j));
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    best
}

/// Pinyin tokens for a Chinese text, one per character (see `SearchDocument::name_pinyin`).
#[cfg(feature = "pinyin")]
pub fn pinyin_tokens(text: &str) -> String {
    use pinyin::ToPinyin;
    let chars: Vec<char> = text.chars().collect();
    let mut tokens: Vec<String> = Vec::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        let token = if let Some(fixed) = polyphone_in_context(&chars, i) {
            fixed.to_owned()
        } else if let Some(p) = c.to_pinyin() {
            p.plain().to_owned()
        } else if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase().to_string()
        } else {
            "_".to_owned()
        };
        tokens.push(token);
    }
    tokens.join(" ")
}

/// Readings of characters that the first dictionary reading gets wrong in government words.
#[cfg(feature = "pinyin")]
fn polyphone_in_context(chars: &[char], i: usize) -> Option<&'static str> {
    const WORDS: [(&str, &[&str]); 12] = [
        ("银行", &["yin", "hang"]),
        ("行业", &["hang", "ye"]),
        ("重新", &["chong", "xin"]),
        ("重庆", &["chong", "qing"]),
        ("还款", &["huan", "kuan"]),
        ("退还", &["tui", "huan"]),
        ("长辈", &["zhang", "bei"]),
        ("调动", &["diao", "dong"]),
        ("单位", &["dan", "wei"]),
        ("参保", &["can", "bao"]),
        ("参加", &["can", "jia"]),
        ("省会", &["sheng", "hui"]),
    ];
    for (word, readings) in WORDS {
        let w: Vec<char> = word.chars().collect();
        for offset in 0..w.len() {
            if i >= offset
                && chars.len() >= i - offset + w.len()
                && chars[i - offset..i - offset + w.len()] == w[..]
            {
                return Some(readings[offset]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_to_a_substring() {
        assert_eq!(
            substring_distance(b"shebaoka", b"shehuibaozhangkashebaoka", 1),
            Some((0, 24))
        );
        assert_eq!(
            substring_distance(b"shebaoak", b"xxshebaokaxx", 1).map(|r| r.0),
            Some(1)
        );
        assert_eq!(
            substring_distance(b"gongjijn", b"zhufanggongjijintiqu", 1).map(|r| r.0),
            Some(1)
        );
        assert_eq!(substring_distance(b"abcdef", b"zzzzzz", 1), None);
    }

    #[test]
    fn candidate_finding_never_changes_the_answer() {
        let index = SearchIndex::new(crate::synthetic::documents(3_000), &[], HashMap::new());
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
    fn normalizing_drops_space_and_punctuation() {
        assert_eq!(normalize(" 身份证 丢了！"), "身份证丢了");
        assert_eq!(normalize("She Bao Ka"), "shebaoka");
    }
}
