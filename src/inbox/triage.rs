//! Triage (docs/architecture.md, "Triage"): merging tickets, the trash and its purge, spam,
//! blocked senders, and the list's pages.

use super::{Inbox, InboxError, Ports, Result};
use crate::domain::inbound::block_key;
use crate::domain::{Ticket, TicketId};
use crate::store::triage::{self, BlockedSender};
use crate::store::{page, tickets};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One page of a list or search, and how many tickets match in all.
#[derive(Debug, Clone, Serialize)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub total: u64,
}

impl Inbox {
    /// A page of the list under `filter`; `query` as for [`Inbox::search`] (blank: no search).
    pub async fn page(&self, query: &str, filter: tickets::Filter) -> Result<TicketPage> {
        let query = query.to_string();
        let now = self.clock.now();
        Ok(self
            .store
            .read(move |c| {
                let (tickets, total) = page::page(c, &query, &filter, now)?;
                Ok(TicketPage { tickets, total })
            })
            .await?)
    }

    /// Merges `source` into `target` (see [`triage::merge`]); returns the target. Cannot be
    /// undone.
    pub async fn merge(&self, source: &TicketId, target: &TicketId) -> Result<Ticket> {
        let (source, target) = (source.clone(), target.clone());
        let now = self.clock.now();
        let (s, t) = self
            .store
            .write(move |c| {
                let t = triage::merge(c, &source, &target, now)?;
                Ok((tickets::find(c, &source)?.1, t))
            })
            .await?;
        // The source's snooze (if any) ended.
        self.snooze_wake.notify_one();
        self.emit_updated(&s);
        self.emit_updated(&t);
        Ok(t)
    }

    /// Moves a ticket to the trash: in no list but Trash, purged after
    /// [`triage::TRASH_DAYS`] days unless restored (a visitor's reply restores it too).
    pub async fn delete(&self, id: &TicketId) -> Result<Ticket> {
        self.set_deleted(id, true).await
    }

    /// Takes a ticket out of the trash.
    pub async fn restore(&self, id: &TicketId) -> Result<Ticket> {
        self.set_deleted(id, false).await
    }

    async fn set_deleted(&self, id: &TicketId, deleted: bool) -> Result<Ticket> {
        let id = id.clone();
        let now = self.clock.now();
        let t = self
            .store
            .write(move |c| triage::set_deleted(c, &id, deleted, now))
            .await?;
        // A trashed ticket's snooze ended; the oldest in the trash may have changed.
        self.snooze_wake.notify_one();
        self.emit_updated(&t);
        Ok(t)
    }

    /// Marks a ticket spam (in no list but Spam, never notifies) or not spam.
    pub async fn set_spam(&self, id: &TicketId, spam: bool) -> Result<Ticket> {
        let id = id.clone();
        let now = self.clock.now();
        let t = self
            .store
            .write(move |c| triage::set_spam(c, &id, spam, now))
            .await?;
        self.snooze_wake.notify_one();
        self.emit_updated(&t);
        Ok(t)
    }

    /// Blocks an address or a whole domain (`@example.com`): its later tickets and mail are
    /// kept as spam and never notify. Tickets already stored are left as they are. Returns
    /// the normalised key and whether it was new.
    pub async fn block(&self, raw: &str) -> Result<(String, bool)> {
        let key = block_key(raw).map_err(InboxError::Invalid)?;
        let now = self.clock.now();
        let k = key.clone();
        let new = self.store.write(move |c| triage::block(c, &k, now)).await?;
        Ok((key, new))
    }

    /// Unblocks an address or domain; the normalised key and whether it was blocked.
    pub async fn unblock(&self, raw: &str) -> Result<(String, bool)> {
        let key = block_key(raw).map_err(InboxError::Invalid)?;
        let now = self.clock.now();
        let k = key.clone();
        let was = self
            .store
            .write(move |c| triage::unblock(c, &k, now))
            .await?;
        Ok((key, was))
    }

    pub async fn blocked(&self) -> Result<Vec<BlockedSender>> {
        Ok(self.store.read(triage::blocked).await?)
    }
}

/// The waker's other job: empties the trash of what is due. Returns when the next trashed
/// ticket falls due. Writes only when something is due.
pub(super) async fn purge_due(ports: &Ports) -> crate::store::Result<Option<DateTime<Utc>>> {
    let now = ports.clock.now();
    let next = ports.store.read(triage::next_purge).await?;
    if next.is_none_or(|at| at > now) {
        return Ok(next);
    }
    let n = ports
        .store
        .write(move |c| triage::purge_trash(c, now))
        .await?;
    tracing::info!(
        tickets = n,
        "trash emptied of tickets deleted {} days ago",
        triage::TRASH_DAYS
    );
    ports.store.read(triage::next_purge).await
}
