//! The use cases. Both front ends (the `deskbell` CLI and the desktop shell) and the intake
//! listener call these and nothing below them. Each change is one store write (with the mail
//! it causes and, where the row itself does not already say it, an event row, in the same
//! transaction), and a live [`Event`] broadcast after the commit.
//!
//! The window's reading and organising (search, counts, read state, tags, canned replies,
//! attachments) live in [`views`] and [`organise`]; they are methods on the same [`Inbox`].

mod attachments;
mod automatic;
mod error;
mod event;
mod notes;
mod organise;
mod ports;
mod sending;
mod site_edit;
mod snooze;
mod triage;
mod views;
mod watch;
mod widget;

pub use crate::store::listing::Counts;
pub use crate::store::outbox::FailedMail;
pub use crate::store::outbox::Kind as MailKind;
pub use crate::store::tickets::Filter;
pub use crate::store::triage::{BlockedSender, TRASH_DAYS};
pub use attachments::{safe_file_name, AttachmentData};
pub use error::InboxError;
pub use event::Event;
pub use notes::MAX_NOTE_CHARS;
pub use ports::Ports;
pub use sending::MailStatus;
pub use site_edit::SiteChange;
pub use snooze::{run as run_snooze_waker, WAKER_POLL};
pub use triage::TicketPage;
pub use views::{MailCounts, TicketDetail};
pub use watch::{spawn as spawn_store_watch, WATCH_EVERY};
pub use widget::{
    check_script_src, script_address, widget_folder_name, widget_snippet,
    widget_snippet_self_hosted, write_widget_files, WidgetFiles, SELF_HOSTED_SRC,
};

use crate::clock::SharedClock;
use crate::domain::{
    first_line, validate, Message, NewTicket, OwnerTz, Priority, Site, Status, Ticket, TicketId,
};
use crate::mail::{compose, MailSettings};
use crate::random::{OsRandom, Random, SharedRandom};
use crate::store::{outbox, sites, tickets, Store};
use chrono::Duration;
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::{broadcast, Notify};

/// Automatic mail to one address is capped (Zammad's rule): at most this many …
pub const AUTO_MAIL_CAP: i64 = 10;
/// … within this window.
pub const AUTO_MAIL_WINDOW: Duration = Duration::minutes(10);
/// Owner notifications are counted over this window against `[mail] digest_after`.
pub const DIGEST_WINDOW: Duration = Duration::minutes(10);
/// Attachments of one incoming mail, all together, beyond which they are not stored.
pub const MAX_ATTACHMENT_BYTES: usize = 25 * 1024 * 1024;
/// The most one outgoing mail may weigh once encoded: what Gmail (and most providers) take.
pub const MAX_MAIL_BYTES: usize = 25 * 1024 * 1024;

pub type Result<T, E = InboxError> = std::result::Result<T, E>;

/// A ticket with its thread, oldest entry first.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub messages: Vec<Message>,
}

/// The result of a create: `created == false` when an idempotency key matched.
#[derive(Debug, Clone)]
pub struct Created {
    pub ticket: Ticket,
    pub created: bool,
}

#[derive(Clone)]
pub struct Inbox {
    store: Store,
    clock: SharedClock,
    random: SharedRandom,
    tz: OwnerTz,
    events: broadcast::Sender<Event>,
    mail: Option<Arc<MailSettings>>,
    outbox_wake: Arc<Notify>,
    snooze_wake: Arc<Notify>,
    sent_copy_wake: Arc<Notify>,
}

impl Inbox {
    /// Randomness comes from the OS ([`OsRandom`]); [`Inbox::with_random`] replaces it.
    pub fn new(store: Store, clock: SharedClock, tz: OwnerTz) -> Self {
        let (events, _) = broadcast::channel(1024);
        Self {
            store,
            clock,
            random: Arc::new(OsRandom),
            tz,
            events,
            mail: None,
            outbox_wake: Arc::new(Notify::new()),
            snooze_wake: Arc::new(Notify::new()),
            sent_copy_wake: Arc::new(Notify::new()),
        }
    }

    /// Turns on mail: new tickets queue the owner's notification (and the visitor's
    /// confirmation), and replies can be sent.
    pub fn with_mail(mut self, settings: MailSettings) -> Self {
        self.mail = Some(Arc::new(settings));
        self
    }

    /// Draws bot tokens and the workers' retry jitter from `random` instead of the OS (tests
    /// pass a seeded `random::SeqRandom`).
    pub fn with_random(mut self, random: SharedRandom) -> Self {
        self.random = random;
        self
    }

    pub fn mail(&self) -> Option<&MailSettings> {
        self.mail.as_deref()
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn tz(&self) -> OwnerTz {
        self.tz
    }

    /// Woken whenever mail is queued (the outbox worker waits on it).
    pub fn outbox_wake(&self) -> Arc<Notify> {
        self.outbox_wake.clone()
    }

    /// Answers once every write queued before it has committed (an empty write waits its
    /// turn in the writer's queue).
    pub async fn flush(&self) -> Result<()> {
        Ok(self.store.write(|_| Ok(())).await?)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    fn emit(&self, e: Event) {
        // No listener is fine: the durable copy is in the events table.
        let _ = self.events.send(e);
    }

    /// The live event that a ticket changed (the window refreshes it).
    fn emit_updated(&self, t: &Ticket) {
        self.emit(Event::TicketUpdated {
            ticket_id: t.ticket_id.clone(),
            status: t.status,
            priority: t.priority,
        });
    }

    /// Stores a validated ticket; answers after the commit.
    pub async fn create_ticket(
        &self,
        new: NewTicket,
        idempotency_key: Option<String>,
    ) -> Result<Created> {
        let now = self.clock.now();
        let tz = self.tz;
        let mail = self.mail.clone();
        // Used only if this ticket starts a digest.
        let digest_id = mail.as_deref().map(|m| {
            let mut b = [0u8; 12];
            self.random.fill(&mut b);
            format!("digest.{}@{}", hex::encode(b), m.domain)
        });
        let inserted = self
            .store
            .write(move |c| {
                let mut new = new.clone();
                // A blocked sender's ticket is kept, as spam: answered as usual, never mailed
                // about, never notified.
                new.spam = new.spam || crate::store::triage::is_blocked(c, &new.visitor.email)?;
                let key = match (new.site_id, idempotency_key.as_deref()) {
                    (Some(site_id), Some(key)) => Some(tickets::IdempotencyKey { site_id, key }),
                    _ => None,
                };
                let inserted = tickets::insert(c, tz, &new, key, now)?;
                if let (true, false, Some(m)) = (inserted.created, new.spam, mail.as_deref()) {
                    automatic::queue_new_ticket_mail(c, m, &inserted, digest_id.as_deref(), now)?;
                }
                Ok(inserted)
            })
            .await?;
        if inserted.created && self.mail.is_some() {
            self.outbox_wake.notify_one();
        }
        if inserted.created {
            let t = &inserted.ticket;
            self.emit(Event::TicketCreated {
                ticket_id: t.ticket_id.clone(),
                visitor: t.visitor.name.clone(),
                first_line: first_line(&t.issue),
                spam: t.spam,
            });
        }
        Ok(Created {
            ticket: inserted.ticket,
            created: inserted.created,
        })
    }

    pub async fn tickets(&self, filter: tickets::Filter) -> Result<Vec<Ticket>> {
        let now = self.clock.now();
        Ok(self
            .store
            .read(move |c| tickets::list(c, &filter, now))
            .await?)
    }

    pub async fn ticket(&self, id: &TicketId) -> Result<TicketView> {
        let id = id.clone();
        Ok(self
            .store
            .read(move |c| {
                let (row, ticket) = tickets::find(c, &id)?;
                let messages = tickets::thread(c, row, &ticket)?;
                Ok(TicketView { ticket, messages })
            })
            .await?)
    }

    pub async fn set_ticket(
        &self,
        id: &TicketId,
        status: Option<Status>,
        priority: Option<Priority>,
    ) -> Result<Ticket> {
        if status.is_none() && priority.is_none() {
            return Err(InboxError::Invalid(
                "nothing to change: give a status or a priority".into(),
            ));
        }
        let id = id.clone();
        let now = self.clock.now();
        let t = self
            .store
            .write(move |c| tickets::set(c, &id, status, priority, now))
            .await?;
        // Closing or marking pending ends a snooze: the waker's next time may have moved.
        self.snooze_wake.notify_one();
        self.emit_updated(&t);
        Ok(t)
    }

    /// Registers a website: a fresh random bot token and its allowed origins.
    pub async fn add_site(&self, name: &str, origins: &[String]) -> Result<Site> {
        let name = site_edit::site_name(name)?;
        let origins = origins
            .iter()
            .map(|o| normalise_origin(o))
            .collect::<Result<Vec<_>>>()?;
        let token = new_bot_token(&*self.random);
        let now = self.clock.now();
        Ok(self
            .store
            .write(move |c| sites::insert(c, &name, &token, &origins, now))
            .await?)
    }

    pub async fn sites(&self) -> Result<Vec<Site>> {
        Ok(self.store.read(sites::list).await?)
    }

    /// Queues the owner's answer to the visitor (sent by the outbox worker), threaded onto
    /// everything said so far; the ticket becomes `pending` (waiting for the visitor).
    pub async fn reply(
        &self,
        id: &TicketId,
        text: &str,
        attachments: Vec<compose::AttachmentFile>,
    ) -> Result<String> {
        let mail = self
            .mail
            .clone()
            .ok_or_else(|| InboxError::Invalid("set owner.email to send replies".into()))?;
        let text = text.replace("\r\n", "\n").trim().to_string();
        if text.is_empty() && attachments.is_empty() {
            return Err(InboxError::Invalid("the reply is empty".into()));
        }
        let encoded = reply_size(&text, &attachments);
        if encoded > MAX_MAIL_BYTES {
            return Err(InboxError::Invalid(format!(
                "the attachments come to {:.1} MB once encoded for mail (files grow by about a \
                 third), over the 25 MB a mail may weigh at Gmail and most providers; send \
                 fewer or smaller files (about 18 MB in all)",
                encoded as f64 / (1024.0 * 1024.0)
            )));
        }
        let files: Vec<(String, String, Vec<u8>)> = attachments
            .into_iter()
            .map(|a| (a.name, a.content_type, a.data))
            .collect();
        let id = id.clone();
        let now = self.clock.now();
        let mid = self
            .store
            .write(move |c| {
                let (row, ticket) = tickets::find_live(c, &id)?;
                let subject = compose::reply_subject(&id, &ticket.issue);
                let reply = outbox::NewReply {
                    ticket_row: row,
                    from: &mail.owner_email,
                    to: &ticket.visitor.email,
                    subject: &subject,
                    text: &text,
                    attachments: &files,
                };
                let signed = |r: i64| mail.secret.message_id(&id, &format!("r{r}"), &mail.domain);
                Ok(outbox::queue_reply(c, &reply, signed, now)?.1)
            })
            .await?;
        self.outbox_wake.notify_one();
        Ok(mid)
    }
}

/// `https://Shop.Example/` → `https://shop.example`. Origins are scheme://host[:port], no path.
pub fn normalise_origin(origin: &str) -> Result<String> {
    let o = origin.trim().trim_end_matches('/');
    let bad = || {
        InboxError::Invalid(format!(
            "origin {origin:?} must look like https://shop.example (scheme and host, no path)"
        ))
    };
    let (scheme, rest) = o.split_once("://").ok_or_else(bad)?;
    let scheme = scheme.to_ascii_lowercase();
    if !(scheme == "http" || scheme == "https")
        || rest.is_empty()
        || rest.contains(['/', '?', '#', ' ', '@'])
    {
        return Err(bad());
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

/// 128 random bits, hex, with a prefix that makes a leaked token recognisable.
pub fn new_bot_token(random: &dyn Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    format!("dbt_{}", hex::encode(bytes))
}

/// What a reply with `text` and `attachments` weighs once encoded for mail, at most: the files
/// in base64, the text twice (plain and HTML parts) in quoted-printable at its worst (3 bytes
/// for 1), and room for the headers.
fn reply_size(text: &str, attachments: &[compose::AttachmentFile]) -> usize {
    let files: usize = attachments
        .iter()
        .map(|a| compose::encoded_size(a.data.len()) + 512)
        .sum();
    files + text.len() * 6 + 16 * 1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalise_and_refuse_paths() {
        assert_eq!(
            normalise_origin("HTTPS://Shop.Example/").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            normalise_origin("http://localhost:8080").unwrap(),
            "http://localhost:8080"
        );
        for bad in [
            "shop.example",
            "ftp://x",
            "https://x/path",
            "https://",
            "https://a b",
        ] {
            assert!(normalise_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_random_and_prefixed() {
        let (a, b) = (new_bot_token(&OsRandom), new_bot_token(&OsRandom));
        assert_ne!(a, b);
        assert!(a.starts_with("dbt_") && a.len() == 36);
    }

    fn inbox(dir: &std::path::Path, random: Option<SharedRandom>) -> Inbox {
        let store = Store::open_in(dir, crate::store::CommitMode::Group).unwrap();
        let clock = Arc::new(crate::clock::SystemClock);
        let inbox = Inbox::new(store, clock, OwnerTz(chrono_tz::UTC));
        match random {
            Some(r) => inbox.with_random(r),
            None => inbox,
        }
    }

    async fn token(inbox: &Inbox) -> String {
        inbox
            .add_site("Shop", &["https://shop.example".into()])
            .await
            .unwrap()
            .bot_token
    }

    #[tokio::test]
    async fn site_tokens_come_from_the_inboxs_random_source() {
        use crate::random::SeqRandom;
        let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
        let a = token(&inbox(dirs[0].path(), Some(SeqRandom::shared(42)))).await;
        let b = token(&inbox(dirs[1].path(), Some(SeqRandom::shared(42)))).await;
        let c = token(&inbox(dirs[2].path(), Some(SeqRandom::shared(43)))).await;
        assert_eq!(a, new_bot_token(&SeqRandom::new(42)));
        assert_eq!(
            a, "dbt_956eeb2f2632d7bd03f166b233e3ef28",
            "seed 42, first 16 bytes"
        );
        assert_eq!(a, b, "the same seed, the same token");
        assert_ne!(a, c);
        // The default is the OS source: not the seeded sequence.
        let d = token(&inbox(dirs[3].path(), None)).await;
        assert!(d.starts_with("dbt_") && d.len() == 36 && d != a, "{d}");
    }

    #[test]
    fn first_line_skips_blank_lines_and_truncates() {
        assert_eq!(first_line("\n  \n hello \nworld"), "hello");
        assert_eq!(first_line(&"x".repeat(200)).chars().count(), 121);
    }
}
