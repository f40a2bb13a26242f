//! Times as the person's language writes them (the browser's Intl, so no tables ship in wasm).

use wasm_bindgen::JsValue;

use crate::i18n::language;

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object.into()
}

fn date(unix_seconds: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0))
}

/// A clock time: `15:42` (zh-CN), `3:42 PM` (en).
pub fn clock_time(unix_seconds: i64) -> String {
    date(unix_seconds)
        .to_locale_time_string_with_options(
            &language(),
            &options(&[("hour", "numeric"), ("minute", "2-digit")]),
        )
        .into()
}

/// A date with its time: `2026年11月28日 15:42`.
pub fn date_time(unix_seconds: i64) -> String {
    date(unix_seconds)
        .to_locale_string(
            &language(),
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .into()
}
