//! The owner's internal notes: thread entries with `direction = 'note'`. A note is written to
//! `messages` (so the thread shows it in time order and the search indexes it like any
//! entry) and to nothing else: no outbox row, no Message-ID, no `state` — no worker ever
//! sends it, and no budget counts it. It leaves the ticket's status and unread mark alone.

use super::tickets::{find, find_live, thread};
use super::{events, Result};
use crate::clock::to_db;
use crate::domain::{Message, Ticket, TicketId};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Adds a note by `author` (the owner's address, when known) to ticket `id`. Like every other
/// thread entry it is activity: `updated_at` moves. Returns the ticket and the stored note.
pub fn insert(
    conn: &Connection,
    id: &TicketId,
    author: Option<&str>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(Ticket, Message)> {
    let (row, _) = find_live(conn, id)?;
    let at = to_db(now);
    conn.prepare_cached(
        "INSERT INTO messages (ticket, direction, from_addr, text, body, at)
         VALUES (?1, 'note', ?2, ?3, ?3, ?4)",
    )?
    .execute(params![row, author, text, at])?;
    let note_row = conn.last_insert_rowid();
    conn.execute(
        "UPDATE tickets SET updated_at = ?2 WHERE id = ?1",
        params![row, at],
    )?;
    events::insert(
        conn,
        "note_added",
        Some(row),
        &serde_json::json!({ "ticket_id": id.to_string(), "message": note_row }),
        now,
    )?;
    let (_, ticket) = find(conn, id)?;
    let note = thread(conn, row, &ticket)?
        .into_iter()
        .find(|m| m.id == Some(note_row))
        .ok_or_else(|| super::StoreError::NotFound(format!("note {note_row}")))?;
    Ok((ticket, note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Direction, Status};
    use crate::store::{search, tickets::Filter};

    #[test]
    fn a_note_joins_the_thread_is_found_and_queues_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = super::super::conn::open_connection(&dir.path().join("t.sqlite3")).unwrap();
        super::super::conn::migrations()
            .to_latest(&mut conn)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO tickets (id, ticket_id, channel, visitor_name, visitor_email, issue,
                 status, unread, created_at, updated_at)
             VALUES (1, 'TKT-20260101-0001', 'web', 'Ana', 'ana@example.com', 'parcel lost',
                 'pending', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');",
        )
        .unwrap();
        let id: TicketId = "TKT-20260101-0001".parse().unwrap();
        let now: DateTime<Utc> = "2026-01-02T09:30:00Z".parse().unwrap();
        let (ticket, note) = insert(
            &conn,
            &id,
            Some("rosa@shop.example"),
            "Called the courier",
            now,
        )
        .unwrap();
        assert_eq!(note.direction, Direction::Note);
        assert_eq!(note.from.as_deref(), Some("rosa@shop.example"));
        assert_eq!((note.message_id, note.state), (None, None));
        assert_eq!(
            (ticket.status, ticket.unread, ticket.updated_at),
            (Status::Pending, true, now)
        );
        let thread = thread(&conn, 1, &ticket).unwrap();
        assert_eq!(thread.len(), 2, "the form entry, then the note");
        assert_eq!(thread[1].text, "Called the courier");
        let outbox: i64 = conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(outbox, 0);
        let found =
            search::search(&conn, "courier", &Filter::default(), chrono::Utc::now()).unwrap();
        assert_eq!(found.len(), 1);
        let err = insert(&conn, &"TKT-20260101-0009".parse().unwrap(), None, "x", now);
        assert!(matches!(err, Err(super::super::StoreError::NotFound(_))));
    }
}
