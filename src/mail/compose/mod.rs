//! Composing outgoing mail: the owner's notification of a new ticket, the visitor's
//! confirmation, and the owner's reply. Each function returns the complete RFC 5322 message
//! (CRLF line endings, 7-bit clean) ready for SMTP.
//!
//! Pure: ids, dates, zones and addresses are inputs; even the MIME boundaries are derived from
//! the Message-ID, so the same inputs always give the same bytes. Sending, queueing, signing
//! Message-IDs and choosing who gets mail belong to the outbox and `marks`.
//!
//! Shape of every message (RFC 5322, RFC 2045–2047, RFC 2231):
//! - `multipart/alternative` with `text/plain` then `text/html`, both UTF-8 and
//!   quoted-printable; with attachments a `multipart/mixed` wraps it (base64 parts, file names
//!   RFC 2231-encoded). Boundaries start with `=_`, which quoted-printable and base64 can
//!   never produce, so no body can contain one.
//! - `Message-ID: <…>` (given), `Date` (given), `From` the owner's address, `MIME-Version`,
//!   and the subject tag `[TKT-…]` from `marks::subject_tag`.
//! - Display names are cleaned (control and bidi characters dropped, whitespace collapsed) and
//!   then RFC 2047-encoded by lettre, so a name holding CRLF can never start a new header.
//!
//! Subjects, chosen for an owner scanning Gmail on a phone:
//! - notification: `New Support Ticket #TKT-20261123-0001: <issue's first line, ≤60 chars>
//!   [TKT-20261123-0001]`. The phrase and number come first because that is what the owner
//!   searches for; the excerpt says what it is about without opening it; the tag sits at the
//!   end, where it stays out of the way but survives the owner's "Re:" when they answer
//!   from Gmail (the visitor then sees this subject, so it holds nothing internal).
//! - confirmation: `We received your request [TKT-…]`.
//! - reply: `Re: <issue's first line, ≤60 chars> [TKT-…]`, with any `Re:`/`Aw:`/`Sv:`
//!   prefixes and an old tag stripped first, so it never reads `Re: Re:`.
//!
//! The notification goes owner → owner with `From: "<visitor> via Deskbell" <owner>` (so
//! mail lists show who asks) and `Reply-To: <visitor>` (so pressing Reply in Gmail answers the
//! visitor). When the owner does that, Gmail quotes the notification to the visitor: it must
//! only ever hold what the visitor sent. Automatic mail carries `Auto-Submitted`
//! (`auto-generated` for the notification, `auto-replied` for the confirmation, RFC 3834) and
//! `X-Auto-Response-Suppress: All`; the owner's reply is human and carries neither.
//!
//! Layout: this file holds the inputs and the error every kind shares, and re-exports the
//! public API so callers keep using `mail::compose::X`. One file per kind of mail
//! (`notification`, `confirmation`, `reply`), each with its subject; the pieces they share
//! live in `headers` (addresses, Message-IDs, RFC 3834 headers), `mime` (the multipart body),
//! `html` (templates and markup) and `text` (cleaning and excerpts).

mod confirmation;
mod digest;
mod headers;
mod html;
mod mime;
mod notification;
mod reply;
mod text;

#[cfg(test)]
mod fixtures;

pub use confirmation::{confirmation_subject, visitor_confirmation};
pub use digest::{digest_subject, owner_digest, Digest, DigestEntry};
pub use html::escape;
pub use mime::encoded_size;
pub use notification::{notification_subject, owner_notification};
pub use reply::{owner_reply, reply_subject};

use crate::domain::{Ticket, TicketIdError};
use chrono::{DateTime, Utc};

/// An address with an optional display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: Option<String>,
    pub email: String,
}

/// What every message about one ticket needs.
#[derive(Debug, Clone)]
pub struct Common<'a> {
    pub ticket: &'a Ticket,
    /// The business owner: `From` on everything we send.
    pub owner: Party,
    /// Shown in greetings and footers; falls back to the owner's name, then address.
    pub business_name: Option<&'a str>,
    /// Without angle brackets.
    pub message_id: &'a str,
    /// The `Date` header.
    pub date: DateTime<Utc>,
    /// The owner's zone, for times shown in bodies.
    pub tz: chrono_tz::Tz,
    /// The owner's plus-address for mail to the visitor (`None`: the owner's address).
    pub reply_to_visitor: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot compose mail for this ticket id")]
    TicketId(#[source] TicketIdError),
    #[error("cannot use {address:?} as the {role} address")]
    Address {
        role: &'static str,
        address: String,
        #[source]
        source: lettre::address::AddressError,
    },
    #[error("cannot use {0:?} as a Message-ID: expected left@right without spaces or brackets")]
    MessageId(String),
    #[error("cannot send an empty reply: no text and no attachments")]
    EmptyReply,
    #[error("cannot assemble the message")]
    Build(#[source] lettre::error::Error),
}

impl ComposeError {
    /// Never: the same inputs fail the same way, so retrying cannot help.
    pub fn is_transient(&self) -> bool {
        false
    }
}

/// Characters of the issue kept in subjects.
const SUBJECT_EXCERPT: usize = 60;

/// Properties every kind must share; each kind's own tests live with it.
#[cfg(test)]
mod tests {
    use super::fixtures::{common, header, headers, ticket};
    use super::html::fill;
    use super::*;

    #[test]
    fn every_template_slot_is_filled() {
        let t = ticket("José", "x");
        for raw in [
            owner_notification(&common(&t)).unwrap(),
            visitor_confirmation(&common(&t)).unwrap(),
            owner_reply(&common(&t), "hi", Some("Rosa"), None, &[], &[]).unwrap(),
        ] {
            let text = String::from_utf8(raw).unwrap();
            assert!(!text.contains("{{") && !text.contains("}}"));
        }
        assert_eq!(fill("a{{x}}b", &[("x", "{{y}}")]), "a{{y}}b");
    }

    #[test]
    fn headers_are_present_per_message_kind() {
        let t = ticket("José Müller", "Cake");
        let c = common(&t);
        let note = headers(&owner_notification(&c).unwrap());
        let conf = headers(&visitor_confirmation(&c).unwrap());
        let reply = headers(
            &owner_reply(
                &c,
                "Hi",
                None,
                Some("<v1@mail.example>"),
                &["n1@deskbell.invalid".into()],
                &[],
            )
            .unwrap(),
        );
        for h in [&note, &conf, &reply] {
            for name in [
                "Message-ID",
                "Date",
                "From",
                "To",
                "Reply-To",
                "Subject",
                "MIME-Version",
                "Content-Type",
            ] {
                assert!(header(h, name).is_some(), "missing {name}");
            }
            assert_eq!(
                header(h, "Message-ID"),
                Some("<tkt-20261124-0001.1.abc@deskbell.invalid>")
            );
            assert_eq!(header(h, "Date"), Some("Tue, 24 Nov 2026 13:05:07 +0000"));
            assert!(header(h, "From").unwrap().ends_with("<rosa@gmail.com>"));
            assert!(header(h, "Subject")
                .unwrap()
                .contains("[TKT-20261124-0001]"));
        }
        assert_eq!(header(&note, "Auto-Submitted"), Some("auto-generated"));
        assert!(header(&note, "To").unwrap().ends_with("<rosa@gmail.com>"));
        assert!(header(&note, "Reply-To")
            .unwrap()
            .ends_with("<eve@example.com>"));
        assert_eq!(header(&conf, "Auto-Submitted"), Some("auto-replied"));
        assert_eq!(header(&conf, "X-Auto-Response-Suppress"), Some("All"));
        assert!(header(&conf, "Reply-To")
            .unwrap()
            .ends_with("<rosa+tkt-20261124-0001@gmail.com>"));
        assert_eq!(header(&reply, "Auto-Submitted"), None);
        assert_eq!(header(&reply, "X-Auto-Response-Suppress"), None);
        assert_eq!(header(&reply, "In-Reply-To"), Some("<v1@mail.example>"));
        assert_eq!(
            header(&reply, "References"),
            Some("<n1@deskbell.invalid> <v1@mail.example>")
        );
    }

    #[test]
    fn a_name_with_crlf_cannot_inject_headers() {
        for name in [
            "Eve\r\nBcc: victim@example.com",
            "Eve\nBcc: victim@example.com",
            "Eve\rBcc: victim@example.com",
            "Eve\u{202E}moc.elgoog\u{202C}",
        ] {
            let mut t = ticket(name, "Subject\r\nBcc: x@example.com\r\n\r\nbody");
            t.site = Some("Shop\r\nX-Evil: 1".into());
            let c = common(&t);
            for raw in [
                owner_notification(&c).unwrap(),
                visitor_confirmation(&c).unwrap(),
                owner_reply(&c, "hi", None, Some("a@b\r\nBcc: y@example.com"), &[], &[]).unwrap(),
            ] {
                let h = headers(&raw);
                assert!(header(&h, "Bcc").is_none(), "{name:?} made a Bcc header");
                assert!(header(&h, "X-Evil").is_none());
                assert!(
                    header(&h, "In-Reply-To").is_none(),
                    "a malformed id is dropped"
                );
                let text = String::from_utf8(raw).unwrap();
                let head = text.split("\r\n\r\n").next().unwrap();
                assert!(
                    !head.contains("\nBcc") && !head.contains("\nX-Evil"),
                    "{head}"
                );
            }
        }
    }

    #[test]
    fn bad_inputs_fail_with_clear_errors() {
        let mut t = ticket("Eve", "x");
        t.ticket_id = "nope".into();
        let e = owner_notification(&common(&t)).unwrap_err();
        assert!(matches!(e, ComposeError::TicketId(_)) && !e.is_transient());
        assert_eq!(e.to_string(), "cannot compose mail for this ticket id");

        let mut t = ticket("Eve", "x");
        t.visitor.email = "eve@example.com\r\nBcc: x@y".into();
        let e = owner_notification(&common(&t)).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot use ")
                && e.to_string().ends_with(" as the visitor address")
        );

        let t = ticket("Eve", "x");
        let mut c = common(&t);
        c.message_id = "no brackets allowed <x@y>";
        assert!(matches!(
            visitor_confirmation(&c),
            Err(ComposeError::MessageId(_))
        ));

        let c = common(&t);
        assert!(matches!(
            owner_reply(&c, " \n ", Some("Rosa"), None, &[], &[]),
            Err(ComposeError::EmptyReply)
        ));
        let file = AttachmentFile {
            name: "a.txt".into(),
            content_type: "text/plain".into(),
            data: b"x".to_vec(),
        };
        assert!(owner_reply(&c, "", None, None, &[], &[file]).is_ok());
    }
}
