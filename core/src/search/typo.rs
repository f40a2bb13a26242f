//! Pinyin typed with a typo (`shebaoak`, `gongjijn`): matched within one edit of a name's or a
//! keyword's pinyin (two edits for long queries), among the distinct pinyin strings that share
//! enough letter pairs with the query.

use std::collections::HashMap;

use super::phrases::Applying;
use super::query::Plan;
use super::score::Explanation;
use super::text::Approximate;
use super::{Scope, SearchHit, SearchIndex};

impl SearchIndex {
    /// Pinyin within one edit (two for long queries) of the query, among the distinct pinyin
    /// strings sharing enough letter pairs with it.
    pub(super) fn add_typo_matches(
        &self,
        q: &str,
        scope: &Scope,
        plan: &Plan,
        applying: &Applying,
        unscored: &HashMap<usize, u32>,
        hits: &mut Vec<(usize, SearchHit)>,
    ) {
        let max_edits = if q.len() >= 9 { 2 } else { 1 };
        let pairs: Vec<[u8; 2]> = q.as_bytes().windows(2).map(|w| [w[0], w[1]]).collect();
        // Letter pairs shared with each term (a count per term, and the terms touched in order).
        let mut counts = vec![0u16; self.terms.len()];
        let mut touched: Vec<u32> = Vec::new();
        for pair in &pairs {
            if let Some(ids) = self.bigrams.get(pair) {
                for &id in ids {
                    let count = &mut counts[id as usize];
                    if *count == 0 {
                        touched.push(id);
                    }
                    *count = count.saturating_add(1);
                }
            }
        }
        let approximate = Approximate::new(q.as_bytes());
        // An edit changes at most two letter pairs (three for a swap).
        let needed = pairs.len().saturating_sub(3 * max_edits).max(1);
        let mut position: HashMap<usize, usize> = hits
            .iter()
            .enumerate()
            .map(|(at, (doc, _))| (*doc, at))
            .collect();
        for id in touched {
            if (counts[id as usize] as usize) < needed {
                continue;
            }
            let (text, places) = &self.terms[id as usize];
            let Some((edits, end)) = approximate.within(text.as_bytes(), max_edits) else {
                continue;
            };
            let start = end.saturating_sub(q.len());
            for &(doc, which) in places {
                let doc = doc as usize;
                if !self.allowed(&self.documents[doc], scope) {
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
                        // Not scored yet (its bound was too low): keep the better of the two
                        // (a document with no evidence or a bound below the typo's scores less).
                        let bound = unscored.get(&doc).copied().unwrap_or(0);
                        let exact = if bound >= score {
                            self.explain(doc, plan, applying, false)
                        } else {
                            Explanation::default()
                        };
                        let exact_score = if bound >= score { exact.score(plan) } else { 0 };
                        let (score, marks) = if exact_score > 0 && exact_score >= score {
                            (exact_score, exact.highlight_zh)
                        } else {
                            (score, marks)
                        };
                        let highlight_en = if exact_score > 0 {
                            exact.highlight_en
                        } else {
                            vec![]
                        };
                        position.insert(doc, hits.len());
                        hits.push((
                            doc,
                            SearchHit {
                                code: String::new(),
                                score,
                                highlight_zh: marks,
                                highlight_en,
                            },
                        ));
                    }
                }
            }
        }
    }
}
