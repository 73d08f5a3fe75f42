//! Snoozing a ticket (docs/architecture.md, "Snooze") and the waker that brings it back.
//!
//! The waker is a worker on [`Ports`]: it sleeps until the soonest wake time, then clears the
//! due snoozes in one transaction and emits [`Event::TicketWoke`] for each. It re-reads the
//! time when a snooze changes in this process (`snooze_wake`) and at least every
//! [`WAKER_POLL`], so a snooze set by another process (the CLI beside `serve`) is noticed
//! too. At start it first wakes what came due while Deskbell was not running. On the same
//! beat it empties the trash of tickets deleted 30 days ago (see [`super::triage`]).

use super::{Event, Inbox, InboxError, Ports, Result};
use crate::domain::snooze::{self, SnoozeChoice};
use crate::domain::{first_line, Ticket, TicketId};
use crate::store;
use std::time::Duration;
use tokio::sync::watch;

/// The longest the waker sleeps without looking at the store again.
pub const WAKER_POLL: Duration = Duration::from_secs(30);

impl Inbox {
    /// Snoozes ticket `id` until `until`: it leaves the waiting list (and the tray) until then,
    /// and comes back by itself, unread. A pending or closed ticket reopens: snoozing means
    /// "bring this back to me". A visitor's reply wakes it at once.
    pub async fn snooze(
        &self,
        id: &TicketId,
        until: chrono::DateTime<chrono::Utc>,
    ) -> Result<Ticket> {
        let now = self.clock.now();
        snooze::check_until(until, now).map_err(|e| InboxError::Invalid(e.to_string()))?;
        self.set_snooze(id, Some(until)).await
    }

    /// Ends a snooze now, without waking it as news (not unread, no notification). A ticket
    /// that is not snoozed is left as it is.
    pub async fn unsnooze(&self, id: &TicketId) -> Result<Ticket> {
        self.set_snooze(id, None).await
    }

    /// The Snooze menu's quick picks now, in the owner's zone.
    pub fn snooze_choices(&self) -> Vec<SnoozeChoice> {
        snooze::snooze_choices(self.clock.now(), self.tz)
    }

    async fn set_snooze(
        &self,
        id: &TicketId,
        until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Ticket> {
        let id = id.clone();
        let now = self.clock.now();
        let t = self
            .store
            .write(move |c| store::snooze::set(c, &id, until, now))
            .await?;
        self.snooze_wake.notify_one();
        self.emit_updated(&t);
        Ok(t)
    }
}

/// Runs until `stop` turns true.
pub async fn run(ports: Ports, mut stop: watch::Receiver<bool>) {
    loop {
        let wait = match wake_once(&ports).await {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(error = %e, "cannot wake snoozed tickets; trying again");
                WAKER_POLL
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = ports.snooze_wake.notified() => {}
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    return;
                }
            }
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// Wakes what is due and answers how long to sleep before looking again. Writes only when
/// something is due: the writer's time is the intake's.
async fn wake_once(ports: &Ports) -> store::Result<Duration> {
    let now = ports.clock.now();
    let mut next = ports.store.read(store::snooze::next_wake).await?;
    if next.is_some_and(|at| at <= now) {
        let woken = ports
            .store
            .write(move |c| store::snooze::wake_due(c, now))
            .await?;
        for t in woken {
            tracing::info!(ticket = %t.ticket_id, "snooze over");
            ports.emit(Event::TicketWoke {
                ticket_id: t.ticket_id.clone(),
                visitor: t.visitor.name.clone(),
                first_line: first_line(&t.issue),
            });
        }
        next = ports.store.read(store::snooze::next_wake).await?;
    }
    // The trash is emptied on the same beat (a purge is due at most once a day or so).
    if let Some(purge) = super::triage::purge_due(ports).await? {
        next = Some(next.map_or(purge, |n| n.min(purge)));
    }
    Ok(match next {
        // A millisecond late, so the ticket is due by the clock's reading too.
        Some(at) => (at - ports.clock.now())
            .to_std()
            .map(|d| d + Duration::from_millis(1))
            .unwrap_or(Duration::from_millis(1))
            .min(WAKER_POLL),
        None => WAKER_POLL,
    })
}
