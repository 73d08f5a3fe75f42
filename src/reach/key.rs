//! The reach proof: what the intake listener answers to `GET /health?probe=<nonce>`, and what
//! a checker expects back (docs/architecture.md, "The reach probe").
//!
//! Stateless: the proof is a truncated HMAC-SHA256 of the nonce, keyed by the install key, so
//! any process over the same data directory (the listener, `deskbell doctor`, the window)
//! computes the same proof without sharing memory. Domain-separated: the message starts with
//! [`DOMAIN`], which no threading mark's message (a ticket id, `TKT-…`) can start with, so a
//! proof is never a valid Message-ID signature and the probe is no signing oracle for them.

use crate::mail::marks::Secret;
use crate::random::Random;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// Prefixes every message the reach probe signs; never used by any other HMAC of the install key.
pub const DOMAIN: &[u8] = b"deskbell-reach-v1\0";

/// Hex digits of the proof (128 bits).
pub const PROOF_HEX: usize = 32;

/// A nonce is 16 to 64 URL-safe characters (`A-Z a-z 0-9 - _`).
pub const NONCE_LEN: std::ops::RangeInclusive<usize> = 16..=64;

/// The install key as the reach probe uses it. Its `Debug` hides the key.
#[derive(Clone)]
pub struct ReachKey(Secret);

impl std::fmt::Debug for ReachKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReachKey(<hidden>)")
    }
}

impl ReachKey {
    pub fn new(install: Secret) -> Self {
        Self(install)
    }

    /// The install key of `data_dir` (created on first use, as for the threading marks).
    pub fn load(data_dir: &Path) -> std::io::Result<Self> {
        crate::secrets::install_secret(data_dir).map(Self)
    }

    /// The proof for `nonce` (lower-case hex, [`PROOF_HEX`] digits).
    pub fn proof(&self, nonce: &str) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0 .0).expect("any key length");
        m.update(DOMAIN);
        m.update(nonce.as_bytes());
        let full = hex::encode(m.finalize().into_bytes());
        full[..PROOF_HEX].to_string()
    }

    /// Whether `proof` is this install's proof for `nonce` (constant time).
    pub fn verifies(&self, nonce: &str, proof: &str) -> bool {
        let expected = self.proof(nonce);
        subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), proof.as_bytes()).into()
    }
}

/// Whether `proof` has the shape of a reach proof (any install's).
pub fn well_formed_proof(proof: &str) -> bool {
    proof.len() == PROOF_HEX
        && proof
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn valid_nonce(nonce: &str) -> bool {
    NONCE_LEN.contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A fresh nonce: 24 random bytes as 48 hex digits.
pub fn fresh_nonce(random: &dyn Random) -> String {
    let mut b = [0u8; 24];
    random.fill(&mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeqRandom;

    #[test]
    fn proofs_depend_on_key_and_nonce_and_verify() {
        let a = ReachKey::new(Secret([7; 32]));
        let b = ReachKey::new(Secret([8; 32]));
        let n = fresh_nonce(&SeqRandom::new(1));
        assert!(valid_nonce(&n));
        let p = a.proof(&n);
        assert!(well_formed_proof(&p), "{p}");
        assert!(a.verifies(&n, &p));
        assert!(!b.verifies(&n, &p));
        assert!(!a.verifies(&fresh_nonce(&SeqRandom::new(2)), &p));
        assert_ne!(
            fresh_nonce(&SeqRandom::new(1)),
            fresh_nonce(&SeqRandom::new(2))
        );
    }

    #[test]
    fn nonce_shape() {
        assert!(valid_nonce("abcdefghijklmnop"));
        assert!(valid_nonce(&"a-_9".repeat(16)));
        for bad in [
            "short",
            "abcdefghijklmno",
            &"a".repeat(65),
            "abcdefghijklmnop/",
            "abcdefghijklmnop%20",
        ] {
            assert!(!valid_nonce(bad), "{bad}");
        }
    }

    #[test]
    fn proofs_are_domain_separated_from_the_threading_marks() {
        // A Message-ID's HMAC is over `TKT-…` + "." + entry; the reach message starts with the
        // domain prefix, which holds a NUL no ticket id can. Check both the rule and an
        // instance: the proof for a nonce is not the mark's MAC over the same text.
        let secret = Secret([9; 32]);
        assert!(!DOMAIN.starts_with(b"TKT-") && DOMAIN.contains(&0));
        let key = ReachKey::new(secret.clone());
        let id: crate::domain::TicketId = "TKT-20261123-0001".parse().unwrap();
        let mid = secret.message_id(&id, "n1", "x.example");
        let mark_mac = mid.split('@').next().unwrap().rsplit('.').next().unwrap();
        let nonce = format!("{}.n1", id).replace('.', "-");
        assert!(!key.proof(&nonce).starts_with(mark_mac));
        assert!(secret.verify(&mid).is_some());
    }
}
