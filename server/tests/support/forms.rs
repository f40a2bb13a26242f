//! Filling a form the way a careful person would: a valid answer for every question asked.

use tongban_core::form::{Answer, Answers, FieldKind, FormSchema, MaterialAnswer};

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
    let base = format!("33010619800101{:03}", n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = base
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{base}{check}")
}
