//! Delivering the outbox of notifications: texts through the SMS gateway, messages through the
//! host super-apps' channels. A background task claims what is due, sends it, and on failure
//! tries again later (5 s, 10 s, 20 s … up to an hour apart; given up after a day of trying).
//! A case never waits for this: its notifications were stored with it, in its transaction.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;
use crate::store::{Channel, PendingNotification};

/// Attempts before a notification is given up.
pub const MAX_ATTEMPTS: i64 = 14;
/// How long a worker holds a claimed notification before another may take it.
const CLAIM_SECONDS: i64 = 60;

/// When to try again after `attempts` failed attempts.
pub fn retry_delay(attempts: i64) -> i64 {
    let exponent = attempts.clamp(0, 10) as u32;
    (5i64 * 2i64.pow(exponent)).min(3600)
}

/// Starts the worker; it stops when `stop` turns true.
pub fn spawn(state: AppState, every: Duration, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        loop {
            if let Err(e) = deliver_due(&state, &http).await {
                tracing::warn!(error = %e, "delivering notifications failed; trying again soon");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
        }
    })
}

/// Sends what is due now. Returns how many were delivered.
pub async fn deliver_due(state: &AppState, http: &reqwest::Client) -> Result<usize, sqlx::Error> {
    let now = state.auth.now();
    let due = state
        .store
        .claim_notifications(now, CLAIM_SECONDS, 50)
        .await?;
    let mut delivered = 0;
    for n in due {
        match send(state, http, &n).await {
            Ok(()) => {
                state
                    .store
                    .notification_delivered(&n.id, state.auth.now())
                    .await?;
                delivered += 1;
            }
            Err(error) => {
                let attempts = n.attempts + 1;
                let retry_at =
                    (attempts < MAX_ATTEMPTS).then(|| state.auth.now() + retry_delay(attempts));
                tracing::warn!(
                    id = %n.id,
                    channel = n.channel.code(),
                    attempts,
                    given_up = retry_at.is_none(),
                    %error,
                    "a notification was not delivered"
                );
                state
                    .store
                    .notification_failed(&n.id, &error, retry_at, state.auth.now())
                    .await?;
            }
        }
    }
    Ok(delivered)
}

async fn send(
    state: &AppState,
    http: &reqwest::Client,
    n: &PendingNotification,
) -> Result<(), String> {
    match n.channel {
        Channel::Sms => {
            let account = state
                .store
                .account(&n.account_id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the account is gone")?;
            state
                .auth
                .services
                .sms
                .notify(&account.phone, &n.template, &n.params)
                .await
        }
        Channel::Host => {
            let links = state
                .store
                .host_links_of(&n.account_id)
                .await
                .map_err(|e| e.to_string())?;
            let mut sent = false;
            for (host_id, host_user_id) in links {
                let Some(url) = state
                    .hosts
                    .registry
                    .get(&host_id)
                    .and_then(|h| h.notify_url.clone())
                else {
                    continue;
                };
                let body = serde_json::json!({
                    "host_user_id": host_user_id,
                    "template": n.template,
                    "params": n.params,
                });
                let response = http
                    .post(&url)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| format!("{host_id} unreachable: {e}"))?;
                if !response.status().is_success() {
                    return Err(format!("{host_id} answered {}", response.status()));
                }
                sent = true;
            }
            if sent {
                Ok(())
            } else {
                Err("no linked host takes messages".into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(super::retry_delay(1), 10);
        assert_eq!(super::retry_delay(2), 20);
        assert_eq!(super::retry_delay(20), 3600);
    }
}
