//! Text as search compares it: folded the same way on both sides, found by characters or words.

/// Lowercase, without white space or punctuation: what people type, compared the same way.
/// Full-width Latin letters and digits become ASCII, tone marks and tone digits of pinyin go
/// (`shēnfènzhèng`, `shen1fen4zheng4` → `shenfenzheng`).
pub fn normalize(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// `normalize` keeping the spaces and punctuation (which separate words and terms).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let c = full_width_to_ascii(c);
        if let Some(plain) = toneless(c) {
            out.push(plain);
            continue;
        }
        // A tone digit right after a pinyin syllable's letter (`shen1`).
        if ('1'..='5').contains(&c)
            && i > 0
            && full_width_to_ascii(chars[i - 1]).is_ascii_alphabetic()
            && chars
                .get(i + 1)
                .is_none_or(|n| !full_width_to_ascii(*n).is_ascii_digit())
        {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn full_width_to_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A pinyin vowel with its tone mark, without it (`ü` is written `v`, as keyboards type it).
fn toneless(c: char) -> Option<char> {
    Some(match c {
        'ā' | 'á' | 'ǎ' | 'à' | 'Ā' | 'Á' | 'Ǎ' | 'À' => 'a',
        'ē' | 'é' | 'ě' | 'è' | 'Ē' | 'É' | 'Ě' | 'È' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' | 'Ī' | 'Í' | 'Ǐ' | 'Ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' | 'Ō' | 'Ó' | 'Ǒ' | 'Ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' | 'Ū' | 'Ú' | 'Ǔ' | 'Ù' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'Ü' | 'Ǖ' | 'Ǘ' | 'Ǚ' | 'Ǜ' => 'v',
        _ => return None,
    })
}

/// A Chinese character (the CJK blocks people type matter names in).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

pub fn find<T: PartialEq>(haystack: &[T], needle: &[T]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Character index where `word` starts a word of `text` (both lowercase), or where a word of
/// `text` shares a long stem with it (`register` ~ `registration`, `married` ~ `marriage`).
pub fn word_start(text: &str, word: &str) -> Option<usize> {
    let mut chars = 0;
    let mut stem = None;
    for token in text.split(|c: char| !c.is_alphanumeric()) {
        if token.starts_with(word) {
            return Some(chars);
        }
        if stem.is_none() && same_stem(token, word) {
            stem = Some(chars);
        }
        chars += token.chars().count() + 1;
    }
    stem
}

/// English words of one stem: five letters or more in common, and the query word at most two
/// letters longer than that.
fn same_stem(token: &str, word: &str) -> bool {
    let common = token
        .bytes()
        .zip(word.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    word.len() >= 5 && common >= 5 && common + 2 >= word.len()
}

pub fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
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
pub fn substring_distance(q: &[u8], text: &[u8], max: usize) -> Option<(usize, usize)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_drops_space_punctuation_and_tones() {
        assert_eq!(normalize(" 身份证 丢了！"), "身份证丢了");
        assert_eq!(normalize("She Bao Ka"), "shebaoka");
        assert_eq!(normalize("shēnfènzhèng"), "shenfenzheng");
        assert_eq!(normalize("shen1fen4 zheng4"), "shenfenzheng");
        assert_eq!(normalize("ＳＨＥＢＡＯ１２３４５"), "shebao12345");
        assert_eq!(normalize("lǜ"), "lv");
    }

    #[test]
    fn english_words_match_by_start_or_stem() {
        assert_eq!(word_start("marriage registration", "regist"), Some(9));
        assert_eq!(word_start("marriage registration", "register"), Some(9));
        assert_eq!(word_start("marriage registration", "married"), Some(0));
        assert_eq!(word_start("social security card", "care"), None);
    }

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
}
