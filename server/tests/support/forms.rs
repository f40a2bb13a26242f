//! Filling a form the way a careful person would: a valid answer for every question asked.

use tongban_core::draft::{Change, ChangeKind, ChangeReply};
use tongban_core::form::{Answer, Answers, FieldKind, FormSchema, MaterialAnswer};
use tongban_core::ApiClient;

pub const PHONE_A: &str = "13800138000";
pub const ID_A: &str = "11010519491231002X";

/// A valid answer for every question the form asks, revealing conditional questions as it goes.
pub fn fill(schema: &FormSchema, object_id: &str) -> Answers {
    let mut answers = Answers::new();
    for _ in 0..4 {
        for q in schema.questions(&answers) {
            if answers.contains_key(&q.path) {
                continue;
            }
            let text = |s: &str| Answer::Text(s.to_owned());
            let value = match &q.field.kind {
                FieldKind::Text { .. } => text("测试"),
                FieldKind::Number { min, .. } => text(&min.unwrap_or(1.0).max(1.0).to_string()),
                FieldKind::Date { future_only, .. } => text(if *future_only {
                    "2099-01-01"
                } else {
                    "2020-01-01"
                }),
                FieldKind::SingleChoice { options } => text(&options[0].value),
                FieldKind::MultipleChoice { options } => {
                    Answer::Choices(vec![options[0].value.clone()])
                }
                FieldKind::ResidentId => text(ID_A),
                FieldKind::CreditCode => text("91350100M000100Y43"),
                FieldKind::Mobile => text(PHONE_A),
                FieldKind::Region => text("330106"),
                FieldKind::Address => text("杭州市西湖区文三路 1 号"),
                FieldKind::Material { .. } => Answer::Material(MaterialAnswer::Uploaded {
                    object_id: object_id.into(),
                    file_name: "scan.jpg".into(),
                    size: 1000,
                }),
            };
            answers.insert(q.path.clone(), value);
        }
    }
    answers
}

/// A real 8×8 JPEG: the server keeps only pictures it can read.
pub const JPEG: &[u8] = include_bytes!("photo.jpg");

/// A valid resident ID number for person `n` (GB 11643 check character).
pub fn id_number(n: usize) -> String {
    id_number_born("19800101", n)
}

/// A valid ID number of someone born on `born` (`YYYYMMDD`).
pub fn id_number_born(born: &str, n: usize) -> String {
    id_number_in("330106", born, n)
}

/// A valid ID number first issued in `region` (GB/T 2260) to someone born on `born`.
pub fn id_number_in(region: &str, born: &str, n: usize) -> String {
    let base = format!("{region}{born}{:03}", n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = base
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{base}{check}")
}

/// Fills a form the way a careful person would (with `overrides`), and submits it. Returns the
/// application's id and receipt.
pub async fn submit(
    person: &ApiClient,
    form_id: &str,
    overrides: &[(&str, &str)],
) -> (String, String) {
    let (draft, base) = prepare(person, form_id, overrides).await;
    match submit_draft(person, &draft, base).await {
        ChangeReply::Submitted {
            application_id,
            receipt,
            ..
        } => (application_id, receipt),
        other => panic!("not submitted: {other:?}"),
    }
}

/// A draft of `form_id` with every question answered (and `overrides`): its id and version.
pub async fn prepare(
    person: &ApiClient,
    form_id: &str,
    overrides: &[(&str, &str)],
) -> (String, u64) {
    let form = tongban_core::catalog::FormRef::parse(form_id);
    let index = person.catalog_index().await.unwrap();
    let mut matters = Vec::new();
    for code in form.matter_codes(&index.bundles).unwrap() {
        matters.push(person.matter_guide(&code).await.unwrap());
    }
    let schema: FormSchema = form.resolve(&index.bundles, &matters).unwrap().schema;
    let upload = person.upload_material(JPEG.to_vec()).await.unwrap();
    let mut answers = fill(&schema, &upload.object_id);
    for (path, value) in overrides {
        answers.insert((*path).to_owned(), Answer::Text((*value).to_owned()));
    }
    let draft = format!("d-{}", tongban_server::auth::new_id());
    let change = |op: String, base, kind| Change {
        op_id: op,
        draft_id: draft.clone(),
        device_id: "phone".into(),
        base_version: base,
        kind,
    };
    let created = person
        .send_change(&change(
            format!("{draft}-c"),
            0,
            ChangeKind::Create {
                form_id: form_id.into(),
            },
        ))
        .await
        .unwrap();
    let ChangeReply::Applied { snapshot } = created else {
        panic!("{created:?}")
    };
    let mut base = snapshot.version;
    for (i, (path, value)) in answers.into_iter().enumerate() {
        if let ChangeReply::Applied { snapshot } = person
            .send_change(&change(
                format!("{draft}-{i}"),
                base,
                ChangeKind::Set {
                    path,
                    value: Some(value),
                },
            ))
            .await
            .unwrap()
        {
            base = snapshot.version;
        }
    }
    (draft, base)
}

/// Presses submit on draft `draft` at version `base`.
pub async fn submit_draft(person: &ApiClient, draft: &str, base: u64) -> ChangeReply {
    person
        .send_change(&Change {
            op_id: format!("{draft}-s"),
            draft_id: draft.to_owned(),
            device_id: "phone".into(),
            base_version: base,
            kind: ChangeKind::Submit {
                idempotency_key: tongban_core::draft::submission_key(draft),
            },
        })
        .await
        .unwrap()
}
