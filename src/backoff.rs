//! The one retry delay: exponential, capped, jittered — shared by the outbox (a mail that
//! could not be sent) and the IMAP sync (a connection that failed).
//!
//! It owns the arithmetic only. Whether to retry at all is the error's answer
//! (`is_transient()`), and the jitter draw is an input, so the delays are testable; [`draw`] is
//! the one place that reads the OS random source for it.

use std::time::Duration;

/// Doubling stops after this many steps (the cap is reached long before anyway).
const MAX_DOUBLINGS: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The delay of step 0.
    pub first: Duration,
    /// No delay exceeds this, before jitter.
    pub cap: Duration,
    /// The jitter factor's range: a draw `u` in [0, 1] scales the delay by
    /// `low + u · (high − low)`, so clients retrying together spread out.
    pub spread: (f64, f64),
}

impl Backoff {
    /// `first · 2^step`, capped at `cap`, times the jitter factor for `draw`.
    pub fn delay(&self, step: u32, draw: f64) -> Duration {
        let exp = self
            .first
            .saturating_mul(1u32 << step.min(MAX_DOUBLINGS))
            .min(self.cap);
        let (low, high) = self.spread;
        exp.mul_f64(low + draw.clamp(0.0, 1.0) * (high - low))
    }
}

/// A uniform draw in [0, 1] from the OS random source (0.5 — no jitter — if it fails).
pub fn draw() -> f64 {
    let mut b = [0u8; 4];
    match getrandom::fill(&mut b) {
        Ok(()) => f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX),
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        first: Duration::from_secs(2),
        cap: Duration::from_secs(60),
        spread: (0.5, 1.5),
    };

    #[test]
    fn delays_double_then_stop_at_the_cap() {
        let at = |step| B.delay(step, 0.5).as_secs_f64();
        assert_eq!(
            [at(0), at(1), at(2), at(5), at(40)],
            [2.0, 4.0, 8.0, 60.0, 60.0]
        );
    }

    #[test]
    fn the_draw_scales_within_the_spread() {
        assert_eq!(B.delay(0, 0.0), Duration::from_secs(1));
        assert_eq!(B.delay(0, 1.0), Duration::from_secs(3));
        assert_eq!(B.delay(0, 7.0), Duration::from_secs(3), "draws are clamped");
        assert_eq!(B.delay(0, -1.0), Duration::from_secs(1));
    }

    #[test]
    fn draws_are_in_range_and_vary() {
        let mut seen: Vec<f64> = (0..50).map(|_| draw()).collect();
        assert!(seen.iter().all(|d| (0.0..=1.0).contains(d)));
        seen.dedup();
        assert!(seen.len() > 1, "{seen:?}");
    }
}
