//! The wallet (卡包) on a device: the person's certificates as their issuers last listed them,
//! each collected as an SD-JWT VC bound to the device's key, the trust bundle to check status
//! offline, and the history of what was shown when. The shell keeps it encrypted at rest (like
//! drafts) and asks the server again when online; this is what decides what to collect.

use serde::{Deserialize, Serialize};

use super::jws::{self, Signer};
use super::share::SHARE_AUDIENCE;
use super::status::Status;
use super::trust::{present_for_application, TrustBundle, SHOW_AUDIENCE};
use super::{
    document_claims, held_claims, present, Collected, CredentialError, CredentialKind,
    CredentialList, CredentialSummary,
};

/// Collected again this long before the certificate's own `exp` (a day), so it never lapses
/// on the device while the person is online now and then.
const RENEW_BEFORE: i64 = 86_400;
/// How many showings the history keeps.
const HISTORY: usize = 100;

/// One certificate in the wallet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub summary: CredentialSummary,
    /// The SD-JWT VC bound to this device's key, once collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd_jwt: Option<String>,
}

impl Held {
    /// Until when the collected SD-JWT holds (its `exp`).
    pub fn usable_until(&self) -> Option<i64> {
        let sd_jwt = self.sd_jwt.as_deref()?;
        jws::parts(sd_jwt.split('~').next()?)?
            .payload
            .get("exp")?
            .as_i64()
    }

    /// Whether it can be shown now: collected, not expired, and its issuer has not revoked or
    /// suspended it as far as the device knows.
    pub fn showable(&self, now: i64) -> bool {
        self.summary.status == Status::Valid && self.usable_until().is_some_and(|exp| exp > now)
    }
}

/// A showing: which certificate, which claims, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub credential: String,
    pub claims: Vec<String>,
    pub at: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Wallet {
    pub items: Vec<Held>,
    /// When the issuers' list was last fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<TrustBundle>,
    #[serde(default)]
    pub shown: Vec<Shown>,
}

impl Wallet {
    /// Takes the server's list as it is now: new certificates are added, ones no longer there
    /// dropped, statuses updated; a revoked or suspended one's SD-JWT is let go. Returns the ids
    /// to collect (valid, and not collected yet or expiring within a day).
    pub fn update(&mut self, list: CredentialList, now: i64) -> Vec<String> {
        let mut items = Vec::with_capacity(list.items.len());
        for summary in list.items {
            let kept = self
                .items
                .iter()
                .position(|h| h.summary.id == summary.id)
                .map(|i| self.items.swap_remove(i));
            let sd_jwt = kept
                .and_then(|h| h.sd_jwt)
                .filter(|_| summary.status == Status::Valid);
            items.push(Held { summary, sd_jwt });
        }
        self.items = items;
        self.synced_at = Some(now);
        self.items
            .iter()
            .filter(|h| h.summary.status == Status::Valid)
            .filter(|h| h.usable_until().is_none_or(|exp| exp - RENEW_BEFORE <= now))
            .map(|h| h.summary.id.clone())
            .collect()
    }

    /// Keeps what the server issued to this device.
    pub fn collected(&mut self, collected: Collected) {
        if let Some(held) = self.items.iter_mut().find(|h| h.summary.id == collected.id) {
            held.sd_jwt = Some(collected.sd_jwt);
        }
    }

    pub fn get(&self, id: &str) -> Option<&Held> {
        self.items.iter().find(|h| h.summary.id == id)
    }

    /// 亮证: the QR payload showing certificate `id` with only `claims`, made now by the
    /// device's key; the showing goes into the history. Refused if it is not showable.
    pub async fn show(
        &mut self,
        id: &str,
        claims: &[&str],
        nonce: &str,
        now: i64,
        device: &dyn Signer,
    ) -> Result<String, CredentialError> {
        self.disclose(id, claims, SHOW_AUDIENCE, nonce, now, device)
            .await
    }

    /// Certificate `id` disclosing only `claims`, for an online share with an organisation
    /// (the server keeps it behind a one-time code); the sharing goes into the history.
    pub async fn share(
        &mut self,
        id: &str,
        claims: &[&str],
        nonce: &str,
        now: i64,
        device: &dyn Signer,
    ) -> Result<String, CredentialError> {
        self.disclose(id, claims, SHARE_AUDIENCE, nonce, now, device)
            .await
    }

    /// Certificate `id` disclosing `claims` for `audience`, noted in the history.
    async fn disclose(
        &mut self,
        id: &str,
        claims: &[&str],
        audience: &str,
        nonce: &str,
        now: i64,
        device: &dyn Signer,
    ) -> Result<String, CredentialError> {
        let sd_jwt = self.showable_sd_jwt(id, now)?;
        if claims.is_empty() {
            return Err(CredentialError::NoSuchClaim(String::new()));
        }
        let presentation = present(&sd_jwt, claims, audience, nonce, now, device).await?;
        self.record_shown(id, claims, now);
        Ok(presentation)
    }

    /// The SD-JWT of certificate `id`, when it can be shown or presented now.
    fn showable_sd_jwt(&self, id: &str, now: i64) -> Result<String, CredentialError> {
        self.get(id)
            .filter(|h| h.showable(now))
            .and_then(|h| h.sd_jwt.clone())
            .ok_or(CredentialError::NotShowable)
    }

    /// The certificate of `kind` that can be used now, if the wallet holds one.
    pub fn usable(&self, kind: CredentialKind, now: i64) -> Option<&Held> {
        self.items
            .iter()
            .find(|h| h.summary.kind == kind && h.showable(now))
    }

    /// 免提交: certificate `id` presented for the application of draft `draft_id`, disclosing
    /// what it says on paper (`document_claims`); returns the presentation and those claims,
    /// and the use goes into the history. Refused if it is not usable now.
    pub async fn present_for_application(
        &mut self,
        id: &str,
        draft_id: &str,
        now: i64,
        device: &dyn Signer,
    ) -> Result<(String, Vec<String>), CredentialError> {
        let sd_jwt = self.showable_sd_jwt(id, now)?;
        let held = held_claims(&sd_jwt).ok_or(CredentialError::NotShowable)?;
        let claims = document_claims(&held);
        let presentation = present_for_application(&sd_jwt, &claims, draft_id, now, device).await?;
        self.record_shown(id, &claims, now);
        Ok((
            presentation,
            claims.into_iter().map(str::to_owned).collect(),
        ))
    }

    /// Notes a showing (newest first, the last `HISTORY` kept).
    pub fn record_shown(&mut self, credential: &str, claims: &[&str], at: i64) {
        self.shown.insert(
            0,
            Shown {
                credential: credential.to_owned(),
                claims: claims.iter().map(|c| (*c).to_owned()).collect(),
                at,
            },
        );
        self.shown.truncate(HISTORY);
    }

    /// The showings of one certificate, newest first.
    pub fn history<'a>(&'a self, credential: &'a str) -> impl Iterator<Item = &'a Shown> + 'a {
        self.shown
            .iter()
            .filter(move |s| s.credential == credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::DepartmentRef;

    fn summary(id: &str, status: Status) -> CredentialSummary {
        CredentialSummary {
            id: id.into(),
            kind: CredentialKind::ResidentIdCard,
            issuer: DepartmentRef {
                id: "330100-ga".into(),
                name: Default::default(),
            },
            claims: Default::default(),
            issued_at: 0,
            expires_at: None,
            status,
        }
    }

    /// An SD-JWT whose issuer-signed part says `exp` (the signature is not looked at here).
    fn sd_jwt(exp: i64) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"dc+sd-jwt"}"#);
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"exp":{exp}}}"#));
        format!("{header}.{payload}.c2ln~")
    }

    #[test]
    fn the_wallet_collects_what_is_new_or_expiring_and_lets_go_of_what_was_revoked() {
        let now = 1_800_000_000;
        let mut wallet = Wallet::default();
        let list = |a: Status, b: Status| CredentialList {
            items: vec![summary("a", a), summary("b", b)],
        };
        assert_eq!(
            wallet.update(list(Status::Valid, Status::Valid), now),
            ["a", "b"]
        );
        for (id, exp) in [("a", now + 30 * 86_400), ("b", now + 3_600)] {
            wallet.collected(Collected {
                id: id.into(),
                sd_jwt: sd_jwt(exp),
                issuer: String::new(),
                status_list: String::new(),
            });
        }
        assert!(wallet.get("a").unwrap().showable(now));
        // b lapses within a day: collected again; a is kept as it is.
        assert_eq!(
            wallet.update(list(Status::Valid, Status::Valid), now),
            ["b"]
        );
        assert!(!wallet.get("b").unwrap().showable(now + 3_600));

        // Revoked: not shown, not collected, its SD-JWT gone; dropped from the server's list:
        // gone here too.
        assert!(wallet
            .update(list(Status::Revoked, Status::Suspended), now)
            .is_empty());
        assert!(wallet.get("a").unwrap().sd_jwt.is_none());
        assert!(!wallet.get("a").unwrap().showable(now));
        wallet.update(
            CredentialList {
                items: vec![summary("b", Status::Valid)],
            },
            now,
        );
        assert!(wallet.get("a").is_none());
        assert_eq!(wallet.synced_at, Some(now));
    }

    #[test]
    fn the_history_keeps_the_newest_showings() {
        let mut wallet = Wallet::default();
        for at in 0..(HISTORY as i64 + 5) {
            wallet.record_shown(if at % 2 == 0 { "a" } else { "b" }, &["name"], at);
        }
        assert_eq!(wallet.shown.len(), HISTORY);
        let a: Vec<i64> = wallet.history("a").map(|s| s.at).take(2).collect();
        assert_eq!(a, [HISTORY as i64 + 4, HISTORY as i64 + 2]);
    }
}
