//! What a query asks for, before anything is matched: its places (a region filter), its filler
//! words and question forms (ignored: 我想, 怎么办, 要办什么, how to …), and what is left to
//! explain — the Chinese characters in order, and the Latin words.
//!
//! Fillers are data (`fillers.json`, per language). A filler is cut only where it is not part of
//! a word the catalog knows: 能 goes in 能不能办 but stays in 技能, because 技能 is a character pair
//! of a name. Places are the catalog's (`places`, with their aliases), longest first, except that
//! 杭州市民卡 reads 杭州 + 市民卡 (the 市 belongs to the word after it).

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use super::text::{fold, is_han};

#[derive(Deserialize)]
struct FillerFile {
    zh: Vec<String>,
    en: Vec<String>,
    family_zh: Vec<String>,
    family_en: Vec<String>,
}

/// The word lists: Chinese fillers and family words (as characters, longest first), English ones.
struct Words {
    zh: Vec<Vec<char>>,
    en: HashSet<String>,
    family_zh: Vec<Vec<char>>,
    family_en: HashSet<String>,
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let data: FillerFile =
            serde_json::from_str(include_str!("fillers.json")).expect("fillers.json is valid");
        let chars = |list: Vec<String>| {
            let mut out: Vec<Vec<char>> = list.iter().map(|f| f.chars().collect()).collect();
            out.sort_by_key(|f| std::cmp::Reverse(f.len()));
            out
        };
        Words {
            zh: chars(data.zh),
            en: data.en.into_iter().collect(),
            family_zh: chars(data.family_zh),
            family_en: data.family_en.into_iter().collect(),
        }
    })
}

/// Whether an English word is a filler (`how`, `to`, `my` …).
pub(crate) fn is_english_filler(word: &str) -> bool {
    words().en.contains(word)
}

/// Whether an English word names whom the matter is for (`mother`, `child` …).
pub(super) fn is_english_family(word: &str) -> bool {
    words().family_en.contains(word)
}

/// A piece of the query in the order typed: Chinese characters (a range of `Plan::han`) or a
/// Latin word (an index into `Plan::words`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Piece {
    Han(usize, usize),
    Word(usize),
}

#[derive(Debug, Default)]
pub(super) struct Plan {
    /// The Chinese characters left to explain, in order (fillers and places cut out).
    pub han: Vec<char>,
    /// Which of the query's terms (runs between fillers, places and punctuation) each character
    /// of `han` came from.
    pub term: Vec<usize>,
    /// Characters of family words (爸爸, 孩子): they count only where a matter explains them.
    pub optional: Vec<bool>,
    /// The Chinese characters before fillers were cut, and where each is in `han` (if kept).
    pub raw_han: Vec<char>,
    pub raw_to_han: Vec<Option<usize>>,
    /// The Latin words (lowercase, toneless, apostrophes dropped), fillers included.
    pub words: Vec<String>,
    /// The same words joined by single spaces, with a space at both ends (for phrases).
    pub latin_text: String,
    /// The query's pieces in order.
    pub pieces: Vec<Piece>,
    /// The reading of each character of `han` (`pinyin::NONE` if the catalog never uses it);
    /// filled in by the index.
    pub syllables: Vec<u32>,
    /// Places named in the query: region codes.
    pub places: Vec<String>,
    /// The fillers cut out, as typed.
    pub fillers: Vec<String>,
}

impl Plan {
    /// The Latin words that are not fillers.
    pub fn content_words(&self) -> Vec<&str> {
        self.words
            .iter()
            .map(String::as_str)
            .filter(|w| !is_english_filler(w))
            .collect()
    }

    /// Whether character `i` of `han` is a term of its own (a word between fillers: 领 in 怎么领).
    pub fn alone(&self, i: usize) -> bool {
        (i == 0 || self.term[i - 1] != self.term[i])
            && (i + 1 == self.term.len() || self.term[i + 1] != self.term[i])
    }

    /// Whether anything is left to look for (family words alone are not).
    pub fn is_empty(&self) -> bool {
        self.optional.iter().all(|o| *o)
            && self.content_words().iter().all(|w| is_english_family(w))
    }
}

/// One of the query's characters, or a separator where a place or filler was cut.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Char(char),
    Cut,
}

/// Reads a query. `known_pair` says whether two characters follow each other in some name or
/// keyword of the catalog.
pub(super) fn plan(
    query: &str,
    places: &[(Vec<char>, String)],
    known_pair: impl Fn(char, char) -> bool,
) -> Plan {
    let mut plan = Plan::default();
    let folded: Vec<char> = fold(query).chars().collect();
    let mut slots: Vec<Slot> = folded.iter().map(|c| Slot::Char(*c)).collect();
    let at = |slots: &[Slot], i: usize| match slots.get(i) {
        Some(Slot::Char(c)) => Some(*c),
        _ => None,
    };
    // Places: the longest alias at each position that does not break a word the catalog knows.
    let mut i = 0;
    while i < slots.len() {
        let mut taken = 0;
        for (alias, region) in places {
            let end = i + alias.len();
            if end > slots.len() || (0..alias.len()).any(|k| at(&slots, i + k) != Some(alias[k])) {
                continue;
            }
            let before = i.checked_sub(1).and_then(|b| at(&slots, b));
            let after = at(&slots, end);
            let latin = alias[0].is_ascii_alphanumeric();
            let breaks = if latin {
                before.is_some_and(|c| c.is_ascii_alphanumeric())
                    || after.is_some_and(|c| c.is_ascii_alphanumeric())
            } else {
                // 杭州市民卡: the 市 of 杭州市 is the 市 of 市民 — take 杭州 instead.
                let suffix = matches!(alias[alias.len() - 1], '市' | '区' | '县' | '省');
                suffix && after.is_some_and(|c| known_pair(alias[alias.len() - 1], c))
            };
            if breaks {
                continue;
            }
            if !plan.places.contains(region) {
                plan.places.push(region.clone());
            }
            taken = alias.len();
            break;
        }
        if taken > 0 {
            for slot in &mut slots[i..i + taken] {
                *slot = Slot::Cut;
            }
            i += taken;
        } else {
            i += 1;
        }
    }
    let after_places = slots.clone();
    // Chinese fillers, the same careful way.
    let zh = &words().zh;
    let mut i = 0;
    while i < slots.len() {
        if !at(&slots, i).is_some_and(is_han) {
            i += 1;
            continue;
        }
        let mut taken = 0;
        for filler in zh {
            let end = i + filler.len();
            if end > slots.len() || (0..filler.len()).any(|k| at(&slots, i + k) != Some(filler[k]))
            {
                continue;
            }
            let before = i.checked_sub(1).and_then(|b| at(&slots, b));
            let after = at(&slots, end);
            let breaks = before.is_some_and(|c| known_pair(c, filler[0]))
                || after.is_some_and(|c| known_pair(filler[filler.len() - 1], c));
            if breaks {
                continue;
            }
            plan.fillers.push(filler.iter().collect());
            taken = filler.len();
            break;
        }
        if taken > 0 {
            for slot in &mut slots[i..i + taken] {
                *slot = Slot::Cut;
            }
            i += taken;
        } else {
            i += 1;
        }
    }
    // What is left: Chinese characters by term, Latin words.
    let mut term = 0;
    let mut word = String::new();
    let mut han_from: Option<usize> = None;
    let flush_word = |plan: &mut Plan, word: &mut String| {
        if !word.is_empty() {
            plan.pieces.push(Piece::Word(plan.words.len()));
            plan.words.push(std::mem::take(word));
        }
    };
    let close_han = |plan: &mut Plan, from: &mut Option<usize>| {
        if let Some(f) = from.take() {
            plan.pieces.push(Piece::Han(f, plan.han.len()));
        }
    };
    let mut slot_han: Vec<Option<usize>> = vec![None; slots.len()];
    for (i, slot) in slots.iter().enumerate() {
        match slot {
            Slot::Char(c) if is_han(*c) => {
                flush_word(&mut plan, &mut word);
                han_from.get_or_insert(plan.han.len());
                slot_han[i] = Some(plan.han.len());
                plan.han.push(*c);
                plan.term.push(term);
            }
            Slot::Char(c) if c.is_alphanumeric() => {
                close_han(&mut plan, &mut han_from);
                word.push(*c);
            }
            // An apostrophe inside pinyin (xi'an) joins.
            Slot::Char('\'' | '’') => {}
            _ => {
                flush_word(&mut plan, &mut word);
                close_han(&mut plan, &mut han_from);
                term += 1;
            }
        }
    }
    flush_word(&mut plan, &mut word);
    close_han(&mut plan, &mut han_from);
    plan.latin_text = format!(" {} ", plan.words.join(" "));
    // The Chinese text with its fillers, for colloquial phrases that hold one (去世, 丢了).
    for (i, slot) in after_places.iter().enumerate() {
        if let Slot::Char(c) = slot {
            if is_han(*c) {
                plan.raw_han.push(*c);
                plan.raw_to_han.push(slot_han[i]);
            }
        }
    }
    // Family words, wherever they are.
    plan.optional = vec![false; plan.han.len()];
    for word in &words().family_zh {
        let mut from = 0;
        while let Some(at) = super::text::find(&plan.han[from..], word) {
            let at = from + at;
            for o in &mut plan.optional[at..at + word.len()] {
                *o = true;
            }
            from = at + word.len();
        }
    }
    plan
}

/// Cuts the fillers out of a catalog phrase (a synonym or keyword) the way queries lose them, so
/// both sides compare alike; a phrase that would be left empty or a single character is kept.
pub(super) fn without_fillers(
    phrase: &[char],
    known_pair: impl Fn(char, char) -> bool,
) -> Vec<char> {
    let text: String = phrase.iter().collect();
    let plan = plan(&text, &[], known_pair);
    if plan.han.len() >= 2 && plan.words.is_empty() && plan.han.len() < phrase.len() {
        plan.han
    } else {
        phrase.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<(Vec<char>, String)> {
        let mut list: Vec<(Vec<char>, String)> = [
            ("上海", "310000"),
            ("上海市", "310000"),
            ("shanghai", "310000"),
            ("杭州", "330100"),
            ("杭州市", "330100"),
        ]
        .iter()
        .map(|(a, r)| (a.chars().collect(), r.to_string()))
        .collect();
        list.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        list
    }

    fn known(a: char, b: char) -> bool {
        ["技能", "市民", "民卡"].iter().any(|w| {
            let w: Vec<char> = w.chars().collect();
            w == [a, b]
        })
    }

    #[test]
    fn fillers_and_places_are_cut_and_the_rest_kept_in_order() {
        let p = plan("我想在杭州买房，要办什么？", &places(), known);
        assert_eq!(p.han.iter().collect::<String>(), "买房");
        assert_eq!(p.places, ["330100"]);
        let p = plan("去上海看病", &places(), known);
        assert_eq!(p.han.iter().collect::<String>(), "看病");
        assert_eq!(p.places, ["310000"]);
        let p = plan("How do I get a passport in Shanghai", &places(), known);
        assert_eq!(p.content_words(), ["passport"]);
        assert_eq!(p.places, ["310000"]);
    }

    #[test]
    fn a_filler_inside_a_known_word_stays() {
        let p = plan("技能证书能不能办理", &places(), known);
        assert_eq!(p.han.iter().collect::<String>(), "技能证书");
        // 杭州市民卡: 市 belongs to 市民, so the place cut is 杭州, not 杭州市.
        let p = plan("杭州市民卡", &places(), known);
        assert_eq!(p.places, ["330100"]);
        assert_eq!(p.han.iter().collect::<String>(), "市民卡");
    }

    #[test]
    fn nothing_meaningful_is_empty() {
        assert!(plan("我想问一下怎么办？", &places(), known).is_empty());
        assert!(plan("how do I", &places(), known).is_empty());
        assert!(!plan("社保", &places(), known).is_empty());
    }

    #[test]
    fn pinyin_pieces_keep_their_order() {
        let p = plan("身份 zhèng", &places(), known);
        assert_eq!(p.pieces, [Piece::Han(0, 2), Piece::Word(0)]);
        assert_eq!(p.words, ["zheng"]);
    }
}
