//! Randomness as an input, like time ([`crate::clock`]). Code that needs random bytes (bot
//! tokens, the install key, retry jitter) takes a [`Random`] so tests can make it repeat; only
//! [`OsRandom`] reads the operating system's source.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

pub trait Random: Send + Sync + 'static {
    /// Fills `buf` with random bytes. Never fails and never panics.
    fn fill(&self, buf: &mut [u8]);
}

pub type SharedRandom = Arc<dyn Random>;

/// The operating system's random source (`getrandom`).
///
/// Should the OS ever refuse (practically impossible on the platforms Deskbell runs on), it
/// does not panic: it logs one warning and falls back to SHA-256 over the wall clock, a
/// monotonic reading, the process id and a per-process counter — unpredictable enough to keep
/// tokens apart, though not of the OS source's quality.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        if let Err(e) = getrandom::fill(buf) {
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, "the OS random source failed; using a clock-based fallback");
            }
            fallback_fill(buf);
        }
    }
}

/// Bytes from the time, the process and a counter, hashed (see [`OsRandom`]).
fn fallback_fill(buf: &mut [u8]) {
    use sha2::{Digest, Sha256};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(std::time::Instant::now);
    for chunk in buf.chunks_mut(32) {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mono = start.elapsed().as_nanos();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut h = Sha256::new();
        h.update(wall.to_le_bytes());
        h.update(mono.to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        h.update(n.to_le_bytes());
        h.update((chunk.as_ptr() as usize).to_le_bytes());
        let digest = h.finalize();
        chunk.copy_from_slice(&digest[..chunk.len()]);
    }
}

/// A deterministic source for tests: the same seed gives the same bytes, in the same order
/// (a counter through SplitMix64). Not random at all — never use it outside tests.
#[derive(Debug)]
pub struct SeqRandom {
    state: AtomicU64,
}

impl SeqRandom {
    pub fn new(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    /// As a [`SharedRandom`], for `Inbox::with_random`.
    pub fn shared(seed: u64) -> SharedRandom {
        Arc::new(Self::new(seed))
    }
}

impl Random for SeqRandom {
    fn fill(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let n = self
                .state
                .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
                .wrapping_add(0x9E37_79B9_7F4A_7C15);
            // SplitMix64's finaliser.
            let mut z = n;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_random_repeats_per_seed_and_differs_between_seeds() {
        let bytes = |seed| {
            let r = SeqRandom::new(seed);
            let mut b = [0u8; 20];
            r.fill(&mut b);
            b
        };
        assert_eq!(bytes(1), bytes(1));
        assert_ne!(bytes(1), bytes(2));
        // Successive draws from one source move on.
        let r = SeqRandom::new(1);
        let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
        r.fill(&mut a);
        r.fill(&mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn os_random_and_its_fallback_fill_every_byte_and_vary() {
        for fill in [
            |b: &mut [u8]| OsRandom.fill(b),
            fallback_fill as fn(&mut [u8]),
        ] {
            let (mut a, mut b) = ([0u8; 45], [0u8; 45]);
            fill(&mut a);
            fill(&mut b);
            assert_ne!(a, b);
            assert_ne!(a[32..], [0u8; 13], "the tail past one digest is filled too");
        }
    }
}
