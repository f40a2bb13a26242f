//! Where a device keeps its drafts and outbox (`DeviceState`): a contract every shell implements
//! — IndexedDB with WebCrypto on the web, SQLite on native, memory in tests — and the one suite
//! of contract tests (`contract::run`) each implementation must pass.
//!
//! The whole state is saved at once, so a draft and its outbox entry are always saved together.

use std::future::Future;
use std::sync::Mutex;

use crate::draft::DeviceState;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The storage refused (full, blocked, private mode); nothing was changed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// What was stored cannot be read back (corrupt, or encrypted with a key that is gone).
    #[error("stored drafts cannot be read: {0}")]
    Unreadable(String),
}

impl From<StoreError> for crate::api::ApiError {
    fn from(e: StoreError) -> Self {
        Self::Storage {
            detail: e.to_string(),
        }
    }
}

pub trait DraftStore {
    /// The stored state, or `None` when nothing was saved yet.
    fn load(&self) -> impl Future<Output = Result<Option<DeviceState>, StoreError>>;
    /// Replaces the stored state in one step: all of it is saved, or none of it.
    fn save(&self, state: &DeviceState) -> impl Future<Output = Result<(), StoreError>>;
    /// Forgets everything (logout), including any key it was encrypted with.
    fn clear(&self) -> impl Future<Output = Result<(), StoreError>>;
}

/// Kept in memory, serialized as the real stores do (so a type that does not round-trip fails
/// here too).
#[derive(Default)]
pub struct MemoryDraftStore(Mutex<Option<String>>);

impl DraftStore for MemoryDraftStore {
    async fn load(&self) -> Result<Option<DeviceState>, StoreError> {
        let slot = self
            .0
            .lock()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        slot.as_deref()
            .map(|json| {
                serde_json::from_str(json).map_err(|e| StoreError::Unreadable(e.to_string()))
            })
            .transpose()
    }

    async fn save(&self, state: &DeviceState) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(state).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        *self
            .0
            .lock()
            .map_err(|e| StoreError::Unavailable(e.to_string()))? = Some(json);
        Ok(())
    }

    async fn clear(&self) -> Result<(), StoreError> {
        *self
            .0
            .lock()
            .map_err(|e| StoreError::Unavailable(e.to_string()))? = None;
        Ok(())
    }
}

/// The contract: run it against every implementation (`make` gives a fresh, empty store; calling
/// it again must give a store over the same storage, as after an app restart).
pub mod contract {
    use super::*;
    use crate::draft::{ChangeKind, ChangeReply, DraftSnapshot};
    use crate::form::{Answer, MaterialAnswer};

    fn sample() -> DeviceState {
        let mut state = DeviceState::new("device-1");
        state.create_draft(
            "0190a0f0-0000-7000-8000-000000000001",
            "330000-GA-0001",
            "op-1".into(),
            1,
        );
        state.set_answer(
            "0190a0f0-0000-7000-8000-000000000001",
            "applicant.name",
            Some(Answer::Text("张三 ئابدۇ 😀".into())),
            "op-2".into(),
            2,
        );
        state.set_answer(
            "0190a0f0-0000-7000-8000-000000000001",
            "materials.m1",
            Some(Answer::Material(MaterialAnswer::SupplyLater)),
            "op-3".into(),
            3,
        );
        state.set_answer(
            "0190a0f0-0000-7000-8000-000000000001",
            "family.kids",
            Some(Answer::Choices(vec!["a".into(), "b".into()])),
            "op-4".into(),
            4,
        );
        state
    }

    /// Every rule a draft store must keep.
    pub async fn run<S: DraftStore>(make: impl Fn() -> S) {
        let store = make();
        assert_eq!(store.load().await.unwrap(), None, "a new store is empty");

        let mut state = sample();
        store.save(&state).await.unwrap();
        assert_eq!(
            store.load().await.unwrap(),
            Some(state.clone()),
            "what was saved loads"
        );

        // After a restart (a new store over the same storage) everything is still there.
        let reopened = make();
        assert_eq!(
            reopened.load().await.unwrap(),
            Some(state.clone()),
            "survives a restart"
        );

        // A later save replaces the earlier one entirely: outbox entries acknowledged are gone.
        let head = state.outbox[0].clone();
        let snapshot = DraftSnapshot {
            draft_id: head.draft_id.clone(),
            form_id: "330000-GA-0001".into(),
            version: 1,
            answers: Default::default(),
            deleted: false,
        };
        state.receive(&head.op_id, &ChangeReply::Applied { snapshot });
        store.save(&state).await.unwrap();
        let loaded = reopened.load().await.unwrap().unwrap();
        assert_eq!(loaded, state);
        assert_eq!(loaded.outbox.len(), 3);
        assert!(loaded
            .outbox
            .iter()
            .all(|c| !matches!(c.kind, ChangeKind::Create { .. })));

        // Many quick saves: the last one wins.
        for i in 0..20 {
            state.set_answer(
                &head.draft_id,
                "applicant.address",
                Some(Answer::Text(format!("第{i}号"))),
                format!("q{i}"),
                10 + i,
            );
            store.save(&state).await.unwrap();
        }
        assert_eq!(make().load().await.unwrap(), Some(state.clone()));

        store.clear().await.unwrap();
        assert_eq!(store.load().await.unwrap(), None, "cleared");
        assert_eq!(make().load().await.unwrap(), None, "cleared for good");
        store.save(&sample()).await.unwrap();
        assert_eq!(
            store.load().await.unwrap(),
            Some(sample()),
            "usable after clearing"
        );
        store.clear().await.unwrap();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Memory stores sharing one slot, as a restarted app shares its storage.
    struct Shared(Arc<MemoryDraftStore>);

    impl DraftStore for Shared {
        async fn load(&self) -> Result<Option<DeviceState>, StoreError> {
            self.0.load().await
        }
        async fn save(&self, state: &DeviceState) -> Result<(), StoreError> {
            self.0.save(state).await
        }
        async fn clear(&self) -> Result<(), StoreError> {
            self.0.clear().await
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[tokio::test]
    async fn the_memory_store_keeps_the_contract() {
        let slot = Arc::new(MemoryDraftStore::default());
        contract::run(|| Shared(slot.clone())).await;
    }
}
