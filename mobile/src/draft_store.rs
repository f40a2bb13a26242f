//! The native draft store: the device's drafts and outbox in one file in the app's storage
//! folder, sealed with AES-256-GCM (`tongban_core::sealed`) under a key the shell keeps in the
//! platform's secure store (Android Keystore, iOS Keychain). Saving writes a new file and renames
//! it over the old one, so a crash or a killed app leaves either the previous state or the new
//! one, never half of each.

use std::io::Write;
use std::path::PathBuf;

use tongban_core::draft::DeviceState;
use tongban_core::draft_store::{DraftStore, StoreError};
use tongban_core::sealed::{self, SealError, SealKey};

const MAGIC: &[u8; 4] = b"TBD1";

pub struct FileDraftStore {
    path: PathBuf,
    key: SealKey,
}

impl FileDraftStore {
    /// A store at `path`, encrypted with `key` (32 bytes from the platform's secure store).
    pub fn new(path: impl Into<PathBuf>, key: &[u8]) -> Result<Self, StoreError> {
        let key = sealed::key_from(key).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self {
            path: path.into(),
            key,
        })
    }
}

impl DraftStore for FileDraftStore {
    async fn load(&self) -> Result<Option<DeviceState>, StoreError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::Unavailable(e.to_string())),
        };
        let plain = sealed::open(MAGIC, &self.key, &bytes).map_err(|e| match e {
            SealError::NotSealed(_) => StoreError::Unreadable("not a Tongban draft file".into()),
            _ => StoreError::Unreadable("decryption failed (another key?)".into()),
        })?;
        serde_json::from_slice(&plain)
            .map(Some)
            .map_err(|e| StoreError::Unreadable(e.to_string()))
    }

    async fn save(&self, state: &DeviceState) -> Result<(), StoreError> {
        let unavailable = |e: std::io::Error| StoreError::Unavailable(e.to_string());
        let json = serde_json::to_vec(state).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let sealed = sealed::seal(MAGIC, &self.key, nonce, &json);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(unavailable)?;
        }
        let partial = self.path.with_extension("partial");
        let mut file = std::fs::File::create(&partial).map_err(unavailable)?;
        file.write_all(&sealed).map_err(unavailable)?;
        file.sync_all().map_err(unavailable)?;
        std::fs::rename(&partial, &self.path).map_err(unavailable)
    }

    async fn clear(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Unavailable(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_core::draft_store::contract;

    #[tokio::test]
    async fn the_file_store_keeps_the_draft_store_contract() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account/drafts.bin");
        contract::run(|| FileDraftStore::new(&path, &[7u8; 32]).unwrap()).await;
    }

    #[tokio::test]
    async fn drafts_are_encrypted_and_need_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drafts.bin");
        let store = FileDraftStore::new(&path, &[1u8; 32]).unwrap();
        let mut state = DeviceState::new("d");
        state.create_draft("x", "f", "op".into(), 0);
        state.set_answer(
            "x",
            "applicant.name",
            Some(tongban_core::form::Answer::Text("独一无二的名字".into())),
            "o2".into(),
            0,
        );
        store.save(&state).await.unwrap();
        let raw = std::fs::read(&path).unwrap();
        assert!(
            !String::from_utf8_lossy(&raw).contains("独一无二"),
            "stored in the clear"
        );
        let other_key = FileDraftStore::new(&path, &[2u8; 32]).unwrap();
        assert!(matches!(
            other_key.load().await,
            Err(StoreError::Unreadable(_))
        ));
        assert!(
            FileDraftStore::new(&path, &[1u8; 16]).is_err(),
            "a short key is refused"
        );
        // A half-written save never replaces the stored state.
        std::fs::write(path.with_extension("partial"), b"TBD1 truncated").unwrap();
        assert_eq!(store.load().await.unwrap(), Some(state));
    }
}
