//! What an application asks (`FormSchema`), the answers (`Answers`) and their validation — the
//! same code on the phone (instant feedback) and on the server (the authority).
//!
//! `schema` holds the model, `validate` the checks of answers and of a form itself. The forms of
//! the catalog's matters and bundles are built in `crate::catalog::forms`.

mod schema;
pub(crate) mod standard;
mod validate;

pub use schema::*;
