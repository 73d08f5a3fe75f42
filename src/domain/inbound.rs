//! An incoming mail as the pipeline sees it — pure data ([`Parsed`], filled by
//! `mail::parsed`) — and what threading needs to ask of stored tickets ([`Lookup`],
//! answered by the store's `inbound` module). Both live here so that the store and the mail
//! code meet on domain types: `store` never imports `mail`.

use super::TicketId;

/// An incoming message reduced to what threading and storage need.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: Option<(Option<String>, String)>,
    /// To, Cc, Delivered-To and X-Original-To addresses, lower case.
    pub recipients: Vec<String>,
    pub subject: String,
    pub date: Option<chrono::DateTime<chrono::Utc>>,
    /// The full plain text (HTML converted when there is no text part), LF line ends, trimmed.
    pub body: String,
    /// The HTML part, sanitised (see `mail::sanitize`), when the mail has one.
    pub html: Option<String>,
    pub attachments: Vec<(String, String, Vec<u8>)>,
    pub headers: Vec<(String, String)>,
    /// A delivery-status report (bounce).
    pub is_report: bool,
    pub raw_sha256: String,
}

/// What threading asks of the stored tickets (the store answers inside its transaction).
pub trait Lookup {
    /// The row of an existing ticket.
    fn ticket(&self, id: &TicketId) -> Option<i64>;
    /// The ticket row holding a message with this Message-ID.
    fn ticket_of_message(&self, message_id: &str) -> Option<i64>;
    /// Whether `email` is the visitor of, or has written on, the ticket.
    fn is_participant(&self, ticket_row: i64, email: &str) -> bool;
    /// The ticket row holding a message of this Gmail thread.
    fn ticket_of_gm_thread(&self, thrid: u64) -> Option<i64>;
}

/// A sender to block as the owner typed it, normalised: `Ana@Example.com` →
/// `ana@example.com`, `example.com` or `@Example.com` → `@example.com` (the whole domain).
/// The error says what is wrong, for the CLI and the window.
pub fn block_key(raw: &str) -> Result<String, String> {
    let s = raw.trim().trim_matches(['<', '>']).trim().to_lowercase();
    let bad = || format!("{raw:?} is not an address (ana@example.com) or a domain (@example.com)");
    let (local, domain) = match s.rsplit_once('@') {
        Some((local, domain)) => (local, domain),
        None => ("", s.as_str()),
    };
    let domain_ok = !domain.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'));
    let local_ok = !local.contains(char::is_whitespace) && !local.contains('@');
    if !domain_ok || !local_ok || s.len() > 320 {
        return Err(bad());
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::block_key;

    #[test]
    fn block_keys_are_an_address_or_a_domain_in_lower_case() {
        assert_eq!(block_key(" Ana@Example.COM ").unwrap(), "ana@example.com");
        assert_eq!(block_key("<ana@example.com>").unwrap(), "ana@example.com");
        assert_eq!(block_key("Example.com").unwrap(), "@example.com");
        assert_eq!(block_key("@spam.example").unwrap(), "@spam.example");
        for bad in [
            "",
            "@",
            "ana@",
            "ana",
            "a b@example.com",
            "ana@exa mple.com",
            "ana@.com",
            "x@y@z.com",
        ] {
            assert!(block_key(bad).is_err(), "{bad:?}");
        }
    }
}
