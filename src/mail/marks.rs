//! The threading marks on every outgoing message (docs/architecture.md, "Threading"):
//! - a Message-ID `<tkt-20261123-0001.<entry>.<hmac>@<domain>>` whose HMAC-SHA256 (truncated,
//!   keyed with a per-install secret) a stranger cannot forge;
//! - the owner's plus-address `owner+tkt-20261123-0001@gmail.com` as Reply-To to the visitor;
//! - the subject tag `[TKT-20261123-0001]`.
//!
//! Pure: the secret and the entry are inputs (a new secret's bytes come from a [`Random`]).

use crate::domain::TicketId;
use crate::random::Random;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex digits of the HMAC kept in the Message-ID (80 bits).
const MAC_HEX: usize = 20;

/// The per-install signing secret (random, kept in the data directory, never in SQLite).
#[derive(Clone)]
pub struct Secret(pub [u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl Secret {
    /// A fresh secret from `random` (`OsRandom` for a real install).
    pub fn random(random: &dyn Random) -> Self {
        let mut b = [0u8; 32];
        random.fill(&mut b);
        Self(b)
    }

    fn mac(&self, ticket: &TicketId, entry: &str) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        m.update(ticket.to_string().as_bytes());
        m.update(b".");
        m.update(entry.as_bytes());
        let full = hex::encode(m.finalize().into_bytes());
        full[..MAC_HEX].to_string()
    }

    /// `tkt-20261123-0001.<entry>.<mac>@<domain>` (no angle brackets).
    pub fn message_id(&self, ticket: &TicketId, entry: &str, domain: &str) -> String {
        format!(
            "{}.{entry}.{}@{domain}",
            ticket.to_string().to_ascii_lowercase(),
            self.mac(ticket, entry)
        )
    }

    /// The ticket a Message-ID we made belongs to, if its signature holds.
    pub fn verify(&self, message_id: &str) -> Option<TicketId> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let (local, _domain) = id.rsplit_once('@')?;
        let mut parts = local.splitn(3, '.');
        let ticket: TicketId = parts.next()?.parse().ok()?;
        let entry = parts.next()?;
        let mac = parts.next()?;
        let expected = self.mac(&ticket, entry);
        let same =
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), mac.to_ascii_lowercase().as_bytes());
        bool::from(same).then_some(ticket)
    }
}

/// `owner+tkt-20261123-0001@gmail.com` from `owner@gmail.com`.
pub fn plus_address(owner: &str, ticket: &TicketId) -> Option<String> {
    let (local, domain) = owner.rsplit_once('@')?;
    let local = local.split('+').next()?;
    Some(format!(
        "{local}+{}@{domain}",
        ticket.to_string().to_ascii_lowercase()
    ))
}

/// `[TKT-20261123-0001]`
pub fn subject_tag(ticket: &TicketId) -> String {
    format!("[{ticket}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> TicketId {
        "TKT-20261123-0001".parse().unwrap()
    }

    #[test]
    fn signed_message_ids_verify_and_forgeries_do_not() {
        let s = Secret([7; 32]);
        let mid = s.message_id(&id(), "3", "deskbell.example");
        assert!(mid.starts_with("tkt-20261123-0001.3.") && mid.ends_with("@deskbell.example"));
        assert_eq!(s.verify(&format!("<{mid}>")), Some(id()));
        // Another install's secret, a changed entry, a changed ticket: all refused.
        assert_eq!(Secret([8; 32]).verify(&mid), None);
        assert_eq!(s.verify(&mid.replace(".3.", ".4.")), None);
        assert_eq!(s.verify(&mid.replace("0001", "0002")), None);
        assert_eq!(s.verify("tkt-20261123-0001.3.00000000000000000000@x"), None);
        assert_eq!(s.verify("garbage"), None);
    }

    #[test]
    fn new_secrets_come_from_the_given_random_source() {
        use crate::random::SeqRandom;
        let a = Secret::random(&SeqRandom::new(1));
        assert_eq!(a.0, Secret::random(&SeqRandom::new(1)).0);
        assert_ne!(a.0, Secret::random(&SeqRandom::new(2)).0);
        assert_eq!(
            a.message_id(&id(), "n", "x.example"),
            Secret::random(&SeqRandom::new(1)).message_id(&id(), "n", "x.example")
        );
        // Two draws from the OS source differ.
        let os = crate::random::OsRandom;
        assert_ne!(Secret::random(&os).0, Secret::random(&os).0);
    }

    #[test]
    fn plus_addresses() {
        assert_eq!(
            plus_address("rosa@gmail.com", &id()).as_deref(),
            Some("rosa+tkt-20261123-0001@gmail.com")
        );
        assert_eq!(
            plus_address("rosa+shop@gmail.com", &id()).as_deref(),
            Some("rosa+tkt-20261123-0001@gmail.com")
        );
        assert_eq!(plus_address("nobody", &id()), None);
        assert_eq!(subject_tag(&id()), "[TKT-20261123-0001]");
    }
}
