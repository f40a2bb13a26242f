//! Inverted lists from what a query can match to the documents holding it, so a query looks
//! closely only at documents that can explain some of it (tests hold the answer equal to looking
//! at every document).

use std::collections::HashMap;

use super::phrases::Applying;
use super::pinyin::NONE;
use super::query::Plan;
use super::text::find;
use super::{Prepared, SearchIndex};

#[derive(Debug, Default)]
pub(super) struct Postings {
    /// Neighbouring Chinese character pairs of names and keywords → documents.
    pub han_pairs: HashMap<(char, char), Vec<u32>>,
    pub han_chars: HashMap<char, Vec<u32>>,
    /// Neighbouring syllable pairs of names and keywords → documents (for homophones).
    pub syllable_pairs: HashMap<(u32, u32), Vec<u32>>,
    /// Distinct keywords (normalized) → documents.
    pub keywords: Vec<(Vec<char>, Vec<u32>)>,
    /// Distinct initials strings → documents, and their letter pairs → strings.
    pub initials: Vec<(String, Vec<u32>)>,
    pub initial_pairs: HashMap<[u8; 2], Vec<u32>>,
    /// Distinct words of English names → documents.
    pub english_words: Vec<(String, Vec<u32>)>,
}

fn add(list: &mut Vec<u32>, doc: u32) {
    if list.last() != Some(&doc) {
        list.push(doc);
    }
}

impl Postings {
    pub fn new(prepared: &[Prepared]) -> Self {
        let mut p = Postings::default();
        let mut keyword_ids: HashMap<Vec<char>, usize> = HashMap::new();
        let mut initial_ids: HashMap<String, usize> = HashMap::new();
        let mut english_ids: HashMap<String, usize> = HashMap::new();
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
            for syllables in std::iter::once(&doc.name_syl).chain(&doc.keyword_syl) {
                for w in syllables.windows(2) {
                    if w[0] != NONE && w[1] != NONE {
                        add(p.syllable_pairs.entry((w[0], w[1])).or_default(), d);
                    }
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

    /// Documents holding `word` in a name or keyword (sorted), found through its first pair.
    pub fn holding(&self, prepared: &[Prepared], word: &[char]) -> Vec<u32> {
        let seeds = match word {
            [] => return Vec::new(),
            [c] => self.han_chars.get(c),
            [a, b, ..] => self.han_pairs.get(&(*a, *b)),
        };
        seeds
            .into_iter()
            .flatten()
            .copied()
            .filter(|d| super::score::holds(&prepared[*d as usize], word))
            .collect()
    }
}

/// What a candidate may explain of the query, by the best quality each kind of evidence allows:
/// the whole text in the name (130, when the name holds every pair of it), keywords or the whole
/// query spelt in pinyin (100), colloquial phrases (90), pairs of characters or syllables and lone
/// characters (70), pairs of syllables (55); Latin words by pinyin (up to 105, by what the pinyin
/// matched) or English (90).
#[derive(Clone, Copy, Default)]
struct Evidence {
    strong: u64,
    phrase: u64,
    weak: u64,
    /// Pairs of syllables (homophones, 55).
    sound: u64,
    /// Single characters in common, the last resort (30).
    lone: u64,
    pairs: u16,
    /// Words each matched as pinyin on its own (105) or as English (90).
    words_pinyin: u32,
    words_english: u32,
    /// The best pinyin quality of the content words together, of all words, of the query spelt.
    joined: u8,
    all: u8,
    spelt: u8,
}

/// The evidence of each touched document (through a slot per document, so nothing is cleared).
struct Gathered {
    slot: Vec<u32>,
    entries: Vec<(u32, Evidence)>,
}

impl Gathered {
    fn new(len: usize) -> Self {
        Self {
            slot: vec![u32::MAX; len],
            entries: Vec::new(),
        }
    }

    fn at(&mut self, doc: u32) -> &mut Evidence {
        let slot = &mut self.slot[doc as usize];
        if *slot == u32::MAX {
            *slot = self.entries.len() as u32;
            self.entries.push((doc, Evidence::default()));
        }
        &mut self.entries[*slot as usize].1
    }

    fn each(&mut self, docs: &[u32], f: impl Fn(&mut Evidence)) {
        for &d in docs {
            f(self.at(d));
        }
    }
}

fn span(from: usize, to: usize) -> u64 {
    (from..to).fold(0, |m, i| m | (1 << i))
}

/// The highest average of `fixed` (sum, count) plus any choice of `optional` qualities (each
/// counted only if taken): an upper bound of a score where family words count only if explained.
fn best_average(mut sum: u64, mut count: u64, optional: &mut [u64]) -> u64 {
    optional.sort_unstable_by(|a, b| b.cmp(a));
    for &q in optional.iter() {
        if count == 0 || q * count > sum {
            sum += q;
            count += 1;
        }
    }
    if count == 0 {
        0
    } else {
        sum.div_ceil(count)
    }
}

impl SearchIndex {
    /// The documents that can explain some part of `plan` (`single`: single characters too),
    /// each with an upper bound of its score, best bound first (then the index's order, which is
    /// popularity's): scoring can stop once no bound left can reach the results.
    pub(super) fn candidates(
        &self,
        plan: &Plan,
        applying: &Applying,
        single: bool,
    ) -> Vec<(usize, u32)> {
        let h = &plan.han;
        if h.len() > 64 || plan.words.len() > 32 {
            return (0..self.prepared.len()).map(|d| (d, u32::MAX)).collect();
        }
        let p = &self.postings;
        let mut g = Gathered::new(self.prepared.len());
        let none: &[u32] = &[];
        if !h.is_empty() {
            let all = span(0, h.len());
            for (i, c) in h.iter().enumerate() {
                let docs = p.han_chars.get(c).map_or(none, Vec::as_slice);
                if h.len() == 1 {
                    g.each(docs, |e| e.strong |= 1);
                } else if plan.alone(i) {
                    g.each(docs, |e| e.weak |= 1 << i);
                } else if single {
                    g.each(docs, |e| e.lone |= 1 << i);
                }
            }
            for (i, w) in h.windows(2).enumerate() {
                let docs = p.han_pairs.get(&(w[0], w[1])).map_or(none, Vec::as_slice);
                g.each(docs, |e| {
                    e.weak |= span(i, i + 2);
                    e.pairs += 1;
                });
            }
            for (i, w) in plan.syllables.windows(2).enumerate() {
                if w[0] != NONE && w[1] != NONE {
                    let docs = p
                        .syllable_pairs
                        .get(&(w[0], w[1]))
                        .map_or(none, Vec::as_slice);
                    g.each(docs, |e| e.sound |= span(i, i + 2));
                }
            }
            for (keyword, docs) in &p.keywords {
                if find(keyword, h).is_some() {
                    g.each(docs, |e| e.strong |= all);
                } else if keyword.len() >= 2 {
                    if let Some(at) = find(h, keyword) {
                        g.each(docs, |e| e.strong |= span(at, at + keyword.len()));
                    }
                }
            }
            for &(s, from, to) in &applying.han {
                g.each(&self.synonyms[s].any_docs, |e| e.phrase |= span(from, to));
            }
        }
        for &(s, from, to) in &applying.english {
            let bits = (from..to).fold(0u32, |b, i| b | (1 << i));
            g.each(&self.synonyms[s].any_docs, |e| e.words_english |= bits);
        }
        if !plan.words.is_empty() {
            let content: Vec<usize> = (0..plan.words.len())
                .filter(|i| !super::query::is_english_filler(&plan.words[*i]))
                .collect();
            let mut found: Vec<(u32, u8)> = Vec::new();
            let mut english: Vec<u32> = Vec::new();
            for &i in &content {
                english.clear();
                self.english_candidates(&plan.words[i], &mut english);
                g.each(&english, |e| e.words_english |= 1 << i);
                if content.len() > 1 {
                    found.clear();
                    self.latin_candidates(&plan.words[i], &mut found);
                    for &(d, _) in &found {
                        g.at(d).words_pinyin |= 1 << i;
                    }
                }
            }
            let joined: String = content.iter().map(|i| plan.words[*i].as_str()).collect();
            found.clear();
            self.latin_candidates(&joined, &mut found);
            for &(d, q) in &found {
                let e = g.at(d);
                e.joined = e.joined.max(q);
            }
            let all = plan.words.concat();
            if all != joined {
                found.clear();
                self.latin_candidates(&all, &mut found);
                for &(d, q) in &found {
                    let e = g.at(d);
                    e.all = e.all.max(q);
                }
            }
            if !h.is_empty() {
                if let Some(spelt) = self.spell(plan) {
                    found.clear();
                    self.latin_candidates(&spelt, &mut found);
                    let han_all = span(0, h.len());
                    for &(d, q) in &found {
                        let e = g.at(d);
                        e.spelt = e.spelt.max(q);
                        e.strong |= han_all;
                    }
                }
            }
        }
        // The bound: each part at the best quality its evidence allows, the rest at 0.
        let weight = u64::from(super::score::WORD_WEIGHT);
        let pairs_needed = h.len().saturating_sub(1) as u16;
        let mut out: Vec<(usize, u32)> = g
            .entries
            .iter()
            .map(|(d, e)| {
                let whole = (h.len() == 1 && e.strong & 1 != 0)
                    || (h.len() >= 2 && e.pairs >= pairs_needed);
                let quality = |i: usize| -> u64 {
                    let bit = 1u64 << i;
                    if whole {
                        130
                    } else if e.strong & bit != 0 {
                        100
                    } else if e.phrase & bit != 0 {
                        90
                    } else if e.weak & bit != 0 {
                        70
                    } else if e.sound & bit != 0 {
                        55
                    } else if e.lone & bit != 0 {
                        30
                    } else {
                        0
                    }
                };
                let (mut sum, mut count) = (0u64, 0u64);
                let mut optional: Vec<u64> = Vec::new();
                for i in 0..h.len() {
                    let q = quality(i);
                    if plan.optional[i] {
                        if q > 0 {
                            optional.push(q);
                        }
                    } else {
                        sum += q;
                        count += 1;
                    }
                }
                for (i, w) in plan.words.iter().enumerate() {
                    if super::query::is_english_filler(w) {
                        continue;
                    }
                    let bit = 1u32 << i;
                    let q = if e.words_pinyin & bit != 0 {
                        105
                    } else {
                        let english = if e.words_english & bit != 0 { 90 } else { 0 };
                        u64::from(e.joined.max(e.all).max(e.spelt)).max(english)
                    };
                    if super::query::is_english_family(w) {
                        // A family word weighs like two characters, if explained.
                        if q > 0 {
                            optional.push(q);
                            optional.push(q);
                        }
                    } else {
                        sum += q * weight;
                        count += weight;
                    }
                }
                (*d as usize, best_average(sum, count, &mut optional) as u32)
            })
            .filter(|(_, bound)| *bound > 0)
            .collect();
        out.sort_unstable_by_key(|(d, bound)| (std::cmp::Reverse(*bound), *d));
        out
    }

    /// Documents with an English word the query word starts (or shares a stem with).
    fn english_candidates(&self, w: &str, out: &mut Vec<u32>) {
        for (word, docs) in &self.postings.english_words {
            if super::text::word_start(word, w).is_some() {
                out.extend(docs);
            }
        }
    }

    /// Documents whose pinyin or pinyin initials can hold the query, with the best quality
    /// that can give (see `score::pinyin_match`).
    fn latin_candidates(&self, q: &str, out: &mut Vec<(u32, u8)>) {
        if q.len() < 2 || !q.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return;
        }
        let first = [q.as_bytes()[0], q.as_bytes()[1]];
        // Full pinyin: distinct strings holding the query, found through its first letter pair.
        for id in self.bigrams.get(&first).into_iter().flatten() {
            let (text, places) = &self.terms[*id as usize];
            if text.contains(q) {
                let equal = text == q;
                out.extend(places.iter().map(|(d, which)| {
                    let q = match (which, equal) {
                        (None, true) => 105,
                        (None, false) => 95,
                        (Some(_), true) => 95,
                        (Some(_), false) => 90,
                    };
                    (*d, q)
                }));
            }
        }
        // Initials (a name's: 85 all, 75 part; a keyword's: 88 equal, 72 part).
        for id in self
            .postings
            .initial_pairs
            .get(&first)
            .into_iter()
            .flatten()
        {
            let (text, docs) = &self.postings.initials[*id as usize];
            if text.contains(q) {
                let quality = if text == q { 88 } else { 75 };
                out.extend(docs.iter().map(|d| (*d, quality)));
            }
        }
    }
}
