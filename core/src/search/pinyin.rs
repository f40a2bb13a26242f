//! Pinyin as search uses it. The index carries each name's and keyword's pinyin, computed once
//! on the server (`pinyin_tokens`), so clients need no pinyin tables: a Latin form of each name
//! for typed pinyin, and — learnt from those same names — the reading of every character the
//! catalog uses, for a query typed with the wrong character of the right sound (身分证, 出声).

use std::collections::HashMap;

/// A Latin form of a Chinese text: concatenated pinyin, and where each character starts in it.
#[derive(Debug)]
pub(super) struct PinyinForm {
    pub full: String,
    /// Byte offset in `full` of each character's syllable; `None` for characters without one.
    pub starts: Vec<Option<usize>>,
    pub initials: String,
    /// Character index of each byte of `initials`.
    pub initial_chars: Vec<usize>,
}

impl PinyinForm {
    pub fn new(tokens: &str) -> Self {
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
    pub fn chars_of(&self, from: usize, to: usize) -> Option<(usize, usize)> {
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

    /// Where `q` occurs in the pinyin starting on a syllable.
    pub fn find_at_boundary(&self, q: &str) -> Option<usize> {
        // Syllable starts ascend: the first that `q` starts at (a few compares per syllable).
        let full = self.full.as_bytes();
        self.starts
            .iter()
            .flatten()
            .copied()
            .find(|at| full[*at..].starts_with(q.as_bytes()))
    }
}

/// Syllables by number, and the reading of each character the catalog's names use.
#[derive(Debug, Default)]
pub(super) struct Syllables {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    of_char: HashMap<char, u32>,
}

/// A character's syllable number; `NONE` where it has none (Latin letters, punctuation).
pub(super) const NONE: u32 = u32::MAX;

impl Syllables {
    /// Learns the readings of `text` from its pinyin `tokens` (one per character); returns the
    /// text's syllable numbers.
    pub fn learn(&mut self, text: &[char], tokens: &str) -> Vec<u32> {
        let tokens: Vec<&str> = tokens.split(' ').collect();
        if tokens.len() != text.len() {
            return vec![NONE; text.len()];
        }
        text.iter()
            .zip(tokens)
            .map(|(&c, token)| {
                if token.is_empty() || token == "_" || !super::text::is_han(c) {
                    return NONE;
                }
                let id = match self.ids.get(token) {
                    Some(id) => *id,
                    None => {
                        let id = self.names.len() as u32;
                        self.names.push(token.to_owned());
                        self.ids.insert(token.to_owned(), id);
                        id
                    }
                };
                // The first reading seen wins: names give the reading in context.
                self.of_char.entry(c).or_insert(id);
                id
            })
            .collect()
    }

    /// The syllable numbers of a query's characters, `NONE` for characters the catalog never uses.
    pub fn of(&self, text: &[char]) -> Vec<u32> {
        text.iter()
            .map(|c| self.of_char.get(c).copied().unwrap_or(NONE))
            .collect()
    }

    /// A query's characters as pinyin, if the catalog knows every one of them.
    pub fn spell(&self, text: &[char]) -> Option<String> {
        let mut out = String::new();
        for id in self.of(text) {
            out.push_str(self.names.get(id as usize)?);
        }
        Some(out)
    }
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
