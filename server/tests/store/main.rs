//! The store's contract, run against SQLite and a throwaway PostgreSQL cluster alike (as core's
//! draft-store contract runs against every device store): whatever the backend, each method does
//! what its name says, writes are all-or-nothing, and races are reported, not lost.

#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod audit;
mod catalog;
mod drafts;
mod materials;
mod queue;

use std::future::Future;

use support::postgres::TempPostgres;
use tongban_core::application::ApplicationStatus;
use tongban_core::audit::{Actor, AuditAction};
use tongban_core::auth::RealNameLevel;
use tongban_core::case::Holder;
use tongban_core::case::StaffRole;
use tongban_core::catalog::{parse_catalog, CatalogIndex};
use tongban_core::draft::{Change, ChangeKind, ChangeReply, ServerDraft};
use tongban_core::form::{Answer, Answers};
use tongban_core::ids::AccountId;
use tongban_server::auth::Role;
use tongban_server::store::{
    About, Backend, Break, CaseRow, DraftWrite, Event, Moved, NewApplication, NewMaterial,
    NewSession, NewStaff, Outcome, QueueQuery, StatusMove, Store, Written,
};
use tongban_server::vault::{Algorithm, Vault};

async fn open(url: String) -> Store {
    let store = Store::connect(&url, vault()).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// Every case, each on a fresh, empty store from `make`.
async fn contract<F: Future<Output = Store>>(make: impl Fn() -> F) {
    catalog::catalog(make().await).await;
    accounts::identity(make().await).await;
    accounts::sessions(make().await).await;
    accounts::staff(make().await).await;
    audit::audit(make().await).await;
    drafts::drafts_and_applications(make().await).await;
    materials::materials(make().await).await;
    queue::queue(make().await).await;
}

#[tokio::test]
async fn the_store_keeps_its_contract_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let n = std::sync::atomic::AtomicU32::new(0);
    contract(|| {
        let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        open(format!(
            "sqlite://{}",
            dir.path().join(format!("s{i}.db")).display()
        ))
    })
    .await;
}

#[tokio::test]
async fn the_store_keeps_its_contract_on_postgres() {
    let pg = TempPostgres::start();
    contract(|| open(pg.new_database())).await;
    // Two servers on one database append to one chain.
    let url = pg.new_database();
    let (a, b) = (open(url.clone()).await, open(url).await);
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        appends.spawn(async move { audit::append(&store, i, "shared").await });
    }
    appends.join_all().await;
    let report = a.verify_audit_chain().await.unwrap();
    assert_eq!((report.chained, report.broken), (40, None));
}

fn vault() -> Vault {
    Vault::generate(Algorithm::Aes256Gcm)
}
