//! The one retry delay: exponential, capped, jittered — shared by the outbox (a mail that
//! could not be sent) and the IMAP sync (a connection that failed).
//!
//! It owns the arithmetic only. Whether to retry at all is the error's answer
//! (`is_transient()`), and the jitter draw is an input, so the delays are testable; [`draw`]
//! turns bytes of the given [`Random`] (the workers' `ports.random`) into that draw.

use crate::random::Random;
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

/// A uniform draw in [0, 1] from `random`.
pub fn draw(random: &dyn Random) -> f64 {
    let mut b = [0u8; 4];
    random.fill(&mut b);
    f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{OsRandom, SeqRandom};

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
        let seq = SeqRandom::new(7);
        for random in [&OsRandom as &dyn Random, &seq] {
            let mut seen: Vec<f64> = (0..50).map(|_| draw(random)).collect();
            assert!(seen.iter().all(|d| (0.0..=1.0).contains(d)));
            seen.dedup();
            assert!(seen.len() > 1, "{seen:?}");
        }
    }

    #[test]
    fn jitter_from_a_seeded_source_repeats_and_stays_in_the_spread() {
        let delays = |seed| {
            let r = SeqRandom::new(seed);
            (0..200)
                .map(|i| B.delay(i % 8, draw(&r)))
                .collect::<Vec<_>>()
        };
        let a = delays(3);
        assert_eq!(a, delays(3), "the same seed, the same delays");
        assert_ne!(a, delays(4));
        for (i, d) in a.iter().enumerate() {
            let full = B.delay(i as u32 % 8, 0.5).as_secs_f64();
            let d = d.as_secs_f64();
            assert!(
                d >= full * 0.5 - 1e-9 && d <= full * 1.5 + 1e-9,
                "{i}: {d} vs {full}"
            );
        }
        // The draws cover the spread, not one corner of it.
        let lows = a
            .iter()
            .zip(0..)
            .filter(|(d, i)| d.as_secs_f64() < B.delay(i % 8, 0.5).as_secs_f64());
        assert!((50..150).contains(&lows.count()));
    }
}
