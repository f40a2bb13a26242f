//! What a screen shows, computed once for every shell: data in (a form, answers, a guide, the
//! person's profile), data out (labels in the person's language, answers as they read, which
//! fields were filled for them). The web renders these with Leptos, the native shells receive
//! them through uniffi — so a multiple choice reads the same on a phone's web page and in the app.

mod answers;
mod guide;
mod messages;
mod prefill;
mod qr;
mod questions;
mod visit;

pub use answers::*;
pub use guide::*;
pub use messages::*;
pub use prefill::*;
pub use qr::{code_qr_svg, presentation_qr_svg};
pub use questions::*;
pub use visit::*;

use i18n_embed::fluent::FluentLanguageLoader;

use crate::form::Label;
use crate::model::LocalizedText;

/// The words of one language: Fluent messages and the catalog's texts in it.
pub struct Words<'a> {
    pub loader: &'a FluentLanguageLoader,
    pub language: &'a str,
}

impl<'a> Words<'a> {
    pub fn new(loader: &'a FluentLanguageLoader, language: &'a str) -> Self {
        Self { loader, language }
    }

    /// A label or hint: its message, or the catalog's text in this language.
    pub fn label(&self, label: &Label) -> String {
        match label {
            Label::Message(id) => self.loader.get(id),
            Label::Text(text) => self.text(text),
        }
    }

    pub fn text(&self, text: &LocalizedText) -> String {
        text.for_language(self.language).to_owned()
    }

    pub fn message(&self, id: &str) -> String {
        self.loader.get(id)
    }

    pub fn message_with(&self, id: &str, name: &str, value: String) -> String {
        self.loader
            .get_args(id, std::collections::HashMap::from([(name, value)]))
    }
}
