//! Tongban for native shells: a thin uniffi facade over core. Shells render; core decides.
//!
//! Kotlin sees `uniffi.tongban_mobile.TongbanClient`; the API types it returns are core's own
//! (`uniffi.tongban_core.MatterSummary`, `ApiException`), defined once for every shell.

pub mod draft_store;

use std::sync::Arc;

use std::collections::HashMap;
use std::path::PathBuf;

use draft_store::FileDraftStore;
use tongban_core::application::ApplicationSummary;
use tongban_core::auth::{Account, CodeSent, SessionInfo, SessionSecretStore};
use tongban_core::draft::DeviceState;
use tongban_core::draft_store::DraftStore;
use tongban_core::draft_sync::{self, Step, SyncStop};
use tongban_core::form::{Answer, MaterialAnswer, MaterialUploaded};
use tongban_core::{ApiClient, ApiError, FieldError, MatterSummary};

uniffi::setup_scaffolding!();

/// Where the shell keeps the session token: Android Keystore-backed storage, the iOS Keychain.
/// The shell implements it; the token never leaves it except to be sent to the API.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    fn load(&self) -> Option<String>;
    fn save(&self, token: String);
    fn clear(&self);
}

/// Core's secret-store contract, served by the shell's implementation.
struct ShellSecrets(Arc<dyn SecretStore>);

impl SessionSecretStore for ShellSecrets {
    fn load(&self) -> Option<String> {
        self.0.load()
    }
    fn save(&self, token: &str) {
        self.0.save(token.to_owned())
    }
    fn clear(&self) {
        self.0.clear()
    }
}

/// Where the shell keeps the key of an account's drafts: 32 random bytes made once per account
/// and held by Android Keystore / the iOS Keychain. Drafts on the device are encrypted with it.
#[uniffi::export(with_foreign)]
pub trait DraftKeys: Send + Sync {
    fn draft_key(&self, account_id: String) -> Vec<u8>;
}

/// The app's own storage folder and the keys for the drafts kept in it.
struct Storage {
    dir: PathBuf,
    keys: Arc<dyn DraftKeys>,
}

/// A draft as a native screen shows it.
#[derive(uniffi::Record)]
pub struct DraftView {
    pub id: String,
    pub form_id: String,
    /// Each answer as text (a document answer as its file name, a choice list joined by `,`).
    pub answers: HashMap<String, String>,
    /// Changes made on this device the server has not acknowledged yet.
    pub pending_changes: u32,
    /// Fields changed on another device too: both answers, until the person chooses
    /// (`resolve_conflict`).
    pub conflicts: Vec<ConflictView>,
    /// Why the last submission was refused, field by field.
    pub submit_errors: Vec<FieldError>,
    pub application_id: Option<String>,
    pub receipt: Option<String>,
    pub updated_at: i64,
}

/// A service guide as a native screen shows it, in one language.
#[derive(uniffi::Record)]
pub struct GuideView {
    pub code: String,
    pub name: String,
    pub department: String,
    /// Promised and legal time limits, in working days (0 = on the spot).
    pub promised_days: u32,
    pub legal_days: u32,
    pub visits_needed: u32,
    pub fully_online: bool,
    /// "Free", or what it costs.
    pub fee: String,
    pub conditions: Vec<String>,
    /// One line per material: name, form, copies, whether needed, e-certificate.
    pub materials: Vec<String>,
    pub steps: Vec<String>,
    pub consultation_phone: String,
    pub complaint_phone: String,
    /// Applying online needs a verified identity (never a face scan).
    pub needs_identity: bool,
    /// The matter has an online form (`create_draft(code)`).
    pub has_form: bool,
    /// Shown from the copy on the device (the server could not be reached).
    pub from_cache: bool,
}

/// The platform's text-to-speech (Android `TextToSpeech`, iOS `AVSpeechSynthesizer`), for
/// read-aloud in care mode: the shell speaks, core decides what is said.
#[uniffi::export(with_foreign)]
pub trait Speaker: Send + Sync {
    /// Speak one paragraph, queued after the previous one, in `language` (BCP 47).
    fn speak(&self, text: String, language: String);
}

/// One field answered differently on two devices.
#[derive(uniffi::Record)]
pub struct ConflictView {
    pub path: String,
    /// This device's answer (as text; `None` = cleared).
    pub mine: Option<String>,
    /// The other device's answer.
    pub theirs: Option<String>,
}

/// Which answer the person keeps for a conflicting field.
#[derive(uniffi::Enum)]
pub enum Keep {
    Mine,
    Theirs,
}

/// An application with its status timeline (受理 → 审查 → 补正 → 办结 …).
#[derive(uniffi::Record)]
pub struct ApplicationView {
    pub id: String,
    pub receipt: String,
    pub form_id: String,
    pub status: tongban_core::application::ApplicationStatus,
    /// Oldest first: each status with its time and the department's message.
    pub timeline: Vec<tongban_core::application::TimelineEvent>,
    /// For a supplement: the answers the department asks for again.
    pub requested_fields: Vec<String>,
    pub created_at: i64,
}

/// One question of a draft's form as a native screen asks it, in one language.
#[derive(uniffi::Record)]
pub struct QuestionView {
    /// Where the answer lives (`applicant.name`, `members.1.relation`).
    pub path: String,
    /// The title of the question's group (one group per screen on phones).
    pub group: String,
    pub label: String,
    pub hint: Option<String>,
    /// `text`, `number`, `date`, `single-choice`, `multiple-choice`, `resident-id`,
    /// `credit-code`, `mobile`, `region`, `address` or `material`: the input to show.
    pub kind: String,
    pub required: bool,
    /// For choices: (value, label) pairs.
    pub choices: Vec<ChoiceView>,
    /// For a document: it may be handed in later (容缺, `promise_material_later`).
    pub later_allowed: bool,
    /// The current answer as text.
    pub answer: Option<String>,
}

#[derive(uniffi::Record)]
pub struct ChoiceView {
    pub value: String,
    pub label: String,
}

/// One search result for a native list.
#[derive(uniffi::Record)]
pub struct MatterHit {
    pub matter: MatterSummary,
    /// Matched character ranges in the Chinese name, as pairs `[start, end)`, for highlighting.
    pub highlight_zh: Vec<u32>,
}

/// How a sync run ended.
#[derive(uniffi::Record)]
pub struct SyncSummary {
    pub sent: u32,
    pub pending: u32,
    pub offline: bool,
    pub needs_login: bool,
    /// Codes of changes the server refused for good (message `error-<code>`).
    pub refused: Vec<String>,
}

/// The one object a native shell holds: a client of the Tongban API.
#[derive(uniffi::Object)]
pub struct TongbanClient {
    api: ApiClient,
    storage: Option<Storage>,
    /// The logged-in account's drafts and outbox, loaded on first use.
    drafts: tokio::sync::Mutex<Option<(String, DeviceState)>>,
    /// The catalog's search structures, built once from the cached index.
    search: std::sync::Mutex<Option<Arc<tongban_core::search::SearchIndex>>>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A matter code as a file name (codes are ASCII letters, digits and `-`; anything else is `_`).
fn file_safe(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Text(t) => t.clone(),
        Answer::Choices(c) => c.join(","),
        Answer::Material(MaterialAnswer::Uploaded { file_name, .. }) => file_name.clone(),
        Answer::Material(MaterialAnswer::SupplyLater) => "supply-later".into(),
        Answer::Material(MaterialAnswer::FromCertificate { certificate }) => certificate.clone(),
    }
}

impl TongbanClient {
    fn storage(&self) -> Result<&Storage, ApiError> {
        self.storage.as_ref().ok_or_else(|| ApiError::Storage {
            detail: "this client was made without storage (use with_storage)".into(),
        })
    }

    fn store_for(&self, account: &str) -> Result<FileDraftStore, ApiError> {
        let storage = self.storage()?;
        let key = storage.keys.draft_key(account.to_owned());
        Ok(FileDraftStore::new(
            storage.dir.join(format!("drafts-{account}.bin")),
            &key,
        )?)
    }

    /// The account whose drafts this device holds (kept so drafts open offline).
    fn known_account(&self) -> Result<Option<String>, ApiError> {
        let path = self.storage()?.dir.join("account");
        match std::fs::read_to_string(path) {
            Ok(id) => Ok(Some(id.trim().to_owned()).filter(|i| !i.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ApiError::Storage {
                detail: e.to_string(),
            }),
        }
    }

    fn device_id(&self) -> Result<String, ApiError> {
        let path = self.storage()?.dir.join("device");
        if let Ok(id) = std::fs::read_to_string(&path) {
            return Ok(id.trim().to_owned());
        }
        let id = new_id();
        std::fs::create_dir_all(&self.storage()?.dir)
            .and_then(|_| std::fs::write(&path, &id))
            .map_err(|e| ApiError::Storage {
                detail: e.to_string(),
            })?;
        Ok(id)
    }

    /// Runs `f` on the account's drafts, then saves them (one step: draft and outbox together).
    async fn with_drafts<R>(&self, f: impl FnOnce(&mut DeviceState) -> R) -> Result<R, ApiError> {
        let mut slot = self.drafts.lock().await;
        if slot.is_none() {
            let account = self.known_account()?.ok_or(ApiError::Unauthorized)?;
            let state = self.store_for(&account)?.load().await?;
            let state = match state {
                Some(s) => s,
                None => DeviceState::new(self.device_id()?),
            };
            *slot = Some((account, state));
        }
        let (account, state) = slot.as_mut().expect("loaded above");
        let result = f(state);
        self.store_for(account)?.save(state).await?;
        Ok(result)
    }
}

fn checked_base_url(base_url: &str) -> Result<String, ApiError> {
    let trimmed = base_url.trim();
    let scheme_ok = trimmed.starts_with("https://") || trimmed.starts_with("http://");
    let has_host = trimmed
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.trim_matches('/').is_empty());
    if !scheme_ok || !has_host {
        return Err(ApiError::Validation {
            code: "validation".into(),
            fields: Vec::new(),
            detail: format!("not an http(s) base URL: {base_url:?}"),
        });
    }
    Ok(trimmed.to_owned())
}

#[uniffi::export(async_runtime = "tokio")]
impl TongbanClient {
    /// A client of the API at `base_url` (`https://…`, or `http://` for development) that keeps
    /// a session only in memory (gone when the app stops).
    #[uniffi::constructor]
    pub fn new(base_url: String) -> Result<Arc<Self>, ApiError> {
        Ok(Arc::new(Self {
            api: ApiClient::new(checked_base_url(&base_url)?),
            storage: None,
            drafts: Default::default(),
            search: Default::default(),
        }))
    }

    /// A client that keeps its session token in the shell's secure store, so a restarted app
    /// is still logged in.
    #[uniffi::constructor]
    pub fn with_secret_store(
        base_url: String,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Arc<Self>, ApiError> {
        let api = ApiClient::new(checked_base_url(&base_url)?)
            .with_secret_store(Arc::new(ShellSecrets(secrets)));
        Ok(Arc::new(Self {
            api,
            storage: None,
            drafts: Default::default(),
            search: Default::default(),
        }))
    }

    /// The full client of an app: the session in the secure store, drafts kept encrypted in
    /// `storage_dir` (the app's private files folder) with keys from `keys`. A new client over
    /// the same folder (the app restarted) finds everything again, offline too.
    #[uniffi::constructor]
    pub fn with_storage(
        base_url: String,
        secrets: Arc<dyn SecretStore>,
        keys: Arc<dyn DraftKeys>,
        storage_dir: String,
    ) -> Result<Arc<Self>, ApiError> {
        let api = ApiClient::new(checked_base_url(&base_url)?)
            .with_secret_store(Arc::new(ShellSecrets(secrets)));
        Ok(Arc::new(Self {
            api,
            storage: Some(Storage {
                dir: PathBuf::from(storage_dir),
                keys,
            }),
            drafts: Default::default(),
            search: Default::default(),
        }))
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> String {
        self.api.base_url().to_owned()
    }

    /// The catalog's matters, most used first.
    pub async fn list_matters(&self) -> Result<Vec<MatterSummary>, ApiError> {
        self.api.list_matters().await
    }

    /// Whether a session token is held (the person may still need to log in if it expired).
    pub fn holds_session(&self) -> bool {
        self.api.holds_session()
    }

    /// Texts a one-time login code to `phone`.
    pub async fn send_login_code(&self, phone: String) -> Result<CodeSent, ApiError> {
        self.api.send_login_code(&phone).await
    }

    /// Logs in with the texted code; the token goes to the secure store, and this account's
    /// drafts become the ones the client works on.
    pub async fn login(&self, phone: String, code: String) -> Result<Account, ApiError> {
        let account = self.api.login(&phone, &code).await?;
        self.switch_to(account).await
    }

    /// Logs in with a ticket from the host super-app this library is embedded in (single
    /// sign-on, docs/embedding.md): the same account as a phone login.
    pub async fn host_login(&self, host_id: String, ticket: String) -> Result<Account, ApiError> {
        let account = self.api.host_login(&host_id, &ticket).await?;
        self.switch_to(account).await
    }
}

impl TongbanClient {
    /// Sets one answer in a draft on the device (queued for sync); NotFound for an unknown draft.
    async fn set_answer(
        &self,
        draft_id: String,
        path: String,
        answer: Option<Answer>,
    ) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| s.set_answer(&draft_id, &path, answer, new_id(), now()))
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// A matter's full guide: fetched and kept on the device; the kept copy when offline.
    async fn matter(&self, code: &str) -> Result<(tongban_core::catalog::Matter, bool), ApiError> {
        let cached = self.storage.as_ref().map(|s| {
            s.dir
                .join("guides")
                .join(format!("{}.json", file_safe(code)))
        });
        match self.api.matter_guide(code).await {
            Ok(matter) => {
                if let (Some(path), Ok(json)) = (&cached, serde_json::to_vec(&matter)) {
                    // A copy for offline use; failing to keep it loses nothing now.
                    let partial = path.with_extension("partial");
                    let _ = path
                        .parent()
                        .map(std::fs::create_dir_all)
                        .transpose()
                        .and_then(|_| std::fs::write(&partial, json))
                        .and_then(|_| std::fs::rename(&partial, path));
                }
                Ok((matter, false))
            }
            Err(error) if error.is_retryable() => {
                let bytes = cached.and_then(|p| std::fs::read(p).ok()).ok_or(error)?;
                let matter = serde_json::from_slice(&bytes).map_err(|e| ApiError::Storage {
                    detail: e.to_string(),
                })?;
                Ok((matter, true))
            }
            Err(error) => Err(error),
        }
    }

    /// A draft's form (from its matter's guide) and its answers.
    async fn schema_and_answers(
        &self,
        draft_id: &str,
    ) -> Result<(tongban_core::form::FormSchema, tongban_core::form::Answers), ApiError> {
        let draft = draft_id.to_owned();
        let (form_id, answers) = self
            .with_drafts(move |s| {
                s.drafts
                    .get(&draft)
                    .filter(|d| !d.deleted)
                    .map(|d| (d.form_id.clone(), d.answers.clone()))
            })
            .await?
            .ok_or(ApiError::NotFound)?;
        // Bundles (`bundle:<id>`) are not asked natively yet: their matters' guides would all be
        // needed here.
        if form_id.starts_with("bundle:") {
            return Err(ApiError::NotFound);
        }
        let (matter, _) = self.matter(&form_id).await?;
        Ok((tongban_core::form::FormSchema::for_matter(&matter), answers))
    }

    /// After a login: remember the account, and work on its drafts (not another account's).
    async fn switch_to(&self, account: Account) -> Result<Account, ApiError> {
        if let Some(storage) = &self.storage {
            std::fs::create_dir_all(&storage.dir)
                .and_then(|_| std::fs::write(storage.dir.join("account"), &account.id))
                .map_err(|e| ApiError::Storage {
                    detail: e.to_string(),
                })?;
            let mut slot = self.drafts.lock().await;
            if slot.as_ref().is_some_and(|(a, _)| *a != account.id) {
                *slot = None;
            }
        }
        Ok(account)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl TongbanClient {
    /// Ends the session on the server and clears the secure store. The account's drafts are
    /// cleared from the device too: check `drafts()` for pending changes and warn first.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let result = self.api.logout().await;
        if self.storage.is_some() {
            if let Some(account) = self.known_account()? {
                self.store_for(&account)?.clear().await?;
            }
            let _ = std::fs::remove_file(self.storage()?.dir.join("account"));
            *self.drafts.lock().await = None;
        }
        result
    }

    /// Starts a draft for a matter (its code) or a bundle (`bundle:<id>`); works offline.
    pub async fn create_draft(&self, form_id: String) -> Result<String, ApiError> {
        let id = new_id();
        let draft = id.clone();
        self.with_drafts(move |s| s.create_draft(&draft, &form_id, new_id(), now()))
            .await?;
        Ok(id)
    }

    /// Sets (or clears, with `None`) a text answer; saved on the device at once, works offline.
    pub async fn set_text_answer(
        &self,
        draft_id: String,
        path: String,
        text: Option<String>,
    ) -> Result<(), ApiError> {
        self.set_answer(draft_id, path, text.map(Answer::Text))
            .await
    }

    /// Answers a multiple-choice question with the chosen option values (a single choice is a
    /// text answer: the option's value).
    pub async fn set_choices_answer(
        &self,
        draft_id: String,
        path: String,
        values: Vec<String>,
    ) -> Result<(), ApiError> {
        self.set_answer(draft_id, path, Some(Answer::Choices(values)))
            .await
    }

    /// Promises a document for later (容缺), where the matter allows it: the application is
    /// accepted now and the document handed in afterwards.
    pub async fn promise_material_later(
        &self,
        draft_id: String,
        path: String,
    ) -> Result<(), ApiError> {
        self.set_answer(
            draft_id,
            path,
            Some(Answer::Material(MaterialAnswer::SupplyLater)),
        )
        .await
    }

    /// Answers a document question with an uploaded file (see `upload_material`).
    pub async fn set_material_answer(
        &self,
        draft_id: String,
        path: String,
        uploaded: MaterialUploaded,
        file_name: String,
    ) -> Result<(), ApiError> {
        let answer = Answer::Material(MaterialAnswer::Uploaded {
            object_id: uploaded.object_id,
            file_name,
            size: uploaded.size,
        });
        self.set_answer(draft_id, path, Some(answer)).await
    }

    /// The questions of a draft's form that show with its current answers (conditions applied),
    /// in `language`. Works offline once the matter's guide was opened on this device.
    pub async fn questions(
        &self,
        draft_id: String,
        language: String,
    ) -> Result<Vec<QuestionView>, ApiError> {
        let (schema, answers) = self.schema_and_answers(&draft_id).await?;
        let loader = tongban_core::i18n::loader_for_tag(&language);
        let label = |l: &tongban_core::form::Label| match l {
            tongban_core::form::Label::Message(id) => loader.get(id),
            tongban_core::form::Label::Text(t) => t.for_language(&language).to_owned(),
        };
        Ok(schema
            .questions(&answers)
            .into_iter()
            .map(|q| {
                use tongban_core::form::FieldKind;
                let later_allowed = matches!(
                    q.field.kind,
                    FieldKind::Material {
                        later_allowed: true,
                        ..
                    }
                );
                let (kind, choices) = match &q.field.kind {
                    FieldKind::Text { .. } => ("text", None),
                    FieldKind::Number { .. } => ("number", None),
                    FieldKind::Date { .. } => ("date", None),
                    FieldKind::SingleChoice { options } => ("single-choice", Some(options)),
                    FieldKind::MultipleChoice { options } => ("multiple-choice", Some(options)),
                    FieldKind::ResidentId => ("resident-id", None),
                    FieldKind::CreditCode => ("credit-code", None),
                    FieldKind::Mobile => ("mobile", None),
                    FieldKind::Region => ("region", None),
                    FieldKind::Address => ("address", None),
                    FieldKind::Material { .. } => ("material", None),
                };
                QuestionView {
                    group: label(&q.group.title),
                    label: label(&q.field.label),
                    hint: q.field.hint.as_ref().map(label),
                    kind: kind.into(),
                    required: q.field.required,
                    choices: choices
                        .into_iter()
                        .flatten()
                        .map(|c| ChoiceView {
                            value: c.value.clone(),
                            label: label(&c.label),
                        })
                        .collect(),
                    answer: answers.get(&q.path).map(answer_text),
                    later_allowed,
                    path: q.path,
                }
            })
            .collect())
    }

    /// Checks a draft's answers on the device with the same rules the server applies, before
    /// submitting: what is wrong where (messages `error-<code>`), empty when it can be sent.
    pub async fn check_answers(&self, draft_id: String) -> Result<Vec<FieldError>, ApiError> {
        let (schema, answers) = self.schema_and_answers(&draft_id).await?;
        let today = tongban_core::identity::china_date(now());
        Ok(schema.validate(&schema.submitted_answers(&answers), today))
    }

    /// Keeps one of two answers given on two devices; the other is gone once this syncs.
    pub async fn resolve_conflict(
        &self,
        draft_id: String,
        path: String,
        keep: Keep,
    ) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| {
                let chosen = s.drafts.get(&draft_id).and_then(|d| {
                    d.conflicts
                        .iter()
                        .find(|c| c.path == path)
                        .map(|c| match keep {
                            Keep::Mine => c.mine.clone(),
                            Keep::Theirs => c.theirs.clone(),
                        })
                });
                match chosen {
                    Some(value) => s.set_answer(&draft_id, &path, value, new_id(), now()),
                    None => false,
                }
            })
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Deletes a draft here and, at the next sync, on the server (and so on other devices).
    pub async fn delete_draft(&self, draft_id: String) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| {
                let known = s.drafts.get(&draft_id).is_some_and(|d| !d.deleted);
                if known {
                    s.delete_draft(&draft_id, new_id());
                }
                known
            })
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// One application with its timeline.
    pub async fn application(&self, id: String) -> Result<ApplicationView, ApiError> {
        Ok(application_view(self.api.application(&id).await?))
    }

    /// Answers what a supplement request (补正) asked for: new text answers for those fields only
    /// (`requested_fields`). A refused answer comes back as a validation error naming its field.
    pub async fn supply(
        &self,
        application_id: String,
        answers: HashMap<String, String>,
    ) -> Result<ApplicationView, ApiError> {
        let answers = answers
            .into_iter()
            .map(|(path, text)| (path, Answer::Text(text)))
            .collect();
        Ok(application_view(
            self.api.supply(&application_id, answers).await?,
        ))
    }
}

fn application_view(application: tongban_core::application::Application) -> ApplicationView {
    ApplicationView {
        requested_fields: application.requested_fields().to_vec(),
        id: application.id,
        receipt: application.receipt,
        form_id: application.form_id,
        status: application.status,
        timeline: application.timeline,
        created_at: application.created_at,
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl TongbanClient {
    /// Uploads a photo or scan (JPEG, PNG, HEIC, WebP or PDF, at most 10 MiB).
    pub async fn upload_material(&self, bytes: Vec<u8>) -> Result<MaterialUploaded, ApiError> {
        self.api.upload_material(bytes).await
    }

    /// Queues the submission; `sync` sends it (once, however often this is called).
    pub async fn submit_draft(&self, draft_id: String) -> Result<(), ApiError> {
        let known = self
            .with_drafts(move |s| s.submit(&draft_id, new_id()))
            .await?;
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// The account's drafts on this device, newest first.
    pub async fn drafts(&self) -> Result<Vec<DraftView>, ApiError> {
        self.with_drafts(|s| {
            let mut list: Vec<DraftView> = s
                .drafts
                .values()
                .filter(|d| !d.deleted)
                .map(|d| DraftView {
                    id: d.id.clone(),
                    form_id: d.form_id.clone(),
                    answers: d
                        .answers
                        .iter()
                        .map(|(k, v)| (k.clone(), answer_text(v)))
                        .collect(),
                    pending_changes: s.outbox.iter().filter(|c| c.draft_id == d.id).count() as u32,
                    conflicts: d
                        .conflicts
                        .iter()
                        .map(|c| ConflictView {
                            path: c.path.clone(),
                            mine: c.mine.as_ref().map(answer_text),
                            theirs: c.theirs.as_ref().map(answer_text),
                        })
                        .collect(),
                    submit_errors: d.submit_errors.clone(),
                    application_id: d.submitted.as_ref().map(|x| x.application_id.clone()),
                    receipt: d.submitted.as_ref().map(|x| x.receipt.clone()),
                    updated_at: d.updated_at,
                })
                .collect();
            list.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
            list
        })
        .await
    }

    /// Sends what waits, in order, until done or the network fails; call it after changes, when
    /// the network returns, and now and then.
    pub async fn sync(&self) -> Result<SyncSummary, ApiError> {
        let mut summary = SyncSummary {
            sent: 0,
            pending: 0,
            offline: false,
            needs_login: false,
            refused: Vec::new(),
        };
        loop {
            let head = self.with_drafts(|s| s.next_to_send().cloned()).await?;
            let Some(head) = head else { break };
            // The lock is not held while waiting for the network: typing goes on meanwhile.
            let step = draft_sync::send(&self.api, &head).await;
            match &step {
                Step::Stop(SyncStop::Offline) => summary.offline = true,
                Step::Stop(SyncStop::NeedsLogin) => summary.needs_login = true,
                _ => {}
            }
            if matches!(step, Step::Stop(_)) {
                break;
            }
            if let Some(code) = self
                .with_drafts(|s| s.take_step(&head.op_id, &step))
                .await?
            {
                summary.refused.push(code);
            }
            summary.sent += 1;
        }
        if !summary.offline && !summary.needs_login {
            // Drafts started or changed on another device join this one.
            if let Ok(remote) = self.api.drafts().await {
                let now = now();
                self.with_drafts(move |s| {
                    for snapshot in &remote {
                        s.adopt(snapshot, now);
                    }
                })
                .await?;
            }
        }
        summary.pending = self.with_drafts(|s| s.outbox.len() as u32).await?;
        Ok(summary)
    }

    /// Downloads the catalog index and keeps it in the storage folder for offline search.
    /// Returns the number of matters.
    pub async fn refresh_catalog(&self) -> Result<u32, ApiError> {
        let index = self.api.catalog_index().await?;
        let json = serde_json::to_vec(&index).map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })?;
        let dir = &self.storage()?.dir;
        std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(dir.join("catalog-index.partial"), &json))
            .and_then(|_| {
                std::fs::rename(
                    dir.join("catalog-index.partial"),
                    dir.join("catalog-index.json"),
                )
            })
            .map_err(|e| ApiError::Storage {
                detail: e.to_string(),
            })?;
        let count = index.documents.len() as u32;
        *self.search.lock().map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })? = Some(Arc::new(index.search_index()));
        Ok(count)
    }

    /// Searches the cached catalog (Chinese, pinyin, initials, English): works offline once
    /// `refresh_catalog` ran on this device. `NotFound` when no catalog is cached yet.
    pub fn search(&self, query: String, limit: u32) -> Result<Vec<MatterHit>, ApiError> {
        let mut slot = self.search.lock().map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })?;
        if slot.is_none() {
            let path = self.storage()?.dir.join("catalog-index.json");
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(ApiError::NotFound)
                }
                Err(e) => {
                    return Err(ApiError::Storage {
                        detail: e.to_string(),
                    })
                }
            };
            let index: tongban_core::catalog::CatalogIndex = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::Storage {
                    detail: e.to_string(),
                })?;
            *slot = Some(Arc::new(index.search_index()));
        }
        let search = slot.as_ref().expect("loaded above").clone();
        drop(slot);
        Ok(search
            .search(&query, &Default::default(), limit as usize)
            .into_iter()
            .filter_map(|hit| {
                Some(MatterHit {
                    matter: search.document(&hit.code)?.summary.clone(),
                    highlight_zh: hit
                        .highlight_zh
                        .iter()
                        .flat_map(|(a, b)| [*a as u32, *b as u32])
                        .collect(),
                })
            })
            .collect())
    }

    /// A matter's service guide in `language`: from the server, kept on the device, and shown from
    /// there when the server cannot be reached.
    pub async fn guide(&self, code: String, language: String) -> Result<GuideView, ApiError> {
        let (matter, from_cache) = self.matter(&code).await?;
        let loader = tongban_core::i18n::loader_for_tag(&language);
        let text = |t: &tongban_core::LocalizedText| t.for_language(&language).to_owned();
        Ok(GuideView {
            code: matter.code.clone(),
            name: text(&matter.name),
            department: text(&matter.department),
            promised_days: matter.promised_days,
            legal_days: matter.legal_days,
            visits_needed: matter.visits_needed,
            fully_online: matter.fully_online,
            fee: match (&matter.fee.free, &matter.fee.description) {
                (true, _) => loader.get("guide-fee-free"),
                (false, Some(d)) => text(d),
                (false, None) => String::new(),
            },
            conditions: matter.conditions.iter().map(text).collect(),
            materials: matter
                .materials
                .iter()
                .map(|m| tongban_core::speech::material_line(m, &loader, &language))
                .collect(),
            steps: matter
                .steps
                .iter()
                .map(|s| format!("{}: {}", text(&s.name), text(&s.description)))
                .collect(),
            consultation_phone: matter.consultation_phone.clone(),
            complaint_phone: matter.complaint_phone.clone(),
            needs_identity: matter.real_name_level
                == tongban_core::auth::RealNameLevel::IdentityVerified,
            has_form: !matter.form.is_empty(),
            from_cache,
        })
    }

    /// Reads a guide aloud through the platform's speech (care mode): the same parts, in the same
    /// order, as everywhere. Returns how many paragraphs were handed to the speaker.
    pub async fn read_guide_aloud(
        &self,
        code: String,
        language: String,
        speaker: Arc<dyn Speaker>,
    ) -> Result<u32, ApiError> {
        let (matter, _) = self.matter(&code).await?;
        let loader = tongban_core::i18n::loader_for_tag(&language);
        let paragraphs = tongban_core::speech::guide_speech(&matter, &loader, &language);
        for paragraph in &paragraphs {
            speaker.speak(paragraph.clone(), language.clone());
        }
        Ok(paragraphs.len() as u32)
    }

    /// The account's applications, newest first.
    pub async fn applications(&self) -> Result<Vec<ApplicationSummary>, ApiError> {
        self.api.applications().await
    }

    /// The logged-in person (personal numbers masked).
    pub async fn me(&self) -> Result<Account, ApiError> {
        self.api.me().await
    }

    /// Verifies identity with name and resident ID number (no face needed).
    pub async fn verify_identity(
        &self,
        name: String,
        id_number: String,
    ) -> Result<Account, ApiError> {
        self.api.verify_identity(&name, &id_number).await
    }

    /// The account's signed-in devices.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        self.api.sessions().await
    }

    /// Signs one of the account's devices out.
    pub async fn revoke_session(&self, id: String) -> Result<(), ApiError> {
        self.api.revoke_session(&id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_http_base_url() {
        for bad in ["", "ftp://x.gov.cn", "x.gov.cn", "https://", "http:///"] {
            assert!(
                matches!(
                    TongbanClient::new(bad.into()),
                    Err(ApiError::Validation { .. })
                ),
                "{bad:?} accepted"
            );
        }
        let ok = TongbanClient::new(" https://x.gov.cn/ ".into()).unwrap();
        assert_eq!(ok.base_url(), "https://x.gov.cn");
    }
}

/// A message in `language` (BCP 47; unknown languages fall back to Chinese), from the same Fluent
/// files every shell uses: native screens show the web's words (`error-<code>` for an error code).
/// `args` fill the message's placeholders.
#[uniffi::export]
pub fn message(id: String, language: String, args: HashMap<String, String>) -> String {
    let loader = tongban_core::i18n::loader_for_tag(&language);
    let text = if args.is_empty() {
        loader.get(&id)
    } else {
        loader.get_args(&id, args)
    };
    tongban_core::i18n::plain(text)
}
