//! The token status list (IETF draft-ietf-oauth-status-list): each certificate has an index in
//! its issuer's list; the list is 2 bits per certificate (0 valid, 1 revoked, 2 suspended),
//! zlib-compressed, base64url, inside a JWT (`typ: statuslist+jwt`) the issuer signs. Wallets
//! and verifiers keep the last list they fetched and check against it offline, saying how old
//! it is.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::jws::{self, Signer};

/// Bits per certificate: valid, revoked, suspended (and one value unused).
pub const BITS: u8 = 2;

/// A certificate's status, as its issuer says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CredentialStatus))]
pub enum Status {
    Valid,
    Revoked,
    Suspended,
}

impl Status {
    pub const ALL: [Self; 3] = [Self::Valid, Self::Revoked, Self::Suspended];

    /// The stable code (as the API and the store write it).
    pub fn code(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Revoked => "revoked",
            Self::Suspended => "suspended",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    fn value(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Revoked => 1,
            Self::Suspended => 2,
        }
    }

    fn of(value: u8) -> Self {
        match value {
            0 => Self::Valid,
            2 => Self::Suspended,
            // 1 and anything a list should not hold: not to be trusted.
            _ => Self::Revoked,
        }
    }
}

/// The `lst` of `statuses` (index = position): packed, zlib, base64url.
pub fn encode(statuses: &[Status]) -> String {
    let per_byte = 8 / usize::from(BITS);
    let mut bytes = vec![0u8; statuses.len().div_ceil(per_byte)];
    for (i, s) in statuses.iter().enumerate() {
        bytes[i / per_byte] |= s.value() << ((i % per_byte) * usize::from(BITS));
    }
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9))
}

/// The status at `idx` of a list's `lst` with `bits` per entry; `None` if it is not a list or
/// the index is outside it.
pub fn status_at(lst: &str, bits: u8, idx: u64) -> Option<Status> {
    if ![1, 2, 4, 8].contains(&bits) {
        return None;
    }
    let compressed = URL_SAFE_NO_PAD.decode(lst).ok()?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(&compressed).ok()?;
    let bit = idx.checked_mul(u64::from(bits))?;
    let byte = *bytes.get(usize::try_from(bit / 8).ok()?)?;
    let mask = ((1u16 << bits) - 1) as u8;
    Some(Status::of((byte >> (bit % 8)) & mask))
}

/// The issuer's signed list, as served at `uri` (the `sub`) and kept by devices.
pub fn token(
    uri: &str,
    statuses: &[Status],
    iat: i64,
    ttl: i64,
    signer: &dyn Signer,
) -> Result<String, String> {
    let header: Map<String, Value> =
        serde_json::from_value(json!({ "typ": "statuslist+jwt" })).map_err(|e| e.to_string())?;
    let payload: Map<String, Value> = serde_json::from_value(json!({
        "sub": uri,
        "iat": iat,
        "ttl": ttl,
        "status_list": { "bits": BITS, "lst": encode(statuses) },
    }))
    .map_err(|e| e.to_string())?;
    jws::compact(&header, &payload, signer)
}

/// A status list token checked against its issuer's keys: where it is for and when it was made.
#[derive(Clone, Debug)]
pub struct CheckedList {
    pub uri: String,
    pub iat: i64,
    bits: u8,
    lst: String,
}

impl CheckedList {
    /// The token if one of `keys` signed it and it is a status list.
    pub fn check(token: &str, keys: &[Value]) -> Option<Self> {
        let parts = jws::parts(token)?;
        if parts.header.get("typ").and_then(Value::as_str) != Some("statuslist+jwt")
            || !keys.iter().any(|k| parts.verifies_with(k))
        {
            return None;
        }
        let list = parts.payload.get("status_list")?;
        Some(Self {
            uri: parts.payload.get("sub")?.as_str()?.to_owned(),
            iat: parts.payload.get("iat")?.as_i64()?,
            bits: u8::try_from(list.get("bits")?.as_u64()?).ok()?,
            lst: list.get("lst")?.as_str()?.to_owned(),
        })
    }

    pub fn status(&self, idx: u64) -> Option<Status> {
        status_at(&self.lst, self.bits, idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_reads_back_as_written() {
        let statuses: Vec<Status> = (0..1000)
            .map(|i| match i % 7 {
                3 => Status::Revoked,
                5 => Status::Suspended,
                _ => Status::Valid,
            })
            .collect();
        let lst = encode(&statuses);
        for (i, s) in statuses.iter().enumerate() {
            assert_eq!(status_at(&lst, BITS, i as u64), Some(*s), "entry {i}");
        }
        assert_eq!(status_at(&lst, BITS, 4_000), None, "outside the list");
        assert_eq!(status_at("not base64!", BITS, 0), None);
    }

    /// The draft's own example (1-bit list, section 4.1): `eNrbuRgAAhcBXQ` holds
    /// 0xB9 0xA3: indices 0, 3, 4, 5, 7, 8, 9, 13, 15 are set.
    #[test]
    fn the_drafts_example_list_decodes() {
        let set: Vec<u64> = (0..16)
            .filter(|i| status_at("eNrbuRgAAhcBXQ", 1, *i) == Some(Status::Revoked))
            .collect();
        assert_eq!(set, [0, 3, 4, 5, 7, 8, 9, 13, 15]);
    }
}
