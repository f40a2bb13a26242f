//! Tongban's core: everything that must behave the same on every platform.
//!
//! It holds no UI and no platform code. The web shell compiles it to wasm32, the mobile crate wraps
//! it with uniffi, and the server uses it as a plain Rust library, so one definition of each API type
//! and one set of messages serve every shell.

pub mod api;
pub mod application;
pub mod audit;
pub mod auth;
pub mod benefit;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod client;
pub mod consultation;
pub mod credential;
pub mod data_record;
pub mod draft;
pub mod draft_journal;
pub mod draft_store;
pub mod draft_sync;
pub mod evaluation;
pub mod form;
pub mod handover;
pub mod host;
pub mod i18n;
pub mod identity;
pub mod ids;
pub mod mandate;
pub mod message;
pub mod model;
pub mod sealed;
pub mod search;
pub mod speech;
pub mod status;
#[doc(hidden)]
pub mod synthetic;
pub mod view;
pub mod visit;
pub mod whole;

pub use api::{ApiError, ErrorBody, FieldError, MatterList, API_PREFIX};
pub use client::ApiClient;
pub use model::{Audience, LocalizedText, MatterSummary, MatterType};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("tongban_core");
