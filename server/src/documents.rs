//! Uploaded documents' bytes, sealed: each document gets its own random key, its bytes are
//! sealed with it (AES-256-GCM, `tongban_core::sealed`) before they reach the object store, and
//! the key itself is kept in the database sealed with the data key (`vault.rs`). An object store
//! (a folder, a bucket) alone never gives a document away.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use tongban_core::sealed;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::MaterialRow;
use crate::vault::random;

const MAGIC: &[u8; 4] = b"TBD1";

fn unavailable(e: crate::objects::ObjectError) -> AppError {
    let code = match e {
        crate::objects::ObjectError::Full(_) => "storage-full",
        crate::objects::ObjectError::Failed(_) => "server",
    };
    AppError::Unavailable {
        code,
        detail: e.to_string(),
    }
}

impl AppState {
    /// Seals and stores a document's bytes under `id`; the key to record with it (base64).
    pub async fn put_document(&self, id: &str, bytes: &[u8]) -> Result<String, AppError> {
        let key: sealed::SealKey = random();
        let sealed = sealed::seal(MAGIC, &key, random(), bytes);
        self.objects.put(id, sealed).await.map_err(unavailable)?;
        Ok(STANDARD.encode(key))
    }

    /// A recorded document's bytes, opened (documents from before encryption as they are).
    pub async fn document_bytes(&self, row: &MaterialRow) -> Result<Vec<u8>, AppError> {
        let stored = self
            .objects
            .get(&row.id)
            .await
            .map_err(unavailable)?
            .ok_or(AppError::NotFound)?;
        let Some(key) = &row.doc_key else {
            return Ok(stored);
        };
        let key = STANDARD
            .decode(key)
            .ok()
            .and_then(|k| sealed::key_from(&k).ok())
            .ok_or_else(|| AppError::internal(format!("material {}: a damaged key", row.id)))?;
        sealed::open(MAGIC, &key, &stored)
            .map_err(|e| AppError::internal(format!("material {}: {e}", row.id)))
    }
}
