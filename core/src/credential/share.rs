//! 在线分享: a certificate shared with a named organisation online — a bank, a landlord, an
//! employer who cannot meet the person to scan a QR code. The person's device makes a
//! presentation disclosing only the claims they chose (audience `SHARE_AUDIENCE`, signed by the
//! device key); the server keeps it sealed behind a one-time code that holds for the minutes the
//! person chose; the organisation opens it once with that code (a second opening is refused),
//! and gets the verdict of the same verifier the phones run, checked at that moment (a
//! certificate revoked meanwhile reads as revoked). The person sees every share, who opened it
//! and when, and can take it back before it is opened. Each share is a consent (a receipt), and
//! its creation and each opening — refused ones too — are in the person's data record.

use serde::{Deserialize, Serialize};

use super::{CredentialKind, Verdict};
use crate::api::FieldError;

/// The audience of a presentation made for an online share: the key binding is for this, so a
/// QR code shown in person cannot be passed off as a share, nor a share as a QR code.
pub const SHARE_AUDIENCE: &str = "urn:cn:tongban:share";

/// How long a share may hold: from 5 minutes to 7 days.
pub const SHARE_MIN_MINUTES: u64 = 5;
pub const SHARE_MAX_MINUTES: u64 = 7 * 24 * 60;

/// The choices the apps offer (30 minutes, a day, a week).
pub const SHARE_CHOICES: [u64; 3] = [30, 24 * 60, SHARE_MAX_MINUTES];

/// The longest organisation name accepted, in characters.
pub const ORGANISATION_MAX_CHARS: usize = 60;

/// Share codes are written in these 32 signs: no 0/O, no 1/I, so a code read out over the phone
/// or typed from paper is not misread.
const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Signs in a code: 50 random bits, and opening is rate-limited and one-time.
pub const CODE_LEN: usize = 10;

/// The code for `random` bytes (each picks one of 32 signs: 256 is a multiple of 32, so every
/// sign is equally likely).
pub fn share_code(random: [u8; CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A code as a person typed or pasted it — any case, with spaces or dashes, or the whole share
/// link (`…/verify?share=CODE`) — or `None` when it cannot be a share code.
pub fn normalize_code(input: &str) -> Option<String> {
    let input = input.trim();
    let input = input
        .rsplit_once("share=")
        .map_or(input, |(_, code)| code.split('&').next().unwrap_or(code));
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A code as it is shown to people: two groups of five (`ABCDE-FGHJK`).
pub fn display_code(code: &str) -> String {
    if code.len() == CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..CODE_LEN / 2], &code[CODE_LEN / 2..])
    } else {
        code.to_owned()
    }
}

/// `POST /api/v1/me/shares`: share a certificate with an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewShare {
    /// The presentation the device made for `SHARE_AUDIENCE`, disclosing what is shared.
    pub presentation: String,
    /// Who it is for, as the person names them (a bank, a landlord).
    pub organisation: String,
    /// How long the code holds, in minutes (`SHARE_MIN_MINUTES` to `SHARE_MAX_MINUTES`).
    #[serde(deserialize_with = "crate::whole::u64")]
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 10080))]
    pub minutes: u64,
}

impl NewShare {
    /// What is wrong with it before anything is verified (the same check on the device and the
    /// server).
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let organisation = self.organisation.trim();
        if organisation.is_empty() {
            errors.push(FieldError::new(
                "organisation",
                "share-organisation-required",
            ));
        } else if organisation.chars().count() > ORGANISATION_MAX_CHARS
            || organisation.chars().any(char::is_control)
        {
            errors.push(FieldError::new(
                "organisation",
                "share-organisation-invalid",
            ));
        }
        if !(SHARE_MIN_MINUTES..=SHARE_MAX_MINUTES).contains(&self.minutes) {
            errors.push(FieldError::new("minutes", "share-minutes-range"));
        }
        if self.presentation.trim().is_empty() {
            errors.push(FieldError::new("presentation", "credential-not-valid"));
        }
        errors
    }
}

/// Where a share stands. Message `share-state-<code>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ShareState {
    /// Not opened yet, and still open.
    Waiting,
    /// The organisation opened it (once; it is closed now).
    Opened,
    /// Its time ran out before it was opened.
    Expired,
    /// The person took it back.
    Revoked,
}

impl ShareState {
    pub const ALL: [Self; 4] = [Self::Waiting, Self::Opened, Self::Expired, Self::Revoked];

    /// Where a share stands at `now`.
    pub fn of(expires_at: i64, opened_at: Option<i64>, revoked_at: Option<i64>, now: i64) -> Self {
        if opened_at.is_some() {
            Self::Opened
        } else if revoked_at.is_some() {
            Self::Revoked
        } else if now >= expires_at {
            Self::Expired
        } else {
            Self::Waiting
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Opened => "opened",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

/// One share in the person's list (`GET /api/v1/me/shares`); never its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareSummary {
    pub id: String,
    pub organisation: String,
    pub kind: Option<CredentialKind>,
    /// The claims it discloses.
    pub claims: Vec<String>,
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    pub state: ShareState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareList {
    pub items: Vec<ShareSummary>,
}

/// A share just made: the code (given this once, never again) and the share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareCreated {
    pub code: String,
    pub share: ShareSummary,
}

/// `GET /api/v1/shares/{code}`: what the organisation gets, once — the verdict on the
/// presentation as checked now, with the disclosed claims when it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedCertificate {
    /// Who the person shared it with.
    pub organisation: String,
    pub shared_at: i64,
    pub verdict: Verdict,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed_and_nothing_else_is_a_code() {
        let code = share_code([0, 31, 32, 255, 7, 8, 100, 200, 64, 13]);
        assert_eq!(code.len(), CODE_LEN);
        assert!(!code.contains(['0', 'O', '1', 'I']));
        let shown = display_code(&code);
        assert_eq!(shown.len(), CODE_LEN + 1);
        for typed in [
            code.clone(),
            shown.clone(),
            shown.to_lowercase(),
            format!("  {} ", shown.replace('-', " ")),
            format!("https://tongban.example/verify?share={shown}"),
            format!("https://tongban.example/verify?share={code}&lang=en"),
        ] {
            assert_eq!(
                normalize_code(&typed).as_deref(),
                Some(code.as_str()),
                "{typed}"
            );
        }
        for bad in [
            "",
            "ABCDE",
            "ABCDE-FGHJK-2",
            "ABCDE-FGHJ0",
            "ABCDE-FGHJI",
            "一二三四五六七八九十",
        ] {
            assert_eq!(normalize_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_share_needs_an_organisation_and_a_time_in_range() {
        let share = |organisation: &str, minutes| NewShare {
            presentation: "x~y".into(),
            organisation: organisation.into(),
            minutes,
        };
        assert!(share("杭州银行", 30).check().is_empty());
        assert!(share("杭州银行", SHARE_MAX_MINUTES).check().is_empty());
        let codes = |s: NewShare| s.check().into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert_eq!(codes(share("  ", 30)), ["share-organisation-required"]);
        assert_eq!(
            codes(share(&"行".repeat(61), 30)),
            ["share-organisation-invalid"]
        );
        assert_eq!(
            codes(share("银行\u{7}", 30)),
            ["share-organisation-invalid"]
        );
        assert_eq!(codes(share("杭州银行", 4)), ["share-minutes-range"]);
        assert_eq!(
            codes(share("杭州银行", SHARE_MAX_MINUTES + 1)),
            ["share-minutes-range"]
        );
    }

    #[test]
    fn a_share_is_opened_revoked_expired_or_waiting() {
        assert_eq!(ShareState::of(100, None, None, 99), ShareState::Waiting);
        assert_eq!(ShareState::of(100, None, None, 100), ShareState::Expired);
        assert_eq!(ShareState::of(100, Some(50), None, 200), ShareState::Opened);
        assert_eq!(ShareState::of(100, None, Some(60), 80), ShareState::Revoked);
    }
}
