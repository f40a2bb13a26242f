//! Sealing bytes at rest on a device: AES-256-GCM (RustCrypto's `aes-gcm`), the nonce given by
//! the caller so this stays free of I/O (shells take it from the platform's random source). Used
//! by the native draft file and by the web's typing journal, which must be written synchronously,
//! where WebCrypto (promise-only) cannot be used.
//!
//! Layout: `magic (4 bytes) · nonce (12) · ciphertext with its 16-byte tag`.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};

/// A 256-bit key.
pub type SealKey = [u8; 32];

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed {0} record")]
    NotSealed(String),
    /// Tampered with, truncated, or sealed with another key.
    #[error("cannot be opened (another key, or damaged)")]
    CannotOpen,
    #[error("the key has {0} bytes, not 32")]
    BadKey(usize),
}

/// A key from bytes (a shell's secure store hands over a byte array).
pub fn key_from(bytes: &[u8]) -> Result<SealKey, SealError> {
    bytes.try_into().map_err(|_| SealError::BadKey(bytes.len()))
}

/// `magic · nonce · AES-256-GCM(plain)`. The nonce must be fresh random bytes for every call.
pub fn seal(magic: &[u8; 4], key: &SealKey, nonce: [u8; 12], plain: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plain)
        .expect("AES-GCM encryption of an in-memory buffer does not fail");
    let mut out = Vec::with_capacity(4 + 12 + sealed.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// The plain bytes of what `seal` made with the same magic and key.
pub fn open(magic: &[u8; 4], key: &SealKey, bytes: &[u8]) -> Result<Vec<u8>, SealError> {
    if bytes.len() < 4 + 12 + 16 || &bytes[..4] != magic {
        return Err(SealError::NotSealed(
            String::from_utf8_lossy(magic).into_owned(),
        ));
    }
    let (nonce, sealed) = bytes[4..].split_at(12);
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key))
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map_err(|_| SealError::CannotOpen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_only_with_its_key_and_untouched() {
        let key = [7u8; 32];
        let sealed = seal(b"TEST", &key, [1; 12], "张三 330106".as_bytes());
        assert!(!String::from_utf8_lossy(&sealed).contains("张三"));
        assert_eq!(
            open(b"TEST", &key, &sealed).unwrap(),
            "张三 330106".as_bytes()
        );
        assert_eq!(
            open(b"TEST", &[8u8; 32], &sealed),
            Err(SealError::CannotOpen)
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(open(b"TEST", &key, &tampered), Err(SealError::CannotOpen));
        assert!(matches!(
            open(b"ELSE", &key, &sealed),
            Err(SealError::NotSealed(_))
        ));
        assert!(matches!(
            open(b"TEST", &key, &sealed[..20]),
            Err(SealError::NotSealed(_))
        ));
        assert_eq!(key_from(&[0u8; 16]), Err(SealError::BadKey(16)));
    }
}
