//! Checking answers against their form — the same code on the phone (instant feedback) and on
//! the server (the authority) — and checking a form itself. Errors are data (`FieldError`: path,
//! code, params); their words are the Fluent messages `error-<code>`.

use crate::api::FieldError;
use crate::identity::{check_credit_code, check_mobile, check_resident_id, normalize_number};

use super::schema::*;

fn field_error(path: &str, code: &str, params: &[(&str, String)]) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<std::collections::HashMap<_, _>>(),
    }
}

impl FormSchema {
    /// Every problem with these answers; empty when the application can be submitted.
    /// `today` (year, month, day) bounds dates and birth dates.
    pub fn validate(&self, answers: &Answers, today: (u16, u8, u8)) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for group in &self.groups {
            if let Some(repeat) = group.repeat {
                let n = self.instances(group, answers);
                if n > repeat.max {
                    errors.push(field_error(
                        &group.id,
                        "group-too-many",
                        &[("max", repeat.max.to_string())],
                    ));
                }
            }
        }
        for q in self.questions(answers) {
            let answer = answers.get(&q.path).filter(|a| !a.is_empty());
            match answer {
                None if q.field.required => {
                    errors.push(field_error(&q.path, "field-required", &[]))
                }
                None => {}
                Some(answer) => {
                    if let Some(e) = check_answer(&q.path, &q.field.kind, answer, today) {
                        errors.push(e);
                    }
                }
            }
        }
        errors
    }

    /// Problems with the schema itself (catalog checks): duplicate ids, conditions pointing at
    /// nothing, choices without options.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut groups = std::collections::BTreeSet::new();
        for group in &self.groups {
            if !groups.insert(&group.id) {
                out.push(format!("group {} appears twice", group.id));
            }
            if group.id.contains('.') || group.fields.is_empty() {
                out.push(format!(
                    "group {} needs an id without '.' and fields",
                    group.id
                ));
            }
            let mut fields = std::collections::BTreeSet::new();
            for f in &group.fields {
                if !fields.insert(&f.id) || f.id.contains('.') {
                    out.push(format!(
                        "field {}.{} is repeated or has a '.'",
                        group.id, f.id
                    ));
                }
                if let FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options } =
                    &f.kind
                {
                    if options.is_empty() {
                        out.push(format!("field {}.{} has no options", group.id, f.id));
                    }
                }
            }
            for (owner, condition) in group
                .fields
                .iter()
                .filter_map(|f| Some((f.id.as_str(), f.show_when.as_ref()?)))
                .chain(group.show_when.as_ref().map(|c| (group.id.as_str(), c)))
            {
                let target_exists = match condition.field.split_once('.') {
                    Some((g, f)) => self
                        .groups
                        .iter()
                        .any(|x| x.id == g && x.fields.iter().any(|y| y.id == f)),
                    None => group.fields.iter().any(|y| y.id == condition.field),
                };
                if !target_exists {
                    out.push(format!(
                        "{owner} shows when {} — no such field",
                        condition.field
                    ));
                }
            }
        }
        out
    }
}

fn parse_date(text: &str) -> Option<(u16, u8, u8)> {
    let mut parts = text.split('-');
    let y: u16 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (d <= days[usize::from(m - 1)]).then_some((y, m, d))
}

fn check_answer(
    path: &str,
    kind: &FieldKind,
    answer: &Answer,
    today: (u16, u8, u8),
) -> Option<FieldError> {
    let wrong_type = || Some(field_error(path, "field-invalid", &[]));
    match kind {
        FieldKind::Text { max_length } => {
            let text = answer.text()?;
            (text.chars().count() > *max_length as usize)
                .then(|| field_error(path, "field-too-long", &[("max", max_length.to_string())]))
        }
        FieldKind::Address => {
            let text = answer.text()?;
            if text.chars().count() < 5 {
                Some(field_error(path, "field-address-short", &[]))
            } else if text.chars().count() > 200 {
                Some(field_error(
                    path,
                    "field-too-long",
                    &[("max", "200".into())],
                ))
            } else {
                None
            }
        }
        FieldKind::Number { min, max, integer } => {
            let Some(text) = answer.text() else {
                return wrong_type();
            };
            let Ok(n) = normalize_number(text).parse::<f64>() else {
                return Some(field_error(path, "field-number", &[]));
            };
            if !n.is_finite() || (*integer && n.fract() != 0.0) {
                return Some(field_error(path, "field-number", &[]));
            }
            if let Some(min) = min.filter(|m| n < *m) {
                return Some(field_error(
                    path,
                    "field-too-small",
                    &[("min", min.to_string())],
                ));
            }
            max.filter(|m| n > *m)
                .map(|max| field_error(path, "field-too-large", &[("max", max.to_string())]))
        }
        FieldKind::Date {
            past_only,
            future_only,
        } => {
            let Some(date) = answer.text().and_then(parse_date) else {
                return Some(field_error(path, "field-date", &[]));
            };
            if *past_only && date > today {
                Some(field_error(path, "field-date-future", &[]))
            } else if *future_only && date < today {
                Some(field_error(path, "field-date-past", &[]))
            } else {
                None
            }
        }
        FieldKind::SingleChoice { options } => {
            let Some(text) = answer.text() else {
                return wrong_type();
            };
            (!options.iter().any(|o| o.value == text))
                .then(|| field_error(path, "field-choice", &[]))
        }
        FieldKind::MultipleChoice { options } => {
            let Answer::Choices(chosen) = answer else {
                return wrong_type();
            };
            chosen
                .iter()
                .any(|c| !options.iter().any(|o| o.value == *c))
                .then(|| field_error(path, "field-choice", &[]))
        }
        FieldKind::ResidentId => check_resident_id(answer.text()?, today)
            .err()
            .map(|e| field_error(path, &format!("id-{}", e.code()), &[])),
        FieldKind::CreditCode => check_credit_code(answer.text()?)
            .err()
            .map(|e| field_error(path, &format!("credit-code-{}", e.code()), &[])),
        FieldKind::Mobile => check_mobile(answer.text()?)
            .err()
            .map(|e| field_error(path, &format!("phone-{}", e.code()), &[])),
        FieldKind::Region => {
            let text = answer.text()?;
            let ok = text.len() == 6
                && text.bytes().all(|b| b.is_ascii_digit())
                && text.as_bytes()[0] != b'0';
            (!ok).then(|| field_error(path, "field-region", &[]))
        }
        FieldKind::Material {
            later_allowed,
            certificates,
        } => match answer {
            Answer::Material(MaterialAnswer::Uploaded { .. }) => None,
            Answer::Material(MaterialAnswer::SupplyLater) if *later_allowed => None,
            Answer::Material(MaterialAnswer::FromCertificate {
                certificate,
                presentation,
                ..
            }) if certificates.contains(certificate) => presentation
                .is_none()
                .then(|| field_error(path, "material-certificate-invalid", &[])),
            _ => Some(field_error(path, "material-not-accepted", &[])),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::standard::{applicant_group, field, message};
    use super::*;
    use crate::model::{Audience, LocalizedText};

    const TODAY: (u16, u8, u8) = (2026, 11, 28);

    fn text(s: &str) -> Answer {
        Answer::Text(s.into())
    }

    fn schema() -> FormSchema {
        let yes_no = vec![
            Choice {
                value: "yes".into(),
                label: Label::Text(LocalizedText::new("是", "Yes")),
            },
            Choice {
                value: "no".into(),
                label: Label::Text(LocalizedText::new("否", "No")),
            },
        ];
        FormSchema {
            id: "test".into(),
            groups: vec![
                applicant_group(Audience::Person),
                FieldGroup {
                    id: "family".into(),
                    title: message("form-group-details"),
                    fields: vec![
                        field(
                            "married",
                            "form-request",
                            FieldKind::SingleChoice { options: yes_no },
                            true,
                        ),
                        Field {
                            show_when: Some(Condition {
                                field: "married".into(),
                                equals: "yes".into(),
                            }),
                            ..field("spouse_id", "form-id-number", FieldKind::ResidentId, true)
                        },
                        field(
                            "moved_in",
                            "form-request",
                            FieldKind::Date {
                                past_only: true,
                                future_only: false,
                            },
                            false,
                        ),
                        field(
                            "rooms",
                            "form-request",
                            FieldKind::Number {
                                min: Some(1.0),
                                max: Some(20.0),
                                integer: true,
                            },
                            false,
                        ),
                    ],
                    repeat: None,
                    show_when: None,
                },
                FieldGroup {
                    id: "children".into(),
                    title: message("form-group-details"),
                    fields: vec![field(
                        "name",
                        "form-name",
                        FieldKind::Text { max_length: 4 },
                        true,
                    )],
                    repeat: Some(Repeat { min: 1, max: 2 }),
                    show_when: Some(Condition {
                        field: "family.married".into(),
                        equals: "yes".into(),
                    }),
                },
            ],
        }
    }

    fn complete() -> Answers {
        [
            ("applicant.name", text("张三")),
            ("applicant.id_number", text("11010519491231002X")),
            ("applicant.phone", text("13800138000")),
            ("applicant.address", text("杭州市西湖区文三路 1 号")),
            ("family.married", text("no")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn codes(errors: &[FieldError]) -> Vec<(String, String)> {
        errors
            .iter()
            .map(|e| (e.path.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn a_complete_form_has_no_errors_and_a_blank_one_names_every_required_field() {
        let s = schema();
        assert_eq!(s.validate(&complete(), TODAY), vec![]);
        let blank = codes(&s.validate(&Answers::new(), TODAY));
        assert!(blank.contains(&("applicant.name".into(), "field-required".into())));
        assert!(blank.contains(&("family.married".into(), "field-required".into())));
        // Hidden until married = yes: not asked, not required.
        assert!(!blank
            .iter()
            .any(|(p, _)| p.starts_with("family.spouse") || p.starts_with("children")));
    }

    #[test]
    fn conditions_show_fields_and_groups_and_hidden_answers_are_not_submitted() {
        let s = schema();
        let mut a = complete();
        a.insert("family.spouse_id".into(), text("not checked while hidden"));
        assert_eq!(s.validate(&a, TODAY), vec![]);
        assert!(!s.submitted_answers(&a).contains_key("family.spouse_id"));
        a.insert("family.married".into(), text("yes"));
        let errors = codes(&s.validate(&a, TODAY));
        assert!(
            errors.contains(&("family.spouse_id".into(), "id-length".into())),
            "{errors:?}"
        );
        assert!(
            errors.contains(&("children.0.name".into(), "field-required".into())),
            "{errors:?}"
        );
    }

    #[test]
    fn repeatable_groups_count_their_instances_and_keep_to_the_maximum() {
        let s = schema();
        let mut a = complete();
        a.insert("family.married".into(), text("yes"));
        a.insert("family.spouse_id".into(), text("11010519491231002X"));
        a.insert("children.0.name".into(), text("小明"));
        a.insert("children.1.name".into(), text("小红"));
        assert_eq!(s.validate(&a, TODAY), vec![]);
        assert_eq!(s.instances(&s.groups[2], &a), 2);
        a.insert("children.2.name".into(), text("小刚"));
        assert_eq!(
            codes(&s.validate(&a, TODAY)),
            vec![("children".into(), "group-too-many".into())]
        );
        a.insert("children.1.name".into(), text("太长的名字了"));
        let errors = s.validate(&a, TODAY);
        let long = errors.iter().find(|e| e.path == "children.1.name").unwrap();
        assert_eq!(
            (long.code.as_str(), long.params["max"].as_str()),
            ("field-too-long", "4")
        );
    }

    #[test]
    fn every_kind_checks_its_values() {
        let s = schema();
        let cases = [
            (
                "applicant.id_number",
                text("110105194912310021"),
                "id-checksum",
            ),
            ("applicant.phone", text("23800138000"), "phone-region"),
            ("applicant.address", text("杭州"), "field-address-short"),
            ("family.married", text("maybe"), "field-choice"),
            ("family.moved_in", text("2026-02-30"), "field-date"),
            ("family.moved_in", text("2027-01-01"), "field-date-future"),
            ("family.rooms", text("2.5"), "field-number"),
            ("family.rooms", text("0"), "field-too-small"),
            ("family.rooms", text("21"), "field-too-large"),
        ];
        for (path, value, code) in cases {
            let mut a = complete();
            a.insert(path.into(), value.clone());
            assert_eq!(
                codes(&s.validate(&a, TODAY)),
                vec![(path.to_owned(), code.to_owned())],
                "{path} = {value:?}"
            );
        }
        let mut a = complete();
        a.insert("family.rooms".into(), text("３"));
        a.insert("family.moved_in".into(), text("2024-02-29"));
        assert_eq!(
            s.validate(&a, TODAY),
            vec![],
            "full-width digits and a leap day are fine"
        );
    }

    #[test]
    fn materials_accept_an_upload_a_promise_only_when_allowed_and_only_their_certificates() {
        let kind = FieldKind::Material {
            later_allowed: false,
            certificates: vec!["resident-id-card".into()],
        };
        let upload = Answer::Material(MaterialAnswer::Uploaded {
            object_id: "o".into(),
            file_name: "a.jpg".into(),
            size: 1,
        });
        assert_eq!(check_answer("m", &kind, &upload, TODAY), None);
        let later = Answer::Material(MaterialAnswer::SupplyLater);
        assert_eq!(
            check_answer("m", &kind, &later, TODAY).unwrap().code,
            "material-not-accepted"
        );
        let cert = |c: &str| {
            Answer::Material(MaterialAnswer::FromCertificate {
                certificate: c.into(),
                presentation: Some("eyJ…~".into()),
                verified: None,
            })
        };
        assert_eq!(
            check_answer("m", &kind, &cert("resident-id-card"), TODAY),
            None
        );
        assert!(check_answer("m", &kind, &cert("driving-licence"), TODAY).is_some());
        // Named but not presented from the wallet: nothing stands behind it.
        let unpresented = Answer::Material(MaterialAnswer::FromCertificate {
            certificate: "resident-id-card".into(),
            presentation: None,
            verified: None,
        });
        assert_eq!(
            check_answer("m", &kind, &unpresented, TODAY).unwrap().code,
            "material-certificate-invalid"
        );
        let later_ok = FieldKind::Material {
            later_allowed: true,
            certificates: vec![],
        };
        assert_eq!(check_answer("m", &later_ok, &later, TODAY), None);
    }

    #[test]
    fn the_test_schema_is_well_formed_and_a_broken_one_is_caught() {
        assert_eq!(schema().problems(), Vec::<String>::new());
        let mut broken = schema();
        broken.groups[1].fields[1].show_when = Some(Condition {
            field: "nothing".into(),
            equals: "x".into(),
        });
        broken.groups.push(broken.groups[0].clone());
        assert_eq!(broken.problems().len(), 2, "{:?}", broken.problems());
    }
}
