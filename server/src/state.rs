//! What every request handler shares: the store, the catalog cache, authentication's
//! configuration and services, the object store and the registry of host super-apps. One `Arc`:
//! axum clones the state for every extractor and layer of every request, so a clone is one count
//! (field-by-field clones of these Arcs, Strings and Vecs were ~5 % of a search's CPU). The server
//! keeps nothing else between requests.

use std::sync::Arc;

use tongban_core::calendar::WorkCalendar;
use tongban_core::visit::BookingRules;

use crate::auth::Auth;
use crate::catalog::CatalogCache;
use crate::hosts::Hosts;
use crate::objects::ObjectStore;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    pub store: Store,
    pub catalog: CatalogCache,
    pub auth: Auth,
    /// Take the client's address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub objects: Arc<dyn ObjectStore>,
    pub hosts: Hosts,
    /// Working days, for promised dates and hall hours.
    pub calendar: Arc<WorkCalendar>,
    /// The calendar as its file says it (served to the apps).
    pub calendar_file: Arc<tongban_core::calendar::CalendarFile>,
    /// The region's booking limits.
    pub booking: BookingRules,
    /// The region's deadlines for following up a bad rating (整改).
    pub rectification: tongban_core::evaluation::RectificationRules,
    /// Working days a department has to answer a question (在线咨询).
    pub consultation_answer_days: u32,
    /// The reviewed map provider, if one is configured.
    pub map: Option<tongban_core::visit::tiles::MapProvider>,
    /// The departments' certificate-signing keys.
    pub issuers: crate::issuers::Issuers,
    /// Where the service is reached from outside (no trailing slash).
    pub public_url: String,
}
