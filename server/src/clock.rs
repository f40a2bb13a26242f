//! The server's idea of "now", behind a trait so tests can move time (code and session expiry)
//! without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub trait Clock: Send + Sync + 'static {
    /// Unix seconds.
    fn now(&self) -> i64;
}

pub type SharedClock = Arc<dyn Clock>;

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default()
    }
}

/// A clock that moves only when told to (tests).
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn starting_now() -> Self {
        Self(Arc::new(AtomicI64::new(SystemClock.now())))
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    /// Moves the clock to a moment (Unix seconds).
    pub fn set(&self, unix_seconds: i64) {
        self.0.store(unix_seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub use tongban_core::identity::china_date;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_taken_in_china_time() {
        assert_eq!(china_date(0), (1970, 1, 1));
        // 2026-11-28 16:00 UTC is already the 29th in Beijing; a second earlier it is not.
        assert_eq!(china_date(1_795_881_600), (2026, 11, 29));
        assert_eq!(china_date(1_795_881_599), (2026, 11, 28));
        assert_eq!(china_date(951_782_400), (2000, 2, 29));
    }
}
