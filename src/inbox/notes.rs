//! Internal notes: what the owner writes on a ticket for herself. A note is a thread entry
//! and is found by search, but it is never mail — nothing is queued, the outbox is not woken,
//! no budget counts it — and it changes neither the status nor the unread mark.

use super::{Event, Inbox, InboxError, Result};
use crate::domain::{Message, TicketId};
use crate::store::notes;

/// A note's length limit, in characters (after trimming).
pub const MAX_NOTE_CHARS: usize = 10_000;

impl Inbox {
    /// Adds a note to ticket `id`: trimmed, line ends normalised, not empty, at most
    /// [`MAX_NOTE_CHARS`]. Its author is the owner (her address, when mail is set up).
    pub async fn add_note(&self, id: &TicketId, text: &str) -> Result<Message> {
        let text = text.replace("\r\n", "\n").trim().to_string();
        if text.is_empty() {
            return Err(InboxError::Invalid("the note is empty".into()));
        }
        let n = text.chars().count();
        if n > MAX_NOTE_CHARS {
            return Err(InboxError::Invalid(format!(
                "the note is {n} characters; the limit is {MAX_NOTE_CHARS}"
            )));
        }
        let author = self.mail.as_ref().map(|m| m.owner_email.clone());
        let id = id.clone();
        let now = self.clock.now();
        let (ticket, note) = self
            .store
            .write(move |c| notes::insert(c, &id, author.as_deref(), &text, now))
            .await?;
        self.emit(Event::NoteAdded {
            ticket_id: ticket.ticket_id,
        });
        Ok(note)
    }
}
