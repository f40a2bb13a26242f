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

/// Where `needle` first occurs in `haystack`. Compares element by element from the first: the
/// needles are a few characters, and a slice `==` per window (a `memcmp` call each) was a tenth
/// of a server search's time.
pub fn find<T: PartialEq>(haystack: &[T], needle: &[T]) -> Option<usize> {
    let (first, rest) = needle.split_first()?;
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| {
        haystack[i] == *first
            && haystack[i + 1..i + needle.len()]
                .iter()
                .zip(rest)
                .all(|(a, b)| a == b)
    })
}

/// Character index where `word` starts a word of `text` (both lowercase), or where a word of
/// `text` shares a long stem with it (`register` ~ `registration`, `married` ~ `marriage`).
pub fn word_start(text: &str, word: &str) -> Option<usize> {
    start_among(tokens(text), word)
}

/// The words of `text` (split at what is not a letter or digit), each with its character index.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .scan(0, |chars, token| {
            let at = *chars;
            *chars += token.chars().count() + 1;
            Some((at, token))
        })
}

fn start_among<'a>(tokens: impl Iterator<Item = (usize, &'a str)>, word: &str) -> Option<usize> {
    let mut stem = None;
    for (at, token) in tokens {
        if token.starts_with(word) {
            return Some(at);
        }
        if stem.is_none() && same_stem(token, word) {
            stem = Some(at);
        }
    }
    stem
}

/// An English text cut into words once, each with the character index it starts at, for
/// [`word_start`] against many query words.
#[derive(Debug, Default)]
pub struct Words(Vec<(usize, String)>);

impl Words {
    pub fn new(text: &str) -> Self {
        Self(tokens(text).map(|(at, t)| (at, t.to_owned())).collect())
    }

    /// Where `word` starts one of the words, else where one shares its stem.
    pub fn start_of(&self, word: &str) -> Option<usize> {
        start_among(self.0.iter().map(|(at, t)| (*at, t.as_str())), word)
    }
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

/// A query prepared once to be measured against many texts with [`substring_distance`]'s
/// answer: for up to 64 bytes bit-parallel (Myers's algorithm with Hyyrö's extension for
/// swapped neighbours, one machine word per text byte instead of a row of the table), longer
/// queries by the table itself.
pub struct Approximate<'q> {
    q: &'q [u8],
    /// For each byte, the positions of `q` holding it.
    positions: Option<Box<[u64; 256]>>,
}

impl<'q> Approximate<'q> {
    pub fn new(q: &'q [u8]) -> Self {
        let positions = (!q.is_empty() && q.len() <= 64).then(|| {
            let mut table = Box::new([0u64; 256]);
            for (i, b) in q.iter().enumerate() {
                table[*b as usize] |= 1 << i;
            }
            table
        });
        Self { q, positions }
    }

    /// The same answer as `substring_distance(q, text, max)`.
    pub fn within(&self, text: &[u8], max: usize) -> Option<(usize, usize)> {
        let Some(table) = &self.positions else {
            return substring_distance(self.q, text, max);
        };
        let n = self.q.len();
        let last = 1u64 << (n - 1);
        // Vertical deltas of the current column (+1 / −1), all +1 at the start: D[i][0] = i.
        let mut up: u64 = if n == 64 { !0 } else { (1 << n) - 1 };
        let mut down: u64 = 0;
        let mut diagonal_zero: u64 = 0;
        let mut previous: u64 = 0;
        let mut distance = n;
        let mut best = (n <= max).then_some((n, 0));
        for (j, b) in text.iter().enumerate() {
            let here = table[*b as usize];
            // Swapped neighbours: q[i-1..=i] is text[j-1..=j] reversed.
            let swap = ((!diagonal_zero & here) << 1) & previous;
            diagonal_zero = ((here & up).wrapping_add(up) ^ up) | here | down | swap;
            let right_up = down | !(diagonal_zero | up);
            let right_down = diagonal_zero & up;
            if right_up & last != 0 {
                distance += 1;
            } else if right_down & last != 0 {
                distance -= 1;
            }
            // A substring may start anywhere: the top row stays 0 (nothing shifted in).
            let right_up = right_up << 1;
            let right_down = right_down << 1;
            up = right_down | !(diagonal_zero | right_up);
            down = right_up & diagonal_zero;
            previous = here;
            if distance <= max && best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, j + 1));
                if distance == 0 {
                    break;
                }
            }
        }
        best
    }
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
    fn find_gives_the_first_occurrence_and_nothing_for_empty_or_longer_needles() {
        let name: Vec<char> = "社会保障卡社保卡".chars().collect();
        let of = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(find(&name, &of("社会")), Some(0));
        assert_eq!(find(&name, &of("社保卡")), Some(5));
        assert_eq!(find(&name, &of("卡")), Some(4));
        assert_eq!(find(&name, &of("保卡社")), None);
        assert_eq!(find(&name, &of("社会保障卡社保卡")), Some(0));
        assert_eq!(find(&name, &of("社会保障卡社保卡了")), None);
        assert_eq!(find(&name, &[]), None);
        assert_eq!(find(&[] as &[char], &of("社")), None);
        assert_eq!(find(&[1u32, 2, 1, 2, 3], &[1, 2, 3]), Some(2));
    }

    #[test]
    fn english_words_match_by_start_or_stem() {
        assert_eq!(word_start("marriage registration", "regist"), Some(9));
        assert_eq!(word_start("marriage registration", "register"), Some(9));
        assert_eq!(word_start("marriage registration", "married"), Some(0));
        assert_eq!(word_start("social security card", "care"), None);
    }

    #[test]
    fn the_bit_parallel_distance_gives_the_tables_answer() {
        // Small alphabets make swaps, repeats and near misses common.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for round in 0..20_000 {
            let alphabet = if round % 2 == 0 { 3 } else { 6 };
            let q_len = if round % 50 == 0 {
                40 + next(25)
            } else {
                1 + next(12)
            };
            let q: Vec<u8> = (0..q_len).map(|_| b'a' + next(alphabet) as u8).collect();
            let text: Vec<u8> = (0..next(30)).map(|_| b'a' + next(alphabet) as u8).collect();
            let max = next(4) as usize;
            assert_eq!(
                Approximate::new(&q).within(&text, max),
                substring_distance(&q, &text, max),
                "{:?} in {:?} within {max}",
                String::from_utf8_lossy(&q),
                String::from_utf8_lossy(&text)
            );
        }
        // Longer than a machine word: the table answers.
        let long = [b'x'; 70];
        assert_eq!(Approximate::new(&long).within(&long, 1), Some((0, 70)));
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
