//! Core compiled to wasm32 and run in headless Chromium: the embedded messages load, the types
//! decode, and the reqwest client reports a network failure through the browser's fetch.
#![cfg(target_arch = "wasm32")]

use tongban_core::{i18n, ApiClient, ApiError, LocalizedText, MatterSummary};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn messages_load_in_the_browser() {
    let zh = i18n::loader_for(&i18n::parse_languages(&["zh-CN"]));
    assert_eq!(zh.get("app-name"), "通办");
    let en = i18n::loader_for(&i18n::parse_languages(&["en-US"]));
    assert_eq!(en.get("app-name"), "Tongban");
    assert_eq!(i18n::current_language_tag(&en), "en");
}

#[wasm_bindgen_test]
fn api_types_decode_in_the_browser() {
    let json = r#"{"code":"X1","name":{"zh":"结婚登记","en":"Marriage registration"},
        "department":{"zh":"民政局"},"region_code":"310000","matter_type":"administrative_confirmation",
        "audience":"person","fully_online":false,"visits_needed":1,"promised_days":0}"#;
    let m: MatterSummary = serde_json::from_str(json).unwrap();
    assert_eq!(m.name.for_language("en"), "Marriage registration");
    assert_eq!(m.department.for_language("en"), "民政局");
    assert_eq!(LocalizedText::new("a", "b").for_language("zh"), "a");
}

#[wasm_bindgen_test]
async fn an_unreachable_api_is_a_network_error_in_the_browser() {
    // Port 9 (discard) has nothing listening here; fetch fails and the client says so.
    let err = ApiClient::new("http://127.0.0.1:9")
        .list_matters()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
}

#[wasm_bindgen_test]
fn identity_numbers_are_checked_and_masked_in_the_browser() {
    use tongban_core::identity::{check_resident_id, mask_id_number, IdError};
    let id = check_resident_id("11010519491231002x", (2026, 11, 28)).unwrap();
    assert_eq!(mask_id_number(&id.number), "110***********002X");
    assert_eq!(
        check_resident_id("110105194912310021", (2026, 11, 28)),
        Err(IdError::Checksum)
    );
}

#[path = "common/benefit_boundaries.rs"]
mod boundaries;

#[wasm_bindgen_test]
fn benefit_rules_are_decided_the_same_in_the_browser() {
    boundaries::demo_rules_hold_on_both_sides_of_each_boundary();
}

#[path = "common/credential_cases.rs"]
mod credentials;

#[wasm_bindgen_test]
async fn certificates_are_shown_and_verified_in_the_browser() {
    credentials::a_presentation_verifies_and_shows_only_what_was_chosen().await;
    credentials::each_wrong_presentation_gets_its_verdict().await;
    credentials::a_shown_qr_is_checked_against_the_cached_bundle().await;
    credentials::a_presentation_for_an_application_serves_that_draft_only().await;
}
