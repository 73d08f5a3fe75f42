//! Header values every kind of mail shares: the checked Message-ID and `Date` (RFC 5322
//! §3.6), the mailboxes of owner, visitor and business, and the RFC 3834 `Auto-Submitted`
//! plus Microsoft's `X-Auto-Response-Suppress` headers that lettre does not define.
//!
//! Every display name passes through `clean_line` before lettre RFC 2047-encodes it, so no
//! name can carry a CR or LF into the header block. Which headers a kind sets, and with which
//! values, stays with that kind; signing Message-IDs belongs to `marks`.

use super::text::clean_line;
use super::{Common, ComposeError};
use crate::domain::{Ticket, TicketId};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::Address;

macro_rules! plain_header {
    ($ty:ident, $name:literal) => {
        #[derive(Debug, Clone)]
        pub(super) struct $ty(pub(super) String);
        impl Header for $ty {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }
            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok(Self(s.to_string()))
            }
            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}
plain_header!(AutoSubmitted, "Auto-Submitted");
plain_header!(XAutoResponseSuppress, "X-Auto-Response-Suppress");

pub(super) fn ticket_id(c: &Common) -> Result<TicketId, ComposeError> {
    c.ticket.ticket_id.parse().map_err(ComposeError::TicketId)
}

/// The builder with what every message shares: a checked Message-ID and the Date.
pub(super) fn message(c: &Common) -> Result<lettre::message::MessageBuilder, ComposeError> {
    Ok(lettre::Message::builder()
        .message_id(Some(format!("<{}>", message_id(c.message_id)?)))
        .date(std::time::SystemTime::from(c.date)))
}

/// A Message-ID without brackets, checked: printable ASCII, no brackets or quotes, one `@`.
pub(super) fn message_id(raw: &str) -> Result<String, ComposeError> {
    let id = raw.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id);
    let ok = id.len() <= 250
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"<>\"\\,;()".contains(&b))
        && matches!(id.split_once('@'), Some((l, r)) if !l.is_empty() && !r.is_empty() && !r.contains('@'));
    ok.then(|| id.to_string())
        .ok_or_else(|| ComposeError::MessageId(raw.to_string()))
}

pub(super) fn mailbox(
    name: Option<&str>,
    email: &str,
    role: &'static str,
) -> Result<Mailbox, ComposeError> {
    let address: Address = email
        .trim()
        .parse()
        .map_err(|source| ComposeError::Address {
            role,
            address: email.to_string(),
            source,
        })?;
    let name = name.map(clean_line).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

pub(super) fn owner_mailbox(c: &Common) -> Result<Mailbox, ComposeError> {
    mailbox(c.owner.name.as_deref(), &c.owner.email, "owner")
}

/// The owner as the visitor sees them: the business name, else the owner's name.
pub(super) fn sender(c: &Common) -> Result<Mailbox, ComposeError> {
    mailbox(business(c).as_deref(), &c.owner.email, "owner")
}

pub(super) fn reply_to_visitor(c: &Common) -> Result<Mailbox, ComposeError> {
    let address = c.reply_to_visitor.unwrap_or(&c.owner.email);
    mailbox(business(c).as_deref(), address, "reply-to")
}

/// The business name, else the owner's name; `None` when neither is set.
pub(super) fn business(c: &Common) -> Option<String> {
    [c.business_name, c.owner.name.as_deref()]
        .into_iter()
        .flatten()
        .map(clean_line)
        .find(|n| !n.is_empty())
}

pub(super) fn visitor_name(t: &Ticket) -> String {
    let name = clean_line(&t.visitor.name);
    if name.is_empty() {
        t.visitor.email.trim().to_string()
    } else {
        name
    }
}
