//! Copies of sent mail for the `\Sent` folder (migration 0009, `mail::imap::sent_copy`).

use crate::store::Result;
use rusqlite::{params, Connection};

/// A sent mail whose copy is not yet in Sent: its Message-ID and the bytes that left.
#[derive(Debug, Clone)]
pub struct SentCopy {
    pub outbox_id: i64,
    pub message_id: String,
    pub raw: Vec<u8>,
}

/// The copies due, oldest first (the bytes are those recorded when the mail left).
pub fn copies_due(conn: &Connection, limit: i64) -> Result<Vec<SentCopy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.message_id, m.raw FROM outbox o
         JOIN messages m ON m.message_id = o.message_id AND m.direction = 'out'
         WHERE o.sent_copy = 'due' AND m.raw IS NOT NULL
         ORDER BY o.id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(SentCopy {
            outbox_id: r.get(0)?,
            message_id: r.get(1)?,
            raw: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The copy of `outbox_id` is in Sent.
pub fn mark_copied(conn: &Connection, outbox_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET sent_copy = 'saved' WHERE id = ?1 AND sent_copy = 'due'",
        params![outbox_id],
    )?;
    Ok(())
}
