//! The form a draft or an application fills, resolved with core's `FormRef` from the catalog the
//! server holds: bundles from the cached index, the matters' guides from the store; each form
//! is resolved once per catalog version (`LoadedCatalog::resolved_form`).

use std::sync::Arc;

use tongban_core::catalog::{FormRef, Matter, ResolvedForm};

use crate::catalog::FormWithMatters;

use crate::error::AppError;
use crate::state::AppState;

pub async fn resolve(state: &AppState, form_id: &str) -> Result<ResolvedForm, AppError> {
    Ok(resolve_with_matters(state, form_id).await?.0.clone())
}

/// `resolve`, with the matters the form was built from (as kept: nothing is copied).
pub async fn resolve_with_matters(
    state: &AppState,
    form_id: &str,
) -> Result<Arc<FormWithMatters>, AppError> {
    let catalog = state.catalog.current(&state.store).await?;
    if let Some(kept) = catalog.resolved_form(form_id) {
        return Ok(kept);
    }
    let form = FormRef::parse(form_id);
    let codes = form
        .matter_codes(&catalog.index.bundles)
        .ok_or(AppError::NotFound)?;
    let mut matters: Vec<Matter> = Vec::with_capacity(codes.len());
    for code in &codes {
        matters.push(state.store.matter(code).await?.ok_or(AppError::NotFound)?);
    }
    let resolved = form
        .resolve(&catalog.index.bundles, &matters)
        .ok_or(AppError::NotFound)?;
    let kept = Arc::new((resolved, matters));
    catalog.keep_form(form_id, kept.clone());
    Ok(kept)
}
