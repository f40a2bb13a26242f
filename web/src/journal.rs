//! Where the typing journal (`tongban_core::draft_journal`) lives on the web, sealed in wasm
//! (AES-256-GCM, RustCrypto) with the account's journal key — which is kept at rest only wrapped
//! by the account's non-extractable WebCrypto key (`crate::idb`) — so no answer is ever written
//! to storage in the clear. Two copies, because the browser's rules differ:
//!
//! - localStorage is written synchronously, inside the `input` handler itself: it survives a
//!   reload, a navigation and a closed tab however soon they follow the keystroke;
//! - IndexedDB is written right after (no encryption left to do, one put): committed within a
//!   few milliseconds, it survives a browser killed by the system, which can lose the last
//!   seconds of localStorage (Chromium writes it to disk in batches).
//!
//! At start the newer of the two is read.

use std::cell::RefCell;

use tongban_core::draft_journal::Journal;
use tongban_core::sealed::SealKey;

fn storage_key(account: &str) -> String {
    format!("tongban.journal.{account}")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

/// The IndexedDB copy waiting to be written, and whether a write runs (writes never overlap, and
/// only the newest waiting copy is written).
#[derive(Default)]
struct CopyQueue {
    running: bool,
    next: Option<(String, Option<Vec<u8>>)>,
}

thread_local! {
    static COPY: RefCell<CopyQueue> = RefCell::new(CopyQueue::default());
}

fn write_copy(account: &str, sealed: Option<Vec<u8>>) {
    let start = COPY.with(|q| {
        let mut q = q.borrow_mut();
        q.next = Some((account.to_owned(), sealed));
        !std::mem::replace(&mut q.running, true)
    });
    if start {
        wasm_bindgen_futures::spawn_local(async {
            while let Some((account, sealed)) = COPY.with(|q| q.borrow_mut().next.take()) {
                let _ = crate::idb::put_journal_copy(&account, sealed.as_deref()).await;
            }
            COPY.with(|q| q.borrow_mut().running = false);
        });
    }
}

/// Writes the journal: localStorage now, IndexedDB right after; an empty one is removed. False
/// when localStorage refused (full, blocked): the caller must not yet claim the device holds
/// what was typed.
pub fn write(account: &str, key: &SealKey, journal: &Journal) -> bool {
    let Some(storage) = local_storage() else {
        return false;
    };
    if journal.is_empty() {
        write_copy(account, None);
        return storage.remove_item(&storage_key(account)).is_ok();
    }
    let Some(nonce) = crate::random::bytes::<12>() else {
        return false;
    };
    let sealed = journal.seal(key, nonce);
    let written = storage
        .set_item(&storage_key(account), &hex(&sealed))
        .is_ok();
    write_copy(account, Some(sealed));
    written
}

/// The journal a previous page left behind: the newer of its two copies (empty when there is
/// none; a copy that cannot be opened — sealed under a key that is gone, or damaged — is
/// dropped, as it can never be read).
pub async fn read(account: &str, key: &SealKey) -> Journal {
    let open = |bytes: Option<Vec<u8>>| -> Journal {
        match bytes.map(|b| Journal::open(key, &b)) {
            Some(Ok(journal)) => journal,
            Some(Err(_)) => {
                web_sys::console::warn_1(
                    &"a typing journal that cannot be opened was dropped".into(),
                );
                Journal::default()
            }
            None => Journal::default(),
        }
    };
    let local = local_storage()
        .and_then(|s| s.get_item(&storage_key(account)).ok().flatten())
        .and_then(|text| unhex(&text));
    let durable = crate::idb::journal_copy(account).await;
    open(local).newest(open(durable))
}

/// Logout: the account's journal goes with its drafts (the IndexedDB copy with the store).
pub fn clear(account: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(&storage_key(account));
    }
}
