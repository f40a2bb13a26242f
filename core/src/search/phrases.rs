//! Colloquial phrases (synonyms: `身份证丢了`, `生孩子`, `lost my job`) ready to match, and the
//! ones a query holds. A catalog has hundreds of them; a query is looked up by its characters
//! and words instead of trying each phrase (that scan was most of a Chinese query's time).

use std::collections::HashMap;
use std::ops::Index;

use super::postings::Postings;
use super::query::{self, Plan};
use super::text::{self, find, normalize};
use super::{Prepared, Synonym};

/// A colloquial phrase ready to match: Chinese (fillers cut as from queries) or English.
#[derive(Debug)]
pub(super) struct PreparedSynonym {
    pub phrase: Vec<char>,
    /// The phrase as written (its fillers kept), to find in the query before fillers are cut.
    pub raw: Vec<char>,
    /// An English phrase as ` words joined `.
    pub english: Option<String>,
    pub means: Vec<Vec<char>>,
    /// Documents holding every word it means, and those holding any (sorted).
    pub docs: Vec<u32>,
    pub any_docs: Vec<u32>,
}

/// The query's colloquial phrases, found once per query: (synonym, the range of `Plan::han` it
/// covers) for Chinese ones, (synonym, the word range) for English ones.
#[derive(Debug, Default)]
pub(super) struct Applying {
    pub han: Vec<(usize, usize, usize)>,
    pub english: Vec<(usize, usize, usize)>,
}

/// The prepared phrases and where to look them up.
#[derive(Debug)]
pub(super) struct Phrases {
    list: Vec<PreparedSynonym>,
    /// Chinese phrases by the first character of the phrase and of the phrase as written.
    by_first: HashMap<char, Vec<u32>>,
    /// Chinese phrases by each pair of neighbouring characters (a query inside a phrase).
    by_pair: HashMap<(char, char), Vec<u32>>,
    /// English phrases by their first word; `wordless` those with none.
    by_word: HashMap<String, Vec<u32>>,
    wordless: Vec<u32>,
}

impl Index<usize> for Phrases {
    type Output = PreparedSynonym;
    fn index(&self, i: usize) -> &PreparedSynonym {
        &self.list[i]
    }
}

impl Phrases {
    pub fn new(
        synonyms: &[Synonym],
        prepared: &[Prepared],
        postings: &Postings,
        known: impl Fn(char, char) -> bool + Copy,
    ) -> Self {
        let mut phrases = Self {
            list: synonyms
                .iter()
                .map(|s| prepare(s, prepared, postings, known))
                .collect(),
            by_first: HashMap::new(),
            by_pair: HashMap::new(),
            by_word: HashMap::new(),
            wordless: Vec::new(),
        };
        for (i, syn) in phrases.list.iter().enumerate() {
            let id = i as u32;
            let add = |list: &mut Vec<u32>| {
                if list.last() != Some(&id) {
                    list.push(id);
                }
            };
            if let Some(english) = &syn.english {
                match english.split_whitespace().next() {
                    Some(first) => add(phrases.by_word.entry(first.to_owned()).or_default()),
                    None => add(&mut phrases.wordless),
                }
                continue;
            }
            for first in [syn.phrase.first(), syn.raw.first()].into_iter().flatten() {
                add(phrases.by_first.entry(*first).or_default());
            }
            for pair in syn.phrase.windows(2) {
                add(phrases.by_pair.entry((pair[0], pair[1])).or_default());
            }
        }
        phrases
    }

    /// The phrases the query holds (or, for a Chinese query, that hold all of it), in the
    /// catalog's order.
    pub fn applying(&self, plan: &Plan) -> Applying {
        let h = &plan.han;
        let mut candidates: Vec<u32> = self.wordless.clone();
        for word in &plan.words {
            candidates.extend(self.by_word.get(word).into_iter().flatten());
        }
        if !h.is_empty() {
            for c in h.iter().chain(&plan.raw_han) {
                candidates.extend(self.by_first.get(c).into_iter().flatten());
            }
            if let [a, b, ..] = h[..] {
                candidates.extend(self.by_pair.get(&(a, b)).into_iter().flatten());
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        self.check(plan, candidates.into_iter().map(|s| s as usize))
    }

    /// Which of the phrases `candidates` (in the catalog's order) the query holds.
    fn check(&self, plan: &Plan, candidates: impl Iterator<Item = usize>) -> Applying {
        let h = &plan.han;
        let mut out = Applying::default();
        for s in candidates {
            let syn = &self.list[s];
            if let Some(phrase) = &syn.english {
                if let Some(at) = plan.latin_text.find(phrase.as_str()) {
                    // Word range: count the words before the match.
                    let from = plan.latin_text[..at].split_whitespace().count();
                    let to = from + phrase.split_whitespace().count();
                    out.english.push((s, from, to));
                }
                continue;
            }
            if syn.phrase.is_empty() || h.is_empty() {
                continue;
            }
            if let Some(at) = find(h, &syn.phrase) {
                out.han.push((s, at, at + syn.phrase.len()));
            } else if h.len() >= 2 && find(&syn.phrase, h).is_some() {
                out.han.push((s, 0, h.len()));
            } else if let Some(at) = find(&plan.raw_han, &syn.raw) {
                // As typed, fillers and all (爸爸去世了 holds 去世, whose 去 was cut).
                let kept: Vec<usize> = plan.raw_to_han[at..at + syn.raw.len()]
                    .iter()
                    .flatten()
                    .copied()
                    .collect();
                if let (Some(first), Some(last)) = (kept.first(), kept.last()) {
                    out.han.push((s, *first, last + 1));
                }
            }
        }
        out
    }

    /// Every phrase, looked at one by one: what `applying` must equal (tests).
    #[cfg(test)]
    pub fn applying_by_scan(&self, plan: &Plan) -> Applying {
        self.check(plan, 0..self.list.len())
    }
}

fn prepare(
    s: &Synonym,
    prepared: &[Prepared],
    postings: &Postings,
    known: impl Fn(char, char) -> bool,
) -> PreparedSynonym {
    let folded = text::fold(&s.phrase);
    let han = folded.chars().any(text::is_han);
    let means: Vec<Vec<char>> = s
        .means
        .iter()
        .map(|m| normalize(m).chars().collect())
        .collect();
    let mut docs: Option<Vec<u32>> = None;
    let mut any_docs: Vec<u32> = Vec::new();
    for word in &means {
        let holding = postings.holding(prepared, word);
        any_docs.extend(&holding);
        docs = Some(match docs {
            None => holding,
            Some(prev) => prev
                .into_iter()
                .filter(|d| holding.binary_search(d).is_ok())
                .collect(),
        });
    }
    any_docs.sort_unstable();
    any_docs.dedup();
    PreparedSynonym {
        raw: if han {
            normalize(&folded).chars().collect()
        } else {
            Vec::new()
        },
        phrase: if han {
            query::without_fillers(&normalize(&folded).chars().collect::<Vec<_>>(), known)
        } else {
            Vec::new()
        },
        english: (!han).then(|| {
            format!(
                " {} ",
                folded
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }),
        means,
        docs: docs.unwrap_or_default(),
        any_docs,
    }
}
