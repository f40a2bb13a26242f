//! A document: uploaded with progress, promised for later (容缺) or an e-certificate (免提交).

use leptos::prelude::*;
use tongban_core::form::{Answer, MaterialAnswer, MaterialUploaded};
use tongban_core::ApiError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::account::error_text;
use crate::store::api;
use crate::t;

/// A document: upload (with progress), promise it for later (容缺) or use an e-certificate (免提交).
#[component]
pub(super) fn MaterialInput(
    id: String,
    label_text: String,
    hint: Option<String>,
    #[prop(into)] value: Signal<Option<Answer>>,
    later_allowed: bool,
    certificate: Option<String>,
    error: Memo<Option<String>>,
    commit: impl Fn(Option<Answer>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let progress = RwSignal::new(None::<u32>);
    let failed = RwSignal::new(None::<String>);
    let acting = StoredValue::new(crate::store::use_acting());
    let current = move || match value.get() {
        Some(Answer::Material(MaterialAnswer::Uploaded { file_name, .. })) => {
            Some(t!("material-uploaded", name = file_name))
        }
        Some(Answer::Material(MaterialAnswer::SupplyLater)) => Some(t!("material-later")),
        Some(Answer::Material(MaterialAnswer::FromCertificate { .. })) => {
            Some(t!("material-from-certificate"))
        }
        _ => None,
    };
    let error_id = format!("{id}-error");
    let described_by = error_id.clone();
    let upload = {
        let commit = commit.clone();
        move |ev: leptos::ev::Event| {
            let Some(file) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            failed.set(None);
            progress.set(Some(0));
            let commit = commit.clone();
            leptos::task::spawn_local(async move {
                let name = file.name();
                match upload_with_progress(&file, progress, acting.get_value().as_deref()).await {
                    Ok(done) => commit(Some(Answer::Material(MaterialAnswer::Uploaded {
                        object_id: done.object_id,
                        file_name: name,
                        size: done.size,
                    }))),
                    Err(message) => failed.set(Some(message)),
                }
                progress.set(None);
            });
        }
    };
    view! {
        <fieldset class="form-field material" id=id.clone() aria-describedby=described_by>
            <legend>{label_text}</legend>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field-error">{e}</p> })}
            {move || current().map(|c| view! { <p class="material-state"><span class="badge badge-ok">{c}</span></p> })}
            <label class="button button-secondary file-button">
                {t!("material-upload")}
                <input class="file-input" id=format!("{id}-file") type="file" accept="image/*,application/pdf" on:change=upload/>
            </label>
            {move || progress.get().map(|p| {
                let percent = u64::from(p);
                view! { <p role="status">{t!("material-uploading", percent = percent)}<progress max="100" value=p></progress></p> }
            })}
            {move || failed.get().map(|f| view! { <p class="field-error" role="alert">{f}</p> })}
            {later_allowed.then(|| {
                let commit = commit.clone();
                view! { <button type="button" class="button button-secondary" on:click=move |_| commit(Some(Answer::Material(MaterialAnswer::SupplyLater)))>{t!("material-later")}</button> }
            })}
            {certificate.map(|c| {
                let commit = commit.clone();
                view! { <button type="button" class="button button-secondary" on:click=move |_| commit(Some(Answer::Material(MaterialAnswer::FromCertificate { certificate: c.clone() })))>{t!("material-from-certificate")}</button> }
            })}
        </fieldset>
    }
}

/// Uploads a file with XMLHttpRequest (fetch cannot report upload progress).
async fn upload_with_progress(
    file: &web_sys::File,
    progress: RwSignal<Option<u32>>,
    acting: Option<&str>,
) -> Result<MaterialUploaded, String> {
    let failed = || t!("material-upload-failed");
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| failed())?;
    xhr.open("POST", &api().url("/materials"))
        .map_err(|_| failed())?;
    let _ = xhr.set_request_header("Accept", "application/json");
    // Uploaded in the grantor's name while acting for them: the document is theirs.
    if let Some(mandate) = acting {
        let _ = xhr.set_request_header(tongban_core::mandate::ACTING_HEADER, mandate);
    }
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some((e.loaded() / e.total() * 100.0) as u32));
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_end = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onloadend(Some(on_end.unchecked_ref()));
    });
    xhr.send_with_opt_blob(Some(file)).map_err(|_| failed())?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        200..=299 => serde_json::from_str(&body).map_err(|_| failed()),
        0 => Err(failed()),
        _ => Err(error_text(&ApiError::from_status(status, &body))),
    }
}
