//! Drafts made in someone else's name (亲友代办): one set per mandate, kept on the device apart
//! from the account's own and sealed with their own key, sent under the mandate. They are
//! forgotten when the mandate ends or the person logs out.

use leptos::prelude::*;
use tongban_core::draft_store::DraftStore;

use crate::idb::IdbDraftStore;
use crate::sync::{known_account, local, set_local, Drafts};

const ACTING_KEY: &str = "tongban.acting";

thread_local! {
    /// The drafts made for others on this device, one set per mandate (made once, kept for the
    /// app's life so a save or a send under way never meets a page that went away).
    static ACTING: std::cell::RefCell<Vec<(String, Drafts)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Where drafts made under `mandate` by `account` are kept on the device: apart from the
/// account's own, sealed with their own key.
fn acting_space(account: &str, mandate: &str) -> String {
    format!("{account}~for~{mandate}")
}

/// The spaces made on this device (remembered, so a logout clears those of earlier visits too).
fn remembered_spaces() -> Vec<String> {
    local(ACTING_KEY)
        .map(|l| {
            l.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The drafts this account makes in someone's name under `mandate` (亲友代办): the same engine
/// as one's own — kept on the device first, sent in the background — with every request made
/// under the mandate. `None` before an account is known.
pub fn acting_drafts(mandate: &str) -> Option<Drafts> {
    let account = known_account()?;
    let space = acting_space(&account, mandate);
    if let Some(d) = ACTING.with(|a| {
        a.borrow()
            .iter()
            .find(|(s, _)| *s == space)
            .map(|(_, d)| *d)
    }) {
        return Some(d);
    }
    // A root of its own (making one also makes it current: the page's owner is put back).
    let page = Owner::current();
    let owner = Owner::new_root(None);
    if let Some(page) = &page {
        page.set();
    }
    let drafts = owner.with(|| Drafts::new(Some(space.clone()), Some(mandate.to_owned())));
    // The owner lives as long as the app: its signals are never disposed under a running task.
    std::mem::forget(owner);
    // Remembered, so a logout also clears spaces made before a reload.
    let mut spaces = remembered_spaces();
    if !spaces.contains(&space) {
        spaces.push(space.clone());
        set_local(ACTING_KEY, Some(&spaces.join(" ")));
    }
    drafts.account_known.set(true);
    drafts.load();
    drafts.listen();
    ACTING.with(|a| a.borrow_mut().push((space, drafts)));
    Some(drafts)
}

/// Forgets on this device what was drafted for others: under one mandate (it ended), or all of
/// them (logout).
pub async fn forget_acting(mandate: Option<&str>) {
    let spaces = remembered_spaces();
    let (gone, kept): (Vec<String>, Vec<String>) = spaces
        .into_iter()
        .partition(|s| mandate.is_none_or(|m| s.ends_with(&format!("~for~{m}"))));
    for space in &gone {
        let live = ACTING.with(|a| a.borrow().iter().find(|(s, _)| s == space).map(|(_, d)| *d));
        match live {
            Some(drafts) => drafts.clear_space().await,
            None => {
                let _ = IdbDraftStore::new(space.clone()).clear().await;
                crate::journal::clear(space);
            }
        }
    }
    ACTING.with(|a| a.borrow_mut().retain(|(s, _)| !gone.contains(s)));
    set_local(
        ACTING_KEY,
        (!kept.is_empty()).then(|| kept.join(" ")).as_deref(),
    );
}
