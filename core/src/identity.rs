//! Identity numbers as people type them: checks that tell what is wrong, and masking for every
//! place where the full value is not needed (logs, lists, receipts).
//!
//! Resident ID numbers follow GB 11643-1999, unified social credit codes GB 32100-2015, mobile
//! numbers the 11-digit plan. Errors are codes (`IdError::code`) whose words live in `locales/`.

use serde::{Deserialize, Serialize};

/// Why a number is not valid, as a stable code for messages (`error-id-<code>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case")]
pub enum IdError {
    #[error("wrong length")]
    Length,
    #[error("characters that do not belong")]
    Characters,
    #[error("unknown region")]
    Region,
    #[error("impossible birth date")]
    BirthDate,
    #[error("check character does not match")]
    Checksum,
}

impl IdError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Length => "length",
            Self::Characters => "characters",
            Self::Region => "region",
            Self::BirthDate => "birth-date",
            Self::Checksum => "checksum",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// What a valid resident ID number says about its holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentId {
    /// The normalized number: 18 characters, upper-case `X`.
    pub number: String,
    /// GB/T 2260 code of the region where it was first issued.
    pub region_code: String,
    pub birth_date: (u16, u8, u8),
    pub sex: Sex,
}

/// Province-level codes of GB/T 2260 (the first two digits of every region code).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// Normalizes what was typed: spaces dropped, full-width digits and letters made ASCII, upper case.
pub fn normalize_number(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

/// Checks a resident ID number; `today` (year, month, day) bounds the birth date.
pub fn check_resident_id(input: &str, today: (u16, u8, u8)) -> Result<ResidentId, IdError> {
    let number = normalize_number(input);
    let chars: Vec<char> = number.chars().collect();
    if chars.len() != 18 {
        return Err(IdError::Length);
    }
    if !chars[..17].iter().all(char::is_ascii_digit)
        || !(chars[17].is_ascii_digit() || chars[17] == 'X')
    {
        return Err(IdError::Characters);
    }
    let digit = |i: usize| chars[i].to_digit(10).unwrap_or(0);
    let province = (digit(0) * 10 + digit(1)) as u8;
    if !PROVINCES.contains(&province) {
        return Err(IdError::Region);
    }
    let year = (digit(6) * 1000 + digit(7) * 100 + digit(8) * 10 + digit(9)) as u16;
    let month = (digit(10) * 10 + digit(11)) as u8;
    let day = (digit(12) * 10 + digit(13)) as u8;
    if year < 1900 || !is_calendar_date(year, month, day) || (year, month, day) > today {
        return Err(IdError::BirthDate);
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = (0..17).map(|i| digit(i) * WEIGHTS[i]).sum();
    if CHECK[(sum % 11) as usize] != chars[17] {
        return Err(IdError::Checksum);
    }
    Ok(ResidentId {
        region_code: number[..6].to_owned(),
        birth_date: (year, month, day),
        sex: if digit(16) % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        },
        number,
    })
}

fn is_calendar_date(year: u16, month: u8, day: u8) -> bool {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Checks a unified social credit code (统一社会信用代码); returns it normalized.
pub fn check_credit_code(input: &str) -> Result<String, IdError> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let code = normalize_number(input);
    let values: Vec<u32> = code
        .chars()
        .filter_map(|c| ALPHABET.find(c).map(|v| v as u32))
        .collect();
    if code.chars().count() != 18 {
        return Err(IdError::Length);
    }
    if values.len() != 18 {
        return Err(IdError::Characters);
    }
    let sum: u32 = (0..17).map(|i| values[i] * WEIGHTS[i]).sum();
    let check = (31 - sum % 31) % 31;
    if check != values[17] {
        return Err(IdError::Checksum);
    }
    Ok(code)
}

/// The form of a mobile number on the API (the OpenAPI pattern of `phone`): exactly what
/// `check_api_mobile` accepts.
pub const API_MOBILE_PATTERN: &str = r"^(\+86)?(0086)?1[3-9][0-9]{9}$";

/// A mobile number as the API takes it: `check_mobile`, and nothing to normalize first (ASCII
/// digits and the `+` of `+86` only) — the apps normalize what people type before sending.
pub fn check_api_mobile(input: &str) -> Result<String, IdError> {
    if !input.chars().all(|c| c.is_ascii_digit() || c == '+') {
        return Err(IdError::Characters);
    }
    check_mobile(input)
}

/// Checks a mainland mobile number: 11 digits, `1` then `3`–`9`. A `+86`/`0086` prefix is accepted.
pub fn check_mobile(input: &str) -> Result<String, IdError> {
    let mut number = normalize_number(input);
    for prefix in ["+86", "0086"] {
        if let Some(rest) = number.strip_prefix(prefix) {
            number = rest.to_owned();
        }
    }
    if !number.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdError::Characters);
    }
    if number.len() != 11 {
        return Err(IdError::Length);
    }
    let second = number.as_bytes()[1];
    if number.as_bytes()[0] != b'1' || !(b'3'..=b'9').contains(&second) {
        return Err(IdError::Region);
    }
    Ok(number)
}

/// Keeps the first `head` and last `tail` characters, masks the rest with `*` (length kept).
fn mask(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// An ID number for display where the full value is not needed: at most the first 3 and the last
/// 4 characters (`330***********123X`).
/// Whether `name` can be a person's name as the register holds it: 1 to 30 letters (any script),
/// with the separators of minority and foreign names (·, •, space, hyphen).
pub fn is_plausible_name(name: &str) -> bool {
    (1..=30).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '·' | '•' | ' ' | '-'))
}

pub fn mask_id_number(value: &str) -> String {
    mask(value, 3, 4)
}

/// A mobile number for display: `138****5678`.
pub fn mask_mobile(value: &str) -> String {
    mask(value, 3, 4)
}

/// Today's date (year, month, day) in China Standard Time (UTC+8), for birth-date checks.
pub fn china_date(unix_seconds: i64) -> (u16, u8, u8) {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let days = (unix_seconds + 8 * 3600).div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    (year, month, day)
}

/// The day someone born on `birth` turns `years` old: their birthday that year, and for
/// someone born on 29 February, 28 February in a common year.
pub fn nth_birthday(birth: (u16, u8, u8), years: u32) -> crate::calendar::Day {
    let (y, m, d) = birth;
    let y = i64::from(y) + i64::from(years);
    crate::calendar::Day::parse(&format!("{y:04}-{m:02}-{d:02}"))
        .unwrap_or_else(|| crate::calendar::Day::from_ymd(y, u32::from(m), 28))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_as_the_register_holds_them() {
        for ok in ["王秀英", "阿依古丽·买买提", "Anna-Lena Müller", "欧阳娜娜"] {
            assert!(is_plausible_name(ok), "{ok}");
        }
        for bad in ["", "王1", "<script>", &"王".repeat(31)] {
            assert!(!is_plausible_name(bad), "{bad}");
        }
    }

    use super::*;

    const TODAY: (u16, u8, u8) = (2026, 11, 28);

    #[test]
    fn the_standard_example_numbers_are_valid() {
        let id = check_resident_id("11010519491231002x", TODAY).unwrap();
        assert_eq!(id.number, "11010519491231002X");
        assert_eq!(id.region_code, "110105");
        assert_eq!(id.birth_date, (1949, 12, 31));
        assert_eq!(id.sex, Sex::Female);
        let male = check_resident_id("310104 1955 1203 3014", TODAY).unwrap();
        assert_eq!(male.sex, Sex::Male);
        assert_eq!(male.birth_date, (1955, 12, 3));
        assert_eq!(
            check_resident_id("440524188001010014", TODAY),
            Err(IdError::BirthDate),
            "before 1900"
        );
        assert_eq!(
            check_credit_code("91350100M000100Y43").unwrap(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn each_mistake_gets_its_own_error() {
        assert_eq!(
            check_resident_id("1101051949123100", TODAY),
            Err(IdError::Length)
        );
        assert_eq!(
            check_resident_id("11010519491231002A", TODAY),
            Err(IdError::Characters)
        );
        assert_eq!(
            check_resident_id("99010519491231002X", TODAY),
            Err(IdError::Region)
        );
        assert_eq!(
            check_resident_id("110105194902300021", TODAY),
            Err(IdError::BirthDate)
        );
        assert_eq!(
            check_resident_id("110105203001010011", TODAY),
            Err(IdError::BirthDate),
            "born in the future"
        );
        assert_eq!(
            check_resident_id("110105194912310021", TODAY),
            Err(IdError::Checksum)
        );
        assert_eq!(
            check_credit_code("91350100M000100Y44"),
            Err(IdError::Checksum)
        );
        assert_eq!(
            check_credit_code("91350100M000100YI3"),
            Err(IdError::Characters),
            "I is not in the alphabet"
        );
        assert_eq!(check_credit_code("913501"), Err(IdError::Length));
    }

    #[test]
    fn full_width_and_spaced_input_is_understood() {
        assert!(check_resident_id("１１０１０５１９４９１２３１００２Ｘ", TODAY).is_ok());
        assert_eq!(check_mobile("+86 138-0013-8000").unwrap(), "13800138000");
        assert_eq!(check_mobile("12800138000"), Err(IdError::Region));
        assert_eq!(check_mobile("1380013800"), Err(IdError::Length));
        assert_eq!(check_mobile("1380013800a"), Err(IdError::Characters));
    }

    #[test]
    fn masks_show_at_most_three_and_four() {
        assert_eq!(mask_id_number("11010519491231002X"), "110***********002X");
        assert_eq!(mask_mobile("13800138000"), "138****8000");
        assert_eq!(mask_mobile("123"), "***", "short values are masked whole");
    }
}
