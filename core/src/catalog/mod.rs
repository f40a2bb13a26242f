//! The service catalog: matters with their full service guides (办事指南), bundles (一件事) and the
//! life-event taxonomy, as a province publishes them. A catalog file is versioned data that a
//! province can replace; `validate` reports every problem with its location.
//!
//! `model` holds the catalog's types, `index` what clients download to work offline, `validate`
//! the checks of a file, `forms` the application forms built from matters and bundles.

mod forms;
mod halls;
mod index;
mod model;
mod validate;

pub use forms::{FormRef, ResolvedForm, FILING_OFFICE};
pub use index::*;
pub use model::*;
pub use validate::*;
