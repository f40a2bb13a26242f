//! The device's drafts for the logged-in account: loaded from IndexedDB (encrypted), changed only
//! through core's transitions, saved after every change, and sent to the server in the
//! background — one outbox entry at a time, again after a failure, at once when the network
//! comes back. Nothing typed waits for the network.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use tongban_core::draft::{ChangeReply, DeviceState};
use tongban_core::draft_store::DraftStore;
use tongban_core::draft_sync::{self, Step, SyncStop};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::idb::IdbDraftStore;
use crate::store::api;

const ACCOUNT_KEY: &str = "tongban.account";
const DEVICE_KEY: &str = "tongban.device";

fn local(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

fn set_local(key: &str, value: Option<&str>) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
}

/// A UUIDv7: 48 bits of milliseconds, then random bits (RFC 9562).
pub fn uuid_v7() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
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

/// Where syncing stands, for the person to see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStatus {
    /// Everything is on the server.
    Synced,
    /// Changes are waiting to be sent.
    Pending,
    /// The server cannot be reached; changes are kept on this phone.
    Offline,
    /// The session ended; changes are kept until the person logs in again.
    NeedsLogin,
}

#[derive(Clone, Copy)]
pub struct Drafts {
    /// `None` until loaded (or when no account is known on this device).
    pub state: RwSignal<Option<DeviceState>>,
    pub status: RwSignal<SyncStatus>,
    /// The last refusal of a change the server will never apply (shown, not hidden).
    pub refused: RwSignal<Option<String>>,
    account: RwSignal<Option<String>>,
    syncing: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

/// The account whose drafts this device holds (remembered so drafts open offline).
pub fn known_account() -> Option<String> {
    local(ACCOUNT_KEY)
}

pub fn remember_account(id: Option<&str>) {
    set_local(ACCOUNT_KEY, id);
}

fn device_id() -> String {
    local(DEVICE_KEY).unwrap_or_else(|| {
        let id = uuid_v7();
        set_local(DEVICE_KEY, Some(&id));
        id
    })
}

pub fn provide_drafts() -> Drafts {
    let drafts = Drafts {
        state: RwSignal::new(None),
        status: RwSignal::new(SyncStatus::Synced),
        refused: RwSignal::new(None),
        account: RwSignal::new(known_account()),
        syncing: StoredValue::new_local(Rc::new(Cell::new(false))),
    };
    provide_context(drafts);
    drafts.load();
    // Send what waits when the network comes back, and now and then while something waits.
    if let Some(window) = web_sys::window() {
        let online = Closure::<dyn Fn()>::new(move || drafts.sync());
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
        let tick = Closure::<dyn Fn()>::new(move || {
            if drafts.status.get_untracked() != SyncStatus::Synced {
                drafts.sync();
            }
        });
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            10_000,
        );
        tick.forget();
    }
    drafts
}

pub fn use_drafts() -> Drafts {
    expect_context::<Drafts>()
}

pub fn use_drafts_or_none() -> Option<Drafts> {
    use_context::<Drafts>()
}

impl Drafts {
    fn store(&self) -> Option<IdbDraftStore> {
        self.account.get_untracked().map(IdbDraftStore::new)
    }

    /// Switches to an account (after login): its drafts load; another account's stay apart.
    pub fn set_account(&self, id: &str) {
        if self.account.get_untracked().as_deref() != Some(id) {
            remember_account(Some(id));
            self.account.set(Some(id.to_owned()));
            self.state.set(None);
            self.load();
        } else {
            self.status.set(SyncStatus::Pending);
            self.sync();
        }
    }

    fn load(&self) {
        let this = *self;
        let Some(store) = self.store() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let loaded = store.load().await.ok().flatten();
            let state = loaded.unwrap_or_else(|| DeviceState::new(device_id()));
            this.state.set(Some(state));
            this.sync();
            // Drafts started or continued on another device join this one (when online).
            if let Ok(remote) = api().drafts().await {
                let now = (js_sys::Date::now() / 1000.0) as i64;
                this.state.update(|s| {
                    if let Some(s) = s.as_mut() {
                        for snapshot in &remote {
                            s.adopt(snapshot, now);
                        }
                    }
                });
                this.save().await;
            }
        });
    }

    /// Applies a transition, saves the result, then tries to send it.
    pub fn change(&self, f: impl FnOnce(&mut DeviceState)) {
        self.state.update(|s| {
            if let Some(s) = s.as_mut() {
                f(s);
            }
        });
        self.status.set(SyncStatus::Pending);
        let this = *self;
        leptos::task::spawn_local(async move {
            this.save().await;
            this.sync();
        });
    }

    async fn save(&self) {
        let (Some(store), Some(state)) = (self.store(), self.state.get_untracked()) else {
            return;
        };
        if let Err(e) = store.save(&state).await {
            self.refused.set(Some(e.to_string()));
        }
    }

    /// Sends the outbox, head first, until it is empty or the network fails.
    pub fn sync(&self) {
        let flag = self.syncing.get_value();
        if flag.get() || self.state.with_untracked(|s| s.is_none()) {
            return;
        }
        flag.set(true);
        let this = *self;
        leptos::task::spawn_local(async move {
            loop {
                let Some(head) = this
                    .state
                    .with_untracked(|s| s.as_ref().and_then(|s| s.next_to_send().cloned()))
                else {
                    this.status.set(SyncStatus::Synced);
                    break;
                };
                let step = draft_sync::send(&api(), &head).await;
                if let Step::Stop(stop) = &step {
                    this.status.set(match stop {
                        SyncStop::Offline => SyncStatus::Offline,
                        SyncStop::NeedsLogin => SyncStatus::NeedsLogin,
                    });
                    break;
                }
                if let Step::Reply(ChangeReply::Submitted { receipt, .. }) = &step {
                    // Told once: a repeated submission answers the same receipt again.
                    let first = this.state.with_untracked(|s| {
                        s.as_ref()
                            .and_then(|s| s.drafts.get(&head.draft_id))
                            .filter(|d| d.submitted.is_none())
                            .map(|d| d.form_id.clone())
                    });
                    if let Some(form) = first {
                        crate::host::notify(tongban_core::host::HostEvent::ApplicationSubmitted {
                            receipt_number: receipt.clone(),
                            matter_code: form,
                        });
                    }
                }
                let mut refused = None;
                this.state.update(|s| {
                    if let Some(s) = s.as_mut() {
                        refused = s.take_step(&head.op_id, &step);
                    }
                });
                if refused.is_some() {
                    this.refused.set(refused);
                }
                this.save().await;
            }
            flag.set(false);
        });
    }

    /// Logout: forgets this account's drafts on the device (the caller warned about unsynced).
    pub async fn forget(&self) {
        if let Some(store) = self.store() {
            let _ = store.clear().await;
        }
        remember_account(None);
        self.account.set(None);
        self.state.set(None);
    }

    /// Whether anything typed is not yet on the server.
    pub fn unsynced(&self) -> usize {
        self.state
            .with_untracked(|s| s.as_ref().map_or(0, |s| s.outbox.len()))
    }
}
