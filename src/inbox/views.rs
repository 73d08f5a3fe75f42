//! Reading, as the window does it: the ticket list with search, the counts behind the filters
//! and the tray, and one ticket opened — which marks it read and brings the same visitor's
//! other tickets along.

use super::{Inbox, Result, TicketView};
use crate::domain::{Ticket, TicketId};
use crate::store::listing::{self, Counts};
use crate::store::{search, tickets};
use serde::Serialize;

/// One ticket as the thread view shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketDetail {
    pub ticket: Ticket,
    /// Oldest first; a web ticket's form submission is the first entry (`id: None`).
    pub messages: Vec<crate::domain::Message>,
    /// The same visitor's other tickets, newest activity first.
    pub history: Vec<Ticket>,
}

/// The outbox as the window's status line shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MailCounts {
    pub queued: i64,
    pub failed: i64,
}

impl Inbox {
    /// The ticket list: newest activity first. `query` is what the owner typed in the search
    /// box — any text at all; blank means no search (see [`search`] for the rules).
    pub async fn search(&self, query: &str, filter: tickets::Filter) -> Result<Vec<Ticket>> {
        if query.trim().is_empty() {
            return self.tickets(filter).await;
        }
        let query = query.to_string();
        let now = self.clock.now();
        Ok(self
            .store
            .read(move |c| search::search(c, &query, &filter, now))
            .await?)
    }

    /// Outgoing mail waiting to be sent and mail that could not be sent, for the status line.
    pub async fn mail_counts(&self) -> Result<MailCounts> {
        let (queued, _sent, failed) = self.store.read(crate::store::outbox::counts).await?;
        Ok(MailCounts { queued, failed })
    }

    /// Open (waiting, not snoozed), pending, closed and snoozed tickets, and how many are
    /// unread (spam left out).
    pub async fn counts(&self) -> Result<Counts> {
        let now = self.clock.now();
        Ok(self.store.read(move |c| listing::counts(c, now)).await?)
    }

    /// Marks a ticket read. Returns whether it was unread; only then is anything written and a
    /// [`Event::TicketUpdated`] sent (so the tray and other views refresh).
    pub async fn mark_read(&self, id: &TicketId) -> Result<bool> {
        let id = id.clone();
        let was_unread = self
            .store
            .write(move |c| tickets::mark_read(c, &id))
            .await?;
        Ok(was_unread)
    }

    /// The other tickets of the visitor with `email` (case-insensitive), `except` left out.
    pub async fn visitor_history(
        &self,
        email: &str,
        except: Option<&TicketId>,
    ) -> Result<Vec<Ticket>> {
        let email = email.to_string();
        let except = except.map(TicketId::to_string);
        Ok(self
            .store
            .read(move |c| listing::by_visitor(c, &email, except.as_deref()))
            .await?)
    }

    /// A ticket opened in the window: marked read, with its thread and the visitor's other
    /// tickets. Reading an already-read ticket writes nothing.
    pub async fn open_ticket(&self, id: &TicketId) -> Result<TicketDetail> {
        let TicketView { ticket, messages } = self.ticket(id).await?;
        let mut ticket = ticket;
        if ticket.unread && self.mark_read(id).await? {
            ticket.unread = false;
            self.emit_updated(&ticket);
        }
        let history = self
            .visitor_history(&ticket.visitor.email, Some(id))
            .await?;
        Ok(TicketDetail {
            ticket,
            messages,
            history,
        })
    }
}

impl Inbox {
    /// Every ticket with its thread, for `deskbell export` (see [`crate::store::export`]).
    pub async fn export(&self) -> Result<crate::store::export::Export> {
        let now = self.clock.now();
        Ok(self
            .store
            .read(move |c| crate::store::export::export(c, now))
            .await?)
    }
}
