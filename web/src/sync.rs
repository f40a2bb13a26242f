//! The device's drafts for the logged-in account: loaded from IndexedDB (encrypted), changed only
//! through core's transitions, saved after every change, and sent to the server in the
//! background — one outbox entry at a time, again after a failure, at once when the network
//! comes back. Nothing typed waits for the network.

use std::cell::Cell;
use std::rc::Rc;

use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
use leptos::prelude::*;
use tongban_core::draft::{ChangeReply, DeviceState};
use tongban_core::draft_journal::Journal;
use tongban_core::draft_store::DraftStore;
use tongban_core::draft_sync::{self, Step, SyncStop};
use tongban_core::form::Answer;
use tongban_core::sealed::SealKey;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::idb::IdbDraftStore;
use crate::random::uuid_v7;
use crate::store::api_for;

const ACCOUNT_KEY: &str = "tongban.account";
const DEVICE_KEY: &str = "tongban.device";

pub(crate) fn local(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

pub(crate) fn set_local(key: &str, value: Option<&str>) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
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

/// An application just made from a draft of this device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub receipt: String,
    pub form_id: String,
}

/// Whether this device holds what the person sees (said only when true).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceSave {
    /// Everything shown is stored on the device (in the saved drafts or the sealed journal).
    Saved,
    /// A change is not yet stored (its save is under way).
    Saving,
    /// The device refused to store it (full, blocked): shown, with the reason.
    Failed(String),
}

/// How soon recorded typing becomes answers and outbox entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// After a pause in typing.
    AfterPause,
    /// At once (a choice, an upload, leaving a field).
    Now,
}

/// Saves never overlap: a save asked for while one runs happens right after it, with the newest
/// state (so an older state can never land after a newer one).
#[derive(Default)]
struct SaveQueue {
    running: Cell<bool>,
    again: Cell<bool>,
    /// Changes made outside the journal since the last completed save.
    unsaved: Cell<bool>,
}

const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(600);

#[derive(Clone, Copy)]
pub struct Drafts {
    /// `None` until loaded (or when no account is known on this device).
    pub state: RwSignal<Option<DeviceState>>,
    /// Whether the device has looked for the account it holds drafts of (at once when
    /// localStorage has it; after a read of IndexedDB when a killed browser lost it there).
    pub account_known: RwSignal<bool>,
    pub status: RwSignal<SyncStatus>,
    pub device: RwSignal<DeviceSave>,
    /// The last refusal of a change the server will never apply (shown, not hidden).
    pub refused: RwSignal<Option<(String, String)>>,
    /// The application made last (for a host super-app to hear of it, once).
    pub submitted: RwSignal<Option<Submitted>>,
    account: RwSignal<Option<String>>,
    syncing: StoredValue<Rc<Cell<bool>>, LocalStorage>,
    saves: StoredValue<Rc<SaveQueue>, LocalStorage>,
    journal: StoredValue<Journal>,
    journal_key: StoredValue<Option<SealKey>>,
    pause: StoredValue<Option<TimeoutHandle>>,
    /// The mandate these drafts are made under (the grantor's drafts, 亲友代办), or none: the
    /// account's own.
    acting: StoredValue<Option<String>>,
}

/// The account whose drafts this device holds (remembered so drafts open offline).
pub fn known_account() -> Option<String> {
    local(ACCOUNT_KEY)
}

pub fn remember_account(id: Option<&str>) {
    set_local(ACCOUNT_KEY, id);
    let id = id.map(str::to_owned);
    leptos::task::spawn_local(async move {
        let _ = crate::idb::remember_account(id.as_deref()).await;
    });
}

fn device_id() -> String {
    local(DEVICE_KEY).unwrap_or_else(|| {
        let id = uuid_v7();
        set_local(DEVICE_KEY, Some(&id));
        id
    })
}

pub fn provide_drafts() -> Drafts {
    let remembered = known_account();
    let drafts = Drafts::new(remembered.clone(), None);
    provide_context(drafts);
    if remembered.is_some() {
        drafts.load();
    } else {
        leptos::task::spawn_local(async move {
            if let Some(id) = crate::idb::remembered_account().await {
                set_local(ACCOUNT_KEY, Some(&id));
                drafts.account.set(Some(id));
                drafts.load();
            }
            drafts.account_known.set(true);
        });
    }
    drafts.listen();
    drafts
}

pub fn use_drafts() -> Drafts {
    expect_context::<Drafts>()
}

pub fn use_drafts_or_none() -> Option<Drafts> {
    use_context::<Drafts>()
}

impl Drafts {
    pub(crate) fn new(account: Option<String>, acting: Option<String>) -> Self {
        Drafts {
            state: RwSignal::new(None),
            account_known: RwSignal::new(account.is_some()),
            status: RwSignal::new(SyncStatus::Synced),
            device: RwSignal::new(DeviceSave::Saved),
            refused: RwSignal::new(None),
            submitted: RwSignal::new(None),
            account: RwSignal::new(account),
            syncing: StoredValue::new_local(Rc::new(Cell::new(false))),
            saves: StoredValue::new_local(Rc::new(SaveQueue::default())),
            journal: StoredValue::new(Journal::default()),
            journal_key: StoredValue::new(None),
            pause: StoredValue::new(None),
            acting: StoredValue::new(acting),
        }
    }

    /// Folds typing in when the page is hidden or goes away, and sends what waits when the
    /// network comes back (and now and then while something waits).
    pub(crate) fn listen(self) {
        let drafts = self;
        // Whatever is typed is folded into the drafts when the page is hidden or goes away (the
        // journal already holds it; this starts the save that makes the journal unnecessary).
        if let Some(window) = web_sys::window() {
            for event in ["visibilitychange", "pagehide"] {
                let fold = Closure::<dyn Fn()>::new(move || drafts.fold_typed());
                let _ =
                    window.add_event_listener_with_callback(event, fold.as_ref().unchecked_ref());
                fold.forget();
            }
            let online = Closure::<dyn Fn()>::new(move || drafts.sync());
            let _ =
                window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
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
    }

    /// The API these drafts are sent with: under their mandate when made for someone.
    pub fn api(&self) -> tongban_core::ApiClient {
        api_for(self.acting.get_value().as_deref())
    }

    /// The mandate these drafts are made under, when they are someone else's.
    pub fn acting(&self) -> Option<String> {
        self.acting.get_value()
    }

    fn store(&self) -> Option<IdbDraftStore> {
        self.account.get_untracked().map(IdbDraftStore::new)
    }

    /// Switches to an account (after login): its drafts load; another account's stay apart.
    pub fn set_account(&self, id: &str) {
        self.account_known.set(true);
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

    /// Loads the saved drafts, folds in what a page that went away had typed (the journal), then
    /// syncs and takes in drafts from other devices.
    pub(crate) fn load(&self) {
        let this = *self;
        let Some(store) = self.store() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let loaded = store.load().await.ok().flatten();
            let mut state = loaded.unwrap_or_else(|| DeviceState::new(device_id()));
            let key = match store.journal_key().await {
                Ok(key) => Some(key),
                Err(e) => {
                    this.device.set(DeviceSave::Failed(e.to_string()));
                    None
                }
            };
            let mut journal = match (&key, this.account.get_untracked()) {
                (Some(key), Some(account)) => crate::journal::read(&account, key).await,
                _ => Journal::default(),
            };
            journal.resume(&state);
            let folded = journal.fold_into(&mut state, &mut uuid_v7, now());
            this.journal.set_value(journal);
            this.journal_key.set_value(key);
            let pending = !state.outbox.is_empty();
            this.state.set(Some(state));
            if folded || pending {
                this.status.set(SyncStatus::Pending);
            }
            this.save_soon();
            this.sync();
            this.take_in_remote().await;
        });
    }

    /// Drafts started or continued on another device (or by someone acting for the person)
    /// join this one, when online.
    pub async fn take_in_remote(&self) {
        if let Ok(remote) = self.api().drafts().await {
            let now = now();
            self.state.update(|s| {
                if let Some(s) = s.as_mut() {
                    for snapshot in &remote {
                        s.adopt(snapshot, now);
                    }
                }
            });
            self.save_soon();
        }
    }

    /// Records what the person typed or chose, on the device before this returns (the sealed
    /// journal), then folds it into the draft now or after a pause in typing. Every answer goes
    /// through here, so none can be lost with the page.
    pub fn record_answer(&self, draft_id: &str, path: &str, value: Option<Answer>, fold: Fold) {
        let Some(form_id) = self.form_of(draft_id) else {
            return;
        };
        self.journal
            .update_value(|j| _ = j.record_answer(draft_id, &form_id, path, value));
        self.after_record(fold);
    }

    /// Records that submit was pressed (kept like an answer), and folds it in at once.
    pub fn record_submit(&self, draft_id: &str) {
        let Some(form_id) = self.form_of(draft_id) else {
            return;
        };
        self.journal
            .update_value(|j| _ = j.record_submit(draft_id, &form_id));
        self.after_record(Fold::Now);
    }

    /// Records what is typed into an application's supplement (补正), on the device at once.
    pub fn record_supplement(&self, application_id: &str, path: &str, value: Option<Answer>) {
        self.journal
            .update_value(|j| _ = j.record_supplement(application_id, path, value));
        self.write_journal();
    }

    /// What was typed into an application's supplement and not yet sent.
    pub fn supplement(&self, application_id: &str) -> tongban_core::form::Answers {
        self.journal.with_value(|j| j.supplement(application_id))
    }

    /// The supplement reached the server.
    pub fn supplied(&self, application_id: &str) {
        self.journal.update_value(|j| j.supplied(application_id));
        self.write_journal();
    }

    fn form_of(&self, draft_id: &str) -> Option<String> {
        self.state.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| s.drafts.get(draft_id))
                .map(|d| d.form_id.clone())
        })
    }

    fn after_record(&self, fold: Fold) {
        if !self.write_journal() {
            self.device.set(DeviceSave::Saving);
        }
        self.status.set(SyncStatus::Pending);
        if let Some(handle) = self.pause.get_value() {
            handle.clear();
        }
        match fold {
            Fold::Now => self.fold_typed(),
            Fold::AfterPause => {
                let this = *self;
                let handle = set_timeout_with_handle(move || this.fold_typed(), TYPING_PAUSE).ok();
                self.pause.set_value(handle);
            }
        }
    }

    /// Writes the journal synchronously. False when it could not be written.
    fn write_journal(&self) -> bool {
        let (Some(account), Some(key)) =
            (self.account.get_untracked(), self.journal_key.get_value())
        else {
            return false;
        };
        self.journal
            .with_value(|j| crate::journal::write(&account, &key, j))
    }

    /// Folds recorded typing into the drafts (answers and outbox entries), then saves and syncs.
    pub fn fold_typed(&self) {
        if let Some(handle) = self.pause.get_value() {
            handle.clear();
            self.pause.set_value(None);
        }
        if !self.journal.with_value(|j| j.has_unfolded())
            || self.state.with_untracked(|s| s.is_none())
        {
            return;
        }
        let mut journal = self.journal.get_value();
        let mut changed = false;
        self.state.update(|s| {
            if let Some(s) = s.as_mut() {
                changed = journal.fold_into(s, &mut uuid_v7, now());
            }
        });
        self.journal.set_value(journal);
        if changed {
            self.save_soon();
            self.sync();
        } else {
            self.write_journal();
        }
    }

    /// Applies a transition that is not an answer (a new draft, a deletion), saves the result,
    /// then tries to send it. Until that save completes the device does not say "saved".
    pub fn change(&self, f: impl FnOnce(&mut DeviceState)) {
        self.fold_typed();
        self.state.update(|s| {
            if let Some(s) = s.as_mut() {
                f(s);
            }
        });
        self.status.set(SyncStatus::Pending);
        self.saves.get_value().unsaved.set(true);
        self.device.set(DeviceSave::Saving);
        self.save_soon();
        self.sync();
    }

    /// Saves the newest state, after any save that is running.
    fn save_soon(&self) {
        let queue = self.saves.get_value();
        if queue.running.get() {
            queue.again.set(true);
            return;
        }
        let Some(store) = self.store() else {
            return;
        };
        queue.running.set(true);
        let this = *self;
        leptos::task::spawn_local(async move {
            loop {
                queue.again.set(false);
                let outside_journal = queue.unsaved.replace(false);
                let Some(state) = this.state.get_untracked() else {
                    break;
                };
                match store.save(&state).await {
                    Ok(()) => {
                        this.journal.update_value(|j| j.saved(state.typed_through));
                        let journal_ok =
                            this.write_journal() || this.journal.with_value(|j| !j.has_unfolded());
                        if !queue.unsaved.get() && journal_ok {
                            this.device.set(DeviceSave::Saved);
                        }
                    }
                    Err(e) => {
                        if outside_journal {
                            queue.unsaved.set(true);
                        }
                        this.device.set(DeviceSave::Failed(e.to_string()));
                    }
                }
                if !queue.again.get() {
                    break;
                }
            }
            queue.running.set(false);
        });
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
                    // Synced only when nothing typed is waiting to become an outbox entry.
                    let typing = this.journal.with_value(|j| j.has_unfolded());
                    this.status.set(if typing {
                        SyncStatus::Pending
                    } else {
                        SyncStatus::Synced
                    });
                    break;
                };
                let step = draft_sync::send(&this.api(), &head).await;
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
                    if let Some(form_id) = first {
                        this.submitted.set(Some(Submitted {
                            receipt: receipt.clone(),
                            form_id,
                        }));
                    }
                }
                let mut refused = None;
                this.state.update(|s| {
                    if let Some(s) = s.as_mut() {
                        refused = s.take_step(&head.op_id, &step);
                    }
                });
                if let Some(code) = refused {
                    this.refused.set(Some((head.draft_id.clone(), code)));
                }
                this.save_soon();
            }
            flag.set(false);
        });
    }

    /// Logout: forgets this account's drafts on the device (the caller warned about unsynced),
    /// and those it made for others.
    pub async fn forget(&self) {
        crate::acting::forget_acting(None).await;
        self.clear_space().await;
        remember_account(None);
        self.account.set(None);
        self.state.set(None);
    }

    /// Deletes these drafts, their key and their journal from the device.
    pub(crate) async fn clear_space(&self) {
        // An empty journal written last, so no copy still on its way outlives the logout.
        self.journal.set_value(Journal::default());
        self.write_journal();
        if let Some(store) = self.store() {
            let _ = store.clear().await;
        }
        if let Some(account) = self.account.get_untracked() {
            crate::journal::clear(&account);
        }
        self.journal_key.set_value(None);
        self.state.set(None);
    }

    /// The account whose drafts this device holds, once known.
    pub fn account(&self) -> Option<String> {
        self.account.get()
    }

    /// Whether anything typed is not yet on the server.
    pub fn unsynced(&self) -> usize {
        let typing = usize::from(self.journal.with_value(|j| j.has_unfolded()));
        self.state
            .with_untracked(|s| s.as_ref().map_or(0, |s| s.outbox.len()))
            + typing
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
