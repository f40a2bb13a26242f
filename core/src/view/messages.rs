//! A message of the message centre as the person reads it, in their language.

use std::collections::HashMap;

use super::Words;
use crate::application::ApplicationStatus;
use crate::message::Message;

/// The message's sentence: its kind's Fluent message with the receipt, the department (in the
/// person's language where the message carries it), the status and the date filled in.
pub fn message_text(message: &Message, words: &Words) -> String {
    let param = |key: &str| message.params.get(key).cloned().unwrap_or_default();
    let local = |key: &str| {
        if words.language.starts_with("zh") {
            return param(key);
        }
        message
            .params
            .get(&format!("{key}_en"))
            .cloned()
            .unwrap_or_else(|| param(key))
    };
    let status = ApplicationStatus::from_code(&param("status"))
        .map(|s| words.message(s.message_id()))
        .unwrap_or_default();
    let mut args: HashMap<&str, String> = HashMap::new();
    args.insert("receipt", param("receipt"));
    args.insert("department", local("department"));
    args.insert("hall", local("hall"));
    args.insert("time", param("time"));
    args.insert("code", param("code"));
    args.insert("party", param("party"));
    args.insert("matter", local("matter"));
    args.insert("status", status);
    args.insert("date", param("date"));
    args.insert("count", param("count"));
    let certificate = message
        .params
        .get("credential")
        .map(|code| words.message(&format!("credential-{code}")))
        .unwrap_or_default();
    args.insert("certificate", certificate);
    let certificate_status = message
        .params
        .get("credential_status")
        .map(|code| words.message(&format!("credential-status-{code}")))
        .unwrap_or_default();
    args.insert("state", certificate_status);
    let text = crate::i18n::plain(words.loader.get_args(message.kind.message_id(), args));
    // Done in the person's name by someone they gave a mandate to (亲友代办).
    match message.params.get("agent") {
        Some(agent) => format!(
            "{text}{}",
            crate::i18n::plain(words.message_with("message-by-agent", "agent", agent.clone()))
        ),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::MessageKind;

    #[test]
    fn a_message_reads_in_the_persons_language() {
        let message = Message {
            id: "m1".into(),
            kind: MessageKind::StatusChanged,
            application_id: Some("a1".into()),
            params: [
                ("receipt", "TB2026120100000001"),
                ("department", "杭州市民政局"),
                ("department_en", "Hangzhou Civil Affairs Bureau"),
                ("status", "accepted"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            at: 0,
            read: false,
        };
        let zh = crate::i18n::loader_for_tag("zh-CN");
        let text = message_text(&message, &Words::new(&zh, "zh-CN"));
        assert!(
            text.contains("杭州市民政局") && text.contains("已受理"),
            "{text}"
        );
        let en = crate::i18n::loader_for_tag("en");
        let text = message_text(&message, &Words::new(&en, "en"));
        assert!(
            text.contains("Hangzhou Civil Affairs Bureau") && text.contains("Accepted"),
            "{text}"
        );
    }
}
