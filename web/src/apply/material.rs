//! A document: uploaded with progress, promised for later (容缺) or an e-certificate (免提交).

use leptos::prelude::*;
use tongban_core::credential::{document_claims, held_claims, CredentialKind};
use tongban_core::form::{Answer, MaterialAnswer, MaterialUploaded};
use tongban_core::ApiError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::account::error_text;
use crate::idb::IdbDraftStore;
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
    /// The certificate kinds that stand in for it (免提交).
    certificates: Vec<String>,
    /// The draft a certificate would be presented for; `None`: upload only.
    draft_id: Option<String>,
    error: Memo<Option<String>>,
    commit: impl Fn(Option<Answer>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let progress = RwSignal::new(None::<u32>);
    let failed = RwSignal::new(None::<String>);
    let acting = StoredValue::new(crate::store::use_acting());
    let wallet = WalletChoice::new(&certificates, draft_id.as_deref());
    let current = move || match value.get() {
        Some(Answer::Material(MaterialAnswer::Uploaded { file_name, .. })) => {
            Some(t!("material-uploaded", name = file_name))
        }
        Some(Answer::Material(MaterialAnswer::SupplyLater)) => Some(t!("material-later")),
        Some(Answer::Material(MaterialAnswer::FromCertificate { certificate, .. })) => Some(t!(
            "material-from-certificate-kind",
            kind = crate::wallet::kind_name(CredentialKind::from_code(&certificate))
        )),
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
            {move || wallet.offer.get().map(|(_, kind, claims)| {
                let commit = commit.clone();
                let kind_text = crate::wallet::kind_name(CredentialKind::from_code(&kind));
                let listed = claims.iter().map(|c| crate::wallet::claim_label(c)).collect::<Vec<_>>().join("、");
                view! {
                    <div class="material-wallet">
                        <button type="button" class="button button-secondary material-use-certificate" aria-expanded=move || wallet.asking.get().to_string() on:click=move |_| wallet.asking.set(true)>{t!("material-from-wallet", kind = kind_text.clone())}</button>
                        {move || wallet.asking.get().then(|| {
                            let commit = commit.clone();
                            view! {
                                <div class="material-consent" role="group" aria-label=t!("material-consent-title")>
                                    <p>{t!("material-consent", claims = listed.clone())}</p>
                                    <button type="button" class="button material-consent-agree" on:click=move |_| wallet.use_it(commit.clone(), failed)>{t!("material-consent-agree")}</button>
                                    <button type="button" class="button button-secondary" on:click=move |_| wallet.asking.set(false)>{t!("material-consent-cancel")}</button>
                                </div>
                            }
                        })}
                    </div>
                }
            })}
        </fieldset>
    }
}

/// A certificate in the wallet that can stand in for the document: found when the field
/// shows, presented for the draft (the person's consent given, the claims listed) when chosen.
#[derive(Clone, Copy)]
struct WalletChoice {
    /// The certificate's id and kind, and the claims it would give.
    offer: RwSignal<Option<(String, String, Vec<String>)>>,
    asking: RwSignal<bool>,
    draft_id: StoredValue<Option<String>>,
}

impl WalletChoice {
    fn new(kinds: &[String], draft_id: Option<&str>) -> Self {
        let choice = Self {
            offer: RwSignal::new(None),
            asking: RwSignal::new(false),
            draft_id: StoredValue::new(draft_id.map(str::to_owned)),
        };
        let kinds: Vec<CredentialKind> = kinds
            .iter()
            .filter_map(|k| CredentialKind::from_code(k))
            .collect();
        let account = crate::sync::use_drafts().account();
        if let (Some(account), Some(_), false) = (account, draft_id, kinds.is_empty()) {
            leptos::task::spawn_local(async move {
                let wallet = crate::wallet::load(&IdbDraftStore::new(account)).await;
                let now = crate::apply::now();
                let found = kinds
                    .iter()
                    .find_map(|k| wallet.usable(*k, now))
                    .map(|held| {
                        let claims = held
                            .sd_jwt
                            .as_deref()
                            .and_then(held_claims)
                            .map(|c| document_claims(&c).into_iter().map(str::to_owned).collect())
                            .unwrap_or_default();
                        (
                            held.summary.id.clone(),
                            held.summary.kind.code().to_owned(),
                            claims,
                        )
                    });
                choice.offer.set(found);
            });
        }
        choice
    }

    /// The person agreed: the certificate presented for this draft, the answer recorded.
    fn use_it(self, commit: impl Fn(Option<Answer>) + 'static, failed: RwSignal<Option<String>>) {
        let (Some((id, kind, _)), Some(draft_id), Some(account)) = (
            self.offer.get_untracked(),
            self.draft_id.get_value(),
            crate::sync::use_drafts().account(),
        ) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let store = IdbDraftStore::new(account);
            let mut wallet = crate::wallet::load(&store).await;
            let presented = match crate::wallet::device_key(&store).await {
                Ok(key) => wallet
                    .present_for_application(&id, &draft_id, crate::apply::now(), &key)
                    .await
                    .ok(),
                Err(_) => None,
            };
            match presented {
                Some((presentation, _)) => {
                    crate::wallet::save(&store, &wallet).await;
                    self.asking.set(false);
                    failed.set(None);
                    commit(Some(Answer::Material(MaterialAnswer::FromCertificate {
                        certificate: kind,
                        presentation: Some(presentation),
                        verified: None,
                    })));
                }
                None => failed.set(Some(t!("material-wallet-failed"))),
            }
        });
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
