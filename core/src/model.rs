//! Domain models shared by every shell. Names follow the glossary in DESIGN.md.

use serde::{Deserialize, Serialize};

/// A text kept in the source language (zh-CN) with an optional English version.
///
/// Catalog data is written in Chinese first; an English name is added where the province supplies
/// one. Readers ask for a language and fall back to Chinese, never to an empty string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalizedText {
    /// The text in simplified Chinese: always present.
    pub zh: String,
    /// The English text, where one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl LocalizedText {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: Some(en.into()),
        }
    }

    /// The text for a BCP 47 language tag (`en`, `en-GB`, `zh-CN` …), falling back to Chinese.
    pub fn for_language(&self, language: &str) -> &str {
        let primary = language.split(['-', '_']).next().unwrap_or_default();
        match (primary.eq_ignore_ascii_case("en"), &self.en) {
            (true, Some(en)) if !en.trim().is_empty() => en,
            _ => &self.zh,
        }
    }
}

/// The legal kind of a government service matter (事项类型).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MatterType {
    /// 行政许可
    AdministrativeLicence,
    /// 行政确认
    AdministrativeConfirmation,
    /// 行政给付
    AdministrativePayment,
    /// 公共服务
    PublicService,
    /// 其他行政权力
    Other,
}

impl MatterType {
    pub const ALL: [MatterType; 5] = [
        Self::AdministrativeLicence,
        Self::AdministrativeConfirmation,
        Self::AdministrativePayment,
        Self::PublicService,
        Self::Other,
    ];

    /// The stable code used in storage and on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::AdministrativeLicence => "administrative_licence",
            Self::AdministrativeConfirmation => "administrative_confirmation",
            Self::AdministrativePayment => "administrative_payment",
            Self::PublicService => "public_service",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The Fluent message id of the type's display name.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::AdministrativeLicence => "matter-type-administrative-licence",
            Self::AdministrativeConfirmation => "matter-type-administrative-confirmation",
            Self::AdministrativePayment => "matter-type-administrative-payment",
            Self::PublicService => "matter-type-public-service",
            Self::Other => "matter-type-other",
        }
    }
}

/// Who a matter serves (服务对象).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Audience {
    /// 自然人
    Person,
    /// 法人
    Business,
}

impl Audience {
    pub fn code(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Business => "business",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Person, Self::Business]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// One government service matter (政务服务事项) as it appears in a list: enough to choose it.
///
/// This is the one definition of the type: the server stores and serves it (serde + OpenAPI), the
/// clients decode it, the mobile shells see it through uniffi.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MatterSummary {
    /// The matter's standard code (事项编码).
    pub code: String,
    pub name: LocalizedText,
    /// The implementing department (实施主体).
    pub department: LocalizedText,
    /// GB/T 2260 division code of the region that decides the matter (`100000` for national).
    pub region_code: String,
    pub matter_type: MatterType,
    pub audience: Audience,
    /// Whether the whole matter can be handled online (全程网办).
    pub fully_online: bool,
    /// Visits to a hall needed at most (到现场次数): 0 or 1.
    pub visits_needed: u32,
    /// Promised time limit in working days (承诺办结时限); 0 means handled on the spot (即办).
    pub promised_days: u32,
}
