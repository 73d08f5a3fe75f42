//! Owner notifications held for a digest, and the digest row that lists them.

use super::super::Result;
use super::{count_kind_since, enqueue, Kind};
use crate::clock::{from_db, to_db};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Owner notifications queued since `since` (sent, waiting or held for a digest): how fast
/// new tickets come.
pub fn notifications_since(conn: &Connection, since: DateTime<Utc>) -> Result<i64> {
    count_kind_since(conn, Kind::Notification, since)
}

/// Queues an owner notification held for the next digest, and makes sure a digest is queued:
/// the waiting one, or a new one (Message-ID `digest_message_id`) due at `digest_due`.
pub fn hold_for_digest(
    conn: &Connection,
    ticket_row: i64,
    message_id: &str,
    owner: &str,
    digest_message_id: &str,
    digest_due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = enqueue(
        conn,
        Kind::Notification,
        ticket_row,
        None,
        message_id,
        owner,
        now,
    )?;
    conn.execute("UPDATE outbox SET state = 'held' WHERE id = ?1", [id])?;
    let waiting: Option<i64> = conn
        .query_row(
            "SELECT id FROM outbox WHERE kind = 'digest' AND state = 'queued' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if waiting.is_none() {
        conn.prepare_cached(
            "INSERT INTO outbox (kind, ticket, message_id, rcpt, next_attempt_at, created_at)
             VALUES ('digest', NULL, ?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            digest_message_id,
            owner.to_ascii_lowercase(),
            to_db(digest_due),
            to_db(now)
        ])?;
    }
    Ok(())
}

/// A notification waiting in the digest: (outbox id, ticket id, visitor, issue, created).
pub type HeldNotification = (i64, String, String, String, DateTime<Utc>);

/// The notifications the next digest lists, oldest first.
pub fn held_notifications(conn: &Connection) -> Result<Vec<HeldNotification>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, t.ticket_id, t.visitor_name, t.issue, t.created_at
         FROM outbox o JOIN tickets t ON t.id = o.ticket
         WHERE o.state = 'held' AND o.kind = 'notification' ORDER BY o.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let at: String = r.get(4)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            from_db(&at).unwrap_or_default(),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// After a digest left: the notifications it listed are done (`digested`, pointing at it).
pub fn mark_digested(conn: &Connection, digest: i64, listed: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET state = 'digested', digest = ?1 WHERE id = ?2 AND state = 'held'",
    )?;
    for id in listed {
        stmt.execute(params![digest, id])?;
    }
    Ok(())
}

/// A digest found nothing to list (its notifications went another way): it is done.
pub fn drop_empty_digest(conn: &Connection, digest: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'digested' WHERE id = ?1 AND kind = 'digest'",
        [digest],
    )?;
    Ok(())
}
