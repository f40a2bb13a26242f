//! The host super-app the PWA runs in, behind one small interface: detected at start (浙里办's JS
//! bridge, a WeChat or Alipay mini-program web-view, a generic host over `postMessage`, or none),
//! then asked to log the person in, set the title, call a number, open a link, and told when an
//! application is submitted. A capability the host lacks falls back to the web's own way (`tel:`
//! links, the document title), so no button is ever dead.
//!
//! The message format of the generic host is `tongban_core::host::HostMessage`
//! (docs/embedding.md).

use leptos::prelude::*;
use tongban_core::host::{HostEvent, HostInfo, HostMessage, SsoFlow, UiStyle};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::store::api;
use crate::t;

/// Remembers the host for the tab: in-app reloads keep it without `?host=` in every link.
const HOST_KEY: &str = "tongban.host";

/// Which kind of host the app runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    Standalone,
    Zlb,
    Wechat,
    Alipay,
    Generic,
}

/// What the page can observe about its surroundings.
#[derive(Clone, Debug, Default)]
pub struct Surroundings {
    pub user_agent: String,
    pub has_zwjsbridge: bool,
    /// `window.__wxjs_environment`.
    pub wx_environment: Option<String>,
    pub has_alipay_my: bool,
    /// `?host=` in the address, or the host remembered for this tab.
    pub host_param: Option<String>,
}

/// The host kind and its registry id. Bridges are known by their markers (and default to the
/// conventional ids `zlb`, `wechat`, `alipay`); a generic host names itself with `?host=ID`.
pub fn detect(s: &Surroundings) -> (HostKind, Option<String>) {
    let named = s.host_param.clone().filter(|id| {
        !id.is_empty()
            && id.len() <= 32
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    let kind = if s.has_zwjsbridge || s.user_agent.contains("ZWJSBridge") {
        HostKind::Zlb
    } else if s.wx_environment.as_deref() == Some("miniprogram")
        || s.user_agent.contains("miniProgram")
    {
        HostKind::Wechat
    } else if s.user_agent.contains("AlipayClient")
        && (s.has_alipay_my || s.user_agent.contains("MiniProgram"))
    {
        HostKind::Alipay
    } else if named.is_some() {
        HostKind::Generic
    } else {
        HostKind::Standalone
    };
    let id = match kind {
        HostKind::Standalone => None,
        HostKind::Zlb => named.or(Some("zlb".into())),
        HostKind::Wechat => named.or(Some("wechat".into())),
        HostKind::Alipay => named.or(Some("alipay".into())),
        HostKind::Generic => named,
    };
    (kind, id)
}

/// The host, shared through context.
#[derive(Clone, Copy)]
pub struct Host {
    pub kind: HostKind,
    id: StoredValue<Option<String>>,
    pub info: RwSignal<Option<HostInfo>>,
    /// What a generic host said it can do (`set-title`, `phone-call` … — docs/embedding.md).
    capabilities: RwSignal<Vec<String>>,
    /// Why the host's login did not work (an error code), shown on the page.
    pub login_error: RwSignal<Option<String>>,
    /// False while the host's single sign-on may still log the person in: pages wait, so a deep
    /// link is not sent to the login page first.
    pub ready: RwSignal<bool>,
}

impl Host {
    pub fn id(&self) -> Option<String> {
        self.id.get_value()
    }

    fn can(&self, capability: &str) -> bool {
        match self.kind {
            HostKind::Zlb => matches!(
                capability,
                "set-title" | "open-link" | "phone-call" | "close"
            ),
            HostKind::Wechat | HostKind::Alipay => capability == "events",
            HostKind::Generic => self
                .capabilities
                .with_untracked(|c| c.iter().any(|x| x == capability)),
            HostKind::Standalone => false,
        }
    }

    /// Sends a message to a generic host: only to its registered origins.
    fn post(&self, message: &HostMessage) {
        let Some(info) = self.info.get_untracked() else {
            return;
        };
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        let Ok(value) = js_sys::JSON::parse(&text) else {
            return;
        };
        if let Some(frame_parent) = framing_window() {
            for origin in &info.origins {
                let _ = frame_parent.post_message(&value, origin);
            }
        } else if global(&["webkit", "messageHandlers", NATIVE_HANDLER]).is_some() {
            // iOS WKWebView host: a script message handler named `tongbanHost`.
            call_bridge(
                &["webkit", "messageHandlers", NATIVE_HANDLER],
                "postMessage",
                &value,
            );
        } else if global(&["TongbanHost"]).is_some() {
            // Android WebView host: a JavaScript interface `TongbanHost` taking JSON text.
            call_bridge(&["TongbanHost"], "postMessage", &JsValue::from_str(&text));
        }
    }
}

pub fn use_host() -> Host {
    expect_context::<Host>()
}

thread_local! {
    static CURRENT: std::cell::Cell<Option<Host>> = const { std::cell::Cell::new(None) };
}

/// The host, also outside components (observers, tasks, the sync loop).
fn current() -> Option<Host> {
    CURRENT.with(|c| c.get())
}

/// The script message handler an iOS host registers (`window.webkit.messageHandlers.tongbanHost`).
const NATIVE_HANDLER: &str = "tongbanHost";

/// The page framing the app (an iframe host), if any.
fn framing_window() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (parent != window).then_some(parent)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

fn global(path: &[&str]) -> Option<JsValue> {
    let mut value: JsValue = window().into();
    for part in path {
        value = js_sys::Reflect::get(&value, &JsValue::from_str(part)).ok()?;
        if value.is_undefined() || value.is_null() {
            return None;
        }
    }
    Some(value)
}

/// Calls `object.method(argument)` on a bridge object, returning what it returned.
fn call_bridge(path: &[&str], method: &str, argument: &JsValue) -> Option<JsValue> {
    let object = global(path)?;
    let function: js_sys::Function = js_sys::Reflect::get(&object, &JsValue::from_str(method))
        .ok()?
        .dyn_into()
        .ok()?;
    function.call1(&object, argument).ok()
}

fn js_object(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object.into()
}

fn surroundings() -> Surroundings {
    let remembered = session_storage().and_then(|s| s.get_item(HOST_KEY).ok().flatten());
    Surroundings {
        user_agent: window().navigator().user_agent().unwrap_or_default(),
        has_zwjsbridge: global(&["ZWJSBridge"]).is_some(),
        wx_environment: global(&["__wxjs_environment"]).and_then(|v| v.as_string()),
        has_alipay_my: global(&["my", "postMessage"]).is_some(),
        host_param: query_param("host").or(remembered),
    }
}

/// Detects the host, provides it to the app, and starts talking to it: its description (colours,
/// header), its UI style, and its single sign-on.
pub fn provide_host(care: crate::prefs::Care, session: crate::account::Session) -> Host {
    let (kind, id) = detect(&surroundings());
    let host = Host {
        kind,
        id: StoredValue::new(id.clone()),
        info: RwSignal::new(None),
        capabilities: RwSignal::new(Vec::new()),
        login_error: RwSignal::new(None),
        ready: RwSignal::new(id.is_none()),
    };
    let login = Login {
        host,
        session,
        drafts: crate::sync::use_drafts_or_none(),
    };
    provide_context(host);
    CURRENT.with(|c| c.set(Some(host)));
    // The host hears of each application made here, once.
    if let Some(drafts) = login.drafts {
        Effect::new(move |_| {
            if let Some(done) = drafts.submitted.get() {
                notify(HostEvent::ApplicationSubmitted {
                    receipt_number: done.receipt,
                    matter_code: done.form_id,
                });
            }
        });
    }
    let Some(id) = id else {
        return host;
    };
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(HOST_KEY, &id);
    }
    crate::store::set_host(&id);
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-host", &id);
    }
    // A host that never answers does not keep the person waiting.
    set_timeout(
        move || host.ready.set(true),
        std::time::Duration::from_secs(5),
    );
    leptos::task::spawn_local(async move {
        let info = match api().host_info(&id).await {
            Ok(info) => info,
            // Unknown host or offline: the app works as standalone, without the host's login.
            Err(_) => {
                host.ready.set(true);
                return;
            }
        };
        apply_chrome(&info);
        host.info.set(Some(info.clone()));
        follow_theme(&info, care);
        // A ticket in the address (validated flow, mini-programs) is used first.
        if let Some(ticket) = query_param("ticket") {
            forget_ticket_in_address();
            login.run(&id, &ticket).await;
        }
        match kind {
            // Ready once the host said hello (with or without a ticket).
            HostKind::Generic => listen(login, care),
            HostKind::Zlb => {
                zlb_start(host, care, &info);
                host.ready.set(true);
            }
            _ => host.ready.set(true),
        }
    });
    host
}

/// What logging in through the host touches: the host's state, the session, the drafts.
#[derive(Clone, Copy)]
struct Login {
    host: Host,
    session: crate::account::Session,
    drafts: Option<crate::sync::Drafts>,
}

impl Login {
    async fn run(self, id: &str, ticket: &str) {
        let host = self.host;
        match api().host_login(id, ticket).await {
            Ok(account) => {
                host.login_error.set(None);
                if let Some(drafts) = self.drafts {
                    drafts.set_account(&account.id);
                }
                self.session.refresh();
                host.post(&HostMessage::LoggedIn {});
            }
            Err(error) => {
                let code = match &error {
                    tongban_core::ApiError::Validation { code, .. }
                    | tongban_core::ApiError::Conflict { code, .. } => code.clone(),
                    other => other.message_id().trim_start_matches("error-").to_owned(),
                };
                host.login_error.set(Some(code.clone()));
                host.post(&HostMessage::LoginFailed { code });
            }
        }
    }
}

fn apply_chrome(info: &HostInfo) {
    if let Some(root) = document().document_element() {
        let _ = root
            .class_list()
            .toggle_with_force("host-chrome", info.has_own_header);
    }
}

/// The host's colours, while they meet the contrast the current mode needs (4.5:1, care 7:1).
fn follow_theme(info: &HostInfo, care: crate::prefs::Care) {
    let theme = info.theme.clone();
    Effect::new(move |_| {
        let needed = if care.on.get() { 7.0 } else { 4.5 };
        let Some(root) = document()
            .document_element()
            .and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let style = root.style();
        let pair = theme.primary.as_deref().zip(theme.on_primary.as_deref());
        match pair
            .filter(|(p, o)| tongban_core::host::contrast_ratio(p, o).unwrap_or(0.0) >= needed)
        {
            Some((primary, on)) => {
                let _ = style.set_property("--brand", primary);
                let _ = style.set_property("--on-brand", on);
                // Links are brand-coloured text on white: only where that reads well too.
                if tongban_core::host::contrast_ratio(primary, "#ffffff").unwrap_or(0.0) >= needed {
                    let _ = style.set_property("--brand-dark", primary);
                } else {
                    let _ = style.remove_property("--brand-dark");
                }
            }
            None => {
                for name in ["--brand", "--on-brand", "--brand-dark"] {
                    let _ = style.remove_property(name);
                }
            }
        }
    });
}

/// Removes `?ticket=` from the address so a reload or a shared link does not carry it.
fn forget_ticket_in_address() {
    let location = window().location();
    let Ok(search) = location.search() else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    params.delete("ticket");
    let query: String = params.to_string().into();
    let path = format!(
        "{}{}{}",
        location.pathname().unwrap_or_default(),
        if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        },
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

/// A generic host: say `ready`, then follow what it says — only from its registered origins.
fn listen(login: Login, care: crate::prefs::Care) {
    let host = login.host;
    let handler =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            // From the framing page's registered origin; or, top-level in a native WebView,
            // from the host's own `evaluateJavascript` (posted by this very window).
            let from_frame_host = framing_window().is_some()
                && host.info.with_untracked(|i| {
                    i.as_ref()
                        .is_some_and(|i| i.origins.iter().any(|o| *o == event.origin()))
                });
            let from_native_host = framing_window().is_none()
                && event.origin() == window().location().origin().unwrap_or_default()
                && event
                    .source()
                    .is_some_and(|s| JsValue::from(s) == JsValue::from(window()));
            let trusted = from_frame_host || from_native_host;
            if !trusted {
                return;
            }
            let Ok(text) = js_sys::JSON::stringify(&event.data()) else {
                return;
            };
            let Ok(message) = serde_json::from_str::<HostMessage>(&String::from(text)) else {
                return;
            };
            match message {
                HostMessage::Hello {
                    ticket,
                    ui_style,
                    capabilities,
                } => {
                    host.capabilities.set(capabilities);
                    care.follow(ui_style == UiStyle::Elder);
                    crate::host::retitle(true);
                    match (ticket, host.id()) {
                        (Some(ticket), Some(id)) => leptos::task::spawn_local(async move {
                            login.run(&id, &ticket).await;
                            host.ready.set(true);
                        }),
                        _ => host.ready.set(true),
                    }
                }
                HostMessage::UiStyleChanged { ui_style } => care.follow(ui_style == UiStyle::Elder),
                _ => {}
            }
        });
    let _ = window().add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    handler.forget();
    let path = window().location().pathname().unwrap_or_default();
    host.post(&HostMessage::Ready { version: 1, path });
}

/// 浙里办: follow `getUiStyle`, and log in through the host's SSO when no session is there.
fn zlb_start(host: Host, care: crate::prefs::Care, info: &HostInfo) {
    if let Some(promise) = call_bridge(&["ZWJSBridge"], "getUiStyle", &js_object(&[])) {
        if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
            leptos::task::spawn_local(async move {
                if let Ok(answer) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    let style = js_sys::Reflect::get(&answer, &JsValue::from_str("uiStyle"))
                        .ok()
                        .and_then(|v| v.as_string());
                    care.follow(style.as_deref() == Some("elder"));
                }
            });
        }
    }
    if let SsoFlow::Validated { login_url } = &info.sso {
        let login_url = login_url.clone();
        leptos::task::spawn_local(async move {
            let logged_in = api().me().await.is_ok();
            if !logged_in && host.login_error.get_untracked().is_none() {
                redirect_to_host_login(&login_url);
            }
        });
    }
}

/// Sends the person to the host's login, which comes back here with `?ticket=`.
fn redirect_to_host_login(login_url: &str) {
    let here = window().location().href().unwrap_or_default();
    let separator = if login_url.contains('?') { '&' } else { '?' };
    let target = format!(
        "{login_url}{separator}redirect={}",
        String::from(js_sys::encode_uri_component(&here))
    );
    let _ = window().location().set_href(&target);
}

/// Shows the page's title in the tab and in the host's title bar: the page's `<h1>`.
pub fn retitle(force: bool) {
    let heading = document()
        .query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|h| h.text_content())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let app = crate::i18n::loader().get("app-name");
    let title = match &heading {
        Some(h) if *h != app => format!("{h} · {app}"),
        _ => app.clone(),
    };
    // Only a changed title is told (the observer fires on every change inside `<main>`), unless
    // forced: a host that just said hello has not heard it yet.
    if document().title() == title && !force {
        return;
    }
    document().set_title(&title);
    let Some(host) = current() else {
        return;
    };
    let short = heading.unwrap_or(app);
    match host.kind {
        HostKind::Zlb => {
            call_bridge(
                &["ZWJSBridge"],
                "setTitle",
                &js_object(&[("title", &short)]),
            );
        }
        HostKind::Generic if host.can("set-title") => {
            host.post(&HostMessage::SetTitle { title: short })
        }
        // Mini-program web-views show the document's title themselves.
        _ => {}
    }
}

/// Keeps the titles in step with the page: whenever `<main>` changes.
pub fn follow_headings() {
    let observer = Closure::<dyn FnMut()>::new(|| retitle(false));
    let Ok(mutation) = web_sys::MutationObserver::new(observer.as_ref().unchecked_ref()) else {
        return;
    };
    observer.forget();
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    options.set_character_data(true);
    if let Some(main) = document().get_element_by_id("main") {
        let _ = mutation.observe_with_options(&main, &options);
    }
    retitle(false);
}

/// A phone call through the host where it can place one; `false` means "use the `tel:` link".
pub fn call(number: &str) -> bool {
    let Some(host) = current() else {
        return false;
    };
    match host.kind {
        HostKind::Zlb if global(&["ZWJSBridge", "phoneCall"]).is_some() => call_bridge(
            &["ZWJSBridge"],
            "phoneCall",
            &js_object(&[("corpId", number)]),
        )
        .is_some(),
        HostKind::Generic if host.can("phone-call") => {
            host.post(&HostMessage::PhoneCall {
                number: number.to_owned(),
            });
            true
        }
        _ => false,
    }
}

/// Tells the host what happened (mini-programs receive it on back, close or share).
pub fn notify(event: HostEvent) {
    let Some(host) = current() else {
        return;
    };
    let message = HostMessage::Event(event);
    match host.kind {
        HostKind::Generic => host.post(&message),
        HostKind::Wechat | HostKind::Alipay => {
            let Ok(text) = serde_json::to_string(&message) else {
                return;
            };
            let Ok(data) = js_sys::JSON::parse(&text) else {
                return;
            };
            if host.kind == HostKind::Wechat {
                let wrapped = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&wrapped, &JsValue::from_str("data"), &data);
                call_bridge(&["wx", "miniProgram"], "postMessage", &wrapped);
            } else {
                call_bridge(&["my"], "postMessage", &data);
            }
        }
        // 浙里办's bridge has no event channel for this; its pages learn from its own backend.
        HostKind::Zlb | HostKind::Standalone => {}
    }
}

/// A phone number as a link: the host places the call where it can, else the browser's `tel:`.
#[component]
pub fn PhoneLink(
    number: String,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let href = format!("tel:{number}");
    view! {
        <a class=class href=href on:click=move |ev| if call(&number) { ev.prevent_default() }>
            {children()}
        </a>
    }
}

/// The host's login did not work: say why, and offer the app's own login.
#[component]
pub fn HostLoginNotice() -> impl IntoView {
    let host = use_host();
    move || {
        host.login_error.get().map(|code| {
            let name = host.info.with(|i| i.as_ref().map(|i| i.name.clone()).unwrap_or_default());
            let path = window().location().pathname().unwrap_or_default();
            view! {
                <section class="notice notice-error host-notice" role="alert">
                    <p>{crate::i18n::loader().get(&format!("error-{code}"))}</p>
                    <p>{t!("host-login-failed", host = name)}</p>
                    <p><a class="button" href=crate::account::login_path(&path)>{t!("host-login-phone")}</a></p>
                </section>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    fn seen(ua: &str) -> Surroundings {
        Surroundings {
            user_agent: ua.into(),
            ..Default::default()
        }
    }

    #[wasm_bindgen_test]
    fn hosts_are_told_apart_by_their_markers() {
        assert_eq!(
            detect(&seen("Mozilla/5.0 Chrome/131")),
            (HostKind::Standalone, None)
        );
        let zlb = Surroundings {
            has_zwjsbridge: true,
            ..seen("Mozilla/5.0")
        };
        assert_eq!(detect(&zlb), (HostKind::Zlb, Some("zlb".into())));
        let wechat = Surroundings {
            wx_environment: Some("miniprogram".into()),
            ..seen("MicroMessenger/8.0")
        };
        assert_eq!(detect(&wechat), (HostKind::Wechat, Some("wechat".into())));
        // WeChat's own browser (not a mini-program) is no host.
        assert_eq!(detect(&seen("MicroMessenger/8.0")).0, HostKind::Standalone);
        let alipay = Surroundings {
            has_alipay_my: true,
            ..seen("AlipayClient/10.5")
        };
        assert_eq!(detect(&alipay), (HostKind::Alipay, Some("alipay".into())));
        let generic = Surroundings {
            host_param: Some("demo".into()),
            ..seen("Mozilla/5.0")
        };
        assert_eq!(detect(&generic), (HostKind::Generic, Some("demo".into())));
        let named_zlb = Surroundings {
            host_param: Some("zj-zlb".into()),
            has_zwjsbridge: true,
            ..seen("")
        };
        assert_eq!(detect(&named_zlb), (HostKind::Zlb, Some("zj-zlb".into())));
        // A malformed name is ignored rather than sent to the server.
        let junk = Surroundings {
            host_param: Some("../x".into()),
            ..seen("")
        };
        assert_eq!(detect(&junk), (HostKind::Standalone, None));
    }
}
