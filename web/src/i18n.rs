//! The app's language: chosen once at start (the person's choice, else the browser's
//! languages), messages from core.

use std::sync::OnceLock;

use i18n_embed::fluent::FluentLanguageLoader;
use tongban_core::i18n as core_i18n;

static LOADER: OnceLock<FluentLanguageLoader> = OnceLock::new();

/// The loader for the chosen language (zh-CN until `init_from_browser` ran).
pub fn loader() -> &'static FluentLanguageLoader {
    LOADER.get_or_init(|| core_i18n::loader_for(&[]))
}

static LANGUAGE: OnceLock<String> = OnceLock::new();

/// The chosen language's BCP 47 tag.
pub fn language() -> String {
    language_tag().to_owned()
}

fn language_tag() -> &'static str {
    LANGUAGE.get_or_init(|| core_i18n::current_language_tag(loader()))
}

/// The words of the chosen language, for core's views (`tongban_core::view`).
pub fn words() -> tongban_core::view::Words<'static> {
    tongban_core::view::Words::new(loader(), language_tag())
}

/// Picks the language from `navigator.languages` and marks the document with it, so screen
/// readers pronounce the page right and CSS can follow the writing direction.
pub fn init_from_browser() {
    let chosen = crate::prefs::language_choice();
    let browser: Vec<String> = web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    let requested: Vec<String> = chosen.into_iter().chain(browser).collect();
    let _ = LOADER.set(core_i18n::loader_for(&core_i18n::parse_languages(
        &requested,
    )));
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let tag = language();
        let _ = root.set_attribute("lang", &tag);
        let _ = root.set_attribute("dir", core_i18n::text_direction(&tag));
    }
}

/// A message in the app's language: `t!("id")` or `t!("id", name = value)`.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id)
    };
    ($id:literal, $($args:tt)*) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id, $($args)*)
    };
}
