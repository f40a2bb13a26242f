//! Host super-apps that embed Tongban (浙里办, WeChat and Alipay mini-programs, a province's own
//! portal): what the app may learn about its host, how the host logs a person in, and the message
//! format a generic host speaks over `postMessage`.
//!
//! The registry itself is server configuration; clients only read a host's public side.

use serde::{Deserialize, Serialize};

/// How the app talks to its host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Bridge {
    /// 浙里办-style JS bridge (`window.ZWJSBridge`) inside the host's web container.
    Zlb,
    /// WeChat mini-program `<web-view>` (`wx.miniProgram`).
    Wechat,
    /// Alipay mini-program `<web-view>` (`my.postMessage`).
    Alipay,
    /// An iframe or WebView speaking Tongban's `postMessage` format (`HostMessage`).
    #[default]
    Generic,
}

impl Bridge {
    pub fn code(self) -> &'static str {
        match self {
            Self::Zlb => "zlb",
            Self::Wechat => "wechat",
            Self::Alipay => "alipay",
            Self::Generic => "generic",
        }
    }
}

/// How a host's tickets are checked: signed by the host, or validated by the host's own service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SsoFlow {
    /// The host hands the app an Ed25519-signed ticket (a JWT, `alg: EdDSA`).
    Signed,
    /// The app sends the person to `login_url` (with `service` and `redirect` query parameters);
    /// the host sends them back with `?ticket=…`, which the server validates with the host.
    Validated { login_url: String },
}

/// Colours a host asks for, as CSS colours (`#rrggbb`). The server only lets through pairs that
/// keep text contrast at 4.5:1 or better.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostTheme {
    /// The host's brand colour: header, primary buttons.
    pub primary: Option<String>,
    /// Text on the brand colour.
    pub on_primary: Option<String>,
}

/// What any client may know about a registered host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostInfo {
    pub id: String,
    /// The host's name as people know it (浙里办).
    pub name: String,
    pub bridge: Bridge,
    /// The origins of the host's pages: the only ones the app answers over `postMessage`.
    pub origins: Vec<String>,
    pub sso: SsoFlow,
    #[serde(default)]
    pub theme: HostTheme,
    /// The host draws its own title bar, so the app hides its header.
    pub has_own_header: bool,
}

/// A ticket from a host, to exchange for a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostTicketRequest {
    pub ticket: String,
    #[serde(default)]
    pub delivery: crate::auth::SessionDelivery,
}

/// The claims of a signed host ticket (JWT, `alg: EdDSA`). `phone` is the mobile number the host
/// verified; `name` and `id_number` count only for hosts trusted to assert identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostTicketClaims {
    /// The host's id in the registry.
    pub iss: String,
    /// Who the ticket is for: the server's configured audience.
    pub aud: String,
    /// The person's id at the host (stable).
    pub sub: String,
    /// Issued and expiry times, seconds since 1970.
    pub iat: i64,
    pub exp: i64,
    /// A unique ticket id: a ticket is used once.
    pub jti: String,
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

/// Messages between a generic host and the app over `postMessage`. Every message is a JSON object
/// with a `type` starting `tongban:`; the app only accepts them from the host's registered origins
/// and only posts them to those origins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HostMessage {
    // App → host.
    /// The app has started and waits for `tongban:hello`.
    #[serde(rename = "tongban:ready")]
    Ready { version: u32, path: String },
    /// Show this title in the host's title bar.
    #[serde(rename = "tongban:set-title")]
    SetTitle { title: String },
    /// Open a link outside the app (the host's browser or viewer).
    #[serde(rename = "tongban:open-link")]
    OpenLink { url: String },
    /// Call this number.
    #[serde(rename = "tongban:phone-call")]
    PhoneCall { number: String },
    /// Close the app.
    #[serde(rename = "tongban:close")]
    Close {},
    /// Something happened the host wants to know about.
    #[serde(rename = "tongban:event")]
    Event(HostEvent),
    /// The ticket could not be used; `code` is an error code (`ticket-used`, `ticket-expired` …).
    #[serde(rename = "tongban:login-failed")]
    LoginFailed { code: String },
    /// The person is logged in through the host.
    #[serde(rename = "tongban:logged-in")]
    LoggedIn {},

    // Host → app.
    /// The host answers `ready`: a ticket (if it logs the person in), its UI style and what it
    /// can do for the app.
    #[serde(rename = "tongban:hello")]
    Hello {
        #[serde(default)]
        ticket: Option<String>,
        #[serde(default)]
        ui_style: UiStyle,
        #[serde(default)]
        capabilities: Vec<String>,
    },
    /// The person switched the host's elder style.
    #[serde(rename = "tongban:ui-style")]
    UiStyleChanged { ui_style: UiStyle },
}

/// The host's UI style: `elder` turns care mode on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UiStyle {
    #[default]
    Normal,
    Elder,
}

/// Events the app tells its host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum HostEvent {
    /// An application was submitted.
    ApplicationSubmitted {
        receipt_number: String,
        matter_code: String,
    },
    /// A payment step finished.
    PaymentFinished {
        receipt_number: String,
        matter_code: String,
    },
}

/// Whether `text` is a `#rrggbb` colour.
pub fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// WCAG contrast ratio of two `#rrggbb` colours (1.0–21.0), or `None` if either is not one.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    fn luminance(hex: &str) -> Option<f64> {
        if !is_hex_colour(hex) {
            return None;
        }
        let channel = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).ok()?) / 255.0;
            Some(if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            })
        };
        Some(0.2126 * channel(1)? + 0.7152 * channel(3)? + 0.0722 * channel(5)?)
    }
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_documented_shape() {
        let ready = HostMessage::Ready {
            version: 1,
            path: "/matter/1".into(),
        };
        assert_eq!(
            serde_json::to_value(&ready).unwrap(),
            serde_json::json!({"type": "tongban:ready", "version": 1, "path": "/matter/1"})
        );
        let event = HostMessage::Event(HostEvent::ApplicationSubmitted {
            receipt_number: "R1".into(),
            matter_code: "M".into(),
        });
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::json!({"type": "tongban:event", "name": "application-submitted",
                "receipt_number": "R1", "matter_code": "M"})
        );
        let hello: HostMessage = serde_json::from_value(
            serde_json::json!({"type": "tongban:hello", "ticket": "t", "ui_style": "elder"}),
        )
        .unwrap();
        assert_eq!(
            hello,
            HostMessage::Hello {
                ticket: Some("t".into()),
                ui_style: UiStyle::Elder,
                capabilities: vec![],
            }
        );
        assert!(
            serde_json::from_value::<HostMessage>(serde_json::json!({"type": "other"})).is_err()
        );
    }

    #[test]
    fn contrast_is_measured_like_wcag() {
        let black_white = contrast_ratio("#000000", "#ffffff").unwrap();
        assert!((black_white - 21.0).abs() < 0.01);
        assert!((contrast_ratio("#777777", "#ffffff").unwrap() - 4.48).abs() < 0.01);
        assert_eq!(contrast_ratio("red", "#ffffff"), None);
        assert!(!is_hex_colour("#12345"));
    }
}
