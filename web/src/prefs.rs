//! Choices a person makes on this device — care mode (长辈版) and language — remembered in
//! localStorage (they are not personal data) and applied to the whole document.

use leptos::prelude::*;

const CARE_KEY: &str = "tongban.care";
const LANGUAGE_KEY: &str = "tongban.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub(crate) fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub(crate) fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Care mode as chosen on this device; `None` until the person has chosen (first run).
pub fn care_choice() -> Option<bool> {
    stored(CARE_KEY).map(|v| v == "1")
}

/// The language chosen in the app, ahead of the browser's own list.
pub fn language_choice() -> Option<String> {
    stored(LANGUAGE_KEY).filter(|v| !v.is_empty())
}

/// Remembers a language and restarts the app in it (every message and the text direction change).
pub fn choose_language(tag: &str) {
    store(LANGUAGE_KEY, tag);
    let _ = window().location().reload();
}

fn apply_care(on: bool) {
    if let Some(root) = document().document_element() {
        let _ = root.class_list().toggle_with_force("care", on);
    }
}

/// Care mode for the whole app: a signal shared through context, applied to `<html class>` and
/// remembered whenever it changes.
#[derive(Clone, Copy)]
pub struct Care {
    pub on: ReadSignal<bool>,
    pub chosen: ReadSignal<bool>,
    set_on: WriteSignal<bool>,
    set_chosen: WriteSignal<bool>,
}

impl Care {
    pub fn set(&self, on: bool) {
        store(CARE_KEY, if on { "1" } else { "0" });
        apply_care(on);
        self.set_on.set(on);
        self.set_chosen.set(true);
    }

    /// Follows a host super-app's elder style: switched for this visit, not remembered (the
    /// host remembers its own), and no first-run prompt on top of the host's choice.
    pub fn follow(&self, on: bool) {
        apply_care(on);
        self.set_on.set(on);
        self.set_chosen.set(true);
    }
}

pub fn provide_care() -> Care {
    let choice = care_choice();
    apply_care(choice.unwrap_or(false));
    let (on, set_on) = signal(choice.unwrap_or(false));
    let (chosen, set_chosen) = signal(choice.is_some());
    let care = Care {
        on,
        chosen,
        set_on,
        set_chosen,
    };
    provide_context(care);
    care
}

pub fn use_care() -> Care {
    expect_context::<Care>()
}
