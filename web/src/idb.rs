//! The web's draft store: IndexedDB, encrypted with a WebCrypto AES-GCM key per account that is
//! not extractable (script can use it, never read it), kept in IndexedDB beside the data.
//! Clearing an account deletes its data, its keys and its typing journal's IndexedDB copy.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use tongban_core::draft::DeviceState;
use tongban_core::draft_store::{DraftStore, StoreError};
use tongban_core::sealed::{self, SealKey};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CryptoKey, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

const DB_NAME: &str = "tongban";
const DB_VERSION: u32 = 1;
const KEYS: &str = "keys";
const DRAFTS: &str = "drafts";

fn unavailable(e: JsValue) -> StoreError {
    StoreError::Unavailable(format!("{e:?}"))
}

/// Resolves when an IndexedDB request succeeds, with its result.
async fn done(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(unavailable)
}

/// Resolves when a transaction has committed (so "saved" means saved).
async fn committed(tx: &IdbTransaction) -> Result<(), StoreError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject_abort = reject.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("transaction failed"));
        });
        let on_abort = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject_abort.call1(&JsValue::NULL, &JsValue::from_str("transaction aborted"));
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(unavailable)
}

async fn open() -> Result<IdbDatabase, StoreError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| StoreError::Unavailable("IndexedDB is not available".into()))?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(unavailable)?;
    let on_upgrade = Closure::once_into_js(move |event: web_sys::Event| {
        let Some(db) = event
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        else {
            return;
        };
        let names = db.object_store_names();
        for store in [KEYS, DRAFTS] {
            if !names.contains(store) {
                let _ = db.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db = done(request.unchecked_ref()).await?;
    db.dyn_into().map_err(unavailable)
}

fn subtle() -> Result<web_sys::SubtleCrypto, StoreError> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| StoreError::Unavailable("WebCrypto is not available (needs HTTPS)".into()))
}

fn aes_gcm(iv: Option<&[u8]>) -> Result<Object, StoreError> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"AES-GCM".into()).map_err(unavailable)?;
    match iv {
        Some(iv) => Reflect::set(&algorithm, &"iv".into(), &Uint8Array::from(iv).into()),
        None => Reflect::set(&algorithm, &"length".into(), &256.into()),
    }
    .map_err(unavailable)?;
    Ok(algorithm)
}

/// Which account's drafts this device holds — also in localStorage for a synchronous read at
/// start, but kept here because IndexedDB writes are durable once committed, while a browser
/// killed by the system can lose seconds of localStorage writes.
const ACCOUNT_RECORD: &str = "#account";
/// The message centre's offline copy (`IdbDraftStore::put_private`).
pub const MESSAGES: &str = "messages";

pub async fn remember_account(account: Option<&str>) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(KEYS, IdbTransactionMode::Readwrite)
        .map_err(unavailable)?;
    let store = tx.object_store(KEYS).map_err(unavailable)?;
    let key = JsValue::from_str(ACCOUNT_RECORD);
    match account {
        Some(id) => store.put_with_key(&JsValue::from_str(id), &key),
        None => store.delete(&key),
    }
    .map_err(unavailable)?;
    committed(&tx).await
}

pub async fn remembered_account() -> Option<String> {
    let db = open().await.ok()?;
    let tx = db.transaction_with_str(KEYS).ok()?;
    let request = tx
        .object_store(KEYS)
        .and_then(|s| s.get(&JsValue::from_str(ACCOUNT_RECORD)))
        .ok()?;
    done(&request).await.ok()?.as_string()
}

/// The sealed typing journal's second copy (`crate::journal`): written after every keystroke,
/// committed within milliseconds, and durable where a killed browser can lose localStorage.
fn journal_copy_id(account: &str) -> String {
    format!("{account}#journal")
}

pub async fn put_journal_copy(account: &str, sealed: Option<&[u8]>) -> Result<(), StoreError> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(DRAFTS, IdbTransactionMode::Readwrite)
        .map_err(unavailable)?;
    let store = tx.object_store(DRAFTS).map_err(unavailable)?;
    let key = JsValue::from_str(&journal_copy_id(account));
    match sealed {
        Some(bytes) => store.put_with_key(&Uint8Array::from(bytes).into(), &key),
        None => store.delete(&key),
    }
    .map_err(unavailable)?;
    committed(&tx).await
}

pub async fn journal_copy(account: &str) -> Option<Vec<u8>> {
    let db = open().await.ok()?;
    let tx = db.transaction_with_str(DRAFTS).ok()?;
    let request = tx
        .object_store(DRAFTS)
        .and_then(|s| s.get(&JsValue::from_str(&journal_copy_id(account))))
        .ok()?;
    let value = done(&request).await.ok()?;
    value.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec())
}

/// `{iv, data}`: `plain` encrypted with `key` (AES-GCM, a fresh 96-bit IV).
async fn seal_record(key: &CryptoKey, plain: &[u8]) -> Result<Object, StoreError> {
    let iv = crate::random::bytes::<12>()
        .ok_or_else(|| StoreError::Unavailable("no random source".into()))?;
    let sealed = JsFuture::from(
        subtle()?
            .encrypt_with_object_and_u8_array(&aes_gcm(Some(&iv))?, key, plain)
            .map_err(unavailable)?,
    )
    .await
    .map_err(unavailable)?;
    let record = Object::new();
    Reflect::set(&record, &"iv".into(), &Uint8Array::from(&iv[..]).into()).map_err(unavailable)?;
    Reflect::set(&record, &"data".into(), &Uint8Array::new(&sealed).into()).map_err(unavailable)?;
    Ok(record)
}

/// The plain bytes of a `seal_record` record.
async fn open_record(key: &CryptoKey, record: &JsValue) -> Result<Vec<u8>, StoreError> {
    let unreadable = |what: &str| StoreError::Unreadable(what.to_owned());
    let field = |name: &str| -> Result<Uint8Array, StoreError> {
        Reflect::get(record, &name.into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| unreadable(&format!("no {name}")))
    };
    let (iv, data) = (field("iv")?, field("data")?);
    let plain = JsFuture::from(
        subtle()?
            .decrypt_with_object_and_u8_array(&aes_gcm(Some(&iv.to_vec()))?, key, &data.to_vec())
            .map_err(unavailable)?,
    )
    .await
    .map_err(|_| unreadable("decryption failed"))?;
    Ok(Uint8Array::new(&plain).to_vec())
}

fn is_empty(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// An account's drafts, encrypted at rest.
pub struct IdbDraftStore {
    account: String,
}

impl IdbDraftStore {
    pub fn new(account: impl Into<String>) -> Self {
        Self {
            account: account.into(),
        }
    }

    fn journal_id(&self) -> String {
        format!("{}#journal", self.account)
    }

    async fn get(&self, db: &IdbDatabase, store: &str, id: &str) -> Result<JsValue, StoreError> {
        let tx = db.transaction_with_str(store).map_err(unavailable)?;
        let request = tx
            .object_store(store)
            .and_then(|s| s.get(&JsValue::from_str(id)))
            .map_err(unavailable)?;
        done(&request).await
    }

    /// The account's key, made on first use: AES-GCM 256, not extractable.
    async fn key(&self, db: &IdbDatabase, create: bool) -> Result<Option<CryptoKey>, StoreError> {
        let existing = self.get(db, KEYS, &self.account).await?;
        if let Ok(key) = existing.clone().dyn_into::<CryptoKey>() {
            return Ok(Some(key));
        }
        if !create {
            return Ok(None);
        }
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let key: CryptoKey = JsFuture::from(
            subtle()?
                .generate_key_with_object(&aes_gcm(None)?, false, &usages)
                .map_err(unavailable)?,
        )
        .await
        .map_err(unavailable)?
        .dyn_into()
        .map_err(unavailable)?;
        let tx = db
            .transaction_with_str_and_mode(KEYS, IdbTransactionMode::Readwrite)
            .map_err(unavailable)?;
        tx.object_store(KEYS)
            .and_then(|s| s.put_with_key(&key, &JsValue::from_str(&self.account)))
            .map_err(unavailable)?;
        committed(&tx).await?;
        Ok(Some(key))
    }

    /// Keeps `plain` under `name` for this account, encrypted with its key (the message centre's
    /// offline copy, for one).
    pub async fn put_private(&self, name: &str, plain: &[u8]) -> Result<(), StoreError> {
        let db = open().await?;
        let key = self
            .key(&db, true)
            .await?
            .ok_or_else(|| StoreError::Unavailable("no key".into()))?;
        let record = seal_record(&key, plain).await?;
        let tx = db
            .transaction_with_str_and_mode(DRAFTS, IdbTransactionMode::Readwrite)
            .map_err(unavailable)?;
        tx.object_store(DRAFTS)
            .and_then(|s| s.put_with_key(&record, &JsValue::from_str(&self.private_id(name))))
            .map_err(unavailable)?;
        committed(&tx).await
    }

    /// What `put_private` kept under `name`, if anything.
    pub async fn private(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let db = open().await?;
        let Some(key) = self.key(&db, false).await? else {
            return Ok(None);
        };
        let stored = self.get(&db, DRAFTS, &self.private_id(name)).await?;
        if is_empty(&stored) {
            return Ok(None);
        }
        open_record(&key, &stored).await.map(Some)
    }

    fn private_id(&self, name: &str) -> String {
        format!("{}#{name}", self.account)
    }

    /// The key the typing journal is sealed with in wasm (`crate::journal`).
    pub async fn journal_key(&self) -> Result<SealKey, StoreError> {
        let raw = self.sealed_secret("journal").await?;
        sealed::key_from(&raw).map_err(|e| StoreError::Unreadable(e.to_string()))
    }

    /// 32 random bytes named `name` (the typing journal's key, the wallet's device key): made
    /// on first use, kept at rest only encrypted by the account's non-extractable key. When two
    /// tabs make one at once, the first stored wins and both use it.
    pub async fn sealed_secret(&self, name: &str) -> Result<[u8; 32], StoreError> {
        let db = open().await?;
        let key = self
            .key(&db, true)
            .await?
            .ok_or_else(|| StoreError::Unavailable("no key".into()))?;
        let id = format!("{}#{name}", self.account);
        for _ in 0..2 {
            let stored = self.get(&db, KEYS, &id).await?;
            if !is_empty(&stored) {
                let raw = open_record(&key, &stored).await?;
                return <[u8; 32]>::try_from(raw.as_slice())
                    .map_err(|_| StoreError::Unreadable(format!("{name} is not 32 bytes")));
            }
            let raw = crate::random::bytes::<32>()
                .ok_or_else(|| StoreError::Unavailable("no random source".into()))?;
            let record = seal_record(&key, &raw).await?;
            let tx = db
                .transaction_with_str_and_mode(KEYS, IdbTransactionMode::Readwrite)
                .map_err(unavailable)?;
            tx.object_store(KEYS)
                .and_then(|s| s.add_with_key(&record, &JsValue::from_str(&id)))
                .map_err(unavailable)?;
            if committed(&tx).await.is_ok() {
                return Ok(raw);
            }
            // Another tab stored one first: read that one.
        }
        Err(StoreError::Unavailable(format!("{name} cannot be stored")))
    }
}

impl DraftStore for IdbDraftStore {
    async fn load(&self) -> Result<Option<DeviceState>, StoreError> {
        let db = open().await?;
        let record = self.get(&db, DRAFTS, &self.account).await?;
        if is_empty(&record) {
            return Ok(None);
        }
        let key = self
            .key(&db, false)
            .await?
            .ok_or_else(|| StoreError::Unreadable("the key is gone".into()))?;
        let bytes = open_record(&key, &record).await?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Unreadable(e.to_string()))
    }

    async fn save(&self, state: &DeviceState) -> Result<(), StoreError> {
        let db = open().await?;
        let key = self
            .key(&db, true)
            .await?
            .ok_or_else(|| StoreError::Unavailable("no key".into()))?;
        let json = serde_json::to_vec(state).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let record = seal_record(&key, &json).await?;
        let tx = db
            .transaction_with_str_and_mode(DRAFTS, IdbTransactionMode::Readwrite)
            .map_err(unavailable)?;
        tx.object_store(DRAFTS)
            .and_then(|s| s.put_with_key(&record, &JsValue::from_str(&self.account)))
            .map_err(unavailable)?;
        committed(&tx).await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        let db = open().await?;
        let stores = Array::of2(&DRAFTS.into(), &KEYS.into());
        let tx = db
            .transaction_with_str_sequence_and_mode(&stores, IdbTransactionMode::Readwrite)
            .map_err(unavailable)?;
        for (store, id) in [
            (DRAFTS, self.account.clone()),
            (KEYS, self.account.clone()),
            (KEYS, self.journal_id()),
            (DRAFTS, journal_copy_id(&self.account)),
            (DRAFTS, self.private_id(MESSAGES)),
        ] {
            tx.object_store(store)
                .and_then(|s| s.delete(&JsValue::from_str(&id)))
                .map_err(unavailable)?;
        }
        committed(&tx).await
    }
}
