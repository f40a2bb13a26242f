//! How well one matter explains a query: each part of the query gets the quality of its best
//! explanation in this matter (see the table in `search`'s module documentation), and the score is
//! the average over the whole query — so a matter that explains all of it beats one that explains
//! half, and a query of one term scores exactly as that term.

use super::phrases::Applying;
use super::pinyin::NONE;
use super::query::Plan;
use super::text::{find, merge};
use super::{Prepared, SearchIndex};

/// A Latin word counts as much as two Chinese characters (about one word).
pub(super) const WORD_WEIGHT: u32 = 2;

/// What a matter explains of a query, and how well.
#[derive(Debug, Default)]
pub(super) struct Explanation {
    /// Quality per character of `Plan::han` (0: not explained).
    pub han: Vec<u32>,
    /// Quality per word of `Plan::words` (0: not explained; fillers stay 0 and weigh nothing).
    pub words: Vec<u32>,
    pub highlight_zh: Vec<(usize, usize)>,
    pub highlight_en: Vec<(usize, usize)>,
}

impl Explanation {
    /// The average quality over the query's meaningful parts.
    pub fn score(&self, plan: &Plan) -> u32 {
        let mut total = 0u32;
        let mut weight = 0u32;
        for (q, optional) in self.han.iter().zip(&plan.optional) {
            // A family word counts only where the matter explains it.
            if *optional && *q == 0 {
                continue;
            }
            total += q;
            weight += 1;
        }
        for (i, w) in plan.words.iter().enumerate() {
            let family = super::query::is_english_family(w);
            if super::query::is_english_filler(w) || (family && self.words[i] == 0) {
                continue;
            }
            total += self.words[i] * WORD_WEIGHT;
            weight += WORD_WEIGHT;
        }
        if weight == 0 {
            0
        } else {
            total / weight
        }
    }

    fn mark_han(&mut self, from: usize, to: usize, quality: u32) {
        for q in &mut self.han[from..to] {
            *q = (*q).max(quality);
        }
    }

    fn han_done(&self) -> bool {
        self.han.iter().all(|q| *q > 0)
    }
}

impl SearchIndex {
    /// What document `doc` explains of `plan`.
    pub(super) fn explain(
        &self,
        doc: usize,
        plan: &Plan,
        applying: &Applying,
        single: bool,
    ) -> Explanation {
        let p = &self.prepared[doc];
        let mut e = Explanation {
            han: vec![0; plan.han.len()],
            words: vec![0; plan.words.len()],
            ..Default::default()
        };
        if !plan.han.is_empty() {
            self.explain_han(doc, p, plan, applying, single, &mut e);
        }
        if !plan.words.is_empty() {
            self.explain_latin(doc, p, plan, applying, &mut e);
        }
        e.highlight_zh = merge(std::mem::take(&mut e.highlight_zh));
        e
    }

    fn explain_han(
        &self,
        doc: usize,
        p: &Prepared,
        plan: &Plan,
        applying: &Applying,
        single: bool,
        e: &mut Explanation,
    ) {
        let h = &plan.han;
        let n = h.len();
        // The whole text in the name.
        if let Some(at) = find(&p.name_zh, h) {
            let whole = if n == p.name_zh.len() { 20 } else { 0 };
            let prefix = if at == 0 { 10 } else { 0 };
            e.mark_han(0, n, 100 + whole + prefix);
            e.highlight_zh.push((at, at + n));
            return;
        }
        // Keywords: the query in one, or one in the query.
        for k in &p.keywords {
            if k.as_slice() == h.as_slice() {
                e.mark_han(0, n, 95);
            } else if find(k, h).is_some() {
                e.mark_han(0, n, 85);
            } else if k.len() >= 2 {
                if let Some(at) = find(h, k) {
                    e.mark_han(at, at + k.len(), 80);
                }
            }
        }
        // Colloquial phrases: what they mean must be in the name or the keywords.
        for &(s, from, to) in &applying.han {
            let syn = &self.synonyms[s];
            let quality = if syn.docs.binary_search(&(doc as u32)).is_ok() {
                90
            } else if syn.any_docs.binary_search(&(doc as u32)).is_ok() {
                let found = syn.means.iter().filter(|w| holds(p, w)).count();
                (40 * found / syn.means.len().max(1)) as u32
            } else {
                0
            };
            if quality > 0 {
                e.mark_han(from, to, quality);
                for word in &syn.means {
                    if let Some(at) = find(&p.name_zh, word) {
                        e.highlight_zh.push((at, at + word.len()));
                    }
                }
            }
        }
        if e.han_done() {
            return;
        }
        // Parts of the query: each pair of neighbouring characters in the name or a keyword.
        for i in 0..n.saturating_sub(1) {
            if e.han[i] > 0 && e.han[i + 1] > 0 {
                continue;
            }
            let pair = &h[i..i + 2];
            if let Some(at) = find(&p.name_zh, pair) {
                e.mark_han(i, i + 2, 70);
                e.highlight_zh.push((at, at + 2));
            } else if p.keywords.iter().any(|k| find(k, pair).is_some()) {
                e.mark_han(i, i + 2, 60);
            }
        }
        // The right sound, another character (身分证 for 身份证): pairs of syllables.
        if !e.han_done() {
            let syl = &plan.syllables;
            for i in 0..n.saturating_sub(1) {
                if (e.han[i] > 0 && e.han[i + 1] > 0) || syl[i] == NONE || syl[i + 1] == NONE {
                    continue;
                }
                let pair = [syl[i], syl[i + 1]];
                if let Some(at) = find(&p.name_syl, &pair) {
                    e.mark_han(i, i + 2, 55);
                    e.highlight_zh.push((at, at + 2));
                } else if p.keyword_syl.iter().any(|k| find(k, &pair).is_some()) {
                    e.mark_han(i, i + 2, 50);
                }
            }
        }
        // A character standing alone between fillers (领 in 养老金怎么领): in the name or a keyword.
        for i in 0..n {
            if e.han[i] == 0 && plan.alone(i) {
                if let Some(at) = p.name_zh.iter().position(|x| *x == h[i]) {
                    e.han[i] = 60;
                    e.highlight_zh.push((at, at + 1));
                } else if p.keywords.iter().any(|k| k.contains(&h[i])) {
                    e.han[i] = 50;
                }
            }
        }
        // Last resort, when nothing else matched anywhere: single characters of the name.
        if single {
            for (i, c) in h.iter().enumerate() {
                if e.han[i] == 0 {
                    if let Some(at) = p.name_zh.iter().position(|x| x == c) {
                        e.han[i] = 30;
                        e.highlight_zh.push((at, at + 1));
                    }
                }
            }
        }
    }

    fn explain_latin(
        &self,
        doc: usize,
        p: &Prepared,
        plan: &Plan,
        applying: &Applying,
        e: &mut Explanation,
    ) {
        let content: Vec<usize> = (0..plan.words.len())
            .filter(|i| !super::query::is_english_filler(&plan.words[*i]))
            .collect();
        // English: each word starts (or shares a stem with) a word of the English name.
        if !p.name_en.is_empty() {
            let several = content.len() > 1;
            for &i in &content {
                let w = &plan.words[i];
                if let Some(at) = p.name_en_words.start_of(w) {
                    e.words[i] = e.words[i].max(85 + if several { 5 } else { 0 });
                    e.highlight_en.push((at, at + w.chars().count()));
                }
            }
        }
        // English phrases people use (`lost my job`).
        for &(s, from, to) in &applying.english {
            let syn = &self.synonyms[s];
            if syn.docs.binary_search(&(doc as u32)).is_ok() {
                for q in &mut e.words[from..to] {
                    *q = (*q).max(90);
                }
                for word in &syn.means {
                    if let Some(at) = find(&p.name_zh, word) {
                        e.highlight_zh.push((at, at + word.len()));
                    }
                }
            }
        }
        // Pinyin: the content words together (`shebao ka`), or every word (`ka` is a filler-free
        // syllable people type too).
        let joined: String = content.iter().map(|i| plan.words[*i].as_str()).collect();
        let all: String = plan.words.concat();
        for text in [&joined, &all] {
            if let Some((quality, marks)) = pinyin_match(p, text) {
                let covered = if text == &all {
                    (0..plan.words.len()).collect()
                } else {
                    content.clone()
                };
                if covered.iter().all(|i| e.words[*i] >= quality) {
                    continue;
                }
                for i in covered {
                    e.words[i] = e.words[i].max(quality);
                }
                e.highlight_zh.extend(marks);
            }
        }
        // Each word as pinyin on its own (`sfz buban`).
        if content.len() > 1 {
            for &i in &content {
                if let Some((quality, marks)) = pinyin_match(p, &plan.words[i]) {
                    if quality > e.words[i] {
                        e.words[i] = quality;
                        e.highlight_zh.extend(marks);
                    }
                }
            }
        }
        // Chinese and pinyin mixed (`身份zheng`): the whole query spelt in pinyin.
        if !plan.han.is_empty() && !e.han_done() {
            if let Some(spelt) = self.spell(plan) {
                if let Some((quality, marks)) = pinyin_match(p, &spelt) {
                    let quality = quality.saturating_sub(5);
                    e.mark_han(0, plan.han.len(), quality);
                    for q in &mut e.words {
                        *q = (*q).max(quality);
                    }
                    e.highlight_zh.extend(marks);
                }
            }
        }
    }

    /// The query in pinyin, pieces in order, if every Chinese character has a known reading.
    pub(super) fn spell(&self, plan: &Plan) -> Option<String> {
        let mut out = String::new();
        for piece in &plan.pieces {
            match piece {
                super::query::Piece::Han(from, to) => {
                    out.push_str(&self.syllables.spell(&plan.han[*from..*to])?)
                }
                super::query::Piece::Word(i) => out.push_str(&plan.words[*i]),
            }
        }
        Some(out)
    }
}

/// Whether a word is in the name or a keyword.
pub(super) fn holds(p: &Prepared, word: &[char]) -> bool {
    find(&p.name_zh, word).is_some() || p.keywords.iter().any(|k| find(k, word).is_some())
}

/// Typed pinyin against a matter: full pinyin from a syllable (95, 105 for the whole name), a
/// keyword's pinyin (90, 95 whole), the name's initials (`sbk`: 75, 85 whole), a keyword's
/// initials (88 equal, 72 inside). With the name's characters it covers.
pub(super) fn pinyin_match(p: &Prepared, q: &str) -> Option<(u32, Vec<(usize, usize)>)> {
    if q.len() < 2 || !q.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut best: Option<(u32, Vec<(usize, usize)>)> = None;
    let mut consider = |score: u32, marks: Vec<(usize, usize)>| {
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, marks));
        }
    };
    if let Some(at) = p.name_py.find_at_boundary(q) {
        let whole = if at == 0 && q.len() == p.name_py.full.len() {
            10
        } else {
            0
        };
        consider(
            95 + whole,
            p.name_py.chars_of(at, at + q.len()).into_iter().collect(),
        );
    }
    for form in &p.keyword_py {
        if let Some(at) = form.find_at_boundary(q) {
            let whole = if at == 0 && q.len() == form.full.len() {
                5
            } else {
                0
            };
            consider(90 + whole, Vec::new());
        }
    }
    if let Some(at) = p.name_py.initials.find(q) {
        let whole = if q.len() == p.name_py.initials.len() {
            10
        } else {
            0
        };
        let from = p.name_py.initial_chars[at];
        let to = p.name_py.initial_chars[at + q.len() - 1] + 1;
        consider(75 + whole, vec![(from, to)]);
    }
    for form in &p.keyword_py {
        if form.initials == q {
            consider(88, Vec::new());
        } else if q.len() >= 3 && form.initials.contains(q) {
            consider(72, Vec::new());
        }
    }
    best
}
