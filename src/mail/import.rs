//! The inbound pipeline, shared by `deskbell mail import` (.eml / .mbox) and the IMAP sync:
//! parse → duplicate check → classify → thread (docs/architecture.md, "Threading") → store, all in one
//! transaction, then a live event. Never panics on what a mailbox holds.
//!
//! A worker: it runs on the inbox's [`Ports`] and the [`MailSettings`] it is handed, not on
//! the `Inbox` itself.

use super::classify::{classify, Kind};
use super::parsed::Parsed;
use super::thread::{decide, Context, Decision, Rule};
use super::widget_fallback;
use super::MailSettings;
use crate::domain::{validate, Channel, NewTicket, Ticket, TicketId, Visitor};
use crate::inbox::{Event, InboxError, Ports};
use crate::store::{inbound, mailbox, tickets, triage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Duplicate,
    /// A visitor's message added to a ticket.
    Appended {
        ticket_id: String,
        rule: Rule,
    },
    /// The owner's own message (from the Sent folder) recorded on a ticket as outgoing.
    Recorded {
        ticket_id: String,
        rule: Rule,
    },
    Created {
        ticket_id: String,
    },
    /// From a blocked sender: a new ticket stored as spam, or a message added to its ticket
    /// without reopening, waking or notifying anything.
    Blocked {
        ticket_id: String,
    },
    /// A bounce; with the ticket and the address of the mail it returns, when known.
    Bounced {
        ticket_id: Option<String>,
        to: Option<String>,
        reason: String,
    },
    Ignored(&'static str),
}

/// Where the IMAP sync found a message. With `record`, the folder's sync state advances to
/// this UID in the same transaction that stores the message (exactly once across crashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
    pub gm_thrid: Option<u64>,
    /// The server's receipt time (IMAP INTERNALDATE).
    pub received: Option<chrono::DateTime<chrono::Utc>>,
    pub record: bool,
}

/// Imports one raw message (a file: no mailbox state).
pub async fn import(
    ports: &Ports,
    mail: &MailSettings,
    raw: Vec<u8>,
) -> Result<Outcome, InboxError> {
    import_from(ports, mail, raw, None).await
}

/// Imports one raw message fetched from `origin`.
pub async fn import_from(
    ports: &Ports,
    mail: &MailSettings,
    raw: Vec<u8>,
    origin: Option<Origin>,
) -> Result<Outcome, InboxError> {
    let mut outcomes = import_batch(ports, mail, vec![(raw, origin)]).await?;
    Ok(outcomes
        .pop()
        .unwrap_or(Outcome::Ignored("nothing to import")))
}

/// Imports messages in order in ONE transaction (one commit for a whole IMAP fetch): each
/// sees the ones before it (a reply to a message earlier in the batch threads onto it), and
/// every folder state advances with them. Events follow the commit.
pub async fn import_batch(
    ports: &Ports,
    mail: &MailSettings,
    messages: Vec<(Vec<u8>, Option<Origin>)>,
) -> Result<Vec<Outcome>, InboxError> {
    let mail = mail.clone();
    let prepared: Vec<Prepared> = messages
        .into_iter()
        .map(|(raw, origin)| Prepared::new(raw, origin))
        .collect();
    let now = ports.clock.now();
    let tz = ports.tz;
    let (prepared, outcomes) = ports
        .store
        .write(move |c| {
            let mut outcomes = Vec::with_capacity(prepared.len());
            for m in &prepared {
                outcomes.push(apply(c, m, &mail, tz, now)?);
            }
            Ok((prepared.clone(), outcomes))
        })
        .await?;
    for (m, outcome) in prepared.iter().zip(&outcomes) {
        announce(ports, m, outcome).await?;
    }
    Ok(outcomes)
}

/// Everything about a message that needs no store: parsed, classified, its new words split.
#[derive(Clone)]
struct Prepared {
    raw: std::sync::Arc<Vec<u8>>,
    parsed: std::sync::Arc<Parsed>,
    kind: Kind,
    text: String,
    bounce_ids: Vec<String>,
    origin: Option<Origin>,
}

impl Prepared {
    fn new(raw: Vec<u8>, origin: Option<Origin>) -> Self {
        let mut parsed = Parsed::parse(&raw);
        let dropped = parsed.limit_attachments(crate::inbox::MAX_ATTACHMENT_BYTES);
        if !dropped.is_empty() {
            // The raw source is kept whole; only the extracted copies are left out.
            parsed.body.push_str(&format!(
                "\n\n[Not stored, over the 25 MB attachment limit: {}]",
                dropped.join(", ")
            ));
        }
        let kind = classify(&parsed);
        // The whole message when it parses (HTML quote markers are seen there), else the text.
        let text = super::reply_text::split_message(&raw)
            .map(|s| s.text)
            .unwrap_or_else(|| new_text(&parsed));
        let bounce_ids = if kind == Kind::Bounce {
            super::bounce::candidates(&parsed, &raw)
        } else {
            Vec::new()
        };
        Self {
            raw: std::sync::Arc::new(raw),
            parsed: std::sync::Arc::new(parsed),
            kind,
            text,
            bounce_ids,
            origin,
        }
    }
}

/// Stores one message (inside the caller's transaction).
fn apply(
    c: &rusqlite::Connection,
    m: &Prepared,
    mail: &MailSettings,
    tz: crate::domain::OwnerTz,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::store::Result<Outcome> {
    let gm_thrid = m.origin.as_ref().and_then(|o| o.gm_thrid);
    if let Some(o) = m.origin.as_ref().filter(|o| o.record) {
        mailbox::advance(c, &o.folder, o.uidvalidity, o.uid, now)?;
    }
    let parsed = &*m.parsed;
    if inbound::is_duplicate(c, parsed)? {
        return Ok(Outcome::Duplicate);
    }
    let cx = Context {
        owner_email: &mail.owner_email,
        secret: &mail.secret,
        new_tickets: mail.new_tickets,
        support_address: &mail.support_address,
        gm_thrid,
    };
    let own = parsed
        .from_email()
        .is_some_and(|f| f.eq_ignore_ascii_case(&mail.owner_email));
    Ok(
        match decide(parsed, m.kind, &cx, &inbound::StoreLookup(c)) {
            Decision::Thread { ticket_row, rule } => {
                let blocked = !own && triage::is_blocked(c, parsed.from_email().unwrap_or(""))?;
                let incoming = inbound::Incoming {
                    parsed,
                    text: &m.text,
                    raw: &m.raw,
                    direction: if own { "out" } else { "in" },
                    wakes: !blocked,
                    gm_thrid,
                    at: arrival(m, now),
                };
                let ticket_id = inbound::append(c, ticket_row, &incoming, now)?;
                if blocked {
                    Outcome::Blocked { ticket_id }
                } else if own {
                    // The owner answered outside Deskbell (Gmail on the phone): like an answer
                    // from the window, the ticket now waits on the visitor.
                    if answers_visitor(c, ticket_row, parsed, mail)? {
                        inbound::mark_answered(c, ticket_row, now)?;
                    }
                    Outcome::Recorded { ticket_id, rule }
                } else {
                    Outcome::Appended { ticket_id, rule }
                }
            }
            Decision::NewTicket => {
                let mut new = ticket_from_mail(parsed, &m.text);
                new.spam = triage::is_blocked(c, &new.visitor.email)?;
                let inserted = tickets::insert(c, tz, &new, None, now)?;
                inbound::attach_source(c, inserted.row, parsed, &m.raw, gm_thrid)?;
                let ticket_id = inserted.ticket.ticket_id;
                if new.spam {
                    Outcome::Blocked { ticket_id }
                } else {
                    Outcome::Created { ticket_id }
                }
            }
            Decision::Bounce => {
                let reason = super::bounce::reason(parsed, &m.raw);
                let hit = inbound::mark_bounced(c, &m.bounce_ids, &reason, now)?;
                let (ticket_id, to) = match hit {
                    Some((r, to)) => (Some(tickets::by_row(c, r)?.ticket_id), Some(to)),
                    None => (None, None),
                };
                Outcome::Bounced {
                    ticket_id,
                    to,
                    reason,
                }
            }
            Decision::Ignore(why) => Outcome::Ignored(why),
        },
    )
}

/// Whether the owner's own mail answers the ticket's visitor: written by her (not one of the
/// mails Deskbell composed, whose ids it signs) and sent to someone who takes part in the
/// ticket other than herself. A note to herself or a forward to a colleague is not an answer.
fn answers_visitor(
    c: &rusqlite::Connection,
    ticket_row: i64,
    parsed: &Parsed,
    mail: &MailSettings,
) -> crate::store::Result<bool> {
    if parsed
        .message_id
        .as_deref()
        .is_some_and(|id| mail.secret.verify(id).is_some())
    {
        return Ok(false);
    }
    let look = inbound::StoreLookup(c);
    Ok(parsed.recipients.iter().any(|r| {
        !super::thread::same_mailbox(r, &mail.owner_email)
            && crate::domain::inbound::Lookup::is_participant(&look, ticket_row, r)
    }))
}

/// Where a message sits in its thread: when the server received it, else its Date header;
/// never in the future (a sender's clock can be anything).
fn arrival(m: &Prepared, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    // INTERNALDATE has whole seconds: the message arrived somewhere in the second after it,
    // and not after now — the end of that span keeps it after anything sent before it came.
    let received = m
        .origin
        .as_ref()
        .and_then(|o| o.received)
        .map(|r| r + chrono::Duration::milliseconds(999));
    received.or(m.parsed.date).map_or(now, |at| at.min(now))
}

/// The ticket as committed, for an event's payload (`None` if it cannot be read).
async fn committed(ports: &Ports, id: TicketId) -> Option<Ticket> {
    ports
        .store
        .read(move |c| tickets::find(c, &id).map(|(_, t)| t))
        .await
        .ok()
}

/// The live event for what a committed import did.
async fn announce(ports: &Ports, m: &Prepared, outcome: &Outcome) -> Result<(), InboxError> {
    match outcome {
        Outcome::Appended { ticket_id, .. } => ports.emit(Event::ReplyReceived {
            ticket_id: ticket_id.clone(),
            from: m.parsed.from_email().unwrap_or_default().to_string(),
            first_line: first_line(&m.text),
        }),
        Outcome::Bounced {
            ticket_id: Some(ticket_id),
            to: Some(to),
            reason,
        } => ports.emit(Event::MailBounced {
            ticket_id: ticket_id.clone(),
            to: to.clone(),
            reason: reason.clone(),
        }),
        Outcome::Recorded { ticket_id, .. } | Outcome::Blocked { ticket_id } => {
            // The owner's own answer (from Sent), or a blocked sender's mail: the window
            // refreshes, nobody is notified.
            if let Some(ticket) = match ticket_id.parse() {
                Ok(id) => committed(ports, id).await,
                Err(_) => None,
            } {
                ports.emit(Event::TicketUpdated {
                    ticket_id: ticket_id.clone(),
                    status: ticket.status,
                    priority: ticket.priority,
                });
            }
        }
        Outcome::Created { ticket_id } => {
            let id = ticket_id
                .parse()
                .map_err(|_| InboxError::Invalid(format!("bad ticket id {ticket_id}")))?;
            if let Some(ticket) = committed(ports, id).await {
                ports.emit(Event::TicketCreated {
                    ticket_id: ticket_id.clone(),
                    visitor: ticket.visitor.name,
                    first_line: first_line(&ticket.issue),
                    spam: false,
                });
            }
        }
        _ => {}
    }
    Ok(())
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(120)
        .collect()
}

/// The new words of a message (quoted history and signature removed).
pub fn new_text(p: &Parsed) -> String {
    super::reply_text::split(&p.body).text
}

/// A ticket from a mail nobody threaded: the widget's fallback block if present (the sender's
/// address stays the truth), else the sender and the new text.
fn ticket_from_mail(p: &Parsed, text: &str) -> NewTicket {
    let (from_name, from_email) = p.from.clone().unwrap_or((None, String::new()));
    let block = widget_fallback::parse(&p.body);
    let mut e = validate::FieldErrors::new();
    let name = block
        .as_ref()
        .and_then(|b| b.name.as_deref())
        .and_then(|n| validate::single_line(&mut e, "name", Some(n), true, validate::MAX_NAME))
        .or_else(|| {
            from_name.as_deref().and_then(|n| {
                validate::single_line(&mut e, "name", Some(n), true, validate::MAX_NAME)
            })
        })
        .unwrap_or_else(|| from_email.split('@').next().unwrap_or("").to_string());
    let phone = block
        .as_ref()
        .and_then(|b| b.phone.as_deref())
        .and_then(|v| validate::phone(&mut e, "phone", Some(v)));
    let page_url = block
        .as_ref()
        .and_then(|b| b.page.as_deref())
        .and_then(|v| validate::page_url(&mut e, "page", Some(v)));
    let session_id = block
        .as_ref()
        .and_then(|b| b.session.as_deref())
        .and_then(|v| {
            validate::single_line(&mut e, "session", Some(v), false, validate::MAX_SESSION)
        });
    let issue = block
        .as_ref()
        .map(|b| b.issue.clone())
        .filter(|i| !i.trim().is_empty())
        .unwrap_or_else(|| text.to_string());
    let issue = if issue.trim().is_empty() {
        p.subject.clone()
    } else {
        issue
    };
    let issue: String = issue.chars().take(validate::MAX_ISSUE * 4).collect();
    NewTicket {
        site_id: None,
        channel: Channel::Email,
        visitor: Visitor {
            name,
            email: from_email,
            phone,
        },
        session_id,
        issue,
        page_url,
        spam: false,
    }
}

/// Splits an mbox file into raw messages; a single .eml gives itself.
pub fn split_file(bytes: &[u8]) -> Vec<Vec<u8>> {
    if bytes.starts_with(b"From ") {
        mail_parser::mailbox::mbox::MessageIterator::new(std::io::Cursor::new(bytes))
            .filter_map(Result::ok)
            .map(|m| m.unwrap_contents())
            .collect()
    } else {
        vec![bytes.to_vec()]
    }
}
