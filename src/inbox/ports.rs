//! What a background worker is given instead of the whole [`Inbox`]: the store, the clock, the
//! random source, the owner's zone, the live event sink and the outbox's and the snooze waker's wake-ups. Front ends use the `Inbox`'s
//! use cases; a worker gets exactly the parts it drives, so nothing else of the inbox (mail
//! settings it was not handed, other use cases) is within its reach.

use super::{Event, Inbox};
use crate::clock::SharedClock;
use crate::domain::OwnerTz;
use crate::random::SharedRandom;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::{broadcast, Notify};

#[derive(Clone)]
pub struct Ports {
    pub(crate) store: Store,
    pub(crate) clock: SharedClock,
    /// Retry jitter (and anything else a worker draws at random).
    pub(crate) random: SharedRandom,
    pub(crate) tz: OwnerTz,
    events: broadcast::Sender<Event>,
    /// Notified whenever mail is queued.
    pub(crate) outbox_wake: Arc<Notify>,
    /// Notified whenever a snooze is set or ended (the waker re-reads its next wake time).
    pub(crate) snooze_wake: Arc<Notify>,
    /// Notified whenever a sent mail's copy for Sent is due (`mail::imap::sent_copy`).
    pub(crate) sent_copy_wake: Arc<Notify>,
}

impl Ports {
    /// A live event, after the commit that caused it (no listener is fine).
    pub(crate) fn emit(&self, e: Event) {
        let _ = self.events.send(e);
    }
}

impl Inbox {
    /// The ports a worker of this inbox runs on.
    pub fn ports(&self) -> Ports {
        Ports {
            store: self.store.clone(),
            clock: self.clock.clone(),
            random: self.random.clone(),
            tz: self.tz,
            events: self.events.clone(),
            outbox_wake: self.outbox_wake.clone(),
            snooze_wake: self.snooze_wake.clone(),
            sent_copy_wake: self.sent_copy_wake.clone(),
        }
    }
}
