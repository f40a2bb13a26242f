//! Catalog search, the same on the phone (offline, in wasm), on native shells and on the server.
//!
//! People type words (`社保卡`), sentences (`我想开个店`, `孩子出生了要办什么`), places (`在杭州买房`),
//! family words (`给我妈办老年卡`), everyday words for official ones (`店` → 个体工商户, `看病` →
//! 就医), full pinyin with or without tones (`shebaoka`, `shēnfènzhèng`), initials (`sbk`), pinyin
//! with a typo (`shebaoak`), the right sound with the wrong character (`身分证`), Chinese and pinyin
//! mixed (`身份zheng`) or English (`lost my job`). The index that clients download carries each
//! name's and keyword's pinyin, computed once on the server, so clients need no pinyin tables.
//!
//! How a query is read (`query`): its places become a region filter (上海 → 310000, its districts
//! and national matters; a place overrides the region chosen in the app), its fillers and question
//! forms are ignored (a list per language, `fillers.json`), and what is left — Chinese characters in
//! order, Latin words — is what a matter must explain.
//!
//! How a matter is scored (`score`): every character of what is left (and every Latin word, as
//! much as two characters) gets the quality of its best explanation in the matter; the score is the
//! average over the whole query, unexplained parts counting 0. So a matter explaining all of the
//! query outranks one explaining half of it, and a one-term query scores as that term did before.
//!
//! | explanation | quality |
//! |---|---|
//! | the whole text in the name (+20 the whole name, +10 at its start) | 100–130 |
//! | pinyin from a syllable of the name (+10 the whole name) | 95–105 |
//! | a keyword equal to the text / holding it / inside it | 95 / 85 / 80 |
//! | a keyword's pinyin / initials | 90–95 / 72–88 |
//! | a colloquial phrase whose meaning the matter holds (synonyms) | 90 |
//! | an English word starting (or sharing a stem with) a word of the name (+5 for several) | 85–90 |
//! | the name's pinyin initials (`sbk`; +10 all of them) | 75–85 |
//! | a pair of the query's characters in the name / in a keyword | 70 / 60 |
//! | pinyin within one or two typos of the name's / a keyword's | 50–70 |
//! | a pair of the query's syllables in the name / a keyword (homophones) | 55 / 50 |
//! | a colloquial phrase of which the matter holds part of the meaning | < 40 |
//! | a single character of the name, only when nothing explains any pair | 30 |
//!
//! Ties break by popularity, then by the index's order. The parts of the query that none of the
//! best results explains are reported (`SearchResults::unmatched`), so the app can say honestly
//! which words it did not understand; a query with nothing meaningful left is `meaningful: false`.

mod phrases;
mod pinyin;
mod postings;
pub(crate) mod query;
mod score;
#[cfg(test)]
mod tests;
pub(crate) mod text;
mod typo;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{Audience, MatterSummary};
use phrases::Phrases;
#[cfg(feature = "pinyin")]
pub use pinyin::pinyin_tokens;
use pinyin::{PinyinForm, Syllables};
use postings::Postings;
use query::Plan;
pub use text::normalize;

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
    /// Regions whose matters to include, with the regions in them and those they lie in (national
    /// matters are always included); empty = all.
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

/// A place people name in a query (`上海`, `浦东`, `Hangzhou`), and the region it filters to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    /// GB/T 2260 code of the region (`310000`; a former district maps to today's).
    pub region: String,
    /// The enclosing region, for districts and counties (`310000` for `310115`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub name: String,
    /// Other ways to write it: with or without 市/区/县, English, nicknames (`申城`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A search's answer: the results, and how the query was read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// The regions of the places the query names (they filtered the results).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    /// Words of the query no result explains, as typed (to say honestly what was not understood).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
    /// Whether the query had anything to look for beyond fillers, places and punctuation.
    pub meaningful: bool,
}

#[derive(Debug)]
struct Prepared {
    name_zh: Vec<char>,
    name_en: String,
    /// `name_en`'s words, cut once.
    name_en_words: text::Words,
    keywords: Vec<Vec<char>>,
    name_py: PinyinForm,
    keyword_py: Vec<PinyinForm>,
    name_syl: Vec<u32>,
    keyword_syl: Vec<Vec<u32>>,
}

/// Where results may come from: the app's filter, or the places the query names.
struct Scope<'a> {
    filter: &'a SearchFilter,
    places: &'a [String],
}

/// A search index ready to answer queries; build it once per catalog.
#[derive(Debug)]
pub struct SearchIndex {
    documents: Vec<SearchDocument>,
    prepared: Vec<Prepared>,
    synonyms: Phrases,
    /// Each distinct pinyin string (names and keywords), with where it occurs: typo matching
    /// measures each string once, however many documents share it.
    terms: Vec<(String, TermPlaces)>,
    /// Latin bigram → terms containing it, to find typo candidates fast.
    bigrams: HashMap<[u8; 2], Vec<u32>>,
    by_code: HashMap<String, usize>,
    postings: Postings,
    /// Region code → its parent, to include a city's matters under its province.
    parents: HashMap<String, String>,
    /// Every way of writing each place (folded), longest first, with its region.
    places: Vec<(Vec<char>, String)>,
    syllables: Syllables,
    /// Character pairs of names and keywords: a filler or place inside one is not cut.
    vocabulary: HashSet<(char, char)>,
}

const SCORE_GOOD: u32 = 60;
/// How many of the best results say which words of the query were explained.
const EXPLAINING: usize = 3;

/// Where a pinyin string occurs: (document, `None` for the name or `Some(keyword index)`).
type TermPlaces = Vec<(u32, Option<u16>)>;

impl SearchIndex {
    pub fn new(
        mut documents: Vec<SearchDocument>,
        synonyms: &[Synonym],
        places: &[Place],
        region_parents: HashMap<String, String>,
    ) -> Self {
        // Most popular first: browsing's order, and ties' order in ranking.
        documents.sort_by_key(|d| std::cmp::Reverse(d.popularity));
        let mut syllables = Syllables::default();
        let mut prepared: Vec<Prepared> = documents
            .iter()
            .map(|d| {
                let name_zh: Vec<char> = d.summary.name.zh.chars().collect();
                let name_syl = syllables.learn(&name_zh, &d.name_pinyin);
                let raw_keywords: Vec<Vec<char>> =
                    d.keywords.iter().map(|k| k.chars().collect()).collect();
                let keyword_syl = raw_keywords
                    .iter()
                    .zip(&d.keyword_pinyin)
                    .map(|(k, py)| syllables.learn(k, py))
                    .collect();
                let name_en = d.summary.name.en.clone().unwrap_or_default().to_lowercase();
                Prepared {
                    name_zh,
                    name_en_words: text::Words::new(&name_en),
                    name_en,
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
                    name_syl,
                    keyword_syl,
                }
            })
            .collect();
        let postings = Postings::new(&prepared);
        // The words the catalog knows, as character pairs of names and keywords.
        let vocabulary: HashSet<(char, char)> = postings.han_pairs.keys().copied().collect();
        let known = |a: char, b: char| vocabulary.contains(&(a, b));
        // Keywords lose their fillers as queries do (`身份证丢了怎么办` → `身份证丢`).
        for p in &mut prepared {
            for k in &mut p.keywords {
                *k = query::without_fillers(k, known);
            }
        }
        let synonyms = Phrases::new(synonyms, &prepared, &postings, known);
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
        let mut parents = region_parents;
        let mut place_names: Vec<(Vec<char>, String)> = Vec::new();
        for place in places {
            if let Some(parent) = &place.parent {
                parents
                    .entry(place.region.clone())
                    .or_insert_with(|| parent.clone());
            }
            for name in std::iter::once(&place.name).chain(&place.aliases) {
                let folded: Vec<char> = text::fold(name)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                // A single character (沪, 浙) is too often something else.
                if folded.len() >= 2 && !place_names.iter().any(|(n, _)| *n == folded) {
                    place_names.push((folded, place.region.clone()));
                }
            }
        }
        place_names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        Self {
            documents,
            prepared,
            synonyms,
            terms,
            bigrams,
            by_code,
            postings,
            parents,
            places: place_names,
            syllables,
            vocabulary,
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
        self.documents.iter().filter(move |d| {
            self.allowed(
                d,
                &Scope {
                    filter,
                    places: &[],
                },
            )
        })
    }

    pub fn document(&self, code: &str) -> Option<&SearchDocument> {
        self.by_code.get(code).map(|i| &self.documents[*i])
    }

    /// The best `limit` matches for `query` among the documents the filter allows.
    pub fn search(&self, query: &str, filter: &SearchFilter, limit: usize) -> Vec<SearchHit> {
        self.search_explained(query, filter, limit).hits
    }

    /// The best `limit` matches, and how the query was read: its places, the words no result
    /// explains, whether anything was left to look for.
    pub fn search_explained(
        &self,
        query: &str,
        filter: &SearchFilter,
        limit: usize,
    ) -> SearchResults {
        self.search_with(query, filter, limit, false)
    }

    fn plan(&self, query: &str) -> Plan {
        let known = |a: char, b: char| self.vocabulary.contains(&(a, b));
        let mut plan = query::plan(query, &self.places, known);
        plan.syllables = self.syllables.of(&plan.han);
        plan
    }

    /// `exhaustive` scores every document instead of the candidates: the same answer, slower
    /// (tests hold the two equal).
    fn search_with(
        &self,
        query: &str,
        filter: &SearchFilter,
        limit: usize,
        exhaustive: bool,
    ) -> SearchResults {
        let plan = self.plan(query);
        let scope = Scope {
            filter,
            places: &plan.places,
        };
        let mut results = SearchResults {
            places: plan.places.clone(),
            meaningful: !plan.is_empty(),
            ..Default::default()
        };
        if limit == 0 {
            return results;
        }
        if plan.is_empty() {
            // Only a place: that place's matters, most used first.
            if !plan.places.is_empty() {
                results.hits = self
                    .documents
                    .iter()
                    .filter(|d| self.allowed(d, &scope))
                    .take(limit)
                    .map(|d| SearchHit {
                        code: d.summary.code.clone(),
                        score: 1,
                        highlight_zh: vec![],
                        highlight_en: vec![],
                    })
                    .collect();
            }
            return results;
        }
        let applying = self.synonyms.applying(&plan);
        let (mut hits, mut rest) =
            self.score_all(&plan, &applying, &scope, limit, exhaustive, false);
        if hits.is_empty() && !plan.han.is_empty() {
            (hits, rest) = self.score_all(&plan, &applying, &scope, limit, exhaustive, true);
        }
        let compact: String = plan.content_words().concat();
        let latin_only = plan.han.is_empty();
        let good = hits.iter().filter(|(_, h)| h.score >= SCORE_GOOD).count();
        if latin_only && compact.len() >= 4 && good < limit {
            let unscored: HashMap<usize, u32> = rest.into_iter().collect();
            self.add_typo_matches(&compact, &scope, &plan, &applying, &unscored, &mut hits);
        }
        // Documents are in popularity's order: the index breaks ties by popularity.
        let rank = |(i, h): &(usize, SearchHit)| (std::cmp::Reverse(h.score), *i);
        if hits.len() > limit {
            hits.select_nth_unstable_by_key(limit - 1, rank);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(rank);
        results.unmatched = self.unmatched(&plan, &applying, &hits);
        results.hits = hits
            .into_iter()
            .map(|(i, mut h)| {
                h.code.clone_from(&self.documents[i].summary.code);
                h
            })
            .collect();
        results
    }

    /// Scores the candidates best bound first, until no bound left can reach the `limit` best;
    /// `exhaustive` scores every document instead (the same answer, slower).
    #[allow(clippy::too_many_arguments)]
    fn score_all(
        &self,
        plan: &Plan,
        applying: &phrases::Applying,
        scope: &Scope,
        limit: usize,
        exhaustive: bool,
        single: bool,
    ) -> (Vec<(usize, SearchHit)>, Vec<(usize, u32)>) {
        let chosen: Vec<(usize, u32)> = if exhaustive {
            (0..self.prepared.len()).map(|d| (d, u32::MAX)).collect()
        } else {
            self.candidates(plan, applying, single)
        };
        let mut hits: Vec<(usize, SearchHit)> = Vec::new();
        // The `limit` best so far as (score, later index ranks lower), the lowest on top. Documents
        // are in popularity's order, so a bound equal to the lowest score with a later index
        // cannot win the tie either.
        type Key = std::cmp::Reverse<(u32, std::cmp::Reverse<usize>)>;
        let mut best: std::collections::BinaryHeap<Key> = Default::default();
        let mut left = chosen.len();
        for (n, &(i, bound)) in chosen.iter().enumerate() {
            if best.len() >= limit {
                if let Some(std::cmp::Reverse((low, std::cmp::Reverse(at)))) = best.peek() {
                    if bound < *low || (bound == *low && i > *at) {
                        left = n;
                        break;
                    }
                }
            }
            if !self.allowed(&self.documents[i], scope) {
                continue;
            }
            let e = self.explain(i, plan, applying, single);
            let score = e.score(plan);
            if score > 0 {
                best.push(std::cmp::Reverse((score, std::cmp::Reverse(i))));
                if best.len() > limit {
                    best.pop();
                }
                // The code is filled in for the survivors only.
                hits.push((
                    i,
                    SearchHit {
                        code: String::new(),
                        score,
                        highlight_zh: e.highlight_zh,
                        highlight_en: e.highlight_en,
                    },
                ));
            }
        }
        // The candidates not looked at, with their bounds.
        let mut rest = chosen;
        rest.drain(..left);
        (hits, rest)
    }

    /// The parts of the query none of the best results explains, as typed: runs of characters
    /// (within one term of the query) and Latin words.
    fn unmatched(
        &self,
        plan: &Plan,
        applying: &phrases::Applying,
        hits: &[(usize, SearchHit)],
    ) -> Vec<String> {
        let mut han = vec![false; plan.han.len()];
        let mut words = vec![false; plan.words.len()];
        for (doc, hit) in hits.iter().take(EXPLAINING) {
            // A typo match explains the whole (Latin) query.
            if hit.score > 0 && plan.han.is_empty() && hit.highlight_en.is_empty() {
                let e = self.explain(*doc, plan, applying, false);
                if e.words.iter().all(|q| *q == 0) {
                    words.iter_mut().for_each(|w| *w = true);
                    continue;
                }
            }
            // Single characters in common are not understanding.
            let e = self.explain(*doc, plan, applying, false);
            for (i, q) in e.han.iter().enumerate() {
                han[i] |= *q > 0;
            }
            for (i, q) in e.words.iter().enumerate() {
                words[i] |= *q > 0;
            }
        }
        let mut out: Vec<String> = Vec::new();
        let mut run = String::new();
        for i in 0..plan.han.len() {
            let breaks = i > 0 && (plan.term[i] != plan.term[i - 1] || han[i - 1]);
            if breaks && !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
            if !han[i] && !plan.optional[i] {
                run.push(plan.han[i]);
            } else if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            out.push(run);
        }
        for (i, w) in plan.words.iter().enumerate() {
            if !words[i] && !query::is_english_filler(w) && !query::is_english_family(w) {
                out.push(w.clone());
            }
        }
        let mut seen = HashSet::new();
        out.retain(|w| seen.insert(w.clone()));
        out
    }

    fn allowed(&self, d: &SearchDocument, scope: &Scope) -> bool {
        let filter = scope.filter;
        if filter.audience.is_some_and(|a| a != d.summary.audience) {
            return false;
        }
        if let Some(event) = &filter.life_event {
            if !d.life_events.contains(event) {
                return false;
            }
        }
        let region = d.summary.region_code.as_str();
        if region == NATIONAL {
            return true;
        }
        // A place in the query: that place, what it lies in, and what lies in it.
        if !scope.places.is_empty() {
            return scope
                .places
                .iter()
                .any(|p| self.lies_in(region, p) || self.lies_in(p, region));
        }
        // The region chosen: its matters, those of the regions in it, and those of the regions
        // it lies in (a city's residents use their province's matters) — the same matters as
        // `CatalogIndex::for_region` keeps.
        filter.regions.is_empty()
            || (filter.regions.iter()).any(|r| self.lies_in(region, r) || self.lies_in(r, region))
    }

    /// Whether `region` is `within` or lies in it (through the parents).
    fn lies_in(&self, region: &str, within: &str) -> bool {
        lies_in(
            |code| self.parents.get(code).map(String::as_str),
            region,
            within,
        )
    }
}

/// Whether `region` is `within` or lies in it, going up through `parent`. Bounded: a cycle in a
/// bad catalog cannot loop for ever (real hierarchies are a handful of levels deep).
pub(crate) fn lies_in<'a>(
    parent: impl Fn(&str) -> Option<&'a str>,
    region: &'a str,
    within: &str,
) -> bool {
    let mut at = Some(region);
    for _ in 0..64 {
        match at {
            Some(code) if code == within => return true,
            Some(code) => at = parent(code),
            None => return false,
        }
    }
    false
}
