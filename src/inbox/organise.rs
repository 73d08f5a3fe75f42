//! Organising, as the owner does it from the window: tags on a ticket and canned replies.

use super::{Inbox, InboxError, Result};
use crate::domain::{canned, tags, CannedReply, Ticket, TicketId};
use crate::store::{self, tickets};

impl Inbox {
    /// Replaces a ticket's tags. Each is trimmed, lower-cased and checked (see
    /// [`crate::domain::tags`]); duplicates merge and blanks drop. An invalid tag is
    /// [`InboxError::Invalid`] with a sentence naming it.
    pub async fn set_tags(&self, id: &TicketId, raw: &[String]) -> Result<Ticket> {
        let tags = tags::normalise_all(raw).map_err(|e| InboxError::Invalid(e.to_string()))?;
        let id = id.clone();
        let now = self.clock.now();
        let t = self
            .store
            .write(move |c| {
                let (row, _) = tickets::find_live(c, &id)?;
                store::tags::replace(c, row, &tags, now)?;
                tickets::by_row(c, row)
            })
            .await?;
        self.emit_updated(&t);
        Ok(t)
    }

    /// Tags in use with their ticket counts, most used first (suggestions while typing).
    pub async fn tags_in_use(&self) -> Result<Vec<(String, i64)>> {
        Ok(self.store.read(store::tags::in_use).await?)
    }

    /// All canned replies, by title.
    pub async fn canned_replies(&self) -> Result<Vec<CannedReply>> {
        Ok(self.store.read(store::canned::list).await?)
    }

    /// Saves a canned reply: a new one when `id` is `None`, else replaces that one.
    pub async fn save_canned_reply(
        &self,
        id: Option<i64>,
        title: &str,
        body: &str,
    ) -> Result<CannedReply> {
        let (title, body) = canned::validate(title, body).map_err(|errors| {
            let text: Vec<String> = errors.iter().map(|(f, m)| format!("{f} {m}")).collect();
            InboxError::Invalid(format!("canned reply: {}", text.join("; ")))
        })?;
        let now = self.clock.now();
        Ok(self
            .store
            .write(move |c| store::canned::save(c, id, &title, &body, now))
            .await?)
    }

    /// Canned reply `id`'s body with its fields filled for ticket `ticket_id`
    /// ([`canned::fill`]): what the composer inserts. The business is `[owner] business`
    /// (else the owner's name), as the reply mail names it.
    pub async fn fill_canned_reply(&self, id: i64, ticket_id: &TicketId) -> Result<String> {
        let tid = ticket_id.clone();
        let (reply, ticket) = self
            .store
            .read(move |c| {
                let reply = store::canned::list(c)?.into_iter().find(|r| r.id == id);
                Ok((reply, tickets::find(c, &tid)?.1))
            })
            .await?;
        let reply =
            reply.ok_or_else(|| InboxError::NotFound(format!("canned reply {id} not found")))?;
        let fields = canned::Fields {
            visitor_name: &ticket.visitor.name,
            ticket_id: &ticket.ticket_id,
            business: self.mail().and_then(|m| m.business.as_deref()),
        };
        Ok(canned::fill(&reply.body, &fields))
    }

    pub async fn delete_canned_reply(&self, id: i64) -> Result<()> {
        Ok(self
            .store
            .write(move |c| store::canned::delete(c, id))
            .await?)
    }
}
