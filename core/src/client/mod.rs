//! The one API client: the same code runs in the browser, the native apps and the server's tests;
//! how its requests travel is the shell's `Transport` (reqwest by default).

mod benefits;
mod consultations;
mod credentials;
mod data_record;
mod evaluations;
mod mandates;
mod transport;
mod visit;

#[cfg(feature = "reqwest")]
pub use transport::Reqwest;
pub use transport::{HttpRequest, HttpResponse, Method, SharedTransport, Transport};

/// A phone as people type it (spaces, dashes, full-width digits) in the form the API takes;
/// what is not a mobile number is sent as typed, for the server to say what is wrong.
fn api_phone(typed: &str) -> String {
    crate::identity::check_mobile(typed).unwrap_or_else(|_| typed.to_owned())
}
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{ApiError, MatterList, API_PREFIX};
use crate::application::{
    Application, ApplicationList, ApplicationSummary, StatusChange, Supplement,
};
use crate::auth::{
    Account, ActivityList, CodeSent, IdentityMethod, IdentityRequest, LoginRequest, LoginResult,
    SendCodeRequest, SessionDelivery, SessionInfo, SessionList, SharedSecretStore, StaffAccount,
    StaffLoginRequest, StaffLoginResult,
};
use crate::catalog::{CatalogIndex, Matter};
use crate::draft::{Change, ChangeReply, DraftSnapshot};
use crate::form::{Answers, MaterialUploaded};
use crate::host::{HostInfo, HostTicketRequest};
use crate::model::MatterSummary;

/// A client of the Tongban API at one base URL (`https://example.gov.cn`, or `""`/`"/"` for the
/// origin the web app was served from).
///
/// Without a secret store the client relies on the browser's cookie (the web shell); with one it
/// asks for the session token at login, keeps it there and sends it as a bearer token (native).
#[derive(Clone, Debug)]
pub struct ApiClient {
    base_url: String,
    transport: SharedTransport,
    secrets: Option<SharedSecretStore>,
    /// The host super-app the web shell runs in, sent as `X-Tongban-Host` so a session made in
    /// one host is not used in another.
    host: Option<String>,
    /// The mandate the caller acts under for someone else (亲友代办), sent as
    /// `X-Tongban-Acting-For`.
    acting_for: Option<String>,
}

/// The header naming the host super-app a request comes from.
pub const HOST_HEADER: &str = "x-tongban-host";

impl ApiClient {
    /// A client whose requests go through reqwest.
    #[cfg(feature = "reqwest")]
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_transport(base_url, std::sync::Arc::new(Reqwest::default()))
    }

    /// A client whose requests go through `transport` (a native shell's HTTP stack).
    pub fn with_transport(base_url: impl Into<String>, transport: SharedTransport) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        Self {
            base_url,
            transport,
            secrets: None,
            host: None,
            acting_for: None,
        }
    }

    /// A client for the app running inside host `host_id`.
    pub fn in_host(mut self, host_id: impl Into<String>) -> Self {
        self.host = Some(host_id.into());
        self
    }

    /// A client that keeps its session token in `secrets` (the platform's secure store).
    pub fn with_secret_store(mut self, secrets: SharedSecretStore) -> Self {
        self.secrets = Some(secrets);
        self
    }

    /// Whether a session token is held (native shells; the web cannot see its cookie).
    pub fn holds_session(&self) -> bool {
        self.secrets.as_ref().is_some_and(|s| s.load().is_some())
    }

    fn delivery(&self) -> SessionDelivery {
        if self.secrets.is_some() {
            SessionDelivery::Token
        } else {
            SessionDelivery::Cookie
        }
    }

    /// The base URL the client was made with, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The absolute URL of an API path such as `/matters`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base_url, API_PREFIX, path)
    }

    /// The catalog's matters, most used first.
    pub async fn list_matters(&self) -> Result<Vec<MatterSummary>, ApiError> {
        let list: MatterList = self.get_json("/matters").await?;
        Ok(list.items)
    }

    /// The compact catalog index for offline browsing and search.
    pub async fn catalog_index(&self) -> Result<CatalogIndex, ApiError> {
        self.get_json("/catalog/index").await
    }

    /// The index a region's app needs: the region's matters, those of the regions in it and
    /// around it, and national ones (`CatalogIndex::for_region`, cut on the server).
    pub async fn region_index(&self, region: &str) -> Result<CatalogIndex, ApiError> {
        self.get_json(&format!("/catalog/index?region={}", encode_segment(region)))
            .await
    }

    /// A matter's full service guide.
    pub async fn matter_guide(&self, code: &str) -> Result<Matter, ApiError> {
        self.get_json(&format!("/matters/{}", encode_segment(code)))
            .await
    }

    /// Sends a one-time login code to `phone`.
    pub async fn send_login_code(&self, phone: &str) -> Result<CodeSent, ApiError> {
        let request = SendCodeRequest {
            phone: api_phone(phone),
        };
        self.send_json(Method::Post, "/auth/code", Some(&request))
            .await
    }

    /// Logs in with the code the phone received; a held session is replaced by the new one.
    pub async fn login(&self, phone: &str, code: &str) -> Result<Account, ApiError> {
        let request = LoginRequest {
            phone: api_phone(phone),
            code: crate::identity::normalize_number(code),
            delivery: self.delivery(),
        };
        let result: LoginResult = self
            .send_json(Method::Post, "/auth/login", Some(&request))
            .await?;
        if let (Some(secrets), Some(token)) = (&self.secrets, &result.token) {
            secrets.save(token);
        }
        Ok(result.account)
    }

    /// What the app may know about a registered host super-app.
    pub async fn host_info(&self, host_id: &str) -> Result<HostInfo, ApiError> {
        self.get_json(&format!("/hosts/{}", encode_segment(host_id)))
            .await
    }

    /// Logs in with a ticket from host `host_id` (single sign-on).
    pub async fn host_login(&self, host_id: &str, ticket: &str) -> Result<Account, ApiError> {
        let request = HostTicketRequest {
            ticket: ticket.to_owned(),
            delivery: self.delivery(),
        };
        let result: LoginResult = self
            .send_json(
                Method::Post,
                &format!("/auth/hosts/{}/login", encode_segment(host_id)),
                Some(&request),
            )
            .await?;
        if let (Some(secrets), Some(token)) = (&self.secrets, &result.token) {
            secrets.save(token);
        }
        Ok(result.account)
    }

    /// Ends this session on the server and forgets it here. Offline, the local copy is forgotten
    /// anyway and the error says the server could not be told.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let result = self
            .send_empty(Method::Post, "/auth/logout", None::<&()>)
            .await;
        if let Some(secrets) = &self.secrets {
            secrets.clear();
        }
        match result {
            Err(ApiError::Unauthorized) => Ok(()),
            other => other,
        }
    }

    /// The logged-in person, or `Unauthorized`.
    pub async fn me(&self) -> Result<Account, ApiError> {
        self.get_json("/me").await
    }

    /// Verifies the account's identity with name and resident ID number (no face needed).
    pub async fn verify_identity(&self, name: &str, id_number: &str) -> Result<Account, ApiError> {
        let request = IdentityRequest {
            name: name.to_owned(),
            id_number: id_number.to_owned(),
            method: IdentityMethod::IdNumberCheck,
        };
        self.send_json(Method::Post, "/me/identity", Some(&request))
            .await
    }

    /// The account's signed-in devices, this one marked `current`.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        let list: SessionList = self.get_json("/me/sessions").await?;
        Ok(list.items)
    }

    /// Signs one of the account's devices out.
    pub async fn revoke_session(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/me/sessions/{}", encode_segment(id));
        self.send_empty(Method::Delete, &path, None::<&()>).await
    }

    /// What happened to the account lately (logins, verifications), newest first.
    pub async fn activity(&self) -> Result<ActivityList, ApiError> {
        self.get_json("/me/activity").await
    }

    /// Department staff log in with username and password.
    pub async fn staff_login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<StaffAccount, ApiError> {
        let request = StaffLoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
            delivery: self.delivery(),
        };
        let result: StaffLoginResult = self
            .send_json(Method::Post, "/staff/login", Some(&request))
            .await?;
        if let (Some(secrets), Some(token)) = (&self.secrets, &result.token) {
            secrets.save(token);
        }
        Ok(result.staff)
    }

    /// Ends the staff session.
    pub async fn staff_logout(&self) -> Result<(), ApiError> {
        let result = self
            .send_empty(Method::Post, "/staff/logout", None::<&()>)
            .await;
        if let Some(secrets) = &self.secrets {
            secrets.clear();
        }
        result
    }

    /// The logged-in staff member, or `Unauthorized` / `Forbidden`.
    pub async fn staff_me(&self) -> Result<StaffAccount, ApiError> {
        self.get_json("/staff/me").await
    }

    /// Sends one outbox entry. Every protocol outcome (applied, conflict, refused answers,
    /// submitted) is a `ChangeReply`; only transport and access failures are errors.
    pub async fn send_change(&self, change: &Change) -> Result<ChangeReply, ApiError> {
        let path = format!("/drafts/{}/changes", encode_segment(&change.draft_id));
        match self.send(Method::Post, &path, Some(change)).await {
            Ok((status, text)) => serde_json::from_str(&text).map_err(|e| ApiError::Server {
                status,
                detail: format!("unexpected answer: {e}"),
            }),
            Err(error) => Err(error),
        }
    }

    /// A request with the session's token, the host's name and the mandate attached.
    fn request(&self, method: Method, path: &str, accept_json: bool) -> HttpRequest {
        let mut headers = Vec::with_capacity(4);
        if accept_json {
            headers.push(("accept".to_owned(), "application/json".to_owned()));
        }
        if let Some(token) = self.secrets.as_ref().and_then(|s| s.load()) {
            headers.push(("authorization".to_owned(), format!("Bearer {token}")));
        }
        if let Some(host) = &self.host {
            headers.push((HOST_HEADER.to_owned(), host.clone()));
        }
        if let Some(mandate) = &self.acting_for {
            headers.push((crate::mandate::ACTING_HEADER.to_owned(), mandate.clone()));
        }
        HttpRequest {
            method,
            url: self.url(path),
            headers,
            body: None,
        }
    }

    /// One exchange; no answer at all is a network error.
    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, ApiError> {
        self.transport
            .exchange(request)
            .await
            .map_err(|detail| ApiError::Network { detail })
    }

    /// One of the person's documents as stored (images without their metadata): its bytes.
    pub async fn material(&self, object_id: &str) -> Result<Vec<u8>, ApiError> {
        let path = format!("/materials/{}", encode_segment(object_id));
        let response = self
            .exchange(self.request(Method::Get, &path, false))
            .await?;
        if !(200..300).contains(&response.status) {
            let text = String::from_utf8_lossy(&response.body);
            return Err(ApiError::from_status(response.status, &text));
        }
        Ok(response.body)
    }

    /// Uploads one document (its bytes); the answer names it for a material answer.
    pub async fn upload_material(&self, bytes: Vec<u8>) -> Result<MaterialUploaded, ApiError> {
        let mut request = self.request(Method::Post, "/materials", true);
        request.headers.push((
            "content-type".to_owned(),
            "application/octet-stream".to_owned(),
        ));
        request.body = Some(bytes);
        let (status, text) = self.answer(request).await?;
        serde_json::from_str(&text).map_err(|e| ApiError::Server {
            status,
            detail: format!("unexpected answer: {e}"),
        })
    }

    /// The full name, ID number and phone to fill forms with.
    pub async fn profile(&self) -> Result<crate::auth::Profile, ApiError> {
        self.get_json("/me/profile").await
    }

    /// The person's drafts as the server has them (to continue on this device).
    pub async fn drafts(&self) -> Result<Vec<DraftSnapshot>, ApiError> {
        self.get_json("/drafts").await
    }

    /// One draft on the server.
    pub async fn draft(&self, id: &str) -> Result<DraftSnapshot, ApiError> {
        self.get_json(&format!("/drafts/{}", encode_segment(id)))
            .await
    }

    /// The person's applications, newest first.
    pub async fn applications(&self) -> Result<Vec<ApplicationSummary>, ApiError> {
        let list: ApplicationList = self.get_json("/applications").await?;
        Ok(list.items)
    }

    /// One application with its answers and timeline.
    pub async fn application(&self, id: &str) -> Result<Application, ApiError> {
        self.get_json(&format!("/applications/{}", encode_segment(id)))
            .await
    }

    /// Supplies what a supplement asked for.
    pub async fn supply(&self, id: &str, answers: Answers) -> Result<Application, ApiError> {
        let path = format!("/applications/{}/supplement", encode_segment(id));
        self.send_json(Method::Post, &path, Some(&Supplement { answers }))
            .await
    }

    /// Staff: every application, newest first.
    pub async fn staff_applications(&self) -> Result<Vec<ApplicationSummary>, ApiError> {
        let list: ApplicationList = self.get_json("/staff/applications").await?;
        Ok(list.items)
    }

    /// Staff: move an application along its life.
    pub async fn staff_move(
        &self,
        id: &str,
        change: &StatusChange,
    ) -> Result<Application, ApiError> {
        let path = format!("/staff/applications/{}/status", encode_segment(id));
        self.send_json(Method::Post, &path, Some(change)).await
    }

    /// The person's messages, newest first, and how many are unread.
    pub async fn messages(&self) -> Result<crate::message::MessageList, ApiError> {
        self.get_json("/me/messages").await
    }

    /// Marks a message read.
    pub async fn read_message(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/me/messages/{}/read", encode_segment(id));
        self.send_empty(Method::Post, &path, None::<&()>).await
    }

    /// Staff: the department's queue (`query` is the query string, e.g. `status=submitted`).
    pub async fn staff_cases(
        &self,
        query: &str,
    ) -> Result<Vec<crate::case::StaffCaseSummary>, ApiError> {
        let path = if query.is_empty() {
            "/staff/cases".to_owned()
        } else {
            format!("/staff/cases?{query}")
        };
        let list: crate::case::StaffCaseList = self.get_json(&path).await?;
        Ok(list.items)
    }

    /// Staff: one case of the department.
    pub async fn staff_case(&self, id: &str) -> Result<crate::case::StaffCase, ApiError> {
        self.get_json(&format!("/staff/cases/{}", encode_segment(id)))
            .await
    }

    /// Staff: move a case along.
    pub async fn staff_move_case(
        &self,
        id: &str,
        change: &crate::case::CaseMove,
    ) -> Result<crate::case::StaffCase, ApiError> {
        let path = format!("/staff/cases/{}/status", encode_segment(id));
        self.send_json(Method::Post, &path, Some(change)).await
    }

    /// Staff (supervisor): give a case to a colleague.
    pub async fn staff_assign(
        &self,
        id: &str,
        staff_id: &str,
    ) -> Result<crate::case::StaffCase, ApiError> {
        let path = format!("/staff/cases/{}/assignee", encode_segment(id));
        let body = crate::case::AssignRequest {
            staff_id: staff_id.to_owned(),
        };
        self.send_json(Method::Post, &path, Some(&body)).await
    }

    /// Staff (supervisor): the department's numbers.
    pub async fn staff_stats(&self) -> Result<crate::case::DepartmentStats, ApiError> {
        self.get_json("/staff/stats").await
    }

    /// Where a document of a case is opened (for an `<img>` or a PDF viewer).
    pub fn staff_document_path(case_id: &str, object_id: &str) -> String {
        format!(
            "{API_PREFIX}/staff/cases/{}/documents/{}",
            encode_segment(case_id),
            encode_segment(object_id)
        )
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send_json(Method::Get, path, None::<&()>).await
    }

    async fn send_json<T: DeserializeOwned, B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let (status, text) = self.send(method, path, body).await?;
        serde_json::from_str(&text).map_err(|e| ApiError::Server {
            status,
            detail: format!("unexpected answer: {e}"),
        })
    }

    async fn send_empty<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        self.send(method, path, body).await.map(|_| ())
    }

    /// One JSON request: the session attached, the answer's status mapped to `ApiError`.
    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(u16, String), ApiError> {
        let mut request = self.request(method, path, true);
        if let Some(body) = body {
            let json = serde_json::to_vec(body).map_err(|e| ApiError::Network {
                detail: format!("the request could not be written: {e}"),
            })?;
            request
                .headers
                .push(("content-type".to_owned(), "application/json".to_owned()));
            request.body = Some(json);
        }
        self.answer(request).await
    }

    /// Sends `request` and maps a refusal to `ApiError`. A draft change answers with its reply
    /// as the body, whatever the status. A refused session is forgotten so the shell asks the
    /// person to log in again.
    async fn answer(&self, request: HttpRequest) -> Result<(u16, String), ApiError> {
        let is_change = request.url.ends_with("/changes");
        let response = self.exchange(request).await?;
        let status = response.status;
        let text = String::from_utf8(response.body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let is_change_reply = matches!(status, 409 | 422)
            && is_change
            && serde_json::from_str::<ChangeReply>(&text).is_ok();
        if !(200..300).contains(&status) && !is_change_reply {
            let error = ApiError::from_status(status, &text);
            if error == ApiError::Unauthorized {
                if let Some(secrets) = &self.secrets {
                    secrets.clear();
                }
            }
            return Err(error);
        }
        Ok((status, text))
    }
}

/// Percent-encodes one path segment (codes are ASCII in practice; anything else is escaped).
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
