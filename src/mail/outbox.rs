//! The outbox worker: sends what `store::outbox` holds, one mail at a time, oldest first.
//! - Sent → recorded on the ticket's thread (with the raw bytes) in one transaction.
//! - Transient failure (unreachable, 4xx) → retried with exponential backoff and jitter until
//!   the mail is `max_age` old, then failed with the reason.
//! - Permanent failure (5xx for this mail) → failed at once, with the reason.
//! - Account failure (password, TLS) → this mail failed with the reason, and sending pauses
//!   for `account_pause` so a wrong password never becomes a storm of login attempts.
//!
//! - Over the daily budget (`mail::budget`) → held: still queued, with the reason, until a
//!   slot frees; automatic mail is held first, so the owner's replies still go.
//!
//! Every retry sends the same bytes: the Message-ID and Date come from the queued row.

use super::compose::{self, AttachmentFile, Common, Party};
use super::smtp::{Class, Smtp};
use super::{budget, marks, MailSettings};
use crate::backoff::{draw, Backoff};
use crate::inbox::{Event, Ports};
use crate::store::outbox::{self, Item, Kind};
use crate::store::tickets;
use std::time::Duration;
use tokio::sync::watch;

/// The longest the worker sleeps without looking at the queue.
const IDLE_POLL: Duration = Duration::from_secs(30);
/// When the store itself fails, the worker backs off this long rather than spin on the same
/// due rows (which would resend them).
const STORE_TROUBLE: Duration = Duration::from_secs(5);

/// Runs until `stop` turns true.
pub async fn run(
    ports: Ports,
    settings: MailSettings,
    smtp: Smtp,
    mut stop: watch::Receiver<bool>,
) {
    let wake = ports.outbox_wake.clone();
    tracing::info!(server = smtp.server(), "outbox worker started");
    loop {
        if *stop.borrow() {
            break;
        }
        let now = ports.clock.now();
        let due = ports.store.read(move |c| outbox::due(c, now, 20)).await;
        let items = match due {
            Ok(items) => items,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the outbox");
                Vec::new()
            }
        };
        let mut pause = None;
        for item in &items {
            if *stop.borrow() {
                return;
            }
            if let Some(p) = send_one(&ports, &smtp, &settings, item).await {
                pause = Some(p);
                break;
            }
        }
        let wait = match pause {
            Some(p) => p,
            None if !items.is_empty() => continue,
            None => next_wait(&ports).await,
        };
        tokio::select! {
            _ = wake.notified(), if pause.is_none() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

async fn next_wait(ports: &Ports) -> Duration {
    let next = ports.store.read(outbox::next_due).await.ok().flatten();
    let now = ports.clock.now();
    next.map(|at| (at - now).to_std().unwrap_or(Duration::ZERO))
        .unwrap_or(IDLE_POLL)
        .min(IDLE_POLL)
}

/// The retry delay after `attempts` failures: exponential from `first_secs` (30 s by
/// default), capped at one hour, with ±50 % jitter from `jitter` in [0, 1) so a crowd of
/// queued mail does not retry in lockstep. Whole milliseconds: the queue stores them so.
fn backoff(attempts: u32, jitter: f64, first_secs: f64) -> chrono::Duration {
    let delay = Backoff {
        first: Duration::from_secs_f64(first_secs),
        cap: Duration::from_secs(3600),
        spread: (0.5, 1.5),
    }
    .delay(attempts, jitter);
    chrono::Duration::milliseconds(delay.as_millis() as i64)
}

/// Holds `item` back if the daily budget has no room for it. `Err` = the store failed.
async fn over_budget(ports: &Ports, m: &MailSettings, item: &Item) -> Result<bool, ()> {
    let now = ports.clock.now();
    let counted = ports
        .store
        .read(move |c| outbox::sent_since(c, now - budget::window()))
        .await;
    let (sent, first) =
        counted.map_err(|e| tracing::warn!(error = %e, "cannot count sent mail"))?;
    match budget::verdict(item.kind, m.daily_send_limit, sent, first, now) {
        budget::Verdict::Send => Ok(false),
        budget::Verdict::Hold { until, why } => {
            tracing::info!(kind = %item.kind, to = %item.rcpt, %until, "{why}");
            let id = item.id;
            ports
                .store
                .write(move |c| outbox::hold(c, id, until, &why))
                .await
                .map_err(|e| tracing::warn!(error = %e, "cannot hold a mail back"))?;
            Ok(true)
        }
    }
}

/// Sends one mail and records the outcome; returns a pause if the account is at fault.
async fn send_one(ports: &Ports, smtp: &Smtp, m: &MailSettings, item: &Item) -> Option<Duration> {
    match over_budget(ports, m, item).await {
        Ok(false) => {}
        Ok(true) => return None,
        Err(()) => return Some(STORE_TROUBLE),
    }
    let composed = match item.kind {
        Kind::Digest => compose_digest(ports, m, item).await,
        _ => compose_for_ticket(ports, m, item).await,
    };
    let Composed {
        raw,
        ticket_id,
        text,
        listed,
    } = match composed {
        Ok(Some(c)) => c,
        // A digest with nothing left to list: done without sending.
        Ok(None) => return None,
        Err(Failure::Store) => return Some(STORE_TROUBLE),
        Err(Failure::Compose { ticket_id, reason }) => {
            return fail(ports, item, ticket_id.as_deref(), &reason).await
        }
    };
    let ticket_id = ticket_id.as_deref();
    let store = &ports.store;
    match smtp.send(&m.owner_email, &item.rcpt, &raw).await {
        Ok(()) => {
            let subject = subject_of(&raw);
            // Mail to the owner is in their INBOX already; a copy is for mail to others.
            let copy = m.save_sent && matches!(item.kind, Kind::Reply | Kind::Confirmation);
            let (it, from) = (item.clone(), m.owner_email.clone());
            let now = ports.clock.now();
            let done = store
                .write(move |c| {
                    let sent = outbox::Sent {
                        from: &from,
                        subject: &subject,
                        text: &text,
                        raw: &raw,
                        copy,
                    };
                    outbox::mark_sent(c, &it, &sent, now)?;
                    outbox::mark_digested(c, it.id, &listed)
                })
                .await;
            if let Err(e) = done {
                // Sent but not recorded: it stays queued and would go again. Say so loudly.
                tracing::error!(error = %e, message_id = %item.message_id, "sent, but cannot record it");
            } else if copy {
                ports.sent_copy_wake.notify_one();
            }
            if let Some(ticket_id) = ticket_id {
                ports.emit(Event::MailSent {
                    ticket_id: ticket_id.to_string(),
                    mail: item.kind,
                    to: item.rcpt.clone(),
                });
            }
            None
        }
        Err(e) => {
            let reason = e.to_string();
            match e.class() {
                Class::Transient => {
                    let now = ports.clock.now();
                    if now - item.created_at > m.max_age {
                        let why = format!(
                            "gave up after {} hours of trying: {reason}",
                            m.max_age.num_hours()
                        );
                        return fail(ports, item, ticket_id, &why).await;
                    } else {
                        let next = now
                            + backoff(item.attempts, draw(&*ports.random), m.retry_first_seconds);
                        tracing::info!(to = %item.rcpt, %next, error = %reason, "send deferred");
                        let it = item.clone();
                        let marked = store
                            .write(move |c| outbox::mark_retry(c, &it, next, &reason))
                            .await;
                        if marked.is_err() {
                            return Some(STORE_TROUBLE);
                        }
                    }
                    None
                }
                Class::Permanent => fail(ports, item, ticket_id, &reason).await,
                Class::Account => {
                    let _ = fail(ports, item, ticket_id, &reason).await;
                    tracing::warn!(pause = ?m.account_pause, "sending paused: {reason}");
                    Some(m.account_pause)
                }
            }
        }
    }
}

/// A message ready to go, and what to record when it has.
struct Composed {
    raw: Vec<u8>,
    /// The ticket it is about (none for a digest).
    ticket_id: Option<String>,
    /// The thread entry's text.
    text: String,
    /// The held notifications a digest lists (they are done when it has left).
    listed: Vec<i64>,
}

enum Failure {
    /// The store could not be read: try again later.
    Store,
    /// The mail cannot be composed: it fails with the reason.
    Compose {
        ticket_id: Option<String>,
        reason: String,
    },
}

/// A notification, confirmation or reply, from its ticket (and the reply's thread entry).
async fn compose_for_ticket(
    ports: &Ports,
    m: &MailSettings,
    item: &Item,
) -> Result<Option<Composed>, Failure> {
    let Some(ticket_row) = item.ticket_row else {
        return Err(Failure::Compose {
            ticket_id: None,
            reason: format!("a queued {} without its ticket", item.kind),
        });
    };
    let it = item.clone();
    let loaded = ports
        .store
        .read(move |c| {
            let ticket = tickets::by_row(c, ticket_row)?;
            let reply = match (it.kind, it.message_row) {
                (Kind::Reply, Some(row)) => Some(outbox::reply_content(c, row)?),
                _ => None,
            };
            Ok((ticket, reply))
        })
        .await;
    let (ticket, reply) = loaded.map_err(|e| {
        tracing::warn!(error = %e, "cannot load a queued mail");
        Failure::Store
    })?;
    let id = ticket.id();
    let plus = match (&id, m.plus_addressing) {
        (Some(id), true) => marks::plus_address(&m.owner_email, id),
        _ => None,
    };
    let common = Common {
        ticket: &ticket,
        owner: Party {
            name: m.owner_name.clone(),
            email: m.owner_email.clone(),
        },
        business_name: m.business.as_deref(),
        message_id: &item.message_id,
        date: item.created_at,
        tz: ports.tz.0,
        reply_to_visitor: plus.as_deref(),
    };
    let composed = match (item.kind, &reply) {
        (Kind::Notification, _) => compose::owner_notification(&common),
        (Kind::Confirmation, _) => compose::visitor_confirmation(&common),
        (Kind::Reply, Some(r)) => {
            let files: Vec<AttachmentFile> = r
                .attachments
                .iter()
                .map(|(name, content_type, data)| AttachmentFile {
                    name: name.clone(),
                    content_type: content_type.clone(),
                    data: data.clone(),
                })
                .collect();
            compose::owner_reply(
                &common,
                &r.text,
                m.signature.as_deref(),
                r.in_reply_to.as_deref(),
                &r.references,
                &files,
            )
        }
        (Kind::Reply, None) => Err(compose::ComposeError::EmptyReply),
        // send_one routes digests to compose_digest; a digest row here is refused, not sent.
        (Kind::Digest, _) => {
            return Err(Failure::Compose {
                ticket_id: Some(ticket.ticket_id.clone()),
                reason: "a digest is not composed from one ticket".into(),
            })
        }
    };
    let raw = composed.map_err(|e| Failure::Compose {
        ticket_id: Some(ticket.ticket_id.clone()),
        reason: e.to_string(),
    })?;
    let text = match (item.kind, reply) {
        (Kind::Reply, Some(r)) => r.text,
        (Kind::Notification, _) => format!("Notification sent to {}", item.rcpt),
        _ => format!("Confirmation sent to {}", item.rcpt),
    };
    Ok(Some(Composed {
        raw,
        ticket_id: Some(ticket.ticket_id),
        text,
        listed: Vec::new(),
    }))
}

/// The digest of every notification held for it so far. `None`: nothing is held (the digest
/// is then marked sent without a message, so it does not linger).
async fn compose_digest(
    ports: &Ports,
    m: &MailSettings,
    item: &Item,
) -> Result<Option<Composed>, Failure> {
    let held = ports
        .store
        .read(outbox::held_notifications)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot read the digest's tickets");
            Failure::Store
        })?;
    if held.is_empty() {
        let id = item.id;
        if let Err(e) = ports
            .store
            .write(move |c| outbox::drop_empty_digest(c, id))
            .await
        {
            tracing::warn!(error = %e, "cannot close an empty digest");
            return Err(Failure::Store);
        }
        return Ok(None);
    }
    let entries: Vec<compose::DigestEntry> = held
        .iter()
        .map(|(_, ticket_id, visitor, issue, at)| compose::DigestEntry {
            ticket_id: ticket_id.clone(),
            visitor: visitor.clone(),
            issue: issue.clone(),
            created_at: *at,
        })
        .collect();
    let now = ports.clock.now();
    let digest = compose::Digest {
        owner: Party {
            name: m.owner_name.clone(),
            email: m.owner_email.clone(),
        },
        message_id: &item.message_id,
        date: now,
        tz: ports.tz.0,
        entries: &entries,
    };
    let raw = compose::owner_digest(&digest).map_err(|e| Failure::Compose {
        ticket_id: None,
        reason: e.to_string(),
    })?;
    Ok(Some(Composed {
        raw,
        ticket_id: None,
        text: format!("Digest of {} new tickets", entries.len()),
        listed: held.iter().map(|h| h.0).collect(),
    }))
}

/// Marks the mail failed; returns a pause if even that could not be written.
async fn fail(
    ports: &Ports,
    item: &Item,
    ticket_id: Option<&str>,
    reason: &str,
) -> Option<Duration> {
    tracing::warn!(to = %item.rcpt, mail = %item.kind, %reason, "send failed");
    let (it, why) = (item.clone(), reason.to_string());
    let now = ports.clock.now();
    let written = ports
        .store
        .write(move |c| outbox::mark_failed(c, &it, &why, now))
        .await;
    if let Some(ticket_id) = ticket_id {
        ports.emit(Event::SendFailed {
            ticket_id: ticket_id.to_string(),
            mail: item.kind,
            to: item.rcpt.clone(),
            reason: reason.to_string(),
        });
    }
    written.err().map(|_| STORE_TROUBLE)
}

/// The decoded Subject of a message we composed.
fn subject_of(raw: &[u8]) -> String {
    mail_parser::MessageParser::default()
        .parse(raw)
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        assert_eq!(backoff(0, 0.5, 30.0), Duration::seconds(30));
        assert_eq!(backoff(1, 0.5, 30.0), Duration::seconds(60));
        assert_eq!(backoff(3, 0.5, 30.0), Duration::seconds(240));
        assert_eq!(backoff(20, 0.5, 30.0), Duration::seconds(3600));
        assert_eq!(backoff(0, 0.0, 30.0), Duration::seconds(15));
        assert_eq!(backoff(0, 0.999_999, 30.0), Duration::milliseconds(44_999));
        assert_eq!(backoff(2, 0.5, 1.0), Duration::seconds(4));
    }
}
