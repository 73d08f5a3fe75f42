//! Which ticket does an incoming mail belong to? The order of docs/architecture.md,
//! "Threading", first hit wins (the duplicate check, rule 1, happens in the importer against
//! the store):
//! 2. a valid signed token in In-Reply-To / References;
//! 3. an In-Reply-To / References id equal to a stored message's id;
//! 4. a plus-address token (`owner+tkt-…@`) in To / Cc / Delivered-To / X-Original-To;
//! 5. on Gmail, the same thread id (`X-GM-THRID`) as a stored message;
//! 6. the subject tag `[TKT-…]`, only if the sender already takes part in that ticket — a
//!    stranger must not inject into someone's ticket;
//! 7. otherwise a new ticket, unless the mail is automatic, list mail, or the owner's own —
//!    and, with `new_tickets = "support"` (the default), only when it is addressed to the
//!    support address: on a personal Gmail, a friend's or the bank's mail is never a ticket.
//! Automatic replies and list mail are ignored whatever they reference; bounces go to the
//! bounce handling. Pure: the store is behind [`Lookup`].

use super::classify::Kind;
use super::marks::Secret;
use super::parsed::Parsed;
use crate::config::NewTickets;
use crate::domain::TicketId;

pub use crate::domain::inbound::Lookup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    SignedToken,
    KnownMessageId,
    PlusAddress,
    GmailThread,
    SubjectTag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Thread { ticket_row: i64, rule: Rule },
    NewTicket,
    Bounce,
    Ignore(&'static str),
}

pub struct Context<'a> {
    pub owner_email: &'a str,
    pub secret: &'a Secret,
    pub new_tickets: NewTickets,
    /// With [`NewTickets::Support`], a new ticket needs this among the recipients.
    pub support_address: &'a str,
    /// The message's Gmail thread id, when the IMAP server is Gmail's.
    pub gm_thrid: Option<u64>,
}

pub fn decide(p: &Parsed, kind: Kind, cx: &Context<'_>, look: &dyn Lookup) -> Decision {
    match kind {
        Kind::Bounce => return Decision::Bounce,
        Kind::AutoReply => return Decision::Ignore("automatic reply"),
        Kind::List => return Decision::Ignore("list mail"),
        Kind::Person => {}
    }
    let referenced: Vec<&str> = p
        .in_reply_to
        .iter()
        .chain(p.references.iter())
        .map(String::as_str)
        .collect();
    for id in &referenced {
        if let Some(row) = cx.secret.verify(id).and_then(|t| look.ticket(&t)) {
            return Decision::Thread {
                ticket_row: row,
                rule: Rule::SignedToken,
            };
        }
    }
    for id in &referenced {
        if let Some(row) = look.ticket_of_message(id) {
            return Decision::Thread {
                ticket_row: row,
                rule: Rule::KnownMessageId,
            };
        }
    }
    if let Some(row) = plus_token(&p.recipients, cx.owner_email).and_then(|t| look.ticket(&t)) {
        return Decision::Thread {
            ticket_row: row,
            rule: Rule::PlusAddress,
        };
    }
    if let Some(row) = cx.gm_thrid.and_then(|t| look.ticket_of_gm_thread(t)) {
        return Decision::Thread {
            ticket_row: row,
            rule: Rule::GmailThread,
        };
    }
    let from = p.from_email().unwrap_or("");
    if let Some(row) = subject_tag(&p.subject).and_then(|t| look.ticket(&t)) {
        if look.is_participant(row, from) {
            return Decision::Thread {
                ticket_row: row,
                rule: Rule::SubjectTag,
            };
        }
    }
    if from.is_empty() {
        return Decision::Ignore("no sender");
    }
    if from.eq_ignore_ascii_case(cx.owner_email) {
        return Decision::Ignore("the owner's own mail");
    }
    match cx.new_tickets {
        NewTickets::Off => Decision::Ignore("new tickets from email are off"),
        NewTickets::Support
            if !p
                .recipients
                .iter()
                .any(|r| same_mailbox(r, cx.support_address)) =>
        {
            Decision::Ignore("not addressed to the support address")
        }
        NewTickets::Support | NewTickets::All => Decision::NewTicket,
    }
}

/// Whether two addresses reach the same mailbox: case-insensitive, and on Gmail dots in the
/// local part do not count (`r.osa@gmail.com` is `rosa@gmail.com`). The `+tag` counts: it is
/// what tells support mail from personal mail.
pub fn same_mailbox(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> Option<(String, String)> {
        let (local, domain) = s.trim().trim_matches(['<', '>']).rsplit_once('@')?;
        let domain = domain.to_ascii_lowercase();
        let local = local.to_lowercase();
        if domain == "gmail.com" || domain == "googlemail.com" {
            let (base, tag) = match local.split_once('+') {
                Some((base, tag)) => (base, Some(tag)),
                None => (local.as_str(), None),
            };
            let base = base.replace('.', "");
            let local = tag.map_or(base.clone(), |t| format!("{base}+{t}"));
            return Some((local, "gmail.com".into()));
        }
        Some((local, domain))
    }
    matches!((norm(a), norm(b)), (Some(x), Some(y)) if x == y)
}

/// The ticket in a recipient `owner+tkt-…@domain` of the owner's own address.
pub fn plus_token(recipients: &[String], owner: &str) -> Option<TicketId> {
    let (o_local, o_domain) = owner.rsplit_once('@')?;
    let o_local = o_local.split('+').next()?;
    recipients.iter().find_map(|r| {
        let (local, domain) = r.rsplit_once('@')?;
        let (base, tag) = local.split_once('+')?;
        (base.eq_ignore_ascii_case(o_local) && domain.eq_ignore_ascii_case(o_domain))
            .then(|| tag.parse().ok())
            .flatten()
    })
}

/// The first `[TKT-YYYYMMDD-NNNN]` in a subject.
pub fn subject_tag(subject: &str) -> Option<TicketId> {
    let upper = subject.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(start) = rest.find("[TKT-") {
        let after = &rest[start + 1..];
        if let Some(end) = after.find(']') {
            if let Ok(id) = after[..end].parse() {
                return Some(id);
            }
        }
        rest = &rest[start + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Fake {
        tickets: HashMap<String, i64>,
        messages: HashMap<String, i64>,
        participants: Vec<(i64, String)>,
        gm_threads: HashMap<u64, i64>,
    }

    impl Lookup for Fake {
        fn ticket(&self, id: &TicketId) -> Option<i64> {
            self.tickets.get(&id.to_string()).copied()
        }
        fn ticket_of_message(&self, m: &str) -> Option<i64> {
            self.messages.get(m).copied()
        }
        fn is_participant(&self, row: i64, email: &str) -> bool {
            self.participants
                .iter()
                .any(|(r, e)| *r == row && e == email)
        }
        fn ticket_of_gm_thread(&self, thrid: u64) -> Option<i64> {
            self.gm_threads.get(&thrid).copied()
        }
    }

    const OWNER: &str = "rosa@gmail.com";
    const SUPPORT: &str = "rosa+support@gmail.com";

    fn fake() -> Fake {
        Fake {
            tickets: [
                ("TKT-20261123-0001".to_string(), 1),
                ("TKT-20261123-0002".to_string(), 2),
            ]
            .into_iter()
            .collect(),
            messages: [("CAF123@mail.gmail.com".to_string(), 2)]
                .into_iter()
                .collect(),
            participants: vec![(1, "ana@example.com".into())],
            gm_threads: [(777, 2)].into_iter().collect(),
        }
    }

    fn mail(extra: &str) -> Parsed {
        let raw = format!("From: Ana <ana@example.com>\r\nTo: rosa@gmail.com\r\nMessage-ID: <new@x>\r\n{extra}\r\nhello\r\n");
        Parsed::parse(raw.as_bytes())
    }

    fn decide_with(p: &Parsed, secret: &Secret) -> Decision {
        decide_in_thread(p, secret, None)
    }

    fn decide_in_thread(p: &Parsed, secret: &Secret, gm_thrid: Option<u64>) -> Decision {
        let cx = Context {
            owner_email: OWNER,
            secret,
            new_tickets: NewTickets::All,
            support_address: SUPPORT,
            gm_thrid,
        };
        decide(p, super::super::classify::classify(p), &cx, &fake())
    }

    #[test]
    fn each_rule_in_order() {
        let s = Secret([1; 32]);
        let token = s.message_id(&"TKT-20261123-0001".parse().unwrap(), "c", "gmail.com");
        let p = mail(&format!(
            "In-Reply-To: <{token}>\r\nSubject: Re: x [TKT-20261123-0002]\r\n"
        ));
        assert_eq!(
            decide_with(&p, &s),
            Decision::Thread {
                ticket_row: 1,
                rule: Rule::SignedToken
            }
        );

        let p = mail("References: <other@x> <CAF123@mail.gmail.com>\r\nSubject: hi\r\n");
        assert_eq!(
            decide_with(&p, &s),
            Decision::Thread {
                ticket_row: 2,
                rule: Rule::KnownMessageId
            }
        );

        let p = Parsed::parse(b"From: ana@example.com\r\nTo: rosa+tkt-20261123-0002@gmail.com\r\nSubject: hi\r\n\r\nx");
        assert_eq!(
            decide_with(&p, &s),
            Decision::Thread {
                ticket_row: 2,
                rule: Rule::PlusAddress
            }
        );

        // A Gmail thread id beats the subject tag; an unknown one falls through to it.
        let p = mail("Subject: Re: my cake [TKT-20261123-0001]\r\n");
        assert_eq!(
            decide_in_thread(&p, &s, Some(777)),
            Decision::Thread {
                ticket_row: 2,
                rule: Rule::GmailThread
            }
        );
        assert_eq!(
            decide_in_thread(&p, &s, Some(778)),
            decide_with(&p, &s),
            "an unknown thread id changes nothing"
        );
        let plus = Parsed::parse(b"From: ana@example.com\r\nTo: rosa+tkt-20261123-0001@gmail.com\r\nSubject: hi\r\n\r\nx");
        assert_eq!(
            decide_in_thread(&plus, &s, Some(777)),
            Decision::Thread {
                ticket_row: 1,
                rule: Rule::PlusAddress
            },
            "the plus-address comes before the Gmail thread"
        );
        assert_eq!(
            decide_with(&p, &s),
            Decision::Thread {
                ticket_row: 1,
                rule: Rule::SubjectTag
            }
        );

        let p = mail("Subject: a new question\r\n");
        assert_eq!(decide_with(&p, &s), Decision::NewTicket);
    }

    #[test]
    fn a_forged_token_does_not_match() {
        let s = Secret([1; 32]);
        let forged =
            Secret([9; 32]).message_id(&"TKT-20261123-0001".parse().unwrap(), "c", "gmail.com");
        let p = mail(&format!("In-Reply-To: <{forged}>\r\nSubject: hi\r\n"));
        assert_eq!(decide_with(&p, &s), Decision::NewTicket);
    }

    #[test]
    fn a_stranger_using_a_subject_tag_does_not_land_on_it() {
        let s = Secret([1; 32]);
        let p = Parsed::parse(
            b"From: mallory@evil.example\r\nSubject: Re: [TKT-20261123-0001]\r\n\r\nx",
        );
        assert_eq!(decide_with(&p, &s), Decision::NewTicket);
    }

    #[test]
    fn automatic_and_own_mail_create_nothing() {
        let s = Secret([1; 32]);
        let token = s.message_id(&"TKT-20261123-0001".parse().unwrap(), "c", "gmail.com");
        let ooo = mail(&format!(
            "Auto-Submitted: auto-replied\r\nIn-Reply-To: <{token}>\r\nSubject: Out of office\r\n"
        ));
        assert_eq!(decide_with(&ooo, &s), Decision::Ignore("automatic reply"));
        let own = Parsed::parse(b"From: rosa@gmail.com\r\nSubject: note to self\r\n\r\nx");
        assert_eq!(
            decide_with(&own, &s),
            Decision::Ignore("the owner's own mail")
        );
        let bounce =
            Parsed::parse(b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered\r\n\r\nx");
        assert_eq!(decide_with(&bounce, &s), Decision::Bounce);
    }

    fn decide_mode(p: &Parsed, mode: NewTickets) -> Decision {
        let s = Secret([1; 32]);
        let cx = Context {
            owner_email: OWNER,
            secret: &s,
            new_tickets: mode,
            support_address: SUPPORT,
            gm_thrid: None,
        };
        decide(p, super::super::classify::classify(p), &cx, &fake())
    }

    #[test]
    fn only_mail_to_the_support_address_starts_a_ticket() {
        let personal = Parsed::parse(
            b"From: Bea <bea@friends.example>\r\nTo: rosa@gmail.com\r\nSubject: dinner?\r\n\r\nx",
        );
        let support = |header: &str| {
            Parsed::parse(
                format!("From: Ana <ana@example.com>\r\n{header}\r\nSubject: my cake\r\n\r\nx")
                    .as_bytes(),
            )
        };
        use NewTickets::*;
        assert_eq!(
            decide_mode(&personal, Support),
            Decision::Ignore("not addressed to the support address")
        );
        assert_eq!(decide_mode(&personal, All), Decision::NewTicket);
        assert_eq!(
            decide_mode(&personal, Off),
            Decision::Ignore("new tickets from email are off")
        );
        for header in [
            "To: rosa+support@gmail.com",
            "To: Rosa <R.osa+Support@gmail.com>",
            "To: rosa@gmail.com\r\nCc: rosa+support@googlemail.com",
            "To: help@rosa.example\r\nDelivered-To: rosa+support@gmail.com",
            "To: undisclosed-recipients:;\r\nX-Original-To: rosa+support@gmail.com",
        ] {
            assert_eq!(
                decide_mode(&support(header), Support),
                Decision::NewTicket,
                "{header}"
            );
            assert_eq!(
                decide_mode(&support(header), Off),
                Decision::Ignore("new tickets from email are off")
            );
        }
        assert_eq!(
            decide_mode(&support("To: rosa+news@gmail.com"), Support),
            Decision::Ignore("not addressed to the support address"),
            "another tag is another address"
        );
        // A reply to a ticket threads whatever the mode and whoever it is addressed to.
        let reply = Parsed::parse(
            b"From: ana@example.com\r\nTo: rosa@gmail.com\r\nReferences: <CAF123@mail.gmail.com>\r\nSubject: Re: x\r\n\r\nx",
        );
        for mode in [Support, All, Off] {
            assert!(matches!(decide_mode(&reply, mode), Decision::Thread { .. }));
        }
    }

    #[test]
    fn mailboxes_compare_like_gmail_delivers() {
        assert!(same_mailbox("Help@Rosa.Example", "help@rosa.example"));
        assert!(same_mailbox(
            "r.o.s.a+support@gmail.com",
            "rosa+support@gmail.com"
        ));
        assert!(!same_mailbox(
            "r.osa+support@example.com",
            "rosa+support@example.com"
        ));
        assert!(!same_mailbox("rosa@gmail.com", "rosa+support@gmail.com"));
        assert!(!same_mailbox("not an address", "rosa@gmail.com"));
    }

    #[test]
    fn tags_and_plus_tokens() {
        assert_eq!(
            subject_tag("Re: [x] [TKT-20261123-0001] hi")
                .unwrap()
                .to_string(),
            "TKT-20261123-0001"
        );
        assert!(subject_tag("TKT-20261123-0001 without brackets").is_none());
        assert!(plus_token(&["rosa+tkt-20261123-0001@other.com".into()], OWNER).is_none());
        assert!(plus_token(&["eve+tkt-20261123-0001@gmail.com".into()], OWNER).is_none());
    }
}
