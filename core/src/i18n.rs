//! The messages: Fluent files from `locales/`, embedded so every shell shows the same words.
//!
//! `zh-CN` is the source language and the fallback; a message missing in another language shows
//! in Chinese rather than as a raw id.

use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed::LanguageLoader;
use rust_embed::RustEmbed;
use unic_langid::LanguageIdentifier;

/// The Fluent domain: files are `locales/<language>/tongban.ftl`.
pub const DOMAIN: &str = "tongban";

/// The embedded `locales/` folder.
#[derive(RustEmbed)]
#[folder = "../locales/"]
pub struct Localizations;

/// The source and fallback language.
pub fn fallback_language() -> LanguageIdentifier {
    unic_langid::langid!("zh-CN")
}

/// The languages Tongban has messages for, source language first.
pub fn available_languages() -> Vec<LanguageIdentifier> {
    let loader = FluentLanguageLoader::new(DOMAIN, fallback_language());
    let mut languages = loader
        .available_languages(&Localizations)
        .unwrap_or_default();
    languages.sort_by_key(|l| (l != &fallback_language(), l.to_string()));
    languages
}

/// A loader with the best match for the requested languages (most preferred first), falling back
/// to zh-CN. Unknown or malformed requests fall back too: the app always has words to show.
pub fn loader_for(requested: &[LanguageIdentifier]) -> FluentLanguageLoader {
    let loader = FluentLanguageLoader::new(DOMAIN, fallback_language());
    // Keep Unicode isolation marks: they protect right-to-left languages around placeholders.
    let available = available_languages();
    let chosen = i18n_embed::select(&loader, &Localizations, &negotiate(requested, &available));
    if chosen.is_err() {
        let _ = loader.load_fallback_language(&Localizations);
    }
    loader
}

/// The loader for one BCP 47 tag (what a native shell passes), falling back like `loader_for`.
pub fn loader_for_tag(tag: &str) -> FluentLanguageLoader {
    loader_for(&parse_languages(&[tag]))
}

/// A message as plain text: without the Unicode isolation marks Fluent puts around placeholders
/// (a speech engine or a native text view has no use for them).
pub fn plain(text: String) -> String {
    text.replace(['\u{2068}', '\u{2069}'], "")
}

/// Parses language tags such as the browser's `navigator.languages`, skipping malformed ones.
pub fn parse_languages<S: AsRef<str>>(tags: &[S]) -> Vec<LanguageIdentifier> {
    tags.iter()
        .filter_map(|t| t.as_ref().parse().ok())
        .collect()
}

/// Maps requests onto available languages by language and script, so `zh`, `zh-Hans` and
/// `zh-SG` find `zh-CN`, and `en-GB` finds `en`.
fn negotiate(
    requested: &[LanguageIdentifier],
    available: &[LanguageIdentifier],
) -> Vec<LanguageIdentifier> {
    let mut chosen = Vec::new();
    for req in requested {
        let exact = available.iter().find(|a| *a == req);
        let same_language = || available.iter().find(|a| a.language == req.language);
        if let Some(found) = exact.or_else(same_language) {
            if !chosen.contains(found) {
                chosen.push(found.clone());
            }
        }
    }
    chosen
}

/// The language a loader shows, as a BCP 47 tag (for `<html lang>` and data selection).
pub fn current_language_tag(loader: &FluentLanguageLoader) -> String {
    loader.current_language().to_string()
}

/// The writing direction of a language tag: `rtl` for Uyghur, Arabic, Hebrew and Persian.
pub fn text_direction(tag: &str) -> &'static str {
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if matches!(primary.as_str(), "ug" | "ar" | "he" | "fa" | "ur") {
        "rtl"
    } else {
        "ltr"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_browser_gets_english_words() {
        let loader = loader_for(&parse_languages(&["en-GB", "fr"]));
        assert_eq!(current_language_tag(&loader), "en");
        assert_eq!(loader.get("app-name"), "Tongban");
    }

    #[test]
    fn unknown_or_malformed_languages_fall_back_to_chinese() {
        let loader = loader_for(&parse_languages(&["fr-FR", "not a tag!!"]));
        assert_eq!(current_language_tag(&loader), "zh-CN");
        assert_eq!(loader.get("app-name"), "通办");
    }

    #[test]
    fn uyghur_is_written_right_to_left() {
        assert_eq!(text_direction("ug-CN"), "rtl");
        assert_eq!(text_direction("zh-CN"), "ltr");
        assert_eq!(text_direction("en"), "ltr");
    }

    #[test]
    fn any_chinese_request_finds_simplified_chinese() {
        let loader = loader_for(&parse_languages(&["zh-Hans", "en"]));
        assert_eq!(current_language_tag(&loader), "zh-CN");
    }

    #[test]
    fn every_message_exists_in_every_language_with_the_same_placeholders() {
        let source = messages_of("zh-CN");
        for lang in available_languages() {
            let msgs = messages_of(&lang.to_string());
            let mut seen = std::collections::HashSet::new();
            for (id, _) in &msgs {
                assert!(seen.insert(id), "{lang} defines message {id} twice");
            }
            for (id, vars) in &source {
                let other = msgs.iter().find(|(i, _)| i == id);
                assert!(other.is_some(), "{lang} lacks message {id}");
                assert_eq!(
                    &other.unwrap().1,
                    vars,
                    "{lang} message {id} has other placeholders"
                );
            }
            for (id, _) in &msgs {
                assert!(
                    source.iter().any(|(i, _)| i == id),
                    "{lang} has {id}, unknown in zh-CN"
                );
            }
        }
    }

    /// The data record's lines, picked by code at run time: each use's action, the categories
    /// of data and the purposes.
    fn data_record_messages() -> Vec<String> {
        use crate::data_record::{use_actions, DataCategory, UsePurpose};
        use_actions()
            .map(|a| format!("data-action-{a}"))
            .chain(DataCategory::ALL.map(|c| format!("data-category-{}", c.code())))
            .chain(UsePurpose::ALL.map(|p| format!("data-purpose-{}", p.code())))
            .collect()
    }

    /// Certificates' kinds and claims, named by code at run time.
    fn credential_messages() -> Vec<String> {
        use crate::credential::status::Status;
        use crate::credential::{CredentialKind, CLAIMS};
        CredentialKind::ALL
            .iter()
            .map(|k| format!("credential-{}", k.code()))
            .chain(
                Status::ALL
                    .iter()
                    .map(|s| format!("credential-status-{}", s.code())),
            )
            .chain(
                CLAIMS
                    .iter()
                    .map(|c| format!("credential-claim-{}", c.replace('_', "-"))),
            )
            .chain(
                crate::credential::share::ShareState::ALL
                    .iter()
                    .map(|s| format!("share-state-{}", s.code())),
            )
            .collect()
    }

    #[test]
    fn no_message_is_defined_twice() {
        for lang in ["zh-CN", "en", "ug"] {
            let mut seen = std::collections::HashSet::new();
            let twice: Vec<String> = messages_of(lang)
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| !seen.insert(id.clone()))
                .collect();
            assert!(
                twice.is_empty(),
                "{lang} defines these twice (the first wins): {twice:?}"
            );
        }
    }

    #[test]
    fn every_error_code_and_activity_has_a_message() {
        let ids: Vec<String> = messages_of("zh-CN").into_iter().map(|(id, _)| id).collect();
        let wanted = crate::api::ERROR_CODES
            .iter()
            .map(|c| format!("error-{c}"))
            .chain(
                crate::audit::AuditAction::SHOWN_TO_PERSON
                    .iter()
                    .map(|a| format!("activity-{a}")),
            )
            .chain(
                crate::case::REJECT_REASONS
                    .iter()
                    .map(|r| crate::case::reject_reason_message_id(r)),
            )
            .chain(data_record_messages())
            .chain(credential_messages());
        let missing: Vec<String> = wanted.filter(|id| !ids.contains(id)).collect();
        assert!(missing.is_empty(), "codes without a message: {missing:?}");
    }

    #[test]
    fn every_message_is_used_somewhere() {
        let mut sources = String::new();
        // The web's Rust, core's, and the native shells' Kotlin (which ask for messages by id).
        for dir in [
            "../web/src",
            "src",
            "../mobile/android/app/src/main/kotlin/cn/tongban/app",
            "../mobile/android/viewmodels/src/main/kotlin/tongban/viewmodels",
        ] {
            let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
            while let Some(dir) = dirs.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        dirs.push(path);
                        continue;
                    }
                    let code = path.extension().is_some_and(|e| e == "rs" || e == "kt");
                    if code && !path.ends_with("i18n.rs") {
                        sources.push_str(&std::fs::read_to_string(path).unwrap());
                    }
                }
            }
        }
        // Messages picked by a code at run time: errors and activity lines.
        for code in crate::api::ERROR_CODES {
            sources.push_str(&format!("\"error-{code}\""));
        }
        for action in crate::audit::AuditAction::SHOWN_TO_PERSON {
            sources.push_str(&format!("\"activity-{action}\""));
        }
        for id in data_record_messages()
            .into_iter()
            .chain(credential_messages())
        {
            sources.push_str(&format!("\"{id}\""));
        }
        for reason in crate::case::REJECT_REASONS {
            sources.push_str(&format!(
                "\"{}\"",
                crate::case::reject_reason_message_id(reason)
            ));
        }
        let unused: Vec<String> = messages_of("zh-CN")
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| !sources.contains(&format!("\"{id}\"")))
            .collect();
        assert!(unused.is_empty(), "messages no code uses: {unused:?}");
    }

    /// (message id, sorted placeholder names) of one language's file.
    fn messages_of(lang: &str) -> Vec<(String, Vec<String>)> {
        let file = Localizations::get(&format!("{lang}/{DOMAIN}.ftl")).expect("locale file");
        let text = std::str::from_utf8(&file.data).unwrap().to_owned();
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines() {
            let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if starts_message {
                if let Some((id, _)) = line.split_once('=') {
                    out.push((id.trim().to_owned(), Vec::new()));
                }
            }
            if let Some(last) = out.last_mut() {
                let mut rest = line;
                while let Some(pos) = rest.find("{ $") {
                    let var: String = rest[pos + 3..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    if !last.1.contains(&var) {
                        last.1.push(var);
                    }
                    rest = &rest[pos + 3..];
                }
                last.1.sort();
            }
        }
        out
    }
}
