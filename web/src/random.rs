//! Random values from the platform's source (`crypto.getRandomValues`, synchronous): bytes for
//! nonces and keys, and UUIDv7 ids for drafts and outbox entries.

/// Fresh random bytes, or `None` where the platform has no random source.
pub fn bytes<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// A UUIDv7: 48 bits of milliseconds, then random bits (RFC 9562).
pub fn uuid_v7() -> String {
    let mut bytes = self::bytes::<16>().unwrap_or_default();
    let ms = js_sys::Date::now() as u64;
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70 | (bytes[6] & 0x0F);
    bytes[8] = 0x80 | (bytes[8] & 0x3F);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
