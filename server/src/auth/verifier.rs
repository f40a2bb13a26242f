//! Checking a person's identity (name + resident ID number) with the authority that knows it —
//! in production the population register's verification service, behind this trait.
//!
//! No method here needs a face: face recognition is never the only way to verify.

use std::future::Future;
use std::pin::Pin;

use tongban_core::identity::ResidentId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The name and the number belong together.
    Match,
    /// They do not (or the number is not registered).
    Mismatch,
}

pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Result<Verdict, String>> + Send + 'a>>;

pub trait IdentityVerifier: Send + Sync + 'static {
    fn verify<'a>(&'a self, name: &'a str, id: &'a ResidentId) -> VerifyFuture<'a>;
}

/// Development: any well-formed name with a valid number matches, except the name `不符`
/// ("mismatch"), which always fails — so the refusal path can be tried by hand.
pub struct DevVerifier;

pub const DEV_MISMATCH_NAME: &str = "不符";

impl IdentityVerifier for DevVerifier {
    fn verify<'a>(&'a self, name: &'a str, _id: &'a ResidentId) -> VerifyFuture<'a> {
        Box::pin(async move {
            Ok(if name == DEV_MISMATCH_NAME {
                Verdict::Mismatch
            } else {
                Verdict::Match
            })
        })
    }
}
