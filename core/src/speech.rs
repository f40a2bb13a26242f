//! What read-aloud says for a service guide, in the person's language: composed once here, so a
//! native shell's text-to-speech (behind its own `Speaker`) reads the same guide the page shows.
//! The web reads the page itself (what is on screen), which holds the same parts.

use std::collections::HashMap;

use i18n_embed::fluent::FluentLanguageLoader;

use crate::catalog::{MaterialForm, Matter, Requirement};

fn message(loader: &FluentLanguageLoader, id: &str, args: &[(&str, String)]) -> String {
    let args: HashMap<&str, String> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
    crate::i18n::plain(loader.get_args(id, args))
}

/// A message with one number (plurals need the number, not its text).
fn counted(loader: &FluentLanguageLoader, id: &str, name: &str, n: u32) -> String {
    crate::i18n::plain(loader.get_args(id, HashMap::from([(name, n)])))
}

/// The guide as paragraphs to speak: name, department, time, visits, fee, conditions, materials,
/// steps, and where to ask.
pub fn guide_speech(matter: &Matter, loader: &FluentLanguageLoader, language: &str) -> Vec<String> {
    let text = |t: &crate::LocalizedText| t.for_language(language).to_owned();
    let m = |id: &str| message(loader, id, &[]);
    let mut out = vec![
        text(&matter.name),
        text(&matter.department),
        format!(
            "{}: {}, {}",
            m("guide-time"),
            counted(loader, "matter-promised-days", "days", matter.promised_days),
            counted(loader, "guide-legal-days", "days", matter.legal_days)
        ),
        counted(loader, "matter-visits", "count", matter.visits_needed),
        format!(
            "{}: {}",
            m("guide-fee"),
            match (&matter.fee.free, &matter.fee.description) {
                (true, _) => m("guide-fee-free"),
                (false, Some(d)) => text(d),
                (false, None) => String::new(),
            }
        ),
    ];
    if !matter.conditions.is_empty() {
        out.push(m("guide-conditions"));
        out.extend(matter.conditions.iter().map(text));
    }
    if !matter.materials.is_empty() {
        out.push(m("guide-materials"));
        out.extend(
            matter
                .materials
                .iter()
                .map(|mt| material_line(mt, loader, language)),
        );
    }
    if !matter.steps.is_empty() {
        out.push(m("guide-steps"));
        out.extend(
            matter
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}: {}", i + 1, text(&s.name), text(&s.description))),
        );
    }
    out.push(message(
        loader,
        "guide-consultation",
        &[("phone", spaced_digits(&matter.consultation_phone))],
    ));
    out.retain(|p| !p.trim().is_empty());
    out
}

/// One material as a line: name, form, copies, whether it is needed, and whether an
/// e-certificate replaces it (for a native list and for read-aloud alike).
pub fn material_line(
    material: &crate::catalog::Material,
    loader: &FluentLanguageLoader,
    language: &str,
) -> String {
    let form = match material.form {
        MaterialForm::Original => "material-form-original",
        MaterialForm::Copy => "material-form-copy",
        MaterialForm::OriginalAndCopy => "material-form-original-and-copy",
        MaterialForm::Electronic => "material-form-electronic",
    };
    let requirement = match material.requirement {
        Requirement::Required => "material-required",
        Requirement::Optional => "material-optional",
        Requirement::MaySupplyLater => "material-later",
    };
    let mut line = format!(
        "{}, {}, {}, {}",
        material.name.for_language(language),
        message(loader, form, &[]),
        counted(loader, "material-count", "count", material.count),
        message(loader, requirement, &[])
    );
    if !material.replaced_by_certificates.is_empty() {
        line.push_str(&format!(
            ", {}",
            message(loader, "material-certificate", &[])
        ));
    }
    line
}

/// Digits apart, so a speech engine reads a phone number digit by digit, not as an amount.
fn spaced_digits(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_is_read_in_the_persons_language_with_its_parts_in_order() {
        let catalog =
            crate::catalog::parse_catalog(include_str!("../../catalog/catalog.json")).unwrap();
        let matter = catalog
            .matters
            .iter()
            .find(|m| !m.materials.is_empty() && !m.steps.is_empty() && !m.conditions.is_empty())
            .unwrap();
        let zh = crate::i18n::loader_for_tag("zh-CN");
        let spoken = guide_speech(matter, &zh, "zh-CN");
        assert_eq!(spoken[0], matter.name.zh);
        let at = |heading: &str| spoken.iter().position(|p| p == heading).unwrap();
        assert!(at("受理条件") < at("申请材料") && at("申请材料") < at("办理流程"));
        assert!(spoken
            .iter()
            .any(|p| p.starts_with(&matter.materials[0].name.zh)));
        assert!(spoken.iter().all(|p| !p.contains('\u{2068}')));
        let phone = spoken.last().unwrap();
        assert!(phone.starts_with("咨询电话"), "{phone}");
        assert!(
            phone.contains(" 1") || phone.contains(" 0"),
            "digits apart: {phone}"
        );

        let en = crate::i18n::loader_for_tag("en");
        let spoken = guide_speech(matter, &en, "en");
        assert_eq!(spoken[0], matter.name.en.clone().unwrap_or_default());
        assert!(spoken.iter().any(|p| p == "What you need"));
        // Plurals chosen by the number: "1 copy", never "1 copies".
        assert!(
            spoken.iter().all(|p| !p.contains(" 1 copies")),
            "{spoken:?}"
        );
    }
}
